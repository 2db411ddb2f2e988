/* test-preferences.c: the preferences window edits the saved settings
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "confab-test-util.h"
#include "confab-account.h"
#include "confab-preferences.h"

static GtkWidget *
find_by_label (GtkWidget  *root,
               GType       type,
               const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && ADW_IS_PREFERENCES_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return child;
      if ((found = find_by_label (child, type, title)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_type (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_preferences_edit_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(ConfabAccount) account = NULL;
  ConfabPreferences *prefs = confab_preferences_new (NULL, settings);
  GtkWidget *receipts_row, *toggle, *account_row, *messaging_row;

  gtk_window_present (GTK_WINDOW (prefs));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (prefs)), 5000);

  receipts_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "Send _Read Receipts");
  g_assert_nonnull (receipts_row);
  toggle = find_type (receipts_row, GTK_TYPE_SWITCH);
  g_assert_nonnull (toggle);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_ROLE_SWITCH);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Send Read Receipts");

  g_assert_true (g_settings_get_boolean (settings, "send-read-receipts"));
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "send-read-receipts"));

  account_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "_Account ID");
  messaging_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "_Messaging (asyncMessagingEnt)");
  g_assert_nonnull (account_row);
  g_assert_nonnull (messaging_row);
  gtk_editable_set_text (GTK_EDITABLE (account_row), "12345678");
  gtk_editable_set_text (GTK_EDITABLE (messaging_row), "va.v.liveperson.net");

  /* what the preferences saved is what the account reads back */
  account = confab_account_new_from_settings (settings);
  g_assert_nonnull (account);
  g_assert_cmpint (confab_account_get_source (account), ==, CONFAB_ACCOUNT_SOURCE_SETTINGS);
  g_assert_cmpstr (confab_account_get_account_id (account), ==, "12345678");
  g_assert_cmpstr (confab_account_get_async_messaging_ent (account), ==, "va.v.liveperson.net");
  g_assert_cmpstr (confab_account_get_csds (account), ==, CONFAB_DEFAULT_CSDS);

  gtk_window_destroy (GTK_WINDOW (prefs));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipping the preferences tests\n");
      return 77;
    }
  adw_init ();

  g_test_add_func ("/preferences/edit-settings", test_preferences_edit_settings);

  return g_test_run ();
}
