/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baseline-server: the ceiling libsoup 3 allows for the benchmark.
 *
 * A SoupServer with a single handler that answers every POST with the same
 * bytes, loaded once from the file given on the command line, as
 * `application/json;charset=UTF-8`.  It does nothing else: no routing, no
 * parsing of the request body, no per-request allocation of its own.
 *
 * Usage: baseline-server [--bind ADDRESS] [--port PORT] FILE
 * Prints "port N" on stdout once listening (PORT 0 picks a free port) and
 * stops on SIGTERM or SIGINT.
 */
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>

#define JSON_CONTENT_TYPE "application/json;charset=UTF-8"

static void
on_request (SoupServer *server G_GNUC_UNUSED, SoupServerMessage *msg, const char *path G_GNUC_UNUSED,
	    GHashTable *query G_GNUC_UNUSED, gpointer user_data)
{
	GBytes *body = user_data;
	SoupMessageHeaders *headers;

	if (soup_server_message_get_method (msg) != SOUP_METHOD_POST) {
		soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
		return;
	}
	headers = soup_server_message_get_response_headers (msg);
	soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
	soup_message_headers_replace (headers, "Content-Type", JSON_CONTENT_TYPE);
	soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

static gboolean
on_quit_signal (gpointer user_data)
{
	g_main_loop_quit (user_data);
	return G_SOURCE_CONTINUE;
}

static guint
listening_port (SoupServer *server)
{
	GSList *uris = soup_server_get_uris (server);
	guint port = uris != NULL ? (guint) g_uri_get_port (uris->data) : 0;

	g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
	return port;
}

int
main (int argc, char **argv)
{
	g_autofree char *bind_address = NULL;
	int port = 0;
	const GOptionEntry entries[] = {
		{ "bind", 'b', 0, G_OPTION_ARG_STRING, &bind_address, "Address to listen on (127.0.0.1)",
		  "ADDRESS" },
		{ "port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port (0: any free port)", "PORT" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = g_option_context_new ("FILE");
	g_autoptr (GError) error = NULL;
	g_autoptr (GMappedFile) file = NULL;
	g_autoptr (GBytes) body = NULL;
	g_autoptr (GSocketAddress) address = NULL;
	g_autoptr (SoupServer) server = NULL;
	g_autoptr (GMainLoop) loop = NULL;

	g_option_context_set_summary (context, "Answer every POST with the bytes of FILE (libsoup baseline).");
	g_option_context_add_main_entries (context, entries, NULL);
	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		g_printerr ("baseline-server: %s\n", error->message);
		return EXIT_FAILURE;
	}
	if (argc != 2 || port < 0 || port > 65535) {
		g_printerr ("Usage: baseline-server [--bind ADDRESS] [--port PORT] FILE\n");
		return EXIT_FAILURE;
	}

	file = g_mapped_file_new (argv[1], FALSE, &error);
	if (file == NULL) {
		g_printerr ("baseline-server: %s\n", error->message);
		return EXIT_FAILURE;
	}
	/* Copy once so the handler serves plain heap memory, like a real server. */
	body = g_bytes_new (g_mapped_file_get_contents (file), g_mapped_file_get_length (file));

	address = g_inet_socket_address_new_from_string (bind_address != NULL ? bind_address : "127.0.0.1",
							 (guint) port);
	if (address == NULL) {
		g_printerr ("baseline-server: “%s” is not an IP address\n", bind_address);
		return EXIT_FAILURE;
	}
	server = soup_server_new (NULL, NULL);
	soup_server_add_handler (server, NULL, on_request, body, NULL);
	if (!soup_server_listen (server, address, 0, &error)) {
		g_printerr ("baseline-server: cannot listen: %s\n", error->message);
		return EXIT_FAILURE;
	}
	g_print ("port %u\n", listening_port (server));
	fflush (stdout);

	loop = g_main_loop_new (NULL, FALSE);
	g_unix_signal_add (SIGTERM, on_quit_signal, loop);
	g_unix_signal_add (SIGINT, on_quit_signal, loop);
	g_main_loop_run (loop);
	return EXIT_SUCCESS;
}
