/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the WebSocket frame parser, fed raw client bytes through
 * a socket pair exactly as a peer would send them after the upgrade.
 */
#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include "artemis-ws-connection.h"

typedef struct {
	gboolean closed;
	guint messages;
} Outcome;

static void
on_message (ArtemisWsConnection *connection, GBytes *text, gpointer user_data)
{
	Outcome *outcome = user_data;
	g_autoptr (GBytes) echo = artemis_ws_text_frame_new (g_bytes_get_data (text, NULL), g_bytes_get_size (text));

	/* Echo, so the write path runs as well. */
	outcome->messages++;
	artemis_ws_connection_send (connection, echo);
}

static void
on_closed (ArtemisWsConnection *connection, gpointer user_data)
{
	((Outcome *) user_data)->closed = TRUE;
}

/* Reads and drops what the server writes, so it never blocks. */
static void
drain (int fd)
{
	char buffer[4096];

	while (recv (fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0)
		;
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
	g_autoptr (ArtemisPoller) poller = artemis_poller_new (NULL);
	g_autoptr (GSocket) socket = NULL;
	g_autoptr (GSocketConnection) stream = NULL;
	g_autoptr (ArtemisWsConnection) connection = NULL;
	Outcome outcome = { FALSE, 0 };
	int fds[2];
	gsize sent = 0;

	if (size > 65536 || socketpair (AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return 0;
	socket = g_socket_new_from_fd (fds[0], NULL);
	g_assert (socket != NULL);
	stream = g_socket_connection_factory_create_connection (socket);
	connection = artemis_ws_connection_new (G_IO_STREAM (stream), socket, poller, 4096);
	g_signal_connect (connection, "message", G_CALLBACK (on_message), &outcome);
	g_signal_connect (connection, "closed", G_CALLBACK (on_closed), &outcome);

	while (sent < size) {
		gssize n = send (fds[1], data + sent, size - sent, MSG_DONTWAIT);

		if (n > 0)
			sent += n;
		drain (fds[1]);
		g_main_context_iteration (NULL, FALSE);
		if (outcome.closed)
			break;
	}
	shutdown (fds[1], SHUT_WR);
	for (guint i = 0; i < 64 && !outcome.closed; i++) {
		drain (fds[1]);
		g_main_context_iteration (NULL, FALSE);
	}
	if (!outcome.closed)
		artemis_ws_connection_close (connection, ARTEMIS_WS_CLOSE_GOING_AWAY, "fuzz input ended");
	for (guint i = 0; i < 64 && !outcome.closed; i++) {
		drain (fds[1]);
		g_main_context_iteration (NULL, FALSE);
	}
	g_clear_object (&connection);
	while (g_main_context_iteration (NULL, FALSE))
		;
	close (fds[1]);
	return 0;
}
