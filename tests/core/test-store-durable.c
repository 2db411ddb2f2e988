/* test-store-durable.c: a message shown as queued is on disk, and stays there
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "store-test-util.h"

/* Killed the moment the last put returned: every message put is there at the next start. */
static void
test_killed_after_put (void)
{
  static const guint counts[] = { 1, 50, 500 };
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "core", "store-put-helper", NULL);

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      g_autofree char *path = store_test_temp_db ();
      g_autofree char *count = g_strdup_printf ("%u", counts[c]);
      g_autofree char *errors = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
      const char *argv[] = { helper, path, count, NULL };
      ConfabStore *store;
      int status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &errors,
                                   &status, &error));
      g_assert_no_error (error);
      if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
        g_error ("the helper did not die by SIGKILL (status %d): %s", status, errors);

      store = confab_store_new (path, &error);
      g_assert_no_error (error);
      snapshot = store_test_load (store, CONSUMER);
      g_assert_cmpuint (snapshot->outbox->len, ==, counts[c]);
      for (guint i = 0; i < counts[c]; i++)
        {
          g_autofree char *text = g_strdup_printf ("message %u", i);
          ConfabMessage *message = g_ptr_array_index (snapshot->outbox, i);

          g_assert_cmpstr (confab_message_get_text (message), ==, text);
          g_assert_cmpint (confab_message_get_delivery_state (message), ==, CONFAB_DELIVERY_QUEUED);
        }
      g_object_unref (store);
      store_test_remove_db (path);
    }
}

/* A power cut is not a kill: what counts there is whether the write-ahead log reached the
 * disk. The default VFS is wrapped so that every xSync of a -wal file is counted. */

static sqlite3_vfs shim_vfs;
static sqlite3_vfs *real_vfs;
static sqlite3_io_methods wal_methods;
static const sqlite3_io_methods *real_wal_methods;
static int (*real_wal_sync) (sqlite3_file *file, int flags);
static gint wal_syncs;

static int
counting_sync (sqlite3_file *file,
               int           flags)
{
  int rc = real_wal_sync (file, flags);

  if (rc == SQLITE_OK)
    g_atomic_int_inc (&wal_syncs);
  return rc;
}

static int
shim_open (sqlite3_vfs  *vfs,
           const char   *name,
           sqlite3_file *file,
           int           flags,
           int          *out_flags)
{
  int rc = real_vfs->xOpen (real_vfs, name, file, flags, out_flags);

  if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && file->pMethods != NULL)
    {
      if (real_wal_methods == NULL)
        {
          real_wal_methods = file->pMethods;
          wal_methods = *file->pMethods;
          real_wal_sync = wal_methods.xSync;
          wal_methods.xSync = counting_sync;
        }
      g_assert_true (file->pMethods == real_wal_methods);
      file->pMethods = &wal_methods;
    }
  return rc;
}

static void
install_counting_vfs (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  g_assert_nonnull (real_vfs);
  shim_vfs = *real_vfs;
  shim_vfs.pNext = NULL;
  shim_vfs.zName = "confab-test-counting";
  shim_vfs.xOpen = shim_open;
  g_assert_cmpint (sqlite3_vfs_register (&shim_vfs, 1), ==, SQLITE_OK);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Each put returns only after the log holding it was synced; the rest of the history is
 * not synced commit by commit, which is what makes the count mean something. */
static void
test_put_is_synced (void)
{
  enum { N_PUTS = 200 };
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) took = g_array_sized_new (FALSE, FALSE, sizeof (gint64), N_PUTS);
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  ConfabStore *store = confab_store_new (path, &error);
  ConfabMessageFields fields = { 0 };
  gint before;

  g_assert_no_error (error);

  for (guint i = 0; i < N_PUTS; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      g_autoptr(ConfabMessage) message = confab_message_new_outgoing (text, g_get_real_time () / 1000);
      gint64 start, end;

      confab_message_set_local_id (message, confab_store_next_local_id (store));
      before = g_atomic_int_get (&wal_syncs);
      start = g_get_monotonic_time ();
      g_assert_true (confab_store_outbox_put (store, ACCOUNT, CONSUMER, message, &error));
      end = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_assert_cmpint (g_atomic_int_get (&wal_syncs), >, before);
      end -= start;
      g_array_append_val (took, end);
    }

  g_array_sort (took, compare_gint64);
  g_test_message ("outbox put, %d puts: median %.2f ms, p99 %.2f ms, slowest %.2f ms", N_PUTS,
                  g_array_index (took, gint64, N_PUTS / 2) / 1000.0,
                  g_array_index (took, gint64, (N_PUTS * 99 + 99) / 100 - 1) / 1000.0,
                  g_array_index (took, gint64, N_PUTS - 1) / 1000.0);

  fields.dialog_id = fields.conversation_id = "c1";
  fields.originator_id = "agent";
  fields.text = "history";
  fields.role = CONFAB_ROLE_ASSIGNED_AGENT;
  g_ptr_array_add (history, confab_message_new (&fields));
  before = g_atomic_int_get (&wal_syncs);
  confab_store_save_messages (store, ACCOUNT, CONSUMER, history);
  confab_store_flush (store);
  g_assert_cmpint (g_atomic_int_get (&wal_syncs), ==, before);

  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpuint (snapshot->outbox->len, ==, N_PUTS);

  g_object_unref (store);
  store_test_remove_db (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  install_counting_vfs ();

  g_test_add_func ("/core/store/durable/killed-after-put", test_killed_after_put);
  g_test_add_func ("/core/store/durable/put-is-synced", test_put_is_synced);

  return g_test_run ();
}
