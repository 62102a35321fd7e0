/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "artemis-test-utils.h"

/*
 * POST /api/discovery/route.json (an Artemis extension) against an
 * in-process server that loads the build tree's plugins (ARTEMIS_PLUGIN_DIR).
 * JSON is written with ' for ", see artemis_test_json().
 */

#define BASE_CONFIG                                                 \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"             \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char default_config[] = BASE_CONFIG;
static const char close_by_visit_config[] = BASE_CONFIG "default-route-strategy=Close-By-Visit\n";
static const char dummy_config[] = BASE_CONFIG "[plugins]\nfilters=dummy:x\n[plugin dummy:x]\nlabel=x\n";

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define FAIL(code, message) "{'errorCode':'" code "','message':'" message "','status':'fail'}"
#define ROUTE_FAILED(code, message) \
	"{'instances':null,'responseStatus':" FAIL (code, message) ",'routeId':null,'strategy':null}"
#define INSTANCE(id)                                                                              \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'" id "','ip':'10.0.0.5',"            \
	"'machineName':null,'metadata':null,'port':8080,'protocol':'http','regionId':'SHA',"      \
	"'serviceId':'demo.hello','status':'up','url':'http://10.0.0.5:8080/" id "','zoneId':'SHA-Z1'}"
#define ROUTE(service, extra) \
	"{'discoveryConfig':{'serviceId':'" service "'},'regionId':'SHA','zoneId':'SHA-Z1'" extra "}"

static void
post_expect (ArtemisTestServer *server, const char *request, const char *expected)
{
	g_autofree char *json = artemis_test_json (request);
	g_autofree char *want = artemis_test_json (expected);
	g_autoptr (ArtemisTestResponse) response = NULL;

	response = artemis_test_post_json (server->port, "/api/discovery/route.json", json);

	g_assert_cmpuint (response->status, ==, 200);
	g_assert_cmpstr (response->text, ==, want);
}

static void
register_instances (ArtemisTestServer *server, guint n)
{
	g_autoptr (GString) body = g_string_new ("{'instances':[");
	g_autofree char *json = NULL;
	g_autoptr (ArtemisTestResponse) response = NULL;

	for (guint i = 1; i <= n; i++) {
		g_autofree char *id = g_strdup_printf ("i-%u", i);

		g_string_append_printf (body, "%s{'instanceId':'%s','ip':'10.0.0.5','port':8080,'protocol':'http',"
					"'regionId':'SHA','serviceId':'demo.hello','status':'up',"
					"'url':'http://10.0.0.5:8080/%s','zoneId':'SHA-Z1'}",
					i > 1 ? "," : "", id, id);
	}
	g_string_append (body, "]}");
	json = artemis_test_json (body->str);
	response = artemis_test_post_json (server->port, "/api/registry/register.json", json);
	g_assert_cmpuint (response->status, ==, 200);
	g_assert_nonnull (strstr (response->text, "\"failedInstances\":null"));
}

/* The instanceIds of a route answer, in order. */
static GPtrArray *
picked_ids (const char *answer)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
	const char *p = answer;

	while ((p = strstr (p, "\"instanceId\":\"")) != NULL) {
		p += strlen ("\"instanceId\":\"");
		g_ptr_array_add (ids, g_strndup (p, strcspn (p, "\"")));
	}
	return ids;
}

static void
test_route_one (ArtemisTestServer *server, gconstpointer data)
{
	register_instances (server, 1);
	/* No count: one pick. */
	post_expect (server, ROUTE ("demo.hello", ""),
		     "{'instances':[" INSTANCE ("i-1") "],'responseStatus':" OK ","
		     "'routeId':'default-route-rule','strategy':'weighted-round-robin'}");
	/* More than there are: each pick is one more turn of the strategy. */
	post_expect (server, ROUTE ("demo.hello", ",'count':3,'routeId':null"),
		     "{'instances':[" INSTANCE ("i-1") "," INSTANCE ("i-1") "," INSTANCE ("i-1") "],"
		     "'responseStatus':" OK ",'routeId':'default-route-rule','strategy':'weighted-round-robin'}");
	/* An unknown service has the default rule too, with nothing in it. */
	post_expect (server, ROUTE ("nobody", ",'routeId':'DEFAULT-ROUTE-RULE'"),
		     "{'instances':[],'responseStatus':" OK ","
		     "'routeId':'default-route-rule','strategy':'weighted-round-robin'}");
}

static void
test_route_round_robin (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *json = artemis_test_json (ROUTE ("demo.hello", ",'count':30"));
	g_autoptr (ArtemisTestResponse) response = NULL;
	g_autoptr (GPtrArray) ids = NULL;
	g_autoptr (GPtrArray) next = NULL;

	register_instances (server, 3);
	response = artemis_test_post_json (server->port, "/api/discovery/route.json", json);
	ids = picked_ids (response->text);
	g_assert_cmpuint (ids->len, ==, 30);
	/* One group: round robin over its three instances. */
	for (guint i = 3; i < ids->len; i++)
		g_assert_cmpstr (g_ptr_array_index (ids, i), ==, g_ptr_array_index (ids, i - 3));
	g_assert_cmpstr (g_ptr_array_index (ids, 0), !=, g_ptr_array_index (ids, 1));
	g_assert_cmpstr (g_ptr_array_index (ids, 1), !=, g_ptr_array_index (ids, 2));
	g_assert_cmpstr (g_ptr_array_index (ids, 0), !=, g_ptr_array_index (ids, 2));

	/* The next request goes on where this one stopped: the state lives in the node. */
	g_clear_pointer (&response, artemis_test_response_free);
	response = artemis_test_post_json (server->port, "/api/discovery/route.json", json);
	next = picked_ids (response->text);
	g_assert_cmpstr (g_ptr_array_index (next, 0), ==, g_ptr_array_index (ids, 0));
}

