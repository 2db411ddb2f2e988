/* confab-message.c: one message of a conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "confab-message.h"
#include "confab-core-enums.h"

/* What only rich messages and replies to a click have, kept apart so that a plain message
 * pays one pointer for it. */
typedef struct
{
  ConfabRichContent *content;
  ConfabQuickReplies *quick_replies;
  ConfabHostedFile *file;
  JsonNode *metadata;
  char *target_dialog_id;     /* own replies: the message clicked in */
  gint64 target_sequence;
} RichData;

struct _ConfabMessage
{
  GObject parent_instance;

  gint64 sequence;
  gint64 server_time;
  union {
    gint64 local_id;        /* messages */
    gint64 after_sequence;  /* events */
  };
  /* The same few ids and types in every message of a history: each held once (interned
   * GRefString), a message only references them. */
  char *dialog_id;
  char *conversation_id;
  char *originator_id;
  char *content_type;
  char *sender_name;
  char *text;
  ConfabRole role;
  ConfabDeliveryState delivery_state;
  guint own : 1;
  guint is_placeholder : 1;
  guint accept_sent : 1;
  guint read_sent : 1;
  guint day_break : 1;
  guint group_start : 1;
  guint attempted : 1;
  guint seen : 1;
  guint action_sent : 1;
  guint replies_active : 1;
  guint replies_chosen : 1;
  guint kind : 1;             /* ConfabMessageKind */
  guint event : 3;            /* ConfabMessageEvent */
  guint close_reason : 3;     /* ConfabCloseReason */
  RichData *rich;             /* NULL for a plain message */
};

/* every ConfabMessageEvent fits its bit field */
G_STATIC_ASSERT (CONFAB_MESSAGE_EVENT_LAST < (1 << 3));

enum {
  PROP_0,
  PROP_SEQUENCE,
  PROP_DIALOG_ID,
  PROP_CONVERSATION_ID,
  PROP_ORIGINATOR_ID,
  PROP_ROLE,
  PROP_OWN,
  PROP_SERVER_TIME,
  PROP_CONTENT_TYPE,
  PROP_TEXT,
  PROP_IS_PLACEHOLDER,
  PROP_LOCAL_ID,
  PROP_DELIVERY_STATE,
  PROP_ACCEPT_SENT,
  PROP_READ_SENT,
  PROP_DAY_BREAK,
  PROP_GROUP_START,
  PROP_SEEN,
  PROP_KIND,
  PROP_EVENT,
  PROP_CLOSE_REASON,
  PROP_AFTER_SEQUENCE,
  PROP_SENDER_NAME,
  PROP_REPLIES_ACTIVE,
  PROP_REPLIES_CHOSEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ConfabMessage, confab_message, G_TYPE_OBJECT)

static char *
intern (const char *text)
{
  return text != NULL ? g_ref_string_new_intern (text) : NULL;
}

static void
release (char *interned)
{
  if (interned != NULL)
    g_ref_string_release (interned);
}

static void
confab_message_finalize (GObject *object)
{
  ConfabMessage *self = CONFAB_MESSAGE (object);

  release (self->dialog_id);
  release (self->conversation_id);
  release (self->originator_id);
  release (self->content_type);
  release (self->sender_name);
  g_free (self->text);
  if (self->rich != NULL)
    {
      g_clear_pointer (&self->rich->content, confab_rich_content_unref);
      g_clear_pointer (&self->rich->quick_replies, confab_quick_replies_unref);
      g_clear_pointer (&self->rich->file, confab_hosted_file_unref);
      g_clear_pointer (&self->rich->metadata, json_node_unref);
      g_free (self->rich->target_dialog_id);
      g_free (self->rich);
    }

  G_OBJECT_CLASS (confab_message_parent_class)->finalize (object);
}

