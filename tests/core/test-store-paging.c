/* test-store-paging.c: the history read a page at a time, and a version 1 history migrated
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "store-test-util.h"
#include "confab-store-private.h"


/* The whole history, page by page of limit, newest first, each page in list order: as
 * "dialog/sequence" keys, oldest first. */
static GPtrArray *
walk_pages (ConfabStore *store,
            guint        limit,
            guint       *n_pages)
{
  g_autoptr(ConfabStoreSnapshot) snapshot = store_test_load (store, CONSUMER);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ConfabMessage) first = NULL;
  gboolean has_older = snapshot->has_older;

  *n_pages = 1;
  for (guint i = 0; i < snapshot->messages->len; i++)
    g_ptr_array_add (keys, store_test_key_of (g_ptr_array_index (snapshot->messages, i)));
  g_assert_cmpuint (snapshot->messages->len, <=, CONFAB_STORE_PAGE_SIZE);
  if (snapshot->messages->len > 0)
    first = g_object_ref (g_ptr_array_index (snapshot->messages, 0));
  if (has_older)
    g_assert_cmpuint (snapshot->messages->len, ==, CONFAB_STORE_PAGE_SIZE);

  while (has_older)
    {
      g_autoptr(ConfabStorePage) page = store_test_load_older (store, CONSUMER, first, limit);
      g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);

      (*n_pages)++;
      /* a page says there is more only when it is full */
      g_assert_cmpuint (page->messages->len, >, 0);
      g_assert_cmpuint (page->messages->len, <=, limit);
      if (page->has_older)
        g_assert_cmpuint (page->messages->len, ==, limit);
      for (guint i = 0; i < page->messages->len; i++)
        g_ptr_array_add (before, store_test_key_of (g_ptr_array_index (page->messages, i)));
      g_ptr_array_extend_and_steal (before, g_steal_pointer (&keys));
      keys = g_steal_pointer (&before);
      g_set_object (&first, g_ptr_array_index (page->messages, 0));
      has_older = page->has_older;
    }
  return keys;
}

static void
save (ConfabStore  *store,
      GPtrArray    *messages)
{
  confab_store_save_messages (store, ACCOUNT, CONSUMER, messages);
  g_ptr_array_set_size (messages, 0);
}

/* 0, 1, a page, a page and one: the newest page, whether there is more, and the rest. */
static void
test_page_sizes (void)
{
  static const guint sizes[] = { 0, 1, CONFAB_STORE_PAGE_SIZE, CONFAB_STORE_PAGE_SIZE + 1 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *path = store_test_temp_db ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
      ConfabStore *store = confab_store_new (path, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < sizes[s]; i++)
        g_ptr_array_add (batch, store_test_message ("c1", i, i % 2));
      save (store, batch);
      if (sizes[s] > 0)
        confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");

      snapshot = store_test_load (store, CONSUMER);
      g_assert_cmpstr (snapshot->consumer_id, ==, CONSUMER);
      g_assert_cmpuint (snapshot->messages->len, ==, MIN (sizes[s], CONFAB_STORE_PAGE_SIZE));
      g_assert_true (snapshot->has_older == (sizes[s] > CONFAB_STORE_PAGE_SIZE));
      if (sizes[s] == 0)
        {
          g_assert_null (snapshot->conversation_id);
          g_assert_cmpuint (g_hash_table_size (snapshot->last_sequences), ==, 0);
        }
      else
        {
          ConfabMessage *last = g_ptr_array_index (snapshot->messages, snapshot->messages->len - 1);
          gint64 *resume = g_hash_table_lookup (snapshot->last_sequences, "c1");

          /* the newest page ends with the newest message */
          g_assert_cmpint (confab_message_get_sequence (last), ==, sizes[s] - 1);
          g_assert_nonnull (resume);
          g_assert_cmpint (*resume, ==, sizes[s] - 1);
        }
      if (sizes[s] == CONFAB_STORE_PAGE_SIZE + 1)
        {
          g_autoptr(ConfabStorePage) page = store_test_load_older (store, CONSUMER,
                                                                   g_ptr_array_index (snapshot->messages, 0),
                                                                   CONFAB_STORE_PAGE_SIZE);

          g_assert_cmpuint (page->messages->len, ==, 1);
          g_assert_cmpint (confab_message_get_sequence (g_ptr_array_index (page->messages, 0)), ==, 0);
          g_assert_false (page->has_older);
          g_assert_cmpuint (page->n_unread_before, ==, 0);
        }
      if (sizes[s] >= 1)
        {
          /* before the very first message: an empty page, nothing older */
          g_autoptr(ConfabMessage) oldest = store_test_message ("c1", 0, FALSE);
          g_autoptr(ConfabStorePage) page = store_test_load_older (store, CONSUMER, oldest, 10);

          g_assert_cmpuint (page->messages->len, ==, 0);
          g_assert_false (page->has_older);
        }
      g_object_unref (store);
      store_test_remove_db (path);
    }
}

