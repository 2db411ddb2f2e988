/* test-server-limits.c: what a client may hold of the server: connections and memory
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connection limits are the server's handshake-timeout, idle-timeout and
 * max-sockets-per-peer properties, made short here. Running out of file descriptors is in
 * test-server-exe.c: it takes a process of its own.
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

/* How long a connection stayed open, in ms, while the main loop ran; gives up at limit_ms. */
static gint64
ms_until_closed (TestRaw *raw,
                 gint64   limit_ms)
{
  gint64 start = g_get_monotonic_time ();

  while (!test_raw_closed (raw) && g_get_monotonic_time () - start < limit_ms * 1000)
    confab_test_spin (5);

  return (g_get_monotonic_time () - start) / 1000;
}

static void
assert_answers (ConfabServer *server)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = test_http (server, "GET", "/api/account/confab-local/service/idp/baseURI.json", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* A connection that says nothing, or never finishes its request, is cut off. */
static void
test_handshake_timeout (void)
{
  ConfabServer *server = test_server_new ();
  guint16 port = confab_server_get_port (server);
  TestRaw *silent;
  TestRaw *partial;
  gint64 elapsed;

  g_object_set (server, "handshake-timeout", 300, NULL);
  silent = test_raw_new (port);
  partial = test_raw_new (port);
  test_raw_send (partial, "GET /api/account/confab-local/service/idp/baseURI.json HTTP/1.1\r\nHost: 127.0.0.1\r\n");

  elapsed = ms_until_closed (silent, 5000);
  g_assert_true (silent->closed);
  g_assert_cmpint (elapsed, >=, 250);
  ms_until_closed (partial, 5000);
  g_assert_true (partial->closed);

  test_raw_free (silent);
  test_raw_free (partial);
  test_server_free (server);
}

/* The timeout is for getting somewhere: not for a WebSocket, nor an answer that is late. */
static void
test_handshake_timeout_spares_the_busy (void)
{
  ConfabServer *server = test_server_new ();
  g_autofree char *jwt = test_signup (server, "confab-local");
  TestClient *client;
  JsonObject *response;

  g_object_set (server, "handshake-timeout", 200, NULL);
  client = test_client_new (server, jwt);
  confab_test_spin (600);
  g_assert_false (client->closed);
  response = test_client_request (client, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);

  /* Held back three times longer than the timeout. */
  confab_server_set_response_delay (server, 600);
  assert_answers (server);

  test_client_free (client);
  test_server_free (server);
}

/* A WebSocket whose client sends nothing is closed; one that only pings is not. */
static void
test_idle_timeout (void)
{
  ConfabServer *server = test_server_new ();
  g_autofree char *silent_jwt = test_signup (server, "confab-local");
  g_autofree char *pinging_jwt = test_signup (server, "confab-local");
  TestClient *silent;
  TestClient *pinging;
  gint64 start;
  gint64 elapsed;

  g_object_set (server, "idle-timeout", 2500, NULL);
  silent = test_client_new (server, silent_jwt);
  pinging = test_client_new (server, pinging_jwt);
  soup_websocket_connection_set_keepalive_interval (pinging->conn, 1);
  start = g_get_monotonic_time ();

  test_client_wait_closed (silent);
  elapsed = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (elapsed, >=, 2300);
  g_assert_cmpuint (silent->close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);

  /* Well past the timeout with nothing but pings. */
  confab_test_spin (6000 - (guint) elapsed);
  g_assert_false (pinging->closed);
  g_assert_cmpuint (confab_server_get_n_sockets (server), ==, 1);

  test_client_free (silent);
  test_client_free (pinging);
  test_server_free (server);
}

/* A peer gets so many connections; the next is closed at once, until one of its own goes. */
static void
test_sockets_per_peer (void)
{
  ConfabServer *server = test_server_new ();
  guint16 port = confab_server_get_port (server);
  TestRaw *held[3];
  TestRaw *extra;

  g_object_set (server, "max-sockets-per-peer", 3, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    held[i] = test_raw_new (port);
  extra = test_raw_new (port);

  ms_until_closed (extra, 5000);
  g_assert_true (extra->closed);
  confab_test_spin (200);
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_assert_false (test_raw_closed (held[i]));
  test_raw_free (extra);

  /* One goes: there is room for another. */
  test_raw_free (held[0]);
  held[0] = NULL;
  confab_test_spin (200);
  extra = test_raw_new (port);
  confab_test_spin (200);
  g_assert_false (test_raw_closed (extra));
  test_raw_free (extra);

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    test_raw_free (held[i]);
  confab_test_spin (200);
  assert_answers (server);

  test_server_free (server);
}

/* A GetClock request padded to about size bytes. */
static char *
padded_request (const char *id,
                gsize       size)
{
  g_autofree char *pad = g_malloc (size + 1);

  memset (pad, 'x', size);
  pad[size] = '\0';
  return g_strdup_printf ("{\"kind\":\"req\",\"id\":\"%s\",\"type\":\"GetClock\",\"body\":{\"pad\":\"%s\"}}", id, pad);
}

/* Big frames from a client that then goes away do not all stay in the log. */
static void
test_frame_log_bounded (Fixture       *fixture,
                        gconstpointer  data)
{
  const gsize frame_size = 250 * 1024;
  const guint n_frames = 140;   /* 35 MiB together */
  g_autoptr(JsonNode) log = NULL;
  g_autofree char *big = padded_request ("big", 300 * 1024);
  JsonArray *entries;
  JsonObject *entry;
  guint n_kept;

  /* A body over 256 KiB is left out, and the entry says so. */
  test_client_send_raw (fixture->client, big);
  g_assert_cmpint (test_response_code (test_client_wait_response (fixture->client, "big")), ==, 200);
  log = test_control (fixture->server, "frames", NULL, 200);
  entries = json_node_get_array (log);
  entry = json_array_get_object_element (entries, json_array_get_length (entries) - 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "frame"), "id"), ==, "big");
  g_assert_false (json_object_has_member (json_object_get_object_member (entry, "frame"), "body"));
  g_assert_true (json_object_get_boolean_member (entry, "bodyOmitted"));
  g_assert_cmpint (json_object_get_int_member (entry, "size"), ==, strlen (big));
  g_clear_pointer (&log, json_node_unref);

  /* Frames under that, 35 MiB of them: the oldest go, about 32 MiB stay. */
  for (guint i = 0; i < n_frames; i++)
    {
      g_autofree char *id = g_strdup_printf ("pad%u", i);
      g_autofree char *text = padded_request (id, frame_size);

      test_client_send_raw (fixture->client, text);
    }
  g_assert_cmpint (test_response_code (test_client_wait_response (fixture->client, "pad139")), ==, 200);
  test_client_free (g_steal_pointer (&fixture->client));

  /* In process: 32 MiB through HTTP would take the test longer than the rest. */
  log = confab_server_dup_frame_log (fixture->server, NULL, NULL);
  entries = json_node_get_array (log);
  n_kept = json_array_get_length (entries);
  g_test_message ("%u frames of %" G_GSIZE_FORMAT " KiB kept", n_kept, frame_size / 1024);
  g_assert_cmpuint (n_kept * frame_size, <=, 32 * 1024 * 1024);
  g_assert_cmpuint (n_kept * frame_size, >, 30 * 1024 * 1024);
  entry = json_array_get_object_element (entries, n_kept - 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "frame"), "id"), ==, "pad139");
  /* The newest ones, in order. */
  for (guint i = 0; i < n_kept; i++)
    {
      g_autofree char *id = g_strdup_printf ("pad%u", n_frames - n_kept + i);

      entry = json_array_get_object_element (entries, i);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "frame"), "id"), ==, id);
    }
}

