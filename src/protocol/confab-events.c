/* confab-events.c: ms.MessagingEventNotification changes
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-events.h"
#include "confab-protocol-private.h"

/* Longest content type quoted in a placeholder; the rest is noise from a hostile peer. */
#define PLACEHOLDER_TYPE_MAX_CHARS 64

void
confab_messaging_change_free (ConfabMessagingChange *change)
{
  if (change == NULL)
    return;

  g_free (change->originator_id);
  g_free (change->role_name);
  g_free (change->conversation_id);
  g_free (change->dialog_id);
  g_free (change->content_type);
  g_free (change->text);
  g_clear_pointer (&change->sequence_list, g_array_unref);
  g_clear_pointer (&change->metadata, json_node_unref);
  g_clear_pointer (&change->rich, confab_rich_content_unref);
  g_clear_pointer (&change->quick_replies, confab_quick_replies_unref);
  g_clear_pointer (&change->file, confab_hosted_file_unref);
  g_free (change);
}

static const struct {
  const char *name;
  ConfabEventType type;
} event_types[] = {
  { "ContentEvent", CONFAB_EVENT_CONTENT },
  { "RichContentEvent", CONFAB_EVENT_RICH_CONTENT },
  { "AcceptStatusEvent", CONFAB_EVENT_ACCEPT_STATUS },
  { "ChatStateEvent", CONFAB_EVENT_CHAT_STATE },
};

/* Wire name, or NULL for CONFAB_EVENT_UNKNOWN. */
const char *
confab_event_type_to_string (ConfabEventType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (event_types); i++)
    if (event_types[i].type == type)
      return event_types[i].name;
  return NULL;
}

/* Exact names only, as LivePerson sends them. */
ConfabEventType
confab_event_type_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_EVENT_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (event_types); i++)
    if (g_str_equal (str, event_types[i].name))
      return event_types[i].type;
  return CONFAB_EVENT_UNKNOWN;
}

/* Wire name, or NULL for CONFAB_RECEIPT_UNKNOWN. */
const char *
confab_receipt_status_to_string (ConfabReceiptStatus status)
{
  switch (status)
    {
    case CONFAB_RECEIPT_ACCEPT:
      return "ACCEPT";
    case CONFAB_RECEIPT_READ:
      return "READ";
    case CONFAB_RECEIPT_ACTION:
      return "ACTION";
    case CONFAB_RECEIPT_UNKNOWN:
    default:
      return NULL;
    }
}

ConfabReceiptStatus
confab_receipt_status_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_RECEIPT_UNKNOWN;
  if (g_ascii_strcasecmp (str, "ACCEPT") == 0)
    return CONFAB_RECEIPT_ACCEPT;
  if (g_ascii_strcasecmp (str, "READ") == 0)
    return CONFAB_RECEIPT_READ;
  if (g_ascii_strcasecmp (str, "ACTION") == 0)
    return CONFAB_RECEIPT_ACTION;
  return CONFAB_RECEIPT_UNKNOWN;
}

/* Wire name, or NULL for CONFAB_CHAT_STATE_UNKNOWN. */
const char *
confab_chat_state_to_string (ConfabChatState state)
{
  switch (state)
    {
    case CONFAB_CHAT_STATE_COMPOSING:
      return "COMPOSING";
    case CONFAB_CHAT_STATE_ACTIVE:
      return "ACTIVE";
    case CONFAB_CHAT_STATE_PAUSE:
      return "PAUSE";
    case CONFAB_CHAT_STATE_GONE:
      return "GONE";
    case CONFAB_CHAT_STATE_INACTIVE:
      return "INACTIVE";
    case CONFAB_CHAT_STATE_UNKNOWN:
    default:
      return NULL;
    }
}

