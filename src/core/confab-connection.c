/* confab-connection.c: one consumer WebSocket to a LivePerson messaging service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-connection.h"
#include "confab-core-enums.h"

/* libsoup 3.2 sends pings but has no pong timeout: a socket whose peer vanished without a
 * FIN stays "open" for ever. The watchdog closes it after this many keepalive periods of
 * silence (each period sends a GetClock, which a live service answers). */
#define WATCHDOG_PERIODS 2

/* Close codes LivePerson uses for tokens. 1011 (the server's internal error) is not one of
 * them: it is retried with the same token after back-off, and only a refused upgrade or a
 * 4401 on that retry says the token is the problem (docs/protocol-notes.md, "Close codes"). */
#define CLOSE_TOKEN_EXPIRED    4401
#define CLOSE_IDENTITY_EXPIRED 4407

/* A frame this large is handed on from an idle rather than at once. Its parse has just taken
 * the main loop for milliseconds (a megabyte: ~3 ms), and what it brings takes more (the row
 * of a megabyte's message: its build and the measure of its text, ~10 ms); in between, a
 * frame of the window that is due is drawn, so the two do not add up to one long frame. The
 * frames after it wait their turn behind it (as they came, parsed in their turn): the order
 * is kept. */
#define DEFER_FRAME_SIZE (64 * 1024)

/* Just below GTK's redraw (GDK_PRIORITY_REDRAW, G_PRIORITY_HIGH_IDLE + 20; core does not use
 * GDK), above everything at G_PRIORITY_DEFAULT_IDLE. */
#define PRIORITY_AFTER_REDRAW (G_PRIORITY_HIGH_IDLE + 21)

struct _ConfabConnection
{
  GObject parent_instance;

  SoupSession *session;
  char *url;
  char *jwt;

  SoupWebsocketConnection *ws;
  GCancellable *cancellable;
  ConfabConnectionState state;
  ConfabDisconnectReason reason;

  GHashTable *pending;   /* request id → Pending */
  guint64 next_id;

  guint request_timeout_ms;
  guint keepalive_ms;
  guint keepalive_source;
  gint64 last_received;  /* monotonic µs */
  gint64 clock_offset;   /* ms */

  GQueue deferred;       /* Deferred: frames not handed on yet (DEFER_FRAME_SIZE) */
  guint deferred_source;
};

typedef struct
{
  ConfabConnection *self;  /* unowned: the table is emptied before self goes */
  char *id;
  GTask *task;
  guint timeout_source;
  gint64 sent_at;          /* real time, ms */
  gboolean is_clock;       /* a GetClock: its answer sets the clock offset */
} Pending;

enum {
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_CLOCK_OFFSET,
  N_PROPS
};

enum {
  SIGNAL_NOTIFICATION,
  SIGNAL_DISCONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConfabConnection, confab_connection, G_TYPE_OBJECT)
G_DEFINE_QUARK (confab-connection-error-quark, confab_connection_error)
G_DEFINE_QUARK (confab-response-error-quark, confab_response_error)

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_clear_handle_id (&pending->timeout_source, g_source_remove);
  g_clear_object (&pending->task);
  g_free (pending->id);
  g_free (pending);
}

