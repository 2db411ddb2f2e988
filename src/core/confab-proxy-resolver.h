/* confab-proxy-resolver.h: the system's proxies, but never for this machine's own addresses
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_PROXY_RESOLVER (confab_proxy_resolver_get_type ())
G_DECLARE_FINAL_TYPE (ConfabProxyResolver, confab_proxy_resolver, CONFAB, PROXY_RESOLVER, GObject)

/* Answers "direct://" at once for a loopback host (127.0.0.0/8, ::1, localhost) and asks
 * @fallback (NULL: g_proxy_resolver_get_default()) for every other. */
GProxyResolver *confab_proxy_resolver_new (GProxyResolver *fallback);

G_END_DECLS
