/* test-server-state.c: the local service's state file, across restarts
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "confab-protocol.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("confab-server-state-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "state.json", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_unlink (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static ConfabServer *
start_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  ConfabServer *server = confab_server_new ();

  confab_server_load_state (server, fixture->path, &error);
  g_assert_no_error (error);
  confab_server_listen (server, 0, &error);
  g_assert_no_error (error);

  return server;
}

/* The state without what only lives while running. */
static char *
dup_persistent_state (ConfabServer *server)
{
  g_autoptr(JsonNode) state = confab_server_dup_state (server);
  JsonObject *object = json_node_get_object (state);

  json_object_remove_member (object, "sockets");
  return json_to_string (state, TRUE);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, needle) != NULL;
}

static gboolean
first_conversation_accepted (ConfabServer *server)
{
  g_autoptr(JsonNode) state = confab_server_dup_state (server);
  JsonArray *conversations = json_object_get_array_member (json_node_get_object (state), "conversations");

  return json_object_has_member (json_array_get_object_element (conversations, 0), "agentId");
}

static void
test_restart_loses_nothing (Fixture       *fixture,
                            gconstpointer  data)
{
  ConfabServer *server = start_server (fixture);
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *closed_id = NULL;
  g_autofree char *open_id = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  TestClient *client = test_client_new (server, jwt);
  gint64 agent_seq;
  gint64 receipt[1];
  JsonObject *response;
  struct stat st;

  /* A closed conversation with CSAT, and an open one with messages and receipts both ways. */
  closed_id = test_client_open_conversation (client);
  test_client_publish_text (client, closed_id, "first conversation");
  response = test_client_request (client, CONFAB_REQ_UPDATE_CONVERSATION, confab_close_conversation_body (closed_id));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);
  response = test_client_request (client, CONFAB_REQ_UPDATE_CONVERSATION, confab_csat_body (closed_id, 5, TRUE, FALSE));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);

  open_id = test_client_open_conversation (client);
  test_client_publish_text (client, open_id, "hello");
  agent_seq = confab_server_agent_send_text (server, open_id, "hello to you", &error);
  g_assert_no_error (error);
  receipt[0] = agent_seq;
  response = test_client_request (client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_receipt_body (open_id, open_id, CONFAB_RECEIPT_READ, receipt, 1));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);
  receipt[0] = 0;
  confab_server_agent_send_receipt (server, open_id, CONFAB_RECEIPT_ACCEPT, receipt, 1, &error);
  g_assert_no_error (error);

  test_client_free (client);
  before = dup_persistent_state (server);
  test_server_free (server);

  /* Written atomically, readable by its owner only. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  server = start_server (fixture);
  after = dup_persistent_state (server);
  g_assert_cmpstr (before, ==, after);

  /* The key survived: the old token still opens a socket; history replays; sequences go on. */
  client = test_client_new (server, jwt);
  test_client_subscribe (client, open_id, 0);
  changes = test_client_wait_changes (client, NULL, 4);
  g_assert_cmpuint (changes->len, ==, 4);
  g_assert_cmpint (test_client_publish_text (client, open_id, "after the restart"), ==, 4);

  /* The open conversation is still the consumer's one open conversation. */
  response = test_client_request (client, CONFAB_REQ_REQUEST_CONVERSATION, NULL);
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 400);

  test_client_free (client);
  test_server_free (server);
}

static void
test_saved_soon_after_a_change (Fixture       *fixture,
                                gconstpointer  data)
{
  ConfabServer *server = start_server (fixture);
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  TestClient *client = test_client_new (server, jwt);

  /* A new file is written even before anything happens. */
  CONFAB_TEST_WAIT_UNTIL (g_file_test (fixture->path, G_FILE_TEST_EXISTS), 5000);

  conversation_id = test_client_open_conversation (client);
  test_client_publish_text (client, conversation_id, "kept without a clean shutdown");

  /* No shutdown: the debounced save alone must get it to disk. */
  CONFAB_TEST_WAIT_UNTIL (file_contains (fixture->path, "kept without a clean shutdown"), 5000);

  test_client_free (client);
  test_server_free (server);
}

/* The file holds what the server knows, as confab-server-state.c puts it. */
static void
test_file_is_the_state (Fixture       *fixture,
                        gconstpointer  data)
{
  ConfabServer *server = start_server (fixture);
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *closed_id = NULL;
  g_autofree char *open_id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(GError) error = NULL;
  TestClient *client = test_client_new (server, jwt);
  JsonObject *file;
  JsonObject *known;
  gint64 sequence;

  closed_id = test_client_open_conversation (client);
  test_client_publish_text (client, closed_id, "first");
  test_client_request (client, CONFAB_REQ_UPDATE_CONVERSATION, confab_close_conversation_body (closed_id));
  test_client_request (client, CONFAB_REQ_UPDATE_CONVERSATION, confab_csat_body (closed_id, 4, TRUE, FALSE));
  open_id = test_client_open_conversation (client);
  sequence = test_client_publish_text (client, open_id, "second");
  confab_server_agent_send_receipt (server, open_id, CONFAB_RECEIPT_READ, &sequence, 1, &error);
  g_assert_no_error (error);
  confab_server_agent_send_text (server, open_id, "an answer", &error);
  g_assert_no_error (error);

  g_assert_true (confab_server_save_state (server, &error));
  g_assert_true (json_parser_load_from_file (parser, fixture->path, &error));
  file = json_node_get_object (json_parser_get_root (parser));
  g_assert_nonnull (json_object_get_string_member (file, "key"));
  json_object_remove_member (file, "key");

  state = confab_server_dup_state (server);
  known = json_node_get_object (state);
  json_object_remove_member (known, "sockets");
  json_object_remove_member (known, "agentId");
  json_object_remove_member (known, "refuseTokens");
  json_object_remove_member (known, "responseDelay");
  g_assert_true (json_node_equal (json_parser_get_root (parser), state));

  test_client_free (client);
  test_server_free (server);
}

