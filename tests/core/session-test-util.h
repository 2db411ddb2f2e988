/* session-test-util.h: a session on the local service, as the session and window tests use it
 * (tests/core/session-test-util.c)
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-test-util.h"
#include "confab-session.h"
#include "confab-server.h"

G_BEGIN_DECLS

/* The local service on 127.0.0.1, on a port of its own. */
ConfabServer      *session_test_server_new      (void);
/* An account on server set up as a real one: CSDS for the domains, signup for the token. */
ConfabAccount     *session_test_account_new     (ConfabServer *server);
/* A session on account with the tests' short timings; store may be NULL. */
ConfabSession     *session_test_session_new     (ConfabAccount *account,
                                                 ConfabStore   *store);
/* Stops and drops the session (may be NULL), drops the account and shuts the service down. */
void               session_test_close           (ConfabServer  **server,
                                                 ConfabAccount **account,
                                                 ConfabSession **session);
/* Runs what the main context has pending, until nothing is. */
void               session_test_drain           (void);

/* The messages of the list, not the rows for events of the conversation (an agent joined,
 * it closed). message_at and newest return what the list keeps alive. */
guint              session_test_n_messages      (ConfabSession *session);
ConfabMessage     *session_test_message_at      (ConfabSession *session,
                                                 guint          i);
ConfabMessage     *session_test_newest          (ConfabSession *session);
/* Every row of the list, events too; row_at returns what the list keeps alive. */
guint              session_test_n_rows          (ConfabSession *session);
ConfabMessage     *session_test_row_at          (ConfabSession *session,
                                                 guint          i);

/* Starts the session and writes the first message, which opens a conversation; returns it
 * once it is sent (the list keeps it alive). */
ConfabMessage     *session_test_start_conversation (ConfabSession *session);

/* The agent's structured content (with its metadata, consumed, may be NULL) or text with quick
 * replies (may be NULL), as the local service's agent sends them in session's conversation:
 * its sequence. */
gint64             session_test_agent_sends_rich (ConfabServer      *server,
                                                  ConfabSession     *session,
                                                  ConfabRichContent *content,
                                                  JsonNode          *metadata);
gint64             session_test_agent_sends_text (ConfabServer       *server,
                                                  ConfabSession      *session,
                                                  const char         *text,
                                                  ConfabQuickReplies *chips);

/* How many frames of type the service logged, only those whose JSON holds needle when it is
 * not NULL. */
guint              session_test_count_frames    (ConfabServer *server,
                                                 const char   *type,
                                                 const char   *needle);

/* What most session tests start from: the service, an account on it, a session and, when
 * asked for, a history of its own. Tests declare `typedef SessionFixture Fixture;`. */
typedef struct
{
  ConfabServer *server;
  char *base_url;
  ConfabAccount *account;
  ConfabSession *session;
  char *store_path;
  ConfabStore *store;
  GArray *states;           /* of ConfabSessionState: every change of session's state */
} SessionFixture;

/* The service, the account and the session; when data is not NULL, with a new history of
 * its own. */
void               session_fixture_setup        (SessionFixture *f,
                                                 gconstpointer   data);
/* Another session on the fixture's account and history, as after a restart. */
ConfabSession     *session_fixture_new_session  (SessionFixture *f);
void               session_fixture_teardown     (SessionFixture *f,
                                                 gconstpointer   data);

G_END_DECLS
