/* confab-server-state.h: what the local service knows, and its JSON form
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "confab-json.h"
#include "confab-protocol.h"

G_BEGIN_DECLS

#define CONFAB_SERVER_STATE_VERSION 1

/* A state file holds every event a consumer published, each as deep as a frame allows,
 * a few levels further down; and it has no size limit but memory. */
#define CONFAB_SERVER_STATE_MAX_DEPTH (CONFAB_FRAME_MAX_DEPTH + 8)

typedef struct {
  gint64 sequence;
  gint64 server_timestamp;       /* epoch ms */
  char *originator_id;
  char *role;                    /* "CONSUMER", "ASSIGNED_AGENT" */
  JsonNode *event;               /* the event object as published */
  gsize size;                    /* rough size of the serialised event, to bound notifications */
  ConfabReceiptStatus accept_status; /* content events: the other side's newest receipt */
} ConfabStoredEvent;

typedef struct {
  char *id;                      /* also the id of its main dialog */
  char *account_id;
  char *consumer_id;
  char *agent_id;                /* the assigned agent, NULL until accepted */
  gboolean closed;
  ConfabCloseReason close_reason;
  gint64 start_ts;
  gint64 end_ts;                 /* 0 while open */
  gint64 last_update_ts;         /* metaDataLastUpdateTs */
  JsonNode *csat;                /* the consumer's CSATRate field, or NULL */
  GPtrArray *events;             /* of ConfabStoredEvent; index == sequence */
} ConfabStoredConversation;

typedef struct {
  char *id;
  char *account_id;
  gint64 created_ts;
} ConfabStoredConsumer;

typedef struct {
  GBytes *key;                   /* the token signing key */
  GPtrArray *consumers;          /* of ConfabStoredConsumer, in order of creation */
  GHashTable *consumers_by_id;
  GPtrArray *conversations;      /* of ConfabStoredConversation, in order of creation */
  GHashTable *conversations_by_id;
} ConfabServerState;

ConfabServerState        *confab_server_state_new            (void);
void                      confab_server_state_free           (ConfabServerState *state);

ConfabServerState        *confab_server_state_new_from_json  (JsonNode   *root,
                                                               GError    **error);
/* The text of a state file, read through confab_json_parse_full() with the limits above. */
ConfabServerState        *confab_server_state_new_from_data  (const char *data,
                                                               gsize       length,
                                                               GError    **error);
JsonNode                 *confab_server_state_to_json        (ConfabServerState *state);

ConfabStoredConsumer     *confab_server_state_lookup_consumer (ConfabServerState *state,
                                                                const char        *consumer_id);
ConfabStoredConsumer     *confab_server_state_add_consumer    (ConfabServerState *state,
                                                                const char        *consumer_id,
                                                                const char        *account_id,
                                                                gint64             now_ms);

ConfabStoredConversation *confab_server_state_lookup_conversation (ConfabServerState *state,
                                                                    const char        *conversation_id);
ConfabStoredConversation *confab_server_state_find_open_conversation (ConfabServerState *state,
                                                                       const char        *consumer_id);
/* The open conversation updated last, of one consumer or (consumer_id NULL) of anyone. */
ConfabStoredConversation *confab_server_state_find_latest_open (ConfabServerState *state,
                                                                 const char        *consumer_id);
ConfabStoredConversation *confab_server_state_add_conversation (ConfabServerState *state,
                                                                 const char        *account_id,
                                                                 const char        *consumer_id,
                                                                 gint64             now_ms);

/* Appends an event with the next sequence; takes a copy of event. */
ConfabStoredEvent        *confab_stored_conversation_append (ConfabStoredConversation *conversation,
                                                              const char               *originator_id,
                                                              const char               *role,
                                                              JsonNode                 *event,
                                                              gint64                    now_ms);
/* Moves metaDataLastUpdateTs forward, strictly, so newer notifications always win. */
void                      confab_stored_conversation_touch  (ConfabStoredConversation *conversation,
                                                              gint64                    now_ms);
/* Applies a receipt to the content events it names that were sent by someone other than
 * receipt_originator; a state only moves forward. Returns how many changed. */
guint                     confab_stored_conversation_apply_receipt (ConfabStoredConversation *conversation,
                                                                     const char               *receipt_originator,
                                                                     ConfabReceiptStatus       status,
                                                                     JsonArray                *sequence_list);

/* The event's change object of an ms.MessagingEventNotification (transfer full). */
JsonNode                 *confab_stored_event_to_change_json (ConfabStoredEvent        *event,
                                                               ConfabStoredConversation *conversation);
/* What the encoders of src/protocol need to know about a conversation; the strings stay
 * the conversation's. */
void                      confab_stored_conversation_get_info (ConfabStoredConversation *conversation,
                                                                ConfabConversationInfo   *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabServerState, confab_server_state_free)

G_END_DECLS
