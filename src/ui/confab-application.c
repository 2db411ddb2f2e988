/* confab-application.c: the application object
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-application.h"
#include "confab-agent-bot.h"
#include "confab-preferences.h"
#include "confab-server.h"
#include "confab-window.h"
#include "confab-ui.h"

struct _ConfabApplication
{
  AdwApplication parent_instance;

  char *env_file;
  gboolean demo;
  GSettings *settings;
  ConfabServer *server;    /* the built-in local service, when used */
  ConfabSession *session;
};

G_DEFINE_FINAL_TYPE (ConfabApplication, confab_application, ADW_TYPE_APPLICATION)

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  return schema != NULL ? g_settings_new (APP_ID) : NULL;
}

/* The built-in local service: in-process on 127.0.0.1, a free port, the scripted agent;
 * reached through CSDS and signup like any LivePerson account. */
static ConfabAccount *
start_local_service (ConfabApplication  *self,
                     GError            **error)
{
  g_autofree char *base_url = NULL;
  ConfabAccount *account;

  self->server = confab_server_new ();
  /* LivePerson's current survey after a close: its questions come in the conversation */
  confab_server_set_post_survey (self->server, TRUE);
  /* The bot goes with the server. */
  g_object_set_data_full (G_OBJECT (self->server), "confab-agent",
                          confab_agent_bot_new (self->server), g_object_unref);
  if (!confab_server_listen (self->server, 0, error))
    {
      g_clear_object (&self->server);
      return NULL;
    }

  base_url = confab_server_dup_base_url (self->server);
  account = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, confab_server_get_account_id (self->server));
  confab_account_set_csds (account, base_url);
  return account;
}

/* ::error and ::problem: the session goes on either way */
static void
store_error_cb (ConfabWindow *window,
                const GError *error,
                ConfabStore  *store)
{
  confab_window_show_problem (window, error->message);
}

static void
start_session (ConfabApplication *self,
               ConfabAccount     *account,
               ConfabWindow      *window)
{
  self->session = confab_session_new (account, NULL);

  /* History and outbox on disk, so a restart shows the conversation at once and sends what
   * was waiting. Not for the built-in service: it forgets everything when Confab quits. */
  if (confab_account_get_source (account) != CONFAB_ACCOUNT_SOURCE_LOCAL)
    {
      g_autofree char *path = confab_store_dup_default_path ();
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabStore) store = confab_store_new (path, &error);

      if (store != NULL)
        {
          /* Only what the first frame shows: every message of the first page is a row built
           * and laid out before it. Older pages come as the person scrolls up. */
          confab_store_set_first_page_size (store, CONFAB_STORE_SCREENFUL);
          g_signal_connect_object (store, "error", G_CALLBACK (store_error_cb), window, G_CONNECT_SWAPPED);
          g_signal_connect_object (store, "problem", G_CALLBACK (store_error_cb), window, G_CONNECT_SWAPPED);
          confab_session_set_store (self->session, store);
        }
      else
        confab_window_show_problem (window, error->message);
    }

  if (self->settings != NULL)
    g_settings_bind (self->settings, "send-read-receipts", self->session, "send-read-receipts",
                     G_SETTINGS_BIND_GET);
  confab_window_set_session (window, self->session);
  confab_session_start (self->session);
}

typedef struct
{
  ConfabApplication *self;
  ConfabWindow *window;
} TokenData;

static void
token_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TokenData *data = user_data;
  g_autoptr(GError) error = NULL;

  /* Without a Secret Service the account signs up anonymously for this session only. */
  if (!confab_account_load_token_finish (CONFAB_ACCOUNT (object), result, &error))
    g_message ("%s", error->message);
  start_session (data->self, CONFAB_ACCOUNT (object), data->window);
  g_object_unref (data->window);
  g_application_release (G_APPLICATION (data->self));
  g_free (data);
}

static void
confab_application_activate (GApplication *app)
{
  ConfabApplication *self = CONFAB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(ConfabAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  window = GTK_WINDOW (confab_window_new (GTK_APPLICATION (app)));
  gtk_window_present (window);

  if (!self->demo)
    {
      envp = g_get_environ ();
      account = confab_account_discover (self->env_file, (const char * const *) envp, self->settings, &error);
      if (error != NULL)
        {
          confab_window_show_error (CONFAB_WINDOW (window), error->message);
          return;
        }
    }

  if (account == NULL)
    {
      account = start_local_service (self, &error);
      if (account == NULL)
        {
          confab_window_show_error (CONFAB_WINDOW (window), error->message);
          return;
        }
    }

  if (confab_account_get_source (account) == CONFAB_ACCOUNT_SOURCE_SETTINGS)
    {
      TokenData *data = g_new0 (TokenData, 1);

      data->self = self;
      data->window = g_object_ref (CONFAB_WINDOW (window));
      g_application_hold (app);
      confab_account_load_token_async (account, NULL, token_loaded_cb, data);
      return;
    }

  start_session (self, account, CONFAB_WINDOW (window));
}

static void
confab_application_shutdown (GApplication *app)
{
  ConfabApplication *self = CONFAB_APPLICATION (app);

  if (self->session != NULL)
    confab_session_stop (self->session);
  g_clear_object (&self->session);
  if (self->server != NULL)
    confab_server_shutdown (self->server);
  g_clear_object (&self->server);

  G_APPLICATION_CLASS (confab_application_parent_class)->shutdown (app);
}

static void
confab_application_finalize (GObject *object)
{
  ConfabApplication *self = CONFAB_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->server);
  g_free (self->env_file);

  G_OBJECT_CLASS (confab_application_parent_class)->finalize (object);
}

static gint
confab_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("confab %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
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
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ConfabApplication *self = CONFAB_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  ConfabPreferences *preferences;

  if (self->settings == NULL)
    return;
  preferences = confab_preferences_new (parent, self->settings);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
activate_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "activate", activate_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
confab_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (confab_application_parent_class)->startup (app);

  CONFAB_APPLICATION (app)->settings = settings_new_if_installed ();

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  /* The window builds its shortcuts window when asked (confab-window.c), so GtkApplication
   * does not give the shortcut itself. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", shortcuts_accels);
  /* Without the schema (a build folder run without GSETTINGS_SCHEMA_DIR) there is nothing to edit. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app), "preferences")),
                               CONFAB_APPLICATION (app)->settings != NULL);
}

static void
confab_application_class_init (ConfabApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  confab_ui_register_resources ();

  G_OBJECT_CLASS (klass)->finalize = confab_application_finalize;
  app_class->activate = confab_application_activate;
  app_class->startup = confab_application_startup;
  app_class->shutdown = confab_application_shutdown;
  app_class->handle_local_options = confab_application_handle_local_options;
}

static void
confab_application_init (ConfabApplication *self)
{
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &self->demo,
      N_("Talk to the built-in local service and its scripted agent"), NULL },
    { "env-file", 0, 0, G_OPTION_ARG_FILENAME, &self->env_file,
      N_("Read the LivePerson account from an lp.env file"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
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
