/* test-frame.c: parsing and building frames
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

static void
assert_parse_fails (const char *text,
                    gssize      length,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFrame) frame = confab_frame_parse (text, length, &error);

  g_assert_null (frame);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, code);
}

static void
test_parse_request (void)
{
  g_autoptr(ConfabFrame) frame =
    confab_test_parse_frame ("{\"kind\":\"req\",\"id\":\"17\",\"type\":\"ms.PublishEvent\",\"body\":{\"dialogId\":\"d\"}}");

  g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_REQUEST);
  g_assert_cmpstr (frame->id, ==, "17");
  g_assert_cmpstr (frame->type, ==, CONFAB_REQ_PUBLISH_EVENT);
  g_assert_cmpint (frame->code, ==, 0);
  g_assert_nonnull (confab_frame_get_body_object (frame));
  g_assert_null (confab_frame_get_body_string (frame));
  g_assert_true (json_object_has_member (confab_frame_get_body_object (frame), "dialogId"));
}

static void
test_parse_response (void)
{
  /* seed 000, step 2 */
  g_autoptr(ConfabFrame) frame =
    confab_test_parse_frame ("{\n\t\"kind\": \"resp\",\n\t\"reqId\": \"1\",\n\t\"code\": 200,\n\t\"body\": {\n"
              "\t\t\"conversationId\": \"7507be78-60ef-4468-b3b1-baa47fbeea21\"\n\t},\n"
              "\t\"type\": \"cm.RequestConversationResponse\"\n}\n");

  g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_RESPONSE);
  g_assert_cmpstr (frame->id, ==, "1");
  g_assert_cmpint (frame->code, ==, 200);
  g_assert_cmpstr (frame->type, ==, "cm.RequestConversationResponse");
  g_assert_nonnull (confab_frame_get_body_object (frame));
}

static void
test_parse_notification (void)
{
  g_autoptr(ConfabFrame) frame =
    confab_test_parse_frame ("{\"kind\":\"notification\",\"type\":\"ms.MessagingEventNotification\",\"body\":{\"changes\":[]}}");

  g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_NOTIFICATION);
  g_assert_null (frame->id);
  g_assert_cmpstr (frame->type, ==, CONFAB_NOTIFY_MESSAGING);
}

static void
test_parse_ids (void)
{
  struct {
    const char *text;
    const char *id;
  } cases[] = {
    { "{\"kind\":\"req\",\"id\":2,\"type\":\"ms.PublishEvent\"}", "2" },
    { "{\"kind\":\"resp\",\"reqId\":17,\"code\":200}", "17" },
    { "{\"kind\":\"resp\",\"reqId\":17.0,\"code\":200}", "17" },
    { "{\"kind\":\"resp\",\"reqId\":-3}", "-3" },
    { "{\"kind\":\"resp\",\"reqId\":9007199254740993}", "9007199254740993" },
    { "{\"kind\":\"resp\",\"id\":\"5\"}", "5" },
    { "{\"kind\":\"resp\",\"reqId\":\"6\",\"id\":\"5\"}", "6" },
    { "{\"kind\":\"req\",\"id\":\"\"}", "" },
    { "{\"kind\":\"req\",\"id\":{}}", NULL },
    { "{\"kind\":\"req\",\"id\":[1]}", NULL },
    { "{\"kind\":\"req\",\"id\":null}", NULL },
    { "{\"kind\":\"req\",\"id\":true}", NULL },
    { "{\"kind\":\"resp\",\"reqId\":1e400}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabFrame) frame = confab_test_parse_frame (cases[i].text);

      g_assert_cmpstr (frame->id, ==, cases[i].id);
    }
}

static void
test_parse_unknown_kind (void)
{
  const char *texts[] = {
    "{\"kind\":\"event\",\"type\":\"x\"}",
    "{\"type\":\"x\"}",
    "{\"kind\":5}",
    "{\"kind\":\"REQ\"}",
    "{}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(ConfabFrame) frame = confab_test_parse_frame (texts[i]);

      g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_UNKNOWN);
    }
}

