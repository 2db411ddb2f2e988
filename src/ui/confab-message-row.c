/* confab-message-row.c: one message in the conversation view
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "confab-align-bin.h"
#include "confab-markup.h"
#include "confab-message-viewer.h"
#include "confab-message-row.h"
#include "confab-rich-view.h"
#include "confab-ui.h"

/* "Sending" shows only when a send takes longer than this, so fast sends do not flicker. */
#define SENDING_DELAY_MS 1000

struct _ConfabMessageRow
{
  GtkWidget parent_instance;

  ConfabMessage *message;
  guint sending_source;
  gboolean show_sending;
  gboolean long_text;          /* the text is longer than LONG_TEXT_CHARS */

  GtkWidget *box;
  GtkWidget *day_label;
  GtkWidget *sender_label;
  GtkWidget *bubble_bin;       /* places the bubble at its side: see confab-align-bin.c */
  GtkWidget *bubble;
  GtkWidget *text_label;
  GtkWidget *meta_box;
  GtkWidget *time_label;
  GtkWidget *state_icon;
  /* Built the first time a row needs them, after the template: most rows never do, and each
   * of them is several widgets to build, style and measure for every row of a first page. */
  GtkWidget *unread_divider;   /* in box, after day_label, or NULL */
  GtkWidget *show_all_button;  /* in bubble, after text_label, or NULL */
  GtkWidget *retry_button;     /* in meta_box, after state_icon, or NULL */
  GtkWidget *rich_box;
  GtkWidget *chips_box;
  GtkWidget *rich_view;        /* in rich_box, for the message's content, or NULL */
  GtkWidget *file_view;        /* in rich_box, for the message's hosted file, or NULL */
  GtkWidget *chips_view;       /* in chips_box, for its quick replies, or NULL */
};

/* A row lays out at most this much of a message; "Show All" opens the rest. Measured with
 * GTK 4.8 on llvmpipe: about 20 ms for a label of 2,000 characters, so a row of any message
 * stays within a frame or two. */
#define ROW_MAX_CHARS 2000

/* Two ways GTK 4.8 lays out a label many times over, each layout taking longer the longer the
 * text (2,000 characters of base64: 30 layouts, 40 ms and more, in one frame):
 *  - a wrapping label's minimum width is found by laying it out at its width-chars, by
 *    default 0: one character a line, and Pango shapes the rest of the text again at every
 *    line. A text gets a width-chars of half its characters, at most MIN_WIDTH_CHARS: its
 *    minimum layout is two lines, or a few for a longer one. Its natural width stays its own
 *    (half as many average characters are narrower than the text), so its bubble looks the
 *    same; only a window too narrow for MIN_WIDTH_CHARS no longer breaks it into narrower
 *    lines. For the 24 messages of a first page that saved about 1,300 of 4,900 shapings.
 *  - a widget aligned to one side is asked for the width that fits its height, which the
 *    label answers with a binary search over widths, a layout at each step. The bubble is
 *    placed at its side by a ConfabAlignBin instead, which never asks.
 * A text longer than LONG_TEXT_CHARS gets a bubble as wide as the conversation, so that a
 * page of text is read across the window rather than in a column. */
#define LONG_TEXT_CHARS 600
#define MIN_WIDTH_CHARS 20

enum {
  SIGNAL_RETRY,
  SIGNAL_RICH_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConfabMessageRow, confab_message_row, GTK_TYPE_WIDGET)

/* The message's own sender, whoever has the conversation now; "Agent" only while nothing
 * is known of the sender. */
static const char *
sender_name (ConfabMessageRow *self)
{
  if (confab_message_get_own (self->message))
    return _("You");
  if (confab_message_get_sender_name (self->message) != NULL)
    return confab_message_get_sender_name (self->message);
  return _("Agent");
}

static void update_label (ConfabMessageRow *self);

static gboolean
shown (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_get_visible (widget);
}

static GtkWidget *
divider_line_new (void)
{
  GtkWidget *line = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

  gtk_widget_set_hexpand (line, TRUE);
  gtk_widget_set_valign (line, GTK_ALIGN_CENTER);
  return line;
}

