/* server-test-util.c: a real WebSocket client and HTTP helpers for the server tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <string.h>

#include "confab-agent-bot.h"
#include "confab-protocol.h"

#define TEST_TIMEOUT_MS 10000

ConfabServer *
test_server_new (void)
{
  g_autoptr(GError) error = NULL;
  ConfabServer *server = confab_server_new ();

  confab_server_listen (server, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (confab_server_get_port (server), >, 0);

  return server;
}

void
test_server_attach_bot (ConfabServer *server)
{
  g_object_set_data_full (G_OBJECT (server), "test-agent-bot", confab_agent_bot_new (server), g_object_unref);
}

ConfabServer *
test_server_new_with_bot (void)
{
  ConfabServer *server = test_server_new ();

  test_server_attach_bot (server);
  return server;
}

void
test_server_free (ConfabServer *server)
{
  if (server == NULL)
    return;

  g_object_unref (server);
  /* Closing handshakes and stream closes finish in the main loop. */
  confab_test_spin (30);
}

typedef struct {
  GBytes *bytes;
  GError *error;
  gboolean done;
} SendData;

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendData *data = user_data;

  data->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &data->error);
  data->done = TRUE;
}

JsonNode *
test_http (ConfabServer *server,
           const char   *method,
           const char   *path,
           const char   *body,
           const char   *extra_header,
           guint        *status)
{
  g_autofree char *base_url = confab_server_dup_base_url (server);

  return test_http_url (base_url, method, path, body, extra_header, status);
}

JsonNode *
test_http_url (const char *base_url,
               const char *method,
               const char *path,
               const char *body,
               const char *extra_header,
               guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  SendData data = { NULL, NULL, FALSE };
  JsonNode *result = NULL;

  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  if (extra_header != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (extra_header, ": ", 2);

      soup_message_headers_replace (soup_message_get_request_headers (msg), parts[0], parts[1]);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &data);
  CONFAB_TEST_WAIT_UNTIL (data.done, TEST_TIMEOUT_MS);
  g_assert_no_error (data.error);

  if (status != NULL)
    *status = soup_message_get_status (msg);

  if (g_bytes_get_size (data.bytes) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (data.bytes, NULL),
                                  (gssize) g_bytes_get_size (data.bytes), NULL))
    result = json_node_copy (json_parser_get_root (parser));

  g_bytes_unref (data.bytes);
  return result;
}

JsonNode *
test_control (ConfabServer *server,
              const char   *what,
              const char   *body,
              guint         expected_status)
{
  g_autofree char *path = g_strconcat ("/control/", what, NULL);
  guint status = 0;
  JsonNode *answer;

  answer = test_http (server, "POST", path, body != NULL ? body : "{}", NULL, &status);
  g_assert_cmpuint (status, ==, expected_status == 0 ? 200 : expected_status);

  return answer;
}

char *
test_signup (ConfabServer *server,
             const char   *account_id)
{
  g_autofree char *path = g_strdup_printf ("/api/account/%s/signup", account_id);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = test_http (server, "POST", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (answer);

  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "jwt"));
}

typedef struct {
  SoupWebsocketConnection *conn;
  GError *error;
  gboolean done;
} ConnectData;

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConnectData *data = user_data;

  data->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &data->error);
  data->done = TRUE;
}

static SoupWebsocketConnection *
connect_socket (SoupSession  *session,
                const char   *base_url,
                const char   *account_id,
                const char   *authorization,
                guint        *status)
{
  g_autofree char *path = g_strdup_printf ("/ws_api/account/%s/messaging/consumer?v=3", account_id);
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  ConnectData data = { NULL, NULL, FALSE };

  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);

  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connect_cb, &data);
  CONFAB_TEST_WAIT_UNTIL (data.done, TEST_TIMEOUT_MS);

  *status = soup_message_get_status (msg);
  g_clear_error (&data.error);

  return data.conn;
}

guint
test_upgrade_status (ConfabServer *server,
                     const char   *account_id,
                     const char   *authorization)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  g_autofree char *base_url = confab_server_dup_base_url (server);
  guint status = 0;

  conn = connect_socket (session, base_url, account_id, authorization, &status);
  if (conn != NULL)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      CONFAB_TEST_WAIT_UNTIL (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_CLOSED,
                              TEST_TIMEOUT_MS);
    }

  return status;
}

