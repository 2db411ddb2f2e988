/* confab-names.c: the names on the wire: frame kinds, request, response and notification types
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-names.h"

static const struct {
  ConfabFrameKind kind;
  const char *name;
} frame_kinds[] = {
  { CONFAB_FRAME_KIND_REQUEST, "req" },
  { CONFAB_FRAME_KIND_RESPONSE, "resp" },
  { CONFAB_FRAME_KIND_NOTIFICATION, "notification" },
};

/* Every request type, and the response type that answers it. */
static const struct {
  const char *request;
  const char *response;
} requests[] = {
  { CONFAB_REQ_REQUEST_CONVERSATION, CONFAB_RESP_REQUEST_CONVERSATION },
  { CONFAB_REQ_UPDATE_CONVERSATION, CONFAB_RESP_UPDATE_CONVERSATION },
  { CONFAB_REQ_SUBSCRIBE_EX, CONFAB_RESP_SUBSCRIBE_EX },
  { CONFAB_REQ_UNSUBSCRIBE_EX, CONFAB_RESP_UNSUBSCRIBE_EX },
  { CONFAB_REQ_SUBSCRIBE_MESSAGING, CONFAB_RESP_SUBSCRIBE_MESSAGING },
  { CONFAB_REQ_UNSUBSCRIBE_MESSAGING, CONFAB_RESP_GENERIC },
  { CONFAB_REQ_PUBLISH_EVENT, CONFAB_RESP_PUBLISH_EVENT },
  { CONFAB_REQ_GET_CLOCK, CONFAB_RESP_GET_CLOCK },
  { CONFAB_REQ_GENERATE_UPLOAD_URL, CONFAB_RESP_GENERATE_URL },
  { CONFAB_REQ_GENERATE_DOWNLOAD_URL, CONFAB_RESP_GENERATE_URL },
};

const char *
confab_frame_kind_to_string (ConfabFrameKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (frame_kinds); i++)
    if (frame_kinds[i].kind == kind)
      return frame_kinds[i].name;
  return NULL;
}

ConfabFrameKind
confab_frame_kind_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_FRAME_KIND_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (frame_kinds); i++)
    if (g_str_equal (str, frame_kinds[i].name))
      return frame_kinds[i].kind;
  return CONFAB_FRAME_KIND_UNKNOWN;
}

gboolean
confab_request_type_is_known (const char *type)
{
  if (type == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    if (g_str_equal (type, requests[i].request))
      return TRUE;
  return FALSE;
}

const char *
confab_response_type_for_request (const char *request_type)
{
  if (request_type == NULL)
    return CONFAB_RESP_GENERIC;
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    if (g_str_equal (request_type, requests[i].request))
      return requests[i].response;
  return CONFAB_RESP_GENERIC;
}
