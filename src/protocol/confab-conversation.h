/* confab-conversation.h: cqm.ExConversationChangeNotification changes
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-frame.h"
#include "confab-events.h"

G_BEGIN_DECLS

typedef enum {
  CONFAB_CHANGE_UPSERT,
  CONFAB_CHANGE_DELETE,
  CONFAB_CHANGE_UNKNOWN,
} ConfabChangeType;

typedef enum {
  CONFAB_CONVERSATION_STATE_UNKNOWN,
  CONFAB_CONVERSATION_STATE_OPEN,
  CONFAB_CONVERSATION_STATE_CLOSE,
} ConfabConversationState;

typedef enum {
  CONFAB_CLOSE_REASON_NONE,
  CONFAB_CLOSE_REASON_AGENT,
  CONFAB_CLOSE_REASON_CONSUMER,
  CONFAB_CLOSE_REASON_SYSTEM,
  CONFAB_CLOSE_REASON_TIMEOUT,
  CONFAB_CLOSE_REASON_UNKNOWN,
} ConfabCloseReason;

typedef struct {
  char *id;
  ConfabRole role;
  char *role_name;
} ConfabParticipant;

typedef struct {
  char *dialog_id;
  char *dialog_type;                 /* "MAIN", "POST_SURVEY", … */
  ConfabConversationState state;
  char *closed_cause;                /* "Completed" for a finished survey; NULL when not sent */
} ConfabDialog;

typedef struct {
  ConfabChangeType type;
  char *conversation_id;
  ConfabConversationState state;     /* main dialog */
  ConfabConversationState stage;     /* whole conversation; UNKNOWN when not sent */
  ConfabCloseReason close_reason;
  gint64 last_updated_ts;            /* metaDataLastUpdateTs, 0 when missing */
  gboolean has_csat;                 /* "csat": the satisfaction survey was answered (anywhere) */
  GPtrArray *participants;           /* of ConfabParticipant, from participants or participantsPId */
  GPtrArray *dialogs;                /* of ConfabDialog */
} ConfabConversationChange;

void confab_conversation_change_free (ConfabConversationChange *change);

/* stage CLOSE, or state CLOSE when there is no stage */
gboolean    confab_conversation_change_is_closed (const ConfabConversationChange *change);
/* The main dialog is closed: state CLOSE (in a conversation of several dialogs "state" is
 * the main dialog's), or the whole conversation is (stage CLOSE). */
gboolean    confab_conversation_change_main_closed (const ConfabConversationChange *change);
/* The POST_SURVEY dialog among dialogs (the last one, should there be several), or NULL */
const ConfabDialog *confab_conversation_change_get_survey (const ConfabConversationChange *change);
/* id of the ASSIGNED_AGENT participant, or NULL */
const char *confab_conversation_change_get_agent_id (const ConfabConversationChange *change);

/* Returns a GPtrArray of ConfabConversationChange (free func set). */
GPtrArray *confab_parse_conversation_notification (JsonNode *body, GError **error);

/* What the service says about a conversation: the input of the encoders below. */
typedef struct {
  const char *conversation_id;       /* also the id of its main dialog */
  const char *brand_id;
  const char *consumer_id;
  const char *agent_id;              /* the ASSIGNED_AGENT, NULL while there is none */
  gboolean closed;
  ConfabCloseReason close_reason;    /* sent when closed, if it has a wire name */
  gint64 start_ts;                   /* epoch ms */
  gint64 end_ts;                     /* sent when closed */
  gint64 last_updated_ts;            /* metaDataLastUpdateTs */
  /* Satisfaction and post-conversation surveys; zero for neither. */
  JsonNode *csat;                    /* the consumer's CSATRate field, echoed as "csat", or NULL */
  const char *survey_dialog_id;      /* a POST_SURVEY dialog, NULL when there is none */
  gboolean survey_closed;
  ConfabCloseReason survey_close_reason;  /* AGENT: "Completed"; CONSUMER: skipped */
  gint64 survey_start_ts;
  gint64 survey_end_ts;              /* sent when the survey is closed */
} ConfabConversationInfo;

/* The conversationDetails of a change (transfer full): one MAIN dialog, and a POST_SURVEY
 * one when survey_dialog_id is set. With a survey, the main dialog is closed (end_ts,
 * close_reason) and "state" says so, while "stage" stays OPEN until closed is set: the
 * survey's signal in LivePerson's post-conversation survey tutorial. */
JsonNode *confab_conversation_details_to_json (const ConfabConversationInfo *info);
/* One change of a cqm.ExConversationChangeNotification (transfer full):
 * {"type":"UPSERT"|"DELETE","result":{"convId":…,"effectiveTTR":-1,"conversationDetails":{…}}} */
JsonNode *confab_conversation_change_to_json  (ConfabChangeType              type,
                                               const ConfabConversationInfo *info);

const char       *confab_close_reason_to_string   (ConfabCloseReason reason);
ConfabCloseReason confab_close_reason_from_string (const char *str);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabConversationChange, confab_conversation_change_free)

G_END_DECLS
