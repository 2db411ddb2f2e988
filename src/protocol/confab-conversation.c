/* confab-conversation.c: cqm.ExConversationChangeNotification changes
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-conversation.h"
#include "confab-protocol-private.h"

static void
participant_free (ConfabParticipant *participant)
{
  g_free (participant->id);
  g_free (participant->role_name);
  g_free (participant);
}

static void
dialog_free (ConfabDialog *dialog)
{
  g_free (dialog->dialog_id);
  g_free (dialog->dialog_type);
  g_free (dialog->closed_cause);
  g_free (dialog);
}

void
confab_conversation_change_free (ConfabConversationChange *change)
{
  if (change == NULL)
    return;

  g_free (change->conversation_id);
  g_clear_pointer (&change->participants, g_ptr_array_unref);
  g_clear_pointer (&change->dialogs, g_ptr_array_unref);
  g_free (change);
}

gboolean
confab_conversation_change_is_closed (const ConfabConversationChange *change)
{
  g_return_val_if_fail (change != NULL, FALSE);

  if (change->stage != CONFAB_CONVERSATION_STATE_UNKNOWN)
    return change->stage == CONFAB_CONVERSATION_STATE_CLOSE;
  return change->state == CONFAB_CONVERSATION_STATE_CLOSE;
}

gboolean
confab_conversation_change_main_closed (const ConfabConversationChange *change)
{
  g_return_val_if_fail (change != NULL, FALSE);

  return change->state == CONFAB_CONVERSATION_STATE_CLOSE || change->stage == CONFAB_CONVERSATION_STATE_CLOSE;
}

const ConfabDialog *
confab_conversation_change_get_survey (const ConfabConversationChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  for (guint i = change->dialogs != NULL ? change->dialogs->len : 0; i > 0; i--)
    {
      const ConfabDialog *dialog = g_ptr_array_index (change->dialogs, i - 1);

      if (g_strcmp0 (dialog->dialog_type, "POST_SURVEY") == 0)
        return dialog;
    }
  return NULL;
}

const char *
confab_conversation_change_get_agent_id (const ConfabConversationChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  if (change->participants == NULL)
    return NULL;

  for (guint i = 0; i < change->participants->len; i++)
    {
      const ConfabParticipant *participant = g_ptr_array_index (change->participants, i);

      if (participant->role == CONFAB_ROLE_ASSIGNED_AGENT)
        return participant->id;
    }

  return NULL;
}

/* Wire name, or NULL for CONFAB_CLOSE_REASON_NONE and CONFAB_CLOSE_REASON_UNKNOWN. */
const char *
confab_close_reason_to_string (ConfabCloseReason reason)
{
  switch (reason)
    {
    case CONFAB_CLOSE_REASON_AGENT:
      return "AGENT";
    case CONFAB_CLOSE_REASON_CONSUMER:
      return "CONSUMER";
    case CONFAB_CLOSE_REASON_SYSTEM:
      return "SYSTEM";
    case CONFAB_CLOSE_REASON_TIMEOUT:
      return "TIMEOUT";
    case CONFAB_CLOSE_REASON_NONE:
    case CONFAB_CLOSE_REASON_UNKNOWN:
    default:
      return NULL;
    }
}

/* NONE for NULL, UNKNOWN for a name Confab does not know. */
ConfabCloseReason
confab_close_reason_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_CLOSE_REASON_NONE;
  if (g_ascii_strcasecmp (str, "AGENT") == 0)
    return CONFAB_CLOSE_REASON_AGENT;
  if (g_ascii_strcasecmp (str, "CONSUMER") == 0)
    return CONFAB_CLOSE_REASON_CONSUMER;
  if (g_ascii_strcasecmp (str, "SYSTEM") == 0)
    return CONFAB_CLOSE_REASON_SYSTEM;
  if (g_ascii_strcasecmp (str, "TIMEOUT") == 0)
    return CONFAB_CLOSE_REASON_TIMEOUT;
  return CONFAB_CLOSE_REASON_UNKNOWN;
}

