/* confab-session-private.h: what the parts of ConfabSession share
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ConfabSession is one class in several files, one a concern, all sharing this instance
 * struct. Each part keeps its own helpers static; what one part calls in another is
 * declared here and named _confab_session_*. Nothing outside src/core/confab-session*.c
 * includes this header: confab-session.h is the API.
 *
 *   confab-session.c               GObject, properties, accessors, start and stop
 *   confab-session-connect.c       connecting, subscriptions, reconnecting, network monitor
 *   confab-session-conversation.c  the current conversation: asked for, open, closed
 *   confab-session-events.c        incoming notifications, one handler per kind of event
 *   confab-session-files.c         photos sent and files fetched, through the storage
 *   confab-session-event-rows.c    rows for what happens to the conversation: an agent joins,
 *                                  it closes, a new one begins
 *   confab-session-outbox.c        own messages: queued, sent, retried, kept in the store
 *   confab-session-profile.c       the agents' profiles (nicknames), a name for every message
 *   confab-session-receipts.c      ACCEPT and READ batched out; receipts in, on own messages
 *   confab-session-rich.c          clicks in rich messages and on quick replies
 *   confab-session-survey.c        the satisfaction survey after a conversation (legacy CSAT)
 *   confab-session-post-survey.c   the post-conversation survey: a dialog of its own whose
 *                                  questions are answered with quick replies
 *   confab-session-store.c         the identity, its history read from the store a page at a
 *                                  time and saved to it
 *   confab-session-typing.c        typing: the agent's in, the person's out
 */
#pragma once

#include "confab-session.h"
#include "confab-connection.h"
#include "confab-store.h"

G_BEGIN_DECLS

/* Sequences waiting for a receipt: in the order they were queued, and a set to ask, so a
 * replay of thousands of messages queues each in constant time. */
typedef struct
{
  GArray *order;         /* of gint64 */
  GHashTable *members;   /* gint64 * → itself */
} ConfabSeqBatch;

ConfabSeqBatch *_confab_seq_batch_new      (void);
void            _confab_seq_batch_free     (ConfabSeqBatch *batch);
void            _confab_seq_batch_clear    (ConfabSeqBatch *batch);
gboolean        _confab_seq_batch_contains (ConfabSeqBatch *batch,
                                            gint64          sequence);
void            _confab_seq_batch_add      (ConfabSeqBatch *batch,
                                            gint64          sequence);
void            _confab_seq_batch_remove   (ConfabSeqBatch *batch,
                                            gint64          sequence);

struct _ConfabSession
{
  GObject parent_instance;

  /* Who and where (confab-session.c) */
  ConfabAccount *account;
  SoupSession *http;
  ConfabSessionState state;
  char *consumer_id;

  /* Connecting and reconnecting (-connect.c) */
  ConfabConnection *conn;
  GCancellable *cancellable;
  GNetworkMonitor *monitor;
  gint64 next_retry;
  char *signed_out_reason;
  gboolean token_refused;     /* signed out because the token was refused */
  guint attempt;
  guint retry_source;
  guint reconnects;
  gboolean signed_up_again;   /* one fresh signup per auth failure, then give up */
  guint backoff_base_ms;
  guint backoff_max_ms;

  /* Subscriptions after connecting, and the replay they bring (-connect.c) */
  gboolean dialog_subscribed;
  gboolean subscribing;
  gboolean just_requested;    /* we created the conversation: nothing to replay */
  gboolean resuming;          /* a replay may still be arriving: hold sends and receipts */
  guint resume_source;
  gboolean awaiting_metadata; /* a restored conversation: the metadata says whether it is open */
  guint metadata_wait_source;

  /* The current conversation (-conversation.c, -events.c) */
  char *conversation_id;
  ConfabConversationStatus conversation_status;
  ConfabConversationState stage;
  ConfabCloseReason close_reason;
  gint64 metadata_ts;
  guint conversation_refusals;

