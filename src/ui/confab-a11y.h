/* confab-a11y.h: names for the parts of GTK's and libadwaita's widgets that have none
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Gives every part under ROOT that can take the focus and has no accessible name one, from
 * its tooltip, its icon or the title of the page it is on; a scrolled window whose content
 * takes the focus gets none of its own. Parts that have a name keep it. */
void confab_a11y_name_parts     (GtkWidget *root);

/* Does confab_a11y_name_parts() for each of the application's windows as it first maps,
 * the ones GTK and libadwaita build (shortcuts, about) too. Once per process. */
void confab_a11y_watch_windows  (void);

G_END_DECLS
