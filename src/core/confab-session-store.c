/* confab-session-store.c: the history and the identity it belongs to, on disk
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). As soon as the consumer's identity
 * is known (from the token, before any network) the newest page of its history is read and
 * shown before the socket catches up, with what the session needs of the rest without
 * reading it: the conversation, where each dialog's replay resumes, the agent's messages
 * not acknowledged yet and the outbox. An anonymous consumer learns its identity only from
 * the signup: until then the page of the identity the account used last shows. Older pages
 * come when asked for (confab_session_load_older()).
 *
 * Every row that enters the list from the socket is saved, and every row is saved again
 * when it changes, in an idle batch. Receipts for messages that are on disk but not in the
 * list go to the disk directly, and onto their rows when an older page brings them.
 */
#include "config.h"

#include "confab-session-private.h"

static gboolean
save_dirty_cb (gpointer data)
{
  ConfabSession *self = data;

  self->save_source = 0;
  /* in the order they entered the list: a dialog takes its place on disk with its first row */
  if (self->store != NULL && self->consumer_id != NULL && self->dirty_order->len > 0)
    confab_store_save_messages (self->store, _confab_session_account_id (self), self->consumer_id,
                                self->dirty_order);
  g_ptr_array_set_size (self->dirty_order, 0);
  g_hash_table_remove_all (self->dirty);
  return G_SOURCE_REMOVE;
}

static void
message_dirty_cb (ConfabSession *self,
                  GParamSpec    *pspec,
                  ConfabMessage *message)
{
  /* a name is shown, not kept with the row: the store has the agents' names */
  if (self->store == NULL || (confab_message_get_sequence (message) < 0 && !confab_message_is_event (message)) ||
      (pspec != NULL && g_strcmp0 (pspec->name, "sender-name") == 0))
    return;
  if (g_hash_table_add (self->dirty, g_object_ref (message)))
    g_ptr_array_add (self->dirty_order, g_object_ref (message));
  if (self->save_source == 0)
    self->save_source = g_idle_add_full (G_PRIORITY_LOW, save_dirty_cb, self, NULL);
}

/* Every row that enters the list is saved (unless it was just read from the disk), and
 * saved again when it changes. */
void
_confab_session_messages_changed_cb (ConfabSession *self,
                                     guint          position,
                                     guint          removed,
                                     guint          added,
                                     GListModel    *model)
{
  if (self->store == NULL)
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      if (g_object_get_data (G_OBJECT (message), "confab-session-watched") == NULL)
        {
          g_object_set_data (G_OBJECT (message), "confab-session-watched", GINT_TO_POINTER (1));
          g_signal_connect_object (message, "notify", G_CALLBACK (message_dirty_cb), self, G_CONNECT_SWAPPED);
          if (self->adding_stored)
            continue;
        }
      message_dirty_cb (self, NULL, message);
    }
}

/* What changed goes on disk now, not when idle. */
void
_confab_session_save_pending (ConfabSession *self)
{
  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_dirty_cb (self);
    }
}

/* Unlisted messages: receipts for them, and their rows when they come */

static gboolean
unaccepted_remove (ConfabSession *self,
                   gint64         sequence)
{
  for (guint i = 0; i < self->unaccepted->len; i++)
    if (g_array_index (self->unaccepted, gint64, i) == sequence)
      {
        g_array_remove_index (self->unaccepted, i);
        return TRUE;
      }
  return FALSE;
}