static void
on_client_message (SoupWebsocketConnection *conn,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  TestClient *client = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  g_ptr_array_add (client->raw, g_strndup (data, len));
  if (json_parser_load_from_data (parser, data, (gssize) len, NULL))
    g_ptr_array_add (client->frames, json_node_copy (json_parser_get_root (parser)));
  else
    g_ptr_array_add (client->frames, json_node_init_null (json_node_alloc ()));
}

static void
on_client_closed (SoupWebsocketConnection *conn,
                  gpointer                 user_data)
{
  TestClient *client = user_data;

  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (conn);
}

TestClient *
test_client_new (ConfabServer *server,
                 const char   *jwt)
{
  g_autofree char *base_url = confab_server_dup_base_url (server);

  return test_client_new_for_url (base_url, confab_server_get_account_id (server), jwt);
}

TestClient *
test_client_new_for_url (const char *base_url,
                         const char *account_id,
                         const char *jwt)
{
  g_autofree char *authorization = g_strconcat ("jwt ", jwt, NULL);
  g_autoptr(ConfabJwtClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  TestClient *client = g_new0 (TestClient, 1);
  guint status = 0;

  claims = confab_jwt_decode (jwt, &error);
  g_assert_no_error (error);

  client->session = soup_session_new ();
  client->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  client->raw = g_ptr_array_new_with_free_func (g_free);
  client->consumer_id = g_strdup (claims->sub);
  client->conn = connect_socket (client->session, base_url, account_id, authorization, &status);
  g_assert_cmpuint (status, ==, 101);
  g_assert_nonnull (client->conn);

  soup_websocket_connection_set_max_incoming_payload_size (client->conn, 64 * 1024 * 1024);
  soup_websocket_connection_set_keepalive_interval (client->conn, 0);
  g_signal_connect (client->conn, "message", G_CALLBACK (on_client_message), client);
  g_signal_connect (client->conn, "closed", G_CALLBACK (on_client_closed), client);

  return client;
}

void
test_client_wait_closed (TestClient *client)
{
  CONFAB_TEST_WAIT_UNTIL (client->closed, TEST_TIMEOUT_MS);
}

void
test_client_free (TestClient *client)
{
  if (client == NULL)
    return;

  if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  if (!client->closed)
    test_client_wait_closed (client);

  g_signal_handlers_disconnect_by_data (client->conn, client);
  g_clear_object (&client->conn);
  g_clear_object (&client->session);
  g_ptr_array_unref (client->frames);
  g_ptr_array_unref (client->raw);
  g_free (client->consumer_id);
  g_free (client);
}

void
test_client_send_raw (TestClient *client,
                      const char *text)
{
  g_assert_cmpint (soup_websocket_connection_get_state (client->conn), ==, SOUP_WEBSOCKET_STATE_OPEN);
  soup_websocket_connection_send_text (client->conn, text);
}

char *
test_client_send_full (TestClient *client,
                       const char *type,
                       JsonNode   *body,
                       JsonNode   *metadata)
{
  char *id = g_strdup_printf ("%u", ++client->next_id);
  g_autofree char *text = confab_frame_build_request_full (id, type, body, metadata);

  if (body != NULL)
    json_node_unref (body);
  if (metadata != NULL)
    json_node_unref (metadata);
  test_client_send_raw (client, text);

  return id;
}

char *
test_client_send (TestClient *client,
                  const char *type,
                  JsonNode   *body)
{
  return test_client_send_full (client, type, body, NULL);
}

static const char *
frame_get_string (JsonObject *frame,
                  const char *name)
{
  JsonNode *node = json_object_get_member (frame, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
find_response (TestClient *client,
               const char *id)
{
  for (guint i = 0; i < client->frames->len; i++)
    {
      JsonNode *node = g_ptr_array_index (client->frames, i);
      JsonObject *frame;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      frame = json_node_get_object (node);
      if (g_strcmp0 (frame_get_string (frame, "kind"), "resp") == 0 &&
          g_strcmp0 (frame_get_string (frame, "reqId"), id) == 0)
        return frame;
    }

  return NULL;
}

JsonObject *
test_client_wait_response (TestClient *client,
                           const char *id)
{
  CONFAB_TEST_WAIT_UNTIL (find_response (client, id) != NULL, TEST_TIMEOUT_MS);
  return find_response (client, id);
}

JsonObject *
test_client_request (TestClient *client,
                     const char *type,
                     JsonNode   *body)
{
  g_autofree char *id = test_client_send (client, type, body);

  return test_client_wait_response (client, id);
}

JsonObject *
test_client_request_full (TestClient *client,
                          const char *type,
                          JsonNode   *body,
                          JsonNode   *metadata)
{
  g_autofree char *id = test_client_send_full (client, type, body, metadata);

  return test_client_wait_response (client, id);
}

JsonObject *
test_client_request_json (TestClient *client,
                          const char *type,
                          const char *body_json)
{
  JsonNode *body = NULL;

  if (body_json != NULL)
    {
      g_autoptr(GError) error = NULL;

      body = json_from_string (body_json, &error);
      g_assert_no_error (error);
    }

  return test_client_request (client, type, body);
}

static JsonObject *
find_notification (TestClient *client,
                   const char *type,
                   guint      *cursor)
{
  for (guint i = *cursor; i < client->frames->len; i++)
    {
      JsonNode *node = g_ptr_array_index (client->frames, i);
      JsonObject *frame;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      frame = json_node_get_object (node);
      if (g_strcmp0 (frame_get_string (frame, "kind"), "notification") == 0 &&
          g_strcmp0 (frame_get_string (frame, "type"), type) == 0)
        {
          *cursor = i + 1;
          return frame;
        }
    }

  return NULL;
}

JsonObject *
test_client_wait_notification (TestClient *client,
                               const char *type,
                               guint      *cursor)
{
  JsonObject *frame = NULL;
  guint next = *cursor;

  /* The condition is evaluated more than once: start from *cursor every time. */
  CONFAB_TEST_WAIT_UNTIL ((next = *cursor, frame = find_notification (client, type, &next)) != NULL,
                          TEST_TIMEOUT_MS);
  *cursor = next;
  return frame;
}

guint
test_client_count (TestClient *client,
                   const char *kind,
                   const char *type)
{
  guint count = 0;

  for (guint i = 0; i < client->frames->len; i++)
    {
      JsonNode *node = g_ptr_array_index (client->frames, i);
      JsonObject *frame;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      frame = json_node_get_object (node);
      if ((kind == NULL || g_strcmp0 (frame_get_string (frame, "kind"), kind) == 0) &&
          (type == NULL || g_strcmp0 (frame_get_string (frame, "type"), type) == 0))
        count++;
    }

  return count;
}

GPtrArray *
test_client_messaging_changes (TestClient *client,
                               const char *event_type)
{
  GPtrArray *changes = g_ptr_array_new ();
  guint cursor = 0;
  JsonObject *frame;

  while ((frame = find_notification (client, "ms.MessagingEventNotification", &cursor)) != NULL)
    {
      JsonArray *array = json_object_get_array_member (json_object_get_object_member (frame, "body"), "changes");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *change = json_array_get_object_element (array, i);
          JsonObject *event = json_object_get_object_member (change, "event");

          if (event_type == NULL || g_strcmp0 (frame_get_string (event, "type"), event_type) == 0)
            g_ptr_array_add (changes, change);
        }
    }

  return changes;
}

GPtrArray *
test_client_wait_changes (TestClient *client,
                          const char *event_type,
                          guint       n)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) TEST_TIMEOUT_MS * 1000;

  for (;;)
    {
      GPtrArray *changes = test_client_messaging_changes (client, event_type);

      if (changes->len >= n)
        return changes;

      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %u %s changes (have %u)", n,
                 event_type != NULL ? event_type : "", changes->len);

      g_ptr_array_unref (changes);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
}

