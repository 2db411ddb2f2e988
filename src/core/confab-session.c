/* confab-session.c: one consumer's conversation with a brand, kept alive across the network
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session owns the connection and everything the person sees: it resolves the account,
 * connects, subscribes to conversation metadata, resumes the open conversation from the last
 * sequence it holds, sends what was queued, publishes receipts in batches and reconnects with
 * back-off when the network goes. Nothing here knows about GTK.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "confab-session.h"
#include "confab-connection.h"
#include "confab-store.h"
#include "confab-core-enums.h"

#define DEFAULT_RECEIPT_BATCH_MS   150
#define DEFAULT_BACKOFF_BASE_MS    1000
#define DEFAULT_BACKOFF_MAX_MS     60000
#define DEFAULT_TYPING_PAUSE_MS    3000
#define COMPOSING_THROTTLE_MS      3000
#define AGENT_TYPING_TIMEOUT_MS    30000
#define MAX_PROFILE_ANSWER         (64 * 1024)
/* After (re)subscribing to a dialog, sends and receipts wait until the replay has been quiet
 * this long: the replay may show that a message or receipt lost with the old socket was in
 * fact stored, and it must not go twice. */
#define RESUME_SETTLE_MS           300
#define MAX_BUSY_RETRIES           3
#define METADATA_WAIT_MS           3000
#define BUSY_RETRY_BASE_MS         1000

struct _ConfabSession
{
  GObject parent_instance;

  ConfabAccount *account;
  SoupSession *http;
  ConfabConnection *conn;
  GCancellable *cancellable;
  GNetworkMonitor *monitor;

  ConfabSessionState state;
  gint64 next_retry;
  char *signed_out_reason;
  char *consumer_id;
  guint attempt;
  guint retry_source;
  guint reconnects;
  gboolean signed_up_again;   /* one fresh signup per auth failure, then give up */

  char *conversation_id;
  ConfabConversationStatus conversation_status;
  ConfabConversationState stage;
  ConfabCloseReason close_reason;
  gint64 metadata_ts;
  char *agent_id;
  char *agent_nickname;
  gboolean agent_typing;
  guint agent_typing_source;
  gboolean dialog_subscribed;
  gboolean subscribing;
  gboolean just_requested;    /* we created the conversation: nothing to replay */
  gboolean resuming;          /* a replay may still be arriving: hold sends and receipts */
  guint resume_source;
  guint conversation_refusals;
  ConfabStore *store;
  char *loaded_consumer;      /* the identity whose history was read from the store */
  char *loading_consumer;     /* the identity whose history is being read */
  gboolean connect_after_load;
  GHashTable *dirty;          /* ConfabMessage with changes not saved yet */
  guint save_source;
  gboolean awaiting_metadata; /* a restored conversation: the metadata says whether it is open */
  guint metadata_wait_source;
  guint busy_retries;         /* 429/5xx answers to the message at the head of the outbox */
  guint busy_source;
  GCancellable *profile_cancellable;

  ConfabMessageList *messages;
  GQueue outbox;              /* of ConfabMessage (owned), oldest first */
  ConfabMessage *in_flight;   /* being published; also the head of outbox */

  GArray *accept_batch;       /* of gint64 */
  GArray *read_batch;
  guint receipt_source;
  GHashTable *early_receipts; /* "dialog\x1fseq" → ConfabDeliveryState, for messages not held yet */

  gint64 last_composing;      /* monotonic µs */
  gboolean composing_sent;
  guint typing_pause_source;

  gboolean send_read_receipts;
  guint receipt_batch_ms;
  guint backoff_base_ms;
  guint backoff_max_ms;
  guint typing_pause_ms;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_NEXT_RETRY,
  PROP_SIGNED_OUT_REASON,
  PROP_CONSUMER_ID,
  PROP_CONVERSATION_ID,
  PROP_CONVERSATION_STATUS,
  PROP_CONVERSATION_STAGE,
  PROP_CLOSE_REASON,
  PROP_AGENT_ID,
  PROP_AGENT_NICKNAME,
  PROP_AGENT_TYPING,
  PROP_MESSAGES,
  PROP_SEND_READ_RECEIPTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ConfabSession, confab_session, G_TYPE_OBJECT)

static void begin_connect (ConfabSession *self);
static void flush_outbox (ConfabSession *self);
static void subscribe_dialog (ConfabSession *self);
static void schedule_receipts (ConfabSession *self);

/* Property helpers: notify only on a real change. */

static void
set_string_prop (ConfabSession  *self,
                 char          **field,
                 const char     *value,
                 guint           prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

#define SET_PROP(field, value, prop)                                     \
  G_STMT_START {                                                         \
    if (self->field != (value))                                          \
      {                                                                  \
        self->field = (value);                                           \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);    \
      }                                                                  \
  } G_STMT_END

static void
set_state (ConfabSession      *self,
           ConfabSessionState  state)
{
  if (state != CONFAB_SESSION_WAITING)
    SET_PROP (next_retry, 0, PROP_NEXT_RETRY);
  SET_PROP (state, state, PROP_STATE);
}

static gboolean
agent_typing_timeout_cb (gpointer data)
{
  ConfabSession *self = data;

  self->agent_typing_source = 0;
  SET_PROP (agent_typing, FALSE, PROP_AGENT_TYPING);
  return G_SOURCE_REMOVE;
}

static void
set_agent_typing (ConfabSession *self,
                  gboolean       typing)
{
  g_clear_handle_id (&self->agent_typing_source, g_source_remove);
  /* An agent whose "stopped typing" got lost must not type for ever. */
  if (typing)
    self->agent_typing_source = g_timeout_add (AGENT_TYPING_TIMEOUT_MS, agent_typing_timeout_cb, self);
  SET_PROP (agent_typing, typing, PROP_AGENT_TYPING);
}

static gboolean
is_online (ConfabSession *self)
{
  return self->state == CONFAB_SESSION_ONLINE && self->conn != NULL &&
         confab_connection_get_state (self->conn) == CONFAB_CONNECTION_STATE_CONNECTED;
}

static gboolean
can_publish (ConfabSession *self)
{
  return is_online (self) && self->dialog_subscribed &&
         self->conversation_status == CONFAB_CONVERSATION_OPEN;
}

