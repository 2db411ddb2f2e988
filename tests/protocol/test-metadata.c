/* test-metadata.c: the metadata of requests, changes and clicks
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = confab_json_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  return node;
}

static void
assert_json (JsonNode   *node,
             const char *expected)
{
  g_autofree char *text = confab_json_to_string (node);

  g_assert_cmpstr (text, ==, expected);
}

/* The builders write the documented shapes exactly, member for member. */
static void
test_builders (void)
{
  static const char * const answers[] = { "a1", "a2", NULL };
  static const char * const none[] = { NULL };
  g_autoptr(JsonNode) external = confab_metadata_new_external_id ("buy-1");
  g_autoptr(JsonNode) question = confab_metadata_new_survey_question ("s1", "q1", answers);
  g_autoptr(JsonNode) empty_question = confab_metadata_new_survey_question ("s1", "q2", none);
  g_autoptr(JsonNode) answer = confab_metadata_new_survey_answer ("q1", "a2");
  g_autoptr(JsonNode) quoted = confab_metadata_new_external_id ("\"x\"\n");

  assert_json (external, "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]");
  assert_json (question, "[{\"type\":\"Question\",\"id\":\"q1\",\"surveyId\":\"s1\",\"provider\":\"AC\","
                         "\"replies\":[\"a1\",\"a2\"]}]");
  assert_json (empty_question, "[{\"type\":\"Question\",\"id\":\"q2\",\"surveyId\":\"s1\",\"provider\":\"AC\","
                               "\"replies\":[]}]");
  assert_json (answer, "[{\"type\":\"Answer\",\"questionId\":\"q1\",\"id\":\"a2\",\"provider\":\"AC\"}]");
  assert_json (quoted, "[{\"type\":\"ExternalId\",\"id\":\"\\\"x\\\"\\n\"}]");

  /* what they build is what the service keeps */
  g_assert_true (confab_metadata_is_acceptable (external, NULL));
  g_assert_true (confab_metadata_is_acceptable (question, NULL));
  g_assert_true (confab_metadata_is_acceptable (answer, NULL));
}

static void
test_find (void)
{
  g_autoptr(JsonNode) list = parse ("[{\"type\":\"Answer\",\"questionId\":\"q\",\"id\":\"a\"},"
                                    "7,null,{\"id\":\"no type\"},"
                                    "{\"type\":\"ExternalId\",\"id\":\"first\"},"
                                    "{\"type\":\"ExternalId\",\"id\":\"second\"}]");
  g_autoptr(JsonNode) bare = parse ("{\"type\":\"ExternalId\",\"id\":\"bare\"}");
  g_autoptr(JsonNode) wrong = parse ("\"ExternalId\"");
  g_autoptr(JsonNode) number_id = parse ("[{\"type\":\"ExternalId\",\"id\":5}]");

  g_assert_cmpstr (confab_metadata_get_string (list, "ExternalId", "id"), ==, "first");
  g_assert_cmpstr (confab_metadata_get_string (list, "Answer", "questionId"), ==, "q");
  g_assert_null (confab_metadata_get_string (list, "Question", "id"));
  g_assert_null (confab_metadata_get_string (list, "ExternalId", "nothing"));
  /* a bare object is a list of one */
  g_assert_cmpstr (confab_metadata_get_string (bare, "ExternalId", "id"), ==, "bare");
  g_assert_null (confab_metadata_find (bare, "Answer"));
  g_assert_null (confab_metadata_find (wrong, "ExternalId"));
  g_assert_null (confab_metadata_find (NULL, "ExternalId"));
  /* a member of the wrong type is missing */
  g_assert_nonnull (confab_metadata_find (number_id, "ExternalId"));
  g_assert_null (confab_metadata_get_string (number_id, "ExternalId", "id"));
}