/* A first page of its own size (the app's screenful): the newest messages, the right "older"
 * flag, and the older pages go on from its first message at their own size. */
static void
test_first_page_size (void)
{
  static const guint sizes[] = { 1, 5, CONFAB_STORE_SCREENFUL };
  const guint n = CONFAB_STORE_SCREENFUL + 3;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *path = store_test_temp_db ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
      g_autoptr(ConfabStorePage) page = NULL;
      ConfabStore *store = confab_store_new (path, &error);

      g_assert_no_error (error);
      confab_store_set_first_page_size (store, sizes[s]);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (batch, store_test_message ("c1", i, i % 2));
      save (store, batch);
      confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");

      snapshot = store_test_load (store, CONSUMER);
      g_assert_cmpuint (snapshot->messages->len, ==, sizes[s]);
      g_assert_true (snapshot->has_older);
      g_assert_cmpint (confab_message_get_sequence (g_ptr_array_index (snapshot->messages, 0)), ==, n - sizes[s]);
      g_assert_cmpint (confab_message_get_sequence (g_ptr_array_index (snapshot->messages, sizes[s] - 1)), ==, n - 1);

      page = store_test_load_older (store, CONSUMER, g_ptr_array_index (snapshot->messages, 0), CONFAB_STORE_PAGE_SIZE);
      g_assert_cmpuint (page->messages->len, ==, n - sizes[s]);
      g_assert_false (page->has_older);
      g_assert_cmpint (confab_message_get_sequence (g_ptr_array_index (page->messages, page->messages->len - 1)), ==,
                       n - sizes[s] - 1);
      g_object_unref (store);
      store_test_remove_db (path);
    }
}

/* Three dialogs saved in an order that is not that of their names, with gaps in the
 * sequences, rows saved twice and page sizes that do not divide anything: every older page
 * ends just before the one after it, across dialogs, each message once, in list order. */
static void
test_keyset_across_dialogs (void)
{
  static const struct { const char *dialog; guint count; } dialogs[] = {
    { "zulu", 30 }, { "alpha", 1 }, { "mike", 40 },
  };
  static const guint limits[] = { 1, 7, 11, 24, CONFAB_STORE_PAGE_SIZE, 1000 };
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  ConfabStore *store = confab_store_new (path, &error);

  g_assert_no_error (error);
  for (guint d = 0; d < G_N_ELEMENTS (dialogs); d++)
    for (guint i = 0; i < dialogs[d].count; i++)
      {
        g_autoptr(ConfabMessage) m = store_test_message (dialogs[d].dialog, 3 * i + 1, i % 3 == 0);

        g_ptr_array_add (expected, store_test_key_of (m));
      }

  /* zulu alone first; then everything but zulu's last rows, zulu again included; then
   * some of mike again: a dialog keeps the place of its first save */
  for (guint i = 0; i < 30; i++)
    g_ptr_array_add (batch, store_test_message ("zulu", 3 * i + 1, i % 3 == 0));
  save (store, batch);
  for (guint d = 0; d < G_N_ELEMENTS (dialogs); d++)
    for (guint i = 0; i < MIN (dialogs[d].count, 23); i++)
      g_ptr_array_add (batch, store_test_message (dialogs[d].dialog, 3 * i + 1, i % 3 == 0));
  for (guint i = 23; i < 40; i++)
    g_ptr_array_add (batch, store_test_message ("mike", 3 * i + 1, i % 3 == 0));
  save (store, batch);
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (batch, store_test_message ("mike", 3 * i + 1, i % 3 == 0));
  save (store, batch);

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      guint n_pages = 0;
      g_autoptr(GPtrArray) keys = walk_pages (store, limits[l], &n_pages);
      guint rest = expected->len - CONFAB_STORE_PAGE_SIZE;

      g_assert_cmpuint (keys->len, ==, expected->len);
      for (guint i = 0; i < keys->len; i++)
        g_assert_cmpstr (g_ptr_array_index (keys, i), ==, g_ptr_array_index (expected, i));
      g_assert_cmpuint (n_pages, ==, 1 + (rest + limits[l] - 1) / limits[l]);
    }

  g_object_unref (store);
  store_test_remove_db (path);
}

