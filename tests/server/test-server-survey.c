/* test-server-survey.c: post-conversation surveys: a second dialog when the main one
 * closes, the bot's questions as quick replies, completing and skipping
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <string.h>

#include <glib/gstdio.h>

#include "confab-protocol.h"

typedef ServerFixture Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  ConfabServer *server = data != NULL ? test_server_new_with_bot () : test_server_new ();

  g_object_set (server,
                "post-survey", TRUE,
                "accept-delay", 20,
                "typing-delay", 20,
                "read-delay", 40,
                NULL);
  server_fixture_connect (fixture, server);
  test_client_request_json (fixture->client, CONFAB_REQ_SUBSCRIBE_EX,
                            "{\"minLastUpdatedTime\":0,\"stage\":[\"OPEN\",\"CLOSE\"],\"convState\":[\"OPEN\",\"CLOSE\"]}");
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  server_fixture_open (fixture);
}

/* The next metadata change of the conversation, as the client's parser reads it. */
static ConfabConversationChange *
next_change (Fixture *fixture)
{
  JsonObject *notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION,
                                                            &fixture->ex_cursor);
  g_autoptr(JsonNode) body = json_node_copy (json_object_get_member (notification, "body"));
  g_autoptr(GPtrArray) changes = confab_parse_conversation_notification (body, NULL);

  g_assert_nonnull (changes);
  g_assert_cmpuint (changes->len, ==, 1);
  return g_ptr_array_steal_index (changes, 0);
}

/* Waits for a change whose survey dialog is in state; returns the survey's id. */
static char *
wait_survey (Fixture                 *fixture,
             ConfabConversationState  state)
{
  for (;;)
    {
      g_autoptr(ConfabConversationChange) change = next_change (fixture);

      for (guint i = 0; i < change->dialogs->len; i++)
        {
          ConfabDialog *dialog = g_ptr_array_index (change->dialogs, i);

          if (g_strcmp0 (dialog->dialog_type, "POST_SURVEY") == 0 && dialog->state == state)
            {
              /* while it runs, the main dialog is closed and the conversation is not */
              g_assert_cmpint (change->state, ==, CONFAB_CONVERSATION_STATE_CLOSE);
              g_assert_true (confab_conversation_change_is_closed (change) == (state == CONFAB_CONVERSATION_STATE_CLOSE));
              return g_strdup (dialog->dialog_id);
            }
        }
      g_assert_false (confab_conversation_change_is_closed (change));
    }
}

static JsonObject *
publish_in (Fixture    *fixture,
            const char *dialog_id,
            JsonNode   *body_event,
            JsonNode   *metadata)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dialogId");
  json_builder_add_string_value (builder, dialog_id);
  json_builder_set_member_name (builder, "conversationId");
  json_builder_add_string_value (builder, fixture->conversation_id);
  json_builder_set_member_name (builder, "event");
  json_builder_add_value (builder, body_event);
  json_builder_end_object (builder);

  return test_client_request_full (fixture->client, CONFAB_REQ_PUBLISH_EVENT, json_builder_get_root (builder), metadata);
}

static JsonObject *
wait_survey_question (Fixture    *fixture,
                      const char *survey_id,
                      guint      *seen)
{
  for (;;)
    {
      g_autoptr(GPtrArray) changes = test_client_wait_changes (fixture->client, "ContentEvent", *seen + 1);
      JsonObject *change = g_ptr_array_index (changes, (*seen)++);

      if (g_strcmp0 (json_object_get_string_member (change, "dialogId"), survey_id) == 0 &&
          g_strcmp0 (json_object_get_string_member (change, "originatorId"), fixture->client->consumer_id) != 0)
        return change;
    }
}

/* What a client does with a chip: ACTION with its metadata, then its text. Returns the
 * text's sequence. */
