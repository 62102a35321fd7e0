/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-core.h"

/* ---- helpers ----------------------------------------------------------- */

typedef struct {
	gint64 now;
} FakeClock;

static gint64
fake_clock_now (gpointer user_data)
{
	return ((FakeClock *) user_data)->now;
}

static ArtemisInstance *
make_instance (const char *service_id, const char *instance_id, gboolean legacy)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, "SHA");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, "SHA-Z1");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, service_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, instance_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_IP, "10.0.0.5");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, "http://10.0.0.5:8080/hello");
	artemis_instance_builder_set_port (builder, 8080);
	if (legacy)
		artemis_instance_builder_set_metadata (builder, "java_registry", "yes");
	return artemis_instance_builder_end (builder);
}

static char *
encode_instance (const ArtemisInstance *instance)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);

	artemis_codec_write_instance (writer, instance);
	return artemis_json_writer_free_to_string (writer);
}

typedef struct {
	FakeClock clock;
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisChangeLog *log;
	ArtemisRegistry *registry;
	GPtrArray *changes; /* what the log told its listener */
} RegistryFixture;

static void
record_change (ArtemisChange *change, gpointer user_data)
{
	g_ptr_array_add (user_data, artemis_change_ref (change));
}

static void
registry_fixture_set_up (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	fixture->clock.now = 1700000000000;
	fixture->config = artemis_config_new ();
	g_assert_true (artemis_config_load_data (fixture->config,
						 "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"
						 "[lease]\nttl=20000\n[legacy-lease]\nttl=90000\n",
						 &error));
	g_assert_no_error (error);
	fixture->node = artemis_node_new (fixture->config, "http://127.0.0.1:8080/");
	fixture->log = artemis_change_log_new (100);
	fixture->registry = artemis_registry_new (fixture->config, fixture->node, fixture->log);
	artemis_registry_set_clock (fixture->registry, fake_clock_now, &fixture->clock);
	fixture->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_change_unref);
	artemis_change_log_add_listener (fixture->log, record_change, fixture->changes, NULL);
}

static void
registry_fixture_tear_down (RegistryFixture *fixture, gconstpointer data)
{
	g_clear_object (&fixture->registry);
	g_clear_object (&fixture->log);
	g_clear_object (&fixture->node);
	artemis_config_free (fixture->config);
	g_ptr_array_unref (fixture->changes);
}

static guint
count_instances (ArtemisRegistry *registry, const char *service_id)
{
	g_autoptr (GPtrArray) instances = artemis_registry_get_instances (registry, service_id, NULL);

	return instances != NULL ? instances->len : 0;
}

/* ---- instances and keys ------------------------------------------------ */

static void
test_instance_round_trip (void)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autoptr (ArtemisInstance) instance = NULL;
	g_autofree char *json = NULL;

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, "I-1");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, "Demo");
	artemis_instance_builder_set_metadata (builder, "b", "2");
	artemis_instance_builder_set_metadata (builder, "a", NULL);
	artemis_instance_builder_set_metadata (builder, "b", "3");
	artemis_instance_builder_set_port (builder, -1);
	instance = artemis_instance_builder_end (builder);

	g_assert_cmpstr (artemis_instance_get_key (instance), ==, "i-1");
	g_assert_cmpuint (artemis_instance_get_n_metadata (instance), ==, 2);
	g_assert_cmpstr (artemis_instance_lookup_metadata (instance, "b"), ==, "3");
	json = encode_instance (instance);
	/* Insertion order kept, replaced value in place, null value written. */
	g_assert_cmpstr (json, ==,
			 "{\"groupId\":null,\"healthCheckUrl\":null,\"instanceId\":\"I-1\",\"ip\":null,"
			 "\"machineName\":null,\"metadata\":{\"b\":\"3\",\"a\":null},\"port\":-1,\"protocol\":null,"
			 "\"regionId\":null,\"serviceId\":\"Demo\",\"status\":null,\"url\":null,\"zoneId\":null}");
}

static void
test_instance_metadata_null_vs_empty (void)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autoptr (ArtemisInstance) without = NULL;
	g_autoptr (ArtemisInstance) empty = NULL;
	g_autofree char *json_without = NULL;
	g_autofree char *json_empty = NULL;

	without = artemis_instance_builder_end (builder);
	artemis_instance_builder_begin_metadata (builder);
	empty = artemis_instance_builder_end (builder);
	json_without = encode_instance (without);
	json_empty = encode_instance (empty);
	g_assert_nonnull (strstr (json_without, "\"metadata\":null"));
	g_assert_nonnull (strstr (json_empty, "\"metadata\":{}"));
}

static void
test_instance_path (void)
{
	g_autoptr (ArtemisInstance) instance = make_instance ("Demo.Hello", "I-1", FALSE);
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autoptr (ArtemisInstance) grouped = NULL;
	g_autoptr (ArtemisInstance) bare = NULL;
	g_autofree char *path = artemis_instance_to_path (instance);
	g_autofree char *grouped_path = NULL;
	g_autofree char *bare_path = NULL;

	g_assert_cmpstr (path, ==, "sha/sha-z1/demo.hello/i-1");
	artemis_instance_builder_copy (builder, instance);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_GROUP_ID, "G1");
	grouped = artemis_instance_builder_end (builder);
	grouped_path = artemis_instance_to_path (grouped);
	g_assert_cmpstr (grouped_path, ==, "sha/sha-z1/demo.hello/g1/i-1");
	bare = artemis_instance_builder_end (builder);
	bare_path = artemis_instance_to_path (bare);
	g_assert_cmpstr (bare_path, ==, "null/null/null/null");
}