GBytes *
test_http_bytes (const char *url,
                 const char *method,
                 GBytes     *body,
                 guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SendData data = { NULL, NULL, FALSE };

  g_assert_nonnull (msg);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &data);
  CONFAB_TEST_WAIT_UNTIL (data.done, TEST_TIMEOUT_MS);
  g_assert_no_error (data.error);
  *status = soup_message_get_status (msg);

  return data.bytes;
}

JsonNode *
test_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = confab_json_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  return node;
}

JsonObject *
test_state_conversation (JsonNode   *state,
                         const char *conversation_id)
{
  JsonArray *conversations = json_object_get_array_member (json_node_get_object (state), "conversations");

  for (guint i = 0; i < json_array_get_length (conversations); i++)
    {
      JsonObject *conversation = json_array_get_object_element (conversations, i);

      if (g_strcmp0 (json_object_get_string_member (conversation, "id"), conversation_id) == 0)
        return conversation;
    }

  g_assert_not_reached ();
}

gint64
test_response_code (JsonObject *response)
{
  return json_object_get_int_member (response, "code");
}

const char *
test_frame_body_string (JsonObject *frame)
{
  JsonNode *body = json_object_get_member (frame, "body");

  if (body == NULL || !JSON_NODE_HOLDS_VALUE (body) || json_node_get_value_type (body) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (body);
}

JsonObject *
test_frame_body_object (JsonObject *frame)
{
  JsonNode *body = json_object_get_member (frame, "body");

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  return json_node_get_object (body);
}

char *
test_client_open_conversation (TestClient *client)
{
  JsonObject *response;

  response = test_client_request (client, CONFAB_REQ_REQUEST_CONVERSATION,
                                  confab_request_conversation_body ("confab-local", NULL));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);
  g_assert_cmpstr (frame_get_string (response, "type"), ==, "cm.RequestConversationResponse");

  return g_strdup (json_object_get_string_member (test_frame_body_object (response), "conversationId"));
}

