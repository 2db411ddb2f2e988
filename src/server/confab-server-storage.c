/* confab-server-storage.c: ConfabServer's state file
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole state is one JSON file (the form confab-server-state.c reads), written
 * atomically: into a new file beside it, then renamed over it.
 *
 * A big state takes long to turn into text and to write, so neither happens on the main
 * loop, where every socket is served. A save takes a snapshot there — a copy of what can
 * change, references to what cannot: stored events never change but for their receipt
 * state, and their JSON is sealed — and a worker thread builds the text and writes it.
 * Saves are coalesced: one at most runs at a time, SAVE_DEBOUNCE_MS after a change, and
 * changes made meanwhile go into the next one.
 *
 * The worker reads event JSON that the main loop reads too, and must never take or drop a
 * reference to it: json-glib counts references to objects without atomic operations. So
 * the snapshot holds its references from the main loop, and the worker writes the text
 * straight from the shared nodes with confab_json_write(), which takes no reference.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "confab-server-private.h"

#define SAVE_DEBOUNCE_MS 250

/* The new file a save writes before renaming it over the state file: FILE.saving-XXXXXX.
 * One left behind by a save that was killed is removed at the next start. */
#define TEMP_INFIX ".saving-"
#define TEMP_TEMPLATE TEMP_INFIX "XXXXXX"

/* A dialog's events as they were: borrowed, with their receipt state copied. */
typedef struct {
  GPtrArray *events;                       /* of ConfabStoredEvent, borrowed */
  guint8 *accept_status;                   /* of each event, as it was */
} EventsSnapshot;

typedef struct {
  char *id;
  gboolean closed;
  ConfabCloseReason close_reason;
  gint64 start_ts;
  gint64 end_ts;
  EventsSnapshot events;
} SurveySnapshot;

typedef struct {
  ConfabStoredConversation *conversation;  /* borrowed for its id, account and consumer */
  char *agent_id;
  gboolean closed;
  ConfabCloseReason close_reason;
  gint64 start_ts;
  gint64 end_ts;
  gint64 last_update_ts;
  JsonNode *csat;                          /* a reference, or NULL */
  EventsSnapshot events;
  SurveySnapshot *survey;                  /* or NULL */
} ConversationSnapshot;

/* A hosted file: a new upload to its path replaces the state's entry, so nothing of it is
 * borrowed. */
typedef struct {
  char *relative_path;
  char *account_id;
  ConfabFileType file_type;
  gint64 created_ts;
  GBytes *data;
} FileSnapshot;

/* What the state was at one moment. Borrowed parts stay: a state is only freed, and its
 * conversations, consumers and events are only dropped, once no save runs. */
typedef struct {
  GBytes *key;
  GPtrArray *consumers;                    /* of ConfabStoredConsumer, borrowed */
  GArray *conversations;                   /* of ConversationSnapshot */
  GArray *files;                           /* of FileSnapshot */
} StateSnapshot;

struct _ConfabServerSave {
  ConfabServer *server;
  char *path;
  StateSnapshot *snapshot;
  GThread *thread;
  guint done_source;                       /* set by the worker */
  GError *error;                           /* set by the worker */
};

static void
events_snapshot_clear (EventsSnapshot *snapshot)
{
  g_clear_pointer (&snapshot->events, g_ptr_array_unref);
  g_clear_pointer (&snapshot->accept_status, g_free);
}

static void
survey_snapshot_free (SurveySnapshot *snapshot)
{
  g_free (snapshot->id);
  events_snapshot_clear (&snapshot->events);
  g_free (snapshot);
}

static void
conversation_snapshot_clear (ConversationSnapshot *snapshot)
{
  g_free (snapshot->agent_id);
  g_clear_pointer (&snapshot->csat, json_node_unref);
  events_snapshot_clear (&snapshot->events);
  g_clear_pointer (&snapshot->survey, survey_snapshot_free);
}

static void
file_snapshot_clear (FileSnapshot *snapshot)
{
  g_free (snapshot->relative_path);
  g_free (snapshot->account_id);
  g_bytes_unref (snapshot->data);
}

static void
state_snapshot_free (StateSnapshot *snapshot)
{
  g_bytes_unref (snapshot->key);
  g_ptr_array_unref (snapshot->consumers);
  g_array_unref (snapshot->conversations);
  g_array_unref (snapshot->files);
  g_free (snapshot);
}

/* The same pointers, not owned (g_ptr_array_copy() would keep the free function). */
static GPtrArray *
borrow_elements (GPtrArray *array)
{
  GPtrArray *copy = g_ptr_array_sized_new (array->len);

  g_ptr_array_extend (copy, array, NULL, NULL);
  return copy;
}

