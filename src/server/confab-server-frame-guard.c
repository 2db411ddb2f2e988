/* confab-server-frame-guard.c: a consumer socket's input, with too large messages left out
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup buffers a whole WebSocket frame before it hands it on, and a frame over its limit
 * makes it cut the connection without a word. So the service reads each connection through
 * this stream: HTTP passes untouched; once the connection is a WebSocket, frames are read as
 * they come, and the payload of a data message over the limit is dropped as it arrives
 * instead of being passed on. In its place libsoup gets an empty message, and the guard
 * remembers which one it was (and the start of the message, where its request id is), so
 * that the service answers it 413 and goes on serving the socket.
 *
 * Dropping part of a compressed stream would break it: the service offers no compression.
 */
#include "config.h"

#include <string.h>

#include "confab-server-private.h"

/* What is read from the connection at a time. */
#define IN_SIZE (64 * 1024)
/* What is kept of a dropped message, to find its request id in. */
#define HEAD_SIZE 4096

#define OPCODE_CONTINUATION 0x0
#define OPCODE_BINARY       0x2
#define OPCODE_CONTROL      0x8

typedef enum {
  GUARD_HTTP,      /* not a WebSocket yet: everything passes */
  GUARD_HEADER,    /* between frames, reading a header */
  GUARD_PASS,      /* a frame's payload, passed on */
  GUARD_DROP,      /* a frame's payload, dropped */
} GuardState;

typedef struct {
  guint64 index;   /* among the data messages libsoup delivers, from 0 */
  GBytes *head;
} DroppedMessage;

struct _ConfabFrameGuard
{
  GInputStream parent_instance;

  GIOStream *base;
  GInputStream *base_input;        /* base's */
  GuardState state;
  gsize max_message;

  guint8 *in;                      /* read from base, not looked at yet */
  gsize in_pos;
  gsize in_len;
  GByteArray *out;                 /* made here for libsoup: headers passed on, placeholders */
  gsize out_pos;

  guint8 header[14];
  gsize header_len;
  guint64 remaining;               /* of the current frame's payload */
  guint64 payload_offset;
  guint8 mask[4];
  gboolean fin;
  gboolean control;
  gboolean keep_head;              /* the frame's message may yet be dropped */

  guint64 message_size;            /* of the data message under way */
  gboolean message_passed;         /* some of it went to libsoup */
  gboolean message_dropped;        /* the rest of it is dropped */
  GByteArray *head;
  guint64 n_messages;              /* data messages completed, placeholders included */
  GQueue dropped;                  /* of DroppedMessage, oldest first */
};

static void confab_frame_guard_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabFrameGuard, confab_frame_guard, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      confab_frame_guard_pollable_init))

static void
dropped_message_free (DroppedMessage *dropped)
{
  g_bytes_unref (dropped->head);
  g_free (dropped);
}

/* The header's size so far as its first bytes tell: 2, then with the length and the mask. */
static gsize
header_size (const guint8 *header,
             gsize         len)
{
  gsize size = 2;

  if (len < 2)
    return size;
  if ((header[1] & 0x7f) == 126)
    size += 2;
  else if ((header[1] & 0x7f) == 127)
    size += 8;
  if ((header[1] & 0x80) != 0)
    size += 4;
  return size;
}

static guint64
header_payload_length (const guint8 *header)
{
  guint64 length = header[1] & 0x7f;

  if (length == 126)
    return ((guint64) header[2] << 8) | header[3];
  if (length == 127)
    {
      length = 0;
      for (guint i = 2; i < 10; i++)
        length = (length << 8) | header[i];
    }
  return length;
}

/* An empty, final, masked frame (the mask is all zero): what libsoup gets instead. */
static void
append_placeholder (ConfabFrameGuard *self,
                    guint8            opcode)
{
  const guint8 frame[6] = { 0x80 | opcode, 0x80, 0, 0, 0, 0 };

  g_byte_array_append (self->out, frame, sizeof frame);
}

/* A frame's payload is all read. */
static void
end_frame (ConfabFrameGuard *self)
{
  DroppedMessage *dropped;

  self->state = GUARD_HEADER;
  if (self->control || !self->fin)
    return;

  if (self->message_dropped)
    {
      /* Ends the message libsoup has begun, or is one of its own. */
      append_placeholder (self, self->message_passed ? OPCODE_CONTINUATION : OPCODE_BINARY);
      dropped = g_new0 (DroppedMessage, 1);
      dropped->index = self->n_messages;
      dropped->head = g_bytes_new (self->head->data, self->head->len);
      g_queue_push_tail (&self->dropped, dropped);
      g_debug ("dropped a message of %" G_GUINT64_FORMAT " bytes", self->message_size);
    }

  self->n_messages++;
  self->message_size = 0;
  self->message_passed = FALSE;
  self->message_dropped = FALSE;
}