static void
test_instance_legacy (void)
{
	g_autoptr (ArtemisInstance) normal = make_instance ("s", "i", FALSE);
	g_autoptr (ArtemisInstance) legacy = make_instance ("s", "i", TRUE);
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autoptr (ArtemisInstance) blank = NULL;

	g_assert_false (artemis_instance_is_legacy (normal));
	g_assert_true (artemis_instance_is_legacy (legacy));
	artemis_instance_builder_set_metadata (builder, "java_registry", "  ");
	blank = artemis_instance_builder_end (builder);
	g_assert_false (artemis_instance_is_legacy (blank));
}

static void
test_instance_reload (void)
{
	g_autoptr (ArtemisInstance) reload = artemis_instance_new_reload ("demo.hello");
	g_autofree char *json = encode_instance (reload);

	g_assert_cmpstr (json, ==,
			 "{\"groupId\":null,\"healthCheckUrl\":null,\"instanceId\":\"reload\",\"ip\":\"0.0.0.0\","
			 "\"machineName\":null,\"metadata\":null,\"port\":0,\"protocol\":null,\"regionId\":null,"
			 "\"serviceId\":\"demo.hello\",\"status\":null,\"url\":\"http://serviceId/reload\","
			 "\"zoneId\":null}");
}

static void
test_codec_decode_lenient (void)
{
	const char *body = "{\"INSTANCES\":[{\"instanceid\":\"i-1\",\"ServiceId\":\"s\",\"port\":\"8080\","
			   "\"url\":42,\"unknown\":{\"x\":[1,2]},\"metadata\":{\"k\":true}},null]}";
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GError) error = NULL;
	ArtemisInstance *instance;

	g_assert_true (artemis_codec_decode_instances_request (body, strlen (body), G_MAXUINT, &instances,
							       &error));
	g_assert_no_error (error);
	g_assert_cmpuint (instances->len, ==, 2);
	g_assert_null (g_ptr_array_index (instances, 1));
	instance = g_ptr_array_index (instances, 0);
	g_assert_cmpstr (artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID), ==, "i-1");
	g_assert_cmpstr (artemis_instance_get (instance, ARTEMIS_INSTANCE_SERVICE_ID), ==, "s");
	g_assert_cmpstr (artemis_instance_get (instance, ARTEMIS_INSTANCE_URL), ==, "42");
	g_assert_cmpint (artemis_instance_get_port (instance), ==, 8080);
	g_assert_cmpstr (artemis_instance_lookup_metadata (instance, "k"), ==, "true");
}

static void
test_codec_decode_errors (void)
{
	static const char *bodies[] = {
		"null",
		"[]",
		"{\"instances\":\"x\"}",
		"{\"instances\":[{\"port\":{}}]}",
		"{\"instances\":[{\"port\":99999999999}]}",
		"{\"instances\":[{\"instanceId\":\"a\\u0000b\"}]}",
		"{\"instances\":[{\"metadata\":[]}]}",
		"{\"instances\":[]} x",
		"{\"instances\":[\xff]}",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++) {
		g_autoptr (GPtrArray) instances = NULL;
		g_autoptr (GError) error = NULL;
		g_autofree char *printable = g_strescape (bodies[i], NULL);

		g_test_message ("body: %s", printable);
		g_assert_false (artemis_codec_decode_instances_request (bodies[i], strlen (bodies[i]), G_MAXUINT,
									&instances, &error));
		g_assert_nonnull (error);
		g_assert_null (instances);
	}
}

/* Past the limit one more instance is decoded, enough to refuse, and the rest is not read. */
static void
test_codec_decode_limit (void)
{
	const char *body = "{\"instances\":[{\"instanceId\":\"a\"},{},null,{\"x\":[1,{}]},{}]}";
	const char *unread_tail = "{\"instances\":[{},{},{},{\"x\":]";
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GPtrArray) two = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_true (artemis_codec_decode_instances_request (body, strlen (body), 2, &instances, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (instances->len, ==, 3);
	g_assert_null (g_ptr_array_index (instances, 2));
	g_assert_true (artemis_codec_decode_instances_request (unread_tail, strlen (unread_tail), 1, &two, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (two->len, ==, 2);
}

/* A registry request past [registry] max-instances-per-request or max-instance-size changes nothing. */
static void
test_registry_request_limits (void)
{
	g_autoptr (ArtemisConfig) config = artemis_config_new ();
	g_autoptr (ArtemisChangeLog) log = NULL;
	g_autoptr (ArtemisNode) node = NULL;
	g_autoptr (ArtemisRegistry) registry = NULL;
	g_autoptr (GPtrArray) instances = artemis_instance_array_new (3);
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autofree char *fat = g_strnfill (2000, 'x');

	config->max_instances_per_request = 2;
	config->max_instance_size = 1024;
	log = artemis_change_log_new (config->change_buffer_size);
	node = artemis_node_new (config, "http://127.0.0.1:8080/");
	registry = artemis_registry_new (config, node, log);
	for (guint i = 0; i < 3; i++)
		g_ptr_array_add (instances, make_instance ("demo", "i", FALSE));
	failed = artemis_registry_handle (registry, ARTEMIS_REGISTRY_REGISTER, ARTEMIS_REGISTRY_FROM_CLIENT, instances,
					  &error);
	g_assert_null (failed);
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST);
	g_assert_cmpstr (error->message, ==,
			 "request.instances holds more than 2 instances ([registry] max-instances-per-request).");
	g_clear_error (&error);
	g_ptr_array_set_size (instances, 1);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, "demo");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, "fat");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, fat);
	g_ptr_array_add (instances, artemis_instance_builder_end (builder));
	failed = artemis_registry_handle (registry, ARTEMIS_REGISTRY_REGISTER, ARTEMIS_REGISTRY_FROM_CLIENT, instances,
					  &error);
	g_assert_null (failed);
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST);
	g_assert_true (g_str_has_prefix (error->message, "request.instances[1] takes "));
	g_assert_null (artemis_registry_get_instances (registry, "demo", NULL));
}

