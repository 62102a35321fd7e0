/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-cluster.h"
#include "artemis-registry.h"
#include "artemis-replicator.h"

G_BEGIN_DECLS

/* What a starting node does next. */
typedef enum {
	ARTEMIS_STARTUP_WAIT,      /* peers not all polled yet, or no peers at all */
	ARTEMIS_STARTUP_BOOTSTRAP, /* copy the registry of an up peer, then go up */
	ARTEMIS_STARTUP_GO_UP,     /* nothing to copy from: go up empty */
} ArtemisStartupStep;

/*
 * The rule of a starting node (protocol §10.3, with the deviation of
 * docs/compatibility.md): bootstrap from an up peer when there is one; go
 * up empty when every peer has been polled and none is up (a cluster
 * starting all at once), or when @timed_out. A node without peers waits:
 * only force-up makes it up, as in Java (§14.2 #11).
 */
ArtemisStartupStep artemis_node_startup_next_step (gboolean has_peers, gboolean has_up_peer, gboolean all_polled,
						   gboolean timed_out);

#define ARTEMIS_TYPE_NODE_STARTUP (artemis_node_startup_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisNodeStartup, artemis_node_startup, ARTEMIS, NODE_STARTUP, GObject)

/*
 * The initialisation loop of a node that starts `starting` (force-up=false):
 * every @interval_ms it takes the next step; a bootstrap registers what
 * @replicator fetched as coming from a peer, so it is not replicated
 * again. Once up, it stops. Without peers it never starts.
 */
ArtemisNodeStartup *artemis_node_startup_new (ArtemisCluster *cluster, ArtemisRegistry *registry,
					      ArtemisReplicator *replicator, gint64 interval_ms,
					      gint64 timeout_ms);
/* Starts the loop on the thread-default main context; does nothing when the node is not `starting`. */
void artemis_node_startup_start (ArtemisNodeStartup *startup);

G_END_DECLS
