/* fuzz-frame.c: libFuzzer target for the frame parser and everything that reads a frame
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parses the input as a frame, then runs every notification and response parser on it,
 * checks that what they return is sane, and that building the frame again gives text that
 * parses to the same frame. The input is also read as a JWT and as base64url.
 */
#include <stdint.h>
#include <string.h>

#include "confab-protocol.h"
#include "fuzz-frame.h"

/* JWTs are short; reading megabytes of one only slows the fuzzer down */
#define JWT_MAX_INPUT (64 * 1024)

static void
check_string (const char *str)
{
  if (str != NULL)
    g_assert (g_utf8_validate (str, -1, NULL));
}

static void
check_error (GError *error)
{
  if (error == NULL)
    return;
  g_assert (error->domain == CONFAB_PROTOCOL_ERROR);
  check_string (error->message);
}

static void
check_messaging (JsonNode *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = confab_parse_messaging_notification (body, &error);

  g_assert ((changes == NULL) == (error != NULL));
  check_error (error);
  if (changes == NULL)
    return;

  for (guint i = 0; i < changes->len; i++)
    {
      const ConfabMessagingChange *change = g_ptr_array_index (changes, i);

      g_assert (change->sequence >= -1);
      g_assert (change->server_timestamp >= 0);
      check_string (change->originator_id);
      check_string (change->role_name);
      check_string (change->conversation_id);
      check_string (change->dialog_id);
      check_string (change->content_type);
      check_string (change->text);
      g_assert (!change->is_placeholder || change->text != NULL);
      if (change->type == CONFAB_EVENT_CONTENT || change->type == CONFAB_EVENT_RICH_CONTENT)
        g_assert (change->text != NULL);
      if (change->type == CONFAB_EVENT_ACCEPT_STATUS)
        {
          g_assert (change->sequence_list != NULL);
          for (guint j = 0; j < change->sequence_list->len; j++)
            g_assert (g_array_index (change->sequence_list, gint64, j) >= 0);
        }
      else
        {
          g_assert (change->sequence_list == NULL);
        }
      (void) confab_receipt_status_to_string (change->status);
      (void) confab_chat_state_to_string (change->chat_state);
    }
}

static void
check_conversation (JsonNode *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = confab_parse_conversation_notification (body, &error);

  g_assert ((changes == NULL) == (error != NULL));
  check_error (error);
  if (changes == NULL)
    return;

  for (guint i = 0; i < changes->len; i++)
    {
      const ConfabConversationChange *change = g_ptr_array_index (changes, i);

      g_assert (change->conversation_id != NULL);
      check_string (change->conversation_id);
      g_assert (change->last_updated_ts >= 0);
      g_assert (change->participants != NULL && change->dialogs != NULL);
      for (guint j = 0; j < change->participants->len; j++)
        {
          const ConfabParticipant *participant = g_ptr_array_index (change->participants, j);

          g_assert (participant->id != NULL);
          check_string (participant->id);
          check_string (participant->role_name);
        }
      for (guint j = 0; j < change->dialogs->len; j++)
        {
          const ConfabDialog *dialog = g_ptr_array_index (change->dialogs, j);

          g_assert (dialog->dialog_id != NULL);
          check_string (dialog->dialog_id);
          check_string (dialog->dialog_type);
        }
      (void) confab_conversation_change_is_closed (change);
      check_string (confab_conversation_change_get_agent_id (change));
      (void) confab_close_reason_to_string (change->close_reason);
    }
}

static void
check_responses (const ConfabFrame *frame)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation_id = NULL;
  g_autofree char *subscription_id = NULL;
  gint64 value = -1;

  conversation_id = confab_parse_conversation_id (frame, &error);
  g_assert ((conversation_id == NULL) == (error != NULL));
  check_string (conversation_id);
  check_error (error);
  g_clear_error (&error);

  subscription_id = confab_parse_subscription_id (frame, &error);
  g_assert ((subscription_id == NULL) == (error != NULL));
  check_string (subscription_id);
  check_error (error);
  g_clear_error (&error);

  if (confab_parse_publish_sequence (frame, &value, &error))
    g_assert (value >= 0);
  check_error (error);
  g_clear_error (&error);

  if (confab_parse_clock (frame, &value, &error))
    g_assert (value >= 0);
  check_error (error);
}

/* Building a parsed frame again must give a frame that parses to the same id, type and
 * code. Text can change once (a number too big for a double becomes null, and a null body
 * is no body), then building is a fixed point. */
static ConfabFrame *
reparse (const char *text)
{
  g_autoptr(GError) error = NULL;
  ConfabFrame *frame = confab_frame_parse (text, -1, &error);

  if (frame == NULL)
    g_error ("a built frame does not parse: %s\n%s", error->message, text);
  g_assert (frame->kind == CONFAB_FRAME_KIND_RESPONSE);
  return frame;
}

static void
check_round_trip (const ConfabFrame *frame)
{
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *thrice = NULL;
  g_autoptr(ConfabFrame) again = NULL;
  g_autoptr(ConfabFrame) last = NULL;
  const char *id = frame->id ? frame->id : "";

  once = confab_frame_build_response (id, frame->code, frame->type, frame->body);
  if (strlen (once) > CONFAB_FRAME_MAX_SIZE)
    return;

  again = reparse (once);
  g_assert_cmpstr (again->id, ==, id);
  g_assert_cmpstr (again->type, ==, frame->type);
  g_assert_cmpint (again->code, ==, frame->code);

  twice = confab_frame_build_response (again->id, again->code, again->type, again->body);
  last = reparse (twice);
  thrice = confab_frame_build_response (last->id, last->code, last->type, last->body);
  g_assert_cmpstr (twice, ==, thrice);
}

static void
check_frame (const uint8_t *data,
             size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFrame) frame = confab_frame_parse ((const char *) data, (gssize) size, &error);

  g_assert ((frame == NULL) == (error != NULL));
  check_error (error);
  if (frame == NULL)
    return;

  check_string (frame->id);
  check_string (frame->type);
  check_string (confab_frame_get_body_string (frame));
  (void) confab_frame_get_body_object (frame);

  check_messaging (frame->body);
  check_conversation (frame->body);
  check_responses (frame);
  check_round_trip (frame);
}

static void
check_jwt (const uint8_t *data,
           size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(ConfabJwtClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *decoded = NULL;
  gsize decoded_len = 0;

  if (size > JWT_MAX_INPUT)
    return;
  text = g_strndup ((const char *) data, size);

  claims = confab_jwt_decode (text, &error);
  g_assert ((claims == NULL) == (error != NULL));
  if (claims != NULL)
    {
      g_assert (claims->sub != NULL && *claims->sub != '\0');
      check_string (claims->sub);
      check_string (claims->aud);
      check_string (claims->iss);
    }
  else
    {
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_NOT_JWT);
      check_string (error->message);
      /* never the token in a message */
      if (strlen (text) > 16)
        g_assert (strstr (error->message, text) == NULL);
    }
  g_clear_error (&error);

  decoded = confab_base64url_decode (text, &decoded_len, &error);
  g_assert ((decoded == NULL) == (error != NULL));
  if (decoded != NULL)
    {
      g_autofree char *encoded = confab_base64url_encode (decoded, decoded_len);
      g_autofree guint8 *back = NULL;
      gsize back_len = 0;

      back = confab_base64url_decode (encoded, &back_len, NULL);
      g_assert (back != NULL);
      g_assert (back_len == decoded_len);
      g_assert (memcmp (back, decoded, decoded_len) == 0);
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* Parsers must never warn about what a peer sends. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check_frame (data, size);
  check_jwt (data, size);
  return 0;
}
