/* confab-store.c: history and outbox on disk (SQLite), so nothing is lost across restarts
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SQLite connection, used only by the store's own thread; the main thread hands it jobs
 * through a queue, so writes happen in the order they were asked for and never block the UI.
 * The check of every page of the file, which takes time in proportion to its size, reads
 * through a connection of its own on a thread of its own, once the store has been idle for a
 * moment: the first page of history neither waits for it nor shares the machine with it.
 *
 * The history is read a page at a time (keyset pagination): dialogs in the order of their
 * first save (table dialogs), each read backwards by sequence through the primary key, so
 * the newest page and every older one cost the same at any length of history.
 *
 * A history that turns out damaged (at open or when a read or write meets a corrupt page) is
 * never written to again nor deleted: what can still be read of it is copied, the file is
 * moved aside with its log, and a fresh history starts with the copy; ::problem says so.
 *
 * It is one class in several files (confab-store-private.h lists them); this one holds the
 * GObject, the public API, the store's thread with its job queue, and the SQL helpers.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "confab-store-private.h"

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConfabStore, confab_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (confab-store-error-quark, confab_store_error)

/* Jobs */

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->dialog);
  g_free (row->conversation);
  g_free (row->originator);
  g_free (row->content_type);
  g_free (row->text);
  g_free (row->payload);
}

void
_confab_store_job_free (Job *job)
{
  g_free (job->account);
  g_free (job->consumer);
  g_free (job->conversation);
  g_free (job->dialog);
  g_free (job->agent);
  g_free (job->nickname);
  g_free (job->body);
  g_free (job->check_failure);
  g_clear_pointer (&job->rows, g_array_unref);
  g_clear_pointer (&job->sequences, g_array_unref);
  g_clear_object (&job->task);
  g_free (job);
}

Job *
_confab_store_job_new (JobType     type,
                       const char *account,
                       const char *consumer)
{
  Job *job = g_new0 (Job, 1);

  job->type = type;
  job->account = g_strdup (account);
  job->consumer = g_strdup (consumer);
  return job;
}

/* ::error, on the creating thread */

typedef struct
{
  ConfabStore *self;
  guint signal;
  GError *error;
} ErrorData;

static gboolean
emit_error_cb (gpointer data)
{
  ErrorData *ed = data;

  g_signal_emit (ed->self, signals[ed->signal], 0, ed->error);
  g_object_unref (ed->self);
  g_error_free (ed->error);
  g_free (ed);
  return G_SOURCE_REMOVE;
}

/* Runs func on the thread that created the store, never on the worker. */
static void
run_on_owner (ConfabStore *self,
              GSourceFunc  func,
              gpointer     data)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* ::error or ::problem with error (taken), on the owner's thread */
void
_confab_store_emit_later (ConfabStore *self,
                          guint        signal,
                          GError      *error)
{
  ErrorData *ed;

  if (g_atomic_int_get (&self->closing))
    {
      g_message ("While closing the history: %s", error->message);
      g_error_free (error);
      return;
    }

  ed = g_new0 (ErrorData, 1);
  ed->self = g_object_ref (self);
  ed->signal = signal;
  ed->error = error;
  run_on_owner (self, emit_error_cb, ed);
}

/* Pushes job and waits until the worker is done with it; the worker's answer, with its error. */
static gboolean
run_and_wait (ConfabStore  *self,
              Job          *job,
              GError      **error)
{
  Waiter waiter = { .ok = FALSE };

  g_mutex_init (&waiter.mutex);
  g_cond_init (&waiter.cond);
  job->waiter = &waiter;

  g_mutex_lock (&waiter.mutex);
  g_async_queue_push (self->jobs, job);
  while (!waiter.done)
    g_cond_wait (&waiter.cond, &waiter.mutex);
  g_mutex_unlock (&waiter.mutex);
  g_mutex_clear (&waiter.mutex);
  g_cond_clear (&waiter.cond);

  if (waiter.error != NULL)
    g_propagate_error (error, waiter.error);
  return waiter.ok;
}

