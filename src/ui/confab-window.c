/* confab-window.c: the main window
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "confab-window.h"
#include "confab-window-private.h"
#include "confab-a11y.h"
#include "confab-message-row.h"
#include "confab-read-tracker.h"
#include "confab-rich-view.h"
#include "confab-survey-dialog.h"
#include "confab-ui.h"

/* Messages older than this when they arrive are history, not something to notify about. */
#define NOTIFY_MAX_AGE_MS (2 * 60 * 1000)

struct _ConfabWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  ConfabSession *session;
  ConfabReadTracker *read_tracker;
  GtkNoSelection *selection;
  gboolean stick_to_bottom;
  double last_upper;
  double last_page;
  ConfabMessage *first_unread;   /* where the "New Messages" divider stands, or NULL */
  GHashTable *notified;          /* ConfabMessage → notification id, while unread */
  ConfabConversationStatus last_status;
  GtkWidget *survey;             /* the survey dialog while it is open (weak), or NULL */

  /* template children */
  GtkWidget *header_bar;
  AdwWindowTitle *window_title;
  GtkWidget *menu_button;
  GtkStack *content_stack;
  GtkWidget *empty_state;
  GtkWidget *scroller;
  GtkWidget *message_list;
  GtkWidget *composer;
  GtkWidget *composer_placeholder;
  GtkWidget *send_button;
  GtkWidget *demo_revealer;
  GtkWidget *demo_banner;
  GtkWidget *demo_label;
  GtkWidget *use_account_button;
  GtkWidget *status_revealer;
  GtkWidget *status_label;
  GtkWidget *status_icon;
  GtkWidget *retry_now_button;
  GtkWidget *preferences_button;
  GtkWidget *jump_revealer;
  GtkWidget *older_revealer;
  GtkWidget *jump_button;
  GtkWidget *jump_label;
  GtkWidget *closed_revealer;
  GtkWidget *new_conversation_button;
  guint scroll_source;
  guint older_source;
  GtkWidget *closed_label;
  AdwToastOverlay *toast_overlay;
  char *problem_shown;           /* the text of the problem toast not dismissed yet, or NULL */
};

G_DEFINE_FINAL_TYPE (ConfabWindow, confab_window, ADW_TYPE_APPLICATION_WINDOW)

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from a build folder without the schema must not abort: the window
   * then simply does not remember its size. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s not installed; window size is not kept", APP_ID);
      return NULL;
    }

  return g_settings_new (APP_ID);
}

static char *
composer_dup_text (ConfabWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->composer));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
composer_is_blank (ConfabWindow *self)
{
  g_autofree char *text = composer_dup_text (self);

  return g_strstrip (text)[0] == '\0';
}

static void
update_actions (ConfabWindow *self)
{
  ConfabConversationStatus status = CONFAB_CONVERSATION_NONE;

  if (self->session != NULL)
    status = confab_session_get_conversation_status (self->session);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send",
                                 self->session != NULL && !composer_is_blank (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-conversation",
                                 status == CONFAB_CONVERSATION_CLOSED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-conversation",
                                 status == CONFAB_CONVERSATION_OPEN &&
                                 confab_session_get_state (self->session) == CONFAB_SESSION_ONLINE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-now",
                                 self->session != NULL &&
                                 (confab_session_get_state (self->session) == CONFAB_SESSION_WAITING ||
                                  confab_session_get_state (self->session) == CONFAB_SESSION_SIGNED_OUT ||
                                  confab_session_get_state (self->session) == CONFAB_SESSION_OFFLINE));
}

static void
composer_buffer_changed_cb (ConfabWindow  *self,
                            GtkTextBuffer *buffer)
{
  gboolean empty = gtk_text_buffer_get_char_count (buffer) == 0;

  gtk_widget_set_visible (self->composer_placeholder, empty);
  update_actions (self);
  if (self->session != NULL && !empty)
    confab_session_set_typing (self->session, TRUE);
}

static gboolean
at_bottom (ConfabWindow *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  return gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
}

static gboolean
scroll_to_bottom_cb (gpointer data)
{
  ConfabWindow *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  self->scroll_source = 0;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  return G_SOURCE_REMOVE;
}

/* The frame clock's layout phase, after the window's own layout: a scroll asked for while
 * the list was laid out (it grew) is carried out here. The new value makes the list ask
 * for layout again, and the frame clock lays out again before it paints, so the frame that
 * first lays out a new row already shows it at the bottom. */
static void
frame_layout_cb (GdkFrameClock *clock,
                 ConfabWindow  *self)
{
  if (self->scroll_source != 0)
    {
      g_clear_handle_id (&self->scroll_source, g_source_remove);
      scroll_to_bottom_cb (self);
    }
}

static void
window_realize_cb (ConfabWindow *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "layout",
                           G_CALLBACK (frame_layout_cb), self, G_CONNECT_AFTER);
}