/* ---- registry and leases ----------------------------------------------- */

static void
test_registry_case_insensitive_keys (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisInstance) first = make_instance ("Demo.Hello", "I-1", FALSE);
	g_autoptr (ArtemisInstance) again = make_instance ("demo.hello", "i-1", FALSE);
	g_autoptr (GPtrArray) services = NULL;
	const char *stored = NULL;
	g_autoptr (GPtrArray) instances = NULL;

	artemis_registry_register (fixture->registry, first);
	artemis_registry_register (fixture->registry, again);
	g_assert_cmpuint (artemis_registry_get_n_instances (fixture->registry), ==, 1);
	instances = artemis_registry_get_instances (fixture->registry, "DEMO.HELLO", &stored);
	g_assert_cmpuint (instances->len, ==, 1);
	/* The service keeps its first spelling; the payload is the newest. */
	g_assert_cmpstr (stored, ==, "Demo.Hello");
	g_assert_true (g_ptr_array_index (instances, 0) == again);
	services = artemis_registry_list_services (fixture->registry);
	g_assert_cmpuint (services->len, ==, 1);
	g_assert_cmpuint (fixture->changes->len, ==, 2);
}

static void
test_registry_lease_expiry (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisInstance) a = make_instance ("svc", "a", FALSE);
	g_autoptr (ArtemisInstance) b = make_instance ("svc", "b", FALSE);
	ArtemisChange *last;

	artemis_registry_register (fixture->registry, a);
	fixture->clock.now += 10000;
	artemis_registry_register (fixture->registry, b);

	fixture->clock.now += 10000; /* a is exactly at its TTL: not yet expired */
	g_assert_cmpuint (artemis_registry_clean (fixture->registry), ==, 0);
	fixture->clock.now += 1;
	g_assert_cmpuint (artemis_registry_clean (fixture->registry), ==, 1);
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 1);
	last = g_ptr_array_index (fixture->changes, fixture->changes->len - 1);
	g_assert_cmpint (last->type, ==, ARTEMIS_CHANGE_DELETE);
	g_assert_true (last->instance == a);

	/* A renewal moves b's deadline. */
	g_assert_true (artemis_registry_renew (fixture->registry, b));
	fixture->clock.now += 15000;
	g_assert_cmpuint (artemis_registry_clean (fixture->registry), ==, 0);
	fixture->clock.now += 5001;
	g_assert_cmpuint (artemis_registry_clean (fixture->registry), ==, 1);
	g_assert_null (artemis_registry_get_instances (fixture->registry, "svc", NULL));
}

static void
test_registry_expired_is_sticky (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisInstance) a = make_instance ("svc", "a", FALSE);

	artemis_registry_register (fixture->registry, a);
	fixture->clock.now += 20001;
	g_assert_false (artemis_registry_renew (fixture->registry, a));
	/* Even back in time, an expired lease is never revived. */
	fixture->clock.now -= 10000;
	g_assert_false (artemis_registry_renew (fixture->registry, a));
	/* Re-registering creates a fresh lease. */
	artemis_registry_register (fixture->registry, a);
	g_assert_true (artemis_registry_renew (fixture->registry, a));
}

static void
test_registry_legacy_pool (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisInstance) legacy = make_instance ("svc", "a", TRUE);
	g_autoptr (ArtemisInstance) plain = make_instance ("svc", "a", FALSE);

	artemis_registry_register (fixture->registry, legacy);
	/* The pool is chosen by the request's metadata. */
	g_assert_false (artemis_registry_renew (fixture->registry, plain));
	artemis_registry_unregister (fixture->registry, plain);
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 1);
	g_assert_true (artemis_registry_renew (fixture->registry, legacy));
	fixture->clock.now += 60000;
	g_assert_cmpuint (artemis_registry_clean (fixture->registry), ==, 0);
	fixture->clock.now += 30001;
	g_assert_cmpuint (artemis_registry_clean (fixture->registry), ==, 1);
}

static void
test_registry_unregister (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisInstance) a = make_instance ("svc", "a", FALSE);
	g_autoptr (ArtemisInstance) unknown = make_instance ("svc", "zzz", FALSE);
	ArtemisChange *last;

	artemis_registry_register (fixture->registry, a);
	artemis_registry_unregister (fixture->registry, unknown);
	g_assert_cmpuint (fixture->changes->len, ==, 1);
	artemis_registry_unregister (fixture->registry, a);
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 0);
	g_assert_cmpuint (fixture->changes->len, ==, 2);
	last = g_ptr_array_index (fixture->changes, 1);
	g_assert_cmpint (last->type, ==, ARTEMIS_CHANGE_DELETE);
	g_assert_false (artemis_registry_renew (fixture->registry, a));
}

