/* confab-store-read.c: the history read a page at a time, and what a load needs besides
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabStore (see confab-store-private.h), on the store's thread. The rows for
 * events of a conversation (table markers) have no sequence: a page brings those between
 * its first message and the next page's, each after the message it follows.
 */
#include "config.h"

#include "confab-store-private.h"

/* A row of events, read with every column of the table (EventColumn) */
static ConfabMessage *
message_from_event (sqlite3_stmt *stmt,
                    const char   *consumer)
{
  ConfabMessageFields fields = { 0 };
  const char *originator = (const char *) sqlite3_column_text (stmt, EVENT_ORIGINATOR);
  int delivery = sqlite3_column_int (stmt, EVENT_DELIVERY);

  fields.dialog_id = (const char *) sqlite3_column_text (stmt, EVENT_DIALOG);
  fields.sequence = sqlite3_column_int64 (stmt, EVENT_SEQUENCE);
  fields.conversation_id = (const char *) sqlite3_column_text (stmt, EVENT_CONVERSATION);
  fields.role = sqlite3_column_int (stmt, EVENT_ROLE);
  fields.server_time = sqlite3_column_int64 (stmt, EVENT_SERVER_TIME);
  fields.content_type = (const char *) sqlite3_column_text (stmt, EVENT_CONTENT_TYPE);
  fields.text = (const char *) sqlite3_column_text (stmt, EVENT_TEXT);
  fields.is_placeholder = sqlite3_column_int (stmt, EVENT_PLACEHOLDER);
  fields.accept_sent = sqlite3_column_int (stmt, EVENT_ACCEPT_SENT);
  fields.read_sent = sqlite3_column_int (stmt, EVENT_READ_SENT);
  fields.local_id = MAX (sqlite3_column_int64 (stmt, EVENT_LOCAL_ID), 0);
  fields.payload = (const char *) sqlite3_column_text (stmt, EVENT_PAYLOAD);
  fields.own = sqlite3_column_int (stmt, EVENT_OWN) || g_strcmp0 (originator, consumer) == 0;

  /* An own message written here has no originator id of its own: it is the consumer's. */
  fields.originator_id = fields.own && originator == NULL ? consumer : originator;
  if (fields.own)
    {
      /* In the history it has reached the service at least. */
      fields.role = CONFAB_ROLE_CONSUMER;
      fields.delivery_state = delivery > CONFAB_DELIVERY_SENT && delivery <= CONFAB_DELIVERY_READ
                              ? delivery : CONFAB_DELIVERY_SENT;
    }

  return confab_message_new (&fields);
}

/* A row of markers, read with every column of the table (MarkerColumn) */
static ConfabMessage *
message_from_marker (sqlite3_stmt *stmt,
                     const char   *consumer)
{
  ConfabMessageFields fields = { 0 };
  int event = sqlite3_column_int (stmt, MARKER_EVENT);
  int reason = sqlite3_column_int (stmt, MARKER_REASON);

  fields.kind = CONFAB_MESSAGE_KIND_EVENT;
  /* one a newer Confab wrote, that this one does not know, reads as a new beginning */
  fields.event = event > CONFAB_MESSAGE_EVENT_NONE && event <= CONFAB_MESSAGE_EVENT_LAST
                 ? event : CONFAB_MESSAGE_EVENT_NEW_CONVERSATION;
  fields.close_reason = reason >= CONFAB_CLOSE_REASON_NONE && reason <= CONFAB_CLOSE_REASON_UNKNOWN
                        ? reason : CONFAB_CLOSE_REASON_UNKNOWN;
  fields.sequence = -1;
  fields.dialog_id = (const char *) sqlite3_column_text (stmt, MARKER_DIALOG);
  fields.conversation_id = fields.dialog_id;
  fields.after_sequence = MAX (sqlite3_column_int64 (stmt, MARKER_AFTER), -1);
  fields.server_time = sqlite3_column_int64 (stmt, MARKER_TIME);
  fields.originator_id = (const char *) sqlite3_column_text (stmt, MARKER_AGENT);

  return confab_message_new (&fields);
}

