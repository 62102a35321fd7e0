/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-cluster.h"
#include "artemis-replication-context.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_CLUSTER_REPLICATION_CONTEXT (artemis_cluster_replication_context_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisClusterReplicationContext, artemis_cluster_replication_context, ARTEMIS,
		      CLUSTER_REPLICATION_CONTEXT, ArtemisReplicationContext)

/*
 * What the node gives its replicator: the peers from @cluster's membership
 * and last polled statuses, and the wire format from the cluster codec.
 */
ArtemisReplicationContext *artemis_cluster_replication_context_new (ArtemisCluster *cluster);

G_END_DECLS
