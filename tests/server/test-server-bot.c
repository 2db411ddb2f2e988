/* test-server-bot.c: the scripted agent, with short delays
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <string.h>

#include "confab-agent-bot.h"
#include "confab-protocol.h"

typedef struct {
  ConfabServer *server;
  TestClient *client;
  char *conversation_id;
  guint ex_cursor;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *jwt = NULL;

  fixture->server = test_server_new_with_bot ();
  g_object_set (fixture->server,
                "accept-delay", 50,
                "typing-delay", 40,
                "read-delay", 120,
                NULL);
  jwt = test_signup (fixture->server, "confab-local");
  fixture->client = test_client_new (fixture->server, jwt);
  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  fixture->conversation_id = test_client_open_conversation (fixture->client);
  test_client_subscribe (fixture->client, fixture->conversation_id, 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->client, test_client_free);
  g_clear_pointer (&fixture->server, test_server_free);
  g_clear_pointer (&fixture->conversation_id, g_free);
}

static JsonObject *
change_event (GPtrArray *changes,
              guint      index)
{
  return json_object_get_object_member (g_ptr_array_index (changes, index), "event");
}

static gboolean
has_role (JsonObject *notification,
          const char *role)
{
  JsonArray *changes = json_object_get_array_member (json_object_get_object_member (notification, "body"), "changes");
  JsonObject *details;
  JsonArray *participants;

  if (json_array_get_length (changes) == 0)
    return FALSE;
  details = json_object_get_object_member (json_object_get_object_member (json_array_get_object_element (changes, 0), "result"),
                                           "conversationDetails");
  participants = json_object_get_array_member (details, "participants");
  for (guint i = 0; i < json_array_get_length (participants); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (participants, i), "role"), role))
      return TRUE;
  return FALSE;
}

/* Index in the raw frames of the first agent text message saying needle. */
static guint
find_agent_text (TestClient *client,
                 const char *needle)
{
  for (guint i = 0; i < client->raw->len; i++)
    {
      const char *raw = g_ptr_array_index (client->raw, i);

      if (strstr (raw, "ContentEvent") != NULL && strstr (raw, needle) != NULL)
        return i;
    }
  return G_MAXUINT;
}

static guint
find_typing (TestClient *client,
             const char *state)
{
  g_autofree char *needle = g_strdup_printf ("\"chatState\":\"%s\"", state);

  for (guint i = 0; i < client->raw->len; i++)
    if (strstr (g_ptr_array_index (client->raw, i), needle) != NULL)
      return i;
  return G_MAXUINT;
}

static void
test_accepts_and_greets (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) texts = NULL;
  JsonObject *notification;
  guint typing;
  guint greeting;

  /* Requested, then accepted with an ASSIGNED_AGENT. */
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  g_assert_false (has_role (notification, "ASSIGNED_AGENT"));
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  g_assert_true (has_role (notification, "ASSIGNED_AGENT"));

  /* Typing first, then the greeting. */
  texts = test_client_wait_changes (fixture->client, "ContentEvent", 1);
  g_assert_nonnull (strstr (json_object_get_string_member (change_event (texts, 0), "message"), "help"));
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (texts, 0), "originatorId"), ==,
                   confab_server_get_agent_id (fixture->server));
  typing = find_typing (fixture->client, "COMPOSING");
  greeting = find_agent_text (fixture->client, "Hi, I'm Dana");
  g_assert_cmpuint (typing, <, greeting);
  g_assert_cmpuint (greeting, !=, G_MAXUINT);
}

static void
test_answers_with_receipts (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  gint64 help_seq;
  JsonObject *accept;
  JsonObject *read;
  const char *answer;

  texts = test_client_wait_changes (fixture->client, "ContentEvent", 1);
  g_clear_pointer (&texts, g_ptr_array_unref);

  help_seq = test_client_publish_text (fixture->client, fixture->conversation_id, "Help!");

  /* ACCEPT at once, READ a little later, both for the message. */
  receipts = test_client_wait_changes (fixture->client, "AcceptStatusEvent", 2);
  accept = change_event (receipts, 0);
  read = change_event (receipts, 1);
  g_assert_cmpstr (json_object_get_string_member (accept, "status"), ==, "ACCEPT");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (accept, "sequenceList"), 0), ==, help_seq);
  g_assert_cmpstr (json_object_get_string_member (read, "status"), ==, "READ");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (read, "sequenceList"), 0), ==, help_seq);

  /* The help lists what the bot understands. */
  texts = test_client_wait_changes (fixture->client, "ContentEvent", 3);
  answer = json_object_get_string_member (change_event (texts, 2), "message");
  g_assert_nonnull (strstr (answer, "help"));
  g_assert_nonnull (strstr (answer, "status"));
  g_assert_nonnull (strstr (answer, "bye"));
  g_clear_pointer (&texts, g_ptr_array_unref);

  /* Anything else is answered too. */
  test_client_publish_text (fixture->client, fixture->conversation_id, "what a nice day");
  texts = test_client_wait_changes (fixture->client, "ContentEvent", 5);
  g_assert_nonnull (strstr (json_object_get_string_member (change_event (texts, 4), "message"), "what a nice day"));
}

