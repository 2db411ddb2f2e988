/* confab-server-control.c: ConfabServer's control API, for tests and demos
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /control/… with a JSON object body; answers JSON. Only loopback peers that name a
 * loopback host are answered, and never a browser page (a request with an Origin header):
 * this API can play the agent and read every conversation. docs/local-service.md lists
 * the endpoints.
 */
#include "config.h"

#include <string.h>

#include "confab-server-private.h"

#define CONTROL_MAX_BODY (16 * 1024 * 1024)

typedef void (*ControlHandler) (ConfabServer      *server,
                                SoupServerMessage *msg,
                                JsonObject        *body);

static void
reply_from_error (SoupServerMessage *msg,
                  const GError      *error)
{
  guint status = SOUP_STATUS_BAD_REQUEST;

  if (g_error_matches (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NOT_FOUND))
    status = SOUP_STATUS_NOT_FOUND;
  else if (g_error_matches (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_CLOSED))
    status = SOUP_STATUS_CONFLICT;
  else if (g_error_matches (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE))
    status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  else if (g_error_matches (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_SHUT_DOWN))
    status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  else if (g_error_matches (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NO_SPACE))
    status = SOUP_STATUS_INSUFFICIENT_STORAGE;

  confab_server_reply_error (msg, status, error->message);
}

static void
reply_builder (SoupServerMessage *msg,
               JsonBuilder       *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);

  confab_server_reply_json (msg, SOUP_STATUS_OK, node);
}

/* The conversation a request names, or the open one updated last. */
static char *
dup_conversation_id (ConfabServer *server,
                     JsonObject   *body)
{
  const char *id = confab_json_get_string (body, "conversationId");

  return id != NULL ? g_strdup (id) : confab_server_dup_current_conversation_id (server, NULL);
}

static void
reply_conversation (SoupServerMessage *msg,
                    const char        *conversation_id,
                    gint64             sequence)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "conversationId");
  json_builder_add_string_value (builder, conversation_id);
  if (sequence >= 0)
    {
      json_builder_set_member_name (builder, "sequence");
      json_builder_add_int_value (builder, sequence);
    }
  json_builder_end_object (builder);

  reply_builder (msg, builder);
}

/* The answer to something the agent sent: where and at which sequence, or why not. */
static void
reply_sent (SoupServerMessage *msg,
            const char        *conversation_id,
            gint64             sequence,
            const GError      *error)
{
  if (sequence < 0)
    reply_from_error (msg, error);
  else
    reply_conversation (msg, conversation_id, sequence);
}

/* The answer to a change of the conversation: done, or why not. */
static void
reply_done (SoupServerMessage *msg,
            const char        *conversation_id,
            gboolean           done,
            const GError      *error)
{
  if (!done)
    reply_from_error (msg, error);
  else
    reply_conversation (msg, conversation_id, -1);
}

static gboolean
require_conversation (SoupServerMessage *msg,
                      const char        *conversation_id)
{
  if (conversation_id == NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "No conversation is open");
      return FALSE;
    }
  return TRUE;
}

/* The optional "quickReplies" and "metadata" of an agent's message, read as a client reads
 * them. FALSE (and an answer sent) when one is there but unusable. */
static gboolean
read_extras (SoupServerMessage   *msg,
             JsonObject          *body,
             ConfabQuickReplies **quick_replies,
             JsonNode           **metadata)
{
  JsonNode *replies_node = confab_json_get_node (body, "quickReplies");
  JsonNode *metadata_node = confab_json_get_node (body, "metadata");

  if (replies_node != NULL && (*quick_replies = confab_quick_replies_parse (replies_node)) == NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                                 "\"quickReplies\" is a quickReplies object with at least one usable chip");
      return FALSE;
    }

  if (metadata_node != NULL && !confab_metadata_is_acceptable (metadata_node, NULL))
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                                 "\"metadata\" is a short list of objects, each with a \"type\"");
      return FALSE;
    }
  *metadata = metadata_node != NULL ? json_node_ref (metadata_node) : NULL;

  return TRUE;
}

