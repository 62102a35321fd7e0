/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"

/*
 * org.artemis.Registry1 as a D-Bus client sees it: the real artemisd on a
 * private session bus (GTestDBus, --session-bus), introspected, its
 * properties read and followed, its methods called, and InstancesChanged
 * received after HTTP registrations, coalesced and rate-bounded. Also: the
 * daemon serves on when the bus is missing or the name is taken. JSON is
 * written with ' for ", see artemis_test_json().
 */

#define NAME "org.artemis.Registry1"
#define PATH "/org/artemis/Registry1"
#define INTERFACE "org.artemis.Registry1"
#define CONFIG "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define INSTANCE(id, ip)                                                                                      \
	"{'instanceId':'" id "','ip':'" ip "','machineName':'app','metadata':{'env':'test'},'port':8080,"      \
	"'protocol':'http','regionId':'SHA','serviceId':'demo.hello','status':'up','url':'http://" ip ":8080/'," \
	"'zoneId':'SHA-Z1'}"

/*
 * One private bus for the whole program, started before anything else:
 * GTestDBus's watcher, which kills the bus if this program dies, is
 * forked at the first bus, so later buses would hold its pipe open and
 * outlive a failed test.
 */
static GTestDBus *test_bus;

typedef struct {
	GDBusConnection *connection;
	ArtemisTestDaemon *daemon;
	guint port;
	/* Received signals: (interface, member, parameters, monotonic µs). */
	GPtrArray *signals;
	guint subscription;
} Fixture;

typedef struct {
	char *member;
	GVariant *parameters;
	gint64 received_us;
} Received;

static void
received_free (Received *received)
{
	g_free (received->member);
	g_variant_unref (received->parameters);
	g_free (received);
}

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path, const char *interface,
	   const char *member, GVariant *parameters, gpointer user_data)
{
	Fixture *fixture = user_data;
	Received *received = g_new0 (Received, 1);

	received->member = g_strdup (member);
	received->parameters = g_variant_ref (parameters);
	received->received_us = g_get_monotonic_time ();
	g_ptr_array_add (fixture->signals, received);
}

static gboolean
have_bus (void)
{
	if (test_bus != NULL)
		return TRUE;
	g_test_skip ("needs dbus-daemon (package dbus-daemon) for a private bus");
	return FALSE;
}

/* Whether @name has an owner on the fixture's bus. */
static gboolean
has_owner (Fixture *fixture, const char *name)
{
	g_autoptr (GVariant) result = g_dbus_connection_call_sync (
		fixture->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"NameHasOwner", g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
		NULL, NULL);
	gboolean owned = FALSE;

	g_variant_get (result, "(b)", &owned);
	return owned;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 deadline;

	fixture->signals = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);
	if (!artemis_test_daemon_is_available () || !have_bus ())
		return;
	/* A connection of its own: the shared one would stay closed for the next test. */
	fixture->connection = g_dbus_connection_new_for_address_sync (
		g_test_dbus_get_bus_address (test_bus),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL,
		NULL, &error);
	g_assert_no_error (error);
	fixture->subscription = g_dbus_connection_signal_subscribe (fixture->connection, NULL, NULL, NULL, PATH,
								     NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal,
								     fixture, NULL);
	fixture->daemon = artemis_test_daemon_new (CONFIG);
	artemis_test_daemon_use_session_bus (fixture->daemon);
	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	fixture->port = artemis_test_daemon_get_port (fixture->daemon);
	/* It listens before it owns the name. */
	deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
	while (!has_owner (fixture, NAME) && g_get_monotonic_time () < deadline)
		artemis_test_wait_ms (10);
	g_assert_true (has_owner (fixture, NAME));
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
	g_clear_pointer (&fixture->daemon, artemis_test_daemon_free);
	if (fixture->subscription != 0)
		g_dbus_connection_signal_unsubscribe (fixture->connection, fixture->subscription);
	if (fixture->connection != NULL)
		g_dbus_connection_close_sync (fixture->connection, NULL, NULL);
	g_clear_object (&fixture->connection);
	g_ptr_array_unref (fixture->signals);
}

