/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <gio/gnetworking.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "artemis-http-connection.h"
#include "artemis-http-listener.h"
#include "artemis-server.h"

#define JSON_CONTENT_TYPE "application/json;charset=UTF-8"
#define SERVER_HEADER "artemisd/" PACKAGE_VERSION " "
/* Java's compressing filter leaves small bodies alone; so do we. */
#define GZIP_MIN_SIZE 1024
/* Descriptors beyond connections and WebSocket sessions: the store, plugins, the main loop. */
#define RESERVED_DESCRIPTORS 64

typedef struct {
	const char *path; /* the key of the route table */
	ArtemisMethods methods;
	gboolean writes;
	ArtemisRouteHandler handler;
	gpointer user_data;
} Route;

struct _ArtemisServer {
	GObject parent_instance;

	SoupServer *soup_server;
	char *context_path; /* "" or "/prefix" without trailing slash */
	char *data_dir;
	gsize max_body_size;
	GHashTable *routes; /* path → Route */
	gboolean draining;
	ArtemisRouteGuard write_guard;
	gpointer write_guard_data;
	GDestroyNotify write_guard_destroy;
	char **cors_origins; /* NULL: no CORS */
	gboolean cors_any;   /* "*" is among them */
	ArtemisRequestObserver observer;
	gpointer observer_data;
	/* The transport: own listener, and every HTTP connection it accepted (not yet upgraded). */
	ArtemisHttpListener *listener;
	ArtemisHttpTimeouts timeouts;
	guint max_connections;
	guint max_ws_sockets;
	GHashTable *connections; /* ArtemisHttpConnection, owned */
	guint sweep_source;
	gboolean full;
};

/* What the request observer is told, kept on the message until it is finished. */
typedef struct {
	gint64 start_us;
	const char *route;
} RequestTiming;

static GQuark request_timing_quark;

G_DEFINE_TYPE (ArtemisServer, artemis_server, G_TYPE_OBJECT)

static void
artemis_server_finalize (GObject *object)
{
	ArtemisServer *self = ARTEMIS_SERVER (object);
	GHashTableIter iter;
	gpointer connection;

	g_clear_handle_id (&self->sweep_source, g_source_remove);
	g_clear_object (&self->listener);
	g_hash_table_iter_init (&iter, self->connections);
	while (g_hash_table_iter_next (&iter, &connection, NULL))
		g_signal_handlers_disconnect_by_data (connection, self);
	g_hash_table_unref (self->connections);
	soup_server_disconnect (self->soup_server);
	g_object_unref (self->soup_server);
	g_hash_table_unref (self->routes);
	if (self->write_guard_destroy != NULL)
		self->write_guard_destroy (self->write_guard_data);
	g_strfreev (self->cors_origins);
	g_free (self->context_path);
	g_free (self->data_dir);
	G_OBJECT_CLASS (artemis_server_parent_class)->finalize (object);
}

static void
artemis_server_class_init (ArtemisServerClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_server_finalize;
	request_timing_quark = g_quark_from_static_string ("artemis-request-timing");
}

static void
artemis_server_init (ArtemisServer *self)
{
	self->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	self->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
}

/*
 * CORS, when origins are configured: "*" answers any origin without
 * credentials (a browser refuses the two together); a listed origin gets its
 * own name back, with credentials. Added before the handler runs, so that
 * deferred answers have them too; each answer is built once, so appending
 * (cheaper than replacing) is safe.
 */
static gboolean
add_cors_headers (ArtemisServer *self, SoupServerMessage *msg)
{
	SoupMessageHeaders *headers;
	const char *origin;

	if (self->cors_origins == NULL)
		return FALSE;
	headers = soup_server_message_get_response_headers (msg);
	if (self->cors_any) {
		soup_message_headers_append (headers, "Access-Control-Allow-Origin", "*");
		soup_message_headers_append (headers, "Access-Control-Expose-Headers", "*");
		return TRUE;
	}
	soup_message_headers_append (headers, "Vary", "Origin");
	origin = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin");
	if (origin == NULL || !g_strv_contains ((const char *const *) self->cors_origins, origin))
		return FALSE;
	soup_message_headers_append (headers, "Access-Control-Allow-Origin", origin);
	soup_message_headers_append (headers, "Access-Control-Allow-Credentials", "true");
	return TRUE;
}

