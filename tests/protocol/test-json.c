/* test-json.c: the strict JSON reader, the compact writer and the member accessors
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

/* open repeated depth times, then close as often */
static char *
nested (const char *open,
        const char *close,
        guint       depth)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (out, open);
  for (guint i = 0; i < depth; i++)
    g_string_append (out, close);
  return g_string_free (out, FALSE);
}

static JsonObject *
parse_object (const char *text,
              JsonNode  **root)
{
  g_autoptr(GError) error = NULL;

  *root = confab_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*root));
  return json_node_get_object (*root);
}

static void
test_parse_values (void)
{
  const char *good[] = {
    "{}", "[]", "0", "-0", "1.5e-3", "\"\"", "true", "false", "null",
    " \t\r\n{\"a\" : [1, {\"b\":null}] }\n",
    "\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = confab_json_parse (good[i], strlen (good[i]), &error);

      g_assert_no_error (error);
      g_assert_nonnull (root);
    }
}

static void
test_parse_strict (void)
{
  /* all of these json-glib reads without a word */
  const char *lax[] = {
    "", " ", "/* c */ {}", "{} // c", "{'a':1}", "[1,]", "{\"a\":1,}", "{} {}", "[01]", "[.5]",
    "[1.]", "[+1]", "[NaN]", "[Infinity]", "{a:1}", "\"\\ud800\"", "\"\\udc00x\"",
    "\"\\ud800\\u0041\"", "\"\\x41\"", "\"tab\there\"", "[1 2]", "{\"a\" 1}", "[\"a\"",
    "tru", "nul",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lax); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = confab_json_parse (lax[i], strlen (lax[i]), &error);

      g_assert_null (root);
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) root = confab_json_parse ("[\"\xff\"]", 5, &error);

    g_assert_null (root);
    g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
  }

  {
    /* not NUL-terminated: only length bytes are read */
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) root = confab_json_parse ("[1]garbage", 3, &error);

    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  }
}

