/* test-requests.c: the exact JSON of each request, and the parsers of their answers
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

/* Builds the whole request frame, taking the body. */
static char *
request (const char *id,
         const char *type,
         JsonNode   *body)
{
  char *text;

  text = confab_frame_build_request (id, type, body);
  g_clear_pointer (&body, json_node_unref);
  return text;
}

/* The same with top-level metadata (transfer none), taking the body. */
static char *
request_with_metadata (const char *id,
                       JsonNode   *body,
                       JsonNode   *metadata)
{
  char *text = confab_frame_build_request_full (id, CONFAB_REQ_PUBLISH_EVENT, body, metadata);

  json_node_unref (body);
  return text;
}

static void
test_request_conversation (void)
{
  g_autofree char *plain = request ("1", CONFAB_REQ_REQUEST_CONVERSATION,
                                    confab_request_conversation_body ("qa57221676", NULL));
  g_autofree char *skill = request ("2", CONFAB_REQ_REQUEST_CONVERSATION,
                                    confab_request_conversation_body ("123", "456"));
  g_autofree char *bare = request ("3", CONFAB_REQ_REQUEST_CONVERSATION,
                                   confab_request_conversation_body (NULL, NULL));

  g_assert_cmpstr (plain, ==,
                   "{\"kind\":\"req\",\"id\":\"1\",\"type\":\"cm.ConsumerRequestConversation\","
                   "\"body\":{\"channelType\":\"MESSAGING\",\"brandId\":\"qa57221676\"}}");
  g_assert_cmpstr (skill, ==,
                   "{\"kind\":\"req\",\"id\":\"2\",\"type\":\"cm.ConsumerRequestConversation\","
                   "\"body\":{\"channelType\":\"MESSAGING\",\"brandId\":\"123\",\"skillId\":\"456\"}}");
  g_assert_cmpstr (bare, ==,
                   "{\"kind\":\"req\",\"id\":\"3\",\"type\":\"cm.ConsumerRequestConversation\","
                   "\"body\":{\"channelType\":\"MESSAGING\"}}");
}

static void
test_subscribe_ex (void)
{
  g_autofree char *text = request ("4", CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  g_autofree char *later = request ("5", CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (1513813587308));

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"4\",\"type\":\"cqm.SubscribeExConversations\","
                   "\"body\":{\"minLastUpdatedTime\":0,\"stage\":[\"OPEN\",\"CLOSE\"],"
                   "\"convState\":[\"OPEN\",\"CLOSE\"]}}");
  g_assert_cmpstr (later, ==,
                   "{\"kind\":\"req\",\"id\":\"5\",\"type\":\"cqm.SubscribeExConversations\","
                   "\"body\":{\"minLastUpdatedTime\":1513813587308,\"stage\":[\"OPEN\",\"CLOSE\"],"
                   "\"convState\":[\"OPEN\",\"CLOSE\"]}}");
}

static void
test_subscribe_messaging (void)
{
  g_autofree char *text = request ("6", CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                   confab_subscribe_messaging_body ("conv", "dia", 0));
  g_autofree char *resume = request ("7", CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                     confab_subscribe_messaging_body ("conv", "conv", 42));

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"6\",\"type\":\"ms.SubscribeMessagingEvents\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\",\"fromSeq\":0}}");
  g_assert_cmpstr (resume, ==,
                   "{\"kind\":\"req\",\"id\":\"7\",\"type\":\"ms.SubscribeMessagingEvents\","
                   "\"body\":{\"dialogId\":\"conv\",\"conversationId\":\"conv\",\"fromSeq\":42}}");
}

static void
test_publish_text (void)
{
  g_autofree char *text = request ("17", CONFAB_REQ_PUBLISH_EVENT,
                                   confab_publish_text_body ("conv", "dia", "hi"));

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"17\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\","
                   "\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"hi\"}}}");
}