static void
reply_bytes (SoupServerMessage *msg, guint status, GBytes *body)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

	soup_server_message_set_status (msg, status, NULL);
	soup_message_headers_append (headers, "Content-Type", JSON_CONTENT_TYPE);
	soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

static GBytes *
error_body (const char *error_code, const char *message)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (128);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_response_status (writer, error_code, message);
	artemis_json_writer_end_object (writer);
	return artemis_json_writer_free_to_bytes (g_steal_pointer (&writer));
}

/* A whole answer, written past libsoup to a connection whose request it must never see. */
static GBytes *
refusal_answer (guint status, const char *message)
{
	g_autoptr (GBytes) body = error_body ("bad-request", message);
	GString *answer = g_string_new (NULL);

	g_string_append_printf (answer,
				"HTTP/1.1 %u %s\r\nServer: artemisd/" PACKAGE_VERSION "\r\nContent-Type: %s\r\n"
				"Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n"
				"Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: *\r\n"
				"Access-Control-Allow-Credentials: true\r\n\r\n",
				status, soup_status_get_phrase (status), JSON_CONTENT_TYPE,
				g_bytes_get_size (body));
	g_string_append_len (answer, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
	return g_string_free_to_bytes (answer);
}

static void
reply_error (SoupServerMessage *msg, guint status, const char *error_code, const char *message)
{
	g_autoptr (GBytes) body = error_body (error_code, message);

	reply_bytes (msg, status, body);
}

/* 413, and the connection closes: the rest of the body is not worth reading. */
static void
reply_too_large (ArtemisServer *self, SoupServerMessage *msg)
{
	g_autofree char *text = g_strdup_printf ("Request body exceeds the limit of %" G_GSIZE_FORMAT " bytes.",
						 self->max_body_size);

	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
	reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "bad-request", text);
}

/* Stops a body past the limit from growing in memory while it is drained. */
static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
	ArtemisServer *self = user_data;
	SoupMessageBody *body = soup_server_message_get_request_body (msg);

	if (body->length <= (goffset) self->max_body_size)
		return;
	soup_message_body_truncate (body);
	/* A set status also keeps libsoup from calling the handler. */
	if (soup_server_message_get_status (msg) == 0)
		reply_too_large (self, msg);
}

/* 503 while stopping, and the connection closes: clients retry on another node. */
static void
reply_stopping (SoupServerMessage *msg)
{
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
	reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "service-unavailable", "artemisd is stopping.");
}

/*
 * Runs once the headers are in: a declared length over the limit gets its
 * 413 at once (with `Expect: 100-continue` the body is never sent; without,
 * libsoup drains it, bounded by on_got_chunk); a chunked body is watched as
 * it arrives. Doing this here rather than from request-started spares every
 * ordinary request two signal connections.
 */
static void
on_headers_read (SoupServer *soup_server, SoupServerMessage *msg, const char *path, GHashTable *query,
		 gpointer user_data)
{
	ArtemisServer *self = user_data;
	SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
	SoupEncoding encoding = soup_message_headers_get_encoding (headers);

	if (self->draining) {
		reply_stopping (msg);
		return;
	}
	if (encoding == SOUP_ENCODING_CONTENT_LENGTH) {
		/* A declared length within the limit bounds the body already. */
		if (soup_message_headers_get_content_length (headers) <= (goffset) self->max_body_size)
			return;
		reply_too_large (self, msg);
	}
	if (encoding != SOUP_ENCODING_NONE)
		g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), self);
}

/* Strips the context path; NULL when @path lies outside it. */
static const char *
route_path (ArtemisServer *self, const char *path)
{
	gsize prefix_len = strlen (self->context_path);

	if (strncmp (path, self->context_path, prefix_len) != 0)
		return NULL;
	path += prefix_len;
	return *path == '/' ? path : NULL;
}

