/* test-server-rich.c: the requests of rich messaging: clicks, metadata, satisfaction,
 * closing the main dialog
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <string.h>

#include <glib/gstdio.h>

#include "confab-protocol.h"

typedef ServerFixture Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  server_fixture_connect (fixture, test_server_new ());
  server_fixture_open (fixture);
}

static gint64
agent_says (Fixture    *fixture,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 sequence = confab_server_agent_send_text (fixture->server, fixture->conversation_id, text, &error);

  g_assert_no_error (error);
  return sequence;
}

static JsonObject *
publish_receipt (Fixture             *fixture,
                 ConfabReceiptStatus  status,
                 gint64               sequence,
                 const char          *metadata_json)
{
  return test_client_request_full (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                   confab_publish_receipt_body (fixture->conversation_id, fixture->conversation_id,
                                                                status, &sequence, 1),
                                   metadata_json != NULL ? test_json (metadata_json) : NULL);
}

static JsonObject *
state_event (ConfabServer *server,
             const char   *conversation_id,
             gint64        sequence,
             JsonNode    **state)
{
  JsonArray *events;

  g_clear_pointer (state, json_node_unref);
  *state = confab_server_dup_state (server);
  events = json_object_get_array_member (test_state_conversation (*state, conversation_id), "events");
  return json_array_get_object_element (events, (guint) sequence);
}

static void
assert_metadata (JsonObject *object,
                 const char *expected)
{
  g_autofree char *text = confab_json_to_string (json_object_get_member (object, "metadata"));

  g_assert_cmpstr (text, ==, expected);
}

/* A click: ACTION for the message, with the button's metadata, stored as a receipt that
 * moves no delivery state, echoed, and in the frame log. */
static void
test_action (Fixture       *fixture,
             gconstpointer  data)
{
  static const char metadata[] = "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]";
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) log = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  JsonObject *response;
  JsonObject *stored;
  JsonObject *entry;
  gint64 card = agent_says (fixture, "Pick one");
  gint64 action_seq;

  response = publish_receipt (fixture, CONFAB_RECEIPT_ACTION, card, metadata);
  g_assert_cmpint (test_response_code (response), ==, 200);
  action_seq = json_object_get_int_member (test_frame_body_object (response), "sequence");
  g_assert_cmpint (action_seq, ==, card + 1);

  stored = state_event (fixture->server, fixture->conversation_id, action_seq, &state);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (stored, "event"), "status"), ==, "ACTION");
  assert_metadata (stored, metadata);
  /* the card itself was neither delivered nor read by it */
  stored = state_event (fixture->server, fixture->conversation_id, card, &state);
  g_assert_false (json_object_has_member (stored, "acceptStatus"));

  /* echoed to the consumer's sockets with its metadata, as the change's */
  receipts = test_client_wait_changes (fixture->client, "AcceptStatusEvent", 1);
  assert_metadata (g_ptr_array_index (receipts, 0), metadata);

  log = confab_server_dup_frame_log (fixture->server, CONFAB_REQ_PUBLISH_EVENT, NULL);
  entry = json_array_get_object_element (json_node_get_array (log), 0);
  assert_metadata (json_object_get_object_member (entry, "frame"), metadata);

  /* without metadata too (a link click, say) */
  response = publish_receipt (fixture, CONFAB_RECEIPT_ACTION, card, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  stored = state_event (fixture->server, fixture->conversation_id, action_seq + 1, &state);
  g_assert_false (json_object_has_member (stored, "metadata"));

  /* ACCEPT and READ still work after it */
  response = publish_receipt (fixture, CONFAB_RECEIPT_READ, card, NULL);
  g_assert_cmpint (test_response_code (response), ==, 200);
  stored = state_event (fixture->server, fixture->conversation_id, card, &state);
  g_assert_cmpstr (json_object_get_string_member (stored, "acceptStatus"), ==, "READ");
}

