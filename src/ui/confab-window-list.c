/* confab-window-list.c: the window's message list
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabWindow (see confab-window-private.h): the rows, kept at the bottom while the
 * person is there, the "jump to latest" button and its unread count, the "New Messages"
 * divider, older pages asked for near the top, notifications, and what the read tracker saw.
 * A message is shown by a ConfabMessageRow, an event of the conversation (an agent joined, it
 * closed) by a ConfabEventRow; events are neither read nor unread.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-window-private.h"
#include "confab-event-row.h"
#include "confab-message-row.h"
#include "confab-rich-view.h"

/* Messages older than this when they arrive are history, not something to notify about. */
#define NOTIFY_MAX_AGE_MS (2 * 60 * 1000)

static gboolean
at_bottom (ConfabWindow *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  return gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
}

static gboolean
scroll_to_bottom_cb (gpointer data)
{
  ConfabWindow *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  self->scroll_source = 0;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  return G_SOURCE_REMOVE;
}

/* The frame clock's layout phase, after the window's own layout: a scroll asked for while
 * the list was laid out (it grew) is carried out here. The new value makes the list ask
 * for layout again, and the frame clock lays out again before it paints, so the frame that
 * first lays out a new row already shows it at the bottom. */
static void
frame_layout_cb (GdkFrameClock *clock,
                 ConfabWindow  *self)
{
  if (self->scroll_source != 0)
    {
      g_clear_handle_id (&self->scroll_source, g_source_remove);
      scroll_to_bottom_cb (self);
    }
}

static void
window_realize_cb (ConfabWindow *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "layout",
                           G_CALLBACK (frame_layout_cb), self, G_CONNECT_AFTER);
}

static void
window_unrealize_cb (ConfabWindow *self)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (self)),
                                        frame_layout_cb, self);
}

/* Not now: during the list's own layout (configure()) GtkListView does not follow a new
 * value, and a row just added has no height yet. At the end of this frame's layout (see
 * above), or, when the window is not drawing, in an idle that comes before drawing. */
void
_confab_window_scroll_to_bottom (ConfabWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->scroll_source == 0)
    self->scroll_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, scroll_to_bottom_cb, self, NULL);
  if (clock != NULL)
    gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
}

/* Someone else's message, not own and not a row for an event of the conversation (which is
 * neither read nor unread). */
static gboolean
is_theirs (ConfabMessage *message)
{
  return !confab_message_get_own (message) && !confab_message_is_event (message);
}

static gboolean
is_unread (ConfabMessage *message)
{
  return is_theirs (message) && !confab_message_get_seen (message) && !confab_message_get_read_sent (message);
}

/* Agent messages not read yet: the count on the "jump to latest" button. *more: there are
 * more than that, uncounted, in the history not loaded. */
static guint
count_unread (ConfabWindow *self,
              gboolean     *more)
{
  ConfabMessageList *list = confab_session_get_messages (self->session);
  GListModel *model = G_LIST_MODEL (list);
  guint n = g_list_model_get_n_items (model);
  guint unread = 0;

  *more = FALSE;
  /* From the end: unread messages are the newest. */
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i - 1);

      if (!is_theirs (message))
        continue;
      if (!is_unread (message))
        return unread;
      unread++;
    }
  /* ... and on into the history not loaded, as far as the store counted */
  *more = confab_message_list_get_n_unread_before (list) >= CONFAB_STORE_UNREAD_MAX;
  return unread + confab_message_list_get_n_unread_before (list);
}

void
_confab_window_update_jump_button (ConfabWindow *self)
{
  gboolean away = self->session != NULL && !self->stick_to_bottom;
  gboolean more = FALSE;
  guint unread = away ? count_unread (self, &more) : 0;

  if (unread > 0)
    {
      g_autofree char *text = g_strdup_printf (more ? "%u+" : "%u", unread);
      g_autofree char *description =
        more ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "More than %u unread message",
                                             "More than %u unread messages", unread), unread)
             : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread message",
                                             "%u unread messages", unread), unread);

      gtk_label_set_text (GTK_LABEL (self->jump_label), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->jump_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->jump_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_widget_set_visible (self->jump_label, unread > 0);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->jump_revealer), away);
}