static void
confab_message_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConfabMessage *self = CONFAB_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_SEQUENCE: g_value_set_int64 (value, self->sequence); break;
    case PROP_DIALOG_ID: g_value_set_string (value, self->dialog_id); break;
    case PROP_CONVERSATION_ID: g_value_set_string (value, self->conversation_id); break;
    case PROP_ORIGINATOR_ID: g_value_set_string (value, self->originator_id); break;
    case PROP_ROLE: g_value_set_enum (value, self->role); break;
    case PROP_OWN: g_value_set_boolean (value, self->own); break;
    case PROP_SERVER_TIME: g_value_set_int64 (value, self->server_time); break;
    case PROP_CONTENT_TYPE: g_value_set_string (value, self->content_type); break;
    case PROP_TEXT: g_value_set_string (value, self->text); break;
    case PROP_IS_PLACEHOLDER: g_value_set_boolean (value, self->is_placeholder); break;
    case PROP_LOCAL_ID: g_value_set_int64 (value, confab_message_get_local_id (self)); break;
    case PROP_DELIVERY_STATE: g_value_set_enum (value, self->delivery_state); break;
    case PROP_ACCEPT_SENT: g_value_set_boolean (value, self->accept_sent); break;
    case PROP_READ_SENT: g_value_set_boolean (value, self->read_sent); break;
    case PROP_DAY_BREAK: g_value_set_boolean (value, self->day_break); break;
    case PROP_GROUP_START: g_value_set_boolean (value, self->group_start); break;
    case PROP_SEEN: g_value_set_boolean (value, self->seen); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_EVENT: g_value_set_enum (value, self->event); break;
    case PROP_CLOSE_REASON: g_value_set_enum (value, self->close_reason); break;
    case PROP_AFTER_SEQUENCE: g_value_set_int64 (value, confab_message_get_after_sequence (self)); break;
    case PROP_SENDER_NAME: g_value_set_string (value, self->sender_name); break;
    case PROP_REPLIES_ACTIVE: g_value_set_boolean (value, self->replies_active); break;
    case PROP_REPLIES_CHOSEN: g_value_set_boolean (value, self->replies_chosen); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_message_class_init (ConfabMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = confab_message_finalize;
  object_class->get_property = confab_message_get_property;

  properties[PROP_SEQUENCE] = g_param_spec_int64 ("sequence", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_DIALOG_ID] = g_param_spec_string ("dialog-id", NULL, NULL, NULL, flags);
  properties[PROP_CONVERSATION_ID] = g_param_spec_string ("conversation-id", NULL, NULL, NULL, flags);
  properties[PROP_ORIGINATOR_ID] = g_param_spec_string ("originator-id", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, CONFAB_TYPE_ROLE, CONFAB_ROLE_UNKNOWN, flags);
  properties[PROP_OWN] = g_param_spec_boolean ("own", NULL, NULL, FALSE, flags);
  properties[PROP_SERVER_TIME] = g_param_spec_int64 ("server-time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CONTENT_TYPE] = g_param_spec_string ("content-type", NULL, NULL, NULL, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  properties[PROP_IS_PLACEHOLDER] = g_param_spec_boolean ("is-placeholder", NULL, NULL, FALSE, flags);
  properties[PROP_LOCAL_ID] = g_param_spec_int64 ("local-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DELIVERY_STATE] = g_param_spec_enum ("delivery-state", NULL, NULL, CONFAB_TYPE_DELIVERY_STATE,
                                                       CONFAB_DELIVERY_QUEUED, flags);
  properties[PROP_ACCEPT_SENT] = g_param_spec_boolean ("accept-sent", NULL, NULL, FALSE, flags);
  properties[PROP_READ_SENT] = g_param_spec_boolean ("read-sent", NULL, NULL, FALSE, flags);
  properties[PROP_DAY_BREAK] = g_param_spec_boolean ("day-break", NULL, NULL, FALSE, flags);
  properties[PROP_GROUP_START] = g_param_spec_boolean ("group-start", NULL, NULL, TRUE, flags);
  properties[PROP_SEEN] = g_param_spec_boolean ("seen", NULL, NULL, FALSE, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, CONFAB_TYPE_MESSAGE_KIND,
                                             CONFAB_MESSAGE_KIND_MESSAGE, flags);
  properties[PROP_EVENT] = g_param_spec_enum ("event", NULL, NULL, CONFAB_TYPE_MESSAGE_EVENT,
                                              CONFAB_MESSAGE_EVENT_NONE, flags);
  properties[PROP_CLOSE_REASON] = g_param_spec_enum ("close-reason", NULL, NULL, CONFAB_TYPE_CLOSE_REASON,
                                                     CONFAB_CLOSE_REASON_NONE, flags);
  properties[PROP_AFTER_SEQUENCE] = g_param_spec_int64 ("after-sequence", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_SENDER_NAME] = g_param_spec_string ("sender-name", NULL, NULL, NULL, flags);
  properties[PROP_REPLIES_ACTIVE] = g_param_spec_boolean ("replies-active", NULL, NULL, FALSE, flags);
  properties[PROP_REPLIES_CHOSEN] = g_param_spec_boolean ("replies-chosen", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_message_init (ConfabMessage *self)
{
  self->sequence = -1;
  self->group_start = TRUE;
}

static RichData *
rich_data (ConfabMessage *self)
{
  if (self->rich == NULL)
    {
      self->rich = g_new0 (RichData, 1);
      self->rich->target_sequence = -1;
    }
  return self->rich;
}

/* The counterpart of confab_message_dup_payload(). What is not readable any more (a history
 * written by another version, a damaged row) is left out: the message keeps its text. */
static void
read_payload (ConfabMessage *self,
              const char    *payload)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonObject *target;
  JsonNode *node;
  RichData *rich;
  gint64 sequence;
  gboolean chosen;

  root = confab_json_parse (payload, strlen (payload), &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Ignoring the stored rich part of a message: %s",
               error != NULL ? error->message : "not an object");
      return;
    }
  object = json_node_get_object (root);
  rich = rich_data (self);

  if ((node = confab_json_get_node (object, "content")) != NULL)
    rich->content = confab_rich_content_parse (node, NULL);
  rich->quick_replies = confab_quick_replies_parse (confab_json_get_node (object, "quickReplies"));
  if ((node = confab_json_get_node (object, "file")) != NULL)
    rich->file = confab_hosted_file_parse (node, NULL);
  if ((node = confab_json_get_node (object, "metadata")) != NULL && JSON_NODE_HOLDS_ARRAY (node))
    rich->metadata = json_node_copy (node);
  target = confab_json_get_object (object, "replyTo");
  if (confab_json_get_string (target, "dialogId") != NULL &&
      confab_json_lookup_int (target, "sequence", &sequence) && sequence >= 0)
    {
      rich->target_dialog_id = confab_json_dup_string (target, "dialogId");
      rich->target_sequence = sequence;
    }
  if (rich->quick_replies != NULL && confab_json_lookup_boolean (object, "repliesChosen", &chosen))
    self->replies_chosen = !!chosen;
}

ConfabMessage *
confab_message_new (const ConfabMessageFields *fields)
{
  ConfabMessage *self;

  g_return_val_if_fail (fields != NULL, NULL);
  g_return_val_if_fail (fields->sequence >= -1, NULL);
  g_return_val_if_fail (fields->local_id >= 0, NULL);
  g_return_val_if_fail (fields->kind == CONFAB_MESSAGE_KIND_MESSAGE ||
                        (fields->sequence == -1 && fields->local_id == 0 && fields->after_sequence >= -1), NULL);

  self = g_object_new (CONFAB_TYPE_MESSAGE, NULL);
  self->sequence = fields->sequence;
  self->server_time = MAX (fields->server_time, 0);
  self->kind = fields->kind == CONFAB_MESSAGE_KIND_EVENT;
  if (self->kind == CONFAB_MESSAGE_KIND_EVENT)
    {
      self->after_sequence = fields->after_sequence;
      self->event = fields->event;
      self->close_reason = fields->close_reason;
    }
  else
    self->local_id = fields->local_id;
  self->sender_name = intern (fields->own ? NULL : fields->sender_name);
  self->dialog_id = intern (fields->dialog_id);
  self->conversation_id = intern (fields->conversation_id);
  self->originator_id = intern (fields->originator_id);
  self->content_type = intern (fields->content_type);
  self->text = g_strdup (fields->text != NULL ? fields->text : "");
  self->role = fields->role;
  self->delivery_state = fields->delivery_state;
  self->own = !!fields->own;
  self->is_placeholder = !!fields->is_placeholder;
  self->accept_sent = !!fields->accept_sent;
  self->read_sent = !!fields->read_sent;
  self->attempted = !!fields->attempted;

  if (fields->rich != NULL || fields->quick_replies != NULL || fields->file != NULL ||
      fields->metadata != NULL)
    {
      RichData *rich = rich_data (self);

      rich->content = fields->rich != NULL ? confab_rich_content_ref (fields->rich) : NULL;
      rich->quick_replies = fields->quick_replies != NULL ? confab_quick_replies_ref (fields->quick_replies) : NULL;
      rich->file = fields->file != NULL ? confab_hosted_file_ref (fields->file) : NULL;
      rich->metadata = fields->metadata != NULL ? json_node_copy (fields->metadata) : NULL;
    }
  else if (fields->payload != NULL)
    read_payload (self, fields->payload);

  return self;
}

ConfabMessage *
confab_message_new_from_change (const ConfabMessagingChange *change,
                                const char                  *consumer_id)
{
  ConfabMessageFields fields = { 0 };

  g_return_val_if_fail (change != NULL, NULL);

  fields.sequence = change->sequence;
  fields.server_time = change->server_timestamp;
  fields.dialog_id = change->dialog_id;
  fields.conversation_id = change->conversation_id;
  fields.originator_id = change->originator_id;
  fields.content_type = change->content_type;
  fields.text = change->text;
  fields.is_placeholder = change->is_placeholder;
  fields.role = change->role;
  fields.rich = change->rich;
  fields.quick_replies = change->quick_replies;
  fields.file = change->file;
  fields.metadata = change->metadata;
  fields.own = consumer_id != NULL && g_strcmp0 (change->originator_id, consumer_id) == 0;
  fields.delivery_state = CONFAB_DELIVERY_QUEUED;
  if (fields.own)
    {
      fields.role = CONFAB_ROLE_CONSUMER;
      fields.delivery_state = CONFAB_DELIVERY_SENT;
    }

  return confab_message_new (&fields);
}

ConfabMessage *
confab_message_new_event (ConfabMessageEvent  event,
                          const char         *dialog_id,
                          gint64              after_sequence,
                          gint64              time_ms,
                          const char         *agent_id,
                          ConfabCloseReason   reason)
{
  ConfabMessageFields fields = { 0 };

  g_return_val_if_fail (event != CONFAB_MESSAGE_EVENT_NONE, NULL);
  g_return_val_if_fail (after_sequence >= -1, NULL);

  fields.kind = CONFAB_MESSAGE_KIND_EVENT;
  fields.event = event;
  fields.sequence = -1;
  fields.after_sequence = after_sequence;
  fields.dialog_id = dialog_id;
  fields.conversation_id = dialog_id;
  fields.server_time = time_ms;
  fields.originator_id = agent_id;
  fields.close_reason = event == CONFAB_MESSAGE_EVENT_CLOSED ? reason : CONFAB_CLOSE_REASON_NONE;

  return confab_message_new (&fields);
}

ConfabMessage *
confab_message_new_outgoing (const char *text,
                             gint64      local_time_ms)
{
  ConfabMessageFields fields = { 0 };

  g_return_val_if_fail (text != NULL, NULL);

  fields.sequence = -1;
  fields.own = TRUE;
  fields.role = CONFAB_ROLE_CONSUMER;
  fields.text = text;
  fields.content_type = "text/plain";
  fields.server_time = local_time_ms;
  fields.delivery_state = CONFAB_DELIVERY_QUEUED;

  return confab_message_new (&fields);
}

#define SET_SCALAR(field, value, prop)                                   \
  G_STMT_START {                                                         \
    if (self->field != (value))                                          \
      {                                                                  \
        self->field = (value);                                           \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);    \
      }                                                                  \
  } G_STMT_END

