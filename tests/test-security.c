/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "artemis-test-utils.h"
#include "artemis-test-ws.h"

/*
 * Safe by default (docs/security.md): who may write, CORS, and what the
 * node says about it at start — in process, and through the real artemisd.
 * JSON is written with ' for ", see artemis_test_json().
 */

#define BASE_CONFIG                                                 \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"             \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char tokens_config[] = BASE_CONFIG "[security]\ntokens=s3cret; other-token\n";
static const char cors_list_config[] = BASE_CONFIG "[security]\ncors-origins=https://ops.example;http://b.example\n";
static const char cors_any_config[] = BASE_CONFIG "[security]\ncors-origins=*\n";
static const char limits_config[] = BASE_CONFIG "[rate-limit]\nstatus-default-limit=2\nstatus-limits=get-leases:1\n"
					      "registry-default-limit=1000\nmanagement-group-default-limit=1\n";
static const char peer_tokens_config[] = BASE_CONFIG "[security]\ntokens=s3cret\npeer-tokens=peer-one\n";
static const char cluster_limits_config[] = BASE_CONFIG "[rate-limit]\ncluster-default-limit=100\n"
						       "registry-default-limit=1000\n";
static const char no_limits_config[] = BASE_CONFIG "[rate-limit]\nstatus-enabled=false\nstatus-default-limit=1\n";

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define STATUS(status) "{'responseStatus':" status "}"
#define NO_PERMISSION(message) STATUS ("{'errorCode':'no-permission','message':'" message "','status':'fail'}")
#define NEEDS_TOKEN NO_PERMISSION ("This write needs a token: send Authorization: Bearer <token>.")
#define BAD_TOKEN NO_PERMISSION ("The token is not valid here.")
#define BAD_PEER_TOKEN NO_PERMISSION ("The token is not a peer token of this node.")
#define NEEDS_PEER_TOKEN NO_PERMISSION ("Replication needs a peer token: send Authorization: Bearer <token>.")

#define M "/api/management/"
#define I1                                                                                              \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'i-1','ip':'10.0.0.5','machineName':'app',"  \
	"'metadata':null,'port':8080,'protocol':'http','regionId':'SHA','serviceId':'demo.hello',"        \
	"'status':'up','url':'http://10.0.0.5:8080/','zoneId':'SHA-Z1'}"
#define I1_KEY "{'instanceId':'i-1','regionId':'SHA','serviceId':'demo.hello'}"
#define PULL_I1 "{'instanceKey':" I1_KEY ",'operation':'pullout','operationComplete':false,'operatorId':'ops1','token':''}"
#define NO_OPERATIONS "{'allInstanceOperations':[],'responseStatus':" OK "}"
#define ONE_OPERATION \
	"{'allInstanceOperations':[{'instanceKey':" I1_KEY ",'operations':['pullout']}],'responseStatus':" OK "}"

/* POSTs test JSON @body with @authorization (NULL: none) and asserts HTTP @status and the body @expected. */
static ArtemisTestResponse *
post_as (guint port, const char *path, const char *authorization, const char *body)
{
	g_autofree char *json = artemis_test_json (body);
	g_autoptr (GBytes) bytes = artemis_test_bytes (json);
	const char *headers[] = { "Authorization", authorization, NULL };

	return artemis_test_http (port, "POST", path, "application/json", bytes,
				  authorization != NULL ? headers : NULL);
}

static void
assert_post_as (guint port, const char *path, const char *authorization, const char *body, guint status,
		const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = post_as (port, path, authorization, body);
	g_autofree char *want = artemis_test_json (expected);

	g_assert_cmpuint (response->status, ==, status);
	g_assert_cmpstr (response->text, ==, want);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
	if (status == SOUP_STATUS_UNAUTHORIZED)
		g_assert_cmpstr (artemis_test_response_get_header (response, "WWW-Authenticate"), ==,
				 "Bearer realm=\"artemis\"");
}

/* ---- access control ---------------------------------------------------- */

