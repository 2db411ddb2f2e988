/* test-session.c: ConfabSession against the local service, in-process, over real sockets
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "session-test-util.h"
#include "store-test-util.h"

typedef SessionFixture Fixture;

static void
wait_online (ConfabSession *session)
{
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (session) == CONFAB_SESSION_ONLINE, 10000);
}

/* Sequences the consumer published receipts with, one array entry per sequence per frame. */
static GArray *
receipt_sequences (Fixture    *f,
                   const char *status,
                   guint      *n_frames)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_PUBLISH_EVENT, NULL);
  GArray *seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *entries = json_node_get_array (log);

  *n_frames = 0;
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *frame = json_object_get_object_member (json_array_get_object_element (entries, i), "frame");
      JsonObject *body = json_object_get_object_member (frame, "body");
      JsonObject *event = json_object_get_object_member (body, "event");
      JsonArray *list;

      if (g_strcmp0 (json_object_get_string_member (event, "type"), "AcceptStatusEvent") != 0 ||
          g_strcmp0 (json_object_get_string_member (event, "status"), status) != 0)
        continue;
      (*n_frames)++;
      list = json_object_get_array_member (event, "sequenceList");
      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          gint64 s = json_array_get_int_element (list, j);

          g_array_append_val (seqs, s);
        }
    }
  return seqs;
}

static gboolean
has_duplicates (GArray *seqs)
{
  for (guint i = 0; i < seqs->len; i++)
    for (guint j = i + 1; j < seqs->len; j++)
      if (g_array_index (seqs, gint64, i) == g_array_index (seqs, gint64, j))
        return TRUE;
  return FALSE;
}

/* Starts the session and writes the first message, which opens a conversation. */
static ConfabMessage *
start_conversation (Fixture *f)
{
  ConfabMessage *first = session_test_start_conversation (f->session);

  g_assert_cmpint (confab_session_get_conversation_status (f->session), ==, CONFAB_CONVERSATION_OPEN);
  return first;
}

static void
test_states_and_first_message (Fixture       *f,
                               gconstpointer  data)
{
  ConfabMessage *first;

  g_assert_cmpint (confab_session_get_state (f->session), ==, CONFAB_SESSION_OFFLINE);
  g_assert_cmpint (confab_session_get_conversation_status (f->session), ==, CONFAB_CONVERSATION_NONE);
  first = start_conversation (f);

  g_assert_cmpuint (f->states->len, >=, 2);
  g_assert_cmpint (g_array_index (f->states, ConfabSessionState, 0), ==, CONFAB_SESSION_CONNECTING);
  g_assert_cmpint (g_array_index (f->states, ConfabSessionState, f->states->len - 1), ==, CONFAB_SESSION_ONLINE);
  g_assert_nonnull (confab_session_get_consumer_id (f->session));
  g_assert_true (confab_account_get_anonymous (f->account));

  /* one row: the echo of the message did not add a second */
  g_assert_cmpuint (session_test_n_messages (f->session), ==, 1);
  g_assert_true (confab_message_get_own (first));
  g_assert_cmpint (confab_message_get_sequence (first), ==, 0);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_REQUEST_CONVERSATION, NULL), ==, 1);
}

static void
test_offline_delivery (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ConfabSession) later = NULL;
  g_autofree char *conversation = NULL;
  g_autoptr(GError) error = NULL;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_session_stop (f->session);
  g_clear_object (&f->session);

  /* the agent writes while the consumer is away */
  g_assert_cmpint (confab_server_agent_send_text (f->server, conversation, "Are you there?", &error), >=, 0);
  g_assert_cmpint (confab_server_agent_send_text (f->server, conversation, "I found your order.", &error), >=, 0);
  g_assert_no_error (error);

  /* A new session with the same identity finds the open conversation and its history. */
  later = session_fixture_new_session (f);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == 3, 10000);
  g_assert_cmpstr (confab_session_get_conversation_id (later), ==, conversation);
  g_assert_true (confab_message_get_own (session_test_message_at (later, 0)));
  g_assert_false (confab_message_get_own (session_test_message_at (later, 1)));
  g_assert_false (confab_message_get_own (session_test_message_at (later, 2)));
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 2)), ==, "I found your order.");
  g_assert_cmpstr (confab_message_get_originator_id (session_test_message_at (later, 1)), ==,
                   confab_server_get_agent_id (f->server));
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_REQUEST_CONVERSATION, NULL), ==, 1);
  confab_session_stop (later);
}