static void
window_unrealize_cb (ConfabWindow *self)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (self)),
                                        frame_layout_cb, self);
}

/* Not now: during the list's own layout (configure()) GtkListView does not follow a new
 * value, and a row just added has no height yet. At the end of this frame's layout (see
 * above), or, when the window is not drawing, in an idle that comes before drawing. */
static void
scroll_to_bottom (ConfabWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->scroll_source == 0)
    self->scroll_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, scroll_to_bottom_cb, self, NULL);
  if (clock != NULL)
    gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
}

static gboolean
is_unread (ConfabMessage *message)
{
  return !confab_message_get_own (message) && !confab_message_get_seen (message) &&
         !confab_message_get_read_sent (message);
}

/* Agent messages not read yet: the count on the "jump to latest" button. *more: there are
 * more than that, uncounted, in the history not loaded. */
static guint
count_unread (ConfabWindow *self,
              gboolean     *more)
{
  ConfabMessageList *list = confab_session_get_messages (self->session);
  GListModel *model = G_LIST_MODEL (list);
  guint n = g_list_model_get_n_items (model);
  guint unread = 0;

  *more = FALSE;
  /* From the end: unread messages are the newest. */
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i - 1);

      if (confab_message_get_own (message))
        continue;
      if (!is_unread (message))
        return unread;
      unread++;
    }
  /* ... and on into the history not loaded, as far as the store counted */
  *more = confab_message_list_get_n_unread_before (list) >= CONFAB_STORE_UNREAD_MAX;
  return unread + confab_message_list_get_n_unread_before (list);
}

static void
update_jump_button (ConfabWindow *self)
{
  gboolean away = self->session != NULL && !self->stick_to_bottom;
  gboolean more = FALSE;
  guint unread = away ? count_unread (self, &more) : 0;

  if (unread > 0)
    {
      g_autofree char *text = g_strdup_printf (more ? "%u+" : "%u", unread);
      g_autofree char *description =
        more ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "More than %u unread message",
                                             "More than %u unread messages", unread), unread)
             : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread message",
                                             "%u unread messages", unread), unread);

      gtk_label_set_text (GTK_LABEL (self->jump_label), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->jump_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->jump_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_widget_set_visible (self->jump_label, unread > 0);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->jump_revealer), away);
}

static gboolean
near_top (ConfabWindow *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  return self->session != NULL && gtk_widget_get_mapped (self->scroller) &&
         confab_message_list_get_has_older (confab_session_get_messages (self->session)) &&
         gtk_adjustment_get_value (adj) <= gtk_adjustment_get_page_size (adj);
}

static gboolean
load_older_cb (gpointer data)
{
  ConfabWindow *self = data;

  self->older_source = 0;
  if (near_top (self))
    confab_session_load_older (self->session);
  return G_SOURCE_REMOVE;
}

/* Near the top, within a screenful: the page before comes. Only from the adjustment, which
 * moves once the rows are laid out: a page just put on top is then above the view, and a
 * view still near the top asks for the next one. Asked for after the layout that told,
 * not in it: the row saying so at the top must not change the layout being made. */
static void
load_older_if_near_top (ConfabWindow *self)
{
  if (self->older_source == 0 && near_top (self))
    self->older_source = g_idle_add (load_older_cb, self);
}

static void
vadjustment_value_changed_cb (ConfabWindow  *self,
                              GtkAdjustment *adj)
{
  self->stick_to_bottom = at_bottom (self);
  update_jump_button (self);
  load_older_if_near_top (self);
}

static void
vadjustment_changed_cb (ConfabWindow  *self,
                        GtkAdjustment *adj)
{
  double upper = gtk_adjustment_get_upper (adj);
  double page = gtk_adjustment_get_page_size (adj);
  gboolean resized = upper != self->last_upper || page != self->last_page;

  self->last_upper = upper;
  self->last_page = page;

  /* The content grew or the view changed size: keep the newest message in view while the
   * person is at the bottom. Otherwise the list itself moved (keyboard focus scrolls it
   * through configure(), which emits no value-changed): that is the person scrolling. */
  if (resized && self->stick_to_bottom)
    {
      if (!at_bottom (self))
        scroll_to_bottom (self);
      else
        load_older_if_near_top (self);
      return;
    }
  self->stick_to_bottom = at_bottom (self);
  update_jump_button (self);
  load_older_if_near_top (self);
}

/* Why the session signed out, in words for where the account came from: a token saved in
 * Preferences is mended there, not through the LP_JWT the session's words name for an
 * lp.env or environment account. *in_preferences: Preferences can put it right. */
static char *
dup_signed_out_text (ConfabWindow *self,
                     gboolean     *in_preferences)
{
  ConfabAccount *account = confab_session_get_account (self->session);
  const char *reason = confab_session_get_signed_out_reason (self->session);

  *in_preferences = account != NULL &&
                    confab_account_get_source (account) == CONFAB_ACCOUNT_SOURCE_SETTINGS;
  if (*in_preferences && confab_session_get_token_refused (self->session))
    return g_strdup (_("The service did not accept the token. Set a new token in Preferences, "
                       "then start Confab again."));
  return g_strdup (reason != NULL ? reason : _("Signed out."));
}