static GVariant *
call (Fixture *fixture, const char *interface, const char *method, GVariant *parameters,
      const char *reply_type, GError **error)
{
	return g_dbus_connection_call_sync (fixture->connection, NAME, PATH, interface, method, parameters,
					    G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
}

static GVariant *
get_property (Fixture *fixture, const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) reply = call (fixture, "org.freedesktop.DBus.Properties", "Get",
					   g_variant_new ("(ss)", INTERFACE, name), "(v)", &error);
	GVariant *value = NULL;

	g_assert_no_error (error);
	g_variant_get (reply, "(v)", &value);
	return value;
}

static void
register_instances (Fixture *fixture, const char *instances)
{
	g_autofree char *body = g_strconcat ("{'instances':[", instances, "]}", NULL);

	artemis_test_assert_post (fixture->port, "/api/registry/register.json", body, SOUP_STATUS_OK,
				  "{'failedInstances':null,'responseStatus':" OK "}");
}

/* The first signal @member received from @from on, waiting up to 5 s; its index. */
static guint
wait_for_signal (Fixture *fixture, const char *member, guint from)
{
	gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

	for (;;) {
		for (guint i = from; i < fixture->signals->len; i++) {
			Received *received = g_ptr_array_index (fixture->signals, i);

			if (g_str_equal (received->member, member))
				return i;
		}
		if (g_get_monotonic_time () >= deadline)
			g_error ("No %s signal within 5 s", member);
		artemis_test_wait_ms (10);
	}
}

static const char *
signal_text (Fixture *fixture, guint index, char **text)
{
	Received *received = g_ptr_array_index (fixture->signals, index);

	*text = g_variant_print (received->parameters, FALSE);
	return *text;
}

static void
test_introspect (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) reply = NULL;
	g_autoptr (GDBusNodeInfo) node = NULL;
	const char *xml = NULL;
	GDBusInterfaceInfo *info;
	const char *const methods[] = { "ListServices", "GetInstances", "ListOperations", "GetRouteRules" };

	if (fixture->daemon == NULL)
		return;
	reply = call (fixture, "org.freedesktop.DBus.Introspectable", "Introspect", NULL, "(s)", &error);
	g_assert_no_error (error);
	g_variant_get (reply, "(&s)", &xml);
	node = g_dbus_node_info_new_for_xml (xml, &error);
	g_assert_no_error (error);
	info = g_dbus_node_info_lookup_interface (node, INTERFACE);
	g_assert_nonnull (info);
	for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
		g_assert_nonnull (g_dbus_interface_info_lookup_method (info, methods[i]));
	g_assert_cmpstr (g_dbus_interface_info_lookup_method (info, "GetInstances")->in_args[0]->signature, ==, "s");
	g_assert_cmpstr (g_dbus_interface_info_lookup_method (info, "GetRouteRules")->out_args[0]->signature, ==,
			 "a(ssa(sias))");
	g_assert_cmpstr (g_dbus_interface_info_lookup_signal (info, "InstancesChanged")->args[0]->signature, ==,
			 "a(sss)");
	g_assert_cmpuint (g_strv_length ((char **) info->properties), ==, 10);
	for (guint i = 0; info->properties[i] != NULL; i++)
		g_assert_cmpint (info->properties[i]->flags, ==, G_DBUS_PROPERTY_INFO_FLAGS_READABLE);
	/* Read-only: nothing changes the registry over D-Bus. */
	g_assert_cmpuint (g_strv_length ((char **) info->methods), ==, G_N_ELEMENTS (methods));
}

