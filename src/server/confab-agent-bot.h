/* confab-agent-bot.h: the scripted agent of the local service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-server.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_AGENT_BOT (confab_agent_bot_get_type ())

G_DECLARE_FINAL_TYPE (ConfabAgentBot, confab_agent_bot, CONFAB, AGENT_BOT, GObject)

/* From now on the bot answers the consumers of server, until the bot or the server goes.
 * The caller owns the bot; the bot does not keep server alive. */
ConfabAgentBot *confab_agent_bot_new (ConfabServer *server);

/* What the bot answers to a consumer's text; *close_after is set for "bye". */
char           *confab_agent_bot_compose_reply (const char *text,
                                                const char *conversation_id,
                                                guint       n_events,
                                                gboolean   *close_after);

G_END_DECLS
