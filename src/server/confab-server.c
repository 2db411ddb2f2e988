/* confab-server.c: the local LivePerson-compatible messaging service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SoupServer on a loopback port speaks sections 1–4 of protocol.md: the CSDS lookup,
 * signup, the agent profile, and the consumer WebSocket. Everything runs on the main context
 * the server was created in; nothing blocks it for long (replays go out in chunks from an
 * idle source, the state file is written at most every SAVE_DEBOUNCE_MS).
 */
#include "config.h"

#include "confab-server.h"

#include <string.h>

#include <libsoup/soup.h>

#include "confab-agent-bot.h"
#include "confab-agent-console.h"
#include "confab-server-enums.h"
#include "confab-server-private.h"
#include "confab-server-state.h"
#include "confab-token.h"

/* The scripted agent's id: the ASSIGNED_AGENT participant and originatorId of its events. */
#define AGENT_ID "5e1b0a52-7d3c-4f6e-9a8b-2c4d6e8f0a1b"

#define SAVE_DEBOUNCE_MS 250
#define DEFAULT_TOKEN_LIFETIME (60 * 60)
#define DEFAULT_ACCEPT_DELAY 1000
#define DEFAULT_TYPING_DELAY 800
#define DEFAULT_READ_DELAY 1500
#define DEFAULT_REPLAY_CHUNK 200

/* Frames handled for one socket before the next busy socket gets its turn. */
#define WORK_BATCH 32
/* A client this far behind reading its answers is broken; its socket is closed. */
#define MAX_INBOX_FRAMES 100000

#define RESP_REQUEST_CONVERSATION "cm.RequestConversationResponse"
#define RESP_UPDATE_CONVERSATION  "cm.UpdateConversationFieldResponse"
#define RESP_SUBSCRIBE_EX         "cqm.SubscribeExConversationsResponse"
#define RESP_UNSUBSCRIBE_EX       "cqm.UnsubscribeExConversationsResponse"
#define RESP_SUBSCRIBE_MESSAGING  "GenericSubscribeResponse"
#define RESP_PUBLISH_EVENT        "ms.PublishEventResponse"
#define RESP_GET_CLOCK            "GetClockResponse"
#define RESP_GENERIC              "GenericResponse"

#define REQ_UNSUBSCRIBE_EX        "cqm.UnsubscribeExConversations"
#define REQ_UNSUBSCRIBE_MESSAGING "ms.UnsubscribeMessagingEvents"

#define BAD_REQUEST_CLOSED "Bad Request, Conversation is close"

typedef struct _ConsumerSocket ConsumerSocket;

typedef enum {
  STATE_MASK_OPEN = 1 << 0,
  STATE_MASK_CLOSE = 1 << 1,
} StateMask;

typedef struct {
  char *id;
  guint state_mask;
} ExSubscription;

typedef struct {
  ConsumerSocket *socket;
  char *conversation_id;
  guint next_sequence;
  guint replay_source;   /* 0 once live */
} DialogSubscription;

struct _ConsumerSocket {
  ConfabServer *server;
  SoupWebsocketConnection *conn;
  GSocket *socket;
  guint serial;
  char *consumer_id;
  char *account_id;
  guint expiry_source;
  GPtrArray *ex_subscriptions;       /* of ExSubscription */
  GHashTable *dialog_subscriptions;  /* conversation id → DialogSubscription */
  GQueue inbox;                      /* of InboundFrame, not handled yet */
  gboolean is_busy;                  /* in the server's busy_sockets */
};

typedef struct {
  gboolean is_text;
  GBytes *bytes;
} InboundFrame;

typedef struct {
  char *consumer_id;
  char *account_id;
  gint64 expires_at;
} UpgradeAuth;

typedef struct {
  ConfabServer *server;
  SoupServerMessage *msg;
  guint source;
} DelayedHttp;

typedef struct {
  ConfabServer *server;
  SoupWebsocketConnection *conn;
  char *text;
  guint source;
} DelayedFrame;

struct _ConfabServer
{
  GObject parent_instance;

  ConfabAgentMode agent_mode;
  SoupServer *soup;
  guint16 port;

  ConfabServerState *state;
  char *state_path;
  guint save_source;
  gboolean dirty;

  GPtrArray *sockets;               /* of ConsumerSocket */
  guint next_socket_serial;
  GQueue busy_sockets;              /* of ConsumerSocket with frames in their inbox */
  guint work_source;
  GPtrArray *delayed_http;          /* of DelayedHttp */
  GPtrArray *delayed_frames;        /* of DelayedFrame */

  GObject *agent;                   /* ConfabAgentBot, ConfabAgentConsole, or NULL */

  gboolean refuse_tokens;
  char *fail_type;                  /* confab_server_fail_requests() */
  int fail_code;
  guint fail_count;
  guint response_delay;
  GQueue frame_log;                 /* of JsonNode */
  gint64 token_lifetime;
  guint accept_delay;
  guint typing_delay;
  guint read_delay;
  guint replay_chunk_size;
  gboolean is_shut_down;
};

G_DEFINE_FINAL_TYPE (ConfabServer, confab_server, G_TYPE_OBJECT)

G_DEFINE_QUARK (confab-server-error-quark, confab_server_error)

