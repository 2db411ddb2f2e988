/* confab-account.c: where Confab finds its LivePerson service, and how it gets a token
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "confab-account.h"
#include "confab-core-enums.h"
#include "confab-json.h"

/* Answers of the domain API and signup are small; anything larger is not one. */
#define MAX_HTTP_ANSWER (64 * 1024)

struct _ConfabAccount
{
  GObject parent_instance;

  ConfabAccountSource source;
  char *account_id;
  char *jwt;
  char *async_messaging_ent;
  char *idp;
  char *accdn;
  char *csds;
  char *storage;       /* "swift", looked up when a file is first sent or fetched */
  gboolean anonymous;
};

G_DEFINE_FINAL_TYPE (ConfabAccount, confab_account, G_TYPE_OBJECT)
G_DEFINE_QUARK (confab-account-error-quark, confab_account_error)

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Token", SECRET_SCHEMA_NONE,
    {
      { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static void
set_string (char       **field,
            const char  *value)
{
  /* An empty value means "not set", as in an lp.env line "LP_IDP=". */
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static void
confab_account_finalize (GObject *object)
{
  ConfabAccount *self = CONFAB_ACCOUNT (object);

  g_free (self->account_id);
  if (self->jwt != NULL)
    memset (self->jwt, 0, strlen (self->jwt));
  g_free (self->jwt);
  g_free (self->async_messaging_ent);
  g_free (self->idp);
  g_free (self->accdn);
  g_free (self->csds);
  g_free (self->storage);

  G_OBJECT_CLASS (confab_account_parent_class)->finalize (object);
}

static void
confab_account_class_init (ConfabAccountClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = confab_account_finalize;
}

static void
confab_account_init (ConfabAccount *self)
{
  self->csds = g_strdup (CONFAB_DEFAULT_CSDS);
}

ConfabAccount *
confab_account_new (ConfabAccountSource  source,
                    const char          *account_id)
{
  ConfabAccount *self;

  g_return_val_if_fail (account_id != NULL && *account_id != '\0', NULL);

  self = g_object_new (CONFAB_TYPE_ACCOUNT, NULL);
  self->source = source;
  self->account_id = g_strdup (account_id);

  return self;
}

/* Applies one LP_* setting; unknown names are left alone, as the lp-shell does. */
static void
apply_setting (ConfabAccount *self,
               const char    *name,
               const char    *value)
{
  if (g_str_equal (name, "LP_JWT"))
    set_string (&self->jwt, value);
  else if (g_str_equal (name, "LP_ASYNCMESSAGINGENT"))
    set_string (&self->async_messaging_ent, value);
  else if (g_str_equal (name, "LP_IDP"))
    set_string (&self->idp, value);
  else if (g_str_equal (name, "LP_ACCDNDOMAIN"))
    set_string (&self->accdn, value);
  else if (g_str_equal (name, "LP_CSDS"))
    set_string (&self->csds, value != NULL && *value != '\0' ? value : CONFAB_DEFAULT_CSDS);
}

static gboolean
valid_name (const char *name)
{
  if (!g_ascii_isalpha (*name) && *name != '_')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* Parses one "NAME=value" line in place. Returns FALSE with *why set on a bad line. */
static gboolean
parse_env_line (char        *line,
                char       **name_out,
                char       **value_out,
                const char **why)
{
  char *eq, *name, *value;
  gsize len;

  g_strstrip (line);
  if (g_str_has_prefix (line, "export ") || g_str_has_prefix (line, "export\t"))
    line = g_strchug (line + strlen ("export"));

  eq = strchr (line, '=');
  if (eq == NULL)
    {
      *why = _("expected NAME=value");
      return FALSE;
    }

  *eq = '\0';
  name = g_strchomp (line);
  value = g_strchug (eq + 1);

  if (!valid_name (name))
    {
      *why = _("the name before “=” is not a variable name");
      return FALSE;
    }

  len = strlen (value);
  if (len > 0 && (value[0] == '"' || value[0] == '\''))
    {
      if (len < 2 || value[len - 1] != value[0])
        {
          *why = _("a quote is not closed");
          return FALSE;
        }
      value[len - 1] = '\0';
      value++;
    }
  else
    {
      /* An unquoted value ends at a comment that follows white space. */
      for (char *p = value; *p != '\0'; p++)
        if (*p == '#' && p > value && g_ascii_isspace (p[-1]))
          {
            *p = '\0';
            g_strchomp (value);
            break;
          }
    }

  if (!g_utf8_validate (value, -1, NULL))
    {
      *why = _("the value is not valid UTF-8");
      return FALSE;
    }

  *name_out = name;
  *value_out = value;
  return TRUE;
}

ConfabAccount *
confab_account_new_from_env_file (const char  *path,
                                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autofree char *account_id = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  ConfabAccount *self;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_ENV_FILE,
                   _("Cannot read %s: %s"), display, local_error->message);
      return NULL;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *name = NULL, *value = NULL;
      const char *why = NULL;

      if (*line == '\0' || *line == '#')
        continue;

      if (!parse_env_line (line, &name, &value, &why))
        {
          g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_ENV_FILE,
                       _("%s, line %u: %s"), display, i + 1, why);
          return NULL;
        }

      if (g_str_equal (name, "LP_ACCOUNT"))
        {
          g_free (account_id);
          account_id = g_strdup (value);
        }
      else
        {
          g_ptr_array_add (names, g_strdup (name));
          g_ptr_array_add (values, g_strdup (value));
        }
    }

  if (account_id == NULL || *account_id == '\0')
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INCOMPLETE,
                   _("%s does not set LP_ACCOUNT"), display);
      return NULL;
    }

  self = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENV_FILE, account_id);
  for (guint i = 0; i < names->len; i++)
    apply_setting (self, g_ptr_array_index (names, i), g_ptr_array_index (values, i));

  return self;
}

