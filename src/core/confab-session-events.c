/* confab-session-events.c: what the service notifies, one handler per kind of event
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). A notification carries either
 * messaging events of a dialog (content, receipts, chat state) or conversation metadata
 * changes. The dispatchers below hand each event to its handler; what a messaging
 * notification adds to the list goes in as one batch at the end.
 */
#include "config.h"

#include "confab-session-private.h"

/* Messaging events */

/* What the handlers of one messaging notification gather for after the last event. */
typedef struct
{
  GPtrArray *incoming;        /* new ConfabMessage (owned), added to the list in one go */
  gboolean agent_wrote;
} MessagingBatch;

/* A message (or, for an event kind Confab does not know, a row with its text if it has
 * one; without, only its sequence is noted). */
static void
handle_content_event (ConfabSession         *self,
                      MessagingBatch        *batch,
                      ConfabMessagingChange *change,
                      const char            *dialog_id,
                      gboolean               own)
{
  ConfabMessage *message;

  if (change->sequence < 0)
    return;
  if (change->type == CONFAB_EVENT_UNKNOWN && change->text == NULL)
    {
      confab_message_list_note_sequence (self->messages, dialog_id, change->sequence);
      return;
    }

  message = confab_message_new_from_change (change, self->consumer_id);
  confab_message_set_dialog_id (message, dialog_id);
  g_ptr_array_add (batch->incoming, message);
  batch->agent_wrote |= !own;
}

/* A receipt of ours for a message in this same notification, not in the list yet. */
static void
note_own_receipt_in_batch (MessagingBatch      *batch,
                           gint64               sequence,
                           ConfabReceiptStatus  status)
{
  for (guint i = 0; i < batch->incoming->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (batch->incoming, i);

      if (confab_message_get_sequence (message) == sequence)
        {
          confab_message_set_accept_sent (message, TRUE);
          if (status == CONFAB_RECEIPT_READ)
            confab_message_set_read_sent (message, TRUE);
        }
    }
}

/* AcceptStatusEvent: the agent's receipts for own messages, or ours seen again. */
static void
handle_accept_status_event (ConfabSession         *self,
                            MessagingBatch        *batch,
                            ConfabMessagingChange *change,
                            const char            *dialog_id,
                            gboolean               own)
{
  confab_message_list_note_sequence (self->messages, dialog_id, change->sequence);
  /* ACTION says a button or quick reply was chosen, not that a message was delivered or
   * read: it moves no receipt state, either way. */
  if (change->sequence_list == NULL || change->status == CONFAB_RECEIPT_ACTION)
    return;

  for (guint i = 0; i < change->sequence_list->len; i++)
    {
      gint64 sequence = g_array_index (change->sequence_list, gint64, i);

      if (own)
        {
          note_own_receipt_in_batch (batch, sequence, change->status);
          if (change->status != CONFAB_RECEIPT_UNKNOWN)
            _confab_session_apply_own_receipt (self, dialog_id, sequence, change->status);
        }
      else if (change->status != CONFAB_RECEIPT_UNKNOWN)
        _confab_session_apply_agent_receipt (self, dialog_id, sequence, change->status);
    }
}

/* ChatStateEvent: the agent typing or not; our own is an echo. */
static void
handle_chat_state_event (ConfabSession         *self,
                         MessagingBatch        *batch,
                         ConfabMessagingChange *change,
                         const char            *dialog_id,
                         gboolean               own)
{
  if (!own)
    _confab_session_set_agent_typing (self, change->chat_state == CONFAB_CHAT_STATE_COMPOSING);
}

static void
handle_messaging_change (ConfabSession         *self,
                         MessagingBatch        *batch,
                         ConfabMessagingChange *change)
{
  const char *dialog_id = change->dialog_id ? change->dialog_id : change->conversation_id;
  gboolean own = g_strcmp0 (change->originator_id, self->consumer_id) == 0;

  if (dialog_id == NULL ||
      (g_strcmp0 (dialog_id, self->conversation_id) != 0 && g_strcmp0 (dialog_id, self->survey_dialog_id) != 0))
    {
      g_debug ("Ignoring an event of another dialog");
      return;
    }

  switch (change->type)
    {
    case CONFAB_EVENT_CONTENT:
    case CONFAB_EVENT_RICH_CONTENT:
    case CONFAB_EVENT_UNKNOWN:
      handle_content_event (self, batch, change, dialog_id, own);
      break;
    case CONFAB_EVENT_ACCEPT_STATUS:
      handle_accept_status_event (self, batch, change, dialog_id, own);
      break;
    case CONFAB_EVENT_CHAT_STATE:
      handle_chat_state_event (self, batch, change, dialog_id, own);
      break;
    default:
      break;
    }
}

/* The notification's new messages become rows; the agent's are to be accepted, own ones
 * take the receipts that came before them. */
static void
add_incoming (ConfabSession *self,
              GPtrArray     *incoming)
{
  g_autoptr(GPtrArray) added = NULL;

  if (incoming->len == 0)
    return;

  added = confab_message_list_add (self->messages, incoming);
  for (guint i = 0; i < added->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (added, i);

      if (confab_message_get_own (message))
        _confab_session_apply_early_receipts (self, message);
      else
        _confab_session_queue_accept (self, message);
    }
}

