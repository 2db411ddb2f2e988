/* confab-jwt.c: the claims of a JWT, read without checking its signature
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Error messages never quote the token: it is a credential.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-jwt.h"
#include "confab-frame.h"
#include "confab-protocol-private.h"

static const char base64url_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * confab_base64url_encode:
 * @data: (array length=len) (nullable): bytes
 * @len: their number
 *
 * Returns: (transfer full): base64url text without padding
 */
char *
confab_base64url_encode (const guint8 *data,
                         gsize         len)
{
  GString *out;
  gsize i;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  out = g_string_sized_new ((len + 2) / 3 * 4 + 1);
  for (i = 0; i + 2 < len; i += 3)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8) | data[i + 2];

      g_string_append_c (out, base64url_alphabet[(v >> 18) & 0x3f]);
      g_string_append_c (out, base64url_alphabet[(v >> 12) & 0x3f]);
      g_string_append_c (out, base64url_alphabet[(v >> 6) & 0x3f]);
      g_string_append_c (out, base64url_alphabet[v & 0x3f]);
    }

  if (len - i == 1)
    {
      guint32 v = (guint32) data[i] << 16;

      g_string_append_c (out, base64url_alphabet[(v >> 18) & 0x3f]);
      g_string_append_c (out, base64url_alphabet[(v >> 12) & 0x3f]);
    }
  else if (len - i == 2)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8);

      g_string_append_c (out, base64url_alphabet[(v >> 18) & 0x3f]);
      g_string_append_c (out, base64url_alphabet[(v >> 12) & 0x3f]);
      g_string_append_c (out, base64url_alphabet[(v >> 6) & 0x3f]);
    }

  return g_string_free (out, FALSE);
}

static int
base64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

/**
 * confab_base64url_decode:
 * @text: base64url text, padding optional
 * @out_len: (out) (optional): the number of bytes decoded
 * @error: return location for a %CONFAB_PROTOCOL_ERROR_MALFORMED
 *
 * Returns: (transfer full) (nullable): the bytes, followed by a NUL that @out_len does not count
 */
guint8 *
confab_base64url_decode (const char *text,
                         gsize      *out_len,
                         GError    **error)
{
  g_autofree guint8 *out = NULL;
  gsize len;
  gsize n = 0;
  guint32 acc = 0;
  guint bits = 0;

  g_return_val_if_fail (text != NULL, NULL);

  len = strlen (text);
  /* padding is optional, but at most two and only at the end */
  for (guint pad = 0; pad < 2 && len > 0 && text[len - 1] == '='; pad++)
    len--;

  if (len % 4 == 1)
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Not valid base64url: wrong length"));
      return NULL;
    }

  out = g_malloc (len / 4 * 3 + 3);
  for (gsize i = 0; i < len; i++)
    {
      int v = base64url_value (text[i]);

      if (v < 0)
        {
          g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                       _("Not valid base64url: unexpected character at offset %lu"),
                       (gulong) i);
          return NULL;
        }

      acc = ((acc << 6) | (guint32) v) & 0xffffff;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[n++] = (guint8) ((acc >> bits) & 0xff);
        }
    }
  out[n] = '\0';

  if (out_len != NULL)
    *out_len = n;
  return g_steal_pointer (&out);
}

void
confab_jwt_claims_free (ConfabJwtClaims *claims)
{
  if (claims == NULL)
    return;

  g_free (claims->sub);
  g_free (claims->aud);
  g_free (claims->iss);
  g_free (claims);
}

static void
set_not_jwt (GError    **error,
             const char *reason)
{
  /* Translators: %s says what is wrong, e.g. "the payload is not a JSON object" */
  g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_NOT_JWT,
               _("not a JWT: %s"), reason);
}

/* "aud" is a string or an array of strings */
static char *
dup_audience (JsonObject *payload)
{
  ConfabJsonList list;
  guint len = confab_json_list_init (&list, payload, "aud");

  for (guint i = 0; i < len; i++)
    {
      char *aud = confab_json_node_dup_string (confab_json_list_get (&list, i));

      if (aud != NULL)
        return aud;
    }

  return NULL;
}