/* A row of outbox, read with every column of the table (OutboxColumn) */
static ConfabMessage *
message_from_outbox (sqlite3_stmt *stmt)
{
  ConfabMessageFields fields = { 0 };

  fields.sequence = -1;
  fields.own = TRUE;
  fields.role = CONFAB_ROLE_CONSUMER;
  fields.content_type = "text/plain";
  fields.text = (const char *) sqlite3_column_text (stmt, OUTBOX_TEXT);
  fields.server_time = sqlite3_column_int64 (stmt, OUTBOX_CREATED);
  fields.local_id = MAX (sqlite3_column_int64 (stmt, OUTBOX_LOCAL_ID), 0);
  fields.attempted = sqlite3_column_int (stmt, OUTBOX_ATTEMPTED);
  fields.payload = (const char *) sqlite3_column_text (stmt, OUTBOX_PAYLOAD);
  fields.delivery_state = sqlite3_column_int (stmt, OUTBOX_FAILED) ? CONFAB_DELIVERY_FAILED
                                                                   : CONFAB_DELIVERY_QUEUED;

  return confab_message_new (&fields);
}

/* The queries that read the history. Built once from the column lists; the tests look at
 * their plans (see confab-store-private.h). */

typedef enum {
  QUERY_LAST_CONSUMER,
  QUERY_CONVERSATION,
  QUERY_POSITION,
  QUERY_DIALOGS,
  QUERY_EVENTS,
  QUERY_AGENT,
  QUERY_LAST_SEQUENCES,
  QUERY_UNACCEPTED,
  QUERY_OUTBOX,
  QUERY_MARKERS,
  QUERY_PROFILES,
  N_QUERIES
} Query;

static const char *const *
queries (void)
{
  static const char *sql[N_QUERIES + 1];
  static gsize built = 0;

  if (g_once_init_enter (&built))
    {
      sql[QUERY_LAST_CONSUMER] = "SELECT consumer FROM identities WHERE account = :account"
                                 " ORDER BY last_used DESC LIMIT 1";
      sql[QUERY_CONVERSATION] =
        _confab_store_select_sql (_confab_store_table (TABLE_CONVERSATIONS),
                                  "WHERE account = :account AND consumer = :consumer");
      sql[QUERY_POSITION] = "SELECT position FROM dialogs"
                            " WHERE account = :account AND consumer = :consumer AND dialog = :dialog";
      /* newest first, from a position down */
      sql[QUERY_DIALOGS] = "SELECT dialog, position FROM dialogs"
                           " WHERE account = :account AND consumer = :consumer AND position <= :position"
                           " ORDER BY position DESC";
      /* a dialog's messages before a sequence, newest first: the primary key, read backwards */
      sql[QUERY_EVENTS] =
        _confab_store_select_sql (_confab_store_table (TABLE_EVENTS),
                                  "WHERE account = :account AND consumer = :consumer AND dialog = :dialog"
                                  " AND sequence < :before ORDER BY sequence DESC LIMIT :limit");
      /* the same for the agent's messages alone, from the index of those */
      sql[QUERY_AGENT] = "SELECT read_sent FROM events INDEXED BY events_agent"
                         " WHERE account = :account AND consumer = :consumer AND dialog = :dialog AND own = 0"
                         " AND sequence < :before ORDER BY sequence DESC LIMIT :limit";
      /* one look at the end of the primary key per dialog */
      sql[QUERY_LAST_SEQUENCES] = "SELECT d.dialog, (SELECT MAX (e.sequence) FROM events e WHERE e.account = d.account"
                                  " AND e.consumer = d.consumer AND e.dialog = d.dialog)"
                                  " FROM dialogs d WHERE d.account = :account AND d.consumer = :consumer";
      sql[QUERY_UNACCEPTED] = "SELECT sequence FROM events INDEXED BY events_unaccepted"
                              " WHERE account = :account AND consumer = :consumer AND dialog = :dialog"
                              " AND own = 0 AND accept_sent = 0 ORDER BY sequence";
      /* an own message in the history is sent, whatever the outbox says */
      sql[QUERY_OUTBOX] =
        _confab_store_select_sql (_confab_store_table (TABLE_OUTBOX),
                                  "WHERE account = :account AND consumer = :consumer AND NOT EXISTS"
                                  " (SELECT 1 FROM events e WHERE e.local_id = outbox.local_id AND e.local_id != 0)"
                                  " ORDER BY local_id");
      /* a dialog's events before a sequence, in the order of the primary key */
      sql[QUERY_MARKERS] =
        _confab_store_select_sql (_confab_store_table (TABLE_MARKERS),
                                  "WHERE account = :account AND consumer = :consumer AND dialog = :dialog"
                                  " AND after_sequence < :before ORDER BY after_sequence, time, event");
      sql[QUERY_PROFILES] = _confab_store_select_sql (_confab_store_table (TABLE_PROFILES), "WHERE account = :account");
      g_once_init_leave (&built, 1);
    }
  return sql;
}

const char *const *
_confab_store_get_read_queries (void)
{
  return queries ();
}

/* The prepared queries of one read job */
typedef struct
{
  sqlite3_stmt *stmt[N_QUERIES];
} Statements;

