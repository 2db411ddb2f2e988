/* confab-server-publish.c: what a consumer publishes (ms.PublishEvent), checked and stored
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Texts, files, rich content, receipts (ACTION for a click among them) and typing, into
 * the main dialog or a post-conversation survey's, with the request's top-level metadata
 * kept on the stored event. Also how a request names its conversation and dialog, which
 * the other requests (confab-server-requests.c) use too.
 */
#include "config.h"

#include <string.h>

#include "confab-server-private.h"

/* A survey's dialog is named by its own id only: look for it among the consumer's
 * conversations. */
static ConfabStoredConversation *
find_survey_conversation (ConsumerSocket *socket,
                          const char     *dialog_id)
{
  GPtrArray *conversations = socket->server->state->conversations;

  for (guint i = conversations->len; dialog_id != NULL && i > 0; i--)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (conversations, i - 1);

      if (conversation->survey != NULL && g_str_equal (conversation->survey->id, dialog_id) &&
          g_str_equal (conversation->consumer_id, socket->consumer_id))
        return conversation;
    }

  return NULL;
}

ConfabStoredConversation *
consumer_socket_lookup_conversation (ConsumerSocket *socket,
                                     JsonObject     *body)
{
  ConfabStoredConversation *conversation;
  const char *id = confab_json_get_string (body, "conversationId");

  if (id == NULL)
    id = confab_json_get_string (body, "dialogId");

  conversation = confab_server_state_lookup_conversation (socket->server->state, id);
  if (conversation == NULL && confab_json_get_string (body, "conversationId") == NULL)
    conversation = find_survey_conversation (socket, id);
  if (conversation == NULL || !g_str_equal (conversation->consumer_id, socket->consumer_id))
    return NULL;

  return conversation;
}

ConfabStoredConversation *
consumer_socket_lookup_dialog (ConsumerSocket  *socket,
                               JsonObject      *body,
                               const char     **dialog_id)
{
  ConfabStoredConversation *conversation = consumer_socket_lookup_conversation (socket, body);
  const char *id = confab_json_get_string (body, "dialogId");

  if (conversation == NULL || confab_stored_conversation_dialog_events (conversation, id) == NULL)
    return NULL;

  *dialog_id = id == NULL || g_str_equal (id, conversation->id) ? NULL : conversation->survey->id;
  return conversation;
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

/* NULL when the hosted/file message names a file of this storage, of the consumer's
 * account, with a usable type and preview; *event_node is then replaced by the event as
 * the protocol's encoder writes it, so that nothing else of the message is kept. */
static const char *
check_file_event (ConsumerSocket  *socket,
                  JsonObject      *event,
                  JsonNode       **event_node)
{
  g_autoptr(ConfabHostedFile) file = confab_hosted_file_parse (json_object_get_member (event, "message"), NULL);
  ConfabStoredFile *stored;

  if (file == NULL)
    return "Bad Request, no valid relativePath";
  if (file->file_type == CONFAB_FILE_TYPE_UNKNOWN)
    return "Bad Request, unknown fileType";
  if (file->preview_refused ||
      (file->preview != NULL && strlen (file->preview) > CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE))
    return "Bad Request, the preview is not a small image";

  stored = confab_server_state_lookup_file (socket->server->state, file->relative_path);
  if (stored == NULL || g_strcmp0 (stored->account_id, socket->account_id) != 0)
    return "Bad Request, no such file";

  g_clear_pointer (event_node, json_node_unref);
  *event_node = confab_hosted_file_event_to_json (file);
  return NULL;
}

/* NULL when the ContentEvent will do, else what is wrong with it. A text without a
 * contentType is stored with "text/plain": *event_node is then replaced by such a copy. */
static const char *
check_content_event (ConsumerSocket  *socket,
                     JsonObject      *event,
                     JsonNode       **event_node)
{
  JsonNode *message = json_object_get_member (event, "message");
  const char *content_type = confab_json_get_string (event, "contentType");

  if (g_strcmp0 (content_type, CONFAB_CONTENT_TYPE_HOSTED_FILE) == 0)
    return check_file_event (socket, event, event_node);

  if (message == NULL || JSON_NODE_HOLDS_NULL (message) || JSON_NODE_HOLDS_ARRAY (message) ||
      ((content_type == NULL || g_str_equal (content_type, CONFAB_CONTENT_TYPE_TEXT)) &&
       confab_json_get_string (event, "message") == NULL))
    return "Bad Request, no message";

  if (content_type == NULL)
    {
      JsonNode *copy = json_node_copy (*event_node);

      json_object_set_string_member (json_node_get_object (copy), "contentType", CONFAB_CONTENT_TYPE_TEXT);
      g_clear_pointer (event_node, json_node_unref);
      *event_node = copy;
    }

  return NULL;
}

/* Whether every sequence of list names a content event of events that someone other than
 * the consumer sent: what a click can be on. */
static gboolean
names_others_content (GPtrArray  *events,
                      const char *consumer_id,
                      JsonArray  *list)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      gint64 sequence = json_array_get_int_element (list, i);
      ConfabStoredEvent *event;
      ConfabEventType type;

      if (sequence >= events->len)
        return FALSE;
      event = g_ptr_array_index (events, sequence);
      type = confab_event_type_from_string (confab_json_get_string (json_node_get_object (event->event), "type"));
      if ((type != CONFAB_EVENT_CONTENT && type != CONFAB_EVENT_RICH_CONTENT) ||
          g_strcmp0 (event->originator_id, consumer_id) == 0)
        return FALSE;
    }

  return TRUE;
}

