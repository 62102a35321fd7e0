/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-error.h"
#include "artemis-group-batch-private.h"
#include "artemis-record-table.h"

#define INDEX(kind) ((kind) - ARTEMIS_GROUP_FIRST_KIND)

void
artemis_group_batch_init (ArtemisGroupBatch *batch, ArtemisGroups *groups, const ArtemisOperationContext *context)
{
	batch->groups = groups;
	batch->context = context;
	batch->now = artemis_registry_now (artemis_groups_get_registry (groups));
	batch->writes = artemis_storage_write_array_new ();
	batch->out_of_ids = FALSE;
	for (guint i = 0; i < ARTEMIS_GROUP_N_KINDS; i++) {
		batch->by_identity[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
		batch->by_id[i] = g_hash_table_new (g_int64_hash, g_int64_equal);
	}
}

void
artemis_group_batch_clear (ArtemisGroupBatch *batch)
{
	for (guint i = 0; i < ARTEMIS_GROUP_N_KINDS; i++) {
		g_clear_pointer (&batch->by_identity[i], g_hash_table_unref);
		g_clear_pointer (&batch->by_id[i], g_hash_table_unref);
	}
	g_clear_pointer (&batch->writes, g_ptr_array_unref);
}

GPtrArray *
artemis_group_batch_steal (ArtemisGroupBatch *batch, GError **error)
{
	/* The node reserves enough ids before a write's turn; running dry is a bug, not a crash. */
	if (batch->out_of_ids) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
			     "No id is left for a new row of %s: the ids the store reserved ran out",
			     artemis_storage_kind_get_info (batch->dry_kind)->table);
		return NULL;
	}
	return g_steal_pointer (&batch->writes);
}

/* Appends a state write of @record (taken), whose identity is @identity (taken), as its row's last one. */
static void
add_state_write (ArtemisGroupBatch *batch, ArtemisStorageAction action, ArtemisStorageRecord *record,
		 char *identity)
{
	ArtemisStorageWrite *write = artemis_storage_write_new (action, record);

	g_ptr_array_add (batch->writes, write);
	g_hash_table_replace (batch->by_identity[INDEX (record->kind)], identity, write);
	g_hash_table_replace (batch->by_id[INDEX (record->kind)], &write->record->id, write);
}

/* The row as a write of the batch leaves it, or as the state has it when the batch did not write it. */
static const ArtemisStorageRecord *
row_after (const ArtemisStorageWrite *write, const ArtemisStorageRecord *unwritten)
{
	if (write == NULL)
		return unwritten;
	return write->action == ARTEMIS_STORAGE_PUT ? write->record : NULL;
}

static const ArtemisStorageRecord *
find_identity (ArtemisGroupBatch *batch, ArtemisStorageKind kind, const char *identity)
{
	const ArtemisStorageWrite *write = g_hash_table_lookup (batch->by_identity[INDEX (kind)], identity);

	return row_after (write, write == NULL ? artemis_groups_find_identity (batch->groups, kind, identity) : NULL);
}

const ArtemisStorageRecord *
artemis_group_batch_find (ArtemisGroupBatch *batch, const ArtemisStorageRecord *key)
{
	g_autofree char *identity = artemis_group_row_get_identity (key);

	return find_identity (batch, key->kind, identity);
}

const ArtemisStorageRecord *
artemis_group_batch_get (ArtemisGroupBatch *batch, ArtemisStorageKind kind, gint64 id)
{
	const ArtemisStorageWrite *write = g_hash_table_lookup (batch->by_id[INDEX (kind)], &id);

	return row_after (write, write == NULL ? artemis_groups_get (batch->groups, kind, id) : NULL);
}

const ArtemisStorageRecord *
artemis_group_batch_put (ArtemisGroupBatch *batch, ArtemisStorageRecord *record)
{
	char *identity = artemis_group_row_get_identity (record);
	const ArtemisStorageRecord *old = find_identity (batch, record->kind, identity);

	record->id = old != NULL ? old->id : artemis_groups_allocate_id (batch->groups, record->kind);
	if (record->id == 0 && !batch->out_of_ids) {
		batch->out_of_ids = TRUE;
		batch->dry_kind = record->kind;
	}
	record->create_time_ms = old != NULL ? old->create_time_ms : batch->now;
	record->update_time_ms = batch->now;
	add_state_write (batch, ARTEMIS_STORAGE_PUT, record, identity);
	return record;
}

void
artemis_group_batch_delete (ArtemisGroupBatch *batch, const ArtemisStorageRecord *row)
{
	add_state_write (batch, ARTEMIS_STORAGE_DELETE, artemis_storage_record_copy (row),
			 artemis_group_row_get_identity (row));
}

static void
set_unset_string (ArtemisStorageRecord *record, ArtemisStorageField field, const char *value)
{
	if (artemis_storage_kind_has_field (record->kind, field) && !artemis_storage_record_is_set (record, field))
		artemis_storage_record_set_string (record, field, value);
}