static void
test_receipts_both_ways (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) accepts = NULL;
  g_autoptr(GArray) reads = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  ConfabMessage *first;
  const char *conversation;
  gint64 seqs[5];
  guint accept_frames = 0, read_frames = 0;

  first = start_conversation (f);
  conversation = confab_session_get_conversation_id (f->session);

  /* Five agent messages in a row: ACCEPT for each, in one batched frame. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("answer %u", i);

      seqs[i] = confab_server_agent_send_text (f->server, conversation, text, &error);
      g_assert_no_error (error);
    }
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 6, 10000);
  CONFAB_TEST_WAIT_UNTIL ((accepts = receipt_sequences (f, "ACCEPT", &accept_frames))->len == 5 ||
                          (g_array_unref (accepts), FALSE), 10000);
  g_assert_cmpuint (accept_frames, ==, 1);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (g_array_index (accepts, gint64, i), ==, seqs[i]);

  /* READ only for what the person saw; own messages never. */
  g_ptr_array_add (seen, first);
  g_ptr_array_add (seen, session_test_message_at (f->session, 1));
  g_ptr_array_add (seen, session_test_message_at (f->session, 2));
  confab_session_mark_read (f->session, seen);
  confab_session_mark_read (f->session, seen);
  CONFAB_TEST_WAIT_UNTIL ((reads = receipt_sequences (f, "READ", &read_frames))->len == 2 ||
                          (g_array_unref (reads), FALSE), 10000);
  confab_test_spin (200);
  g_clear_pointer (&reads, g_array_unref);
  reads = receipt_sequences (f, "READ", &read_frames);
  g_assert_cmpuint (reads->len, ==, 2);
  g_assert_cmpuint (read_frames, ==, 1);
  g_assert_cmpint (g_array_index (reads, gint64, 0), ==, seqs[0]);
  g_assert_true (confab_message_get_read_sent (session_test_message_at (f->session, 1)));

  /* The agent's receipts move the own message forward. */
  confab_server_agent_send_receipt (f->server, conversation, CONFAB_RECEIPT_ACCEPT,
                                    (gint64[]) { confab_message_get_sequence (first) }, 1, &error);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) == CONFAB_DELIVERY_DELIVERED, 10000);
  confab_server_agent_send_receipt (f->server, conversation, CONFAB_RECEIPT_READ,
                                    (gint64[]) { confab_message_get_sequence (first) }, 1, &error);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) == CONFAB_DELIVERY_READ, 10000);
  /* and never back */
  confab_server_agent_send_receipt (f->server, conversation, CONFAB_RECEIPT_ACCEPT,
                                    (gint64[]) { confab_message_get_sequence (first) }, 1, &error);
  confab_test_spin (200);
  g_assert_cmpint (confab_message_get_delivery_state (first), ==, CONFAB_DELIVERY_READ);
  g_assert_no_error (error);
}

static void
test_read_receipts_off (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) reads = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  guint frames = 0;

  start_conversation (f);
  confab_session_set_send_read_receipts (f->session, FALSE);
  confab_server_agent_send_text (f->server, NULL, "hi", &error);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 2, 10000);
  g_ptr_array_add (seen, session_test_message_at (f->session, 1));
  confab_session_mark_read (f->session, seen);
  confab_test_spin (300);
  reads = receipt_sequences (f, "READ", &frames);
  g_assert_cmpuint (frames, ==, 0);
  /* ACCEPT still goes: it says the message reached the device, not that it was read */
  g_clear_pointer (&reads, g_array_unref);
  reads = receipt_sequences (f, "ACCEPT", &frames);
  g_assert_cmpuint (frames, ==, 1);
}

static void
test_reconnect_resumes (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) accepts = NULL;
  ConfabMessage *queued;
  guint frames = 0;
  guint subscribes_before;

  start_conversation (f);
  confab_server_agent_send_text (f->server, NULL, "before the drop", &error);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 2, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_accept_sent (session_test_message_at (f->session, 1)), 10000);
  confab_test_spin (100);
  subscribes_before = session_test_count_frames (f->server, CONFAB_REQ_SUBSCRIBE_MESSAGING, NULL);

  /* The service drops the socket; while the session waits, the agent writes and the person too. */
  confab_server_set_refuse_tokens (f->server, FALSE);
  g_assert_cmpuint (confab_server_drop_consumers (f->server, NULL, 1001, "going away"), ==, 1);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 10000);
  confab_server_agent_send_text (f->server, NULL, "while you were away", &error);
  g_assert_no_error (error);
  queued = confab_session_send_text (f->session, "typed while offline");
  g_assert_cmpint (confab_message_get_delivery_state (queued), ==, CONFAB_DELIVERY_QUEUED);

  wait_online (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (queued) == CONFAB_DELIVERY_SENT, 10000);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 4, 10000);
  g_assert_cmpuint (confab_session_get_reconnects (f->session), >=, 1);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (f->session, 2)), ==, "while you were away");
  g_assert_true (session_test_message_at (f->session, 3) == queued);

  /* resubscribed from the last sequence held + 1 */
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_SUBSCRIBE_MESSAGING, NULL), ==, subscribes_before + 1);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_SUBSCRIBE_MESSAGING, "\"fromSeq\":0"), ==, 1);

  /* every agent message accepted exactly once */
  CONFAB_TEST_WAIT_UNTIL ((accepts = receipt_sequences (f, "ACCEPT", &frames))->len == 2 ||
                          (g_array_unref (accepts), FALSE), 10000);
  g_assert_false (has_duplicates (accepts));
}

static void
test_reconnect_during_replay (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabSession) later = NULL;
  g_autoptr(GArray) accepts = NULL;
  g_autofree char *conversation = NULL;
  guint frames = 0;
  const guint n = 2000;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_session_stop (f->session);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("history %u", i);

      confab_server_agent_send_text (f->server, conversation, text, &error);
      g_assert_no_error (error);
    }
  confab_server_set_replay_chunk_size (f->server, 50);

  later = session_fixture_new_session (f);
  confab_session_start (later);
  /* drop the socket when part of the history has arrived */
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) > 100, 10000);
  g_assert_cmpuint (session_test_n_messages (later), <, n + 1);
  confab_server_drop_consumers (f->server, NULL, 0, NULL);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == n + 1, 20000);
  confab_test_spin (300);
  g_assert_cmpuint (session_test_n_messages (later), ==, n + 1);
  for (guint i = 1; i <= n; i += 199)
    g_assert_cmpint (confab_message_get_sequence (session_test_message_at (later, i)), ==, i);

  CONFAB_TEST_WAIT_UNTIL ((accepts = receipt_sequences (f, "ACCEPT", &frames))->len >= n ||
                          (g_array_unref (accepts), FALSE), 20000);
  g_assert_cmpuint (accepts->len, ==, n);
  g_assert_false (has_duplicates (accepts));
  confab_session_stop (later);
}

