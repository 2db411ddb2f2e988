/* confab-server-listener.c: ConfabServer's TCP connections
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service accepts connections itself and hands them to its SoupServer: libsoup's own
 * listener stops accepting for good the first time accept() fails, as it does when the
 * process runs out of file descriptors. Here such a failure is logged once, accepting
 * pauses and is tried again a little later, and again, until descriptors are free.
 *
 * Knowing each connection also bounds what a client can hold: a peer address gets a
 * limited number of connections (more are closed as soon as accepted); a connection that
 * has not had a request answered, or become a WebSocket, within the handshake timeout of
 * opening (or of its last answer) is cut off; and a WebSocket on which the client has sent
 * nothing, not even a ping, for the idle timeout is closed, as LivePerson closes idle
 * sockets (its clients ping every 30 s).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "confab-server-private.h"

/* Connections accepted in one go before other sources get their turn. */
#define ACCEPT_BATCH 32
/* Pauses between tries while out of descriptors: doubling from the first to the last. */
#define BACKOFF_MIN_MS 50
#define BACKOFF_MAX_MS 2000
/* A client that does not take its close frame within this long is cut off. */
#define CLOSE_GRACE_MS 2000
#define LISTEN_BACKLOG 128

typedef struct {
  ConfabServerListener *listener;
  char *key;                           /* the peer's address and port */
  char *peer;                          /* the peer's address */
  GSocket *socket;
  GSocketConnection *connection;       /* weak: libsoup, then the WebSocket, own it */
  ConfabFrameGuard *guard;             /* weak: its input, as libsoup reads it */
  SoupWebsocketConnection *websocket;  /* weak, once upgraded */
  gboolean upgraded;
  gboolean closing;                    /* told to close; cut off if it does not */
  guint requests;                      /* read and not answered yet */
  gint64 quiet_since;                  /* monotonic µs: opened, or last answered */
  guint timer;
} TcpConnection;

struct _ConfabServerListener {
  ConfabServer *server;
  GSocket *socket;
  guint16 port;
  GSource *accept_source;
  guint retry_source;
  guint backoff_ms;                    /* 0 unless out of descriptors */
  GHashTable *connections;             /* key → TcpConnection */
  GHashTable *per_peer;                /* peer → how many connections */
  gulong request_handlers[3];
};

static void start_accepting (ConfabServerListener *listener);
static void connection_gone (gpointer  data,
                             GObject  *where_the_object_was);

static char *
dup_peer (GSocketAddress *address)
{
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("?");
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static char *
dup_key (GSocketAddress *address)
{
  g_autofree char *peer = dup_peer (address);
  guint port = G_IS_INET_SOCKET_ADDRESS (address) ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;

  return g_strdup_printf ("%s:%u", peer, port);
}

static guint
peer_count (ConfabServerListener *listener,
            const char           *peer)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (listener->per_peer, peer));
}

static void
tcp_connection_free (TcpConnection *connection)
{
  g_clear_handle_id (&connection->timer, g_source_remove);
  if (connection->websocket != NULL)
    g_object_remove_weak_pointer (G_OBJECT (connection->websocket), (gpointer *) &connection->websocket);
  if (connection->guard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (connection->guard), (gpointer *) &connection->guard);
  g_clear_object (&connection->socket);
  g_free (connection->key);
  g_free (connection->peer);
  g_free (connection);
}

/* Forgets connection, which libsoup has let go of or which is closed. */
static void
forget (TcpConnection *connection)
{
  ConfabServerListener *listener = connection->listener;
  guint count = peer_count (listener, connection->peer);

  if (count <= 1)
    g_hash_table_remove (listener->per_peer, connection->peer);
  else
    g_hash_table_insert (listener->per_peer, g_strdup (connection->peer), GUINT_TO_POINTER (count - 1));

  if (connection->connection != NULL)
    g_object_weak_unref (G_OBJECT (connection->connection), connection_gone, connection);
  g_hash_table_remove (listener->connections, connection->key);
}

static void
connection_gone (gpointer  data,
                 GObject  *where_the_object_was)
{
  TcpConnection *connection = data;

  connection->connection = NULL;
  forget (connection);
}

/* Connections libsoup has closed but not let go of yet. */
static void
forget_closed (ConfabServerListener *listener)
{
  g_autoptr(GPtrArray) closed = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, listener->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_socket_is_closed (((TcpConnection *) value)->socket))
      g_ptr_array_add (closed, value);

  for (guint i = 0; i < closed->len; i++)
    forget (g_ptr_array_index (closed, i));
}

static TcpConnection *
lookup (ConfabServerListener *listener,
        SoupServerMessage    *msg)
{
  g_autofree char *key = dup_key (soup_server_message_get_remote_address (msg));

  return g_hash_table_lookup (listener->connections, key);
}

/* Timeouts */

static gboolean check_cb (gpointer user_data);

