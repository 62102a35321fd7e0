/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"
#include "artemis-test-ws.h"

/*
 * The release flow (protocol §9.9) end to end in one process: weights proposed
 * are invisible until released, then discovery, the route endpoint and the
 * WebSocket subscribers all see them at once (§9.10: a `reload` in the
 * change log, pushed). Also which changes push a reload, and how the route
 * endpoint picks a rule. JSON is written with ' for ".
 */

#define BASE_CONFIG                                                        \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"                    \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n"        \
	"[legacy-lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char default_config[] = BASE_CONFIG;

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define DONE "{'responseStatus':" OK "}"
#define CTX "'extensions':'{}','operation':'op','operatorId':'ops1','reason':'r','token':'t'"
#define G "/api/management/group/"
#define ROUTE_PATH "/api/discovery/route.json"

#define INSTANCE(id, group)                                                                            \
	"{'groupId':'" group "','instanceId':'" id "','ip':'10.0.0.5','port':8080,'protocol':'http',"   \
	"'regionId':'SHA','serviceId':'demo.hello','url':'http://10.0.0.5:8080/" id "','zoneId':'SHA-Z1'}"
#define REGISTER_ALL                                                                                      \
	"{'instances':[" INSTANCE ("b-1", "blue") "," INSTANCE ("b-2", "blue") "," INSTANCE ("g-1", "green") \
	"," INSTANCE ("g-2", "green") "]}"
#define GROUP_WEIGHT(name, weight)                                                                          \
	"{'appId':'100001','name':'" name "','regionId':'SHA','serviceId':'demo.hello','status':'active',"   \
	"'weight':" weight ",'zoneId':'SHA-Z1'}"
#define CREATE_RULE(blue, green)                                                                            \
	"{" CTX ",'groups':[" GROUP_WEIGHT ("blue", blue) "," GROUP_WEIGHT ("green", green) "],'routeRule':"  \
	"{'name':'ab-rule','serviceId':'demo.hello','status':'active','strategy':'weighted-round-robin'}}"
#define PROPOSE(blue, green)                                                                               \
	"{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1,'unreleasedWeight':" blue "},"             \
	"{'groupId':2,'routeRuleId':1,'unreleasedWeight':" green "}]}"
#define RELEASE "{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1},{'groupId':2,'routeRuleId':1}]}"
#define RELOAD                                                                                          \
	"{'changeTime':1700000000000,'changeType':'reload','instance':{'groupId':null,'healthCheckUrl':null," \
	"'instanceId':'reload','ip':'0.0.0.0','machineName':null,'metadata':null,'port':0,'protocol':null,"   \
	"'regionId':null,'serviceId':'demo.hello','status':null,'url':'http://serviceId/reload','zoneId':null}}"

/* ---- helpers ----------------------------------------------------------- */

static void
post_ok (ArtemisTestServer *server, const char *path, const char *body)
{
	artemis_test_assert_post (server->port, path, body, SOUP_STATUS_OK, DONE);
}

static void
set_up (ArtemisTestServer *server, gconstpointer config)
{
	artemis_test_server_setup (server, config);
	artemis_test_assert_post (server->port, "/api/registry/register.json", REGISTER_ALL, SOUP_STATUS_OK,
				  "{'failedInstances':null,'responseStatus':" OK "}");
}

static ArtemisTestWs *
subscribe (ArtemisTestServer *server)
{
	ArtemisTestWs *ws = artemis_test_ws_connect (server->port, "/ws/discovery/instance-change");
	g_autoptr (ArtemisTestWsFrame) pong = NULL;

	artemis_test_ws_send_text (ws, "{\"serviceId\":\"demo.hello\"}");
	/* Messages are handled in order: the pong says the subscription is in. */
	artemis_test_ws_send_ping (ws, "sync");
	pong = artemis_test_ws_next (ws, 5000);
	g_assert_nonnull (pong);
	g_assert_cmpuint (pong->opcode, ==, ARTEMIS_TEST_WS_PONG);
	return ws;
}

static void
assert_reload_pushed (ArtemisTestWs *ws)
{
	g_autofree char *expected = artemis_test_json (RELOAD);
	g_autofree char *text = artemis_test_ws_receive_text (ws);

	g_assert_cmpstr (text, ==, expected);
}

static void
count_reloads (ArtemisChange *change, gpointer user_data)
{
	if (change->type == ARTEMIS_CHANGE_RELOAD && g_str_equal (artemis_change_get_service_id (change), "demo.hello"))
		(*(guint *) user_data)++;
}

