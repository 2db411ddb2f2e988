/* confab-server-log.c: ConfabServer's log of the frames consumers sent
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The control API reads it (/control/frames), so that a test can see what a client really
 * sent. It keeps the last CONFAB_SERVER_FRAME_LOG_LIMIT frames, and no more than
 * CONFAB_SERVER_FRAME_LOG_MAX_BYTES of them: a client sending big frames, then going away,
 * must not leave them all behind in memory.
 */
#include "config.h"

#include "confab-server-private.h"

/* What an entry costs besides the frame's text: its own members. */
#define ENTRY_OVERHEAD 256

typedef struct {
  JsonNode *node;
  gsize size;
} LogEntry;

static void
log_entry_free (LogEntry *entry)
{
  json_node_unref (entry->node);
  g_free (entry);
}

/* A body of more than CONFAB_SERVER_FRAME_LOG_MAX_BODY bytes of text is left out, and the
 * entry says so with "bodyOmitted" and the frame's "size". */
static void
build_parsed_frame (JsonBuilder       *builder,
                    const ConfabFrame *frame,
                    gsize              raw_len)
{
  const char *kind = confab_frame_kind_to_string (frame->kind);
  gboolean omit_body = raw_len > CONFAB_SERVER_FRAME_LOG_MAX_BODY;

  json_builder_set_member_name (builder, "type");
  if (frame->type != NULL)
    json_builder_add_string_value (builder, frame->type);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "frame");
  json_builder_begin_object (builder);
  if (kind != NULL)
    {
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kind);
    }
  if (frame->id != NULL)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, frame->id);
    }
  if (frame->type != NULL)
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, frame->type);
    }
  if (frame->body != NULL && !omit_body)
    {
      json_builder_set_member_name (builder, "body");
      json_builder_add_value (builder, json_node_copy (frame->body));
    }
  if (frame->metadata != NULL && !omit_body)
    {
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_value (builder, json_node_copy (frame->metadata));
    }
  json_builder_end_object (builder);

  if (omit_body)
    {
      json_builder_set_member_name (builder, "bodyOmitted");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) raw_len);
    }
}

static void
build_malformed_frame (JsonBuilder *builder,
                       const char  *raw,
                       gsize        raw_len)
{
  g_autofree char *head = NULL;
  gsize head_len = MIN (raw_len, 1024);
  const char *end = NULL;

  /* Keep a valid UTF-8 prefix of what could not be parsed, for the tests to look at. */
  g_utf8_validate (raw, (gssize) head_len, &end);
  head = g_strndup (raw, (gsize) (end - raw));

  json_builder_set_member_name (builder, "type");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "malformed");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "raw");
  json_builder_add_string_value (builder, head);
}

/* frame is NULL for one that did not parse: then the start of raw is kept. */
void
confab_server_log_frame (ConfabServer      *self,
                         ConsumerSocket    *socket,
                         const ConfabFrame *frame,
                         const char        *raw,
                         gsize              raw_len)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  LogEntry *entry;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, confab_server_now_ms ());
  json_builder_set_member_name (builder, "socket");
  json_builder_add_int_value (builder, socket->serial);
  json_builder_set_member_name (builder, "consumerId");
  json_builder_add_string_value (builder, socket->consumer_id);

  if (frame != NULL)
    build_parsed_frame (builder, frame, raw_len);
  else
    build_malformed_frame (builder, raw, raw_len);

  json_builder_end_object (builder);

  entry = g_new0 (LogEntry, 1);
  entry->node = json_builder_get_root (builder);
  entry->size = ENTRY_OVERHEAD + (frame != NULL ? MIN (raw_len, CONFAB_SERVER_FRAME_LOG_MAX_BODY) : MIN (raw_len, 1024));
  g_queue_push_tail (&self->frame_log, entry);
  self->frame_log_bytes += entry->size;

  while (self->frame_log.length > CONFAB_SERVER_FRAME_LOG_LIMIT ||
         self->frame_log_bytes > CONFAB_SERVER_FRAME_LOG_MAX_BYTES)
    {
      LogEntry *oldest = g_queue_pop_head (&self->frame_log);

      self->frame_log_bytes -= oldest->size;
      log_entry_free (oldest);
    }
}

JsonNode *
confab_server_dup_frame_log (ConfabServer *self,
                             const char   *type,
                             const char   *consumer_id)
{
  JsonArray *array;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  array = json_array_new ();
  for (GList *l = self->frame_log.head; l != NULL; l = l->next)
    {
      LogEntry *log_entry = l->data;
      JsonObject *entry = json_node_get_object (log_entry->node);

      if (type != NULL && g_strcmp0 (confab_json_get_string (entry, "type"), type) != 0)
        continue;
      if (consumer_id != NULL && g_strcmp0 (confab_json_get_string (entry, "consumerId"), consumer_id) != 0)
        continue;
      json_array_add_element (array, json_node_copy (log_entry->node));
    }

  return json_node_init_array (json_node_alloc (), array);
}

void
confab_server_clear_frame_log (ConfabServer *self)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));

  g_queue_clear_full (&self->frame_log, (GDestroyNotify) log_entry_free);
  g_queue_init (&self->frame_log);
  self->frame_log_bytes = 0;
}