/* On the worker: the waiting caller may go on. */
static void
wake_waiter (Waiter  *waiter,
             gboolean ok,
             GError  *error)
{
  g_mutex_lock (&waiter->mutex);
  waiter->ok = ok;
  waiter->error = error;
  waiter->done = TRUE;
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->mutex);
}

static gboolean
unref_cb (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

/* SQL helpers, on the thread that uses the connection: the store's own, or the creating one
 * before the store's thread starts */

/* Notes why a step failed, in SQLite's words while they are still about this failure.
 * Always FALSE. */
gboolean
_confab_store_failed (ConfabStore *self,
                      int          rc)
{
  self->failure_code = rc;
  g_free (self->failure);
  self->failure = g_strdup (self->db != NULL && sqlite3_errcode (self->db) == rc ? sqlite3_errmsg (self->db)
                                                                                 : sqlite3_errstr (rc));
  return FALSE;
}

/* The last failure in plain words where there are some */
const char *
_confab_store_failure_reason (ConfabStore *self)
{
  switch (self->failure_code & 0xff)
    {
    case SQLITE_FULL:
      return _("the disk is full");
    case SQLITE_READONLY:
      return _("the file is read-only");
    default:
      return self->failure != NULL ? self->failure : sqlite3_errstr (self->failure_code);
    }
}

/* The file is not (any more) a database SQLite can read: no retry will help. */
gboolean
_confab_store_failure_is_damage (ConfabStore *self)
{
  return (self->failure_code & 0xff) == SQLITE_CORRUPT || (self->failure_code & 0xff) == SQLITE_NOTADB;
}

gboolean
_confab_store_exec (ConfabStore *self,
                    const char  *sql)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || _confab_store_failed (self, rc);
}

