/* test-chat.c: the window with a session on the local service: send, receive, read
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "session-test-util.h"
#include "ui-test-util.h"
#include "confab-align-bin.h"
#include "confab-application.h"
#include "confab-message-row.h"
#include "confab-preferences.h"
#include "confab-server.h"
#include "confab-window.h"
#include "confab-window-private.h"

static GtkApplication *the_app;

static ConfabPreferences *find_preferences (void);

typedef struct
{
  ConfabServer *server;
  ConfabAccount *account;
  ConfabSession *session;
  ConfabWindow *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->server = session_test_server_new ();
  f->account = session_test_account_new (f->server);
  f->session = session_test_session_new (f->account, NULL);
  f->window = confab_test_window_new (the_app, f->session, 500);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  session_test_close (&f->server, &f->account, &f->session);
  session_test_drain ();
}

/* The composer is empty again once the message went. */
static void
type_and_send (Fixture    *f,
               const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (_confab_window_get_composer (f->window)));

  confab_test_type_and_send (f->window, text);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 0);
}

/* The i-th message (a new reference), events left out. */
static ConfabMessage *
message_nth (Fixture *f,
             guint    i)
{
  return g_object_ref (session_test_message_at (f->session, i));
}

/* The person's first message, written and sent (a new reference). */
static ConfabMessage *
send_first (Fixture    *f,
            const char *text)
{
  ConfabMessage *mine;

  type_and_send (f, text);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 1, 5000);
  mine = message_nth (f, 0);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (mine) == CONFAB_DELIVERY_SENT, 10000);
  return mine;
}

static gboolean
is_image (GtkWidget     *widget,
          gconstpointer  data)
{
  return GTK_IS_IMAGE (widget);
}

static GtkWidget *
find_visible_image (GtkWidget *root)
{
  return confab_test_find_widget (root, TRUE, is_image, NULL);
}

static guint
read_frames (Fixture *f)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_PUBLISH_EVENT, NULL);
  g_autofree char *text = json_to_string (log, FALSE);
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "\"READ\"")) != NULL; p++)
    n++;
  return n;
}

static void
test_send_receive_read (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabMessage) mine = NULL;
  g_autoptr(ConfabMessage) answer = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected = NULL;
  ConfabMessageRow *row;

  mine = send_first (f, "Where is my parcel?");

  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "It left the depot today: https://example.com/track", &error), >, 0);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 2, 10000);
  answer = message_nth (f, 1);

  /* The row says who, when, what (and for own messages, how far it got). */
  CONFAB_TEST_WAIT_UNTIL ((row = confab_test_message_row_for (f->window, answer)) != NULL, 5000);
  label = confab_message_row_dup_label (row);
  g_assert_true (g_str_has_suffix (label, ": It left the depot today: https://example.com/track."));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_clear_pointer (&label, g_free);
  label = confab_message_row_dup_label (confab_test_message_row_for (f->window, mine));
  g_assert_true (g_str_has_suffix (label, ": Where is my parcel? Sent."));

  /* On screen in an active window: READ goes out once, for the agent's message only. */
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_read_sent (answer), 10000);
  confab_test_spin (500);
  g_assert_cmpuint (read_frames (f), ==, 1);
  g_assert_false (confab_message_get_read_sent (mine));

  /* The agent's receipts reach the row's text alternative. */
  confab_server_agent_send_receipt (f->server, NULL, CONFAB_RECEIPT_READ,
                                    (gint64[]) { confab_message_get_sequence (mine) }, 1, &error);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (mine) == CONFAB_DELIVERY_READ, 10000);
  g_clear_pointer (&label, g_free);
  label = confab_message_row_dup_label (confab_test_message_row_for (f->window, mine));
  expected = g_strdup (": Where is my parcel? Read.");
  g_assert_true (g_str_has_suffix (label, expected));

  /* the state icon says it in words too: a label, a description and a tooltip */
  {
    GtkWidget *icon = find_visible_image (GTK_WIDGET (confab_test_message_row_for (f->window, mine)));

    g_assert_nonnull (icon);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "Read");
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         "The agent has read it");
    g_assert_cmpstr (gtk_widget_get_tooltip_text (icon), ==, "Read");
  }
}

