/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "artemis-test-utils.h"

/* Long enough for a loaded CI machine, short enough to fail before meson's timeout. */
#define IO_TIMEOUT_S 10
#define WAIT_TIMEOUT_MS 15000

void
artemis_test_init (int *argc, char ***argv)
{
	g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	g_setenv ("TZ", "UTC", TRUE);
	g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

/* ---- main context ------------------------------------------------------ */

static gboolean
on_flag_timeout (gpointer user_data)
{
	gboolean *timed_out = user_data;

	*timed_out = TRUE;
	return G_SOURCE_REMOVE;
}

/* Iterates the default main context until *@done or @timeout_ms; returns *@done. */
static gboolean
iterate_until (const gboolean *done, guint timeout_ms)
{
	gboolean timed_out = FALSE;
	guint source = g_timeout_add (timeout_ms, on_flag_timeout, &timed_out);

	while (!*done && !timed_out)
		g_main_context_iteration (NULL, TRUE);
	if (!timed_out)
		g_source_remove (source);
	return *done;
}

static void
iterate_until_or_die (const gboolean *done, const char *what)
{
	if (!iterate_until (done, WAIT_TIMEOUT_MS))
		g_error ("Timed out after %u ms waiting for %s", WAIT_TIMEOUT_MS, what);
}

guint
artemis_test_find_free_port (void)
{
	g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
	g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
	g_autoptr (GSocketAddress) bound = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (socket);
	g_socket_bind (socket, any_port, FALSE, &error);
	g_assert_no_error (error);
	bound = g_socket_get_local_address (socket, &error);
	g_assert_no_error (error);
	return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

void
artemis_test_wait_ms (guint ms)
{
	gboolean never = FALSE;

	iterate_until (&never, ms);
}

static void
remove_tree (GFile *file)
{
	g_autoptr (GFileEnumerator) children =
		g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
					   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
	GFileInfo *info = NULL;
	GFile *child = NULL;

	while (children != NULL &&
	       g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL) {
		if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
			remove_tree (child);
		else
			g_file_delete (child, NULL, NULL);
	}
	g_file_delete (file, NULL, NULL);
}

void
artemis_test_remove_path (const char *path)
{
	g_autoptr (GFile) file = g_file_new_for_path (path);

	remove_tree (file);
}

/* ---- responses --------------------------------------------------------- */

static ArtemisTestResponse *
response_new (guint status, SoupMessageHeaders *headers, GBytes *body)
{
	ArtemisTestResponse *response = g_new0 (ArtemisTestResponse, 1);
	gsize len = 0;
	const char *data = g_bytes_get_data (body, &len);

	response->status = status;
	response->headers = headers;
	response->body = body;
	response->text = g_malloc (len + 1);
	if (len > 0)
		memcpy (response->text, data, len);
	response->text[len] = '\0';
	return response;
}

void
artemis_test_response_free (ArtemisTestResponse *response)
{
	if (response == NULL)
		return;
	soup_message_headers_unref (response->headers);
	g_bytes_unref (response->body);
	g_free (response->text);
	g_free (response);
}

const char *
artemis_test_response_get_header (ArtemisTestResponse *response, const char *name)
{
	return soup_message_headers_get_one (response->headers, name);
}

GBytes *
artemis_test_bytes (const char *text)
{
	return g_bytes_new (text, strlen (text));
}

char *
artemis_test_json (const char *text)
{
	char *result = g_strdup (text);

	for (char *p = result; *p != '\0'; p++) {
		if (*p == '\'')
			*p = '"';
		else if (*p == '`')
			*p = '\'';
	}
	return result;
}

/* ---- in-process server ------------------------------------------------- */

static gint64
test_clock (gpointer user_data)
{
	ArtemisTestServer *server = user_data;

	return server->now_ms;
}

static ArtemisConfig *
build_config (const char *data_dir, const char *overrides)
{
	g_autoptr (ArtemisConfig) config = artemis_config_new ();
	g_autoptr (GError) error = NULL;
	g_autofree char *base =
		g_strdup_printf ("[server]\nport=0\nbind=127.0.0.1\ndata-dir=%s\n", data_dir);

	artemis_config_load_data (config, base, &error);
	g_assert_no_error (error);
	if (overrides != NULL) {
		artemis_config_load_data (config, overrides, &error);
		g_assert_no_error (error);
	}
	return g_steal_pointer (&config);
}

void
artemis_test_server_setup (ArtemisTestServer *server, gconstpointer config_overrides)
{
	g_autoptr (GError) error = NULL;

	server->dir = g_dir_make_tmp ("artemis-test-XXXXXX", &error);
	g_assert_no_error (error);
	server->daemon = artemis_daemon_new (build_config (server->dir, config_overrides));
	server->now_ms = ARTEMIS_TEST_EPOCH_MS;
	artemis_registry_set_clock (artemis_daemon_get_registry (server->daemon), test_clock, server);
	artemis_daemon_start (server->daemon, &error);
	g_assert_no_error (error);
	server->port = artemis_daemon_get_port (server->daemon);
	g_assert_cmpuint (server->port, >, 0);
}

void
artemis_test_server_teardown (ArtemisTestServer *server, gconstpointer unused)
{
	/* Let the server finish with the connections its clients have closed. */
	while (g_main_context_iteration (NULL, FALSE))
		;
	g_clear_object (&server->daemon);
	artemis_test_remove_path (server->dir);
	g_clear_pointer (&server->dir, g_free);
}

/* ---- HTTP through libsoup ---------------------------------------------- */

typedef struct {
	gboolean done;
	GBytes *body;
	GError *error;
} SendState;

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
	SendState *state = user_data;

	state->body =
		soup_session_send_and_read_finish (SOUP_SESSION (source), result, &state->error);
	state->done = TRUE;
}

static void
append_headers (SoupMessage *msg, const char *const *headers)
{
	SoupMessageHeaders *request_headers = soup_message_get_request_headers (msg);

	for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2) {
		g_assert_nonnull (headers[i + 1]);
		soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
	}
}