static void
statements_clear (Statements *statements)
{
  for (guint i = 0; i < N_QUERIES; i++)
    g_clear_pointer (&statements->stmt[i], sqlite3_finalize);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Statements, statements_clear)

/* The query, prepared and reset, bound to the job's identity; NULL (the failure noted) when
 * it cannot be prepared. */
static sqlite3_stmt *
statement (ConfabStore *self,
           Statements  *statements,
           Query        query,
           Job         *job)
{
  sqlite3_stmt *stmt = statements->stmt[query];
  int rc;

  if (stmt == NULL)
    {
      if ((rc = sqlite3_prepare_v2 (self->db, queries ()[query], -1, &stmt, NULL)) != SQLITE_OK)
        {
          _confab_store_failed (self, rc);
          return NULL;
        }
      statements->stmt[query] = stmt;
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  _confab_store_bind_text (stmt, _confab_store_param (stmt, ":account"), job->account);
  if (query != QUERY_LAST_CONSUMER && query != QUERY_PROFILES)
    _confab_store_bind_text (stmt, _confab_store_param (stmt, ":consumer"), job->consumer);
  return stmt;
}

/* Steps through the rows of stmt, each added to into by make; FALSE if a step failed before
 * the last row: an error reading is an error, never the end of the rows. */
static gboolean
read_rows (ConfabStore   *self,
           sqlite3_stmt  *stmt,
           GPtrArray     *into,
           ConfabMessage *(*make) (sqlite3_stmt *stmt,
                                   const char   *consumer),
           const char    *consumer)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (into, make (stmt, consumer));
  return rc == SQLITE_DONE || _confab_store_failed (self, rc);
}

static ConfabMessage *
make_outbox_message (sqlite3_stmt *stmt,
                     const char   *consumer)
{
  return message_from_outbox (stmt);
}

/* Agent messages with no READ published before (position, before), back to the newest that
 * has one, at most CONFAB_STORE_UNREAD_MAX. */
static gboolean
count_unread_before (ConfabStore *self,
                     Statements  *statements,
                     Job         *job,
                     gint64       position,
                     gint64       before,
                     guint       *n_unread)
{
  sqlite3_stmt *dialogs = statement (self, statements, QUERY_DIALOGS, job);
  int rc;

  *n_unread = 0;
  if (dialogs == NULL)
    return FALSE;
  sqlite3_bind_int64 (dialogs, _confab_store_param (dialogs, ":position"), position);
  while (*n_unread < CONFAB_STORE_UNREAD_MAX)
    {
      sqlite3_stmt *agent;

      if ((rc = sqlite3_step (dialogs)) == SQLITE_DONE)
        return TRUE;
      if (rc != SQLITE_ROW)
        return _confab_store_failed (self, rc);
      if ((agent = statement (self, statements, QUERY_AGENT, job)) == NULL)
        return FALSE;
      _confab_store_bind_text (agent, _confab_store_param (agent, ":dialog"),
                               (const char *) sqlite3_column_text (dialogs, 0));
      sqlite3_bind_int64 (agent, _confab_store_param (agent, ":before"),
                          sqlite3_column_int64 (dialogs, 1) == position ? before : G_MAXINT64);
      sqlite3_bind_int (agent, _confab_store_param (agent, ":limit"), CONFAB_STORE_UNREAD_MAX - *n_unread);
      while ((rc = sqlite3_step (agent)) == SQLITE_ROW)
        {
          /* the newest one read: the unread ones end here */
          if (sqlite3_column_int (agent, 0))
            return TRUE;
          (*n_unread)++;
        }
      if (rc != SQLITE_DONE)
        return _confab_store_failed (self, rc);
    }
  return TRUE;
}

typedef struct
{
  gint64 position;
  gint64 after;
  guint index;
} MarkerPlace;

