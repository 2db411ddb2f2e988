/* confab-frame.c: the frames of LivePerson's consumer messaging protocol
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-frame.h"
#include "confab-protocol-private.h"

G_DEFINE_QUARK (confab-protocol-error-quark, confab_protocol_error)

/* ------------------------------------------------------------------------------------------ */
/* Strict JSON check                                                                          */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
  SCAN_OK,
  SCAN_SYNTAX,
  SCAN_TOO_DEEP,
} ScanResult;

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  int depth;
} Scanner;

static ScanResult scan_value (Scanner *s);

static void
scan_whitespace (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_literal (Scanner    *s,
              const char *literal)
{
  gsize len = strlen (literal);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, literal, len) != 0)
    return FALSE;
  s->p += len;
  return TRUE;
}

static gboolean
scan_digits (Scanner *s)
{
  const char *begin = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > begin;
}

static gboolean
scan_number (Scanner *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p >= s->end)
    return FALSE;
  if (*s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return FALSE;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  return TRUE;
}

/* Four hex digits of a \u escape, or -1 */
static int
scan_hex4 (Scanner *s)
{
  int value = 0;

  if (s->end - s->p < 4)
    return -1;
  for (int i = 0; i < 4; i++, s->p++)
    {
      if (!g_ascii_isxdigit (*s->p))
        return -1;
      value = value * 16 + g_ascii_xdigit_value (*s->p);
    }
  return value;
}

static gboolean
scan_string (Scanner *s)
{
  if (s->p >= s->end || *s->p != '"')
    return FALSE;
  s->p++;

  while (s->p < s->end)
    {
      guchar c = (guchar) *s->p;

      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c == '\\')
        {
          s->p++;
          if (s->p >= s->end)
            return FALSE;
          switch (*s->p)
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              s->p++;
              break;
            case 'u':
              {
                int unit;

                s->p++;
                if ((unit = scan_hex4 (s)) < 0)
                  return FALSE;
                /* json-glib swallows the character after a lone surrogate, even a closing
                 * quote, and would then see other strings and nesting than this check did */
                if (unit >= 0xdc00 && unit <= 0xdfff)
                  return FALSE;
                if (unit >= 0xd800 && unit <= 0xdbff)
                  {
                    if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
                      return FALSE;
                    s->p += 2;
                    unit = scan_hex4 (s);
                    if (unit < 0xdc00 || unit > 0xdfff)
                      return FALSE;
                  }
              }
              break;
            default:
              return FALSE;
            }
          continue;
        }
      s->p++;
    }

  return FALSE;
}

static ScanResult
scan_container (Scanner *s,
                char     close)
{
  ScanResult res;

  if (++s->depth > CONFAB_FRAME_MAX_DEPTH)
    return SCAN_TOO_DEEP;
  s->p++;

  scan_whitespace (s);
  if (s->p < s->end && *s->p == close)
    {
      s->p++;
      s->depth--;
      return SCAN_OK;
    }

  for (;;)
    {
      if (close == '}')
        {
          scan_whitespace (s);
          if (!scan_string (s))
            return SCAN_SYNTAX;
          scan_whitespace (s);
          if (s->p >= s->end || *s->p != ':')
            return SCAN_SYNTAX;
          s->p++;
        }

      res = scan_value (s);
      if (res != SCAN_OK)
        return res;

      scan_whitespace (s);
      if (s->p >= s->end)
        return SCAN_SYNTAX;
      if (*s->p == ',')
        {
          s->p++;
          continue;
        }
      if (*s->p == close)
        {
          s->p++;
          s->depth--;
          return SCAN_OK;
        }
      return SCAN_SYNTAX;
    }
}

