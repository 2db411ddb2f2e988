/* test-preferences.c: the preferences window edits the saved settings
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "confab-test-util.h"
#include "ui-test-util.h"
#include "confab-account.h"
#include "confab-preferences.h"

typedef struct
{
  GType type;
  const char *title;
} RowTitle;

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  data)
{
  const RowTitle *row = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (widget, row->type) && ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), row->title) == 0;
}

static GtkWidget *
find_by_label (GtkWidget  *root,
               GType       type,
               const char *title)
{
  RowTitle row = { type, title };

  return confab_test_find_widget (root, FALSE, is_row_titled, &row);
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *) type);
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  return confab_test_find_widget (root, FALSE, is_of_type, &type);
}

static gboolean
says (GtkWidget     *widget,
      gconstpointer  word)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_label (GTK_LABEL (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  else if (ADW_IS_PREFERENCES_GROUP (widget))
    text = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (widget));
  return text != NULL && strstr (text, word) != NULL;
}

/* A widget whose visible words contain WORD (case-sensitive), or NULL. */
static GtkWidget *
find_text (GtkWidget  *root,
           const char *word)
{
  return confab_test_find_widget (root, FALSE, says, word);
}

static void
test_preferences_edit_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(ConfabAccount) account = NULL;
  ConfabPreferences *prefs = confab_preferences_new (NULL, settings);
  GtkWidget *receipts_row, *toggle, *account_row, *token_row, *advanced_row, *messaging_entry = NULL;
  const struct { const char *title; const char *subtitle; } servers[] = {
    { "_Messaging server", "Looked up automatically when empty" },
    { "_Sign-up server", "Looked up automatically when empty" },
    { "Agent _profile server", "Looked up automatically when empty" },
    { "_Lookup server", "Where the other servers are looked up" },
  };
  const char *jargon[] = { "asyncMessagingEnt", "idp", "acCdnDomain", "CSDS", "JWT" };

  gtk_window_present (GTK_WINDOW (prefs));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (prefs)), 5000);

  receipts_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "Send _Read Receipts");
  g_assert_nonnull (receipts_row);
  toggle = find_type (receipts_row, GTK_TYPE_SWITCH);
  g_assert_nonnull (toggle);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_ROLE_SWITCH);
  /* Named once, by its row: a label of its own as well would be read out twice. */
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL));

  g_assert_true (g_settings_get_boolean (settings, "send-read-receipts"));
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "send-read-receipts"));

  /* the account and its token up front, in people's words */
  account_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "_Account number");
  g_assert_nonnull (account_row);
  g_assert_true (gtk_widget_get_mapped (account_row));
  token_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_PASSWORD_ENTRY_ROW, "_Token");
  g_assert_nonnull (token_row);
  g_assert_true (gtk_widget_get_mapped (token_row));

  /* the servers under Advanced, closed while none is set, each saying what empty means */
  advanced_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_EXPANDER_ROW, "A_dvanced");
  g_assert_nonnull (advanced_row);
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (advanced_row)));
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      GtkWidget *row = find_by_label (advanced_row, ADW_TYPE_ACTION_ROW, servers[i].title);
      GtkWidget *entry;

      g_assert_nonnull (row);
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, servers[i].subtitle);
      entry = find_type (row, GTK_TYPE_ENTRY);
      g_assert_nonnull (entry);
      g_assert_true (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)) == entry);
      g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY));
      g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL));
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                           servers[i].subtitle);
      if (i == 0)
        messaging_entry = entry;
    }
  /* no service's internal name in sight */
  for (guint i = 0; i < G_N_ELEMENTS (jargon); i++)
    g_assert_null (find_text (GTK_WIDGET (prefs), jargon[i]));

  gtk_editable_set_text (GTK_EDITABLE (account_row), "12345678");
  gtk_editable_set_text (GTK_EDITABLE (messaging_entry), "va.v.liveperson.net");

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

static void
test_preferences_advanced_open_when_set (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *servers[] = { "async-messaging-ent", "idp-domain", "accdn-domain", "csds-domain" };
  ConfabPreferences *prefs;
  GtkWidget *advanced_row;

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    g_settings_reset (settings, servers[i]);

  /* a server someone set is not hidden from them */
  g_settings_set_string (settings, "idp-domain", "idp.example.net");
  prefs = confab_preferences_new (NULL, settings);
  advanced_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_EXPANDER_ROW, "A_dvanced");
  g_assert_nonnull (advanced_row);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (advanced_row)));
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_settings_reset (settings, "idp-domain");

  /* the lookup server has a value of its own by default: only a change opens the list */
  prefs = confab_preferences_new (NULL, settings);
  advanced_row = find_by_label (GTK_WIDGET (prefs), ADW_TYPE_EXPANDER_ROW, "A_dvanced");
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (advanced_row)));
  gtk_window_destroy (GTK_WINDOW (prefs));

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  confab_ui_choose_renderer ();
  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipping the preferences tests\n");
      return 77;
    }
  adw_init ();

  g_test_add_func ("/ui/preferences/edit-settings", test_preferences_edit_settings);
  g_test_add_func ("/ui/preferences/advanced-open-when-set", test_preferences_advanced_open_when_set);

  return g_test_run ();
}
