/* confab-account.h: where Confab finds its LivePerson service, and how it gets a token
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CONFAB_ACCOUNT_ERROR (confab_account_error_quark ())

typedef enum {
  CONFAB_ACCOUNT_ERROR_ENV_FILE,      /* an lp.env file that cannot be read or has a bad line */
  CONFAB_ACCOUNT_ERROR_INCOMPLETE,    /* no account id */
  CONFAB_ACCOUNT_ERROR_INSECURE,      /* ws:// or http:// to something other than loopback */
  CONFAB_ACCOUNT_ERROR_INVALID_URL,
  CONFAB_ACCOUNT_ERROR_LOOKUP,        /* CSDS did not give a domain */
  CONFAB_ACCOUNT_ERROR_SIGNUP,        /* the signup did not give a token */
} ConfabAccountError;

GQuark confab_account_error_quark (void);

/* Where the settings came from, in the order the README gives (Using a LivePerson account). */
typedef enum {
  CONFAB_ACCOUNT_SOURCE_ENV_FILE,
  CONFAB_ACCOUNT_SOURCE_ENVIRONMENT,
  CONFAB_ACCOUNT_SOURCE_SETTINGS,
  CONFAB_ACCOUNT_SOURCE_LOCAL,
} ConfabAccountSource;

#define CONFAB_DEFAULT_CSDS "api.liveperson.net"

#define CONFAB_TYPE_ACCOUNT (confab_account_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAccount, confab_account, CONFAB, ACCOUNT, GObject)

ConfabAccount *confab_account_new                (ConfabAccountSource source,
                                                  const char         *account_id);
/* NAME=value lines; '#' comments, blank lines, optional single or double quotes, an optional
 * leading "export ". A bad line is an error naming the file and the line. */
ConfabAccount *confab_account_new_from_env_file  (const char *path,
                                                  GError    **error);
/* envp as from g_get_environ(); NULL and no error when LP_ACCOUNT is not set. */
ConfabAccount *confab_account_new_from_environ   (const char * const *envp,
                                                  GError            **error);

ConfabAccountSource confab_account_get_source            (ConfabAccount *self);
const char *confab_account_get_account_id                (ConfabAccount *self);
const char *confab_account_get_jwt                       (ConfabAccount *self);
void        confab_account_set_jwt                       (ConfabAccount *self, const char *jwt);
const char *confab_account_get_async_messaging_ent       (ConfabAccount *self);
void        confab_account_set_async_messaging_ent       (ConfabAccount *self, const char *domain);
const char *confab_account_get_idp                       (ConfabAccount *self);
void        confab_account_set_idp                       (ConfabAccount *self, const char *domain);
const char *confab_account_get_accdn                     (ConfabAccount *self);
void        confab_account_set_accdn                     (ConfabAccount *self, const char *domain);
const char *confab_account_get_csds                      (ConfabAccount *self);
void        confab_account_set_csds                      (ConfabAccount *self, const char *domain);
/* TRUE when the token came from signup (so a refused one can be replaced by signing up again). */
gboolean    confab_account_get_anonymous                 (ConfabAccount *self);

/* domain is "host[:port]" (TLS) or a full ws://, wss://, http://, https:// URL. Plain schemes
 * only to loopback. websocket picks ws/wss over http/https. */
char       *confab_account_build_url                     (const char *domain,
                                                          gboolean    websocket,
                                                          const char *path,
                                                          GError    **error);
char       *confab_account_dup_socket_url                (ConfabAccount *self,
                                                          GError       **error);
char       *confab_account_dup_profile_url               (ConfabAccount *self,
                                                          const char    *agent_id,
                                                          GError       **error);

/* Fills what is missing: the domains through CSDS, the token through anonymous signup. */
void        confab_account_resolve_async                 (ConfabAccount      *self,
                                                          SoupSession        *session,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
/* The storage of hosted files (the domain lookup's "swift"), looked up once and kept; the
 * result is its base ("host" or a full URL, as for the other domains). */
void        confab_account_lookup_storage_async          (ConfabAccount      *self,
                                                          SoupSession        *session,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
char       *confab_account_lookup_storage_finish         (ConfabAccount *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);
gboolean    confab_account_resolve_finish                (ConfabAccount *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);
/* Forgets the token and signs up again (anonymous consumers, after 4407 or a refused token). */
void        confab_account_signup_async                  (ConfabAccount      *self,
                                                          SoupSession        *session,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
gboolean    confab_account_signup_finish                 (ConfabAccount *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);

G_END_DECLS

G_BEGIN_DECLS

/* Saved settings: GSettings keys account-id and the domains (edited in Preferences); the token in
 * the Secret Service. */
ConfabAccount *confab_account_new_from_settings  (GSettings *settings);
/* Looks the token up in the Secret Service. Finishes with an error when no Secret Service runs;
 * the account then keeps what it has for this session only. */
void           confab_account_load_token_async   (ConfabAccount      *self,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean       confab_account_load_token_finish  (ConfabAccount *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);
void           confab_account_store_token_async  (ConfabAccount      *self,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean       confab_account_store_token_finish (ConfabAccount *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

/* The order the README gives: an env file when given, else the environment, else saved settings
 * (settings may be NULL). NULL without error means "use the built-in local service". */
ConfabAccount *confab_account_discover           (const char         *env_file,
                                                  const char * const *envp,
                                                  GSettings          *settings,
                                                  GError            **error);

G_END_DECLS
