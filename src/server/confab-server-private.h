/* confab-server-private.h: ConfabServer's instance, shared by the files of the class
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ConfabServer is one class in several files, each a part of the service, from the bottom
 * up (a file calls only into the files above it in this list, never back):
 *
 *   confab-server-frame-guard.c   a connection's input, with too large messages left out
 *   confab-server-listener.c      TCP connections: accepting them, and their limits
 *   confab-server-storage.c       the state file
 *   confab-server-files.c         hosted files: storage, temporary URLs, PUT and GET; images
 *   confab-server-log.c           the log of frames received
 *   confab-server-send.c          what goes out on a consumer socket
 *   confab-server-conversation.c  what happens to a conversation, and who hears of it
 *   confab-server-publish.c       ms.PublishEvent; how a request names its dialog
 *   confab-server-requests.c      each consumer request
 *   confab-server-agent.c         the agent's side (the API agents and the control API use)
 *   confab-server-http.c          HTTP: CSDS, signup, agent profile
 *   confab-server-socket.c        consumer WebSocket connections
 *   confab-server-control.c       the /control/ API
 *   confab-server.c               the object: properties, lifecycle, listening
 */
#pragma once

#include <libsoup/soup.h>

#include "confab-server.h"
#include "confab-server-state.h"

G_BEGIN_DECLS

/* The agent's id: the ASSIGNED_AGENT participant and originatorId of its events. */
#define CONFAB_SERVER_AGENT_ID          "5e1b0a52-7d3c-4f6e-9a8b-2c4d6e8f0a1b"
#define CONFAB_SERVER_AGENT_FULL_NAME   "Dana Whitfield"
#define CONFAB_SERVER_AGENT_EMPLOYEE_ID "confab-agent-1"

/* The second agent, whom a conversation can be handed over to. */
#define CONFAB_SERVER_SECOND_AGENT_ID   "9c2f4e61-3b8a-4d17-b5e0-7a6c1d9f2e84"

/* An agent's public profile, as the profile endpoint answers it. */
typedef struct {
  const char *id;
  const char *nickname;
  const char *full_name;
  const char *employee_id;
} ConfabServerAgentProfile;

/* libsoup's limit on a frame: never reached, as the frame guard drops a message over
 * CONFAB_FRAME_MAX_SIZE before libsoup sees it (and libsoup cuts the connection at one over
 * its limit, where the service answers 413). */
#define CONFAB_SERVER_MAX_INCOMING_PAYLOAD (16 * 1024 * 1024)

/* Replayed notifications stay under this many bytes (but carry at least one change), below
 * libsoup's default limit of 128 KiB for incoming messages, so that no client setting is
 * needed for ordinary history. */
#define CONFAB_SERVER_REPLAY_MAX_BYTES (96 * 1024)

/* The log the control API reads keeps the last this many frames, of at most this many bytes
 * of frame text together; a frame body over CONFAB_SERVER_FRAME_LOG_MAX_BODY is not kept. */
#define CONFAB_SERVER_FRAME_LOG_LIMIT     20000
#define CONFAB_SERVER_FRAME_LOG_MAX_BYTES (32 * 1024 * 1024)
#define CONFAB_SERVER_FRAME_LOG_MAX_BODY  (256 * 1024)

/* The input of a consumer's connection (confab-server-frame-guard.c). */
#define CONFAB_TYPE_FRAME_GUARD (confab_frame_guard_get_type ())
G_DECLARE_FINAL_TYPE (ConfabFrameGuard, confab_frame_guard, CONFAB, FRAME_GUARD, GInputStream)

typedef struct _ConsumerSocket ConsumerSocket;
typedef struct _ConfabServerSave ConfabServerSave;
typedef struct _ConfabServerListener ConfabServerListener;

typedef enum {
  STATE_MASK_OPEN = 1 << 0,
  STATE_MASK_CLOSE = 1 << 1,
} StateMask;

/* A socket's cqm.SubscribeExConversations. */
typedef struct {
  char *id;
  guint state_mask;
} ExSubscription;

