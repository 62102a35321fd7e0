/* SPDX-License-Identifier: Apache-2.0 */

/*
 * A discovery filter for tests. With a `label` setting it appends to every
 * service a route rule `dummy-LABEL` whose one group, `dummy/LABEL`, lists
 * the instanceIds the filter saw; without one it changes nothing. Several
 * instances in a chain (`[plugins] filters=dummy:a;dummy:b`) thus show on
 * the wire, in the protocol's own shape, in which order they ran and what
 * each received. `fail-setup=true` makes its setup fail, for tests of the
 * loader.
 */

#include "artemis-dummy-plugin.h"

struct _ArtemisDummyPlugin {
	ArtemisDiscoveryFilter parent_instance;

	char *label; /* NULL: leave services alone */
};

G_DEFINE_FINAL_TYPE (ArtemisDummyPlugin, artemis_dummy_plugin, ARTEMIS_TYPE_DISCOVERY_FILTER)

static gboolean
artemis_dummy_plugin_setup (ArtemisPlugin *plugin, GError **error)
{
	ArtemisDummyPlugin *self = ARTEMIS_DUMMY_PLUGIN (plugin);
	const char *label = artemis_plugin_get_setting (plugin, "label");

	if (g_strcmp0 (artemis_plugin_get_setting (plugin, "fail-setup"), "true") == 0) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
				     "told to fail by fail-setup=true");
		return FALSE;
	}
	g_clear_pointer (&self->label, g_free);
	if (!artemis_str_is_blank (label))
		self->label = g_strstrip (g_strdup (label));
	return TRUE;
}

static GPtrArray *
instance_ids (GPtrArray *instances)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

	for (guint i = 0; instances != NULL && i < instances->len; i++) {
		const ArtemisInstance *instance = g_ptr_array_index (instances, i);
		const char *id = artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID);

		g_ptr_array_add (ids, g_strdup (id));
	}
	return ids;
}

static gboolean
artemis_dummy_plugin_filter (ArtemisDiscoveryFilter *filter, ArtemisService *service,
			     const ArtemisDiscoveryConfig *config, GError **error)
{
	ArtemisDummyPlugin *self = ARTEMIS_DUMMY_PLUGIN (filter);
	g_autofree char *route_id = NULL;
	g_autofree char *group_key = NULL;
	ArtemisRouteRule *rule;
	ArtemisServiceGroup *group;

	if (self->label == NULL)
		return TRUE;
	route_id = g_strconcat ("dummy-", self->label, NULL);
	group_key = g_strconcat ("dummy/", self->label, NULL);
	rule = artemis_route_rule_new (route_id, ARTEMIS_STRATEGY_WEIGHTED_ROUND_ROBIN);
	group = artemis_service_group_new (group_key);
	group->instance_ids = instance_ids (service->instances);
	group->has_weight = TRUE;
	group->weight = ARTEMIS_GROUP_WEIGHT_DEFAULT;
	g_ptr_array_add (rule->groups, group);
	if (service->route_rules == NULL)
		service->route_rules =
			g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_route_rule_free);
	g_ptr_array_add (service->route_rules, rule);
	return TRUE;
}

static void
artemis_dummy_plugin_finalize (GObject *object)
{
	ArtemisDummyPlugin *self = ARTEMIS_DUMMY_PLUGIN (object);

	g_free (self->label);
	G_OBJECT_CLASS (artemis_dummy_plugin_parent_class)->finalize (object);
}

static void
artemis_dummy_plugin_class_init (ArtemisDummyPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisDiscoveryFilterClass *filter_class = ARTEMIS_DISCOVERY_FILTER_CLASS (klass);

	object_class->finalize = artemis_dummy_plugin_finalize;
	plugin_class->description = "Test filter: a route rule dummy-LABEL listing the instances it saw";
	plugin_class->setup = artemis_dummy_plugin_setup;
	filter_class->filter = artemis_dummy_plugin_filter;
}

static void
artemis_dummy_plugin_init (ArtemisDummyPlugin *self)
{
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_DUMMY_PLUGIN)
