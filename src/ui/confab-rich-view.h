/* confab-rich-view.h: structured content and quick replies as native widgets
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "confab-protocol.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_RICH_VIEW (confab_rich_view_get_type ())
G_DECLARE_FINAL_TYPE (ConfabRichView, confab_rich_view, CONFAB, RICH_VIEW, GtkWidget)

/* A message's structured content: cards, carousels, lists, text, images, buttons and maps.
 * ::clicked (const ConfabRichElement *element) when a button, an image with a click or a
 * map is pressed. */
GtkWidget          *confab_rich_view_new               (ConfabRichContent  *content);
/* A message's quick replies, as a row of chips; ::clicked (the chip) when one is pressed. */
GtkWidget          *confab_rich_view_new_quick_replies (ConfabQuickReplies *quick_replies);
/* A hosted file: its preview (or an icon) and caption in a button; ::clicked (NULL) when it
 * is pressed, to fetch and open it. */
GtkWidget          *confab_rich_view_new_file          (ConfabHostedFile   *file);
ConfabHostedFile   *confab_rich_view_get_file          (ConfabRichView *self);
ConfabRichContent  *confab_rich_view_get_content       (ConfabRichView *self);
ConfabQuickReplies *confab_rich_view_get_quick_replies (ConfabRichView *self);

/* The element a widget of a rich view stands for (buttons, chips, images, maps), or NULL. */
const ConfabRichElement *confab_rich_view_widget_get_element (GtkWidget *widget);

/* What an action opens: a link's address when it may be opened (https, http, mailto, tel),
 * a place's map at OpenStreetMap; NULL for anything else. */
char *confab_rich_action_dup_uri (const ConfabRichAction *action);
char *confab_rich_map_dup_uri    (double latitude,
                                  double longitude);
/* Shows uri to the person in the app for it (the browser, the mail app …). */
void  confab_rich_open_uri       (GtkWidget  *widget,
                                  const char *uri);

/* For tests: uris go to hook instead of being opened; NULL opens them again. */
typedef void (*ConfabRichOpenHook) (const char *uri,
                                    gpointer    user_data);
void  _confab_rich_set_open_hook (ConfabRichOpenHook hook,
                                  gpointer           user_data);

G_END_DECLS
