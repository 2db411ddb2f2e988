/* confab-session.c: one consumer's conversation with a brand, kept alive across the network
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session owns the connection and everything the person sees: it resolves the account,
 * connects, subscribes to conversation metadata, resumes the open conversation from the last
 * sequence it holds, sends what was queued, publishes receipts in batches and reconnects with
 * back-off when the network goes. Nothing here knows about GTK.
 *
 * It is one class in several files, one a concern (see confab-session-private.h); this
 * one holds the GObject, its properties and accessors, start and stop.
 */
#include "config.h"

#include "confab-session-private.h"
#include "confab-core-enums.h"
#include "confab-proxy-resolver.h"

#define DEFAULT_RECEIPT_BATCH_MS   150
#define DEFAULT_BACKOFF_BASE_MS    1000
#define DEFAULT_BACKOFF_MAX_MS     60000
#define DEFAULT_TYPING_PAUSE_MS    3000

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ConfabSession, confab_session, G_TYPE_OBJECT)

/* Property helpers: notify only on a real change. */

void
_confab_session_notify (ConfabSession         *self,
                        ConfabSessionProperty  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_confab_session_set_string_prop (ConfabSession          *self,
                                 char                  **field,
                                 const char             *value,
                                 ConfabSessionProperty   prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_confab_session_set_state (ConfabSession      *self,
                           ConfabSessionState  state)
{
  if (state != CONFAB_SESSION_WAITING)
    SET_PROP (next_retry, 0, PROP_NEXT_RETRY);
  SET_PROP (state, state, PROP_STATE);
}

gboolean
_confab_session_is_online (ConfabSession *self)
{
  return self->state == CONFAB_SESSION_ONLINE && self->conn != NULL &&
         confab_connection_get_state (self->conn) == CONFAB_CONNECTION_STATE_CONNECTED;
}

gboolean
_confab_session_can_publish (ConfabSession *self)
{
  if (!_confab_session_is_online (self))
    return FALSE;
  if (self->survey_open)
    return self->survey_subscribed;
  return self->dialog_subscribed && self->conversation_status == CONFAB_CONVERSATION_OPEN;
}

const char *
_confab_session_publish_dialog (ConfabSession *self)
{
  return self->survey_open ? self->survey_dialog_id : self->conversation_id;
}

const char *
_confab_session_account_id (ConfabSession *self)
{
  return confab_account_get_account_id (self->account);
}

/* Starting and stopping */

void
confab_session_start (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->state != CONFAB_SESSION_OFFLINE && self->state != CONFAB_SESSION_SIGNED_OUT)
    return;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->attempt = 0;
  self->signed_up_again = FALSE;
  _confab_session_set_string_prop (self, &self->signed_out_reason, NULL, PROP_SIGNED_OUT_REASON);
  _confab_session_begin_connect (self);
}

void
confab_session_stop (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  /* Stopped means on disk: what changed is written before stop() returns. */
  _confab_session_save_pending (self);
  if (self->store != NULL)
    confab_store_flush (self->store);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  _confab_session_drop_connection (self);
  _confab_session_lost_socket (self);
  _confab_session_set_state (self, CONFAB_SESSION_OFFLINE);
}

/* Accessors */

ConfabSessionState
confab_session_get_state (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), CONFAB_SESSION_OFFLINE);
  return self->state;
}

gint64
confab_session_get_next_retry (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), 0);
  return self->next_retry;
}

gboolean
confab_session_get_token_refused (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);

  return self->state == CONFAB_SESSION_SIGNED_OUT && self->token_refused;
}

const char *
confab_session_get_signed_out_reason (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->signed_out_reason;
}

const char *
confab_session_get_consumer_id (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->consumer_id;
}

ConfabAccount *
confab_session_get_account (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->account;
}

const char *
confab_session_get_conversation_id (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->conversation_id;
}

ConfabConversationStatus
confab_session_get_conversation_status (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), CONFAB_CONVERSATION_NONE);
  return self->conversation_status;
}

