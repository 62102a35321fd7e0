/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib-object.h>

#include "artemis-instance.h"
#include "artemis-plugin.h"
#include "artemis-service.h"

G_BEGIN_DECLS

/**
 * ArtemisRouteCaller:
 * @region_id: the caller's region (may be NULL).
 * @zone_id: the caller's zone (may be NULL).
 * @config: what the caller asked for (its `discoveryData` holds keys such as
 *   `appid` and `subenv`).
 *
 * Who asks for an instance. Borrowed for the duration of one call.
 */
typedef struct {
	const char *region_id;
	const char *zone_id;
	const ArtemisDiscoveryConfig *config;
} ArtemisRouteCaller;

#define ARTEMIS_TYPE_ROUTE_STRATEGY (artemis_route_strategy_get_type ())
ARTEMIS_EXPORT
G_DECLARE_DERIVABLE_TYPE (ArtemisRouteStrategy, artemis_route_strategy, ARTEMIS, ROUTE_STRATEGY,
			  ArtemisPlugin)

/**
 * ArtemisRouteStrategyClass:
 * @new_state: creates the strategy's memory (counters, shuffled lists) for
 *   one (service, route rule) pair. Called on the main loop the first time
 *   the pair is routed, and again whenever the rule's groups or weights
 *   changed (the old state is freed first). While a state lives, the rules
 *   it is used with have the same groups in the same order with the same
 *   weights, so it may remember groups by index; their instances may change
 *   between calls. Use @rand for any randomness. The state belongs to the
 *   caller (the router), which frees it with @free_state. May be NULL for a
 *   strategy without memory.
 * @free_state: frees what @new_state returned. Called on the main loop.
 *   Must be set when @new_state is.
 * @choose: picks one instance of @rule for @caller. Called on the main loop
 *   once per pick. @rule is the route rule as a client computes it (spec
 *   §8.2): every group carries its member instances in `instances` and a
 *   fixed weight (0 to 10000); @rule, @caller and @state are borrowed. Use
 *   @rand for any randomness, so that a seeded router is reproducible.
 *   Returns an instance owned by one of @rule's groups (the caller takes its
 *   own reference), or NULL when no group has an instance to give. Must not
 *   be NULL.
 *
 * A routing strategy (protocol §8.3), a plugin kind. It serves the route rules
 * whose `strategy` equals its id: the plugin's name without a leading
 * `strategy-` (`strategy-close-by-visit` serves `close-by-visit`), compared
 * case-insensitively.
 */
struct _ArtemisRouteStrategyClass {
	ArtemisPluginClass parent_class;

	gpointer (*new_state) (ArtemisRouteStrategy *self, const ArtemisRouteRule *rule, GRand *rand);
	void (*free_state) (ArtemisRouteStrategy *self, gpointer state);
	ArtemisInstance *(*choose) (ArtemisRouteStrategy *self, const ArtemisRouteRule *rule,
				    const ArtemisRouteCaller *caller, gpointer state, GRand *rand);

	/*< private >*/
	gpointer padding[8];
};

/* The `strategy` value this strategy serves (see above). */
ARTEMIS_EXPORT
const char *artemis_route_strategy_get_id (ArtemisRouteStrategy *self);
/* NULL when the class has no new_state. */
ARTEMIS_EXPORT
gpointer artemis_route_strategy_new_state (ArtemisRouteStrategy *self, const ArtemisRouteRule *rule,
					   GRand *rand);
ARTEMIS_EXPORT
void artemis_route_strategy_free_state (ArtemisRouteStrategy *self, gpointer state);
/**
 * artemis_route_strategy_choose:
 * 
 * Returns: (transfer none) (nullable): an instance owned by one of @rule's groups.
 */
ARTEMIS_EXPORT
ArtemisInstance *artemis_route_strategy_choose (ArtemisRouteStrategy *self, const ArtemisRouteRule *rule,
						const ArtemisRouteCaller *caller, gpointer state,
						GRand *rand);

G_END_DECLS
