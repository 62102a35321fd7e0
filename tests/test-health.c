/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"

/*
 * Operable: /healthz, /readyz and /metrics (parsed with the reference
 * Prometheus parser through tests/parse-metrics.py), services.json before
 * the first snapshot, and the WebSocket version check. JSON is written with
 * ' for ", see artemis_test_json().
 */

#define BASE_CONFIG                                                 \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"             \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char default_config[] = BASE_CONFIG;
static const char not_up_config[] = BASE_CONFIG "[cluster]\nforce-up=false\n";

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define I1                                                                                              \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'i-1','ip':'10.0.0.5','machineName':'app',"  \
	"'metadata':null,'port':8080,'protocol':'http','regionId':'SHA','serviceId':'demo.hello',"        \
	"'status':'up','url':'http://10.0.0.5:8080/','zoneId':'SHA-Z1'}"
#define REGISTER "{'instances':[" I1 "]}"
#define PULL_I1                                                                                          \
	"{'instanceKey':{'instanceId':'i-1','regionId':'SHA','serviceId':'demo.hello'},'operation':'pullout'," \
	"'operationComplete':false,'operatorId':'ops1','token':''}"

static void
assert_get (guint port, const char *path, guint status, const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_get (port, path);
	g_autofree char *want = artemis_test_json (expected);

	g_assert_cmpuint (response->status, ==, status);
	g_assert_cmpstr (response->text, ==, want);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
	/* A probe wants the state of now. */
	if (g_str_has_suffix (path, "z"))
		g_assert_cmpstr (artemis_test_response_get_header (response, "Cache-Control"), ==, "no-store");
}

/* ---- health ------------------------------------------------------------ */

static void
test_healthz (ArtemisTestServer *server, gconstpointer data)
{
	assert_get (server->port, "/healthz", SOUP_STATUS_OK, "{'status':'alive'}");
}

static void
test_readyz (ArtemisTestServer *server, gconstpointer data)
{
	assert_get (server->port, "/readyz", SOUP_STATUS_OK, "{'ready':true}");
	/* A store that cannot take writes any more: traffic should go elsewhere. */
	artemis_storage_close (artemis_daemon_get_storage (server->daemon));
	assert_get (server->port, "/readyz", SOUP_STATUS_SERVICE_UNAVAILABLE,
		    "{'ready':false,'reason':'the management store is not usable'}");
	/* Alive all the same. */
	assert_get (server->port, "/healthz", SOUP_STATUS_OK, "{'status':'alive'}");
}

static void
test_readyz_not_up (ArtemisTestServer *server, gconstpointer data)
{
	assert_get (server->port, "/readyz", SOUP_STATUS_SERVICE_UNAVAILABLE,
		    "{'ready':false,'reason':'node status is starting'}");
	artemis_node_set_state (artemis_daemon_get_node (server->daemon), ARTEMIS_NODE_UP);
	assert_get (server->port, "/readyz", SOUP_STATUS_OK, "{'ready':true}");
}

/* services.json serves what is registered before the first versioned snapshot, as version 0. */
static void
test_services_before_snapshot (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *body = artemis_test_json (REGISTER);
	g_autoptr (ArtemisTestResponse) registered =
		artemis_test_post_json (server->port, "/api/registry/register.json", body);

	g_assert_cmpuint (registered->status, ==, SOUP_STATUS_OK);
	assert_get (server->port, "/api/discovery/services.json", SOUP_STATUS_OK,
		    "{'responseStatus':" OK ",'services':[{'instances':[" I1 "],'logicInstances':[],"
		    "'metadata':null,'routeRules':[],'serviceId':'demo.hello'}],'version':0}");
}

/* ---- WebSocket version ------------------------------------------------- */

static ArtemisTestResponse *
handshake (guint port, const char *extra)
{
	g_autofree char *headers = g_strconcat ("Upgrade: websocket\r\nConnection: Upgrade\r\n"
						"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
						extra, NULL);
	g_autoptr (GBytes) request = artemis_test_build_request ("GET", "/ws/registry/heartbeat", headers, NULL, 0);

	return artemis_test_raw_request (port, request);
}

static void
test_websocket_version (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) old = handshake (server->port, "Sec-WebSocket-Version: 8\r\n");
	g_autoptr (ArtemisTestResponse) none = handshake (server->port, "");
	g_autoptr (ArtemisTestResponse) current = handshake (server->port, "Sec-WebSocket-Version: 13\r\n");
	g_autofree char *expected = artemis_test_json (
		"{'responseStatus':{'errorCode':'bad-request','message':'WebSocket version 8 is not supported: "
		"this server speaks 13 (RFC 6455).','status':'fail'}}");

	g_assert_cmpuint (old->status, ==, 426);
	g_assert_cmpstr (artemis_test_response_get_header (old, "Sec-WebSocket-Version"), ==, "13");
	g_assert_cmpstr (artemis_test_response_get_header (old, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
	g_assert_cmpstr (old->text, ==, expected);
	g_assert_cmpuint (none->status, ==, 426);
	g_assert_cmpstr (artemis_test_response_get_header (none, "Sec-WebSocket-Version"), ==, "13");
	g_assert_cmpuint (current->status, ==, SOUP_STATUS_SWITCHING_PROTOCOLS);
}

/* ---- metrics ----------------------------------------------------------- */

/*
 * /metrics of @port through the reference parser: `name{labels}` → value,
 * with each family's type as `#type name`. NULL (the test skipped) when the
 * parser is not installed.
 */
static GHashTable *
scrape (guint port)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_get (port, "/metrics");
	g_autofree char *script = g_test_build_filename (G_TEST_DIST, "parse-metrics.py", NULL);
	g_autoptr (GSubprocess) parser = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_auto (GStrv) lines = NULL;
	GHashTable *samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "text/plain; version=0.0.4; charset=utf-8");
	parser = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					   G_SUBPROCESS_FLAGS_STDERR_PIPE,
				   &error, script, NULL);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (parser, response->text, NULL, &out, &err, &error);
	g_assert_no_error (error);
	if (g_subprocess_get_exit_status (parser) == 77) {
		g_test_skip (err);
		g_hash_table_unref (samples);
		return NULL;
	}
	if (g_subprocess_get_exit_status (parser) != 0)
		g_error ("/metrics does not parse: %s\n%s", err, response->text);
	lines = g_strsplit (out, "\n", -1);
	for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++) {
		g_auto (GStrv) fields = g_strsplit (lines[i], " ", 4);

		g_assert_cmpuint (g_strv_length (fields), ==, 4);
		g_hash_table_replace (samples, g_strconcat ("#type ", fields[0], NULL), g_strdup (fields[1]));
		g_hash_table_replace (samples, g_strdup (fields[2]), g_strdup (fields[3]));
	}
	return samples;
}

