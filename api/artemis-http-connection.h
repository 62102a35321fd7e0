/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libsoup/soup.h>

#include "artemis-http-input-stream.h"

G_BEGIN_DECLS

/**
 * ArtemisHttpTimeouts:
 * @idle_ms: how long a connection may wait for a request, or for its
 *   peer to take more of an answer.
 * @head_ms: how long the request line and headers may take to arrive.
 * @body_ms: how long the body may take once the headers are in.
 * @max_head_size: the largest request head, in bytes.
 *
 * What bounds the time one HTTP connection holds (a slowloris client
 * sends a byte now and then, or never reads).
 */
typedef struct {
	gint64 idle_ms;
	gint64 head_ms;
	gint64 body_ms;
	gsize max_head_size;
} ArtemisHttpTimeouts;

#define ARTEMIS_TYPE_HTTP_CONNECTION (artemis_http_connection_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisHttpConnection, artemis_http_connection, ARTEMIS, HTTP_CONNECTION, GIOStream)

/*
 * One accepted TCP connection as libsoup serves it
 * (soup_server_accept_iostream()): its input through an
 * ArtemisHttpInputStream, its output the socket's. It knows how long its
 * current request has taken (artemis_http_connection_is_overdue()) and
 * which SoupServerMessage it carries (artemis_http_connection_of()).
 * ::closed is emitted once, when libsoup closes it.
 */
ArtemisHttpConnection *artemis_http_connection_new (GSocket *socket, const ArtemisHttpTimeouts *timeouts,
						    ArtemisHttpRefusalFunc refusal);
GSocket *artemis_http_connection_get_socket (ArtemisHttpConnection *connection);
/* The peer's address, as libsoup reports it for every message of the connection. */
GSocketAddress *artemis_http_connection_get_remote_address (ArtemisHttpConnection *connection);
/* The connection @msg arrived on, or NULL. */
ArtemisHttpConnection *artemis_http_connection_of (SoupServerMessage *msg);

/*
 * Whether the connection took longer than its @timeouts allow in its
 * current phase, at @now (monotonic µs): waiting for a request, receiving
 * a head or a body, or with an answer its peer does not take.
 */
gboolean artemis_http_connection_is_overdue (ArtemisHttpConnection *connection, gint64 now);
/* Ends both directions: libsoup sees the end and closes the connection. */
void artemis_http_connection_shut_down (ArtemisHttpConnection *connection);
/* Hands the connection to another protocol (WebSocket): no more HTTP checks or time limits. */
void artemis_http_connection_set_upgraded (ArtemisHttpConnection *connection);

G_END_DECLS
