/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-core.h"
#include "artemis-filter-groups-plugin.h"
#include "artemis-filter-management-plugin.h"
#include "artemis-record-table.h"

/*
 * Core group state (protocol §7.2, §7.3 rule 4, §8.1, §9.3–§9.10) without HTTP
 * or a store: the row tables, the writes of a request, what discovery
 * serves through the group and management filters, which instances group
 * operations take down, and which changes push a reload.
 * JSON is written with ' for ".
 */

#define EPOCH G_GINT64_CONSTANT (1700000000000)
#define CTX "'extensions':'{}','operation':'op','operatorId':'ops1','reason':'r','token':'t'"
#define GROUP_IN(service, name, status)                                                                       \
	"{'appId':'1','name':'" name "','regionId':'SHA','serviceId':'" service "','status':'" status "',"     \
	"'zoneId':'SHA-Z1'}"

typedef struct {
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisChangeLog *log;
	ArtemisRegistry *registry;
	ArtemisDiscovery *discovery;
	ArtemisManagement *management;
	ArtemisGroups *groups;
	GString *reloads; /* "service " per reload */
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
	return EPOCH;
}

static void
on_change (ArtemisChange *change, gpointer user_data)
{
	Fixture *fixture = user_data;

	if (change->type == ARTEMIS_CHANGE_RELOAD)
		g_string_append_printf (fixture->reloads, "%s ", artemis_change_get_service_id (change));
}

static ArtemisInstance *
new_instance (const char *instance_id, const char *group_id, const char *zone_id)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, "SHA");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, zone_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, "demo.hello");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, instance_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_GROUP_ID, group_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, "u");
	return artemis_instance_builder_end (builder);
}

static void
add_filter (Fixture *fixture, GType type, const char *name)
{
	g_autoptr (ArtemisDiscoveryFilter) filter = g_object_new (type, "name", name, NULL);

	artemis_discovery_add_filter (fixture->discovery, filter);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	fixture->config = artemis_config_new ();
	g_assert_true (artemis_config_load_data (fixture->config, "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n",
						 &error));
	fixture->node = artemis_node_new (fixture->config, "http://127.0.0.1:8080/");
	fixture->log = artemis_change_log_new (1000);
	fixture->registry = artemis_registry_new (fixture->config, fixture->node, fixture->log);
	artemis_registry_set_clock (fixture->registry, fixture_clock, fixture);
	fixture->discovery = artemis_discovery_new (fixture->registry);
	fixture->management = artemis_management_new (fixture->registry);
	fixture->groups = artemis_management_get_groups (fixture->management);
	add_filter (fixture, ARTEMIS_TYPE_FILTER_GROUPS_PLUGIN, "filter-groups");
	add_filter (fixture, ARTEMIS_TYPE_FILTER_MANAGEMENT_PLUGIN, "filter-management");
	artemis_discovery_set_management (fixture->discovery, fixture->management);
	fixture->reloads = g_string_new (NULL);
	artemis_change_log_add_listener (fixture->log, on_change, fixture, NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
	g_string_free (fixture->reloads, TRUE);
	g_clear_object (&fixture->discovery);
	g_clear_object (&fixture->management);
	g_clear_object (&fixture->registry);
	g_clear_object (&fixture->log);
	g_clear_object (&fixture->node);
	artemis_config_free (fixture->config);
}

/* Test JSON is written with ' for ". */
static char *
json_of (const char *text)
{
	char *json = g_strdup (text);

	g_strdelimit (json, "'", '"');
	return json;
}

static ArtemisGroupRequest *
decode (const char *body, ArtemisStorageKind kind)
{
	g_autofree char *json = json_of (body);
	g_autoptr (GError) error = NULL;
	ArtemisGroupRequest *request = artemis_group_request_decode (json, strlen (json), kind, &error);

	g_assert_no_error (error);
	return request;
}

/* What a committed write does: the writes of @write for @body applied to the state. */
static void
apply (Fixture *fixture, ArtemisGroupWriteFunc write, const char *body)
{
	g_autoptr (ArtemisGroupRequest) request = decode (body, ARTEMIS_STORAGE_SERVICE_GROUP);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) writes = write (fixture->groups, request, &error);

	g_assert_no_error (error);
	artemis_management_apply (fixture->management, writes);
}