/* "New Messages" between two lines, above the first unread message */
static GtkWidget *
unread_divider_new (void)
{
  GtkWidget *divider = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_("New Messages"));

  gtk_widget_set_margin_top (divider, 6);
  gtk_widget_set_margin_bottom (divider, 6);
  gtk_widget_add_css_class (divider, "unread-divider");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "accent");
  gtk_box_append (GTK_BOX (divider), divider_line_new ());
  gtk_box_append (GTK_BOX (divider), label);
  gtk_box_append (GTK_BOX (divider), divider_line_new ());
  return divider;
}

/* A small flat button of the bubble, for ACTION_NAME */
static GtkWidget *
row_button_new (const char *mnemonic,
                const char *name,
                const char *action_name,
                const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "caption");
  confab_ui_name_mnemonic_button (button, name);
  return button;
}

/* Shows or hides a lazily built part (see the struct): built only to be shown. */
static void
show_part (ConfabMessageRow  *self,
           GtkWidget        **part,
           gboolean           visible)
{
  if (*part == NULL && !visible)
    return;
  if (*part == NULL)
    {
      if (part == &self->unread_divider)
        {
          *part = unread_divider_new ();
          gtk_box_insert_child_after (GTK_BOX (self->box), *part, self->day_label);
        }
      else if (part == &self->show_all_button)
        {
          *part = row_button_new (_("Show _All"), _("Show All"), "row.show-all",
                                  _("Read the whole message in a window of its own"));
          gtk_widget_set_halign (*part, GTK_ALIGN_START);
          gtk_box_insert_child_after (GTK_BOX (self->bubble), *part, self->text_label);
        }
      else
        {
          *part = row_button_new (_("_Retry"), _("Retry"), "row.retry", _("Send this message again"));
          gtk_box_insert_child_after (GTK_BOX (self->meta_box), *part, self->state_icon);
        }
    }
  gtk_widget_set_visible (*part, visible);
}

void
confab_message_row_set_first_unread (ConfabMessageRow *self,
                                     gboolean          first_unread)
{
  g_return_if_fail (CONFAB_IS_MESSAGE_ROW (self));

  if (shown (self->unread_divider) == !!first_unread)
    return;
  show_part (self, &self->unread_divider, first_unread);
  update_label (self);
}

gboolean
confab_message_row_get_first_unread (ConfabMessageRow *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ROW (self), FALSE);

  return shown (self->unread_divider);
}

/* Whether TEXT ends a sentence of its own, maybe inside quotes or brackets: "Thanks!",
 * "(See the docs.)", „Gut.“ Then the label adds no full stop after it. */
static gboolean
ends_sentence (const char *text,
               gsize       len)
{
  const char *end = text + len;

  while (end > text)
    {
      const char *prev = g_utf8_find_prev_char (text, end);
      gunichar c = g_utf8_get_char (prev);

      switch (g_unichar_type (c))
        {
        case G_UNICODE_CLOSE_PUNCTUATION:     /* ) ] } 」 』 ） */
        case G_UNICODE_FINAL_PUNCTUATION:     /* ” ’ » */
        case G_UNICODE_INITIAL_PUNCTUATION:   /* “ closes German quotes */
        case G_UNICODE_SPACE_SEPARATOR:
        case G_UNICODE_LINE_SEPARATOR:
        case G_UNICODE_PARAGRAPH_SEPARATOR:
        case G_UNICODE_CONTROL:               /* a trailing newline */
          end = prev;
          continue;
        default:
          break;
        }
      if (c == '"' || c == '\'')
        {
          end = prev;
          continue;
        }
      return c == '.' || c == '!' || c == '?' || c == 0x2026 /* … */ ||
             c == 0x3002 /* 。 */ || c == 0xFF01 /* ！ */ || c == 0xFF0E /* ． */ || c == 0xFF1F /* ？ */;
    }
  return FALSE;
}

/* The length of TEXT without the white space at its end. */
static gsize
chomped_length (const char *text)
{
  gsize len = strlen (text);

  while (len > 0 && g_ascii_isspace (text[len - 1]))
    len--;
  return len;
}

