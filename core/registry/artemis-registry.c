/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "artemis-error.h"
#include "artemis-registry.h"

typedef struct _ServiceEntry ServiceEntry;
typedef struct _Lease Lease;

struct _Lease {
	ArtemisInstance *instance;
	ServiceEntry *service;
	Lease *prev; /* pool list, ordered by renewal time */
	Lease *next;
	gint64 creation_ms;
	gint64 renewal_ms;
	gint64 counted_ms; /* its last renewal the safe checker counts, or ARTEMIS_SAFE_CHECKER_NEVER */
	ArtemisLeasePool pool;
	gboolean expired; /* sticky: once seen expired, never renewed */
};

struct _ServiceEntry {
	char *service_id; /* as first registered */
	char *key;        /* lower-case */
	GHashTable *leases; /* instance key (owned by the lease's instance) → Lease */
	guint64 version;    /* changes with every membership or payload change */
};

/*
 * Leases of one pool in renewal order: renewing moves a lease to the tail, so
 * the expired ones gather at the head and a sweep only touches those.
 */
typedef struct {
	Lease *head;
	Lease *tail;
	guint length;
	ArtemisLeaseConfig config;
	ArtemisSafeChecker *checker;
	guint clean_source;
	guint check_source;
} Pool;

struct _ArtemisRegistry {
	GObject parent_instance;

	ArtemisNode *node;
	ArtemisChangeLog *log;
	ArtemisClockFunc clock;
	gpointer clock_data;
	GHashTable *services; /* lower-case service id → ServiceEntry */
	guint64 last_version; /* source of ServiceEntry.version, unique across services */
	guint64 n_expired;    /* leases the sweeps removed, since start */
	Pool pools[ARTEMIS_N_LEASE_POOLS];
	guint n_instances;
	/* Where what clients did goes to reach the other nodes, or NULL (protocol §11.1). */
	ArtemisReplicator *replicator;
	/* [registry]: what one request may carry. */
	guint max_instances_per_request;
	gsize max_instance_size;
	gsize max_answer_size; /* of a registry answer, failures echoed */
};

G_DEFINE_TYPE (ArtemisRegistry, artemis_registry, G_TYPE_OBJECT)

void
artemis_failed_instance_free (ArtemisFailedInstance *failed)
{
	if (failed == NULL)
		return;
	artemis_instance_unref (failed->instance);
	g_free (failed->message);
	g_free (failed);
}

static void
service_entry_free (ServiceEntry *entry)
{
	g_hash_table_unref (entry->leases);
	g_free (entry->service_id);
	g_free (entry->key);
	g_free (entry);
}

static void
lease_free (Lease *lease)
{
	artemis_instance_unref (lease->instance);
	g_free (lease);
}

static void
pool_link_tail (Pool *pool, Lease *lease)
{
	lease->prev = pool->tail;
	lease->next = NULL;
	if (pool->tail != NULL)
		pool->tail->next = lease;
	else
		pool->head = lease;
	pool->tail = lease;
	pool->length++;
}

static void
pool_unlink (Pool *pool, Lease *lease)
{
	if (lease->prev != NULL)
		lease->prev->next = lease->next;
	else
		pool->head = lease->next;
	if (lease->next != NULL)
		lease->next->prev = lease->prev;
	else
		pool->tail = lease->prev;
	lease->prev = lease->next = NULL;
	pool->length--;
}

static void
artemis_registry_dispose (GObject *object)
{
	ArtemisRegistry *self = ARTEMIS_REGISTRY (object);

	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++) {
		g_clear_handle_id (&self->pools[i].clean_source, g_source_remove);
		g_clear_handle_id (&self->pools[i].check_source, g_source_remove);
	}
	g_clear_object (&self->replicator);
	G_OBJECT_CLASS (artemis_registry_parent_class)->dispose (object);
}

static void
artemis_registry_finalize (GObject *object)
{
	ArtemisRegistry *self = ARTEMIS_REGISTRY (object);

	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++) {
		Pool *pool = &self->pools[i];

		while (pool->head != NULL) {
			Lease *lease = pool->head;

			pool_unlink (pool, lease);
			lease_free (lease);
		}
		artemis_safe_checker_free (pool->checker);
	}
	g_hash_table_unref (self->services);
	g_clear_object (&self->log);
	g_clear_object (&self->node);
	G_OBJECT_CLASS (artemis_registry_parent_class)->finalize (object);
}

