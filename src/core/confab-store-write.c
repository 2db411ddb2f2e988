/* confab-store-write.c: messages, the conversation, receipts and the outbox written
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabStore (see confab-store-private.h), on the store's thread. The rows for
 * events of a conversation go with the messages, into table markers; the agents' names and
 * whom the conversation is with are written on their own.
 */
#include "config.h"

#include "confab-store-private.h"

/* The identity wrote to the history just now: it is the account's last one. */
static gboolean
note_identity_used (ConfabStore *self,
                    Job         *job)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (self->db,
                                "INSERT INTO identities (account, consumer, last_used)"
                                " SELECT :account, :consumer, IFNULL (MAX (last_used), 0) + 1 FROM identities"
                                " WHERE account = :account"
                                " ON CONFLICT (account, consumer) DO UPDATE SET last_used = excluded.last_used",
                                -1, &stmt, NULL)) != SQLITE_OK)
    return _confab_store_failed (self, rc);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":account"), job->account);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":consumer"), job->consumer);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || _confab_store_failed (self, rc);
}

static void
bind_event (sqlite3_stmt *stmt,
            Job          *job,
            Row          *row)
{
  sqlite3_reset (stmt);
  _confab_store_bind_text (stmt, PARAM (EVENT_ACCOUNT), job->account);
  _confab_store_bind_text (stmt, PARAM (EVENT_CONSUMER), job->consumer);
  _confab_store_bind_text (stmt, PARAM (EVENT_DIALOG), row->dialog);
  sqlite3_bind_int64 (stmt, PARAM (EVENT_SEQUENCE), row->sequence);
  _confab_store_bind_text (stmt, PARAM (EVENT_CONVERSATION), row->conversation);
  _confab_store_bind_text (stmt, PARAM (EVENT_ORIGINATOR), row->originator);
  sqlite3_bind_int (stmt, PARAM (EVENT_ROLE), row->role);
  sqlite3_bind_int (stmt, PARAM (EVENT_OWN), row->own);
  sqlite3_bind_int64 (stmt, PARAM (EVENT_SERVER_TIME), row->server_time);
  _confab_store_bind_text (stmt, PARAM (EVENT_CONTENT_TYPE), row->content_type);
  _confab_store_bind_text (stmt, PARAM (EVENT_TEXT), row->text);
  sqlite3_bind_int (stmt, PARAM (EVENT_PLACEHOLDER), row->placeholder);
  sqlite3_bind_int (stmt, PARAM (EVENT_DELIVERY), row->delivery);
  sqlite3_bind_int (stmt, PARAM (EVENT_ACCEPT_SENT), row->accept_sent);
  sqlite3_bind_int (stmt, PARAM (EVENT_READ_SENT), row->read_sent);
  sqlite3_bind_int64 (stmt, PARAM (EVENT_LOCAL_ID), row->local_id);
  _confab_store_bind_text (stmt, PARAM (EVENT_PAYLOAD), row->payload);
}

static void
bind_marker (sqlite3_stmt *stmt,
             Job          *job,
             Row          *row)
{
  sqlite3_reset (stmt);
  _confab_store_bind_text (stmt, PARAM (MARKER_ACCOUNT), job->account);
  _confab_store_bind_text (stmt, PARAM (MARKER_CONSUMER), job->consumer);
  _confab_store_bind_text (stmt, PARAM (MARKER_DIALOG), row->dialog);
  sqlite3_bind_int64 (stmt, PARAM (MARKER_AFTER), row->after);
  sqlite3_bind_int64 (stmt, PARAM (MARKER_TIME), row->server_time);
  sqlite3_bind_int (stmt, PARAM (MARKER_EVENT), row->event);
  _confab_store_bind_text (stmt, PARAM (MARKER_AGENT), row->originator);
  sqlite3_bind_int (stmt, PARAM (MARKER_REASON), row->reason);
}

/* place: the INSERT of a dialog not seen before, after every other of the identity */
static gboolean
place_dialog (ConfabStore  *self,
              sqlite3_stmt *place,
              Job          *job,
              const char   *dialog)
{
  int rc;

  sqlite3_reset (place);
  _confab_store_bind_text (place, _confab_store_param (place, ":account"), job->account);
  _confab_store_bind_text (place, _confab_store_param (place, ":consumer"), job->consumer);
  _confab_store_bind_text (place, _confab_store_param (place, ":dialog"), dialog);
  rc = sqlite3_step (place);
  return rc == SQLITE_DONE || _confab_store_failed (self, rc);
}

