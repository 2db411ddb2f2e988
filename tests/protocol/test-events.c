/* test-events.c: ms.MessagingEventNotification
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

/* Parses a whole frame and its changes; the changes must parse. */
static GPtrArray *
parse_changes (const char *frame_text)
{
  return confab_test_parse_changes (frame_text, confab_parse_messaging_notification);
}

/* The same for a body alone. */
static GPtrArray *
parse_body (const char *body_text)
{
  return confab_test_parse_notification (CONFAB_NOTIFY_MESSAGING, body_text, confab_parse_messaging_notification);
}

static ConfabMessagingChange *
only_change (GPtrArray *changes)
{
  g_assert_cmpuint (changes->len, ==, 1);
  return g_ptr_array_index (changes, 0);
}

static void
test_documented (void)
{
  /* docs/protocol-notes.md, "Notifications" */
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"sequence\":2,\"originatorId\":\"29c3…\",\"originatorMetadata\":{\"id\":\"29c3…\",\"role\":\"ASSIGNED_AGENT\"},\n"
    " \"serverTimestamp\":1538492183879,\"conversationId\":\"conv\",\"dialogId\":\"dia\",\n"
    " \"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"Hello again\"}}]}");
  ConfabMessagingChange *change = only_change (changes);

  g_assert_cmpint (change->sequence, ==, 2);
  g_assert_cmpint (change->server_timestamp, ==, 1538492183879);
  g_assert_cmpstr (change->originator_id, ==, "29c3…");
  g_assert_cmpint (change->role, ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_cmpstr (change->role_name, ==, "ASSIGNED_AGENT");
  g_assert_cmpstr (change->conversation_id, ==, "conv");
  g_assert_cmpstr (change->dialog_id, ==, "dia");
  g_assert_cmpint (change->type, ==, CONFAB_EVENT_CONTENT);
  g_assert_cmpstr (change->content_type, ==, "text/plain");
  g_assert_cmpstr (change->text, ==, "Hello again");
  g_assert_false (change->is_placeholder);
  g_assert_null (change->sequence_list);
}

static void
test_seed_offline_messages (void)
{
  /* seeds/000, step 4, with the braces the tutorial's text lost */
  g_autoptr(GPtrArray) changes = parse_changes (
    "{\n\t\"kind\": \"notification\",\n\t\"body\": {\n\t\t\"changes\": [\n\t\t\t{\n"
    "\t\t\t\t\"sequence\": 0,\n\t\t\t\t\"originatorId\": \"734d9867-40e3-52b9-a401-07e877676d64\",\n"
    "\t\t\t\t\"serverTimestamp\": 1477840831162,\n\t\t\t\t\"event\": {\n"
    "\t\t\t\t\t\"type\": \"ContentEvent\",\n\t\t\t\t\t\"message\": \"message from the agent\",\n"
    "\t\t\t\t\t\"contentType\": \"text/plain\"\n\t\t\t\t},\n"
    "\t\t\t\t\"dialogId\": \"__YOUR_CONVERSATION_ID__\"\n\t\t\t}\n\t\t]\n\t},\n"
    "\t\"type\": \"ms.MessagingEventNotification\"\n}\n");
  ConfabMessagingChange *change = only_change (changes);

  g_assert_cmpint (change->sequence, ==, 0);
  g_assert_cmpstr (change->originator_id, ==, "734d9867-40e3-52b9-a401-07e877676d64");
  g_assert_cmpint (change->server_timestamp, ==, 1477840831162);
  g_assert_cmpint (change->type, ==, CONFAB_EVENT_CONTENT);
  g_assert_cmpstr (change->text, ==, "message from the agent");
  g_assert_cmpstr (change->dialog_id, ==, "__YOUR_CONVERSATION_ID__");
  g_assert_null (change->conversation_id);
  /* older payloads have no originatorMetadata */
  g_assert_cmpint (change->role, ==, CONFAB_ROLE_UNKNOWN);
  g_assert_null (change->role_name);
}

static void
test_seed_receipts (void)
{
  /* seeds/004, step 2 */
  g_autoptr(GPtrArray) changes = parse_changes (
    "{\n   \"kind\": \"notification\",\n   \"body\": {\n      \"changes\": [\n         {\n"
    "            \"sequence\": 3,\n            \"originatorId\": \"3d834d4d-8f0b-5708-9e17-115ae1da4ad1\",\n"
    "            \"serverTimestamp\": 1487455441507,\n            \"event\": {\n"
    "               \"type\": \"ContentEvent\",\n               \"message\": \"some agent text\",\n"
    "               \"contentType\": \"text/plain\"\n            },\n"
    "            \"dialogId\": \"940f401e-dc4c-49a9-bff2-2bbb5bd0df64\"\n         }\n      ]\n   },\n"
    "   \"type\": \"ms.MessagingEventNotification\"\n}");
  ConfabMessagingChange *change = only_change (changes);

  g_assert_cmpint (change->sequence, ==, 3);
  g_assert_cmpstr (change->text, ==, "some agent text");
  g_assert_cmpstr (change->dialog_id, ==, "940f401e-dc4c-49a9-bff2-2bbb5bd0df64");
}

static void
test_receipt (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"sequence\":5,\"originatorId\":\"a\",\"serverTimestamp\":1,\"dialogId\":\"d\","
    "\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\",\"sequenceList\":[4]}},"
    "{\"sequence\":6,\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"ACCEPT\",\"sequenceList\":[3,4]}}]}");
  ConfabMessagingChange *read, *accept;

  g_assert_cmpuint (changes->len, ==, 2);
  read = g_ptr_array_index (changes, 0);
  accept = g_ptr_array_index (changes, 1);

  g_assert_cmpint (read->type, ==, CONFAB_EVENT_ACCEPT_STATUS);
  g_assert_cmpint (read->status, ==, CONFAB_RECEIPT_READ);
  g_assert_cmpint (read->sequence, ==, 5);
  g_assert_cmpuint (read->sequence_list->len, ==, 1);
  g_assert_cmpint (g_array_index (read->sequence_list, gint64, 0), ==, 4);
  g_assert_null (read->text);

  g_assert_cmpint (accept->status, ==, CONFAB_RECEIPT_ACCEPT);
  g_assert_cmpuint (accept->sequence_list->len, ==, 2);
  g_assert_cmpint (g_array_index (accept->sequence_list, gint64, 0), ==, 3);
  g_assert_cmpint (g_array_index (accept->sequence_list, gint64, 1), ==, 4);
}

