/* test-store-faults.c: a damaged, read-only or full history ends in a clear message, and
 * nothing written is lost or overwritten
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "store-test-util.h"

#define N_WAITING 40
#define N_HISTORY 300

static void
signal_cb (ConfabStore  *store,
           const GError *error,
           GError      **out)
{
  g_assert_null (*out);
  *out = g_error_copy (error);
}

static char *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, &error));
  g_assert_no_error (error);
  return contents;
}

static void
assert_same_file (const char *path,
                  const char *expected,
                  gsize       expected_length)
{
  gsize length = 0;
  g_autofree char *contents = read_file (path, &length);

  g_assert_cmpmem (contents, length, expected, expected_length);
}

/* The one file next to path whose name says it was set aside. */
static char *
find_aside (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".damaged-", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  char *found = NULL;
  const char *name;

  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      {
        g_assert_null (found);
        found = g_build_filename (dir, name, NULL);
      }
  g_assert_nonnull (found);
  return found;
}

static char *
waiting_text (guint i)
{
  /* long enough that the outbox spans several pages */
  return g_strdup_printf ("waiting %u %0500u", i, i);
}

/* A history with a conversation, N_HISTORY messages of it and N_WAITING in the outbox,
 * closed (so everything is in the database file itself). The outbox's local ids in order. */
static GArray *
fill_history (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  GArray *local_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ConfabStore *store = confab_store_new (path, &error);

  g_assert_no_error (error);
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");
  for (guint i = 0; i < N_HISTORY; i++)
    {
      g_autofree char *text = g_strdup_printf ("history %u %0200u", i, i);
      ConfabMessageFields fields = {
        .dialog_id = "c1", .conversation_id = "c1", .originator_id = "agent", .text = text,
        .content_type = "text/plain", .sequence = i, .role = CONFAB_ROLE_ASSIGNED_AGENT,
      };

      g_ptr_array_add (history, confab_message_new (&fields));
    }
  confab_store_save_messages (store, ACCOUNT, CONSUMER, history);
  for (guint i = 0; i < N_WAITING; i++)
    {
      g_autofree char *text = waiting_text (i);
      g_autoptr(ConfabMessage) message = store_test_put (store, text);
      gint64 local_id = confab_message_get_local_id (message);

      g_array_append_val (local_ids, local_id);
    }
  g_object_unref (store);
  return local_ids;
}

/* The leaf pages of a table, in key order, walked from its root page in the file itself. */

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
collect_leaves (const guint8 *file,
                gsize         length,
                gsize         page_size,
                guint32       page,
                GArray       *leaves)
{
  const guint8 *start = file + (page - 1) * page_size;
  const guint8 *header = start + (page == 1 ? 100 : 0);
  guint cells;

  g_assert_cmpuint (page * page_size, <=, length);
  if (header[0] == 0x0d)   /* table leaf */
    {
      g_array_append_val (leaves, page);
      return;
    }
  g_assert_cmpint (header[0], ==, 0x05);   /* table interior */
  cells = header[3] << 8 | header[4];
  for (guint i = 0; i < cells; i++)
    {
      guint offset = header[12 + 2 * i] << 8 | header[13 + 2 * i];

      collect_leaves (file, length, page_size, be32 (start + offset), leaves);
    }
  collect_leaves (file, length, page_size, be32 (header + 8), leaves);
}

static GArray *
leaf_pages (const char *path,
            const char *table)
{
  GArray *leaves = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *sql = g_strdup_printf ("SELECT rootpage FROM sqlite_schema WHERE name = '%s'", table);
  g_autofree guint8 *file = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  guint32 root;
  gsize length = 0;
  gsize page_size;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  root = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  file = (guint8 *) read_file (path, &length);
  page_size = file[16] << 8 | file[17];
  if (page_size == 1)
    page_size = 65536;
  collect_leaves (file, length, page_size, root, leaves);
  g_assert_cmpuint (leaves->len, >, 0);
  return leaves;
}