static void
test_replay_items_changed (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabSession) later = NULL;
  g_autofree char *conversation = NULL;
  ConfabMessageList *list;
  const guint n = 10000;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_session_stop (f->session);
  for (guint i = 0; i < n; i++)
    confab_server_agent_send_text (f->server, conversation, "x", &error);
  g_assert_no_error (error);
  /* the service sends at most 200 events or 96 KiB a notification */

  later = session_fixture_new_session (f);
  list = confab_session_get_messages (later);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == n + 1, 30000);
  /* one items-changed per notification, not per message: 10,001 events in at least 51
   * notifications; one signal each, and never more than a handful beyond that */
  g_assert_cmpuint (confab_message_list_get_n_items_changed (list), >=, 1);
  g_assert_cmpuint (confab_message_list_get_n_items_changed (list), <=, (n + 1) / 200 + 10);
  g_test_message ("10,001 events replayed with %u items-changed signals",
                  confab_message_list_get_n_items_changed (list));
  confab_session_stop (later);
}

static void
test_agent_closes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autofree char *old_conversation = NULL;
  ConfabMessage *after;
  guint frames = 0;
  g_autoptr(GArray) reads = NULL;

  start_conversation (f);
  old_conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_server_agent_send_text (f->server, NULL, "Anything else?", &error);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 2, 10000);
  g_assert_true (confab_server_agent_close (f->server, old_conversation, CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 10000);
  g_assert_cmpint (confab_session_get_close_reason (f->session), ==, CONFAB_CLOSE_REASON_AGENT);

  /* nothing into the closed conversation */
  g_ptr_array_add (seen, session_test_message_at (f->session, 1));
  confab_session_mark_read (f->session, seen);
  confab_test_spin (200);
  reads = receipt_sequences (f, "READ", &frames);
  g_assert_cmpuint (frames, ==, 0);

  /* writing again starts a new conversation */
  after = confab_session_send_text (f->session, "One more thing");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (after) == CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpstr (confab_session_get_conversation_id (f->session), !=, old_conversation);
  g_assert_cmpint (confab_session_get_conversation_status (f->session), ==, CONFAB_CONVERSATION_OPEN);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_REQUEST_CONVERSATION, NULL), ==, 2);
}

static void
test_consumer_closes (Fixture       *f,
                      gconstpointer  data)
{
  start_conversation (f);
  confab_session_close_conversation (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 10000);
  g_assert_cmpint (confab_session_get_close_reason (f->session), ==, CONFAB_CLOSE_REASON_CONSUMER);
  confab_session_new_conversation (f->session);
  g_assert_cmpint (confab_session_get_conversation_status (f->session), ==, CONFAB_CONVERSATION_NONE);
}

static void
test_typing (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  start_conversation (f);

  g_assert_true (confab_server_agent_set_typing (f->server, NULL, CONFAB_CHAT_STATE_COMPOSING, &error));
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_agent_typing (f->session), 10000);
  confab_server_agent_send_text (f->server, NULL, "done typing", &error);
  CONFAB_TEST_WAIT_UNTIL (!confab_session_get_agent_typing (f->session), 10000);
  g_assert_no_error (error);

  /* The person types: one COMPOSING however many keys, ACTIVE after the pause. */
  confab_session_set_typing (f->session, TRUE);
  confab_session_set_typing (f->session, TRUE);
  confab_session_set_typing (f->session, TRUE);
  CONFAB_TEST_WAIT_UNTIL (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"ACTIVE\"") == 1, 10000);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"COMPOSING\""), ==, 1);
}

static void
test_agent_name (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  start_conversation (f);
  g_assert_true (confab_server_agent_accept (f->server, NULL, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_agent_nickname (f->session) != NULL, 10000);
  g_assert_cmpstr (confab_session_get_agent_id (f->session), ==, confab_server_get_agent_id (f->server));
}

static void
test_anonymous_signs_up_again (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *first_consumer = NULL;

  start_conversation (f);
  first_consumer = g_strdup (confab_session_get_consumer_id (f->session));

  /* 4407: the anonymous identity expired: sign up again and carry on */
  confab_server_drop_consumers (f->server, NULL, 4407, "identity expired");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 10000);
  wait_online (f->session);
  g_assert_cmpstr (confab_session_get_consumer_id (f->session), !=, first_consumer);
}

static void
test_refused_token (Fixture       *f,
                    gconstpointer  data)
{
  start_conversation (f);

  /* tokens refused for good: one fresh signup, then stop and say why (no busy loop) */
  confab_server_set_refuse_tokens (f->server, TRUE);
  confab_server_drop_consumers (f->server, NULL, 4401, "token expired");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_SIGNED_OUT, 10000);
  g_assert_nonnull (confab_session_get_signed_out_reason (f->session));
  confab_test_spin (300);
  g_assert_cmpint (confab_session_get_state (f->session), ==, CONFAB_SESSION_SIGNED_OUT);
}

static void
test_given_token_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *token = confab_server_issue_token (f->server, NULL, NULL, 3600);

  /* A token the person gave (LP_JWT) is not replaced behind their back. */
  confab_account_set_jwt (f->account, token);
  confab_server_set_refuse_tokens (f->server, TRUE);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_SIGNED_OUT, 10000);
  g_assert_false (confab_account_get_anonymous (f->account));
  g_assert_cmpuint (confab_session_get_reconnects (f->session), ==, 0);
}

