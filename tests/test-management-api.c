/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"

/*
 * The management endpoints (protocol §3.6, §3.7, §3.9) against an in-process
 * server with its SQLite store, compared byte for byte with the Java wire
 * format: every endpoint, the filter's effect on discovery, the management
 * view, bad input (nothing written), a node not up, a failing store.
 * JSON is written with ' for ", see artemis_test_json(); the clock is pinned.
 */

#define BASE_CONFIG                                                        \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"                    \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n"        \
	"[legacy-lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char default_config[] = BASE_CONFIG;
static const char not_up_config[] = BASE_CONFIG "[cluster]\nforce-up=false\n";

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define FAIL(code, message) "{'errorCode':'" code "','message':'" message "','status':'fail'}"
#define STATUS(status) "{'responseStatus':" status "}"
#define BAD(message) STATUS (FAIL ("bad-request", message))

/* One instance per service, so that every list has one order. */
#define INSTANCE_OF(id, ip, service, status, metadata)                                                     \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'" id "','ip':'" ip "','machineName':'app',"    \
	"'metadata':" metadata ",'port':8080,'protocol':'http','regionId':'SHA','serviceId':'" service "',"  \
	"'status':'" status "','url':'http://" ip ":8080/','zoneId':'SHA-Z1'}"
#define I1 INSTANCE_OF ("i-1", "10.0.0.5", "demo.hello", "up", "null")
#define I3 INSTANCE_OF ("i-3", "10.0.0.5", "other.svc", "up", "null")
#define I4 INSTANCE_OF ("i-4", "10.0.0.6", "third.svc", "up", "null")
#define TIMES "{'creationTime':'1700000000000','renewalTime':'1700000000000','ttl':'20000'}"
#define VIEW_I1(status) INSTANCE_OF ("i-1", "10.0.0.5", "demo.hello", status, TIMES)
#define VIEW_I3(status) INSTANCE_OF ("i-3", "10.0.0.5", "other.svc", status, TIMES)
#define VIEW_I4(status) INSTANCE_OF ("i-4", "10.0.0.6", "third.svc", status, TIMES)

#define SERVICE(id, instances) \
	"{'instances':[" instances "],'logicInstances':[],'metadata':null,'routeRules':[],'serviceId':'" id "'}"
#define LOOKUP_OK(service) "{'responseStatus':" OK ",'services':[" service "]}"

#define M "/api/management/"
#define Z "/api/management/zone/"
#define L "/api/management/log/"

#define I1_KEY "{'instanceId':'i-1','regionId':'SHA','serviceId':'demo.hello'}"
#define SERVER_KEY "{'regionId':'SHA','serverId':'10.0.0.5'}"
#define ZONE_KEY "{'regionId':'SHA','serviceId':'demo.hello','zoneId':'SHA-Z1'}"
#define WHO "'operatorId':'ops1','token':'t'"
#define PULL_I1(complete) \
	"{'instanceKey':" I1_KEY ",'operation':'pullout','operationComplete':" complete "," WHO "}"
#define PULL_SERVER(complete) \
	"{'operation':'pullout','operationComplete':" complete "," WHO ",'serverKey':" SERVER_KEY "}"
#define PULL_ZONE(complete)                                                                       \
	"{'operationComplete':" complete "," WHO ",'zoneOperationsList':[{'operations':['pullout']," \
	"'zoneKey':" ZONE_KEY "}]}"

/* A log row written at the pinned clock + @second seconds. */
#define AT(second) "17000000" second "000"
#define INSTANCE_LOG(id, complete, second)                                                              \
	"{'complete':" complete ",'createTime':" AT (second) ",'extensions':'{}','id':" id ","         \
	"'instanceId':'i-1','operation':'pullout','operatorId':'ops1','regionId':'SHA',"                \
	"'serviceId':'demo.hello','token':'t','updateTime':" AT (second) "}"
#define SERVER_LOG(id, complete, second)                                                                \
	"{'complete':" complete ",'createTime':" AT (second) ",'extensions':'{}','id':" id ","         \
	"'operation':'pullout','operatorId':'ops1','regionId':'SHA','serverId':'10.0.0.5','token':'t',"  \
	"'updateTime':" AT (second) "}"
