/* test-connection.c: ConfabConnection against a real SoupServer on 127.0.0.1
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "confab-test-util.h"
#include "confab-connection.h"

#define WS_PATH "/ws_api/account/123/messaging/consumer"

typedef struct
{
  SoupServer *server;
  char *url;
  GPtrArray *sockets;      /* server side SoupWebsocketConnection */
  GPtrArray *received;     /* frames the server got, as strings */
  char *auth_seen;
  char *props_seen;
  guint refuse_status;     /* answer the upgrade with this instead */
  gboolean answer;         /* answer requests */
  gboolean reverse;        /* hold answers and send them in reverse order */
  GPtrArray *held;
  ConfabConnection *conn;
  int disconnects;
  ConfabDisconnectReason reason;
  GPtrArray *notifications; /* types */
  GArray *priorities;       /* of the main loop source each notification came from */
  guint notified_at_disconnect;
  const char *close_on;     /* a notification type: close the connection when it comes */
} Fixture;

static void
server_message_cb (SoupWebsocketConnection *ws,
                   int                      type,
                   GBytes                  *message,
                   Fixture                 *f)
{
  g_autoptr(ConfabFrame) frame = NULL;
  g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_ptr_array_add (f->received, g_strdup (text));
  frame = confab_frame_parse (text, -1, NULL);
  g_assert_nonnull (frame);

  if (!f->answer || g_strcmp0 (frame->type, "test.NeverAnswered") == 0)
    return;

  if (g_strcmp0 (frame->type, "GetClock") == 0)
    {
      body = json_from_string ("{\"currentTime\":1700000000000}", NULL);
      answer = confab_frame_build_response (frame->id, 200, "GetClockResponse", body);
    }
  else if (g_strcmp0 (frame->type, "test.Refused") == 0)
    {
      body = json_node_init_string (json_node_alloc (), "Bad Request, Conversation is close");
      answer = confab_frame_build_response (frame->id, 400, "GenericResponse", body);
    }
  else
    {
      body = json_from_string ("{\"sequence\":7}", NULL);
      answer = confab_frame_build_response (frame->id, 200, "ms.PublishEventResponse", body);
    }

  if (f->reverse)
    g_ptr_array_insert (f->held, 0, g_steal_pointer (&answer));
  else
    soup_websocket_connection_send_text (ws, answer);
}

static void
server_closed_cb (SoupWebsocketConnection *ws,
                  Fixture                 *f)
{
  g_ptr_array_remove (f->sockets, ws);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->sockets, g_object_ref (ws));
  g_signal_connect (ws, "message", G_CALLBACK (server_message_cb), f);
  g_signal_connect (ws, "closed", G_CALLBACK (server_closed_cb), f);
}

