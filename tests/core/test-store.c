/* test-store.c: ConfabStore keeps history and outbox across restarts
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "store-test-util.h"

static ConfabMessage *
received (const char *dialog,
          gint64      sequence,
          const char *originator,
          const char *text)
{
  ConfabMessagingChange change = { 0 };

  change.sequence = sequence;
  change.server_timestamp = 1700000000000 + sequence;
  change.originator_id = (char *) originator;
  change.dialog_id = (char *) dialog;
  change.conversation_id = (char *) dialog;
  change.type = CONFAB_EVENT_CONTENT;
  change.content_type = (char *) "text/plain";
  change.text = (char *) text;
  change.role = CONFAB_ROLE_ASSIGNED_AGENT;
  return confab_message_new_from_change (&change, CONSUMER);
}

static ConfabStoreSnapshot *
load (ConfabStore *store,
      const char  *consumer)
{
  return store_test_load (store, consumer);
}

static void
test_store_round_trip (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabMessage) queued = confab_message_new_outgoing ("not sent yet", 1700000000500);
  g_autoptr(ConfabMessage) failed = confab_message_new_outgoing ("refused", 1700000000600);
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(ConfabStoreSnapshot) other = NULL;
  ConfabStore *store;
  ConfabMessage *mine;

  store = confab_store_new (path, &error);
  g_assert_no_error (error);

  g_ptr_array_add (messages, received ("c1", 0, "agent", "Hello <there> & welcome"));
  g_ptr_array_add (messages, received ("c1", 1, CONSUMER, "hi"));
  mine = g_ptr_array_index (messages, 1);
  confab_message_advance_delivery (mine, CONFAB_DELIVERY_READ);
  confab_message_set_accept_sent (g_ptr_array_index (messages, 0), TRUE);
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");
  confab_store_save_messages (store, ACCOUNT, CONSUMER, messages);

  confab_message_set_local_id (queued, confab_store_next_local_id (store));
  confab_message_set_attempted (queued, TRUE);
  g_assert_true (confab_store_outbox_put (store, ACCOUNT, CONSUMER, queued, &error));
  confab_message_set_local_id (failed, confab_store_next_local_id (store));
  confab_message_advance_delivery (failed, CONFAB_DELIVERY_SENDING);
  confab_message_fail (failed);
  g_assert_true (confab_store_outbox_put (store, ACCOUNT, CONSUMER, failed, &error));
  g_assert_cmpint (confab_message_get_local_id (failed), >, confab_message_get_local_id (queued));

  /* closing writes everything asked for */
  g_object_unref (store);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = load (store, CONSUMER);
  g_assert_cmpstr (snapshot->conversation_id, ==, "c1");
  g_assert_cmpuint (snapshot->messages->len, ==, 2);
  {
    ConfabMessage *a = g_ptr_array_index (snapshot->messages, 0);
    ConfabMessage *b = g_ptr_array_index (snapshot->messages, 1);

    g_assert_cmpstr (confab_message_get_text (a), ==, "Hello <there> & welcome");
    g_assert_false (confab_message_get_own (a));
    g_assert_true (confab_message_get_accept_sent (a));
    g_assert_false (confab_message_get_read_sent (a));
    g_assert_cmpint (confab_message_get_server_time (a), ==, 1700000000000);
    g_assert_true (confab_message_get_own (b));
    g_assert_cmpint (confab_message_get_delivery_state (b), ==, CONFAB_DELIVERY_READ);
    g_assert_cmpint (confab_message_get_sequence (b), ==, 1);
    g_assert_cmpstr (confab_message_get_dialog_id (b), ==, "c1");
  }
  g_assert_cmpuint (snapshot->outbox->len, ==, 2);
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->outbox, 0)), ==, "not sent yet");
  g_assert_true (confab_message_get_attempted (g_ptr_array_index (snapshot->outbox, 0)));
  g_assert_cmpint (confab_message_get_delivery_state (g_ptr_array_index (snapshot->outbox, 0)), ==, CONFAB_DELIVERY_QUEUED);
  g_assert_cmpint (confab_message_get_delivery_state (g_ptr_array_index (snapshot->outbox, 1)), ==, CONFAB_DELIVERY_FAILED);

  /* sent: out of the outbox; a state never goes back when saved again */
  confab_store_outbox_remove (store, confab_message_get_local_id (queued));
  confab_message_set_read_sent (g_ptr_array_index (snapshot->messages, 0), TRUE);
  confab_store_save_messages (store, ACCOUNT, CONSUMER, snapshot->messages);
  g_ptr_array_set_size (messages, 0);
  g_ptr_array_add (messages, received ("c1", 1, CONSUMER, "hi"));  /* only SENT */
  confab_store_save_messages (store, ACCOUNT, CONSUMER, messages);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);
  snapshot = load (store, CONSUMER);
  g_assert_cmpuint (snapshot->outbox->len, ==, 1);
  g_assert_true (confab_message_get_read_sent (g_ptr_array_index (snapshot->messages, 0)));
  g_assert_cmpint (confab_message_get_delivery_state (g_ptr_array_index (snapshot->messages, 1)), ==, CONFAB_DELIVERY_READ);

  /* A queued message whose echo was saved as history is no longer waiting, even if the
   * outbox was never told (Confab quit first). */
  {
    ConfabMessage *waiting = g_ptr_array_index (snapshot->outbox, 0);
    g_autoptr(GPtrArray) echo = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(ConfabStoreSnapshot) after = NULL;
    ConfabMessage *row = received ("c1", 7, CONSUMER, "refused");

    g_assert_cmpint (confab_message_get_delivery_state (waiting), ==, CONFAB_DELIVERY_FAILED);
    confab_message_set_local_id (row, confab_message_get_local_id (waiting));
    g_ptr_array_add (echo, row);
    confab_store_save_messages (store, ACCOUNT, CONSUMER, echo);
    after = load (store, CONSUMER);
    g_assert_cmpuint (after->outbox->len, ==, 0);
    g_assert_cmpuint (after->messages->len, ==, 3);
  }

  /* another identity sees nothing of it */
  other = load (store, "someone-else");
  g_assert_null (other->conversation_id);
  g_assert_cmpuint (other->messages->len, ==, 0);
  g_assert_cmpuint (other->outbox->len, ==, 0);

  g_object_unref (store);
  store_test_remove_db (path);
}