static void
test_action_hostile (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *too_long_id = g_strnfill (65, 'x');
  g_autofree char *long_id_metadata = g_strdup_printf ("[{\"type\":\"ExternalId\",\"id\":\"%s\"}]", too_long_id);
  g_autoptr(GString) many = g_string_new ("[");
  g_autoptr(JsonNode) state = NULL;
  gint64 card = agent_says (fixture, "Pick one");
  gint64 own = test_client_publish_text (fixture->client, fixture->conversation_id, "mine");
  gint64 receipt = json_object_get_int_member (test_frame_body_object (publish_receipt (fixture, CONFAB_RECEIPT_ACCEPT,
                                                                                          card, NULL)),
                                               "sequence");
  struct {
    gint64 sequence;
    const char *metadata;
  } bad[] = {
    { own, NULL },          /* the consumer's own message */
    { receipt, NULL },      /* not a message */
    { 999, NULL },          /* nothing there */
    { card, "[7]" },
    { card, "[{\"id\":\"no type\"}]" },
    { card, "[{\"type\":\"ExternalId\"}]" },
    { card, long_id_metadata },
    { card, NULL },         /* replaced by many, below */
  };
  guint n_events;

  for (guint i = 0; i <= CONFAB_METADATA_MAX_ITEMS; i++)
    g_string_append_printf (many, "%s{\"type\":\"ExternalId\",\"id\":\"%u\"}", i > 0 ? "," : "", i);
  g_string_append_c (many, ']');
  bad[G_N_ELEMENTS (bad) - 1].metadata = many->str;

  confab_server_peek_conversation (fixture->server, fixture->conversation_id, &n_events, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      JsonObject *response = publish_receipt (fixture, CONFAB_RECEIPT_ACTION, bad[i].sequence, bad[i].metadata);

      g_assert_cmpint (test_response_code (response), ==, 400);
      g_assert_nonnull (test_frame_body_string (response));
    }

  /* metadata that is not a list of objects is refused on a text too */
  {
    JsonObject *response = test_client_request_full (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                                     confab_publish_text_body (fixture->conversation_id,
                                                                               fixture->conversation_id, "x"),
                                                     test_json ("[\"ExternalId\"]"));

    g_assert_cmpint (test_response_code (response), ==, 400);
  }

  /* nothing was stored, and the card still has the ACCEPT only */
  {
    guint n_after = 0;
    JsonObject *stored;

    confab_server_peek_conversation (fixture->server, fixture->conversation_id, &n_after, NULL, NULL);
    g_assert_cmpuint (n_after, ==, n_events);
    stored = state_event (fixture->server, fixture->conversation_id, card, &state);
    g_assert_cmpstr (json_object_get_string_member (stored, "acceptStatus"), ==, "ACCEPT");
  }
}

typedef struct {
  gint64 sequence;
  char *metadata;
} SeenEvent;

static void
on_consumer_event (ConfabServer *server,
                   const char   *conversation_id,
                   gint64        sequence,
                   JsonNode     *event,
                   JsonNode     *metadata,
                   gpointer      user_data)
{
  SeenEvent *seen = user_data;

  seen->sequence = sequence;
  g_free (seen->metadata);
  seen->metadata = metadata != NULL ? confab_json_to_string (metadata) : NULL;
}

/* The text a publishText click sends carries the same metadata: kept, echoed, and given
 * to the agent. */
static void
test_text_metadata (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char metadata[] = "[{\"type\":\"ExternalId\",\"id\":\"track\"},{\"type\":\"Custom\",\"n\":[1]}]";
  SeenEvent seen = { -1, NULL };
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  JsonObject *response;
  JsonObject *stored;
  gulong handler;
  gint64 sequence;

  handler = g_signal_connect (fixture->server, "consumer-event", G_CALLBACK (on_consumer_event), &seen);

  response = test_client_request_full (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                       confab_publish_text_body (fixture->conversation_id, fixture->conversation_id,
                                                                 "Track my order"),
                                       test_json (metadata));
  g_assert_cmpint (test_response_code (response), ==, 200);
  sequence = json_object_get_int_member (test_frame_body_object (response), "sequence");

  g_assert_cmpint (seen.sequence, ==, sequence);
  g_assert_cmpstr (seen.metadata, ==, metadata);

  stored = state_event (fixture->server, fixture->conversation_id, sequence, &state);
  assert_metadata (stored, metadata);
  texts = test_client_wait_changes (fixture->client, "ContentEvent", 1);
  assert_metadata (g_ptr_array_index (texts, 0), metadata);

  /* a plain text has none */
  sequence = test_client_publish_text (fixture->client, fixture->conversation_id, "plain");
  g_assert_cmpint (seen.sequence, ==, sequence);
  g_assert_null (seen.metadata);
  stored = state_event (fixture->server, fixture->conversation_id, sequence, &state);
  g_assert_false (json_object_has_member (stored, "metadata"));

  g_signal_handler_disconnect (fixture->server, handler);
  g_free (seen.metadata);
}