static void
test_parse_bodies (void)
{
  g_autoptr(ConfabFrame) string_body =
    confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":400,\"body\":\"Bad Request, Conversation is close\"}");
  g_autoptr(ConfabFrame) empty_body = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200,\"body\":{}}");
  g_autoptr(ConfabFrame) no_body = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200}");
  g_autoptr(ConfabFrame) null_body = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"3\",\"body\":null}");
  g_autoptr(ConfabFrame) array_body = confab_test_parse_frame ("{\"kind\":\"resp\",\"reqId\":\"3\",\"body\":[1,2]}");

  g_assert_cmpint (string_body->code, ==, 400);
  g_assert_cmpstr (confab_frame_get_body_string (string_body), ==, "Bad Request, Conversation is close");
  g_assert_null (confab_frame_get_body_object (string_body));

  g_assert_nonnull (confab_frame_get_body_object (empty_body));
  g_assert_cmpuint (json_object_get_size (confab_frame_get_body_object (empty_body)), ==, 0);

  g_assert_null (no_body->body);
  g_assert_null (confab_frame_get_body_object (no_body));
  g_assert_null (confab_frame_get_body_string (no_body));
  g_assert_null (null_body->body);

  g_assert_nonnull (array_body->body);
  g_assert_null (confab_frame_get_body_object (array_body));
  g_assert_null (confab_frame_get_body_string (array_body));
}

static void
test_parse_wrong_types (void)
{
  g_autoptr(ConfabFrame) frame =
    confab_test_parse_frame ("{\"kind\":[\"resp\"],\"reqId\":{\"a\":1},\"code\":\"abc\",\"type\":42,\"body\":7}");
  g_autoptr(ConfabFrame) code_string = confab_test_parse_frame ("{\"kind\":\"resp\",\"code\":\"200\"}");
  g_autoptr(ConfabFrame) code_double = confab_test_parse_frame ("{\"kind\":\"resp\",\"code\":404.0}");
  g_autoptr(ConfabFrame) code_huge = confab_test_parse_frame ("{\"kind\":\"resp\",\"code\":99999999999}");

  g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_UNKNOWN);
  g_assert_null (frame->id);
  g_assert_null (frame->type);
  g_assert_cmpint (frame->code, ==, 0);
  g_assert_null (confab_frame_get_body_object (frame));
  g_assert_null (confab_frame_get_body_string (frame));

  g_assert_cmpint (code_string->code, ==, 200);
  g_assert_cmpint (code_double->code, ==, 404);
  g_assert_cmpint (code_huge->code, ==, 0);
}