/* Recursion is bounded by CONFAB_FRAME_MAX_DEPTH. */
static ScanResult
scan_value (Scanner *s)
{
  scan_whitespace (s);
  if (s->p >= s->end)
    return SCAN_SYNTAX;

  switch (*s->p)
    {
    case '{':
      return scan_container (s, '}');
    case '[':
      return scan_container (s, ']');
    case '"':
      return scan_string (s) ? SCAN_OK : SCAN_SYNTAX;
    case 't':
      return scan_literal (s, "true") ? SCAN_OK : SCAN_SYNTAX;
    case 'f':
      return scan_literal (s, "false") ? SCAN_OK : SCAN_SYNTAX;
    case 'n':
      return scan_literal (s, "null") ? SCAN_OK : SCAN_SYNTAX;
    default:
      return scan_number (s) ? SCAN_OK : SCAN_SYNTAX;
    }
}

JsonNode *
_confab_json_parse (const char *data,
                    gsize       length,
                    GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *invalid = NULL;
  Scanner s = { data, data, data + length, 0 };
  ScanResult res;

  if (length > CONFAB_FRAME_MAX_SIZE)
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE,
                   _("%lu bytes long, more than the limit of %d"),
                   (gulong) length, CONFAB_FRAME_MAX_SIZE);
      return NULL;
    }

  if (!g_utf8_validate_len (data, length, &invalid))
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                   _("not valid UTF-8 (at byte %lu)"),
                   (gulong) (invalid - data));
      return NULL;
    }

  res = scan_value (&s);
  if (res == SCAN_OK)
    {
      scan_whitespace (&s);
      if (s.p != s.end)
        res = SCAN_SYNTAX;
    }
  if (res == SCAN_TOO_DEEP)
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE,
                   _("JSON nested deeper than %d levels"), CONFAB_FRAME_MAX_DEPTH);
      return NULL;
    }
  if (res != SCAN_OK)
    {
      if (length == 0)
        g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                             _("empty, not JSON"));
      else
        g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                     _("not valid JSON (at byte %lu)"),
                     (gulong) (s.p - data));
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                   _("not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("empty, not JSON"));
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* ------------------------------------------------------------------------------------------ */
/* Compact JSON output                                                                        */
/* ------------------------------------------------------------------------------------------ */

static void
write_string (GString    *out,
              const char *str)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (str, -1, NULL))
    str = valid = g_utf8_make_valid (str, -1);

  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

static void
write_value (GString  *out,
             JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      /* JSON has no infinity and no NaN */
      if (isfinite (d))
        {
          g_ascii_dtostr (buf, sizeof buf, d);
          g_string_append (out, buf);
          /* 2.0 stays a double when read again */
          if (strpbrk (buf, ".eE") == NULL)
            g_string_append (out, ".0");
        }
      else
        {
          g_string_append (out, "null");
        }
    }
  else if (type == G_TYPE_BOOLEAN)
    {
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
    }
  else if (type == G_TYPE_STRING)
    {
      write_string (out, json_node_get_string (node));
    }
  else
    {
      g_string_append (out, "null");
    }
}