/* Agent profile */

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
  g_autoptr(JsonParser) parser = NULL;
  SoupMessage *msg;
  JsonNode *root, *nickname;
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
  parser = json_parser_new ();
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) || len > MAX_PROFILE_ANSWER ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Agent profile answered HTTP %u without a profile", soup_message_get_status (msg));
      return;
    }

  nickname = json_object_get_member (json_node_get_object (root), "nickname");
  if (nickname != NULL && JSON_NODE_HOLDS_VALUE (nickname) &&
      json_node_get_value_type (nickname) == G_TYPE_STRING &&
      g_strcmp0 (agent_id, self->agent_id) == 0)
    {
      const char *name = json_node_get_string (nickname);

      if (g_utf8_validate (name, -1, NULL) && *name != '\0')
        set_string_prop (self, &self->agent_nickname, name, PROP_AGENT_NICKNAME);
    }
}

static void
set_agent (ConfabSession *self,
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
  set_string_prop (self, &self->agent_id, agent_id, PROP_AGENT_ID);
  set_string_prop (self, &self->agent_nickname, NULL, PROP_AGENT_NICKNAME);
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

/* The store */

static const char *
account_id (ConfabSession *self)
{
  return confab_account_get_account_id (self->account);
}

static gboolean
save_dirty_cb (gpointer data)
{
  ConfabSession *self = data;
  g_autoptr(GPtrArray) messages = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  self->save_source = 0;
  if (self->store == NULL || self->consumer_id == NULL)
    {
      g_hash_table_remove_all (self->dirty);
      return G_SOURCE_REMOVE;
    }

  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (messages, key);
  confab_store_save_messages (self->store, account_id (self), self->consumer_id, messages);
  g_hash_table_remove_all (self->dirty);
  return G_SOURCE_REMOVE;
}

static void
message_dirty_cb (ConfabSession *self,
                  GParamSpec    *pspec,
                  ConfabMessage *message)
{
  if (self->store == NULL || confab_message_get_sequence (message) < 0)
    return;
  g_hash_table_add (self->dirty, g_object_ref (message));
  if (self->save_source == 0)
    self->save_source = g_idle_add_full (G_PRIORITY_LOW, save_dirty_cb, self, NULL);
}

/* Every row that enters the list is saved, and saved again when it changes. */
static void
messages_changed_cb (ConfabSession *self,
                     guint          position,
                     guint          removed,
                     guint          added,
                     GListModel    *model)
{
  if (self->store == NULL)
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      if (g_object_get_data (G_OBJECT (message), "confab-session-watched") == NULL)
        {
          g_object_set_data (G_OBJECT (message), "confab-session-watched", GINT_TO_POINTER (1));
          g_signal_connect_object (message, "notify", G_CALLBACK (message_dirty_cb), self, G_CONNECT_SWAPPED);
        }
      message_dirty_cb (self, NULL, message);
    }
}

/* FALSE: not on disk; the store's ::error has told the person why. */
static gboolean
outbox_save (ConfabSession *self,
             ConfabMessage *message)
{
  if (self->store == NULL || self->consumer_id == NULL || confab_message_get_local_id (message) == 0)
    return TRUE;
  return confab_store_outbox_put (self->store, account_id (self), self->consumer_id, message, NULL);
}

/* The head of the outbox is done with: sent (it leaves the store's outbox) or failed (it stays,
 * marked, so a restart still offers Retry). */
static void
outbox_pop (ConfabSession *self)
{
  g_autoptr(ConfabMessage) message = g_queue_pop_head (&self->outbox);

  if (message == NULL || self->store == NULL || confab_message_get_local_id (message) == 0)
    return;
  if (confab_message_get_delivery_state (message) == CONFAB_DELIVERY_FAILED)
    outbox_save (self, message);
  else
    confab_store_outbox_remove (self->store, confab_message_get_local_id (message));
}

/* Conversation state */

static void
set_conversation (ConfabSession           *self,
                  const char              *conversation_id,
                  ConfabConversationStatus status)
{
  gboolean changed = g_strcmp0 (self->conversation_id, conversation_id) != 0;

  if (changed)
    {
      /* Receipts name sequences of one dialog: none may reach another. */
      g_array_set_size (self->accept_batch, 0);
      g_array_set_size (self->read_batch, 0);
      self->dialog_subscribed = FALSE;
      self->just_requested = FALSE;
      self->metadata_ts = 0;
      set_agent (self, NULL);
      set_agent_typing (self, FALSE);
      SET_PROP (close_reason, CONFAB_CLOSE_REASON_NONE, PROP_CLOSE_REASON);
      SET_PROP (stage, status == CONFAB_CONVERSATION_OPEN ? CONFAB_CONVERSATION_STATE_OPEN
                                                           : CONFAB_CONVERSATION_STATE_UNKNOWN,
                PROP_CONVERSATION_STAGE);
    }
  set_string_prop (self, &self->conversation_id, conversation_id, PROP_CONVERSATION_ID);
  SET_PROP (conversation_status, status, PROP_CONVERSATION_STATUS);
  if (changed && conversation_id != NULL && self->store != NULL && self->consumer_id != NULL)
    confab_store_save_conversation (self->store, account_id (self), self->consumer_id, conversation_id);
}

static void
conversation_closed (ConfabSession     *self,
                     ConfabCloseReason  reason)
{
  SET_PROP (close_reason, reason, PROP_CLOSE_REASON);
  SET_PROP (stage, CONFAB_CONVERSATION_STATE_CLOSE, PROP_CONVERSATION_STAGE);
  SET_PROP (conversation_status, CONFAB_CONVERSATION_CLOSED, PROP_CONVERSATION_STATUS);
  set_agent_typing (self, FALSE);
  /* never into a closed conversation */
  g_array_set_size (self->read_batch, 0);
  g_array_set_size (self->accept_batch, 0);
  if (self->composing_sent)
    self->composing_sent = FALSE;
  g_clear_handle_id (&self->typing_pause_source, g_source_remove);
}

/* Receipts out */

static gboolean
batch_contains (GArray *batch,
                gint64  sequence)
{
  for (guint i = 0; i < batch->len; i++)
    if (g_array_index (batch, gint64, i) == sequence)
      return TRUE;
  return FALSE;
}

static void
batch_remove (GArray *batch,
              gint64  sequence)
{
  for (guint i = 0; i < batch->len; i++)
    if (g_array_index (batch, gint64, i) == sequence)
      {
        g_array_remove_index (batch, i);
        return;
      }
}

typedef struct
{
  ConfabSession *self;
  ConfabReceiptStatus status;
  char *dialog_id;
  GArray *sequences;
} ReceiptData;