static void
test_publish_text_as_is (void)
{
  const char *user = "\"quoted\" \\ back\nline\r\ttab \x01 <b>&amp;</b> é ü 日本 😀 \xe2\x80\xa8";
  g_autofree char *text = request ("18", CONFAB_REQ_PUBLISH_EVENT,
                                   confab_publish_text_body ("c", "d", user));
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);
  JsonObject *event;

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"18\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"d\",\"conversationId\":\"c\","
                   "\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":"
                   "\"\\\"quoted\\\" \\\\ back\\nline\\r\\ttab \\u0001 <b>&amp;</b> é ü 日本 😀 \xe2\x80\xa8\"}}}");

  event = json_object_get_object_member (confab_frame_get_body_object (frame), "event");
  g_assert_cmpstr (json_object_get_string_member (event, "message"), ==, user);
}

static void
test_publish_text_long (void)
{
  g_autofree char *user = g_strnfill (1024 * 1024, 'a');
  g_autofree char *text = request ("19", CONFAB_REQ_PUBLISH_EVENT, confab_publish_text_body ("c", "d", user));

  g_assert_nonnull (strstr (text, user));
}

static void
test_publish_receipt (void)
{
  const gint64 sequences[] = { 3, 4 };
  g_autofree char *accept = request ("20", CONFAB_REQ_PUBLISH_EVENT,
                                     confab_publish_receipt_body ("conv", "dia", CONFAB_RECEIPT_ACCEPT, sequences, 2));
  g_autofree char *read = request ("21", CONFAB_REQ_PUBLISH_EVENT,
                                   confab_publish_receipt_body ("conv", "dia", CONFAB_RECEIPT_READ, sequences + 1, 1));
  g_autofree char *empty = request ("22", CONFAB_REQ_PUBLISH_EVENT,
                                    confab_publish_receipt_body ("conv", "dia", CONFAB_RECEIPT_READ, NULL, 0));

  g_assert_cmpstr (accept, ==,
                   "{\"kind\":\"req\",\"id\":\"20\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\","
                   "\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"ACCEPT\",\"sequenceList\":[3,4]}}}");
  g_assert_cmpstr (read, ==,
                   "{\"kind\":\"req\",\"id\":\"21\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\","
                   "\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\",\"sequenceList\":[4]}}}");
  g_assert_cmpstr (empty, ==,
                   "{\"kind\":\"req\",\"id\":\"22\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\","
                   "\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\",\"sequenceList\":[]}}}");
}

static void
test_publish_chat_state (void)
{
  g_autofree char *composing = request ("23", CONFAB_REQ_PUBLISH_EVENT,
                                        confab_publish_chat_state_body ("conv", "dia", CONFAB_CHAT_STATE_COMPOSING));
  g_autofree char *active = request ("24", CONFAB_REQ_PUBLISH_EVENT,
                                     confab_publish_chat_state_body ("conv", "dia", CONFAB_CHAT_STATE_ACTIVE));

  g_assert_cmpstr (composing, ==,
                   "{\"kind\":\"req\",\"id\":\"23\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\","
                   "\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"COMPOSING\"}}}");
  g_assert_cmpstr (active, ==,
                   "{\"kind\":\"req\",\"id\":\"24\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\","
                   "\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"ACTIVE\"}}}");
}

static void
test_close (void)
{
  g_autofree char *text = request ("25", CONFAB_REQ_UPDATE_CONVERSATION, confab_close_conversation_body ("conv"));

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"25\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"conv\",\"conversationField\":"
                   "[{\"field\":\"ConversationStateField\",\"conversationState\":\"CLOSE\"}]}}");
}