#define SET_INTERNED(field, value, prop)                                 \
  G_STMT_START {                                                         \
    if (g_strcmp0 (self->field, (value)) != 0)                           \
      {                                                                  \
        release (self->field);                                           \
        self->field = intern (value);                                    \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);    \
      }                                                                  \
  } G_STMT_END

gint64
confab_message_get_sequence (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), -1);
  return self->sequence;
}

void
confab_message_set_sequence (ConfabMessage *self,
                             gint64         sequence)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_SCALAR (sequence, sequence, PROP_SEQUENCE);
}

const char *
confab_message_get_dialog_id (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->dialog_id;
}

void
confab_message_set_dialog_id (ConfabMessage *self,
                              const char    *dialog_id)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_INTERNED (dialog_id, dialog_id, PROP_DIALOG_ID);
}

const char *
confab_message_get_conversation_id (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->conversation_id;
}

void
confab_message_set_conversation_id (ConfabMessage *self,
                                    const char    *conversation_id)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_INTERNED (conversation_id, conversation_id, PROP_CONVERSATION_ID);
}

const char *
confab_message_get_originator_id (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->originator_id;
}

ConfabRole
confab_message_get_role (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), CONFAB_ROLE_UNKNOWN);
  return self->role;
}

gboolean
confab_message_get_own (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->own;
}