/* A marker that occurs nowhere in NAME: control characters SOH, as many as it takes. The
 * label's sentence is formatted with the marker in place of the text, and the text goes in
 * once, where the marker is: printf would copy a long text several times over (a megabyte's
 * label took 4 ms), and the translation may put the words in any order. */
static char *
dup_marker (const char *name)
{
  GString *marker = g_string_new ("\001");

  while (strstr (name, marker->str) != NULL)
    g_string_append_c (marker, '\001');
  return g_string_free (marker, FALSE);
}

char *
confab_message_row_dup_label (ConfabMessageRow *self)
{
  g_autofree char *time = NULL;
  g_autofree char *label = NULL;
  g_autofree char *marker = NULL;
  const char *text, *name, *at;
  gboolean ends;
  GString *out;
  gsize text_len;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_ROW (self), NULL);

  if (self->message == NULL)
    return g_strdup ("");

  time = confab_ui_format_time (confab_message_get_server_time (self->message));
  name = sender_name (self);
  marker = dup_marker (name);
  text = confab_message_get_text (self->message);
  if (text == NULL)
    text = "";
  /* Blank lines after the text would read as a pause before the delivery state. */
  text_len = chomped_length (text);
  /* A sentence that ends itself gets no second full stop. */
  ends = ends_sentence (text, text_len);
  if (confab_message_get_own (self->message))
    label = ends
      /* Translators: sender, time: message text (which ends in its own punctuation) Delivery state. */
      ? g_strdup_printf (_("%s, %s: %s %s."), name, time, marker,
                         confab_delivery_state_to_string (confab_message_get_delivery_state (self->message)))
      /* Translators: sender, time: message text. Delivery state. */
      : g_strdup_printf (_("%s, %s: %s. %s."), name, time, marker,
                         confab_delivery_state_to_string (confab_message_get_delivery_state (self->message)));
  else
    label = ends
      /* Translators: sender, time: message text (which ends in its own punctuation) */
      ? g_strdup_printf (_("%s, %s: %s"), name, time, marker)
      /* Translators: sender, time: message text. */
      : g_strdup_printf (_("%s, %s: %s."), name, time, marker);
  if (!confab_message_get_own (self->message) && shown (self->unread_divider))
    {
      char *with_divider;

      /* Translators: said before the first unread message */
      with_divider = g_strdup_printf (_("New messages. %s"), label);
      g_free (label);
      label = with_divider;
    }

  /* A translation without the text's %s would have no marker. */
  at = strstr (label, marker);
  if (at == NULL)
    return g_steal_pointer (&label);
  out = g_string_sized_new (strlen (label) + text_len);
  g_string_append_len (out, label, at - label);
  g_string_append_len (out, text, text_len);
  g_string_append (out, at + strlen (marker));
  return g_string_free (out, FALSE);
}

/* What each state means, for the icon's accessible description. */
static const char *
state_description (ConfabDeliveryState state)
{
  switch (state)
    {
    case CONFAB_DELIVERY_QUEUED: return _("Waiting to be sent; it goes as soon as Confab is online");
    case CONFAB_DELIVERY_SENDING: return _("On its way to the service");
    case CONFAB_DELIVERY_SENT: return _("The service has it");
    case CONFAB_DELIVERY_DELIVERED: return _("It reached the agent");
    case CONFAB_DELIVERY_READ: return _("The agent has read it");
    case CONFAB_DELIVERY_FAILED: return _("The service refused it; Retry sends it again");
    default: return "";
    }
}

static gboolean
sending_delay_cb (gpointer data)
{
  ConfabMessageRow *self = data;

  self->sending_source = 0;
  self->show_sending = TRUE;
  gtk_widget_set_visible (self->state_icon, TRUE);
  return G_SOURCE_REMOVE;
}