/* Every write area refuses a caller without a token, before reading the body. */
static void
test_writes_need_token (ArtemisTestServer *server, gconstpointer data)
{
	static const char *const writes[] = {
		M "operate-instance.json",
		M "operate-server.json",
		M "zone/operate-zone-operations.json",
		M "group/insert-groups.json",
		M "group/delete-route-rules.json",
		M "canary/update-canary-ips.json",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (writes); i++) {
		/* Not even JSON: the refusal comes first. */
		assert_post_as (server->port, writes[i], NULL, "not json", SOUP_STATUS_UNAUTHORIZED, NEEDS_TOKEN);
		assert_post_as (server->port, writes[i], "Bearer nope", "{}", SOUP_STATUS_FORBIDDEN, BAD_TOKEN);
	}
}

static void
test_refused_writes_nothing (ArtemisTestServer *server, gconstpointer data)
{
	/* Java clients register, heartbeat and discover without credentials. */
	assert_post_as (server->port, "/api/registry/register.json", NULL, "{'instances':[" I1 "]}", SOUP_STATUS_OK,
			"{'failedInstances':null,'responseStatus':" OK "}");

	assert_post_as (server->port, M "operate-instance.json", NULL, PULL_I1, SOUP_STATUS_UNAUTHORIZED,
			NEEDS_TOKEN);
	assert_post_as (server->port, M "operate-instance.json", "Basic czNjcmV0", PULL_I1, SOUP_STATUS_UNAUTHORIZED,
			NEEDS_TOKEN);
	assert_post_as (server->port, M "operate-instance.json", "Bearer s3cre", PULL_I1, SOUP_STATUS_FORBIDDEN,
			BAD_TOKEN);
	assert_post_as (server->port, M "operate-instance.json", "Bearer s3cret-and-more", PULL_I1,
			SOUP_STATUS_FORBIDDEN, BAD_TOKEN);
	/* Reads stay open; nothing was written, not even to the audit log. */
	assert_post_as (server->port, M "all-instance-operations.json", NULL, "{}", SOUP_STATUS_OK, NO_OPERATIONS);
	assert_post_as (server->port, M "log/instance-operation-logs.json", NULL, "{}", SOUP_STATUS_OK,
			"{'logs':[],'responseStatus':" OK "}");

	/* Either configured token writes. */
	assert_post_as (server->port, M "operate-instance.json", "Bearer s3cret", PULL_I1, SOUP_STATUS_OK,
			STATUS (OK));
	assert_post_as (server->port, M "all-instance-operations.json", NULL, "{}", SOUP_STATUS_OK, ONE_OPERATION);
	assert_post_as (server->port, M "operate-instance.json", "bearer  other-token ",
			"{'instanceKey':" I1_KEY ",'operation':'pullout','operationComplete':true,"
			"'operatorId':'ops1','token':''}",
			SOUP_STATUS_OK, STATUS (OK));
	assert_post_as (server->port, M "all-instance-operations.json", NULL, "{}", SOUP_STATUS_OK, NO_OPERATIONS);
}

/* Peers' replication writes need a peer token; an operator's token is not one, nor the other way round. */
static void
test_replication_needs_peer_token (ArtemisTestServer *server, gconstpointer data)
{
	const char *path = "/api/replication/registry/register.json";
	const char *body = "{'instances':[" I1 "]}";

	assert_post_as (server->port, path, NULL, body, SOUP_STATUS_UNAUTHORIZED, NEEDS_PEER_TOKEN);
	assert_post_as (server->port, path, "Bearer s3cret", body, SOUP_STATUS_FORBIDDEN, BAD_PEER_TOKEN);
	assert_post_as (server->port, M "operate-instance.json", "Bearer peer-one", PULL_I1, SOUP_STATUS_FORBIDDEN,
			BAD_TOKEN);
	/* Nothing registered by the refused calls; the bootstrap read stays open. */
	assert_post_as (server->port, "/api/replication/registry/services.json", NULL,
			"{'regionId':'SHA','zoneId':'SHA-Z1'}", SOUP_STATUS_OK,
			"{'responseStatus':" OK ",'services':[]}");
	assert_post_as (server->port, path, "Bearer peer-one", body, SOUP_STATUS_OK,
			"{'failedInstances':null,'responseStatus':" OK "}");
}

