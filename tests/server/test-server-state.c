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
#include "confab-server-state.h"

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
      confab_test_spin (5);
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

/* {"a":…} levels deep around 1 */
static char *
nested_objects (guint levels)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < levels; i++)
    g_string_append (out, "{\"a\":");
  g_string_append_c (out, '1');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* A published event as deep as a frame allows; the frame's own three levels (frame, body,
 * event) leave the message the rest. */
static JsonNode *
deepest_publishable_event (void)
{
  g_autofree char *message = nested_objects (CONFAB_FRAME_MAX_DEPTH - 3);
  g_autofree char *deeper = nested_objects (CONFAB_FRAME_MAX_DEPTH - 2);
  g_autofree char *frame_text = NULL;
  g_autofree char *too_deep_text = NULL;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(ConfabFrame) too_deep = NULL;
  g_autoptr(GError) error = NULL;

  frame_text = g_strdup_printf ("{\"kind\":\"req\",\"id\":\"1\",\"type\":\"ms.PublishEvent\",\"body\":"
                                "{\"conversationId\":\"c\",\"event\":{\"type\":\"ContentEvent\","
                                "\"contentType\":\"x/y\",\"message\":%s}}}", message);
  frame = confab_frame_parse (frame_text, -1, &error);
  g_assert_no_error (error);

  too_deep_text = g_strdup_printf ("{\"kind\":\"req\",\"body\":{\"event\":{\"message\":%s}}}", deeper);
  too_deep = confab_frame_parse (too_deep_text, -1, NULL);
  g_assert_null (too_deep);

  return json_node_copy (confab_json_get_node (confab_frame_get_body_object (frame), "event"));
}

/* The event the state of a running server holds at sequence in conversation_id. */
static JsonNode *
dup_stored_event (ConfabServer *server,
                  const char   *conversation_id,
                  guint         sequence)
{
  g_autoptr(JsonNode) state = confab_server_dup_state (server);
  JsonArray *conversations = json_object_get_array_member (json_node_get_object (state), "conversations");

  for (guint i = 0; i < json_array_get_length (conversations); i++)
    {
      JsonObject *conversation = json_array_get_object_element (conversations, i);
      JsonArray *events = json_object_get_array_member (conversation, "events");

      if (g_str_equal (json_object_get_string_member (conversation, "id"), conversation_id) &&
          sequence < json_array_get_length (events))
        return json_node_copy (json_object_get_member (json_array_get_object_element (events, sequence), "event"));
    }

  return NULL;
}

/* Publishes raw event text in a frame of its own; returns the response's code. */
static gint64
publish_raw_event (TestClient *client,
                   const char *conversation_id,
                   const char *event_text)
{
  g_autofree char *id = g_strdup_printf ("raw-%u", ++client->next_id);
  g_autofree char *frame = g_strdup_printf ("{\"kind\":\"req\",\"id\":\"%s\",\"type\":\"%s\",\"body\":"
                                            "{\"conversationId\":\"%s\",\"event\":%s}}",
                                            id, CONFAB_REQ_PUBLISH_EVENT, conversation_id, event_text);

  test_client_send_raw (client, frame);
  return json_object_get_int_member (test_client_wait_response (client, id), "code");
}

/* A consumer may publish an event as deep as a frame allows; the state file then nests
 * deeper than any frame, and the service must still start from it. */
