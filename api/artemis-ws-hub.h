/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-core.h"
#include "artemis-ws-connection.h"

G_BEGIN_DECLS

/* The WebSocket endpoints of protocol §4.1. */
typedef enum {
	ARTEMIS_WS_ENDPOINT_HEARTBEAT,	     /* /ws/registry/heartbeat ("registry") */
	ARTEMIS_WS_ENDPOINT_INSTANCE_CHANGE, /* /ws/discovery/instance-change ("discovery") */
	ARTEMIS_WS_ENDPOINT_ALL_CHANGES,     /* /ws/discovery/all-instance-change ("discoveries") */
	ARTEMIS_WS_N_ENDPOINTS,
} ArtemisWsEndpoint;

/* One open socket of one endpoint, owned by the hub until it closes. */
typedef struct _ArtemisWsSession ArtemisWsSession;

/* Handles one text message of @session (the endpoint's protocol). */
typedef void (*ArtemisWsMessageFunc) (ArtemisWsSession *session, GBytes *message, gpointer user_data);

/*
 * Whether @change is pushed at all. Protocol §4.5 step 2 drops a `new` or
 * `change` of an instance that is down by management: the management
 * filter installs this (artemis_ws_hub_set_change_filter()).
 */
typedef gboolean (*ArtemisWsChangeFilter) (ArtemisChange *change, gpointer user_data);

/**
 * ArtemisWsHubStats:
 * @pushed: frames handed to sockets.
 * @dropped: frames dropped by backpressure.
 * @overflows: times a socket's send queue was full.
 * @reloads: `reload` messages sent to subscribers that fell behind.
 * @peak_queued_frames: the most frames ever queued on one socket.
 * @peak_queued_bytes: the most bytes ever queued on one socket.
 */
typedef struct {
	guint64 pushed;
	guint64 dropped;
	guint64 overflows;
	guint64 reloads;
	guint peak_queued_frames;
	gsize peak_queued_bytes;
} ArtemisWsHubStats;

#define ARTEMIS_TYPE_WS_HUB (artemis_ws_hub_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisWsHub, artemis_ws_hub, ARTEMIS, WS_HUB, GObject)

/*
 * The push side of artemisd: every open WebSocket session, their
 * subscriptions, and a change-log listener that encodes each registry change
 * once and queues the same bytes on every socket subscribed to it.
 *
 * Backpressure: a socket may hold [websocket] max-queued-messages frames and
 * max-queued-bytes bytes not yet taken by the kernel. An instance-change
 * subscriber past that loses its queue and gets one `reload` per subscribed
 * service, then nothing more until those are written (its client re-fetches
 * everything anyway); a heartbeat or all-instance-change socket is closed
 * with 1013 (Try Again Later). Nothing one slow reader does grows memory
 * past those bounds.
 */
ArtemisWsHub *artemis_ws_hub_new (const ArtemisConfig *config, ArtemisRegistry *registry);
/*
 * Takes the socket limits of @config ([websocket] max-*, session-ttl) from
 * now on: a configuration reload. A new max-message-size applies to the
 * sockets opened after it; sessions already over a lowered max-sockets stay.
 */
void artemis_ws_hub_set_limits (ArtemisWsHub *hub, const ArtemisConfig *config);
/* Sets up the sockets' poller and starts the session TTL sweep on the thread-default main context. */
gboolean artemis_ws_hub_start (ArtemisWsHub *hub, GError **error);
void artemis_ws_hub_set_change_filter (ArtemisWsHub *hub, ArtemisWsChangeFilter filter, gpointer user_data,
				       GDestroyNotify destroy);

/* Whether the node already holds [websocket] max-sockets sessions. */
gboolean artemis_ws_hub_is_full (ArtemisWsHub *hub);
/*
 * Takes over an upgraded connection (@stream, with its @socket) as a session
 * of @endpoint; @func handles its messages.
 */
ArtemisWsSession *artemis_ws_hub_accept (ArtemisWsHub *hub, ArtemisWsEndpoint endpoint, GIOStream *stream,
					 GSocket *socket, ArtemisWsMessageFunc func, gpointer user_data);
guint artemis_ws_hub_get_n_sessions (ArtemisWsHub *hub, ArtemisWsEndpoint endpoint);
/* Every session still held, of any endpoint (closing ones too, until closed). */
guint artemis_ws_hub_get_n_open (ArtemisWsHub *hub);
void artemis_ws_hub_get_stats (ArtemisWsHub *hub, ArtemisWsHubStats *stats);
/* Closes every open session with @code and @reason (shutdown: 1001); returns how many. */
guint artemis_ws_hub_close_all (ArtemisWsHub *hub, gushort code, const char *reason);
/* Closes the sessions older than the TTL now; returns how many. */
guint artemis_ws_hub_expire_sessions (ArtemisWsHub *hub);

/* Sends @json as one text message, within the session's queue limits. */
void artemis_ws_session_send (ArtemisWsSession *session, const char *json, gsize len);
/*
 * Pushes the changes of @service_id (matched ignoring case) to @session from
 * now on. Past [websocket] max-subscriptions the session is closed (1008).
 */
void artemis_ws_session_subscribe (ArtemisWsSession *session, const char *service_id);
ArtemisWsEndpoint artemis_ws_session_get_endpoint (ArtemisWsSession *session);

G_END_DECLS
