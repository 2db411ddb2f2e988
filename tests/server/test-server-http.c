/* test-server-http.c: the local service's HTTP side, tokens and the control API's guards
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include "confab-protocol.h"
#include "confab-token.h"

static void
test_csds (void)
{
  ConfabServer *server = test_server_new ();
  g_autofree char *base_url = confab_server_dup_base_url (server);
  const char *services[] = { "asyncMessagingEnt", "idp", "acCdnDomain" };
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  g_assert_true (g_str_has_prefix (base_url, "http://127.0.0.1:"));
  g_assert_cmpstr (confab_server_get_account_id (server), ==, "confab-local");

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/account/confab-local/service/%s/baseURI.json?version=1.0",
                                               services[i]);
      g_autoptr(JsonNode) node = test_http (server, "GET", path, NULL, NULL, &status);
      JsonObject *object;

      g_assert_cmpuint (status, ==, 200);
      object = json_node_get_object (node);
      g_assert_cmpstr (json_object_get_string_member (object, "service"), ==, services[i]);
      g_assert_cmpstr (json_object_get_string_member (object, "account"), ==, "confab-local");
      g_assert_cmpstr (json_object_get_string_member (object, "baseURI"), ==, base_url);
    }

  /* Any account id is accepted. */
  answer = test_http (server, "GET", "/api/account/12345678/service/idp/baseURI.json?version=1.0",
                      NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "account"), ==, "12345678");
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "GET", "/api/account/confab-local/service/nope/baseURI.json?version=1.0",
                      NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_true (json_object_has_member (json_node_get_object (answer), "error"));
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "POST", "/api/account/confab-local/service/idp/baseURI.json", "{}", NULL, &status);
  g_assert_cmpuint (status, ==, 405);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "GET", "/api/account/confab-local/nothing", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "GET", "/elsewhere", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  test_server_free (server);
}