static void
test_properties (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) all = NULL;
	g_autofree char *text = NULL;
	g_autofree char *expected = NULL;
	g_autoptr (GVariant) refused = NULL;

	if (fixture->daemon == NULL)
		return;
	all = call (fixture, "org.freedesktop.DBus.Properties", "GetAll", g_variant_new ("(s)", INTERFACE),
		    "(a{sv})", &error);
	g_assert_no_error (error);
	text = g_variant_print (all, FALSE);
	expected = g_strdup_printf ("({'Version': <'%s'>, 'NodeStatus': <'up'>, "
				    "'NodeUrl': <'http://127.0.0.1:%u/'>, 'RegionId': <'SHA'>, 'ZoneId': <'SHA-Z1'>, "
				    "'ServiceCount': <uint32 0>, 'InstanceCount': <uint32 0>, "
				    "'WebSocketSessions': <uint32 0>, 'LeasesSafe': <true>, "
				    "'LegacyLeasesSafe': <true>},)",
				    PACKAGE_VERSION, fixture->port);
	g_assert_cmpstr (text, ==, expected);

	refused = call (fixture, "org.freedesktop.DBus.Properties", "Set",
			g_variant_new ("(ssv)", INTERFACE, "NodeStatus", g_variant_new_string ("down")), "()", &error);
	g_assert_null (refused);
	g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
}

static void
test_register_signal (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) services = NULL;
	g_autoptr (GVariant) instances = NULL;
	g_autoptr (GVariant) missing = NULL;
	g_autoptr (GVariant) count = NULL;
	g_autofree char *remote_error = NULL;
	g_autofree char *changed = NULL;
	g_autofree char *properties = NULL;
	g_autofree char *text = NULL;
	guint index;

	if (fixture->daemon == NULL)
		return;
	/* One request registers two: one signal carries both. */
	register_instances (fixture, INSTANCE ("i-2", "10.0.0.6") "," INSTANCE ("i-1", "10.0.0.5"));
	index = wait_for_signal (fixture, "InstancesChanged", 0);
	g_assert_cmpstr (signal_text (fixture, index, &changed), ==,
			 "([('new', 'demo.hello', 'i-2'), ('new', 'demo.hello', 'i-1')],)");
	index = wait_for_signal (fixture, "PropertiesChanged", 0);
	g_assert_cmpstr (signal_text (fixture, index, &properties), ==,
			 "('org.artemis.Registry1', {'ServiceCount': <uint32 1>, 'InstanceCount': <uint32 2>}, [])");
	count = get_property (fixture, "InstanceCount");
	g_assert_cmpuint (g_variant_get_uint32 (count), ==, 2);

	services = call (fixture, INTERFACE, "ListServices", NULL, "(a(su))", &error);
	g_assert_no_error (error);
	g_clear_pointer (&text, g_free);
	text = g_variant_print (services, FALSE);
	g_assert_cmpstr (text, ==, "([('demo.hello', 2)],)");

	/* Ids compare ignoring case; instances come by id. */
	instances = call (fixture, INTERFACE, "GetInstances", g_variant_new ("(s)", "DEMO.Hello"), "(aa{sv})", &error);
	g_assert_no_error (error);
	g_clear_pointer (&text, g_free);
	text = g_variant_print (instances, FALSE);
	g_assert_cmpstr (text, ==,
			 "([{'instanceId': <'i-1'>, 'ip': <'10.0.0.5'>, 'machineName': <'app'>, "
			 "'protocol': <'http'>, 'regionId': <'SHA'>, 'serviceId': <'demo.hello'>, "
			 "'status': <'up'>, 'url': <'http://10.0.0.5:8080/'>, 'zoneId': <'SHA-Z1'>, "
			 "'port': <8080>, 'metadata': <{'env': 'test'}>, 'down': <false>}, "
			 "{'instanceId': <'i-2'>, 'ip': <'10.0.0.6'>, 'machineName': <'app'>, "
			 "'protocol': <'http'>, 'regionId': <'SHA'>, 'serviceId': <'demo.hello'>, "
			 "'status': <'up'>, 'url': <'http://10.0.0.6:8080/'>, 'zoneId': <'SHA-Z1'>, "
			 "'port': <8080>, 'metadata': <{'env': 'test'}>, 'down': <false>}],)");

	missing = call (fixture, INTERFACE, "GetInstances", g_variant_new ("(s)", "nope"), "(aa{sv})", &error);
	g_assert_null (missing);
	remote_error = g_dbus_error_get_remote_error (error);
	g_assert_cmpstr (remote_error, ==, "org.artemis.Error.NotFound");
	g_assert_nonnull (strstr (error->message, "No service “nope” is registered"));
}

