/* confab-json.c: reading untrusted JSON, and writing it compactly
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-json.h"
#include "confab-protocol-private.h"

G_DEFINE_QUARK (confab-protocol-error-quark, confab_protocol_error)

/* The strict check recurses once per level; deeper limits than this are a mistake. */
#define DEPTH_LIMIT_MAX 1024

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
  guint depth;
  guint max_depth;
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

  if (++s->depth > s->max_depth)
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

/* Recursion is bounded by max_depth. */
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

/* Size, UTF-8, strict syntax and depth, without recursing deeper than max_depth. */
static gboolean
check_text (const char *data,
            gsize       length,
            gsize       max_size,
            guint       max_depth,
            gboolean    known_utf8,
            GError    **error)
{
  const char *invalid = NULL;
  Scanner s = { data, data, data + length, 0, max_depth };
  ScanResult res;

  if (length > max_size)
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE,
                   _("%lu bytes long, more than the limit of %lu"),
                   (gulong) length, (gulong) max_size);
      return FALSE;
    }

  if (!known_utf8 && !g_utf8_validate_len (data, length, &invalid))
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                   _("not valid UTF-8 (at byte %lu)"),
                   (gulong) (invalid - data));
      return FALSE;
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
                   _("JSON nested deeper than %u levels"), max_depth);
      return FALSE;
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
      return FALSE;
    }

  return TRUE;
}

/**
 * confab_json_parse_full:
 * @data: (array length=length): JSON text, not necessarily NUL-terminated
 * @length: its length in bytes
 * @max_size: the largest length accepted, in bytes
 * @max_depth: the deepest nesting accepted (an array or object is one level), at most 1024
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * Checks size, UTF-8, strict JSON syntax (RFC 8259, no lone surrogate escapes) and nesting
 * depth without recursing deeper than @max_depth, then parses. json-glib accepts more than
 * JSON (comments, single quotes) and recurses once per level, so it only ever sees text this
 * has accepted. Too large or too deep is %CONFAB_PROTOCOL_ERROR_TOO_LARGE, anything else
 * %CONFAB_PROTOCOL_ERROR_MALFORMED.
 *
 * Returns: (transfer full) (nullable): the root node, any type
 */
/* ------------------------------------------------------------------------------------------ */
/* Building the tree                                                                          */
/* ------------------------------------------------------------------------------------------ */

/* Text that check_text() has accepted is built into json-glib nodes here in one pass. json-glib's
 * own parser reads it through a GScanner a character at a time (a megabyte string is appended
 * to a GString byte by byte) and was most of a frame's cost. What this reads the same way as
 * json-glib: integers as G_TYPE_INT64, numbers with a fraction or exponent as doubles
 * (g_ascii_strtod), escapes and surrogate pairs as UTF-8, and a repeated member replacing the
 * one before. The few things json-glib reads its own way (an integer of 19 digits or more,
 * which it wraps around; an escaped NUL) are left to json-glib: build() then says it could not.
 * Recursion is bounded by the depth check_text() has enforced. */
typedef struct {
  const char *p;
  const char *end;
  GString *buf;
} Builder;

static void
build_skip_space (Builder *b)
{
  while (*b->p == ' ' || *b->p == '\t' || *b->p == '\n' || *b->p == '\r')
    b->p++;
}

static int
hex4 (const char *p)
{
  int value = 0;

  for (int i = 0; i < 4; i++)
    value = value * 16 + g_ascii_xdigit_value (p[i]);
  return value;
}

/* The string at b->p (its opening quote), unescaped into b->buf; FALSE for an escaped NUL. */
static gboolean
build_string (Builder *b)
{
  const char *run;

  g_string_truncate (b->buf, 0);
  b->p++;
  for (;;)
    {
      run = b->p;
      while (*b->p != '"' && *b->p != '\\')
        b->p++;
      g_string_append_len (b->buf, run, b->p - run);
      if (*b->p == '"')
        {
          b->p++;
          return TRUE;
        }

      b->p++;  /* the backslash */
      switch (*b->p++)
        {
        case 'b': g_string_append_c (b->buf, '\b'); break;
        case 'f': g_string_append_c (b->buf, '\f'); break;
        case 'n': g_string_append_c (b->buf, '\n'); break;
        case 'r': g_string_append_c (b->buf, '\r'); break;
        case 't': g_string_append_c (b->buf, '\t'); break;
        case 'u':
          {
            gunichar c = (gunichar) hex4 (b->p);

            b->p += 4;
            /* check_text() let through only whole pairs */
            if (c >= 0xd800 && c <= 0xdbff)
              {
                gunichar low = (gunichar) hex4 (b->p + 2);

                b->p += 6;
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
              }
            if (c == 0)
              return FALSE;
            g_string_append_unichar (b->buf, c);
          }
          break;
        default:  /* " \ / */
          g_string_append_c (b->buf, b->p[-1]);
          break;
        }
    }
}

static JsonNode *build_value (Builder *b);