static void
receipt_data_free (ReceiptData *data)
{
  g_object_unref (data->self);
  g_free (data->dialog_id);
  g_array_unref (data->sequences);
  g_free (data);
}

static void
mark_receipt_sent (ConfabSession       *self,
                   const char          *dialog_id,
                   GArray              *sequences,
                   ConfabReceiptStatus  status,
                   gboolean             sent)
{
  for (guint i = 0; i < sequences->len; i++)
    {
      ConfabMessage *message = confab_message_list_lookup (self->messages, dialog_id,
                                                           g_array_index (sequences, gint64, i));

      if (message == NULL)
        continue;
      if (status == CONFAB_RECEIPT_ACCEPT)
        confab_message_set_accept_sent (message, sent);
      else
        confab_message_set_read_sent (message, sent);
    }
}

static void
receipt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ReceiptData *data = user_data;
  ConfabSession *self = data->self;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame == NULL)
    {
      g_debug ("Receipt not published: %s", error->message);
      if (g_error_matches (error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_TIMEOUT) &&
          CONFAB_CONNECTION (object) == self->conn)
        confab_connection_drop (self->conn, "a receipt had no answer");
      /* Refused (4xx): not again. Lost on the way: again after reconnecting. */
      if (!g_error_matches (error, CONFAB_RESPONSE_ERROR, error->code) &&
          g_strcmp0 (data->dialog_id, self->conversation_id) == 0 &&
          self->conversation_status == CONFAB_CONVERSATION_OPEN)
        {
          GArray *batch = data->status == CONFAB_RECEIPT_ACCEPT ? self->accept_batch : self->read_batch;

          mark_receipt_sent (self, data->dialog_id, data->sequences, data->status, FALSE);
          for (guint i = 0; i < data->sequences->len; i++)
            if (!batch_contains (batch, g_array_index (data->sequences, gint64, i)))
              g_array_append_val (batch, g_array_index (data->sequences, gint64, i));
        }
    }
  receipt_data_free (data);
}

static void
publish_receipts (ConfabSession       *self,
                  GArray              *batch,
                  ConfabReceiptStatus  status)
{
  ReceiptData *data;
  GArray *sequences;

  if (batch->len == 0)
    return;

  sequences = g_array_sized_new (FALSE, FALSE, sizeof (gint64), batch->len);
  g_array_append_vals (sequences, batch->data, batch->len);
  g_array_set_size (batch, 0);

  /* Marked at once, so a second mark_read before the answer sends nothing. */
  mark_receipt_sent (self, self->conversation_id, sequences, status, TRUE);

  data = g_new0 (ReceiptData, 1);
  data->self = g_object_ref (self);
  data->status = status;
  data->dialog_id = g_strdup (self->conversation_id);
  data->sequences = sequences;

  g_debug ("Publishing %s for %u messages", confab_receipt_status_to_string (status), sequences->len);
  confab_connection_send_request (self->conn, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_receipt_body (self->conversation_id, self->conversation_id,
                                                               status, (const gint64 *) sequences->data,
                                                               sequences->len),
                                  NULL, receipt_cb, data);
}

static gboolean
receipts_cb (gpointer user_data)
{
  ConfabSession *self = user_data;

  self->receipt_source = 0;
  if (!can_publish (self) || self->resuming)
    return G_SOURCE_REMOVE;

  publish_receipts (self, self->accept_batch, CONFAB_RECEIPT_ACCEPT);
  if (self->send_read_receipts)
    publish_receipts (self, self->read_batch, CONFAB_RECEIPT_READ);
  else
    g_array_set_size (self->read_batch, 0);

  return G_SOURCE_REMOVE;
}

static void
schedule_receipts (ConfabSession *self)
{
  if (self->receipt_source != 0 || (self->accept_batch->len == 0 && self->read_batch->len == 0))
    return;
  self->receipt_source = g_timeout_add (self->receipt_batch_ms, receipts_cb, self);
}

static gboolean
wants_receipt (ConfabSession *self,
               ConfabMessage *message)
{
  return message != NULL && !confab_message_get_own (message) &&
         confab_message_get_sequence (message) >= 0 &&
         g_strcmp0 (confab_message_get_dialog_id (message), self->conversation_id) == 0;
}

static void
queue_accept (ConfabSession *self,
              ConfabMessage *message)
{
  gint64 sequence = confab_message_get_sequence (message);

  if (!wants_receipt (self, message) || confab_message_get_accept_sent (message) ||
      batch_contains (self->accept_batch, sequence))
    return;
  g_array_append_val (self->accept_batch, sequence);
}

/* Incoming events */

static void
apply_agent_receipt (ConfabSession       *self,
                     const char          *dialog_id,
                     gint64               sequence,
                     ConfabReceiptStatus  status)
{
  ConfabDeliveryState state = status == CONFAB_RECEIPT_READ ? CONFAB_DELIVERY_READ : CONFAB_DELIVERY_DELIVERED;
  ConfabMessage *message = confab_message_list_lookup (self->messages, dialog_id, sequence);

  if (message != NULL)
    {
      if (confab_message_get_own (message))
        confab_message_advance_delivery (message, state);
      return;
    }

  /* The receipt for a message whose publish answer is still on its way. */
  {
    g_autofree char *key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, dialog_id, sequence);
    ConfabDeliveryState known = GPOINTER_TO_INT (g_hash_table_lookup (self->early_receipts, key));

    if (state > known)
      g_hash_table_insert (self->early_receipts, g_steal_pointer (&key), GINT_TO_POINTER (state));
  }
}

static void
apply_early_receipts (ConfabSession *self,
                      ConfabMessage *message)
{
  g_autofree char *key = NULL;
  gpointer state;

  if (g_hash_table_size (self->early_receipts) == 0)
    return;
  key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, confab_message_get_dialog_id (message),
                         confab_message_get_sequence (message));
  if (g_hash_table_steal_extended (self->early_receipts, key, NULL, &state))
    confab_message_advance_delivery (message, GPOINTER_TO_INT (state));
}

static gboolean
resume_settled_cb (gpointer data)
{
  ConfabSession *self = data;

  self->resume_source = 0;
  self->resuming = FALSE;
  g_debug ("Replay settled");
  schedule_receipts (self);
  flush_outbox (self);
  return G_SOURCE_REMOVE;
}

