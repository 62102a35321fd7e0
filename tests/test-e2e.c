/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "artemis-test-utils.h"

/*
 * The built artemisd, end to end: a client's whole life (register with a
 * gzipped chunked body, heartbeat, discover, expire), signals, a bad
 * configuration and --version. JSON is written with ' for ", see
 * artemis_test_json().
 */

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define I1                                                                       \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'i-1','ip':'10.0.0.5',"  \
	"'machineName':'app-5','metadata':null,'port':8080,'protocol':'http',"       \
	"'regionId':'SHA','serviceId':'demo.hello','status':'up',"                   \
	"'url':'http://10.0.0.5:8080/hello','zoneId':'SHA-Z1'}"
#define INSTANCES(list) "{'instances':[" list "]}"
#define REGISTRY_OK "{'failedInstances':null,'responseStatus':" OK "}"
#define LOOKUP_HELLO \
	"{'discoveryConfigs':[{'serviceId':'demo.hello'}],'regionId':'SHA','zoneId':'SHA-Z1'}"
#define HELLO(instances)                                                           \
	"{'responseStatus':" OK ",'services':[{'instances':[" instances "],"        \
	"'logicInstances':[],'metadata':null,'routeRules':[],'serviceId':'demo.hello'}]}"

/* Leases expire after a second and are swept every 100 ms. */
static const char short_lease_config[] = "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"
					 "[lease]\nttl=1000\nclean-interval=100\n";
static const char bad_port_config[] = "[server]\nport=abc\n";

typedef struct {
	ArtemisTestDaemon *daemon;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer config)
{
	fixture->daemon = artemis_test_daemon_new (config);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer config)
{
	g_clear_pointer (&fixture->daemon, artemis_test_daemon_free);
}

static gboolean
have_daemon (void)
{
	if (artemis_test_daemon_get_path () != NULL)
		return TRUE;
	g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
	return FALSE;
}

static void
assert_response (ArtemisTestResponse *response, const char *expected)
{
	g_autofree char *converted = artemis_test_json (expected);

	g_assert_nonnull (response);
	g_assert_cmpstr (response->text, ==, converted);
	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
}

static void
assert_post (guint port, const char *path, const char *body, const char *expected)
{
	g_autofree char *converted = artemis_test_json (body);
	g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (port, path, converted);

	assert_response (response, expected);
}

/* How a Java client sends it: gzip; and in small chunks, as a streaming client would. */
static void
register_gzip_chunked (guint port)
{
	g_autofree char *text = artemis_test_json (INSTANCES (I1));
	g_autoptr (GBytes) plain = artemis_test_bytes (text);
	g_autoptr (GBytes) body = artemis_test_compress (G_ZLIB_COMPRESSOR_FORMAT_GZIP, plain);
	g_autoptr (GBytes) request = artemis_test_build_request (
		"POST", "/api/registry/register.json",
		"Content-Type: application/json\r\nContent-Encoding: gzip\r\nConnection: close\r\n",
		body, 16);
	g_autoptr (ArtemisTestResponse) response = artemis_test_raw_request (port, request);

	assert_response (response, REGISTRY_OK);
}