ArtemisTestResponse *
artemis_test_http (guint port, const char *method, const char *path, const char *content_type,
		   GBytes *body, const char *const *headers)
{
	g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
	g_autoptr (SoupSession) session =
		soup_session_new_with_options ("timeout", IO_TIMEOUT_S, NULL);
	g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
	SendState state = { FALSE, NULL, NULL };

	g_assert_nonnull (msg);
	/* The tests decide about Accept-Encoding and look at compressed bodies themselves. */
	soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
	if (body != NULL)
		soup_message_set_request_body_from_bytes (msg, content_type, body);
	append_headers (msg, headers);
	soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &state);
	iterate_until_or_die (&state.done, uri);
	g_assert_no_error (state.error);
	return response_new (soup_message_get_status (msg),
			     soup_message_headers_ref (soup_message_get_response_headers (msg)),
			     state.body);
}

ArtemisTestResponse *
artemis_test_post_json (guint port, const char *path, const char *json)
{
	g_autoptr (GBytes) body = artemis_test_bytes (json);

	return artemis_test_http (port, "POST", path, "application/json", body, NULL);
}

ArtemisTestResponse *
artemis_test_post (guint port, const char *path, const char *body)
{
	g_autofree char *json = artemis_test_json (body);

	return artemis_test_post_json (port, path, json);
}

void
artemis_test_assert_post (guint port, const char *path, const char *body, guint status, const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_post (port, path, body);
	g_autofree char *json = artemis_test_json (expected);

	g_assert_cmpstr (response->text, ==, json);
	g_assert_cmpuint (response->status, ==, status);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
}

ArtemisTestResponse *
artemis_test_get (guint port, const char *path)
{
	return artemis_test_http (port, "GET", path, NULL, NULL, NULL);
}

/* ---- raw connections --------------------------------------------------- */

struct _ArtemisTestConnection {
	GSocketConnection *connection;
	GDataInputStream *input;
};

