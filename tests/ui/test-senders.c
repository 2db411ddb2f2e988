/* test-senders.c: the window names who said what and tells what happened, from one source
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each row shows the name of whoever sent it, through a hand-over, New Conversation and a
 * restart without the network; hand-overs, closes and new conversations are rows read in
 * order; the title, the typing line and the closed bar say the same agent; the person's
 * first message takes the place of the empty page at once and stays first.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "session-test-util.h"
#include "store-test-util.h"
#include "ui-test-util.h"
#include "confab-event-row.h"
#include "confab-message-row.h"
#include "confab-server.h"
#include "confab-ui.h"
#include "confab-window.h"
#include "confab-window-private.h"

static GtkApplication *the_app;

typedef struct
{
  ConfabServer *server;
  ConfabAccount *account;
  ConfabStore *store;
  char *path;
  ConfabSession *session;
  ConfabWindow *window;
} Fixture;

static void
open_window (Fixture *f)
{
  f->session = session_test_session_new (f->account, f->store);
  f->window = confab_test_window_new (the_app, f->session, 560);
  confab_session_start (f->session);
}

static void
close_window (Fixture *f)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  if (f->session != NULL)
    confab_session_stop (f->session);
  g_clear_object (&f->session);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = session_test_server_new ();
  f->account = session_test_account_new (f->server);
  f->path = store_test_temp_db ();
  f->store = confab_store_new (f->path, &error);
  g_assert_no_error (error);
  open_window (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_window (f);
  g_clear_object (&f->store);
  session_test_close (&f->server, &f->account, &f->session);
  session_test_drain ();
  store_test_remove_db (f->path);
  g_free (f->path);
}

/* What a screen reader hears for row i, from the list item that takes the focus. */
static char *
row_label (Fixture *f,
           guint    i)
{
  GtkWidget *row = NULL;

  CONFAB_TEST_WAIT_UNTIL ((row = confab_test_row_for (f->window, session_test_row_at (f->session, i))) != NULL, 5000);
  if (CONFAB_IS_EVENT_ROW (row))
    return confab_event_row_dup_label (CONFAB_EVENT_ROW (row));
  return confab_message_row_dup_label (CONFAB_MESSAGE_ROW (row));
}

/* The rows' labels without the times and without the unread divider, "|"-separated. */
static char *
labels (Fixture *f)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < session_test_n_rows (f->session); i++)
    {
      g_autofree char *label = row_label (f, i);
      g_autoptr(GRegex) time = g_regex_new ("[0-9][0-9]:[0-9][0-9]", 0, 0, NULL);
      g_autofree char *plain = g_regex_replace_literal (time, label, -1, 0, "T", 0, NULL);
      const char *text = g_str_has_prefix (plain, "New messages. ") ? plain + strlen ("New messages. ") : plain;

      g_string_append_printf (out, "%s%s", i > 0 ? " | " : "", text);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define WAIT_LABELS(f, expected)                                             \
  CONFAB_TEST_WAIT_UNTIL (({ g_autofree char *labels__ = labels (f);        \
                             g_strcmp0 (labels__, expected) == 0; }), 10000)

static const char *
subtitle (Fixture *f)
{
  GtkWidget *title = adw_header_bar_get_title_widget (ADW_HEADER_BAR (_confab_window_get_header_bar (f->window)));

  return adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title));
}

static const char *
closed_text (Fixture *f)
{
  return gtk_label_get_text (GTK_LABEL (_confab_window_get_closed_label (f->window)));
}

/* Dana, then Alex: each row keeps its sender's name, hand-overs and the close are rows with
 * their own words, and after New Conversation and a restart with the service gone, the
 * rows still name who wrote them, never "Agent". */
