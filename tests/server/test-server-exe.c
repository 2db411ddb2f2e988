/* test-server-exe.c: the confab-server executable, run as a real process
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "confab-protocol.h"

#define PROCESS_TIMEOUT_MS 10000

typedef struct {
  GSubprocess *process;
  GDataInputStream *stdout_lines;
  GDataInputStream *stderr_lines;   /* NULL unless asked for */
  GOutputStream *stdin_pipe;
  char *base_url;
} Server;

typedef struct {
  char *line;
  GError *error;
  gboolean done;
} LineData;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineData *data = user_data;

  data->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &data->error);
  data->done = TRUE;
}

/* The next line of stream, or NULL at its end. */
static char *
read_stream_line (GDataInputStream *stream)
{
  LineData data = { NULL, NULL, FALSE };

  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL, read_line_cb, &data);
  CONFAB_TEST_WAIT_UNTIL (data.done, PROCESS_TIMEOUT_MS);
  g_assert_no_error (data.error);

  return data.line;
}

/* The next line of the server's stdout, or NULL at its end. */
static char *
read_line (Server *server)
{
  return read_stream_line (server->stdout_lines);
}

static void
wait_for_line (Server     *server,
               const char *needle)
{
  for (;;)
    {
      g_autofree char *line = read_line (server);

      g_assert_nonnull (line);
      if (strstr (line, needle) != NULL)
        return;
    }
}

/* Runs confab-server with argv (NULL-terminated, without the program), extra_env
 * ("NAME=value" strings, or NULL: then stderr is read too) and child_setup (or NULL), and
 * reads its first line. */
static Server *
server_spawn (const char * const   *args,
              const char * const   *extra_env,
              GSpawnChildSetupFunc  child_setup)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first_line = NULL;
  Server *server = g_new0 (Server, 1);
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE;

  g_ptr_array_add (argv, (char *) CONFAB_SERVER_EXE);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  if (extra_env != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDERR_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  if (child_setup != NULL)
    g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (extra_env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  server->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  if (extra_env != NULL)
    server->stderr_lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (server->process));
  server->stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (server->process));

  /* The first line, whatever else the agent prints later. */
  first_line = read_line (server);
  g_assert_nonnull (first_line);
  g_assert_true (g_str_has_prefix (first_line, "listening on http://127.0.0.1:"));
  server->base_url = g_strdup (first_line + strlen ("listening on "));
  g_assert_cmpint (atoi (strrchr (server->base_url, ':') + 1), >, 0);

  return server;
}

static Server *
server_start (const char *first_arg,
              ...) G_GNUC_NULL_TERMINATED;

static Server *
server_start (const char *first_arg,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return server_spawn ((const char * const *) args->pdata, NULL, NULL);
}

typedef struct {
  gboolean done;
} WaitData;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WaitData *data = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  data->done = TRUE;
}

/* Waits for the process to end; kills it by its pid if it does not, and fails. */
static int
server_wait (Server *server)
{
  WaitData data = { FALSE };
  gint64 deadline = g_get_monotonic_time () + PROCESS_TIMEOUT_MS * 1000;

  g_subprocess_wait_async (server->process, NULL, wait_cb, &data);
  while (!data.done && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }

  if (!data.done)
    {
      g_subprocess_force_exit (server->process);
      CONFAB_TEST_WAIT_UNTIL (data.done, PROCESS_TIMEOUT_MS);
      g_error ("confab-server did not stop in time");
    }

  g_assert_true (g_subprocess_get_if_exited (server->process));
  return g_subprocess_get_exit_status (server->process);
}

static void
server_free (Server *server)
{
  g_clear_object (&server->stdout_lines);
  g_clear_object (&server->stderr_lines);
  g_clear_object (&server->stdin_pipe);
  g_clear_object (&server->process);
  g_free (server->base_url);
  g_free (server);
}

static void
server_stop (Server *server,
             int     signal_number)
{
  g_subprocess_send_signal (server->process, signal_number);
  g_assert_cmpint (server_wait (server), ==, 0);
  server_free (server);
}

static char *
signup (Server *server)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = test_http_url (server->base_url, "POST", "/api/account/confab-local/signup", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "jwt"));
}

