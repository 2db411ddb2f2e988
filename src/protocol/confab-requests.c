/* confab-requests.c: bodies of the requests a consumer sends, and parsers of their answers
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-requests.h"
#include "confab-protocol-private.h"

/* Longest piece of a server's error text quoted in a GError */
#define QUOTE_MAX_CHARS 200

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* {"dialogId":"…","conversationId":"…","event":{…}}, taking event */
static JsonNode *
publish_body (const char *conversation_id,
              const char *dialog_id,
              JsonNode   *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string_member (builder, "dialogId", dialog_id);
  add_string_member (builder, "conversationId", conversation_id);
  json_builder_set_member_name (builder, "event");
  json_builder_add_value (builder, event);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* {"channelType":"MESSAGING","brandId":"…","skillId":"…"} */
JsonNode *
confab_request_conversation_body (const char *brand_id,
                                  const char *skill_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string_member (builder, "channelType", "MESSAGING");
  add_string_member (builder, "brandId", brand_id);
  add_string_member (builder, "skillId", skill_id);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* {"minLastUpdatedTime":0,"convState":["OPEN","CLOSE"]} */
JsonNode *
confab_subscribe_ex_body (gint64 min_last_updated_time)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "minLastUpdatedTime");
  json_builder_add_int_value (builder, MAX (min_last_updated_time, 0));
  json_builder_set_member_name (builder, "convState");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "OPEN");
  json_builder_add_string_value (builder, "CLOSE");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* {"dialogId":"…","conversationId":"…","fromSeq":0}; fromSeq is inclusive */
JsonNode *
confab_subscribe_messaging_body (const char *conversation_id,
                                 const char *dialog_id,
                                 gint64      from_seq)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string_member (builder, "dialogId", dialog_id);
  add_string_member (builder, "conversationId", conversation_id);
  json_builder_set_member_name (builder, "fromSeq");
  json_builder_add_int_value (builder, MAX (from_seq, 0));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* event {"type":"ContentEvent","contentType":"text/plain","message":"…"}, the text as is */
JsonNode *
confab_publish_text_body (const char *conversation_id,
                          const char *dialog_id,
                          const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return publish_body (conversation_id, dialog_id, confab_text_event_to_json (text));
}

/* event {"type":"AcceptStatusEvent","status":"ACCEPT","sequenceList":[3,4]} */
JsonNode *
confab_publish_receipt_body (const char         *conversation_id,
                             const char         *dialog_id,
                             ConfabReceiptStatus status,
                             const gint64       *sequences,
                             guint               n_sequences)
{
  g_return_val_if_fail (confab_receipt_status_to_string (status) != NULL, NULL);
  g_return_val_if_fail (sequences != NULL || n_sequences == 0, NULL);

  return publish_body (conversation_id, dialog_id,
                       confab_receipt_event_to_json (status, sequences, n_sequences));
}

/* event {"type":"ChatStateEvent","chatState":"COMPOSING"} */
JsonNode *
confab_publish_chat_state_body (const char     *conversation_id,
                                const char     *dialog_id,
                                ConfabChatState state)
{
  g_return_val_if_fail (confab_chat_state_to_string (state) != NULL, NULL);

  return publish_body (conversation_id, dialog_id, confab_chat_state_event_to_json (state));
}

/* Opens {"conversationId":"…","conversationField":[{ ; the caller fills the field. */
static JsonBuilder *
update_field_begin (const char *conversation_id,
                    const char *field)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string_member (builder, "conversationId", conversation_id);
  json_builder_set_member_name (builder, "conversationField");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_string_member (builder, "field", field);

  return builder;
}

static JsonNode *
update_field_end (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* {"conversationId":"…","conversationField":[{"field":"ConversationStateField","conversationState":"CLOSE"}]} */
JsonNode *
confab_close_conversation_body (const char *conversation_id)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (conversation_id != NULL, NULL);

  builder = update_field_begin (conversation_id, "ConversationStateField");
  add_string_member (builder, "conversationState", "CLOSE");

  return update_field_end (builder);
}

/* {"conversationId":"…","conversationField":[{"field":"CSATRate","csatRate":5,
 *  "csatResolutionConfirmation":true,"status":"FILLED"}]}; SKIPPED has no csatRate */
JsonNode *
confab_csat_body (const char *conversation_id,
                  int         rate,
                  gboolean    resolved,
                  gboolean    skipped)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (conversation_id != NULL, NULL);
  g_return_val_if_fail (skipped || (rate >= 1 && rate <= 5), NULL);

  builder = update_field_begin (conversation_id, "CSATRate");
  if (!skipped)
    {
      json_builder_set_member_name (builder, "csatRate");
      json_builder_add_int_value (builder, rate);
    }
  json_builder_set_member_name (builder, "csatResolutionConfirmation");
  json_builder_add_boolean_value (builder, resolved);
  add_string_member (builder, "status", skipped ? "SKIPPED" : "FILLED");

  return update_field_end (builder);
}