static JsonNode *
build_number (Builder *b)
{
  const char *start = b->p;
  gboolean is_double = FALSE;
  gsize digits = 0;
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *long_text = NULL;
  const char *number;

  if (*b->p == '-')
    b->p++;
  /* a number may end the text, which need not end in a NUL */
  for (; b->p < b->end && (g_ascii_isdigit (*b->p) || *b->p == '.' || *b->p == 'e' || *b->p == 'E' ||
                           *b->p == '+' || *b->p == '-'); b->p++)
    {
      if (g_ascii_isdigit (*b->p))
        digits++;
      else
        is_double = TRUE;
    }

  if (!is_double && digits >= 19)
    return NULL;

  if ((gsize) (b->p - start) < sizeof text)
    {
      memcpy (text, start, b->p - start);
      text[b->p - start] = '\0';
      number = text;
    }
  else
    {
      number = long_text = g_strndup (start, b->p - start);
    }

  if (is_double)
    return json_node_init_double (json_node_alloc (), g_ascii_strtod (number, NULL));
  return json_node_init_int (json_node_alloc (), g_ascii_strtoll (number, NULL, 10));
}

static JsonNode *
build_object (Builder *b)
{
  g_autoptr(JsonObject) object = json_object_new ();

  b->p++;
  build_skip_space (b);
  if (*b->p == '}')
    {
      b->p++;
      return json_node_init_object (json_node_alloc (), object);
    }

  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode *member;

      build_skip_space (b);
      if (!build_string (b))
        return NULL;
      name = g_strndup (b->buf->str, b->buf->len);
      build_skip_space (b);
      b->p++;  /* : */
      member = build_value (b);
      if (member == NULL)
        return NULL;
      json_object_set_member (object, name, member);
      build_skip_space (b);
      if (*b->p++ == '}')
        return json_node_init_object (json_node_alloc (), object);
      /* , */
    }
}

static JsonNode *
build_array (Builder *b)
{
  g_autoptr(JsonArray) array = json_array_new ();

  b->p++;
  build_skip_space (b);
  if (*b->p == ']')
    {
      b->p++;
      return json_node_init_array (json_node_alloc (), array);
    }

  for (;;)
    {
      JsonNode *element = build_value (b);

      if (element == NULL)
        return NULL;
      json_array_add_element (array, element);
      build_skip_space (b);
      if (*b->p++ == ']')
        return json_node_init_array (json_node_alloc (), array);
      /* , */
    }
}

static JsonNode *
build_value (Builder *b)
{
  build_skip_space (b);
  switch (*b->p)
    {
    case '{':
      return build_object (b);
    case '[':
      return build_array (b);
    case '"':
      if (!build_string (b))
        return NULL;
      return json_node_init_string (json_node_alloc (), b->buf->str);
    case 't':
      b->p += 4;
      return json_node_init_boolean (json_node_alloc (), TRUE);
    case 'f':
      b->p += 5;
      return json_node_init_boolean (json_node_alloc (), FALSE);
    case 'n':
      b->p += 4;
      return json_node_init_null (json_node_alloc ());
    default:
      return build_number (b);
    }
}

/* The tree of text check_text() accepted, or NULL where json-glib must read it (see above).
 * Only a number can end the text; everything else is closed by a character check_text() saw. */
static JsonNode *
build (const char *data,
       gsize       length)
{
  Builder b = { data, data + length, g_string_new (NULL) };
  JsonNode *root = build_value (&b);

  g_string_free (b.buf, TRUE);
  return root;
}

