/* confab-session.h: one consumer's conversation with a brand, kept alive across the network
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "confab-account.h"
#include "confab-message-list.h"
#include "confab-store.h"

G_BEGIN_DECLS

#define CONFAB_SESSION_ERROR (confab_session_error_quark ())

/* Why a file was not sent or fetched; the message is in words for the person. */
typedef enum {
  CONFAB_SESSION_ERROR_OFFLINE,     /* not connected */
  CONFAB_SESSION_ERROR_FILE_TYPE,   /* not a JPG, PNG or GIF */
  CONFAB_SESSION_ERROR_TOO_LARGE,   /* over CONFAB_FILE_UPLOAD_MAX_SIZE (or, fetched, far over) */
  CONFAB_SESSION_ERROR_STORAGE,     /* the storage or the service said no */
} ConfabSessionError;

GQuark confab_session_error_quark (void);

/* How much of an upload has gone, in bytes. */
typedef void (*ConfabSessionProgress) (guint64  sent,
                                       guint64  total,
                                       gpointer user_data);

typedef enum {
  CONFAB_SESSION_OFFLINE,      /* not started, or stopped */
  CONFAB_SESSION_CONNECTING,
  CONFAB_SESSION_ONLINE,
  CONFAB_SESSION_WAITING,      /* waiting to retry; see next-retry */
  CONFAB_SESSION_SIGNED_OUT,   /* the token was refused; see signed-out-reason */
} ConfabSessionState;

/* The current conversation as the person sees it. */
typedef enum {
  CONFAB_CONVERSATION_NONE,        /* none yet: the first message asks for one */
  CONFAB_CONVERSATION_REQUESTED,   /* asked for, no answer yet */
  CONFAB_CONVERSATION_OPEN,
  CONFAB_CONVERSATION_CLOSED,
} ConfabConversationStatus;

#define CONFAB_TYPE_SESSION (confab_session_get_type ())
G_DECLARE_FINAL_TYPE (ConfabSession, confab_session, CONFAB, SESSION, GObject)

ConfabSession           *confab_session_new                   (ConfabAccount *account,
                                                               SoupSession   *http);
void                     confab_session_start                 (ConfabSession *self);
void                     confab_session_stop                  (ConfabSession *self);
/* Reconnect now instead of at the next retry time. */
void                     confab_session_retry_now             (ConfabSession *self);

ConfabSessionState       confab_session_get_state             (ConfabSession *self);
/* Real time (µs) of the next try while WAITING, else 0. */
gint64                   confab_session_get_next_retry        (ConfabSession *self);
const char              *confab_session_get_signed_out_reason (ConfabSession *self);
/* Signed out because the service refused the token: a new token is what helps. */
gboolean                 confab_session_get_token_refused     (ConfabSession *self);
const char              *confab_session_get_consumer_id       (ConfabSession *self);
ConfabAccount           *confab_session_get_account           (ConfabSession *self);

const char              *confab_session_get_conversation_id   (ConfabSession *self);
ConfabConversationStatus confab_session_get_conversation_status (ConfabSession *self);
ConfabConversationState  confab_session_get_conversation_stage (ConfabSession *self);
ConfabCloseReason        confab_session_get_close_reason      (ConfabSession *self);
const char              *confab_session_get_agent_id          (ConfabSession *self);
const char              *confab_session_get_agent_nickname    (ConfabSession *self);
/* Whether an agent is with the person in the current conversation: one has taken it, or one
 * has written in it (property agent-present). */
gboolean                 confab_session_get_agent_present     (ConfabSession *self);
/* The name of that agent, NULL while not known or when there is no agent (property
 * agent-display-name): the one place the window's title, typing line and banners name the
 * agent from. */
const char              *confab_session_get_agent_display_name (ConfabSession *self);
gboolean                 confab_session_get_agent_typing      (ConfabSession *self);
ConfabMessageList       *confab_session_get_messages          (ConfabSession *self);

/* Queues an own message and sends it as soon as there is an open conversation and a
 * connection; asks for a conversation when there is none. The message is in the list.
 * NULL when it could not be saved on disk (the store's ::error says why): nothing is queued. */
ConfabMessage           *confab_session_send_text             (ConfabSession *self,
                                                               const char    *text);
/* The person clicked in message: click belongs to an element of its rich content or to one
 * of its quick replies. With click metadata the service is told (an ACTION receipt for
 * message, with the metadata). Each publishText action sends its text as an own message
 * with the same metadata, after the receipt; the first of them is returned (owned by the
 * list), NULL when there is none or it could not be saved (the store's ::error says why).
 * link and navigate actions are the caller's to open. A quick reply chosen takes the
 * message's quick replies away. */
ConfabMessage           *confab_session_activate_click        (ConfabSession         *self,
                                                               ConfabMessage         *message,
                                                               const ConfabRichClick *click);
/* The satisfaction survey of a conversation that has closed: rate 1–5 and whether the issue
 * was resolved (LivePerson's CSATRate), or skipped. Sent once per conversation (now, or when
 * online again); FALSE when that conversation's survey was answered already. */