ConfabConversationState
confab_session_get_conversation_stage (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), CONFAB_CONVERSATION_STATE_UNKNOWN);
  return self->stage;
}

ConfabCloseReason
confab_session_get_close_reason (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), CONFAB_CLOSE_REASON_NONE);
  return self->close_reason;
}

const char *
confab_session_get_agent_id (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->agent_id;
}

const char *
confab_session_get_agent_nickname (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->agent_nickname;
}

gboolean
confab_session_get_agent_typing (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), FALSE);
  return self->agent_typing;
}

ConfabMessageList *
confab_session_get_messages (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  return self->messages;
}

gboolean
confab_session_get_send_read_receipts (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), TRUE);
  return self->send_read_receipts;
}

void
confab_session_set_send_read_receipts (ConfabSession *self,
                                       gboolean       send)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  send = !!send;
  if (!send)
    _confab_seq_batch_clear (self->read_batch);
  SET_PROP (send_read_receipts, send, PROP_SEND_READ_RECEIPTS);
}

void
confab_session_set_timings (ConfabSession *self,
                            guint          receipt_batch_ms,
                            guint          backoff_base_ms,
                            guint          backoff_max_ms,
                            guint          typing_pause_ms)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  self->receipt_batch_ms = MAX (receipt_batch_ms, 1);
  self->backoff_base_ms = MAX (backoff_base_ms, 1);
  self->backoff_max_ms = MAX (backoff_max_ms, self->backoff_base_ms);
  self->typing_pause_ms = MAX (typing_pause_ms, 1);
}

void
confab_session_set_store (ConfabSession *self,
                          ConfabStore   *store)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (store == NULL || CONFAB_IS_STORE (store));
  g_return_if_fail (self->state == CONFAB_SESSION_OFFLINE);

  g_set_object (&self->store, store);
  /* the history shows once its first page is read */
  SET_PROP (loading_history, store != NULL && self->history_consumer == NULL, PROP_LOADING_HISTORY);
}

guint
confab_session_get_reconnects (ConfabSession *self)
{
  g_return_val_if_fail (CONFAB_IS_SESSION (self), 0);
  return self->reconnects;
}

/* GObject */

ConfabSession *
confab_session_new (ConfabAccount *account,
                    SoupSession   *http)
{
  ConfabSession *self;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (http == NULL || SOUP_IS_SESSION (http), NULL);

  self = g_object_new (CONFAB_TYPE_SESSION, NULL);
  self->account = g_object_ref (account);
  if (http != NULL)
    self->http = g_object_ref (http);
  else
    {
      g_autoptr(GProxyResolver) proxies = confab_proxy_resolver_new (NULL);

      self->http = soup_session_new_with_options ("proxy-resolver", proxies, NULL);
    }
  return self;
}

static void
confab_session_dispose (GObject *object)
{
  ConfabSession *self = CONFAB_SESSION (object);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->receipt_source, g_source_remove);
  g_clear_handle_id (&self->typing_pause_source, g_source_remove);
  g_clear_handle_id (&self->agent_typing_source, g_source_remove);
  g_clear_handle_id (&self->resume_source, g_source_remove);
  g_clear_handle_id (&self->busy_source, g_source_remove);
  g_clear_handle_id (&self->metadata_wait_source, g_source_remove);
  _confab_session_save_pending (self);
  g_clear_object (&self->store);
  if (self->profile_cancellable != NULL)
    g_cancellable_cancel (self->profile_cancellable);
  g_clear_object (&self->profile_cancellable);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  _confab_session_drop_connection (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->in_flight);
  g_clear_object (&self->pending_new);
  g_queue_clear_full (&self->outbox, g_object_unref);
  g_clear_object (&self->replies_message);
  g_queue_clear_full (&self->surveys_pending, _confab_session_pending_survey_free);

  G_OBJECT_CLASS (confab_session_parent_class)->dispose (object);
}

