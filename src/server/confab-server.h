/* confab-server.h: the local LivePerson-compatible messaging service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "confab-protocol.h"

G_BEGIN_DECLS

#define CONFAB_SERVER_DEFAULT_ACCOUNT "confab-local"

/* The agent's nickname in its profile, whoever plays it. */
#define CONFAB_SERVER_AGENT_NICKNAME "Dana"
/* The second agent's, whom a conversation can be handed over to. */
#define CONFAB_SERVER_SECOND_AGENT_NICKNAME "Alex"

#define CONFAB_SERVER_ERROR (confab_server_error_quark ())

typedef enum {
  CONFAB_SERVER_ERROR_NOT_FOUND,   /* no such conversation, or none open */
  CONFAB_SERVER_ERROR_CLOSED,      /* the conversation is closed */
  CONFAB_SERVER_ERROR_INVALID,     /* a bad argument */
  CONFAB_SERVER_ERROR_STATE,       /* the state file cannot be read or written */
  CONFAB_SERVER_ERROR_SHUT_DOWN,   /* the service has stopped */
  CONFAB_SERVER_ERROR_NO_SPACE,    /* the storage of hosted files is full */
} ConfabServerError;

/* Hosted files: the service is its own storage ("swift" in the CSDS), on its port. A
 * temporary URL is good for this many seconds; the files together take at most this many
 * bytes (each at most CONFAB_FILE_UPLOAD_MAX_SIZE). */
#define CONFAB_SERVER_FILE_URL_LIFETIME 60
#define CONFAB_SERVER_FILES_MAX_SIZE    (64 * 1024 * 1024)

GQuark confab_server_error_quark (void);

#define CONFAB_TYPE_SERVER (confab_server_get_type ())

G_DECLARE_FINAL_TYPE (ConfabServer, confab_server, CONFAB, SERVER, GObject)

/* Nobody plays the agent until someone attaches one (ConfabAgentBot, ConfabAgentConsole)
 * or uses the agent's side below. */
ConfabServer *confab_server_new              (void);

/* Loads path if it exists (else starts empty) and from then on saves there, atomically,
 * shortly after every change and at shutdown. Call before confab_server_listen(). */
gboolean      confab_server_load_state       (ConfabServer   *self,
                                              const char     *path,
                                              GError        **error);
/* Writes the state file now, if there is one. */
gboolean      confab_server_save_state       (ConfabServer   *self,
                                              GError        **error);

/* Listens on 127.0.0.1 only; port 0 picks a free one. */
gboolean      confab_server_listen           (ConfabServer   *self,
                                              guint16         port,
                                              GError        **error);
guint16       confab_server_get_port         (ConfabServer   *self);
char         *confab_server_dup_base_url     (ConfabServer   *self);
const char   *confab_server_get_account_id   (ConfabServer   *self);
const char   *confab_server_get_agent_id     (ConfabServer   *self);
/* The second agent, for confab_server_agent_transfer(). */
const char   *confab_server_get_second_agent_id (ConfabServer *self);
/* Stops listening, closes every socket, saves the state. Safe to call twice. */
void          confab_server_shutdown         (ConfabServer   *self);

/* Scripted agent timings, in ms: the bot reads them. */
guint         confab_server_get_accept_delay (ConfabServer   *self);
void          confab_server_set_accept_delay (ConfabServer   *self,
                                              guint           delay_ms);
guint         confab_server_get_typing_delay (ConfabServer   *self);
void          confab_server_set_typing_delay (ConfabServer   *self,
                                              guint           delay_ms);
guint         confab_server_get_read_delay   (ConfabServer   *self);
void          confab_server_set_read_delay   (ConfabServer   *self,
                                              guint           delay_ms);

/* Lifetime of the tokens signup issues, in seconds. */
gint64        confab_server_get_token_lifetime (ConfabServer *self);
void          confab_server_set_token_lifetime (ConfabServer *self,
                                                gint64        seconds);
/* Most changes in one replayed ms.MessagingEventNotification. */
guint         confab_server_get_replay_chunk_size (ConfabServer *self);
void          confab_server_set_replay_chunk_size (ConfabServer *self,
                                                   guint         changes);

