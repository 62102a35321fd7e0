/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-error.h"
#include "artemis-group-batch-private.h"
#include "artemis-group-writes.h"

/*
 * Groups, their tags, operations and members, and logical instances
 * (protocol §3.8, §9.3–§9.7). Route rules are in artemis-route-rule-writes.c.
 */

#define FIELD(name) ARTEMIS_STORAGE_FIELD_##name

/* What insert-groups requires of each group (protocol §3.8). */
static const ArtemisStorageField group_fields[] = {
	FIELD (SERVICE_ID), FIELD (REGION_ID), FIELD (ZONE_ID), FIELD (NAME), FIELD (APP_ID), FIELD (STATUS),
};

/* What insert-service-instances requires of each instance (protocol §3.8). */
static const ArtemisStorageField logic_instance_fields[] = {
	FIELD (SERVICE_ID), FIELD (INSTANCE_ID), FIELD (GROUP_NAME),	   FIELD (IP),	FIELD (MACHINE_NAME),
	FIELD (PROTOCOL),   FIELD (REGION_ID),	 FIELD (ZONE_ID), FIELD (HEALTH_CHECK_URL), FIELD (URL),
	FIELD (METADATA),
};

static gboolean
check_records (const ArtemisGroupRequest *request, ArtemisStorageKind kind, const char *name, GError **error)
{
	GPtrArray *list = request->lists[kind];

	return artemis_group_check_list (list, list != NULL ? list->len : 0, name, error);
}

/* ---- groups ------------------------------------------------------------ */

/* Puts @group (taken) not deleted, and logs it. */
static const ArtemisStorageRecord *
put_group (ArtemisGroupBatch *batch, ArtemisStorageRecord *group)
{
	const ArtemisStorageRecord *row;

	artemis_storage_record_set_boolean (group, ARTEMIS_STORAGE_FIELD_DELETED, FALSE);
	row = artemis_group_batch_put (batch, group);
	artemis_group_batch_log (batch, ARTEMIS_STORAGE_GROUP_LOG, row);
	return row;
}

GPtrArray *
artemis_group_writes_upsert_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };

	if (!check_records (request, ARTEMIS_STORAGE_SERVICE_GROUP, "groups", error))
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < request->lists[ARTEMIS_STORAGE_SERVICE_GROUP]->len; i++) {
		g_autoptr (ArtemisStorageRecord) group =
			artemis_group_copy_element (request, ARTEMIS_STORAGE_SERVICE_GROUP, "groups", i, error);

		if (group == NULL ||
		    !artemis_group_check_fields (group, group_fields, G_N_ELEMENTS (group_fields), "groups", i, error))
			return NULL;
		put_group (&batch, g_steal_pointer (&group));
	}
	return artemis_group_batch_steal (&batch, error);
}

/* Deletes softly (groups, rules) or for good every existing row named by the `…Ids` list @name. */
static GPtrArray *
delete_by_ids (ArtemisGroups *groups, const ArtemisGroupRequest *request, ArtemisStorageKind kind,
	       const char *name, ArtemisStorageKind log_kind, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	GArray *ids = artemis_group_check_ids (request, kind, name, error);

	if (ids == NULL)
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < ids->len; i++) {
		gint64 id = g_array_index (ids, gint64, i);
		const ArtemisStorageRecord *row = artemis_group_batch_get (&batch, kind, id);
		ArtemisStorageRecord *log;
		ArtemisStorageRecord *copy;

		if (row == NULL)
			continue;
		if (artemis_group_kind_is_soft_deleted (kind)) {
			copy = artemis_storage_record_copy (row);
			artemis_storage_record_set_boolean (copy, ARTEMIS_STORAGE_FIELD_DELETED, TRUE);
			row = artemis_group_batch_put (&batch, copy);
		} else {
			artemis_group_batch_delete (&batch, row);
		}
		log = artemis_group_batch_log (&batch, log_kind, row);
		/* A route-rule group's log carries its unreleased weight (protocol §9.11). */
		if (kind == ARTEMIS_STORAGE_ROUTE_RULE_GROUP)
			artemis_group_log_set_weight (log, row, ARTEMIS_STORAGE_FIELD_UNRELEASED_WEIGHT);
	}
	return artemis_group_batch_steal (&batch, error);
}

GPtrArray *
artemis_group_writes_delete_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	return delete_by_ids (groups, request, ARTEMIS_STORAGE_SERVICE_GROUP, "groupIds", ARTEMIS_STORAGE_GROUP_LOG,
			      error);
}

GPtrArray *
artemis_group_writes_delete_rules (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	return delete_by_ids (groups, request, ARTEMIS_STORAGE_ROUTE_RULE, "routeRuleIds",
			      ARTEMIS_STORAGE_ROUTE_RULE_LOG, error);
}

