/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-core.h"
#include "artemis-filter-management-plugin.h"

/*
 * Core management state (protocol §7.3, §7.4, §9.1, §9.2): the down predicate,
 * the writes an operation makes, the pushes its changes append to the
 * change log, the management filter, the management view, and the codec.
 * JSON is written with ' for ".
 */

#define EPOCH G_GINT64_CONSTANT (1700000000000)

typedef struct {
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisChangeLog *log;
	ArtemisRegistry *registry;
	ArtemisDiscovery *discovery;
	ArtemisManagement *management;
	gint64 now;
	GString *changes; /* "type service/instance " per change */
	guint changed_signals;
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
	return ((Fixture *) user_data)->now;
}

static void
on_change (ArtemisChange *change, gpointer user_data)
{
	Fixture *fixture = user_data;

	g_string_append_printf (fixture->changes, "%s %s/%s ", artemis_change_type_to_string (change->type),
				artemis_change_get_service_id (change),
				artemis_instance_get (change->instance, ARTEMIS_INSTANCE_INSTANCE_ID));
}

static void
on_changed (ArtemisManagement *management, gpointer user_data)
{
	((Fixture *) user_data)->changed_signals++;
}

static ArtemisInstance *
new_instance (const char *service_id, const char *instance_id, const char *ip, const char *zone_id)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, "SHA");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, zone_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, service_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, instance_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_IP, ip);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, "http://x/");
	return artemis_instance_builder_end (builder);
}

static void
register_instance (Fixture *fixture, ArtemisInstance *instance)
{
	artemis_registry_register (fixture->registry, instance);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Two instances of demo.hello in zone SHA-Z1 on two servers, one of other.svc on the first. */
static ArtemisInstance *i1, *i2, *i3;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisDiscoveryFilter) filter = g_object_new (ARTEMIS_TYPE_FILTER_MANAGEMENT_PLUGIN, "name",
								  "filter-management", NULL);

	fixture->config = artemis_config_new ();
	g_assert_true (artemis_config_load_data (fixture->config, data != NULL ? data :
						 "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n", &error));
	g_assert_no_error (error);
	fixture->node = artemis_node_new (fixture->config, "http://127.0.0.1:8080/");
	fixture->log = artemis_change_log_new (1000);
	fixture->registry = artemis_registry_new (fixture->config, fixture->node, fixture->log);
	fixture->now = EPOCH;
	artemis_registry_set_clock (fixture->registry, fixture_clock, fixture);
	fixture->discovery = artemis_discovery_new (fixture->registry);
	fixture->management = artemis_management_new (fixture->registry);
	artemis_discovery_add_filter (fixture->discovery, filter);
	artemis_discovery_set_management (fixture->discovery, fixture->management);
	i1 = new_instance ("demo.hello", "i-1", "10.0.0.5", "SHA-Z1");
	i2 = new_instance ("demo.hello", "i-2", "10.0.0.6", "SHA-Z1");
	i3 = new_instance ("other.svc", "i-3", "10.0.0.5", "SHA-Z1");
	register_instance (fixture, i1);
	register_instance (fixture, i2);
	register_instance (fixture, i3);
	fixture->changes = g_string_new (NULL);
	artemis_change_log_add_listener (fixture->log, on_change, fixture, NULL);
	g_signal_connect (fixture->management, "changed", G_CALLBACK (on_changed), fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
	g_clear_pointer (&i1, artemis_instance_unref);
	g_clear_pointer (&i2, artemis_instance_unref);
	g_clear_pointer (&i3, artemis_instance_unref);
	g_string_free (fixture->changes, TRUE);
	g_clear_object (&fixture->discovery);
	g_clear_object (&fixture->management);
	g_clear_object (&fixture->registry);
	g_clear_object (&fixture->log);
	g_clear_object (&fixture->node);
	artemis_config_free (fixture->config);
}

/* The changes appended since the last call. */
static char *
take_changes (Fixture *fixture)
{
	char *changes = g_strdup (fixture->changes->str);

	g_string_truncate (fixture->changes, 0);
	return changes;
}

static void
assert_changes (Fixture *fixture, const char *expected)
{
	g_autofree char *changes = take_changes (fixture);

	g_assert_cmpstr (changes, ==, expected);
}

