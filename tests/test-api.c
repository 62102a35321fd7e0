/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "artemis-test-utils.h"

/*
 * The HTTP API against an in-process server, compared byte for byte with the
 * Java Artemis wire format (protocol §1–3, §5–7, §14).
 *
 * Expected and request JSON is written with ' for " (and ` for a literal '),
 * see artemis_test_json(). The server runs with an injected clock, so every
 * time stamp is exact.
 */

#define BASE_CONFIG                                                   \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"               \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n"   \
	"[legacy-lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char default_config[] = BASE_CONFIG;
static const char limit_config[] = BASE_CONFIG "[server]\nmax-body-size=2048\n";
static const char context_config[] = BASE_CONFIG "[server]\ncontext-path=/artemis-service\n";
static const char not_up_config[] = BASE_CONFIG "[cluster]\nforce-up=false\n";
static const char other_zone_config[] = BASE_CONFIG "[cluster]\n"
						    "allow-registry-from-other-zone=true\n"
						    "allow-discovery-from-other-zone=true\n";

/* ---- expected JSON ----------------------------------------------------- */

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define PARTIAL_FAIL "{'errorCode':'partial_fail','message':'','status':'partial_fail'}"
#define FAIL(code, message) "{'errorCode':'" code "','message':" message ",'status':'fail'}"
/* A body holding nothing but a failed responseStatus. */
#define STATUS_ONLY(code, message) "{'responseStatus':" FAIL (code, "'" message "'") "}"
#define MALFORMED(message) STATUS_ONLY ("bad-request", "Malformed request body: " message)
#define TOO_LARGE(suffix) \
	STATUS_ONLY ("bad-request", "Request body exceeds the limit of 2048 bytes" suffix ".")

/* Spec Appendix B's I1 and friends; arguments are JSON values. */
#define INSTANCE(id, region, service, zone, url)                             \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':" id ","         \
	"'ip':'10.0.0.5','machineName':'app-5','metadata':null,'port':8080," \
	"'protocol':'http','regionId':" region ",'serviceId':" service ","   \
	"'status':'up','url':" url ",'zoneId':" zone "}"
#define HELLO_URL "'http://10.0.0.5:8080/hello'"
#define INSTANCE_IN(id, service) \
	INSTANCE ("'" id "'", "'SHA'", "'" service "'", "'SHA-Z1'", HELLO_URL)
#define I1 INSTANCE_IN ("i-1", "demo.hello")
#define I2 INSTANCE_IN ("i-2", "demo.hello")
#define I3 INSTANCE_IN ("i-3", "other.svc")
#define I4 INSTANCE_IN ("i-4", "third.svc")
#define I5 INSTANCE_IN ("i-5", "zeta.svc")
/* I1 from elsewhere. */
#define I1_AT(region, zone) INSTANCE ("'i-1'", region, "'demo.hello'", zone, HELLO_URL)
#define NRT_I1 I1_AT ("'NRT'", "'SHA-Z1'")
#define Z2_I1 I1_AT ("'SHA'", "'SHA-Z2'")
#define LEGACY_I1                                                                   \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'i-1','ip':'10.0.0.5'," \
	"'machineName':'app-5','metadata':{'java_registry':'true'},'port':8080,"    \
	"'protocol':'http','regionId':'SHA','serviceId':'demo.hello','status':'up',"   \
	"'url':" HELLO_URL ",'zoneId':'SHA-Z1'}"

#define INSTANCES(list) "{'instances':[" list "]}"
#define REGISTRY_OK "{'failedInstances':null,'responseStatus':" OK "}"
#define REGISTRY_FAILED(list) "{'failedInstances':[" list "],'responseStatus':" PARTIAL_FAIL "}"
#define FAILED(code, message, instance) \
	"{'errorCode':'" code "','errorMessage':'" message "','instance':" instance "}"
#define NOT_EXISTING(path, instance) \
	FAILED ("data-not-found", path ": Instance is not exising! Need re-register.", instance)
#define I1_NOT_EXISTING REGISTRY_FAILED (NOT_EXISTING ("sha/sha-z1/demo.hello/i-1", I1))
#define INVALID(path, field, instance)                                                   \
	FAILED ("internal-service-error",                                                \
		path ": Exception: argument instance." field " is null or whitespace", instance)
#define WRONG_REGION(region)                                                      \
	"regionId is not the same as the registry node. regionId: " region ", " \
	"registry node.regionId: SHA"
#define WRONG_ZONE(zone)                                                                  \
	"zoneId is not the same as the registry node. zoneId: " zone ", registry node.zoneId: " \
	"SHA-Z1"
#define EMPTY_REQUEST                                  \
	"{'failedInstances':null,'responseStatus':" \
	FAIL ("bad-request", "'request.instances is null or empty.'") "}"

#define CONFIG(id) "{'discoveryData':null,'regionId':null,'serviceId':" id ",'zoneId':null}"
#define LOOKUP_FROM(region, zone, configs) \
	"{'discoveryConfigs':[" configs "],'regionId':'" region "','zoneId':'" zone "'}"
#define LOOKUP(configs) LOOKUP_FROM ("SHA", "SHA-Z1", configs)
#define SERVICE(id, instances)                                                  \
	"{'instances':[" instances "],'logicInstances':[],'metadata':null,"    \
	"'routeRules':[],'serviceId':'" id "'}"
#define NULL_SERVICE(id)                                                            \
	"{'instances':null,'logicInstances':null,'metadata':null,'routeRules':null," \
	"'serviceId':" id "}"
#define SERVICES_OK(list) "{'responseStatus':" OK ",'services':[" list "]}"
#define SNAPSHOT(list, version) \
	"{'responseStatus':" OK ",'services':[" list "],'version':" version "}"
#define SERVICE_REQUEST(id, region, zone) \
	"{'discoveryConfig':{'serviceId':" id "},'regionId':'" region "','zoneId':'" zone "'}"
#define SERVICE_OK(service) "{'responseStatus':" OK ",'service':" service "}"
#define SERVICE_FAILED(code, message) \
	"{'responseStatus':" FAIL (code, "'" message "'") ",'service':null}"
#define DELTA(changes, version) \
	"{'delta':{" changes "},'responseStatus':" OK ",'version':" version "}"
#define CHANGES(service, time, type, instance) \
	"'" service "':[{'changeTime':" time ",'changeType':'" type "','instance':" instance "}]"
#define DELTA_NOT_FOUND                                                                \
	"{'delta':null,'responseStatus':" FAIL ("data-not-found", "'Delta is not found.'") \
	",'version':0}"

/* For printf: the node's URL holds the port. */
#define LOCAL_URL "http://127.0.0.1:%u/"
#define NODE_STATUS(allow, can, url, status)                                                  \
	"{'allowDiscoveryFromOtherZone':" allow ",'allowRegistryFromOtherZone':" allow ","    \
	"'canServiceDiscovery':" can ",'canServiceRegistry':" can ",'node':{'url':'" url "'," \
	"'zone':{'metadata':null,'regionId':'SHA','zoneId':'SHA-Z1'}},'status':'" status "'}"
#define UP_NODE(url) NODE_STATUS ("false", "true", url, "up")
#define NODE_OK(status) "{'nodeStatus':" status ",'responseStatus':" OK "}"

#define LEASE(service, id, renewal, ttl)                                                        \
	"{'creationTime':'2023-11-14 22:13:20.000','evitionTime':'1970-01-01 00:00:00.000',"    \
	"'instance':'sha/sha-z1/" service "/" id "','renewalTime':'" renewal "','ttl':" ttl "}"
#define LEASES(count, renewals, leases)                                                  \
	"{'isSafe':true,'isSafeCheckEnabled':true,'leaseCount':" count ","               \
	"'leaseUpdateCountLastTimeWindow':" renewals ",'leaseUpdateMaxCount':0,"         \
	"'leaseUpdateMaxCountLastUpdateTime':0,'leases':{" leases "},'responseStatus':" OK "}"
