/* confab-agent-bot.c: the scripted agent of the local service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Behaves like a person in the agent workspace: accepts a new conversation after a moment,
 * greets, shows typing before each answer, answers every consumer message, publishes ACCEPT
 * at once and READ a little later for consumer messages, and closes on "bye". It sends a
 * card with buttons and quick replies on "menu", a photo on "photo", and answers what they
 * publish. When the service runs post-conversation surveys, it asks two questions with
 * quick replies after "bye", acknowledges the answers there as it does messages, and
 * completes the survey. The timings are the server's
 * accept-delay, typing-delay and read-delay properties.
 */
#include "config.h"

#include "confab-agent-bot.h"

#include <string.h>

#include "confab-agent-content.h"
#include "confab-server-state.h"

#define GREETING \
  "Hi, I'm " CONFAB_SERVER_AGENT_NICKNAME ", the demo agent of Confab's local service. " \
  "Write \"help\" to see what I understand."

#define HELP_TEXT \
  "I understand:\n" \
  "• help: this list\n" \
  "• menu: a card with buttons, and quick replies\n" \
  "• photo: a picture, sent as a file\n" \
  "• status: what I know about this conversation\n" \
  "• time: the time on the server\n" \
  "• long: a long message, to see how it wraps\n" \
  "• link: a message with a link\n" \
  "• bye: I close the conversation\n" \
  "Anything else, I repeat back to you."

/* The answers to the menu's buttons and quick replies. */
#define ORDER_TEXT   "Your order 12345 ships tomorrow."
#define HOURS_TEXT   "We're open Monday to Saturday, 9:00 to 18:00."
#define PERSON_TEXT  "You're talking to me, Dana, the demo agent: as close to a person as this service gets. " \
                     "Tell me what you need."
#define ELSE_TEXT    "Sure. Write \"help\" to see what I understand, or \"menu\" for the menu again."
#define WEBSITE_TEXT "Enjoy the shop! The website has the whole range of mugs."
#define STORE_TEXT   "Our store is on Alexanderplatz in Berlin, open Monday to Saturday, 9:00 to 18:00. " \
                     "See you there!"

#define LONG_TEXT \
  "Here is a longer message. Confab keeps the whole conversation on your computer, so it " \
  "shows up at once when you start the app again, and then catches up with whatever " \
  "arrived while you were away. Every message you send shows whether it is still queued, " \
  "sent, delivered to me, or read by me.\n\n" \
  "When the connection drops, Confab keeps what you write and sends it, once and in order, " \
  "as soon as it is back."

#define LINK_TEXT \
  "LivePerson documents the protocol Confab speaks at " \
  "https://developers.liveperson.com/consumer-int-overview.html"

typedef enum {
  REPLY_TEXT,
  REPLY_MENU,    /* the menu card with its quick replies */
  REPLY_PHOTO,   /* a photo, as a hosted file */
} BotReplyKind;

typedef struct {
  BotReplyKind kind;
  char *text;    /* REPLY_TEXT */
  gboolean close_after;
} BotReply;

/* The post-conversation survey the bot runs when the service opens one (post-survey). */
#define SURVEY_ID       "confab-survey"
#define SURVEY_THANKS   "Thank you for your feedback!"

static const struct {
  const char *id;
  const char *text;
  const char *answer_ids[6];
  const char *titles[6];
} survey_questions[] = {
  { "csat", "Thanks for chatting with me! How satisfied are you with this conversation?",
    { "csat-5", "csat-4", "csat-3", "csat-2", "csat-1", NULL },
    { "Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied", NULL } },
  { "resolved", "Did we answer your question?",
    { "resolved-yes", "resolved-no", NULL },
    { "Yes", "No", NULL } },
};

typedef struct {
  ConfabAgentBot *bot;
  char *conversation_id;
  guint next_question;      /* of survey_questions; past the end: thanks, then done */
  guint source;             /* the next message, a moment after an answer */
  guint read_source;
  GArray *pending_reads;    /* of gint64: answers accepted, not read yet */
} BotSurvey;

typedef struct {
  ConfabAgentBot *bot;
  char *conversation_id;
  guint accept_source;
  guint typing_source;
  guint read_source;
  GQueue replies;           /* of BotReply */
  GArray *pending_reads;    /* of gint64 */
} BotConversation;