static void
start_resume_settle (ConfabSession *self)
{
  g_clear_handle_id (&self->resume_source, g_source_remove);
  self->resuming = TRUE;
  self->resume_source = g_timeout_add (RESUME_SETTLE_MS, resume_settled_cb, self);
}

static void
handle_messaging (ConfabSession *self,
                  JsonNode      *body)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  gboolean agent_wrote = FALSE;

  changes = confab_parse_messaging_notification (body, &error);
  if (changes == NULL)
    {
      g_message ("Ignoring a messaging notification: %s", error->message);
      return;
    }

  if (self->resuming)
    start_resume_settle (self);

  for (guint i = 0; i < changes->len; i++)
    {
      ConfabMessagingChange *change = g_ptr_array_index (changes, i);
      const char *dialog_id = change->dialog_id ? change->dialog_id : change->conversation_id;
      gboolean own = g_strcmp0 (change->originator_id, self->consumer_id) == 0;

      if (dialog_id == NULL || g_strcmp0 (dialog_id, self->conversation_id) != 0)
        {
          g_debug ("Ignoring an event of another dialog");
          continue;
        }

      switch (change->type)
        {
        case CONFAB_EVENT_CONTENT:
        case CONFAB_EVENT_RICH_CONTENT:
        case CONFAB_EVENT_UNKNOWN:
          if (change->sequence < 0)
            break;
          if (change->type == CONFAB_EVENT_UNKNOWN && change->text == NULL)
            {
              confab_message_list_note_sequence (self->messages, dialog_id, change->sequence);
              break;
            }
          {
            ConfabMessage *message = confab_message_new_from_change (change, self->consumer_id);

            confab_message_set_dialog_id (message, dialog_id);
            g_ptr_array_add (incoming, message);
            agent_wrote |= !own;
          }
          break;

        case CONFAB_EVENT_ACCEPT_STATUS:
          confab_message_list_note_sequence (self->messages, dialog_id, change->sequence);
          if (change->sequence_list == NULL || change->status == CONFAB_RECEIPT_UNKNOWN)
            break;
          for (guint j = 0; j < change->sequence_list->len; j++)
            {
              gint64 seq = g_array_index (change->sequence_list, gint64, j);

              if (own)
                {
                  /* Our own receipt, seen again in a replay: never send it twice. */
                  ConfabMessage *message = confab_message_list_lookup (self->messages, dialog_id, seq);

                  if (change->status == CONFAB_RECEIPT_ACCEPT)
                    {
                      batch_remove (self->accept_batch, seq);
                      if (message != NULL)
                        confab_message_set_accept_sent (message, TRUE);
                    }
                  else
                    {
                      batch_remove (self->read_batch, seq);
                      batch_remove (self->accept_batch, seq);
                      if (message != NULL)
                        {
                          confab_message_set_read_sent (message, TRUE);
                          confab_message_set_accept_sent (message, TRUE);
                        }
                    }
                }
              else
                apply_agent_receipt (self, dialog_id, seq, change->status);
            }
          break;

        case CONFAB_EVENT_CHAT_STATE:
          if (!own)
            set_agent_typing (self, change->chat_state == CONFAB_CHAT_STATE_COMPOSING);
          break;

        default:
          break;
        }

      /* A receipt of ours for a message in this same batch. */
      if (own && change->type == CONFAB_EVENT_ACCEPT_STATUS && change->sequence_list != NULL)
        for (guint k = 0; k < incoming->len; k++)
          {
            ConfabMessage *m = g_ptr_array_index (incoming, k);

            for (guint j = 0; j < change->sequence_list->len; j++)
              if (confab_message_get_sequence (m) == g_array_index (change->sequence_list, gint64, j))
                {
                  confab_message_set_accept_sent (m, TRUE);
                  if (change->status == CONFAB_RECEIPT_READ)
                    confab_message_set_read_sent (m, TRUE);
                }
          }
    }

  if (incoming->len > 0)
    {
      added = confab_message_list_add (self->messages, incoming);
      for (guint i = 0; i < added->len; i++)
        {
          ConfabMessage *message = g_ptr_array_index (added, i);

          if (confab_message_get_own (message))
            apply_early_receipts (self, message);
          else
            queue_accept (self, message);
        }
    }

  if (agent_wrote)
    set_agent_typing (self, FALSE);

  schedule_receipts (self);
}

static void
handle_conversations (ConfabSession *self,
                      JsonNode      *body)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  ConfabConversationChange *newest_open = NULL;

  changes = confab_parse_conversation_notification (body, &error);
  if (changes == NULL)
    {
      g_message ("Ignoring a conversation notification: %s", error->message);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      ConfabConversationChange *change = g_ptr_array_index (changes, i);
      gboolean closed;

      if (change->conversation_id == NULL || change->type != CONFAB_CHANGE_UPSERT)
        continue;
      closed = confab_conversation_change_is_closed (change);

      if (g_strcmp0 (change->conversation_id, self->conversation_id) == 0)
        {
          /* Out of order: keep the newest. */
          if (change->last_updated_ts != 0 && change->last_updated_ts < self->metadata_ts)
            continue;
          self->metadata_ts = change->last_updated_ts;

          set_agent (self, confab_conversation_change_get_agent_id (change));
          if (closed && self->conversation_status != CONFAB_CONVERSATION_CLOSED)
            conversation_closed (self, change->close_reason);
          else if (!closed && self->conversation_status != CONFAB_CONVERSATION_OPEN &&
                   self->conversation_status != CONFAB_CONVERSATION_CLOSED)
            SET_PROP (conversation_status, CONFAB_CONVERSATION_OPEN, PROP_CONVERSATION_STATUS);
        }
      else if (!closed &&
               (newest_open == NULL || change->last_updated_ts > newest_open->last_updated_ts))
        newest_open = change;
    }

  /* An open conversation Confab does not follow yet: resume it (after a restart, or one
   * opened elsewhere), unless the one it follows is still open. */
  if (newest_open != NULL && self->conversation_status != CONFAB_CONVERSATION_OPEN &&
      self->conversation_status != CONFAB_CONVERSATION_REQUESTED)
    {
      g_debug ("Resuming an open conversation");
      set_conversation (self, newest_open->conversation_id, CONFAB_CONVERSATION_OPEN);
      self->metadata_ts = newest_open->last_updated_ts;
      set_agent (self, confab_conversation_change_get_agent_id (newest_open));
    }

  self->awaiting_metadata = FALSE;
  g_clear_handle_id (&self->metadata_wait_source, g_source_remove);
  if (self->conversation_status == CONFAB_CONVERSATION_OPEN)
    subscribe_dialog (self);
  flush_outbox (self);
}

