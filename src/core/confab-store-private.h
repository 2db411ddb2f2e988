/* confab-store-private.h: what the files of ConfabStore share, and what the tests may see
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ConfabStore is one class in several files, all sharing this instance struct and the jobs
 * its thread runs. Each part keeps its own helpers static; what one part calls in another is
 * declared here and named _confab_store_*. Outside src/core/confab-store*.c only the tests
 * include this header, for _confab_store_get_read_queries(): confab-store.h is the API.
 *
 *   confab-store.c         GObject, public API, ::error and ::problem, the store's thread and
 *                          its job queue, the SQL helpers every part uses
 *   confab-store-schema.c  the tables and their columns; the file created, opened and brought
 *                          up to this version (migrations)
 *   confab-store-read.c    the history read a page at a time: a load's snapshot, older pages
 *   confab-store-write.c   messages, the conversation, receipts and the outbox written
 *   confab-store-surveys.c the satisfaction surveys answered: kept until sent, and after
 *   confab-store-repair.c  the check of every page; a damaged history's rows salvaged, the
 *                          file moved aside and a fresh one started with them
 */
#pragma once

#include <sqlite3.h>

#include "confab-store.h"

G_BEGIN_DECLS

/* For the tests (confab-store-read.c): every query that reads the history (the newest page,
 * older pages and what a load needs besides), NULL-terminated, with their :name parameters:
 * the tests check their plans. */
const char *const *_confab_store_get_read_queries (void);

typedef enum {
  JOB_SAVE_MESSAGES,
  JOB_SAVE_CONVERSATION,
  JOB_SAVE_RECEIPTS,
  JOB_OUTBOX_PUT,
  JOB_OUTBOX_REMOVE,
  JOB_SAVE_PROFILE,
  JOB_SAVE_AGENT,
  JOB_SAVE_SURVEY,
  JOB_SURVEY_SENT,
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
  gboolean marker;     /* an event of the conversation, not a message: see table markers */
  int event;
  int reason;
  gint64 after;
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
  char *agent;         /* JOB_SAVE_PROFILE, JOB_SAVE_AGENT ("": nobody) */
  char *nickname;      /* JOB_SAVE_PROFILE */
  char *body;          /* JOB_SAVE_SURVEY */
  gint64 sequence;
  guint limit;         /* JOB_LOAD: its newest page; JOB_LOAD_OLDER: the page */
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
  guint first_page_size;   /* messages in a load's newest page (main thread) */
};

/* ConfabStore's signals */
enum {
  SIGNAL_ERROR,
  SIGNAL_PROBLEM,
  N_SIGNALS
};

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

typedef enum {
  CONVERSATION_ACCOUNT,
  CONVERSATION_CONSUMER,
  CONVERSATION_CONVERSATION,
  CONVERSATION_UPDATED,
  CONVERSATION_AGENT,          /* who has it: "" nobody, NULL not known */
  N_CONVERSATION_COLUMNS
} ConversationColumn;

/* The order of an identity's dialogs in its history: the order of their first save. */
typedef enum {
  DIALOG_ACCOUNT,
  DIALOG_CONSUMER,
  DIALOG_DIALOG,
  DIALOG_POSITION,
  N_DIALOG_COLUMNS
} DialogColumn;

/* Which identity of an account wrote last: the highest last_used. */
typedef enum {
  IDENTITY_ACCOUNT,
  IDENTITY_CONSUMER,
  IDENTITY_LAST_USED,
  N_IDENTITY_COLUMNS
} IdentityColumn;

/* The events of a conversation that are rows of it (an agent joined, it closed, a new one
 * began), after the sequence of their dialog they follow: ConfabMessageEvent, and the close
 * reason. */
typedef enum {
  MARKER_ACCOUNT,
  MARKER_CONSUMER,
  MARKER_DIALOG,
  MARKER_AFTER,
  MARKER_TIME,
  MARKER_EVENT,
  MARKER_AGENT,
  MARKER_REASON,
  N_MARKER_COLUMNS
} MarkerColumn;

/* The agents' names, so that a history names who wrote without asking the network. */
typedef enum {
  PROFILE_ACCOUNT,
  PROFILE_AGENT,
  PROFILE_NICKNAME,
  PROFILE_UPDATED,
  N_PROFILE_COLUMNS
} ProfileColumn;

/* The satisfaction surveys answered or skipped (legacy CSAT), one a conversation: what goes
 * to the service, kept until it went and after, as the fact that it was answered. */
typedef enum {
  SURVEY_ACCOUNT,
  SURVEY_CONSUMER,
  SURVEY_CONVERSATION,
  SURVEY_BODY,
  SURVEY_SENT,
  SURVEY_CREATED,
  N_SURVEY_COLUMNS
} SurveyColumn;

/* The tables, in the order a damaged history's are copied: outbox first, so that if anything
 * is copied, the words not sent yet are. */
typedef enum {
  TABLE_OUTBOX,
  TABLE_CONVERSATIONS,
  TABLE_IDENTITIES,
  TABLE_DIALOGS,
  TABLE_EVENTS,
  TABLE_MARKERS,
  TABLE_PROFILES,
  TABLE_SURVEYS,
  N_TABLES
} TableId;

typedef struct
{
  const char *name;
  const char *const *columns;
  guint n_columns;
} Table;

/* The SQL parameter that carries a column in an INSERT built by _confab_store_insert_sql() */
#define PARAM(column) ((int) (column) + 1)

