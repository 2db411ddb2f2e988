/* test-session-survey.c: the post-conversation survey, against the local service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With post-survey on, closing the main dialog opens a survey dialog: the session follows it,
 * shows its questions, sends the chosen answers there, and ends it (completed or skipped).
 */
#include "config.h"

#include <string.h>

#include "store-test-util.h"
#include "session-test-util.h"
#include "confab-session.h"
#include "confab-server.h"
#include "confab-agent-content.h"

typedef struct
{
  ConfabServer *server;
  char *base_url;
  ConfabAccount *account;
  ConfabSession *session;
  char *store_path;
  ConfabStore *store;
  char *state_path;           /* the service's state file, for a service started again */
  GPtrArray *survey_events;   /* of JsonNode: {"sequence","event","metadata"} from survey-event */
  guint survey_ended;
} Fixture;

static ConfabSession *
new_session (Fixture *f)
{
  return session_test_session_new (f->account, f->store);
}

static void
survey_event_cb (ConfabServer *server,
                 const char   *conversation_id,
                 gint64        sequence,
                 JsonNode     *event,
                 JsonNode     *metadata,
                 Fixture      *f)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sequence");
  json_builder_add_int_value (builder, sequence);
  json_builder_set_member_name (builder, "event");
  json_builder_add_value (builder, json_node_copy (event));
  json_builder_set_member_name (builder, "metadata");
  json_builder_add_value (builder, metadata != NULL ? json_node_copy (metadata) : json_node_new (JSON_NODE_NULL));
  json_builder_end_object (builder);
  g_ptr_array_add (f->survey_events, json_builder_get_root (builder));
}

static void
survey_ended_cb (ConfabServer *server,
                 const char   *conversation_id,
                 Fixture      *f)
{
  f->survey_ended++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = confab_server_new ();
  confab_server_set_post_survey (f->server, data == NULL || strstr (data, "off") == NULL);
  if (data != NULL && strstr (data, "state") != NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("confab-survey-XXXXXX", &error);

      g_assert_no_error (error);
      f->state_path = g_build_filename (dir, "state.json", NULL);
      g_assert_true (confab_server_load_state (f->server, f->state_path, &error));
      g_assert_no_error (error);
    }
  g_assert_true (confab_server_listen (f->server, 0, &error));
  g_assert_no_error (error);
  f->base_url = confab_server_dup_base_url (f->server);
  f->account = session_test_account_new (f->server);
  if (data != NULL && strstr (data, "store") != NULL)
    {
      f->store_path = store_test_temp_db ();
      f->store = confab_store_new (f->store_path, &error);
      g_assert_no_error (error);
    }
  f->survey_events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_signal_connect (f->server, "survey-event", G_CALLBACK (survey_event_cb), f);
  g_signal_connect (f->server, "survey-ended", G_CALLBACK (survey_ended_cb), f);
  f->session = new_session (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->session != NULL)
    confab_session_stop (f->session);
  g_clear_object (&f->session);
  if (f->store != NULL)
    confab_store_flush (f->store);
  g_clear_object (&f->store);
  if (f->store_path != NULL)
    store_test_remove_db (f->store_path);
  g_free (f->store_path);
  g_clear_object (&f->account);
  g_signal_handlers_disconnect_by_data (f->server, f);
  confab_server_shutdown (f->server);
  g_clear_object (&f->server);
  g_free (f->base_url);
  g_clear_pointer (&f->survey_events, g_ptr_array_unref);
  if (f->state_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (f->state_path);
      g_autofree char *backup = g_strconcat (f->state_path, "~", NULL);

      g_unlink (f->state_path);
      g_unlink (backup);
      g_assert_cmpint (g_rmdir (dir), ==, 0);
      g_clear_pointer (&f->state_path, g_free);
    }
  session_test_drain ();
}

/* Rows of the list */

static ConfabMessage *
last_row (ConfabSession *session)
{
  return session_test_row_at (session, session_test_n_rows (session) - 1);
}

/* The newest message of the agent's in dialog_id, or NULL. */
static ConfabMessage *
newest_question (ConfabSession *session,
                 const char    *dialog_id)
{
  for (guint i = session_test_n_rows (session); i > 0; i--)
    {
      ConfabMessage *m = session_test_row_at (session, i - 1);

      if (!confab_message_is_event (m) && !confab_message_get_own (m) &&
          g_strcmp0 (confab_message_get_dialog_id (m), dialog_id) == 0)
        return m;
    }
  return NULL;
}