ConfabChatState
confab_chat_state_from_string (const char *str)
{
  static const struct {
    const char *name;
    ConfabChatState state;
  } states[] = {
    { "COMPOSING", CONFAB_CHAT_STATE_COMPOSING },
    { "ACTIVE", CONFAB_CHAT_STATE_ACTIVE },
    { "PAUSE", CONFAB_CHAT_STATE_PAUSE },
    { "GONE", CONFAB_CHAT_STATE_GONE },
    { "INACTIVE", CONFAB_CHAT_STATE_INACTIVE },
  };

  if (str == NULL)
    return CONFAB_CHAT_STATE_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_ascii_strcasecmp (str, states[i].name) == 0)
      return states[i].state;
  return CONFAB_CHAT_STATE_UNKNOWN;
}

ConfabRole
confab_role_from_string (const char *str)
{
  static const struct {
    const char *name;
    ConfabRole role;
  } roles[] = {
    { "CONSUMER", CONFAB_ROLE_CONSUMER },
    { "ASSIGNED_AGENT", CONFAB_ROLE_ASSIGNED_AGENT },
    { "AGENT", CONFAB_ROLE_AGENT },
    { "MANAGER", CONFAB_ROLE_MANAGER },
    { "CONTROLLER", CONFAB_ROLE_CONTROLLER },
  };

  if (str == NULL)
    return CONFAB_ROLE_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_ascii_strcasecmp (str, roles[i].name) == 0)
      return roles[i].role;
  return CONFAB_ROLE_UNKNOWN;
}

static char *
placeholder_for (const char *what)
{
  g_autofree char *shortened = NULL;

  if (what == NULL || *what == '\0')
    return g_strdup (_("Unsupported message"));

  if (g_utf8_strlen (what, -1) > PLACEHOLDER_TYPE_MAX_CHARS)
    what = shortened = g_utf8_substring (what, 0, PLACEHOLDER_TYPE_MAX_CHARS);

  /* Translators: shown instead of a message Confab cannot display; %s is its kind,
   * such as "hosted/file" */
  return g_strdup_printf (_("Unsupported message (%s)"), what);
}

static gboolean
is_plain_text (const char *content_type)
{
  gsize len = strlen (CONFAB_CONTENT_TYPE_TEXT);

  /* LivePerson leaves contentType out of plain text now and then */
  if (content_type == NULL)
    return TRUE;
  return g_ascii_strncasecmp (content_type, CONFAB_CONTENT_TYPE_TEXT, len) == 0 &&
         (content_type[len] == '\0' || content_type[len] == ';');
}

static void
parse_content_event (ConfabMessagingChange *change,
                     JsonObject            *event)
{
  JsonNode *message = confab_json_get_node (event, "message");

  change->content_type = confab_json_dup_string (event, "contentType");

  if (is_plain_text (change->content_type))
    {
      change->quick_replies = confab_quick_replies_parse (confab_json_get_node (event, "quickReplies"));
      change->text = confab_json_node_dup_string (message);
      if (change->text != NULL)
        return;
    }
  else if (g_ascii_strcasecmp (change->content_type, CONFAB_CONTENT_TYPE_HOSTED_FILE) == 0 &&
           message != NULL && JSON_NODE_HOLDS_OBJECT (message))
    {
      g_autofree char *caption = NULL;

      /* one spelling, as the encoder writes it: "Hosted/File" is the same type (the
       * fuzzer found the placeholder differing after a round trip) */
      g_free (change->content_type);
      change->content_type = g_strdup (CONFAB_CONTENT_TYPE_HOSTED_FILE);

      /* the caption as the file has it (cut to its limit) when the file is usable */
      change->file = confab_hosted_file_parse (message, NULL);
      if (change->file != NULL)
        caption = g_strdup (change->file->caption);
      else
        caption = confab_json_dup_string (json_node_get_object (message), "caption");

      if (caption != NULL && *g_strstrip (caption) != '\0')
        {
          change->text = g_steal_pointer (&caption);
          change->is_placeholder = TRUE;
          return;
        }
    }

  change->text = placeholder_for (change->content_type);
  change->is_placeholder = TRUE;
}