#define LEASES_OF(service, id, renewal, ttl) "'" service "':[" LEASE (service, id, renewal, ttl) "]"
#define HELLO_LEASE LEASES_OF ("demo.hello", "i-1", "2023-11-14 22:13:21.000", "20000")
#define OTHER_LEASE LEASES_OF ("other.svc", "i-3", "2023-11-14 22:13:20.000", "20000")
#define THIRD_LEASE LEASES_OF ("third.svc", "i-4", "2023-11-14 22:13:20.000", "20000")
#define ALL_LEASES HELLO_LEASE "," OTHER_LEASE "," THIRD_LEASE

#define REGISTER "/api/registry/register.json"
#define HEARTBEAT "/api/registry/heartbeat.json"
#define UNREGISTER "/api/registry/unregister.json"
#define LOOKUP_PATH "/api/discovery/lookup.json"
#define SERVICE_PATH "/api/discovery/service.json"
#define SERVICES_PATH "/api/discovery/services.json"
#define DELTA_PATH "/api/discovery/services-delta.json"
#define LEASES_PATH "/api/status/leases.json"
#define LEGACY_LEASES_PATH "/api/status/legacy-leases.json"
#define NODE_PATH "/api/status/node.json"
#define CONFIG_PATH "/api/status/config.json"
#define CONNECTIONS_PATH "/api/status/message/connections.json"

static const char *const registry_paths[] = { REGISTER, HEARTBEAT, UNREGISTER };

/* ---- helpers ----------------------------------------------------------- */

static GBytes *
json_bytes (const char *text)
{
	g_autofree char *converted = artemis_test_json (text);

	return artemis_test_bytes (converted);
}

static ArtemisTestResponse *
post (ArtemisTestServer *server, const char *path, const char *body)
{
	g_autofree char *converted = artemis_test_json (body);

	return artemis_test_post_json (server->port, path, converted);
}

/* CORS is off unless [security] cors-origins says otherwise (test-security covers it on). */
static void
assert_cors (ArtemisTestResponse *response)
{
	SoupMessageHeaders *got = response->headers;

	g_assert_null (soup_message_headers_get_one (got, "Access-Control-Allow-Origin"));
	g_assert_null (soup_message_headers_get_one (got, "Access-Control-Expose-Headers"));
	g_assert_null (soup_message_headers_get_one (got, "Access-Control-Allow-Credentials"));
}

/* Status, Content-Type, CORS, identity encoding and the exact body. */
static void
assert_json (ArtemisTestResponse *response, guint status, const char *expected)
{
	g_autofree char *converted = artemis_test_json (expected);

	g_assert_cmpstr (response->text, ==, converted);
	g_assert_cmpuint (response->status, ==, status);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
	g_assert_null (artemis_test_response_get_header (response, "Content-Encoding"));
	assert_cors (response);
}

static void
assert_post (ArtemisTestServer *server, const char *path, const char *body, const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = post (server, path, body);

	assert_json (response, SOUP_STATUS_OK, expected);
}

static void
assert_get (ArtemisTestServer *server, const char *path, guint status, const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_get (server->port, path);

	assert_json (response, status, expected);
}

/* The expected body holds the port (%u) of @server. */
static void
assert_get_with_port (ArtemisTestServer *server, const char *path, const char *format)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_get (server->port, path);
	g_autofree char *expected = g_strdup_printf (format, server->port);

	assert_json (response, SOUP_STATUS_OK, expected);
}

static void
assert_post_with_port (ArtemisTestServer *server, const char *path, const char *body,
		       const char *format)
{
	g_autoptr (ArtemisTestResponse) response = post (server, path, body);
	g_autofree char *expected = g_strdup_printf (format, server->port);

	assert_json (response, SOUP_STATUS_OK, expected);
}

/* Every status endpoint answers GET and POST `{}` alike. */
static void
assert_get_and_post (ArtemisTestServer *server, const char *path, const char *format)
{
	assert_get_with_port (server, path, format);
	assert_post_with_port (server, path, "{}", format);
}

static void
register_ok (ArtemisTestServer *server, const char *instances)
{
	g_autofree char *body = g_strconcat ("{'instances':[", instances, "]}", NULL);

	assert_post (server, REGISTER, body, REGISTRY_OK);
}

/* A lookup of @service_id as the Java client does it must give exactly @service. */
static void
assert_lookup (ArtemisTestServer *server, const char *service_id, const char *service)
{
	g_autofree char *body = g_strdup_printf (LOOKUP (CONFIG ("'%s'")), service_id);
	g_autofree char *expected = g_strdup_printf (SERVICES_OK ("%s"), service);

	assert_post (server, LOOKUP_PATH, body, expected);
}

/* ---- registry ---------------------------------------------------------- */

#define MOVED_I1 INSTANCE ("'i-1'", "'SHA'", "'demo.hello'", "'SHA-Z1'", "'http://h:9/'")

static void
test_register (ArtemisTestServer *server, gconstpointer data)
{
	/* Protocol §3.1's example request, with I1. */
	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));

	/* A re-registration replaces the payload. */
	assert_post (server, REGISTER, INSTANCES (MOVED_I1), REGISTRY_OK);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", MOVED_I1));
}

/* Region and zone are compared ignoring case (protocol §1.6). */
static void
test_register_case (ArtemisTestServer *server, gconstpointer data)
{
	assert_post (server, REGISTER, INSTANCES (I1_AT ("'sha'", "'sha-z1'")), REGISTRY_OK);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1_AT ("'sha'", "'sha-z1'")));
}

#define BLANK_SERVICE INSTANCE ("'i-1'", "'SHA'", "' '", "'SHA-Z1'", HELLO_URL)
#define NULL_INSTANCE_ID INSTANCE ("null", "'SHA'", "'demo.hello'", "'SHA-Z1'", HELLO_URL)
#define BLANK_URL INSTANCE ("'i-3'", "'SHA'", "'demo.hello'", "'SHA-Z1'", "''")

/* Per-instance validation; the valid instance of the batch is still registered (protocol §5.2). */
static void
test_register_invalid (ArtemisTestServer *server, gconstpointer data)
{
	assert_post (server, REGISTER,
		     INSTANCES (BLANK_SERVICE "," NULL_INSTANCE_ID "," BLANK_URL "," I2),
		     REGISTRY_FAILED (
			     INVALID ("sha/sha-z1/ /i-1", "serviceId", BLANK_SERVICE) ","
			     INVALID ("sha/sha-z1/demo.hello/null", "instanceId",
				      NULL_INSTANCE_ID) ","
			     INVALID ("sha/sha-z1/demo.hello/i-3", "url", BLANK_URL)));
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I2));
}

static void
test_heartbeat (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	server->now_ms += 1000;
	assert_post (server, HEARTBEAT, INSTANCES (I1), REGISTRY_OK);
	/* Only the renewal time moved. */
	assert_get (server, LEASES_PATH, SOUP_STATUS_OK, LEASES ("1", "1", HELLO_LEASE));
}

static void
test_heartbeat_unknown (ArtemisTestServer *server, gconstpointer data)
{
	assert_post (server, HEARTBEAT, INSTANCES (I1), I1_NOT_EXISTING);
	/* A heartbeat never registers. */
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ));
}

/* An expired lease is not renewed; it stays visible until the sweep (protocol §5.3). */
static void
test_heartbeat_expired (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	/* Not before the TTL, on the registry's clock. */
	server->now_ms += 19999;
	g_assert_cmpuint (artemis_registry_clean (artemis_daemon_get_registry (server->daemon)), ==, 0);
	server->now_ms += 2;
	assert_post (server, HEARTBEAT, INSTANCES (I1), I1_NOT_EXISTING);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
	g_assert_cmpuint (artemis_registry_clean (artemis_daemon_get_registry (server->daemon)), ==, 1);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ));

	/* The client's answer to data-not-found: register again. */
	register_ok (server, I1);
	assert_post (server, HEARTBEAT, INSTANCES (I1), REGISTRY_OK);
}

