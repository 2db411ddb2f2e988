/* store-test-util.h: what the ConfabStore tests share
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>

#include "confab-test-util.h"
#include "confab-store.h"

#define ACCOUNT "acc"
#define CONSUMER "me"

/* A path for history.db in a folder of its own that does not exist yet. */
static inline char *
store_test_temp_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-store-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "sub", "history.db", NULL);
}

/* Everything store_test_temp_db() and the store made: the database, its journals and
 * whatever was set aside next to it. */
static inline void
store_test_remove_db (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_chmod (dir, 0700);
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_rmdir (dir);
  g_assert_cmpint (g_rmdir (parent), ==, 0);
}

static inline void
store_test_load_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConfabStoreSnapshot **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = confab_store_load_finish (CONFAB_STORE (object), result, &error);
  g_assert_no_error (error);
}

/* What the store holds for (ACCOUNT, consumer), read as the session reads it. */
static inline ConfabStoreSnapshot *
store_test_load (ConfabStore *store,
                 const char  *consumer)
{
  ConfabStoreSnapshot *snapshot = NULL;

  confab_store_load_async (store, ACCOUNT, consumer, NULL, store_test_load_cb, &snapshot);
  CONFAB_TEST_WAIT_UNTIL (snapshot != NULL, 10000);
  return snapshot;
}

static inline void
store_test_load_older_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  ConfabStorePage **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = confab_store_load_older_finish (CONFAB_STORE (object), result, &error);
  g_assert_no_error (error);
}

/* The page of at most limit messages before message, read as the session reads it. */
static inline ConfabStorePage *
store_test_load_older (ConfabStore   *store,
                       const char    *consumer,
                       ConfabMessage *message,
                       guint          limit)
{
  ConfabStorePage *page = NULL;

  confab_store_load_older_async (store, ACCOUNT, consumer, confab_message_get_dialog_id (message),
                                 confab_message_get_sequence (message), limit, NULL,
                                 store_test_load_older_cb, &page);
  CONFAB_TEST_WAIT_UNTIL (page != NULL, 10000);
  return page;
}

/* The snapshot with the whole history in its messages: the newest page, then every older
 * one put before it. */
static inline ConfabStoreSnapshot *
store_test_load_all (ConfabStore *store,
                     const char  *consumer)
{
  ConfabStoreSnapshot *snapshot = store_test_load (store, consumer);
  gboolean has_older = snapshot->has_older;

  while (has_older)
    {
      ConfabStorePage *page = store_test_load_older (store, consumer, g_ptr_array_index (snapshot->messages, 0),
                                                     CONFAB_STORE_PAGE_SIZE);

      g_assert_cmpuint (page->messages->len, >, 0);
      has_older = page->has_older;
      g_ptr_array_extend_and_steal (page->messages, g_steal_pointer (&snapshot->messages));
      snapshot->messages = g_steal_pointer (&page->messages);
      confab_store_page_free (page);
    }
  snapshot->has_older = FALSE;
  return snapshot;
}

/* An own message written now, with its local id, put in the outbox. */
static inline ConfabMessage *
store_test_put (ConfabStore *store,
                const char  *text)
{
  g_autoptr(GError) error = NULL;
  ConfabMessage *message = confab_message_new_outgoing (text, g_get_real_time () / 1000);

  confab_message_set_local_id (message, confab_store_next_local_id (store));
  g_assert_true (confab_store_outbox_put (store, ACCOUNT, CONSUMER, message, &error));
  g_assert_no_error (error);
  return message;
}

#define AGENT "agent-7"

/* A text message of dialog (its conversation too) at sequence, "dialog/sequence" its text:
 * the person's own, sent, or the agent's. */
