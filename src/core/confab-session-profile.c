/* confab-session-profile.c: the agents' profiles, for a name on every message
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). Every agent who writes, and the
 * agent the conversation names, is looked up once a run in the account's profile service;
 * the nicknames are kept in memory and in the store, so that a restart names each sender
 * without the network. A message keeps the name of whoever sent it: a row that enters the
 * list takes its sender's name when it is known, or when the profile arrives.
 *
 * Whom the person is talking with now is one name (agent-display-name): the agent who has
 * the conversation, or else the one who wrote in it last.
 */
#include "config.h"

#include "confab-json.h"
#include "confab-session-private.h"

#define MAX_PROFILE_ANSWER         (64 * 1024)

typedef struct
{
  ConfabSession *self;
  char *agent_id;
} ProfileData;

static void
profile_data_free (ProfileData *data)
{
  g_object_unref (data->self);
  g_free (data->agent_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProfileData, profile_data_free)

/* The agent now, its name, and whether there is one: notified only when they change. */
static void
update_display_name (ConfabSession *self)
{
  const char *agent = self->agent_id != NULL ? self->agent_id : self->last_writer;

  _confab_session_set_string_prop (self, &self->agent_nickname,
                                   self->agent_id != NULL ? g_hash_table_lookup (self->profiles, self->agent_id) : NULL,
                                   PROP_AGENT_NICKNAME);
  _confab_session_set_string_prop (self, &self->agent_display_name,
                                   agent != NULL ? g_hash_table_lookup (self->profiles, agent) : NULL,
                                   PROP_AGENT_DISPLAY_NAME);
  SET_PROP (agent_present, agent != NULL, PROP_AGENT_PRESENT);
}

/* Whose name a row shows: an agent's message, or an agent who joined. */
static const char *
named_originator (ConfabMessage *message)
{
  if (confab_message_get_own (message))
    return NULL;
  if (confab_message_is_event (message) &&
      confab_message_get_event (message) != CONFAB_MESSAGE_EVENT_AGENT_JOINED)
    return NULL;
  return confab_message_get_originator_id (message);
}

/* Every row of agent_id with no name yet takes the one now known. */
static void
name_rows (ConfabSession *self,
           const char    *agent_id,
           const char    *name)
{
  GListModel *model = G_LIST_MODEL (self->messages);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      if (confab_message_get_sender_name (message) == NULL &&
          g_strcmp0 (named_originator (message), agent_id) == 0)
        confab_message_set_sender_name (message, name);
    }
}

static void
profile_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ProfileData) pd = user_data;
  ConfabSession *self = pd->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = NULL;
  SoupMessage *msg;
  gsize len = 0;
  const char *data;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Agent profile not available: %s", error->message);
      return;
    }

  msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  data = g_bytes_get_data (bytes, &len);
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) ||
      (root = confab_json_parse_full (data, len, MAX_PROFILE_ANSWER, CONFAB_JSON_MAX_DEPTH, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Agent profile answered HTTP %u without a profile", soup_message_get_status (msg));
      return;
    }

  name = confab_json_dup_string (json_node_get_object (root), "nickname");
  if (name == NULL || *name == '\0')
    return;

  if (g_strcmp0 (g_hash_table_lookup (self->profiles, pd->agent_id), name) != 0)
    {
      g_hash_table_replace (self->profiles, g_strdup (pd->agent_id), g_strdup (name));
      if (self->store != NULL)
        confab_store_save_profile (self->store, _confab_session_account_id (self), pd->agent_id, name);
    }
  name_rows (self, pd->agent_id, name);
  update_display_name (self);
}

/* Asks the profile service for the agent's nickname, once a run: a name known from the
 * store is shown meanwhile, and a nickname that changed replaces it for what comes next. */
static void
look_up (ConfabSession *self,
         const char    *agent_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  ProfileData *pd;

  if (agent_id == NULL || g_hash_table_contains (self->profile_asked, agent_id) ||
      confab_account_get_accdn (self->account) == NULL)
    return;

  url = confab_account_dup_profile_url (self->account, agent_id, &error);
  if (url == NULL)
    {
      g_debug ("No agent profile: %s", error->message);
      return;
    }

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    return;
  g_hash_table_add (self->profile_asked, g_strdup (agent_id));
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  pd = g_new0 (ProfileData, 1);
  pd->self = g_object_ref (self);
  pd->agent_id = g_strdup (agent_id);
  if (self->profile_cancellable == NULL)
    self->profile_cancellable = g_cancellable_new ();
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_LOW, self->profile_cancellable,
                                    profile_cb, pd);
}

void
_confab_session_set_agent (ConfabSession *self,
                           const char    *agent_id)
{
  if (g_strcmp0 (self->agent_id, agent_id) == 0)
    return;

  _confab_session_set_string_prop (self, &self->agent_id, agent_id, PROP_AGENT_ID);
  update_display_name (self);
  look_up (self, agent_id);
}

void
_confab_session_add_profiles (ConfabSession *self,
                              GHashTable    *profiles)
{
  GHashTableIter iter;
  gpointer agent_id, name;

  g_hash_table_iter_init (&iter, profiles);
  while (g_hash_table_iter_next (&iter, &agent_id, &name))
    if (!g_hash_table_contains (self->profiles, agent_id))
      {
        g_hash_table_insert (self->profiles, g_strdup (agent_id), g_strdup (name));
        name_rows (self, agent_id, name);
      }
  update_display_name (self);
}

void
_confab_session_forget_writer (ConfabSession *self)
{
  g_clear_pointer (&self->last_writer, g_free);
  self->last_writer_sequence = -1;
  update_display_name (self);
}

void
_confab_session_name_rows_cb (ConfabSession *self,
                              guint          position,
                              guint          removed,
                              guint          added,
                              GListModel    *model)
{
  gboolean writer_changed = FALSE;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);
      const char *originator = named_originator (message);
      const char *name;

      if (originator == NULL)
        continue;
      name = g_hash_table_lookup (self->profiles, originator);
      if (name != NULL && confab_message_get_sender_name (message) == NULL)
        confab_message_set_sender_name (message, name);
      else if (name == NULL)
        look_up (self, originator);

      /* the agent who wrote last in the conversation, if none has taken it */
      if (!confab_message_is_event (message) &&
          g_strcmp0 (confab_message_get_dialog_id (message), self->conversation_id) == 0 &&
          confab_message_get_sequence (message) > self->last_writer_sequence)
        {
          self->last_writer_sequence = confab_message_get_sequence (message);
          if (g_strcmp0 (self->last_writer, originator) != 0)
            {
              g_free (self->last_writer);
              self->last_writer = g_strdup (originator);
              writer_changed = TRUE;
            }
        }
    }
  if (writer_changed)
    update_display_name (self);
}

/* Accessors */

gboolean
confab_session_get_agent_present (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);
  return self->agent_present;
}

const char *
confab_session_get_agent_display_name (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->agent_display_name;
}