static void
set_state (ConfabConnection      *self,
           ConfabConnectionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
fail_all_pending (ConfabConnection *self)
{
  g_autoptr(GList) values = NULL;

  /* Take them out first: a callback may send a new request. */
  values = g_hash_table_get_values (self->pending);
  g_hash_table_steal_all (self->pending);

  for (GList *l = values; l != NULL; l = l->next)
    {
      Pending *pending = l->data;

      g_task_return_new_error (pending->task, CONFAB_CONNECTION_ERROR,
                               CONFAB_CONNECTION_ERROR_CLOSED,
                               _("The connection closed before the service answered"));
      pending_free (pending);
    }
}

static void ws_message_cb (ConfabConnection *self, int type, GBytes *message, SoupWebsocketConnection *ws);
static void ws_closed_cb (ConfabConnection *self, SoupWebsocketConnection *ws);
static void ws_pong_cb (ConfabConnection *self, GBytes *message, SoupWebsocketConnection *ws);

/* A frame waiting its turn: the large one parsed, those behind it as they came, parsed when
 * their turn comes, so that a burst behind it is not held in memory parsed. */
typedef struct
{
  ConfabFrame *frame;
  GBytes *text;
} Deferred;

static void
deferred_free (Deferred *deferred)
{
  g_clear_pointer (&deferred->frame, confab_frame_free);
  g_clear_pointer (&deferred->text, g_bytes_unref);
  g_free (deferred);
}

static void
drop_deferred (ConfabConnection *self)
{
  g_queue_clear_full (&self->deferred, (GDestroyNotify) deferred_free);
  g_clear_handle_id (&self->deferred_source, g_source_remove);
}

/* Everything that ends a connection comes through here once. */
static void
teardown (ConfabConnection       *self,
          ConfabDisconnectReason  reason,
          const char             *message)
{
  g_autoptr(GObject) keep = NULL;

  if (self->state == CONFAB_CONNECTION_STATE_DISCONNECTED)
    return;

  keep = g_object_ref (G_OBJECT (self));

  /* Frames not handed on yet go as those still in the socket do: the owner asked to close,
   * or they were delivered before (flush_deferred()). */
  drop_deferred (self);
  g_clear_handle_id (&self->keepalive_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->ws);
    }

  self->reason = reason;
  set_state (self, CONFAB_CONNECTION_STATE_DISCONNECTED);
  fail_all_pending (self);

  g_debug ("Disconnected: %s", message);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, reason, message);
}

static gboolean
request_timeout_cb (gpointer data)
{
  Pending *pending = data;
  ConfabConnection *self = pending->self;

  pending->timeout_source = 0;
  g_hash_table_steal (self->pending, pending->id);
  g_debug ("Request %s had no answer in %u ms", pending->id, self->request_timeout_ms);
  g_task_return_new_error (pending->task, CONFAB_CONNECTION_ERROR,
                           CONFAB_CONNECTION_ERROR_TIMEOUT,
                           _("The service did not answer in time"));
  pending_free (pending);

  return G_SOURCE_REMOVE;
}

static void
handle_response (ConfabConnection *self,
                 ConfabFrame      *frame)
{
  Pending *pending;

  if (frame->id == NULL ||
      !g_hash_table_steal_extended (self->pending, frame->id, NULL, (gpointer *) &pending))
    {
      g_debug ("Ignoring an answer to no pending request (%s)", frame->type ? frame->type : "no type");
      confab_frame_free (frame);
      return;
    }

  if (frame->code == 200 && pending->is_clock)
    {
      gint64 server_ms = 0;

      if (confab_parse_clock (frame, &server_ms, NULL))
        {
          gint64 now = g_get_real_time () / 1000;
          gint64 offset = server_ms - (pending->sent_at + now) / 2;

          if (offset != self->clock_offset)
            {
              self->clock_offset = offset;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_OFFSET]);
            }
        }
    }

  if (frame->code >= 400)
    {
      const char *text = confab_frame_get_body_string (frame);

      g_task_return_new_error (pending->task, CONFAB_RESPONSE_ERROR, frame->code,
                               "%s", text != NULL ? text : _("The service refused the request"));
      confab_frame_free (frame);
    }
  else
    {
      g_task_return_pointer (pending->task, frame, (GDestroyNotify) confab_frame_free);
    }

  pending_free (pending);
}

