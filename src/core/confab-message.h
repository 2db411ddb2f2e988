/* confab-message.h: one message of a conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "confab-protocol.h"

G_BEGIN_DECLS

/* The way of an own message; it only moves forward (down this list), except that a failed
 * message goes back to queued when the person retries it. */
typedef enum {
  CONFAB_DELIVERY_QUEUED,     /* written, not sent yet (offline, or waiting for a conversation) */
  CONFAB_DELIVERY_SENDING,    /* published, no answer yet */
  CONFAB_DELIVERY_SENT,       /* the service answered with its sequence */
  CONFAB_DELIVERY_DELIVERED,  /* the agent's ACCEPT */
  CONFAB_DELIVERY_READ,       /* the agent's READ */
  CONFAB_DELIVERY_FAILED,     /* refused; the person may retry */
} ConfabDeliveryState;

/* What a row of the conversation is. */
typedef enum {
  CONFAB_MESSAGE_KIND_MESSAGE,  /* what someone wrote */
  CONFAB_MESSAGE_KIND_EVENT,    /* what happened to the conversation: see ConfabMessageEvent */
} ConfabMessageKind;

/* The events of a conversation that are rows of it (CONFAB_MESSAGE_KIND_EVENT). */
typedef enum {
  CONFAB_MESSAGE_EVENT_NONE,             /* a message */
  CONFAB_MESSAGE_EVENT_AGENT_JOINED,     /* an agent took the conversation: the originator */
  CONFAB_MESSAGE_EVENT_CLOSED,           /* the conversation was closed, for the close reason */
  CONFAB_MESSAGE_EVENT_NEW_CONVERSATION, /* a new conversation starts here */
  CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED, /* the post-conversation survey was answered to its end */
  CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED,   /* … or it ended before (the person skipped it) */
} ConfabMessageEvent;

#define CONFAB_MESSAGE_EVENT_LAST CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED

#define CONFAB_TYPE_MESSAGE (confab_message_get_type ())
G_DECLARE_FINAL_TYPE (ConfabMessage, confab_message, CONFAB, MESSAGE, GObject)

/* Everything a message is, for building one from anything but the wire (the history on
 * disk, the outbox). Strings are copied; NULL text is taken as "". */
typedef struct
{
  const char *dialog_id;
  const char *conversation_id;
  const char *originator_id;
  const char *content_type;
  const char *text;
  gint64 sequence;                    /* -1: not in a dialog yet */
  gint64 server_time;                 /* ms since the epoch; the local time for one not sent */
  gint64 local_id;                    /* 0 unless own and kept in an outbox */
  ConfabRole role;
  ConfabDeliveryState delivery_state; /* own messages only */
  gboolean own;
  gboolean is_placeholder;
  gboolean accept_sent;
  gboolean read_sent;
  gboolean attempted;
  /* Rich messaging (references are taken; each may be NULL): what the event carried, or
   * for an own reply to a click, the click's metadata and the message clicked in. */
  ConfabRichContent *rich;
  ConfabQuickReplies *quick_replies;
  ConfabHostedFile *file;
  JsonNode *metadata;                 /* an array */
  /* All of the above as confab_message_dup_payload() wrote it, for the history on disk:
   * read when rich, quick_replies, file and metadata are all NULL. */
  const char *payload;
  /* Events (kind CONFAB_MESSAGE_KIND_EVENT): no sequence nor local id of their own; they stand
   * in their dialog after the event of sequence after_sequence (-1: before the first). */
  ConfabMessageKind kind;
  ConfabMessageEvent event;
  ConfabCloseReason close_reason;
  gint64 after_sequence;
  /* The sender's name (an agent's nickname), NULL while not known. */
  const char *sender_name;
} ConfabMessageFields;

/* Exactly the message fields describes; no rule of the protocol is applied. */
ConfabMessage      *confab_message_new             (const ConfabMessageFields *fields);
/* A message that arrived: own when its originator is consumer_id. */
ConfabMessage      *confab_message_new_from_change (const ConfabMessagingChange *change,
                                                    const char                  *consumer_id);
/* A row for what happened to the conversation: in dialog_id after the event of sequence
 * after_sequence (-1: before the first), at time_ms. agent_id: the agent who joined, for
 * CONFAB_MESSAGE_EVENT_AGENT_JOINED; reason: why it closed, for CONFAB_MESSAGE_EVENT_CLOSED. */
ConfabMessage      *confab_message_new_event       (ConfabMessageEvent  event,
                                                    const char         *dialog_id,
                                                    gint64              after_sequence,
                                                    gint64              time_ms,
                                                    const char         *agent_id,
                                                    ConfabCloseReason   reason);
/* An own message the person just wrote: queued, no sequence yet. */
ConfabMessage      *confab_message_new_outgoing    (const char *text,
                                                    gint64      local_time_ms);

gint64              confab_message_get_sequence        (ConfabMessage *self);
void                confab_message_set_sequence        (ConfabMessage *self,
                                                        gint64         sequence);
const char         *confab_message_get_dialog_id       (ConfabMessage *self);
void                confab_message_set_dialog_id       (ConfabMessage *self,
                                                        const char    *dialog_id);
const char         *confab_message_get_conversation_id (ConfabMessage *self);
void                confab_message_set_conversation_id (ConfabMessage *self,
                                                        const char    *conversation_id);
const char         *confab_message_get_originator_id   (ConfabMessage *self);
ConfabRole          confab_message_get_role            (ConfabMessage *self);
gboolean            confab_message_get_own             (ConfabMessage *self);
gint64              confab_message_get_server_time     (ConfabMessage *self);
void                confab_message_set_server_time     (ConfabMessage *self,
                                                        gint64         time_ms);