#define ZONE_LOG(id, complete, second)                                                                  \
	"{'complete':" complete ",'createTime':" AT (second) ",'id':" id ",'operation':'pullout',"     \
	"'operatorId':'ops1','regionId':'SHA','serviceId':'demo.hello','token':'t',"                     \
	"'updateTime':" AT (second) ",'zoneId':'SHA-Z1'}"
#define LOGS(list) "{'logs':[" list "],'responseStatus':" OK "}"
#define NO_INSTANCE_OPERATIONS "{'allInstanceOperations':[],'responseStatus':" OK "}"

/* ---- helpers ----------------------------------------------------------- */

static ArtemisTestResponse *
post (ArtemisTestServer *server, const char *path, const char *body)
{
	g_autofree char *converted = artemis_test_json (body);

	return artemis_test_post_json (server->port, path, converted);
}

static void
assert_json (ArtemisTestResponse *response, guint status, const char *expected)
{
	g_autofree char *converted = artemis_test_json (expected);

	g_assert_cmpstr (response->text, ==, converted);
	g_assert_cmpuint (response->status, ==, status);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
}

static void
assert_post (ArtemisTestServer *server, const char *path, const char *body, const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = post (server, path, body);

	assert_json (response, SOUP_STATUS_OK, expected);
}

static void
assert_get (ArtemisTestServer *server, const char *path, const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_get (server->port, path);

	assert_json (response, SOUP_STATUS_OK, expected);
}

/* The expected body holds the port (%u) of @server. */
static void
assert_post_with_port (ArtemisTestServer *server, const char *path, const char *body, const char *format)
{
	g_autofree char *expected = g_strdup_printf (format, server->port);

	assert_post (server, path, body, expected);
}

static void
set_up (ArtemisTestServer *server, gconstpointer config)
{
	artemis_test_server_setup (server, config);
	assert_post (server, "/api/registry/register.json", "{'instances':[" I1 "," I3 "," I4 "]}",
		     "{'failedInstances':null,'responseStatus':" OK "}");
}

static void
assert_lookup (ArtemisTestServer *server, const char *service_id, const char *service)
{
	g_autofree char *body = g_strdup_printf ("{'discoveryConfigs':[{'serviceId':'%s'}],'regionId':'SHA',"
						 "'zoneId':'SHA-Z1'}",
						 service_id);
	g_autofree char *expected = g_strdup_printf (LOOKUP_OK ("%s"), service);

	assert_post (server, "/api/discovery/lookup.json", body, expected);
}

static void
later (ArtemisTestServer *server, guint seconds)
{
	server->now_ms = ARTEMIS_TEST_EPOCH_MS + seconds * 1000;
}

/* ---- instances (protocol §3.6) --------------------------------------------- */

static void
test_operate_instance (ArtemisTestServer *server, gconstpointer data)
{
	/* Protocol §3.6's example. */
	assert_post (server, M "operate-instance.json", PULL_I1 ("false"), STATUS (OK));
	/* Read back ignoring case; the key as stored. */
	assert_post (server, M "instance-operations.json",
		     "{'instanceKey':{'instanceId':'I-1','regionId':'sha','serviceId':'DEMO.HELLO'}}",
		     "{'operations':{'instanceKey':" I1_KEY ",'operations':['pullout']},'responseStatus':" OK "}");
	assert_post (server, M "instance-down.json", "{'instance':" I1 "}", "{'down':true,'responseStatus':" OK "}");
	assert_post (server, M "instance-down.json", "{'instance':" I3 "}", "{'down':false,'responseStatus':" OK "}");
	assert_post (server, L "instance-operation-logs.json", "{'serviceId':'demo.hello','complete':false}",
		     LOGS (INSTANCE_LOG ("1", "false", "00")));
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ""));

	later (server, 1);
	assert_post (server, M "operate-instance.json", PULL_I1 ("true"), STATUS (OK));
	assert_post (server, M "instance-operations.json", "{'instanceKey':" I1_KEY "}",
		     "{'operations':null,'responseStatus':" OK "}");
	assert_post (server, M "instance-down.json", "{'instance':" I1 "}", "{'down':false,'responseStatus':" OK "}");
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
	/* Every filter is optional, ignores case, and drops blank values (protocol §3.7). */
	assert_post (server, L "instance-operation-logs.json", "{}",
		     LOGS (INSTANCE_LOG ("1", "false", "00") "," INSTANCE_LOG ("2", "true", "01")));
	assert_post (server, L "instance-operation-logs.json",
		     "{'complete':true,'instanceId':'I-1','operation':'PULLOUT','operatorId':'OPS1',"
		     "'regionId':'sha','serviceId':' '}",
		     LOGS (INSTANCE_LOG ("2", "true", "01")));
	assert_post (server, L "instance-operation-logs.json", "{'complete':null,'operatorId':'ops2'}", LOGS (""));
}

