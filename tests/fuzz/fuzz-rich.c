/* fuzz-rich.c: checks of rich content, quick replies, hosted files and file URLs for the
 * fuzz target
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the parsers return must keep the promises of confab-rich.h and confab-files.h
 * (limits, bounds, URL sorting), render as text, and read back equal after the encoders.
 */
#include <math.h>
#include <string.h>

#include "confab-protocol.h"
#include "fuzz-rich.h"

static void
check_string (const char *str,
              glong       max_chars)
{
  if (str == NULL)
    return;
  g_assert (g_utf8_validate (str, -1, NULL));
  if (max_chars > 0)
    g_assert (g_utf8_strlen (str, -1) <= max_chars);
}

/* what confab-rich.c lets through: something that can go into CSS as is */
static void
check_color (const char *color)
{
  if (color == NULL)
    return;
  g_assert (*color != '\0' && strlen (color) <= 64);
  g_assert (strpbrk (color, ";:{}\"'\\/<>") == NULL);
}

static void
check_metadata (JsonNode *metadata)
{
  if (metadata != NULL)
    g_assert (JSON_NODE_HOLDS_ARRAY (metadata));
}

static void
check_action (const ConfabRichAction *action)
{
  check_string (action->type_name, 64);
  switch (action->type)
    {
    case CONFAB_RICH_ACTION_LINK:
      g_assert (action->uri != NULL);
      g_assert (action->uri_status == CONFAB_RICH_URL_OK || action->uri_status == CONFAB_RICH_URL_REFUSED);
      g_assert (strlen (action->uri) <= CONFAB_RICH_LINK_URI_MAX_CHARS);
      for (const char *p = action->uri; *p != '\0'; p++)
        g_assert ((guchar) *p > 0x20 && (guchar) *p < 0x7f);
      check_string (action->name, CONFAB_RICH_NAME_MAX_CHARS);
      break;
    case CONFAB_RICH_ACTION_NAVIGATE:
      g_assert (action->latitude >= -90.0 && action->latitude <= 90.0);
      g_assert (action->longitude >= -180.0 && action->longitude <= 180.0);
      check_string (action->name, CONFAB_RICH_NAME_MAX_CHARS);
      break;
    case CONFAB_RICH_ACTION_PUBLISH_TEXT:
      g_assert (action->text != NULL && *action->text != '\0');
      check_string (action->text, CONFAB_RICH_PUBLISH_TEXT_MAX_CHARS);
      break;
    case CONFAB_RICH_ACTION_UNKNOWN:
    default:
      g_assert (action->type == CONFAB_RICH_ACTION_UNKNOWN);
      break;
    }
}

static guint
check_element (const ConfabRichElement *element,
               guint                    depth)
{
  guint n = 1;

  g_assert (element->type >= CONFAB_RICH_UNKNOWN && element->type <= CONFAB_RICH_MAP);
  check_string (element->type_name, 64);
  check_string (element->alt, CONFAB_RICH_ALT_MAX_CHARS);
  check_string (element->tag, CONFAB_RICH_TAG_MAX_CHARS);
  check_string (element->tooltip, CONFAB_RICH_TOOLTIP_MAX_CHARS);
  g_assert (element->metadata == NULL ||
            JSON_NODE_HOLDS_OBJECT (element->metadata) || JSON_NODE_HOLDS_ARRAY (element->metadata));
  check_color (element->style.color);
  check_color (element->style.background_color);
  check_color (element->style.border_color);
  g_assert (element->style.border_radius >= -1 && element->style.border_radius <= 1000);

  switch (element->type)
    {
    case CONFAB_RICH_TEXT:
      g_assert (element->text != NULL);
      check_string (element->text, CONFAB_RICH_TEXT_MAX_CHARS);
      break;
    case CONFAB_RICH_BUTTON:
      g_assert (element->title != NULL);
      check_string (element->title, CONFAB_RICH_TITLE_MAX_CHARS);
      break;
    case CONFAB_RICH_IMAGE:
      g_assert ((element->url == NULL) == (element->url_status == CONFAB_RICH_URL_INVALID));
      if (element->url != NULL)
        {
          g_assert (strlen (element->url) <= CONFAB_RICH_URL_MAX_CHARS);
          if (element->url_status == CONFAB_RICH_URL_OK)
            g_assert (g_ascii_strncasecmp (element->url, "https:", 6) == 0);
        }
      check_string (element->caption, CONFAB_RICH_CAPTION_MAX_CHARS);
      break;
    case CONFAB_RICH_MAP:
      g_assert (element->latitude >= -90.0 && element->latitude <= 90.0);
      g_assert (element->longitude >= -180.0 && element->longitude <= 180.0);
      break;
    case CONFAB_RICH_CAROUSEL:
      g_assert (element->elements->len >= 1 && element->elements->len <= CONFAB_RICH_CAROUSEL_MAX_CARDS);
      g_assert (element->padding >= -1 && element->padding <= CONFAB_RICH_CAROUSEL_MAX_PADDING);
      for (guint i = 0; i < element->elements->len; i++)
        g_assert_cmpstr (((ConfabRichElement *) g_ptr_array_index (element->elements, i))->type_name, ==, "vertical");
      G_GNUC_FALLTHROUGH;
    case CONFAB_RICH_VERTICAL:
    case CONFAB_RICH_HORIZONTAL:
    case CONFAB_RICH_LIST:
      g_assert (element->elements != NULL);
      g_assert (depth <= CONFAB_RICH_MAX_DEPTH);
      break;
    case CONFAB_RICH_UNKNOWN:
    default:
      g_assert (element->elements == NULL || depth <= CONFAB_RICH_MAX_DEPTH);
      break;
    }

  if (element->click != NULL)
    {
      g_assert (element->type == CONFAB_RICH_BUTTON || element->type == CONFAB_RICH_IMAGE ||
                element->type == CONFAB_RICH_MAP);
      g_assert (element->click->actions->len <= CONFAB_RICH_MAX_ACTIONS);
      for (guint i = 0; i < element->click->actions->len; i++)
        check_action (g_ptr_array_index (element->click->actions, i));
      check_metadata (element->click->metadata);
    }

  for (guint i = 0; element->elements != NULL && i < element->elements->len; i++)
    n += check_element (g_ptr_array_index (element->elements, i), depth + 1);
  return n;
}