static void
test_names_and_hand_over (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *row;
  GtkWidget *caption;

  confab_test_type_and_send (f->window, "Hello, I need help");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_OPEN, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (session_test_row_at (f->session, 0)) == CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpstr (subtitle (f), ==, "Waiting for an agent");

  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Dana here", &error), >, 0);
  WAIT_LABELS (f, "You, T: Hello, I need help. Sent. | Dana joined the conversation | Dana, T: Dana here.");
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (subtitle (f), "Dana") == 0, 5000);

  g_assert_true (confab_server_agent_transfer (f->server, NULL, confab_server_get_second_agent_id (f->server), &error));
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Alex here", &error), >, 0);
  WAIT_LABELS (f, "You, T: Hello, I need help. Sent. | Dana joined the conversation | Dana, T: Dana here. | "
                  "Alex joined the conversation | Alex, T: Alex here.");
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (subtitle (f), "Alex") == 0, 5000);

  /* a row for an event is a centred dim caption, named in words */
  row = confab_test_row_for (f->window, session_test_row_at (f->session, 3));
  g_assert_true (CONFAB_IS_EVENT_ROW (row));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "Alex joined the conversation");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (row)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Alex joined the conversation");
  g_assert_false (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (gtk_widget_get_parent (row)),
                                                    GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  /* a message's list item is named by its row, without a copy of the text */
  {
    GtkWidget *message_row = confab_test_row_for (f->window, session_test_row_at (f->session, 4));

    g_assert_true (CONFAB_IS_MESSAGE_ROW (message_row));
    g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (gtk_widget_get_parent (message_row)),
                                                      GTK_ACCESSIBLE_PROPERTY_LABEL));
    gtk_test_accessible_assert_relation (GTK_ACCESSIBLE (gtk_widget_get_parent (message_row)),
                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY, message_row, NULL);
  }
  caption = gtk_widget_get_last_child (row);
  g_assert_true (GTK_IS_LABEL (caption));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (caption)), ==, "Alex joined the conversation");
  g_assert_cmpint (gtk_widget_get_halign (caption), ==, GTK_ALIGN_CENTER);
  g_assert_true (gtk_widget_has_css_class (caption, "dim-label"));
  g_assert_true (gtk_widget_has_css_class (caption, "caption"));

  /* the close: a row with who and when, and the bar below names the same agent */
  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  WAIT_LABELS (f, "You, T: Hello, I need help. Sent. | Dana joined the conversation | Dana, T: Dana here. | "
                  "Alex joined the conversation | Alex, T: Alex here. | Conversation closed by the agent at T");
  g_assert_cmpstr (closed_text (f), ==, "Alex closed the conversation.");
  {
    g_autofree char *time = confab_ui_format_time (confab_message_get_server_time (session_test_row_at (f->session, 5)));
    g_autofree char *expected = g_strdup_printf ("Conversation closed by the agent · %s", time);

    row = confab_test_row_for (f->window, session_test_row_at (f->session, 5));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (row))), ==, expected);
  }

  /* Writing after the close, offline: a new conversation begins above the words at once, and
   * the old rows keep their names. */
  confab_server_shutdown (f->server);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
  confab_test_type_and_send (f->window, "Are you still there?");
  WAIT_LABELS (f, "You, T: Hello, I need help. Sent. | Dana joined the conversation | Dana, T: Dana here. | "
                  "Alex joined the conversation | Alex, T: Alex here. | Conversation closed by the agent at T | "
                  "New conversation | You, T: Are you still there? Queued.");
  confab_test_spin (300);
  close_window (f);

  /* Confab starts again with the service gone: the names come from the history. */
  open_window (f);
  WAIT_LABELS (f, "You, T: Hello, I need help. Sent. | Dana joined the conversation | Dana, T: Dana here. | "
                  "Alex joined the conversation | Alex, T: Alex here. | Conversation closed by the agent at T | "
                  "You, T: Are you still there? Queued.");
}

/* Rows for events are neither read nor unread: the divider stands above the agent's
 * message, not above "joined", and the count of unread messages leaves them out. */
static void
test_unread_ignores_events (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ConfabMessage *answer;

  confab_test_type_and_send (f->window, "Hi");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_OPEN, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (session_test_row_at (f->session, 0)) == CONFAB_DELIVERY_SENT, 10000);

  /* away: the agent takes the conversation and writes */
  gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Hello while you look away", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_rows (f->session) == 3, 10000);
  g_assert_true (confab_message_is_event (session_test_row_at (f->session, 1)));
  answer = session_test_row_at (f->session, 2);
  confab_test_spin (300);
  g_assert_true (_confab_window_get_first_unread (f->window) == answer);
  g_assert_false (confab_message_get_seen (session_test_row_at (f->session, 1)));

  /* back: the message is read, the event never is */
  gtk_window_present (GTK_WINDOW (f->window));
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 15000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_read_sent (answer), 10000);
  g_assert_false (confab_message_get_seen (session_test_row_at (f->session, 1)));
  g_assert_false (confab_message_get_read_sent (session_test_row_at (f->session, 1)));
}

/* The title, the typing line and the closed bar come from one name: while the agent's
 * profile is on its way they all say "the agent", then all its name. */