/* Runs before the WebSocket handshake: records the headers and refuses when asked to. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  g_free (f->auth_seen);
  g_free (f->props_seen);
  f->auth_seen = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  f->props_seen = g_strdup (soup_message_headers_get_one (headers, "Client-Properties"));

  if (f->refuse_status != 0)
    soup_server_message_set_status (msg, f->refuse_status, NULL);
}

static void
disconnected_cb (ConfabConnection       *conn,
                 ConfabDisconnectReason  reason,
                 const char             *detail,
                 Fixture                *f)
{
  f->disconnects++;
  f->reason = reason;
  f->notified_at_disconnect = f->notifications->len;
}

static void
notification_cb (ConfabConnection *conn,
                 ConfabFrame      *frame,
                 Fixture          *f)
{
  GSource *source = g_main_current_source ();
  int priority = source != NULL ? g_source_get_priority (source) : G_PRIORITY_DEFAULT;

  g_ptr_array_add (f->notifications, g_strdup (frame->type));
  g_array_append_val (f->priorities, priority);
  if (f->close_on != NULL && g_strcmp0 (frame->type, f->close_on) == 0)
    confab_connection_close (conn);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  f->server = soup_server_new (NULL, NULL);
  f->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  f->received = g_ptr_array_new_with_free_func (g_free);
  f->held = g_ptr_array_new_with_free_func (g_free);
  f->notifications = g_ptr_array_new_with_free_func (g_free);
  f->priorities = g_array_new (FALSE, FALSE, sizeof (int));
  f->answer = TRUE;

  soup_server_add_early_handler (f->server, WS_PATH, early_cb, f, NULL);
  soup_server_add_websocket_handler (f->server, WS_PATH, NULL, NULL, websocket_cb, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (f->server);
  f->url = g_strdup_printf ("ws://127.0.0.1:%d" WS_PATH "?v=3", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  f->conn = confab_connection_new (NULL, f->url, "header.payload.signature");
  g_signal_connect (f->conn, "disconnected", G_CALLBACK (disconnected_cb), f);
  g_signal_connect (f->conn, "notification", G_CALLBACK (notification_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->conn);
  for (guint i = 0; i < f->sockets->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (f->sockets, i), f);
  g_ptr_array_unref (f->sockets);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_ptr_array_unref (f->received);
  g_ptr_array_unref (f->held);
  g_ptr_array_unref (f->notifications);
  g_array_unref (f->priorities);
  g_free (f->url);
  g_free (f->auth_seen);
  g_free (f->props_seen);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
connect_and_wait (Fixture *f)
{
  confab_connection_connect (f->conn);
  CONFAB_TEST_WAIT_UNTIL (confab_connection_get_state (f->conn) == CONFAB_CONNECTION_STATE_CONNECTED, 5000);
  CONFAB_TEST_WAIT_UNTIL (f->sockets->len == 1, 5000);
}

typedef struct
{
  gboolean done;
  ConfabFrame *frame;
  GError *error;
} Result;

static void
result_cb (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  Result *r = user_data;

  r->frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), res, &r->error);
  r->done = TRUE;
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->frame, confab_frame_free);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static void
test_auth_header (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) props = NULL;
  JsonObject *object;
  JsonArray *features;

  connect_and_wait (f);
  g_assert_cmpstr (f->auth_seen, ==, "jwt header.payload.signature");

  props = json_from_string (f->props_seen, NULL);
  g_assert_nonnull (props);
  object = json_node_get_object (props);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, ".ClientProperties");
  g_assert_cmpstr (json_object_get_string_member (object, "deviceFamily"), ==, "DESKTOP");
  g_assert_cmpstr (json_object_get_string_member (object, "os"), ==, "LINUX");
  g_assert_cmpstr (json_object_get_string_member (object, "appId"), ==, APP_ID);
  g_assert_cmpstr (json_object_get_string_member (object, "appVersion"), ==, PACKAGE_VERSION);

  /* What Confab shows and sends, declared: structured content and quick replies, survey
   * dialogs, automatic messages, photos and files. */
  features = json_object_get_array_member (object, "features");
  g_assert_nonnull (features);
  g_assert_cmpuint (json_array_get_length (features), ==, 6);
  g_assert_cmpstr (json_array_get_string_element (features, 0), ==, "RICH_CONTENT");
  g_assert_cmpstr (json_array_get_string_element (features, 1), ==, "QUICK_REPLIES");
  g_assert_cmpstr (json_array_get_string_element (features, 2), ==, "MULTI_DIALOG");
  g_assert_cmpstr (json_array_get_string_element (features, 3), ==, "AUTO_MESSAGES");
  g_assert_cmpstr (json_array_get_string_element (features, 4), ==, "PHOTO_SHARING");
  g_assert_cmpstr (json_array_get_string_element (features, 5), ==, "FILE_SHARING");
  /* one line: a header cannot hold a line break */
  g_assert_null (strchr (f->props_seen, '\n'));
}