static guint
count_event_rows (ConfabSession      *session,
                  ConfabMessageEvent  event)
{
  guint n = 0;

  for (guint i = 0; i < session_test_n_rows (session); i++)
    n += confab_message_get_event (session_test_row_at (session, i)) == event;
  return n;
}

/* The service's frames */

/* The frames of a type the consumer sent, oldest first (transfer full). */
static GPtrArray *
frames_of (Fixture    *f,
           const char *type)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, type, NULL);
  JsonArray *entries = json_node_get_array (log);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    g_ptr_array_add (frames, json_node_copy (json_object_get_member (json_array_get_object_element (entries, i),
                                                                     "frame")));
  return frames;
}

static JsonObject *
frame_body (JsonNode *frame)
{
  return json_object_get_object_member (json_node_get_object (frame), "body");
}

/* The names of the conversation fields the consumer set, in order, as "Field" or
 * "Field:value" (conversationState, or the DialogChange's dialog id and state). */
static char *
dup_fields_sent (Fixture *f)
{
  g_autoptr(GPtrArray) frames = frames_of (f, CONFAB_REQ_UPDATE_CONVERSATION);
  g_autoptr(GString) fields = g_string_new ("");

  for (guint i = 0; i < frames->len; i++)
    {
      JsonArray *list = json_object_get_array_member (frame_body (g_ptr_array_index (frames, i)), "conversationField");
      JsonObject *field = json_array_get_object_element (list, 0);
      const char *name = json_object_get_string_member (field, "field");

      if (fields->len > 0)
        g_string_append_c (fields, ' ');
      g_string_append (fields, name);
      if (json_object_has_member (field, "conversationState"))
        g_string_append_printf (fields, ":%s", json_object_get_string_member (field, "conversationState"));
      if (json_object_has_member (field, "dialog"))
        g_string_append_printf (fields, ":%s",
                                json_object_get_string_member (json_object_get_object_member (field, "dialog"), "state"));
    }
  return g_string_free (g_steal_pointer (&fields), FALSE);
}

/* Whether the consumer published a receipt of status for sequence into dialog_id. */
static gboolean
receipt_sent (Fixture    *f,
              const char *dialog_id,
              const char *status,
              gint64      sequence)
{
  g_autoptr(GPtrArray) frames = frames_of (f, CONFAB_REQ_PUBLISH_EVENT);

  for (guint i = 0; i < frames->len; i++)
    {
      JsonObject *body = frame_body (g_ptr_array_index (frames, i));
      JsonObject *event = json_object_get_object_member (body, "event");
      JsonArray *list;

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), "AcceptStatusEvent") != 0 ||
          g_strcmp0 (json_object_get_string_member_with_default (event, "status", ""), status) != 0 ||
          g_strcmp0 (json_object_get_string_member (body, "dialogId"), dialog_id) != 0)
        continue;
      list = json_object_get_array_member (event, "sequenceList");
      for (guint j = 0; j < json_array_get_length (list); j++)
        if (json_array_get_int_element (list, j) == sequence)
          return TRUE;
    }
  return FALSE;
}

/* Steps */

static const char * const answer_ids[] = { "a-good", "a-bad", NULL };
static const char * const titles[] = { "Good", "Bad", NULL };

/* Opens a conversation the agent has taken (surveys are only for those). */
static void
start_conversation (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ConfabMessage *first;

  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
  first = confab_session_send_text (f->session, "Hello, I need help");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) == CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpint (confab_server_agent_send_text (f->server, confab_session_get_conversation_id (f->session),
                                                  "How can I help?", &error), >=, 0);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_agent_present (f->session), 5000);
}

/* The person closes; the survey opens. Returns the survey's dialog id. */
static char *
close_into_survey (Fixture *f)
{
  const char *conversation = confab_session_get_conversation_id (f->session);
  char *survey;

  confab_session_close_conversation (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_open (f->session), 5000);
  survey = confab_server_dup_survey_dialog_id (f->server, conversation);
  g_assert_nonnull (survey);
  return survey;
}