static const char *
change_type_to_string (ConfabChangeType type)
{
  switch (type)
    {
    case CONFAB_CHANGE_UPSERT:
      return "UPSERT";
    case CONFAB_CHANGE_DELETE:
      return "DELETE";
    case CONFAB_CHANGE_UNKNOWN:
    default:
      return NULL;
    }
}

static ConfabChangeType
change_type_from_string (const char *str)
{
  if (g_strcmp0 (str, "UPSERT") == 0)
    return CONFAB_CHANGE_UPSERT;
  if (g_strcmp0 (str, "DELETE") == 0)
    return CONFAB_CHANGE_DELETE;
  return CONFAB_CHANGE_UNKNOWN;
}

static ConfabConversationState
state_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_CONVERSATION_STATE_UNKNOWN;
  if (g_ascii_strcasecmp (str, "OPEN") == 0)
    return CONFAB_CONVERSATION_STATE_OPEN;
  if (g_ascii_strcasecmp (str, "CLOSE") == 0 || g_ascii_strcasecmp (str, "CLOSED") == 0)
    return CONFAB_CONVERSATION_STATE_CLOSE;
  return CONFAB_CONVERSATION_STATE_UNKNOWN;
}

static void
add_participant (GPtrArray  *participants,
                 char       *id,
                 const char *role_name)
{
  ConfabParticipant *participant;

  if (id == NULL)
    return;

  participant = g_new0 (ConfabParticipant, 1);
  participant->id = id;
  participant->role_name = g_strdup (role_name);
  participant->role = confab_role_from_string (role_name);
  g_ptr_array_add (participants, participant);
}

/* participants: [{"id":…,"role":…}, …] */
static void
parse_participants (GPtrArray  *participants,
                    JsonObject *details)
{
  ConfabJsonList list;
  guint len = confab_json_list_init (&list, details, "participants");

  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = confab_json_list_get (&list, i);
      JsonObject *object;
      g_autofree char *role_name = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      role_name = confab_json_dup_string (object, "role");
      add_participant (participants, confab_json_dup_string (object, "id"), role_name);
    }
}

/* participantsPId, older payloads: {"CONSUMER":["…"],"ASSIGNED_AGENT":["…"]} */
static void
parse_participants_pid (GPtrArray  *participants,
                        JsonObject *details)
{
  JsonObject *by_role = confab_json_get_object (details, "participantsPId");
  g_autoptr(GList) roles = NULL;

  if (by_role == NULL)
    return;

  roles = json_object_get_members (by_role);
  for (const GList *l = roles; l != NULL; l = l->next)
    {
      const char *role_name = l->data;
      g_autofree char *valid_role = NULL;
      ConfabJsonList list;
      guint len = confab_json_list_init (&list, by_role, role_name);

      if (!g_utf8_validate (role_name, -1, NULL))
        role_name = valid_role = g_utf8_make_valid (role_name, -1);

      for (guint i = 0; i < len; i++)
        add_participant (participants,
                         confab_json_node_dup_string (confab_json_list_get (&list, i)),
                         role_name);
    }
}

static void
parse_dialogs (GPtrArray  *dialogs,
               JsonObject *details)
{
  ConfabJsonList list;
  guint len = confab_json_list_init (&list, details, "dialogs");

  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = confab_json_list_get (&list, i);
      JsonObject *object;
      ConfabDialog *dialog;
      char *dialog_id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      dialog_id = confab_json_dup_string (object, "dialogId");
      if (dialog_id == NULL)
        continue;

      dialog = g_new0 (ConfabDialog, 1);
      dialog->dialog_id = dialog_id;
      dialog->dialog_type = confab_json_dup_string (object, "dialogType");
      dialog->state = state_from_string (confab_json_get_string (object, "state"));
      dialog->closed_cause = confab_json_dup_string (object, "closedCause");
      g_ptr_array_add (dialogs, dialog);
    }
}