ArtemisTestConnection *
artemis_test_connection_new (guint port)
{
	g_autoptr (GSocketClient) client = g_socket_client_new ();
	g_autoptr (GError) error = NULL;
	ArtemisTestConnection *connection = g_new0 (ArtemisTestConnection, 1);

	/* The listening socket accepts in the kernel: connecting does not need the main loop. */
	g_socket_client_set_timeout (client, IO_TIMEOUT_S);
	g_socket_client_set_enable_proxy (client, FALSE);
	connection->connection =
		g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
	g_assert_no_error (error);
	connection->input = g_data_input_stream_new (
		g_io_stream_get_input_stream (G_IO_STREAM (connection->connection)));
	g_data_input_stream_set_newline_type (connection->input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
	return connection;
}

void
artemis_test_connection_free (ArtemisTestConnection *connection)
{
	if (connection == NULL)
		return;
	g_object_unref (connection->input);
	g_io_stream_close (G_IO_STREAM (connection->connection), NULL, NULL);
	g_object_unref (connection->connection);
	g_free (connection);
}

gboolean
artemis_test_connection_send (ArtemisTestConnection *connection, GBytes *data)
{
	GOutputStream *output =
		g_io_stream_get_output_stream (G_IO_STREAM (connection->connection));
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const void *bytes = g_bytes_get_data (data, &len);

	if (!g_output_stream_write_all (output, bytes, len, NULL, NULL, &error)) {
		g_test_message ("send failed: %s", error->message);
		return FALSE;
	}
	return TRUE;
}

static void
on_task_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
	gboolean *done = user_data;

	*done = TRUE;
}

/* Runs @func in a worker thread while the main context (and so the server) runs. */
static gpointer
run_in_thread (GTaskThreadFunc func, gpointer task_data, GError **error)
{
	g_autoptr (GTask) task = NULL;
	gboolean done = FALSE;

	task = g_task_new (NULL, NULL, on_task_done, &done);
	g_task_set_task_data (task, task_data, NULL);
	g_task_run_in_thread (task, func);
	iterate_until_or_die (&done, "a raw socket read");
	return g_task_propagate_pointer (task, error);
}

static char *
read_line (GDataInputStream *input, GError **error)
{
	return g_data_input_stream_read_line (input, NULL, NULL, error);
}

static gboolean
read_exactly (GDataInputStream *input, GByteArray *into, gsize len, GError **error)
{
	guint old_len = into->len;
	gsize got = 0;

	g_byte_array_set_size (into, old_len + len);
	if (!g_input_stream_read_all (G_INPUT_STREAM (input), into->data + old_len, len, &got, NULL,
				      error))
		return FALSE;
	if (got != len) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
			     "body ended after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
			     got, len);
		return FALSE;
	}
	return TRUE;
}

static gboolean
read_chunked_body (GDataInputStream *input, GByteArray *body, GError **error)
{
	for (;;) {
		g_autofree char *size_line = read_line (input, error);
		g_autofree char *crlf = NULL;
		guint64 size;

		if (size_line == NULL)
			return FALSE;
		size = g_ascii_strtoull (size_line, NULL, 16);
		if (size == 0)
			break;
		if (!read_exactly (input, body, size, error))
			return FALSE;
		crlf = read_line (input, error);
		if (crlf == NULL)
			return FALSE;
	}
	/* Trailers, up to the blank line. */
	for (;;) {
		g_autofree char *line = read_line (input, error);

		if (line == NULL)
			return FALSE;
		if (*line == '\0')
			return TRUE;
	}
}

static gboolean
read_to_eof (GDataInputStream *input, GByteArray *body, GError **error)
{
	guint8 buffer[4096];

	for (;;) {
		gssize got = g_input_stream_read (G_INPUT_STREAM (input), buffer, sizeof buffer,
						  NULL, error);

		if (got <= 0)
			return got == 0;
		g_byte_array_append (body, buffer, got);
	}
}