ConfabAccount *
confab_account_new_from_environ (const char * const  *envp,
                                 GError             **error)
{
  static const char *names[] = { "LP_JWT", "LP_ASYNCMESSAGINGENT", "LP_IDP", "LP_ACCDNDOMAIN", "LP_CSDS" };
  const char *account_id = g_environ_getenv ((char **) envp, "LP_ACCOUNT");
  ConfabAccount *self;

  if (account_id == NULL || *account_id == '\0')
    return NULL;

  self = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, account_id);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = g_environ_getenv ((char **) envp, names[i]);

      if (value != NULL)
        apply_setting (self, names[i], value);
    }

  return self;
}

ConfabAccount *
confab_account_new_from_settings (GSettings *settings)
{
  g_autofree char *account_id = NULL;
  g_autofree char *ent = NULL, *idp = NULL, *accdn = NULL, *csds = NULL;
  ConfabAccount *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  account_id = g_settings_get_string (settings, "account-id");
  if (*account_id == '\0')
    return NULL;

  self = confab_account_new (CONFAB_ACCOUNT_SOURCE_SETTINGS, account_id);
  ent = g_settings_get_string (settings, "async-messaging-ent");
  idp = g_settings_get_string (settings, "idp-domain");
  accdn = g_settings_get_string (settings, "accdn-domain");
  csds = g_settings_get_string (settings, "csds-domain");
  apply_setting (self, "LP_ASYNCMESSAGINGENT", ent);
  apply_setting (self, "LP_IDP", idp);
  apply_setting (self, "LP_ACCDNDOMAIN", accdn);
  apply_setting (self, "LP_CSDS", csds);

  return self;
}

ConfabAccount *
confab_account_discover (const char         *env_file,
                         const char * const *envp,
                         GSettings          *settings,
                         GError            **error)
{
  ConfabAccount *account;

  if (env_file != NULL)
    return confab_account_new_from_env_file (env_file, error);

  account = confab_account_new_from_environ (envp, error);
  if (account != NULL)
    return account;

  if (settings != NULL)
    return confab_account_new_from_settings (settings);

  return NULL;
}

