/* confab-connection.h: one consumer WebSocket to a LivePerson messaging service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "confab-protocol.h"

G_BEGIN_DECLS

#define CONFAB_CONNECTION_ERROR (confab_connection_error_quark ())

typedef enum {
  CONFAB_CONNECTION_ERROR_TIMEOUT,      /* no answer in time */
  CONFAB_CONNECTION_ERROR_CLOSED,       /* the socket closed before the answer came */
  CONFAB_CONNECTION_ERROR_NOT_CONNECTED,
  CONFAB_CONNECTION_ERROR_AUTH,         /* token refused or expired */
  CONFAB_CONNECTION_ERROR_NETWORK,
} ConfabConnectionError;

GQuark confab_connection_error_quark (void);

/* A request the service answered with a code of 400 or more: the error's code is that code,
 * its message the body when the body is a string. */
#define CONFAB_RESPONSE_ERROR (confab_response_error_quark ())
GQuark confab_response_error_quark (void);

typedef enum {
  CONFAB_CONNECTION_STATE_DISCONNECTED,
  CONFAB_CONNECTION_STATE_CONNECTING,
  CONFAB_CONNECTION_STATE_CONNECTED,
} ConfabConnectionState;

/* Why the socket went away; what the session does next depends on it. */
typedef enum {
  CONFAB_DISCONNECT_NONE,
  CONFAB_DISCONNECT_REQUESTED,         /* confab_connection_close() */
  CONFAB_DISCONNECT_NETWORK,           /* anything else: back off and reconnect with the same token */
  CONFAB_DISCONNECT_AUTH,              /* upgrade 401/403 or close 4401: a new token is needed */
  CONFAB_DISCONNECT_IDENTITY_EXPIRED,  /* close 4407: sign up again */
} ConfabDisconnectReason;

#define CONFAB_CONNECTION_REQUEST_TIMEOUT_MS 10000
#define CONFAB_CONNECTION_KEEPALIVE_MS       30000

#define CONFAB_TYPE_CONNECTION (confab_connection_get_type ())
G_DECLARE_FINAL_TYPE (ConfabConnection, confab_connection, CONFAB, CONNECTION, GObject)

ConfabConnection      *confab_connection_new              (SoupSession *session,
                                                           const char  *url,
                                                           const char  *jwt);
void                   confab_connection_connect          (ConfabConnection *self);
void                   confab_connection_close            (ConfabConnection *self);
/* Gives up on a socket that stopped answering: ::disconnected with a network reason, so the
 * owner reconnects as after any network failure. */
void                   confab_connection_drop             (ConfabConnection *self,
                                                           const char       *why);
ConfabConnectionState  confab_connection_get_state        (ConfabConnection *self);
ConfabDisconnectReason confab_connection_get_disconnect_reason (ConfabConnection *self);
/* server clock minus local clock, in ms, from the last GetClock answer */
gint64                 confab_connection_get_clock_offset (ConfabConnection *self);

void                   confab_connection_set_request_timeout (ConfabConnection *self,
                                                              guint             timeout_ms);
void                   confab_connection_set_keepalive       (ConfabConnection *self,
                                                              guint             interval_ms);

/* Sends {"kind":"req","id":…,"type":type,"body":body} (body may be NULL; it is consumed).
 * The result is the response frame; codes of 400 and more finish with a CONFAB_RESPONSE_ERROR,
 * no answer in time with CONFAB_CONNECTION_ERROR_TIMEOUT, a closed socket with _CLOSED. */
void                   confab_connection_send_request        (ConfabConnection   *self,
                                                              const char         *type,
                                                              JsonNode           *body,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
/* The same with a top-level "metadata" array after the body (copied; NULL for none): what
 * a click in a rich message sends along. */
void                   confab_connection_send_request_full   (ConfabConnection   *self,
                                                              const char         *type,
                                                              JsonNode           *body,
                                                              JsonNode           *metadata,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
ConfabFrame           *confab_connection_send_request_finish (ConfabConnection *self,
                                                              GAsyncResult     *result,
                                                              GError          **error);

G_END_DECLS