static GPtrArray *
operations_of (ArtemisOperationTarget target, const char *region_id, const char *service_id, const char *id,
	       const char *operation)
{
	GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_operations_free);
	ArtemisOperations *operations =
		artemis_operations_new (artemis_operation_key_new (target, region_id, service_id, id));

	artemis_operations_add (operations, operation);
	g_ptr_array_add (list, operations);
	return list;
}

/* What a committed operate-* does to the state. */
static void
operate (Fixture *fixture, ArtemisOperationTarget target, const char *service_id, const char *id,
	 const char *operation, gboolean complete)
{
	g_autoptr (GPtrArray) list = operations_of (target, "sha", service_id, id, operation);
	g_autoptr (GPtrArray) writes =
		artemis_management_prepare_writes (fixture->management, list, complete, "ops1", "t");

	artemis_management_apply (fixture->management, writes);
}

#define INSTANCE ARTEMIS_OPERATION_TARGET_INSTANCE
#define SERVER ARTEMIS_OPERATION_TARGET_SERVER
#define ZONE ARTEMIS_OPERATION_TARGET_ZONE

/* ---- the down predicate (protocol §7.3) ------------------------------------ */

static void
assert_down (Fixture *fixture, gboolean d1, gboolean d2, gboolean d3)
{
	g_assert_cmpint (artemis_management_is_instance_down (fixture->management, i1), ==, d1);
	g_assert_cmpint (artemis_management_is_instance_down (fixture->management, i2), ==, d2);
	g_assert_cmpint (artemis_management_is_instance_down (fixture->management, i3), ==, d3);
}

static void
test_predicate (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisOperationKey) server = artemis_operation_key_new (SERVER, "Sha", NULL, "10.0.0.6");

	assert_down (fixture, FALSE, FALSE, FALSE);
	/* Keys compare ignoring case; operation names do not matter. */
	operate (fixture, INSTANCE, "DEMO.hello", "I-1", "pullout", FALSE);
	assert_down (fixture, TRUE, FALSE, FALSE);
	operate (fixture, SERVER, NULL, "10.0.0.6", "maintenance", FALSE);
	assert_down (fixture, TRUE, TRUE, FALSE);
	g_assert_true (artemis_management_is_down (fixture->management, server));
	/* A zone operation is one service's zone, not the others'. */
	operate (fixture, ZONE, "demo.hello", "sha-z1", "x", FALSE);
	operate (fixture, INSTANCE, "demo.hello", "i-1", "pullout", TRUE);
	operate (fixture, SERVER, NULL, "10.0.0.6", "MAINTENANCE", TRUE);
	assert_down (fixture, TRUE, TRUE, FALSE);
	operate (fixture, ZONE, "demo.hello", "sha-z1", "x", TRUE);
	assert_down (fixture, FALSE, FALSE, FALSE);
	g_assert_false (artemis_management_is_down (fixture->management, server));
}

/* Any number of operations coexist; the target is down while one remains. */
static void
test_several_operations (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisOperationKey) key = artemis_operation_key_new (INSTANCE, "SHA", "demo.hello", "i-1");
	const ArtemisOperations *operations;

	operate (fixture, INSTANCE, "demo.hello", "i-1", "a", FALSE);
	operate (fixture, INSTANCE, "demo.hello", "i-1", "b", FALSE);
	operate (fixture, INSTANCE, "demo.hello", "i-1", "A", FALSE);
	operations = artemis_management_lookup (fixture->management, key);
	g_assert_cmpuint (operations->operations->len, ==, 2);
	g_assert_cmpstr (g_ptr_array_index (operations->operations, 0), ==, "a");
	g_assert_cmpstr (g_ptr_array_index (operations->operations, 1), ==, "b");
	/* The key keeps the spelling first stored. */
	g_assert_cmpstr (operations->key->region_id, ==, "sha");
	operate (fixture, INSTANCE, "demo.hello", "i-1", "a", TRUE);
	assert_down (fixture, TRUE, FALSE, FALSE);
	operate (fixture, INSTANCE, "demo.hello", "i-1", "b", TRUE);
	assert_down (fixture, FALSE, FALSE, FALSE);
	g_assert_null (artemis_management_lookup (fixture->management, key));
}

/* ---- what a write is made of ------------------------------------------- */