ArtemisStorageRecord *
artemis_group_batch_log (ArtemisGroupBatch *batch, ArtemisStorageKind kind, const ArtemisStorageRecord *row)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
	ArtemisStorageRecord *log = artemis_storage_record_new (kind);
	const ArtemisOperationContext *context = batch->context;

	for (guint i = 0; row != NULL && i < info->n_fields; i++) {
		if (artemis_storage_kind_has_field (row->kind, info->fields[i]))
			artemis_storage_record_copy_field (log, row, info->fields[i]);
	}
	set_unset_string (log, ARTEMIS_STORAGE_FIELD_OPERATION, context->operation);
	set_unset_string (log, ARTEMIS_STORAGE_FIELD_OPERATOR_ID, context->operator_id);
	set_unset_string (log, ARTEMIS_STORAGE_FIELD_TOKEN, context->token);
	set_unset_string (log, ARTEMIS_STORAGE_FIELD_EXTENSIONS, context->extensions);
	set_unset_string (log, ARTEMIS_STORAGE_FIELD_REASON, context->reason);
	log->create_time_ms = batch->now;
	log->update_time_ms = batch->now;
	g_ptr_array_add (batch->writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND, log));
	return log;
}

void
artemis_group_log_set_weight (ArtemisStorageRecord *log, const ArtemisStorageRecord *from,
			      ArtemisStorageField field)
{
	if (artemis_storage_record_is_set (from, field))
		artemis_storage_record_set_int (log, ARTEMIS_STORAGE_FIELD_WEIGHT,
						artemis_storage_record_get_int (from, field));
	else
		artemis_storage_record_unset (log, ARTEMIS_STORAGE_FIELD_WEIGHT);
}

ArtemisStorageRecord *
artemis_group_batch_key_of (ArtemisStorageKind kind, const ArtemisStorageRecord *key)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
	ArtemisStorageRecord *record = artemis_storage_record_new (kind);

	for (guint i = 0; i < info->n_key_fields; i++)
		artemis_storage_record_copy_field (record, key, info->fields[i]);
	return record;
}

static gboolean
needs_trim (const char *value)
{
	gsize len = strlen (value);

	return len > 0 && (g_ascii_isspace (value[0]) || g_ascii_isspace (value[len - 1]));
}

void
artemis_group_batch_trim (ArtemisStorageRecord *record)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);

	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];
		const char *value = artemis_storage_record_get_string (record, field);
		g_autofree char *trimmed = NULL;

		/* Most values have nothing to trim: no copy for them, as a batch trims every row it writes. */
		if (!artemis_storage_field_is_nocase (field) || value == NULL || !needs_trim (value))
			continue;
		trimmed = g_strstrip (g_strdup (value));
		artemis_storage_record_set_string (record, field, trimmed);
	}
}

/* ---- checks ------------------------------------------------------------ */

static void
set_member_error (GError **error, const char *list, guint index, const char *member, const char *problem)
{
	if (list == NULL)
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s %s", member, problem);
	else if (index == ARTEMIS_GROUP_NO_INDEX)
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s.%s %s", list, member, problem);
	else if (member == NULL)
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s[%u] %s", list, index, problem);
	else
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s[%u].%s %s", list, index, member,
			     problem);
}

gboolean
artemis_group_check_present (const ArtemisStorageRecord *record, ArtemisStorageField field, const char *list,
			     guint index, GError **error)
{
	gboolean present = artemis_storage_field_is_integer (field)
				   ? artemis_storage_record_is_set (record, field)
				   : !artemis_str_is_blank (artemis_storage_record_get_string (record, field));

	if (!present)
		set_member_error (error, list, index, artemis_storage_field_get_json_name (field),
				  artemis_storage_field_is_integer (field) ? "is null" : "is null or empty");
	return present;
}

gboolean
artemis_group_check_fields (const ArtemisStorageRecord *record, const ArtemisStorageField *fields, gsize n_fields,
			    const char *list, guint index, GError **error)
{
	for (gsize i = 0; i < n_fields; i++) {
		if (!artemis_group_check_present (record, fields[i], list, index, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
artemis_group_check_list (gconstpointer list, guint len, const char *name, GError **error)
{
	if (list != NULL && len > 0)
		return TRUE;
	set_member_error (error, NULL, 0, name, "is null or empty");
	return FALSE;
}

gboolean
artemis_group_check_element (gconstpointer element, const char *name, guint index, GError **error)
{
	if (element != NULL)
		return TRUE;
	set_member_error (error, name, index, NULL, "is null");
	return FALSE;
}

ArtemisStorageRecord *
artemis_group_copy_element (const ArtemisGroupRequest *request, ArtemisStorageKind kind, const char *name,
			    guint index, GError **error)
{
	const ArtemisStorageRecord *element = g_ptr_array_index (request->lists[kind], index);
	ArtemisStorageRecord *copy;

	if (!artemis_group_check_element (element, name, index, error))
		return NULL;
	copy = artemis_storage_record_copy (element);
	copy->id = 0;
	artemis_group_batch_trim (copy);
	return copy;
}

gboolean
artemis_group_check_exists (ArtemisGroupBatch *batch, ArtemisStorageKind kind, gint64 id, const char *what,
			    guint index, const char *member, GError **error)
{
	g_autofree char *problem = NULL;

	if (artemis_group_batch_get (batch, kind, id) != NULL)
		return TRUE;
	problem = g_strdup_printf ("%" G_GINT64_FORMAT " does not exist", id);
	set_member_error (error, what, index, member, problem);
	return FALSE;
}

GArray *
artemis_group_check_ids (const ArtemisGroupRequest *request, ArtemisStorageKind kind, const char *name,
			 GError **error)
{
	GArray *ids = request->ids[kind];

	if (!artemis_group_check_list (ids, ids != NULL ? ids->len : 0, name, error))
		return NULL;
	for (guint i = 0; i < ids->len; i++) {
		if (g_array_index (ids, gint64, i) == ARTEMIS_GROUP_REQUEST_NULL_ID) {
			set_member_error (error, name, i, NULL, "is null");
			return NULL;
		}
	}
	return ids;
}
