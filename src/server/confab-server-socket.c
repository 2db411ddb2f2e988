/* confab-server-socket.c: ConfabServer's consumer WebSocket connections
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The upgrade is refused with 401 unless the token is good; an open socket is closed when
 * its token expires. Frames wait in the socket's inbox and busy sockets take turns, a batch
 * of frames each, so that one socket sending a flood cannot hold up the others.
 */
#include "config.h"

#include "confab-server-private.h"
#include "confab-token.h"

/* Frames handled for one socket before the next busy socket gets its turn. */
#define WORK_BATCH 32
/* A client this far behind reading its answers is broken; its socket is closed. */
#define MAX_INBOX_FRAMES 100000

typedef struct {
  gboolean is_text;
  gboolean too_large;   /* dropped by the guard: bytes is its start */
  GBytes *bytes;
} InboundFrame;

/* What the upgrade's token said, from the HTTP handler to the WebSocket one. */
typedef struct {
  char *consumer_id;
  char *account_id;
  gint64 expires_at;
} UpgradeAuth;

static void
ex_subscription_free (ExSubscription *subscription)
{
  g_free (subscription->id);
  g_free (subscription);
}

static void
dialog_subscription_free (DialogSubscription *subscription)
{
  g_clear_handle_id (&subscription->replay_source, g_source_remove);
  g_free (subscription->conversation_id);
  g_free (subscription->dialog_id);
  g_free (subscription);
}

static void
upgrade_auth_free (UpgradeAuth *auth)
{
  g_free (auth->consumer_id);
  g_free (auth->account_id);
  g_free (auth);
}

static void
inbound_frame_free (InboundFrame *frame)
{
  g_bytes_unref (frame->bytes);
  g_free (frame);
}

void
consumer_socket_free (gpointer data)
{
  ConsumerSocket *socket = data;

  if (socket->is_busy)
    g_queue_remove (&socket->server->busy_sockets, socket);
  g_queue_clear_full (&socket->inbox, (GDestroyNotify) inbound_frame_free);
  g_signal_handlers_disconnect_by_data (socket->conn, socket);
  g_clear_handle_id (&socket->expiry_source, g_source_remove);
  g_clear_pointer (&socket->dialog_subscriptions, g_hash_table_unref);
  g_clear_pointer (&socket->ex_subscriptions, g_ptr_array_unref);
  g_clear_object (&socket->conn);
  g_clear_object (&socket->socket);
  g_clear_object (&socket->guard);
  g_free (socket->consumer_id);
  g_free (socket->account_id);
  g_free (socket);
}

/* Busy sockets take turns, a batch of frames each, so that one socket sending a flood
 * (libsoup reads all that has arrived in one go) cannot hold up the others. */