struct _ConfabAgentBot
{
  GObject parent_instance;

  ConfabServer *server;     /* weak: the bot does not keep the server alive */
  GHashTable *conversations; /* id → BotConversation */
  GHashTable *surveys;       /* conversation id → BotSurvey */
};

G_DEFINE_FINAL_TYPE (ConfabAgentBot, confab_agent_bot, G_TYPE_OBJECT)

static void
bot_reply_free (BotReply *reply)
{
  g_free (reply->text);
  g_free (reply);
}

static void
bot_conversation_free (BotConversation *conversation)
{
  g_clear_handle_id (&conversation->accept_source, g_source_remove);
  g_clear_handle_id (&conversation->typing_source, g_source_remove);
  g_clear_handle_id (&conversation->read_source, g_source_remove);
  g_queue_clear_full (&conversation->replies, (GDestroyNotify) bot_reply_free);
  g_clear_pointer (&conversation->pending_reads, g_array_unref);
  g_free (conversation->conversation_id);
  g_free (conversation);
}

static BotConversation *
bot_get_conversation (ConfabAgentBot *self,
                      const char     *conversation_id)
{
  BotConversation *conversation = g_hash_table_lookup (self->conversations, conversation_id);

  if (conversation == NULL)
    {
      conversation = g_new0 (BotConversation, 1);
      conversation->bot = self;
      conversation->conversation_id = g_strdup (conversation_id);
      conversation->pending_reads = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_queue_init (&conversation->replies);
      g_hash_table_insert (self->conversations, conversation->conversation_id, conversation);
    }

  return conversation;
}

static void
report (const char   *what,
        const GError *error)
{
  /* The conversation may have been closed under the bot's feet; nothing to do about it. */
  g_debug ("bot: cannot %s: %s", what, error->message);
}

static void
flush_reads (BotConversation *conversation)
{
  ConfabServer *server = conversation->bot->server;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&conversation->read_source, g_source_remove);

  if (conversation->pending_reads->len == 0)
    return;

  if (confab_server_agent_send_receipt (server, conversation->conversation_id, CONFAB_RECEIPT_READ,
                                        (const gint64 *) (gpointer) conversation->pending_reads->data,
                                        conversation->pending_reads->len, &error) < 0)
    report ("publish READ", error);

  g_array_set_size (conversation->pending_reads, 0);
}

static gboolean
read_cb (gpointer user_data)
{
  BotConversation *conversation = user_data;

  conversation->read_source = 0;
  flush_reads (conversation);

  return G_SOURCE_REMOVE;
}

static void start_typing (BotConversation *conversation);

static void
send_reply (ConfabAgentBot  *self,
            BotConversation *conversation,
            BotReply        *reply)
{
  g_autoptr(GError) error = NULL;
  gint64 sequence;

  switch (reply->kind)
    {
    case REPLY_MENU:
      sequence = confab_agent_content_send_menu (self->server, conversation->conversation_id, &error);
      break;
    case REPLY_PHOTO:
      sequence = confab_agent_content_send_photo (self->server, conversation->conversation_id, &error);
      break;
    case REPLY_TEXT:
    default:
      sequence = confab_server_agent_send_text (self->server, conversation->conversation_id, reply->text, &error);
      break;
    }

  if (sequence < 0)
    report ("answer", error);
}

static gboolean
typing_done_cb (gpointer user_data)
{
  BotConversation *conversation = user_data;
  ConfabAgentBot *self = conversation->bot;
  g_autoptr(GError) error = NULL;
  BotReply *reply;

  conversation->typing_source = 0;
  reply = g_queue_pop_head (&conversation->replies);
  if (reply == NULL)
    return G_SOURCE_REMOVE;

  send_reply (self, conversation, reply);

  if (reply->close_after)
    {
      g_autofree char *id = g_strdup (conversation->conversation_id);

      bot_reply_free (reply);
      flush_reads (conversation);
      g_clear_error (&error);
      /* Closing emits conversation-closed, which frees conversation. */
      if (!confab_server_agent_close (self->server, id, CONFAB_CLOSE_REASON_AGENT, &error))
        report ("close", error);
      return G_SOURCE_REMOVE;
    }

  bot_reply_free (reply);

  if (!g_queue_is_empty (&conversation->replies))
    {
      start_typing (conversation);
    }
  else
    {
      g_clear_error (&error);
      if (!confab_server_agent_set_typing (self->server, conversation->conversation_id,
                                           CONFAB_CHAT_STATE_ACTIVE, &error))
        report ("stop typing", error);
    }

  return G_SOURCE_REMOVE;
}