enum {
  PROP_0,
  PROP_AGENT_MODE,
  PROP_PORT,
  PROP_ACCEPT_DELAY,
  PROP_TYPING_DELAY,
  PROP_READ_DELAY,
  PROP_TOKEN_LIFETIME,
  PROP_REPLAY_CHUNK_SIZE,
  PROP_REFUSE_TOKENS,
  PROP_RESPONSE_DELAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CONVERSATION_REQUESTED,
  CONSUMER_EVENT,
  CONVERSATION_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void socket_free (ConsumerSocket *socket);
static void conversation_changed (ConfabServer *self, ConfabStoredConversation *conversation);

gint64
confab_server_now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* Utilities */

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
delayed_frame_free (DelayedFrame *frame)
{
  g_clear_handle_id (&frame->source, g_source_remove);
  g_clear_object (&frame->conn);
  g_free (frame->text);
  g_free (frame);
}

void
confab_server_reply_json (SoupServerMessage *msg,
                          guint              status,
                          JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
}

void
confab_server_reply_error (SoupServerMessage *msg,
                          guint              status,
                          const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  confab_server_reply_json (msg, status, node);
}

static void
schedule_save (ConfabServer *self);

/* Sending on a socket */

static gboolean
socket_is_open (ConsumerSocket *socket)
{
  return soup_websocket_connection_get_state (socket->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
socket_send_text (ConsumerSocket *socket,
                  const char     *text)
{
  if (socket_is_open (socket))
    soup_websocket_connection_send_text (socket->conn, text);
}

static gboolean
delayed_frame_cb (gpointer user_data)
{
  DelayedFrame *frame = user_data;

  frame->source = 0;
  if (soup_websocket_connection_get_state (frame->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (frame->conn, frame->text);
  g_ptr_array_remove (frame->server->delayed_frames, frame);

  return G_SOURCE_REMOVE;
}

/* Responses honour the response delay; notifications never wait. */
static void
socket_send_response_text (ConsumerSocket *socket,
                           char           *text)
{
  ConfabServer *self = socket->server;
  DelayedFrame *frame;

  if (self->response_delay == 0)
    {
      socket_send_text (socket, text);
      g_free (text);
      return;
    }

  frame = g_new0 (DelayedFrame, 1);
  frame->server = self;
  frame->conn = g_object_ref (socket->conn);
  frame->text = text;
  frame->source = g_timeout_add (self->response_delay, delayed_frame_cb, frame);
  g_ptr_array_add (self->delayed_frames, frame);
}

static void
socket_respond (ConsumerSocket *socket,
                const char     *req_id,
                int             code,
                const char     *type,
                JsonNode       *body)
{
  char *text;

  if (req_id != NULL)
    {
      text = confab_frame_build_response (req_id, code, type, body);
    }
  else
    {
      /* A request whose id could not be read still gets an answer, with a null reqId. */
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, "resp");
      json_builder_set_member_name (builder, "reqId");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, code);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, type);
      if (body != NULL)
        {
          json_builder_set_member_name (builder, "body");
          json_builder_add_value (builder, json_node_copy (body));
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, FALSE);
    }

  g_debug ("socket %u: response %s to %s: %d", socket->serial, type,
           req_id != NULL ? req_id : "(no id)", code);
  socket_send_response_text (socket, text);
}

static void
socket_respond_string (ConsumerSocket *socket,
                       const char     *req_id,
                       int             code,
                       const char     *type,
                       const char     *message)
{
  g_autoptr(JsonNode) body = json_node_init_string (json_node_alloc (), message);

  socket_respond (socket, req_id, code, type, body);
}

static void
socket_send_notification (ConsumerSocket *socket,
                          const char     *type,
                          JsonNode       *body)
{
  g_autofree char *text = NULL;

  if (!socket_is_open (socket))
    return;

  text = confab_frame_build_notification (type, body);
  socket_send_text (socket, text);
}

/* Conversation metadata: cqm.ExConversationChangeNotification */

static guint
state_mask_from_array (JsonArray *array)
{
  guint mask = 0;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *value;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      value = json_node_get_string (node);
      if (g_str_equal (value, "OPEN"))
        mask |= STATE_MASK_OPEN;
      else if (g_str_equal (value, "CLOSE"))
        mask |= STATE_MASK_CLOSE;
    }

  return mask;
}

static gboolean
ex_subscription_matches (ExSubscription           *subscription,
                         ConfabStoredConversation *conversation)
{
  return (subscription->state_mask & (conversation->closed ? STATE_MASK_CLOSE : STATE_MASK_OPEN)) != 0;
}

static void
build_ex_change (JsonBuilder              *builder,
                 ConfabStoredConversation *conversation,
                 gboolean                  deleted)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, deleted ? "DELETE" : "UPSERT");
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "convId");
  json_builder_add_string_value (builder, conversation->id);
  json_builder_set_member_name (builder, "effectiveTTR");
  json_builder_add_int_value (builder, -1);
  json_builder_set_member_name (builder, "conversationDetails");
  confab_stored_conversation_build_details (conversation, builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
send_ex_notification (ConsumerSocket *socket,
                      ExSubscription *subscription,
                      GPtrArray      *conversations,
                      gboolean        deleted)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "subscriptionId");
  json_builder_add_string_value (builder, subscription->id);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < conversations->len; i++)
    build_ex_change (builder, g_ptr_array_index (conversations, i), deleted);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  socket_send_notification (socket, CONFAB_NOTIFY_EX_CONVERSATION, body);
}

static void
conversation_changed (ConfabServer             *self,
                      ConfabStoredConversation *conversation)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  confab_stored_conversation_touch (conversation, confab_server_now_ms ());
  g_ptr_array_add (one, conversation);

  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);

      if (!g_str_equal (socket->consumer_id, conversation->consumer_id))
        continue;

      for (guint j = 0; j < socket->ex_subscriptions->len; j++)
        {
          ExSubscription *subscription = g_ptr_array_index (socket->ex_subscriptions, j);

          if (ex_subscription_matches (subscription, conversation))
            send_ex_notification (socket, subscription, one, FALSE);
          else if (conversation->closed && (subscription->state_mask & STATE_MASK_OPEN) != 0)
            send_ex_notification (socket, subscription, one, TRUE);
        }
    }

  schedule_save (self);
}

/* Dialog events: ms.MessagingEventNotification */

static void
send_events (ConsumerSocket           *socket,
             ConfabStoredConversation *conversation,
             guint                     first,
             guint                     end)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = first; i < end; i++)
    confab_stored_event_build_change (g_ptr_array_index (conversation->events, i), conversation, builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  socket_send_notification (socket, CONFAB_NOTIFY_MESSAGING, body);
}

static gboolean
replay_step_cb (gpointer user_data)
{
  DialogSubscription *subscription = user_data;
  ConsumerSocket *socket = subscription->socket;
  ConfabStoredConversation *conversation;
  guint chunk = MAX (socket->server->replay_chunk_size, 1);
  gsize bytes = 0;
  guint end;

  conversation = confab_server_state_lookup_conversation (socket->server->state,
                                                          subscription->conversation_id);
  if (conversation == NULL || !socket_is_open (socket))
    {
      subscription->replay_source = 0;
      return G_SOURCE_REMOVE;
    }

  end = subscription->next_sequence;
  while (end < conversation->events->len && end - subscription->next_sequence < chunk)
    {
      ConfabStoredEvent *event = g_ptr_array_index (conversation->events, end);

      if (end > subscription->next_sequence && bytes + event->size > CONFAB_SERVER_REPLAY_MAX_BYTES)
        break;
      bytes += event->size;
      end++;
    }

  if (end > subscription->next_sequence)
    {
      g_debug ("socket %u: replaying sequences %u to %u", socket->serial,
               subscription->next_sequence, end - 1);
      send_events (socket, conversation, subscription->next_sequence, end);
      subscription->next_sequence = end;
    }

  if (subscription->next_sequence >= conversation->events->len)
    {
      /* Caught up: from now on new events go out live. */
      subscription->replay_source = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
broadcast_event (ConfabServer             *self,
                 ConfabStoredConversation *conversation,
                 ConfabStoredEvent        *event)
{
  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);
      DialogSubscription *subscription;

      if (!g_str_equal (socket->consumer_id, conversation->consumer_id))
        continue;

      subscription = g_hash_table_lookup (socket->dialog_subscriptions, conversation->id);
      /* A subscription still replaying picks the event up from the store, in order. */
      if (subscription == NULL || subscription->replay_source != 0)
        continue;

      send_events (socket, conversation, event->sequence, event->sequence + 1);
      subscription->next_sequence = event->sequence + 1;
    }
}

static ConfabStoredEvent *
store_event (ConfabServer             *self,
             ConfabStoredConversation *conversation,
             const char               *originator_id,
             const char               *role,
             JsonNode                 *event)
{
  ConfabStoredEvent *stored;

  stored = confab_stored_conversation_append (conversation, originator_id, role, event,
                                              confab_server_now_ms ());
  broadcast_event (self, conversation, stored);
  schedule_save (self);

  return stored;
}

/* Typing is forwarded to sockets watching the dialog, never stored. */
static void
forward_chat_state (ConfabServer             *self,
                    ConfabStoredConversation *conversation,
                    const char               *originator_id,
                    const char               *role,
                    JsonNode                 *event)
{
  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);
      g_autoptr(JsonBuilder) builder = NULL;
      g_autoptr(JsonNode) body = NULL;

      if (!g_str_equal (socket->consumer_id, conversation->consumer_id) ||
          !g_hash_table_contains (socket->dialog_subscriptions, conversation->id))
        continue;

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "changes");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "originatorId");
      json_builder_add_string_value (builder, originator_id);
      json_builder_set_member_name (builder, "originatorMetadata");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, originator_id);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, role);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "event");
      json_builder_add_value (builder, json_node_copy (event));
      json_builder_set_member_name (builder, "conversationId");
      json_builder_add_string_value (builder, conversation->id);
      json_builder_set_member_name (builder, "dialogId");
      json_builder_add_string_value (builder, conversation->id);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);

      socket_send_notification (socket, CONFAB_NOTIFY_MESSAGING, body);
    }
}