/* The agent asks a question with the two chips: its sequence. */
static gint64
ask (Fixture    *f,
     const char *question_id,
     const char *text)
{
  g_autoptr(ConfabQuickReplies) chips = confab_agent_content_new_answers (question_id, answer_ids, titles);
  g_autoptr(JsonNode) metadata = confab_metadata_new_survey_question ("survey-1", question_id, answer_ids);
  g_autoptr(GError) error = NULL;
  gint64 sequence;

  sequence = confab_server_agent_send_survey (f->server, confab_session_get_conversation_id (f->session), text,
                                              chips, metadata, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sequence, >=, 0);
  return sequence;
}

static ConfabMessage *
wait_question (Fixture    *f,
               const char *survey,
               const char *text)
{
  CONFAB_TEST_WAIT_UNTIL (newest_question (f->session, survey) != NULL &&
                          g_strcmp0 (confab_message_get_text (newest_question (f->session, survey)), text) == 0,
                          5000);
  return newest_question (f->session, survey);
}

/* The survey-event the service heard with this event type (and status), or NULL. */
static JsonObject *
heard (Fixture    *f,
       const char *type,
       const char *status_or_text)
{
  for (guint i = 0; i < f->survey_events->len; i++)
    {
      JsonObject *entry = json_node_get_object (g_ptr_array_index (f->survey_events, i));
      JsonObject *event = json_object_get_object_member (entry, "event");

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), type) == 0 &&
          (g_strcmp0 (json_object_get_string_member_with_default (event, "status", ""), status_or_text) == 0 ||
           g_strcmp0 (json_object_get_string_member_with_default (event, "message", ""), status_or_text) == 0))
        return entry;
    }
  return NULL;
}

static char *
dup_metadata (JsonObject *entry)
{
  return json_to_string (json_object_get_member (entry, "metadata"), FALSE);
}

/* Chooses the chip titled title under message: ACTION for the question and the chip's text,
 * both with its Answer metadata, both in the survey's dialog. */
static void
answer (Fixture       *f,
        ConfabMessage *message,
        guint          chip,
        gint64         sequence)
{
  ConfabRichElement *element = g_ptr_array_index (confab_message_get_quick_replies (message)->replies, chip);
  g_autofree char *expected = json_to_string (element->click->metadata, FALSE);
  ConfabMessage *reply;
  JsonObject *action, *text;
  g_autofree char *action_metadata = NULL;
  g_autofree char *text_metadata = NULL;
  guint before = f->survey_events->len;

  g_assert_true (confab_message_get_replies_active (message));
  reply = confab_session_activate_click (f->session, message, element->click);
  g_assert_nonnull (reply);
  g_assert_false (confab_message_get_replies_active (message));
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (reply) >= CONFAB_DELIVERY_SENT, 5000);
  CONFAB_TEST_WAIT_UNTIL (f->survey_events->len >= before + 2, 5000);
  g_assert_cmpstr (confab_message_get_dialog_id (reply), ==, confab_message_get_dialog_id (message));

  action = heard (f, "AcceptStatusEvent", "ACTION");
  text = heard (f, "ContentEvent", titles[chip]);
  g_assert_nonnull (action);
  g_assert_nonnull (text);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (json_object_get_object_member (action, "event"),
                                                                             "sequenceList"), 0), ==, sequence);
  action_metadata = dup_metadata (action);
  text_metadata = dup_metadata (text);
  g_assert_nonnull (strstr (expected, "\"type\":\"Answer\""));
  g_assert_cmpstr (action_metadata, ==, expected);
  g_assert_cmpstr (text_metadata, ==, expected);
}

/* Tests */

/* Closing sends a DialogChange for the main dialog (not ConversationStateField, which
 * would skip the survey); the survey opens while the conversation is closed to messages. */
static void
test_close_opens_survey (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *survey = NULL;
  g_autofree char *fields = NULL;

  start_conversation (f);
  survey = close_into_survey (f);
  fields = dup_fields_sent (f);
  g_assert_cmpstr (fields, ==, "DialogChange:CLOSE");
  g_assert_cmpint (confab_session_get_conversation_status (f->session), ==, CONFAB_CONVERSATION_CLOSED);
  g_assert_cmpint (confab_session_get_conversation_stage (f->session), ==, CONFAB_CONVERSATION_STATE_OPEN);
  g_assert_true (confab_session_get_has_post_survey (f->session, confab_session_get_conversation_id (f->session)));
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_CLOSED), ==, 1);
  /* a new conversation waits for the survey to end */
  confab_session_new_conversation (f->session);
  g_assert_true (confab_session_get_survey_open (f->session));
  g_assert_nonnull (confab_session_get_conversation_id (f->session));
}

