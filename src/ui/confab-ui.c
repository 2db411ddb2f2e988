/* confab-ui.c: set-up shared by the app and the display tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "confab-ui.h"
#include "confab-resources.h"

void
confab_ui_register_resources (void)
{
  static gsize registered = 0;

  /* Registered by hand: a constructor in a static library is dropped by the linker
   * when nothing refers to its object file. */
  if (g_once_init_enter (&registered))
    {
      confab_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

void
confab_ui_name_mnemonic_button (GtkWidget  *button,
                                const char *name)
{
  g_return_if_fail (GTK_IS_WIDGET (button));

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}