static void
test_receipt_tolerance (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":["
    "{\"sequence\":1,\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"READ\",\"sequenceList\":4}},"
    "{\"sequence\":2,\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"SEEN\",\"sequenceList\":"
    "[1,\"2\",3.0,-4,\"x\",null,{},[5],true,1e300]}},"
    "{\"sequence\":3,\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":7}}]}");
  ConfabMessagingChange *bare, *mixed, *missing;

  g_assert_cmpuint (changes->len, ==, 3);
  bare = g_ptr_array_index (changes, 0);
  mixed = g_ptr_array_index (changes, 1);
  missing = g_ptr_array_index (changes, 2);

  g_assert_cmpuint (bare->sequence_list->len, ==, 1);
  g_assert_cmpint (g_array_index (bare->sequence_list, gint64, 0), ==, 4);

  g_assert_cmpint (mixed->status, ==, CONFAB_RECEIPT_UNKNOWN);
  g_assert_cmpuint (mixed->sequence_list->len, ==, 3);
  g_assert_cmpint (g_array_index (mixed->sequence_list, gint64, 0), ==, 1);
  g_assert_cmpint (g_array_index (mixed->sequence_list, gint64, 1), ==, 2);
  g_assert_cmpint (g_array_index (mixed->sequence_list, gint64, 2), ==, 3);

  g_assert_cmpint (missing->status, ==, CONFAB_RECEIPT_UNKNOWN);
  g_assert_nonnull (missing->sequence_list);
  g_assert_cmpuint (missing->sequence_list->len, ==, 0);
}

static void
test_typing (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"originatorId\":\"a\",\"dialogId\":\"d\",\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"COMPOSING\"}},"
    "{\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"PAUSE\"}},"
    "{\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"DANCING\"}},"
    "{\"event\":{\"type\":\"ChatStateEvent\"}}]}");
  ConfabMessagingChange *change;

  g_assert_cmpuint (changes->len, ==, 4);
  change = g_ptr_array_index (changes, 0);
  g_assert_cmpint (change->type, ==, CONFAB_EVENT_CHAT_STATE);
  g_assert_cmpint (change->chat_state, ==, CONFAB_CHAT_STATE_COMPOSING);
  g_assert_cmpint (change->sequence, ==, -1);
  g_assert_cmpint (change->server_timestamp, ==, 0);
  g_assert_null (change->text);

  change = g_ptr_array_index (changes, 1);
  g_assert_cmpint (change->chat_state, ==, CONFAB_CHAT_STATE_PAUSE);
  change = g_ptr_array_index (changes, 2);
  g_assert_cmpint (change->chat_state, ==, CONFAB_CHAT_STATE_UNKNOWN);
  change = g_ptr_array_index (changes, 3);
  g_assert_cmpint (change->chat_state, ==, CONFAB_CHAT_STATE_UNKNOWN);
}

static void
test_other_content (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":["
    "{\"sequence\":1,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\","
    "\"message\":{\"caption\":\"Our menu\",\"relativePath\":\"/a/b.png\",\"fileType\":\"PNG\",\"preview\":\"data:…\"}}},"
    "{\"sequence\":2,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\","
    "\"message\":{\"relativePath\":\"/a/b.pdf\",\"fileType\":\"PDF\"}}},"
    "{\"sequence\":3,\"event\":{\"type\":\"RichContentEvent\",\"content\":{\"type\":\"vertical\",\"elements\":[]}}},"
    "{\"sequence\":4,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"application/x-future\",\"message\":\"?\"}},"
    "{\"sequence\":5,\"event\":{\"type\":\"ContentEvent\",\"message\":\"no content type\"}},"
    "{\"sequence\":6,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"hi\","
    "\"quickReplies\":{\"type\":\"quickReplies\",\"replies\":[]}}},"
    "{\"sequence\":7,\"event\":{\"type\":\"SomeFutureEvent\",\"x\":1}},"
    "{\"sequence\":8,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":{\"a\":1}}},"
    "{\"sequence\":9,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\",\"message\":{\"caption\":\"  \"}}},"
    "{\"sequence\":10,\"event\":{\"contentType\":\"text/plain\",\"message\":\"no type\"}}"
    "]}");
  ConfabMessagingChange *c;

  g_assert_cmpuint (changes->len, ==, 10);

  c = g_ptr_array_index (changes, 0);
  g_assert_cmpint (c->type, ==, CONFAB_EVENT_CONTENT);
  g_assert_cmpstr (c->content_type, ==, "hosted/file");
  g_assert_cmpstr (c->text, ==, "Our menu");
  g_assert_true (c->is_placeholder);
  g_assert_nonnull (c->file);
  g_assert_cmpstr (c->file->relative_path, ==, "/a/b.png");
  g_assert_cmpint (c->file->file_type, ==, CONFAB_FILE_TYPE_PNG);
  /* "data:…" is not an image */
  g_assert_null (c->file->preview);
  g_assert_true (c->file->preview_refused);

  c = g_ptr_array_index (changes, 1);
  g_assert_cmpstr (c->text, ==, "Unsupported message (hosted/file)");
  g_assert_true (c->is_placeholder);
  g_assert_nonnull (c->file);
  g_assert_null (c->file->caption);
  g_assert_cmpint (c->file->file_type, ==, CONFAB_FILE_TYPE_PDF);

  /* an empty card has nothing to read out */
  c = g_ptr_array_index (changes, 2);
  g_assert_cmpint (c->type, ==, CONFAB_EVENT_RICH_CONTENT);
  g_assert_cmpstr (c->text, ==, "Unsupported message (rich content)");
  g_assert_true (c->is_placeholder);
  g_assert_nonnull (c->rich);
  g_assert_cmpint (c->rich->root->type, ==, CONFAB_RICH_VERTICAL);

  c = g_ptr_array_index (changes, 3);
  g_assert_cmpstr (c->text, ==, "Unsupported message (application/x-future)");
  g_assert_true (c->is_placeholder);

  c = g_ptr_array_index (changes, 4);
  g_assert_null (c->content_type);
  g_assert_cmpstr (c->text, ==, "no content type");
  g_assert_false (c->is_placeholder);

  /* quick replies without replies are none */
  c = g_ptr_array_index (changes, 5);
  g_assert_cmpstr (c->text, ==, "hi");
  g_assert_false (c->is_placeholder);
  g_assert_null (c->quick_replies);
  g_assert_null (c->rich);
  g_assert_null (c->file);
  g_assert_null (c->metadata);

  c = g_ptr_array_index (changes, 6);
  g_assert_cmpint (c->type, ==, CONFAB_EVENT_UNKNOWN);
  g_assert_cmpint (c->sequence, ==, 7);

  c = g_ptr_array_index (changes, 7);
  g_assert_cmpstr (c->text, ==, "Unsupported message (text/plain)");
  g_assert_true (c->is_placeholder);

  c = g_ptr_array_index (changes, 8);
  g_assert_cmpstr (c->text, ==, "Unsupported message (hosted/file)");
  g_assert_null (c->file);

  c = g_ptr_array_index (changes, 9);
  g_assert_cmpint (c->type, ==, CONFAB_EVENT_UNKNOWN);
}

