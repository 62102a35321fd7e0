/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-codec.h"
#include "artemis-discovery.h"
#include "artemis-error.h"
#include "artemis-management-filter-context.h"

struct _ArtemisDiscovery {
	GObject parent_instance;

	ArtemisRegistry *registry;
	GPtrArray *filters;
	GHashTable *cache; /* lower-case service id → CachedService */
	guint64 generation; /* bumped when filter state changes (see artemis_discovery_invalidate) */
	guint change_listener;
	ArtemisManagement *management;
	ArtemisFilterContext *filter_context;
	gulong management_handler;
};

G_DEFINE_TYPE (ArtemisDiscovery, artemis_discovery, G_TYPE_OBJECT)

static void
artemis_discovery_dispose (GObject *object)
{
	ArtemisDiscovery *self = ARTEMIS_DISCOVERY (object);

	if (self->change_listener != 0) {
		artemis_change_log_remove_listener (artemis_registry_get_change_log (self->registry),
						    self->change_listener);
		self->change_listener = 0;
	}
	if (self->management != NULL)
		g_clear_signal_handler (&self->management_handler, self->management);
	g_clear_object (&self->management);
	g_clear_object (&self->filter_context);
	g_clear_object (&self->registry);
	G_OBJECT_CLASS (artemis_discovery_parent_class)->dispose (object);
}

static void
artemis_discovery_finalize (GObject *object)
{
	ArtemisDiscovery *self = ARTEMIS_DISCOVERY (object);

	g_ptr_array_unref (self->filters);
	g_hash_table_unref (self->cache);
	G_OBJECT_CLASS (artemis_discovery_parent_class)->finalize (object);
}

static void
artemis_discovery_class_init (ArtemisDiscoveryClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_discovery_dispose;
	object_class->finalize = artemis_discovery_finalize;
}

/* A service's encoded answer, and the whole one-service lookup body built from it. */
typedef struct {
	GBytes *json;
	ArtemisBody *lookup_body; /* built on first use */
} CachedService;

static void
cached_service_free (CachedService *cached)
{
	g_bytes_unref (cached->json);
	g_clear_pointer (&cached->lookup_body, artemis_body_unref);
	g_free (cached);
}

static void
artemis_discovery_init (ArtemisDiscovery *self)
{
	self->filters = g_ptr_array_new_with_free_func (g_object_unref);
	self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cached_service_free);
}

static void
drop_cached (ArtemisDiscovery *self, const char *service_id)
{
	g_autofree char *key = artemis_id_to_key (service_id);

	if (key != NULL)
		g_hash_table_remove (self->cache, key);
}

/*
 * A registry change only touches its service's answer; a reload says
 * something beside the registry changed, as artemis_discovery_invalidate() does.
 */
static void
on_change (ArtemisChange *change, gpointer user_data)
{
	ArtemisDiscovery *self = user_data;

	if (change->type == ARTEMIS_CHANGE_RELOAD)
		artemis_discovery_invalidate (self, artemis_change_get_service_id (change));
	else
		drop_cached (self, artemis_change_get_service_id (change));
}

ArtemisDiscovery *
artemis_discovery_new (ArtemisRegistry *registry)
{
	ArtemisDiscovery *self = g_object_new (ARTEMIS_TYPE_DISCOVERY, NULL);

	self->registry = g_object_ref (registry);
	self->change_listener = artemis_change_log_add_listener (artemis_registry_get_change_log (registry),
								 on_change, self, NULL);
	return self;
}

ArtemisRegistry *
artemis_discovery_get_registry (ArtemisDiscovery *self)
{
	return self->registry;
}

void
artemis_discovery_add_filter (ArtemisDiscovery *self, ArtemisDiscoveryFilter *filter)
{
	g_return_if_fail (ARTEMIS_IS_DISCOVERY_FILTER (filter));
	g_ptr_array_add (self->filters, g_object_ref (filter));
	if (self->filter_context != NULL)
		artemis_discovery_filter_set_context (filter, self->filter_context);
	artemis_discovery_invalidate (self, NULL);
}

/* Pull-outs take effect at once, not after a refresh period (protocol §9.1). */
static void
on_management_changed (ArtemisManagement *management, gpointer user_data)
{
	artemis_discovery_invalidate (user_data, NULL);
}

void
artemis_discovery_set_management (ArtemisDiscovery *self, ArtemisManagement *management)
{
	g_return_if_fail (ARTEMIS_IS_MANAGEMENT (management));
	g_return_if_fail (self->management == NULL);
	self->management = g_object_ref (management);
	self->management_handler =
		g_signal_connect (management, "changed", G_CALLBACK (on_management_changed), self);
	self->filter_context = artemis_management_filter_context_new (management);
	for (guint i = 0; i < self->filters->len; i++)
		artemis_discovery_filter_set_context (g_ptr_array_index (self->filters, i), self->filter_context);
	artemis_discovery_invalidate (self, NULL);
}

ArtemisManagement *
artemis_discovery_get_management (ArtemisDiscovery *self)
{
	return self->management;
}

GPtrArray *
artemis_discovery_get_filters (ArtemisDiscovery *self)
{
	return self->filters;
}

void
artemis_discovery_run_filters (ArtemisDiscovery *self, ArtemisService *service, const ArtemisDiscoveryConfig *config,
			       gboolean management_view)
{
	for (guint i = 0; i < self->filters->len; i++) {
		ArtemisDiscoveryFilter *filter = g_ptr_array_index (self->filters, i);
		g_autoptr (GError) error = NULL;

		if (management_view && artemis_discovery_filter_get_applies_pull_outs (filter))
			continue;
		/* A failing filter must not take discovery down (protocol §7.1). */
		if (!artemis_discovery_filter_filter (filter, service, config, &error))
			g_warning ("Discovery filter %s failed on %s: %s",
				   artemis_plugin_get_name (ARTEMIS_PLUGIN (filter)), service->service_id,
				   error != NULL ? error->message : "no reason given");
	}
}

