/* test-window.c: the main window's parts, their roles and names
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "confab-test-util.h"
#include "ui-test-util.h"
#include "confab-application.h"
#include "confab-window.h"
#include "confab-window-private.h"

/* One application for the whole program: GApplication registers once per process. */
static GtkApplication *the_app;

static ConfabWindow *
open_window (GtkApplication **app_out)
{
  GtkApplication *app = the_app;
  ConfabWindow *window;

  window = confab_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);

  *app_out = app;
  return window;
}

static void
close_window (ConfabWindow   *window,
              GtkApplication *app)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_window_roles_and_names (void)
{
  GtkApplication *app = NULL;
  ConfabWindow *window = open_window (&app);
  GtkWidget *composer = _confab_window_get_composer (window);
  GtkWidget *send = _confab_window_get_send_button (window);
  GtkWidget *list = _confab_window_get_message_list (window);
  GtkWidget *menu = _confab_window_get_menu_button (window);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (window), GTK_ACCESSIBLE_ROLE_WINDOW);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Confab");

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (composer), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (composer), GTK_ACCESSIBLE_PROPERTY_LABEL, "Message");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (composer), GTK_ACCESSIBLE_PROPERTY_MULTI_LINE, TRUE);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (send), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (send), GTK_ACCESSIBLE_PROPERTY_LABEL, "Send");
  /* a paper plane of our own (Adwaita 43 has none), mirrored for right-to-left text */
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (send)), ==, "confab-send-symbolic");
  for (guint i = 0; i < 2; i++)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (send));
      g_autoptr(GtkIconPaintable) icon = gtk_icon_theme_lookup_icon (theme, "confab-send-symbolic", NULL, 16, 1,
                                                                     i == 0 ? GTK_TEXT_DIR_LTR : GTK_TEXT_DIR_RTL, 0);
      g_autoptr(GFile) file = gtk_icon_paintable_get_file (icon);
      g_autofree char *uri = g_file_get_uri (file);

      g_assert_cmpstr (uri, ==, i == 0
                       ? "resource:///io/github/confab/Confab/icons/scalable/actions/confab-send-symbolic.svg"
                       : "resource:///io/github/confab/Confab/icons/scalable/actions/confab-send-symbolic-rtl.svg");
    }

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_ROLE_LIST);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, "Messages");

  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (menu), GTK_ACCESSIBLE_PROPERTY_LABEL, "Main Menu");
  /* no session, no demo: no banner */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (_confab_window_get_demo_banner (window))));

  /* named before it is ever shown, and with no description while nothing is unread */
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (_confab_window_get_jump_button (window)), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (_confab_window_get_jump_button (window)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Jump to latest messages");
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (_confab_window_get_jump_button (window)),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  close_window (window, app);
}

/* "No conversation yet" once it is known that there is none: not while the window waits
 * for its session, and at once for a session with no history to read. */
static void
test_window_empty_state (void)
{
  GtkApplication *app = NULL;
  ConfabWindow *window = open_window (&app);
  GtkWidget *empty = _confab_window_get_empty_state (window);
  g_autoptr(ConfabAccount) account = confab_account_new (CONFAB_ACCOUNT_SOURCE_LOCAL, "acc");
  g_autoptr(ConfabSession) session = confab_session_new (account, NULL);

  g_assert_false (gtk_widget_get_mapped (empty));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (_confab_window_get_content_stack (window)), ==, "loading");
  confab_window_set_session (window, session);
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (empty), 5000);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty)), ==, "No conversation yet");
  g_assert_true (gtk_widget_get_mapped (_confab_window_get_composer (window)));
  g_assert_true (gtk_widget_get_mapped (_confab_window_get_header_bar (window)));

  close_window (window, app);
}

static void
test_window_keyboard (void)
{
  GtkApplication *app = NULL;
  ConfabWindow *window = open_window (&app);
  GtkWidget *composer = _confab_window_get_composer (window);

  /* F6 lands in the composer from anywhere; Escape leaves it again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-next-pane", NULL));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_has_focus (composer), 2000);
  g_assert_true (gtk_widget_get_focusable (_confab_window_get_send_button (window)));

  close_window (window, app);
}

/* The words GTK shows on the keycaps of one shortcut, joined by spaces. */
static void
collect_keycaps (GtkWidget *widget,
                 GString   *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "keycap"))
        g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", gtk_label_get_text (GTK_LABEL (child)));
      collect_keycaps (child, out);
    }
}