/* Accessors */

ConfabAccountSource
confab_account_get_source (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), CONFAB_ACCOUNT_SOURCE_LOCAL);
  return self->source;
}

const char *
confab_account_get_account_id (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->account_id;
}

const char *
confab_account_get_jwt (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->jwt;
}

void
confab_account_set_jwt (ConfabAccount *self,
                        const char    *jwt)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  set_string (&self->jwt, jwt);
}

const char *
confab_account_get_async_messaging_ent (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->async_messaging_ent;
}

void
confab_account_set_async_messaging_ent (ConfabAccount *self,
                                        const char    *domain)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  set_string (&self->async_messaging_ent, domain);
}

const char *
confab_account_get_idp (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->idp;
}

void
confab_account_set_idp (ConfabAccount *self,
                        const char    *domain)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  set_string (&self->idp, domain);
}

const char *
confab_account_get_accdn (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->accdn;
}

void
confab_account_set_accdn (ConfabAccount *self,
                          const char    *domain)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  set_string (&self->accdn, domain);
}

const char *
confab_account_get_csds (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->csds;
}

void
confab_account_set_csds (ConfabAccount *self,
                         const char    *domain)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  set_string (&self->csds, domain != NULL && *domain != '\0' ? domain : CONFAB_DEFAULT_CSDS);
}

gboolean
confab_account_get_anonymous (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), FALSE);
  return self->anonymous;
}

/* URLs */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

char *
confab_account_build_url (const char  *domain,
                          gboolean     websocket,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *with_scheme = NULL;
  g_autofree char *base_path = NULL;
  const char *scheme;
  gboolean secure;

  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  if (domain == NULL || *domain == '\0')
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INVALID_URL,
                   _("No domain is set"));
      return NULL;
    }

  if (strstr (domain, "://") != NULL)
    with_scheme = g_strdup (domain);
  else
    with_scheme = g_strconcat ("https://", domain, NULL);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INVALID_URL,
                   _("“%s” is not a host name or URL"), domain);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0)
    secure = TRUE;
  else if (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "ws") == 0)
    secure = FALSE;
  else
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INVALID_URL,
                   _("“%s” uses a scheme Confab does not know"), domain);
      return NULL;
    }

  if (!secure && !host_is_loopback (g_uri_get_host (uri)))
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INSECURE,
                   _("Refusing the unencrypted address %s: only loopback addresses may use ws:// or http://"),
                   domain);
      return NULL;
    }

  /* A base URL may carry a path of its own; ours goes after it. */
  base_path = g_strdup (g_uri_get_path (uri));
  while (*base_path != '\0' && base_path[strlen (base_path) - 1] == '/')
    base_path[strlen (base_path) - 1] = '\0';

  {
    g_autofree char *full_path = g_strconcat (base_path, path, NULL);
    const char *query = strchr (full_path, '?');
    g_autofree char *path_only = g_strndup (full_path, query != NULL ? (gsize) (query - full_path) : strlen (full_path));
    g_autoptr(GUri) result = NULL;

    result = g_uri_build (G_URI_FLAGS_ENCODED,
                          websocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http"),
                          NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                          path_only, query != NULL ? query + 1 : NULL, NULL);
    return g_uri_to_string (result);
  }
}

char *
confab_account_dup_socket_url (ConfabAccount  *self,
                               GError        **error)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);

  escaped = g_uri_escape_string (self->account_id, NULL, FALSE);
  path = g_strdup_printf ("/ws_api/account/%s/messaging/consumer?v=3", escaped);
  return confab_account_build_url (self->async_messaging_ent, TRUE, path, error);
}

char *
confab_account_dup_profile_url (ConfabAccount  *self,
                                const char     *agent_id,
                                GError        **error)
{
  g_autofree char *escaped = NULL;
  g_autofree char *escaped_agent = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (agent_id != NULL, NULL);

  escaped = g_uri_escape_string (self->account_id, NULL, FALSE);
  escaped_agent = g_uri_escape_string (agent_id, NULL, FALSE);
  path = g_strdup_printf ("/api/account/%s/configuration/le-users/users/%s", escaped, escaped_agent);
  return confab_account_build_url (self->accdn, FALSE, path, error);
}

