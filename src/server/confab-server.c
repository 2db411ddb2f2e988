/* confab-server.c: the local LivePerson-compatible messaging service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SoupServer on a loopback port speaks what docs/protocol-notes.md describes: the CSDS lookup,
 * signup, the agent profile, and the consumer WebSocket. Everything runs on the main context
 * the server was created in; nothing blocks it for long (replays go out in chunks from an
 * idle source, the state file is written by a worker thread a little after changes).
 *
 * This file is the object: its properties, its life (load, listen, shut down) and the
 * wiring of the other files of the class (confab-server-private.h lists them) to the
 * SoupServer. Agents are not its business: whoever starts a server attaches one.
 */
#include "config.h"

#include "confab-server.h"

#include "confab-server-private.h"

#define DEFAULT_TOKEN_LIFETIME (60 * 60)
#define DEFAULT_ACCEPT_DELAY 1000
#define DEFAULT_TYPING_DELAY 800
#define DEFAULT_READ_DELAY 1500
#define DEFAULT_REPLAY_CHUNK 200
#define DEFAULT_HANDSHAKE_TIMEOUT (10 * 1000)
#define DEFAULT_IDLE_TIMEOUT (60 * 1000)
#define DEFAULT_MAX_SOCKETS_PER_PEER 64

G_DEFINE_FINAL_TYPE (ConfabServer, confab_server, G_TYPE_OBJECT)

G_DEFINE_QUARK (confab-server-error-quark, confab_server_error)

enum {
  PROP_0,
  PROP_PORT,
  PROP_ACCEPT_DELAY,
  PROP_TYPING_DELAY,
  PROP_READ_DELAY,
  PROP_TOKEN_LIFETIME,
  PROP_REPLAY_CHUNK_SIZE,
  PROP_REFUSE_TOKENS,
  PROP_RESPONSE_DELAY,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_MAX_SOCKETS_PER_PEER,
  PROP_POST_SURVEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
confab_server_dispose (GObject *object)
{
  ConfabServer *self = CONFAB_SERVER (object);

  confab_server_shutdown (self);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (confab_server_parent_class)->dispose (object);
}

static void
confab_server_finalize (GObject *object)
{
  ConfabServer *self = CONFAB_SERVER (object);

  g_clear_pointer (&self->state, confab_server_state_free);
  g_clear_pointer (&self->state_path, g_free);
  g_clear_pointer (&self->fail_type, g_free);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->delayed_http, g_ptr_array_unref);
  g_clear_pointer (&self->delayed_frames, g_ptr_array_unref);
  g_clear_pointer (&self->images, g_hash_table_unref);
  confab_server_clear_frame_log (self);

  G_OBJECT_CLASS (confab_server_parent_class)->finalize (object);
}