static void
test_parse_not_object (void)
{
  const char *texts[] = { "[]", "\"kind\"", "5", "null", "true", "[{\"kind\":\"req\"}]" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_parse_fails (texts[i], -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
}

static void
test_parse_not_json (void)
{
  const char *texts[] = {
    "",
    "   ",
    "{",
    "}",
    "{\"kind\"}",
    "{\"kind\":}",
    "{\"kind\":\"req\",}",
    "{\"kind\":\"req\"}}",
    "{\"kind\":\"req\"} x",
    "{'kind':'req'}",
    "{\"kind\":\"req\" /* comment */}",
    "{\"kind\":\"req\"} // comment",
    "{kind:\"req\"}",
    "{\"a\":0x10}",
    "{\"a\":01}",
    "{\"a\":1.}",
    "{\"a\":.5}",
    "{\"a\":-}",
    "{\"a\":1e}",
    "{\"a\":tru}",
    "{\"a\":nul}",
    "{\"a\":\"\\x\"}",
    "{\"a\":\"\\u12\"}",
    "{\"a\":\"tab\there\"}",
    "{\"a\":[1,,2]}",
    "{\"a\" \"b\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_parse_fails (texts[i], -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
}

static void
test_parse_truncated (void)
{
  const char *text =
    "{\"kind\":\"notification\",\"body\":{\"changes\":[{\"sequence\":0,\"originatorId\":\"734d\","
    "\"serverTimestamp\":1477840831162,\"event\":{\"type\":\"ContentEvent\",\"message\":\"m\\\"\\u00e9\","
    "\"contentType\":\"text/plain\"},\"dialogId\":\"x\"}]},\"type\":\"ms.MessagingEventNotification\"}";
  gsize len = strlen (text);

  for (gsize i = 0; i < len; i++)
    assert_parse_fails (text, (gssize) i, CONFAB_PROTOCOL_ERROR_MALFORMED);

  {
    g_autoptr(ConfabFrame) frame = confab_frame_parse (text, (gssize) len, NULL);
    g_assert_nonnull (frame);
  }
}

static void
test_parse_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFrame) frame = NULL;
  const char bad[] = "{\"kind\":\"req\",\"type\":\"\xff\xfe\"}";
  const char overlong[] = "{\"kind\":\"req\",\"type\":\"\xc0\xaf\"}";
  const char with_nul[] = "{\"kind\":\"req\",\0\"type\":\"x\"}";

  frame = confab_frame_parse (bad, -1, &error);
  g_assert_null (frame);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "UTF-8"));

  assert_parse_fails (overlong, -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
  assert_parse_fails (with_nul, sizeof with_nul - 1, CONFAB_PROTOCOL_ERROR_MALFORMED);
  /* a truncated multi-byte character at the end */
  assert_parse_fails ("{\"a\":\"\xc3", -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
}

static void
test_parse_surrogates (void)
{
  g_autoptr(ConfabFrame) pair = confab_test_parse_frame ("{\"kind\":\"req\",\"type\":\"a\\ud83d\\ude00b\"}");
  g_autofree char *bypass = NULL;
  g_autofree char *brackets = g_strnfill (100000, '[');

  g_assert_cmpstr (pair->type, ==, "a\xf0\x9f\x98\x80" "b");

  /* json-glib makes bytes that are not UTF-8 of a lone surrogate, and swallows the
   * character after it: these are refused */
  assert_parse_fails ("{\"id\":\"\\ud800x\"}", -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
  assert_parse_fails ("{\"id\":\"a\\udc00b\"}", -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
  assert_parse_fails ("{\"id\":\"\\ud800\\u0041\"}", -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
  assert_parse_fails ("{\"id\":\"\\ud800\"}", -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
  assert_parse_fails ("{\"id\":\"\\ud800\\n\"}", -1, CONFAB_PROTOCOL_ERROR_MALFORMED);

  /* where json-glib would take the brackets inside the second string for nesting */
  bypass = g_strdup_printf ("{\"a\":[\"\\ud800\",\"%s\"]}", brackets);
  assert_parse_fails (bypass, -1, CONFAB_PROTOCOL_ERROR_MALFORMED);
}

static char *
nested (const char *open,
        const char *middle,
        const char *close,
        guint       depth)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, open);
  g_string_append (s, middle);
  for (guint i = 0; i < depth; i++)
    g_string_append (s, close);
  return g_string_free (s, FALSE);
}

static void
test_parse_deep (void)
{
  g_autofree char *brackets = g_strnfill (100000, '[');
  g_autofree char *braces = nested ("{\"a\":", "1", "}", 100000);
  g_autofree char *unclosed = nested ("{\"a\":", "", "", 100000);
  g_autofree char *at_limit = NULL;
  g_autofree char *over_limit = NULL;
  g_autofree char *in_string = NULL;
  g_autofree char *inner = NULL;

  assert_parse_fails (brackets, -1, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  assert_parse_fails (braces, -1, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
  assert_parse_fails (unclosed, -1, CONFAB_PROTOCOL_ERROR_TOO_LARGE);

  /* the frame object is level 1 */
  inner = nested ("[", "", "]", CONFAB_FRAME_MAX_DEPTH - 1);
  at_limit = g_strdup_printf ("{\"kind\":\"req\",\"body\":%s}", inner);
  g_clear_pointer (&inner, g_free);
  inner = nested ("[", "", "]", CONFAB_FRAME_MAX_DEPTH);
  over_limit = g_strdup_printf ("{\"kind\":\"req\",\"body\":%s}", inner);
  g_clear_pointer (&inner, g_free);

  {
    g_autoptr(ConfabFrame) frame = confab_test_parse_frame (at_limit);
    g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_REQUEST);
  }
  assert_parse_fails (over_limit, -1, CONFAB_PROTOCOL_ERROR_TOO_LARGE);

  /* brackets inside strings are text, not nesting */
  inner = g_strnfill (100000, '[');
  in_string = g_strdup_printf ("{\"kind\":\"req\",\"type\":\"%s\"}", inner);
  {
    g_autoptr(ConfabFrame) frame = confab_test_parse_frame (in_string);
    g_assert_cmpuint (strlen (frame->type), ==, 100000);
  }
}

static void
test_parse_too_large (void)
{
  g_autofree char *text = g_malloc (CONFAB_FRAME_MAX_SIZE + 2);

  memset (text, ' ', CONFAB_FRAME_MAX_SIZE + 1);
  text[0] = '{';
  text[CONFAB_FRAME_MAX_SIZE] = '}';
  text[CONFAB_FRAME_MAX_SIZE + 1] = '\0';
  assert_parse_fails (text, -1, CONFAB_PROTOCOL_ERROR_TOO_LARGE);

  /* exactly at the limit is fine */
  text[CONFAB_FRAME_MAX_SIZE - 1] = '}';
  {
    g_autoptr(ConfabFrame) frame = confab_frame_parse (text, CONFAB_FRAME_MAX_SIZE, NULL);
    g_assert_nonnull (frame);
  }
}

static void
test_parse_big_string (void)
{
  g_autofree char *big = g_strnfill (1024 * 1024, 'x');
  g_autofree char *text = g_strdup_printf ("{\"kind\":\"resp\",\"reqId\":\"%s\",\"body\":\"%s\"}", big, big);
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);

  g_assert_cmpuint (strlen (frame->id), ==, 1024 * 1024);
  g_assert_cmpuint (strlen (confab_frame_get_body_string (frame)), ==, 1024 * 1024);
}

static void
test_build_request (void)
{
  g_autoptr(JsonNode) body = json_from_string ("{\"dialogId\":\"d\",\"n\":[1,true,null,\"x\"]}", NULL);
  g_autofree char *with_body = confab_frame_build_request ("17", CONFAB_REQ_PUBLISH_EVENT, body);
  g_autofree char *clock = confab_frame_build_request ("9", CONFAB_REQ_GET_CLOCK, NULL);

  g_assert_cmpstr (with_body, ==,
                   "{\"kind\":\"req\",\"id\":\"17\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"d\",\"n\":[1,true,null,\"x\"]}}");
  g_assert_cmpstr (clock, ==, "{\"kind\":\"req\",\"id\":\"9\",\"type\":\"GetClock\"}");
}

static void
test_build_response (void)
{
  g_autoptr(JsonNode) body = json_from_string ("{\"conversationId\":\"c\"}", NULL);
  g_autoptr(JsonNode) text = json_node_new (JSON_NODE_VALUE);
  g_autofree char *object_body = NULL;
  g_autofree char *string_body = NULL;
  g_autofree char *no_type = NULL;

  json_node_set_string (text, "Bad Request, Conversation is close");
  object_body = confab_frame_build_response ("1", 200, "cm.RequestConversationResponse", body);
  string_body = confab_frame_build_response ("2", 400, "ms.PublishEventResponse", text);
  no_type = confab_frame_build_response ("3", 200, NULL, NULL);

  g_assert_cmpstr (object_body, ==,
                   "{\"kind\":\"resp\",\"reqId\":\"1\",\"code\":200,"
                   "\"type\":\"cm.RequestConversationResponse\",\"body\":{\"conversationId\":\"c\"}}");
  g_assert_cmpstr (string_body, ==,
                   "{\"kind\":\"resp\",\"reqId\":\"2\",\"code\":400,\"type\":\"ms.PublishEventResponse\","
                   "\"body\":\"Bad Request, Conversation is close\"}");
  g_assert_cmpstr (no_type, ==, "{\"kind\":\"resp\",\"reqId\":\"3\",\"code\":200}");
}

/* The answer to a request whose id could not be read names no request, but has a reqId. */
static void
test_build_response_without_id (void)
{
  g_autoptr(JsonNode) text = json_node_init_string (json_node_alloc (), "Bad Request, malformed frame");
  g_autofree char *built = confab_frame_build_response (NULL, 400, CONFAB_RESP_GENERIC, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabFrame) frame = NULL;

  g_assert_cmpstr (built, ==,
                   "{\"kind\":\"resp\",\"reqId\":null,\"code\":400,\"type\":\"GenericResponse\","
                   "\"body\":\"Bad Request, malformed frame\"}");

  frame = confab_frame_parse (built, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (frame->kind, ==, CONFAB_FRAME_KIND_RESPONSE);
  g_assert_null (frame->id);
  g_assert_cmpint (frame->code, ==, 400);
}

static void
test_build_notification (void)
{
  g_autoptr(JsonNode) body = json_from_string ("{\"changes\":[{\"sequence\":2}]}", NULL);
  g_autofree char *text = confab_frame_build_notification (CONFAB_NOTIFY_MESSAGING, body);

  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"notification\",\"type\":\"ms.MessagingEventNotification\","
                   "\"body\":{\"changes\":[{\"sequence\":2}]}}");
}

static void
test_build_escapes (void)
{
  const char *user = "say \"hi\"\\\n\r\t\b\f\x01\x1f\x7f é 😀 </script>";
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_VALUE);
  g_autofree char *text = NULL;
  g_autoptr(ConfabFrame) frame = NULL;

  json_node_set_string (body, user);
  text = confab_frame_build_notification ("t", body);
  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"notification\",\"type\":\"t\",\"body\":"
                   "\"say \\\"hi\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\x7f é 😀 </script>\"}");

  frame = confab_test_parse_frame (text);
  g_assert_cmpstr (confab_frame_get_body_string (frame), ==, user);
}

static void
test_build_numbers (void)
{
  g_autoptr(JsonNode) body = json_from_string ("{\"a\":1.5,\"b\":-0.25,\"c\":1e300,\"d\":-9223372036854775807}", NULL);
  g_autoptr(JsonNode) inf = json_node_new (JSON_NODE_VALUE);
  g_autofree char *text = confab_frame_build_notification ("t", body);
  g_autofree char *inf_text = NULL;
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);

  g_assert_nonnull (frame);
  g_assert_nonnull (strstr (text, "\"a\":1.5,\"b\":-0.25,"));
  g_assert_nonnull (strstr (text, "\"d\":-9223372036854775807}"));

  json_node_set_double (inf, INFINITY);
  inf_text = confab_frame_build_notification ("t", inf);
  g_assert_cmpstr (inf_text, ==, "{\"kind\":\"notification\",\"type\":\"t\",\"body\":null}");
}