static void
assert_record (const ArtemisStorageWrite *write, ArtemisStorageAction action, ArtemisStorageKind kind,
	       const char *region_id, const char *service_id, const char *instance_id, const char *operation)
{
	const ArtemisStorageRecord *record = write->record;

	g_assert_cmpint (write->action, ==, action);
	g_assert_cmpint (record->kind, ==, kind);
	g_assert_cmpstr (artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_REGION_ID), ==, region_id);
	g_assert_cmpstr (artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_SERVICE_ID), ==,
			 service_id);
	g_assert_cmpstr (artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_INSTANCE_ID), ==,
			 instance_id);
	g_assert_cmpstr (artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_OPERATION), ==, operation);
	g_assert_cmpstr (artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_OPERATOR_ID), ==, "ops1");
	g_assert_cmpstr (artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_TOKEN), ==, "t");
	g_assert_cmpint (record->create_time_ms, ==, EPOCH);
	g_assert_cmpint (record->update_time_ms, ==, EPOCH);
}

static void
test_prepare_writes (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) list = operations_of (INSTANCE, " SHA ", "demo.hello", "I-1\t", " pullout ");
	g_autoptr (GPtrArray) writes = NULL;
	const ArtemisStorageRecord *log;

	operate (fixture, INSTANCE, "demo.hello", "i-1", "other", FALSE);
	writes = artemis_management_prepare_writes (fixture->management, list, TRUE, " ops1 ", "t");
	g_assert_cmpuint (writes->len, ==, 2);
	/* The state row in the stored spelling, the log row as asked; both trimmed. */
	assert_record (g_ptr_array_index (writes, 0), ARTEMIS_STORAGE_DELETE, ARTEMIS_STORAGE_INSTANCE_OPERATION,
		       "sha", "demo.hello", "i-1", "pullout");
	assert_record (g_ptr_array_index (writes, 1), ARTEMIS_STORAGE_APPEND, ARTEMIS_STORAGE_INSTANCE_LOG, "SHA",
		       "demo.hello", "I-1", "pullout");
	log = ((ArtemisStorageWrite *) g_ptr_array_index (writes, 1))->record;
	g_assert_true (artemis_storage_record_get_boolean (log, ARTEMIS_STORAGE_FIELD_COMPLETE));
	g_assert_cmpstr (artemis_storage_record_get_string (log, ARTEMIS_STORAGE_FIELD_EXTENSIONS), ==, "{}");
	/* Preparing changes nothing yet. */
	assert_changes (fixture, "delete demo.hello/i-1 ");
	g_assert_cmpuint (fixture->changed_signals, ==, 1);
}

/* ---- pushes (protocol §4.5, §9.1, §9.2) ------------------------------------ */

static void
test_push_instance (Fixture *fixture, gconstpointer data)
{
	operate (fixture, INSTANCE, "demo.hello", "i-1", "pullout", FALSE);
	assert_changes (fixture, "delete demo.hello/i-1 ");
	/* Already down: a second operation pushes nothing, nor does removing one of two. */
	operate (fixture, INSTANCE, "demo.hello", "i-1", "other", FALSE);
	operate (fixture, INSTANCE, "demo.hello", "i-1", "other", TRUE);
	assert_changes (fixture, "");
	operate (fixture, INSTANCE, "demo.hello", "i-1", "pullout", TRUE);
	assert_changes (fixture, "new demo.hello/i-1 ");
	/* An instance nobody registered: state, but nothing to push. */
	operate (fixture, INSTANCE, "demo.hello", "i-9", "pullout", FALSE);
	assert_changes (fixture, "");
	/* Completing what is not in force changes nothing at all. */
	fixture->changed_signals = 0;
	operate (fixture, INSTANCE, "demo.hello", "i-1", "never", TRUE);
	g_assert_cmpuint (fixture->changed_signals, ==, 0);
}

/* A server is every instance with its ip, in any service. */
static void
test_push_server (Fixture *fixture, gconstpointer data)
{
	operate (fixture, SERVER, NULL, "10.0.0.5", "pullout", FALSE);
	assert_changes (fixture, "delete demo.hello/i-1 delete other.svc/i-3 ");
	operate (fixture, INSTANCE, "demo.hello", "i-1", "pullout", FALSE);
	operate (fixture, SERVER, NULL, "10.0.0.5", "pullout", TRUE);
	/* i-1 stays down by its own operation. */
	assert_changes (fixture, "new other.svc/i-3 ");
}

