/* confab-session-post-survey.c: the post-conversation survey, a dialog of its own
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). Where the account runs
 * post-conversation surveys, closing the main dialog does not end the conversation: the
 * metadata shows the main dialog closed ("state" CLOSE), the conversation still open
 * ("stage" OPEN) and a second dialog of type POST_SURVEY, open. Confab then subscribes to
 * that dialog; its questions come as messages with quick replies and are rows of the list
 * like any other, acknowledged (ACCEPT, READ) in that dialog. While it runs, everything
 * the person sends (a chosen answer: ACTION and text, both with the chip's Answer metadata;
 * or words) goes into the survey's dialog. It ends when its dialog closes ("Completed")
 * with the conversation, or when the person skips it, which closes the whole conversation
 * (a Stage field). Either way a row says so. A restart, or a new socket, finds a running
 * survey again in the metadata and subscribes to it once more.
 */
#include "config.h"

#include "confab-session-private.h"

/* Everything queued for the dialog receipts were going to: a sequence of one dialog must
 * not reach another. */
static void
clear_receipts (ConfabSession *self)
{
  _confab_seq_batch_clear (self->accept_batch);
  _confab_session_read_batch_closed (self);
  _confab_seq_batch_clear (self->accept_in_flight);
  _confab_seq_batch_clear (self->read_in_flight);
}

static void
set_survey_open (ConfabSession *self,
                 gboolean       open)
{
  if (self->survey_open == open)
    return;
  clear_receipts (self);
  self->survey_subscribed = FALSE;
  SET_PROP (survey_open, open, PROP_SURVEY_OPEN);
}

/* The quick replies of a survey that is over are no longer answers to anything. */
static void
withdraw_replies (ConfabSession *self)
{
  if (self->replies_message != NULL &&
      g_strcmp0 (confab_message_get_dialog_id (self->replies_message), self->survey_dialog_id) == 0)
    confab_message_set_replies_active (self->replies_message, FALSE);
}

static void
end_survey (ConfabSession *self,
            gboolean       completed,
            gint64         time_ms)
{
  if (self->survey_dialog_id == NULL)
    return;
  set_survey_open (self, FALSE);
  withdraw_replies (self);
  _confab_session_add_survey_row (self, self->survey_dialog_id, completed, time_ms);
  /* what was queued for it has nowhere to go now; what the person wrote since starts anew */
  _confab_session_flush_outbox (self);
}

static void send_skip (ConfabSession *self);

void
_confab_session_survey_seen (ConfabSession      *self,
                             const ConfabDialog *survey,
                             gboolean            stage_closed,
                             gint64              time_ms)
{
  gboolean open = survey->state == CONFAB_CONVERSATION_STATE_OPEN && !stage_closed;

  if (self->conversation_id == NULL)
    return;
  g_hash_table_add (self->post_surveyed, g_strdup (self->conversation_id));

  if (g_strcmp0 (self->survey_dialog_id, survey->dialog_id) != 0)
    {
      set_survey_open (self, FALSE);
      g_free (self->survey_dialog_id);
      self->survey_dialog_id = g_strdup (survey->dialog_id);
      self->survey_skipped = FALSE;
    }

  if (open)
    {
      /* Skipped before a restart: the row saying so is in the history, and the survey
       * running still means the skip never reached the service (a survey that ended any
       * other way is over in the metadata too). It goes now, once: the row, saved at the
       * skip, is all that needs keeping. */
      if (!self->survey_skipped &&
          _confab_session_has_event_row (self, survey->dialog_id, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED))
        {
          send_skip (self);
          return;
        }
      /* skipped offline: the skip is on its way, the survey is not shown again */
      if (self->survey_skipped || g_strcmp0 (self->survey_skip_pending, self->conversation_id) == 0)
        return;
      set_survey_open (self, TRUE);
      _confab_session_subscribe_survey (self);
      return;
    }

  /* Over: completed by the survey, unless the person skipped it or it closed some other
   * way (the conversation closed under it). A skip still waiting has nothing left to do. */
  if (g_strcmp0 (self->survey_skip_pending, self->conversation_id) == 0)
    g_clear_pointer (&self->survey_skip_pending, g_free);
  end_survey (self, !self->survey_skipped && g_strcmp0 (survey->closed_cause, "Completed") == 0, time_ms);
}

void
_confab_session_survey_stage_closed (ConfabSession *self,
                                     gint64         time_ms)
{
  if (self->survey_open)
    end_survey (self, FALSE, time_ms);
}