static gboolean
near_top (ConfabWindow *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  return self->session != NULL && gtk_widget_get_mapped (self->scroller) &&
         confab_message_list_get_has_older (confab_session_get_messages (self->session)) &&
         gtk_adjustment_get_value (adj) <= gtk_adjustment_get_page_size (adj);
}

static gboolean
load_older_cb (gpointer data)
{
  ConfabWindow *self = data;

  self->older_source = 0;
  if (near_top (self))
    confab_session_load_older (self->session);
  return G_SOURCE_REMOVE;
}

/* Near the top, within a screenful: the page before comes. Only from the adjustment, which
 * moves once the rows are laid out: a page just put on top is then above the view, and a
 * view still near the top asks for the next one. Asked for after the layout that told,
 * not in it: the row saying so at the top must not change the layout being made. */
static void
load_older_if_near_top (ConfabWindow *self)
{
  if (self->older_source == 0 && near_top (self))
    self->older_source = g_idle_add (load_older_cb, self);
}

static void
vadjustment_value_changed_cb (ConfabWindow  *self,
                              GtkAdjustment *adj)
{
  self->stick_to_bottom = at_bottom (self);
  _confab_window_update_jump_button (self);
  load_older_if_near_top (self);
}

static void
vadjustment_changed_cb (ConfabWindow  *self,
                        GtkAdjustment *adj)
{
  double upper = gtk_adjustment_get_upper (adj);
  double page = gtk_adjustment_get_page_size (adj);
  gboolean resized = upper != self->last_upper || page != self->last_page;

  self->last_upper = upper;
  self->last_page = page;

  /* The content grew or the view changed size: keep the newest message in view while the
   * person is at the bottom. Otherwise the list itself moved (keyboard focus scrolls it
   * through configure(), which emits no value-changed): that is the person scrolling. */
  if (resized && self->stick_to_bottom)
    {
      if (!at_bottom (self))
        _confab_window_scroll_to_bottom (self);
      else
        load_older_if_near_top (self);
      return;
    }
  self->stick_to_bottom = at_bottom (self);
  _confab_window_update_jump_button (self);
  load_older_if_near_top (self);
}

/* The conversation once there is something in it; the empty page only once the history
 * is known to hold nothing; until then nothing at all (a blank page, for the time the
 * newest page of a history takes to read). */
void
_confab_window_update_page (ConfabWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (confab_session_get_messages (self->session)));
  const char *page = n > 0 ? "chat" : confab_session_get_loading_history (self->session) ? "loading" : "empty";
  const char *showing = gtk_stack_get_visible_child_name (self->content_stack);

  if (g_strcmp0 (page, showing) == 0)
    return;
  /* The history appears as it is, at its end: no fading in from the blank page. The person's
   * first message takes the place of the empty page at once, with nothing of it left
   * fading out behind the message. */
  gtk_stack_set_visible_child_full (self->content_stack, page,
                                    g_strcmp0 (showing, "loading") == 0 ||
                                    g_strcmp0 (page, "chat") == 0 ? GTK_STACK_TRANSITION_TYPE_NONE
                                                                  : GTK_STACK_TRANSITION_TYPE_CROSSFADE);
}

/* The older page on its way: a row at the top says so. Its spinner turns only then: one
 * turning out of sight still moved (GTK 4.8), and its row was laid out again in every frame,
 * so the window was never idle and a new message waited for the frame in progress. */