static void
test_unregister (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1 "," I3);
	/* Removed at once (a documented deviation: Java waits for the next sweep). */
	assert_post (server, UNREGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ));
	assert_lookup (server, "other.svc", SERVICE ("other.svc", I3));

	/* Unknown instances are not an error. */
	assert_post (server, UNREGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_post (server, UNREGISTER, INSTANCES (I4), REGISTRY_OK);
	assert_post (server, HEARTBEAT, INSTANCES (I1), I1_NOT_EXISTING);
}

#define NRT_I1_REFUSED                                                                     \
	REGISTRY_FAILED (FAILED ("no-permission",                                         \
				 "nrt/sha-z1/demo.hello/i-1: " WRONG_REGION ("NRT"), NRT_I1))

static void
test_registry_wrong_region (ArtemisTestServer *server, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (registry_paths); i++) {
		assert_post (server, registry_paths[i], INSTANCES (NRT_I1), NRT_I1_REFUSED);
	}
	/* A missing region counts as different and prints as null. */
	assert_post (server, REGISTER, INSTANCES (I1_AT ("null", "'SHA-Z1'")),
		     REGISTRY_FAILED (FAILED ("no-permission",
					      "null/sha-z1/demo.hello/i-1: " WRONG_REGION ("null"),
					      I1_AT ("null", "'SHA-Z1'"))));
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ));
}

#define SPEC_Z2_INSTANCE                                                                      \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'10.0.0.6:8080','ip':'10.0.0.6'," \
	"'machineName':null,'metadata':null,'port':8080,'protocol':'http','regionId':'SHA',"  \
	"'serviceId':'demo.hello','status':'up','url':'http://10.0.0.6:8080/hello',"          \
	"'zoneId':'SHA-Z2'}"

static void
test_registry_wrong_zone (ArtemisTestServer *server, gconstpointer data)
{
	/* The example of protocol §3.1, verbatim. */
	assert_post (server, REGISTER, "{'instances':[" SPEC_Z2_INSTANCE "]}",
		     "{'failedInstances':[{'errorCode':'no-permission','errorMessage':"
		     "'sha/sha-z2/demo.hello/10.0.0.6:8080: zoneId is not the same as the registry "
		     "node. zoneId: SHA-Z2, registry node.zoneId: SHA-Z1',"
		     "'instance':" SPEC_Z2_INSTANCE "}],'responseStatus':{"
		     "'errorCode':'partial_fail','message':'','status':'partial_fail'}}");
	for (gsize i = 0; i < G_N_ELEMENTS (registry_paths); i++) {
		assert_post (server, registry_paths[i], INSTANCES (Z2_I1),
			     REGISTRY_FAILED (FAILED ("no-permission",
						      "sha/sha-z2/demo.hello/i-1: "
						      WRONG_ZONE ("SHA-Z2"),
						      Z2_I1)));
	}
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ));
}

static void
test_registry_empty (ArtemisTestServer *server, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (registry_paths); i++) {
		assert_post (server, registry_paths[i], "{'instances':[]}", EMPTY_REQUEST);
		assert_post (server, registry_paths[i], "{'instances':null}", EMPTY_REQUEST);
		assert_post (server, registry_paths[i], "{}", EMPTY_REQUEST);
		/* Null elements are skipped, which leaves nothing to fail. */
		assert_post (server, registry_paths[i], "{'instances':[null]}", REGISTRY_OK);
	}
}

static void
test_registry_null_body (ArtemisTestServer *server, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (registry_paths); i++) {
		g_autoptr (ArtemisTestResponse) response = post (server, registry_paths[i], "null");

		assert_json (response, SOUP_STATUS_BAD_REQUEST, MALFORMED ("request is null"));
	}
}

/* ---- discovery --------------------------------------------------------- */

static void
test_lookup (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1 "," I3);
	/* One entry per config, in order: known, unknown, blank and missing serviceId. */
	assert_post (server, LOOKUP_PATH,
		     LOOKUP (CONFIG ("'demo.hello'") "," CONFIG ("'unknown.svc'") ","
			     CONFIG ("''") ",{'regionId':'SHA'}," CONFIG ("'other.svc'")),
		     SERVICES_OK (SERVICE ("demo.hello", I1) "," SERVICE ("unknown.svc", ) ","
				  NULL_SERVICE ("''") "," NULL_SERVICE ("null") ","
				  SERVICE ("other.svc", I3)));
	/* Protocol §3.2's example request and response, with I1. */
	assert_post (server, LOOKUP_PATH,
		     "{'discoveryConfigs':[{'discoveryData':null,'regionId':null,"
		     "'serviceId':'demo.hello','zoneId':null}],'regionId':'SHA','zoneId':'SHA-Z1'}",
		     "{'responseStatus':{'errorCode':'success','message':'','status':'success'},"
		     "'services':[{'instances':[" I1 "],'logicInstances':[],'metadata':null,"
		     "'routeRules':[],'serviceId':'demo.hello'}]}");
}

/* A caller from elsewhere gets success with all-null entries (protocol §14.2 #3). */
static void
test_lookup_other_location (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	assert_post (server, LOOKUP_PATH,
		     LOOKUP_FROM ("NRT", "SHA-Z1", CONFIG ("'demo.hello'") "," CONFIG ("'x'")),
		     SERVICES_OK (NULL_SERVICE ("'demo.hello'") "," NULL_SERVICE ("'x'")));
	assert_post (server, LOOKUP_PATH, LOOKUP_FROM ("SHA", "SHA-Z2", CONFIG ("'demo.hello'")),
		     SERVICES_OK (NULL_SERVICE ("'demo.hello'")));
	assert_post (server, LOOKUP_PATH, "{'discoveryConfigs':[" CONFIG ("'demo.hello'") "]}",
		     SERVICES_OK (NULL_SERVICE ("'demo.hello'")));
	assert_post (server, LOOKUP_PATH, LOOKUP_FROM ("sha", "sha-z1", CONFIG ("'demo.hello'")),
		     SERVICES_OK (SERVICE ("demo.hello", I1)));
}

#define LOOKUP_THROWS \
	"{'responseStatus':" FAIL ("internal-service-error", "null") ",'services':null}"

static void
test_lookup_null_configs (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	assert_post (server, LOOKUP_PATH, "{'regionId':'SHA','zoneId':'SHA-Z1'}", LOOKUP_THROWS);
	assert_post (server, LOOKUP_PATH, "{'discoveryConfigs':null}", LOOKUP_THROWS);
	assert_post (server, LOOKUP_PATH, LOOKUP (CONFIG ("'demo.hello'") ",null"), LOOKUP_THROWS);
	/* An empty list is fine. */
	assert_post (server, LOOKUP_PATH, LOOKUP (), SERVICES_OK ());
}

static void
test_service_post (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	assert_post (server, SERVICE_PATH, SERVICE_REQUEST ("'demo.hello'", "SHA", "SHA-Z1"),
		     SERVICE_OK (SERVICE ("demo.hello", I1)));
	/* Unlike lookup, an unknown service comes back with null lists (protocol §7.5). */
	assert_post (server, SERVICE_PATH, SERVICE_REQUEST ("'unknown.svc'", "SHA", "SHA-Z1"),
		     SERVICE_OK (NULL_SERVICE ("'unknown.svc'")));
}

static void
test_service_get (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	assert_get (server, SERVICE_PATH "?serviceId=demo.hello&regionId=SHA&zoneId=SHA-Z1",
		    SOUP_STATUS_OK, SERVICE_OK (SERVICE ("demo.hello", I1)));
	assert_get (server, SERVICE_PATH "?serviceId=unknown.svc&regionId=SHA&zoneId=SHA-Z1",
		    SOUP_STATUS_OK, SERVICE_OK (NULL_SERVICE ("'unknown.svc'")));
	assert_get (server, SERVICE_PATH "?serviceId=demo.hello&regionId=SHA&zoneId=SHA-Z2",
		    SOUP_STATUS_OK, SERVICE_FAILED ("no-permission", WRONG_ZONE ("SHA-Z2")));
	assert_get (server, SERVICE_PATH "?regionId=SHA&zoneId=SHA-Z1", SOUP_STATUS_BAD_REQUEST,
		    STATUS_ONLY ("bad-request", "Required parameter `serviceId` is not present."));
}