static void
test_csat (void)
{
  g_autofree char *filled = request ("26", CONFAB_REQ_UPDATE_CONVERSATION, confab_csat_body ("conv", 5, TRUE, FALSE));
  g_autofree char *low = request ("27", CONFAB_REQ_UPDATE_CONVERSATION, confab_csat_body ("conv", 1, FALSE, FALSE));
  g_autofree char *skipped = request ("28", CONFAB_REQ_UPDATE_CONVERSATION, confab_csat_body ("conv", 0, TRUE, TRUE));

  g_assert_cmpstr (filled, ==,
                   "{\"kind\":\"req\",\"id\":\"26\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"conv\",\"conversationField\":[{\"field\":\"CSATRate\","
                   "\"csatRate\":5,\"csatResolutionConfirmation\":true,\"status\":\"FILLED\"}]}}");
  g_assert_cmpstr (low, ==,
                   "{\"kind\":\"req\",\"id\":\"27\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"conv\",\"conversationField\":[{\"field\":\"CSATRate\","
                   "\"csatRate\":1,\"csatResolutionConfirmation\":false,\"status\":\"FILLED\"}]}}");
  g_assert_cmpstr (skipped, ==,
                   "{\"kind\":\"req\",\"id\":\"28\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"conv\",\"conversationField\":[{\"field\":\"CSATRate\","
                   "\"csatRate\":3,\"csatResolutionConfirmation\":true,\"status\":\"SKIPPED\"}]}}");
}

/* A click: the PCS tutorial's two frames, byte for byte. */
static void
test_action (void)
{
  const char *metadata_text = "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]";
  g_autoptr(JsonNode) metadata = confab_json_parse (metadata_text, strlen (metadata_text), NULL);
  const gint64 sequence = 5;
  g_autoptr(JsonNode) action_body = confab_publish_receipt_body ("CONV", "CONV", CONFAB_RECEIPT_ACTION, &sequence, 1);
  g_autoptr(JsonNode) text_body = confab_publish_text_body ("CONV", "CONV", "Buy");
  g_autofree char *action = confab_frame_build_request_full ("22", CONFAB_REQ_PUBLISH_EVENT, action_body, metadata);
  g_autofree char *text = confab_frame_build_request_full ("23", CONFAB_REQ_PUBLISH_EVENT, text_body, metadata);
  g_autoptr(ConfabFrame) frame = NULL;
  g_autofree char *kept = NULL;

  g_assert_cmpstr (action, ==,
                   "{\"kind\":\"req\",\"id\":\"22\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"CONV\",\"conversationId\":\"CONV\","
                   "\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"ACTION\",\"sequenceList\":[5]}},"
                   "\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]}");
  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"23\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"CONV\",\"conversationId\":\"CONV\","
                   "\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"Buy\"}},"
                   "\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]}");

  /* as the service reads it */
  frame = confab_test_parse_frame (action);
  kept = confab_json_to_string (frame->metadata);
  g_assert_cmpstr (kept, ==, metadata_text);
}

/* A click's metadata, taken from the parsed message, goes out verbatim. */
static void
test_action_from_click (void)
{
  const char *card = "{\"type\":\"button\",\"title\":\"5\",\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"5\"}],"
                     "\"metadata\":[{\"type\":\"Answer\",\"questionId\":\"q1\",\"id\":\"a5\",\"provider\":\"AC\",\"groupId\":null}]}}";
  g_autoptr(JsonNode) node = confab_json_parse (card, strlen (card), NULL);
  g_autoptr(ConfabRichContent) content = confab_rich_content_parse (node, NULL);
  ConfabRichAction *publish = g_ptr_array_index (content->root->click->actions, 0);
  g_autofree char *text = request_with_metadata ("30", confab_publish_text_body ("c", "SURVEY", publish->text),
                                                 content->root->click->metadata);

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"30\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"SURVEY\",\"conversationId\":\"c\","
                   "\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"5\"}},"
                   "\"metadata\":[{\"type\":\"Answer\",\"questionId\":\"q1\",\"id\":\"a5\",\"provider\":\"AC\",\"groupId\":null}]}");
}