/* 1011 is the service's internal error, not a verdict on the token: reconnect with the same
 * identity after back-off, and what is typed meanwhile goes out. */
static void
test_server_error_reconnects (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *consumer = NULL;
  guint reconnects;
  ConfabMessage *message;

  start_conversation (f);
  consumer = g_strdup (confab_session_get_consumer_id (f->session));
  reconnects = confab_session_get_reconnects (f->session);

  confab_server_drop_consumers (f->server, NULL, 1011, "internal error");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 10000);
  message = confab_session_send_text (f->session, "typed after the error");
  wait_online (f->session);
  g_assert_cmpuint (confab_session_get_reconnects (f->session), >, reconnects);
  g_assert_cmpstr (confab_session_get_consumer_id (f->session), ==, consumer);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_sequence (message) >= 0, 10000);

  /* and again: a second 1011 is no more final than the first */
  confab_server_drop_consumers (f->server, NULL, 1011, NULL);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 10000);
  wait_online (f->session);
  g_assert_cmpstr (confab_session_get_consumer_id (f->session), ==, consumer);
}

/* After a 1011 the retry's upgrade is refused: only now is the token the problem. */
static void
test_server_error_then_refused (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *token = confab_server_issue_token (f->server, NULL, NULL, 3600);

  confab_account_set_jwt (f->account, token);
  confab_session_start (f->session);
  wait_online (f->session);
  g_assert_cmpuint (confab_session_get_reconnects (f->session), ==, 0);

  confab_server_set_refuse_tokens (f->server, TRUE);
  confab_server_drop_consumers (f->server, NULL, 1011, NULL);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_SIGNED_OUT, 10000);
  /* one retry with the same token was made, and it was that refusal that signed out */
  g_assert_cmpuint (confab_session_get_reconnects (f->session), ==, 1);
  g_assert_nonnull (confab_session_get_signed_out_reason (f->session));
  g_assert_false (confab_account_get_anonymous (f->account));
  confab_test_spin (300);
  g_assert_cmpint (confab_session_get_state (f->session), ==, CONFAB_SESSION_SIGNED_OUT);
}

static void
test_backoff_when_service_gone (Fixture       *f,
                                gconstpointer  data)
{
  gint64 next;

  start_conversation (f);
  confab_server_shutdown (f->server);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
  next = confab_session_get_next_retry (f->session);
  g_assert_cmpint (next, >, g_get_real_time ());
  /* capped at 400 ms here; a few tries pass, each waiting again */
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_reconnects (f->session) >= 3, 10000);
  g_assert_cmpint (confab_session_get_state (f->session), !=, CONFAB_SESSION_ONLINE);
  g_assert_cmpint (confab_session_get_state (f->session), !=, CONFAB_SESSION_SIGNED_OUT);
}

static void
test_echo_then_drop_sends_once (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ConfabMessage *message;
  gint64 sequence;

  start_conversation (f);

  /* The service stores the message and echoes it, but its answer is slow; the socket goes
   * before the answer comes. The message must not be published again. */
  confab_server_set_response_delay (f->server, 3000);
  message = confab_session_send_text (f->session, "only once, please");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_sequence (message) >= 0, 10000);
  sequence = confab_message_get_sequence (message);
  confab_server_drop_consumers (f->server, NULL, 1001, NULL);
  confab_server_set_response_delay (f->server, 0);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 10000);
  wait_online (f->session);
  confab_test_spin (800);

  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "only once, please"), ==, 1);
  g_assert_cmpuint (session_test_n_messages (f->session), ==, 2);
  g_assert_cmpint (confab_message_get_delivery_state (message), ==, CONFAB_DELIVERY_SENT);

  /* and the agent's receipt for it still lands on the right row */
  confab_server_agent_send_receipt (f->server, NULL, CONFAB_RECEIPT_READ, &sequence, 1, &error);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (message) == CONFAB_DELIVERY_READ, 10000);
}

static void
test_lost_before_stored_sent_after_reconnect (Fixture       *f,
                                              gconstpointer  data)
{
  ConfabMessage *message;

  start_conversation (f);

  /* Tokens refused for a moment: the session waits and retries; a message written meanwhile is
   * queued and goes once, after the replay has settled. */
  confab_server_drop_consumers (f->server, NULL, 1001, NULL);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 10000);
  message = confab_session_send_text (f->session, "written while away");
  wait_online (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (message) == CONFAB_DELIVERY_SENT, 10000);
  confab_test_spin (500);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "written while away"), ==, 1);
  g_assert_cmpuint (session_test_n_messages (f->session), ==, 2);
}

static void
test_busy_service_retried (Fixture       *f,
                           gconstpointer  data)
{
  ConfabMessage *message;
  gint64 start;

  start_conversation (f);

  /* 503 twice, then the service takes it: published three times, a row once, sent. */
  confab_server_fail_requests (f->server, CONFAB_REQ_PUBLISH_EVENT, 503, 2);
  start = g_get_monotonic_time ();
  message = confab_session_send_text (f->session, "are you busy?");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (message) == CONFAB_DELIVERY_SENT, 15000);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "are you busy?"), ==, 3);
  /* with growing pauses: 1 s, then 2 s */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (session_test_n_messages (f->session), ==, 2);

  /* a 4xx is not retried */
  confab_server_fail_requests (f->server, CONFAB_REQ_PUBLISH_EVENT, 403, 1);
  message = confab_session_send_text (f->session, "forbidden words");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (message) == CONFAB_DELIVERY_FAILED, 10000);
  confab_test_spin (300);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "forbidden words"), ==, 1);

  /* and Retry sends it again */
  confab_session_retry_message (f->session, message);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (message) == CONFAB_DELIVERY_SENT, 10000);
}

