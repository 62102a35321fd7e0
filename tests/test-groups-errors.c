/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-test-utils.h"

/*
 * What the group endpoints (protocol §3.8, §3.10, §3.7) refuse: bad input on
 * every one of them — bad-request naming the member, HTTP 400 for a body
 * that does not decode — with nothing written; writes on a node not up;
 * writes to a store that fails. JSON is written with ' for ".
 */

#define BASE_CONFIG                                                        \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"                    \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n"        \
	"[legacy-lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char default_config[] = BASE_CONFIG;
static const char not_up_config[] = BASE_CONFIG "[cluster]\nforce-up=false\n";

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define DONE "{'responseStatus':" OK "}"
#define FAIL(code, message) "{'errorCode':'" code "','message':'" message "','status':'fail'}"
#define BAD(message) "{'responseStatus':" FAIL ("bad-request", message) "}"
#define MALFORMED(message) BAD ("Malformed request body: " message)
#define CTX "'extensions':'{}','operation':'op','operatorId':'ops1','reason':'r','token':'t'"
#define G "/api/management/group/"
#define L "/api/management/log/"
#define CANARY_PATH "/api/management/canary/update-canary-ips.json"

#define GROUP_IN(name)                                                                                      \
	"{'appId':'100001','name':'" name "','regionId':'SHA','serviceId':'demo.hello','status':'active',"   \
	"'zoneId':'SHA-Z1'}"
#define RULE_IN "{'name':'ab-rule','serviceId':'demo.hello','status':'active','strategy':'weighted-round-robin'}"
#define LOGIC_IN(metadata)                                                                                   \
	"{'groupId':'blue','healthCheckUrl':'http://10.0.0.8/hc','instanceId':'lb-1','ip':'10.0.0.8',"         \
	"'machineName':'lb','metadata':" metadata ",'port':80,'protocol':'http','regionId':'SHA',"             \
	"'serviceId':'demo.hello','url':'http://10.0.0.8/hello','zoneId':'SHA-Z1'}"
#define WEIGHTED(service, weight)                                                                          \
	"{'appId':'100001','name':'blue','regionId':'SHA','serviceId':'" service "','status':'active',"      \
	"'weight':" weight ",'zoneId':'SHA-Z1'}"

/* Groups blue (1) and green (2), rule ab-rule (1) holding blue. */
static void
set_up (ArtemisTestServer *server, gconstpointer config)
{
	artemis_test_server_setup (server, config);
	artemis_test_assert_post (server->port, G "insert-groups.json",
				  "{" CTX ",'groups':[" GROUP_IN ("blue") "," GROUP_IN ("green") "]}", 200, DONE);
	artemis_test_assert_post (server->port, G "insert-route-rules.json", "{" CTX ",'routeRules':[" RULE_IN "]}",
				  200, DONE);
	artemis_test_assert_post (server->port, G "insert-route-rule-groups.json",
				  "{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1,'unreleasedWeight':80}]}",
				  200, DONE);
}

/* ---- bad input: bad-request naming the member, nothing written ---------- */

typedef struct {
	const char *path;
	const char *body;
	guint status;
	const char *expected;
} BadInput;