/* Signs a token as signup would. account_id NULL: the default account; consumer_id NULL:
 * a new consumer. lifetime_s may be negative, for a token that has already expired. */
char         *confab_server_issue_token      (ConfabServer   *self,
                                              const char     *account_id,
                                              const char     *consumer_id,
                                              gint64          lifetime_s);

/* The agent's side. conversation_id NULL means the open conversation updated last.
 * After confab_server_shutdown() they fail with CONFAB_SERVER_ERROR_SHUT_DOWN. */
char         *confab_server_dup_current_conversation_id (ConfabServer *self,
                                                         const char   *consumer_id);
/* A read-only look at one conversation; FALSE when there is none of that id. */
gboolean      confab_server_peek_conversation (ConfabServer *self,
                                               const char   *conversation_id,
                                               guint        *n_events,
                                               gboolean     *closed,
                                               gboolean     *accepted);
gboolean      confab_server_agent_accept     (ConfabServer   *self,
                                              const char     *conversation_id,
                                              GError        **error);
/* The conversation goes to agent_id, one of the service's two agents: the ASSIGNED_AGENT
 * participant changes, and the agent's messages, receipts and typing come from that agent
 * from then on (a hand-over). */
gboolean      confab_server_agent_transfer   (ConfabServer   *self,
                                              const char     *conversation_id,
                                              const char     *agent_id,
                                              GError        **error);
/* Returns the message's sequence, or -1 and error. Accepts the conversation first if needed;
 * sent by the agent who has the conversation. */
gint64        confab_server_agent_send_text  (ConfabServer   *self,
                                              const char     *conversation_id,
                                              const char     *text,
                                              GError        **error);
/* The same with quick replies under the text and the change's metadata (such as an
 * ExternalId, confab_metadata_new_external_id()); both may be NULL. */
gint64        confab_server_agent_send_text_full (ConfabServer             *self,
                                                  const char               *conversation_id,
                                                  const char               *text,
                                                  const ConfabQuickReplies *quick_replies,
                                                  JsonNode                 *metadata,
                                                  GError                  **error);
/* A RichContentEvent: structured content (confab_rich_element_new_…()), with quick replies
 * and metadata when not NULL. */
gint64        confab_server_agent_send_rich  (ConfabServer             *self,
                                              const char               *conversation_id,
                                              const ConfabRichContent  *content,
                                              const ConfabQuickReplies *quick_replies,
                                              JsonNode                 *metadata,
                                              GError                  **error);
/* A hosted/file message: data (a JPG, JPEG, PNG or GIF of at most
 * CONFAB_FILE_UPLOAD_MAX_SIZE bytes) is kept in the service's storage under a new path,
 * which the message names (and *relative_path, when not NULL); caption and preview (a
 * data: URL under CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE) may be NULL. */
gint64        confab_server_agent_send_file  (ConfabServer             *self,
                                              const char               *conversation_id,
                                              GBytes                   *data,
                                              ConfabFileType            file_type,
                                              const char               *caption,
                                              const char               *preview,
                                              char                    **relative_path,
                                              GError                  **error);
gint64        confab_server_agent_send_receipt (ConfabServer        *self,
                                                const char          *conversation_id,
                                                ConfabReceiptStatus  status,
                                                const gint64        *sequences,
                                                guint                n_sequences,
                                                GError             **error);
gboolean      confab_server_agent_set_typing (ConfabServer   *self,
                                              const char     *conversation_id,
                                              ConfabChatState state,
                                              GError        **error);
/* Closes the main dialog: with post-survey on (and the conversation accepted), a
 * POST_SURVEY dialog opens and the conversation stays open ("stage" OPEN) until the survey
 * ends; else the conversation closes. While a survey runs, it ends it, as completed. */
gboolean      confab_server_agent_close      (ConfabServer     *self,
                                              const char       *conversation_id,
                                              ConfabCloseReason reason,
                                              GError          **error);

/* Post-conversation surveys. When on, an agent's close (or the consumer's DialogChange
 * closing the main dialog) opens a survey dialog instead of closing the conversation; the
 * agent asks its questions there (quick replies with confab_metadata_new_survey_answer()
 * on each chip, confab_metadata_new_survey_question() on the message) and completes it.
 * Off by default: a client that does not follow survey dialogs would see the conversation
 * stay open. */