GPtrArray *
artemis_group_writes_delete_rule_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	return delete_by_ids (groups, request, ARTEMIS_STORAGE_ROUTE_RULE_GROUP, "routeRuleGroupIds",
			      ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG, error);
}

GPtrArray *
artemis_group_writes_delete_members (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	return delete_by_ids (groups, request, ARTEMIS_STORAGE_GROUP_INSTANCE, "groupInstanceIds",
			      ARTEMIS_STORAGE_GROUP_INSTANCE_LOG, error);
}

GPtrArray *
artemis_group_writes_delete_logic_instances (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					     GError **error)
{
	return delete_by_ids (groups, request, ARTEMIS_STORAGE_SERVICE_INSTANCE, "serviceInstanceIds",
			      ARTEMIS_STORAGE_SERVICE_INSTANCE_LOG, error);
}

/* ---- tags and operations ----------------------------------------------- */

/* Element @index of @list (GroupTags or GroupOperations): present, of a group that exists. */
static const ArtemisGroupItems *
check_items (ArtemisGroupBatch *batch, GPtrArray *list, const char *name, guint index, GError **error)
{
	const ArtemisGroupItems *items = g_ptr_array_index (list, index);

	if (!artemis_group_check_element (items, name, index, error))
		return NULL;
	if (!items->has_group_id) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s[%u].groupId is null", name, index);
		return NULL;
	}
	if (!artemis_group_check_exists (batch, ARTEMIS_STORAGE_SERVICE_GROUP, items->group_id, name, index,
					 "groupId", error))
		return NULL;
	return items;
}

static ArtemisStorageRecord *
tag_new (gint64 group_id, const char *tag, const char *value)
{
	ArtemisStorageRecord *row = artemis_storage_record_new (ARTEMIS_STORAGE_GROUP_TAG);

	artemis_storage_record_set_int (row, ARTEMIS_STORAGE_FIELD_GROUP_ID, group_id);
	artemis_storage_record_set_string (row, ARTEMIS_STORAGE_FIELD_TAG, tag);
	artemis_storage_record_set_string (row, ARTEMIS_STORAGE_FIELD_VALUE, value);
	artemis_group_batch_trim (row);
	return row;
}

GPtrArray *
artemis_group_writes_upsert_tags (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	GPtrArray *list = request->group_tags;

	if (!artemis_group_check_list (list, list != NULL ? list->len : 0, "groupTagsList", error))
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < list->len; i++) {
		const ArtemisGroupItems *items = check_items (&batch, list, "groupTagsList", i, error);

		if (items == NULL)
			return NULL;
		/* Java skips tags without a key or a value (protocol §3.8). */
		for (guint j = 0; items->values != NULL && j + 1 < items->values->len; j += 2) {
			const char *tag = g_ptr_array_index (items->values, j);
			const char *value = g_ptr_array_index (items->values, j + 1);

			if (!artemis_str_is_blank (tag) && !artemis_str_is_blank (value))
				artemis_group_batch_put (&batch, tag_new (items->group_id, tag, value));
		}
	}
	if (batch.writes->len == 0) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "groupTagsList holds no tag with a key and a value");
		return NULL;
	}
	return artemis_group_batch_steal (&batch, error);
}

GPtrArray *
artemis_group_writes_delete_tags (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	g_autoptr (GPtrArray) rows = NULL;
	const ArtemisStorageRecord *filter = request->filter;

	/* Deleting every tag of every group is refused, as in Java (“forbidden operation.”). */
	if (!artemis_storage_record_is_set (filter, FIELD (GROUP_ID)) &&
	    !artemis_storage_record_is_set (filter, FIELD (TAG)) &&
	    !artemis_storage_record_is_set (filter, FIELD (VALUE))) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "groupId, tag and value are all null: forbidden operation.");
		return NULL;
	}
	artemis_group_batch_init (&batch, groups, &request->context);
	rows = artemis_groups_list (groups, filter);
	for (guint i = 0; i < rows->len; i++)
		artemis_group_batch_delete (&batch, g_ptr_array_index (rows, i));
	return artemis_group_batch_steal (&batch, error);
}

static ArtemisStorageRecord *
operation_new (gint64 group_id, const char *operation)
{
	ArtemisStorageRecord *row = artemis_storage_record_new (ARTEMIS_STORAGE_GROUP_OPERATION);

	artemis_storage_record_set_int (row, ARTEMIS_STORAGE_FIELD_GROUP_ID, group_id);
	artemis_storage_record_set_string (row, ARTEMIS_STORAGE_FIELD_OPERATION, operation);
	artemis_group_batch_trim (row);
	return row;
}

