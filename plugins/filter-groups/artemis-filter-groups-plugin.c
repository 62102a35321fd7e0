/* SPDX-License-Identifier: Apache-2.0 */

/*
 * Java's GroupDiscoveryFilter (protocol §7.2): gives a discovered service its
 * logical instances and its active route rules as the node's group state
 * serves them (§8.1: released weights only, inactive rules and groups left
 * out), and fills the groups of the canary rule with their members among
 * the service's instances and logical instances. It runs before
 * filter-management, so those canary members are not re-filtered (§7.3,
 * §14.2 #17), as in Java.
 */

#include "artemis-filter-groups-plugin.h"

struct _ArtemisFilterGroupsPlugin {
	ArtemisDiscoveryFilter parent_instance;
};

G_DEFINE_FINAL_TYPE (ArtemisFilterGroupsPlugin, artemis_filter_groups_plugin, ARTEMIS_TYPE_DISCOVERY_FILTER)

/* Protocol §7.2 step 3: only the first canary rule, its groups' `instances` materialised. */
static void
fill_canary (ArtemisService *service)
{
	ArtemisRouteRule *canary = artemis_route_rules_find (service->route_rules, ARTEMIS_ROUTE_RULE_CANARY);

	for (guint i = 0; canary != NULL && i < canary->groups->len; i++) {
		ArtemisServiceGroup *group = g_ptr_array_index (canary->groups, i);

		g_clear_pointer (&group->instances, g_ptr_array_unref);
		group->instances = artemis_service_group_get_members (service, group);
	}
}

static gboolean
artemis_filter_groups_plugin_filter (ArtemisDiscoveryFilter *filter, ArtemisService *service,
				     const ArtemisDiscoveryConfig *config, GError **error)
{
	ArtemisFilterContext *context = artemis_discovery_filter_get_context (filter);
	GPtrArray *logic_instances = artemis_filter_context_dup_logic_instances (context, service->service_id);
	GPtrArray *route_rules = artemis_filter_context_dup_route_rules (context, service->service_id);

	/* NULL: a node without group state, whose services stay as they are. */
	if (logic_instances != NULL) {
		g_clear_pointer (&service->logic_instances, g_ptr_array_unref);
		service->logic_instances = logic_instances;
	}
	if (route_rules != NULL) {
		g_clear_pointer (&service->route_rules, g_ptr_array_unref);
		service->route_rules = route_rules;
	}
	fill_canary (service);
	return TRUE;
}

static void
artemis_filter_groups_plugin_class_init (ArtemisFilterGroupsPluginClass *klass)
{
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisDiscoveryFilterClass *filter_class = ARTEMIS_DISCOVERY_FILTER_CLASS (klass);

	plugin_class->description = "Adds logical instances and released route rules of service groups";
	filter_class->filter = artemis_filter_groups_plugin_filter;
}

static void
artemis_filter_groups_plugin_init (ArtemisFilterGroupsPlugin *self)
{
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_FILTER_GROUPS_PLUGIN)