static gboolean
work_cb (gpointer user_data)
{
  ConfabServer *self = user_data;
  guint turns = self->busy_sockets.length;

  for (guint i = 0; i < turns && !g_queue_is_empty (&self->busy_sockets); i++)
    {
      ConsumerSocket *socket = g_queue_pop_head (&self->busy_sockets);

      for (guint n = 0; n < WORK_BATCH && !g_queue_is_empty (&socket->inbox); n++)
        {
          InboundFrame *frame = g_queue_pop_head (&socket->inbox);

          if (!consumer_socket_is_open (socket))
            ;
          else if (frame->too_large)
            consumer_socket_handle_too_large (socket, frame->bytes);
          else
            consumer_socket_handle_frame (socket, frame->is_text, frame->bytes);
          inbound_frame_free (frame);
        }

      if (g_queue_is_empty (&socket->inbox))
        socket->is_busy = FALSE;
      else
        g_queue_push_tail (&self->busy_sockets, socket);
    }

  if (g_queue_is_empty (&self->busy_sockets))
    {
      self->work_source = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
on_socket_message (SoupWebsocketConnection *conn,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  ConsumerSocket *socket = user_data;
  ConfabServer *self = socket->server;
  g_autoptr(GBytes) head = NULL;
  InboundFrame *frame;
  guint64 index = socket->n_messages++;

  if (socket->inbox.length >= MAX_INBOX_FRAMES)
    {
      g_debug ("socket %u: too many frames waiting, closing", socket->serial);
      if (consumer_socket_is_open (socket))
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "too many requests");
      return;
    }

  frame = g_new0 (InboundFrame, 1);
  frame->is_text = type == SOUP_WEBSOCKET_DATA_TEXT;
  frame->too_large = confab_frame_guard_take_dropped (socket->guard, index, &head);
  frame->bytes = frame->too_large ? g_steal_pointer (&head) : g_bytes_ref (message);
  g_queue_push_tail (&socket->inbox, frame);

  if (!socket->is_busy)
    {
      socket->is_busy = TRUE;
      g_queue_push_tail (&self->busy_sockets, socket);
    }

  if (self->work_source == 0)
    self->work_source = g_idle_add_full (G_PRIORITY_DEFAULT, work_cb, self, NULL);
}

static void
on_socket_error (SoupWebsocketConnection *conn,
                 GError                  *error,
                 gpointer                 user_data)
{
  ConsumerSocket *socket = user_data;

  g_debug ("socket %u: %s", socket->serial, error->message);
}

static void
on_socket_closed (SoupWebsocketConnection *conn,
                  gpointer                 user_data)
{
  ConsumerSocket *socket = user_data;
  ConfabServer *self = socket->server;

  g_debug ("socket %u closed (code %u)", socket->serial,
           soup_websocket_connection_get_close_code (conn));
  g_ptr_array_remove (self->sockets, socket);
}

static gboolean
socket_expired_cb (gpointer user_data)
{
  ConsumerSocket *socket = user_data;

  socket->expiry_source = 0;
  g_debug ("socket %u: token expired", socket->serial);
  if (consumer_socket_is_open (socket))
    soup_websocket_connection_close (socket->conn, 4401, "token expired");

  return G_SOURCE_REMOVE;
}

static ConsumerSocket *
consumer_socket_new (ConfabServer            *self,
                     GSocket                 *tcp,
                     ConfabFrameGuard        *guard,
                     SoupWebsocketConnection *conn,
                     UpgradeAuth             *auth)
{
  ConsumerSocket *socket = g_new0 (ConsumerSocket, 1);

  socket->server = self;
  socket->conn = g_object_ref (conn);
  socket->socket = g_object_ref (tcp);
  socket->guard = g_object_ref (guard);
  socket->serial = ++self->next_socket_serial;
  socket->consumer_id = g_strdup (auth->consumer_id);
  socket->account_id = g_strdup (auth->account_id);
  socket->ex_subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) ex_subscription_free);
  socket->dialog_subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) dialog_subscription_free);
  g_queue_init (&socket->inbox);

  return socket;
}

/* The SoupServer WebSocket handler of /ws_api: the upgrade went through. */
void
confab_server_socket_open (SoupServer              *server,
                           SoupServerMessage       *msg,
                           const char              *path,
                           SoupWebsocketConnection *conn,
                           gpointer                 user_data)
{
  ConfabServer *self = user_data;
  UpgradeAuth *auth = g_object_get_data (G_OBJECT (msg), "confab-upgrade-auth");
  ConsumerSocket *socket;
  ConfabFrameGuard *guard = NULL;
  GSocket *tcp = NULL;
  gint64 remaining;

  /* Every connection came through the listener, which knows its socket. */
  if (auth == NULL || self->is_shut_down || self->listener == NULL ||
      !confab_server_listener_upgraded (self->listener, msg, conn, &tcp, &guard))
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }

  socket = consumer_socket_new (self, tcp, guard, conn, auth);
  g_ptr_array_add (self->sockets, socket);

  /* Large frames are the guard's and the protocol layer's to refuse, libsoup's limit is
   * never reached; pings are answered by libsoup; keepalive is the client's business. */
  soup_websocket_connection_set_max_incoming_payload_size (conn, CONFAB_SERVER_MAX_INCOMING_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (conn, 0);

  g_signal_connect (conn, "message", G_CALLBACK (on_socket_message), socket);
  g_signal_connect (conn, "error", G_CALLBACK (on_socket_error), socket);
  g_signal_connect (conn, "closed", G_CALLBACK (on_socket_closed), socket);

  remaining = auth->expires_at - g_get_real_time () / G_USEC_PER_SEC;
  socket->expiry_source = g_timeout_add_seconds ((guint) CLAMP (remaining, 1, G_MAXUINT32),
                                                 socket_expired_cb, socket);

  if (confab_server_state_lookup_consumer (self->state, auth->consumer_id) == NULL)
    {
      confab_server_state_add_consumer (self->state, auth->consumer_id, auth->account_id,
                                        confab_server_now_ms ());
      confab_server_schedule_save (self);
    }

  g_debug ("socket %u opened", socket->serial);
}

