/* confab-frame.h: the frames of LivePerson's consumer messaging protocol
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions: no I/O and no main loop, so they can be fuzzed.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "confab-json.h"
#include "confab-names.h"

G_BEGIN_DECLS

/* Largest frame Confab accepts, and the deepest JSON nesting. */
#define CONFAB_FRAME_MAX_SIZE  CONFAB_JSON_MAX_SIZE
#define CONFAB_FRAME_MAX_DEPTH CONFAB_JSON_MAX_DEPTH

typedef struct {
  ConfabFrameKind kind;
  char *id;        /* "id" of a request, "reqId" of a response; numbers are turned into strings */
  char *type;      /* may be NULL */
  int code;        /* responses only; 0 when missing */
  JsonNode *body;  /* object, string, … or NULL when missing */
  JsonNode *metadata;  /* top-level "metadata" of a request, always an array, or NULL */
} ConfabFrame;

ConfabFrame *confab_frame_parse (const char *data, gssize length, GError **error);
ConfabFrame *confab_frame_parse_text_frame (const char *data, gsize length, GError **error);
void         confab_frame_free  (ConfabFrame *frame);
/* The body when it is a JSON string, else NULL. */
const char  *confab_frame_get_body_string (const ConfabFrame *frame);
/* The body when it is a JSON object, else NULL (a missing or string body is not an error). */
JsonObject  *confab_frame_get_body_object (const ConfabFrame *frame);

/* Serialise whole frames. body may be NULL (then no "body" member, as GetClock). */
char *confab_frame_build_request      (const char *id, const char *type, JsonNode *body);
/* The same with a top-level "metadata" array after the body; metadata NULL for none. */
char *confab_frame_build_request_full (const char *id, const char *type, JsonNode *body,
                                       JsonNode *metadata);
/* req_id NULL writes "reqId":null, the answer to a request whose id could not be read. */
char *confab_frame_build_response     (const char *req_id, int code, const char *type, JsonNode *body);
char *confab_frame_build_notification (const char *type, JsonNode *body);

/* The body of a notification: {"subscriptionId":…,"changes":[…]}, subscription_id left out
 * when NULL. changes is a GPtrArray of JsonNode (transfer none), each change's encoding. */
JsonNode *confab_notification_body_to_json (const char *subscription_id,
                                            GPtrArray  *changes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabFrame, confab_frame_free)

G_END_DECLS