/* Questions are rows of the survey's dialog, after the conversation's; they are accepted
 * and read in that dialog; the chosen answers go there; the survey completes. */
static void
test_answer_and_complete (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *survey = NULL;
  g_autofree char *conversation = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  ConfabMessage *question;
  ConfabMessage *first;
  gint64 sequence;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  survey = close_into_survey (f);

  sequence = ask (f, "q1", "How was it?");
  question = wait_question (f, survey, "How was it?");
  g_assert_cmpint (confab_message_get_sequence (question), ==, sequence);
  g_assert_true (confab_message_get_replies_active (question));
  /* after the conversation's rows, its close among them */
  g_assert_cmpint (confab_message_get_event (session_test_row_at (f->session, session_test_n_rows (f->session) - 2)), ==,
                   CONFAB_MESSAGE_EVENT_CLOSED);
  CONFAB_TEST_WAIT_UNTIL (receipt_sent (f, survey, "ACCEPT", sequence), 5000);
  g_ptr_array_add (seen, question);
  confab_session_mark_read (f->session, seen);
  CONFAB_TEST_WAIT_UNTIL (receipt_sent (f, survey, "READ", sequence), 5000);
  g_assert_false (receipt_sent (f, conversation, "ACCEPT", sequence) && sequence > 1);

  answer (f, question, 0, sequence);

  /* words go to the survey too, while it runs */
  sequence = ask (f, "q2", "Anything else?");
  question = wait_question (f, survey, "Anything else?");
  first = confab_session_send_text (f->session, "All fine");
  CONFAB_TEST_WAIT_UNTIL (heard (f, "ContentEvent", "All fine") != NULL, 5000);
  g_assert_cmpstr (confab_message_get_dialog_id (first), ==, survey);
  g_assert_false (confab_message_get_replies_active (question));

  g_assert_true (confab_server_agent_complete_survey (f->server, conversation, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (!confab_session_get_survey_open (f->session), 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 5000);
  g_assert_cmpint (confab_message_get_event (last_row (f->session)), ==, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED);
  g_assert_cmpstr (confab_message_get_dialog_id (last_row (f->session)), ==, survey);
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED), ==, 0);

  /* and then a new conversation, as before */
  first = confab_session_send_text (f->session, "A new question");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) == CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpstr (confab_session_get_conversation_id (f->session), !=, conversation);
  g_assert_cmpstr (confab_message_get_dialog_id (first), ==, confab_session_get_conversation_id (f->session));
  g_assert_null (heard (f, "ContentEvent", "A new question"));
}

/* Skipping closes the whole conversation (Stage CLOSE): the service ends the survey, and a
 * row says it was skipped. An answer to it chosen afterwards goes nowhere. */
static void
test_skip (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *survey = NULL;
  g_autofree char *conversation = NULL;
  g_autofree char *fields = NULL;
  ConfabMessage *question;
  ConfabRichElement *chip;
  ConfabMessage *late;
  gboolean closed = FALSE;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  survey = close_into_survey (f);
  ask (f, "q1", "How was it?");
  question = wait_question (f, survey, "How was it?");

  confab_session_skip_survey (f->session);
  g_assert_false (confab_session_get_survey_open (f->session));
  g_assert_false (confab_message_get_replies_active (question));
  g_assert_cmpint (confab_message_get_event (last_row (f->session)), ==, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED);
  CONFAB_TEST_WAIT_UNTIL (f->survey_ended == 1, 5000);
  fields = dup_fields_sent (f);
  g_assert_cmpstr (fields, ==, "DialogChange:CLOSE Stage:CLOSE");
  g_assert_true (confab_server_peek_conversation (f->server, conversation, NULL, &closed, NULL));
  g_assert_true (closed);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 5000);
  confab_test_spin (200);
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED), ==, 1);
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED), ==, 0);
  g_assert_false (confab_session_get_survey_open (f->session));

  /* a chip of the skipped survey: no new conversation for it */
  chip = g_ptr_array_index (confab_message_get_quick_replies (question)->replies, 1);
  late = confab_session_activate_click (f->session, question, chip->click);
  g_assert_nonnull (late);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (late) == CONFAB_DELIVERY_FAILED, 5000);
  g_assert_cmpstr (confab_session_get_conversation_id (f->session), ==, conversation);
  g_assert_null (heard (f, "ContentEvent", "Bad"));
}

