/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-instance.h"
#include "artemis-record-table.h"

struct _ArtemisRecordTable {
	ArtemisStorageKind kind;
	GHashTable *by_id;  /* gint64 * (the record's own id) → ArtemisStorageRecord, owned */
	GHashTable *by_key; /* identity → ArtemisStorageRecord, borrowed */
};

ArtemisRecordTable *
artemis_record_table_new (ArtemisStorageKind kind)
{
	ArtemisRecordTable *table = g_new0 (ArtemisRecordTable, 1);

	table->kind = kind;
	table->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
					      (GDestroyNotify) artemis_storage_record_free);
	table->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	return table;
}

void
artemis_record_table_free (ArtemisRecordTable *table)
{
	if (table == NULL)
		return;
	/* Keys first: the id table owns the rows. */
	g_hash_table_unref (table->by_key);
	g_hash_table_unref (table->by_id);
	g_free (table);
}

/* Appends @value lower-cased as artemis_id_to_key() does; ASCII (nearly every id) without a copy. */
static void
append_key (GString *identity, const char *value)
{
	g_autofree char *lower = NULL;

	for (const char *p = value; *p != '\0'; p++) {
		if ((guchar) *p >= 0x80) {
			lower = artemis_id_to_key (value);
			g_string_append (identity, lower);
			return;
		}
	}
	for (const char *p = value; *p != '\0'; p++)
		g_string_append_c (identity, g_ascii_tolower (*p));
}

static void
append_value (GString *identity, const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	const char *value;

	g_string_append_c (identity, '\n');
	if (artemis_storage_field_is_integer (field)) {
		g_string_append_printf (identity, "%" G_GINT64_FORMAT, artemis_storage_record_get_int (record, field));
		return;
	}
	value = artemis_storage_record_get_string (record, field);
	if (value != NULL)
		append_key (identity, value);
}

char *
artemis_record_table_identity (const ArtemisStorageRecord *record)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);
	GString *identity = g_string_sized_new (64);

	for (guint i = 0; i < info->n_key_fields; i++)
		append_value (identity, record, info->fields[i]);
	return g_string_free (identity, FALSE);
}

const ArtemisStorageRecord *
artemis_record_table_get (ArtemisRecordTable *table, gint64 id)
{
	return g_hash_table_lookup (table->by_id, &id);
}

const ArtemisStorageRecord *
artemis_record_table_find (ArtemisRecordTable *table, const ArtemisStorageRecord *key)
{
	g_autofree char *identity = artemis_record_table_identity (key);

	return artemis_record_table_find_identity (table, identity);
}

const ArtemisStorageRecord *
artemis_record_table_find_identity (ArtemisRecordTable *table, const char *identity)
{
	return g_hash_table_lookup (table->by_key, identity);
}

gboolean
artemis_storage_record_equal (const ArtemisStorageRecord *a, const ArtemisStorageRecord *b)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (a->kind);

	if (a->kind != b->kind || a->id != b->id)
		return FALSE;
	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];

		if (artemis_storage_record_is_set (a, field) != artemis_storage_record_is_set (b, field) ||
		    artemis_storage_record_get_int (a, field) != artemis_storage_record_get_int (b, field) ||
		    artemis_storage_record_get_boolean (a, field) != artemis_storage_record_get_boolean (b, field) ||
		    g_strcmp0 (artemis_storage_record_get_string (a, field),
			       artemis_storage_record_get_string (b, field)) != 0)
			return FALSE;
	}
	return TRUE;
}

gboolean
artemis_record_table_put (ArtemisRecordTable *table, const ArtemisStorageRecord *record)
{
	g_autofree char *identity = artemis_record_table_identity (record);
	ArtemisStorageRecord *old = g_hash_table_lookup (table->by_key, identity);
	ArtemisStorageRecord *copy = artemis_storage_record_copy (record);

	g_return_val_if_fail (record->kind == table->kind, FALSE);
	if (old != NULL) {
		/* The store's upsert keeps the row: its id, its first spelling of the key, its creation time. */
		const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (table->kind);
		gboolean same;

		copy->id = old->id;
		copy->create_time_ms = old->create_time_ms;
		for (guint i = 0; i < info->n_key_fields; i++)
			artemis_storage_record_copy_field (copy, old, info->fields[i]);
		same = artemis_storage_record_equal (old, copy);
		g_hash_table_remove (table->by_key, identity);
		g_hash_table_remove (table->by_id, &old->id);
		g_hash_table_insert (table->by_id, &copy->id, copy);
		g_hash_table_insert (table->by_key, g_steal_pointer (&identity), copy);
		return !same;
	}
	g_hash_table_insert (table->by_id, &copy->id, copy);
	g_hash_table_insert (table->by_key, g_steal_pointer (&identity), copy);
	return TRUE;
}