static const BadInput bad_inputs[] = {
	/* route rules */
	{ G "insert-route-rules.json", "{" CTX "}", 200,
	  BAD ("insert route-rules failed. routeRules is null or empty") },
	{ G "insert-route-rules.json", "{" CTX ",'routeRules':[null]}", 200,
	  BAD ("insert route-rules failed. routeRules[0] is null") },
	{ G "insert-route-rules.json", "{" CTX ",'routeRules':[{'name':'r','serviceId':'s','status':'active'}]}", 200,
	  BAD ("insert route-rules failed. routeRules[0].strategy is null or empty") },
	{ G "insert-route-rules.json",
	  "{'extensions':'{}','operation':'op','operatorId':'ops1','token':' ','routeRules':[" RULE_IN "]}", 200,
	  BAD ("insert route-rules failed. token is null or empty") },
	{ G "insert-route-rules.json", "{'routeRules':{}}", 400,
	  MALFORMED ("routeRules: Invalid value at byte 14: expected an array, found an object") },
	{ G "update-route-rules.json", "{'extensions':'{}','operatorId':'o','token':'t','routeRules':[" RULE_IN "]}",
	  200, BAD ("update route-rules failed. operation is null or empty") },
	{ G "delete-route-rules.json", "{" CTX "}", 200,
	  BAD ("delete route-rules failed. routeRuleIds is null or empty") },
	{ G "delete-route-rules.json", "{" CTX ",'routeRuleIds':[1,null]}", 200,
	  BAD ("delete route-rules failed. routeRuleIds[1] is null") },
	{ G "delete-route-rules.json", "{'routeRuleIds':['x']}", 400,
	  MALFORMED ("routeRuleIds: Invalid value at byte 17: expected an integer, found a string") },
	{ G "get-all-route-rules.json", "{} x", 400,
	  MALFORMED ("Invalid JSON at byte 3: unexpected data after the top-level value") },
	{ G "get-route-rules.json", "{'routeRuleId':'x'}", 400,
	  MALFORMED ("routeRuleId: Invalid value at byte 15: expected an integer, found a string") },
	/* route-rule groups */
	{ G "insert-route-rule-groups.json", "{" CTX ",'routeRuleGroups':[{'routeRuleId':1}]}", 200,
	  BAD ("insert route-rule-groups failed. routeRuleGroups[0].groupId is null") },
	{ G "insert-route-rule-groups.json", "{" CTX ",'routeRuleGroups':[{'routeRuleId':7,'groupId':1}]}", 200,
	  BAD ("insert route-rule-groups failed. routeRuleGroups[0].routeRuleId 7 does not exist") },
	{ G "insert-route-rule-groups.json", "{" CTX ",'routeRuleGroups':[{'routeRuleId':1,'groupId':9}]}", 200,
	  BAD ("insert route-rule-groups failed. routeRuleGroups[0].groupId 9 does not exist") },
	{ G "insert-route-rule-groups.json", "{'routeRuleGroups':[{'unreleasedWeight':3000000000}]}", 400,
	  MALFORMED ("routeRuleGroups: unreleasedWeight: Invalid value at byte 40: integer 3000000000 outside "
		     "[-2147483648, 2147483647]") },
	{ G "update-route-rule-groups.json",
	  "{'extensions':null,'operation':'op','operatorId':'o','token':'t','routeRuleGroups':[]}", 200,
	  BAD ("update route-rule-groups failed. extensions is null or empty") },
	{ G "update-route-rule-groups.json", "{" CTX ",'routeRuleGroups':[]}", 200,
	  BAD ("update route-rule-groups failed. routeRuleGroups is null or empty") },
	/* Java's message for a failed release (protocol §14.2 #20). */
	{ G "release-route-rule-groups.json", "{" CTX ",'routeRuleGroups':[{'groupId':2,'routeRuleId':1}]}", 200,
	  BAD ("get route-rule-groups failed. routeRuleGroups[0]: group 2 is not in route rule 1") },
	{ G "release-route-rule-groups.json", "{" CTX ",'routeRuleGroups':[{'groupId':1}]}", 200,
	  BAD ("get route-rule-groups failed. routeRuleGroups[0].routeRuleId is null") },
	{ G "delete-route-rule-groups.json", "{" CTX ",'routeRuleGroupIds':[]}", 200,
	  BAD ("delete route-rule-groups failed. routeRuleGroupIds is null or empty") },
	{ G "get-all-route-rule-groups.json", "[]", 400,
	  MALFORMED ("Invalid value at byte 0: expected an object, found an array") },
	{ G "get-route-rule-groups.json", "{'groupId':true}", 400,
	  MALFORMED ("groupId: Invalid value at byte 11: expected an integer, found a boolean") },
	/* groups */
	{ G "insert-groups.json",
	  "{" CTX ",'groups':[{'name':'x','regionId':'SHA','serviceId':'s','status':'active','zoneId':'z'}]}", 200,
	  BAD ("insert groups failed. groups[0].appId is null or empty") },
	{ G "insert-groups.json", "{'extensions':'{}','operation':'op','token':'t','groups':[" GROUP_IN ("x") "]}",
	  200, BAD ("insert groups failed. operatorId is null or empty") },
	{ G "insert-groups.json", "{" CTX ",'groups':[" GROUP_IN ("x") ",null]}", 200,
	  BAD ("insert groups failed. groups[1] is null") },
	{ G "update-groups.json", "{" CTX ",'groups':[" GROUP_IN (" ") "]}", 200,
	  BAD ("update groups failed. groups[0].name is null or empty") },
	{ G "delete-groups.json", "{" CTX ",'groupIds':null}", 200,
	  BAD ("delete group failed. groupIds is null or empty") },
	{ G "get-all-groups.json", "null", 400, MALFORMED ("request is null") },
	{ G "get-groups.json", "{'name':['x']}", 400,
	  MALFORMED ("name: Invalid value at byte 8: expected a string, found an array") },
	/* tags */
	{ G "insert-group-tags.json", "{'groupTagsList':[{'groupId':9,'tags':{'a':'b'}}]}", 200,
	  BAD ("insert group tag failed. groupTagsList[0].groupId 9 does not exist") },
	{ G "insert-group-tags.json", "{'groupTagsList':[{'groupId':1,'tags':{'a':'','':'b'}}]}", 200,
	  BAD ("insert group tag failed. groupTagsList holds no tag with a key and a value") },
	{ G "insert-group-tags.json", "{'groupTagsList':[{'tags':{'a':'b'}}]}", 200,
	  BAD ("insert group tag failed. groupTagsList[0].groupId is null") },
	{ G "update-group-tags.json", "{}", 200, BAD ("update group tag failed. groupTagsList is null or empty") },
	{ G "update-group-tags.json", "{'groupTagsList':[{'groupId':1,'tags':[]}]}", 400,
	  MALFORMED ("groupTagsList: tags: Invalid value at byte 38: expected an object, found an array") },
	{ G "delete-group-tags.json", "{'groupId':null,'tag':null}", 200,
	  BAD ("delete group-tags failed. groupId, tag and value are all null: forbidden operation.") },
	{ G "get-all-group-tags.json", "{'regionId':'x',}", 400,
	  MALFORMED ("Invalid JSON at byte 16: trailing comma in object") },
	{ G "get-group-tags.json", "{'groupId':'x'}", 400,
	  MALFORMED ("groupId: Invalid value at byte 11: expected an integer, found a string") },
	/* group operations */
	{ G "operate-group-operations.json", "{" CTX "}", 200,
	  BAD ("operate group operation failed. groupOperationsList is null") },
	{ G "operate-group-operations.json", "{" CTX ",'groupOperationsList':[{'groupId':1,'operations':[]}]}", 200,
	  BAD ("operate group operation failed. groupOperationsList[0].operations is null or empty") },
	{ G "operate-group-operations.json",
	  "{" CTX ",'groupOperationsList':[{'groupId':1,'operations':['a',' ']}]}", 200,
	  BAD ("operate group operation failed. groupOperationsList[0].operations[1] is null or empty") },
	{ G "operate-group-operations.json", "{" CTX ",'groupOperationsList':[{'groupId':5,'operations':['a']}]}",
	  200, BAD ("operate group operation failed. groupOperationsList[0].groupId 5 does not exist") },
	{ G "get-all-group-operations.json", "{'x':}", 400, MALFORMED ("Invalid JSON at byte 5: expected a value") },
	{ G "get-group-operations.json", "{'groupId':[]}", 400,
	  MALFORMED ("groupId: Invalid value at byte 11: expected an integer, found an array") },
	{ G "operate-group-operation.json",
	  "{" CTX ",'serviceId':'demo.hello','regionId':'SHA','zoneId':'SHA-Z1','name':'new'}", 200,
	  BAD ("operate group operation failed. appId is null or empty") },
	{ G "operate-group-operation.json", "{" CTX ",'serviceId':'demo.hello','regionId':'SHA','name':'blue'}", 200,
	  BAD ("operate group operation failed. zoneId is null or empty") },
	/* create-route-rule */
	{ G "create-route-rule.json", "{" CTX ",'groups':[" WEIGHTED ("demo.hello", "80") "]}", 200,
	  BAD ("create route-rule failed. routeRule is null") },
	{ G "create-route-rule.json",
	  "{" CTX ",'routeRule':{'name':'r','serviceId':'demo.hello','status':'active'},'groups':[]}", 200,
	  BAD ("create route-rule failed. routeRule.strategy is null or empty") },
	{ G "create-route-rule.json", "{" CTX ",'routeRule':" RULE_IN ",'groups':[]}", 200,
	  BAD ("create route-rule failed. groups is null or empty") },
	{ G "create-route-rule.json", "{" CTX ",'routeRule':" RULE_IN ",'groups':[" WEIGHTED ("demo.hello", "null") "]}",
	  200, BAD ("create route-rule failed. groups[0].weight is null") },
	{ G "create-route-rule.json", "{" CTX ",'routeRule':" RULE_IN ",'groups':[" WEIGHTED ("other", "5") "]}", 200,
	  BAD ("create route-rule failed. groups[0].serviceId other is not the route rule`s serviceId demo.hello") },
	{ G "create-route-rule.json", "{'routeRule':[]}", 400,
	  MALFORMED ("routeRule: Invalid value at byte 13: expected an object, found an array") },
	/* group instances */
	{ G "insert-group-instances.json", "{" CTX ",'groupInstances':[{'groupId':1}]}", 200,
	  BAD ("insert group instances failed. groupInstances[0].instanceId is null or empty") },
	{ G "insert-group-instances.json", "{" CTX ",'groupInstances':[{'groupId':9,'instanceId':'i'}]}", 200,
	  BAD ("insert group instances failed. groupInstances[0].groupId 9 does not exist") },
	{ G "delete-group-instances.json", "{" CTX ",'groupInstanceIds':[null]}", 200,
	  BAD ("delete group instances failed. groupInstanceIds[0] is null") },
	{ G "get-group-instances.json", "{'instanceId':{}}", 400,
	  MALFORMED ("instanceId: Invalid value at byte 14: expected a string, found an object") },
	/* logical instances: a null metadata is refused, as in Java (protocol §3.8) */
	{ G "insert-service-instances.json", "{" CTX ",'serviceInstances':[" LOGIC_IN ("null") "]}", 200,
	  BAD ("insert service instances failed. serviceInstances[0].metadata is null or empty") },
	{ G "insert-service-instances.json", "{" CTX ",'serviceInstances':[{'port':'x'}]}", 400,
	  MALFORMED ("serviceInstances: port: Invalid value at byte 109: expected an integer, found a string") },
	{ G "insert-service-instances.json", "{'serviceInstances':[{'metadata':{'k':{}}}]}", 400,
	  MALFORMED ("serviceInstances: metadata: Invalid value at byte 38: expected a string, found an object") },
	{ G "delete-service-instances.json", "{" CTX "}", 200,
	  BAD ("delete service instances failed. serviceInstanceIds is null or empty") },
	{ G "get-service-instances.json", "{'serviceId':[]}", 400,
	  MALFORMED ("serviceId: Invalid value at byte 13: expected a string, found an array") },
	/* canary */
	{ CANARY_PATH, "{" CTX ",'serviceId':'demo.hello','appId':'100001'}", 200,
	  BAD ("update canary ips canaryIps is null") },
	{ CANARY_PATH, "{" CTX ",'serviceId':'demo.hello','canaryIps':[]}", 200,
	  BAD ("update canary ips appId is null or empty") },
	{ CANARY_PATH, "{" CTX ",'serviceId':'demo.hello','appId':'1','canaryIps':['10.0.0.1',' ']}", 200,
	  BAD ("update canary ips canaryIps[1] is null or empty") },
	{ CANARY_PATH, "{'serviceId':'demo.hello','appId':'1','canaryIps':[]}", 200,
	  BAD ("update canary ips operation is null or empty") },
	{ CANARY_PATH, "{'canaryIps':'10.0.0.1'}", 400,
	  MALFORMED ("canaryIps: Invalid value at byte 13: expected an array, found a string") },
	/* logs */
	{ L "group-operation-logs.json", "{'groupId':'x'}", 400,
	  MALFORMED ("groupId: Invalid value at byte 11: expected an integer, found a string") },
	{ L "group-operation-logs.json", "{'complete':'maybe'}", 400,
	  MALFORMED ("complete: Invalid value at byte 12: expected a boolean, found a string") },
	{ L "group-logs.json", "{'name':{}}", 400,
	  MALFORMED ("name: Invalid value at byte 8: expected a string, found an object") },
	{ L "route-rule-logs.json", "", 400, BAD ("Required request body is missing.") },
	{ L "route-rule-group-logs.json", "{'routeRuleId':[]}", 400,
	  MALFORMED ("routeRuleId: Invalid value at byte 15: expected an integer, found an array") },
	{ L "group-instance-logs.json", "{'instanceId':[1]}", 400,
	  MALFORMED ("instanceId: Invalid value at byte 14: expected a string, found an array") },
	{ L "service-instance-logs.json", "{'serviceId':'\\u0000'}", 400,
	  MALFORMED ("serviceId: strings must not contain NUL characters") },
};

