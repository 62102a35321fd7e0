/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Opcodes of RFC 6455 frames. */
#define ARTEMIS_TEST_WS_TEXT 0x1
#define ARTEMIS_TEST_WS_BINARY 0x2
#define ARTEMIS_TEST_WS_CLOSE 0x8
#define ARTEMIS_TEST_WS_PING 0x9
#define ARTEMIS_TEST_WS_PONG 0xA

/**
 * ArtemisTestWsFrame:
 * @opcode: the frame's opcode.
 * @payload: its payload (NUL-terminated for convenience).
 * @len: the payload's length.
 * @received_us: monotonic time it was parsed.
 *
 * One frame received by an #ArtemisTestWs.
 */
typedef struct {
	guint8 opcode;
	char *payload;
	gsize len;
	gint64 received_us;
} ArtemisTestWsFrame;

void artemis_test_ws_frame_free (ArtemisTestWsFrame *frame);
/* The status code of a close frame (1005 when it has none). */
gushort artemis_test_ws_frame_get_close_code (ArtemisTestWsFrame *frame);
/* The reason of a close frame (owned by @frame). */
const char *artemis_test_ws_frame_get_close_reason (ArtemisTestWsFrame *frame);

/*
 * A bare-bones WebSocket client for tests, written against RFC 6455 rather
 * than libsoup so that a test can send what libsoup would not (binary,
 * fragments, oversized or broken frames) and stop reading at will. Reading
 * is driven by the default main context: every wait below iterates it, so
 * an in-process server answers on the same thread.
 */
typedef struct _ArtemisTestWs ArtemisTestWs;

/*
 * Connects to 127.0.0.1:@port and asks to upgrade @path. Returns NULL when
 * the server answers anything but 101, with that status in *@status.
 * @recv_buffer, when not 0, is the socket's SO_RCVBUF (small: a slow reader).
 */
ArtemisTestWs *artemis_test_ws_connect_full (guint port, const char *path, int recv_buffer, guint *status);
/* Connects and asserts the upgrade succeeds. */
ArtemisTestWs *artemis_test_ws_connect (guint port, const char *path);
void artemis_test_ws_free (ArtemisTestWs *ws);

/* Sends one masked frame; @first_byte holds FIN, RSV and the opcode. */
void artemis_test_ws_send_frame (ArtemisTestWs *ws, guint8 first_byte, const void *payload, gsize len);
void artemis_test_ws_send_text (ArtemisTestWs *ws, const char *text);
void artemis_test_ws_send_ping (ArtemisTestWs *ws, const char *payload);
void artemis_test_ws_send_close (ArtemisTestWs *ws, gushort code, const char *reason);

/* Stops or resumes reading from the socket (a subscriber that stops reading). */
void artemis_test_ws_set_reading (ArtemisTestWs *ws, gboolean reading);
/* The next frame, waiting up to @timeout_ms; NULL on timeout or end of stream. */
ArtemisTestWsFrame *artemis_test_ws_next (ArtemisTestWs *ws, guint timeout_ms);
/* Asserts the next frame is a text message and returns its text. */
char *artemis_test_ws_receive_text (ArtemisTestWs *ws);
/* Asserts the next frame is a close frame with @code; returns its reason. */
char *artemis_test_ws_expect_close (ArtemisTestWs *ws, gushort code);
/* Whether nothing arrives within @ms. */
gboolean artemis_test_ws_is_quiet (ArtemisTestWs *ws, guint ms);
/* Whether the server ended the TCP stream (within the usual timeout). */
gboolean artemis_test_ws_wait_eof (ArtemisTestWs *ws);
/* Frames received and not yet taken. */
guint artemis_test_ws_get_n_pending (ArtemisTestWs *ws);

/* Raises RLIMIT_NOFILE to at least @n; FALSE when the hard limit is lower. */
gboolean artemis_test_raise_fd_limit (guint n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisTestWsFrame, artemis_test_ws_frame_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisTestWs, artemis_test_ws_free)

G_END_DECLS
