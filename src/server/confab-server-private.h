/* confab-server-private.h: what the parts of the local service share
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "confab-server.h"
#include "confab-server-state.h"

G_BEGIN_DECLS

#define CONFAB_SERVER_AGENT_NICKNAME    "Dana"
#define CONFAB_SERVER_AGENT_FULL_NAME   "Dana Whitfield"
#define CONFAB_SERVER_AGENT_EMPLOYEE_ID "confab-agent-1"

/* Largest frame a consumer may send, on purpose larger than CONFAB_FRAME_MAX_SIZE so the
 * protocol layer, not libsoup, answers a too-large frame. */
#define CONFAB_SERVER_MAX_INCOMING_PAYLOAD (16 * 1024 * 1024)

/* Replayed notifications stay under this many bytes (but carry at least one change), below
 * libsoup's default limit of 128 KiB for incoming messages, so that no client setting is
 * needed for ordinary history. */
#define CONFAB_SERVER_REPLAY_MAX_BYTES (96 * 1024)

/* Frames kept in the log the control API reads. */
#define CONFAB_SERVER_FRAME_LOG_LIMIT 20000

gint64   confab_server_now_ms (void);

void     confab_server_reply_json  (SoupServerMessage *msg,
                                    guint              status,
                                    JsonNode          *node);
void     confab_server_reply_error (SoupServerMessage *msg,
                                    guint              status,
                                    const char        *message);

/* The /control/ API (confab-server-control.c). */
void     confab_server_control_handle (ConfabServer      *server,
                                       SoupServerMessage *msg,
                                       const char        *path,
                                       GHashTable        *query);

/* For the scripted agents: a read-only look at one conversation. */
gboolean confab_server_peek_conversation (ConfabServer *self,
                                          const char   *conversation_id,
                                          guint        *n_events,
                                          gboolean     *closed,
                                          gboolean     *accepted);

G_END_DECLS