static void
update_status (ConfabWindow *self)
{
  gboolean in_preferences = FALSE;
  ConfabSessionState state = confab_session_get_state (self->session);
  const char *nickname = confab_session_get_agent_nickname (self->session);
  g_autofree char *subtitle = NULL;
  g_autofree char *status = NULL;
  const char *icon = "network-offline-symbolic";

  switch (state)
    {
    case CONFAB_SESSION_CONNECTING:
      subtitle = g_strdup (_("Connecting…"));
      break;
    case CONFAB_SESSION_ONLINE:
      if (confab_session_get_agent_typing (self->session))
        subtitle = g_strdup_printf (_("%s is typing…"), nickname != NULL ? nickname : _("The agent"));
      else if (nickname != NULL)
        subtitle = g_strdup (nickname);
      else if (confab_session_get_conversation_status (self->session) == CONFAB_CONVERSATION_OPEN)
        subtitle = g_strdup (_("Waiting for an agent"));
      else
        subtitle = g_strdup (_("Online"));
      break;
    case CONFAB_SESSION_WAITING:
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (confab_session_get_next_retry (self->session) / G_USEC_PER_SEC);
        g_autofree char *time = when != NULL ? g_date_time_format (when, "%H:%M:%S") : g_strdup ("");

        subtitle = g_strdup (_("Offline"));
        if (confab_session_get_next_retry (self->session) <= g_get_real_time ())
          status = g_strdup (_("Offline. Messages you write are kept and sent when Confab is back online. Trying again now."));
        else
          /* Translators: %s is a time of day */
          status = g_strdup_printf (_("Offline. Messages you write are kept and sent when Confab is back online. Next try at %s."), time);
      }
      break;
    case CONFAB_SESSION_SIGNED_OUT:
      subtitle = g_strdup (_("Signed out"));
      icon = "dialog-password-symbolic";
      status = dup_signed_out_text (self, &in_preferences);
      break;
    case CONFAB_SESSION_OFFLINE:
    default:
      subtitle = g_strdup (_("Offline"));
      status = g_strdup (_("Offline."));
      break;
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* A bar that goes must not take the keyboard focus with it. */
  if ((status == NULL && gtk_widget_has_focus (self->retry_now_button)) ||
      (!in_preferences && gtk_widget_has_focus (self->preferences_button)))
    gtk_widget_grab_focus (self->composer);
  gtk_widget_set_visible (self->preferences_button, in_preferences);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->status_revealer), status != NULL);
  if (status != NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status_label), status);
      gtk_image_set_from_icon_name (GTK_IMAGE (self->status_icon), icon);
    }
  update_actions (self);
}

static void
update_closed (ConfabWindow *self)
{
  gboolean closed = confab_session_get_conversation_status (self->session) == CONFAB_CONVERSATION_CLOSED;
  const char *text;

  switch (confab_session_get_close_reason (self->session))
    {
    case CONFAB_CLOSE_REASON_AGENT: text = _("The agent closed the conversation."); break;
    case CONFAB_CLOSE_REASON_CONSUMER: text = _("You closed the conversation."); break;
    case CONFAB_CLOSE_REASON_TIMEOUT: text = _("The conversation was closed after a time without messages."); break;
    case CONFAB_CLOSE_REASON_SYSTEM:
    case CONFAB_CLOSE_REASON_NONE:
    case CONFAB_CLOSE_REASON_UNKNOWN:
    default: text = _("The conversation was closed."); break;
    }

  gtk_label_set_text (GTK_LABEL (self->closed_label), text);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->closed_revealer), closed);
  update_actions (self);
}

/* The conversation once there is something in it; the empty page only once the history
 * is known to hold nothing; until then nothing at all (a blank page, for the time the
 * newest page of a history takes to read). */
static void
update_page (ConfabWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (confab_session_get_messages (self->session)));
  const char *page = n > 0 ? "chat" : confab_session_get_loading_history (self->session) ? "loading" : "empty";
  const char *showing = gtk_stack_get_visible_child_name (self->content_stack);

  if (g_strcmp0 (page, showing) == 0)
    return;
  /* The history appears as it is, at its end: no fading in from the blank page. */
  gtk_stack_set_visible_child_full (self->content_stack, page,
                                    g_strcmp0 (showing, "loading") == 0 ? GTK_STACK_TRANSITION_TYPE_NONE
                                                                        : GTK_STACK_TRANSITION_TYPE_CROSSFADE);
}

/* The older page on its way: a row at the top says so. */
static void
update_older (ConfabWindow *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->older_revealer),
                                 confab_session_get_loading_older (self->session));
}

