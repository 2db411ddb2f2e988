/* confab-window.c: the main window
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "confab-window.h"
#include "confab-window-private.h"
#include "confab-a11y.h"
#include "confab-message-row.h"
#include "confab-read-tracker.h"
#include "confab-ui.h"

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

static char *
composer_dup_text (ConfabWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->composer));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
composer_is_blank (ConfabWindow *self)
{
  g_autofree char *text = composer_dup_text (self);

  return g_strstrip (text)[0] == '\0';
}

void
_confab_window_update_actions (ConfabWindow *self)
{
  ConfabConversationStatus status = CONFAB_CONVERSATION_NONE;

  if (self->session != NULL)
    status = confab_session_get_conversation_status (self->session);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send",
                                 self->session != NULL && !composer_is_blank (self));
  /* a running post-conversation survey is answered or skipped first */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-conversation",
                                 status == CONFAB_CONVERSATION_CLOSED &&
                                 !confab_session_get_survey_open (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-conversation",
                                 status == CONFAB_CONVERSATION_OPEN &&
                                 confab_session_get_state (self->session) == CONFAB_SESSION_ONLINE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-now",
                                 self->session != NULL &&
                                 (confab_session_get_state (self->session) == CONFAB_SESSION_WAITING ||
                                  confab_session_get_state (self->session) == CONFAB_SESSION_SIGNED_OUT ||
                                  confab_session_get_state (self->session) == CONFAB_SESSION_OFFLINE));
}

static void
composer_buffer_changed_cb (ConfabWindow  *self,
                            GtkTextBuffer *buffer)
{
  gboolean empty = gtk_text_buffer_get_char_count (buffer) == 0;

  gtk_widget_set_visible (self->composer_placeholder, empty);
  _confab_window_update_actions (self);
  if (self->session != NULL)
    confab_session_set_drafting (self->session, !empty);
  if (self->session != NULL && !empty)
    confab_session_set_typing (self->session, TRUE);
}

/* A quick reply with the focus goes with its chips (a newer message came): GTK leaves the
 * focus on the message's row, where the person did not put it. It goes where the person
 * writes instead, as when a chip is chosen. */
static gboolean
chip_check_cb (gpointer data)
{
  ConfabWindow *self = data;

  self->chip_check_source = 0;
  if (self->left_chip != NULL && gtk_widget_get_root (self->left_chip) == NULL &&
      gtk_window_get_focus (GTK_WINDOW (self)) == self->focus_after_chip)
    gtk_widget_grab_focus (self->composer);
  g_clear_object (&self->left_chip);
  self->focus_after_chip = NULL;
  return G_SOURCE_REMOVE;
}

static void
focus_widget_cb (ConfabWindow *self,
                 GParamSpec   *pspec,
                 gpointer      unused)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  if (focus == self->focused_chip)
    return;
  if (self->focused_chip != NULL)
    {
      g_set_object (&self->left_chip, self->focused_chip);
      self->focus_after_chip = focus;
      if (self->chip_check_source == 0)
        /* before the next frame, so that the focus is never seen on the row */
        self->chip_check_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, chip_check_cb, self, NULL);
    }
  if (focus != NULL && !gtk_widget_has_css_class (focus, "rich-chip"))
    focus = NULL;
  g_set_object (&self->focused_chip, focus);
}

/* How the first try to connect ended (offline, signed out) is there in the window at once,
 * as the conversation is: a bar sliding in would push the whole conversation up in the first
 * moments the person sees it. What changes later slides in and out. The slide is made
 * instant by its duration, not by the transition type "none": GTK 4.8's revealer then keeps
 * (or lacks) its child's height for a frame after a change. The duration is 0 from the
 * window's start (confab_window_init()), not from the first try: before the session starts it
 * is offline, and a slide begun then went on under the bar of the try's end, which grew over
 * the next few frames. */