static void
handle_messaging (ConfabSession *self,
                  JsonNode      *body)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  MessagingBatch batch = { incoming, FALSE };

  changes = confab_parse_messaging_notification (body, &error);
  if (changes == NULL)
    {
      g_message ("Ignoring a messaging notification: %s", error->message);
      return;
    }

  if (self->resuming)
    _confab_session_start_resume_settle (self);

  for (guint i = 0; i < changes->len; i++)
    handle_messaging_change (self, &batch, g_ptr_array_index (changes, i));

  add_incoming (self, incoming);

  if (batch.agent_wrote)
    _confab_session_set_agent_typing (self, FALSE);

  _confab_session_schedule_receipts (self);
}

/* Conversation metadata */

/* A change to the conversation Confab follows: its agent, whether its main dialog is still
 * open, and its post-conversation survey. closed: the whole conversation is (stage CLOSE). */
static void
handle_followed_conversation_change (ConfabSession            *self,
                                     ConfabConversationChange *change,
                                     gboolean                  closed)
{
  const ConfabDialog *survey = confab_conversation_change_get_survey (change);
  gboolean main_closed = closed || confab_conversation_change_main_closed (change);

  /* Out of order: keep the newest. */
  if (change->last_updated_ts != 0 && change->last_updated_ts < self->metadata_ts)
    return;
  self->metadata_ts = change->last_updated_ts;

  /* Whoever hears that the conversation closed hears, in the same breath, whether a survey
   * follows (the window offers the legacy one only where none does). */
  g_object_freeze_notify (G_OBJECT (self));
  _confab_session_agent_assigned (self, confab_conversation_change_get_agent_id (change), change->last_updated_ts);
  if (main_closed && self->conversation_status != CONFAB_CONVERSATION_CLOSED)
    _confab_session_conversation_closed (self, change->close_reason, change->last_updated_ts);
  else if (!main_closed && self->conversation_status != CONFAB_CONVERSATION_OPEN &&
           self->conversation_status != CONFAB_CONVERSATION_CLOSED)
    SET_PROP (conversation_status, CONFAB_CONVERSATION_OPEN, PROP_CONVERSATION_STATUS);
  if (survey != NULL)
    _confab_session_survey_seen (self, survey, closed, change->last_updated_ts);
  else if (closed)
    _confab_session_survey_stage_closed (self, change->last_updated_ts);
  SET_PROP (stage, closed ? CONFAB_CONVERSATION_STATE_CLOSE : CONFAB_CONVERSATION_STATE_OPEN,
            PROP_CONVERSATION_STAGE);
  if (change->has_csat)
    _confab_session_survey_answered_elsewhere (self, self->conversation_id);
  _confab_session_update_survey_due (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* An open conversation Confab does not follow yet: resume it (after a restart, or one
 * opened elsewhere), unless the one it follows is still open. */
static void
resume_open_conversation (ConfabSession            *self,
                          ConfabConversationChange *newest_open)
{
  if (self->conversation_status == CONFAB_CONVERSATION_OPEN ||
      self->conversation_status == CONFAB_CONVERSATION_REQUESTED)
    return;

  g_debug ("Resuming an open conversation");
  _confab_session_set_conversation (self, newest_open->conversation_id, CONFAB_CONVERSATION_OPEN);
  self->metadata_ts = newest_open->last_updated_ts;
  _confab_session_agent_assigned (self, confab_conversation_change_get_agent_id (newest_open),
                                  newest_open->last_updated_ts);
  /* its main dialog may be closed already, a survey running */
  if (confab_conversation_change_main_closed (newest_open))
    {
      self->metadata_ts = 0;
      handle_followed_conversation_change (self, newest_open, FALSE);
    }
}

static void
handle_conversations (ConfabSession *self,
                      JsonNode      *body)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  ConfabConversationChange *newest_open = NULL;

  changes = confab_parse_conversation_notification (body, &error);
  if (changes == NULL)
    {
      g_message ("Ignoring a conversation notification: %s", error->message);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      ConfabConversationChange *change = g_ptr_array_index (changes, i);
      gboolean closed;

      if (change->conversation_id == NULL || change->type != CONFAB_CHANGE_UPSERT)
        continue;
      closed = confab_conversation_change_is_closed (change);

      if (g_strcmp0 (change->conversation_id, self->conversation_id) == 0)
        handle_followed_conversation_change (self, change, closed);
      else if (!closed &&
               (newest_open == NULL || change->last_updated_ts > newest_open->last_updated_ts))
        newest_open = change;
    }

  if (newest_open != NULL)
    resume_open_conversation (self, newest_open);

  self->awaiting_metadata = FALSE;
  g_clear_handle_id (&self->metadata_wait_source, g_source_remove);
  /* Open, or closed while Confab was not listening: either way, what its dialog holds
   * beyond the history is fetched (once per socket). */
  _confab_session_subscribe_dialog (self);
  _confab_session_flush_outbox (self);
  self->metadata_heard = TRUE;
  _confab_session_flush_surveys (self);
}

/* The connection's "notification" signal: one handler per kind of notification. */
void
_confab_session_notification_cb (ConfabConnection *conn,
                                 ConfabFrame      *frame,
                                 ConfabSession    *self)
{
  if (g_strcmp0 (frame->type, CONFAB_NOTIFY_MESSAGING) == 0)
    handle_messaging (self, frame->body);
  else if (g_strcmp0 (frame->type, CONFAB_NOTIFY_EX_CONVERSATION) == 0)
    handle_conversations (self, frame->body);
  else
    g_debug ("Ignoring a notification of type %s", frame->type ? frame->type : "(none)");
}
