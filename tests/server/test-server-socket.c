/* test-server-socket.c: the consumer WebSocket of the local service, request by request
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <string.h>

#include "confab-protocol.h"

typedef ServerFixture Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  server_fixture_connect (fixture, test_server_new ());
}

static JsonObject *
first_ex_change (JsonObject *notification)
{
  JsonArray *changes = json_object_get_array_member (test_frame_body_object (notification), "changes");

  g_assert_cmpuint (json_array_get_length (changes), >=, 1);
  return json_array_get_object_element (changes, 0);
}

static JsonObject *
ex_details (JsonObject *change)
{
  return json_object_get_object_member (json_object_get_object_member (change, "result"), "conversationDetails");
}

static gboolean
details_have_role (JsonObject *details,
                   const char *role)
{
  JsonArray *participants = json_object_get_array_member (details, "participants");

  for (guint i = 0; i < json_array_get_length (participants); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (participants, i), "role"), role) == 0)
      return TRUE;
  return FALSE;
}

static JsonObject *
find_state_conversation (JsonNode   *state,
                         const char *conversation_id)
{
  JsonArray *conversations = json_object_get_array_member (json_node_get_object (state), "conversations");

  for (guint i = 0; i < json_array_get_length (conversations); i++)
    {
      JsonObject *conversation = json_array_get_object_element (conversations, i);

      if (g_str_equal (json_object_get_string_member (conversation, "id"), conversation_id))
        return conversation;
    }

  g_assert_not_reached ();
}

static JsonObject *
state_event (JsonNode   *state,
             const char *conversation_id,
             gint64      sequence)
{
  JsonObject *conversation = find_state_conversation (state, conversation_id);
  JsonArray *events = json_object_get_array_member (conversation, "events");

  return json_array_get_object_element (events, (guint) sequence);
}

/* Upgrades */

static void
test_upgrade_refused (void)
{
  ConfabServer *server = test_server_new ();
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *other_account = test_signup (server, "other-account");
  g_autofree char *expired = confab_server_issue_token (server, NULL, NULL, -10);
  g_autofree char *good = g_strconcat ("jwt ", jwt, NULL);
  g_autofree char *wrong_aud = g_strconcat ("jwt ", other_account, NULL);
  g_autofree char *expired_header = g_strconcat ("jwt ", expired, NULL);
  g_autofree char *bad_signature = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(ConfabServer) other_server = NULL;
  g_autofree char *foreign = NULL;

  /* Signed by another server: another key. */
  other_server = confab_server_new ();
  foreign = confab_server_issue_token (other_server, NULL, NULL, 3600);
  bad_signature = g_strconcat ("jwt ", foreign, NULL);

  g_assert_cmpuint (test_upgrade_status (server, "confab-local", good), ==, 101);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", NULL), ==, 401);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", "jwt "), ==, 401);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", "Bearer abc"), ==, 401);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", "jwt not.a.token"), ==, 401);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", bad_signature), ==, 401);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", expired_header), ==, 401);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", wrong_aud), ==, 401);
  g_assert_cmpuint (test_upgrade_status (server, "other-account", wrong_aud), ==, 101);

  /* Refused on purpose through the control API, until turned off again. */
  answer = test_control (server, "refuse-tokens", "{\"refuse\":true}", 200);
  g_assert_true (confab_server_get_refuse_tokens (server));
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", good), ==, 401);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (server, "refuse-tokens", "{\"refuse\":false}", 200);
  g_assert_cmpuint (test_upgrade_status (server, "confab-local", good), ==, 101);

  g_assert_cmpuint (confab_server_get_n_sockets (server), ==, 0);
  test_server_free (server);
}

static void
test_upgrade_wrong_path (void)
{
  ConfabServer *server = test_server_new ();
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = test_http (server, "GET", "/ws_api/account/confab-local/messaging/agent?v=3", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&answer, json_node_unref);

  /* The right path, but not an upgrade. */
  answer = test_http (server, "GET", "/ws_api/account/confab-local/messaging/consumer?v=3", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);

  test_server_free (server);
}

static void
test_token_expires_on_open_socket (void)
{
  ConfabServer *server = test_server_new ();
  /* exp is in whole seconds: 2 leaves at least one second to open the socket. */
  g_autofree char *jwt = confab_server_issue_token (server, NULL, NULL, 2);
  TestClient *client = test_client_new (server, jwt);

  test_client_wait_closed (client);
  g_assert_cmpuint (client->close_code, ==, 4401);

  test_client_free (client);
  test_server_free (server);
}

/* Requests */

static void
test_request_conversation (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *conversation_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *other_jwt = NULL;
  TestClient *other;
  JsonObject *response;

  conversation_id = test_client_open_conversation (fixture->client);
  g_assert_true (g_uuid_string_is_valid (conversation_id));

  /* One open conversation per consumer, whichever socket asks. */
  response = test_client_request (fixture->client, CONFAB_REQ_REQUEST_CONVERSATION, NULL);
  g_assert_cmpint (test_response_code (response), ==, 400);
  g_assert_nonnull (test_frame_body_string (response));

  other = test_client_new (fixture->server, fixture->jwt);
  response = test_client_request (other, CONFAB_REQ_REQUEST_CONVERSATION, NULL);
  g_assert_cmpint (test_response_code (response), ==, 400);
  test_client_free (other);

  /* Another consumer may have its own. */
  other_jwt = test_signup (fixture->server, "confab-local");
  other = test_client_new (fixture->server, other_jwt);
  g_free (test_client_open_conversation (other));
  test_client_free (other);

  /* Once closed, a new one may be requested. */
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_conversation_body (conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 200);
  second_id = test_client_open_conversation (fixture->client);
  g_assert_cmpstr (second_id, !=, conversation_id);
}