void
_confab_window_update_older (ConfabWindow *self)
{
  gboolean loading = confab_session_get_loading_older (self->session);

  gtk_spinner_set_spinning (GTK_SPINNER (self->older_spinner), loading);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->older_revealer), loading);
}
static void
notify_agent_messages (ConfabWindow *self,
                       guint         position,
                       guint         added)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (self->session));
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);
      g_autoptr(GNotification) notification = NULL;
      g_autofree char *id = NULL;

      /* Live messages only: a replayed history is not news. */
      if (!is_theirs (message) || confab_message_get_read_sent (message) ||
          confab_message_get_seen (message) || g_hash_table_contains (self->notified, message) ||
          g_get_real_time () / 1000 - confab_message_get_server_time (message) > NOTIFY_MAX_AGE_MS)
        continue;

      id = g_strdup_printf ("message-%" G_GINT64_FORMAT, confab_message_get_sequence (message));
      /* who wrote it, as its row says */
      notification = g_notification_new (confab_message_get_sender_name (message) != NULL
                                         ? confab_message_get_sender_name (message) : _("New message"));
      g_notification_set_body (notification, confab_message_get_text (message));
      g_notification_set_default_action (notification, "app.activate");
      g_application_send_notification (app, id, notification);
      g_hash_table_insert (self->notified, g_object_ref (message), g_steal_pointer (&id));
    }
}

void
_confab_window_set_first_unread (ConfabWindow  *self,
                                 ConfabMessage *message)
{
  if (!g_set_object (&self->first_unread, message))
    return;

  for (GtkWidget *item = gtk_widget_get_first_child (self->message_list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (CONFAB_IS_MESSAGE_ROW (child))
        confab_message_row_set_first_unread (CONFAB_MESSAGE_ROW (child),
                                             message != NULL &&
                                             confab_message_row_get_message (CONFAB_MESSAGE_ROW (child)) == message);
}

/* Unread messages that arrive while the person is not watching the end of the list get a
 * divider above the first of them; it stays until the person writes or leaves having seen them. */
static void
place_unread_divider (ConfabWindow *self,
                      guint         position,
                      guint         added)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (self->session));

  if (self->first_unread != NULL ||
      (gtk_window_is_active (GTK_WINDOW (self)) && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
       self->stick_to_bottom))
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      if (is_unread (message))
        {
          _confab_window_set_first_unread (self, message);
          return;
        }
    }
}

/* An older page came on top (its added rows). The divider stood at the first unread row
 * loaded; when the unread ones go on into the page, it moves up to the first of them. */
static void
extend_unread_divider (ConfabWindow *self,
                       guint         added)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (self->session));
  guint n = g_list_model_get_n_items (model);
  ConfabMessage *first = NULL;

  if (self->first_unread == NULL)
    return;
  /* between the page and the divider, nothing read */
  for (guint i = added; i < n; i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);

      if (message == self->first_unread)
        break;
      if (is_theirs (message) && !is_unread (message))
        return;
    }
  for (guint i = added; i > 0; i--)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i - 1);

      if (!is_theirs (message))
        continue;
      if (!is_unread (message))
        break;
      first = message;
    }
  if (first != NULL)
    _confab_window_set_first_unread (self, first);
}

static void
messages_changed_cb (ConfabWindow *self,
                     guint         position,
                     guint         removed,
                     guint         added,
                     GListModel   *model)
{
  /* A page of the history: nothing new arrived. On top of rows there were: an older one. */
  gboolean history = confab_message_list_get_adding_older (CONFAB_MESSAGE_LIST (model));
  gboolean older = history && g_list_model_get_n_items (model) > added;

  /* Where the person is now, before the new rows are laid out: a list scrolled by keyboard
   * focus moves through configure() and may not have told value-changed. */
  if (gtk_widget_get_mapped (self->scroller) && self->scroll_source == 0)
    self->stick_to_bottom = at_bottom (self);

  _confab_window_update_page (self);
  _confab_window_update_jump_button (self);
  if (older)
    extend_unread_divider (self, added);
  else if (added > 0)
    {
      place_unread_divider (self, position, added);
      if (!history)
        notify_agent_messages (self, position, added);
    }
  confab_read_tracker_queue (self->read_tracker);
}

static void
seen_cb (ConfabWindow      *self,
         GPtrArray         *seen,
         ConfabReadTracker *tracker)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->session == NULL)
    return;

  confab_session_mark_read (self->session, seen);
  for (guint i = 0; i < seen->len; i++)
    {
      const char *id = g_hash_table_lookup (self->notified, g_ptr_array_index (seen, i));

      if (id != NULL && app != NULL)
        g_application_withdraw_notification (app, id);
      g_hash_table_remove (self->notified, g_ptr_array_index (seen, i));
    }
  _confab_window_update_jump_button (self);
}