static double
sample (GHashTable *samples, const char *key)
{
	const char *value = g_hash_table_lookup (samples, key);

	if (value == NULL)
		g_error ("no sample %s in /metrics", key);
	return g_ascii_strtod (value, NULL);
}

#define REGISTER_COUNT "artemis_http_requests_total{code=200,endpoint=/api/registry/register.json}"
#define REGISTER_LATENCY(suffix) "artemis_http_request_duration_seconds_" suffix "{endpoint=/api/registry/register.json}"

/* Through the real artemisd: the exposition parses, and the counters follow the traffic. */
static void
test_metrics_move (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autoptr (GHashTable) before = NULL;
	g_autoptr (GHashTable) after = NULL;
	g_autofree char *body = artemis_test_json (REGISTER);
	g_autofree char *pull = artemis_test_json (PULL_I1);
	g_autoptr (ArtemisTestResponse) missing = NULL;
	g_autoptr (ArtemisTestResponse) written = NULL;
	guint port;

	if (artemis_test_daemon_get_path () == NULL) {
		g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
		return;
	}
	daemon = artemis_test_daemon_new (BASE_CONFIG);
	g_assert_true (artemis_test_daemon_start (daemon));
	port = artemis_test_daemon_get_port (daemon);
	before = scrape (port);
	if (before == NULL)
		return;
	g_assert_false (g_hash_table_contains (before, REGISTER_COUNT));
	g_assert_cmpfloat (sample (before, "artemis_instances{}"), ==, 0);
	g_assert_cmpfloat (sample (before, "artemis_storage_commit_duration_seconds_count{}"), ==, 0);

	for (guint i = 0; i < 3; i++) {
		g_autoptr (ArtemisTestResponse) response =
			artemis_test_post_json (port, "/api/registry/register.json", body);

		g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	}
	missing = artemis_test_get (port, "/no/such/path");
	g_assert_cmpuint (missing->status, ==, SOUP_STATUS_NOT_FOUND);
	written = artemis_test_post_json (port, "/api/management/operate-instance.json", pull);
	g_assert_cmpuint (written->status, ==, SOUP_STATUS_OK);

	after = scrape (port);
	g_assert_cmpstr (g_hash_table_lookup (after, "#type artemis_http_requests"), ==, "counter");
	g_assert_cmpstr (g_hash_table_lookup (after, "#type artemis_http_request_duration_seconds"), ==, "histogram");
	g_assert_cmpfloat (sample (after, REGISTER_COUNT), ==, 3);
	g_assert_cmpfloat (sample (after, REGISTER_LATENCY ("count")), ==, 3);
	g_assert_cmpfloat (sample (after, "artemis_http_request_duration_seconds_bucket{endpoint=/api/registry/register.json,le=+Inf}"),
			   ==, 3);
	g_assert_cmpfloat (sample (after, REGISTER_LATENCY ("sum")), >, 0);
	g_assert_cmpfloat (sample (after, "artemis_http_requests_total{code=404,endpoint=unmatched}"), ==, 1);
	/* The first scrape counts itself once it is answered. */
	g_assert_cmpfloat (sample (after, "artemis_http_requests_total{code=200,endpoint=/metrics}"), ==, 1);
	g_assert_cmpfloat (sample (after, "artemis_instances{}"), ==, 1);
	g_assert_cmpfloat (sample (after, "artemis_services{}"), ==, 1);
	g_assert_cmpfloat (sample (after, "artemis_storage_commit_duration_seconds_count{}"), ==, 1);
	g_assert_cmpfloat (sample (after, "artemis_storage_commit_failures_total{}"), ==, 0);
	g_assert_cmpfloat (sample (after, "artemis_safe_checker_safe{pool=normal}"), ==, 1);
	g_assert_cmpfloat (sample (after, "artemis_ready{}"), ==, 1);
	g_assert_cmpfloat (sample (after, "artemis_websocket_sockets{endpoint=/ws/registry/heartbeat}"), ==, 0);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

#define SERVER_TEST(path, config, func) \
	g_test_add (path, ArtemisTestServer, config, artemis_test_server_setup, func, artemis_test_server_teardown)
	SERVER_TEST ("/artemis/health/healthz", default_config, test_healthz);
	SERVER_TEST ("/artemis/health/readyz", default_config, test_readyz);
	SERVER_TEST ("/artemis/health/readyz-not-up", not_up_config, test_readyz_not_up);
	SERVER_TEST ("/artemis/health/services-before-snapshot", default_config, test_services_before_snapshot);
	SERVER_TEST ("/artemis/health/websocket-version", default_config, test_websocket_version);
	g_test_add_func ("/artemis/health/metrics-move", test_metrics_move);
	return g_test_run ();
}