static guint
count_in_state (Fixture    *f,
                const char *needle)
{
  g_autoptr(JsonNode) state = confab_server_dup_state (f->server);
  g_autofree char *text = json_to_string (state, FALSE);
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p++)
    n++;
  return n;
}

static void
test_restart_shows_history_then_catches_up (Fixture       *f,
                                            gconstpointer  data)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *conversation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autoptr(ConfabSession) later = NULL;
  g_autoptr(GArray) accepts = NULL;
  guint frames = 0;

  g_assert_no_error (error);
  confab_session_set_store (f->session, store);
  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_server_agent_send_text (f->server, NULL, "first answer", &error);
  confab_server_agent_send_text (f->server, NULL, "second answer", &error);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 3, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_accept_sent (session_test_message_at (f->session, 2)), 10000);
  confab_test_spin (200);

  /* Confab quits; the agent writes once more meanwhile. */
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_clear_object (&store);
  confab_server_agent_send_text (f->server, conversation, "while Confab was closed", &error);
  g_assert_no_error (error);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  later = session_fixture_new_session (f);
  confab_session_set_store (later, store);
  confab_session_start (later);

  /* The history is there before the socket is: the restored rows come first. */
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) >= 3, 10000);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 2)), ==, "second answer");
  g_assert_true (confab_message_get_own (session_test_message_at (later, 0)));

  /* then it catches up from the last sequence held, and nothing comes twice */
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == 4, 10000);
  g_assert_cmpstr (confab_session_get_conversation_id (later), ==, conversation);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 3)), ==, "while Confab was closed");
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_SUBSCRIBE_MESSAGING, "\"fromSeq\":0"), ==, 1);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_REQUEST_CONVERSATION, NULL), ==, 1);
  CONFAB_TEST_WAIT_UNTIL ((accepts = receipt_sequences (f, "ACCEPT", &frames))->len == 3 ||
                          (g_array_unref (accepts), FALSE), 10000);
  confab_test_spin (300);
  g_clear_pointer (&accepts, g_array_unref);
  accepts = receipt_sequences (f, "ACCEPT", &frames);
  g_assert_cmpuint (accepts->len, ==, 3);
  g_assert_false (has_duplicates (accepts));

  confab_session_stop (later);
  g_clear_object (&later);
  g_clear_object (&store);
  store_test_remove_db (path);
}

/* An ACCEPT the service did not take is not remembered as sent: the next run sends it. */
static void
test_unanswered_accept_sent_after_restart (Fixture       *f,
                                           gconstpointer  data)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autoptr(ConfabSession) later = NULL;
  g_autoptr(GArray) accepts = NULL;
  gint64 sequence;
  guint frames = 0;

  g_assert_no_error (error);
  confab_session_set_store (f->session, store);
  start_conversation (f);

  /* the ACCEPT for this answer meets a failing service */
  confab_server_fail_requests (f->server, CONFAB_REQ_PUBLISH_EVENT, 503, 1);
  sequence = confab_server_agent_send_text (f->server, NULL, "answered while the service failed", &error);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"ACCEPT\"") == 1, 10000);
  confab_test_spin (300);
  accepts = receipt_sequences (f, "ACCEPT", &frames);
  g_assert_cmpuint (frames, ==, 1);
  g_clear_pointer (&accepts, g_array_unref);

  confab_session_stop (f->session);
  g_clear_object (&f->session);
  confab_store_flush (store);
  g_clear_object (&store);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  later = session_fixture_new_session (f);
  confab_session_set_store (later, store);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"ACCEPT\"") == 2, 10000);
  accepts = receipt_sequences (f, "ACCEPT", &frames);
  g_assert_cmpuint (frames, ==, 2);
  g_assert_cmpint (g_array_index (accepts, gint64, accepts->len - 1), ==, sequence);

  confab_session_stop (later);
  g_clear_object (&later);
  g_clear_object (&store);
  store_test_remove_db (path);
}

static void
test_outbox_survives_restart (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autoptr(ConfabSession) later = NULL;
  ConfabMessage *waiting;
  guint n;

  g_assert_no_error (error);
  confab_session_set_store (f->session, store);
  start_conversation (f);

  /* The service is failing when the person writes; Confab quits before it recovers. */
  confab_server_fail_requests (f->server, CONFAB_REQ_PUBLISH_EVENT, 503, 1000);
  waiting = confab_session_send_text (f->session, "do not lose me");
  CONFAB_TEST_WAIT_UNTIL (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "do not lose me") >= 1, 10000);
  g_assert_cmpint (confab_message_get_delivery_state (waiting), <, CONFAB_DELIVERY_SENT);
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_clear_object (&store);
  confab_server_fail_requests (f->server, NULL, 503, 0);

  /* Next start: the message is back, queued, and goes once. */
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  later = session_fixture_new_session (f);
  confab_session_set_store (later, store);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == 2, 10000);
  waiting = session_test_message_at (later, 1);
  g_assert_cmpstr (confab_message_get_text (waiting), ==, "do not lose me");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (waiting) == CONFAB_DELIVERY_SENT, 15000);
  confab_test_spin (300);
  g_assert_cmpuint (session_test_n_messages (later), ==, 2);
  n = count_in_state (f, "do not lose me");
  g_assert_cmpuint (n, ==, 1);

  /* and once sent it is out of the stored outbox */
  confab_session_stop (later);
  g_clear_object (&later);
  g_clear_object (&store);
  store = confab_store_new (path, &error);
  {
    g_autoptr(ConfabSession) third = session_fixture_new_session (f);

    confab_session_set_store (third, store);
    confab_session_start (third);
    wait_online (third);
    confab_test_spin (500);
    g_assert_cmpuint (session_test_n_messages (third), ==, 2);
    g_assert_cmpint (confab_message_get_delivery_state (session_test_message_at (third, 1)), >=, CONFAB_DELIVERY_SENT);
    confab_session_stop (third);
  }
  g_clear_object (&store);
  store_test_remove_db (path);
}