static void
artemis_registry_class_init (ArtemisRegistryClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_registry_dispose;
	object_class->finalize = artemis_registry_finalize;
}

static void
artemis_registry_init (ArtemisRegistry *self)
{
	self->services = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) service_entry_free);
	self->clock = artemis_clock_real_ms;
}

ArtemisRegistry *
artemis_registry_new (const ArtemisConfig *config, ArtemisNode *node, ArtemisChangeLog *log)
{
	ArtemisRegistry *self = g_object_new (ARTEMIS_TYPE_REGISTRY, NULL);

	self->node = g_object_ref (node);
	self->log = g_object_ref (log);
	self->pools[ARTEMIS_LEASE_POOL_NORMAL].config = config->lease;
	self->pools[ARTEMIS_LEASE_POOL_LEGACY].config = config->legacy_lease;
	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++)
		self->pools[i].checker = artemis_safe_checker_new (&self->pools[i].config);
	self->max_instances_per_request = config->max_instances_per_request;
	self->max_instance_size = config->max_instance_size;
	self->max_answer_size = config->max_answer_size;
	return self;
}

void
artemis_registry_set_clock (ArtemisRegistry *self, ArtemisClockFunc clock, gpointer user_data)
{
	self->clock = clock != NULL ? clock : artemis_clock_real_ms;
	self->clock_data = user_data;
}

gint64
artemis_registry_now (ArtemisRegistry *self)
{
	return self->clock (self->clock_data);
}

ArtemisChangeLog *
artemis_registry_get_change_log (ArtemisRegistry *self)
{
	return self->log;
}

ArtemisNode *
artemis_registry_get_node (ArtemisRegistry *self)
{
	return self->node;
}

static ServiceEntry *
lookup_service (ArtemisRegistry *self, const char *service_id)
{
	g_autofree char *key = NULL;

	if (service_id == NULL)
		return NULL;
	key = artemis_id_to_key (service_id);
	return g_hash_table_lookup (self->services, key);
}

static ServiceEntry *
ensure_service (ArtemisRegistry *self, const char *service_id)
{
	ServiceEntry *entry = lookup_service (self, service_id);

	if (entry != NULL)
		return entry;
	entry = g_new0 (ServiceEntry, 1);
	entry->service_id = g_strdup (service_id);
	entry->key = artemis_id_to_key (service_id);
	entry->leases = g_hash_table_new (g_str_hash, g_str_equal);
	g_hash_table_insert (self->services, entry->key, entry);
	return entry;
}

static Lease *
lookup_lease (ArtemisRegistry *self, ArtemisInstance *instance)
{
	ServiceEntry *entry = lookup_service (self, artemis_instance_get (instance, ARTEMIS_INSTANCE_SERVICE_ID));

	if (entry == NULL || artemis_instance_get_key (instance) == NULL)
		return NULL;
	return g_hash_table_lookup (entry->leases, artemis_instance_get_key (instance));
}

static ArtemisLeasePool
pool_of (ArtemisInstance *instance)
{
	return artemis_instance_is_legacy (instance) ? ARTEMIS_LEASE_POOL_LEGACY : ARTEMIS_LEASE_POOL_NORMAL;
}

/* Unlinks and frees @lease, dropping its service when it was the last one. */
static void
remove_lease (ArtemisRegistry *self, Lease *lease, gboolean record_change)
{
	ServiceEntry *entry = lease->service;

	pool_unlink (&self->pools[lease->pool], lease);
	g_hash_table_remove (entry->leases, artemis_instance_get_key (lease->instance));
	entry->version = ++self->last_version;
	self->n_instances--;
	if (record_change) {
		g_autoptr (ArtemisChange) change = artemis_change_log_append (
			self->log, ARTEMIS_CHANGE_DELETE, artemis_registry_now (self), lease->instance);
	}
	if (g_hash_table_size (entry->leases) == 0)
		g_hash_table_remove (self->services, entry->key);
	lease_free (lease);
}