static void
test_rich_content (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":["
    /* the payload as an object under content, with a card-level ExternalId on the change */
    "{\"sequence\":5,\"originatorId\":\"AGENT_ID\",\"originatorMetadata\":{\"id\":\"AGENT_ID\",\"role\":\"ASSIGNED_AGENT\"},"
    " \"serverTimestamp\":1516999340978,\"conversationId\":\"CONV\",\"dialogId\":\"CONV\","
    " \"event\":{\"type\":\"RichContentEvent\",\"content\":{\"type\":\"vertical\",\"elements\":["
    "  {\"type\":\"text\",\"text\":\"Product Name\"},"
    "  {\"type\":\"button\",\"title\":\"Buy\",\"click\":{\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}],"
    "   \"actions\":[{\"type\":\"publishText\",\"text\":\"Buy\"}]}}]}},"
    " \"metadata\":[{\"type\":\"ExternalId\",\"id\":\"MY_CARD_ID\"}]},"
    /* under message, as the schema names it */
    "{\"sequence\":6,\"event\":{\"type\":\"RichContentEvent\",\"message\":{\"type\":\"button\",\"title\":\"Schema\"}}},"
    /* as a JSON string, as the History API sends it */
    "{\"sequence\":7,\"event\":{\"type\":\"RichContentEvent\","
    " \"content\":\"{\\\"type\\\":\\\"image\\\",\\\"url\\\":\\\"https://a.example/i.png\\\",\\\"caption\\\":\\\"Menu\\\"}\"}},"
    /* content unusable, message usable */
    "{\"sequence\":8,\"event\":{\"type\":\"RichContentEvent\",\"content\":\"{oops\",\"message\":{\"type\":\"text\",\"text\":\"fallback\"}}},"
    /* with quick replies */
    "{\"sequence\":9,\"event\":{\"type\":\"RichContentEvent\",\"content\":{\"type\":\"text\",\"text\":\"Pick\"},"
    " \"quickReplies\":{\"type\":\"quickReplies\",\"replies\":[{\"type\":\"button\",\"title\":\"A\",\"click\":{\"actions\":[]}}]}}},"
    /* nothing usable */
    "{\"sequence\":10,\"event\":{\"type\":\"RichContentEvent\",\"content\":42}},"
    "{\"sequence\":11,\"event\":{\"type\":\"RichContentEvent\"}},"
    "{\"sequence\":12,\"event\":{\"type\":\"RichContentEvent\",\"content\":{\"type\":\"sectionList\",\"alt\":\"A list\"}}}"
    "]}");
  ConfabMessagingChange *c;
  g_autofree char *metadata = NULL;

  g_assert_cmpuint (changes->len, ==, 8);

  c = g_ptr_array_index (changes, 0);
  g_assert_cmpint (c->type, ==, CONFAB_EVENT_RICH_CONTENT);
  g_assert_nonnull (c->rich);
  g_assert_cmpuint (c->rich->root->elements->len, ==, 2);
  g_assert_cmpstr (c->text, ==, "Product Name\nButton: Buy");
  g_assert_true (c->is_placeholder);
  g_assert_null (c->quick_replies);
  metadata = confab_json_to_string (c->metadata);
  g_assert_cmpstr (metadata, ==, "[{\"type\":\"ExternalId\",\"id\":\"MY_CARD_ID\"}]");

  c = g_ptr_array_index (changes, 1);
  g_assert_cmpint (c->rich->root->type, ==, CONFAB_RICH_BUTTON);
  g_assert_cmpstr (c->text, ==, "Button: Schema");

  c = g_ptr_array_index (changes, 2);
  g_assert_cmpint (c->rich->root->type, ==, CONFAB_RICH_IMAGE);
  g_assert_cmpstr (c->text, ==, "Image: Menu");

  c = g_ptr_array_index (changes, 3);
  g_assert_cmpstr (c->text, ==, "fallback");

  c = g_ptr_array_index (changes, 4);
  g_assert_cmpstr (c->text, ==, "Pick");
  g_assert_nonnull (c->quick_replies);
  g_assert_cmpuint (c->quick_replies->replies->len, ==, 1);

  for (guint i = 5; i < 7; i++)
    {
      c = g_ptr_array_index (changes, i);
      g_assert_null (c->rich);
      g_assert_cmpstr (c->text, ==, "Unsupported message (rich content)");
      g_assert_true (c->is_placeholder);
    }

  c = g_ptr_array_index (changes, 7);
  g_assert_cmpint (c->rich->root->type, ==, CONFAB_RICH_UNKNOWN);
  g_assert_cmpstr (c->text, ==, "A list");
}

