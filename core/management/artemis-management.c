/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-error.h"
#include "artemis-management.h"

struct _ArtemisManagement {
	GObject parent_instance;

	ArtemisRegistry *registry;
	GHashTable *tables[ARTEMIS_N_OPERATION_TARGETS]; /* identity → ArtemisOperations */
	ArtemisGroups *groups;
	ArtemisWriteQueue *write_queue;
	guint max_batch_size; /* [management] max-batch-size */
};

G_DEFINE_TYPE (ArtemisManagement, artemis_management, G_TYPE_OBJECT)

enum {
	SIGNAL_CHANGED,
	N_SIGNALS,
};

static guint signals[N_SIGNALS];

static GHashTable *
table_new (void)
{
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) artemis_operations_free);
}

static void
artemis_management_dispose (GObject *object)
{
	ArtemisManagement *self = ARTEMIS_MANAGEMENT (object);

	g_clear_object (&self->write_queue);
	g_clear_object (&self->groups);
	g_clear_object (&self->registry);
	G_OBJECT_CLASS (artemis_management_parent_class)->dispose (object);
}

static void
artemis_management_finalize (GObject *object)
{
	ArtemisManagement *self = ARTEMIS_MANAGEMENT (object);

	for (guint i = 0; i < ARTEMIS_N_OPERATION_TARGETS; i++)
		g_hash_table_unref (self->tables[i]);
	G_OBJECT_CLASS (artemis_management_parent_class)->finalize (object);
}

static void
artemis_management_class_init (ArtemisManagementClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_management_dispose;
	object_class->finalize = artemis_management_finalize;

	/* Emitted on the main loop after the state changed, pushes already appended. */
	signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
						NULL, NULL, G_TYPE_NONE, 0);
}

static void
artemis_management_init (ArtemisManagement *self)
{
	for (guint i = 0; i < ARTEMIS_N_OPERATION_TARGETS; i++)
		self->tables[i] = table_new ();
}

static void
apply_committed (GPtrArray *writes, gpointer user_data)
{
	artemis_management_apply (user_data, writes);
}

ArtemisManagement *
artemis_management_new (ArtemisRegistry *registry)
{
	ArtemisManagement *self = g_object_new (ARTEMIS_TYPE_MANAGEMENT, NULL);

	self->registry = g_object_ref (registry);
	self->groups = artemis_groups_new (registry);
	self->max_batch_size = G_MAXUINT;
	self->write_queue = artemis_write_queue_new (apply_committed, self, self->groups);
	return self;
}

ArtemisRegistry *
artemis_management_get_registry (ArtemisManagement *self)
{
	return self->registry;
}

ArtemisGroups *
artemis_management_get_groups (ArtemisManagement *self)
{
	g_return_val_if_fail (ARTEMIS_IS_MANAGEMENT (self), NULL);
	return self->groups;
}

void
artemis_management_set_max_batch_size (ArtemisManagement *self, guint max_batch_size)
{
	g_return_if_fail (ARTEMIS_IS_MANAGEMENT (self));
	self->max_batch_size = max_batch_size;
}

guint
artemis_management_get_max_batch_size (ArtemisManagement *self)
{
	g_return_val_if_fail (ARTEMIS_IS_MANAGEMENT (self), 0);
	return self->max_batch_size;
}

ArtemisWriteQueue *
artemis_management_get_write_queue (ArtemisManagement *self)
{
	g_return_val_if_fail (ARTEMIS_IS_MANAGEMENT (self), NULL);
	return self->write_queue;
}

/* ---- kinds ------------------------------------------------------------- */

