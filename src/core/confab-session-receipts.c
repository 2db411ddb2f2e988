/* confab-session-receipts.c: ACCEPT and READ, out in batches; the agent's, in
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). Messages from the agent are
 * acknowledged (ACCEPT) when they arrive and marked READ when the person has seen them,
 * collected for a short while and published in one event per status. Receipts from the
 * agent advance the delivery state of own messages, also when they come before the
 * answer that gives a message its sequence.
 */
#include "config.h"

#include "confab-session-private.h"

ConfabSeqBatch *
_confab_seq_batch_new (void)
{
  ConfabSeqBatch *batch = g_new0 (ConfabSeqBatch, 1);

  batch->order = g_array_new (FALSE, FALSE, sizeof (gint64));
  batch->members = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return batch;
}

void
_confab_seq_batch_free (ConfabSeqBatch *batch)
{
  g_array_unref (batch->order);
  g_hash_table_unref (batch->members);
  g_free (batch);
}

void
_confab_seq_batch_clear (ConfabSeqBatch *batch)
{
  g_array_set_size (batch->order, 0);
  g_hash_table_remove_all (batch->members);
}

gboolean
_confab_seq_batch_contains (ConfabSeqBatch *batch,
                            gint64          sequence)
{
  return g_hash_table_contains (batch->members, &sequence);
}

void
_confab_seq_batch_add (ConfabSeqBatch *batch,
                       gint64          sequence)
{
  if (_confab_seq_batch_contains (batch, sequence))
    return;
  g_array_append_val (batch->order, sequence);
  g_hash_table_add (batch->members, g_memdup2 (&sequence, sizeof sequence));
}

void
_confab_seq_batch_remove (ConfabSeqBatch *batch,
                          gint64          sequence)
{
  if (!g_hash_table_remove (batch->members, &sequence))
    return;
  for (guint i = 0; i < batch->order->len; i++)
    if (g_array_index (batch->order, gint64, i) == sequence)
      {
        g_array_remove_index (batch->order, i);
        return;
      }
}

typedef struct
{
  ConfabSession *self;
  ConfabReceiptStatus status;
  char *dialog_id;
  GArray *sequences;
} ReceiptData;

static void
receipt_data_free (ReceiptData *data)
{
  g_object_unref (data->self);
  g_free (data->dialog_id);
  g_array_unref (data->sequences);
  g_free (data);
}

static void
mark_receipt_sent (ConfabSession       *self,
                   const char          *dialog_id,
                   GArray              *sequences,
                   ConfabReceiptStatus  status,
                   gboolean             sent)
{
  g_autoptr(GArray) unlisted = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < sequences->len; i++)
    {
      ConfabMessage *message = confab_message_list_lookup (self->messages, dialog_id,
                                                           g_array_index (sequences, gint64, i));

      if (message == NULL)
        g_array_append_val (unlisted, g_array_index (sequences, gint64, i));
      else if (status == CONFAB_RECEIPT_ACCEPT)
        confab_message_set_accept_sent (message, sent);
      else
        confab_message_set_read_sent (message, sent);
    }
  /* a message of the history not loaded: its row on disk */
  if (sent)
    _confab_session_unlisted_receipts (self, dialog_id, unlisted, status, FALSE);
}

/* Whether the dialog is known to be over: nothing will be published into it again. Until the
 * metadata tells (after a restart) none is, and a READ may still go later. */
static gboolean
dialog_over (ConfabSession *self,
             const char    *dialog_id)
{
  if (self->conversation_status == CONFAB_CONVERSATION_OPEN)
    return g_strcmp0 (dialog_id, self->conversation_id) != 0;
  if (self->conversation_status == CONFAB_CONVERSATION_CLOSED)
    return !self->survey_open || g_strcmp0 (dialog_id, self->survey_dialog_id) != 0;
  return FALSE;
}

/* Seen, in a dialog no receipt may go to: read all the same, on this side only. The flag is
 * what the history keeps of it, for the unread count and divider after a restart. */
static void
mark_read_locally (ConfabSession *self,
                   const char    *dialog_id,
                   GArray        *sequences)
{
  mark_receipt_sent (self, dialog_id, sequences, CONFAB_RECEIPT_READ, TRUE);
}

void
_confab_session_read_batch_closed (ConfabSession *self)
{
  g_autoptr(GArray) sequences = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_vals (sequences, self->read_batch->order->data, self->read_batch->order->len);
  _confab_seq_batch_clear (self->read_batch);
  mark_read_locally (self, _confab_session_publish_dialog (self), sequences);
}

