/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "artemis-test-ws.h"

/* Long enough for a loaded CI machine, short enough to fail before meson's timeout. */
#define WAIT_TIMEOUT_MS 15000
#define READ_CHUNK 65536

struct _ArtemisTestWs {
	GSocket *socket;
	GSource *source; /* reading, or NULL while paused or at the end */
	GByteArray *in;	 /* received, not parsed yet */
	gboolean upgraded;
	guint status;
	GQueue frames; /* ArtemisTestWsFrame */
	gboolean eof;
};

void
artemis_test_ws_frame_free (ArtemisTestWsFrame *frame)
{
	if (frame == NULL)
		return;
	g_free (frame->payload);
	g_free (frame);
}

gushort
artemis_test_ws_frame_get_close_code (ArtemisTestWsFrame *frame)
{
	g_assert_cmpuint (frame->opcode, ==, ARTEMIS_TEST_WS_CLOSE);
	if (frame->len < 2)
		return 1005;
	return ((guint8) frame->payload[0] << 8) | (guint8) frame->payload[1];
}

const char *
artemis_test_ws_frame_get_close_reason (ArtemisTestWsFrame *frame)
{
	g_assert_cmpuint (frame->opcode, ==, ARTEMIS_TEST_WS_CLOSE);
	return frame->len < 2 ? "" : frame->payload + 2;
}

/* ---- waiting ----------------------------------------------------------- */

static gboolean
on_wait_timeout (gpointer user_data)
{
	gboolean *timed_out = user_data;

	*timed_out = TRUE;
	return G_SOURCE_REMOVE;
}

typedef gboolean (*WaitFunc) (ArtemisTestWs *ws);

/* Iterates the default main context until @done or @timeout_ms. */
static gboolean
wait_until (ArtemisTestWs *ws, WaitFunc done, guint timeout_ms)
{
	gboolean timed_out = FALSE;
	guint id = g_timeout_add (timeout_ms, on_wait_timeout, &timed_out);

	while (!done (ws) && !timed_out)
		g_main_context_iteration (NULL, TRUE);
	if (!timed_out)
		g_source_remove (id);
	return done (ws);
}

static gboolean
has_frame_or_eof (ArtemisTestWs *ws)
{
	return !g_queue_is_empty (&ws->frames) || ws->eof;
}

static gboolean
is_upgrade_answered (ArtemisTestWs *ws)
{
	return ws->status != 0 || ws->eof;
}

static gboolean
is_eof (ArtemisTestWs *ws)
{
	return ws->eof;
}

/* ---- receiving --------------------------------------------------------- */

/* Parses one server frame at @data; returns its size, or 0 when incomplete. */
static gsize
parse_frame (ArtemisTestWs *ws, const guint8 *data, gsize len)
{
	ArtemisTestWsFrame *frame;
	gsize header = 2;
	guint64 payload_len;

	if (len < 2)
		return 0;
	/* The server sends whole, unmasked frames. */
	g_assert_cmpuint (data[0] & 0xf0, ==, 0x80);
	g_assert_cmpuint (data[1] & 0x80, ==, 0);
	payload_len = data[1] & 0x7f;
	if (payload_len == 126) {
		header = 4;
		if (len < header)
			return 0;
		payload_len = (data[2] << 8) | data[3];
	} else if (payload_len == 127) {
		header = 10;
		if (len < header)
			return 0;
		payload_len = 0;
		for (guint i = 0; i < 8; i++)
			payload_len = (payload_len << 8) | data[2 + i];
	}
	if (len - header < payload_len)
		return 0;
	frame = g_new0 (ArtemisTestWsFrame, 1);
	frame->opcode = data[0] & 0x0f;
	frame->len = payload_len;
	frame->payload = g_malloc (payload_len + 1);
	memcpy (frame->payload, data + header, payload_len);
	frame->payload[payload_len] = '\0';
	frame->received_us = g_get_monotonic_time ();
	g_queue_push_tail (&ws->frames, frame);
	return header + payload_len;
}

/* The 101 (or refusal) ends at the first blank line; frames follow it. */
static gsize
parse_upgrade (ArtemisTestWs *ws)
{
	const char *data = (const char *) ws->in->data;
	const char *end = g_strstr_len (data, ws->in->len, "\r\n\r\n");

	if (end == NULL)
		return 0;
	g_assert_true (g_str_has_prefix (data, "HTTP/1.1 "));
	ws->status = g_ascii_strtoull (data + strlen ("HTTP/1.1 "), NULL, 10);
	ws->upgraded = ws->status == 101;
	return end + 4 - data;
}