static void
test_round_trip (void)
{
  const char *text =
    "{\"kind\":\"resp\",\"reqId\":\"4\",\"code\":200,\"type\":\"x\","
    "\"body\":{\"z\":1,\"a\":[{\"b\":\"c\"},[],{}],\"m\":\"\\u00e9\\n\"}}";
  g_autoptr(ConfabFrame) frame = confab_test_parse_frame (text);
  g_autofree char *again = confab_frame_build_response (frame->id, frame->code, frame->type, frame->body);

  /* members keep their order */
  g_assert_cmpstr (again, ==,
                   "{\"kind\":\"resp\",\"reqId\":\"4\",\"code\":200,\"type\":\"x\","
                   "\"body\":{\"z\":1,\"a\":[{\"b\":\"c\"},[],{}],\"m\":\"é\\n\"}}");
}

/* A request's top-level metadata (the click metadata of an ACTION receipt), as the PCS
 * tutorial sends it: after the body. */
static void
test_metadata (void)
{
  g_autoptr(JsonNode) body = confab_publish_receipt_body ("CONV", "CONV", CONFAB_RECEIPT_ACTION, (const gint64[]) { 5 }, 1);
  g_autoptr(JsonNode) metadata = NULL;
  g_autofree char *text = NULL;
  g_autofree char *plain = confab_frame_build_request_full ("23", CONFAB_REQ_GET_CLOCK, NULL, NULL);
  g_autoptr(ConfabFrame) frame = NULL;
  g_autofree char *kept = NULL;
  const struct {
    const char *text;
    const char *metadata;
  } cases[] = {
    { "{\"kind\":\"req\",\"id\":\"1\",\"metadata\":[]}", "[]" },
    { "{\"kind\":\"req\",\"id\":\"1\",\"metadata\":{\"type\":\"ExternalId\",\"id\":\"x\"}}",
      "[{\"type\":\"ExternalId\",\"id\":\"x\"}]" },
    { "{\"kind\":\"req\",\"id\":\"1\",\"metadata\":\"x\"}", NULL },
    { "{\"kind\":\"req\",\"id\":\"1\",\"metadata\":null}", NULL },
    { "{\"kind\":\"req\",\"id\":\"1\"}", NULL },
  };

  metadata = confab_json_parse ("[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]",
                                strlen ("[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]"), NULL);
  g_assert_nonnull (metadata);
  text = confab_frame_build_request_full ("22", CONFAB_REQ_PUBLISH_EVENT, body, metadata);
  g_assert_cmpstr (text, ==,
                   "{\"kind\":\"req\",\"id\":\"22\",\"type\":\"ms.PublishEvent\","
                   "\"body\":{\"dialogId\":\"CONV\",\"conversationId\":\"CONV\","
                   "\"event\":{\"type\":\"AcceptStatusEvent\",\"status\":\"ACTION\",\"sequenceList\":[5]}},"
                   "\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]}");
  g_assert_cmpstr (plain, ==, "{\"kind\":\"req\",\"id\":\"23\",\"type\":\"GetClock\"}");

  frame = confab_test_parse_frame (text);
  g_assert_nonnull (frame->metadata);
  kept = confab_json_to_string (frame->metadata);
  g_assert_cmpstr (kept, ==, "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabFrame) parsed = confab_test_parse_frame (cases[i].text);
      g_autofree char *got = parsed->metadata ? confab_json_to_string (parsed->metadata) : NULL;

      g_assert_cmpstr (got, ==, cases[i].metadata);
    }
}

