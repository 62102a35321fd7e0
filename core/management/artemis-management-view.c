/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-management-view.h"

typedef struct {
	char *service_id; /* as stored */
	GPtrArray *instances;
} ViewService;

static void
view_service_free (ViewService *service)
{
	g_free (service->service_id);
	g_ptr_array_unref (service->instances);
	g_free (service);
}

typedef struct {
	ArtemisManagement *management;
	const char *only_key; /* lower-case service id, or NULL for all */
	GHashTable *services; /* lower-case service id → ViewService */
	ArtemisInstanceBuilder *builder;
} Collector;

static void
set_time_metadata (ArtemisInstanceBuilder *builder, const char *key, gint64 value)
{
	char text[32];

	g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
	artemis_instance_builder_set_metadata (builder, key, text);
}

static ArtemisInstance *
view_instance (Collector *collector, const ArtemisLeaseInfo *lease)
{
	ArtemisInstanceBuilder *builder = collector->builder;
	gboolean down = artemis_management_is_instance_down (collector->management, lease->instance);

	artemis_instance_builder_copy (builder, lease->instance);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_STATUS, down ? "down" : "up");
	set_time_metadata (builder, "creationTime", lease->creation_ms);
	set_time_metadata (builder, "renewalTime", lease->renewal_ms);
	set_time_metadata (builder, "ttl", lease->ttl_ms);
	return artemis_instance_builder_end (builder);
}

static void
collect_lease (const char *service_id, const ArtemisLeaseInfo *lease, gpointer user_data)
{
	Collector *collector = user_data;
	g_autofree char *key = artemis_id_to_key (service_id);
	ViewService *service;

	if (collector->only_key != NULL && !g_str_equal (key, collector->only_key))
		return;
	service = g_hash_table_lookup (collector->services, key);
	if (service == NULL) {
		service = g_new0 (ViewService, 1);
		service->service_id = g_strdup (service_id);
		service->instances = artemis_instance_array_new (8);
		g_hash_table_insert (collector->services, g_steal_pointer (&key), service);
	}
	g_ptr_array_add (service->instances, view_instance (collector, lease));
}

/* Lease maps have no order; instance ids give a stable one. */
static gint
compare_instances (gconstpointer a, gconstpointer b)
{
	return strcmp (artemis_instance_get_key (*(ArtemisInstance *const *) a),
		       artemis_instance_get_key (*(ArtemisInstance *const *) b));
}

static ArtemisService *
filtered_service (ArtemisDiscovery *discovery, const char *service_id, GPtrArray *instances)
{
	g_autoptr (GPtrArray) none = artemis_instance_array_new (0);
	g_autoptr (ArtemisDiscoveryConfig) config = artemis_discovery_config_new (service_id);
	ArtemisService *service = artemis_service_new_with_instances (service_id, instances != NULL ? instances : none);

	artemis_discovery_run_filters (discovery, service, config, TRUE);
	/* An unknown service keeps `instances` null (protocol §7.5). */
	if (instances == NULL)
		g_clear_pointer (&service->instances, g_ptr_array_unref);
	return service;
}

GPtrArray *
artemis_management_view_get_services (ArtemisManagement *management, ArtemisDiscovery *discovery,
				      const char *service_id)
{
	ArtemisRegistry *registry = artemis_management_get_registry (management);
	g_autofree char *only_key = artemis_id_to_key (service_id);
	g_autoptr (GHashTable) services =
		g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) view_service_free);
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	Collector collector = { management, only_key, services, builder };
	GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_service_free);
	GList *keys;

	for (guint pool = 0; pool < ARTEMIS_N_LEASE_POOLS; pool++)
		artemis_registry_foreach_lease (registry, pool, collect_lease, &collector);
	if (service_id != NULL && g_hash_table_size (services) == 0) {
		g_ptr_array_add (result, filtered_service (discovery, service_id, NULL));
		return result;
	}
	keys = g_list_sort (g_hash_table_get_keys (services), (GCompareFunc) strcmp);
	for (GList *l = keys; l != NULL; l = l->next) {
		ViewService *service = g_hash_table_lookup (services, l->data);

		g_ptr_array_sort (service->instances, compare_instances);
		g_ptr_array_add (result, filtered_service (discovery, service->service_id, service->instances));
	}
	g_list_free (keys);
	return result;
}