/* Zones push one reload per service whose zone went down or came back. */
static void
test_push_zone (Fixture *fixture, gconstpointer data)
{
	operate (fixture, ZONE, "demo.hello", "SHA-Z1", "pullout", FALSE);
	assert_changes (fixture, "reload demo.hello/reload ");
	operate (fixture, ZONE, "demo.hello", "SHA-Z1", "other", FALSE);
	assert_changes (fixture, "");
	operate (fixture, ZONE, "demo.hello", "SHA-Z2", "pullout", FALSE);
	assert_changes (fixture, "reload demo.hello/reload ");
	operate (fixture, ZONE, "demo.hello", "SHA-Z1", "pullout", TRUE);
	operate (fixture, ZONE, "demo.hello", "SHA-Z1", "other", TRUE);
	assert_changes (fixture, "reload demo.hello/reload ");
}

/* One write of several zones: one reload per service. */
static void
test_push_zone_batch (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) list = operations_of (ZONE, "SHA", "demo.hello", "SHA-Z1", "a");
	g_autoptr (GPtrArray) writes = NULL;
	ArtemisOperations *more = artemis_operations_new (artemis_operation_key_new (ZONE, "SHA", "DEMO.HELLO",
										       "SHA-Z2"));

	artemis_operations_add (more, "a");
	artemis_operations_add (more, "b");
	g_ptr_array_add (list, more);
	writes = artemis_management_prepare_writes (fixture->management, list, FALSE, "ops1", "t");
	g_assert_cmpuint (writes->len, ==, 6);
	artemis_management_apply (fixture->management, writes);
	assert_changes (fixture, "reload demo.hello/reload ");
	g_assert_cmpuint (fixture->changed_signals, ==, 1);
}

/* ---- the filter and the cache ------------------------------------------ */

/* The instance ids discovery serves for @service_id, sorted (the registry keeps no order). */
static char *
discover (Fixture *fixture, const char *service_id)
{
	g_autoptr (ArtemisDiscoveryConfig) config = artemis_discovery_config_new (service_id);
	g_autoptr (GBytes) json = artemis_discovery_get_service_json (fixture->discovery, config);
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	GString *text = g_string_new (NULL);
	const char *marker = "\"instanceId\":\"";

	for (const char *p = strstr (g_bytes_get_data (json, NULL), marker); p != NULL; p = strstr (p + 1, marker)) {
		const char *start = p + strlen (marker);

		g_ptr_array_add (ids, g_strndup (start, strchr (start, '"') - start));
	}
	g_ptr_array_sort (ids, (GCompareFunc) compare_strings);
	for (guint i = 0; i < ids->len; i++)
		g_string_append_printf (text, "%s ", (char *) g_ptr_array_index (ids, i));
	return g_string_free (text, FALSE);
}

static void
assert_discovered (Fixture *fixture, const char *expected)
{
	g_autofree char *ids = discover (fixture, "demo.hello");

	g_assert_cmpstr (ids, ==, expected);
}

/* Pull-outs take effect at once: the cached answer is dropped. */
static void
test_filter (Fixture *fixture, gconstpointer data)
{
	assert_discovered (fixture, "i-1 i-2 ");
	operate (fixture, INSTANCE, "demo.hello", "i-1", "pullout", FALSE);
	assert_discovered (fixture, "i-2 ");
	operate (fixture, SERVER, NULL, "10.0.0.6", "pullout", FALSE);
	assert_discovered (fixture, "");
	operate (fixture, INSTANCE, "demo.hello", "i-1", "pullout", TRUE);
	operate (fixture, SERVER, NULL, "10.0.0.6", "pullout", TRUE);
	assert_discovered (fixture, "i-1 i-2 ");
	operate (fixture, ZONE, "demo.hello", "sha-z1", "pullout", FALSE);
	assert_discovered (fixture, "");
	operate (fixture, ZONE, "demo.hello", "sha-z1", "pullout", TRUE);
	assert_discovered (fixture, "i-1 i-2 ");
}