static void
settle_status_bar (ConfabWindow *self)
{
  ConfabSessionState state = confab_session_get_state (self->session);

  if (self->status_settled)
    return;
  if (state != CONFAB_SESSION_OFFLINE && state != CONFAB_SESSION_CONNECTING)
    {
      gtk_revealer_set_transition_duration (GTK_REVEALER (self->status_revealer), self->status_duration);
      self->status_settled = TRUE;
    }
}

static void
session_notify_cb (ConfabWindow  *self,
                   GParamSpec    *pspec,
                   ConfabSession *session)
{
  _confab_window_update_status (self);
  settle_status_bar (self);
  _confab_window_update_closed (self);
  if (g_strcmp0 (pspec->name, "survey-due") == 0)
    _confab_window_offer_survey (self);
  if (g_strcmp0 (pspec->name, "loading-history") == 0)
    _confab_window_update_page (self);
  else if (g_strcmp0 (pspec->name, "loading-older") == 0)
    _confab_window_update_older (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);
  g_autofree char *text = composer_dup_text (self);

  if (self->session == NULL || composer_is_blank (self))
    return;

  /* What the person wrote goes as written (only the outer blank lines are trimmed). */
  g_strchomp (text);
  while (*text == '\n')
    memmove (text, text + 1, strlen (text));
  /* Writing after a close begins a new conversation, and its row goes above the words, even
   * while offline. */
  if (confab_session_get_conversation_status (self->session) == CONFAB_CONVERSATION_CLOSED)
    confab_session_new_conversation (self->session);
  /* Not saved: the words stay in the composer (the store's error says why). */
  if (confab_session_send_text (self->session, text) == NULL)
    return;
  /* Answering means the person has caught up. */
  _confab_window_set_first_unread (self, NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->composer)), "", 0);
  confab_session_set_typing (self->session, FALSE);
  self->stick_to_bottom = TRUE;
  _confab_window_scroll_to_bottom (self);
}

static void
new_conversation_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (self->session == NULL)
    return;
  confab_session_new_conversation (self->session);
  gtk_widget_grab_focus (self->composer);
}

static void
close_conversation_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (self->session != NULL)
    confab_session_close_conversation (self->session);
}

static void
retry_now_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (self->session != NULL)
    {
      gtk_widget_grab_focus (self->composer);
      confab_session_retry_now (self->session);
    }
}

static void
jump_to_latest_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  self->stick_to_bottom = TRUE;
  _confab_window_scroll_to_bottom (self);
  _confab_window_update_jump_button (self);
}

void
confab_window_set_session (ConfabWindow  *self,
                           ConfabSession *session)
{
  GListModel *messages;
  gboolean demo;

  g_return_if_fail (CONFAB_IS_WINDOW (self));
  g_return_if_fail (CONFAB_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  messages = G_LIST_MODEL (confab_session_get_messages (session));
  confab_session_set_drafting (session,
                               gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->composer))) > 0);

  _confab_window_set_list_model (self, messages);
  g_signal_connect_object (session, "notify", G_CALLBACK (session_notify_cb), self, G_CONNECT_SWAPPED);

  /* The built-in service is the demo: the window says so, and how to leave it. Hidden, not
   * only folded away, when it is not the demo: a revealer measures its child all the same. */
  demo = confab_account_get_source (confab_session_get_account (session)) == CONFAB_ACCOUNT_SOURCE_LOCAL;
  gtk_widget_set_visible (self->demo_revealer, demo);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->demo_revealer), demo);

  _confab_window_update_page (self);
  _confab_window_update_older (self);
  _confab_window_update_status (self);
  _confab_window_update_closed (self);
}

