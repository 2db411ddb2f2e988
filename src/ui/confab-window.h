/* confab-window.h: the main window
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "confab-session.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_WINDOW (confab_window_get_type ())
G_DECLARE_FINAL_TYPE (ConfabWindow, confab_window, CONFAB, WINDOW, AdwApplicationWindow)

ConfabWindow  *confab_window_new         (GtkApplication *application);
void           confab_window_set_session (ConfabWindow   *self,
                                          ConfabSession  *session);
ConfabSession *confab_window_get_session (ConfabWindow   *self);
/* A problem that keeps Confab from starting its session (a broken lp.env, …). */
void           confab_window_show_error  (ConfabWindow   *self,
                                          const char     *message);
/* Something the person must know that does not stop the session (the history was damaged and
 * set aside, a message could not be saved, …): stays until dismissed. */
void           confab_window_show_problem (ConfabWindow  *self,
                                           const char    *message);

G_END_DECLS