/* Null lists become empty ones, and a filter without management state leaves services alone. */
static void
test_filter_lists (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisDiscoveryFilter) filter = g_object_new (ARTEMIS_TYPE_FILTER_MANAGEMENT_PLUGIN, NULL);
	g_autoptr (ArtemisService) service = artemis_service_new ("demo.hello");
	g_autoptr (GPtrArray) instances = artemis_instance_array_new (1);
	g_autoptr (GError) error = NULL;

	g_ptr_array_add (instances, artemis_instance_ref (i1));
	g_assert_true (artemis_discovery_filter_get_applies_pull_outs (filter));
	g_assert_true (artemis_discovery_filter_filter (filter, service, NULL, &error));
	g_assert_cmpuint (service->instances->len, ==, 0);
	g_assert_cmpuint (service->logic_instances->len, ==, 0);
	g_ptr_array_unref (service->instances);
	service->instances = g_ptr_array_ref (instances);
	operate (fixture, INSTANCE, "demo.hello", "i-1", "pullout", FALSE);
	g_assert_true (artemis_discovery_filter_filter (filter, service, NULL, &error));
	g_assert_cmpuint (service->instances->len, ==, 1);
}

/* ---- state replaced from the store ------------------------------------- */

static ArtemisStorageRecord *
instance_row (const char *instance_id, const char *operation)
{
	ArtemisStorageRecord *record = artemis_storage_record_new (ARTEMIS_STORAGE_INSTANCE_OPERATION);

	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_REGION_ID, "SHA");
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_SERVICE_ID, "demo.hello");
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_INSTANCE_ID, instance_id);
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_OPERATION, operation);
	return record;
}

/* The start-up load and other nodes' changes: the differences are pushed. */
static void
test_replace (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) rows = artemis_storage_record_array_new ();

	g_ptr_array_add (rows, instance_row ("i-1", "a"));
	g_ptr_array_add (rows, instance_row ("I-1", "b"));
	artemis_management_replace (fixture->management, ARTEMIS_STORAGE_INSTANCE_OPERATION, rows);
	assert_changes (fixture, "delete demo.hello/i-1 ");
	g_assert_cmpuint (fixture->changed_signals, ==, 1);
	/* The same again: no change, no signal. */
	artemis_management_replace (fixture->management, ARTEMIS_STORAGE_INSTANCE_OPERATION, rows);
	g_assert_cmpuint (fixture->changed_signals, ==, 1);
	g_ptr_array_remove_index (rows, 0);
	g_ptr_array_add (rows, instance_row ("i-2", "a"));
	artemis_management_replace (fixture->management, ARTEMIS_STORAGE_INSTANCE_OPERATION, rows);
	assert_changes (fixture, "delete demo.hello/i-2 ");
	g_ptr_array_set_size (rows, 0);
	artemis_management_replace (fixture->management, ARTEMIS_STORAGE_INSTANCE_OPERATION, rows);
	assert_down (fixture, FALSE, FALSE, FALSE);
	g_assert_cmpuint (fixture->changed_signals, ==, 3);
}

/* ---- reads ------------------------------------------------------------- */

static char *
encode_list (GPtrArray *list)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);

	artemis_management_codec_write_operations_list (writer, list);
	return artemis_json_writer_free_to_string (writer);
}

static void
assert_json (char *text, const char *expected)
{
	g_autofree char *owned = text;
	g_autofree char *converted = g_strdelimit (g_strdup (expected), "'", '"');

	g_assert_cmpstr (owned, ==, converted);
}

static void
test_list (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) all = NULL;
	g_autoptr (GPtrArray) sha = NULL;
	g_autoptr (GPtrArray) servers = NULL;
	g_autoptr (GPtrArray) list = operations_of (INSTANCE, "NRT", "demo.hello", "i-7", "x");
	g_autoptr (GPtrArray) writes = artemis_management_prepare_writes (fixture->management, list, FALSE, "o", "");

	artemis_management_apply (fixture->management, writes);
	operate (fixture, INSTANCE, "demo.hello", "i-2", "pullout", FALSE);
	operate (fixture, SERVER, NULL, "10.0.0.9", "pullout", FALSE);
	all = artemis_management_list (fixture->management, INSTANCE, " ");
	/* The region filter is exact (protocol §3.6). */
	sha = artemis_management_list (fixture->management, INSTANCE, "sha");
	servers = artemis_management_list (fixture->management, SERVER, NULL);
	assert_json (encode_list (all),
		     "[{'instanceKey':{'instanceId':'i-7','regionId':'NRT','serviceId':'demo.hello'},"
		     "'operations':['x']},"
		     "{'instanceKey':{'instanceId':'i-2','regionId':'sha','serviceId':'demo.hello'},"
		     "'operations':['pullout']}]");
	g_assert_cmpuint (sha->len, ==, 1);
	assert_json (encode_list (servers),
		     "[{'operations':['pullout'],'serverKey':{'regionId':'sha','serverId':'10.0.0.9'}}]");
}

