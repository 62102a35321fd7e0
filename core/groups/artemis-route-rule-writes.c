/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-error.h"
#include "artemis-group-batch-private.h"
#include "artemis-group-writes.h"
#include "artemis-route-rules.h"

/*
 * Route rules, their groups and the release flow, create-route-rule and
 * canary (protocol §3.8, §3.10, §9.8, §9.9). Groups and the rest are in
 * artemis-group-writes.c.
 */

#define FIELD(name) ARTEMIS_STORAGE_FIELD_##name
#define CANARY_ZONE "canary"
#define CANARY_WEIGHT 5

static const ArtemisStorageField rule_fields[] = { FIELD (SERVICE_ID), FIELD (NAME), FIELD (STATUS),
						   FIELD (STRATEGY) };
static const ArtemisStorageField rule_group_fields[] = { FIELD (ROUTE_RULE_ID), FIELD (GROUP_ID) };
static const ArtemisStorageField weighted_group_fields[] = {
	FIELD (SERVICE_ID), FIELD (REGION_ID), FIELD (ZONE_ID), FIELD (NAME), FIELD (APP_ID), FIELD (STATUS),
};

static GPtrArray *
checked_list (const ArtemisGroupRequest *request, ArtemisStorageKind kind, const char *name, GError **error)
{
	GPtrArray *list = request->lists[kind];

	return artemis_group_check_list (list, list != NULL ? list->len : 0, name, error) ? list : NULL;
}

/* Puts @row (taken) not deleted, and logs it in @log_kind. */
static const ArtemisStorageRecord *
put_alive (ArtemisGroupBatch *batch, ArtemisStorageRecord *row, ArtemisStorageKind log_kind)
{
	const ArtemisStorageRecord *written;

	artemis_storage_record_set_boolean (row, FIELD (DELETED), FALSE);
	written = artemis_group_batch_put (batch, row);
	artemis_group_batch_log (batch, log_kind, written);
	return written;
}

/*
 * The row with @wanted's key, put when missing; an existing one is only
 * un-deleted, not updated (protocol §3.8 create-route-rule, §3.10). With @log,
 * logged in @log_kind either way.
 */
static const ArtemisStorageRecord *
ensure (ArtemisGroupBatch *batch, const ArtemisStorageRecord *wanted, ArtemisStorageKind log_kind, gboolean log)
{
	const ArtemisStorageRecord *row = artemis_group_batch_find (batch, wanted);
	ArtemisStorageRecord *copy = artemis_storage_record_copy (row != NULL ? row : wanted);

	if (row != NULL && !artemis_storage_record_get_boolean (row, FIELD (DELETED))) {
		artemis_storage_record_free (copy);
		if (log)
			artemis_group_batch_log (batch, log_kind, row);
		return row;
	}
	if (log)
		return put_alive (batch, copy, log_kind);
	artemis_storage_record_set_boolean (copy, FIELD (DELETED), FALSE);
	return artemis_group_batch_put (batch, copy);
}

/* ---- route rules ------------------------------------------------------- */

GPtrArray *
artemis_group_writes_upsert_rules (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	GPtrArray *list = checked_list (request, ARTEMIS_STORAGE_ROUTE_RULE, "routeRules", error);

	if (list == NULL)
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < list->len; i++) {
		g_autoptr (ArtemisStorageRecord) rule =
			artemis_group_copy_element (request, ARTEMIS_STORAGE_ROUTE_RULE, "routeRules", i, error);

		if (rule == NULL ||
		    !artemis_group_check_fields (rule, rule_fields, G_N_ELEMENTS (rule_fields), "routeRules", i, error))
			return NULL;
		put_alive (&batch, g_steal_pointer (&rule), ARTEMIS_STORAGE_ROUTE_RULE_LOG);
	}
	return artemis_group_batch_steal (&batch, error);
}

/* ---- route-rule groups and the release flow (protocol §9.9) ---------------- */

/* Element @index of `routeRuleGroups`: rule and group ids present, both rows there. */
static ArtemisStorageRecord *
rule_group_element (ArtemisGroupBatch *batch, const ArtemisGroupRequest *request, guint index, GError **error)
{
	g_autoptr (ArtemisStorageRecord) element =
		artemis_group_copy_element (request, ARTEMIS_STORAGE_ROUTE_RULE_GROUP, "routeRuleGroups", index, error);

	if (element == NULL ||
	    !artemis_group_check_fields (element, rule_group_fields, G_N_ELEMENTS (rule_group_fields),
					 "routeRuleGroups", index, error) ||
	    !artemis_group_check_exists (batch, ARTEMIS_STORAGE_ROUTE_RULE,
					 artemis_storage_record_get_int (element, FIELD (ROUTE_RULE_ID)),
					 "routeRuleGroups", index, "routeRuleId", error) ||
	    !artemis_group_check_exists (batch, ARTEMIS_STORAGE_SERVICE_GROUP,
					 artemis_storage_record_get_int (element, FIELD (GROUP_ID)), "routeRuleGroups",
					 index, "groupId", error))
		return NULL;
	return g_steal_pointer (&element);
}