static void
test_quick_replies (void)
{
  /* the quick-replies page's example, on a text message */
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"sequence\":3,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"Do you want it?\","
    " \"quickReplies\":{\"type\":\"quickReplies\",\"itemsPerRow\":8,\"replies\":["
    "  {\"type\":\"button\",\"title\":\"Yes\",\"tooltip\":\"yes i do\","
    "   \"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"yep\"}],\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"Yes-1234\"}]}},"
    "  {\"type\":\"button\",\"title\":\"No!\",\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"No!\"}],"
    "   \"metadata\":[{\"type\":\"ExternalId\",\"id\":\"No-4321\"}]}}]}}},"
    /* quick replies are for text and rich messages only */
    "{\"sequence\":4,\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\",\"message\":{\"relativePath\":\"/a\"},"
    " \"quickReplies\":{\"type\":\"quickReplies\",\"replies\":[{\"type\":\"button\",\"title\":\"A\",\"click\":{}}]}}},"
    /* a PCS question: the chips carry Answer metadata, the change a Question */
    "{\"sequence\":5,\"dialogId\":\"SURVEY\",\"event\":{\"type\":\"ContentEvent\",\"message\":\"How did we do?\","
    " \"quickReplies\":{\"type\":\"quickReplies\",\"itemsPerRow\":5,\"replies\":["
    "  {\"type\":\"button\",\"title\":\"5\",\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"5\"}],"
    "   \"metadata\":[{\"type\":\"Answer\",\"questionId\":\"q1\",\"id\":\"a5\",\"provider\":\"AC\"}]}}]}},"
    " \"metadata\":{\"type\":\"Question\",\"id\":\"q1\",\"surveyId\":\"s\",\"provider\":\"AC\",\"replies\":[]}}"
    "]}");
  ConfabMessagingChange *c = g_ptr_array_index (changes, 0);
  const ConfabRichElement *chip;
  g_autofree char *answer = NULL;
  g_autofree char *question = NULL;

  g_assert_cmpint (c->type, ==, CONFAB_EVENT_CONTENT);
  g_assert_cmpstr (c->text, ==, "Do you want it?");
  g_assert_false (c->is_placeholder);
  g_assert_nonnull (c->quick_replies);
  g_assert_cmpint (c->quick_replies->items_per_row, ==, 8);
  g_assert_cmpuint (c->quick_replies->replies->len, ==, 2);
  chip = g_ptr_array_index (c->quick_replies->replies, 1);
  g_assert_cmpstr (chip->title, ==, "No!");

  c = g_ptr_array_index (changes, 1);
  g_assert_null (c->quick_replies);
  g_assert_nonnull (c->file);

  c = g_ptr_array_index (changes, 2);
  chip = g_ptr_array_index (c->quick_replies->replies, 0);
  answer = confab_json_to_string (chip->click->metadata);
  g_assert_cmpstr (answer, ==, "[{\"type\":\"Answer\",\"questionId\":\"q1\",\"id\":\"a5\",\"provider\":\"AC\"}]");
  /* a bare metadata object is the one-element array */
  question = confab_json_to_string (c->metadata);
  g_assert_cmpstr (question, ==, "[{\"type\":\"Question\",\"id\":\"q1\",\"surveyId\":\"s\",\"provider\":\"AC\",\"replies\":[]}]");
}

/* A file's text is its caption as the file keeps it: cut to the caption limit. */
static void
test_hosted_file_caption (void)
{
  g_autofree char *caption = g_strnfill (CONFAB_FILE_CAPTION_MAX_CHARS + 100, 'c');
  g_autofree char *body = g_strdup_printf ("{\"changes\":[{\"sequence\":1,\"event\":{\"type\":\"ContentEvent\","
                                           "\"contentType\":\"HOSTED/FILE\",\"message\":{\"caption\":\"  %s \","
                                           "\"relativePath\":\"/a/b.pdf\",\"fileType\":\"pdf\"}}},"
                                           "{\"sequence\":2,\"event\":{\"type\":\"ContentEvent\","
                                           "\"contentType\":\"hosted/file\",\"message\":{\"caption\":\"%s\","
                                           "\"relativePath\":\"no path\"}}}]}", caption, caption);
  g_autoptr(GPtrArray) changes = parse_body (body);
  ConfabMessagingChange *cut = g_ptr_array_index (changes, 0);
  ConfabMessagingChange *unusable = g_ptr_array_index (changes, 1);

  g_assert_nonnull (cut->file);
  g_assert_cmpint (cut->file->file_type, ==, CONFAB_FILE_TYPE_PDF);
  g_assert_cmpstr (cut->file->file_type_name, ==, "pdf");
  g_assert_cmpuint (strlen (cut->file->caption), ==, CONFAB_FILE_CAPTION_MAX_CHARS);
  /* the two leading spaces are in the kept caption, not in the text */
  g_assert_cmpuint (strlen (cut->text), ==, CONFAB_FILE_CAPTION_MAX_CHARS - 2);
  g_assert_true (cut->is_placeholder);

  /* without a usable path there is no file, and the caption is shown whole */
  g_assert_null (unusable->file);
  g_assert_cmpstr (unusable->text, ==, caption);
}

static void
test_action_receipt (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"sequence\":6,\"originatorId\":\"me\",\"metadata\":\"not a list\","
    "\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"ACTION\",\"sequenceList\":[5]}}]}");
  ConfabMessagingChange *change = only_change (changes);

  g_assert_cmpint (change->type, ==, CONFAB_EVENT_ACCEPT_STATUS);
  g_assert_cmpint (change->status, ==, CONFAB_RECEIPT_ACTION);
  g_assert_cmpuint (change->sequence_list->len, ==, 1);
  g_assert_null (change->metadata);
  g_assert_cmpstr (confab_receipt_status_to_string (CONFAB_RECEIPT_ACTION), ==, "ACTION");
  g_assert_cmpint (confab_receipt_status_from_string ("action"), ==, CONFAB_RECEIPT_ACTION);
}

static void
test_long_content_type (void)
{
  g_autofree char *type = g_strnfill (10000, 'y');
  g_autofree char *body = g_strdup_printf ("{\"changes\":[{\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"%s\"}}]}", type);
  g_autoptr(GPtrArray) changes = parse_body (body);
  ConfabMessagingChange *change = only_change (changes);

  g_assert_cmpuint (strlen (change->content_type), ==, 10000);
  g_assert_cmpuint (strlen (change->text), <, 200);
  g_assert_true (change->is_placeholder);
}

static void
test_roles (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":["
    "{\"originatorId\":\"c\",\"originatorMetadata\":{\"id\":\"c\",\"role\":\"CONSUMER\"},\"event\":{\"type\":\"ContentEvent\",\"message\":\"a\"}},"
    "{\"originatorMetadata\":{\"id\":\"m\",\"role\":\"MANAGER\"},\"event\":{\"type\":\"ContentEvent\",\"message\":\"b\"}},"
    "{\"originatorPId\":\"p\",\"originatorMetadata\":{\"role\":\"BOT\"},\"event\":{\"type\":\"ContentEvent\",\"message\":\"c\"}},"
    "{\"originatorId\":5,\"originatorMetadata\":\"AGENT\",\"event\":{\"type\":\"ContentEvent\",\"message\":\"d\"}}"
    "]}");
  ConfabMessagingChange *c;

  g_assert_cmpuint (changes->len, ==, 4);
  c = g_ptr_array_index (changes, 0);
  g_assert_cmpint (c->role, ==, CONFAB_ROLE_CONSUMER);
  c = g_ptr_array_index (changes, 1);
  g_assert_cmpstr (c->originator_id, ==, "m");
  g_assert_cmpint (c->role, ==, CONFAB_ROLE_MANAGER);
  c = g_ptr_array_index (changes, 2);
  g_assert_cmpstr (c->originator_id, ==, "p");
  g_assert_cmpint (c->role, ==, CONFAB_ROLE_UNKNOWN);
  g_assert_cmpstr (c->role_name, ==, "BOT");
  c = g_ptr_array_index (changes, 3);
  g_assert_null (c->originator_id);
  g_assert_cmpint (c->role, ==, CONFAB_ROLE_UNKNOWN);
  g_assert_null (c->role_name);
}

