/* main.c: start Confab
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ui/confab-application.h"
#include "ui/confab-ui.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConfabApplication) app = NULL;
  const char *localedir;

  setlocale (LC_ALL, "");
  confab_ui_choose_renderer ();
  /* An uninstalled Confab has no catalogues under LOCALEDIR; the build
   * compiles them into <builddir>/po, and tests and `meson devenv` point
   * CONFAB_LOCALEDIR there. */
  localedir = g_getenv ("CONFAB_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = confab_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
