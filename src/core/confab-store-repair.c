/* confab-store-repair.c: damage found, what can be read of it kept, the file moved aside
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabStore (see confab-store-private.h).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "confab-store-private.h"

/* The checker's thread: every page of the file and every row's format (not the indexes
 * against the tables), linear in the size of the file, through a connection of its own so
 * that the store's thread reads and writes meanwhile. The verdict goes to the store's thread
 * as a job, which sets a damaged history aside as when a read or write meets the damage. */
gpointer
_confab_store_checker (gpointer data)
{
  ConfabStore *self = data;
  Job *job = _confab_store_job_new (JOB_CHECKED, NULL, NULL);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  int rc;

  job->generation = self->checked_generation;
  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 2000);
      g_mutex_lock (&self->checker_mutex);
      self->checker_db = db;
      g_mutex_unlock (&self->checker_mutex);

      rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check (1)", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        rc = g_atomic_int_get (&self->closing) ? SQLITE_INTERRUPT : sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          const char *verdict = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (verdict, "ok") == 0)
            rc = SQLITE_OK;
          else
            {
              rc = SQLITE_CORRUPT;
              job->check_failure = g_strdup (verdict != NULL ? verdict : sqlite3_errstr (SQLITE_CORRUPT));
            }
        }
      else
        job->check_failure = g_strdup (sqlite3_errcode (db) == rc ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_finalize (stmt);

      g_mutex_lock (&self->checker_mutex);
      self->checker_db = NULL;
      g_mutex_unlock (&self->checker_mutex);
    }
  else
    job->check_failure = g_strdup (sqlite3_errstr (rc));
  sqlite3_close (db);

  job->check_code = rc;
  /* Stopped because the store is closing: nothing to say. */
  if ((rc & 0xff) == SQLITE_INTERRUPT)
    _confab_store_job_free (job);
  else
    g_async_queue_push (self->jobs, job);
  return NULL;
}

/* The checker's verdict, on the store's thread; FALSE (the failure noted) when the file it
 * checked, still the history, is damaged or could not be read. */
gboolean
_confab_store_run_checked (ConfabStore *self,
                           Job         *job)
{
  if (job->generation != self->generation || job->check_code == SQLITE_OK)
    return TRUE;
  self->failure_code = job->check_code;
  g_free (self->failure);
  self->failure = g_strdup (job->check_failure);
  return FALSE;
}

/* The first column of a salvage query is the rowid, then the table's columns in order. */
#define SALVAGE_ROWID 0
#define SALVAGE_VALUE(column) ((int) (column) + 1)

/* The columns of table for a salvage query; one that a damaged file of an older version does
 * not have (a payload, version 3) is read as NULL, so the rest of its rows are kept. */
static char *
salvage_column_list (ConfabStore *self,
                     const Table *table)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < table->n_columns; i++)
    {
      g_autofree char *probe = g_strdup_printf ("SELECT %s FROM %s LIMIT 0", table->columns[i], table->name);
      sqlite3_stmt *stmt = NULL;
      gboolean present = TRUE;

      if (g_str_equal (table->columns[i], "payload"))
        {
          present = sqlite3_prepare_v2 (self->db, probe, -1, &stmt, NULL) == SQLITE_OK;
          sqlite3_finalize (stmt);
        }
      g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", present ? table->columns[i] : "NULL");
    }
  return g_string_free (list, FALSE);
}

/* What can still be read of one table of a damaged history: a GPtrArray of sqlite3_value
 * per row. Read forwards up to the first damaged page, then backwards from the end down to
 * it, so rows behind the damage are kept too. */
static GPtrArray *
salvage_table (ConfabStore *self,
               const Table *table)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autofree char *list = salvage_column_list (self, table);
  gboolean any = FALSE;
  gint64 last = 0;

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT rowid, %s FROM %s ORDER BY rowid %s", list, table->name,
                                              pass == 0 ? "ASC" : "DESC");
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          sqlite3_finalize (stmt);
          break;
        }
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 rowid = sqlite3_column_int64 (stmt, SALVAGE_ROWID);
          GPtrArray *row;

          if (pass == 1 && any && rowid <= last)
            break;
          if (pass == 0)
            {
              any = TRUE;
              last = rowid;
            }
          row = g_ptr_array_new_full (table->n_columns, (GDestroyNotify) sqlite3_value_free);
          for (guint i = 0; i < table->n_columns; i++)
            g_ptr_array_add (row, sqlite3_value_dup (sqlite3_column_value (stmt, SALVAGE_VALUE (i))));
          g_ptr_array_add (rows, row);
        }
      sqlite3_finalize (stmt);
    }

  return rows;
}

/* Writes the salvaged rows (in the order of TableId) into the fresh history, synced like the
 * outbox: they may be the only copy of words not sent yet. */
