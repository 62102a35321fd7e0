/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-body.h"
#include "artemis-discovery-filter.h"
#include "artemis-management.h"
#include "artemis-registry.h"
#include "artemis-service.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_DISCOVERY (artemis_discovery_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisDiscovery, artemis_discovery, ARTEMIS, DISCOVERY, GObject)

/*
 * The discovery path (protocol §7): a service snapshot from the registry, run
 * through the filter chain in order, encoded once and cached until the
 * service changes (the change log tells) or a filter's state changes
 * (artemis_discovery_invalidate()).
 */
ArtemisDiscovery *artemis_discovery_new (ArtemisRegistry *registry);
ArtemisRegistry *artemis_discovery_get_registry (ArtemisDiscovery *discovery);
/* Appends @filter to the chain. */
void artemis_discovery_add_filter (ArtemisDiscovery *discovery, ArtemisDiscoveryFilter *filter);
GPtrArray *artemis_discovery_get_filters (ArtemisDiscovery *discovery);
/*
 * The node's management state, which every filter of the chain reads
 * through its context (artemis_discovery_filter_get_context()); each of its changes drops
 * the cached answers at once. Set once, at start-up.
 */
void artemis_discovery_set_management (ArtemisDiscovery *discovery, ArtemisManagement *management);
ArtemisManagement *artemis_discovery_get_management (ArtemisDiscovery *discovery);
/*
 * Runs the filter chain on @service in place; for the management view
 * (protocol §7.4) without the filters that remove pulled-out instances.
 */
void artemis_discovery_run_filters (ArtemisDiscovery *discovery, ArtemisService *service,
				    const ArtemisDiscoveryConfig *config, gboolean management_view);

/*
 * The filtered service. When the registry does not know it: NULL, or with
 * @include_unknown an empty service run through the filters (as lookup does).
 */
ArtemisService *artemis_discovery_get_service (ArtemisDiscovery *discovery, const ArtemisDiscoveryConfig *config,
					       gboolean include_unknown);
/* The filtered service as JSON, cached; NULL when the registry does not know it. */
GBytes *artemis_discovery_get_service_json (ArtemisDiscovery *discovery, const ArtemisDiscoveryConfig *config);
/*
 * The whole answer of a lookup.json for this one service,
 * `{"responseStatus":…success…,"services":[…]}`, cached like the service:
 * the hot path of Java clients answers without copying. NULL when unknown.
 */
ArtemisBody *artemis_discovery_get_lookup_body (ArtemisDiscovery *discovery, const ArtemisDiscoveryConfig *config);
/* Fails with ARTEMIS_ERROR_UNAVAILABLE when this node cannot serve discovery. */
gboolean artemis_discovery_check_ready (ArtemisDiscovery *discovery, GError **error);
/*
 * check_ready, then whether a caller in @region_id / @zone_id may discover
 * here (ARTEMIS_ERROR_NO_PERMISSION, with Java's messages).
 */
gboolean artemis_discovery_check_caller (ArtemisDiscovery *discovery, const char *region_id, const char *zone_id,
					 GError **error);

/*
 * Says filter state changed (e.g. an instance was pulled out): drops cached
 * answers of @service_id, or of every service when NULL.
 */
void artemis_discovery_invalidate (ArtemisDiscovery *discovery, const char *service_id);
/*
 * Changes whenever filter state changes (every artemis_discovery_invalidate()
 * and reload): a filtered service is unchanged while this and its registry
 * version are.
 */
guint64 artemis_discovery_get_generation (ArtemisDiscovery *discovery);

G_END_DECLS