static void
confab_server_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ConfabServer *self = CONFAB_SERVER (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_ACCEPT_DELAY:
      g_value_set_uint (value, self->accept_delay);
      break;
    case PROP_TYPING_DELAY:
      g_value_set_uint (value, self->typing_delay);
      break;
    case PROP_READ_DELAY:
      g_value_set_uint (value, self->read_delay);
      break;
    case PROP_TOKEN_LIFETIME:
      g_value_set_int64 (value, self->token_lifetime);
      break;
    case PROP_REPLAY_CHUNK_SIZE:
      g_value_set_uint (value, self->replay_chunk_size);
      break;
    case PROP_REFUSE_TOKENS:
      g_value_set_boolean (value, self->refuse_tokens);
      break;
    case PROP_RESPONSE_DELAY:
      g_value_set_uint (value, self->response_delay);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, self->handshake_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_MAX_SOCKETS_PER_PEER:
      g_value_set_uint (value, self->max_sockets_per_peer);
      break;
    case PROP_POST_SURVEY:
      g_value_set_boolean (value, self->post_survey);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_server_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ConfabServer *self = CONFAB_SERVER (object);

  switch (prop_id)
    {
    case PROP_ACCEPT_DELAY:
      confab_server_set_accept_delay (self, g_value_get_uint (value));
      break;
    case PROP_TYPING_DELAY:
      confab_server_set_typing_delay (self, g_value_get_uint (value));
      break;
    case PROP_READ_DELAY:
      confab_server_set_read_delay (self, g_value_get_uint (value));
      break;
    case PROP_TOKEN_LIFETIME:
      confab_server_set_token_lifetime (self, g_value_get_int64 (value));
      break;
    case PROP_REPLAY_CHUNK_SIZE:
      confab_server_set_replay_chunk_size (self, g_value_get_uint (value));
      break;
    case PROP_REFUSE_TOKENS:
      confab_server_set_refuse_tokens (self, g_value_get_boolean (value));
      break;
    case PROP_RESPONSE_DELAY:
      confab_server_set_response_delay (self, g_value_get_uint (value));
      break;
    /* Read when a connection is next checked: no notification. */
    case PROP_HANDSHAKE_TIMEOUT:
      self->handshake_timeout = g_value_get_uint (value);
      break;
    case PROP_IDLE_TIMEOUT:
      self->idle_timeout = g_value_get_uint (value);
      break;
    case PROP_MAX_SOCKETS_PER_PEER:
      self->max_sockets_per_peer = g_value_get_uint (value);
      break;
    case PROP_POST_SURVEY:
      confab_server_set_post_survey (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_server_class_init (ConfabServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_server_dispose;
  object_class->finalize = confab_server_finalize;
  object_class->get_property = confab_server_get_property;
  object_class->set_property = confab_server_set_property;

  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCEPT_DELAY] =
    g_param_spec_uint ("accept-delay", NULL, NULL, 0, G_MAXUINT, DEFAULT_ACCEPT_DELAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TYPING_DELAY] =
    g_param_spec_uint ("typing-delay", NULL, NULL, 0, G_MAXUINT, DEFAULT_TYPING_DELAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_DELAY] =
    g_param_spec_uint ("read-delay", NULL, NULL, 0, G_MAXUINT, DEFAULT_READ_DELAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN_LIFETIME] =
    g_param_spec_int64 ("token-lifetime", NULL, NULL, G_MININT32, G_MAXINT32, DEFAULT_TOKEN_LIFETIME,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPLAY_CHUNK_SIZE] =
    g_param_spec_uint ("replay-chunk-size", NULL, NULL, 1, 100000, DEFAULT_REPLAY_CHUNK,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFUSE_TOKENS] =
    g_param_spec_boolean ("refuse-tokens", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESPONSE_DELAY] =
    g_param_spec_uint ("response-delay", NULL, NULL, 0, 600000, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Limits on connections, so that tests need not wait for the real ones: a connection
   * without a request answered or a WebSocket upgrade for handshake-timeout ms is closed,
   * a WebSocket on which the client has sent nothing (pings included) for idle-timeout ms
   * too, and a peer address gets max-sockets-per-peer connections at most. */
  properties[PROP_HANDSHAKE_TIMEOUT] =
    g_param_spec_uint ("handshake-timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_HANDSHAKE_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_IDLE_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_SOCKETS_PER_PEER] =
    g_param_spec_uint ("max-sockets-per-peer", NULL, NULL, 1, G_MAXINT, DEFAULT_MAX_SOCKETS_PER_PEER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /* An agent's close (or the consumer closing the main dialog) opens a post-conversation
   * survey dialog. */
  properties[PROP_POST_SURVEY] =
    g_param_spec_boolean ("post-survey", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  confab_server_class_add_signals (klass);
}

static void
confab_server_init (ConfabServer *self)
{
  self->state = confab_server_state_new ();
  self->sockets = g_ptr_array_new_with_free_func (consumer_socket_free);
  self->delayed_http = g_ptr_array_new_with_free_func (confab_server_delayed_http_free);
  self->delayed_frames = g_ptr_array_new_with_free_func (confab_server_delayed_frame_free);
  self->images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  g_queue_init (&self->frame_log);
  g_queue_init (&self->busy_sockets);
  self->token_lifetime = DEFAULT_TOKEN_LIFETIME;
  self->accept_delay = DEFAULT_ACCEPT_DELAY;
  self->typing_delay = DEFAULT_TYPING_DELAY;
  self->read_delay = DEFAULT_READ_DELAY;
  self->replay_chunk_size = DEFAULT_REPLAY_CHUNK;
  self->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  self->max_sockets_per_peer = DEFAULT_MAX_SOCKETS_PER_PEER;

  self->soup = soup_server_new ("server-header", "confab-server ", NULL);
  /* Too large messages are dropped as they arrive, which a compressed stream would not
   * survive (confab-server-frame-guard.c); on loopback compression gains nothing anyway. */
  soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_handler (self->soup, NULL, confab_server_http_unknown, self, NULL);
  soup_server_add_handler (self->soup, "/api", confab_server_http_api, self, NULL);
  soup_server_add_handler (self->soup, "/control", confab_server_control_handle, self, NULL);
  soup_server_add_early_handler (self->soup, "/v1", confab_server_files_early, self, NULL);
  soup_server_add_handler (self->soup, "/v1", confab_server_files_handle, self, NULL);
  soup_server_add_handler (self->soup, "/images", confab_server_images_handle, self, NULL);
  /* The plain handler runs first and refuses bad tokens with 401 before any upgrade. */
  soup_server_add_handler (self->soup, "/ws_api", confab_server_socket_authorize, self, NULL);
  soup_server_add_websocket_handler (self->soup, "/ws_api", NULL, NULL, confab_server_socket_open, self, NULL);
}

/* Public API */

ConfabServer *
confab_server_new (void)
{
  return g_object_new (CONFAB_TYPE_SERVER, NULL);
}

gboolean
confab_server_load_state (ConfabServer  *self,
                          const char    *path,
                          GError       **error)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!confab_server_storage_load (self, path, error))
    return FALSE;

  /* Conversations requested but never answered before the restart are still waiting. */
  confab_server_announce_waiting (self);
  return TRUE;
}

gboolean
confab_server_listen (ConfabServer  *self,
                      guint16        port,
                      GError       **error)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (!self->is_shut_down, FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);

  self->listener = confab_server_listener_new (self, port, error);
  if (self->listener == NULL)
    return FALSE;
  self->port = confab_server_listener_get_port (self->listener);

  g_debug ("listening on port %u", self->port);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);

  return TRUE;
}

guint16
confab_server_get_port (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->port;
}

const char *
confab_server_get_account_id (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  return CONFAB_SERVER_DEFAULT_ACCOUNT;
}

const char *
confab_server_get_agent_id (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  return CONFAB_SERVER_AGENT_ID;
}

const char *
confab_server_get_second_agent_id (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  return CONFAB_SERVER_SECOND_AGENT_ID;
}

void
confab_server_shutdown (ConfabServer *self)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  if (self->is_shut_down)
    return;
  self->is_shut_down = TRUE;

  g_debug ("shutting down");

  g_clear_pointer (&self->listener, confab_server_listener_free);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);

  confab_server_close_sockets (self);
  g_ptr_array_set_size (self->delayed_http, 0);
  g_ptr_array_set_size (self->delayed_frames, 0);

  confab_server_storage_stop (self);
}

