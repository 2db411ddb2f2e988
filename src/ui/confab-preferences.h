/* confab-preferences.h: the preferences window
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_PREFERENCES (confab_preferences_get_type ())
G_DECLARE_FINAL_TYPE (ConfabPreferences, confab_preferences, CONFAB, PREFERENCES, AdwPreferencesWindow)

ConfabPreferences *confab_preferences_new (GtkWindow *parent,
                                           GSettings *settings);

G_END_DECLS
