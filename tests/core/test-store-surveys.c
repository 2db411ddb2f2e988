/* test-store-surveys.c: the satisfaction surveys answered, kept until sent and after, and a
 * version 4 history migrated to keep them
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "store-test-util.h"

static const ConfabStoreSurvey *
find_survey (ConfabStoreSnapshot *snapshot,
             const char          *conversation_id)
{
  for (guint i = 0; i < snapshot->surveys->len; i++)
    {
      const ConfabStoreSurvey *survey = g_ptr_array_index (snapshot->surveys, i);

      if (g_strcmp0 (survey->conversation_id, conversation_id) == 0)
        return survey;
    }
  return NULL;
}

/* An answer is kept until sent; once sent, only the current conversation's is read back
 * (whether it was answered), older ones are not. The first answer stands. */
static void
test_kept_until_sent (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  const ConfabStoreSurvey *survey;
  ConfabStore *store;

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");
  confab_store_save_survey (store, ACCOUNT, CONSUMER, "c1", "{\"rate\":4}");
  confab_store_save_survey (store, ACCOUNT, CONSUMER, "c1", "{\"rate\":1}");
  confab_store_save_survey (store, ACCOUNT, "someone-else", "c9", "{}");
  confab_store_flush (store);
  g_object_unref (store);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpuint (snapshot->surveys->len, ==, 1);
  survey = find_survey (snapshot, "c1");
  g_assert_nonnull (survey);
  g_assert_cmpstr (survey->body, ==, "{\"rate\":4}");
  g_assert_false (survey->sent);
  g_assert_cmpint (survey->created, >, 0);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  /* sent: still answered while it is the current conversation */
  confab_store_survey_sent (store, ACCOUNT, CONSUMER, "c1");
  confab_store_flush (store);
  snapshot = store_test_load (store, CONSUMER);
  survey = find_survey (snapshot, "c1");
  g_assert_nonnull (survey);
  g_assert_true (survey->sent);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  /* a new conversation: the old one, sent, is not read any more; one not sent still is */
  confab_store_save_survey (store, ACCOUNT, CONSUMER, "c2", "{\"rate\":2}");
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c3");
  confab_store_flush (store);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpuint (snapshot->surveys->len, ==, 1);
  g_assert_nonnull (find_survey (snapshot, "c2"));
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  g_object_unref (store);
  store_test_remove_db (path);
}

/* A history written by a Confab of schema version 4 (the one before surveys were kept) is
 * opened by this one: migrated, its conversation as it was, with no survey answered, and it
 * keeps them from then on. */
static void
test_migrates_version_4 (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  ConfabStore *store;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* the schema of version 4, as that Confab made it */
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA journal_mode = WAL;"
                                 "BEGIN;"
                                 "CREATE TABLE events (account TEXT NOT NULL, consumer TEXT NOT NULL, dialog TEXT NOT NULL,"
                                 " sequence INTEGER NOT NULL, conversation TEXT, originator TEXT, role INTEGER NOT NULL DEFAULT 0,"
                                 " own INTEGER NOT NULL DEFAULT 0, server_time INTEGER NOT NULL DEFAULT 0, content_type TEXT,"
                                 " text TEXT, placeholder INTEGER NOT NULL DEFAULT 0, delivery INTEGER NOT NULL DEFAULT 0,"
                                 " accept_sent INTEGER NOT NULL DEFAULT 0, read_sent INTEGER NOT NULL DEFAULT 0,"
                                 " local_id INTEGER NOT NULL DEFAULT 0, payload TEXT,"
                                 " PRIMARY KEY (account, consumer, dialog, sequence));"
                                 "CREATE TABLE outbox (local_id INTEGER PRIMARY KEY, account TEXT NOT NULL, consumer TEXT NOT NULL,"
                                 " text TEXT NOT NULL, created INTEGER NOT NULL, attempted INTEGER NOT NULL DEFAULT 0,"
                                 " failed INTEGER NOT NULL DEFAULT 0, payload TEXT);"
                                 "CREATE TABLE conversations (account TEXT NOT NULL, consumer TEXT NOT NULL,"
                                 " conversation TEXT NOT NULL, updated INTEGER NOT NULL, agent TEXT,"
                                 " PRIMARY KEY (account, consumer));"
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
                                 "CREATE TABLE markers (account TEXT NOT NULL, consumer TEXT NOT NULL, dialog TEXT NOT NULL,"
                                 " after_sequence INTEGER NOT NULL, time INTEGER NOT NULL, event INTEGER NOT NULL, agent TEXT,"
                                 " reason INTEGER NOT NULL DEFAULT 0,"
                                 " PRIMARY KEY (account, consumer, dialog, after_sequence, time, event));"
                                 "CREATE TABLE profiles (account TEXT NOT NULL, agent TEXT NOT NULL, nickname TEXT NOT NULL,"
                                 " updated INTEGER NOT NULL, PRIMARY KEY (account, agent));"
                                 "PRAGMA user_version = 4;"
                                 "INSERT INTO identities VALUES ('" ACCOUNT "', '" CONSUMER "', 1);"
                                 "INSERT INTO conversations VALUES ('" ACCOUNT "', '" CONSUMER "', 'c1', 200, 'agent-1');"
                                 "COMMIT;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpstr (snapshot->conversation_id, ==, "c1");
  g_assert_cmpstr (snapshot->agent_id, ==, "agent-1");
  g_assert_nonnull (snapshot->surveys);
  g_assert_cmpuint (snapshot->surveys->len, ==, 0);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  confab_store_save_survey (store, ACCOUNT, CONSUMER, "c1", "{}");
  confab_store_flush (store);
  g_object_unref (store);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_nonnull (find_survey (snapshot, "c1"));
  g_object_unref (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, CONFAB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (CONFAB_STORE_SCHEMA_VERSION, >=, 5);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  store_test_remove_db (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/store/surveys/kept-until-sent", test_kept_until_sent);
  g_test_add_func ("/core/store/migration/from-version-4", test_migrates_version_4);

  return g_test_run ();
}
