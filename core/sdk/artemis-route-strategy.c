/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-route-strategy.h"

#define ID_PREFIX "strategy-"

G_DEFINE_ABSTRACT_TYPE (ArtemisRouteStrategy, artemis_route_strategy, ARTEMIS_TYPE_PLUGIN)

static void
artemis_route_strategy_class_init (ArtemisRouteStrategyClass *klass)
{
}

static void
artemis_route_strategy_init (ArtemisRouteStrategy *self)
{
}

const char *
artemis_route_strategy_get_id (ArtemisRouteStrategy *self)
{
	const char *name;

	g_return_val_if_fail (ARTEMIS_IS_ROUTE_STRATEGY (self), NULL);
	name = artemis_plugin_get_name (ARTEMIS_PLUGIN (self));
	return g_str_has_prefix (name, ID_PREFIX) ? name + strlen (ID_PREFIX) : name;
}

gpointer
artemis_route_strategy_new_state (ArtemisRouteStrategy *self, const ArtemisRouteRule *rule, GRand *rand)
{
	ArtemisRouteStrategyClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_ROUTE_STRATEGY (self), NULL);
	klass = ARTEMIS_ROUTE_STRATEGY_GET_CLASS (self);
	return klass->new_state != NULL ? klass->new_state (self, rule, rand) : NULL;
}

void
artemis_route_strategy_free_state (ArtemisRouteStrategy *self, gpointer state)
{
	ArtemisRouteStrategyClass *klass;

	g_return_if_fail (ARTEMIS_IS_ROUTE_STRATEGY (self));
	klass = ARTEMIS_ROUTE_STRATEGY_GET_CLASS (self);
	if (state != NULL && klass->free_state != NULL)
		klass->free_state (self, state);
}

ArtemisInstance *
artemis_route_strategy_choose (ArtemisRouteStrategy *self, const ArtemisRouteRule *rule,
			       const ArtemisRouteCaller *caller, gpointer state, GRand *rand)
{
	ArtemisRouteStrategyClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_ROUTE_STRATEGY (self), NULL);
	klass = ARTEMIS_ROUTE_STRATEGY_GET_CLASS (self);
	g_return_val_if_fail (klass->choose != NULL, NULL);
	return klass->choose (self, rule, caller, state, rand);
}
