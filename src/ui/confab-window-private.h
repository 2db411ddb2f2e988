/* confab-window-private.h: parts of the window the tests look at
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-window.h"
#include "confab-message.h"

G_BEGIN_DECLS

GtkWidget *_confab_window_get_empty_state (ConfabWindow *self);
ConfabMessage *_confab_window_get_first_unread (ConfabWindow *self);
GtkWidget *_confab_window_get_message_list (ConfabWindow *self);
GtkWidget *_confab_window_get_composer (ConfabWindow *self);
GtkWidget *_confab_window_get_send_button (ConfabWindow *self);
GtkWidget *_confab_window_get_header_bar (ConfabWindow *self);
GtkWidget *_confab_window_get_menu_button (ConfabWindow *self);
GtkWidget *_confab_window_get_status_label (ConfabWindow *self);
GtkWidget *_confab_window_get_preferences_button (ConfabWindow *self);
GtkWidget *_confab_window_get_jump_button (ConfabWindow *self);
/* the row at the top while an older page is read (a GtkRevealer) */
GtkWidget *_confab_window_get_older_indicator (ConfabWindow *self);
/* its pages: "loading" (blank), "empty", "chat" */
GtkStack *_confab_window_get_content_stack (ConfabWindow *self);
GtkWidget *_confab_window_get_demo_banner (ConfabWindow *self);
GtkWidget *_confab_window_get_use_account_button (ConfabWindow *self);
/* The survey dialog while it is open, or NULL */
GtkWidget *_confab_window_get_survey (ConfabWindow *self);

G_END_DECLS
