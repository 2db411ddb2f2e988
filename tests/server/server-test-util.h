/* server-test-util.h: a real WebSocket client and HTTP helpers for the server tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "confab-server.h"
#include "confab-test-util.h"

G_BEGIN_DECLS

typedef struct {
  SoupSession *session;
  SoupWebsocketConnection *conn;
  GPtrArray *frames;          /* of JsonNode: every frame received, oldest first */
  GPtrArray *raw;             /* of char *: the same frames as text */
  guint next_id;
  gboolean closed;
  gushort close_code;
  char *consumer_id;          /* the token's sub */
} TestClient;

/* A server on 127.0.0.1, port 0, with nobody playing the agent. */
ConfabServer *test_server_new (void);
/* The same with the scripted agent, which goes when the server does. */
ConfabServer *test_server_new_with_bot (void);
/* Lets the scripted agent answer for server (listening or not) until the server goes. */
void          test_server_attach_bot (ConfabServer *server);
/* Unrefs the server and lets libsoup finish closing its connections. */
void          test_server_free (ConfabServer *server);

char         *test_signup (ConfabServer *server,
                           const char   *account_id);

/* HTTP on the server's port; body may be NULL. Returns the parsed JSON answer (or NULL when
 * it is not JSON) and the status. extra_header may be NULL or "Name: value". */
JsonNode     *test_http (ConfabServer *server,
                         const char   *method,
                         const char   *path,
                         const char   *body,
                         const char   *extra_header,
                         guint        *status);
JsonNode     *test_http_url (const char *base_url,
                             const char *method,
                             const char *path,
                             const char *body,
                             const char *extra_header,
                             guint      *status);
/* POST /control/<what> with a JSON body; asserts status 200 unless expected_status says otherwise. */
JsonNode     *test_control (ConfabServer *server,
                            const char   *what,
                            const char   *body,
                            guint         expected_status);

/* Tries to open the consumer socket with this Authorization header value (NULL: none).
 * Returns the HTTP status of the upgrade (101 when it worked); the connection is closed again. */
guint         test_upgrade_status (ConfabServer *server,
                                   const char   *account_id,
                                   const char   *authorization);

TestClient   *test_client_new (ConfabServer *server,
                               const char   *jwt);
TestClient   *test_client_new_for_url (const char *base_url,
                                       const char *account_id,
                                       const char *jwt);
void          test_client_free (TestClient *client);

void          test_client_send_raw (TestClient *client,
                                    const char *text);
/* Sends a request and returns its id. body is consumed (may be NULL). */
char         *test_client_send (TestClient *client,
                                const char *type,
                                JsonNode   *body);
/* The same with a top-level "metadata" (consumed, may be NULL), as a click sends it. */
char         *test_client_send_full (TestClient *client,
                                     const char *type,
                                     JsonNode   *body,
                                     JsonNode   *metadata);
JsonObject   *test_client_request_full (TestClient *client,
                                        const char *type,
                                        JsonNode   *body,
                                        JsonNode   *metadata);
/* Waits for the response to id and returns it (owned by client). */
JsonObject   *test_client_wait_response (TestClient *client,
                                         const char *id);
JsonObject   *test_client_request (TestClient *client,
                                   const char *type,
                                   JsonNode   *body);
/* Same, with body given as JSON text. */
JsonObject   *test_client_request_json (TestClient *client,
                                        const char *type,
                                        const char *body_json);
/* Waits for the next notification of type at or after *cursor (an index into frames) and
 * moves the cursor past it. */
JsonObject   *test_client_wait_notification (TestClient *client,
                                             const char *type,
                                             guint      *cursor);
guint         test_client_count (TestClient *client,
                                 const char *kind,
                                 const char *type);
/* Every change of every ms.MessagingEventNotification received, in order; only those with
 * an event of event_type when it is not NULL. */
GPtrArray    *test_client_messaging_changes (TestClient *client,
                                             const char *event_type);
/* Waits until the client holds n changes of event_type. */
GPtrArray    *test_client_wait_changes (TestClient *client,
                                        const char *event_type,
                                        guint       n);
void          test_client_wait_closed (TestClient *client);

/* Asks for a conversation and returns its id. */
char         *test_client_open_conversation (TestClient *client);
void          test_client_subscribe (TestClient *client,
                                     const char *conversation_id,
                                     gint64      from_seq);
gint64        test_client_publish_text (TestClient *client,
                                        const char *conversation_id,
                                        const char *text);

/* A plain TCP connection to the server's port, for what no HTTP client would do. */
typedef struct {
  GSocket *socket;
  gboolean closed;            /* the server closed it (end of stream or reset) */
} TestRaw;

TestRaw      *test_raw_new (guint16 port);
void          test_raw_send (TestRaw    *raw,
                             const char *text);
/* Whether the server has closed it by now; reads and drops what it sent. */
gboolean      test_raw_closed (TestRaw *raw);
void          test_raw_free (TestRaw *raw);

/* Any HTTP request with a body of bytes (NULL for none); returns the answer's bytes. */
GBytes       *test_http_bytes (const char *url,
                               const char *method,
                               GBytes     *body,
                               guint      *status);
/* JSON text that must parse. */
JsonNode     *test_json (const char *text);
/* The conversation of that id in confab_server_dup_state()'s answer. */
JsonObject   *test_state_conversation (JsonNode   *state,
                                       const char *conversation_id);
/* The code of a response frame. */
gint64        test_response_code (JsonObject *response);

/* What most server tests start from: a server, a signed-in client and, once opened, its
 * conversation subscribed. Tests declare `typedef ServerFixture Fixture;`. */
typedef struct {
  ConfabServer *server;
  char *jwt;
  TestClient *client;
  char *conversation_id;
  guint ex_cursor;            /* ex-conversation notifications read so far */
} ServerFixture;

/* Takes server; signs a consumer up and connects its client. */
void          server_fixture_connect  (ServerFixture *fixture,
                                       ConfabServer  *server);
/* Asks for a conversation and subscribes to its events from the start. */
void          server_fixture_open     (ServerFixture *fixture);
void          server_fixture_teardown (ServerFixture *fixture,
                                       gconstpointer  data);

const char   *test_frame_body_string (JsonObject *frame);
JsonObject   *test_frame_body_object (JsonObject *frame);

G_END_DECLS