static void
update_state (ConfabMessageRow *self)
{
  ConfabDeliveryState state;
  const char *icon = NULL;
  const char *text;

  if (self->message == NULL || !confab_message_get_own (self->message))
    {
      gtk_widget_set_visible (self->state_icon, FALSE);
      show_part (self, &self->retry_button, FALSE);
      return;
    }

  state = confab_message_get_delivery_state (self->message);
  text = confab_delivery_state_to_string (state);
  switch (state)
    {
    case CONFAB_DELIVERY_QUEUED: icon = "confab-queued-symbolic"; break;
    case CONFAB_DELIVERY_SENDING: icon = "content-loading-symbolic"; break;
    case CONFAB_DELIVERY_SENT: icon = "confab-sent-symbolic"; break;
    case CONFAB_DELIVERY_DELIVERED: icon = "confab-delivered-symbolic"; break;
    case CONFAB_DELIVERY_READ: icon = "confab-read-symbolic"; break;
    case CONFAB_DELIVERY_FAILED: icon = "dialog-error-symbolic"; break;
    default: break;
    }

  gtk_image_set_from_icon_name (GTK_IMAGE (self->state_icon), icon);
  gtk_widget_set_tooltip_text (self->state_icon, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, state_description (state),
                                  -1);

  if (state == CONFAB_DELIVERY_SENDING)
    {
      if (!self->show_sending && self->sending_source == 0)
        self->sending_source = g_timeout_add (SENDING_DELAY_MS, sending_delay_cb, self);
      gtk_widget_set_visible (self->state_icon, self->show_sending);
    }
  else
    {
      g_clear_handle_id (&self->sending_source, g_source_remove);
      self->show_sending = FALSE;
      gtk_widget_set_visible (self->state_icon, TRUE);
    }

  show_part (self, &self->retry_button, state == CONFAB_DELIVERY_FAILED);
  if (state == CONFAB_DELIVERY_FAILED)
    gtk_widget_add_css_class (self->bubble, "failed");
  else
    gtk_widget_remove_css_class (self->bubble, "failed");
}

static void
update_label (ConfabMessageRow *self)
{
  g_autofree char *label = confab_message_row_dup_label (self);
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* The list item around the row is what takes the focus: a screen reader reads its name,
   * which is the row's. Labelled by the row, it holds no copy of its own, which for a long
   * text would be another megabyte to copy each time the row is bound. The same item may
   * have held an event row, named by a label of its own. */
  if (item != NULL)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_RELATION_LABELLED_BY, self, NULL, -1);
    }
}

static void
rich_clicked_cb (ConfabMessageRow        *self,
                 const ConfabRichElement *element,
                 ConfabRichView          *view)
{
  if (self->message != NULL)
    g_signal_emit (self, signals[SIGNAL_RICH_CLICKED], 0, self->message, element);
}

typedef enum {
  SHOW_CONTENT,
  SHOW_QUICK_REPLIES,
  SHOW_FILE,
} ShowKind;

/* view_slot shows a view of what (content, quick replies or a file); a new one only when
 * what changed. */
