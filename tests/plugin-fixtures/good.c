/* SPDX-License-Identifier: Apache-2.0 */

/* A plugin the loader must accept: a strategy that always picks the first instance. */

#include <artemis.h>

#define TEST_TYPE_GOOD_STRATEGY (test_good_strategy_get_type ())
G_DECLARE_FINAL_TYPE (TestGoodStrategy, test_good_strategy, TEST, GOOD_STRATEGY, ArtemisRouteStrategy)

struct _TestGoodStrategy {
	ArtemisRouteStrategy parent_instance;
};

G_DEFINE_FINAL_TYPE (TestGoodStrategy, test_good_strategy, ARTEMIS_TYPE_ROUTE_STRATEGY)

static ArtemisInstance *
test_good_strategy_choose (ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule,
			   const ArtemisRouteCaller *caller, gpointer state, GRand *rand)
{
	for (guint i = 0; i < rule->groups->len; i++) {
		const ArtemisServiceGroup *group = g_ptr_array_index (rule->groups, i);

		if (group->instances != NULL && group->instances->len > 0)
			return g_ptr_array_index (group->instances, 0);
	}
	return NULL;
}

static void
test_good_strategy_class_init (TestGoodStrategyClass *klass)
{
	ARTEMIS_PLUGIN_CLASS (klass)->description = "Test fixture: the first instance";
	ARTEMIS_ROUTE_STRATEGY_CLASS (klass)->choose = test_good_strategy_choose;
}

static void
test_good_strategy_init (TestGoodStrategy *self)
{
}

ARTEMIS_PLUGIN_DEFINE (TEST_TYPE_GOOD_STRATEGY)