static void
close_conversation (ConfabServer             *self,
                    ConfabStoredConversation *conversation,
                    ConfabCloseReason         reason)
{
  conversation->closed = TRUE;
  conversation->close_reason = reason;
  conversation->end_ts = confab_server_now_ms ();
  conversation_changed (self, conversation);

  g_debug ("conversation %s closed by %s", conversation->id,
           confab_close_reason_to_string (reason));
  g_signal_emit (self, signals[CONVERSATION_CLOSED], 0, conversation->id,
                 confab_close_reason_to_string (reason));
}

/* Consumer requests */

static ConfabStoredConversation *
socket_lookup_conversation (ConsumerSocket *socket,
                            JsonObject     *body)
{
  ConfabStoredConversation *conversation;
  const char *id = confab_json_get_string (body, "conversationId");

  if (id == NULL)
    id = confab_json_get_string (body, "dialogId");

  conversation = confab_server_state_lookup_conversation (socket->server->state, id);
  if (conversation == NULL || !g_str_equal (conversation->consumer_id, socket->consumer_id))
    return NULL;

  return conversation;
}

static void
handle_request_conversation (ConsumerSocket    *socket,
                             const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  ConfabStoredConversation *conversation;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (confab_server_state_find_open_conversation (self->state, socket->consumer_id) != NULL)
    {
      socket_respond_string (socket, frame->id, 400, RESP_REQUEST_CONVERSATION,
                             "Bad Request, the consumer already has an open conversation");
      return;
    }

  conversation = confab_server_state_add_conversation (self->state, socket->account_id,
                                                       socket->consumer_id, confab_server_now_ms ());

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "conversationId");
  json_builder_add_string_value (builder, conversation->id);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  socket_respond (socket, frame->id, 200, RESP_REQUEST_CONVERSATION, body);

  g_debug ("conversation %s requested", conversation->id);
  conversation_changed (self, conversation);
  g_signal_emit (self, signals[CONVERSATION_REQUESTED], 0, conversation->id);
}

static void
handle_subscribe_ex (ConsumerSocket    *socket,
                     const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  JsonObject *request = confab_frame_get_body_object (frame);
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  ExSubscription *subscription;
  gint64 min_last_updated = 0;
  guint mask;

  mask = state_mask_from_array (confab_json_get_array (request, "convState"));
  if (mask == 0)
    mask = state_mask_from_array (confab_json_get_array (request, "stage"));
  if (mask == 0)
    mask = STATE_MASK_OPEN | STATE_MASK_CLOSE;
  confab_json_lookup_int (request, "minLastUpdatedTime", &min_last_updated);

  subscription = g_new0 (ExSubscription, 1);
  subscription->id = g_uuid_string_random ();
  subscription->state_mask = mask;
  g_ptr_array_add (socket->ex_subscriptions, subscription);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "subscriptionId");
  json_builder_add_string_value (builder, subscription->id);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  socket_respond (socket, frame->id, 200, RESP_SUBSCRIBE_EX, body);

  for (guint i = 0; i < self->state->conversations->len; i++)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (self->state->conversations, i);

      if (g_str_equal (conversation->consumer_id, socket->consumer_id) &&
          conversation->last_update_ts >= min_last_updated &&
          ex_subscription_matches (subscription, conversation))
        g_ptr_array_add (matching, conversation);
    }

  /* Always sent, even empty: it is how a client learns there is no open conversation. */
  send_ex_notification (socket, subscription, matching, FALSE);
}

static void
handle_unsubscribe_ex (ConsumerSocket    *socket,
                       const ConfabFrame *frame)
{
  const char *id = confab_json_get_string (confab_frame_get_body_object (frame), "subscriptionId");

  for (guint i = 0; i < socket->ex_subscriptions->len; i++)
    {
      ExSubscription *subscription = g_ptr_array_index (socket->ex_subscriptions, i);

      if (id == NULL || g_str_equal (subscription->id, id))
        {
          g_ptr_array_remove_index (socket->ex_subscriptions, i);
          socket_respond (socket, frame->id, 200, RESP_UNSUBSCRIBE_EX, NULL);
          return;
        }
    }

  socket_respond_string (socket, frame->id, 400, RESP_UNSUBSCRIBE_EX,
                         "Bad Request, unknown subscription");
}

static void
handle_subscribe_messaging (ConsumerSocket    *socket,
                            const ConfabFrame *frame)
{
  JsonObject *request = confab_frame_get_body_object (frame);
  ConfabStoredConversation *conversation = socket_lookup_conversation (socket, request);
  g_autoptr(JsonNode) body = NULL;
  DialogSubscription *subscription;
  gint64 from_seq = 0;

  if (conversation == NULL)
    {
      socket_respond_string (socket, frame->id, 400, RESP_SUBSCRIBE_MESSAGING,
                             "Bad Request, unknown dialog");
      return;
    }

  confab_json_lookup_int (request, "fromSeq", &from_seq);
  from_seq = CLAMP (from_seq, 0, (gint64) conversation->events->len);

  subscription = g_new0 (DialogSubscription, 1);
  subscription->socket = socket;
  subscription->conversation_id = g_strdup (conversation->id);
  subscription->next_sequence = (guint) from_seq;
  /* Replaces an earlier subscription to the same dialog on this socket. */
  g_hash_table_replace (socket->dialog_subscriptions, subscription->conversation_id, subscription);

  body = json_node_init_object (json_node_alloc (), json_object_new ());
  socket_respond (socket, frame->id, 200, RESP_SUBSCRIBE_MESSAGING, body);

  /* Chunks go out from the main loop so that other sockets are served between them;
   * default priority, so a busy socket cannot starve the replay either. */
  if (subscription->next_sequence < conversation->events->len)
    subscription->replay_source = g_idle_add_full (G_PRIORITY_DEFAULT, replay_step_cb, subscription, NULL);
}

static void
handle_unsubscribe_messaging (ConsumerSocket    *socket,
                              const ConfabFrame *frame)
{
  ConfabStoredConversation *conversation;

  conversation = socket_lookup_conversation (socket, confab_frame_get_body_object (frame));
  if (conversation == NULL || !g_hash_table_remove (socket->dialog_subscriptions, conversation->id))
    {
      socket_respond_string (socket, frame->id, 400, RESP_GENERIC, "Bad Request, not subscribed");
      return;
    }

  socket_respond (socket, frame->id, 200, RESP_GENERIC, NULL);
}

static gboolean
valid_sequence_list (JsonArray *list)
{
  if (list == NULL || json_array_get_length (list) == 0 || json_array_get_length (list) > 10000)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 0)
        return FALSE;
    }

  return TRUE;
}

static void
respond_sequence (ConsumerSocket *socket,
                  const char     *req_id,
                  gint64          sequence)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sequence");
  json_builder_add_int_value (builder, sequence);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  socket_respond (socket, req_id, 200, RESP_PUBLISH_EVENT, body);
}