/* The unread messages before a page: the agent's without READ, back to the newest one with
 * it; own messages neither count nor stop the count; counted up to a limit. */
static void
test_unread_before (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  ConfabStore *store = confab_store_new (path, &error);
  gint64 seq = 0;

  g_assert_no_error (error);
  /* old, read; then in an earlier dialog 5 unread agent messages and 3 own; then in the
   * conversation 4 unread agent messages before the newest page, which is all unread */
  for (guint i = 0; i < 3; i++)
    {
      ConfabMessage *m = store_test_message ("a", seq++, FALSE);

      confab_message_set_read_sent (m, TRUE);
      g_ptr_array_add (batch, m);
    }
  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (batch, store_test_message ("a", seq++, i % 3 == 1));
  for (guint i = 0; i < 4 + CONFAB_STORE_PAGE_SIZE; i++)
    g_ptr_array_add (batch, store_test_message ("b", i, FALSE));
  save (store, batch);

  snapshot = store_test_load (store, CONSUMER);
  g_assert_true (snapshot->has_older);
  g_assert_cmpuint (snapshot->n_unread_before, ==, 4 + 5);
  {
    g_autoptr(ConfabStorePage) page = store_test_load_older (store, CONSUMER,
                                                             g_ptr_array_index (snapshot->messages, 0), 6);

    /* a/9, a/10 (own), b/0 to b/3; before them a/8, a/6, a/5, a/3 (a/7 and a/4 are own),
     * then a/2 was read */
    g_assert_cmpuint (page->messages->len, ==, 6);
    g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (page->messages, 0)), ==, "a/9");
    g_assert_true (page->has_older);
    g_assert_cmpuint (page->n_unread_before, ==, 4);
  }
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  /* more than the limit */
  for (guint i = 0; i < CONFAB_STORE_UNREAD_MAX + 10 + CONFAB_STORE_PAGE_SIZE; i++)
    g_ptr_array_add (batch, store_test_message ("c", i, FALSE));
  save (store, batch);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpuint (snapshot->n_unread_before, ==, CONFAB_STORE_UNREAD_MAX);

  g_object_unref (store);
  store_test_remove_db (path);
}

static gboolean
array_has (GArray *array,
           gint64  value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, gint64, i) == value)
      return TRUE;
  return FALSE;
}

/* What the session needs of the rest without reading it: where each dialog resumes, the
 * agent's messages of the conversation not acknowledged; receipts written for rows that
 * are not loaded. */
