/* confab-server-conversation.c: what happens to a conversation, and who hears of it
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A conversation is requested, gets events, is accepted and closed. Each change reaches the
 * consumer's sockets, is saved, and is announced by ConfabServer's signals, which an agent
 * (the bot, the console) listens to.
 */
#include "config.h"

#include "confab-server-private.h"

enum {
  CONVERSATION_REQUESTED,
  CONSUMER_EVENT,
  CONVERSATION_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Called from ConfabServer's class_init. */
void
confab_server_class_add_signals (ConfabServerClass *klass)
{
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
   * @metadata: (nullable): the request's top-level metadata, an array: what a click in a
   *   rich message or on a quick reply carries
   *
   * A consumer published an event.
   */
  signals[CONSUMER_EVENT] =
    g_signal_new ("consumer-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_INT64, JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ConfabServer::conversation-closed:
   * @conversation_id: the conversation
   * @close_reason: "AGENT", "CONSUMER", "SYSTEM" or "TIMEOUT"
   */
  signals[CONVERSATION_CLOSED] =
    g_signal_new ("conversation-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

void
confab_server_conversation_changed (ConfabServer             *self,
                                    ConfabStoredConversation *conversation)
{
  confab_stored_conversation_touch (conversation, confab_server_now_ms ());
  confab_server_send_conversation_change (self, conversation);
  confab_server_schedule_save (self);
}

/* A consumer asked for conversation; the request was answered first, as LivePerson does. */
void
confab_server_announce_requested (ConfabServer             *self,
                                  ConfabStoredConversation *conversation)
{
  g_debug ("conversation %s requested", conversation->id);
  confab_server_conversation_changed (self, conversation);
  g_signal_emit (self, signals[CONVERSATION_REQUESTED], 0, conversation->id);
}

ConfabStoredEvent *
confab_server_store_event (ConfabServer             *self,
                           ConfabStoredConversation *conversation,
                           const char               *originator_id,
                           const char               *role,
                           JsonNode                 *event,
                           JsonNode                 *metadata)
{
  ConfabStoredEvent *stored;

  stored = confab_stored_conversation_append_full (conversation, originator_id, role, event, metadata,
                                                   confab_server_now_ms ());
  json_node_seal (stored->event);
  if (stored->metadata != NULL)
    json_node_seal (stored->metadata);
  confab_server_send_event (self, conversation, stored);
  confab_server_schedule_save (self);

  return stored;
}

void
confab_server_consumer_published (ConfabServer             *self,
                                  ConfabStoredConversation *conversation,
                                  gint64                    sequence,
                                  JsonNode                 *event,
                                  JsonNode                 *metadata)
{
  g_signal_emit (self, signals[CONSUMER_EVENT], 0, conversation->id, sequence, event, metadata);
}

void
confab_server_close_conversation (ConfabServer             *self,
                                  ConfabStoredConversation *conversation,
                                  ConfabCloseReason         reason)
{
  conversation->closed = TRUE;
  conversation->close_reason = reason;
  conversation->end_ts = confab_server_now_ms ();
  confab_server_conversation_changed (self, conversation);

  g_debug ("conversation %s closed by %s", conversation->id,
           confab_close_reason_to_string (reason));
  g_signal_emit (self, signals[CONVERSATION_CLOSED], 0, conversation->id,
                 confab_close_reason_to_string (reason));
}

void
confab_server_announce_waiting (ConfabServer *self)
{
  for (guint i = 0; i < self->state->conversations->len; i++)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (self->state->conversations, i);

      if (!conversation->closed && conversation->agent_id == NULL)
        g_signal_emit (self, signals[CONVERSATION_REQUESTED], 0, conversation->id);
    }
}