static void
test_parse_limits (void)
{
  g_autofree char *at_limit = nested ("[", "]", CONFAB_JSON_MAX_DEPTH);
  g_autofree char *over_limit = nested ("[", "]", CONFAB_JSON_MAX_DEPTH + 1);
  g_autofree char *objects = nested ("{\"a\":", "}", CONFAB_JSON_MAX_DEPTH + 1);
  g_autofree char *very_deep = nested ("[", "]", 1000000);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  /* the defaults are a frame's */
  g_assert_cmpuint (CONFAB_JSON_MAX_SIZE, ==, CONFAB_FRAME_MAX_SIZE);
  g_assert_cmpuint (CONFAB_JSON_MAX_DEPTH, ==, CONFAB_FRAME_MAX_DEPTH);

  root = confab_json_parse (at_limit, strlen (at_limit), &error);
  g_assert_no_error (error);
  g_clear_pointer (&root, json_node_unref);

  root = confab_json_parse (over_limit, strlen (over_limit), &error);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  g_clear_error (&error);
  root = confab_json_parse (objects, strlen (objects), &error);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  g_clear_error (&error);
  root = confab_json_parse (very_deep, strlen (very_deep), &error);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* the caller's depth */
  root = confab_json_parse_full (over_limit, strlen (over_limit), G_MAXSIZE, CONFAB_JSON_MAX_DEPTH + 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&root, json_node_unref);
  root = confab_json_parse_full ("[[1]]", 5, G_MAXSIZE, 1, &error);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  g_clear_error (&error);
  root = confab_json_parse_full ("1", 1, G_MAXSIZE, 0, &error);
  g_assert_no_error (error);
  g_clear_pointer (&root, json_node_unref);

  /* the caller's size: the limit itself is accepted, one byte more is not */
  root = confab_json_parse_full ("[1, 2]", 6, 6, CONFAB_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  g_clear_pointer (&root, json_node_unref);
  root = confab_json_parse_full ("[1, 2]", 6, 5, CONFAB_JSON_MAX_DEPTH, &error);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  {
    /* a state file may be larger than a frame */
    gsize len = CONFAB_JSON_MAX_SIZE + 2;
    g_autofree char *big = g_malloc (len);

    memset (big, ' ', len);
    big[0] = '[';
    big[len - 1] = ']';
    root = confab_json_parse (big, len, &error);
    g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
    g_clear_error (&error);
    root = confab_json_parse_full (big, len, G_MAXSIZE, CONFAB_JSON_MAX_DEPTH, &error);
    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  }
}

static void
test_too_deep (void)
{
  g_autofree char *at_limit = nested ("{\"k\":[", "]}", 10);
  g_autofree char *deep = nested ("[", "]", 11);
  /* a lax parser reads the comments, and would see all these brackets */
  g_autofree char *hidden = g_strconcat ("/* \" */", deep, "/* \" */", NULL);
  g_autofree char *in_string = g_strdup ("[\"[[[[[[[[[[[[[[[[[[[[[[\"]");

  g_assert_false (confab_json_too_deep (at_limit, strlen (at_limit), 20));
  g_assert_true (confab_json_too_deep (at_limit, strlen (at_limit), 19));
  g_assert_true (confab_json_too_deep (deep, strlen (deep), 10));
  g_assert_false (confab_json_too_deep (deep, strlen (deep), 11));
  g_assert_true (confab_json_too_deep (hidden, strlen (hidden), 10));
  g_assert_true (confab_json_too_deep (hidden, strlen (hidden), 1000));
  g_assert_false (confab_json_too_deep (in_string, strlen (in_string), 1));
  g_assert_true (confab_json_too_deep ("{'a':[[1]]}", 11, 10));
  /* no size limit of its own */
  {
    gsize len = CONFAB_JSON_MAX_SIZE + 2;
    g_autofree char *big = g_malloc (len);

    memset (big, ' ', len);
    big[0] = '[';
    big[len - 1] = ']';
    g_assert_false (confab_json_too_deep (big, len, 1));
  }
}

static void
test_accessors_wrong_types (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = parse_object ("{\"s\":\"text\",\"i\":7,\"d\":2.5,\"b\":true,\"n\":null,"
                                     "\"a\":[1],\"o\":{\"x\":1}}", &root);
  const char *names[] = { "s", "i", "d", "b", "n", "a", "o", "missing" };
  gint64 value;
  gboolean flag;

  /* each accessor answers only for its own type, and never warns (fatal in tests) */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *name = names[i];
      g_autofree char *copy = confab_json_dup_string (object, name);
      gboolean is_string = g_str_equal (name, "s");
      gboolean is_number = g_str_equal (name, "i") || g_str_equal (name, "d");

      g_assert_true ((confab_json_get_node (object, name) != NULL) ==
                     !(g_str_equal (name, "n") || g_str_equal (name, "missing")));
      g_assert_true ((confab_json_get_string (object, name) != NULL) == is_string);
      g_assert_true ((copy != NULL) == is_string);
      g_assert_true ((confab_json_get_object (object, name) != NULL) == g_str_equal (name, "o"));
      g_assert_true ((confab_json_get_array (object, name) != NULL) == g_str_equal (name, "a"));
      g_assert_true (confab_json_lookup_boolean (object, name, &flag) == g_str_equal (name, "b"));
      g_assert_true (confab_json_lookup_int (object, name, &value) == g_str_equal (name, "i"));
      g_assert_true (confab_json_lookup_int_lenient (object, name, &value) == is_number);
    }

  g_assert_cmpstr (confab_json_get_string (object, "s"), ==, "text");
  g_assert_cmpint (confab_json_get_int (object, "i"), ==, 7);
  g_assert_cmpint (confab_json_get_int (object, "s"), ==, 0);
  g_assert_true (confab_json_lookup_boolean (object, "b", &flag) && flag);

  /* no object at all: everything is missing */
  g_assert_null (confab_json_get_node (NULL, "s"));
  g_assert_null (confab_json_get_string (NULL, "s"));
  g_assert_null (confab_json_dup_string (NULL, "s"));
  g_assert_null (confab_json_get_object (NULL, "o"));
  g_assert_null (confab_json_get_array (NULL, "a"));
  g_assert_false (confab_json_lookup_boolean (NULL, "b", &flag));
  g_assert_false (confab_json_lookup_int (NULL, "i", &value));
  g_assert_false (confab_json_lookup_int_lenient (NULL, "i", &value));
  g_assert_cmpint (confab_json_get_int (NULL, "i"), ==, 0);
  g_assert_null (confab_json_node_get_string (NULL));
  g_assert_null (confab_json_node_dup_string (NULL));
  g_assert_false (confab_json_node_lookup_int (NULL, &value));
  g_assert_false (confab_json_node_lookup_int_lenient (NULL, &value));
}