/* A conversation that was open has just closed: how was it? Asked once, skippable. */
static void
offer_survey (ConfabWindow *self)
{
  ConfabConversationStatus status = confab_session_get_conversation_status (self->session);
  const char *conversation = confab_session_get_conversation_id (self->session);
  gboolean was_open = self->last_status == CONFAB_CONVERSATION_OPEN;

  self->last_status = status;
  if (status != CONFAB_CONVERSATION_CLOSED || !was_open || conversation == NULL || self->survey != NULL ||
      confab_session_get_survey_answered (self->session, conversation))
    return;

  self->survey = GTK_WIDGET (confab_survey_dialog_new (GTK_WINDOW (self), self->session, conversation));
  g_object_add_weak_pointer (G_OBJECT (self->survey), (gpointer *) &self->survey);
  gtk_window_present (GTK_WINDOW (self->survey));
}

static void
session_notify_cb (ConfabWindow  *self,
                   GParamSpec    *pspec,
                   ConfabSession *session)
{
  update_status (self);
  update_closed (self);
  if (g_strcmp0 (pspec->name, "conversation-status") == 0)
    offer_survey (self);
  if (g_strcmp0 (pspec->name, "loading-history") == 0)
    update_page (self);
  else if (g_strcmp0 (pspec->name, "loading-older") == 0)
    update_older (self);

  /* The agent's name arrives after the first rows: they learn it too. */
  if (g_strcmp0 (pspec->name, "agent-nickname") == 0)
    for (GtkWidget *item = gtk_widget_get_first_child (self->message_list); item != NULL;
         item = gtk_widget_get_next_sibling (item))
      for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (CONFAB_IS_MESSAGE_ROW (child))
          confab_message_row_set_agent_name (CONFAB_MESSAGE_ROW (child),
                                             confab_session_get_agent_nickname (session));
}

static void
notify_agent_messages (ConfabWindow *self,
                       guint         position,
                       guint         added)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (self->session));
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const char *nickname = confab_session_get_agent_nickname (self->session);

  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);
      g_autoptr(GNotification) notification = NULL;
      g_autofree char *id = NULL;

      /* Live messages only: a replayed history is not news. */
      if (confab_message_get_own (message) || confab_message_get_read_sent (message) ||
          confab_message_get_seen (message) || g_hash_table_contains (self->notified, message) ||
          g_get_real_time () / 1000 - confab_message_get_server_time (message) > NOTIFY_MAX_AGE_MS)
        continue;

      id = g_strdup_printf ("message-%" G_GINT64_FORMAT, confab_message_get_sequence (message));
      notification = g_notification_new (nickname != NULL ? nickname : _("New message"));
      g_notification_set_body (notification, confab_message_get_text (message));
      g_notification_set_default_action (notification, "app.activate");
      g_application_send_notification (app, id, notification);
      g_hash_table_insert (self->notified, g_object_ref (message), g_steal_pointer (&id));
    }
}

static void
set_first_unread (ConfabWindow  *self,
                  ConfabMessage *message)
{
  if (!g_set_object (&self->first_unread, message))
    return;

  for (GtkWidget *item = gtk_widget_get_first_child (self->message_list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (CONFAB_IS_MESSAGE_ROW (child))
        confab_message_row_set_first_unread (CONFAB_MESSAGE_ROW (child),
                                             message != NULL &&
                                             confab_message_row_get_message (CONFAB_MESSAGE_ROW (child)) == message);
}

/* Unread messages that arrive while the person is not watching the end of the list get a
 * divider above the first of them; it stays until the person writes or leaves having seen them. */
static void
place_unread_divider (ConfabWindow *self,
                      guint         position,
                      guint         added)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (self->session));

  if (self->first_unread != NULL ||
      (gtk_window_is_active (GTK_WINDOW (self)) && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
       self->stick_to_bottom))
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      if (!confab_message_get_own (message) && !confab_message_get_seen (message) &&
          !confab_message_get_read_sent (message))
        {
          set_first_unread (self, message);
          return;
        }
    }
}

/* An older page came on top (its added rows). The divider stood at the first unread row
 * loaded; when the unread ones go on into the page, it moves up to the first of them. */
static void
extend_unread_divider (ConfabWindow *self,
                       guint         added)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (self->session));
  guint n = g_list_model_get_n_items (model);
  ConfabMessage *first = NULL;

  if (self->first_unread == NULL)
    return;
  /* between the page and the divider, nothing read */
  for (guint i = added; i < n; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      if (message == self->first_unread)
        break;
      if (!confab_message_get_own (message) && !is_unread (message))
        return;
    }
  for (guint i = added; i > 0; i--)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i - 1);

      if (confab_message_get_own (message))
        continue;
      if (!is_unread (message))
        break;
      first = message;
    }
  if (first != NULL)
    set_first_unread (self, first);
}

