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

#include <string.h>

#include "confab-server-private.h"

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
  const char *dialog_id = NULL;
  ConfabStoredConversation *conversation = consumer_socket_lookup_dialog (socket, request, &dialog_id);
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
  from_seq = CLAMP (from_seq, 0, (gint64) confab_stored_conversation_dialog_events (conversation, dialog_id)->len);

  subscription = g_new0 (DialogSubscription, 1);
  subscription->socket = socket;
  subscription->conversation_id = g_strdup (conversation->id);
  subscription->dialog_id = g_strdup (dialog_id != NULL ? dialog_id : conversation->id);
  subscription->next_sequence = (guint) from_seq;
  /* Replaces an earlier subscription to the same dialog on this socket. */
  g_hash_table_replace (socket->dialog_subscriptions, subscription->dialog_id, subscription);

  body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (body, json_object_new ());
  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_SUBSCRIBE_MESSAGING, body);

  dialog_subscription_start_replay (subscription, conversation);
}

static void
handle_unsubscribe_messaging (ConsumerSocket    *socket,
                              const ConfabFrame *frame)
{
  const char *dialog_id = NULL;
  ConfabStoredConversation *conversation;

  conversation = consumer_socket_lookup_dialog (socket, confab_frame_get_body_object (frame), &dialog_id);
  if (conversation == NULL ||
      !g_hash_table_remove (socket->dialog_subscriptions, dialog_id != NULL ? dialog_id : conversation->id))
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_GENERIC, "Bad Request, not subscribed");
      return;
    }

  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_GENERIC, NULL);
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

/* What a cm.UpdateConversationField asks for. */
typedef struct {
  gboolean close;           /* ConversationStateField or Stage CLOSE: the whole conversation */
  gboolean close_dialog;    /* DialogChange CLOSE of the main dialog */
  gboolean close_survey;    /* DialogChange CLOSE of the survey's: skipping it */
  JsonNode *csat;           /* CSATRate, as the protocol's encoder writes it */
} FieldUpdate;

static void
field_update_clear (FieldUpdate *update)
{
  g_clear_pointer (&update->csat, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FieldUpdate, field_update_clear)

/* The rating is kept (and echoed in conversationDetails.csat) as the encoder of the request
 * writes it, so that what a consumer adds to the field is not carried along. */
static const char *
read_csat (JsonObject  *field,
           FieldUpdate *update)
{
  static const char * const statuses[] = { "FILLED", "PARTIALLY_FILLED", "SKIPPED" };
  const char *status_name = confab_json_get_string (field, "status");
  ConfabCsatStatus status = CONFAB_CSAT_FILLED;
  g_autoptr(JsonNode) body = NULL;
  gboolean resolved = FALSE;
  gint64 rate = 0;

  for (guint i = 0; status_name != NULL && i < G_N_ELEMENTS (statuses); i++)
    if (g_str_equal (status_name, statuses[i]))
      status = (ConfabCsatStatus) i;
  if (status_name != NULL && g_strcmp0 (status_name, statuses[status]) != 0)
    return "Bad Request, unknown csat status";

  confab_json_lookup_int (field, "csatRate", &rate);
  if ((rate < 1 || rate > 5) && !(status == CONFAB_CSAT_SKIPPED && rate == 0))
    return "Bad Request, csatRate must be 1 to 5";
  confab_json_lookup_boolean (field, "csatResolutionConfirmation", &resolved);

  body = confab_csat_status_body ("", status, (int) rate, resolved);
  g_clear_pointer (&update->csat, json_node_unref);
  update->csat = json_node_copy (json_array_get_element (confab_json_get_array (json_node_get_object (body),
                                                                                 "conversationField"), 0));
  return NULL;
}

/* {"field":"DialogChange","type":"UPDATE","dialog":{"dialogId":…,"state":"CLOSE",…}}:
 * the main dialog, or a survey's. */
static const char *
read_dialog_change (JsonObject               *field,
                    ConfabStoredConversation *conversation,
                    FieldUpdate              *update)
{
  JsonObject *dialog = confab_json_get_object (field, "dialog");
  const char *dialog_id = confab_json_get_string (dialog, "dialogId");

  if (g_strcmp0 (confab_json_get_string (field, "type"), "UPDATE") != 0 ||
      g_strcmp0 (confab_json_get_string (dialog, "state"), "CLOSE") != 0)
    return "Bad Request, a DialogChange closes a dialog";

  if (g_strcmp0 (dialog_id, conversation->id) == 0)
    update->close_dialog = TRUE;
  else if (conversation->survey != NULL && g_strcmp0 (dialog_id, conversation->survey->id) == 0)
    update->close_survey = TRUE;
  else
    return "Bad Request, unknown dialog";

  return NULL;
}

/* Whether what update closes is closed already. */
static gboolean
closes_closed (ConfabStoredConversation *conversation,
               FieldUpdate              *update)
{
  return ((update->close || update->close_survey) && conversation->closed) ||
         (update->close_dialog && confab_stored_conversation_main_closed (conversation)) ||
         (update->close_survey && conversation->survey == NULL);
}

/* A close while a survey runs skips the survey; closing the main dialog may start one
 * (confab_server_close_main_dialog()); ConversationStateField or Stage CLOSE never does. */
static void
apply_closes (ConfabServer             *self,
              ConfabStoredConversation *conversation,
              FieldUpdate              *update)
{
  if ((update->close || update->close_survey) && conversation->survey != NULL)
    confab_server_end_survey (self, conversation, CONFAB_CLOSE_REASON_CONSUMER);
  else if (update->close)
    confab_server_close_conversation (self, conversation, CONFAB_CLOSE_REASON_CONSUMER);
  else if (update->close_dialog)
    confab_server_close_main_dialog (self, conversation, CONFAB_CLOSE_REASON_CONSUMER);
}

/* NULL when every field is understood, else what is wrong with them. */
static const char *
read_conversation_fields (JsonArray                *fields,
                          ConfabStoredConversation *conversation,
                          FieldUpdate              *update)
{
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonNode *node = json_array_get_element (fields, i);
      JsonObject *field = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = confab_json_get_string (field, "field");
      const char *problem = NULL;

      if ((g_strcmp0 (name, "ConversationStateField") == 0 || g_strcmp0 (name, "Stage") == 0) &&
          g_strcmp0 (confab_json_get_string (field, "conversationState"), "CLOSE") == 0)
        update->close = TRUE;
      else if (g_strcmp0 (name, "CSATRate") == 0)
        problem = read_csat (field, update);
      else if (g_strcmp0 (name, "DialogChange") == 0)
        problem = read_dialog_change (field, conversation, update);
      else
        problem = "Bad Request, unsupported conversationField";

      if (problem != NULL)
        return problem;
    }

  return NULL;
}

