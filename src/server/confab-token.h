/* confab-token.h: HS256 tokens the local service signs and checks
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONFAB_TOKEN_ERROR (confab_token_error_quark ())

typedef enum {
  CONFAB_TOKEN_ERROR_MISSING,     /* no token at all */
  CONFAB_TOKEN_ERROR_MALFORMED,   /* not three base64url parts of JSON, or not HS256 */
  CONFAB_TOKEN_ERROR_SIGNATURE,   /* signed with another key, or altered */
  CONFAB_TOKEN_ERROR_EXPIRED,     /* exp in the past */
  CONFAB_TOKEN_ERROR_AUDIENCE,    /* aud is not acc:{accountId} */
} ConfabTokenError;

#define CONFAB_TOKEN_KEY_SIZE 32
#define CONFAB_TOKEN_ISSUER   "confab-server"

GQuark  confab_token_error_quark (void);

/* Fills buffer from the kernel's random source. */
void    confab_token_random_bytes (guint8 *buffer,
                                   gsize   length);
/* A new signing key of CONFAB_TOKEN_KEY_SIZE random bytes. */
GBytes *confab_token_new_key (void);

char   *confab_token_sign (GBytes     *key,
                           const char *account_id,
                           const char *subject,
                           gint64      issued_at,
                           gint64      expires_at);

/* Checks the signature, the expiry against now (epoch seconds) and the audience.
 * Returns the subject (the consumer id); expires_at receives exp. */
char   *confab_token_verify (GBytes     *key,
                             const char *token,
                             const char *account_id,
                             gint64      now,
                             gint64     *expires_at,
                             GError    **error);

G_END_DECLS
