/* server-main.c: confab-server, the local service on its own
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "server/confab-agent-bot.h"
#include "server/confab-agent-console.h"
#include "server/confab-server.h"

/* Who plays the agent: --agent bot|console|none */
typedef enum {
  AGENT_MODE_BOT,      /* the scripted agent answers */
  AGENT_MODE_CONSOLE,  /* a person plays the agent from stdin */
  AGENT_MODE_NONE,     /* the agent acts only through the control API */
} AgentMode;

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_agent_mode (const char *name,
                  AgentMode  *mode)
{
  if (g_strcmp0 (name, "bot") == 0)
    *mode = AGENT_MODE_BOT;
  else if (g_strcmp0 (name, "console") == 0)
    *mode = AGENT_MODE_CONSOLE;
  else if (g_strcmp0 (name, "none") == 0)
    *mode = AGENT_MODE_NONE;
  else
    return FALSE;
  return TRUE;
}

static GObject *
attach_agent (ConfabServer *server,
              AgentMode     mode)
{
  switch (mode)
    {
    case AGENT_MODE_BOT:
      return G_OBJECT (confab_agent_bot_new (server));
    case AGENT_MODE_CONSOLE:
      return G_OBJECT (confab_agent_console_new (server));
    case AGENT_MODE_NONE:
    default:
      return NULL;
    }
}

typedef struct {
  int port;
  char *state_path;
  AgentMode mode;
  gboolean post_survey;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->state_path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* Fills options from the command line; returns the exit status when the program should
 * stop here (--version, a bad option), else -1. */
static int
parse_options (int      *argc,
               char   ***argv,
               Options  *options)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *agent_name = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &options->port, "Port on 127.0.0.1 (0, the default, picks a free one)", "N" },
    { "state", 's', 0, G_OPTION_ARG_FILENAME, &options->state_path, "Keep conversations, consumers and the signing key in FILE", "FILE" },
    { "agent", 'a', 0, G_OPTION_ARG_STRING, &agent_name, "Who answers: bot (default), console or none", "bot|console|none" },
    { "post-survey", 0, 0, G_OPTION_ARG_NONE, &options->post_survey, "Run a post-conversation survey when the agent closes a conversation", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Confab's local messaging service: speaks LivePerson's consumer messaging "
                                "protocol on a loopback port, with a scripted agent.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("confab-server: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("confab-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (options->port < 0 || options->port > G_MAXUINT16)
    {
      g_printerr ("confab-server: --port takes 0 to 65535\n");
      return 2;
    }

  if (agent_name != NULL && !parse_agent_mode (agent_name, &options->mode))
    {
      g_printerr ("confab-server: --agent takes bot, console or none\n");
      return 2;
    }

  return -1;
}

/* SIGINT and SIGTERM quit loop. Watched from before the address is printed: a script may
 * send one as soon as it has read it. */
static void
watch_signals (GMainLoop *loop,
               guint      sources[2])
{
  sources[0] = g_unix_signal_add (SIGINT, quit_cb, loop);
  sources[1] = g_unix_signal_add (SIGTERM, quit_cb, loop);
}

/* From here on a signal stops the process at once, even in the middle of shutting down. */
static void
unwatch_signals (guint sources[2])
{
  g_source_remove (sources[0]);
  g_source_remove (sources[1]);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConfabServer) server = NULL;
  g_autoptr(GObject) agent = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_auto(Options) options = { 0, NULL, AGENT_MODE_BOT, FALSE };
  guint signal_sources[2];
  int status;

  setlocale (LC_ALL, "");
  /* stdout is for the "listening on" line (scripts read the address from it) and the
   * console agent: every log message goes to stderr, whatever G_MESSAGES_DEBUG says. */
  g_log_writer_default_set_use_stderr (TRUE);

  status = parse_options (&argc, &argv, &options);
  if (status >= 0)
    return status;

  loop = g_main_loop_new (NULL, FALSE);
  watch_signals (loop, signal_sources);

  server = confab_server_new ();
  confab_server_set_post_survey (server, options.post_survey);
  /* Before the state is loaded: the agent takes the conversations that were waiting. */
  agent = attach_agent (server, options.mode);

  if (options.state_path != NULL && !confab_server_load_state (server, options.state_path, &error))
    {
      g_printerr ("confab-server: %s\n", error->message);
      return 1;
    }

  if (!confab_server_listen (server, (guint16) options.port, &error))
    {
      g_printerr ("confab-server: cannot listen: %s\n", error->message);
      return 1;
    }

  base_url = confab_server_dup_base_url (server);
  printf ("listening on %s\n", base_url);
  fflush (stdout);

  g_main_loop_run (loop);
  unwatch_signals (signal_sources);

  /* The agent first, so it does not act on a half-closed server. */
  g_clear_object (&agent);
  confab_server_shutdown (server);

  return 0;
}
