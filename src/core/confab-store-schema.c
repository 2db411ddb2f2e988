/* confab-store-schema.c: the history's tables, created and brought up to this version
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabStore (see confab-store-private.h).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "confab-store-private.h"

/* The names of each table's columns, in the order of their enum in confab-store-private.h */

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

static const char *const conversation_columns[N_CONVERSATION_COLUMNS] = {
  [CONVERSATION_ACCOUNT] = "account",
  [CONVERSATION_CONSUMER] = "consumer",
  [CONVERSATION_CONVERSATION] = "conversation",
  [CONVERSATION_UPDATED] = "updated",
  [CONVERSATION_AGENT] = "agent",
};

static const char *const dialog_columns[N_DIALOG_COLUMNS] = {
  [DIALOG_ACCOUNT] = "account",
  [DIALOG_CONSUMER] = "consumer",
  [DIALOG_DIALOG] = "dialog",
  [DIALOG_POSITION] = "position",
};

static const char *const identity_columns[N_IDENTITY_COLUMNS] = {
  [IDENTITY_ACCOUNT] = "account",
  [IDENTITY_CONSUMER] = "consumer",
  [IDENTITY_LAST_USED] = "last_used",
};

static const char *const marker_columns[N_MARKER_COLUMNS] = {
  [MARKER_ACCOUNT] = "account",
  [MARKER_CONSUMER] = "consumer",
  [MARKER_DIALOG] = "dialog",
  [MARKER_AFTER] = "after_sequence",
  [MARKER_TIME] = "time",
  [MARKER_EVENT] = "event",
  [MARKER_AGENT] = "agent",
  [MARKER_REASON] = "reason",
};

static const char *const profile_columns[N_PROFILE_COLUMNS] = {
  [PROFILE_ACCOUNT] = "account",
  [PROFILE_AGENT] = "agent",
  [PROFILE_NICKNAME] = "nickname",
  [PROFILE_UPDATED] = "updated",
};

static const char *const survey_columns[N_SURVEY_COLUMNS] = {
  [SURVEY_ACCOUNT] = "account",
  [SURVEY_CONSUMER] = "consumer",
  [SURVEY_CONVERSATION] = "conversation",
  [SURVEY_BODY] = "body",
  [SURVEY_SENT] = "sent",
  [SURVEY_CREATED] = "created",
};

static const Table tables[N_TABLES] = {
  [TABLE_OUTBOX] = { "outbox", outbox_columns, N_OUTBOX_COLUMNS },
  [TABLE_CONVERSATIONS] = { "conversations", conversation_columns, N_CONVERSATION_COLUMNS },
  [TABLE_IDENTITIES] = { "identities", identity_columns, N_IDENTITY_COLUMNS },
  [TABLE_DIALOGS] = { "dialogs", dialog_columns, N_DIALOG_COLUMNS },
  [TABLE_EVENTS] = { "events", event_columns, N_EVENT_COLUMNS },
  [TABLE_MARKERS] = { "markers", marker_columns, N_MARKER_COLUMNS },
  [TABLE_PROFILES] = { "profiles", profile_columns, N_PROFILE_COLUMNS },
  [TABLE_SURVEYS] = { "surveys", survey_columns, N_SURVEY_COLUMNS },
};

const Table *
_confab_store_table (TableId table)
{
  g_assert (table < N_TABLES);
  return &tables[table];
}

char *
_confab_store_column_list (const Table *table)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", table->columns[i]);
  return g_string_free (list, FALSE);
}

char *
_confab_store_select_sql (const Table *table,
                          const char  *tail)
{
  g_autofree char *list = _confab_store_column_list (table);

  return g_strdup_printf ("SELECT %s FROM %s %s", list, table->name, tail);
}

char *
_confab_store_insert_sql (const char  *verb,
                          const Table *table,
                          const char  *tail)
{
  g_autofree char *list = _confab_store_column_list (table);
  g_autoptr(GString) values = g_string_new (NULL);

  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (values, "%s?%d", i > 0 ? ", " : "", PARAM (i));
  return g_strdup_printf ("%s INTO %s (%s) VALUES (%s) %s", verb, table->name, list, values->str, tail);
}

/* Versions and migrations */

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

/* Version 1: messages, the outbox and each identity's conversation. */
static const char schema_version_1[] =
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
  "COMMIT;";