gboolean      confab_server_get_post_survey  (ConfabServer   *self);
void          confab_server_set_post_survey  (ConfabServer   *self,
                                              gboolean        enabled);
/* A message into the running survey's dialog; NOT_FOUND when none runs. */
gint64        confab_server_agent_send_survey (ConfabServer             *self,
                                               const char               *conversation_id,
                                               const char               *text,
                                               const ConfabQuickReplies *quick_replies,
                                               JsonNode                 *metadata,
                                               GError                  **error);
/* ACCEPT or READ for the consumer's messages (answers) in the running survey's dialog, as
 * LivePerson's survey bots acknowledge them; NOT_FOUND when none runs. */
gint64        confab_server_agent_send_survey_receipt (ConfabServer        *self,
                                                       const char          *conversation_id,
                                                       ConfabReceiptStatus  status,
                                                       const gint64        *sequences,
                                                       guint                n_sequences,
                                                       GError             **error);
/* Closes the survey dialog as completed ("closedCause" "Completed"), and the conversation. */
gboolean      confab_server_agent_complete_survey (ConfabServer  *self,
                                                   const char    *conversation_id,
                                                   GError       **error);
/* The survey dialog's id, or NULL when the conversation has none. */
char         *confab_server_dup_survey_dialog_id (ConfabServer *self,
                                                  const char   *conversation_id);

/* Hosted files. A temporary URL for GET or PUT of relative_path, as ms.GenerateURLFor…
 * answers give it (lifetime_s may be negative, for one that has expired): the file is at
 * base URL + relative_path + "?temp_url_sig=…&temp_url_expires=…". */
ConfabFileUrl *confab_server_sign_file_url   (ConfabServer   *self,
                                              const char     *method,
                                              const char     *relative_path,
                                              gint64          lifetime_s);
/* The bytes stored at relative_path, or NULL. */
GBytes       *confab_server_dup_file         (ConfabServer   *self,
                                              const char     *relative_path);
/* A public PNG for rich content (a card's picture), served at the URL below without a
 * signature; name is made of letters, digits, '.', '-' and '_'. */
void          confab_server_add_image        (ConfabServer   *self,
                                              const char     *name,
                                              GBytes         *png);
char         *confab_server_dup_image_url    (ConfabServer   *self,
                                              const char     *name);

/* Faults. consumer_id NULL means every consumer. close_code 0 drops the TCP connection
 * without a close frame. Both return how many sockets they reached. */
guint         confab_server_drop_consumers   (ConfabServer   *self,
                                              const char     *consumer_id,
                                              gushort         close_code,
                                              const char     *reason);
guint         confab_server_send_raw_frame   (ConfabServer   *self,
                                              const char     *consumer_id,
                                              const char     *frame);
gboolean      confab_server_get_refuse_tokens (ConfabServer  *self);
void          confab_server_set_refuse_tokens (ConfabServer  *self,
                                               gboolean       refuse);
guint         confab_server_get_response_delay (ConfabServer *self);
void          confab_server_set_response_delay (ConfabServer *self,
                                                guint         delay_ms);
guint         confab_server_get_n_sockets    (ConfabServer   *self);
/* The next count requests of type (any type when NULL) are answered with code and a string
 * body, and not carried out: a busy (429) or failing (5xx) service. */
void          confab_server_fail_requests    (ConfabServer   *self,
                                              const char     *type,
                                              int             code,
                                              guint           count);

/* Frames received from consumers, oldest first: [{"time","consumerId","socket","type","frame"}].
 * type NULL: all. */
JsonNode     *confab_server_dup_frame_log    (ConfabServer   *self,
                                              const char     *type,
                                              const char     *consumer_id);
void          confab_server_clear_frame_log  (ConfabServer   *self);
/* Everything the server knows, as the state file holds it, without the signing key. */
JsonNode     *confab_server_dup_state        (ConfabServer   *self);

/* Whether the control API answers a peer at address: 127.0.0.0/8 and ::1 (also IPv4-mapped). */
gboolean      confab_server_address_is_loopback (GInetAddress *address);

G_END_DECLS