static gint64
choose (Fixture                 *fixture,
        const char              *survey_id,
        gint64                   sequence,
        const ConfabRichElement *chip)
{
  ConfabRichAction *action = g_ptr_array_index (chip->click->actions, 0);
  JsonObject *response;

  response = publish_in (fixture, survey_id, confab_receipt_event_to_json (CONFAB_RECEIPT_ACTION, &sequence, 1),
                         json_node_copy (chip->click->metadata));
  g_assert_cmpint (test_response_code (response), ==, 200);
  response = publish_in (fixture, survey_id, confab_text_event_to_json (action->text),
                         json_node_copy (chip->click->metadata));
  g_assert_cmpint (test_response_code (response), ==, 200);
  return json_object_get_int_member (json_object_get_object_member (response, "body"), "sequence");
}

/* Whether the client holds a receipt of status for sequence in dialog_id, from someone else. */
static gboolean
has_receipt (Fixture    *fixture,
             const char *dialog_id,
             const char *status,
             gint64      sequence)
{
  g_autoptr(GPtrArray) changes = test_client_messaging_changes (fixture->client, "AcceptStatusEvent");

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      JsonObject *event = json_object_get_object_member (change, "event");
      JsonArray *list = json_object_get_array_member (event, "sequenceList");

      if (g_strcmp0 (json_object_get_string_member (change, "dialogId"), dialog_id) != 0 ||
          g_strcmp0 (json_object_get_string_member (change, "originatorId"), fixture->client->consumer_id) == 0 ||
          g_strcmp0 (json_object_get_string_member (event, "status"), status) != 0)
        continue;
      for (guint j = 0; j < json_array_get_length (list); j++)
        if (json_array_get_int_element (list, j) == sequence)
          return TRUE;
    }
  return FALSE;
}

/* After "bye" the bot's survey runs in its own dialog: two questions with chips, each
 * answer accepted and read there (as real survey bots do), thanks, and it is completed. */
static void
test_bot_survey (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *survey_id = NULL;
  g_autofree char *done_id = NULL;
  g_autoptr(JsonNode) state = NULL;
  JsonObject *survey;
  JsonObject *response;
  guint seen = 0;
  gint64 answer_sequences[2];

  g_ptr_array_unref (test_client_wait_changes (fixture->client, "ContentEvent", 1));
  test_client_publish_text (fixture->client, fixture->conversation_id, "bye");

  survey_id = wait_survey (fixture, CONFAB_CONVERSATION_STATE_OPEN);
  g_assert_cmpstr (survey_id, !=, fixture->conversation_id);
  {
    g_autofree char *known = confab_server_dup_survey_dialog_id (fixture->server, fixture->conversation_id);

    g_assert_cmpstr (known, ==, survey_id);
  }

  /* the main dialog is closed; the survey's is not */
  response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body (fixture->conversation_id, fixture->conversation_id, "hello?"));
  g_assert_cmpint (test_response_code (response), ==, 400);

  response = test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (fixture->conversation_id, survey_id, 0));
  g_assert_cmpint (test_response_code (response), ==, 200);

  for (guint q = 0; q < 2; q++)
    {
      JsonObject *change = wait_survey_question (fixture, survey_id, &seen);
      JsonObject *event = json_object_get_object_member (change, "event");
      g_autoptr(ConfabQuickReplies) replies = confab_quick_replies_parse (json_object_get_member (event, "quickReplies"));
      JsonNode *metadata = json_object_get_member (change, "metadata");
      ConfabRichElement *chip;

      g_assert_nonnull (confab_metadata_get_string (metadata, "Question", "id"));
      g_assert_cmpstr (confab_metadata_get_string (metadata, "Question", "surveyId"), ==, "confab-survey");
      g_assert_nonnull (replies);
      g_assert_cmpuint (replies->replies->len, >=, 2);
      chip = g_ptr_array_index (replies->replies, 0);
      g_assert_cmpstr (confab_metadata_get_string (chip->click->metadata, "Answer", "questionId"), ==,
                       confab_metadata_get_string (metadata, "Question", "id"));

      answer_sequences[q] = choose (fixture, survey_id, json_object_get_int_member (change, "sequence"), chip);
      g_assert_cmpint (answer_sequences[q], >, 0);
    }

  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (wait_survey_question (fixture, survey_id, &seen),
                                                                                 "event"), "message"), ==,
                   "Thank you for your feedback!");
  done_id = wait_survey (fixture, CONFAB_CONVERSATION_STATE_CLOSE);
  g_assert_cmpstr (done_id, ==, survey_id);
  /* both answers accepted and read in the survey's dialog, before it closed */
  for (guint q = 0; q < 2; q++)
    {
      g_assert_true (has_receipt (fixture, survey_id, "ACCEPT", answer_sequences[q]));
      g_assert_true (has_receipt (fixture, survey_id, "READ", answer_sequences[q]));
    }

  /* the answers are kept, with their metadata, in the survey's dialog */
  state = confab_server_dup_state (fixture->server);
  survey = json_object_get_object_member (test_state_conversation (state, fixture->conversation_id), "survey");
  g_assert_cmpstr (json_object_get_string_member (survey, "state"), ==, "CLOSE");
  g_assert_cmpstr (json_object_get_string_member (survey, "closeReason"), ==, "AGENT");
  {
    JsonArray *events = json_object_get_array_member (survey, "events");
    guint answers = 0;

    for (guint i = 0; i < json_array_get_length (events); i++)
      {
        JsonObject *stored = json_array_get_object_element (events, i);

        if (g_str_equal (json_object_get_string_member (stored, "role"), "CONSUMER") &&
            json_object_has_member (stored, "metadata"))
          answers++;
      }
    g_assert_cmpuint (answers, ==, 4);   /* two ACTIONs, two texts */
  }

  /* nothing more to publish anywhere; a legacy rating is still taken */
  response = publish_in (fixture, survey_id, confab_text_event_to_json ("late"), NULL);
  g_assert_cmpint (test_response_code (response), ==, 400);
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_csat_body (fixture->conversation_id, 5, TRUE, FALSE));
  g_assert_cmpint (test_response_code (response), ==, 200);
}