/* HTTP: CSDS lookups and signup */

typedef struct
{
  SoupSession *session;
  GQueue services;   /* of const char *: the services still to look up */
  char *service;     /* the one being looked up */
} ResolveData;

static void
resolve_data_free (gpointer data)
{
  ResolveData *rd = data;

  g_clear_object (&rd->session);
  g_queue_clear (&rd->services);
  g_free (rd->service);
  g_free (rd);
}

/* The answer's JSON object: through the strict reader, since a domain lookup can be answered
 * by anyone on the way. */
static JsonObject *
parse_json_answer (SoupMessage  *msg,
                   GBytes       *bytes,
                   const char   *what,
                   GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  guint status = soup_message_get_status (msg);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP,
                   _("%s answered HTTP %u"), what, status);
      return NULL;
    }

  root = confab_json_parse_full (data, len, MAX_HTTP_ANSWER, CONFAB_JSON_MAX_DEPTH, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP,
                   _("%s did not answer with a JSON object"), what);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static void resolve_next (GTask *task);

static char **
field_for_service (ConfabAccount *self,
                   const char    *service)
{
  if (g_str_equal (service, "asyncMessagingEnt"))
    return &self->async_messaging_ent;
  if (g_str_equal (service, "idp"))
    return &self->idp;
  return &self->accdn;
}

static void
csds_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabAccount *self = g_task_get_source_object (task);
  ResolveData *rd = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *what = g_strdup_printf (_("The domain lookup for %s"), rd->service);
  const char *base_uri;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP,
                               _("%s failed: %s"), what, error->message);
      return;
    }

  answer = parse_json_answer (msg, bytes, what, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  base_uri = confab_json_get_string (answer, "baseURI");
  if (base_uri == NULL || *base_uri == '\0')
    {
      g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP,
                               _("%s gave no baseURI"), what);
      return;
    }

  set_string (field_for_service (self, rd->service), base_uri);
  resolve_next (g_steal_pointer (&task));
}

static void
signup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabAccount *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *jwt;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_SIGNUP,
                               _("Signing up failed: %s"), error->message);
      return;
    }

  answer = parse_json_answer (msg, bytes, _("The signup"), &error);
  jwt = confab_json_get_string (answer, "jwt");
  if (jwt == NULL || *jwt == '\0')
    {
      g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_SIGNUP,
                               _("Signing up gave no token%s%s"),
                               error != NULL ? ": " : "", error != NULL ? error->message : "");
      return;
    }

  set_string (&self->jwt, jwt);
  self->anonymous = TRUE;
  resolve_next (g_steal_pointer (&task));
}

