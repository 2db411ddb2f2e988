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

/* The caller of a job that must be done before its call returns waits on this. */
typedef struct
{
  GMutex mutex;
  GCond cond;
  gboolean done;
  gboolean ok;
  GError *error;
} Waiter;

typedef struct
{
  JobType type;
  char *account;
  char *consumer;
  char *conversation;
  gint64 local_id;
  GArray *rows;        /* of Row */
  GTask *task;         /* JOB_LOAD */
  Waiter *waiter;      /* JOB_FLUSH, JOB_OUTBOX_PUT: owned by the caller */
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

/* The columns of each table. Every SELECT list and INSERT of a whole row is built from these
 * names, so a column's enum value is its index in the result and, plus one, its parameter. */

typedef enum {
  EVENT_ACCOUNT,
  EVENT_CONSUMER,
  EVENT_DIALOG,
  EVENT_SEQUENCE,
  EVENT_CONVERSATION,
  EVENT_ORIGINATOR,
  EVENT_ROLE,
  EVENT_OWN,
  EVENT_SERVER_TIME,
  EVENT_CONTENT_TYPE,
  EVENT_TEXT,
  EVENT_PLACEHOLDER,
  EVENT_DELIVERY,
  EVENT_ACCEPT_SENT,
  EVENT_READ_SENT,
  EVENT_LOCAL_ID,
  N_EVENT_COLUMNS
} EventColumn;

static const char *const event_columns[N_EVENT_COLUMNS] = {
  [EVENT_ACCOUNT] = "account",
  [EVENT_CONSUMER] = "consumer",
  [EVENT_DIALOG] = "dialog",
  [EVENT_SEQUENCE] = "sequence",
  [EVENT_CONVERSATION] = "conversation",
  [EVENT_ORIGINATOR] = "originator",
  [EVENT_ROLE] = "role",
  [EVENT_OWN] = "own",
  [EVENT_SERVER_TIME] = "server_time",
  [EVENT_CONTENT_TYPE] = "content_type",
  [EVENT_TEXT] = "text",
  [EVENT_PLACEHOLDER] = "placeholder",
  [EVENT_DELIVERY] = "delivery",
  [EVENT_ACCEPT_SENT] = "accept_sent",
  [EVENT_READ_SENT] = "read_sent",
  [EVENT_LOCAL_ID] = "local_id",
};

typedef enum {
  OUTBOX_LOCAL_ID,
  OUTBOX_ACCOUNT,
  OUTBOX_CONSUMER,
  OUTBOX_TEXT,
  OUTBOX_CREATED,
  OUTBOX_ATTEMPTED,
  OUTBOX_FAILED,
  N_OUTBOX_COLUMNS
} OutboxColumn;

static const char *const outbox_columns[N_OUTBOX_COLUMNS] = {
  [OUTBOX_LOCAL_ID] = "local_id",
  [OUTBOX_ACCOUNT] = "account",
  [OUTBOX_CONSUMER] = "consumer",
  [OUTBOX_TEXT] = "text",
  [OUTBOX_CREATED] = "created",
  [OUTBOX_ATTEMPTED] = "attempted",
  [OUTBOX_FAILED] = "failed",
};

typedef enum {
  CONVERSATION_ACCOUNT,
  CONVERSATION_CONSUMER,
  CONVERSATION_CONVERSATION,
  CONVERSATION_UPDATED,
  N_CONVERSATION_COLUMNS
} ConversationColumn;

static const char *const conversation_columns[N_CONVERSATION_COLUMNS] = {
  [CONVERSATION_ACCOUNT] = "account",
  [CONVERSATION_CONSUMER] = "consumer",
  [CONVERSATION_CONVERSATION] = "conversation",
  [CONVERSATION_UPDATED] = "updated",
};

/* The SQL parameter that carries a column in an INSERT built by insert_sql() */
#define PARAM(column) ((int) (column) + 1)

/* "a, b, c" */
static char *
column_list (const char *const *columns,
             guint              n_columns)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", columns[i]);
  return g_string_free (list, FALSE);
}

/* "SELECT a, b, c FROM table tail" */
static char *
select_sql (const char        *table,
            const char *const *columns,
            guint              n_columns,
            const char        *tail)
{
  g_autofree char *list = column_list (columns, n_columns);

  return g_strdup_printf ("SELECT %s FROM %s %s", list, table, tail);
}

