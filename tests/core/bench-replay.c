/* bench-replay.c: a 10,000-message history from the socket into the list, the client alone
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 1. Record: the local service holds a conversation with 10,000 agent messages; a bare
 *    WebSocket client subscribes and keeps the notification frames exactly as they came.
 * 2. Replay: a child process (this program with --serve) listens on loopback and only writes
 *    those bytes back: each request gets a canned answer, the subscriptions get the recorded
 *    notifications. Nothing is built or stored there, and it runs in another process, so
 *    what is timed here is the client's own path: socket → frame parser → session → list.
 * 3. The floor: json-glib parsing the very same frames, in this process.
 *
 * Printed: wall time and this process's CPU time for the client path, the floor, the ratios,
 * and the memory the list took.
 */
#include "config.h"

#include <glib/gstdio.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confab-test-util.h"
#include "confab-session.h"
#include "confab-server.h"

#define N_MESSAGES 10000
#define CLIENT_ROUNDS 3

/* Frame files: one frame a record, "E" (conversation metadata) or "M" (messaging), its
 * length in decimal, a space, then the bytes. */

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

static gint64
cpu_usec (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec +
         (gint64) usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec;
}

static void
wait_until (gboolean *flag,
            guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out");
      g_main_context_iteration (NULL, TRUE);
    }
}

/* ---- recording ------------------------------------------------------------------------- */

typedef struct
{
  GString *out;       /* the frame file being written */
  guint frames;
  guint events;       /* messaging changes seen */
  gboolean metadata;  /* a conversation metadata notification seen */
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
  char tag;

  if (g_strstr_len (data, (gssize) MIN (len, 200), "\"kind\":\"notification\"") == NULL)
    return;  /* answers are the replayer's to write */
  if (g_strstr_len (data, (gssize) len, "ms.MessagingEventNotification") != NULL)
    {
      tag = 'M';
      for (const char *p = data; (p = g_strstr_len (p, (gssize) (len - (gsize) (p - data)), "\"sequence\"")) != NULL; p++)
        c->events++;
    }
  else if (g_strstr_len (data, (gssize) len, "cqm.ExConversationChangeNotification") != NULL)
    {
      tag = 'E';
      c->metadata = TRUE;
    }
  else
    return;

  g_string_append_printf (c->out, "%c%" G_GSIZE_FORMAT " ", tag, len);
  g_string_append_len (c->out, data, (gssize) len);
  c->frames++;
  if (c->events >= N_MESSAGES + 1 && c->metadata)
    c->done = TRUE;
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SoupWebsocketConnection **ws = user_data;
  g_autoptr(GError) error = NULL;

  *ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (*ws == NULL)
    g_error ("recording: %s", error->message);
}

/* What the service sends a consumer who subscribes to its conversations and to the dialog. */
static GString *
record_frames (ConfabServer *server,
               const char   *token,
               const char   *conversation_id,
               guint        *n_frames)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/ws_api/account/%s/messaging/consumer?v=3",
                                          confab_server_get_port (server), confab_server_get_account_id (server));
  g_autofree char *auth = g_strconcat ("jwt ", token, NULL);
  g_autofree char *subscribe = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupWebsocketConnection *ws = NULL;
  Capture c = { g_string_new (NULL), 0, 0, FALSE, FALSE };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, connect_cb, &ws);
  CONFAB_TEST_WAIT_UNTIL (ws != NULL, 10000);
  soup_websocket_connection_set_max_incoming_payload_size (ws, 64 * 1024 * 1024);
  g_signal_connect (ws, "message", G_CALLBACK (capture_message_cb), &c);
  soup_websocket_connection_send_text (ws, "{\"kind\":\"req\",\"id\":\"1\",\"type\":\"cqm.SubscribeExConversations\","
                                           "\"body\":{\"minLastUpdatedTime\":0,\"convState\":[\"OPEN\",\"CLOSE\"]}}");
  subscribe = g_strdup_printf ("{\"kind\":\"req\",\"id\":\"2\",\"type\":\"ms.SubscribeMessagingEvents\","
                               "\"body\":{\"dialogId\":\"%s\",\"conversationId\":\"%s\",\"fromSeq\":0}}",
                               conversation_id, conversation_id);
  soup_websocket_connection_send_text (ws, subscribe);
  CONFAB_TEST_WAIT_UNTIL (c.done, 60000);
  g_signal_handlers_disconnect_by_data (ws, &c);
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (ws);
  *n_frames = c.frames;
  return c.out;
}