static void
messages_changed_cb (ConfabWindow *self,
                     guint         position,
                     guint         removed,
                     guint         added,
                     GListModel   *model)
{
  /* A page of the history: nothing new arrived. On top of rows there were: an older one. */
  gboolean history = confab_message_list_get_adding_older (CONFAB_MESSAGE_LIST (model));
  gboolean older = history && g_list_model_get_n_items (model) > added;

  /* Where the person is now, before the new rows are laid out: a list scrolled by keyboard
   * focus moves through configure() and may not have told value-changed. */
  if (gtk_widget_get_mapped (self->scroller) && self->scroll_source == 0)
    self->stick_to_bottom = at_bottom (self);

  update_page (self);
  update_jump_button (self);
  if (older)
    extend_unread_divider (self, added);
  else if (added > 0)
    {
      place_unread_divider (self, position, added);
      if (!history)
        notify_agent_messages (self, position, added);
    }
  confab_read_tracker_queue (self->read_tracker);
}

static void
seen_cb (ConfabWindow      *self,
         GPtrArray         *seen,
         ConfabReadTracker *tracker)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->session == NULL)
    return;

  confab_session_mark_read (self->session, seen);
  for (guint i = 0; i < seen->len; i++)
    {
      const char *id = g_hash_table_lookup (self->notified, g_ptr_array_index (seen, i));

      if (id != NULL && app != NULL)
        g_application_withdraw_notification (app, id);
      g_hash_table_remove (self->notified, g_ptr_array_index (seen, i));
    }
  update_jump_button (self);
}

static void
window_active_cb (ConfabWindow *self,
                  GParamSpec   *pspec,
                  gpointer      user_data)
{
  /* Leaving after having seen them: the next unread ones get a fresh divider. */
  if (!gtk_window_is_active (GTK_WINDOW (self)) && self->first_unread != NULL &&
      confab_message_get_seen (self->first_unread))
    set_first_unread (self, NULL);

  if (self->read_tracker != NULL)
    confab_read_tracker_queue (self->read_tracker);
}

static void
retry_cb (ConfabWindow     *self,
          ConfabMessage    *message,
          ConfabMessageRow *row)
{
  if (self->session != NULL)
    confab_session_retry_message (self->session, message);
}

static gboolean
is_quick_reply (ConfabMessage           *message,
                const ConfabRichElement *element)
{
  ConfabQuickReplies *replies = confab_message_get_quick_replies (message);

  for (guint i = 0; replies != NULL && i < replies->replies->len; i++)
    if (g_ptr_array_index (replies->replies, i) == element)
      return TRUE;
  return FALSE;
}

/* A button, image, map or quick reply pressed: the session tells the service and sends
 * what it writes; links and places open here. */
static void
rich_clicked_cb (ConfabWindow            *self,
                 ConfabMessage           *message,
                 const ConfabRichElement *element,
                 ConfabMessageRow        *row)
{
  gboolean chip = is_quick_reply (message, element);
  ConfabMessage *reply = NULL;

  if (self->session == NULL)
    return;

  if (element->click == NULL)
    {
      /* a map with nothing to do but show the place */
      if (element->type == CONFAB_RICH_MAP)
        {
          g_autofree char *uri = confab_rich_map_dup_uri (element->latitude, element->longitude);

          if (uri != NULL)
            confab_rich_open_uri (GTK_WIDGET (self), uri);
        }
      return;
    }

  reply = confab_session_activate_click (self->session, message, element->click);
  for (guint i = 0; i < element->click->actions->len; i++)
    {
      g_autofree char *uri = confab_rich_action_dup_uri (g_ptr_array_index (element->click->actions, i));

      if (uri != NULL)
        confab_rich_open_uri (GTK_WIDGET (self), uri);
    }

  if (reply != NULL)
    {
      /* Answering means the person has caught up, as when writing. */
      set_first_unread (self, NULL);
      self->stick_to_bottom = TRUE;
      scroll_to_bottom (self);
    }
  /* The chips go: the focus goes where the person writes. */
  if (chip)
    gtk_widget_grab_focus (self->composer);
}

