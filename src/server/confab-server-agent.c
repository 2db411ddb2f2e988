/* confab-server-agent.c: the agent's side of ConfabServer
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whoever plays the agent — the scripted bot, a person at the console, a test through the
 * control API — acts through these functions: accept, write, send receipts, type, close.
 */
#include "config.h"

#include <string.h>

#include "confab-server-private.h"

/* Who can play the agent: the one who takes every conversation, and a second one to hand a
 * conversation over to. */
static const ConfabServerAgentProfile agents[] = {
  { CONFAB_SERVER_AGENT_ID, CONFAB_SERVER_AGENT_NICKNAME, CONFAB_SERVER_AGENT_FULL_NAME,
    CONFAB_SERVER_AGENT_EMPLOYEE_ID },
  { CONFAB_SERVER_SECOND_AGENT_ID, CONFAB_SERVER_SECOND_AGENT_NICKNAME, "Alex Moreno", "confab-agent-2" },
};

const ConfabServerAgentProfile *
confab_server_lookup_agent (const char *agent_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    if (g_strcmp0 (agents[i].id, agent_id) == 0)
      return &agents[i];
  return NULL;
}

/* Whoever has the conversation speaks for the agent's side; the first agent before anyone
 * has taken it. */
static const char *
speaking_agent (ConfabStoredConversation *conversation)
{
  return conversation->agent_id != NULL ? conversation->agent_id : CONFAB_SERVER_AGENT_ID;
}

static ConfabStoredConversation *
resolve_conversation (ConfabServer  *self,
                      const char    *conversation_id,
                      gboolean       must_be_open,
                      GError       **error)
{
  ConfabStoredConversation *conversation;

  /* Nothing the agent does after shutdown would reach anyone or be saved. */
  if (self->is_shut_down)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_SHUT_DOWN,
                           "The service has stopped");
      return NULL;
    }

  if (conversation_id == NULL)
    {
      conversation = confab_server_state_find_latest_open (self->state, NULL);
      if (conversation == NULL)
        {
          g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NOT_FOUND,
                               "No conversation is open");
          return NULL;
        }
    }
  else
    {
      conversation = confab_server_state_lookup_conversation (self->state, conversation_id);
      if (conversation == NULL)
        {
          g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NOT_FOUND,
                       "No conversation %s", conversation_id);
          return NULL;
        }
    }

  /* What the agent does in the main dialog needs it open: not while a survey runs. */
  if (must_be_open && confab_stored_conversation_main_closed (conversation))
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_CLOSED,
                   "Conversation %s is closed", conversation->id);
      return NULL;
    }

  return conversation;
}

char *
confab_server_dup_current_conversation_id (ConfabServer *self,
                                           const char   *consumer_id)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  conversation = confab_server_state_find_latest_open (self->state, consumer_id);
  return conversation != NULL ? g_strdup (conversation->id) : NULL;
}

gboolean
confab_server_peek_conversation (ConfabServer *self,
                                 const char   *conversation_id,
                                 guint        *n_events,
                                 gboolean     *closed,
                                 gboolean     *accepted)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  conversation = confab_server_state_lookup_conversation (self->state, conversation_id);
  if (conversation == NULL)
    return FALSE;

  if (n_events != NULL)
    *n_events = conversation->events->len;
  if (closed != NULL)
    *closed = conversation->closed;
  if (accepted != NULL)
    *accepted = conversation->agent_id != NULL;

  return TRUE;
}

static void
accept_conversation (ConfabServer             *self,
                     ConfabStoredConversation *conversation)
{
  if (conversation->agent_id != NULL)
    return;

  conversation->agent_id = g_strdup (CONFAB_SERVER_AGENT_ID);
  g_debug ("conversation %s accepted", conversation->id);
  confab_server_conversation_changed (self, conversation);
}

gboolean
confab_server_agent_accept (ConfabServer  *self,
                            const char    *conversation_id,
                            GError       **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return FALSE;

  accept_conversation (self, conversation);
  return TRUE;
}

gboolean
confab_server_agent_transfer (ConfabServer  *self,
                              const char    *conversation_id,
                              const char    *agent_id,
                              GError       **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  if (confab_server_lookup_agent (agent_id) == NULL)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "No such agent");
      return FALSE;
    }

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return FALSE;
  if (g_strcmp0 (conversation->agent_id, agent_id) == 0)
    return TRUE;

  g_free (conversation->agent_id);
  conversation->agent_id = g_strdup (agent_id);
  g_debug ("conversation %s handed over", conversation->id);
  confab_server_conversation_changed (self, conversation);
  return TRUE;
}