/* After a failure: undoes what the transaction did without hiding why it failed. */
void
_confab_store_rollback (ConfabStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

void
_confab_store_bind_text (sqlite3_stmt *stmt,
                         int           index,
                         const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* A parameter written ":name" in the SQL */
int
_confab_store_param (sqlite3_stmt *stmt,
                     const char   *name)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  g_assert (index > 0);
  return index;
}

/* The one value a query such as "PRAGMA user_version" answers; FALSE if it answers none. */
gboolean
_confab_store_query_int64 (ConfabStore *self,
                           const char  *sql,
                           gint64      *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_column_count (stmt) == 1 && sqlite3_step (stmt) == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

char *
_confab_store_column_text (sqlite3_stmt *stmt,
                           int           index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}
/* Runs one job on the database; FALSE with the failure noted. */
static gboolean
run_job (ConfabStore *self,
         Job         *job,
         gpointer    *result)
{
  /* A damaged history that could not be replaced: its reason stands for every job. */
  if (self->db == NULL)
    return FALSE;

  switch (job->type)
    {
    case JOB_SAVE_MESSAGES:
      return _confab_store_run_save_messages (self, job);
    case JOB_SAVE_CONVERSATION:
      return _confab_store_run_save_conversation (self, job);
    case JOB_SAVE_RECEIPTS:
      return _confab_store_run_save_receipts (self, job);
    case JOB_OUTBOX_PUT:
      return _confab_store_run_outbox_put (self, job);
    case JOB_OUTBOX_REMOVE:
      return _confab_store_run_outbox_remove (self, job);
    case JOB_SAVE_PROFILE:
      return _confab_store_run_save_profile (self, job);
    case JOB_SAVE_AGENT:
      return _confab_store_run_save_agent (self, job);
    case JOB_SAVE_SURVEY:
      return _confab_store_run_save_survey (self, job);
    case JOB_SURVEY_SENT:
      return _confab_store_run_survey_sent (self, job);
    case JOB_LOAD:
      *result = _confab_store_run_load (self, job);
      return *result != NULL;
    case JOB_LOAD_OLDER:
      *result = _confab_store_run_load_older (self, job);
      return *result != NULL;
    case JOB_CHECKED:
      return _confab_store_run_checked (self, job);
    case JOB_FLUSH:
    case JOB_QUIT:
    default:
      return TRUE;
    }
}

static const char *
job_description (JobType type)
{
  switch (type)
    {
    case JOB_SAVE_MESSAGES: return _("messages");
    case JOB_SAVE_CONVERSATION: return _("the conversation");
    case JOB_SAVE_RECEIPTS: return _("messages");
    case JOB_OUTBOX_PUT: return _("a message waiting to be sent");
    case JOB_OUTBOX_REMOVE: return _("a sent message");
    case JOB_SAVE_PROFILE: return _("an agent’s name");
    case JOB_SAVE_AGENT: return _("the conversation");
    case JOB_SAVE_SURVEY:
    case JOB_SURVEY_SENT: return _("a survey’s answer");
    case JOB_LOAD:
    case JOB_LOAD_OLDER:
    case JOB_CHECKED:
    case JOB_FLUSH:
    case JOB_QUIT:
    default: return "";
    }
}

/* The store has had nothing to do for this long: the check of the file starts. */
#define CHECK_WHEN_IDLE_US (500 * 1000)

static gpointer
worker (gpointer data)
{
  ConfabStore *self = data;

  for (;;)
    {
      Job *job = self->check_started ? g_async_queue_pop (self->jobs)
                                     : g_async_queue_timeout_pop (self->jobs, CHECK_WHEN_IDLE_US);
      gpointer result = NULL;
      GError *error = NULL;
      gboolean ok;

      if (job == NULL)
        {
          self->check_started = TRUE;
          self->checked_generation = self->generation;
          if (!g_atomic_int_get (&self->closing))
            self->checker = g_thread_new ("confab-store-check", _confab_store_checker, self);
          continue;
        }
      if (job->type == JOB_QUIT)
        {
          _confab_store_job_free (job);
          return NULL;
        }

      ok = run_job (self, job, &result);
      /* A damaged page met on the way: the job is done again on the fresh history, which
       * holds what could be read of the old one. */
      if (!ok && _confab_store_recover (self))
        ok = run_job (self, job, &result);

      if (!ok && (job->type == JOB_LOAD || job->type == JOB_LOAD_OLDER || job->type == JOB_CHECKED))
        error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN, _("Could not read the history: %s"),
                             _confab_store_failure_reason (self));
      else if (!ok)
        error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE, _("Could not save %s: %s"),
                             job_description (job->type), _confab_store_failure_reason (self));
      /* Told to the person whoever asked; a caller that waits also gets it back. */
      if (error != NULL)
        _confab_store_emit_later (self, SIGNAL_ERROR, g_error_copy (error));

      if (job->task != NULL)
        {
          if (ok)
            g_task_return_pointer (job->task, result,
                                   job->type == JOB_LOAD ? (GDestroyNotify) confab_store_snapshot_free
                                                         : (GDestroyNotify) confab_store_page_free);
          else
            g_task_return_error (job->task, g_steal_pointer (&error));
          /* The last reference to the task (and so to the store) goes on the owner's thread:
           * a store must not be finalized on its own worker. */
          run_on_owner (self, unref_cb, g_steal_pointer (&job->task));
        }
      if (job->waiter != NULL)
        wake_waiter (job->waiter, ok, g_steal_pointer (&error));
      g_clear_error (&error);
      _confab_store_job_free (job);
    }
}

/* Public API */

char *
confab_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "confab", "history.db", NULL);
}

/* Refuses a history Confab may read but not write, before SQLite opens it read-only and
 * every write fails later; makes its folder private. */
