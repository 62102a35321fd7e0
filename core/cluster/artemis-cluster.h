/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-node.h"

G_BEGIN_DECLS

/**
 * ArtemisClusterNode:
 * @url: the node's base URL as configured (context path included).
 * @zone_id: its zone.
 * @is_local: whether it is this node.
 * @status: its status as last polled (protocol §10.4); unused for this node,
 *   whose live status always counts.
 * @polled: whether a poll of it has ended at least once (answered or not).
 *
 * One node of `[cluster] nodes` (protocol §10.1). All nodes are in this node's
 * region. Owned by the #ArtemisCluster.
 */
typedef struct {
	char *url;
	char *zone_id;
	gboolean is_local;
	ArtemisNodeStatus status;
	gboolean polled;
} ArtemisClusterNode;

void artemis_cluster_node_free (ArtemisClusterNode *node);

/*
 * Parses `zone:url[,url][;zone:url…]` (protocol §10.1): zone entries split on
 * `;`, the first `:` of an entry ends its zone, URLs split on `,`, every
 * piece trimmed and blank pieces skipped. A new array of
 * #ArtemisClusterNode in the order written (a repeated node once), or NULL
 * with @error set for an entry without a zone or a URL that is not an
 * absolute http(s) URL.
 */
GPtrArray *artemis_cluster_parse_nodes (const char *text, GError **error);

/* Which capability a node list is about (protocol §3.4). */
typedef enum {
	ARTEMIS_CLUSTER_REGISTRY,
	ARTEMIS_CLUSTER_DISCOVERY,
} ArtemisClusterCapability;

#define ARTEMIS_TYPE_CLUSTER (artemis_cluster_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisCluster, artemis_cluster, ARTEMIS, CLUSTER, GObject)

/*
 * The membership of a cluster as this node sees it (protocol §10): the nodes
 * configured, which one is this node, and the last polled status of each
 * other node. It only keeps the model; the daemon polls the peers (HTTP
 * lives in api/) and reports here. Main loop only.
 *
 * Before artemis_cluster_configure(), and when `[cluster] nodes` is empty,
 * the cluster is this node alone.
 */
ArtemisCluster *artemis_cluster_new (ArtemisNode *node);

/*
 * Takes the node list @nodes_text and finds this node in it: the entry of
 * its zone whose host and port are those of the node's URL (protocol §10.2:
 * the URL of `[deployment] node-url`, or the one derived from the host and
 * port). That entry's URL becomes the node's URL. FALSE with @error set
 * when the list does not parse; the cluster is then left as it was.
 */
gboolean artemis_cluster_configure (ArtemisCluster *cluster, const char *nodes_text, GError **error);

ArtemisNode *artemis_cluster_get_local_node (ArtemisCluster *cluster);
/* Every node (#ArtemisClusterNode): this node's zone first, then the others, each in configuration order. */
GPtrArray *artemis_cluster_get_nodes (ArtemisCluster *cluster);
/* The status that counts for @node: live for this node, else as last polled. */
ArtemisNodeStatus artemis_cluster_get_node_status (ArtemisCluster *cluster, const ArtemisClusterNode *node);
/* Whether the list has nodes other than this one. */
gboolean artemis_cluster_has_peers (ArtemisCluster *cluster);

/* Records the outcome of one poll of the node at @url (ignored when it is not a peer). */
void artemis_cluster_set_peer_status (ArtemisCluster *cluster, const char *url, const ArtemisNodeStatus *status);

/*
 * The nodes a client at @region_id/@zone_id may use for @capability
 * (protocol §3.4), in the order of artemis_cluster_get_nodes(): those whose
 * status can serve it and that either allow callers of other zones or are
 * in the caller's zone and region, compared with case. A new array of
 * borrowed nodes.
 */
GPtrArray *artemis_cluster_select_nodes (ArtemisCluster *cluster, ArtemisClusterCapability capability,
					 const char *region_id, const char *zone_id);

/* The other nodes, this zone's first (protocol §10.2 otherNodes): whom to poll. */
GStrv artemis_cluster_dup_peer_urls (ArtemisCluster *cluster);
/*
 * The other nodes whose last status can serve registry, or is `starting`:
 * where writes replicate (protocol §11.2, and docs/compatibility.md).
 */
GStrv artemis_cluster_dup_targets (ArtemisCluster *cluster);
/* The other nodes whose last status is `up`, this zone's first: where to copy the registry from (protocol §11.6). */
GStrv artemis_cluster_dup_bootstrap_peers (ArtemisCluster *cluster);
/* Whether every other node was polled at least once. */
gboolean artemis_cluster_all_peers_polled (ArtemisCluster *cluster);

/*
 * Joins a base URL and a path with exactly one `/` between them (spec
 * §13.1): `http://h/ctx/` + `/api/x.json` → `http://h/ctx/api/x.json`.
 */
char *artemis_cluster_join_url (const char *base, const char *path);

G_END_DECLS