/* The reloads of demo.hello appended to the change log after @seq, which moves on. */
static guint
reloads_since (ArtemisTestServer *server, guint64 *seq)
{
	guint count = 0;

	g_assert_true (artemis_change_log_foreach_since (artemis_daemon_get_change_log (server->daemon), *seq, count_reloads, &count));
	*seq = artemis_change_log_get_last_seq (artemis_daemon_get_change_log (server->daemon));
	return count;
}

/* How many of @count picks of rule @route_id are in group @group. */
static guint
picks_in (ArtemisTestServer *server, const char *route_id, guint count, const char *group)
{
	g_autofree char *body = g_strdup_printf ("{'count':%u,'discoveryConfig':{'serviceId':'demo.hello'},"
						 "'regionId':'SHA','routeId':'%s','zoneId':'SHA-Z1'}",
						 count, route_id);
	g_autoptr (ArtemisTestResponse) response = artemis_test_post (server->port, ROUTE_PATH, body);
	g_autofree char *needle = g_strdup_printf ("\"groupId\":\"%s\"", group);
	guint found = 0;

	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	for (const char *p = strstr (response->text, needle); p != NULL; p = strstr (p + 1, needle))
		found++;
	return found;
}

/* The weights of ab-rule's groups as lookup serves them, e.g. "80,20". */
static char *
served_weights (ArtemisTestServer *server)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_post (
		server->port, "/api/discovery/lookup.json",
		"{'discoveryConfigs':[{'serviceId':'demo.hello'}],'regionId':'SHA','zoneId':'SHA-Z1'}");
	g_autoptr (GRegex) weight = g_regex_new ("\"weight\":([0-9]+)", 0, 0, NULL);
	g_autoptr (GMatchInfo) match = NULL;
	g_autoptr (GString) weights = g_string_new (NULL);

	g_regex_match (weight, response->text, 0, &match);
	while (g_match_info_matches (match)) {
		g_autofree char *value = g_match_info_fetch (match, 1);

		g_string_append_printf (weights, "%s%s", weights->len > 0 ? "," : "", value);
		g_match_info_next (match, NULL);
	}
	return g_strdup (weights->str);
}

static void
assert_weights (ArtemisTestServer *server, const char *expected)
{
	g_autofree char *weights = served_weights (server);

	g_assert_cmpstr (weights, ==, expected);
}

/* ---- the release flow -------------------------------------------------- */

static void
test_release (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = subscribe (server);
	guint64 seq = artemis_change_log_get_last_seq (artemis_daemon_get_change_log (server->daemon));

	/* Proposed 80/20, nothing released: the rule is served at 5/5. */
	post_ok (server, G "create-route-rule.json", CREATE_RULE ("80", "20"));
	g_assert_cmpuint (reloads_since (server, &seq), ==, 1);
	assert_reload_pushed (ws);
	assert_weights (server, "5,5");
	g_assert_cmpuint (picks_in (server, "ab-rule", 1000, "blue"), ==, 500);

	post_ok (server, G "release-route-rule-groups.json", RELEASE);
	g_assert_cmpuint (reloads_since (server, &seq), ==, 1);
	assert_reload_pushed (ws);
	assert_weights (server, "80,20");
	g_assert_cmpuint (picks_in (server, "ab-rule", 1000, "blue"), ==, 800);
	g_assert_cmpuint (picks_in (server, "ab-rule", 1000, "green"), ==, 200);

	/* A proposal alone changes nothing anyone sees. */
	post_ok (server, G "update-route-rule-groups.json", PROPOSE ("50", "50"));
	g_assert_cmpuint (reloads_since (server, &seq), ==, 0);
	g_assert_true (artemis_test_ws_is_quiet (ws, 100));
	assert_weights (server, "80,20");
	g_assert_cmpuint (picks_in (server, "ab-rule", 1000, "blue"), ==, 800);

	post_ok (server, G "release-route-rule-groups.json", RELEASE);
	assert_reload_pushed (ws);
	assert_weights (server, "50,50");
	g_assert_cmpuint (picks_in (server, "ab-rule", 1000, "blue"), ==, 500);
	g_assert_cmpuint (picks_in (server, "ab-rule", 1000, "green"), ==, 500);
}

/* ---- what pushes a reload (protocol §9.10) --------------------------------- */