static int
marker_place_compare (gconstpointer a,
                      gconstpointer b)
{
  const MarkerPlace *x = a, *y = b;

  if (x->position != y->position)
    return x->position < y->position ? -1 : 1;
  if (x->after != y->after)
    return x->after < y->after ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Puts the events of the conversation read with a page (markers, at marker_positions) among
 * its messages (in list order, at positions), each after the message it follows. Only those
 * at or after (from_position, from_sequence), the page's first message, when there are older
 * pages: the events before it are theirs. */
static void
merge_markers (GPtrArray *messages,
               GArray    *positions,
               GPtrArray *markers,
               GArray    *marker_positions,
               gboolean   bounded,
               gint64     from_position,
               gint64     from_sequence)
{
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (MarkerPlace));
  g_autoptr(GPtrArray) merged = NULL;
  guint j = 0;

  for (guint i = 0; i < markers->len; i++)
    {
      MarkerPlace place = { g_array_index (marker_positions, gint64, i),
                            confab_message_get_after_sequence (g_ptr_array_index (markers, i)), i };

      if (!bounded || place.position > from_position ||
          (place.position == from_position && place.after >= from_sequence))
        g_array_append_val (places, place);
    }
  if (places->len == 0)
    return;
  g_array_sort (places, marker_place_compare);

  merged = g_ptr_array_new_full (messages->len + places->len, g_object_unref);
  for (guint i = 0; i <= messages->len; i++)
    {
      gint64 position = i < messages->len ? g_array_index (positions, gint64, i) : G_MAXINT64;
      gint64 sequence = i < messages->len ? confab_message_get_sequence (g_ptr_array_index (messages, i)) : G_MAXINT64;

      for (; j < places->len; j++)
        {
          MarkerPlace *place = &g_array_index (places, MarkerPlace, j);

          if (place->position > position || (place->position == position && place->after >= sequence))
            break;
          g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (markers, place->index)));
        }
      if (i < messages->len)
        g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (messages, i)));
    }
  g_ptr_array_set_size (messages, 0);
  g_ptr_array_extend_and_steal (messages, g_steal_pointer (&merged));
}

/* At most limit messages before (position, before) in list order, oldest first, with the
 * events of the conversation among them; whether there are more before them, and how many
 * of those are unread. */
static gboolean
read_page (ConfabStore *self,
           Statements  *statements,
           Job         *job,
           gint64       position,
           gint64       before,
           guint        limit,
           GPtrArray   *messages,
           gboolean    *has_older,
           guint       *n_unread_before)
{
  sqlite3_stmt *dialogs = statement (self, statements, QUERY_DIALOGS, job);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) markers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) marker_positions = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint want = limit + 1;     /* one more says whether there are older ones */
  gint64 from_position = 0, from_sequence = 0;
  int rc = SQLITE_DONE;

  *has_older = FALSE;
  *n_unread_before = 0;
  if (dialogs == NULL)
    return FALSE;
  sqlite3_bind_int64 (dialogs, _confab_store_param (dialogs, ":position"), position);
  while (messages->len < want && (rc = sqlite3_step (dialogs)) == SQLITE_ROW)
    {
      sqlite3_stmt *events = statement (self, statements, QUERY_EVENTS, job);
      sqlite3_stmt *marks;
      const char *dialog = (const char *) sqlite3_column_text (dialogs, 0);
      gint64 dialog_position = sqlite3_column_int64 (dialogs, 1);
      gint64 bound = dialog_position == position ? before : G_MAXINT64;

      if (events == NULL)
        return FALSE;
      _confab_store_bind_text (events, _confab_store_param (events, ":dialog"), dialog);
      sqlite3_bind_int64 (events, _confab_store_param (events, ":before"), bound);
      sqlite3_bind_int (events, _confab_store_param (events, ":limit"), want - messages->len);
      if (!read_rows (self, events, messages, message_from_event, job->consumer))
        return FALSE;
      while (positions->len < messages->len)
        g_array_append_val (positions, dialog_position);

      /* and the events of the conversation there */
      if ((marks = statement (self, statements, QUERY_MARKERS, job)) == NULL)
        return FALSE;
      _confab_store_bind_text (marks, _confab_store_param (marks, ":dialog"), dialog);
      sqlite3_bind_int64 (marks, _confab_store_param (marks, ":before"), bound);
      if (!read_rows (self, marks, markers, message_from_marker, NULL))
        return FALSE;
      while (marker_positions->len < markers->len)
        g_array_append_val (marker_positions, dialog_position);
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _confab_store_failed (self, rc);

  if (messages->len > limit)
    {
      *has_older = TRUE;
      g_ptr_array_set_size (messages, limit);
      g_array_set_size (positions, limit);
    }
  /* read newest first: the list wants them oldest first */
  for (guint i = 0, j = messages->len; i + 1 < j; i++, j--)
    {
      gpointer swap = messages->pdata[i];
      gint64 swap_position = g_array_index (positions, gint64, i);

      messages->pdata[i] = messages->pdata[j - 1];
      messages->pdata[j - 1] = swap;
      g_array_index (positions, gint64, i) = g_array_index (positions, gint64, j - 1);
      g_array_index (positions, gint64, j - 1) = swap_position;
    }

  if (*has_older && messages->len > 0)
    {
      from_position = g_array_index (positions, gint64, 0);
      from_sequence = confab_message_get_sequence (g_ptr_array_index (messages, 0));
      if (!count_unread_before (self, statements, job, from_position, from_sequence, n_unread_before))
        return FALSE;
    }
  merge_markers (messages, positions, markers, marker_positions, *has_older && messages->len > 0,
                 from_position, from_sequence);
  return TRUE;
}