/* The discovered demo.hello, as JSON. */
static char *
discover (Fixture *fixture)
{
	g_autoptr (ArtemisDiscoveryConfig) config = artemis_discovery_config_new ("demo.hello");
	g_autoptr (ArtemisService) service = artemis_discovery_get_service (fixture->discovery, config, TRUE);
	ArtemisJsonWriter *writer = artemis_json_writer_new (1024);

	artemis_codec_write_service (writer, service);
	return artemis_json_writer_free_to_string (writer);
}

static void
assert_discovered (Fixture *fixture, const char *expected)
{
	g_autofree char *json = discover (fixture);
	g_autofree char *want = json_of (expected);

	g_assert_cmpstr (json, ==, want);
}

/* ---- the row table ----------------------------------------------------- */

static ArtemisStorageRecord *
tag_row (gint64 id, gint64 group, const char *tag, const char *value, gint64 time)
{
	ArtemisStorageRecord *row = artemis_storage_record_new (ARTEMIS_STORAGE_GROUP_TAG);

	row->id = id;
	row->create_time_ms = row->update_time_ms = time;
	artemis_storage_record_set_int (row, ARTEMIS_STORAGE_FIELD_GROUP_ID, group);
	artemis_storage_record_set_string (row, ARTEMIS_STORAGE_FIELD_TAG, tag);
	artemis_storage_record_set_string (row, ARTEMIS_STORAGE_FIELD_VALUE, value);
	return row;
}

static void
test_record_table (void)
{
	g_autoptr (ArtemisRecordTable) table = artemis_record_table_new (ARTEMIS_STORAGE_GROUP_TAG);
	g_autoptr (ArtemisStorageRecord) first = tag_row (1, 7, "Owner", "a", 10);
	g_autoptr (ArtemisStorageRecord) again = tag_row (9, 7, "OWNER", "b", 20);
	g_autoptr (ArtemisStorageRecord) other = tag_row (2, 8, "owner", "a", 10);
	g_autoptr (GPtrArray) rows = NULL;
	const ArtemisStorageRecord *found;

	g_assert_true (artemis_record_table_put (table, first));
	g_assert_false (artemis_record_table_put (table, first));
	g_assert_true (artemis_record_table_put (table, other));
	/* The store's upsert: same key ignoring case, the row keeps id, spelling and creation time. */
	g_assert_true (artemis_record_table_put (table, again));
	found = artemis_record_table_find (table, again);
	g_assert_cmpint (found->id, ==, 1);
	g_assert_cmpstr (artemis_storage_record_get_string (found, ARTEMIS_STORAGE_FIELD_TAG), ==, "Owner");
	g_assert_cmpstr (artemis_storage_record_get_string (found, ARTEMIS_STORAGE_FIELD_VALUE), ==, "b");
	g_assert_cmpint (found->create_time_ms, ==, 10);
	g_assert_cmpint (found->update_time_ms, ==, 20);
	g_assert_true (artemis_record_table_get (table, 9) == NULL);
	rows = artemis_record_table_list (table);
	g_assert_cmpuint (rows->len, ==, 2);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (rows, 1))->id, ==, 2);
	g_assert_cmpint (artemis_record_table_get_max_id (table), ==, 2);
	g_assert_true (artemis_record_table_remove (table, other));
	g_assert_false (artemis_record_table_remove (table, other));
	g_assert_cmpuint (artemis_record_table_size (table), ==, 1);
}

/* ---- the request codec -------------------------------------------------- */

