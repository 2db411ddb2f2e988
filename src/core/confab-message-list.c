/* confab-message-list.c: the messages of a conversation, as a GListModel
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows are kept sorted by (dialog, sequence), dialogs in the order they were first seen
 * (a new conversation comes after the old one), then the own messages that have no
 * sequence yet in the order they were written. A row for an event of the conversation (an
 * agent joined, it closed) has no sequence: it stands after the sequence it follows, after
 * the events there before it. A batch of arrivals is merged in one pass
 * and announced with one items-changed covering only what moved. A message is found by its
 * (dialog, sequence) with a binary search over the sorted rows: no index per message, which
 * would take more memory than most messages' text.
 *
 * The history comes a page at a time, newest first: a page of older messages goes before
 * everything held, and the dialogs seen in it first go before the dialogs known already.
 */
#include "config.h"

#include "confab-message-list.h"

/* The order of a message that has no sequence yet: after every dialog. */
#define PENDING_ORDER G_MAXINT

typedef struct
{
  ConfabMessage *message;  /* owned */
  int dialog_order;        /* PENDING_ORDER while the message has no sequence */
  int after;               /* 0, or 1 for an event: after the message of that sequence */
  gint64 sequence;         /* for pending ones: the order they were written in; for events
                            * the sequence they follow */
} Item;

struct _ConfabMessageList
{
  GObject parent_instance;

  GArray *items;            /* of Item */
  GHashTable *dialogs;      /* dialog id → GINT_TO_POINTER (order) */
  int next_order;           /* for a dialog seen now: after all */
  int first_order;          /* the lowest order given, to dialogs of older pages */
  gboolean has_older;
  gboolean adding_older;    /* items-changed is about a page of the history */
  guint n_unread_before;
  GHashTable *last_seq;     /* dialog id → gint64 * */
  gint64 next_pending;
  gint64 first_pending;     /* restored ones count down from here */
  guint n_items_changed;
};