/* "INSERT [OR REPLACE] INTO table (a, b, c) VALUES (?1, ?2, ?3) tail" */
static char *
insert_sql (const char        *verb,
            const char        *table,
            const char *const *columns,
            guint              n_columns,
            const char        *tail)
{
  g_autofree char *list = column_list (columns, n_columns);
  g_autoptr(GString) values = g_string_new (NULL);

  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (values, "%s?%d", i > 0 ? ", " : "", PARAM (i));
  return g_strdup_printf ("%s INTO %s (%s) VALUES (%s) %s", verb, table, list, values->str, tail);
}

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

/* A parameter written ":name" in the SQL */
static int
param (sqlite3_stmt *stmt,
       const char   *name)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  g_assert (index > 0);
  return index;
}

/* The one value a query such as "PRAGMA user_version" answers; FALSE if it answers none. */
static gboolean
query_int64 (ConfabStore *self,
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
  /* A row saved again keeps the furthest state either copy reached. */
  g_autofree char *sql = insert_sql ("INSERT", "events", event_columns, N_EVENT_COLUMNS,
                                     "ON CONFLICT (account, consumer, dialog, sequence) DO UPDATE SET"
                                     " delivery = MAX (delivery, excluded.delivery),"
                                     " accept_sent = MAX (accept_sent, excluded.accept_sent),"
                                     " read_sent = MAX (read_sent, excluded.read_sent),"
                                     " local_id = excluded.local_id");
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *unqueue = NULL;
  gboolean ok = TRUE;

  if (!exec (self, "BEGIN") || sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, "DELETE FROM outbox WHERE local_id = :local_id", -1, &unqueue, NULL) != SQLITE_OK)
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
      bind_text (stmt, PARAM (EVENT_ACCOUNT), job->account);
      bind_text (stmt, PARAM (EVENT_CONSUMER), job->consumer);
      bind_text (stmt, PARAM (EVENT_DIALOG), row->dialog);
      sqlite3_bind_int64 (stmt, PARAM (EVENT_SEQUENCE), row->sequence);
      bind_text (stmt, PARAM (EVENT_CONVERSATION), row->conversation);
      bind_text (stmt, PARAM (EVENT_ORIGINATOR), row->originator);
      sqlite3_bind_int (stmt, PARAM (EVENT_ROLE), row->role);
      sqlite3_bind_int (stmt, PARAM (EVENT_OWN), row->own);
      sqlite3_bind_int64 (stmt, PARAM (EVENT_SERVER_TIME), row->server_time);
      bind_text (stmt, PARAM (EVENT_CONTENT_TYPE), row->content_type);
      bind_text (stmt, PARAM (EVENT_TEXT), row->text);
      sqlite3_bind_int (stmt, PARAM (EVENT_PLACEHOLDER), row->placeholder);
      sqlite3_bind_int (stmt, PARAM (EVENT_DELIVERY), row->delivery);
      sqlite3_bind_int (stmt, PARAM (EVENT_ACCEPT_SENT), row->accept_sent);
      sqlite3_bind_int (stmt, PARAM (EVENT_READ_SENT), row->read_sent);
      sqlite3_bind_int64 (stmt, PARAM (EVENT_LOCAL_ID), row->local_id);
      ok = sqlite3_step (stmt) == SQLITE_DONE;

      /* An own message in the history is sent: it leaves the outbox in the same step, so
       * no restart can find it in both. */
      if (ok && row->local_id != 0)
        {
          sqlite3_reset (unqueue);
          sqlite3_bind_int64 (unqueue, param (unqueue, ":local_id"), row->local_id);
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

/* Prepares sql, lets bind fill in its parameters and runs it once. */
static gboolean
run_one (ConfabStore *self,
         const char  *sql,
         void       (*bind) (sqlite3_stmt *stmt,
                             Job          *job),
         Job         *job)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  bind (stmt, job);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok;
}

static void
bind_conversation (sqlite3_stmt *stmt,
                   Job          *job)
{
  bind_text (stmt, PARAM (CONVERSATION_ACCOUNT), job->account);
  bind_text (stmt, PARAM (CONVERSATION_CONSUMER), job->consumer);
  bind_text (stmt, PARAM (CONVERSATION_CONVERSATION), job->conversation);
  sqlite3_bind_int64 (stmt, PARAM (CONVERSATION_UPDATED), g_get_real_time () / 1000);
}

static gboolean
run_save_conversation (ConfabStore *self,
                       Job         *job)
{
  g_autofree char *sql = insert_sql ("INSERT", "conversations", conversation_columns, N_CONVERSATION_COLUMNS,
                                     "ON CONFLICT (account, consumer) DO UPDATE SET"
                                     " conversation = excluded.conversation, updated = excluded.updated");

  return run_one (self, sql, bind_conversation, job);
}

