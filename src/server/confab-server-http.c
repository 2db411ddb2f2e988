/* confab-server-http.c: ConfabServer's plain HTTP endpoints
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a client asks before it opens its socket (docs/protocol-notes.md, "Domains, signup
 * and lp.env"): the CSDS lookup of the service's address, signup for a token, and the
 * agent's profile. Answers honour the response delay.
 */
#include "config.h"

#include <string.h>

#include "confab-server-private.h"
#include "confab-token.h"

/* An answer held back by the response delay. */
typedef struct {
  ConfabServer *server;
  SoupServerMessage *msg;
  guint source;
} DelayedHttp;

void
confab_server_reply_json (SoupServerMessage *msg,
                          guint              status,
                          JsonNode          *node)
{
  g_autofree char *text = confab_json_to_string (node);
  gsize len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
}

void
confab_server_reply_error (SoupServerMessage *msg,
                          guint              status,
                          const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  confab_server_reply_json (msg, status, node);
}

GStrv
confab_server_split_path (const char *path)
{
  if (path == NULL || path[0] != '/')
    return NULL;
  return g_strsplit (path + 1, "/", 16);
}

char *
confab_server_issue_token (ConfabServer *self,
                           const char   *account_id,
                           const char   *consumer_id,
                           gint64        lifetime_s)
{
  g_autofree char *new_id = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  if (account_id == NULL)
    account_id = CONFAB_SERVER_DEFAULT_ACCOUNT;
  if (consumer_id == NULL)
    consumer_id = new_id = g_uuid_string_random ();

  if (confab_server_state_lookup_consumer (self->state, consumer_id) == NULL)
    {
      confab_server_state_add_consumer (self->state, consumer_id, account_id, confab_server_now_ms ());
      confab_server_schedule_save (self);
    }

  return confab_token_sign (self->state->key, account_id, consumer_id, now, now + lifetime_s);
}

static gboolean
delayed_http_cb (gpointer user_data)
{
  DelayedHttp *delayed = user_data;
  ConfabServer *self = delayed->server;

  delayed->source = 0;
  soup_server_message_unpause (delayed->msg);
  g_ptr_array_remove (self->delayed_http, delayed);

  return G_SOURCE_REMOVE;
}

void
confab_server_delayed_http_free (gpointer data)
{
  DelayedHttp *delayed = data;

  if (delayed->source != 0)
    {
      g_clear_handle_id (&delayed->source, g_source_remove);
      soup_server_message_unpause (delayed->msg);
    }
  g_clear_object (&delayed->msg);
  g_free (delayed);
}

static void
maybe_delay_http (ConfabServer      *self,
                  SoupServerMessage *msg)
{
  DelayedHttp *delayed;

  if (self->response_delay == 0)
    return;

  delayed = g_new0 (DelayedHttp, 1);
  delayed->server = self;
  delayed->msg = g_object_ref (msg);
  delayed->source = g_timeout_add (self->response_delay, delayed_http_cb, delayed);
  g_ptr_array_add (self->delayed_http, delayed);
  soup_server_message_pause (msg);
}

static void
handle_csds (ConfabServer      *self,
             SoupServerMessage *msg,
             const char        *account_id,
             const char        *service)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *base_url = NULL;

  /* swift: the storage of hosted files, which is this service too */
  if (!g_str_equal (service, "asyncMessagingEnt") && !g_str_equal (service, "idp") &&
      !g_str_equal (service, "acCdnDomain") && !g_str_equal (service, "swift"))
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown service");
      return;
    }

  base_url = confab_server_dup_base_url (self);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, service);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, account_id);
  json_builder_set_member_name (builder, "baseURI");
  json_builder_add_string_value (builder, base_url);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  confab_server_reply_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_signup (ConfabServer      *self,
               SoupServerMessage *msg,
               const char        *account_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *jwt = NULL;

  jwt = confab_server_issue_token (self, account_id, NULL, self->token_lifetime);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jwt");
  json_builder_add_string_value (builder, jwt);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  g_debug ("signup for a new consumer");
  confab_server_reply_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_agent_profile (ConfabServer      *self,
                      SoupServerMessage *msg,
                      const char        *agent_id)
{
  const ConfabServerAgentProfile *profile = confab_server_lookup_agent (agent_id);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (profile == NULL)
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown user");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, profile->id);
  json_builder_set_member_name (builder, "nickname");
  json_builder_add_string_value (builder, profile->nickname);
  json_builder_set_member_name (builder, "fullName");
  json_builder_add_string_value (builder, profile->full_name);
  json_builder_set_member_name (builder, "employeeId");
  json_builder_add_string_value (builder, profile->employee_id);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  confab_server_reply_json (msg, SOUP_STATUS_OK, node);
}

/* parts: api/account/{accountId}/… */
static void
route_account_api (ConfabServer      *self,
                   SoupServerMessage *msg,
                   GStrv              parts)
{
  const char *method = soup_server_message_get_method (msg);
  guint n_parts = g_strv_length (parts);

  if (n_parts == 6 && g_str_equal (parts[3], "service") && g_str_equal (parts[5], "baseURI.json"))
    {
      if (g_str_equal (method, SOUP_METHOD_GET))
        handle_csds (self, msg, parts[2], parts[4]);
      else
        confab_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET");
    }
  else if (n_parts == 4 && g_str_equal (parts[3], "signup"))
    {
      if (g_str_equal (method, SOUP_METHOD_POST))
        handle_signup (self, msg, parts[2]);
      else
        confab_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use POST");
    }
  else if (n_parts == 7 && g_str_equal (parts[3], "configuration") && g_str_equal (parts[4], "le-users") &&
           g_str_equal (parts[5], "users") && *parts[6] != '\0')
    {
      if (g_str_equal (method, SOUP_METHOD_GET))
        handle_agent_profile (self, msg, parts[6]);
      else
        confab_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET");
    }
  else
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
    }
}

/* The SoupServer handler of /api. */
void
confab_server_http_api (SoupServer        *server,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  ConfabServer *self = user_data;
  g_auto(GStrv) parts = confab_server_split_path (path);
  guint n_parts = parts != NULL ? g_strv_length (parts) : 0;

  if (n_parts < 4 || !g_str_equal (parts[1], "account") || *parts[2] == '\0')
    {
      confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
      return;
    }

  route_account_api (self, msg, parts);
  maybe_delay_http (self, msg);
}

/* The SoupServer handler of every path nothing else serves. */
void
confab_server_http_unknown (SoupServer        *server,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query,
                            gpointer           user_data)
{
  confab_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
}
