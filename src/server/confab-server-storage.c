/* confab-server-storage.c: ConfabServer's state file
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole state is one JSON file, written atomically (a new file, then a rename) at most
 * every SAVE_DEBOUNCE_MS while things change, and at shutdown.
 */
#include "config.h"

#include "confab-server-private.h"

#define SAVE_DEBOUNCE_MS 250

gboolean
confab_server_save_state (ConfabServer  *self,
                          GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->state_path == NULL)
    return TRUE;

  root = confab_server_state_to_json (self->state);
  text = json_to_string (root, FALSE);

  /* The file holds the signing key: readable by its owner only. */
  if (!g_file_set_contents_full (self->state_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &local_error))
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                   "Cannot save the state: %s", local_error->message);
      return FALSE;
    }

  self->dirty = FALSE;
  return TRUE;
}

static gboolean
save_cb (gpointer user_data)
{
  ConfabServer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->save_source = 0;
  if (!confab_server_save_state (self, &error))
    g_warning ("%s", error->message);

  return G_SOURCE_REMOVE;
}

void
confab_server_schedule_save (ConfabServer *self)
{
  self->dirty = TRUE;

  if (self->state_path != NULL && self->save_source == 0 && !self->is_shut_down)
    self->save_source = g_timeout_add (SAVE_DEBOUNCE_MS, save_cb, self);
}

/* Reads path into the server's state (a missing file is a new, empty state) and saves
 * there from now on. */
gboolean
confab_server_storage_load (ConfabServer  *self,
                            const char    *path,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(ConfabServerState) state = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

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

  parser = json_parser_new ();
  if (confab_server_json_too_deep (text, len, 64) ||
      !json_parser_load_from_data (parser, text, (gssize) len, &local_error) ||
      (state = confab_server_state_new_from_json (json_parser_get_root (parser), &local_error)) == NULL)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_STATE,
                   "%s is not a Confab server state: %s", path,
                   local_error != NULL ? local_error->message : "nested too deeply");
      return FALSE;
    }

  g_clear_pointer (&self->state, confab_server_state_free);
  self->state = g_steal_pointer (&state);
  g_free (self->state_path);
  self->state_path = g_strdup (path);
  self->dirty = FALSE;

  return TRUE;
}