void
_confab_session_unlisted_receipts (ConfabSession       *self,
                                   const char          *dialog_id,
                                   GArray              *sequences,
                                   ConfabReceiptStatus  status,
                                   gboolean             by_agent)
{
  if (sequences->len == 0 || dialog_id == NULL)
    return;
  if (self->store != NULL && self->consumer_id != NULL)
    confab_store_save_receipts (self->store, _confab_session_account_id (self), self->consumer_id, dialog_id,
                                sequences, status, by_agent);
  /* The agent's are kept with the early receipts, which an older page's rows take too. */
  if (by_agent || g_strcmp0 (dialog_id, self->conversation_id) != 0)
    return;
  for (guint i = 0; i < sequences->len; i++)
    {
      gint64 sequence = g_array_index (sequences, gint64, i);
      gpointer key = g_memdup2 (&sequence, sizeof sequence);
      ConfabReceiptStatus known = GPOINTER_TO_INT (g_hash_table_lookup (self->unlisted_receipts, key));

      unaccepted_remove (self, sequence);
      if (known != CONFAB_RECEIPT_READ)
        g_hash_table_insert (self->unlisted_receipts, key, GINT_TO_POINTER (status));
      else
        g_free (key);
    }
}

void
_confab_session_forget_unlisted (ConfabSession *self)
{
  g_array_set_size (self->unaccepted, 0);
  g_hash_table_remove_all (self->unlisted_receipts);
}

/* Rows read from the disk are as the disk was when they were read: receipts published
 * since for them, while they were not in the list, are theirs now. */
static void
take_unlisted_receipts (ConfabSession *self,
                        GPtrArray     *added)
{
  for (guint i = 0; i < added->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (added, i);
      gint64 sequence = confab_message_get_sequence (message);
      gpointer status;

      if (confab_message_is_event (message))
        continue;
      if (confab_message_get_own (message))
        {
          _confab_session_apply_early_receipts (self, message);
          continue;
        }
      if (g_strcmp0 (confab_message_get_dialog_id (message), self->conversation_id) != 0)
        continue;
      /* in the list now: it is acknowledged through its row */
      unaccepted_remove (self, sequence);
      if (g_hash_table_lookup_extended (self->unlisted_receipts, &sequence, NULL, &status))
        {
          confab_message_set_accept_sent (message, TRUE);
          if (GPOINTER_TO_INT (status) == CONFAB_RECEIPT_READ)
            confab_message_set_read_sent (message, TRUE);
          g_hash_table_remove (self->unlisted_receipts, &sequence);
        }
    }
}

/* A page read from the disk goes on top of the list. */
static void
add_page (ConfabSession *self,
          GPtrArray     *messages,
          gboolean       has_older,
          guint          n_unread_before)
{
  g_autoptr(GPtrArray) added = NULL;

  /* older pages end at its first message (the events among them have no sequence) */
  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *first = g_ptr_array_index (messages, i);

      if (confab_message_is_event (first))
        continue;
      g_free (self->oldest_dialog);
      self->oldest_dialog = g_strdup (confab_message_get_dialog_id (first));
      self->oldest_sequence = confab_message_get_sequence (first);
      break;
    }
  self->adding_stored = TRUE;
  added = confab_message_list_add_older (self->messages, messages, has_older, n_unread_before);
  self->adding_stored = FALSE;
  take_unlisted_receipts (self, added);
}

/* Loading */

static void ensure_loaded (ConfabSession *self);

/* The identity is known: its history can be read, and what was written before it was known
 * goes on disk now. */
void
_confab_session_adopt_consumer (ConfabSession *self,
                                const char    *consumer_id)
{
  if (self->consumer_id != NULL && g_strcmp0 (self->consumer_id, consumer_id) != 0)
    {
      /* A new identity sees none of the old one's conversations. */
      _confab_session_set_conversation (self, NULL, CONFAB_CONVERSATION_NONE);
    }
  _confab_session_set_string_prop (self, &self->consumer_id, consumer_id, PROP_CONSUMER_ID);
  for (GList *l = self->outbox.head; l != NULL; l = l->next)
    _confab_session_outbox_save (self, l->data);
  ensure_loaded (self);
}

void
_confab_session_restore_last (ConfabSession *self)
{
  ensure_loaded (self);
}