/* Tokens from a file: one a line, comments and blank lines skipped. */
static void
test_token_file (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("artemis-test-XXXXXX", &error);
	g_autofree char *path = g_build_filename (dir, "tokens", NULL);
	g_autofree char *config = g_strdup_printf (BASE_CONFIG "[security]\ntoken-file=%s\n", path);
	ArtemisTestServer server = { NULL };

	g_assert_no_error (error);
	g_assert_true (g_file_set_contents (path, "# operators\n\n  from-file  \n#not-a-token\n", -1, &error));
	artemis_test_server_setup (&server, config);
	assert_post_as (server.port, M "operate-instance.json", "Bearer #not-a-token", PULL_I1,
			SOUP_STATUS_FORBIDDEN, BAD_TOKEN);
	assert_post_as (server.port, M "operate-instance.json", "Bearer from-file", PULL_I1, SOUP_STATUS_OK,
			STATUS (OK));
	artemis_test_server_teardown (&server, NULL);
	g_assert_true (g_remove (path) == 0 && g_rmdir (dir) == 0);
}

/* ---- CORS -------------------------------------------------------------- */

static ArtemisTestResponse *
get_from (guint port, const char *method, const char *origin)
{
	const char *headers[] = {
		"Origin", origin,
		"Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "content-type,authorization",
		NULL,
	};

	return artemis_test_http (port, method, "/api/status/node.json", NULL, NULL,
				  g_str_equal (method, "OPTIONS") ? headers : (const char *[]) { "Origin", origin, NULL });
}

static void
assert_cors (ArtemisTestResponse *response, const char *origin, const char *credentials)
{
	g_assert_cmpstr (artemis_test_response_get_header (response, "Access-Control-Allow-Origin"), ==, origin);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Access-Control-Allow-Credentials"), ==,
			 credentials);
}

static void
test_cors_off (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) get = get_from (server->port, "GET", "https://evil.example");
	g_autoptr (ArtemisTestResponse) preflight = get_from (server->port, "OPTIONS", "https://evil.example");

	g_assert_cmpuint (get->status, ==, SOUP_STATUS_OK);
	assert_cors (get, NULL, NULL);
	g_assert_cmpuint (preflight->status, ==, SOUP_STATUS_OK);
	assert_cors (preflight, NULL, NULL);
	g_assert_null (artemis_test_response_get_header (preflight, "Access-Control-Allow-Methods"));
}

static void
test_cors_allow_list (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) listed = get_from (server->port, "GET", "https://ops.example");
	g_autoptr (ArtemisTestResponse) other = get_from (server->port, "GET", "https://evil.example");
	g_autoptr (ArtemisTestResponse) preflight = get_from (server->port, "OPTIONS", "http://b.example");
	g_autoptr (ArtemisTestResponse) evil_preflight = get_from (server->port, "OPTIONS", "https://evil.example");

	assert_cors (listed, "https://ops.example", "true");
	g_assert_cmpstr (artemis_test_response_get_header (listed, "Vary"), ==, "Origin");
	assert_cors (other, NULL, NULL);
	g_assert_cmpuint (other->status, ==, SOUP_STATUS_OK);
	assert_cors (preflight, "http://b.example", "true");
	g_assert_cmpstr (artemis_test_response_get_header (preflight, "Access-Control-Allow-Methods"), ==, "POST");
	g_assert_cmpstr (artemis_test_response_get_header (preflight, "Access-Control-Allow-Headers"), ==,
			 "content-type,authorization");
	g_assert_cmpstr (artemis_test_response_get_header (preflight, "Access-Control-Max-Age"), ==, "3600");
	assert_cors (evil_preflight, NULL, NULL);
	g_assert_null (artemis_test_response_get_header (evil_preflight, "Access-Control-Allow-Methods"));
}

/* Any origin, but never with credentials: a browser would refuse the pair, and it would be unsafe. */
static void
test_cors_any (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) get = get_from (server->port, "GET", "https://any.example");

	assert_cors (get, "*", NULL);
}

/* ---- rate limits (protocol §12) ---------------------------------------- */

