/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>

#include "artemis-systemd.h"

/* $NOTIFY_SOCKET is a path, or an abstract name written with a leading '@'. */
static GSocketAddress *
notify_address_new (const char *path)
{
	if (path[0] == '@')
		return g_unix_socket_address_new_with_type (path + 1, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
	return g_unix_socket_address_new (path);
}

gboolean
artemis_systemd_notify (const char *state, GError **error)
{
	const char *path = g_getenv ("NOTIFY_SOCKET");
	g_autoptr (GSocket) socket = NULL;
	g_autoptr (GSocketAddress) address = NULL;
	gsize len = strlen (state);
	gssize sent;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return TRUE;
	socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, error);
	if (socket == NULL)
		return FALSE;
	address = notify_address_new (path);
	/* The manager learns who sends from the socket's credentials: a plain send is enough. */
	sent = g_socket_send_to (socket, address, state, len, NULL, error);
	if (sent < 0) {
		g_prefix_error (error, "%s: ", path);
		return FALSE;
	}
	return TRUE;
}

void
artemis_systemd_notify_or_warn (const char *state)
{
	g_autoptr (GError) error = NULL;

	if (!artemis_systemd_notify (state, &error))
		g_warning ("Cannot notify the service manager: %s", error->message);
}
