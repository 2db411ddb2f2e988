/* test-server-connections.c: what a client may hold of the server's connections
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The limits are the server's handshake-timeout, idle-timeout and max-sockets-per-peer
 * properties, made short here. Running out of file descriptors is in test-server-exe.c:
 * it takes a process of its own.
 */
#include "config.h"

#include "server-test-util.h"

#include "confab-protocol.h"

/* How long a connection stayed open, in ms, while the main loop ran; gives up at limit_ms. */
static gint64
ms_until_closed (TestRaw *raw,
                 gint64   limit_ms)
{
  gint64 start = g_get_monotonic_time ();

  while (!test_raw_closed (raw) && g_get_monotonic_time () - start < limit_ms * 1000)
    test_spin (5);

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
  test_spin (600);
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
  test_spin (6000 - (guint) elapsed);
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
  test_spin (200);
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_assert_false (test_raw_closed (held[i]));
  test_raw_free (extra);

  /* One goes: there is room for another. */
  test_raw_free (held[0]);
  held[0] = NULL;
  test_spin (200);
  extra = test_raw_new (port);
  test_spin (200);
  g_assert_false (test_raw_closed (extra));
  test_raw_free (extra);

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    test_raw_free (held[i]);
  test_spin (200);
  assert_answers (server);

  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/connections/handshake-timeout", test_handshake_timeout);
  g_test_add_func ("/server/connections/handshake-timeout-spares-the-busy", test_handshake_timeout_spares_the_busy);
  g_test_add_func ("/server/connections/idle-timeout", test_idle_timeout);
  g_test_add_func ("/server/connections/sockets-per-peer", test_sockets_per_peer);

  return g_test_run ();
}
