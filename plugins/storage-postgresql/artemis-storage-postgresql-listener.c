/* SPDX-License-Identifier: Apache-2.0 */

/*
 * LISTEN on a thread of its own: the storage worker runs one call at a
 * time and sits idle in between, so it cannot wait on a socket; this
 * thread does nothing else. Connecting is done without blocking (libpq's
 * PQconnectStartParams()/PQconnectPoll()) so that stopping never waits for
 * an unreachable server.
 */

#include <errno.h>

#include <artemis.h>
#include <gio/gio.h>
#include <libpq-fe.h>

#include "artemis-storage-postgresql-listener.h"
#include "artemis-storage-postgresql-schema.h"

#define MAX_BACKOFF_MS 5000

struct _ArtemisPostgresqlListener {
	char **keywords;
	char **values;
	guint connect_timeout_s;
	char *channel;
	const gint *own_pid;
	ArtemisPostgresqlHeardFunc heard;
	gpointer user_data;
	GCancellable *stop;
	GPollFD stop_fd;
	GThread *thread;
	PGconn *conn; /* the thread's */
};

/*
 * Waits for @fd (-1: none) to be ready for @condition, or for stop,
 * @timeout_ms at most (-1: no limit); TRUE when @fd is ready.
 */
static gboolean
wait_for (ArtemisPostgresqlListener *self, int fd, GIOCondition condition, gint timeout_ms)
{
	GPollFD fds[2] = { self->stop_fd, { fd, condition, 0 } };

	fds[0].revents = 0;
	if (g_poll (fds, fd >= 0 ? 2 : 1, timeout_ms) < 0 && errno != EINTR)
		return FALSE;
	return !g_cancellable_is_cancelled (self->stop) && fd >= 0 && fds[1].revents != 0;
}

/* The connection, made without blocking; FALSE when it failed or we were stopped. */
static gboolean
connect_listening (ArtemisPostgresqlListener *self)
{
	gint64 deadline = g_get_monotonic_time () + self->connect_timeout_s * G_TIME_SPAN_SECOND;
	PostgresPollingStatusType status = PGRES_POLLING_WRITING;
	g_autofree char *listen = NULL;
	g_autoptr (PGresult) result = NULL;

	self->conn = PQconnectStartParams ((const char *const *) self->keywords,
					   (const char *const *) self->values, 1);
	while (PQstatus (self->conn) != CONNECTION_BAD && status != PGRES_POLLING_OK &&
	       status != PGRES_POLLING_FAILED) {
		gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;

		if (left_ms <= 0 ||
		    !wait_for (self, PQsocket (self->conn), status == PGRES_POLLING_READING ? G_IO_IN : G_IO_OUT,
			       left_ms))
			break;
		status = PQconnectPoll (self->conn);
	}
	if (status == PGRES_POLLING_OK) {
		listen = g_strdup_printf ("LISTEN %s", self->channel);
		result = PQexec (self->conn, listen);
		if (PQresultStatus (result) == PGRES_COMMAND_OK)
			return TRUE;
	}
	if (!g_cancellable_is_cancelled (self->stop))
		g_debug ("Cannot listen for other nodes' changes (retrying): %s", PQerrorMessage (self->conn));
	g_clear_pointer (&self->conn, PQfinish);
	return FALSE;
}

/* Reads what arrived; a connection found gone is dropped, to be made again. */
static void
read_notifications (ArtemisPostgresqlListener *self)
{
	PGnotify *notify;
	gboolean heard = FALSE;

	if (PQconsumeInput (self->conn) == 0 || PQstatus (self->conn) == CONNECTION_BAD) {
		g_message ("Lost the connection listening for other nodes' changes: %s; connecting again",
			   PQerrorMessage (self->conn));
		g_clear_pointer (&self->conn, PQfinish);
		return;
	}
	while ((notify = PQnotifies (self->conn)) != NULL) {
		heard |= notify->be_pid != g_atomic_int_get (self->own_pid);
		PQfreemem (notify);
	}
	if (heard)
		self->heard (self->user_data);
}

static gpointer
listen_thread (gpointer data)
{
	ArtemisPostgresqlListener *self = data;
	guint backoff_ms = 0;

	while (!g_cancellable_is_cancelled (self->stop)) {
		if (self->conn == NULL) {
			if (backoff_ms > 0)
				wait_for (self, -1, 0, backoff_ms);
			if (g_cancellable_is_cancelled (self->stop))
				break;
			if (!connect_listening (self)) {
				backoff_ms = CLAMP (backoff_ms * 2, 100, MAX_BACKOFF_MS);
				continue;
			}
			backoff_ms = 0;
			self->heard (self->user_data);
		}
		if (wait_for (self, PQsocket (self->conn), G_IO_IN, -1))
			read_notifications (self);
	}
	g_clear_pointer (&self->conn, PQfinish);
	return NULL;
}

ArtemisPostgresqlListener *
artemis_postgresql_listener_start (const char *const *keywords, const char *const *values, guint connect_timeout_s,
				   const char *channel, const gint *own_pid, ArtemisPostgresqlHeardFunc heard,
				   gpointer user_data)
{
	ArtemisPostgresqlListener *self = g_new0 (ArtemisPostgresqlListener, 1);

	self->keywords = g_strdupv ((char **) keywords);
	self->values = g_strdupv ((char **) values);
	self->connect_timeout_s = connect_timeout_s;
	self->channel = g_strdup (channel);
	self->own_pid = own_pid;
	self->heard = heard;
	self->user_data = user_data;
	self->stop = g_cancellable_new ();
	g_cancellable_make_pollfd (self->stop, &self->stop_fd);
	self->thread = g_thread_new ("artemis-pg-listen", listen_thread, self);
	return self;
}

void
artemis_postgresql_listener_stop (ArtemisPostgresqlListener *self)
{
	if (self == NULL)
		return;
	g_cancellable_cancel (self->stop);
	g_thread_join (self->thread);
	g_cancellable_release_fd (self->stop);
	g_object_unref (self->stop);
	g_strfreev (self->keywords);
	g_strfreev (self->values);
	g_free (self->channel);
	g_free (self);
}
