/* confab-protocol-private.h: helpers shared by the files of src/protocol
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not for use outside src/protocol (and its tests).
 */
#pragma once

#include "confab-json.h"

G_BEGIN_DECLS

/* The changes of a notification body (an array, or a bare change), each through parse;
 * NULL results are skipped. what names the notification in the error for a body that is
 * not an object. */
GPtrArray  *_confab_parse_changes (JsonNode       *body,
                                   const char     *what,
                                   gpointer      (*parse) (JsonNode *node),
                                   GDestroyNotify  free_func,
                                   GError        **error);

/* A metadata member as sent, always an array: a bare object is the one-element array
 * (protocol tolerance); anything else is NULL. The copy shares the parsed nodes. */
JsonNode   *_confab_json_dup_array (JsonObject *object,
                                    const char *name);

/* confab_json_parse() for text known to be UTF-8 already (a WebSocket text frame: libsoup
 * closes the socket on one that is not, before it is delivered), without checking it again. */
JsonNode   *_confab_json_parse_utf8 (const char *data,
                                     gsize       length,
                                     GError    **error);

G_END_DECLS