/* Version 2: pages. The whole conversation is no longer read by its id, so that index
 * goes; the order of dialogs is kept, and what a load needs besides the page has an
 * index of its own: the agent's messages not acknowledged, the agent's messages and
 * whether they were read (for the unread ones before a page), own messages by local id
 * (the outbox minus what reached the history). */
static const char schema_version_2[] =
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
  "COMMIT;";

/* Version 3: rich messages. What a message holds beyond its text (structured content,
 * quick replies, a file, metadata; for an own reply, what it answers), as JSON. */
static const char schema_version_3[] =
  "BEGIN;"
  "ALTER TABLE events ADD COLUMN payload TEXT;"
  "ALTER TABLE outbox ADD COLUMN payload TEXT;"
  "PRAGMA user_version = 3;"
  "COMMIT;";

/* Version 4: who said what. The agents' names, whom each conversation is with, and the rows
 * for what happened to a conversation (an agent joined, it closed, a new one began), in
 * their dialog after the sequence they follow. */
static const char schema_version_4[] =
  "BEGIN;"
  "CREATE TABLE markers (account TEXT NOT NULL, consumer TEXT NOT NULL, dialog TEXT NOT NULL,"
  " after_sequence INTEGER NOT NULL, time INTEGER NOT NULL, event INTEGER NOT NULL, agent TEXT,"
  " reason INTEGER NOT NULL DEFAULT 0,"
  " PRIMARY KEY (account, consumer, dialog, after_sequence, time, event));"
  "CREATE TABLE profiles (account TEXT NOT NULL, agent TEXT NOT NULL, nickname TEXT NOT NULL,"
  " updated INTEGER NOT NULL, PRIMARY KEY (account, agent));"
  "ALTER TABLE conversations ADD COLUMN agent TEXT;"
  "PRAGMA user_version = 4;"
  "COMMIT;";

/* Version 5: the satisfaction survey of each conversation, answered or skipped: whether it
 * was, so that it is never asked twice, and what to send while it has not gone yet. */
static const char schema_version_5[] =
  "BEGIN;"
  "CREATE TABLE surveys (account TEXT NOT NULL, consumer TEXT NOT NULL, conversation TEXT NOT NULL,"
  " body TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
  " PRIMARY KEY (account, consumer, conversation));"
  "PRAGMA user_version = 5;"
  "COMMIT;";

gboolean
_confab_store_migrate (ConfabStore  *self,
                       GError      **error)
{
  gint64 version = 0;

  if (!_confab_store_query_int64 (self, "PRAGMA user_version", &version))
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not read the history: %s"), _confab_store_failure_reason (self));
      return FALSE;
    }
  if (version > CONFAB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_VERSION,
                   _("The history was written by a newer Confab (version %d)"), (int) version);
      return FALSE;
    }

  if (version < 1 && !_confab_store_exec (self, schema_version_1))
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not create the history: %s"), _confab_store_failure_reason (self));
      _confab_store_rollback (self);
      return FALSE;
    }

  if ((version < 2 && !_confab_store_exec (self, schema_version_2)) ||
      (version < 3 && !_confab_store_exec (self, schema_version_3)) ||
      (version < 4 && !_confab_store_exec (self, schema_version_4)) ||
      (version < 5 && !_confab_store_exec (self, schema_version_5)))
    {
      g_set_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_OPEN,
                   _("Could not update the history to this version of Confab: %s"),
                   _confab_store_failure_reason (self));
      _confab_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

gboolean
_confab_store_place_missing_dialogs (ConfabStore *self)
{
  return _confab_store_exec (self, PLACE_MISSING_DIALOGS);
}

/* Opening the file */

/* The history file, created private to the person if it is not there yet (SQLite would
 * create it readable by everyone); its journals take its permissions. */
gboolean
_confab_store_create_private (const char  *path,
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
gboolean
_confab_store_open_db (ConfabStore *self)
{
  int rc = sqlite3_open_v2 (self->path, &self->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      _confab_store_failed (self, rc);
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }
  sqlite3_busy_timeout (self->db, 2000);
  return _confab_store_exec (self, "PRAGMA journal_mode = WAL") &&
         _confab_store_exec (self, "PRAGMA synchronous = NORMAL");
}
