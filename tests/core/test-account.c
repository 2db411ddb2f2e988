/* test-account.c: lp.env files, the environment, URLs, CSDS and signup over real HTTP
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "confab-test-util.h"
#include "confab-account.h"
#include "confab-proxy-resolver.h"

static char *
write_env_file (const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("confab-lp-XXXXXX.env", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_env_file_good (void)
{
  g_autofree char *path = write_env_file (
    "# LivePerson settings\n"
    "\n"
    "LP_ACCOUNT=12345678\n"
    "  LP_JWT = \"aaa.bbb.ccc\"  \n"
    "export LP_ASYNCMESSAGINGENT='va.v.liveperson.net'\n"
    "LP_IDP=va.idp.liveperson.net # a comment\n"
    "LP_ACCDNDOMAIN=\n"
    "SOMETHING_ELSE=ignored\n"
    "LP_CSDS=csds.example:8443\r\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = confab_account_new_from_env_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpint (confab_account_get_source (account), ==, CONFAB_ACCOUNT_SOURCE_ENV_FILE);
  g_assert_cmpstr (confab_account_get_account_id (account), ==, "12345678");
  g_assert_cmpstr (confab_account_get_jwt (account), ==, "aaa.bbb.ccc");
  g_assert_cmpstr (confab_account_get_async_messaging_ent (account), ==, "va.v.liveperson.net");
  g_assert_cmpstr (confab_account_get_idp (account), ==, "va.idp.liveperson.net");
  g_assert_null (confab_account_get_accdn (account));
  g_assert_cmpstr (confab_account_get_csds (account), ==, "csds.example:8443");
  g_assert_false (confab_account_get_anonymous (account));
  g_unlink (path);
}

static void
test_env_file_bad (void)
{
  const struct { const char *contents; const char *line; } cases[] = {
    { "LP_ACCOUNT=1\nthis is not a setting\n", "line 2" },
    { "LP_ACCOUNT=1\n\n\nLP_JWT=\"unclosed\n", "line 4" },
    { "1BAD=x\n", "line 1" },
    { "LP ACCOUNT=x\n", "line 1" },
    { "LP_ACCOUNT=\xff\xfe\n", "line 1" },
    { "=value\n", "line 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_env_file (cases[i].contents);
      g_autofree char *display = g_filename_display_name (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabAccount) account = confab_account_new_from_env_file (path, &error);

      g_assert_null (account);
      g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_ENV_FILE);
      /* The error names the file and the line, never the value. */
      g_assert_nonnull (strstr (error->message, display));
      g_assert_nonnull (strstr (error->message, cases[i].line));
      g_assert_null (strstr (error->message, "unclosed"));
      g_unlink (path);
    }
}

static void
test_env_file_missing_account (void)
{
  g_autofree char *path = write_env_file ("LP_JWT=a.b.c\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = confab_account_new_from_env_file (path, &error);

  g_assert_null (account);
  g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INCOMPLETE);
  g_assert_nonnull (strstr (error->message, "LP_ACCOUNT"));
  g_assert_null (strstr (error->message, "a.b.c"));
  g_unlink (path);
  g_clear_error (&error);

  account = confab_account_new_from_env_file ("/nonexistent/lp.env", &error);
  g_assert_null (account);
  g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_ENV_FILE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/lp.env"));
}