/* The token of an "Authorization: jwt <token>" header, or NULL. */
static const char *
authorization_token (SoupServerMessage *msg)
{
  const char *authorization;
  const char *token;

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  if (authorization == NULL || g_ascii_strncasecmp (authorization, "jwt ", 4) != 0)
    return NULL;

  token = authorization + 4;
  while (*token == ' ')
    token++;
  return token;
}

/* The plain SoupServer handler of /ws_api: runs before the upgrade, and refuses it with
 * 401 unless the token is good. */
void
confab_server_socket_authorize (SoupServer        *server,
                                SoupServerMessage *msg,
                                const char        *path,
                                GHashTable        *query,
                                gpointer           user_data)
{
  ConfabServer *self = user_data;
  g_auto(GStrv) parts = confab_server_split_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *consumer_id = NULL;
  UpgradeAuth *auth;
  gint64 expires_at = 0;

  /* ws_api/account/{accountId}/messaging/consumer */
  if (parts == NULL || g_strv_length (parts) != 5 || !g_str_equal (parts[1], "account") ||
      *parts[2] == '\0' || !g_str_equal (parts[3], "messaging") || !g_str_equal (parts[4], "consumer"))
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
      return;
    }

  if (self->refuse_tokens)
    {
      g_debug ("upgrade refused: tokens are refused on purpose");
      confab_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "token refused");
      return;
    }

  consumer_id = confab_token_verify (self->state->key, authorization_token (msg), parts[2],
                                     g_get_real_time () / G_USEC_PER_SEC, &expires_at, &error);
  if (consumer_id == NULL)
    {
      g_debug ("upgrade refused: %s", error->message);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "jwt");
      confab_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, error->message);
      return;
    }

  /* No status set: libsoup goes on with the WebSocket handshake, then confab_server_socket_open(). */
  auth = g_new0 (UpgradeAuth, 1);
  auth->consumer_id = g_steal_pointer (&consumer_id);
  auth->account_id = g_strdup (parts[2]);
  auth->expires_at = expires_at;
  g_object_set_data_full (G_OBJECT (msg), "confab-upgrade-auth", auth, (GDestroyNotify) upgrade_auth_free);
}

void
confab_server_close_sockets (ConfabServer *self)
{
  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);

      g_signal_handlers_disconnect_by_data (socket->conn, socket);
      if (consumer_socket_is_open (socket))
        soup_websocket_connection_close (socket->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutting down");
    }
  g_ptr_array_set_size (self->sockets, 0);
  g_clear_handle_id (&self->work_source, g_source_remove);
}

guint
confab_server_drop_consumers (ConfabServer *self,
                              const char   *consumer_id,
                              gushort       close_code,
                              const char   *reason)
{
  g_autoptr(GPtrArray) victims = g_ptr_array_new ();

  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);

      if ((consumer_id == NULL || g_str_equal (socket->consumer_id, consumer_id)) && consumer_socket_is_open (socket))
        g_ptr_array_add (victims, socket);
    }

  for (guint i = 0; i < victims->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (victims, i);

      g_debug ("socket %u: dropping (code %u)", socket->serial, close_code);
      if (close_code == 0)
        {
          /* As a network failure would: no close frame, the peer sees the stream end. */
          g_socket_shutdown (socket->socket, TRUE, TRUE, NULL);
        }
      else
        {
          soup_websocket_connection_close (socket->conn, close_code, reason);
        }
    }

  return victims->len;
}

guint
confab_server_get_n_sockets (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->sockets->len;
}
