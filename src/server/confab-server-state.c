/* confab-server-state.c: what the local service knows, and its JSON form
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-server-state.h"

#include <string.h>

#include "confab-token.h"

#define STATE_ERROR_QUARK (g_quark_from_static_string ("confab-server-state-error"))

static void
stored_event_free (ConfabStoredEvent *event)
{
  g_free (event->originator_id);
  g_free (event->role);
  g_clear_pointer (&event->event, json_node_unref);
  g_clear_pointer (&event->metadata, json_node_unref);
  g_free (event);
}

static GPtrArray *
new_event_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) stored_event_free);
}

static void
stored_survey_free (ConfabStoredSurvey *survey)
{
  g_free (survey->id);
  g_clear_pointer (&survey->events, g_ptr_array_unref);
  g_free (survey);
}

static void
stored_conversation_free (ConfabStoredConversation *conversation)
{
  g_free (conversation->id);
  g_free (conversation->account_id);
  g_free (conversation->consumer_id);
  g_free (conversation->agent_id);
  g_clear_pointer (&conversation->csat, json_node_unref);
  g_clear_pointer (&conversation->events, g_ptr_array_unref);
  g_clear_pointer (&conversation->survey, stored_survey_free);
  g_free (conversation);
}

static void
stored_consumer_free (ConfabStoredConsumer *consumer)
{
  g_free (consumer->id);
  g_free (consumer->account_id);
  g_free (consumer);
}

static void
stored_file_free (ConfabStoredFile *file)
{
  g_free (file->relative_path);
  g_free (file->account_id);
  g_clear_pointer (&file->data, g_bytes_unref);
  g_free (file);
}

static ConfabServerState *
state_new_empty (void)
{
  ConfabServerState *state = g_new0 (ConfabServerState, 1);

  state->consumers = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_consumer_free);
  state->consumers_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  state->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_conversation_free);
  state->conversations_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  state->files = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_file_free);
  state->files_by_path = g_hash_table_new (g_str_hash, g_str_equal);

  return state;
}

ConfabServerState *
confab_server_state_new (void)
{
  ConfabServerState *state = state_new_empty ();

  state->key = confab_token_new_key ();
  return state;
}

void
confab_server_state_free (ConfabServerState *state)
{
  if (state == NULL)
    return;

  g_clear_pointer (&state->key, g_bytes_unref);
  g_clear_pointer (&state->consumers_by_id, g_hash_table_unref);
  g_clear_pointer (&state->consumers, g_ptr_array_unref);
  g_clear_pointer (&state->conversations_by_id, g_hash_table_unref);
  g_clear_pointer (&state->conversations, g_ptr_array_unref);
  g_clear_pointer (&state->files_by_path, g_hash_table_unref);
  g_clear_pointer (&state->files, g_ptr_array_unref);
  g_free (state);
}

ConfabStoredConsumer *
confab_server_state_lookup_consumer (ConfabServerState *state,
                                     const char        *consumer_id)
{
  return g_hash_table_lookup (state->consumers_by_id, consumer_id);
}

ConfabStoredConsumer *
confab_server_state_add_consumer (ConfabServerState *state,
                                  const char        *consumer_id,
                                  const char        *account_id,
                                  gint64             now_ms)
{
  ConfabStoredConsumer *consumer = g_hash_table_lookup (state->consumers_by_id, consumer_id);

  if (consumer != NULL)
    return consumer;

  consumer = g_new0 (ConfabStoredConsumer, 1);
  consumer->id = g_strdup (consumer_id);
  consumer->account_id = g_strdup (account_id);
  consumer->created_ts = now_ms;
  g_ptr_array_add (state->consumers, consumer);
  g_hash_table_insert (state->consumers_by_id, consumer->id, consumer);

  return consumer;
}

ConfabStoredConversation *
confab_server_state_lookup_conversation (ConfabServerState *state,
                                         const char        *conversation_id)
{
  if (conversation_id == NULL)
    return NULL;
  return g_hash_table_lookup (state->conversations_by_id, conversation_id);
}

ConfabStoredConversation *
confab_server_state_find_open_conversation (ConfabServerState *state,
                                            const char        *consumer_id)
{
  for (guint i = state->conversations->len; i > 0; i--)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (state->conversations, i - 1);

      if (!conversation->closed && g_strcmp0 (conversation->consumer_id, consumer_id) == 0)
        return conversation;
    }

  return NULL;
}

ConfabStoredConversation *
confab_server_state_find_latest_open (ConfabServerState *state,
                                      const char        *consumer_id)
{
  ConfabStoredConversation *latest = NULL;

  for (guint i = 0; i < state->conversations->len; i++)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (state->conversations, i);

      if (conversation->closed)
        continue;
      if (consumer_id != NULL && g_strcmp0 (conversation->consumer_id, consumer_id) != 0)
        continue;
      if (latest == NULL || conversation->last_update_ts >= latest->last_update_ts)
        latest = conversation;
    }

  return latest;
}

ConfabStoredFile *
confab_server_state_lookup_file (ConfabServerState *state,
                                 const char        *relative_path)
{
  if (relative_path == NULL)
    return NULL;
  return g_hash_table_lookup (state->files_by_path, relative_path);
}

ConfabStoredFile *
confab_server_state_put_file (ConfabServerState *state,
                              const char        *relative_path,
                              const char        *account_id,
                              ConfabFileType     file_type,
                              GBytes            *data,
                              gint64             now_ms)
{
  ConfabStoredFile *file = g_hash_table_lookup (state->files_by_path, relative_path);

  if (file != NULL)
    {
      g_hash_table_remove (state->files_by_path, relative_path);
      state->files_size -= g_bytes_get_size (file->data);
      g_ptr_array_remove (state->files, file);
    }

  file = g_new0 (ConfabStoredFile, 1);
  file->relative_path = g_strdup (relative_path);
  file->account_id = g_strdup (account_id);
  file->file_type = file_type;
  file->data = g_bytes_ref (data);
  file->created_ts = now_ms;
  g_ptr_array_add (state->files, file);
  g_hash_table_insert (state->files_by_path, file->relative_path, file);
  state->files_size += g_bytes_get_size (data);

  return file;
}

static ConfabStoredConversation *
stored_conversation_new (void)
{
  ConfabStoredConversation *conversation = g_new0 (ConfabStoredConversation, 1);

  conversation->events = new_event_array ();
  return conversation;
}

static void
state_insert_conversation (ConfabServerState        *state,
                           ConfabStoredConversation *conversation)
{
  g_ptr_array_add (state->conversations, conversation);
  g_hash_table_insert (state->conversations_by_id, conversation->id, conversation);
}

ConfabStoredConversation *
confab_server_state_add_conversation (ConfabServerState *state,
                                      const char        *account_id,
                                      const char        *consumer_id,
                                      gint64             now_ms)
{
  ConfabStoredConversation *conversation = stored_conversation_new ();

  conversation->id = g_uuid_string_random ();
  conversation->account_id = g_strdup (account_id);
  conversation->consumer_id = g_strdup (consumer_id);
  conversation->start_ts = now_ms;
  conversation->last_update_ts = now_ms;
  conversation->close_reason = CONFAB_CLOSE_REASON_NONE;
  state_insert_conversation (state, conversation);

  return conversation;
}

static gsize
event_size (JsonNode *event)
{
  g_autofree char *text = confab_json_to_string (event);

  return strlen (text);
}

ConfabStoredEvent *
confab_stored_events_append (GPtrArray  *events,
                             const char *originator_id,
                             const char *role,
                             JsonNode   *event,
                             JsonNode   *metadata,
                             gint64      now_ms)
{
  ConfabStoredEvent *stored = g_new0 (ConfabStoredEvent, 1);

  stored->sequence = events->len;
  stored->server_timestamp = now_ms;
  stored->originator_id = g_strdup (originator_id);
  stored->role = g_strdup (role);
  stored->event = json_node_copy (event);
  stored->size = event_size (event) + 256;
  if (metadata != NULL)
    {
      stored->metadata = json_node_copy (metadata);
      stored->size += event_size (metadata);
    }
  stored->accept_status = CONFAB_RECEIPT_UNKNOWN;
  g_ptr_array_add (events, stored);

  return stored;
}

ConfabStoredEvent *
confab_stored_conversation_append_full (ConfabStoredConversation *conversation,
                                        const char               *originator_id,
                                        const char               *role,
                                        JsonNode                 *event,
                                        JsonNode                 *metadata,
                                        gint64                    now_ms)
{
  return confab_stored_events_append (conversation->events, originator_id, role, event, metadata, now_ms);
}

GPtrArray *
confab_stored_conversation_dialog_events (ConfabStoredConversation *conversation,
                                          const char               *dialog_id)
{
  if (dialog_id == NULL || g_strcmp0 (dialog_id, conversation->id) == 0)
    return conversation->events;
  if (conversation->survey != NULL && g_strcmp0 (dialog_id, conversation->survey->id) == 0)
    return conversation->survey->events;
  return NULL;
}

gboolean
confab_stored_conversation_main_closed (ConfabStoredConversation *conversation)
{
  return conversation->closed || conversation->survey != NULL;
}

ConfabStoredSurvey *
confab_stored_conversation_start_survey (ConfabStoredConversation *conversation,
                                         ConfabCloseReason         reason,
                                         gint64                    now_ms)
{
  ConfabStoredSurvey *survey = g_new0 (ConfabStoredSurvey, 1);

  g_return_val_if_fail (conversation->survey == NULL, conversation->survey);

  survey->id = g_uuid_string_random ();
  survey->start_ts = now_ms;
  survey->close_reason = CONFAB_CLOSE_REASON_NONE;
  survey->events = new_event_array ();
  conversation->survey = survey;
  conversation->close_reason = reason;
  conversation->end_ts = now_ms;

  return survey;
}

ConfabStoredEvent *
confab_stored_conversation_append (ConfabStoredConversation *conversation,
                                   const char               *originator_id,
                                   const char               *role,
                                   JsonNode                 *event,
                                   gint64                    now_ms)
{
  return confab_stored_conversation_append_full (conversation, originator_id, role, event, NULL, now_ms);
}

void
confab_stored_conversation_touch (ConfabStoredConversation *conversation,
                                  gint64                    now_ms)
{
  conversation->last_update_ts = MAX (now_ms, conversation->last_update_ts + 1);
}

static gboolean
event_is_content (ConfabStoredEvent *event)
{
  ConfabEventType type = confab_event_type_from_string (confab_json_get_string (json_node_get_object (event->event),
                                                                                "type"));

  return type == CONFAB_EVENT_CONTENT || type == CONFAB_EVENT_RICH_CONTENT;
}

guint
confab_stored_events_apply_receipt (GPtrArray           *events,
                                    const char          *receipt_originator,
                                    ConfabReceiptStatus  status,
                                    JsonArray           *sequence_list)
{
  guint changed = 0;

  /* A click is not a delivery state. */
  if (status != CONFAB_RECEIPT_ACCEPT && status != CONFAB_RECEIPT_READ)
    return 0;

  for (guint i = 0; i < json_array_get_length (sequence_list); i++)
    {
      JsonNode *node = json_array_get_element (sequence_list, i);
      ConfabStoredEvent *event;
      gint64 sequence;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        continue;

      sequence = json_node_get_int (node);
      if (sequence < 0 || sequence >= events->len)
        continue;

      event = g_ptr_array_index (events, sequence);
      if (!event_is_content (event) || g_strcmp0 (event->originator_id, receipt_originator) == 0)
        continue;

      if (status > event->accept_status)
        {
          event->accept_status = status;
          changed++;
        }
    }

  return changed;
}