static void
notification_cb (ConfabConnection *conn,
                 ConfabFrame      *frame,
                 ConfabSession    *self)
{
  if (g_strcmp0 (frame->type, CONFAB_NOTIFY_MESSAGING) == 0)
    handle_messaging (self, frame->body);
  else if (g_strcmp0 (frame->type, CONFAB_NOTIFY_EX_CONVERSATION) == 0)
    handle_conversations (self, frame->body);
  else
    g_debug ("Ignoring a notification of type %s", frame->type ? frame->type : "(none)");
}

/* Subscriptions */

static void
subscribe_dialog_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  self->subscribing = FALSE;
  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (CONFAB_CONNECTION (object) != self->conn)
    return;
  if (frame == NULL)
    {
      g_debug ("Subscribing to the dialog failed: %s", error->message);
      /* Without it nothing moves: start over with back-off. */
      if (self->conn != NULL)
        confab_connection_drop (self->conn, "the dialog subscription failed");
      return;
    }

  self->dialog_subscribed = TRUE;
  /* A good subscribe: the next failure starts the back-off afresh. */
  self->attempt = 0;
  self->signed_up_again = FALSE;

  /* What the replay will not tell: messages accepted before the socket went. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->messages)); i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      queue_accept (self, message);
    }

  /* A conversation we just created has no history; any other may still be replaying. */
  if (self->just_requested)
    {
      self->just_requested = FALSE;
      schedule_receipts (self);
      flush_outbox (self);
    }
  else
    start_resume_settle (self);
}

static void
subscribe_dialog (ConfabSession *self)
{
  gint64 from_seq;

  if (!is_online (self) || self->dialog_subscribed || self->subscribing || self->conversation_id == NULL)
    return;

  /* Resume after the last event held: nothing twice. */
  from_seq = confab_message_list_get_last_sequence (self->messages, self->conversation_id) + 1;
  self->subscribing = TRUE;
  g_debug ("Subscribing to the dialog from sequence %" G_GINT64_FORMAT, from_seq);
  confab_connection_send_request (self->conn, CONFAB_REQ_SUBSCRIBE_MESSAGING,
                                  confab_subscribe_messaging_body (self->conversation_id,
                                                                   self->conversation_id, from_seq),
                                  NULL, subscribe_dialog_cb, g_object_ref (self));
}

static gboolean
metadata_wait_cb (gpointer data)
{
  ConfabSession *self = data;

  self->metadata_wait_source = 0;
  self->awaiting_metadata = FALSE;
  flush_outbox (self);
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
  set_state (self, CONFAB_SESSION_ONLINE);
  if (self->conversation_status == CONFAB_CONVERSATION_OPEN)
    subscribe_dialog (self);
  if (self->awaiting_metadata)
    {
      /* A restored conversation: wait for the metadata to say whether it is still open
       * before asking for a new one (but not for ever). */
      g_clear_handle_id (&self->metadata_wait_source, g_source_remove);
      self->metadata_wait_source = g_timeout_add (METADATA_WAIT_MS, metadata_wait_cb, self);
      return;
    }
  flush_outbox (self);
}

static void
subscribe_metadata (ConfabSession *self)
{
  confab_connection_send_request (self->conn, CONFAB_REQ_SUBSCRIBE_EX,
                                  confab_subscribe_ex_body (0),
                                  NULL, subscribe_metadata_cb, g_object_ref (self));
}

/* Sending */

static void request_conversation (ConfabSession *self);

static void
request_conversation_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation_id = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (self->conversation_status != CONFAB_CONVERSATION_REQUESTED)
    return;

  if (frame != NULL)
    conversation_id = confab_parse_conversation_id (frame, &error);

  if (conversation_id == NULL)
    {
      g_debug ("No conversation: %s", error->message);
      SET_PROP (conversation_status, CONFAB_CONVERSATION_NONE, PROP_CONVERSATION_STATUS);
      /* 400: one is open already and the metadata will name it; ask once. A second
       * refusal is an answer: the queued messages cannot go. */
      if (g_error_matches (error, CONFAB_RESPONSE_ERROR, 400) && is_online (self) &&
          self->conversation_refusals++ == 0)
        subscribe_metadata (self);
      else if (error->domain == CONFAB_RESPONSE_ERROR)
        {
          /* Refused for good: the queued messages cannot go anywhere. */
          while (!g_queue_is_empty (&self->outbox))
            {
              confab_message_fail (g_queue_peek_head (&self->outbox));
              outbox_pop (self);
            }
          self->conversation_refusals = 0;
        }
      return;
    }

  self->conversation_refusals = 0;
  set_conversation (self, conversation_id, CONFAB_CONVERSATION_OPEN);
  self->just_requested = TRUE;
  subscribe_dialog (self);
}

static void
request_conversation (ConfabSession *self)
{
  if (!is_online (self) || self->conversation_status == CONFAB_CONVERSATION_REQUESTED)
    return;

  if (self->conversation_status == CONFAB_CONVERSATION_CLOSED)
    set_conversation (self, NULL, CONFAB_CONVERSATION_NONE);
  SET_PROP (conversation_status, CONFAB_CONVERSATION_REQUESTED, PROP_CONVERSATION_STATUS);
  confab_connection_send_request (self->conn, CONFAB_REQ_REQUEST_CONVERSATION,
                                  confab_request_conversation_body (confab_account_get_account_id (self->account), NULL),
                                  NULL, request_conversation_cb, g_object_ref (self));
}

static gboolean
busy_retry_cb (gpointer data)
{
  ConfabSession *self = data;

  self->busy_source = 0;
  flush_outbox (self);
  return G_SOURCE_REMOVE;
}