static void
test_all_instance_operations (ArtemisTestServer *server, gconstpointer data)
{
	const char *all = "{'allInstanceOperations':[{'instanceKey':" I1_KEY ",'operations':['pullout','drain']}],"
			  "'responseStatus':" OK "}";
	const char *none = "{'allInstanceOperations':[],'responseStatus':" OK "}";

	assert_post (server, M "all-instance-operations.json", "{}", none);
	assert_post (server, M "operate-instance.json", PULL_I1 ("false"), STATUS (OK));
	assert_post (server, M "operate-instance.json",
		     "{'instanceKey':" I1_KEY ",'operation':' drain ','operatorId':'ops1','token':''}", STATUS (OK));
	assert_post (server, M "all-instance-operations.json", "{}", all);
	assert_post (server, M "all-instance-operations.json", "{'regionId':'SHA'}", all);
	assert_get (server, M "all-instance-operations.json?regionId=SHA", all);
	assert_get (server, M "all-instance-operations.json", all);
	/* The region is compared exactly (protocol §3.6). */
	assert_post (server, M "all-instance-operations.json", "{'regionId':'sha'}", none);
}

/* ---- servers ------------------------------------------------------------ */

static void
test_operate_server (ArtemisTestServer *server, gconstpointer data)
{
	const char *all = "{'allServerOperations':[{'operations':['pullout'],'serverKey':" SERVER_KEY "}],"
			  "'responseStatus':" OK "}";

	/* Spec Appendix B.3. */
	assert_post (server, M "operate-server.json", PULL_SERVER ("false"), STATUS (OK));
	assert_post (server, M "server-operations.json", "{'serverKey':{'regionId':'sha','serverId':'10.0.0.5'}}",
		     "{'operations':{'operations':['pullout'],'serverKey':" SERVER_KEY "},'responseStatus':" OK "}");
	assert_post (server, M "all-server-operations.json", "{'regionId':'SHA'}", all);
	assert_get (server, M "all-server-operations.json?regionId=SHA", all);
	assert_get (server, M "all-server-operations.json?regionId=NRT",
		    "{'allServerOperations':[],'responseStatus':" OK "}");
	assert_post (server, M "server-down.json", "{'serverKey':" SERVER_KEY "}",
		     "{'down':true,'responseStatus':" OK "}");
	assert_post (server, M "server-down.json", "{'serverKey':{'regionId':'SHA','serverId':'10.0.0.6'}}",
		     "{'down':false,'responseStatus':" OK "}");
	/* Every instance on the server, in any service. */
	assert_post (server, M "instance-down.json", "{'instance':" I3 "}", "{'down':true,'responseStatus':" OK "}");
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ""));
	assert_lookup (server, "other.svc", SERVICE ("other.svc", ""));
	assert_lookup (server, "third.svc", SERVICE ("third.svc", I4));

	later (server, 2);
	assert_post (server, M "operate-server.json", PULL_SERVER ("true"), STATUS (OK));
	assert_post (server, M "server-down.json", "{'serverKey':" SERVER_KEY "}",
		     "{'down':false,'responseStatus':" OK "}");
	assert_lookup (server, "other.svc", SERVICE ("other.svc", I3));
	assert_post (server, L "server-operation-logs.json", "{'serverId':'10.0.0.5'}",
		     LOGS (SERVER_LOG ("1", "false", "00") "," SERVER_LOG ("2", "true", "02")));
	assert_post (server, L "server-operation-logs.json",
		     "{'complete':false,'operation':'pullout','operatorId':'ops1','regionId':'SHA'}",
		     LOGS (SERVER_LOG ("1", "false", "00")));
}

/* ---- zones (protocol §3.9) --------------------------------------------------- */

#define ZONE_OPERATIONS "{'operations':['pullout'],'zoneKey':" ZONE_KEY "}"

