/* confab-markup.h: message text to label markup, with its links
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Finds the first link in TEXT from byte FROM: web addresses (http://, https://, www.) and
 * mailto: addresses. Punctuation, quotes and brackets around a link are not part of it;
 * brackets balanced inside it are. TRUE with the link's byte range in START and END. */
gboolean confab_find_link      (const char *text,
                                gsize       from,
                                gsize      *start,
                                gsize      *end);

/* Plain text to Pango markup: everything escaped, links made <a> elements. */
char    *confab_text_to_markup (const char *text);

G_END_DECLS
