/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-deferred.h"
#include "artemis-drain.h"

/* How often the drain looks at what is left: closing sockets and unsent answers. */
#define CHECK_INTERVAL_MS 20

typedef struct {
	ArtemisWsHub *hub;
	ArtemisWriteQueue *writes;
	ArtemisStorage *storage; /* until closed */
	gint64 deadline_us;
} Drain;

static void
drain_free (Drain *drain)
{
	g_object_unref (drain->hub);
	g_object_unref (drain->writes);
	g_clear_object (&drain->storage);
	g_free (drain);
}

/* The store closes once every write queued before the drain has committed. */
static void
close_store_when_written (Drain *drain)
{
	if (drain->storage == NULL || artemis_write_queue_get_length (drain->writes) > 0)
		return;
	artemis_storage_close (drain->storage);
	g_clear_object (&drain->storage);
}

static gboolean
is_idle (Drain *drain)
{
	close_store_when_written (drain);
	return drain->storage == NULL && artemis_ws_hub_get_n_open (drain->hub) == 0 &&
	       artemis_deferred_reply_get_n_pending () == 0;
}

static gboolean
on_check (gpointer user_data)
{
	GTask *task = user_data;
	Drain *drain = g_task_get_task_data (task);

	if (is_idle (drain)) {
		g_task_return_boolean (task, TRUE);
		return G_SOURCE_REMOVE;
	}
	if (g_get_monotonic_time () >= drain->deadline_us) {
		g_task_return_boolean (task, FALSE);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

void
artemis_drain_async (ArtemisServer *server, ArtemisWsHub *hub, ArtemisWriteQueue *writes, ArtemisStorage *storage,
		     guint timeout_ms, GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);
	Drain *drain = g_new0 (Drain, 1);
	guint closed;

	drain->hub = g_object_ref (hub);
	drain->writes = g_object_ref (writes);
	drain->storage = storage != NULL ? g_object_ref (storage) : NULL;
	drain->deadline_us = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
	g_task_set_task_data (task, drain, (GDestroyNotify) drain_free);
	g_task_set_source_tag (task, artemis_drain_async);

	artemis_server_set_draining (server);
	closed = artemis_ws_hub_close_all (hub, ARTEMIS_WS_CLOSE_GOING_AWAY, "Server shutting down");
	g_message ("Draining: new requests refused, %u WebSocket sessions closing, %u management writes queued, "
		   "%u answers to send",
		   closed, artemis_write_queue_get_length (writes), artemis_deferred_reply_get_n_pending ());
	g_timeout_add_full (G_PRIORITY_DEFAULT, CHECK_INTERVAL_MS, on_check, g_object_ref (task), g_object_unref);
}

gboolean
artemis_drain_finish (GAsyncResult *result)
{
	g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
	return g_task_propagate_boolean (G_TASK (result), NULL);
}