static void
control_agent_message (ConfabServer      *server,
                       SoupServerMessage *msg,
                       JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(ConfabQuickReplies) quick_replies = NULL;
  g_autoptr(JsonNode) metadata = NULL;
  g_autoptr(GError) error = NULL;
  const char *text = confab_json_get_string (body, "text");
  gint64 sequence;

  if (text == NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"text\" is required");
      return;
    }
  if (!read_extras (msg, body, &quick_replies, &metadata) || !require_conversation (msg, conversation_id))
    return;

  sequence = confab_server_agent_send_text_full (server, conversation_id, text, quick_replies, metadata, &error);
  reply_sent (msg, conversation_id, sequence, error);
}

/* "content" is read as a client reads it (an object, or a JSON string of one) and sent as
 * the protocol's encoder writes it: what a client cannot read is not sent. */
static void
control_agent_rich (ConfabServer      *server,
                    SoupServerMessage *msg,
                    JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(ConfabQuickReplies) quick_replies = NULL;
  g_autoptr(ConfabRichContent) content = NULL;
  g_autoptr(JsonNode) metadata = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *content_node = confab_json_get_node (body, "content");
  gint64 sequence;

  if (content_node == NULL || (content = confab_rich_content_parse (content_node, &error)) == NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"content\" is structured content");
      return;
    }
  if (!read_extras (msg, body, &quick_replies, &metadata) || !require_conversation (msg, conversation_id))
    return;

  sequence = confab_server_agent_send_rich (server, conversation_id, content, quick_replies, metadata, &error);
  reply_sent (msg, conversation_id, sequence, error);
}

static void
control_agent_file (ConfabServer      *server,
                    SoupServerMessage *msg,
                    JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *base64 = confab_json_get_string (body, "data");
  ConfabFileType type = confab_file_type_from_string (confab_json_get_string (body, "fileType"));
  gint64 sequence;

  if (base64 == NULL || strlen (base64) > (CONFAB_FILE_UPLOAD_MAX_SIZE / 3 + 1) * 4)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"data\" is the file in base64, at most 3 MB");
      return;
    }
  if (!require_conversation (msg, conversation_id))
    return;

  {
    gsize len = 0;
    guchar *decoded = g_base64_decode (base64, &len);

    data = g_bytes_new_take (decoded, len);
  }

  sequence = confab_server_agent_send_file (server, conversation_id, data, type,
                                            confab_json_get_string (body, "caption"),
                                            confab_json_get_string (body, "preview"), &path, &error);
  if (sequence < 0)
    {
      reply_from_error (msg, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "conversationId");
  json_builder_add_string_value (builder, conversation_id);
  json_builder_set_member_name (builder, "sequence");
  json_builder_add_int_value (builder, sequence);
  json_builder_set_member_name (builder, "relativePath");
  json_builder_add_string_value (builder, path);
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

/* {"text", "quickReplies"?, "metadata"?} asks in the running survey; {"complete":true}
 * ends it. */
static void
control_agent_survey (ConfabServer      *server,
                      SoupServerMessage *msg,
                      JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(ConfabQuickReplies) quick_replies = NULL;
  g_autoptr(JsonNode) metadata = NULL;
  g_autoptr(GError) error = NULL;
  const char *text = confab_json_get_string (body, "text");
  gboolean complete = FALSE;
  gint64 sequence = -1;

  confab_json_lookup_boolean (body, "complete", &complete);
  if ((text == NULL) == !complete)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "either \"text\" or \"complete\":true");
      return;
    }
  if (!read_extras (msg, body, &quick_replies, &metadata) || !require_conversation (msg, conversation_id))
    return;

  if (complete && !confab_server_agent_complete_survey (server, conversation_id, &error))
    reply_from_error (msg, error);
  else if (!complete &&
           (sequence = confab_server_agent_send_survey (server, conversation_id, text, quick_replies, metadata,
                                                        &error)) < 0)
    reply_from_error (msg, error);
  else
    reply_conversation (msg, conversation_id, sequence);
}