gboolean
_confab_store_run_save_messages (ConfabStore *self,
                                 Job         *job)
{
  /* A row saved again keeps the furthest state either copy reached. */
  g_autofree char *sql = _confab_store_insert_sql ("INSERT", _confab_store_table (TABLE_EVENTS),
                                                   "ON CONFLICT (account, consumer, dialog, sequence) DO UPDATE SET"
                                                   " delivery = MAX (delivery, excluded.delivery),"
                                                   " accept_sent = MAX (accept_sent, excluded.accept_sent),"
                                                   " read_sent = MAX (read_sent, excluded.read_sent),"
                                                   " local_id = excluded.local_id,"
                                                   " payload = IFNULL (excluded.payload, payload)");
  /* A dialog not seen before goes after every other of the identity. */
  const char *dialog_sql = "INSERT INTO dialogs (account, consumer, dialog, position)"
                           " SELECT :account, :consumer, :dialog, IFNULL (MAX (position), 0) + 1 FROM dialogs"
                           " WHERE account = :account AND consumer = :consumer"
                           " ON CONFLICT (account, consumer, dialog) DO NOTHING";
  /* the same event saved twice is one row */
  g_autofree char *marker_sql = _confab_store_insert_sql ("INSERT OR IGNORE", _confab_store_table (TABLE_MARKERS), "");
  g_autoptr(GHashTable) dialogs_placed = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *unqueue = NULL;
  sqlite3_stmt *place = NULL;
  sqlite3_stmt *mark = NULL;
  gboolean ok = TRUE;
  int rc;

  if (!_confab_store_exec (self, "BEGIN"))
    return FALSE;
  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (self->db, "DELETE FROM outbox WHERE local_id = :local_id", -1, &unqueue,
                                NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (self->db, dialog_sql, -1, &place, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (self->db, marker_sql, -1, &mark, NULL)) != SQLITE_OK)
    {
      _confab_store_failed (self, rc);
      sqlite3_finalize (stmt);
      sqlite3_finalize (unqueue);
      sqlite3_finalize (place);
      sqlite3_finalize (mark);
      _confab_store_rollback (self);
      return FALSE;
    }

  for (guint i = 0; ok && i < job->rows->len; i++)
    {
      Row *row = &g_array_index (job->rows, Row, i);

      /* its dialog's place, in the order of the rows given */
      if (!g_hash_table_contains (dialogs_placed, row->dialog))
        {
          g_hash_table_add (dialogs_placed, row->dialog);
          if (!(ok = place_dialog (self, place, job, row->dialog)))
            break;
        }

      if (row->marker)
        {
          bind_marker (mark, job, row);
          if ((rc = sqlite3_step (mark)) != SQLITE_DONE)
            ok = _confab_store_failed (self, rc);
          continue;
        }

      bind_event (stmt, job, row);
      if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
        ok = _confab_store_failed (self, rc);

      /* An own message in the history is sent: it leaves the outbox in the same step, so
       * no restart can find it in both. */
      if (ok && row->local_id != 0)
        {
          sqlite3_reset (unqueue);
          sqlite3_bind_int64 (unqueue, _confab_store_param (unqueue, ":local_id"), row->local_id);
          if ((rc = sqlite3_step (unqueue)) != SQLITE_DONE)
            ok = _confab_store_failed (self, rc);
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (unqueue);
  sqlite3_finalize (place);
  sqlite3_finalize (mark);

  if (!ok || !note_identity_used (self, job) || !_confab_store_exec (self, "COMMIT"))
    {
      _confab_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Prepares sql, lets bind fill in its parameters and runs it once. */
static gboolean
run_one (ConfabStore *self,
         const char  *sql,
         void       (*bind) (sqlite3_stmt *stmt,
                             Job          *job),
         Job         *job)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return _confab_store_failed (self, rc);
  bind (stmt, job);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    _confab_store_failed (self, rc);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static void
bind_conversation (sqlite3_stmt *stmt,
                   Job          *job)
{
  _confab_store_bind_text (stmt, PARAM (CONVERSATION_ACCOUNT), job->account);
  _confab_store_bind_text (stmt, PARAM (CONVERSATION_CONSUMER), job->consumer);
  _confab_store_bind_text (stmt, PARAM (CONVERSATION_CONVERSATION), job->conversation);
  sqlite3_bind_int64 (stmt, PARAM (CONVERSATION_UPDATED), g_get_real_time () / 1000);
}

gboolean
_confab_store_run_save_conversation (ConfabStore *self,
                                     Job         *job)
{
  g_autofree char *sql = _confab_store_insert_sql ("INSERT", _confab_store_table (TABLE_CONVERSATIONS),
                                                   "ON CONFLICT (account, consumer) DO UPDATE SET"
                                                   " conversation = excluded.conversation,"
                                                   " updated = excluded.updated,"
                                                   /* whom it is with is known of that conversation only */
                                                   " agent = CASE WHEN conversation = excluded.conversation"
                                                   " THEN agent END");

  if (!_confab_store_exec (self, "BEGIN"))
    return FALSE;
  if (!run_one (self, sql, bind_conversation, job) || !note_identity_used (self, job) ||
      !_confab_store_exec (self, "COMMIT"))
    {
      _confab_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

static void
bind_outbox (sqlite3_stmt *stmt,
             Job          *job)
{
  Row *row = &g_array_index (job->rows, Row, 0);

  sqlite3_bind_int64 (stmt, PARAM (OUTBOX_LOCAL_ID), row->local_id);
  _confab_store_bind_text (stmt, PARAM (OUTBOX_ACCOUNT), job->account);
  _confab_store_bind_text (stmt, PARAM (OUTBOX_CONSUMER), job->consumer);
  _confab_store_bind_text (stmt, PARAM (OUTBOX_TEXT), row->text);
  sqlite3_bind_int64 (stmt, PARAM (OUTBOX_CREATED), row->server_time);
  sqlite3_bind_int (stmt, PARAM (OUTBOX_ATTEMPTED), row->attempted);
  sqlite3_bind_int (stmt, PARAM (OUTBOX_FAILED), row->delivery == CONFAB_DELIVERY_FAILED);
  _confab_store_bind_text (stmt, PARAM (OUTBOX_PAYLOAD), row->payload);
}

gboolean
_confab_store_run_outbox_put (ConfabStore *self,
                              Job         *job)
{
  g_autofree char *sql = _confab_store_insert_sql ("INSERT OR REPLACE", _confab_store_table (TABLE_OUTBOX), "");
  gboolean ok;

  /* The person's words: committed with the write-ahead log synced to the disk, so they
   * survive a crash or a power cut from the moment put returns. Other writes can be
   * fetched again from the service and keep the cheaper NORMAL. */
  if (!_confab_store_exec (self, "PRAGMA synchronous = FULL"))
    return FALSE;
  ok = _confab_store_exec (self, "BEGIN") && run_one (self, sql, bind_outbox, job) &&
       note_identity_used (self, job) && _confab_store_exec (self, "COMMIT");
  if (!ok)
    _confab_store_rollback (self);
  sqlite3_exec (self->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  return ok;
}

static void
bind_local_id (sqlite3_stmt *stmt,
               Job          *job)
{
  sqlite3_bind_int64 (stmt, _confab_store_param (stmt, ":local_id"), job->local_id);
}

gboolean
_confab_store_run_outbox_remove (ConfabStore *self,
                                 Job         *job)
{
  return run_one (self, "DELETE FROM outbox WHERE local_id = :local_id", bind_local_id, job);
}

static void
bind_profile (sqlite3_stmt *stmt,
              Job          *job)
{
  _confab_store_bind_text (stmt, PARAM (PROFILE_ACCOUNT), job->account);
  _confab_store_bind_text (stmt, PARAM (PROFILE_AGENT), job->agent);
  _confab_store_bind_text (stmt, PARAM (PROFILE_NICKNAME), job->nickname);
  sqlite3_bind_int64 (stmt, PARAM (PROFILE_UPDATED), g_get_real_time () / 1000);
}

gboolean
_confab_store_run_save_profile (ConfabStore *self,
                                Job         *job)
{
  g_autofree char *sql = _confab_store_insert_sql ("INSERT OR REPLACE", _confab_store_table (TABLE_PROFILES), "");

  return run_one (self, sql, bind_profile, job);
}

static void
bind_agent (sqlite3_stmt *stmt,
            Job          *job)
{
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":account"), job->account);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":consumer"), job->consumer);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":conversation"), job->conversation);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":agent"), job->agent);
}