/* A seeded router repeats itself: strategy state starts afresh from the seed. */
static void
test_route_seeded (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *json = artemis_test_json (ROUTE ("demo.hello", ",'count':7"));
	g_autoptr (ArtemisTestResponse) first = NULL;
	g_autoptr (ArtemisTestResponse) second = NULL;
	g_autoptr (ArtemisTestResponse) again = NULL;

	register_instances (server, 5);
	artemis_router_set_seed (artemis_daemon_get_router (server->daemon), 7);
	first = artemis_test_post_json (server->port, "/api/discovery/route.json", json);
	second = artemis_test_post_json (server->port, "/api/discovery/route.json", json);
	artemis_router_set_seed (artemis_daemon_get_router (server->daemon), 7);
	again = artemis_test_post_json (server->port, "/api/discovery/route.json", json);
	/* 7 picks of 5 instances: without the reseed the third answer would start elsewhere. */
	g_assert_cmpstr (second->text, !=, first->text);
	g_assert_cmpstr (again->text, ==, first->text);
}

static void
test_route_errors (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) response = NULL;

	register_instances (server, 1);
	post_expect (server, "{'regionId':'SHA','zoneId':'SHA-Z1'}",
		     ROUTE_FAILED ("bad-request", "Request is null or request.discoveryConfig is null."));
	post_expect (server, "{'discoveryConfig':{'serviceId':' '}}",
		     ROUTE_FAILED ("bad-request", "Request is null or request.discoveryConfig is null."));
	post_expect (server, ROUTE ("demo.hello", ",'count':1001"),
		     ROUTE_FAILED ("bad-request", "count must be between 1 and 1000."));
	post_expect (server, ROUTE ("demo.hello", ",'count':-1"),
		     ROUTE_FAILED ("bad-request", "count must be between 1 and 1000."));
	post_expect (server, "{'discoveryConfig':{'serviceId':'demo.hello'},'regionId':'NRT','zoneId':'SHA-Z1'}",
		     ROUTE_FAILED ("no-permission", "regionId is not the same as the registry node. "
						    "regionId: NRT, registry node.regionId: SHA"));
	post_expect (server, "{'discoveryConfig':{'serviceId':'demo.hello'},'regionId':'SHA','zoneId':'SHA-Z2'}",
		     ROUTE_FAILED ("no-permission", "zoneId is not the same as the registry node. "
						    "zoneId: SHA-Z2, registry node.zoneId: SHA-Z1"));
	post_expect (server, ROUTE ("demo.hello", ",'routeId':'canary-route-rule'"),
		     ROUTE_FAILED ("data-not-found", "Route rule canary-route-rule is not found."));

	response = artemis_test_post_json (server->port, "/api/discovery/route.json", "{\"count\":\"many\"}");
	g_assert_cmpuint (response->status, ==, 400);
	g_clear_pointer (&response, artemis_test_response_free);
	response = artemis_test_get (server->port, "/api/discovery/route.json");
	g_assert_cmpuint (response->status, ==, 405);
}

static void
test_route_default_strategy (ArtemisTestServer *server, gconstpointer data)
{
	register_instances (server, 1);
	post_expect (server, ROUTE ("demo.hello", ""),
		     "{'instances':[" INSTANCE ("i-1") "],'responseStatus':" OK ","
		     "'routeId':'default-route-rule','strategy':'Close-By-Visit'}");
}

/* A default strategy no plugin serves would fail every route.json: the node does not start. */
static void
test_route_no_strategy (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("artemis-test-XXXXXX", &error);
	g_autofree char *text = g_strdup_printf ("[server]\nport=0\ndata-dir=%s\n" BASE_CONFIG
						 "default-route-strategy=teleport\n", dir);
	ArtemisConfig *config = artemis_config_new ();
	g_autoptr (ArtemisDaemon) daemon = NULL;

	g_assert_no_error (error);
	g_assert_true (artemis_config_load_data (config, text, &error));
	daemon = artemis_daemon_new (config);
	g_assert_false (artemis_daemon_start (daemon, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG);
	g_assert_cmpstr (error->message, ==,
			 "[discovery] default-route-strategy: no loaded strategy plugin serves “teleport”");
	/* Refused before anything was written. */
	g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A rule a filter adds is routed like any other: here the dummy's, listing what it saw. */
static void
test_route_filter_rule (ArtemisTestServer *server, gconstpointer data)
{
	register_instances (server, 1);
	post_expect (server, ROUTE ("demo.hello", ",'routeId':'dummy-x','count':2"),
		     "{'instances':[" INSTANCE ("i-1") "," INSTANCE ("i-1") "],'responseStatus':" OK ","
		     "'routeId':'dummy-x','strategy':'weighted-round-robin'}");
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

#define SERVER_TEST(path, config, func)                                                             \
	g_test_add (path, ArtemisTestServer, config, artemis_test_server_setup, func,                  \
		    artemis_test_server_teardown)
	SERVER_TEST ("/artemis/route/one", default_config, test_route_one);
	SERVER_TEST ("/artemis/route/round-robin", default_config, test_route_round_robin);
	SERVER_TEST ("/artemis/route/seeded", default_config, test_route_seeded);
	SERVER_TEST ("/artemis/route/errors", default_config, test_route_errors);
	SERVER_TEST ("/artemis/route/default-strategy", close_by_visit_config, test_route_default_strategy);
	g_test_add_func ("/artemis/route/no-strategy", test_route_no_strategy);
	SERVER_TEST ("/artemis/route/filter-rule", dummy_config, test_route_filter_rule);

	return g_test_run ();
}