static void
handle_publish (ConsumerSocket    *socket,
                const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  JsonObject *request = confab_frame_get_body_object (frame);
  ConfabStoredConversation *conversation = socket_lookup_conversation (socket, request);
  JsonObject *event = confab_json_get_object (request, "event");
  const char *type = confab_json_get_string (event, "type");
  g_autoptr(JsonNode) event_node = NULL;
  ConfabStoredEvent *stored;

  if (conversation == NULL)
    {
      socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, unknown dialog");
      return;
    }

  if (type == NULL)
    {
      socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, no event type");
      return;
    }

  if (conversation->closed)
    {
      socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, BAD_REQUEST_CLOSED);
      return;
    }

  event_node = json_node_init_object (json_node_alloc (), event);

  if (g_str_equal (type, "ContentEvent"))
    {
      JsonNode *message = json_object_get_member (event, "message");
      const char *content_type = confab_json_get_string (event, "contentType");

      if (message == NULL || JSON_NODE_HOLDS_NULL (message) || JSON_NODE_HOLDS_ARRAY (message) ||
          ((content_type == NULL || g_str_equal (content_type, "text/plain")) &&
           confab_json_get_string (event, "message") == NULL))
        {
          socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, no message");
          return;
        }

      if (content_type == NULL)
        {
          JsonObject *copy;

          g_clear_pointer (&event_node, json_node_unref);
          event_node = json_node_copy (json_object_get_member (request, "event"));
          copy = json_node_get_object (event_node);
          json_object_set_string_member (copy, "contentType", "text/plain");
        }
    }
  else if (g_str_equal (type, "RichContentEvent"))
    {
      if (confab_json_get_object (event, "content") == NULL)
        {
          socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, no content");
          return;
        }
    }
  else if (g_str_equal (type, "AcceptStatusEvent"))
    {
      const char *status = confab_json_get_string (event, "status");
      JsonArray *list = confab_json_get_array (event, "sequenceList");
      ConfabReceiptStatus receipt;

      if (g_strcmp0 (status, "ACCEPT") == 0)
        receipt = CONFAB_RECEIPT_ACCEPT;
      else if (g_strcmp0 (status, "READ") == 0)
        receipt = CONFAB_RECEIPT_READ;
      else
        {
          socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, unknown status");
          return;
        }

      if (!valid_sequence_list (list))
        {
          socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, bad sequenceList");
          return;
        }

      confab_stored_conversation_apply_receipt (conversation, socket->consumer_id, receipt, list);
    }
  else if (g_str_equal (type, "ChatStateEvent"))
    {
      if (confab_json_get_string (event, "chatState") == NULL)
        {
          socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, no chatState");
          return;
        }

      respond_sequence (socket, frame->id, 0);
      g_signal_emit (self, signals[CONSUMER_EVENT], 0, conversation->id, (gint64) -1, event_node);
      return;
    }
  else
    {
      socket_respond_string (socket, frame->id, 400, RESP_PUBLISH_EVENT, "Bad Request, unknown event type");
      return;
    }

  /* Answer first, then the notification, as LivePerson does. */
  respond_sequence (socket, frame->id, (gint64) conversation->events->len);
  stored = store_event (self, conversation, socket->consumer_id, "CONSUMER", event_node);
  g_signal_emit (self, signals[CONSUMER_EVENT], 0, conversation->id, stored->sequence, stored->event);
}

static void
handle_update_field (ConsumerSocket    *socket,
                     const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  JsonObject *request = confab_frame_get_body_object (frame);
  ConfabStoredConversation *conversation = socket_lookup_conversation (socket, request);
  JsonNode *fields_node = request != NULL ? json_object_get_member (request, "conversationField") : NULL;
  g_autoptr(JsonArray) fields = NULL;
  gboolean close = FALSE;
  JsonObject *csat = NULL;

  if (conversation == NULL)
    {
      socket_respond_string (socket, frame->id, 400, RESP_UPDATE_CONVERSATION,
                             "Bad Request, unknown conversation");
      return;
    }

  /* A one-element array may arrive as the bare element. */
  if (fields_node != NULL && JSON_NODE_HOLDS_ARRAY (fields_node))
    fields = json_array_ref (json_node_get_array (fields_node));
  else if (fields_node != NULL && JSON_NODE_HOLDS_OBJECT (fields_node))
    {
      fields = json_array_new ();
      json_array_add_element (fields, json_node_copy (fields_node));
    }

  if (fields == NULL || json_array_get_length (fields) == 0)
    {
      socket_respond_string (socket, frame->id, 400, RESP_UPDATE_CONVERSATION,
                             "Bad Request, no conversationField");
      return;
    }

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonNode *node = json_array_get_element (fields, i);
      JsonObject *field = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = confab_json_get_string (field, "field");

      if (g_strcmp0 (name, "ConversationStateField") == 0 &&
          g_strcmp0 (confab_json_get_string (field, "conversationState"), "CLOSE") == 0)
        close = TRUE;
      else if (g_strcmp0 (name, "CSATRate") == 0)
        {
          gint64 rate = 0;
          const char *status = confab_json_get_string (field, "status");

          if (g_strcmp0 (status, "SKIPPED") != 0 &&
              (!confab_json_lookup_int (field, "csatRate", &rate) || rate < 1 || rate > 5))
            {
              socket_respond_string (socket, frame->id, 400, RESP_UPDATE_CONVERSATION,
                                     "Bad Request, csatRate must be 1 to 5");
              return;
            }
          csat = field;
        }
      else
        {
          socket_respond_string (socket, frame->id, 400, RESP_UPDATE_CONVERSATION,
                                 "Bad Request, unsupported conversationField");
          return;
        }
    }

  if (close && conversation->closed)
    {
      socket_respond_string (socket, frame->id, 400, RESP_UPDATE_CONVERSATION, BAD_REQUEST_CLOSED);
      return;
    }

  if (csat != NULL)
    {
      g_clear_pointer (&conversation->csat, json_node_unref);
      conversation->csat = json_node_init_object (json_node_alloc (), csat);
      schedule_save (self);
    }

  socket_respond_string (socket, frame->id, 200, RESP_UPDATE_CONVERSATION,
                         close ? "OK Conversation resolved successfully" : "OK");

  if (close)
    close_conversation (self, conversation, CONFAB_CLOSE_REASON_CONSUMER);
}

static void
handle_get_clock (ConsumerSocket    *socket,
                  const ConfabFrame *frame)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "currentTime");
  json_builder_add_int_value (builder, confab_server_now_ms ());
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  socket_respond (socket, frame->id, 200, RESP_GET_CLOCK, body);
}

/* The frame log */

static void
log_frame (ConfabServer      *self,
           ConsumerSocket    *socket,
           const ConfabFrame *frame,
           const char        *raw,
           gsize              raw_len)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *kind = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, confab_server_now_ms ());
  json_builder_set_member_name (builder, "socket");
  json_builder_add_int_value (builder, socket->serial);
  json_builder_set_member_name (builder, "consumerId");
  json_builder_add_string_value (builder, socket->consumer_id);

  if (frame != NULL)
    {
      switch (frame->kind)
        {
        case CONFAB_FRAME_KIND_REQUEST:
          kind = "req";
          break;
        case CONFAB_FRAME_KIND_RESPONSE:
          kind = "resp";
          break;
        case CONFAB_FRAME_KIND_NOTIFICATION:
          kind = "notification";
          break;
        case CONFAB_FRAME_KIND_UNKNOWN:
        default:
          break;
        }

      json_builder_set_member_name (builder, "type");
      if (frame->type != NULL)
        json_builder_add_string_value (builder, frame->type);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "frame");
      json_builder_begin_object (builder);
      if (kind != NULL)
        {
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, kind);
        }
      if (frame->id != NULL)
        {
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, frame->id);
        }
      if (frame->type != NULL)
        {
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, frame->type);
        }
      if (frame->body != NULL)
        {
          json_builder_set_member_name (builder, "body");
          json_builder_add_value (builder, json_node_copy (frame->body));
        }
      json_builder_end_object (builder);
    }
  else
    {
      g_autofree char *head = NULL;
      gsize head_len = MIN (raw_len, 1024);
      const char *end = NULL;

      /* Keep a valid UTF-8 prefix of what could not be parsed, for the tests to look at. */
      g_utf8_validate (raw, (gssize) head_len, &end);
      head = g_strndup (raw, (gsize) (end - raw));

      json_builder_set_member_name (builder, "type");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "malformed");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "raw");
      json_builder_add_string_value (builder, head);
    }

  json_builder_end_object (builder);

  g_queue_push_tail (&self->frame_log, json_builder_get_root (builder));
  while (self->frame_log.length > CONFAB_SERVER_FRAME_LOG_LIMIT)
    json_node_unref (g_queue_pop_head (&self->frame_log));
}