static void
test_publish_file (void)
{
  g_autoptr(ConfabHostedFile) file = confab_hosted_file_new ("LivePerson logo", "/v1/AUTH_async-images/1/8a66.PNG",
                                                             CONFAB_FILE_TYPE_PNG, "data:image/png;base64,iVBOR0==");
  g_autofree char *text = request ("31", CONFAB_REQ_PUBLISH_EVENT, confab_publish_file_body ("conv", "dia", file));

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"31\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"dia\",\"conversationId\":\"conv\","
                   "\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\","
                   "\"message\":{\"caption\":\"LivePerson logo\",\"relativePath\":\"/v1/AUTH_async-images/1/8a66.PNG\","
                   "\"fileType\":\"PNG\",\"preview\":\"data:image/png;base64,iVBOR0==\"}}}}");
}

static void
test_generate_urls (void)
{
  g_autofree char *upload = request ("3", CONFAB_REQ_GENERATE_UPLOAD_URL, confab_upload_url_body (1000, CONFAB_FILE_TYPE_PNG));
  g_autofree char *download = request ("33", CONFAB_REQ_GENERATE_DOWNLOAD_URL,
                                       confab_download_url_body ("/v1/AUTH_async-images/ACCT/8a66.PNG"));

  g_assert_cmpstr (upload, ==,
                   "{\"kind\":\"req\",\"id\":\"3\",\"type\":\"ms.GenerateURLForUploadFile\","
                   "\"body\":{\"fileSize\":\"1000\",\"fileType\":\"PNG\"}}");
  g_assert_cmpstr (download, ==,
                   "{\"kind\":\"req\",\"id\":\"33\",\"type\":\"ms.GenerateURLForDownloadFile\","
                   "\"body\":{\"relativePath\":\"/v1/AUTH_async-images/ACCT/8a66.PNG\"}}");
}

static void
test_close_dialog (void)
{
  g_autofree char *text = request ("2", CONFAB_REQ_UPDATE_CONVERSATION, confab_close_dialog_body ("CONV", "CONV"));

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"2\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"CONV\",\"conversationField\":[{\"field\":\"DialogChange\","
                   "\"type\":\"UPDATE\",\"dialog\":{\"dialogId\":\"CONV\",\"state\":\"CLOSE\","
                   "\"closedCause\":\"Closed by consumer\"}}]}}");
}

/* Skipping a survey closes everything: the Stage field, which the PCS tutorial names. */
static void
test_close_stage (void)
{
  g_autofree char *text = request ("7", CONFAB_REQ_UPDATE_CONVERSATION, confab_close_stage_body ("CONV"));
  g_autoptr(ConfabFrame) frame = NULL;
  JsonObject *field;

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"7\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"CONV\",\"conversationField\":[{\"field\":\"Stage\","
                   "\"conversationState\":\"CLOSE\"}]}}");

  /* and it reads back as a frame with that one field */
  frame = confab_frame_parse (text, -1, NULL);
  g_assert_nonnull (frame);
  g_assert_cmpstr (frame->type, ==, CONFAB_REQ_UPDATE_CONVERSATION);
  field = json_array_get_object_element (confab_json_get_array (confab_frame_get_body_object (frame),
                                                                "conversationField"), 0);
  g_assert_cmpstr (confab_json_get_string (field, "field"), ==, "Stage");
  g_assert_cmpstr (confab_json_get_string (field, "conversationState"), ==, "CLOSE");
}