static inline ConfabMessage *
store_test_message (const char *dialog,
                    gint64      sequence,
                    gboolean    own)
{
  g_autofree char *text = g_strdup_printf ("%s/%" G_GINT64_FORMAT, dialog, sequence);
  ConfabMessageFields fields = {
    .dialog_id = dialog, .conversation_id = dialog, .originator_id = own ? CONSUMER : AGENT,
    .content_type = "text/plain", .text = text, .sequence = sequence,
    .server_time = 1700000000000 + sequence, .own = own,
    .role = own ? CONFAB_ROLE_CONSUMER : CONFAB_ROLE_ASSIGNED_AGENT,
    .delivery_state = own ? CONFAB_DELIVERY_SENT : CONFAB_DELIVERY_QUEUED,
  };

  return confab_message_new (&fields);
}

/* "dialog/sequence" for a message, "dialog+after:event" for an event */
static inline char *
store_test_key_of (ConfabMessage *m)
{
  if (confab_message_is_event (m))
    return g_strdup_printf ("%s+%" G_GINT64_FORMAT ":%d", confab_message_get_dialog_id (m),
                            confab_message_get_after_sequence (m), confab_message_get_event (m));
  return g_strdup_printf ("%s/%" G_GINT64_FORMAT, confab_message_get_dialog_id (m), confab_message_get_sequence (m));
}

/* The tables of Confab's first history, schema version 1, as it made them: where the
 * migration tests start from. */
#define STORE_TEST_V1_TABLES \
  "CREATE TABLE events (account TEXT NOT NULL, consumer TEXT NOT NULL, dialog TEXT NOT NULL,"         \
  " sequence INTEGER NOT NULL, conversation TEXT, originator TEXT, role INTEGER NOT NULL DEFAULT 0,"  \
  " own INTEGER NOT NULL DEFAULT 0, server_time INTEGER NOT NULL DEFAULT 0, content_type TEXT,"       \
  " text TEXT, placeholder INTEGER NOT NULL DEFAULT 0, delivery INTEGER NOT NULL DEFAULT 0,"          \
  " accept_sent INTEGER NOT NULL DEFAULT 0, read_sent INTEGER NOT NULL DEFAULT 0,"                    \
  " local_id INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account, consumer, dialog, sequence));"         \
  "CREATE TABLE outbox (local_id INTEGER PRIMARY KEY, account TEXT NOT NULL, consumer TEXT NOT NULL," \
  " text TEXT NOT NULL, created INTEGER NOT NULL, attempted INTEGER NOT NULL DEFAULT 0,"              \
  " failed INTEGER NOT NULL DEFAULT 0);"                                                              \
  "CREATE TABLE conversations (account TEXT NOT NULL, consumer TEXT NOT NULL,"                        \
  " conversation TEXT NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY (account, consumer));"

#ifdef SQLITE_VERSION
/* A full disk, played by SQLite's page limit, for the tests that include <sqlite3.h> first:
 * main() installs store_test_limit_pages with sqlite3_auto_extension(), and every connection
 * opened while a limit is set may not grow past it. */
static inline int *
store_test_max_pages (void)
{
  static int max_pages;

  return &max_pages;
}

/* 0: no limit */
static inline void
store_test_set_max_pages (int max_pages)
{
  *store_test_max_pages () = max_pages;
}

static inline int
store_test_limit_pages (sqlite3                     *db,
                        const char                 **message,
                        const sqlite3_api_routines  *api)
{
  int max_pages = *store_test_max_pages ();

  if (max_pages > 0)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %d", max_pages);

      sqlite3_exec (db, sql, NULL, NULL, NULL);
    }
  return SQLITE_OK;
}

/* Runs the statements of sql on the database at path, made with its folder when there is
 * none: a history as an older Confab wrote it. */
static inline void
store_test_exec (const char *path,
                 const char *sql)
{
  g_autofree char *dir = g_path_get_dirname (path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* The first column of the first row query answers on the database at path. */
static inline int
store_test_query_int (const char *path,
                      const char *query)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  int value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* How many pages the database at path has now. */
static inline int
store_test_page_count (const char *path)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  int count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}
#endif