/* Everything the group endpoints can read back, in one text. */
static char *
snapshot (ArtemisTestServer *server)
{
	const char *const paths[] = {
		G "get-all-groups.json",	    G "get-all-route-rules.json",    G "get-all-route-rule-groups.json",
		G "get-all-group-tags.json",	    G "get-all-group-operations.json", G "get-group-instances.json",
		G "get-service-instances.json",	    L "group-logs.json",	     L "route-rule-logs.json",
		L "route-rule-group-logs.json",	    L "group-operation-logs.json",   L "group-instance-logs.json",
		L "service-instance-logs.json",
	};
	GString *text = g_string_new (NULL);

	for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
		g_autoptr (ArtemisTestResponse) response = artemis_test_post (server->port, paths[i], "{}");

		g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
		g_string_append_printf (text, "%s\n", response->text);
	}
	return g_string_free (text, FALSE);
}

static void
test_bad_input (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *before = snapshot (server);
	g_autofree char *after = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS (bad_inputs); i++) {
		const BadInput *input = &bad_inputs[i];

		g_test_message ("%s %s", input->path, input->body);
		artemis_test_assert_post (server->port, input->path, input->body, input->status, input->expected);
	}
	after = snapshot (server);
	g_assert_cmpstr (after, ==, before);
}

