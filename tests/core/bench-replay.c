/* bench-replay.c: a 10,000-message history from the socket into the list
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measures, against the local service on 127.0.0.1:
 *  - the time from ConfabSession's start until all 10,000 replayed messages are rows,
 *    and the memory that took (resident set growth);
 *  - the time json-glib alone needs to parse the very frames the service sent,
 *    as the floor any client pays.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "confab-test-util.h"
#include "confab-session.h"
#include "confab-server.h"

#define N_MESSAGES 10000

static gsize
resident_kib (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;
  return resident * (gsize) sysconf (_SC_PAGESIZE) / 1024;
}

typedef struct
{
  GPtrArray *frames;
  guint events;
  gboolean done;
} Capture;

static void
capture_message_cb (SoupWebsocketConnection *ws,
                    int                      type,
                    GBytes                  *message,
                    Capture                 *c)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  g_ptr_array_add (c->frames, g_bytes_ref (message));
  if (g_strstr_len (data, (gssize) len, "ms.MessagingEventNotification") != NULL)
    for (const char *p = data; (p = g_strstr_len (p, (gssize) (len - (gsize) (p - data)), "\"sequence\"")) != NULL; p++)
      c->events++;
  if (c->events >= N_MESSAGES + 1)
    c->done = TRUE;
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SoupWebsocketConnection **ws = user_data;

  *ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, NULL);
}

/* The same replay, taken as raw frames by a bare WebSocket client. */
static GPtrArray *
capture_frames (ConfabServer *server,
                const char   *consumer_id,
                const char   *conversation_id)
{
  g_autofree char *token = confab_server_issue_token (server, NULL, consumer_id, 3600);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/ws_api/account/%s/messaging/consumer?v=3",
                                          confab_server_get_port (server), confab_server_get_account_id (server));
  g_autofree char *auth = g_strconcat ("jwt ", token, NULL);
  g_autofree char *request = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupWebsocketConnection *ws = NULL;
  Capture c = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), 0, FALSE };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, connect_cb, &ws);
  CONFAB_TEST_WAIT_UNTIL (ws != NULL, 10000);
  soup_websocket_connection_set_max_incoming_payload_size (ws, 64 * 1024 * 1024);
  g_signal_connect (ws, "message", G_CALLBACK (capture_message_cb), &c);
  request = g_strdup_printf ("{\"kind\":\"req\",\"id\":\"1\",\"type\":\"ms.SubscribeMessagingEvents\","
                             "\"body\":{\"dialogId\":\"%s\",\"conversationId\":\"%s\",\"fromSeq\":0}}",
                             conversation_id, conversation_id);
  soup_websocket_connection_send_text (ws, request);
  CONFAB_TEST_WAIT_UNTIL (c.done, 60000);
  g_signal_handlers_disconnect_by_data (ws, &c);
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (ws);
  return c.frames;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConfabServer) server = confab_server_new ();
  g_autoptr(ConfabAccount) account = NULL;
  g_autoptr(ConfabSession) first = NULL;
  g_autoptr(ConfabSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autofree char *base = NULL;
  g_autofree char *conversation = NULL;
  g_autofree char *consumer = NULL;
  ConfabMessage *hello;
  gint64 start, elapsed_session, best_parse = G_MAXINT64;
  gsize rss_before, rss_after, bytes = 0;

  if (!confab_server_listen (server, 0, &error))
    g_error ("%s", error->message);
  base = confab_server_dup_base_url (server);
  account = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (server));
  confab_account_set_csds (account, base);

  /* A conversation with 10,000 agent messages, written while the consumer was away. */
  first = confab_session_new (account, NULL);
  confab_session_start (first);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (first) == CONFAB_SESSION_ONLINE, 10000);
  hello = confab_session_send_text (first, "hello");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (hello) >= CONFAB_DELIVERY_SENT, 10000);
  conversation = g_strdup (confab_session_get_conversation_id (first));
  consumer = g_strdup (confab_session_get_consumer_id (first));
  confab_session_stop (first);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *text = g_strdup_printf ("History message number %u, with some words to make it a real-looking line.", i);

      if (confab_server_agent_send_text (server, conversation, text, &error) < 0)
        g_error ("%s", error->message);
    }

  /* Socket → parse → session → list */
  rss_before = resident_kib ();
  session = confab_session_new (account, NULL);
  start = g_get_monotonic_time ();
  confab_session_start (session);
  CONFAB_TEST_WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (confab_session_get_messages (session))) == N_MESSAGES + 1, 60000);
  elapsed_session = g_get_monotonic_time () - start;
  rss_after = resident_kib ();

  /* json-glib alone, on the same frames */
  frames = capture_frames (server, consumer, conversation);
  for (guint i = 0; i < frames->len; i++)
    bytes += g_bytes_get_size (g_ptr_array_index (frames, i));
  for (guint round = 0; round < 5; round++)
    {
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < frames->len; i++)
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          gsize len = 0;
          const char *data = g_bytes_get_data (g_ptr_array_index (frames, i), &len);

          if (!json_parser_load_from_data (parser, data, (gssize) len, NULL))
            g_error ("the service sent a frame json-glib cannot parse");
        }
      best_parse = MIN (best_parse, g_get_monotonic_time () - t0);
    }

  g_print ("replay of %u messages (%u frames, %.1f MiB of JSON):\n", N_MESSAGES + 1, frames->len,
           bytes / (1024.0 * 1024.0));
  g_print ("  socket to list, whole session path:  %7.1f ms\n", elapsed_session / 1000.0);
  g_print ("  json-glib parse of the same frames:  %7.1f ms (best of 5)\n", best_parse / 1000.0);
  g_print ("  ratio:                               %7.1f x\n", (double) elapsed_session / MAX (best_parse, 1));
  g_print ("  resident memory growth:              %7.1f MiB (%.0f bytes a message)\n",
           (rss_after - rss_before) / 1024.0, (rss_after - rss_before) * 1024.0 / (N_MESSAGES + 1));
  g_print ("  items-changed signals:               %7u\n",
           confab_message_list_get_n_items_changed (confab_session_get_messages (session)));

  confab_session_stop (session);
  confab_server_shutdown (server);
  return 0;
}