ArtemisService *
artemis_discovery_get_service (ArtemisDiscovery *self, const ArtemisDiscoveryConfig *config,
			       gboolean include_unknown)
{
	const char *stored_id = config->service_id;
	g_autoptr (GPtrArray) instances = NULL;
	ArtemisService *service;

	instances = artemis_registry_get_instances (self->registry, config->service_id, &stored_id);
	if (instances == NULL && !include_unknown)
		return NULL;
	if (instances == NULL)
		instances = artemis_instance_array_new (0);
	service = artemis_service_new_with_instances (stored_id, instances);
	artemis_discovery_run_filters (self, service, config, FALSE);
	return service;
}

static gboolean
is_cacheable (ArtemisDiscovery *self)
{
	for (guint i = 0; i < self->filters->len; i++) {
		if (artemis_discovery_filter_depends_on_caller (g_ptr_array_index (self->filters, i)))
			return FALSE;
	}
	return TRUE;
}

static GBytes *
encode_service (const ArtemisService *service)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (256 + 384 * (service->instances != NULL ? service->instances->len : 0));

	artemis_codec_write_service (writer, service);
	return artemis_json_writer_free_to_bytes (writer);
}

/* The cached answer of @config's service (filtered and encoded on a miss); NULL when unknown. */
static CachedService *
lookup_cached (ArtemisDiscovery *self, const ArtemisDiscoveryConfig *config, gboolean *transient)
{
	g_autofree char *key = NULL;
	g_autoptr (ArtemisService) service = NULL;
	CachedService *cached;

	*transient = FALSE;
	if (config->service_id == NULL)
		return NULL;
	key = artemis_id_to_key (config->service_id);
	cached = g_hash_table_lookup (self->cache, key);
	if (cached != NULL)
		return cached;

	service = artemis_discovery_get_service (self, config, FALSE);
	if (service == NULL)
		return NULL;
	cached = g_new0 (CachedService, 1);
	cached->json = encode_service (service);
	if (is_cacheable (self))
		g_hash_table_insert (self->cache, g_steal_pointer (&key), cached);
	else
		*transient = TRUE;
	return cached;
}

GBytes *
artemis_discovery_get_service_json (ArtemisDiscovery *self, const ArtemisDiscoveryConfig *config)
{
	gboolean transient;
	CachedService *cached = lookup_cached (self, config, &transient);
	GBytes *json;

	if (cached == NULL)
		return NULL;
	json = g_bytes_ref (cached->json);
	if (transient)
		cached_service_free (cached);
	return json;
}

static ArtemisBody *
encode_lookup_body (GBytes *service_json)
{
	g_autoptr (GBytes) json = NULL;
	ArtemisJsonWriter *writer = artemis_json_writer_new (g_bytes_get_size (service_json) + 128);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "services");
	artemis_json_writer_begin_array (writer);
	artemis_json_writer_raw (writer, g_bytes_get_data (service_json, NULL), g_bytes_get_size (service_json));
	artemis_json_writer_end_array (writer);
	artemis_json_writer_end_object (writer);
	json = artemis_json_writer_free_to_bytes (writer);
	return artemis_body_new (json);
}

ArtemisBody *
artemis_discovery_get_lookup_body (ArtemisDiscovery *self, const ArtemisDiscoveryConfig *config)
{
	gboolean transient;
	CachedService *cached = lookup_cached (self, config, &transient);
	ArtemisBody *body;

	if (cached == NULL)
		return NULL;
	if (cached->lookup_body == NULL)
		cached->lookup_body = encode_lookup_body (cached->json);
	body = artemis_body_ref (cached->lookup_body);
	if (transient)
		cached_service_free (cached);
	return body;
}

void
artemis_discovery_invalidate (ArtemisDiscovery *self, const char *service_id)
{
	self->generation++;
	if (service_id == NULL)
		g_hash_table_remove_all (self->cache);
	else
		drop_cached (self, service_id);
}

guint64
artemis_discovery_get_generation (ArtemisDiscovery *self)
{
	return self->generation;
}

gboolean
artemis_discovery_check_ready (ArtemisDiscovery *self, GError **error)
{
	ArtemisNode *node = artemis_registry_get_node (self->registry);
	g_autofree char *status = NULL;

	if (artemis_node_can_serve_discovery (node))
		return TRUE;
	status = artemis_node_describe_status (node);
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
		     "Serivce discovery is not in up state. Current status: %s", status);
	return FALSE;
}

gboolean
artemis_discovery_check_caller (ArtemisDiscovery *self, const char *region_id, const char *zone_id,
				GError **error)
{
	ArtemisNode *node = artemis_registry_get_node (self->registry);

	if (!artemis_discovery_check_ready (self, error))
		return FALSE;
	if (!artemis_node_is_own_region (node, region_id)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_NO_PERMISSION,
			     "regionId is not the same as the registry node. regionId: %s, registry node.regionId: %s",
			     region_id != NULL ? region_id : "null", artemis_node_get_region_id (node));
		return FALSE;
	}
	if (!artemis_node_get_allow_discovery_from_other_zone (node) && !artemis_node_is_own_zone (node, zone_id)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_NO_PERMISSION,
			     "zoneId is not the same as the registry node. zoneId: %s, registry node.zoneId: %s",
			     zone_id != NULL ? zone_id : "null", artemis_node_get_zone_id (node));
		return FALSE;
	}
	return TRUE;
}