static void
arm (TcpConnection *connection,
     gint64         ms)
{
  g_clear_handle_id (&connection->timer, g_source_remove);
  connection->timer = g_timeout_add ((guint) CLAMP (ms, 1, G_MAXUINT), check_cb, connection);
}

/* libsoup sees the stream end, closes the connection and lets it go. */
static void
cut_off (TcpConnection *connection)
{
  g_debug ("connection from %s: cut off", connection->key);
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
}

/* How long the client has sent nothing, as the kernel counts: pings included, which
 * libsoup answers without a word. -1 where that cannot be known. */
static gint64
idle_ms (TcpConnection *connection)
{
#ifdef __linux__
  struct tcp_info info;
  socklen_t len = sizeof info;

  if (getsockopt (g_socket_get_fd (connection->socket), IPPROTO_TCP, TCP_INFO, &info, &len) == 0)
    return info.tcpi_last_data_recv;
#endif
  return -1;
}

static void
check_handshake (TcpConnection *connection)
{
  guint timeout = connection->listener->server->handshake_timeout;
  gint64 quiet_ms = (g_get_monotonic_time () - connection->quiet_since) / 1000;

  /* An answer is being made, perhaps held back by the response delay. */
  if (connection->requests > 0)
    {
      arm (connection, timeout);
      return;
    }

  if (quiet_ms < timeout)
    {
      arm (connection, timeout - quiet_ms);
      return;
    }

  g_debug ("connection from %s: no request within %u ms", connection->key, timeout);
  cut_off (connection);
}

static void
check_idle (TcpConnection *connection)
{
  guint timeout = connection->listener->server->idle_timeout;
  gint64 idle = idle_ms (connection);

  if (idle < 0)
    return;

  if (idle < timeout)
    {
      arm (connection, timeout - idle);
      return;
    }

  g_debug ("connection from %s: idle for %" G_GINT64_FORMAT " ms", connection->key, idle);
  if (connection->websocket != NULL &&
      soup_websocket_connection_get_state (connection->websocket) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_close (connection->websocket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "idle");
      connection->closing = TRUE;
      arm (connection, CLOSE_GRACE_MS);
      return;
    }

  cut_off (connection);
}

static gboolean
check_cb (gpointer user_data)
{
  TcpConnection *connection = user_data;

  connection->timer = 0;
  if (connection->closing)
    cut_off (connection);
  else if (connection->upgraded)
    check_idle (connection);
  else
    check_handshake (connection);

  return G_SOURCE_REMOVE;
}

static void
request_read_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  TcpConnection *connection = lookup (user_data, msg);

  if (connection != NULL)
    connection->requests++;
}

static void
request_done_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  TcpConnection *connection = lookup (user_data, msg);

  if (connection == NULL || connection->upgraded)
    return;

  if (connection->requests > 0)
    connection->requests--;
  connection->quiet_since = g_get_monotonic_time ();
  arm (connection, connection->listener->server->handshake_timeout);
}

/* Accepting */

static void
take (ConfabServerListener *listener,
      GSocket              *socket)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GIOStream) guarded = NULL;
  g_autofree char *peer = NULL;
  TcpConnection *connection;

  if (local == NULL || remote == NULL)
    {
      g_socket_close (socket, NULL);
      return;
    }

  peer = dup_peer (remote);
  if (peer_count (listener, peer) >= listener->server->max_sockets_per_peer)
    forget_closed (listener);
  if (peer_count (listener, peer) >= listener->server->max_sockets_per_peer)
    {
      g_debug ("connection from %s refused: it has %u already", peer, peer_count (listener, peer));
      g_socket_close (socket, NULL);
      return;
    }

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  stream = g_socket_connection_factory_create_connection (socket);

  connection = g_new0 (TcpConnection, 1);
  connection->key = dup_key (remote);
  /* The peer's port, free again before libsoup let go of its last connection. */
  if (g_hash_table_contains (listener->connections, connection->key))
    forget (g_hash_table_lookup (listener->connections, connection->key));
  connection->listener = listener;
  connection->peer = g_steal_pointer (&peer);
  connection->socket = g_object_ref (socket);
  connection->connection = stream;
  connection->quiet_since = g_get_monotonic_time ();
  g_object_weak_ref (G_OBJECT (stream), connection_gone, connection);
  guarded = confab_frame_guard_wrap (G_IO_STREAM (stream), &connection->guard);
  g_object_add_weak_pointer (G_OBJECT (connection->guard), (gpointer *) &connection->guard);
  g_hash_table_insert (listener->connections, connection->key, connection);
  g_hash_table_insert (listener->per_peer, g_strdup (connection->peer),
                       GUINT_TO_POINTER (peer_count (listener, connection->peer) + 1));
  arm (connection, listener->server->handshake_timeout);

  /* libsoup takes a reference; connection may be gone when this returns. */
  soup_server_accept_iostream (listener->server->soup, guarded, local, remote, NULL);
}

