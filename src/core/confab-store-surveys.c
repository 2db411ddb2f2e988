/* confab-store-surveys.c: the satisfaction surveys answered, kept until sent and after
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabStore (see confab-store-private.h). LivePerson's legacy survey (CSAT) is asked
 * once a conversation; what the person answered goes to the service once. Both facts outlive
 * a restart: the answer not sent yet is sent after it, and a conversation answered is not
 * asked again. One row a conversation, written when answered, marked when sent.
 */
#include "config.h"

#include "confab-store-private.h"

void
confab_store_survey_free (ConfabStoreSurvey *survey)
{
  if (survey == NULL)
    return;
  g_free (survey->conversation_id);
  g_free (survey->body);
  g_free (survey);
}

/* Prepares sql and binds :account, :consumer and :conversation from job. */
static sqlite3_stmt *
prepare (ConfabStore *self,
         const char  *sql,
         Job         *job)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    {
      _confab_store_failed (self, rc);
      return NULL;
    }
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":account"), job->account);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":consumer"), job->consumer);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":conversation"), job->conversation);
  return stmt;
}

static gboolean
step_once (ConfabStore  *self,
           sqlite3_stmt *stmt)
{
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    _confab_store_failed (self, rc);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

gboolean
_confab_store_run_save_survey (ConfabStore *self,
                               Job         *job)
{
  sqlite3_stmt *stmt;

  /* the first answer stands: a conversation is asked once */
  stmt = prepare (self,
                  "INSERT OR IGNORE INTO surveys (account, consumer, conversation, body, sent, created)"
                  " VALUES (:account, :consumer, :conversation, :body, 0, :created)",
                  job);
  if (stmt != NULL)
    {
      _confab_store_bind_text (stmt, _confab_store_param (stmt, ":body"), job->body);
      sqlite3_bind_int64 (stmt, _confab_store_param (stmt, ":created"), g_get_real_time () / 1000);
    }
  return step_once (self, stmt);
}

gboolean
_confab_store_run_survey_sent (ConfabStore *self,
                               Job         *job)
{
  return step_once (self, prepare (self,
                                   "UPDATE surveys SET sent = 1"
                                   " WHERE account = :account AND consumer = :consumer AND conversation = :conversation",
                                   job));
}

gboolean
_confab_store_read_surveys (ConfabStore *self,
                            const char  *account,
                            const char  *consumer,
                            const char  *conversation_id,
                            GPtrArray   *surveys)
{
  g_autofree char *sql = _confab_store_select_sql (_confab_store_table (TABLE_SURVEYS),
                                                   "WHERE account = :account AND consumer = :consumer"
                                                   " AND (sent = 0 OR conversation = :conversation)"
                                                   " ORDER BY created");
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return _confab_store_failed (self, rc);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":account"), account);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":consumer"), consumer);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":conversation"), conversation_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConfabStoreSurvey *survey = g_new0 (ConfabStoreSurvey, 1);

      survey->conversation_id = _confab_store_column_text (stmt, SURVEY_CONVERSATION);
      survey->body = _confab_store_column_text (stmt, SURVEY_BODY);
      survey->sent = sqlite3_column_int (stmt, SURVEY_SENT) != 0;
      survey->created = sqlite3_column_int64 (stmt, SURVEY_CREATED);
      g_ptr_array_add (surveys, survey);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _confab_store_failed (self, rc);
  return TRUE;
}

/* Public API */

void
confab_store_save_survey (ConfabStore *self,
                          const char  *account_id,
                          const char  *consumer_id,
                          const char  *conversation_id,
                          const char  *body)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL && conversation_id != NULL && body != NULL);

  job = _confab_store_job_new (JOB_SAVE_SURVEY, account_id, consumer_id);
  job->conversation = g_strdup (conversation_id);
  job->body = g_strdup (body);
  g_async_queue_push (self->jobs, job);
}

void
confab_store_survey_sent (ConfabStore *self,
                          const char  *account_id,
                          const char  *consumer_id,
                          const char  *conversation_id)
{
  Job *job;

  g_return_if_fail (CONFAB_IS_STORE (self));
  g_return_if_fail (account_id != NULL && consumer_id != NULL && conversation_id != NULL);

  job = _confab_store_job_new (JOB_SURVEY_SENT, account_id, consumer_id);
  job->conversation = g_strdup (conversation_id);
  g_async_queue_push (self->jobs, job);
}