/* Takes frame */
static void
deliver (ConfabConnection *self,
         ConfabFrame      *frame)
{
  switch (frame->kind)
    {
    case CONFAB_FRAME_KIND_RESPONSE:
      handle_response (self, frame);
      break;

    case CONFAB_FRAME_KIND_NOTIFICATION:
      g_signal_emit (self, signals[SIGNAL_NOTIFICATION], 0, frame);
      confab_frame_free (frame);
      break;

    case CONFAB_FRAME_KIND_REQUEST:
    case CONFAB_FRAME_KIND_UNKNOWN:
    default:
      g_debug ("Ignoring a frame of kind %d (%s)", frame->kind, frame->type ? frame->type : "no type");
      confab_frame_free (frame);
      break;
    }
}

/* The frame in a text frame's bytes, or NULL (logged) */
static ConfabFrame *
parse_text (const char *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  ConfabFrame *frame = confab_frame_parse_text_frame (data, len, &error);

  if (frame == NULL)
    /* Never the frame itself: it may carry message text. */
    g_message ("Ignoring a malformed frame of %" G_GSIZE_FORMAT " bytes from the service: %s",
               len, error->message);
  return frame;
}

/* Hands on the first waiting frame, parsing it first if it waited as it came. A large one
 * parsed here is handed on at the next call instead when may_wait. */
static void
deliver_first_deferred (ConfabConnection *self,
                        gboolean          may_wait)
{
  Deferred *deferred = g_queue_pop_head (&self->deferred);
  ConfabFrame *frame;

  if (deferred == NULL)
    return;
  if (deferred->frame == NULL)
    {
      gsize len = g_bytes_get_size (deferred->text);

      deferred->frame = parse_text (g_bytes_get_data (deferred->text, NULL), len);
      g_clear_pointer (&deferred->text, g_bytes_unref);
      if (deferred->frame != NULL && len >= DEFER_FRAME_SIZE && may_wait)
        {
          g_queue_push_head (&self->deferred, deferred);
          return;
        }
    }
  frame = g_steal_pointer (&deferred->frame);
  deferred_free (deferred);
  if (frame != NULL)
    deliver (self, frame);
}

/* One frame a dispatch: a window's frame may come between two large ones. */
static gboolean
deliver_deferred_cb (gpointer data)
{
  ConfabConnection *self = data;
  g_autoptr(GObject) keep = NULL;

  /* a handler may drop the last reference */
  keep = g_object_ref (G_OBJECT (self));
  deliver_first_deferred (self, TRUE);
  /* a handler that closed the connection removed this source and emptied the queue */
  if (self->deferred_source != 0 && !g_queue_is_empty (&self->deferred))
    return G_SOURCE_CONTINUE;
  self->deferred_source = 0;
  return G_SOURCE_REMOVE;
}

static void
ws_message_cb (ConfabConnection        *self,
               int                      type,
               GBytes                  *message,
               SoupWebsocketConnection *ws)
{
  Deferred *deferred;
  ConfabFrame *frame = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  self->last_received = g_get_monotonic_time ();

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_message ("Ignoring a binary frame of %" G_GSIZE_FORMAT " bytes from the service", len);
      return;
    }

  if (g_queue_is_empty (&self->deferred))
    {
      frame = parse_text (data, len);
      if (frame == NULL)
        return;
      if (len < DEFER_FRAME_SIZE)
        {
          deliver (self, frame);
          return;
        }
    }

  /* a large frame, or one behind it */
  deferred = g_new0 (Deferred, 1);
  deferred->frame = frame;
  deferred->text = frame == NULL ? g_bytes_ref (message) : NULL;
  g_queue_push_tail (&self->deferred, deferred);
  if (self->deferred_source == 0)
    {
      self->deferred_source = g_idle_add_full (PRIORITY_AFTER_REDRAW, deliver_deferred_cb, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->deferred_source),
                                "[confab] deferred frames");
    }
}

/* Delivers what came before the socket closed, in order, before the close is told. */
static void
flush_deferred (ConfabConnection *self)
{
  g_clear_handle_id (&self->deferred_source, g_source_remove);
  /* a handler may close the connection, which drops the rest */
  while (!g_queue_is_empty (&self->deferred))
    deliver_first_deferred (self, FALSE);
}