/**
 * confab_jwt_decode:
 * @token: a JWT, surrounding whitespace allowed
 * @error: return location for a %CONFAB_PROTOCOL_ERROR_NOT_JWT
 *
 * Reads the claims without checking the signature: the server does that.
 *
 * Returns: (transfer full) (nullable): the claims; sub is never NULL
 */
ConfabJwtClaims *
confab_jwt_decode (const char *token,
                   GError    **error)
{
  g_autofree char *copy = NULL;
  g_autofree guint8 *payload_text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(ConfabJwtClaims) claims = NULL;
  g_auto(GStrv) parts = NULL;
  JsonObject *payload;
  JsonNode *sub;
  gsize payload_len = 0;
  gint64 value;

  if (token == NULL)
    {
      set_not_jwt (error, _("there is no token"));
      return NULL;
    }

  copy = g_strstrip (g_strdup (token));
  if (*copy == '\0')
    {
      set_not_jwt (error, _("the token is empty"));
      return NULL;
    }

  parts = g_strsplit (copy, ".", 4);
  if (g_strv_length (parts) != 3)
    {
      set_not_jwt (error, _("expected three parts separated by dots"));
      return NULL;
    }

  if (*parts[1] == '\0')
    {
      set_not_jwt (error, _("the middle part is empty"));
      return NULL;
    }

  payload_text = confab_base64url_decode (parts[1], &payload_len, NULL);
  if (payload_text == NULL)
    {
      set_not_jwt (error, _("the middle part is not base64url"));
      return NULL;
    }

  /* the parser's own message could quote the claims, so it is not passed on */
  root = confab_json_parse ((const char *) payload_text, payload_len, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_not_jwt (error, _("the middle part is not a JSON object"));
      return NULL;
    }
  payload = json_node_get_object (root);

  sub = confab_json_get_node (payload, "sub");
  if (sub == NULL)
    {
      set_not_jwt (error, _("it has no “sub” claim"));
      return NULL;
    }

  claims = g_new0 (ConfabJwtClaims, 1);
  claims->sub = confab_json_node_dup_string (sub);
  if (claims->sub == NULL)
    {
      set_not_jwt (error, _("its “sub” claim is not a string"));
      return NULL;
    }
  if (*claims->sub == '\0')
    {
      set_not_jwt (error, _("its “sub” claim is empty"));
      return NULL;
    }

  claims->aud = dup_audience (payload);
  claims->iss = confab_json_dup_string (payload, "iss");
  if (confab_json_lookup_int_lenient (payload, "exp", &value))
    claims->exp = value;
  if (confab_json_lookup_int_lenient (payload, "iat", &value))
    claims->iat = value;

  return g_steal_pointer (&claims);
}

/**
 * confab_jwt_claims_to_json:
 * @claims: the claims; sub must be set
 *
 * Returns: (transfer full): compact JSON, `{"sub":…,"aud":…,"iss":…,"iat":…,"exp":…}`
 */
char *
confab_jwt_claims_to_json (const ConfabJwtClaims *claims)
{
  GString *out;

  g_return_val_if_fail (claims != NULL && claims->sub != NULL, NULL);

  out = g_string_new ("{\"sub\":");
  confab_json_write_string (out, claims->sub);
  if (claims->aud != NULL)
    {
      g_string_append (out, ",\"aud\":");
      confab_json_write_string (out, claims->aud);
    }
  if (claims->iss != NULL)
    {
      g_string_append (out, ",\"iss\":");
      confab_json_write_string (out, claims->iss);
    }
  if (claims->iat != 0)
    g_string_append_printf (out, ",\"iat\":%" G_GINT64_FORMAT, claims->iat);
  if (claims->exp != 0)
    g_string_append_printf (out, ",\"exp\":%" G_GINT64_FORMAT, claims->exp);
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}