static void
events_snapshot_init (EventsSnapshot *snapshot,
                      GPtrArray      *events)
{
  snapshot->events = borrow_elements (events);
  snapshot->accept_status = g_new (guint8, MAX (events->len, 1));
  for (guint i = 0; i < events->len; i++)
    snapshot->accept_status[i] = ((ConfabStoredEvent *) g_ptr_array_index (events, i))->accept_status;
}

static SurveySnapshot *
survey_snapshot_new (ConfabStoredSurvey *survey)
{
  SurveySnapshot *snapshot = g_new0 (SurveySnapshot, 1);

  snapshot->id = g_strdup (survey->id);
  snapshot->closed = survey->closed;
  snapshot->close_reason = survey->close_reason;
  snapshot->start_ts = survey->start_ts;
  snapshot->end_ts = survey->end_ts;
  events_snapshot_init (&snapshot->events, survey->events);
  return snapshot;
}

/* Main loop: cheap, it copies pointers and a few numbers. */
static StateSnapshot *
state_snapshot_new (ConfabServerState *state)
{
  StateSnapshot *snapshot = g_new0 (StateSnapshot, 1);

  snapshot->key = g_bytes_ref (state->key);
  snapshot->consumers = borrow_elements (state->consumers);
  snapshot->conversations = g_array_sized_new (FALSE, TRUE, sizeof (ConversationSnapshot),
                                               state->conversations->len);
  g_array_set_clear_func (snapshot->conversations, (GDestroyNotify) conversation_snapshot_clear);

  for (guint i = 0; i < state->conversations->len; i++)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (state->conversations, i);
      ConversationSnapshot one = { conversation, g_strdup (conversation->agent_id), conversation->closed,
                                   conversation->close_reason, conversation->start_ts, conversation->end_ts,
                                   conversation->last_update_ts, NULL, { NULL, NULL }, NULL };

      if (conversation->csat != NULL)
        one.csat = json_node_ref (conversation->csat);
      events_snapshot_init (&one.events, conversation->events);
      if (conversation->survey != NULL)
        one.survey = survey_snapshot_new (conversation->survey);
      g_array_append_val (snapshot->conversations, one);
    }

  snapshot->files = g_array_sized_new (FALSE, TRUE, sizeof (FileSnapshot), state->files->len);
  g_array_set_clear_func (snapshot->files, (GDestroyNotify) file_snapshot_clear);
  for (guint i = 0; i < state->files->len; i++)
    {
      ConfabStoredFile *file = g_ptr_array_index (state->files, i);
      FileSnapshot one = { g_strdup (file->relative_path), g_strdup (file->account_id), file->file_type,
                           file->created_ts, g_bytes_ref (file->data) };

      g_array_append_val (snapshot->files, one);
    }

  return snapshot;
}

/* The rest runs on the worker: the same form as confab_server_state_to_json(), written
 * straight to text by the protocol's compact writer, which only reads the stored JSON. It
 * writes no number JSON cannot hold: json-glib's generator writes a published 1e999 (read
 * as infinity) as inf.0, and the file would not load again. */

/* "name": after a comma unless it is the object's first member */
static void
write_name (GString    *out,
            const char *name)
{
  if (out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  confab_json_write_string (out, name);
  g_string_append_c (out, ':');
}

static void
write_string_member (GString    *out,
                     const char *name,
                     const char *value)
{
  write_name (out, name);
  if (value != NULL)
    confab_json_write_string (out, value);
  else
    g_string_append (out, "null");
}

static void
write_int_member (GString    *out,
                  const char *name,
                  gint64      value)
{
  write_name (out, name);
  g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

static void
write_event (GString           *out,
             ConfabStoredEvent *event,
             guint8             accept_status)
{
  const char *status = confab_receipt_status_to_string (accept_status);

  g_string_append_c (out, '{');
  write_int_member (out, "sequence", event->sequence);
  write_int_member (out, "serverTimestamp", event->server_timestamp);
  write_string_member (out, "originatorId", event->originator_id);
  write_string_member (out, "role", event->role);
  write_name (out, "event");
  confab_json_write (out, event->event);
  if (event->metadata != NULL)
    {
      write_name (out, "metadata");
      confab_json_write (out, event->metadata);
    }
  if (status != NULL)
    write_string_member (out, "acceptStatus", status);
  g_string_append_c (out, '}');
}

static void
write_events (GString        *out,
              EventsSnapshot *snapshot)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < snapshot->events->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_event (out, g_ptr_array_index (snapshot->events, i), snapshot->accept_status[i]);
    }
  g_string_append_c (out, ']');
}