ConfabStoreSnapshot *
_confab_store_run_load (ConfabStore *self,
                        Job         *job)
{
  g_autoptr(ConfabStoreSnapshot) snapshot = g_new0 (ConfabStoreSnapshot, 1);
  g_auto(Statements) statements = { { NULL } };
  sqlite3_stmt *stmt;
  int rc;

  snapshot->messages = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->outbox = g_ptr_array_new_with_free_func (g_object_unref);
  snapshot->last_sequences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  snapshot->unaccepted = g_array_new (FALSE, FALSE, sizeof (gint64));
  snapshot->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* The agents' names, whoever's history it is */
  if ((stmt = statement (self, &statements, QUERY_PROFILES, job)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (snapshot->profiles, _confab_store_column_text (stmt, PROFILE_AGENT),
                         _confab_store_column_text (stmt, PROFILE_NICKNAME));
  if (rc != SQLITE_DONE)
    goto step_failed;

  /* Whose: the one asked for, or the one that wrote last */
  if (job->consumer == NULL)
    {
      if ((stmt = statement (self, &statements, QUERY_LAST_CONSUMER, job)) == NULL)
        return NULL;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        return g_steal_pointer (&snapshot);
      if (rc != SQLITE_ROW)
        goto step_failed;
      job->consumer = _confab_store_column_text (stmt, 0);
    }
  snapshot->consumer_id = g_strdup (job->consumer);

  if ((stmt = statement (self, &statements, QUERY_CONVERSATION, job)) == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      snapshot->conversation_id = _confab_store_column_text (stmt, CONVERSATION_CONVERSATION);
      snapshot->agent_id = _confab_store_column_text (stmt, CONVERSATION_AGENT);
    }
  else if (rc != SQLITE_DONE)
    goto step_failed;

  if (!read_page (self, &statements, job, G_MAXINT64, G_MAXINT64, job->limit, snapshot->messages,
                  &snapshot->has_older, &snapshot->n_unread_before))
    return NULL;

  if ((stmt = statement (self, &statements, QUERY_LAST_SEQUENCES, job)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
      g_hash_table_insert (snapshot->last_sequences, _confab_store_column_text (stmt, 0),
                           g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 1) }, sizeof (gint64)));
  if (rc != SQLITE_DONE)
    goto step_failed;

  if (snapshot->conversation_id != NULL)
    {
      if ((stmt = statement (self, &statements, QUERY_UNACCEPTED, job)) == NULL)
        return NULL;
      _confab_store_bind_text (stmt, _confab_store_param (stmt, ":dialog"), snapshot->conversation_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_array_append_val (snapshot->unaccepted, (gint64) { sqlite3_column_int64 (stmt, 0) });
      if (rc != SQLITE_DONE)
        goto step_failed;
    }

  if ((stmt = statement (self, &statements, QUERY_OUTBOX, job)) == NULL ||
      !read_rows (self, stmt, snapshot->outbox, make_outbox_message, NULL))
    return NULL;

  snapshot->surveys = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_store_survey_free);
  if (!_confab_store_read_surveys (self, job->account, job->consumer, snapshot->conversation_id, snapshot->surveys))
    return NULL;

  return g_steal_pointer (&snapshot);

step_failed:
  _confab_store_failed (self, rc);
  return NULL;
}

ConfabStorePage *
_confab_store_run_load_older (ConfabStore *self,
                              Job         *job)
{
  g_autoptr(ConfabStorePage) page = g_new0 (ConfabStorePage, 1);
  g_auto(Statements) statements = { { NULL } };
  sqlite3_stmt *where;
  int rc;

  page->messages = g_ptr_array_new_with_free_func (g_object_unref);
  if ((where = statement (self, &statements, QUERY_POSITION, job)) == NULL)
    return NULL;
  _confab_store_bind_text (where, _confab_store_param (where, ":dialog"), job->dialog);
  rc = sqlite3_step (where);
  /* a dialog the history does not hold has nothing before it */
  if (rc == SQLITE_DONE)
    return g_steal_pointer (&page);
  if (rc != SQLITE_ROW)
    {
      _confab_store_failed (self, rc);
      return NULL;
    }
  if (!read_page (self, &statements, job, sqlite3_column_int64 (where, 0), job->sequence, job->limit,
                  page->messages, &page->has_older, &page->n_unread_before))
    return NULL;
  return g_steal_pointer (&page);
}
