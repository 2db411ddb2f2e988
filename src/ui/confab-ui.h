/* confab-ui.h: set-up shared by the app and the display tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers Confab's GResource once; safe to call again. */
void confab_ui_register_resources (void);

/* Whether GL can only be drawn in software here: LIBGL_ALWAYS_SOFTWARE is set, or no GPU
 * render node (renderD*) in @dri_dir (NULL: /dev/dri) can be opened. */
gboolean    confab_ui_gl_is_software  (const char *dri_dir);
/* In main(), before GTK starts and before any thread: where GL is drawn in software, GTK's
 * cairo renderer draws the window (GSK_RENDERER=cairo), unless the person chose one.
 * Returns the renderer it chose, or NULL when GTK chooses. */
const char *confab_ui_choose_renderer (void);

/* GTK 4.8 names a button with a mnemonic label both by its label and by the label it is
 * labelled by ("_Retry Retry"); this gives it one name. */
void confab_ui_name_mnemonic_button (GtkWidget  *button,
                                     const char *name);

/* A time of the conversation (ms since the epoch) as the rows show it: "14:05". */
char *confab_ui_format_time (gint64 time_ms);
/* Its day, above the first row of a day: "Today", "Yesterday", "Friday, 20 November 2026". */
char *confab_ui_format_day  (gint64 time_ms);

G_END_DECLS