static void
receipt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ReceiptData *data = user_data;
  ConfabSession *self = data->self;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (g_strcmp0 (data->dialog_id, _confab_session_publish_dialog (self)) == 0 && self->accept_in_flight != NULL)
    {
      ConfabSeqBatch *flying = data->status == CONFAB_RECEIPT_ACCEPT ? self->accept_in_flight
                                                                     : self->read_in_flight;

      for (guint i = 0; i < data->sequences->len; i++)
        _confab_seq_batch_remove (flying, g_array_index (data->sequences, gint64, i));
    }
  if (frame != NULL)
    /* Only now: the flag is saved with the history, and a receipt lost with its socket or
     * with the process must go again after a restart. */
    mark_receipt_sent (self, data->dialog_id, data->sequences, data->status, TRUE);
  else
    {
      g_debug ("Receipt not published: %s", error->message);
      if (g_error_matches (error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_TIMEOUT) &&
          CONFAB_CONNECTION (object) == self->conn)
        confab_connection_drop (self->conn, "a receipt had no answer");
      /* Refused (4xx): not again. Lost on the way: again after reconnecting. */
      if (!g_error_matches (error, CONFAB_RESPONSE_ERROR, error->code) &&
          g_strcmp0 (data->dialog_id, _confab_session_publish_dialog (self)) == 0 &&
          (self->conversation_status == CONFAB_CONVERSATION_OPEN || self->survey_open))
        {
          ConfabSeqBatch *batch = data->status == CONFAB_RECEIPT_ACCEPT ? self->accept_batch : self->read_batch;

          for (guint i = 0; i < data->sequences->len; i++)
            _confab_seq_batch_add (batch, g_array_index (data->sequences, gint64, i));
        }
      /* lost or refused, and its dialog closed meanwhile: it cannot go again */
      else if (data->status == CONFAB_RECEIPT_READ && dialog_over (self, data->dialog_id))
        mark_read_locally (self, data->dialog_id, data->sequences);
    }
  receipt_data_free (data);
}

static void
publish_receipts (ConfabSession       *self,
                  ConfabSeqBatch      *batch,
                  ConfabSeqBatch      *flying,
                  ConfabReceiptStatus  status)
{
  ReceiptData *data;
  GArray *sequences;

  if (batch->order->len == 0)
    return;

  sequences = g_array_sized_new (FALSE, FALSE, sizeof (gint64), batch->order->len);
  g_array_append_vals (sequences, batch->order->data, batch->order->len);
  _confab_seq_batch_clear (batch);
  /* in flight: a second mark_read before the answer sends nothing */
  for (guint i = 0; i < sequences->len; i++)
    _confab_seq_batch_add (flying, g_array_index (sequences, gint64, i));

  data = g_new0 (ReceiptData, 1);
  data->self = g_object_ref (self);
  data->status = status;
  /* the dialog the messages are in: the conversation's, or its running survey's */
  data->dialog_id = g_strdup (_confab_session_publish_dialog (self));
  data->sequences = sequences;

  g_debug ("Publishing %s for %u messages", confab_receipt_status_to_string (status), sequences->len);
  confab_connection_send_request (self->conn, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_receipt_body (self->conversation_id, data->dialog_id,
                                                               status, &g_array_index (sequences, gint64, 0),
                                                               sequences->len),
                                  NULL, receipt_cb, data);
}

/* Whether a receipt of this status for the sequence of the current dialog is on its way. */
static gboolean
in_flight (ConfabSession       *self,
           ConfabReceiptStatus  status,
           gint64               sequence)
{
  return _confab_seq_batch_contains (status == CONFAB_RECEIPT_ACCEPT ? self->accept_in_flight
                                                                     : self->read_in_flight,
                                     sequence);
}

static gboolean
receipts_cb (gpointer user_data)
{
  ConfabSession *self = user_data;

  self->receipt_source = 0;
  if (!_confab_session_can_publish (self) || self->resuming)
    return G_SOURCE_REMOVE;

  publish_receipts (self, self->accept_batch, self->accept_in_flight, CONFAB_RECEIPT_ACCEPT);
  if (self->send_read_receipts)
    publish_receipts (self, self->read_batch, self->read_in_flight, CONFAB_RECEIPT_READ);
  else
    _confab_seq_batch_clear (self->read_batch);

  return G_SOURCE_REMOVE;
}

void
_confab_session_schedule_receipts (ConfabSession *self)
{
  if (self->receipt_source != 0 || (self->accept_batch->order->len == 0 && self->read_batch->order->len == 0))
    return;
  self->receipt_source = g_timeout_add (self->receipt_batch_ms, receipts_cb, self);
}

static gboolean
wants_receipt (ConfabSession *self,
               ConfabMessage *message)
{
  return message != NULL && !confab_message_get_own (message) &&
         confab_message_get_sequence (message) >= 0 &&
         g_strcmp0 (confab_message_get_dialog_id (message), _confab_session_publish_dialog (self)) == 0;
}

void
_confab_session_queue_accept (ConfabSession *self,
                              ConfabMessage *message)
{
  gint64 sequence = confab_message_get_sequence (message);

  if (!wants_receipt (self, message) || confab_message_get_accept_sent (message) ||
      _confab_seq_batch_contains (self->accept_batch, sequence) || in_flight (self, CONFAB_RECEIPT_ACCEPT, sequence))
    return;
  /* Fetched from a dialog that is over (caught up after it closed): no ACCEPT may go into
   * it, and the history must not keep it as waiting for one. */
  if (dialog_over (self, confab_message_get_dialog_id (message)))
    {
      confab_message_set_accept_sent (message, TRUE);
      return;
    }
  _confab_seq_batch_add (self->accept_batch, sequence);
}