static gboolean
retry_cb (gpointer user_data)
{
  ConfabServerListener *listener = user_data;

  listener->retry_source = 0;
  start_accepting (listener);

  return G_SOURCE_REMOVE;
}

/* Out of descriptors: said once, then tried again later and later until it works. */
static void
pause_accepting (ConfabServerListener *listener,
                 const GError         *error)
{
  if (listener->backoff_ms == 0)
    {
      g_message ("Not accepting connections while out of file descriptors: %s", error->message);
      listener->backoff_ms = BACKOFF_MIN_MS;
    }
  else
    {
      listener->backoff_ms = MIN (listener->backoff_ms * 2, BACKOFF_MAX_MS);
    }

  listener->retry_source = g_timeout_add (listener->backoff_ms, retry_cb, listener);
}

static gboolean
out_of_descriptors (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  ConfabServerListener *listener = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) accepted = g_socket_accept (socket, NULL, &error);

      if (accepted != NULL)
        {
          if (listener->backoff_ms != 0)
            g_message ("Accepting connections again");
          listener->backoff_ms = 0;
          take (listener, accepted);
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;

      if (out_of_descriptors (error))
        {
          g_clear_pointer (&listener->accept_source, g_source_unref);
          pause_accepting (listener, error);
          return G_SOURCE_REMOVE;
        }

      /* The client gave up while waiting, say: the next one may do better. */
      g_debug ("accept failed: %s", error->message);
    }

  return G_SOURCE_CONTINUE;
}

static void
start_accepting (ConfabServerListener *listener)
{
  listener->accept_source = g_socket_create_source (listener->socket, G_IO_IN, NULL);
  g_source_set_callback (listener->accept_source, G_SOURCE_FUNC (accept_cb), listener, NULL);
  g_source_attach (listener->accept_source, NULL);
}

/* Listens on 127.0.0.1:port (0: a free port) for server. */
ConfabServerListener *
confab_server_listener_new (ConfabServer  *server,
                            guint16        port,
                            GError       **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  ConfabServerListener *listener;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;
  /* Else g_socket_accept() waits for the next client instead of saying there is none. */
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error) ||
      (bound = g_socket_get_local_address (socket, error)) == NULL)
    return NULL;

  listener = g_new0 (ConfabServerListener, 1);
  listener->server = server;
  listener->socket = g_steal_pointer (&socket);
  listener->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  listener->connections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                 (GDestroyNotify) tcp_connection_free);
  listener->per_peer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  listener->request_handlers[0] = g_signal_connect (server->soup, "request-read",
                                                    G_CALLBACK (request_read_cb), listener);
  listener->request_handlers[1] = g_signal_connect (server->soup, "request-finished",
                                                    G_CALLBACK (request_done_cb), listener);
  listener->request_handlers[2] = g_signal_connect (server->soup, "request-aborted",
                                                    G_CALLBACK (request_done_cb), listener);
  start_accepting (listener);

  return listener;
}

guint16
confab_server_listener_get_port (ConfabServerListener *listener)
{
  return listener->port;
}

/* Where the service listens, as every part of it tells clients. */
char *
confab_server_dup_base_url (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

/* Stops listening. The connections stay: libsoup and the sockets close them. */
void
confab_server_listener_free (ConfabServerListener *listener)
{
  GHashTableIter iter;
  gpointer value;

  if (listener->accept_source != NULL)
    {
      g_source_destroy (listener->accept_source);
      g_source_unref (listener->accept_source);
    }
  g_clear_handle_id (&listener->retry_source, g_source_remove);
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);

  for (guint i = 0; i < G_N_ELEMENTS (listener->request_handlers); i++)
    g_signal_handler_disconnect (listener->server->soup, listener->request_handlers[i]);

  g_hash_table_iter_init (&iter, listener->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TcpConnection *connection = value;

      if (connection->connection != NULL)
        g_object_weak_unref (G_OBJECT (connection->connection), connection_gone, connection);
    }
  g_hash_table_unref (listener->connections);
  g_hash_table_unref (listener->per_peer);
  g_free (listener);
}

gboolean
confab_server_listener_upgraded (ConfabServerListener     *listener,
                                 SoupServerMessage        *msg,
                                 SoupWebsocketConnection  *websocket,
                                 GSocket                 **socket,
                                 ConfabFrameGuard        **guard)
{
  TcpConnection *connection = lookup (listener, msg);

  if (connection == NULL || connection->guard == NULL)
    return FALSE;

  connection->upgraded = TRUE;
  connection->websocket = websocket;
  g_object_add_weak_pointer (G_OBJECT (websocket), (gpointer *) &connection->websocket);
  arm (connection, listener->server->idle_timeout);
  confab_frame_guard_start_frames (connection->guard, CONFAB_FRAME_MAX_SIZE);

  *socket = connection->socket;
  *guard = connection->guard;
  return TRUE;
}