static void
check_rich (const ConfabRichContent *content)
{
  g_autofree char *text = NULL;
  guint n;

  g_assert (content->root != NULL);
  n = check_element (content->root, 1);
  g_assert (n == content->n_elements);
  g_assert (n <= CONFAB_RICH_MAX_ELEMENTS);
  text = confab_rich_content_dup_text (content);
  check_string (text, 0);
}

static void
check_quick_replies (const ConfabQuickReplies *quick_replies)
{
  g_autofree char *text = NULL;

  g_assert (quick_replies->items_per_row >= 0 && quick_replies->items_per_row <= CONFAB_QUICK_REPLIES_MAX_PER_ROW);
  g_assert (quick_replies->replies->len >= 1 && quick_replies->replies->len <= CONFAB_QUICK_REPLIES_MAX);
  for (guint i = 0; i < quick_replies->replies->len; i++)
    {
      const ConfabRichElement *chip = g_ptr_array_index (quick_replies->replies, i);

      g_assert (chip->type == CONFAB_RICH_BUTTON && chip->click != NULL);
      check_element (chip, 1);
    }
  text = confab_quick_replies_dup_text (quick_replies);
  check_string (text, 0);
}

static void
check_file (const ConfabHostedFile *file)
{
  g_autoptr(GBytes) preview = NULL;

  g_assert (confab_file_path_is_valid (file->relative_path));
  check_string (file->caption, CONFAB_FILE_CAPTION_MAX_CHARS);
  check_string (file->file_type_name, CONFAB_FILE_TYPE_NAME_MAX_CHARS);
  g_assert (file->preview == NULL || confab_file_preview_is_valid (file->preview));
  g_assert (file->preview == NULL || !file->preview_refused);
  preview = confab_hosted_file_dup_preview_bytes (file);
  g_assert ((preview != NULL) == (file->preview != NULL));
}

/* Encoded, written and read again: equal, and the same text when encoded once more. */
static void
round_trip_rich (const ConfabRichContent *content)
{
  g_autoptr(JsonNode) node = confab_rich_content_to_json (content);
  g_autofree char *text = confab_json_to_string (node);
  g_autoptr(JsonNode) read = confab_json_parse (text, strlen (text), NULL);
  g_autoptr(ConfabRichContent) again = NULL;
  g_autoptr(JsonNode) node_again = NULL;
  g_autofree char *text_again = NULL;

  g_assert (read != NULL);
  again = confab_rich_content_parse (read, NULL);
  g_assert (again != NULL);
  g_assert (confab_rich_content_equal (content, again));
  node_again = confab_rich_content_to_json (again);
  text_again = confab_json_to_string (node_again);
  g_assert_cmpstr (text, ==, text_again);
}

