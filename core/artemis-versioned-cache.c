/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-versioned-cache.h"

typedef struct {
	gint64 version;
	GPtrArray *services; /* ArtemisService */
	GPtrArray *delta;    /* ArtemisServiceDelta to the newest, NULL for the newest */
} Snapshot;

struct _ArtemisVersionedCache {
	GObject parent_instance;

	ArtemisDiscovery *discovery;
	guint max_snapshots;
	gint64 init_delay_ms;
	gint64 interval_ms;
	GQueue snapshots; /* Snapshot, newest at the head */
	guint refresh_source;
};

G_DEFINE_TYPE (ArtemisVersionedCache, artemis_versioned_cache, G_TYPE_OBJECT)

void
artemis_service_delta_free (ArtemisServiceDelta *delta)
{
	if (delta == NULL)
		return;
	g_free (delta->service_id);
	g_ptr_array_unref (delta->changes);
	g_free (delta);
}

static void
snapshot_free (Snapshot *snapshot)
{
	g_ptr_array_unref (snapshot->services);
	g_clear_pointer (&snapshot->delta, g_ptr_array_unref);
	g_free (snapshot);
}

static void
artemis_versioned_cache_dispose (GObject *object)
{
	ArtemisVersionedCache *self = ARTEMIS_VERSIONED_CACHE (object);

	g_clear_handle_id (&self->refresh_source, g_source_remove);
	g_clear_object (&self->discovery);
	G_OBJECT_CLASS (artemis_versioned_cache_parent_class)->dispose (object);
}

static void
artemis_versioned_cache_finalize (GObject *object)
{
	ArtemisVersionedCache *self = ARTEMIS_VERSIONED_CACHE (object);

	g_queue_clear_full (&self->snapshots, (GDestroyNotify) snapshot_free);
	G_OBJECT_CLASS (artemis_versioned_cache_parent_class)->finalize (object);
}

static void
artemis_versioned_cache_class_init (ArtemisVersionedCacheClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_versioned_cache_dispose;
	object_class->finalize = artemis_versioned_cache_finalize;
}

static void
artemis_versioned_cache_init (ArtemisVersionedCache *self)
{
	g_queue_init (&self->snapshots);
}

ArtemisVersionedCache *
artemis_versioned_cache_new (ArtemisDiscovery *discovery, const ArtemisConfig *config)
{
	ArtemisVersionedCache *self = g_object_new (ARTEMIS_TYPE_VERSIONED_CACHE, NULL);

	self->discovery = g_object_ref (discovery);
	/* The newest snapshot is always kept, even with cache-count 0. */
	self->max_snapshots = MAX (config->cache_count, 1);
	self->init_delay_ms = config->cache_refresh_init_delay_ms;
	self->interval_ms = config->cache_refresh_interval_ms;
	return self;
}

static GPtrArray *
compute_services (ArtemisVersionedCache *self)
{
	ArtemisRegistry *registry = artemis_discovery_get_registry (self->discovery);
	g_autoptr (GPtrArray) ids = artemis_registry_list_services (registry);
	GPtrArray *services = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_service_free);

	for (guint i = 0; i < ids->len; i++) {
		g_autoptr (ArtemisDiscoveryConfig) config = artemis_discovery_config_new (g_ptr_array_index (ids, i));
		ArtemisService *service = artemis_discovery_get_service (self->discovery, config, FALSE);

		if (service != NULL && service->instances != NULL && service->instances->len > 0)
			g_ptr_array_add (services, service);
		else
			artemis_service_free (service);
	}
	return services;
}

/* lower-case service id → (instance key → instance) */
static GHashTable *
index_services (GPtrArray *services)
{
	GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						    (GDestroyNotify) g_hash_table_unref);

	for (guint i = 0; i < services->len; i++) {
		ArtemisService *service = g_ptr_array_index (services, i);
		GHashTable *instances = g_hash_table_new (g_str_hash, g_str_equal);

		for (guint j = 0; j < service->instances->len; j++) {
			ArtemisInstance *instance = g_ptr_array_index (service->instances, j);

			g_hash_table_insert (instances, (gpointer) artemis_instance_get_key (instance), instance);
		}
		g_hash_table_insert (index, artemis_id_to_key (service->service_id), instances);
	}
	return index;
}

/* Appends a @type change for each instance of @from missing from @to. */
static void
add_missing (GPtrArray *changes, GHashTable *from, GHashTable *to, ArtemisChangeType type, gint64 now)
{
	GHashTableIter iter;
	gpointer key, value;

	if (from == NULL)
		return;
	g_hash_table_iter_init (&iter, from);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		if (to == NULL || !g_hash_table_contains (to, key))
			g_ptr_array_add (changes, artemis_change_new (type, now, value));
	}
}

