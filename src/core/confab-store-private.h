/* confab-store-private.h: what the tests may see of ConfabStore's inside
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every query that reads the history (the newest page, older pages and what a load needs
 * besides), NULL-terminated, with their :name parameters: the tests check their plans. */
const char *const *_confab_store_get_read_queries (void);

G_END_DECLS