static void
count_reopened_cb (ConfabSession *session,
                   GParamSpec    *pspec,
                   guint         *reopened)
{
  *reopened += confab_session_get_survey_open (session);
}

/* Skipped while offline: the survey goes at once and does not come back with the metadata
 * after reconnecting; the close goes then. */
static void
test_skip_offline (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *survey = NULL;
  g_autofree char *conversation = NULL;
  g_autofree char *fields = NULL;
  guint reconnects;
  guint reopened = 0;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  survey = close_into_survey (f);
  ask (f, "q1", "How was it?");
  wait_question (f, survey, "How was it?");

  reconnects = confab_session_get_reconnects (f->session);
  g_assert_cmpuint (confab_server_drop_consumers (f->server, NULL, 0, NULL), >, 0);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) != CONFAB_SESSION_ONLINE, 5000);
  confab_session_skip_survey (f->session);
  g_assert_false (confab_session_get_survey_open (f->session));
  g_assert_cmpint (confab_message_get_event (last_row (f->session)), ==, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED);
  g_signal_connect (f->session, "notify::survey-open", G_CALLBACK (count_reopened_cb), &reopened);

  CONFAB_TEST_WAIT_UNTIL (f->survey_ended == 1, 10000);
  g_assert_cmpuint (confab_session_get_reconnects (f->session), >, reconnects);
  fields = dup_fields_sent (f);
  g_assert_cmpstr (fields, ==, "DialogChange:CLOSE Stage:CLOSE");
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 5000);
  g_assert_false (confab_session_get_survey_open (f->session));
  g_assert_cmpuint (reopened, ==, 0);
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED), ==, 1);
  g_signal_handlers_disconnect_by_data (f->session, &reopened);
}

/* Skipped while offline, then a restart before the service was reached again: the skip is
 * kept (its row is in the history), the survey does not show again (its chips stay off,
 * offline and once online), and the skip goes once when online. */
static void
test_skip_offline_restart (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *survey = NULL;
  g_autofree char *conversation = NULL;
  g_autofree char *fields = NULL;
  g_autoptr(ConfabAccount) unreachable = NULL;
  ConfabMessage *question;
  guint reopened = 0;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  survey = close_into_survey (f);
  ask (f, "q1", "How was it?");
  wait_question (f, survey, "How was it?");

  /* offline for good: a long back-off */
  confab_session_set_timings (f->session, 30, 60000, 60000, 200);
  g_assert_cmpuint (confab_server_drop_consumers (f->server, NULL, 0, NULL), >, 0);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 5000);
  confab_session_skip_survey (f->session);
  g_assert_cmpint (confab_message_get_event (last_row (f->session)), ==, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED);
  confab_session_stop (f->session);
  g_clear_object (&f->session);

  /* a restart where the service cannot be reached: the same identity, its history */
  unreachable = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (f->server));
  confab_account_set_csds (unreachable, "http://127.0.0.1:1");
  confab_account_set_jwt (unreachable, confab_account_get_jwt (f->account));
  f->session = confab_session_new (unreachable, NULL);
  confab_session_set_timings (f->session, 30, 60000, 60000, 200);
  confab_session_set_store (f->session, f->store);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (newest_question (f->session, survey) != NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 5000);
  question = newest_question (f->session, survey);
  g_assert_false (confab_message_get_replies_active (question));
  g_assert_false (confab_session_get_survey_open (f->session));
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED), ==, 1);
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_assert_cmpuint (f->survey_ended, ==, 0);

  /* and again, online: the skip goes, once, the survey never opens */
  f->session = new_session (f);
  g_signal_connect (f->session, "notify::survey-open", G_CALLBACK (count_reopened_cb), &reopened);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (f->survey_ended == 1, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 5000);
  confab_test_spin (300);
  fields = dup_fields_sent (f);
  g_assert_cmpstr (fields, ==, "DialogChange:CLOSE Stage:CLOSE");
  g_assert_cmpuint (reopened, ==, 0);
  g_assert_false (confab_message_get_replies_active (newest_question (f->session, survey)));
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED), ==, 1);
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED), ==, 0);
  g_signal_handlers_disconnect_by_data (f->session, &reopened);
}