static void
ws_pong_cb (ConfabConnection        *self,
            GBytes                  *message,
            SoupWebsocketConnection *ws)
{
  self->last_received = g_get_monotonic_time ();
}

static ConfabDisconnectReason
reason_for_close_code (gushort code)
{
  switch (code)
    {
    case CLOSE_TOKEN_EXPIRED:
      return CONFAB_DISCONNECT_AUTH;
    case CLOSE_IDENTITY_EXPIRED:
      return CONFAB_DISCONNECT_IDENTITY_EXPIRED;
    default:
      return CONFAB_DISCONNECT_NETWORK;
    }
}

static void
ws_closed_cb (ConfabConnection        *self,
              SoupWebsocketConnection *ws)
{
  gushort code = soup_websocket_connection_get_close_code (ws);
  g_autofree char *message = g_strdup_printf ("closed by the service with code %u", code);
  g_autoptr(GObject) keep = NULL;

  keep = g_object_ref (G_OBJECT (self));
  flush_deferred (self);
  teardown (self, reason_for_close_code (code), message);
}

static void
ws_error_cb (ConfabConnection        *self,
             GError                  *error,
             SoupWebsocketConnection *ws)
{
  g_debug ("WebSocket error: %s", error->message);
}

static void
get_clock_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  /* The answer itself is read in handle_response(); here only failures are noted. */
  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame == NULL)
    g_debug ("GetClock failed: %s", error->message);
}

static gboolean
keepalive_cb (gpointer data)
{
  ConfabConnection *self = data;
  gint64 silent_ms = (g_get_monotonic_time () - self->last_received) / 1000;

  if (silent_ms > (gint64) self->keepalive_ms * WATCHDOG_PERIODS)
    {
      g_autofree char *message = g_strdup_printf ("silent for %" G_GINT64_FORMAT " ms", silent_ms);

      g_autoptr(GObject) keep = NULL;

      keep = g_object_ref (G_OBJECT (self));
      self->keepalive_source = 0;
      flush_deferred (self);
      teardown (self, CONFAB_DISCONNECT_NETWORK, message);
      return G_SOURCE_REMOVE;
    }

  confab_connection_send_request (self, CONFAB_REQ_GET_CLOCK, NULL, NULL, get_clock_cb, NULL);

  return G_SOURCE_CONTINUE;
}

