/* confab-store.c: history and outbox on disk (SQLite), so nothing is lost across restarts
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SQLite connection, used only by the store's own thread; the main thread hands it jobs
 * through a queue, so writes happen in the order they were asked for and never block the UI.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "confab-store.h"

typedef enum {
  JOB_SAVE_MESSAGES,
  JOB_SAVE_CONVERSATION,
  JOB_OUTBOX_PUT,
  JOB_OUTBOX_REMOVE,
  JOB_LOAD,
  JOB_FLUSH,
  JOB_QUIT,
} JobType;

typedef struct
{
  char *dialog;
  char *conversation;
  char *originator;
  char *content_type;
  char *text;
  gint64 sequence;
  gint64 server_time;
  gint64 local_id;
  int role;
  int delivery;
  gboolean own;
  gboolean placeholder;
  gboolean accept_sent;
  gboolean read_sent;
  gboolean attempted;
} Row;

typedef struct
{
  JobType type;
  char *account;
  char *consumer;
  char *conversation;
  gint64 local_id;
  GArray *rows;        /* of Row */
  GTask *task;         /* JOB_LOAD */
  GMutex *mutex;       /* JOB_FLUSH */
  GCond *cond;
  gboolean *done;
} Job;

struct _ConfabStore
{
  GObject parent_instance;

  sqlite3 *db;
  GThread *thread;
  GAsyncQueue *jobs;
  GMainContext *context;   /* where ::error is emitted */
  gint64 next_local_id;    /* used on the creating thread only */
  gint closing;            /* finalizing: errors are logged, not emitted */
};

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConfabStore, confab_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (confab-store-error-quark, confab_store_error)

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->dialog);
  g_free (row->conversation);
  g_free (row->originator);
  g_free (row->content_type);
  g_free (row->text);
}

static void
job_free (Job *job)
{
  g_free (job->account);
  g_free (job->consumer);
  g_free (job->conversation);
  g_clear_pointer (&job->rows, g_array_unref);
  g_clear_object (&job->task);
  g_free (job);
}

static Job *
job_new (JobType     type,
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
  GError *error;
} ErrorData;

static gboolean
emit_error_cb (gpointer data)
{
  ErrorData *ed = data;

  g_signal_emit (ed->self, signals[SIGNAL_ERROR], 0, ed->error);
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

static void
report_write_error (ConfabStore *self,
                    const char  *what,
                    const char  *reason)
{
  ErrorData *ed;

  if (g_atomic_int_get (&self->closing))
    {
      g_message ("Could not save %s while closing the history: %s", what, reason);
      return;
    }

  ed = g_new0 (ErrorData, 1);
  ed->self = g_object_ref (self);
  ed->error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE,
                           _("Could not save %s: %s"), what, reason);
  run_on_owner (self, emit_error_cb, ed);
}