static void
test_zone_operations (ArtemisTestServer *server, gconstpointer data)
{
	/* Spec Appendix B.6. */
	assert_post (server, Z "operate-zone-operations.json", PULL_ZONE ("false"), STATUS (OK));
	assert_post (server, Z "get-all-zone-operations.json", "{'regionId':'ignored'}",
		     "{'allZoneOperations':[" ZONE_OPERATIONS "],'responseStatus':" OK "}");
	assert_post (server, Z "get-zone-operations.json",
		     "{'zoneKey':{'regionId':'sha','serviceId':'DEMO.HELLO','zoneId':'sha-z1'}}",
		     "{'operations':" ZONE_OPERATIONS ",'responseStatus':" OK "}");
	assert_post (server, Z "get-zone-operations.json",
		     "{'zoneKey':{'regionId':'SHA','serviceId':'other.svc','zoneId':'SHA-Z1'}}",
		     "{'operations':null,'responseStatus':" OK "}");
	assert_post (server, Z "get-zone-operations-list.json", "{'serviceId':'Demo.Hello','zoneId':''}",
		     "{'responseStatus':" OK ",'zoneOperationsList':[" ZONE_OPERATIONS "]}");
	assert_post (server, Z "get-zone-operations-list.json", "{'regionId':'NRT'}",
		     "{'responseStatus':" OK ",'zoneOperationsList':[]}");
	assert_post (server, Z "is-zone-down.json", "{'zoneKey':" ZONE_KEY "}",
		     "{'down':true,'responseStatus':" OK "}");
	assert_post (server, M "instance-down.json", "{'instance':" I1 "}", "{'down':true,'responseStatus':" OK "}");
	/* One service's zone: the other services of the zone stay. */
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ""));
	assert_lookup (server, "other.svc", SERVICE ("other.svc", I3));

	later (server, 3);
	assert_post (server, Z "operate-zone-operations.json", PULL_ZONE ("true"), STATUS (OK));
	assert_post (server, Z "is-zone-down.json", "{'zoneKey':" ZONE_KEY "}",
		     "{'down':false,'responseStatus':" OK "}");
	assert_post (server, Z "get-all-zone-operations.json", "{}",
		     "{'allZoneOperations':[],'responseStatus':" OK "}");
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
	assert_post (server, L "zone-operation-logs.json", "{'zoneId':'SHA-Z1'}",
		     LOGS (ZONE_LOG ("1", "false", "00") "," ZONE_LOG ("2", "true", "03")));
	assert_post (server, L "zone-operation-logs.json",
		     "{'complete':true,'operation':'pullout','operatorId':'ops1','regionId':'SHA',"
		     "'serviceId':'demo.hello'}",
		     LOGS (ZONE_LOG ("2", "true", "03")));
}

/* Several zones and operations in one write: all in one transaction. */
static void
test_zone_batch (ArtemisTestServer *server, gconstpointer data)
{
	assert_post (server, Z "operate-zone-operations.json",
		     "{'operation':'ignored','reason':'r','extensions':'{}','operationComplete':false," WHO ","
		     "'zoneOperationsList':[{'operations':['a','b'],'zoneKey':" ZONE_KEY "},"
		     "{'operations':['a'],'zoneKey':{'regionId':'SHA','serviceId':'other.svc','zoneId':'SHA-Z1'}}]}",
		     STATUS (OK));
	assert_post (server, Z "get-zone-operations-list.json", "{}",
		     "{'responseStatus':" OK ",'zoneOperationsList':["
		     "{'operations':['a','b'],'zoneKey':" ZONE_KEY "},"
		     "{'operations':['a'],'zoneKey':{'regionId':'SHA','serviceId':'other.svc','zoneId':'SHA-Z1'}}]}");
	assert_lookup (server, "other.svc", SERVICE ("other.svc", ""));
}

/* ---- the filter: lookup, service.json, services.json, delta ------------ */

#define DISCOVERY_SERVICE(service) "{'responseStatus':" OK ",'service':" service "}"
#define SNAPSHOT(list, version) "{'responseStatus':" OK ",'services':[" list "],'version':" version "}"

static void
assert_discovery (ArtemisTestServer *server, const char *hello, const char *snapshot)
{
	g_autofree char *service = g_strdup_printf (DISCOVERY_SERVICE ("%s"), hello);

	assert_lookup (server, "demo.hello", hello);
	assert_post (server, "/api/discovery/service.json",
		     "{'discoveryConfig':{'serviceId':'demo.hello'},'regionId':'SHA','zoneId':'SHA-Z1'}", service);
	assert_post (server, "/api/discovery/services.json", "{}", snapshot);
}