static void
confab_session_finalize (GObject *object)
{
  ConfabSession *self = CONFAB_SESSION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_object (&self->http);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->accept_batch, _confab_seq_batch_free);
  g_clear_pointer (&self->read_batch, _confab_seq_batch_free);
  g_clear_pointer (&self->accept_in_flight, _confab_seq_batch_free);
  g_clear_pointer (&self->read_in_flight, _confab_seq_batch_free);
  g_clear_pointer (&self->early_receipts, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->surveys_answered, g_hash_table_unref);
  g_clear_pointer (&self->post_surveyed, g_hash_table_unref);
  g_clear_pointer (&self->dirty_order, g_ptr_array_unref);
  g_clear_pointer (&self->provisional, confab_store_snapshot_free);
  g_clear_pointer (&self->unaccepted, g_array_unref);
  g_clear_pointer (&self->unlisted_receipts, g_hash_table_unref);
  g_free (self->history_consumer);
  g_free (self->oldest_dialog);
  g_free (self->loaded_consumer);
  g_free (self->loading_consumer);
  g_free (self->signed_out_reason);
  g_free (self->consumer_id);
  g_free (self->conversation_id);
  g_free (self->survey_due);
  g_free (self->survey_dialog_id);
  g_free (self->survey_skip_pending);
  g_free (self->agent_id);
  g_free (self->agent_nickname);
  g_free (self->agent_display_name);
  g_free (self->last_writer);
  g_clear_pointer (&self->profiles, g_hash_table_unref);
  g_clear_pointer (&self->profile_asked, g_hash_table_unref);

  G_OBJECT_CLASS (confab_session_parent_class)->finalize (object);
}

