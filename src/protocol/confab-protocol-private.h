/* confab-protocol-private.h: helpers shared by the files of src/protocol
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not for use outside src/protocol (and its tests).
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Checks size, UTF-8, strict JSON syntax and nesting depth without recursing deeper than
 * CONFAB_FRAME_MAX_DEPTH, then parses. json-glib accepts more than JSON (comments, single
 * quotes) and recurses once per level, so it only ever sees text this has accepted. */
JsonNode   *_confab_json_parse (const char *data,
                                gsize       length,
                                GError    **error);

/* Compact JSON, members in insertion order, every control character escaped. */
void        _confab_json_write (GString  *out,
                                JsonNode *node);

/* Member accessors that treat a wrong-typed member as missing and never warn. */
JsonNode   *_confab_json_get_node   (JsonObject *object,
                                     const char *name);
JsonObject *_confab_json_get_object (JsonObject *object,
                                     const char *name);
/* The string as stored (may not be valid UTF-8 after a bad \u escape): for comparisons only. */
const char *_confab_json_peek_string (JsonObject *object,
                                      const char *name);
/* A copy that is always valid UTF-8, or NULL. */
char       *_confab_json_dup_string (JsonObject *object,
                                     const char *name);
char       *_confab_json_node_dup_string (JsonNode *node);
/* Integers, doubles within range (truncated) and decimal strings. */
gboolean    _confab_json_node_get_int (JsonNode *node,
                                       gint64   *out);
gboolean    _confab_json_get_int (JsonObject *object,
                                  const char *name,
                                  gint64     *out);

/* A member that should be an array but may arrive as its bare single element. */
typedef struct {
  JsonArray *array;
  JsonNode  *single;
  guint      length;
} ConfabJsonList;

guint       _confab_json_list_init (ConfabJsonList *list,
                                    JsonObject     *object,
                                    const char     *name);
JsonNode   *_confab_json_list_get  (const ConfabJsonList *list,
                                    guint                 index);

/* The changes of a notification body (an array, or a bare change), each through parse;
 * NULL results are skipped. what names the notification in the error for a body that is
 * not an object. */
GPtrArray  *_confab_parse_changes (JsonNode       *body,
                                   const char     *what,
                                   gpointer      (*parse) (JsonNode *node),
                                   GDestroyNotify  free_func,
                                   GError        **error);

G_END_DECLS