  /* The agent: who, the profile, typing (-profile.c, -typing.c) */
  char *agent_id;
  char *agent_nickname;
  GCancellable *profile_cancellable;  /* every lookup under way */
  GHashTable *profiles;       /* agent id → nickname: every agent named so far, also on disk */
  GHashTable *profile_asked;  /* agent ids looked up in this run (answered, failed or under way) */
  char *last_writer;          /* the agent who wrote last in the conversation */
  gint64 last_writer_sequence;
  char *agent_display_name;
  gboolean agent_present;

  /* Rows for what happens to the conversation (-event-rows.c) */
  gboolean agent_known;       /* whom the conversation is with is known, if only "nobody" */
  ConfabMessage *pending_new; /* "New conversation", until the conversation has its id */
  gboolean agent_typing;
  guint agent_typing_source;

  /* History on disk (-store.c) */
  ConfabStore *store;
  char *loaded_consumer;      /* the identity whose history was read from the store */
  gboolean loading;           /* a snapshot is being read */
  char *loading_consumer;     /* for that identity; NULL: the account's last one */
  gboolean asked_last;        /* the account's last identity was read once */
  gboolean loading_history;   /* the first page is not shown yet */
  ConfabStoreSnapshot *provisional; /* the last identity's, until the identity is known */
  gboolean connect_after_load;
  GHashTable *dirty;          /* ConfabMessage with changes not saved yet */
  GPtrArray *dirty_order;     /* the same, in the order they changed: new dialogs keep theirs */
  guint save_source;
  gboolean adding_stored;     /* rows entering the list are read from the store: not saved again */

  /* Older pages of the history (-store.c) */
  char *history_consumer;     /* whose pages the list shows */
  char *oldest_dialog;        /* the first row read from the store: older pages end there */
  gint64 oldest_sequence;
  gboolean loading_older;
  GArray *unaccepted;         /* gint64: the conversation's agent messages not acknowledged,
                               * read from the store, not in the list */
  GHashTable *unlisted_receipts; /* sequence → ConfabReceiptStatus published for a message of
                                  * the conversation not in the list */

  /* The messages and the outbox (-outbox.c) */
  ConfabMessageList *messages;
  GQueue outbox;              /* of ConfabMessage (owned), oldest first */
  ConfabMessage *in_flight;   /* being published; also the head of outbox */
  guint busy_retries;         /* 429/5xx answers to the message at the head of the outbox */
  guint busy_source;

  /* Receipts out, and the agent's receipts in (-receipts.c) */
  ConfabSeqBatch *accept_batch;
  ConfabSeqBatch *read_batch;
  ConfabSeqBatch *accept_in_flight; /* published, not answered yet (current dialog) */
  ConfabSeqBatch *read_in_flight;
  guint receipt_source;
  GHashTable *early_receipts; /* "dialog\x1fseq" → ConfabDeliveryState, for messages not held yet */
  gboolean send_read_receipts;
  guint receipt_batch_ms;

  /* Rich messaging (-rich.c) */
  ConfabMessage *replies_message; /* the newest message, whose quick replies are on offer */

  /* Surveys (-survey.c) */
  GHashTable *surveys_answered;   /* conversation ids, answered or skipped (also on disk) */
  GQueue surveys_pending;         /* answers not sent yet (also on disk), oldest first */
  char *survey_due;               /* the conversation whose survey is to be asked, or NULL */
  gboolean metadata_heard;        /* this socket's first metadata notification came: answers
                                   * go only after it, so one the service already holds is
                                   * seen there and not sent twice */
  gint64 closed_at;               /* when the current conversation's main dialog closed, ms */

  /* The post-conversation survey of the current conversation (-post-survey.c) */
  char *survey_dialog_id;         /* its POST_SURVEY dialog, NULL when it has none */
  gboolean survey_open;           /* it runs: publishes and receipts go into its dialog */
  gboolean survey_subscribed;
  gboolean survey_subscribing;
  gboolean survey_skipped;        /* the person skipped it */
  char *survey_skip_pending;      /* the conversation whose skip is not sent yet (offline, or
                                   * lost), kept when a new conversation begins meanwhile */
  GHashTable *post_surveyed;      /* conversation ids that had one, in this run */