static gboolean
check_location (const char  *path,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *display = NULL;
  GStatBuf st;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      display = g_filename_display_name (dir);
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not create the folder “%s” for the history: %s"), display, g_strerror (saved));
      return FALSE;
    }

  /* Confab needs the folder too: for the history's log, and to move a damaged one aside. */
  if (g_access (dir, W_OK) != 0)
    {
      display = g_filename_display_name (dir);
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_READ_ONLY,
                   _("The folder “%s” is read-only. Confab leaves the history in it as it is and keeps no "
                     "history until it can write there."), display);
      return FALSE;
    }
  if (g_access (path, F_OK) == 0 && g_access (path, W_OK) != 0)
    {
      display = g_filename_display_name (path);
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_READ_ONLY,
                   _("The history “%s” is read-only. Confab leaves it as it is and keeps no history "
                     "until it can write to it."), display);
      return FALSE;
    }

  /* What others may read of it: nothing. Only ever tightened, and only when it is ours. */
  if (g_stat (dir, &st) == 0 && st.st_uid == getuid () && (st.st_mode & 077) != 0)
    g_chmod (dir, st.st_mode & 0700);

  return TRUE;
}

ConfabStore *
confab_store_new (const char  *path,
                  GError     **error)
{
  g_autoptr(ConfabStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 max_local_id = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_location (path, error) || !_confab_store_create_private (path, error))
    return NULL;

  self = g_object_new (CONFAB_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();

  if (!_confab_store_open_db (self))
    {
      g_autofree char *display = g_filename_display_name (path);

      if (!_confab_store_failure_is_damage (self))
        {
          g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                       _("Could not open the history “%s”: %s"), display, _confab_store_failure_reason (self));
          return NULL;
        }
      if (!_confab_store_set_aside (self, error))
        return NULL;
    }

  if (!_confab_store_migrate (self, &local_error))
    {
      /* The update to this version met a damaged page: as when damage is found at open. */
      if (!g_error_matches (local_error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN) ||
          !_confab_store_failure_is_damage (self))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_clear_error (&local_error);
      if (!_confab_store_set_aside (self, error))
        return NULL;
    }

  /* Local ids: above every id in the outbox and above this moment, so they stay unique. */
  self->next_local_id = g_get_real_time ();
  if (_confab_store_query_int64 (self, "SELECT MAX (local_id) FROM outbox", &max_local_id))
    self->next_local_id = MAX (self->next_local_id, max_local_id + 1);

  self->jobs = g_async_queue_new ();
  /* It starts the check of every page too, which takes long for a long history (1.3 s for
   * 10 MB not in the cache): not before the first page of history is on screen. */
  self->thread = g_thread_new ("confab-store", worker, self);

  return g_steal_pointer (&self);
}

gint64
confab_store_next_local_id (ConfabStore *self)
{
  g_return_val_if_fail (CONFAB_IS_STORE (self), 0);

  return self->next_local_id++;
}

static void
fill_row (Row           *row,
          ConfabMessage *message)
{
  row->dialog = g_strdup (confab_message_get_dialog_id (message));
  row->conversation = g_strdup (confab_message_get_conversation_id (message));
  row->originator = g_strdup (confab_message_get_originator_id (message));
  row->content_type = g_strdup (confab_message_get_content_type (message));
  row->text = g_strdup (confab_message_get_text (message));
  row->payload = confab_message_dup_payload (message);
  row->sequence = confab_message_get_sequence (message);
  row->server_time = confab_message_get_server_time (message);
  row->local_id = confab_message_get_local_id (message);
  row->role = confab_message_get_role (message);
  row->delivery = confab_message_get_delivery_state (message);
  row->own = confab_message_get_own (message);
  row->placeholder = confab_message_get_is_placeholder (message);
  row->accept_sent = confab_message_get_accept_sent (message);
  row->read_sent = confab_message_get_read_sent (message);
  row->attempted = confab_message_get_attempted (message);
  row->marker = confab_message_is_event (message);
  row->event = confab_message_get_event (message);
  row->reason = confab_message_get_close_reason (message);
  row->after = confab_message_get_after_sequence (message);
}

static GArray *
new_rows (guint reserve)
{
  GArray *rows = g_array_sized_new (FALSE, TRUE, sizeof (Row), reserve);

  g_array_set_clear_func (rows, row_clear);
  return rows;
}