/* Finds "id" in a frame that would not parse, so the error can still name the request.
 * A plain scan: the frame may be too deep to hand to a recursive parser. */
static char *
guess_request_id (const char *data,
                  gsize       len)
{
  static GRegex *regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  char *id = NULL;

  if (g_once_init_enter (&regex))
    {
      GRegex *new_regex = g_regex_new ("\"id\"\\s*:\\s*(?:\"([A-Za-z0-9._:-]{1,64})\"|(\\d{1,18}))",
                                       G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);
      g_once_init_leave (&regex, new_regex);
    }

  if (g_regex_match_full (regex, data, (gssize) MIN (len, 4096), 0, 0, &match, NULL))
    {
      id = g_match_info_fetch (match, 1);
      if (id == NULL || *id == '\0')
        {
          g_free (id);
          id = g_match_info_fetch (match, 2);
        }
    }

  return id;
}

static void
handle_frame (ConsumerSocket *socket,
              const char     *data,
              gsize           len)
{
  ConfabServer *self = socket->server;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_frame_parse (data, (gssize) len, &error);
  log_frame (self, socket, frame, data, len);

  if (frame == NULL)
    {
      g_autofree char *req_id = guess_request_id (data, len);
      gboolean too_large = g_error_matches (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);

      g_debug ("socket %u: malformed frame (%s)", socket->serial, error->message);
      socket_respond_string (socket, req_id, too_large ? 413 : 400, RESP_GENERIC,
                             too_large ? "Payload Too Large" : "Bad Request, malformed frame");
      return;
    }

  if (frame->kind != CONFAB_FRAME_KIND_REQUEST)
    {
      g_debug ("socket %u: ignoring a frame that is not a request", socket->serial);
      if (frame->kind == CONFAB_FRAME_KIND_UNKNOWN)
        socket_respond_string (socket, frame->id, 400, RESP_GENERIC, "Bad Request, unknown kind");
      return;
    }

  if (frame->id == NULL)
    {
      socket_respond_string (socket, NULL, 400, RESP_GENERIC, "Bad Request, a request needs an id");
      return;
    }

  g_debug ("socket %u: request %s id %s", socket->serial,
           frame->type != NULL ? frame->type : "(none)", frame->id);

  if (self->fail_count > 0 && (self->fail_type == NULL || g_strcmp0 (self->fail_type, frame->type) == 0))
    {
      self->fail_count--;
      socket_respond_string (socket, frame->id, self->fail_code, RESP_GENERIC,
                             self->fail_code == 429 ? "Too Many Requests" : "Service Unavailable");
      return;
    }

  if (g_strcmp0 (frame->type, CONFAB_REQ_REQUEST_CONVERSATION) == 0)
    handle_request_conversation (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_SUBSCRIBE_EX) == 0)
    handle_subscribe_ex (socket, frame);
  else if (g_strcmp0 (frame->type, REQ_UNSUBSCRIBE_EX) == 0)
    handle_unsubscribe_ex (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_SUBSCRIBE_MESSAGING) == 0)
    handle_subscribe_messaging (socket, frame);
  else if (g_strcmp0 (frame->type, REQ_UNSUBSCRIBE_MESSAGING) == 0)
    handle_unsubscribe_messaging (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_PUBLISH_EVENT) == 0)
    handle_publish (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_UPDATE_CONVERSATION) == 0)
    handle_update_field (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_GET_CLOCK) == 0)
    handle_get_clock (socket, frame);
  else
    socket_respond_string (socket, frame->id, 400, RESP_GENERIC, "Bad Request, unknown request type");
}

/* Consumer sockets */

static void
inbound_frame_free (InboundFrame *frame)
{
  g_bytes_unref (frame->bytes);
  g_free (frame);
}

static void
handle_inbound_frame (ConsumerSocket *socket,
                      InboundFrame   *frame)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (frame->bytes, &len);

  if (!frame->is_text)
    {
      g_debug ("socket %u: binary frame refused", socket->serial);
      log_frame (socket->server, socket, NULL, "", 0);
      socket_respond_string (socket, NULL, 400, RESP_GENERIC, "Bad Request, frames are text");
      return;
    }

  handle_frame (socket, data != NULL ? data : "", len);
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

          if (socket_is_open (socket))
            handle_inbound_frame (socket, frame);
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
  InboundFrame *frame;

  if (socket->inbox.length >= MAX_INBOX_FRAMES)
    {
      g_debug ("socket %u: too many frames waiting, closing", socket->serial);
      if (socket_is_open (socket))
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "too many requests");
      return;
    }

  frame = g_new0 (InboundFrame, 1);
  frame->is_text = type == SOUP_WEBSOCKET_DATA_TEXT;
  frame->bytes = g_bytes_ref (message);
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
  if (socket_is_open (socket))
    soup_websocket_connection_close (socket->conn, 4401, "token expired");

  return G_SOURCE_REMOVE;
}

static void
socket_free (ConsumerSocket *socket)
{
  if (socket->is_busy)
    g_queue_remove (&socket->server->busy_sockets, socket);
  g_queue_clear_full (&socket->inbox, (GDestroyNotify) inbound_frame_free);
  g_signal_handlers_disconnect_by_data (socket->conn, socket);
  g_clear_handle_id (&socket->expiry_source, g_source_remove);
  g_clear_pointer (&socket->dialog_subscriptions, g_hash_table_unref);
  g_clear_pointer (&socket->ex_subscriptions, g_ptr_array_unref);
  g_clear_object (&socket->conn);
  g_clear_object (&socket->socket);
  g_free (socket->consumer_id);
  g_free (socket->account_id);
  g_free (socket);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  ConfabServer *self = user_data;
  UpgradeAuth *auth = g_object_get_data (G_OBJECT (msg), "confab-upgrade-auth");
  ConsumerSocket *socket;
  gint64 remaining;

  if (auth == NULL || self->is_shut_down)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }

  socket = g_new0 (ConsumerSocket, 1);
  socket->server = self;
  socket->conn = g_object_ref (conn);
  socket->socket = g_object_ref (soup_server_message_get_socket (msg));
  socket->serial = ++self->next_socket_serial;
  socket->consumer_id = g_strdup (auth->consumer_id);
  socket->account_id = g_strdup (auth->account_id);
  socket->ex_subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) ex_subscription_free);
  socket->dialog_subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) dialog_subscription_free);
  g_queue_init (&socket->inbox);
  g_ptr_array_add (self->sockets, socket);

  /* Large frames are the protocol layer's to refuse; pings are answered by libsoup;
   * keepalive is the client's business. */
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
      schedule_save (self);
    }

  g_debug ("socket %u opened", socket->serial);
}

/* Splits /a/b/c into its segments; NULL for an empty path. */
static GStrv
split_path (const char *path)
{
  if (path == NULL || path[0] != '/')
    return NULL;
  return g_strsplit (path + 1, "/", 16);
}

