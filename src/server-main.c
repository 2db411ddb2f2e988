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

#include "server/confab-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_agent_mode (const char      *name,
                  ConfabAgentMode *mode)
{
  if (g_strcmp0 (name, "bot") == 0)
    *mode = CONFAB_AGENT_MODE_BOT;
  else if (g_strcmp0 (name, "console") == 0)
    *mode = CONFAB_AGENT_MODE_CONSOLE;
  else if (g_strcmp0 (name, "none") == 0)
    *mode = CONFAB_AGENT_MODE_NONE;
  else
    return FALSE;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ConfabServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_path = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *base_url = NULL;
  ConfabAgentMode mode = CONFAB_AGENT_MODE_BOT;
  gboolean version = FALSE;
  int port = 0;
  guint sigint_source;
  guint sigterm_source;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0, the default, picks a free one)", "N" },
    { "state", 's', 0, G_OPTION_ARG_FILENAME, &state_path, "Keep conversations, consumers and the signing key in FILE", "FILE" },
    { "agent", 'a', 0, G_OPTION_ARG_STRING, &agent, "Who answers: bot (default), console or none", "bot|console|none" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Confab's local messaging service: speaks LivePerson's consumer messaging "
                                "protocol on a loopback port, with a scripted agent.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("confab-server: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("confab-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (port < 0 || port > G_MAXUINT16)
    {
      g_printerr ("confab-server: --port takes 0 to 65535\n");
      return 2;
    }

  if (agent != NULL && !parse_agent_mode (agent, &mode))
    {
      g_printerr ("confab-server: --agent takes bot, console or none\n");
      return 2;
    }

  server = confab_server_new (mode);

  if (state_path != NULL && !confab_server_load_state (server, state_path, &error))
    {
      g_printerr ("confab-server: %s\n", error->message);
      return 1;
    }

  if (!confab_server_listen (server, (guint16) port, &error))
    {
      g_printerr ("confab-server: cannot listen: %s\n", error->message);
      return 1;
    }

  base_url = confab_server_dup_base_url (server);
  printf ("listening on %s\n", base_url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_source = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_source = g_unix_signal_add (SIGTERM, quit_cb, loop);

  g_main_loop_run (loop);

  g_source_remove (sigint_source);
  g_source_remove (sigterm_source);
  confab_server_shutdown (server);

  return 0;
}