/* Polls the lookup until i-1 is gone; returns the milliseconds that took, or -1 after 5 s. */
static gint64
wait_until_expired (guint port)
{
	g_autofree char *lookup = artemis_test_json (LOOKUP_HELLO);
	g_autofree char *empty = artemis_test_json (HELLO (""));
	gint64 start = g_get_monotonic_time ();

	while (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC) {
		g_autoptr (ArtemisTestResponse) response =
			artemis_test_post_json (port, "/api/discovery/lookup.json", lookup);

		g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
		if (g_str_equal (response->text, empty))
			return (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
		artemis_test_wait_ms (50);
	}
	return -1;
}

static void
test_lifecycle (Fixture *fixture, gconstpointer config)
{
	guint port;
	gint64 expired_after;

	if (!have_daemon ())
		return;
	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	port = artemis_test_daemon_get_port (fixture->daemon);

	register_gzip_chunked (port);
	assert_post (port, "/api/registry/heartbeat.json", INSTANCES (I1), REGISTRY_OK);
	assert_post (port, "/api/discovery/lookup.json", LOOKUP_HELLO, HELLO (I1));

	/* No more heartbeats: gone (that it is not before the TTL, test-api checks on a pinned clock). */
	expired_after = wait_until_expired (port);
	g_test_message ("expired after %" G_GINT64_FORMAT " ms", expired_after);
	g_assert_cmpint (expired_after, >=, 0);
	assert_post (port, "/api/registry/heartbeat.json", INSTANCES (I1),
		     "{'failedInstances':[{'errorCode':'data-not-found','errorMessage':"
		     "'sha/sha-z1/demo.hello/i-1: Instance is not exising! Need re-register.',"
		     "'instance':" I1 "}],'responseStatus':{'errorCode':'partial_fail',"
		     "'message':'','status':'partial_fail'}}");
}

static void
test_sigterm (Fixture *fixture, gconstpointer config)
{
	g_autofree char *log = NULL;
	int status = -1;

	if (!have_daemon ())
		return;
	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	g_assert_true (artemis_test_daemon_send_signal (fixture->daemon, SIGTERM));
	g_assert_true (artemis_test_daemon_wait (fixture->daemon, 2000));
	g_assert_true (artemis_test_daemon_get_exit_status (fixture->daemon, &status));
	g_assert_cmpint (status, ==, 0);
	log = artemis_test_daemon_get_log (fixture->daemon);
	g_assert_nonnull (strstr (log, "Stopping"));
}

static void
test_bad_config (Fixture *fixture, gconstpointer config)
{
	g_autofree char *log = NULL;
	int status = 0;

	if (!have_daemon ())
		return;
	g_assert_false (artemis_test_daemon_start (fixture->daemon));
	g_assert_true (artemis_test_daemon_wait (fixture->daemon, 5000));
	g_assert_true (artemis_test_daemon_get_exit_status (fixture->daemon, &status));
	g_assert_cmpint (status, !=, 0);
	log = artemis_test_daemon_get_log (fixture->daemon);
	g_assert_nonnull (strstr (log, "artemisd: Cannot load configuration "));
	g_assert_nonnull (strstr (log, ": [server] port: "));
	g_assert_nonnull (strstr (log, "abc"));
	g_assert_null (strstr (log, "Listening on port"));
}

/* Each refusal: the configuration, extra arguments, and the one line on stderr. */
typedef struct {
	const char *config;
	const char *args[3];
	const char *line;
} Refusal;

static const Refusal refusals[] = {
	{ "", { "--port", "99999", NULL }, "artemisd: --port 99999: Number “99999” is out of bounds [0, 65535]" },
	{ "", { "--port=-1", NULL }, "artemisd: --port -1: “-1” is not an unsigned number" },
	{ "[server]\nport=99999\n", { NULL },
	  "artemisd: Cannot load configuration *: [server] port: 99999 is outside the range 0–65535" },
	{ "[lease]\nttl=10\n", { NULL },
	  "artemisd: Cannot load configuration *: [lease] ttl: 10 is outside the range 1000–604800000" },
	{ "[discovery]\ndefault-route-strategy=nosuch\n", { NULL },
	  "artemisd: [discovery] default-route-strategy: no loaded strategy plugin serves “nosuch”" },
	{ "[plugins]\nfilters=filter-groups;nosuch\n", { NULL },
	  "artemisd: [plugins] filters: nosuch is not a loaded discovery filter" },
	{ "[security]\ntoken-file=/nonexistent/tokens\n", { NULL },
	  "artemisd: [security] token-file: Failed to open file “/nonexistent/tokens”: No such file or directory" },
	{ "[rate-limit]\nstatus-limits=get-leases:0\n", { NULL },
	  "artemisd: [rate-limit] status-limits: get-leases: Number “0” is out of bounds [1, 10000]" },
	{ "[rate-limit]\nregistry-limits=register\n", { NULL },
	  "artemisd: [rate-limit] registry-limits: “register” is not identity:limit" },
	{ "", { "--bind", "nonsense", NULL }, "artemisd: Cannot listen: “nonsense” is not an IP address" },
	{ "[storage]\nbackend=nosuch\n", { NULL },
	  "artemisd: Storage backend “nosuch” ([storage] backend) is not available: *" },
};

/* A value artemisd cannot honour stops it at start: exit status 1, one line, nothing served. */
static void
test_refuses (gconstpointer data)
{
	const Refusal *refusal = data;
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autofree char *log = NULL;
	g_auto (GStrv) lines = NULL;
	int status = 0;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (refusal->config);
	artemis_test_daemon_set_extra_args (daemon, refusal->args);
	g_assert_false (artemis_test_daemon_start (daemon));
	g_assert_true (artemis_test_daemon_wait (daemon, 5000));
	g_assert_true (artemis_test_daemon_get_exit_status (daemon, &status));
	g_assert_cmpint (status, ==, 1);
	log = artemis_test_daemon_get_log (daemon);
	lines = g_strsplit (log, "\n", -1);
	g_assert_cmpuint (g_strv_length (lines), ==, 2);
	g_assert_cmpstr (lines[1], ==, "");
	if (!g_pattern_match_simple (refusal->line, lines[0]))
		g_error ("“%s” does not match “%s”", lines[0], refusal->line);
}

/* A second artemisd on the same data directory names the first one's pid and leaves. */
static void
test_data_dir_lock (Fixture *fixture, gconstpointer config)
{
	g_autoptr (ArtemisTestDaemon) second = NULL;
	g_autofree char *lock_path = NULL;
	g_autofree char *pid = NULL;
	g_autofree char *expected = NULL;
	g_autofree char *log = NULL;
	const char *args[3] = { "--data-dir", NULL, NULL };
	int status = 0;

	if (!have_daemon ())
		return;
	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	lock_path = g_build_filename (artemis_test_daemon_get_data_dir (fixture->daemon), "artemisd.lock", NULL);
	g_assert_true (g_file_get_contents (lock_path, &pid, NULL, NULL));
	g_strchomp (pid);
	g_assert_cmpuint (strlen (pid), >, 0);

	second = artemis_test_daemon_new (config);
	args[1] = artemis_test_daemon_get_data_dir (fixture->daemon);
	artemis_test_daemon_set_extra_args (second, args);
	g_assert_false (artemis_test_daemon_start (second));
	g_assert_true (artemis_test_daemon_wait (second, 5000));
	g_assert_true (artemis_test_daemon_get_exit_status (second, &status));
	g_assert_cmpint (status, ==, 1);
	log = artemis_test_daemon_get_log (second);
	expected = g_strdup_printf ("artemisd: Data directory %s is in use by another artemisd (pid %s)\n", args[1],
				    pid);
	g_assert_cmpstr (log, ==, expected);

	/* Once the first has gone, the directory is free again. */
	g_assert_true (artemis_test_daemon_send_signal (fixture->daemon, SIGTERM));
	g_assert_true (artemis_test_daemon_wait (fixture->daemon, 5000));
	g_assert_true (artemis_test_daemon_start (second));
}

static void
test_version (void)
{
	g_autoptr (GSubprocess) process = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *output = NULL;

	if (!have_daemon ())
		return;
	process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					    G_SUBPROCESS_FLAGS_STDERR_MERGE,
				    &error, artemis_test_daemon_get_path (), "--version", NULL);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (output, ==, "artemisd " PACKAGE_VERSION "\n");
	g_assert_true (g_subprocess_get_if_exited (process));
	g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	g_test_add ("/artemis/e2e/lifecycle", Fixture, short_lease_config, fixture_setup,
		    test_lifecycle, fixture_teardown);
	g_test_add ("/artemis/e2e/sigterm", Fixture, short_lease_config, fixture_setup,
		    test_sigterm, fixture_teardown);
	g_test_add ("/artemis/e2e/bad-config", Fixture, bad_port_config, fixture_setup,
		    test_bad_config, fixture_teardown);
	g_test_add_func ("/artemis/e2e/version", test_version);
	g_test_add ("/artemis/e2e/data-dir-lock", Fixture, short_lease_config, fixture_setup, test_data_dir_lock,
		    fixture_teardown);
	for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++) {
		g_autofree char *path = g_strdup_printf ("/artemis/e2e/refuses/%" G_GSIZE_FORMAT, i);

		g_test_add_data_func (path, &refusals[i], test_refuses);
	}
	return g_test_run ();
}
