/* confab-test-util.c: helpers shared by every test program
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-test-util.h"

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

ConfabFrame *
confab_test_parse_frame (const char *text)
{
  g_autoptr(GError) error = NULL;
  ConfabFrame *frame = confab_frame_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}