static Route *
find_route (ArtemisServer *self, const char *path)
{
	Route *route = g_hash_table_lookup (self->routes, path);
	gsize len = strlen (path);

	/* Spring also matches a trailing slash. */
	if (route == NULL && len > 1 && path[len - 1] == '/') {
		g_autofree char *trimmed = g_strndup (path, len - 1);

		route = g_hash_table_lookup (self->routes, trimmed);
	}
	return route;
}

/* 200 and no body; what a browser may then send only for an allowed origin. */
static void
reply_preflight (gboolean cors, SoupServerMessage *msg)
{
	SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
	const char *methods = soup_message_headers_get_one (request_headers, "Access-Control-Request-Method");
	const char *allow = soup_message_headers_get_one (request_headers, "Access-Control-Request-Headers");

	soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
	if (!cors)
		return;
	if (methods != NULL)
		soup_message_headers_replace (headers, "Access-Control-Allow-Methods", methods);
	if (allow != NULL)
		soup_message_headers_replace (headers, "Access-Control-Allow-Headers", allow);
	soup_message_headers_replace (headers, "Access-Control-Max-Age", "3600");
}

static void
reply_method_not_allowed (SoupServerMessage *msg, Route *route)
{
	g_autofree char *text = g_strdup_printf ("Request method '%s' not supported",
						 soup_server_message_get_method (msg));

	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
				      route->methods == ARTEMIS_METHOD_POST ? "POST, OPTIONS"
									    : "GET, POST, OPTIONS");
	reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "bad-request", text);
}

static gboolean
is_json_content_type (SoupServerMessage *msg)
{
	const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
								  NULL);

	return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

/* Inflates @data through @converter, refusing output past @limit. */
static GBytes *
inflate_body (GConverter *converter, const char *data, gsize len, gsize limit, gboolean *too_large,
	      GError **error)
{
	g_autoptr (GByteArray) out = g_byte_array_sized_new (MIN (len * 4 + 64, limit + 1));
	gsize in_pos = 0;
	guint8 buffer[16384];

	for (;;) {
		gsize read = 0, written = 0;
		GConverterResult result =
			g_converter_convert (converter, data + in_pos, len - in_pos, buffer, sizeof buffer,
					     G_CONVERTER_INPUT_AT_END, &read, &written, error);

		if (result == G_CONVERTER_ERROR)
			return NULL;
		in_pos += read;
		g_byte_array_append (out, buffer, written);
		if (out->len > limit) {
			*too_large = TRUE;
			g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "too large");
			return NULL;
		}
		if (result == G_CONVERTER_FINISHED)
			break;
	}
	if (in_pos != len) {
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				     "trailing data after the compressed stream");
		return NULL;
	}
	return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static GConverter *
decompressor_for (const char *encoding)
{
	if (encoding == NULL || g_ascii_strcasecmp (encoding, "identity") == 0)
		return NULL;
	if (g_ascii_strcasecmp (encoding, "gzip") == 0 || g_ascii_strcasecmp (encoding, "x-gzip") == 0)
		return G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
	if (g_ascii_strcasecmp (encoding, "deflate") == 0)
		return G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
	return NULL;
}

static gboolean
is_known_encoding (const char *encoding)
{
	return encoding == NULL || g_ascii_strcasecmp (encoding, "identity") == 0 ||
	       g_ascii_strcasecmp (encoding, "gzip") == 0 || g_ascii_strcasecmp (encoding, "x-gzip") == 0 ||
	       g_ascii_strcasecmp (encoding, "deflate") == 0;
}

