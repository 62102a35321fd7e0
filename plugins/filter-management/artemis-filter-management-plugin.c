/* SPDX-License-Identifier: Apache-2.0 */

/*
 * Java's ManagementDiscoveryFilter (protocol §7.3): keeps of a service's
 * instances and logical instances only those not down by an instance,
 * server, zone or group operation, as the node's management state says
 * (artemis_filter_context_is_instance_down()). Operation names do not
 * matter, only that one is in force. The state is the node's own, kept
 * current by the node, and each change drops the cached discovery answers:
 * a pull-out shows in the next lookup, not after a refresh period.
 */

#include "artemis-filter-management-plugin.h"

struct _ArtemisFilterManagementPlugin {
	ArtemisDiscoveryFilter parent_instance;
};

G_DEFINE_FINAL_TYPE (ArtemisFilterManagementPlugin, artemis_filter_management_plugin,
		     ARTEMIS_TYPE_DISCOVERY_FILTER)

static gboolean
any_down (ArtemisFilterContext *context, GPtrArray *list)
{
	for (guint i = 0; i < list->len; i++) {
		if (artemis_filter_context_is_instance_down (context, g_ptr_array_index (list, i)))
			return TRUE;
	}
	return FALSE;
}

/* The instances of *@list not down; a null list becomes empty (protocol §7.3). */
static void
keep_up (ArtemisFilterContext *context, GPtrArray **list)
{
	GPtrArray *kept;

	if (*list == NULL) {
		*list = artemis_instance_array_new (0);
		return;
	}
	/* Nearly always nothing is down: the list is kept as it is. */
	if (!any_down (context, *list))
		return;
	kept = artemis_instance_array_new ((*list)->len);
	for (guint i = 0; i < (*list)->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (*list, i);

		if (!artemis_filter_context_is_instance_down (context, instance))
			g_ptr_array_add (kept, artemis_instance_ref (instance));
	}
	g_ptr_array_unref (*list);
	*list = kept;
}

static gboolean
artemis_filter_management_plugin_filter (ArtemisDiscoveryFilter *filter, ArtemisService *service,
					 const ArtemisDiscoveryConfig *config, GError **error)
{
	ArtemisFilterContext *context = artemis_discovery_filter_get_context (filter);

	keep_up (context, &service->instances);
	keep_up (context, &service->logic_instances);
	return TRUE;
}

static void
artemis_filter_management_plugin_class_init (ArtemisFilterManagementPluginClass *klass)
{
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisDiscoveryFilterClass *filter_class = ARTEMIS_DISCOVERY_FILTER_CLASS (klass);

	plugin_class->description = "Hides instances pulled out by instance, server, zone or group operations";
	filter_class->filter = artemis_filter_management_plugin_filter;
}

static void
artemis_filter_management_plugin_init (ArtemisFilterManagementPlugin *self)
{
	/* The management view shows pulled-out instances as down instead (protocol §7.4). */
	artemis_discovery_filter_set_applies_pull_outs (ARTEMIS_DISCOVERY_FILTER (self), TRUE);
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_FILTER_MANAGEMENT_PLUGIN)
