/* confab-session-conversation.c: the current conversation, from asked for to closed
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). The first queued message asks
 * for a conversation; the metadata (confab-session-events.c) or our own close request
 * closes it, and after a close the person may start a new one. A change of conversation
 * forgets everything that belonged to the old one.
 */
#include "config.h"

#include "confab-session-private.h"

/* Conversation state */

void
_confab_session_set_conversation (ConfabSession           *self,
                                  const char              *conversation_id,
                                  ConfabConversationStatus status)
{
  gboolean changed = g_strcmp0 (self->conversation_id, conversation_id) != 0;

  if (changed)
    {
      /* Receipts name sequences of one dialog: none may reach another. */
      _confab_seq_batch_clear (self->accept_batch);
      _confab_seq_batch_clear (self->read_batch);
      _confab_seq_batch_clear (self->accept_in_flight);
      _confab_seq_batch_clear (self->read_in_flight);
      _confab_session_forget_unlisted (self);
      _confab_session_forget_survey (self);
      self->dialog_subscribed = FALSE;
      self->just_requested = FALSE;
      self->metadata_ts = 0;
      self->closed_at = 0;
      self->agent_known = FALSE;
      _confab_session_set_agent (self, NULL);
      _confab_session_forget_writer (self);
      _confab_session_set_agent_typing (self, FALSE);
      SET_PROP (close_reason, CONFAB_CLOSE_REASON_NONE, PROP_CLOSE_REASON);
      SET_PROP (stage, status == CONFAB_CONVERSATION_OPEN ? CONFAB_CONVERSATION_STATE_OPEN
                                                           : CONFAB_CONVERSATION_STATE_UNKNOWN,
                PROP_CONVERSATION_STAGE);
    }
  _confab_session_set_string_prop (self, &self->conversation_id, conversation_id, PROP_CONVERSATION_ID);
  SET_PROP (conversation_status, status, PROP_CONVERSATION_STATUS);
  if (changed && conversation_id != NULL && self->store != NULL && self->consumer_id != NULL)
    confab_store_save_conversation (self->store, _confab_session_account_id (self), self->consumer_id,
                                    conversation_id);
  if (changed && conversation_id != NULL)
    _confab_session_place_new_row (self);
  _confab_session_update_survey_due (self);
}

void
_confab_session_conversation_closed (ConfabSession     *self,
                                     ConfabCloseReason  reason,
                                     gint64             time_ms)
{
  _confab_session_add_closed_row (self, reason, time_ms);
  self->closed_at = time_ms > 0 ? time_ms : g_get_real_time () / 1000;
  SET_PROP (close_reason, reason, PROP_CLOSE_REASON);
  /* the stage is the metadata's to tell: a post-conversation survey may follow */
  SET_PROP (conversation_status, CONFAB_CONVERSATION_CLOSED, PROP_CONVERSATION_STATUS);
  _confab_session_set_agent_typing (self, FALSE);
  /* never into a closed conversation; what waits to be marked READ is read here only */
  _confab_session_read_batch_closed (self);
  _confab_seq_batch_clear (self->accept_batch);
  if (self->composing_sent)
    self->composing_sent = FALSE;
  g_clear_handle_id (&self->typing_pause_source, g_source_remove);
  /* nothing to answer into now */
  _confab_session_update_quick_replies (self);
}

/* Asking for one, closing it, starting afresh */

static void
request_conversation_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation_id = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (self->conversation_status != CONFAB_CONVERSATION_REQUESTED)
    return;

  if (frame != NULL)
    conversation_id = confab_parse_conversation_id (frame, &error);

  if (conversation_id == NULL)
    {
      g_debug ("No conversation: %s", error->message);
      SET_PROP (conversation_status, CONFAB_CONVERSATION_NONE, PROP_CONVERSATION_STATUS);
      /* 400: one is open already and the metadata will name it; ask once. A second
       * refusal is an answer: the queued messages cannot go. */
      if (g_error_matches (error, CONFAB_RESPONSE_ERROR, 400) && _confab_session_is_online (self) &&
          self->conversation_refusals++ == 0)
        _confab_session_subscribe_metadata (self);
      else if (error->domain == CONFAB_RESPONSE_ERROR)
        {
          /* Refused for good: the queued messages cannot go anywhere. */
          _confab_session_fail_outbox (self);
          self->conversation_refusals = 0;
        }
      return;
    }

  self->conversation_refusals = 0;
  _confab_session_set_conversation (self, conversation_id, CONFAB_CONVERSATION_OPEN);
  self->just_requested = TRUE;
  /* ours from its start: nobody has it yet */
  _confab_session_agent_assigned (self, NULL, 0);
  _confab_session_subscribe_dialog (self);
}

void
_confab_session_request_conversation (ConfabSession *self)
{
  if (!_confab_session_is_online (self) || self->conversation_status == CONFAB_CONVERSATION_REQUESTED)
    return;

  if (self->conversation_status == CONFAB_CONVERSATION_CLOSED)
    {
      _confab_session_set_conversation (self, NULL, CONFAB_CONVERSATION_NONE);
      _confab_session_begin_new_row (self);
    }
  SET_PROP (conversation_status, CONFAB_CONVERSATION_REQUESTED, PROP_CONVERSATION_STATUS);
  confab_connection_send_request (self->conn, CONFAB_REQ_REQUEST_CONVERSATION,
                                  confab_request_conversation_body (confab_account_get_account_id (self->account), NULL),
                                  NULL, request_conversation_cb, g_object_ref (self));
}

static void
close_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame == NULL)
    {
      g_debug ("Closing the conversation failed: %s", error->message);
      return;
    }
  /* The metadata notification follows; do not wait for it to stop publishing. */
  if (self->conversation_status == CONFAB_CONVERSATION_OPEN)
    _confab_session_conversation_closed (self, CONFAB_CLOSE_REASON_CONSUMER, 0);
}

void
confab_session_close_conversation (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->conversation_status != CONFAB_CONVERSATION_OPEN || !_confab_session_is_online (self))
    return;
  /* Only the main dialog, as LivePerson's post-conversation survey tutorial closes it:
   * closing the whole conversation (ConversationStateField) would skip the survey. Where
   * there is none, the whole conversation closes all the same. The conversation's id is
   * the main dialog's (see docs/protocol-notes.md, "Requests a consumer sends"). */
  confab_connection_send_request (self->conn, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_dialog_body (self->conversation_id, self->conversation_id),
                                  NULL, close_cb, g_object_ref (self));
}

void
confab_session_new_conversation (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  /* a running survey is answered or skipped first */
  if (self->conversation_status != CONFAB_CONVERSATION_CLOSED || self->survey_open)
    return;
  _confab_session_set_conversation (self, NULL, CONFAB_CONVERSATION_NONE);
  /* it begins here, above what the person writes for it */
  _confab_session_begin_new_row (self);
}