static void
test_bare_change (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":{\"sequence\":9,\"dialogId\":\"d\",\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"solo\"}}}");
  ConfabMessagingChange *change = only_change (changes);

  g_assert_cmpint (change->sequence, ==, 9);
  g_assert_cmpstr (change->text, ==, "solo");
}

static void
test_wrong_types (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[5,\"x\",null,[],{},{\"event\":\"ContentEvent\"},{\"event\":[{\"type\":\"ContentEvent\"}]},"
    "{\"sequence\":\"abc\",\"serverTimestamp\":true,\"originatorId\":[],\"conversationId\":{},\"dialogId\":7,"
    "\"event\":{\"type\":[\"ContentEvent\"],\"contentType\":5,\"message\":\"m\"}},"
    "{\"sequence\":\"12\",\"serverTimestamp\":1.5e12,\"event\":{\"type\":\"ContentEvent\",\"contentType\":null,\"message\":\"n\"}},"
    "{\"sequence\":1e300,\"serverTimestamp\":-5,\"event\":{\"type\":\"ContentEvent\",\"message\":\"o\"}},"
    "{\"sequence\":-3,\"serverTimestamp\":\"soon\",\"event\":{\"type\":\"ContentEvent\",\"message\":\"p\"}},"
    "{\"sequence\":7.9,\"event\":{\"type\":\"ContentEvent\",\"message\":\"q\"}}"
    "]}");
  ConfabMessagingChange *c;

  g_assert_cmpuint (changes->len, ==, 5);

  c = g_ptr_array_index (changes, 0);
  g_assert_cmpint (c->sequence, ==, -1);
  g_assert_cmpint (c->server_timestamp, ==, 0);
  g_assert_null (c->originator_id);
  g_assert_null (c->conversation_id);
  g_assert_null (c->dialog_id);
  g_assert_cmpint (c->type, ==, CONFAB_EVENT_UNKNOWN);

  c = g_ptr_array_index (changes, 1);
  g_assert_cmpint (c->sequence, ==, 12);
  g_assert_cmpint (c->server_timestamp, ==, 1500000000000);
  g_assert_cmpstr (c->text, ==, "n");

  c = g_ptr_array_index (changes, 2);
  g_assert_cmpint (c->sequence, ==, -1);
  g_assert_cmpint (c->server_timestamp, ==, 0);

  c = g_ptr_array_index (changes, 3);
  g_assert_cmpint (c->sequence, ==, -1);
  g_assert_cmpint (c->server_timestamp, ==, 0);

  c = g_ptr_array_index (changes, 4);
  g_assert_cmpint (c->sequence, ==, 7);
}

static void
test_bodies (void)
{
  g_autoptr(JsonNode) array_body = json_from_string ("[{\"changes\":[]}]", NULL);
  g_autoptr(GPtrArray) none = NULL;
  const char *empty_bodies[] = { "{}", "{\"changes\":[]}", "{\"changes\":null}", "{\"changes\":\"lots\"}", "{\"changes\":7}",
                                 NULL };

  confab_test_assert_no_changes (CONFAB_NOTIFY_MESSAGING, confab_parse_messaging_notification,
                                 "\"Bad Request\"", empty_bodies);

  none = confab_parse_messaging_notification (array_body, NULL);
  g_assert_null (none);
}

static void
test_huge (void)
{
  GString *body = g_string_new ("{\"changes\":[");
  g_autofree char *big = g_strnfill (1024 * 1024, 'z');
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  ConfabMessagingChange *last;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (body, "%s{\"sequence\":%u,\"event\":{\"type\":\"ContentEvent\",\"message\":\"m\"}}",
                            i ? "," : "", i);
  g_string_append_printf (body, ",{\"sequence\":100000,\"event\":{\"type\":\"ContentEvent\",\"message\":\"%s\"}}]}", big);
  text = g_string_free (body, FALSE);

  changes = parse_body (text);
  g_assert_cmpuint (changes->len, ==, 100001);
  last = g_ptr_array_index (changes, 100000);
  g_assert_cmpint (last->sequence, ==, 100000);
  g_assert_cmpuint (strlen (last->text), ==, 1024 * 1024);
}

static void
test_text_as_is (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\","
    "\"message\":\"<b>not markup</b> & \\\"quotes\\\"\\n\\u00e9\\ud83d\\ude00\"}}]}");
  ConfabMessagingChange *change = only_change (changes);

  g_assert_cmpstr (change->text, ==, "<b>not markup</b> & \"quotes\"\né\xf0\x9f\x98\x80");
}

static void
test_strings (void)
{
  g_assert_cmpstr (confab_receipt_status_to_string (CONFAB_RECEIPT_ACCEPT), ==, "ACCEPT");
  g_assert_cmpstr (confab_receipt_status_to_string (CONFAB_RECEIPT_READ), ==, "READ");
  g_assert_null (confab_receipt_status_to_string (CONFAB_RECEIPT_UNKNOWN));
  g_assert_cmpint (confab_receipt_status_from_string ("READ"), ==, CONFAB_RECEIPT_READ);
  g_assert_cmpint (confab_receipt_status_from_string ("accept"), ==, CONFAB_RECEIPT_ACCEPT);
  g_assert_cmpint (confab_receipt_status_from_string ("NOPE"), ==, CONFAB_RECEIPT_UNKNOWN);
  g_assert_cmpint (confab_receipt_status_from_string (NULL), ==, CONFAB_RECEIPT_UNKNOWN);

  for (ConfabChatState s = CONFAB_CHAT_STATE_COMPOSING; s <= CONFAB_CHAT_STATE_INACTIVE; s++)
    g_assert_cmpint (confab_chat_state_from_string (confab_chat_state_to_string (s)), ==, s);
  g_assert_null (confab_chat_state_to_string (CONFAB_CHAT_STATE_UNKNOWN));
  g_assert_cmpint (confab_chat_state_from_string (NULL), ==, CONFAB_CHAT_STATE_UNKNOWN);

  g_assert_cmpint (confab_role_from_string ("ASSIGNED_AGENT"), ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_cmpint (confab_role_from_string ("AGENT"), ==, CONFAB_ROLE_AGENT);
  g_assert_cmpint (confab_role_from_string ("CONTROLLER"), ==, CONFAB_ROLE_CONTROLLER);
  g_assert_cmpint (confab_role_from_string ("READER"), ==, CONFAB_ROLE_UNKNOWN);
  g_assert_cmpint (confab_role_from_string (NULL), ==, CONFAB_ROLE_UNKNOWN);
}

/* Round trips: what the service encodes, the client reads back. */

typedef struct {
  gint64 sequence;
  gint64 server_timestamp;
  const char *originator_id;
  const char *role;
  const char *conversation_id;
  const char *dialog_id;
} ChangeHeader;

/* changes (JsonNode) → notification body → frame text → frame → the client's changes */
static GPtrArray *
round_trip (GPtrArray *changes)
{
  return confab_test_round_trip (CONFAB_NOTIFY_MESSAGING, NULL, changes, confab_parse_messaging_notification);
}

/* One change around event (taken), through round_trip(). */
static ConfabMessagingChange *
round_trip_one (const ChangeHeader *header,
                JsonNode           *event)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) parsed = NULL;
  g_ptr_array_add (changes, confab_messaging_change_to_json (header->sequence, header->server_timestamp,
                                                             header->originator_id, header->role,
                                                             header->conversation_id, header->dialog_id,
                                                             event));
  json_node_unref (event);
  parsed = round_trip (changes);
  return g_ptr_array_steal_index (parsed, 0);
}

