/* confab-metadata.h: the metadata of requests, changes and clicks
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A "metadata" member is a list of objects, each with a "type": an ExternalId names a card
 * or a button for the brand's own systems; a post-conversation survey tags each question
 * with a Question and each answer chip with an Answer. It is carried verbatim everywhere
 * (ConfabFrame.metadata, ConfabMessagingChange.metadata, ConfabRichClick.metadata); this
 * file builds the kinds the local service sends, finds members in a list, and says whether
 * a list is one the service keeps.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "confab-json.h"

G_BEGIN_DECLS

/* ExternalId.id, from LivePerson's schema. */
#define CONFAB_METADATA_ID_MAX_CHARS    64
/* Confab's bounds for what it keeps of a peer's metadata: a list of at most this many
 * objects, each with a "type" of at most 64 characters, and no more than this many bytes
 * of JSON in all. */
#define CONFAB_METADATA_MAX_ITEMS       16
#define CONFAB_METADATA_TYPE_MAX_CHARS  64
#define CONFAB_METADATA_MAX_SIZE        (8 * 1024)

/* The provider of the local service's survey answers, as LivePerson's surveys send it. */
#define CONFAB_METADATA_SURVEY_PROVIDER "AC"

/* Each returns a new array of one object (transfer full). */

/* [{"type":"ExternalId","id":…}] */
JsonNode   *confab_metadata_new_external_id     (const char         *id);
/* [{"type":"Question","id":…,"surveyId":…,"provider":"AC","replies":[answer ids…]}];
 * answer_ids NULL-terminated */
JsonNode   *confab_metadata_new_survey_question (const char         *survey_id,
                                                 const char         *question_id,
                                                 const char * const *answer_ids);
/* [{"type":"Answer","questionId":…,"id":…,"provider":"AC"}] */
JsonNode   *confab_metadata_new_survey_answer   (const char         *question_id,
                                                 const char         *answer_id);

/* Reading. metadata may be NULL, an array, or a bare object (a list of one). */

/* The first object of that type, or NULL. */
JsonObject *confab_metadata_find        (JsonNode   *metadata,
                                         const char *type);
/* Its string member, or NULL: confab_metadata_get_string (m, "ExternalId", "id"). */
const char *confab_metadata_get_string  (JsonNode   *metadata,
                                         const char *type,
                                         const char *member);

/* Whether a peer's metadata is a list the service keeps: an array (a bare object is not
 * turned into one here) within the bounds above, each element an object with a non-empty
 * string "type", and an ExternalId's "id" a string of at most 64 characters. */
gboolean    confab_metadata_is_acceptable (JsonNode  *metadata,
                                           GError   **error);

G_END_DECLS