static void
accept (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_server_agent_accept (fixture->server, fixture->conversation_id, &error));
  g_assert_no_error (error);
}

/* The PCS tutorial's way: the consumer closes the main dialog; the survey can then be
 * skipped by closing everything. */
static void
test_consumer_skips (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *survey_id = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *response;
  gboolean closed = TRUE;

  accept (fixture);
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (fixture->conversation_id, fixture->conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 200);
  survey_id = wait_survey (fixture, CONFAB_CONVERSATION_STATE_OPEN);
  confab_server_peek_conversation (fixture->server, fixture->conversation_id, NULL, &closed, NULL);
  g_assert_false (closed);

  /* the agent can no longer write in the main dialog, only in the survey's */
  g_assert_cmpint (confab_server_agent_send_text (fixture->server, fixture->conversation_id, "x", &error), ==, -1);
  g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (confab_server_agent_send_survey (fixture->server, fixture->conversation_id, "Rate us?", NULL, NULL,
                                                    &error), >=, 0);
  g_assert_no_error (error);

  /* closing the main dialog twice */
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (fixture->conversation_id, fixture->conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 400);

  {
    g_autofree char *body = g_strdup_printf ("{\"conversationId\":\"%s\",\"conversationField\":"
                                             "{\"field\":\"Stage\",\"conversationState\":\"CLOSE\"}}",
                                             fixture->conversation_id);

    response = test_client_request_json (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION, body);
  }
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_free (wait_survey (fixture, CONFAB_CONVERSATION_STATE_CLOSE));
  confab_server_peek_conversation (fixture->server, fixture->conversation_id, NULL, &closed, NULL);
  g_assert_true (closed);

  g_assert_cmpint (confab_server_agent_send_survey (fixture->server, fixture->conversation_id, "Still there?", NULL,
                                                    NULL, &error), ==, -1);
  g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_CLOSED);
}