/* A socket's ms.SubscribeMessagingEvents to one dialog: the main one (its id is the
 * conversation's) or a post-conversation survey. */
typedef struct {
  ConsumerSocket *socket;
  char *conversation_id;
  char *dialog_id;
  guint next_sequence;
  guint replay_source;   /* 0 once live */
} DialogSubscription;

struct _ConsumerSocket {
  ConfabServer *server;
  SoupWebsocketConnection *conn;
  GSocket *socket;
  ConfabFrameGuard *guard;           /* what conn reads through */
  guint64 n_messages;                /* received so far */
  guint serial;
  char *consumer_id;
  char *account_id;
  guint expiry_source;
  GPtrArray *ex_subscriptions;       /* of ExSubscription */
  GHashTable *dialog_subscriptions;  /* dialog id → DialogSubscription */
  GQueue inbox;                      /* of frames not handled yet */
  gboolean is_busy;                  /* in the server's busy_sockets */
};

struct _ConfabServer
{
  GObject parent_instance;

  SoupServer *soup;
  ConfabServerListener *listener;   /* once listening */
  guint16 port;
  guint handshake_timeout;          /* ms */
  guint idle_timeout;               /* ms */
  guint max_sockets_per_peer;

  ConfabServerState *state;
  char *state_path;
  guint save_source;                /* the next save, soon */
  ConfabServerSave *save;           /* the save that runs, on a worker thread */
  gboolean dirty;                   /* changed since the last snapshot was saved */

  GPtrArray *sockets;               /* of ConsumerSocket */
  guint next_socket_serial;
  GQueue busy_sockets;              /* of ConsumerSocket with frames in their inbox */
  guint work_source;
  GPtrArray *delayed_http;          /* of held-back HTTP answers */
  GPtrArray *delayed_frames;        /* of held-back responses on sockets */

  GHashTable *images;               /* name → GBytes of a PNG, served at /images/{name} */

  gboolean refuse_tokens;
  char *fail_type;                  /* confab_server_fail_requests() */
  int fail_code;
  guint fail_count;
  guint response_delay;
  GQueue frame_log;                 /* of frames received, oldest first */
  gsize frame_log_bytes;            /* their size, as counted against the limit */
  gint64 token_lifetime;
  guint accept_delay;
  guint typing_delay;
  guint read_delay;
  guint replay_chunk_size;
  gboolean post_survey;             /* an agent's close opens a survey dialog */
  gboolean is_shut_down;
};

static inline gint64
confab_server_now_ms (void)
{
  return g_get_real_time () / 1000;
}