static void
round_trip_quick_replies (const ConfabQuickReplies *quick_replies)
{
  g_autoptr(JsonNode) node = confab_quick_replies_to_json (quick_replies);
  g_autofree char *text = confab_json_to_string (node);
  g_autoptr(JsonNode) read = confab_json_parse (text, strlen (text), NULL);
  g_autoptr(ConfabQuickReplies) again = confab_quick_replies_parse (read);

  g_assert (again != NULL);
  g_assert (confab_quick_replies_equal (quick_replies, again));
}

static void
round_trip_file (const ConfabHostedFile *file)
{
  g_autoptr(JsonNode) node = confab_hosted_file_to_json (file);
  g_autofree char *text = confab_json_to_string (node);
  g_autoptr(JsonNode) read = confab_json_parse (text, strlen (text), NULL);
  g_autoptr(ConfabHostedFile) again = confab_hosted_file_parse (read, NULL);

  g_assert (again != NULL);
  g_assert (confab_hosted_file_equal (file, again));
}

static gboolean
same_json (JsonNode *a,
           JsonNode *b)
{
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  text_a = confab_json_to_string (a);
  text_b = confab_json_to_string (b);
  return g_str_equal (text_a, text_b);
}

void
fuzz_check_rich_change (const ConfabMessagingChange *change)
{
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(GPtrArray) encoded = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  const ConfabMessagingChange *again;
  gboolean whole = TRUE;

  check_metadata (change->metadata);
  if (change->rich != NULL)
    {
      g_assert (change->type == CONFAB_EVENT_RICH_CONTENT);
      check_rich (change->rich);
      round_trip_rich (change->rich);
    }
  if (change->quick_replies != NULL)
    {
      g_assert (change->type == CONFAB_EVENT_RICH_CONTENT || change->type == CONFAB_EVENT_CONTENT);
      check_quick_replies (change->quick_replies);
      round_trip_quick_replies (change->quick_replies);
    }
  if (change->file != NULL)
    {
      g_assert (change->type == CONFAB_EVENT_CONTENT);
      check_file (change->file);
      round_trip_file (change->file);
    }

  /* the whole change, as the local service would send it again; a change whose event
   * cannot be sent again (a text/plain event without text) still carries its metadata */
  if (change->rich != NULL)
    event = confab_rich_content_event_to_json (change->rich, change->quick_replies);
  else if (change->file != NULL)
    event = confab_hosted_file_event_to_json (change->file);
  else if (change->type == CONFAB_EVENT_CONTENT && !change->is_placeholder)
    event = confab_text_event_to_json_full (change->text, change->quick_replies);
  else if (change->metadata != NULL)
    {
      event = confab_chat_state_event_to_json (CONFAB_CHAT_STATE_ACTIVE);
      whole = FALSE;
    }
  else
    return;

  encoded = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_ptr_array_add (encoded, confab_messaging_change_to_json_full (change->sequence, change->server_timestamp, "o", "AGENT",
                                                                  "c", "d", event, change->metadata));
  body = confab_notification_body_to_json (NULL, encoded);
  parsed = confab_parse_messaging_notification (body, NULL);
  g_assert (parsed != NULL && parsed->len == 1);
  again = g_ptr_array_index (parsed, 0);

  g_assert (same_json (again->metadata, change->metadata));
  if (!whole)
    return;
  g_assert (confab_rich_content_equal (again->rich, change->rich));
  g_assert (confab_quick_replies_equal (again->quick_replies, change->quick_replies));
  g_assert (confab_hosted_file_equal (again->file, change->file));
  g_assert_cmpstr (again->text, ==, change->text);
}

/* Any JSON as a rich payload (object and string), as quick replies, as a hosted file's
 * message and as the bodies of the GenerateURL requests. data, the text root was read
 * from, may be NULL. */