static void
test_refused_upgrade (Fixture       *f,
                      gconstpointer  data)
{
  const struct { guint status; ConfabDisconnectReason reason; } cases[] = {
    { SOUP_STATUS_UNAUTHORIZED, CONFAB_DISCONNECT_AUTH },
    { SOUP_STATUS_FORBIDDEN, CONFAB_DISCONNECT_AUTH },
    { SOUP_STATUS_INTERNAL_SERVER_ERROR, CONFAB_DISCONNECT_NETWORK },
    { SOUP_STATUS_NOT_FOUND, CONFAB_DISCONNECT_NETWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int before = f->disconnects;

      f->refuse_status = cases[i].status;
      confab_connection_connect (f->conn);
      CONFAB_TEST_WAIT_UNTIL (f->disconnects == before + 1, 5000);
      g_assert_cmpint (f->reason, ==, cases[i].reason);
      g_assert_cmpint (confab_connection_get_disconnect_reason (f->conn), ==, cases[i].reason);
      g_assert_cmpint (confab_connection_get_state (f->conn), ==, CONFAB_CONNECTION_STATE_DISCONNECTED);
      g_assert_cmpuint (f->sockets->len, ==, 0);
    }
}

static void
test_close_codes (Fixture       *f,
                  gconstpointer  data)
{
  const struct { gushort code; ConfabDisconnectReason reason; } cases[] = {
    { 4401, CONFAB_DISCONNECT_AUTH },
    { 4407, CONFAB_DISCONNECT_IDENTITY_EXPIRED },
    { 1011, CONFAB_DISCONNECT_NETWORK },  /* a server error: retried with the same token */
    { 1000, CONFAB_DISCONNECT_NETWORK },
    { 1001, CONFAB_DISCONNECT_NETWORK },
    { 4000, CONFAB_DISCONNECT_NETWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int before = f->disconnects;

      connect_and_wait (f);
      soup_websocket_connection_close (g_ptr_array_index (f->sockets, 0), cases[i].code, NULL);
      CONFAB_TEST_WAIT_UNTIL (f->disconnects == before + 1, 5000);
      g_assert_cmpint (f->reason, ==, cases[i].reason);
      CONFAB_TEST_WAIT_UNTIL (f->sockets->len == 0, 5000);
    }
}

static void
test_request_answered (Fixture       *f,
                       gconstpointer  data)
{
  Result r = { 0 };
  gint64 sequence = 0;

  connect_and_wait (f);
  confab_connection_send_request (f->conn, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body ("c1", "c1", "hello"),
                                  NULL, result_cb, &r);
  CONFAB_TEST_WAIT_UNTIL (r.done, 5000);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.frame->code, ==, 200);
  g_assert_true (confab_parse_publish_sequence (r.frame, &sequence, NULL));
  g_assert_cmpint (sequence, ==, 7);

  /* ids are strings, unique per socket */
  g_assert_nonnull (strstr (g_ptr_array_index (f->received, 0), "\"id\":\"1\""));
  result_clear (&r);

  confab_connection_send_request (f->conn, "test.Refused", NULL, NULL, result_cb, &r);
  CONFAB_TEST_WAIT_UNTIL (r.done, 5000);
  g_assert_error (r.error, CONFAB_RESPONSE_ERROR, 400);
  g_assert_cmpstr (r.error->message, ==, "Bad Request, Conversation is close");
  g_assert_nonnull (strstr (g_ptr_array_index (f->received, 1), "\"id\":\"2\""));
  result_clear (&r);
}

static void
test_answers_matched_by_req_id (Fixture       *f,
                                gconstpointer  data)
{
  Result r[3] = { { 0 } };

  f->reverse = TRUE;
  connect_and_wait (f);
  for (guint i = 0; i < 3; i++)
    confab_connection_send_request (f->conn, CONFAB_REQ_PUBLISH_EVENT, NULL, NULL, result_cb, &r[i]);
  CONFAB_TEST_WAIT_UNTIL (f->held->len == 3, 5000);

  /* Answer the last first: each must reach its own request. */
  for (guint i = 0; i < 3; i++)
    soup_websocket_connection_send_text (g_ptr_array_index (f->sockets, 0), g_ptr_array_index (f->held, i));
  CONFAB_TEST_WAIT_UNTIL (r[0].done && r[1].done && r[2].done, 5000);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", i + 1);

      g_assert_no_error (r[i].error);
      g_assert_cmpstr (r[i].frame->id, ==, id);
      result_clear (&r[i]);
    }
}