gint64
confab_message_get_server_time (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), 0);
  return self->server_time;
}

void
confab_message_set_server_time (ConfabMessage *self,
                                gint64         time_ms)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_SCALAR (server_time, time_ms, PROP_SERVER_TIME);
}

const char *
confab_message_get_content_type (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->content_type;
}

const char *
confab_message_get_text (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->text;
}

gboolean
confab_message_get_is_placeholder (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->is_placeholder;
}

gint64
confab_message_get_local_id (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), 0);
  return self->kind == CONFAB_MESSAGE_KIND_MESSAGE ? self->local_id : 0;
}

void
confab_message_set_local_id (ConfabMessage *self,
                             gint64         local_id)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  g_return_if_fail (self->kind == CONFAB_MESSAGE_KIND_MESSAGE);
  SET_SCALAR (local_id, local_id, PROP_LOCAL_ID);
}

ConfabMessageKind
confab_message_get_kind (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), CONFAB_MESSAGE_KIND_MESSAGE);
  return self->kind;
}

gboolean
confab_message_is_event (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->kind == CONFAB_MESSAGE_KIND_EVENT;
}

ConfabMessageEvent
confab_message_get_event (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), CONFAB_MESSAGE_EVENT_NONE);
  return self->kind == CONFAB_MESSAGE_KIND_EVENT ? self->event : CONFAB_MESSAGE_EVENT_NONE;
}

