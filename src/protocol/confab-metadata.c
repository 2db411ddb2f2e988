/* confab-metadata.c: the metadata of requests, changes and clicks
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "confab-metadata.h"

static JsonNode *
list_of_one (JsonBuilder *builder)
{
  g_autoptr(JsonNode) object = json_builder_get_root (builder);
  JsonArray *array = json_array_new ();

  json_array_add_element (array, g_steal_pointer (&object));
  return json_node_init_array (json_node_alloc (), array);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/**
 * confab_metadata_new_external_id:
 * @id: the card's or button's id, at most %CONFAB_METADATA_ID_MAX_CHARS characters
 *
 * Returns: (transfer full): `[{"type":"ExternalId","id":…}]`
 */
JsonNode *
confab_metadata_new_external_id (const char *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (id != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "type", "ExternalId");
  add_string_member (builder, "id", id);
  json_builder_end_object (builder);

  return list_of_one (builder);
}

/**
 * confab_metadata_new_survey_question:
 * @survey_id: the survey
 * @question_id: the question
 * @answer_ids: (array zero-terminated=1): the ids of its answer chips
 *
 * The change-level metadata of a survey's question, as LivePerson's post-conversation
 * survey tutorial shows it. What "replies" holds is not documented; here, the answers' ids.
 *
 * Returns: (transfer full): `[{"type":"Question","id":…,"surveyId":…,"provider":"AC","replies":[…]}]`
 */
JsonNode *
confab_metadata_new_survey_question (const char         *survey_id,
                                     const char         *question_id,
                                     const char * const *answer_ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (survey_id != NULL, NULL);
  g_return_val_if_fail (question_id != NULL, NULL);
  g_return_val_if_fail (answer_ids != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "type", "Question");
  add_string_member (builder, "id", question_id);
  add_string_member (builder, "surveyId", survey_id);
  add_string_member (builder, "provider", CONFAB_METADATA_SURVEY_PROVIDER);
  json_builder_set_member_name (builder, "replies");
  json_builder_begin_array (builder);
  for (guint i = 0; answer_ids[i] != NULL; i++)
    json_builder_add_string_value (builder, answer_ids[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return list_of_one (builder);
}

/**
 * confab_metadata_new_survey_answer:
 * @question_id: the question it answers
 * @answer_id: the answer
 *
 * The click metadata of a survey's answer chip.
 *
 * Returns: (transfer full): `[{"type":"Answer","questionId":…,"id":…,"provider":"AC"}]`
 */
JsonNode *
confab_metadata_new_survey_answer (const char *question_id,
                                   const char *answer_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (question_id != NULL, NULL);
  g_return_val_if_fail (answer_id != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "type", "Answer");
  add_string_member (builder, "questionId", question_id);
  add_string_member (builder, "id", answer_id);
  add_string_member (builder, "provider", CONFAB_METADATA_SURVEY_PROVIDER);
  json_builder_end_object (builder);

  return list_of_one (builder);
}

static JsonObject *
element_object (JsonNode *element)
{
  return element != NULL && JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
}

JsonObject *
confab_metadata_find (JsonNode   *metadata,
                      const char *type)
{
  JsonArray *array;

  g_return_val_if_fail (type != NULL, NULL);

  if (metadata == NULL)
    return NULL;

  /* A bare object is a list of one, as everywhere in the protocol. */
  if (JSON_NODE_HOLDS_OBJECT (metadata))
    {
      JsonObject *object = json_node_get_object (metadata);

      return g_strcmp0 (confab_json_get_string (object, "type"), type) == 0 ? object : NULL;
    }

  if (!JSON_NODE_HOLDS_ARRAY (metadata))
    return NULL;

  array = json_node_get_array (metadata);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (json_array_get_element (array, i));

      if (g_strcmp0 (confab_json_get_string (object, "type"), type) == 0)
        return object;
    }

  return NULL;
}

const char *
confab_metadata_get_string (JsonNode   *metadata,
                            const char *type,
                            const char *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  return confab_json_get_string (confab_metadata_find (metadata, type), member);
}

static gboolean
item_is_acceptable (JsonObject *item)
{
  const char *type = confab_json_get_string (item, "type");
  const char *id;

  if (type == NULL || *type == '\0' || g_utf8_strlen (type, -1) > CONFAB_METADATA_TYPE_MAX_CHARS)
    return FALSE;

  if (!g_str_equal (type, "ExternalId"))
    return TRUE;

  id = confab_json_get_string (item, "id");
  return id != NULL && g_utf8_strlen (id, -1) <= CONFAB_METADATA_ID_MAX_CHARS;
}

/* Its errors name what is wrong for the service's answers and logs; no person reads them,
 * so they are not translated. */
gboolean
confab_metadata_is_acceptable (JsonNode  *metadata,
                               GError   **error)
{
  g_autofree char *text = NULL;
  JsonArray *array;

  if (metadata == NULL || !JSON_NODE_HOLDS_ARRAY (metadata))
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           "Metadata is not a list");
      return FALSE;
    }

  /* The count first: a long list is not worth writing out to measure. */
  array = json_node_get_array (metadata);
  if (json_array_get_length (array) <= CONFAB_METADATA_MAX_ITEMS)
    text = confab_json_to_string (metadata);
  if (text == NULL || strlen (text) > CONFAB_METADATA_MAX_SIZE)
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE,
                           "Metadata is too large");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (!item_is_acceptable (element_object (json_array_get_element (array, i))))
        {
          g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                       "Metadata item %u is not usable", i);
          return FALSE;
        }
    }

  return TRUE;
}