/* Closing the survey's own dialog skips it too; an unassigned conversation gets none. */
static void
test_close_survey_dialog (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *survey_id = NULL;
  g_autoptr(ConfabConversationChange) change = NULL;
  JsonObject *response;

  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (fixture->conversation_id, fixture->conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 200);
  change = next_change (fixture);   /* requested */
  g_clear_pointer (&change, confab_conversation_change_free);
  change = next_change (fixture);
  g_assert_true (confab_conversation_change_is_closed (change));
  g_assert_cmpuint (change->dialogs->len, ==, 1);

  g_free (fixture->conversation_id);
  fixture->conversation_id = test_client_open_conversation (fixture->client);
  accept (fixture);
  g_assert_true (confab_server_agent_close (fixture->server, fixture->conversation_id, CONFAB_CLOSE_REASON_AGENT, NULL));
  survey_id = wait_survey (fixture, CONFAB_CONVERSATION_STATE_OPEN);

  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (fixture->conversation_id, survey_id));
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_free (wait_survey (fixture, CONFAB_CONVERSATION_STATE_CLOSE));

  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (fixture->conversation_id, survey_id));
  g_assert_cmpint (test_response_code (response), ==, 400);
}

static void
test_hostile (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *survey_id = NULL;
  g_autofree char *by_dialog = NULL;
  g_autofree char *other_jwt = test_signup (fixture->server, "confab-local");
  g_autoptr(GError) error = NULL;
  TestClient *other = test_client_new (fixture->server, other_jwt);
  JsonObject *response;
  gint64 main_seq;
  gint64 question;

  /* no survey yet */
  g_assert_cmpint (confab_server_agent_send_survey (fixture->server, fixture->conversation_id, "?", NULL, NULL, &error),
                   ==, -1);
  g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (confab_server_agent_complete_survey (fixture->server, fixture->conversation_id, &error));
  g_clear_error (&error);
  json_node_unref (test_control (fixture->server, "agent/survey", "{\"text\":\"?\"}", 404));

  confab_server_agent_send_text (fixture->server, fixture->conversation_id, "almost done", NULL);
  main_seq = confab_server_agent_send_text (fixture->server, fixture->conversation_id, "last words", NULL);
  g_assert_true (confab_server_agent_close (fixture->server, fixture->conversation_id, CONFAB_CLOSE_REASON_AGENT, NULL));
  survey_id = wait_survey (fixture, CONFAB_CONVERSATION_STATE_OPEN);
  by_dialog = g_strdup_printf ("{\"dialogId\":\"%s\",\"fromSeq\":0}", survey_id);
  question = confab_server_agent_send_survey (fixture->server, fixture->conversation_id, "Rate us?", NULL, NULL, NULL);
  g_assert_cmpint (question, ==, 0);

  /* another consumer cannot reach it, by either id */
  response = test_client_request (other, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (fixture->conversation_id, survey_id, 0));
  g_assert_cmpint (test_response_code (response), ==, 400);
  response = test_client_request_json (other, CONFAB_REQ_SUBSCRIBE_MESSAGING, by_dialog);
  g_assert_cmpint (test_response_code (response), ==, 400);

  /* by its dialog id alone, as the owner: fine */
  response = test_client_request_json (fixture->client, CONFAB_REQ_SUBSCRIBE_MESSAGING, by_dialog);
  g_assert_cmpint (test_response_code (response), ==, 200);

  /* an unknown dialog of the conversation */
  response = test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (fixture->conversation_id, "no-such-dialog", 0));
  g_assert_cmpint (test_response_code (response), ==, 400);

  /* a click names a message of the dialog it is published in: the main dialog's last
   * message has no counterpart in the survey's */
  g_assert_cmpint (main_seq, >, question);
  response = publish_in (fixture, survey_id, confab_receipt_event_to_json (CONFAB_RECEIPT_ACTION, &main_seq, 1), NULL);
  g_assert_cmpint (test_response_code (response), ==, 400);
  response = publish_in (fixture, survey_id, confab_receipt_event_to_json (CONFAB_RECEIPT_ACTION, &question, 1), NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  response = publish_in (fixture, survey_id, confab_receipt_event_to_json (CONFAB_RECEIPT_READ, &question, 1), NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);

  /* the control API completes it */
  json_node_unref (test_control (fixture->server, "agent/survey", "{\"text\":\"x\",\"complete\":true}", 400));
  json_node_unref (test_control (fixture->server, "agent/survey", "{}", 400));
  json_node_unref (test_control (fixture->server, "agent/survey", "{\"text\":\"Thanks\"}", 200));
  json_node_unref (test_control (fixture->server, "agent/survey", "{\"complete\":true}", 200));
  g_free (wait_survey (fixture, CONFAB_CONVERSATION_STATE_CLOSE));

  test_client_free (other);
}

