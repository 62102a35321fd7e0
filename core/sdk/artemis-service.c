/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-service.h"

ArtemisServiceGroup *
artemis_service_group_new (const char *group_key)
{
	ArtemisServiceGroup *group = g_new0 (ArtemisServiceGroup, 1);

	group->group_key = g_strdup (group_key);
	return group;
}

static gpointer
copy_string (gconstpointer string, gpointer unused)
{
	return g_strdup (string);
}

static gpointer
copy_instance (gconstpointer instance, gpointer unused)
{
	return artemis_instance_ref ((ArtemisInstance *) instance);
}

static GPtrArray *
copy_array (GPtrArray *array, GCopyFunc copy)
{
	return array != NULL ? g_ptr_array_copy (array, copy, NULL) : NULL;
}

ArtemisServiceGroup *
artemis_service_group_copy (const ArtemisServiceGroup *group)
{
	ArtemisServiceGroup *copy = artemis_service_group_new (group->group_key);

	copy->instance_ids = copy_array (group->instance_ids, copy_string);
	copy->instances = copy_array (group->instances, copy_instance);
	copy->metadata = copy_array (group->metadata, copy_string);
	copy->has_weight = group->has_weight;
	copy->weight = group->weight;
	return copy;
}

void
artemis_service_group_free (ArtemisServiceGroup *group)
{
	if (group == NULL)
		return;
	g_free (group->group_key);
	g_clear_pointer (&group->instance_ids, g_ptr_array_unref);
	g_clear_pointer (&group->instances, g_ptr_array_unref);
	g_clear_pointer (&group->metadata, g_ptr_array_unref);
	g_free (group);
}

ArtemisRouteRule *
artemis_route_rule_new (const char *route_id, const char *strategy)
{
	ArtemisRouteRule *rule = g_new0 (ArtemisRouteRule, 1);

	rule->route_id = g_strdup (route_id);
	rule->strategy = g_strdup (strategy);
	rule->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_service_group_free);
	return rule;
}

ArtemisRouteRule *
artemis_route_rule_copy (const ArtemisRouteRule *rule)
{
	ArtemisRouteRule *copy = artemis_route_rule_new (rule->route_id, rule->strategy);

	for (guint i = 0; i < rule->groups->len; i++)
		g_ptr_array_add (copy->groups, artemis_service_group_copy (g_ptr_array_index (rule->groups, i)));
	return copy;
}

void
artemis_route_rule_free (ArtemisRouteRule *rule)
{
	if (rule == NULL)
		return;
	g_free (rule->route_id);
	g_free (rule->strategy);
	g_ptr_array_unref (rule->groups);
	g_free (rule);
}

GPtrArray *
artemis_instance_array_new (guint reserve)
{
	return g_ptr_array_new_full (reserve, (GDestroyNotify) artemis_instance_unref);
}

ArtemisService *
artemis_service_new (const char *service_id)
{
	ArtemisService *service = g_new0 (ArtemisService, 1);

	service->service_id = g_strdup (service_id);
	return service;
}

ArtemisService *
artemis_service_new_with_instances (const char *service_id, GPtrArray *instances)
{
	ArtemisService *service = artemis_service_new (service_id);

	service->instances = g_ptr_array_ref (instances);
	service->logic_instances = artemis_instance_array_new (0);
	service->route_rules = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_route_rule_free);
	return service;
}

void
artemis_service_free (ArtemisService *service)
{
	if (service == NULL)
		return;
	g_free (service->service_id);
	g_clear_pointer (&service->instances, g_ptr_array_unref);
	g_clear_pointer (&service->logic_instances, g_ptr_array_unref);
	g_clear_pointer (&service->route_rules, g_ptr_array_unref);
	g_free (service);
}

ArtemisDiscoveryConfig *
artemis_discovery_config_new (const char *service_id)
{
	ArtemisDiscoveryConfig *config = g_new0 (ArtemisDiscoveryConfig, 1);

	config->service_id = g_strdup (service_id);
	return config;
}

void
artemis_discovery_config_free (ArtemisDiscoveryConfig *config)
{
	if (config == NULL)
		return;
	g_free (config->service_id);
	g_free (config->region_id);
	g_free (config->zone_id);
	g_clear_pointer (&config->discovery_data, g_ptr_array_unref);
	g_free (config);
}

G_DEFINE_BOXED_TYPE (ArtemisServiceGroup, artemis_service_group, artemis_service_group_copy,
		     artemis_service_group_free)
G_DEFINE_BOXED_TYPE (ArtemisRouteRule, artemis_route_rule, artemis_route_rule_copy, artemis_route_rule_free)