static void
control_post_survey (ConfabServer      *server,
                     SoupServerMessage *msg,
                     JsonObject        *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean enabled = TRUE;

  confab_json_lookup_boolean (body, "enabled", &enabled);
  g_object_set (server, "post-survey", enabled, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, enabled);
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

static void
control_agent_receipt (ConfabServer      *server,
                       SoupServerMessage *msg,
                       JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(GArray) sequences = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  const char *status = confab_json_get_string (body, "status");
  JsonArray *list = confab_json_get_array (body, "sequences");
  ConfabReceiptStatus receipt;
  gint64 sequence;

  if (list == NULL)
    list = confab_json_get_array (body, "sequenceList");

  receipt = confab_receipt_status_from_string (status);
  if (receipt == CONFAB_RECEIPT_UNKNOWN)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"status\" is ACCEPT or READ");
      return;
    }

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      gint64 value;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          (value = json_node_get_int (node)) < 0)
        {
          confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"sequences\" holds sequence numbers");
          return;
        }
      g_array_append_val (sequences, value);
    }

  if (sequences->len == 0)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"sequences\" is a non-empty array");
      return;
    }
  if (!require_conversation (msg, conversation_id))
    return;

  sequence = confab_server_agent_send_receipt (server, conversation_id, receipt,
                                               (const gint64 *) (gpointer) sequences->data,
                                               sequences->len, &error);
  reply_sent (msg, conversation_id, sequence, error);
}

static void
control_agent_typing (ConfabServer      *server,
                      SoupServerMessage *msg,
                      JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(GError) error = NULL;
  gboolean done;
  const char *name = confab_json_get_string (body, "chatState");
  ConfabChatState state = confab_chat_state_from_string (name != NULL ? name : "COMPOSING");

  if (state == CONFAB_CHAT_STATE_UNKNOWN)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "unknown \"chatState\"");
      return;
    }
  if (!require_conversation (msg, conversation_id))
    return;

  done = confab_server_agent_set_typing (server, conversation_id, state, &error);
  reply_done (msg, conversation_id, done, error);
}

static void
control_agent_accept (ConfabServer      *server,
                      SoupServerMessage *msg,
                      JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (!require_conversation (msg, conversation_id))
    return;

  done = confab_server_agent_accept (server, conversation_id, &error);
  reply_done (msg, conversation_id, done, error);
}

static void
control_agent_transfer (ConfabServer      *server,
                        SoupServerMessage *msg,
                        JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(GError) error = NULL;
  gboolean done;
  const char *agent_id = confab_json_get_string (body, "agentId");

  if (agent_id == NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"agentId\" is required");
      return;
    }
  if (!require_conversation (msg, conversation_id))
    return;

  done = confab_server_agent_transfer (server, conversation_id, agent_id, &error);
  reply_done (msg, conversation_id, done, error);
}

static void
control_agent_close (ConfabServer      *server,
                     SoupServerMessage *msg,
                     JsonObject        *body)
{
  g_autofree char *conversation_id = dup_conversation_id (server, body);
  g_autoptr(GError) error = NULL;
  gboolean done;
  const char *reason_name = confab_json_get_string (body, "closeReason");
  ConfabCloseReason reason = CONFAB_CLOSE_REASON_AGENT;

  if (reason_name != NULL)
    {
      reason = confab_close_reason_from_string (reason_name);
      if (reason != CONFAB_CLOSE_REASON_AGENT && reason != CONFAB_CLOSE_REASON_SYSTEM &&
          reason != CONFAB_CLOSE_REASON_TIMEOUT)
        {
          confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                                     "\"closeReason\" is AGENT, SYSTEM or TIMEOUT");
          return;
        }
    }
  if (!require_conversation (msg, conversation_id))
    return;

  done = confab_server_agent_close (server, conversation_id, reason, &error);
  reply_done (msg, conversation_id, done, error);
}

static gboolean
close_code_is_valid (gint64 code)
{
  /* 1004–1006 and 1015 are never sent on the wire; a server may not send 1010. */
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1009) ||
         (code >= 1011 && code <= 1014) || (code >= 3000 && code <= 4999);
}

static void
control_drop (ConfabServer      *server,
              SoupServerMessage *msg,
              JsonObject        *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *reason = confab_json_get_string (body, "reason");
  gint64 code = 0;
  guint dropped;

  if (confab_json_lookup_int (body, "code", &code) && code != 0 && !close_code_is_valid (code))
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                                 "\"code\" is a close code a server may send (1000–1003, 1007–1009, "
                                 "1011–1014, 3000–4999), or 0 to drop without one");
      return;
    }
  if (reason != NULL && strlen (reason) > 123)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"reason\" is at most 123 bytes");
      return;
    }

  dropped = confab_server_drop_consumers (server, confab_json_get_string (body, "consumerId"),
                                          (gushort) code, reason);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dropped");
  json_builder_add_int_value (builder, dropped);
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