static void
websocket_auth_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  ConfabServer *self = user_data;
  g_auto(GStrv) parts = split_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *consumer_id = NULL;
  const char *authorization;
  const char *token = NULL;
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

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  if (authorization != NULL && g_ascii_strncasecmp (authorization, "jwt ", 4) == 0)
    {
      token = authorization + 4;
      while (*token == ' ')
        token++;
    }

  consumer_id = confab_token_verify (self->state->key, token, parts[2],
                                     g_get_real_time () / G_USEC_PER_SEC, &expires_at, &error);
  if (consumer_id == NULL)
    {
      g_debug ("upgrade refused: %s", error->message);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "jwt");
      confab_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, error->message);
      return;
    }

  /* No status set: libsoup goes on with the WebSocket handshake, then websocket_cb. */
  auth = g_new0 (UpgradeAuth, 1);
  auth->consumer_id = g_steal_pointer (&consumer_id);
  auth->account_id = g_strdup (parts[2]);
  auth->expires_at = expires_at;
  g_object_set_data_full (G_OBJECT (msg), "confab-upgrade-auth", auth, (GDestroyNotify) upgrade_auth_free);
}

/* HTTP: CSDS, signup, agent profile */

static gboolean
delayed_http_cb (gpointer user_data)
{
  DelayedHttp *delayed = user_data;
  ConfabServer *self = delayed->server;

  delayed->source = 0;
  soup_server_message_unpause (delayed->msg);
  g_ptr_array_remove (self->delayed_http, delayed);

  return G_SOURCE_REMOVE;
}

static void
delayed_http_free (DelayedHttp *delayed)
{
  if (delayed->source != 0)
    {
      g_clear_handle_id (&delayed->source, g_source_remove);
      soup_server_message_unpause (delayed->msg);
    }
  g_clear_object (&delayed->msg);
  g_free (delayed);
}

static void
maybe_delay_http (ConfabServer      *self,
                  SoupServerMessage *msg)
{
  DelayedHttp *delayed;

  if (self->response_delay == 0)
    return;

  delayed = g_new0 (DelayedHttp, 1);
  delayed->server = self;
  delayed->msg = g_object_ref (msg);
  delayed->source = g_timeout_add (self->response_delay, delayed_http_cb, delayed);
  g_ptr_array_add (self->delayed_http, delayed);
  soup_server_message_pause (msg);
}

static void
handle_csds (ConfabServer      *self,
             SoupServerMessage *msg,
             const char        *account_id,
             const char        *service)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *base_url = NULL;

  if (!g_str_equal (service, "asyncMessagingEnt") && !g_str_equal (service, "idp") &&
      !g_str_equal (service, "acCdnDomain"))
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown service");
      return;
    }

  base_url = confab_server_dup_base_url (self);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, service);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, account_id);
  json_builder_set_member_name (builder, "baseURI");
  json_builder_add_string_value (builder, base_url);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  confab_server_reply_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_signup (ConfabServer      *self,
               SoupServerMessage *msg,
               const char        *account_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *jwt = NULL;

  jwt = confab_server_issue_token (self, account_id, NULL, self->token_lifetime);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jwt");
  json_builder_add_string_value (builder, jwt);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  g_debug ("signup for a new consumer");
  confab_server_reply_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_agent_profile (ConfabServer      *self,
                      SoupServerMessage *msg,
                      const char        *agent_id)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!g_str_equal (agent_id, AGENT_ID))
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown user");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, AGENT_ID);
  json_builder_set_member_name (builder, "nickname");
  json_builder_add_string_value (builder, CONFAB_SERVER_AGENT_NICKNAME);
  json_builder_set_member_name (builder, "fullName");
  json_builder_add_string_value (builder, CONFAB_SERVER_AGENT_FULL_NAME);
  json_builder_set_member_name (builder, "employeeId");
  json_builder_add_string_value (builder, CONFAB_SERVER_AGENT_EMPLOYEE_ID);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  confab_server_reply_json (msg, SOUP_STATUS_OK, node);
}

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  ConfabServer *self = user_data;
  g_auto(GStrv) parts = split_path (path);
  const char *method = soup_server_message_get_method (msg);
  guint n_parts = parts != NULL ? g_strv_length (parts) : 0;

  /* api/account/{accountId}/… */
  if (n_parts < 4 || !g_str_equal (parts[1], "account") || *parts[2] == '\0')
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
      return;
    }

  if (n_parts == 6 && g_str_equal (parts[3], "service") && g_str_equal (parts[5], "baseURI.json"))
    {
      if (g_str_equal (method, SOUP_METHOD_GET))
        handle_csds (self, msg, parts[2], parts[4]);
      else
        confab_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET");
    }
  else if (n_parts == 4 && g_str_equal (parts[3], "signup"))
    {
      if (g_str_equal (method, SOUP_METHOD_POST))
        handle_signup (self, msg, parts[2]);
      else
        confab_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use POST");
    }
  else if (n_parts == 7 && g_str_equal (parts[3], "configuration") && g_str_equal (parts[4], "le-users") &&
           g_str_equal (parts[5], "users") && *parts[6] != '\0')
    {
      if (g_str_equal (method, SOUP_METHOD_GET))
        handle_agent_profile (self, msg, parts[6]);
      else
        confab_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET");
    }
  else
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
    }

  maybe_delay_http (self, msg);
}

static void
control_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  confab_server_control_handle (CONFAB_SERVER (user_data), msg, path, query);
}

static void
default_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
}

/* State file */

gboolean
confab_server_save_state (ConfabServer  *self,
                          GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->state_path == NULL)
    return TRUE;

  root = confab_server_state_to_json (self->state);
  text = json_to_string (root, FALSE);

  /* The file holds the signing key: readable by its owner only. */
  if (!g_file_set_contents_full (self->state_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &local_error))
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                   "Cannot save the state: %s", local_error->message);
      return FALSE;
    }

  self->dirty = FALSE;
  return TRUE;
}

static gboolean
save_cb (gpointer user_data)
{
  ConfabServer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->save_source = 0;
  if (!confab_server_save_state (self, &error))
    g_warning ("%s", error->message);

  return G_SOURCE_REMOVE;
}

static void
schedule_save (ConfabServer *self)
{
  self->dirty = TRUE;

  if (self->state_path != NULL && self->save_source == 0 && !self->is_shut_down)
    self->save_source = g_timeout_add (SAVE_DEBOUNCE_MS, save_cb, self);
}

gboolean
confab_server_load_state (ConfabServer  *self,
                          const char    *path,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(ConfabServerState) state = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &text, &len, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                       "Cannot read %s: %s", path, local_error->message);
          return FALSE;
        }

      /* A new file: keep the fresh state and write it soon. */
      g_free (self->state_path);
      self->state_path = g_strdup (path);
      schedule_save (self);
      return TRUE;
    }

  parser = json_parser_new ();
  if (confab_server_json_too_deep (text, len, 64) ||
      !json_parser_load_from_data (parser, text, (gssize) len, &local_error) ||
      (state = confab_server_state_new_from_json (json_parser_get_root (parser), &local_error)) == NULL)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                   "%s is not a Confab server state: %s", path,
                   local_error != NULL ? local_error->message : "nested too deeply");
      return FALSE;
    }

  g_clear_pointer (&self->state, confab_server_state_free);
  self->state = g_steal_pointer (&state);
  g_free (self->state_path);
  self->state_path = g_strdup (path);
  self->dirty = FALSE;

  /* Conversations requested but never answered before the restart are still waiting. */
  for (guint i = 0; i < self->state->conversations->len; i++)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (self->state->conversations, i);

      if (!conversation->closed && conversation->agent_id == NULL)
        g_signal_emit (self, signals[CONVERSATION_REQUESTED], 0, conversation->id);
    }

  return TRUE;
}

/* GObject */