JsonNode *
confab_stored_event_to_change_json_in (ConfabStoredEvent        *event,
                                       ConfabStoredConversation *conversation,
                                       const char               *dialog_id)
{
  /* the main dialog has the conversation's id */
  return confab_messaging_change_to_json_full (event->sequence, event->server_timestamp,
                                               event->originator_id, event->role,
                                               conversation->id, dialog_id != NULL ? dialog_id : conversation->id,
                                               event->event, event->metadata);
}

JsonNode *
confab_stored_event_to_change_json (ConfabStoredEvent        *event,
                                    ConfabStoredConversation *conversation)
{
  return confab_stored_event_to_change_json_in (event, conversation, NULL);
}

void
confab_stored_conversation_get_info (ConfabStoredConversation *conversation,
                                     ConfabConversationInfo   *info)
{
  *info = (ConfabConversationInfo) {
    .conversation_id = conversation->id,
    .brand_id = conversation->account_id,
    .consumer_id = conversation->consumer_id,
    .agent_id = conversation->agent_id,
    .closed = conversation->closed,
    .close_reason = conversation->close_reason,
    .start_ts = conversation->start_ts,
    .end_ts = conversation->end_ts,
    .last_updated_ts = conversation->last_update_ts,
    .csat = conversation->csat,
  };

  if (conversation->survey != NULL)
    {
      info->survey_dialog_id = conversation->survey->id;
      info->survey_closed = conversation->survey->closed;
      info->survey_close_reason = conversation->survey->close_reason;
      info->survey_start_ts = conversation->survey->start_ts;
      info->survey_end_ts = conversation->survey->end_ts;
    }
}