static void
test_writable (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	if (data == NULL) {
		g_assert_true (artemis_management_check_writable (fixture->management, &error));
		return;
	}
	g_assert_false (artemis_management_check_writable (fixture->management, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
	g_assert_cmpstr (error->message, ==,
			 "Serivce is not in up state. Current status: { node: sha/sha-z1/http://127.0.0.1:8080/, "
			 "status: starting, canServiceRegistry: null, canServiceDiscovery: null }");
}

/* ---- the management view (protocol §7.4) ------------------------------------ */

static char *
encode_services (GPtrArray *services)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (1024);

	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < services->len; i++)
		artemis_codec_write_service (writer, g_ptr_array_index (services, i));
	artemis_json_writer_end_array (writer);
	return artemis_json_writer_free_to_string (writer);
}

#define VIEW_INSTANCE(id, ip, status)                                                                          \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'" id "','ip':'" ip "','machineName':null,"         \
	"'metadata':{'creationTime':'1700000000000','renewalTime':'1700000000000','ttl':'20000'},'port':0,"     \
	"'protocol':null,'regionId':'SHA','serviceId':'demo.hello','status':'" status "','url':'http://x/',"   \
	"'zoneId':'SHA-Z1'}"

static void
test_view (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) one = NULL;
	g_autoptr (GPtrArray) unknown = NULL;
	g_autoptr (GPtrArray) all = NULL;

	operate (fixture, INSTANCE, "demo.hello", "i-2", "pullout", FALSE);
	one = artemis_management_view_get_services (fixture->management, fixture->discovery, "DEMO.HELLO");
	assert_json (encode_services (one), "[{'instances':[" VIEW_INSTANCE ("i-1", "10.0.0.5", "up") ","
					    VIEW_INSTANCE ("i-2", "10.0.0.6", "down") "],'logicInstances':[],"
					    "'metadata':null,'routeRules':[],'serviceId':'demo.hello'}]");
	unknown = artemis_management_view_get_services (fixture->management, fixture->discovery, "nope");
	assert_json (encode_services (unknown), "[{'instances':null,'logicInstances':[],'metadata':null,"
						"'routeRules':[],'serviceId':'nope'}]");
	all = artemis_management_view_get_services (fixture->management, fixture->discovery, NULL);
	g_assert_cmpuint (all->len, ==, 2);
	g_assert_cmpstr (((ArtemisService *) g_ptr_array_index (all, 1))->service_id, ==, "other.svc");
}

/* ---- the codec ---------------------------------------------------------- */

static ArtemisManagementRequest *
decode (const char *json, GError **error)
{
	g_autofree char *converted = g_strdelimit (g_strdup (json), "'", '"');

	return artemis_management_codec_decode_request (converted, strlen (converted), error);
}