static void
add_service_delta (GPtrArray *delta, const char *service_id, GHashTable *old_instances,
		   GHashTable *new_instances, gint64 now)
{
	ArtemisServiceDelta *service_delta;
	GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_change_unref);

	add_missing (changes, old_instances, new_instances, ARTEMIS_CHANGE_DELETE, now);
	add_missing (changes, new_instances, old_instances, ARTEMIS_CHANGE_NEW, now);
	if (changes->len == 0) {
		g_ptr_array_unref (changes);
		return;
	}
	service_delta = g_new0 (ArtemisServiceDelta, 1);
	service_delta->service_id = g_strdup (service_id);
	service_delta->changes = changes;
	g_ptr_array_add (delta, service_delta);
}

/* Instances compared by key only: payload changes are not reported (spec §6). */
static GPtrArray *
diff_snapshots (GPtrArray *old_services, GPtrArray *new_services, gint64 now)
{
	g_autoptr (GHashTable) old_index = index_services (old_services);
	g_autoptr (GHashTable) new_index = index_services (new_services);
	GPtrArray *delta = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_service_delta_free);

	for (guint i = 0; i < new_services->len; i++) {
		ArtemisService *service = g_ptr_array_index (new_services, i);
		g_autofree char *key = artemis_id_to_key (service->service_id);

		add_service_delta (delta, service->service_id, g_hash_table_lookup (old_index, key),
				   g_hash_table_lookup (new_index, key), now);
	}
	for (guint i = 0; i < old_services->len; i++) {
		ArtemisService *service = g_ptr_array_index (old_services, i);
		g_autofree char *key = artemis_id_to_key (service->service_id);

		if (!g_hash_table_contains (new_index, key))
			add_service_delta (delta, service->service_id, g_hash_table_lookup (old_index, key), NULL,
					   now);
	}
	return delta;
}

void
artemis_versioned_cache_refresh (ArtemisVersionedCache *self)
{
	ArtemisRegistry *registry = artemis_discovery_get_registry (self->discovery);
	gint64 now = artemis_registry_now (registry);
	Snapshot *newest = g_queue_peek_head (&self->snapshots);
	Snapshot *snapshot = g_new0 (Snapshot, 1);

	/* Versions must be unique even when two refreshes share a millisecond. */
	snapshot->version = newest != NULL ? MAX (now, newest->version + 1) : now;
	snapshot->services = compute_services (self);
	g_queue_push_head (&self->snapshots, snapshot);
	while (self->snapshots.length > self->max_snapshots)
		snapshot_free (g_queue_pop_tail (&self->snapshots));

	for (GList *l = self->snapshots.head->next; l != NULL; l = l->next) {
		Snapshot *older = l->data;

		g_clear_pointer (&older->delta, g_ptr_array_unref);
		older->delta = diff_snapshots (older->services, snapshot->services, now);
	}
}

static gboolean
on_refresh_timeout (gpointer user_data)
{
	ArtemisVersionedCache *self = user_data;

	artemis_versioned_cache_refresh (self);
	/* Fixed delay after the end of a run, as Java schedules it. */
	self->refresh_source = g_timeout_add (self->interval_ms, on_refresh_timeout, self);
	return G_SOURCE_REMOVE;
}

void
artemis_versioned_cache_start (ArtemisVersionedCache *self)
{
	g_return_if_fail (self->refresh_source == 0);
	self->refresh_source = g_timeout_add (self->init_delay_ms, on_refresh_timeout, self);
}

GPtrArray *
artemis_versioned_cache_get_services (ArtemisVersionedCache *self, gint64 *version)
{
	Snapshot *newest = g_queue_peek_head (&self->snapshots);

	if (newest == NULL) {
		*version = 0;
		return compute_services (self);
	}
	*version = newest->version;
	return g_ptr_array_ref (newest->services);
}

GPtrArray *
artemis_versioned_cache_get_delta (ArtemisVersionedCache *self, gint64 version, gint64 *new_version)
{
	Snapshot *newest = g_queue_peek_head (&self->snapshots);

	if (newest == NULL)
		return NULL;
	for (GList *l = self->snapshots.head->next; l != NULL; l = l->next) {
		Snapshot *older = l->data;

		if (older->version == version) {
			*new_version = newest->version;
			return g_ptr_array_ref (older->delta);
		}
	}
	return NULL;
}