/* JSON form. Field names follow the protocol's where there is one. */

static void
build_stored_event (ConfabStoredEvent *event,
                    JsonBuilder       *builder)
{
  const char *accept_status = confab_receipt_status_to_string (event->accept_status);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sequence");
  json_builder_add_int_value (builder, event->sequence);
  json_builder_set_member_name (builder, "serverTimestamp");
  json_builder_add_int_value (builder, event->server_timestamp);
  json_builder_set_member_name (builder, "originatorId");
  json_builder_add_string_value (builder, event->originator_id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, event->role);
  json_builder_set_member_name (builder, "event");
  json_builder_add_value (builder, json_node_copy (event->event));
  if (event->metadata != NULL)
    {
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_value (builder, json_node_copy (event->metadata));
    }
  if (accept_status != NULL)
    {
      json_builder_set_member_name (builder, "acceptStatus");
      json_builder_add_string_value (builder, accept_status);
    }
  json_builder_end_object (builder);
}

static void
build_stored_events (GPtrArray   *events,
                     JsonBuilder *builder)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    build_stored_event (g_ptr_array_index (events, i), builder);
  json_builder_end_array (builder);
}

static void
build_stored_survey (ConfabStoredSurvey *survey,
                     JsonBuilder        *builder)
{
  const char *close_reason = confab_close_reason_to_string (survey->close_reason);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dialogId");
  json_builder_add_string_value (builder, survey->id);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, survey->closed ? "CLOSE" : "OPEN");
  if (close_reason != NULL)
    {
      json_builder_set_member_name (builder, "closeReason");
      json_builder_add_string_value (builder, close_reason);
    }
  json_builder_set_member_name (builder, "startTs");
  json_builder_add_int_value (builder, survey->start_ts);
  json_builder_set_member_name (builder, "endTs");
  json_builder_add_int_value (builder, survey->end_ts);
  json_builder_set_member_name (builder, "events");
  build_stored_events (survey->events, builder);
  json_builder_end_object (builder);
}

