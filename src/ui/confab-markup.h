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

/* Plain text to Pango markup: everything escaped, links made <a> elements, and a zero-width
 * space in every long run without a break opportunity, so Pango wraps it in linear time. */
char    *confab_text_to_markup (const char *text);

/* The same for at most max_chars characters of text (0: all), cut after a space near the
 * limit when there is one and ended with "…"; cut says whether anything was left out. A
 * link cut short still leads to its whole address. */
char    *confab_text_to_display_markup (const char *text,
                                        gsize       max_chars,
                                        gboolean   *cut);

/* Text for a text view: the same characters, with zero-width spaces in long unbroken runs
 * and a paragraph separator (U+2029) at a break at least every few thousand characters of
 * a paragraph, so each laid-out paragraph stays short. */
char    *confab_text_for_viewer (const char *text);

G_END_DECLS
