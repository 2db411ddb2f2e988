/* confab-session-connect.c: connecting, subscribing, and reconnecting with back-off
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). Connecting resolves the account,
 * opens the socket (after the identity's history is read) and subscribes to conversation
 * metadata, then to the open dialog from the last sequence held. A socket that drops,
 * or whose watchdog or unanswered request drops it, is tried again after a growing,
 * partly random pause, or at once when the network comes back; a refused token signs
 * an anonymous consumer up again once, and otherwise signs out.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-session-private.h"

/* After (re)subscribing to a dialog, sends and receipts wait until the replay has been quiet
 * this long: the replay may show that a message or receipt lost with the old socket was in
 * fact stored, and it must not go twice. */
#define RESUME_SETTLE_MS           300
#define METADATA_WAIT_MS           3000

/* The replay after subscribing */

static gboolean
resume_settled_cb (gpointer data)
{
  ConfabSession *self = data;

  self->resume_source = 0;
  self->resuming = FALSE;
  g_debug ("Replay settled");
  _confab_session_schedule_receipts (self);
  _confab_session_flush_outbox (self);
  return G_SOURCE_REMOVE;
}

void
_confab_session_start_resume_settle (ConfabSession *self)
{
  g_clear_handle_id (&self->resume_source, g_source_remove);
  self->resuming = TRUE;
  self->resume_source = g_timeout_add (RESUME_SETTLE_MS, resume_settled_cb, self);
}

/* Subscriptions */

typedef struct
{
  ConfabSession *self;
  char *dialog_id;
} SubscribeData;

static void
subscribe_data_free (SubscribeData *data)
{
  g_object_unref (data->self);
  g_free (data->dialog_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SubscribeData, subscribe_data_free)

static void
subscribe_dialog_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SubscribeData) data = user_data;
  ConfabSession *self = data->self;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  gboolean open;

  self->subscribing = FALSE;
  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (CONFAB_CONNECTION (object) != self->conn)
    return;
  /* The conversation changed meanwhile: this answer says nothing of the one followed now. */
  if (g_strcmp0 (data->dialog_id, self->conversation_id) != 0)
    {
      if (self->conversation_status == CONFAB_CONVERSATION_OPEN)
        _confab_session_subscribe_dialog (self);
      return;
    }
  open = self->conversation_status == CONFAB_CONVERSATION_OPEN;
  if (frame == NULL)
    {
      g_debug ("Subscribing to the dialog failed: %s", error->message);
      /* Catching up on a closed conversation, refused: nothing can be done about it here,
       * and what waits to be sent goes into a new conversation. */
      if (!open && error->domain == CONFAB_RESPONSE_ERROR)
        {
          self->dialog_subscribed = TRUE;
          _confab_session_flush_outbox (self);
          return;
        }
      /* Without it nothing moves: start over with back-off. */
      if (self->conn != NULL)
        confab_connection_drop (self->conn, "the dialog subscription failed");
      return;
    }

  self->dialog_subscribed = TRUE;
  /* A good subscribe: the next failure starts the back-off afresh. */
  self->attempt = 0;
  self->signed_up_again = FALSE;

  /* What the replay will not tell: messages accepted before the socket went (in a closed
   * conversation they are accepted on this side only, see _confab_session_queue_accept()). */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->messages)); i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      _confab_session_queue_accept (self, message);
    }
  /* and those the history on disk holds beyond the list: none may go into a closed one */
  for (guint i = 0; open && i < self->unaccepted->len; i++)
    _confab_session_queue_accept_sequence (self, g_array_index (self->unaccepted, gint64, i));

  /* A conversation we just created has no history; any other may still be replaying. */
  if (self->just_requested)
    {
      self->just_requested = FALSE;
      _confab_session_schedule_receipts (self);
      _confab_session_flush_outbox (self);
    }
  else
    _confab_session_start_resume_settle (self);
}

void
_confab_session_subscribe_dialog (ConfabSession *self)
{
  gint64 from_seq;
  SubscribeData *data;

  /* A closed conversation too: what was written into it before it closed, while Confab was
   * not listening (not running, or its socket down), is only to be had from its dialog. */
  if (!_confab_session_is_online (self) || self->dialog_subscribed || self->subscribing ||
      self->conversation_id == NULL ||
      (self->conversation_status != CONFAB_CONVERSATION_OPEN &&
       self->conversation_status != CONFAB_CONVERSATION_CLOSED))
    return;

  /* Resume after the last event held: nothing twice. */
  from_seq = confab_message_list_get_last_sequence (self->messages, self->conversation_id) + 1;
  self->subscribing = TRUE;
  g_debug ("Subscribing to the %s dialog from sequence %" G_GINT64_FORMAT,
           self->conversation_status == CONFAB_CONVERSATION_OPEN ? "open" : "closed", from_seq);
  data = g_new0 (SubscribeData, 1);
  data->self = g_object_ref (self);
  data->dialog_id = g_strdup (self->conversation_id);
  confab_connection_send_request (self->conn, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (self->conversation_id,
                                                                   self->conversation_id, from_seq),
                                  NULL, subscribe_dialog_cb, data);
}