enum {
  PROP_0,
  PROP_HAS_OLDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

/* The dialog's place; one seen first now goes after every other. */
static int
dialog_order (ConfabMessageList *self,
              const char        *dialog_id)
{
  gpointer value;

  if (dialog_id == NULL)
    dialog_id = "";
  if (!g_hash_table_lookup_extended (self->dialogs, dialog_id, NULL, &value))
    {
      value = GINT_TO_POINTER (self->next_order++);
      g_hash_table_insert (self->dialogs, g_strdup (dialog_id), value);
    }
  return GPOINTER_TO_INT (value);
}

static int
item_compare (const Item *a,
              const Item *b)
{
  if (a->dialog_order != b->dialog_order)
    return a->dialog_order < b->dialog_order ? -1 : 1;
  if (a->sequence != b->sequence)
    return a->sequence < b->sequence ? -1 : 1;
  if (a->after != b->after)
    return a->after < b->after ? -1 : 1;
  return 0;
}

static int
item_compare_func (gconstpointer a,
                   gconstpointer b)
{
  return item_compare (a, b);
}

/* The row of (dialog, sequence), if the list holds it. */
static ConfabMessage *
find_message (ConfabMessageList *self,
              const char        *dialog_id,
              gint64             sequence)
{
  gpointer order;
  Item key = { NULL, 0, 0, sequence };
  guint lo = 0, hi = self->items->len;

  if (sequence < 0 || !g_hash_table_lookup_extended (self->dialogs, dialog_id != NULL ? dialog_id : "", NULL, &order))
    return NULL;
  key.dialog_order = GPOINTER_TO_INT (order);
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int c = item_compare (&g_array_index (self->items, Item, mid), &key);

      if (c == 0)
        return g_array_index (self->items, Item, mid).message;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* Whether (dialog, sequence) is in the list or was taken from this batch already; notes it
 * for the batch. */
static gboolean
seen_before (ConfabMessageList *self,
             GHashTable        *batch,
             const char        *dialog_id,
             gint64             sequence)
{
  g_autofree char *key = NULL;

  if (find_message (self, dialog_id, sequence) != NULL)
    return TRUE;
  key = make_key (dialog_id, sequence);
  if (g_hash_table_contains (batch, key))
    return TRUE;
  g_hash_table_add (batch, g_steal_pointer (&key));
  return FALSE;
}

/* An event's place: after the message it follows, and after the events already there. One
 * with no dialog yet (a conversation about to begin) goes after every dialog, before the own
 * messages waiting for it. */
static Item
event_item (ConfabMessageList *self,
            ConfabMessage     *event)
{
  Item item = { event, PENDING_ORDER, 1, G_MININT64 };

  if (confab_message_get_dialog_id (event) != NULL)
    {
      item.dialog_order = dialog_order (self, confab_message_get_dialog_id (event));
      item.sequence = confab_message_get_after_sequence (event);
    }
  return item;
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
          /* an event ends a group: the name shows again after it */
          group_start = day_break || confab_message_is_event (previous) || confab_message_is_event (message) ||
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
  GArray *merged;
  guint i = 0, j = 0;

  g_array_sort (additions, item_compare_func);

  /* Newer than every row, as live messages and a history replay are: appended in place.
   * Merging into a copy took a reference on every row for every batch, a tenth of a
   * 10,000-message replay. */
  if (drop == NULL &&
      (self->items->len == 0 ||
       item_compare (&g_array_index (self->items, Item, self->items->len - 1),
                     &g_array_index (additions, Item, 0)) < 0))
    {
      guint old_len = self->items->len;

      for (guint k = 0; k < additions->len; k++)
        {
          Item item = g_array_index (additions, Item, k);

          item.message = g_object_ref (item.message);
          g_array_append_val (self->items, item);
        }
      update_flags (self, old_len, self->items->len - 1);
      self->n_items_changed++;
      g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, additions->len);
      return;
    }

  merged = new_item_array (self->items->len + additions->len);
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

      if (item->dialog_order != PENDING_ORDER)
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
  g_autoptr(GHashTable) batch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *added;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  for (guint i = 0; i < messages->len; i++)
    g_return_val_if_fail (confab_message_get_sequence (g_ptr_array_index (messages, i)) >= 0 ||
                          confab_message_is_event (g_ptr_array_index (messages, i)), NULL);

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

      if (confab_message_is_event (message))
        {
          item = event_item (self, message);
          g_array_append_val (additions, item);
          g_ptr_array_add (added, g_object_ref (message));
          continue;
        }

      note_sequence (self, dialog_id, sequence);
      if (seen_before (self, batch, dialog_id, sequence))
        continue;

      /* An echo of what the person just sent: the row is there already. */
      if (confab_message_get_own (message) && (pending = find_pending_echo (self, message)) != NULL &&
          (drop == NULL || !g_hash_table_contains (drop, pending)))
        {
          Item moved = { pending, dialog_order (self, dialog_id), 0, sequence };

          confab_message_set_dialog_id (pending, dialog_id);
          confab_message_set_conversation_id (pending, confab_message_get_conversation_id (message));
          confab_message_set_sequence (pending, sequence);
          confab_message_set_server_time (pending, confab_message_get_server_time (message));
          confab_message_advance_delivery (pending, CONFAB_DELIVERY_SENT);
          if (drop == NULL)
            drop = g_hash_table_new (NULL, NULL);
          g_hash_table_add (drop, pending);
          g_array_append_val (additions, moved);
          continue;
        }

      item.message = message;
      item.dialog_order = dialog_order (self, dialog_id);
      item.after = 0;
      item.sequence = sequence;
      g_array_append_val (additions, item);
      g_ptr_array_add (added, g_object_ref (message));
    }

  if (additions->len > 0)
    merge_in (self, additions, drop);

  return added;
}

GPtrArray *
confab_message_list_add_older (ConfabMessageList *self,
                               GPtrArray         *messages,
                               gboolean           has_older,
                               guint              n_unread_before)
{
  g_autoptr(GArray) additions = NULL;
  g_autoptr(GHashTable) new_dialogs = NULL;
  g_autoptr(GHashTable) batch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *added;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  /* The dialogs first seen here go before every dialog known, in the page's order: the
   * page's last new dialog just before the first known one. */
  new_dialogs = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = messages->len; i > 0; i--)
    {
      const char *dialog_id = confab_message_get_dialog_id (g_ptr_array_index (messages, i - 1));

      if (dialog_id == NULL)
        dialog_id = "";
      if (g_hash_table_contains (self->dialogs, dialog_id) || g_hash_table_contains (new_dialogs, dialog_id))
        continue;
      g_hash_table_add (new_dialogs, (gpointer) dialog_id);
      g_hash_table_insert (self->dialogs, g_strdup (dialog_id), GINT_TO_POINTER (--self->first_order));
    }

  additions = new_item_array (messages->len);
  g_array_set_clear_func (additions, NULL);
  added = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (messages, i);
      const char *dialog_id = confab_message_get_dialog_id (message);
      gint64 sequence = confab_message_get_sequence (message);
      Item item;

      if (confab_message_is_event (message))
        {
          item = event_item (self, message);
          g_array_append_val (additions, item);
          g_ptr_array_add (added, g_object_ref (message));
          continue;
        }
      g_return_val_if_fail (sequence >= 0, added);
      note_sequence (self, dialog_id, sequence);
      if (seen_before (self, batch, dialog_id, sequence))
        continue;
      item.message = message;
      item.dialog_order = dialog_order (self, dialog_id);
      item.after = 0;
      item.sequence = sequence;
      g_array_append_val (additions, item);
      g_ptr_array_add (added, g_object_ref (message));
    }

  self->n_unread_before = has_older ? n_unread_before : 0;
  if (additions->len > 0)
    {
      self->adding_older = TRUE;
      merge_in (self, additions, NULL);
      self->adding_older = FALSE;
    }
  if (self->has_older != has_older)
    {
      self->has_older = has_older;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_OLDER]);
    }
  return added;
}