static ConfabConversationChange *
parse_change (JsonNode *node)
{
  g_autoptr(ConfabConversationChange) change = NULL;
  JsonObject *object;
  JsonObject *result;
  JsonObject *details;
  gint64 ts;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);

  result = confab_json_get_object (object, "result");
  if (result == NULL)
    return NULL;
  details = confab_json_get_object (result, "conversationDetails");

  change = g_new0 (ConfabConversationChange, 1);
  change->participants = g_ptr_array_new_with_free_func ((GDestroyNotify) participant_free);
  change->dialogs = g_ptr_array_new_with_free_func ((GDestroyNotify) dialog_free);

  /* without a conversation id a change cannot be applied to anything */
  change->conversation_id = confab_json_dup_string (result, "convId");
  if (change->conversation_id == NULL)
    change->conversation_id = confab_json_dup_string (details, "convId");
  if (change->conversation_id == NULL)
    return NULL;

  change->type = change_type_from_string (confab_json_get_string (object, "type"));

  change->state = state_from_string (confab_json_get_string (details, "state"));
  change->stage = state_from_string (confab_json_get_string (details, "stage"));
  change->close_reason = confab_close_reason_from_string (confab_json_get_string (details, "closeReason"));
  if (confab_json_lookup_int_lenient (details, "metaDataLastUpdateTs", &ts) && ts >= 0)
    change->last_updated_ts = ts;
  change->has_csat = confab_json_get_object (details, "csat") != NULL;

  parse_participants (change->participants, details);
  if (change->participants->len == 0)
    parse_participants_pid (change->participants, details);

  parse_dialogs (change->dialogs, details);

  return g_steal_pointer (&change);
}

/**
 * confab_parse_conversation_notification:
 * @body: (nullable): the body of a cqm.ExConversationChangeNotification
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * `changes` may be an array or a bare change; a body without changes gives an empty array.
 * Changes without a result or a conversation id are skipped. participants and dialogs of
 * each change are never NULL.
 *
 * Returns: (transfer full) (element-type ConfabConversationChange) (nullable): the changes
 */