static void
test_status_from_one_name (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  confab_test_type_and_send (f->window, "Hi");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_OPEN, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (session_test_row_at (f->session, 0)) == CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpstr (subtitle (f), ==, "Waiting for an agent");

  /* the profile is slow to come: the agent is there, not named yet */
  confab_server_set_response_delay (f->server, 1500);
  g_assert_true (confab_server_agent_set_typing (f->server, NULL, CONFAB_CHAT_STATE_COMPOSING, &error));
  g_assert_true (confab_server_agent_accept (f->server, NULL, &error));
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_agent_present (f->session), 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_agent_typing (f->session), 5000);
  g_assert_null (confab_session_get_agent_display_name (f->session));
  g_assert_cmpstr (subtitle (f), ==, "The agent is typing…");
  g_assert_true (confab_server_agent_set_typing (f->server, NULL, CONFAB_CHAT_STATE_ACTIVE, &error));
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (subtitle (f), "With an agent") == 0, 5000);

  /* named: everything says the name */
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_agent_display_name (f->session) != NULL, 10000);
  g_assert_cmpstr (subtitle (f), ==, "Dana");
  g_assert_true (confab_server_agent_set_typing (f->server, NULL, CONFAB_CHAT_STATE_COMPOSING, &error));
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (subtitle (f), "Dana is typing…") == 0, 5000);
  confab_server_set_response_delay (f->server, 0);
  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 5000);
  g_assert_cmpstr (closed_text (f), ==, "Dana closed the conversation.");
}

/* Where widget is in the window once its place has held still for a few frames: under load
 * a row may still be on its way there when a fixed wait ends. */
static graphene_rect_t
settled_bounds (Fixture   *f,
                GtkWidget *widget)
{
  graphene_rect_t last = GRAPHENE_RECT_INIT (0, 0, 0, 0);
  guint still = 0;

  for (guint i = 0; i < 100 && still < 4; i++)
    {
      graphene_rect_t now;

      confab_test_spin (50);
      g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (f->window), &now));
      still = graphene_rect_equal (&now, &last) ? still + 1 : 0;
      last = now;
    }
  return last;
}

/* The first message: the empty page goes the moment it is sent, with no fade, and the row
 * stays at the top when the agent takes the conversation and greets. */
static void
test_first_message_stays (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkStack *stack = _confab_window_get_content_stack (f->window);
  GtkWidget *empty = _confab_window_get_empty_state (f->window);
  ConfabMessage *first;
  GtkWidget *first_row = NULL;
  GtkWidget *greeting_row = NULL;
  graphene_rect_t first_bounds, greeting_bounds;

  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (empty), 5000);
  confab_test_type_and_send (f->window, "Hello, I need help");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "chat");
  g_assert_false (gtk_stack_get_transition_running (stack));
  g_assert_false (gtk_widget_get_mapped (empty));

  first = session_test_row_at (f->session, 0);
  CONFAB_TEST_WAIT_UNTIL ((first_row = confab_test_row_for (f->window, first)) != NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) == CONFAB_DELIVERY_SENT, 10000);
  first_bounds = settled_bounds (f, first_row);
  g_assert_cmpfloat (first_bounds.origin.y, >, 0);

  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Hi, I'm Dana. How can I help?", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_rows (f->session) == 3, 10000);
  g_assert_true (session_test_row_at (f->session, 0) == first);
  CONFAB_TEST_WAIT_UNTIL ((greeting_row = confab_test_row_for (f->window, session_test_row_at (f->session, 2))) != NULL, 5000);
  {
    graphene_rect_t now = settled_bounds (f, confab_test_row_for (f->window, first));

    /* where it was (give or take the pixel of a row's border): nothing came above it */
    g_assert_cmpfloat (fabs (now.origin.y - first_bounds.origin.y), <=, 2);
  }
  greeting_bounds = settled_bounds (f, greeting_row);
  g_assert_cmpfloat (greeting_bounds.origin.y, >, first_bounds.origin.y);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  the_app = confab_test_display_app ("senders");
  if (the_app == NULL)
    return 77;

#define ADD(path, func) g_test_add ("/ui/senders/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("names-and-hand-over", test_names_and_hand_over);
  ADD ("unread-ignores-events", test_unread_ignores_events);
  ADD ("status-from-one-name", test_status_from_one_name);
  ADD ("first-message-stays", test_first_message_stays);
#undef ADD

  ret = g_test_run ();
  g_clear_object (&the_app);
  return ret;
}