ArtemisStorageKind
artemis_management_get_state_kind (ArtemisOperationTarget target)
{
	static const ArtemisStorageKind kinds[] = {
		ARTEMIS_STORAGE_INSTANCE_OPERATION,
		ARTEMIS_STORAGE_SERVER_OPERATION,
		ARTEMIS_STORAGE_ZONE_OPERATION,
	};

	g_return_val_if_fail (target < ARTEMIS_N_OPERATION_TARGETS, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	return kinds[target];
}

ArtemisStorageKind
artemis_management_get_log_kind (ArtemisOperationTarget target)
{
	static const ArtemisStorageKind kinds[] = {
		ARTEMIS_STORAGE_INSTANCE_LOG,
		ARTEMIS_STORAGE_SERVER_LOG,
		ARTEMIS_STORAGE_ZONE_LOG,
	};

	g_return_val_if_fail (target < ARTEMIS_N_OPERATION_TARGETS, ARTEMIS_STORAGE_INSTANCE_LOG);
	return kinds[target];
}

ArtemisStorageField
artemis_management_get_id_field (ArtemisOperationTarget target)
{
	static const ArtemisStorageField fields[] = {
		ARTEMIS_STORAGE_FIELD_INSTANCE_ID,
		ARTEMIS_STORAGE_FIELD_SERVER_ID,
		ARTEMIS_STORAGE_FIELD_ZONE_ID,
	};

	g_return_val_if_fail (target < ARTEMIS_N_OPERATION_TARGETS, ARTEMIS_STORAGE_FIELD_INSTANCE_ID);
	return fields[target];
}

/* The target whose state @kind holds; FALSE for a log kind. */
static gboolean
target_for_state_kind (ArtemisStorageKind kind, ArtemisOperationTarget *target)
{
	for (guint i = 0; i < ARTEMIS_N_OPERATION_TARGETS; i++) {
		if (artemis_management_get_state_kind (i) == kind) {
			*target = i;
			return TRUE;
		}
	}
	return FALSE;
}

static ArtemisOperationKey *
key_from_record (ArtemisOperationTarget target, const ArtemisStorageRecord *record)
{
	return artemis_operation_key_new (
		target, artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_REGION_ID),
		artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_SERVICE_ID),
		artemis_storage_record_get_string (record, artemis_management_get_id_field (target)));
}

/* ---- reads ------------------------------------------------------------- */

const ArtemisOperations *
artemis_management_lookup (ArtemisManagement *self, const ArtemisOperationKey *key)
{
	g_autofree char *identity = NULL;

	g_return_val_if_fail (ARTEMIS_IS_MANAGEMENT (self), NULL);
	g_return_val_if_fail (key != NULL && key->target < ARTEMIS_N_OPERATION_TARGETS, NULL);
	if (g_hash_table_size (self->tables[key->target]) == 0)
		return NULL;
	identity = artemis_operation_key_get_identity (key);
	return g_hash_table_lookup (self->tables[key->target], identity);
}

GPtrArray *
artemis_management_list (ArtemisManagement *self, ArtemisOperationTarget target, const char *region_id)
{
	GHashTable *table = self->tables[target];
	GList *identities = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) g_strcmp0);
	GPtrArray *result = g_ptr_array_new ();

	for (GList *l = identities; l != NULL; l = l->next) {
		ArtemisOperations *operations = g_hash_table_lookup (table, l->data);

		if (artemis_str_is_blank (region_id) || g_strcmp0 (operations->key->region_id, region_id) == 0)
			g_ptr_array_add (result, operations);
	}
	g_list_free (identities);
	return result;
}

gboolean
artemis_management_is_down (ArtemisManagement *self, const ArtemisOperationKey *key)
{
	return artemis_management_lookup (self, key) != NULL;
}

static const ArtemisInstanceField instance_id_fields[] = {
	ARTEMIS_INSTANCE_INSTANCE_ID,
	ARTEMIS_INSTANCE_IP,
	ARTEMIS_INSTANCE_ZONE_ID,
};

/* The identity of @instance's key of @target; NULL when it lacks the id (e.g. no ip). */
static char *
instance_identity (ArtemisOperationTarget target, const ArtemisInstance *instance)
{
	const char *id = artemis_instance_get (instance, instance_id_fields[target]);

	if (id == NULL)
		return NULL;
	return artemis_operation_identity (target, artemis_instance_get (instance, ARTEMIS_INSTANCE_REGION_ID),
					   artemis_instance_get (instance, ARTEMIS_INSTANCE_SERVICE_ID), id);
}