static gsize
page_size_of (const char *path)
{
  gsize length = 0;
  g_autofree guint8 *file = (guint8 *) read_file (path, &length);

  g_assert_cmpuint (length, >=, 100);
  return file[16] << 8 | file[17];
}

/* Garbage over whole pages, in place, as a failing disk or a stray write would leave them. */
static void
write_garbage (const char *path,
               GArray     *pages)
{
  gsize page_size = page_size_of (path);
  g_autofree guint8 *garbage = g_malloc (page_size);
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);
  FILE *file = fopen (path, "r+b");

  g_assert_nonnull (file);
  for (guint i = 0; i < pages->len; i++)
    {
      for (gsize b = 0; b < page_size; b++)
        garbage[b] = g_rand_int_range (rand, 0, 256);
      g_assert_cmpint (fseek (file, (long) ((g_array_index (pages, guint32, i) - 1) * page_size), SEEK_SET), ==, 0);
      g_assert_cmpuint (fwrite (garbage, 1, page_size, file), ==, page_size);
    }
  g_assert_cmpint (fclose (file), ==, 0);
}

static void
assert_healthy (const char *path)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* The problem names the file the history went to, by its full name. */
static void
assert_problem_names (const GError *problem,
                      const char   *aside)
{
  g_autofree char *display = g_filename_display_name (aside);

  g_assert_error (problem, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_DAMAGED);
  g_assert_nonnull (strstr (problem->message, display));
}