/* The request body, decompressed; NULL after replying with an error. */
static GBytes *
read_body (ArtemisServer *self, SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
	const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");
	g_autoptr (GBytes) raw = soup_message_body_flatten (soup_server_message_get_request_body (msg));
	g_autoptr (GConverter) converter = NULL;
	g_autoptr (GError) error = NULL;
	gboolean too_large = FALSE;
	GBytes *body;

	if (!is_known_encoding (encoding)) {
		g_autofree char *text = g_strdup_printf ("Content-Encoding '%s' is not supported", encoding);

		reply_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "bad-request", text);
		return NULL;
	}
	converter = decompressor_for (encoding);
	if (converter == NULL)
		return g_steal_pointer (&raw);
	body = inflate_body (converter, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), self->max_body_size,
			     &too_large, &error);
	if (body == NULL) {
		g_autofree char *text =
			too_large ? g_strdup_printf ("Request body exceeds the limit of %" G_GSIZE_FORMAT
						     " bytes after decompression.",
						     self->max_body_size)
				  : g_strdup_printf ("Request body is not valid %s data: %s", encoding,
						     error->message);

		reply_error (msg, too_large ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST,
			     "bad-request", text);
	}
	return body;
}

static gboolean
prepare_post (ArtemisServer *self, ArtemisRequest *request, GBytes **body)
{
	SoupServerMessage *msg = request->msg;

	if (!is_json_content_type (msg)) {
		reply_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "bad-request",
			     "Content-Type must be application/json.");
		return FALSE;
	}
	*body = read_body (self, msg);
	if (*body == NULL)
		return FALSE;
	if (g_bytes_get_size (*body) == 0) {
		reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "Required request body is missing.");
		return FALSE;
	}
	request->body = g_bytes_get_data (*body, &request->body_len);
	return TRUE;
}

/* Answers @msg, or has a handler answer it; returns the route taken, or NULL. */
static Route *
dispatch (ArtemisServer *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
	const char *method = soup_server_message_get_method (msg);
	const char *relative = route_path (self, path);
	Route *route = relative != NULL ? find_route (self, relative) : NULL;
	ArtemisRequest request = { msg, 0, NULL, 0, query };
	g_autoptr (GBytes) body = NULL;
	gboolean cors = add_cors_headers (self, msg);

	if (method == SOUP_METHOD_OPTIONS) {
		reply_preflight (cors, msg);
		return route;
	}
	if (route == NULL) {
		g_autofree char *text = g_strdup_printf ("No endpoint at %s", path);

		reply_error (msg, SOUP_STATUS_NOT_FOUND, "data-not-found", text);
		return NULL;
	}
	request.method = method == SOUP_METHOD_GET ? ARTEMIS_METHOD_GET
		       : method == SOUP_METHOD_POST ? ARTEMIS_METHOD_POST
						    : 0;
	if ((route->methods & request.method) == 0) {
		reply_method_not_allowed (msg, route);
		return route;
	}
	/* Before the body is even inflated: a refused write costs nothing more. */
	if (route->writes && self->write_guard != NULL && !self->write_guard (&request, relative, self->write_guard_data))
		return route;
	if (request.method == ARTEMIS_METHOD_POST && !prepare_post (self, &request, &body))
		return route;
	route->handler (&request, route->user_data);
	return route;
}

static void
on_request (SoupServer *soup_server, SoupServerMessage *msg, const char *path, GHashTable *query,
	    gpointer user_data)
{
	ArtemisServer *self = user_data;
	RequestTiming *timing;
	Route *route;

	if (self->observer == NULL) {
		dispatch (self, msg, path, query);
		return;
	}
	timing = g_new (RequestTiming, 1);
	timing->start_us = g_get_monotonic_time ();
	g_object_set_qdata_full (G_OBJECT (msg), request_timing_quark, timing, g_free);
	route = dispatch (self, msg, path, query);
	timing->route = route != NULL ? route->path : NULL;
}

static void
on_request_finished (SoupServer *soup_server, SoupServerMessage *msg, gpointer user_data)
{
	ArtemisServer *self = user_data;
	RequestTiming *timing = g_object_get_qdata (G_OBJECT (msg), request_timing_quark);

	if (timing != NULL)
		self->observer (timing->route, soup_server_message_get_status (msg),
				g_get_monotonic_time () - timing->start_us, self->observer_data);
}

/* The sweep runs often enough to close a connection within a quarter of its timeout. */
static guint
sweep_interval_ms (const ArtemisHttpTimeouts *timeouts)
{
	gint64 shortest = MIN (timeouts->idle_ms, MIN (timeouts->head_ms, timeouts->body_ms));

	return CLAMP (shortest / 4, 20, 1000);
}

