/* confab-ui.c: set-up shared by the app and the display tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
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

char *
confab_ui_format_time (gint64 time_ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (time_ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%H:%M") : g_strdup ("");
}

char *
confab_ui_format_day (gint64 time_ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (time_ms / 1000);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);

  if (dt == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (dt) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (dt) == g_date_time_get_day_of_year (now))
    return g_strdup (_("Today"));
  if (g_date_time_get_year (dt) == g_date_time_get_year (yesterday) &&
      g_date_time_get_day_of_year (dt) == g_date_time_get_day_of_year (yesterday))
    return g_strdup (_("Yesterday"));
  /* Translators: a day in the conversation, see strftime(3) */
  return g_date_time_format (dt, _("%A, %e %B %Y"));
}
