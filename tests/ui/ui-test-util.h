/* ui-test-util.h: set-up shared by the display tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "confab-application.h"
#include "confab-event-row.h"
#include "confab-message-row.h"
#include "confab-ui.h"
#include "confab-window.h"
#include "confab-window-private.h"

/* GTK and libadwaita on the test display, drawing as the app does (confab_ui_choose_renderer()),
 * and one registered application for the whole program (GApplication registers once per
 * process). NULL when there is no display: the caller returns 77, meson's "skipped". Called
 * first in main(), before any thread. */
static inline GtkApplication *
confab_test_display_app (const char *what)
{
  g_autoptr(GError) error = NULL;
  GtkApplication *app;

  confab_ui_choose_renderer ();
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

/* A window of app showing session, 600 pixels wide and height high, on screen. The session
 * is not started: the caller does that, as the application does, once the window is there. */
static inline ConfabWindow *
confab_test_window_new (GtkApplication *app,
                        ConfabSession  *session,
                        int             height)
{
  ConfabWindow *window = confab_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 600, height);
  confab_window_set_session (window, session);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Writes text in the window's composer and presses Enter, as the person does. */
static inline void
confab_test_type_and_send (ConfabWindow *window,
                           const char   *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (_confab_window_get_composer (window)));

  gtk_text_buffer_set_text (buffer, text, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
}

/* The row widget showing message, a ConfabMessageRow or a ConfabEventRow, once it is laid
 * out; NULL before. */
static inline GtkWidget *
confab_test_row_for (ConfabWindow  *window,
                     ConfabMessage *message)
{
  GtkWidget *list = _confab_window_get_message_list (window);

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL; item = gtk_widget_get_next_sibling (item))
    for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL; child = gtk_widget_get_next_sibling (child))
      if ((CONFAB_IS_MESSAGE_ROW (child) && confab_message_row_get_message (CONFAB_MESSAGE_ROW (child)) == message) ||
          (CONFAB_IS_EVENT_ROW (child) && confab_event_row_get_message (CONFAB_EVENT_ROW (child)) == message))
        return child;
  return NULL;
}

/* The same when it is a ConfabMessageRow, else NULL. */
static inline ConfabMessageRow *
confab_test_message_row_for (ConfabWindow  *window,
                             ConfabMessage *message)
{
  GtkWidget *row = confab_test_row_for (window, message);

  return CONFAB_IS_MESSAGE_ROW (row) ? CONFAB_MESSAGE_ROW (row) : NULL;
}

/* Whether widget is what confab_test_find_widget() looks for. */
typedef gboolean (*ConfabTestWidgetMatch) (GtkWidget     *widget,
                                           gconstpointer  data);

/* The first widget under root, depth first and in order, that match takes, or NULL; with
 * visible_only, a hidden widget and everything under it are passed over. */
static inline GtkWidget *
confab_test_find_widget (GtkWidget             *root,
                         gboolean               visible_only,
                         ConfabTestWidgetMatch  match,
                         gconstpointer          data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (visible_only && !gtk_widget_get_visible (child))
        continue;
      if (match (child, data))
        return child;
      if ((found = confab_test_find_widget (child, visible_only, match, data)) != NULL)
        return found;
    }
  return NULL;
}