static void
assert_header (const ConfabMessagingChange *change,
               const ChangeHeader          *header)
{
  g_assert_cmpint (change->sequence, ==, header->sequence >= 0 ? header->sequence : -1);
  /* a change without a sequence (typing) carries no timestamp either */
  g_assert_cmpint (change->server_timestamp, ==, header->sequence >= 0 ? header->server_timestamp : 0);
  g_assert_cmpstr (change->originator_id, ==, header->originator_id);
  g_assert_cmpstr (change->role_name, ==, header->role);
  g_assert_cmpint (change->role, ==, confab_role_from_string (header->role));
  g_assert_cmpstr (change->conversation_id, ==, header->conversation_id);
  g_assert_cmpstr (change->dialog_id, ==, header->dialog_id);
}

static const ChangeHeader headers[] = {
  { 0, 0, "c0ffee", "CONSUMER", "conv", "conv" },
  { 1, 1538492183879, "5e1b0a52-7d3c-4f6e-9a8b-2c4d6e8f0a1b", "ASSIGNED_AGENT", "conv", "dialog" },
  { G_MAXINT64, G_MAXINT64, "ágent \xf0\x9f\x98\x80", "MANAGER", "\xe4\xb8\xad\xe6\x96\x87", "\"quoted\"\\" },
  { 7, 1, "", "SOMETHING_NEW", "", "" },
};

static void
test_round_trip_text (void)
{
  g_autofree char *long_text = g_strnfill (1024 * 1024, 'x');
  const char *texts[] = {
    "Hello",
    "",
    " ",
    "\xc3\xa9 \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87 e\xcc\x81 \xe2\x80\xaeRTL\xe2\x80\xac \xef\xbf\xbf \xf4\x8f\xbf\xbf",
    "\x01\x1f\x7f\n\t\r\"\\/\b\f",
    "<b>not markup</b> &amp; {\"json\":[1]}",
    long_text,
  };

  for (guint h = 0; h < G_N_ELEMENTS (headers); h++)
    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        g_autoptr(ConfabMessagingChange) change = round_trip_one (&headers[h], confab_text_event_to_json (texts[i]));

        assert_header (change, &headers[h]);
        g_assert_cmpint (change->type, ==, CONFAB_EVENT_CONTENT);
        g_assert_cmpstr (change->content_type, ==, "text/plain");
        g_assert_cmpstr (change->text, ==, texts[i]);
        g_assert_false (change->is_placeholder);
        g_assert_null (change->sequence_list);
      }
}

static void
test_round_trip_receipt (void)
{
  const ConfabReceiptStatus statuses[] = { CONFAB_RECEIPT_ACCEPT, CONFAB_RECEIPT_READ, CONFAB_RECEIPT_ACTION };
  g_autoptr(GArray) many = g_array_new (FALSE, FALSE, sizeof (gint64));
  const gint64 edges[] = { 0, 1, 2, G_MAXINT32, (gint64) G_MAXINT32 + 1, G_MAXINT64 };
  struct {
    const gint64 *sequences;
    guint n;
  } lists[3];

  /* the most the local service accepts in one receipt */
  for (gint64 i = 0; i < 10000; i++)
    g_array_append_val (many, i);
  lists[0].sequences = NULL;
  lists[0].n = 0;
  lists[1].sequences = edges;
  lists[1].n = G_N_ELEMENTS (edges);
  lists[2].sequences = (const gint64 *) (gpointer) many->data;
  lists[2].n = many->len;

  for (guint h = 0; h < G_N_ELEMENTS (headers); h++)
    for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
      for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
        {
          g_autoptr(ConfabMessagingChange) change =
            round_trip_one (&headers[h], confab_receipt_event_to_json (statuses[s], lists[l].sequences, lists[l].n));

          assert_header (change, &headers[h]);
          g_assert_cmpint (change->type, ==, CONFAB_EVENT_ACCEPT_STATUS);
          g_assert_cmpint (change->status, ==, statuses[s]);
          g_assert_nonnull (change->sequence_list);
          g_assert_cmpuint (change->sequence_list->len, ==, lists[l].n);
          for (guint i = 0; i < lists[l].n; i++)
            g_assert_cmpint (g_array_index (change->sequence_list, gint64, i), ==, lists[l].sequences[i]);
          g_assert_null (change->text);
        }
}

static void
test_round_trip_chat_state (void)
{
  /* typing is forwarded without a sequence */
  const ChangeHeader typing = { -1, 1538492183879, "agent", "ASSIGNED_AGENT", "conv", "conv" };

  for (ConfabChatState state = CONFAB_CHAT_STATE_COMPOSING; state <= CONFAB_CHAT_STATE_INACTIVE; state++)
    {
      g_autoptr(ConfabMessagingChange) change = round_trip_one (&typing, confab_chat_state_event_to_json (state));
      g_autoptr(ConfabMessagingChange) stored = round_trip_one (&headers[1], confab_chat_state_event_to_json (state));

      assert_header (change, &typing);
      g_assert_cmpint (change->sequence, ==, -1);
      g_assert_cmpint (change->server_timestamp, ==, 0);
      g_assert_cmpint (change->type, ==, CONFAB_EVENT_CHAT_STATE);
      g_assert_cmpint (change->chat_state, ==, state);
      g_assert_null (change->text);

      assert_header (stored, &headers[1]);
      g_assert_cmpint (stored->chat_state, ==, state);
    }
}