static void
publish_text_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabMessage) message = NULL;
  gint64 sequence = -1;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  message = g_steal_pointer (&self->in_flight);
  if (message == NULL)
    return;

  if (frame != NULL && confab_parse_publish_sequence (frame, &sequence, &error))
    {
      self->busy_retries = 0;
      outbox_pop (self);
      if (confab_message_list_set_sequence (self->messages, message, self->conversation_id, sequence))
        {
          confab_message_advance_delivery (message, CONFAB_DELIVERY_SENT);
          apply_early_receipts (self, message);
        }
    }
  else if (confab_message_get_sequence (message) < 0 && error->domain == CONFAB_RESPONSE_ERROR &&
           (error->code == 429 || error->code >= 500) && self->busy_retries < MAX_BUSY_RETRIES)
    {
      /* Busy or failing service: the same request again after a growing pause, a few times
       * (429 asks for at least a second). */
      guint delay = BUSY_RETRY_BASE_MS << self->busy_retries;

      self->busy_retries++;
      g_debug ("Message answered %d, trying again in %u ms", error->code, delay);
      confab_message_requeue (message);
      g_clear_handle_id (&self->busy_source, g_source_remove);
      self->busy_source = g_timeout_add (delay, busy_retry_cb, self);
      return;
    }
  else if (error->domain == CONFAB_RESPONSE_ERROR || error->domain == CONFAB_PROTOCOL_ERROR)
    {
      g_debug ("Message refused: %s", error->message);
      confab_message_fail (message);
      outbox_pop (self);
    }
  else if (confab_message_get_sequence (message) >= 0)
    {
      /* The answer was lost but the echo came: the service has it. */
      g_debug ("Message not answered, but its echo came: %s", error->message);
      outbox_pop (self);
    }
  else
    {
      /* Lost on the way: it goes again, in order, after reconnecting, unless the replay
       * shows the service stored it (its echo is matched then, see ConfabMessageList). */
      g_debug ("Message not answered: %s", error->message);
      confab_message_requeue (message);
      if (g_error_matches (error, CONFAB_CONNECTION_ERROR, CONFAB_CONNECTION_ERROR_TIMEOUT) &&
          CONFAB_CONNECTION (object) == self->conn)
        {
          /* A socket that does not answer in 10 s is not trusted with a second try. */
          confab_connection_drop (self->conn, "a message had no answer");
          return;
        }
    }

  flush_outbox (self);
}

static void
flush_outbox (ConfabSession *self)
{
  ConfabMessage *head;

  /* Queued messages whose echo a replay matched are sent already. */
  while ((head = g_queue_peek_head (&self->outbox)) != NULL && head != self->in_flight &&
         confab_message_get_delivery_state (head) >= CONFAB_DELIVERY_SENT)
    outbox_pop (self);

  if (self->in_flight != NULL || g_queue_is_empty (&self->outbox) || !is_online (self) ||
      self->busy_source != 0 || self->awaiting_metadata)
    return;

  switch (self->conversation_status)
    {
    case CONFAB_CONVERSATION_NONE:
    case CONFAB_CONVERSATION_CLOSED:
      request_conversation (self);
      return;
    case CONFAB_CONVERSATION_REQUESTED:
      return;
    case CONFAB_CONVERSATION_OPEN:
    default:
      break;
    }

  if (!self->dialog_subscribed || self->resuming)
    return;

  head = g_queue_peek_head (&self->outbox);
  self->in_flight = g_object_ref (head);
  if (!confab_message_get_attempted (head))
    {
      confab_message_set_attempted (head, TRUE);
      outbox_save (self, head);
    }
  confab_message_set_dialog_id (head, self->conversation_id);
  confab_message_set_conversation_id (head, self->conversation_id);
  confab_message_advance_delivery (head, CONFAB_DELIVERY_SENDING);
  confab_connection_send_request (self->conn, CONFAB_REQ_PUBLISH_EVENT,
                                  confab_publish_text_body (self->conversation_id, self->conversation_id,
                                                            confab_message_get_text (head)),
                                  NULL, publish_text_cb, g_object_ref (self));

  /* Sending ends "typing". */
  if (self->composing_sent)
    confab_session_set_typing (self, FALSE);
}

ConfabMessage *
confab_session_send_text (ConfabSession *self,
                          const char    *text)
{
  g_autoptr(ConfabMessage) message = NULL;

  g_return_val_if_fail (CONFAB_IS_SESSION (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  message = confab_message_new_outgoing (text, g_get_real_time () / 1000);
  if (self->store != NULL)
    confab_message_set_local_id (message, confab_store_next_local_id (self->store));
  /* On disk before it is shown or goes anywhere: a crash or a restart does not lose it, and
   * what could not be saved is not shown as queued. */
  if (!outbox_save (self, message))
    return NULL;
  confab_message_list_append_outgoing (self->messages, message);
  g_queue_push_tail (&self->outbox, g_object_ref (message));
  flush_outbox (self);

  return message;
}

void
confab_session_retry_message (ConfabSession *self,
                              ConfabMessage *message)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (CONFAB_IS_MESSAGE (message));

  if (confab_message_get_delivery_state (message) != CONFAB_DELIVERY_FAILED ||
      !confab_message_requeue (message))
    return;
  g_queue_push_tail (&self->outbox, g_object_ref (message));
  outbox_save (self, message);
  flush_outbox (self);
}

void
confab_session_mark_read (ConfabSession *self,
                          GPtrArray     *messages)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (messages != NULL);

  for (guint i = 0; i < messages->len; i++)
    if (!confab_message_get_own (g_ptr_array_index (messages, i)))
      confab_message_set_seen (g_ptr_array_index (messages, i), TRUE);

  if (!self->send_read_receipts || self->conversation_status != CONFAB_CONVERSATION_OPEN)
    return;

  for (guint i = 0; i < messages->len; i++)
    {
      ConfabMessage *message = g_ptr_array_index (messages, i);
      gint64 sequence = confab_message_get_sequence (message);

      if (!wants_receipt (self, message) || confab_message_get_read_sent (message) ||
          batch_contains (self->read_batch, sequence))
        continue;
      g_array_append_val (self->read_batch, sequence);
    }
  schedule_receipts (self);
}

static void
close_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ConfabSession) self = user_data;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (object), result, &error);
  if (frame == NULL)
    {
      g_debug ("Closing the conversation failed: %s", error->message);
      return;
    }
  /* The metadata notification follows; do not wait for it to stop publishing. */
  if (self->conversation_status == CONFAB_CONVERSATION_OPEN)
    conversation_closed (self, CONFAB_CLOSE_REASON_CONSUMER);
}

void
confab_session_close_conversation (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->conversation_status != CONFAB_CONVERSATION_OPEN || !is_online (self))
    return;
  confab_connection_send_request (self->conn, CONFAB_REQ_UPDATE_CONVERSATION,
                                  confab_close_conversation_body (self->conversation_id),
                                  NULL, close_cb, g_object_ref (self));
}

