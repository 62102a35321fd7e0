/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ArtemisPostgresqlListener ArtemisPostgresqlListener;

typedef void (*ArtemisPostgresqlHeardFunc) (gpointer user_data);

/*
 * A thread with a connection of its own (libpq's @keywords and @values,
 * copied) that LISTENs on @channel and calls @heard(@user_data), from that
 * thread, when another session NOTIFYs it — a session whose backend PID is
 * *@own_pid (read atomically: this node's connection) does not count — and
 * after every (re)connection, since what was notified in between is lost.
 * A lost connection is made again, waiting longer after each failure (up
 * to 5 s). Never fails: the node's polling covers the time it cannot
 * listen.
 */
ArtemisPostgresqlListener *artemis_postgresql_listener_start (const char *const *keywords,
							      const char *const *values, guint connect_timeout_s,
							      const char *channel, const gint *own_pid,
							      ArtemisPostgresqlHeardFunc heard, gpointer user_data);
/* Stops the thread, waits for it and frees @listener; @heard is not called any more. */
void artemis_postgresql_listener_stop (ArtemisPostgresqlListener *listener);

G_END_DECLS