static void
test_registry_handle_failures (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) request = artemis_instance_array_new (4);
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	ArtemisFailedInstance *failure;

	g_ptr_array_add (request, make_instance ("svc", "ok", FALSE));
	g_ptr_array_add (request, NULL);
	artemis_instance_builder_copy (builder, g_ptr_array_index (request, 0));
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, "other");
	g_ptr_array_add (request, artemis_instance_builder_end (builder));
	artemis_instance_builder_copy (builder, g_ptr_array_index (request, 0));
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, "sha-z2");
	g_ptr_array_add (request, artemis_instance_builder_end (builder));
	artemis_instance_builder_copy (builder, g_ptr_array_index (request, 0));
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, " ");
	g_ptr_array_add (request, artemis_instance_builder_end (builder));

	failed = artemis_registry_handle (fixture->registry, ARTEMIS_REGISTRY_REGISTER, ARTEMIS_REGISTRY_FROM_CLIENT,
					  request, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (failed->len, ==, 3);
	failure = g_ptr_array_index (failed, 0);
	g_assert_cmpstr (failure->error_code, ==, "no-permission");
	g_assert_cmpstr (failure->message, ==,
			 "other/sha-z1/svc/ok: regionId is not the same as the registry node. regionId: other, "
			 "registry node.regionId: SHA");
	failure = g_ptr_array_index (failed, 1);
	g_assert_cmpstr (failure->message, ==,
			 "sha/sha-z2/svc/ok: zoneId is not the same as the registry node. zoneId: sha-z2, "
			 "registry node.zoneId: SHA-Z1");
	failure = g_ptr_array_index (failed, 2);
	g_assert_cmpstr (failure->error_code, ==, "internal-service-error");
	g_assert_cmpstr (failure->message, ==,
			 "sha/sha-z1/svc/ok: Exception: argument instance.url is null or whitespace");
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 1);
}

static void
test_registry_handle_heartbeat (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) request = artemis_instance_array_new (1);
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GPtrArray) peer_failed = NULL;
	ArtemisFailedInstance *failure;

	g_ptr_array_add (request, make_instance ("svc", "i-2", FALSE));
	failed = artemis_registry_handle (fixture->registry, ARTEMIS_REGISTRY_HEARTBEAT,
					  ARTEMIS_REGISTRY_FROM_CLIENT, request, NULL);
	g_assert_cmpuint (failed->len, ==, 1);
	failure = g_ptr_array_index (failed, 0);
	g_assert_cmpstr (failure->error_code, ==, "data-not-found");
	g_assert_cmpstr (failure->message, ==, "sha/sha-z1/svc/i-2: Instance is not exising! Need re-register.");
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 0);

	/* A peer's heartbeat registers what it does not find. */
	peer_failed = artemis_registry_handle (fixture->registry, ARTEMIS_REGISTRY_HEARTBEAT,
					       ARTEMIS_REGISTRY_FROM_PEER, request, NULL);
	g_assert_cmpuint (peer_failed->len, ==, 0);
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 1);
}

static void
test_registry_handle_whole_request (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) empty = artemis_instance_array_new (0);
	g_autoptr (GPtrArray) request = artemis_instance_array_new (1);
	g_autoptr (GError) error = NULL;
	g_autoptr (GError) unavailable = NULL;

	g_assert_null (artemis_registry_handle (fixture->registry, ARTEMIS_REGISTRY_REGISTER,
						ARTEMIS_REGISTRY_FROM_CLIENT, empty, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST);
	g_assert_cmpstr (error->message, ==, "request.instances is null or empty.");

	g_ptr_array_add (request, make_instance ("svc", "a", FALSE));
	artemis_node_set_state (fixture->node, ARTEMIS_NODE_STARTING);
	artemis_node_set_capabilities (fixture->node, ARTEMIS_TRISTATE_NULL, ARTEMIS_TRISTATE_NULL);
	g_assert_null (artemis_registry_handle (fixture->registry, ARTEMIS_REGISTRY_REGISTER,
						ARTEMIS_REGISTRY_FROM_CLIENT, request, &unavailable));
	g_assert_error (unavailable, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
	g_assert_cmpstr (unavailable->message, ==,
			 "Serivce registry is not in up state. Current status: { node: "
			 "sha/sha-z1/http://127.0.0.1:8080/, status: starting, canServiceRegistry: null, "
			 "canServiceDiscovery: null }");
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 0);
}

/* ---- safe checker ------------------------------------------------------ */

static ArtemisLeaseConfig
checker_config (void)
{
	g_autoptr (ArtemisConfig) config = artemis_config_new ();
	ArtemisLeaseConfig lease = config->lease;

	lease.safe_check_time_window_ms = 10000;
	lease.safe_check_max_count_threshold = 50;
	lease.safe_check_percentage_threshold = 85;
	lease.safe_check_max_count_reset_interval_ms = 600000;
	return lease;
}

static void
renew_n (ArtemisSafeChecker *checker, gint64 now, guint n)
{
	for (guint i = 0; i < n; i++)
		artemis_safe_checker_count_renewal (checker, ARTEMIS_SAFE_CHECKER_NEVER, now);
}

static void
test_safe_checker (void)
{
	ArtemisLeaseConfig config = checker_config ();
	g_autoptr (ArtemisSafeChecker) checker = artemis_safe_checker_new (&config);
	gint64 now = 1000000;

	/* 10 renewals a second for 10 s: a window count of 100. */
	for (guint s = 0; s < 10; s++)
		renew_n (checker, now + s * 1000, 10);
	now += 9000;
	g_assert_cmpint (artemis_safe_checker_get_count (checker, now), ==, 100);
	artemis_safe_checker_check (checker, now);
	g_assert_cmpint (artemis_safe_checker_get_max_count (checker), ==, 100);
	g_assert_true (artemis_safe_checker_is_safe (checker));

	/* One second later the oldest bucket left the window: 90 % is still safe. */
	now += 1000;
	g_assert_cmpint (artemis_safe_checker_get_count (checker, now), ==, 90);
	artemis_safe_checker_check (checker, now);
	g_assert_true (artemis_safe_checker_is_safe (checker));
	/* 80 % is below 85 %: unsafe. */
	now += 1000;
	artemis_safe_checker_check (checker, now);
	g_assert_false (artemis_safe_checker_is_safe (checker));
	/* Recovery: back to 100 % of the maximum. */
	renew_n (checker, now, 20);
	artemis_safe_checker_check (checker, now);
	g_assert_true (artemis_safe_checker_is_safe (checker));
}

