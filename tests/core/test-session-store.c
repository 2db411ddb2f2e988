/* test-session-store.c: what the person writes is shown as queued only once it is on disk
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "session-test-util.h"
#include "store-test-util.h"

static void
error_cb (ConfabStore  *store,
          const GError *error,
          GError      **out)
{
  g_clear_error (out);
  *out = g_error_copy (error);
}

/* The disk is full when the person presses Enter: send_text says so by returning NULL, and
 * nothing is shown, queued or sent; the store's ::error says why. A message that fits goes. */
static void
test_unsaved_message_not_queued (void)
{
  g_autofree char *path = store_test_temp_db ();
  g_autofree char *big = g_strnfill (64 * 1024, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reported = NULL;
  g_autoptr(ConfabServer) server = session_test_server_new ();
  g_autoptr(ConfabAccount) account = session_test_account_new (server);
  g_autoptr(ConfabSession) session = NULL;
  GListModel *messages;
  ConfabStore *store;
  ConfabMessage *small;

  /* a fresh history that may not grow */
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  store_test_set_max_pages (store_test_page_count (path));
  store = confab_store_new (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "error", G_CALLBACK (error_cb), &reported);

  session = confab_session_new (account, NULL);
  confab_session_set_store (session, store);
  confab_session_start (session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (session) == CONFAB_SESSION_ONLINE, 10000);
  messages = G_LIST_MODEL (confab_session_get_messages (session));

  g_assert_null (confab_session_send_text (session, big));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 0);
  CONFAB_TEST_WAIT_UNTIL (reported != NULL, 5000);
  g_assert_error (reported, CONFAB_STORE_ERROR, CONFAB_STORE_ERROR_WRITE);
  g_assert_nonnull (strstr (reported->message, "the disk is full"));
  confab_test_spin (300);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 0);
  g_assert_cmpuint (session_test_count_frames (server, CONFAB_REQ_REQUEST_CONVERSATION, NULL), ==, 0);
  g_assert_cmpuint (session_test_count_frames (server, CONFAB_REQ_PUBLISH_EVENT, "xxxxxxxx"), ==, 0);

  small = confab_session_send_text (session, "short enough");
  g_assert_nonnull (small);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 1);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (small) == CONFAB_DELIVERY_SENT, 10000);

  confab_session_stop (session);
  g_clear_object (&session);
  g_object_unref (store);
  store_test_set_max_pages (0);
  confab_server_shutdown (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  store_test_remove_db (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sqlite3_auto_extension ((void (*) (void)) store_test_limit_pages);

  g_test_add_func ("/core/session/store/unsaved-message-not-queued", test_unsaved_message_not_queued);

  return g_test_run ();
}