static gboolean
restore (ConfabStore *self,
         GPtrArray   *salvaged)
{
  gboolean ok;

  if (!_confab_store_exec (self, "PRAGMA synchronous = FULL"))
    return FALSE;
  ok = _confab_store_exec (self, "BEGIN");
  for (guint t = 0; ok && t < salvaged->len; t++)
    {
      GPtrArray *rows = g_ptr_array_index (salvaged, t);
      /* Half-read rows that break a constraint are left out, not the whole table. */
      g_autofree char *sql = _confab_store_insert_sql ("INSERT OR IGNORE", _confab_store_table (t), "");
      sqlite3_stmt *stmt = NULL;
      int rc;

      if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
        ok = _confab_store_failed (self, rc);
      for (guint r = 0; ok && r < rows->len; r++)
        {
          GPtrArray *row = g_ptr_array_index (rows, r);

          sqlite3_reset (stmt);
          for (guint i = 0; i < row->len; i++)
            {
              sqlite3_value *value = g_ptr_array_index (row, i);

              if (value != NULL)
                sqlite3_bind_value (stmt, PARAM (i), value);
              else
                sqlite3_bind_null (stmt, PARAM (i));
            }
          if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
            ok = _confab_store_failed (self, rc);
        }
      sqlite3_finalize (stmt);
    }
  /* a dialog whose row was lost still has its messages: it gets a place again */
  if (!ok || !_confab_store_place_missing_dialogs (self) || !_confab_store_exec (self, "COMMIT"))
    {
      _confab_store_rollback (self);
      ok = FALSE;
    }
  sqlite3_exec (self->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  return ok;
}

static const char *const journal_suffixes[] = { "", "-wal", "-shm" };

/* Renames path and its journals to path.damaged-DATE-TIME (and -wal, -shm, so SQLite still
 * sees them as one database), never over anything that exists. The new name, or NULL. */
static char *
move_aside (const char  *path,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = NULL;

  for (guint n = 1; aside == NULL; n++)
    {
      g_autofree char *candidate = n == 1 ? g_strdup_printf ("%s.damaged-%s", path, stamp)
                                          : g_strdup_printf ("%s.damaged-%s-%u", path, stamp, n);
      gboolean taken = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (journal_suffixes); i++)
        {
          g_autofree char *file = g_strconcat (candidate, journal_suffixes[i], NULL);

          taken |= g_file_test (file, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK);
        }
      if (!taken)
        aside = g_steal_pointer (&candidate);
    }

  /* The journals go first: a log left behind under the old name would be replayed into the
   * fresh history. The database itself last, so a failure leaves it where it was. */
  for (guint i = G_N_ELEMENTS (journal_suffixes); i > 0; i--)
    {
      g_autofree char *from = g_strconcat (path, journal_suffixes[i - 1], NULL);
      g_autofree char *to = g_strconcat (aside, journal_suffixes[i - 1], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_autofree char *display = g_filename_display_name (from);

          g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_DAMAGED,
                       _("The history “%s” is damaged and could not be moved aside: %s"),
                       display, g_strerror (saved));
          return NULL;
        }
    }

  return g_steal_pointer (&aside);
}

/* The history cannot be read (any more): keeps what can be read of it, moves the file aside
 * untouched and goes on with a fresh one holding the copy. ::problem tells the person. On
 * FALSE there is no database; every later job fails with the reason. */
gboolean
_confab_store_set_aside (ConfabStore  *self,
                         GError      **error)
{
  g_autoptr(GPtrArray) salvaged = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *display = NULL;
  g_autofree char *damage = g_strdup (self->failure);
  GError *problem;
  guint waiting = 0;

  if (self->db != NULL)
    {
      for (guint t = 0; t < N_TABLES; t++)
        g_ptr_array_add (salvaged, salvage_table (self, _confab_store_table (t)));
      waiting = ((GPtrArray *) g_ptr_array_index (salvaged, 0))->len;
      /* Closing must not checkpoint the log into the damaged file: it stays as it was. */
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
      g_clear_pointer (&self->db, sqlite3_close);
    }

  /* a check of the old file still under way is not about the fresh one */
  self->generation++;
  aside = move_aside (self->path, &local_error);
  if (aside == NULL || !_confab_store_create_private (self->path, &local_error) || !_confab_store_open_db (self) ||
      !_confab_store_migrate (self, &local_error) || !restore (self, salvaged))
    {
      if (local_error == NULL)
        local_error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_DAMAGED,
                                   _("The history was damaged and a new one could not be started: %s"),
                                   _confab_store_failure_reason (self));
      g_clear_pointer (&self->db, sqlite3_close);
      self->failure_code = SQLITE_CANTOPEN;
      g_free (self->failure);
      self->failure = g_strdup (local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_message ("The history was damaged (%s) and set aside", damage != NULL ? damage : "?");
  display = g_filename_display_name (aside);
  if (waiting > 0)
    problem = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_DAMAGED,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "The history was damaged and could not be read. It was moved to “%s” "
                                        "and a new history was started; %u message waiting to be sent was kept.",
                                        "The history was damaged and could not be read. It was moved to “%s” "
                                        "and a new history was started; %u messages waiting to be sent were kept.",
                                        waiting),
                           display, waiting);
  else
    problem = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_DAMAGED,
                           _("The history was damaged and could not be read. It was moved to “%s” "
                             "and a new history was started."), display);
  _confab_store_emit_later (self, SIGNAL_PROBLEM, problem);
  return TRUE;
}

/* A step failed on a damaged file: moves it aside and says whether the job may be tried
 * again on the fresh one. */
gboolean
_confab_store_recover (ConfabStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!_confab_store_failure_is_damage (self) || self->db == NULL)
    return FALSE;
  if (_confab_store_set_aside (self, &error))
    return TRUE;
  _confab_store_emit_later (self, SIGNAL_PROBLEM, g_steal_pointer (&error));
  return FALSE;
}