static void
test_error_quark (void)
{
  g_assert_cmpstr (g_quark_to_string (CONFAB_PROTOCOL_ERROR), ==, "confab-protocol-error-quark");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/frame/parse-request", test_parse_request);
  g_test_add_func ("/protocol/frame/metadata", test_metadata);
  g_test_add_func ("/protocol/frame/parse-response", test_parse_response);
  g_test_add_func ("/protocol/frame/parse-notification", test_parse_notification);
  g_test_add_func ("/protocol/frame/parse-ids", test_parse_ids);
  g_test_add_func ("/protocol/frame/parse-unknown-kind", test_parse_unknown_kind);
  g_test_add_func ("/protocol/frame/parse-bodies", test_parse_bodies);
  g_test_add_func ("/protocol/frame/parse-wrong-types", test_parse_wrong_types);
  g_test_add_func ("/protocol/frame/parse-not-object", test_parse_not_object);
  g_test_add_func ("/protocol/frame/parse-not-json", test_parse_not_json);
  g_test_add_func ("/protocol/frame/parse-truncated", test_parse_truncated);
  g_test_add_func ("/protocol/frame/parse-invalid-utf8", test_parse_invalid_utf8);
  g_test_add_func ("/protocol/frame/parse-surrogates", test_parse_surrogates);
  g_test_add_func ("/protocol/frame/parse-deep", test_parse_deep);
  g_test_add_func ("/protocol/frame/parse-too-large", test_parse_too_large);
  g_test_add_func ("/protocol/frame/parse-big-string", test_parse_big_string);
  g_test_add_func ("/protocol/frame/build-request", test_build_request);
  g_test_add_func ("/protocol/frame/build-response", test_build_response);
  g_test_add_func ("/protocol/frame/build-response-without-id", test_build_response_without_id);
  g_test_add_func ("/protocol/frame/build-notification", test_build_notification);
  g_test_add_func ("/protocol/frame/build-escapes", test_build_escapes);
  g_test_add_func ("/protocol/frame/build-numbers", test_build_numbers);
  g_test_add_func ("/protocol/frame/round-trip", test_round_trip);
  g_test_add_func ("/protocol/frame/error-quark", test_error_quark);

  return g_test_run ();
}