static void
write_stdin (Server     *server,
             const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (server->stdin_pipe, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (server->stdin_pipe, NULL, &error);
  g_assert_no_error (error);
}

static void
test_listening_line (void)
{
  Server *server = server_start ("--port", "0", "--agent", "none", NULL);
  g_autofree char *path = g_strdup ("/api/account/confab-local/service/asyncMessagingEnt/baseURI.json?version=1.0");
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = test_http_url (server->base_url, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "baseURI"), ==, server->base_url);

  server_stop (server, SIGTERM);
}

/* Debug logging on: the address is still the first line of stdout, the log goes to stderr. */
static void
test_listening_line_with_debug_log (void)
{
  const char * const args[] = { "--agent", "bot", NULL };
  const char * const env[] = { "G_MESSAGES_DEBUG=all", NULL };
  Server *server = server_spawn (args, env, NULL);
  gboolean logged = FALSE;

  /* The server's own debug message about the port it listens on. */
  while (!logged)
    {
      g_autofree char *line = read_stream_line (server->stderr_lines);

      g_assert_nonnull (line);
      logged = strstr (line, "Confab-Server-DEBUG") != NULL && strstr (line, "listening on port") != NULL;
    }

  server_stop (server, SIGTERM);
}

/* Reads the server's stderr into log until a line holds needle (NULL: to its end). */
static void
read_log (Server     *server,
          GString    *log,
          const char *needle)
{
  for (;;)
    {
      g_autofree char *line = read_stream_line (server->stderr_lines);

      if (line == NULL)
        {
          g_assert_null (needle);
          return;
        }
      g_string_append_printf (log, "%s\n", line);
      if (needle != NULL && strstr (line, needle) != NULL)
        return;
    }
}

static guint
count_lines_with (const char *text,
                  const char *needle)
{
  guint count = 0;

  for (const char *at = strstr (text, needle); at != NULL; at = strstr (at + 1, needle))
    count++;
  return count;
}

#define FEW_DESCRIPTORS 40

/* In the child, before exec: a process that runs out of descriptors soon. */
static void
limit_descriptors (gpointer user_data)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = FEW_DESCRIPTORS;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* More connections than the server has descriptors: it says so once, and takes clients
 * again as soon as they have gone (libsoup alone never accepted again). */
static void
test_out_of_descriptors (void)
{
  const char * const args[] = { "--agent", "none", NULL };
  const char * const env[] = { "G_MESSAGES_DEBUG=", NULL };
  Server *server = server_spawn (args, env, limit_descriptors);
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify) test_raw_free);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  guint16 port = (guint16) atoi (strrchr (server->base_url, ':') + 1);
  guint status = 0;

  for (guint i = 0; i < FEW_DESCRIPTORS + 20; i++)
    g_ptr_array_add (held, test_raw_new (port));
  read_log (server, log, "Not accepting connections while out of file descriptors");

  g_ptr_array_set_size (held, 0);
  answer = test_http_url (server->base_url, "GET", "/api/account/confab-local/service/idp/baseURI.json",
                          NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  read_log (server, log, "Accepting connections again");

  /* Said once, not at every try. */
  g_subprocess_send_signal (server->process, SIGTERM);
  g_assert_cmpint (server_wait (server), ==, 0);
  read_log (server, log, NULL);
  g_assert_cmpuint (count_lines_with (log->str, "Not accepting connections"), ==, 1);
  g_assert_cmpuint (count_lines_with (log->str, "Accepting connections again"), ==, 1);
  server_free (server);
}