static void
test_decode (void)
{
	g_autoptr (ArtemisGroupRequest) request =
		decode ("{'OPERATION':'op','operatorid':'o','token':'t','REASON':null,"
			"'groups':[{'appId':'1','groupKey':'ignored','groupId':4,'name':'blue','weight':80},null,"
			"{'name':'green','weight':null}],'groupIds':[1,null],'canaryIps':['a'],"
			"'serviceInstances':[{'metadata':{'k':'v','n':1},'port':80,'groupId':'blue'}],'serviceId':'s'}",
			ARTEMIS_STORAGE_SERVICE_GROUP);
	GPtrArray *groups = request->lists[ARTEMIS_STORAGE_SERVICE_GROUP];
	const ArtemisStorageRecord *blue = g_ptr_array_index (groups, 0);
	const ArtemisStorageRecord *logic = g_ptr_array_index (request->lists[ARTEMIS_STORAGE_SERVICE_INSTANCE], 0);
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);
	g_autofree char *json = NULL;

	g_assert_cmpstr (request->context.operation, ==, "op");
	g_assert_cmpstr (request->context.operator_id, ==, "o");
	/* Absent, Java's initial value; an explicit null stays null. */
	g_assert_cmpstr (request->context.extensions, ==, "{}");
	g_assert_null (request->context.reason);
	g_assert_cmpuint (groups->len, ==, 3);
	g_assert_cmpint (blue->id, ==, 4);
	g_assert_cmpstr (artemis_storage_record_get_string (blue, ARTEMIS_STORAGE_FIELD_NAME), ==, "blue");
	g_assert_null (g_ptr_array_index (groups, 1));
	g_assert_cmpint (g_array_index (request->weights, gint64, 0), ==, 80);
	g_assert_cmpint (g_array_index (request->weights, gint64, 2), ==, G_MININT64);
	g_assert_cmpint (g_array_index (request->ids[ARTEMIS_STORAGE_SERVICE_GROUP], gint64, 1), ==,
			 ARTEMIS_GROUP_REQUEST_NULL_ID);
	g_assert_cmpstr (artemis_storage_record_get_string (request->filter, ARTEMIS_STORAGE_FIELD_SERVICE_ID), ==,
			 "s");
	/* Metadata is kept as the JSON text Java stores; numbers become strings. */
	g_assert_cmpstr (artemis_storage_record_get_string (logic, ARTEMIS_STORAGE_FIELD_METADATA), ==,
			 "{\"k\":\"v\",\"n\":\"1\"}");
	g_assert_cmpstr (artemis_storage_record_get_string (logic, ARTEMIS_STORAGE_FIELD_GROUP_NAME), ==, "blue");
	artemis_group_codec_write_record (writer, blue);
	json = artemis_json_writer_free_to_string (writer);
	g_assert_cmpstr (json, ==,
			 "{\"appId\":\"1\",\"description\":null,\"groupId\":4,\"groupKey\":\"blue\",\"metadata\":null,"
			 "\"name\":\"blue\",\"regionId\":null,\"serviceId\":null,\"status\":null,\"zoneId\":null}");
}

/* ---- what discovery serves (protocol §8.1) --------------------------------- */

#define SERVED(key, weight) \
	"{'groupKey':'demo.hello/sha/sha-z1/" key "','instanceIds':null,'instances':null,'metadata':null,'weight':" weight "}"
#define SERVICE(instances, logic, rules)                                                                     \
	"{'instances':[" instances "],'logicInstances':[" logic "],'metadata':null,'routeRules':[" rules "]," \
	"'serviceId':'demo.hello'}"

static void
build_rule (Fixture *fixture)
{
	apply (fixture, artemis_group_writes_upsert_groups,
	       "{" CTX ",'groups':[" GROUP_IN ("demo.hello", "a", "active") "," GROUP_IN ("demo.hello", "b", "Active")
	       "," GROUP_IN ("demo.hello", "c", "active") "," GROUP_IN ("demo.hello", "d", "inactive") "]}");
	apply (fixture, artemis_group_writes_upsert_rules,
	       "{" CTX ",'routeRules':[{'name':'r','serviceId':'demo.hello','status':'ACTIVE','strategy':'s'},"
	       "{'name':'off','serviceId':'demo.hello','status':'inactive','strategy':'s'}]}");
	apply (fixture, artemis_group_writes_upsert_rule_groups,
	       "{" CTX ",'routeRuleGroups':[{'routeRuleId':1,'groupId':1,'unreleasedWeight':20000},"
	       "{'routeRuleId':1,'groupId':2,'unreleasedWeight':-3},{'routeRuleId':1,'groupId':3,'unreleasedWeight':0},"
	       "{'routeRuleId':1,'groupId':4,'unreleasedWeight':9},{'routeRuleId':2,'groupId':1,'unreleasedWeight':9}]}");
}