static void
write_survey (GString        *out,
              SurveySnapshot *survey)
{
  const char *close_reason = confab_close_reason_to_string (survey->close_reason);

  g_string_append_c (out, '{');
  write_string_member (out, "dialogId", survey->id);
  write_string_member (out, "state", survey->closed ? "CLOSE" : "OPEN");
  if (close_reason != NULL)
    write_string_member (out, "closeReason", close_reason);
  write_int_member (out, "startTs", survey->start_ts);
  write_int_member (out, "endTs", survey->end_ts);
  write_name (out, "events");
  write_events (out, &survey->events);
  g_string_append_c (out, '}');
}

static void
write_conversation (GString              *out,
                    ConversationSnapshot *snapshot)
{
  const char *close_reason = confab_close_reason_to_string (snapshot->close_reason);

  g_string_append_c (out, '{');
  write_string_member (out, "id", snapshot->conversation->id);
  write_string_member (out, "accountId", snapshot->conversation->account_id);
  write_string_member (out, "consumerId", snapshot->conversation->consumer_id);
  if (snapshot->agent_id != NULL)
    write_string_member (out, "agentId", snapshot->agent_id);
  write_string_member (out, "state", snapshot->closed ? "CLOSE" : "OPEN");
  if (close_reason != NULL)
    write_string_member (out, "closeReason", close_reason);
  write_int_member (out, "startTs", snapshot->start_ts);
  write_int_member (out, "endTs", snapshot->end_ts);
  write_int_member (out, "metaDataLastUpdateTs", snapshot->last_update_ts);
  if (snapshot->csat != NULL)
    {
      write_name (out, "csat");
      confab_json_write (out, snapshot->csat);
    }
  if (snapshot->survey != NULL)
    {
      write_name (out, "survey");
      write_survey (out, snapshot->survey);
    }
  write_name (out, "events");
  write_events (out, &snapshot->events);
  g_string_append_c (out, '}');
}

static void
write_consumer (GString              *out,
                ConfabStoredConsumer *consumer)
{
  g_string_append_c (out, '{');
  write_string_member (out, "id", consumer->id);
  write_string_member (out, "accountId", consumer->account_id);
  write_int_member (out, "createdTs", consumer->created_ts);
  g_string_append_c (out, '}');
}

static void
write_file (GString      *out,
            FileSnapshot *file)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (file->data, &len);
  g_autofree char *base64 = g_base64_encode (data, len);

  g_string_append_c (out, '{');
  write_string_member (out, "relativePath", file->relative_path);
  write_string_member (out, "accountId", file->account_id);
  write_string_member (out, "fileType", confab_file_type_to_string (file->file_type));
  write_int_member (out, "createdTs", file->created_ts);
  write_string_member (out, "data", base64);
  g_string_append_c (out, '}');
}

/* Room for the whole text at once: each event's size is about that of its text. */
static gsize
estimate_text_size (StateSnapshot *snapshot)
{
  gsize size = 4096 + snapshot->consumers->len * 256;

  for (guint i = 0; i < snapshot->conversations->len; i++)
    {
      ConversationSnapshot *conversation = &g_array_index (snapshot->conversations, ConversationSnapshot, i);

      size += 1024;
      for (guint j = 0; j < conversation->events.events->len; j++)
        size += ((ConfabStoredEvent *) g_ptr_array_index (conversation->events.events, j))->size;
      for (guint j = 0; conversation->survey != NULL && j < conversation->survey->events.events->len; j++)
        size += ((ConfabStoredEvent *) g_ptr_array_index (conversation->survey->events.events, j))->size;
    }

  for (guint i = 0; i < snapshot->files->len; i++)
    size += 512 + g_bytes_get_size (g_array_index (snapshot->files, FileSnapshot, i).data) / 3 * 4;

  return size;
}