/* Metadata survives a restart: the state file keeps it (written by the worker's own
 * writer) and reads it back. */
static void
test_metadata_saved (void)
{
  static const char metadata[] = "[{\"type\":\"ExternalId\",\"id\":\"hours\"}]";
  g_autofree char *dir = g_dir_make_tmp ("confab-rich-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *jwt = NULL;
  g_autofree char *conversation_id = NULL;
  ConfabServer *server = confab_server_new ();
  TestClient *client;
  JsonObject *response;
  gint64 sequence;

  g_assert_true (confab_server_load_state (server, path, &error));
  g_assert_true (confab_server_listen (server, 0, &error));
  jwt = test_signup (server, "confab-local");
  client = test_client_new (server, jwt);
  conversation_id = test_client_open_conversation (client);
  response = test_client_request_full (client, CONFAB_REQ_PUBLISH_EVENT,
                                       confab_publish_text_body (conversation_id, conversation_id, "Opening hours"),
                                       test_json (metadata));
  g_assert_cmpint (test_response_code (response), ==, 200);
  sequence = json_object_get_int_member (test_frame_body_object (response), "sequence");
  test_client_free (client);
  test_server_free (server);

  server = confab_server_new ();
  g_assert_true (confab_server_load_state (server, path, &error));
  g_assert_no_error (error);
  assert_metadata (state_event (server, conversation_id, sequence, &state), metadata);
  test_server_free (server);

  g_unlink (path);
  g_rmdir (dir);
}

static JsonObject *
last_details (Fixture *fixture,
              guint   *cursor)
{
  JsonObject *notification = test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, cursor);
  JsonArray *changes = json_object_get_array_member (test_frame_body_object (notification), "changes");

  return json_object_get_object_member (json_object_get_object_member (json_array_get_object_element (changes, 0),
                                                                       "result"),
                                        "conversationDetails");
}

static JsonObject *
update_field (Fixture    *fixture,
              const char *field_json)
{
  g_autofree char *body = g_strdup_printf ("{\"conversationId\":\"%s\",\"conversationField\":%s}",
                                           fixture->conversation_id, field_json);

  return test_client_request_json (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION, body);
}

/* CSATRate is kept and echoed in conversationDetails.csat, as the encoder writes it. */
static void
test_csat (Fixture       *fixture,
           gconstpointer  data)
{
  const char *bad[] = {
    "[{\"field\":\"CSATRate\",\"csatRate\":0,\"status\":\"FILLED\"}]",
    "[{\"field\":\"CSATRate\",\"csatRate\":6,\"status\":\"FILLED\"}]",
    "[{\"field\":\"CSATRate\",\"csatRate\":\"5\",\"status\":\"FILLED\"}]",
    "[{\"field\":\"CSATRate\",\"csatRate\":4,\"status\":\"filled\"}]",
    "[{\"field\":\"CSATRate\",\"csatRate\":4,\"status\":\"DONE\"}]",
    "[{\"field\":\"CSATRate\",\"csatRate\":7,\"status\":\"SKIPPED\"}]",
  };
  g_autoptr(JsonNode) state = NULL;
  JsonObject *response;
  JsonObject *details;
  g_autofree char *csat = NULL;
  guint cursor = 0;

  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  last_details (fixture, &cursor);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      response = update_field (fixture, bad[i]);
      g_assert_cmpint (test_response_code (response), ==, 400);
    }

  /* the bare object, with a member of the consumer's own that is not kept */
  response = update_field (fixture, "{\"field\":\"CSATRate\",\"csatRate\":5,\"csatResolutionConfirmation\":true,"
                                    "\"status\":\"FILLED\",\"extra\":\"not kept\"}");
  g_assert_cmpint (test_response_code (response), ==, 200);
  g_assert_cmpstr (test_frame_body_string (response), ==, "OK");

  details = last_details (fixture, &cursor);
  csat = confab_json_to_string (json_object_get_member (details, "csat"));
  g_assert_cmpstr (csat, ==, "{\"field\":\"CSATRate\",\"csatRate\":5,\"csatResolutionConfirmation\":true,\"status\":\"FILLED\"}");
  g_assert_cmpstr (json_object_get_string_member (details, "stage"), ==, "OPEN");

  state = confab_server_dup_state (fixture->server);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (test_state_conversation (state, fixture->conversation_id),
                                                                             "csat"), "csatRate"), ==, 5);

  /* a skipped survey without a rating, as the schema's middle value */
  response = update_field (fixture, "[{\"field\":\"CSATRate\",\"status\":\"SKIPPED\"}]");
  g_assert_cmpint (test_response_code (response), ==, 200);
  details = last_details (fixture, &cursor);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (details, "csat"), "status"), ==, "SKIPPED");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (details, "csat"), "csatRate"), ==,
                   CONFAB_CSAT_SKIPPED_RATE);
}

