/* confab-message-list.c: the messages of a conversation, as a GListModel
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows are kept sorted by (dialog, sequence), dialogs in the order they were first seen
 * (a new conversation comes after the old one), then the own messages that have no
 * sequence yet in the order they were written. A batch of arrivals is merged in one pass
 * and announced with one items-changed covering only what moved.
 */
#include "config.h"

#include "confab-message-list.h"

typedef struct
{
  ConfabMessage *message;  /* owned */
  guint dialog_order;      /* G_MAXUINT while the message has no sequence */
  gint64 sequence;         /* for pending ones: the order they were written in */
} Item;

struct _ConfabMessageList
{
  GObject parent_instance;

  GArray *items;            /* of Item */
  GHashTable *dialogs;      /* dialog id → GUINT_TO_POINTER (order + 1) */
  GHashTable *last_seq;     /* dialog id → gint64 * */
  GHashTable *by_key;       /* "dialog\x1fsequence" → ConfabMessage (unowned) */
  gint64 next_pending;
  gint64 first_pending;     /* restored ones count down from here */
  guint n_items_changed;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabMessageList, confab_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return CONFAB_TYPE_MESSAGE;
}

static guint
get_n_items (GListModel *model)
{
  return CONFAB_MESSAGE_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  ConfabMessageList *self = CONFAB_MESSAGE_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_array_index (self->items, Item, position).message);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_object (&item->message);
}

static char *
make_key (const char *dialog_id,
          gint64      sequence)
{
  return g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, dialog_id ? dialog_id : "", sequence);
}

static guint
dialog_order (ConfabMessageList *self,
              const char        *dialog_id)
{
  gpointer value;

  if (dialog_id == NULL)
    dialog_id = "";
  value = g_hash_table_lookup (self->dialogs, dialog_id);
  if (value == NULL)
    {
      value = GUINT_TO_POINTER (g_hash_table_size (self->dialogs) + 1);
      g_hash_table_insert (self->dialogs, g_strdup (dialog_id), value);
    }
  return GPOINTER_TO_UINT (value) - 1;
}

static int
item_compare (const Item *a,
              const Item *b)
{
  if (a->dialog_order != b->dialog_order)
    return a->dialog_order < b->dialog_order ? -1 : 1;
  if (a->sequence != b->sequence)
    return a->sequence < b->sequence ? -1 : 1;
  return 0;
}

static int
item_compare_func (gconstpointer a,
                   gconstpointer b)
{
  return item_compare (a, b);
}

static void
note_sequence (ConfabMessageList *self,
               const char        *dialog_id,
               gint64             sequence)
{
  gint64 *last;

  if (dialog_id == NULL || sequence < 0)
    return;
  last = g_hash_table_lookup (self->last_seq, dialog_id);
  if (last == NULL)
    {
      last = g_new (gint64, 1);
      *last = sequence;
      g_hash_table_insert (self->last_seq, g_strdup (dialog_id), last);
    }
  else if (sequence > *last)
    *last = sequence;
}

/* The local calendar day of a time, as a day number. A GDateTime per message made the time
 * zone be looked up again each time: a third of the client's work in a 10,000-message
 * replay. */
static gint64
local_day (GTimeZone *tz,
           gint64     time_ms)
{
  gint64 seconds = time_ms >= 0 ? time_ms / 1000 : (time_ms - 999) / 1000;
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, seconds);
  gint64 local = seconds + (interval >= 0 ? g_time_zone_get_offset (tz, interval) : 0);

  return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

/* Day breaks and sender groups for rows first..last (inclusive), from their neighbours. */
static void
update_flags (ConfabMessageList *self,
              guint              first,
              guint              last)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

  for (guint i = first; i <= last && i < self->items->len; i++)
    {
      ConfabMessage *message = g_array_index (self->items, Item, i).message;
      ConfabMessage *previous = i > 0 ? g_array_index (self->items, Item, i - 1).message : NULL;
      gint64 time = confab_message_get_server_time (message);
      gboolean day_break, group_start;

      if (previous == NULL)
        {
          day_break = TRUE;
          group_start = TRUE;
        }
      else
        {
          gint64 previous_time = confab_message_get_server_time (previous);

          day_break = local_day (tz, previous_time) != local_day (tz, time);
          group_start = day_break ||
                        confab_message_get_own (previous) != confab_message_get_own (message) ||
                        (!confab_message_get_own (message) &&
                         g_strcmp0 (confab_message_get_originator_id (previous),
                                    confab_message_get_originator_id (message)) != 0) ||
                        time - previous_time > CONFAB_MESSAGE_GROUP_GAP_MS;
        }

      confab_message_set_day_break (message, day_break);
      confab_message_set_group_start (message, group_start);
    }
}

