/* chaos-client.c: a real ConfabSession with its history on disk, driven over stdin/stdout
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client half of the chaos test (tests/core/chaos.py), which kills this process at
 * random moments and starts it again on the same folder.
 *
 *   chaos-client CSDS_URL ACCOUNT_ID JWT DATA_DIR
 *
 * stdin: one line a message the person types. After confab_session_send_text() returns for
 * it (the moment the composer would clear), "PUT <text>" is printed.
 * stdout: "ROW <sequence> <own|agent> <text>" once a row has a sequence, "STATE <name>" on
 * every state change. It reads the whole history on disk, page after page, so every row of
 * it is announced. On end of input it waits until every own row has a sequence, prints
 * "DONE" and exits.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "confab-core-enums.h"
#include "confab-session.h"
#include "confab-store.h"

typedef struct
{
  ConfabSession *session;
  GHashTable *announced;   /* ConfabMessage* that got its ROW line */
  GMainLoop *loop;
  GString *line;
  gboolean input_done;
} Client;

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static gboolean
all_sent (Client *c)
{
  GListModel *list = G_LIST_MODEL (confab_session_get_messages (c->session));

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(ConfabMessage) m = g_list_model_get_item (list, i);

      if (confab_message_get_sequence (m) < 0)
        return FALSE;
    }
  return TRUE;
}

static void
announce (Client *c)
{
  GListModel *list = G_LIST_MODEL (confab_session_get_messages (c->session));

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(ConfabMessage) m = g_list_model_get_item (list, i);

      if (confab_message_get_sequence (m) < 0 || g_hash_table_contains (c->announced, m))
        continue;
      g_hash_table_add (c->announced, g_object_ref (m));
      say ("ROW %" G_GINT64_FORMAT " %s %s", confab_message_get_sequence (m),
           confab_message_get_own (m) ? "own" : "agent", confab_message_get_text (m));
    }
  if (c->input_done && all_sent (c))
    {
      say ("DONE");
      g_main_loop_quit (c->loop);
    }
}

static void
items_changed_cb (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Client     *c)
{
  announce (c);
}

/* The next older page as soon as there is one and none is on its way. */
static void
older_cb (GObject    *object,
          GParamSpec *pspec,
          Client     *c)
{
  confab_session_load_older (c->session);
}

/* Rows change their sequence in place when the service answers a publish. */
static gboolean
poll_cb (gpointer user_data)
{
  announce (user_data);
  return G_SOURCE_CONTINUE;
}

static void
state_cb (ConfabSession *session,
          GParamSpec    *pspec,
          Client        *c)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CONFAB_TYPE_SESSION_STATE);
  GEnumValue *value = g_enum_get_value (klass, (int) confab_session_get_state (session));

  say ("STATE %s", value != NULL ? value->value_nick : "?");
}

static gboolean
stdin_cb (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      user_data)
{
  Client *c = user_data;
  g_autofree char *text = NULL;
  gsize terminator = 0;
  GIOStatus status;

  status = g_io_channel_read_line (channel, &text, NULL, &terminator, NULL);
  if (status == G_IO_STATUS_NORMAL && text != NULL)
    {
      text[terminator] = '\0';
      if (*text != '\0')
        {
          confab_session_send_text (c->session, text);
          say ("PUT %s", text);
        }
      return G_SOURCE_CONTINUE;
    }
  if (status == G_IO_STATUS_AGAIN)
    return G_SOURCE_CONTINUE;
  c->input_done = TRUE;
  announce (c);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConfabAccount) account = NULL;
  g_autoptr(ConfabStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) input = NULL;
  g_autofree char *path = NULL;
  Client c = { 0 };

  if (argc != 5)
    {
      fprintf (stderr, "usage: %s CSDS_URL ACCOUNT_ID JWT DATA_DIR\n", argv[0]);
      return 2;
    }

  account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, argv[2]);
  confab_account_set_csds (account, argv[1]);
  confab_account_set_jwt (account, argv[3]);
  path = g_build_filename (argv[4], "history.db", NULL);
  store = confab_store_new (path, &error);
  if (store == NULL)
    {
      fprintf (stderr, "chaos-client: %s\n", error->message);
      return 1;
    }

  c.session = confab_session_new (account, NULL);
  confab_session_set_timings (c.session, 30, 50, 400, 200);
  confab_session_set_store (c.session, store);
  c.announced = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  c.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (c.session, "notify::state", G_CALLBACK (state_cb), &c);
  g_signal_connect (confab_session_get_messages (c.session), "items-changed", G_CALLBACK (items_changed_cb), &c);
  g_signal_connect (confab_session_get_messages (c.session), "notify::has-older", G_CALLBACK (older_cb), &c);
  g_signal_connect (c.session, "notify::loading-older", G_CALLBACK (older_cb), &c);
  g_timeout_add (20, poll_cb, &c);

  input = g_io_channel_unix_new (STDIN_FILENO);
  g_io_add_watch (input, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, &c);

  confab_session_start (c.session);
  g_main_loop_run (c.loop);

  confab_session_stop (c.session);
  g_clear_object (&c.session);
  g_hash_table_unref (c.announced);
  g_main_loop_unref (c.loop);
  return 0;
}