static void
start_typing (BotConversation *conversation)
{
  ConfabAgentBot *self = conversation->bot;
  g_autoptr(GError) error = NULL;

  if (conversation->typing_source != 0 || g_queue_is_empty (&conversation->replies))
    return;

  if (!confab_server_agent_set_typing (self->server, conversation->conversation_id,
                                       CONFAB_CHAT_STATE_COMPOSING, &error))
    report ("type", error);

  conversation->typing_source = g_timeout_add (confab_server_get_typing_delay (self->server),
                                               typing_done_cb, conversation);
}

static void
queue_reply_full (BotConversation *conversation,
                  BotReplyKind     kind,
                  char            *text,
                  gboolean         close_after)
{
  BotReply *reply = g_new0 (BotReply, 1);

  reply->kind = kind;
  reply->text = text;
  reply->close_after = close_after;
  g_queue_push_tail (&conversation->replies, reply);
  start_typing (conversation);
}

static void
queue_reply (BotConversation *conversation,
             char            *text,
             gboolean         close_after)
{
  queue_reply_full (conversation, REPLY_TEXT, text, close_after);
}

static void
accept_now (BotConversation *conversation)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&conversation->accept_source, g_source_remove);

  if (!confab_server_agent_accept (conversation->bot->server, conversation->conversation_id, &error))
    {
      report ("accept", error);
      return;
    }

  queue_reply (conversation, g_strdup (GREETING), FALSE);
}

static gboolean
accept_cb (gpointer user_data)
{
  BotConversation *conversation = user_data;

  conversation->accept_source = 0;
  accept_now (conversation);

  return G_SOURCE_REMOVE;
}

static void
on_conversation_requested (ConfabServer   *server,
                           const char     *conversation_id,
                           ConfabAgentBot *self)
{
  BotConversation *conversation = bot_get_conversation (self, conversation_id);

  if (conversation->accept_source == 0)
    conversation->accept_source = g_timeout_add (confab_server_get_accept_delay (server),
                                                 accept_cb, conversation);
}

static char *
normalise_command (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  char *command = g_strstrip (lower);
  gsize len = strlen (command);

  while (len > 0 && strchr (".!?", command[len - 1]) != NULL)
    command[--len] = '\0';

  return g_strdup (command);
}

char *
confab_agent_bot_compose_reply (const char *text,
                                const char *conversation_id,
                                guint       n_events,
                                gboolean   *close_after)
{
  g_autofree char *command = normalise_command (text);

  *close_after = FALSE;

  if (g_str_equal (command, "help"))
    return g_strdup (HELP_TEXT);

  if (g_str_equal (command, "bye") || g_str_equal (command, "goodbye"))
    {
      *close_after = TRUE;
      return g_strdup ("Goodbye! I'm closing this conversation now. Start a new one any time.");
    }

  if (g_str_equal (command, "status"))
    return g_strdup_printf ("This conversation (%.8s…) is open and has %u events so far: "
                            "messages and receipts both count.",
                            conversation_id, n_events);

  if (g_str_equal (command, "time"))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *formatted = g_date_time_format (now, "%H:%M:%S");

      return g_strdup_printf ("It is %s here.", formatted);
    }

  if (g_str_equal (command, "long"))
    return g_strdup (LONG_TEXT);

  if (g_str_equal (command, "link"))
    return g_strdup (LINK_TEXT);

  if (g_str_equal (command, "hi") || g_str_equal (command, "hello"))
    return g_strdup ("Hello! What can I do for you? (\"help\" lists what I understand.)");

  /* what the menu's buttons and quick replies publish */
  if (g_str_equal (command, "track my order") || g_str_equal (command, "order status"))
    return g_strdup (ORDER_TEXT);
  if (g_str_equal (command, "opening hours"))
    return g_strdup (HOURS_TEXT);
  if (g_str_equal (command, "talk to a person"))
    return g_strdup (PERSON_TEXT);
  if (g_str_equal (command, "something else"))
    return g_strdup (ELSE_TEXT);

  /* The person's words between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: Arabic or
   * Hebrew in an English sentence keeps its own direction, and the quotes and the numbers
   * around it stay where they belong. */
  return g_strdup_printf ("You said: “\u2068%s\u2069”. Write \"help\" to see what else I can do.", text);
}