/* Not SQLite at all: set aside byte for byte, and a fresh history works. */
static void
test_not_sqlite (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *aside = NULL;
  g_autoptr(GString) garbage = g_string_new ("this is not SQLite, just text that is long enough to be a header\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(ConfabMessage) message = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  ConfabStore *store;

  for (guint i = 0; i < 8192; i++)
    g_string_append_c (garbage, (char) (i * 7919 % 251));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_signal_connect (store, "problem", G_CALLBACK (signal_cb), &problem);
  CONFAB_TEST_WAIT_UNTIL (problem != NULL, 5000);

  aside = find_aside (path);
  assert_problem_names (problem, aside);
  assert_same_file (aside, garbage->str, garbage->len);

  snapshot = store_test_load_all (store, CONSUMER);
  g_assert_cmpuint (snapshot->outbox->len, ==, 0);
  message = store_test_put (store, "after the damage");
  g_object_unref (store);
  assert_healthy (path);

  store_test_remove_db (path);
}

/* What the outbox held, minus the rows of the one damaged page: all of them whole, and rows
 * from both sides of the damage (before it only, when it is the last page). Any other row must
 * be the one named extra. */
static void
assert_outbox_salvaged (GPtrArray  *outbox,
                        GArray     *local_ids,
                        gboolean    damage_at_end,
                        const char *extra)
{
  gboolean first = FALSE;
  gboolean last = FALSE;

  g_assert_cmpuint (outbox->len, >, 0);
  g_assert_cmpuint (outbox->len, <, local_ids->len);
  for (guint i = 0; i < outbox->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (outbox, i);
      gint64 local_id = confab_message_get_local_id (message);
      guint index = G_MAXUINT;
      g_autofree char *text = NULL;

      if (extra != NULL && g_strcmp0 (confab_message_get_text (message), extra) == 0)
        continue;
      for (guint j = 0; j < local_ids->len; j++)
        if (g_array_index (local_ids, gint64, j) == local_id)
          index = j;
      g_assert_cmpuint (index, <, local_ids->len);
      text = waiting_text (index);
      g_assert_cmpstr (confab_message_get_text (message), ==, text);
      first |= index == 0;
      last |= index == local_ids->len - 1;
    }
  g_assert_true (first);
  g_assert_true (last != damage_at_end);
}

/* Garbage over the middle of the history (its leaf pages but the first and the last) and
 * over one page in the middle of the outbox. */
static void
damage_middle (const char *path)
{
  g_autoptr(GArray) history_leaves = leaf_pages (path, "events");
  g_autoptr(GArray) outbox_leaves = leaf_pages (path, "outbox");
  g_autoptr(GArray) damaged = g_array_new (FALSE, FALSE, sizeof (guint32));

  g_assert_cmpuint (history_leaves->len, >=, 3);
  for (guint i = 1; i + 1 < history_leaves->len; i++)
    g_array_append_val (damaged, g_array_index (history_leaves, guint32, i));
  g_array_append_val (damaged, g_array_index (outbox_leaves, guint32, outbox_leaves->len / 2));
  write_garbage (path, damaged);
}

/* The store on a damaged history: it opens, and says what it found in *problem. */
static ConfabStore *
open_damaged (const char  *path,
              GError     **problem)
{
  g_autoptr(GError) error = NULL;
  ConfabStore *store = confab_store_new (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_signal_connect (store, "problem", G_CALLBACK (signal_cb), problem);
  CONFAB_TEST_WAIT_UNTIL (*problem != NULL, 5000);
  return store;
}

/* Corrupt pages found when the history is opened: what can be read is kept, the damaged file
 * is set aside as it was. */
static void
test_corrupt_pages_at_open (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GArray) local_ids = fill_history (path);
  g_autoptr(GArray) outbox_leaves = leaf_pages (path, "outbox");
  g_autoptr(GError) problem = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autofree char *before = NULL;
  g_autofree char *aside = NULL;
  ConfabStore *store;
  gsize length = 0;

  g_assert_cmpuint (outbox_leaves->len, >=, 3);
  damage_middle (path);
  before = read_file (path, &length);

  store = open_damaged (path, &problem);
  aside = find_aside (path);
  assert_problem_names (problem, aside);
  assert_same_file (aside, before, length);

  snapshot = store_test_load_all (store, CONSUMER);
  assert_outbox_salvaged (snapshot->outbox, local_ids, FALSE, NULL);
  {
    g_autofree char *kept = g_strdup_printf ("%u messages waiting to be sent were kept", snapshot->outbox->len);

    g_assert_nonnull (strstr (problem->message, kept));
  }
  /* the conversation and the history that could be read */
  g_assert_cmpstr (snapshot->conversation_id, ==, "c1");
  g_assert_cmpuint (snapshot->messages->len, >, 0);
  g_assert_cmpuint (snapshot->messages->len, <, N_HISTORY);
  g_object_unref (store);
  assert_healthy (path);

  store_test_remove_db (path);
}

/* A history of version 1 with corrupt pages: the update to this version meets them, and the
 * file is set aside as at any open, what can be read of it kept and brought up to date. */
static void
test_corrupt_version_1 (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GArray) local_ids = fill_history (path);
  g_autoptr(GError) problem = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autofree char *aside = NULL;
  ConfabStore *store;

  /* back to the schema of version 1, every row as it was */
  store_test_exec (path,
                   "DROP INDEX events_unaccepted; DROP INDEX events_agent; DROP INDEX events_by_local_id;"
                   "DROP TABLE dialogs; DROP TABLE identities;"
                   "CREATE INDEX events_by_conversation ON events (account, consumer, conversation);"
                   "PRAGMA user_version = 1; PRAGMA wal_checkpoint (TRUNCATE);");

  damage_middle (path);

  store = open_damaged (path, &problem);
  aside = find_aside (path);
  assert_problem_names (problem, aside);

  snapshot = store_test_load_all (store, CONSUMER);
  assert_outbox_salvaged (snapshot->outbox, local_ids, FALSE, NULL);
  g_assert_cmpstr (snapshot->conversation_id, ==, "c1");
  g_assert_cmpuint (snapshot->messages->len, >, 0);
  g_assert_cmpuint (snapshot->messages->len, <, N_HISTORY);
  g_object_unref (store);
  assert_healthy (path);

  store_test_remove_db (path);
}

/* Corrupt pages met by a read or a write while Confab runs: an error reading is not taken
 * for the end of the rows; the history is set aside the same way and the read or write done
 * again on the fresh one. */