/* A rich message keeps its structured content, quick replies, file and metadata on disk; a
 * reply to a click waiting in the outbox keeps its metadata and the message it answers. A
 * payload that cannot be read any more leaves the message its text. */
static void
test_store_rich (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(ConfabRichContent) card = NULL;
  g_autoptr(ConfabQuickReplies) chips = confab_quick_replies_new (3);
  g_autoptr(ConfabHostedFile) file = confab_hosted_file_new ("A photo", "/v1/AUTH_x/1.png", CONFAB_FILE_TYPE_PNG, NULL);
  g_autoptr(JsonNode) metadata = json_from_string ("[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]", NULL);
  g_autoptr(ConfabMessage) reply = NULL;
  ConfabMessagingChange change = { 0 };
  ConfabRichElement *button;
  ConfabStore *store;
  const char *target_dialog = NULL;
  gint64 target_sequence = -1;

  {
    ConfabRichElement *root = confab_rich_element_new (CONFAB_RICH_VERTICAL);

    confab_rich_element_add (root, confab_rich_element_new_text ("Product"));
    button = confab_rich_element_new_button ("Buy");
    confab_rich_element_add_action (button, confab_rich_action_new_publish_text ("Buy"));
    button->click->metadata = json_node_copy (metadata);
    confab_rich_element_add (root, button);
    card = confab_rich_content_new (root);
  }
  button = confab_rich_element_new_button ("Yes");
  confab_rich_element_add_action (button, confab_rich_action_new_publish_text ("yes"));
  confab_quick_replies_add (chips, button);

  change.sequence = 4;
  change.server_timestamp = 1700000000004;
  change.originator_id = (char *) "agent";
  change.dialog_id = change.conversation_id = (char *) "c1";
  change.type = CONFAB_EVENT_RICH_CONTENT;
  change.text = (char *) "Product\nButton: Buy";
  change.is_placeholder = TRUE;
  change.rich = card;
  change.quick_replies = chips;
  change.metadata = metadata;
  g_ptr_array_add (messages, confab_message_new_from_change (&change, CONSUMER));
  g_ptr_array_add (messages, received ("c1", 5, "agent", "plain"));
  memset (&change, 0, sizeof change);
  change.sequence = 6;
  change.originator_id = (char *) "agent";
  change.dialog_id = change.conversation_id = (char *) "c1";
  change.type = CONFAB_EVENT_CONTENT;
  change.content_type = (char *) CONFAB_CONTENT_TYPE_HOSTED_FILE;
  change.text = (char *) "A photo";
  change.file = file;
  g_ptr_array_add (messages, confab_message_new_from_change (&change, CONSUMER));

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  confab_store_save_messages (store, ACCOUNT, CONSUMER, messages);
  reply = confab_message_new_reply ("Buy", 1700000000100, metadata, "c1", 4);
  confab_message_set_local_id (reply, confab_store_next_local_id (store));
  g_assert_true (confab_store_outbox_put (store, ACCOUNT, CONSUMER, reply, &error));
  g_assert_no_error (error);
  g_object_unref (store);

  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  snapshot = load (store, CONSUMER);
  g_assert_cmpuint (snapshot->messages->len, ==, 3);
  {
    ConfabMessage *rich = g_ptr_array_index (snapshot->messages, 0);
    ConfabMessage *plain = g_ptr_array_index (snapshot->messages, 1);
    ConfabMessage *photo = g_ptr_array_index (snapshot->messages, 2);
    g_autofree char *kept = json_to_string (confab_message_get_metadata (rich), FALSE);

    g_assert_true (confab_rich_content_equal (confab_message_get_rich (rich), card));
    g_assert_true (confab_quick_replies_equal (confab_message_get_quick_replies (rich), chips));
    g_assert_cmpstr (kept, ==, "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]");
    g_assert_cmpstr (confab_message_get_text (rich), ==, "Product\nButton: Buy");
    g_assert_true (confab_message_get_is_placeholder (rich));
    g_assert_null (confab_message_get_rich (plain));
    g_assert_null (confab_message_dup_payload (plain));
    g_assert_true (confab_hosted_file_equal (confab_message_get_file (photo), file));
  }
  g_assert_cmpuint (snapshot->outbox->len, ==, 1);
  {
    ConfabMessage *waiting = g_ptr_array_index (snapshot->outbox, 0);
    g_autofree char *kept = json_to_string (confab_message_get_metadata (waiting), FALSE);

    g_assert_true (confab_message_get_reply_target (waiting, &target_dialog, &target_sequence));
    g_assert_cmpstr (target_dialog, ==, "c1");
    g_assert_cmpint (target_sequence, ==, 4);
    g_assert_cmpstr (kept, ==, "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]");
  }
  g_object_unref (store);

  /* not JSON, or not the shape written: the text is what is left */
  store_test_exec (path, "UPDATE events SET payload = '{\"content\":' WHERE sequence = 4;"
                         "UPDATE events SET payload = '[1]' WHERE sequence = 6");
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&snapshot, confab_store_snapshot_free);
  snapshot = load (store, CONSUMER);
  g_assert_cmpuint (snapshot->messages->len, ==, 3);
  g_assert_null (confab_message_get_rich (g_ptr_array_index (snapshot->messages, 0)));
  g_assert_cmpstr (confab_message_get_text (g_ptr_array_index (snapshot->messages, 0)), ==, "Product\nButton: Buy");
  g_assert_null (confab_message_get_file (g_ptr_array_index (snapshot->messages, 2)));

  g_object_unref (store);
  store_test_remove_db (path);
}