/* A click on the link or the map of the menu comes as an ACTION alone: the client opens
 * the page or the map itself; the bot says a word about it. Other clicks also publish
 * their text, which is answered. */
static void
answer_action (BotConversation *conversation,
               JsonNode        *metadata)
{
  const char *id = confab_metadata_get_string (metadata, "ExternalId", "id");

  if (g_strcmp0 (id, CONFAB_AGENT_MENU_WEBSITE_ID) == 0)
    queue_reply (conversation, g_strdup (WEBSITE_TEXT), FALSE);
  else if (g_strcmp0 (id, CONFAB_AGENT_MENU_STORE_ID) == 0)
    queue_reply (conversation, g_strdup (STORE_TEXT), FALSE);
}

/* ACCEPT at once, READ a little later. */
static void
acknowledge (BotConversation *conversation,
             gint64           sequence)
{
  ConfabServer *server = conversation->bot->server;
  g_autoptr(GError) error = NULL;

  if (confab_server_agent_send_receipt (server, conversation->conversation_id, CONFAB_RECEIPT_ACCEPT,
                                        &sequence, 1, &error) < 0)
    report ("publish ACCEPT", error);

  g_array_append_val (conversation->pending_reads, sequence);
  if (conversation->read_source == 0)
    conversation->read_source = g_timeout_add (confab_server_get_read_delay (server), read_cb, conversation);
}

/* A text is answered by what it says, or, when it comes from a click, by the ExternalId of
 * what was clicked, whatever the text. */
static void
answer_text (BotConversation *conversation,
             const char      *text,
             JsonNode        *metadata)
{
  const char *clicked = confab_agent_content_text_for_id (confab_metadata_get_string (metadata, "ExternalId", "id"));
  g_autofree char *command = NULL;
  gboolean close_after = FALSE;
  guint n_events = 0;
  char *reply;

  if (clicked != NULL)
    text = clicked;
  command = normalise_command (text);

  if (g_str_equal (command, "menu"))
    {
      queue_reply_full (conversation, REPLY_MENU, NULL, FALSE);
      return;
    }
  if (g_str_equal (command, "photo"))
    {
      queue_reply_full (conversation, REPLY_PHOTO, NULL, FALSE);
      return;
    }

  confab_server_peek_conversation (conversation->bot->server, conversation->conversation_id, &n_events, NULL, NULL);
  reply = confab_agent_bot_compose_reply (text, conversation->conversation_id, n_events, &close_after);
  queue_reply (conversation, reply, close_after);
}

static void
on_consumer_event (ConfabServer   *server,
                   const char     *conversation_id,
                   gint64          sequence,
                   JsonNode       *event,
                   JsonNode       *metadata,
                   ConfabAgentBot *self)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (event) ? json_node_get_object (event) : NULL;
  ConfabEventType type = confab_event_type_from_string (confab_json_get_string (object, "type"));
  const char *content_type = confab_json_get_string (object, "contentType");
  const char *text = confab_json_get_string (object, "message");
  BotConversation *conversation;
  gboolean accepted = FALSE;

  if (sequence < 0)
    return;

  if (type == CONFAB_EVENT_ACCEPT_STATUS &&
      confab_receipt_status_from_string (confab_json_get_string (object, "status")) == CONFAB_RECEIPT_ACTION)
    {
      answer_action (bot_get_conversation (self, conversation_id), metadata);
      return;
    }

  if (type != CONFAB_EVENT_CONTENT && type != CONFAB_EVENT_RICH_CONTENT)
    return;

  conversation = bot_get_conversation (self, conversation_id);

  /* Someone writing before the bot took the conversation gets it taken at once. */
  confab_server_peek_conversation (server, conversation_id, NULL, NULL, &accepted);
  if (!accepted)
    accept_now (conversation);

  acknowledge (conversation, sequence);

  if (type == CONFAB_EVENT_CONTENT &&
      (content_type == NULL || g_str_equal (content_type, CONFAB_CONTENT_TYPE_TEXT)) && text != NULL)
    answer_text (conversation, text, metadata);
  else if (type == CONFAB_EVENT_CONTENT && g_strcmp0 (content_type, CONFAB_CONTENT_TYPE_HOSTED_FILE) == 0)
    queue_reply (conversation, g_strdup ("Thanks for the picture! I've got it."), FALSE);
  else
    queue_reply (conversation, g_strdup ("Thanks! I can only read plain text, though. "
                                         "Write \"help\" to see what I understand."), FALSE);
}