void
confab_store_save_messages (ConfabStore *self,
                            const char  *account_id,
                            const char  *consumer_id,
                            GPtrArray   *messages)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL && messages != NULL);

  job = _confab_store_job_new (JOB_SAVE_MESSAGES, account_id, consumer_id);
  job->rows = new_rows (messages->len);
  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (messages, i);
      Row row = { 0 };

      /* Only what has its place in a dialog is history; the rest is the outbox. */
      if ((confab_message_get_sequence (message) < 0 && !confab_message_is_event (message)) ||
          confab_message_get_dialog_id (message) == NULL)
        continue;
      fill_row (&row, message);
      g_array_append_val (job->rows, row);
    }

  if (job->rows->len == 0)
    {
      _confab_store_job_free (job);
      return;
    }
  g_async_queue_push (self->jobs, job);
}

void
confab_store_save_conversation (ConfabStore *self,
                                const char  *account_id,
                                const char  *consumer_id,
                                const char  *conversation_id)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL && conversation_id != NULL);

  job = _confab_store_job_new (JOB_SAVE_CONVERSATION, account_id, consumer_id);
  job->conversation = g_strdup (conversation_id);
  g_async_queue_push (self->jobs, job);
}

void
confab_store_save_conversation_agent (ConfabStore *self,
                                      const char  *account_id,
                                      const char  *consumer_id,
                                      const char  *conversation_id,
                                      const char  *agent_id)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL && conversation_id != NULL);

  job = _confab_store_job_new (JOB_SAVE_AGENT, account_id, consumer_id);
  job->conversation = g_strdup (conversation_id);
  job->agent = g_strdup (agent_id != NULL ? agent_id : "");
  g_async_queue_push (self->jobs, job);
}

void
confab_store_save_profile (ConfabStore *self,
                           const char  *account_id,
                           const char  *agent_id,
                           const char  *nickname)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && agent_id != NULL && nickname != NULL);

  job = _confab_store_job_new (JOB_SAVE_PROFILE, account_id, NULL);
  job->agent = g_strdup (agent_id);
  job->nickname = g_strdup (nickname);
  g_async_queue_push (self->jobs, job);
}

gboolean
confab_store_outbox_put (ConfabStore   *self,
                         const char    *account_id,
                         const char    *consumer_id,
                         ConfabMessage *message,
                         GError       **error)
{
  Job *job;
  Row row = { 0 };

  g_return_val_if_fail (CONFAB_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL && consumer_id != NULL, FALSE);
  g_return_val_if_fail (confab_message_get_local_id (message) != 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  job = _confab_store_job_new (JOB_OUTBOX_PUT, account_id, consumer_id);
  job->rows = new_rows (1);
  fill_row (&row, message);
  g_array_append_val (job->rows, row);
  return run_and_wait (self, job, error);
}

void
confab_store_outbox_remove (ConfabStore *self,
                            gint64       local_id)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));

  job = _confab_store_job_new (JOB_OUTBOX_REMOVE, NULL, NULL);
  job->local_id = local_id;
  g_async_queue_push (self->jobs, job);
}

void
confab_store_set_first_page_size (ConfabStore *self,
                                  guint        n_messages)
{
  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (n_messages > 0);

  self->first_page_size = n_messages;
}

void
confab_store_load_async (ConfabStore        *self,
                         const char         *account_id,
                         const char         *consumer_id,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL);

  job = _confab_store_job_new (JOB_LOAD, account_id, consumer_id);
  job->limit = self->first_page_size;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, confab_store_load_async);
  g_async_queue_push (self->jobs, job);
}

ConfabStoreSnapshot *
confab_store_load_finish (ConfabStore   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
confab_store_load_older_async (ConfabStore        *self,
                               const char         *account_id,
                               const char         *consumer_id,
                               const char         *dialog_id,
                               gint64              sequence,
                               guint               limit,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL && dialog_id != NULL);

  job = _confab_store_job_new (JOB_LOAD_OLDER, account_id, consumer_id);
  job->dialog = g_strdup (dialog_id);
  job->sequence = sequence;
  job->limit = limit;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, confab_store_load_older_async);
  g_async_queue_push (self->jobs, job);
}

