/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "artemis-ws-connection.h"

#define OPCODE_CONTINUATION 0x0
#define OPCODE_TEXT 0x1
#define OPCODE_BINARY 0x2
#define OPCODE_CLOSE 0x8
#define OPCODE_PING 0x9
#define OPCODE_PONG 0xA

#define MAX_HEADER_SIZE 10
#define MAX_CONTROL_PAYLOAD 125
#define READ_CHUNK 16384
/* Reads per wake-up: one busy client must not starve the others. */
#define MAX_READS_PER_DISPATCH 4
#define MAX_WRITE_VECTORS 64
/* How long a closing connection waits for the peer's close frame. */
#define CLOSE_TIMEOUT_MS 2000

typedef enum {
	STATE_OPEN,
	STATE_CLOSING, /* our close frame is queued or sent */
	STATE_CLOSED,
} State;

typedef enum {
	FRAME_DATA,
	FRAME_PONG,
	FRAME_CLOSE,
} FrameKind;

typedef struct {
	GBytes *bytes;
	gsize sent;
	FrameKind kind;
} OutFrame;

struct _ArtemisWsConnection {
	GObject parent_instance;

	GIOStream *stream;
	GSocket *socket;
	int fd; /* @socket's: frames are written to it directly */
	GPollableInputStream *input;
	ArtemisPoller *poller;
	ArtemisPollerWatch *watch;
	gboolean reading;
	gboolean output_blocked;
	GSource *early_read;
	GSource *close_timeout;
	GSource *closed_idle;
	gsize max_message_size;

	GByteArray *partial_frame; /* the unparsed tail of the input, or NULL */
	GByteArray *message;	   /* a fragmented text message being joined, or NULL */

	GQueue out; /* OutFrame, head first */
	guint queued_frames;
	gsize queued_bytes;

	State state;
	gboolean close_received;
	gboolean close_written;
	/* After a protocol error the peer's close is not awaited. */
	gboolean abort_after_close;
	gushort close_code;
};