ArtemisServer *
artemis_server_new (const ArtemisConfig *config)
{
	ArtemisServer *self = g_object_new (ARTEMIS_TYPE_SERVER, NULL);
	g_autofree char *trimmed = g_strstrip (g_strdup (config->context_path != NULL ? config->context_path : ""));
	gsize len;

	/* Normalise to "" or "/prefix". */
	len = strlen (trimmed);
	while (len > 0 && trimmed[len - 1] == '/')
		trimmed[--len] = '\0';
	self->context_path = (len == 0 || trimmed[0] == '/') ? g_strdup (trimmed) : g_strconcat ("/", trimmed, NULL);
	self->data_dir = g_strdup (config->data_dir);
	self->max_body_size = config->max_body_size;
	self->timeouts.idle_ms = config->idle_timeout_ms;
	self->timeouts.head_ms = config->request_head_timeout_ms;
	self->timeouts.body_ms = config->request_body_timeout_ms;
	self->timeouts.max_head_size = config->max_head_size;
	self->max_connections = config->max_connections;
	self->max_ws_sockets = config->ws_max_sockets;
	self->listener = artemis_http_listener_new (config->listen_backlog);
	self->soup_server = soup_server_new ("server-header", SERVER_HEADER, NULL);
	soup_server_add_early_handler (self->soup_server, NULL, on_headers_read, self, NULL);
	soup_server_add_handler (self->soup_server, NULL, on_request, self, NULL);
	return self;
}

SoupServer *
artemis_server_get_soup_server (ArtemisServer *self)
{
	return self->soup_server;
}

const char *
artemis_server_get_context_path (ArtemisServer *self)
{
	return self->context_path;
}

static void
add_route (ArtemisServer *self, const char *path, ArtemisMethods methods, gboolean writes,
	   ArtemisRouteHandler handler, gpointer user_data)
{
	Route *route = g_new0 (Route, 1);
	char *key = g_strdup (path);

	route->path = key;
	route->methods = methods;
	route->writes = writes;
	route->handler = handler;
	route->user_data = user_data;
	g_hash_table_replace (self->routes, key, route);
}

void
artemis_server_add_route (ArtemisServer *self, const char *path, ArtemisMethods methods,
			  ArtemisRouteHandler handler, gpointer user_data)
{
	add_route (self, path, methods, FALSE, handler, user_data);
}

void
artemis_server_add_write_route (ArtemisServer *self, const char *path, ArtemisMethods methods,
				ArtemisRouteHandler handler, gpointer user_data)
{
	add_route (self, path, methods, TRUE, handler, user_data);
}

void
artemis_server_set_write_guard (ArtemisServer *self, ArtemisRouteGuard guard, gpointer user_data,
				GDestroyNotify destroy)
{
	if (self->write_guard_destroy != NULL)
		self->write_guard_destroy (self->write_guard_data);
	self->write_guard = guard;
	self->write_guard_data = user_data;
	self->write_guard_destroy = destroy;
}

void
artemis_server_set_request_observer (ArtemisServer *self, ArtemisRequestObserver observer, gpointer user_data)
{
	if (self->observer == NULL && observer != NULL)
		g_signal_connect (self->soup_server, "request-finished", G_CALLBACK (on_request_finished), self);
	self->observer = observer;
	self->observer_data = user_data;
}

void
artemis_server_set_cors_origins (ArtemisServer *self, const char *const *origins)
{
	g_clear_pointer (&self->cors_origins, g_strfreev);
	self->cors_any = FALSE;
	if (origins == NULL || origins[0] == NULL)
		return;
	self->cors_origins = g_strdupv ((char **) origins);
	self->cors_any = g_strv_contains (origins, "*");
}

/* ---- connections ------------------------------------------------------- */

/* At [server] max-connections new connections wait in the backlog, as Tomcat's maxConnections has them. */
static void
update_pause (ArtemisServer *self)
{
	gboolean full = g_hash_table_size (self->connections) >= self->max_connections;

	if (full == self->full)
		return;
	self->full = full;
	if (full)
		g_message (_("%u HTTP connections open ([server] max-connections): new ones wait until one closes"),
			   self->max_connections);
	artemis_http_listener_set_paused (self->listener, full);
}

