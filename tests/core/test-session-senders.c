/* test-session-senders.c: who said what and what happened, against the local service: a
 * name on every message, kept across a hand-over and a restart; rows for an agent joining,
 * a close and a new conversation; one name for the agent now
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "session-test-util.h"
#include "store-test-util.h"

typedef SessionFixture Fixture;

/* The rows in order: "me:text", "Name:text" (or "?:text" with no name), "+Name" for an agent
 * who joined, "closed:REASON", "new". */
static char *
describe (ConfabSession *session)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < session_test_n_rows (session); i++)
    {
      ConfabMessage *m = session_test_row_at (session, i);
      const char *name = confab_message_get_sender_name (m);

      if (out->len > 0)
        g_string_append (out, " | ");
      switch (confab_message_get_event (m))
        {
        case CONFAB_MESSAGE_EVENT_AGENT_JOINED:
          g_string_append_printf (out, "+%s", name != NULL ? name : "?");
          break;
        case CONFAB_MESSAGE_EVENT_CLOSED:
          g_string_append_printf (out, "closed:%s", confab_close_reason_to_string (confab_message_get_close_reason (m)));
          break;
        case CONFAB_MESSAGE_EVENT_NEW_CONVERSATION:
          g_string_append (out, "new");
          break;
        case CONFAB_MESSAGE_EVENT_NONE:
        default:
          g_string_append_printf (out, "%s:%s", confab_message_get_own (m) ? "me" : name != NULL ? name : "?",
                                  confab_message_get_text (m));
          break;
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define ASSERT_ROWS(session, expected)                                  \
  G_STMT_START {                                                        \
    g_autofree char *rows__ = describe (session);                       \
    g_assert_cmpstr (rows__, ==, expected);                             \
  } G_STMT_END

#define WAIT_ROWS(session, expected)                                    \
  CONFAB_TEST_WAIT_UNTIL (({ g_autofree char *rows__ = describe (session);    \
                             g_strcmp0 (rows__, expected) == 0; }), 10000)

/* Two agents in one conversation: each message keeps the name of whoever wrote it, the
 * hand-over is a row, and after a restart with the service gone, so without a profile to
 * fetch, every sender is named as before. */
static void
test_hand_over_named_after_restart (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabSession) later = NULL;

  session_test_start_conversation (f->session);
  g_assert_false (confab_session_get_agent_present (f->session));
  g_assert_null (confab_session_get_agent_display_name (f->session));

  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Dana here", &error), >, 0);
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana | Dana:Dana here");
  g_assert_true (confab_session_get_agent_present (f->session));
  g_assert_cmpstr (confab_session_get_agent_display_name (f->session), ==, "Dana");

  g_assert_true (confab_server_agent_transfer (f->server, NULL, confab_server_get_second_agent_id (f->server), &error));
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Alex here", &error), >, 0);
  g_assert_no_error (error);
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana | Dana:Dana here | +Alex | Alex:Alex here");
  g_assert_cmpstr (confab_session_get_agent_display_name (f->session), ==, "Alex");
  g_assert_cmpstr (confab_session_get_agent_nickname (f->session), ==, "Alex");
  g_assert_cmpstr (confab_message_get_originator_id (session_test_row_at (f->session, 4)), ==,
                   confab_server_get_second_agent_id (f->server));
  confab_test_spin (200);
  confab_session_stop (f->session);
  g_clear_object (&f->session);

  /* Confab starts again with the service gone: nothing can be looked up. */
  confab_server_shutdown (f->server);
  later = session_fixture_new_session (f);
  confab_session_start (later);
  WAIT_ROWS (later, "me:Hello, I need help | +Dana | Dana:Dana here | +Alex | Alex:Alex here");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_agent_display_name (later) != NULL, 10000);
  g_assert_cmpstr (confab_session_get_agent_display_name (later), ==, "Alex");
  g_assert_true (confab_session_get_agent_present (later));
  g_assert_cmpint (confab_session_get_state (later), !=, CONFAB_SESSION_ONLINE);
  confab_session_stop (later);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

/* A history without the names (written before Confab kept them): once connected, the
 * earlier agent is looked up too, not only the one who has the conversation now. */
static void
test_history_without_names (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabSession) later = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  g_autofree char *base_url = confab_server_dup_base_url (f->server);

  session_test_start_conversation (f->session);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Dana here", &error), >, 0);
  g_assert_true (confab_server_agent_transfer (f->server, NULL, confab_server_get_second_agent_id (f->server), &error));
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Alex here", &error), >, 0);
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana | Dana:Dana here | +Alex | Alex:Alex here");
  confab_test_spin (200);
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_clear_object (&f->store);

  store_test_exec (f->store_path, "DELETE FROM profiles");

  /* Confab starts again: where the profiles are is not known before the service says (slowly
   * here), and the history shows before that. */
  confab_server_set_response_delay (f->server, 500);
  f->store = confab_store_new (f->store_path, &error);
  g_assert_no_error (error);
  account = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (f->server));
  confab_account_set_csds (account, base_url);
  confab_account_set_jwt (account, confab_account_get_jwt (f->account));
  g_set_object (&f->account, account);
  later = session_fixture_new_session (f);
  confab_session_start (later);
  WAIT_ROWS (later, "me:Hello, I need help | +? | ?:Dana here | +? | ?:Alex here");
  WAIT_ROWS (later, "me:Hello, I need help | +Dana | Dana:Dana here | +Alex | Alex:Alex here");
  confab_session_stop (later);
}