/* The agent's close opens the survey too. */
static void
test_agent_close (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *survey = NULL;

  start_conversation (f);
  g_assert_true (confab_server_agent_close (f->server, confab_session_get_conversation_id (f->session),
                                            CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_open (f->session), 5000);
  g_assert_cmpint (confab_session_get_close_reason (f->session), ==, CONFAB_CLOSE_REASON_AGENT);
  survey = confab_server_dup_survey_dialog_id (f->server, confab_session_get_conversation_id (f->session));
  ask (f, "q1", "How was it?");
  wait_question (f, survey, "How was it?");
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

static void
mark_seen (ConfabSession *session,
           ConfabMessage *message)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  g_ptr_array_add (seen, message);
  confab_session_mark_read (session, seen);
}

/* Seen in a dialog that is over (the conversation's while the survey runs, the survey's
 * once it ended): no receipt goes there, and the message is read, also after a restart. */
static void
test_seen_when_over (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *survey = NULL;
  g_autofree char *conversation = NULL;
  ConfabMessage *greeting, *question;
  gint64 sequence;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  greeting = find_theirs (f->session, "How can I help?");
  survey = close_into_survey (f);
  mark_seen (f->session, greeting);
  g_assert_true (confab_message_get_read_sent (greeting));

  sequence = ask (f, "q1", "How was it?");
  question = wait_question (f, survey, "How was it?");
  g_assert_true (confab_server_agent_complete_survey (f->server, conversation, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (!confab_session_get_survey_open (f->session), 5000);
  mark_seen (f->session, question);
  g_assert_true (confab_message_get_read_sent (question));
  confab_test_spin (300);
  g_assert_false (receipt_sent (f, survey, "READ", sequence));
  g_assert_false (receipt_sent (f, conversation, "READ", confab_message_get_sequence (greeting)));

  confab_session_stop (f->session);
  g_clear_object (&f->session);
  confab_store_flush (f->store);
  g_clear_object (&f->store);
  f->store = confab_store_new (f->store_path, &error);
  g_assert_no_error (error);
  f->session = new_session (f);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE &&
                          find_theirs (f->session, "How was it?") != NULL, 10000);
  confab_test_spin (300);
  g_assert_true (confab_message_get_read_sent (find_theirs (f->session, "How was it?")));
  g_assert_true (confab_message_get_read_sent (find_theirs (f->session, "How can I help?")));
  g_assert_cmpuint (confab_message_list_get_n_unread_before (confab_session_get_messages (f->session)), ==, 0);
  g_assert_false (receipt_sent (f, survey, "READ", sequence));
}

/* Without surveys the same close ends the conversation at once. */
static void
test_without_survey (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *fields = NULL;

  start_conversation (f);
  confab_session_close_conversation (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 5000);
  g_assert_cmpint (confab_session_get_conversation_status (f->session), ==, CONFAB_CONVERSATION_CLOSED);
  g_assert_false (confab_session_get_survey_open (f->session));
  g_assert_false (confab_session_get_has_post_survey (f->session, confab_session_get_conversation_id (f->session)));
  fields = dup_fields_sent (f);
  g_assert_cmpstr (fields, ==, "DialogChange:CLOSE");
}

/* A restart while the survey runs: the question is there (from the store), the survey open
 * again, its chip answers it. */
static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *survey = NULL;
  ConfabMessage *question;
  gint64 sequence;
  guint rows;

  start_conversation (f);
  survey = close_into_survey (f);
  sequence = ask (f, "q1", "How was it?");
  question = wait_question (f, survey, "How was it?");
  CONFAB_TEST_WAIT_UNTIL (receipt_sent (f, survey, "ACCEPT", sequence), 5000);
  rows = session_test_n_rows (f->session);
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  confab_store_flush (f->store);

  f->session = new_session (f);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_open (f->session), 10000);
  question = wait_question (f, survey, "How was it?");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_replies_active (question), 5000);
  /* nothing twice: the close row and the question once each */
  g_assert_cmpuint (session_test_n_rows (f->session), ==, rows);
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_CLOSED), ==, 1);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 5000);
  answer (f, question, 1, sequence);

  /* completed, then a restart: the row is kept, once, and the survey stays over */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (confab_server_agent_complete_survey (f->server, confab_session_get_conversation_id (f->session),
                                                        &error));
    g_assert_no_error (error);
  }
  CONFAB_TEST_WAIT_UNTIL (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED) == 1, 5000);
  rows = session_test_n_rows (f->session);
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  confab_store_flush (f->store);

  f->session = new_session (f);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 10000);
  confab_test_spin (300);
  g_assert_cmpuint (session_test_n_rows (f->session), ==, rows);
  g_assert_cmpuint (count_event_rows (f->session, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED), ==, 1);
  g_assert_cmpint (confab_message_get_event (last_row (f->session)), ==, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED);
  g_assert_false (confab_session_get_survey_open (f->session));
  g_assert_false (confab_message_get_replies_active (newest_question (f->session, survey)));
}