static void
build_stored_conversation (ConfabStoredConversation *conversation,
                           JsonBuilder              *builder)
{
  const char *close_reason = confab_close_reason_to_string (conversation->close_reason);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, conversation->id);
  json_builder_set_member_name (builder, "accountId");
  json_builder_add_string_value (builder, conversation->account_id);
  json_builder_set_member_name (builder, "consumerId");
  json_builder_add_string_value (builder, conversation->consumer_id);
  if (conversation->agent_id != NULL)
    {
      json_builder_set_member_name (builder, "agentId");
      json_builder_add_string_value (builder, conversation->agent_id);
    }
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, conversation->closed ? "CLOSE" : "OPEN");
  if (close_reason != NULL)
    {
      json_builder_set_member_name (builder, "closeReason");
      json_builder_add_string_value (builder, close_reason);
    }
  json_builder_set_member_name (builder, "startTs");
  json_builder_add_int_value (builder, conversation->start_ts);
  json_builder_set_member_name (builder, "endTs");
  json_builder_add_int_value (builder, conversation->end_ts);
  json_builder_set_member_name (builder, "metaDataLastUpdateTs");
  json_builder_add_int_value (builder, conversation->last_update_ts);
  if (conversation->csat != NULL)
    {
      json_builder_set_member_name (builder, "csat");
      json_builder_add_value (builder, json_node_copy (conversation->csat));
    }
  if (conversation->survey != NULL)
    {
      json_builder_set_member_name (builder, "survey");
      build_stored_survey (conversation->survey, builder);
    }
  json_builder_set_member_name (builder, "events");
  build_stored_events (conversation->events, builder);
  json_builder_end_object (builder);
}

