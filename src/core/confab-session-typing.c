/* confab-session-typing.c: who is typing, the agent or the person
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). The agent's chat state comes in
 * with the messaging events and shows as agent-typing; the person's goes out as
 * COMPOSING (throttled) and ACTIVE (after a pause or a send). While the composer holds
 * words the quick replies under the newest message are held back, as in LivePerson's own
 * window: the person is answering in words.
 */
#include "config.h"

#include "confab-session-private.h"

#define COMPOSING_THROTTLE_MS      3000
#define AGENT_TYPING_TIMEOUT_MS    30000

static gboolean
agent_typing_timeout_cb (gpointer data)
{
  ConfabSession *self = data;

  self->agent_typing_source = 0;
  SET_PROP (agent_typing, FALSE, PROP_AGENT_TYPING);
  return G_SOURCE_REMOVE;
}

void
_confab_session_set_agent_typing (ConfabSession *self,
                                  gboolean       typing)
{
  g_clear_handle_id (&self->agent_typing_source, g_source_remove);
  /* An agent whose "stopped typing" got lost must not type for ever. */
  if (typing)
    self->agent_typing_source = g_timeout_add (AGENT_TYPING_TIMEOUT_MS, agent_typing_timeout_cb, self);
  SET_PROP (agent_typing, typing, PROP_AGENT_TYPING);
}

static void
chat_state_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame == NULL)
    g_debug ("Typing state not published: %s", error->message);
}

static void
publish_chat_state (ConfabSession   *self,
                    ConfabChatState  state)
{
  confab_connection_send_request (self->conn, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_chat_state_body (self->conversation_id,
                                                                  _confab_session_publish_dialog (self), state),
                                  NULL, chat_state_cb, NULL);
}

static gboolean
typing_pause_cb (gpointer data)
{
  ConfabSession *self = data;

  self->typing_pause_source = 0;
  confab_session_set_typing (self, FALSE);
  return G_SOURCE_REMOVE;
}

void
confab_session_set_typing (ConfabSession *self,
                           gboolean       typing)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (CONFAB_IS_SESSION (self));

  g_clear_handle_id (&self->typing_pause_source, g_source_remove);

  if (!typing)
    {
      if (self->composing_sent && _confab_session_can_publish (self))
        publish_chat_state (self, CONFAB_CHAT_STATE_ACTIVE);
      self->composing_sent = FALSE;
      self->last_composing = 0;
      return;
    }

  if (!_confab_session_can_publish (self))
    return;

  if (!self->composing_sent || now - self->last_composing > COMPOSING_THROTTLE_MS * 1000)
    {
      publish_chat_state (self, CONFAB_CHAT_STATE_COMPOSING);
      self->composing_sent = TRUE;
      self->last_composing = now;
    }
  self->typing_pause_source = g_timeout_add (self->typing_pause_ms, typing_pause_cb, self);
}

void
confab_session_set_drafting (ConfabSession *self,
                             gboolean       drafting)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  drafting = !!drafting;
  if (self->drafting == drafting)
    return;
  self->drafting = drafting;
  _confab_session_update_quick_replies (self);
}