gboolean
confab_message_list_get_has_older (ConfabMessageList *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), FALSE);

  return self->has_older;
}

gboolean
confab_message_list_get_adding_older (ConfabMessageList *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), FALSE);

  return self->adding_older;
}

guint
confab_message_list_get_n_unread_before (ConfabMessageList *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), 0);

  return self->n_unread_before;
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
  item.dialog_order = PENDING_ORDER;
  item.after = 0;
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
      Item item = { g_ptr_array_index (messages, i), PENDING_ORDER, 0, self->first_pending + i };

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
  g_autoptr(GArray) additions = NULL;
  g_autoptr(GHashTable) drop = NULL;
  ConfabMessage *existing;
  Item item;

  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (CONFAB_IS_MESSAGE (message), FALSE);

  if (confab_message_get_sequence (message) == sequence &&
      g_strcmp0 (confab_message_get_dialog_id (message), dialog_id) == 0)
    return TRUE;

  existing = find_message (self, dialog_id, sequence);
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

  additions = new_item_array (1);
  g_array_set_clear_func (additions, NULL);
  item.message = message;
  item.dialog_order = dialog_order (self, dialog_id);
  item.after = 0;
  item.sequence = sequence;
  g_array_append_val (additions, item);
  merge_in (self, additions, drop);
  return TRUE;
}

void
confab_message_list_place_event (ConfabMessageList *self,
                                 ConfabMessage     *event,
                                 const char        *dialog_id)
{
  g_autoptr(GArray) additions = NULL;
  g_autoptr(GHashTable) drop = NULL;
  Item item;

  g_return_if_fail (CONFAB_IS_MESSAGE_LIST (self));
  g_return_if_fail (CONFAB_IS_MESSAGE (event) && confab_message_is_event (event));
  g_return_if_fail (dialog_id != NULL);

  confab_message_set_dialog_id (event, dialog_id);
  confab_message_set_conversation_id (event, dialog_id);
  drop = g_hash_table_new (NULL, NULL);
  g_hash_table_add (drop, event);
  additions = new_item_array (1);
  g_array_set_clear_func (additions, NULL);
  item = event_item (self, event);
  g_array_append_val (additions, item);
  merge_in (self, additions, drop);
}

ConfabMessage *
confab_message_list_lookup (ConfabMessageList *self,
                            const char        *dialog_id,
                            gint64             sequence)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_LIST (self), NULL);

  return find_message (self, dialog_id, sequence);
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
  g_clear_pointer (&self->last_seq, g_hash_table_unref);
  g_clear_pointer (&self->dialogs, g_hash_table_unref);

  G_OBJECT_CLASS (confab_message_list_parent_class)->finalize (object);
}

static void
confab_message_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConfabMessageList *self = CONFAB_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_HAS_OLDER: g_value_set_boolean (value, self->has_older); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_message_list_class_init (ConfabMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = confab_message_list_finalize;
  object_class->get_property = confab_message_list_get_property;

  /* ConfabMessageList:has-older: the history holds messages before the first row */
  properties[PROP_HAS_OLDER] =
    g_param_spec_boolean ("has-older", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_message_list_init (ConfabMessageList *self)
{
  self->items = new_item_array (0);
  self->last_seq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

ConfabMessageList *
confab_message_list_new (void)
{
  return g_object_new (CONFAB_TYPE_MESSAGE_LIST, NULL);
}