static gboolean
unref_cb (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

/* SQL helpers, on the store's thread */

static gboolean
exec (ConfabStore *self,
      const char  *sql)
{
  return sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static gboolean
run_save_messages (ConfabStore  *self,
                   Job          *job,
                   char        **reason)
{
  static const char sql[] =
    "INSERT INTO events (account, consumer, dialog, sequence, conversation, originator, role, own,"
    " server_time, content_type, text, placeholder, delivery, accept_sent, read_sent, local_id)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (account, consumer, dialog, sequence) DO UPDATE SET"
    " delivery = MAX (delivery, excluded.delivery), accept_sent = MAX (accept_sent, excluded.accept_sent),"
    " read_sent = MAX (read_sent, excluded.read_sent), local_id = excluded.local_id";
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *unqueue = NULL;
  gboolean ok = TRUE;

  if (!exec (self, "BEGIN") || sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, "DELETE FROM outbox WHERE local_id = ?", -1, &unqueue, NULL) != SQLITE_OK)
    {
      *reason = g_strdup (sqlite3_errmsg (self->db));
      sqlite3_finalize (stmt);
      sqlite3_finalize (unqueue);
      exec (self, "ROLLBACK");
      return FALSE;
    }

  for (guint i = 0; ok && i < job->rows->len; i++)
    {
      Row *row = &g_array_index (job->rows, Row, i);

      sqlite3_reset (stmt);
      bind_text (stmt, 1, job->account);
      bind_text (stmt, 2, job->consumer);
      bind_text (stmt, 3, row->dialog);
      sqlite3_bind_int64 (stmt, 4, row->sequence);
      bind_text (stmt, 5, row->conversation);
      bind_text (stmt, 6, row->originator);
      sqlite3_bind_int (stmt, 7, row->role);
      sqlite3_bind_int (stmt, 8, row->own);
      sqlite3_bind_int64 (stmt, 9, row->server_time);
      bind_text (stmt, 10, row->content_type);
      bind_text (stmt, 11, row->text);
      sqlite3_bind_int (stmt, 12, row->placeholder);
      sqlite3_bind_int (stmt, 13, row->delivery);
      sqlite3_bind_int (stmt, 14, row->accept_sent);
      sqlite3_bind_int (stmt, 15, row->read_sent);
      sqlite3_bind_int64 (stmt, 16, row->local_id);
      ok = sqlite3_step (stmt) == SQLITE_DONE;

      /* An own message in the history is sent: it leaves the outbox in the same step, so
       * no restart can find it in both. */
      if (ok && row->local_id != 0)
        {
          sqlite3_reset (unqueue);
          sqlite3_bind_int64 (unqueue, 1, row->local_id);
          ok = sqlite3_step (unqueue) == SQLITE_DONE;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (unqueue);

  if (!ok || !exec (self, "COMMIT"))
    {
      *reason = g_strdup (sqlite3_errmsg (self->db));
      exec (self, "ROLLBACK");
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_simple (ConfabStore *self,
            const char  *sql,
            Job         *job)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;

  switch (job->type)
    {
    case JOB_SAVE_CONVERSATION:
      bind_text (stmt, 1, job->account);
      bind_text (stmt, 2, job->consumer);
      bind_text (stmt, 3, job->conversation);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / 1000);
      break;
    case JOB_OUTBOX_PUT:
      {
        Row *row = &g_array_index (job->rows, Row, 0);

        sqlite3_bind_int64 (stmt, 1, row->local_id);
        bind_text (stmt, 2, job->account);
        bind_text (stmt, 3, job->consumer);
        bind_text (stmt, 4, row->text);
        sqlite3_bind_int64 (stmt, 5, row->server_time);
        sqlite3_bind_int (stmt, 6, row->attempted);
        sqlite3_bind_int (stmt, 7, row->delivery == CONFAB_DELIVERY_FAILED);
      }
      break;
    case JOB_OUTBOX_REMOVE:
      sqlite3_bind_int64 (stmt, 1, job->local_id);
      break;
    case JOB_SAVE_MESSAGES:
    case JOB_LOAD:
    case JOB_FLUSH:
    case JOB_QUIT:
    default:
      break;
    }

  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok;
}

static ConfabMessage *
message_from_row (sqlite3_stmt *stmt,
                  const char   *consumer)
{
  ConfabMessagingChange change = { 0 };
  g_autofree char *dialog = column_text (stmt, 0);
  g_autofree char *conversation = column_text (stmt, 2);
  g_autofree char *originator = column_text (stmt, 3);
  g_autofree char *content_type = column_text (stmt, 7);
  g_autofree char *text = column_text (stmt, 8);
  ConfabMessage *message;
  int delivery = sqlite3_column_int (stmt, 10);

  change.sequence = sqlite3_column_int64 (stmt, 1);
  change.dialog_id = dialog;
  change.conversation_id = conversation;
  change.originator_id = originator;
  change.role = sqlite3_column_int (stmt, 4);
  change.server_timestamp = sqlite3_column_int64 (stmt, 6);
  change.type = CONFAB_EVENT_CONTENT;
  change.content_type = content_type;
  change.text = text;
  change.is_placeholder = sqlite3_column_int (stmt, 9);

  /* An own message written here has no originator id of its own: it is the consumer's. */
  if (sqlite3_column_int (stmt, 5))
    {
      if (change.originator_id == NULL)
        change.originator_id = (char *) consumer;
      message = confab_message_new_from_change (&change, change.originator_id);
    }
  else
    message = confab_message_new_from_change (&change, consumer);
  if (confab_message_get_own (message) && delivery > CONFAB_DELIVERY_SENT && delivery <= CONFAB_DELIVERY_READ)
    confab_message_advance_delivery (message, delivery);
  confab_message_set_accept_sent (message, sqlite3_column_int (stmt, 11));
  confab_message_set_read_sent (message, sqlite3_column_int (stmt, 12));
  confab_message_set_local_id (message, sqlite3_column_int64 (stmt, 13));
  return message;
}

static ConfabStoreSnapshot *
run_load (ConfabStore  *self,
          Job          *job,
          GError      **error)
{
  g_autoptr(ConfabStoreSnapshot) snapshot = g_new0 (ConfabStoreSnapshot, 1);
  sqlite3_stmt *stmt = NULL;

  snapshot->messages = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->outbox = g_ptr_array_new_with_free_func (g_object_unref);

  if (sqlite3_prepare_v2 (self->db, "SELECT conversation FROM conversations WHERE account = ? AND consumer = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  bind_text (stmt, 1, job->account);
  bind_text (stmt, 2, job->consumer);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    snapshot->conversation_id = column_text (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (snapshot->conversation_id != NULL)
    {
      if (sqlite3_prepare_v2 (self->db,
                              "SELECT dialog, sequence, conversation, originator, role, own, server_time,"
                              " content_type, text, placeholder, delivery, accept_sent, read_sent, local_id"
                              " FROM events WHERE account = ? AND consumer = ? AND conversation = ?"
                              " ORDER BY dialog, sequence", -1, &stmt, NULL) != SQLITE_OK)
        goto failed;
      bind_text (stmt, 1, job->account);
      bind_text (stmt, 2, job->consumer);
      bind_text (stmt, 3, snapshot->conversation_id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (snapshot->messages, message_from_row (stmt, job->consumer));
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT local_id, text, created, attempted, failed FROM outbox"
                          " WHERE account = ? AND consumer = ? AND local_id NOT IN"
                          " (SELECT local_id FROM events WHERE local_id != 0)"
                          " ORDER BY local_id", -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  bind_text (stmt, 1, job->account);
  bind_text (stmt, 2, job->consumer);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *text = column_text (stmt, 1);
      ConfabMessage *message = confab_message_new_outgoing (text != NULL ? text : "", sqlite3_column_int64 (stmt, 2));

      confab_message_set_local_id (message, sqlite3_column_int64 (stmt, 0));
      confab_message_set_attempted (message, sqlite3_column_int (stmt, 3));
      if (sqlite3_column_int (stmt, 4))
        {
          confab_message_advance_delivery (message, CONFAB_DELIVERY_SENDING);
          confab_message_fail (message);
        }
      g_ptr_array_add (snapshot->outbox, message);
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&snapshot);

failed:
  g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
               _("Could not read the history: %s"), sqlite3_errmsg (self->db));
  sqlite3_finalize (stmt);
  return NULL;
}

static gpointer
worker (gpointer data)
{
  ConfabStore *self = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (self->jobs);
      g_autofree char *reason = NULL;
      gboolean ok = TRUE;
      const char *what = NULL;

      switch (job->type)
        {
        case JOB_SAVE_MESSAGES:
          ok = run_save_messages (self, job, &reason);
          what = _("messages");
          break;
        case JOB_SAVE_CONVERSATION:
          ok = run_simple (self, "INSERT INTO conversations (account, consumer, conversation, updated)"
                                 " VALUES (?,?,?,?) ON CONFLICT (account, consumer) DO UPDATE SET"
                                 " conversation = excluded.conversation, updated = excluded.updated", job);
          what = _("the conversation");
          break;
        case JOB_OUTBOX_PUT:
          ok = run_simple (self, "INSERT OR REPLACE INTO outbox (local_id, account, consumer, text, created,"
                                 " attempted, failed) VALUES (?,?,?,?,?,?,?)", job);
          what = _("a message waiting to be sent");
          break;
        case JOB_OUTBOX_REMOVE:
          ok = run_simple (self, "DELETE FROM outbox WHERE local_id = ?", job);
          what = _("a sent message");
          break;
        case JOB_LOAD:
          {
            GError *error = NULL;
            ConfabStoreSnapshot *snapshot = run_load (self, job, &error);

            if (snapshot != NULL)
              g_task_return_pointer (job->task, snapshot, (GDestroyNotify) confab_store_snapshot_free);
            else
              g_task_return_error (job->task, error);
            /* The last reference to the task (and so to the store) goes on the owner's thread:
             * a store must not be finalized on its own worker. */
            run_on_owner (self, unref_cb, g_steal_pointer (&job->task));
          }
          break;
        case JOB_FLUSH:
          g_mutex_lock (job->mutex);
          *job->done = TRUE;
          g_cond_signal (job->cond);
          g_mutex_unlock (job->mutex);
          break;
        case JOB_QUIT:
          job_free (job);
          return NULL;
        default:
          break;
        }

      if (!ok)
        report_write_error (self, what, reason != NULL ? reason : sqlite3_errmsg (self->db));
      job_free (job);
    }
}

/* Schema */

static gboolean
migrate (ConfabStore  *self,
         GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > CONFAB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_VERSION,
                   _("The history was written by a newer Confab (version %d)"), version);
      return FALSE;
    }

  if (version < 1 &&
      !exec (self,
             "BEGIN;"
             "CREATE TABLE events (account TEXT NOT NULL, consumer TEXT NOT NULL, dialog TEXT NOT NULL,"
             " sequence INTEGER NOT NULL, conversation TEXT, originator TEXT, role INTEGER NOT NULL DEFAULT 0,"
             " own INTEGER NOT NULL DEFAULT 0, server_time INTEGER NOT NULL DEFAULT 0, content_type TEXT,"
             " text TEXT, placeholder INTEGER NOT NULL DEFAULT 0, delivery INTEGER NOT NULL DEFAULT 0,"
             " accept_sent INTEGER NOT NULL DEFAULT 0, read_sent INTEGER NOT NULL DEFAULT 0,"
             " local_id INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account, consumer, dialog, sequence));"
             "CREATE INDEX events_by_conversation ON events (account, consumer, conversation);"
             "CREATE TABLE outbox (local_id INTEGER PRIMARY KEY, account TEXT NOT NULL, consumer TEXT NOT NULL,"
             " text TEXT NOT NULL, created INTEGER NOT NULL, attempted INTEGER NOT NULL DEFAULT 0,"
             " failed INTEGER NOT NULL DEFAULT 0);"
             "CREATE TABLE conversations (account TEXT NOT NULL, consumer TEXT NOT NULL,"
             " conversation TEXT NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY (account, consumer));"
             "PRAGMA user_version = 1;"
             "COMMIT;"))
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not create the history: %s"), sqlite3_errmsg (self->db));
      exec (self, "ROLLBACK");
      return FALSE;
    }

  return TRUE;
}

/* Public API */

char *
confab_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "confab", "history.db", NULL);
}

