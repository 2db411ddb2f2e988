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
#include "confab-message-row.h"

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

static gboolean
is_button_for (GtkWidget     *widget,
               gconstpointer  action_name)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

/* The button of ROW for ACTION_NAME ("row.retry", "row.show-all"), or NULL when the row has
 * none (it builds them only to show them). */
static GtkWidget *
row_button (GtkWidget  *row,
            const char *action_name)
{
  return confab_test_find_widget (row, FALSE, is_button_for, action_name);
}

static ConfabMessage *
row_message (const char          *text,
             gboolean             own,
             ConfabDeliveryState  state)
{
  ConfabMessageFields fields = { 0 };

  fields.dialog_id = "dialog";
  fields.conversation_id = "dialog";
  fields.originator_id = own ? "me" : "agent";
  fields.content_type = "text/plain";
  fields.text = text;
  fields.sequence = 1;
  fields.server_time = 1700000000000;
  fields.own = own;
  fields.delivery_state = state;
  return confab_message_new (&fields);
}

/* A row builds its Retry and Show All buttons and its unread divider the first time it shows
 * them: named like the others, in their place, and gone again when the message changes. */
static void
test_row_parts (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *row = confab_message_row_new ();
  g_autofree char *long_text = g_strnfill (3000, 'x');
  g_autoptr(ConfabMessage) short_answer = row_message ("Hello there.", FALSE, CONFAB_DELIVERY_SENT);
  g_autoptr(ConfabMessage) failed = row_message ("Did this go?", TRUE, CONFAB_DELIVERY_FAILED);
  g_autoptr(ConfabMessage) long_answer = row_message (long_text, FALSE, CONFAB_DELIVERY_SENT);
  g_autofree char *label = NULL;
  GtkWidget *retry, *show_all;

  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_window_present (GTK_WINDOW (window));

  /* a short answer: none of them built */
  confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), short_answer);
  g_assert_null (row_button (row, "row.retry"));
  g_assert_null (row_button (row, "row.show-all"));
  g_assert_false (confab_message_row_get_first_unread (CONFAB_MESSAGE_ROW (row)));

  /* failed: Retry, named without its underline, after the state icon */
  confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), failed);
  retry = row_button (row, "row.retry");
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_get_visible (retry));
  g_assert_true (GTK_IS_IMAGE (gtk_widget_get_prev_sibling (retry)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (retry), GTK_ACCESSIBLE_PROPERTY_LABEL, "Retry");
  g_assert_null (row_button (row, "row.show-all"));

  /* a long answer in the same row: Show All after the text, and no Retry shown */
  confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), long_answer);
  g_assert_false (gtk_widget_get_visible (retry));
  show_all = row_button (row, "row.show-all");
  g_assert_nonnull (show_all);
  g_assert_true (gtk_widget_get_visible (show_all));
  g_assert_true (GTK_IS_LABEL (gtk_widget_get_prev_sibling (show_all)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (show_all), GTK_ACCESSIBLE_PROPERTY_LABEL, "Show All");

  /* the first unread message: the divider, and the row's name says so */
  confab_message_row_set_first_unread (CONFAB_MESSAGE_ROW (row), TRUE);
  g_assert_true (confab_message_row_get_first_unread (CONFAB_MESSAGE_ROW (row)));
  label = confab_message_row_dup_label (CONFAB_MESSAGE_ROW (row));
  g_assert_true (g_str_has_prefix (label, "New messages. "));
  confab_message_row_set_first_unread (CONFAB_MESSAGE_ROW (row), FALSE);
  g_assert_false (confab_message_row_get_first_unread (CONFAB_MESSAGE_ROW (row)));

  /* back to the short answer: both buttons hidden */
  confab_message_row_set_message (CONFAB_MESSAGE_ROW (row), short_answer);
  g_assert_false (gtk_widget_get_visible (retry));
  g_assert_false (gtk_widget_get_visible (show_all));

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
  g_test_add_func ("/ui/a11y/row-parts", test_row_parts);

  ret = g_test_run ();
  g_clear_object (&the_app);
  return ret;
}
