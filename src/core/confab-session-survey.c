/* confab-session-survey.c: the satisfaction survey after a conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). LivePerson's legacy survey (CSAT) is
 * one field of the conversation, CSATRate, set once the conversation is closed: a rating of
 * 1 to 5, whether the issue was resolved, or that the person skipped it. Confab sends it
 * once per conversation; one answered while offline goes when the session is online again.
 */
#include "config.h"

#include "confab-session-private.h"

typedef struct
{
  ConfabSession *self;
  JsonNode *body;
} SurveyData;

static void
survey_data_free (SurveyData *data)
{
  g_object_unref (data->self);
  json_node_unref (data->body);
  g_free (data);
}

static void publish_survey (ConfabSession *self,
                            JsonNode      *body);

static void
survey_published_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SurveyData *data = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame == NULL)
    {
      g_debug ("Survey not sent: %s", error->message);
      /* Lost with the socket: again when online. Refused: the service will not take it. */
      if (!g_error_matches (error, CONFAB_RESPONSE_ERROR, error->code))
        g_queue_push_tail (&data->self->surveys_pending, json_node_ref (data->body));
    }
  survey_data_free (data);
}

static void
publish_survey (ConfabSession *self,
                JsonNode      *body)
{
  SurveyData *data = g_new0 (SurveyData, 1);

  data->self = g_object_ref (self);
  data->body = json_node_ref (body);
  confab_connection_send_request (self->conn, CONFAB_REQ_UPDATE_CONVERSATION, json_node_ref (body),
                                  NULL, survey_published_cb, data);
}

void
_confab_session_flush_surveys (ConfabSession *self)
{
  JsonNode *body;

  while (_confab_session_is_online (self) && (body = g_queue_pop_head (&self->surveys_pending)) != NULL)
    {
      publish_survey (self, body);
      json_node_unref (body);
    }
}

gboolean
confab_session_send_survey (ConfabSession *self,
                            const char    *conversation_id,
                            int            rate,
                            gboolean       resolved,
                            gboolean       skipped)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (conversation_id != NULL, FALSE);
  g_return_val_if_fail (skipped || (rate >= 1 && rate <= 5), FALSE);

  if (g_hash_table_contains (self->surveys_answered, conversation_id))
    return FALSE;
  g_hash_table_add (self->surveys_answered, g_strdup (conversation_id));

  body = skipped ? confab_csat_status_body (conversation_id, CONFAB_CSAT_SKIPPED, 0, FALSE)
                 : confab_csat_status_body (conversation_id, CONFAB_CSAT_FILLED, rate, resolved);
  g_queue_push_tail (&self->surveys_pending, g_steal_pointer (&body));
  _confab_session_flush_surveys (self);
  return TRUE;
}

gboolean
confab_session_get_survey_answered (ConfabSession *self,
                                    const char    *conversation_id)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (conversation_id != NULL, FALSE);

  return g_hash_table_contains (self->surveys_answered, conversation_id);
}