static gboolean
read_headers (GDataInputStream *input, SoupMessageHeaders *headers, GError **error)
{
	for (;;) {
		g_autofree char *line = read_line (input, error);
		char *colon;

		if (line == NULL)
			return FALSE;
		if (*line == '\0')
			return TRUE;
		colon = strchr (line, ':');
		if (colon == NULL) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				     "bad header line “%s”", line);
			return FALSE;
		}
		*colon = '\0';
		soup_message_headers_append (headers, line, g_strstrip (colon + 1));
	}
}

/* One HTTP/1.1 response; NULL without error when the peer closed first. */
static ArtemisTestResponse *
read_response (GDataInputStream *input, GError **error)
{
	g_autofree char *status_line = NULL;
	g_autoptr (SoupMessageHeaders) headers =
		soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
	g_autoptr (GByteArray) body = g_byte_array_new ();
	g_autoptr (GError) local_error = NULL;
	guint status = 0;
	gboolean chunked, ok;
	ArtemisTestResponse *response;

	status_line = read_line (input, &local_error);
	if (status_line == NULL) {
		if (local_error != NULL)
			g_propagate_error (error, g_steal_pointer (&local_error));
		return NULL;
	}
	if (sscanf (status_line, "HTTP/1.%*d %u", &status) != 1) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad status line “%s”",
			     status_line);
		return NULL;
	}
	if (!read_headers (input, headers, error))
		return NULL;
	chunked = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED;
	if (status < 200 || status == 204 || status == 304)
		ok = TRUE;
	else if (chunked)
		ok = read_chunked_body (input, body, error);
	else if (soup_message_headers_get_one (headers, "Content-Length") != NULL)
		ok = read_exactly (input, body, soup_message_headers_get_content_length (headers),
				   error);
	else
		ok = read_to_eof (input, body, error);
	if (!ok)
		return NULL;
	response = response_new (status, g_steal_pointer (&headers),
				 g_byte_array_free_to_bytes (g_steal_pointer (&body)));
	response->chunked = chunked;
	return response;
}

static void
read_response_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
	ArtemisTestConnection *connection = task_data;
	GError *error = NULL;
	ArtemisTestResponse *response = read_response (connection->input, &error);

	if (error != NULL)
		g_task_return_error (task, error);
	else
		g_task_return_pointer (task, response, (GDestroyNotify) artemis_test_response_free);
}

ArtemisTestResponse *
artemis_test_connection_read_response (ArtemisTestConnection *connection)
{
	g_autoptr (GError) error = NULL;
	ArtemisTestResponse *response = run_in_thread (read_response_thread, connection, &error);

	g_assert_no_error (error);
	return response;
}

static void
read_eof_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
	ArtemisTestConnection *connection = task_data;
	g_autoptr (GError) error = NULL;
	guint8 byte;
	gssize got =
		g_input_stream_read (G_INPUT_STREAM (connection->input), &byte, 1, NULL, &error);

	/* A reset after unread request data also means the server closed. */
	g_task_return_pointer (task,
			       GINT_TO_POINTER (got == 0 ||
						g_error_matches (error, G_IO_ERROR,
								    G_IO_ERROR_CONNECTION_CLOSED)),
			       NULL);
}

gboolean
artemis_test_connection_read_eof (ArtemisTestConnection *connection)
{
	return GPOINTER_TO_INT (run_in_thread (read_eof_thread, connection, NULL));
}

GBytes *
artemis_test_build_request (const char *method, const char *path, const char *extra_headers,
			    GBytes *body, gsize chunk_size)
{
	GString *text = g_string_new (NULL);
	gsize len = 0;
	const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

	g_string_append_printf (text, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s", method, path,
				extra_headers != NULL ? extra_headers : "");
	if (body != NULL && chunk_size == 0)
		g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\n", len);
	else if (body != NULL)
		g_string_append (text, "Transfer-Encoding: chunked\r\n");
	g_string_append (text, "\r\n");
	if (body != NULL && chunk_size == 0) {
		g_string_append_len (text, data, len);
	} else if (body != NULL) {
		for (gsize pos = 0; pos < len; pos += chunk_size) {
			gsize piece = MIN (chunk_size, len - pos);

			g_string_append_printf (text, "%" G_GSIZE_MODIFIER "x\r\n", piece);
			g_string_append_len (text, data + pos, piece);
			g_string_append (text, "\r\n");
		}
		g_string_append (text, "0\r\n\r\n");
	}
	return g_string_free_to_bytes (text);
}