static void
test_served_rules (Fixture *fixture, gconstpointer data)
{
	build_rule (fixture);
	/* Nothing released: every weight 5; the inactive group and rule left out. */
	assert_discovered (fixture, SERVICE ("", "", "{'groups':[" SERVED ("a", "5") "," SERVED ("b", "5") ","
					      SERVED ("c", "5") "],'routeId':'r','strategy':'s'}"));
	apply (fixture, artemis_group_writes_release_rule_groups,
	       "{" CTX ",'routeRuleGroups':[{'routeRuleId':1,'groupId':1},{'routeRuleId':1,'groupId':2},"
	       "{'routeRuleId':1,'groupId':3}]}");
	/* fixWeight (protocol §2.4): above 10000 gives 10000, below 0 gives 5, 0 stays. */
	assert_discovered (fixture, SERVICE ("", "", "{'groups':[" SERVED ("a", "10000") "," SERVED ("b", "5") ","
					      SERVED ("c", "0") "],'routeId':'r','strategy':'s'}"));
}

/* ---- group operations (protocol §7.3 rule 4) ------------------------------- */

static void
test_group_down (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisInstance) in_a = new_instance ("i-1", "A", "sha-z1");
	g_autoptr (ArtemisInstance) in_ab = new_instance ("i-2", "ab", "SHA-Z1");
	g_autoptr (ArtemisInstance) in_default = new_instance ("i-3", NULL, "SHA-Z1");
	g_autoptr (ArtemisInstance) no_zone = new_instance ("i-4", "a", NULL);

	apply (fixture, artemis_group_writes_upsert_groups,
	       "{" CTX ",'groups':[" GROUP_IN ("demo.hello", "a", "active") "," GROUP_IN ("demo.hello", "default",
											"inactive") "]}");
	g_assert_false (artemis_management_is_instance_down (fixture->management, in_a));
	apply (fixture, artemis_group_writes_operate_groups,
	       "{" CTX ",'groupOperationsList':[{'groupId':1,'operations':['x']},{'groupId':2,'operations':['y']}],"
	       "'operationComplete':false}");
	/* The group's path, ignoring case; a group without a name is `default`; any status. */
	g_assert_true (artemis_management_is_instance_down (fixture->management, in_a));
	g_assert_false (artemis_management_is_instance_down (fixture->management, in_ab));
	g_assert_true (artemis_management_is_instance_down (fixture->management, in_default));
	/* Without a zone the path has one part less and reaches no group. */
	g_assert_false (artemis_management_is_instance_down (fixture->management, no_zone));
	/* A deleted group holds nothing down. */
	apply (fixture, artemis_group_writes_delete_groups, "{" CTX ",'groupIds':[1]}");
	g_assert_false (artemis_management_is_instance_down (fixture->management, in_a));
}

/* ---- pushes (protocol §9.10) ------------------------------------------------ */

static void
test_pushes (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_ROUTE_RULE_GROUP);
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GPtrArray) copies = artemis_storage_record_array_new ();

	build_rule (fixture);
	g_assert_cmpstr (fixture->reloads->str, ==, "demo.hello ");
	g_string_truncate (fixture->reloads, 0);
	/* Another service's groups and an unreleased weight push nothing. */
	apply (fixture, artemis_group_writes_upsert_groups, "{" CTX ",'groups':[" GROUP_IN ("other", "a", "active") "]}");
	apply (fixture, artemis_group_writes_upsert_rule_groups,
	       "{" CTX ",'routeRuleGroups':[{'routeRuleId':1,'groupId':1,'unreleasedWeight':7}]}");
	g_assert_cmpstr (fixture->reloads->str, ==, "");
	/* The same rows loaded again change nothing, and push nothing. */
	rows = artemis_groups_list (fixture->groups, filter);
	for (guint i = 0; i < rows->len; i++)
		g_ptr_array_add (copies, artemis_storage_record_copy (g_ptr_array_index (rows, i)));
	g_assert_false (artemis_groups_replace (fixture->groups, ARTEMIS_STORAGE_ROUTE_RULE_GROUP, copies));
	/* Other rows loaded (another node's write): the service reloads. */
	artemis_storage_record_set_int (g_ptr_array_index (copies, 0), ARTEMIS_STORAGE_FIELD_WEIGHT, 1);
	artemis_management_replace (fixture->management, ARTEMIS_STORAGE_ROUTE_RULE_GROUP, copies);
	g_assert_cmpstr (fixture->reloads->str, ==, "demo.hello ");
}

/* ---- canary (protocol §7.2 step 3, §7.3 caveat) ----------------------------- */

