/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "artemis-http-connection.h"

struct _ArtemisHttpConnection {
	GIOStream parent_instance;

	GSocketConnection *base;
	GSocket *socket;
	ArtemisHttpInputStream *input;
	GSocketAddress *remote;
	ArtemisHttpTimeouts timeouts;
	gboolean upgraded;
	gboolean closed;
	/* The peer's progress through an answer: bytes it acknowledged, and since when that count holds. */
	guint64 acked;
	gint64 acked_since;
};

enum {
	SIGNAL_CLOSED,
	N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ArtemisHttpConnection, artemis_http_connection, G_TYPE_IO_STREAM)

/* The data of the remote address object libsoup reports, that leads back to its connection. */
static GQuark
connection_quark (void)
{
	return g_quark_from_static_string ("artemis-http-connection");
}

static GInputStream *
artemis_http_connection_get_input_stream (GIOStream *stream)
{
	return G_INPUT_STREAM (ARTEMIS_HTTP_CONNECTION (stream)->input);
}

/* Answers are written to the socket as they are. */
static GOutputStream *
artemis_http_connection_get_output_stream (GIOStream *stream)
{
	return g_io_stream_get_output_stream (G_IO_STREAM (ARTEMIS_HTTP_CONNECTION (stream)->base));
}

static gboolean
artemis_http_connection_close (GIOStream *stream, GCancellable *cancellable, GError **error)
{
	ArtemisHttpConnection *self = ARTEMIS_HTTP_CONNECTION (stream);
	gboolean closed = g_io_stream_close (G_IO_STREAM (self->base), cancellable, error);

	if (!self->closed) {
		self->closed = TRUE;
		g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
	}
	return closed;
}

/* Closing a socket does not block: done at once, as GSocketConnection does, not in a thread. */
static void
artemis_http_connection_close_async (GIOStream *stream, int io_priority, GCancellable *cancellable,
				     GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);
	GError *error = NULL;

	if (artemis_http_connection_close (stream, cancellable, &error))
		g_task_return_boolean (task, TRUE);
	else
		g_task_return_error (task, error);
}

static gboolean
artemis_http_connection_close_finish (GIOStream *stream, GAsyncResult *result, GError **error)
{
	return g_task_propagate_boolean (G_TASK (result), error);
}

static void
artemis_http_connection_finalize (GObject *object)
{
	ArtemisHttpConnection *self = ARTEMIS_HTTP_CONNECTION (object);

	g_object_set_qdata (G_OBJECT (self->remote), connection_quark (), NULL);
	g_object_unref (self->remote);
	g_object_unref (self->input);
	g_object_unref (self->socket);
	g_object_unref (self->base);
	G_OBJECT_CLASS (artemis_http_connection_parent_class)->finalize (object);
}

static void
artemis_http_connection_class_init (ArtemisHttpConnectionClass *klass)
{
	GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

	G_OBJECT_CLASS (klass)->finalize = artemis_http_connection_finalize;
	stream_class->get_input_stream = artemis_http_connection_get_input_stream;
	stream_class->get_output_stream = artemis_http_connection_get_output_stream;
	stream_class->close_fn = artemis_http_connection_close;
	stream_class->close_async = artemis_http_connection_close_async;
	stream_class->close_finish = artemis_http_connection_close_finish;
	signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
					       NULL, G_TYPE_NONE, 0);
}

static void
artemis_http_connection_init (ArtemisHttpConnection *self)
{
}

ArtemisHttpConnection *
artemis_http_connection_new (GSocket *socket, const ArtemisHttpTimeouts *timeouts, ArtemisHttpRefusalFunc refusal)
{
	ArtemisHttpConnection *self = g_object_new (ARTEMIS_TYPE_HTTP_CONNECTION, NULL);

	self->socket = g_object_ref (socket);
	self->base = g_socket_connection_factory_create_connection (socket);
	self->input = artemis_http_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (self->base)), socket,
						     timeouts->max_head_size, refusal);
	self->timeouts = *timeouts;
	/* libsoup hands this very object to every message: it leads back here. */
	self->remote = g_socket_get_remote_address (socket, NULL);
	if (self->remote == NULL)
		self->remote = g_inet_socket_address_new_from_string ("0.0.0.0", 0);
	g_object_set_qdata (G_OBJECT (self->remote), connection_quark (), self);
	return self;
}

GSocket *
artemis_http_connection_get_socket (ArtemisHttpConnection *self)
{
	g_return_val_if_fail (ARTEMIS_IS_HTTP_CONNECTION (self), NULL);
	return self->socket;
}

GSocketAddress *
artemis_http_connection_get_remote_address (ArtemisHttpConnection *self)
{
	g_return_val_if_fail (ARTEMIS_IS_HTTP_CONNECTION (self), NULL);
	return self->remote;
}

ArtemisHttpConnection *
artemis_http_connection_of (SoupServerMessage *msg)
{
	GSocketAddress *remote = soup_server_message_get_remote_address (msg);

	return remote != NULL ? g_object_get_qdata (G_OBJECT (remote), connection_quark ()) : NULL;
}

/*
 * Whether an answer waits on a peer that does not take it: unacknowledged
 * bytes in the kernel, and none more acknowledged for @limit_ms of the
 * answer, which started at @since.
 */
static gboolean
is_answer_stalled (ArtemisHttpConnection *self, gint64 since, gint64 now, gint64 limit_ms)
{
	int fd = g_socket_get_fd (self->socket);
	struct tcp_info info = { 0 };
	socklen_t len = sizeof info;
	int unacked = 0;

	if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 || ioctl (fd, SIOCOUTQ, &unacked) != 0 ||
	    unacked == 0 || info.tcpi_bytes_acked != self->acked || self->acked_since < since) {
		self->acked = info.tcpi_bytes_acked;
		self->acked_since = now;
		return FALSE;
	}
	return now - self->acked_since > limit_ms * G_TIME_SPAN_MILLISECOND;
}

gboolean
artemis_http_connection_is_overdue (ArtemisHttpConnection *self, gint64 now)
{
	gint64 since;
	ArtemisHttpPhase phase;

	g_return_val_if_fail (ARTEMIS_IS_HTTP_CONNECTION (self), FALSE);
	if (self->upgraded)
		return FALSE;
	phase = artemis_http_input_stream_get_phase (self->input, &since);
	switch (phase) {
	case ARTEMIS_HTTP_PHASE_IDLE:
		return now - since > self->timeouts.idle_ms * G_TIME_SPAN_MILLISECOND;
	case ARTEMIS_HTTP_PHASE_HEAD:
		return now - since > self->timeouts.head_ms * G_TIME_SPAN_MILLISECOND;
	case ARTEMIS_HTTP_PHASE_BODY:
		return now - since > self->timeouts.body_ms * G_TIME_SPAN_MILLISECOND;
	default:
		return is_answer_stalled (self, since, now, self->timeouts.idle_ms);
	}
}

void
artemis_http_connection_shut_down (ArtemisHttpConnection *self)
{
	g_return_if_fail (ARTEMIS_IS_HTTP_CONNECTION (self));
	g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
}

void
artemis_http_connection_set_upgraded (ArtemisHttpConnection *self)
{
	g_return_if_fail (ARTEMIS_IS_HTTP_CONNECTION (self));
	self->upgraded = TRUE;
	artemis_http_input_stream_set_upgraded (self->input);
}
