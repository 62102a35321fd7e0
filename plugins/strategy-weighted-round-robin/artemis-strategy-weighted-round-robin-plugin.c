/* SPDX-License-Identifier: Apache-2.0 */

/*
 * The `weighted-round-robin` strategy of protocol §8.3, as caravan-ribbon does
 * it for Java consumers: one #ArtemisGroupCycle over all the rule's groups
 * per (service, route rule) — GCD-reduced weights, a shuffled list with each
 * group weight/GCD times, round robin over the groups that have an
 * instance, then round robin inside the group; weight 0 never chosen.
 */

#include "artemis-strategy-weighted-round-robin-plugin.h"

struct _ArtemisWeightedRoundRobinPlugin {
	ArtemisRouteStrategy parent_instance;
};

G_DEFINE_FINAL_TYPE (ArtemisWeightedRoundRobinPlugin, artemis_weighted_round_robin_plugin,
		     ARTEMIS_TYPE_ROUTE_STRATEGY)

static gpointer
artemis_weighted_round_robin_plugin_new_state (ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule,
					       GRand *rand)
{
	return artemis_group_cycle_new (rule->groups, NULL, NULL, rand);
}

static void
artemis_weighted_round_robin_plugin_free_state (ArtemisRouteStrategy *strategy, gpointer state)
{
	artemis_group_cycle_free (state);
}

static ArtemisInstance *
artemis_weighted_round_robin_plugin_choose (ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule,
					    const ArtemisRouteCaller *caller, gpointer state, GRand *rand)
{
	return artemis_group_cycle_next (state, rule->groups);
}

static void
artemis_weighted_round_robin_plugin_class_init (ArtemisWeightedRoundRobinPluginClass *klass)
{
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisRouteStrategyClass *strategy_class = ARTEMIS_ROUTE_STRATEGY_CLASS (klass);

	plugin_class->description = "Weighted round robin over a route rule's groups (protocol §8.3)";
	strategy_class->new_state = artemis_weighted_round_robin_plugin_new_state;
	strategy_class->free_state = artemis_weighted_round_robin_plugin_free_state;
	strategy_class->choose = artemis_weighted_round_robin_plugin_choose;
}

static void
artemis_weighted_round_robin_plugin_init (ArtemisWeightedRoundRobinPlugin *self)
{
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_WEIGHTED_ROUND_ROBIN_PLUGIN)