/* The survey: each question with its chips, one at a time, then thanks, then done. */

static void
bot_survey_free (BotSurvey *survey)
{
  g_clear_handle_id (&survey->source, g_source_remove);
  g_clear_handle_id (&survey->read_source, g_source_remove);
  g_clear_pointer (&survey->pending_reads, g_array_unref);
  g_free (survey->conversation_id);
  g_free (survey);
}

static void
survey_flush_reads (BotSurvey *survey)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&survey->read_source, g_source_remove);
  if (survey->pending_reads->len == 0)
    return;
  if (confab_server_agent_send_survey_receipt (survey->bot->server, survey->conversation_id, CONFAB_RECEIPT_READ,
                                               (const gint64 *) (gpointer) survey->pending_reads->data,
                                               survey->pending_reads->len, &error) < 0)
    report ("publish READ in the survey", error);
  g_array_set_size (survey->pending_reads, 0);
}

static gboolean
survey_read_cb (gpointer user_data)
{
  BotSurvey *survey = user_data;

  survey->read_source = 0;
  survey_flush_reads (survey);
  return G_SOURCE_REMOVE;
}

/* An answer, acknowledged as in the conversation: ACCEPT at once, READ a little later. */
static void
survey_acknowledge (BotSurvey *survey,
                    gint64     sequence)
{
  ConfabServer *server = survey->bot->server;
  g_autoptr(GError) error = NULL;

  if (confab_server_agent_send_survey_receipt (server, survey->conversation_id, CONFAB_RECEIPT_ACCEPT,
                                               &sequence, 1, &error) < 0)
    report ("publish ACCEPT in the survey", error);
  g_array_append_val (survey->pending_reads, sequence);
  if (survey->read_source == 0)
    survey->read_source = g_timeout_add (confab_server_get_read_delay (server), survey_read_cb, survey);
}

static gboolean
survey_step_cb (gpointer user_data)
{
  BotSurvey *survey = user_data;
  ConfabServer *server = survey->bot->server;
  g_autoptr(GError) error = NULL;
  guint index = survey->next_question;

  survey->source = 0;
  /* the answers read before what follows them (and before the survey's dialog closes) */
  survey_flush_reads (survey);

  if (index < G_N_ELEMENTS (survey_questions))
    {
      g_autoptr(ConfabQuickReplies) replies = confab_agent_content_new_answers (survey_questions[index].id,
                                                                                survey_questions[index].answer_ids,
                                                                                survey_questions[index].titles);
      g_autoptr(JsonNode) metadata = confab_metadata_new_survey_question (SURVEY_ID, survey_questions[index].id,
                                                                          survey_questions[index].answer_ids);

      if (confab_server_agent_send_survey (server, survey->conversation_id, survey_questions[index].text,
                                           replies, metadata, &error) < 0)
        report ("ask", error);
      return G_SOURCE_REMOVE;
    }

  if (confab_server_agent_send_survey (server, survey->conversation_id, SURVEY_THANKS, NULL, NULL, &error) < 0)
    report ("thank", error);
  g_clear_error (&error);
  /* Ending the survey emits survey-ended, which frees survey. */
  if (!confab_server_agent_complete_survey (server, survey->conversation_id, &error))
    report ("complete the survey", error);

  return G_SOURCE_REMOVE;
}

static void
survey_schedule_step (BotSurvey *survey)
{
  if (survey->source == 0)
    survey->source = g_timeout_add (confab_server_get_typing_delay (survey->bot->server), survey_step_cb, survey);
}