static void
test_subscribe_ex (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *conversation_id = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *response;
  JsonObject *notification;
  JsonObject *change;
  JsonObject *details;
  JsonObject *dialog;
  gint64 last_ts;
  guint cursor = 0;

  /* Nothing yet: an empty list, so the client knows to request a conversation. */
  response = test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (response, "type"), ==, "cqm.SubscribeExConversationsResponse");
  g_assert_nonnull (json_object_get_string_member (test_frame_body_object (response), "subscriptionId"));
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_frame_body_object (notification), "changes")), ==, 0);

  /* Live: requested… */
  conversation_id = test_client_open_conversation (fixture->client);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  change = first_ex_change (notification);
  g_assert_cmpstr (json_object_get_string_member (change, "type"), ==, "UPSERT");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "result"), "convId"), ==, conversation_id);
  details = ex_details (change);
  g_assert_cmpstr (json_object_get_string_member (details, "state"), ==, "OPEN");
  g_assert_cmpstr (json_object_get_string_member (details, "stage"), ==, "OPEN");
  g_assert_true (details_have_role (details, "CONSUMER"));
  g_assert_false (details_have_role (details, "ASSIGNED_AGENT"));
  dialog = json_array_get_object_element (json_object_get_array_member (details, "dialogs"), 0);
  g_assert_cmpstr (json_object_get_string_member (dialog, "dialogId"), ==, conversation_id);
  g_assert_cmpstr (json_object_get_string_member (dialog, "dialogType"), ==, "MAIN");
  g_assert_cmpstr (json_object_get_string_member (dialog, "state"), ==, "OPEN");
  last_ts = json_object_get_int_member (details, "metaDataLastUpdateTs");

  /* …accepted by the agent… */
  answer = test_control (fixture->server, "agent/accept", NULL, 200);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  details = ex_details (first_ex_change (notification));
  g_assert_true (details_have_role (details, "ASSIGNED_AGENT"));
  g_assert_cmpint (json_object_get_int_member (details, "metaDataLastUpdateTs"), >, last_ts);
  last_ts = json_object_get_int_member (details, "metaDataLastUpdateTs");
  g_clear_pointer (&answer, json_node_unref);

  /* …closed by the agent, with its reason. */
  answer = test_control (fixture->server, "agent/close", NULL, 200);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  details = ex_details (first_ex_change (notification));
  g_assert_cmpstr (json_object_get_string_member (details, "state"), ==, "CLOSE");
  g_assert_cmpstr (json_object_get_string_member (details, "stage"), ==, "CLOSE");
  g_assert_cmpstr (json_object_get_string_member (details, "closeReason"), ==, "AGENT");
  g_assert_cmpint (json_object_get_int_member (details, "metaDataLastUpdateTs"), >, last_ts);
  g_clear_pointer (&answer, json_node_unref);

  /* A new subscription lists what exists; one for OPEN only leaves closed ones out. */
  response = test_client_request_json (fixture->client, CONFAB_REQ_SUBSCRIBE_EX,
                                       "{\"minLastUpdatedTime\":0,\"convState\":[\"OPEN\",\"CLOSE\"]}");
  g_assert_cmpint (test_response_code (response), ==, 200);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_frame_body_object (notification), "changes")), ==, 1);

  response = test_client_request_json (fixture->client, CONFAB_REQ_SUBSCRIBE_EX,
                                       "{\"minLastUpdatedTime\":0,\"convState\":[\"OPEN\"]}");
  g_assert_cmpint (test_response_code (response), ==, 200);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_frame_body_object (notification), "changes")), ==, 0);

  /* Unsubscribing, then an unknown subscription. */
  response = test_client_request_json (fixture->client, "cqm.UnsubscribeExConversations", "{}");
  g_assert_cmpint (test_response_code (response), ==, 200);
  response = test_client_request_json (fixture->client, "cqm.UnsubscribeExConversations",
                                       "{\"subscriptionId\":\"nope\"}");
  g_assert_cmpint (test_response_code (response), ==, 400);
}

static void
test_subscribe_ex_open_only_sees_delete (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *notification;
  JsonObject *change;
  guint cursor = 0;

  test_client_request_json (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, "{\"convState\":[\"OPEN\"]}");
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_frame_body_object (notification), "changes")), ==, 1);

  answer = test_control (fixture->server, "agent/close", NULL, 200);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  change = first_ex_change (notification);
  g_assert_cmpstr (json_object_get_string_member (change, "type"), ==, "DELETE");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "result"), "convId"), ==, conversation_id);
}

static void
test_publish_text (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(GPtrArray) changes = NULL;
  JsonObject *response;
  JsonObject *change;
  JsonObject *event;

  test_client_subscribe (fixture->client, conversation_id, 0);

  response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body (conversation_id, conversation_id, "hi"));
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (response, "type"), ==, "ms.PublishEventResponse");
  g_assert_cmpint (json_object_get_int_member (test_frame_body_object (response), "sequence"), ==, 0);
  g_assert_cmpint (test_client_publish_text (fixture->client, conversation_id, "again"), ==, 1);

  /* Echoed as the consumer's own message. */
  changes = test_client_wait_changes (fixture->client, "ContentEvent", 2);
  change = g_ptr_array_index (changes, 0);
  g_assert_cmpint (json_object_get_int_member (change, "sequence"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "originatorId"), ==, fixture->client->consumer_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "originatorMetadata"), "role"), ==, "CONSUMER");
  g_assert_cmpstr (json_object_get_string_member (change, "dialogId"), ==, conversation_id);
  g_assert_cmpstr (json_object_get_string_member (change, "conversationId"), ==, conversation_id);
  g_assert_cmpint (json_object_get_int_member (change, "serverTimestamp"), >, 0);
  event = json_object_get_object_member (change, "event");
  g_assert_cmpstr (json_object_get_string_member (event, "message"), ==, "hi");
  g_assert_cmpstr (json_object_get_string_member (event, "contentType"), ==, "text/plain");

  /* Only a dialogId, no conversationId, as in the tutorial; contentType left out. */
  response = test_client_request_json (fixture->client, CONFAB_REQ_PUBLISH_EVENT, "{}");
  g_assert_cmpint (test_response_code (response), ==, 400);
  {
    g_autofree char *body = g_strdup_printf ("{\"dialogId\":\"%s\",\"event\":{\"type\":\"ContentEvent\",\"message\":\"plain\"}}",
                                             conversation_id);

    response = test_client_request_json (fixture->client, CONFAB_REQ_PUBLISH_EVENT, body);
    g_assert_cmpint (test_response_code (response), ==, 200);
    g_assert_cmpint (json_object_get_int_member (test_frame_body_object (response), "sequence"), ==, 2);
  }
}

