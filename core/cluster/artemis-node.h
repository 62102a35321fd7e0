/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-config.h"

G_BEGIN_DECLS

typedef enum {
	ARTEMIS_NODE_STARTING,
	ARTEMIS_NODE_UP,
	ARTEMIS_NODE_DOWN,
	ARTEMIS_NODE_UNKNOWN,
} ArtemisNodeState;

const char *artemis_node_state_to_string (ArtemisNodeState state);

/* A capability flag that Java keeps as a nullable Boolean. */
typedef enum {
	ARTEMIS_TRISTATE_NULL = -1,
	ARTEMIS_TRISTATE_FALSE = 0,
	ARTEMIS_TRISTATE_TRUE = 1,
} ArtemisTristate;

/**
 * ArtemisNodeStatus:
 * @state: `starting`, `up`, `down` or `unknown`.
 * @can_serve_registry: the `canServiceRegistry` flag.
 * @can_serve_discovery: the `canServiceDiscovery` flag.
 * @allow_registry_from_other_zone: `allowRegistryFromOtherZone`.
 * @allow_discovery_from_other_zone: `allowDiscoveryFromOtherZone`.
 *
 * What a ServiceNodeStatus says about a node (protocol §2.8), ours or a peer's
 * as last polled. A peer that did not answer is `unknown` with every flag
 * null (protocol §10.4).
 */
typedef struct {
	ArtemisNodeState state;
	ArtemisTristate can_serve_registry;
	ArtemisTristate can_serve_discovery;
	ArtemisTristate allow_registry_from_other_zone;
	ArtemisTristate allow_discovery_from_other_zone;
} ArtemisNodeStatus;

/* `unknown` with every flag null. */
#define ARTEMIS_NODE_STATUS_UNKNOWN                                                                          \
	((ArtemisNodeStatus){ ARTEMIS_NODE_UNKNOWN, ARTEMIS_TRISTATE_NULL, ARTEMIS_TRISTATE_NULL,            \
			      ARTEMIS_TRISTATE_NULL, ARTEMIS_TRISTATE_NULL })

/* The predicates of §10.3 on any status: `up` → yes, `down` → no, else the flag. */
gboolean artemis_node_status_can_serve_registry (const ArtemisNodeStatus *status);
gboolean artemis_node_status_can_serve_discovery (const ArtemisNodeStatus *status);

#define ARTEMIS_TYPE_NODE (artemis_node_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisNode, artemis_node, ARTEMIS, NODE, GObject)

/*
 * This node: where it is (region, zone, URL) and what it can serve
 * (protocol §10.3). A node configured with force-up starts `up`.
 */
ArtemisNode *artemis_node_new (const ArtemisConfig *config, const char *url);

const char *artemis_node_get_region_id (ArtemisNode *node);
const char *artemis_node_get_zone_id (ArtemisNode *node);
const char *artemis_node_get_url (ArtemisNode *node);
ArtemisNodeState artemis_node_get_state (ArtemisNode *node);
ArtemisTristate artemis_node_get_can_serve_registry_flag (ArtemisNode *node);
ArtemisTristate artemis_node_get_can_serve_discovery_flag (ArtemisNode *node);
gboolean artemis_node_get_allow_registry_from_other_zone (ArtemisNode *node);
gboolean artemis_node_get_allow_discovery_from_other_zone (ArtemisNode *node);

void artemis_node_set_url (ArtemisNode *node, const char *url);
void artemis_node_set_state (ArtemisNode *node, ArtemisNodeState state);
void artemis_node_set_capabilities (ArtemisNode *node, ArtemisTristate registry, ArtemisTristate discovery);

/* This node's live status. */
ArtemisNodeStatus artemis_node_get_status (ArtemisNode *node);

/* The predicates of §10.3: `up` → yes, `down` → no, else the flag. */
gboolean artemis_node_can_serve_registry (ArtemisNode *node);
gboolean artemis_node_can_serve_discovery (ArtemisNode *node);

/* Case-insensitive checks of a caller's region and zone against this node. */
gboolean artemis_node_is_own_region (ArtemisNode *node, const char *region_id);
gboolean artemis_node_is_own_zone (ArtemisNode *node, const char *zone_id);

/* `{ node: <region/zone/url>, status: …, canServiceRegistry: …, canServiceDiscovery: … }` */
char *artemis_node_describe_status (ArtemisNode *node);

G_END_DECLS