/* Over 8 MiB is answered 413 whatever the size, and the socket goes on serving (libsoup
 * alone cut the connection at a frame over 16 MiB). */
static void
test_too_large_any_size (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *big = padded_request ("big", 24 * 1024 * 1024);
  g_autofree char *other_jwt = test_signup (fixture->server, "confab-local");
  g_autoptr(JsonNode) log = NULL;
  TestClient *other = test_client_new (fixture->server, other_jwt);
  JsonArray *entries;
  JsonObject *response;

  test_client_send_raw (fixture->client, big);
  response = test_client_wait_response (fixture->client, "big");
  g_assert_cmpint (test_response_code (response), ==, 413);

  response = test_client_request (fixture->client, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  response = test_client_request (other, CONFAB_REQ_GET_CLOCK, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_false (fixture->client->closed);

  /* Logged as what did not parse, with its start. */
  log = confab_server_dup_frame_log (fixture->server, NULL, fixture->client->consumer_id);
  entries = json_node_get_array (log);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (entries, 0), "malformed"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (entries, 0), "raw"),
                                   "{\"kind\":\"req\",\"id\":\"big\""));

  test_client_free (other);
}

/* A WebSocket frame from a client: masked, as RFC 6455 wants. */
static void
raw_send_frame (TestRaw    *raw,
                guint8      opcode,
                gboolean    fin,
                const char *payload,
                gsize       len)
{
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 byte = (fin ? 0x80 : 0) | opcode;
  gsize sent = 0;

  g_byte_array_append (frame, &byte, 1);
  if (len < 126)
    {
      byte = 0x80 | (guint8) len;
      g_byte_array_append (frame, &byte, 1);
    }
  else
    {
      byte = 0x80 | 127;
      g_byte_array_append (frame, &byte, 1);
      for (int shift = 56; shift >= 0; shift -= 8)
        {
          byte = (guint8) ((guint64) len >> shift);
          g_byte_array_append (frame, &byte, 1);
        }
    }
  g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < len; i++)
    {
      byte = (guint8) payload[i] ^ mask[i % 4];
      g_byte_array_append (frame, &byte, 1);
    }

  /* The server reads in this same main loop. */
  while (sent < frame->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (raw->socket, (const char *) frame->data + sent, frame->len - sent, NULL, &error);

      if (n > 0)
        sent += (gsize) n;
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      g_main_context_iteration (NULL, FALSE);
    }
}