#define OTHERS SERVICE ("other.svc", I3) "," SERVICE ("third.svc", I4)
#define ALL SERVICE ("demo.hello", I1) "," OTHERS

/* Out by instance, by server, by zone; back in: at once, everywhere discovery answers. */
static void
test_filter (ArtemisTestServer *server, gconstpointer data)
{
	const char *pull_outs[][2] = {
		{ M "operate-instance.json", PULL_I1 ("%s") },
		{ M "operate-server.json", PULL_SERVER ("%s") },
		{ Z "operate-zone-operations.json", PULL_ZONE ("%s") },
	};
	const char *snapshots[] = { SNAPSHOT (OTHERS, "0"), SNAPSHOT (SERVICE ("third.svc", I4), "0"),
				    SNAPSHOT (OTHERS, "0") };

	for (gsize i = 0; i < G_N_ELEMENTS (pull_outs); i++) {
		g_autofree char *out = g_strdup_printf (pull_outs[i][1], "false");
		g_autofree char *in = g_strdup_printf (pull_outs[i][1], "true");

		assert_discovery (server, SERVICE ("demo.hello", I1), SNAPSHOT (ALL, "0"));
		assert_post (server, pull_outs[i][0], out, STATUS (OK));
		assert_discovery (server, SERVICE ("demo.hello", ""), snapshots[i]);
		assert_post (server, M "service.json", "{'serviceId':'demo.hello'}",
			     "{'groups':[],'responseStatus':" OK ",'service':" SERVICE ("demo.hello",
											  VIEW_I1 ("down")) "}");
		assert_post (server, pull_outs[i][0], in, STATUS (OK));
	}
	assert_discovery (server, SERVICE ("demo.hello", I1), SNAPSHOT (ALL, "0"));
}

#define DELTA_PATH "/api/discovery/services-delta.json"

/* The versioned snapshots see pull-outs at their next refresh, as registrations. */
static void
test_filter_snapshots (ArtemisTestServer *server, gconstpointer data)
{
	later (server, 60);
	artemis_versioned_cache_refresh (artemis_daemon_get_versioned_cache (server->daemon));
	assert_post (server, M "operate-instance.json", PULL_I1 ("false"), STATUS (OK));
	assert_post (server, "/api/discovery/services.json", "{}", SNAPSHOT (ALL, "1700000060000"));
	later (server, 90);
	artemis_versioned_cache_refresh (artemis_daemon_get_versioned_cache (server->daemon));
	assert_post (server, "/api/discovery/services.json", "{}", SNAPSHOT (OTHERS, "1700000090000"));
	assert_post (server, DELTA_PATH, "{'version':1700000060000}",
		     "{'delta':{'demo.hello':[{'changeTime':1700000090000,'changeType':'delete','instance':" I1 "}]},"
		     "'responseStatus':" OK ",'version':1700000090000}");
}

/* ---- the management view (protocol §7.4) ----------------------------------- */

static void
test_view (ArtemisTestServer *server, gconstpointer data)
{
	const char *view = "{'responseStatus':" OK ",'services':[" SERVICE ("demo.hello", VIEW_I1 ("down")) ","
			   SERVICE ("other.svc", VIEW_I3 ("down")) "," SERVICE ("third.svc", VIEW_I4 ("up")) "],"
			   "'version':1700000007000}";

	assert_post (server, M "operate-server.json", PULL_SERVER ("false"), STATUS (OK));
	later (server, 7);
	assert_post (server, M "services.json", "{'regionId':'NRT','zoneId':'x'}", view);
	assert_get (server, M "services.json?regionId=SHA&zoneId=SHA-Z1", view);
	assert_post (server, M "service.json", "{'regionId':'SHA','serviceId':'THIRD.SVC','zoneId':'SHA-Z1'}",
		     "{'groups':[],'responseStatus':" OK ",'service':" SERVICE ("third.svc", VIEW_I4 ("up")) "}");
	/* Unknown: `instances` null (protocol §7.5). */
	assert_post (server, M "service.json", "{'serviceId':'nope'}",
		     "{'groups':[],'responseStatus':" OK ",'service':{'instances':null,'logicInstances':[],"
		     "'metadata':null,'routeRules':[],'serviceId':'nope'}}");
}

/* ---- bad input: bad-request naming the field, nothing written ----------- */

typedef struct {
	const char *path;
	const char *body;
	guint status;
	const char *expected;
} BadInput;