/* NULL when the AcceptStatusEvent was applied to the messages it names, else what is
 * wrong with it. An ACTION (a click in a rich message or on a quick reply) moves no
 * delivery state; it must name messages of the other side. */
static const char *
apply_receipt (ConsumerSocket *socket,
               GPtrArray      *events,
               JsonObject     *event)
{
  const char *status = confab_json_get_string (event, "status");
  JsonArray *list = confab_json_get_array (event, "sequenceList");
  ConfabReceiptStatus receipt = confab_receipt_status_from_string (status);

  /* The wire name exactly: the client reads any case, the service is strict. */
  if (g_strcmp0 (status, confab_receipt_status_to_string (receipt)) != 0)
    return "Bad Request, unknown status";

  if (!valid_sequence_list (list))
    return "Bad Request, bad sequenceList";

  if (receipt == CONFAB_RECEIPT_ACTION)
    return names_others_content (events, socket->consumer_id, list) ? NULL
           : "Bad Request, an ACTION names messages of the other side";

  confab_stored_events_apply_receipt (events, socket->consumer_id, receipt, list);
  return NULL;
}

/* Typing goes to the agent only, never stored: answered with sequence 0. */
static void
publish_chat_state (ConsumerSocket           *socket,
                    const ConfabFrame        *frame,
                    ConfabStoredConversation *conversation,
                    const char               *dialog_id,
                    JsonObject               *event,
                    JsonNode                 *event_node)
{
  if (confab_json_get_string (event, "chatState") == NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_PUBLISH_EVENT, "Bad Request, no chatState");
      return;
    }

  respond_sequence (socket, frame->id, 0);
  confab_server_consumer_published (socket->server, conversation, dialog_id, -1, event_node, NULL);
}

/* NULL when the event can be stored, else what is wrong; *event_node may be replaced by
 * what is to be stored. */
static const char *
check_event (ConsumerSocket  *socket,
             GPtrArray       *events,
             JsonObject      *event,
             JsonNode       **event_node)
{
  switch (confab_event_type_from_string (confab_json_get_string (event, "type")))
    {
    case CONFAB_EVENT_CONTENT:
      return check_content_event (socket, event, event_node);
    case CONFAB_EVENT_RICH_CONTENT:
      return confab_json_get_object (event, "content") == NULL ? "Bad Request, no content" : NULL;
    case CONFAB_EVENT_ACCEPT_STATUS:
      return apply_receipt (socket, events, event);
    case CONFAB_EVENT_CHAT_STATE:
    case CONFAB_EVENT_UNKNOWN:
    default:
      return "Bad Request, unknown event type";
    }
}

static gboolean
dialog_is_closed (ConfabStoredConversation *conversation,
                  const char               *dialog_id)
{
  if (dialog_id == NULL)
    return confab_stored_conversation_main_closed (conversation);
  return conversation->survey->closed;
}

void
consumer_socket_handle_publish (ConsumerSocket    *socket,
                                const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  JsonObject *request = confab_frame_get_body_object (frame);
  const char *dialog_id = NULL;
  ConfabStoredConversation *conversation = consumer_socket_lookup_dialog (socket, request, &dialog_id);
  JsonObject *event = confab_json_get_object (request, "event");
  const char *type = confab_json_get_string (event, "type");
  g_autoptr(JsonNode) event_node = NULL;
  GPtrArray *events = NULL;
  ConfabStoredEvent *stored;
  const char *problem = NULL;

  if (conversation == NULL)
    problem = "Bad Request, unknown dialog";
  else if (type == NULL)
    problem = "Bad Request, no event type";
  else if (dialog_is_closed (conversation, dialog_id))
    problem = BAD_REQUEST_CLOSED;
  else if (frame->metadata != NULL && !confab_metadata_is_acceptable (frame->metadata, NULL))
    problem = "Bad Request, bad metadata";

  if (problem == NULL)
    {
      event_node = json_node_init_object (json_node_alloc (), event);
      if (confab_event_type_from_string (type) == CONFAB_EVENT_CHAT_STATE)
        {
          publish_chat_state (socket, frame, conversation, dialog_id, event, event_node);
          return;
        }
      events = confab_stored_conversation_dialog_events (conversation, dialog_id);
      problem = check_event (socket, events, event, &event_node);
    }

  if (problem != NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_PUBLISH_EVENT, problem);
      return;
    }

  /* Answer first, then the notification, as LivePerson does. */
  respond_sequence (socket, frame->id, (gint64) events->len);
  stored = confab_server_store_event (self, conversation, dialog_id, socket->consumer_id, "CONSUMER", event_node,
                                      frame->metadata);
  confab_server_consumer_published (self, conversation, dialog_id, stored->sequence, stored->event,
                                    stored->metadata);
}