ArtemisTestResponse *
artemis_test_raw_request (guint port, GBytes *request)
{
	g_autoptr (ArtemisTestConnection) connection = artemis_test_connection_new (port);

	g_assert_true (artemis_test_connection_send (connection, request));
	return artemis_test_connection_read_response (connection);
}

ArtemisTestResponse *
artemis_test_exchange (guint port, GBytes *request, GError **error)
{
	g_autoptr (ArtemisTestConnection) connection = artemis_test_connection_new (port);

	if (!artemis_test_connection_send (connection, request)) {
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "the peer closed while sending");
		return NULL;
	}
	return read_response (connection->input, error);
}

/* ---- compression ------------------------------------------------------- */

static GBytes *
convert (GConverter *converter, GBytes *data)
{
	g_autoptr (GOutputStream) memory = g_memory_output_stream_new_resizable ();
	g_autoptr (GOutputStream) stream = g_converter_output_stream_new (memory, converter);
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const void *bytes = g_bytes_get_data (data, &len);

	g_output_stream_write_all (stream, bytes, len, NULL, NULL, &error);
	g_assert_no_error (error);
	g_output_stream_close (stream, NULL, &error);
	g_assert_no_error (error);
	return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

GBytes *
artemis_test_compress (GZlibCompressorFormat format, GBytes *data)
{
	g_autoptr (GZlibCompressor) compressor = g_zlib_compressor_new (format, -1);

	return convert (G_CONVERTER (compressor), data);
}

GBytes *
artemis_test_decompress (GZlibCompressorFormat format, GBytes *data)
{
	g_autoptr (GZlibDecompressor) decompressor = g_zlib_decompressor_new (format);

	return convert (G_CONVERTER (decompressor), data);
}

/* ---- the real daemon --------------------------------------------------- */

struct _ArtemisTestDaemon {
	char *dir;
	char *data_dir;
	char *config_path;
	char *log_path;
	char **extra_args;
	GSubprocess *process;
	gboolean exited;
	guint port;
	guint fixed_port; /* 0: any free port */
	GPtrArray *environment; /* name, value, name, value… */
	gboolean session_bus;
	rlim_t fd_limit; /* 0: inherited */
};

/* The log to dump when an assertion aborts the test (read by the signal handler). */
static const char *abort_log_path;

static void
write_all_fd (int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t written = write (fd, data, len);

		if (written <= 0)
			return;
		data += written;
		len -= written;
	}
}

/* Async-signal-safe: only open, read, write and close. */
static void
on_abort_signal (int signum)
{
	static const char header[] = "\n=== artemisd log ===\n";
	static const char footer[] = "=== end of artemisd log ===\n";
	char buffer[4096];
	ssize_t got;
	int fd;

	if (abort_log_path == NULL || (fd = open (abort_log_path, O_RDONLY)) < 0)
		return;
	write_all_fd (STDERR_FILENO, header, sizeof header - 1);
	while ((got = read (fd, buffer, sizeof buffer)) > 0)
		write_all_fd (STDERR_FILENO, buffer, got);
	write_all_fd (STDERR_FILENO, footer, sizeof footer - 1);
	close (fd);
}

static void
install_abort_handler (void)
{
	static gboolean installed = FALSE;
	struct sigaction action = { 0 };

	if (installed)
		return;
	action.sa_handler = on_abort_signal;
	/* Back to the default after one run: abort() then terminates as usual. */
	action.sa_flags = SA_RESETHAND;
	sigemptyset (&action.sa_mask);
	sigaction (SIGABRT, &action, NULL);
	installed = TRUE;
}

/* In the child: do not outlive a test that crashed; the descriptor limit the test asked for. */
static void
setup_child (gpointer user_data)
{
	const ArtemisTestDaemon *daemon = user_data;
	struct rlimit limit = { daemon->fd_limit, daemon->fd_limit };

	prctl (PR_SET_PDEATHSIG, SIGKILL);
	if (daemon->fd_limit > 0)
		setrlimit (RLIMIT_NOFILE, &limit);
}