static void
test_not_read_when_inactive (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabMessage) answer = NULL;

  g_autoptr(ConfabMessage) mine = NULL;

  mine = send_first (f, "Hi");

  /* Hidden (unmapped): the message arrives, gets ACCEPT, but no READ. */
  gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
  confab_server_agent_send_text (f->server, NULL, "Hello while you look away", &error);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 2, 10000);
  answer = message_nth (f, 1);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_accept_sent (answer), 10000);
  confab_test_spin (800);
  g_assert_false (confab_message_get_read_sent (answer));
  g_assert_cmpuint (read_frames (f), ==, 0);

  /* Unread while away: the divider stands above it. */
  g_assert_true (_confab_window_get_first_unread (f->window) == answer);

  /* Back on screen: now it is read, and the divider says where the new ones began. */
  gtk_window_present (GTK_WINDOW (f->window));
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 15000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_read_sent (answer), 10000);
  {
    ConfabMessageRow *row = confab_test_message_row_for (f->window, answer);
    g_autofree char *label = NULL;

    g_assert_nonnull (row);
    g_assert_true (confab_message_row_get_first_unread (row));
    label = confab_message_row_dup_label (row);
    g_assert_true (g_str_has_prefix (label, "New messages. "));
    g_assert_false (confab_message_row_get_first_unread (confab_test_message_row_for (f->window, mine)));
  }

  /* Writing back: the person has caught up, the divider goes. */
  type_and_send (f, "Thanks");
  g_assert_null (_confab_window_get_first_unread (f->window));
  g_assert_false (confab_message_row_get_first_unread (confab_test_message_row_for (f->window, answer)));
}

/* The person writes in the active window, then 15 answers come, far more than fit: returns
 * once the newest is read. */
static void
send_then_answers (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabMessage) mine = NULL;
  g_autoptr(ConfabMessage) newest = NULL;

  mine = send_first (f, "Tell me everything");
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 15000);
  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *text = g_strdup_printf ("Answer %u, long enough to take a line or two of the window's height.", i);

      confab_server_agent_send_text (f->server, NULL, text, &error);
      g_assert_no_error (error);
      confab_test_spin (40);
    }
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 16, 10000);
  newest = message_nth (f, 15);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_read_sent (newest), 10000);
}

static GtkAdjustment *
message_list_adjustment (Fixture *f)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (_confab_window_get_message_list (f->window), GTK_TYPE_SCROLLED_WINDOW);

  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
}

static void
test_stays_at_bottom (Fixture       *f,
                      gconstpointer  data)
{
  GtkAdjustment *adj;

  /* Far more than fits: the person never scrolls, so the newest is always in view and is
   * the one that gets read. */
  send_then_answers (f);
  adj = message_list_adjustment (f);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >=,
                     gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2);
  /* and nothing asks the person to jump */
  g_assert_null (_confab_window_get_first_unread (f->window));
}

/* Scrolled up when answers arrive: the jump button says how many wait, in its description. */
static void
test_jump_button (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *jump = _confab_window_get_jump_button (f->window);
  GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_ancestor (jump, GTK_TYPE_REVEALER));
  GtkAdjustment *adj;

  send_then_answers (f);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  adj = message_list_adjustment (f);
  gtk_adjustment_set_value (adj, 0);
  CONFAB_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (revealer), 5000);
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (jump), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  for (guint i = 1; i <= 2; i++)
    {
      confab_server_agent_send_text (f->server, NULL, "One more thing", &error);
      g_assert_no_error (error);
      CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 16 + i, 10000);
      confab_test_spin (100);
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (jump), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                           "Jump to latest messages");
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (jump), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                           i == 1 ? "1 unread message" : "2 unread messages");
    }

  /* there: the button goes, and with it what it said */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.jump-to-latest", NULL));
  CONFAB_TEST_WAIT_UNTIL (!gtk_revealer_get_reveal_child (revealer), 5000);
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (jump), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
}