static void
factory_setup_cb (ConfabWindow             *self,
                  GtkListItem              *item,
                  GtkSignalListItemFactory *factory)
{
  GtkWidget *row = confab_message_row_new ();

  g_signal_connect_object (row, "retry", G_CALLBACK (retry_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "rich-clicked", G_CALLBACK (rich_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_list_item_set_child (item, row);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
factory_bind_cb (ConfabWindow             *self,
                 GtkListItem              *item,
                 GtkSignalListItemFactory *factory)
{
  ConfabMessageRow *row = CONFAB_MESSAGE_ROW (gtk_list_item_get_child (item));

  confab_message_row_set_agent_name (row, confab_session_get_agent_nickname (self->session));
  confab_message_row_set_message (row, gtk_list_item_get_item (item));
  confab_message_row_set_first_unread (row, self->first_unread != NULL &&
                                            gtk_list_item_get_item (item) == (gpointer) self->first_unread);
}

static void
factory_unbind_cb (ConfabWindow             *self,
                   GtkListItem              *item,
                   GtkSignalListItemFactory *factory)
{
  confab_message_row_set_message (CONFAB_MESSAGE_ROW (gtk_list_item_get_child (item)), NULL);
  confab_message_row_set_first_unread (CONFAB_MESSAGE_ROW (gtk_list_item_get_child (item)), FALSE);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);
  g_autofree char *text = composer_dup_text (self);

  if (self->session == NULL || composer_is_blank (self))
    return;

  /* What the person wrote goes as written (only the outer blank lines are trimmed). */
  g_strchomp (text);
  while (*text == '\n')
    memmove (text, text + 1, strlen (text));
  /* Not saved: the words stay in the composer (the store's error says why). */
  if (confab_session_send_text (self->session, text) == NULL)
    return;
  /* Answering means the person has caught up. */
  set_first_unread (self, NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->composer)), "", 0);
  confab_session_set_typing (self->session, FALSE);
  self->stick_to_bottom = TRUE;
  scroll_to_bottom (self);
}

static void
new_conversation_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (self->session == NULL)
    return;
  confab_session_new_conversation (self->session);
  gtk_widget_grab_focus (self->composer);
}

static void
close_conversation_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (self->session != NULL)
    confab_session_close_conversation (self->session);
}

static void
retry_now_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (self->session != NULL)
    {
      gtk_widget_grab_focus (self->composer);
      confab_session_retry_now (self->session);
    }
}

static void
jump_to_latest_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  self->stick_to_bottom = TRUE;
  scroll_to_bottom (self);
  update_jump_button (self);
}

void
confab_window_set_session (ConfabWindow  *self,
                           ConfabSession *session)
{
  GListModel *messages;
  GtkListItemFactory *factory;

  g_return_if_fail (CONFAB_IS_WINDOW (self));
  g_return_if_fail (CONFAB_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  messages = G_LIST_MODEL (confab_session_get_messages (session));

  self->selection = gtk_no_selection_new (g_object_ref (messages));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (factory_setup_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (factory_bind_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (factory_unbind_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->message_list), factory);
  gtk_list_view_set_model (GTK_LIST_VIEW (self->message_list), GTK_SELECTION_MODEL (self->selection));
  g_object_unref (factory);

  g_signal_connect_object (messages, "items-changed", G_CALLBACK (messages_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify", G_CALLBACK (session_notify_cb), self, G_CONNECT_SWAPPED);

  /* The built-in service is the demo: the window says so, and how to leave it. */
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->demo_revealer),
                                 confab_account_get_source (confab_session_get_account (session)) ==
                                 CONFAB_ACCOUNT_SOURCE_LOCAL);

  self->last_status = confab_session_get_conversation_status (session);
  update_page (self);
  update_older (self);
  update_status (self);
  update_closed (self);
}

void
confab_window_show_error (ConfabWindow *self,
                          const char   *message)
{
  g_return_if_fail (CONFAB_IS_WINDOW (self));

  adw_window_title_set_subtitle (self->window_title, _("Not connected"));
  gtk_label_set_text (GTK_LABEL (self->status_label), message);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->status_icon), "dialog-warning-symbolic");
  gtk_widget_set_visible (self->retry_now_button, FALSE);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->status_revealer), TRUE);
  /* no session, no history to wait for */
  if (self->session == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

static void
problem_dismissed_cb (ConfabWindow *self,
                      AdwToast     *toast)
{
  g_clear_pointer (&self->problem_shown, g_free);
}

void
confab_window_show_problem (ConfabWindow *self,
                            const char   *message)
{
  GtkWidget *label;
  AdwToast *toast;

  g_return_if_fail (CONFAB_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* A disk that stays full fails every save the same way: once is enough. */
  if (g_strcmp0 (self->problem_shown, message) == 0)
    return;

  /* Said in full (it names where the old history went), as plain text, and it stays until
   * the person closes it. */
  label = gtk_label_new (message);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  toast = g_object_new (ADW_TYPE_TOAST,
                        "custom-title", label,
                        "timeout", 0,
                        "priority", ADW_TOAST_PRIORITY_HIGH,
                        NULL);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (problem_dismissed_cb), self, G_CONNECT_SWAPPED);
  g_free (self->problem_shown);
  self->problem_shown = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

ConfabSession *
confab_window_get_session (ConfabWindow *self)
{
  g_return_val_if_fail (CONFAB_IS_WINDOW (self), NULL);

  return self->session;
}

/* Into the list: back to the message that had the focus, or the newest one. */
static void
focus_list (ConfabWindow *self)
{
  GListModel *model;
  guint n;

  if (gtk_widget_get_focus_child (self->message_list) == NULL && self->session != NULL &&
      (n = g_list_model_get_n_items (model = G_LIST_MODEL (confab_session_get_messages (self->session)))) > 0)
    {
      g_autoptr(ConfabMessage) newest = g_list_model_get_item (model, n - 1);

      for (GtkWidget *item = gtk_widget_get_first_child (self->message_list); item != NULL;
           item = gtk_widget_get_next_sibling (item))
        for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL;
             child = gtk_widget_get_next_sibling (child))
          if (CONFAB_IS_MESSAGE_ROW (child) &&
              confab_message_row_get_message (CONFAB_MESSAGE_ROW (child)) == newest &&
              gtk_widget_grab_focus (item))
            return;
    }
  gtk_widget_grab_focus (self->message_list);
}

/* F6 moves between the message list and the composer, as in other GNOME apps. */
static void
focus_next_pane_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (gtk_widget_has_focus (self->composer) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "chat") == 0)
    focus_list (self);
  else
    gtk_widget_grab_focus (self->composer);
}