static void
window_active_cb (ConfabWindow *self,
                  GParamSpec   *pspec,
                  gpointer      user_data)
{
  /* Leaving after having seen them: the next unread ones get a fresh divider. */
  if (!gtk_window_is_active (GTK_WINDOW (self)) && self->first_unread != NULL &&
      confab_message_get_seen (self->first_unread))
    _confab_window_set_first_unread (self, NULL);

  if (self->read_tracker != NULL)
    confab_read_tracker_queue (self->read_tracker);
}

static void
retry_cb (ConfabWindow     *self,
          ConfabMessage    *message,
          ConfabMessageRow *row)
{
  if (self->session != NULL)
    confab_session_retry_message (self->session, message);
}

static gboolean
is_quick_reply (ConfabMessage           *message,
                const ConfabRichElement *element)
{
  ConfabQuickReplies *replies = confab_message_get_quick_replies (message);

  for (guint i = 0; replies != NULL && i < replies->replies->len; i++)
    if (g_ptr_array_index (replies->replies, i) == element)
      return TRUE;
  return FALSE;
}

/* A button, image, map or quick reply pressed: the session tells the service and sends
 * what it writes; links and places open here. */
static void
rich_clicked_cb (ConfabWindow            *self,
                 ConfabMessage           *message,
                 const ConfabRichElement *element,
                 ConfabMessageRow        *row)
{
  gboolean chip = element != NULL && is_quick_reply (message, element);
  ConfabMessage *reply = NULL;

  if (self->session == NULL)
    return;
  /* no element: the message's file */
  if (element == NULL)
    {
      _confab_window_open_file (self, message);
      return;
    }

  if (element->click == NULL)
    {
      /* a map with nothing to do but show the place */
      if (element->type == CONFAB_RICH_MAP)
        {
          g_autofree char *uri = confab_rich_map_dup_uri (element->latitude, element->longitude);

          if (uri != NULL)
            confab_rich_open_uri (GTK_WIDGET (self), uri);
        }
      return;
    }

  reply = confab_session_activate_click (self->session, message, element->click);
  for (guint i = 0; i < element->click->actions->len; i++)
    {
      g_autofree char *uri = confab_rich_action_dup_uri (g_ptr_array_index (element->click->actions, i));

      if (uri != NULL)
        confab_rich_open_uri (GTK_WIDGET (self), uri);
    }

  if (reply != NULL)
    {
      /* Answering means the person has caught up, as when writing. */
      _confab_window_set_first_unread (self, NULL);
      self->stick_to_bottom = TRUE;
      _confab_window_scroll_to_bottom (self);
    }
  /* The chips go: the focus goes where the person writes. */
  if (chip)
    gtk_widget_grab_focus (self->composer);
}

/* A list item shows a message in a ConfabMessageRow, an event of the conversation in a
 * ConfabEventRow: it keeps one of each, made as it needs them, and holds the one its item
 * asks for. */
#define ITEM_MESSAGE_ROW "confab-message-row"
#define ITEM_EVENT_ROW "confab-event-row"

