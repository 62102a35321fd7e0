/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-group-snapshot-private.h"
#include "artemis-groups.h"

/* Reserved ids from @next to @end - 1. */
typedef struct {
	gint64 next;
	gint64 end;
} IdRange;

struct _ArtemisGroups {
	GObject parent_instance;

	ArtemisRegistry *registry;
	ArtemisRecordTable *tables[ARTEMIS_GROUP_N_KINDS];
	gint64 next_ids[ARTEMIS_GROUP_N_KINDS];
	gboolean reserved_ids;
	GArray *pools[ARTEMIS_GROUP_N_KINDS]; /* IdRange, taken from the first */
	ArtemisGroupSnapshot *snapshot; /* what the tables mean, rebuilt on every change */
};

G_DEFINE_TYPE (ArtemisGroups, artemis_groups, G_TYPE_OBJECT)

#define INDEX(kind) ((kind) - ARTEMIS_GROUP_FIRST_KIND)

static void
artemis_groups_dispose (GObject *object)
{
	ArtemisGroups *self = ARTEMIS_GROUPS (object);

	g_clear_object (&self->registry);
	G_OBJECT_CLASS (artemis_groups_parent_class)->dispose (object);
}

static void
artemis_groups_finalize (GObject *object)
{
	ArtemisGroups *self = ARTEMIS_GROUPS (object);

	artemis_group_snapshot_free (self->snapshot);
	for (guint i = 0; i < ARTEMIS_GROUP_N_KINDS; i++) {
		artemis_record_table_free (self->tables[i]);
		g_array_unref (self->pools[i]);
	}
	G_OBJECT_CLASS (artemis_groups_parent_class)->finalize (object);
}

static void
artemis_groups_class_init (ArtemisGroupsClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_groups_dispose;
	object_class->finalize = artemis_groups_finalize;
}

static void
artemis_groups_init (ArtemisGroups *self)
{
	for (guint i = 0; i < ARTEMIS_GROUP_N_KINDS; i++) {
		self->tables[i] = artemis_record_table_new (ARTEMIS_GROUP_FIRST_KIND + i);
		self->next_ids[i] = 1;
		self->pools[i] = g_array_new (FALSE, FALSE, sizeof (IdRange));
	}
	self->snapshot = artemis_group_snapshot_new (self->tables);
}

ArtemisGroups *
artemis_groups_new (ArtemisRegistry *registry)
{
	ArtemisGroups *self = g_object_new (ARTEMIS_TYPE_GROUPS, NULL);

	self->registry = g_object_ref (registry);
	return self;
}

ArtemisRegistry *
artemis_groups_get_registry (ArtemisGroups *self)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), NULL);
	return self->registry;
}

/* ---- rows -------------------------------------------------------------- */

static ArtemisRecordTable *
table_of (ArtemisGroups *self, ArtemisStorageKind kind)
{
	g_return_val_if_fail (artemis_group_kind_is_state (kind), NULL);
	return self->tables[INDEX (kind)];
}

const ArtemisStorageRecord *
artemis_groups_get (ArtemisGroups *self, ArtemisStorageKind kind, gint64 id)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), NULL);
	return artemis_record_table_get (table_of (self, kind), id);
}

const ArtemisStorageRecord *
artemis_groups_find (ArtemisGroups *self, const ArtemisStorageRecord *key)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), NULL);
	return artemis_record_table_find (table_of (self, key->kind), key);
}

const ArtemisStorageRecord *
artemis_groups_find_identity (ArtemisGroups *self, ArtemisStorageKind kind, const char *identity)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), NULL);
	return artemis_record_table_find_identity (table_of (self, kind), identity);
}

static gboolean
is_listed (const ArtemisStorageRecord *row, const ArtemisStorageRecord *filter)
{
	/* Every Java read of a soft-deleted table adds `deleted = false` (protocol §16). */
	if (artemis_group_kind_is_soft_deleted (row->kind) &&
	    !artemis_storage_record_is_set (filter, ARTEMIS_STORAGE_FIELD_DELETED) &&
	    artemis_storage_record_get_boolean (row, ARTEMIS_STORAGE_FIELD_DELETED))
		return FALSE;
	return (filter->id == 0 || row->id == filter->id) && artemis_storage_record_matches (row, filter);
}

GPtrArray *
artemis_groups_list (ArtemisGroups *self, const ArtemisStorageRecord *filter)
{
	g_autoptr (GPtrArray) rows = NULL;
	GPtrArray *listed;

	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), NULL);
	rows = artemis_record_table_list (table_of (self, filter->kind));
	listed = g_ptr_array_sized_new (rows->len);
	for (guint i = 0; i < rows->len; i++) {
		if (is_listed (g_ptr_array_index (rows, i), filter))
			g_ptr_array_add (listed, g_ptr_array_index (rows, i));
	}
	return listed;
}

static gint64
take_reserved_id (ArtemisGroups *self, ArtemisStorageKind kind)
{
	GArray *pool = self->pools[INDEX (kind)];
	IdRange *range;
	gint64 id;

	if (pool->len == 0)
		return 0;
	range = &g_array_index (pool, IdRange, 0);
	id = range->next++;
	if (range->next == range->end)
		g_array_remove_index (pool, 0);
	return id;
}

gint64
artemis_groups_allocate_id (ArtemisGroups *self, ArtemisStorageKind kind)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), 0);
	g_return_val_if_fail (artemis_group_kind_is_state (kind), 0);
	if (self->reserved_ids)
		return take_reserved_id (self, kind);
	return self->next_ids[INDEX (kind)]++;
}

/* ---- ids reserved by a shared store ------------------------------------ */

void
artemis_groups_set_reserved_ids (ArtemisGroups *self, gboolean reserved)
{
	g_return_if_fail (ARTEMIS_IS_GROUPS (self));
	self->reserved_ids = reserved;
}