/* The header is complete: the frame is passed on or dropped. */
static void
begin_frame (ConfabFrameGuard *self)
{
  guint8 opcode = self->header[0] & 0x0f;
  gboolean masked = (self->header[1] & 0x80) != 0;

  self->fin = (self->header[0] & 0x80) != 0;
  self->control = (opcode & OPCODE_CONTROL) != 0;
  self->remaining = header_payload_length (self->header);
  self->payload_offset = 0;
  memset (self->mask, 0, sizeof self->mask);
  if (masked)
    memcpy (self->mask, self->header + self->header_len - 4, 4);

  if (!self->control)
    {
      if (opcode != OPCODE_CONTINUATION)
        {
          self->message_size = 0;
          self->message_passed = FALSE;
          self->message_dropped = FALSE;
          g_byte_array_set_size (self->head, 0);
        }
      self->message_size += self->remaining;
      if (self->message_size > self->max_message)
        self->message_dropped = TRUE;
    }

  /* A message in one frame that passes is never dropped: no need to keep its start. */
  self->keep_head = !self->control && (self->message_dropped || !self->fin || opcode == OPCODE_CONTINUATION);

  if (!self->control && self->message_dropped)
    {
      self->state = GUARD_DROP;
    }
  else
    {
      g_byte_array_append (self->out, self->header, self->header_len);
      if (!self->control)
        self->message_passed = TRUE;
      self->state = GUARD_PASS;
    }

  self->header_len = 0;
  if (self->remaining == 0)
    end_frame (self);
}

static void
take_header_bytes (ConfabFrameGuard *self)
{
  while (self->in_pos < self->in_len && self->header_len < header_size (self->header, self->header_len))
    self->header[self->header_len++] = self->in[self->in_pos++];

  if (self->header_len >= 2 && self->header_len == header_size (self->header, self->header_len))
    begin_frame (self);
}

/* Keeps the start of a data message that may be dropped, unmasked, to find its request id
 * in; then takes n bytes of payload from in. */
static void
consume_payload (ConfabFrameGuard *self,
                 gsize             n)
{
  gsize kept = self->keep_head ? MIN (n, HEAD_SIZE - self->head->len) : 0;
  guint8 *head;

  if (kept > 0)
    {
      g_byte_array_append (self->head, self->in + self->in_pos, kept);
      head = self->head->data + self->head->len - kept;
      for (gsize i = 0; i < kept; i++)
        head[i] ^= self->mask[(self->payload_offset + i) % 4];
    }

  self->in_pos += n;
  self->remaining -= n;
  self->payload_offset += n;
}

static void
drop_bytes (ConfabFrameGuard *self)
{
  consume_payload (self, (gsize) MIN (self->remaining, (guint64) (self->in_len - self->in_pos)));
  if (self->remaining == 0)
    end_frame (self);
}

static gssize
guard_read (ConfabFrameGuard  *self,
            void              *buffer,
            gsize              count,
            gboolean           blocking,
            GCancellable      *cancellable,
            GError           **error)
{
  if (self->state == GUARD_HTTP)
    return g_pollable_stream_read (self->base_input, buffer, count, blocking, cancellable, error);

  for (;;)
    {
      if (self->out_pos < self->out->len)
        {
          gsize n = MIN (count, self->out->len - self->out_pos);

          memcpy (buffer, self->out->data + self->out_pos, n);
          self->out_pos += n;
          if (self->out_pos == self->out->len)
            {
              g_byte_array_set_size (self->out, 0);
              self->out_pos = 0;
            }
          return (gssize) n;
        }

      if (self->in_pos == self->in_len)
        {
          gssize n = g_pollable_stream_read (self->base_input, self->in, IN_SIZE, blocking, cancellable, error);

          if (n <= 0)
            return n;
          self->in_pos = 0;
          self->in_len = (gsize) n;
        }

      if (self->state == GUARD_HEADER)
        {
          take_header_bytes (self);
        }
      else if (self->state == GUARD_DROP)
        {
          drop_bytes (self);
        }
      else
        {
          gsize n = (gsize) MIN ((guint64) MIN (count, self->in_len - self->in_pos), self->remaining);

          memcpy (buffer, self->in + self->in_pos, n);
          consume_payload (self, n);
          if (self->remaining == 0)
            end_frame (self);
          return (gssize) n;
        }
    }
}