static void
bind_outbox (sqlite3_stmt *stmt,
             Job          *job)
{
  Row *row = &g_array_index (job->rows, Row, 0);

  sqlite3_bind_int64 (stmt, PARAM (OUTBOX_LOCAL_ID), row->local_id);
  bind_text (stmt, PARAM (OUTBOX_ACCOUNT), job->account);
  bind_text (stmt, PARAM (OUTBOX_CONSUMER), job->consumer);
  bind_text (stmt, PARAM (OUTBOX_TEXT), row->text);
  sqlite3_bind_int64 (stmt, PARAM (OUTBOX_CREATED), row->server_time);
  sqlite3_bind_int (stmt, PARAM (OUTBOX_ATTEMPTED), row->attempted);
  sqlite3_bind_int (stmt, PARAM (OUTBOX_FAILED), row->delivery == CONFAB_DELIVERY_FAILED);
}

static gboolean
run_outbox_put (ConfabStore *self,
                Job         *job)
{
  g_autofree char *sql = insert_sql ("INSERT OR REPLACE", "outbox", outbox_columns, N_OUTBOX_COLUMNS, "");
  gboolean ok;

  /* The person's words: committed with the write-ahead log synced to the disk, so they
   * survive a crash or a power cut from the moment put returns. Other writes can be
   * fetched again from the service and keep the cheaper NORMAL. */
  if (!exec (self, "PRAGMA synchronous = FULL"))
    return FALSE;
  ok = run_one (self, sql, bind_outbox, job);
  exec (self, "PRAGMA synchronous = NORMAL");
  return ok;
}

static void
bind_local_id (sqlite3_stmt *stmt,
               Job          *job)
{
  sqlite3_bind_int64 (stmt, param (stmt, ":local_id"), job->local_id);
}

static gboolean
run_outbox_remove (ConfabStore *self,
                   Job         *job)
{
  return run_one (self, "DELETE FROM outbox WHERE local_id = :local_id", bind_local_id, job);
}

/* A row of events, read with every column of event_columns */
static ConfabMessage *
message_from_event (sqlite3_stmt *stmt,
                    const char   *consumer)
{
  ConfabMessageFields fields = { 0 };
  const char *originator = (const char *) sqlite3_column_text (stmt, EVENT_ORIGINATOR);
  int delivery = sqlite3_column_int (stmt, EVENT_DELIVERY);

  fields.dialog_id = (const char *) sqlite3_column_text (stmt, EVENT_DIALOG);
  fields.sequence = sqlite3_column_int64 (stmt, EVENT_SEQUENCE);
  fields.conversation_id = (const char *) sqlite3_column_text (stmt, EVENT_CONVERSATION);
  fields.role = sqlite3_column_int (stmt, EVENT_ROLE);
  fields.server_time = sqlite3_column_int64 (stmt, EVENT_SERVER_TIME);
  fields.content_type = (const char *) sqlite3_column_text (stmt, EVENT_CONTENT_TYPE);
  fields.text = (const char *) sqlite3_column_text (stmt, EVENT_TEXT);
  fields.is_placeholder = sqlite3_column_int (stmt, EVENT_PLACEHOLDER);
  fields.accept_sent = sqlite3_column_int (stmt, EVENT_ACCEPT_SENT);
  fields.read_sent = sqlite3_column_int (stmt, EVENT_READ_SENT);
  fields.local_id = MAX (sqlite3_column_int64 (stmt, EVENT_LOCAL_ID), 0);
  fields.own = sqlite3_column_int (stmt, EVENT_OWN) || g_strcmp0 (originator, consumer) == 0;

  /* An own message written here has no originator id of its own: it is the consumer's. */
  fields.originator_id = fields.own && originator == NULL ? consumer : originator;
  if (fields.own)
    {
      /* In the history it has reached the service at least. */
      fields.role = CONFAB_ROLE_CONSUMER;
      fields.delivery_state = delivery > CONFAB_DELIVERY_SENT && delivery <= CONFAB_DELIVERY_READ
                              ? delivery : CONFAB_DELIVERY_SENT;
    }

  return confab_message_new (&fields);
}