/* ---- the replayer (child process) ------------------------------------------------------ */

typedef struct
{
  GPtrArray *metadata;   /* GBytes */
  GPtrArray *messaging;  /* GBytes */
  gint64 sequence;
} Replay;

static gboolean
read_frames (const char  *path,
             Replay      *replay,
             GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *p, *end;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  for (p = contents, end = contents + length; p < end;)
    {
      char tag = *p++;
      char *after = NULL;
      guint64 len = g_ascii_strtoull (p, &after, 10);

      if (after == p || *after != ' ' || len > (guint64) (end - after - 1) || (tag != 'E' && tag != 'M'))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a frame file", path);
          return FALSE;
        }
      g_ptr_array_add (tag == 'E' ? replay->metadata : replay->messaging,
                       g_bytes_new (after + 1, (gsize) len));
      p = after + 1 + len;
    }
  return TRUE;
}

static void
send_all (SoupWebsocketConnection *ws,
          GPtrArray               *frames)
{
  for (guint i = 0; i < frames->len; i++)
    soup_websocket_connection_send_message (ws, SOUP_WEBSOCKET_DATA_TEXT, g_ptr_array_index (frames, i));
}

static void
answer (SoupWebsocketConnection *ws,
        const char              *id,
        const char              *type,
        const char              *body)
{
  g_autofree char *text = g_strdup_printf ("{\"kind\":\"resp\",\"reqId\":\"%s\",\"code\":200,\"type\":\"%s\",\"body\":%s}",
                                           id, type, body);

  soup_websocket_connection_send_text (ws, text);
}

static void
replay_message_cb (SoupWebsocketConnection *ws,
                   int                      data_type,
                   GBytes                  *message,
                   Replay                  *replay)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  JsonObject *request;
  const char *id, *type;

  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  request = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_string_member_with_default (request, "id", "");
  type = json_object_get_string_member_with_default (request, "type", "");

  if (g_str_equal (type, "cqm.SubscribeExConversations"))
    {
      answer (ws, id, "cqm.SubscribeExConversationsResponse", "{\"subscriptionId\":\"replay\"}");
      send_all (ws, replay->metadata);
    }
  else if (g_str_equal (type, "ms.SubscribeMessagingEvents"))
    {
      answer (ws, id, "GenericSubscribeResponse", "{}");
      send_all (ws, replay->messaging);
    }
  else if (g_str_equal (type, "ms.PublishEvent"))
    {
      g_autofree char *body = g_strdup_printf ("{\"sequence\":%" G_GINT64_FORMAT "}", ++replay->sequence);

      answer (ws, id, "ms.PublishEventResponse", body);
    }
  else if (g_str_equal (type, "GetClock"))
    {
      g_autofree char *body = g_strdup_printf ("{\"currentTime\":%" G_GINT64_FORMAT "}", g_get_real_time () / 1000);

      answer (ws, id, "GetClockResponse", body);
    }
  else
    answer (ws, id, "GenericResponse", "{}");
}

static void
replay_websocket_cb (SoupServer              *server,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *ws,
                     gpointer                 user_data)
{
  soup_websocket_connection_set_max_incoming_payload_size (ws, 64 * 1024 * 1024);
  soup_websocket_connection_set_keepalive_interval (ws, 0);
  g_signal_connect (ws, "message", G_CALLBACK (replay_message_cb), user_data);
  g_object_set_data_full (G_OBJECT (server), "ws", g_object_ref (ws), g_object_unref);
}

static void
replay_http_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static int
serve (const char *path)
{
  Replay replay = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
                    g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), 1000000 };
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GSList *uris;

  if (!read_frames (path, &replay, &error))
    g_error ("%s", error->message);
  soup_server_add_handler (server, NULL, replay_http_cb, NULL, NULL);
  soup_server_add_websocket_handler (server, "/ws_api", NULL, NULL, replay_websocket_cb, &replay, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("%s", error->message);
  uris = soup_server_get_uris (server);
  g_print ("%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (loop);  /* until the parent kills this process */
  return 0;
}

/* ---- the benchmark ---------------------------------------------------------------------- */

typedef struct
{
  ConfabMessageList *list;
  gboolean done;
} Watch;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  if (g_list_model_get_n_items (model) == N_MESSAGES + 1)
    watch->done = TRUE;
}