#define LIMITED "{'errorCode':'rate-limited','message':'Request is rate limited.','status':'fail'}"
#define CLUSTER_LIMITED "{'nodeCount':0,'nodesStatus':null,'responseStatus':" LIMITED "}"
#define LEASES_LIMITED                                                                                     \
	"{'isSafe':false,'isSafeCheckEnabled':false,'leaseCount':0,'leaseUpdateCountLastTimeWindow':0,"     \
	"'leaseUpdateMaxCount':0,'leaseUpdateMaxCountLastUpdateTime':0,'leases':null,'responseStatus':" LIMITED "}"

static guint
post_status (guint port, const char *path, const char *body)
{
	g_autoptr (ArtemisTestResponse) response = post_as (port, path, NULL, body);

	return response->status;
}

/* A 10 s window of 1 s buckets, per identity, node-wide; node.json is never limited. */
static void
test_status_limits (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) first = NULL;
	g_autoptr (ArtemisTestResponse) second = NULL;
	g_autoptr (ArtemisTestResponse) third = NULL;
	g_autoptr (ArtemisTestResponse) metrics = NULL;

	first = post_as (server->port, "/api/status/cluster.json", NULL, "{}");
	g_assert_null (strstr (first->text, "rate-limited"));
	server->now_ms += 9000;
	second = post_as (server->port, "/api/status/cluster.json", NULL, "{}");
	g_assert_null (strstr (second->text, "rate-limited"));
	assert_post_as (server->port, "/api/status/cluster.json", NULL, "{}", SOUP_STATUS_OK, CLUSTER_LIMITED);
	/* Refused calls are not counted, and other identities have their own window. */
	assert_post_as (server->port, "/api/status/cluster.json", NULL, "{}", SOUP_STATUS_OK, CLUSTER_LIMITED);
	g_assert_cmpuint (post_status (server->port, "/api/status/leases.json", "{}"), ==, SOUP_STATUS_OK);
	assert_post_as (server->port, "/api/status/leases.json", NULL, "{}", SOUP_STATUS_OK, LEASES_LIMITED);
	for (guint i = 0; i < 5; i++) {
		g_autoptr (ArtemisTestResponse) node = post_as (server->port, "/api/status/node.json", NULL, "{}");

		g_assert_null (strstr (node->text, "rate-limited"));
	}
	/* The first call's second leaves the window: one more fits. */
	server->now_ms += 1000;
	third = post_as (server->port, "/api/status/cluster.json", NULL, "{}");
	g_assert_null (strstr (third->text, "rate-limited"));
	assert_post_as (server->port, "/api/status/cluster.json", NULL, "{}", SOUP_STATUS_OK, CLUSTER_LIMITED);
	/* What was refused, for whoever scrapes the node. */
	metrics = artemis_test_get (server->port, "/metrics");
	g_assert_nonnull (strstr (metrics->text, "\nartemis_rate_limited_total{limiter=\"artemis.service.status\","
						 "identity=\"get-cluster\"} 3\n"));
	g_assert_nonnull (strstr (metrics->text, "\nartemis_rate_limited_total{limiter=\"artemis.service.status\","
						 "identity=\"get-leases\"} 1\n"));
}

/* Takes @n calls of @identity from the registry limiter's window, as that many requests would. */
static void
use_up (ArtemisTestServer *server, const char *identity, guint n)
{
	ArtemisRateLimits *limits = artemis_daemon_get_rate_limits (server->daemon);

	for (guint i = 0; i < n; i++)
		g_assert_true (artemis_rate_limits_allow (limits, ARTEMIS_RATE_LIMITER_REGISTRY, identity));
}

static void
test_registry_limits (ArtemisTestServer *server, gconstpointer data)
{
	use_up (server, "register", 999);
	assert_post_as (server->port, "/api/registry/register.json", NULL, "{'instances':[" I1 "]}", SOUP_STATUS_OK,
			"{'failedInstances':null,'responseStatus':" OK "}");
	assert_post_as (server->port, "/api/registry/register.json", NULL, "{'instances':[" I1 "]}", SOUP_STATUS_OK,
			"{'failedInstances':null,'responseStatus':" LIMITED "}");
	/* Heartbeats are counted apart; discovery is never limited. */
	assert_post_as (server->port, "/api/registry/heartbeat.json", NULL, "{'instances':[" I1 "]}", SOUP_STATUS_OK,
			"{'failedInstances':null,'responseStatus':" OK "}");
	g_assert_cmpuint (post_status (server->port, "/api/discovery/lookup.json",
				       "{'discoveryConfigs':[{'serviceId':'demo.hello'}],'regionId':'SHA','zoneId':'SHA-Z1'}"),
			  ==, SOUP_STATUS_OK);
}