static void
forget_connection (ArtemisServer *self, ArtemisHttpConnection *connection)
{
	g_signal_handlers_disconnect_by_data (connection, self);
	g_hash_table_remove (self->connections, connection);
	update_pause (self);
}

static void
on_connection_closed (ArtemisHttpConnection *connection, gpointer user_data)
{
	forget_connection (user_data, connection);
}

static void
on_accepted (ArtemisHttpListener *listener, GSocket *socket, gpointer user_data)
{
	ArtemisServer *self = user_data;
	g_autoptr (GSocketAddress) local = g_socket_get_local_address (socket, NULL);
	g_autoptr (GError) error = NULL;
	ArtemisHttpConnection *connection;

	/* Every answer is written whole: Nagle would hold back its last segment until an ACK. */
	g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
	connection = artemis_http_connection_new (socket, &self->timeouts, refusal_answer);
	g_hash_table_add (self->connections, connection);
	g_signal_connect (connection, "closed", G_CALLBACK (on_connection_closed), self);
	update_pause (self);
	if (!soup_server_accept_iostream (self->soup_server, G_IO_STREAM (connection), local,
					  artemis_http_connection_get_remote_address (connection), &error)) {
		g_warning ("Cannot serve a connection: %s", error->message);
		g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
	}
}

/* Ends the connections that took longer than their phase allows; libsoup then closes them. */
static gboolean
on_sweep (gpointer user_data)
{
	ArtemisServer *self = user_data;
	gint64 now = g_get_monotonic_time ();
	GHashTableIter iter;
	gpointer connection;

	g_hash_table_iter_init (&iter, self->connections);
	while (g_hash_table_iter_next (&iter, &connection, NULL)) {
		if (artemis_http_connection_is_overdue (connection, now))
			artemis_http_connection_shut_down (connection);
	}
	return G_SOURCE_CONTINUE;
}

/* A listening Unix socket in a new directory below @parent (NULL: the temporary directory), unlinked. */
static GSocket *
listen_unreachable (const char *parent, GError **error)
{
	g_autofree char *template = g_build_filename (parent != NULL ? parent : g_get_tmp_dir (), ".artemisd-XXXXXX",
						      NULL);
	g_autofree char *path = NULL;
	g_autoptr (GSocketAddress) address = NULL;
	g_autoptr (GSocket) socket = NULL;
	gboolean listening;

	if (g_mkdtemp (template) == NULL) {
		int saved_errno = errno;

		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", template,
			     g_strerror (saved_errno));
		return NULL;
	}
	path = g_build_filename (template, "unused", NULL);
	address = g_unix_socket_address_new (path);
	socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
	listening = socket != NULL && g_socket_bind (socket, address, FALSE, error) && g_socket_listen (socket, error);
	g_unlink (path);
	g_rmdir (template);
	return listening ? g_steal_pointer (&socket) : NULL;
}

/*
 * libsoup 3.2 keeps a connection alive only while it has a listener of its
 * own (request_finished() checks), so it gets one that nobody can reach:
 * a Unix socket whose path is gone as soon as it listens — made in the
 * temporary directory, or in the data directory (always writable) when
 * that one is not.
 */
void
artemis_server_set_max_body_size (ArtemisServer *self, gsize max_body_size)
{
	self->max_body_size = max_body_size;
}

void
artemis_server_set_draining (ArtemisServer *self)
{
	self->draining = TRUE;
}

static gboolean
give_soup_a_listener (ArtemisServer *self, GError **error)
{
	g_autoptr (GSocket) socket = listen_unreachable (NULL, NULL);

	if (socket == NULL)
		socket = listen_unreachable (self->data_dir, error);
	return socket != NULL && soup_server_listen_socket (self->soup_server, socket, 0, error);
}