static void
confab_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConfabSession *self = CONFAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_NEXT_RETRY: g_value_set_int64 (value, self->next_retry); break;
    case PROP_SIGNED_OUT_REASON: g_value_set_string (value, self->signed_out_reason); break;
    case PROP_CONSUMER_ID: g_value_set_string (value, self->consumer_id); break;
    case PROP_CONVERSATION_ID: g_value_set_string (value, self->conversation_id); break;
    case PROP_CONVERSATION_STATUS: g_value_set_enum (value, self->conversation_status); break;
    case PROP_CONVERSATION_STAGE: g_value_set_enum (value, self->stage); break;
    case PROP_CLOSE_REASON: g_value_set_enum (value, self->close_reason); break;
    case PROP_AGENT_ID: g_value_set_string (value, self->agent_id); break;
    case PROP_AGENT_NICKNAME: g_value_set_string (value, self->agent_nickname); break;
    case PROP_AGENT_PRESENT: g_value_set_boolean (value, self->agent_present); break;
    case PROP_AGENT_DISPLAY_NAME: g_value_set_string (value, self->agent_display_name); break;
    case PROP_AGENT_TYPING: g_value_set_boolean (value, self->agent_typing); break;
    case PROP_MESSAGES: g_value_set_object (value, self->messages); break;
    case PROP_SEND_READ_RECEIPTS: g_value_set_boolean (value, self->send_read_receipts); break;
    case PROP_LOADING_HISTORY: g_value_set_boolean (value, self->loading_history); break;
    case PROP_LOADING_OLDER: g_value_set_boolean (value, self->loading_older); break;
    case PROP_SURVEY_OPEN: g_value_set_boolean (value, self->survey_open); break;
    case PROP_SURVEY_DUE: g_value_set_string (value, self->survey_due); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ConfabSession *self = CONFAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_SEND_READ_RECEIPTS:
      confab_session_set_send_read_receipts (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_session_class_init (ConfabSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = confab_session_dispose;
  object_class->finalize = confab_session_finalize;
  object_class->get_property = confab_session_get_property;
  object_class->set_property = confab_session_set_property;

  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CONFAB_TYPE_SESSION_STATE,
                                              CONFAB_SESSION_OFFLINE, ro);
  properties[PROP_NEXT_RETRY] = g_param_spec_int64 ("next-retry", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_SIGNED_OUT_REASON] = g_param_spec_string ("signed-out-reason", NULL, NULL, NULL, ro);
  properties[PROP_CONSUMER_ID] = g_param_spec_string ("consumer-id", NULL, NULL, NULL, ro);
  properties[PROP_CONVERSATION_ID] = g_param_spec_string ("conversation-id", NULL, NULL, NULL, ro);
  properties[PROP_CONVERSATION_STATUS] = g_param_spec_enum ("conversation-status", NULL, NULL,
                                                            CONFAB_TYPE_CONVERSATION_STATUS,
                                                            CONFAB_CONVERSATION_NONE, ro);
  properties[PROP_CONVERSATION_STAGE] = g_param_spec_enum ("conversation-stage", NULL, NULL,
                                                           CONFAB_TYPE_CONVERSATION_STATE,
                                                           CONFAB_CONVERSATION_STATE_UNKNOWN, ro);
  properties[PROP_CLOSE_REASON] = g_param_spec_enum ("close-reason", NULL, NULL, CONFAB_TYPE_CLOSE_REASON,
                                                     CONFAB_CLOSE_REASON_NONE, ro);
  properties[PROP_AGENT_ID] = g_param_spec_string ("agent-id", NULL, NULL, NULL, ro);
  properties[PROP_AGENT_NICKNAME] = g_param_spec_string ("agent-nickname", NULL, NULL, NULL, ro);
  properties[PROP_AGENT_PRESENT] = g_param_spec_boolean ("agent-present", NULL, NULL, FALSE, ro);
  properties[PROP_AGENT_DISPLAY_NAME] = g_param_spec_string ("agent-display-name", NULL, NULL, NULL, ro);
  properties[PROP_AGENT_TYPING] = g_param_spec_boolean ("agent-typing", NULL, NULL, FALSE, ro);
  properties[PROP_MESSAGES] = g_param_spec_object ("messages", NULL, NULL, CONFAB_TYPE_MESSAGE_LIST, ro);
  properties[PROP_SEND_READ_RECEIPTS] = g_param_spec_boolean ("send-read-receipts", NULL, NULL, TRUE,
                                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                              G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING_HISTORY] = g_param_spec_boolean ("loading-history", NULL, NULL, FALSE, ro);
  properties[PROP_LOADING_OLDER] = g_param_spec_boolean ("loading-older", NULL, NULL, FALSE, ro);
  properties[PROP_SURVEY_OPEN] = g_param_spec_boolean ("survey-open", NULL, NULL, FALSE, ro);
  properties[PROP_SURVEY_DUE] = g_param_spec_string ("survey-due", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_session_init (ConfabSession *self)
{
  self->messages = confab_message_list_new ();
  self->dirty = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->dirty_order = g_ptr_array_new_with_free_func (g_object_unref);
  self->unaccepted = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->unlisted_receipts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->profile_asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_writer_sequence = -1;
  /* named before they are saved or shown */
  g_signal_connect_object (self->messages, "items-changed",
                           G_CALLBACK (_confab_session_name_rows_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->messages, "items-changed",
                           G_CALLBACK (_confab_session_messages_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->messages, "items-changed",
                           G_CALLBACK (_confab_session_update_quick_replies), self, G_CONNECT_SWAPPED);
  g_queue_init (&self->outbox);
  g_queue_init (&self->surveys_pending);
  self->surveys_answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->post_surveyed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->accept_batch = _confab_seq_batch_new ();
  self->read_batch = _confab_seq_batch_new ();
  self->accept_in_flight = _confab_seq_batch_new ();
  self->read_in_flight = _confab_seq_batch_new ();
  self->early_receipts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->send_read_receipts = TRUE;
  self->receipt_batch_ms = DEFAULT_RECEIPT_BATCH_MS;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->typing_pause_ms = DEFAULT_TYPING_PAUSE_MS;

  confab_session_set_network_monitor (self, g_network_monitor_get_default ());
}
