/* confab-window.c: the main window
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-window.h"
#include "confab-window-private.h"
#include "confab-ui.h"

struct _ConfabWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  /* template children */
  GtkWidget *header_bar;
  AdwWindowTitle *window_title;
  GtkWidget *menu_button;
  GtkStack *content_stack;
  GtkWidget *empty_state;
  GtkWidget *scroller;
  GtkWidget *message_list;
  GtkWidget *composer;
  GtkWidget *composer_placeholder;
  GtkWidget *send_button;
};

G_DEFINE_FINAL_TYPE (ConfabWindow, confab_window, ADW_TYPE_APPLICATION_WINDOW)

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from a build folder without the schema must not abort: the window
   * then simply does not remember its size. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s not installed; window size is not kept", APP_ID);
      return NULL;
    }

  return g_settings_new (APP_ID);
}

static void
composer_buffer_changed_cb (ConfabWindow  *self,
                            GtkTextBuffer *buffer)
{
  gtk_widget_set_visible (self->composer_placeholder,
                          gtk_text_buffer_get_char_count (buffer) == 0);
}

/* F6 moves between the message list and the composer, as in other GNOME apps. */
static void
focus_next_pane_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (gtk_widget_has_focus (self->composer) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "chat") == 0)
    gtk_widget_grab_focus (self->message_list);
  else
    gtk_widget_grab_focus (self->composer);
}

static gboolean
composer_key_pressed_cb (ConfabWindow          *self,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_Escape)
    {
      /* Esc leaves the composer: to the list when there is one, else out of the text. */
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "chat") == 0)
        gtk_widget_grab_focus (self->message_list);
      else
        gtk_widget_grab_focus (self->send_button);
      return GDK_EVENT_STOP;
    }

  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) &&
      (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.send", NULL);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
confab_window_save_size (ConfabWindow *self)
{
  int width = 0, height = 0;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
confab_window_close_request (GtkWindow *window)
{
  confab_window_save_size (CONFAB_WINDOW (window));

  return GTK_WINDOW_CLASS (confab_window_parent_class)->close_request (window);
}

static void
confab_window_dispose (GObject *object)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (confab_window_parent_class)->dispose (object);
}

static void
confab_window_class_init (ConfabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = confab_window_dispose;
  window_class->close_request = confab_window_close_request;

  confab_ui_register_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/confab/Confab/confab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, empty_state);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, message_list);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, composer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, composer_placeholder);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, send_button);

  gtk_widget_class_install_action (widget_class, "win.focus-next-pane", NULL, focus_next_pane_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.focus-next-pane", NULL);
}

static void
confab_window_init (ConfabWindow *self)
{
  GtkEventController *keys;
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->composer));
  g_signal_connect_object (buffer, "changed",
                           G_CALLBACK (composer_buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed",
                           G_CALLBACK (composer_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->composer, keys);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->message_list),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The conversation with the agent, oldest message first"),
                                  -1);
}

ConfabWindow *
confab_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (CONFAB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

GtkWidget *
_confab_window_get_empty_state (ConfabWindow *self)
{
  return self->empty_state;
}

GtkWidget *
_confab_window_get_message_list (ConfabWindow *self)
{
  return self->message_list;
}

GtkWidget *
_confab_window_get_composer (ConfabWindow *self)
{
  return self->composer;
}

GtkWidget *
_confab_window_get_send_button (ConfabWindow *self)
{
  return self->send_button;
}

GtkWidget *
_confab_window_get_header_bar (ConfabWindow *self)
{
  return self->header_bar;
}

GtkWidget *
_confab_window_get_menu_button (ConfabWindow *self)
{
  return self->menu_button;
}
