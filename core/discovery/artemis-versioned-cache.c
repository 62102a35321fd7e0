/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-codec.h"
#include "artemis-versioned-cache.h"

/*
 * One service of a snapshot, shared by every snapshot in which it did not
 * change: a refresh only filters the services that changed since the last
 * one, and a diff skips the entries two snapshots share.
 */
typedef struct {
	gint ref_count;
	ArtemisService *service;
	guint64 registry_version;
	GHashTable *index; /* instance key → ArtemisInstance, built on first diff */
} Entry;

typedef struct {
	gint64 version;
	guint64 generation;   /* of the discovery filters when taken */
	GPtrArray *entries;   /* Entry, services with ≥1 instance, sorted by id */
	GHashTable *by_key;   /* lower-case service id → Entry */
	GPtrArray *delta;     /* ArtemisServiceDelta to the newest, NULL for the newest */
	ArtemisBody *body;    /* its services.json answer, made on first use */
} Snapshot;

struct _ArtemisVersionedCache {
	GObject parent_instance;

	ArtemisDiscovery *discovery;
	guint max_snapshots;
	gint64 init_delay_ms;
	gint64 interval_ms;
	GQueue snapshots; /* Snapshot, newest at the head */
	guint refresh_source;
	/* Before the first snapshot: the services.json answer of the state it was made of. */
	ArtemisBody *early_body;
	guint64 early_registry_version;
	guint64 early_generation;
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

static Entry *
entry_new (ArtemisService *service, guint64 registry_version)
{
	Entry *entry = g_new0 (Entry, 1);

	entry->ref_count = 1;
	entry->service = service;
	entry->registry_version = registry_version;
	return entry;
}

static Entry *
entry_ref (Entry *entry)
{
	entry->ref_count++;
	return entry;
}

static void
entry_unref (Entry *entry)
{
	if (--entry->ref_count > 0)
		return;
	artemis_service_free (entry->service);
	g_clear_pointer (&entry->index, g_hash_table_unref);
	g_free (entry);
}

static GHashTable *
entry_get_index (Entry *entry)
{
	GPtrArray *instances = entry->service->instances;

	if (entry->index != NULL)
		return entry->index;
	entry->index = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; i < instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (instances, i);

		g_hash_table_insert (entry->index, (gpointer) artemis_instance_get_key (instance), instance);
	}
	return entry->index;
}

static void
snapshot_free (Snapshot *snapshot)
{
	g_ptr_array_unref (snapshot->entries);
	g_hash_table_unref (snapshot->by_key);
	g_clear_pointer (&snapshot->delta, g_ptr_array_unref);
	g_clear_pointer (&snapshot->body, artemis_body_unref);
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
	g_clear_pointer (&self->early_body, artemis_body_unref);
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

/* The entry of @previous if the service did not change since, else a freshly filtered one. */
static Entry *
take_entry (ArtemisVersionedCache *self, Snapshot *previous, guint64 generation, const char *service_id)
{
	ArtemisRegistry *registry = artemis_discovery_get_registry (self->discovery);
	guint64 registry_version = artemis_registry_get_service_version (registry, service_id);
	g_autoptr (ArtemisDiscoveryConfig) config = NULL;
	g_autofree char *key = NULL;
	ArtemisService *service;
	Entry *old;

	if (previous != NULL && previous->generation == generation) {
		key = artemis_id_to_key (service_id);
		old = g_hash_table_lookup (previous->by_key, key);
		if (old != NULL && old->registry_version == registry_version)
			return entry_ref (old);
	}
	config = artemis_discovery_config_new (service_id);
	service = artemis_discovery_get_service (self->discovery, config, FALSE);
	if (service == NULL || service->instances == NULL || service->instances->len == 0) {
		artemis_service_free (service);
		return NULL;
	}
	return entry_new (service, registry_version);
}

static Snapshot *
take_snapshot (ArtemisVersionedCache *self, Snapshot *previous, gint64 version)
{
	ArtemisRegistry *registry = artemis_discovery_get_registry (self->discovery);
	g_autoptr (GPtrArray) ids = artemis_registry_list_services (registry);
	Snapshot *snapshot = g_new0 (Snapshot, 1);

	snapshot->version = version;
	snapshot->generation = artemis_discovery_get_generation (self->discovery);
	snapshot->entries = g_ptr_array_new_full (ids->len, (GDestroyNotify) entry_unref);
	snapshot->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < ids->len; i++) {
		const char *service_id = g_ptr_array_index (ids, i);
		Entry *entry = take_entry (self, previous, snapshot->generation, service_id);

		if (entry == NULL)
			continue;
		g_ptr_array_add (snapshot->entries, entry);
		g_hash_table_insert (snapshot->by_key, artemis_id_to_key (service_id), entry);
	}
	return snapshot;
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

/* Instances compared by key only: payload changes are not reported (protocol §6). */
static void
add_service_delta (GPtrArray *delta, const char *service_id, Entry *old_entry, Entry *new_entry, gint64 now)
{
	GHashTable *old_index = old_entry != NULL ? entry_get_index (old_entry) : NULL;
	GHashTable *new_index = new_entry != NULL ? entry_get_index (new_entry) : NULL;
	GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_change_unref);
	ArtemisServiceDelta *service_delta;

	add_missing (changes, old_index, new_index, ARTEMIS_CHANGE_DELETE, now);
	add_missing (changes, new_index, old_index, ARTEMIS_CHANGE_NEW, now);
	if (changes->len == 0) {
		g_ptr_array_unref (changes);
		return;
	}
	service_delta = g_new0 (ArtemisServiceDelta, 1);
	service_delta->service_id = g_strdup (service_id);
	service_delta->changes = changes;
	g_ptr_array_add (delta, service_delta);
}