/* The plain constructor takes the fields as they are: no protocol rule changes them. */
static void
test_message_new_from_fields (void)
{
  ConfabMessageFields fields = { 0 };
  g_autoptr(ConfabMessage) message = NULL;
  g_autoptr(ConfabMessage) empty = NULL;

  fields.dialog_id = "d1";
  fields.conversation_id = "c1";
  fields.originator_id = "agent";
  fields.content_type = "text/plain";
  fields.text = "hello";
  fields.sequence = 42;
  fields.server_time = 1700000000042;
  fields.local_id = 7;
  fields.role = CONFAB_ROLE_ASSIGNED_AGENT;
  fields.delivery_state = CONFAB_DELIVERY_DELIVERED;
  fields.own = TRUE;
  fields.is_placeholder = TRUE;
  fields.accept_sent = TRUE;
  fields.read_sent = TRUE;
  fields.attempted = TRUE;
  message = confab_message_new (&fields);

  g_assert_cmpstr (confab_message_get_dialog_id (message), ==, "d1");
  g_assert_cmpstr (confab_message_get_conversation_id (message), ==, "c1");
  g_assert_cmpstr (confab_message_get_originator_id (message), ==, "agent");
  g_assert_cmpstr (confab_message_get_content_type (message), ==, "text/plain");
  g_assert_cmpstr (confab_message_get_text (message), ==, "hello");
  g_assert_cmpint (confab_message_get_sequence (message), ==, 42);
  g_assert_cmpint (confab_message_get_server_time (message), ==, 1700000000042);
  g_assert_cmpint (confab_message_get_local_id (message), ==, 7);
  g_assert_cmpint (confab_message_get_role (message), ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_cmpint (confab_message_get_delivery_state (message), ==, CONFAB_DELIVERY_DELIVERED);
  g_assert_true (confab_message_get_own (message));
  g_assert_true (confab_message_get_is_placeholder (message));
  g_assert_true (confab_message_get_accept_sent (message));
  g_assert_true (confab_message_get_read_sent (message));
  g_assert_true (confab_message_get_attempted (message));

  /* the fields were copied */
  fields.text = "changed";
  g_assert_cmpstr (confab_message_get_text (message), ==, "hello");

  fields = (ConfabMessageFields) { .sequence = -1 };
  empty = confab_message_new (&fields);
  g_assert_cmpstr (confab_message_get_text (empty), ==, "");
  g_assert_null (confab_message_get_dialog_id (empty));
  g_assert_cmpint (confab_message_get_sequence (empty), ==, -1);
  g_assert_false (confab_message_get_own (empty));
}

/* An own message sent from here has no originator id until it comes back from the service;
 * saved like that, it is still the consumer's own when it is read again. */
static void
test_store_own_without_originator (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  ConfabMessage *sent = confab_message_new_outgoing ("sent from here", 1700000000100);
  ConfabStore *store = confab_store_new (path, &error);
  ConfabMessage *read_back;

  g_assert_no_error (error);
  confab_message_set_sequence (sent, 3);
  confab_message_set_dialog_id (sent, "c1");
  confab_message_set_conversation_id (sent, "c1");
  confab_message_advance_delivery (sent, CONFAB_DELIVERY_DELIVERED);
  g_ptr_array_add (messages, sent);
  confab_store_save_conversation (store, ACCOUNT, CONSUMER, "c1");
  confab_store_save_messages (store, ACCOUNT, CONSUMER, messages);

  snapshot = load (store, CONSUMER);
  g_assert_cmpuint (snapshot->messages->len, ==, 1);
  read_back = g_ptr_array_index (snapshot->messages, 0);
  g_assert_true (confab_message_get_own (read_back));
  g_assert_cmpstr (confab_message_get_originator_id (read_back), ==, CONSUMER);
  g_assert_cmpint (confab_message_get_role (read_back), ==, CONFAB_ROLE_CONSUMER);
  g_assert_cmpint (confab_message_get_delivery_state (read_back), ==, CONFAB_DELIVERY_DELIVERED);
  g_assert_cmpstr (confab_message_get_content_type (read_back), ==, "text/plain");
  g_assert_cmpint (confab_message_get_server_time (read_back), ==, 1700000000100);

  g_object_unref (store);
  store_test_remove_db (path);
}

static void
test_store_refuses_newer (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  ConfabStore *store = confab_store_new (path, &error);

  g_assert_no_error (error);
  g_object_unref (store);

  /* a history from a newer Confab is left alone, with a clear error */
  store_test_exec (path, "PRAGMA user_version = 99");
  store = confab_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_VERSION);
  g_clear_error (&error);
  /* not taken for damage: nothing was moved aside */
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_null (strstr (name, "damaged"));
  }
  store_test_remove_db (path);
}

