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
  SURVEY_STARTED,
  SURVEY_EVENT,
  SURVEY_ENDED,
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

  /**
   * ConfabServer::survey-started:
   * @conversation_id: the conversation, whose main dialog has just closed
   *   (#ConfabServer::conversation-closed came first)
   * @dialog_id: the POST_SURVEY dialog
   *
   * A post-conversation survey is waiting for its questions
   * (confab_server_agent_send_survey()).
   */
  signals[SURVEY_STARTED] =
    g_signal_new ("survey-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * ConfabServer::survey-event:
   *
   * As #ConfabServer::consumer-event, for an event of the survey dialog: an answer comes
   * as an ACTION and a text, both with the chip's Answer metadata.
   */
  signals[SURVEY_EVENT] =
    g_signal_new ("survey-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_INT64, JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ConfabServer::survey-ended:
   * @conversation_id: the conversation, now closed
   *
   * The survey was completed or skipped.
   */
  signals[SURVEY_ENDED] =
    g_signal_new ("survey-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
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
                           const char               *dialog_id,
                           const char               *originator_id,
                           const char               *role,
                           JsonNode                 *event,
                           JsonNode                 *metadata)
{
  GPtrArray *events = confab_stored_conversation_dialog_events (conversation, dialog_id);
  ConfabStoredEvent *stored;

  g_return_val_if_fail (events != NULL, NULL);

  stored = confab_stored_events_append (events, originator_id, role, event, metadata, confab_server_now_ms ());
  json_node_seal (stored->event);
  if (stored->metadata != NULL)
    json_node_seal (stored->metadata);
  confab_server_send_event (self, conversation, dialog_id, stored);
  confab_server_schedule_save (self);

  return stored;
}

/* Events of the main dialog go to the agent as consumer-event, those of a survey as
 * survey-event. */
void
confab_server_consumer_published (ConfabServer             *self,
                                  ConfabStoredConversation *conversation,
                                  const char               *dialog_id,
                                  gint64                    sequence,
                                  JsonNode                 *event,
                                  JsonNode                 *metadata)
{
  if (dialog_id != NULL && !g_str_equal (dialog_id, conversation->id))
    g_signal_emit (self, signals[SURVEY_EVENT], 0, conversation->id, sequence, event, metadata);
  else
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
confab_server_close_main_dialog (ConfabServer             *self,
                                 ConfabStoredConversation *conversation,
                                 ConfabCloseReason         reason)
{
  ConfabStoredSurvey *survey;

  /* "Unassigned conversations get no survey", nor those closed by the system. */
  if (!self->post_survey || conversation->agent_id == NULL ||
      (reason != CONFAB_CLOSE_REASON_AGENT && reason != CONFAB_CLOSE_REASON_CONSUMER))
    {
      confab_server_close_conversation (self, conversation, reason);
      return;
    }

  survey = confab_stored_conversation_start_survey (conversation, reason, confab_server_now_ms ());
  confab_server_conversation_changed (self, conversation);

  g_debug ("conversation %s: main dialog closed by %s, survey %s", conversation->id,
           confab_close_reason_to_string (reason), survey->id);
  g_signal_emit (self, signals[CONVERSATION_CLOSED], 0, conversation->id, confab_close_reason_to_string (reason));
  g_signal_emit (self, signals[SURVEY_STARTED], 0, conversation->id, survey->id);
}

void
confab_server_end_survey (ConfabServer             *self,
                          ConfabStoredConversation *conversation,
                          ConfabCloseReason         reason)
{
  ConfabStoredSurvey *survey = conversation->survey;

  g_return_if_fail (survey != NULL && !survey->closed);

  survey->closed = TRUE;
  survey->close_reason = reason;
  survey->end_ts = confab_server_now_ms ();
  conversation->closed = TRUE;
  confab_server_conversation_changed (self, conversation);

  g_debug ("conversation %s: survey %s", conversation->id,
           reason == CONFAB_CLOSE_REASON_AGENT ? "completed" : "skipped");
  g_signal_emit (self, signals[SURVEY_ENDED], 0, conversation->id);
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