#define NO_CONFIG \
	SERVICE_FAILED ("bad-request", "Request is null or request.discoveryConfig is null.")

static void
test_service_errors (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	assert_post (server, SERVICE_PATH, "{'regionId':'SHA','zoneId':'SHA-Z1'}", NO_CONFIG);
	assert_post (server, SERVICE_PATH, "{'discoveryConfig':null,'regionId':'SHA'}", NO_CONFIG);
	assert_post (server, SERVICE_PATH, SERVICE_REQUEST ("' '", "SHA", "SHA-Z1"), NO_CONFIG);
	assert_post (server, SERVICE_PATH, SERVICE_REQUEST ("'demo.hello'", "NRT", "SHA-Z1"),
		     SERVICE_FAILED ("no-permission", WRONG_REGION ("NRT")));
	assert_post (server, SERVICE_PATH, SERVICE_REQUEST ("'demo.hello'", "SHA", "SHA-Z2"),
		     SERVICE_FAILED ("no-permission", WRONG_ZONE ("SHA-Z2")));
}

#define TWO_SERVICES SERVICE ("demo.hello", I1) "," SERVICE ("other.svc", I3)

static void
test_services (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I3 "," I1);
	/* Before the first refresh: computed on the spot, version 0; region and zone ignored. */
	assert_post (server, SERVICES_PATH, "{'regionId':'NRT','zoneId':'X'}",
		     SNAPSHOT (TWO_SERVICES, "0"));
	assert_get (server, SERVICES_PATH, SOUP_STATUS_OK, SNAPSHOT (TWO_SERVICES, "0"));

	server->now_ms = ARTEMIS_TEST_EPOCH_MS + 60000;
	artemis_versioned_cache_refresh (artemis_daemon_get_versioned_cache (server->daemon));
	/* Later registrations wait for the next snapshot. */
	register_ok (server, I2);
	assert_post (server, SERVICES_PATH, "{}", SNAPSHOT (TWO_SERVICES, "1700000060000"));
	assert_get (server, SERVICES_PATH "?regionId=SHA&zoneId=SHA-Z1", SOUP_STATUS_OK,
		    SNAPSHOT (TWO_SERVICES, "1700000060000"));
}

static void
refresh_at (ArtemisTestServer *server, gint64 offset_ms)
{
	server->now_ms = ARTEMIS_TEST_EPOCH_MS + offset_ms;
	artemis_versioned_cache_refresh (artemis_daemon_get_versioned_cache (server->daemon));
}

static void
test_services_delta (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I1);
	assert_post (server, DELTA_PATH, "{'regionId':'SHA','zoneId':'SHA-Z1'}", DELTA_NOT_FOUND);
	assert_post (server, DELTA_PATH, "{'version':0}", DELTA_NOT_FOUND);

	refresh_at (server, 60000);
	/* The newest version has no delta (protocol §14.2 #2). */
	assert_post (server, DELTA_PATH, "{'version':1700000060000}", DELTA_NOT_FOUND);

	server->now_ms += 1000;
	register_ok (server, I2);
	refresh_at (server, 90000);
	assert_post (server, DELTA_PATH,
		     "{'regionId':'SHA','version':1700000060000,'zoneId':'SHA-Z1'}",
		     DELTA (CHANGES ("demo.hello", "1700000090000", "new", I2), "1700000090000"));
	assert_post (server, DELTA_PATH, "{'version':1700000090000}", DELTA_NOT_FOUND);
	assert_post (server, DELTA_PATH, "{'version':1700000060001}", DELTA_NOT_FOUND);

	server->now_ms = ARTEMIS_TEST_EPOCH_MS + 120000;
	assert_post (server, UNREGISTER, INSTANCES (I1), REGISTRY_OK);
	refresh_at (server, 120000);
	assert_post (server, DELTA_PATH, "{'version':1700000090000}",
		     DELTA (CHANGES ("demo.hello", "1700000120000", "delete", I1),
			    "1700000120000"));

	/* Three versions are kept (cache-count): a fourth evicts the oldest. */
	refresh_at (server, 150000);
	assert_post (server, DELTA_PATH, "{'version':1700000060000}", DELTA_NOT_FOUND);
	assert_post (server, DELTA_PATH, "{'version':1700000090000}",
		     DELTA (CHANGES ("demo.hello", "1700000150000", "delete", I1),
			    "1700000150000"));
	assert_post (server, DELTA_PATH, "{'version':1700000120000}", DELTA ("", "1700000150000"));
}

#define UNAVAILABLE(what)                                                                  \
	FAIL ("service-unavailable", "'Serivce " what " is not in up state. Current status: " \
				     "{ node: sha/sha-z1/" LOCAL_URL ", status: starting, "  \
				     "canServiceRegistry: null, canServiceDiscovery: null }'")

/* A node that is not up (protocol §10.3): registry and discovery refuse, lookup still succeeds. */
static void
test_not_up (ArtemisTestServer *server, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (registry_paths); i++) {
		assert_post_with_port (server, registry_paths[i], INSTANCES (I1),
				       "{'failedInstances':null,'responseStatus':"
				       UNAVAILABLE ("registry") "}");
	}
	assert_post (server, LOOKUP_PATH, LOOKUP (CONFIG ("'demo.hello'")),
		     SERVICES_OK (NULL_SERVICE ("'demo.hello'")));
	assert_post_with_port (server, SERVICE_PATH,
			       SERVICE_REQUEST ("'demo.hello'", "SHA", "SHA-Z1"),
			       "{'responseStatus':" UNAVAILABLE ("discovery") ",'service':null}");
	assert_get_with_port (server, SERVICES_PATH,
			      "{'responseStatus':" UNAVAILABLE ("discovery")
			      ",'services':null,'version':0}");
	assert_post_with_port (server, DELTA_PATH, "{'version':1}",
			       "{'delta':null,'responseStatus':" UNAVAILABLE ("discovery")
			       ",'version':0}");
	assert_get_with_port (server, NODE_PATH,
			      NODE_OK (NODE_STATUS ("false", "null", LOCAL_URL, "starting")));
}

/* With other-zone access allowed only the region is checked (protocol §5.2, §3.2). */
static void
test_other_zone_allowed (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, Z2_I1);
	assert_post (server, LOOKUP_PATH, LOOKUP_FROM ("SHA", "SHA-Z9", CONFIG ("'demo.hello'")),
		     SERVICES_OK (SERVICE ("demo.hello", Z2_I1)));
	assert_post (server, SERVICE_PATH, SERVICE_REQUEST ("'demo.hello'", "SHA", "SHA-Z9"),
		     SERVICE_OK (SERVICE ("demo.hello", Z2_I1)));
	assert_post (server, REGISTER, INSTANCES (NRT_I1), NRT_I1_REFUSED);
	assert_post (server, LOOKUP_PATH, LOOKUP_FROM ("NRT", "SHA-Z1", CONFIG ("'demo.hello'")),
		     SERVICES_OK (NULL_SERVICE ("'demo.hello'")));
	assert_get_with_port (server, NODE_PATH,
			      NODE_OK (NODE_STATUS ("true", "true", LOCAL_URL, "up")));
}

/* ---- status ------------------------------------------------------------ */

static void
test_status_node (ArtemisTestServer *server, gconstpointer data)
{
	assert_get_and_post (server, NODE_PATH, NODE_OK (UP_NODE (LOCAL_URL)));
}

static void
test_status_cluster (ArtemisTestServer *server, gconstpointer data)
{
	assert_get_and_post (server, "/api/status/cluster.json",
			     "{'nodeCount':1,'nodesStatus':[" UP_NODE (LOCAL_URL) "],"
			     "'responseStatus':" OK "}");
}