/* Replaces the rows with merged and announces the difference in one signal. */
static void
replace_items (ConfabMessageList *self,
               GArray            *merged)
{
  guint old_len = self->items->len;
  guint new_len = merged->len;
  guint prefix = 0, suffix = 0;
  GArray *old = self->items;

  while (prefix < old_len && prefix < new_len &&
         g_array_index (old, Item, prefix).message == g_array_index (merged, Item, prefix).message)
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix &&
         g_array_index (old, Item, old_len - 1 - suffix).message ==
         g_array_index (merged, Item, new_len - 1 - suffix).message)
    suffix++;

  /* The old array holds references too; the merged one took its own. */
  self->items = merged;
  g_array_unref (old);

  if (old_len - prefix - suffix == 0 && new_len - prefix - suffix == 0)
    return;

  /* the row after the changed range may change its group */
  update_flags (self, prefix, new_len - suffix);
  self->n_items_changed++;
  g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                              old_len - prefix - suffix, new_len - prefix - suffix);
}

static GArray *
new_item_array (guint reserve)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (Item), reserve);

  g_array_set_clear_func (array, item_clear);
  return array;
}

/* Merges the sorted additions into the sorted rows, dropping the rows in drop. */
static void
merge_in (ConfabMessageList *self,
          GArray            *additions,
          GHashTable        *drop)
{
  GArray *merged = new_item_array (self->items->len + additions->len);
  guint i = 0, j = 0;

  g_array_sort (additions, item_compare_func);

  while (i < self->items->len || j < additions->len)
    {
      Item item;

      if (i < self->items->len && drop != NULL &&
          g_hash_table_contains (drop, g_array_index (self->items, Item, i).message))
        {
          i++;
          continue;
        }

      if (j >= additions->len ||
          (i < self->items->len &&
           item_compare (&g_array_index (self->items, Item, i), &g_array_index (additions, Item, j)) <= 0))
        item = g_array_index (self->items, Item, i++);
      else
        item = g_array_index (additions, Item, j++);

      item.message = g_object_ref (item.message);
      g_array_append_val (merged, item);
    }

  replace_items (self, merged);
}

/* The oldest own message still waiting for its sequence with this text. */
static ConfabMessage *
find_pending_echo (ConfabMessageList *self,
                   ConfabMessage     *echo)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);

      ConfabDeliveryState state;

      if (item->dialog_order != G_MAXUINT)
        continue;
      state = confab_message_get_delivery_state (item->message);
      /* Sending now, or sent before the socket went and not answered: the service may
       * have stored it, and the replay brings its echo. */
      if ((state == CONFAB_DELIVERY_SENDING ||
           (state == CONFAB_DELIVERY_QUEUED && confab_message_get_attempted (item->message))) &&
          g_strcmp0 (confab_message_get_text (item->message), confab_message_get_text (echo)) == 0)
        return item->message;
    }
  return NULL;
}

GPtrArray *
confab_message_list_add (ConfabMessageList *self,
                         GPtrArray         *messages)
{
  g_autoptr(GArray) additions = NULL;
  g_autoptr(GHashTable) drop = NULL;
  GPtrArray *added;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  for (guint i = 0; i < messages->len; i++)
    g_return_val_if_fail (confab_message_get_sequence (g_ptr_array_index (messages, i)) >= 0, NULL);

  additions = new_item_array (messages->len);
  /* additions does not own its messages: merge_in() takes references */
  g_array_set_clear_func (additions, NULL);
  added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (messages, i);
      const char *dialog_id = confab_message_get_dialog_id (message);
      gint64 sequence = confab_message_get_sequence (message);
      ConfabMessage *pending;
      Item item;

      note_sequence (self, dialog_id, sequence);
      {
        g_autofree char *key = make_key (dialog_id, sequence);

        if (g_hash_table_contains (self->by_key, key))
          continue;

        /* An echo of what the person just sent: the row is there already. */
        if (confab_message_get_own (message) && (pending = find_pending_echo (self, message)) != NULL)
          {
            Item moved = { pending, dialog_order (self, dialog_id), sequence };

            confab_message_set_dialog_id (pending, dialog_id);
            confab_message_set_conversation_id (pending, confab_message_get_conversation_id (message));
            confab_message_set_sequence (pending, sequence);
            confab_message_set_server_time (pending, confab_message_get_server_time (message));
            confab_message_advance_delivery (pending, CONFAB_DELIVERY_SENT);
            g_hash_table_insert (self->by_key, g_steal_pointer (&key), pending);
            if (drop == NULL)
              drop = g_hash_table_new (NULL, NULL);
            g_hash_table_add (drop, pending);
            g_array_append_val (additions, moved);
            continue;
          }

        g_hash_table_insert (self->by_key, g_steal_pointer (&key), message);
      }

      item.message = message;
      item.dialog_order = dialog_order (self, dialog_id);
      item.sequence = sequence;
      g_array_append_val (additions, item);
      g_ptr_array_add (added, g_object_ref (message));
    }

  if (additions->len > 0)
    merge_in (self, additions, drop);

  return added;
}