/* The payload is under "content" as every SDK sends it, or "message" as the schema names
 * it; either may be the object or a JSON string holding it. */
static void
parse_rich_content_event (ConfabMessagingChange *change,
                          JsonObject            *event)
{
  static const char *const members[] = { "content", "message" };

  for (guint i = 0; i < G_N_ELEMENTS (members) && change->rich == NULL; i++)
    {
      JsonNode *payload = confab_json_get_node (event, members[i]);

      if (payload != NULL)
        change->rich = confab_rich_content_parse (payload, NULL);
    }

  change->quick_replies = confab_quick_replies_parse (confab_json_get_node (event, "quickReplies"));
  change->is_placeholder = TRUE;

  if (change->rich != NULL)
    {
      change->text = confab_rich_content_dup_text (change->rich);
      if (*change->text != '\0')
        return;
      g_clear_pointer (&change->text, g_free);
    }
  change->text = g_strdup (_("Unsupported message (rich content)"));
}

static void
parse_sequence_list (ConfabMessagingChange *change,
                     JsonObject            *event)
{
  ConfabJsonList list;
  guint len = confab_json_list_init (&list, event, "sequenceList");

  change->sequence_list = g_array_sized_new (FALSE, FALSE, sizeof (gint64), len);
  for (guint i = 0; i < len; i++)
    {
      gint64 seq;

      if (confab_json_node_lookup_int_lenient (confab_json_list_get (&list, i), &seq) && seq >= 0)
        g_array_append_val (change->sequence_list, seq);
    }
}

static ConfabMessagingChange *
parse_change (JsonNode *node)
{
  g_autoptr(ConfabMessagingChange) change = NULL;
  JsonObject *object;
  JsonObject *event;
  JsonObject *metadata;
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);

  /* without an event there is nothing to show, acknowledge or order */
  event = confab_json_get_object (object, "event");
  if (event == NULL)
    return NULL;

  change = g_new0 (ConfabMessagingChange, 1);

  change->sequence = -1;
  if (confab_json_lookup_int_lenient (object, "sequence", &value) && value >= 0)
    change->sequence = value;
  if (confab_json_lookup_int_lenient (object, "serverTimestamp", &value) && value >= 0)
    change->server_timestamp = value;

  metadata = confab_json_get_object (object, "originatorMetadata");
  change->originator_id = confab_json_dup_string (object, "originatorId");
  if (change->originator_id == NULL)
    change->originator_id = confab_json_dup_string (object, "originatorPId");
  if (change->originator_id == NULL)
    change->originator_id = confab_json_dup_string (metadata, "id");
  change->role_name = confab_json_dup_string (metadata, "role");
  change->role = confab_role_from_string (change->role_name);

  change->conversation_id = confab_json_dup_string (object, "conversationId");
  change->dialog_id = confab_json_dup_string (object, "dialogId");
  change->metadata = _confab_json_dup_array (object, "metadata");

  change->type = confab_event_type_from_string (confab_json_get_string (event, "type"));
  switch (change->type)
    {
    case CONFAB_EVENT_CONTENT:
      parse_content_event (change, event);
      break;
    case CONFAB_EVENT_RICH_CONTENT:
      parse_rich_content_event (change, event);
      break;
    case CONFAB_EVENT_ACCEPT_STATUS:
      change->status = confab_receipt_status_from_string (confab_json_get_string (event, "status"));
      parse_sequence_list (change, event);
      break;
    case CONFAB_EVENT_CHAT_STATE:
      change->chat_state = confab_chat_state_from_string (confab_json_get_string (event, "chatState"));
      break;
    case CONFAB_EVENT_UNKNOWN:
    default:
      /* kept so that its sequence still counts */
      break;
    }

  return g_steal_pointer (&change);
}

/**
 * confab_parse_messaging_notification:
 * @body: (nullable): the body of an ms.MessagingEventNotification
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * `changes` may be an array or a bare change; a body without changes gives an empty array.
 * Changes that are not objects or have no event are skipped.
 *
 * Returns: (transfer full) (element-type ConfabMessagingChange) (nullable): the changes
 */