static void
test_restart_after_deep_event (Fixture       *fixture,
                               gconstpointer  data)
{
  ConfabServer *server = start_server (fixture);
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  /* frame, body and event are three levels of the frame's limit */
  g_autofree char *message = nested_objects (CONFAB_FRAME_MAX_DEPTH - 3);
  g_autofree char *event_text = g_strdup_printf ("{\"type\":\"ContentEvent\",\"contentType\":\"x/y\","
                                                 "\"message\":%s}", message);
  g_autofree char *file_text = NULL;
  g_autoptr(JsonNode) published = confab_json_parse (event_text, strlen (event_text), NULL);
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(GError) error = NULL;
  TestClient *client = test_client_new (server, jwt);
  gsize file_len = 0;

  conversation_id = test_client_open_conversation (client);
  g_assert_cmpint (publish_raw_event (client, conversation_id, event_text), ==, 200);
  test_client_free (client);
  test_server_free (server);

  g_assert_true (g_file_get_contents (fixture->path, &file_text, &file_len, NULL));
  g_assert_true (confab_json_too_deep (file_text, file_len, CONFAB_FRAME_MAX_DEPTH));

  server = confab_server_new ();
  g_assert_true (confab_server_load_state (server, fixture->path, &error));
  g_assert_no_error (error);
  loaded = dup_stored_event (server, conversation_id, 0);
  g_assert_nonnull (loaded);
  g_assert_true (json_node_equal (loaded, published));
  test_server_free (server);
}

/* 1e999 is JSON a consumer may publish; json-glib reads it as infinity, which JSON cannot
 * hold. The file the save worker writes is JSON still (the number is null there), and the
 * service starts from it. */