/* The cluster limiter counts each node list apart; peers' replication is never limited. */
static void
test_cluster_limits (ArtemisTestServer *server, gconstpointer data)
{
	ArtemisRateLimits *limits = artemis_daemon_get_rate_limits (server->daemon);
	const char *where = "{'regionId':'SHA','zoneId':'SHA-Z1'}";

	for (guint i = 0; i < 100; i++)
		g_assert_true (artemis_rate_limits_allow (limits, ARTEMIS_RATE_LIMITER_CLUSTER, "up-registry-nodes"));
	assert_post_as (server->port, "/api/cluster/up-registry-nodes.json", NULL, where, SOUP_STATUS_OK,
			"{'nodes':null,'responseStatus':" LIMITED "}");
	g_assert_cmpuint (post_status (server->port, "/api/cluster/up-discovery-nodes.json", where), ==,
			  SOUP_STATUS_OK);
	use_up (server, "register", 1000);
	assert_post_as (server->port, "/api/replication/registry/register.json", NULL, "{'instances':[" I1 "]}",
			SOUP_STATUS_OK, "{'failedInstances':null,'responseStatus':" OK "}");
}

/* The heartbeat socket shares the limiter and identity of heartbeat.json. */
static void
test_websocket_heartbeat_limits (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *heartbeat = artemis_test_json ("{'instances':[" I1 "]}");
	g_autofree char *ok = artemis_test_json ("{'failedInstances':null,'responseStatus':" OK "}");
	g_autofree char *limited = artemis_test_json ("{'failedInstances':null,'responseStatus':" LIMITED "}");
	g_autoptr (ArtemisTestWs) ws = NULL;
	g_autofree char *first = NULL;
	g_autofree char *last = NULL;

	assert_post_as (server->port, "/api/registry/register.json", NULL, "{'instances':[" I1 "]}", SOUP_STATUS_OK,
			"{'failedInstances':null,'responseStatus':" OK "}");
	ws = artemis_test_ws_connect (server->port, "/ws/registry/heartbeat");
	use_up (server, "heartbeat", 999);
	artemis_test_ws_send_text (ws, heartbeat);
	first = artemis_test_ws_receive_text (ws);
	g_assert_cmpstr (first, ==, ok);
	artemis_test_ws_send_text (ws, heartbeat);
	last = artemis_test_ws_receive_text (ws);
	g_assert_cmpstr (last, ==, limited);
	assert_post_as (server->port, "/api/registry/heartbeat.json", NULL, "{'instances':[" I1 "]}", SOUP_STATUS_OK,
			"{'failedInstances':null,'responseStatus':" LIMITED "}");
}

static void
test_group_limits (ArtemisTestServer *server, gconstpointer data)
{
	assert_post_as (server->port, M "group/get-groups.json", NULL, "{}", SOUP_STATUS_OK,
			"{'groups':[],'responseStatus':" OK "}");
	assert_post_as (server->port, M "group/get-groups.json", NULL, "{}", SOUP_STATUS_OK,
			"{'groups':null,'responseStatus':" LIMITED "}");
	assert_post_as (server->port, M "group/get-route-rules.json", NULL, "{}", SOUP_STATUS_OK,
			"{'responseStatus':" OK ",'routeRules':[]}");
	assert_post_as (server->port, M "group/get-route-rules.json", NULL, "{}", SOUP_STATUS_OK,
			"{'responseStatus':" LIMITED ",'routeRules':null}");
	/* The get-all reads are not limited (protocol §3.8). */
	assert_post_as (server->port, M "group/get-all-groups.json", NULL, "{}", SOUP_STATUS_OK,
			"{'groups':[],'responseStatus':" OK "}");
	assert_post_as (server->port, M "group/get-all-groups.json", NULL, "{}", SOUP_STATUS_OK,
			"{'groups':[],'responseStatus':" OK "}");
}