void
confab_session_new_conversation (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->conversation_status != CONFAB_CONVERSATION_CLOSED)
    return;
  set_conversation (self, NULL, CONFAB_CONVERSATION_NONE);
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
                                                                  self->conversation_id, state),
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
      if (self->composing_sent && can_publish (self))
        publish_chat_state (self, CONFAB_CHAT_STATE_ACTIVE);
      self->composing_sent = FALSE;
      self->last_composing = 0;
      return;
    }

  if (!can_publish (self))
    return;

  if (!self->composing_sent || now - self->last_composing > COMPOSING_THROTTLE_MS * 1000)
    {
      publish_chat_state (self, CONFAB_CHAT_STATE_COMPOSING);
      self->composing_sent = TRUE;
      self->last_composing = now;
    }
  self->typing_pause_source = g_timeout_add (self->typing_pause_ms, typing_pause_cb, self);
}

/* Connecting and reconnecting */

static void
signed_out (ConfabSession *self,
            const char    *reason)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_string_prop (self, &self->signed_out_reason, reason, PROP_SIGNED_OUT_REASON);
  set_state (self, CONFAB_SESSION_SIGNED_OUT);
}

static gboolean
retry_cb (gpointer data)
{
  ConfabSession *self = data;

  self->retry_source = 0;
  self->reconnects++;
  begin_connect (self);
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
  set_state (self, CONFAB_SESSION_WAITING);
  self->retry_source = g_timeout_add ((guint) delay_ms, retry_cb, self);
  g_debug ("Next try in %" G_GUINT64_FORMAT " ms", delay_ms);
}

static void
drop_connection (ConfabSession *self)
{
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  confab_connection_close (self->conn);
  g_clear_object (&self->conn);
}

static void
lost_socket (ConfabSession *self)
{
  self->dialog_subscribed = FALSE;
  self->subscribing = FALSE;
  self->composing_sent = FALSE;
  self->resuming = FALSE;
  g_clear_handle_id (&self->resume_source, g_source_remove);
  g_clear_handle_id (&self->receipt_source, g_source_remove);
  g_clear_handle_id (&self->typing_pause_source, g_source_remove);
  set_agent_typing (self, FALSE);
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
  g_autoptr(ConfabConnection) keep = g_object_ref (conn);

  drop_connection (self);
  lost_socket (self);

  switch (reason)
    {
    case CONFAB_DISCONNECT_REQUESTED:
    case CONFAB_DISCONNECT_NONE:
      set_state (self, CONFAB_SESSION_OFFLINE);
      break;

    case CONFAB_DISCONNECT_AUTH:
    case CONFAB_DISCONNECT_IDENTITY_EXPIRED:
      if ((confab_account_get_anonymous (self->account) || reason == CONFAB_DISCONNECT_IDENTITY_EXPIRED) &&
          !self->signed_up_again)
        {
          /* An anonymous consumer simply signs up again. */
          self->signed_up_again = TRUE;
          set_state (self, CONFAB_SESSION_CONNECTING);
          confab_account_signup_async (self->account, self->http, self->cancellable,
                                       signup_again_cb, g_object_ref (self));
        }
      else
        signed_out (self, _("The service did not accept the token. Set a new token (LP_JWT) and try again."));
      break;

    case CONFAB_DISCONNECT_NETWORK:
    default:
      schedule_retry (self);
      break;
    }
}

static void
connection_state_cb (ConfabConnection *conn,
                     GParamSpec       *pspec,
                     ConfabSession    *self)
{
  if (confab_connection_get_state (conn) == CONFAB_CONNECTION_STATE_CONNECTED)
    subscribe_metadata (self);
}

static void ensure_loaded (ConfabSession *self);

/* The identity is known: its history can be read, and what was written before it was known
 * goes on disk now. */
static void
adopt_consumer (ConfabSession *self,
                const char    *consumer_id)
{
  if (self->consumer_id != NULL && g_strcmp0 (self->consumer_id, consumer_id) != 0)
    {
      /* A new identity sees none of the old one's conversations. */
      set_conversation (self, NULL, CONFAB_CONVERSATION_NONE);
    }
  set_string_prop (self, &self->consumer_id, consumer_id, PROP_CONSUMER_ID);
  for (GList *l = self->outbox.head; l != NULL; l = l->next)
    outbox_save (self, l->data);
  ensure_loaded (self);
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

      signed_out (self, reason);
      return FALSE;
    }

  adopt_consumer (self, claims->sub);
  return TRUE;
}

static void connect_socket (ConfabSession *self);

static gboolean
outbox_holds (ConfabSession *self,
              gint64         local_id)
{
  for (GList *l = self->outbox.head; l != NULL; l = l->next)
    if (confab_message_get_local_id (l->data) == local_id)
      return TRUE;
  return FALSE;
}

static void
apply_snapshot (ConfabSession       *self,
                ConfabStoreSnapshot *snapshot)
{
  g_autoptr(GPtrArray) added = NULL;

  if (snapshot->conversation_id != NULL && self->conversation_id == NULL)
    {
      set_conversation (self, snapshot->conversation_id, CONFAB_CONVERSATION_NONE);
      self->awaiting_metadata = TRUE;
    }
  if (snapshot->messages->len > 0)
    added = confab_message_list_add (self->messages, snapshot->messages);

  /* Written before anything typed in this run: they go first, in their order. Rows this run
   * wrote itself (it saves its queue as soon as the identity is known) are here already. */
  {
    g_autoptr(GPtrArray) restored = g_ptr_array_new ();

    for (guint i = 0; i < snapshot->outbox->len; i++)
      {
        ConfabMessage *message = g_ptr_array_index (snapshot->outbox, i);

        if (!outbox_holds (self, confab_message_get_local_id (message)))
          g_ptr_array_add (restored, message);
      }

    confab_message_list_prepend_outgoing (self->messages, restored);
    for (guint i = restored->len; i > 0; i--)
      {
        ConfabMessage *message = g_ptr_array_index (restored, i - 1);

        if (confab_message_get_delivery_state (message) != CONFAB_DELIVERY_FAILED)
          g_queue_push_head (&self->outbox, g_object_ref (message));
      }
  }
  g_debug ("Restored %u messages and %u waiting to be sent",
           snapshot->messages->len, snapshot->outbox->len);
}

typedef struct
{
  ConfabSession *self;
  char *consumer_id;
} LoadData;