static void
test_request_timeout (Fixture       *f,
                      gconstpointer  data)
{
  Result r = { 0 };
  gint64 start;

  confab_connection_set_request_timeout (f->conn, 200);
  connect_and_wait (f);
  start = g_get_monotonic_time ();
  confab_connection_send_request (f->conn, "test.NeverAnswered", NULL, NULL, result_cb, &r);
  CONFAB_TEST_WAIT_UNTIL (r.done, 5000);
  g_assert_error (r.error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  /* The socket stays up: one lost answer is not a dead connection. */
  g_assert_cmpint (confab_connection_get_state (f->conn), ==, CONFAB_CONNECTION_STATE_CONNECTED);
  result_clear (&r);
}

static void
test_pending_fail_on_close (Fixture       *f,
                            gconstpointer  data)
{
  Result r[2] = { { 0 } };

  connect_and_wait (f);
  confab_connection_send_request (f->conn, "test.NeverAnswered", NULL, NULL, result_cb, &r[0]);
  confab_connection_send_request (f->conn, "test.NeverAnswered", NULL, NULL, result_cb, &r[1]);
  CONFAB_TEST_WAIT_UNTIL (f->received->len == 2, 5000);
  soup_websocket_connection_close (g_ptr_array_index (f->sockets, 0), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  CONFAB_TEST_WAIT_UNTIL (r[0].done && r[1].done, 5000);
  g_assert_error (r[0].error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_CLOSED);
  g_assert_error (r[1].error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_CLOSED);
  g_assert_cmpint (f->reason, ==, CONFAB_DISCONNECT_NETWORK);
  result_clear (&r[0]);
  result_clear (&r[1]);

  /* and a request now fails at once */
  confab_connection_send_request (f->conn, CONFAB_REQ_GET_CLOCK, NULL, NULL, result_cb, &r[0]);
  CONFAB_TEST_WAIT_UNTIL (r[0].done, 5000);
  g_assert_error (r[0].error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_NOT_CONNECTED);
  result_clear (&r[0]);
}

static guint
count_received (Fixture    *f,
                const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < f->received->len; i++)
    if (strstr (g_ptr_array_index (f->received, i), needle) != NULL)
      n++;
  return n;
}

static void
test_keepalive (Fixture       *f,
                gconstpointer  data)
{
  confab_connection_set_keepalive (f->conn, 100);
  connect_and_wait (f);
  CONFAB_TEST_WAIT_UNTIL (count_received (f, "\"type\":\"GetClock\"") >= 3, 5000);
  g_assert_null (strstr (g_ptr_array_index (f->received, 0), "\"body\""));

  /* GetClock gives the server clock: the test server is far in the past */
  CONFAB_TEST_WAIT_UNTIL (confab_connection_get_clock_offset (f->conn) != 0, 5000);
  g_assert_cmpint (confab_connection_get_clock_offset (f->conn), <, 0);
  g_assert_cmpint (confab_connection_get_state (f->conn), ==, CONFAB_CONNECTION_STATE_CONNECTED);
  g_assert_cmpint (f->disconnects, ==, 0);
}

static void
test_pings_keep_watchdog_quiet (Fixture       *f,
                                gconstpointer  data)
{
  gint64 until;

  /* The server answers no request, but libsoup answers WebSocket pings with pongs: with
   * pings every second the watchdog (two periods of silence) must not fire. */
  f->answer = FALSE;
  confab_connection_set_keepalive (f->conn, 1000);
  connect_and_wait (f);
  until = g_get_monotonic_time () + 3500 * 1000;
  CONFAB_TEST_WAIT_UNTIL (g_get_monotonic_time () > until || f->disconnects > 0, 5000);
  g_assert_cmpint (f->disconnects, ==, 0);
  g_assert_cmpuint (count_received (f, "\"type\":\"GetClock\""), >=, 3);
}

static void
test_watchdog (Fixture       *f,
               gconstpointer  data)
{
  gint64 start;

  /* A server that takes frames and never answers, like a peer gone without a FIN. */
  f->answer = FALSE;
  confab_connection_set_keepalive (f->conn, 100);
  connect_and_wait (f);
  start = g_get_monotonic_time ();
  CONFAB_TEST_WAIT_UNTIL (f->disconnects == 1, 5000);
  g_assert_cmpint (f->reason, ==, CONFAB_DISCONNECT_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  g_assert_cmpint (confab_connection_get_state (f->conn), ==, CONFAB_CONNECTION_STATE_DISCONNECTED);
}

static void
test_bad_frames (Fixture       *f,
                 gconstpointer  data)
{
  static const char *bad[] = {
    "not json", "[1,2,3]", "{\"kind\":\"resp\"}", "{\"kind\":\"resp\",\"reqId\":\"99\",\"code\":200}",
    "{\"kind\":\"notification\"}", "{\"kind\":\"resp\",\"reqId\":{\"a\":1}}", "\"just a string\"",
    "{\"kind\":\"req\",\"id\":\"1\",\"type\":\"Weird\"}", "{\"kind\":\"notification\",\"type\":\"x.Unknown\",\"body\":7}",
  };
  SoupWebsocketConnection *ws;
  Result r = { 0 };

  connect_and_wait (f);
  ws = g_ptr_array_index (f->sockets, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    soup_websocket_connection_send_text (ws, bad[i]);
  soup_websocket_connection_send_binary (ws, "\0\1\2", 3);

  /* Still connected, and still answering in order. */
  confab_connection_send_request (f->conn, CONFAB_REQ_GET_CLOCK, NULL, NULL, result_cb, &r);
  CONFAB_TEST_WAIT_UNTIL (r.done, 5000);
  g_assert_no_error (r.error);
  g_assert_cmpint (confab_connection_get_state (f->conn), ==, CONFAB_CONNECTION_STATE_CONNECTED);
  g_assert_cmpint (f->disconnects, ==, 0);
  /* The two well-formed notifications were delivered. */
  g_assert_cmpuint (f->notifications->len, ==, 2);
  result_clear (&r);
}

static void
test_large_frame (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) big = g_string_new ("{\"kind\":\"notification\",\"type\":\"ms.MessagingEventNotification\",\"body\":{\"changes\":[");

  connect_and_wait (f);
  /* 2 MiB: far above libsoup's default 128 KiB limit, which would close the socket. */
  for (guint i = 0; big->len < 2 * 1024 * 1024; i++)
    g_string_append_printf (big, "%s{\"sequence\":%u,\"originatorId\":\"a\",\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"%0200u\"}}",
                            i == 0 ? "" : ",", i, i);
  g_string_append (big, "]}}");
  soup_websocket_connection_send_text (g_ptr_array_index (f->sockets, 0), big->str);
  CONFAB_TEST_WAIT_UNTIL (f->notifications->len == 1, 10000);
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 0), ==, CONFAB_NOTIFY_MESSAGING);
  g_assert_cmpint (f->disconnects, ==, 0);
}