static GString *
state_snapshot_to_text (StateSnapshot *snapshot)
{
  GString *out = g_string_sized_new (estimate_text_size (snapshot));
  g_autofree char *key = NULL;
  gsize key_len = 0;
  const guint8 *key_data = g_bytes_get_data (snapshot->key, &key_len);

  key = g_base64_encode (key_data, key_len);

  g_string_append_c (out, '{');
  write_int_member (out, "version", CONFAB_SERVER_STATE_VERSION);
  write_string_member (out, "key", key);
  write_name (out, "consumers");
  g_string_append_c (out, '[');
  for (guint i = 0; i < snapshot->consumers->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_consumer (out, g_ptr_array_index (snapshot->consumers, i));
    }
  g_string_append_c (out, ']');
  write_name (out, "conversations");
  g_string_append_c (out, '[');
  for (guint i = 0; i < snapshot->conversations->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_conversation (out, &g_array_index (snapshot->conversations, ConversationSnapshot, i));
    }
  g_string_append_c (out, ']');
  write_name (out, "files");
  g_string_append_c (out, '[');
  for (guint i = 0; i < snapshot->files->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_file (out, &g_array_index (snapshot->files, FileSnapshot, i));
    }
  g_string_append (out, "]}");

  return out;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len,
           GError     **error)
{
  while (len > 0)
    {
      gssize written = write (fd, data, len);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          int saved_errno = errno;

          g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          return FALSE;
        }
      data += written;
      len -= (gsize) written;
    }

  return TRUE;
}

static void
set_error_from_errno (GError     **error,
                      int          saved_errno,
                      const char  *what,
                      const char  *path)
{
  if (error != NULL && *error == NULL)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                 "Cannot %s %s: %s", what, path, g_strerror (saved_errno));
}

/* A new file beside path, flushed to disk, then renamed over path. Readable by its owner
 * only: the file holds the signing key. */
static gboolean
write_atomically (const char  *path,
                  const char  *data,
                  gsize        len,
                  GError     **error)
{
  g_autofree char *temp_path = g_strconcat (path, TEMP_TEMPLATE, NULL);
  int fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0600);
  gboolean ok;

  if (fd < 0)
    {
      set_error_from_errno (error, errno, "create", temp_path);
      return FALSE;
    }

  ok = write_all (fd, data, len, error);
  if (ok && fsync (fd) != 0)
    {
      set_error_from_errno (error, errno, "write", temp_path);
      ok = FALSE;
    }
  if (close (fd) != 0 && ok)
    {
      set_error_from_errno (error, errno, "write", temp_path);
      ok = FALSE;
    }
  if (ok && g_rename (temp_path, path) != 0)
    {
      set_error_from_errno (error, errno, "replace", path);
      ok = FALSE;
    }

  if (!ok)
    g_unlink (temp_path);
  return ok;
}

static gboolean
write_snapshot (const char     *path,
                StateSnapshot  *snapshot,
                GError        **error)
{
  g_autoptr(GString) text = state_snapshot_to_text (snapshot);

  return write_atomically (path, text->str, text->len, error);
}

/* Saves in the background */

static void
save_free (ConfabServerSave *save)
{
  g_clear_pointer (&save->snapshot, state_snapshot_free);
  g_clear_error (&save->error);
  g_free (save->path);
  g_free (save);
}

/* Main loop: the save is over, its worker gone or about to return. */
static void
finish_save (ConfabServerSave *save)
{
  ConfabServer *self = save->server;

  if (save->thread != NULL)
    g_thread_join (save->thread);
  self->save = NULL;

  if (save->error != NULL)
    {
      /* What it held is still to be saved, with the next change or at shutdown. */
      self->dirty = TRUE;
      g_warning ("Cannot save the state: %s", save->error->message);
      save_free (save);
      return;
    }

  save_free (save);
  /* Changes made meanwhile. */
  if (self->dirty)
    confab_server_schedule_save (self);
}