static void
test_offline_start_keeps_everything (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autoptr(ConfabSession) later = NULL;
  ConfabMessage *first, *offline;

  /* A person with a token of their own (LP_JWT) */
  g_assert_no_error (error);
  token = confab_server_issue_token (f->server, NULL, NULL, 3600);
  confab_account_set_jwt (f->account, token);
  confab_session_set_store (f->session, store);
  first = start_conversation (f);
  g_assert_nonnull (first);
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_clear_object (&store);

  /* Next start with no service at all: the history shows, and what is written is kept. */
  confab_server_shutdown (f->server);
  store = confab_store_new (path, &error);
  later = session_fixture_new_session (f);
  confab_session_set_store (later, store);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == 1, 10000);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 0)), ==, "Hello, I need help");
  offline = confab_session_send_text (later, "written with no network");
  g_assert_cmpint (confab_message_get_delivery_state (offline), ==, CONFAB_DELIVERY_QUEUED);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (later) == CONFAB_SESSION_WAITING, 10000);
  confab_session_stop (later);
  g_clear_object (&later);
  g_clear_object (&store);

  store = confab_store_new (path, &error);
  later = session_fixture_new_session (f);
  confab_session_set_store (later, store);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == 2, 10000);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 1)), ==, "written with no network");
  g_assert_cmpint (confab_message_get_delivery_state (session_test_message_at (later, 1)), ==, CONFAB_DELIVERY_QUEUED);
  confab_session_stop (later);
  g_clear_object (&later);
  g_clear_object (&store);
  store_test_remove_db (path);
}

static void
test_new_identity_keeps_queue_once (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autofree char *first_consumer = NULL;
  ConfabMessage *waiting;
  guint rows_with_text = 0;

  /* A message waits (the service is failing) when the anonymous identity expires: Confab
   * signs up again, saves the queue under the new identity and reads that identity's
   * history, which holds the very same message. It must stay one message. */
  g_assert_no_error (error);
  confab_session_set_store (f->session, store);
  start_conversation (f);
  first_consumer = g_strdup (confab_session_get_consumer_id (f->session));
  confab_server_fail_requests (f->server, CONFAB_REQ_PUBLISH_EVENT, 503, 1);
  waiting = confab_session_send_text (f->session, "still waiting");
  CONFAB_TEST_WAIT_UNTIL (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "still waiting") == 1, 10000);
  confab_server_drop_consumers (f->server, NULL, 4407, "identity expired");
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (confab_session_get_consumer_id (f->session), first_consumer) != 0, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (waiting) == CONFAB_DELIVERY_SENT, 15000);
  confab_test_spin (500);

  for (guint i = 0; i < session_test_n_messages (f->session); i++)
    if (g_strcmp0 (confab_message_get_text (session_test_message_at (f->session, i)), "still waiting") == 0)
      rows_with_text++;
  g_assert_cmpuint (rows_with_text, ==, 1);
  g_assert_cmpuint (count_in_state (f, "still waiting"), ==, 1);

  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_clear_object (&store);
  store_test_remove_db (path);
}

#define LONG_HISTORY (2 * CONFAB_STORE_PAGE_SIZE + 15)

static guint
count_in (GArray *seqs,
          gint64  sequence)
{
  guint n = 0;

  for (guint i = 0; i < seqs->len; i++)
    n += g_array_index (seqs, gint64, i) == sequence;
  return n;
}

/* How many times the consumer acknowledged the sequence. */
static guint
accepts_for (Fixture *f,
             gint64   sequence)
{
  guint frames = 0;
  g_autoptr(GArray) accepts = receipt_sequences (f, "ACCEPT", &frames);

  return count_in (accepts, sequence);
}

static void
page_cb (GListModel *model,
         guint       position,
         guint       removed,
         guint       added,
         guint      *signals)
{
  (*signals)++;
}

/* More than a page of history: a restart shows the newest page only, resumes the dialog
 * after the last event on disk, acknowledges an old answer whose ACCEPT never got through
 * exactly once, and the older pages bring the rest in order, each message once, with the
 * receipts that came for them meanwhile. */