static void
parse_input (ArtemisTestWs *ws)
{
	gsize offset = 0;

	if (!ws->upgraded) {
		offset = parse_upgrade (ws);
		if (!ws->upgraded) {
			g_byte_array_remove_range (ws->in, 0, offset);
			return;
		}
	}
	for (;;) {
		gsize used = parse_frame (ws, ws->in->data + offset, ws->in->len - offset);

		if (used == 0)
			break;
		offset += used;
	}
	/* Once per read: removing frame by frame would move the rest each time. */
	g_byte_array_remove_range (ws->in, 0, offset);
}

static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
	ArtemisTestWs *ws = user_data;
	guint8 buffer[READ_CHUNK];

	for (;;) {
		g_autoptr (GError) error = NULL;
		gssize n = g_socket_receive (socket, (char *) buffer, sizeof buffer, NULL, &error);

		if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			return G_SOURCE_CONTINUE;
		if (n <= 0) {
			ws->eof = TRUE;
			g_clear_pointer (&ws->source, g_source_unref);
			return G_SOURCE_REMOVE;
		}
		g_byte_array_append (ws->in, buffer, n);
		parse_input (ws);
		if ((gsize) n < sizeof buffer)
			return G_SOURCE_CONTINUE;
	}
}

void
artemis_test_ws_set_reading (ArtemisTestWs *ws, gboolean reading)
{
	if (!reading) {
		if (ws->source != NULL)
			g_source_destroy (ws->source);
		g_clear_pointer (&ws->source, g_source_unref);
		return;
	}
	if (ws->source != NULL || ws->eof)
		return;
	ws->source = g_socket_create_source (ws->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
	g_source_set_callback (ws->source, G_SOURCE_FUNC (on_readable), ws, NULL);
	g_source_attach (ws->source, NULL);
}

ArtemisTestWsFrame *
artemis_test_ws_next (ArtemisTestWs *ws, guint timeout_ms)
{
	wait_until (ws, has_frame_or_eof, timeout_ms);
	return g_queue_pop_head (&ws->frames);
}

char *
artemis_test_ws_receive_text (ArtemisTestWs *ws)
{
	g_autoptr (ArtemisTestWsFrame) frame = artemis_test_ws_next (ws, WAIT_TIMEOUT_MS);

	g_assert_nonnull (frame);
	g_assert_cmpuint (frame->opcode, ==, ARTEMIS_TEST_WS_TEXT);
	return g_strdup (frame->payload);
}

char *
artemis_test_ws_expect_close (ArtemisTestWs *ws, gushort code)
{
	g_autoptr (ArtemisTestWsFrame) frame = artemis_test_ws_next (ws, WAIT_TIMEOUT_MS);

	g_assert_nonnull (frame);
	g_assert_cmpuint (frame->opcode, ==, ARTEMIS_TEST_WS_CLOSE);
	g_assert_cmpuint (artemis_test_ws_frame_get_close_code (frame), ==, code);
	return g_strdup (artemis_test_ws_frame_get_close_reason (frame));
}

gboolean
artemis_test_ws_is_quiet (ArtemisTestWs *ws, guint ms)
{
	return !wait_until (ws, has_frame_or_eof, ms);
}

gboolean
artemis_test_ws_wait_eof (ArtemisTestWs *ws)
{
	return wait_until (ws, is_eof, WAIT_TIMEOUT_MS);
}

guint
artemis_test_ws_get_n_pending (ArtemisTestWs *ws)
{
	return ws->frames.length;
}

/* ---- sending ----------------------------------------------------------- */

/* Writes all of @data, letting an in-process server run while the socket is full. */
static void
send_all (ArtemisTestWs *ws, const guint8 *data, gsize len)
{
	gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

	while (len > 0) {
		g_autoptr (GError) error = NULL;
		gssize n = g_socket_send (ws->socket, (const char *) data, len, NULL, &error);

		if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
			g_assert_cmpint (g_get_monotonic_time (), <, deadline);
			g_main_context_iteration (NULL, FALSE);
			continue;
		}
		/* A server that closed first: the test looks at what it said. */
		if (n < 0)
			return;
		data += n;
		len -= n;
	}
}