/* Renews every lease of @counted (when each was last counted) at @now. */
static void
renew_round (ArtemisSafeChecker *checker, gint64 *counted, guint n, gint64 now)
{
	for (guint i = 0; i < n; i++) {
		artemis_safe_checker_count_renewal (checker, counted[i], now + i % 500);
		counted[i] = now + i % 500;
	}
}

/*
 * 5,000 clients heartbeating in step every 5 s, or 6 (the Java client looks
 * every second whether 5 s have passed), checked every second with the 12 s
 * window: two or three rounds in it, and 5,000 leases renewed in it every
 * time — never unsafe, where Java's count of renewals swung by a third.
 * When the renewals stop, unsafe within the window: before a 20 s lease
 * expires.
 */
static void
test_safe_checker_rounds (void)
{
	ArtemisLeaseConfig config = checker_config ();
	g_autoptr (ArtemisSafeChecker) checker = NULL;
	g_autofree gint64 *counted = g_new (gint64, 5000);
	gint64 now = 1000000, next_round = now, last_round = now;
	guint round = 0;

	config.safe_check_time_window_ms = 12000;
	checker = artemis_safe_checker_new (&config);
	for (guint i = 0; i < 5000; i++)
		counted[i] = ARTEMIS_SAFE_CHECKER_NEVER;
	for (; now < 1000000 + 180000; now += 1000) {
		if (now >= next_round) {
			renew_round (checker, counted, 5000, now);
			last_round = now;
			next_round = now + (round++ % 3 == 0 ? 6000 : 5000);
		}
		artemis_safe_checker_check (checker, now);
		g_assert_true (artemis_safe_checker_is_safe (checker));
	}
	g_assert_cmpint (artemis_safe_checker_get_max_count (checker), ==, 5000);
	for (now = last_round + 1000; now <= last_round + 12000 && artemis_safe_checker_is_safe (checker); now += 1000)
		artemis_safe_checker_check (checker, now);
	g_assert_false (artemis_safe_checker_is_safe (checker));
}

static void
test_safe_checker_low_traffic (void)
{
	ArtemisLeaseConfig config = checker_config ();
	g_autoptr (ArtemisSafeChecker) checker = artemis_safe_checker_new (&config);

	renew_n (checker, 5000, 40);
	artemis_safe_checker_check (checker, 5000);
	/* A max below the threshold never judges. */
	artemis_safe_checker_check (checker, 60000);
	g_assert_cmpint (artemis_safe_checker_get_max_count (checker), ==, 40);
	g_assert_true (artemis_safe_checker_is_safe (checker));
}

static void
test_safe_checker_disabled (void)
{
	ArtemisLeaseConfig config = checker_config ();
	g_autoptr (ArtemisSafeChecker) checker = NULL;

	config.safe_check_enabled = FALSE;
	checker = artemis_safe_checker_new (&config);
	renew_n (checker, 5000, 100);
	artemis_safe_checker_check (checker, 5000);
	artemis_safe_checker_check (checker, 60000);
	g_assert_true (artemis_safe_checker_is_safe (checker));
	g_assert_false (artemis_safe_checker_is_enabled (checker));
}

static void
test_registry_unsafe_suspends_expiry (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) instances = artemis_instance_array_new (60);
	gint64 start = fixture->clock.now;

	for (guint i = 0; i < 60; i++) {
		g_autofree char *id = g_strdup_printf ("i-%u", i);

		g_ptr_array_add (instances, make_instance ("svc", id, FALSE));
		artemis_registry_register (fixture->registry, g_ptr_array_index (instances, i));
	}
	/* Every instance renews once a second for the 12 s window. */
	for (guint s = 1; s <= 12; s++) {
		fixture->clock.now = start + s * 1000;
		for (guint i = 0; i < instances->len; i++)
			g_assert_true (artemis_registry_renew (fixture->registry, g_ptr_array_index (instances, i)));
		artemis_registry_check_safety (fixture->registry);
	}
	/* Then all heartbeats stop: the pool turns unsafe and keeps its leases. */
	for (guint s = 13; s <= 40; s++) {
		fixture->clock.now = start + s * 1000;
		artemis_registry_check_safety (fixture->registry);
		artemis_registry_clean (fixture->registry);
	}
	g_assert_false (artemis_safe_checker_is_safe (
		artemis_registry_get_safe_checker (fixture->registry, ARTEMIS_LEASE_POOL_NORMAL)));
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 60);

	/* Explicit unregisters still work while unsafe. */
	artemis_registry_unregister (fixture->registry, g_ptr_array_index (instances, 0));
	g_assert_cmpuint (count_instances (fixture->registry, "svc"), ==, 59);
}

/* ---- change log -------------------------------------------------------- */

static void
collect_seq (ArtemisChange *change, gpointer user_data)
{
	g_array_append_val ((GArray *) user_data, change->seq);
}