/* The schema requires all four members whatever the status. */
static void
test_csat_statuses (void)
{
  g_autofree char *partial = request ("40", CONFAB_REQ_UPDATE_CONVERSATION,
                                      confab_csat_status_body ("c", CONFAB_CSAT_PARTIALLY_FILLED, 4, FALSE));
  g_autofree char *skipped_rated = request ("41", CONFAB_REQ_UPDATE_CONVERSATION,
                                            confab_csat_status_body ("c", CONFAB_CSAT_SKIPPED, 2, FALSE));
  g_autofree char *skipped_legacy = request ("42", CONFAB_REQ_UPDATE_CONVERSATION, confab_csat_body ("c", 5, FALSE, TRUE));

  g_assert_cmpstr (partial, ==,
                   "{\"kind\":\"req\",\"id\":\"40\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"c\",\"conversationField\":[{\"field\":\"CSATRate\","
                   "\"csatRate\":4,\"csatResolutionConfirmation\":false,\"status\":\"PARTIALLY_FILLED\"}]}}");
  g_assert_cmpstr (skipped_rated, ==,
                   "{\"kind\":\"req\",\"id\":\"41\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"c\",\"conversationField\":[{\"field\":\"CSATRate\","
                   "\"csatRate\":2,\"csatResolutionConfirmation\":false,\"status\":\"SKIPPED\"}]}}");
  g_assert_cmpstr (skipped_legacy, ==,
                   "{\"kind\":\"req\",\"id\":\"42\",\"type\":\"cm.UpdateConversationField\","
                   "\"body\":{\"conversationId\":\"c\",\"conversationField\":[{\"field\":\"CSATRate\","
                   "\"csatRate\":5,\"csatResolutionConfirmation\":false,\"status\":\"SKIPPED\"}]}}");
}

static void
test_get_clock (void)
{
  g_autofree char *text = request ("9", CONFAB_REQ_GET_CLOCK, NULL);

  g_assert_cmpstr (text, ==, "{\"kind\":\"req\",\"id\":\"9\",\"type\":\"GetClock\"}");
}

static void
test_parse_conversation_id (void)
{
  /* seeds/000 and 004, step 2 */
  g_autoptr(ConfabFrame) ok = confab_test_parse_frame (
    "{\n\t\"kind\": \"resp\",\n\t\"reqId\": \"1\",\n\t\"code\": 200,\n\t\"body\": {\n"
    "\t\t\"conversationId\": \"7507be78-60ef-4468-b3b1-baa47fbeea21\"\n\t},\n"
    "\t\"type\": \"cm.RequestConversationResponse\"\n}");
  g_autoptr(ConfabFrame) refused = confab_test_parse_frame (
    "{\"kind\":\"resp\",\"reqId\":\"2\",\"code\":400,\"type\":\"cm.RequestConversationResponse\","
    "\"body\":\"There is already an open conversation\"}");
  g_autoptr(ConfabFrame) refused_silently = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"2\",\"code\":500}");
  g_autoptr(ConfabFrame) wrong_type = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"2\",\"code\":200,\"body\":{\"conversationId\":5}}");
  g_autoptr(ConfabFrame) no_code = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"2\",\"body\":{\"conversationId\":\"c\"}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;

  id = confab_parse_conversation_id (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "7507be78-60ef-4468-b3b1-baa47fbeea21");

  g_assert_null (confab_parse_conversation_id (refused, &error));
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "400"));
  g_assert_nonnull (strstr (error->message, "There is already an open conversation"));
  g_clear_error (&error);

  g_assert_null (confab_parse_conversation_id (refused_silently, &error));
  g_assert_nonnull (strstr (error->message, "500"));
  g_clear_error (&error);

  g_assert_null (confab_parse_conversation_id (wrong_type, &error));
  g_assert_nonnull (strstr (error->message, "conversationId"));
  g_clear_error (&error);

  id2 = confab_parse_conversation_id (no_code, NULL);
  g_assert_cmpstr (id2, ==, "c");
}

