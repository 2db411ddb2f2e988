/* fuzz-frame.c: libFuzzer target for the frame parser and everything that reads a frame
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parses the input as a frame, then runs every notification and response parser on it,
 * checks that what they return is sane, that building the frame again gives text that
 * parses to the same frame, and that what the parsers return survives the encoders and the
 * parsers again. The input is also read as bare JSON (and that JSON as rich content, quick
 * replies, a hosted file and GenerateURL bodies, see fuzz-rich.c), as a JWT and as
 * base64url.
 */
#include <stdint.h>
#include <string.h>

#include "confab-protocol.h"
#include "fuzz-frame.h"
#include "fuzz-rich.h"

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

/* The change encoded again, with the parts the encoders take, reads back the same. */
static void
check_messaging_encoded (const ConfabMessagingChange *change)
{
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(GPtrArray) encoded = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  const ConfabMessagingChange *again;

  if (change->type == CONFAB_EVENT_CONTENT && !change->is_placeholder)
    event = confab_text_event_to_json (change->text);
  else if (change->type == CONFAB_EVENT_ACCEPT_STATUS && change->status != CONFAB_RECEIPT_UNKNOWN)
    event = confab_receipt_event_to_json (change->status, (const gint64 *) (gpointer) change->sequence_list->data,
                                          change->sequence_list->len);
  else if (change->type == CONFAB_EVENT_CHAT_STATE && change->chat_state != CONFAB_CHAT_STATE_UNKNOWN)
    event = confab_chat_state_event_to_json (change->chat_state);
  else
    return;

  g_ptr_array_add (encoded, confab_messaging_change_to_json (change->sequence, change->server_timestamp,
                                                             change->originator_id ? change->originator_id : "",
                                                             change->role_name ? change->role_name : "",
                                                             change->conversation_id ? change->conversation_id : "",
                                                             change->dialog_id ? change->dialog_id : "",
                                                             event));
  body = confab_notification_body_to_json (NULL, encoded);
  text = confab_frame_build_notification (CONFAB_NOTIFY_MESSAGING, body);
  if (strlen (text) > CONFAB_FRAME_MAX_SIZE)
    return;
  frame = confab_frame_parse (text, -1, NULL);
  g_assert (frame != NULL);
  parsed = confab_parse_messaging_notification (frame->body, NULL);
  g_assert (parsed != NULL && parsed->len == 1);
  again = g_ptr_array_index (parsed, 0);

  g_assert_cmpint (again->type, ==, change->type);
  g_assert_cmpint (again->sequence, ==, change->sequence);
  if (change->sequence >= 0)
    g_assert_cmpint (again->server_timestamp, ==, change->server_timestamp);
  g_assert_cmpstr (again->text, ==, change->text);
  g_assert_cmpint (again->status, ==, change->status);
  g_assert_cmpint (again->chat_state, ==, change->chat_state);
  if (change->sequence_list != NULL)
    {
      g_assert (again->sequence_list->len == change->sequence_list->len);
      for (guint i = 0; i < change->sequence_list->len; i++)
        g_assert (g_array_index (again->sequence_list, gint64, i) == g_array_index (change->sequence_list, gint64, i));
    }
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
      check_messaging_encoded (change);
      fuzz_check_rich_change (change);
    }
}

/* What the client keeps of a conversation, encoded again, reads back the same. */
static void
check_conversation_encoded (const ConfabConversationChange *change)
{
  const ConfabParticipant *first = change->participants->len > 0 ? g_ptr_array_index (change->participants, 0) : NULL;
  ConfabConversationInfo info = {
    .conversation_id = change->conversation_id,
    .brand_id = "brand",
    .consumer_id = first != NULL ? first->id : "",
    .agent_id = confab_conversation_change_get_agent_id (change),
    .closed = confab_conversation_change_is_closed (change),
    .close_reason = change->close_reason,
    .start_ts = 0,
    .end_ts = 0,
    .last_updated_ts = change->last_updated_ts,
  };
  ConfabChangeType type = change->type == CONFAB_CHANGE_DELETE ? CONFAB_CHANGE_DELETE : CONFAB_CHANGE_UPSERT;
  g_autoptr(GPtrArray) encoded = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  const ConfabConversationChange *again;

  g_ptr_array_add (encoded, confab_conversation_change_to_json (type, &info));
  body = confab_notification_body_to_json (NULL, encoded);
  parsed = confab_parse_conversation_notification (body, NULL);
  g_assert (parsed != NULL && parsed->len == 1);
  again = g_ptr_array_index (parsed, 0);

  g_assert_cmpint (again->type, ==, type);
  g_assert_cmpstr (again->conversation_id, ==, change->conversation_id);
  g_assert (confab_conversation_change_is_closed (again) == info.closed);
  g_assert_cmpstr (confab_conversation_change_get_agent_id (again), ==, info.agent_id);
  g_assert_cmpint (again->last_updated_ts, ==, change->last_updated_ts);
  if (info.closed && confab_close_reason_to_string (info.close_reason) != NULL)
    g_assert_cmpint (again->close_reason, ==, info.close_reason);
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
      check_conversation_encoded (change);
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
  fuzz_check_rich_frame (frame);
}

/* The bare reader agrees with its own depth check, and what it reads it writes as text it
 * reads again, the same after one round (a number too big for a double becomes null). */
static void
check_json (const uint8_t *data,
            size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = confab_json_parse ((const char *) data, size, &error);
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *thrice = NULL;

  g_assert ((root == NULL) == (error != NULL));
  check_error (error);
  if (root == NULL)
    return;

  g_assert (!confab_json_too_deep ((const char *) data, size, CONFAB_JSON_MAX_DEPTH));
  fuzz_check_rich_json (root, (const char *) data, size);

  once = confab_json_to_string (root);
  /* numbers may get longer ("1e5" is 100000.0) */
  if (strlen (once) > CONFAB_JSON_MAX_SIZE)
    return;
  again = confab_json_parse (once, strlen (once), &error);
  if (again == NULL)
    g_error ("written JSON does not parse: %s", error->message);
  twice = confab_json_to_string (again);
  if (strlen (twice) > CONFAB_JSON_MAX_SIZE)
    return;
  g_clear_pointer (&again, json_node_unref);
  again = confab_json_parse (twice, strlen (twice), NULL);
  g_assert (again != NULL);
  thrice = confab_json_to_string (again);
  g_assert_cmpstr (twice, ==, thrice);
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
  check_json (data, size);
  check_jwt (data, size);
  return 0;
}
