/* confab-session-survey.c: the satisfaction survey after a conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). LivePerson's legacy survey (CSAT) is
 * one field of the conversation, CSATRate, set once the conversation is closed: a rating of
 * 1 to 5, whether the issue was resolved, or that the person skipped it. Confab sends it
 * once per conversation; one answered while offline goes when the session is online again.
 *
 * Both facts are kept in the store: an answer not sent yet goes after a restart, and a
 * conversation answered is never asked again. The metadata echoes a rating the service holds
 * ("csat"): such a conversation is answered, whatever the store says, and answers waiting
 * go only once the socket's first metadata has been read, so that one the service took just
 * before Confab stopped hearing from it is not sent twice. Which conversation is to be asked (the
 * survey-due property) is decided here, the same way whether the close happened while
 * Confab ran or while it did not: the conversation Confab follows (the newest), over for good,
 * with no post-conversation survey, not answered, and closed less than a day ago. Older than
 * that, a rating of a conversation the person has most likely forgotten is worth less than
 * the interruption, and a history of many closed conversations never turns into a queue of
 * dialogs; only the newest is followed, so only it can be asked.
 */
#include "config.h"

#include "confab-session-private.h"

/* How long after its close a conversation is still asked about */
#define SURVEY_DUE_MS (24 * 60 * 60 * 1000)

typedef struct
{
  char *conversation_id;
  JsonNode *body;
} PendingSurvey;

static PendingSurvey *
pending_survey_new (const char *conversation_id,
                    JsonNode   *body)
{
  PendingSurvey *pending = g_new0 (PendingSurvey, 1);

  pending->conversation_id = g_strdup (conversation_id);
  pending->body = body;
  return pending;
}

void
_confab_session_pending_survey_free (gpointer data)
{
  PendingSurvey *pending = data;

  g_free (pending->conversation_id);
  json_node_unref (pending->body);
  g_free (pending);
}

typedef struct
{
  ConfabSession *self;
  PendingSurvey *pending;
} SurveyData;

static void
survey_data_free (SurveyData *data)
{
  g_object_unref (data->self);
  if (data->pending != NULL)
    _confab_session_pending_survey_free (data->pending);
  g_free (data);
}

static void
mark_sent (ConfabSession *self,
           const char    *conversation_id)
{
  if (self->store != NULL && self->consumer_id != NULL)
    confab_store_survey_sent (self->store, _confab_session_account_id (self), self->consumer_id, conversation_id);
}

static void
survey_published_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SurveyData *data = user_data;
  ConfabSession *self = data->self;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame != NULL || g_error_matches (error, CONFAB_RESPONSE_ERROR, error->code))
    {
      /* Taken, or refused: the service will not take it however often it is sent. */
      if (frame == NULL)
        g_debug ("Survey refused: %s", error->message);
      mark_sent (self, data->pending->conversation_id);
    }
  else
    {
      /* Lost with the socket: again when online. */
      g_debug ("Survey not sent: %s", error->message);
      g_queue_push_tail (&self->surveys_pending, g_steal_pointer (&data->pending));
    }
  survey_data_free (data);
}

static void
publish_survey (ConfabSession *self,
                PendingSurvey *pending)
{
  SurveyData *data = g_new0 (SurveyData, 1);

  data->self = g_object_ref (self);
  data->pending = pending;
  confab_connection_send_request (self->conn, CONFAB_REQ_UPDATE_CONVERSATION, json_node_ref (pending->body),
                                  NULL, survey_published_cb, data);
}

void
_confab_session_flush_surveys (ConfabSession *self)
{
  PendingSurvey *pending;

  /* not before the metadata has said which conversations the service holds an answer for */
  if (!self->metadata_heard)
    return;
  while (_confab_session_is_online (self) && (pending = g_queue_pop_head (&self->surveys_pending)) != NULL)
    publish_survey (self, pending);
}

void
_confab_session_update_survey_due (ConfabSession *self)
{
  const char *due = NULL;

  if (self->conversation_id != NULL &&
      self->conversation_status == CONFAB_CONVERSATION_CLOSED &&
      self->stage == CONFAB_CONVERSATION_STATE_CLOSE &&
      !g_hash_table_contains (self->post_surveyed, self->conversation_id) &&
      !g_hash_table_contains (self->surveys_answered, self->conversation_id) &&
      self->closed_at > g_get_real_time () / 1000 - SURVEY_DUE_MS)
    due = self->conversation_id;
  _confab_session_set_string_prop (self, &self->survey_due, due, PROP_SURVEY_DUE);
}

void
_confab_session_survey_answered_elsewhere (ConfabSession *self,
                                           const char    *conversation_id)
{
  gboolean known = g_hash_table_contains (self->surveys_answered, conversation_id);

  for (GList *l = self->surveys_pending.head; l != NULL;)
    {
      GList *next = l->next;
      PendingSurvey *pending = l->data;

      if (g_strcmp0 (pending->conversation_id, conversation_id) == 0)
        {
          _confab_session_pending_survey_free (pending);
          g_queue_delete_link (&self->surveys_pending, l);
          mark_sent (self, conversation_id);
        }
      l = next;
    }
  if (known)
    return;
  g_hash_table_add (self->surveys_answered, g_strdup (conversation_id));
  /* kept as answered, with nothing of ours to send */
  if (self->store != NULL && self->consumer_id != NULL)
    {
      confab_store_save_survey (self->store, _confab_session_account_id (self), self->consumer_id,
                                conversation_id, "null");
      mark_sent (self, conversation_id);
    }
}

void
_confab_session_restore_surveys (ConfabSession *self,
                                 GPtrArray     *surveys)
{
  for (guint i = 0; surveys != NULL && i < surveys->len; i++)
    {
      ConfabStoreSurvey *survey = g_ptr_array_index (surveys, i);
      g_autoptr(JsonNode) body = NULL;

      /* answered in this run already: that answer is the one on its way */
      if (!g_hash_table_add (self->surveys_answered, g_strdup (survey->conversation_id)) || survey->sent)
        continue;
      body = json_from_string (survey->body, NULL);
      if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
        continue;
      g_queue_push_tail (&self->surveys_pending, pending_survey_new (survey->conversation_id,
                                                                     g_steal_pointer (&body)));
    }
  _confab_session_update_survey_due (self);
  _confab_session_flush_surveys (self);
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
  /* on disk first: answered is answered, even if Confab stops before it goes */
  if (self->store != NULL && self->consumer_id != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);

      confab_store_save_survey (self->store, _confab_session_account_id (self), self->consumer_id,
                                conversation_id, text);
    }
  g_queue_push_tail (&self->surveys_pending, pending_survey_new (conversation_id, g_steal_pointer (&body)));
  _confab_session_update_survey_due (self);
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

const char *
confab_session_get_survey_due (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);

  return self->survey_due;
}
