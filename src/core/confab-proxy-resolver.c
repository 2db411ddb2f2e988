/* confab-proxy-resolver.c: the system's proxies, but never for this machine's own addresses
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-proxy-resolver.h"

/* No proxy can reach this machine's loopback, and GNOME's own proxy settings leave it out
 * (their ignore-hosts default). Asking the system resolver anyway is not free: GLib's
 * libproxy resolver answers from a worker thread, so the local service's first request,
 * and with it the "offline" a closed port gives, waits until the main loop is free again,
 * which at start is after the window's first frame (docs/architecture.md, "Start-up"). */

struct _ConfabProxyResolver
{
  GObject parent_instance;

  GProxyResolver *fallback;
};

static void confab_proxy_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabProxyResolver, confab_proxy_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                      confab_proxy_resolver_iface_init))

static const char * const direct[] = { "direct://", NULL };

static gboolean
is_loopback (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (parsed == NULL || (host = g_uri_get_host (parsed)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
confab_proxy_resolver_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static char **
confab_proxy_resolver_lookup (GProxyResolver  *resolver,
                              const char      *uri,
                              GCancellable    *cancellable,
                              GError         **error)
{
  ConfabProxyResolver *self = CONFAB_PROXY_RESOLVER (resolver);

  if (is_loopback (uri))
    return g_strdupv ((char **) direct);
  return g_proxy_resolver_lookup (self->fallback, uri, cancellable, error);
}

static void
fallback_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char **proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), result, &error);

  if (proxies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, proxies, (GDestroyNotify) g_strfreev);
}

static void
confab_proxy_resolver_lookup_async (GProxyResolver      *resolver,
                                    const char          *uri,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  ConfabProxyResolver *self = CONFAB_PROXY_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, confab_proxy_resolver_lookup_async);
  if (is_loopback (uri))
    g_task_return_pointer (task, g_strdupv ((char **) direct), (GDestroyNotify) g_strfreev);
  else
    g_proxy_resolver_lookup_async (self->fallback, uri, cancellable, fallback_cb, g_steal_pointer (&task));
}

static char **
confab_proxy_resolver_lookup_finish (GProxyResolver  *resolver,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
confab_proxy_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = confab_proxy_resolver_is_supported;
  iface->lookup = confab_proxy_resolver_lookup;
  iface->lookup_async = confab_proxy_resolver_lookup_async;
  iface->lookup_finish = confab_proxy_resolver_lookup_finish;
}

static void
confab_proxy_resolver_finalize (GObject *object)
{
  ConfabProxyResolver *self = CONFAB_PROXY_RESOLVER (object);

  g_clear_object (&self->fallback);
  G_OBJECT_CLASS (confab_proxy_resolver_parent_class)->finalize (object);
}

static void
confab_proxy_resolver_class_init (ConfabProxyResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = confab_proxy_resolver_finalize;
}

static void
confab_proxy_resolver_init (ConfabProxyResolver *self)
{
}

GProxyResolver *
confab_proxy_resolver_new (GProxyResolver *fallback)
{
  ConfabProxyResolver *self;

  g_return_val_if_fail (fallback == NULL || G_IS_PROXY_RESOLVER (fallback), NULL);

  self = g_object_new (CONFAB_TYPE_PROXY_RESOLVER, NULL);
  self->fallback = g_object_ref (fallback != NULL ? fallback : g_proxy_resolver_get_default ());
  return G_PROXY_RESOLVER (self);
}