const char         *confab_message_get_content_type    (ConfabMessage *self);
const char         *confab_message_get_text            (ConfabMessage *self);
gboolean            confab_message_get_is_placeholder  (ConfabMessage *self);
/* A number the app gives each own message, kept in the outbox; 0 for received ones. */
gint64              confab_message_get_local_id        (ConfabMessage *self);
void                confab_message_set_local_id        (ConfabMessage *self,
                                                        gint64         local_id);

ConfabMessageKind   confab_message_get_kind            (ConfabMessage *self);
/* TRUE for a row that is no message but an event of the conversation. */
gboolean            confab_message_is_event            (ConfabMessage *self);
ConfabMessageEvent  confab_message_get_event           (ConfabMessage *self);
ConfabCloseReason   confab_message_get_close_reason    (ConfabMessage *self);
/* Events: the sequence of their dialog they follow (-1: before the first); -1 for messages. */
gint64              confab_message_get_after_sequence  (ConfabMessage *self);

/* Who sent it (for an agent's message, or an agent who joined: the agent's nickname), kept
 * with the message whoever the agent is now; NULL while not known. Never set on own messages. */
const char         *confab_message_get_sender_name     (ConfabMessage *self);
void                confab_message_set_sender_name     (ConfabMessage *self,
                                                        const char    *name);

ConfabDeliveryState confab_message_get_delivery_state  (ConfabMessage *self);
/* Moves the state forward; a move backwards is ignored and returns FALSE. */
gboolean            confab_message_advance_delivery    (ConfabMessage       *self,
                                                        ConfabDeliveryState  state);
void                confab_message_fail                (ConfabMessage *self);
/* FAILED → QUEUED, for Retry */
gboolean            confab_message_requeue             (ConfabMessage *self);

/* Agent messages: which receipts Confab has published for them. */
gboolean            confab_message_get_accept_sent     (ConfabMessage *self);
void                confab_message_set_accept_sent     (ConfabMessage *self,
                                                        gboolean       sent);
gboolean            confab_message_get_read_sent       (ConfabMessage *self);
void                confab_message_set_read_sent       (ConfabMessage *self,
                                                        gboolean       sent);

/* Own messages: published at least once, so the service may hold it even without an answer. */
gboolean            confab_message_get_attempted       (ConfabMessage *self);
void                confab_message_set_attempted       (ConfabMessage *self,
                                                        gboolean       attempted);
/* Agent messages: the person has seen it (whether or not READ receipts go out). */
gboolean            confab_message_get_seen            (ConfabMessage *self);
void                confab_message_set_seen            (ConfabMessage *self,
                                                        gboolean       seen);

/* Computed by ConfabMessageList */
gboolean            confab_message_get_day_break       (ConfabMessage *self);
void                confab_message_set_day_break       (ConfabMessage *self,
                                                        gboolean       day_break);
gboolean            confab_message_get_group_start     (ConfabMessage *self);
void                confab_message_set_group_start     (ConfabMessage *self,
                                                        gboolean       group_start);

/* Rich messaging. Received: the structured content, the quick replies offered under the
 * message, the hosted file, and the change's metadata, each NULL when the event had none.
 * Own replies to a click: the click's metadata, sent with the message. */
ConfabRichContent  *confab_message_get_rich            (ConfabMessage *self);
ConfabQuickReplies *confab_message_get_quick_replies   (ConfabMessage *self);
ConfabHostedFile   *confab_message_get_file            (ConfabMessage *self);
JsonNode           *confab_message_get_metadata        (ConfabMessage *self);

/* An own message answering a click (publishText) in the message (target_dialog_id,
 * target_sequence): queued like any other, sent with metadata (may be NULL) after an
 * ACTION receipt for the target. */
ConfabMessage      *confab_message_new_reply           (const char *text,
                                                        gint64      local_time_ms,
                                                        JsonNode   *metadata,
                                                        const char *target_dialog_id,
                                                        gint64      target_sequence);
/* An own photo just uploaded: queued like text, published as a hosted/file event; its text
 * is the file's caption. */
ConfabMessage      *confab_message_new_outgoing_file   (ConfabHostedFile *file,
                                                        gint64            local_time_ms);
/* The message a reply answers; FALSE for any other message. */
gboolean            confab_message_get_reply_target    (ConfabMessage *self,
                                                        const char   **dialog_id,
                                                        gint64        *sequence);
/* The reply's ACTION receipt has been published (once is enough). */
gboolean            confab_message_get_action_sent     (ConfabMessage *self);
void                confab_message_set_action_sent     (ConfabMessage *self,
                                                        gboolean       sent);

/* Whether the message's quick replies are on offer: only under the newest message, until
 * one is chosen, and not while the person writes (set by the session). */
gboolean            confab_message_get_replies_active  (ConfabMessage *self);
void                confab_message_set_replies_active  (ConfabMessage *self,
                                                        gboolean       active);
/* One of the message's quick replies was chosen: they are not offered again, even after a
 * restart (kept in the payload). */
gboolean            confab_message_get_replies_chosen  (ConfabMessage *self);
void                confab_message_set_replies_chosen  (ConfabMessage *self,
                                                        gboolean       chosen);

/* Everything rich about the message as one line of JSON, for the history on disk, NULL when
 * there is nothing: {"content":…,"quickReplies":…,"repliesChosen":true,"file":…,
 * "metadata":[…],"replyTo":{"dialogId":…,"sequence":…}}, each member only when set. */
char               *confab_message_dup_payload         (ConfabMessage *self);

const char         *confab_delivery_state_to_string    (ConfabDeliveryState state);

G_END_DECLS