/* The newest page, shown whoever it belongs to when nothing is shown yet. */
static void
show_snapshot_page (ConfabSession       *self,
                    ConfabStoreSnapshot *snapshot)
{
  if (snapshot->consumer_id == NULL)
    return;

  /* the account's agents' names: the rows are named as they come in */
  _confab_session_add_profiles (self, snapshot->profiles);
  if (self->history_consumer == NULL)
    {
      self->history_consumer = g_strdup (snapshot->consumer_id);
      add_page (self, snapshot->messages, snapshot->has_older, snapshot->n_unread_before);
    }
  else if (g_strcmp0 (self->history_consumer, snapshot->consumer_id) != 0 && snapshot->messages->len > 0)
    {
      /* A second identity in one run (an anonymous one signed up again): what it holds is
       * newer than the pages shown. */
      g_autoptr(GPtrArray) added = NULL;

      self->adding_stored = TRUE;
      added = confab_message_list_add (self->messages, snapshot->messages);
      self->adding_stored = FALSE;
    }
}

/* The rest of the snapshot, for the identity the session has. */
static void
apply_snapshot (ConfabSession       *self,
                ConfabStoreSnapshot *snapshot)
{
  GHashTableIter iter;
  gpointer dialog, last;

  if (snapshot->conversation_id != NULL && self->conversation_id == NULL)
    {
      _confab_session_set_conversation (self, snapshot->conversation_id, CONFAB_CONVERSATION_NONE);
      self->awaiting_metadata = TRUE;
      /* whom it was with when Confab last knew: a hand-over since is a hand-over */
      if (snapshot->agent_id != NULL)
        {
          _confab_session_set_agent (self, *snapshot->agent_id != '\0' ? snapshot->agent_id : NULL);
          self->agent_known = TRUE;
        }
    }

  /* Replays resume after the last event held, loaded or not. */
  g_hash_table_iter_init (&iter, snapshot->last_sequences);
  while (g_hash_table_iter_next (&iter, &dialog, &last))
    confab_message_list_note_sequence (self->messages, dialog, *(gint64 *) last);

  /* The agent's messages not acknowledged: the ones in the list are found there. */
  if (g_strcmp0 (snapshot->conversation_id, self->conversation_id) == 0)
    for (guint i = 0; i < snapshot->unaccepted->len; i++)
      {
        gint64 sequence = g_array_index (snapshot->unaccepted, gint64, i);

        if (confab_message_list_lookup (self->messages, self->conversation_id, sequence) == NULL)
          g_array_append_val (self->unaccepted, sequence);
      }

  _confab_session_restore_outbox (self, snapshot->outbox);
  _confab_session_restore_surveys (self, snapshot->surveys);
  g_debug ("Restored %u messages (%s older), %u not acknowledged, %u waiting to be sent",
           snapshot->messages->len, snapshot->has_older ? "and" : "none", snapshot->unaccepted->len,
           snapshot->outbox->len);
}

typedef struct
{
  ConfabSession *self;
  char *consumer_id;          /* NULL: the account's last identity was asked for */
} LoadData;

static void
store_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LoadData *data = user_data;
  g_autoptr(ConfabSession) self = data->self;
  g_autofree char *asked = data->consumer_id;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  g_free (data);
  self->loading = FALSE;
  g_clear_pointer (&self->loading_consumer, g_free);
  snapshot = confab_store_load_finish (CONFAB_STORE (object), result, &error);
  if (snapshot == NULL)
    g_message ("%s", error->message);
  else
    show_snapshot_page (self, snapshot);

  if (snapshot != NULL && snapshot->consumer_id != NULL && self->consumer_id == NULL)
    {
      /* Not known yet whether the signup gives the same identity: the rest waits. */
      g_clear_pointer (&self->provisional, confab_store_snapshot_free);
      self->provisional = g_steal_pointer (&snapshot);
    }
  else if (snapshot != NULL && snapshot->consumer_id != NULL &&
           g_strcmp0 (snapshot->consumer_id, self->consumer_id) == 0)
    apply_snapshot (self, snapshot);

  /* Read once per identity, even when the read failed: a later start gets the same. */
  if (asked != NULL && g_strcmp0 (asked, self->consumer_id) == 0)
    {
      g_free (self->loaded_consumer);
      self->loaded_consumer = g_steal_pointer (&asked);
    }
  SET_PROP (loading_history, FALSE, PROP_LOADING_HISTORY);

  /* the identity may have changed meanwhile */
  ensure_loaded (self);

  if (self->connect_after_load && !self->loading)
    {
      self->connect_after_load = FALSE;
      if (self->state == CONFAB_SESSION_CONNECTING)
        _confab_session_connect_socket (self);
    }
}