static void
store_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LoadData *data = user_data;
  g_autoptr(ConfabSession) self = data->self;
  g_autofree char *consumer_id = data->consumer_id;
  g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  g_free (data);
  g_clear_pointer (&self->loading_consumer, g_free);
  snapshot = confab_store_load_finish (CONFAB_STORE (object), result, &error);
  if (snapshot == NULL)
    g_message ("%s", error->message);
  else if (g_strcmp0 (consumer_id, self->consumer_id) == 0)
    apply_snapshot (self, snapshot);

  if (g_strcmp0 (consumer_id, self->consumer_id) == 0)
    {
      g_free (self->loaded_consumer);
  g_free (self->loading_consumer);
      self->loaded_consumer = g_steal_pointer (&consumer_id);
    }
  else
    ensure_loaded (self);

  if (self->connect_after_load && self->loading_consumer == NULL)
    {
      self->connect_after_load = FALSE;
      if (self->state == CONFAB_SESSION_CONNECTING)
        connect_socket (self);
    }
}

/* Reads the history held for the current identity, once per identity. It is not cancelled
 * by stop(): a later start needs it all the same. */
static void
ensure_loaded (ConfabSession *self)
{
  LoadData *data;

  if (self->store == NULL || self->consumer_id == NULL || self->loading_consumer != NULL ||
      g_strcmp0 (self->loaded_consumer, self->consumer_id) == 0)
    return;

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->consumer_id = g_strdup (self->consumer_id);
  self->loading_consumer = g_strdup (self->consumer_id);
  confab_store_load_async (self->store, account_id (self), self->consumer_id, NULL, store_loaded_cb, data);
}

static void
open_socket (ConfabSession *self)
{
  if (!set_consumer_from_token (self))
    return;

  /* The history held for this identity shows first; the socket then catches up. */
  if (self->loading_consumer != NULL)
    {
      self->connect_after_load = TRUE;
      return;
    }

  connect_socket (self);
}

static void
connect_socket (ConfabSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = confab_account_dup_socket_url (self->account, &error);
  if (url == NULL)
    {
      signed_out (self, error->message);
      return;
    }

  drop_connection (self);
  self->conn = confab_connection_new (self->http, url, confab_account_get_jwt (self->account));
  g_signal_connect (self->conn, "notify::state", G_CALLBACK (connection_state_cb), self);
  g_signal_connect (self->conn, "notification", G_CALLBACK (notification_cb), self);
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
        signed_out (self, error->message);
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

static void
begin_connect (ConfabSession *self)
{
  const char *jwt = confab_account_get_jwt (self->account);

  /* With a token in hand the identity is known before any network: its history shows and
   * what is written offline is kept, even when the service cannot be reached at all. */
  if (self->consumer_id == NULL && jwt != NULL)
    {
      g_autoptr(ConfabJwtClaims) claims = confab_jwt_decode (jwt, NULL);

      if (claims != NULL)
        adopt_consumer (self, claims->sub);
    }

  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_connection (self);
  set_state (self, CONFAB_SESSION_CONNECTING);
  confab_account_resolve_async (self->account, self->http, self->cancellable,
                                resolve_cb, g_object_ref (self));
}

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
confab_session_start (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->state != CONFAB_SESSION_OFFLINE && self->state != CONFAB_SESSION_SIGNED_OUT)
    return;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->attempt = 0;
  self->signed_up_again = FALSE;
  set_string_prop (self, &self->signed_out_reason, NULL, PROP_SIGNED_OUT_REASON);
  begin_connect (self);
}

void
confab_session_stop (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  /* Stopped means on disk: what changed is written before stop() returns. */
  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_dirty_cb (self);
    }
  if (self->store != NULL)
    confab_store_flush (self->store);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  drop_connection (self);
  lost_socket (self);
  set_state (self, CONFAB_SESSION_OFFLINE);
}

void
confab_session_retry_now (ConfabSession *self)
{
  g_return_if_fail (CONFAB_IS_SESSION (self));

  if (self->state == CONFAB_SESSION_WAITING)
    {
      self->reconnects++;
      begin_connect (self);
    }
  else if (self->state == CONFAB_SESSION_OFFLINE || self->state == CONFAB_SESSION_SIGNED_OUT)
    confab_session_start (self);
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
    g_array_set_size (self->read_batch, 0);
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
  self->http = http != NULL ? g_object_ref (http) : soup_session_new ();
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
  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_dirty_cb (self);
    }
  g_clear_object (&self->store);
  if (self->profile_cancellable != NULL)
    g_cancellable_cancel (self->profile_cancellable);
  g_clear_object (&self->profile_cancellable);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  drop_connection (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->in_flight);
  g_queue_clear_full (&self->outbox, g_object_unref);

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
  g_clear_pointer (&self->accept_batch, g_array_unref);
  g_clear_pointer (&self->read_batch, g_array_unref);
  g_clear_pointer (&self->early_receipts, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_free (self->loaded_consumer);
  g_free (self->loading_consumer);
  g_free (self->signed_out_reason);
  g_free (self->consumer_id);
  g_free (self->conversation_id);
  g_free (self->agent_id);
  g_free (self->agent_nickname);

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
    case PROP_AGENT_TYPING: g_value_set_boolean (value, self->agent_typing); break;
    case PROP_MESSAGES: g_value_set_object (value, self->messages); break;
    case PROP_SEND_READ_RECEIPTS: g_value_set_boolean (value, self->send_read_receipts); break;
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
  properties[PROP_AGENT_TYPING] = g_param_spec_boolean ("agent-typing", NULL, NULL, FALSE, ro);
  properties[PROP_MESSAGES] = g_param_spec_object ("messages", NULL, NULL, CONFAB_TYPE_MESSAGE_LIST, ro);
  properties[PROP_SEND_READ_RECEIPTS] = g_param_spec_boolean ("send-read-receipts", NULL, NULL, TRUE,
                                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                              G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_session_init (ConfabSession *self)
{
  self->messages = confab_message_list_new ();
  self->dirty = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  g_signal_connect_object (self->messages, "items-changed", G_CALLBACK (messages_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_queue_init (&self->outbox);
  self->accept_batch = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->read_batch = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->early_receipts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->send_read_receipts = TRUE;
  self->receipt_batch_ms = DEFAULT_RECEIPT_BATCH_MS;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->typing_pause_ms = DEFAULT_TYPING_PAUSE_MS;

  confab_session_set_network_monitor (self, g_network_monitor_get_default ());
}
