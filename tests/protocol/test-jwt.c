/* test-jwt.c: reading the claims of a JWT, base64url
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

#define HEADER "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
/* the claims of seeds/000, step 1 */
#define SEED_PAYLOAD "eyJzdWIiOiIxOWY5OGNkMi02M2I5LTQyZTQtYmMwZC05MjIyYjg2NTc0ZTEiLCJhdWQiOiJhY2M6cWE1NzIyMTY3NiIs" \
                     "ImlzcyI6IiIsImV4cCI6MTg3OTk1NzM2NCwiaWF0IjoxNDY5NzE3MzI0fQ"
#define SIGNATURE "c2lnbmF0dXJl"

static char *
token_for (const char *payload_json)
{
  g_autofree char *payload = confab_base64url_encode ((const guint8 *) payload_json, strlen (payload_json));

  return g_strdup_printf (HEADER ".%s." SIGNATURE, payload);
}

static void
assert_not_jwt (const char *token,
                const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJwtClaims) claims = confab_jwt_decode (token, &error);

  g_assert_null (claims);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_NOT_JWT);
  g_assert_true (g_str_has_prefix (error->message, "not a JWT: "));
  if (reason != NULL)
    g_assert_nonnull (strstr (error->message, reason));
  /* the token is a credential: never in a message */
  if (token != NULL && strlen (token) > 8)
    g_assert_null (strstr (error->message, token));
  g_assert_null (strstr (error->message, "c2lnbmF0dXJl"));
}

static void
test_seed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJwtClaims) claims = confab_jwt_decode (HEADER "." SEED_PAYLOAD "." SIGNATURE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (claims);
  g_assert_cmpstr (claims->sub, ==, "19f98cd2-63b9-42e4-bc0d-9222b86574e1");
  g_assert_cmpstr (claims->aud, ==, "acc:qa57221676");
  g_assert_cmpstr (claims->iss, ==, "");
  g_assert_cmpint (claims->exp, ==, 1879957364);
  g_assert_cmpint (claims->iat, ==, 1469717324);
}

static void
test_padding (void)
{
  g_autoptr(ConfabJwtClaims) padded = confab_jwt_decode (HEADER "." SEED_PAYLOAD "==." SIGNATURE, NULL);
  g_autoptr(ConfabJwtClaims) spaced = confab_jwt_decode ("  " HEADER "." SEED_PAYLOAD "." SIGNATURE "\n", NULL);
  g_autoptr(ConfabJwtClaims) no_signature = confab_jwt_decode (HEADER "." SEED_PAYLOAD ".", NULL);

  g_assert_nonnull (padded);
  g_assert_cmpstr (padded->sub, ==, "19f98cd2-63b9-42e4-bc0d-9222b86574e1");
  g_assert_nonnull (spaced);
  g_assert_cmpstr (spaced->sub, ==, "19f98cd2-63b9-42e4-bc0d-9222b86574e1");
  g_assert_nonnull (no_signature);
}

static void
test_url_alphabet (void)
{
  /* payload {"sub":"a?b>c~é"} encodes with '-' */
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJwtClaims) claims = confab_jwt_decode (HEADER ".eyJzdWIiOiJhP2I-Y37DqSJ9." SIGNATURE, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (claims->sub, ==, "a?b>c~é");
  g_assert_null (claims->aud);
  g_assert_null (claims->iss);
  g_assert_cmpint (claims->exp, ==, 0);
  g_assert_cmpint (claims->iat, ==, 0);

  /* standard base64 has '+' where base64url has '-' */
  assert_not_jwt (HEADER ".eyJzdWIiOiJhP2I+Y37DqSJ9." SIGNATURE, "base64url");
}

static void
test_parts (void)
{
  assert_not_jwt (HEADER "." SEED_PAYLOAD, "expected three parts separated by dots");
  assert_not_jwt (HEADER "." SEED_PAYLOAD "." SIGNATURE ".extra", "expected three parts separated by dots");
  assert_not_jwt ("justonepart", "expected three parts separated by dots");
  assert_not_jwt (HEADER ".." SIGNATURE, NULL);
  assert_not_jwt ("", NULL);
  assert_not_jwt ("   ", NULL);
  assert_not_jwt (NULL, NULL);
}

static void
test_bad_base64 (void)
{
  assert_not_jwt (HEADER ".!!!!." SIGNATURE, "base64url");
  assert_not_jwt (HEADER ".eyJzdWIiOiJhIn0=x." SIGNATURE, "base64url");
  assert_not_jwt (HEADER ".e." SIGNATURE, "base64url");
  assert_not_jwt (HEADER ".eyJz dWIiOiJhIn0." SIGNATURE, "base64url");
  assert_not_jwt (HEADER ".eyJzdWIiOiJhIn0===." SIGNATURE, "base64url");
}

static void
test_not_json (void)
{
  g_autofree char *text = token_for ("hello");
  g_autofree char *array = token_for ("[{\"sub\":\"a\"}]");
  g_autofree char *truncated = token_for ("{\"sub\":\"a\"");
  g_autofree char *binary = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *brackets = g_strnfill (100000, '[');
  const guint8 bytes[] = { 0xff, 0xfe, 0x00, 0x7b };

  assert_not_jwt (text, "not a JSON object");
  assert_not_jwt (array, "not a JSON object");
  assert_not_jwt (truncated, "not a JSON object");

  {
    g_autofree char *payload = confab_base64url_encode (bytes, sizeof bytes);
    binary = g_strdup_printf (HEADER ".%s." SIGNATURE, payload);
  }
  assert_not_jwt (binary, "not a JSON object");

  deep = token_for (brackets);
  assert_not_jwt (deep, "not a JSON object");
}