void
test_client_subscribe (TestClient *client,
                       const char *conversation_id,
                       gint64      from_seq)
{
  JsonObject *response;

  response = test_client_request (client, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (conversation_id, conversation_id, from_seq));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);
}

gint64
test_client_publish_text (TestClient *client,
                          const char *conversation_id,
                          const char *text)
{
  JsonObject *response;

  response = test_client_request (client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body (conversation_id, conversation_id, text));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);

  return json_object_get_int_member (test_frame_body_object (response), "sequence");
}

TestRaw *
test_raw_new (guint16 port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  TestRaw *raw = g_new0 (TestRaw, 1);

  raw->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  /* The kernel completes the connection from the listen queue, accepted or not. */
  g_socket_connect (raw->socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (raw->socket, FALSE);

  return raw;
}

void
test_raw_send (TestRaw    *raw,
               const char *text)
{
  g_autoptr(GError) error = NULL;

  g_socket_send (raw->socket, text, strlen (text), NULL, &error);
  g_assert_no_error (error);
}

gboolean
test_raw_closed (TestRaw *raw)
{
  char buffer[4096];

  while (!raw->closed)
    {
      g_autoptr(GError) error = NULL;
      gssize received = g_socket_receive (raw->socket, buffer, sizeof buffer, NULL, &error);

      if (received > 0)
        continue;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      raw->closed = TRUE;
    }

  return raw->closed;
}

void
test_raw_free (TestRaw *raw)
{
  if (raw == NULL)
    return;

  g_socket_close (raw->socket, NULL);
  g_object_unref (raw->socket);
  g_free (raw);
}

void
server_fixture_connect (ServerFixture *fixture,
                        ConfabServer  *server)
{
  fixture->server = server;
  fixture->jwt = test_signup (server, "confab-local");
  fixture->client = test_client_new (server, fixture->jwt);
}

void
server_fixture_open (ServerFixture *fixture)
{
  fixture->conversation_id = test_client_open_conversation (fixture->client);
  test_client_subscribe (fixture->client, fixture->conversation_id, 0);
}

void
server_fixture_teardown (ServerFixture *fixture,
                         gconstpointer  data)
{
  g_clear_pointer (&fixture->client, test_client_free);
  g_clear_pointer (&fixture->server, test_server_free);
  g_clear_pointer (&fixture->conversation_id, g_free);
  g_clear_pointer (&fixture->jwt, g_free);
}