static void
test_publish_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autofree char *other_jwt = test_signup (fixture->server, "confab-local");
  g_autofree char *others_conversation = NULL;
  const char *bad_events[] = {
    "{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\"}",
    "{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":42}",
    "{\"type\":\"ContentEvent\",\"message\":[\"a\"]}",
    "{\"type\":\"AcceptStatusEvent\",\"status\":\"SEEN\",\"sequenceList\":[0]}",
    "{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\",\"sequenceList\":[]}",
    "{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\",\"sequenceList\":[\"0\"]}",
    "{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\",\"sequenceList\":[-1]}",
    "{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\"}",
    "{\"type\":\"ChatStateEvent\"}",
    "{\"type\":\"RichContentEvent\"}",
    "{\"type\":\"TeleportEvent\"}",
    "{\"message\":\"no type\"}",
    "\"not an object\"",
  };
  TestClient *other;
  JsonObject *response;

  for (guint i = 0; i < G_N_ELEMENTS (bad_events); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"dialogId\":\"%s\",\"conversationId\":\"%s\",\"event\":%s}",
                                               conversation_id, conversation_id, bad_events[i]);

      response = test_client_request_json (fixture->client, CONFAB_REQ_PUBLISH_EVENT, body);
      g_assert_cmpint (test_response_code (response), ==, 400);
      g_assert_nonnull (test_frame_body_string (response));
    }

  /* Unknown dialog, and someone else's. */
  response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body ("nope", "nope", "hi"));
  g_assert_cmpint (test_response_code (response), ==, 400);

  other = test_client_new (fixture->server, other_jwt);
  others_conversation = test_client_open_conversation (other);
  test_client_free (other);
  response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body (others_conversation, others_conversation, "hi"));
  g_assert_cmpint (test_response_code (response), ==, 400);
  response = test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (others_conversation, others_conversation, 0));
  g_assert_cmpint (test_response_code (response), ==, 400);

  /* Nothing was stored. */
  g_assert_cmpint (test_client_publish_text (fixture->client, conversation_id, "first"), ==, 0);
}

static void
on_consumer_event (ConfabServer *server,
                   const char   *conversation_id,
                   gint64        sequence,
                   JsonNode     *event,
                   JsonNode     *metadata,
                   gpointer      user_data)
{
  GPtrArray *seen = user_data;
  JsonObject *object = json_node_get_object (event);

  g_ptr_array_add (seen, g_strdup_printf ("%" G_GINT64_FORMAT " %s %s", sequence,
                                          json_object_get_string_member (object, "type"),
                                          json_object_has_member (object, "chatState")
                                          ? json_object_get_string_member (object, "chatState") : ""));
}

static void
test_publish_typing (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) typing = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) state = NULL;
  JsonObject *response;
  JsonObject *change;
  gulong handler;

  handler = g_signal_connect (fixture->server, "consumer-event", G_CALLBACK (on_consumer_event), seen);
  test_client_subscribe (fixture->client, conversation_id, 0);

  response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_chat_state_body (conversation_id, conversation_id,
                                                                  CONFAB_CHAT_STATE_COMPOSING));
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpint (json_object_get_int_member (test_frame_body_object (response), "sequence"), ==, 0);

  /* Forwarded to the agent, not stored: the next message still gets sequence 0. */
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "-1 ChatStateEvent COMPOSING");
  g_assert_cmpint (test_client_publish_text (fixture->client, conversation_id, "x"), ==, 0);
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "0 ContentEvent ");
  state = confab_server_dup_state (fixture->server);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (find_state_conversation (state, conversation_id), "events")), ==, 1);

  /* The agent's typing reaches the consumer, without sequence or timestamp. */
  answer = test_control (fixture->server, "agent/typing", "{\"chatState\":\"COMPOSING\"}", 200);
  typing = test_client_wait_changes (fixture->client, "ChatStateEvent", 1);
  change = g_ptr_array_index (typing, 0);
  g_assert_false (json_object_has_member (change, "sequence"));
  g_assert_false (json_object_has_member (change, "serverTimestamp"));
  g_assert_cmpstr (json_object_get_string_member (change, "originatorId"), ==, confab_server_get_agent_id (fixture->server));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "event"), "chatState"), ==, "COMPOSING");
  g_clear_pointer (&answer, json_node_unref);

  answer = test_control (fixture->server, "agent/typing", "{\"chatState\":\"SINGING\"}", 400);

  g_signal_handler_disconnect (fixture->server, handler);
}

static void
test_closed_conversation (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(JsonNode) answer = NULL;
  gint64 sequences[] = { 0 };
  JsonNode *bodies[3];
  JsonObject *response;
  JsonObject *notification;
  JsonObject *details;
  guint cursor = 0;

  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  test_client_publish_text (fixture->client, conversation_id, "before");

  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_conversation_body (conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (response, "type"), ==, "cm.UpdateConversationFieldResponse");
  g_assert_cmpstr (test_frame_body_string (response), ==, "OK Conversation resolved successfully");

  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  details = ex_details (first_ex_change (notification));
  g_assert_cmpstr (json_object_get_string_member (details, "stage"), ==, "CLOSE");
  g_assert_cmpstr (json_object_get_string_member (details, "closeReason"), ==, "CONSUMER");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (details, "dialogs"), 0), "state"), ==, "CLOSE");

  /* Nothing more may be published into it: text, receipts or typing. */
  bodies[0] = confab_publish_text_body (conversation_id, conversation_id, "after");
  bodies[1] = confab_publish_receipt_body (conversation_id, conversation_id, CONFAB_RECEIPT_READ, sequences, 1);
  bodies[2] = confab_publish_chat_state_body (conversation_id, conversation_id, CONFAB_CHAT_STATE_COMPOSING);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT, bodies[i]);
      g_assert_cmpint (test_response_code (response), ==, 400);
      g_assert_cmpstr (test_frame_body_string (response), ==, "Bad Request, Conversation is close");
    }

  /* Closing twice fails; the agent cannot write into it either. */
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_conversation_body (conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 400);
  {
    g_autofree char *body = g_strdup_printf ("{\"conversationId\":\"%s\",\"text\":\"late\"}", conversation_id);

    answer = test_control (fixture->server, "agent/message", body, 409);
  }

  /* History can still be read. */
  test_client_subscribe (fixture->client, conversation_id, 0);
  g_ptr_array_unref (test_client_wait_changes (fixture->client, "ContentEvent", 1));
}

