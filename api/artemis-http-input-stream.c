/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-http-input-stream.h"

/* What is read off a refused connection so that closing it does not reset the answer away. */
#define MAX_DRAIN 65536

struct _ArtemisHttpInputStream {
	GInputStream parent_instance;

	GInputStream *base; /* pollable */
	GSocket *socket;
	ArtemisHttpFraming *framing;
	ArtemisHttpRefusalFunc refusal;
	ArtemisHttpPhase phase;
	gint64 phase_since;
	gboolean upgraded;
	gboolean ended; /* refused, or done with HTTP: libsoup reads the end */
};

static void artemis_http_input_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ArtemisHttpInputStream, artemis_http_input_stream, G_TYPE_INPUT_STREAM,
			       G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
						      artemis_http_input_stream_pollable_init))

static void
set_phase (ArtemisHttpInputStream *self, ArtemisHttpPhase phase)
{
	if (phase == self->phase)
		return;
	self->phase = phase;
	self->phase_since = g_get_monotonic_time ();
}

/* Answers @status with the reason, after the last byte libsoup got, and ends the stream. */
static void
refuse (ArtemisHttpInputStream *self, guint status, const GError *error)
{
	g_autoptr (GBytes) answer = self->refusal (status, error->message);
	gsize len = 0;
	const char *data = g_bytes_get_data (answer, &len);
	char discard[4096];
	gsize drained = 0;
	gssize got;

	g_debug ("Refused a request (%u): %s", status, error->message);
	/* Best effort, never blocking: a peer that does not read loses the answer, not the main loop. */
	g_socket_send_with_blocking (self->socket, data, len, FALSE, NULL, NULL);
	g_socket_shutdown (self->socket, FALSE, TRUE, NULL);
	while (drained < MAX_DRAIN &&
	       (got = g_socket_receive_with_blocking (self->socket, discard, sizeof discard, FALSE, NULL, NULL)) > 0)
		drained += got;
	self->ended = TRUE;
}

/*
 * The peer left (end of stream, or an error) before any byte of another
 * request. libsoup 3.2 starts a kept-alive connection's next request only
 * with its first byte, and never closes one that ends before: its
 * descriptor would stay open for good. One byte it cannot parse makes it
 * start that request, fail it and close the connection.
 */
static gssize
end_between_requests (ArtemisHttpInputStream *self, void *buffer, gsize count)
{
	if (count == 0)
		return 0;
	((char *) buffer)[0] = '\a';
	self->ended = TRUE;
	return 1;
}

/* Follows the @got bytes just read into @buffer; what libsoup may see of them. */
static gssize
follow (ArtemisHttpInputStream *self, void *buffer, gsize count, gssize got, GError **error)
{
	g_autoptr (GError) framing_error = NULL;
	guint status = 0;

	if (self->upgraded)
		return got;
	if (got <= 0 && self->phase == ARTEMIS_HTTP_PHASE_IDLE) {
		g_clear_error (error);
		return end_between_requests (self, buffer, count);
	}
	if (got <= 0)
		return got;
	if (!artemis_http_framing_scan (self->framing, buffer, got, &status, &framing_error)) {
		refuse (self, status, framing_error);
		return 0;
	}
	set_phase (self, artemis_http_framing_get_phase (self->framing));
	return got;
}

/*
 * libsoup reads, polls or waits for input only once it is done with the
 * last request: its answer is out, the next one is awaited.
 */
static void
note_waiting (ArtemisHttpInputStream *self)
{
	artemis_http_framing_set_idle (self->framing);
	set_phase (self, artemis_http_framing_get_phase (self->framing));
}

static gboolean
is_ended (ArtemisHttpInputStream *self)
{
	return self->ended || (!self->upgraded && self->phase == ARTEMIS_HTTP_PHASE_UPGRADING);
}

static gssize
artemis_http_input_stream_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
				GError **error)
{
	ArtemisHttpInputStream *self = ARTEMIS_HTTP_INPUT_STREAM (stream);

	if (is_ended (self))
		return 0;
	note_waiting (self);
	return follow (self, buffer, count, g_input_stream_read (self->base, buffer, count, cancellable, error), error);
}

