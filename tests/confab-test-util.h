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

/* Starts argv, not reaped (the caller waits for *pid), and returns the first line it writes
 * on its standard output, newline and all: a server saying where it listens. Fatal when it
 * writes none. */
char        *confab_test_spawn_line (const char * const *argv,
                                     GPid               *pid);

/* A frame that must parse: fails the test otherwise. */
ConfabFrame *confab_test_parse_frame (const char *text);

/* What reads the changes of a notification's body: confab_parse_messaging_notification(),
 * confab_parse_conversation_notification(). */
typedef GPtrArray *(*ConfabTestNotificationParser) (JsonNode  *body,
                                                    GError   **error);

/* The changes of a whole notification frame; the frame and its changes must parse. */
GPtrArray   *confab_test_parse_changes      (const char                   *frame_text,
                                             ConfabTestNotificationParser  parse);
/* The same for a notification of type with body_text as its body. */
GPtrArray   *confab_test_parse_notification (const char                   *type,
                                             const char                   *body_text,
                                             ConfabTestNotificationParser  parse);
/* changes (of JsonNode) → a notification body of subscription_id (may be NULL) → frame text
 * → frame of type → the changes as the client reads them, as many as went in. */
GPtrArray   *confab_test_round_trip         (const char                   *type,
                                             const char                   *subscription_id,
                                             GPtrArray                    *changes,
                                             ConfabTestNotificationParser  parse);
/* parse refuses no body and a body that is a string (string_json) as malformed, and reads
 * each of empty_bodies (JSON text, NULL-terminated) in a notification of type as no changes. */
void         confab_test_assert_no_changes  (const char                   *type,
                                             ConfabTestNotificationParser  parse,
                                             const char                   *string_json,
                                             const char * const           *empty_bodies);

G_END_DECLS