void
confab_message_list_append_outgoing (ConfabMessageList *self,
                                     ConfabMessage     *message)
{
  Item item;

  g_return_if_fail (CONFAB_IS_MESSAGE_LIST (self));
  g_return_if_fail (CONFAB_IS_MESSAGE (message));
  g_return_if_fail (confab_message_get_sequence (message) < 0);

  item.message = g_object_ref (message);
  item.dialog_order = G_MAXUINT;
  item.sequence = self->next_pending++;
  g_array_append_val (self->items, item);
  update_flags (self, self->items->len - 1, self->items->len - 1);
  self->n_items_changed++;
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

void
confab_message_list_prepend_outgoing (ConfabMessageList *self,
                                      GPtrArray         *messages)
{
  g_autoptr(GArray) additions = NULL;

  g_return_if_fail (CONFAB_IS_MESSAGE_LIST (self));
  g_return_if_fail (messages != NULL);

  if (messages->len == 0)
    return;

  additions = new_item_array (messages->len);
  g_array_set_clear_func (additions, NULL);
  self->first_pending -= messages->len;
  for (guint i = 0; i < messages->len; i++)
    {
      Item item = { g_ptr_array_index (messages, i), G_MAXUINT, self->first_pending + i };

      g_return_if_fail (confab_message_get_sequence (item.message) < 0);
      g_array_append_val (additions, item);
    }
  merge_in (self, additions, NULL);
}

gboolean
confab_message_list_set_sequence (ConfabMessageList *self,
                                  ConfabMessage     *message,
                                  const char        *dialog_id,
                                  gint64             sequence)
{
  g_autofree char *key = NULL;
  g_autoptr(GArray) additions = NULL;
  g_autoptr(GHashTable) drop = NULL;
  ConfabMessage *existing;
  Item item;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (CONFAB_IS_MESSAGE (message), FALSE);

  if (confab_message_get_sequence (message) == sequence &&
      g_strcmp0 (confab_message_get_dialog_id (message), dialog_id) == 0)
    return TRUE;

  /* The message's old place in the index goes, whatever happens next. */
  if (confab_message_get_sequence (message) >= 0)
    {
      g_autofree char *old_key = make_key (confab_message_get_dialog_id (message),
                                           confab_message_get_sequence (message));

      if (g_hash_table_lookup (self->by_key, old_key) == message)
        g_hash_table_remove (self->by_key, old_key);
    }

  key = make_key (dialog_id, sequence);
  existing = g_hash_table_lookup (self->by_key, key);
  drop = g_hash_table_new (NULL, NULL);
  g_hash_table_add (drop, message);
  note_sequence (self, dialog_id, sequence);

  if (existing != NULL && existing != message)
    {
      /* The echo came first and made its own row: keep that row, now known as ours. */
      confab_message_advance_delivery (existing, confab_message_get_delivery_state (message));
      confab_message_set_local_id (existing, confab_message_get_local_id (message));
      additions = new_item_array (0);
      g_array_set_clear_func (additions, NULL);
      merge_in (self, additions, drop);
      return FALSE;
    }

  confab_message_set_dialog_id (message, dialog_id);
  confab_message_set_sequence (message, sequence);
  g_hash_table_insert (self->by_key, g_steal_pointer (&key), message);

  additions = new_item_array (1);
  g_array_set_clear_func (additions, NULL);
  item.message = message;
  item.dialog_order = dialog_order (self, dialog_id);
  item.sequence = sequence;
  g_array_append_val (additions, item);
  merge_in (self, additions, drop);
  return TRUE;
}

ConfabMessage *
confab_message_list_lookup (ConfabMessageList *self,
                            const char        *dialog_id,
                            gint64             sequence)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), NULL);

  key = make_key (dialog_id, sequence);
  return g_hash_table_lookup (self->by_key, key);
}

gint64
confab_message_list_get_last_sequence (ConfabMessageList *self,
                                       const char        *dialog_id)
{
  gint64 *last;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), -1);

  last = dialog_id != NULL ? g_hash_table_lookup (self->last_seq, dialog_id) : NULL;
  return last != NULL ? *last : -1;
}

void
confab_message_list_note_sequence (ConfabMessageList *self,
                                   const char        *dialog_id,
                                   gint64             sequence)
{
  g_return_if_fail (CONFAB_IS_MESSAGE_LIST (self));

  note_sequence (self, dialog_id, sequence);
}

guint
confab_message_list_get_n_items_changed (ConfabMessageList *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), 0);

  return self->n_items_changed;
}

static void
confab_message_list_finalize (GObject *object)
{
  ConfabMessageList *self = CONFAB_MESSAGE_LIST (object);

  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->last_seq, g_hash_table_unref);
  g_clear_pointer (&self->dialogs, g_hash_table_unref);

  G_OBJECT_CLASS (confab_message_list_parent_class)->finalize (object);
}

static void
confab_message_list_class_init (ConfabMessageListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = confab_message_list_finalize;
}

static void
confab_message_list_init (ConfabMessageList *self)
{
  self->items = new_item_array (0);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_seq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

ConfabMessageList *
confab_message_list_new (void)
{
  return g_object_new (CONFAB_TYPE_MESSAGE_LIST, NULL);
}
