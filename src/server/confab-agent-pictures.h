/* confab-agent-pictures.h: the pictures the agents send, drawn and written as PNG
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CONFAB_AGENT_PICTURE_PRODUCT,   /* a mug on a shelf, for the menu card */
  CONFAB_AGENT_PICTURE_PHOTO,     /* hills by a lake, for the photo message */
} ConfabAgentPicture;

/* The picture as a PNG of width × height pixels (RGB, 8 bits a channel). */
GBytes *confab_agent_picture_png       (ConfabAgentPicture picture,
                                        guint              width,
                                        guint              height);
/* The same as a data:image/png;base64 URL, for a hosted file's preview. */
char   *confab_agent_picture_data_url  (ConfabAgentPicture picture,
                                        guint              width,
                                        guint              height);

/* A PNG of rgb (width × height × 3 bytes, rows top to bottom). */
GBytes *confab_png_encode_rgb          (const guint8 *rgb,
                                        guint         width,
                                        guint         height);

G_END_DECLS