/* A name that comes after the message: the row takes it when the profile arrives, and the
 * agent now is named from then on. */
static void
test_name_arrives_later (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  session_test_start_conversation (f->session);
  /* profile answers held back: the message is there first */
  confab_server_set_response_delay (f->server, 600);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "First words", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_rows (f->session) == 3, 10000);
  ASSERT_ROWS (f->session, "me:Hello, I need help | +? | ?:First words");
  g_assert_true (confab_session_get_agent_present (f->session));
  g_assert_null (confab_session_get_agent_display_name (f->session));

  g_signal_connect (session_test_row_at (f->session, 2), "notify::sender-name", G_CALLBACK (count_cb), &notified);
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana | Dana:First words");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (confab_session_get_agent_display_name (f->session), ==, "Dana");
}

/* What happened is told by rows in order: the agent joined, the conversation closed for its
 * reason, a new one began above what the person wrote for it; saved with the history, and
 * neither read nor acknowledged. */
static void
test_event_rows (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(ConfabSession) later = NULL;
  g_autofree char *old_conversation = NULL;
  g_autoptr(JsonNode) log = NULL;
  g_autofree char *frames = NULL;
  ConfabMessage *closed, *fresh, *again;

  session_test_start_conversation (f->session);
  old_conversation = g_strdup (confab_session_get_conversation_id (f->session));
  g_assert_true (confab_server_agent_accept (f->server, NULL, &error));
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana");
  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_TIMEOUT, &error));
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana | closed:TIMEOUT");
  closed = session_test_row_at (f->session, 2);
  g_assert_cmpstr (confab_message_get_dialog_id (closed), ==, old_conversation);
  g_assert_cmpint (confab_message_get_server_time (closed), >, 0);

  /* events are neither read nor acknowledged */
  for (guint i = 0; i < session_test_n_rows (f->session); i++)
    g_ptr_array_add (seen, session_test_row_at (f->session, i));
  confab_session_mark_read (f->session, seen);
  g_assert_false (confab_message_get_seen (closed));
  g_assert_false (confab_message_get_seen (session_test_row_at (f->session, 1)));

  /* a new conversation begins at the end, above what the person writes for it */
  confab_session_new_conversation (f->session);
  ASSERT_ROWS (f->session, "me:Hello, I need help | +Dana | closed:TIMEOUT | new");
  fresh = session_test_row_at (f->session, 3);
  g_assert_null (confab_message_get_dialog_id (fresh));
  again = confab_session_send_text (f->session, "One more thing");
  ASSERT_ROWS (f->session, "me:Hello, I need help | +Dana | closed:TIMEOUT | new | me:One more thing");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (again) == CONFAB_DELIVERY_SENT, 10000);
  ASSERT_ROWS (f->session, "me:Hello, I need help | +Dana | closed:TIMEOUT | new | me:One more thing");
  g_assert_cmpstr (confab_message_get_dialog_id (fresh), ==, confab_session_get_conversation_id (f->session));
  g_assert_cmpstr (confab_message_get_dialog_id (fresh), !=, old_conversation);

  /* the consumer closes: by you */
  confab_session_close_conversation (f->session);
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana | closed:TIMEOUT | new | me:One more thing | closed:CONSUMER");
  confab_test_spin (200);
  log = confab_server_dup_frame_log (f->server, CONFAB_REQ_PUBLISH_EVENT, NULL);
  frames = json_to_string (log, FALSE);
  g_assert_null (strstr (frames, "\"READ\""));
  confab_session_stop (f->session);
  g_clear_object (&f->session);

  /* Saved with the history: a restart shows them again, once, whatever the service says of
   * the conversations since. */
  later = session_fixture_new_session (f);
  confab_session_start (later);
  WAIT_ROWS (later, "me:Hello, I need help | +Dana | closed:TIMEOUT | new | me:One more thing | closed:CONSUMER");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (later) == CONFAB_SESSION_ONLINE, 10000);
  confab_test_spin (500);
  ASSERT_ROWS (later, "me:Hello, I need help | +Dana | closed:TIMEOUT | new | me:One more thing | closed:CONSUMER");
  confab_session_stop (later);
}