static void
handle_update_field (ConsumerSocket    *socket,
                     const ConfabFrame *frame)
{
  ConfabServer *self = socket->server;
  JsonObject *request = confab_frame_get_body_object (frame);
  ConfabStoredConversation *conversation = consumer_socket_lookup_conversation (socket, request);
  g_autoptr(JsonArray) fields = NULL;
  g_auto(FieldUpdate) update = { FALSE, FALSE, FALSE, NULL };
  gboolean closes;
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
    problem = read_conversation_fields (fields, conversation, &update);

  if (problem == NULL && closes_closed (conversation, &update))
    problem = BAD_REQUEST_CLOSED;

  if (problem != NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_UPDATE_CONVERSATION, problem);
      return;
    }

  closes = update.close || update.close_dialog || update.close_survey;
  consumer_socket_respond_string (socket, frame->id, 200, CONFAB_RESP_UPDATE_CONVERSATION,
                                  closes ? "OK Conversation resolved successfully" : "OK");

  if (update.csat != NULL)
    {
      g_clear_pointer (&conversation->csat, json_node_unref);
      conversation->csat = g_steal_pointer (&update.csat);
      json_node_seal (conversation->csat);
      /* Echoed in conversationDetails.csat; a close below announces it as well. */
      if (!closes)
        confab_server_conversation_changed (self, conversation);
    }

  apply_closes (self, conversation, &update);
}

static void
respond_file_url (ConsumerSocket    *socket,
                  const ConfabFrame *frame,
                  const char        *method,
                  const char        *relative_path)
{
  g_autoptr(ConfabFileUrl) url = confab_server_sign_file_url (socket->server, method, relative_path,
                                                              CONFAB_SERVER_FILE_URL_LIFETIME);
  g_autoptr(JsonNode) body = confab_file_url_to_json (url);

  consumer_socket_respond (socket, frame->id, 200, CONFAB_RESP_GENERATE_URL, body);
}

/* {"fileSize":…,"fileType":…}: a new path, and a signature to PUT the file there. */
static void
handle_generate_upload_url (ConsumerSocket    *socket,
                            const ConfabFrame *frame)
{
  g_autofree char *path = NULL;
  ConfabFileType type = CONFAB_FILE_TYPE_UNKNOWN;
  const char *problem = NULL;
  gint64 size = 0;

  if (!confab_parse_upload_url_request (frame->body, &size, &type, NULL))
    problem = "Bad Request, fileSize and fileType are required";
  else if (!confab_server_file_type_is_uploadable (type))
    problem = "Bad Request, the fileType is JPG, JPEG, PNG or GIF";
  else if (size > CONFAB_FILE_UPLOAD_MAX_SIZE)
    problem = "Bad Request, a file is at most 3 MB";

  if (problem != NULL)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_GENERATE_URL, problem);
      return;
    }

  path = confab_server_files_new_path (socket->server, socket->account_id, type);
  respond_file_url (socket, frame, SOUP_METHOD_PUT, path);
}

/* {"relativePath":…}: a signature to GET a file of the consumer's account. */
static void
handle_generate_download_url (ConsumerSocket    *socket,
                              const ConfabFrame *frame)
{
  g_autofree char *path = confab_parse_download_url_request (frame->body, NULL);
  ConfabStoredFile *file = confab_server_state_lookup_file (socket->server->state, path);

  if (file == NULL || g_strcmp0 (file->account_id, socket->account_id) != 0)
    {
      consumer_socket_respond_string (socket, frame->id, 400, CONFAB_RESP_GENERATE_URL,
                                      path == NULL ? "Bad Request, no valid relativePath" : "Bad Request, no such file");
      return;
    }

  respond_file_url (socket, frame, SOUP_METHOD_GET, path);
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
    consumer_socket_handle_publish (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_UPDATE_CONVERSATION) == 0)
    handle_update_field (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_GET_CLOCK) == 0)
    handle_get_clock (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_GENERATE_UPLOAD_URL) == 0)
    handle_generate_upload_url (socket, frame);
  else if (g_strcmp0 (frame->type, CONFAB_REQ_GENERATE_DOWNLOAD_URL) == 0)
    handle_generate_download_url (socket, frame);
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