static void
test_bye_closes (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) texts = NULL;
  JsonObject *notification;
  JsonObject *details;
  JsonObject *response;
  gint64 bye_seq;

  g_ptr_array_unref (test_client_wait_changes (fixture->client, "ContentEvent", 1));
  bye_seq = test_client_publish_text (fixture->client, fixture->conversation_id, "bye");

  texts = test_client_wait_changes (fixture->client, "ContentEvent", 3);
  g_assert_nonnull (strstr (json_object_get_string_member (change_event (texts, 2), "message"), "Goodbye"));

  /* Metadata: requested, accepted, closed by the agent. */
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  details = json_object_get_object_member (json_object_get_object_member (
              json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (notification, "body"), "changes"), 0),
              "result"), "conversationDetails");
  g_assert_cmpstr (json_object_get_string_member (details, "stage"), ==, "CLOSE");
  g_assert_cmpstr (json_object_get_string_member (details, "closeReason"), ==, "AGENT");

  /* The "bye" was read before the conversation closed. */
  {
    g_autoptr(JsonNode) state = confab_server_dup_state (fixture->server);
    JsonArray *conversations = json_object_get_array_member (json_node_get_object (state), "conversations");
    JsonArray *events = json_object_get_array_member (json_array_get_object_element (conversations, 0), "events");

    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, (guint) bye_seq), "acceptStatus"), ==, "READ");
  }

  response = test_client_request (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body (fixture->conversation_id, fixture->conversation_id, "hello?"));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 400);

  /* Nothing left running for the closed conversation. */
  test_spin (200);
}

static void
test_message_before_accept (void)
{
  ConfabServer *server = test_server_new_with_bot ();
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  TestClient *client;

  /* Far longer than the test: writing takes the conversation at once. */
  confab_server_set_accept_delay (server, 60000);
  confab_server_set_typing_delay (server, 10);
  client = test_client_new (server, jwt);
  conversation_id = test_client_open_conversation (client);
  test_client_subscribe (client, conversation_id, 0);
  test_client_publish_text (client, conversation_id, "status");

  texts = test_client_wait_changes (client, "ContentEvent", 3);
  g_assert_nonnull (strstr (json_object_get_string_member (change_event (texts, 1), "message"), "Hi, I'm Dana"));
  g_assert_nonnull (strstr (json_object_get_string_member (change_event (texts, 2), "message"), "open"));

  test_client_free (client);
  test_server_free (server);
}

/* Where in client->frames the response to id is. */
static guint
find_response_index (TestClient *client,
                     const char *id)
{
  for (guint i = 0; i < client->frames->len; i++)
    {
      JsonObject *frame = json_node_get_object (g_ptr_array_index (client->frames, i));

      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "kind", ""), "resp") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (frame, "reqId", ""), id) == 0)
        return i;
    }
  g_assert_not_reached ();
}

static void
test_consumer_close_stops_bot (void)
{
  ConfabServer *server = test_server_new_with_bot ();
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  g_autofree char *close_id = NULL;
  TestClient *client;
  JsonObject *response;
  guint close_index;

  confab_server_set_typing_delay (server, 100);
  confab_server_set_read_delay (server, 100);
  client = test_client_new (server, jwt);
  conversation_id = test_client_open_conversation (client);
  test_client_subscribe (client, conversation_id, 0);
  test_client_publish_text (client, conversation_id, "hi");

  /* The bot is at work: it took the conversation, is typing its greeting and answer, and
   * has acknowledged "hi", with READ to follow. */
  g_ptr_array_unref (test_client_wait_changes (client, "ChatStateEvent", 1));
  g_ptr_array_unref (test_client_wait_changes (client, "AcceptStatusEvent", 1));

  close_id = test_client_send (client, CONFAB_REQ_UPDATE_CONVERSATION, confab_close_conversation_body (conversation_id));
  response = test_client_wait_response (client, close_id);
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);
  close_index = find_response_index (client, close_id);

  /* Its pending greeting, answer, typing and READ are dropped, without complaint: long past
   * the bot's delays, nothing has come after the answer to the close. */
  test_spin (500);
  for (guint i = close_index + 1; i < client->raw->len; i++)
    g_test_message ("after the close: %s", (const char *) g_ptr_array_index (client->raw, i));
  g_assert_cmpuint (client->frames->len, ==, close_index + 1);

  test_client_free (client);
  test_server_free (server);
}

static void
test_compose_reply (void)
{
  struct {
    const char *text;
    const char *expect;
    gboolean close;
  } cases[] = {
    { "help", "I understand", FALSE },
    { "  HELP? ", "I understand", FALSE },
    { "bye", "Goodbye", TRUE },
    { "Bye!", "Goodbye", TRUE },
    { "status", "events so far", FALSE },
    { "time", "It is", FALSE },
    { "long", "\n\n", FALSE },
    { "link", "https://", FALSE },
    { "hello", "Hello", FALSE },
    { "<b>not markup</b>", "<b>not markup</b>", FALSE },
    /* the person's words isolated, so right-to-left text keeps its place in the sentence */
    { "طلبي رقم 12345 \"عاجل\"", "“\u2068طلبي رقم 12345 \"عاجل\"\u2069”", FALSE },
    { "order 7 שלום", "“\u2068order 7 שלום\u2069”", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean close = !cases[i].close;
      g_autofree char *reply = confab_agent_bot_compose_reply (cases[i].text, "0123456789abcdef", 3, &close);

      g_assert_nonnull (strstr (reply, cases[i].expect));
      g_assert_true (close == cases[i].close);
      g_assert_true (g_utf8_validate (reply, -1, NULL));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/bot/compose-reply", test_compose_reply);
  g_test_add ("/server/bot/accepts-and-greets", Fixture, NULL, fixture_setup, test_accepts_and_greets, fixture_teardown);
  g_test_add ("/server/bot/answers-with-receipts", Fixture, NULL, fixture_setup, test_answers_with_receipts, fixture_teardown);
  g_test_add ("/server/bot/bye-closes", Fixture, NULL, fixture_setup, test_bye_closes, fixture_teardown);
  g_test_add_func ("/server/bot/message-before-accept", test_message_before_accept);
  g_test_add_func ("/server/bot/consumer-close", test_consumer_close_stops_bot);

  return g_test_run ();
}