static gboolean
composer_key_pressed_cb (ConfabWindow          *self,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_Escape)
    {
      /* Esc leaves the composer: to the list when there is one, else out of the text. */
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "chat") == 0)
        focus_list (self);
      else
        gtk_widget_grab_focus (self->send_button);
      return GDK_EVENT_STOP;
    }

  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) &&
      (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.send", NULL);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

/* GTK names Page Up and Page Down in the shortcuts window by their key symbols, "Page_Up",
 * unless its own translation has words for them, and in English it has none. */
static void
name_keys_readably (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && GTK_IS_SHORTCUT_LABEL (widget))
        {
          const char *text = gtk_label_get_label (GTK_LABEL (child));

          if (g_str_equal (text, "Page_Up"))
            gtk_label_set_text (GTK_LABEL (child), _("Page Up"));
          else if (g_str_equal (text, "Page_Down"))
            gtk_label_set_text (GTK_LABEL (child), _("Page Down"));
        }
      name_keys_readably (child);
    }
}

/* Parts of GTK 4.8's shortcuts window with no name, where confab_a11y_name_parts() would
 * not find a better one than the window's title. */
static void
name_shortcuts_window_parts (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *name = NULL;

      if (GTK_IS_SEARCH_ENTRY (child))
        name = _("Search Shortcuts");
      /* the list of sections, shown when there is more than one */
      else if (GTK_IS_MENU_BUTTON (child))
        name = _("Sections");
      /* the search results page */
      else if (GTK_IS_SCROLLED_WINDOW (child) && GTK_IS_STACK (widget))
        name = _("Search Results");

      if (name != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      name_shortcuts_window_parts (child);
    }
}

static void
overlay_map_cb (GtkWidget *overlay,
                gpointer   user_data)
{
  /* Not before it is on screen: with GTK 4.8, accessible names given any earlier can keep
   * the window off the accessibility bus. */
  name_shortcuts_window_parts (overlay);
}

/* The application gives the window its shortcuts window as it takes the window in. */
static void
application_cb (ConfabWindow *self,
                GParamSpec   *pspec,
                gpointer      user_data)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));

  if (overlay == NULL)
    return;
  name_keys_readably (GTK_WIDGET (overlay));
  g_signal_handlers_disconnect_by_func (overlay, overlay_map_cb, NULL);
  g_signal_connect (overlay, "map", G_CALLBACK (overlay_map_cb), NULL);
}

static void
confab_window_save_size (ConfabWindow *self)
{
  int width = 0, height = 0;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
confab_window_close_request (GtkWindow *window)
{
  confab_window_save_size (CONFAB_WINDOW (window));

  return GTK_WINDOW_CLASS (confab_window_parent_class)->close_request (window);
}

/* Below this width the demo banner puts its button under its words, as AdwBanner does. */
#define BANNER_NARROW_WIDTH 600

static void
confab_window_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);
  gboolean narrow = width < BANNER_NARROW_WIDTH;

  if (narrow != (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->demo_banner)) == GTK_ORIENTATION_VERTICAL))
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (self->demo_banner),
                                      narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
      gtk_widget_set_halign (self->use_account_button, narrow ? GTK_ALIGN_CENTER : GTK_ALIGN_FILL);
    }

  GTK_WIDGET_CLASS (confab_window_parent_class)->size_allocate (widget, width, height, baseline);
}

static void
confab_window_dispose (GObject *object)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  g_clear_handle_id (&self->scroll_source, g_source_remove);
  g_clear_handle_id (&self->older_source, g_source_remove);
  if (self->survey != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->survey), (gpointer *) &self->survey);
      self->survey = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_WINDOW);
  g_clear_object (&self->read_tracker);
  g_clear_object (&self->first_unread);
  g_clear_object (&self->selection);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_clear_pointer (&self->problem_shown, g_free);

  G_OBJECT_CLASS (confab_window_parent_class)->dispose (object);
}