/* A save killed midway left its new file behind; the next start removes it, and only it. */
static void
test_stale_temp_removed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *stale = g_strconcat (fixture->path, ".saving-Ab12Yz", NULL);
  const char *kept_suffixes[] = { ".saving-Ab12Yz0", ".saving-", ".backup", "~" };
  ConfabServer *server;

  g_assert_true (g_file_set_contents (stale, "{\"version\":1,\"ke", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (kept_suffixes); i++)
    {
      g_autofree char *kept = g_strconcat (fixture->path, kept_suffixes[i], NULL);

      g_assert_true (g_file_set_contents (kept, "mine", -1, NULL));
    }

  server = start_server (fixture);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  test_server_free (server);

  for (guint i = 0; i < G_N_ELEMENTS (kept_suffixes); i++)
    {
      g_autofree char *kept = g_strconcat (fixture->path, kept_suffixes[i], NULL);

      g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
      g_unlink (kept);
    }
}

/* Saves run on a worker thread: changes made during one go into the next, and shutdown
 * waits for the one that runs before it saves the rest. */
static void
test_changes_during_a_save (Fixture       *fixture,
                            gconstpointer  data)
{
  ConfabServer *server = start_server (fixture);
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *filler = g_strnfill (2000, 'x');
  g_autofree char *conversation_id = NULL;
  g_autoptr(GError) error = NULL;
  TestClient *client = test_client_new (server, jwt);

  conversation_id = test_client_open_conversation (client);
  test_client_free (client);
  for (guint i = 0; i < 5000; i++)
    {
      confab_server_agent_send_text (server, conversation_id, filler, &error);
      g_assert_no_error (error);
    }

  /* Changes every few milliseconds, saves starting all the while. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("change %u", i);

      confab_server_agent_send_text (server, conversation_id, text, &error);
      g_assert_no_error (error);
      test_spin (5);
    }
  CONFAB_TEST_WAIT_UNTIL (file_contains (fixture->path, "change 99"), 10000);

  /* The last change right before shutdown. */
  confab_server_agent_send_text (server, conversation_id, "the very last", &error);
  g_assert_no_error (error);
  test_server_free (server);
  g_assert_true (file_contains (fixture->path, "the very last"));

  server = start_server (fixture);
  g_assert_true (confab_server_peek_conversation (server, conversation_id, NULL, NULL, NULL));
  test_server_free (server);
}

static void
test_corrupt_file (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *broken[] = {
    "not json at all",
    "[]",
    "{\"version\":99}",
    "{\"version\":1}",
    "{\"version\":1,\"key\":\"c2hvcnQ=\"}",
    "{\"version\":1,\"key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"conversations\":[{\"id\":\"x\"}]}",
    /* an event whose sequence is not its place */
    ("{\"version\":1,\"key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"conversations\":[{\"id\":\"x\",\"consumerId\":\"c\","
     "\"accountId\":\"a\",\"events\":[{\"sequence\":5,\"originatorId\":\"c\",\"event\":{}}]}]}"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(ConfabServer) server = confab_server_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;

      g_assert_true (g_file_set_contents (fixture->path, broken[i], -1, NULL));
      g_assert_false (confab_server_load_state (server, fixture->path, &error));
      g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE);

      /* Never overwritten. */
      g_clear_object (&server);
      g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, broken[i]);
    }

  {
    g_autoptr(ConfabServer) server = confab_server_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (confab_server_load_state (server, fixture->dir, &error));
    g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE);
  }
}

static void
test_bot_resumes_waiting_conversation (Fixture       *fixture,
                                       gconstpointer  data)
{
  ConfabServer *server = start_server (fixture);
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  TestClient *client = test_client_new (server, jwt);

  /* Requested while nobody played the agent… */
  conversation_id = test_client_open_conversation (client);
  test_client_free (client);
  test_server_free (server);

  /* …taken by the bot once it runs. */
  server = confab_server_new ();
  test_server_attach_bot (server);
  confab_server_set_accept_delay (server, 10);
  confab_server_set_typing_delay (server, 10);
  g_assert_true (confab_server_load_state (server, fixture->path, NULL));
  g_assert_true (confab_server_listen (server, 0, NULL));

  CONFAB_TEST_WAIT_UNTIL (first_conversation_accepted (server), 5000);

  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/state/restart", Fixture, NULL, fixture_setup, test_restart_loses_nothing, fixture_teardown);
  g_test_add ("/server/state/saved-soon", Fixture, NULL, fixture_setup, test_saved_soon_after_a_change, fixture_teardown);
  g_test_add ("/server/state/corrupt", Fixture, NULL, fixture_setup, test_corrupt_file, fixture_teardown);
  g_test_add ("/server/state/file-is-the-state", Fixture, NULL, fixture_setup, test_file_is_the_state, fixture_teardown);
  g_test_add ("/server/state/stale-temp-removed", Fixture, NULL, fixture_setup, test_stale_temp_removed, fixture_teardown);
  g_test_add ("/server/state/changes-during-a-save", Fixture, NULL, fixture_setup, test_changes_during_a_save, fixture_teardown);
  g_test_add ("/server/state/bot-resumes", Fixture, NULL, fixture_setup, test_bot_resumes_waiting_conversation, fixture_teardown);

  return g_test_run ();
}
