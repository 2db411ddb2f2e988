/* confab-names.h: the names on the wire: frame kinds, request, response and notification types
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client and the local service both take their names from here, so that the two cannot
 * drift apart.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CONFAB_FRAME_KIND_UNKNOWN,
  CONFAB_FRAME_KIND_REQUEST,        /* "req" */
  CONFAB_FRAME_KIND_RESPONSE,       /* "resp" */
  CONFAB_FRAME_KIND_NOTIFICATION,   /* "notification" */
} ConfabFrameKind;

/* The "kind" member of a frame; NULL for CONFAB_FRAME_KIND_UNKNOWN. */
const char     *confab_frame_kind_to_string   (ConfabFrameKind kind);
/* Exact names only; UNKNOWN for anything else and for NULL. */
ConfabFrameKind confab_frame_kind_from_string (const char *str);

/* Request types. The values are string literals, so that they can be compared by address
 * where a caller tags something with one. */
#define CONFAB_REQ_REQUEST_CONVERSATION     "cm.ConsumerRequestConversation"
#define CONFAB_REQ_UPDATE_CONVERSATION      "cm.UpdateConversationField"
#define CONFAB_REQ_SUBSCRIBE_EX             "cqm.SubscribeExConversations"
#define CONFAB_REQ_UNSUBSCRIBE_EX           "cqm.UnsubscribeExConversations"
#define CONFAB_REQ_SUBSCRIBE_MESSAGING      "ms.SubscribeMessagingEvents"
#define CONFAB_REQ_UNSUBSCRIBE_MESSAGING    "ms.UnsubscribeMessagingEvents"
#define CONFAB_REQ_PUBLISH_EVENT            "ms.PublishEvent"
#define CONFAB_REQ_GET_CLOCK                "GetClock"
#define CONFAB_REQ_GENERATE_UPLOAD_URL      "ms.GenerateURLForUploadFile"
#define CONFAB_REQ_GENERATE_DOWNLOAD_URL    "ms.GenerateURLForDownloadFile"

/* Response types */
#define CONFAB_RESP_REQUEST_CONVERSATION    "cm.RequestConversationResponse"
#define CONFAB_RESP_UPDATE_CONVERSATION     "cm.UpdateConversationFieldResponse"
#define CONFAB_RESP_SUBSCRIBE_EX            "cqm.SubscribeExConversationsResponse"
#define CONFAB_RESP_UNSUBSCRIBE_EX          "cqm.UnsubscribeExConversationsResponse"
#define CONFAB_RESP_SUBSCRIBE_MESSAGING     "GenericSubscribeResponse"
#define CONFAB_RESP_PUBLISH_EVENT           "ms.PublishEventResponse"
#define CONFAB_RESP_GET_CLOCK               "GetClockResponse"
/* The answer to both GenerateURL requests; also seen as ms.BaseGenerateURLResponse */
#define CONFAB_RESP_GENERATE_URL            "ms.GenerateURLResponse"
#define CONFAB_RESP_GENERATE_URL_BASE       "ms.BaseGenerateURLResponse"
/* The answer to anything else: ms.UnsubscribeMessagingEvents, unknown types, bad frames */
#define CONFAB_RESP_GENERIC                 "GenericResponse"

/* Notification types */
#define CONFAB_NOTIFY_MESSAGING             "ms.MessagingEventNotification"
#define CONFAB_NOTIFY_EX_CONVERSATION       "cqm.ExConversationChangeNotification"

/* The contentType of a ContentEvent */
#define CONFAB_CONTENT_TYPE_TEXT            "text/plain"
#define CONFAB_CONTENT_TYPE_HOSTED_FILE     "hosted/file"

/* Capabilities a client declares in the "features" of its client properties; each is off
 * unless declared. */
#define CONFAB_FEATURE_RICH_CONTENT         "RICH_CONTENT"
#define CONFAB_FEATURE_QUICK_REPLIES        "QUICK_REPLIES"
#define CONFAB_FEATURE_PHOTO_SHARING        "PHOTO_SHARING"
#define CONFAB_FEATURE_FILE_SHARING         "FILE_SHARING"
#define CONFAB_FEATURE_MULTI_DIALOG         "MULTI_DIALOG"
#define CONFAB_FEATURE_AUTO_MESSAGES        "AUTO_MESSAGES"

/* Whether type is one of the CONFAB_REQ_* types (exact names; NULL is not). */
gboolean    confab_request_type_is_known     (const char *type);
/* The type of the response that answers a request of this type: CONFAB_RESP_GENERIC for
 * ms.UnsubscribeMessagingEvents, for an unknown type and for NULL. */
const char *confab_response_type_for_request (const char *request_type);

G_END_DECLS
