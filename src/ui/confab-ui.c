/* confab-ui.c: set-up shared by the app and the display tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <unistd.h>

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

/* GTK 4.8 draws with GL wherever GL works, and Mesa's software GL (llvmpipe) works everywhere.
 * But it has no buffer age: every frame, a scroll indicator's fade too, is drawn whole, its
 * shaders compiled by LLVM first. GTK's cairo renderer draws only what changed. Without a GPU
 * (a VM, a remote desktop, a Flatpak without the dri device) GL gains nothing; what it costs
 * is measured in docs/architecture.md, "Drawing without a GPU". */
gboolean
confab_ui_gl_is_software (const char *dri_dir)
{
  const char *software = g_getenv ("LIBGL_ALWAYS_SOFTWARE");
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (software != NULL && *software != '\0' && g_strcmp0 (software, "0") != 0 &&
      g_ascii_strcasecmp (software, "false") != 0 && g_ascii_strcasecmp (software, "no") != 0)
    return TRUE;

  if (dri_dir == NULL)
    dri_dir = "/dev/dri";
  dir = g_dir_open (dri_dir, 0, NULL);
  if (dir == NULL)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (name, "renderD"))
        continue;
      path = g_build_filename (dri_dir, name, NULL);
      if (g_access (path, R_OK | W_OK) == 0)
        return FALSE;
    }
  return TRUE;
}

const char *
confab_ui_choose_renderer (void)
{
  const char *chosen = g_getenv ("GSK_RENDERER");

  if (chosen != NULL && *chosen != '\0')
    return NULL;
  if (!confab_ui_gl_is_software (NULL))
    return NULL;
  g_debug ("No GPU: GTK's cairo renderer draws the windows");
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  return "cairo";
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