static void
test_integers (void)
{
  const struct {
    const char *json;
    gboolean exact;          /* confab_json_lookup_int */
    gint64 exact_value;
    gboolean lenient;        /* confab_json_lookup_int_lenient */
    gint64 lenient_value;
  } cases[] = {
    { "0", TRUE, 0, TRUE, 0 },
    { "-12", TRUE, -12, TRUE, -12 },
    { "9223372036854775807", TRUE, G_MAXINT64, TRUE, G_MAXINT64 },
    { "-9223372036854775808", TRUE, G_MININT64, TRUE, G_MININT64 },
    { "3.0", TRUE, 3, TRUE, 3 },
    { "7.9", FALSE, 0, TRUE, 7 },
    { "-7.9", FALSE, 0, TRUE, -7 },
    { "9e15", TRUE, 9000000000000000, TRUE, 9000000000000000 },
    { "1e16", FALSE, 0, TRUE, 10000000000000000 },
    { "1e300", FALSE, 0, FALSE, 0 },
    { "-1e300", FALSE, 0, FALSE, 0 },
    { "\"42\"", FALSE, 0, TRUE, 42 },
    { "\"-42\"", FALSE, 0, TRUE, -42 },
    { "\"4x\"", FALSE, 0, FALSE, 0 },
    { "\"\"", FALSE, 0, FALSE, 0 },
    { "\"99999999999999999999\"", FALSE, 0, FALSE, 0 },
    { "true", FALSE, 0, FALSE, 0 },
    { "null", FALSE, 0, FALSE, 0 },
    { "[1]", FALSE, 0, FALSE, 0 },
    { "{}", FALSE, 0, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"v\":%s}", cases[i].json);
      g_autoptr(JsonNode) root = NULL;
      JsonObject *object = parse_object (text, &root);
      gint64 value = -1;

      g_test_message ("%s", cases[i].json);
      g_assert_true (confab_json_lookup_int (object, "v", &value) == cases[i].exact);
      if (cases[i].exact)
        g_assert_cmpint (value, ==, cases[i].exact_value);
      else
        g_assert_cmpint (value, ==, -1);
      g_assert_cmpint (confab_json_get_int (object, "v"), ==, cases[i].exact_value);

      value = -1;
      g_assert_true (confab_json_lookup_int_lenient (object, "v", &value) == cases[i].lenient);
      if (cases[i].lenient)
        g_assert_cmpint (value, ==, cases[i].lenient_value);
      else
        g_assert_cmpint (value, ==, -1);
    }

  {
    /* doubles json-glib cannot produce from text, made by hand */
    g_autoptr(JsonNode) inf = json_node_init_double (json_node_alloc (), INFINITY);
    g_autoptr(JsonNode) nan = json_node_init_double (json_node_alloc (), NAN);
    gint64 value;

    g_assert_false (confab_json_node_lookup_int (inf, &value));
    g_assert_false (confab_json_node_lookup_int (nan, &value));
    g_assert_false (confab_json_node_lookup_int_lenient (inf, &value));
    g_assert_false (confab_json_node_lookup_int_lenient (nan, &value));
  }
}

static void
test_strings (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = parse_object ("{\"e\":\"\",\"u\":\"\\u00e9\\ud83d\\ude00\"}", &root);
  g_autoptr(JsonNode) bad = json_node_init_string (json_node_alloc (), "ok\xed\xa0\x80");
  g_autofree char *empty = confab_json_dup_string (object, "e");
  g_autofree char *unicode = confab_json_dup_string (object, "u");
  g_autofree char *valid = confab_json_node_dup_string (bad);

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (unicode, ==, "é\xf0\x9f\x98\x80");

  /* a node from elsewhere may hold bytes that are not UTF-8: a copy never does */
  g_assert_cmpstr (confab_json_node_get_string (bad), ==, "ok\xed\xa0\x80");
  g_assert_true (g_utf8_validate (valid, -1, NULL));
  g_assert_true (g_str_has_prefix (valid, "ok"));
}

static void
test_list (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = parse_object ("{\"array\":[1,\"b\",null],\"bare\":{\"x\":1},\"empty\":[],\"null\":null}", &root);
  ConfabJsonList list;
  gint64 value;

  g_assert_cmpuint (confab_json_list_init (&list, object, "array"), ==, 3);
  g_assert_true (confab_json_node_lookup_int (confab_json_list_get (&list, 0), &value) && value == 1);
  g_assert_cmpstr (confab_json_node_get_string (confab_json_list_get (&list, 1)), ==, "b");
  g_assert_true (JSON_NODE_HOLDS_NULL (confab_json_list_get (&list, 2)));

  g_assert_cmpuint (confab_json_list_init (&list, object, "bare"), ==, 1);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (confab_json_list_get (&list, 0)));

  g_assert_cmpuint (confab_json_list_init (&list, object, "empty"), ==, 0);
  g_assert_cmpuint (confab_json_list_init (&list, object, "null"), ==, 0);
  g_assert_cmpuint (confab_json_list_init (&list, object, "missing"), ==, 0);
  g_assert_cmpuint (confab_json_list_init (&list, NULL, "array"), ==, 0);
}