#define NULL_OPS(message) "{'operations':null,'responseStatus':" FAIL ("bad-request", message) "}"
#define NOT_DOWN(message) "{'down':false,'responseStatus':" FAIL ("bad-request", message) "}"
#define MALFORMED(message) BAD ("Malformed request body: " message)
#define ZONE_BAD(message) BAD ("operate zone-operations failed." message)
#define KEY(region, service, id) "{'instanceId':" id ",'regionId':" region ",'serviceId':" service "}"
#define OPERATE(key, operation, operator, token) \
	"{'instanceKey':" key ",'operation':" operation ",'operatorId':" operator ",'token':" token "}"
#define ZONES(list) "{" WHO ",'zoneOperationsList':" list "}"

static const BadInput bad_inputs[] = {
	/* operate-instance: Java's messages, in Java's order (protocol §3.6). */
	{ M "operate-instance.json", "{'operation':'x'," WHO "}", 200, BAD ("instanceKey is null") },
	{ M "operate-instance.json", OPERATE (KEY ("' '", "'s'", "'i'"), "'x'", "'o'", "'t'"), 200,
	  BAD ("regionId is null or empty") },
	{ M "operate-instance.json", OPERATE (KEY ("'r'", "null", "'i'"), "'x'", "'o'", "'t'"), 200,
	  BAD ("serviceId is null or empty") },
	{ M "operate-instance.json", OPERATE (KEY ("'r'", "'s'", "''"), "'x'", "'o'", "'t'"), 200,
	  BAD ("instanceId is null or empty") },
	{ M "operate-instance.json", OPERATE (KEY ("'r'", "'s'", "'i'"), "'\\t'", "'o'", "'t'"), 200,
	  BAD ("operation is null or empty") },
	{ M "operate-instance.json", OPERATE (KEY ("'r'", "'s'", "'i'"), "'x'", "null", "'t'"), 200,
	  BAD ("operatorId is null or empty") },
	{ M "operate-instance.json", OPERATE (KEY ("'r'", "'s'", "'i'"), "'x'", "'o'", "null"), 200,
	  BAD ("token is null") },
	{ M "operate-instance.json", "{'instanceKey':[]}", 400,
	  MALFORMED ("instanceKey: Invalid value at byte 15: expected an object, found an array") },
	{ M "operate-instance.json", "{'operationComplete':'yes'}", 400,
	  MALFORMED ("operationComplete: Invalid value at byte 21: expected a boolean, found a string") },
	{ M "operate-instance.json", "null", 400, MALFORMED ("request is null") },
	{ M "operate-instance.json", "{'operation':", 400,
	  MALFORMED ("operation: Invalid JSON at byte 13: unexpected end of input, expected a value") },
	/* operate-server */
	{ M "operate-server.json", "{'operation':'x'," WHO "}", 200, BAD ("serverKey is null") },
	{ M "operate-server.json", "{'serverKey':{'regionId':'r'},'operation':'x'," WHO "}", 200,
	  BAD ("serverId is null or empty") },
	{ M "operate-server.json", "{'serverKey':{'serverId':'10.0.0.5'},'operation':'x'," WHO "}", 200,
	  BAD ("regionId is null or empty") },
	{ M "operate-server.json", "{'serverKey':" SERVER_KEY ",'operatorId':'o','token':'t'}", 200,
	  BAD ("operation is null or empty") },
	{ M "operate-server.json", "{'serverKey':" SERVER_KEY ",'operation':'x','token':'t'}", 200,
	  BAD ("operatorId is null or empty") },
	{ M "operate-server.json", "{'serverKey':{'serverId':{}}}", 400,
	  MALFORMED ("serverKey: serverId: Invalid value at byte 25: expected a string, found an object") },
	/* the reads */
	{ M "instance-operations.json", "{}", 200, NULL_OPS ("request.instanceKey is null") },
	{ M "instance-operations.json", "{'instanceKey':1}", 400,
	  MALFORMED ("instanceKey: Invalid value at byte 15: expected an object, found a number") },
	{ M "server-operations.json", "{'serverKey':null}", 200, NULL_OPS ("request.serverKey is null") },
	{ M "all-instance-operations.json", "{'regionId':[]}", 400,
	  MALFORMED ("regionId: Invalid value at byte 12: expected a string, found an array") },
	{ M "all-server-operations.json", "[]", 400,
	  MALFORMED ("Invalid value at byte 0: expected an object, found an array") },
	{ M "instance-down.json", "{}", 200, NOT_DOWN ("request.instance is null") },
	{ M "instance-down.json", "{'instance':{'port':'x'}}", 400,
	  MALFORMED ("instance: port: Invalid value at byte 20: expected an integer, found a string") },
	{ M "server-down.json", "{}", 200, NOT_DOWN ("request.serverKey null") },
	{ M "services.json", "{'regionId':{}}", 400,
	  MALFORMED ("regionId: Invalid value at byte 12: expected a string, found an object") },
	{ M "service.json", "{'serviceId':' '}", 200,
	  "{'groups':null,'responseStatus':" FAIL ("bad-request", "Request is null or request.servcieId is null.")
	  ",'service':null}" },
	/* zones */
	{ Z "operate-zone-operations.json", ZONES ("null"), 200, ZONE_BAD ("zoneOperationsList is null or empty") },
	{ Z "operate-zone-operations.json", "{'operationComplete':false,'zoneOperationsList':[]}", 200,
	  ZONE_BAD ("zoneOperationsList is null or empty") },
	{ Z "operate-zone-operations.json", ZONES ("[null]"), 200, ZONE_BAD ("zoneOperations is null") },
	{ Z "operate-zone-operations.json", ZONES ("[{'operations':['x']}]"), 200, ZONE_BAD ("zoneKey is null") },
	{ Z "operate-zone-operations.json", ZONES ("[{'operations':['x'],'zoneKey':{'regionId':'r','serviceId':'s'}}]"),
	  200, ZONE_BAD ("zoneId is null or empty") },
	{ Z "operate-zone-operations.json", ZONES ("[{'operations':[],'zoneKey':" ZONE_KEY "}]"), 200,
	  ZONE_BAD ("operations is null or empty") },
	{ Z "operate-zone-operations.json", ZONES ("[{'operations':['a',' '],'zoneKey':" ZONE_KEY "}]"), 200,
	  ZONE_BAD ("operation is null or empty") },
	{ Z "operate-zone-operations.json",
	  "{'operatorId':'o','zoneOperationsList':[{'operations':['a'],'zoneKey':" ZONE_KEY "}]}", 200,
	  ZONE_BAD ("token is null") },
	{ Z "operate-zone-operations.json", "{'zoneOperationsList':[{'zoneKey':[]}]}", 400,
	  MALFORMED ("zoneOperationsList: zoneKey: Invalid value at byte 34: expected an object, found an array") },
	{ Z "get-zone-operations.json", "{}", 200, NULL_OPS ("request.zoneKey is null") },
	{ Z "is-zone-down.json", "{'zoneKey':null}", 200, NOT_DOWN ("request.zoneKey is null") },
	{ Z "get-zone-operations-list.json", "{'serviceId':{}}", 400,
	  MALFORMED ("serviceId: Invalid value at byte 13: expected a string, found an object") },
	{ Z "get-all-zone-operations.json", "", 400, BAD ("Required request body is missing.") },
	/* logs */
	{ L "instance-operation-logs.json", "{'complete':'maybe'}", 400,
	  MALFORMED ("complete: Invalid value at byte 12: expected a boolean, found a string") },
	{ L "server-operation-logs.json", "{'serverId':true,'x':}", 400,
	  MALFORMED ("Invalid JSON at byte 21: expected a value") },
	{ L "zone-operation-logs.json", "{'zoneId':['a']}", 400,
	  MALFORMED ("zoneId: Invalid value at byte 10: expected a string, found an array") },
};