static void
test_environment (void)
{
  const char *envp[] = { "HOME=/root", "LP_ACCOUNT=555", "LP_JWT=x.y.z", "LP_IDP=idp.example", NULL };
  const char *empty[] = { "HOME=/root", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = confab_account_new_from_environ (envp, &error);
  g_autoptr(ConfabAccount) none = confab_account_new_from_environ (empty, &error);

  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpint (confab_account_get_source (account), ==, CONFAB_ACCOUNT_SOURCE_ENVIRONMENT);
  g_assert_cmpstr (confab_account_get_account_id (account), ==, "555");
  g_assert_cmpstr (confab_account_get_jwt (account), ==, "x.y.z");
  g_assert_cmpstr (confab_account_get_idp (account), ==, "idp.example");
  g_assert_cmpstr (confab_account_get_csds (account), ==, CONFAB_DEFAULT_CSDS);
  g_assert_null (none);
}

static void
test_discover_order (void)
{
  const char *envp[] = { "LP_ACCOUNT=from-env", NULL };
  const char *empty[] = { NULL };
  g_autofree char *path = write_env_file ("LP_ACCOUNT=from-file\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) a = NULL, b = NULL, c = NULL;

  /* the file wins over the environment; the environment wins over nothing; nothing → local */
  a = confab_account_discover (path, envp, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_account_get_account_id (a), ==, "from-file");
  b = confab_account_discover (NULL, envp, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_account_get_account_id (b), ==, "from-env");
  c = confab_account_discover (NULL, empty, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (c);
  g_unlink (path);
}

static void
test_urls (void)
{
  const struct { const char *domain; gboolean ws; const char *expected; } good[] = {
    { "va.v.liveperson.net", TRUE, "wss://va.v.liveperson.net/p?v=3" },
    { "va.v.liveperson.net:8443", FALSE, "https://va.v.liveperson.net:8443/p?v=3" },
    { "https://example.com/base/", TRUE, "wss://example.com/base/p?v=3" },
    { "wss://example.com", FALSE, "https://example.com/p?v=3" },
    { "http://127.0.0.1:9000", TRUE, "ws://127.0.0.1:9000/p?v=3" },
    { "ws://127.0.0.5:9000", FALSE, "http://127.0.0.5:9000/p?v=3" },
    { "http://[::1]:9000", FALSE, "http://[::1]:9000/p?v=3" },
    { "http://localhost:1", TRUE, "ws://localhost:1/p?v=3" },
  };
  const char *insecure[] = {
    "http://example.com", "ws://10.0.0.1:80", "http://192.168.1.1", "ws://[2001:db8::1]", "http://127.example.com",
  };
  const char *invalid[] = { "", "ftp://example.com", "https://", "http://:80" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = confab_account_build_url (good[i].domain, good[i].ws, "/p?v=3", &error);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, good[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (insecure); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = confab_account_build_url (insecure[i], TRUE, "/p", &error);

      g_assert_null (url);
      g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INSECURE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = confab_account_build_url (invalid[i], TRUE, "/p", &error);

      g_assert_null (url);
      g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INVALID_URL);
    }
}

static void
test_socket_url (void)
{
  g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "123 45");
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *profile = NULL;

  confab_account_set_async_messaging_ent (account, "va.v.liveperson.net");
  confab_account_set_accdn (account, "accdn.lpsnmedia.net");
  url = confab_account_dup_socket_url (account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "wss://va.v.liveperson.net/ws_api/account/123%2045/messaging/consumer?v=3");
  profile = confab_account_dup_profile_url (account, "agent/1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile, ==, "https://accdn.lpsnmedia.net/api/account/123%2045/configuration/le-users/users/agent%2F1");
}

/* A local HTTP server playing CSDS and the idp */

typedef struct
{
  SoupServer *server;
  char *base;              /* http://127.0.0.1:PORT */
  guint csds_requests;
  guint signups;
  const char *csds_answer; /* answer CSDS with this instead of a good answer */
  guint signup_status;
} HttpFixture;

static void
csds_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  HttpFixture *f = user_data;
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autofree char *body = NULL;

  /* /api/account/{id}/service/{service}/baseURI.json */
  f->csds_requests++;
  if (g_strv_length (parts) != 7 || g_strcmp0 (parts[4], "service") != 0 ||
      g_strcmp0 (query ? g_hash_table_lookup (query, "version") : NULL, "1.0") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (f->csds_answer != NULL)
    body = g_strdup (f->csds_answer);
  else
    body = g_strdup_printf ("{\"service\":\"%s\",\"account\":\"%s\",\"baseURI\":\"%s\"}",
                            parts[5], parts[3], f->base);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
signup_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  HttpFixture *f = user_data;
  const char *body = "{\"jwt\":\"new.anonymous.token\"}";

  f->signups++;
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (f->signup_status != 0)
    {
      soup_server_message_set_status (msg, f->signup_status, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
http_setup (HttpFixture   *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/api/account/acc-1/signup", signup_handler, f, NULL);
  soup_server_add_handler (f->server, "/api/account", csds_handler, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
http_teardown (HttpFixture   *f,
               gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_free (f->base);
}

/* Resolves the account's domains (and token), waiting for the answer. */
static gboolean
resolve (ConfabAccount *account,
         SoupSession   *session,
         GError       **error)
{
  ConfabTestAsync async = { 0 };
  gboolean ok;

  confab_account_resolve_async (account, session, NULL, confab_test_async_cb, &async);
  CONFAB_TEST_WAIT_UNTIL (async.result != NULL, 5000);
  ok = confab_account_resolve_finish (account, async.result, error);
  confab_test_async_clear (&async);
  return ok;
}

static void
test_csds_and_signup (HttpFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "acc-1");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  confab_account_set_csds (account, f->base);
  g_assert_true (resolve (account, session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->csds_requests, ==, 3);
  g_assert_cmpuint (f->signups, ==, 1);
  g_assert_cmpstr (confab_account_get_async_messaging_ent (account), ==, f->base);
  g_assert_cmpstr (confab_account_get_idp (account), ==, f->base);
  g_assert_cmpstr (confab_account_get_accdn (account), ==, f->base);
  g_assert_cmpstr (confab_account_get_jwt (account), ==, "new.anonymous.token");
  g_assert_true (confab_account_get_anonymous (account));

  url = confab_account_dup_socket_url (account, NULL);
  g_assert_true (g_str_has_prefix (url, "ws://127.0.0.1:"));

  /* With everything known, resolving asks nobody. */
  g_assert_true (resolve (account, session, &error));
  g_assert_cmpuint (f->csds_requests, ==, 3);
  g_assert_cmpuint (f->signups, ==, 1);
}

static void
test_known_token_skips_idp (HttpFixture   *f,
                            gconstpointer  data)
{
  g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "acc-1");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;

  confab_account_set_csds (account, f->base);
  confab_account_set_jwt (account, "given.token.here");
  g_assert_true (resolve (account, session, &error));
  g_assert_cmpuint (f->csds_requests, ==, 2);
  g_assert_cmpuint (f->signups, ==, 0);
  g_assert_null (confab_account_get_idp (account));
  g_assert_false (confab_account_get_anonymous (account));
}

static void
test_lookup_failures (HttpFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();

  {
    g_autofree char *deep = NULL;
    g_autofree char *huge = NULL;
    g_autofree char *padded = NULL;
    GString *nesting = g_string_new ("{\"baseURI\":\"x\",\"n\":");
    const char *answers[7];

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (nesting, '[');
    deep = g_string_free (nesting, FALSE);
    huge = g_strnfill (70 * 1024, ' ');
    padded = g_strdup_printf ("{\"baseURI\":\"%s\",\"pad\":\"%s\"}", f->base, huge);

    answers[0] = "<html>oops</html>";
    /* a hostile lookup answer must not recurse the parser to death */
    answers[1] = deep;
    /* over the size limit, however good the rest */
    answers[2] = padded;
    /* lax JSON json-glib would have read */
    answers[3] = "/* hi */ {\"baseURI\":\"http://127.0.0.1:1\"}";
    answers[4] = "{'baseURI':'http://127.0.0.1:1'}";
    /* JSON, but no usable baseURI */
    answers[5] = "{\"baseURI\":42}";
    answers[6] = "[\"baseURI\"]";

    for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
      {
        g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "acc-1");
        g_autoptr(GError) error = NULL;

        f->csds_answer = answers[i];
        confab_account_set_csds (account, f->base);
        g_assert_false (resolve (account, session, &error));
        g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP);
        g_clear_error (&error);
      }
    f->csds_answer = NULL;
  }

  {
    g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "acc-1");
    g_autoptr(GError) error = NULL;

    f->signup_status = SOUP_STATUS_FORBIDDEN;
    confab_account_set_csds (account, f->base);
    g_assert_false (resolve (account, session, &error));
    g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_SIGNUP);
    g_assert_null (confab_account_get_jwt (account));
    g_clear_error (&error);
  }

  {
    /* a CSDS over plain http to a non-loopback host is refused before any traffic */
    g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "acc-1");
    guint before = f->csds_requests;
    g_autoptr(GError) error = NULL;

    confab_account_set_csds (account, "http://10.1.2.3:80");
    g_assert_false (resolve (account, session, &error));
    g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INSECURE);
    g_assert_cmpuint (f->csds_requests, ==, before);
    g_clear_error (&error);
  }

  {
    /* a closed port: a clear error, not a hang */
    g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "acc-1");
    g_autoptr(GError) error = NULL;

    confab_account_set_csds (account, "http://127.0.0.1:1");
    g_assert_false (resolve (account, session, &error));
    g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP);
    g_clear_error (&error);
  }
}