/* Nobody else may read what the person wrote: the file is 0600, its folder 0700, and an
 * older file or folder open to others is closed to them. */
static void
test_store_private (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabMessage) message = NULL;
  ConfabStore *store;
  GStatBuf st;

  umask (022);
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  message = store_test_put (store, "private");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_object_unref (store);

  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_object_unref (store);

  store_test_remove_db (path);
}

static void
error_cb (ConfabStore  *store,
          const GError *error,
          GError      **out)
{
  *out = g_error_copy (error);
}

static void
test_store_write_failure_reported (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reported = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  ConfabStore *store = confab_store_new (path, &error);
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_signal_connect (store, "error", G_CALLBACK (error_cb), &reported);

  /* Another writer holds the database: the write fails, and says so. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_ptr_array_add (messages, received ("c1", 0, "agent", "x"));
  confab_store_save_messages (store, ACCOUNT, CONSUMER, messages);
  CONFAB_TEST_WAIT_UNTIL (reported != NULL, 10000);
  g_assert_error (reported, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);

  g_object_unref (store);
  store_test_remove_db (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/message/new-from-fields", test_message_new_from_fields);
  g_test_add_func ("/core/store/round-trip", test_store_round_trip);
  g_test_add_func ("/core/store/rich", test_store_rich);
  g_test_add_func ("/core/store/own-without-originator", test_store_own_without_originator);
  g_test_add_func ("/core/store/refuses-newer", test_store_refuses_newer);
  g_test_add_func ("/core/store/private", test_store_private);
  g_test_add_func ("/core/store/write-failure-reported", test_store_write_failure_reported);

  return g_test_run ();
}