static void
test_reloads (ArtemisTestServer *server, gconstpointer data)
{
	guint64 seq;

	post_ok (server, G "create-route-rule.json", CREATE_RULE ("80", "20"));
	post_ok (server, G "release-route-rule-groups.json", RELEASE);
	seq = artemis_change_log_get_last_seq (artemis_daemon_get_change_log (server->daemon));

	/* A group joining no rule, another service's group, a rule of another service: nothing. */
	post_ok (server, G "insert-groups.json",
		 "{" CTX ",'groups':[{'appId':'1','name':'red','regionId':'SHA','serviceId':'demo.hello',"
		 "'status':'active','zoneId':'SHA-Z1'},{'appId':'1','name':'red','regionId':'SHA',"
		 "'serviceId':'other.svc','status':'active','zoneId':'SHA-Z1'}]}");
	post_ok (server, G "insert-route-rules.json",
		 "{" CTX ",'routeRules':[{'name':'x','serviceId':'other.svc','status':'active',"
		 "'strategy':'weighted-round-robin'}]}");
	g_assert_cmpuint (reloads_since (server, &seq), ==, 0);

	/* Members of a served group, tags (Java pushes nothing for them, §14.2 #18), logical instances. */
	post_ok (server, G "insert-group-instances.json", "{" CTX ",'groupInstances':[{'groupId':1,'instanceId':'x'}]}");
	g_assert_cmpuint (reloads_since (server, &seq), ==, 1);
	post_ok (server, G "insert-group-tags.json", "{'groupTagsList':[{'groupId':1,'tags':{'owner':'a'}}]}");
	g_assert_cmpuint (reloads_since (server, &seq), ==, 1);
	post_ok (server, G "insert-service-instances.json",
		 "{" CTX ",'serviceInstances':[{'groupId':'blue','healthCheckUrl':'h','instanceId':'lb-1',"
		 "'ip':'10.0.0.8','machineName':'lb','metadata':{},'port':80,'protocol':'http','regionId':'SHA',"
		 "'serviceId':'demo.hello','url':'u','zoneId':'SHA-Z1'}]}");
	g_assert_cmpuint (reloads_since (server, &seq), ==, 1);
	/* A group operation, even of a group no rule serves. */
	post_ok (server, G "operate-group-operations.json",
		 "{" CTX ",'groupOperationsList':[{'groupId':3,'operations':['pullout']}],'operationComplete':false}");
	g_assert_cmpuint (reloads_since (server, &seq), ==, 1);
	/* The rule going inactive. */
	post_ok (server, G "update-route-rules.json",
		 "{" CTX ",'routeRules':[{'name':'ab-rule','serviceId':'demo.hello','status':'inactive',"
		 "'strategy':'weighted-round-robin'}]}");
	g_assert_cmpuint (reloads_since (server, &seq), ==, 1);
	assert_weights (server, "");
}

/* ---- the route endpoint picks by rule ---------------------------------- */

#define ROUTE(route_id) \
	"{'discoveryConfig':{'serviceId':'demo.hello'},'regionId':'SHA'," route_id "'zoneId':'SHA-Z1'}"

static void
test_route_rules (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) unknown = NULL;

	post_ok (server, G "create-route-rule.json", CREATE_RULE ("80", "20"));
	post_ok (server, G "release-route-rule-groups.json", RELEASE);
	/* Without a routeId the default rule: every instance, evenly. */
	g_assert_cmpuint (picks_in (server, "", 1000, "blue"), ==, 500);
	g_assert_cmpuint (picks_in (server, "AB-RULE", 1000, "blue"), ==, 800);
	unknown = artemis_test_post (server->port, ROUTE_PATH, ROUTE ("'routeId':'nope',"));
	g_assert_nonnull (strstr (unknown->text, "\"errorCode\":\"data-not-found\",\"message\":\"Route rule nope is "
						 "not found.\""));

	/* Canary callers: the canary rule's group holds the canary instances (protocol §8.4). */
	post_ok (server, "/api/management/canary/update-canary-ips.json",
		 "{'appId':'100001'," CTX ",'canaryIps':['g-2'],'serviceId':'demo.hello'}");
	g_assert_cmpuint (picks_in (server, "canary-route-rule", 100, "green"), ==, 100);

	/* A group pulled out leaves every rule (protocol §7.3 rule 4). */
	post_ok (server, G "operate-group-operation.json",
		 "{" CTX ",'appId':'100001','name':'blue','regionId':'SHA','serviceId':'demo.hello',"
		 "'status':'active','zoneId':'SHA-Z1','operationComplete':false}");
	g_assert_cmpuint (picks_in (server, "", 1000, "blue"), ==, 0);
	g_assert_cmpuint (picks_in (server, "ab-rule", 1000, "green"), ==, 1000);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

#define ADD(path, func) \
	g_test_add ("/artemis/routing/" path, ArtemisTestServer, default_config, set_up, func, \
		    artemis_test_server_teardown)
	ADD ("release", test_release);
	ADD ("reloads", test_reloads);
	ADD ("route-rules", test_route_rules);
#undef ADD

	return g_test_run ();
}