static void
show_rich (ConfabMessageRow *self,
           GtkWidget        *box,
           GtkWidget       **view_slot,
           gpointer          what,
           ShowKind          kind)
{
  gpointer shown = NULL;

  if (*view_slot != NULL)
    switch (kind)
      {
      case SHOW_QUICK_REPLIES: shown = confab_rich_view_get_quick_replies (CONFAB_RICH_VIEW (*view_slot)); break;
      case SHOW_FILE: shown = confab_rich_view_get_file (CONFAB_RICH_VIEW (*view_slot)); break;
      case SHOW_CONTENT:
      default: shown = confab_rich_view_get_content (CONFAB_RICH_VIEW (*view_slot)); break;
      }
  if (shown != what && *view_slot != NULL)
    {
      gtk_box_remove (GTK_BOX (box), *view_slot);
      *view_slot = NULL;
    }
  if (what != NULL && *view_slot == NULL)
    {
      switch (kind)
        {
        case SHOW_QUICK_REPLIES: *view_slot = confab_rich_view_new_quick_replies (what); break;
        case SHOW_FILE: *view_slot = confab_rich_view_new_file (what); break;
        case SHOW_CONTENT:
        default: *view_slot = confab_rich_view_new (what); break;
        }
      g_signal_connect_object (*view_slot, "clicked", G_CALLBACK (rich_clicked_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (GTK_BOX (box), *view_slot);
    }
}

static void
update_rich (ConfabMessageRow *self)
{
  ConfabRichContent *rich = self->message != NULL ? confab_message_get_rich (self->message) : NULL;
  ConfabHostedFile *file = self->message != NULL ? confab_message_get_file (self->message) : NULL;
  ConfabQuickReplies *replies = NULL;

  if (self->message != NULL && confab_message_get_replies_active (self->message))
    replies = confab_message_get_quick_replies (self->message);

  show_rich (self, self->rich_box, &self->rich_view, rich, SHOW_CONTENT);
  show_rich (self, self->rich_box, &self->file_view, file, SHOW_FILE);
  show_rich (self, self->chips_box, &self->chips_view, replies, SHOW_QUICK_REPLIES);
  gtk_widget_set_visible (self->rich_box, rich != NULL || file != NULL);
  gtk_widget_set_visible (self->chips_box, replies != NULL);
  /* The content is the message; its text is what a screen reader and a copy get. */
  gtk_widget_set_visible (self->text_label, rich == NULL);
  if (rich != NULL)
    show_part (self, &self->show_all_button, FALSE);

}

/* The text's label. Apart from update(): setting it lays the label out again, which for a
 * long text costs a frame's worth of time, and most notifications (a receipt, the sender's
 * name) leave the text as it is. */
static void
update_text (ConfabMessageRow *self)
{
  g_autofree char *markup = NULL;
  const char *text = confab_message_get_text (self->message);
  gboolean cut = FALSE;
  glong n_chars;

  markup = confab_text_to_display_markup (text, ROW_MAX_CHARS, &cut);
  gtk_label_set_markup (GTK_LABEL (self->text_label), markup);
  /* A cut text is over every limit below: its characters (up to a megabyte's) go uncounted. */
  n_chars = cut ? G_MAXLONG : text != NULL ? g_utf8_strlen (text, -1) : 0;
  self->long_text = cut || n_chars > LONG_TEXT_CHARS;
  /* see MIN_WIDTH_CHARS */
  gtk_label_set_width_chars (GTK_LABEL (self->text_label), (int) MIN (MIN_WIDTH_CHARS, n_chars / 2));
  show_part (self, &self->show_all_button, cut);
  /* A file's caption is the sender's words, though not a text message. */
  if (confab_message_get_is_placeholder (self->message) && confab_message_get_file (self->message) == NULL)
    gtk_widget_add_css_class (self->text_label, "placeholder");
  else
    gtk_widget_remove_css_class (self->text_label, "placeholder");
}

static void
update (ConfabMessageRow *self,
        gboolean          text_changed,
        gboolean          label_changed)
{
  g_autofree char *time = NULL;
  g_autofree char *day = NULL;
  gboolean own;

  if (self->message == NULL)
    return;

  own = confab_message_get_own (self->message);
  if (text_changed)
    update_text (self);

  time = confab_ui_format_time (confab_message_get_server_time (self->message));
  gtk_label_set_text (GTK_LABEL (self->time_label), time);

  gtk_widget_set_visible (self->day_label, confab_message_get_day_break (self->message));
  if (confab_message_get_day_break (self->message))
    {
      day = confab_ui_format_day (confab_message_get_server_time (self->message));
      gtk_label_set_text (GTK_LABEL (self->day_label), day);
    }

  gtk_widget_set_visible (self->sender_label, !own && confab_message_get_group_start (self->message));
  gtk_label_set_text (GTK_LABEL (self->sender_label), sender_name (self));

  /* A long text takes the conversation's width: see LONG_TEXT_CHARS */
  confab_align_bin_set_align (CONFAB_ALIGN_BIN (self->bubble_bin),
                              self->long_text ? GTK_ALIGN_FILL : own ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_widget_set_halign (self->sender_label, own ? GTK_ALIGN_END : GTK_ALIGN_START);
  if (own)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "own");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "theirs");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "theirs");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "own");
    }

  update_rich (self);
  update_state (self);
  if (label_changed)
    update_label (self);
}