/* ------------------------------------------------------------------------------------------ */
/* Answers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static gboolean
is_failure_code (int code)
{
  /* a missing code (0) is tolerated: the body decides */
  return code != 0 && (code < 200 || code > 299);
}

static void
set_failure_error (const ConfabFrame *response,
                   GError           **error)
{
  const char *text = confab_frame_get_body_string (response);
  g_autofree char *valid = NULL;

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                   _("Request failed with code %d"), response->code);
      return;
    }

  valid = g_utf8_make_valid (text, -1);
  if (g_utf8_strlen (valid, -1) > QUOTE_MAX_CHARS)
    {
      char *shortened = g_utf8_substring (valid, 0, QUOTE_MAX_CHARS);

      g_free (valid);
      valid = shortened;
    }
  g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
               /* Translators: %d is an HTTP-like status code, %s the server's explanation */
               _("Request failed with code %d: %s"), response->code, valid);
}

static void
set_missing_error (const char *member,
                   GError    **error)
{
  g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
               /* Translators: %s is a JSON member name such as "conversationId" */
               _("Response without “%s”"), member);
}

static char *
parse_string_member (const ConfabFrame *response,
                     const char        *member,
                     GError           **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (response != NULL, NULL);

  if (is_failure_code (response->code))
    {
      set_failure_error (response, error);
      return NULL;
    }

  value = confab_json_dup_string (confab_frame_get_body_object (response), member);
  if (value == NULL || *value == '\0')
    {
      set_missing_error (member, error);
      return NULL;
    }

  return g_steal_pointer (&value);
}

static gboolean
parse_int_member (const ConfabFrame *response,
                  const char        *member,
                  gint64            *out,
                  GError           **error)
{
  gint64 value;

  g_return_val_if_fail (response != NULL, FALSE);

  if (is_failure_code (response->code))
    {
      set_failure_error (response, error);
      return FALSE;
    }

  if (!confab_json_lookup_int_lenient (confab_frame_get_body_object (response), member, &value) || value < 0)
    {
      set_missing_error (member, error);
      return FALSE;
    }

  if (out != NULL)
    *out = value;
  return TRUE;
}

/* cm.RequestConversationResponse: {"conversationId":"…"} */
char *
confab_parse_conversation_id (const ConfabFrame *response,
                              GError           **error)
{
  return parse_string_member (response, "conversationId", error);
}

/* ms.PublishEventResponse: {"sequence":n}; 0 for typing, which is not stored */
gboolean
confab_parse_publish_sequence (const ConfabFrame *response,
                               gint64            *sequence,
                               GError           **error)
{
  return parse_int_member (response, "sequence", sequence, error);
}

/* GetClock: {"currentTime":1513813587308} */
gboolean
confab_parse_clock (const ConfabFrame *response,
                    gint64            *current_time_ms,
                    GError           **error)
{
  return parse_int_member (response, "currentTime", current_time_ms, error);
}

/* cqm.SubscribeExConversationsResponse: {"subscriptionId":"…"} */
char *
confab_parse_subscription_id (const ConfabFrame *response,
                              GError           **error)
{
  return parse_string_member (response, "subscriptionId", error);
}

/* ------------------------------------------------------------------------------------------ */
/* Answers, as the local service sends them                                                   */
/* ------------------------------------------------------------------------------------------ */

static JsonNode *
object_with_string (const char *name,
                    const char *value)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, name, value);
  json_node_take_object (node, object);
  return node;
}

static JsonNode *
object_with_int (const char *name,
                 gint64      value)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (object, name, value);
  json_node_take_object (node, object);
  return node;
}

JsonNode *
confab_conversation_id_response_body (const char *conversation_id)
{
  g_return_val_if_fail (conversation_id != NULL, NULL);

  return object_with_string ("conversationId", conversation_id);
}

JsonNode *
confab_publish_sequence_response_body (gint64 sequence)
{
  g_return_val_if_fail (sequence >= 0, NULL);

  return object_with_int ("sequence", sequence);
}

JsonNode *
confab_clock_response_body (gint64 current_time_ms)
{
  return object_with_int ("currentTime", current_time_ms);
}

JsonNode *
confab_subscription_id_response_body (const char *subscription_id)
{
  g_return_val_if_fail (subscription_id != NULL, NULL);

  return object_with_string ("subscriptionId", subscription_id);
}
