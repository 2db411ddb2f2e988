/* test-store-senders.c: who said what, on disk: the agents' names, whom a conversation is
 * with, the rows for a conversation's events, and a version 3 history migrated to keep them
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "store-test-util.h"

#define OTHER_AGENT "agent-9"

static ConfabMessage *
marker (ConfabMessageEvent event,
        const char        *dialog,
        gint64             after)
{
  return confab_message_new_event (event, dialog, after, 1700000000000 + after, AGENT,
                                   event == CONFAB_MESSAGE_EVENT_CLOSED ? CONFAB_CLOSE_REASON_TIMEOUT
                                                                        : CONFAB_CLOSE_REASON_NONE);
}

static void
save (ConfabStore *store,
      GPtrArray   *batch)
{
  confab_store_save_messages (store, ACCOUNT, CONSUMER, batch);
  confab_store_flush (store);
  g_ptr_array_set_size (batch, 0);
}

static char *
keys_of (GPtrArray *messages,
         guint      from,
         guint      to)
{
  g_autoptr(GString) keys = g_string_new (NULL);

  for (guint i = from; i < to && i < messages->len; i++)
    {
      g_autofree char *key = store_test_key_of (g_ptr_array_index (messages, i));

      g_string_append_printf (keys, "%s%s", keys->len > 0 ? " " : "", key);
    }
  return g_strdup (keys->str);
}

/* The first row of a page that is a message: where the page before it ends. */
static ConfabMessage *
first_message (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    if (!confab_message_is_event (g_ptr_array_index (messages, i)))
      return g_ptr_array_index (messages, i);
  g_assert_not_reached ();
}

/* Events come with the page that holds the message they follow, each right after it; those
 * before a dialog's first message come with that message, and no page brings one twice. */
static void
test_events_in_pages (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(ConfabStorePage) middle = NULL;
  g_autoptr(ConfabStorePage) oldest = NULL;
  ConfabStore *store = confab_store_new (path, &error);
  guint n_events = 0;
  g_autofree char *keys = NULL;

  g_assert_no_error (error);
  for (gint64 i = 0; i < 150; i++)
    g_ptr_array_add (batch, store_test_message ("c1", i, FALSE));
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_AGENT_JOINED, "c1", -1));
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_AGENT_JOINED, "c1", 10));
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_AGENT_JOINED, "c1", 89));
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_AGENT_JOINED, "c1", 90));
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_CLOSED, "c1", 149));
  save (store, batch);
  /* a second conversation: its first row is an event */
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_NEW_CONVERSATION, "c2", -1));
  for (gint64 i = 0; i < 10; i++)
    g_ptr_array_add (batch, store_test_message ("c2", i, FALSE));
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_CLOSED, "c2", 9));
  /* saved twice: kept once */
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_CLOSED, "c2", 9));
  save (store, batch);

  snapshot = store_test_load (store, CONSUMER);
  g_assert_true (snapshot->has_older);
  /* 60 messages: c1/100…c1/149 and c2's ten, with the events among them */
  g_assert_cmpuint (snapshot->messages->len, ==, 60 + 3);
  keys = keys_of (snapshot->messages, 48, 52);
  g_assert_cmpstr (keys, ==, "c1/148 c1/149 c1+149:2 c2+-1:3");
  g_clear_pointer (&keys, g_free);
  keys = keys_of (snapshot->messages, 61, 63);
  g_assert_cmpstr (keys, ==, "c2/9 c2+9:2");
  g_clear_pointer (&keys, g_free);
  g_assert_cmpint (confab_message_get_close_reason (g_ptr_array_index (snapshot->messages, 62)), ==,
                   CONFAB_CLOSE_REASON_TIMEOUT);
  g_assert_cmpstr (confab_message_get_originator_id (g_ptr_array_index (snapshot->messages, 62)), ==, AGENT);

  middle = store_test_load_older (store, CONSUMER, first_message (snapshot->messages), 60);
  g_assert_true (middle->has_older);
  g_assert_cmpuint (middle->messages->len, ==, 60 + 2);
  keys = keys_of (middle->messages, 48, 53);
  g_assert_cmpstr (keys, ==, "c1/88 c1/89 c1+89:1 c1/90 c1+90:1");
  g_clear_pointer (&keys, g_free);
  g_assert_cmpint (confab_message_get_sequence (g_ptr_array_index (middle->messages, 61)), ==, 99);

  oldest = store_test_load_older (store, CONSUMER, first_message (middle->messages), 60);
  g_assert_false (oldest->has_older);
  g_assert_cmpuint (oldest->messages->len, ==, 40 + 2);
  keys = keys_of (oldest->messages, 0, 2);
  g_assert_cmpstr (keys, ==, "c1+-1:1 c1/0");
  g_clear_pointer (&keys, g_free);
  keys = keys_of (oldest->messages, 10, 13);
  g_assert_cmpstr (keys, ==, "c1/9 c1/10 c1+10:1");

  for (guint i = 0; i < snapshot->messages->len; i++)
    n_events += confab_message_is_event (g_ptr_array_index (snapshot->messages, i));
  for (guint i = 0; i < middle->messages->len; i++)
    n_events += confab_message_is_event (g_ptr_array_index (middle->messages, i));
  for (guint i = 0; i < oldest->messages->len; i++)
    n_events += confab_message_is_event (g_ptr_array_index (oldest->messages, i));
  g_assert_cmpuint (n_events, ==, 7);

  g_object_unref (store);
  store_test_remove_db (path);
}

