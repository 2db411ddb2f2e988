/* bench-server.c: the local service under load — a long replay, a flood, saves of a big state
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Server and clients share one process and one main loop, as in the tests, so the figures
 * include the clients' own work (parsing every frame). The third one saves a big state
 * while another socket's round trips are timed. Printed to stdout; run with
 * `meson test --benchmark --suite server -v`.
 */
#include "config.h"

#include "server-test-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confab-protocol.h"

#define HISTORY_SIZE 10000
#define FLOOD_SIZE   20000
#define BENCH_TIMEOUT_S 120
/* About 80 MiB of state. */
#define SAVE_HISTORY_SIZE 40000
#define SAVE_MESSAGE_SIZE 2000
#define SAVE_DURATION_MS  3000

typedef struct {
  TestClient *client;
  guint scanned;          /* frames looked at so far */
  char *pending_id;       /* GetClock in flight */
  gint64 sent_at;
  GArray *latencies;      /* of gint64, µs */
} Prober;

static gboolean
bench_timeout_cb (gpointer user_data)
{
  g_error ("benchmark did not finish within %d s", BENCH_TIMEOUT_S);
  return G_SOURCE_REMOVE;
}

static void
prober_send (Prober *prober)
{
  g_free (prober->pending_id);
  prober->sent_at = g_get_monotonic_time ();
  prober->pending_id = test_client_send (prober->client, CONFAB_REQ_GET_CLOCK, NULL);
}

/* Records answered round trips and starts the next one. */
static void
prober_poll (Prober *prober)
{
  GPtrArray *frames = prober->client->frames;

  for (; prober->scanned < frames->len; prober->scanned++)
    {
      JsonObject *frame = json_node_get_object (g_ptr_array_index (frames, prober->scanned));

      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "kind", ""), "resp") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (frame, "reqId", ""), prober->pending_id) == 0)
        {
          gint64 latency = g_get_monotonic_time () - prober->sent_at;

          g_array_append_val (prober->latencies, latency);
          prober_send (prober);
        }
    }
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
prober_report (Prober     *prober,
               const char *what)
{
  GArray *latencies = prober->latencies;
  gint64 max;

  g_assert_cmpuint (latencies->len, >, 0);
  g_array_sort (latencies, compare_int64);
  max = g_array_index (latencies, gint64, latencies->len - 1);

  printf ("  %s: %u GetClock round trips on another socket; latency median %.2f ms, p99 %.2f ms, max %.2f ms\n",
          what, latencies->len,
          g_array_index (latencies, gint64, latencies->len / 2) / 1000.0,
          g_array_index (latencies, gint64, (latencies->len * 99) / 100) / 1000.0,
          max / 1000.0);
}

/* Counts the changes in notifications received since *scanned into *total. */
static guint
count_changes (TestClient *client,
               guint      *scanned,
               guint      *total,
               guint      *notifications)
{
  for (; *scanned < client->frames->len; (*scanned)++)
    {
      JsonObject *frame = json_node_get_object (g_ptr_array_index (client->frames, *scanned));

      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "type", ""), CONFAB_NOTIFY_MESSAGING) == 0)
        {
          *total += json_array_get_length (json_object_get_array_member (json_object_get_object_member (frame, "body"), "changes"));
          (*notifications)++;
        }
    }

  return *total;
}

static void
bench_replay (void)
{
  ConfabServer *server = test_server_new ();
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *prober_jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  g_autofree char *subscribe_id = NULL;
  g_autoptr(GError) error = NULL;
  TestClient *subscriber = test_client_new (server, jwt);
  Prober prober = { NULL };
  guint scanned = 0;
  guint total = 0;
  guint notifications = 0;
  gint64 start;
  gint64 elapsed;

  conversation_id = test_client_open_conversation (subscriber);
  for (guint i = 0; i < HISTORY_SIZE; i++)
    {
      g_autofree char *text = g_strdup_printf ("History message number %u, long enough to look like a sentence.", i);

      confab_server_agent_send_text (server, conversation_id, text, &error);
      g_assert_no_error (error);
    }

  prober.client = test_client_new (server, prober_jwt);
  prober.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  prober.scanned = prober.client->frames->len;

  start = g_get_monotonic_time ();
  subscribe_id = test_client_send (subscriber, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                   confab_subscribe_messaging_body (conversation_id, conversation_id, 0));
  prober_send (&prober);

  while (count_changes (subscriber, &scanned, &total, &notifications) < HISTORY_SIZE)
    {
      g_main_context_iteration (NULL, TRUE);
      prober_poll (&prober);
    }
  elapsed = g_get_monotonic_time () - start;

  printf ("replay: %u messages from fromSeq 0 in %u notifications, %.0f ms (%.0f messages/s)\n",
          HISTORY_SIZE, notifications, elapsed / 1000.0, HISTORY_SIZE / (elapsed / 1e6));
  prober_report (&prober, "during the replay");

  /* The probe in flight is answered before the sockets go. */
  test_client_wait_response (prober.client, prober.pending_id);

  g_array_unref (prober.latencies);
  g_free (prober.pending_id);
  test_client_free (prober.client);
  test_client_free (subscriber);
  test_server_free (server);
}