/* The system's proxy (here one on a closed port) is asked for every host but this machine's
 * own: no proxy can reach the local service. */
static char *
lookup_async (GProxyResolver *resolver,
              const char     *uri)
{
  ConfabTestAsync async = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) proxies = NULL;

  g_proxy_resolver_lookup_async (resolver, uri, NULL, confab_test_async_cb, &async);
  CONFAB_TEST_WAIT_UNTIL (async.result != NULL, 5000);
  proxies = g_proxy_resolver_lookup_finish (resolver, async.result, &error);
  g_assert_no_error (error);
  confab_test_async_clear (&async);
  g_assert_cmpuint (g_strv_length (proxies), ==, 1);
  return g_strdup (proxies[0]);
}

static void
test_loopback_skips_proxy (HttpFixture   *f,
                           gconstpointer  data)
{
  static const struct { const char *uri; gboolean direct; } cases[] = {
    { "http://127.0.0.1:9", TRUE },
    { "http://127.2.3.4/x", TRUE },
    { "ws://[::1]:8080/ws_api", TRUE },
    { "https://LocalHost:8443/", TRUE },
    { "wss://va.v.liveperson.net/ws_api/account/1", FALSE },
    { "http://128.0.0.1/", FALSE },
    { "http://localhost.example/", FALSE },
  };
  g_autoptr(GProxyResolver) system = g_simple_proxy_resolver_new ("http://127.0.0.1:1", NULL);
  g_autoptr(GProxyResolver) proxies = confab_proxy_resolver_new (system);
  g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "acc-1");
  g_autoptr(GError) error = NULL;

  g_assert_true (g_proxy_resolver_is_supported (proxies));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *expected = cases[i].direct ? "direct://" : "http://127.0.0.1:1";
      g_auto(GStrv) found = g_proxy_resolver_lookup (proxies, cases[i].uri, NULL, &error);
      g_autofree char *found_async = lookup_async (proxies, cases[i].uri);

      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (found), ==, 1);
      g_assert_cmpstr (found[0], ==, expected);
      g_assert_cmpstr (found_async, ==, expected);
    }

  /* Through libsoup: the system's proxy alone makes the local CSDS unreachable, and with
   * Confab's resolver in front of it the lookup goes straight to it. */
  {
    g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", system, NULL);

    confab_account_set_csds (account, f->base);
    g_assert_false (resolve (account, session, &error));
    g_assert_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP);
    g_clear_error (&error);
    g_assert_cmpuint (f->csds_requests, ==, 0);
  }
  {
    g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", proxies, NULL);

    g_assert_true (resolve (account, session, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (f->csds_requests, ==, 3);
    g_assert_cmpstr (confab_account_get_jwt (account), ==, "new.anonymous.token");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/account/env-file/good", test_env_file_good);
  g_test_add_func ("/core/account/env-file/bad", test_env_file_bad);
  g_test_add_func ("/core/account/env-file/missing-account", test_env_file_missing_account);
  g_test_add_func ("/core/account/environment", test_environment);
  g_test_add_func ("/core/account/discover-order", test_discover_order);
  g_test_add_func ("/core/account/urls", test_urls);
  g_test_add_func ("/core/account/socket-url", test_socket_url);
  g_test_add ("/core/account/csds-and-signup", HttpFixture, NULL, http_setup, test_csds_and_signup, http_teardown);
  g_test_add ("/core/account/known-token-skips-idp", HttpFixture, NULL, http_setup, test_known_token_skips_idp, http_teardown);
  g_test_add ("/core/account/lookup-failures", HttpFixture, NULL, http_setup, test_lookup_failures, http_teardown);
  g_test_add ("/core/account/loopback-skips-proxy", HttpFixture, NULL, http_setup, test_loopback_skips_proxy, http_teardown);

  return g_test_run ();
}