gboolean
artemis_management_is_instance_down (ArtemisManagement *self, const ArtemisInstance *instance)
{
	g_return_val_if_fail (ARTEMIS_IS_MANAGEMENT (self), FALSE);
	for (guint target = 0; target < ARTEMIS_N_OPERATION_TARGETS; target++) {
		g_autofree char *identity = NULL;

		/* The common case, nothing pulled out, allocates nothing. */
		if (g_hash_table_size (self->tables[target]) == 0)
			continue;
		identity = instance_identity (target, instance);
		if (identity != NULL && g_hash_table_contains (self->tables[target], identity))
			return TRUE;
	}
	return artemis_groups_is_instance_down (self->groups, instance);
}

/* ---- writes ------------------------------------------------------------ */

gboolean
artemis_management_check_writable (ArtemisManagement *self, GError **error)
{
	ArtemisNode *node = artemis_registry_get_node (self->registry);
	g_autofree char *status = NULL;

	if (artemis_node_get_state (node) == ARTEMIS_NODE_UP)
		return TRUE;
	status = artemis_node_describe_status (node);
	/* The typo is Java's (protocol §14.2 #20). */
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE, "Serivce is not in up state. Current status: %s",
		     status);
	return FALSE;
}

static char *
strip_dup (const char *value)
{
	return value != NULL ? g_strstrip (g_strdup (value)) : NULL;
}

static ArtemisOperationKey *
trimmed_key (const ArtemisOperationKey *key)
{
	ArtemisOperationKey *copy = artemis_operation_key_copy (key);

	g_free (copy->region_id);
	copy->region_id = strip_dup (key->region_id);
	g_free (copy->service_id);
	copy->service_id = strip_dup (key->service_id);
	g_free (copy->id);
	copy->id = strip_dup (key->id);
	return copy;
}

static ArtemisStorageRecord *
operation_record (ArtemisStorageKind kind, const ArtemisOperationKey *key, const char *operation,
		  const char *operator_id, const char *token, gint64 now)
{
	ArtemisStorageRecord *record = artemis_storage_record_new (kind);

	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_REGION_ID, key->region_id);
	if (key->target != ARTEMIS_OPERATION_TARGET_SERVER)
		artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_SERVICE_ID, key->service_id);
	artemis_storage_record_set_string (record, artemis_management_get_id_field (key->target), key->id);
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_OPERATION, operation);
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_OPERATOR_ID, operator_id);
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_TOKEN, token);
	record->create_time_ms = now;
	record->update_time_ms = now;
	return record;
}

static ArtemisStorageRecord *
log_record (const ArtemisOperationKey *key, const char *operation, gboolean complete, const char *operator_id,
	    const char *token, gint64 now)
{
	ArtemisStorageKind kind = artemis_management_get_log_kind (key->target);
	ArtemisStorageRecord *record = operation_record (kind, key, operation, operator_id, token, now);

	artemis_storage_record_set_boolean (record, ARTEMIS_STORAGE_FIELD_COMPLETE, complete);
	/* Java always writes an empty object (protocol §9.11). */
	if (artemis_storage_kind_has_field (kind, ARTEMIS_STORAGE_FIELD_EXTENSIONS))
		artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_EXTENSIONS, "{}");
	return record;
}

/*
 * The state row keeps the spelling of the key first stored, so that a row
 * and the state built from it never differ in case beyond what the store
 * ignores; the log records what was asked.
 */
static void
add_operation_writes (ArtemisManagement *self, GPtrArray *writes, const ArtemisOperations *operations,
		      gboolean complete, const char *operator_id, const char *token, gint64 now)
{
	g_autoptr (ArtemisOperationKey) requested = trimmed_key (operations->key);
	const ArtemisOperations *stored = artemis_management_lookup (self, requested);
	const ArtemisOperationKey *state_key = stored != NULL ? stored->key : requested;
	ArtemisStorageKind kind = artemis_management_get_state_kind (requested->target);

	for (guint i = 0; i < operations->operations->len; i++) {
		g_autofree char *operation = strip_dup (g_ptr_array_index (operations->operations, i));
		ArtemisStorageRecord *state = operation_record (kind, state_key, operation, operator_id, token, now);

		g_ptr_array_add (writes, artemis_storage_write_new (complete ? ARTEMIS_STORAGE_DELETE
									     : ARTEMIS_STORAGE_PUT,
								    state));
		g_ptr_array_add (writes,
				 artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    log_record (requested, operation, complete, operator_id,
									token, now)));
	}
}

