/* confab-frame.h: the frames of LivePerson's consumer messaging protocol
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions: no I/O and no main loop, so they can be fuzzed.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CONFAB_PROTOCOL_ERROR (confab_protocol_error_quark ())

typedef enum {
  CONFAB_PROTOCOL_ERROR_MALFORMED,   /* not JSON, not an object, wrong types */
  CONFAB_PROTOCOL_ERROR_TOO_LARGE,   /* over the size or depth limits */
  CONFAB_PROTOCOL_ERROR_NOT_JWT,     /* a token that is not a JWT */
} ConfabProtocolError;

GQuark confab_protocol_error_quark (void);

/* Largest frame Confab accepts, and the deepest JSON nesting. */
#define CONFAB_FRAME_MAX_SIZE  (8 * 1024 * 1024)
#define CONFAB_FRAME_MAX_DEPTH 64

typedef enum {
  CONFAB_FRAME_KIND_UNKNOWN,
  CONFAB_FRAME_KIND_REQUEST,
  CONFAB_FRAME_KIND_RESPONSE,
  CONFAB_FRAME_KIND_NOTIFICATION,
} ConfabFrameKind;

/* Request and notification types. */
#define CONFAB_REQ_REQUEST_CONVERSATION     "cm.ConsumerRequestConversation"
#define CONFAB_REQ_UPDATE_CONVERSATION      "cm.UpdateConversationField"
#define CONFAB_REQ_SUBSCRIBE_EX             "cqm.SubscribeExConversations"
#define CONFAB_REQ_SUBSCRIBE_MESSAGING      "ms.SubscribeMessagingEvents"
#define CONFAB_REQ_PUBLISH_EVENT            "ms.PublishEvent"
#define CONFAB_REQ_GET_CLOCK                "GetClock"
#define CONFAB_NOTIFY_MESSAGING             "ms.MessagingEventNotification"
#define CONFAB_NOTIFY_EX_CONVERSATION       "cqm.ExConversationChangeNotification"

typedef struct {
  ConfabFrameKind kind;
  char *id;        /* "id" of a request, "reqId" of a response; numbers are turned into strings */
  char *type;      /* may be NULL */
  int code;        /* responses only; 0 when missing */
  JsonNode *body;  /* object, string, … or NULL when missing */
} ConfabFrame;

ConfabFrame *confab_frame_parse (const char *data, gssize length, GError **error);
void         confab_frame_free  (ConfabFrame *frame);
/* The body when it is a JSON string, else NULL. */
const char  *confab_frame_get_body_string (const ConfabFrame *frame);
/* The body when it is a JSON object, else NULL (a missing or string body is not an error). */
JsonObject  *confab_frame_get_body_object (const ConfabFrame *frame);

/* Serialise whole frames. body may be NULL (then no "body" member, as GetClock). */
char *confab_frame_build_request      (const char *id, const char *type, JsonNode *body);
char *confab_frame_build_response     (const char *req_id, int code, const char *type, JsonNode *body);
char *confab_frame_build_notification (const char *type, JsonNode *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabFrame, confab_frame_free)

G_END_DECLS
