/* confab-message-viewer.h: the whole of a long message, in a window of its own
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Opens a window over parent showing text whole, scrollable and selectable, with a button
 * that copies it exactly. subtitle says whose message it is. Returns the window. */
GtkWindow *confab_message_viewer_show (GtkWindow  *parent,
                                       const char *subtitle,
                                       const char *text);

G_END_DECLS
