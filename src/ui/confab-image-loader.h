/* confab-image-loader.h: images of rich messages, fetched once and kept on disk
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The largest image Confab fetches or keeps, in bytes. */
#define CONFAB_IMAGE_MAX_SIZE (5 * 1024 * 1024)
/* What the images kept on disk take at most, in bytes: past this the least recently used go. */
#define CONFAB_IMAGE_CACHE_MAX_SIZE (64 * 1024 * 1024)
/* A decoded image larger than this on either side is scaled down to it. */
#define CONFAB_IMAGE_MAX_SIDE 2048

#define CONFAB_IMAGE_ERROR (confab_image_error_quark ())

typedef enum {
  CONFAB_IMAGE_ERROR_REFUSED,    /* not an address Confab fetches from */
  CONFAB_IMAGE_ERROR_TOO_LARGE,  /* over CONFAB_IMAGE_MAX_SIZE */
  CONFAB_IMAGE_ERROR_FORMAT,     /* not a PNG, JPEG or GIF image */
  CONFAB_IMAGE_ERROR_HTTP,       /* the server did not answer 200 */
} ConfabImageError;

GQuark confab_image_error_quark (void);

/* Whether Confab fetches an image from uri: https, or http to a loopback address (the local
 * service, for tests and the demo). */
gboolean    confab_image_loader_may_fetch    (const char *uri);
/* $XDG_CACHE_HOME/confab/images */
char       *confab_image_loader_dup_cache_dir (void);

/* The image at uri: from memory, from the disk cache, or fetched (and then kept on disk).
 * Only PNG, JPEG and GIF are decoded; nothing blocks the main loop. */
void        confab_image_loader_load_async   (const char          *uri,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GdkTexture *confab_image_loader_load_finish  (GAsyncResult        *result,
                                              GError             **error);

/* The same for image bytes held already (a file's preview): checked and decoded the same way
 * on a worker thread, not cached. */
void        confab_image_loader_decode_async  (GBytes              *bytes,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GdkTexture *confab_image_loader_decode_finish (GAsyncResult        *result,
                                               GError             **error);

/* For tests: what the disk cache takes at most (0: CONFAB_IMAGE_CACHE_MAX_SIZE), and the
 * textures held in memory forgotten, so that the next load reads the disk. */
void        _confab_image_loader_reset_for_tests (guint64 cache_max_size);

G_END_DECLS
