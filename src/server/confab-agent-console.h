/* confab-agent-console.h: a person plays the agent from the terminal
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-server.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_AGENT_CONSOLE (confab_agent_console_get_type ())

G_DECLARE_FINAL_TYPE (ConfabAgentConsole, confab_agent_console, CONFAB, AGENT_CONSOLE, GObject)

/* Reads agent lines from stdin and prints what consumers do to stdout, for server, until
 * the console or the server goes. The caller owns the console; it does not keep server
 * alive. */
ConfabAgentConsole *confab_agent_console_new (ConfabServer *server);

G_END_DECLS
