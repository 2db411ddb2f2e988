/* confab-requests.h: bodies of the requests a consumer sends, and parsers of their answers
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-frame.h"
#include "confab-events.h"

G_BEGIN_DECLS

/* Each returns a new JsonNode to pass to confab_frame_build_request() with the matching
 * CONFAB_REQ_* type. Nullable arguments are left out of the JSON when NULL. */
JsonNode *confab_request_conversation_body (const char *brand_id,
                                            const char *skill_id);
JsonNode *confab_subscribe_ex_body         (gint64      min_last_updated_time);
JsonNode *confab_subscribe_messaging_body  (const char *conversation_id,
                                            const char *dialog_id,
                                            gint64      from_seq);
JsonNode *confab_publish_text_body         (const char *conversation_id,
                                            const char *dialog_id,
                                            const char *text);
JsonNode *confab_publish_receipt_body      (const char         *conversation_id,
                                            const char         *dialog_id,
                                            ConfabReceiptStatus status,
                                            const gint64       *sequences,
                                            guint               n_sequences);
JsonNode *confab_publish_chat_state_body   (const char     *conversation_id,
                                            const char     *dialog_id,
                                            ConfabChatState state);
JsonNode *confab_close_conversation_body   (const char *conversation_id);
/* rate 1–5; skipped sends status SKIPPED and no rate */
JsonNode *confab_csat_body                 (const char *conversation_id,
                                            int         rate,
                                            gboolean    resolved,
                                            gboolean    skipped);

/* Answers. Each is tolerant of a missing, string or empty body and sets error when the
 * value it is for is not there. */
char    *confab_parse_conversation_id (const ConfabFrame *response, GError **error);
gboolean confab_parse_publish_sequence (const ConfabFrame *response, gint64 *sequence, GError **error);
gboolean confab_parse_clock           (const ConfabFrame *response, gint64 *current_time_ms, GError **error);
char    *confab_parse_subscription_id (const ConfabFrame *response, GError **error);

/* The bodies of those answers, as the local service sends them: the counterparts of the
 * parsers above, each a new object (transfer full). */
JsonNode *confab_conversation_id_response_body    (const char *conversation_id);  /* {"conversationId":…} */
JsonNode *confab_publish_sequence_response_body   (gint64      sequence);         /* {"sequence":…} */
JsonNode *confab_clock_response_body              (gint64      current_time_ms);  /* {"currentTime":…} */
JsonNode *confab_subscription_id_response_body    (const char *subscription_id);  /* {"subscriptionId":…} */

G_END_DECLS
