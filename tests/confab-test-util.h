/* confab-test-util.h: helpers shared by every test program (tests/confab-test-util.c)
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "confab-frame.h"

G_BEGIN_DECLS

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
void         confab_test_spin (guint ms);

/* An asynchronous call waited for: pass confab_test_async_cb and the struct as user data,
 * wait with CONFAB_TEST_WAIT_UNTIL (async.result != NULL, …), then call the _finish function
 * with async.object and async.result. confab_test_async_clear() drops both. */
typedef struct
{
  GObject *object;
  GAsyncResult *result;
} ConfabTestAsync;

void         confab_test_async_cb    (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data);
void         confab_test_async_clear (ConfabTestAsync *async);

/* A frame that must parse: fails the test otherwise. */
ConfabFrame *confab_test_parse_frame (const char *text);

G_END_DECLS