static gssize
artemis_http_input_stream_read_nonblocking (GPollableInputStream *pollable, void *buffer, gsize count, GError **error)
{
	ArtemisHttpInputStream *self = ARTEMIS_HTTP_INPUT_STREAM (pollable);
	GError *local_error = NULL;
	gssize got;

	if (is_ended (self))
		return 0;
	got = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base), buffer, count, NULL,
							&local_error);
	if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
		note_waiting (self);
		g_propagate_error (error, local_error);
		return -1;
	}
	if (local_error != NULL)
		g_propagate_error (error, local_error);
	return follow (self, buffer, count, got, error);
}

static gboolean
artemis_http_input_stream_can_poll (GPollableInputStream *pollable)
{
	return TRUE;
}

static gboolean
artemis_http_input_stream_is_readable (GPollableInputStream *pollable)
{
	ArtemisHttpInputStream *self = ARTEMIS_HTTP_INPUT_STREAM (pollable);

	if (is_ended (self))
		return TRUE;
	note_waiting (self);
	return g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
artemis_http_input_stream_create_source (GPollableInputStream *pollable, GCancellable *cancellable)
{
	ArtemisHttpInputStream *self = ARTEMIS_HTTP_INPUT_STREAM (pollable);
	g_autoptr (GSource) child = NULL;

	/* An ended stream is readable at once: the reader gets its end. */
	if (is_ended (self)) {
		child = g_timeout_source_new (0);
	} else {
		note_waiting (self);
		child = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), cancellable);
	}
	return g_pollable_source_new_full (pollable, child, cancellable);
}

/* The socket is closed with the connection, not with this side of it. */
static gboolean
artemis_http_input_stream_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
	return TRUE;
}

static void
artemis_http_input_stream_finalize (GObject *object)
{
	ArtemisHttpInputStream *self = ARTEMIS_HTTP_INPUT_STREAM (object);

	g_object_unref (self->base);
	g_object_unref (self->socket);
	artemis_http_framing_free (self->framing);
	G_OBJECT_CLASS (artemis_http_input_stream_parent_class)->finalize (object);
}

static void
artemis_http_input_stream_class_init (ArtemisHttpInputStreamClass *klass)
{
	GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

	G_OBJECT_CLASS (klass)->finalize = artemis_http_input_stream_finalize;
	stream_class->read_fn = artemis_http_input_stream_read;
	stream_class->close_fn = artemis_http_input_stream_close;
}

static void
artemis_http_input_stream_pollable_init (GPollableInputStreamInterface *iface)
{
	iface->can_poll = artemis_http_input_stream_can_poll;
	iface->is_readable = artemis_http_input_stream_is_readable;
	iface->create_source = artemis_http_input_stream_create_source;
	iface->read_nonblocking = artemis_http_input_stream_read_nonblocking;
}

static void
artemis_http_input_stream_init (ArtemisHttpInputStream *self)
{
}

ArtemisHttpInputStream *
artemis_http_input_stream_new (GInputStream *base, GSocket *socket, gsize max_head_size, ArtemisHttpRefusalFunc refusal)
{
	ArtemisHttpInputStream *self = g_object_new (ARTEMIS_TYPE_HTTP_INPUT_STREAM, NULL);

	g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (base), NULL);
	self->base = g_object_ref (base);
	self->socket = g_object_ref (socket);
	self->framing = artemis_http_framing_new (max_head_size);
	self->refusal = refusal;
	self->phase = ARTEMIS_HTTP_PHASE_IDLE;
	self->phase_since = g_get_monotonic_time ();
	return self;
}

ArtemisHttpPhase
artemis_http_input_stream_get_phase (ArtemisHttpInputStream *self, gint64 *since)
{
	g_return_val_if_fail (ARTEMIS_IS_HTTP_INPUT_STREAM (self), ARTEMIS_HTTP_PHASE_IDLE);
	if (since != NULL)
		*since = self->phase_since;
	return self->phase;
}

void
artemis_http_input_stream_set_upgraded (ArtemisHttpInputStream *self)
{
	g_return_if_fail (ARTEMIS_IS_HTTP_INPUT_STREAM (self));
	self->upgraded = TRUE;
}