ConfabStore *
confab_store_new (const char  *path,
                  GError     **error)
{
  g_autoptr(ConfabStore) self = NULL;
  g_autofree char *dir = NULL;
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (CONFAB_TYPE_STORE, NULL);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK ||
      !exec (self, "PRAGMA journal_mode = WAL") ||
      !exec (self, "PRAGMA synchronous = NORMAL"))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not open the history %s: %s"), display,
                   self->db != NULL ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 2000);

  if (!migrate (self, error))
    return NULL;

  /* Local ids: above every id in the outbox and above this moment, so they stay unique. */
  self->next_local_id = g_get_real_time ();
  if (sqlite3_prepare_v2 (self->db, "SELECT MAX (local_id) FROM outbox", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    self->next_local_id = MAX (self->next_local_id, sqlite3_column_int64 (stmt, 0) + 1);
  sqlite3_finalize (stmt);

  self->context = g_main_context_ref_thread_default ();
  self->jobs = g_async_queue_new ();
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

  job = job_new (JOB_SAVE_MESSAGES, account_id, consumer_id);
  job->rows = new_rows (messages->len);
  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (messages, i);
      Row row = { 0 };

      /* Only what has its place in a dialog is history; the rest is the outbox. */
      if (confab_message_get_sequence (message) < 0 || confab_message_get_dialog_id (message) == NULL)
        continue;
      fill_row (&row, message);
      g_array_append_val (job->rows, row);
    }

  if (job->rows->len == 0)
    {
      job_free (job);
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

  job = job_new (JOB_SAVE_CONVERSATION, account_id, consumer_id);
  job->conversation = g_strdup (conversation_id);
  g_async_queue_push (self->jobs, job);
}

void
confab_store_outbox_put (ConfabStore   *self,
                         const char    *account_id,
                         const char    *consumer_id,
                         ConfabMessage *message)
{
  Job *job;
  Row row = { 0 };

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL);
  g_return_if_fail (confab_message_get_local_id (message) != 0);

  job = job_new (JOB_OUTBOX_PUT, account_id, consumer_id);
  job->rows = new_rows (1);
  fill_row (&row, message);
  g_array_append_val (job->rows, row);
  g_async_queue_push (self->jobs, job);
}