gboolean
artemis_groups_get_reserved_ids (ArtemisGroups *self)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), FALSE);
	return self->reserved_ids;
}

guint64
artemis_groups_count_reserved_ids (ArtemisGroups *self, ArtemisStorageKind kind)
{
	GArray *pool;
	guint64 count = 0;

	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), 0);
	g_return_val_if_fail (artemis_group_kind_is_state (kind), 0);
	pool = self->pools[INDEX (kind)];
	for (guint i = 0; i < pool->len; i++)
		count += g_array_index (pool, IdRange, i).end - g_array_index (pool, IdRange, i).next;
	return count;
}

void
artemis_groups_add_reserved_ids (ArtemisGroups *self, ArtemisStorageKind kind, gint64 first, guint count)
{
	IdRange range = { first, first + count };

	g_return_if_fail (ARTEMIS_IS_GROUPS (self));
	g_return_if_fail (artemis_group_kind_is_state (kind));
	g_return_if_fail (first > 0 && count > 0 && first <= G_MAXINT64 - count);
	g_array_append_val (self->pools[INDEX (kind)], range);
}

/* ---- what discovery serves --------------------------------------------- */

static GPtrArray *
copy_rules (GPtrArray *rules)
{
	GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_route_rule_free);

	for (guint i = 0; rules != NULL && i < rules->len; i++)
		g_ptr_array_add (copy, artemis_route_rule_copy (g_ptr_array_index (rules, i)));
	return copy;
}

GPtrArray *
artemis_groups_get_route_rules (ArtemisGroups *self, const char *service_id)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), NULL);
	return copy_rules (artemis_group_snapshot_get_rules (self->snapshot, service_id));
}

GPtrArray *
artemis_groups_get_logic_instances (ArtemisGroups *self, const char *service_id)
{
	GPtrArray *instances;

	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), NULL);
	instances = artemis_group_snapshot_get_logic_instances (self->snapshot, service_id);
	return instances != NULL ? g_ptr_array_ref (instances) : artemis_instance_array_new (0);
}

GPtrArray *
artemis_groups_get_service_groups (ArtemisGroups *self, const char *service_id)
{
	GPtrArray *groups;
	GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_service_group_free);

	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), copy);
	groups = artemis_group_snapshot_get_groups (self->snapshot, service_id);
	for (guint i = 0; groups != NULL && i < groups->len; i++)
		g_ptr_array_add (copy, artemis_service_group_copy (g_ptr_array_index (groups, i)));
	return copy;
}

gboolean
artemis_groups_is_instance_down (ArtemisGroups *self, const ArtemisInstance *instance)
{
	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), FALSE);
	return artemis_group_snapshot_is_down (self->snapshot, instance);
}

/* ---- changes ----------------------------------------------------------- */

static void
push_reload (gpointer service_id, gpointer user_data)
{
	ArtemisGroups *self = user_data;
	ArtemisChangeLog *log = artemis_registry_get_change_log (self->registry);
	g_autoptr (ArtemisInstance) reload = artemis_instance_new_reload (service_id);

	artemis_change_unref (
		artemis_change_log_append (log, ARTEMIS_CHANGE_RELOAD, artemis_registry_now (self->registry), reload));
}

/* Recomputes what the tables mean; a `reload` for every service whose served state changed (protocol §9.10). */
static void
refresh (ArtemisGroups *self)
{
	g_autoptr (ArtemisGroupSnapshot) old = g_steal_pointer (&self->snapshot);

	self->snapshot = artemis_group_snapshot_new (self->tables);
	artemis_group_snapshot_foreach_changed (old, self->snapshot, push_reload, self);
}

static void
note_id (ArtemisGroups *self, ArtemisStorageKind kind, gint64 id)
{
	self->next_ids[INDEX (kind)] = MAX (self->next_ids[INDEX (kind)], id + 1);
}

static gboolean
apply_write (ArtemisGroups *self, const ArtemisStorageWrite *write)
{
	ArtemisRecordTable *table = table_of (self, write->record->kind);

	if (write->action == ARTEMIS_STORAGE_DELETE)
		return artemis_record_table_remove (table, write->record);
	note_id (self, write->record->kind, write->record->id);
	return artemis_record_table_put (table, write->record);
}

gboolean
artemis_groups_apply (ArtemisGroups *self, GPtrArray *writes)
{
	gboolean changed = FALSE;

	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), FALSE);
	for (guint i = 0; i < writes->len; i++) {
		const ArtemisStorageWrite *write = g_ptr_array_index (writes, i);

		if (write->action != ARTEMIS_STORAGE_APPEND && artemis_group_kind_is_state (write->record->kind))
			changed |= apply_write (self, write);
	}
	if (changed)
		refresh (self);
	return changed;
}

gboolean
artemis_groups_replace (ArtemisGroups *self, ArtemisStorageKind kind, GPtrArray *records)
{
	g_autoptr (ArtemisRecordTable) table = artemis_record_table_new (kind);
	ArtemisRecordTable *old;
	gboolean changed;

	g_return_val_if_fail (ARTEMIS_IS_GROUPS (self), FALSE);
	g_return_val_if_fail (artemis_group_kind_is_state (kind), FALSE);
	for (guint i = 0; i < records->len; i++)
		artemis_record_table_put (table, g_ptr_array_index (records, i));
	old = self->tables[INDEX (kind)];
	changed = !artemis_record_tables_equal (old, table);
	note_id (self, kind, artemis_record_table_get_max_id (table));
	if (!changed)
		return FALSE;
	self->tables[INDEX (kind)] = g_steal_pointer (&table);
	artemis_record_table_free (old);
	refresh (self);
	return TRUE;
}