gboolean                 confab_session_send_survey           (ConfabSession *self,
                                                               const char    *conversation_id,
                                                               int            rate,
                                                               gboolean       resolved,
                                                               gboolean       skipped);
gboolean                 confab_session_get_survey_answered   (ConfabSession *self,
                                                               const char    *conversation_id);
/* The conversation whose satisfaction survey is to be asked now (property survey-due), or
 * NULL: the current one, once over for good without a post-conversation survey, not answered
 * (in this run or before), closed less than a day ago. The same after a restart. */
const char              *confab_session_get_survey_due        (ConfabSession *self);
/* A post-conversation survey runs in the current conversation (property survey-open): its
 * questions are rows of the list, answered with their quick replies (or in words, which go
 * to the survey too); the conversation is closed otherwise. */
gboolean                 confab_session_get_survey_open       (ConfabSession *self);
/* Whether the conversation had a post-conversation survey, running or over (then the legacy
 * satisfaction survey is not for it). */
gboolean                 confab_session_get_has_post_survey   (ConfabSession *self,
                                                               const char    *conversation_id);
/* The person does not want to answer the running survey: the whole conversation is closed
 * (now, or when online again); nothing when none runs. */
void                     confab_session_skip_survey           (ConfabSession *self);
/* A photo (JPG, JPEG, PNG or GIF of at most CONFAB_FILE_UPLOAD_MAX_SIZE bytes) to the
 * storage, then queued as an own hosted/file message with caption (required) and preview (a
 * data: URL, or NULL); the message is the result. progress is called as the bytes go, until
 * the call finishes. Needs a connection; cancellable stops it until it is queued. */
void                     confab_session_send_file_async       (ConfabSession         *self,
                                                               GBytes                *data,
                                                               ConfabFileType         file_type,
                                                               const char            *caption,
                                                               const char            *preview,
                                                               ConfabSessionProgress  progress,
                                                               gpointer               progress_data,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
/* transfer full: the queued message (the list holds it too) */
ConfabMessage           *confab_session_send_file_finish      (ConfabSession  *self,
                                                               GAsyncResult   *result,
                                                               GError        **error);
/* The bytes of a hosted file, from the storage. */
void                     confab_session_fetch_file_async      (ConfabSession       *self,
                                                               ConfabHostedFile    *file,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
GBytes                  *confab_session_fetch_file_finish     (ConfabSession  *self,
                                                               GAsyncResult   *result,
                                                               GError        **error);
/* A failed message back in the queue. */
void                     confab_session_retry_message         (ConfabSession *self,
                                                               ConfabMessage *message);
/* The person has seen these messages: READ for those that need it, batched, never twice,
 * never for own messages, never into a closed conversation, and not at all when
 * send-read-receipts is off. */
void                     confab_session_mark_read             (ConfabSession *self,
                                                               GPtrArray     *messages);
/* Closes the main dialog (a DialogChange, which starts the post-conversation survey where the
 * account has one; without one the whole conversation closes). */
void                     confab_session_close_conversation    (ConfabSession *self);
/* After a close: forget the old conversation's state so the next message starts a new one. */
void                     confab_session_new_conversation      (ConfabSession *self);
/* The person is typing (TRUE) or stopped (FALSE). COMPOSING is throttled; ACTIVE follows
 * a pause or a send. */
void                     confab_session_set_typing            (ConfabSession *self,
                                                               gboolean       typing);
/* The composer holds words (TRUE) or is empty (FALSE). The newest message's quick replies
 * are not offered while it holds words, and are again when it is emptied before anything
 * was sent: nothing was answered yet. */
void                     confab_session_set_drafting          (ConfabSession *self,
                                                               gboolean       drafting);

gboolean                 confab_session_get_send_read_receipts (ConfabSession *self);
void                     confab_session_set_send_read_receipts (ConfabSession *self,
                                                                gboolean       send);

/* The history on disk comes a page at a time, the newest at start. The first page is not
 * shown yet (property loading-history: the list's being empty means nothing yet). */
gboolean                 confab_session_get_loading_history   (ConfabSession *self);
/* Reads the page before the first row into the list (ConfabMessageList:has-older says
 * whether there is one); nothing while a page is on its way (property loading-older). */
void                     confab_session_load_older            (ConfabSession *self);
gboolean                 confab_session_get_loading_older     (ConfabSession *self);

/* For tests and benchmarks: shorter timings. */
void                     confab_session_set_timings           (ConfabSession *self,
                                                               guint          receipt_batch_ms,
                                                               guint          backoff_base_ms,
                                                               guint          backoff_max_ms,
                                                               guint          typing_pause_ms);
guint                    confab_session_get_reconnects        (ConfabSession *self);
/* History and outbox on disk: restored when the identity is known, kept up to date after.
 * Set before confab_session_start(). */
void                     confab_session_set_store             (ConfabSession *self,
                                                               ConfabStore   *store);
/* The network monitor whose "network back" makes a waiting session try at once; the
 * default one unless a test gives another. */
void                     confab_session_set_network_monitor   (ConfabSession   *self,
                                                               GNetworkMonitor *monitor);

G_END_DECLS