GPtrArray *
confab_parse_messaging_notification (JsonNode *body,
                                     GError  **error)
{
  return _confab_parse_changes (body, _("Messaging notification"), (gpointer (*) (JsonNode *)) parse_change,
                                (GDestroyNotify) confab_messaging_change_free, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Encoders                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static JsonBuilder *
event_begin (ConfabEventType type)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, confab_event_type_to_string (type));

  return builder;
}

static JsonNode *
event_end (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * confab_text_event_to_json:
 * @text: the message, sent as is (no markup is added or removed)
 *
 * Returns: (transfer full): `{"type":"ContentEvent","contentType":"text/plain","message":…}`
 */
JsonNode *
confab_text_event_to_json (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return confab_text_event_to_json_full (text, NULL);
}

/**
 * confab_text_event_to_json_full:
 * @text: the message, sent as is
 * @quick_replies: (nullable): chips to offer under it
 *
 * Returns: (transfer full): `{"type":"ContentEvent","contentType":"text/plain","message":…,
 *   "quickReplies":{…}}`, without quickReplies when @quick_replies is %NULL
 */
JsonNode *
confab_text_event_to_json_full (const char               *text,
                                const ConfabQuickReplies *quick_replies)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  builder = event_begin (CONFAB_EVENT_CONTENT);
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, CONFAB_CONTENT_TYPE_TEXT);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, text);
  if (quick_replies != NULL)
    {
      json_builder_set_member_name (builder, "quickReplies");
      json_builder_add_value (builder, confab_quick_replies_to_json (quick_replies));
    }

  return event_end (builder);
}

/**
 * confab_rich_content_event_to_json:
 * @content: the structured content
 * @quick_replies: (nullable): chips to offer under it
 *
 * Returns: (transfer full): `{"type":"RichContentEvent","content":{…},"quickReplies":{…}}`,
 *   the payload under "content" as LivePerson's SDKs send it
 */
JsonNode *
confab_rich_content_event_to_json (const ConfabRichContent  *content,
                                   const ConfabQuickReplies *quick_replies)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (content != NULL, NULL);

  builder = event_begin (CONFAB_EVENT_RICH_CONTENT);
  json_builder_set_member_name (builder, "content");
  json_builder_add_value (builder, confab_rich_content_to_json (content));
  if (quick_replies != NULL)
    {
      json_builder_set_member_name (builder, "quickReplies");
      json_builder_add_value (builder, confab_quick_replies_to_json (quick_replies));
    }

  return event_end (builder);
}

/**
 * confab_hosted_file_event_to_json:
 * @file: the file
 *
 * Returns: (transfer full): `{"type":"ContentEvent","contentType":"hosted/file","message":{…}}`
 */
JsonNode *
confab_hosted_file_event_to_json (const ConfabHostedFile *file)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (file != NULL, NULL);

  builder = event_begin (CONFAB_EVENT_CONTENT);
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, CONFAB_CONTENT_TYPE_HOSTED_FILE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_value (builder, confab_hosted_file_to_json (file));

  return event_end (builder);
}

/**
 * confab_receipt_event_to_json:
 * @status: %CONFAB_RECEIPT_ACCEPT, %CONFAB_RECEIPT_READ or %CONFAB_RECEIPT_ACTION
 * @sequences: (array length=n_sequences) (nullable): the sequences it is for
 * @n_sequences: their number
 *
 * Returns: (transfer full): `{"type":"AcceptStatusEvent","status":…,"sequenceList":[…]}`
 */
JsonNode *
confab_receipt_event_to_json (ConfabReceiptStatus  status,
                              const gint64        *sequences,
                              guint                n_sequences)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (confab_receipt_status_to_string (status) != NULL, NULL);
  g_return_val_if_fail (sequences != NULL || n_sequences == 0, NULL);

  builder = event_begin (CONFAB_EVENT_ACCEPT_STATUS);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, confab_receipt_status_to_string (status));
  json_builder_set_member_name (builder, "sequenceList");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_sequences; i++)
    json_builder_add_int_value (builder, sequences[i]);
  json_builder_end_array (builder);

  return event_end (builder);
}