static void
test_snapshot_beyond_the_page (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(GArray) sequences = g_array_new (FALSE, FALSE, sizeof (gint64));
  ConfabStore *store = confab_store_new (path, &error);

  g_assert_no_error (error);
  /* an old conversation with an agent message never acknowledged: not the current one */
  g_ptr_array_add (batch, store_test_message ("old", 3, FALSE));
  /* the current one: 200 messages, all acknowledged but 5, 17 and 150 (agent) */
  for (guint i = 0; i < 200; i++)
    {
      ConfabMessage *m = store_test_message ("now", i, i % 2 == 1);

      if (i % 2 == 0 && i != 4 && i != 16 && i != 150)
        confab_message_set_accept_sent (m, TRUE);
      g_ptr_array_add (batch, m);
    }
  save (store, batch);
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "now");

  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpstr (snapshot->conversation_id, ==, "now");
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (snapshot->last_sequences, "now"), ==, 199);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (snapshot->last_sequences, "old"), ==, 3);
  g_assert_cmpuint (snapshot->unaccepted->len, ==, 3);
  g_assert_cmpint (g_array_index (snapshot->unaccepted, gint64, 0), ==, 4);
  g_assert_cmpint (g_array_index (snapshot->unaccepted, gint64, 1), ==, 16);
  g_assert_cmpint (g_array_index (snapshot->unaccepted, gint64, 2), ==, 150);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  /* ACCEPT published for 4; READ for 16 (which needs no ACCEPT then); an own message
   * (never in unaccepted) is left alone; the agent's READ for own message 3 */
  g_array_append_val (sequences, (gint64) { 4 });
  g_array_append_val (sequences, (gint64) { 5 });
  confab_store_save_receipts (store, ACCOUNT, CONSUMER, "now", sequences, CONFAB_RECEIPT_ACCEPT, FALSE);
  g_array_set_size (sequences, 0);
  g_array_append_val (sequences, (gint64) { 16 });
  confab_store_save_receipts (store, ACCOUNT, CONSUMER, "now", sequences, CONFAB_RECEIPT_READ, FALSE);
  g_array_set_size (sequences, 0);
  g_array_append_val (sequences, (gint64) { 3 });
  g_array_append_val (sequences, (gint64) { 4 });
  confab_store_save_receipts (store, ACCOUNT, CONSUMER, "now", sequences, CONFAB_RECEIPT_READ, TRUE);

  snapshot = store_test_load_all (store, CONSUMER);
  g_assert_cmpuint (snapshot->unaccepted->len, ==, 1);
  g_assert_true (array_has (snapshot->unaccepted, 150));
  g_assert_cmpuint (snapshot->messages->len, ==, 201);
  for (guint i = 0; i < snapshot->messages->len; i++)
    {
      ConfabMessage *m = g_ptr_array_index (snapshot->messages, i);
      gint64 s = confab_message_get_sequence (m);

      if (g_strcmp0 (confab_message_get_dialog_id (m), "now") != 0)
        continue;
      if (s == 3)
        g_assert_cmpint (confab_message_get_delivery_state (m), ==, CONFAB_DELIVERY_READ);
      else if (confab_message_get_own (m))
        {
          g_assert_cmpint (confab_message_get_delivery_state (m), ==, CONFAB_DELIVERY_SENT);
          g_assert_false (confab_message_get_accept_sent (m));
        }
      if (s == 16)
        g_assert_true (confab_message_get_read_sent (m) && confab_message_get_accept_sent (m));
      if (s == 4)
        g_assert_true (confab_message_get_accept_sent (m) && !confab_message_get_read_sent (m));
      /* the agent's receipt does not touch the agent's own messages */
      if (s == 4)
        g_assert_cmpint (confab_message_get_delivery_state (m), ==, CONFAB_DELIVERY_QUEUED);
    }

  g_object_unref (store);
  store_test_remove_db (path);
}

/* Asked for no identity: the one that wrote to the account's history last. */
static void
test_last_identity (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabStoreSnapshot) none = NULL;
  g_autoptr(ConfabStoreSnapshot) first = NULL;
  g_autoptr(ConfabStoreSnapshot) second = NULL;
  g_autoptr(ConfabMessage) put = NULL;
  ConfabStore *store = confab_store_new (path, &error);

  g_assert_no_error (error);
  none = store_test_load (store, NULL);
  g_assert_null (none->consumer_id);
  g_assert_cmpuint (none->messages->len, ==, 0);

  g_ptr_array_add (batch, store_test_message ("c1", 0, FALSE));
  confab_store_save_messages (store, ACCOUNT, "earlier", batch);
  confab_store_save_messages (store, "another-account", "elsewhere", batch);
  confab_store_save_messages (store, ACCOUNT, CONSUMER, batch);
  first = store_test_load (store, NULL);
  g_assert_cmpstr (first->consumer_id, ==, CONSUMER);
  g_assert_cmpuint (first->messages->len, ==, 1);

  /* a message put in the outbox counts as writing too */
  confab_store_save_messages (store, ACCOUNT, "earlier", batch);
  second = store_test_load (store, NULL);
  g_assert_cmpstr (second->consumer_id, ==, "earlier");
  put = store_test_put (store, "from " CONSUMER);
  g_clear_pointer (&second, confab_store_snapshot_free);
  second = store_test_load (store, NULL);
  g_assert_cmpstr (second->consumer_id, ==, CONSUMER);
  g_assert_cmpuint (second->outbox->len, ==, 1);

  g_object_unref (store);
  store_test_remove_db (path);
}