/* Closing the main dialog (as a client that knows post-conversation surveys does): without
 * a survey, the conversation closes. */
static void
test_dialog_change (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *other_dialog = g_strdup_printf ("[{\"field\":\"DialogChange\",\"type\":\"UPDATE\","
                                                   "\"dialog\":{\"dialogId\":\"%s-x\",\"state\":\"CLOSE\"}}]",
                                                   fixture->conversation_id);
  g_autofree char *open_dialog = g_strdup_printf ("[{\"field\":\"DialogChange\",\"type\":\"UPDATE\","
                                                  "\"dialog\":{\"dialogId\":\"%s\",\"state\":\"OPEN\"}}]",
                                                  fixture->conversation_id);
  g_autofree char *add_dialog = g_strdup_printf ("[{\"field\":\"DialogChange\",\"type\":\"ADD\","
                                                 "\"dialog\":{\"dialogId\":\"%s\",\"state\":\"CLOSE\"}}]",
                                                 fixture->conversation_id);
  const char *bad[] = { other_dialog, open_dialog, add_dialog, "[{\"field\":\"DialogChange\"}]" };
  JsonObject *response;
  JsonObject *details;
  gboolean closed = FALSE;
  guint cursor = 0;

  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  last_details (fixture, &cursor);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      response = update_field (fixture, bad[i]);
      g_assert_cmpint (test_response_code (response), ==, 400);
    }
  confab_server_peek_conversation (fixture->server, fixture->conversation_id, NULL, &closed, NULL);
  g_assert_false (closed);

  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (fixture->conversation_id, fixture->conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 200);

  details = last_details (fixture, &cursor);
  g_assert_cmpstr (json_object_get_string_member (details, "stage"), ==, "CLOSE");
  g_assert_cmpstr (json_object_get_string_member (details, "closeReason"), ==, "CONSUMER");

  /* once closed, there is nothing left to close */
  response = test_client_request (fixture->client, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (fixture->conversation_id, fixture->conversation_id));
  g_assert_cmpint (test_response_code (response), ==, 400);
}

/* {"field":"Stage","conversationState":"CLOSE"} closes everything, as the PCS tutorial's way
 * of skipping a survey. */
static void
test_stage_close (Fixture       *fixture,
                  gconstpointer  data)
{
  JsonObject *response = update_field (fixture, "[{\"field\":\"Stage\",\"conversationState\":\"CLOSE\"}]");
  gboolean closed = FALSE;

  g_assert_cmpint (test_response_code (response), ==, 200);
  confab_server_peek_conversation (fixture->server, fixture->conversation_id, NULL, &closed, NULL);
  g_assert_true (closed);
}

static const char card_json[] =
  "{\"type\":\"vertical\",\"elements\":["
  "{\"type\":\"text\",\"text\":\"Product\",\"style\":{\"bold\":true}},"
  "{\"type\":\"button\",\"title\":\"Buy\",\"click\":{\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}],"
  "\"actions\":[{\"type\":\"publishText\",\"text\":\"Buy\"}]}}]}";

static const char replies_json[] =
  "{\"type\":\"quickReplies\",\"itemsPerRow\":2,\"replies\":["
  "{\"type\":\"button\",\"title\":\"Yes\",\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"yes\"}],"
  "\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"yes-1\"}]}},"
  "{\"type\":\"button\",\"title\":\"No\",\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"no\"}]}}]}";

static gint64
answer_sequence (JsonNode *answer)
{
  return json_object_get_int_member (json_node_get_object (answer), "sequence");
}

/* The event of the last change the client got, and the change. */
static JsonObject *
last_change (Fixture    *fixture,
             const char *event_type,
             guint       n)
{
  g_autoptr(GPtrArray) changes = test_client_wait_changes (fixture->client, event_type, n);

  return g_ptr_array_index (changes, n - 1);
}

/* /control/agent/rich: structured content, read as a client reads it and sent re-encoded,
 * with quick replies and metadata. */
