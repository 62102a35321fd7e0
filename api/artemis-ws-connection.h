/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-poller.h"

G_BEGIN_DECLS

/* The close codes of RFC 6455 §7.4 that artemisd sends or reports. */
typedef enum {
	ARTEMIS_WS_CLOSE_NORMAL = 1000,
	ARTEMIS_WS_CLOSE_GOING_AWAY = 1001,
	ARTEMIS_WS_CLOSE_PROTOCOL_ERROR = 1002,
	ARTEMIS_WS_CLOSE_UNSUPPORTED_DATA = 1003,
	ARTEMIS_WS_CLOSE_NO_STATUS = 1005,
	ARTEMIS_WS_CLOSE_ABNORMAL = 1006,
	ARTEMIS_WS_CLOSE_BAD_DATA = 1007,
	ARTEMIS_WS_CLOSE_POLICY_VIOLATION = 1008,
	ARTEMIS_WS_CLOSE_TOO_BIG = 1009,
	ARTEMIS_WS_CLOSE_TRY_AGAIN_LATER = 1013,
} ArtemisWsCloseCode;

#define ARTEMIS_TYPE_WS_CONNECTION (artemis_ws_connection_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisWsConnection, artemis_ws_connection, ARTEMIS, WS_CONNECTION, GObject)

/*
 * The server side of one RFC 6455 connection, on a stream libsoup has
 * upgraded. It does its own framing rather than use SoupWebsocketConnection
 * because libsoup 3.2 hides its send queue, bounds no fragmented message and
 * drops oversized frames without a close frame: here every queued byte is
 * counted, a message over @max_message_size is refused with 1009 before it
 * is buffered, and pings are answered ahead of any queued data.
 *
 * ::message (GBytes *text) is emitted for each complete text message;
 * ::closed once, from an idle callback, when the connection is gone.
 * Binary messages are refused with 1003. Not thread-safe.
 */
/*
 * @socket is @stream's, a plain TCP socket (artemisd serves no TLS): input
 * is read through @stream, which may hold bytes libsoup read ahead, and
 * frames are written to the socket directly. @poller watches it and must
 * outlive the connection.
 */
ArtemisWsConnection *artemis_ws_connection_new (GIOStream *stream, GSocket *socket, ArtemisPoller *poller,
						gsize max_message_size);

/*
 * Queues @frame (from artemis_ws_text_frame_new(), possibly shared with
 * other connections) and writes as much as the socket takes now. Ignored
 * once closing.
 */
void artemis_ws_connection_send (ArtemisWsConnection *connection, GBytes *frame);
/* Data frames queued and not yet fully written, and their unwritten bytes. */
guint artemis_ws_connection_get_queued_frames (ArtemisWsConnection *connection);
gsize artemis_ws_connection_get_queued_bytes (ArtemisWsConnection *connection);
/* Forgets the queued data frames that have not started going out. */
void artemis_ws_connection_drop_queued (ArtemisWsConnection *connection);

/* Drops the queue, sends a close frame with @code and @reason, and closes. */
void artemis_ws_connection_close (ArtemisWsConnection *connection, gushort code, const char *reason);
gboolean artemis_ws_connection_is_open (ArtemisWsConnection *connection);
/* The code of the close frame sent or received (1006 when there was none). */
gushort artemis_ws_connection_get_close_code (ArtemisWsConnection *connection);

/* A complete, unmasked, unfragmented text frame holding @text. */
GBytes *artemis_ws_text_frame_new (const char *text, gsize len);

G_END_DECLS
