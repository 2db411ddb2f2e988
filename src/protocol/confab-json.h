/* confab-json.h: reading untrusted JSON, and writing it compactly
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every JSON text Confab reads from elsewhere (frames, HTTP answers, tokens, state files)
 * goes through confab_json_parse(), and every member is read through the accessors below,
 * which treat a member of the wrong type as missing and never warn: a peer's mistakes are
 * not programming errors.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CONFAB_PROTOCOL_ERROR (confab_protocol_error_quark ())

typedef enum {
  CONFAB_PROTOCOL_ERROR_MALFORMED,   /* not JSON, not an object, wrong types */
  CONFAB_PROTOCOL_ERROR_TOO_LARGE,   /* over the size or depth limits */
  CONFAB_PROTOCOL_ERROR_NOT_JWT,     /* a token that is not a JWT */
} ConfabProtocolError;

GQuark confab_protocol_error_quark (void);

/* The limits of confab_json_parse(), which are those of a frame. */
#define CONFAB_JSON_MAX_SIZE  (8 * 1024 * 1024)
#define CONFAB_JSON_MAX_DEPTH 64

/* Reading */

JsonNode   *confab_json_parse      (const char *data,
                                    gsize       length,
                                    GError    **error);
JsonNode   *confab_json_parse_full (const char *data,
                                    gsize       length,
                                    gsize       max_size,
                                    guint       max_depth,
                                    GError    **error);
gboolean    confab_json_too_deep   (const char *data,
                                    gsize       length,
                                    guint       max_depth);

/* Writing: compact, members in insertion order, every control character escaped, text that
 * is not UTF-8 made valid, and no number JSON cannot hold (infinities and NaN become null). */

void        confab_json_write        (GString    *out,
                                      JsonNode   *node);
void        confab_json_write_string (GString    *out,
                                      const char *str);
char       *confab_json_to_string    (JsonNode   *node);

/* Members. object may be NULL (then every member is missing), and a JSON null is missing. */

JsonNode   *confab_json_get_node    (JsonObject *object,
                                     const char *name);
JsonObject *confab_json_get_object  (JsonObject *object,
                                     const char *name);
JsonArray  *confab_json_get_array   (JsonObject *object,
                                     const char *name);
/* The string as stored: valid UTF-8 when the text came through confab_json_parse(), which
 * refuses lone surrogates; a node from elsewhere may hold other bytes. */
const char *confab_json_get_string  (JsonObject *object,
                                     const char *name);
/* A copy that is always valid UTF-8, or NULL. */
char       *confab_json_dup_string  (JsonObject *object,
                                     const char *name);
gboolean    confab_json_lookup_boolean (JsonObject *object,
                                        const char *name,
                                        gboolean   *value);

/* Exact integers: JSON integers, and doubles that hold an integer of at most 9e15 in
 * magnitude (so the double is exact). Strings are not numbers here. */
gboolean    confab_json_lookup_int  (JsonObject *object,
                                     const char *name,
                                     gint64     *value);
/* The same, 0 when missing. */
gint64      confab_json_get_int     (JsonObject *object,
                                     const char *name);
/* Integers as LivePerson's peers send them: JSON integers, any double within range
 * (truncated), and decimal strings. */
gboolean    confab_json_lookup_int_lenient (JsonObject *object,
                                            const char *name,
                                            gint64     *value);

/* The same for a node on its own (an array element); node may be NULL. */
const char *confab_json_node_get_string         (JsonNode *node);
char       *confab_json_node_dup_string         (JsonNode *node);
gboolean    confab_json_node_lookup_int         (JsonNode *node,
                                                 gint64   *value);
gboolean    confab_json_node_lookup_int_lenient (JsonNode *node,
                                                 gint64   *value);

/* A member that should be an array but may arrive as its bare single element. */
typedef struct {
  JsonArray *array;
  JsonNode  *single;
  guint      length;
} ConfabJsonList;

guint       confab_json_list_init (ConfabJsonList *list,
                                   JsonObject     *object,
                                   const char     *name);
JsonNode   *confab_json_list_get  (const ConfabJsonList *list,
                                   guint                 index);

G_END_DECLS