static void
test_control_rich (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) card = test_json (card_json);
  g_autoptr(ConfabRichContent) expected = confab_rich_content_parse (card, NULL);
  g_autoptr(ConfabRichContent) got = NULL;
  g_autoptr(ConfabQuickReplies) replies = NULL;
  g_autofree char *body = g_strdup_printf ("{\"content\":%s,\"quickReplies\":%s,"
                                           "\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"card-9\"}]}",
                                           card_json, replies_json);
  g_autoptr(JsonNode) answer = test_control (fixture->server, "agent/rich", body, 200);
  JsonObject *change = last_change (fixture, "RichContentEvent", 1);
  JsonObject *event = json_object_get_object_member (change, "event");

  g_assert_cmpint (answer_sequence (answer), ==, json_object_get_int_member (change, "sequence"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "conversationId"), ==,
                   fixture->conversation_id);
  got = confab_rich_content_parse (json_object_get_member (event, "content"), NULL);
  g_assert_true (confab_rich_content_equal (got, expected));
  replies = confab_quick_replies_parse (json_object_get_member (event, "quickReplies"));
  g_assert_nonnull (replies);
  g_assert_cmpuint (replies->replies->len, ==, 2);
  g_assert_cmpstr (confab_metadata_get_string (json_object_get_member (change, "metadata"), "ExternalId", "id"), ==,
                   "card-9");

  /* the content may come as a JSON string, as the History API has it */
  {
    g_autoptr(JsonNode) as_string = json_node_init_string (json_node_alloc (), card_json);
    g_autofree char *string_json = confab_json_to_string (as_string);
    g_autofree char *string_body = g_strdup_printf ("{\"conversationId\":\"%s\",\"content\":%s}",
                                                    fixture->conversation_id, string_json);
    json_node_unref (test_control (fixture->server, "agent/rich", string_body, 200));
    change = last_change (fixture, "RichContentEvent", 2);
    g_assert_false (json_object_has_member (change, "metadata"));
    g_assert_false (json_object_has_member (json_object_get_object_member (change, "event"), "quickReplies"));
  }
}

static void
test_control_rich_hostile (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *bad_replies = g_strdup_printf ("{\"content\":%s,\"quickReplies\":{\"type\":\"nope\"}}", card_json);
  g_autofree char *bad_metadata = g_strdup_printf ("{\"content\":%s,\"metadata\":{\"type\":\"ExternalId\"}}", card_json);
  g_autofree char *unknown = g_strdup_printf ("{\"conversationId\":\"nope\",\"content\":%s}", card_json);
  g_autofree char *closed = g_strdup_printf ("{\"conversationId\":\"%s\",\"content\":%s}",
                                             fixture->conversation_id, card_json);
  const struct {
    const char *body;
    guint status;
  } bad[] = {
    { "{}", 400 },
    { "{\"content\":7}", 400 },
    { "{\"content\":\"not json\"}", 400 },
    { "{\"content\":[]}", 400 },
    { bad_replies, 400 },
    { bad_metadata, 400 },
    { unknown, 404 },
  };
  guint n_events = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) answer = test_control (fixture->server, "agent/rich", bad[i].body, bad[i].status);

      g_assert_nonnull (json_object_get_string_member (json_node_get_object (answer), "error"));
    }
  confab_server_peek_conversation (fixture->server, fixture->conversation_id, &n_events, NULL, NULL);
  g_assert_cmpuint (n_events, ==, 0);

  g_assert_true (confab_server_agent_close (fixture->server, fixture->conversation_id, CONFAB_CLOSE_REASON_AGENT, NULL));
  json_node_unref (test_control (fixture->server, "agent/rich", closed, 409));
  /* none open at all */
  json_node_unref (test_control (fixture->server, "agent/rich", "{\"content\":{\"type\":\"text\",\"text\":\"x\"}}", 404));
}

