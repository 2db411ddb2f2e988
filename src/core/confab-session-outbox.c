/* confab-session-outbox.c: own messages, queued, sent in order, retried
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). An own message waits in the
 * outbox (and in the store's outbox, so a restart does not lose it) until there is a
 * connection, an open conversation and a settled replay; then one at a time goes out. A
 * busy service gets the same message again after a pause; a lost answer sends it again
 * after reconnecting, unless its echo shows the service has it.
 */
#include "config.h"

#include "confab-session-private.h"

#define MAX_BUSY_RETRIES           3
#define BUSY_RETRY_BASE_MS         1000

gboolean
_confab_session_outbox_save (ConfabSession *self,
                             ConfabMessage *message)
{
  if (self->store == NULL || self->consumer_id == NULL || confab_message_get_local_id (message) == 0)
    return TRUE;
  return confab_store_outbox_put (self->store, _confab_session_account_id (self), self->consumer_id,
                                  message, NULL);
}

/* The head of the outbox is done with: sent (it leaves the store's outbox) or failed (it stays,
 * marked, so a restart still offers Retry). */
static void
outbox_pop (ConfabSession *self)
{
  g_autoptr(ConfabMessage) message = g_queue_pop_head (&self->outbox);

  if (message == NULL || self->store == NULL || confab_message_get_local_id (message) == 0)
    return;
  if (confab_message_get_delivery_state (message) == CONFAB_DELIVERY_FAILED)
    _confab_session_outbox_save (self, message);
  else
    confab_store_outbox_remove (self->store, confab_message_get_local_id (message));
}

static gboolean
outbox_holds (ConfabSession *self,
              gint64         local_id)
{
  for (GList *l = self->outbox.head; l != NULL; l = l->next)
    if (confab_message_get_local_id (l->data) == local_id)
      return TRUE;
  return FALSE;
}

/* Written before anything typed in this run: they go first, in their order. Rows this run
 * wrote itself (it saves its queue as soon as the identity is known) are here already. */
void
_confab_session_restore_outbox (ConfabSession *self,
                                GPtrArray     *saved)
{
  g_autoptr(GPtrArray) restored = g_ptr_array_new ();

  for (guint i = 0; i < saved->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (saved, i);

      if (!outbox_holds (self, confab_message_get_local_id (message)))
        g_ptr_array_add (restored, message);
    }

  confab_message_list_prepend_outgoing (self->messages, restored);
  for (guint i = restored->len; i > 0; i--)
    {
      ConfabMessage *message = g_ptr_array_index (restored, i - 1);

      if (confab_message_get_delivery_state (message) != CONFAB_DELIVERY_FAILED)
        g_queue_push_head (&self->outbox, g_object_ref (message));
    }
}

/* Refused for good: every queued message fails (and stays in the store's outbox, marked,
 * so a restart still offers Retry). */
void
_confab_session_fail_outbox (ConfabSession *self)
{
  while (!g_queue_is_empty (&self->outbox))
    {
      confab_message_fail (g_queue_peek_head (&self->outbox));
      outbox_pop (self);
    }
}

static gboolean
busy_retry_cb (gpointer data)
{
  ConfabSession *self = data;

  self->busy_source = 0;
  _confab_session_flush_outbox (self);
  return G_SOURCE_REMOVE;
}

static void
publish_text_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabMessage) message = NULL;
  gint64 sequence = -1;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  message = g_steal_pointer (&self->in_flight);
  if (message == NULL)
    return;

  if (frame != NULL && confab_parse_publish_sequence (frame, &sequence, &error))
    {
      self->busy_retries = 0;
      outbox_pop (self);
      /* in the dialog it was published into (set when it went) */
      if (confab_message_list_set_sequence (self->messages, message, confab_message_get_dialog_id (message),
                                            sequence))
        {
          confab_message_advance_delivery (message, CONFAB_DELIVERY_SENT);
          _confab_session_apply_early_receipts (self, message);
        }
    }
  else if (confab_message_get_sequence (message) < 0 && error->domain == CONFAB_RESPONSE_ERROR &&
           (error->code == 429 || error->code >= 500) && self->busy_retries < MAX_BUSY_RETRIES)
    {
      /* Busy or failing service: the same request again after a growing pause, a few times
       * (429 asks for at least a second). */
      guint delay = BUSY_RETRY_BASE_MS << self->busy_retries;

      self->busy_retries++;
      g_debug ("Message answered %d, trying again in %u ms", error->code, delay);
      confab_message_requeue (message);
      g_clear_handle_id (&self->busy_source, g_source_remove);
      self->busy_source = g_timeout_add (delay, busy_retry_cb, self);
      return;
    }
  else if (error->domain == CONFAB_RESPONSE_ERROR || error->domain == CONFAB_PROTOCOL_ERROR)
    {
      g_debug ("Message refused: %s", error->message);
      confab_message_fail (message);
      outbox_pop (self);
    }
  else if (confab_message_get_sequence (message) >= 0)
    {
      /* The answer was lost but the echo came: the service has it. */
      g_debug ("Message not answered, but its echo came: %s", error->message);
      outbox_pop (self);
    }
  else
    {
      /* Lost on the way: it goes again, in order, after reconnecting, unless the replay
       * shows the service stored it (its echo is matched then, see ConfabMessageList). */
      g_debug ("Message not answered: %s", error->message);
      confab_message_requeue (message);
      if (g_error_matches (error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_TIMEOUT) &&
          CONFAB_CONNECTION (object) == self->conn)
        {
          /* A socket that does not answer in 10 s is not trusted with a second try. */
          confab_connection_drop (self->conn, "a message had no answer");
          return;
        }
    }

  _confab_session_flush_outbox (self);
}