/* Adds (insert-ignore) or completes (removes) one group operation, logged with @complete. */
static void
operate (ArtemisGroupBatch *batch, gint64 group_id, const char *operation, gboolean complete)
{
	g_autoptr (ArtemisStorageRecord) key = operation_new (group_id, operation);
	const ArtemisStorageRecord *row = artemis_group_batch_find (batch, key);
	ArtemisStorageRecord *log;

	if (complete && row != NULL)
		artemis_group_batch_delete (batch, row);
	else if (!complete && row == NULL)
		artemis_group_batch_put (batch, artemis_storage_record_copy (key));
	log = artemis_group_batch_log (batch, ARTEMIS_STORAGE_GROUP_OPERATION_LOG, key);
	artemis_storage_record_set_boolean (log, ARTEMIS_STORAGE_FIELD_COMPLETE, complete);
}

static gboolean
check_operation_names (const ArtemisGroupItems *items, guint index, GError **error)
{
	if (items->values == NULL || items->values->len == 0) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
			     "groupOperationsList[%u].operations is null or empty", index);
		return FALSE;
	}
	for (guint j = 0; j < items->values->len; j++) {
		if (artemis_str_is_blank (g_ptr_array_index (items->values, j))) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "groupOperationsList[%u].operations[%u] is null or empty", index, j);
			return FALSE;
		}
	}
	return TRUE;
}

/* An empty list is a success that changes nothing, as in Java (protocol §3.8). */
GPtrArray *
artemis_group_writes_operate_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	GPtrArray *list = request->group_operations;

	if (list == NULL) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "groupOperationsList is null");
		return NULL;
	}
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < list->len; i++) {
		const ArtemisGroupItems *items = check_items (&batch, list, "groupOperationsList", i, error);

		if (items == NULL || !check_operation_names (items, i, error))
			return NULL;
		for (guint j = 0; j < items->values->len; j++)
			operate (&batch, items->group_id, g_ptr_array_index (items->values, j),
				 request->operation_complete);
	}
	return artemis_group_batch_steal (&batch, error);
}

/* The group of operate-group-operation, created (or un-deleted) when an operation is added to it. */
static const ArtemisStorageRecord *
group_to_operate (ArtemisGroupBatch *batch, const ArtemisStorageRecord *filter, gboolean complete, GError **error)
{
	static const ArtemisStorageField key_fields[] = { FIELD (SERVICE_ID), FIELD (REGION_ID), FIELD (ZONE_ID),
							  FIELD (NAME) };
	static const ArtemisStorageField new_fields[] = { FIELD (APP_ID), FIELD (STATUS) };
	g_autoptr (ArtemisStorageRecord) group = artemis_storage_record_copy (filter);
	const ArtemisStorageRecord *row;
	ArtemisStorageRecord *undeleted;

	group->id = 0;
	artemis_group_batch_trim (group);
	if (!artemis_group_check_fields (group, key_fields, G_N_ELEMENTS (key_fields), NULL, 0, error))
		return NULL;
	row = artemis_group_batch_find (batch, group);
	if (row != NULL && !artemis_storage_record_get_boolean (row, ARTEMIS_STORAGE_FIELD_DELETED))
		return row;
	/* Nothing to complete on a group that is not there. */
	if (complete)
		return NULL;
	if (row != NULL) {
		undeleted = artemis_storage_record_copy (row);
		return put_group (batch, undeleted);
	}
	if (!artemis_group_check_fields (group, new_fields, G_N_ELEMENTS (new_fields), NULL, 0, error))
		return NULL;
	return put_group (batch, g_steal_pointer (&group));
}

GPtrArray *
artemis_group_writes_operate_group (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	const ArtemisStorageRecord *group;
	GError *local = NULL;

	artemis_group_batch_init (&batch, groups, &request->context);
	group = group_to_operate (&batch, request->filter, request->operation_complete, &local);
	if (local != NULL) {
		g_propagate_error (error, local);
		return NULL;
	}
	if (group != NULL)
		operate (&batch, group->id, request->context.operation, request->operation_complete);
	return artemis_group_batch_steal (&batch, error);
}

/* ---- members and logical instances ------------------------------------- */