/* The built-in service: the window says it is a demo, and the way to a real account is
 * one click away. */
static void
test_demo_banner (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *banner = _confab_window_get_demo_banner (f->window);
  GtkWidget *button = _confab_window_get_use_account_button (f->window);

  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (button), 5000);
  {
    GtkWidget *label = gtk_widget_get_first_child (gtk_revealer_get_child (GTK_REVEALER (banner)));

    g_assert_true (GTK_IS_LABEL (label));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                     "This is a demo: you are talking to Confab\u2019s built-in agent, "
                     "and the conversation is not kept after you quit.");
  }
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Use a LivePerson Account\u2026");
  g_assert_null (find_preferences ());
  g_assert_true (gtk_widget_activate (button));
  CONFAB_TEST_WAIT_UNTIL (find_preferences () != NULL, 5000);
  gtk_window_destroy (GTK_WINDOW (find_preferences ()));
}

static void
test_status_and_close (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_autoptr(ConfabMessage) mine = NULL;

  mine = send_first (f, "Hi");

  confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-conversation", NULL));
  g_assert_cmpint (confab_session_get_conversation_status (f->session), ==, CONFAB_CONVERSATION_NONE);

  /* the service goes away: the window says so and offers to retry */
  confab_server_shutdown (f->server);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.retry-now", NULL));
}

/* A row's name reads as sentences: one full stop, never a second one after the text's own. */
static void
test_row_labels (void)
{
  const struct { gboolean own; const char *text; const char *ending; } cases[] = {
    { FALSE, "Hello", ": Hello." },
    { FALSE, "Thanks!", ": Thanks!" },
    { FALSE, "Is that all?", ": Is that all?" },
    { FALSE, "Wait\u2026", ": Wait\u2026" },
    { FALSE, "(See the docs.)", ": (See the docs.)" },
    { FALSE, "Call me (after 5)", ": Call me (after 5)." },
    { FALSE, "He said \u201cyes.\u201d", ": He said \u201cyes.\u201d" },
    { FALSE, "Sie sagte \u201eGut.\u201c", ": Sie sagte \u201eGut.\u201c" },
    { FALSE, "\u00abD\u2019accord.\u00bb", ": \u00abD\u2019accord.\u00bb" },
    { FALSE, "\u300c\u306f\u3044\u3002\u300d", ": \u300c\u306f\u3044\u3002\u300d" },
    { FALSE, "It's 'done.'", ": It's 'done.'" },
    { FALSE, "Two lines.\n\n", ": Two lines." },
    { FALSE, "https://example.com/a.", ": https://example.com/a." },
    { TRUE, "Hi", ": Hi. Queued." },
    { TRUE, "(See the docs.)", ": (See the docs.) Queued." },
    { TRUE, "Really?\n", ": Really? Queued." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkWidget *row = g_object_ref_sink (confab_message_row_new ());
      g_autoptr(ConfabMessage) message = NULL;
      g_autofree char *label = NULL;

      if (cases[i].own)
        message = confab_message_new_outgoing (cases[i].text, 1700000000000);
      else
        {
          ConfabMessagingChange change = {
            .sequence = 1, .server_timestamp = 1700000000000, .originator_id = (char *) "agent-1",
            .role = CONFAB_ROLE_ASSIGNED_AGENT, .type = CONFAB_EVENT_CONTENT,
            .content_type = (char *) "text/plain", .text = (char *) cases[i].text,
          };

          message = confab_message_new_from_change (&change, "consumer-1");
        }
      confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), message);
      label = confab_message_row_dup_label (CONFAB_MESSAGE_ROW (row));
      g_test_message ("%s", label);
      g_assert_true (g_str_has_prefix (label, cases[i].own ? "You, " : "Agent, "));
      g_assert_true (g_str_has_suffix (label, cases[i].ending));
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
      g_object_unref (row);
    }

  /* The text goes into the sentence where its %s is, whatever the sender's name holds */
  {
    GtkWidget *row = g_object_ref_sink (confab_message_row_new ());
    ConfabMessagingChange change = {
      .sequence = 1, .server_timestamp = 1700000000000, .originator_id = (char *) "agent-1",
      .role = CONFAB_ROLE_ASSIGNED_AGENT, .type = CONFAB_EVENT_CONTENT,
      .content_type = (char *) "text/plain", .text = (char *) "Hello %s",
    };
    g_autoptr(ConfabMessage) message = confab_message_new_from_change (&change, "consumer-1");
    g_autofree char *label = NULL;

    confab_message_set_sender_name (message, "Dana \001\001 %s");
    confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), message);
    label = confab_message_row_dup_label (CONFAB_MESSAGE_ROW (row));
    g_assert_true (g_str_has_prefix (label, "Dana \001\001 %s, "));
    g_assert_true (g_str_has_suffix (label, ": Hello %s."));
    g_object_unref (row);
  }
}

