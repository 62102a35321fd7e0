/* SPDX-License-Identifier: Apache-2.0 */

/*
 * The `close-by-visit` strategy, with the semantics protocol §8.3 recommends
 * (Java has no implementation): the groups in the caller's region and zone
 * (ServiceGroups.isLocalZone) are chosen by weighted round robin among
 * themselves; the other groups, likewise among themselves, only when no
 * local group has an instance.
 */

#include "artemis-strategy-close-by-visit-plugin.h"

/* Callers remembered per (service, rule) before they are all forgotten. */
#define MAX_CALLERS 256

struct _ArtemisCloseByVisitPlugin {
	ArtemisRouteStrategy parent_instance;
};

G_DEFINE_FINAL_TYPE (ArtemisCloseByVisitPlugin, artemis_close_by_visit_plugin, ARTEMIS_TYPE_ROUTE_STRATEGY)

/* What is local depends on the caller: one pair of cycles per caller region and zone. */
typedef struct {
	ArtemisGroupCycle *local;
	ArtemisGroupCycle *remote;
} CallerCycles;

static void
caller_cycles_free (CallerCycles *cycles)
{
	artemis_group_cycle_free (cycles->local);
	artemis_group_cycle_free (cycles->remote);
	g_free (cycles);
}

static gboolean
is_local (const ArtemisServiceGroup *group, gpointer user_data)
{
	const ArtemisRouteCaller *caller = user_data;

	return artemis_group_key_is_local (group->group_key, caller->region_id, caller->zone_id);
}

static gboolean
is_remote (const ArtemisServiceGroup *group, gpointer user_data)
{
	return !is_local (group, user_data);
}

static gpointer
artemis_close_by_visit_plugin_new_state (ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule,
					 GRand *rand)
{
	/* Caller key → CallerCycles, filled as callers come. */
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) caller_cycles_free);
}

static void
artemis_close_by_visit_plugin_free_state (ArtemisRouteStrategy *strategy, gpointer state)
{
	g_hash_table_unref (state);
}

static CallerCycles *
lookup_cycles (GHashTable *callers, const ArtemisRouteRule *rule, const ArtemisRouteCaller *caller,
	       GRand *rand)
{
	g_autofree char *id = g_strdup_printf ("%s\n%s", caller->region_id != NULL ? caller->region_id : "",
					       caller->zone_id != NULL ? caller->zone_id : "");
	g_autofree char *key = artemis_id_to_key (id);
	CallerCycles *cycles = g_hash_table_lookup (callers, key);

	if (cycles != NULL)
		return cycles;
	if (g_hash_table_size (callers) >= MAX_CALLERS)
		g_hash_table_remove_all (callers);
	cycles = g_new0 (CallerCycles, 1);
	cycles->local = artemis_group_cycle_new (rule->groups, is_local, (gpointer) caller, rand);
	cycles->remote = artemis_group_cycle_new (rule->groups, is_remote, (gpointer) caller, rand);
	g_hash_table_insert (callers, g_steal_pointer (&key), cycles);
	return cycles;
}

static ArtemisInstance *
artemis_close_by_visit_plugin_choose (ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule,
				      const ArtemisRouteCaller *caller, gpointer state, GRand *rand)
{
	CallerCycles *cycles = lookup_cycles (state, rule, caller, rand);
	ArtemisInstance *instance = artemis_group_cycle_next (cycles->local, rule->groups);

	return instance != NULL ? instance : artemis_group_cycle_next (cycles->remote, rule->groups);
}

static void
artemis_close_by_visit_plugin_class_init (ArtemisCloseByVisitPluginClass *klass)
{
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisRouteStrategyClass *strategy_class = ARTEMIS_ROUTE_STRATEGY_CLASS (klass);

	plugin_class->description = "The caller's region and zone first (weighted), others as a fallback";
	strategy_class->new_state = artemis_close_by_visit_plugin_new_state;
	strategy_class->free_state = artemis_close_by_visit_plugin_free_state;
	strategy_class->choose = artemis_close_by_visit_plugin_choose;
}

static void
artemis_close_by_visit_plugin_init (ArtemisCloseByVisitPlugin *self)
{
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_CLOSE_BY_VISIT_PLUGIN)