static void
factory_setup_cb (ConfabWindow             *self,
                  GtkListItem              *item,
                  GtkSignalListItemFactory *factory)
{
  GtkWidget *row = confab_message_row_new ();

  g_signal_connect_object (row, "retry", G_CALLBACK (retry_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "rich-clicked", G_CALLBACK (rich_clicked_cb), self, G_CONNECT_SWAPPED);
  g_object_set_data_full (G_OBJECT (item), ITEM_MESSAGE_ROW, g_object_ref_sink (row), g_object_unref);
  gtk_list_item_set_child (item, row);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
factory_bind_cb (ConfabWindow             *self,
                 GtkListItem              *item,
                 GtkSignalListItemFactory *factory)
{
  ConfabMessage *message = gtk_list_item_get_item (item);

  if (confab_message_is_event (message))
    {
      GtkWidget *row = g_object_get_data (G_OBJECT (item), ITEM_EVENT_ROW);

      if (row == NULL)
        {
          row = confab_event_row_new ();
          g_object_set_data_full (G_OBJECT (item), ITEM_EVENT_ROW, g_object_ref_sink (row), g_object_unref);
        }
      if (gtk_list_item_get_child (item) != row)
        gtk_list_item_set_child (item, row);
      confab_event_row_set_message (CONFAB_EVENT_ROW (row), message);
    }
  else
    {
      ConfabMessageRow *row = g_object_get_data (G_OBJECT (item), ITEM_MESSAGE_ROW);

      if (gtk_list_item_get_child (item) != GTK_WIDGET (row))
        gtk_list_item_set_child (item, GTK_WIDGET (row));
      confab_message_row_set_message (row, message);
      confab_message_row_set_first_unread (row, self->first_unread != NULL &&
                                                message == self->first_unread);
    }
}

static void
factory_unbind_cb (ConfabWindow             *self,
                   GtkListItem              *item,
                   GtkSignalListItemFactory *factory)
{
  ConfabMessageRow *row = g_object_get_data (G_OBJECT (item), ITEM_MESSAGE_ROW);
  ConfabEventRow *event_row = g_object_get_data (G_OBJECT (item), ITEM_EVENT_ROW);

  confab_message_row_set_message (row, NULL);
  confab_message_row_set_first_unread (row, FALSE);
  if (event_row != NULL)
    confab_event_row_set_message (event_row, NULL);
}

/* Into the list: back to the message that had the focus, or the newest one. */
void
_confab_window_focus_list (ConfabWindow *self)
{
  GListModel *model;
  guint n;

  if (gtk_widget_get_focus_child (self->message_list) == NULL && self->session != NULL &&
      (n = g_list_model_get_n_items (model = G_LIST_MODEL (confab_session_get_messages (self->session)))) > 0)
    {
      g_autoptr(ConfabMessage) newest = g_list_model_get_item (model, n - 1);

      for (GtkWidget *item = gtk_widget_get_first_child (self->message_list); item != NULL;
           item = gtk_widget_get_next_sibling (item))
        for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL;
             child = gtk_widget_get_next_sibling (child))
          if (((CONFAB_IS_MESSAGE_ROW (child) && confab_message_row_get_message (CONFAB_MESSAGE_ROW (child)) == newest) ||
               (CONFAB_IS_EVENT_ROW (child) && confab_event_row_get_message (CONFAB_EVENT_ROW (child)) == newest)) &&
              gtk_widget_grab_focus (item))
            return;
    }
  gtk_widget_grab_focus (self->message_list);
}

/* The list's part of the window's init: the scrolling followed, the read tracker. */
void
_confab_window_init_list (ConfabWindow *self)
{
  GtkAdjustment *vadj;

  g_signal_connect (self, "realize", G_CALLBACK (window_realize_cb), NULL);
  g_signal_connect (self, "unrealize", G_CALLBACK (window_unrealize_cb), NULL);

  self->stick_to_bottom = TRUE;
  self->notified = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->read_tracker = confab_read_tracker_new (GTK_SCROLLED_WINDOW (self->scroller), self->message_list);
  g_signal_connect_object (self->read_tracker, "seen", G_CALLBACK (seen_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (window_active_cb), NULL);

  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  g_signal_connect_object (vadj, "value-changed", G_CALLBACK (vadjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vadj, "changed", G_CALLBACK (vadjustment_changed_cb), self, G_CONNECT_SWAPPED);
}

/* The session's messages into the list, through a row each. */
void
_confab_window_set_list_model (ConfabWindow *self,
                               GListModel   *messages)
{
  GtkListItemFactory *factory;

  self->selection = gtk_no_selection_new (g_object_ref (messages));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (factory_setup_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (factory_bind_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (factory_unbind_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->message_list), factory);
  gtk_list_view_set_model (GTK_LIST_VIEW (self->message_list), GTK_SELECTION_MODEL (self->selection));
  g_object_unref (factory);

  g_signal_connect_object (messages, "items-changed", G_CALLBACK (messages_changed_cb), self, G_CONNECT_SWAPPED);
}