ConfabCloseReason
confab_message_get_close_reason (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), CONFAB_CLOSE_REASON_NONE);
  return self->kind == CONFAB_MESSAGE_KIND_EVENT ? self->close_reason : CONFAB_CLOSE_REASON_NONE;
}

gint64
confab_message_get_after_sequence (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), -1);
  return self->kind == CONFAB_MESSAGE_KIND_EVENT ? self->after_sequence : -1;
}

const char *
confab_message_get_sender_name (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->sender_name;
}

void
confab_message_set_sender_name (ConfabMessage *self,
                                const char    *name)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  g_return_if_fail (!self->own || name == NULL);
  SET_INTERNED (sender_name, name, PROP_SENDER_NAME);
}

ConfabDeliveryState
confab_message_get_delivery_state (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), CONFAB_DELIVERY_QUEUED);
  return self->delivery_state;
}

gboolean
confab_message_advance_delivery (ConfabMessage       *self,
                                 ConfabDeliveryState  state)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (state != CONFAB_DELIVERY_FAILED, FALSE);

  /* A receipt for a message the service took means it was sent, even when it failed
   * locally (the answer was lost); otherwise states only move forward. */
  if (self->delivery_state == CONFAB_DELIVERY_FAILED)
    {
      if (state < CONFAB_DELIVERY_SENT)
        return FALSE;
    }
  else if (state <= self->delivery_state)
    return FALSE;

  self->delivery_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELIVERY_STATE]);
  return TRUE;
}