/* 40 registrations, one request each, as fast as possible: signals at most every 250 ms, nothing lost. */
static void
test_rate_limit (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	gint64 previous_us = 0;
	guint n_signals = 0;
	guint last = 0;

	if (fixture->daemon == NULL)
		return;
	for (guint i = 0; i < 40; i++) {
		g_autofree char *id = g_strdup_printf ("i-%02u", i);
		g_autofree char *instance = g_strdup_printf (INSTANCE ("%s", "10.0.1.1"), id);

		register_instances (fixture, instance);
	}
	while (g_hash_table_size (seen) < 40) {
		GVariantIter *changes = NULL;
		const char *type, *service_id, *instance_id;
		Received *received;

		last = wait_for_signal (fixture, "InstancesChanged", last);
		received = g_ptr_array_index (fixture->signals, last++);
		/* Timers never fire early; allow for when this side read the message. */
		if (previous_us != 0)
			g_assert_cmpint (received->received_us - previous_us, >=, 200 * G_TIME_SPAN_MILLISECOND);
		previous_us = received->received_us;
		n_signals++;
		g_variant_get (received->parameters, "(a(sss))", &changes);
		while (g_variant_iter_next (changes, "(&s&s&s)", &type, &service_id, &instance_id)) {
			g_assert_cmpstr (type, ==, "new");
			g_assert_cmpstr (service_id, ==, "demo.hello");
			/* Each instance once in all signals. */
			g_assert_true (g_hash_table_add (seen, g_strdup (instance_id)));
		}
		g_variant_iter_free (changes);
	}
	/* Coalesced: far fewer signals than registrations. */
	g_assert_cmpuint (n_signals, <, 40);
}

#define CTX "'extensions':'{}','operation':'pullout','operatorId':'ops1','reason':'r','token':'t'"

static void
test_operations_and_rules (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) operations = NULL;
	g_autoptr (GVariant) rules = NULL;
	g_autoptr (GVariant) none = NULL;
	g_autoptr (GVariant) instances = NULL;
	g_autofree char *changed = NULL;
	g_autofree char *text = NULL;
	guint index;

	if (fixture->daemon == NULL)
		return;
	register_instances (fixture, INSTANCE ("i-1", "10.0.0.5"));
	index = wait_for_signal (fixture, "InstancesChanged", 0);
	artemis_test_assert_post (fixture->port, "/api/management/operate-instance.json",
				  "{'instanceKey':{'instanceId':'i-1','regionId':'SHA','serviceId':'demo.hello'},"
				  "'operation':'pullout','operationComplete':false,'operatorId':'ops1','token':''}",
				  SOUP_STATUS_OK, "{'responseStatus':" OK "}");
	index = wait_for_signal (fixture, "InstancesChanged", index + 1);
	g_assert_cmpstr (signal_text (fixture, index, &changed), ==, "([('delete', 'demo.hello', 'i-1')],)");

	operations = call (fixture, INTERFACE, "ListOperations", NULL, "(a(ssssas))", &error);
	g_assert_no_error (error);
	text = g_variant_print (operations, FALSE);
	g_assert_cmpstr (text, ==, "([('instance', 'SHA', 'demo.hello', 'i-1', ['pullout'])],)");
	instances = call (fixture, INTERFACE, "GetInstances", g_variant_new ("(s)", "demo.hello"), "(aa{sv})", &error);
	g_assert_no_error (error);
	g_clear_pointer (&text, g_free);
	text = g_variant_print (instances, FALSE);
	g_assert_nonnull (strstr (text, "'down': <true>"));

	none = call (fixture, INTERFACE, "GetRouteRules", g_variant_new ("(s)", "demo.hello"), "(a(ssa(sias)))",
		     &error);
	g_assert_no_error (error);
	g_clear_pointer (&text, g_free);
	text = g_variant_print (none, FALSE);
	g_assert_cmpstr (text, ==, "([],)");

	artemis_test_assert_post (fixture->port, "/api/management/canary/update-canary-ips.json",
				  "{'appId':'100001'," CTX ",'canaryIps':['10.0.0.9'],'serviceId':'demo.hello'}",
				  SOUP_STATUS_OK, "{'responseStatus':" OK "}");
	/* A route-rule change reaches subscribers as a reload of the service. */
	index = wait_for_signal (fixture, "InstancesChanged", index + 1);
	g_clear_pointer (&changed, g_free);
	g_assert_cmpstr (signal_text (fixture, index, &changed), ==, "([('reload', 'demo.hello', '')],)");
	rules = call (fixture, INTERFACE, "GetRouteRules", g_variant_new ("(s)", "Demo.Hello"), "(a(ssa(sias)))",
		      &error);
	g_assert_no_error (error);
	g_clear_pointer (&text, g_free);
	text = g_variant_print (rules, FALSE);
	g_assert_cmpstr (text, ==,
			 "([('canary-route-rule', 'weighted-round-robin', "
			 "[('demo.hello/sha/canary/100001', 5, ['10.0.0.9'])])],)");
}