static void
test_change_log (void)
{
	g_autoptr (ArtemisChangeLog) log = artemis_change_log_new (3);
	g_autoptr (ArtemisInstance) instance = make_instance ("svc", "a", FALSE);
	g_autoptr (GArray) seqs = g_array_new (FALSE, FALSE, sizeof (guint64));

	for (guint i = 0; i < 5; i++) {
		g_autoptr (ArtemisChange) change =
			artemis_change_log_append (log, ARTEMIS_CHANGE_NEW, 1000 + i, instance);

		g_assert_cmpuint (change->seq, ==, i + 1);
	}
	g_assert_cmpuint (artemis_change_log_get_last_seq (log), ==, 5);
	g_assert_cmpuint (artemis_change_log_get_length (log), ==, 3);

	g_assert_true (artemis_change_log_foreach_since (log, 3, collect_seq, seqs));
	g_assert_cmpuint (seqs->len, ==, 2);
	g_assert_cmpuint (g_array_index (seqs, guint64, 0), ==, 4);
	g_assert_cmpuint (g_array_index (seqs, guint64, 1), ==, 5);
	g_array_set_size (seqs, 0);
	g_assert_true (artemis_change_log_foreach_since (log, 2, collect_seq, seqs));
	g_assert_cmpuint (seqs->len, ==, 3);
	g_array_set_size (seqs, 0);
	/* Changes 2 was dropped: a subscriber that far behind must reload. */
	g_assert_false (artemis_change_log_foreach_since (log, 1, collect_seq, seqs));
	g_assert_cmpuint (seqs->len, ==, 0);
	g_assert_true (artemis_change_log_foreach_since (log, 5, collect_seq, seqs));
	g_assert_cmpuint (seqs->len, ==, 0);
}

static void
test_change_json (void)
{
	g_autoptr (ArtemisInstance) reload = artemis_instance_new_reload ("svc");
	g_autoptr (ArtemisChange) change = artemis_change_new (ARTEMIS_CHANGE_RELOAD, 1700000065000, reload);
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);
	g_autofree char *json = NULL;

	artemis_codec_write_change (writer, change);
	json = artemis_json_writer_free_to_string (writer);
	g_assert_true (g_str_has_prefix (json, "{\"changeTime\":1700000065000,\"changeType\":\"reload\","
					       "\"instance\":{\"groupId\":null,"));
}

/* ---- versioned cache and delta ----------------------------------------- */

static void
test_versioned_cache_delta (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisDiscovery) discovery = artemis_discovery_new (fixture->registry);
	g_autoptr (ArtemisVersionedCache) cache = NULL;
	g_autoptr (ArtemisInstance) a = make_instance ("Svc", "a", FALSE);
	g_autoptr (ArtemisInstance) b = make_instance ("svc", "b", FALSE);
	g_autoptr (ArtemisInstance) c = make_instance ("other", "c", FALSE);
	g_autoptr (GPtrArray) services = NULL;
	g_autoptr (GPtrArray) delta = NULL;
	ArtemisServiceDelta *service_delta;
	ArtemisChange *change;
	gint64 v1, v2, v3, version, newest = 0;

	fixture->config->cache_count = 3;
	cache = artemis_versioned_cache_new (discovery, fixture->config);
	artemis_registry_register (fixture->registry, a);

	services = artemis_versioned_cache_get_services (cache, &version);
	g_assert_cmpint (version, ==, 0);
	g_assert_cmpuint (services->len, ==, 1);
	g_clear_pointer (&services, g_ptr_array_unref);
	g_assert_null (artemis_versioned_cache_get_delta (cache, 0, &newest));

	artemis_versioned_cache_refresh (cache);
	services = artemis_versioned_cache_get_services (cache, &v1);
	g_assert_cmpint (v1, ==, fixture->clock.now);
	/* Up to date: Java answers data-not-found for the newest version. */
	g_assert_null (artemis_versioned_cache_get_delta (cache, v1, &newest));

	artemis_registry_register (fixture->registry, b);
	artemis_registry_register (fixture->registry, c);
	artemis_versioned_cache_refresh (cache);
	g_clear_pointer (&services, g_ptr_array_unref);
	services = artemis_versioned_cache_get_services (cache, &v2);
	g_assert_cmpint (v2, >, v1);
	delta = artemis_versioned_cache_get_delta (cache, v1, &newest);
	g_assert_cmpint (newest, ==, v2);
	g_assert_cmpuint (delta->len, ==, 2);
	/* Services come sorted by id (byte order, as stored). */
	service_delta = g_ptr_array_index (delta, 1);
	g_assert_cmpstr (service_delta->service_id, ==, "other");
	service_delta = g_ptr_array_index (delta, 0);
	g_assert_cmpstr (service_delta->service_id, ==, "Svc");
	g_assert_cmpuint (service_delta->changes->len, ==, 1);
	change = g_ptr_array_index (service_delta->changes, 0);
	g_assert_cmpint (change->type, ==, ARTEMIS_CHANGE_NEW);
	g_assert_true (change->instance == b);
	g_clear_pointer (&delta, g_ptr_array_unref);

	/* The last instance of a service going away shows as a delete. */
	artemis_registry_unregister (fixture->registry, c);
	fixture->clock.now += 1000;
	artemis_versioned_cache_refresh (cache);
	g_clear_pointer (&services, g_ptr_array_unref);
	services = artemis_versioned_cache_get_services (cache, &v3);
	delta = artemis_versioned_cache_get_delta (cache, v2, &newest);
	g_assert_cmpint (newest, ==, v3);
	g_assert_cmpuint (delta->len, ==, 1);
	service_delta = g_ptr_array_index (delta, 0);
	change = g_ptr_array_index (service_delta->changes, 0);
	g_assert_cmpint (change->type, ==, ARTEMIS_CHANGE_DELETE);
	g_assert_cmpint (change->time_ms, ==, fixture->clock.now);
	g_clear_pointer (&delta, g_ptr_array_unref);

	/* Three retained: v1 is still there, a fourth refresh evicts it. */
	g_assert_nonnull ((delta = artemis_versioned_cache_get_delta (cache, v1, &newest)));
	g_clear_pointer (&delta, g_ptr_array_unref);
	artemis_versioned_cache_refresh (cache);
	g_assert_null (artemis_versioned_cache_get_delta (cache, v1, &newest));
	g_clear_pointer (&services, g_ptr_array_unref);
}

