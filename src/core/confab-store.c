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
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

#include "confab-store.h"
#include "confab-store-private.h"

typedef enum {
  JOB_SAVE_MESSAGES,
  JOB_SAVE_CONVERSATION,
  JOB_SAVE_RECEIPTS,
  JOB_OUTBOX_PUT,
  JOB_OUTBOX_REMOVE,
  JOB_LOAD,
  JOB_LOAD_OLDER,
  JOB_CHECKED,
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
  char *payload;       /* confab_message_dup_payload() */
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
  char *dialog;        /* JOB_LOAD_OLDER: the page ends before (dialog, sequence); JOB_SAVE_RECEIPTS */
  gint64 sequence;
  guint limit;
  gint64 local_id;
  GArray *rows;        /* of Row */
  GArray *sequences;   /* JOB_SAVE_RECEIPTS: gint64 */
  ConfabReceiptStatus status;
  gboolean by_agent;
  int check_code;      /* JOB_CHECKED: what the check found (SQLITE_OK: nothing) */
  char *check_failure;
  guint generation;    /* JOB_CHECKED: of the file that was checked */
  GTask *task;         /* JOB_LOAD, JOB_LOAD_OLDER */
  Waiter *waiter;      /* JOB_FLUSH, JOB_OUTBOX_PUT: owned by the caller */
} Job;

struct _ConfabStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;             /* NULL when a damaged history could not be replaced */
  int failure_code;        /* why the last step failed, for the thread using db */
  char *failure;
  GThread *thread;
  GAsyncQueue *jobs;
  guint generation;        /* counts fresh histories started after damage (store's thread) */
  guint checked_generation; /* the one the checker reads */
  GThread *checker;        /* checks every page of the file once, beside the store's thread */
  gboolean check_started;  /* (store's thread) */
  GMutex checker_mutex;
  sqlite3 *checker_db;     /* the checker's own connection while it runs */
  GMainContext *context;   /* where ::error is emitted */
  gint64 next_local_id;    /* used on the creating thread only */
  gint closing;            /* finalizing: errors are logged, not emitted */
};

enum {
  SIGNAL_ERROR,
  SIGNAL_PROBLEM,
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
  EVENT_PAYLOAD,
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
  [EVENT_PAYLOAD] = "payload",
};

typedef enum {
  OUTBOX_LOCAL_ID,
  OUTBOX_ACCOUNT,
  OUTBOX_CONSUMER,
  OUTBOX_TEXT,
  OUTBOX_CREATED,
  OUTBOX_ATTEMPTED,
  OUTBOX_FAILED,
  OUTBOX_PAYLOAD,
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
  [OUTBOX_PAYLOAD] = "payload",
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

/* The order of an identity's dialogs in its history: the order of their first save. */
typedef enum {
  DIALOG_ACCOUNT,
  DIALOG_CONSUMER,
  DIALOG_DIALOG,
  DIALOG_POSITION,
  N_DIALOG_COLUMNS
} DialogColumn;

static const char *const dialog_columns[N_DIALOG_COLUMNS] = {
  [DIALOG_ACCOUNT] = "account",
  [DIALOG_CONSUMER] = "consumer",
  [DIALOG_DIALOG] = "dialog",
  [DIALOG_POSITION] = "position",
};

/* Which identity of an account wrote last: the highest last_used. */
typedef enum {
  IDENTITY_ACCOUNT,
  IDENTITY_CONSUMER,
  IDENTITY_LAST_USED,
  N_IDENTITY_COLUMNS
} IdentityColumn;

static const char *const identity_columns[N_IDENTITY_COLUMNS] = {
  [IDENTITY_ACCOUNT] = "account",
  [IDENTITY_CONSUMER] = "consumer",
  [IDENTITY_LAST_USED] = "last_used",
};

typedef struct
{
  const char *name;
  const char *const *columns;
  guint n_columns;
} Table;

/* Outbox first: if anything of a damaged history is copied, the words not sent yet are. */
static const Table tables[] = {
  { "outbox", outbox_columns, N_OUTBOX_COLUMNS },
  { "conversations", conversation_columns, N_CONVERSATION_COLUMNS },
  { "identities", identity_columns, N_IDENTITY_COLUMNS },
  { "dialogs", dialog_columns, N_DIALOG_COLUMNS },
  { "events", event_columns, N_EVENT_COLUMNS },
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
  g_free (row->payload);
}

static void
job_free (Job *job)
{
  g_free (job->account);
  g_free (job->consumer);
  g_free (job->conversation);
  g_free (job->dialog);
  g_free (job->check_failure);
  g_clear_pointer (&job->rows, g_array_unref);
  g_clear_pointer (&job->sequences, g_array_unref);
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
static void
emit_later (ConfabStore *self,
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
static gboolean
failed (ConfabStore *self,
        int          rc)
{
  self->failure_code = rc;
  g_free (self->failure);
  self->failure = g_strdup (self->db != NULL && sqlite3_errcode (self->db) == rc ? sqlite3_errmsg (self->db)
                                                                                 : sqlite3_errstr (rc));
  return FALSE;
}

/* The last failure in plain words where there are some */
static const char *
failure_reason (ConfabStore *self)
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
static gboolean
failure_is_damage (ConfabStore *self)
{
  return (self->failure_code & 0xff) == SQLITE_CORRUPT || (self->failure_code & 0xff) == SQLITE_NOTADB;
}

static gboolean
exec (ConfabStore *self,
      const char  *sql)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || failed (self, rc);
}

/* After a failure: undoes what the transaction did without hiding why it failed. */
static void
rollback (ConfabStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
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

/* The identity wrote to the history just now: it is the account's last one. */
static gboolean
note_identity_used (ConfabStore *self,
                    Job         *job)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (self->db,
                                "INSERT INTO identities (account, consumer, last_used)"
                                " SELECT :account, :consumer, IFNULL (MAX (last_used), 0) + 1 FROM identities"
                                " WHERE account = :account"
                                " ON CONFLICT (account, consumer) DO UPDATE SET last_used = excluded.last_used",
                                -1, &stmt, NULL)) != SQLITE_OK)
    return failed (self, rc);
  bind_text (stmt, param (stmt, ":account"), job->account);
  bind_text (stmt, param (stmt, ":consumer"), job->consumer);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || failed (self, rc);
}

