/* confab-store.h: history and outbox on disk (SQLite), so nothing is lost across restarts
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "confab-message.h"

G_BEGIN_DECLS

#define CONFAB_STORE_ERROR (confab_store_error_quark ())

typedef enum {
  CONFAB_STORE_ERROR_OPEN,      /* cannot open, create or read the database */
  CONFAB_STORE_ERROR_VERSION,   /* written by a newer Confab */
  CONFAB_STORE_ERROR_WRITE,     /* a write failed: full disk, read-only file, … */
  CONFAB_STORE_ERROR_READ_ONLY, /* the file or its folder cannot be written; left as it is */
  CONFAB_STORE_ERROR_DAMAGED,   /* the file was damaged: moved aside, see ::problem */
} ConfabStoreError;

GQuark confab_store_error_quark (void);

/* 1: events, outbox, conversations. 2: the order of dialogs, the identity last used per
 * account, the indexes that make a page of history cost the same at any length. 3: what a
 * rich message holds beyond its text (events and outbox). 4: the agents' names, whom each
 * conversation is with, the rows for a conversation's events. 5: the satisfaction surveys
 * answered, and those not sent yet. */
#define CONFAB_STORE_SCHEMA_VERSION 5

/* Messages a page holds: a screenful of short messages and a margin. */
#define CONFAB_STORE_PAGE_SIZE 60
/* Messages in the newest page when it is read to be shown at once: a tall window's screenful
 * of one-line messages, and no more, since each one becomes a row built and laid out before
 * the first frame (see confab_store_set_first_page_size()). */
#define CONFAB_STORE_SCREENFUL 24
/* Unread messages before a page are counted up to this many. */
#define CONFAB_STORE_UNREAD_MAX 999

#define CONFAB_TYPE_STORE (confab_store_get_type ())
G_DECLARE_FINAL_TYPE (ConfabStore, confab_store, CONFAB, STORE, GObject)

/* Opens (creating and migrating as needed) the database at path; every later read and write
 * runs in order on the store's own thread. The file is private to the person (0600, in a 0700
 * folder). One that is read-only, or written by a newer Confab, is refused and left as it is.
 *
 * One that is damaged (not SQLite, or with corrupt pages, found now, by the check of every
 * page made once the store has been idle for half a second, or by a read or write) is never
 * written to nor deleted: what can still be read of it (the outbox first) is copied into a
 * fresh history, and the file is renamed with its journals to path.damaged-YYYYMMDD-HHMMSS.
 * ::problem then says so, in words for the person; connect to it right after this returns:
 * it is emitted from the main loop, even for damage found here.
 *
 * ::error reports, in words for the person, a read or write that failed for another reason. */
ConfabStore *confab_store_new               (const char *path,
                                             GError    **error);
/* $XDG_DATA_HOME/confab/history.db */
char        *confab_store_dup_default_path  (void);

/* The history of an identity is read a page at a time, newest first, in the order of the
 * message list: dialogs in the order they were first saved, then by sequence. The rows for
 * events of a conversation (confab_message_is_event()) come with the page that holds the
 * message they follow. */

/* A satisfaction survey (legacy CSAT) the person answered or skipped. */
typedef struct
{
  char *conversation_id;
  char *body;              /* the request's body (cm.UpdateConversationField), as JSON */
  gboolean sent;           /* the service took it (or refused it for good) */
  gint64 created;          /* when it was answered, ms since the epoch */
} ConfabStoreSurvey;

void                 confab_store_survey_free (ConfabStoreSurvey *survey);

/* What Confab held for one identity (account, consumer) when it last ran: the newest page of
 * the history and everything the session needs that would otherwise take every message. */
typedef struct
{
  char *consumer_id;       /* whose history this is (the one asked for, or the last one used) */
  char *conversation_id;   /* the last conversation followed, or NULL */
  GPtrArray *messages;     /* the newest page: ConfabMessage, in list order */
  gboolean has_older;      /* the history holds messages before the first of messages */
  guint n_unread_before;   /* see ConfabStorePage */
  GHashTable *last_sequences; /* dialog id → gint64 *, the highest sequence held, every dialog */
  GArray *unaccepted;      /* gint64: agent messages of the conversation with no ACCEPT
                            * published yet, by sequence */
  GPtrArray *outbox;       /* own ConfabMessage not sent yet, oldest first (QUEUED or FAILED) */
  GHashTable *profiles;    /* agent id → nickname, every agent of the account named so far */
  char *agent_id;          /* the agent who had the conversation last: "" nobody, NULL not known */
  GPtrArray *surveys;      /* ConfabStoreSurvey: those not sent yet, and the conversation's;
                            * NULL when there is no identity */
} ConfabStoreSnapshot;

void                 confab_store_snapshot_free (ConfabStoreSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabStoreSnapshot, confab_store_snapshot_free)