static void
control_frame (ConfabServer      *server,
               SoupServerMessage *msg,
               JsonObject        *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;
  JsonNode *frame = json_object_get_member (body, "frame");
  guint sent;

  if (frame != NULL && JSON_NODE_HOLDS_VALUE (frame) && json_node_get_value_type (frame) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (frame));   /* verbatim, broken on purpose if need be */
  else if (frame != NULL && (JSON_NODE_HOLDS_OBJECT (frame) || JSON_NODE_HOLDS_ARRAY (frame)))
    text = confab_json_to_string (frame);

  if (text == NULL || *text == '\0')
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"frame\" is a JSON object or a string");
      return;
    }

  sent = confab_server_send_raw_frame (server, confab_json_get_string (body, "consumerId"), text);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sent");
  json_builder_add_int_value (builder, sent);
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

static void
control_refuse_tokens (ConfabServer      *server,
                       SoupServerMessage *msg,
                       JsonObject        *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean refuse = TRUE;

  confab_json_lookup_boolean (body, "refuse", &refuse);
  g_object_set (server, "refuse-tokens", refuse, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "refuse");
  json_builder_add_boolean_value (builder, refuse);
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

static void
control_delay (ConfabServer      *server,
               SoupServerMessage *msg,
               JsonObject        *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 ms = -1;

  if (!confab_json_lookup_int (body, "ms", &ms) || ms < 0 || ms > 600000)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"ms\" is 0 to 600000");
      return;
    }

  g_object_set (server, "response-delay", (guint) ms, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ms");
  json_builder_add_int_value (builder, ms);
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

static void
control_fail (ConfabServer      *server,
              SoupServerMessage *msg,
              JsonObject        *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 code = 503, count = 1;

  confab_json_lookup_int (body, "code", &code);
  confab_json_lookup_int (body, "count", &count);
  if (code < 400 || code > 599 || count < 0 || count > 1000000)
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"code\" is 400 to 599, \"count\" 0 to 1000000");
      return;
    }

  confab_server_fail_requests (server, confab_json_get_string (body, "type"), (int) code, (guint) count);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, count);
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

static void
control_frames (ConfabServer      *server,
                SoupServerMessage *msg,
                JsonObject        *body)
{
  g_autoptr(JsonNode) log = NULL;
  gboolean clear = FALSE;

  log = confab_server_dup_frame_log (server, confab_json_get_string (body, "type"),
                                     confab_json_get_string (body, "consumerId"));
  if (confab_json_lookup_boolean (body, "clear", &clear) && clear)
    confab_server_clear_frame_log (server);

  confab_server_reply_json (msg, SOUP_STATUS_OK, log);
}

JsonNode *
confab_server_dup_state (ConfabServer *self)
{
  JsonNode *root;
  JsonObject *object;
  JsonArray *sockets;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  root = confab_server_state_to_public_json (self->state);
  object = json_node_get_object (root);

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

  json_object_set_string_member (object, "agentId", CONFAB_SERVER_AGENT_ID);
  json_object_set_boolean_member (object, "refuseTokens", self->refuse_tokens);
  json_object_set_int_member (object, "responseDelay", self->response_delay);

  return root;
}

static void
control_state (ConfabServer      *server,
               SoupServerMessage *msg,
               JsonObject        *body)
{
  g_autoptr(JsonNode) state = confab_server_dup_state (server);

  confab_server_reply_json (msg, SOUP_STATUS_OK, state);
}

static void
control_token (ConfabServer      *server,
               SoupServerMessage *msg,
               JsonObject        *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ConfabJwtClaims) claims = NULL;
  g_autofree char *jwt = NULL;
  gint64 lifetime = server->token_lifetime;

  if (confab_json_lookup_int (body, "lifetime", &lifetime) && (lifetime < G_MININT32 || lifetime > G_MAXINT32))
    {
      confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"lifetime\" is out of range");
      return;
    }

  jwt = confab_server_issue_token (server, confab_json_get_string (body, "accountId"),
                                   confab_json_get_string (body, "consumerId"), lifetime);
  claims = confab_jwt_decode (jwt, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jwt");
  json_builder_add_string_value (builder, jwt);
  if (claims != NULL)
    {
      json_builder_set_member_name (builder, "consumerId");
      json_builder_add_string_value (builder, claims->sub);
    }
  json_builder_end_object (builder);
  reply_builder (msg, builder);
}