ConfabSession *
confab_window_get_session (ConfabWindow *self)
{
  g_return_val_if_fail (CONFAB_IS_WINDOW (self), NULL);

  return self->session;
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
    _confab_window_focus_list (self);
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
        _confab_window_focus_list (self);
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

/* GTK names Page Up and Page Down in the shortcuts window by their key symbols, "Page_Up",
 * unless its own translation has words for them, and in English it has none. */
static void
name_keys_readably (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && GTK_IS_SHORTCUT_LABEL (widget))
        {
          const char *text = gtk_label_get_label (GTK_LABEL (child));

          if (g_str_equal (text, "Page_Up"))
            gtk_label_set_text (GTK_LABEL (child), _("Page Up"));
          else if (g_str_equal (text, "Page_Down"))
            gtk_label_set_text (GTK_LABEL (child), _("Page Down"));
        }
      name_keys_readably (child);
    }
}

/* Parts of GTK 4.8's shortcuts window with no name, where confab_a11y_name_parts() would
 * not find a better one than the window's title. */
static void
name_shortcuts_window_parts (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *name = NULL;

      if (GTK_IS_SEARCH_ENTRY (child))
        name = _("Search Shortcuts");
      /* the list of sections, shown when there is more than one */
      else if (GTK_IS_MENU_BUTTON (child))
        name = _("Sections");
      /* the search results page */
      else if (GTK_IS_SCROLLED_WINDOW (child) && GTK_IS_STACK (widget))
        name = _("Search Results");

      if (name != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      name_shortcuts_window_parts (child);
    }
}

static void
overlay_map_cb (GtkWidget *overlay,
                gpointer   user_data)
{
  /* Not before it is on screen: with GTK 4.8, accessible names given any earlier can keep
   * the window off the accessibility bus. */
  name_shortcuts_window_parts (overlay);
}

/* The shortcuts window is built the first time it is asked for, not with every window as
 * GtkApplication would do with a gtk/help-overlay.ui resource: it is a large window of its own,
 * and building it cost about 14 ms of each start. */
static void
show_help_overlay_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (user_data);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/confab/Confab/confab-shortcuts-window.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      name_keys_readably (GTK_WIDGET (overlay));
      g_signal_connect (overlay, "map", G_CALLBACK (overlay_map_cb), NULL);
      /* The window owns it from here, and keeps it for the next time. It finds this
       * action in its map and adds no second one. */
      gtk_application_window_set_help_overlay (window, overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
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

/* Below this width the demo banner puts its button under its words, as AdwBanner does. */
#define BANNER_NARROW_WIDTH 600

static void
confab_window_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);
  gboolean narrow = width < BANNER_NARROW_WIDTH;

  if (narrow != (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->demo_banner)) == GTK_ORIENTATION_VERTICAL))
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (self->demo_banner),
                                      narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
      gtk_widget_set_halign (self->use_account_button, narrow ? GTK_ALIGN_CENTER : GTK_ALIGN_FILL);
    }

  GTK_WIDGET_CLASS (confab_window_parent_class)->size_allocate (widget, width, height, baseline);
}

static void
confab_window_dispose (GObject *object)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  g_clear_handle_id (&self->scroll_source, g_source_remove);
  g_clear_handle_id (&self->older_source, g_source_remove);
  /* the focus moves as the window's parts go: nothing to follow any more */
  g_signal_handlers_disconnect_by_func (self, focus_widget_cb, NULL);
  g_clear_handle_id (&self->chip_check_source, g_source_remove);
  g_clear_object (&self->focused_chip);
  g_clear_object (&self->left_chip);
  if (self->upload_cancellable != NULL)
    g_cancellable_cancel (self->upload_cancellable);
  g_clear_object (&self->upload_cancellable);
  if (self->survey != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->survey), (gpointer *) &self->survey);
      self->survey = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_WINDOW);
  g_clear_object (&self->read_tracker);
  g_clear_object (&self->first_unread);
  g_clear_object (&self->selection);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_clear_pointer (&self->problem_shown, g_free);

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
  widget_class->size_allocate = confab_window_size_allocate;

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
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, use_account_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, status_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, retry_now_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, preferences_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, older_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, older_spinner);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, jump_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, jump_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, closed_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, new_conversation_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, closed_label);

  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  _confab_window_class_init_files (widget_class);
  _confab_window_class_init_status (widget_class);
  gtk_widget_class_install_action (widget_class, "win.new-conversation", NULL, new_conversation_action);
  gtk_widget_class_install_action (widget_class, "win.close-conversation", NULL, close_conversation_action);
  gtk_widget_class_install_action (widget_class, "win.retry-now", NULL, retry_now_action);
  gtk_widget_class_install_action (widget_class, "win.jump-to-latest", NULL, jump_to_latest_action);

  gtk_widget_class_install_action (widget_class, "win.focus-next-pane", NULL, focus_next_pane_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.focus-next-pane", NULL);
}