void
_confab_json_write (GString  *out,
                    JsonNode *node)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        for (const GList *l = members; l != NULL; l = l->next)
          {
            const char *name = l->data;

            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_string (out, name);
            g_string_append_c (out, ':');
            _confab_json_write (out, json_object_get_member (object, name));
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint len = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < len; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            _confab_json_write (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      write_value (out, node);
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Tolerant member access                                                                     */
/* ------------------------------------------------------------------------------------------ */

JsonNode *
_confab_json_get_node (JsonObject *object,
                       const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

JsonObject *
_confab_json_get_object (JsonObject *object,
                         const char *name)
{
  JsonNode *node = _confab_json_get_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static const char *
node_peek_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
_confab_json_peek_string (JsonObject *object,
                          const char *name)
{
  return node_peek_string (_confab_json_get_node (object, name));
}

char *
_confab_json_node_dup_string (JsonNode *node)
{
  const char *str = node_peek_string (node);

  if (str == NULL)
    return NULL;
  /* json-glib turns a lone \ud800 escape into bytes that are not UTF-8 */
  if (!g_utf8_validate (str, -1, NULL))
    return g_utf8_make_valid (str, -1);
  return g_strdup (str);
}

char *
_confab_json_dup_string (JsonObject *object,
                         const char *name)
{
  return _confab_json_node_dup_string (_confab_json_get_node (object, name));
}

gboolean
_confab_json_node_get_int (JsonNode *node,
                           gint64   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* out of range would make the cast undefined */
      if (!isfinite (d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return FALSE;
      *out = (gint64) d;
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);
      gint64 value;

      if (str == NULL || !g_ascii_string_to_signed (str, 10, G_MININT64, G_MAXINT64, &value, NULL))
        return FALSE;
      *out = value;
      return TRUE;
    }
  return FALSE;
}

gboolean
_confab_json_get_int (JsonObject *object,
                      const char *name,
                      gint64     *out)
{
  return _confab_json_node_get_int (_confab_json_get_node (object, name), out);
}

guint
_confab_json_list_init (ConfabJsonList *list,
                        JsonObject     *object,
                        const char     *name)
{
  JsonNode *node = _confab_json_get_node (object, name);

  list->array = NULL;
  list->single = NULL;
  list->length = 0;

  if (node == NULL)
    return 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      list->array = json_node_get_array (node);
      list->length = json_array_get_length (list->array);
    }
  else
    {
      list->single = node;
      list->length = 1;
    }

  return list->length;
}

JsonNode *
_confab_json_list_get (const ConfabJsonList *list,
                       guint                 index)
{
  g_assert (index < list->length);

  if (list->array != NULL)
    return json_array_get_element (list->array, index);
  return list->single;
}

/* ------------------------------------------------------------------------------------------ */
/* Frames                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static char *
id_from_node (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return _confab_json_node_dup_string (node);
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (!isfinite (d))
        return NULL;
      /* 17.0 is the id "17" */
      if (d == floor (d) && d >= -9007199254740992.0 && d <= 9007199254740992.0)
        return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) d);
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, d));
    }
  return NULL;
}

/**
 * confab_frame_parse:
 * @data: the text of one WebSocket frame
 * @length: its length in bytes, or -1 when NUL-terminated
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * Parses a frame. An unknown or missing kind is not an error (the kind is then
 * %CONFAB_FRAME_KIND_UNKNOWN); text over the size or depth limits, text that is not
 * UTF-8 or not JSON, and JSON that is not an object are.
 *
 * Returns: (transfer full) (nullable): the frame
 */
ConfabFrame *
confab_frame_parse (const char *data,
                    gssize      length,
                    GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(ConfabFrame) frame = NULL;
  JsonObject *object;
  const char *kind;
  JsonNode *id_node = NULL;
  JsonNode *body;
  gint64 code;

  g_return_val_if_fail (data != NULL || length <= 0, NULL);

  if (data == NULL)
    data = "";
  if (length < 0)
    length = (gssize) strlen (data);

  root = _confab_json_parse (data, (gsize) length, error);
  if (root == NULL)
    {
      g_prefix_error (error, _("Invalid frame: "));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Invalid frame: not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);

  frame = g_new0 (ConfabFrame, 1);

  kind = _confab_json_peek_string (object, "kind");
  if (g_strcmp0 (kind, "req") == 0)
    frame->kind = CONFAB_FRAME_KIND_REQUEST;
  else if (g_strcmp0 (kind, "resp") == 0)
    frame->kind = CONFAB_FRAME_KIND_RESPONSE;
  else if (g_strcmp0 (kind, "notification") == 0)
    frame->kind = CONFAB_FRAME_KIND_NOTIFICATION;
  else
    frame->kind = CONFAB_FRAME_KIND_UNKNOWN;

  /* A response names its request in reqId; take the other name when only that one is there. */
  if (frame->kind == CONFAB_FRAME_KIND_RESPONSE)
    {
      id_node = _confab_json_get_node (object, "reqId");
      if (id_node == NULL)
        id_node = _confab_json_get_node (object, "id");
    }
  else
    {
      id_node = _confab_json_get_node (object, "id");
      if (id_node == NULL)
        id_node = _confab_json_get_node (object, "reqId");
    }
  frame->id = id_from_node (id_node);

  frame->type = _confab_json_dup_string (object, "type");

  if (_confab_json_get_int (object, "code", &code) && code >= G_MININT && code <= G_MAXINT)
    frame->code = (int) code;

  body = _confab_json_get_node (object, "body");
  if (body != NULL)
    frame->body = json_node_copy (body);

  return g_steal_pointer (&frame);
}

