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
/*
 * Runs before the handler of a write route (artemis_server_add_write_route()),
 * before its body is read; @path is the route's. Returns FALSE after
 * answering @request itself.
 */
typedef gboolean (*ArtemisRouteGuard) (ArtemisRequest *request, const char *path, gpointer user_data);

#define ARTEMIS_TYPE_SERVER (artemis_server_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisServer, artemis_server, ARTEMIS, SERVER, GObject)

/*
 * The HTTP side of artemisd: a SoupServer with the Java servlet container's
 * manners (protocol §1.2) — a context path, gzip/deflate request bodies, a body
 * size limit, OPTIONS pre-flight, 404/405/415 as JSON — with CORS only for
 * the origins configured, and a guard on the routes that write.
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
/* A route that changes the node's state: the write guard decides first whether the caller may. */
void artemis_server_add_write_route (ArtemisServer *server, const char *path, ArtemisMethods methods,
				     ArtemisRouteHandler handler, gpointer user_data);
/* The guard of every write route (see artemis-access.h); @destroy frees @user_data with the server. */
void artemis_server_set_write_guard (ArtemisServer *server, ArtemisRouteGuard guard, gpointer user_data,
				     GDestroyNotify destroy);
/*
 * The origins whose browsers may call the API (CORS). NULL or empty, the
 * default: no CORS headers. "*" allows any origin, without credentials;
 * listed origins get their own name back, with credentials.
 */
void artemis_server_set_cors_origins (ArtemisServer *server, const char *const *origins);
/*
 * Told of every request to a route path when its answer is done: the route
 * (NULL when no route matched), the HTTP status, and the microseconds from
 * dispatch to the end of the answer (a deferred answer included).
 */
typedef void (*ArtemisRequestObserver) (const char *route, guint status, gint64 duration_us, gpointer user_data);
void artemis_server_set_request_observer (ArtemisServer *server, ArtemisRequestObserver observer,
					  gpointer user_data);
/* Listens on @address (NULL or empty: all addresses) and @port (0: any free port). */
gboolean artemis_server_listen (ArtemisServer *server, const char *address, guint port, GError **error);
/* The body size limit from now on (a configuration reload). */
void artemis_server_set_max_body_size (ArtemisServer *server, gsize max_body_size);
/*
 * Stopping: every request that arrives from now on (WebSocket upgrades
 * too) is answered 503 `service-unavailable` with `Connection: close`;
 * those already dispatched finish as usual.
 */
void artemis_server_set_draining (ArtemisServer *server);
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