/* A refresh re-filters only what changed: unchanged services are shared. */
static void
test_versioned_cache_reuse (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisDiscovery) discovery = artemis_discovery_new (fixture->registry);
	g_autoptr (ArtemisVersionedCache) cache = artemis_versioned_cache_new (discovery, fixture->config);
	g_autoptr (ArtemisInstance) a = make_instance ("a-svc", "a", FALSE);
	g_autoptr (ArtemisInstance) b = make_instance ("b-svc", "b", FALSE);
	g_autoptr (ArtemisInstance) b2 = make_instance ("b-svc", "b2", FALSE);
	g_autoptr (GPtrArray) first = NULL;
	g_autoptr (GPtrArray) second = NULL;
	g_autoptr (GPtrArray) third = NULL;
	gint64 version;

	artemis_registry_register (fixture->registry, a);
	artemis_registry_register (fixture->registry, b);
	artemis_versioned_cache_refresh (cache);
	first = artemis_versioned_cache_get_services (cache, &version);

	/* A heartbeat is not a change; a new instance of b-svc is. */
	g_assert_true (artemis_registry_renew (fixture->registry, a));
	artemis_registry_register (fixture->registry, b2);
	artemis_versioned_cache_refresh (cache);
	second = artemis_versioned_cache_get_services (cache, &version);
	g_assert_cmpuint (second->len, ==, 2);
	g_assert_true (g_ptr_array_index (second, 0) == g_ptr_array_index (first, 0));
	g_assert_false (g_ptr_array_index (second, 1) == g_ptr_array_index (first, 1));
	g_assert_cmpuint (((ArtemisService *) g_ptr_array_index (second, 1))->instances->len, ==, 2);

	/* Filter state changed: everything is filtered again. */
	artemis_discovery_invalidate (discovery, "a-svc");
	artemis_versioned_cache_refresh (cache);
	third = artemis_versioned_cache_get_services (cache, &version);
	g_assert_false (g_ptr_array_index (third, 0) == g_ptr_array_index (second, 0));
	g_assert_false (g_ptr_array_index (third, 1) == g_ptr_array_index (second, 1));
}

/* ---- discovery cache ----------------------------------------------------- */

static void
test_discovery_cache (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisDiscovery) discovery = artemis_discovery_new (fixture->registry);
	g_autoptr (ArtemisDiscoveryConfig) config = artemis_discovery_config_new ("SVC");
	g_autoptr (ArtemisInstance) a = make_instance ("svc", "a", FALSE);
	g_autoptr (ArtemisInstance) b = make_instance ("svc", "b", FALSE);
	g_autoptr (GBytes) first = NULL;
	g_autoptr (GBytes) second = NULL;
	g_autoptr (GBytes) third = NULL;

	g_assert_null (artemis_discovery_get_service_json (discovery, config));
	artemis_registry_register (fixture->registry, a);
	first = artemis_discovery_get_service_json (discovery, config);
	second = artemis_discovery_get_service_json (discovery, config);
	/* The same cached bytes… */
	g_assert_true (first == second);
	/* …until the service changes. */
	artemis_registry_register (fixture->registry, b);
	third = artemis_discovery_get_service_json (discovery, config);
	g_assert_false (third == first);
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (third, NULL), g_bytes_get_size (third), "\"b\""));
	/* A renewal is not a change: the cache stays. */
	g_clear_pointer (&first, g_bytes_unref);
	g_assert_true (artemis_registry_renew (fixture->registry, a));
	first = artemis_discovery_get_service_json (discovery, config);
	g_assert_true (first == third);
}

static void
test_discovery_lookup_body (RegistryFixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisDiscovery) discovery = artemis_discovery_new (fixture->registry);
	g_autoptr (ArtemisDiscoveryConfig) config = artemis_discovery_config_new ("svc");
	g_autoptr (ArtemisInstance) a = make_instance ("svc", "a", FALSE);
	g_autoptr (ArtemisInstance) b = make_instance ("svc", "b", FALSE);
	g_autoptr (ArtemisBody) first = NULL;
	g_autoptr (ArtemisBody) second = NULL;
	g_autoptr (GBytes) service = NULL;
	g_autofree char *expected = NULL;
	GBytes *json;

	g_assert_null (artemis_discovery_get_lookup_body (discovery, config));
	artemis_registry_register (fixture->registry, a);
	first = artemis_discovery_get_lookup_body (discovery, config);
	service = artemis_discovery_get_service_json (discovery, config);
	expected = g_strdup_printf ("{\"responseStatus\":{\"errorCode\":\"success\",\"message\":\"\","
				    "\"status\":\"success\"},\"services\":[%.*s]}",
				    (int) g_bytes_get_size (service), (const char *) g_bytes_get_data (service, NULL));
	json = artemis_body_get_json (first);
	g_assert_cmpmem (g_bytes_get_data (json, NULL), g_bytes_get_size (json), expected, strlen (expected));
	second = artemis_discovery_get_lookup_body (discovery, config);
	g_assert_true (first == second);
	/* Its gzip is made once, and shared as well. */
	g_assert_true (artemis_body_get_gzip (first) == artemis_body_get_gzip (second));
	artemis_registry_register (fixture->registry, b);
	g_clear_pointer (&second, artemis_body_unref);
	second = artemis_discovery_get_lookup_body (discovery, config);
	g_assert_false (first == second);
}

/* ---- configuration ----------------------------------------------------- */