void
confab_message_fail (ConfabMessage *self)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));

  /* Once the service has it, it is not failed. */
  if (self->delivery_state >= CONFAB_DELIVERY_SENT)
    return;
  SET_SCALAR (delivery_state, CONFAB_DELIVERY_FAILED, PROP_DELIVERY_STATE);
}

gboolean
confab_message_requeue (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);

  if (self->delivery_state != CONFAB_DELIVERY_FAILED && self->delivery_state != CONFAB_DELIVERY_SENDING)
    return FALSE;
  SET_SCALAR (delivery_state, CONFAB_DELIVERY_QUEUED, PROP_DELIVERY_STATE);
  return TRUE;
}

gboolean
confab_message_get_accept_sent (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->accept_sent;
}

void
confab_message_set_accept_sent (ConfabMessage *self,
                                gboolean       sent)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_SCALAR (accept_sent, !!sent, PROP_ACCEPT_SENT);
}

gboolean
confab_message_get_read_sent (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->read_sent;
}

void
confab_message_set_read_sent (ConfabMessage *self,
                              gboolean       sent)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_SCALAR (read_sent, !!sent, PROP_READ_SENT);
}

gboolean
confab_message_get_attempted (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->attempted;
}

void
confab_message_set_attempted (ConfabMessage *self,
                              gboolean       attempted)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  self->attempted = !!attempted;
}

gboolean
confab_message_get_seen (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->seen;
}

void
confab_message_set_seen (ConfabMessage *self,
                         gboolean       seen)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_SCALAR (seen, !!seen, PROP_SEEN);
}

gboolean
confab_message_get_day_break (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->day_break;
}

void
confab_message_set_day_break (ConfabMessage *self,
                              gboolean       day_break)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_SCALAR (day_break, !!day_break, PROP_DAY_BREAK);
}

gboolean
confab_message_get_group_start (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), TRUE);
  return self->group_start;
}

void
confab_message_set_group_start (ConfabMessage *self,
                                gboolean       group_start)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  SET_SCALAR (group_start, !!group_start, PROP_GROUP_START);
}

const char *
confab_delivery_state_to_string (ConfabDeliveryState state)
{
  switch (state)
    {
    case CONFAB_DELIVERY_QUEUED: return _("Queued");
    case CONFAB_DELIVERY_SENDING: return _("Sending");
    case CONFAB_DELIVERY_SENT: return _("Sent");
    case CONFAB_DELIVERY_DELIVERED: return _("Delivered");
    case CONFAB_DELIVERY_READ: return _("Read");
    case CONFAB_DELIVERY_FAILED: return _("Not sent");
    default: return "";
    }
}

ConfabMessage *
confab_message_new_reply (const char *text,
                          gint64      local_time_ms,
                          JsonNode   *metadata,
                          const char *target_dialog_id,
                          gint64      target_sequence)
{
  ConfabMessage *self;
  RichData *rich;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (metadata == NULL || JSON_NODE_HOLDS_ARRAY (metadata), NULL);
  g_return_val_if_fail (target_dialog_id != NULL, NULL);
  g_return_val_if_fail (target_sequence >= 0, NULL);

  self = confab_message_new_outgoing (text, local_time_ms);
  rich = rich_data (self);
  rich->metadata = metadata != NULL ? json_node_copy (metadata) : NULL;
  rich->target_dialog_id = g_strdup (target_dialog_id);
  rich->target_sequence = target_sequence;
  return self;
}

