/* confab-agent-console.c: a person plays the agent from the terminal
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each line read from stdin is a message into the current conversation (the open one updated
 * last); "/typing", "/close", "/accept", "/read", "/menu", "/photo", "/quick a|b|c" and
 * "/help" are commands. Consumer messages
 * are printed to stdout and acknowledged with ACCEPT at once; READ follows when the person
 * answers (or types "/read").
 */
#include "config.h"

#include "confab-agent-console.h"

#include <stdio.h>
#include <string.h>

#include <gio/gunixinputstream.h>

#include "confab-agent-content.h"
#include "confab-server-state.h"

#define CONSOLE_HELP \
  "agent console: type a line to answer in the current conversation.\n" \
  "  /typing      show the consumer that you are typing\n" \
  "  /accept      take the conversation without writing\n" \
  "  /read        mark the consumer's messages read\n" \
  "  /menu        send the menu card, with its quick replies\n" \
  "  /photo       send a photo, as a file\n" \
  "  /quick a|b   send \"Choose one:\" with a quick reply for each choice\n" \
  "  /close       close the conversation\n" \
  "  /help        this text\n"

struct _ConfabAgentConsole
{
  GObject parent_instance;

  ConfabServer *server;          /* weak: the console does not keep the server alive */
  GDataInputStream *input;
  GCancellable *cancellable;
  GHashTable *unread;            /* conversation id → GArray of gint64 */
  guint intro_source;
};

G_DEFINE_FINAL_TYPE (ConfabAgentConsole, confab_agent_console, G_TYPE_OBJECT)

static void read_next_line (ConfabAgentConsole *self);

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);
  fputc ('\n', stdout);
  fflush (stdout);
}

static void
mark_read (ConfabAgentConsole *self,
           const char         *conversation_id)
{
  GArray *sequences = g_hash_table_lookup (self->unread, conversation_id);
  g_autoptr(GError) error = NULL;

  if (sequences == NULL || sequences->len == 0)
    return;

  if (confab_server_agent_send_receipt (self->server, conversation_id, CONFAB_RECEIPT_READ,
                                        (const gint64 *) (gpointer) sequences->data, sequences->len,
                                        &error) < 0)
    say ("! %s", error->message);

  g_hash_table_remove (self->unread, conversation_id);
}