static void
test_update_field (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(JsonNode) state = NULL;
  JsonObject *response;
  const char *bad_fields[] = {
    "[{\"field\":\"CSATRate\",\"csatRate\":9,\"status\":\"FILLED\"}]",
    "[{\"field\":\"CSATRate\",\"status\":\"FILLED\"}]",
    "[{\"field\":\"ParticipantsChange\"}]",
    "[{\"field\":\"ConversationStateField\",\"conversationState\":\"OPEN\"}]",
    "[]",
    "42",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_fields); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"conversationId\":\"%s\",\"conversationField\":%s}",
                                               conversation_id, bad_fields[i]);

      response = test_client_request_json (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION, body);
      g_assert_cmpint (test_response_code (response), ==, 400);
      g_assert_nonnull (test_frame_body_string (response));
    }

  response = test_client_request_json (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                       "{\"conversationId\":\"nope\",\"conversationField\":[]}");
  g_assert_cmpint (test_response_code (response), ==, 400);

  /* A one-element array may come as the bare element. */
  {
    g_autofree char *body = g_strdup_printf ("{\"conversationId\":\"%s\",\"conversationField\":"
                                             "{\"field\":\"ConversationStateField\",\"conversationState\":\"CLOSE\"}}",
                                             conversation_id);

    response = test_client_request_json (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION, body);
    g_assert_cmpint (test_response_code (response), ==, 200);
  }

  /* Satisfaction after close. */
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_csat_body (conversation_id, 4, TRUE, FALSE));
  g_assert_cmpint (test_response_code (response), ==, 200);
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_csat_body (conversation_id, 0, FALSE, TRUE));
  g_assert_cmpint (test_response_code (response), ==, 200);

  state = confab_server_dup_state (fixture->server);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (find_state_conversation (state, conversation_id), "csat"), "status"), ==, "SKIPPED");
}

static void
test_get_clock (Fixture       *fixture,
                gconstpointer  data)
{
  JsonObject *response;
  gint64 now = g_get_real_time () / 1000;

  response = test_client_request (fixture->client, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (response, "type"), ==, "GetClockResponse");
  g_assert_cmpint (ABS (json_object_get_int_member (test_frame_body_object (response), "currentTime") - now), <, 10000);
}

static void
test_unknown_and_malformed (Fixture       *fixture,
                            gconstpointer  data)
{
  TestClient *client = fixture->client;
  g_autoptr(GString) deep = g_string_new ("{\"kind\":\"req\",\"id\":\"deep\",\"type\":\"GetClock\",\"body\":");
  g_autoptr(GString) huge = g_string_new ("{\"kind\":\"req\",\"id\":\"huge\",\"type\":\"GetClock\",\"body\":\"");
  JsonObject *response;
  guint before;

  response = test_client_request_json (client, "cm.NoSuchRequest", "{}");
  g_assert_cmpint (test_response_code (response), ==, 400);
  g_assert_nonnull (test_frame_body_string (response));

  /* Not JSON, but its id can be read. */
  test_client_send_raw (client, "{\"kind\":\"req\",\"id\":\"7\",\"type\":\"GetClock\",");
  response = test_client_wait_response (client, "7");
  g_assert_cmpint (test_response_code (response), ==, 400);

  /* Numeric ids are answered as strings. */
  test_client_send_raw (client, "{\"kind\":\"req\",\"id\":8,\"type\":\"GetClock\"}");
  response = test_client_wait_response (client, "8");
  g_assert_cmpint (test_response_code (response), ==, 200);

  /* No id to be found: answered with a null reqId. */
  before = test_client_count (client, "resp", NULL);
  test_client_send_raw (client, "this is not json");
  test_client_send_raw (client, "[1,2,3]");
  test_client_send_raw (client, "{\"kind\":\"req\",\"type\":\"GetClock\"}");
  test_client_send_raw (client, "");
  CONFAB_TEST_WAIT_UNTIL (test_client_count (client, "resp", NULL) == before + 4, 5000);
  for (guint i = client->frames->len - 4; i < client->frames->len; i++)
    {
      JsonObject *frame = json_node_get_object (g_ptr_array_index (client->frames, i));

      g_assert_true (json_object_get_null_member (frame, "reqId"));
      g_assert_cmpint (json_object_get_int_member (frame, "code"), ==, 400);
    }

  /* Too deep to parse, and too large. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  g_string_append (deep, "}");
  test_client_send_raw (client, deep->str);
  response = test_client_wait_response (client, "deep");
  g_assert_cmpint (test_response_code (response), >=, 400);

  for (guint i = 0; i < CONFAB_FRAME_MAX_SIZE + 16; i++)
    g_string_append_c (huge, 'x');
  g_string_append (huge, "\"}");
  test_client_send_raw (client, huge->str);
  response = test_client_wait_response (client, "huge");
  g_assert_cmpint (test_response_code (response), ==, 413);

  /* Frames that are not requests are ignored; binary frames are refused. */
  test_client_send_raw (client, "{\"kind\":\"notification\",\"type\":\"ms.Something\",\"body\":{}}");
  test_client_send_raw (client, "{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200}");
  before = test_client_count (client, "resp", NULL);
  soup_websocket_connection_send_binary (client->conn, "\x01\x02", 2);
  CONFAB_TEST_WAIT_UNTIL (test_client_count (client, "resp", NULL) == before + 1, 5000);

  /* Still serving. */
  response = test_client_request (client, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpuint (confab_server_get_n_sockets (fixture->server), ==, 1);
}

/* Seed tutorial 000: messages an agent sent while the consumer was away arrive on subscribe. */
static void
test_offline_delivery (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ConfabJwtClaims) claims = confab_jwt_decode (fixture->jwt, NULL);
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(GPtrArray) changes = NULL;
  const char *texts[] = { "message from the agent", "are you there?", "I'll wait" };

  g_assert_nonnull (claims);
  test_client_publish_text (fixture->client, conversation_id, "hello, anyone?");
  g_clear_pointer (&fixture->client, test_client_free);
  CONFAB_TEST_WAIT_UNTIL (confab_server_get_n_sockets (fixture->server) == 0, 5000);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"conversationId\":\"%s\",\"text\":\"%s\"}",
                                               conversation_id, texts[i]);
      g_autoptr(JsonNode) answer = test_control (fixture->server, "agent/message", body, 200);

      g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "sequence"), ==, i + 1);
    }

  fixture->client = test_client_new (fixture->server, fixture->jwt);
  test_client_subscribe (fixture->client, conversation_id, 0);
  changes = test_client_wait_changes (fixture->client, "ContentEvent", 4);
  g_assert_cmpuint (changes->len, ==, 4);

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      const char *originator = json_object_get_string_member (change, "originatorId");
      gboolean own = g_str_equal (originator, claims->sub);

      g_assert_cmpint (json_object_get_int_member (change, "sequence"), ==, i);
      g_assert_true (own == (i == 0));
      if (!own)
        {
          g_assert_cmpstr (originator, ==, confab_server_get_agent_id (fixture->server));
          g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "originatorMetadata"), "role"), ==, "ASSIGNED_AGENT");
          g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "event"), "message"), ==, texts[i - 1]);
        }
    }
}

