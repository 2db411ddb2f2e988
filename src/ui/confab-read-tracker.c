/* confab-read-tracker.c: which messages have really been on screen
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 has no API telling which items of a GtkListView are visible, so this walks the
 * rows the list has realised and measures them against the viewport, as Fractal does.
 */
#include "config.h"

#include "confab-read-tracker.h"
#include "confab-message-row.h"

struct _ConfabReadTracker
{
  GObject parent_instance;

  GtkScrolledWindow *scroller;   /* unowned: the window owns both */
  GtkWidget *list;
  guint settle_source;
};

enum {
  SIGNAL_SEEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConfabReadTracker, confab_read_tracker, G_TYPE_OBJECT)

static ConfabMessageRow *
find_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (CONFAB_IS_MESSAGE_ROW (child))
        return CONFAB_MESSAGE_ROW (child);
    }
  return NULL;
}

GPtrArray *
confab_read_tracker_collect (ConfabReadTracker *self)
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *viewport = GTK_WIDGET (self->scroller);
  double view_height = gtk_widget_get_height (viewport);

  if (view_height <= 0 || !gtk_widget_get_mapped (self->list))
    return seen;

  for (GtkWidget *child = gtk_widget_get_first_child (self->list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ConfabMessageRow *row = find_row (child);
      graphene_rect_t bounds;
      double top, bottom, visible;
      ConfabMessage *message;

      if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)) ||
          (message = confab_message_row_get_message (row)) == NULL)
        continue;
      if (!gtk_widget_compute_bounds (GTK_WIDGET (row), viewport, &bounds))
        continue;

      top = MAX (bounds.origin.y, 0);
      bottom = MIN (bounds.origin.y + bounds.size.height, view_height);
      visible = bottom - top;
      if (visible <= 0)
        continue;
      if (visible >= bounds.size.height / 2 || visible >= view_height / 2)
        g_ptr_array_add (seen, g_object_ref (message));
    }

  return seen;
}

static gboolean
settle_cb (gpointer data)
{
  ConfabReadTracker *self = data;
  GtkRoot *root = gtk_widget_get_root (self->list);
  g_autoptr(GPtrArray) seen = NULL;

  self->settle_source = 0;

  if (!GTK_IS_WINDOW (root) || !gtk_window_is_active (GTK_WINDOW (root)) ||
      !gtk_widget_get_mapped (self->list) || !gtk_widget_get_child_visible (GTK_WIDGET (self->scroller)))
    return G_SOURCE_REMOVE;

  seen = confab_read_tracker_collect (self);
  if (seen->len > 0)
    g_signal_emit (self, signals[SIGNAL_SEEN], 0, seen);

  return G_SOURCE_REMOVE;
}

void
confab_read_tracker_queue (ConfabReadTracker *self)
{
  g_return_if_fail (CONFAB_IS_READ_TRACKER (self));

  /* Every change restarts the wait: only a list that has been still counts. */
  g_clear_handle_id (&self->settle_source, g_source_remove);
  self->settle_source = g_timeout_add (CONFAB_READ_SETTLE_MS, settle_cb, self);
}

static void
changed_cb (ConfabReadTracker *self)
{
  confab_read_tracker_queue (self);
}

static void
confab_read_tracker_dispose (GObject *object)
{
  ConfabReadTracker *self = CONFAB_READ_TRACKER (object);

  g_clear_handle_id (&self->settle_source, g_source_remove);

  G_OBJECT_CLASS (confab_read_tracker_parent_class)->dispose (object);
}

static void
confab_read_tracker_class_init (ConfabReadTrackerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = confab_read_tracker_dispose;

  /* ConfabReadTracker::seen: (messages: GPtrArray of ConfabMessage) */
  signals[SIGNAL_SEEN] =
    g_signal_new ("seen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
confab_read_tracker_init (ConfabReadTracker *self)
{
}

ConfabReadTracker *
confab_read_tracker_new (GtkScrolledWindow *scroller,
                         GtkWidget         *list)
{
  ConfabReadTracker *self;
  GtkAdjustment *vadj;

  g_return_val_if_fail (GTK_IS_SCROLLED_WINDOW (scroller), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (list), NULL);

  self = g_object_new (CONFAB_TYPE_READ_TRACKER, NULL);
  self->scroller = scroller;
  self->list = list;

  vadj = gtk_scrolled_window_get_vadjustment (scroller);
  g_signal_connect_object (vadj, "value-changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vadj, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (list, "map", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}