/* The legacy satisfaction survey (no post-conversation survey on this account) */

/* The CSATRate fields the consumer sent, as "STATUS rate", oldest first. */
static char *
dup_csat_sent (Fixture *f)
{
  g_autoptr(GPtrArray) frames = frames_of (f, CONFAB_REQ_UPDATE_CONVERSATION);
  g_autoptr(GString) sent = g_string_new ("");

  for (guint i = 0; i < frames->len; i++)
    {
      JsonArray *list = json_object_get_array_member (frame_body (g_ptr_array_index (frames, i)), "conversationField");
      JsonObject *field = json_array_get_object_element (list, 0);

      if (g_strcmp0 (json_object_get_string_member (field, "field"), "CSATRate") != 0)
        continue;
      g_string_append_printf (sent, "%s%s %" G_GINT64_FORMAT, sent->len > 0 ? " " : "",
                              json_object_get_string_member (field, "status"),
                              json_object_get_int_member (field, "csatRate"));
    }
  return g_string_free (g_steal_pointer (&sent), FALSE);
}

static void
restart (Fixture *f)
{
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  f->session = new_session (f);
  confab_session_start (f->session);
}

static void
agent_close (Fixture    *f,
             const char *conversation)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_server_agent_close (f->server, conversation, CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);
}

/* Answered offline, then a restart: the answer is on disk, goes once after the restart, and
 * the conversation is not asked about again, in that run or the next. */
static void
test_csat_kept (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *conversation = NULL;
  g_autofree char *sent = NULL;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  agent_close (f, conversation);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_due (f->session) != NULL, 5000);
  g_assert_cmpstr (confab_session_get_survey_due (f->session), ==, conversation);

  confab_session_set_timings (f->session, 30, 60000, 60000, 200);
  g_assert_cmpuint (confab_server_drop_consumers (f->server, NULL, 0, NULL), >, 0);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 5000);
  g_assert_true (confab_session_send_survey (f->session, conversation, 4, TRUE, FALSE));
  g_assert_null (confab_session_get_survey_due (f->session));

  restart (f);
  CONFAB_TEST_WAIT_UNTIL ((g_free (sent), sent = dup_csat_sent (f), g_strcmp0 (sent, "FILLED 4") == 0), 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 5000);
  g_assert_true (confab_session_get_survey_answered (f->session, conversation));
  g_assert_null (confab_session_get_survey_due (f->session));
  g_assert_false (confab_session_send_survey (f->session, conversation, 1, FALSE, FALSE));

  /* at once, maybe before the service's answer came: the metadata says it holds one */
  restart (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 10000);
  confab_test_spin (300);
  g_free (sent);
  sent = dup_csat_sent (f);
  g_assert_cmpstr (sent, ==, "FILLED 4");
  g_assert_true (confab_session_get_survey_answered (f->session, conversation));
  g_assert_null (confab_session_get_survey_due (f->session));
}

/* Closed while Confab was not running: asked after the restart. Not answered then (Confab
 * quit with the question open): asked again at the next start; answered, never again. */
static void
test_csat_after_restart (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *conversation = NULL;
  g_autofree char *sent = NULL;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_session_stop (f->session);
  agent_close (f, conversation);

  restart (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_due (f->session) != NULL, 10000);
  g_assert_cmpstr (confab_session_get_survey_due (f->session), ==, conversation);
  g_assert_false (confab_session_get_survey_answered (f->session, conversation));

  restart (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_due (f->session) != NULL, 10000);
  g_assert_cmpstr (confab_session_get_survey_due (f->session), ==, conversation);
  g_assert_true (confab_session_send_survey (f->session, conversation, 0, FALSE, TRUE));
  g_assert_null (confab_session_get_survey_due (f->session));
  CONFAB_TEST_WAIT_UNTIL ((g_free (sent), sent = dup_csat_sent (f), g_strcmp0 (sent, "SKIPPED 3") == 0), 5000);

  restart (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 10000);
  confab_test_spin (300);
  g_assert_null (confab_session_get_survey_due (f->session));
  g_free (sent);
  sent = dup_csat_sent (f);
  g_assert_cmpstr (sent, ==, "SKIPPED 3");
}

