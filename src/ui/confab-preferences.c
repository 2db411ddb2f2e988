/* confab-preferences.c: the preferences window
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-account.h"
#include "confab-preferences.h"
#include "confab-ui.h"

struct _ConfabPreferences
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  GtkWidget *read_receipts_switch;
  GtkWidget *account_row;
  GtkWidget *token_row;
  GtkWidget *advanced_row;
  GtkWidget *messaging_row;
  GtkWidget *messaging_entry;
  GtkWidget *idp_row;
  GtkWidget *idp_entry;
  GtkWidget *accdn_row;
  GtkWidget *accdn_entry;
  GtkWidget *csds_row;
  GtkWidget *csds_entry;
};

G_DEFINE_FINAL_TYPE (ConfabPreferences, confab_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void
token_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConfabPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if (confab_account_store_token_finish (CONFAB_ACCOUNT (object), result, &error))
    toast = adw_toast_new (_("Token saved in the keyring"));
  else
    toast = adw_toast_new (error->message);
  adw_toast_set_timeout (toast, 5);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
token_apply_cb (ConfabPreferences *self,
                AdwEntryRow       *row)
{
  g_autofree char *account_id = g_settings_get_string (self->settings, "account-id");
  g_autoptr(ConfabAccount) account = NULL;
  const char *token = gtk_editable_get_text (GTK_EDITABLE (row));

  if (*account_id == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Set the account number first")));
      return;
    }

  account = confab_account_new (CONFAB_ACCOUNT_SOURCE_SETTINGS, account_id);
  confab_account_set_jwt (account, token);
  confab_account_store_token_async (account, NULL, token_stored_cb, g_object_ref (self));
  /* The token leaves the entry: it lives in the keyring, not on screen. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
confab_preferences_dispose (GObject *object)
{
  ConfabPreferences *self = CONFAB_PREFERENCES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_PREFERENCES);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (confab_preferences_parent_class)->dispose (object);
}

static void
confab_preferences_class_init (ConfabPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_preferences_dispose;

  confab_ui_register_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/confab/Confab/confab-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, read_receipts_switch);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, account_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, token_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, messaging_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, messaging_entry);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, idp_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, idp_entry);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, accdn_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, accdn_entry);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, csds_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferences, csds_entry);
  gtk_widget_class_bind_template_callback (widget_class, token_apply_cb);
}

/* The row names its entry (activatable-widget makes the title its label); the subtitle,
 * what happens when the entry is empty, is its description. */
static void
describe_server_entry (GtkWidget *row,
                       GtkWidget *entry)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                  -1);
}

static void
confab_preferences_init (ConfabPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  describe_server_entry (self->messaging_row, self->messaging_entry);
  describe_server_entry (self->idp_row, self->idp_entry);
  describe_server_entry (self->accdn_row, self->accdn_entry);
  describe_server_entry (self->csds_row, self->csds_entry);
}

ConfabPreferences *
confab_preferences_new (GtkWindow *parent,
                        GSettings *settings)
{
  ConfabPreferences *self;
  const struct { GtkWidget *row; const char *key; } rows[] = {
    { NULL, "account-id" },
    { NULL, "async-messaging-ent" },
    { NULL, "idp-domain" },
    { NULL, "accdn-domain" },
    { NULL, "csds-domain" },
  };

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CONFAB_TYPE_PREFERENCES, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "send-read-receipts", self->read_receipts_switch, "active", G_SETTINGS_BIND_DEFAULT);
  {
    GtkWidget *widgets[] = { self->account_row, self->messaging_entry, self->idp_entry, self->accdn_entry, self->csds_entry };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      g_settings_bind (settings, rows[i].key, widgets[i], "text", G_SETTINGS_BIND_DEFAULT);
  }
  /* Servers someone has set stay in view; the others are details most people never need. */
  for (guint i = 1; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, rows[i].key);
      g_autoptr(GVariant) fallback = g_settings_get_default_value (settings, rows[i].key);

      if (!g_variant_equal (value, fallback))
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->advanced_row), TRUE);
    }

  return self;
}