static void
test_limits_disabled (ArtemisTestServer *server, gconstpointer data)
{
	for (guint i = 0; i < 5; i++) {
		g_autoptr (ArtemisTestResponse) response = post_as (server->port, "/api/status/cluster.json", NULL, "{}");

		g_assert_null (strstr (response->text, "rate-limited"));
	}
}

/* ---- the real daemon --------------------------------------------------- */

static void
test_daemon_says_who_writes (void)
{
	g_autoptr (ArtemisTestDaemon) open = NULL;
	g_autoptr (ArtemisTestDaemon) closed = NULL;
	g_autofree char *open_log = NULL;
	g_autofree char *closed_log = NULL;
	g_autofree char *expected = NULL;

	if (artemis_test_daemon_get_path () == NULL) {
		g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
		return;
	}
	open = artemis_test_daemon_new (BASE_CONFIG);
	g_assert_true (artemis_test_daemon_start (open));
	open_log = artemis_test_daemon_get_log (open);
	expected = g_strdup_printf ("Management writes: anyone who can reach 127.0.0.1:%u (no [security] tokens)\n",
				    artemis_test_daemon_get_port (open));
	g_assert_nonnull (strstr (open_log, expected));

	closed = artemis_test_daemon_new (tokens_config);
	g_assert_true (artemis_test_daemon_start (closed));
	assert_post_as (artemis_test_daemon_get_port (closed), M "operate-instance.json", NULL, PULL_I1,
			SOUP_STATUS_UNAUTHORIZED, NEEDS_TOKEN);
	assert_post_as (artemis_test_daemon_get_port (closed), M "operate-instance.json", "Bearer s3cret", PULL_I1,
			SOUP_STATUS_OK, STATUS (OK));
	closed_log = artemis_test_daemon_get_log (closed);
	/* Who wrote what, once committed. */
	g_assert_nonnull (strstr (closed_log, "/api/management/operate-instance.json by ops1 from 127.0.0.1: "
					      "pullout SHA/demo.hello/i-1\n"));
	g_assert_nonnull (strstr (closed_log, "Management writes: require a [security] token (2 configured)\n"));
	g_assert_nonnull (strstr (closed_log, "Refused /api/management/operate-instance.json from 127.0.0.1: "
					      "This write needs a token"));
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

#define SERVER_TEST(path, config, func) \
	g_test_add (path, ArtemisTestServer, config, artemis_test_server_setup, func, artemis_test_server_teardown)
	SERVER_TEST ("/artemis/security/access/writes-need-token", tokens_config, test_writes_need_token);
	SERVER_TEST ("/artemis/security/access/refused-writes-nothing", tokens_config, test_refused_writes_nothing);
	SERVER_TEST ("/artemis/security/access/replication-needs-peer-token", peer_tokens_config,
		     test_replication_needs_peer_token);
	g_test_add_func ("/artemis/security/access/token-file", test_token_file);
	SERVER_TEST ("/artemis/security/cors/off", BASE_CONFIG, test_cors_off);
	SERVER_TEST ("/artemis/security/cors/allow-list", cors_list_config, test_cors_allow_list);
	SERVER_TEST ("/artemis/security/cors/any", cors_any_config, test_cors_any);
	SERVER_TEST ("/artemis/security/rate-limit/status", limits_config, test_status_limits);
	SERVER_TEST ("/artemis/security/rate-limit/registry", limits_config, test_registry_limits);
	SERVER_TEST ("/artemis/security/rate-limit/websocket-heartbeat", limits_config, test_websocket_heartbeat_limits);
	SERVER_TEST ("/artemis/security/rate-limit/group", limits_config, test_group_limits);
	SERVER_TEST ("/artemis/security/rate-limit/cluster", cluster_limits_config, test_cluster_limits);
	SERVER_TEST ("/artemis/security/rate-limit/disabled", no_limits_config, test_limits_disabled);
	g_test_add_func ("/artemis/security/daemon/says-who-writes", test_daemon_says_who_writes);
	return g_test_run ();
}