void
artemis_registry_register (ArtemisRegistry *self, ArtemisInstance *instance)
{
	gint64 now = artemis_registry_now (self);
	ServiceEntry *entry = ensure_service (self, artemis_instance_get (instance, ARTEMIS_INSTANCE_SERVICE_ID));
	Lease *old = g_hash_table_lookup (entry->leases, artemis_instance_get_key (instance));
	Lease *lease = g_new0 (Lease, 1);
	g_autoptr (ArtemisChange) change = NULL;

	lease->instance = artemis_instance_ref (instance);
	lease->service = entry;
	lease->creation_ms = now;
	lease->renewal_ms = now;
	lease->counted_ms = ARTEMIS_SAFE_CHECKER_NEVER;
	lease->pool = pool_of (instance);

	/* Replace the key too: the old key string dies with the old lease. */
	g_hash_table_replace (entry->leases, (gpointer) artemis_instance_get_key (instance), lease);
	if (old != NULL) {
		pool_unlink (&self->pools[old->pool], old);
		lease_free (old);
	} else {
		self->n_instances++;
	}
	pool_link_tail (&self->pools[lease->pool], lease);
	entry->version = ++self->last_version;
	change = artemis_change_log_append (self->log, ARTEMIS_CHANGE_NEW, now, instance);
}

gboolean
artemis_registry_renew (ArtemisRegistry *self, ArtemisInstance *instance)
{
	Lease *lease = lookup_lease (self, instance);
	Pool *pool;
	gint64 now;

	/* The pool is chosen by the request's own metadata, as in Java. */
	if (lease == NULL || lease->pool != pool_of (instance) || lease->expired)
		return FALSE;
	pool = &self->pools[lease->pool];
	now = artemis_registry_now (self);
	if (now > lease->renewal_ms + pool->config.ttl_ms) {
		lease->expired = TRUE;
		return FALSE;
	}
	lease->renewal_ms = now;
	if (pool->tail != lease) {
		pool_unlink (pool, lease);
		pool_link_tail (pool, lease);
	}
	artemis_safe_checker_count_renewal (pool->checker, lease->counted_ms, now);
	lease->counted_ms = now;
	return TRUE;
}

/*
 * Java marks the lease evicted and removes it on the next sweep; removing it
 * at once is observably the same, only sooner (docs/compatibility.md).
 */
void
artemis_registry_unregister (ArtemisRegistry *self, ArtemisInstance *instance)
{
	Lease *lease = lookup_lease (self, instance);

	if (lease != NULL && lease->pool == pool_of (instance))
		remove_lease (self, lease, TRUE);
}

static guint
clean_pool (ArtemisRegistry *self, Pool *pool, gint64 now)
{
	guint removed = 0;

	if (!artemis_safe_checker_is_safe (pool->checker))
		return 0;
	while (pool->head != NULL && (pool->head->expired || now > pool->head->renewal_ms + pool->config.ttl_ms)) {
		remove_lease (self, pool->head, TRUE);
		removed++;
	}
	self->n_expired += removed;
	return removed;
}

guint
artemis_registry_clean (ArtemisRegistry *self)
{
	gint64 now = artemis_registry_now (self);
	guint removed = 0;

	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++)
		removed += clean_pool (self, &self->pools[i], now);
	return removed;
}

void
artemis_registry_check_safety (ArtemisRegistry *self)
{
	gint64 now = artemis_registry_now (self);

	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++)
		artemis_safe_checker_check (self->pools[i].checker, now);
}

typedef struct {
	ArtemisRegistry *registry;
	Pool *pool;
} PoolTimer;

static gboolean
on_clean_timeout (gpointer user_data)
{
	PoolTimer *timer = user_data;
	guint removed = clean_pool (timer->registry, timer->pool, artemis_registry_now (timer->registry));

	if (removed > 0)
		g_debug ("Expired %u lease(s)", removed);
	return G_SOURCE_CONTINUE;
}

/*
 * A journal record with its own priority: warning when expiry stops, notice
 * when it resumes. Logged as a message, so that G_DEBUG=fatal-warnings
 * (the test suite) does not take self-preservation for a bug.
 */
