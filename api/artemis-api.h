/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-metrics.h"
#include "artemis-rate-limits.h"
#include "artemis-server.h"
#include "artemis-storage.h"
#include "artemis-ws-hub.h"

G_BEGIN_DECLS

/*
 * The API areas (artemis-api-AREA.c): each adds its routes to @server and
 * is given only the parts of the node its handlers use.
 */
void artemis_api_registry_add_routes (ArtemisServer *server, ArtemisRegistry *registry, ArtemisRateLimits *limits);
/* The replication endpoints peers call (protocol §3.3): never replicated further, never rate limited. */
void artemis_api_replication_add_routes (ArtemisServer *server, ArtemisRegistry *registry);
void artemis_api_cluster_add_routes (ArtemisServer *server, ArtemisCluster *cluster, ArtemisRateLimits *limits);
void artemis_api_discovery_add_routes (ArtemisServer *server, const ArtemisConfig *config,
				       ArtemisDiscovery *discovery, ArtemisVersionedCache *versioned_cache);
void artemis_api_status_add_routes (ArtemisServer *server, const ArtemisConfig *config, ArtemisCluster *cluster,
				    ArtemisRegistry *registry, ArtemisWsHub *ws_hub, ArtemisRateLimits *limits);
void artemis_api_route_add_routes (ArtemisServer *server, ArtemisRouter *router);
void artemis_api_management_add_routes (ArtemisServer *server, ArtemisManagement *management,
					ArtemisDiscovery *discovery);
void artemis_api_zone_add_routes (ArtemisServer *server, ArtemisManagement *management, ArtemisStorage *storage);
void artemis_api_log_add_routes (ArtemisServer *server, ArtemisStorage *storage);
void artemis_api_group_add_routes (ArtemisServer *server, ArtemisManagement *management, ArtemisRateLimits *limits);
void artemis_api_canary_add_routes (ArtemisServer *server, ArtemisManagement *management);
void artemis_api_health_add_routes (ArtemisServer *server, ArtemisNode *node, ArtemisRegistry *registry,
				    ArtemisStorage *storage, ArtemisWsHub *ws_hub, ArtemisMetrics *metrics);
void artemis_api_websocket_add_routes (ArtemisServer *server, const ArtemisConfig *config,
				       ArtemisRegistry *registry, ArtemisWsHub *ws_hub, ArtemisRateLimits *limits);

G_END_DECLS