static void
test_canary (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisInstance) canary = new_instance ("10.0.0.9", NULL, "SHA-Z1");
	g_autoptr (ArtemisInstance) other = new_instance ("i-1", NULL, "SHA-Z1");
	g_autoptr (ArtemisOperations) pulled = NULL;
	g_autoptr (GPtrArray) operations = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_operations_free);
	g_autoptr (GPtrArray) writes = NULL;
	g_autofree char *json = NULL;
	g_autofree char *instances = NULL;

	artemis_registry_register (fixture->registry, canary);
	artemis_registry_register (fixture->registry, other);
	apply (fixture, artemis_group_writes_update_canary_ips,
	       "{" CTX ",'serviceId':'demo.hello','appId':'app','canaryIps':['10.0.0.9']}");
	pulled = artemis_operations_new (
		artemis_operation_key_new (ARTEMIS_OPERATION_TARGET_INSTANCE, "SHA", "demo.hello", "10.0.0.9"));
	artemis_operations_add (pulled, "pullout");
	g_ptr_array_add (operations, g_steal_pointer (&pulled));
	writes = artemis_management_prepare_writes (fixture->management, operations, FALSE, "o", "t");
	artemis_management_apply (fixture->management, writes);
	/* Pulled out of `instances`, still a member of the canary group, as in Java. */
	json = discover (fixture);
	instances = g_strndup (json, strstr (json, "\"logicInstances\"") - json);
	g_assert_nonnull (strstr (instances, "\"i-1\""));
	g_assert_null (strstr (instances, "\"10.0.0.9\""));
	g_assert_nonnull (strstr (json, "\"groupKey\":\"demo.hello/sha/canary/app\",\"instanceIds\":[\"10.0.0.9\"],"
				       "\"instances\":[{\"groupId\":null,\"healthCheckUrl\":null,"
				       "\"instanceId\":\"10.0.0.9\""));
}

/* ---- ids reserved by a shared store ------------------------------------ */

/* Empties every pool, then gives each group kind @counts[kind] ids no row has yet. */
static void
reset_pools (ArtemisGroups *groups, const guint *counts)
{
	static gint64 next = 1000;

	for (guint kind = ARTEMIS_GROUP_FIRST_KIND; kind < ARTEMIS_GROUP_FIRST_KIND + ARTEMIS_GROUP_N_KINDS; kind++) {
		while (artemis_groups_count_reserved_ids (groups, kind) > 0)
			artemis_groups_allocate_id (groups, kind);
		if (counts[kind] > 0)
			artemis_groups_add_reserved_ids (groups, kind, next, counts[kind]);
		next += 1000;
	}
}

static void
test_reserved_ids (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisGroupRequest) request = NULL;
	g_autoptr (GPtrArray) writes = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_SERVICE_GROUP);
	g_autoptr (GPtrArray) rows = NULL;

	artemis_groups_set_reserved_ids (fixture->groups, TRUE);
	artemis_groups_add_reserved_ids (fixture->groups, ARTEMIS_STORAGE_SERVICE_GROUP, 100, 2);
	artemis_groups_add_reserved_ids (fixture->groups, ARTEMIS_STORAGE_SERVICE_GROUP, 500, 1);
	g_assert_cmpuint (artemis_groups_count_reserved_ids (fixture->groups, ARTEMIS_STORAGE_SERVICE_GROUP), ==, 3);
	apply (fixture, artemis_group_writes_upsert_groups,
	       "{" CTX ",'groups':[" GROUP_IN ("demo.hello", "a", "active") "," GROUP_IN ("demo.hello", "b", "active")
	       "," GROUP_IN ("demo.hello", "c", "active") "]}");
	rows = artemis_groups_list (fixture->groups, filter);
	g_assert_cmpuint (rows->len, ==, 3);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (rows, 0))->id, ==, 100);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (rows, 1))->id, ==, 101);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (rows, 2))->id, ==, 500);
	g_assert_cmpuint (artemis_groups_count_reserved_ids (fixture->groups, ARTEMIS_STORAGE_SERVICE_GROUP), ==, 0);
	/* A pool run dry refuses the write, whole, and says why. */
	request = decode ("{" CTX ",'groups':[" GROUP_IN ("demo.hello", "a", "inactive") ","
			  GROUP_IN ("demo.hello", "new", "active") "]}", ARTEMIS_STORAGE_SERVICE_GROUP);
	writes = artemis_group_writes_upsert_groups (fixture->groups, request, &error);
	g_assert_null (writes);
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
	g_assert_cmpstr (error->message, ==,
			 "No id is left for a new row of service_group: the ids the store reserved ran out");
	g_assert_cmpstr (artemis_storage_record_get_string (g_ptr_array_index (rows, 0), ARTEMIS_STORAGE_FIELD_STATUS),
			 ==, "active");
	/* Rows that exist need no id. */
	apply (fixture, artemis_group_writes_upsert_groups,
	       "{" CTX ",'groups':[" GROUP_IN ("demo.hello", "A", "inactive") "]}");
	/* Counted on locally again, from the highest id seen. */
	artemis_groups_set_reserved_ids (fixture->groups, FALSE);
	g_assert_cmpint (artemis_groups_allocate_id (fixture->groups, ARTEMIS_STORAGE_SERVICE_GROUP), ==, 501);
}