  /* The person's own typing state (-typing.c) */
  gint64 last_composing;      /* monotonic µs */
  gboolean composing_sent;
  guint typing_pause_source;
  guint typing_pause_ms;
  gboolean drafting;          /* words in the composer: quick replies held back */
};

typedef enum {
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
  PROP_AGENT_PRESENT,
  PROP_AGENT_DISPLAY_NAME,
  PROP_AGENT_TYPING,
  PROP_MESSAGES,
  PROP_SEND_READ_RECEIPTS,
  PROP_LOADING_HISTORY,
  PROP_LOADING_OLDER,
  PROP_SURVEY_OPEN,
  PROP_SURVEY_DUE,
  N_PROPS
} ConfabSessionProperty;

/* Property helpers (confab-session.c): notify only on a real change. */

void         _confab_session_notify                (ConfabSession             *self,
                                                    ConfabSessionProperty      prop);
void         _confab_session_set_string_prop       (ConfabSession             *self,
                                                    char                     **field,
                                                    const char                *value,
                                                    ConfabSessionProperty      prop);

#define SET_PROP(field, value, prop)                                     \
  G_STMT_START {                                                         \
    if (self->field != (value))                                          \
      {                                                                  \
        self->field = (value);                                           \
        _confab_session_notify (self, prop);                             \
      }                                                                  \
  } G_STMT_END

/* confab-session.c */

void         _confab_session_set_state             (ConfabSession             *self,
                                                    ConfabSessionState         state);
gboolean     _confab_session_is_online             (ConfabSession             *self);
/* Online, subscribed to the dialog, and the conversation (or its survey) is open. */
gboolean     _confab_session_can_publish           (ConfabSession             *self);
/* The dialog publishes and receipts go into: the running survey's, else the conversation's
 * (NULL when there is none). */
const char  *_confab_session_publish_dialog        (ConfabSession             *self);
const char  *_confab_session_account_id            (ConfabSession             *self);

/* confab-session-connect.c */

/* Resolves the account and connects; from start(), a retry or retry_now(). */
void         _confab_session_begin_connect         (ConfabSession             *self);
/* A new socket for the account, the session listening to it. */
void         _confab_session_connect_socket        (ConfabSession             *self);
void         _confab_session_drop_connection       (ConfabSession             *self);
/* The socket is gone: what belonged to it (subscriptions, typing, timers) goes too. */
void         _confab_session_lost_socket           (ConfabSession             *self);
void         _confab_session_subscribe_metadata    (ConfabSession             *self);
/* Subscribes to the current dialog from the sequence after the last one held. */
void         _confab_session_subscribe_dialog      (ConfabSession             *self);
/* Holds sends and receipts until the replay has been quiet for a while. */
void         _confab_session_start_resume_settle   (ConfabSession             *self);

/* confab-session-conversation.c */

/* Forgets the old conversation's state when the id changes; remembers the new id on disk. */
void         _confab_session_set_conversation      (ConfabSession             *self,
                                                    const char                *conversation_id,
                                                    ConfabConversationStatus   status);
/* The main dialog is closed (at time_ms on the service's clock, 0: now): nothing more is
 * published into it. */
void         _confab_session_conversation_closed   (ConfabSession             *self,
                                                    ConfabCloseReason          reason,
                                                    gint64                     time_ms);
/* Asks for a new conversation, unless one is asked for already. */
void         _confab_session_request_conversation  (ConfabSession             *self);

/* confab-session-events.c */

/* ConfabConnection::notification */
void         _confab_session_notification_cb       (ConfabConnection          *conn,
                                                    ConfabFrame               *frame,
                                                    ConfabSession             *self);

/* confab-session-outbox.c */

/* Sends the head of the outbox if it can go now; asks for a conversation if none is open. */
void         _confab_session_flush_outbox          (ConfabSession             *self);
/* The message into the store's outbox, once the identity is known. FALSE: not on disk (the
 * store's ::error has told the person why). */
gboolean     _confab_session_outbox_save           (ConfabSession             *self,
                                                    ConfabMessage             *message);
/* The outbox a store snapshot held: ahead of what this run queued, failed ones not queued. */
void         _confab_session_restore_outbox        (ConfabSession             *self,
                                                    GPtrArray                 *saved);
