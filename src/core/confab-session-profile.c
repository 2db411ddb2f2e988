/* confab-session-profile.c: the agent's profile, for a name to show
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). When the conversation names an
 * agent, the account's profile service is asked for the agent's nickname; a transfer
 * cancels the question about the previous agent.
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

static void
profile_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ProfileData) pd = user_data;
  ConfabSession *self = pd->self;
  const char *agent_id = pd->agent_id;
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
  if (name != NULL && *name != '\0' && g_strcmp0 (agent_id, self->agent_id) == 0)
    _confab_session_set_string_prop (self, &self->agent_nickname, name, PROP_AGENT_NICKNAME);
}

void
_confab_session_set_agent (ConfabSession *self,
                           const char    *agent_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  ProfileData *pd;

  if (g_strcmp0 (self->agent_id, agent_id) == 0)
    return;

  /* A transfer: the old agent's profile no longer matters. */
  if (self->profile_cancellable != NULL)
    g_cancellable_cancel (self->profile_cancellable);
  g_clear_object (&self->profile_cancellable);
  _confab_session_set_string_prop (self, &self->agent_id, agent_id, PROP_AGENT_ID);
  _confab_session_set_string_prop (self, &self->agent_nickname, NULL, PROP_AGENT_NICKNAME);
  if (agent_id == NULL || confab_account_get_accdn (self->account) == NULL)
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
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  pd = g_new0 (ProfileData, 1);
  pd->self = g_object_ref (self);
  pd->agent_id = g_strdup (agent_id);
  self->profile_cancellable = g_cancellable_new ();
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_LOW, self->profile_cancellable,
                                    profile_cb, pd);
}