static void
test_control_switch (void)
{
  ConfabServer *server = test_server_new ();

  g_autoptr(JsonNode) answer = NULL;

  g_assert_false (confab_server_get_post_survey (server));
  answer = test_control (server, "post-survey", "{}", 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (answer), "enabled"));
  g_assert_true (confab_server_get_post_survey (server));
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (server, "post-survey", "{\"enabled\":false}", 200);
  g_assert_false (confab_server_get_post_survey (server));

  test_server_free (server);
}

/* A running survey, its events and its end survive a restart. */
static void
test_saved (void)
{
  g_autofree char *dir = g_dir_make_tmp ("confab-survey-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autofree char *survey_id = NULL;
  g_autofree char *loaded_id = NULL;
  g_autofree char *conversation_id = NULL;
  g_autofree char *jwt = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) metadata = confab_metadata_new_survey_question ("s", "q", (const char * const []) { "a", NULL });
  ConfabServer *server = confab_server_new ();
  TestClient *client;
  gboolean closed = TRUE;

  g_assert_true (confab_server_load_state (server, path, &error));
  g_assert_true (confab_server_listen (server, 0, &error));
  confab_server_set_post_survey (server, TRUE);
  jwt = test_signup (server, "confab-local");
  client = test_client_new (server, jwt);
  conversation_id = test_client_open_conversation (client);
  test_client_free (client);

  g_assert_true (confab_server_agent_accept (server, conversation_id, NULL));
  g_assert_true (confab_server_agent_close (server, conversation_id, CONFAB_CLOSE_REASON_AGENT, NULL));
  g_assert_cmpint (confab_server_agent_send_survey (server, conversation_id, "Rate us?", NULL, metadata, NULL), ==, 0);
  survey_id = confab_server_dup_survey_dialog_id (server, conversation_id);
  test_server_free (server);

  server = confab_server_new ();
  g_assert_true (confab_server_load_state (server, path, &error));
  g_assert_no_error (error);
  loaded_id = confab_server_dup_survey_dialog_id (server, conversation_id);
  g_assert_cmpstr (loaded_id, ==, survey_id);
  confab_server_peek_conversation (server, conversation_id, NULL, &closed, NULL);
  g_assert_false (closed);
  g_assert_cmpint (confab_server_agent_send_survey (server, conversation_id, "And?", NULL, NULL, NULL), ==, 1);
  g_assert_true (confab_server_agent_complete_survey (server, conversation_id, NULL));
  test_server_free (server);

  server = confab_server_new ();
  g_assert_true (confab_server_load_state (server, path, &error));
  confab_server_peek_conversation (server, conversation_id, NULL, &closed, NULL);
  g_assert_true (closed);
  test_server_free (server);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/survey/bot", Fixture, "bot", fixture_setup, test_bot_survey, server_fixture_teardown);
  g_test_add ("/server/survey/consumer-skips", Fixture, NULL, fixture_setup, test_consumer_skips, server_fixture_teardown);
  g_test_add ("/server/survey/close-survey-dialog", Fixture, NULL, fixture_setup, test_close_survey_dialog, server_fixture_teardown);
  g_test_add ("/server/survey/hostile", Fixture, NULL, fixture_setup, test_hostile, server_fixture_teardown);
  g_test_add_func ("/server/survey/control-switch", test_control_switch);
  g_test_add_func ("/server/survey/saved", test_saved);

  return g_test_run ();
}
