/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libsoup/soup.h>

#include "artemis-core.h"

G_BEGIN_DECLS

/* Which methods a route accepts. */
typedef enum {
	ARTEMIS_METHOD_GET = 1 << 0,
	ARTEMIS_METHOD_POST = 1 << 1,
} ArtemisMethods;

/**
 * ArtemisRequest:
 * @msg: the libsoup message.
 * @method: %ARTEMIS_METHOD_GET or %ARTEMIS_METHOD_POST.
 * @body: the request body, decompressed (POST only; NUL-terminated).
 * @body_len: its length.
 * @query: decoded query parameters (may be NULL).
 *
 * One API call as a handler sees it: the transport (compression, limits,
 * CORS, content types, routing) has been dealt with already.
 */
typedef struct {
	SoupServerMessage *msg;
	ArtemisMethods method;
	const char *body;
	gsize body_len;
	GHashTable *query;
} ArtemisRequest;

typedef void (*ArtemisRouteHandler) (ArtemisRequest *request, gpointer user_data);

#define ARTEMIS_TYPE_SERVER (artemis_server_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisServer, artemis_server, ARTEMIS, SERVER, GObject)

/*
 * The HTTP side of artemisd: a SoupServer with the Java servlet container's
 * manners (spec §1.2) — a context path, gzip/deflate request bodies, a body
 * size limit, CORS on every answer, OPTIONS pre-flight, 404/405/415 as JSON.
 * It accepts connections itself (ArtemisHttpListener) and hands them to
 * libsoup checked (ArtemisHttpConnection): a connection limit, time limits
 * per request phase, strict framing. Settings from @config's [server] group.
 */
ArtemisServer *artemis_server_new (const ArtemisConfig *config);
SoupServer *artemis_server_get_soup_server (ArtemisServer *server);
/* The context path every endpoint lies under: "" or "/prefix" (no trailing slash). */
const char *artemis_server_get_context_path (ArtemisServer *server);
void artemis_server_add_route (ArtemisServer *server, const char *path, ArtemisMethods methods,
			       ArtemisRouteHandler handler, gpointer user_data);
/* Listens on @address (NULL or empty: all addresses) and @port (0: any free port). */
gboolean artemis_server_listen (ArtemisServer *server, const char *address, guint port, GError **error);
/* The port actually bound (after listening). */
guint artemis_server_get_port (ArtemisServer *server);
/*
 * Takes the connection of @msg (answered with 101) away from HTTP: its
 * stream and, in *@socket, its socket; the connection no longer counts
 * against [server] max-connections or its time limits.
 */
GIOStream *artemis_server_steal_connection (ArtemisServer *server, SoupServerMessage *msg, GSocket **socket);

/* Sends @json (complete) as the 200 answer, gzipped when the client accepts it. */
void artemis_request_reply_json (ArtemisRequest *request, GBytes *json);
/* Sends the shared @body as the 200 answer: its bytes, or its gzip made once, never a copy. */
void artemis_request_reply_body (ArtemisRequest *request, ArtemisBody *body);
/* Finishes @writer and sends its text as the 200 answer. */
void artemis_request_reply_writer (ArtemisRequest *request, ArtemisJsonWriter *writer);
/* Sends an HTTP error @status with a `{"responseStatus":…}` body. */
void artemis_request_reply_error (ArtemisRequest *request, guint status, const char *error_code,
				  const char *message);
/* A query parameter, or NULL. */
const char *artemis_request_get_query (ArtemisRequest *request, const char *name);

G_END_DECLS
