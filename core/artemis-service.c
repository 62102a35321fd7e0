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