static void
test_write (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "z");
  json_builder_add_string_value (builder, "\x01\t\n\"\\/é😀");
  json_builder_set_member_name (builder, "a");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, G_MININT64);
  json_builder_add_double_value (builder, 2.0);
  json_builder_add_double_value (builder, INFINITY);
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_add_null_value (builder);
  json_builder_add_string_value (builder, "bad\xff");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "o");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  /* compact, in insertion order, control characters escaped, nothing JSON cannot hold */
  text = confab_json_to_string (node);
  g_assert_cmpstr (text, ==,
                   "{\"z\":\"\\u0001\\t\\n\\\"\\\\/é😀\","
                   "\"a\":[-9223372036854775808,2.0,null,false,null,\"bad\xef\xbf\xbd\"],\"o\":{}}");

  again = confab_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  text_again = confab_json_to_string (again);
  g_assert_cmpstr (text_again, ==, text);

  {
    g_autofree char *null_text = confab_json_to_string (NULL);
    GString *out = g_string_new ("x");

    g_assert_cmpstr (null_text, ==, "null");
    confab_json_write_string (out, "q\"");
    g_assert_cmpstr (out->str, ==, "x\"q\\\"\"");
    g_string_free (out, TRUE);
  }
}

/* Doubles are written with the fewest of 15, 16 or 17 digits that reads back exactly, so
 * coordinates read as sent. */
static void
test_write_doubles (void)
{
  const struct {
    double value;
    const char *text;
  } cases[] = {
    { -73.99, "-73.99" },
    { 40.75, "40.75" },
    { 0.1, "0.1" },
    { 2.0, "2.0" },
    { -0.0, "-0.0" },
    { 1e300, "1e+300" },
    { 5e-324, "4.94065645841247e-324" },
    { 0.30000000000000004, "0.30000000000000004" },
    { 1.0 / 3.0, "0.3333333333333333" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), cases[i].value);
      g_autofree char *text = confab_json_to_string (node);
      g_autoptr(JsonNode) again = confab_json_parse (text, strlen (text), NULL);

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_nonnull (again);
      g_assert_true (json_node_get_double (again) == cases[i].value);
    }
}

/* The tree confab_json_parse() builds is the one json-glib's parser builds from the same
 * text: value types, escapes, surrogate pairs, repeated members, numbers at the edges, and text
 * that is not NUL-terminated. */
static void
test_same_as_json_glib (void)
{
  static const char *const inputs[] = {
    "5", "-0", "1.0", "1e5", "-1E-3", "0.1", "1.7976931348623157e308", "[1e400]",
    "9223372036854775807", "-9223372036854775808", "18446744073709551615", "123456789012345678",
    "\"\\u0041\\u00e9\\ud83d\\ude00\"", "\"a\\/b\\\\\\\"c\\b\\f\\n\\r\\t\"",
    "{\"a\":1,\"a\":2}", "[]", "{}", "\"\"", "[1,[2,[3,{}]]]",
    " {\"x\" : [ true , false , null ] } ", "\"\\u0000x\"", "{\"k\\u00e9y\":\"v\",\"n\":{\"m\":[-1,2.5]}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      gsize len = strlen (inputs[i]);
      /* not NUL-terminated: a copy with a digit after it */
      g_autofree char *copy = g_strdup_printf ("%s7", inputs[i]);
      g_autoptr(JsonNode) ours = confab_json_parse (copy, len, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *ours_text = NULL;
      g_autofree char *theirs_text = NULL;

      g_assert_nonnull (ours);
      g_assert_true (json_parser_load_from_data (parser, inputs[i], (gssize) len, NULL));
      ours_text = json_to_string (ours, FALSE);
      theirs_text = json_to_string (json_parser_get_root (parser), FALSE);
      g_assert_cmpstr (ours_text, ==, theirs_text);
      g_assert_true (json_node_equal (ours, json_parser_get_root (parser)));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/json/parse-values", test_parse_values);
  g_test_add_func ("/protocol/json/parse-strict", test_parse_strict);
  g_test_add_func ("/protocol/json/parse-limits", test_parse_limits);
  g_test_add_func ("/protocol/json/too-deep", test_too_deep);
  g_test_add_func ("/protocol/json/accessors-wrong-types", test_accessors_wrong_types);
  g_test_add_func ("/protocol/json/integers", test_integers);
  g_test_add_func ("/protocol/json/strings", test_strings);
  g_test_add_func ("/protocol/json/list", test_list);
  g_test_add_func ("/protocol/json/write", test_write);
  g_test_add_func ("/protocol/json/write-doubles", test_write_doubles);
  g_test_add_func ("/protocol/json/same-as-json-glib", test_same_as_json_glib);

  return g_test_run ();
}