/* What it has buffered lets a read go on without base. */
static gboolean
has_buffered (ConfabFrameGuard *self)
{
  return self->state != GUARD_HTTP && (self->out_pos < self->out->len || self->in_pos < self->in_len);
}

static gssize
confab_frame_guard_read (GInputStream  *stream,
                         void          *buffer,
                         gsize          count,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return guard_read (CONFAB_FRAME_GUARD (stream), buffer, count, TRUE, cancellable, error);
}

static gssize
confab_frame_guard_read_nonblocking (GPollableInputStream  *stream,
                                     void                  *buffer,
                                     gsize                  count,
                                     GError               **error)
{
  return guard_read (CONFAB_FRAME_GUARD (stream), buffer, count, FALSE, NULL, error);
}

static gboolean
confab_frame_guard_can_poll (GPollableInputStream *stream)
{
  ConfabFrameGuard *self = CONFAB_FRAME_GUARD (stream);

  return g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->base_input));
}

static gboolean
confab_frame_guard_is_readable (GPollableInputStream *stream)
{
  ConfabFrameGuard *self = CONFAB_FRAME_GUARD (stream);

  return has_buffered (self) || g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base_input));
}

static GSource *
confab_frame_guard_create_source (GPollableInputStream *stream,
                                  GCancellable         *cancellable)
{
  ConfabFrameGuard *self = CONFAB_FRAME_GUARD (stream);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  if (has_buffered (self))
    {
      source = g_pollable_source_new (G_OBJECT (self));
      g_source_set_ready_time (source, 0);
      return source;
    }

  base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base_input), NULL);
  return g_pollable_source_new_full (self, base_source, cancellable);
}

/* Closing the input closes the connection: libsoup closes its stream that way. */
static gboolean
confab_frame_guard_close (GInputStream  *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  return g_io_stream_close (CONFAB_FRAME_GUARD (stream)->base, cancellable, error);
}

static void
confab_frame_guard_finalize (GObject *object)
{
  ConfabFrameGuard *self = CONFAB_FRAME_GUARD (object);

  g_clear_object (&self->base);
  g_free (self->in);
  g_byte_array_unref (self->out);
  g_byte_array_unref (self->head);
  g_queue_clear_full (&self->dropped, (GDestroyNotify) dropped_message_free);

  G_OBJECT_CLASS (confab_frame_guard_parent_class)->finalize (object);
}

static void
confab_frame_guard_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = confab_frame_guard_can_poll;
  iface->is_readable = confab_frame_guard_is_readable;
  iface->create_source = confab_frame_guard_create_source;
  iface->read_nonblocking = confab_frame_guard_read_nonblocking;
}

static void
confab_frame_guard_class_init (ConfabFrameGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = confab_frame_guard_finalize;
  input_class->read_fn = confab_frame_guard_read;
  input_class->close_fn = confab_frame_guard_close;
}

static void
confab_frame_guard_init (ConfabFrameGuard *self)
{
  self->out = g_byte_array_new ();
  self->head = g_byte_array_new ();
  g_queue_init (&self->dropped);
}

/* The stream to read base through (its output is base's own), and the guard in it. */
GIOStream *
confab_frame_guard_wrap (GIOStream         *base,
                         ConfabFrameGuard **guard)
{
  ConfabFrameGuard *self = g_object_new (CONFAB_TYPE_FRAME_GUARD, NULL);
  GIOStream *stream;

  self->base = g_object_ref (base);
  self->base_input = g_io_stream_get_input_stream (base);
  stream = g_simple_io_stream_new (G_INPUT_STREAM (self), g_io_stream_get_output_stream (base));
  *guard = self;
  g_object_unref (self);

  return stream;
}

/* The connection is a WebSocket from the next byte on: data messages over max_message
 * bytes are dropped. */
void
confab_frame_guard_start_frames (ConfabFrameGuard *self,
                                 gsize             max_message)
{
  g_return_if_fail (self->state == GUARD_HTTP);

  self->state = GUARD_HEADER;
  self->max_message = max_message;
  self->in = g_malloc (IN_SIZE);
}

/* Whether libsoup's data message number index (from 0) stands for a dropped one; then
 * *head is the start of what was dropped. */
gboolean
confab_frame_guard_take_dropped (ConfabFrameGuard  *self,
                                 guint64            index,
                                 GBytes           **head)
{
  DroppedMessage *dropped = g_queue_peek_head (&self->dropped);

  if (dropped == NULL || dropped->index != index)
    return FALSE;

  g_queue_pop_head (&self->dropped);
  *head = g_steal_pointer (&dropped->head);
  g_free (dropped);
  return TRUE;
}