static void
test_restart_pages_history (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *conversation = NULL;
  g_autofree char *from = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autoptr(ConfabSession) later = NULL;
  ConfabMessageList *list;
  gint64 unacknowledged, highest = -1, own_first;
  guint signals = 0, pages = 0;

  g_assert_no_error (error);
  confab_session_set_store (f->session, store);
  own_first = confab_message_get_sequence (start_conversation (f));
  conversation = g_strdup (confab_session_get_conversation_id (f->session));

  /* the ACCEPT of the first answer meets a failing service and is not tried again */
  confab_server_fail_requests (f->server, CONFAB_REQ_PUBLISH_EVENT, 503, 1);
  unacknowledged = confab_server_agent_send_text (f->server, NULL, "answer 0", &error);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (session_test_count_frames (f->server, CONFAB_REQ_PUBLISH_EVENT, "\"ACCEPT\"") == 1, 10000);
  for (guint i = 1; i < LONG_HISTORY; i++)
    {
      g_autofree char *text = g_strdup_printf ("answer %u", i);

      confab_server_agent_send_text (f->server, NULL, text, &error);
      g_assert_no_error (error);
    }
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == LONG_HISTORY + 1, 20000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_accept_sent (session_test_message_at (f->session, LONG_HISTORY)), 10000);
  g_assert_false (confab_message_get_accept_sent (session_test_message_at (f->session, 1)));
  for (guint i = 0; i < session_test_n_messages (f->session); i++)
    highest = MAX (highest, confab_message_get_sequence (session_test_message_at (f->session, i)));
  confab_test_spin (200);

  /* Confab quits; meanwhile the agent reads the first message and writes once more. */
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_clear_object (&store);
  confab_server_agent_send_receipt (f->server, conversation, CONFAB_RECEIPT_READ, &own_first, 1, &error);
  g_assert_no_error (error);
  confab_server_agent_send_text (f->server, conversation, "while Confab was closed", &error);
  g_assert_no_error (error);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  later = session_fixture_new_session (f);
  list = confab_session_get_messages (later);
  g_signal_connect (list, "items-changed", G_CALLBACK (page_cb), &signals);
  confab_session_set_store (later, store);
  g_assert_true (confab_session_get_loading_history (later));
  confab_session_start (later);

  /* the newest page comes first, alone */
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) > 0, 10000);
  g_assert_false (confab_session_get_loading_history (later));
  g_assert_cmpuint (session_test_n_messages (later), ==, CONFAB_STORE_PAGE_SIZE);
  g_assert_true (confab_message_list_get_has_older (list));
  {
    g_autofree char *text = g_strdup_printf ("answer %u", LONG_HISTORY - CONFAB_STORE_PAGE_SIZE);

    g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 0)), ==, text);
  }

  /* then the dialog resumes after the last event on disk */
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == CONFAB_STORE_PAGE_SIZE + 1, 10000);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, CONFAB_STORE_PAGE_SIZE)), ==, "while Confab was closed");
  from = g_strdup_printf ("\"fromSeq\":%" G_GINT64_FORMAT "}", highest + 1);
  g_assert_cmpuint (session_test_count_frames (f->server, CONFAB_REQ_SUBSCRIBE_MESSAGING, from), ==, 1);

  /* the old answer not acknowledged: its ACCEPT goes now (the failed one was the first) */
  CONFAB_TEST_WAIT_UNTIL (accepts_for (f, unacknowledged) == 2, 10000);
  /* and not again after a reconnect */
  confab_server_drop_consumers (f->server, NULL, 1011, "server error");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_reconnects (later) > 0 &&
                          confab_session_get_state (later) == CONFAB_SESSION_ONLINE, 10000);
  confab_test_spin (800);
  g_assert_cmpuint (accepts_for (f, unacknowledged), ==, 2);

  /* The rest, a page at a time; asking again while one is on its way does nothing. */
  signals = 0;
  while (confab_message_list_get_has_older (list))
    {
      confab_session_load_older (later);
      g_assert_true (confab_session_get_loading_older (later));
      confab_session_load_older (later);
      CONFAB_TEST_WAIT_UNTIL (!confab_session_get_loading_older (later), 10000);
      pages++;
      g_assert_cmpuint (signals, ==, pages);
    }
  g_assert_cmpuint (pages, ==, 2);
  confab_session_load_older (later);
  g_assert_false (confab_session_get_loading_older (later));
  g_assert_cmpuint (session_test_n_messages (later), ==, LONG_HISTORY + 2);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 0)), ==, "Hello, I need help");
  for (guint i = 0; i < LONG_HISTORY; i++)
    {
      g_autofree char *text = g_strdup_printf ("answer %u", i);

      g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, i + 1)), ==, text);
    }
  for (guint i = 1; i < session_test_n_messages (later); i++)
    g_assert_cmpint (confab_message_get_sequence (session_test_message_at (later, i - 1)), <,
                     confab_message_get_sequence (session_test_message_at (later, i)));
  /* what happened to the rows while they were not loaded */
  g_assert_cmpint (confab_message_get_delivery_state (session_test_message_at (later, 0)), ==, CONFAB_DELIVERY_READ);
  g_assert_true (confab_message_get_accept_sent (session_test_message_at (later, 1)));
  g_assert_cmpint (confab_message_get_sequence (session_test_message_at (later, 1)), ==, unacknowledged);
  confab_test_spin (300);
  g_assert_cmpuint (accepts_for (f, unacknowledged), ==, 2);

  confab_session_stop (later);
  g_clear_object (&later);

  /* and on disk: the next run has nothing to acknowledge */
  {
    g_autoptr(ConfabSession) third = session_fixture_new_session (f);

    confab_session_set_store (third, store);
    confab_session_start (third);
    wait_online (third);
    confab_test_spin (800);
    g_assert_cmpuint (accepts_for (f, unacknowledged), ==, 2);
    confab_session_stop (third);
  }
  g_clear_object (&store);
  store_test_remove_db (path);
}

/* An anonymous consumer gets its identity from the signup: until then the history of the
 * identity the account used last shows, even with no service at all. A signup that gives
 * another identity keeps the rows shown but none of the old conversation. */