/* An own message into the outbox (on disk first) and the list, sent when it can be.
 * FALSE: not on disk (the store's ::error has told the person why), not queued. */
gboolean     _confab_session_queue_outgoing        (ConfabSession             *self,
                                                    ConfabMessage             *message);
/* Refused for good: every queued message fails. */
void         _confab_session_fail_outbox           (ConfabSession             *self);

/* confab-session-event-rows.c */

/* The metadata says whom the conversation is with (at time_ms, 0: now): an agent who takes
 * it over from whoever had it, as far as Confab knows, gets a row "… joined". */
void         _confab_session_agent_assigned        (ConfabSession             *self,
                                                    const char                *agent_id,
                                                    gint64                     time_ms);
/* A row "Conversation closed …" at the end of the current conversation, once. */
void         _confab_session_add_closed_row        (ConfabSession             *self,
                                                    ConfabCloseReason          reason,
                                                    gint64                     time_ms);
/* A row "Survey completed" or "Survey skipped" after the last event held of the survey's
 * dialog, once. */
void         _confab_session_add_survey_row        (ConfabSession             *self,
                                                    const char                *dialog_id,
                                                    gboolean                   completed,
                                                    gint64                     time_ms);
/* Whether the list holds a row of this event in the dialog (the rows read from the store
 * among them). */
gboolean     _confab_session_has_event_row         (ConfabSession             *self,
                                                    const char                *dialog_id,
                                                    ConfabMessageEvent         event);
/* A row "New conversation" at the end of the list, before what the person writes next; it
 * takes its place in the new conversation once that has its id. Not for the first one. */
void         _confab_session_begin_new_row         (ConfabSession             *self);
/* The current conversation changed to conversation_id: its "New conversation" row. */
void         _confab_session_place_new_row         (ConfabSession             *self);

/* confab-session-profile.c */

/* The agent now in the conversation (NULL: none); fetches its profile. */
void         _confab_session_set_agent             (ConfabSession             *self,
                                                    const char                *agent_id);
/* Names known from the store (agent id → nickname), for rows that have no name yet. */
void         _confab_session_add_profiles          (ConfabSession             *self,
                                                    GHashTable                *profiles);
/* The conversation changed: who wrote last in it is forgotten. */
void         _confab_session_forget_writer         (ConfabSession             *self);
/* ConfabMessageList::items-changed: new rows get their sender's name, or ask for it. */
void         _confab_session_name_rows_cb          (ConfabSession             *self,
                                                    guint                      position,
                                                    guint                      removed,
                                                    guint                      added,
                                                    GListModel                *model);

/* confab-session-receipts.c */

/* Publishes the batched receipts after receipt_batch_ms, unless nothing waits. */
void         _confab_session_schedule_receipts     (ConfabSession             *self);
/* An ACCEPT for a message of the agent's, unless it went already. */
void         _confab_session_queue_accept          (ConfabSession             *self,
                                                    ConfabMessage             *message);
/* The READ receipts still waiting for their dialog, which closes: none goes, but the person
 * has seen those messages, so they are read here (stored so). Empties the batch. */
void         _confab_session_read_batch_closed     (ConfabSession             *self);
/* An ACCEPT for an agent message of the conversation that is in the history on disk but not
 * in the list, unless it is on its way. */
void         _confab_session_queue_accept_sequence (ConfabSession             *self,
                                                    gint64                     sequence);
/* A receipt this consumer published, seen again (a replay): it does not go twice. */
void         _confab_session_apply_own_receipt     (ConfabSession             *self,
                                                    const char                *dialog_id,
                                                    gint64                sequence,
                                                    ConfabReceiptStatus        status);
/* A receipt from the agent for an own message, kept for later if the message has no
 * sequence yet. */
void         _confab_session_apply_agent_receipt   (ConfabSession             *self,
                                                    const char                *dialog_id,
                                                    gint64                sequence,
                                                    ConfabReceiptStatus        status);
/* The agent's receipts that came before this own message had its sequence. */
void         _confab_session_apply_early_receipts  (ConfabSession             *self,
                                                    ConfabMessage             *message);