void
fuzz_check_rich_json (JsonNode   *root,
                      const char *data,
                      gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabRichContent) content = confab_rich_content_parse (root, &error);
  g_autoptr(ConfabQuickReplies) quick_replies = confab_quick_replies_parse (root);
  g_autoptr(ConfabHostedFile) file = NULL;
  g_autofree char *path = NULL;
  gint64 file_size = -1;
  ConfabFileType file_type = CONFAB_FILE_TYPE_UNKNOWN;

  g_assert ((content == NULL) == (error != NULL));
  if (JSON_NODE_HOLDS_OBJECT (root))
    g_assert (content != NULL);
  else if (confab_json_node_get_string (root) == NULL)
    g_assert (content == NULL);
  if (content != NULL)
    {
      check_rich (content);
      round_trip_rich (content);
    }
  g_clear_error (&error);

  /* the same text as a string payload, read with the payload's own limits */
  if (data != NULL && size <= CONFAB_RICH_PAYLOAD_MAX_SIZE && g_utf8_validate_len (data, size, NULL) &&
      memchr (data, 0, size) == NULL)
    {
      g_autofree char *text = g_strndup (data, size);
      g_autoptr(JsonNode) string = json_node_init_string (json_node_alloc (), text);
      g_autoptr(ConfabRichContent) from_string = confab_rich_content_parse (string, &error);

      g_assert ((from_string == NULL) == (error != NULL));
      if (error != NULL)
        {
          g_assert (error->domain == CONFAB_PROTOCOL_ERROR);
          g_assert (g_utf8_validate (error->message, -1, NULL));
        }
      if (from_string != NULL)
        {
          check_rich (from_string);
          /* within the payload limits, reading the text or its object is the same */
          if (content != NULL)
            g_assert (confab_rich_content_equal (content, from_string));
        }
      g_clear_error (&error);
    }

  if (quick_replies != NULL)
    {
      check_quick_replies (quick_replies);
      round_trip_quick_replies (quick_replies);
    }

  file = confab_hosted_file_parse (root, &error);
  g_assert ((file == NULL) == (error != NULL));
  if (file != NULL)
    {
      check_file (file);
      round_trip_file (file);
    }
  g_clear_error (&error);

  if (confab_parse_upload_url_request (root, &file_size, &file_type, &error))
    {
      g_autoptr(JsonNode) body = NULL;
      gint64 size_again = 0;
      ConfabFileType type_again = CONFAB_FILE_TYPE_UNKNOWN;

      g_assert (error == NULL && file_size > 0 && confab_file_type_to_string (file_type) != NULL);
      body = confab_upload_url_body (file_size, file_type);
      g_assert (confab_parse_upload_url_request (body, &size_again, &type_again, NULL));
      g_assert (size_again == file_size && type_again == file_type);
    }
  g_assert (error == NULL || error->domain == CONFAB_PROTOCOL_ERROR);
  g_clear_error (&error);

  path = confab_parse_download_url_request (root, &error);
  g_assert ((path == NULL) == (error != NULL));
  if (path != NULL)
    {
      g_autoptr(JsonNode) body = confab_download_url_body (path);
      g_autofree char *path_again = confab_parse_download_url_request (body, NULL);

      g_assert_cmpstr (path, ==, path_again);
    }
}

/* The answer to a GenerateURL request, and a request's top-level metadata. */
void
fuzz_check_rich_frame (const ConfabFrame *frame)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFileUrl) url = confab_parse_file_url (frame, &error);

  /* a request's body, as the local service reads it */
  if (frame->body != NULL)
    fuzz_check_rich_json (frame->body, NULL, 0);

  g_assert ((url == NULL) == (error != NULL));
  if (url != NULL)
    {
      g_autofree char *built = confab_file_url_build (url, "storage.example.net:8443");
      g_autoptr(JsonNode) body = confab_file_url_to_json (url);
      g_autofree char *text = confab_frame_build_response ("1", 200, CONFAB_RESP_GENERATE_URL, body);
      g_autoptr(ConfabFrame) again = confab_frame_parse (text, -1, NULL);
      g_autoptr(ConfabFileUrl) url_again = NULL;

      g_assert (confab_file_path_is_valid (url->relative_path));
      g_assert (built != NULL && g_str_has_prefix (built, "https://storage.example.net:8443/"));
      g_assert (strchr (built + strlen ("https://"), '#') == NULL);
      g_assert (again != NULL);
      url_again = confab_parse_file_url (again, NULL);
      g_assert (url_again != NULL);
      g_assert_cmpstr (url_again->relative_path, ==, url->relative_path);
      g_assert_cmpstr (url_again->signature, ==, url->signature);
      g_assert_cmpstr (url_again->expires, ==, url->expires);
    }

  if (frame->metadata != NULL)
    {
      g_autofree char *text = NULL;
      g_autoptr(ConfabFrame) again = NULL;

      check_metadata (frame->metadata);
      text = confab_frame_build_request_full ("1", CONFAB_REQ_PUBLISH_EVENT, frame->body, frame->metadata);
      if (strlen (text) > CONFAB_FRAME_MAX_SIZE)
        return;
      again = confab_frame_parse (text, -1, NULL);
      g_assert (again != NULL);
      g_assert (same_json (again->metadata, frame->metadata));
    }
}