/* Events the service stores as a consumer published them: the change around them must
 * carry them whole. */
static void
test_round_trip_published (void)
{
  const struct {
    const char *event;
    ConfabEventType type;
    const char *text;
    gboolean is_placeholder;
  } events[] = {
    { "{\"type\":\"RichContentEvent\",\"content\":{\"type\":\"vertical\",\"elements\":[{\"type\":\"text\",\"text\":\"hi\"}]}}",
      CONFAB_EVENT_RICH_CONTENT, "hi", TRUE },
    { "{\"type\":\"RichContentEvent\",\"content\":\"not JSON\"}",
      CONFAB_EVENT_RICH_CONTENT, "Unsupported message (rich content)", TRUE },
    { "{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\",\"message\":{\"caption\":\"A caption \xf0\x9f\x93\x8e\",\"relativePath\":\"/x\"}}",
      CONFAB_EVENT_CONTENT, "A caption \xf0\x9f\x93\x8e", TRUE },
    { "{\"type\":\"ContentEvent\",\"contentType\":\"text/plain;charset=utf-8\",\"message\":\"typed\"}",
      CONFAB_EVENT_CONTENT, "typed", FALSE },
    { "{\"type\":\"SomeFutureEvent\",\"payload\":[1,2,3]}",
      CONFAB_EVENT_UNKNOWN, NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *event = confab_json_parse (events[i].event, strlen (events[i].event), &error);
      g_autoptr(ConfabMessagingChange) change = NULL;

      g_assert_no_error (error);
      change = round_trip_one (&headers[1], event);
      assert_header (change, &headers[1]);
      g_assert_cmpint (change->type, ==, events[i].type);
      g_assert_cmpstr (change->text, ==, events[i].text);
      g_assert_true (change->is_placeholder == events[i].is_placeholder);
    }
}

/* Rich content, quick replies, files and change metadata, as the local service will send
 * them, read back equal. */
static void
test_round_trip_rich (void)
{
  ConfabRichElement *card = confab_rich_element_new (CONFAB_RICH_VERTICAL);
  ConfabRichElement *button = confab_rich_element_new_button ("Track my order");
  g_autoptr(ConfabRichContent) content = NULL;
  g_autoptr(ConfabQuickReplies) quick_replies = confab_quick_replies_new (2);
  ConfabRichElement *chip = confab_rich_element_new_button ("Yes");
  g_autoptr(ConfabHostedFile) file = confab_hosted_file_new ("Our menu", "/v1/AUTH_async-images/1/menu.PNG",
                                                             CONFAB_FILE_TYPE_PNG, "data:image/png;base64,iVBORw0KGgo=");
  g_autoptr(JsonNode) metadata = NULL;
  const char *metadata_text = "[{\"type\":\"Question\",\"id\":\"q\",\"replies\":[{\"id\":\"r\"}]}]";

  confab_rich_element_add_action (button, confab_rich_action_new_link ("https://example.com/track"));
  confab_rich_element_add (card, confab_rich_element_new_image ("https://example.com/box.png"));
  confab_rich_element_add (card, button);
  content = confab_rich_content_new (card);
  confab_rich_element_add_action (chip, confab_rich_action_new_publish_text ("yes"));
  confab_quick_replies_add (quick_replies, chip);
  metadata = confab_json_parse (metadata_text, strlen (metadata_text), NULL);

  for (guint h = 0; h < G_N_ELEMENTS (headers); h++)
    {
      g_autoptr(ConfabMessagingChange) rich = round_trip_one (&headers[h], confab_rich_content_event_to_json (content, NULL));
      g_autoptr(ConfabMessagingChange) rich_replies = round_trip_one (&headers[h], confab_rich_content_event_to_json (content, quick_replies));
      g_autoptr(ConfabMessagingChange) text_replies = round_trip_one (&headers[h], confab_text_event_to_json_full ("Do you want it?", quick_replies));
      g_autoptr(ConfabMessagingChange) plain = round_trip_one (&headers[h], confab_text_event_to_json_full ("plain", NULL));
      g_autoptr(ConfabMessagingChange) hosted = round_trip_one (&headers[h], confab_hosted_file_event_to_json (file));

      assert_header (rich, &headers[h]);
      g_assert_cmpint (rich->type, ==, CONFAB_EVENT_RICH_CONTENT);
      g_assert_true (confab_rich_content_equal (rich->rich, content));
      g_assert_null (rich->quick_replies);
      g_assert_cmpstr (rich->text, ==, "Image\nButton: Track my order");
      g_assert_true (rich->is_placeholder);

      g_assert_true (confab_rich_content_equal (rich_replies->rich, content));
      g_assert_true (confab_quick_replies_equal (rich_replies->quick_replies, quick_replies));

      assert_header (text_replies, &headers[h]);
      g_assert_cmpstr (text_replies->text, ==, "Do you want it?");
      g_assert_false (text_replies->is_placeholder);
      g_assert_true (confab_quick_replies_equal (text_replies->quick_replies, quick_replies));

      g_assert_cmpstr (plain->text, ==, "plain");
      g_assert_null (plain->quick_replies);

      assert_header (hosted, &headers[h]);
      g_assert_cmpstr (hosted->content_type, ==, "hosted/file");
      g_assert_true (confab_hosted_file_equal (hosted->file, file));
      g_assert_cmpstr (hosted->text, ==, "Our menu");
    }

  /* the change's metadata */
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
    g_autoptr(GPtrArray) parsed = NULL;
    g_autoptr(JsonNode) event = confab_text_event_to_json ("How did we do?");
    const ConfabMessagingChange *change;
    g_autofree char *kept = NULL;
    g_autofree char *written = NULL;

    g_ptr_array_add (changes, confab_messaging_change_to_json_full (3, 4, "a", "ASSIGNED_AGENT", "c", "s", event, metadata));
    written = confab_json_to_string (g_ptr_array_index (changes, 0));
    g_assert_true (g_str_has_suffix (written, ",\"dialogId\":\"s\",\"metadata\":[{\"type\":\"Question\",\"id\":\"q\",\"replies\":[{\"id\":\"r\"}]}]}"));
    parsed = round_trip (changes);
    change = g_ptr_array_index (parsed, 0);
    kept = confab_json_to_string (change->metadata);
    g_assert_cmpstr (kept, ==, metadata_text);
  }
}