enum {
	SIGNAL_MESSAGE,
	SIGNAL_CLOSED,
	N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (ArtemisWsConnection, artemis_ws_connection, G_TYPE_OBJECT)

static void flush (ArtemisWsConnection *self);

/* ---- frames ------------------------------------------------------------ */

/* Writes the header of a final, unmasked frame; returns its size. */
static gsize
write_header (guint8 *header, guint8 opcode, gsize len)
{
	header[0] = 0x80 | opcode;
	if (len < 126) {
		header[1] = len;
		return 2;
	}
	if (len <= G_MAXUINT16) {
		header[1] = 126;
		header[2] = len >> 8;
		header[3] = len & 0xff;
		return 4;
	}
	header[1] = 127;
	for (guint i = 0; i < 8; i++)
		header[2 + i] = ((guint64) len >> (56 - 8 * i)) & 0xff;
	return 10;
}

static GBytes *
frame_new (guint8 opcode, const void *payload, gsize len)
{
	guint8 *data = g_malloc (MAX_HEADER_SIZE + len);
	gsize header_len = write_header (data, opcode, len);

	if (len > 0)
		memcpy (data + header_len, payload, len);
	return g_bytes_new_take (data, header_len + len);
}

GBytes *
artemis_ws_text_frame_new (const char *text, gsize len)
{
	return frame_new (OPCODE_TEXT, text, len);
}

/* A close frame: the code, then as much of @reason as fits (cut at a character). */
static GBytes *
close_frame_new (gushort code, const char *reason)
{
	guint8 payload[MAX_CONTROL_PAYLOAD];
	gsize len = 0;

	if (code != 0 && code != ARTEMIS_WS_CLOSE_NO_STATUS) {
		const char *end = reason;

		payload[len++] = code >> 8;
		payload[len++] = code & 0xff;
		if (reason != NULL) {
			g_utf8_validate_len (reason, MIN (strlen (reason), sizeof payload - len), &end);
			memcpy (payload + len, reason, end - reason);
			len += end - reason;
		}
	}
	return frame_new (OPCODE_CLOSE, payload, len);
}

/* UTF-8 as RFC 3629 has it: unlike g_utf8_validate(), NUL is a character. */
static gboolean
is_valid_utf8 (const guint8 *data, gsize len)
{
	const char *text = (const char *) data;

	while (len > 0) {
		const char *end;

		if (g_utf8_validate_len (text, len, &end))
			return TRUE;
		if (*end != '\0')
			return FALSE;
		len -= end + 1 - text;
		text = end + 1;
	}
	return TRUE;
}

/* ---- the send queue ---------------------------------------------------- */

static void
out_frame_free (OutFrame *frame)
{
	g_bytes_unref (frame->bytes);
	g_free (frame);
}

static void
clear_source (GSource **source)
{
	if (*source == NULL)
		return;
	g_source_destroy (*source);
	g_clear_pointer (source, g_source_unref);
}

/* What the poller watches: input while reading, output while the socket is full. */
static void
update_watch (ArtemisWsConnection *self)
{
	if (self->watch != NULL)
		artemis_poller_modify (self->poller, self->watch,
				       (self->reading ? EPOLLIN : 0) | (self->output_blocked ? EPOLLOUT : 0));
}

/* Before the descriptor closes. */
static void
unwatch (ArtemisWsConnection *self)
{
	if (self->watch != NULL)
		artemis_poller_remove (self->poller, g_steal_pointer (&self->watch));
}

static void
stop_reading (ArtemisWsConnection *self)
{
	self->reading = FALSE;
	update_watch (self);
}

static gboolean
on_closed_idle (gpointer user_data)
{
	g_autoptr (ArtemisWsConnection) self = g_object_ref (user_data);

	g_clear_pointer (&self->closed_idle, g_source_unref);
	g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
	return G_SOURCE_REMOVE;
}

/* Releases the transport; ::closed follows from an idle callback, never from inside a call. */
static void
finish (ArtemisWsConnection *self)
{
	if (self->state == STATE_CLOSED)
		return;
	self->state = STATE_CLOSED;
	if (!self->close_written && !self->close_received)
		self->close_code = ARTEMIS_WS_CLOSE_ABNORMAL;
	unwatch (self);
	clear_source (&self->early_read);
	clear_source (&self->close_timeout);
	g_queue_clear_full (&self->out, (GDestroyNotify) out_frame_free);
	self->queued_frames = 0;
	self->queued_bytes = 0;
	g_clear_pointer (&self->partial_frame, g_byte_array_unref);
	g_clear_pointer (&self->message, g_byte_array_unref);
	g_io_stream_close (self->stream, NULL, NULL);

	self->closed_idle = g_idle_source_new ();
	g_source_set_static_name (self->closed_idle, "ArtemisWsConnection closed");
	g_source_set_callback (self->closed_idle, on_closed_idle, self, NULL);
	g_source_attach (self->closed_idle, g_main_context_get_thread_default ());
}

static gboolean
on_close_timeout (gpointer user_data)
{
	ArtemisWsConnection *self = user_data;

	g_debug ("WebSocket peer did not answer the close frame in time");
	g_clear_pointer (&self->close_timeout, g_source_unref);
	finish (self);
	return G_SOURCE_REMOVE;
}

static void
on_close_frame_written (ArtemisWsConnection *self)
{
	self->close_written = TRUE;
	if (self->close_received || self->abort_after_close)
		finish (self);
}

/* Data frames that have not started going out; frames partly written must complete. */
void
artemis_ws_connection_drop_queued (ArtemisWsConnection *self)
{
	GList *link = self->out.head;

	while (link != NULL) {
		GList *next = link->next;
		OutFrame *frame = link->data;

		if (frame->kind == FRAME_DATA && frame->sent == 0) {
			self->queued_frames--;
			self->queued_bytes -= g_bytes_get_size (frame->bytes);
			out_frame_free (frame);
			g_queue_delete_link (&self->out, link);
		}
		link = next;
	}
}

/* Control frames go right after whatever is already partly written. */
static void
enqueue_control (ArtemisWsConnection *self, GBytes *bytes, FrameKind kind)
{
	OutFrame *frame = g_new0 (OutFrame, 1);
	GList *link = self->out.head;

	frame->bytes = bytes;
	frame->kind = kind;
	while (link != NULL) {
		OutFrame *queued = link->data;

		if (queued->kind == FRAME_DATA && queued->sent == 0)
			break;
		link = link->next;
	}
	g_queue_insert_before (&self->out, link, frame);
}

/* Takes @written bytes off the head of the queue. */
static void
consume_written (ArtemisWsConnection *self, gsize written)
{
	gboolean close_done = FALSE;

	while (written > 0) {
		OutFrame *frame = g_queue_peek_head (&self->out);
		gsize left = g_bytes_get_size (frame->bytes) - frame->sent;
		gsize taken = MIN (left, written);

		frame->sent += taken;
		written -= taken;
		if (frame->kind == FRAME_DATA)
			self->queued_bytes -= taken;
		if (taken < left)
			break;
		if (frame->kind == FRAME_DATA)
			self->queued_frames--;
		close_done |= frame->kind == FRAME_CLOSE;
		out_frame_free (g_queue_pop_head (&self->out));
	}
	if (close_done)
		on_close_frame_written (self);
}

static void
set_output_blocked (ArtemisWsConnection *self, gboolean blocked)
{
	if (self->output_blocked == blocked)
		return;
	self->output_blocked = blocked;
	update_watch (self);
}

/* Writes queued frames, many per system call, until the socket is full. */
static void
flush (ArtemisWsConnection *self)
{
	while (self->state != STATE_CLOSED && !g_queue_is_empty (&self->out)) {
		struct iovec vectors[MAX_WRITE_VECTORS];
		struct msghdr message = { .msg_iov = vectors };
		gssize written;

		for (GList *l = self->out.head; l != NULL && message.msg_iovlen < MAX_WRITE_VECTORS; l = l->next) {
			OutFrame *frame = l->data;
			gsize size;
			const guint8 *data = g_bytes_get_data (frame->bytes, &size);

			vectors[message.msg_iovlen].iov_base = (guint8 *) data + frame->sent;
			vectors[message.msg_iovlen++].iov_len = size - frame->sent;
		}
		written = sendmsg (self->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			set_output_blocked (self, TRUE);
			return;
		}
		if (written < 0) {
			g_debug ("WebSocket write failed: %s", g_strerror (errno));
			finish (self);
			return;
		}
		consume_written (self, written);
	}
	set_output_blocked (self, FALSE);
}

void
artemis_ws_connection_send (ArtemisWsConnection *self, GBytes *bytes)
{
	OutFrame *frame;
	gboolean idle;
	gsize size;
	const guint8 *data = g_bytes_get_data (bytes, &size);
	gssize written = 0;

	g_return_if_fail (ARTEMIS_IS_WS_CONNECTION (self));

	if (self->state != STATE_OPEN)
		return;
	/* The usual case, a socket with room: one call, nothing queued or allocated. */
	idle = g_queue_is_empty (&self->out);
	if (idle) {
		written = send (self->fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (written == (gssize) size)
			return;
		written = MAX (written, 0);
	}
	frame = g_new0 (OutFrame, 1);
	frame->bytes = g_bytes_ref (bytes);
	frame->kind = FRAME_DATA;
	frame->sent = written;
	g_queue_push_tail (&self->out, frame);
	self->queued_frames++;
	self->queued_bytes += size - written;
	/* Blocked, or failed: flush() says which. Not idle: the poller waits for room already. */
	if (idle)
		flush (self);
}

guint
artemis_ws_connection_get_queued_frames (ArtemisWsConnection *self)
{
	return self->queued_frames;
}

gsize
artemis_ws_connection_get_queued_bytes (ArtemisWsConnection *self)
{
	return self->queued_bytes;
}

/* ---- closing ----------------------------------------------------------- */

static void
send_close (ArtemisWsConnection *self, gushort code, const char *reason)
{
	artemis_ws_connection_drop_queued (self);
	self->state = STATE_CLOSING;
	self->close_code = code;
	enqueue_control (self, close_frame_new (code, reason), FRAME_CLOSE);
	/* A peer that reads nothing must not keep the connection forever. */
	self->close_timeout = g_timeout_source_new (CLOSE_TIMEOUT_MS);
	g_source_set_static_name (self->close_timeout, "ArtemisWsConnection close timeout");
	g_source_set_callback (self->close_timeout, on_close_timeout, self, NULL);
	g_source_attach (self->close_timeout, g_main_context_get_thread_default ());
	flush (self);
}

void
artemis_ws_connection_close (ArtemisWsConnection *self, gushort code, const char *reason)
{
	g_return_if_fail (ARTEMIS_IS_WS_CONNECTION (self));

	if (self->state == STATE_OPEN)
		send_close (self, code, reason);
}

/* A broken frame: say why, stop reading, and close without waiting for the peer. */
static void
fail (ArtemisWsConnection *self, gushort code, const char *reason)
{
	g_debug ("Closing WebSocket: %u %s", code, reason);
	stop_reading (self);
	self->abort_after_close = TRUE;
	if (self->state != STATE_OPEN) {
		finish (self);
		return;
	}
	send_close (self, code, reason);
}

gboolean
artemis_ws_connection_is_open (ArtemisWsConnection *self)
{
	return self->state == STATE_OPEN;
}

gushort
artemis_ws_connection_get_close_code (ArtemisWsConnection *self)
{
	return self->close_code != 0 ? self->close_code : ARTEMIS_WS_CLOSE_ABNORMAL;
}

/* ---- receiving --------------------------------------------------------- */

static gboolean
is_valid_close_code (gushort code)
{
	if (code >= 3000 && code <= 4999)
		return TRUE;
	return code >= 1000 && code <= 1014 && code != 1004 && code != ARTEMIS_WS_CLOSE_NO_STATUS &&
	       code != ARTEMIS_WS_CLOSE_ABNORMAL;
}

static void
receive_close (ArtemisWsConnection *self, const guint8 *payload, gsize len)
{
	gushort code = ARTEMIS_WS_CLOSE_NO_STATUS;

	self->close_received = TRUE;
	stop_reading (self);
	if (self->state != STATE_OPEN) {
		/* The answer to our close (or a crossing one): done once ours is out. */
		if (self->close_written)
			finish (self);
		return;
	}
	if (len == 1) {
		fail (self, ARTEMIS_WS_CLOSE_PROTOCOL_ERROR, "Close frame with a one-byte payload");
		return;
	}
	if (len >= 2) {
		code = (payload[0] << 8) | payload[1];
		if (!is_valid_close_code (code) || !is_valid_utf8 (payload + 2, len - 2)) {
			fail (self, ARTEMIS_WS_CLOSE_PROTOCOL_ERROR, "Invalid close frame");
			return;
		}
	}
	/* Echo the peer's code (RFC 6455 §5.5.1), then close once it is written. */
	send_close (self, code, NULL);
	self->close_code = code;
}

static void
send_pong (ArtemisWsConnection *self, const guint8 *payload, gsize len)
{
	if (self->state != STATE_OPEN)
		return;
	/* Only the latest ping needs an answer (RFC 6455 §5.5.3): replace an unsent pong. */
	for (GList *l = self->out.head; l != NULL; l = l->next) {
		OutFrame *frame = l->data;

		if (frame->kind == FRAME_PONG && frame->sent == 0) {
			g_bytes_unref (frame->bytes);
			frame->bytes = frame_new (OPCODE_PONG, payload, len);
			return;
		}
	}
	enqueue_control (self, frame_new (OPCODE_PONG, payload, len), FRAME_PONG);
	flush (self);
}

static void
deliver (ArtemisWsConnection *self, const guint8 *text, gsize len)
{
	g_autoptr (GBytes) message = NULL;

	if (!is_valid_utf8 (text, len)) {
		fail (self, ARTEMIS_WS_CLOSE_BAD_DATA, "Text message is not valid UTF-8");
		return;
	}
	message = g_bytes_new (text, len);
	g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message);
}

static void
receive_data (ArtemisWsConnection *self, gboolean fin, const guint8 *payload, gsize len)
{
	g_autoptr (GByteArray) message = NULL;

	if (fin && self->message == NULL) {
		deliver (self, payload, len);
		return;
	}
	if (self->message == NULL)
		self->message = g_byte_array_new ();
	g_byte_array_append (self->message, payload, len);
	if (!fin)
		return;
	message = g_steal_pointer (&self->message);
	deliver (self, message->data, message->len);
}

/* Checks a frame header before its payload is waited for; FALSE after failing. */
static gboolean
check_frame (ArtemisWsConnection *self, guint8 opcode, gboolean fin, guint64 payload_len)
{
	gsize joined = self->message != NULL ? self->message->len : 0;

	if ((opcode & 0x8) != 0) {
		if (opcode > OPCODE_PONG) {
			fail (self, ARTEMIS_WS_CLOSE_PROTOCOL_ERROR, "Unknown control opcode");
			return FALSE;
		}
		if (!fin || payload_len > MAX_CONTROL_PAYLOAD) {
			fail (self, ARTEMIS_WS_CLOSE_PROTOCOL_ERROR, "Control frames must be final and short");
			return FALSE;
		}
		return TRUE;
	}
	if (opcode == OPCODE_BINARY) {
		fail (self, ARTEMIS_WS_CLOSE_UNSUPPORTED_DATA, "Binary messages not supported");
		return FALSE;
	}
	if (opcode > OPCODE_BINARY || (opcode == OPCODE_TEXT) == (self->message != NULL)) {
		fail (self, ARTEMIS_WS_CLOSE_PROTOCOL_ERROR, "Unexpected frame opcode");
		return FALSE;
	}
	if (payload_len > self->max_message_size - joined) {
		g_autofree char *reason =
			g_strdup_printf ("Message exceeds the limit of %" G_GSIZE_FORMAT " bytes",
					 self->max_message_size);

		fail (self, ARTEMIS_WS_CLOSE_TOO_BIG, reason);
		return FALSE;
	}
	return TRUE;
}

static void
handle_frame (ArtemisWsConnection *self, guint8 opcode, gboolean fin, const guint8 *payload, gsize len)
{
	switch (opcode) {
	case OPCODE_CLOSE:
		receive_close (self, payload, len);
		break;
	case OPCODE_PING:
		send_pong (self, payload, len);
		break;
	case OPCODE_PONG:
		break;
	default:
		/* While closing, data is read and dropped. */
		if (self->state == STATE_OPEN)
			receive_data (self, fin, payload, len);
		break;
	}
}

/*
 * Parses and handles one frame at @data (unmasking it in place); returns
 * its size, 0 when it is incomplete, -1 when the connection failed.
 */
static gssize
parse_frame (ArtemisWsConnection *self, guint8 *data, gsize len)
{
	gsize header_len = 2;
	guint64 payload_len;
	guint8 opcode;
	gboolean fin;

	if (len < 2)
		return 0;
	fin = (data[0] & 0x80) != 0;
	opcode = data[0] & 0x0f;
	if ((data[0] & 0x70) != 0 || (data[1] & 0x80) == 0) {
		fail (self, ARTEMIS_WS_CLOSE_PROTOCOL_ERROR, "Reserved bits set or frame not masked");
		return -1;
	}
	payload_len = data[1] & 0x7f;
	if (payload_len == 126) {
		header_len = 4;
		if (len < header_len)
			return 0;
		payload_len = (data[2] << 8) | data[3];
	} else if (payload_len == 127) {
		header_len = 10;
		if (len < header_len)
			return 0;
		payload_len = 0;
		for (guint i = 0; i < 8; i++)
			payload_len = (payload_len << 8) | data[2 + i];
	}
	if (!check_frame (self, opcode, fin, payload_len))
		return -1;
	header_len += 4; /* the mask */
	if (len < header_len || len - header_len < payload_len)
		return 0;
	for (gsize i = 0; i < payload_len; i++)
		data[header_len + i] ^= data[header_len - 4 + (i & 3)];
	handle_frame (self, opcode, fin, data + header_len, payload_len);
	return header_len + payload_len;
}

static gboolean
is_reading (ArtemisWsConnection *self)
{
	return self->state != STATE_CLOSED && self->reading;
}

/* Handles the complete frames in @data; returns how many bytes they took. */
static gsize
parse_frames (ArtemisWsConnection *self, guint8 *data, gsize len)
{
	gsize offset = 0;

	while (is_reading (self)) {
		gssize used = parse_frame (self, data + offset, len - offset);

		if (used <= 0)
			break;
		offset += used;
	}
	return offset;
}

static void
consume_input (ArtemisWsConnection *self, guint8 *data, gsize len)
{
	gsize used;

	if (self->partial_frame == NULL) {
		used = parse_frames (self, data, len);
		if (used < len && is_reading (self))
			self->partial_frame = g_byte_array_new_take (g_memdup2 (data + used, len - used), len - used);
		return;
	}
	g_byte_array_append (self->partial_frame, data, len);
	used = parse_frames (self, self->partial_frame->data, self->partial_frame->len);
	if (self->partial_frame == NULL)
		return;
	g_byte_array_remove_range (self->partial_frame, 0, used);
	/* An idle connection keeps no buffer. */
	if (self->partial_frame->len == 0)
		g_clear_pointer (&self->partial_frame, g_byte_array_unref);
}

static void
read_input (ArtemisWsConnection *self)
{
	guint8 buffer[READ_CHUNK];

	for (guint i = 0; i < MAX_READS_PER_DISPATCH && is_reading (self); i++) {
		g_autoptr (GError) error = NULL;
		gssize count = g_pollable_input_stream_read_nonblocking (self->input, buffer, sizeof buffer, NULL,
									 &error);

		if (count < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			break;
		if (count <= 0) {
			if (error != NULL)
				g_debug ("WebSocket read failed: %s", error->message);
			finish (self);
			break;
		}
		consume_input (self, buffer, count);
	}
}

static void
on_poll_event (guint32 events, gpointer user_data)
{
	g_autoptr (ArtemisWsConnection) self = g_object_ref (user_data);

	if ((events & EPOLLOUT) != 0)
		flush (self);
	if (is_reading (self) && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0)
		read_input (self);
	else if ((events & (EPOLLERR | EPOLLHUP)) != 0)
		finish (self); /* not reading, and the peer is gone */
}

/* Bytes libsoup read past the upgrade request never wake the poller. */
static gboolean
on_early_read (gpointer user_data)
{
	g_autoptr (ArtemisWsConnection) self = g_object_ref (user_data);

	g_clear_pointer (&self->early_read, g_source_unref);
	read_input (self);
	return G_SOURCE_REMOVE;
}

/* ---- object ------------------------------------------------------------ */

static void
artemis_ws_connection_finalize (GObject *object)
{
	ArtemisWsConnection *self = ARTEMIS_WS_CONNECTION (object);

	unwatch (self);
	clear_source (&self->early_read);
	clear_source (&self->close_timeout);
	clear_source (&self->closed_idle);
	g_queue_clear_full (&self->out, (GDestroyNotify) out_frame_free);
	g_clear_pointer (&self->partial_frame, g_byte_array_unref);
	g_clear_pointer (&self->message, g_byte_array_unref);
	if (!g_io_stream_is_closed (self->stream))
		g_io_stream_close (self->stream, NULL, NULL);
	g_object_unref (self->stream);
	g_object_unref (self->socket);
	G_OBJECT_CLASS (artemis_ws_connection_parent_class)->finalize (object);
}

static void
artemis_ws_connection_class_init (ArtemisWsConnectionClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_ws_connection_finalize;

	signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
						NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
	signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
					       NULL, NULL, G_TYPE_NONE, 0);
}

static void
artemis_ws_connection_init (ArtemisWsConnection *self)
{
	g_queue_init (&self->out);
}

ArtemisWsConnection *
artemis_ws_connection_new (GIOStream *stream, GSocket *socket, ArtemisPoller *poller, gsize max_message_size)
{
	ArtemisWsConnection *self;

	g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);
	g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
	g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream)), NULL);

	self = g_object_new (ARTEMIS_TYPE_WS_CONNECTION, NULL);
	self->stream = g_object_ref (stream);
	self->socket = g_object_ref (socket);
	self->fd = g_socket_get_fd (socket);
	self->input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));
	self->poller = poller;
	self->max_message_size = max_message_size;
	self->reading = TRUE;
	self->watch = artemis_poller_add (poller, self->fd, EPOLLIN, on_poll_event, self);
	if (g_pollable_input_stream_is_readable (self->input)) {
		self->early_read = g_idle_source_new ();
		g_source_set_callback (self->early_read, on_early_read, self, NULL);
		g_source_attach (self->early_read, g_main_context_get_thread_default ());
	}
	return self;
}