static JsonNode *
parse_checked (const char *data,
               gsize       length,
               gsize       max_size,
               guint       max_depth,
               gboolean    known_utf8,
               GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (max_depth <= DEPTH_LIMIT_MAX, NULL);

  if (data == NULL)
    data = "";

  if (!check_text (data, length, max_size, max_depth, known_utf8, error))
    return NULL;

  root = build (data, length);
  if (root != NULL)
    return root;

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

JsonNode *
confab_json_parse_full (const char *data,
                        gsize       length,
                        gsize       max_size,
                        guint       max_depth,
                        GError    **error)
{
  return parse_checked (data, length, max_size, max_depth, FALSE, error);
}

JsonNode *
_confab_json_parse_utf8 (const char *data,
                         gsize       length,
                         GError    **error)
{
  return parse_checked (data, length, CONFAB_JSON_MAX_SIZE, CONFAB_JSON_MAX_DEPTH, TRUE, error);
}

/**
 * confab_json_parse:
 * @data: (array length=length): JSON text, not necessarily NUL-terminated
 * @length: its length in bytes
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * confab_json_parse_full() with the limits of a frame, %CONFAB_JSON_MAX_SIZE and
 * %CONFAB_JSON_MAX_DEPTH.
 *
 * Returns: (transfer full) (nullable): the root node, any type
 */
JsonNode *
confab_json_parse (const char *data,
                   gsize       length,
                   GError    **error)
{
  return confab_json_parse_full (data, length, CONFAB_JSON_MAX_SIZE, CONFAB_JSON_MAX_DEPTH, error);
}

/**
 * confab_json_too_deep:
 * @data: (array length=length): text
 * @length: its length in bytes
 * @max_depth: the deepest nesting allowed, at most 1024
 *
 * Whether the text must not reach json-glib's own parser: it nests deeper than @max_depth,
 * or it is not strict JSON. In the second case json-glib (which reads comments and single
 * quotes) could see brackets a strict check cannot, so no depth is vouched for. Prefer
 * confab_json_parse_full(), which checks and parses in one go.
 *
 * Returns: %TRUE when the text nests too deeply or is not JSON
 */
gboolean
confab_json_too_deep (const char *data,
                      gsize       length,
                      guint       max_depth)
{
  g_return_val_if_fail (data != NULL || length == 0, TRUE);
  g_return_val_if_fail (max_depth <= DEPTH_LIMIT_MAX, TRUE);

  return !check_text (data != NULL ? data : "", length, G_MAXSIZE, max_depth, FALSE, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Compact JSON output                                                                        */
/* ------------------------------------------------------------------------------------------ */

void
confab_json_write_string (GString    *out,
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
          /* the fewest significant digits (15, 16 or 17) that read back as the same
           * double: -73.99, not -73.989999999999995 */
          static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

          for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
            {
              g_ascii_formatd (buf, sizeof buf, formats[i], d);
              if (g_ascii_strtod (buf, NULL) == d)
                break;
            }
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
      confab_json_write_string (out, json_node_get_string (node));
    }
  else
    {
      g_string_append (out, "null");
    }
}

void
confab_json_write (GString  *out,
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
            confab_json_write_string (out, name);
            g_string_append_c (out, ':');
            confab_json_write (out, json_object_get_member (object, name));
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
            confab_json_write (out, json_array_get_element (array, i));
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

char *
confab_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  confab_json_write (out, node);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Tolerant member access                                                                     */
/* ------------------------------------------------------------------------------------------ */

JsonNode *
confab_json_get_node (JsonObject *object,
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
confab_json_get_object (JsonObject *object,
                        const char *name)
{
  JsonNode *node = confab_json_get_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
confab_json_get_array (JsonObject *object,
                       const char *name)
{
  JsonNode *node = confab_json_get_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

const char *
confab_json_node_get_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
confab_json_get_string (JsonObject *object,
                        const char *name)
{
  return confab_json_node_get_string (confab_json_get_node (object, name));
}

char *
confab_json_node_dup_string (JsonNode *node)
{
  const char *str = confab_json_node_get_string (node);

  if (str == NULL)
    return NULL;
  /* json-glib turns a lone \ud800 escape into bytes that are not UTF-8 */
  if (!g_utf8_validate (str, -1, NULL))
    return g_utf8_make_valid (str, -1);
  return g_strdup (str);
}

char *
confab_json_dup_string (JsonObject *object,
                        const char *name)
{
  return confab_json_node_dup_string (confab_json_get_node (object, name));
}

gboolean
confab_json_lookup_boolean (JsonObject *object,
                            const char *name,
                            gboolean   *value)
{
  JsonNode *node = confab_json_get_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
confab_json_node_lookup_int (JsonNode *node,
                             gint64   *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *value = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* the range check comes first: the cast is only defined within range */
      if (isnan (d) || d < -9.0e15 || d > 9.0e15 || d != (double) (gint64) d)
        return FALSE;
      *value = (gint64) d;
      return TRUE;
    }
  return FALSE;
}

gboolean
confab_json_lookup_int (JsonObject *object,
                        const char *name,
                        gint64     *value)
{
  return confab_json_node_lookup_int (confab_json_get_node (object, name), value);
}

gint64
confab_json_get_int (JsonObject *object,
                     const char *name)
{
  gint64 value = 0;

  confab_json_lookup_int (object, name, &value);
  return value;
}

gboolean
confab_json_node_lookup_int_lenient (JsonNode *node,
                                     gint64   *value)
{
  GType type;

  /* what the exact reading takes, then doubles truncated and decimal strings */
  if (confab_json_node_lookup_int (node, value))
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* out of range would make the cast undefined */
      if (!isfinite (d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return FALSE;
      *value = (gint64) d;
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);
      gint64 parsed;

      if (str == NULL || !g_ascii_string_to_signed (str, 10, G_MININT64, G_MAXINT64, &parsed, NULL))
        return FALSE;
      *value = parsed;
      return TRUE;
    }
  return FALSE;
}

gboolean
confab_json_lookup_int_lenient (JsonObject *object,
                                const char *name,
                                gint64     *value)
{
  return confab_json_node_lookup_int_lenient (confab_json_get_node (object, name), value);
}

guint
confab_json_list_init (ConfabJsonList *list,
                       JsonObject     *object,
                       const char     *name)
{
  JsonNode *node = confab_json_get_node (object, name);

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
confab_json_list_get (const ConfabJsonList *list,
                      guint                 index)
{
  g_return_val_if_fail (index < list->length, NULL);

  if (list->array != NULL)
    return json_array_get_element (list->array, index);
  return list->single;
}
