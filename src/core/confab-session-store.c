/* confab-session-store.c: the history and the identity it belongs to, on disk
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). Once the consumer's identity is
 * known, what the store holds for it (history, the current conversation, the outbox) is
 * read once and shown before the socket catches up; every row that enters the list is
 * saved, and saved again when it changes, in an idle batch.
 */
#include "config.h"

#include "confab-session-private.h"

static gboolean
save_dirty_cb (gpointer data)
{
  ConfabSession *self = data;
  g_autoptr(GPtrArray) messages = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  self->save_source = 0;
  if (self->store == NULL || self->consumer_id == NULL)
    {
      g_hash_table_remove_all (self->dirty);
      return G_SOURCE_REMOVE;
    }

  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (messages, key);
  confab_store_save_messages (self->store, _confab_session_account_id (self), self->consumer_id, messages);
  g_hash_table_remove_all (self->dirty);
  return G_SOURCE_REMOVE;
}

static void
message_dirty_cb (ConfabSession *self,
                  GParamSpec    *pspec,
                  ConfabMessage *message)
{
  if (self->store == NULL || confab_message_get_sequence (message) < 0)
    return;
  g_hash_table_add (self->dirty, g_object_ref (message));
  if (self->save_source == 0)
    self->save_source = g_idle_add_full (G_PRIORITY_LOW, save_dirty_cb, self, NULL);
}

/* Every row that enters the list is saved, and saved again when it changes. */
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

static void
apply_snapshot (ConfabSession       *self,
                ConfabStoreSnapshot *snapshot)
{
  g_autoptr(GPtrArray) added = NULL;

  if (snapshot->conversation_id != NULL && self->conversation_id == NULL)
    {
      _confab_session_set_conversation (self, snapshot->conversation_id, CONFAB_CONVERSATION_NONE);
      self->awaiting_metadata = TRUE;
    }
  if (snapshot->messages->len > 0)
    added = confab_message_list_add (self->messages, snapshot->messages);

  _confab_session_restore_outbox (self, snapshot->outbox);
  g_debug ("Restored %u messages and %u waiting to be sent",
           snapshot->messages->len, snapshot->outbox->len);
}

typedef struct
{
  ConfabSession *self;
  char *consumer_id;
} LoadData;

static void
store_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LoadData *data = user_data;
  g_autoptr(ConfabSession) self = data->self;
  g_autofree char *consumer_id = data->consumer_id;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  g_free (data);
  g_clear_pointer (&self->loading_consumer, g_free);
  snapshot = confab_store_load_finish (CONFAB_STORE (object), result, &error);
  if (snapshot == NULL)
    g_message ("%s", error->message);
  else if (g_strcmp0 (consumer_id, self->consumer_id) == 0)
    apply_snapshot (self, snapshot);

  if (g_strcmp0 (consumer_id, self->consumer_id) == 0)
    {
      g_free (self->loaded_consumer);
      self->loaded_consumer = g_steal_pointer (&consumer_id);
    }
  else
    ensure_loaded (self);

  if (self->connect_after_load && self->loading_consumer == NULL)
    {
      self->connect_after_load = FALSE;
      if (self->state == CONFAB_SESSION_CONNECTING)
        _confab_session_connect_socket (self);
    }
}

/* Reads the history held for the current identity, once per identity. It is not cancelled
 * by stop(): a later start needs it all the same. */
static void
ensure_loaded (ConfabSession *self)
{
  LoadData *data;

  if (self->store == NULL || self->consumer_id == NULL || self->loading_consumer != NULL ||
      g_strcmp0 (self->loaded_consumer, self->consumer_id) == 0)
    return;

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->consumer_id = g_strdup (self->consumer_id);
  self->loading_consumer = g_strdup (self->consumer_id);
  confab_store_load_async (self->store, _confab_session_account_id (self), self->consumer_id, NULL,
                           store_loaded_cb, data);
}