/* The agents' names are the account's, whoever's history it is; whom a conversation is
 * with is known of that conversation only. */
static void
test_profiles_and_agent (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  ConfabStore *store = confab_store_new (path, &error);

  g_assert_no_error (error);
  confab_store_save_profile (store, ACCOUNT, AGENT, "Dana");
  confab_store_save_profile (store, ACCOUNT, OTHER_AGENT, "Alex");
  confab_store_save_profile (store, "another-account", "agent-x", "Kim");
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");
  confab_store_flush (store);

  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpuint (g_hash_table_size (snapshot->profiles), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (snapshot->profiles, AGENT), ==, "Dana");
  g_assert_cmpstr (g_hash_table_lookup (snapshot->profiles, OTHER_AGENT), ==, "Alex");
  /* not known yet */
  g_assert_null (snapshot->agent_id);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  /* nobody yet, then Dana; a nickname that changed replaces the old one */
  confab_store_save_conversation_agent (store, ACCOUNT, CONSUMER, "c1", NULL);
  confab_store_flush (store);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpstr (snapshot->agent_id, ==, "");
  g_clear_pointer (&snapshot, confab_store_snapshot_free);
  confab_store_save_conversation_agent (store, ACCOUNT, CONSUMER, "c1", AGENT);
  /* about another conversation than the current one: nothing changes */
  confab_store_save_conversation_agent (store, ACCOUNT, CONSUMER, "c0", OTHER_AGENT);
  confab_store_save_profile (store, ACCOUNT, AGENT, "Dana W.");
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");
  confab_store_flush (store);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpstr (snapshot->agent_id, ==, AGENT);
  g_assert_cmpstr (g_hash_table_lookup (snapshot->profiles, AGENT), ==, "Dana W.");
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  /* a new conversation: whom it is with is not known from the old one */
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c2");
  confab_store_flush (store);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpstr (snapshot->conversation_id, ==, "c2");
  g_assert_null (snapshot->agent_id);

  g_object_unref (store);
  store_test_remove_db (path);
}

/* A history written by a Confab of schema version 3 (the one before names and events) is
 * opened by this one: migrated to the current version, its messages as they were, and it
 * keeps names and events from then on. */
static void
test_migrates_version_3 (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sql = g_string_new (NULL);
  ConfabStore *store;

  /* the schema of version 3, as that Confab made it */
  g_string_append (sql,
                   "PRAGMA journal_mode = WAL;"
                   "BEGIN;"
                   STORE_TEST_V1_TABLES
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
                   "ALTER TABLE events ADD COLUMN payload TEXT;"
                   "ALTER TABLE outbox ADD COLUMN payload TEXT;"
                   "PRAGMA user_version = 3;");
  for (guint i = 0; i < 5; i++)
    g_string_append_printf (sql,
                            "INSERT INTO events (account, consumer, dialog, sequence, conversation, originator, role,"
                            " server_time, content_type, text, accept_sent, read_sent)"
                            " VALUES ('" ACCOUNT "', '" CONSUMER "', 'c1', %u, 'c1', '" AGENT "', %d, %u,"
                            " 'text/plain', 'c1/%u', 1, 1);",
                            i, CONFAB_ROLE_ASSIGNED_AGENT, 1000 + i, i);
  g_string_append (sql,
                   "INSERT INTO dialogs VALUES ('" ACCOUNT "', '" CONSUMER "', 'c1', 1);"
                   "INSERT INTO identities VALUES ('" ACCOUNT "', '" CONSUMER "', 1);"
                   "INSERT INTO conversations VALUES ('" ACCOUNT "', '" CONSUMER "', 'c1', 200);"
                   "COMMIT;");
  store_test_exec (path, sql->str);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpstr (snapshot->conversation_id, ==, "c1");
  g_assert_cmpuint (snapshot->messages->len, ==, 5);
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 4)), ==, "c1/4");
  g_assert_cmpuint (g_hash_table_size (snapshot->profiles), ==, 0);
  /* whom it was with: not known in version 3 */
  g_assert_null (snapshot->agent_id);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);

  /* names, the agent and events stay from now on */
  confab_store_save_profile (store, ACCOUNT, AGENT, "Dana");
  confab_store_save_conversation_agent (store, ACCOUNT, CONSUMER, "c1", AGENT);
  g_ptr_array_add (batch, marker (CONFAB_MESSAGE_EVENT_CLOSED, "c1", 4));
  save (store, batch);
  g_object_unref (store);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = store_test_load (store, CONSUMER);
  g_assert_cmpuint (snapshot->messages->len, ==, 6);
  g_assert_cmpint (confab_message_get_event (g_ptr_array_index (snapshot->messages, 5)), ==, CONFAB_MESSAGE_EVENT_CLOSED);
  g_assert_cmpstr (g_hash_table_lookup (snapshot->profiles, AGENT), ==, "Dana");
  g_assert_cmpstr (snapshot->agent_id, ==, AGENT);
  g_object_unref (store);

  g_assert_cmpint (store_test_query_int (path, "PRAGMA user_version"), ==, CONFAB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (CONFAB_STORE_SCHEMA_VERSION, >=, 4);

  store_test_remove_db (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/store/senders/events-in-pages", test_events_in_pages);
  g_test_add_func ("/core/store/senders/profiles-and-agent", test_profiles_and_agent);
  g_test_add_func ("/core/store/migration/from-version-3", test_migrates_version_3);

  return g_test_run ();
}
