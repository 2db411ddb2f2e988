/* confab-server-agent.c: the agent's side of ConfabServer
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whoever plays the agent — the scripted bot, a person at the console, a test through the
 * control API — acts through these functions: accept, write, send receipts, type, close.
 */
#include "config.h"

#include "confab-server-private.h"

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

  if (must_be_open && conversation->closed)
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

gint64
confab_server_agent_send_text (ConfabServer  *self,
                               const char    *conversation_id,
                               const char    *text,
                               GError       **error)
{
  ConfabStoredConversation *conversation;
  g_autoptr(JsonNode) event = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (text != NULL, -1);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "The text is not UTF-8");
      return -1;
    }

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return -1;

  accept_conversation (self, conversation);

  event = confab_text_event_to_json (text);

  return confab_server_store_event (self, conversation, CONFAB_SERVER_AGENT_ID, "ASSIGNED_AGENT", event)->sequence;
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
  g_autoptr(JsonNode) event = NULL;
  JsonArray *list;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (sequences != NULL || n_sequences == 0, -1);

  if ((status != CONFAB_RECEIPT_ACCEPT && status != CONFAB_RECEIPT_READ) || n_sequences == 0)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "A receipt is ACCEPT or READ for at least one sequence");
      return -1;
    }

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return -1;

  event = confab_receipt_event_to_json (status, sequences, n_sequences);
  list = confab_json_get_array (json_node_get_object (event), "sequenceList");
  confab_stored_conversation_apply_receipt (conversation, CONFAB_SERVER_AGENT_ID, status, list);

  return confab_server_store_event (self, conversation, CONFAB_SERVER_AGENT_ID, "ASSIGNED_AGENT", event)->sequence;
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

  confab_server_send_chat_state (self, conversation, CONFAB_SERVER_AGENT_ID, "ASSIGNED_AGENT", event);
  return TRUE;
}

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

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return FALSE;

  confab_server_close_conversation (self, conversation, reason);
  return TRUE;
}