/* The local service, a conversation of N_MESSAGES agent messages and one of the consumer's,
 * and the frames it sends for it, written to path. Returns the consumer's token. */
static char *
record (const char *path,
        guint      *n_frames,
        gsize      *n_bytes)
{
  g_autoptr(ConfabServer) server = confab_server_new ();
  g_autoptr(ConfabAccount) account = NULL;
  g_autoptr(ConfabSession) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) frames = NULL;
  g_autofree char *base = NULL;
  g_autofree char *conversation = NULL;
  char *token;
  ConfabMessage *hello;

  if (!confab_server_listen (server, 0, &error))
    g_error ("%s", error->message);
  base = confab_server_dup_base_url (server);
  account = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (server));
  confab_account_set_csds (account, base);

  first = confab_session_new (account, NULL);
  confab_session_start (first);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (first) == CONFAB_SESSION_ONLINE, 10000);
  hello = confab_session_send_text (first, "hello");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (hello) >= CONFAB_DELIVERY_SENT, 10000);
  conversation = g_strdup (confab_session_get_conversation_id (first));
  token = g_strdup (confab_account_get_jwt (account));
  confab_session_stop (first);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *text = g_strdup_printf ("History message number %u, with some words to make it a real-looking line.", i);

      if (confab_server_agent_send_text (server, conversation, text, &error) < 0)
        g_error ("%s", error->message);
    }

  frames = record_frames (server, token, conversation, n_frames);
  *n_bytes = frames->len;
  if (!g_file_set_contents (path, frames->str, (gssize) frames->len, &error))
    g_error ("%s", error->message);
  confab_server_shutdown (server);
  return token;
}

static char *
record_in_child (const char *self_path,
                 const char *frames_path,
                 guint      *n_frames,
                 gsize      *n_bytes)
{
  const char *argv[] = { self_path, "--record", frames_path, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) words = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("recording failed: %s", error->message);
  words = g_strsplit (g_strstrip (out), " ", 3);
  if (g_strv_length (words) != 3)
    g_error ("recording failed: no token");
  *n_frames = (guint) g_ascii_strtoull (words[1], NULL, 10);
  *n_bytes = (gsize) g_ascii_strtoull (words[2], NULL, 10);
  return g_strdup (words[0]);
}

