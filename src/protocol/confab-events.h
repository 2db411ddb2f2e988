/* confab-events.h: ms.MessagingEventNotification changes
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-frame.h"
#include "confab-rich.h"
#include "confab-files.h"

G_BEGIN_DECLS

typedef enum {
  CONFAB_EVENT_UNKNOWN,
  CONFAB_EVENT_CONTENT,        /* ContentEvent */
  CONFAB_EVENT_RICH_CONTENT,   /* RichContentEvent */
  CONFAB_EVENT_ACCEPT_STATUS,  /* AcceptStatusEvent: a receipt */
  CONFAB_EVENT_CHAT_STATE,     /* ChatStateEvent: typing */
} ConfabEventType;

typedef enum {
  CONFAB_RECEIPT_UNKNOWN,
  CONFAB_RECEIPT_ACCEPT,
  CONFAB_RECEIPT_READ,
  CONFAB_RECEIPT_ACTION,   /* the consumer clicked in a rich message or on a quick reply */
} ConfabReceiptStatus;

typedef enum {
  CONFAB_CHAT_STATE_UNKNOWN,
  CONFAB_CHAT_STATE_COMPOSING,
  CONFAB_CHAT_STATE_ACTIVE,
  CONFAB_CHAT_STATE_PAUSE,
  CONFAB_CHAT_STATE_GONE,
  CONFAB_CHAT_STATE_INACTIVE,
} ConfabChatState;

typedef enum {
  CONFAB_ROLE_UNKNOWN,   /* no originatorMetadata, or a role Confab does not know */
  CONFAB_ROLE_CONSUMER,
  CONFAB_ROLE_ASSIGNED_AGENT,
  CONFAB_ROLE_AGENT,
  CONFAB_ROLE_MANAGER,
  CONFAB_ROLE_CONTROLLER,
} ConfabRole;

typedef struct {
  gint64 sequence;          /* -1 when missing (typing) */
  gint64 server_timestamp;  /* epoch ms, 0 when missing */
  char *originator_id;      /* may be NULL */
  ConfabRole role;
  char *role_name;          /* as sent, may be NULL */
  char *conversation_id;    /* may be NULL */
  char *dialog_id;          /* may be NULL */
  ConfabEventType type;
  char *content_type;       /* ContentEvent: "text/plain", "hosted/file", …; may be NULL */
  char *text;               /* text of a text/plain message, or a readable placeholder for other content */
  gboolean is_placeholder;  /* text is a placeholder, not the sender's words */
  ConfabReceiptStatus status;
  GArray *sequence_list;    /* of gint64, AcceptStatusEvent only, else NULL */
  ConfabChatState chat_state;
  /* Added for rich messaging; all NULL for plain text without quick replies. */
  JsonNode *metadata;       /* the change's "metadata" as sent, always an array, or NULL */
  ConfabRichContent *rich;  /* RichContentEvent, when its payload could be read */
  ConfabQuickReplies *quick_replies;  /* text/plain ContentEvent or RichContentEvent */
  ConfabHostedFile *file;   /* hosted/file ContentEvent with a valid path */
} ConfabMessagingChange;

void confab_messaging_change_free (ConfabMessagingChange *change);

/* body: the notification's body. Returns a GPtrArray of ConfabMessagingChange (free func set),
 * skipping changes it cannot use at all; NULL and error only when the body is not usable. */
GPtrArray *confab_parse_messaging_notification (JsonNode *body, GError **error);

/* Encoders, the counterparts of the parser: each returns a new node (transfer full). */

/* The event object of a text message:
 * {"type":"ContentEvent","contentType":"text/plain","message":"…"}, the text as is */
JsonNode *confab_text_event_to_json       (const char          *text);
/* The same with "quickReplies":{…} when quick_replies is not NULL */
JsonNode *confab_text_event_to_json_full  (const char               *text,
                                           const ConfabQuickReplies *quick_replies);
/* {"type":"RichContentEvent","content":{…}}, and "quickReplies" when not NULL */
JsonNode *confab_rich_content_event_to_json (const ConfabRichContent  *content,
                                             const ConfabQuickReplies *quick_replies);
/* {"type":"ContentEvent","contentType":"hosted/file","message":{…}} */
JsonNode *confab_hosted_file_event_to_json (const ConfabHostedFile *file);
/* {"type":"AcceptStatusEvent","status":"ACCEPT"|"READ"|"ACTION","sequenceList":[…]} */
JsonNode *confab_receipt_event_to_json    (ConfabReceiptStatus  status,
                                           const gint64        *sequences,
                                           guint                n_sequences);
/* {"type":"ChatStateEvent","chatState":"COMPOSING"|…} */
JsonNode *confab_chat_state_event_to_json (ConfabChatState      state);

/* One change of an ms.MessagingEventNotification, around a copy of event:
 * {"sequence":…,"originatorId":…,"originatorMetadata":{"id":…,"role":…},
 *  "serverTimestamp":…,"event":…,"conversationId":…,"dialogId":…}.
 * A negative sequence leaves out sequence and serverTimestamp: typing, which is not stored. */
JsonNode *confab_messaging_change_to_json (gint64      sequence,
                                           gint64      server_timestamp,
                                           const char *originator_id,
                                           const char *role,
                                           const char *conversation_id,
                                           const char *dialog_id,
                                           JsonNode   *event);
/* The same with the change's "metadata" array last, when metadata is not NULL */
JsonNode *confab_messaging_change_to_json_full (gint64      sequence,
                                                gint64      server_timestamp,
                                                const char *originator_id,
                                                const char *role,
                                                const char *conversation_id,
                                                const char *dialog_id,
                                                JsonNode   *event,
                                                JsonNode   *metadata);

const char         *confab_event_type_to_string (ConfabEventType type);
ConfabEventType     confab_event_type_from_string (const char *str);
const char         *confab_receipt_status_to_string (ConfabReceiptStatus status);
ConfabReceiptStatus confab_receipt_status_from_string (const char *str);
const char         *confab_chat_state_to_string (ConfabChatState state);
ConfabChatState     confab_chat_state_from_string (const char *str);
ConfabRole          confab_role_from_string (const char *str);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabMessagingChange, confab_messaging_change_free)

G_END_DECLS