static void
test_bad_input (ArtemisTestServer *server, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (bad_inputs); i++) {
		const BadInput *input = &bad_inputs[i];
		g_autoptr (ArtemisTestResponse) response = post (server, input->path, input->body);

		g_test_message ("%s %s", input->path, input->body);
		assert_json (response, input->status, input->expected);
	}
	/* Nothing was written. */
	assert_post (server, L "instance-operation-logs.json", "{}", LOGS (""));
	assert_post (server, L "server-operation-logs.json", "{}", LOGS (""));
	assert_post (server, L "zone-operation-logs.json", "{}", LOGS (""));
	assert_post (server, M "all-instance-operations.json", "{}", NO_INSTANCE_OPERATIONS);
	assert_post (server, M "all-server-operations.json", "{}",
		     "{'allServerOperations':[],'responseStatus':" OK "}");
	assert_post (server, Z "get-all-zone-operations.json", "{}",
		     "{'allZoneOperations':[],'responseStatus':" OK "}");
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
}

/* Only GET and POST where Java has them. */
static void
test_methods (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) get = artemis_test_get (server->port, M "operate-instance.json");
	g_autoptr (ArtemisTestResponse) logs = artemis_test_get (server->port, L "zone-operation-logs.json");

	g_assert_cmpuint (get->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
	g_assert_cmpuint (logs->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
}

/* ---- a node not up: writes refused, reads served ------------------------ */

#define NOT_UP                                                                                      \
	STATUS (FAIL ("service-unavailable", "Serivce is not in up state. Current status: "         \
					     "{ node: sha/sha-z1/http://127.0.0.1:%u/, status: starting, " \
					     "canServiceRegistry: null, canServiceDiscovery: null }"))

static void
test_not_up (ArtemisTestServer *server, gconstpointer data)
{
	assert_post_with_port (server, M "operate-instance.json", PULL_I1 ("false"), NOT_UP);
	assert_post_with_port (server, M "operate-server.json", PULL_SERVER ("false"), NOT_UP);
	assert_post_with_port (server, Z "operate-zone-operations.json", PULL_ZONE ("false"), NOT_UP);
	/* The node check comes first, as in Java. */
	assert_post_with_port (server, M "operate-instance.json", "{}", NOT_UP);
	assert_post (server, L "instance-operation-logs.json", "{}", LOGS (""));
	assert_post (server, M "all-instance-operations.json", "{}", NO_INSTANCE_OPERATIONS);
}

static void
not_up_set_up (ArtemisTestServer *server, gconstpointer config)
{
	artemis_test_server_setup (server, config);
}

/* ---- a failing store: the failure answered, nothing changed ------------- */

static void
test_store_failure (ArtemisTestServer *server, gconstpointer data)
{
	artemis_storage_close (artemis_daemon_get_storage (server->daemon));
	g_test_expect_message ("Artemis-API", G_LOG_LEVEL_WARNING,
			       "Management write failed: The management store is closed");
	assert_post (server, M "operate-instance.json", PULL_I1 ("false"),
		     STATUS (FAIL ("internal-service-error", "Update instance failed.")));
	g_test_expect_message ("Artemis-API", G_LOG_LEVEL_WARNING, "Management write failed: *");
	assert_post (server, M "operate-server.json", PULL_SERVER ("false"),
		     STATUS (FAIL ("internal-service-error", "Update server failed.")));
	g_test_expect_message ("Artemis-API", G_LOG_LEVEL_WARNING, "Management write failed: *");
	assert_post (server, Z "operate-zone-operations.json", PULL_ZONE ("false"),
		     STATUS (FAIL ("internal-service-error",
				   "operate zone-operations failed.The management store is closed")));
	g_test_assert_expected_messages ();
	assert_post (server, L "instance-operation-logs.json", "{}",
		     "{'logs':null,'responseStatus':"
		     FAIL ("internal-service-error", "The management store is closed") "}");
	assert_post (server, Z "get-zone-operations-list.json", "{}",
		     "{'responseStatus':" FAIL ("internal-service-error",
						"get zone-operations-list failed.The management store is closed")
		     ",'zoneOperationsList':null}");
	assert_post (server, M "instance-down.json", "{'instance':" I1 "}", "{'down':false,'responseStatus':" OK "}");
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

#define ADD(path, func) \
	g_test_add ("/artemis/management-api/" path, ArtemisTestServer, default_config, set_up, func, \
		    artemis_test_server_teardown)
	ADD ("operate-instance", test_operate_instance);
	ADD ("all-instance-operations", test_all_instance_operations);
	ADD ("operate-server", test_operate_server);
	ADD ("zone-operations", test_zone_operations);
	ADD ("zone-batch", test_zone_batch);
	ADD ("filter", test_filter);
	ADD ("filter-snapshots", test_filter_snapshots);
	ADD ("view", test_view);
	ADD ("bad-input", test_bad_input);
	ADD ("methods", test_methods);
	ADD ("store-failure", test_store_failure);
#undef ADD
	g_test_add ("/artemis/management-api/not-up", ArtemisTestServer, not_up_config, not_up_set_up, test_not_up,
		    artemis_test_server_teardown);

	return g_test_run ();
}