static void
test_codec_decode (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisManagementRequest) request = decode (
		"{'INSTANCEKEY':{'instanceId':'i-1','regionId':'SHA','serviceId':'s','x':[1]},"
		"'serverKey':{'regionId':'SHA','serverId':'10.0.0.5','serviceId':'ignored'},"
		"'zoneKey':null,'operation':'pullout','operationComplete':'true','operatorId':'o','token':'',"
		"'complete':false,'extensions':'{}','reason':null,'unknown':{'a':1},"
		"'zoneOperationsList':[null,{'zoneKey':{'regionId':'r','serviceId':'s','zoneId':'z'},"
		"'operations':['a','b']},{'operations':null}],"
		"'instance':{'instanceId':'i-1','port':80}}",
		&error);
	ArtemisOperations *zone;

	g_assert_no_error (error);
	g_assert_cmpint (request->instance_key->target, ==, INSTANCE);
	g_assert_cmpstr (request->instance_key->id, ==, "i-1");
	g_assert_cmpstr (request->instance_key->service_id, ==, "s");
	g_assert_null (request->server_key->service_id);
	g_assert_cmpstr (request->server_key->id, ==, "10.0.0.5");
	g_assert_null (request->zone_key);
	g_assert_true (request->operation_complete);
	g_assert_cmpstr (request->token, ==, "");
	g_assert_cmpint (request->complete, ==, ARTEMIS_TRISTATE_FALSE);
	g_assert_cmpuint (request->zone_operations_list->len, ==, 3);
	g_assert_null (g_ptr_array_index (request->zone_operations_list, 0));
	zone = g_ptr_array_index (request->zone_operations_list, 1);
	g_assert_cmpstr (zone->key->id, ==, "z");
	g_assert_cmpuint (zone->operations->len, ==, 2);
	zone = g_ptr_array_index (request->zone_operations_list, 2);
	g_assert_null (zone->key);
	g_assert_cmpuint (zone->operations->len, ==, 0);
	g_assert_cmpint (artemis_instance_get_port (request->instance), ==, 80);
}

static void
assert_decode_error (const char *json, const char *message)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisManagementRequest) request = decode (json, &error);

	g_assert_null (request);
	g_assert_nonnull (error);
	if (!g_pattern_match_simple (message, error->message))
		g_error ("“%s” does not match “%s”", error->message, message);
}

/* A wrong type is refused with the field named. */
static void
test_codec_errors (void)
{
	assert_decode_error ("null", "request is null");
	assert_decode_error ("{'instanceKey':'x'}", "instanceKey: *");
	assert_decode_error ("{'serverKey':{'serverId':[]}}", "serverKey: serverId: *");
	assert_decode_error ("{'zoneOperationsList':{}}", "zoneOperationsList: *");
	assert_decode_error ("{'zoneOperationsList':[{'operations':[{}]}]}", "zoneOperationsList: operations: *");
	assert_decode_error ("{'complete':'maybe'}", "complete: *");
	assert_decode_error ("{'operationComplete':[]}", "operationComplete: *");
	assert_decode_error ("{'operatorId':{}}", "operatorId: *");
	assert_decode_error ("{'token':'a\\u0000b'}", "token: strings must not contain NUL characters");
	assert_decode_error ("{'instance':1}", "instance: *");
	assert_decode_error ("{'regionId':'x'", "*");
}

static void
test_codec_log (void)
{
	g_autoptr (ArtemisStorageRecord) zone = artemis_storage_record_new (ARTEMIS_STORAGE_ZONE_LOG);
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);

	zone->id = 2;
	zone->create_time_ms = 1;
	zone->update_time_ms = 3;
	artemis_storage_record_set_string (zone, ARTEMIS_STORAGE_FIELD_REGION_ID, "SHA");
	artemis_storage_record_set_string (zone, ARTEMIS_STORAGE_FIELD_SERVICE_ID, "s");
	artemis_storage_record_set_string (zone, ARTEMIS_STORAGE_FIELD_ZONE_ID, "z");
	artemis_storage_record_set_string (zone, ARTEMIS_STORAGE_FIELD_OPERATION, "pullout");
	artemis_storage_record_set_string (zone, ARTEMIS_STORAGE_FIELD_OPERATOR_ID, "ops1");
	artemis_storage_record_set_boolean (zone, ARTEMIS_STORAGE_FIELD_COMPLETE, TRUE);
	artemis_management_codec_write_log (writer, zone);
	/* Spec Appendix A.5: alphabetical, no extensions for zones, null token written. */
	assert_json (artemis_json_writer_free_to_string (writer),
		     "{'complete':true,'createTime':1,'id':2,'operation':'pullout','operatorId':'ops1',"
		     "'regionId':'SHA','serviceId':'s','token':null,'updateTime':3,'zoneId':'z'}");
}