/* confab-store.c */

Job         *_confab_store_job_new           (JobType       type,
                                              const char   *account,
                                              const char   *consumer);
void         _confab_store_job_free          (Job          *job);
/* ::error or ::problem with error (taken), on the thread that created the store; only logged
 * while it closes. */
void         _confab_store_emit_later        (ConfabStore  *self,
                                              guint         signal,
                                              GError       *error);

/* SQL helpers (confab-store.c), on the thread that uses the connection: the store's own, or
 * the creating one before the store's thread starts. */

/* Notes why a step failed, in SQLite's words while they are still about this failure.
 * Always FALSE. */
gboolean     _confab_store_failed            (ConfabStore  *self,
                                              int           rc);
/* The last failure in plain words where there are some */
const char  *_confab_store_failure_reason    (ConfabStore  *self);
/* The file is not (any more) a database SQLite can read: no retry will help. */
gboolean     _confab_store_failure_is_damage (ConfabStore  *self);
gboolean     _confab_store_exec              (ConfabStore  *self,
                                              const char   *sql);
/* After a failure: undoes what the transaction did without hiding why it failed. */
void         _confab_store_rollback          (ConfabStore  *self);
void         _confab_store_bind_text         (sqlite3_stmt *stmt,
                                              int           index,
                                              const char   *text);
/* A parameter written ":name" in the SQL */
int          _confab_store_param             (sqlite3_stmt *stmt,
                                              const char   *name);
/* The one value a query such as "PRAGMA user_version" answers; FALSE if it answers none. */
gboolean     _confab_store_query_int64       (ConfabStore  *self,
                                              const char   *sql,
                                              gint64       *value);
char        *_confab_store_column_text       (sqlite3_stmt *stmt,
                                              int           index);

/* confab-store-schema.c */

const Table *_confab_store_table             (TableId       table);
/* "a, b, c" */
char        *_confab_store_column_list       (const Table  *table);
/* "SELECT a, b, c FROM table tail" */
char        *_confab_store_select_sql        (const Table  *table,
                                              const char   *tail);
/* "INSERT [OR REPLACE] INTO table (a, b, c) VALUES (?1, ?2, ?3) tail" */
char        *_confab_store_insert_sql        (const char   *verb,
                                              const Table  *table,
                                              const char   *tail);
/* The history file, created private to the person if it is not there yet. */
gboolean     _confab_store_create_private    (const char   *path,
                                              GError      **error);
/* Opens self->path; FALSE (the failure noted) when it cannot be read as a database. */
gboolean     _confab_store_open_db           (ConfabStore  *self);
/* Creates the tables, or brings them up to CONFAB_STORE_SCHEMA_VERSION. */
gboolean     _confab_store_migrate           (ConfabStore  *self,
                                              GError      **error);
/* Every dialog of the events gets its place in dialogs, after the others. */
gboolean     _confab_store_place_missing_dialogs (ConfabStore *self);

/* confab-store-read.c: NULL with the failure noted */

ConfabStoreSnapshot *
             _confab_store_run_load          (ConfabStore  *self,
                                              Job          *job);
ConfabStorePage *
             _confab_store_run_load_older    (ConfabStore  *self,
                                              Job          *job);

/* confab-store-write.c: FALSE with the failure noted */

gboolean     _confab_store_run_save_messages (ConfabStore  *self,
                                              Job          *job);
gboolean     _confab_store_run_save_conversation (ConfabStore *self,
                                                  Job         *job);
gboolean     _confab_store_run_save_receipts (ConfabStore  *self,
                                              Job          *job);
/* Synced to the disk before it returns: the person's words. */
gboolean     _confab_store_run_outbox_put    (ConfabStore  *self,
                                              Job          *job);
gboolean     _confab_store_run_outbox_remove (ConfabStore  *self,
                                              Job          *job);
gboolean     _confab_store_run_save_profile  (ConfabStore  *self,
                                              Job          *job);
gboolean     _confab_store_run_save_agent    (ConfabStore  *self,
                                              Job          *job);

/* confab-store-surveys.c: FALSE with the failure noted */

gboolean     _confab_store_run_save_survey   (ConfabStore  *self,
                                              Job          *job);
gboolean     _confab_store_run_survey_sent   (ConfabStore  *self,
                                              Job          *job);
/* Into surveys (of ConfabStoreSurvey): the identity's not sent yet, and conversation_id's. */
gboolean     _confab_store_read_surveys      (ConfabStore  *self,
                                              const char   *account,
                                              const char   *consumer,
                                              const char   *conversation_id,
                                              GPtrArray    *surveys);

/* confab-store-repair.c */

/* The checker's thread (data: the store): its verdict comes back as a JOB_CHECKED. */
gpointer     _confab_store_checker           (gpointer      data);
/* The checker's verdict, on the store's thread; FALSE (the failure noted) when the file it
 * checked, still the history, is damaged or could not be read. */
gboolean     _confab_store_run_checked       (ConfabStore  *self,
                                              Job          *job);
/* The history cannot be read (any more): keeps what can be read of it, moves the file aside
 * untouched and goes on with a fresh one holding the copy. FALSE: there is no database. */
gboolean     _confab_store_set_aside         (ConfabStore  *self,
                                              GError      **error);
/* A step failed on a damaged file: moves it aside and says whether the job may be tried
 * again on the fresh one. */
gboolean     _confab_store_recover           (ConfabStore  *self);

G_END_DECLS