/* confab-session-rich.c */

/* An ACTION receipt for the message (dialog_id, sequence) with metadata, when online in
 * that dialog; FALSE when it could not go. */
gboolean     _confab_session_publish_action        (ConfabSession             *self,
                                                    const char                *dialog_id,
                                                    gint64                     sequence,
                                                    JsonNode                  *metadata);
/* The list changed: quick replies follow the newest message. */
void         _confab_session_update_quick_replies  (ConfabSession             *self);

/* confab-session-survey.c */

/* Sends the surveys answered while offline, when online. */
void         _confab_session_flush_surveys         (ConfabSession             *self);
/* Frees an element of surveys_pending. */
void         _confab_session_pending_survey_free   (gpointer                   data);
/* What the store kept (ConfabStoreSurvey, or NULL): answered, and what is still to go. */
void         _confab_session_restore_surveys       (ConfabSession             *self,
                                                    GPtrArray                 *surveys);
/* The service holds an answer to the conversation's survey (from this device or another):
 * it is answered, and one of ours not sent yet is not sent. */
void         _confab_session_survey_answered_elsewhere (ConfabSession         *self,
                                                        const char            *conversation_id);
/* Whether the current conversation's survey is to be asked now (property survey-due). */
void         _confab_session_update_survey_due     (ConfabSession             *self);

/* confab-session-post-survey.c */

/* The metadata names the conversation's POST_SURVEY dialog (survey): it opens (subscribe,
 * answers go there) or it ends (a row says how). stage_closed: the whole conversation is. */
void         _confab_session_survey_seen           (ConfabSession             *self,
                                                    const ConfabDialog        *survey,
                                                    gboolean                   stage_closed,
                                                    gint64                     time_ms);
/* The conversation is closed for good (stage CLOSE) without a survey running. */
void         _confab_session_survey_stage_closed   (ConfabSession             *self,
                                                    gint64                     time_ms);
/* Subscribes to the running survey's dialog from after the last event held. */
void         _confab_session_subscribe_survey      (ConfabSession             *self);
/* Sends a skip the person asked for while offline. */
void         _confab_session_flush_survey_skip     (ConfabSession             *self);
/* The conversation changed, or the socket went: what belonged to the survey goes. */
void         _confab_session_forget_survey         (ConfabSession             *self);
void         _confab_session_survey_lost_socket    (ConfabSession             *self);
/* Whether message answers a survey question (a quick reply with Answer metadata) that can
 * no longer be answered: it is not to be sent anywhere else. */
gboolean     _confab_session_is_stale_answer       (ConfabSession             *self,
                                                    ConfabMessage             *message);

/* confab-session-store.c */

/* The identity is known (from the token or a signup): its history is read once. */
void         _confab_session_adopt_consumer        (ConfabSession             *self,
                                                    const char                *consumer_id);
/* The identity is not known yet: the history the account's last identity left shows. */
void         _confab_session_restore_last          (ConfabSession             *self);
/* Receipts published, or seen again in a replay, for messages of the conversation that are
 * not in the list: kept on disk, and on their rows when an older page brings them. by_agent:
 * the agent's, for own messages. */
void         _confab_session_unlisted_receipts     (ConfabSession             *self,
                                                    const char                *dialog_id,
                                                    GArray                    *sequences,
                                                    ConfabReceiptStatus        status,
                                                    gboolean                   by_agent);
/* The conversation changed: what was kept for the old one's unlisted messages goes. */
void         _confab_session_forget_unlisted       (ConfabSession             *self);
/* ConfabMessageList::items-changed: new rows are saved, and watched for changes. */
void         _confab_session_messages_changed_cb   (ConfabSession             *self,
                                                    guint                      position,
                                                    guint                      removed,
                                                    guint                      added,
                                                    GListModel                *model);
/* What changed goes on disk now, not when idle. */
void         _confab_session_save_pending          (ConfabSession             *self);

/* confab-session-typing.c */

void         _confab_session_set_agent_typing      (ConfabSession             *self,
                                                    gboolean                   typing);

G_END_DECLS