/* Seed tutorial 004: receipts from the consumer for the agent's messages, and back. */
static void
test_receipts_both_ways (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) log = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autofree char *body = NULL;
  g_autofree char *frame = NULL;
  JsonObject *response;
  JsonObject *change;
  JsonObject *event;
  gint64 agent_seq;
  gint64 own_seq;
  guint n_publish = 0;

  test_client_subscribe (fixture->client, conversation_id, 0);

  /* The consumer acknowledges an agent message, with the tutorial's very frames. */
  body = g_strdup_printf ("{\"conversationId\":\"%s\",\"text\":\"some agent text\"}", conversation_id);
  answer = test_control (fixture->server, "agent/message", body, 200);
  agent_seq = json_object_get_int_member (json_node_get_object (answer), "sequence");
  g_ptr_array_unref (test_client_wait_changes (fixture->client, "ContentEvent", 1));

  frame = g_strdup_printf ("{\"kind\":\"req\",\"id\":902,\"type\":\"ms.PublishEvent\",\"body\":{\"dialogId\":\"%s\","
                           "\"event\":{\"type\" : \"AcceptStatusEvent\" , \"status\" : \"ACCEPT\", \"sequenceList\" : [ %" G_GINT64_FORMAT " ]}}}",
                           conversation_id, agent_seq);
  test_client_send_raw (fixture->client, frame);
  response = test_client_wait_response (fixture->client, "902");
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpint (json_object_get_int_member (test_frame_body_object (response), "sequence"), ==, agent_seq + 1);

  state = confab_server_dup_state (fixture->server);
  g_assert_cmpstr (json_object_get_string_member (state_event (state, conversation_id, agent_seq), "acceptStatus"), ==, "ACCEPT");
  g_clear_pointer (&state, json_node_unref);
  g_clear_pointer (&frame, g_free);

  frame = g_strdup_printf ("{\"kind\":\"req\",\"id\":903,\"type\":\"ms.PublishEvent\",\"body\":{\"dialogId\":\"%s\","
                           "\"event\":{\"type\" : \"AcceptStatusEvent\" , \"status\" : \"READ\", \"sequenceList\" : [ %" G_GINT64_FORMAT " ]}}}",
                           conversation_id, agent_seq);
  test_client_send_raw (fixture->client, frame);
  response = test_client_wait_response (fixture->client, "903");
  g_assert_cmpint (test_response_code (response), ==, 200);

  /* The agent side sees it: in the state and in the frame log. */
  state = confab_server_dup_state (fixture->server);
  g_assert_cmpstr (json_object_get_string_member (state_event (state, conversation_id, agent_seq), "acceptStatus"), ==, "READ");
  g_clear_pointer (&state, json_node_unref);

  log = test_control (fixture->server, "frames", "{\"type\":\"ms.PublishEvent\"}", 200);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (log)); i++)
    {
      JsonObject *entry = json_array_get_object_element (json_node_get_array (log), i);
      JsonObject *logged = json_object_get_object_member (json_object_get_object_member (entry, "frame"), "body");

      g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, "ms.PublishEvent");
      g_assert_cmpstr (json_object_get_string_member (entry, "consumerId"), ==, fixture->client->consumer_id);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (logged, "event"), "type"), ==, "AcceptStatusEvent");
      n_publish++;
    }
  g_assert_cmpuint (n_publish, ==, 2);

  /* Receipts are events too: the consumer sees its own, with their sequences. */
  receipts = test_client_wait_changes (fixture->client, "AcceptStatusEvent", 2);
  g_ptr_array_unref (g_steal_pointer (&receipts));

  /* The agent acknowledges a consumer message: ACCEPT, READ, and a late ACCEPT that
   * does not move the state back. */
  own_seq = test_client_publish_text (fixture->client, conversation_id, "thanks");
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&answer, json_node_unref);
  body = g_strdup_printf ("{\"conversationId\":\"%s\",\"status\":\"ACCEPT\",\"sequences\":[%" G_GINT64_FORMAT "]}",
                          conversation_id, own_seq);
  answer = test_control (fixture->server, "agent/receipt", body, 200);
  g_clear_pointer (&answer, json_node_unref);

  receipts = test_client_wait_changes (fixture->client, "AcceptStatusEvent", 3);
  change = g_ptr_array_index (receipts, 2);
  event = json_object_get_object_member (change, "event");
  g_assert_cmpstr (json_object_get_string_member (change, "originatorId"), ==, confab_server_get_agent_id (fixture->server));
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "ACCEPT");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (event, "sequenceList"), 0), ==, own_seq);
  g_assert_cmpint (json_object_get_int_member (change, "sequence"), ==, own_seq + 1);
  g_ptr_array_unref (g_steal_pointer (&receipts));

  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"status\":\"READ\",\"sequences\":[%" G_GINT64_FORMAT "]}", own_seq);
  answer = test_control (fixture->server, "agent/receipt", body, 200);
  g_clear_pointer (&answer, json_node_unref);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"status\":\"ACCEPT\",\"sequences\":[%" G_GINT64_FORMAT "]}", own_seq);
  answer = test_control (fixture->server, "agent/receipt", body, 200);

  receipts = test_client_wait_changes (fixture->client, "AcceptStatusEvent", 5);
  state = confab_server_dup_state (fixture->server);
  g_assert_cmpstr (json_object_get_string_member (state_event (state, conversation_id, own_seq), "acceptStatus"), ==, "READ");

  /* A consumer's receipt for its own message changes nothing. */
  g_assert_false (json_object_has_member (state_event (state, conversation_id, agent_seq + 1), "acceptStatus"));

  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/receipt", "{\"status\":\"SEEN\",\"sequences\":[0]}", 400);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/receipt", "{\"status\":\"READ\",\"sequences\":[]}", 400);
}

