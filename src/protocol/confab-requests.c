/* confab-requests.c: bodies of the requests a consumer sends, and parsers of their answers
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
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

static void
add_open_close_member (JsonBuilder *builder,
                       const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "OPEN");
  json_builder_add_string_value (builder, "CLOSE");
  json_builder_end_array (builder);
}

/* {"minLastUpdatedTime":0,"stage":["OPEN","CLOSE"],"convState":["OPEN","CLOSE"]}: both
 * stages, as the post-conversation survey tutorial subscribes, so that a conversation whose
 * main dialog has closed while its survey runs is still announced */
JsonNode *
confab_subscribe_ex_body (gint64 min_last_updated_time)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "minLastUpdatedTime");
  json_builder_add_int_value (builder, MAX (min_last_updated_time, 0));
  add_open_close_member (builder, "stage");
  add_open_close_member (builder, "convState");
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

/* event {"type":"ContentEvent","contentType":"hosted/file","message":{…}} */
JsonNode *
confab_publish_file_body (const char             *conversation_id,
                          const char             *dialog_id,
                          const ConfabHostedFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  return publish_body (conversation_id, dialog_id, confab_hosted_file_event_to_json (file));
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

/* {"conversationId":"…","conversationField":[{"field":"Stage","conversationState":"CLOSE"}]}:
 * the whole conversation, survey and all; what skips a post-conversation survey */
JsonNode *
confab_close_stage_body (const char *conversation_id)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (conversation_id != NULL, NULL);

  builder = update_field_begin (conversation_id, "Stage");
  add_string_member (builder, "conversationState", "CLOSE");

  return update_field_end (builder);
}

/* {"conversationId":"…","conversationField":[{"field":"DialogChange","type":"UPDATE",
 *  "dialog":{"dialogId":"…","state":"CLOSE","closedCause":"Closed by consumer"}}]};
 * the cause is the PCS tutorial's words, not shown to anyone */
JsonNode *
confab_close_dialog_body (const char *conversation_id,
                          const char *dialog_id)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (conversation_id != NULL, NULL);
  g_return_val_if_fail (dialog_id != NULL, NULL);

  builder = update_field_begin (conversation_id, "DialogChange");
  add_string_member (builder, "type", "UPDATE");
  json_builder_set_member_name (builder, "dialog");
  json_builder_begin_object (builder);
  add_string_member (builder, "dialogId", dialog_id);
  add_string_member (builder, "state", "CLOSE");
  add_string_member (builder, "closedCause", "Closed by consumer");
  json_builder_end_object (builder);

  return update_field_end (builder);
}

/* {"conversationId":"…","conversationField":[{"field":"CSATRate","csatRate":5,
 *  "csatResolutionConfirmation":true,"status":"FILLED"}]}; all four members always, as
 * the schema requires them */
JsonNode *
confab_csat_status_body (const char       *conversation_id,
                         ConfabCsatStatus  status,
                         int               rate,
                         gboolean          resolved)
{
  static const char *const statuses[] = { "FILLED", "PARTIALLY_FILLED", "SKIPPED" };
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (conversation_id != NULL, NULL);
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (statuses), NULL);
  g_return_val_if_fail ((rate >= 1 && rate <= 5) || (status == CONFAB_CSAT_SKIPPED && rate == 0), NULL);

  if (rate == 0)
    rate = CONFAB_CSAT_SKIPPED_RATE;

  builder = update_field_begin (conversation_id, "CSATRate");
  json_builder_set_member_name (builder, "csatRate");
  json_builder_add_int_value (builder, rate);
  json_builder_set_member_name (builder, "csatResolutionConfirmation");
  json_builder_add_boolean_value (builder, resolved);
  add_string_member (builder, "status", statuses[status]);

  return update_field_end (builder);
}

/* FILLED, or SKIPPED (where a rate outside 1–5 means none) */
JsonNode *
confab_csat_body (const char *conversation_id,
                  int         rate,
                  gboolean    resolved,
                  gboolean    skipped)
{
  g_return_val_if_fail (skipped || (rate >= 1 && rate <= 5), NULL);

  if (skipped)
    return confab_csat_status_body (conversation_id, CONFAB_CSAT_SKIPPED,
                                    rate >= 1 && rate <= 5 ? rate : 0, resolved);
  return confab_csat_status_body (conversation_id, CONFAB_CSAT_FILLED, rate, resolved);
}

/* {"fileSize":"1000","fileType":"PNG"} */
JsonNode *
confab_upload_url_body (gint64         file_size,
                        ConfabFileType file_type)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *size = NULL;

  g_return_val_if_fail (file_size > 0, NULL);
  g_return_val_if_fail (confab_file_type_to_string (file_type) != NULL, NULL);

  size = g_strdup_printf ("%" G_GINT64_FORMAT, file_size);
  json_builder_begin_object (builder);
  add_string_member (builder, "fileSize", size);
  add_string_member (builder, "fileType", confab_file_type_to_string (file_type));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* {"relativePath":"/v1/…"} */
JsonNode *
confab_download_url_body (const char *relative_path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (confab_file_path_is_valid (relative_path), NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "relativePath", relative_path);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
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

/* A member of queryParams: a string, or a number written as one */
static char *
dup_param (JsonObject *params,
           const char *name)
{
  const char *str = confab_json_get_string (params, name);
  gint64 value;

  if (str != NULL)
    return *str != '\0' && strlen (str) <= CONFAB_FILE_URL_PARAM_MAX_SIZE ? confab_json_dup_string (params, name) : NULL;
  if (confab_json_lookup_int (params, name, &value))
    return g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return NULL;
}

/* ms.GenerateURLResponse: {"relativePath":"…","queryParams":{"temp_url_sig":"…",
 * "temp_url_expires":"…"}}; the expiry may also come as a number */
ConfabFileUrl *
confab_parse_file_url (const ConfabFrame *response,
                       GError           **error)
{
  JsonObject *body;
  JsonObject *params;
  const char *path;
  g_autofree char *signature = NULL;
  g_autofree char *expires = NULL;

  g_return_val_if_fail (response != NULL, NULL);

  if (is_failure_code (response->code))
    {
      set_failure_error (response, error);
      return NULL;
    }

  body = confab_frame_get_body_object (response);
  path = confab_json_get_string (body, "relativePath");
  if (!confab_file_path_is_valid (path))
    {
      set_missing_error ("relativePath", error);
      return NULL;
    }

  params = confab_json_get_object (body, "queryParams");
  signature = dup_param (params, "temp_url_sig");
  expires = dup_param (params, "temp_url_expires");
  if (signature == NULL || expires == NULL)
    {
      set_missing_error (signature == NULL ? "temp_url_sig" : "temp_url_expires", error);
      return NULL;
    }

  return confab_file_url_new (path, signature, expires);
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