/* A notification of type with a text member padding it to at least size bytes */
static char *
notification_of_size (const char *type,
                      gsize       size)
{
  GString *frame = g_string_new (NULL);

  g_string_append_printf (frame, "{\"kind\":\"notification\",\"type\":\"%s\",\"body\":{\"text\":\"", type);
  while (frame->len < size)
    g_string_append (frame, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODkrLw");
  g_string_append (frame, "\"}}");
  return g_string_free (frame, FALSE);
}

/* A large frame is handed on after anything as urgent as GTK's redraw (a window frame that is
 * due is drawn between its parse and what it brings), and the frames after it keep their
 * order; a small one alone is handed on at once, from the socket's own dispatch. */
static void
test_large_frame_after_redraw (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *big = notification_of_size ("test.Big", 200 * 1024);
  g_autofree char *small = notification_of_size ("test.Small", 0);
  g_autofree char *big2 = notification_of_size ("test.Big2", 200 * 1024);
  g_autofree char *after = notification_of_size ("test.After", 0);
  g_autofree char *alone = notification_of_size ("test.Alone", 0);
  SoupWebsocketConnection *ws;

  connect_and_wait (f);
  ws = g_ptr_array_index (f->sockets, 0);
  soup_websocket_connection_send_text (ws, big);
  /* behind it, kept as they came and read in their turn: a broken one is skipped there */
  soup_websocket_connection_send_text (ws, "not json");
  soup_websocket_connection_send_text (ws, small);
  soup_websocket_connection_send_text (ws, big2);
  soup_websocket_connection_send_text (ws, after);
  CONFAB_TEST_WAIT_UNTIL (f->notifications->len == 4, 10000);
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 0), ==, "test.Big");
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 1), ==, "test.Small");
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 2), ==, "test.Big2");
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 3), ==, "test.After");
  for (guint i = 0; i < 3; i += 2)
    {
      g_assert_cmpint (g_array_index (f->priorities, int, i), >, G_PRIORITY_HIGH_IDLE + 20);
      g_assert_cmpint (g_array_index (f->priorities, int, i), <, G_PRIORITY_DEFAULT_IDLE);
    }

  soup_websocket_connection_send_text (ws, alone);
  CONFAB_TEST_WAIT_UNTIL (f->notifications->len == 5, 10000);
  g_assert_cmpint (g_array_index (f->priorities, int, 4), ==, G_PRIORITY_DEFAULT);
  g_assert_cmpint (f->disconnects, ==, 0);
}

