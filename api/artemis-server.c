/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-server.h"

#define JSON_CONTENT_TYPE "application/json;charset=UTF-8"
/* Java's compressing filter leaves small bodies alone; so do we. */
#define GZIP_MIN_SIZE 1024

typedef struct {
	ArtemisMethods methods;
	ArtemisRouteHandler handler;
	gpointer user_data;
} Route;

struct _ArtemisServer {
	GObject parent_instance;

	SoupServer *soup_server;
	char *context_path; /* "" or "/prefix" without trailing slash */
	gsize max_body_size;
	GHashTable *routes; /* path → Route */
	gboolean draining;
};

G_DEFINE_TYPE (ArtemisServer, artemis_server, G_TYPE_OBJECT)

static void
artemis_server_finalize (GObject *object)
{
	ArtemisServer *self = ARTEMIS_SERVER (object);

	soup_server_disconnect (self->soup_server);
	g_object_unref (self->soup_server);
	g_hash_table_unref (self->routes);
	g_free (self->context_path);
	G_OBJECT_CLASS (artemis_server_parent_class)->finalize (object);
}

static void
artemis_server_class_init (ArtemisServerClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_server_finalize;
}

static void
artemis_server_init (ArtemisServer *self)
{
	self->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Each answer is built once, so appending (cheaper than replacing) is safe. */
static void
add_cors_headers (SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

	soup_message_headers_append (headers, "Access-Control-Allow-Origin", "*");
	soup_message_headers_append (headers, "Access-Control-Expose-Headers", "*");
	soup_message_headers_append (headers, "Access-Control-Allow-Credentials", "true");
}

static void
reply_bytes (SoupServerMessage *msg, guint status, GBytes *body)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

	soup_server_message_set_status (msg, status, NULL);
	soup_message_headers_append (headers, "Content-Type", JSON_CONTENT_TYPE);
	add_cors_headers (msg);
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

static void
reply_preflight (SoupServerMessage *msg)
{
	SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
	const char *methods = soup_message_headers_get_one (request_headers, "Access-Control-Request-Method");
	const char *allow = soup_message_headers_get_one (request_headers, "Access-Control-Request-Headers");

	add_cors_headers (msg);
	if (methods != NULL)
		soup_message_headers_replace (headers, "Access-Control-Allow-Methods", methods);
	if (allow != NULL)
		soup_message_headers_replace (headers, "Access-Control-Allow-Headers", allow);
	soup_message_headers_replace (headers, "Access-Control-Max-Age", "3600");
	soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
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

static void
dispatch (ArtemisServer *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
	const char *method = soup_server_message_get_method (msg);
	const char *relative = route_path (self, path);
	Route *route = relative != NULL ? find_route (self, relative) : NULL;
	ArtemisRequest request = { msg, 0, NULL, 0, query };
	g_autoptr (GBytes) body = NULL;

	if (method == SOUP_METHOD_OPTIONS) {
		reply_preflight (msg);
		return;
	}
	if (route == NULL) {
		g_autofree char *text = g_strdup_printf ("No endpoint at %s", path);

		reply_error (msg, SOUP_STATUS_NOT_FOUND, "data-not-found", text);
		return;
	}
	request.method = method == SOUP_METHOD_GET ? ARTEMIS_METHOD_GET
		       : method == SOUP_METHOD_POST ? ARTEMIS_METHOD_POST
						    : 0;
	if ((route->methods & request.method) == 0) {
		reply_method_not_allowed (msg, route);
		return;
	}
	if (request.method == ARTEMIS_METHOD_POST && !prepare_post (self, &request, &body))
		return;
	route->handler (&request, route->user_data);
}

static void
on_request (SoupServer *soup_server, SoupServerMessage *msg, const char *path, GHashTable *query,
	    gpointer user_data)
{
	dispatch (user_data, msg, path, query);
}

ArtemisServer *
artemis_server_new (const char *context_path, gsize max_body_size)
{
	ArtemisServer *self = g_object_new (ARTEMIS_TYPE_SERVER, NULL);
	g_autofree char *trimmed = g_strstrip (g_strdup (context_path != NULL ? context_path : ""));
	gsize len;

	/* Normalise to "" or "/prefix". */
	len = strlen (trimmed);
	while (len > 0 && trimmed[len - 1] == '/')
		trimmed[--len] = '\0';
	self->context_path = (len == 0 || trimmed[0] == '/') ? g_strdup (trimmed) : g_strconcat ("/", trimmed, NULL);
	self->max_body_size = max_body_size;
	self->soup_server = soup_server_new ("server-header", "artemisd/" PACKAGE_VERSION " ", NULL);
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

void
artemis_server_add_route (ArtemisServer *self, const char *path, ArtemisMethods methods,
			  ArtemisRouteHandler handler, gpointer user_data)
{
	Route *route = g_new0 (Route, 1);

	route->methods = methods;
	route->handler = handler;
	route->user_data = user_data;
	g_hash_table_replace (self->routes, g_strdup (path), route);
}

gboolean
artemis_server_listen (ArtemisServer *self, const char *address, guint port, GError **error)
{
	g_autoptr (GInetAddress) inet = NULL;
	g_autoptr (GSocketAddress) socket_address = NULL;

	if (address == NULL || *address == '\0')
		return soup_server_listen_all (self->soup_server, port, 0, error);
	inet = g_inet_address_new_from_string (address);
	if (inet == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not an IP address", address);
		return FALSE;
	}
	socket_address = g_inet_socket_address_new (inet, port);
	return soup_server_listen (self->soup_server, socket_address, 0, error);
}

/*
 * From the listening socket: soup_server_get_uris() makes libsoup 3.2 cache
 * the listener's address and never free it, which LeakSanitizer reports at exit.
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

guint
artemis_server_get_port (ArtemisServer *self)
{
	GSList *listeners = soup_server_get_listeners (self->soup_server);
	g_autoptr (GSocketAddress) address = NULL;

	if (listeners != NULL)
		address = g_socket_get_local_address (listeners->data, NULL);
	g_slist_free (listeners);
	return address != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

static gboolean
accepts_gzip (SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

	return soup_message_headers_header_contains (headers, "Accept-Encoding", "gzip");
}

static GBytes *
gzip_bytes (GBytes *data)
{
	g_autoptr (GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
	gsize len = g_bytes_get_size (data);
	g_autoptr (GByteArray) out = g_byte_array_sized_new (len / 2 + 64);
	const guint8 *in = g_bytes_get_data (data, NULL);
	gsize in_pos = 0;
	guint8 buffer[16384];

	for (;;) {
		gsize read = 0, written = 0;
		GConverterResult result = g_converter_convert (G_CONVERTER (compressor), in + in_pos, len - in_pos,
							       buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
							       &read, &written, NULL);

		g_return_val_if_fail (result != G_CONVERTER_ERROR, g_bytes_ref (data));
		in_pos += read;
		g_byte_array_append (out, buffer, written);
		if (result == G_CONVERTER_FINISHED)
			break;
	}
	return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

void
artemis_request_reply_json (ArtemisRequest *request, GBytes *json)
{
	SoupServerMessage *msg = request->msg;
	g_autoptr (GBytes) compressed = NULL;

	if (g_bytes_get_size (json) >= GZIP_MIN_SIZE && accepts_gzip (msg)) {
		compressed = gzip_bytes (json);
		soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Encoding",
					      "gzip");
		json = compressed;
	}
	reply_bytes (msg, SOUP_STATUS_OK, json);
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
