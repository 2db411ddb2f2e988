/* confab-test-util.c: helpers shared by every test program
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-test-util.h"

#include "confab-protocol.h"

void
confab_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
confab_test_async_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ConfabTestAsync *async = user_data;

  g_assert_null (async->result);
  async->object = object != NULL ? g_object_ref (object) : NULL;
  async->result = g_object_ref (result);
}

void
confab_test_async_clear (ConfabTestAsync *async)
{
  g_clear_object (&async->object);
  g_clear_object (&async->result);
}

char *
confab_test_spawn_line (const char * const *argv,
                        GPid               *pid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  char *line = NULL;
  int out;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 pid, NULL, &out, NULL, &error))
    g_error ("%s", error->message);
  channel = g_io_channel_unix_new (out);
  g_io_channel_set_close_on_unref (channel, TRUE);
  if (g_io_channel_read_line (channel, &line, NULL, NULL, &error) != G_IO_STATUS_NORMAL)
    g_error ("%s did not start: %s", argv[0], error != NULL ? error->message : "it said nothing");
  return line;
}

ConfabFrame *
confab_test_parse_frame (const char *text)
{
  g_autoptr(GError) error = NULL;
  ConfabFrame *frame = confab_frame_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}

GPtrArray *
confab_test_parse_changes (const char                   *frame_text,
                           ConfabTestNotificationParser  parse)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (frame_text);
  GPtrArray *changes = parse (frame->body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (changes);
  return changes;
}

GPtrArray *
confab_test_parse_notification (const char                   *type,
                                const char                   *body_text,
                                ConfabTestNotificationParser  parse)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"kind\":\"notification\",\"type\":\"%s\",\"body\":%s}", type, body_text);
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);
  GPtrArray *changes;

  g_assert_cmpstr (frame->type, ==, type);
  changes = parse (frame->body, &error);
  g_assert_no_error (error);
  g_assert_nonnull (changes);
  return changes;
}

GPtrArray *
confab_test_round_trip (const char                   *type,
                        const char                   *subscription_id,
                        GPtrArray                    *changes,
                        ConfabTestNotificationParser  parse)
{
  g_autoptr(JsonNode) body = confab_notification_body_to_json (subscription_id, changes);
  g_autofree char *text = confab_frame_build_notification (type, body);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);
  GPtrArray *parsed;

  g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_NOTIFICATION);
  g_assert_cmpstr (frame->type, ==, type);
  if (subscription_id != NULL)
    g_assert_cmpstr (confab_json_get_string (confab_frame_get_body_object (frame), "subscriptionId"), ==,
                     subscription_id);
  parsed = parse (frame->body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->len, ==, changes->len);
  return parsed;
}

void
confab_test_assert_no_changes (const char                   *type,
                               ConfabTestNotificationParser  parse,
                               const char                   *string_json,
                               const char * const           *empty_bodies)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) string_body = json_from_string (string_json, NULL);
  GPtrArray *none;

  none = parse (NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);

  none = parse (string_body, &error);
  g_assert_null (none);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);

  for (guint i = 0; empty_bodies[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) changes = confab_test_parse_notification (type, empty_bodies[i], parse);

      g_assert_cmpuint (changes->len, ==, 0);
    }
}