/* Sets (or clears) the unreleased weight of the rule's group; the released one stays. */
static void
propose_weight (ArtemisGroupBatch *batch, const ArtemisStorageRecord *key, const ArtemisStorageRecord *weight_from,
		ArtemisStorageField weight_field)
{
	const ArtemisStorageRecord *old = artemis_group_batch_find (batch, key);
	ArtemisStorageRecord *row = old != NULL ? artemis_storage_record_copy (old)
						: artemis_group_batch_key_of (ARTEMIS_STORAGE_ROUTE_RULE_GROUP, key);
	ArtemisStorageRecord *log;

	if (artemis_storage_record_is_set (weight_from, weight_field))
		artemis_storage_record_set_int (row, FIELD (UNRELEASED_WEIGHT),
						artemis_storage_record_get_int (weight_from, weight_field));
	else
		artemis_storage_record_unset (row, FIELD (UNRELEASED_WEIGHT));
	artemis_group_batch_put (batch, row);
	log = artemis_group_batch_log (batch, ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG, key);
	artemis_group_log_set_weight (log, weight_from, weight_field);
}

GPtrArray *
artemis_group_writes_upsert_rule_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	GPtrArray *list = checked_list (request, ARTEMIS_STORAGE_ROUTE_RULE_GROUP, "routeRuleGroups", error);

	if (list == NULL)
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < list->len; i++) {
		g_autoptr (ArtemisStorageRecord) element = rule_group_element (&batch, request, i, error);

		if (element == NULL)
			return NULL;
		/* The request's `weight` is ignored: only a release sets the served weight. */
		propose_weight (&batch, element, element, FIELD (UNRELEASED_WEIGHT));
	}
	return artemis_group_batch_steal (&batch, error);
}

GPtrArray *
artemis_group_writes_release_rule_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					  GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	GPtrArray *list = checked_list (request, ARTEMIS_STORAGE_ROUTE_RULE_GROUP, "routeRuleGroups", error);

	if (list == NULL)
		return NULL;
	artemis_group_batch_init (&batch, groups, &request->context);
	for (guint i = 0; i < list->len; i++) {
		g_autoptr (ArtemisStorageRecord) element = rule_group_element (&batch, request, i, error);
		const ArtemisStorageRecord *row = element != NULL ? artemis_group_batch_find (&batch, element) : NULL;
		ArtemisStorageRecord *released;
		ArtemisStorageRecord *log;

		if (element == NULL)
			return NULL;
		if (row == NULL) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "routeRuleGroups[%u]: group %" G_GINT64_FORMAT " is not in route rule "
				     "%" G_GINT64_FORMAT,
				     i, artemis_storage_record_get_int (element, FIELD (GROUP_ID)),
				     artemis_storage_record_get_int (element, FIELD (ROUTE_RULE_ID)));
			return NULL;
		}
		released = artemis_storage_record_copy (row);
		artemis_group_log_set_weight (released, row, FIELD (UNRELEASED_WEIGHT));
		artemis_group_batch_put (&batch, released);
		/* The log carries the request's weight (protocol §9.11), usually none. */
		log = artemis_group_batch_log (&batch, ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG, element);
		artemis_group_log_set_weight (log, element, FIELD (UNRELEASED_WEIGHT));
	}
	return artemis_group_batch_steal (&batch, error);
}

/* ---- create-route-rule ------------------------------------------------- */

static gboolean
check_weighted_group (const ArtemisGroupRequest *request, const ArtemisStorageRecord *rule,
		      const ArtemisStorageRecord *group, guint index, GError **error)
{
	const char *rule_service = artemis_storage_record_get_string (rule, FIELD (SERVICE_ID));
	const char *service = artemis_storage_record_get_string (group, FIELD (SERVICE_ID));

	if (g_array_index (request->weights, gint64, index) == G_MININT64) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "groups[%u].weight is null", index);
		return FALSE;
	}
	if (!artemis_group_check_fields (group, weighted_group_fields, G_N_ELEMENTS (weighted_group_fields),
					 "groups", index, error))
		return FALSE;
	if (g_ascii_strcasecmp (service, rule_service) != 0) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
			     "groups[%u].serviceId %s is not the route rule's serviceId %s", index, service,
			     rule_service);
		return FALSE;
	}
	return TRUE;
}

