/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"

/*
 * artemisctl against the real artemisd: every command's table, --json,
 * pull-outs and pull-ins of instances, servers and zones as the audit log
 * and the management view then show them, and the errors an operator
 * meets (a node that is down, metrics not built, a wrong command). JSON is
 * written with ' for ", see artemis_test_json().
 */

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define INSTANCE(id, ip)                                                                                 \
	"{'instanceId':'" id "','ip':'" ip "','port':8080,'protocol':'http','regionId':'SHA',"            \
	"'serviceId':'demo.hello','status':'up','url':'http://" ip ":8080/hello','zoneId':'SHA-Z1'}"
#define CTX "'extensions':'{}','operation':'op','operatorId':'ops1','reason':'r','token':'t'"

typedef struct {
	ArtemisTestDaemon *daemon;
	char *url;
} Fixture;

typedef struct {
	int status;
	char *out;
	char *err;
} Run;

static void
run_clear (Run *run)
{
	g_free (run->out);
	g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static const char *
get_artemisctl (void)
{
	const char *path = g_getenv ("ARTEMISCTL");

	return path != NULL && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) ? path : NULL;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
	if (!artemis_test_daemon_is_available ())
		return;
	if (get_artemisctl () == NULL) {
		g_test_skip ("ARTEMISCTL does not name an executable artemisctl (run through meson test)");
		return;
	}
	fixture->daemon = artemis_test_daemon_new ("[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n");
	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	fixture->url = g_strdup_printf ("http://127.0.0.1:%u", artemis_test_daemon_get_port (fixture->daemon));
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
	g_clear_pointer (&fixture->daemon, artemis_test_daemon_free);
	g_free (fixture->url);
}

/* Runs artemisctl with @first_arg… (NULL-terminated), UTC times; its exit status and output. */
static void
ctl (Run *run, const char *first_arg, ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GSubprocessLauncher) launcher =
		g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr (GSubprocess) process = NULL;
	g_autoptr (GError) error = NULL;
	va_list args;

	g_ptr_array_add (argv, (gpointer) get_artemisctl ());
	va_start (args, first_arg);
	for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
		g_ptr_array_add (argv, (gpointer) arg);
	va_end (args);
	g_ptr_array_add (argv, NULL);
	g_subprocess_launcher_setenv (launcher, "TZ", "UTC", TRUE);
	process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
	g_assert_no_error (error);
	g_assert_true (g_subprocess_get_if_exited (process));
	run->status = g_subprocess_get_exit_status (process);
}

/* Asserts a successful run that printed exactly @expected. */
static void
assert_ctl (Fixture *fixture, const char *expected, const char *first_arg, ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_auto (Run) run = { 0 };
	va_list args;

	va_start (args, first_arg);
	for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
		g_ptr_array_add (argv, (gpointer) arg);
	va_end (args);
	while (argv->len < 6)
		g_ptr_array_add (argv, NULL);
	ctl (&run, "--url", fixture->url, g_ptr_array_index (argv, 0), g_ptr_array_index (argv, 1),
	     g_ptr_array_index (argv, 2), g_ptr_array_index (argv, 3), g_ptr_array_index (argv, 4),
	     g_ptr_array_index (argv, 5), NULL);
	g_assert_cmpstr (run.err, ==, "");
	g_assert_cmpstr (run.out, ==, expected);
	g_assert_cmpint (run.status, ==, 0);
}

static void
post_ok (Fixture *fixture, const char *path, const char *body)
{
	artemis_test_assert_post (artemis_test_daemon_get_port (fixture->daemon), path, body, SOUP_STATUS_OK,
				  "{'responseStatus':" OK "}");
}

static void
register_two (Fixture *fixture)
{
	artemis_test_assert_post (artemis_test_daemon_get_port (fixture->daemon), "/api/registry/register.json",
				  "{'instances':[" INSTANCE ("i-1", "10.0.0.5") "," INSTANCE ("i-2", "10.0.0.6") "]}",
				  SOUP_STATUS_OK, "{'failedInstances':null,'responseStatus':" OK "}");
}

static void
test_status (Fixture *fixture, gconstpointer data)
{
	g_autofree char *expected = NULL;
	g_autofree char *json = NULL;

	if (fixture->daemon == NULL)
		return;
	register_two (fixture);
	post_ok (fixture, "/api/management/operate-instance.json",
		 "{'instanceKey':{'instanceId':'i-2','regionId':'SHA','serviceId':'demo.hello'},"
		 "'operation':'pullout','operationComplete':false,'operatorId':'ops1','token':''}");
	expected = g_strdup_printf ("Status:      up\n"
				    "URL:         %s/\n"
				    "Region:      SHA\n"
				    "Zone:        SHA-Z1\n"
				    "Services:    1\n"
				    "Instances:   2 (1 pulled out)\n"
				    "WebSockets:  0 heartbeat, 0 discovery\n",
				    fixture->url);
	assert_ctl (fixture, expected, "status", NULL);
	json = g_strdup_printf ("{\"status\":\"up\",\"url\":\"%s/\",\"regionId\":\"SHA\",\"zoneId\":\"SHA-Z1\","
				"\"services\":1,\"instances\":2,\"instancesDown\":1,"
				"\"connections\":{\"registry\":\"0\",\"discovery\":\"0\"}}\n",
				fixture->url);
	assert_ctl (fixture, json, "--json", "status", NULL);
}