/* What came before the service closed the socket is handed on before the close is told,
 * a large frame too. */
static void
test_large_frame_before_close (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *big = notification_of_size ("test.Big", 200 * 1024);
  g_autofree char *small = notification_of_size ("test.Small", 0);
  SoupWebsocketConnection *ws;

  connect_and_wait (f);
  ws = g_ptr_array_index (f->sockets, 0);
  soup_websocket_connection_send_text (ws, big);
  soup_websocket_connection_send_text (ws, small);
  soup_websocket_connection_close (ws, 1000, NULL);
  CONFAB_TEST_WAIT_UNTIL (f->disconnects == 1, 10000);
  g_assert_cmpuint (f->notified_at_disconnect, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 0), ==, "test.Big");
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 1), ==, "test.Small");
  g_assert_cmpint (f->reason, ==, CONFAB_DISCONNECT_NETWORK);
}

/* Closed by its owner while large frames wait: nothing is handed on after the close. */
static void
test_close_drops_waiting_frames (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *first = notification_of_size ("test.First", 200 * 1024);
  g_autofree char *second = notification_of_size ("test.Second", 200 * 1024);
  SoupWebsocketConnection *ws;

  f->close_on = "test.First";
  connect_and_wait (f);
  ws = g_ptr_array_index (f->sockets, 0);
  soup_websocket_connection_send_text (ws, first);
  soup_websocket_connection_send_text (ws, second);
  CONFAB_TEST_WAIT_UNTIL (f->disconnects == 1, 10000);
  confab_test_spin (300);
  g_assert_cmpuint (f->notifications->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->notifications, 0), ==, "test.First");
  g_assert_cmpint (f->disconnects, ==, 1);
  g_assert_cmpint (f->reason, ==, CONFAB_DISCONNECT_REQUESTED);
}

static void
test_close_by_client (Fixture       *f,
                      gconstpointer  data)
{
  connect_and_wait (f);
  confab_connection_close (f->conn);
  g_assert_cmpint (f->disconnects, ==, 1);
  g_assert_cmpint (f->reason, ==, CONFAB_DISCONNECT_REQUESTED);
  CONFAB_TEST_WAIT_UNTIL (f->sockets->len == 0, 5000);

  /* and it can connect again */
  connect_and_wait (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/core/connection/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("auth-header", test_auth_header);
  ADD ("refused-upgrade", test_refused_upgrade);
  ADD ("close-codes", test_close_codes);
  ADD ("request-answered", test_request_answered);
  ADD ("answers-matched-by-req-id", test_answers_matched_by_req_id);
  ADD ("request-timeout", test_request_timeout);
  ADD ("pending-fail-on-close", test_pending_fail_on_close);
  ADD ("keepalive", test_keepalive);
  ADD ("watchdog", test_watchdog);
  ADD ("pings-keep-watchdog-quiet", test_pings_keep_watchdog_quiet);
  ADD ("bad-frames", test_bad_frames);
  ADD ("large-frame", test_large_frame);
  ADD ("close-by-client", test_close_by_client);
  ADD ("large-frame-after-redraw", test_large_frame_after_redraw);
  ADD ("large-frame-before-close", test_large_frame_before_close);
  ADD ("close-drops-waiting-frames", test_close_drops_waiting_frames);
#undef ADD

  return g_test_run ();
}