static void
test_acceptable (void)
{
  g_autofree char *id_64 = g_strnfill (64, 'i');
  g_autofree char *id_65 = g_strnfill (65, 'i');
  g_autofree char *type_65 = g_strnfill (65, 't');
  g_autofree char *big_value = g_strnfill (CONFAB_METADATA_MAX_SIZE, 'v');
  g_autofree char *at_64 = g_strdup_printf ("[{\"type\":\"ExternalId\",\"id\":\"%s\"}]", id_64);
  /* 64 characters, not bytes */
  g_autofree char *wide_64 = NULL;
  g_autofree char *over_64 = g_strdup_printf ("[{\"type\":\"ExternalId\",\"id\":\"%s\"}]", id_65);
  g_autofree char *long_type = g_strdup_printf ("[{\"type\":\"%s\"}]", type_65);
  g_autofree char *too_big = g_strdup_printf ("[{\"type\":\"Note\",\"text\":\"%s\"}]", big_value);
  g_autoptr(GString) many = g_string_new ("[");
  g_autoptr(GString) most = g_string_new ("[");
  g_autoptr(GString) wide = g_string_new (NULL);
  const char *good[] = {
    "[]",
    "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]",
    "[{\"type\":\"Answer\",\"questionId\":\"q\",\"id\":\"a\",\"provider\":\"AC\",\"groupId\":\"g\"}]",
    "[{\"type\":\"Custom\",\"anything\":{\"deep\":[1,2,3]}}]",
    at_64,
  };
  const char *bad[] = {
    "{\"type\":\"ExternalId\",\"id\":\"bare\"}",
    "\"ExternalId\"",
    "null",
    "[7]",
    "[null]",
    "[[{\"type\":\"ExternalId\",\"id\":\"x\"}]]",
    "[{\"id\":\"no type\"}]",
    "[{\"type\":\"\"}]",
    "[{\"type\":7}]",
    "[{\"type\":\"ExternalId\"}]",
    "[{\"type\":\"ExternalId\",\"id\":64}]",
    "[{\"type\":\"ExternalId\",\"id\":\"ok\"},{\"type\":\"ExternalId\"}]",
    over_64,
    long_type,
    too_big,
  };

  for (guint i = 0; i < 64; i++)
    g_string_append (wide, "\xc3\xa9");
  wide_64 = g_strdup_printf ("[{\"type\":\"ExternalId\",\"id\":\"%s\"}]", wide->str);

  for (guint i = 0; i <= CONFAB_METADATA_MAX_ITEMS; i++)
    {
      g_string_append_printf (many, "%s{\"type\":\"ExternalId\",\"id\":\"%u\"}", i > 0 ? "," : "", i);
      if (i < CONFAB_METADATA_MAX_ITEMS)
        g_string_append_printf (most, "%s{\"type\":\"ExternalId\",\"id\":\"%u\"}", i > 0 ? "," : "", i);
    }
  g_string_append_c (many, ']');
  g_string_append_c (most, ']');

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(JsonNode) node = parse (good[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (confab_metadata_is_acceptable (node, &error));
      g_assert_no_error (error);
    }

  {
    g_autoptr(JsonNode) node = parse (wide_64);
    g_autoptr(JsonNode) most_node = parse (most->str);

    g_assert_true (confab_metadata_is_acceptable (node, NULL));
    g_assert_true (confab_metadata_is_acceptable (most_node, NULL));
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse (bad[i]);
      g_autoptr(GError) error = NULL;
      int code = (i == G_N_ELEMENTS (bad) - 1) ? CONFAB_PROTOCOL_ERROR_TOO_LARGE : CONFAB_PROTOCOL_ERROR_MALFORMED;

      g_assert_false (confab_metadata_is_acceptable (node, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, code);
    }

  {
    g_autoptr(JsonNode) node = parse (many->str);
    g_autoptr(GError) error = NULL;

    g_assert_false (confab_metadata_is_acceptable (node, &error));
    g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  }

  g_assert_false (confab_metadata_is_acceptable (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/metadata/builders", test_builders);
  g_test_add_func ("/protocol/metadata/find", test_find);
  g_test_add_func ("/protocol/metadata/acceptable", test_acceptable);

  return g_test_run ();
}