static void
log_safety_change (const char *pool, gboolean was_safe)
{
	g_autofree char *message = g_strdup_printf ("Lease pool %s is now %s", pool,
						    was_safe ? "unsafe: expiry suspended (renewal rate collapsed)"
							     : "safe: expiry resumed");
	const GLogField fields[] = {
		{ "MESSAGE", message, -1 },
		{ "PRIORITY", was_safe ? "4" : "5", -1 },
		{ "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
		{ "ARTEMIS_OPERATION", "safe-check", -1 },
		{ "ARTEMIS_TARGET", pool, -1 },
		{ "ARTEMIS_RESULT", was_safe ? "unsafe" : "safe", -1 },
	};

	g_log_structured_array (G_LOG_LEVEL_MESSAGE, fields, G_N_ELEMENTS (fields));
}

static gboolean
on_check_timeout (gpointer user_data)
{
	PoolTimer *timer = user_data;
	gboolean was_safe = artemis_safe_checker_is_safe (timer->pool->checker);

	artemis_safe_checker_check (timer->pool->checker, artemis_registry_now (timer->registry));
	if (was_safe != artemis_safe_checker_is_safe (timer->pool->checker))
		log_safety_change (timer->pool == &timer->registry->pools[0] ? "normal" : "legacy", was_safe);
	return G_SOURCE_CONTINUE;
}

static guint
add_pool_timer (ArtemisRegistry *self, Pool *pool, gint64 interval_ms, GSourceFunc func)
{
	PoolTimer *timer = g_new0 (PoolTimer, 1);

	timer->registry = self;
	timer->pool = pool;
	return g_timeout_add_full (G_PRIORITY_DEFAULT, interval_ms, func, timer, g_free);
}

void
artemis_registry_start (ArtemisRegistry *self)
{
	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++) {
		Pool *pool = &self->pools[i];

		g_return_if_fail (pool->clean_source == 0);
		pool->clean_source = add_pool_timer (self, pool, pool->config.clean_interval_ms, on_clean_timeout);
		pool->check_source =
			add_pool_timer (self, pool, pool->config.safe_check_interval_ms, on_check_timeout);
	}
}

static char *
failure_message (ArtemisInstance *instance, const char *reason)
{
	g_autofree char *path = artemis_instance_to_path (instance);

	return g_strdup_printf ("%s: %s", path, reason);
}

static void
add_failure (GPtrArray *failed, ArtemisInstance *instance, const char *error_code, const char *reason)
{
	ArtemisFailedInstance *failure = g_new0 (ArtemisFailedInstance, 1);

	failure->instance = artemis_instance_ref (instance);
	failure->error_code = error_code;
	failure->message = failure_message (instance, reason);
	g_ptr_array_add (failed, failure);
}

