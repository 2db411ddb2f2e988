/* test-server-bot.c: the scripted agent, with short delays
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <string.h>

#include "confab-agent-bot.h"
#include "confab-agent-pictures.h"
#include "confab-protocol.h"

typedef ServerFixture Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  ConfabServer *server = test_server_new_with_bot ();

  g_object_set (server,
                "accept-delay", 50,
                "typing-delay", 40,
                "read-delay", 120,
                NULL);
  server_fixture_connect (fixture, server);
  test_client_request (fixture->client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_wait_notification (fixture->client, CONFAB_NOTIFY_EX_CONVERSATION, &fixture->ex_cursor);
  server_fixture_open (fixture);
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
  confab_test_spin (200);
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
  confab_test_spin (500);
  for (guint i = close_index + 1; i < client->raw->len; i++)
    g_test_message ("after the close: %s", (const char *) g_ptr_array_index (client->raw, i));
  g_assert_cmpuint (client->frames->len, ==, close_index + 1);

  test_client_free (client);
  test_server_free (server);
}

/* The change of the first event of type (and, for a ContentEvent, contentType) after
 * *seen changes of any type; waits for it. */
static JsonObject *
wait_agent_event (TestClient *client,
                  const char *type,
                  const char *content_type,
                  guint      *seen)
{
  for (;;)
    {
      g_autoptr(GPtrArray) changes = test_client_wait_changes (client, NULL, *seen + 1);

      for (; *seen < changes->len; )
        {
          JsonObject *change = g_ptr_array_index (changes, (*seen)++);
          JsonObject *event = json_object_get_object_member (change, "event");

          if (g_strcmp0 (json_object_get_string_member (change, "originatorId"), client->consumer_id) != 0 &&
              g_str_equal (json_object_get_string_member (event, "type"), type) &&
              (content_type == NULL ||
               g_strcmp0 (json_object_get_string_member_with_default (event, "contentType", ""), content_type) == 0))
            return change;
        }
    }
}

static const char *
wait_agent_text (Fixture *fixture,
                 guint   *seen)
{
  JsonObject *change = wait_agent_event (fixture->client, "ContentEvent", "text/plain", seen);

  return json_object_get_string_member (json_object_get_object_member (change, "event"), "message");
}

/* What a client does on a click: ACTION for the message with the click's metadata, and,
 * for publishText, the text with the same metadata. */
static void
click (Fixture                 *fixture,
       gint64                   sequence,
       const ConfabRichElement *element)
{
  ConfabRichAction *action = g_ptr_array_index (element->click->actions, 0);
  JsonObject *response;

  response = test_client_request_full (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                       confab_publish_receipt_body (fixture->conversation_id, fixture->conversation_id,
                                                                    CONFAB_RECEIPT_ACTION, &sequence, 1),
                                       json_node_copy (element->click->metadata));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);

  if (action->type != CONFAB_RICH_ACTION_PUBLISH_TEXT)
    return;
  response = test_client_request_full (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                                       confab_publish_text_body (fixture->conversation_id, fixture->conversation_id,
                                                                 action->text),
                                       json_node_copy (element->click->metadata));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);
}

static const char *
external_id (const ConfabRichElement *element)
{
  return confab_metadata_get_string (element->click->metadata, "ExternalId", "id");
}