GPtrArray *
artemis_management_prepare_writes (ArtemisManagement *self, GPtrArray *operations, gboolean complete,
				   const char *operator_id, const char *token)
{
	GPtrArray *writes = artemis_storage_write_array_new ();
	g_autofree char *operator_trimmed = strip_dup (operator_id);
	g_autofree char *token_trimmed = strip_dup (token);
	gint64 now = artemis_registry_now (self->registry);

	for (guint i = 0; i < operations->len; i++)
		add_operation_writes (self, writes, g_ptr_array_index (operations, i), complete, operator_trimmed,
				      token_trimmed, now);
	return writes;
}

/* ---- changes and their pushes ------------------------------------------ */

/*
 * What a state change may affect, captured before it: the registered
 * instances its instance and server keys name, with whether each was down,
 * and its zone keys with whether each was down.
 */
typedef struct {
	GPtrArray *instances; /* ArtemisInstance */
	GArray *instances_were_down;
	GPtrArray *zones; /* ArtemisOperationKey, borrowed from the caller */
	GArray *zones_were_down;
	GHashTable *seen; /* instances already listed */
} Transition;

static void
transition_clear (Transition *transition)
{
	g_clear_pointer (&transition->instances, g_ptr_array_unref);
	g_clear_pointer (&transition->instances_were_down, g_array_unref);
	g_clear_pointer (&transition->zones, g_ptr_array_unref);
	g_clear_pointer (&transition->zones_were_down, g_array_unref);
	g_clear_pointer (&transition->seen, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Transition, transition_clear)

static void
add_affected (ArtemisManagement *self, Transition *transition, ArtemisInstance *instance)
{
	gboolean down;

	if (!g_hash_table_add (transition->seen, instance))
		return;
	down = artemis_management_is_instance_down (self, instance);
	g_ptr_array_add (transition->instances, artemis_instance_ref (instance));
	g_array_append_val (transition->instances_were_down, down);
}

/* The registered instance an InstanceKey names, if any. */
static void
add_instance_key (ArtemisManagement *self, Transition *transition, const ArtemisOperationKey *key)
{
	g_autoptr (GPtrArray) instances = artemis_registry_get_instances (self->registry, key->service_id, NULL);
	g_autofree char *identity = artemis_operation_key_get_identity (key);

	for (guint i = 0; instances != NULL && i < instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (instances, i);
		g_autofree char *own = instance_identity (key->target, instance);

		if (g_strcmp0 (identity, own) == 0)
			add_affected (self, transition, instance);
	}
}

/* Every registered instance on one of the servers of @identities (one pass over the registry). */
static void
add_server_instances (ArtemisManagement *self, Transition *transition, GHashTable *identities)
{
	g_autoptr (GPtrArray) services = NULL;

	if (g_hash_table_size (identities) == 0)
		return;
	services = artemis_registry_list_services (self->registry);
	for (guint i = 0; i < services->len; i++) {
		g_autoptr (GPtrArray) instances =
			artemis_registry_get_instances (self->registry, g_ptr_array_index (services, i), NULL);

		for (guint j = 0; instances != NULL && j < instances->len; j++) {
			ArtemisInstance *instance = g_ptr_array_index (instances, j);
			g_autofree char *identity = instance_identity (ARTEMIS_OPERATION_TARGET_SERVER, instance);

			if (identity != NULL && g_hash_table_contains (identities, identity))
				add_affected (self, transition, instance);
		}
	}
}

/* Captures what changing the state of @keys (ArtemisOperationKey) may affect. */
static void
transition_begin (ArtemisManagement *self, Transition *transition, GPtrArray *keys)
{
	g_autoptr (GHashTable) servers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

	transition->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_instance_unref);
	transition->instances_were_down = g_array_new (FALSE, FALSE, sizeof (gboolean));
	transition->zones = g_ptr_array_new ();
	transition->zones_were_down = g_array_new (FALSE, FALSE, sizeof (gboolean));
	transition->seen = g_hash_table_new (NULL, NULL);
	for (guint i = 0; i < keys->len; i++) {
		const ArtemisOperationKey *key = g_ptr_array_index (keys, i);
		gboolean down;

		switch (key->target) {
		case ARTEMIS_OPERATION_TARGET_INSTANCE:
			add_instance_key (self, transition, key);
			break;
		case ARTEMIS_OPERATION_TARGET_SERVER:
			g_hash_table_add (servers, artemis_operation_key_get_identity (key));
			break;
		case ARTEMIS_OPERATION_TARGET_ZONE:
			down = artemis_management_is_down (self, key);
			g_ptr_array_add (transition->zones, (gpointer) key);
			g_array_append_val (transition->zones_were_down, down);
			break;
		default:
			g_assert_not_reached ();
		}
	}
	add_server_instances (self, transition, servers);
}