/* No bus, or a name someone else holds: a warning, and the node serves on. */
static void
assert_serves_without_bus (ArtemisTestDaemon *daemon, const char *warning)
{
	g_autoptr (ArtemisTestResponse) node = NULL;
	gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
	g_autofree char *log = NULL;

	artemis_test_daemon_use_session_bus (daemon);
	/* The warning is what this test expects: not fatal here. */
	artemis_test_daemon_setenv (daemon, "G_DEBUG", "fatal-criticals");
	g_assert_true (artemis_test_daemon_start (daemon));
	while ((log = artemis_test_daemon_get_log (daemon)) != NULL && strstr (log, warning) == NULL &&
	       g_get_monotonic_time () < deadline) {
		g_clear_pointer (&log, g_free);
		artemis_test_wait_ms (10);
	}
	g_assert_nonnull (strstr (log, warning));
	node = artemis_test_get (artemis_test_daemon_get_port (daemon), "/api/status/node.json");
	g_assert_cmpuint (node->status, ==, SOUP_STATUS_OK);
	g_assert_nonnull (strstr (node->text, "\"status\":\"up\""));
}

static void
test_no_bus (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;

	if (!artemis_test_daemon_is_available ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	artemis_test_daemon_setenv (daemon, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/artemis-test-bus");
	assert_serves_without_bus (daemon, "Cannot reach the session bus: serving without D-Bus");
}

static void
test_name_taken (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisTestDaemon) second = NULL;

	if (fixture->daemon == NULL)
		return;
	second = artemis_test_daemon_new (CONFIG);
	assert_serves_without_bus (second, "Cannot own org.artemis.Registry1 on the session bus");
	/* The first keeps it. */
	g_assert_true (has_owner (fixture, NAME));
}

int
main (int argc, char **argv)
{
	g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
	int status;

	artemis_test_init (&argc, &argv);
	if (dbus_daemon != NULL) {
		test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
		g_test_dbus_up (test_bus);
	}
	g_test_add ("/artemis/dbus/introspect", Fixture, NULL, fixture_setup, test_introspect, fixture_teardown);
	g_test_add ("/artemis/dbus/properties", Fixture, NULL, fixture_setup, test_properties, fixture_teardown);
	g_test_add ("/artemis/dbus/register-signal", Fixture, NULL, fixture_setup, test_register_signal,
		    fixture_teardown);
	g_test_add ("/artemis/dbus/rate-limit", Fixture, NULL, fixture_setup, test_rate_limit, fixture_teardown);
	g_test_add ("/artemis/dbus/operations-and-rules", Fixture, NULL, fixture_setup, test_operations_and_rules,
		    fixture_teardown);
	g_test_add ("/artemis/dbus/name-taken", Fixture, NULL, fixture_setup, test_name_taken, fixture_teardown);
	g_test_add_func ("/artemis/dbus/no-bus", test_no_bus);
	status = g_test_run ();
	if (test_bus != NULL)
		g_test_dbus_down (test_bus);
	g_clear_object (&test_bus);
	return status;
}