/* A history written by Confab's version 1 (its very statements), with two dialogs whose
 * names are not in the order they came, an outbox and a conversation for two identities,
 * opened by this one: migrated to version 2, read a page at a time in the order the rows
 * came, its last identity known. */
static void
test_migrates_version_1 (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(ConfabStoreSnapshot) last = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  ConfabStore *store;
  guint n_pages = 0;

  g_string_append (sql,
                   "PRAGMA journal_mode = WAL;"
                   "BEGIN;"
                   STORE_TEST_V1_TABLES
                   "CREATE INDEX events_by_conversation ON events (account, consumer, conversation);"
                   "PRAGMA user_version = 1;");
  /* "zz" came first (70 rows), then "aa" (30), as a version 1 Confab wrote them; a row of
   * zz saved again later keeps its place; another identity has a conversation too */
  for (guint i = 0; i < 70; i++)
    g_string_append_printf (sql,
                            "INSERT INTO events (account, consumer, dialog, sequence, conversation, originator, role,"
                            " own, server_time, content_type, text, delivery, accept_sent, read_sent)"
                            " VALUES ('" ACCOUNT "', '" CONSUMER "', 'zz', %u, 'zz', '%s', %d, %d, %u, 'text/plain',"
                            " 'zz/%u', %d, %d, 1);",
                            i, i % 2 ? CONSUMER : AGENT, i % 2 ? CONFAB_ROLE_CONSUMER : CONFAB_ROLE_ASSIGNED_AGENT,
                            i % 2, 1000 + i, i, i % 2 ? CONFAB_DELIVERY_READ : 0, i == 10 ? 0 : 1);
  for (guint i = 0; i < 30; i++)
    g_string_append_printf (sql,
                            "INSERT INTO events (account, consumer, dialog, sequence, conversation, originator, role,"
                            " own, server_time, content_type, text, accept_sent)"
                            " VALUES ('" ACCOUNT "', '" CONSUMER "', 'aa', %u, 'aa', '" AGENT "', %d, 0, %u,"
                            " 'text/plain', 'aa/%u', %d);",
                            i, CONFAB_ROLE_ASSIGNED_AGENT, 5000 + i, i, i == 29 ? 0 : 1);
  g_string_append (sql,
                   "INSERT INTO events (account, consumer, dialog, sequence, conversation, text)"
                   " VALUES ('" ACCOUNT "', 'other', 'x', 0, 'x', 'other/0');"
                   "INSERT INTO events (account, consumer, dialog, sequence, conversation, originator, text,"
                   " accept_sent, read_sent) VALUES ('" ACCOUNT "', '" CONSUMER "', 'zz', 68, 'zz', '" AGENT "',"
                   " 'zz/68', 1, 1) ON CONFLICT (account, consumer, dialog, sequence) DO UPDATE SET"
                   " accept_sent = MAX (accept_sent, excluded.accept_sent);"
                   "INSERT INTO outbox (local_id, account, consumer, text, created, attempted, failed)"
                   " VALUES (17, '" ACCOUNT "', '" CONSUMER "', 'waiting', 9000, 1, 0);"
                   "INSERT INTO conversations VALUES ('" ACCOUNT "', 'other', 'x', 100);"
                   "INSERT INTO conversations VALUES ('" ACCOUNT "', '" CONSUMER "', 'aa', 200);"
                   "COMMIT;");
  store_test_exec (path, sql->str);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpstr (snapshot->conversation_id, ==, "aa");
  /* newest first: all of aa, then the end of zz */
  g_assert_cmpuint (snapshot->messages->len, ==, CONFAB_STORE_PAGE_SIZE);
  g_assert_true (snapshot->has_older);
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 0)), ==, "zz/40");
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 29)), ==, "zz/69");
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 30)), ==, "aa/0");
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 59)), ==, "aa/29");
  g_assert_cmpint (confab_message_get_delivery_state (g_ptr_array_index (snapshot->messages, 29)), ==,
                   CONFAB_DELIVERY_READ);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (snapshot->last_sequences, "aa"), ==, 29);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (snapshot->last_sequences, "zz"), ==, 69);
  g_assert_cmpuint (snapshot->unaccepted->len, ==, 1);
  g_assert_cmpint (g_array_index (snapshot->unaccepted, gint64, 0), ==, 29);
  g_assert_cmpuint (snapshot->outbox->len, ==, 1);
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->outbox, 0)), ==, "waiting");
  g_assert_true (confab_message_get_attempted (g_ptr_array_index (snapshot->outbox, 0)));
  /* the conversation followed last says whose history the account shows first */
  last = store_test_load (store, NULL);
  g_assert_cmpstr (last->consumer_id, ==, CONSUMER);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  {
    g_autoptr(GPtrArray) keys = walk_pages (store, 25, &n_pages);

    g_assert_cmpuint (keys->len, ==, 100);
    for (guint i = 0; i < 100; i++)
      {
        g_autofree char *expected = i < 70 ? g_strdup_printf ("zz/%u", i) : g_strdup_printf ("aa/%u", i - 70);

        g_assert_cmpstr (g_ptr_array_index (keys, i), ==, expected);
      }
    g_assert_cmpuint (n_pages, ==, 3);
  }

  /* new rows go on in the same order, a new dialog after both */
  {
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (batch, store_test_message ("bb", 0, FALSE));
    g_ptr_array_add (batch, store_test_message ("zz", 70, FALSE));
    save (store, batch);
    snapshot = store_test_load (store, CONSUMER);
    g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 59)), ==, "bb/0");
    g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 58)), ==, "aa/29");
  }
  g_object_unref (store);

  /* the file says the current version and holds the index of the old version no more */
  g_assert_cmpint (store_test_query_int (path, "PRAGMA user_version"), ==, CONFAB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (CONFAB_STORE_SCHEMA_VERSION, >=, 3);
  g_assert_cmpint (store_test_query_int (path, "SELECT COUNT (*) FROM sqlite_master WHERE name = 'events_by_conversation'"),
                   ==, 0);

  store_test_remove_db (path);
}

