/* SPDX-License-Identifier: Apache-2.0 */

/*
 * A routing strategy built out of tree, against the installed SDK only:
 *
 *   cc -shared -fPIC -o strategy-lowest-id.so strategy-lowest-id.c \
 *      $(pkg-config --cflags --libs artemis-1)
 *   install -m 644 strategy-lowest-id.so "$(pkg-config --variable=plugindir artemis-1)"
 *
 * It serves the rules whose strategy is `lowest-id` and always picks the
 * instance with the smallest instanceId — easy to tell from any other.
 */

#include <string.h>

#include <artemis.h>

#define LOWEST_TYPE_ID_STRATEGY (lowest_id_strategy_get_type ())
G_DECLARE_FINAL_TYPE (LowestIdStrategy, lowest_id_strategy, LOWEST, ID_STRATEGY, ArtemisRouteStrategy)

struct _LowestIdStrategy {
	ArtemisRouteStrategy parent_instance;
};

G_DEFINE_FINAL_TYPE (LowestIdStrategy, lowest_id_strategy, ARTEMIS_TYPE_ROUTE_STRATEGY)

static ArtemisInstance *
lowest_id_strategy_choose (ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule,
			   const ArtemisRouteCaller *caller, gpointer state, GRand *rand)
{
	ArtemisInstance *lowest = NULL;

	for (guint i = 0; i < rule->groups->len; i++) {
		const ArtemisServiceGroup *group = g_ptr_array_index (rule->groups, i);

		for (guint j = 0; group->instances != NULL && j < group->instances->len; j++) {
			ArtemisInstance *instance = g_ptr_array_index (group->instances, j);
			const char *id = artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID);

			if (lowest == NULL ||
			    strcmp (id, artemis_instance_get (lowest, ARTEMIS_INSTANCE_INSTANCE_ID)) < 0)
				lowest = instance;
		}
	}
	return lowest;
}

static void
lowest_id_strategy_class_init (LowestIdStrategyClass *klass)
{
	ARTEMIS_PLUGIN_CLASS (klass)->description = "Always the instance with the lowest instanceId";
	ARTEMIS_ROUTE_STRATEGY_CLASS (klass)->choose = lowest_id_strategy_choose;
}

static void
lowest_id_strategy_init (LowestIdStrategy *self)
{
}

ARTEMIS_PLUGIN_DEFINE (LOWEST_TYPE_ID_STRATEGY)
