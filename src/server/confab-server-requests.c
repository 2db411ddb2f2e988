/* confab-server-requests.c: how ConfabServer answers each consumer request
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A frame from a consumer socket is parsed, logged, and, when it is a request, answered as
 * LivePerson's Messaging Window API would (docs/protocol-notes.md, "Requests a consumer
 * sends"): the answer first, then the notifications the change causes.
 */
#include "config.h"

#include "confab-server-private.h"

#define BAD_REQUEST_CLOSED "Bad Request, Conversation is close"

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
  g_autoptr(JsonNode) body = NULL;

  if (confab_server_state_find_open_conversation (self->state, socket->consumer_id) != NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_REQUEST_CONVERSATION,
                                      "Bad Request, the consumer already has an open conversation");
      return;
    }

  conversation = confab_server_state_add_conversation (self->state, socket->account_id,
                                                       socket->consumer_id, confab_server_now_ms ());

  body = confab_conversation_id_response_body (conversation->id);
  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_REQUEST_CONVERSATION, body);

  confab_server_announce_requested (self, conversation);
}

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

static void
handle_subscribe_ex (ConsumerSocket    *socket,
                     const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  JsonObject *request = confab_frame_get_body_object (frame);
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();
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

  body = confab_subscription_id_response_body (subscription->id);
  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_SUBSCRIBE_EX, body);

  for (guint i = 0; i < self->state->conversations->len; i++)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (self->state->conversations, i);

      if (g_str_equal (conversation->consumer_id, socket->consumer_id) &&
          conversation->last_update_ts >= min_last_updated &&
          ex_subscription_matches (subscription, conversation))
        g_ptr_array_add (matching, conversation);
    }

  /* Always sent, even empty: it is how a client learns there is no open conversation. */
  consumer_socket_send_ex_notification (socket, subscription, matching, FALSE);
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
          consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_UNSUBSCRIBE_EX, NULL);
          return;
        }
    }

  consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_UNSUBSCRIBE_EX,
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
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_SUBSCRIBE_MESSAGING,
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

  body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (body, json_object_new ());
  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_SUBSCRIBE_MESSAGING, body);

  dialog_subscription_start_replay (subscription, conversation);
}

static void
handle_unsubscribe_messaging (ConsumerSocket    *socket,
                              const ConfabFrame *frame)
{
  ConfabStoredConversation *conversation;

  conversation = socket_lookup_conversation (socket, confab_frame_get_body_object (frame));
  if (conversation == NULL || !g_hash_table_remove (socket->dialog_subscriptions, conversation->id))
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_GENERIC, "Bad Request, not subscribed");
      return;
    }

  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_GENERIC, NULL);
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
  g_autoptr(JsonNode) body = confab_publish_sequence_response_body (sequence);

  consumer_socket_respond (socket, req_id, 200, CONFAB_RESP_PUBLISH_EVENT, body);
}

/* NULL when the ContentEvent will do, else what is wrong with it. A text without a
 * contentType is stored with "text/plain": *event_node is then replaced by such a copy. */
static const char *
check_content_event (JsonObject  *request,
                     JsonObject  *event,
                     JsonNode   **event_node)
{
  JsonNode *message = json_object_get_member (event, "message");
  const char *content_type = confab_json_get_string (event, "contentType");
  JsonObject *copy;

  if (message == NULL || JSON_NODE_HOLDS_NULL (message) || JSON_NODE_HOLDS_ARRAY (message) ||
      ((content_type == NULL || g_str_equal (content_type, "text/plain")) &&
       confab_json_get_string (event, "message") == NULL))
    return "Bad Request, no message";

  if (content_type == NULL)
    {
      g_clear_pointer (event_node, json_node_unref);
      *event_node = json_node_copy (json_object_get_member (request, "event"));
      copy = json_node_get_object (*event_node);
      json_object_set_string_member (copy, "contentType", "text/plain");
    }

  return NULL;
}

/* NULL when the AcceptStatusEvent was applied to the messages it names, else what is
 * wrong with it. */
static const char *
apply_receipt (ConsumerSocket           *socket,
               ConfabStoredConversation *conversation,
               JsonObject               *event)
{
  const char *status = confab_json_get_string (event, "status");
  JsonArray *list = confab_json_get_array (event, "sequenceList");
  ConfabReceiptStatus receipt = confab_receipt_status_from_string (status);

  /* The wire name exactly: the client reads any case, the service is strict. */
  if (g_strcmp0 (status, confab_receipt_status_to_string (receipt)) != 0)
    return "Bad Request, unknown status";

  if (!valid_sequence_list (list))
    return "Bad Request, bad sequenceList";

  confab_stored_conversation_apply_receipt (conversation, socket->consumer_id, receipt, list);
  return NULL;
}