static void
test_state_across_processes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-server-exe-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autofree char *jwt = NULL;
  g_autofree char *conversation_id = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  Server *server;
  TestClient *client;
  guint status = 0;

  g_assert_no_error (error);

  server = server_start ("--state", path, "--agent", "none", NULL);
  jwt = signup (server);
  client = test_client_new_for_url (server->base_url, "confab-local", jwt);
  conversation_id = test_client_open_conversation (client);
  test_client_publish_text (client, conversation_id, "before the restart");
  test_client_free (client);
  server_stop (server, SIGINT);

  server = server_start ("--state", path, "--agent", "none", NULL);
  state = test_http_url (server->base_url, "POST", "/control/state", "{}", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (state), "conversations"), 0), "id"), ==, conversation_id);

  client = test_client_new_for_url (server->base_url, "confab-local", jwt);
  test_client_subscribe (client, conversation_id, 0);
  changes = test_client_wait_changes (client, "ContentEvent", 1);
  test_client_free (client);
  server_stop (server, SIGTERM);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_console_agent (void)
{
  Server *server = server_start ("--agent", "console", NULL);
  g_autofree char *jwt = signup (server);
  g_autofree char *conversation_id = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  TestClient *client;
  JsonObject *change;
  guint cursor = 0;

  client = test_client_new_for_url (server->base_url, "confab-local", jwt);
  test_client_request (client, CONFAB_REQ_SUBSCRIBE_EX, confab_subscribe_ex_body (0));
  test_client_wait_notification (client, CONFAB_NOTIFY_EX_CONVERSATION, &cursor);
  conversation_id = test_client_open_conversation (client);
  test_client_subscribe (client, conversation_id, 0);
  wait_for_line (server, "requested");

  /* The consumer's message is printed and acknowledged. */
  test_client_publish_text (client, conversation_id, "is anyone there?");
  wait_for_line (server, "consumer [0]: is anyone there?");
  receipts = test_client_wait_changes (client, "AcceptStatusEvent", 1);

  /* A line typed by the person is the agent's message, and marks the consumer's read. */
  write_stdin (server, "/typing\n");
  write_stdin (server, "hello from the console\n");
  texts = test_client_wait_changes (client, "ContentEvent", 2);
  change = g_ptr_array_index (texts, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "event"), "message"), ==,
                   "hello from the console");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "originatorMetadata"), "role"), ==,
                   "ASSIGNED_AGENT");
  g_ptr_array_unref (test_client_wait_changes (client, "ChatStateEvent", 1));
  g_ptr_array_unref (test_client_wait_changes (client, "AcceptStatusEvent", 2));

  /* Rich messages: the menu card, a photo, quick replies; a click is printed. */
  write_stdin (server, "/menu\n");
  g_ptr_array_unref (test_client_wait_changes (client, "RichContentEvent", 1));
  write_stdin (server, "/photo\n");
  write_stdin (server, "/quick \n");
  wait_for_line (server, "/quick needs choices");
  write_stdin (server, "/quick Red | Green|| Blue\n");
  g_clear_pointer (&texts, g_ptr_array_unref);
  texts = test_client_wait_changes (client, "ContentEvent", 4);
  change = g_ptr_array_index (texts, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "event"), "contentType"), ==,
                   "hosted/file");
  {
    JsonObject *event = json_object_get_object_member (g_ptr_array_index (texts, 3), "event");
    g_autoptr(ConfabQuickReplies) replies = confab_quick_replies_parse (json_object_get_member (event, "quickReplies"));
    gint64 sequence = json_object_get_int_member (g_ptr_array_index (texts, 3), "sequence");

    g_assert_cmpstr (json_object_get_string_member (event, "message"), ==, "Choose one:");
    g_assert_nonnull (replies);
    g_assert_cmpuint (replies->replies->len, ==, 3);
    g_assert_cmpstr (((ConfabRichElement *) g_ptr_array_index (replies->replies, 1))->title, ==, "Green");

    test_client_request_full (client, CONFAB_REQ_PUBLISH_EVENT,
                              confab_publish_receipt_body (conversation_id, conversation_id, CONFAB_RECEIPT_ACTION,
                                                           &sequence, 1),
                              confab_metadata_new_external_id ("choice-2"));
    wait_for_line (server, "the consumer clicked choice-2");
  }

  write_stdin (server, "/close\n");
  wait_for_line (server, "closed (AGENT)");

  test_client_free (client);
  server_stop (server, SIGTERM);
}

static void
test_bad_arguments (void)
{
  const char *bad[][3] = {
    { "--agent", "nobody", NULL },
    { "--port", "70000", NULL },
    { "--no-such-option", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      Server server = { NULL };
      const char *argv[4] = { CONFAB_SERVER_EXE, bad[i][0], bad[i][1], NULL };

      server.process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                          &error);
      g_assert_no_error (error);
      g_assert_cmpint (server_wait (&server), ==, 2);
      g_clear_object (&server.process);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/exe/listening-line", test_listening_line);
  g_test_add_func ("/server/exe/listening-line-debug", test_listening_line_with_debug_log);
  g_test_add_func ("/server/exe/out-of-descriptors", test_out_of_descriptors);
  g_test_add_func ("/server/exe/state", test_state_across_processes);
  g_test_add_func ("/server/exe/console-agent", test_console_agent);
  g_test_add_func ("/server/exe/bad-arguments", test_bad_arguments);

  return g_test_run ();
}
