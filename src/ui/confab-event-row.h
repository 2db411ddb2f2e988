/* confab-event-row.h: a row for what happened to the conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "confab-message.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_EVENT_ROW (confab_event_row_get_type ())
G_DECLARE_FINAL_TYPE (ConfabEventRow, confab_event_row, CONFAB, EVENT_ROW, GtkWidget)

GtkWidget     *confab_event_row_new         (void);
/* An event of the conversation (confab_message_is_event()), or NULL. */
ConfabMessage *confab_event_row_get_message (ConfabEventRow *self);
void           confab_event_row_set_message (ConfabEventRow *self,
                                             ConfabMessage  *message);
/* What the row shows, e.g. "Alex joined the conversation",
 * "Conversation closed by the agent · 14:05", "New conversation". */
char          *confab_event_row_dup_text    (ConfabEventRow *self);
/* The accessible label, e.g. "Conversation closed by the agent at 14:05". */
char          *confab_event_row_dup_label   (ConfabEventRow *self);

G_END_DECLS