/* The rule, checked and trimmed. */
static ArtemisStorageRecord *
create_rule_element (const ArtemisGroupRequest *request, GError **error)
{
	g_autoptr (ArtemisStorageRecord) rule = NULL;
	GPtrArray *groups = request->lists[ARTEMIS_STORAGE_SERVICE_GROUP];

	if (request->route_rule == NULL) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "routeRule is null");
		return NULL;
	}
	rule = artemis_storage_record_copy (request->route_rule);
	rule->id = 0;
	artemis_group_batch_trim (rule);
	if (!artemis_group_check_fields (rule, rule_fields, G_N_ELEMENTS (rule_fields), "routeRule",
					 ARTEMIS_GROUP_NO_INDEX, error) ||
	    !artemis_group_check_list (groups, groups != NULL ? groups->len : 0, "groups", error))
		return NULL;
	return g_steal_pointer (&rule);
}

GPtrArray *
artemis_group_writes_create_rule (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	g_autoptr (ArtemisStorageRecord) wanted = create_rule_element (request, error);
	GPtrArray *list = request->lists[ARTEMIS_STORAGE_SERVICE_GROUP];
	const ArtemisStorageRecord *rule;

	if (wanted == NULL)
		return NULL;
	for (guint i = 0; i < list->len; i++) {
		const ArtemisStorageRecord *group = g_ptr_array_index (list, i);
		g_autoptr (ArtemisStorageRecord) trimmed = NULL;

		if (!artemis_group_check_element (group, "groups", i, error))
			return NULL;
		trimmed = artemis_storage_record_copy (group);
		artemis_group_batch_trim (trimmed);
		if (!check_weighted_group (request, wanted, trimmed, i, error))
			return NULL;
	}
	artemis_group_batch_init (&batch, groups, &request->context);
	rule = ensure (&batch, wanted, ARTEMIS_STORAGE_ROUTE_RULE_LOG, TRUE);
	for (guint i = 0; i < list->len; i++) {
		g_autoptr (ArtemisStorageRecord) group = artemis_storage_record_copy (g_ptr_array_index (list, i));
		g_autoptr (ArtemisStorageRecord) key = artemis_storage_record_new (ARTEMIS_STORAGE_ROUTE_RULE_GROUP);
		const ArtemisStorageRecord *row;

		group->id = 0;
		artemis_group_batch_trim (group);
		row = ensure (&batch, group, ARTEMIS_STORAGE_GROUP_LOG, TRUE);
		artemis_storage_record_set_int (key, FIELD (ROUTE_RULE_ID), rule->id);
		artemis_storage_record_set_int (key, FIELD (GROUP_ID), row->id);
		artemis_storage_record_set_int (key, FIELD (UNRELEASED_WEIGHT),
						g_array_index (request->weights, gint64, i));
		propose_weight (&batch, key, key, FIELD (UNRELEASED_WEIGHT));
	}
	return artemis_group_batch_steal (&batch, error);
}

/* ---- canary (protocol §3.10, §8.4) ----------------------------------------- */

static gboolean
check_canary (const ArtemisGroupRequest *request, GError **error)
{
	static const ArtemisStorageField fields[] = { FIELD (SERVICE_ID), FIELD (APP_ID) };
	GPtrArray *ips = request->canary_ips;

	if (!artemis_group_check_fields (request->filter, fields, G_N_ELEMENTS (fields), NULL, 0, error))
		return FALSE;
	if (ips == NULL) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "canaryIps is null");
		return FALSE;
	}
	for (guint i = 0; i < ips->len; i++) {
		if (artemis_str_is_blank (g_ptr_array_index (ips, i))) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "canaryIps[%u] is null or empty",
				     i);
			return FALSE;
		}
	}
	return TRUE;
}

static const ArtemisStorageRecord *
ensure_canary_rule (ArtemisGroupBatch *batch, const char *service_id)
{
	g_autoptr (ArtemisStorageRecord) rule = artemis_storage_record_new (ARTEMIS_STORAGE_ROUTE_RULE);

	artemis_storage_record_set_string (rule, FIELD (SERVICE_ID), service_id);
	artemis_storage_record_set_string (rule, FIELD (NAME), ARTEMIS_ROUTE_RULE_CANARY);
	artemis_storage_record_set_string (rule, FIELD (STATUS), "active");
	artemis_storage_record_set_string (rule, FIELD (STRATEGY), ARTEMIS_STRATEGY_WEIGHTED_ROUND_ROBIN);
	return ensure (batch, rule, ARTEMIS_STORAGE_ROUTE_RULE_LOG, FALSE);
}