GPtrArray *
confab_parse_conversation_notification (JsonNode *body,
                                        GError  **error)
{
  return _confab_parse_changes (body, _("Conversation notification"), (gpointer (*) (JsonNode *)) parse_change,
                                (GDestroyNotify) confab_conversation_change_free, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Encoders                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_participant_json (JsonBuilder *builder,
                      const char  *id,
                      const char  *role,
                      gboolean     with_state)
{
  json_builder_begin_object (builder);
  add_string_member (builder, "id", id);
  add_string_member (builder, "role", role);
  if (with_state)
    add_string_member (builder, "state", "ACTIVE");
  json_builder_end_object (builder);
}

static void
add_participants_json (JsonBuilder                  *builder,
                       const ConfabConversationInfo *info,
                       gboolean                      with_state)
{
  json_builder_begin_array (builder);
  add_participant_json (builder, info->consumer_id, "CONSUMER", with_state);
  if (info->agent_id != NULL)
    add_participant_json (builder, info->agent_id, "ASSIGNED_AGENT", with_state);
  json_builder_end_array (builder);
}

static void
build_main_dialog (JsonBuilder                  *builder,
                   const ConfabConversationInfo *info,
                   gboolean                      closed)
{
  const char *close_reason = confab_close_reason_to_string (info->close_reason);

  json_builder_begin_object (builder);
  add_string_member (builder, "dialogId", info->conversation_id);
  json_builder_set_member_name (builder, "participantsDetails");
  add_participants_json (builder, info, TRUE);
  add_string_member (builder, "dialogType", "MAIN");
  add_string_member (builder, "channelType", "MESSAGING");
  add_string_member (builder, "state", closed ? "CLOSE" : "OPEN");
  add_int_member (builder, "creationTs", info->start_ts);
  if (closed)
    {
      add_int_member (builder, "endTs", info->end_ts);
      if (close_reason != NULL)
        add_string_member (builder, "closedBy", close_reason);
    }
  add_int_member (builder, "metaDataLastUpdateTs", info->last_updated_ts);
  json_builder_end_object (builder);
}

/* closedCause as the tutorial has it for a completed survey; a skipped one says who. */
static void
build_survey_dialog (JsonBuilder                  *builder,
                     const ConfabConversationInfo *info)
{
  gboolean skipped = info->survey_close_reason == CONFAB_CLOSE_REASON_CONSUMER;

  json_builder_begin_object (builder);
  add_string_member (builder, "dialogId", info->survey_dialog_id);
  json_builder_set_member_name (builder, "participantsDetails");
  add_participants_json (builder, info, TRUE);
  add_string_member (builder, "dialogType", "POST_SURVEY");
  add_string_member (builder, "channelType", "MESSAGING");
  add_string_member (builder, "state", info->survey_closed ? "CLOSE" : "OPEN");
  add_int_member (builder, "creationTs", info->survey_start_ts);
  if (info->survey_closed)
    {
      add_int_member (builder, "endTs", info->survey_end_ts);
      add_string_member (builder, "closedBy", skipped ? "CONSUMER" : "AGENT");
      add_string_member (builder, "closedCause", skipped ? "Closed by consumer" : "Completed");
    }
  add_int_member (builder, "metaDataLastUpdateTs", info->last_updated_ts);
  json_builder_end_object (builder);
}

static void
build_details (JsonBuilder                  *builder,
               const ConfabConversationInfo *info)
{
  gboolean main_closed = info->closed || info->survey_dialog_id != NULL;
  const char *state = main_closed ? "CLOSE" : "OPEN";
  const char *close_reason = confab_close_reason_to_string (info->close_reason);
  gint64 end_ts = info->survey_dialog_id != NULL ? info->survey_end_ts : info->end_ts;

  json_builder_begin_object (builder);

  add_string_member (builder, "skillId", "-1");
  json_builder_set_member_name (builder, "participants");
  add_participants_json (builder, info, FALSE);

  json_builder_set_member_name (builder, "dialogs");
  json_builder_begin_array (builder);
  build_main_dialog (builder, info, main_closed);
  if (info->survey_dialog_id != NULL)
    build_survey_dialog (builder, info);
  json_builder_end_array (builder);

  add_string_member (builder, "brandId", info->brand_id);
  add_string_member (builder, "state", state);
  add_string_member (builder, "stage", info->closed ? "CLOSE" : "OPEN");
  if (main_closed && close_reason != NULL)
    add_string_member (builder, "closeReason", close_reason);
  add_int_member (builder, "startTs", info->start_ts);
  if (info->closed)
    add_int_member (builder, "endTs", end_ts);
  add_int_member (builder, "metaDataLastUpdateTs", info->last_updated_ts);
  if (info->csat != NULL)
    {
      json_builder_set_member_name (builder, "csat");
      json_builder_add_value (builder, json_node_copy (info->csat));
    }

  json_builder_end_object (builder);
}

static gboolean
info_is_complete (const ConfabConversationInfo *info)
{
  return info != NULL && info->conversation_id != NULL && info->brand_id != NULL &&
         info->consumer_id != NULL;
}

/**
 * confab_conversation_details_to_json:
 * @info: the conversation
 *
 * Returns: (transfer full): the conversationDetails object of a change
 */
JsonNode *
confab_conversation_details_to_json (const ConfabConversationInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (info_is_complete (info), NULL);

  build_details (builder, info);
  return json_builder_get_root (builder);
}

/**
 * confab_conversation_change_to_json:
 * @type: %CONFAB_CHANGE_UPSERT or %CONFAB_CHANGE_DELETE
 * @info: the conversation
 *
 * Returns: (transfer full): one element of the changes of a
 *   cqm.ExConversationChangeNotification
 */
JsonNode *
confab_conversation_change_to_json (ConfabChangeType              type,
                                    const ConfabConversationInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (change_type_to_string (type) != NULL, NULL);
  g_return_val_if_fail (info_is_complete (info), NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "type", change_type_to_string (type));
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  add_string_member (builder, "convId", info->conversation_id);
  add_int_member (builder, "effectiveTTR", -1);
  json_builder_set_member_name (builder, "conversationDetails");
  build_details (builder, info);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