void
artemis_test_ws_send_frame (ArtemisTestWs *ws, guint8 first_byte, const void *payload, gsize len)
{
	g_autoptr (GByteArray) frame = g_byte_array_sized_new (len + 14);
	guint32 mask = g_random_int ();
	guint8 header[10];
	gsize header_len = 2;
	const guint8 *mask_bytes = (const guint8 *) &mask;

	header[0] = first_byte;
	if (len < 126) {
		header[1] = 0x80 | len;
	} else if (len <= G_MAXUINT16) {
		header[1] = 0x80 | 126;
		header[2] = len >> 8;
		header[3] = len & 0xff;
		header_len = 4;
	} else {
		header[1] = 0x80 | 127;
		for (guint i = 0; i < 8; i++)
			header[2 + i] = ((guint64) len >> (56 - 8 * i)) & 0xff;
		header_len = 10;
	}
	g_byte_array_append (frame, header, header_len);
	g_byte_array_append (frame, mask_bytes, 4);
	for (gsize i = 0; i < len; i++) {
		guint8 byte = ((const guint8 *) payload)[i] ^ mask_bytes[i & 3];

		g_byte_array_append (frame, &byte, 1);
	}
	send_all (ws, frame->data, frame->len);
}

void
artemis_test_ws_send_text (ArtemisTestWs *ws, const char *text)
{
	artemis_test_ws_send_frame (ws, 0x80 | ARTEMIS_TEST_WS_TEXT, text, strlen (text));
}

void
artemis_test_ws_send_ping (ArtemisTestWs *ws, const char *payload)
{
	artemis_test_ws_send_frame (ws, 0x80 | ARTEMIS_TEST_WS_PING, payload, strlen (payload));
}

void
artemis_test_ws_send_close (ArtemisTestWs *ws, gushort code, const char *reason)
{
	g_autoptr (GByteArray) payload = g_byte_array_new ();
	guint8 code_bytes[2] = { code >> 8, code & 0xff };

	g_byte_array_append (payload, code_bytes, 2);
	g_byte_array_append (payload, (const guint8 *) reason, strlen (reason));
	artemis_test_ws_send_frame (ws, 0x80 | ARTEMIS_TEST_WS_CLOSE, payload->data, payload->len);
}

/* ---- connecting -------------------------------------------------------- */

static GSocket *
connect_socket (guint port, int recv_buffer)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
						   G_SOCKET_PROTOCOL_TCP, &error);
	g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);

	g_assert_no_error (error);
	/* Before connecting, so that the TCP window is small from the start. */
	if (recv_buffer > 0)
		g_assert_true (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, recv_buffer, NULL));
	/* The listening socket accepts in the kernel: this needs no main loop. */
	g_socket_connect (socket, address, NULL, &error);
	g_assert_no_error (error);
	g_socket_set_blocking (socket, FALSE);
	return g_steal_pointer (&socket);
}

ArtemisTestWs *
artemis_test_ws_connect_full (guint port, const char *path, int recv_buffer, guint *status)
{
	g_autoptr (ArtemisTestWs) ws = g_new0 (ArtemisTestWs, 1);
	g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
						    "Host: 127.0.0.1:%u\r\n"
						    "Upgrade: websocket\r\n"
						    "Connection: Upgrade\r\n"
						    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
						    "Sec-WebSocket-Version: 13\r\n"
						    "\r\n",
						    path, port);

	ws->socket = connect_socket (port, recv_buffer);
	ws->in = g_byte_array_new ();
	g_queue_init (&ws->frames);
	artemis_test_ws_set_reading (ws, TRUE);
	send_all (ws, (const guint8 *) request, strlen (request));
	g_assert_true (wait_until (ws, is_upgrade_answered, WAIT_TIMEOUT_MS));
	*status = ws->status;
	return ws->upgraded ? g_steal_pointer (&ws) : NULL;
}

ArtemisTestWs *
artemis_test_ws_connect (guint port, const char *path)
{
	guint status = 0;
	ArtemisTestWs *ws = artemis_test_ws_connect_full (port, path, 0, &status);

	g_assert_cmpuint (status, ==, 101);
	return ws;
}

void
artemis_test_ws_free (ArtemisTestWs *ws)
{
	if (ws == NULL)
		return;
	artemis_test_ws_set_reading (ws, FALSE);
	g_socket_close (ws->socket, NULL);
	g_object_unref (ws->socket);
	g_byte_array_unref (ws->in);
	g_queue_clear_full (&ws->frames, (GDestroyNotify) artemis_test_ws_frame_free);
	g_free (ws);
}

gboolean
artemis_test_raise_fd_limit (guint n)
{
	struct rlimit limit;

	if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
		return FALSE;
	if (limit.rlim_cur >= n)
		return TRUE;
	if (limit.rlim_max < n)
		return FALSE;
	limit.rlim_cur = n;
	return setrlimit (RLIMIT_NOFILE, &limit) == 0;
}