static void
test_reconnect_from_seq (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(GPtrArray) changes = NULL;
  JsonObject *response;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("m%u", i);

      test_client_publish_text (fixture->client, conversation_id, text);
    }

  g_clear_pointer (&fixture->client, test_client_free);
  fixture->client = test_client_new (fixture->server, fixture->jwt);
  test_client_subscribe (fixture->client, conversation_id, 3);
  changes = test_client_wait_changes (fixture->client, NULL, 2);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (changes, 0), "sequence"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (changes, 1), "sequence"), ==, 4);
  confab_test_spin (50);
  g_ptr_array_unref (changes);
  changes = test_client_messaging_changes (fixture->client, NULL);
  g_assert_cmpuint (changes->len, ==, 2);
  g_clear_pointer (&changes, g_ptr_array_unref);

  /* Past the end: nothing replayed, then live. */
  g_clear_pointer (&fixture->client, test_client_free);
  fixture->client = test_client_new (fixture->server, fixture->jwt);
  test_client_subscribe (fixture->client, conversation_id, 99);
  confab_test_spin (50);
  changes = test_client_messaging_changes (fixture->client, NULL);
  g_assert_cmpuint (changes->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);
  g_assert_cmpint (test_client_publish_text (fixture->client, conversation_id, "m5"), ==, 5);
  changes = test_client_wait_changes (fixture->client, NULL, 1);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (changes, 0), "sequence"), ==, 5);

  /* Unsubscribing stops live events. */
  response = test_client_request (fixture->client, "ms.UnsubscribeMessagingEvents",
                                  confab_subscribe_messaging_body (conversation_id, conversation_id, 0));
  g_assert_cmpint (test_response_code (response), ==, 200);
  response = test_client_request (fixture->client, "ms.UnsubscribeMessagingEvents",
                                  confab_subscribe_messaging_body (conversation_id, conversation_id, 0));
  g_assert_cmpint (test_response_code (response), ==, 400);
}

static void
test_two_sockets (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  TestClient *second = test_client_new (fixture->server, fixture->jwt);
  g_autoptr(GPtrArray) first_changes = NULL;
  g_autoptr(GPtrArray) second_changes = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint first_cursor = 0;
  guint second_cursor = 0;

  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_request (second, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &first_cursor);
  test_client_wait_notification (second, CONFAB_NOTIFY_EX_CONVERSATION, &second_cursor);
  test_client_subscribe (fixture->client, conversation_id, 0);
  test_client_subscribe (second, conversation_id, 0);

  test_client_publish_text (fixture->client, conversation_id, "from the first socket");
  answer = test_control (fixture->server, "agent/message", "{\"text\":\"to both\"}", 200);

  first_changes = test_client_wait_changes (fixture->client, "ContentEvent", 2);
  second_changes = test_client_wait_changes (second, "ContentEvent", 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (first_changes, i), "sequence"), ==,
                     json_object_get_int_member (g_ptr_array_index (second_changes, i), "sequence"));

  /* Metadata reaches both as well. */
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/close", NULL, 200);
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &first_cursor);
  test_client_wait_notification (second, CONFAB_NOTIFY_EX_CONVERSATION, &second_cursor);

  test_client_free (second);
}

static void
test_replay_in_chunks (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  guint cursor = 0;
  guint n_notifications = 0;

  for (guint i = 0; i < 450; i++)
    {
      g_autofree char *text = g_strdup_printf ("history %u", i);

      g_assert_cmpint (confab_server_agent_send_text (fixture->server, conversation_id, text, &error), ==, i);
      g_assert_no_error (error);
    }

  g_assert_cmpuint (confab_server_get_replay_chunk_size (fixture->server), ==, 200);
  test_client_subscribe (fixture->client, conversation_id, 0);
  /* Published while the replay is under way: must come once, in order, after the history. */
  g_assert_cmpint (confab_server_agent_send_text (fixture->server, conversation_id, "live", &error), ==, 450);

  changes = test_client_wait_changes (fixture->client, NULL, 451);
  g_assert_cmpuint (changes->len, ==, 451);
  for (guint i = 0; i < changes->len; i++)
    g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (changes, i), "sequence"), ==, i);

  for (guint i = 0; i < test_client_count (fixture->client, "notification", CONFAB_NOTIFY_MESSAGING); i++)
    {
      JsonObject *notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_MESSAGING, &cursor);
      guint n = json_array_get_length (json_object_get_array_member (test_frame_body_object (notification), "changes"));

      g_assert_cmpuint (n, <=, 200);
      n_notifications++;
    }
  g_assert_cmpuint (n_notifications, >=, 3);

  /* Long messages make notifications smaller, never larger than a default client accepts. */
  for (guint i = 0; i < fixture->client->raw->len; i++)
    g_assert_cmpuint (strlen (g_ptr_array_index (fixture->client->raw, i)), <, 128 * 1024);
}

static void
test_replay_bounded_bytes (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autofree char *long_text = g_strnfill (20000, 'y');
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 30; i++)
    confab_server_agent_send_text (fixture->server, conversation_id, long_text, &error);
  g_assert_no_error (error);

  test_client_subscribe (fixture->client, conversation_id, 0);
  changes = test_client_wait_changes (fixture->client, NULL, 30);
  g_assert_cmpuint (test_client_count (fixture->client, "notification", CONFAB_NOTIFY_MESSAGING), >=, 6);
  for (guint i = 0; i < fixture->client->raw->len; i++)
    g_assert_cmpuint (strlen (g_ptr_array_index (fixture->client->raw, i)), <, 128 * 1024);
}