static void
test_sub (void)
{
  g_autofree char *no_sub = token_for ("{\"aud\":\"x\"}");
  g_autofree char *null_sub = token_for ("{\"sub\":null}");
  g_autofree char *number_sub = token_for ("{\"sub\":12345}");
  g_autofree char *object_sub = token_for ("{\"sub\":{\"id\":\"a\"}}");
  g_autofree char *empty_sub = token_for ("{\"sub\":\"\"}");
  g_autofree char *odd_claims = token_for ("{\"sub\":\"s\",\"aud\":[\"first\",\"second\"],\"iss\":5,\"exp\":\"never\",\"iat\":1.5e9}");
  g_autoptr(ConfabJwtClaims) claims = NULL;

  assert_not_jwt (no_sub, "“sub”");
  assert_not_jwt (null_sub, "“sub”");
  assert_not_jwt (number_sub, "not a string");
  assert_not_jwt (object_sub, "not a string");
  assert_not_jwt (empty_sub, "empty");

  claims = confab_jwt_decode (odd_claims, NULL);
  g_assert_nonnull (claims);
  g_assert_cmpstr (claims->sub, ==, "s");
  g_assert_cmpstr (claims->aud, ==, "first");
  g_assert_null (claims->iss);
  g_assert_cmpint (claims->exp, ==, 0);
  g_assert_cmpint (claims->iat, ==, 1500000000);
}

static void
test_base64url_round_trip (void)
{
  guint8 data[256];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (255 - i);

  for (gsize len = 0; len <= sizeof data; len++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = confab_base64url_encode (data, len);
      g_autofree guint8 *back = NULL;
      g_autofree char *padded = NULL;
      g_autofree guint8 *back_padded = NULL;
      gsize back_len = 12345;

      g_assert_null (strchr (text, '='));
      g_assert_null (strchr (text, '+'));
      g_assert_null (strchr (text, '/'));
      g_assert_cmpuint (strlen (text), ==, (len * 4 + 2) / 3);

      back = confab_base64url_decode (text, &back_len, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (back, back_len, data, len);
      g_assert_cmpint (back[back_len], ==, 0);

      padded = g_strconcat (text, strlen (text) % 4 == 2 ? "==" : strlen (text) % 4 == 3 ? "=" : "", NULL);
      back_padded = confab_base64url_decode (padded, &back_len, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (back_padded, back_len, data, len);
    }
}

static void
test_base64url_known (void)
{
  const guint8 ff[] = { 0xff, 0xff };
  const guint8 fb[] = { 0xfb, 0xef };
  g_autofree char *a = confab_base64url_encode (ff, 2);
  g_autofree char *b = confab_base64url_encode (fb, 2);
  g_autofree char *empty = confab_base64url_encode (NULL, 0);
  g_autofree char *man = confab_base64url_encode ((const guint8 *) "Man", 3);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *bad = NULL;

  g_assert_cmpstr (a, ==, "__8");
  g_assert_cmpstr (b, ==, "--8");
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (man, ==, "TWFu");

  bad = confab_base64url_decode ("TW/u", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
}

static void
assert_claims_round_trip (const ConfabJwtClaims *claims,
                          const char            *expected_json)
{
  g_autofree char *json = confab_jwt_claims_to_json (claims);
  g_autofree char *token = token_for (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJwtClaims) decoded = NULL;

  g_assert_cmpstr (json, ==, expected_json);
  decoded = confab_jwt_decode (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->sub, ==, claims->sub);
  g_assert_cmpstr (decoded->aud, ==, claims->aud);
  g_assert_cmpstr (decoded->iss, ==, claims->iss);
  g_assert_cmpint (decoded->iat, ==, claims->iat);
  g_assert_cmpint (decoded->exp, ==, claims->exp);
}

/* What the local service signs reads back as the same claims. */
static void
test_claims_round_trip (void)
{
  ConfabJwtClaims full = {
    .sub = (char *) "consumer \"1\"", .aud = (char *) "acc:qa57221676", .iss = (char *) "Confab",
    .iat = 1469717324, .exp = 1879957364,
  };
  ConfabJwtClaims bare = { .sub = (char *) "consumer-2" };

  assert_claims_round_trip (&full, "{\"sub\":\"consumer \\\"1\\\"\",\"aud\":\"acc:qa57221676\",\"iss\":\"Confab\","
                                   "\"iat\":1469717324,\"exp\":1879957364}");
  assert_claims_round_trip (&bare, "{\"sub\":\"consumer-2\"}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/jwt/seed", test_seed);
  g_test_add_func ("/protocol/jwt/padding", test_padding);
  g_test_add_func ("/protocol/jwt/url-alphabet", test_url_alphabet);
  g_test_add_func ("/protocol/jwt/parts", test_parts);
  g_test_add_func ("/protocol/jwt/bad-base64", test_bad_base64);
  g_test_add_func ("/protocol/jwt/not-json", test_not_json);
  g_test_add_func ("/protocol/jwt/sub", test_sub);
  g_test_add_func ("/protocol/jwt/claims-round-trip", test_claims_round_trip);
  g_test_add_func ("/protocol/base64url/round-trip", test_base64url_round_trip);
  g_test_add_func ("/protocol/base64url/known", test_base64url_known);

  return g_test_run ();
}