const char *
artemis_test_daemon_get_path (void)
{
	const char *path = g_getenv ("ARTEMISD");

	return path != NULL && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) ? path : NULL;
}

gboolean
artemis_test_daemon_is_available (void)
{
	if (artemis_test_daemon_get_path () != NULL)
		return TRUE;
	g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
	return FALSE;
}

ArtemisTestDaemon *
artemis_test_daemon_new (const char *config_text)
{
	ArtemisTestDaemon *daemon = g_new0 (ArtemisTestDaemon, 1);
	g_autoptr (GError) error = NULL;

	daemon->dir = g_dir_make_tmp ("artemisd-test-XXXXXX", &error);
	g_assert_no_error (error);
	daemon->data_dir = g_build_filename (daemon->dir, "data", NULL);
	daemon->config_path = g_build_filename (daemon->dir, "artemisd.conf", NULL);
	daemon->log_path = g_build_filename (daemon->dir, "artemisd.log", NULL);
	daemon->environment = g_ptr_array_new_with_free_func (g_free);
	artemis_test_daemon_write_config (daemon, config_text);
	return daemon;
}

void
artemis_test_daemon_write_config (ArtemisTestDaemon *daemon, const char *config_text)
{
	g_autoptr (GError) error = NULL;

	g_file_set_contents (daemon->config_path, config_text, -1, &error);
	g_assert_no_error (error);
}

void
artemis_test_daemon_use_session_bus (ArtemisTestDaemon *daemon)
{
	daemon->session_bus = TRUE;
}

void
artemis_test_daemon_setenv (ArtemisTestDaemon *daemon, const char *name, const char *value)
{
	g_ptr_array_add (daemon->environment, g_strdup (name));
	g_ptr_array_add (daemon->environment, g_strdup (value));
}

static void
on_daemon_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisTestDaemon *daemon = user_data;

	g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
	daemon->exited = TRUE;
}

/* The port from "Listening on port N" in the log, or 0. */
static guint
find_port (ArtemisTestDaemon *daemon)
{
	g_autofree char *log = artemis_test_daemon_get_log (daemon);
	const char *line = strstr (log, "Listening on port ");

	if (line == NULL)
		return 0;
	return g_ascii_strtoull (line + strlen ("Listening on port "), NULL, 10);
}

gboolean
artemis_test_daemon_start (ArtemisTestDaemon *daemon)
{
	g_autoptr (GSubprocessLauncher) launcher =
		g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) argv = NULL;
	const char *path = artemis_test_daemon_get_path ();
	g_autofree char *port = g_strdup_printf ("%u", daemon->fixed_port);
	const char *fixed_args[] = {
		path, "--port", port, "--bind", "127.0.0.1", "--data-dir", daemon->data_dir, "--config", daemon->config_path,
	};
	gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

	g_assert_nonnull (path);
	/* One that exited starts again, on the same data directory, with a new log (and port). */
	if (daemon->process != NULL) {
		g_assert_true (daemon->exited);
		g_clear_object (&daemon->process);
		daemon->exited = FALSE;
		daemon->port = 0;
		g_assert_cmpint (g_unlink (daemon->log_path), ==, 0);
	}
	install_abort_handler ();
	abort_log_path = daemon->log_path;
	g_subprocess_launcher_set_stdout_file_path (launcher, daemon->log_path);
	g_subprocess_launcher_set_child_setup (launcher, setup_child, daemon, NULL);
	for (guint i = 0; i + 1 < daemon->environment->len; i += 2)
		g_subprocess_launcher_setenv (launcher, g_ptr_array_index (daemon->environment, i),
					      g_ptr_array_index (daemon->environment, i + 1), TRUE);
	argv = g_ptr_array_new ();
	for (guint i = 0; i < G_N_ELEMENTS (fixed_args); i++)
		g_ptr_array_add (argv, (gpointer) fixed_args[i]);
	g_ptr_array_add (argv, daemon->session_bus ? "--session-bus" : "--no-dbus");
	for (guint i = 0; daemon->extra_args != NULL && daemon->extra_args[i] != NULL; i++)
		g_ptr_array_add (argv, daemon->extra_args[i]);
	g_ptr_array_add (argv, NULL);
	daemon->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
	g_assert_no_error (error);
	g_subprocess_wait_async (daemon->process, NULL, on_daemon_exited, daemon);
	while (daemon->port == 0 && !daemon->exited && g_get_monotonic_time () < deadline) {
		artemis_test_wait_ms (10);
		daemon->port = find_port (daemon);
	}
	if (daemon->port == 0 && !daemon->exited)
		g_error ("artemisd did not report its port within %u ms", WAIT_TIMEOUT_MS);
	return daemon->port != 0;
}