gboolean
artemis_record_table_remove (ArtemisRecordTable *table, const ArtemisStorageRecord *key)
{
	g_autofree char *identity = artemis_record_table_identity (key);
	ArtemisStorageRecord *old = g_hash_table_lookup (table->by_key, identity);
	gint64 id;

	if (old == NULL)
		return FALSE;
	id = old->id;
	g_hash_table_remove (table->by_key, identity);
	g_hash_table_remove (table->by_id, &id);
	return TRUE;
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
	gint64 id_a = (*(const ArtemisStorageRecord *const *) a)->id;
	gint64 id_b = (*(const ArtemisStorageRecord *const *) b)->id;

	return id_a < id_b ? -1 : id_a > id_b;
}

GPtrArray *
artemis_record_table_list (ArtemisRecordTable *table)
{
	GPtrArray *rows = g_ptr_array_sized_new (g_hash_table_size (table->by_id));
	GHashTableIter iter;
	gpointer row;

	g_hash_table_iter_init (&iter, table->by_id);
	while (g_hash_table_iter_next (&iter, NULL, &row))
		g_ptr_array_add (rows, row);
	g_ptr_array_sort (rows, compare_ids);
	return rows;
}

guint
artemis_record_table_size (ArtemisRecordTable *table)
{
	return g_hash_table_size (table->by_id);
}

gint64
artemis_record_table_get_max_id (ArtemisRecordTable *table)
{
	GHashTableIter iter;
	gpointer row;
	gint64 max = 0;

	g_hash_table_iter_init (&iter, table->by_id);
	while (g_hash_table_iter_next (&iter, NULL, &row))
		max = MAX (max, ((ArtemisStorageRecord *) row)->id);
	return max;
}

gboolean
artemis_record_tables_equal (ArtemisRecordTable *a, ArtemisRecordTable *b)
{
	GHashTableIter iter;
	gpointer row;

	if (g_hash_table_size (a->by_id) != g_hash_table_size (b->by_id))
		return FALSE;
	g_hash_table_iter_init (&iter, a->by_id);
	while (g_hash_table_iter_next (&iter, NULL, &row)) {
		const ArtemisStorageRecord *other = artemis_record_table_get (b, ((ArtemisStorageRecord *) row)->id);

		if (other == NULL || !artemis_storage_record_equal (row, other))
			return FALSE;
	}
	return TRUE;
}

static gboolean
field_matches (const ArtemisStorageRecord *record, const ArtemisStorageRecord *filter, ArtemisStorageField field)
{
	const char *want;
	const char *have;

	if (!artemis_storage_record_is_set (filter, field))
		return TRUE;
	if (artemis_storage_field_is_integer (field))
		return artemis_storage_record_is_set (record, field) &&
		       artemis_storage_record_get_int (record, field) == artemis_storage_record_get_int (filter, field);
	if (artemis_storage_field_is_boolean (field))
		return artemis_storage_record_get_boolean (record, field) ==
		       artemis_storage_record_get_boolean (filter, field);
	want = artemis_storage_record_get_string (filter, field);
	have = artemis_storage_record_get_string (record, field);
	if (have == NULL)
		return FALSE;
	/* ASCII case, as SQLite's NOCASE compares. */
	return artemis_storage_field_is_nocase (field) ? g_ascii_strcasecmp (have, want) == 0
						       : g_str_equal (have, want);
}

gboolean
artemis_storage_record_matches (const ArtemisStorageRecord *record, const ArtemisStorageRecord *filter)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (filter->kind);

	g_return_val_if_fail (record->kind == filter->kind, FALSE);
	for (guint i = 0; i < info->n_fields; i++) {
		if (!field_matches (record, filter, info->fields[i]))
			return FALSE;
	}
	return TRUE;
}
