/* confab-token.c: HS256 tokens the local service signs and checks
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-token.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <json-glib/json-glib.h>

#include "confab-protocol.h"

G_DEFINE_QUARK (confab-token-error-quark, confab_token_error)

/* Header {"alg":"HS256","typ":"JWT"}, always serialised the same way. */
#define TOKEN_HEADER "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

void
confab_token_random_bytes (guint8 *buffer,
                           gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      done += (gsize) n;
    }

  /* getrandom () is there on every kernel Confab runs on; keep working if it is not. */
  for (; done < length; done++)
    buffer[done] = (guint8) g_random_int_range (0, 256);
}

GBytes *
confab_token_new_key (void)
{
  guint8 key[CONFAB_TOKEN_KEY_SIZE];

  confab_token_random_bytes (key, sizeof key);
  return g_bytes_new (key, sizeof key);
}

static void
compute_signature (GBytes     *key,
                   const char *signing_input,
                   gsize       signing_input_len,
                   guint8     *digest,
                   gsize      *digest_len)
{
  g_autoptr(GHmac) hmac = NULL;
  gsize key_len = 0;
  const guint8 *key_data = g_bytes_get_data (key, &key_len);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, key_data, key_len);
  g_hmac_update (hmac, (const guchar *) signing_input, (gssize) signing_input_len);
  g_hmac_get_digest (hmac, digest, digest_len);
}

char *
confab_token_sign (GBytes     *key,
                   const char *account_id,
                   const char *subject,
                   gint64      issued_at,
                   gint64      expires_at)
{
  g_autofree char *payload_json = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *payload_b64 = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *aud = NULL;
  g_autofree char *signature_b64 = NULL;
  ConfabJwtClaims claims;
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (account_id != NULL, NULL);
  g_return_val_if_fail (subject != NULL, NULL);

  aud = g_strconcat ("acc:", account_id, NULL);
  claims = (ConfabJwtClaims) {
    .sub = (char *) subject,
    .aud = aud,
    .iss = (char *) CONFAB_TOKEN_ISSUER,
    .iat = issued_at,
    .exp = expires_at,
  };
  payload_json = confab_jwt_claims_to_json (&claims);

  header_b64 = confab_base64url_encode ((const guint8 *) TOKEN_HEADER, strlen (TOKEN_HEADER));
  payload_b64 = confab_base64url_encode ((const guint8 *) payload_json, strlen (payload_json));
  signing_input = g_strconcat (header_b64, ".", payload_b64, NULL);

  compute_signature (key, signing_input, strlen (signing_input), digest, &digest_len);
  signature_b64 = confab_base64url_encode (digest, digest_len);

  return g_strconcat (signing_input, ".", signature_b64, NULL);
}

/* A decoded token part is at most this long; ours are under 200 bytes. */
#define TOKEN_PART_MAX_JSON 4096

static JsonObject *
decode_json_part (const char *part,
                  JsonNode  **out_root,
                  GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *data = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;

  data = confab_base64url_decode (part, &len, &local_error);
  if (data != NULL)
    root = confab_json_parse_full ((const char *) data, len, TOKEN_PART_MAX_JSON, CONFAB_JSON_MAX_DEPTH, NULL);
  if (root == NULL)
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MALFORMED,
                           "token part is not base64url JSON");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MALFORMED,
                           "token part is not a JSON object");
      return NULL;
    }

  *out_root = g_steal_pointer (&root);
  return json_node_get_object (*out_root);
}

static gboolean
equal_in_constant_time (const guint8 *a,
                        gsize         a_len,
                        const guint8 *b,
                        gsize         b_len)
{
  guint8 diff = 0;

  if (a_len != b_len)
    return FALSE;

  for (gsize i = 0; i < a_len; i++)
    diff |= a[i] ^ b[i];

  return diff == 0;
}

char *
confab_token_verify (GBytes     *key,
                     const char *token,
                     const char *account_id,
                     gint64      now,
                     gint64     *expires_at,
                     GError    **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(JsonNode) header_root = NULL;
  g_autoptr(JsonNode) payload_root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *signature = NULL;
  g_autofree char *aud = NULL;
  JsonObject *header;
  JsonObject *payload;
  const char *alg;
  const char *subject;
  const char *claimed_aud;
  const char *last_dot;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  gsize signature_len = 0;
  gint64 exp = 0;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MISSING, "no token");
      return NULL;
    }

  if (strlen (token) > 8192)
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MALFORMED, "token too long");
      return NULL;
    }

  parts = g_strsplit (token, ".", 4);
  if (g_strv_length (parts) != 3 || *parts[0] == '\0' || *parts[1] == '\0' || *parts[2] == '\0')
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MALFORMED,
                           "a token has three dot-separated parts");
      return NULL;
    }

  header = decode_json_part (parts[0], &header_root, error);
  if (header == NULL)
    return NULL;

  alg = confab_json_get_string (header, "alg");
  if (g_strcmp0 (alg, "HS256") != 0)
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MALFORMED,
                           "only HS256 tokens are accepted");
      return NULL;
    }

  signature = confab_base64url_decode (parts[2], &signature_len, &local_error);
  if (signature == NULL)
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_SIGNATURE,
                           "the signature is not base64url");
      return NULL;
    }

  last_dot = strrchr (token, '.');
  compute_signature (key, token, (gsize) (last_dot - token), digest, &digest_len);
  if (!equal_in_constant_time (signature, signature_len, digest, digest_len))
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_SIGNATURE,
                           "bad signature");
      return NULL;
    }

  payload = decode_json_part (parts[1], &payload_root, error);
  if (payload == NULL)
    return NULL;

  subject = confab_json_get_string (payload, "sub");
  if (subject == NULL || *subject == '\0')
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_MALFORMED,
                           "the token names no subject");
      return NULL;
    }

  if (!confab_json_lookup_int_lenient (payload, "exp", &exp) || exp <= now)
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_EXPIRED,
                           "the token has expired");
      return NULL;
    }

  aud = g_strconcat ("acc:", account_id, NULL);
  claimed_aud = confab_json_get_string (payload, "aud");
  if (g_strcmp0 (claimed_aud, aud) != 0)
    {
      g_set_error_literal (error, CONFAB_TOKEN_ERROR, CONFAB_TOKEN_ERROR_AUDIENCE,
                           "the token is for another account");
      return NULL;
    }

  if (expires_at != NULL)
    *expires_at = exp;

  return g_strdup (subject);
}