/* "menu": a card and quick replies, as the protocol's parser reads them; clicking answers. */
static void
test_menu (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(ConfabRichContent) content = NULL;
  g_autoptr(ConfabQuickReplies) replies = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) picture = NULL;
  g_autofree char *image_url = NULL;
  JsonObject *change;
  JsonObject *event;
  GPtrArray *elements;
  ConfabRichElement *image;
  ConfabRichElement *title;
  gint64 card;
  guint seen = 0;
  guint status = 0;

  wait_agent_text (fixture, &seen);   /* the greeting */
  test_client_publish_text (fixture->client, fixture->conversation_id, "Menu");

  change = wait_agent_event (fixture->client, "RichContentEvent", NULL, &seen);
  card = json_object_get_int_member (change, "sequence");
  g_assert_cmpstr (confab_metadata_get_string (json_object_get_member (change, "metadata"), "ExternalId", "id"), ==,
                   "confab-menu");
  event = json_object_get_object_member (change, "event");
  content = confab_rich_content_parse (json_object_get_member (event, "content"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (content->issues & ~CONFAB_RICH_ISSUE_REFUSED, ==, 0);
  g_assert_cmpint (content->root->type, ==, CONFAB_RICH_VERTICAL);
  elements = content->root->elements;
  g_assert_cmpuint (elements->len, ==, 7);

  /* the picture is the service's own */
  image = g_ptr_array_index (elements, 0);
  g_assert_cmpint (image->type, ==, CONFAB_RICH_IMAGE);
  image_url = confab_server_dup_image_url (fixture->server, "confab-mug.png");
  g_assert_cmpstr (image->url, ==, image_url);
  picture = test_http_bytes (image_url, "GET", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (picture, NULL), 8, "\x89PNG\r\n\x1a\n", 8);

  title = g_ptr_array_index (elements, 1);
  g_assert_cmpint (title->type, ==, CONFAB_RICH_TEXT);
  g_assert_true (title->style.bold);
  g_assert_cmpint (((ConfabRichElement *) g_ptr_array_index (elements, 2))->type, ==, CONFAB_RICH_TEXT);
  {
    const struct {
      const char *title;
      ConfabRichActionType action;
    } buttons[] = {
      { "Track my order", CONFAB_RICH_ACTION_PUBLISH_TEXT },
      { "Opening hours", CONFAB_RICH_ACTION_PUBLISH_TEXT },
      { "Visit our website", CONFAB_RICH_ACTION_LINK },
      { "Find a store", CONFAB_RICH_ACTION_NAVIGATE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      {
        ConfabRichElement *button = g_ptr_array_index (elements, 3 + i);

        g_assert_cmpint (button->type, ==, CONFAB_RICH_BUTTON);
        g_assert_cmpstr (button->title, ==, buttons[i].title);
        g_assert_cmpint (((ConfabRichAction *) g_ptr_array_index (button->click->actions, 0))->type, ==, buttons[i].action);
        g_assert_nonnull (external_id (button));
      }
  }

  replies = confab_quick_replies_parse (json_object_get_member (event, "quickReplies"));
  g_assert_nonnull (replies);
  g_assert_cmpuint (replies->replies->len, ==, 3);
  g_assert_cmpstr (((ConfabRichElement *) g_ptr_array_index (replies->replies, 0))->title, ==, "Order status");
  g_assert_cmpstr (((ConfabRichElement *) g_ptr_array_index (replies->replies, 1))->title, ==, "Talk to a person");
  g_assert_cmpstr (((ConfabRichElement *) g_ptr_array_index (replies->replies, 2))->title, ==, "Something else");
  for (guint i = 0; i < replies->replies->len; i++)
    g_assert_nonnull (external_id (g_ptr_array_index (replies->replies, i)));

  /* each click is answered */
  click (fixture, card, g_ptr_array_index (elements, 3));
  g_assert_cmpstr (wait_agent_text (fixture, &seen), ==, "Your order 12345 ships tomorrow.");
  click (fixture, card, g_ptr_array_index (elements, 4));
  g_assert_nonnull (strstr (wait_agent_text (fixture, &seen), "Monday to Saturday"));
  click (fixture, card, g_ptr_array_index (elements, 6));
  g_assert_nonnull (strstr (wait_agent_text (fixture, &seen), "Alexanderplatz"));
  click (fixture, card, g_ptr_array_index (replies->replies, 1));
  g_assert_nonnull (strstr (wait_agent_text (fixture, &seen), "Tell me what you need"));

  /* the click's ExternalId counts, whatever the text */
  test_client_request_full (fixture->client, CONFAB_REQ_PUBLISH_EVENT,
                            confab_publish_text_body (fixture->conversation_id, fixture->conversation_id, "zzz"),
                            confab_metadata_new_external_id ("quick-order-status"));
  g_assert_cmpstr (wait_agent_text (fixture, &seen), ==, "Your order 12345 ships tomorrow.");
}

/* "photo": a PNG in the service's storage, named by a hosted/file message with a preview;
 * the consumer fetches it as from LivePerson. */
static void
test_photo (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(ConfabHostedFile) file = NULL;
  g_autoptr(ConfabFileUrl) url = NULL;
  g_autoptr(GBytes) preview = NULL;
  g_autoptr(GBytes) photo = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *base_url = confab_server_dup_base_url (fixture->server);
  JsonObject *change;
  JsonObject *response;
  guint seen = 0;
  guint status = 0;

  wait_agent_text (fixture, &seen);
  test_client_publish_text (fixture->client, fixture->conversation_id, "photo");

  change = wait_agent_event (fixture->client, "ContentEvent", "hosted/file", &seen);
  file = confab_hosted_file_parse (json_object_get_member (json_object_get_object_member (change, "event"), "message"),
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpint (file->file_type, ==, CONFAB_FILE_TYPE_PNG);
  g_assert_nonnull (file->caption);
  g_assert_false (file->preview_refused);
  g_assert_nonnull (file->preview);
  g_assert_cmpuint (strlen (file->preview), <, CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE);
  preview = confab_hosted_file_dup_preview_bytes (file);
  g_assert_cmpmem (g_bytes_get_data (preview, NULL), 8, "\x89PNG\r\n\x1a\n", 8);

  response = test_client_request (fixture->client, CONFAB_REQ_GENERATE_DOWNLOAD_URL,
                                  confab_download_url_body (file->relative_path));
  g_assert_cmpint (json_object_get_int_member (response, "code"), ==, 200);
  url = confab_file_url_new (json_object_get_string_member (test_frame_body_object (response), "relativePath"),
                             json_object_get_string_member (json_object_get_object_member (test_frame_body_object (response),
                                                                                           "queryParams"), "temp_url_sig"),
                             json_object_get_string_member (json_object_get_object_member (test_frame_body_object (response),
                                                                                           "queryParams"), "temp_url_expires"));
  address = g_strdup_printf ("%s%s?temp_url_sig=%s&temp_url_expires=%s", base_url, url->relative_path,
                             url->signature, url->expires);
  photo = test_http_bytes (address, "GET", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (photo, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpuint (g_bytes_get_size (photo), >, g_bytes_get_size (preview));
  stored = confab_server_dup_file (fixture->server, file->relative_path);
  g_assert_true (g_bytes_equal (stored, photo));
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
crc32 (const guint8 *data,
       gsize         len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (guint k = 0; k < 8; k++)
        crc = (crc & 1) ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
    }
  return crc ^ 0xffffffffu;
}

/* The pictures are PNGs a decoder can read: checked chunk by chunk, and the image data
 * inflated to the size the header promises. */
static void
test_pictures (void)
{
  const ConfabAgentPicture pictures[] = { CONFAB_AGENT_PICTURE_PRODUCT, CONFAB_AGENT_PICTURE_PHOTO };
  const guint sizes[][2] = { { 1, 1 }, { 60, 40 }, { 480, 320 }, { 7, 300 } };

  for (guint p = 0; p < G_N_ELEMENTS (pictures); p++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        g_autoptr(GBytes) png = confab_agent_picture_png (pictures[p], sizes[s][0], sizes[s][1]);
        g_autoptr(GByteArray) idat = g_byte_array_new ();
        g_autoptr(GConverter) inflater = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
        gsize len = 0;
        const guint8 *data = g_bytes_get_data (png, &len);
        gsize row_len = sizes[s][0] * 3 + 1;
        gsize raw_len = row_len * sizes[s][1];
        g_autofree guint8 *raw = g_malloc (raw_len + 1);
        gsize read = 0, written = 0;
        gboolean ended = FALSE;

        g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
        for (gsize at = 8; at < len;)
          {
            guint32 chunk_len = read_be32 (data + at);

            g_assert_cmpuint (at + 12 + chunk_len, <=, len);
            g_assert_cmpuint (crc32 (data + at + 4, chunk_len + 4), ==, read_be32 (data + at + 8 + chunk_len));
            if (memcmp (data + at + 4, "IHDR", 4) == 0)
              {
                g_assert_cmpuint (read_be32 (data + at + 8), ==, sizes[s][0]);
                g_assert_cmpuint (read_be32 (data + at + 12), ==, sizes[s][1]);
              }
            else if (memcmp (data + at + 4, "IDAT", 4) == 0)
              g_byte_array_append (idat, data + at + 8, chunk_len);
            else if (memcmp (data + at + 4, "IEND", 4) == 0)
              ended = at + 12 == len;
            at += 12 + chunk_len;
          }
        g_assert_true (ended);

        g_assert_cmpint (g_converter_convert (inflater, idat->data, idat->len, raw, raw_len + 1,
                                              G_CONVERTER_INPUT_AT_END, &read, &written, NULL), ==, G_CONVERTER_FINISHED);
        g_assert_cmpuint (written, ==, raw_len);
        for (guint row = 0; row < sizes[s][1]; row++)
          g_assert_cmpuint (raw[row * row_len], ==, 0);
      }
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
    { "Track my order", "Your order 12345 ships tomorrow.", FALSE },
    { "order status", "Your order 12345 ships tomorrow.", FALSE },
    { "Opening hours", "9:00 to 18:00", FALSE },
    { "talk to a person", "Dana", FALSE },
    { "Something else", "help", FALSE },
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
  g_test_add_func ("/server/bot/pictures", test_pictures);
  g_test_add ("/server/bot/accepts-and-greets", Fixture, NULL, fixture_setup, test_accepts_and_greets, server_fixture_teardown);
  g_test_add ("/server/bot/answers-with-receipts", Fixture, NULL, fixture_setup, test_answers_with_receipts, server_fixture_teardown);
  g_test_add ("/server/bot/bye-closes", Fixture, NULL, fixture_setup, test_bye_closes, server_fixture_teardown);
  g_test_add_func ("/server/bot/message-before-accept", test_message_before_accept);
  g_test_add ("/server/bot/menu", Fixture, NULL, fixture_setup, test_menu, server_fixture_teardown);
  g_test_add ("/server/bot/photo", Fixture, NULL, fixture_setup, test_photo, server_fixture_teardown);
  g_test_add_func ("/server/bot/consumer-close", test_consumer_close_stops_bot);

  return g_test_run ();
}