void
artemis_test_daemon_set_extra_args (ArtemisTestDaemon *daemon, const char *const *args)
{
	g_strfreev (daemon->extra_args);
	daemon->extra_args = g_strdupv ((char **) args);
}

void
artemis_test_daemon_set_port (ArtemisTestDaemon *daemon, guint port)
{
	daemon->fixed_port = port;
}

void
artemis_test_daemon_set_fd_limit (ArtemisTestDaemon *daemon, guint limit)
{
	daemon->fd_limit = limit;
}

guint
artemis_test_daemon_get_port (ArtemisTestDaemon *daemon)
{
	return daemon->port;
}

const char *
artemis_test_daemon_get_data_dir (ArtemisTestDaemon *daemon)
{
	return daemon->data_dir;
}

gboolean
artemis_test_daemon_send_signal (ArtemisTestDaemon *daemon, int signum)
{
	if (daemon->process == NULL || daemon->exited)
		return FALSE;
	g_subprocess_send_signal (daemon->process, signum);
	return TRUE;
}

gboolean
artemis_test_daemon_wait (ArtemisTestDaemon *daemon, guint timeout_ms)
{
	g_assert_nonnull (daemon->process);
	return iterate_until (&daemon->exited, timeout_ms);
}

gboolean
artemis_test_daemon_get_exit_status (ArtemisTestDaemon *daemon, int *status)
{
	g_assert_true (daemon->exited);
	if (!g_subprocess_get_if_exited (daemon->process))
		return FALSE;
	*status = g_subprocess_get_exit_status (daemon->process);
	return TRUE;
}

char *
artemis_test_daemon_get_log (ArtemisTestDaemon *daemon)
{
	char *log = NULL;

	if (!g_file_get_contents (daemon->log_path, &log, NULL, NULL))
		return g_strdup ("");
	return log;
}

gsize
artemis_test_daemon_get_rss (ArtemisTestDaemon *daemon)
{
	g_autofree char *path = NULL;
	g_autofree char *status = NULL;
	const char *line;

	g_assert_nonnull (daemon->process);
	path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (daemon->process));
	g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
	line = strstr (status, "VmRSS:");
	g_assert_nonnull (line);
	return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

void
artemis_test_daemon_free (ArtemisTestDaemon *daemon)
{
	if (daemon == NULL)
		return;
	if (daemon->process != NULL && !daemon->exited) {
		g_subprocess_force_exit (daemon->process);
		/* The wait callback points at @daemon: let it run before freeing. */
		iterate_until_or_die (&daemon->exited, "artemisd to die");
	}
	if (g_test_failed ()) {
		g_autofree char *log = artemis_test_daemon_get_log (daemon);

		g_printerr ("\n=== artemisd log ===\n%s=== end of artemisd log ===\n", log);
	}
	abort_log_path = NULL;
	g_clear_object (&daemon->process);
	artemis_test_remove_path (daemon->dir);
	g_free (daemon->dir);
	g_free (daemon->data_dir);
	g_free (daemon->config_path);
	g_free (daemon->log_path);
	g_ptr_array_unref (daemon->environment);
	g_strfreev (daemon->extra_args);
	g_free (daemon);
}
