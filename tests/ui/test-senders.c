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

#include "confab-test-util.h"
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
  char *dir;
  char *path;
  ConfabSession *session;
  ConfabWindow *window;
} Fixture;

static void
open_window (Fixture *f)
{
  f->session = confab_session_new (f->account, NULL);
  confab_session_set_timings (f->session, 30, 50, 400, 200);
  confab_session_set_store (f->session, f->store);
  f->window = confab_window_new (the_app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 600, 560);
  confab_window_set_session (f->window, f->session);
  gtk_window_present (GTK_WINDOW (f->window));
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
  g_autofree char *base = NULL;

  f->server = confab_server_new ();
  g_assert_true (confab_server_listen (f->server, 0, &error));
  base = confab_server_dup_base_url (f->server);
  f->account = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (f->server));
  confab_account_set_csds (f->account, base);
  f->dir = g_dir_make_tmp ("confab-senders-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "history.db", NULL);
  f->store = confab_store_new (f->path, &error);
  g_assert_no_error (error);
  open_window (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) listing = NULL;
  const char *name;

  close_window (f);
  g_clear_object (&f->store);
  g_clear_object (&f->account);
  confab_server_shutdown (f->server);
  g_clear_object (&f->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  listing = g_dir_open (f->dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (f->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
type_and_send (Fixture    *f,
               const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (_confab_window_get_composer (f->window)));

  gtk_text_buffer_set_text (buffer, text, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (confab_session_get_messages (f->session)));
}

static ConfabMessage *
row_message (Fixture *f,
             guint    i)
{
  ConfabMessage *m = g_list_model_get_item (G_LIST_MODEL (confab_session_get_messages (f->session)), i);

  g_object_unref (m);  /* the list keeps it alive */
  return m;
}

/* The row widget showing message, a ConfabMessageRow or a ConfabEventRow, once it is laid out. */
static GtkWidget *
row_for (Fixture       *f,
         ConfabMessage *message)
{
  GtkWidget *list = _confab_window_get_message_list (f->window);

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL; item = gtk_widget_get_next_sibling (item))
    for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL; child = gtk_widget_get_next_sibling (child))
      if ((CONFAB_IS_MESSAGE_ROW (child) && confab_message_row_get_message (CONFAB_MESSAGE_ROW (child)) == message) ||
          (CONFAB_IS_EVENT_ROW (child) && confab_event_row_get_message (CONFAB_EVENT_ROW (child)) == message))
        return child;
  return NULL;
}

/* What a screen reader hears for row i, from the list item that takes the focus. */
static char *
row_label (Fixture *f,
           guint    i)
{
  GtkWidget *row = NULL;

  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, row_message (f, i))) != NULL, 5000);
  if (CONFAB_IS_EVENT_ROW (row))
    return confab_event_row_dup_label (CONFAB_EVENT_ROW (row));
  return confab_message_row_dup_label (CONFAB_MESSAGE_ROW (row));
}

/* The rows' labels without the times and without the unread divider, "|"-separated. */
static char *
labels (Fixture *f)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < n_rows (f); i++)
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

  type_and_send (f, "Hello, I need help");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_OPEN, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (row_message (f, 0)) == CONFAB_DELIVERY_SENT, 10000);
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
  row = row_for (f, row_message (f, 3));
  g_assert_true (CONFAB_IS_EVENT_ROW (row));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "Alex joined the conversation");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (row)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Alex joined the conversation");
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
    g_autofree char *time = confab_ui_format_time (confab_message_get_server_time (row_message (f, 5)));
    g_autofree char *expected = g_strdup_printf ("Conversation closed by the agent · %s", time);

    row = row_for (f, row_message (f, 5));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (row))), ==, expected);
  }

  /* Writing after the close, offline: a new conversation begins above the words at once, and
   * the old rows keep their names. */
  confab_server_shutdown (f->server);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
  type_and_send (f, "Are you still there?");
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

  type_and_send (f, "Hi");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_OPEN, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (row_message (f, 0)) == CONFAB_DELIVERY_SENT, 10000);

  /* away: the agent takes the conversation and writes */
  gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Hello while you look away", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 3, 10000);
  g_assert_true (confab_message_is_event (row_message (f, 1)));
  answer = row_message (f, 2);
  confab_test_spin (300);
  g_assert_true (_confab_window_get_first_unread (f->window) == answer);
  g_assert_false (confab_message_get_seen (row_message (f, 1)));

  /* back: the message is read, the event never is */
  gtk_window_present (GTK_WINDOW (f->window));
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 15000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_read_sent (answer), 10000);
  g_assert_false (confab_message_get_seen (row_message (f, 1)));
  g_assert_false (confab_message_get_read_sent (row_message (f, 1)));
}

/* The title, the typing line and the closed bar come from one name: while the agent's
 * profile is on its way they all say "the agent", then all its name. */
static void
test_status_from_one_name (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  type_and_send (f, "Hi");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_OPEN, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (row_message (f, 0)) == CONFAB_DELIVERY_SENT, 10000);
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
  type_and_send (f, "Hello, I need help");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "chat");
  g_assert_false (gtk_stack_get_transition_running (stack));
  g_assert_false (gtk_widget_get_mapped (empty));

  first = row_message (f, 0);
  CONFAB_TEST_WAIT_UNTIL ((first_row = row_for (f, first)) != NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) == CONFAB_DELIVERY_SENT, 10000);
  first_bounds = settled_bounds (f, first_row);
  g_assert_cmpfloat (first_bounds.origin.y, >, 0);

  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Hi, I'm Dana. How can I help?", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 3, 10000);
  g_assert_true (row_message (f, 0) == first);
  CONFAB_TEST_WAIT_UNTIL ((greeting_row = row_for (f, row_message (f, 2))) != NULL, 5000);
  {
    graphene_rect_t now = settled_bounds (f, row_for (f, first));

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
