/* session-test-util.c: a session on the local service, as the session and window tests use it
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "session-test-util.h"

#include <string.h>

#include "store-test-util.h"

ConfabServer *
session_test_server_new (void)
{
  g_autoptr(GError) error = NULL;
  ConfabServer *server = confab_server_new ();

  g_assert_true (confab_server_listen (server, 0, &error));
  g_assert_no_error (error);
  return server;
}

ConfabAccount *
session_test_account_new (ConfabServer *server)
{
  g_autofree char *base_url = confab_server_dup_base_url (server);
  ConfabAccount *account = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (server));

  confab_account_set_csds (account, base_url);
  return account;
}

ConfabSession *
session_test_session_new (ConfabAccount *account,
                          ConfabStore   *store)
{
  ConfabSession *session = confab_session_new (account, NULL);

  confab_session_set_timings (session, 30, 50, 400, 200);
  if (store != NULL)
    confab_session_set_store (session, store);
  return session;
}

void
session_test_close (ConfabServer  **server,
                    ConfabAccount **account,
                    ConfabSession **session)
{
  if (*session != NULL)
    confab_session_stop (*session);
  g_clear_object (session);
  g_clear_object (account);
  confab_server_shutdown (*server);
  g_clear_object (server);
}

void
session_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

guint
session_test_n_messages (ConfabSession *session)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (session));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ConfabMessage) m = g_list_model_get_item (model, i);

      n += !confab_message_is_event (m);
    }
  return n;
}

ConfabMessage *
session_test_message_at (ConfabSession *session,
                         guint          i)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (session));

  for (guint j = 0; j < g_list_model_get_n_items (model); j++)
    {
      ConfabMessage *m = g_list_model_get_item (model, j);

      g_object_unref (m);  /* the list keeps it alive */
      if (!confab_message_is_event (m) && i-- == 0)
        return m;
    }
  g_assert_not_reached ();
}

ConfabMessage *
session_test_newest (ConfabSession *session)
{
  return session_test_message_at (session, session_test_n_messages (session) - 1);
}

guint
session_test_n_rows (ConfabSession *session)
{
  return g_list_model_get_n_items (G_LIST_MODEL (confab_session_get_messages (session)));
}

ConfabMessage *
session_test_row_at (ConfabSession *session,
                     guint          i)
{
  ConfabMessage *m = g_list_model_get_item (G_LIST_MODEL (confab_session_get_messages (session)), i);

  g_object_unref (m);  /* the list keeps it alive */
  return m;
}

ConfabMessage *
session_test_start_conversation (ConfabSession *session)
{
  ConfabMessage *first;

  confab_session_start (session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (session) == CONFAB_SESSION_ONLINE, 10000);
  first = confab_session_send_text (session, "Hello, I need help");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) == CONFAB_DELIVERY_SENT, 10000);
  return first;
}

gint64
session_test_agent_sends_rich (ConfabServer      *server,
                               ConfabSession     *session,
                               ConfabRichContent *content,
                               JsonNode          *metadata)
{
  g_autoptr(JsonNode) metadata_owned = metadata;
  g_autoptr(GError) error = NULL;
  gint64 sequence;

  sequence = confab_server_agent_send_rich (server, confab_session_get_conversation_id (session),
                                            content, NULL, metadata_owned, &error);
  g_assert_no_error (error);
  return sequence;
}

gint64
session_test_agent_sends_text (ConfabServer       *server,
                               ConfabSession      *session,
                               const char         *text,
                               ConfabQuickReplies *chips)
{
  g_autoptr(GError) error = NULL;
  gint64 sequence;

  sequence = confab_server_agent_send_text_full (server, confab_session_get_conversation_id (session),
                                                 text, chips, NULL, &error);
  g_assert_no_error (error);
  return sequence;
}

guint
session_test_count_frames (ConfabServer *server,
                           const char   *type,
                           const char   *needle)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (server, type, NULL);
  JsonArray *entries = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      g_autofree char *text = json_to_string (json_array_get_element (entries, i), FALSE);

      if (needle == NULL || strstr (text, needle) != NULL)
        n++;
    }
  return n;
}

static void
state_cb (ConfabSession  *session,
          GParamSpec     *pspec,
          SessionFixture *f)
{
  ConfabSessionState state = confab_session_get_state (session);

  g_array_append_val (f->states, state);
}

void
session_fixture_setup (SessionFixture *f,
                       gconstpointer   data)
{
  f->server = session_test_server_new ();
  f->base_url = confab_server_dup_base_url (f->server);
  f->account = session_test_account_new (f->server);
  if (data != NULL)
    {
      g_autoptr(GError) error = NULL;

      f->store_path = store_test_temp_db ();
      f->store = confab_store_new (f->store_path, &error);
      g_assert_no_error (error);
    }
  f->states = g_array_new (FALSE, FALSE, sizeof (ConfabSessionState));
  f->session = session_fixture_new_session (f);
  g_signal_connect (f->session, "notify::state", G_CALLBACK (state_cb), f);
}

ConfabSession *
session_fixture_new_session (SessionFixture *f)
{
  return session_test_session_new (f->account, f->store);
}

void
session_fixture_teardown (SessionFixture *f,
                          gconstpointer   data)
{
  /* the session first: it writes to the store until it stops */
  if (f->session != NULL)
    confab_session_stop (f->session);
  g_clear_object (&f->session);
  if (f->store != NULL)
    confab_store_flush (f->store);
  g_clear_object (&f->store);
  session_test_close (&f->server, &f->account, &f->session);
  g_free (f->base_url);
  g_array_unref (f->states);
  session_test_drain ();
  if (f->store_path != NULL)
    store_test_remove_db (f->store_path);
  g_free (f->store_path);
}