static void
test_records (void)
{
	g_autoptr (ArtemisStorageRecord) record = artemis_storage_record_new (ARTEMIS_STORAGE_SERVER_LOG);
	g_autoptr (ArtemisStorageRecord) copy = NULL;

	g_assert_false (artemis_storage_record_is_set (record, ARTEMIS_STORAGE_FIELD_COMPLETE));
	artemis_storage_record_set_boolean (record, ARTEMIS_STORAGE_FIELD_COMPLETE, FALSE);
	g_assert_true (artemis_storage_record_is_set (record, ARTEMIS_STORAGE_FIELD_COMPLETE));
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_SERVER_ID, "10.0.0.5");
	copy = artemis_storage_record_copy (record);
	artemis_storage_record_unset (record, ARTEMIS_STORAGE_FIELD_SERVER_ID);
	g_assert_null (artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_SERVER_ID));
	g_assert_cmpstr (artemis_storage_record_get_string (copy, ARTEMIS_STORAGE_FIELD_SERVER_ID), ==, "10.0.0.5");
	g_assert_true (artemis_storage_record_is_set (copy, ARTEMIS_STORAGE_FIELD_COMPLETE));
	g_assert_false (artemis_storage_kind_has_field (ARTEMIS_STORAGE_SERVER_LOG, ARTEMIS_STORAGE_FIELD_SERVICE_ID));
	g_assert_cmpstr (artemis_storage_kind_get_info (ARTEMIS_STORAGE_ZONE_OPERATION)->table, ==, "service_zone");
	/* A field the kind lacks is a programming error. */
	g_test_expect_message ("Artemis", G_LOG_LEVEL_CRITICAL, "*artemis_storage_kind_has_field*");
	artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_ZONE_ID, "z");
	g_test_assert_expected_messages ();
}

static void
test_key_check (void)
{
	g_autoptr (ArtemisOperationKey) server = artemis_operation_key_new (SERVER, "r", "ignored", " ");
	g_autoptr (ArtemisOperationKey) zone = artemis_operation_key_new (ZONE, "r", NULL, "z");
	g_autoptr (ArtemisOperationKey) a = artemis_operation_key_new (INSTANCE, "a.b", "c", "d");
	g_autoptr (ArtemisOperationKey) b = artemis_operation_key_new (INSTANCE, "a", "b.c", "d");
	g_autofree char *identity_a = artemis_operation_key_get_identity (a);
	g_autofree char *identity_b = artemis_operation_key_get_identity (b);
	g_autoptr (GError) error = NULL;

	g_assert_null (server->service_id);
	g_assert_false (artemis_operation_key_check (server, &error));
	g_assert_cmpstr (error->message, ==, "serverId is null or empty");
	g_clear_error (&error);
	g_assert_false (artemis_operation_key_check (zone, &error));
	g_assert_cmpstr (error->message, ==, "serviceId is null or empty");
	g_clear_error (&error);
	/* Unlike Java's dotted strings, the parts stay apart (protocol §14.2 #6). */
	g_assert_cmpstr (identity_a, !=, identity_b);
	g_assert_false (artemis_operation_check_operator (" ", "", &error));
	g_assert_cmpstr (error->message, ==, "operatorId is null or empty");
	g_clear_error (&error);
	g_assert_false (artemis_operation_check_operator ("o", NULL, &error));
	g_assert_cmpstr (error->message, ==, "token is null");
}

static const char not_up_config[] = "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n[cluster]\nforce-up=false\n";

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
	g_test_add ("/artemis/management/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
	ADD ("predicate", test_predicate, NULL);
	ADD ("several-operations", test_several_operations, NULL);
	ADD ("prepare-writes", test_prepare_writes, NULL);
	ADD ("push/instance", test_push_instance, NULL);
	ADD ("push/server", test_push_server, NULL);
	ADD ("push/zone", test_push_zone, NULL);
	ADD ("push/zone-batch", test_push_zone_batch, NULL);
	ADD ("filter", test_filter, NULL);
	ADD ("filter/lists", test_filter_lists, NULL);
	ADD ("replace", test_replace, NULL);
	ADD ("list", test_list, NULL);
	ADD ("writable/up", test_writable, NULL);
	ADD ("writable/not-up", test_writable, not_up_config);
	ADD ("view", test_view, NULL);
#undef ADD
	g_test_add_func ("/artemis/management/codec/decode", test_codec_decode);
	g_test_add_func ("/artemis/management/codec/errors", test_codec_errors);
	g_test_add_func ("/artemis/management/codec/log", test_codec_log);
	g_test_add_func ("/artemis/management/records", test_records);
	g_test_add_func ("/artemis/management/key-check", test_key_check);

	return g_test_run ();
}