static void
test_signup_tokens (void)
{
  ConfabServer *server = test_server_new ();
  g_autofree char *jwt = NULL;
  g_autofree char *jwt2 = NULL;
  g_autofree char *other = NULL;
  g_autoptr(ConfabJwtClaims) claims = NULL;
  g_autoptr(ConfabJwtClaims) claims2 = NULL;
  g_autoptr(ConfabJwtClaims) other_claims = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *header = NULL;
  gsize header_len = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint status = 0;

  jwt = test_signup (server, "confab-local");
  claims = confab_jwt_decode (jwt, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (claims->sub));
  g_assert_cmpstr (claims->aud, ==, "acc:confab-local");
  g_assert_cmpstr (claims->iss, ==, "confab-server");
  g_assert_cmpint (ABS (claims->iat - now), <=, 5);
  g_assert_cmpint (claims->exp - claims->iat, ==, 3600);

  parts = g_strsplit (jwt, ".", -1);
  header = confab_base64url_decode (parts[0], &header_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (header, header_len, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", 27);

  /* Every signup is a new consumer; the lifetime is configurable. */
  confab_server_set_token_lifetime (server, 60);
  jwt2 = test_signup (server, "confab-local");
  claims2 = confab_jwt_decode (jwt2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (claims->sub, !=, claims2->sub);
  g_assert_cmpint (claims2->exp - claims2->iat, ==, 60);

  other = test_signup (server, "other-account");
  other_claims = confab_jwt_decode (other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other_claims->aud, ==, "acc:other-account");

  answer = test_http (server, "GET", "/api/account/confab-local/signup", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 405);

  test_server_free (server);
}

static void
test_agent_profile (void)
{
  ConfabServer *server = test_server_new_with_bot ();
  g_autofree char *path = g_strdup_printf ("/api/account/confab-local/configuration/le-users/users/%s",
                                           confab_server_get_agent_id (server));
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *profile;
  guint status = 0;

  answer = test_http (server, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  profile = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (profile, "nickname"), ==, "Dana");
  g_assert_nonnull (json_object_get_string_member (profile, "fullName"));
  g_assert_nonnull (json_object_get_string_member (profile, "employeeId"));
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "GET", "/api/account/confab-local/configuration/le-users/users/someone-else",
                      NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  test_server_free (server);
}

static void
test_token_sign_verify (void)
{
  g_autoptr(GBytes) key = confab_token_new_key ();
  g_autoptr(GBytes) other_key = confab_token_new_key ();
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *none_token = NULL;
  g_autofree char *header_none = NULL;
  g_auto(GStrv) parts = NULL;
  gint64 now = 1700000000;
  gint64 exp = 0;
  char *none_subject;

  g_assert_cmpuint (g_bytes_get_size (key), ==, CONFAB_TOKEN_KEY_SIZE);
  g_assert_false (g_bytes_equal (key, other_key));

  token = confab_token_sign (key, "acc1", "consumer-1", now, now + 100);
  subject = confab_token_verify (key, token, "acc1", now, &exp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subject, ==, "consumer-1");
  g_assert_cmpint (exp, ==, now + 100);

  g_assert_null (confab_token_verify (other_key, token, "acc1", now, NULL, &error));
  g_assert_error (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_SIGNATURE);
  g_clear_error (&error);

  g_assert_null (confab_token_verify (key, token, "acc1", now + 100, NULL, &error));
  g_assert_error (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_EXPIRED);
  g_clear_error (&error);

  g_assert_null (confab_token_verify (key, token, "acc2", now, NULL, &error));
  g_assert_error (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_AUDIENCE);
  g_clear_error (&error);

  g_assert_null (confab_token_verify (key, NULL, "acc1", now, NULL, &error));
  g_assert_error (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MISSING);
  g_clear_error (&error);

  /* Another subject in the payload breaks the signature. */
  parts = g_strsplit (token, ".", -1);
  {
    g_autofree char *payload = confab_base64url_encode ((const guint8 *) "{\"sub\":\"intruder\",\"aud\":\"acc:acc1\",\"exp\":1800000000}", 52);

    tampered = g_strjoin (".", parts[0], payload, parts[2], NULL);
  }
  g_assert_null (confab_token_verify (key, tampered, "acc1", now, NULL, &error));
  g_assert_error (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_SIGNATURE);
  g_clear_error (&error);

  /* alg "none" is never accepted. */
  header_none = confab_base64url_encode ((const guint8 *) "{\"alg\":\"none\"}", 14);
  none_token = g_strjoin (".", header_none, parts[1], "", NULL);
  none_subject = confab_token_verify (key, none_token, "acc1", now, NULL, &error);
  g_assert_null (none_subject);
  g_assert_error (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MALFORMED);
  g_clear_error (&error);

  for (guint i = 0; i < 6; i++)
    {
      const char *garbage[] = { "", "abc", "a.b", "a.b.c", "....", "%%%.%%%.%%%" };

      g_assert_null (confab_token_verify (key, garbage[i], "acc1", now, NULL, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

static void
test_loopback_check (void)
{
  const char *loopback[] = { "127.0.0.1", "127.8.9.10", "127.255.255.254", "::1", "::ffff:127.0.0.1" };
  const char *remote[] = { "10.0.0.1", "192.168.1.20", "0.0.0.0", "128.0.0.1", "126.255.255.255",
                           "::", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1" };

  for (guint i = 0; i < G_N_ELEMENTS (loopback); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (loopback[i]);

      g_assert_true (confab_server_address_is_loopback (address));
    }

  for (guint i = 0; i < G_N_ELEMENTS (remote); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (remote[i]);

      g_assert_false (confab_server_address_is_loopback (address));
    }
}

static void
test_control_guards (void)
{
  ConfabServer *server = test_server_new ();
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  /* A page that reached the port through DNS rebinding names its own host. */
  answer = test_http (server, "POST", "/control/state", "{}", "Host: attacker.example", &status);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "POST", "/control/state", "{}", "Origin: http://attacker.example", &status);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "GET", "/control/state", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_has_member (json_node_get_object (answer), "conversations"));
  g_assert_false (json_object_has_member (json_node_get_object (answer), "key"));
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "GET", "/control/agent/message", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 405);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "POST", "/control/nothing", "{}", NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "POST", "/control/delay", "{not json", NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "POST", "/control/delay", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
                      NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&answer, json_node_unref);

  answer = test_http (server, "POST", "/control/delay", "{\"ms\":-5}", NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&answer, json_node_unref);

  /* Nothing to act on yet. */
  answer = test_control (server, "agent/message", "{\"text\":\"hello\"}", 404);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (server, "agent/message", "{}", 400);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (server, "agent/close", "{\"conversationId\":\"nope\"}", 404);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (server, "drop", "{\"code\":1006}", 400);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (server, "frame", "{}", 400);

  test_server_free (server);
}

/* The Host a local client writes: a loopback name with the service's own port, nothing else. */
static void
test_control_host (void)
{
  ConfabServer *server = test_server_new ();
  guint16 port = confab_server_get_port (server);
  char *good[] = {
    g_strdup_printf ("localhost:%u", port),
    g_strdup_printf ("LocalHost:%u", port),
    g_strdup_printf ("127.0.0.1:%u", port),
    g_strdup_printf ("[::1]:%u", port),
  };
  char *bad[] = {
    g_strdup_printf ("localhost:%u@attacker.example", port),
    g_strdup_printf ("localhost:%u.attacker.example", port),
    g_strdup_printf ("localhost.attacker.example:%u", port),
    g_strdup_printf ("localhost.:%u", port),
    g_strdup_printf ("localhost:%u", port == 1234 ? 1235 : 1234),
    g_strdup_printf ("localhost:0%u", port),
    g_strdup_printf ("localhost:+%u", port),
    g_strdup_printf ("localhost:%u:%u", port, port),
    g_strdup_printf ("localhost:%u/", port),
    g_strdup_printf ("127.0.0.2:%u", port),
    g_strdup_printf ("127.1:%u", port),
    g_strdup_printf ("[::1%%25lo]:%u", port),
    g_strdup_printf ("[::ffff:127.0.0.1]:%u", port),
    g_strdup_printf ("user@localhost:%u", port),
    g_strdup ("localhost"),
    g_strdup ("localhost:"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *header = g_strconcat ("Host: ", good[i], NULL);
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      answer = test_http (server, "POST", "/control/state", "{}", header, &status);
      g_assert_cmpuint (status, ==, 200);
      g_free (good[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *header = g_strconcat ("Host: ", bad[i], NULL);
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      /* 403 from the control API, or 400 from libsoup when the Host makes no URL at all. */
      g_test_message ("Host: %s", bad[i]);
      answer = test_http (server, "POST", "/control/state", "{}", header, &status);
      g_assert_true (status == 403 || status == 400);
      g_free (bad[i]);
    }

  test_server_free (server);
}

static void
test_http_delay (void)
{
  ConfabServer *server = test_server_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) csds = NULL;
  gint64 start;
  guint status = 0;

  answer = test_control (server, "delay", "{\"ms\":300}", 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "ms"), ==, 300);
  g_assert_cmpuint (confab_server_get_response_delay (server), ==, 300);

  start = g_get_monotonic_time ();
  csds = test_http (server, "GET", "/api/account/confab-local/service/idp/baseURI.json", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);

  /* A request still delayed when the server goes away is answered or dropped, never leaked. */
  confab_server_set_response_delay (server, 10000);
  test_server_free (server);
}

static void
test_control_token (void)
{
  ConfabServer *server = test_server_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(ConfabJwtClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  answer = test_control (server, "token", "{\"consumerId\":\"c-1\",\"lifetime\":-60}", 200);
  object = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (object, "consumerId"), ==, "c-1");
  claims = confab_jwt_decode (json_object_get_string_member (object, "jwt"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (claims->exp, <, g_get_real_time () / G_USEC_PER_SEC);

  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/http/csds", test_csds);
  g_test_add_func ("/server/http/signup", test_signup_tokens);
  g_test_add_func ("/server/http/agent-profile", test_agent_profile);
  g_test_add_func ("/server/http/token", test_token_sign_verify);
  g_test_add_func ("/server/http/loopback-check", test_loopback_check);
  g_test_add_func ("/server/http/control-guards", test_control_guards);
  g_test_add_func ("/server/http/control-host", test_control_host);
  g_test_add_func ("/server/http/delay", test_http_delay);
  g_test_add_func ("/server/http/control-token", test_control_token);

  return g_test_run ();
}