static void
test_status_leases (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, I4 "," I1 "," I3);
	server->now_ms += 1000;
	assert_post (server, HEARTBEAT, INSTANCES (I1), REGISTRY_OK);

	assert_post (server, LEASES_PATH, "{'serviceIds':['demo.hello']}",
		     LEASES ("1", "1", HELLO_LEASE));
	/* The filter is exact and case-sensitive (protocol §3.5). */
	assert_post (server, LEASES_PATH, "{'serviceIds':['DEMO.HELLO','nothing']}",
		     LEASES ("0", "1", ));
	assert_get (server, LEASES_PATH "?appIds=demo.hello,third.svc", SOUP_STATUS_OK,
		    LEASES ("2", "1", HELLO_LEASE "," THIRD_LEASE));
	assert_get (server, LEASES_PATH "?appIds=third.svc&appIds=demo.hello", SOUP_STATUS_OK,
		    LEASES ("2", "1", HELLO_LEASE "," THIRD_LEASE));
	assert_get (server, LEASES_PATH, SOUP_STATUS_OK, LEASES ("3", "1", ALL_LEASES));
	assert_post (server, LEASES_PATH, "{}", LEASES ("3", "1", ALL_LEASES));
}

/* `metadata.java_registry` selects the legacy pool, for heartbeats too (protocol §5.1). */
static void
test_status_legacy_leases (ArtemisTestServer *server, gconstpointer data)
{
	register_ok (server, LEGACY_I1 "," I3);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", LEGACY_I1));
	assert_get (server, LEGACY_LEASES_PATH "?appIds=demo.hello", SOUP_STATUS_OK,
		    LEASES ("1", "0",
			    LEASES_OF ("demo.hello", "i-1", "2023-11-14 22:13:20.000", "90000")));
	assert_post (server, LEGACY_LEASES_PATH, "{'serviceIds':['other.svc']}",
		     LEASES ("0", "0", ));
	assert_get (server, LEASES_PATH, SOUP_STATUS_OK, LEASES ("1", "0", OTHER_LEASE));

	assert_post (server, HEARTBEAT, INSTANCES (I1), I1_NOT_EXISTING);
	assert_post (server, HEARTBEAT, INSTANCES (LEGACY_I1), REGISTRY_OK);
}

/* The properties map: `{ key: K, value: V, typedValue: V }` per key, sorted by key. */
static void
assert_properties (JsonObject *properties)
{
	g_autoptr (GList) names = json_object_get_members (properties);
	const char *previous = NULL;

	g_assert_cmpuint (g_list_length (names), >=, 20);
	for (GList *l = names; l != NULL; l = l->next) {
		const char *name = l->data;
		const char *value = json_object_get_string_member (properties, name);
		g_autofree char *prefix = g_strdup_printf ("{ key: %s, value: ", name);

		if (previous != NULL)
			g_assert_cmpint (strcmp (previous, name), <, 0);
		g_assert_true (g_str_has_prefix (value, prefix));
		previous = name;
	}
	g_assert_cmpstr (json_object_get_string_member (properties, "deployment.region-id"), ==,
			 "{ key: deployment.region-id, value: SHA, typedValue: SHA }");
	g_assert_cmpstr (json_object_get_string_member (properties, "lease.ttl"), ==,
			 "{ key: lease.ttl, value: 20000, typedValue: 20000 }");
	g_assert_cmpstr (json_object_get_string_member (properties, "server.max-body-size"), ==,
			 "{ key: server.max-body-size, value: 4194304, typedValue: 4194304 }");
}

static void
assert_config_response (ArtemisTestResponse *response)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autoptr (GError) error = NULL;
	g_autofree char *tail =
		artemis_test_json (",'responseStatus':" OK ",'sources':{'defaults':0}}");
	JsonObject *root;

	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
	assert_cors (response);
	g_assert_true (g_str_has_prefix (response->text, "{\"properties\":{\""));
	g_assert_true (g_str_has_suffix (response->text, tail));
	json_parser_load_from_data (parser, response->text, -1, &error);
	g_assert_no_error (error);
	root = json_node_get_object (json_parser_get_root (parser));
	g_assert_cmpuint (json_object_get_size (root), ==, 3);
	assert_properties (json_object_get_object_member (root, "properties"));
}

static void
test_status_config (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) got = artemis_test_get (server->port, CONFIG_PATH);
	g_autoptr (ArtemisTestResponse) posted = post (server, CONFIG_PATH, "{}");

	assert_config_response (got);
	assert_config_response (posted);
	g_assert_cmpstr (got->text, ==, posted->text);
}

#define PROPERTY(name, value)                                            \
	"'deployment." name "':'{ key: deployment." name ", value: " value \
	", typedValue: " value " }'"

static void
test_status_deployment (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *format = g_strdup_printf (
		"{'appId':'artemis','ip':'127.0.0.1','machineName':'%s','path':null,'port':%%u,"
		"'properties':{" PROPERTY ("app-id", "artemis") "," PROPERTY ("node-url", "") ","
		PROPERTY ("region-id", "SHA") "," PROPERTY ("zone-id", "SHA-Z1") "},"
		"'protocol':'http','regionId':'SHA','responseStatus':" OK ","
		"'sources':{'defaults':0},'zoneId':'SHA-Z1'}",
		g_get_host_name ());

	assert_get_and_post (server, "/api/status/deployment.json", format);
}

/* A bare map of strings, without responseStatus (protocol §3.5). */
static void
test_status_connections (ArtemisTestServer *server, gconstpointer data)
{
	assert_get_and_post (server, CONNECTIONS_PATH, "{'registry':'0','discovery':'0'}");
}

static void
test_status_bad_body (ArtemisTestServer *server, gconstpointer data)
{
	static const char *const paths[] = {
		NODE_PATH,
		"/api/status/cluster.json",
		LEASES_PATH,
		LEGACY_LEASES_PATH,
		CONFIG_PATH,
		"/api/status/deployment.json",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
		g_autoptr (ArtemisTestResponse) response = post (server, paths[i], "null");

		assert_json (response, SOUP_STATUS_BAD_REQUEST, MALFORMED ("request is null"));
	}
}

/* ---- transport --------------------------------------------------------- */

static void
post_compressed (ArtemisTestServer *server, GZlibCompressorFormat format, const char *encoding)
{
	g_autoptr (GBytes) plain = json_bytes (INSTANCES (I1));
	g_autoptr (GBytes) body = artemis_test_compress (format, plain);
	const char *const headers[] = { "Content-Encoding", encoding, NULL };
	g_autoptr (ArtemisTestResponse) response = artemis_test_http (
		server->port, "POST", REGISTER, "application/json;charset=UTF-8", body, headers);

	assert_json (response, SOUP_STATUS_OK, REGISTRY_OK);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
}

/* Every Java client gzips its request bodies (protocol §14.1 #1). */
static void
test_gzip_body (ArtemisTestServer *server, gconstpointer data)
{
	post_compressed (server, G_ZLIB_COMPRESSOR_FORMAT_GZIP, "gzip");
}

static void
test_deflate_body (ArtemisTestServer *server, gconstpointer data)
{
	post_compressed (server, G_ZLIB_COMPRESSOR_FORMAT_ZLIB, "deflate");
}

#define JSON_HEADER "Content-Type: application/json\r\n"

static void
test_chunked_body (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (GBytes) body = json_bytes (INSTANCES (I1));
	g_autoptr (GBytes) request = artemis_test_build_request (
		"POST", REGISTER, JSON_HEADER "Connection: close\r\n", body, 7);
	g_autoptr (ArtemisTestResponse) response = artemis_test_raw_request (server->port, request);

	assert_json (response, SOUP_STATUS_OK, REGISTRY_OK);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
}

static void
test_expect_continue (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (GBytes) body = json_bytes (INSTANCES (I1));
	g_autofree char *headers =
		g_strdup_printf (JSON_HEADER "Expect: 100-continue\r\nConnection: close\r\n"
					     "Content-Length: %" G_GSIZE_FORMAT "\r\n",
				 g_bytes_get_size (body));
	g_autoptr (GBytes) head = artemis_test_build_request ("POST", REGISTER, headers, NULL, 0);
	g_autoptr (ArtemisTestConnection) connection = artemis_test_connection_new (server->port);
	g_autoptr (ArtemisTestResponse) interim = NULL;
	g_autoptr (ArtemisTestResponse) response = NULL;

	g_assert_true (artemis_test_connection_send (connection, head));
	interim = artemis_test_connection_read_response (connection);
	g_assert_nonnull (interim);
	g_assert_cmpuint (interim->status, ==, SOUP_STATUS_CONTINUE);
	g_assert_true (artemis_test_connection_send (connection, body));
	response = artemis_test_connection_read_response (connection);
	g_assert_nonnull (response);
	assert_json (response, SOUP_STATUS_OK, REGISTRY_OK);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
}