/* Counts responses received since *scanned into *total, and those that are not 200. */
static guint
count_responses (TestClient *client,
                 guint      *scanned,
                 guint      *total,
                 guint      *errors)
{
  for (; *scanned < client->frames->len; (*scanned)++)
    {
      JsonObject *frame = json_node_get_object (g_ptr_array_index (client->frames, *scanned));

      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "kind", ""), "resp") == 0)
        {
          (*total)++;
          if (json_object_get_int_member_with_default (frame, "code", 0) != 200)
            (*errors)++;
        }
    }

  return *total;
}

/* One socket sends n requests back to back, without waiting for answers. */
static void
bench_flood (const char *what,
             gboolean    publish)
{
  ConfabServer *server = test_server_new ();
  g_autofree char *jwt = test_signup (server, "confab-local");
  g_autofree char *prober_jwt = test_signup (server, "confab-local");
  g_autofree char *conversation_id = NULL;
  TestClient *flooder = test_client_new (server, jwt);
  Prober prober = { NULL };
  guint scanned;
  guint total = 0;
  guint errors = 0;
  gint64 start;
  gint64 elapsed;

  if (publish)
    conversation_id = test_client_open_conversation (flooder);
  scanned = flooder->frames->len;

  prober.client = test_client_new (server, prober_jwt);
  prober.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < FLOOD_SIZE; i++)
    {
      JsonNode *body = NULL;
      g_autofree char *text = NULL;

      if (publish)
        {
          text = g_strdup_printf ("flood %u", i);
          body = confab_publish_text_body (conversation_id, conversation_id, text);
        }
      g_free (test_client_send (flooder, publish ? CONFAB_REQ_PUBLISH_EVENT : CONFAB_REQ_GET_CLOCK, body));
    }
  prober_send (&prober);

  while (count_responses (flooder, &scanned, &total, &errors) < FLOOD_SIZE)
    {
      g_main_context_iteration (NULL, TRUE);
      prober_poll (&prober);
    }
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (errors, ==, 0);

  printf ("flood: %u %s requests sent at once from one socket, all answered in %.0f ms (%.0f requests/s)\n",
          FLOOD_SIZE, what, elapsed / 1000.0, FLOOD_SIZE / (elapsed / 1e6));
  prober_report (&prober, "during the flood");

  test_client_wait_response (prober.client, prober.pending_id);

  g_array_unref (prober.latencies);
  g_free (prober.pending_id);
  test_client_free (prober.client);
  test_client_free (flooder);
  test_server_free (server);
}

static gsize
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gsize) st.st_size : 0;
}

/* An agent message every 50 ms into a big state with a state file, while another socket's
 * round trips are timed: the state is saved about every quarter of a second meanwhile. */
static void
bench_save (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-bench-save-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autofree char *filler = g_strnfill (SAVE_MESSAGE_SIZE, 'x');
  g_autofree char *conversation_id = NULL;
  g_autofree char *prober_jwt = NULL;
  ConfabServer *server = confab_server_new ();
  Prober prober = { NULL };
  gint64 end;
  gint64 next_change = 0;
  guint changes = 0;

  g_assert_no_error (error);
  g_assert_true (confab_server_load_state (server, path, &error));
  g_assert_true (confab_server_listen (server, 0, &error));
  g_free (confab_server_issue_token (server, NULL, "bench-consumer", 3600));

  /* A big history, then a first save out of the way. */
  prober_jwt = test_signup (server, "confab-local");
  prober.client = test_client_new (server, prober_jwt);
  conversation_id = test_client_open_conversation (prober.client);
  for (guint i = 0; i < SAVE_HISTORY_SIZE; i++)
    {
      confab_server_agent_send_text (server, conversation_id, filler, &error);
      g_assert_no_error (error);
    }
  g_assert_true (confab_server_save_state (server, &error));
  prober.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  prober.scanned = prober.client->frames->len;

  prober_send (&prober);
  end = g_get_monotonic_time () + SAVE_DURATION_MS * 1000;
  while (g_get_monotonic_time () < end)
    {
      if (g_get_monotonic_time () >= next_change)
        {
          confab_server_agent_send_text (server, conversation_id, "one more", &error);
          g_assert_no_error (error);
          next_change = g_get_monotonic_time () + 50 * 1000;
          changes++;
        }
      g_main_context_iteration (NULL, FALSE);
      prober_poll (&prober);
    }

  printf ("save: %u changes in %d s to a state of %u messages (file %.1f MiB), saved as they come\n",
          changes, SAVE_DURATION_MS / 1000, SAVE_HISTORY_SIZE, file_size (path) / 1048576.0);
  prober_report (&prober, "meanwhile");

  test_client_wait_response (prober.client, prober.pending_id);
  g_array_unref (prober.latencies);
  g_free (prober.pending_id);
  test_client_free (prober.client);
  test_server_free (server);
  g_unlink (path);
  g_rmdir (dir);
}

/* bench-server [replay|flood|save]: all when no argument is given. */
int
main (int   argc,
      char *argv[])
{
  const char *which = argc > 1 ? argv[1] : "all";

  g_timeout_add_seconds (BENCH_TIMEOUT_S, bench_timeout_cb, NULL);

  if (g_str_equal (which, "replay") || g_str_equal (which, "all"))
    bench_replay ();
  if (g_str_equal (which, "flood") || g_str_equal (which, "all"))
    {
      bench_flood ("GetClock", FALSE);
      bench_flood ("PublishEvent (text)", TRUE);
    }
  if (g_str_equal (which, "save") || g_str_equal (which, "all"))
    bench_save ();
  fflush (stdout);

  return 0;
}