typedef struct
{
  ConfabConnection *self;
  SoupMessage *msg;   /* the upgrade request: its status tells a refused token */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->msg);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConnectData, connect_data_free)

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConnectData) data = user_data;
  ConfabConnection *self = data->self;
  SoupMessage *msg = data->msg;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;
  guint keepalive_s;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  if (ws == NULL)
    {
      guint status = soup_message_get_status (msg);
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      message = g_strdup_printf ("upgrade failed (HTTP %u): %s", status, error->message);
      if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
        teardown (self, CONFAB_DISCONNECT_AUTH, message);
      else
        teardown (self, CONFAB_DISCONNECT_NETWORK, message);
      return;
    }

  if (self->state != CONFAB_CONNECTION_STATE_CONNECTING)
    {
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (ws);
      return;
    }

  self->ws = ws;
  /* A long history replay arrives in large frames; the default 128 KiB would cut it. */
  soup_websocket_connection_set_max_incoming_payload_size (ws, CONFAB_FRAME_MAX_SIZE);
  keepalive_s = MAX (1, self->keepalive_ms / 1000);
  soup_websocket_connection_set_keepalive_interval (ws, keepalive_s);

  g_signal_connect_object (ws, "message", G_CALLBACK (ws_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ws, "closed", G_CALLBACK (ws_closed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ws, "error", G_CALLBACK (ws_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ws, "pong", G_CALLBACK (ws_pong_cb), self, G_CONNECT_SWAPPED);

  self->last_received = g_get_monotonic_time ();
  self->keepalive_source = g_timeout_add (self->keepalive_ms, keepalive_cb, self);

  set_state (self, CONFAB_CONNECTION_STATE_CONNECTED);
}

/* What Confab can show and send; an account holds back what a client does not declare. */
static const char *const features[] = {
  CONFAB_FEATURE_RICH_CONTENT,
  CONFAB_FEATURE_QUICK_REPLIES,
  CONFAB_FEATURE_MULTI_DIALOG,
  CONFAB_FEATURE_AUTO_MESSAGES,
  CONFAB_FEATURE_PHOTO_SHARING,
  CONFAB_FEATURE_FILE_SHARING,
};

static char *
client_properties (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, ".ClientProperties");
  json_builder_set_member_name (builder, "appId");
  json_builder_add_string_value (builder, APP_ID);
  json_builder_set_member_name (builder, "appVersion");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "deviceFamily");
  json_builder_add_string_value (builder, "DESKTOP");
  json_builder_set_member_name (builder, "os");
  json_builder_add_string_value (builder, "LINUX");
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    json_builder_add_string_value (builder, features[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

void
confab_connection_connect (ConfabConnection *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *props = NULL;
  ConnectData *data;

  g_return_if_fail (CONFAB_IS_CONNECTION (self));

  if (self->state != CONFAB_CONNECTION_STATE_DISCONNECTED)
    return;

  self->reason = CONFAB_DISCONNECT_NONE;
  set_state (self, CONFAB_CONNECTION_STATE_CONNECTING);

  msg = soup_message_new (SOUP_METHOD_GET, self->url);
  if (msg == NULL)
    {
      teardown (self, CONFAB_DISCONNECT_NETWORK, "not a valid URL");
      return;
    }

  auth = g_strconcat ("jwt ", self->jwt, NULL);
  props = client_properties ();
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Client-Properties", props);

  self->cancellable = g_cancellable_new ();
  data = g_new0 (ConnectData, 1);
  data->self = g_object_ref (self);
  data->msg = g_object_ref (msg);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, self->cancellable,
                                        connect_cb, data);
}

void
confab_connection_close (ConfabConnection *self)
{
  g_return_if_fail (CONFAB_IS_CONNECTION (self));

  teardown (self, CONFAB_DISCONNECT_REQUESTED, "closed by Confab");
}

void
confab_connection_drop (ConfabConnection *self,
                        const char       *why)
{
  g_return_if_fail (CONFAB_IS_CONNECTION (self));

  teardown (self, CONFAB_DISCONNECT_NETWORK, why);
}

void
confab_connection_send_request (ConfabConnection   *self,
                                const char         *type,
                                JsonNode           *body,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  confab_connection_send_request_full (self, type, body, NULL, cancellable, callback, user_data);
}

void
confab_connection_send_request_full (ConfabConnection   *self,
                                     const char         *type,
                                     JsonNode           *body,
                                     JsonNode           *metadata,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) owned_body = body;
  g_autofree char *text = NULL;
  Pending *pending;

  g_return_if_fail (CONFAB_IS_CONNECTION (self));
  g_return_if_fail (type != NULL);
  g_return_if_fail (metadata == NULL || JSON_NODE_HOLDS_ARRAY (metadata));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_connection_send_request);

  /* libsoup may be closing the socket (the peer cut it) before it tells us so. */
  if (self->state != CONFAB_CONNECTION_STATE_CONNECTED || self->ws == NULL ||
      soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_task_return_new_error (task, CONFAB_CONNECTION_ERROR,
                               CONFAB_CONNECTION_ERROR_NOT_CONNECTED,
                               _("Not connected to the service"));
      return;
    }

  pending = g_new0 (Pending, 1);
  pending->self = self;
  pending->id = g_strdup_printf ("%" G_GUINT64_FORMAT, ++self->next_id);
  pending->task = g_steal_pointer (&task);
  pending->sent_at = g_get_real_time () / 1000;
  pending->is_clock = g_str_equal (type, CONFAB_REQ_GET_CLOCK);
  pending->timeout_source = g_timeout_add (self->request_timeout_ms, request_timeout_cb, pending);
  g_hash_table_insert (self->pending, pending->id, pending);

  text = confab_frame_build_request_full (pending->id, type, owned_body, metadata);
  g_debug ("Sending %s (id %s)", type, pending->id);
  soup_websocket_connection_send_text (self->ws, text);
}