/* Typing goes to the agent only, never stored: answered with sequence 0. */
static void
publish_chat_state (ConsumerSocket           *socket,
                    const ConfabFrame        *frame,
                    ConfabStoredConversation *conversation,
                    JsonObject               *event,
                    JsonNode                 *event_node)
{
  if (confab_json_get_string (event, "chatState") == NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_PUBLISH_EVENT, "Bad Request, no chatState");
      return;
    }

  respond_sequence (socket, frame->id, 0);
  confab_server_consumer_published (socket->server, conversation, -1, event_node);
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
  const char *problem = NULL;

  if (conversation == NULL)
    problem = "Bad Request, unknown dialog";
  else if (type == NULL)
    problem = "Bad Request, no event type";
  else if (conversation->closed)
    problem = BAD_REQUEST_CLOSED;

  if (problem != NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_PUBLISH_EVENT, problem);
      return;
    }

  event_node = json_node_init_object (json_node_alloc (), event);

  switch (confab_event_type_from_string (type))
    {
    case CONFAB_EVENT_CONTENT:
      problem = check_content_event (request, event, &event_node);
      break;
    case CONFAB_EVENT_RICH_CONTENT:
      problem = confab_json_get_object (event, "content") == NULL ? "Bad Request, no content" : NULL;
      break;
    case CONFAB_EVENT_ACCEPT_STATUS:
      problem = apply_receipt (socket, conversation, event);
      break;
    case CONFAB_EVENT_CHAT_STATE:
      publish_chat_state (socket, frame, conversation, event, event_node);
      return;
    case CONFAB_EVENT_UNKNOWN:
    default:
      problem = "Bad Request, unknown event type";
      break;
    }

  if (problem != NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_PUBLISH_EVENT, problem);
      return;
    }

  /* Answer first, then the notification, as LivePerson does. */
  respond_sequence (socket, frame->id, (gint64) conversation->events->len);
  stored = confab_server_store_event (self, conversation, socket->consumer_id, "CONSUMER", event_node);
  confab_server_consumer_published (self, conversation, stored->sequence, stored->event);
}

/* The conversationField of an update: a one-element array may arrive as the bare element. */
static JsonArray *
dup_conversation_fields (JsonObject *request)
{
  JsonNode *fields_node = request != NULL ? json_object_get_member (request, "conversationField") : NULL;
  JsonArray *fields = NULL;

  if (fields_node != NULL && JSON_NODE_HOLDS_ARRAY (fields_node))
    fields = json_array_ref (json_node_get_array (fields_node));
  else if (fields_node != NULL && JSON_NODE_HOLDS_OBJECT (fields_node))
    {
      fields = json_array_new ();
      json_array_add_element (fields, json_node_copy (fields_node));
    }

  return fields;
}

/* NULL when every field is understood (a close sets *close, a rating *csat), else what is
 * wrong with them. */
static const char *
read_conversation_fields (JsonArray   *fields,
                          gboolean    *close,
                          JsonObject **csat)
{
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonNode *node = json_array_get_element (fields, i);
      JsonObject *field = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = confab_json_get_string (field, "field");

      if (g_strcmp0 (name, "ConversationStateField") == 0 &&
          g_strcmp0 (confab_json_get_string (field, "conversationState"), "CLOSE") == 0)
        *close = TRUE;
      else if (g_strcmp0 (name, "CSATRate") == 0)
        {
          gint64 rate = 0;
          const char *status = confab_json_get_string (field, "status");

          if (g_strcmp0 (status, "SKIPPED") != 0 &&
              (!confab_json_lookup_int (field, "csatRate", &rate) || rate < 1 || rate > 5))
            return "Bad Request, csatRate must be 1 to 5";
          *csat = field;
        }
      else
        return "Bad Request, unsupported conversationField";
    }

  return NULL;
}

static void
handle_update_field (ConsumerSocket    *socket,
                     const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  JsonObject *request = confab_frame_get_body_object (frame);
  ConfabStoredConversation *conversation = socket_lookup_conversation (socket, request);
  g_autoptr(JsonArray) fields = NULL;
  gboolean close = FALSE;
  JsonObject *csat = NULL;
  const char *problem = NULL;

  if (conversation == NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_UPDATE_CONVERSATION,
                                      "Bad Request, unknown conversation");
      return;
    }

  fields = dup_conversation_fields (request);
  if (fields == NULL || json_array_get_length (fields) == 0)
    problem = "Bad Request, no conversationField";
  else
    problem = read_conversation_fields (fields, &close, &csat);

  if (problem == NULL && close && conversation->closed)
    problem = BAD_REQUEST_CLOSED;

  if (problem != NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_UPDATE_CONVERSATION, problem);
      return;
    }

  if (csat != NULL)
    {
      g_clear_pointer (&conversation->csat, json_node_unref);
      conversation->csat = json_node_init_object (json_node_alloc (), csat);
      json_node_seal (conversation->csat);
      confab_server_schedule_save (self);
    }

  consumer_socket_respond_string (socket, frame->id, 200, CONFAB_RESP_UPDATE_CONVERSATION,
                                  close ? "OK Conversation resolved successfully" : "OK");

  if (close)
    confab_server_close_conversation (self, conversation, CONFAB_CLOSE_REASON_CONSUMER);
}