/* The id of the row of @kind named @name (a group of demo.hello in SHA-Z1, or a rule of demo.hello), as text. */
static char *
id_of (Fixture *fixture, ArtemisStorageKind kind, const char *name)
{
	g_autoptr (ArtemisStorageRecord) key = artemis_storage_record_new (kind);
	const ArtemisStorageRecord *row;

	artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_SERVICE_ID, "demo.hello");
	artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_NAME, name);
	if (kind == ARTEMIS_STORAGE_SERVICE_GROUP) {
		artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_REGION_ID, "SHA");
		artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_ZONE_ID, "SHA-Z1");
	}
	row = artemis_groups_find (fixture->groups, key);
	g_assert_nonnull (row);
	return g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
}

/* @text with every @placeholder replaced by @value. */
static char *
replace (const char *text, const char *placeholder, const char *value)
{
	g_auto (GStrv) parts = g_strsplit (text, placeholder, -1);

	return g_strjoinv (value, parts);
}

/*
 * Runs @write on @body with exactly the bound of ids in the pools, then,
 * for each kind whose ids it used up, with one less (it must fail cleanly),
 * and applies it. Marks those kinds in @tight.
 */
static void
assert_bound (Fixture *fixture, ArtemisGroupWriteFunc write, const char *body, gboolean *tight)
{
	g_autoptr (ArtemisGroupRequest) request = decode (body, ARTEMIS_STORAGE_SERVICE_GROUP);
	g_autoptr (GPtrArray) writes = NULL;
	g_autoptr (GError) error = NULL;
	guint bound[ARTEMIS_STORAGE_N_KINDS];
	guint used[ARTEMIS_STORAGE_N_KINDS] = { 0 };

	artemis_group_writes_count_new_rows (request, bound);
	reset_pools (fixture->groups, bound);
	writes = write (fixture->groups, request, &error);
	g_assert_no_error (error);
	g_clear_pointer (&writes, g_ptr_array_unref);
	for (guint kind = 0; kind < ARTEMIS_STORAGE_N_KINDS; kind++) {
		if (artemis_group_kind_is_state (kind))
			used[kind] = bound[kind] - artemis_groups_count_reserved_ids (fixture->groups, kind);
		else
			g_assert_cmpuint (bound[kind], ==, 0);
	}
	for (guint kind = 0; kind < ARTEMIS_STORAGE_N_KINDS; kind++) {
		guint less[ARTEMIS_STORAGE_N_KINDS];

		if (used[kind] == 0 || used[kind] < bound[kind])
			continue;
		tight[kind] = TRUE;
		memcpy (less, bound, sizeof less);
		less[kind]--;
		reset_pools (fixture->groups, less);
		writes = write (fixture->groups, request, &error);
		g_assert_null (writes);
		g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
		g_clear_error (&error);
	}
	reset_pools (fixture->groups, bound);
	writes = write (fixture->groups, request, &error);
	g_assert_no_error (error);
	artemis_management_apply (fixture->management, writes);
}

/*
 * The bound the write queue reserves for (artemis_group_writes_count_new_rows()):
 * enough for what each write function creates, and used up for every kind
 * by some request.
 */