/* An agent is "joined" only when Confab saw the conversation without it: a session that
 * resumes a conversation without its history, or after a restart with the same agent, shows
 * no such row. */
static void
test_no_join_row_without_knowledge (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabSession) bare = NULL;
  g_autoptr(ConfabSession) later = NULL;

  session_test_start_conversation (f->session);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Hi", &error), >, 0);
  WAIT_ROWS (f->session, "me:Hello, I need help | +Dana | Dana:Hi");
  confab_test_spin (200);
  confab_session_stop (f->session);
  g_clear_object (&f->session);

  /* without the history on disk */
  bare = session_test_session_new (f->account, NULL);
  confab_session_start (bare);
  WAIT_ROWS (bare, "me:Hello, I need help | Dana:Hi");
  confab_test_spin (300);
  ASSERT_ROWS (bare, "me:Hello, I need help | Dana:Hi");
  g_assert_cmpstr (confab_session_get_agent_display_name (bare), ==, "Dana");
  confab_session_stop (bare);

  /* with it: the same agent is no news */
  later = session_fixture_new_session (f);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (later) == CONFAB_CONVERSATION_OPEN, 10000);
  confab_test_spin (300);
  ASSERT_ROWS (later, "me:Hello, I need help | +Dana | Dana:Hi");
  confab_session_stop (later);
}

/* The agent's row with this text, or NULL. */
static ConfabMessage *
find_theirs (ConfabSession *session,
             const char    *text)
{
  for (guint i = 0; i < session_test_n_rows (session); i++)
    {
      ConfabMessage *m = session_test_row_at (session, i);

      if (!confab_message_get_own (m) && g_strcmp0 (confab_message_get_text (m), text) == 0)
        return m;
    }
  return NULL;
}

/* A restart on the store read from disk again: the session Confab would start with. */
static ConfabSession *
restart (Fixture        *f,
         ConfabSession **session)
{
  g_autoptr(GError) error = NULL;
  ConfabSession *later;

  confab_session_stop (*session);
  g_clear_object (session);
  confab_store_flush (f->store);
  g_clear_object (&f->store);
  f->store = confab_store_new (f->store_path, &error);
  g_assert_no_error (error);

  later = session_fixture_new_session (f);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (later) == CONFAB_SESSION_ONLINE &&
                          confab_session_get_conversation_status (later) == CONFAB_CONVERSATION_CLOSED &&
                          find_theirs (later, "Goodbye!") != NULL, 10000);
  confab_test_spin (300);
  return later;
}

/* What a restart shows of the goodbye: read, so counted nowhere as unread, and no READ ever. */
static void
assert_read_after_restart (Fixture        *f,
                           ConfabSession **session)
{
  g_autoptr(ConfabSession) later = restart (f, session);
  ConfabMessage *goodbye = find_theirs (later, "Goodbye!");

  g_assert_false (confab_message_get_seen (goodbye));
  g_assert_true (confab_message_get_read_sent (goodbye));
  g_assert_cmpuint (confab_message_list_get_n_unread_before (confab_session_get_messages (later)), ==, 0);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"READ\""), ==, 0);
  confab_session_stop (later);
}

static void
mark_seen (ConfabSession *session,
           ConfabMessage *message)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  g_ptr_array_add (seen, message);
  confab_session_mark_read (session, seen);
}

/* The agent's last words, seen once the conversation closed: no receipt goes into it, but
 * the message is read, also after a restart. */
static void
test_seen_after_close (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ConfabMessage *goodbye;

  session_test_start_conversation (f->session);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Goodbye!", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL ((goodbye = find_theirs (f->session, "Goodbye!")) != NULL, 10000);
  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 10000);

  mark_seen (f->session, goodbye);
  g_assert_true (confab_message_get_seen (goodbye));
  g_assert_true (confab_message_get_read_sent (goodbye));
  confab_test_spin (300);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"READ\""), ==, 0);

  assert_read_after_restart (f, &f->session);
}

/* Seen while the conversation was open, its READ still waiting for the batch when the close
 * came: it does not go, and the message is read all the same. */
static void
test_seen_just_before_close (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ConfabMessage *goodbye;

  /* a batch that outlasts the close */
  confab_session_set_timings (f->session, 60000, 50, 400, 200);
  session_test_start_conversation (f->session);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Goodbye!", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL ((goodbye = find_theirs (f->session, "Goodbye!")) != NULL, 10000);
  mark_seen (f->session, goodbye);
  /* open: the receipt waits to go, as ever */
  g_assert_false (confab_message_get_read_sent (goodbye));

  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 10000);
  g_assert_true (confab_message_get_read_sent (goodbye));

  assert_read_after_restart (f, &f->session);
}