static GtkWidget *
find_label_containing (GtkWidget  *widget,
                       const char *part)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), part) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_containing (child, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A megabyte without a space: the row shows its beginning in a label as wide as the
 * conversation, a screen reader gets all of it, and a receipt does not lay the label out
 * again (its text is not set again). */
static gboolean
is_insert_hyphens (PangoAttribute *attribute,
                   gpointer        user_data)
{
  return attribute->klass->type == PANGO_ATTR_INSERT_HYPHENS && !((PangoAttrInt *) attribute)->value;
}

static void
test_long_row (void)
{
  g_autoptr(GString) text = g_string_new ("Here is the log: ");
  GtkWidget *row = g_object_ref_sink (confab_message_row_new ());
  g_autoptr(ConfabMessage) message = NULL;
  g_autofree char *label = NULL;
  GtkWidget *text_label;
  const char *markup;
  ConfabMessagingChange change = {
    .sequence = 1, .server_timestamp = 1700000000000, .originator_id = (char *) "agent-1",
    .role = CONFAB_ROLE_ASSIGNED_AGENT, .type = CONFAB_EVENT_CONTENT,
    .content_type = (char *) "text/plain",
  };

  while (text->len < 1024 * 1024)
    g_string_append (text, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODkrLw");
  change.text = text->str;
  message = confab_message_new_from_change (&change, "consumer-1");
  confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), message);

  text_label = find_label_containing (row, "QUJD");
  g_assert_nonnull (text_label);
  markup = gtk_label_get_label (GTK_LABEL (text_label));
  g_assert_cmpuint (strlen (markup), <, 16 * 1024);
  g_assert_true (g_str_has_suffix (markup, "\u2026"));
  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (text_label)), >, 0);
  g_assert_cmpint (confab_align_bin_get_align (CONFAB_ALIGN_BIN (gtk_widget_get_ancestor (text_label, CONFAB_TYPE_ALIGN_BIN))),
                   ==, GTK_ALIGN_FILL);

  /* Laid out in a row, its lines fill the width (with a break opportunity every few
   * characters, not one stretch a line) and show no hyphen that is not in the text. */
  {
    PangoLayout *layout, *one_line;
    PangoAttrList *attrs = gtk_label_get_attributes (GTK_LABEL (text_label));
    g_autoptr(PangoAttrList) hyphens = NULL;
    int height, one_line_width;

    gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, 700, NULL, &height, NULL, NULL);
    gtk_widget_size_allocate (row, &(GtkAllocation) { 0, 0, 700, height }, -1);
    layout = gtk_label_get_layout (GTK_LABEL (text_label));
    one_line = pango_layout_copy (layout);
    pango_layout_set_width (one_line, -1);
    pango_layout_get_pixel_size (one_line, &one_line_width, NULL);
    g_object_unref (one_line);
    g_assert_cmpint (pango_layout_get_line_count (layout), <=,
                     one_line_width / gtk_widget_get_width (text_label) * 5 / 4 + 2);
    g_assert_nonnull (attrs);
    hyphens = pango_attr_list_filter (attrs, is_insert_hyphens, NULL);
    g_assert_nonnull (hyphens);
  }

  label = confab_message_row_dup_label (CONFAB_MESSAGE_ROW (row));
  g_assert_nonnull (strstr (label, text->str));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);

  confab_message_set_accept_sent (message, TRUE);
  confab_message_set_seen (message, TRUE);
  g_assert_true (gtk_label_get_label (GTK_LABEL (text_label)) == markup);

  g_object_unref (row);
}