static void
test_services (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) rest = NULL;
	g_autofree char *rest_text = NULL;
	g_auto (Run) json = { 0 };
	g_auto (Run) missing = { 0 };

	if (fixture->daemon == NULL)
		return;
	assert_ctl (fixture, "No service is registered.\n", "services", NULL);
	register_two (fixture);
	assert_ctl (fixture,
		    "SERVICE     INSTANCES  UP  PULLED OUT\n"
		    "demo.hello  2          2   0\n",
		    "services", NULL);
	assert_ctl (fixture,
		    "INSTANCE  IP        PORT  STATUS  REGION  ZONE    URL\n"
		    "i-1       10.0.0.5  8080  up      SHA     SHA-Z1  http://10.0.0.5:8080/hello\n"
		    "i-2       10.0.0.6  8080  up      SHA     SHA-Z1  http://10.0.0.6:8080/hello\n",
		    "service", "demo.hello", NULL);

	/* --json is the node's own answer. */
	ctl (&json, "--url", fixture->url, "--json", "service", "demo.hello", NULL);
	g_assert_cmpint (json.status, ==, 0);
	rest = artemis_test_post_json (artemis_test_daemon_get_port (fixture->daemon),
				       "/api/management/service.json", "{\"serviceId\":\"demo.hello\"}");
	rest_text = g_strconcat (rest->text, "\n", NULL);
	g_assert_cmpstr (json.out, ==, rest_text);

	ctl (&missing, "--url", fixture->url, "service", "nope", NULL);
	g_assert_cmpstr (missing.err, ==, "artemisctl: No instance of nope is registered\n");
	g_assert_cmpstr (missing.out, ==, "");
	g_assert_cmpint (missing.status, ==, 1);
}

/* The rows of `logs` without their time column (it is the node's clock). */
static char *
strip_times (const char *table)
{
	g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
	GString *out = g_string_new (NULL);

	for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++) {
		/* "YYYY-MM-DD HH:MM:SS  " is 21 columns, as is the padded header "TIME". */
		g_assert_cmpuint (strlen (lines[i]), >, 21);
		if (i > 0)
			g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ", lines[i], 0, 0));
		g_string_append_printf (out, "%s\n", lines[i] + 21);
	}
	return g_string_free (out, FALSE);
}

static void
test_pull_out_in (Fixture *fixture, gconstpointer data)
{
	g_auto (Run) logs = { 0 };
	g_auto (Run) filtered = { 0 };
	g_auto (Run) wrong = { 0 };
	g_autofree char *rows = NULL;
	g_autofree char *filtered_rows = NULL;

	if (fixture->daemon == NULL)
		return;
	register_two (fixture);
	assert_ctl (fixture, "Instance i-1 of demo.hello (region SHA) is out of traffic (operation “pullout”).\n",
		    "pull-out", "--operator", "alice", "instance", "demo.hello", "i-1", NULL);
	assert_ctl (fixture, "Server 10.0.0.6 (region SHA) is out of traffic (operation “maintenance”).\n",
		    "pull-out", "--operator=bob", "--operation=maintenance", "server", "10.0.0.6", NULL);
	assert_ctl (fixture, "Zone SHA-Z1 of demo.hello (region SHA) is out of traffic (operation “pullout”).\n",
		    "pull-out", "--operator=carol", "zone", "demo.hello", "SHA-Z1", NULL);
	assert_ctl (fixture,
		    "SERVICE     INSTANCES  UP  PULLED OUT\n"
		    "demo.hello  2          0   2\n",
		    "services", NULL);
	assert_ctl (fixture,
		    "Instance i-1 of demo.hello (region SHA) is back in traffic (operation “pullout” completed).\n",
		    "pull-in", "--operator=alice", "instance", "demo.hello", "i-1", NULL);

	ctl (&logs, "--url", fixture->url, "logs", NULL);
	g_assert_cmpint (logs.status, ==, 0);
	rows = strip_times (logs.out);
	g_assert_cmpstr (rows, ==,
			 "KIND      TARGET             REGION  OPERATION    ACTION    OPERATOR\n"
			 "instance  demo.hello/i-1     SHA     pullout      pull-out  alice\n"
			 "server    10.0.0.6           SHA     maintenance  pull-out  bob\n"
			 "zone      demo.hello/SHA-Z1  SHA     pullout      pull-out  carol\n"
			 "instance  demo.hello/i-1     SHA     pullout      pull-in   alice\n");
	ctl (&filtered, "--url", fixture->url, "logs", "instance", "--operator", "alice", NULL);
	filtered_rows = strip_times (filtered.out);
	g_assert_cmpstr (filtered_rows, ==,
			 "KIND      TARGET          REGION  OPERATION  ACTION    OPERATOR\n"
			 "instance  demo.hello/i-1  SHA     pullout    pull-out  alice\n"
			 "instance  demo.hello/i-1  SHA     pullout    pull-in   alice\n");

	/* The node refuses, and artemisctl says why. */
	ctl (&wrong, "--url", fixture->url, "pull-out", "--operator", " ", "instance", "demo.hello", "i-1", NULL);
	g_assert_cmpstr (wrong.err, ==, "artemisctl: bad-request: operatorId is null or empty\n");
	g_assert_cmpint (wrong.status, ==, 1);
}

