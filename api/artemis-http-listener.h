/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_HTTP_LISTENER (artemis_http_listener_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisHttpListener, artemis_http_listener, ARTEMIS, HTTP_LISTENER, GObject)

/*
 * The listening sockets of the HTTP server, in place of libsoup's: a
 * libsoup 3.2 listener stops accepting for good after one failed accept
 * (EMFILE at the descriptor limit), silently, and listens with a backlog
 * of 10. This one listens with @backlog, and after a failed accept waits
 * a moment and accepts again, saying so in the log. ::accepted (GSocket)
 * is emitted for each new connection.
 */
ArtemisHttpListener *artemis_http_listener_new (guint backlog);
/* Listens on @address (NULL or empty: every IPv4 and IPv6 address) and @port (0: a free one). */
gboolean artemis_http_listener_listen (ArtemisHttpListener *listener, const char *address, guint port, GError **error);
/* The port listened on, 0 before listening. */
guint artemis_http_listener_get_port (ArtemisHttpListener *listener);
/* While paused, new connections wait in the kernel's backlog. */
void artemis_http_listener_set_paused (ArtemisHttpListener *listener, gboolean paused);

G_END_DECLS