/* The service took the answer but Confab stopped before hearing so: after the restart the
 * answer is still waiting on disk, and the metadata (which echoes the rating) keeps it from
 * going twice. */
static void
test_csat_reply_lost (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *conversation = NULL;
  g_autofree char *sent = NULL;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  agent_close (f, conversation);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_due (f->session) != NULL, 5000);
  confab_server_set_response_delay (f->server, 5000);
  g_assert_true (confab_session_send_survey (f->session, conversation, 5, TRUE, FALSE));
  CONFAB_TEST_WAIT_UNTIL ((g_free (sent), sent = dup_csat_sent (f), g_strcmp0 (sent, "FILLED 5") == 0), 5000);
  confab_session_stop (f->session);
  confab_server_set_response_delay (f->server, 0);

  restart (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 10000);
  confab_test_spin (300);
  g_free (sent);
  sent = dup_csat_sent (f);
  g_assert_cmpstr (sent, ==, "FILLED 5");
  g_assert_true (confab_session_get_survey_answered (f->session, conversation));
  g_assert_null (confab_session_get_survey_due (f->session));

  /* and it stays so */
  restart (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 10000);
  confab_test_spin (300);
  g_free (sent);
  sent = dup_csat_sent (f);
  g_assert_cmpstr (sent, ==, "FILLED 5");
}

/* Sets metaDataLastUpdateTs and endTs of every conversation in the state file to when. */
static void
age_conversations (const char *path,
                   gint64      when)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *conversations;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  conversations = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                "conversations");
  g_assert_nonnull (conversations);
  g_assert_cmpuint (json_array_get_length (conversations), >, 0);
  for (guint i = 0; i < json_array_get_length (conversations); i++)
    {
      JsonObject *conversation = json_array_get_object_element (conversations, i);

      json_object_set_int_member (conversation, "metaDataLastUpdateTs", when);
      json_object_set_int_member (conversation, "endTs", when);
    }
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, path, &error));
  g_assert_no_error (error);
}

/* Closed two days before Confab starts again: too long ago to ask. */
static void
test_csat_old_close (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *conversation = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = confab_server_get_port (f->server);

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_session_stop (f->session);
  agent_close (f, conversation);

  /* the service, started again as if two days had passed since the close */
  g_assert_true (confab_server_save_state (f->server, &error));
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_data (f->server, f);
  confab_server_shutdown (f->server);
  g_clear_object (&f->server);
  age_conversations (f->state_path, g_get_real_time () / 1000 - 2 * 24 * 60 * 60 * 1000);
  f->server = confab_server_new ();
  confab_server_set_post_survey (f->server, FALSE);
  g_assert_true (confab_server_load_state (f->server, f->state_path, &error));
  g_assert_no_error (error);
  g_assert_true (confab_server_listen (f->server, port, &error));
  g_assert_no_error (error);

  restart (f);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 10000);
  g_assert_cmpstr (confab_session_get_conversation_id (f->session), ==, conversation);
  confab_test_spin (200);
  g_assert_null (confab_session_get_survey_due (f->session));
  g_assert_false (confab_session_get_survey_answered (f->session, conversation));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, mode) \
  g_test_add ("/core/session-survey/" path, Fixture, mode, fixture_setup, func, fixture_teardown)
  ADD ("close-opens-survey", test_close_opens_survey, NULL);
  ADD ("answer-and-complete", test_answer_and_complete, NULL);
  ADD ("skip", test_skip, NULL);
  ADD ("skip-offline", test_skip_offline, NULL);
  ADD ("agent-close", test_agent_close, NULL);
  ADD ("without-survey", test_without_survey, "off");
  ADD ("restart", test_restart, "store");
  ADD ("seen-when-over", test_seen_when_over, "store");
  ADD ("skip-offline-restart", test_skip_offline_restart, "store");
  ADD ("csat-kept", test_csat_kept, "off-store");
  ADD ("csat-after-restart", test_csat_after_restart, "off-store");
  ADD ("csat-old-close", test_csat_old_close, "off-store-state");
  ADD ("csat-reply-lost", test_csat_reply_lost, "off-store");

  return g_test_run ();
}