/* "/quick a|b|c": the choices, without empty ones; NULL when there are none. */
static GStrv
split_choices (const char *argument)
{
  g_auto(GStrv) parts = g_strsplit (argument, "|", CONFAB_QUICK_REPLIES_MAX + 1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; parts[i] != NULL && n < CONFAB_QUICK_REPLIES_MAX; i++)
    {
      char *choice = g_strstrip (parts[i]);

      if (*choice != '\0')
        {
          g_strv_builder_add (builder, choice);
          n++;
        }
    }

  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

/* "/menu", "/photo" or "/quick a|b|c". */
static void
send_rich (ConfabAgentConsole *self,
           const char         *conversation_id,
           const char         *line)
{
  g_autoptr(GError) error = NULL;
  gint64 sequence = -1;

  mark_read (self, conversation_id);

  if (g_str_equal (line, "/menu"))
    sequence = confab_agent_content_send_menu (self->server, conversation_id, &error);
  else if (g_str_equal (line, "/photo"))
    sequence = confab_agent_content_send_photo (self->server, conversation_id, &error);
  else if (g_str_has_prefix (line, "/quick ") || g_str_equal (line, "/quick"))
    {
      g_auto(GStrv) choices = split_choices (line + strlen ("/quick"));

      if (choices == NULL)
        {
          say ("! /quick needs choices, such as /quick yes|no");
          return;
        }
      sequence = confab_agent_content_send_choices (self->server, conversation_id, "Choose one:",
                                                    (const char * const *) choices, &error);
    }
  else
    {
      say ("! unknown command %s (/help lists them; start a message with // to send a slash)", line);
      return;
    }

  if (sequence < 0)
    say ("! %s", error->message);
}

static void
handle_line (ConfabAgentConsole *self,
             const char         *line)
{
  g_autofree char *conversation_id = confab_server_dup_current_conversation_id (self->server, NULL);
  g_autoptr(GError) error = NULL;

  if (*line == '\0')
    return;

  if (g_str_equal (line, "/help"))
    {
      say ("%s", CONSOLE_HELP);
      return;
    }

  if (conversation_id == NULL)
    {
      say ("! no conversation is open; wait for a consumer to start one");
      return;
    }

  if (g_str_equal (line, "/typing"))
    {
      if (!confab_server_agent_set_typing (self->server, conversation_id, CONFAB_CHAT_STATE_COMPOSING, &error))
        say ("! %s", error->message);
    }
  else if (g_str_equal (line, "/accept"))
    {
      if (!confab_server_agent_accept (self->server, conversation_id, &error))
        say ("! %s", error->message);
    }
  else if (g_str_equal (line, "/read"))
    {
      mark_read (self, conversation_id);
    }
  else if (g_str_equal (line, "/menu") || g_str_equal (line, "/photo") || g_str_has_prefix (line, "/quick"))
    {
      send_rich (self, conversation_id, line);
    }
  else if (g_str_equal (line, "/close"))
    {
      mark_read (self, conversation_id);
      if (!confab_server_agent_close (self->server, conversation_id, CONFAB_CLOSE_REASON_AGENT, &error))
        say ("! %s", error->message);
    }
  else if (line[0] == '/' && line[1] != '/')
    {
      say ("! unknown command %s (/help lists them; start a message with // to send a slash)", line);
    }
  else
    {
      /* "//text" sends "/text". */
      const char *text = line[0] == '/' ? line + 1 : line;

      mark_read (self, conversation_id);
      if (confab_server_agent_send_text (self->server, conversation_id, text, &error) < 0)
        say ("! %s", error->message);
    }
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConfabAgentConsole *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize len = 0;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, &len, &error);

  /* Cancelled in dispose: self may be gone, do not touch it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->server == NULL)
    return;

  if (error != NULL)
    {
      say ("! cannot read the console: %s", error->message);
      return;
    }

  if (line == NULL)
    {
      g_debug ("console: end of input");
      return;
    }

  handle_line (self, g_strstrip (line));
  read_next_line (self);
}

static void
read_next_line (ConfabAgentConsole *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       read_line_cb, self);
}

static void
on_conversation_requested (ConfabServer       *server,
                           const char         *conversation_id,
                           ConfabAgentConsole *self)
{
  say ("* conversation %s requested; write to take it", conversation_id);
}

static void
on_consumer_event (ConfabServer       *server,
                   const char         *conversation_id,
                   gint64              sequence,
                   JsonNode           *event,
                   JsonNode           *metadata,
                   ConfabAgentConsole *self)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (event) ? json_node_get_object (event) : NULL;
  const char *type_name = confab_json_get_string (object, "type");
  ConfabEventType type = confab_event_type_from_string (type_name);
  const char *clicked = confab_metadata_get_string (metadata, "ExternalId", "id");
  g_autoptr(GError) error = NULL;

  if (type == CONFAB_EVENT_CHAT_STATE)
    {
      if (confab_chat_state_from_string (confab_json_get_string (object, "chatState")) == CONFAB_CHAT_STATE_COMPOSING)
        say ("* the consumer is typing");
      return;
    }

  if (type == CONFAB_EVENT_ACCEPT_STATUS)
    {
      JsonArray *list = confab_json_get_array (object, "sequenceList");
      g_autoptr(GString) sequences = g_string_new (NULL);

      for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
        g_string_append_printf (sequences, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                                json_array_get_int_element (list, i));
      if (clicked != NULL)
        say ("* the consumer clicked %s in [%s]", clicked, sequences->str);
      else
        say ("* the consumer marked [%s] %s", sequences->str, confab_json_get_string (object, "status"));
      return;
    }

  if (type == CONFAB_EVENT_CONTENT)
    {
      const char *text = confab_json_get_string (object, "message");
      GArray *sequences;

      if (g_strcmp0 (confab_json_get_string (object, "contentType"), CONFAB_CONTENT_TYPE_HOSTED_FILE) == 0)
        say ("consumer [%" G_GINT64_FORMAT "]: (a file)", sequence);
      else if (clicked != NULL)
        say ("consumer [%" G_GINT64_FORMAT "]: %s (clicked %s)", sequence, text != NULL ? text : "(not text)", clicked);
      else
        say ("consumer [%" G_GINT64_FORMAT "]: %s", sequence, text != NULL ? text : "(not text)");

      if (confab_server_agent_send_receipt (self->server, conversation_id, CONFAB_RECEIPT_ACCEPT,
                                            &sequence, 1, &error) < 0)
        say ("! %s", error->message);

      sequences = g_hash_table_lookup (self->unread, conversation_id);
      if (sequences == NULL)
        {
          sequences = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (self->unread, g_strdup (conversation_id), sequences);
        }
      g_array_append_val (sequences, sequence);
      return;
    }

  say ("consumer [%" G_GINT64_FORMAT "]: (%s)", sequence, type_name != NULL ? type_name : "unknown event");
}

static void
on_conversation_closed (ConfabServer       *server,
                        const char         *conversation_id,
                        const char         *close_reason,
                        ConfabAgentConsole *self)
{
  say ("* conversation %s closed (%s)", conversation_id, close_reason);
  g_hash_table_remove (self->unread, conversation_id);
}

static void
on_survey_started (ConfabServer       *server,
                   const char         *conversation_id,
                   const char         *dialog_id,
                   ConfabAgentConsole *self)
{
  say ("* conversation %s: a post-conversation survey runs; /close ends it", conversation_id);
}

static void
on_survey_event (ConfabServer       *server,
                 const char         *conversation_id,
                 gint64              sequence,
                 JsonNode           *event,
                 JsonNode           *metadata,
                 ConfabAgentConsole *self)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (event) ? json_node_get_object (event) : NULL;
  const char *text = confab_json_get_string (object, "message");

  if (confab_event_type_from_string (confab_json_get_string (object, "type")) == CONFAB_EVENT_CONTENT && text != NULL)
    say ("consumer (survey) [%" G_GINT64_FORMAT "]: %s", sequence, text);
}

static void
on_survey_ended (ConfabServer       *server,
                 const char         *conversation_id,
                 ConfabAgentConsole *self)
{
  say ("* conversation %s: the survey is over", conversation_id);
}

static gboolean
intro_cb (gpointer user_data)
{
  ConfabAgentConsole *self = user_data;

  self->intro_source = 0;
  say ("%s", CONSOLE_HELP);

  return G_SOURCE_REMOVE;
}

static void
confab_agent_console_dispose (GObject *object)
{
  ConfabAgentConsole *self = CONFAB_AGENT_CONSOLE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->intro_source, g_source_remove);

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_object_remove_weak_pointer (G_OBJECT (self->server), (gpointer *) &self->server);
      self->server = NULL;
    }

  G_OBJECT_CLASS (confab_agent_console_parent_class)->dispose (object);
}

static void
confab_agent_console_finalize (GObject *object)
{
  ConfabAgentConsole *self = CONFAB_AGENT_CONSOLE (object);

  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->unread, g_hash_table_unref);

  G_OBJECT_CLASS (confab_agent_console_parent_class)->finalize (object);
}

static void
confab_agent_console_class_init (ConfabAgentConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_agent_console_dispose;
  object_class->finalize = confab_agent_console_finalize;
}

static void
confab_agent_console_init (ConfabAgentConsole *self)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);

  self->input = g_data_input_stream_new (stdin_stream);
  self->cancellable = g_cancellable_new ();
  self->unread = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
}

ConfabAgentConsole *
confab_agent_console_new (ConfabServer *server)
{
  ConfabAgentConsole *self;

  g_return_val_if_fail (CONFAB_IS_SERVER (server), NULL);

  self = g_object_new (CONFAB_TYPE_AGENT_CONSOLE, NULL);
  self->server = server;
  g_object_add_weak_pointer (G_OBJECT (server), (gpointer *) &self->server);
  confab_agent_content_add_images (server);

  g_signal_connect (server, "conversation-requested", G_CALLBACK (on_conversation_requested), self);
  g_signal_connect (server, "consumer-event", G_CALLBACK (on_consumer_event), self);
  g_signal_connect (server, "conversation-closed", G_CALLBACK (on_conversation_closed), self);
  g_signal_connect (server, "survey-started", G_CALLBACK (on_survey_started), self);
  g_signal_connect (server, "survey-event", G_CALLBACK (on_survey_event), self);
  g_signal_connect (server, "survey-ended", G_CALLBACK (on_survey_ended), self);

  /* After the caller has printed its "listening on" line. */
  self->intro_source = g_idle_add (intro_cb, self);
  read_next_line (self);

  return self;
}