static gboolean
save_done_cb (gpointer user_data)
{
  /* Not save->done_source: the worker may still be storing it. */
  finish_save (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
save_thread (gpointer data)
{
  ConfabServerSave *save = data;

  write_snapshot (save->path, save->snapshot, &save->error);
  save->done_source = g_idle_add_full (G_PRIORITY_DEFAULT, save_done_cb, save, NULL);

  return NULL;
}

static void
start_save (ConfabServer *self)
{
  ConfabServerSave *save = g_new0 (ConfabServerSave, 1);
  g_autoptr(GError) error = NULL;

  save->server = self;
  save->path = g_strdup (self->state_path);
  save->snapshot = state_snapshot_new (self->state);
  self->dirty = FALSE;
  self->save = save;

  save->thread = g_thread_try_new ("confab-save", save_thread, save, &error);
  if (save->thread == NULL)
    {
      g_debug ("no thread to save in (%s): saving on the main loop", error->message);
      write_snapshot (save->path, save->snapshot, &save->error);
      finish_save (save);
    }
}

/* Waits for the save that runs, if one does, and deals with its end at once. */
static void
wait_for_save (ConfabServer *self)
{
  ConfabServerSave *save = self->save;

  if (save == NULL)
    return;

  g_thread_join (save->thread);
  save->thread = NULL;
  /* Its callback has not run: it would run on this thread. */
  g_source_remove (save->done_source);
  finish_save (save);
}

static gboolean
save_cb (gpointer user_data)
{
  ConfabServer *self = user_data;

  self->save_source = 0;
  if (self->dirty && self->save == NULL && self->state_path != NULL)
    start_save (self);

  return G_SOURCE_REMOVE;
}

void
confab_server_schedule_save (ConfabServer *self)
{
  self->dirty = TRUE;

  /* A save that runs schedules the next one when it ends. */
  if (self->state_path != NULL && self->save_source == 0 && self->save == NULL && !self->is_shut_down)
    self->save_source = g_timeout_add (SAVE_DEBOUNCE_MS, save_cb, self);
}

gboolean
confab_server_save_state (ConfabServer  *self,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  StateSnapshot *snapshot;
  gboolean ok;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  wait_for_save (self);
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->state_path == NULL)
    return TRUE;

  snapshot = state_snapshot_new (self->state);
  ok = write_snapshot (self->state_path, snapshot, &local_error);
  state_snapshot_free (snapshot);
  if (!ok)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                   "Cannot save the state: %s", local_error->message);
      return FALSE;
    }

  self->dirty = FALSE;
  return TRUE;
}

/* At shutdown: the save that runs ends, and what is left is saved now. */
void
confab_server_storage_stop (ConfabServer *self)
{
  g_autoptr(GError) error = NULL;

  wait_for_save (self);
  if (self->dirty && !confab_server_save_state (self, &error))
    g_warning ("%s", error->message);
  g_clear_handle_id (&self->save_source, g_source_remove);
}

/* Loading */

/* A save killed midway leaves its new file behind: FILE.saving-XXXXXX. */
static void
remove_stale_temp_files (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base_name = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base_name, TEMP_INFIX, NULL);
  gsize name_len = strlen (prefix) + strlen ("XXXXXX");
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stale = NULL;

      if (!g_str_has_prefix (name, prefix) || strlen (name) != name_len)
        continue;

      stale = g_build_filename (dir_name, name, NULL);
      if (g_file_test (stale, G_FILE_TEST_IS_SYMLINK) || !g_file_test (stale, G_FILE_TEST_IS_REGULAR))
        continue;
      g_debug ("removing %s, left by a save that did not finish", name);
      g_unlink (stale);
    }
}

static void
seal (GPtrArray *events)
{
  for (guint i = 0; i < events->len; i++)
    {
      ConfabStoredEvent *event = g_ptr_array_index (events, i);

      json_node_seal (event->event);
      if (event->metadata != NULL)
        json_node_seal (event->metadata);
    }
}

/* The stored JSON is shared with the saves' workers: from now on nothing may change it. */
static void
seal_events (ConfabServerState *state)
{
  for (guint i = 0; i < state->conversations->len; i++)
    {
      ConfabStoredConversation *conversation = g_ptr_array_index (state->conversations, i);

      seal (conversation->events);
      if (conversation->survey != NULL)
        seal (conversation->survey->events);
      if (conversation->csat != NULL)
        json_node_seal (conversation->csat);
    }
}

/* Reads path into the server's state (a missing file is a new, empty state) and saves
 * there from now on. */
gboolean
confab_server_storage_load (ConfabServer  *self,
                            const char    *path,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ConfabServerState) state = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  /* A save that runs may borrow from the state about to be replaced. */
  wait_for_save (self);
  remove_stale_temp_files (path);

  if (!g_file_get_contents (path, &text, &len, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                       "Cannot read %s: %s", path, local_error->message);
          return FALSE;
        }

      /* A new file: keep the fresh state and write it soon. */
      g_free (self->state_path);
      self->state_path = g_strdup (path);
      confab_server_schedule_save (self);
      return TRUE;
    }

  /* No frame's limits: the file holds every event ever published, each as deep as a frame
   * allows, a few levels down. */
  state = confab_server_state_new_from_data (text, len, &local_error);
  if (state == NULL)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                   "%s is not a Confab server state: %s", path, local_error->message);
      return FALSE;
    }

  seal_events (state);
  g_clear_pointer (&self->state, confab_server_state_free);
  self->state = g_steal_pointer (&state);
  g_free (self->state_path);
  self->state_path = g_strdup (path);
  self->dirty = FALSE;

  return TRUE;
}