/* Faults */

static void
test_drop_with_code (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  TestClient *second = test_client_new (fixture->server, fixture->jwt);

  answer = test_control (fixture->server, "drop", "{\"code\":4401,\"reason\":\"token expired\"}", 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "dropped"), ==, 2);
  test_client_wait_closed (fixture->client);
  test_client_wait_closed (second);
  g_assert_cmpuint (fixture->client->close_code, ==, 4401);
  g_assert_cmpuint (second->close_code, ==, 4401);
  test_client_free (second);

  g_clear_pointer (&fixture->client, test_client_free);
  fixture->client = test_client_new (fixture->server, fixture->jwt);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "drop", "{\"code\":1011}", 200);
  test_client_wait_closed (fixture->client);
  g_assert_cmpuint (fixture->client->close_code, ==, 1011);
}

static void
test_drop_abruptly (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *other_jwt = test_signup (fixture->server, "confab-local");
  TestClient *other = test_client_new (fixture->server, other_jwt);
  g_autofree char *body = g_strdup_printf ("{\"consumerId\":\"%s\"}", fixture->client->consumer_id);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *response;

  /* Only the named consumer, and without a close frame. */
  answer = test_control (fixture->server, "drop", body, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "dropped"), ==, 1);
  test_client_wait_closed (fixture->client);
  g_assert_cmpuint (fixture->client->close_code, !=, 1000);
  g_assert_cmpuint (fixture->client->close_code, !=, 1001);
  CONFAB_TEST_WAIT_UNTIL (confab_server_get_n_sockets (fixture->server) == 1, 5000);

  response = test_client_request (other, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  test_client_free (other);
}

static void
test_raw_frame (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  guint before = fixture->client->raw->len;

  answer = test_control (fixture->server, "frame", "{\"frame\":\"{\\\"kind\\\":\\\"notification\\\",\\\"broken\"}", 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "sent"), ==, 1);
  CONFAB_TEST_WAIT_UNTIL (fixture->client->raw->len == before + 1, 5000);
  g_assert_cmpstr (g_ptr_array_index (fixture->client->raw, before), ==, "{\"kind\":\"notification\",\"broken");
  g_clear_pointer (&answer, json_node_unref);

  answer = test_control (fixture->server, "frame",
                         "{\"frame\":{\"kind\":\"notification\",\"type\":\"ms.Unknown\",\"body\":{}}}", 200);
  CONFAB_TEST_WAIT_UNTIL (test_client_count (fixture->client, "notification", "ms.Unknown") == 1, 5000);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_control (fixture->server, "frame", "{\"consumerId\":\"nobody\",\"frame\":\"x\"}", 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "sent"), ==, 0);
}

static void
test_response_delay (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *response;
  gint64 start;

  answer = test_control (fixture->server, "delay", "{\"ms\":250}", 200);
  start = g_get_monotonic_time ();
  response = test_client_request (fixture->client, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * 1000);

  /* A delayed answer to a socket that is gone is dropped quietly. */
  g_free (test_client_send (fixture->client, CONFAB_REQ_GET_CLOCK, NULL));
  g_clear_pointer (&fixture->client, test_client_free);
  confab_test_spin (300);

  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "delay", "{\"ms\":0}", 200);
  fixture->client = test_client_new (fixture->server, fixture->jwt);
  response = test_client_request (fixture->client, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
}

static void
test_frame_log (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) all = NULL;
  g_autoptr(JsonNode) clocks = NULL;
  g_autoptr(JsonNode) cleared = NULL;
  JsonArray *array;
  JsonObject *last;

  test_client_request (fixture->client, CONFAB_REQ_GET_CLOCK, NULL);
  test_client_send_raw (fixture->client, "garbage");
  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));

  all = test_control (fixture->server, "frames", NULL, 200);
  array = json_node_get_array (all);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  last = json_array_get_object_element (array, 2);
  g_assert_cmpstr (json_object_get_string_member (last, "type"), ==, "cqm.SubscribeExConversations");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (last, "frame"), "kind"), ==, "req");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (array, 1), "malformed"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "raw"), ==, "garbage");

  {
    guint status = 0;

    clocks = test_http (fixture->server, "GET", "/control/frames?type=GetClock", NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (clocks)), ==, 1);
  }

  g_clear_pointer (&all, json_node_unref);
  all = test_control (fixture->server, "frames", "{\"clear\":true}", 200);
  cleared = test_control (fixture->server, "frames", NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (cleared)), ==, 0);
}

static void
test_agent_profile_of_participant (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) profile = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonObject *notification;
  JsonNode *body;
  guint cursor = 0;
  guint status = 0;

  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  answer = test_control (fixture->server, "agent/accept", NULL, 200);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);

  /* Through the protocol layer's own parser, as the app reads it. */
  body = json_object_get_member (notification, "body");
  changes = confab_parse_conversation_notification (body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpstr (((ConfabConversationChange *) g_ptr_array_index (changes, 0))->conversation_id, ==, conversation_id);
  g_assert_false (confab_conversation_change_is_closed (g_ptr_array_index (changes, 0)));

  path = g_strdup_printf ("/api/account/confab-local/configuration/le-users/users/%s",
                          confab_conversation_change_get_agent_id (g_ptr_array_index (changes, 0)));
  profile = test_http (fixture->server, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (profile), "nickname"), ==, "Dana");
}

/* A hand-over: the second agent becomes the ASSIGNED_AGENT participant, has a profile of its
 * own, and from then on the agent's messages come from it. */