/* Java's argument checks, in its order; returns the reason or NULL. */
static char *
validate_instance (ArtemisInstance *instance)
{
	static const struct {
		ArtemisInstanceField field;
		const char *name;
	} required[] = {
		{ ARTEMIS_INSTANCE_SERVICE_ID, "serviceId" },
		{ ARTEMIS_INSTANCE_INSTANCE_ID, "instanceId" },
		{ ARTEMIS_INSTANCE_URL, "url" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (required); i++) {
		if (artemis_str_is_blank (artemis_instance_get (instance, required[i].field)))
			return g_strdup_printf ("Exception: argument instance.%s is null or whitespace",
						required[i].name);
	}
	return NULL;
}

static char *
check_location (ArtemisRegistry *self, ArtemisInstance *instance, ArtemisRegistrySource source)
{
	const char *region = artemis_instance_get (instance, ARTEMIS_INSTANCE_REGION_ID);
	const char *zone = artemis_instance_get (instance, ARTEMIS_INSTANCE_ZONE_ID);

	if (!artemis_node_is_own_region (self->node, region))
		return g_strdup_printf ("regionId is not the same as the registry node. regionId: %s, "
					"registry node.regionId: %s",
					region != NULL ? region : "null", artemis_node_get_region_id (self->node));
	if (source == ARTEMIS_REGISTRY_FROM_CLIENT && !artemis_node_get_allow_registry_from_other_zone (self->node) &&
	    !artemis_node_is_own_zone (self->node, zone))
		return g_strdup_printf ("zoneId is not the same as the registry node. zoneId: %s, "
					"registry node.zoneId: %s",
					zone != NULL ? zone : "null", artemis_node_get_zone_id (self->node));
	return NULL;
}

/* Whether @instance succeeded; otherwise it is added to @failed. */
static gboolean
handle_one (ArtemisRegistry *self, ArtemisRegistryAction action, ArtemisRegistrySource source,
	    ArtemisInstance *instance, GPtrArray *failed)
{
	g_autofree char *location_error = check_location (self, instance, source);
	g_autofree char *invalid = NULL;

	if (location_error != NULL) {
		add_failure (failed, instance, "no-permission", location_error);
		return FALSE;
	}
	invalid = validate_instance (instance);
	if (invalid != NULL) {
		add_failure (failed, instance, "internal-service-error", invalid);
		return FALSE;
	}
	switch (action) {
	case ARTEMIS_REGISTRY_REGISTER:
		artemis_registry_register (self, instance);
		return TRUE;
	case ARTEMIS_REGISTRY_HEARTBEAT:
		if (artemis_registry_renew (self, instance))
			return TRUE;
		/* A peer's heartbeat for an unknown instance registers it (protocol §3.3). */
		if (source == ARTEMIS_REGISTRY_FROM_PEER) {
			artemis_registry_register (self, instance);
			return TRUE;
		}
		add_failure (failed, instance, "data-not-found", "Instance is not exising! Need re-register.");
		return FALSE;
	case ARTEMIS_REGISTRY_UNREGISTER:
		artemis_registry_unregister (self, instance);
		return TRUE;
	default:
		g_assert_not_reached ();
	}
}

static ArtemisReplicationAction
replication_action (ArtemisRegistryAction action)
{
	switch (action) {
	case ARTEMIS_REGISTRY_REGISTER:
		return ARTEMIS_REPLICATION_REGISTER;
	case ARTEMIS_REGISTRY_HEARTBEAT:
		return ARTEMIS_REPLICATION_HEARTBEAT;
	case ARTEMIS_REGISTRY_UNREGISTER:
		return ARTEMIS_REPLICATION_UNREGISTER;
	default:
		g_assert_not_reached ();
	}
}

void
artemis_registry_set_replicator (ArtemisRegistry *self, ArtemisReplicator *replicator)
{
	g_return_if_fail (ARTEMIS_IS_REGISTRY (self));
	g_set_object (&self->replicator, replicator);
}

guint
artemis_registry_get_max_instances_per_request (ArtemisRegistry *self)
{
	g_return_val_if_fail (ARTEMIS_IS_REGISTRY (self), 0);
	return self->max_instances_per_request;
}

gsize
artemis_registry_get_max_answer_size (ArtemisRegistry *self)
{
	g_return_val_if_fail (ARTEMIS_IS_REGISTRY (self), 0);
	return self->max_answer_size;
}

/* Each request is bounded: it is handled at once, on the main loop, and its failures are echoed back. */
static gboolean
check_size (ArtemisRegistry *self, GPtrArray *instances, GError **error)
{
	if (instances->len > self->max_instances_per_request) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
			     /* TRANSLATORS: the [registry] max-instances-per-request limit */
			     _("request.instances holds more than %u instances ([registry] max-instances-per-request)."),
			     self->max_instances_per_request);
		return FALSE;
	}
	for (guint i = 0; i < instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (instances, i);

		if (instance != NULL && artemis_instance_get_size (instance) > self->max_instance_size) {
			g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, artemis_instance_get_size (instance));
			g_autofree char *max = g_strdup_printf ("%" G_GSIZE_FORMAT, self->max_instance_size);

			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     /* TRANSLATORS: the index, the size of the instance and the limit, in bytes */
				     _("request.instances[%u] takes %s bytes, more than %s ([registry] max-instance-size)."),
				     i, size, max);
			return FALSE;
		}
	}
	return TRUE;
}

GPtrArray *
artemis_registry_handle (ArtemisRegistry *self, ArtemisRegistryAction action, ArtemisRegistrySource source,
			 GPtrArray *instances, GError **error)
{
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GPtrArray) succeeded = NULL;

	g_return_val_if_fail (ARTEMIS_IS_REGISTRY (self), NULL);

	if (instances == NULL || instances->len == 0) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "request.instances is null or empty.");
		return NULL;
	}
	if (!check_size (self, instances, error))
		return NULL;
	if (source == ARTEMIS_REGISTRY_FROM_CLIENT && !artemis_node_can_serve_registry (self->node)) {
		g_autofree char *status = artemis_node_describe_status (self->node);

		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
			     "Serivce registry is not in up state. Current status: %s", status);
		return NULL;
	}
	failed = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_failed_instance_free);
	/* Only what a client did here, and only what succeeded, goes to the peers (protocol §11.1, §11.5). */
	if (source == ARTEMIS_REGISTRY_FROM_CLIENT && self->replicator != NULL)
		succeeded = g_ptr_array_new_full (instances->len, (GDestroyNotify) artemis_instance_unref);
	for (guint i = 0; i < instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (instances, i);

		if (instance != NULL && handle_one (self, action, source, instance, failed) && succeeded != NULL)
			g_ptr_array_add (succeeded, artemis_instance_ref (instance));
	}
	if (succeeded != NULL && succeeded->len > 0)
		artemis_replicator_replicate (self->replicator, replication_action (action), succeeded);
	return g_steal_pointer (&failed);
}