gboolean
_confab_store_run_save_agent (ConfabStore *self,
                              Job         *job)
{
  return run_one (self,
                  "UPDATE conversations SET agent = :agent"
                  " WHERE account = :account AND consumer = :consumer AND conversation = :conversation",
                  bind_agent, job);
}

gboolean
_confab_store_run_save_receipts (ConfabStore *self,
                                 Job         *job)
{
  const char *sql;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  if (job->by_agent)
    sql = "UPDATE events SET delivery = MAX (delivery, :state) WHERE account = :account AND consumer = :consumer"
          " AND dialog = :dialog AND sequence = :sequence AND own = 1";
  else if (job->status == CONFAB_RECEIPT_READ)
    /* a message read needs no ACCEPT any more either */
    sql = "UPDATE events SET read_sent = 1, accept_sent = 1 WHERE account = :account AND consumer = :consumer"
          " AND dialog = :dialog AND sequence = :sequence AND own = 0";
  else
    sql = "UPDATE events SET accept_sent = 1 WHERE account = :account AND consumer = :consumer"
          " AND dialog = :dialog AND sequence = :sequence AND own = 0";

  if (!_confab_store_exec (self, "BEGIN"))
    return FALSE;
  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    ok = _confab_store_failed (self, rc);
  for (guint i = 0; ok && i < job->sequences->len; i++)
    {
      sqlite3_reset (stmt);
      _confab_store_bind_text (stmt, _confab_store_param (stmt, ":account"), job->account);
      _confab_store_bind_text (stmt, _confab_store_param (stmt, ":consumer"), job->consumer);
      _confab_store_bind_text (stmt, _confab_store_param (stmt, ":dialog"), job->dialog);
      sqlite3_bind_int64 (stmt, _confab_store_param (stmt, ":sequence"), g_array_index (job->sequences, gint64, i));
      if (job->by_agent)
        sqlite3_bind_int (stmt, _confab_store_param (stmt, ":state"),
                          job->status == CONFAB_RECEIPT_READ ? CONFAB_DELIVERY_READ : CONFAB_DELIVERY_DELIVERED);
      if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
        ok = _confab_store_failed (self, rc);
    }
  sqlite3_finalize (stmt);
  if (!ok || !_confab_store_exec (self, "COMMIT"))
    {
      _confab_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}