static GPtrArray *
diff_snapshots (Snapshot *older, Snapshot *newer, gint64 now)
{
	GPtrArray *delta = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_service_delta_free);
	GHashTableIter iter;
	gpointer key, value;

	for (guint i = 0; i < newer->entries->len; i++) {
		Entry *entry = g_ptr_array_index (newer->entries, i);
		g_autofree char *entry_key = artemis_id_to_key (entry->service->service_id);
		Entry *old_entry = g_hash_table_lookup (older->by_key, entry_key);

		if (old_entry != entry)
			add_service_delta (delta, entry->service->service_id, old_entry, entry, now);
	}
	g_hash_table_iter_init (&iter, older->by_key);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		Entry *old_entry = value;

		if (!g_hash_table_contains (newer->by_key, key))
			add_service_delta (delta, old_entry->service->service_id, old_entry, NULL, now);
	}
	return delta;
}

void
artemis_versioned_cache_refresh (ArtemisVersionedCache *self)
{
	ArtemisRegistry *registry = artemis_discovery_get_registry (self->discovery);
	gint64 now = artemis_registry_now (registry);
	Snapshot *previous = g_queue_peek_head (&self->snapshots);
	Snapshot *snapshot;

	/* Versions must be unique even when two refreshes share a millisecond. */
	snapshot = take_snapshot (self, previous, previous != NULL ? MAX (now, previous->version + 1) : now);
	g_queue_push_head (&self->snapshots, snapshot);
	while (self->snapshots.length > self->max_snapshots)
		snapshot_free (g_queue_pop_tail (&self->snapshots));

	for (GList *l = self->snapshots.head->next; l != NULL; l = l->next) {
		Snapshot *older = l->data;

		g_clear_pointer (&older->delta, g_ptr_array_unref);
		older->delta = diff_snapshots (older, snapshot, now);
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

static GPtrArray *
services_of (Snapshot *snapshot)
{
	GPtrArray *services = g_ptr_array_new_full (snapshot->entries->len, NULL);

	for (guint i = 0; i < snapshot->entries->len; i++)
		g_ptr_array_add (services, ((Entry *) g_ptr_array_index (snapshot->entries, i))->service);
	return services;
}

GPtrArray *
artemis_versioned_cache_get_services (ArtemisVersionedCache *self, gint64 *version)
{
	Snapshot *newest = g_queue_peek_head (&self->snapshots);
	Snapshot *transient;
	GPtrArray *services;

	if (newest != NULL) {
		*version = newest->version;
		return services_of (newest);
	}
	/* Before the first refresh: computed on the spot, version 0 (protocol §6). */
	*version = 0;
	transient = take_snapshot (self, NULL, 0);
	services = g_ptr_array_new_full (transient->entries->len, (GDestroyNotify) artemis_service_free);
	for (guint i = 0; i < transient->entries->len; i++) {
		Entry *entry = g_ptr_array_index (transient->entries, i);

		g_ptr_array_add (services, g_steal_pointer (&entry->service));
	}
	snapshot_free (transient);
	return services;
}

/* `{"responseStatus":…success…,"services":[…],"version":…}` (protocol §3.2). */
static ArtemisBody *
encode_services_body (GPtrArray *services, gint64 version)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (16384);
	g_autoptr (GBytes) json = NULL;

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "services");
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < services->len; i++)
		artemis_codec_write_service (writer, g_ptr_array_index (services, i));
	artemis_json_writer_end_array (writer);
	artemis_json_writer_member_int (writer, "version", version);
	artemis_json_writer_end_object (writer);
	json = artemis_json_writer_free_to_bytes (writer);
	return artemis_body_new (json);
}

/* Until the state changes, every early services.json gets the same answer too. */
static ArtemisBody *
early_services_body (ArtemisVersionedCache *self)
{
	guint64 registry_version = artemis_registry_get_version (artemis_discovery_get_registry (self->discovery));
	guint64 generation = artemis_discovery_get_generation (self->discovery);
	g_autoptr (GPtrArray) services = NULL;
	gint64 version;

	if (self->early_body != NULL && self->early_registry_version == registry_version &&
	    self->early_generation == generation)
		return artemis_body_ref (self->early_body);
	services = artemis_versioned_cache_get_services (self, &version);
	g_clear_pointer (&self->early_body, artemis_body_unref);
	self->early_body = encode_services_body (services, version);
	self->early_registry_version = registry_version;
	self->early_generation = generation;
	return artemis_body_ref (self->early_body);
}

ArtemisBody *
artemis_versioned_cache_get_services_body (ArtemisVersionedCache *self)
{
	Snapshot *newest = g_queue_peek_head (&self->snapshots);
	g_autoptr (GPtrArray) services = NULL;

	g_return_val_if_fail (ARTEMIS_IS_VERSIONED_CACHE (self), NULL);
	if (newest == NULL)
		return early_services_body (self);
	if (newest->body == NULL) {
		services = services_of (newest);
		newest->body = encode_services_body (services, newest->version);
	}
	return artemis_body_ref (newest->body);
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