static const struct {
  const char *path;
  ControlHandler handler;
  gboolean allows_get;
} endpoints[] = {
  { "/control/agent/message", control_agent_message, FALSE },
  { "/control/agent/rich", control_agent_rich, FALSE },
  { "/control/agent/file", control_agent_file, FALSE },
  { "/control/agent/survey", control_agent_survey, FALSE },
  { "/control/post-survey", control_post_survey, FALSE },
  { "/control/agent/receipt", control_agent_receipt, FALSE },
  { "/control/agent/typing", control_agent_typing, FALSE },
  { "/control/agent/accept", control_agent_accept, FALSE },
  { "/control/agent/transfer", control_agent_transfer, FALSE },
  { "/control/agent/close", control_agent_close, FALSE },
  { "/control/drop", control_drop, FALSE },
  { "/control/frame", control_frame, FALSE },
  { "/control/refuse-tokens", control_refuse_tokens, FALSE },
  { "/control/delay", control_delay, FALSE },
  { "/control/fail", control_fail, FALSE },
  { "/control/frames", control_frames, TRUE },
  { "/control/state", control_state, TRUE },
  { "/control/token", control_token, FALSE },
};

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

/* Whether a Host header names this service as a local client would: exactly
 * 127.0.0.1:PORT, localhost:PORT or [::1]:PORT with the service's own port (the port may
 * only be left out where it is HTTP's default). Nothing else: no other name, no user
 * info, no second port, no path. */
static gboolean
host_names_this_service (const char *host_header,
                         guint16     port)
{
  static const char * const hosts[] = { "127.0.0.1", "localhost", "[::1]" };
  g_autofree char *port_suffix = g_strdup_printf (":%u", port);

  if (host_header == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      gsize len = strlen (hosts[i]);

      if (g_ascii_strncasecmp (host_header, hosts[i], len) != 0)
        continue;
      if (g_str_equal (host_header + len, port_suffix) || (host_header[len] == '\0' && port == 80))
        return TRUE;
    }

  return FALSE;
}

static gboolean
peer_is_loopback (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return G_IS_INET_SOCKET_ADDRESS (remote) &&
         confab_server_address_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
}

/* A web page could reach a loopback port through DNS rebinding or a form post; neither
 * gets past a check of the Host and Origin headers. Answers 403 when it is not local. */
static gboolean
check_local (ConfabServer      *server,
             SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (!peer_is_loopback (msg))
    {
      confab_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "the control API answers loopback peers only");
      return FALSE;
    }

  if (!host_names_this_service (soup_message_headers_get_one (headers, "Host"), server->port) ||
      soup_message_headers_get_one (headers, "Origin") != NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "the control API answers loopback hosts only");
      return FALSE;
    }

  return TRUE;
}

/* GET takes its arguments from the query: /control/frames?type=ms.PublishEvent */
static JsonObject *
body_from_query (GHashTable *query)
{
  JsonObject *body = json_object_new ();
  GHashTableIter iter;
  gpointer key, value;

  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        json_object_set_string_member (body, key, value);
    }

  return body;
}

/* The POST body as an object (an empty one counts as {}), or NULL when it is not one. */
static JsonObject *
body_from_post (SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (len == 0)
    return json_object_new ();

  root = confab_json_parse_full (data, len, CONTROL_MAX_BODY, CONFAB_JSON_MAX_DEPTH, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/* The SoupServer handler of /control. */
void
confab_server_control_handle (SoupServer        *soup,
                              SoupServerMessage *msg,
                              const char        *path,
                              GHashTable        *query,
                              gpointer           user_data)
{
  ConfabServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(JsonObject) body = NULL;
  ControlHandler handler = NULL;
  gboolean allows_get = FALSE;

  if (!check_local (server, msg))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      if (g_str_equal (path, endpoints[i].path))
        {
          handler = endpoints[i].handler;
          allows_get = endpoints[i].allows_get;
          break;
        }
    }

  if (handler == NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such control endpoint");
      return;
    }

  if (g_str_equal (method, SOUP_METHOD_GET) && allows_get)
    {
      body = body_from_query (query);
    }
  else if (g_str_equal (method, SOUP_METHOD_POST))
    {
      body = body_from_post (msg);
      if (body == NULL)
        {
          confab_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "the body is a JSON object");
          return;
        }
    }
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    allows_get ? "GET, POST" : "POST");
      confab_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use POST with a JSON body");
      return;
    }

  g_debug ("control: %s", path);
  handler (server, msg, body);
}