static void
confab_window_class_init (ConfabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = confab_window_dispose;
  window_class->close_request = confab_window_close_request;
  widget_class->size_allocate = confab_window_size_allocate;

  confab_ui_register_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/confab/Confab/confab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, empty_state);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, message_list);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, composer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, composer_placeholder);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, use_account_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, status_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, retry_now_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, preferences_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, older_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, jump_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, jump_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, closed_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, new_conversation_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, closed_label);

  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "win.new-conversation", NULL, new_conversation_action);
  gtk_widget_class_install_action (widget_class, "win.close-conversation", NULL, close_conversation_action);
  gtk_widget_class_install_action (widget_class, "win.retry-now", NULL, retry_now_action);
  gtk_widget_class_install_action (widget_class, "win.jump-to-latest", NULL, jump_to_latest_action);

  gtk_widget_class_install_action (widget_class, "win.focus-next-pane", NULL, focus_next_pane_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.focus-next-pane", NULL);
}

static void
confab_window_init (ConfabWindow *self)
{
  GtkEventController *keys;
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "realize", G_CALLBACK (window_realize_cb), NULL);
  g_signal_connect (self, "unrealize", G_CALLBACK (window_unrealize_cb), NULL);

  /* Toasts over the whole window, for what the person must know about the history. Put
   * around the content here rather than in the template, which it would reindent whole. */
  {
    GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (self));

    g_object_ref (content);
    adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), NULL);
    self->toast_overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
    adw_toast_overlay_set_child (self->toast_overlay, content);
    adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), GTK_WIDGET (self->toast_overlay));
    g_object_unref (content);
  }

  confab_ui_name_mnemonic_button (self->retry_now_button, _("Retry Now"));
  confab_ui_name_mnemonic_button (self->preferences_button, _("Open Preferences"));
  confab_ui_name_mnemonic_button (self->use_account_button, _("Use a LivePerson Account…"));
  confab_ui_name_mnemonic_button (self->new_conversation_button, _("New Conversation"));

  self->stick_to_bottom = TRUE;
  self->notified = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->read_tracker = confab_read_tracker_new (GTK_SCROLLED_WINDOW (self->scroller), self->message_list);
  g_signal_connect_object (self->read_tracker, "seen", G_CALLBACK (seen_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (window_active_cb), NULL);
  g_signal_connect (self, "notify::application", G_CALLBACK (application_cb), NULL);
  {
    GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

    g_signal_connect_object (vadj, "value-changed", G_CALLBACK (vadjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (vadj, "changed", G_CALLBACK (vadjustment_changed_cb), self, G_CONNECT_SWAPPED);
  }
  update_actions (self);

  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->composer));
  g_signal_connect_object (buffer, "changed",
                           G_CALLBACK (composer_buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed",
                           G_CALLBACK (composer_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->composer, keys);

  /* Every window of the app, the ones GTK and libadwaita build too, names its parts. */
  confab_a11y_watch_windows ();
  /* The tooltip only repeats the button's name; its description is the unread count. */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->jump_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->message_list),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The conversation with the agent, oldest message first"),
                                  -1);

  /* Opening Confab means writing: the composer has the focus. */
  gtk_window_set_focus (GTK_WINDOW (self), self->composer);
}

ConfabWindow *
confab_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (CONFAB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

ConfabMessage *
_confab_window_get_first_unread (ConfabWindow *self)
{
  return self->first_unread;
}

GtkWidget *
_confab_window_get_empty_state (ConfabWindow *self)
{
  return self->empty_state;
}

GtkWidget *
_confab_window_get_message_list (ConfabWindow *self)
{
  return self->message_list;
}

GtkWidget *
_confab_window_get_composer (ConfabWindow *self)
{
  return self->composer;
}

GtkWidget *
_confab_window_get_send_button (ConfabWindow *self)
{
  return self->send_button;
}

GtkWidget *
_confab_window_get_header_bar (ConfabWindow *self)
{
  return self->header_bar;
}

GtkWidget *
_confab_window_get_menu_button (ConfabWindow *self)
{
  return self->menu_button;
}

GtkWidget *
_confab_window_get_status_label (ConfabWindow *self)
{
  return self->status_label;
}

GtkWidget *
_confab_window_get_preferences_button (ConfabWindow *self)
{
  return self->preferences_button;
}

GtkWidget *
_confab_window_get_demo_banner (ConfabWindow *self)
{
  return self->demo_revealer;
}

GtkWidget *
_confab_window_get_use_account_button (ConfabWindow *self)
{
  return self->use_account_button;
}

GtkWidget *
_confab_window_get_older_indicator (ConfabWindow *self)
{
  return self->older_revealer;
}

GtkStack *
_confab_window_get_content_stack (ConfabWindow *self)
{
  return self->content_stack;
}

GtkWidget *
_confab_window_get_jump_button (ConfabWindow *self)
{
  return self->jump_button;
}

GtkWidget *
_confab_window_get_survey (ConfabWindow *self)
{
  return self->survey;
}