static void
test_config_defaults_and_blanks (void)
{
	g_autoptr (ArtemisConfig) config = artemis_config_new ();
	g_autoptr (GError) error = NULL;

	g_assert_cmpint (config->lease.ttl_ms, ==, 20000);
	g_assert_cmpint (config->legacy_lease.ttl_ms, ==, 90000);
	g_assert_cmpint (config->max_body_size, ==, 4 * 1024 * 1024);
	g_assert_true (config->force_up);
	g_assert_cmpstr (config->bind_address, ==, "127.0.0.1");

	g_assert_true (artemis_config_load_data (config, "[lease]\nclean-interval=200\nttl=\n[cluster]\nforce-up=FALSE\n",
						 &error));
	g_assert_no_error (error);
	g_assert_cmpint (config->lease.clean_interval_ms, ==, 200);
	g_assert_cmpint (config->lease.ttl_ms, ==, 20000);
	g_assert_false (config->force_up);
}

/* Java clamps a value out of range; artemisd refuses it, naming the key and the range. */
static void
test_config_out_of_range (void)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "[server]\nport=99999\n", "[server] port: 99999 is outside the range 0–65535" },
		{ "[server]\nport=-1\n", "[server] port: -1 is outside the range 0–65535" },
		{ "[lease]\nclean-interval=1\n", "[lease] clean-interval: 1 is outside the range 100–5000" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (ArtemisConfig) config = artemis_config_new ();
		g_autoptr (GError) error = NULL;

		g_assert_false (artemis_config_load_data (config, cases[i].text, &error));
		g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG);
		g_assert_cmpstr (error->message, ==, cases[i].message);
	}
}

static void
test_config_errors (void)
{
	static const char *bad[] = {
		"[server]\nport=abc\n",
		"[cluster]\nforce-up=maybe\n",
		"not a key file",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (ArtemisConfig) config = artemis_config_new ();
		g_autoptr (GError) error = NULL;

		g_assert_false (artemis_config_load_data (config, bad[i], &error));
		g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG);
	}
}

static void
test_config_dump_defaults (void)
{
	g_autofree char *text = artemis_config_dump_defaults ();
	g_autoptr (ArtemisConfig) config = artemis_config_new ();
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (strstr (text, "[lease]\n"));
	g_assert_nonnull (strstr (text, "#ttl=20000\n"));
	/* The dump is itself a valid configuration. */
	g_assert_true (artemis_config_load_data (config, text, &error));
	g_assert_no_error (error);
}

/* data/artemisd.conf is the shipped default file: it must match the code. */
static void
test_config_shipped_file (void)
{
	g_autofree char *expected = artemis_config_dump_defaults ();
	g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "artemisd.conf", NULL);
	g_autofree char *shipped = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_true (g_file_get_contents (path, &shipped, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (shipped, ==, expected);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	g_test_add_func ("/artemis/instance/round-trip", test_instance_round_trip);
	g_test_add_func ("/artemis/instance/metadata-null-vs-empty", test_instance_metadata_null_vs_empty);
	g_test_add_func ("/artemis/instance/path", test_instance_path);
	g_test_add_func ("/artemis/instance/legacy", test_instance_legacy);
	g_test_add_func ("/artemis/instance/reload", test_instance_reload);
	g_test_add_func ("/artemis/codec/decode-lenient", test_codec_decode_lenient);
	g_test_add_func ("/artemis/codec/decode-errors", test_codec_decode_errors);
	g_test_add_func ("/artemis/codec/decode-limit", test_codec_decode_limit);
	g_test_add_func ("/artemis/registry/request-limits", test_registry_request_limits);

#define REGISTRY_TEST(path, func) \
	g_test_add (path, RegistryFixture, NULL, registry_fixture_set_up, func, registry_fixture_tear_down)
	REGISTRY_TEST ("/artemis/registry/case-insensitive-keys", test_registry_case_insensitive_keys);
	REGISTRY_TEST ("/artemis/registry/lease-expiry", test_registry_lease_expiry);
	REGISTRY_TEST ("/artemis/registry/expired-is-sticky", test_registry_expired_is_sticky);
	REGISTRY_TEST ("/artemis/registry/legacy-pool", test_registry_legacy_pool);
	REGISTRY_TEST ("/artemis/registry/unregister", test_registry_unregister);
	REGISTRY_TEST ("/artemis/registry/handle-failures", test_registry_handle_failures);
	REGISTRY_TEST ("/artemis/registry/handle-heartbeat", test_registry_handle_heartbeat);
	REGISTRY_TEST ("/artemis/registry/handle-whole-request", test_registry_handle_whole_request);
	REGISTRY_TEST ("/artemis/registry/unsafe-suspends-expiry", test_registry_unsafe_suspends_expiry);
	REGISTRY_TEST ("/artemis/versioned-cache/delta", test_versioned_cache_delta);
	REGISTRY_TEST ("/artemis/versioned-cache/reuse", test_versioned_cache_reuse);
	REGISTRY_TEST ("/artemis/discovery/cache", test_discovery_cache);
	REGISTRY_TEST ("/artemis/discovery/lookup-body", test_discovery_lookup_body);

	g_test_add_func ("/artemis/safe-checker/window", test_safe_checker);
	g_test_add_func ("/artemis/safe-checker/low-traffic", test_safe_checker_low_traffic);
	g_test_add_func ("/artemis/safe-checker/heartbeat-rounds", test_safe_checker_rounds);
	g_test_add_func ("/artemis/safe-checker/disabled", test_safe_checker_disabled);
	g_test_add_func ("/artemis/change-log/retention", test_change_log);
	g_test_add_func ("/artemis/change-log/json", test_change_json);
	g_test_add_func ("/artemis/config/defaults-and-blanks", test_config_defaults_and_blanks);
	g_test_add_func ("/artemis/config/out-of-range", test_config_out_of_range);
	g_test_add_func ("/artemis/config/errors", test_config_errors);
	g_test_add_func ("/artemis/config/dump-defaults", test_config_dump_defaults);
	g_test_add_func ("/artemis/config/shipped-file", test_config_shipped_file);

	return g_test_run ();
}
