/* confab-align-bin.h: a child at its natural width on one side, measured without searching
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_ALIGN_BIN (confab_align_bin_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAlignBin, confab_align_bin, CONFAB, ALIGN_BIN, GtkWidget)

/* The child (set in a .ui file as the bin's <child>) gets the bin's width with
 * GTK_ALIGN_FILL, else its natural width at most, at the start, centre or end (mirrored
 * right to left). The child's own halign and valign stay GTK_ALIGN_FILL. */
void     confab_align_bin_set_align (ConfabAlignBin *self,
                                     GtkAlign        align);
GtkAlign confab_align_bin_get_align (ConfabAlignBin *self);

G_END_DECLS