/* Reads from raw until received holds needle. */
static void
raw_wait_for (TestRaw    *raw,
              GString    *received,
              const char *needle)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (strstr (received->str, needle) == NULL)
    {
      char buffer[4096];
      gssize n = g_socket_receive (raw->socket, buffer, sizeof buffer, NULL, NULL);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_cmpint (n, !=, 0);
      /* The server's frames are text: NUL bytes in their headers would end the string. */
      for (gssize i = 0; i < n; i++)
        g_string_append_c (received, buffer[i] != '\0' ? buffer[i] : ' ');
      confab_test_spin (1);
    }
}

/* A message may go over the limit a fragment at a time, pings in between: it is answered
 * 413 all the same, with its id, and the next one goes through. */
static void
test_too_large_fragmented (Fixture       *fixture,
                           gconstpointer  data)
{
  TestRaw *raw = test_raw_new (confab_server_get_port (fixture->server));
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *upgrade = NULL;
  g_autofree char *pad = g_strnfill (17 * 1024 * 1024, 'x');
  const char *start = "{\"kind\":\"req\",\"id\":\"fragmented\",\"type\":\"GetClock\",\"body\":{\"pad\":\"";
  const char *clock = "{\"kind\":\"req\",\"id\":\"after\",\"type\":\"GetClock\"}";

  upgrade = g_strdup_printf ("GET /ws_api/account/confab-local/messaging/consumer?v=3 HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                             "Authorization: jwt %s\r\n\r\n",
                             confab_server_get_port (fixture->server), fixture->jwt);
  test_raw_send (raw, upgrade);
  raw_wait_for (raw, received, "\r\n\r\n");
  g_assert_true (g_str_has_prefix (received->str, "HTTP/1.1 101"));

  /* A fragment over libsoup's own limit, too. */
  raw_send_frame (raw, 0x1, FALSE, start, strlen (start));
  raw_send_frame (raw, 0x9, TRUE, "ping", 4);
  raw_send_frame (raw, 0x0, FALSE, pad, strlen (pad));
  raw_send_frame (raw, 0x9, TRUE, "ping", 4);
  raw_send_frame (raw, 0x0, TRUE, "\"}}", 3);
  raw_wait_for (raw, received, "\"reqId\":\"fragmented\",\"code\":413");

  raw_send_frame (raw, 0x1, TRUE, clock, strlen (clock));
  raw_wait_for (raw, received, "\"reqId\":\"after\",\"code\":200");

  test_raw_free (raw);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/limits/handshake-timeout", test_handshake_timeout);
  g_test_add_func ("/server/limits/handshake-timeout-spares-the-busy", test_handshake_timeout_spares_the_busy);
  g_test_add_func ("/server/limits/idle-timeout", test_idle_timeout);
  g_test_add_func ("/server/limits/sockets-per-peer", test_sockets_per_peer);
  g_test_add ("/server/limits/frame-log-bounded", Fixture, NULL, fixture_setup, test_frame_log_bounded, server_fixture_teardown);
  g_test_add ("/server/limits/too-large-any-size", Fixture, NULL, fixture_setup, test_too_large_any_size, server_fixture_teardown);
  g_test_add ("/server/limits/too-large-fragmented", Fixture, NULL, fixture_setup, test_too_large_fragmented, server_fixture_teardown);

  return g_test_run ();
}