static void
test_keep_alive (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (GBytes) register_body = json_bytes (INSTANCES (I1));
	g_autoptr (GBytes) lookup_body = json_bytes (LOOKUP (CONFIG ("'demo.hello'")));
	g_autoptr (GBytes) first =
		artemis_test_build_request ("POST", REGISTER, JSON_HEADER, register_body, 0);
	g_autoptr (GBytes) second = artemis_test_build_request (
		"POST", LOOKUP_PATH, JSON_HEADER "Connection: close\r\n", lookup_body, 0);
	g_autoptr (ArtemisTestConnection) connection = artemis_test_connection_new (server->port);
	g_autoptr (ArtemisTestResponse) first_response = NULL;
	g_autoptr (ArtemisTestResponse) second_response = NULL;

	g_assert_true (artemis_test_connection_send (connection, first));
	first_response = artemis_test_connection_read_response (connection);
	g_assert_nonnull (first_response);
	assert_json (first_response, SOUP_STATUS_OK, REGISTRY_OK);
	g_assert_false (soup_message_headers_header_contains (first_response->headers, "Connection",
							      "close"));

	g_assert_true (artemis_test_connection_send (connection, second));
	second_response = artemis_test_connection_read_response (connection);
	g_assert_nonnull (second_response);
	assert_json (second_response, SOUP_STATUS_OK, SERVICES_OK (SERVICE ("demo.hello", I1)));
	g_assert_true (artemis_test_connection_read_eof (connection));
}

#define FOUR_SERVICES                                                                \
	SERVICE ("demo.hello", I1) "," SERVICE ("other.svc", I3) "," \
	SERVICE ("third.svc", I4) "," SERVICE ("zeta.svc", I5)

static void
test_response_gzip (ArtemisTestServer *server, gconstpointer data)
{
	const char *const gzip[] = { "Accept-Encoding", "gzip", NULL };
	const char *const apache[] = { "Accept-Encoding", "gzip,deflate", NULL };
	g_autoptr (ArtemisTestResponse) identity = NULL;
	g_autoptr (ArtemisTestResponse) compressed = NULL;
	g_autoptr (ArtemisTestResponse) apache_response = NULL;
	g_autoptr (ArtemisTestResponse) small = NULL;
	g_autoptr (GBytes) inflated = NULL;

	register_ok (server, I1 "," I3 "," I4 "," I5);
	identity = artemis_test_get (server->port, SERVICES_PATH);
	assert_json (identity, SOUP_STATUS_OK, SNAPSHOT (FOUR_SERVICES, "0"));
	g_assert_cmpuint (g_bytes_get_size (identity->body), >=, 1024);

	compressed = artemis_test_http (server->port, "GET", SERVICES_PATH, NULL, NULL, gzip);
	g_assert_cmpuint (compressed->status, ==, SOUP_STATUS_OK);
	g_assert_cmpstr (artemis_test_response_get_header (compressed, "Content-Encoding"), ==,
			 "gzip");
	g_assert_cmpstr (artemis_test_response_get_header (compressed, "Content-Type"), ==,
			 "application/json;charset=UTF-8");
	assert_cors (compressed);
	g_assert_cmpuint (g_bytes_get_size (compressed->body), <,
			  g_bytes_get_size (identity->body));
	inflated = artemis_test_decompress (G_ZLIB_COMPRESSOR_FORMAT_GZIP, compressed->body);
	g_assert_true (g_bytes_equal (inflated, identity->body));

	apache_response =
		artemis_test_http (server->port, "GET", SERVICES_PATH, NULL, NULL, apache);
	g_assert_cmpstr (artemis_test_response_get_header (apache_response, "Content-Encoding"), ==,
			 "gzip");

	/* Under 1 KiB the body goes as it is. */
	small = artemis_test_http (server->port, "GET", CONNECTIONS_PATH, NULL, NULL, gzip);
	assert_json (small, SOUP_STATUS_OK, "{'registry':'0','discovery':'0'}");
}

/* Without CORS a pre-flight is answered, and allows nothing. */
static void
assert_preflight (ArtemisTestResponse *response)
{
	SoupMessageHeaders *got = response->headers;

	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
	assert_cors (response);
	g_assert_null (soup_message_headers_get_one (got, "Access-Control-Allow-Methods"));
	g_assert_null (soup_message_headers_get_one (got, "Access-Control-Allow-Headers"));
	g_assert_null (soup_message_headers_get_one (got, "Access-Control-Max-Age"));
}

static void
test_options (ArtemisTestServer *server, gconstpointer data)
{
	const char *const request_headers[] = {
		"Origin", "http://console.example",
		"Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "content-type,content-encoding",
		NULL,
	};
	g_autoptr (GBytes) body = json_bytes (INSTANCES (I1));
	g_autoptr (ArtemisTestResponse) preflight = NULL;
	g_autoptr (ArtemisTestResponse) bare = NULL;

	/* The handler does not run: the body registers nothing. */
	preflight = artemis_test_http (server->port, "OPTIONS", REGISTER, "application/json", body,
				       request_headers);
	assert_preflight (preflight);
	bare = artemis_test_http (server->port, "OPTIONS", NODE_PATH, NULL, NULL, NULL);
	assert_preflight (bare);
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", ));
}

static void
test_context_path (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) outside = NULL;

	assert_post (server, "/artemis-service" REGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_post (server, "/artemis-service" LOOKUP_PATH, LOOKUP (CONFIG ("'demo.hello'")),
		     SERVICES_OK (SERVICE ("demo.hello", I1)));
	assert_get_with_port (server, "/artemis-service" NODE_PATH,
			      NODE_OK (UP_NODE (LOCAL_URL "artemis-service/")));

	assert_get (server, NODE_PATH, SOUP_STATUS_NOT_FOUND,
		    STATUS_ONLY ("data-not-found", "No endpoint at " NODE_PATH));
	assert_get (server, "/artemis-serviceX" NODE_PATH, SOUP_STATUS_NOT_FOUND,
		    STATUS_ONLY ("data-not-found", "No endpoint at /artemis-serviceX" NODE_PATH));
	outside = post (server, LOOKUP_PATH, LOOKUP (CONFIG ("'demo.hello'")));
	assert_json (outside, SOUP_STATUS_NOT_FOUND,
		     STATUS_ONLY ("data-not-found", "No endpoint at " LOOKUP_PATH));
}

/* Spring also matches `…/register.json/`. */
static void
test_trailing_slash (ArtemisTestServer *server, gconstpointer data)
{
	assert_post (server, REGISTER "/", INSTANCES (I1), REGISTRY_OK);
	assert_post (server, LOOKUP_PATH "/", LOOKUP (CONFIG ("'demo.hello'")),
		     SERVICES_OK (SERVICE ("demo.hello", I1)));
	assert_get_with_port (server, NODE_PATH "/", NODE_OK (UP_NODE (LOCAL_URL)));
}

/* @depth nested arrays inside the request object, before the instances. */
static GBytes *
nested_body (guint depth, const char *instance)
{
	g_autoptr (GString) text = g_string_new ("{\"x\":");
	g_autofree char *rest = NULL;

	for (guint i = 0; i < depth; i++)
		g_string_append_c (text, '[');
	for (guint i = 0; i < depth; i++)
		g_string_append_c (text, ']');
	rest = g_strdup_printf (",'instances':[%s]}", instance);
	g_string_append (text, rest);
	return json_bytes (text->str);
}

/* Nesting up to the limit (64 levels, the request object included) is fine. */
static void
test_deep_enough (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (GBytes) body = nested_body (63, I1);
	g_autoptr (ArtemisTestResponse) response =
		artemis_test_http (server->port, "POST", REGISTER, "application/json", body, NULL);

	assert_json (response, SOUP_STATUS_OK, REGISTRY_OK);
}