ConfabMessage *
confab_message_new_outgoing_file (ConfabHostedFile *file,
                                  gint64            local_time_ms)
{
  ConfabMessageFields fields = { 0 };

  g_return_val_if_fail (file != NULL, NULL);

  fields.sequence = -1;
  fields.own = TRUE;
  fields.role = CONFAB_ROLE_CONSUMER;
  /* What the echo's text will be (the caption), so that the echo is matched to this row. */
  fields.text = file->caption;
  fields.is_placeholder = TRUE;
  fields.content_type = CONFAB_CONTENT_TYPE_HOSTED_FILE;
  fields.server_time = local_time_ms;
  fields.delivery_state = CONFAB_DELIVERY_QUEUED;
  fields.file = file;
  return confab_message_new (&fields);
}

ConfabRichContent *
confab_message_get_rich (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->rich != NULL ? self->rich->content : NULL;
}

ConfabQuickReplies *
confab_message_get_quick_replies (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->rich != NULL ? self->rich->quick_replies : NULL;
}

ConfabHostedFile *
confab_message_get_file (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->rich != NULL ? self->rich->file : NULL;
}

JsonNode *
confab_message_get_metadata (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);
  return self->rich != NULL ? self->rich->metadata : NULL;
}

gboolean
confab_message_get_reply_target (ConfabMessage *self,
                                 const char   **dialog_id,
                                 gint64        *sequence)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);

  if (self->rich == NULL || self->rich->target_dialog_id == NULL)
    return FALSE;
  if (dialog_id != NULL)
    *dialog_id = self->rich->target_dialog_id;
  if (sequence != NULL)
    *sequence = self->rich->target_sequence;
  return TRUE;
}

gboolean
confab_message_get_action_sent (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->action_sent;
}

void
confab_message_set_action_sent (ConfabMessage *self,
                                gboolean       sent)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  self->action_sent = !!sent;
}

gboolean
confab_message_get_replies_active (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->replies_active;
}

void
confab_message_set_replies_active (ConfabMessage *self,
                                   gboolean       active)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  active = active && confab_message_get_quick_replies (self) != NULL;
  SET_SCALAR (replies_active, !!active, PROP_REPLIES_ACTIVE);
}

gboolean
confab_message_get_replies_chosen (ConfabMessage *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), FALSE);
  return self->replies_chosen;
}

void
confab_message_set_replies_chosen (ConfabMessage *self,
                                   gboolean       chosen)
{
  g_return_if_fail (CONFAB_IS_MESSAGE (self));
  chosen = chosen && confab_message_get_quick_replies (self) != NULL;
  SET_SCALAR (replies_chosen, !!chosen, PROP_REPLIES_CHOSEN);
}

char *
confab_message_dup_payload (ConfabMessage *self)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) root = NULL;
  RichData *rich;

  g_return_val_if_fail (CONFAB_IS_MESSAGE (self), NULL);

  rich = self->rich;
  if (rich == NULL)
    return NULL;

  object = json_object_new ();
  if (rich->content != NULL)
    json_object_set_member (object, "content", confab_rich_content_to_json (rich->content));
  if (rich->quick_replies != NULL)
    json_object_set_member (object, "quickReplies", confab_quick_replies_to_json (rich->quick_replies));
  if (rich->quick_replies != NULL && self->replies_chosen)
    json_object_set_boolean_member (object, "repliesChosen", TRUE);
  if (rich->file != NULL)
    json_object_set_member (object, "file", confab_hosted_file_to_json (rich->file));
  if (rich->metadata != NULL)
    json_object_set_member (object, "metadata", json_node_copy (rich->metadata));
  if (rich->target_dialog_id != NULL)
    {
      JsonObject *target = json_object_new ();

      json_object_set_string_member (target, "dialogId", rich->target_dialog_id);
      json_object_set_int_member (target, "sequence", rich->target_sequence);
      json_object_set_object_member (object, "replyTo", target);
    }
  if (json_object_get_size (object) == 0)
    return NULL;

  root = json_node_init_object (json_node_alloc (), object);
  return confab_json_to_string (root);
}
