/* confab-test-util.h: helpers shared by the tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* Spin the thread-default main context until cond holds; fail the test after timeout_ms. */
#define CONFAB_TEST_WAIT_UNTIL(cond, timeout_ms)                                          \
  G_STMT_START {                                                                         \
    gint64 _confab_deadline = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000;    \
    while (!(cond)) {                                                                    \
      if (g_get_monotonic_time () > _confab_deadline)                                    \
        g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond);          \
      g_main_context_iteration (NULL, FALSE);                                            \
      if (!(cond))                                                                       \
        g_usleep (500);                                                                  \
    }                                                                                    \
  } G_STMT_END

/* Spin the main context for ms milliseconds: for "nothing more happens" checks. */
static inline void
confab_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