GPtrArray *
artemis_registry_get_instances (ArtemisRegistry *self, const char *service_id, const char **stored_service_id)
{
	ServiceEntry *entry = lookup_service (self, service_id);
	GPtrArray *instances;
	GHashTableIter iter;
	gpointer value;

	if (entry == NULL)
		return NULL;
	instances = g_ptr_array_new_full (g_hash_table_size (entry->leases), (GDestroyNotify) artemis_instance_unref);
	g_hash_table_iter_init (&iter, entry->leases);
	while (g_hash_table_iter_next (&iter, NULL, &value))
		g_ptr_array_add (instances, artemis_instance_ref (((Lease *) value)->instance));
	if (stored_service_id != NULL)
		*stored_service_id = entry->service_id;
	return instances;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
artemis_registry_list_services (ArtemisRegistry *self)
{
	GPtrArray *ids = g_ptr_array_new_full (g_hash_table_size (self->services), g_free);
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init (&iter, self->services);
	while (g_hash_table_iter_next (&iter, NULL, &value))
		g_ptr_array_add (ids, g_strdup (((ServiceEntry *) value)->service_id));
	g_ptr_array_sort (ids, compare_strings);
	return ids;
}

static gint
compare_instance_keys (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (artemis_instance_get_key (*(ArtemisInstance *const *) a),
			  artemis_instance_get_key (*(ArtemisInstance *const *) b));
}

GPtrArray *
artemis_registry_dup_contents (ArtemisRegistry *self)
{
	g_autoptr (GPtrArray) ids = artemis_registry_list_services (self);
	GPtrArray *services = g_ptr_array_new_full (ids->len, (GDestroyNotify) artemis_service_free);

	for (guint i = 0; i < ids->len; i++) {
		const char *stored_id = NULL;
		g_autoptr (GPtrArray) instances =
			artemis_registry_get_instances (self, g_ptr_array_index (ids, i), &stored_id);
		ArtemisService *service;

		if (instances == NULL || instances->len == 0)
			continue;
		/* A stable answer, whatever the hash order. */
		g_ptr_array_sort (instances, compare_instance_keys);
		service = artemis_service_new (stored_id);
		service->instances = g_steal_pointer (&instances);
		g_ptr_array_add (services, service);
	}
	return services;
}

guint64
artemis_registry_get_service_version (ArtemisRegistry *self, const char *service_id)
{
	ServiceEntry *entry = lookup_service (self, service_id);

	return entry != NULL ? entry->version : 0;
}

guint64
artemis_registry_get_version (ArtemisRegistry *self)
{
	g_return_val_if_fail (ARTEMIS_IS_REGISTRY (self), 0);
	return self->last_version;
}

guint
artemis_registry_get_n_services (ArtemisRegistry *self)
{
	return g_hash_table_size (self->services);
}

guint64
artemis_registry_get_n_expired (ArtemisRegistry *self)
{
	return self->n_expired;
}

guint
artemis_registry_get_n_instances (ArtemisRegistry *self)
{
	return self->n_instances;
}

void
artemis_registry_foreach_lease (ArtemisRegistry *self, ArtemisLeasePool pool, ArtemisLeaseFunc func,
				gpointer user_data)
{
	g_autoptr (GPtrArray) ids = artemis_registry_list_services (self);

	g_return_if_fail (pool < ARTEMIS_N_LEASE_POOLS);
	for (guint i = 0; i < ids->len; i++) {
		ServiceEntry *entry = lookup_service (self, g_ptr_array_index (ids, i));
		GHashTableIter iter;
		gpointer value;

		g_hash_table_iter_init (&iter, entry->leases);
		while (g_hash_table_iter_next (&iter, NULL, &value)) {
			Lease *lease = value;
			ArtemisLeaseInfo info = { lease->instance, lease->creation_ms, lease->renewal_ms, 0,
						  self->pools[lease->pool].config.ttl_ms };

			if (lease->pool == pool)
				func (entry->service_id, &info, user_data);
		}
	}
}

const ArtemisSafeChecker *
artemis_registry_get_safe_checker (ArtemisRegistry *self, ArtemisLeasePool pool)
{
	g_return_val_if_fail (pool < ARTEMIS_N_LEASE_POOLS, NULL);
	return self->pools[pool].checker;
}