static void
handle_get_clock (ConsumerSocket    *socket,
                  const ConfabFrame *frame)
{
  g_autoptr(JsonNode) body = confab_clock_response_body (confab_server_now_ms ());

  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_GET_CLOCK, body);
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

/* confab_server_fail_requests(): whether this request is one of those to fail. */
static gboolean
take_injected_failure (ConfabServer      *self,
                       const ConfabFrame *frame)
{
  if (self->fail_count == 0 || (self->fail_type != NULL && g_strcmp0 (self->fail_type, frame->type) != 0))
    return FALSE;

  self->fail_count--;
  return TRUE;
}

static void
handle_request (ConsumerSocket    *socket,
                const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;

  g_debug ("socket %u: request %s id %s", socket->serial,
           frame->type != NULL ? frame->type : "(none)", frame->id);

  if (take_injected_failure (self, frame))
    {
      consumer_socket_respond_string (socket, frame->id, self->fail_code, CONFAB_RESP_GENERIC,
                                      self->fail_code == 429 ? "Too Many Requests" : "Service Unavailable");
      return;
    }

  if (g_strcmp0 (frame->type, CONFAB_REQ_REQUEST_CONVERSATION) == 0)
    handle_request_conversation (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_SUBSCRIBE_EX) == 0)
    handle_subscribe_ex (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_UNSUBSCRIBE_EX) == 0)
    handle_unsubscribe_ex (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_SUBSCRIBE_MESSAGING) == 0)
    handle_subscribe_messaging (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_UNSUBSCRIBE_MESSAGING) == 0)
    handle_unsubscribe_messaging (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_PUBLISH_EVENT) == 0)
    handle_publish (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_UPDATE_CONVERSATION) == 0)
    handle_update_field (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_GET_CLOCK) == 0)
    handle_get_clock (socket, frame);
  else
    consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_GENERIC, "Bad Request, unknown request type");
}

static void
handle_text_frame (ConsumerSocket *socket,
                   const char     *data,
                   gsize           len)
{
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_frame_parse (data, (gssize) len, &error);
  confab_server_log_frame (socket->server, socket, frame, data, len);

  if (frame == NULL)
    {
      g_autofree char *req_id = guess_request_id (data, len);
      gboolean too_large = g_error_matches (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);

      g_debug ("socket %u: malformed frame (%s)", socket->serial, error->message);
      consumer_socket_respond_string (socket, req_id, too_large ? 413 : 400, CONFAB_RESP_GENERIC,
                                      too_large ? "Payload Too Large" : "Bad Request, malformed frame");
      return;
    }

  if (frame->kind != CONFAB_FRAME_KIND_REQUEST)
    {
      g_debug ("socket %u: ignoring a frame that is not a request", socket->serial);
      if (frame->kind == CONFAB_FRAME_KIND_UNKNOWN)
        consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_GENERIC, "Bad Request, unknown kind");
      return;
    }

  if (frame->id == NULL)
    {
      consumer_socket_respond_string (socket, NULL, 400, CONFAB_RESP_GENERIC, "Bad Request, a request needs an id");
      return;
    }

  handle_request (socket, frame);
}

void
consumer_socket_handle_frame (ConsumerSocket *socket,
                              gboolean        is_text,
                              GBytes         *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!is_text)
    {
      g_debug ("socket %u: binary frame refused", socket->serial);
      confab_server_log_frame (socket->server, socket, NULL, "", 0);
      consumer_socket_respond_string (socket, NULL, 400, CONFAB_RESP_GENERIC, "Bad Request, frames are text");
      return;
    }

  handle_text_frame (socket, data != NULL ? data : "", len);
}

void
consumer_socket_handle_too_large (ConsumerSocket *socket,
                                  GBytes         *head)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (head, &len);
  g_autofree char *req_id = guess_request_id (data != NULL ? data : "", len);

  g_debug ("socket %u: message over %u bytes dropped", socket->serial, CONFAB_FRAME_MAX_SIZE);
  confab_server_log_frame (socket->server, socket, NULL, data != NULL ? data : "", len);
  consumer_socket_respond_string (socket, req_id, 413, CONFAB_RESP_GENERIC, "Payload Too Large");
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