/**
 * confab_chat_state_event_to_json:
 * @state: any state but %CONFAB_CHAT_STATE_UNKNOWN
 *
 * Returns: (transfer full): `{"type":"ChatStateEvent","chatState":…}`
 */
JsonNode *
confab_chat_state_event_to_json (ConfabChatState state)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (confab_chat_state_to_string (state) != NULL, NULL);

  builder = event_begin (CONFAB_EVENT_CHAT_STATE);
  json_builder_set_member_name (builder, "chatState");
  json_builder_add_string_value (builder, confab_chat_state_to_string (state));

  return event_end (builder);
}

/**
 * confab_messaging_change_to_json:
 * @sequence: the event's sequence, or -1 for an event that is not stored (typing)
 * @server_timestamp: when it was stored, epoch ms; left out with the sequence
 * @originator_id: who sent it
 * @role: the sender's role, "CONSUMER" or "ASSIGNED_AGENT"
 * @conversation_id: the conversation
 * @dialog_id: the dialog, the conversation id for the main dialog
 * @event: (transfer none): the event object, copied
 *
 * Returns: (transfer full): one element of the changes of an ms.MessagingEventNotification
 */
JsonNode *
confab_messaging_change_to_json (gint64      sequence,
                                 gint64      server_timestamp,
                                 const char *originator_id,
                                 const char *role,
                                 const char *conversation_id,
                                 const char *dialog_id,
                                 JsonNode   *event)
{
  return confab_messaging_change_to_json_full (sequence, server_timestamp, originator_id, role,
                                               conversation_id, dialog_id, event, NULL);
}

/**
 * confab_messaging_change_to_json_full:
 * @sequence: as for confab_messaging_change_to_json()
 * @server_timestamp: as there
 * @originator_id: as there
 * @role: as there
 * @conversation_id: as there
 * @dialog_id: as there
 * @event: (transfer none): the event object, copied
 * @metadata: (nullable) (transfer none): the change's metadata array (such as a survey's
 *   Question), copied; %NULL for none
 *
 * Returns: (transfer full): the change, with "metadata" last when given
 */
JsonNode *
confab_messaging_change_to_json_full (gint64      sequence,
                                      gint64      server_timestamp,
                                      const char *originator_id,
                                      const char *role,
                                      const char *conversation_id,
                                      const char *dialog_id,
                                      JsonNode   *event,
                                      JsonNode   *metadata)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (originator_id != NULL, NULL);
  g_return_val_if_fail (role != NULL, NULL);
  g_return_val_if_fail (conversation_id != NULL, NULL);
  g_return_val_if_fail (dialog_id != NULL, NULL);
  g_return_val_if_fail (event != NULL, NULL);

  json_builder_begin_object (builder);
  if (sequence >= 0)
    {
      json_builder_set_member_name (builder, "sequence");
      json_builder_add_int_value (builder, sequence);
    }
  json_builder_set_member_name (builder, "originatorId");
  json_builder_add_string_value (builder, originator_id);
  json_builder_set_member_name (builder, "originatorMetadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, originator_id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_end_object (builder);
  if (sequence >= 0)
    {
      json_builder_set_member_name (builder, "serverTimestamp");
      json_builder_add_int_value (builder, server_timestamp);
    }
  json_builder_set_member_name (builder, "event");
  json_builder_add_value (builder, json_node_copy (event));
  json_builder_set_member_name (builder, "conversationId");
  json_builder_add_string_value (builder, conversation_id);
  json_builder_set_member_name (builder, "dialogId");
  json_builder_add_string_value (builder, dialog_id);
  if (metadata != NULL)
    {
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_value (builder, json_node_copy (metadata));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