static void
corrupt_pages_while_running (gboolean by_write)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GArray) local_ids = fill_history (path);
  g_autoptr(GArray) outbox_leaves = leaf_pages (path, "outbox");
  g_autoptr(GArray) damaged = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) reported = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autofree char *before = NULL;
  g_autofree char *aside = NULL;
  ConfabStore *store;
  sqlite3 *db = NULL;
  gsize length = 0;

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "problem", G_CALLBACK (signal_cb), &problem);
  g_signal_connect (store, "error", G_CALLBACK (signal_cb), &reported);
  confab_store_flush (store);
  confab_test_spin (50);
  g_assert_null (problem);

  /* Damage under the running store, then a change by another connection so that the store
   * reads its pages again instead of trusting its cache. A new message goes to the last
   * page of the outbox: that is the one a write meets. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_array_append_val (damaged, g_array_index (outbox_leaves, guint32,
                                              by_write ? outbox_leaves->len - 1 : outbox_leaves->len / 2));
  write_garbage (path, damaged);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  before = read_file (path, &length);

  if (by_write)
    {
      g_object_unref (store_test_put (store, "met the damage"));

      /* found by the write itself, before any read */
      CONFAB_TEST_WAIT_UNTIL (problem != NULL, 5000);
    }
  snapshot = store_test_load_all (store, CONSUMER);
  CONFAB_TEST_WAIT_UNTIL (problem != NULL, 5000);
  aside = find_aside (path);
  assert_problem_names (problem, aside);
  assert_outbox_salvaged (snapshot->outbox, local_ids, by_write, by_write ? "met the damage" : NULL);
  if (by_write)
    g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->outbox, snapshot->outbox->len - 1)),
                     ==, "met the damage");
  g_assert_cmpuint (snapshot->messages->len, ==, N_HISTORY);
  confab_test_spin (50);
  g_assert_null (reported);

  /* the fresh history takes writes, and the damaged one was not touched by them */
  g_object_unref (store_test_put (store, "after the damage"));
  g_object_unref (store);
  assert_same_file (aside, before, length);
  assert_healthy (path);

  store_test_remove_db (path);
}

static void
test_corrupt_pages_on_read (void)
{
  corrupt_pages_while_running (FALSE);
}

static void
test_corrupt_pages_on_write (void)
{
  corrupt_pages_while_running (TRUE);
}

/* A history Confab cannot write: refused at open with words that say so, and left exactly as
 * it was. Root may write anything, so the test drops to an ordinary user in a subprocess. */
static void
drop_root (void)
{
  if (geteuid () != 0)
    return;
  if (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
    g_error ("could not drop root: %s", g_strerror (errno));
  g_assert_cmpint (geteuid (), !=, 0);
}

static void
assert_refused_untouched (const char *path,
                          const char *named)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *display = g_filename_display_name (named);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *before = NULL;
  g_autoptr(GDir) listing = NULL;
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);
  gsize length = 0;
  guint n_files = 0;

  if (exists)
    before = read_file (path, &length);
  g_assert_null (confab_store_new (path, &error));
  g_assert_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, display));
  g_assert_nonnull (strstr (error->message, "read-only"));

  if (exists)
    assert_same_file (path, before, length);
  else
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, exists ? 1 : 0);
}

static void
test_read_only (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  drop_root ();
  {
    g_autofree char *path = store_test_temp_db ();
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(GError) error = NULL;
    g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
    ConfabStore *store;

    g_array_unref (fill_history (path));

    /* the file */
    g_assert_cmpint (g_chmod (path, 0400), ==, 0);
    assert_refused_untouched (path, path);
    g_assert_cmpint (g_chmod (path, 0600), ==, 0);

    /* its folder */
    g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
    assert_refused_untouched (path, dir);
    g_assert_cmpint (g_chmod (dir, 0700), ==, 0);

    /* writable again: all there */
    store = confab_store_new (path, &error);
    g_assert_no_error (error);
    snapshot = store_test_load_all (store, CONSUMER);
    g_assert_cmpuint (snapshot->outbox->len, ==, N_WAITING);
    g_assert_cmpuint (snapshot->messages->len, ==, N_HISTORY);
    g_object_unref (store);
    store_test_remove_db (path);
  }
  {
    /* a new history in a folder Confab cannot write */
    g_autofree char *path = store_test_temp_db ();
    g_autofree char *dir = g_path_get_dirname (path);

    g_assert_cmpint (g_mkdir_with_parents (dir, 0500), ==, 0);
    g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
    assert_refused_untouched (path, dir);
    store_test_remove_db (path);
  }
}