/* Reads the history held for the current identity, once per identity, or while it is not
 * known, the account's last identity's. It is not cancelled by stop(): a later start needs
 * it all the same. */
static void
ensure_loaded (ConfabSession *self)
{
  LoadData *data;

  if (self->store == NULL || self->loading)
    return;

  if (self->consumer_id != NULL)
    {
      if (g_strcmp0 (self->loaded_consumer, self->consumer_id) == 0)
        return;
      /* the identity the account used last after all: its snapshot is read already */
      if (self->provisional != NULL && g_strcmp0 (self->provisional->consumer_id, self->consumer_id) == 0)
        {
          g_autoptr(ConfabStoreSnapshot) snapshot = g_steal_pointer (&self->provisional);

          g_free (self->loaded_consumer);
          self->loaded_consumer = g_strdup (self->consumer_id);
          apply_snapshot (self, snapshot);
          return;
        }
      g_clear_pointer (&self->provisional, confab_store_snapshot_free);
    }
  else if (self->asked_last || self->history_consumer != NULL)
    return;
  else
    self->asked_last = TRUE;

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->consumer_id = g_strdup (self->consumer_id);
  self->loading = TRUE;
  self->loading_consumer = g_strdup (self->consumer_id);
  confab_store_load_async (self->store, _confab_session_account_id (self), self->consumer_id, NULL,
                           store_loaded_cb, data);
}

/* Older pages */

typedef struct
{
  ConfabSession *self;
  char *consumer_id;
} OlderData;

static void
older_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OlderData *data = user_data;
  g_autoptr(ConfabSession) self = data->self;
  g_autofree char *consumer_id = data->consumer_id;
  g_autoptr(ConfabStorePage) page = NULL;
  g_autoptr(GError) error = NULL;

  g_free (data);
  page = confab_store_load_older_finish (CONFAB_STORE (object), result, &error);
  self->loading_older = FALSE;
  if (page == NULL)
    g_message ("%s", error->message);
  else if (g_strcmp0 (consumer_id, self->history_consumer) == 0)
    add_page (self, page->messages, page->has_older, page->n_unread_before);
  _confab_session_notify (self, PROP_LOADING_OLDER);
}

void
confab_session_load_older (ConfabSession *self)
{
  OlderData *data;

  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->loading_older || self->store == NULL || self->history_consumer == NULL ||
      self->oldest_dialog == NULL || !confab_message_list_get_has_older (self->messages))
    return;

  data = g_new0 (OlderData, 1);
  data->self = g_object_ref (self);
  data->consumer_id = g_strdup (self->history_consumer);
  SET_PROP (loading_older, TRUE, PROP_LOADING_OLDER);
  confab_store_load_older_async (self->store, _confab_session_account_id (self), self->history_consumer,
                                 self->oldest_dialog, self->oldest_sequence, CONFAB_STORE_PAGE_SIZE, NULL,
                                 older_loaded_cb, data);
}

gboolean
confab_session_get_loading_older (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);

  return self->loading_older;
}

gboolean
confab_session_get_loading_history (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);

  return self->loading_history;
}