void
_confab_session_flush_outbox (ConfabSession *self)
{
  ConfabMessage *head;
  const char *target_dialog;
  const char *dialog_id;
  gint64 target_sequence;

  /* Queued messages whose echo a replay matched are sent already; an answer to a survey
   * that is over has nowhere to go (not into a new conversation). */
  while ((head = g_queue_peek_head (&self->outbox)) != NULL && head != self->in_flight &&
         (confab_message_get_delivery_state (head) >= CONFAB_DELIVERY_SENT ||
          _confab_session_is_stale_answer (self, head)))
    {
      if (confab_message_get_delivery_state (head) < CONFAB_DELIVERY_SENT)
        confab_message_fail (head);
      outbox_pop (self);
    }

  if (self->in_flight != NULL || g_queue_is_empty (&self->outbox) || !_confab_session_is_online (self) ||
      self->busy_source != 0 || self->awaiting_metadata)
    return;

  /* While a post-conversation survey runs, what the person sends answers it: it goes into
   * the survey's dialog, not into a new conversation. */
  if (!self->survey_open)
    switch (self->conversation_status)
      {
      case CONFAB_CONVERSATION_NONE:
      case CONFAB_CONVERSATION_CLOSED:
        /* Not before the closed one's dialog has caught up: a new conversation is followed
         * instead, and what the old one's replay brings would be dropped. */
        if (self->subscribing || self->resuming)
          return;
        _confab_session_request_conversation (self);
        return;
      case CONFAB_CONVERSATION_REQUESTED:
        return;
      case CONFAB_CONVERSATION_OPEN:
      default:
        break;
      }

  if (!(self->survey_open ? self->survey_subscribed : self->dialog_subscribed) || self->resuming)
    return;

  dialog_id = _confab_session_publish_dialog (self);
  head = g_queue_peek_head (&self->outbox);
  self->in_flight = g_object_ref (head);
  if (!confab_message_get_attempted (head))
    {
      confab_message_set_attempted (head, TRUE);
      _confab_session_outbox_save (self, head);
    }
  confab_message_set_dialog_id (head, dialog_id);
  confab_message_set_conversation_id (head, self->conversation_id);
  confab_message_advance_delivery (head, CONFAB_DELIVERY_SENDING);
  /* A reply to a click: the ACTION first, once, as LivePerson's clients send it; not into
   * another conversation than the one clicked in. */
  if (confab_message_get_reply_target (head, &target_dialog, &target_sequence) &&
      !confab_message_get_action_sent (head))
    {
      confab_message_set_action_sent (head, TRUE);
      _confab_session_publish_action (self, target_dialog, target_sequence,
                                      confab_message_get_metadata (head));
    }
  confab_connection_send_request_full (self->conn, CONFAB_REQ_PUBLISH_EVENT,
                                       confab_message_get_file (head) != NULL
                                       ? confab_publish_file_body (self->conversation_id, dialog_id,
                                                                   confab_message_get_file (head))
                                       : confab_publish_text_body (self->conversation_id, dialog_id,
                                                                   confab_message_get_text (head)),
                                       confab_message_get_own (head) ? confab_message_get_metadata (head) : NULL,
                                       NULL, publish_text_cb, g_object_ref (self));

  /* Sending ends "typing". */
  if (self->composing_sent)
    confab_session_set_typing (self, FALSE);
}

ConfabMessage *
confab_session_send_text (ConfabSession *self,
                          const char    *text)
{
  g_autoptr(ConfabMessage) message = NULL;

  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  message = confab_message_new_outgoing (text, g_get_real_time () / 1000);
  if (!_confab_session_queue_outgoing (self, message))
    return NULL;
  return message;
}

gboolean
_confab_session_queue_outgoing (ConfabSession *self,
                                ConfabMessage *message)
{
  if (self->store != NULL)
    confab_message_set_local_id (message, confab_store_next_local_id (self->store));
  /* On disk before it is shown or goes anywhere: a crash or a restart does not lose it, and
   * what could not be saved is not shown as queued. */
  if (!_confab_session_outbox_save (self, message))
    return FALSE;
  confab_message_list_append_outgoing (self->messages, message);
  g_queue_push_tail (&self->outbox, g_object_ref (message));
  _confab_session_flush_outbox (self);
  return TRUE;
}

void
confab_session_retry_message (ConfabSession *self,
                              ConfabMessage *message)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (CONFAB_IS_MESSAGE (message));

  if (confab_message_get_delivery_state (message) != CONFAB_DELIVERY_FAILED ||
      !confab_message_requeue (message))
    return;
  g_queue_push_tail (&self->outbox, g_object_ref (message));
  _confab_session_outbox_save (self, message);
  _confab_session_flush_outbox (self);
}