static void
build_stored_file (ConfabStoredFile *file,
                   JsonBuilder      *builder,
                   gboolean          with_data)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (file->data, &len);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "relativePath");
  json_builder_add_string_value (builder, file->relative_path);
  json_builder_set_member_name (builder, "accountId");
  json_builder_add_string_value (builder, file->account_id);
  json_builder_set_member_name (builder, "fileType");
  json_builder_add_string_value (builder, confab_file_type_to_string (file->file_type));
  json_builder_set_member_name (builder, "createdTs");
  json_builder_add_int_value (builder, file->created_ts);
  if (with_data)
    {
      g_autofree char *base64 = g_base64_encode (data, len);

      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, base64);
    }
  else
    {
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) len);
    }
  json_builder_end_object (builder);
}

static JsonNode *
state_to_json (ConfabServerState *state,
               gboolean           with_secrets)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *key = NULL;
  gsize key_len = 0;
  const guint8 *key_data = g_bytes_get_data (state->key, &key_len);

  key = g_base64_encode (key_data, key_len);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CONFAB_SERVER_STATE_VERSION);
  if (with_secrets)
    {
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, key);
    }

  json_builder_set_member_name (builder, "consumers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->consumers->len; i++)
    {
      ConfabStoredConsumer *consumer = g_ptr_array_index (state->consumers, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, consumer->id);
      json_builder_set_member_name (builder, "accountId");
      json_builder_add_string_value (builder, consumer->account_id);
      json_builder_set_member_name (builder, "createdTs");
      json_builder_add_int_value (builder, consumer->created_ts);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "conversations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->conversations->len; i++)
    build_stored_conversation (g_ptr_array_index (state->conversations, i), builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->files->len; i++)
    build_stored_file (g_ptr_array_index (state->files, i), builder, with_secrets);
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
confab_server_state_to_json (ConfabServerState *state)
{
  return state_to_json (state, TRUE);
}

JsonNode *
confab_server_state_to_public_json (ConfabServerState *state)
{
  return state_to_json (state, FALSE);
}

static gboolean
load_events (GPtrArray  *events,
             JsonArray  *array,
             const char *conversation_id,
             GError    **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *event_object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *event_node = confab_json_get_node (event_object, "event");
      ConfabStoredEvent *event;

      if (event_node == NULL || !JSON_NODE_HOLDS_OBJECT (event_node) ||
          confab_json_get_int (event_object, "sequence") != (gint64) i ||
          confab_json_get_string (event_object, "originatorId") == NULL)
        {
          g_set_error (error, STATE_ERROR_QUARK, 0, "event %u of conversation %s is damaged", i, conversation_id);
          return FALSE;
        }

      event = confab_stored_events_append (events,
                                           confab_json_get_string (event_object, "originatorId"),
                                           confab_json_get_string (event_object, "role"),
                                           event_node,
                                           confab_json_get_array (event_object, "metadata") != NULL ?
                                             json_object_get_member (event_object, "metadata") : NULL,
                                           confab_json_get_int (event_object, "serverTimestamp"));
      event->accept_status = confab_receipt_status_from_string (confab_json_get_string (event_object, "acceptStatus"));
    }

  return TRUE;
}

static gboolean
load_survey (ConfabStoredConversation *conversation,
             JsonObject               *object,
             GError                  **error)
{
  const char *id = confab_json_get_string (object, "dialogId");
  JsonArray *events = confab_json_get_array (object, "events");
  ConfabStoredSurvey *survey;

  if (id == NULL || events == NULL || g_str_equal (id, conversation->id))
    {
      g_set_error (error, STATE_ERROR_QUARK, 0, "the survey of conversation %s is damaged", conversation->id);
      return FALSE;
    }

  survey = g_new0 (ConfabStoredSurvey, 1);
  survey->id = g_strdup (id);
  survey->closed = g_strcmp0 (confab_json_get_string (object, "state"), "CLOSE") == 0;
  survey->close_reason = confab_close_reason_from_string (confab_json_get_string (object, "closeReason"));
  survey->start_ts = confab_json_get_int (object, "startTs");
  survey->end_ts = confab_json_get_int (object, "endTs");
  survey->events = new_event_array ();
  conversation->survey = survey;

  return load_events (survey->events, events, conversation->id, error);
}

static gboolean
load_conversation (ConfabServerState *state,
                   JsonObject        *object,
                   GError           **error)
{
  ConfabStoredConversation *conversation;
  const char *id = confab_json_get_string (object, "id");
  const char *consumer_id = confab_json_get_string (object, "consumerId");
  const char *account_id = confab_json_get_string (object, "accountId");
  const char *conv_state = confab_json_get_string (object, "state");
  JsonArray *events = confab_json_get_array (object, "events");
  JsonNode *csat = json_object_get_member (object, "csat");
  JsonObject *survey = confab_json_get_object (object, "survey");

  if (id == NULL || consumer_id == NULL || account_id == NULL || events == NULL ||
      g_hash_table_contains (state->conversations_by_id, id))
    {
      g_set_error (error, STATE_ERROR_QUARK, 0, "conversation %u is incomplete or repeated",
                   state->conversations->len);
      return FALSE;
    }

  conversation = stored_conversation_new ();
  conversation->id = g_strdup (id);
  conversation->consumer_id = g_strdup (consumer_id);
  conversation->account_id = g_strdup (account_id);
  conversation->agent_id = g_strdup (confab_json_get_string (object, "agentId"));
  conversation->closed = g_strcmp0 (conv_state, "CLOSE") == 0;
  conversation->close_reason = confab_close_reason_from_string (confab_json_get_string (object, "closeReason"));
  conversation->start_ts = confab_json_get_int (object, "startTs");
  conversation->end_ts = confab_json_get_int (object, "endTs");
  conversation->last_update_ts = confab_json_get_int (object, "metaDataLastUpdateTs");
  if (csat != NULL && JSON_NODE_HOLDS_OBJECT (csat))
    conversation->csat = json_node_copy (csat);
  state_insert_conversation (state, conversation);

  if (!load_events (conversation->events, events, id, error))
    return FALSE;

  return survey == NULL || load_survey (conversation, survey, error);
}

static gboolean
load_file (ConfabServerState *state,
           JsonNode          *node,
           guint              index,
           GError           **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *path = confab_json_get_string (object, "relativePath");
  const char *account_id = confab_json_get_string (object, "accountId");
  const char *base64 = confab_json_get_string (object, "data");
  ConfabFileType type = confab_file_type_from_string (confab_json_get_string (object, "fileType"));
  g_autoptr(GBytes) bytes = NULL;
  guchar *data;
  gsize len = 0;

  if (!confab_file_path_is_valid (path) || account_id == NULL || base64 == NULL ||
      type == CONFAB_FILE_TYPE_UNKNOWN)
    {
      g_set_error (error, STATE_ERROR_QUARK, 0, "file %u is damaged", index);
      return FALSE;
    }

  data = g_base64_decode (base64, &len);
  bytes = g_bytes_new_take (data, len);
  confab_server_state_put_file (state, path, account_id, type, bytes, confab_json_get_int (object, "createdTs"));
  return TRUE;
}

ConfabServerState *
confab_server_state_new_from_data (const char *data,
                                   gsize       length,
                                   GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;

  root = confab_json_parse_full (data, length, G_MAXSIZE, CONFAB_SERVER_STATE_MAX_DEPTH, &local_error);
  if (root == NULL)
    {
      g_set_error (error, STATE_ERROR_QUARK, 0, "the state is %s", local_error->message);
      return NULL;
    }

  return confab_server_state_new_from_json (root, error);
}

ConfabServerState *
confab_server_state_new_from_json (JsonNode  *root,
                                   GError   **error)
{
  g_autoptr(ConfabServerState) state = state_new_empty ();
  g_autofree guchar *key = NULL;
  JsonObject *object;
  JsonArray *consumers;
  JsonArray *conversations;
  JsonArray *files;
  const char *key_b64;
  gsize key_len = 0;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, STATE_ERROR_QUARK, 0, "the state is not a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  if (confab_json_get_int (object, "version") != CONFAB_SERVER_STATE_VERSION)
    {
      g_set_error (error, STATE_ERROR_QUARK, 0, "unknown state version %" G_GINT64_FORMAT,
                   confab_json_get_int (object, "version"));
      return NULL;
    }

  key_b64 = confab_json_get_string (object, "key");
  if (key_b64 != NULL)
    key = g_base64_decode (key_b64, &key_len);
  if (key == NULL || key_len < 16)
    {
      g_set_error_literal (error, STATE_ERROR_QUARK, 0, "the state holds no usable signing key");
      return NULL;
    }
  state->key = g_bytes_new (key, key_len);

  consumers = confab_json_get_array (object, "consumers");
  for (guint i = 0; consumers != NULL && i < json_array_get_length (consumers); i++)
    {
      JsonNode *node = json_array_get_element (consumers, i);
      JsonObject *consumer;
      const char *id;
      const char *account_id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      consumer = json_node_get_object (node);
      id = confab_json_get_string (consumer, "id");
      account_id = confab_json_get_string (consumer, "accountId");
      if (id == NULL || account_id == NULL)
        continue;
      confab_server_state_add_consumer (state, id, account_id, confab_json_get_int (consumer, "createdTs"));
    }

  conversations = confab_json_get_array (object, "conversations");
  for (guint i = 0; conversations != NULL && i < json_array_get_length (conversations); i++)
    {
      JsonNode *node = json_array_get_element (conversations, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, STATE_ERROR_QUARK, 0, "conversation %u is not an object", i);
          return NULL;
        }
      if (!load_conversation (state, json_node_get_object (node), error))
        return NULL;
    }

  files = confab_json_get_array (object, "files");
  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    if (!load_file (state, json_array_get_element (files, i), i, error))
      return NULL;

  return g_steal_pointer (&state);
}