static const ArtemisStorageRecord *
ensure_canary_group (ArtemisGroupBatch *batch, const char *service_id, const char *app_id)
{
	ArtemisNode *node = artemis_registry_get_node (artemis_groups_get_registry (batch->groups));
	g_autoptr (ArtemisStorageRecord) group = artemis_storage_record_new (ARTEMIS_STORAGE_SERVICE_GROUP);

	artemis_storage_record_set_string (group, FIELD (SERVICE_ID), service_id);
	artemis_storage_record_set_string (group, FIELD (REGION_ID), artemis_node_get_region_id (node));
	artemis_storage_record_set_string (group, FIELD (ZONE_ID), CANARY_ZONE);
	artemis_storage_record_set_string (group, FIELD (NAME), app_id);
	artemis_storage_record_set_string (group, FIELD (APP_ID), app_id);
	artemis_storage_record_set_string (group, FIELD (STATUS), "active");
	return ensure (batch, group, ARTEMIS_STORAGE_GROUP_LOG, FALSE);
}

/* Java looks the route-rule group up by the group alone (protocol §3.10). */
static void
ensure_canary_rule_group (ArtemisGroupBatch *batch, gint64 rule_id, gint64 group_id)
{
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_ROUTE_RULE_GROUP);
	g_autoptr (GPtrArray) existing = NULL;
	ArtemisStorageRecord *row;

	artemis_storage_record_set_int (filter, FIELD (GROUP_ID), group_id);
	existing = artemis_groups_list (batch->groups, filter);
	if (existing->len > 0)
		return;
	row = artemis_storage_record_new (ARTEMIS_STORAGE_ROUTE_RULE_GROUP);
	artemis_storage_record_set_int (row, FIELD (ROUTE_RULE_ID), rule_id);
	artemis_storage_record_set_int (row, FIELD (GROUP_ID), group_id);
	artemis_storage_record_set_int (row, FIELD (UNRELEASED_WEIGHT), CANARY_WEIGHT);
	artemis_group_batch_put (batch, row);
}

static ArtemisStorageRecord *
member_new (gint64 group_id, const char *instance_id)
{
	ArtemisStorageRecord *member = artemis_storage_record_new (ARTEMIS_STORAGE_GROUP_INSTANCE);

	artemis_storage_record_set_int (member, FIELD (GROUP_ID), group_id);
	artemis_storage_record_set_string (member, FIELD (INSTANCE_ID), instance_id);
	artemis_group_batch_trim (member);
	return member;
}

/* The group's members become exactly @ips: the others removed, the missing added, each logged. */
static void
set_members (ArtemisGroupBatch *batch, gint64 group_id, GPtrArray *ips)
{
	g_autoptr (ArtemisStorageRecord) filter = member_new (group_id, NULL);
	g_autoptr (GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GPtrArray) members = NULL;

	for (guint i = 0; i < ips->len; i++) {
		g_autoptr (ArtemisStorageRecord) member = member_new (group_id, g_ptr_array_index (ips, i));

		g_hash_table_add (wanted, artemis_group_row_get_identity (member));
		if (artemis_group_batch_find (batch, member) != NULL)
			continue;
		artemis_group_batch_put (batch, artemis_storage_record_copy (member));
		artemis_group_batch_log (batch, ARTEMIS_STORAGE_GROUP_INSTANCE_LOG, member);
	}
	members = artemis_groups_list (batch->groups, filter);
	for (guint i = 0; i < members->len; i++) {
		const ArtemisStorageRecord *member = g_ptr_array_index (members, i);
		g_autofree char *identity = artemis_group_row_get_identity (member);

		if (g_hash_table_contains (wanted, identity))
			continue;
		artemis_group_batch_delete (batch, member);
		artemis_group_batch_log (batch, ARTEMIS_STORAGE_GROUP_INSTANCE_LOG, member);
	}
}

GPtrArray *
artemis_group_writes_update_canary_ips (ArtemisGroups *groups, const ArtemisGroupRequest *request, GError **error)
{
	g_auto (ArtemisGroupBatch) batch = { NULL };
	g_autofree char *service_id = NULL;
	g_autofree char *app_id = NULL;
	const ArtemisStorageRecord *rule;
	const ArtemisStorageRecord *group;

	if (!check_canary (request, error))
		return NULL;
	service_id = g_strstrip (g_strdup (artemis_storage_record_get_string (request->filter, FIELD (SERVICE_ID))));
	app_id = g_strstrip (g_strdup (artemis_storage_record_get_string (request->filter, FIELD (APP_ID))));
	artemis_group_batch_init (&batch, groups, &request->context);
	rule = ensure_canary_rule (&batch, service_id);
	group = ensure_canary_group (&batch, service_id, app_id);
	ensure_canary_rule_group (&batch, rule->id, group->id);
	set_members (&batch, group->id, request->canary_ips);
	return artemis_group_batch_steal (&batch, error);
}