static void
test_transfer (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  const char *second = confab_server_get_second_agent_id (fixture->server);
  g_autofree char *body = g_strdup_printf ("{\"agentId\":\"%s\"}", second);
  g_autofree char *path = g_strdup_printf ("/api/account/confab-local/configuration/le-users/users/%s", second);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) profile = NULL;
  JsonObject *notification;
  guint cursor = 0;
  guint status = 0;

  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  test_client_subscribe (fixture->client, conversation_id, 0);
  g_assert_cmpint (confab_server_agent_send_text (fixture->server, NULL, "Dana here", &error), ==, 0);
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);

  answer = test_control (fixture->server, "agent/transfer", body, 200);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  changes = confab_parse_conversation_notification (json_object_get_member (notification, "body"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_conversation_change_get_agent_id (g_ptr_array_index (changes, 0)), ==, second);

  g_assert_cmpint (confab_server_agent_send_text (fixture->server, NULL, "Alex here", &error), ==, 1);
  messages = test_client_wait_changes (fixture->client, "ContentEvent", 2);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (messages, 0), "originatorId"), ==,
                   confab_server_get_agent_id (fixture->server));
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (messages, 1), "originatorId"), ==, second);

  profile = test_http (fixture->server, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (profile), "nickname"), ==,
                   CONFAB_SERVER_SECOND_AGENT_NICKNAME);

  /* only the service's agents */
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/transfer", "{\"agentId\":\"someone\"}", 400);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/transfer", "{}", 400);
}

static void
test_events_parse_with_protocol_layer (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *conversation_id = test_client_open_conversation (fixture->client);
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) error = NULL;
  gint64 sequences[] = { 1 };
  JsonObject *response;
  JsonObject *notification;
  ConfabMessagingChange *change;
  guint cursor = 0;

  test_client_subscribe (fixture->client, conversation_id, 0);
  test_client_publish_text (fixture->client, conversation_id, "mine");
  confab_server_agent_send_text (fixture->server, conversation_id, "theirs", &error);
  g_assert_no_error (error);
  response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_receipt_body (conversation_id, conversation_id,
                                                               CONFAB_RECEIPT_ACCEPT, sequences, 1));
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_ptr_array_unref (test_client_wait_changes (fixture->client, NULL, 3));

  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_MESSAGING, &cursor);
  parsed = confab_parse_messaging_notification (json_object_get_member (notification, "body"), &error);
  g_assert_no_error (error);
  change = g_ptr_array_index (parsed, 0);
  g_assert_cmpint (change->type, ==, CONFAB_EVENT_CONTENT);
  g_assert_cmpstr (change->text, ==, "mine");
  g_assert_cmpint (change->role, ==, CONFAB_ROLE_CONSUMER);
  g_clear_pointer (&parsed, g_ptr_array_unref);

  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_MESSAGING, &cursor);
  parsed = confab_parse_messaging_notification (json_object_get_member (notification, "body"), &error);
  change = g_ptr_array_index (parsed, 0);
  g_assert_cmpint (change->role, ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_cmpint (change->sequence, ==, 1);
  g_clear_pointer (&parsed, g_ptr_array_unref);

  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_MESSAGING, &cursor);
  parsed = confab_parse_messaging_notification (json_object_get_member (notification, "body"), &error);
  change = g_ptr_array_index (parsed, 0);
  g_assert_cmpint (change->type, ==, CONFAB_EVENT_ACCEPT_STATUS);
  g_assert_cmpint (change->status, ==, CONFAB_RECEIPT_ACCEPT);
  g_assert_cmpuint (change->sequence_list->len, ==, 1);
  g_assert_cmpint (g_array_index (change->sequence_list, gint64, 0), ==, 1);
}

static void
test_shutdown_with_open_sockets (void)
{
  ConfabServer *server = test_server_new_with_bot ();
  g_autofree char *jwt = test_signup (server, "confab-local");
  TestClient *client = test_client_new (server, jwt);
  g_autofree char *conversation_id = test_client_open_conversation (client);
  g_autoptr(GError) error = NULL;

  test_client_subscribe (client, conversation_id, 0);
  confab_server_set_response_delay (server, 5000);
  g_free (test_client_send (client, CONFAB_REQ_GET_CLOCK, NULL));
  confab_test_spin (20);

  confab_server_shutdown (server);
  confab_server_shutdown (server);
  test_client_wait_closed (client);
  g_assert_cmpuint (client->close_code, ==, 1001);

  /* The agent cannot act on a stopped service: nothing it did would be saved. */
  g_assert_cmpint (confab_server_agent_send_text (server, conversation_id, "too late", &error), ==, -1);
  g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_SHUT_DOWN);

  test_client_free (client);
  test_server_free (server);
}

#define ADD(path, func) \
  g_test_add ("/server/socket/" path, Fixture, NULL, fixture_setup, func, server_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/socket/upgrade-refused", test_upgrade_refused);
  g_test_add_func ("/server/socket/upgrade-wrong-path", test_upgrade_wrong_path);
  g_test_add_func ("/server/socket/token-expires", test_token_expires_on_open_socket);
  g_test_add_func ("/server/socket/shutdown", test_shutdown_with_open_sockets);
  ADD ("request-conversation", test_request_conversation);
  ADD ("subscribe-ex", test_subscribe_ex);
  ADD ("subscribe-ex-open-only", test_subscribe_ex_open_only_sees_delete);
  ADD ("publish-text", test_publish_text);
  ADD ("publish-errors", test_publish_errors);
  ADD ("publish-typing", test_publish_typing);
  ADD ("closed-conversation", test_closed_conversation);
  ADD ("update-field", test_update_field);
  ADD ("get-clock", test_get_clock);
  ADD ("unknown-and-malformed", test_unknown_and_malformed);
  ADD ("offline-delivery", test_offline_delivery);
  ADD ("receipts-both-ways", test_receipts_both_ways);
  ADD ("reconnect-from-seq", test_reconnect_from_seq);
  ADD ("two-sockets", test_two_sockets);
  ADD ("replay-in-chunks", test_replay_in_chunks);
  ADD ("replay-bounded-bytes", test_replay_bounded_bytes);
  ADD ("drop-with-code", test_drop_with_code);
  ADD ("drop-abruptly", test_drop_abruptly);
  ADD ("raw-frame", test_raw_frame);
  ADD ("response-delay", test_response_delay);
  ADD ("frame-log", test_frame_log);
  ADD ("agent-profile-of-participant", test_agent_profile_of_participant);
  ADD ("transfer", test_transfer);
  ADD ("events-parse", test_events_parse_with_protocol_layer);

  return g_test_run ();
}