static void
check_shortcuts (GtkWidget  *widget,
                 GHashTable *shown)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (child))
        {
          g_autofree char *title = NULL;
          g_autofree char *accelerator = NULL;
          g_auto(GStrv) accels = NULL;
          GString *keys = g_string_new (NULL);

          g_object_get (child, "title", &title, "accelerator", &accelerator, NULL);
          /* every shortcut shows keys, and each of them is one GTK knows */
          g_assert_nonnull (accelerator);
          accels = g_strsplit (accelerator, " ", -1);
          for (guint i = 0; accels[i] != NULL; i++)
            {
              guint key = 0;
              GdkModifierType mods = 0;

              g_assert_true (gtk_accelerator_parse (accels[i], &key, &mods));
              g_assert_cmpuint (key, !=, 0);
            }
          collect_keycaps (child, keys);
          /* readable key names everywhere, the search results too: no key symbol like "Page_Up" */
          g_assert_null (strchr (keys->str, '_'));
          g_hash_table_insert (shown, g_steal_pointer (&title), g_string_free (keys, FALSE));
        }
      check_shortcuts (child, shown);
    }
}

static void
test_window_shortcuts (void)
{
  GtkApplication *app = NULL;
  ConfabWindow *window = open_window (&app);
  GtkShortcutsWindow *overlay = NULL;
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const struct { const char *title; const char *keys; } expected[] = {
    { "Show Shortcuts", "Ctrl ?" },
    { "Preferences", "Ctrl ," },
    { "Main Menu", "F10" },
    { "Quit", "Ctrl Q" },
    { "Send Message", "\u23ce" },
    { "New Line", "Shift \u23ce" },
    { "Move Between Messages and Composer", "F6" },
    { "Previous and Next Message", "\u2191 \u2193" },
    { "Scroll a Page", "Page Up Page Down" },
    { "Oldest and Newest Message", "Home End" },
    { "Leave the Composer", "Escape" },
  };

  /* built when first asked for, not with the window */
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  check_shortcuts (GTK_WIDGET (overlay), shown);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_hash_table_lookup (shown, expected[i].title), ==, expected[i].keys);

  close_window (window, app);
}

/* A wide window: the conversation keeps a readable width in the middle, and its scroll bar
 * stays at the window's edge. */
static void
test_window_clamped (void)
{
  ConfabWindow *window = confab_window_new (the_app);
  GtkWidget *list = _confab_window_get_message_list (window);
  GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *composer = _confab_window_get_composer (window);
  GtkWidget *banner = gtk_revealer_get_child (GTK_REVEALER (_confab_window_get_demo_banner (window)));
  graphene_rect_t bounds;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 700);
  gtk_window_present (GTK_WINDOW (window));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) >= 1200, 5000);
  /* the chat page, as when there are messages */
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (scroller, GTK_TYPE_STACK)), "chat");
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (list) &&
                          gtk_widget_get_width (scroller) == gtk_widget_get_width (GTK_WIDGET (window)), 5000);

  g_assert_true (gtk_widget_compute_bounds (list, GTK_WIDGET (window), &bounds));
  g_assert_cmpfloat (bounds.size.width, ==, 800);
  /* centred */
  g_assert_cmpfloat (fabs (bounds.origin.x + bounds.size.width / 2 - gtk_widget_get_width (GTK_WIDGET (window)) / 2.0), <, 2);
  /* the composer lines up with it */
  g_assert_true (gtk_widget_compute_bounds (composer, GTK_WIDGET (window), &bounds));
  g_assert_cmpfloat (bounds.size.width, <=, 800);

  /* the demo banner: words and button side by side */
  g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (banner)), ==, GTK_ORIENTATION_HORIZONTAL);

  /* a narrow window: all of its width */
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 600);
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) <= 400, 5000);
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_compute_bounds (list, scroller, &bounds) &&
                          bounds.size.width == gtk_widget_get_width (scroller), 5000);
  /* and the banner's button under its words */
  CONFAB_TEST_WAIT_UNTIL (gtk_orientable_get_orientation (GTK_ORIENTABLE (banner)) == GTK_ORIENTATION_VERTICAL, 5000);

  close_window (window, the_app);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  the_app = confab_test_display_app ("window");
  if (the_app == NULL)
    return 77;

  g_test_add_func ("/ui/window/roles-and-names", test_window_roles_and_names);
  g_test_add_func ("/ui/window/empty-state", test_window_empty_state);
  g_test_add_func ("/ui/window/keyboard", test_window_keyboard);
  g_test_add_func ("/ui/window/shortcuts", test_window_shortcuts);
  g_test_add_func ("/ui/window/clamped", test_window_clamped);

  ret = g_test_run ();
  g_clear_object (&the_app);
  return ret;
}
