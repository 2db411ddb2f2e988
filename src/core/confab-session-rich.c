/* confab-session-rich.c: clicks in rich messages and quick replies
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). A click on a button, image or map
 * of a rich message, or on a quick reply, is told to the service as LivePerson's own clients
 * do: an AcceptStatusEvent ACTION for the message clicked in, with the click's metadata as
 * the request's metadata, and for publishText the text as an own message with the same
 * metadata. The text goes through the outbox like anything the person writes (on disk
 * first, sent in order, after the ACTION); links and maps are the interface's to open.
 *
 * Quick replies are on offer under the newest message only: they go when one is chosen,
 * when anything newer arrives, and while the person writes (confab-session-typing.c).
 */
#include "config.h"

#include "confab-session-private.h"

static void
action_published_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  /* Nothing to undo: the service only learns less about what was chosen, and the reply
   * (publishText) goes all the same. */
  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame == NULL)
    g_debug ("ACTION receipt not published: %s", error->message);
}

gboolean
_confab_session_publish_action (ConfabSession *self,
                                const char    *dialog_id,
                                gint64         sequence,
                                JsonNode      *metadata)
{
  /* into the dialog clicked in: the conversation's, or its running survey's */
  if (!_confab_session_can_publish (self) || g_strcmp0 (dialog_id, _confab_session_publish_dialog (self)) != 0)
    {
      g_debug ("No ACTION receipt: not online in the dialog clicked in");
      return FALSE;
    }

  confab_connection_send_request_full (self->conn, CONFAB_REQ_PUBLISH_EVENT,
                                       confab_publish_receipt_body (self->conversation_id, dialog_id,
                                                                    CONFAB_RECEIPT_ACTION, &sequence, 1),
                                       metadata, NULL, action_published_cb, NULL);
  return TRUE;
}

/* Whether click is one of message's quick replies (not an element of its content). */
static gboolean
is_quick_reply (ConfabMessage         *message,
                const ConfabRichClick *click)
{
  ConfabQuickReplies *replies = confab_message_get_quick_replies (message);

  if (replies == NULL)
    return FALSE;
  for (guint i = 0; i < replies->replies->len; i++)
    {
      ConfabRichElement *chip = g_ptr_array_index (replies->replies, i);

      if (chip->click == click)
        return TRUE;
    }
  return FALSE;
}

ConfabMessage *
confab_session_activate_click (ConfabSession         *self,
                               ConfabMessage         *message,
                               const ConfabRichClick *click)
{
  ConfabMessage *first_reply = NULL;
  gboolean told = FALSE;
  const char *dialog_id;
  gint64 sequence;

  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  g_return_val_if_fail (CONFAB_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (click != NULL, NULL);

  if (is_quick_reply (message, click))
    {
      confab_message_set_replies_chosen (message, TRUE);
      confab_message_set_replies_active (message, FALSE);
    }

  dialog_id = confab_message_get_dialog_id (message);
  sequence = confab_message_get_sequence (message);
  if (dialog_id == NULL || sequence < 0)
    {
      g_debug ("A click in a message with no place in a dialog");
      return NULL;
    }

  for (guint i = 0; i < click->actions->len; i++)
    {
      const ConfabRichAction *action = g_ptr_array_index (click->actions, i);
      g_autoptr(ConfabMessage) reply = NULL;

      if (action->type != CONFAB_RICH_ACTION_PUBLISH_TEXT)
        continue;
      reply = confab_message_new_reply (action->text, g_get_real_time () / 1000, click->metadata,
                                        dialog_id, sequence);
      /* One ACTION a click, however many texts it sends: it goes before the first. */
      confab_message_set_action_sent (reply, told || click->metadata == NULL);
      if (!_confab_session_queue_outgoing (self, reply))
        return first_reply;
      told = TRUE;
      if (first_reply == NULL)
        first_reply = reply;
    }

  /* Nothing written: only what the brand asked to hear about, as LivePerson's clients send
   * ACTION for a click with metadata. */
  if (!told && click->metadata != NULL)
    _confab_session_publish_action (self, dialog_id, sequence, click->metadata);
  return first_reply;
}

/* Whether an answer to message could still go anywhere: not when its dialog is known to be
 * over (the survey that ran, or the conversation closed). Before the service has said, as
 * after a restart, it could. */
static gboolean
answerable (ConfabSession *self,
            ConfabMessage *message)
{
  const char *dialog_id = confab_message_get_dialog_id (message);

  if (self->survey_dialog_id != NULL && g_strcmp0 (dialog_id, self->survey_dialog_id) == 0)
    return self->survey_open;
  /* A survey that ended before a restart, before the metadata has named it again: its row
   * says so. Looked for only in a dialog that is not the conversation's. */
  if (dialog_id != NULL && g_strcmp0 (dialog_id, self->conversation_id) != 0 &&
      (_confab_session_has_event_row (self, dialog_id, CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED) ||
       _confab_session_has_event_row (self, dialog_id, CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED)))
    return FALSE;
  return !(self->conversation_status == CONFAB_CONVERSATION_CLOSED &&
           g_strcmp0 (dialog_id, self->conversation_id) == 0);
}

/* The newest message offers its quick replies, unless one was chosen, the person is
 * writing or its dialog has closed; a message that stops being the newest takes them
 * away for good. */
void
_confab_session_update_quick_replies (ConfabSession *self)
{
  GListModel *model = G_LIST_MODEL (self->messages);
  g_autoptr(ConfabMessage) newest = NULL;

  /* the newest message: a row for an event of the conversation (a hand-over) offers nothing */
  for (guint i = g_list_model_get_n_items (model); i > 0 && newest == NULL; i--)
    {
      newest = g_list_model_get_item (model, i - 1);
      if (confab_message_is_event (newest))
        g_clear_object (&newest);
    }

  if (newest != self->replies_message)
    {
      if (self->replies_message != NULL)
        confab_message_set_replies_active (self->replies_message, FALSE);
      g_set_object (&self->replies_message, newest);
    }
  if (newest != NULL)
    confab_message_set_replies_active (newest, !confab_message_get_own (newest) &&
                                               !confab_message_get_replies_chosen (newest) && !self->drafting &&
                                               answerable (self, newest));
}
