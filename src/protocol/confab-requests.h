/* confab-requests.h: bodies of the requests a consumer sends, and parsers of their answers
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-frame.h"
#include "confab-events.h"
#include "confab-files.h"

G_BEGIN_DECLS

/* Each returns a new JsonNode to pass to confab_frame_build_request() with the matching
 * CONFAB_REQ_* type. Nullable arguments are left out of the JSON when NULL.
 *
 * A click in a rich message or on a quick reply is sent with confab_publish_receipt_body()
 * with CONFAB_RECEIPT_ACTION for the message's sequence and, for publishText, with
 * confab_publish_text_body(); both go through confab_frame_build_request_full() with the
 * click's metadata. */
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
/* event {"type":"ContentEvent","contentType":"hosted/file","message":{…}} */
JsonNode *confab_publish_file_body         (const char             *conversation_id,
                                            const char             *dialog_id,
                                            const ConfabHostedFile *file);
JsonNode *confab_close_conversation_body   (const char *conversation_id);
/* Closes only the main dialog, as the consumer: what starts a post-conversation survey.
 * {"conversationId":"…","conversationField":[{"field":"DialogChange","type":"UPDATE",
 *  "dialog":{"dialogId":"…","state":"CLOSE","closedCause":"Closed by consumer"}}]} */
JsonNode *confab_close_dialog_body         (const char *conversation_id,
                                            const char *dialog_id);
/* Closes the whole conversation, a running post-conversation survey with it (skipping it):
 * {"conversationId":"…","conversationField":[{"field":"Stage","conversationState":"CLOSE"}]} */
JsonNode *confab_close_stage_body          (const char *conversation_id);

typedef enum {
  CONFAB_CSAT_FILLED,
  CONFAB_CSAT_PARTIALLY_FILLED,
  CONFAB_CSAT_SKIPPED,
} ConfabCsatStatus;

/* The schema requires csatRate (1–5) even when the survey was skipped; a skipped survey
 * without a rating sends this one, the middle of the scale (Confab's choice). */
#define CONFAB_CSAT_SKIPPED_RATE 3

/* rate 1–5 (SKIPPED: also 0, for none); every one of the four members is always sent */
JsonNode *confab_csat_status_body          (const char       *conversation_id,
                                            ConfabCsatStatus  status,
                                            int               rate,
                                            gboolean          resolved);
/* confab_csat_status_body() with FILLED, or SKIPPED when skipped */
JsonNode *confab_csat_body                 (const char *conversation_id,
                                            int         rate,
                                            gboolean    resolved,
                                            gboolean    skipped);
/* ms.GenerateURLForUploadFile: {"fileSize":"1000","fileType":"PNG"}, the size as a
 * string as the schema has it */
JsonNode *confab_upload_url_body           (gint64         file_size,
                                            ConfabFileType file_type);
/* ms.GenerateURLForDownloadFile: {"relativePath":"…"} */
JsonNode *confab_download_url_body         (const char *relative_path);

/* Answers. Each is tolerant of a missing, string or empty body and sets error when the
 * value it is for is not there. */
char    *confab_parse_conversation_id (const ConfabFrame *response, GError **error);
gboolean confab_parse_publish_sequence (const ConfabFrame *response, gint64 *sequence, GError **error);
gboolean confab_parse_clock           (const ConfabFrame *response, gint64 *current_time_ms, GError **error);
char    *confab_parse_subscription_id (const ConfabFrame *response, GError **error);
/* ms.GenerateURLResponse (or ms.BaseGenerateURLResponse) */
ConfabFileUrl *confab_parse_file_url  (const ConfabFrame *response, GError **error);

/* The bodies of those answers, as the local service sends them: the counterparts of the
 * parsers above, each a new object (transfer full). */
JsonNode *confab_conversation_id_response_body    (const char *conversation_id);  /* {"conversationId":…} */
JsonNode *confab_publish_sequence_response_body   (gint64      sequence);         /* {"sequence":…} */
JsonNode *confab_clock_response_body              (gint64      current_time_ms);  /* {"currentTime":…} */
JsonNode *confab_subscription_id_response_body    (const char *subscription_id);  /* {"subscriptionId":…} */

G_END_DECLS