/* Where a row of @width puts the bubble holding @text_label, within its row's width. */
static graphene_rect_t
bubble_bounds (GtkWidget  *row,
               GtkWidget  *text_label,
               int         width)
{
  GtkWidget *bin = gtk_widget_get_ancestor (text_label, CONFAB_TYPE_ALIGN_BIN);
  graphene_rect_t bounds;
  int height;

  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL, NULL);
  gtk_widget_size_allocate (row, &(GtkAllocation) { 0, 0, width, height }, -1);
  g_assert_true (gtk_widget_compute_bounds (gtk_widget_get_parent (text_label), bin, &bounds));
  g_assert_cmpfloat (gtk_widget_get_width (bin), >, width - 40);
  return bounds;
}

/* A short message keeps its natural width, on its side (mirrored right to left), and its
 * label a minimum width of half its characters, so that GTK does not lay it out one
 * character a line to find it. */
static void
test_short_row (void)
{
  GtkWidget *row = g_object_ref_sink (confab_message_row_new ());
  g_autoptr(ConfabMessage) own = confab_message_new_outgoing ("Hi there", 1700000000000);
  g_autoptr(ConfabMessage) theirs = NULL;
  ConfabMessagingChange change = {
    .sequence = 1, .server_timestamp = 1700000000000, .originator_id = (char *) "agent-1",
    .role = CONFAB_ROLE_ASSIGNED_AGENT, .type = CONFAB_EVENT_CONTENT,
    .content_type = (char *) "text/plain", .text = (char *) "Hello, how can I help?",
  };
  GtkWidget *text_label, *bin;
  graphene_rect_t bounds;
  int natural;

  confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), own);
  text_label = find_label_containing (row, "Hi there");
  g_assert_nonnull (text_label);
  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (text_label)), ==, 4);
  bin = gtk_widget_get_ancestor (text_label, CONFAB_TYPE_ALIGN_BIN);
  g_assert_cmpint (gtk_widget_get_halign (gtk_widget_get_parent (text_label)), ==, GTK_ALIGN_FILL);

  gtk_widget_measure (gtk_widget_get_parent (text_label), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_assert_cmpint (natural, <, 200);
  bounds = bubble_bounds (row, text_label, 600);
  g_assert_cmpfloat (bounds.size.width, ==, natural);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, ==, gtk_widget_get_width (bin));

  gtk_widget_set_direction (bin, GTK_TEXT_DIR_RTL);
  bounds = bubble_bounds (row, text_label, 600);
  g_assert_cmpfloat (bounds.origin.x, ==, 0);
  g_assert_cmpfloat (bounds.size.width, ==, natural);
  gtk_widget_set_direction (bin, GTK_TEXT_DIR_NONE);

  /* An agent's, on the other side; in a row too narrow for it, as wide as the row. */
  theirs = confab_message_new_from_change (&change, "consumer-1");
  confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), theirs);
  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (text_label)), ==, 11);
  bounds = bubble_bounds (row, text_label, 600);
  g_assert_cmpfloat (bounds.origin.x, ==, 0);
  g_assert_cmpfloat (bounds.size.width, <, 300);
  bounds = bubble_bounds (row, text_label, 160);
  g_assert_cmpfloat (bounds.origin.x, ==, 0);
  g_assert_cmpfloat (bounds.size.width, ==, gtk_widget_get_width (bin));

  g_object_unref (row);
}