static void
confab_server_constructed (GObject *object)
{
  ConfabServer *self = CONFAB_SERVER (object);

  G_OBJECT_CLASS (confab_server_parent_class)->constructed (object);

  switch (self->agent_mode)
    {
    case CONFAB_AGENT_MODE_BOT:
      self->agent = G_OBJECT (confab_agent_bot_new (self));
      break;
    case CONFAB_AGENT_MODE_CONSOLE:
      self->agent = G_OBJECT (confab_agent_console_new (self));
      break;
    case CONFAB_AGENT_MODE_NONE:
    default:
      break;
    }
}

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
  g_queue_clear_full (&self->frame_log, (GDestroyNotify) json_node_unref);

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
    case PROP_AGENT_MODE:
      g_value_set_enum (value, self->agent_mode);
      break;
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
    case PROP_AGENT_MODE:
      self->agent_mode = g_value_get_enum (value);
      break;
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_server_class_init (ConfabServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = confab_server_constructed;
  object_class->dispose = confab_server_dispose;
  object_class->finalize = confab_server_finalize;
  object_class->get_property = confab_server_get_property;
  object_class->set_property = confab_server_set_property;

  properties[PROP_AGENT_MODE] =
    g_param_spec_enum ("agent-mode", NULL, NULL,
                       CONFAB_TYPE_AGENT_MODE, CONFAB_AGENT_MODE_BOT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
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

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConfabServer::conversation-requested:
   * @conversation_id: the new conversation
   *
   * A consumer opened a conversation (or one was found waiting when the state was loaded).
   */
  signals[CONVERSATION_REQUESTED] =
    g_signal_new ("conversation-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * ConfabServer::consumer-event:
   * @conversation_id: the conversation
   * @sequence: the stored event's sequence, or -1 for typing (not stored)
   * @event: the event object
   *
   * A consumer published an event.
   */
  signals[CONSUMER_EVENT] =
    g_signal_new ("consumer-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_INT64, JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ConfabServer::conversation-closed:
   * @conversation_id: the conversation
   * @close_reason: "AGENT", "CONSUMER", "SYSTEM" or "TIMEOUT"
   */
  signals[CONVERSATION_CLOSED] =
    g_signal_new ("conversation-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
confab_server_init (ConfabServer *self)
{
  self->agent_mode = CONFAB_AGENT_MODE_BOT;
  self->state = confab_server_state_new ();
  self->sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) socket_free);
  self->delayed_http = g_ptr_array_new_with_free_func ((GDestroyNotify) delayed_http_free);
  self->delayed_frames = g_ptr_array_new_with_free_func ((GDestroyNotify) delayed_frame_free);
  g_queue_init (&self->frame_log);
  g_queue_init (&self->busy_sockets);
  self->token_lifetime = DEFAULT_TOKEN_LIFETIME;
  self->accept_delay = DEFAULT_ACCEPT_DELAY;
  self->typing_delay = DEFAULT_TYPING_DELAY;
  self->read_delay = DEFAULT_READ_DELAY;
  self->replay_chunk_size = DEFAULT_REPLAY_CHUNK;

  self->soup = soup_server_new ("server-header", "confab-server ", NULL);
  soup_server_add_handler (self->soup, NULL, default_cb, self, NULL);
  soup_server_add_handler (self->soup, "/api", api_cb, self, NULL);
  soup_server_add_handler (self->soup, "/control", control_cb, self, NULL);
  /* The plain handler runs first and refuses bad tokens with 401 before any upgrade. */
  soup_server_add_handler (self->soup, "/ws_api", websocket_auth_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, "/ws_api", NULL, NULL, websocket_cb, self, NULL);
}

/* Public API */

ConfabServer *
confab_server_new (ConfabAgentMode mode)
{
  return g_object_new (CONFAB_TYPE_SERVER, "agent-mode", mode, NULL);
}

gboolean
confab_server_listen (ConfabServer  *self,
                      guint16        port,
                      GError       **error)
{
  GSList *listeners;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (!self->is_shut_down, FALSE);

  if (!soup_server_listen_local (self->soup, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_socket_get_local_address (l->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (address))
        {
          self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
          break;
        }
    }
  g_slist_free (listeners);

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

char *
confab_server_dup_base_url (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
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

  return AGENT_ID;
}

ConfabAgentMode
confab_server_get_agent_mode (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), CONFAB_AGENT_MODE_NONE);

  return self->agent_mode;
}

void
confab_server_shutdown (ConfabServer *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONFAB_IS_SERVER (self));

  if (self->is_shut_down)
    return;
  self->is_shut_down = TRUE;

  g_debug ("shutting down");

  /* The agent first, so it does not act on a half-closed server. */
  g_clear_object (&self->agent);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);

  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);

      g_signal_handlers_disconnect_by_data (socket->conn, socket);
      if (socket_is_open (socket))
        soup_websocket_connection_close (socket->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutting down");
    }
  g_ptr_array_set_size (self->sockets, 0);
  g_clear_handle_id (&self->work_source, g_source_remove);
  g_ptr_array_set_size (self->delayed_http, 0);
  g_ptr_array_set_size (self->delayed_frames, 0);

  if (self->dirty && !confab_server_save_state (self, &error))
    g_warning ("%s", error->message);
  g_clear_handle_id (&self->save_source, g_source_remove);
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

char *
confab_server_issue_token (ConfabServer *self,
                           const char   *account_id,
                           const char   *consumer_id,
                           gint64        lifetime_s)
{
  g_autofree char *new_id = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  if (account_id == NULL)
    account_id = CONFAB_SERVER_DEFAULT_ACCOUNT;
  if (consumer_id == NULL)
    consumer_id = new_id = g_uuid_string_random ();

  if (confab_server_state_lookup_consumer (self->state, consumer_id) == NULL)
    {
      confab_server_state_add_consumer (self->state, consumer_id, account_id, confab_server_now_ms ());
      schedule_save (self);
    }

  return confab_token_sign (self->state->key, account_id, consumer_id, now, now + lifetime_s);
}

/* The agent's side */

static ConfabStoredConversation *
resolve_conversation (ConfabServer  *self,
                      const char    *conversation_id,
                      gboolean       must_be_open,
                      GError       **error)
{
  ConfabStoredConversation *conversation;

  if (conversation_id == NULL)
    {
      conversation = confab_server_state_find_latest_open (self->state, NULL);
      if (conversation == NULL)
        {
          g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NOT_FOUND,
                               "No conversation is open");
          return NULL;
        }
    }
  else
    {
      conversation = confab_server_state_lookup_conversation (self->state, conversation_id);
      if (conversation == NULL)
        {
          g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NOT_FOUND,
                       "No conversation %s", conversation_id);
          return NULL;
        }
    }

  if (must_be_open && conversation->closed)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_CLOSED,
                   "Conversation %s is closed", conversation->id);
      return NULL;
    }

  return conversation;
}

char *
confab_server_dup_current_conversation_id (ConfabServer *self,
                                           const char   *consumer_id)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  conversation = confab_server_state_find_latest_open (self->state, consumer_id);
  return conversation != NULL ? g_strdup (conversation->id) : NULL;
}

gboolean
confab_server_peek_conversation (ConfabServer *self,
                                 const char   *conversation_id,
                                 guint        *n_events,
                                 gboolean     *closed,
                                 gboolean     *accepted)
{
  ConfabStoredConversation *conversation;

  conversation = confab_server_state_lookup_conversation (self->state, conversation_id);
  if (conversation == NULL)
    return FALSE;

  if (n_events != NULL)
    *n_events = conversation->events->len;
  if (closed != NULL)
    *closed = conversation->closed;
  if (accepted != NULL)
    *accepted = conversation->agent_id != NULL;

  return TRUE;
}