/* ---- a node not up: writes refused, reads served ------------------------ */

static const char *const write_paths[] = {
	G "insert-route-rules.json",	    G "update-route-rules.json",	G "delete-route-rules.json",
	G "insert-route-rule-groups.json", G "update-route-rule-groups.json", G "release-route-rule-groups.json",
	G "delete-route-rule-groups.json", G "insert-groups.json",		G "update-groups.json",
	G "delete-groups.json",		    G "insert-group-tags.json",	G "update-group-tags.json",
	G "delete-group-tags.json",	    G "operate-group-operations.json", G "operate-group-operation.json",
	G "create-route-rule.json",	    G "insert-group-instances.json",	G "delete-group-instances.json",
	G "insert-service-instances.json", G "delete-service-instances.json", CANARY_PATH,
};

static void
test_not_up (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *expected = g_strdup_printf (
		"{'responseStatus':" FAIL ("service-unavailable",
					   "Serivce is not in up state. Current status: { node: sha/sha-z1/"
					   "http://127.0.0.1:%u/, status: starting, canServiceRegistry: null, "
					   "canServiceDiscovery: null }") "}",
		server->port);

	/* The node check comes first, as in Java. */
	for (gsize i = 0; i < G_N_ELEMENTS (write_paths); i++)
		artemis_test_assert_post (server->port, write_paths[i], "{}", 200, expected);
	artemis_test_assert_post (server->port, G "get-all-groups.json", "{}", 200,
				  "{'groups':[],'responseStatus':" OK "}");
}

