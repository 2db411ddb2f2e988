/* confab-session-event-rows.c: rows for what happens to the conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). Besides the messages, the list has a
 * row where an agent takes the conversation over ("Alex joined the conversation"), where it
 * closes ("Conversation closed by the agent") and where a new one begins ("New
 * conversation"), so that the list read in order tells what happened. Such a row has no
 * sequence: it stands after the last event of its dialog Confab holds when it learns of the
 * change, and is saved with the history.
 *
 * A row says only what Confab saw happen: an agent is "joined" when it follows another (or
 * nobody) that Confab knew of, so that a conversation resumed without its history, or with
 * the same agent as before a restart, gets none. Whom each conversation is with is kept in
 * the store for that.
 */
#include "config.h"

#include "confab-session-private.h"

static gint64
now_or (gint64 time_ms)
{
  return time_ms > 0 ? time_ms : g_get_real_time () / 1000;
}

static void
add_row (ConfabSession *self,
         ConfabMessage *row)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = NULL;

  g_ptr_array_add (batch, row);
  added = confab_message_list_add (self->messages, batch);
}

/* After the last event of the conversation held, messages and receipts alike. */
static gint64
conversation_end (ConfabSession *self)
{
  return confab_message_list_get_last_sequence (self->messages, self->conversation_id);
}

gboolean
_confab_session_has_event_row (ConfabSession      *self,
                               const char         *dialog_id,
                               ConfabMessageEvent  event)
{
  GListModel *model = G_LIST_MODEL (self->messages);

  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i - 1);

      if (confab_message_get_event (message) == event &&
          g_strcmp0 (confab_message_get_dialog_id (message), dialog_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* … in the current conversation's main dialog. */
static gboolean
has_row (ConfabSession      *self,
         ConfabMessageEvent  event)
{
  return _confab_session_has_event_row (self, self->conversation_id, event);
}

void
_confab_session_agent_assigned (ConfabSession *self,
                                const char    *agent_id,
                                gint64         time_ms)
{
  gboolean changed = g_strcmp0 (agent_id, self->agent_id) != 0;

  if (self->conversation_id == NULL)
    return;

  if (changed && agent_id != NULL && self->agent_known)
    add_row (self, confab_message_new_event (CONFAB_MESSAGE_EVENT_AGENT_JOINED, self->conversation_id,
                                             conversation_end (self), now_or (time_ms), agent_id,
                                             CONFAB_CLOSE_REASON_NONE));
  _confab_session_set_agent (self, agent_id);
  if ((changed || !self->agent_known) && self->store != NULL && self->consumer_id != NULL)
    confab_store_save_conversation_agent (self->store, _confab_session_account_id (self), self->consumer_id,
                                          self->conversation_id, agent_id);
  self->agent_known = TRUE;
}

void
_confab_session_add_closed_row (ConfabSession     *self,
                                ConfabCloseReason  reason,
                                gint64             time_ms)
{
  /* a conversation closes once: the row of a close seen before a restart stays the one */
  if (self->conversation_id == NULL || has_row (self, CONFAB_MESSAGE_EVENT_CLOSED))
    return;
  add_row (self, confab_message_new_event (CONFAB_MESSAGE_EVENT_CLOSED, self->conversation_id,
                                           conversation_end (self), now_or (time_ms), NULL, reason));
}

void
_confab_session_add_survey_row (ConfabSession *self,
                                const char    *dialog_id,
                                gboolean       completed,
                                gint64         time_ms)
{
  /* a survey ends once, however it ended */
  if (dialog_id == NULL || _confab_session_has_event_row (self, dialog_id, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED) ||
      _confab_session_has_event_row (self, dialog_id, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED))
    return;
  add_row (self, confab_message_new_event (completed ? CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED
                                                     : CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED,
                                           dialog_id, confab_message_list_get_last_sequence (self->messages, dialog_id),
                                           now_or (time_ms), NULL, CONFAB_CLOSE_REASON_NONE));
}

void
_confab_session_begin_new_row (ConfabSession *self)
{
  if (self->pending_new != NULL || g_list_model_get_n_items (G_LIST_MODEL (self->messages)) == 0)
    return;

  self->pending_new = confab_message_new_event (CONFAB_MESSAGE_EVENT_NEW_CONVERSATION, NULL, -1,
                                                now_or (0), NULL, CONFAB_CLOSE_REASON_NONE);
  add_row (self, g_object_ref (self->pending_new));
}

/* Whether the list's last row in a dialog is of another one than the current conversation
 * (own messages not sent yet have none), and it holds nothing of this one. */
static gboolean
follows_another (ConfabSession *self)
{
  GListModel *model = G_LIST_MODEL (self->messages);

  if (confab_message_list_get_last_sequence (self->messages, self->conversation_id) >= 0)
    return FALSE;
  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i - 1);
      const char *dialog_id = confab_message_get_dialog_id (message);

      if (dialog_id != NULL)
        return g_strcmp0 (dialog_id, self->conversation_id) != 0;
    }
  return FALSE;
}

void
_confab_session_place_new_row (ConfabSession *self)
{
  g_autoptr(ConfabMessage) row = g_steal_pointer (&self->pending_new);

  if (self->conversation_id == NULL)
    {
      self->pending_new = g_steal_pointer (&row);
      return;
    }
  /* where it stood: between the old conversation and what the person wrote for the new */
  if (row != NULL)
    confab_message_list_place_event (self->messages, row, self->conversation_id);
  else if (follows_another (self))
    add_row (self, confab_message_new_event (CONFAB_MESSAGE_EVENT_NEW_CONVERSATION, self->conversation_id, -1,
                                             now_or (0), NULL, CONFAB_CLOSE_REASON_NONE));
}