/* ---- bad input --------------------------------------------------------- */

/*
 * Each case sends one bad request over a raw socket to a server that holds
 * I1 (and a body limit of 2048 bytes); the request would register I2. The
 * answer must be the exact JSON error, and afterwards the registry must
 * still hold exactly I1 and answer.
 */
typedef struct {
	const char *name;
	const char *method;  /* NULL: POST */
	const char *path;    /* NULL: register.json */
	const char *headers; /* NULL: Content-Type: application/json */
	const char *body;    /* test JSON (' for "), or NULL */
	GBytes *(*make_body) (void);
	gsize chunk_size;
	guint status;
	gboolean closes; /* the server closes the connection after answering */
	const char *expected;
	const char *allow;
} BadInput;

static GBytes *
make_plain_body (void)
{
	return json_bytes (INSTANCES (I2));
}

static GBytes *
make_truncated_gzip (void)
{
	g_autoptr (GBytes) plain = make_plain_body ();
	g_autoptr (GBytes) gzip = artemis_test_compress (G_ZLIB_COMPRESSOR_FORMAT_GZIP, plain);

	return g_bytes_new_from_bytes (gzip, 0, g_bytes_get_size (gzip) - 8);
}

/* I2 followed by white space up to @total bytes. */
static GBytes *
padded_body (gsize total)
{
	g_autofree char *text = artemis_test_json (INSTANCES (I2));
	gsize len = strlen (text);
	char *data;

	g_assert_cmpuint (total, >=, len);
	data = g_malloc (total);
	memcpy (data, text, len);
	memset (data + len, ' ', total - len);
	return g_bytes_new_take (data, total);
}

static GBytes *
make_large_body (void)
{
	return padded_body (3000);
}

/* 1 MiB of white space inflated from about 1 KiB. */
static GBytes *
make_gzip_bomb (void)
{
	g_autoptr (GBytes) plain = padded_body (1024 * 1024);
	GBytes *gzip = artemis_test_compress (G_ZLIB_COMPRESSOR_FORMAT_GZIP, plain);

	g_assert_cmpuint (g_bytes_get_size (gzip), <, 2048);
	return gzip;
}

/* One level too deep. */
static GBytes *
make_deep_body (void)
{
	return nested_body (64, I2);
}

#define GZIP_HEADERS JSON_HEADER "Content-Encoding: gzip\r\n"
#define WRONG_METHOD(method) \
	STATUS_ONLY ("bad-request", "Request method `" method "` not supported")
#define BAD_GZIP(reason) STATUS_ONLY ("bad-request", "Request body is not valid gzip data: " reason)
#define NOT_JSON STATUS_ONLY ("bad-request", "Content-Type must be application/json.")
#define I2_WITHOUT_URL                                                                        \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'i-2','ip':null,'machineName':null," \
	"'metadata':null,'port':0,'protocol':null,'regionId':'SHA','serviceId':'demo.hello',"    \
	"'status':null,'url':null,'zoneId':'SHA-Z1'}"

static const BadInput bad_inputs[] = {
	{ "truncated-json", .body = "{'instances':[" I2, .status = 400,
	  .expected = MALFORMED ("instances: Invalid JSON at byte 264: unexpected end of input, "
				 "unterminated array") },
	{ "trailing-garbage", .body = INSTANCES (I2) " x", .status = 400,
	  .expected = MALFORMED ("Invalid JSON at byte 267: unexpected data after the top-level "
				 "value") },
	{ "trailing-comma", .body = "{'instances':[" I2 ",]}", .status = 400,
	  .expected = MALFORMED ("instances: Invalid JSON at byte 265: trailing comma in array") },
	{ "port-object", .status = 400,
	  .body = "{'instances':[{'instanceId':'i-2','port':{},'serviceId':'demo.hello',"
		  "'url':'u'}]}",
	  .expected = MALFORMED ("instances: port: Invalid value at byte 41: expected an integer, "
				 "found an object") },
	{ "instances-string", .body = "{'instances':'i-2'}", .status = 400,
	  .expected = MALFORMED ("instances: Invalid value at byte 13: expected an array, "
				 "found a string") },
	{ "lookup-configs-object", .path = LOOKUP_PATH, .body = "{'discoveryConfigs':{}}",
	  .status = 400,
	  .expected = MALFORMED ("discoveryConfigs: Invalid value at byte 20: expected an array, "
				 "found an object") },
	{ "delta-version-word", .path = DELTA_PATH, .body = "{'version':'latest'}", .status = 400,
	  .expected = MALFORMED ("version: Invalid value at byte 11: expected an integer, "
				 "found a string") },
	{ "missing-url", .status = 200,
	  .body = "{'instances':[{'instanceId':'i-2','regionId':'SHA','serviceId':'demo.hello',"
		  "'zoneId':'SHA-Z1'}]}",
	  .expected =
		  REGISTRY_FAILED (INVALID ("sha/sha-z1/demo.hello/i-2", "url", I2_WITHOUT_URL)) },
	{ "empty-instances", .body = "{'instances':[]}", .status = 200, .expected = EMPTY_REQUEST },
	{ "literal-null", .body = "null", .status = 400,
	  .expected = MALFORMED ("request is null") },
	{ "empty-body", .body = "", .status = 400,
	  .expected = STATUS_ONLY ("bad-request", "Required request body is missing.") },
	{ "invalid-utf8", .status = 400,
	  .body = "{'instances':[{'instanceId':'i-2','machineName':'app-\xff',"
		  "'serviceId':'demo.hello'}]}",
	  .expected = MALFORMED ("instances: machineName: Invalid JSON at byte 53: "
				 "invalid UTF-8") },
	{ "nul-in-string", .status = 400,
	  .body = "{'instances':[{'instanceId':'i-2','serviceId':'demo\\u0000hello','url':'u'}]}",
	  .expected = MALFORMED ("instances: serviceId: strings must not contain NUL characters") },
	{ "gzip-not-gzip", .headers = GZIP_HEADERS, .make_body = make_plain_body, .status = 400,
	  .expected = BAD_GZIP ("Invalid compressed data") },
	{ "truncated-gzip", .headers = GZIP_HEADERS, .make_body = make_truncated_gzip,
	  .status = 400,
	  .expected = BAD_GZIP ("Need more input") },
	{ "too-large-length", .make_body = make_large_body, .status = 413, .closes = TRUE,
	  .expected = TOO_LARGE ("") },
	/* With Expect: 100-continue the answer comes before the body. */
	{ "too-large-expect",
	  .headers = JSON_HEADER "Expect: 100-continue\r\nContent-Length: 3000\r\n",
	  .status = 413, .closes = TRUE, .expected = TOO_LARGE ("") },
	{ "too-large-chunked", .make_body = make_large_body, .chunk_size = 500, .status = 413,
	  .closes = TRUE, .expected = TOO_LARGE ("") },
	{ "gzip-bomb", .headers = GZIP_HEADERS, .make_body = make_gzip_bomb, .status = 413,
	  .expected = TOO_LARGE (" after decompression") },
	{ "unsupported-encoding", .headers = JSON_HEADER "Content-Encoding: br\r\n",
	  .make_body = make_plain_body, .status = 415,
	  .expected = STATUS_ONLY ("bad-request", "Content-Encoding `br` is not supported") },
	{ "wrong-content-type", .headers = "Content-Type: text/plain\r\n",
	  .make_body = make_plain_body, .status = 415, .expected = NOT_JSON },
	{ "missing-content-type", .headers = "", .make_body = make_plain_body, .status = 415,
	  .expected = NOT_JSON },
	{ "unknown-path", .path = "/api/registry/nothing.json", .make_body = make_plain_body,
	  .status = 404,
	  .expected = STATUS_ONLY ("data-not-found", "No endpoint at /api/registry/nothing.json") },
	{ "wrong-method", .method = "GET", .headers = "", .status = 405, .allow = "POST, OPTIONS",
	  .expected = WRONG_METHOD ("GET") },
	{ "wrong-method-get-post", .method = "PUT", .path = SERVICE_PATH,
	  .make_body = make_plain_body, .status = 405, .allow = "GET, POST, OPTIONS",
	  .expected = WRONG_METHOD ("PUT") },
	{ "too-deep", .make_body = make_deep_body, .status = 400,
	  .expected = MALFORMED ("Invalid JSON at byte 68: nesting deeper than 64 levels") },
};