/* ---- a failing store: Java's fixed message, nothing changed ------------- */

static void
test_store_failure (ArtemisTestServer *server, gconstpointer data)
{
	artemis_storage_close (artemis_daemon_get_storage (server->daemon));
	g_test_expect_message ("Artemis-API", G_LOG_LEVEL_WARNING,
			       "Management write failed: The management store is closed");
	artemis_test_assert_post (server->port, G "insert-groups.json", "{" CTX ",'groups':[" GROUP_IN ("x") "]}", 200,
				  "{'responseStatus':" FAIL ("internal-service-error", "insert groups failed.") "}");
	g_test_expect_message ("Artemis-API", G_LOG_LEVEL_WARNING, "Management write failed: *");
	artemis_test_assert_post (
		server->port, G "release-route-rule-groups.json",
		"{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1}]}", 200,
		"{'responseStatus':" FAIL ("internal-service-error", "get route-rule-groups failed.") "}");
	g_test_expect_message ("Artemis-API", G_LOG_LEVEL_WARNING, "Management write failed: *");
	artemis_test_assert_post (server->port, CANARY_PATH,
				  "{" CTX ",'serviceId':'demo.hello','appId':'1','canaryIps':[]}", 200,
				  "{'responseStatus':" FAIL ("internal-service-error", "update canary ips") "}");
	g_test_assert_expected_messages ();
	artemis_test_assert_post (server->port, L "group-logs.json", "{}", 200,
				  "{'logs':null,'responseStatus':" FAIL ("internal-service-error",
									 "The management store is closed") "}");
	/* The state is as it was. */
	artemis_test_assert_post (server->port, G "get-all-route-rule-groups.json", "{}", 200,
				  "{'responseStatus':" OK ",'routeRuleGroups':[{'groupId':1,'routeRuleGroupId':1,"
				  "'routeRuleId':1,'unreleasedWeight':80,'weight':null}]}");
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	g_test_add ("/artemis/groups-errors/bad-input", ArtemisTestServer, default_config, set_up, test_bad_input,
		    artemis_test_server_teardown);
	g_test_add ("/artemis/groups-errors/store-failure", ArtemisTestServer, default_config, set_up,
		    test_store_failure, artemis_test_server_teardown);
	g_test_add ("/artemis/groups-errors/not-up", ArtemisTestServer, not_up_config, artemis_test_server_setup,
		    test_not_up, artemis_test_server_teardown);

	return g_test_run ();
}