/* Written and closed while the socket was down: the replay after reconnecting brings the
 * goodbye, before or after the metadata says the conversation closed; seen then, it is read
 * without a receipt. */
static void
test_seen_in_replay_after_close (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ConfabMessage *goodbye;

  session_test_start_conversation (f->session);
  confab_test_spin (200);
  g_assert_cmpuint (confab_server_drop_consumers (f->server, NULL, 1001, "going away"), ==, 1);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 10000);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Goodbye!", &error), >, 0);
  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);

  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE &&
                          confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED &&
                          (goodbye = find_theirs (f->session, "Goodbye!")) != NULL, 10000);
  g_assert_false (confab_message_get_read_sent (goodbye));
  mark_seen (f->session, goodbye);
  g_assert_true (confab_message_get_read_sent (goodbye));
  confab_test_spin (300);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"READ\""), ==, 0);

  assert_read_after_restart (f, &f->session);
}

static guint
count_theirs (ConfabSession *session,
              const char    *text)
{
  guint n = 0;

  for (guint i = 0; i < session_test_n_rows (session); i++)
    {
      ConfabMessage *m = session_test_row_at (session, i);

      n += !confab_message_get_own (m) && g_strcmp0 (confab_message_get_text (m), text) == 0;
    }
  return n;
}

/* Confab starts again on the history on disk; the conversation is closed, the goodbye there
 * once, accepted on this side only, and no receipt went into the closed conversation. */
static ConfabSession *
start_on_closed (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ConfabSession *later;
  ConfabMessage *goodbye;

  f->store = confab_store_new (f->store_path, &error);
  g_assert_no_error (error);
  later = session_fixture_new_session (f);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (later) == CONFAB_SESSION_ONLINE &&
                          confab_session_get_conversation_status (later) == CONFAB_CONVERSATION_CLOSED &&
                          find_theirs (later, "Goodbye!") != NULL, 10000);
  /* longer than the replay's settling and a receipt batch */
  confab_test_spin (600);
  goodbye = find_theirs (later, "Goodbye!");
  g_assert_cmpuint (count_theirs (later, "Goodbye!"), ==, 1);
  g_assert_cmpuint (count_theirs (later, "Hi there"), ==, 1);
  g_assert_true (confab_message_get_accept_sent (goodbye));
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "AcceptStatusEvent"), ==, 0);
  /* nothing asked for a new conversation on its own */
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_REQUEST_CONVERSATION, NULL), ==, 0);
  return later;
}

static void
stop_and_flush (Fixture        *f,
                ConfabSession **session)
{
  confab_session_stop (*session);
  g_clear_object (session);
  confab_store_flush (f->store);
  g_clear_object (&f->store);
}

/* The agent's last words, written and the conversation closed while Confab was not running:
 * the next start learns from the metadata that it is closed, and still fetches them from the
 * closed conversation's dialog, once; a second restart does not bring them twice. */
static void
test_closed_while_not_running (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabSession) later = NULL;
  g_autoptr(ConfabSession) again = NULL;

  session_test_start_conversation (f->session);
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Hi there", &error), >, 0);
  CONFAB_TEST_WAIT_UNTIL (find_theirs (f->session, "Hi there") != NULL &&
                          confab_message_get_accept_sent (find_theirs (f->session, "Hi there")), 10000);
  stop_and_flush (f, &f->session);

  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Goodbye!", &error), >, 0);
  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);
  confab_server_clear_frame_log (f->server);

  later = start_on_closed (f);
  stop_and_flush (f, &later);

  confab_server_clear_frame_log (f->server);
  again = start_on_closed (f);
  g_assert_true (confab_message_get_accept_sent (find_theirs (again, "Goodbye!")));
  confab_session_stop (again);
}

#define ADD(path, func) \
  g_test_add ("/core/session/senders/" path, Fixture, "store", session_fixture_setup, func, \
              session_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("hand-over-named-after-restart", test_hand_over_named_after_restart);
  ADD ("name-arrives-later", test_name_arrives_later);
  ADD ("history-without-names", test_history_without_names);
  ADD ("event-rows", test_event_rows);
  ADD ("no-join-row-without-knowledge", test_no_join_row_without_knowledge);
  ADD ("seen-after-close", test_seen_after_close);
  ADD ("seen-just-before-close", test_seen_just_before_close);
  ADD ("seen-in-replay-after-close", test_seen_in_replay_after_close);
  ADD ("closed-while-not-running", test_closed_while_not_running);

  return g_test_run ();
}