/* Every query that reads the history finds its rows through an index: no table is read
 * whole and nothing is sorted apart, so a page costs the same at any length. The outbox
 * alone is read whole: it holds what waits to be sent, a handful. */
static void
test_query_plans (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  const char *const *queries = _confab_store_get_read_queries ();
  ConfabStore *store = confab_store_new (path, &error);
  sqlite3 *db = NULL;
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < 500; i++)
    g_ptr_array_add (batch, store_test_message (i < 250 ? "c1" : "c2", i, i % 2));
  save (store, batch);
  confab_store_flush (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (; queries[n] != NULL; n++)
    {
      g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", queries[n], NULL);
      sqlite3_stmt *stmt = NULL;
      int rc;

      g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *detail = (const char *) sqlite3_column_text (stmt, 3);

          g_test_message ("%s: %s", queries[n], detail);
          if (strstr (detail, "TEMP B-TREE") != NULL ||
              (g_str_has_prefix (detail, "SCAN") && !g_str_equal (detail, "SCAN outbox")))
            g_error ("%s reads too much: %s", queries[n], detail);
        }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
    }
  g_assert_cmpuint (n, >=, 8);
  sqlite3_close (db);

  g_object_unref (store);
  store_test_remove_db (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/store/paging/page-sizes", test_page_sizes);
  g_test_add_func ("/core/store/paging/first-page-size", test_first_page_size);
  g_test_add_func ("/core/store/paging/keyset-across-dialogs", test_keyset_across_dialogs);
  g_test_add_func ("/core/store/paging/unread-before", test_unread_before);
  g_test_add_func ("/core/store/paging/snapshot-beyond-the-page", test_snapshot_beyond_the_page);
  g_test_add_func ("/core/store/paging/last-identity", test_last_identity);
  g_test_add_func ("/core/store/paging/query-plans", test_query_plans);
  g_test_add_func ("/core/store/migration/from-version-1", test_migrates_version_1);

  return g_test_run ();
}
