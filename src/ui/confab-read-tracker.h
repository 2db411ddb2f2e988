/* confab-read-tracker.h: which messages have really been on screen
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Rows count as seen when at least half of them is inside the visible part of the list (or
 * they fill it), while the window is active and the list is showing, once scrolling has been
 * still for CONFAB_READ_SETTLE_MS. */
#define CONFAB_READ_SETTLE_MS 300

#define CONFAB_TYPE_READ_TRACKER (confab_read_tracker_get_type ())
G_DECLARE_FINAL_TYPE (ConfabReadTracker, confab_read_tracker, CONFAB, READ_TRACKER, GObject)

/* Emits ::seen (GPtrArray of ConfabMessage) with the messages seen since the last check. */
ConfabReadTracker *confab_read_tracker_new     (GtkScrolledWindow *scroller,
                                                GtkWidget         *list);
/* Look again soon (the model or the window changed). */
void               confab_read_tracker_queue   (ConfabReadTracker *self);
/* The messages whose rows are visible enough right now, whatever the window state. */
GPtrArray         *confab_read_tracker_collect (ConfabReadTracker *self);

G_END_DECLS