static void
confab_window_init (ConfabWindow *self)
{
  GtkEventController *keys;
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Toasts over the whole window, for what the person must know about the history. Put
   * around the content here rather than in the template, which it would reindent whole. */
  {
    GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (self));

    g_object_ref (content);
    adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), NULL);
    self->toast_overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
    adw_toast_overlay_set_child (self->toast_overlay, content);
    adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), GTK_WIDGET (self->toast_overlay));
    g_object_unref (content);
  }

  confab_ui_name_mnemonic_button (self->retry_now_button, _("Retry Now"));
  confab_ui_name_mnemonic_button (self->preferences_button, _("Open Preferences"));
  confab_ui_name_mnemonic_button (self->use_account_button, _("Use a LivePerson Account…"));
  confab_ui_name_mnemonic_button (self->new_conversation_button, _("New Conversation"));

  _confab_window_init_list (self);
  _confab_window_init_files (self);
  /* instant until the first try to connect has ended: see settle_status_bar() */
  self->status_duration = gtk_revealer_get_transition_duration (GTK_REVEALER (self->status_revealer));
  gtk_revealer_set_transition_duration (GTK_REVEALER (self->status_revealer), 0);
  {
    g_autoptr(GSimpleAction) action = g_simple_action_new ("show-help-overlay", NULL);

    g_signal_connect_object (action, "activate", G_CALLBACK (show_help_overlay_cb), self, 0);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
  }
  _confab_window_update_actions (self);

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

  /* Every window of the app, the ones GTK and libadwaita build too, names its parts. */
  confab_a11y_watch_windows ();
  /* The tooltip only repeats the button's name; its description is the unread count. */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->jump_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->message_list),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The conversation with the agent, oldest message first"),
                                  -1);

  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_widget_cb), NULL);

  /* Opening Confab means writing: the composer has the focus. */
  gtk_window_set_focus (GTK_WINDOW (self), self->composer);
}

ConfabWindow *
confab_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (CONFAB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

ConfabMessage *
_confab_window_get_first_unread (ConfabWindow *self)
{
  return self->first_unread;
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

GtkWidget *
_confab_window_get_status_label (ConfabWindow *self)
{
  return self->status_label;
}

GtkWidget *
_confab_window_get_closed_label (ConfabWindow *self)
{
  return self->closed_label;
}

GtkWidget *
_confab_window_get_preferences_button (ConfabWindow *self)
{
  return self->preferences_button;
}

GtkWidget *
_confab_window_get_demo_banner (ConfabWindow *self)
{
  return self->demo_revealer;
}

GtkWidget *
_confab_window_get_use_account_button (ConfabWindow *self)
{
  return self->use_account_button;
}

GtkWidget *
_confab_window_get_older_indicator (ConfabWindow *self)
{
  return self->older_revealer;
}

GtkStack *
_confab_window_get_content_stack (ConfabWindow *self)
{
  return self->content_stack;
}

GtkWidget *
_confab_window_get_jump_button (ConfabWindow *self)
{
  return self->jump_button;
}

GtkWidget *
_confab_window_get_survey (ConfabWindow *self)
{
  return self->survey;
}