static gboolean
metadata_wait_cb (gpointer data)
{
  ConfabSession *self = data;

  self->metadata_wait_source = 0;
  self->awaiting_metadata = FALSE;
  _confab_session_flush_outbox (self);
  return G_SOURCE_REMOVE;
}

static void
subscribe_metadata_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (CONFAB_CONNECTION (object) != self->conn)
    return;
  if (frame == NULL)
    {
      g_debug ("Subscribing to conversations failed: %s", error->message);
      /* A socket that cannot subscribe is of no use: start over, with back-off. */
      confab_connection_drop (self->conn, "the conversation subscription failed");
      return;
    }

  self->attempt = 0;
  self->signed_up_again = FALSE;
  _confab_session_set_state (self, CONFAB_SESSION_ONLINE);
  _confab_session_flush_surveys (self);
  _confab_session_flush_survey_skip (self);
  if (self->conversation_status == CONFAB_CONVERSATION_OPEN)
    _confab_session_subscribe_dialog (self);
  _confab_session_subscribe_survey (self);
  if (self->awaiting_metadata)
    {
      /* A restored conversation: wait for the metadata to say whether it is still open
       * before asking for a new one (but not for ever). */
      g_clear_handle_id (&self->metadata_wait_source, g_source_remove);
      self->metadata_wait_source = g_timeout_add (METADATA_WAIT_MS, metadata_wait_cb, self);
      return;
    }
  _confab_session_flush_outbox (self);
}

void
_confab_session_subscribe_metadata (ConfabSession *self)
{
  confab_connection_send_request (self->conn, CONFAB_REQ_SUBSCRIBE_EX,
                                  confab_subscribe_ex_body (0),
                                  NULL, subscribe_metadata_cb, g_object_ref (self));
}

/* Connecting and reconnecting */

static void
signed_out (ConfabSession *self,
            const char    *reason,
            gboolean       token_refused)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->token_refused = token_refused;
  _confab_session_set_string_prop (self, &self->signed_out_reason, reason, PROP_SIGNED_OUT_REASON);
  _confab_session_set_state (self, CONFAB_SESSION_SIGNED_OUT);
}

static gboolean
retry_cb (gpointer data)
{
  ConfabSession *self = data;

  self->retry_source = 0;
  self->reconnects++;
  _confab_session_begin_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (ConfabSession *self)
{
  guint64 delay_ms;
  guint shift = MIN (self->attempt, 16);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  delay_ms = MIN ((guint64) self->backoff_base_ms << shift, (guint64) self->backoff_max_ms);
  /* Half fixed, half random: many clients that lost the same server do not come back at once. */
  delay_ms = delay_ms / 2 + (guint64) g_random_double_range (0, (double) delay_ms / 2 + 1);
  self->attempt++;

  SET_PROP (next_retry, g_get_real_time () + (gint64) delay_ms * 1000, PROP_NEXT_RETRY);
  _confab_session_set_state (self, CONFAB_SESSION_WAITING);
  self->retry_source = g_timeout_add ((guint) delay_ms, retry_cb, self);
  g_debug ("Next try in %" G_GUINT64_FORMAT " ms", delay_ms);
}

void
_confab_session_drop_connection (ConfabSession *self)
{
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  confab_connection_close (self->conn);
  g_clear_object (&self->conn);
}

void
_confab_session_lost_socket (ConfabSession *self)
{
  self->dialog_subscribed = FALSE;
  self->subscribing = FALSE;
  self->metadata_heard = FALSE;
  _confab_session_survey_lost_socket (self);
  self->composing_sent = FALSE;
  self->resuming = FALSE;
  g_clear_handle_id (&self->resume_source, g_source_remove);
  g_clear_handle_id (&self->receipt_source, g_source_remove);
  g_clear_handle_id (&self->typing_pause_source, g_source_remove);
  _confab_session_set_agent_typing (self, FALSE);
  if (self->conversation_status == CONFAB_CONVERSATION_REQUESTED)
    SET_PROP (conversation_status, CONFAB_CONVERSATION_NONE, PROP_CONVERSATION_STATUS);
}

static void signup_again_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
disconnected_cb (ConfabConnection       *conn,
                 ConfabDisconnectReason  reason,
                 const char             *detail,
                 ConfabSession          *self)
{
  /* dropping the connection releases the last reference to the emitter, which is still
   * emitting: it goes only after this handler */
  g_object_ref (conn);
  _confab_session_drop_connection (self);
  _confab_session_lost_socket (self);

  switch (reason)
    {
    case CONFAB_DISCONNECT_REQUESTED:
    case CONFAB_DISCONNECT_NONE:
      _confab_session_set_state (self, CONFAB_SESSION_OFFLINE);
      break;

    case CONFAB_DISCONNECT_AUTH:
    case CONFAB_DISCONNECT_IDENTITY_EXPIRED:
      if ((confab_account_get_anonymous (self->account) || reason == CONFAB_DISCONNECT_IDENTITY_EXPIRED) &&
          !self->signed_up_again)
        {
          /* An anonymous consumer simply signs up again. */
          self->signed_up_again = TRUE;
          _confab_session_set_state (self, CONFAB_SESSION_CONNECTING);
          confab_account_signup_async (self->account, self->http, self->cancellable,
                                       signup_again_cb, g_object_ref (self));
        }
      else
        signed_out (self, _("The service did not accept the token. Set a new token (LP_JWT) and try again."),
                    TRUE);
      break;

    case CONFAB_DISCONNECT_NETWORK:
    default:
      schedule_retry (self);
      break;
    }
  g_object_unref (conn);
}

static void
connection_state_cb (ConfabConnection *conn,
                     GParamSpec       *pspec,
                     ConfabSession    *self)
{
  if (confab_connection_get_state (conn) == CONFAB_CONNECTION_STATE_CONNECTED)
    _confab_session_subscribe_metadata (self);
}

static gboolean
set_consumer_from_token (ConfabSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJwtClaims) claims = NULL;

  claims = confab_jwt_decode (confab_account_get_jwt (self->account), &error);
  if (claims == NULL)
    {
      g_autofree char *reason = g_strdup_printf (_("The token is not usable: %s"), error->message);

      signed_out (self, reason, FALSE);
      return FALSE;
    }

  _confab_session_adopt_consumer (self, claims->sub);
  return TRUE;
}