/* An older page of the history. */
typedef struct
{
  GPtrArray *messages;     /* ConfabMessage, in list order */
  gboolean has_older;      /* the history holds messages before the first of messages */
  guint n_unread_before;   /* agent messages with no READ published right before the first of
                            * messages, back to the newest one that has it (own messages do not
                            * count nor stop the count); at most CONFAB_STORE_UNREAD_MAX, 0
                            * when there is nothing older */
} ConfabStorePage;

void                 confab_store_page_free (ConfabStorePage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabStorePage, confab_store_page_free)

/* How many messages the newest page of a load holds (CONFAB_STORE_PAGE_SIZE unless set);
 * older pages hold what each call asks for. */
void                 confab_store_set_first_page_size (ConfabStore *self,
                                                       guint        n_messages);

/* The newest page and the rest of the snapshot. consumer_id NULL: the identity that last
 * wrote to this account's history, if any (an anonymous consumer gets a new identity at each
 * signup; its last history shows before the signup is done). The snapshot's consumer_id says
 * which it was; NULL and an empty snapshot when there is none. */
void                 confab_store_load_async  (ConfabStore        *self,
                                               const char         *account_id,
                                               const char         *consumer_id,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
ConfabStoreSnapshot *confab_store_load_finish (ConfabStore   *self,
                                               GAsyncResult  *result,
                                               GError       **error);

/* At most limit messages just before the message (dialog_id, sequence), which the history
 * holds (any older page's first message). */
void                 confab_store_load_older_async  (ConfabStore        *self,
                                                     const char         *account_id,
                                                     const char         *consumer_id,
                                                     const char         *dialog_id,
                                                     gint64              sequence,
                                                     guint               limit,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
ConfabStorePage     *confab_store_load_older_finish (ConfabStore   *self,
                                                     GAsyncResult  *result,
                                                     GError       **error);

/* Writes: queued, carried out in order; a failure is reported by ::error (on the thread that
 * created the store), never silently. The messages' fields are copied at the call. A dialog
 * takes its place in the history's order with the first save of one of its messages: the
 * messages of new dialogs go in the order of the list. Events of a conversation are saved
 * with the messages, once (the same event saved again is kept once). */
void confab_store_save_messages     (ConfabStore *self,
                                     const char  *account_id,
                                     const char  *consumer_id,
                                     GPtrArray   *messages);
void confab_store_save_conversation (ConfabStore *self,
                                     const char  *account_id,
                                     const char  *consumer_id,
                                     const char  *conversation_id);
/* Whom the conversation (the identity's current one) is with: agent_id, or NULL for nobody. */
void confab_store_save_conversation_agent (ConfabStore *self,
                                           const char  *account_id,
                                           const char  *consumer_id,
                                           const char  *conversation_id,
                                           const char  *agent_id);
/* An agent's nickname, for every history of the account. */
void confab_store_save_profile      (ConfabStore *self,
                                     const char  *account_id,
                                     const char  *agent_id,
                                     const char  *nickname);
/* An own message not sent yet, by its local id (set one first). Unlike the writes above it is
 * done before the call returns, committed and synced to the disk: on TRUE the message survives
 * a crash or a power cut. On FALSE (full disk, read-only file, …) nothing was written; the
 * error is also reported by ::error, like every failed write. */
gboolean confab_store_outbox_put    (ConfabStore   *self,
                                     const char    *account_id,
                                     const char    *consumer_id,
                                     ConfabMessage *message,
                                     GError       **error);
void confab_store_outbox_remove     (ConfabStore   *self,
                                     gint64         local_id);
/* Receipts for messages of the history, loaded or not. by_agent FALSE: the consumer's own
 * receipts, published for the agent's messages (accept-sent, read-sent); TRUE: the agent's,
 * for own messages (delivery state). Only ever moves a message forward. */
void confab_store_save_receipts     (ConfabStore         *self,
                                     const char          *account_id,
                                     const char          *consumer_id,
                                     const char          *dialog_id,
                                     GArray              *sequences,
                                     ConfabReceiptStatus  status,
                                     gboolean             by_agent);
/* The person answered (or skipped) the satisfaction survey of conversation_id: body is what
 * goes to the service. Kept once: a second answer for the same conversation is ignored. */
void confab_store_save_survey       (ConfabStore *self,
                                     const char  *account_id,
                                     const char  *consumer_id,
                                     const char  *conversation_id,
                                     const char  *body);
/* It went (or was refused for good): not to be sent again, still answered. */
void confab_store_survey_sent       (ConfabStore *self,
                                     const char  *account_id,
                                     const char  *consumer_id,
                                     const char  *conversation_id);
/* Waits until every queued write is done (shutdown, tests). */
void confab_store_flush             (ConfabStore *self);

/* A local id no other message of this store has. */
gint64 confab_store_next_local_id   (ConfabStore *self);

G_END_DECLS
