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
  JsonNode *metadata;            /* the request's top-level metadata (an array), or NULL */
  gsize size;                    /* rough size of the serialised event, to bound notifications */
  ConfabReceiptStatus accept_status; /* content events: the other side's newest receipt */
} ConfabStoredEvent;

/* A post-conversation survey: a second dialog, opened when the main one closes, while the
 * conversation stays open until the survey is over. */
typedef struct {
  char *id;                      /* its dialog id */
  gboolean closed;
  ConfabCloseReason close_reason; /* when closed: AGENT (completed), CONSUMER (skipped) */
  gint64 start_ts;
  gint64 end_ts;
  GPtrArray *events;             /* of ConfabStoredEvent; index == sequence */
} ConfabStoredSurvey;

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
  ConfabStoredSurvey *survey;    /* NULL when there is none; then close_reason and end_ts
                                  * are the main dialog's, closed stays FALSE until the
                                  * survey is over */
} ConfabStoredConversation;

typedef struct {
  char *id;
  char *account_id;
  gint64 created_ts;
} ConfabStoredConsumer;

/* A hosted file in the service's own storage. Never changed: a new upload to the same path
 * replaces the whole entry. */
typedef struct {
  char *relative_path;
  char *account_id;
  ConfabFileType file_type;
  GBytes *data;
  gint64 created_ts;
} ConfabStoredFile;

typedef struct {
  GBytes *key;                   /* the token signing key */
  GPtrArray *consumers;          /* of ConfabStoredConsumer, in order of creation */
  GHashTable *consumers_by_id;
  GPtrArray *conversations;      /* of ConfabStoredConversation, in order of creation */
  GHashTable *conversations_by_id;
  GPtrArray *files;              /* of ConfabStoredFile, oldest first */
  GHashTable *files_by_path;
  gsize files_size;              /* their bytes together */
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
/* For a look at the state (/control/state): without the signing key, and files without
 * their bytes but with their "size". */
JsonNode                 *confab_server_state_to_public_json (ConfabServerState *state);

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

ConfabStoredFile         *confab_server_state_lookup_file (ConfabServerState *state,
                                                            const char        *relative_path);
/* Keeps data (a reference) at relative_path, in place of what was there. */
ConfabStoredFile         *confab_server_state_put_file    (ConfabServerState *state,
                                                            const char        *relative_path,
                                                            const char        *account_id,
                                                            ConfabFileType     file_type,
                                                            GBytes            *data,
                                                            gint64             now_ms);

/* Appends an event with the next sequence; takes a copy of event. */
ConfabStoredEvent        *confab_stored_conversation_append (ConfabStoredConversation *conversation,
                                                              const char               *originator_id,
                                                              const char               *role,
                                                              JsonNode                 *event,
                                                              gint64                    now_ms);
/* The same with the metadata it was published with (copied; NULL for none). */
ConfabStoredEvent        *confab_stored_conversation_append_full (ConfabStoredConversation *conversation,
                                                                   const char               *originator_id,
                                                                   const char               *role,
                                                                   JsonNode                 *event,
                                                                   JsonNode                 *metadata,
                                                                   gint64                    now_ms);
/* Events to the end of events (the main dialog's or a survey's), with the next sequence. */
ConfabStoredEvent        *confab_stored_events_append       (GPtrArray                *events,
                                                              const char               *originator_id,
                                                              const char               *role,
                                                              JsonNode                 *event,
                                                              JsonNode                 *metadata,
                                                              gint64                    now_ms);
/* The events of one of the conversation's dialogs (NULL: the main one), or NULL when it has
 * no dialog of that id. */
GPtrArray                *confab_stored_conversation_dialog_events (ConfabStoredConversation *conversation,
                                                                     const char               *dialog_id);
/* Whether the main dialog is closed: the conversation is, or a survey runs. */
gboolean                  confab_stored_conversation_main_closed (ConfabStoredConversation *conversation);
/* Closes the main dialog for reason and opens a survey dialog with a new id. */
ConfabStoredSurvey       *confab_stored_conversation_start_survey (ConfabStoredConversation *conversation,
                                                                    ConfabCloseReason         reason,
                                                                    gint64                    now_ms);
/* Moves metaDataLastUpdateTs forward, strictly, so newer notifications always win. */
void                      confab_stored_conversation_touch  (ConfabStoredConversation *conversation,
                                                              gint64                    now_ms);
/* Applies a receipt (ACCEPT or READ; ACTION moves nothing) to the content events of a
 * dialog it names that were sent by someone other than receipt_originator; a state only
 * moves forward. Returns how many changed. */
guint                     confab_stored_events_apply_receipt (GPtrArray           *events,
                                                               const char          *receipt_originator,
                                                               ConfabReceiptStatus  status,
                                                               JsonArray           *sequence_list);

/* The event's change object of an ms.MessagingEventNotification (transfer full). */
JsonNode                 *confab_stored_event_to_change_json (ConfabStoredEvent        *event,
                                                               ConfabStoredConversation *conversation);
/* The same for an event of the dialog dialog_id (NULL: the main one). */
JsonNode                 *confab_stored_event_to_change_json_in (ConfabStoredEvent        *event,
                                                                  ConfabStoredConversation *conversation,
                                                                  const char               *dialog_id);
/* What the encoders of src/protocol need to know about a conversation; the strings stay
 * the conversation's. */
void                      confab_stored_conversation_get_info (ConfabStoredConversation *conversation,
                                                                ConfabConversationInfo   *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabServerState, confab_server_state_free)

G_END_DECLS