/* A row of outbox, read with every column of outbox_columns */
static ConfabMessage *
message_from_outbox (sqlite3_stmt *stmt)
{
  ConfabMessageFields fields = { 0 };

  fields.sequence = -1;
  fields.own = TRUE;
  fields.role = CONFAB_ROLE_CONSUMER;
  fields.content_type = "text/plain";
  fields.text = (const char *) sqlite3_column_text (stmt, OUTBOX_TEXT);
  fields.server_time = sqlite3_column_int64 (stmt, OUTBOX_CREATED);
  fields.local_id = MAX (sqlite3_column_int64 (stmt, OUTBOX_LOCAL_ID), 0);
  fields.attempted = sqlite3_column_int (stmt, OUTBOX_ATTEMPTED);
  fields.delivery_state = sqlite3_column_int (stmt, OUTBOX_FAILED) ? CONFAB_DELIVERY_FAILED
                                                                   : CONFAB_DELIVERY_QUEUED;

  return confab_message_new (&fields);
}

static void
bind_identity (sqlite3_stmt *stmt,
               Job          *job)
{
  bind_text (stmt, param (stmt, ":account"), job->account);
  bind_text (stmt, param (stmt, ":consumer"), job->consumer);
}

static ConfabStoreSnapshot *
run_load (ConfabStore  *self,
          Job          *job,
          GError      **error)
{
  g_autoptr(ConfabStoreSnapshot) snapshot = g_new0 (ConfabStoreSnapshot, 1);
  g_autofree char *conversation_sql = NULL;
  g_autofree char *events_sql = NULL;
  g_autofree char *outbox_sql = NULL;
  sqlite3_stmt *stmt = NULL;

  snapshot->messages = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->outbox = g_ptr_array_new_with_free_func (g_object_unref);

  conversation_sql = select_sql ("conversations", conversation_columns, N_CONVERSATION_COLUMNS,
                                 "WHERE account = :account AND consumer = :consumer");
  if (sqlite3_prepare_v2 (self->db, conversation_sql, -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  bind_identity (stmt, job);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    snapshot->conversation_id = column_text (stmt, CONVERSATION_CONVERSATION);
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (snapshot->conversation_id != NULL)
    {
      events_sql = select_sql ("events", event_columns, N_EVENT_COLUMNS,
                               "WHERE account = :account AND consumer = :consumer"
                               " AND conversation = :conversation ORDER BY dialog, sequence");
      if (sqlite3_prepare_v2 (self->db, events_sql, -1, &stmt, NULL) != SQLITE_OK)
        goto failed;
      bind_identity (stmt, job);
      bind_text (stmt, param (stmt, ":conversation"), snapshot->conversation_id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (snapshot->messages, message_from_event (stmt, job->consumer));
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  outbox_sql = select_sql ("outbox", outbox_columns, N_OUTBOX_COLUMNS,
                           "WHERE account = :account AND consumer = :consumer AND local_id NOT IN"
                           " (SELECT local_id FROM events WHERE local_id != 0)"
                           " ORDER BY local_id");
  if (sqlite3_prepare_v2 (self->db, outbox_sql, -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  bind_identity (stmt, job);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (snapshot->outbox, message_from_outbox (stmt));
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
          ok = run_save_conversation (self, job);
          what = _("the conversation");
          break;
        case JOB_OUTBOX_PUT:
          ok = run_outbox_put (self, job);
          what = _("a message waiting to be sent");
          break;
        case JOB_OUTBOX_REMOVE:
          ok = run_outbox_remove (self, job);
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
          break;
        case JOB_QUIT:
          job_free (job);
          return NULL;
        default:
          break;
        }

      if (!ok)
        report_write_error (self, what, reason != NULL ? reason : sqlite3_errmsg (self->db));
      if (job->waiter != NULL)
        {
          GError *error = NULL;

          if (!ok)
            error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE, _("Could not save %s: %s"),
                                 what, reason != NULL ? reason : sqlite3_errmsg (self->db));
          wake_waiter (job->waiter, ok, error);
        }
      job_free (job);
    }
}

/* Schema */

static gboolean
migrate (ConfabStore  *self,
         GError      **error)
{
  gint64 version = 0;

  query_int64 (self, "PRAGMA user_version", &version);
  if (version > CONFAB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_VERSION,
                   _("The history was written by a newer Confab (version %d)"), (int) version);
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
  gint64 max_local_id = 0;

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
  if (query_int64 (self, "SELECT MAX (local_id) FROM outbox", &max_local_id))
    self->next_local_id = MAX (self->next_local_id, max_local_id + 1);

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

  job = job_new (JOB_OUTBOX_PUT, account_id, consumer_id);
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
  g_return_if_fail (CONFAB_IS_STORE (self));

  run_and_wait (self, job_new (JOB_FLUSH, NULL, NULL), NULL);
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
