/* store-put-helper.c: puts messages into a store's outbox, then dies without any cleanup
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * store-put-helper PATH COUNT: opens the store at PATH, puts COUNT own messages ("message 0",
 * "message 1", …) in its outbox and is killed by SIGKILL the moment the last put returns, as
 * if the person pressed Enter and Confab crashed. test-store-durable runs it.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "store-test-util.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  ConfabStore *store;
  guint64 count;

  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXUINT, &count, NULL))
    {
      g_printerr ("usage: %s PATH COUNT\n", argv[0]);
      return 2;
    }

  store = confab_store_new (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 3;
    }

  for (guint64 i = 0; i < count; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %" G_GUINT64_FORMAT, i);
      g_autoptr(ConfabMessage) message = confab_message_new_outgoing (text, g_get_real_time () / 1000);

      confab_message_set_local_id (message, confab_store_next_local_id (store));
      if (!confab_store_outbox_put (store, ACCOUNT, CONSUMER, message, &error))
        {
          g_printerr ("%s\n", error->message);
          return 4;
        }
    }

  /* No flush, no unref: whatever put has not made durable is lost here. */
  raise (SIGKILL);
  return 5;
}