GPtrArray *
artemis_group_writes_insert_members (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	static const ArtemisStorageField fields[] = { FIELD (GROUP_ID), FIELD (INSTANCE_ID) };
	g_auto (ArtemisGroupBatch) batch = { NULL };

	if (!check_records (request, ARTEMIS_STORAGE_GROUP_INSTANCE, "groupInstances", error))
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < request->lists[ARTEMIS_STORAGE_GROUP_INSTANCE]->len; i++) {
		g_autoptr (ArtemisStorageRecord) member =
			artemis_group_copy_element (request, ARTEMIS_STORAGE_GROUP_INSTANCE, "groupInstances", i, error);

		if (member == NULL ||
		    !artemis_group_check_fields (member, fields, G_N_ELEMENTS (fields), "groupInstances", i, error) ||
		    !artemis_group_check_exists (&batch, ARTEMIS_STORAGE_SERVICE_GROUP,
						 artemis_storage_record_get_int (member, FIELD (GROUP_ID)),
						 "groupInstances", i, "groupId", error))
			return NULL;
		if (artemis_group_batch_find (&batch, member) == NULL)
			artemis_group_batch_put (&batch, artemis_storage_record_copy (member));
		artemis_group_batch_log (&batch, ARTEMIS_STORAGE_GROUP_INSTANCE_LOG, member);
	}
	return artemis_group_batch_steal (&batch, error);
}

GPtrArray *
artemis_group_writes_upsert_logic_instances (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					     GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };

	if (!check_records (request, ARTEMIS_STORAGE_SERVICE_INSTANCE, "serviceInstances", error))
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < request->lists[ARTEMIS_STORAGE_SERVICE_INSTANCE]->len; i++) {
		g_autoptr (ArtemisStorageRecord) instance =
			artemis_group_copy_element (request, ARTEMIS_STORAGE_SERVICE_INSTANCE, "serviceInstances", i, error);
		const ArtemisStorageRecord *row;

		if (instance == NULL || !artemis_group_check_fields (instance, logic_instance_fields,
								     G_N_ELEMENTS (logic_instance_fields),
								     "serviceInstances", i, error))
			return NULL;
		/* `port` is a Java int: absent is 0. */
		if (!artemis_storage_record_is_set (instance, FIELD (PORT)))
			artemis_storage_record_set_int (instance, FIELD (PORT), 0);
		row = artemis_group_batch_put (&batch, g_steal_pointer (&instance));
		artemis_group_batch_log (&batch, ARTEMIS_STORAGE_SERVICE_INSTANCE_LOG, row);
	}
	return artemis_group_batch_steal (&batch, error);
}

/* ---- new rows ---------------------------------------------------------- */

static guint
list_length (GPtrArray *list)
{
	return list != NULL ? list->len : 0;
}

/* The values of every element of @list (ArtemisGroupItems), @per_row to a row. */
static guint
count_item_values (GPtrArray *list, guint per_row)
{
	guint count = 0;

	for (guint i = 0; list != NULL && i < list->len; i++) {
		const ArtemisGroupItems *items = g_ptr_array_index (list, i);

		if (items != NULL && items->values != NULL)
			count += items->values->len / per_row;
	}
	return count;
}

/*
 * Each kind's bound is the most any one write function creates: one row
 * per element of the list it puts (a delete puts only rows that exist, and
 * a release only updates), and the single rows operate-group-operation,
 * create-route-rule and update-canary-ips may create besides.
 */
void
artemis_group_writes_count_new_rows (const ArtemisGroupRequest *request, guint *new_rows)
{
	guint groups = list_length (request->lists[ARTEMIS_STORAGE_SERVICE_GROUP]);

	memset (new_rows, 0, ARTEMIS_STORAGE_N_KINDS * sizeof (guint));
	/* insert-groups, create-route-rule: one per group; operate-group-operation, canary: one. */
	new_rows[ARTEMIS_STORAGE_SERVICE_GROUP] = MAX (groups, 1);
	/* insert-route-rules: one per rule; create-route-rule, canary: one. */
	new_rows[ARTEMIS_STORAGE_ROUTE_RULE] = MAX (list_length (request->lists[ARTEMIS_STORAGE_ROUTE_RULE]), 1);
	/* insert-route-rule-groups: one per element; create-route-rule: one per group; canary: one. */
	new_rows[ARTEMIS_STORAGE_ROUTE_RULE_GROUP] =
		MAX (MAX (list_length (request->lists[ARTEMIS_STORAGE_ROUTE_RULE_GROUP]), groups), 1);
	/* insert-group-tags: one per key and value. */
	new_rows[ARTEMIS_STORAGE_GROUP_TAG] = count_item_values (request->group_tags, 2);
	/* operate-group-operations: one per operation name; operate-group-operation: one. */
	new_rows[ARTEMIS_STORAGE_GROUP_OPERATION] = MAX (count_item_values (request->group_operations, 1), 1);
	/* insert-group-instances: one per member; canary: one per IP. */
	new_rows[ARTEMIS_STORAGE_GROUP_INSTANCE] =
		MAX (list_length (request->lists[ARTEMIS_STORAGE_GROUP_INSTANCE]), list_length (request->canary_ips));
	new_rows[ARTEMIS_STORAGE_SERVICE_INSTANCE] = list_length (request->lists[ARTEMIS_STORAGE_SERVICE_INSTANCE]);
}
