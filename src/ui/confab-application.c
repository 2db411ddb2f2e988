/* confab-application.c: the application object
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-application.h"
#include "confab-window.h"
#include "confab-ui.h"

struct _ConfabApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (ConfabApplication, confab_application, ADW_TYPE_APPLICATION)

static void
confab_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (confab_window_new (GTK_APPLICATION (app)));

  gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Confab developers", NULL };
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (app);

  adw_show_about_window (parent,
                         "application-name", _("Confab"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Confab developers"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "comments", _("Chat with a company’s support agents"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
confab_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (confab_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
confab_application_class_init (ConfabApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  confab_ui_register_resources ();

  app_class->activate = confab_application_activate;
  app_class->startup = confab_application_startup;
}

static void
confab_application_init (ConfabApplication *self)
{
}

ConfabApplication *
confab_application_new (void)
{
  return g_object_new (CONFAB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/confab/Confab",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
