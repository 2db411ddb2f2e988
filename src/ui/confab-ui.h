/* confab-ui.h: set-up shared by the app and the display tests
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers Confab's GResource once; safe to call again. */
void confab_ui_register_resources (void);

G_END_DECLS