static void
test_groups_and_route (Fixture *fixture, gconstpointer data)
{
	if (fixture->daemon == NULL)
		return;
	register_two (fixture);
	assert_ctl (fixture, "No group.\n", "groups", NULL);
	assert_ctl (fixture,
		    "demo.hello has no route rule: discovery serves all its instances under the default rule.\n",
		    "route", "demo.hello", NULL);
	post_ok (fixture, "/api/management/canary/update-canary-ips.json",
		 "{'appId':'100001'," CTX ",'canaryIps':['10.0.0.5','10.0.0.9'],'serviceId':'demo.hello'}");
	assert_ctl (fixture,
		    "ID  SERVICE     REGION  ZONE    NAME    APP     STATUS\n"
		    "1   demo.hello  SHA     canary  100001  100001  active\n",
		    "groups", "demo.hello", NULL);
	assert_ctl (fixture,
		    "ROUTE RULE         STRATEGY              GROUP                         WEIGHT  MEMBERS\n"
		    "canary-route-rule  weighted-round-robin  demo.hello/sha/canary/100001  5       10.0.0.5,10.0.0.9\n",
		    "route", "demo.hello", NULL);
}

static void
test_errors (Fixture *fixture, gconstpointer data)
{
	g_auto (Run) metrics = { 0 };
	g_auto (Run) down = { 0 };
	g_auto (Run) unknown = { 0 };
	g_auto (Run) target = { 0 };
	g_auto (Run) version = { 0 };

	if (fixture->daemon == NULL)
		return;
	ctl (&metrics, "--url", fixture->url, "metrics", NULL);
	g_assert_cmpstr (metrics.err, ==,
			 "artemisctl: This artemisd serves no metrics (GET /metrics answered 404): "
			 "it was built without them\n");
	g_assert_cmpint (metrics.status, ==, 1);

	/* Port 1 on loopback: nobody listens. */
	ctl (&down, "--url", "http://127.0.0.1:1", "services", NULL);
	g_assert_true (g_str_has_prefix (down.err, "artemisctl: Cannot reach artemisd at http://127.0.0.1:1: "));
	g_assert_cmpint (down.status, ==, 1);

	ctl (&unknown, "--url", fixture->url, "frobnicate", NULL);
	g_assert_true (g_str_has_prefix (unknown.err, "artemisctl: unknown command “frobnicate”\nUsage:\n"));
	g_assert_cmpint (unknown.status, ==, 2);

	ctl (&target, "--url", fixture->url, "pull-out", "host", "10.0.0.5", NULL);
	g_assert_cmpstr (target.err, ==,
			 "artemisctl: Expected instance SERVICE INSTANCE-ID, server IP or zone SERVICE ZONE\n");
	g_assert_cmpint (target.status, ==, 2);

	ctl (&version, "--version", NULL);
	g_assert_cmpstr (version.out, ==, "artemisctl " PACKAGE_VERSION "\n");
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);
	g_test_add ("/artemis/artemisctl/status", Fixture, NULL, fixture_setup, test_status, fixture_teardown);
	g_test_add ("/artemis/artemisctl/services", Fixture, NULL, fixture_setup, test_services, fixture_teardown);
	g_test_add ("/artemis/artemisctl/pull-out-in", Fixture, NULL, fixture_setup, test_pull_out_in,
		    fixture_teardown);
	g_test_add ("/artemis/artemisctl/groups-and-route", Fixture, NULL, fixture_setup, test_groups_and_route,
		    fixture_teardown);
	g_test_add ("/artemis/artemisctl/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
	return g_test_run ();
}