void
_confab_session_forget_survey (ConfabSession *self)
{
  set_survey_open (self, FALSE);
  g_clear_pointer (&self->survey_dialog_id, g_free);
  self->survey_subscribing = FALSE;
  self->survey_skipped = FALSE;
}

void
_confab_session_survey_lost_socket (ConfabSession *self)
{
  self->survey_subscribed = FALSE;
  self->survey_subscribing = FALSE;
}

/* Subscribing */

static void
subscribe_survey_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model = G_LIST_MODEL (self->messages);

  self->survey_subscribing = FALSE;
  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (CONFAB_CONNECTION (object) != self->conn || !self->survey_open)
    return;
  if (frame == NULL)
    {
      g_debug ("Subscribing to the survey failed: %s", error->message);
      if (self->conn != NULL)
        confab_connection_drop (self->conn, "the survey subscription failed");
      return;
    }

  self->survey_subscribed = TRUE;
  /* The questions held from before (a restart, a new socket) that were not acknowledged:
   * only the survey's own are taken (receipts follow the dialog publishes go to). */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      _confab_session_queue_accept (self, message);
    }
  _confab_session_start_resume_settle (self);
}

void
_confab_session_subscribe_survey (ConfabSession *self)
{
  gint64 from_seq;

  if (!self->survey_open || self->survey_subscribed || self->survey_subscribing ||
      !_confab_session_is_online (self))
    return;

  from_seq = confab_message_list_get_last_sequence (self->messages, self->survey_dialog_id) + 1;
  self->survey_subscribing = TRUE;
  g_debug ("Subscribing to the survey from sequence %" G_GINT64_FORMAT, from_seq);
  confab_connection_send_request (self->conn, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (self->conversation_id, self->survey_dialog_id,
                                                                   from_seq),
                                  NULL, subscribe_survey_cb, g_object_ref (self));
}

/* Skipping */

typedef struct
{
  ConfabSession *self;
  char *conversation_id;
} SkipData;

static void
skip_data_free (SkipData *data)
{
  g_object_unref (data->self);
  g_free (data->conversation_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SkipData, skip_data_free)

static void
skip_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SkipData) data = user_data;
  ConfabSession *self = data->self;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame != NULL || g_error_matches (error, CONFAB_RESPONSE_ERROR, error->code))
    {
      /* Done, or refused (closed already): either way nothing more to send. The metadata
       * says the conversation is closed. */
      if (frame == NULL)
        g_debug ("Skipping the survey refused: %s", error->message);
      return;
    }
  /* Lost with the socket: again when online, unless another skip waits already. */
  g_debug ("Skipping the survey not sent: %s", error->message);
  if (self->survey_skip_pending == NULL)
    self->survey_skip_pending = g_steal_pointer (&data->conversation_id);
}

void
_confab_session_flush_survey_skip (ConfabSession *self)
{
  SkipData *data;

  if (self->survey_skip_pending == NULL || !_confab_session_is_online (self))
    return;
  data = g_new0 (SkipData, 1);
  data->self = g_object_ref (self);
  data->conversation_id = g_steal_pointer (&self->survey_skip_pending);
  confab_connection_send_request (self->conn, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_stage_body (data->conversation_id),
                                  NULL, skip_cb, data);
}

/* The current conversation's survey is skipped: said now, or when online again. */
static void
send_skip (ConfabSession *self)
{
  self->survey_skipped = TRUE;
  g_free (self->survey_skip_pending);
  self->survey_skip_pending = g_strdup (self->conversation_id);
  _confab_session_flush_survey_skip (self);
}

void
confab_session_skip_survey (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (!self->survey_open)
    return;
  /* The person is done with it at once, online or not: the close follows. The close goes
   * first, before whatever ending the survey lets the outbox send. */
  send_skip (self);
  end_survey (self, FALSE, 0);
  /* its row is what remembers the skip across a restart, if it could not go yet */
  _confab_session_save_pending (self);
}

gboolean
confab_session_get_survey_open (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);

  return self->survey_open;
}

gboolean
confab_session_get_has_post_survey (ConfabSession *self,
                                    const char    *conversation_id)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (conversation_id != NULL, FALSE);

  return g_hash_table_contains (self->post_surveyed, conversation_id);
}

gboolean
_confab_session_is_stale_answer (ConfabSession *self,
                                 ConfabMessage *message)
{
  const char *dialog_id;
  gint64 sequence;

  if (!confab_message_get_reply_target (message, &dialog_id, &sequence) ||
      confab_metadata_find (confab_message_get_metadata (message), "Answer") == NULL)
    return FALSE;
  return !self->survey_open || g_strcmp0 (dialog_id, self->survey_dialog_id) != 0;
}