/* What a notification of the message changes of the row: its text label, and its accessible
 * label, which holds the whole text and costs a copy of it (a megabyte) each time. A receipt
 * sent, the message seen, its place in a group or day: neither. */
static void
message_notify_cb (ConfabMessageRow *self,
                   GParamSpec       *pspec,
                   ConfabMessage    *message)
{
  static const char *const not_in_label[] = {
    "accept-sent", "read-sent", "seen", "day-break", "group-start", "replies-active",
  };
  gboolean text_changed = g_str_equal (pspec->name, "text") || g_str_equal (pspec->name, "is-placeholder");
  gboolean label_changed = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (not_in_label); i++)
    if (g_str_equal (pspec->name, not_in_label[i]))
      label_changed = FALSE;
  update (self, text_changed, label_changed);
}


ConfabMessage *
confab_message_row_get_message (ConfabMessageRow *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ROW (self), NULL);
  return self->message;
}

void
confab_message_row_set_message (ConfabMessageRow *self,
                                ConfabMessage    *message)
{
  g_return_if_fail (CONFAB_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || CONFAB_IS_MESSAGE (message));

  if (self->message == message)
    return;

  if (self->message != NULL)
    g_signal_handlers_disconnect_by_data (self->message, self);
  g_clear_handle_id (&self->sending_source, g_source_remove);
  self->show_sending = FALSE;
  g_set_object (&self->message, message);
  if (message != NULL)
    {
      g_signal_connect_object (message, "notify", G_CALLBACK (message_notify_cb), self, G_CONNECT_SWAPPED);
      update (self, TRUE, TRUE);
    }
  else
    {
      update_rich (self);
      update_label (self);
    }
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);

  if (self->message != NULL)
    g_signal_emit (self, signals[SIGNAL_RETRY], 0, self->message);
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *time = NULL;
  g_autofree char *subtitle = NULL;

  if (self->message == NULL)
    return;
  time = confab_ui_format_time (confab_message_get_server_time (self->message));
  /* Translators: who wrote the message, and when */
  subtitle = g_strdup_printf (_("%s, %s"), sender_name (self), time);
  confab_message_viewer_show (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, subtitle,
                              confab_message_get_text (self->message));
}

static gboolean
activate_link_cb (GtkLabel   *label,
                  const char *uri,
                  gpointer    user_data)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (label)));

  /* Only web and mailto: addresses reach here: the markup is built by confab_text_to_markup(). */
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  return TRUE;
}

static void
confab_message_row_dispose (GObject *object)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (object);

  g_clear_handle_id (&self->sending_source, g_source_remove);
  if (self->message != NULL)
    g_signal_handlers_disconnect_by_data (self->message, self);
  g_clear_object (&self->message);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (confab_message_row_parent_class)->dispose (object);
}

static void
confab_message_row_class_init (ConfabMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_message_row_dispose;

  confab_ui_register_resources ();
  g_type_ensure (CONFAB_TYPE_ALIGN_BIN);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/confab/Confab/confab-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, box);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, day_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, bubble_bin);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, meta_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, rich_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, chips_box);
  gtk_widget_class_bind_template_callback (widget_class, activate_link_cb);

  gtk_widget_class_install_action (widget_class, "row.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "row.show-all", NULL, show_all_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  /* ConfabMessageRow::retry: (message) the person asked to send a failed message again */
  signals[SIGNAL_RETRY] =
    g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CONFAB_TYPE_MESSAGE);
  /* ConfabMessageRow::rich-clicked: (message, element) a button, image, map or quick reply
   * of the message was pressed; element (a const ConfabRichElement *) is the message's own */
  signals[SIGNAL_RICH_CLICKED] =
    g_signal_new ("rich-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, CONFAB_TYPE_MESSAGE, G_TYPE_POINTER);
}

static void
confab_message_row_init (ConfabMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
confab_message_row_new (void)
{
  return g_object_new (CONFAB_TYPE_MESSAGE_ROW, NULL);
}
