/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-discovery.h"
#include "artemis-route-strategy.h"

G_BEGIN_DECLS

/* The most instances one route request may ask for. */
#define ARTEMIS_ROUTE_MAX_COUNT 1000

/**
 * ArtemisRouteRequest:
 * @discovery_config: the service asked for (NULL when absent).
 * @route_id: the route rule to follow; NULL means `default-route-rule`.
 * @count: how many picks; 0 when absent (then 1).
 * @region_id: the caller's region.
 * @zone_id: the caller's zone.
 *
 * The body of `/api/discovery/route.json` (an Artemis extension):
 * `{"count","discoveryConfig","regionId","routeId","zoneId"}`.
 */
typedef struct {
	ArtemisDiscoveryConfig *discovery_config;
	char *route_id;
	gint64 count;
	char *region_id;
	char *zone_id;
} ArtemisRouteRequest;

/* Decodes the body leniently, as the protocol's other requests (ARTEMIS_ERROR_BAD_REQUEST). */
ArtemisRouteRequest *artemis_route_request_decode (const char *data, gsize len, GError **error);
void artemis_route_request_free (ArtemisRouteRequest *request);

/**
 * ArtemisRouteResult:
 * @route_id: the rule followed, as the service names it.
 * @strategy: its strategy.
 * @instances: the picks (#ArtemisInstance), in order; fewer than asked
 *   (possibly none) when the strategy had nothing to give.
 */
typedef struct {
	char *route_id;
	char *strategy;
	GPtrArray *instances;
} ArtemisRouteResult;

void artemis_route_result_free (ArtemisRouteResult *result);

#define ARTEMIS_TYPE_ROUTER (artemis_router_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisRouter, artemis_router, ARTEMIS, ROUTER, GObject)

/*
 * Server-side routing for consumers without a Java client: the route rules
 * a client would compute from the discovered service (protocol §8.2), and the
 * strategy plugins that pick from them. Strategy state lives here, one per
 * (service, route rule), and is rebuilt when the rule's groups change.
 * @default_strategy is the strategy of the default route rule.
 */
ArtemisRouter *artemis_router_new (ArtemisDiscovery *discovery, const char *default_strategy);
/* Serves the rules whose strategy is @strategy's id; the first strategy added for an id wins. */
void artemis_router_add_strategy (ArtemisRouter *router, ArtemisRouteStrategy *strategy);
/* The strategy serving @strategy_id (case-insensitive), or NULL. */
ArtemisRouteStrategy *artemis_router_find_strategy (ArtemisRouter *router, const char *strategy_id);
/* Reseeds the random generator strategies use, and forgets their state: for reproducible tests. */
void artemis_router_set_seed (ArtemisRouter *router, guint32 seed);

/*
 * Answers @request: the checks of discovery/service.json (a service id,
 * the node ready, the caller's region and zone), then @request->count
 * separate picks by the strategy of the chosen rule, duplicates allowed.
 * Fails with ARTEMIS_ERROR_BAD_REQUEST, _UNAVAILABLE, _NO_PERMISSION,
 * _NOT_FOUND (no such route rule) or _UNAVAILABLE (no plugin for the
 * rule's strategy).
 */
ArtemisRouteResult *artemis_router_route (ArtemisRouter *router, const ArtemisRouteRequest *request,
					  GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisRouteRequest, artemis_route_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisRouteResult, artemis_route_result_free)

G_END_DECLS