static void
push (ArtemisManagement *self, ArtemisChangeType type, ArtemisInstance *instance)
{
	ArtemisChangeLog *log = artemis_registry_get_change_log (self->registry);

	artemis_change_unref (artemis_change_log_append (log, type, artemis_registry_now (self->registry), instance));
}

/*
 * `delete` for an instance that went down, `new` for one that came back
 * (protocol §4.5, §9.1): by the instance's whole state, so that pulling in one
 * of two operations holding it down pushes nothing.
 */
static void
push_instances (ArtemisManagement *self, Transition *transition)
{
	for (guint i = 0; i < transition->instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (transition->instances, i);
		gboolean was_down = g_array_index (transition->instances_were_down, gboolean, i);
		gboolean is_down = artemis_management_is_instance_down (self, instance);

		if (is_down != was_down)
			push (self, is_down ? ARTEMIS_CHANGE_DELETE : ARTEMIS_CHANGE_NEW, instance);
	}
}

/* One `reload` per service with a zone that went down or came back (protocol §9.2, §14.2 #18). */
static void
push_zones (ArtemisManagement *self, Transition *transition)
{
	g_autoptr (GHashTable) reloaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < transition->zones->len; i++) {
		const ArtemisOperationKey *key = g_ptr_array_index (transition->zones, i);
		gboolean was_down = g_array_index (transition->zones_were_down, gboolean, i);
		g_autoptr (ArtemisInstance) reload = NULL;

		if (artemis_management_is_down (self, key) == was_down ||
		    !g_hash_table_add (reloaded, artemis_id_to_key (key->service_id)))
			continue;
		reload = artemis_instance_new_reload (key->service_id);
		push (self, ARTEMIS_CHANGE_RELOAD, reload);
	}
}

static void
transition_end (ArtemisManagement *self, Transition *transition, gboolean changed)
{
	if (!changed)
		return;
	push_instances (self, transition);
	push_zones (self, transition);
	g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Applies one committed state write; whether the state changed. */
static gboolean
apply_write (ArtemisManagement *self, const ArtemisStorageWrite *write, const ArtemisOperationKey *key)
{
	GHashTable *table = self->tables[key->target];
	g_autofree char *identity = artemis_operation_key_get_identity (key);
	const char *operation = artemis_storage_record_get_string (write->record, ARTEMIS_STORAGE_FIELD_OPERATION);
	ArtemisOperations *operations = g_hash_table_lookup (table, identity);

	if (write->action == ARTEMIS_STORAGE_DELETE) {
		if (operations == NULL || !artemis_operations_remove (operations, operation))
			return FALSE;
		if (operations->operations->len == 0)
			g_hash_table_remove (table, identity);
		return TRUE;
	}
	if (operations == NULL) {
		operations = artemis_operations_new (artemis_operation_key_copy (key));
		g_hash_table_insert (table, g_steal_pointer (&identity), operations);
	}
	return artemis_operations_add (operations, operation);
}

/* The key of the state row @write changes, or NULL for a log row. */
static ArtemisOperationKey *
key_of_write (const ArtemisStorageWrite *write)
{
	ArtemisOperationTarget target;

	if (write->action == ARTEMIS_STORAGE_APPEND || !target_for_state_kind (write->record->kind, &target))
		return NULL;
	return key_from_record (target, write->record);
}

void
artemis_management_apply (ArtemisManagement *self, GPtrArray *writes)
{
	g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_operation_key_free);
	g_auto (Transition) transition = { NULL };
	gboolean changed = FALSE;

	g_return_if_fail (ARTEMIS_IS_MANAGEMENT (self));
	for (guint i = 0; i < writes->len; i++) {
		ArtemisOperationKey *key = key_of_write (g_ptr_array_index (writes, i));

		if (key != NULL)
			g_ptr_array_add (keys, key);
	}
	transition_begin (self, &transition, keys);
	for (guint i = 0; i < writes->len; i++) {
		const ArtemisStorageWrite *write = g_ptr_array_index (writes, i);
		g_autoptr (ArtemisOperationKey) key = key_of_write (write);

		if (key != NULL)
			changed |= apply_write (self, write, key);
	}
	/* Group changes push their own reloads; `changed` covers both. */
	changed |= artemis_groups_apply (self->groups, writes);
	transition_end (self, &transition, changed);
}