static inline gboolean
consumer_socket_is_open (ConsumerSocket *socket)
{
  return soup_websocket_connection_get_state (socket->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* confab-server-frame-guard.c */
GIOStream *confab_frame_guard_wrap         (GIOStream         *base,
                                            ConfabFrameGuard **guard);
void       confab_frame_guard_start_frames (ConfabFrameGuard  *self,
                                            gsize              max_message);
gboolean   confab_frame_guard_take_dropped (ConfabFrameGuard  *self,
                                            guint64            index,
                                            GBytes           **head);

/* confab-server-listener.c */
ConfabServerListener *
         confab_server_listener_new      (ConfabServer  *server,
                                          guint16        port,
                                          GError       **error);
guint16  confab_server_listener_get_port (ConfabServerListener *listener);
void     confab_server_listener_free     (ConfabServerListener *listener);
/* The connection of msg became a WebSocket: from now on it is closed when idle, and its
 * too large messages are dropped. FALSE when the connection is not known. */
gboolean confab_server_listener_upgraded (ConfabServerListener     *listener,
                                          SoupServerMessage        *msg,
                                          SoupWebsocketConnection  *websocket,
                                          GSocket                 **socket,
                                          ConfabFrameGuard        **guard);

/* confab-server-storage.c */
gboolean confab_server_storage_load   (ConfabServer  *self,
                                       const char    *path,
                                       GError       **error);
void     confab_server_storage_stop   (ConfabServer  *self);
/* Saves a little later, off the main loop. Stored event JSON must be sealed first: saves
 * read it on a worker thread. */
void     confab_server_schedule_save  (ConfabServer  *self);

/* confab-server-files.c */
gboolean confab_server_file_type_is_uploadable (ConfabFileType type);
/* A new path in the storage for a file of that account and type. */
char    *confab_server_files_new_path (ConfabServer   *self,
                                       const char     *account_id,
                                       ConfabFileType  file_type);
/* Keeps data at relative_path; fails over CONFAB_FILE_UPLOAD_MAX_SIZE (INVALID) or when
 * the storage is full (NO_SPACE). */
gboolean confab_server_files_put      (ConfabServer    *self,
                                       const char      *relative_path,
                                       const char      *account_id,
                                       ConfabFileType   file_type,
                                       GBytes          *data,
                                       GError         **error);
void     confab_server_files_early    (SoupServer        *server,
                                       SoupServerMessage *msg,
                                       const char        *path,
                                       GHashTable        *query,
                                       gpointer           user_data);
void     confab_server_files_handle   (SoupServer        *server,
                                       SoupServerMessage *msg,
                                       const char        *path,
                                       GHashTable        *query,
                                       gpointer           user_data);
void     confab_server_images_handle  (SoupServer        *server,
                                       SoupServerMessage *msg,
                                       const char        *path,
                                       GHashTable        *query,
                                       gpointer           user_data);

/* confab-server-log.c */
void     confab_server_log_frame      (ConfabServer      *self,
                                       ConsumerSocket    *socket,
                                       const ConfabFrame *frame,
                                       const char        *raw,
                                       gsize              raw_len);

/* confab-server-send.c */
void     confab_server_delayed_frame_free (gpointer data);
void     consumer_socket_respond          (ConsumerSocket *socket,
                                           const char     *req_id,
                                           int             code,
                                           const char     *type,
                                           JsonNode       *body);
void     consumer_socket_respond_string   (ConsumerSocket *socket,
                                           const char     *req_id,
                                           int             code,
                                           const char     *type,
                                           const char     *message);
gboolean ex_subscription_matches          (ExSubscription           *subscription,
                                           ConfabStoredConversation *conversation);
void     consumer_socket_send_ex_notification (ConsumerSocket *socket,
                                               ExSubscription *subscription,
                                               GPtrArray      *conversations,
                                               gboolean        deleted);
/* Sends the dialog's stored events from subscription->next_sequence on, in chunks from
 * the main loop, then goes live. */
void     dialog_subscription_start_replay (DialogSubscription       *subscription,
                                           ConfabStoredConversation *conversation);
/* To every socket of the conversation's consumer: a metadata change, a new event (of the
 * dialog dialog_id, NULL for the main one) to those subscribed live, typing to those
 * subscribed at all. */
void     confab_server_send_conversation_change (ConfabServer             *self,
                                                 ConfabStoredConversation *conversation);
void     confab_server_send_event      (ConfabServer             *self,
                                        ConfabStoredConversation *conversation,
                                        const char               *dialog_id,
                                        ConfabStoredEvent        *event);
void     confab_server_send_chat_state (ConfabServer             *self,
                                        ConfabStoredConversation *conversation,
                                        const char               *originator_id,
                                        const char               *role,
                                        JsonNode                 *event);

/* confab-server-conversation.c: every change is sent, saved and announced. */
void     confab_server_class_add_signals (ConfabServerClass *klass);
void     confab_server_announce_requested (ConfabServer             *self,
                                           ConfabStoredConversation *conversation);
void     confab_server_conversation_changed (ConfabServer             *self,
                                             ConfabStoredConversation *conversation);
/* Into the dialog dialog_id: NULL for the main one. */
ConfabStoredEvent *
         confab_server_store_event       (ConfabServer             *self,
                                          ConfabStoredConversation *conversation,
                                          const char               *dialog_id,
                                          const char               *originator_id,
                                          const char               *role,
                                          JsonNode                 *event,
                                          JsonNode                 *metadata);
/* The consumer published event (with the request's metadata, or NULL) in the dialog
 * dialog_id (NULL: the main one); sequence -1 for one that is not stored (typing). */
void     confab_server_consumer_published (ConfabServer             *self,
                                           ConfabStoredConversation *conversation,
                                           const char               *dialog_id,
                                           gint64                    sequence,
                                           JsonNode                 *event,
                                           JsonNode                 *metadata);
void     confab_server_close_conversation (ConfabServer             *self,
                                           ConfabStoredConversation *conversation,
                                           ConfabCloseReason         reason);
/* Closes the main dialog: with post-survey on and an agent assigned, a survey dialog opens
 * and the conversation stays open until it ends; else the conversation closes. */
void     confab_server_close_main_dialog  (ConfabServer             *self,
                                           ConfabStoredConversation *conversation,
                                           ConfabCloseReason         reason);
/* The survey is over: completed (AGENT) or skipped (CONSUMER); the conversation closes. */
void     confab_server_end_survey         (ConfabServer             *self,
                                           ConfabStoredConversation *conversation,
                                           ConfabCloseReason         reason);
/* Conversations requested before a restart that no agent took are announced again. */
void     confab_server_announce_waiting   (ConfabServer *self);

/* confab-server-publish.c */
#define BAD_REQUEST_CLOSED "Bad Request, Conversation is close"
/* The consumer's conversation that a request's body names by conversationId (or, without
 * one, by dialogId), or NULL. */
ConfabStoredConversation *
         consumer_socket_lookup_conversation (ConsumerSocket *socket,
                                              JsonObject     *body);
/* The same, when the dialogId (if any) is one of its dialogs; *dialog_id is then NULL for
 * the main dialog, else the survey's id. */
ConfabStoredConversation *
         consumer_socket_lookup_dialog       (ConsumerSocket  *socket,
                                              JsonObject      *body,
                                              const char     **dialog_id);
void     consumer_socket_handle_publish      (ConsumerSocket    *socket,
                                              const ConfabFrame *frame);

/* confab-server-requests.c */
void     consumer_socket_handle_frame (ConsumerSocket *socket,
                                       gboolean        is_text,
                                       GBytes         *bytes);
/* A message over the limit, dropped as it came; head is its start. */
void     consumer_socket_handle_too_large (ConsumerSocket *socket,
                                           GBytes         *head);

/* confab-server-agent.c */
/* The profile of one of the service's agents; NULL for any other id. */
const ConfabServerAgentProfile *
         confab_server_lookup_agent (const char *agent_id);

/* confab-server-http.c */
void     confab_server_reply_json  (SoupServerMessage *msg,
                                    guint              status,
                                    JsonNode          *node);
void     confab_server_reply_error (SoupServerMessage *msg,
                                    guint              status,
                                    const char        *message);
/* Splits /a/b/c into its segments; NULL for an empty path. */
GStrv    confab_server_split_path  (const char *path);
void     confab_server_delayed_http_free (gpointer data);
void     confab_server_http_api    (SoupServer        *server,
                                    SoupServerMessage *msg,
                                    const char        *path,
                                    GHashTable        *query,
                                    gpointer           user_data);
void     confab_server_http_unknown (SoupServer        *server,
                                     SoupServerMessage *msg,
                                     const char        *path,
                                     GHashTable        *query,
                                     gpointer           user_data);

/* confab-server-socket.c */
void     consumer_socket_free            (gpointer data);
void     confab_server_socket_authorize  (SoupServer        *server,
                                          SoupServerMessage *msg,
                                          const char        *path,
                                          GHashTable        *query,
                                          gpointer           user_data);
void     confab_server_socket_open       (SoupServer              *server,
                                          SoupServerMessage       *msg,
                                          const char              *path,
                                          SoupWebsocketConnection *conn,
                                          gpointer                 user_data);
/* Closes every socket (1001) and forgets them. */
void     confab_server_close_sockets     (ConfabServer *self);

/* confab-server-control.c */
void     confab_server_control_handle (SoupServer        *server,
                                       SoupServerMessage *msg,
                                       const char        *path,
                                       GHashTable        *query,
                                       gpointer           user_data);

G_END_DECLS