guint
confab_server_get_accept_delay (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->accept_delay;
}

void
confab_server_set_accept_delay (ConfabServer *self,
                                guint         delay_ms)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  if (self->accept_delay == delay_ms)
    return;
  self->accept_delay = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_DELAY]);
}

guint
confab_server_get_typing_delay (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->typing_delay;
}

void
confab_server_set_typing_delay (ConfabServer *self,
                                guint         delay_ms)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  if (self->typing_delay == delay_ms)
    return;
  self->typing_delay = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPING_DELAY]);
}

guint
confab_server_get_read_delay (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->read_delay;
}

void
confab_server_set_read_delay (ConfabServer *self,
                              guint         delay_ms)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  if (self->read_delay == delay_ms)
    return;
  self->read_delay = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_DELAY]);
}

gint64
confab_server_get_token_lifetime (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->token_lifetime;
}

void
confab_server_set_token_lifetime (ConfabServer *self,
                                  gint64        seconds)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  if (self->token_lifetime == seconds)
    return;
  self->token_lifetime = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_LIFETIME]);
}

guint
confab_server_get_replay_chunk_size (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->replay_chunk_size;
}

void
confab_server_set_replay_chunk_size (ConfabServer *self,
                                     guint         changes)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));
  g_return_if_fail (changes > 0);

  if (self->replay_chunk_size == changes)
    return;
  self->replay_chunk_size = changes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAY_CHUNK_SIZE]);
}

gboolean
confab_server_get_refuse_tokens (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  return self->refuse_tokens;
}

void
confab_server_set_refuse_tokens (ConfabServer *self,
                                 gboolean      refuse)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  refuse = !!refuse;
  if (self->refuse_tokens == refuse)
    return;
  self->refuse_tokens = refuse;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSE_TOKENS]);
}

guint
confab_server_get_response_delay (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->response_delay;
}

void
confab_server_set_response_delay (ConfabServer *self,
                                  guint         delay_ms)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  if (self->response_delay == delay_ms)
    return;
  self->response_delay = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESPONSE_DELAY]);
}


gboolean
confab_server_get_post_survey (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  return self->post_survey;
}

void
confab_server_set_post_survey (ConfabServer *self,
                               gboolean      enabled)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  enabled = !!enabled;
  if (self->post_survey == enabled)
    return;
  self->post_survey = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POST_SURVEY]);
}