static void
test_parse_missing_bodies (void)
{
  const char *texts[] = {
    "{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200}",
    "{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200,\"body\":{}}",
    "{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200,\"body\":\"OK\"}",
    "{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200,\"body\":[]}",
    "{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200,\"body\":null}",
    ("{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200,\"body\":{\"conversationId\":\"\",\"subscriptionId\":null,"
     "\"sequence\":\"x\",\"currentTime\":{}}}"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(ConfabFrame) frame = confab_test_parse_frame (texts[i]);
      g_autoptr(GError) error = NULL;
      gint64 value = 12345;

      g_assert_null (confab_parse_conversation_id (frame, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      g_clear_error (&error);
      g_assert_null (confab_parse_subscription_id (frame, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      g_clear_error (&error);
      g_assert_false (confab_parse_publish_sequence (frame, &value, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      g_clear_error (&error);
      g_assert_false (confab_parse_clock (frame, &value, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      g_assert_cmpint (value, ==, 12345);
    }
}

static void
test_parse_publish_sequence (void)
{
  g_autoptr(ConfabFrame) ok = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"17\",\"code\":200,\"type\":\"ms.PublishEventResponse\",\"body\":{\"sequence\":7}}");
  g_autoptr(ConfabFrame) typing = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"18\",\"code\":200,\"body\":{\"sequence\":0}}");
  g_autoptr(ConfabFrame) as_double = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"18\",\"code\":200,\"body\":{\"sequence\":8.0}}");
  g_autoptr(ConfabFrame) closed = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"19\",\"code\":400,\"body\":\"Bad Request, Conversation is close\"}");
  g_autoptr(ConfabFrame) negative = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"19\",\"code\":200,\"body\":{\"sequence\":-1}}");
  g_autoptr(GError) error = NULL;
  gint64 seq = -1;

  g_assert_true (confab_parse_publish_sequence (ok, &seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 7);
  g_assert_true (confab_parse_publish_sequence (typing, &seq, NULL));
  g_assert_cmpint (seq, ==, 0);
  g_assert_true (confab_parse_publish_sequence (as_double, &seq, NULL));
  g_assert_cmpint (seq, ==, 8);
  g_assert_true (confab_parse_publish_sequence (ok, NULL, NULL));

  g_assert_false (confab_parse_publish_sequence (closed, &seq, &error));
  g_assert_nonnull (strstr (error->message, "Conversation is close"));
  g_clear_error (&error);
  g_assert_false (confab_parse_publish_sequence (negative, &seq, NULL));
}

static void
test_parse_clock (void)
{
  g_autoptr(ConfabFrame) ok = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"9\",\"code\":200,\"type\":\"GetClock\",\"body\":{\"currentTime\":1513813587308}}");
  g_autoptr(GError) error = NULL;
  gint64 now = 0;

  g_assert_true (confab_parse_clock (ok, &now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (now, ==, 1513813587308);
}

static void
test_parse_subscription_id (void)
{
  g_autoptr(ConfabFrame) ok = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"4\",\"code\":200,\"type\":\"cqm.SubscribeExConversationsResponse\",\"body\":{\"subscriptionId\":\"sub-1\"}}");
  g_autoptr(ConfabFrame) refused = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"4\",\"code\":429}");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = confab_parse_subscription_id (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "sub-1");

  g_assert_null (confab_parse_subscription_id (refused, &error));
  g_assert_nonnull (strstr (error->message, "429"));
}

static void
test_parse_file_url (void)
{
  /* the generate-upload-URL reference's answer, and its other type name */
  g_autoptr(ConfabFrame) ok = confab_test_parse_frame (
    "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200,\"type\":\"ms.GenerateURLResponse\","
    "\"body\":{\"relativePath\":\"/v1/AUTH_async-images/ACCT/8a66c819.PNG\","
    "\"queryParams\":{\"temp_url_sig\":\"6f52a7\",\"temp_url_expires\":\"1474973420\"}}}");
  g_autoptr(ConfabFrame) base = confab_test_parse_frame (
    "{\"kind\":\"resp\",\"reqId\":\"33\",\"code\":200,\"type\":\"ms.BaseGenerateURLResponse\","
    "\"body\":{\"relativePath\":\"/a/b\",\"queryParams\":{\"temp_url_sig\":\"s\",\"temp_url_expires\":1474973420}}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFileUrl) url = confab_parse_file_url (ok, &error);
  g_autoptr(ConfabFileUrl) base_url = NULL;
  const struct {
    const char *text;
    const char *missing;
  } bad[] = {
    { "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":401,\"body\":\"Unauthorized\"}", "401" },
    { "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200,\"body\":{}}", "relativePath" },
    { "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200,\"body\":{\"relativePath\":\"//evil.example/x\","
      "\"queryParams\":{\"temp_url_sig\":\"s\",\"temp_url_expires\":\"1\"}}}", "relativePath" },
    { "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200,\"body\":{\"relativePath\":\"/a\"}}", "temp_url_sig" },
    { "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200,\"body\":{\"relativePath\":\"/a\","
      "\"queryParams\":{\"temp_url_sig\":\"\",\"temp_url_expires\":\"1\"}}}", "temp_url_sig" },
    { "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200,\"body\":{\"relativePath\":\"/a\","
      "\"queryParams\":{\"temp_url_sig\":\"s\",\"temp_url_expires\":true}}}", "temp_url_expires" },
  };

  g_assert_no_error (error);
  g_assert_nonnull (url);
  g_assert_cmpstr (url->relative_path, ==, "/v1/AUTH_async-images/ACCT/8a66c819.PNG");
  g_assert_cmpstr (url->signature, ==, "6f52a7");
  g_assert_cmpstr (url->expires, ==, "1474973420");

  base_url = confab_parse_file_url (base, NULL);
  g_assert_nonnull (base_url);
  g_assert_cmpstr (base_url->expires, ==, "1474973420");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(ConfabFrame) frame = confab_test_parse_frame (bad[i].text);

      g_assert_null (confab_parse_file_url (frame, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, bad[i].missing));
      g_clear_error (&error);
    }

  /* what the service answers, the client reads */
  {
    g_autoptr(ConfabFileUrl) sent = confab_file_url_new ("/v1/x.PNG", "sig", "99");
    g_autoptr(JsonNode) body = confab_file_url_to_json (sent);
    g_autofree char *text = confab_frame_build_response ("5", 200, CONFAB_RESP_GENERATE_URL, body);
    g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);
    g_autoptr(ConfabFileUrl) got = confab_parse_file_url (frame, NULL);

    g_assert_cmpstr (got->relative_path, ==, sent->relative_path);
    g_assert_cmpstr (got->signature, ==, sent->signature);
    g_assert_cmpstr (got->expires, ==, sent->expires);
  }
}

static void
test_parse_long_failure (void)
{
  g_autofree char *big = g_strnfill (1024 * 1024, 'e');
  g_autofree char *text = g_strdup_printf ("{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":400,\"body\":\"%s\"}", big);
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);
  g_autoptr(GError) error = NULL;

  g_assert_null (confab_parse_conversation_id (frame, &error));
  g_assert_cmpuint (strlen (error->message), <, 1000);
}

/* The whole response frame the service sends, taking the body, parsed again. */
static ConfabFrame *
response_round_trip (const char *type,
                     JsonNode   *body,
                     const char *expected_text)
{
  g_autofree char *text = confab_frame_build_response ("7", 200, type, body);

  json_node_unref (body);
  g_assert_cmpstr (text, ==, expected_text);
  return confab_test_parse_frame (text);
}

static void
test_response_bodies (void)
{
  g_autoptr(ConfabFrame) conversation = NULL;
  g_autoptr(ConfabFrame) subscription = NULL;
  g_autoptr(ConfabFrame) sequence = NULL;
  g_autoptr(ConfabFrame) typing = NULL;
  g_autoptr(ConfabFrame) clock = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation_id = NULL;
  g_autofree char *subscription_id = NULL;
  gint64 value = -1;

  conversation = response_round_trip (CONFAB_RESP_REQUEST_CONVERSATION,
                                      confab_conversation_id_response_body ("c-\"1\""),
                                      "{\"kind\":\"resp\",\"reqId\":\"7\",\"code\":200,"
                                      "\"type\":\"cm.RequestConversationResponse\","
                                      "\"body\":{\"conversationId\":\"c-\\\"1\\\"\"}}");
  conversation_id = confab_parse_conversation_id (conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conversation_id, ==, "c-\"1\"");

  subscription = response_round_trip (CONFAB_RESP_SUBSCRIBE_EX,
                                      confab_subscription_id_response_body ("sub-1"),
                                      "{\"kind\":\"resp\",\"reqId\":\"7\",\"code\":200,"
                                      "\"type\":\"cqm.SubscribeExConversationsResponse\","
                                      "\"body\":{\"subscriptionId\":\"sub-1\"}}");
  subscription_id = confab_parse_subscription_id (subscription, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subscription_id, ==, "sub-1");

  sequence = response_round_trip (CONFAB_RESP_PUBLISH_EVENT,
                                  confab_publish_sequence_response_body (G_GINT64_CONSTANT (9007199254740991)),
                                  "{\"kind\":\"resp\",\"reqId\":\"7\",\"code\":200,"
                                  "\"type\":\"ms.PublishEventResponse\",\"body\":{\"sequence\":9007199254740991}}");
  g_assert_true (confab_parse_publish_sequence (sequence, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, G_GINT64_CONSTANT (9007199254740991));

  /* typing is answered with 0 */
  typing = response_round_trip (CONFAB_RESP_PUBLISH_EVENT, confab_publish_sequence_response_body (0),
                                "{\"kind\":\"resp\",\"reqId\":\"7\",\"code\":200,"
                                "\"type\":\"ms.PublishEventResponse\",\"body\":{\"sequence\":0}}");
  g_assert_true (confab_parse_publish_sequence (typing, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 0);

  clock = response_round_trip (CONFAB_RESP_GET_CLOCK, confab_clock_response_body (1513813587308),
                               "{\"kind\":\"resp\",\"reqId\":\"7\",\"code\":200,"
                               "\"type\":\"GetClockResponse\",\"body\":{\"currentTime\":1513813587308}}");
  g_assert_true (confab_parse_clock (clock, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 1513813587308);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/requests/request-conversation", test_request_conversation);
  g_test_add_func ("/protocol/requests/subscribe-ex", test_subscribe_ex);
  g_test_add_func ("/protocol/requests/subscribe-messaging", test_subscribe_messaging);
  g_test_add_func ("/protocol/requests/publish-text", test_publish_text);
  g_test_add_func ("/protocol/requests/publish-text-as-is", test_publish_text_as_is);
  g_test_add_func ("/protocol/requests/publish-text-long", test_publish_text_long);
  g_test_add_func ("/protocol/requests/publish-receipt", test_publish_receipt);
  g_test_add_func ("/protocol/requests/publish-chat-state", test_publish_chat_state);
  g_test_add_func ("/protocol/requests/close", test_close);
  g_test_add_func ("/protocol/requests/csat", test_csat);
  g_test_add_func ("/protocol/requests/csat-statuses", test_csat_statuses);
  g_test_add_func ("/protocol/requests/close-dialog", test_close_dialog);
  g_test_add_func ("/protocol/requests/close-stage", test_close_stage);
  g_test_add_func ("/protocol/requests/action", test_action);
  g_test_add_func ("/protocol/requests/action-from-click", test_action_from_click);
  g_test_add_func ("/protocol/requests/publish-file", test_publish_file);
  g_test_add_func ("/protocol/requests/generate-urls", test_generate_urls);
  g_test_add_func ("/protocol/requests/get-clock", test_get_clock);
  g_test_add_func ("/protocol/responses/conversation-id", test_parse_conversation_id);
  g_test_add_func ("/protocol/responses/missing-bodies", test_parse_missing_bodies);
  g_test_add_func ("/protocol/responses/publish-sequence", test_parse_publish_sequence);
  g_test_add_func ("/protocol/responses/clock", test_parse_clock);
  g_test_add_func ("/protocol/responses/subscription-id", test_parse_subscription_id);
  g_test_add_func ("/protocol/responses/file-url", test_parse_file_url);
  g_test_add_func ("/protocol/responses/long-failure", test_parse_long_failure);
  g_test_add_func ("/protocol/responses/bodies", test_response_bodies);

  return g_test_run ();
}