static void
test_new_rows_bound (Fixture *fixture, gconstpointer data)
{
	static const struct {
		ArtemisGroupWriteFunc write;
		const char *body;
	} cases[] = {
		{ artemis_group_writes_upsert_groups, "{" CTX ",'groups':[" GROUP_IN ("demo.hello", "a", "active") ","
						      GROUP_IN ("demo.hello", "b", "active") "]}" },
		{ artemis_group_writes_upsert_rules,
		  "{" CTX ",'routeRules':[{'name':'r','serviceId':'demo.hello','status':'active','strategy':'s'},"
		  "{'name':'q','serviceId':'demo.hello','status':'active','strategy':'s'}]}" },
		{ artemis_group_writes_create_rule,
		  "{" CTX ",'routeRule':{'name':'c','serviceId':'demo.hello','status':'active','strategy':'s'},"
		  "'groups':[{'appId':'1','name':'x','regionId':'SHA','serviceId':'demo.hello','status':'active',"
		  "'zoneId':'Z','weight':1},{'appId':'1','name':'y','regionId':'SHA','serviceId':'demo.hello',"
		  "'status':'active','zoneId':'Z','weight':2},{'appId':'1','name':'a','regionId':'SHA',"
		  "'serviceId':'demo.hello','status':'active','zoneId':'SHA-Z1','weight':3}]}" },
		{ artemis_group_writes_upsert_tags,
		  "{'groupTagsList':[{'groupId':GROUP,'tags':{'k1':'v','k2':'v'}},{'groupId':GROUP,'tags':{'k3':'v'}}]}" },
		{ artemis_group_writes_operate_groups,
		  "{" CTX ",'groupOperationsList':[{'groupId':GROUP,'operations':['o1','o2']},"
		  "{'groupId':GROUP,'operations':['o3']}],'operationComplete':false}" },
		{ artemis_group_writes_operate_group,
		  "{" CTX ",'serviceId':'demo.hello','regionId':'SHA','zoneId':'Z2','name':'n','appId':'1',"
		  "'status':'active'}" },
		{ artemis_group_writes_insert_members,
		  "{" CTX ",'groupInstances':[{'groupId':GROUP,'instanceId':'i-1'},{'groupId':GROUP,'instanceId':'i-2'}]}" },
		{ artemis_group_writes_upsert_logic_instances,
		  "{" CTX ",'serviceInstances':[{'serviceId':'demo.hello','instanceId':'l-1','groupId':'a','ip':'1',"
		  "'machineName':'m','protocol':'http','regionId':'SHA','zoneId':'Z','healthCheckUrl':'h','url':'u',"
		  "'metadata':{}}]}" },
		{ artemis_group_writes_upsert_rule_groups,
		  "{" CTX ",'routeRuleGroups':[{'routeRuleId':RULE,'groupId':GROUP,'unreleasedWeight':1}]}" },
		{ artemis_group_writes_update_canary_ips,
		  "{" CTX ",'serviceId':'demo.hello','appId':'app','canaryIps':['10.0.0.1','10.0.0.2','10.0.0.1']}" },
	};
	gboolean tight[ARTEMIS_STORAGE_N_KINDS] = { FALSE };

	artemis_groups_set_reserved_ids (fixture->groups, TRUE);
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *group_id = strstr (cases[i].body, "GROUP") != NULL
						    ? id_of (fixture, ARTEMIS_STORAGE_SERVICE_GROUP, "a")
						    : g_strdup ("");
		g_autofree char *rule_id = strstr (cases[i].body, "RULE") != NULL
						   ? id_of (fixture, ARTEMIS_STORAGE_ROUTE_RULE, "r")
						   : g_strdup ("");
		g_autofree char *with_group = replace (cases[i].body, "GROUP", group_id);
		g_autofree char *body = replace (with_group, "RULE", rule_id);

		assert_bound (fixture, cases[i].write, body, tight);
	}
	for (guint kind = ARTEMIS_GROUP_FIRST_KIND; kind < ARTEMIS_GROUP_FIRST_KIND + ARTEMIS_GROUP_N_KINDS; kind++)
		g_assert_true (tight[kind]);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	g_test_add_func ("/artemis/groups/record-table", test_record_table);
	g_test_add_func ("/artemis/groups/decode", test_decode);
#define ADD(path, func) g_test_add ("/artemis/groups/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
	ADD ("served-rules", test_served_rules);
	ADD ("group-down", test_group_down);
	ADD ("pushes", test_pushes);
	ADD ("canary", test_canary);
	ADD ("reserved-ids", test_reserved_ids);
	ADD ("new-rows-bound", test_new_rows_bound);
#undef ADD

	return g_test_run ();
}
