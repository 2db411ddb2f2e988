/* test-a11y.c: the parts of GTK's and libadwaita's windows get names they lack
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "confab-test-util.h"
#include "ui-test-util.h"
#include "confab-a11y.h"

static GtkApplication *the_app;

typedef struct
{
  guint back_buttons;
  guint scrollers;
  guint text_views;
  guint untitled_lists;
} Found;

static void
check_parts (GtkWidget *widget,
             Found     *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *group = gtk_widget_get_ancestor (child, ADW_TYPE_PREFERENCES_GROUP);

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "go-previous-symbolic") == 0)
        {
          gtk_test_accessible_assert_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, "Back");
          found->back_buttons++;
        }
      else if (GTK_IS_SCROLLED_WINDOW (child) && !ADW_IS_STATUS_PAGE (widget))
        {
          /* content that takes the focus: the scroller takes none itself, or it is named */
          g_assert_true (!gtk_widget_get_focusable (child) ||
                         gtk_test_accessible_has_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL));
          found->scrollers++;
        }
      else if (GTK_IS_TEXT_VIEW (child))
        {
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL));
          found->text_views++;
        }
      else if (GTK_IS_LIST_BOX (child) && group != NULL &&
               *adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)) == '\0')
        {
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL));
          found->untitled_lists++;
        }
      else if (GTK_IS_BUTTON (child) && gtk_button_get_use_underline (GTK_BUTTON (child)) &&
               gtk_button_get_label (GTK_BUTTON (child)) != NULL)
        {
          /* one name, without the underline: not also labelled by its label */
          g_assert_false (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_RELATION_LABELLED_BY));
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL));
        }
      check_parts (child, found);
    }
}

static void
test_about_window (void)
{
  const char *developers[] = { "Someone", NULL };
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                   "application-name", "Confab", "version", "1.0",
                                   "developer-name", "Someone", "developers", developers,
                                   "license-type", GTK_LICENSE_GPL_3_0,
                                   "debug-info", "some details", NULL);
  Found found = { 0 };

  confab_a11y_watch_windows ();
  gtk_window_present (GTK_WINDOW (about));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (about), 5000);

  check_parts (about, &found);
  /* the parts libadwaita 1.2 leaves unnamed were there to be named */
  g_assert_cmpuint (found.back_buttons, >, 0);
  g_assert_cmpuint (found.scrollers, >, 0);
  g_assert_cmpuint (found.text_views, >, 0);
  g_assert_cmpuint (found.untitled_lists, >, 0);

  gtk_window_destroy (GTK_WINDOW (about));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Names that are there stay as they are. */
static void
test_named_parts_kept (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *named = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *icon_only = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *tooltip = gtk_button_new_from_icon_name ("document-open-symbolic");

  gtk_accessible_update_property (GTK_ACCESSIBLE (named), GTK_ACCESSIBLE_PROPERTY_LABEL, "Earlier", -1);
  gtk_widget_set_tooltip_text (tooltip, "Open a File");
  gtk_box_append (GTK_BOX (box), named);
  gtk_box_append (GTK_BOX (box), icon_only);
  gtk_box_append (GTK_BOX (box), tooltip);
  gtk_window_set_child (GTK_WINDOW (window), box);

  confab_a11y_name_parts (window);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (named), GTK_ACCESSIBLE_PROPERTY_LABEL, "Earlier");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (icon_only), GTK_ACCESSIBLE_PROPERTY_LABEL, "Back");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tooltip), GTK_ACCESSIBLE_PROPERTY_LABEL, "Open a File");
  /* the tooltip is the name now, not also the description */
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (tooltip), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
  /* and follows it */
  gtk_widget_set_tooltip_text (tooltip, "Open a Folder");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tooltip), GTK_ACCESSIBLE_PROPERTY_LABEL, "Open a Folder");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  the_app = confab_test_display_app ("a11y");
  if (the_app == NULL)
    return 77;

  g_test_add_func ("/ui/a11y/about-window", test_about_window);
  g_test_add_func ("/ui/a11y/named-parts-kept", test_named_parts_kept);

  ret = g_test_run ();
  g_clear_object (&the_app);
  return ret;
}