ConfabStorePage *
confab_store_load_older_finish (ConfabStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
confab_store_save_receipts (ConfabStore         *self,
                            const char          *account_id,
                            const char          *consumer_id,
                            const char          *dialog_id,
                            GArray              *sequences,
                            ConfabReceiptStatus  status,
                            gboolean             by_agent)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL && dialog_id != NULL && sequences != NULL);

  if (sequences->len == 0 || (status != CONFAB_RECEIPT_ACCEPT && status != CONFAB_RECEIPT_READ))
    return;
  job = _confab_store_job_new (JOB_SAVE_RECEIPTS, account_id, consumer_id);
  job->dialog = g_strdup (dialog_id);
  job->sequences = g_array_sized_new (FALSE, FALSE, sizeof (gint64), sequences->len);
  g_array_append_vals (job->sequences, sequences->data, sequences->len);
  job->status = status;
  job->by_agent = by_agent;
  g_async_queue_push (self->jobs, job);
}

void
confab_store_flush (ConfabStore *self)
{
  g_return_if_fail (CONFAB_IS_STORE (self));

  run_and_wait (self, _confab_store_job_new (JOB_FLUSH, NULL, NULL), NULL);
}

void
confab_store_snapshot_free (ConfabStoreSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->consumer_id);
  g_free (snapshot->conversation_id);
  g_clear_pointer (&snapshot->messages, g_ptr_array_unref);
  g_clear_pointer (&snapshot->last_sequences, g_hash_table_unref);
  g_clear_pointer (&snapshot->unaccepted, g_array_unref);
  g_clear_pointer (&snapshot->outbox, g_ptr_array_unref);
  g_clear_pointer (&snapshot->profiles, g_hash_table_unref);
  g_clear_pointer (&snapshot->surveys, g_ptr_array_unref);
  g_free (snapshot->agent_id);
  g_free (snapshot);
}

void
confab_store_page_free (ConfabStorePage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->messages, g_ptr_array_unref);
  g_free (page);
}

static void
confab_store_dispose (GObject *object)
{
  ConfabStore *self = CONFAB_STORE (object);

  g_atomic_int_set (&self->closing, 1);

  G_OBJECT_CLASS (confab_store_parent_class)->dispose (object);
}

static void
confab_store_finalize (GObject *object)
{
  ConfabStore *self = CONFAB_STORE (object);

  g_atomic_int_set (&self->closing, 1);
  if (self->thread != NULL)
    {
      /* Everything asked for is written before the database closes. */
      g_async_queue_push (self->jobs, _confab_store_job_new (JOB_QUIT, NULL, NULL));
      g_thread_join (self->thread);
    }
  if (self->checker != NULL)
    {
      Job *left;

      /* A check of a long history is not worth waiting for at the end. */
      g_mutex_lock (&self->checker_mutex);
      if (self->checker_db != NULL)
        sqlite3_interrupt (self->checker_db);
      g_mutex_unlock (&self->checker_mutex);
      g_thread_join (self->checker);
      /* its verdict, if it came after the last job */
      while ((left = g_async_queue_try_pop (self->jobs)) != NULL)
        _confab_store_job_free (left);
    }
  g_clear_pointer (&self->jobs, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->failure);
  g_free (self->path);
  g_mutex_clear (&self->checker_mutex);

  G_OBJECT_CLASS (confab_store_parent_class)->finalize (object);
}

static void
confab_store_class_init (ConfabStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = confab_store_dispose;
  G_OBJECT_CLASS (klass)->finalize = confab_store_finalize;

  /* ConfabStore::error: (error: a GError) a write failed; what it was for is in the message */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /* ConfabStore::problem: (error: a GError) the history was damaged and dealt with (or could
   * not be): what happened and where the old file went, in words for the person */
  signals[SIGNAL_PROBLEM] =
    g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
confab_store_init (ConfabStore *self)
{
  g_mutex_init (&self->checker_mutex);
  self->first_page_size = CONFAB_STORE_PAGE_SIZE;
}