static void
test_full_disk (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *big = g_strnfill (64 * 1024, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reported = NULL;
  g_autoptr(ConfabMessage) message = NULL;
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  ConfabMessageFields fields = {
    .dialog_id = "c1", .conversation_id = "c1", .originator_id = "agent", .text = big,
    .sequence = N_HISTORY, .role = CONFAB_ROLE_ASSIGNED_AGENT,
  };
  ConfabStore *store;

  g_array_unref (fill_history (path));
  store_test_set_max_pages (store_test_page_count (path));
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "error", G_CALLBACK (signal_cb), &reported);

  /* The message does not fit: put says so, the person is told, and nothing is half-written. */
  message = confab_message_new_outgoing (big, g_get_real_time () / 1000);
  confab_message_set_local_id (message, confab_store_next_local_id (store));
  g_assert_false (confab_store_outbox_put (store, ACCOUNT, CONSUMER, message, &error));
  g_assert_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "the disk is full"));
  CONFAB_TEST_WAIT_UNTIL (reported != NULL, 5000);
  g_assert_cmpstr (reported->message, ==, error->message);
  g_clear_error (&error);
  g_clear_error (&reported);

  /* nor does a message of the history: not silently */
  g_ptr_array_add (history, confab_message_new (&fields));
  confab_store_save_messages (store, ACCOUNT, CONSUMER, history);
  CONFAB_TEST_WAIT_UNTIL (reported != NULL, 5000);
  g_assert_error (reported, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE);
  g_assert_nonnull (strstr (reported->message, "the disk is full"));
  g_clear_error (&reported);

  /* what was there before is all there */
  {
    g_autoptr(ConfabStoreSnapshot) snapshot = store_test_load_all (store, CONSUMER);

    g_assert_cmpuint (snapshot->outbox->len, ==, N_WAITING);
    g_assert_cmpuint (snapshot->messages->len, ==, N_HISTORY);
  }
  g_object_unref (store);

  /* Space again: the same message goes in, next to the others. */
  store_test_set_max_pages (0);
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (confab_store_outbox_put (store, ACCOUNT, CONSUMER, message, &error));
  g_assert_no_error (error);
  {
    g_autoptr(ConfabStoreSnapshot) snapshot = store_test_load_all (store, CONSUMER);

    g_assert_cmpuint (snapshot->outbox->len, ==, N_WAITING + 1);
    g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->outbox, N_WAITING)), ==, big);
  }
  g_object_unref (store);
  assert_healthy (path);

  store_test_remove_db (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sqlite3_auto_extension ((void (*) (void)) store_test_limit_pages);

  g_test_add_func ("/core/store/faults/not-sqlite", test_not_sqlite);
  g_test_add_func ("/core/store/faults/corrupt-pages-at-open", test_corrupt_pages_at_open);
  g_test_add_func ("/core/store/faults/corrupt-version-1", test_corrupt_version_1);
  g_test_add_func ("/core/store/faults/corrupt-pages-on-read", test_corrupt_pages_on_read);
  g_test_add_func ("/core/store/faults/corrupt-pages-on-write", test_corrupt_pages_on_write);
  g_test_add_func ("/core/store/faults/read-only", test_read_only);
  g_test_add_func ("/core/store/faults/full-disk", test_full_disk);

  return g_test_run ();
}