static void
test_anonymous_restart_shows_last_identity (Fixture       *f,
                                            gconstpointer  data)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *first_consumer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autoptr(ConfabAccount) fresh = NULL;
  g_autoptr(ConfabSession) later = NULL;

  g_assert_no_error (error);
  confab_session_set_store (f->session, store);
  start_conversation (f);
  first_consumer = g_strdup (confab_session_get_consumer_id (f->session));
  confab_server_agent_send_text (f->server, NULL, "an answer", &error);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (f->session) == 2, 10000);
  confab_session_stop (f->session);
  g_clear_object (&f->session);

  /* With the service: a new signup, a new identity; the old rows stay on screen. */
  fresh = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (f->server));
  confab_account_set_csds (fresh, f->base_url);
  later = confab_session_new (fresh, NULL);
  confab_session_set_store (later, store);
  confab_session_start (later);
  wait_online (later);
  g_assert_cmpstr (confab_session_get_consumer_id (later), !=, first_consumer);
  g_assert_cmpuint (session_test_n_messages (later), ==, 2);
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 1)), ==, "an answer");
  g_assert_null (confab_session_get_conversation_id (later));
  confab_session_stop (later);
  g_clear_object (&later);
  g_clear_object (&fresh);

  /* Without: the history shows all the same, before any identity. */
  confab_server_shutdown (f->server);
  fresh = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (f->server));
  confab_account_set_csds (fresh, f->base_url);
  later = confab_session_new (fresh, NULL);
  confab_session_set_timings (later, 30, 5000, 5000, 200);
  confab_session_set_store (later, store);
  confab_session_start (later);
  CONFAB_TEST_WAIT_UNTIL (session_test_n_messages (later) == 2, 10000);
  g_assert_null (confab_session_get_consumer_id (later));
  g_assert_false (confab_session_get_loading_history (later));
  g_assert_cmpstr (confab_message_get_text (session_test_message_at (later, 0)), ==, "Hello, I need help");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (later) == CONFAB_SESSION_WAITING, 10000);
  confab_session_stop (later);
  g_clear_object (&later);

  g_clear_object (&store);
  store_test_remove_db (path);
}

/* Stands in for the operating system's network state, which a test cannot switch. */
typedef struct { GObject parent_instance; } TestMonitor;
typedef struct { GObjectClass parent_class; } TestMonitorClass;

static void test_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_monitor_initable_init (GInitableIface *iface);
static GType test_monitor_get_type (void);
G_DEFINE_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_monitor_initable_init)
                         G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_monitor_iface_init))

static gboolean
test_monitor_initable (GInitable     *initable,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable;
}

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  switch (prop_id)
    {
    case 1: g_value_set_boolean (value, TRUE); break;      /* network-available */
    case 2: g_value_set_boolean (value, FALSE); break;     /* network-metered */
    case 3: g_value_set_enum (value, G_NETWORK_CONNECTIVITY_FULL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, 1, "network-available");
  g_object_class_override_property (object_class, 2, "network-metered");
  g_object_class_override_property (object_class, 3, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

static void
test_network_back (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GObject) monitor = g_object_new (test_monitor_get_type (), NULL);
  guint reconnects;

  /* a long back-off, so only the network coming back can explain a quick return */
  confab_session_set_timings (f->session, 30, 60000, 60000, 200);
  confab_session_set_network_monitor (f->session, G_NETWORK_MONITOR (monitor));
  start_conversation (f);
  confab_server_drop_consumers (f->server, NULL, 1001, NULL);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
  g_assert_cmpint (confab_session_get_next_retry (f->session), >, g_get_real_time () + 20 * G_USEC_PER_SEC);
  reconnects = confab_session_get_reconnects (f->session);

  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  wait_online (f->session);
  g_assert_cmpuint (confab_session_get_reconnects (f->session), ==, reconnects + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/core/session/" path, Fixture, NULL, session_fixture_setup, func, session_fixture_teardown)
  ADD ("states-and-first-message", test_states_and_first_message);
  ADD ("offline-delivery", test_offline_delivery);
  ADD ("receipts-both-ways", test_receipts_both_ways);
  ADD ("read-receipts-off", test_read_receipts_off);
  ADD ("reconnect-resumes", test_reconnect_resumes);
  ADD ("reconnect-during-replay", test_reconnect_during_replay);
  ADD ("replay-items-changed", test_replay_items_changed);
  ADD ("agent-closes", test_agent_closes);
  ADD ("consumer-closes", test_consumer_closes);
  ADD ("typing", test_typing);
  ADD ("agent-name", test_agent_name);
  ADD ("anonymous-signs-up-again", test_anonymous_signs_up_again);
  ADD ("refused-token", test_refused_token);
  ADD ("given-token-refused", test_given_token_refused);
  ADD ("server-error-reconnects", test_server_error_reconnects);
  ADD ("server-error-then-refused", test_server_error_then_refused);
  ADD ("backoff-when-service-gone", test_backoff_when_service_gone);
  ADD ("network-back", test_network_back);
  ADD ("busy-service-retried", test_busy_service_retried);
  ADD ("restart-shows-history-then-catches-up", test_restart_shows_history_then_catches_up);
  ADD ("outbox-survives-restart", test_outbox_survives_restart);
  ADD ("unanswered-accept-sent-after-restart", test_unanswered_accept_sent_after_restart);
  ADD ("offline-start-keeps-everything", test_offline_start_keeps_everything);
  ADD ("restart-pages-history", test_restart_pages_history);
  ADD ("anonymous-restart-shows-last-identity", test_anonymous_restart_shows_last_identity);
  ADD ("new-identity-keeps-queue-once", test_new_identity_keeps_queue_once);
  ADD ("echo-then-drop-sends-once", test_echo_then_drop_sends_once);
  ADD ("lost-before-stored-sent-after-reconnect", test_lost_before_stored_sent_after_reconnect);
#undef ADD

  return g_test_run ();
}