static gboolean
check_metadata (JsonNode  *metadata,
                GError   **error)
{
  if (metadata != NULL && !confab_metadata_is_acceptable (metadata, NULL))
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "The metadata is not a short list of objects with a type");
      return FALSE;
    }
  return TRUE;
}

/* Stores event as the agent's, in an open conversation it has taken first if nobody had:
 * its sequence, or -1 and error. */
static gint64
publish_as_agent (ConfabServer  *self,
                  const char    *conversation_id,
                  JsonNode      *event,
                  JsonNode      *metadata,
                  GError       **error)
{
  ConfabStoredConversation *conversation;

  if (!check_metadata (metadata, error))
    return -1;

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return -1;

  accept_conversation (self, conversation);

  return confab_server_store_event (self, conversation, NULL, speaking_agent (conversation), "ASSIGNED_AGENT",
                                    event, metadata)->sequence;
}

gint64
confab_server_agent_send_text (ConfabServer  *self,
                               const char    *conversation_id,
                               const char    *text,
                               GError       **error)
{
  return confab_server_agent_send_text_full (self, conversation_id, text, NULL, NULL, error);
}

gint64
confab_server_agent_send_text_full (ConfabServer             *self,
                                    const char               *conversation_id,
                                    const char               *text,
                                    const ConfabQuickReplies *quick_replies,
                                    JsonNode                 *metadata,
                                    GError                  **error)
{
  g_autoptr(JsonNode) event = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (text != NULL, -1);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "The text is not UTF-8");
      return -1;
    }

  event = confab_text_event_to_json_full (text, quick_replies);
  return publish_as_agent (self, conversation_id, event, metadata, error);
}

gint64
confab_server_agent_send_rich (ConfabServer             *self,
                               const char               *conversation_id,
                               const ConfabRichContent  *content,
                               const ConfabQuickReplies *quick_replies,
                               JsonNode                 *metadata,
                               GError                  **error)
{
  g_autoptr(JsonNode) event = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (content != NULL, -1);

  event = confab_rich_content_event_to_json (content, quick_replies);
  return publish_as_agent (self, conversation_id, event, metadata, error);
}

gint64
confab_server_agent_send_file (ConfabServer    *self,
                               const char      *conversation_id,
                               GBytes          *data,
                               ConfabFileType   file_type,
                               const char      *caption,
                               const char      *preview,
                               char           **relative_path,
                               GError         **error)
{
  ConfabStoredConversation *conversation;
  g_autoptr(ConfabHostedFile) file = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (data != NULL, -1);

  if (!confab_server_file_type_is_uploadable (file_type) ||
      (caption != NULL && !g_utf8_validate (caption, -1, NULL)) ||
      (preview != NULL && (!confab_file_preview_is_valid (preview) ||
                           strlen (preview) > CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE)))
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "A file is a JPG, JPEG, PNG or GIF image, with a UTF-8 caption and a small preview");
      return -1;
    }

  /* Checked before the file is kept, so that a closed conversation leaves nothing behind. */
  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return -1;

  path = confab_server_files_new_path (self, conversation->account_id, file_type);
  if (!confab_server_files_put (self, path, conversation->account_id, file_type, data, error))
    return -1;

  file = confab_hosted_file_new (caption, path, file_type, preview);
  event = confab_hosted_file_event_to_json (file);
  if (relative_path != NULL)
    *relative_path = g_strdup (path);
  return publish_as_agent (self, conversation->id, event, NULL, error);
}

static gboolean
check_receipt (ConfabReceiptStatus   status,
               guint                 n_sequences,
               GError              **error)
{
  if ((status != CONFAB_RECEIPT_ACCEPT && status != CONFAB_RECEIPT_READ) || n_sequences == 0)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "A receipt is ACCEPT or READ for at least one sequence");
      return FALSE;
    }
  return TRUE;
}

/* The receipt into the dialog dialog_id (NULL: the main one), from originator_id. */
static gint64
store_receipt (ConfabServer             *self,
               ConfabStoredConversation *conversation,
               const char               *dialog_id,
               const char               *originator_id,
               ConfabReceiptStatus       status,
               const gint64             *sequences,
               guint                     n_sequences)
{
  g_autoptr(JsonNode) event = confab_receipt_event_to_json (status, sequences, n_sequences);
  JsonArray *list = confab_json_get_array (json_node_get_object (event), "sequenceList");

  confab_stored_events_apply_receipt (confab_stored_conversation_dialog_events (conversation, dialog_id),
                                      originator_id, status, list);
  return confab_server_store_event (self, conversation, dialog_id, originator_id, "ASSIGNED_AGENT",
                                    event, NULL)->sequence;
}