void
confab_store_outbox_remove (ConfabStore *self,
                            gint64       local_id)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));

  job = job_new (JOB_OUTBOX_REMOVE, NULL, NULL);
  job->local_id = local_id;
  g_async_queue_push (self->jobs, job);
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
  g_return_if_fail (account_id != NULL && consumer_id != NULL);

  job = job_new (JOB_LOAD, account_id, consumer_id);
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
confab_store_flush (ConfabStore *self)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  job = job_new (JOB_FLUSH, NULL, NULL);
  job->mutex = &mutex;
  job->cond = &cond;
  job->done = &done;

  g_mutex_lock (&mutex);
  g_async_queue_push (self->jobs, job);
  while (!done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}

void
confab_store_snapshot_free (ConfabStoreSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->conversation_id);
  g_clear_pointer (&snapshot->messages, g_ptr_array_unref);
  g_clear_pointer (&snapshot->outbox, g_ptr_array_unref);
  g_free (snapshot);
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

  if (self->thread != NULL)
    {
      g_atomic_int_set (&self->closing, 1);
      /* Everything asked for is written before the database closes. */
      g_async_queue_push (self->jobs, job_new (JOB_QUIT, NULL, NULL));
      g_thread_join (self->thread);
    }
  g_clear_pointer (&self->jobs, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);

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
}

static void
confab_store_init (ConfabStore *self)
{
}