void
confab_frame_free (ConfabFrame *frame)
{
  if (frame == NULL)
    return;

  g_free (frame->id);
  g_free (frame->type);
  g_clear_pointer (&frame->body, json_node_unref);
  g_free (frame);
}

const char *
confab_frame_get_body_string (const ConfabFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);

  return node_peek_string (frame->body);
}

JsonObject *
confab_frame_get_body_object (const ConfabFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);

  if (frame->body == NULL || !JSON_NODE_HOLDS_OBJECT (frame->body))
    return NULL;
  return json_node_get_object (frame->body);
}

static char *
build_frame (const char *kind,
             const char *id_name,
             const char *id,
             gboolean    with_code,
             int         code,
             const char *type,
             JsonNode   *body)
{
  GString *out = g_string_sized_new (128);

  g_string_append (out, "{\"kind\":");
  write_string (out, kind);
  if (id != NULL)
    {
      g_string_append_c (out, ',');
      write_string (out, id_name);
      g_string_append_c (out, ':');
      write_string (out, id);
    }
  if (with_code)
    g_string_append_printf (out, ",\"code\":%d", code);
  if (type != NULL)
    {
      g_string_append (out, ",\"type\":");
      write_string (out, type);
    }
  if (body != NULL)
    {
      g_string_append (out, ",\"body\":");
      _confab_json_write (out, body);
    }
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/**
 * confab_frame_build_request:
 * @id: the request id, unique per socket
 * @type: a CONFAB_REQ_* type
 * @body: (nullable) (transfer none): the body, or %NULL for none
 *
 * Returns: (transfer full): `{"kind":"req","id":…,"type":…,"body":…}`, compact
 */
char *
confab_frame_build_request (const char *id,
                            const char *type,
                            JsonNode   *body)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);

  return build_frame ("req", "id", id, FALSE, 0, type, body);
}

/**
 * confab_frame_build_response:
 * @req_id: the id of the request answered
 * @code: an HTTP-like status code
 * @type: (nullable): the response type
 * @body: (nullable) (transfer none): the body
 *
 * Returns: (transfer full): `{"kind":"resp","reqId":…,"code":…,"type":…,"body":…}`
 */
char *
confab_frame_build_response (const char *req_id,
                             int         code,
                             const char *type,
                             JsonNode   *body)
{
  g_return_val_if_fail (req_id != NULL, NULL);

  return build_frame ("resp", "reqId", req_id, TRUE, code, type, body);
}

/**
 * confab_frame_build_notification:
 * @type: a CONFAB_NOTIFY_* type
 * @body: (nullable) (transfer none): the body
 *
 * Returns: (transfer full): `{"kind":"notification","type":…,"body":…}`
 */
char *
confab_frame_build_notification (const char *type,
                                 JsonNode   *body)
{
  g_return_val_if_fail (type != NULL, NULL);

  return build_frame ("notification", NULL, NULL, FALSE, 0, type, body);
}

GPtrArray *
_confab_parse_changes (JsonNode       *body,
                       const char     *what,
                       gpointer      (*parse) (JsonNode *node),
                       GDestroyNotify  free_func,
                       GError        **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  ConfabJsonList list;
  guint len;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                   /* Translators: %s names a notification, as "Messaging notification" */
                   _("%s without an object body"), what);
      return NULL;
    }

  len = _confab_json_list_init (&list, json_node_get_object (body), "changes");
  changes = g_ptr_array_new_full (len, free_func);
  for (guint i = 0; i < len; i++)
    {
      gpointer change = parse (_confab_json_list_get (&list, i));

      if (change != NULL)
        g_ptr_array_add (changes, change);
    }

  return g_steal_pointer (&changes);
}
