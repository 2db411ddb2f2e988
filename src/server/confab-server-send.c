/* confab-server-send.c: what ConfabServer sends on the consumer sockets
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Responses (held back by the response delay when one is set), conversation metadata
 * (cqm.ExConversationChangeNotification) and dialog events (ms.MessagingEventNotification),
 * live or replayed from the store in chunks. Notifications never wait.
 */
#include "config.h"

#include "confab-server-private.h"

/* A response held back by the response delay. */
typedef struct {
  ConfabServer *server;
  SoupWebsocketConnection *conn;
  char *text;
  guint source;
} DelayedFrame;

void
confab_server_delayed_frame_free (gpointer data)
{
  DelayedFrame *frame = data;

  g_clear_handle_id (&frame->source, g_source_remove);
  g_clear_object (&frame->conn);
  g_free (frame->text);
  g_free (frame);
}

static void
socket_send_text (ConsumerSocket *socket,
                  const char     *text)
{
  if (consumer_socket_is_open (socket))
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

void
consumer_socket_respond (ConsumerSocket *socket,
                         const char     *req_id,
                         int             code,
                         const char     *type,
                         JsonNode       *body)
{
  /* A request whose id could not be read still gets an answer, with a null reqId. */
  char *text = confab_frame_build_response (req_id, code, type, body);

  g_debug ("socket %u: response %s to %s: %d", socket->serial, type,
           req_id != NULL ? req_id : "(no id)", code);
  socket_send_response_text (socket, text);
}

void
consumer_socket_respond_string (ConsumerSocket *socket,
                                const char     *req_id,
                                int             code,
                                const char     *type,
                                const char     *message)
{
  g_autoptr(JsonNode) body = json_node_init_string (json_node_alloc (), message);

  consumer_socket_respond (socket, req_id, code, type, body);
}

static void
socket_send_notification (ConsumerSocket *socket,
                          const char     *type,
                          JsonNode       *body)
{
  g_autofree char *text = NULL;

  if (!consumer_socket_is_open (socket))
    return;

  text = confab_frame_build_notification (type, body);
  socket_send_text (socket, text);
}

/* Conversation metadata: cqm.ExConversationChangeNotification */

gboolean
ex_subscription_matches (ExSubscription           *subscription,
                         ConfabStoredConversation *conversation)
{
  return (subscription->state_mask & (conversation->closed ? STATE_MASK_CLOSE : STATE_MASK_OPEN)) != 0;
}

void
consumer_socket_send_ex_notification (ConsumerSocket *socket,
                                      ExSubscription *subscription,
                                      GPtrArray      *conversations,
                                      gboolean        deleted)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (!consumer_socket_is_open (socket))
    return;

  changes = g_ptr_array_new_full (conversations->len, (GDestroyNotify) json_node_unref);
  for (guint i = 0; i < conversations->len; i++)
    {
      ConfabConversationInfo info;

      confab_stored_conversation_get_info (g_ptr_array_index (conversations, i), &info);
      g_ptr_array_add (changes, confab_conversation_change_to_json (deleted ? CONFAB_CHANGE_DELETE : CONFAB_CHANGE_UPSERT,
                                                                    &info));
    }
  body = confab_notification_body_to_json (subscription->id, changes);

  socket_send_notification (socket, CONFAB_NOTIFY_EX_CONVERSATION, body);
}

void
confab_server_send_conversation_change (ConfabServer             *self,
                                        ConfabStoredConversation *conversation)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

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
            consumer_socket_send_ex_notification (socket, subscription, one, FALSE);
          else if (conversation->closed && (subscription->state_mask & STATE_MASK_OPEN) != 0)
            consumer_socket_send_ex_notification (socket, subscription, one, TRUE);
        }
    }
}

/* Dialog events: ms.MessagingEventNotification */

static void
send_events (ConsumerSocket           *socket,
             ConfabStoredConversation *conversation,
             const char               *dialog_id,
             GPtrArray                *events,
             guint                     first,
             guint                     end)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (!consumer_socket_is_open (socket))
    return;

  changes = g_ptr_array_new_full (end - first, (GDestroyNotify) json_node_unref);
  for (guint i = first; i < end; i++)
    g_ptr_array_add (changes, confab_stored_event_to_change_json_in (g_ptr_array_index (events, i),
                                                                     conversation, dialog_id));
  body = confab_notification_body_to_json (NULL, changes);

  socket_send_notification (socket, CONFAB_NOTIFY_MESSAGING, body);
}

