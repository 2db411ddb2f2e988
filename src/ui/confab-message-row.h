/* confab-message-row.h: one message in the conversation view
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "confab-message.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_MESSAGE_ROW (confab_message_row_get_type ())
G_DECLARE_FINAL_TYPE (ConfabMessageRow, confab_message_row, CONFAB, MESSAGE_ROW, GtkWidget)

GtkWidget     *confab_message_row_new           (void);
ConfabMessage *confab_message_row_get_message   (ConfabMessageRow *self);
void           confab_message_row_set_message   (ConfabMessageRow *self,
                                                 ConfabMessage    *message);
/* Shows the "New Messages" divider above this row: unread messages start here. */
void           confab_message_row_set_first_unread (ConfabMessageRow *self,
                                                    gboolean          first_unread);
gboolean       confab_message_row_get_first_unread (ConfabMessageRow *self);
/* The accessible label, e.g. "Dana, 10:42: Hello. Read." */
char          *confab_message_row_dup_label     (ConfabMessageRow *self);

G_END_DECLS