static ConfabPreferences *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CONFAB_IS_PREFERENCES (window))
        return CONFAB_PREFERENCES (window);
    }
  return NULL;
}

/* A refused token: the window says where to set a new one, and takes the person there
 * when that is Preferences. */
static void
test_token_refused (void)
{
  const struct {
    ConfabAccountSource source;
    const char *text;
    gboolean button;
  } cases[] = {
    { CONFAB_ACCOUNT_SOURCE_SETTINGS,
      "The service did not accept the token. Set a new token in Preferences, then start Confab again.", TRUE },
    /* an lp.env or environment account is mended there: Preferences would not help */
    { CONFAB_ACCOUNT_SOURCE_ENVIRONMENT,
      "The service did not accept the token. Set a new token (LP_JWT) and try again.", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabServer) server = confab_server_new ();
      g_autoptr(ConfabAccount) account = NULL;
      g_autoptr(ConfabSession) session = NULL;
      g_autofree char *base = NULL;
      g_autofree char *token = NULL;
      ConfabWindow *window;
      GtkWidget *button;

      g_assert_true (confab_server_listen (server, 0, &error));
      base = confab_server_dup_base_url (server);
      token = confab_server_issue_token (server, NULL, NULL, 3600);
      confab_server_set_refuse_tokens (server, TRUE);
      account = confab_account_new (cases[i].source, confab_server_get_account_id (server));
      confab_account_set_csds (account, base);
      confab_account_set_jwt (account, token);
      session = confab_session_new (account, NULL);
      confab_session_set_timings (session, 30, 50, 400, 200);

      window = confab_window_new (the_app);
      confab_window_set_session (window, session);
      gtk_window_present (GTK_WINDOW (window));
      confab_session_start (session);
      CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (session) == CONFAB_SESSION_SIGNED_OUT, 10000);
      confab_test_spin (300);

      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (_confab_window_get_status_label (window))), ==, cases[i].text);
      /* a real account: no demo banner */
      g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (_confab_window_get_demo_banner (window))));
      button = _confab_window_get_preferences_button (window);
      g_assert_cmpint (gtk_widget_get_mapped (button), ==, cases[i].button);
      if (cases[i].button)
        {
          gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                               "Open Preferences");
          g_assert_null (find_preferences ());
          g_assert_true (gtk_widget_activate (button));
          CONFAB_TEST_WAIT_UNTIL (find_preferences () != NULL, 5000);
          gtk_window_destroy (GTK_WINDOW (find_preferences ()));
        }

      gtk_window_destroy (GTK_WINDOW (window));
      confab_session_stop (session);
      confab_server_shutdown (server);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  the_app = confab_test_display_app ("chat");
  if (the_app == NULL)
    return 77;

#define ADD(path, func) g_test_add ("/ui/chat/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("send-receive-read", test_send_receive_read);
  ADD ("not-read-when-inactive", test_not_read_when_inactive);
  ADD ("stays-at-bottom", test_stays_at_bottom);
  ADD ("jump-button", test_jump_button);
  ADD ("demo-banner", test_demo_banner);
  ADD ("status-and-close", test_status_and_close);
#undef ADD
  g_test_add_func ("/ui/chat/token-refused", test_token_refused);
  g_test_add_func ("/ui/chat/row-labels", test_row_labels);
  g_test_add_func ("/ui/chat/long-row", test_long_row);
  g_test_add_func ("/ui/chat/short-row", test_short_row);

  ret = g_test_run ();
  g_clear_object (&the_app);
  return ret;
}