/* /control/agent/message with quick replies and metadata. */
static void
test_control_message_extras (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *body = g_strdup_printf ("{\"text\":\"Do you want it?\",\"quickReplies\":%s,"
                                           "\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"q-1\"}]}", replies_json);
  g_autoptr(JsonNode) answer = test_control (fixture->server, "agent/message", body, 200);
  JsonObject *change = last_change (fixture, "ContentEvent", 1);
  JsonObject *event = json_object_get_object_member (change, "event");
  g_autoptr(ConfabQuickReplies) replies = confab_quick_replies_parse (json_object_get_member (event, "quickReplies"));

  g_assert_cmpstr (json_object_get_string_member (event, "message"), ==, "Do you want it?");
  g_assert_nonnull (replies);
  g_assert_cmpint (replies->items_per_row, ==, 2);
  g_assert_cmpstr (confab_metadata_get_string (json_object_get_member (change, "metadata"), "ExternalId", "id"), ==, "q-1");

  /* plain, as before */
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/message", "{\"text\":\"plain\"}", 200);
  change = last_change (fixture, "ContentEvent", 2);
  g_assert_false (json_object_has_member (json_object_get_object_member (change, "event"), "quickReplies"));
  g_assert_false (json_object_has_member (change, "metadata"));

  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/message", "{\"text\":\"x\",\"quickReplies\":{\"replies\":[]}}", 400);
  g_clear_pointer (&answer, json_node_unref);
  answer = test_control (fixture->server, "agent/message", "{\"text\":\"x\",\"metadata\":[1]}", 400);
}

static const guint8 dot_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
  0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
  0x42, 0x60, 0x82,
};

/* /control/agent/file: the bytes go to the storage, a hosted/file message names them. */
static void
test_control_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *base64 = g_base64_encode (dot_png, sizeof dot_png);
  g_autofree char *body = g_strdup_printf ("{\"data\":\"%s\",\"fileType\":\"PNG\",\"caption\":\"A dot\","
                                           "\"preview\":\"data:image/png;base64,%s\"}", base64, base64);
  g_autoptr(JsonNode) answer = test_control (fixture->server, "agent/file", body, 200);
  const char *path = json_object_get_string_member (json_node_get_object (answer), "relativePath");
  g_autoptr(GBytes) stored = confab_server_dup_file (fixture->server, path);
  JsonObject *change = last_change (fixture, "ContentEvent", 1);
  g_autoptr(ConfabHostedFile) file = confab_hosted_file_parse (json_object_get_member (json_object_get_object_member (change, "event"),
                                                                                       "message"), NULL);
  g_autofree char *too_big = g_strnfill ((CONFAB_FILE_UPLOAD_MAX_SIZE / 3 + 2) * 4, 'A');
  g_autofree char *big_body = g_strdup_printf ("{\"data\":\"%s\",\"fileType\":\"PNG\"}", too_big);
  g_autofree char *pdf = g_strdup_printf ("{\"data\":\"%s\",\"fileType\":\"PDF\"}", base64);
  g_autofree char *svg = g_strdup_printf ("{\"data\":\"%s\",\"fileType\":\"PNG\","
                                          "\"preview\":\"data:image/svg+xml;base64,PHN2Zz4=\"}", base64);
  const char *bad[] = { "{}", "{\"fileType\":\"PNG\"}", big_body, pdf, svg };

  g_assert_nonnull (stored);
  g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), dot_png, sizeof dot_png);
  g_assert_nonnull (file);
  g_assert_cmpstr (file->relative_path, ==, path);
  g_assert_cmpstr (file->caption, ==, "A dot");
  g_assert_nonnull (file->preview);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    json_node_unref (test_control (fixture->server, "agent/file", bad[i], 400));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/rich/action", Fixture, NULL, fixture_setup, test_action, server_fixture_teardown);
  g_test_add ("/server/rich/action-hostile", Fixture, NULL, fixture_setup, test_action_hostile, server_fixture_teardown);
  g_test_add ("/server/rich/text-metadata", Fixture, NULL, fixture_setup, test_text_metadata, server_fixture_teardown);
  g_test_add_func ("/server/rich/metadata-saved", test_metadata_saved);
  g_test_add ("/server/rich/csat", Fixture, NULL, fixture_setup, test_csat, server_fixture_teardown);
  g_test_add ("/server/rich/dialog-change", Fixture, NULL, fixture_setup, test_dialog_change, server_fixture_teardown);
  g_test_add ("/server/rich/stage-close", Fixture, NULL, fixture_setup, test_stage_close, server_fixture_teardown);
  g_test_add ("/server/rich/control-rich", Fixture, NULL, fixture_setup, test_control_rich, server_fixture_teardown);
  g_test_add ("/server/rich/control-rich-hostile", Fixture, NULL, fixture_setup, test_control_rich_hostile, server_fixture_teardown);
  g_test_add ("/server/rich/control-message-extras", Fixture, NULL, fixture_setup, test_control_message_extras, server_fixture_teardown);
  g_test_add ("/server/rich/control-file", Fixture, NULL, fixture_setup, test_control_file, server_fixture_teardown);

  return g_test_run ();
}