static GBytes *
bad_input_request (const BadInput *input)
{
	g_autoptr (GBytes) body = NULL;

	if (input->make_body != NULL)
		body = input->make_body ();
	else if (input->body != NULL)
		body = json_bytes (input->body);
	return artemis_test_build_request (input->method != NULL ? input->method : "POST",
					   input->path != NULL ? input->path : REGISTER,
					   input->headers != NULL ? input->headers : JSON_HEADER,
					   body, input->chunk_size);
}

static void
setup_with_i1 (ArtemisTestServer *server, gconstpointer data)
{
	artemis_test_server_setup (server, limit_config);
	register_ok (server, I1);
}

static void
test_bad_input (ArtemisTestServer *server, gconstpointer data)
{
	const BadInput *input = data;
	g_autoptr (GBytes) request = bad_input_request (input);
	g_autoptr (ArtemisTestConnection) connection = artemis_test_connection_new (server->port);
	g_autoptr (ArtemisTestResponse) response = NULL;

	g_assert_true (artemis_test_connection_send (connection, request));
	response = artemis_test_connection_read_response (connection);
	g_assert_nonnull (response);
	assert_json (response, input->status, input->expected);
	g_assert_cmpstr (artemis_test_response_get_header (response, "Allow"), ==, input->allow);
	if (input->closes) {
		SoupMessageHeaders *got = response->headers;

		g_assert_true (soup_message_headers_header_contains (got, "Connection", "close"));
		g_assert_true (artemis_test_connection_read_eof (connection));
	}

	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I1));
}

/* The limits are inclusive: exactly 2048 bytes, plain, chunked or inflated, pass. */
static void
test_body_limit (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (GBytes) exact = padded_body (2048);
	g_autoptr (GBytes) gzip = artemis_test_compress (G_ZLIB_COMPRESSOR_FORMAT_GZIP, exact);
	g_autoptr (GBytes) over = padded_body (2049);
	g_autoptr (GBytes) gzip_over = artemis_test_compress (G_ZLIB_COMPRESSOR_FORMAT_GZIP, over);
	g_autoptr (GBytes) plain_request =
		artemis_test_build_request ("POST", REGISTER, JSON_HEADER, exact, 0);
	g_autoptr (GBytes) chunked_request =
		artemis_test_build_request ("POST", REGISTER, JSON_HEADER, exact, 100);
	g_autoptr (GBytes) gzip_request =
		artemis_test_build_request ("POST", REGISTER, GZIP_HEADERS, gzip, 0);
	g_autoptr (GBytes) gzip_over_request =
		artemis_test_build_request ("POST", REGISTER, GZIP_HEADERS, gzip_over, 0);
	g_autoptr (ArtemisTestResponse) refused = NULL;
	GBytes *accepted[] = { plain_request, chunked_request, gzip_request };

	for (gsize i = 0; i < G_N_ELEMENTS (accepted); i++) {
		g_autoptr (ArtemisTestResponse) response =
			artemis_test_raw_request (server->port, accepted[i]);

		assert_json (response, SOUP_STATUS_OK, REGISTRY_OK);
	}
	refused = artemis_test_raw_request (server->port, gzip_over_request);
	assert_json (refused, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
		     TOO_LARGE (" after decompression"));
	assert_lookup (server, "demo.hello", SERVICE ("demo.hello", I2));
}

/* Decoder errors name the field, once, and the outer one first. */
static void
test_error_field_names (ArtemisTestServer *server, gconstpointer data)
{
	static const struct {
		const char *path;
		const char *body;
		const char *expected;
	} cases[] = {
		{ SERVICES_PATH, "{'regionId':{}}",
		  MALFORMED ("regionId: Invalid value at byte 12: expected a string, "
			     "found an object") },
		{ SERVICE_PATH, "{'discoveryConfig':{'serviceId':[]}}",
		  MALFORMED ("discoveryConfig: serviceId: Invalid value at byte 32: "
			     "expected a string, found an array") },
		{ REGISTER, "{'instances':[{'metadata':{'a':[]}}]}",
		  MALFORMED ("instances: metadata: Invalid value at byte 31: "
			     "expected a string, found an array") },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (ArtemisTestResponse) response =
			post (server, cases[i].path, cases[i].body);

		assert_json (response, SOUP_STATUS_BAD_REQUEST, cases[i].expected);
	}
}

static void
add_test (const char *name, const char *config, void (*func) (ArtemisTestServer *, gconstpointer))
{
	g_autofree char *path = g_strconcat ("/artemis/api/", name, NULL);

	g_test_add (path, ArtemisTestServer, config, artemis_test_server_setup, func,
		    artemis_test_server_teardown);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	add_test ("registry/register", default_config, test_register);
	add_test ("registry/register-case", default_config, test_register_case);
	add_test ("registry/register-invalid", default_config, test_register_invalid);
	add_test ("registry/heartbeat", default_config, test_heartbeat);
	add_test ("registry/heartbeat-unknown", default_config, test_heartbeat_unknown);
	add_test ("registry/heartbeat-expired", default_config, test_heartbeat_expired);
	add_test ("registry/unregister", default_config, test_unregister);
	add_test ("registry/wrong-region", default_config, test_registry_wrong_region);
	add_test ("registry/wrong-zone", default_config, test_registry_wrong_zone);
	add_test ("registry/empty", default_config, test_registry_empty);
	add_test ("registry/null-body", default_config, test_registry_null_body);

	add_test ("discovery/lookup", default_config, test_lookup);
	add_test ("discovery/lookup-other-location", default_config, test_lookup_other_location);
	add_test ("discovery/lookup-null-configs", default_config, test_lookup_null_configs);
	add_test ("discovery/service-post", default_config, test_service_post);
	add_test ("discovery/service-get", default_config, test_service_get);
	add_test ("discovery/service-errors", default_config, test_service_errors);
	add_test ("discovery/services", default_config, test_services);
	add_test ("discovery/services-delta", default_config, test_services_delta);
	add_test ("discovery/not-up", not_up_config, test_not_up);
	add_test ("discovery/other-zone-allowed", other_zone_config, test_other_zone_allowed);

	add_test ("status/node", default_config, test_status_node);
	add_test ("status/cluster", default_config, test_status_cluster);
	add_test ("status/leases", default_config, test_status_leases);
	add_test ("status/legacy-leases", default_config, test_status_legacy_leases);
	add_test ("status/config", default_config, test_status_config);
	add_test ("status/deployment", default_config, test_status_deployment);
	add_test ("status/connections", default_config, test_status_connections);
	add_test ("status/bad-body", default_config, test_status_bad_body);

	add_test ("transport/gzip-body", default_config, test_gzip_body);
	add_test ("transport/deflate-body", default_config, test_deflate_body);
	add_test ("transport/chunked-body", default_config, test_chunked_body);
	add_test ("transport/expect-continue", default_config, test_expect_continue);
	add_test ("transport/keep-alive", default_config, test_keep_alive);
	add_test ("transport/response-gzip", default_config, test_response_gzip);
	add_test ("transport/options", default_config, test_options);
	add_test ("transport/context-path", context_config, test_context_path);
	add_test ("transport/trailing-slash", default_config, test_trailing_slash);
	add_test ("transport/deep-enough", default_config, test_deep_enough);

	add_test ("bad-input/body-limit", limit_config, test_body_limit);
	add_test ("bad-input/error-field-names", default_config, test_error_field_names);
	for (gsize i = 0; i < G_N_ELEMENTS (bad_inputs); i++) {
		g_autofree char *path =
			g_strconcat ("/artemis/api/bad-input/", bad_inputs[i].name, NULL);

		g_test_add (path, ArtemisTestServer, &bad_inputs[i], setup_with_i1, test_bad_input,
			    artemis_test_server_teardown);
	}
	return g_test_run ();
}