void
_confab_session_queue_accept_sequence (ConfabSession *self,
                                       gint64         sequence)
{
  if (_confab_seq_batch_contains (self->accept_batch, sequence) || in_flight (self, CONFAB_RECEIPT_ACCEPT, sequence))
    return;
  _confab_seq_batch_add (self->accept_batch, sequence);
}

void
confab_session_mark_read (ConfabSession *self,
                          GPtrArray     *messages)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (messages != NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (messages, i);

      /* rows for events of the conversation are neither read nor unread */
      if (confab_message_get_own (message) || confab_message_is_event (message))
        continue;
      confab_message_set_seen (message, TRUE);
      /* a dialog that is over takes no receipt: what was seen there is read all the same */
      if (dialog_over (self, confab_message_get_dialog_id (message)))
        confab_message_set_read_sent (message, TRUE);
    }

  if (!self->send_read_receipts ||
      (self->conversation_status != CONFAB_CONVERSATION_OPEN && !self->survey_open))
    return;

  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (messages, i);
      gint64 sequence = confab_message_get_sequence (message);

      if (!wants_receipt (self, message) || confab_message_get_read_sent (message) ||
          _confab_seq_batch_contains (self->read_batch, sequence) || in_flight (self, CONFAB_RECEIPT_READ, sequence))
        continue;
      _confab_seq_batch_add (self->read_batch, sequence);
    }
  _confab_session_schedule_receipts (self);
}

/* Receipts in */

/* Our own receipt, seen again in a replay: never send it twice. */
void
_confab_session_apply_own_receipt (ConfabSession       *self,
                                   const char          *dialog_id,
                                   gint64               sequence,
                                   ConfabReceiptStatus  status)
{
  ConfabMessage *message = confab_message_list_lookup (self->messages, dialog_id, sequence);

  if (message == NULL)
    {
      g_autoptr(GArray) unlisted = g_array_new (FALSE, FALSE, sizeof (gint64));

      g_array_append_val (unlisted, sequence);
      _confab_session_unlisted_receipts (self, dialog_id, unlisted, status, FALSE);
    }

  /* the batches hold sequences of the dialog receipts go to, and of no other */
  if (g_strcmp0 (dialog_id, _confab_session_publish_dialog (self)) != 0)
    {
      if (message != NULL)
        {
          confab_message_set_accept_sent (message, TRUE);
          if (status != CONFAB_RECEIPT_ACCEPT)
            confab_message_set_read_sent (message, TRUE);
        }
      return;
    }

  if (status == CONFAB_RECEIPT_ACCEPT)
    {
      _confab_seq_batch_remove (self->accept_batch, sequence);
      if (message != NULL)
        confab_message_set_accept_sent (message, TRUE);
    }
  else
    {
      _confab_seq_batch_remove (self->read_batch, sequence);
      _confab_seq_batch_remove (self->accept_batch, sequence);
      if (message != NULL)
        {
          confab_message_set_read_sent (message, TRUE);
          confab_message_set_accept_sent (message, TRUE);
        }
    }
}

void
_confab_session_apply_agent_receipt (ConfabSession       *self,
                                     const char          *dialog_id,
                                     gint64               sequence,
                                     ConfabReceiptStatus  status)
{
  ConfabDeliveryState state = status == CONFAB_RECEIPT_READ ? CONFAB_DELIVERY_READ : CONFAB_DELIVERY_DELIVERED;
  ConfabMessage *message = confab_message_list_lookup (self->messages, dialog_id, sequence);

  if (message != NULL)
    {
      if (confab_message_get_own (message))
        confab_message_advance_delivery (message, state);
      return;
    }

  /* The receipt for a message whose publish answer is still on its way, or for one of the
   * history not loaded (its row on disk now, and when an older page brings it). */
  {
    g_autoptr(GArray) unlisted = g_array_new (FALSE, FALSE, sizeof (gint64));

    g_array_append_val (unlisted, sequence);
    _confab_session_unlisted_receipts (self, dialog_id, unlisted, status, TRUE);
  }
  {
    g_autofree char *key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, dialog_id, sequence);
    ConfabDeliveryState known = GPOINTER_TO_INT (g_hash_table_lookup (self->early_receipts, key));

    if (state > known)
      g_hash_table_insert (self->early_receipts, g_steal_pointer (&key), GINT_TO_POINTER (state));
  }
}

void
_confab_session_apply_early_receipts (ConfabSession *self,
                                      ConfabMessage *message)
{
  g_autofree char *key = NULL;
  g_autofree char *stolen = NULL;
  gpointer state;

  if (g_hash_table_size (self->early_receipts) == 0)
    return;
  key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, confab_message_get_dialog_id (message),
                         confab_message_get_sequence (message));
  if (g_hash_table_steal_extended (self->early_receipts, key, (gpointer *) &stolen, &state))
    confab_message_advance_delivery (message, GPOINTER_TO_INT (state));
}