ConfabFrame *
confab_connection_send_request_finish (ConfabConnection *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

ConfabConnection *
confab_connection_new (SoupSession *session,
                       const char  *url,
                       const char  *jwt)
{
  ConfabConnection *self;

  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (jwt != NULL, NULL);

  self = g_object_new (CONFAB_TYPE_CONNECTION, "url", url, NULL);
  self->session = session != NULL ? g_object_ref (session) : soup_session_new ();
  self->jwt = g_strdup (jwt);

  return self;
}

ConfabConnectionState
confab_connection_get_state (ConfabConnection *self)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION (self), CONFAB_CONNECTION_STATE_DISCONNECTED);

  return self->state;
}

ConfabDisconnectReason
confab_connection_get_disconnect_reason (ConfabConnection *self)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION (self), CONFAB_DISCONNECT_NONE);

  return self->reason;
}

gint64
confab_connection_get_clock_offset (ConfabConnection *self)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION (self), 0);

  return self->clock_offset;
}

void
confab_connection_set_request_timeout (ConfabConnection *self,
                                       guint             timeout_ms)
{
  g_return_if_fail (CONFAB_IS_CONNECTION (self));
  g_return_if_fail (timeout_ms > 0);

  self->request_timeout_ms = timeout_ms;
}

void
confab_connection_set_keepalive (ConfabConnection *self,
                                 guint             interval_ms)
{
  g_return_if_fail (CONFAB_IS_CONNECTION (self));
  g_return_if_fail (interval_ms > 0);

  self->keepalive_ms = interval_ms;
}

static void
confab_connection_dispose (GObject *object)
{
  ConfabConnection *self = CONFAB_CONNECTION (object);

  g_clear_handle_id (&self->keepalive_source, g_source_remove);
  drop_deferred (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->ws);
    }
  if (self->pending != NULL)
    fail_all_pending (self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (confab_connection_parent_class)->dispose (object);
}

static void
confab_connection_finalize (GObject *object)
{
  ConfabConnection *self = CONFAB_CONNECTION (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_free (self->url);
  if (self->jwt != NULL)
    memset (self->jwt, 0, strlen (self->jwt));
  g_free (self->jwt);

  G_OBJECT_CLASS (confab_connection_parent_class)->finalize (object);
}

static void
confab_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ConfabConnection *self = CONFAB_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CLOCK_OFFSET:
      g_value_set_int64 (value, self->clock_offset);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ConfabConnection *self = CONFAB_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_connection_class_init (ConfabConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_connection_dispose;
  object_class->finalize = confab_connection_finalize;
  object_class->get_property = confab_connection_get_property;
  object_class->set_property = confab_connection_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       CONFAB_TYPE_CONNECTION_STATE, CONFAB_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOCK_OFFSET] =
    g_param_spec_int64 ("clock-offset", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ConfabConnection::notification: (frame: a ConfabFrame, valid during the emission) */
  signals[SIGNAL_NOTIFICATION] =
    g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* ConfabConnection::disconnected: (reason, a ConfabDisconnectReason) (detail: for logs) */
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CONFAB_TYPE_DISCONNECT_REASON, G_TYPE_STRING);
}

static void
confab_connection_init (ConfabConnection *self)
{
  self->pending = g_hash_table_new (g_str_hash, g_str_equal);
  self->request_timeout_ms = CONFAB_CONNECTION_REQUEST_TIMEOUT_MS;
  self->keepalive_ms = CONFAB_CONNECTION_KEEPALIVE_MS;
}