static GPid
start_replayer (const char *self_path,
                const char *frames_path,
                guint      *port)
{
  const char *argv[] = { self_path, "--serve", frames_path, NULL };
  GPid pid;
  g_autofree char *line = confab_test_spawn_line (argv, &pid);

  *port = (guint) g_ascii_strtoull (line, NULL, 10);
  return pid;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConfabAccount) account = NULL;
  g_autoptr(ConfabSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *frames_path = NULL;
  g_autofree char *domain = NULL;
  Replay replay = { NULL, NULL, 0 };
  Watch watch = { NULL, FALSE };
  gint64 start, elapsed_wall = G_MAXINT64, elapsed_cpu = G_MAXINT64, cpu0, best_parse = G_MAXINT64;
  gsize rss_before, rss_after, n_bytes = 0, parsed_bytes = 0;
  guint n_frames = 0, port = 0;
  GPid replayer;
  int status = 0;

  if (argc == 3 && g_str_equal (argv[1], "--serve"))
    return serve (argv[2]);
  if (argc == 3 && g_str_equal (argv[1], "--record"))
    {
      token = record (argv[2], &n_frames, &n_bytes);
      g_print ("%s %u %" G_GSIZE_FORMAT "\n", token, n_frames, n_bytes);
      return 0;
    }

  dir = g_dir_make_tmp ("confab-bench-replay-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  frames_path = g_build_filename (dir, "frames", NULL);
  /* recorded in a process of its own, so this one holds nothing but the client */
  token = record_in_child (argv[0], frames_path, &n_frames, &n_bytes);
  replayer = start_replayer (argv[0], frames_path, &port);

  /* Socket → parse → session → list, against bytes that are only written */
  domain = g_strdup_printf ("ws://127.0.0.1:%u", port);
  account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, "replay");
  confab_account_set_jwt (account, token);
  confab_account_set_async_messaging_ent (account, domain);
  g_free (domain);
  domain = g_strdup_printf ("http://127.0.0.1:%u", port);
  confab_account_set_idp (account, domain);
  confab_account_set_accdn (account, domain);
  confab_account_set_csds (account, domain);

  /* The best of CLIENT_ROUNDS sessions, as the anchor is the best of its rounds: the machine
   * is shared, and one slow round says more about the neighbours than about the client. */
  for (guint round = 0; round < CLIENT_ROUNDS; round++)
    {
      gint64 wall, cpu;

      if (session != NULL)
        {
          confab_session_stop (session);
          g_clear_object (&session);
        }
      watch.done = FALSE;
      if (round == 0)
        rss_before = resident_kib ();
      session = confab_session_new (account, NULL);
      watch.list = confab_session_get_messages (session);
      g_signal_connect (watch.list, "items-changed", G_CALLBACK (items_changed_cb), &watch);
      start = g_get_monotonic_time ();
      cpu0 = cpu_usec ();
      confab_session_start (session);
      wait_until (&watch.done, 60000);
      wall = g_get_monotonic_time () - start;
      cpu = cpu_usec () - cpu0;
      if (round == 0)
        rss_after = resident_kib ();
      elapsed_wall = MIN (elapsed_wall, wall);
      elapsed_cpu = MIN (elapsed_cpu, cpu);
    }

  /* json-glib alone, on the same bytes */
  replay.metadata = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  replay.messaging = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  if (!read_frames (frames_path, &replay, &error))
    g_error ("%s", error->message);
  for (guint round = 0; round < 5; round++)
    {
      gint64 t0 = cpu_usec ();

      parsed_bytes = 0;
      for (guint i = 0; i < replay.messaging->len; i++)
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          gsize len = 0;
          const char *data = g_bytes_get_data (g_ptr_array_index (replay.messaging, i), &len);

          if (!json_parser_load_from_data (parser, data, (gssize) len, NULL))
            g_error ("the service sent a frame json-glib cannot parse");
          parsed_bytes += len;
        }
      best_parse = MIN (best_parse, cpu_usec () - t0);
    }

  g_print ("replay of %u messages (%u frames, %.1f MiB of JSON), client only; the frames come from\n"
           "another process that just writes recorded bytes:\n",
           N_MESSAGES + 1, n_frames, n_bytes / (1024.0 * 1024.0));
  g_print ("  socket to list, wall time:           %7.1f ms (best of %u sessions)\n", elapsed_wall / 1000.0, CLIENT_ROUNDS);
  g_print ("  socket to list, CPU of this process: %7.1f ms (best of %u sessions)\n", elapsed_cpu / 1000.0, CLIENT_ROUNDS);
  g_print ("  anchor: json-glib parse, same bytes: %7.1f ms CPU (best of 5, %.1f MiB)\n",
           best_parse / 1000.0, parsed_bytes / (1024.0 * 1024.0));
  g_print ("  ratio, wall / anchor:                %7.2f x\n", (double) elapsed_wall / MAX (best_parse, 1));
  g_print ("  ratio, CPU / anchor:                 %7.2f x\n", (double) elapsed_cpu / MAX (best_parse, 1));
  g_print ("  resident memory growth:              %7.1f MiB (%.0f bytes a message, first session)\n",
           (rss_after - rss_before) / 1024.0, (rss_after - rss_before) * 1024.0 / (N_MESSAGES + 1));
  g_print ("  items-changed signals:               %7u\n",
           confab_message_list_get_n_items_changed (confab_session_get_messages (session)));

  confab_session_stop (session);
  kill (replayer, SIGTERM);
  waitpid (replayer, &status, 0);
  g_spawn_close_pid (replayer);
  g_ptr_array_unref (replay.metadata);
  g_ptr_array_unref (replay.messaging);
  g_unlink (frames_path);
  g_rmdir (dir);
  return 0;
}