static void
open_socket (ConfabSession *self)
{
  if (!set_consumer_from_token (self))
    return;

  /* The history held for this identity shows first; the socket then catches up. */
  if (self->loading)
    {
      self->connect_after_load = TRUE;
      return;
    }

  _confab_session_connect_socket (self);
}

void
_confab_session_connect_socket (ConfabSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = confab_account_dup_socket_url (self->account, &error);
  if (url == NULL)
    {
      signed_out (self, error->message, FALSE);
      return;
    }

  _confab_session_drop_connection (self);
  self->conn = confab_connection_new (self->http, url, confab_account_get_jwt (self->account));
  g_signal_connect (self->conn, "notify::state", G_CALLBACK (connection_state_cb), self);
  g_signal_connect (self->conn, "notification", G_CALLBACK (_confab_session_notification_cb), self);
  g_signal_connect (self->conn, "disconnected", G_CALLBACK (disconnected_cb), self);
  confab_connection_connect (self->conn);
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_account_resolve_finish (CONFAB_ACCOUNT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Account not resolved: %s", error->message);
      if (error->domain == CONFAB_ACCOUNT_ERROR &&
          (error->code == CONFAB_ACCOUNT_ERROR_INSECURE || error->code == CONFAB_ACCOUNT_ERROR_INVALID_URL ||
           error->code == CONFAB_ACCOUNT_ERROR_INCOMPLETE))
        signed_out (self, error->message, FALSE);
      else
        schedule_retry (self);
      return;
    }

  open_socket (self);
}

static void
signup_again_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_account_signup_finish (CONFAB_ACCOUNT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Signing up again failed: %s", error->message);
      schedule_retry (self);
      return;
    }

  open_socket (self);
}

void
_confab_session_begin_connect (ConfabSession *self)
{
  const char *jwt = confab_account_get_jwt (self->account);

  /* With a token in hand the identity is known before any network: its history shows and
   * what is written offline is kept, even when the service cannot be reached at all. */
  if (self->consumer_id == NULL && jwt != NULL)
    {
      g_autoptr(ConfabJwtClaims) claims = confab_jwt_decode (jwt, NULL);

      if (claims != NULL)
        _confab_session_adopt_consumer (self, claims->sub);
    }
  /* Without one (an anonymous consumer signs up first), the history the account's last
   * identity left shows meanwhile. */
  if (self->consumer_id == NULL)
    _confab_session_restore_last (self);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  _confab_session_drop_connection (self);
  _confab_session_set_state (self, CONFAB_SESSION_CONNECTING);
  confab_account_resolve_async (self->account, self->http, self->cancellable,
                                resolve_cb, g_object_ref (self));
}

/* The network monitor */

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    ConfabSession   *self)
{
  if (available && self->state == CONFAB_SESSION_WAITING)
    {
      g_debug ("The network is back: trying at once");
      confab_session_retry_now (self);
    }
}

void
confab_session_retry_now (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->state == CONFAB_SESSION_WAITING)
    {
      self->reconnects++;
      _confab_session_begin_connect (self);
    }
  else if (self->state == CONFAB_SESSION_OFFLINE || self->state == CONFAB_SESSION_SIGNED_OUT)
    confab_session_start (self);
}

void
confab_session_set_network_monitor (ConfabSession   *self,
                                    GNetworkMonitor *monitor)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (G_IS_NETWORK_MONITOR (monitor));

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
}