/* Several changes in one notification keep their order. */
static void
test_round_trip_many (void)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) parsed = NULL;
  const gint64 seqs[] = { 0, 1 };
  g_autoptr(JsonNode) empty_body = confab_notification_body_to_json ("sub-1", NULL);
  g_autofree char *empty_text = confab_json_to_string (empty_body);

  for (gint64 i = 0; i < 300; i++)
    {
      g_autoptr(JsonNode) event = NULL;

      switch (i % 3)
        {
        case 0:
          event = confab_text_event_to_json ("m");
          break;
        case 1:
          event = confab_receipt_event_to_json (CONFAB_RECEIPT_READ, seqs, G_N_ELEMENTS (seqs));
          break;
        default:
          event = confab_chat_state_event_to_json (CONFAB_CHAT_STATE_PAUSE);
          break;
        }
      g_ptr_array_add (changes, confab_messaging_change_to_json (i, 1000 + i, "o", "CONSUMER", "c", "c", event));
    }

  parsed = round_trip (changes);
  for (guint i = 0; i < parsed->len; i++)
    {
      const ConfabMessagingChange *change = g_ptr_array_index (parsed, i);
      const ConfabEventType types[] = { CONFAB_EVENT_CONTENT, CONFAB_EVENT_ACCEPT_STATUS, CONFAB_EVENT_CHAT_STATE };

      g_assert_cmpint (change->sequence, ==, i);
      g_assert_cmpint (change->server_timestamp, ==, 1000 + i);
      g_assert_cmpint (change->type, ==, types[i % 3]);
    }

  g_assert_cmpstr (empty_text, ==, "{\"subscriptionId\":\"sub-1\",\"changes\":[]}");
}

/* The encoders write LivePerson's wire form exactly, member for member and in order. */
static void
test_encoders (void)
{
  const gint64 seqs[] = { 3, 4 };
  g_autoptr(JsonNode) text = confab_text_event_to_json ("hi");
  g_autoptr(JsonNode) receipt = confab_receipt_event_to_json (CONFAB_RECEIPT_ACCEPT, seqs, G_N_ELEMENTS (seqs));
  g_autoptr(JsonNode) typing = confab_chat_state_event_to_json (CONFAB_CHAT_STATE_COMPOSING);
  g_autoptr(JsonNode) change = confab_messaging_change_to_json (2, 1538492183879, "a", "ASSIGNED_AGENT", "c", "d", text);
  g_autoptr(JsonNode) typing_change = confab_messaging_change_to_json (-1, 99, "a", "ASSIGNED_AGENT", "c", "d", typing);
  g_autofree char *text_json = confab_json_to_string (text);
  g_autofree char *receipt_json = confab_json_to_string (receipt);
  g_autofree char *typing_json = confab_json_to_string (typing);
  g_autofree char *change_json = confab_json_to_string (change);
  g_autofree char *typing_change_json = confab_json_to_string (typing_change);

  g_assert_cmpstr (text_json, ==, "{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":\"hi\"}");
  g_assert_cmpstr (receipt_json, ==, "{\"type\":\"AcceptStatusEvent\",\"status\":\"ACCEPT\",\"sequenceList\":[3,4]}");
  g_assert_cmpstr (typing_json, ==, "{\"type\":\"ChatStateEvent\",\"chatState\":\"COMPOSING\"}");
  g_assert_cmpstr (change_json, ==,
                   "{\"sequence\":2,\"originatorId\":\"a\",\"originatorMetadata\":{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\"},"
                   "\"serverTimestamp\":1538492183879,\"event\":" "{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\","
                   "\"message\":\"hi\"},\"conversationId\":\"c\",\"dialogId\":\"d\"}");
  g_assert_cmpstr (typing_change_json, ==,
                   "{\"originatorId\":\"a\",\"originatorMetadata\":{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\"},"
                   "\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"COMPOSING\"},"
                   "\"conversationId\":\"c\",\"dialogId\":\"d\"}");

  for (ConfabEventType type = CONFAB_EVENT_CONTENT; type <= CONFAB_EVENT_CHAT_STATE; type++)
    g_assert_cmpint (confab_event_type_from_string (confab_event_type_to_string (type)), ==, type);
  g_assert_null (confab_event_type_to_string (CONFAB_EVENT_UNKNOWN));
  g_assert_cmpint (confab_event_type_from_string (NULL), ==, CONFAB_EVENT_UNKNOWN);
  g_assert_cmpint (confab_event_type_from_string ("contentevent"), ==, CONFAB_EVENT_UNKNOWN);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/events/documented", test_documented);
  g_test_add_func ("/protocol/events/seed-offline-messages", test_seed_offline_messages);
  g_test_add_func ("/protocol/events/seed-receipts", test_seed_receipts);
  g_test_add_func ("/protocol/events/receipt", test_receipt);
  g_test_add_func ("/protocol/events/receipt-tolerance", test_receipt_tolerance);
  g_test_add_func ("/protocol/events/typing", test_typing);
  g_test_add_func ("/protocol/events/other-content", test_other_content);
  g_test_add_func ("/protocol/events/rich-content", test_rich_content);
  g_test_add_func ("/protocol/events/quick-replies", test_quick_replies);
  g_test_add_func ("/protocol/events/hosted-file-caption", test_hosted_file_caption);
  g_test_add_func ("/protocol/events/action-receipt", test_action_receipt);
  g_test_add_func ("/protocol/events/long-content-type", test_long_content_type);
  g_test_add_func ("/protocol/events/roles", test_roles);
  g_test_add_func ("/protocol/events/bare-change", test_bare_change);
  g_test_add_func ("/protocol/events/wrong-types", test_wrong_types);
  g_test_add_func ("/protocol/events/bodies", test_bodies);
  g_test_add_func ("/protocol/events/huge", test_huge);
  g_test_add_func ("/protocol/events/text-as-is", test_text_as_is);
  g_test_add_func ("/protocol/events/strings", test_strings);
  g_test_add_func ("/protocol/events/encoders", test_encoders);
  g_test_add_func ("/protocol/events/round-trip-text", test_round_trip_text);
  g_test_add_func ("/protocol/events/round-trip-receipt", test_round_trip_receipt);
  g_test_add_func ("/protocol/events/round-trip-chat-state", test_round_trip_chat_state);
  g_test_add_func ("/protocol/events/round-trip-published", test_round_trip_published);
  g_test_add_func ("/protocol/events/round-trip-rich", test_round_trip_rich);
  g_test_add_func ("/protocol/events/round-trip-many", test_round_trip_many);

  return g_test_run ();
}