static void
accept_conversation (ConfabServer             *self,
                     ConfabStoredConversation *conversation)
{
  if (conversation->agent_id != NULL)
    return;

  conversation->agent_id = g_strdup (AGENT_ID);
  g_debug ("conversation %s accepted", conversation->id);
  conversation_changed (self, conversation);
}

gboolean
confab_server_agent_accept (ConfabServer  *self,
                            const char    *conversation_id,
                            GError       **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return FALSE;

  accept_conversation (self, conversation);
  return TRUE;
}

gint64
confab_server_agent_send_text (ConfabServer  *self,
                               const char    *conversation_id,
                               const char    *text,
                               GError       **error)
{
  ConfabStoredConversation *conversation;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) event = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (text != NULL, -1);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "The text is not UTF-8");
      return -1;
    }

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return -1;

  accept_conversation (self, conversation);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "ContentEvent");
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, "text/plain");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);

  return store_event (self, conversation, AGENT_ID, "ASSIGNED_AGENT", event)->sequence;
}

gint64
confab_server_agent_send_receipt (ConfabServer        *self,
                                  const char          *conversation_id,
                                  ConfabReceiptStatus  status,
                                  const gint64        *sequences,
                                  guint                n_sequences,
                                  GError             **error)
{
  ConfabStoredConversation *conversation;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) event = NULL;
  JsonArray *list;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), -1);
  g_return_val_if_fail (sequences != NULL || n_sequences == 0, -1);

  if ((status != CONFAB_RECEIPT_ACCEPT && status != CONFAB_RECEIPT_READ) || n_sequences == 0)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "A receipt is ACCEPT or READ for at least one sequence");
      return -1;
    }

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return -1;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "AcceptStatusEvent");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status == CONFAB_RECEIPT_READ ? "READ" : "ACCEPT");
  json_builder_set_member_name (builder, "sequenceList");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_sequences; i++)
    json_builder_add_int_value (builder, sequences[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);

  list = json_object_get_array_member (json_node_get_object (event), "sequenceList");
  confab_stored_conversation_apply_receipt (conversation, AGENT_ID, status, list);

  return store_event (self, conversation, AGENT_ID, "ASSIGNED_AGENT", event)->sequence;
}

gboolean
confab_server_agent_set_typing (ConfabServer     *self,
                                const char       *conversation_id,
                                ConfabChatState   state,
                                GError          **error)
{
  static const char * const names[] = {
    [CONFAB_CHAT_STATE_COMPOSING] = "COMPOSING",
    [CONFAB_CHAT_STATE_ACTIVE] = "ACTIVE",
    [CONFAB_CHAT_STATE_PAUSE] = "PAUSE",
    [CONFAB_CHAT_STATE_GONE] = "GONE",
    [CONFAB_CHAT_STATE_INACTIVE] = "INACTIVE",
  };
  ConfabStoredConversation *conversation;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) event = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  if ((guint) state >= G_N_ELEMENTS (names) || names[state] == NULL)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                           "Unknown chat state");
      return FALSE;
    }

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return FALSE;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "ChatStateEvent");
  json_builder_set_member_name (builder, "chatState");
  json_builder_add_string_value (builder, names[state]);
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);

  forward_chat_state (self, conversation, AGENT_ID, "ASSIGNED_AGENT", event);
  return TRUE;
}

gboolean
confab_server_agent_close (ConfabServer       *self,
                           const char         *conversation_id,
                           ConfabCloseReason   reason,
                           GError            **error)
{
  ConfabStoredConversation *conversation;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  if (reason == CONFAB_CLOSE_REASON_NONE || reason == CONFAB_CLOSE_REASON_UNKNOWN ||
      reason == CONFAB_CLOSE_REASON_CONSUMER)
    reason = CONFAB_CLOSE_REASON_AGENT;

  conversation = resolve_conversation (self, conversation_id, TRUE, error);
  if (conversation == NULL)
    return FALSE;

  close_conversation (self, conversation, reason);
  return TRUE;
}

/* Faults */

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

      if ((consumer_id == NULL || g_str_equal (socket->consumer_id, consumer_id)) && socket_is_open (socket))
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
confab_server_send_raw_frame (ConfabServer *self,
                              const char   *consumer_id,
                              const char   *frame)
{
  guint sent = 0;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);
  g_return_val_if_fail (frame != NULL, 0);
  g_return_val_if_fail (g_utf8_validate (frame, -1, NULL), 0);

  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);

      if ((consumer_id == NULL || g_str_equal (socket->consumer_id, consumer_id)) && socket_is_open (socket))
        {
          socket_send_text (socket, frame);
          sent++;
        }
    }

  return sent;
}

gboolean
confab_server_get_refuse_tokens (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  return self->refuse_tokens;
}

void
confab_server_fail_requests (ConfabServer *self,
                             const char   *type,
                             int           code,
                             guint         count)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));
  g_return_if_fail (code >= 400 && code <= 599);

  g_free (self->fail_type);
  self->fail_type = g_strdup (type);
  self->fail_code = code;
  self->fail_count = count;
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

guint
confab_server_get_n_sockets (ConfabServer *self)
{
  g_return_val_if_fail (CONFAB_IS_SERVER (self), 0);

  return self->sockets->len;
}

JsonNode *
confab_server_dup_frame_log (ConfabServer *self,
                             const char   *type,
                             const char   *consumer_id)
{
  JsonArray *array;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  array = json_array_new ();
  for (GList *l = self->frame_log.head; l != NULL; l = l->next)
    {
      JsonObject *entry = json_node_get_object (l->data);

      if (type != NULL && g_strcmp0 (confab_json_get_string (entry, "type"), type) != 0)
        continue;
      if (consumer_id != NULL && g_strcmp0 (confab_json_get_string (entry, "consumerId"), consumer_id) != 0)
        continue;
      json_array_add_element (array, json_node_copy (l->data));
    }

  return json_node_init_array (json_node_alloc (), array);
}

void
confab_server_clear_frame_log (ConfabServer *self)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  g_queue_clear_full (&self->frame_log, (GDestroyNotify) json_node_unref);
  g_queue_init (&self->frame_log);
}

JsonNode *
confab_server_dup_state (ConfabServer *self)
{
  JsonNode *root;
  JsonObject *object;
  JsonArray *sockets;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  root = confab_server_state_to_json (self->state);
  object = json_node_get_object (root);
  json_object_remove_member (object, "key");

  sockets = json_array_new ();
  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);
      JsonObject *entry = json_object_new ();
      JsonArray *dialogs = json_array_new ();
      GHashTableIter iter;
      gpointer key;

      json_object_set_int_member (entry, "socket", socket->serial);
      json_object_set_string_member (entry, "consumerId", socket->consumer_id);
      json_object_set_string_member (entry, "accountId", socket->account_id);
      json_object_set_int_member (entry, "exSubscriptions", socket->ex_subscriptions->len);
      g_hash_table_iter_init (&iter, socket->dialog_subscriptions);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        json_array_add_string_element (dialogs, key);
      json_object_set_array_member (entry, "dialogs", dialogs);
      json_array_add_object_element (sockets, entry);
    }
  json_object_set_array_member (object, "sockets", sockets);

  json_object_set_string_member (object, "agentId", AGENT_ID);
  json_object_set_boolean_member (object, "refuseTokens", self->refuse_tokens);
  json_object_set_int_member (object, "responseDelay", self->response_delay);

  return root;
}

gboolean
confab_server_address_is_loopback (GInetAddress *address)
{
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  if (g_inet_address_get_is_loopback (address))
    return TRUE;

  /* ::ffff:127.x.y.z, as a dual-stack socket reports an IPv4 peer */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (address);
      static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      return memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0 && bytes[12] == 127;
    }

  return FALSE;
}