static void
test_restart_after_huge_number (Fixture       *fixture,
                                gconstpointer  data)
{
  static const char event_text[] = "{\"type\":\"ContentEvent\",\"contentType\":\"x/y\",\"message\":{\"n\":1e999}}";
  static const char saved_text[] = "{\"type\":\"ContentEvent\",\"contentType\":\"x/y\",\"message\":{\"n\":null}}";
  ConfabServer *server = start_server (fixture);
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  g_autofree char *file_text = NULL;
  g_autoptr(ConfabServerState) from_file = NULL;
  g_autoptr(JsonNode) expected = confab_json_parse (saved_text, strlen (saved_text), NULL);
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  TestClient *client = test_client_new (server, jwt);
  gsize file_len = 0;
  guint status = 0;

  conversation_id = test_client_open_conversation (client);
  g_assert_cmpint (publish_raw_event (client, conversation_id, event_text), ==, 200);

  /* The debounced save, on the worker thread, while the service runs. */
  CONFAB_TEST_WAIT_UNTIL (file_contains (fixture->path, "\"n\":null"), 5000);
  g_assert_true (g_file_get_contents (fixture->path, &file_text, &file_len, NULL));
  g_assert_null (strstr (file_text, "inf"));
  from_file = confab_server_state_new_from_data (file_text, file_len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (from_file);

  /* The control API's view of the state is JSON too. */
  answer = test_http (server, "GET", "/control/state", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (answer);

  test_client_free (client);
  test_server_free (server);

  server = confab_server_new ();
  g_assert_true (confab_server_load_state (server, fixture->path, &error));
  g_assert_no_error (error);
  loaded = dup_stored_event (server, conversation_id, 0);
  g_assert_nonnull (loaded);
  g_assert_true (json_node_equal (loaded, expected));
  test_server_free (server);
}

static char *
state_to_text (ConfabServerState *state)
{
  g_autoptr(JsonNode) root = confab_server_state_to_json (state);

  return confab_json_to_string (root);
}

/* Whatever a consumer could publish, the state file can hold and read again. */
static void
test_parse_deep_event (void)
{
  g_autoptr(ConfabServerState) state = confab_server_state_new ();
  g_autoptr(ConfabServerState) loaded = NULL;
  g_autoptr(JsonNode) event = deepest_publishable_event ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  ConfabStoredConversation *conversation;

  confab_server_state_add_consumer (state, "consumer", "acc", 1);
  conversation = confab_server_state_add_conversation (state, "acc", "consumer", 2);
  confab_stored_conversation_append (conversation, "consumer", "CONSUMER", event, 3);
  text = state_to_text (state);

  /* deeper than any frame: a frame's limit would refuse the service its own state */
  g_assert_true (confab_json_too_deep (text, strlen (text), CONFAB_FRAME_MAX_DEPTH));

  loaded = confab_server_state_new_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  text_again = state_to_text (loaded);
  g_assert_cmpstr (text_again, ==, text);
}

/* 1e999 is JSON a consumer may publish, and a double json-glib reads as infinity and would
 * write back as inf.0, which is not JSON. The compact writer keeps the file readable. */
static void
test_parse_huge_number (void)
{
  static const char event_text[] = "{\"type\":\"ContentEvent\",\"contentType\":\"x/y\",\"message\":{\"n\":1e999}}";
  g_autoptr(ConfabServerState) state = confab_server_state_new ();
  g_autoptr(ConfabServerState) loaded = NULL;
  g_autoptr(JsonNode) event = confab_json_parse (event_text, strlen (event_text), NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *glib_text = NULL;
  g_autoptr(JsonNode) root = NULL;
  ConfabStoredConversation *conversation;

  g_assert_nonnull (event);
  conversation = confab_server_state_add_conversation (state, "acc", "consumer", 2);
  confab_stored_conversation_append (conversation, "consumer", "CONSUMER", event, 3);

  root = confab_server_state_to_json (state);
  glib_text = json_to_string (root, FALSE);
  g_assert_nonnull (strstr (glib_text, "inf"));
  loaded = confab_server_state_new_from_data (glib_text, strlen (glib_text), &error);
  g_assert_null (loaded);
  g_assert_nonnull (error);
  g_clear_error (&error);

  text = state_to_text (state);
  loaded = confab_server_state_new_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
}

static void
test_parse_large (void)
{
  g_autoptr(ConfabServerState) state = confab_server_state_new ();
  g_autoptr(ConfabServerState) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big_text = g_strnfill (64 * 1024, 'x');
  g_autoptr(JsonNode) event = confab_text_event_to_json (big_text);
  g_autofree char *text = NULL;
  ConfabStoredConversation *conversation;

  confab_server_state_add_consumer (state, "consumer", "acc", 1);
  conversation = confab_server_state_add_conversation (state, "acc", "consumer", 2);
  for (guint i = 0; i < 200; i++)
    confab_stored_conversation_append (conversation, "consumer", "CONSUMER", event, 3 + i);
  text = state_to_text (state);

  /* larger than any frame: a state file has no limit but memory */
  g_assert_cmpuint (strlen (text), >, CONFAB_FRAME_MAX_SIZE);
  loaded = confab_server_state_new_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  conversation = g_ptr_array_index (loaded->conversations, 0);
  g_assert_cmpuint (conversation->events->len, ==, 200);
}

static void
test_parse_rejects (void)
{
  g_autofree char *too_deep = nested_objects (CONFAB_SERVER_STATE_MAX_DEPTH);
  const char *broken[] = {
    "",
    "not json at all",
    /* json-glib would read these, the state reader does not */
    "/* a comment */ {\"version\":1}",
    "{'version':1}",
    "{\"version\":1,}",
    too_deep,
    /* JSON, but not a state */
    "[]",
    "{\"version\":99}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabServerState) state = confab_server_state_new_from_data (broken[i], strlen (broken[i]), &error);

      g_assert_null (state);
      g_assert_nonnull (error);
    }
}

/* The notifications the service builds from its state read back in the client. */
static void
test_changes_round_trip (void)
{
  g_autoptr(ConfabServerState) state = confab_server_state_new ();
  g_autoptr(JsonNode) event = confab_text_event_to_json ("h\xc3\xa9llo");
  g_autoptr(GPtrArray) messaging = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonNode) messaging_body = NULL;
  g_autoptr(JsonNode) conversation_body = NULL;
  g_autoptr(GPtrArray) parsed_events = NULL;
  g_autoptr(GPtrArray) parsed_conversations = NULL;
  g_autoptr(GError) error = NULL;
  ConfabStoredConversation *conversation;
  ConfabStoredEvent *stored;
  ConfabConversationInfo info;
  const ConfabMessagingChange *change;
  const ConfabConversationChange *conversation_change;

  conversation = confab_server_state_add_conversation (state, "acc", "consumer", 1000);
  conversation->agent_id = g_strdup ("agent");
  conversation->closed = TRUE;
  conversation->close_reason = CONFAB_CLOSE_REASON_TIMEOUT;
  conversation->end_ts = 2000;
  confab_stored_conversation_touch (conversation, 3000);
  confab_stored_conversation_append (conversation, "consumer", "CONSUMER", event, 1500);
  stored = confab_stored_conversation_append (conversation, "agent", "ASSIGNED_AGENT", event, 1600);

  g_ptr_array_add (messaging, confab_stored_event_to_change_json (stored, conversation));
  messaging_body = confab_notification_body_to_json (NULL, messaging);
  parsed_events = confab_parse_messaging_notification (messaging_body, &error);
  g_assert_no_error (error);
  change = g_ptr_array_index (parsed_events, 0);
  g_assert_cmpint (change->sequence, ==, 1);
  g_assert_cmpint (change->server_timestamp, ==, 1600);
  g_assert_cmpstr (change->originator_id, ==, "agent");
  g_assert_cmpint (change->role, ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_cmpstr (change->conversation_id, ==, conversation->id);
  g_assert_cmpstr (change->dialog_id, ==, conversation->id);
  g_assert_cmpstr (change->text, ==, "h\xc3\xa9llo");

  confab_stored_conversation_get_info (conversation, &info);
  g_ptr_array_add (conversations, confab_conversation_change_to_json (CONFAB_CHANGE_UPSERT, &info));
  conversation_body = confab_notification_body_to_json ("sub", conversations);
  parsed_conversations = confab_parse_conversation_notification (conversation_body, &error);
  g_assert_no_error (error);
  conversation_change = g_ptr_array_index (parsed_conversations, 0);
  g_assert_cmpstr (conversation_change->conversation_id, ==, conversation->id);
  g_assert_true (confab_conversation_change_is_closed (conversation_change));
  g_assert_cmpint (conversation_change->close_reason, ==, CONFAB_CLOSE_REASON_TIMEOUT);
  g_assert_cmpint (conversation_change->last_updated_ts, ==, 3000);
  g_assert_cmpstr (confab_conversation_change_get_agent_id (conversation_change), ==, "agent");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/state/restart", Fixture, NULL, fixture_setup, test_restart_loses_nothing, fixture_teardown);
  g_test_add ("/server/state/saved-soon", Fixture, NULL, fixture_setup, test_saved_soon_after_a_change, fixture_teardown);
  g_test_add ("/server/state/corrupt", Fixture, NULL, fixture_setup, test_corrupt_file, fixture_teardown);
  g_test_add_func ("/server/state/parse-deep-event", test_parse_deep_event);
  g_test_add_func ("/server/state/parse-huge-number", test_parse_huge_number);
  g_test_add_func ("/server/state/parse-large", test_parse_large);
  g_test_add_func ("/server/state/parse-rejects", test_parse_rejects);
  g_test_add_func ("/server/state/changes-round-trip", test_changes_round_trip);
  g_test_add ("/server/state/file-is-the-state", Fixture, NULL, fixture_setup, test_file_is_the_state, fixture_teardown);
  g_test_add ("/server/state/stale-temp-removed", Fixture, NULL, fixture_setup, test_stale_temp_removed, fixture_teardown);
  g_test_add ("/server/state/changes-during-a-save", Fixture, NULL, fixture_setup, test_changes_during_a_save, fixture_teardown);
  g_test_add ("/server/state/restart-after-deep-event", Fixture, NULL, fixture_setup, test_restart_after_deep_event, fixture_teardown);
  g_test_add ("/server/state/restart-after-huge-number", Fixture, NULL, fixture_setup, test_restart_after_huge_number, fixture_teardown);
  g_test_add ("/server/state/bot-resumes", Fixture, NULL, fixture_setup, test_bot_resumes_waiting_conversation, fixture_teardown);

  return g_test_run ();
}