static void
on_survey_started (ConfabServer   *server,
                   const char     *conversation_id,
                   const char     *dialog_id,
                   ConfabAgentBot *self)
{
  BotSurvey *survey = g_new0 (BotSurvey, 1);

  survey->bot = self;
  survey->conversation_id = g_strdup (conversation_id);
  survey->pending_reads = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_replace (self->surveys, survey->conversation_id, survey);
  survey_schedule_step (survey);
}

/* An answer is a text (with the chip's Answer metadata, when a chip was chosen): the next
 * question follows. The ACTION that comes with it is not an answer of its own. */
static void
on_survey_event (ConfabServer   *server,
                 const char     *conversation_id,
                 gint64          sequence,
                 JsonNode       *event,
                 JsonNode       *metadata,
                 ConfabAgentBot *self)
{
  BotSurvey *survey = g_hash_table_lookup (self->surveys, conversation_id);
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (event) ? json_node_get_object (event) : NULL;

  if (survey == NULL || sequence < 0 ||
      confab_event_type_from_string (confab_json_get_string (object, "type")) != CONFAB_EVENT_CONTENT)
    return;
  /* every answer is acknowledged, also one that comes while the next question is on its way */
  survey_acknowledge (survey, sequence);
  if (survey->source != 0)
    return;

  g_debug ("bot: survey answer %s", confab_metadata_get_string (metadata, "Answer", "id") != NULL ? "chosen" : "typed");
  survey->next_question++;
  survey_schedule_step (survey);
}

static void
on_survey_ended (ConfabServer   *server,
                 const char     *conversation_id,
                 ConfabAgentBot *self)
{
  g_hash_table_remove (self->surveys, conversation_id);
}

static void
on_conversation_closed (ConfabServer   *server,
                        const char     *conversation_id,
                        const char     *close_reason,
                        ConfabAgentBot *self)
{
  g_hash_table_remove (self->conversations, conversation_id);
}

static void
confab_agent_bot_dispose (GObject *object)
{
  ConfabAgentBot *self = CONFAB_AGENT_BOT (object);

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_object_remove_weak_pointer (G_OBJECT (self->server), (gpointer *) &self->server);
      self->server = NULL;
    }
  g_hash_table_remove_all (self->conversations);
  g_hash_table_remove_all (self->surveys);

  G_OBJECT_CLASS (confab_agent_bot_parent_class)->dispose (object);
}

static void
confab_agent_bot_finalize (GObject *object)
{
  ConfabAgentBot *self = CONFAB_AGENT_BOT (object);

  g_clear_pointer (&self->conversations, g_hash_table_unref);
  g_clear_pointer (&self->surveys, g_hash_table_unref);

  G_OBJECT_CLASS (confab_agent_bot_parent_class)->finalize (object);
}

static void
confab_agent_bot_class_init (ConfabAgentBotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_agent_bot_dispose;
  object_class->finalize = confab_agent_bot_finalize;
}

static void
confab_agent_bot_init (ConfabAgentBot *self)
{
  self->conversations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) bot_conversation_free);
  self->surveys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) bot_survey_free);
}

ConfabAgentBot *
confab_agent_bot_new (ConfabServer *server)
{
  ConfabAgentBot *self;

  g_return_val_if_fail (CONFAB_IS_SERVER (server), NULL);

  self = g_object_new (CONFAB_TYPE_AGENT_BOT, NULL);
  self->server = server;
  g_object_add_weak_pointer (G_OBJECT (server), (gpointer *) &self->server);
  confab_agent_content_add_images (server);

  g_signal_connect (server, "conversation-requested", G_CALLBACK (on_conversation_requested), self);
  g_signal_connect (server, "consumer-event", G_CALLBACK (on_consumer_event), self);
  g_signal_connect (server, "conversation-closed", G_CALLBACK (on_conversation_closed), self);
  g_signal_connect (server, "survey-started", G_CALLBACK (on_survey_started), self);
  g_signal_connect (server, "survey-event", G_CALLBACK (on_survey_event), self);
  g_signal_connect (server, "survey-ended", G_CALLBACK (on_survey_ended), self);

  return self;
}
