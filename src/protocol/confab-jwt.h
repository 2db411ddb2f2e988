/* confab-jwt.h: the claims of a JWT, read without checking its signature
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *sub;   /* the consumer id */
  char *aud;   /* may be NULL */
  char *iss;   /* may be NULL */
  gint64 exp;  /* epoch seconds, 0 when missing */
  gint64 iat;  /* epoch seconds, 0 when missing */
} ConfabJwtClaims;

/* Decodes the middle part (base64url, padding optional). A clear CONFAB_PROTOCOL_ERROR_NOT_JWT
 * for anything that is not three dot-separated parts with a JSON object carrying "sub" in the middle. */
ConfabJwtClaims *confab_jwt_decode (const char *token, GError **error);
void             confab_jwt_claims_free (ConfabJwtClaims *claims);

/* base64url without padding, and its inverse (padding optional); used by the local service to sign tokens */
char   *confab_base64url_encode (const guint8 *data, gsize len);
guint8 *confab_base64url_decode (const char *text, gsize *out_len, GError **error);

/* The claims as the JSON text of a token's middle part, the counterpart of
 * confab_jwt_decode(), for the local service, which signs tokens: sub, then aud and iss when
 * set, then iat and exp when not 0. */
char   *confab_jwt_claims_to_json (const ConfabJwtClaims *claims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabJwtClaims, confab_jwt_claims_free)

G_END_DECLS