/* Every connection and WebSocket session is a descriptor: raise the soft limit towards the hard one. */
static void
raise_file_limit (ArtemisServer *self)
{
	rlim_t needed = (rlim_t) self->max_connections + self->max_ws_sockets + RESERVED_DESCRIPTORS;
	struct rlimit limit;
	rlim_t old;

	if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed)
		return;
	old = limit.rlim_cur;
	limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : MIN (needed, limit.rlim_max);
	if (limit.rlim_cur > old && setrlimit (RLIMIT_NOFILE, &limit) == 0)
		g_message (_("Raised the open-file limit from %lu to %lu"), (gulong) old, (gulong) limit.rlim_cur);
	else
		limit.rlim_cur = old;
	/* Not a warning: the node works, it accepts less at the limit (logged then). */
	if (limit.rlim_cur < needed)
		g_message (_("The open-file limit is %lu, below the %lu descriptors that [server] max-connections and "
			     "[websocket] max-sockets need: raise LimitNOFILE (systemd) or ulimit -n"),
			   (gulong) limit.rlim_cur, (gulong) needed);
}

gboolean
artemis_server_listen (ArtemisServer *self, const char *address, guint port, GError **error)
{
	g_return_val_if_fail (self->sweep_source == 0, FALSE);
	if (!give_soup_a_listener (self, error) || !artemis_http_listener_listen (self->listener, address, port, error))
		return FALSE;
	/* Once listening, so that a start that fails says only why. */
	raise_file_limit (self);
	g_signal_connect (self->listener, "accepted", G_CALLBACK (on_accepted), self);
	self->sweep_source = g_timeout_add (sweep_interval_ms (&self->timeouts), on_sweep, self);
	return TRUE;
}

guint
artemis_server_get_port (ArtemisServer *self)
{
	return artemis_http_listener_get_port (self->listener);
}

GIOStream *
artemis_server_steal_connection (ArtemisServer *self, SoupServerMessage *msg, GSocket **socket)
{
	ArtemisHttpConnection *connection = artemis_http_connection_of (msg);

	g_return_val_if_fail (connection != NULL, NULL);
	*socket = g_object_ref (artemis_http_connection_get_socket (connection));
	artemis_http_connection_set_upgraded (connection);
	forget_connection (self, connection);
	return soup_server_message_steal_connection (msg);
}

static gboolean
accepts_gzip (SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

	return soup_message_headers_header_contains (headers, "Accept-Encoding", "gzip");
}

/* Java's compressing filter gzips what is not small, when the client takes it. */
static gboolean
should_gzip (SoupServerMessage *msg, GBytes *json)
{
	return g_bytes_get_size (json) >= GZIP_MIN_SIZE && accepts_gzip (msg);
}

static void
reply_gzip (SoupServerMessage *msg, GBytes *gzip)
{
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Encoding", "gzip");
	reply_bytes (msg, SOUP_STATUS_OK, gzip);
}

void
artemis_request_reply_json (ArtemisRequest *request, GBytes *json)
{
	g_autoptr (GBytes) gzip = NULL;

	if (!should_gzip (request->msg, json)) {
		reply_bytes (request->msg, SOUP_STATUS_OK, json);
		return;
	}
	gzip = artemis_gzip_bytes (json);
	reply_gzip (request->msg, gzip);
}

void
artemis_request_reply_body (ArtemisRequest *request, ArtemisBody *body)
{
	GBytes *json = artemis_body_get_json (body);

	if (should_gzip (request->msg, json))
		reply_gzip (request->msg, artemis_body_get_gzip (body));
	else
		reply_bytes (request->msg, SOUP_STATUS_OK, json);
}

void
artemis_request_reply_writer (ArtemisRequest *request, ArtemisJsonWriter *writer)
{
	g_autoptr (GBytes) json = artemis_json_writer_free_to_bytes (writer);

	artemis_request_reply_json (request, json);
}

void
artemis_request_reply_error (ArtemisRequest *request, guint status, const char *error_code, const char *message)
{
	reply_error (request->msg, status, error_code, message);
}

const char *
artemis_request_get_query (ArtemisRequest *request, const char *name)
{
	return request->query != NULL ? g_hash_table_lookup (request->query, name) : NULL;
}