static void
resolve_next (GTask *task)
{
  ConfabAccount *self = g_task_get_source_object (task);
  ResolveData *rd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *escaped = g_uri_escape_string (self->account_id, NULL, FALSE);
  const char *service;

  /* Domains first: signup needs idp. */
  while ((service = g_queue_pop_head (&rd->services)) != NULL)
    {
      g_autofree char *path = NULL;

      if (*field_for_service (self, service) != NULL)
        continue;

      g_free (rd->service);
      rd->service = g_strdup (service);
      path = g_strdup_printf ("/api/account/%s/service/%s/baseURI.json?version=1.0", escaped, service);
      url = confab_account_build_url (self->csds, FALSE, path, &error);
      if (url == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      msg = soup_message_new (SOUP_METHOD_GET, url);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
      soup_session_send_and_read_async (rd->session, msg, G_PRIORITY_DEFAULT,
                                        g_task_get_cancellable (task), csds_cb, task);
      return;
    }

  if (self->jwt == NULL)
    {
      g_autofree char *path = g_strdup_printf ("/api/account/%s/signup", escaped);

      url = confab_account_build_url (self->idp, FALSE, path, &error);
      if (url == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      msg = soup_message_new (SOUP_METHOD_POST, url);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
      soup_session_send_and_read_async (rd->session, msg, G_PRIORITY_DEFAULT,
                                        g_task_get_cancellable (task), signup_cb, task);
      return;
    }

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
confab_account_resolve_async (ConfabAccount      *self,
                              SoupSession        *session,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  GTask *task;
  ResolveData *rd;

  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (SOUP_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_account_resolve_async);
  rd = g_new0 (ResolveData, 1);
  rd->session = g_object_ref (session);
  g_queue_init (&rd->services);
  g_queue_push_tail (&rd->services, (gpointer) "asyncMessagingEnt");
  /* idp is needed only to sign up */
  if (self->jwt == NULL)
    g_queue_push_tail (&rd->services, (gpointer) "idp");
  g_queue_push_tail (&rd->services, (gpointer) "acCdnDomain");
  g_task_set_task_data (task, rd, resolve_data_free);

  resolve_next (task);
}

gboolean
confab_account_resolve_finish (ConfabAccount  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
storage_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabAccount *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *what = g_strdup_printf (_("The domain lookup for %s"), "swift");
  const char *base_uri;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP,
                               _("%s failed: %s"), what, error->message);
      return;
    }
  answer = parse_json_answer (msg, bytes, what, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  base_uri = confab_json_get_string (answer, "baseURI");
  if (base_uri == NULL || *base_uri == '\0')
    {
      g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_LOOKUP,
                               _("%s gave no baseURI"), what);
      return;
    }
  set_string (&self->storage, base_uri);
  g_task_return_pointer (task, g_strdup (base_uri), g_free);
}

void
confab_account_lookup_storage_async (ConfabAccount      *self,
                                     SoupSession        *session,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (SOUP_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_account_lookup_storage_async);
  if (self->storage != NULL)
    {
      g_task_return_pointer (task, g_strdup (self->storage), g_free);
      return;
    }

  escaped = g_uri_escape_string (self->account_id, NULL, FALSE);
  path = g_strdup_printf ("/api/account/%s/service/swift/baseURI.json?version=1.0", escaped);
  url = confab_account_build_url (self->csds, FALSE, path, &error);
  if (url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  msg = soup_message_new (SOUP_METHOD_GET, url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable, storage_cb,
                                    g_steal_pointer (&task));
}

char *
confab_account_lookup_storage_finish (ConfabAccount  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
confab_account_signup_async (ConfabAccount      *self,
                             SoupSession        *session,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  set_string (&self->jwt, NULL);
  confab_account_resolve_async (self, session, cancellable, callback, user_data);
}

gboolean
confab_account_signup_finish (ConfabAccount  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return confab_account_resolve_finish (self, result, error);
}

/* The token in the Secret Service */

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabAccount *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INCOMPLETE,
                               _("The Secret Service is not available: %s"), error->message);
      return;
    }

  if (token != NULL)
    set_string (&self->jwt, token);
  secret_password_free (token);
  g_task_return_boolean (task, TRUE);
}

void
confab_account_load_token_async (ConfabAccount      *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_account_load_token_async);
  secret_password_lookup (token_schema (), cancellable, lookup_cb, task,
                          "account-id", self->account_id,
                          NULL);
}

gboolean
confab_account_load_token_finish (ConfabAccount  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_new_error (task, CONFAB_ACCOUNT_ERROR, CONFAB_ACCOUNT_ERROR_INCOMPLETE,
                             _("The token is kept for this session only: %s"), error->message);
  else
    g_task_return_boolean (task, TRUE);
}

void
confab_account_store_token_async (ConfabAccount      *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  GTask *task;
  g_autofree char *label = NULL;

  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_account_store_token_async);
  if (self->jwt == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  label = g_strdup_printf (_("Confab token for account %s"), self->account_id);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, self->jwt,
                         cancellable, store_cb, task,
                         "account-id", self->account_id,
                         NULL);
}

gboolean
confab_account_store_token_finish (ConfabAccount  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
