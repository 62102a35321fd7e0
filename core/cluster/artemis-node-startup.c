/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-node-startup.h"

struct _ArtemisNodeStartup {
	GObject parent_instance;

	ArtemisCluster *cluster;
	ArtemisRegistry *registry;
	ArtemisReplicator *replicator;
	gint64 interval_ms;
	gint64 timeout_ms;
	gint64 started_us;
	guint timer;
	GCancellable *cancellable;
	gboolean bootstrapping;
};

G_DEFINE_FINAL_TYPE (ArtemisNodeStartup, artemis_node_startup, G_TYPE_OBJECT)

ArtemisStartupStep
artemis_node_startup_next_step (gboolean has_peers, gboolean has_up_peer, gboolean all_polled, gboolean timed_out)
{
	/* A lone node keeps Java's rule: force-up or nothing (protocol §14.2 #11). */
	if (!has_peers)
		return ARTEMIS_STARTUP_WAIT;
	if (has_up_peer)
		return ARTEMIS_STARTUP_BOOTSTRAP;
	if (all_polled || timed_out)
		return ARTEMIS_STARTUP_GO_UP;
	return ARTEMIS_STARTUP_WAIT;
}

static void
artemis_node_startup_dispose (GObject *object)
{
	ArtemisNodeStartup *self = ARTEMIS_NODE_STARTUP (object);

	g_cancellable_cancel (self->cancellable);
	g_clear_handle_id (&self->timer, g_source_remove);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->replicator);
	g_clear_object (&self->registry);
	g_clear_object (&self->cluster);
	G_OBJECT_CLASS (artemis_node_startup_parent_class)->dispose (object);
}

static void
artemis_node_startup_class_init (ArtemisNodeStartupClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = artemis_node_startup_dispose;
}

static void
artemis_node_startup_init (ArtemisNodeStartup *self)
{
	self->cancellable = g_cancellable_new ();
}

ArtemisNodeStartup *
artemis_node_startup_new (ArtemisCluster *cluster, ArtemisRegistry *registry, ArtemisReplicator *replicator,
			  gint64 interval_ms, gint64 timeout_ms)
{
	ArtemisNodeStartup *self = g_object_new (ARTEMIS_TYPE_NODE_STARTUP, NULL);

	self->cluster = g_object_ref (cluster);
	self->registry = g_object_ref (registry);
	self->replicator = replicator != NULL ? g_object_ref (replicator) : NULL;
	self->interval_ms = interval_ms;
	self->timeout_ms = timeout_ms;
	return self;
}

static void
go_up (ArtemisNodeStartup *self, const char *why)
{
	ArtemisNode *node = artemis_cluster_get_local_node (self->cluster);

	artemis_node_set_capabilities (node, ARTEMIS_TRISTATE_TRUE, ARTEMIS_TRISTATE_TRUE);
	artemis_node_set_state (node, ARTEMIS_NODE_UP);
	g_message ("Node is up: %s", why);
	g_clear_handle_id (&self->timer, g_source_remove);
}

/*
 * As coming from a peer, so not replicated again (protocol §11.6 step 3), and
 * as a peer's heartbeat: an instance peers already replicated here while
 * the copy was on its way is newer than the copy, and is only renewed.
 */
static void
register_copied (ArtemisNodeStartup *self, GPtrArray *instances)
{
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;

	if (instances->len == 0)
		return;
	failed = artemis_registry_handle (self->registry, ARTEMIS_REGISTRY_HEARTBEAT, ARTEMIS_REGISTRY_FROM_PEER,
					  instances, &error);
	if (failed == NULL)
		g_message ("Bootstrap: registering the copied instances failed: %s", error->message);
	else if (failed->len > 0)
		g_message ("Bootstrap: %u of %u copied instances refused", failed->len, instances->len);
}

static void
on_bootstrapped (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (ArtemisNodeStartup) self = user_data;
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *why = NULL;

	self->bootstrapping = FALSE;
	instances = artemis_replicator_bootstrap_finish (ARTEMIS_REPLICATOR (source), result, &error);
	/* Disposed meanwhile: the node is stopping. */
	if (self->cluster == NULL)
		return;
	if (instances == NULL) {
		g_message ("Bootstrap failed, trying again: %s", error->message);
		return;
	}
	register_copied (self, instances);
	why = g_strdup_printf ("copied %u instances from a peer", instances->len);
	go_up (self, why);
}

static gboolean
on_tick (gpointer user_data)
{
	ArtemisNodeStartup *self = user_data;
	g_auto (GStrv) up_peers = NULL;
	gboolean timed_out;

	if (artemis_node_get_state (artemis_cluster_get_local_node (self->cluster)) != ARTEMIS_NODE_STARTING) {
		self->timer = 0;
		return G_SOURCE_REMOVE;
	}
	if (self->bootstrapping)
		return G_SOURCE_CONTINUE;
	up_peers = artemis_cluster_dup_bootstrap_peers (self->cluster);
	timed_out = g_get_monotonic_time () - self->started_us >= self->timeout_ms * G_TIME_SPAN_MILLISECOND;
	switch (artemis_node_startup_next_step (artemis_cluster_has_peers (self->cluster), up_peers[0] != NULL,
						artemis_cluster_all_peers_polled (self->cluster), timed_out)) {
	case ARTEMIS_STARTUP_WAIT:
		break;
	case ARTEMIS_STARTUP_BOOTSTRAP:
		self->bootstrapping = TRUE;
		artemis_replicator_bootstrap_async (self->replicator, self->cancellable, on_bootstrapped,
						    g_object_ref (self));
		break;
	case ARTEMIS_STARTUP_GO_UP:
		self->timer = 0;
		go_up (self, timed_out ? "no peer to copy from in time" : "no peer is up to copy from");
		return G_SOURCE_REMOVE;
	default:
		g_assert_not_reached ();
	}
	return G_SOURCE_CONTINUE;
}

void
artemis_node_startup_start (ArtemisNodeStartup *self)
{
	g_return_if_fail (ARTEMIS_IS_NODE_STARTUP (self));
	if (artemis_node_get_state (artemis_cluster_get_local_node (self->cluster)) != ARTEMIS_NODE_STARTING ||
	    !artemis_cluster_has_peers (self->cluster))
		return;
	self->started_us = g_get_monotonic_time ();
	self->timer = g_timeout_add (self->interval_ms, on_tick, self);
}
