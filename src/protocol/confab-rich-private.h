/* confab-rich-private.h: what the files of confab-rich.h share
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The structured content and quick replies of confab-rich.h are one unit in several files,
 * from the bottom up (a file calls only into the files above it in this list, never back).
 * Each keeps its own helpers static; what one calls in another is declared here and named
 * _confab_rich_*. Nothing outside src/protocol/confab-rich*.c includes this header.
 *
 *   confab-rich.c         names of types and sizes; the types: freed, counted, boxed
 *   confab-rich-parse.c   reading a peer's content and quick replies, checked against the
 *                         limits (and the URL check the builders share)
 *   confab-rich-encode.c  building content in code, and writing it as JSON
 *   confab-rich-text.c    plain-text renderings (screen readers, copying), and equality
 */
#pragma once

#include "confab-rich.h"

G_BEGIN_DECLS

/* confab-rich.c */

/* Vertical, horizontal, carousel and list hold elements. */
gboolean            _confab_rich_is_container     (ConfabRichElementType  type);
/* Buttons, images and maps keep a click. */
gboolean            _confab_rich_takes_click      (ConfabRichElementType  type);
/* "small", "medium", "large"; NULL for UNSET. */
const char         *_confab_rich_size_to_string   (ConfabRichSize         size);
ConfabRichSize      _confab_rich_size_from_string (const char            *str);

/* confab-rich-parse.c */

/* Sorts a URL (link: an action's uri, else an image's url) as the parser does; out is the
 * URL as kept, NULL when INVALID. */
ConfabRichUrlStatus _confab_rich_check_url        (const char            *raw,
                                                   gboolean               link,
                                                   char                 **out);

G_END_DECLS