gint64
confab_server_agent_send_receipt (ConfabServer        *self,
                                  const char          *conversation_id,
                                  ConfabReceiptStatus  status,
                                  const gint64        *sequences,
                                  guint                n_sequences,
                                  GError             **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (sequences != NULL || n_sequences == 0, -1);

  if (!check_receipt (status, n_sequences, error))
    return -1;

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return -1;

  return store_receipt (self, conversation, NULL, speaking_agent (conversation), status, sequences, n_sequences);
}

gboolean
confab_server_agent_set_typing (ConfabServer     *self,
                                const char       *conversation_id,
                                ConfabChatState   state,
                                GError          **error)
{
  ConfabStoredConversation *conversation;
  g_autoptr(JsonNode) event = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  if (confab_chat_state_to_string (state) == NULL)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "Unknown chat state");
      return FALSE;
    }

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return FALSE;

  event = confab_chat_state_event_to_json (state);

  confab_server_send_chat_state (self, conversation, speaking_agent (conversation), "ASSIGNED_AGENT", event);
  return TRUE;
}

/* In the main dialog: it closes (a survey may follow). While a survey runs: it ends, as
 * completed. */
gboolean
confab_server_agent_close (ConfabServer       *self,
                           const char         *conversation_id,
                           ConfabCloseReason   reason,
                           GError            **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  if (reason == CONFAB_CLOSE_REASON_NONE || reason == CONFAB_CLOSE_REASON_UNKNOWN ||
      reason == CONFAB_CLOSE_REASON_CONSUMER)
    reason = CONFAB_CLOSE_REASON_AGENT;

  conversation = resolve_conversation (self, conversation_id, FALSE, error);
  if (conversation == NULL)
    return FALSE;

  if (conversation->closed)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_CLOSED,
                   "Conversation %s is closed", conversation->id);
      return FALSE;
    }

  if (conversation->survey != NULL)
    confab_server_end_survey (self, conversation, CONFAB_CLOSE_REASON_AGENT);
  else
    confab_server_close_main_dialog (self, conversation, reason);
  return TRUE;
}

/* Post-conversation surveys */

static ConfabStoredConversation *
resolve_survey (ConfabServer  *self,
                const char    *conversation_id,
                GError       **error)
{
  ConfabStoredConversation *conversation = resolve_conversation (self, conversation_id, FALSE, error);

  if (conversation == NULL)
    return NULL;

  if (conversation->survey == NULL || conversation->survey->closed)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, conversation->closed ? CONFAB_SERVER_ERROR_CLOSED : CONFAB_SERVER_ERROR_NOT_FOUND,
                   "No survey runs in conversation %s", conversation->id);
      return NULL;
    }

  return conversation;
}

gint64
confab_server_agent_send_survey (ConfabServer             *self,
                                 const char               *conversation_id,
                                 const char               *text,
                                 const ConfabQuickReplies *quick_replies,
                                 JsonNode                 *metadata,
                                 GError                  **error)
{
  ConfabStoredConversation *conversation;
  g_autoptr(JsonNode) event = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (text != NULL, -1);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID, "The text is not UTF-8");
      return -1;
    }
  if (!check_metadata (metadata, error))
    return -1;

  conversation = resolve_survey (self, conversation_id, error);
  if (conversation == NULL)
    return -1;

  event = confab_text_event_to_json_full (text, quick_replies);
  return confab_server_store_event (self, conversation, conversation->survey->id, CONFAB_SERVER_AGENT_ID,
                                    "ASSIGNED_AGENT", event, metadata)->sequence;
}

gint64
confab_server_agent_send_survey_receipt (ConfabServer        *self,
                                         const char          *conversation_id,
                                         ConfabReceiptStatus  status,
                                         const gint64        *sequences,
                                         guint                n_sequences,
                                         GError             **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (sequences != NULL || n_sequences == 0, -1);

  if (!check_receipt (status, n_sequences, error))
    return -1;

  conversation = resolve_survey (self, conversation_id, error);
  if (conversation == NULL)
    return -1;

  /* the survey's questions are the service's agent's (confab_server_agent_send_survey()) */
  return store_receipt (self, conversation, conversation->survey->id, CONFAB_SERVER_AGENT_ID, status,
                        sequences, n_sequences);
}

gboolean
confab_server_agent_complete_survey (ConfabServer  *self,
                                     const char    *conversation_id,
                                     GError       **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  conversation = resolve_survey (self, conversation_id, error);
  if (conversation == NULL)
    return FALSE;

  confab_server_end_survey (self, conversation, CONFAB_CLOSE_REASON_AGENT);
  return TRUE;
}

char *
confab_server_dup_survey_dialog_id (ConfabServer *self,
                                    const char   *conversation_id)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  conversation = confab_server_state_lookup_conversation (self->state, conversation_id);
  return conversation != NULL && conversation->survey != NULL ? g_strdup (conversation->survey->id) : NULL;
}
