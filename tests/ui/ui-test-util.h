/* ui-test-util.h: set-up shared by the display tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "confab-application.h"

/* GTK and libadwaita on the test display, and one registered application for the whole
 * program (GApplication registers once per process). NULL when there is no display: the
 * caller returns 77, meson's "skipped". */
static inline GtkApplication *
confab_test_display_app (const char *what)
{
  g_autoptr(GError) error = NULL;
  GtkApplication *app;

  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipping the %s tests\n", what);
      return NULL;
    }
  adw_init ();

  app = GTK_APPLICATION (confab_application_new ());
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);
  return app;
}