/* A table of @target built from state @records. */
static GHashTable *
table_from_records (ArtemisOperationTarget target, GPtrArray *records)
{
	GHashTable *table = table_new ();

	for (guint i = 0; i < records->len; i++) {
		const ArtemisStorageRecord *record = g_ptr_array_index (records, i);
		g_autoptr (ArtemisOperationKey) key = key_from_record (target, record);
		g_autofree char *identity = artemis_operation_key_get_identity (key);
		ArtemisOperations *operations = g_hash_table_lookup (table, identity);

		if (operations == NULL) {
			operations = artemis_operations_new (g_steal_pointer (&key));
			g_hash_table_insert (table, g_steal_pointer (&identity), operations);
		}
		artemis_operations_add (operations,
					artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_OPERATION));
	}
	return table;
}

static gboolean
same_operations (const ArtemisOperations *a, const ArtemisOperations *b)
{
	if (a == NULL || b == NULL || a->operations->len != b->operations->len)
		return FALSE;
	for (guint i = 0; i < a->operations->len; i++) {
		if (!artemis_operations_contains (b, g_ptr_array_index (a->operations, i)))
			return FALSE;
	}
	return TRUE;
}

/* Every key of @old and @new whose operations differ (borrowed from the tables). */
static GPtrArray *
differing_keys (GHashTable *old, GHashTable *new)
{
	GPtrArray *keys = g_ptr_array_new ();
	GHashTableIter iter;
	gpointer identity, value;

	g_hash_table_iter_init (&iter, old);
	while (g_hash_table_iter_next (&iter, &identity, &value)) {
		if (!same_operations (value, g_hash_table_lookup (new, identity)))
			g_ptr_array_add (keys, ((ArtemisOperations *) value)->key);
	}
	g_hash_table_iter_init (&iter, new);
	while (g_hash_table_iter_next (&iter, &identity, &value)) {
		if (!g_hash_table_contains (old, identity))
			g_ptr_array_add (keys, ((ArtemisOperations *) value)->key);
	}
	return keys;
}

void
artemis_management_replace (ArtemisManagement *self, ArtemisStorageKind kind, GPtrArray *records)
{
	ArtemisOperationTarget target;
	g_autoptr (GHashTable) table = NULL;
	g_autoptr (GHashTable) old = NULL;
	g_autoptr (GPtrArray) keys = NULL;
	g_auto (Transition) transition = { NULL };

	g_return_if_fail (ARTEMIS_IS_MANAGEMENT (self));
	if (artemis_group_kind_is_state (kind)) {
		if (artemis_groups_replace (self->groups, kind, records))
			g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
		return;
	}
	if (!target_for_state_kind (kind, &target)) {
		g_critical ("%s: kind %u is not management state", G_STRFUNC, kind);
		return;
	}
	table = table_from_records (target, records);
	keys = differing_keys (self->tables[target], table);
	if (keys->len == 0)
		return;
	transition_begin (self, &transition, keys);
	/* The keys borrowed from the old table must outlive the transition. */
	old = g_steal_pointer (&self->tables[target]);
	self->tables[target] = g_steal_pointer (&table);
	transition_end (self, &transition, TRUE);
}