static gboolean
replay_step_cb (gpointer user_data)
{
  DialogSubscription *subscription = user_data;
  ConsumerSocket *socket = subscription->socket;
  ConfabStoredConversation *conversation;
  GPtrArray *events = NULL;
  guint chunk = MAX (socket->server->replay_chunk_size, 1);
  gsize bytes = 0;
  guint end;

  conversation = confab_server_state_lookup_conversation (socket->server->state,
                                                          subscription->conversation_id);
  if (conversation != NULL)
    events = confab_stored_conversation_dialog_events (conversation, subscription->dialog_id);
  if (events == NULL || !consumer_socket_is_open (socket))
    {
      subscription->replay_source = 0;
      return G_SOURCE_REMOVE;
    }

  end = subscription->next_sequence;
  while (end < events->len && end - subscription->next_sequence < chunk)
    {
      ConfabStoredEvent *event = g_ptr_array_index (events, end);

      if (end > subscription->next_sequence && bytes + event->size > CONFAB_SERVER_REPLAY_MAX_BYTES)
        break;
      bytes += event->size;
      end++;
    }

  if (end > subscription->next_sequence)
    {
      g_debug ("socket %u: replaying sequences %u to %u", socket->serial,
               subscription->next_sequence, end - 1);
      send_events (socket, conversation, subscription->dialog_id, events, subscription->next_sequence, end);
      subscription->next_sequence = end;
    }

  if (subscription->next_sequence >= events->len)
    {
      /* Caught up: from now on new events go out live. */
      subscription->replay_source = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

void
dialog_subscription_start_replay (DialogSubscription       *subscription,
                                  ConfabStoredConversation *conversation)
{
  GPtrArray *events = confab_stored_conversation_dialog_events (conversation, subscription->dialog_id);

  /* Chunks go out from the main loop so that other sockets are served between them;
   * default priority, so a busy socket cannot starve the replay either. */
  if (events != NULL && subscription->next_sequence < events->len)
    subscription->replay_source = g_idle_add_full (G_PRIORITY_DEFAULT, replay_step_cb, subscription, NULL);
}

void
confab_server_send_event (ConfabServer             *self,
                          ConfabStoredConversation *conversation,
                          const char               *dialog_id,
                          ConfabStoredEvent        *event)
{
  GPtrArray *events = confab_stored_conversation_dialog_events (conversation, dialog_id);

  if (dialog_id == NULL)
    dialog_id = conversation->id;

  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);
      DialogSubscription *subscription;

      if (!g_str_equal (socket->consumer_id, conversation->consumer_id))
        continue;

      subscription = g_hash_table_lookup (socket->dialog_subscriptions, dialog_id);
      /* A subscription still replaying picks the event up from the store, in order. */
      if (subscription == NULL || subscription->replay_source != 0)
        continue;

      send_events (socket, conversation, dialog_id, events, event->sequence, event->sequence + 1);
      subscription->next_sequence = event->sequence + 1;
    }
}

/* Typing is forwarded to sockets watching the dialog, never stored: a change without a
 * sequence. */
void
confab_server_send_chat_state (ConfabServer             *self,
                               ConfabStoredConversation *conversation,
                               const char               *originator_id,
                               const char               *role,
                               JsonNode                 *event)
{
  g_autoptr(JsonNode) body = NULL;

  for (guint i = 0; i < self->sockets->len; i++)
    {
      ConsumerSocket *socket = g_ptr_array_index (self->sockets, i);

      if (!g_str_equal (socket->consumer_id, conversation->consumer_id) ||
          !g_hash_table_contains (socket->dialog_subscriptions, conversation->id))
        continue;

      if (body == NULL)
        {
          g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

          /* the main dialog has the conversation's id */
          g_ptr_array_add (changes, confab_messaging_change_to_json (-1, 0, originator_id, role, conversation->id,
                                                                     conversation->id, event));
          body = confab_notification_body_to_json (NULL, changes);
        }
      socket_send_notification (socket, CONFAB_NOTIFY_MESSAGING, body);
    }
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

      if ((consumer_id == NULL || g_str_equal (socket->consumer_id, consumer_id)) && consumer_socket_is_open (socket))
        {
          socket_send_text (socket, frame);
          sent++;
        }
    }

  return sent;
}