static gboolean
run_save_messages (ConfabStore *self,
                   Job         *job)
{
  /* A row saved again keeps the furthest state either copy reached. */
  g_autofree char *sql = insert_sql ("INSERT", "events", event_columns, N_EVENT_COLUMNS,
                                     "ON CONFLICT (account, consumer, dialog, sequence) DO UPDATE SET"
                                     " delivery = MAX (delivery, excluded.delivery),"
                                     " accept_sent = MAX (accept_sent, excluded.accept_sent),"
                                     " read_sent = MAX (read_sent, excluded.read_sent),"
                                     " local_id = excluded.local_id,"
                                     " payload = IFNULL (excluded.payload, payload)");
  /* A dialog not seen before goes after every other of the identity. */
  const char *dialog_sql = "INSERT INTO dialogs (account, consumer, dialog, position)"
                           " SELECT :account, :consumer, :dialog, IFNULL (MAX (position), 0) + 1 FROM dialogs"
                           " WHERE account = :account AND consumer = :consumer"
                           " ON CONFLICT (account, consumer, dialog) DO NOTHING";
  g_autoptr(GHashTable) dialogs_placed = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *unqueue = NULL;
  sqlite3_stmt *place = NULL;
  gboolean ok = TRUE;
  int rc;

  if (!exec (self, "BEGIN"))
    return FALSE;
  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (self->db, "DELETE FROM outbox WHERE local_id = :local_id", -1, &unqueue,
                                NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (self->db, dialog_sql, -1, &place, NULL)) != SQLITE_OK)
    {
      failed (self, rc);
      sqlite3_finalize (stmt);
      sqlite3_finalize (unqueue);
      sqlite3_finalize (place);
      rollback (self);
      return FALSE;
    }

  for (guint i = 0; ok && i < job->rows->len; i++)
    {
      Row *row = &g_array_index (job->rows, Row, i);

      /* its dialog's place, in the order of the rows given */
      if (!g_hash_table_contains (dialogs_placed, row->dialog))
        {
          g_hash_table_add (dialogs_placed, row->dialog);
          sqlite3_reset (place);
          bind_text (place, param (place, ":account"), job->account);
          bind_text (place, param (place, ":consumer"), job->consumer);
          bind_text (place, param (place, ":dialog"), row->dialog);
          if ((rc = sqlite3_step (place)) != SQLITE_DONE)
            {
              ok = failed (self, rc);
              break;
            }
        }

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
      bind_text (stmt, PARAM (EVENT_PAYLOAD), row->payload);
      if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
        ok = failed (self, rc);

      /* An own message in the history is sent: it leaves the outbox in the same step, so
       * no restart can find it in both. */
      if (ok && row->local_id != 0)
        {
          sqlite3_reset (unqueue);
          sqlite3_bind_int64 (unqueue, param (unqueue, ":local_id"), row->local_id);
          if ((rc = sqlite3_step (unqueue)) != SQLITE_DONE)
            ok = failed (self, rc);
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (unqueue);
  sqlite3_finalize (place);

  if (!ok || !note_identity_used (self, job) || !exec (self, "COMMIT"))
    {
      rollback (self);
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
  int rc;

  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return failed (self, rc);
  bind (stmt, job);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    failed (self, rc);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
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

  if (!exec (self, "BEGIN"))
    return FALSE;
  if (!run_one (self, sql, bind_conversation, job) || !note_identity_used (self, job) || !exec (self, "COMMIT"))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
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
  bind_text (stmt, PARAM (OUTBOX_PAYLOAD), row->payload);
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
  ok = exec (self, "BEGIN") && run_one (self, sql, bind_outbox, job) && note_identity_used (self, job) &&
       exec (self, "COMMIT");
  if (!ok)
    rollback (self);
  sqlite3_exec (self->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
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
  fields.payload = (const char *) sqlite3_column_text (stmt, EVENT_PAYLOAD);
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
  fields.payload = (const char *) sqlite3_column_text (stmt, OUTBOX_PAYLOAD);
  fields.delivery_state = sqlite3_column_int (stmt, OUTBOX_FAILED) ? CONFAB_DELIVERY_FAILED
                                                                   : CONFAB_DELIVERY_QUEUED;

  return confab_message_new (&fields);
}

/* The queries that read the history. Built once from the column lists; the tests look at
 * their plans (see confab-store-private.h). */

typedef enum {
  QUERY_LAST_CONSUMER,
  QUERY_CONVERSATION,
  QUERY_POSITION,
  QUERY_DIALOGS,
  QUERY_EVENTS,
  QUERY_AGENT,
  QUERY_LAST_SEQUENCES,
  QUERY_UNACCEPTED,
  QUERY_OUTBOX,
  N_QUERIES
} Query;

static const char *const *
queries (void)
{
  static const char *sql[N_QUERIES + 1];
  static gsize built = 0;

  if (g_once_init_enter (&built))
    {
      sql[QUERY_LAST_CONSUMER] = "SELECT consumer FROM identities WHERE account = :account"
                                 " ORDER BY last_used DESC LIMIT 1";
      sql[QUERY_CONVERSATION] = select_sql ("conversations", conversation_columns, N_CONVERSATION_COLUMNS,
                                            "WHERE account = :account AND consumer = :consumer");
      sql[QUERY_POSITION] = "SELECT position FROM dialogs"
                            " WHERE account = :account AND consumer = :consumer AND dialog = :dialog";
      /* newest first, from a position down */
      sql[QUERY_DIALOGS] = "SELECT dialog, position FROM dialogs"
                           " WHERE account = :account AND consumer = :consumer AND position <= :position"
                           " ORDER BY position DESC";
      /* a dialog's messages before a sequence, newest first: the primary key, read backwards */
      sql[QUERY_EVENTS] = select_sql ("events", event_columns, N_EVENT_COLUMNS,
                                      "WHERE account = :account AND consumer = :consumer AND dialog = :dialog"
                                      " AND sequence < :before ORDER BY sequence DESC LIMIT :limit");
      /* the same for the agent's messages alone, from the index of those */
      sql[QUERY_AGENT] = "SELECT read_sent FROM events INDEXED BY events_agent"
                         " WHERE account = :account AND consumer = :consumer AND dialog = :dialog AND own = 0"
                         " AND sequence < :before ORDER BY sequence DESC LIMIT :limit";
      /* one look at the end of the primary key per dialog */
      sql[QUERY_LAST_SEQUENCES] = "SELECT d.dialog, (SELECT MAX (e.sequence) FROM events e WHERE e.account = d.account"
                                  " AND e.consumer = d.consumer AND e.dialog = d.dialog)"
                                  " FROM dialogs d WHERE d.account = :account AND d.consumer = :consumer";
      sql[QUERY_UNACCEPTED] = "SELECT sequence FROM events INDEXED BY events_unaccepted"
                              " WHERE account = :account AND consumer = :consumer AND dialog = :dialog"
                              " AND own = 0 AND accept_sent = 0 ORDER BY sequence";
      /* an own message in the history is sent, whatever the outbox says */
      sql[QUERY_OUTBOX] = select_sql ("outbox", outbox_columns, N_OUTBOX_COLUMNS,
                                      "WHERE account = :account AND consumer = :consumer AND NOT EXISTS"
                                      " (SELECT 1 FROM events e WHERE e.local_id = outbox.local_id AND e.local_id != 0)"
                                      " ORDER BY local_id");
      g_once_init_leave (&built, 1);
    }
  return sql;
}

const char *const *
_confab_store_get_read_queries (void)
{
  return queries ();
}

/* The prepared queries of one read job */
typedef struct
{
  sqlite3_stmt *stmt[N_QUERIES];
} Statements;

static void
statements_clear (Statements *statements)
{
  for (guint i = 0; i < N_QUERIES; i++)
    g_clear_pointer (&statements->stmt[i], sqlite3_finalize);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Statements, statements_clear)

/* The query, prepared and reset, bound to the job's identity; NULL (the failure noted) when
 * it cannot be prepared. */
static sqlite3_stmt *
statement (ConfabStore *self,
           Statements  *statements,
           Query        query,
           Job         *job)
{
  sqlite3_stmt *stmt = statements->stmt[query];
  int rc;

  if (stmt == NULL)
    {
      if ((rc = sqlite3_prepare_v2 (self->db, queries ()[query], -1, &stmt, NULL)) != SQLITE_OK)
        {
          failed (self, rc);
          return NULL;
        }
      statements->stmt[query] = stmt;
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  bind_text (stmt, param (stmt, ":account"), job->account);
  if (query != QUERY_LAST_CONSUMER)
    bind_text (stmt, param (stmt, ":consumer"), job->consumer);
  return stmt;
}

/* Steps through the rows of stmt, each added to into by make; FALSE if a step failed before
 * the last row: an error reading is an error, never the end of the rows. */
static gboolean
read_rows (ConfabStore   *self,
           sqlite3_stmt  *stmt,
           GPtrArray     *into,
           ConfabMessage *(*make) (sqlite3_stmt *stmt,
                                   const char   *consumer),
           const char    *consumer)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (into, make (stmt, consumer));
  return rc == SQLITE_DONE || failed (self, rc);
}

static ConfabMessage *
make_outbox_message (sqlite3_stmt *stmt,
                     const char   *consumer)
{
  return message_from_outbox (stmt);
}

/* Agent messages with no READ published before (position, before), back to the newest that
 * has one, at most CONFAB_STORE_UNREAD_MAX. */
static gboolean
count_unread_before (ConfabStore *self,
                     Statements  *statements,
                     Job         *job,
                     gint64       position,
                     gint64       before,
                     guint       *n_unread)
{
  sqlite3_stmt *dialogs = statement (self, statements, QUERY_DIALOGS, job);
  int rc;

  *n_unread = 0;
  if (dialogs == NULL)
    return FALSE;
  sqlite3_bind_int64 (dialogs, param (dialogs, ":position"), position);
  while (*n_unread < CONFAB_STORE_UNREAD_MAX)
    {
      sqlite3_stmt *agent;

      if ((rc = sqlite3_step (dialogs)) == SQLITE_DONE)
        return TRUE;
      if (rc != SQLITE_ROW)
        return failed (self, rc);
      if ((agent = statement (self, statements, QUERY_AGENT, job)) == NULL)
        return FALSE;
      bind_text (agent, param (agent, ":dialog"), (const char *) sqlite3_column_text (dialogs, 0));
      sqlite3_bind_int64 (agent, param (agent, ":before"),
                          sqlite3_column_int64 (dialogs, 1) == position ? before : G_MAXINT64);
      sqlite3_bind_int (agent, param (agent, ":limit"), CONFAB_STORE_UNREAD_MAX - *n_unread);
      while ((rc = sqlite3_step (agent)) == SQLITE_ROW)
        {
          /* the newest one read: the unread ones end here */
          if (sqlite3_column_int (agent, 0))
            return TRUE;
          (*n_unread)++;
        }
      if (rc != SQLITE_DONE)
        return failed (self, rc);
    }
  return TRUE;
}

/* At most limit messages before (position, before) in list order, oldest first; whether
 * there are more before them, and how many of those are unread. */
static gboolean
read_page (ConfabStore *self,
           Statements  *statements,
           Job         *job,
           gint64       position,
           gint64       before,
           guint        limit,
           GPtrArray   *messages,
           gboolean    *has_older,
           guint       *n_unread_before)
{
  sqlite3_stmt *dialogs = statement (self, statements, QUERY_DIALOGS, job);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint want = limit + 1;     /* one more says whether there are older ones */
  int rc = SQLITE_DONE;

  *has_older = FALSE;
  *n_unread_before = 0;
  if (dialogs == NULL)
    return FALSE;
  sqlite3_bind_int64 (dialogs, param (dialogs, ":position"), position);
  while (messages->len < want && (rc = sqlite3_step (dialogs)) == SQLITE_ROW)
    {
      sqlite3_stmt *events = statement (self, statements, QUERY_EVENTS, job);
      gint64 dialog_position = sqlite3_column_int64 (dialogs, 1);

      if (events == NULL)
        return FALSE;
      bind_text (events, param (events, ":dialog"), (const char *) sqlite3_column_text (dialogs, 0));
      sqlite3_bind_int64 (events, param (events, ":before"), dialog_position == position ? before : G_MAXINT64);
      sqlite3_bind_int (events, param (events, ":limit"), want - messages->len);
      if (!read_rows (self, events, messages, message_from_event, job->consumer))
        return FALSE;
      while (positions->len < messages->len)
        g_array_append_val (positions, dialog_position);
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return failed (self, rc);

  if (messages->len > limit)
    {
      *has_older = TRUE;
      g_ptr_array_set_size (messages, limit);
    }
  /* read newest first: the list wants them oldest first */
  for (guint i = 0, j = messages->len; i + 1 < j; i++, j--)
    {
      gpointer swap = messages->pdata[i];

      messages->pdata[i] = messages->pdata[j - 1];
      messages->pdata[j - 1] = swap;
    }

  if (*has_older && messages->len > 0)
    return count_unread_before (self, statements, job, g_array_index (positions, gint64, messages->len - 1),
                                confab_message_get_sequence (g_ptr_array_index (messages, 0)), n_unread_before);
  return TRUE;
}

static ConfabStoreSnapshot *
run_load (ConfabStore *self,
          Job         *job)
{
  g_autoptr(ConfabStoreSnapshot) snapshot = g_new0 (ConfabStoreSnapshot, 1);
  g_auto(Statements) statements = { { NULL } };
  sqlite3_stmt *stmt;
  int rc;

  snapshot->messages = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->outbox = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->last_sequences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  snapshot->unaccepted = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Whose: the one asked for, or the one that wrote last */
  if (job->consumer == NULL)
    {
      if ((stmt = statement (self, &statements, QUERY_LAST_CONSUMER, job)) == NULL)
        return NULL;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        return g_steal_pointer (&snapshot);
      if (rc != SQLITE_ROW)
        goto step_failed;
      job->consumer = column_text (stmt, 0);
    }
  snapshot->consumer_id = g_strdup (job->consumer);

  if ((stmt = statement (self, &statements, QUERY_CONVERSATION, job)) == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    snapshot->conversation_id = column_text (stmt, CONVERSATION_CONVERSATION);
  else if (rc != SQLITE_DONE)
    goto step_failed;

  if (!read_page (self, &statements, job, G_MAXINT64, G_MAXINT64, CONFAB_STORE_PAGE_SIZE, snapshot->messages,
                  &snapshot->has_older, &snapshot->n_unread_before))
    return NULL;

  if ((stmt = statement (self, &statements, QUERY_LAST_SEQUENCES, job)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
      g_hash_table_insert (snapshot->last_sequences, column_text (stmt, 0),
                           g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 1) }, sizeof (gint64)));
  if (rc != SQLITE_DONE)
    goto step_failed;

  if (snapshot->conversation_id != NULL)
    {
      if ((stmt = statement (self, &statements, QUERY_UNACCEPTED, job)) == NULL)
        return NULL;
      bind_text (stmt, param (stmt, ":dialog"), snapshot->conversation_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_array_append_val (snapshot->unaccepted, (gint64) { sqlite3_column_int64 (stmt, 0) });
      if (rc != SQLITE_DONE)
        goto step_failed;
    }

  if ((stmt = statement (self, &statements, QUERY_OUTBOX, job)) == NULL ||
      !read_rows (self, stmt, snapshot->outbox, make_outbox_message, NULL))
    return NULL;

  return g_steal_pointer (&snapshot);

step_failed:
  failed (self, rc);
  return NULL;
}

static ConfabStorePage *
run_load_older (ConfabStore *self,
                Job         *job)
{
  g_autoptr(ConfabStorePage) page = g_new0 (ConfabStorePage, 1);
  g_auto(Statements) statements = { { NULL } };
  sqlite3_stmt *where;
  int rc;

  page->messages = g_ptr_array_new_with_free_func (g_object_unref);
  if ((where = statement (self, &statements, QUERY_POSITION, job)) == NULL)
    return NULL;
  bind_text (where, param (where, ":dialog"), job->dialog);
  rc = sqlite3_step (where);
  /* a dialog the history does not hold has nothing before it */
  if (rc == SQLITE_DONE)
    return g_steal_pointer (&page);
  if (rc != SQLITE_ROW)
    {
      failed (self, rc);
      return NULL;
    }
  if (!read_page (self, &statements, job, sqlite3_column_int64 (where, 0), job->sequence, job->limit,
                  page->messages, &page->has_older, &page->n_unread_before))
    return NULL;
  return g_steal_pointer (&page);
}

static gboolean
run_save_receipts (ConfabStore *self,
                   Job         *job)
{
  const char *sql;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  if (job->by_agent)
    sql = "UPDATE events SET delivery = MAX (delivery, :state) WHERE account = :account AND consumer = :consumer"
          " AND dialog = :dialog AND sequence = :sequence AND own = 1";
  else if (job->status == CONFAB_RECEIPT_READ)
    /* a message read needs no ACCEPT any more either */
    sql = "UPDATE events SET read_sent = 1, accept_sent = 1 WHERE account = :account AND consumer = :consumer"
          " AND dialog = :dialog AND sequence = :sequence AND own = 0";
  else
    sql = "UPDATE events SET accept_sent = 1 WHERE account = :account AND consumer = :consumer"
          " AND dialog = :dialog AND sequence = :sequence AND own = 0";

  if (!exec (self, "BEGIN"))
    return FALSE;
  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    ok = failed (self, rc);
  for (guint i = 0; ok && i < job->sequences->len; i++)
    {
      sqlite3_reset (stmt);
      bind_text (stmt, param (stmt, ":account"), job->account);
      bind_text (stmt, param (stmt, ":consumer"), job->consumer);
      bind_text (stmt, param (stmt, ":dialog"), job->dialog);
      sqlite3_bind_int64 (stmt, param (stmt, ":sequence"), g_array_index (job->sequences, gint64, i));
      if (job->by_agent)
        sqlite3_bind_int (stmt, param (stmt, ":state"),
                          job->status == CONFAB_RECEIPT_READ ? CONFAB_DELIVERY_READ : CONFAB_DELIVERY_DELIVERED);
      if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
        ok = failed (self, rc);
    }
  sqlite3_finalize (stmt);
  if (!ok || !exec (self, "COMMIT"))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Schema */

/* Every dialog of the events has its place in dialogs: those missing (from a version 1
 * history, or rows salvaged from a damaged one without theirs) go after the others, in the
 * order their first row was written. */
#define PLACE_MISSING_DIALOGS \
  "INSERT INTO dialogs (account, consumer, dialog, position)" \
  " SELECT e.account, e.consumer, e.dialog," \
  "  IFNULL ((SELECT MAX (d.position) FROM dialogs d WHERE d.account = e.account AND d.consumer = e.consumer), 0)" \
  "  + ROW_NUMBER () OVER (PARTITION BY e.account, e.consumer ORDER BY MIN (e.rowid))" \
  " FROM events e WHERE NOT EXISTS (SELECT 1 FROM dialogs d" \
  "  WHERE d.account = e.account AND d.consumer = e.consumer AND d.dialog = e.dialog)" \
  " GROUP BY e.account, e.consumer, e.dialog;"

static gboolean
migrate (ConfabStore  *self,
         GError      **error)
{
  gint64 version = 0;

  if (!query_int64 (self, "PRAGMA user_version", &version))
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not read the history: %s"), failure_reason (self));
      return FALSE;
    }
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
                   _("Could not create the history: %s"), failure_reason (self));
      rollback (self);
      return FALSE;
    }

  /* Version 2: pages. The whole conversation is no longer read by its id, so that index
   * goes; the order of dialogs is kept, and what a load needs besides the page has an
   * index of its own: the agent's messages not acknowledged, the agent's messages and
   * whether they were read (for the unread ones before a page), own messages by local id
   * (the outbox minus what reached the history). */
  if (version < 2 &&
      !exec (self,
             "BEGIN;"
             "DROP INDEX IF EXISTS events_by_conversation;"
             "CREATE TABLE dialogs (account TEXT NOT NULL, consumer TEXT NOT NULL, dialog TEXT NOT NULL,"
             " position INTEGER NOT NULL, PRIMARY KEY (account, consumer, dialog));"
             "CREATE UNIQUE INDEX dialogs_by_position ON dialogs (account, consumer, position);"
             "CREATE TABLE identities (account TEXT NOT NULL, consumer TEXT NOT NULL, last_used INTEGER NOT NULL,"
             " PRIMARY KEY (account, consumer));"
             "CREATE INDEX identities_by_use ON identities (account, last_used);"
             "CREATE INDEX events_unaccepted ON events (account, consumer, dialog, own, accept_sent, sequence)"
             " WHERE own = 0 AND accept_sent = 0;"
             "CREATE INDEX events_agent ON events (account, consumer, dialog, own, sequence, read_sent)"
             " WHERE own = 0;"
             "CREATE INDEX events_by_local_id ON events (local_id) WHERE local_id != 0;"
             PLACE_MISSING_DIALOGS
             /* the identity of the conversation followed last comes first */
             "INSERT INTO identities (account, consumer, last_used)"
             " SELECT account, consumer, ROW_NUMBER () OVER (PARTITION BY account ORDER BY updated)"
             " FROM conversations;"
             "INSERT OR IGNORE INTO identities (account, consumer, last_used)"
             " SELECT DISTINCT account, consumer, 0 FROM dialogs;"
             "INSERT OR IGNORE INTO identities (account, consumer, last_used)"
             " SELECT DISTINCT account, consumer, 0 FROM outbox;"
             "PRAGMA user_version = 2;"
             "COMMIT;"))
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not update the history to this version of Confab: %s"), failure_reason (self));
      rollback (self);
      return FALSE;
    }

  /* Version 3: rich messages. What a message holds beyond its text (structured content,
   * quick replies, a file, metadata; for an own reply, what it answers), as JSON. */
  if (version < 3 &&
      !exec (self,
             "BEGIN;"
             "ALTER TABLE events ADD COLUMN payload TEXT;"
             "ALTER TABLE outbox ADD COLUMN payload TEXT;"
             "PRAGMA user_version = 3;"
             "COMMIT;"))
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not update the history to this version of Confab: %s"), failure_reason (self));
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

/* Opening, checking and replacing the file */

/* The history file, created private to the person if it is not there yet (SQLite would
 * create it readable by everyone); its journals take its permissions. */
static gboolean
create_private (const char  *path,
                GError     **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  GStatBuf st;

  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not open the history “%s”: %s"), display, g_strerror (saved));
      return FALSE;
    }
  /* One made by an older Confab may be readable by others. */
  if (fstat (fd, &st) == 0 && (st.st_mode & 077) != 0)
    fchmod (fd, st.st_mode & 0700);
  close (fd);
  return TRUE;
}

/* Opens self->path; FALSE (the failure noted) when it cannot be read as a database. */
static gboolean
open_db (ConfabStore *self)
{
  int rc = sqlite3_open_v2 (self->path, &self->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      failed (self, rc);
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }
  sqlite3_busy_timeout (self->db, 2000);
  return exec (self, "PRAGMA journal_mode = WAL") && exec (self, "PRAGMA synchronous = NORMAL");
}

/* The checker's thread: every page of the file and every row's format (not the indexes
 * against the tables), linear in the size of the file, through a connection of its own so
 * that the store's thread reads and writes meanwhile. The verdict goes to the store's thread
 * as a job, which sets a damaged history aside as when a read or write meets the damage. */
static gpointer
checker (gpointer data)
{
  ConfabStore *self = data;
  Job *job = job_new (JOB_CHECKED, NULL, NULL);
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
    job_free (job);
  else
    g_async_queue_push (self->jobs, job);
  return NULL;
}

/* The checker's verdict, on the store's thread; FALSE (the failure noted) when the file it
 * checked, still the history, is damaged or could not be read. */
static gboolean
run_checked (ConfabStore *self,
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

/* Writes the salvaged rows (parallel to tables[]) into the fresh history, synced like the
 * outbox: they may be the only copy of words not sent yet. */
static gboolean
restore (ConfabStore *self,
         GPtrArray   *salvaged)
{
  gboolean ok;

  if (!exec (self, "PRAGMA synchronous = FULL"))
    return FALSE;
  ok = exec (self, "BEGIN");
  for (guint t = 0; ok && t < salvaged->len; t++)
    {
      GPtrArray *rows = g_ptr_array_index (salvaged, t);
      /* Half-read rows that break a constraint are left out, not the whole table. */
      g_autofree char *sql = insert_sql ("INSERT OR IGNORE", tables[t].name, tables[t].columns,
                                         tables[t].n_columns, "");
      sqlite3_stmt *stmt = NULL;
      int rc;

      if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
        ok = failed (self, rc);
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
            ok = failed (self, rc);
        }
      sqlite3_finalize (stmt);
    }
  /* a dialog whose row was lost still has its messages: it gets a place again */
  if (!ok || !exec (self, PLACE_MISSING_DIALOGS) || !exec (self, "COMMIT"))
    {
      rollback (self);
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
static gboolean
set_aside (ConfabStore  *self,
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
      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        g_ptr_array_add (salvaged, salvage_table (self, &tables[t]));
      waiting = ((GPtrArray *) g_ptr_array_index (salvaged, 0))->len;
      /* Closing must not checkpoint the log into the damaged file: it stays as it was. */
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
      g_clear_pointer (&self->db, sqlite3_close);
    }

  /* a check of the old file still under way is not about the fresh one */
  self->generation++;
  aside = move_aside (self->path, &local_error);
  if (aside == NULL || !create_private (self->path, &local_error) || !open_db (self) ||
      !migrate (self, &local_error) || !restore (self, salvaged))
    {
      if (local_error == NULL)
        local_error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_DAMAGED,
                                   _("The history was damaged and a new one could not be started: %s"),
                                   failure_reason (self));
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
  emit_later (self, SIGNAL_PROBLEM, problem);
  return TRUE;
}

/* A step failed on a damaged file: moves it aside and says whether the job may be tried
 * again on the fresh one. */
static gboolean
recover (ConfabStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!failure_is_damage (self) || self->db == NULL)
    return FALSE;
  if (set_aside (self, &error))
    return TRUE;
  emit_later (self, SIGNAL_PROBLEM, g_steal_pointer (&error));
  return FALSE;
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
      return run_save_messages (self, job);
    case JOB_SAVE_CONVERSATION:
      return run_save_conversation (self, job);
    case JOB_SAVE_RECEIPTS:
      return run_save_receipts (self, job);
    case JOB_OUTBOX_PUT:
      return run_outbox_put (self, job);
    case JOB_OUTBOX_REMOVE:
      return run_outbox_remove (self, job);
    case JOB_LOAD:
      *result = run_load (self, job);
      return *result != NULL;
    case JOB_LOAD_OLDER:
      *result = run_load_older (self, job);
      return *result != NULL;
    case JOB_CHECKED:
      return run_checked (self, job);
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
            self->checker = g_thread_new ("confab-store-check", checker, self);
          continue;
        }
      if (job->type == JOB_QUIT)
        {
          job_free (job);
          return NULL;
        }

      ok = run_job (self, job, &result);
      /* A damaged page met on the way: the job is done again on the fresh history, which
       * holds what could be read of the old one. */
      if (!ok && recover (self))
        ok = run_job (self, job, &result);

      if (!ok && (job->type == JOB_LOAD || job->type == JOB_LOAD_OLDER || job->type == JOB_CHECKED))
        error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN, _("Could not read the history: %s"),
                             failure_reason (self));
      else if (!ok)
        error = g_error_new (CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE, _("Could not save %s: %s"),
                             job_description (job->type), failure_reason (self));
      /* Told to the person whoever asked; a caller that waits also gets it back. */
      if (error != NULL)
        emit_later (self, SIGNAL_ERROR, g_error_copy (error));

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
      job_free (job);
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

  if (!check_location (path, error) || !create_private (path, error))
    return NULL;

  self = g_object_new (CONFAB_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();

  if (!open_db (self))
    {
      g_autofree char *display = g_filename_display_name (path);

      if (!failure_is_damage (self))
        {
          g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                       _("Could not open the history “%s”: %s"), display, failure_reason (self));
          return NULL;
        }
      if (!set_aside (self, error))
        return NULL;
    }

  if (!migrate (self, &local_error))
    {
      /* The update to this version met a damaged page: as when damage is found at open. */
      if (!g_error_matches (local_error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN) || !failure_is_damage (self))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_clear_error (&local_error);
      if (!set_aside (self, error))
        return NULL;
    }

  /* Local ids: above every id in the outbox and above this moment, so they stay unique. */
  self->next_local_id = g_get_real_time ();
  if (query_int64 (self, "SELECT MAX (local_id) FROM outbox", &max_local_id))
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
  g_return_if_fail (account_id != NULL);

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

  job = job_new (JOB_LOAD_OLDER, account_id, consumer_id);
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
  job = job_new (JOB_SAVE_RECEIPTS, account_id, consumer_id);
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

  run_and_wait (self, job_new (JOB_FLUSH, NULL, NULL), NULL);
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
      g_async_queue_push (self->jobs, job_new (JOB_QUIT, NULL, NULL));
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
        job_free (left);
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
}
