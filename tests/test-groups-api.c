/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "artemis-test-utils.h"

/*
 * The group endpoints (protocol §3.8, §3.10) and their logs (§3.7) against an
 * in-process server with its SQLite store, compared byte for byte with
 * the Java wire format, and what they do to discovery (§7.2, §8.1).
 * JSON is written with ' for ", see artemis_test_json(); the clock is pinned.
 * Bad input, a node not up and a failing store: test-groups-errors.c.
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
#define L "/api/management/log/"
/* A time of the pinned clock + @second seconds. */
#define AT(second) "17000000" second "000"
#define LOGS(list) "{'logs':[" list "],'responseStatus':" OK "}"

#define INSTANCE(id, group)                                                                              \
	"{'groupId':" group ",'healthCheckUrl':null,'instanceId':'" id "','ip':'10.0.0.5','machineName':'app'," \
	"'metadata':null,'port':8080,'protocol':'http','regionId':'SHA','serviceId':'demo.hello','status':'up',"  \
	"'url':'http://10.0.0.5:8080/" id "','zoneId':'SHA-Z1'}"
#define I_BLUE INSTANCE ("i-1", "'blue'")
#define I_GREEN INSTANCE ("i-2", "'green'")
/* Both, in the registry's (hash) order. */
#define I_BOTH I_GREEN "," I_BLUE

#define GROUP_IN(name)                                                                                      \
	"{'appId':'100001','name':'" name "','regionId':'SHA','serviceId':'demo.hello','status':'active',"   \
	"'zoneId':'SHA-Z1'}"
#define GROUP_OUT(id, name, app, description, status)                                                     \
	"{'appId':'" app "','description':" description ",'groupId':" id ",'groupKey':'demo.hello/sha/sha-z1/" \
	name "','metadata':null,'name':'" name "','regionId':'SHA','serviceId':'demo.hello','status':'" status \
	"','zoneId':'SHA-Z1'}"
#define BLUE GROUP_OUT ("1", "blue", "100001", "null", "active")
#define GREEN GROUP_OUT ("2", "green", "100001", "null", "active")
#define GROUPS(list) "{'groups':[" list "],'responseStatus':" OK "}"
#define INSERT_GROUPS "{" CTX ",'groups':[" GROUP_IN ("blue") "," GROUP_IN ("green") "]}"
#define GROUP_LOG(id, name, region, zone, app, status, operation, reason, second)                          \
	"{'appId':'" app "','createTime':" AT (second) ",'extensions':'{}','id':" id ",'name':'" name "',"   \
	"'operation':'" operation "','operatorId':'ops1','reason':" reason ",'regionId':'" region "',"        \
	"'serviceId':'demo.hello','status':'" status "','token':'t','updateTime':" AT (second) ",'zoneId':'" \
	zone "'}"

#define RULE_IN(name, status)                                                                   \
	"{'description':'ab','name':'" name "','serviceId':'demo.hello','status':'" status "'," \
	"'strategy':'weighted-round-robin'}"
#define RULE_OUT(id, name, description, status, strategy)                                                   \
	"{'description':" description ",'name':'" name "','routeRuleId':" id ",'serviceId':'demo.hello'," \
	"'status':'" status "','strategy':'" strategy "'}"
#define AB_RULE RULE_OUT ("1", "ab-rule", "'ab'", "active", "weighted-round-robin")
#define RULES(list) "{'responseStatus':" OK ",'routeRules':[" list "]}"
#define INSERT_RULE "{" CTX ",'routeRules':[" RULE_IN ("ab-rule", "active") "]}"
#define RULE_LOG(id, name, status, second)                                                                 \
	"{'complete':false,'createTime':" AT (second) ",'extensions':'{}','id':" id ",'name':'" name "',"     \
	"'operation':'op','operatorId':'ops1','reason':'r','serviceId':'demo.hello','status':'" status "',"     \
	"'token':'t','updateTime':" AT (second) "}"

#define RRG_IN(rule, group, weight) "{'groupId':" group ",'routeRuleId':" rule ",'unreleasedWeight':" weight "}"
#define RRG_OUT(id, rule, group, unreleased, weight)                                                   \
	"{'groupId':" group ",'routeRuleGroupId':" id ",'routeRuleId':" rule ",'unreleasedWeight':" unreleased \
	",'weight':" weight "}"
#define RRGS(list) "{'responseStatus':" OK ",'routeRuleGroups':[" list "]}"
#define RRG_LOG(id, rule, group, weight, operation, second)                                                \
	"{'createTime':" AT (second) ",'extensions':'{}','groupId':" group ",'id':" id ",'operation':'"       \
	operation "','operatorId':'ops1','reason':'r','routeRuleId':" rule ",'token':'t','updateTime':" AT ( \
		second) ",'weight':" weight "}"

#define SERVICE(instances, logic, rules)                                                                     \
	"{'instances':[" instances "],'logicInstances':[" logic "],'metadata':null,'routeRules':[" rules "]," \
	"'serviceId':'demo.hello'}"
#define LOOKUP(service) "{'responseStatus':" OK ",'services':[" service "]}"
#define SERVED_GROUP(key, ids, instances, metadata, weight)                                                    \
	"{'groupKey':'" key "','instanceIds':" ids ",'instances':" instances ",'metadata':" metadata ",'weight':" \
	weight "}"
#define SERVED_RULE(id, groups) "{'groups':[" groups "],'routeId':'" id "','strategy':'weighted-round-robin'}"

/* ---- helpers ----------------------------------------------------------- */

static void
assert_post (ArtemisTestServer *server, const char *path, const char *body, const char *expected)
{
	artemis_test_assert_post (server->port, path, body, SOUP_STATUS_OK, expected);
}

static void
post_ok (ArtemisTestServer *server, const char *path, const char *body)
{
	assert_post (server, path, body, DONE);
}

static void
assert_lookup (ArtemisTestServer *server, const char *service)
{
	g_autofree char *expected = g_strdup_printf (LOOKUP ("%s"), service);

	assert_post (server, "/api/discovery/lookup.json",
		     "{'discoveryConfigs':[{'serviceId':'demo.hello'}],'regionId':'SHA','zoneId':'SHA-Z1'}", expected);
}

static void
later (ArtemisTestServer *server, guint seconds)
{
	server->now_ms = ARTEMIS_TEST_EPOCH_MS + seconds * 1000;
}

static void
register_instances (ArtemisTestServer *server, const char *instances)
{
	g_autofree char *body = g_strdup_printf ("{'instances':[%s]}", instances);

	assert_post (server, "/api/registry/register.json", body, "{'failedInstances':null,'responseStatus':" OK "}");
}

/* ---- groups ------------------------------------------------------------ */

static void
test_groups (ArtemisTestServer *server, gconstpointer data)
{
	/* Spec Appendix B.5. */
	post_ok (server, G "insert-groups.json", INSERT_GROUPS);
	assert_post (server, G "get-all-groups.json", "{'regionId':'ignored'}", GROUPS (BLUE "," GREEN));
	/* Filters ignore case; `groupId` is ignored (protocol §14.2 #13); blank filters are dropped. */
	assert_post (server, G "get-groups.json", "{'serviceId':'DEMO.HELLO','name':'Blue','groupId':2}",
		     GROUPS (BLUE));
	assert_post (server, G "get-groups.json", "{'appId':'100001','status':'active','zoneId':' '}",
		     GROUPS (BLUE "," GREEN));
	assert_post (server, G "get-groups.json", "{'regionId':'NRT'}", GROUPS (""));

	/* An upsert by key, ignoring case: the row keeps its id and first spelling; the log what was asked. */
	later (server, 1);
	post_ok (server, G "update-groups.json",
		 "{" CTX ",'groups':[{'appId':'100002','description':'blue team','name':' BLUE','regionId':'sha',"
		 "'serviceId':'demo.hello','status':'inactive','zoneId':'sha-z1'}]}");
	assert_post (server, G "get-all-groups.json", "{}",
		     GROUPS (GROUP_OUT ("1", "blue", "100002", "'blue team'", "inactive") "," GREEN));

	/* Deleted softly; an unknown id is skipped. */
	later (server, 2);
	post_ok (server, G "delete-groups.json", "{" CTX ",'groupIds':[2,99]}");
	assert_post (server, G "get-all-groups.json", "{}",
		     GROUPS (GROUP_OUT ("1", "blue", "100002", "'blue team'", "inactive")));
	assert_post (server, G "get-groups.json", "{'name':'green'}", GROUPS (""));

	/* Inserting it again brings it back, with its id. */
	later (server, 3);
	post_ok (server, G "insert-groups.json", "{" CTX ",'groups':[" GROUP_IN ("green") "]}");
	assert_post (server, G "get-all-groups.json", "{}",
		     GROUPS (GROUP_OUT ("1", "blue", "100002", "'blue team'", "inactive") "," GREEN));

	assert_post (server, L "group-logs.json", "{'serviceId':'demo.hello','name':'GREEN'}",
		     LOGS (GROUP_LOG ("2", "green", "SHA", "SHA-Z1", "100001", "active", "op", "'r'", "00") ","
			   GROUP_LOG ("4", "green", "SHA", "SHA-Z1", "100001", "active", "op", "'r'", "02") ","
			   GROUP_LOG ("5", "green", "SHA", "SHA-Z1", "100001", "active", "op", "'r'", "03")));
	assert_post (server, L "group-logs.json", "{'appId':'100002','regionId':'SHA','zoneId':'SHA-Z1'}",
		     LOGS (GROUP_LOG ("3", "BLUE", "sha", "sha-z1", "100002", "inactive", "op", "'r'", "01")));
	assert_post (server, L "group-logs.json", "{'operation':'other','operatorId':'ops1'}", LOGS (""));
}

/* ---- route rules ------------------------------------------------------- */

static void
test_route_rules (ArtemisTestServer *server, gconstpointer data)
{
	post_ok (server, G "insert-route-rules.json", INSERT_RULE);
	assert_post (server, G "get-all-route-rules.json", "{}", RULES (AB_RULE));
	assert_post (server, G "get-route-rules.json", "{'routeRuleId':1}", RULES (AB_RULE));
	assert_post (server, G "get-route-rules.json", "{'name':'AB-RULE','status':'ACTIVE','serviceId':'demo.hello'}",
		     RULES (AB_RULE));
	assert_post (server, G "get-route-rules.json", "{'routeRuleId':2}", RULES (""));

	later (server, 1);
	post_ok (server, G "update-route-rules.json",
		 "{" CTX ",'routeRules':[{'description':null,'name':'ab-rule','serviceId':'demo.hello',"
		 "'status':'inactive','strategy':'close-by-visit'}]}");
	assert_post (server, G "get-all-route-rules.json", "{'regionId':'x'}",
		     RULES (RULE_OUT ("1", "ab-rule", "null", "inactive", "close-by-visit")));

	later (server, 2);
	post_ok (server, G "delete-route-rules.json", "{" CTX ",'routeRuleIds':[1]}");
	assert_post (server, G "get-all-route-rules.json", "{}", RULES (""));
	assert_post (server, G "get-route-rules.json", "{'routeRuleId':1}", RULES (""));
	/* A delete repeated (after a lost answer) succeeds. */
	post_ok (server, G "delete-route-rules.json", "{" CTX ",'routeRuleIds':[1,5]}");

	assert_post (server, L "route-rule-logs.json", "{'serviceId':'demo.hello'}",
		     LOGS (RULE_LOG ("1", "ab-rule", "active", "00") "," RULE_LOG ("2", "ab-rule", "inactive", "01")
			   "," RULE_LOG ("3", "ab-rule", "inactive", "02") ","
			   RULE_LOG ("4", "ab-rule", "inactive", "02")));
	assert_post (server, L "route-rule-logs.json", "{'name':'x','operation':'op','operatorId':'ops1'}", LOGS (""));
}

/* ---- route-rule groups and the release flow (protocol §9.9) ---------------- */

static void
test_route_rule_groups (ArtemisTestServer *server, gconstpointer data)
{
	post_ok (server, G "insert-groups.json", INSERT_GROUPS);
	post_ok (server, G "insert-route-rules.json", INSERT_RULE);
	post_ok (server, G "insert-route-rule-groups.json",
		 "{" CTX ",'routeRuleGroups':[" RRG_IN ("1", "1", "80") "," RRG_IN ("1", "2", "20") "]}");
	/* Review: both weights, the released one not yet there. */
	assert_post (server, G "get-route-rule-groups.json", "{'routeRuleId':1}",
		     RRGS (RRG_OUT ("1", "1", "1", "80", "null") "," RRG_OUT ("2", "1", "2", "20", "null")));

	/* `weight` of the request is not written: only a release sets it. */
	later (server, 1);
	post_ok (server, G "update-route-rule-groups.json",
		 "{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1,'unreleasedWeight':70,'weight':99}]}");
	assert_post (server, G "get-route-rule-groups.json", "{'groupId':1}", RRGS (RRG_OUT ("1", "1", "1", "70", "null")));

	/* Protocol §3.8's example. */
	later (server, 2);
	post_ok (server, G "release-route-rule-groups.json",
		 "{'extensions':'{}','operation':'op','operatorId':'ops1','reason':'r','routeRuleGroups':["
		 "{'groupId':1,'routeRuleGroupId':null,'routeRuleId':1,'unreleasedWeight':null,'weight':null},"
		 "{'groupId':2,'routeRuleGroupId':null,'routeRuleId':1,'unreleasedWeight':null,'weight':null}],"
		 "'token':'t'}");
	assert_post (server, G "get-all-route-rule-groups.json", "{}",
		     RRGS (RRG_OUT ("1", "1", "1", "70", "70") "," RRG_OUT ("2", "1", "2", "20", "20")));
	assert_post (server, G "get-route-rule-groups.json", "{'routeRuleGroupId':2}",
		     RRGS (RRG_OUT ("2", "1", "2", "20", "20")));

	later (server, 3);
	post_ok (server, G "delete-route-rule-groups.json", "{" CTX ",'routeRuleGroupIds':[2]}");
	assert_post (server, G "get-all-route-rule-groups.json", "{}", RRGS (RRG_OUT ("1", "1", "1", "70", "70")));

	/* The weight logged is the request's unreleased one; none reads as 0 (protocol §3.7). */
	assert_post (server, L "route-rule-group-logs.json", "{'routeRuleId':1}",
		     LOGS (RRG_LOG ("1", "1", "1", "80", "op", "00") "," RRG_LOG ("2", "1", "2", "20", "op", "00") ","
			   RRG_LOG ("3", "1", "1", "70", "op", "01") "," RRG_LOG ("4", "1", "1", "0", "op", "02") ","
			   RRG_LOG ("5", "1", "2", "0", "op", "02") "," RRG_LOG ("6", "1", "2", "20", "op", "03")));
	assert_post (server, L "route-rule-group-logs.json", "{'groupId':1,'operation':'OP','operatorId':'ops1'}",
		     LOGS (RRG_LOG ("1", "1", "1", "80", "op", "00") "," RRG_LOG ("3", "1", "1", "70", "op", "01") ","
			   RRG_LOG ("4", "1", "1", "0", "op", "02")));
}

/* ---- create-route-rule ------------------------------------------------- */

#define CREATE_RULE(status, blue, green)                                                                     \
	"{'extensions':'{}','groups':[{'appId':'100001','description':null,'groupId':null,'metadata':null,"   \
	"'name':'blue','regionId':'SHA','serviceId':'demo.hello','status':'active','weight':" blue ","        \
	"'zoneId':'SHA-Z1'},{'appId':'100001','description':null,'groupId':null,'metadata':null,'name':'green'," \
	"'regionId':'SHA','serviceId':'demo.hello','status':'active','weight':" green ",'zoneId':'SHA-Z1'}],"   \
	"'operation':'create-route-rule','operatorId':'ops1','reason':'ab test','routeRule':{'description':'ab'," \
	"'name':'ab-rule','routeRuleId':null,'serviceId':'demo.hello','status':'" status "',"                   \
	"'strategy':'weighted-round-robin'},'token':'t'}"
#define RELEASE_BOTH                                                                                  \
	"{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1},{'groupId':2,'routeRuleId':1}]}"
#define AB_SERVED(blue, green)                                                                                 \
	SERVED_RULE ("ab-rule", SERVED_GROUP ("demo.hello/sha/sha-z1/blue", "null", "null", "null", blue) ","    \
				SERVED_GROUP ("demo.hello/sha/sha-z1/green", "null", "null", "null", green))

static void
test_create_route_rule (ArtemisTestServer *server, gconstpointer data)
{
	/* Protocol §3.8's example: nothing released, so discovery serves 5 and 5. */
	post_ok (server, G "create-route-rule.json", CREATE_RULE ("active", "80", "20"));
	assert_post (server, G "get-all-route-rules.json", "{}", RULES (AB_RULE));
	assert_post (server, G "get-all-groups.json", "{}", GROUPS (BLUE "," GREEN));
	assert_post (server, G "get-all-route-rule-groups.json", "{}",
		     RRGS (RRG_OUT ("1", "1", "1", "80", "null") "," RRG_OUT ("2", "1", "2", "20", "null")));
	assert_lookup (server, SERVICE ("", "", AB_SERVED ("5", "5")));
	post_ok (server, G "release-route-rule-groups.json", RELEASE_BOTH);
	assert_lookup (server, SERVICE ("", "", AB_SERVED ("80", "20")));

	/* Again: an existing rule and groups are not updated, only the weights proposed. */
	later (server, 1);
	post_ok (server, G "create-route-rule.json", CREATE_RULE ("inactive", "50", "50"));
	assert_post (server, G "get-all-route-rules.json", "{}", RULES (AB_RULE));
	assert_post (server, G "get-all-route-rule-groups.json", "{}",
		     RRGS (RRG_OUT ("1", "1", "1", "50", "80") "," RRG_OUT ("2", "1", "2", "50", "20")));
	assert_lookup (server, SERVICE ("", "", AB_SERVED ("80", "20")));

	assert_post (server, L "group-logs.json", "{'operation':'create-route-rule'}",
		     LOGS (GROUP_LOG ("1", "blue", "SHA", "SHA-Z1", "100001", "active", "create-route-rule",
				      "'ab test'", "00") ","
			   GROUP_LOG ("2", "green", "SHA", "SHA-Z1", "100001", "active", "create-route-rule",
				      "'ab test'", "00") ","
			   GROUP_LOG ("3", "blue", "SHA", "SHA-Z1", "100001", "active", "create-route-rule",
				      "'ab test'", "01") ","
			   GROUP_LOG ("4", "green", "SHA", "SHA-Z1", "100001", "active", "create-route-rule",
				      "'ab test'", "01")));
	assert_post (server, L "route-rule-logs.json", "{'operatorId':'ops1'}",
		     LOGS ("{'complete':false,'createTime':" AT ("00") ",'extensions':'{}','id':1,'name':'ab-rule',"
			   "'operation':'create-route-rule','operatorId':'ops1','reason':'ab test',"
			   "'serviceId':'demo.hello','status':'active','token':'t','updateTime':" AT ("00") "},"
			   "{'complete':false,'createTime':" AT ("01") ",'extensions':'{}','id':2,'name':'ab-rule',"
			   "'operation':'create-route-rule','operatorId':'ops1','reason':'ab test',"
			   "'serviceId':'demo.hello','status':'active','token':'t','updateTime':" AT ("01") "}"));
}

/* ---- group tags (protocol §9.4) -------------------------------------------- */

#define TAGS(group, tags) "{'groupId':" group ",'tags':{" tags "}}"
#define ALL_TAGS(list) "{'allGroupTags':[" list "],'responseStatus':" OK "}"

static void
test_group_tags (ArtemisTestServer *server, gconstpointer data)
{
	post_ok (server, G "insert-groups.json", INSERT_GROUPS);
	/* No operation context needed; tags without a key or a value are skipped. */
	post_ok (server, G "insert-group-tags.json",
		 "{'groupTagsList':[{'groupId':1,'tags':{'owner':'team-a','tier':'gold',' ':'x','empty':''}}]}");
	assert_post (server, G "get-all-group-tags.json", "{}",
		     ALL_TAGS (TAGS ("1", "'owner':'team-a','tier':'gold'")));
	/* `tagId` and `tagKey` are ignored (protocol §14.2 #13). */
	assert_post (server, G "get-group-tags.json", "{'groupId':1,'tagId':5,'tagKey':'x'}",
		     "{'groupTags':" TAGS ("1", "'owner':'team-a','tier':'gold'") ",'responseStatus':" OK "}");
	assert_post (server, G "get-group-tags.json", "{'groupId':2}", "{'groupTags':null,'responseStatus':" OK "}");
	assert_post (server, G "get-group-tags.json", "{}", "{'groupTags':null,'responseStatus':" OK "}");

	post_ok (server, G "update-group-tags.json",
		 "{'groupTagsList':[{'groupId':1,'tags':{'OWNER':'team-b'}},{'groupId':2,'tags':{'owner':'team-c'}}]}");
	assert_post (server, G "get-all-group-tags.json", "{}",
		     ALL_TAGS (TAGS ("1", "'owner':'team-b','tier':'gold'") "," TAGS ("2", "'owner':'team-c'")));
	/* Served as the group's metadata. */
	assert_post (server, "/api/management/service.json", "{'serviceId':'demo.hello'}",
		     "{'groups':[" SERVED_GROUP ("demo.hello/sha/sha-z1/blue", "null", "null",
						 "{'owner':'team-b','tier':'gold'}", "null") ","
		     SERVED_GROUP ("demo.hello/sha/sha-z1/green", "null", "null", "{'owner':'team-c'}", "null")
		     "],'responseStatus':" OK ",'service':{'instances':null,'logicInstances':[],'metadata':null,"
		     "'routeRules':[],'serviceId':'demo.hello'}}");

	post_ok (server, G "delete-group-tags.json", "{" CTX ",'tag':'owner','value':'TEAM-B'}");
	assert_post (server, G "get-all-group-tags.json", "{}",
		     ALL_TAGS (TAGS ("1", "'tier':'gold'") "," TAGS ("2", "'owner':'team-c'")));
	post_ok (server, G "delete-group-tags.json", "{'groupId':2}");
	assert_post (server, G "get-all-group-tags.json", "{}", ALL_TAGS (TAGS ("1", "'tier':'gold'")));
}

/* ---- group operations (protocol §9.5, §7.3 rule 4) ------------------------- */

#define OPERATE(operations, complete)                                                             \
	"{" CTX ",'groupOperationsList':[{'groupId':1,'operations':" operations "}],'operationComplete':" \
	complete "}"
#define GROUP_OPERATION_LOG(id, operation, complete, reason, second)                                       \
	"{'complete':" complete ",'createTime':" AT (second) ",'extensions':'{}','groupId':1,'id':" id ","    \
	"'operation':'" operation "','operatorId':'ops1','reason':" reason ",'token':'t','updateTime':" AT ( \
		second) "}"

static void
test_group_operations (ArtemisTestServer *server, gconstpointer data)
{
	register_instances (server, I_BLUE "," I_GREEN);
	post_ok (server, G "insert-groups.json", INSERT_GROUPS);
	post_ok (server, G "operate-group-operations.json", OPERATE ("['pullout','drain']", "false"));
	assert_post (server, G "get-all-group-operations.json", "{}",
		     "{'allGroupOperations':[{'groupId':1,'operations':['pullout','drain']}],'responseStatus':" OK
		     "}");
	assert_post (server, G "get-group-operations.json", "{'groupId':1}",
		     "{'groupOperations':{'groupId':1,'operations':['pullout','drain']},'responseStatus':" OK "}");
	assert_post (server, G "get-group-operations.json", "{'groupId':2}",
		     "{'groupOperations':null,'responseStatus':" OK "}");
	/* Every instance of the group is down. */
	assert_post (server, "/api/management/instance-down.json", "{'instance':" I_BLUE "}",
		     "{'down':true,'responseStatus':" OK "}");
	assert_post (server, "/api/management/instance-down.json", "{'instance':" I_GREEN "}",
		     "{'down':false,'responseStatus':" OK "}");
	assert_lookup (server, SERVICE (I_GREEN, "", ""));

	later (server, 1);
	post_ok (server, G "operate-group-operations.json", OPERATE ("['PULLOUT']", "true"));
	assert_lookup (server, SERVICE (I_GREEN, "", ""));
	later (server, 2);
	post_ok (server, G "operate-group-operations.json", OPERATE ("['drain']", "true"));
	assert_post (server, G "get-all-group-operations.json", "{}",
		     "{'allGroupOperations':[],'responseStatus':" OK "}");
	assert_lookup (server, SERVICE (I_BOTH, "", ""));
	/* An empty list is a success that changes nothing. */
	post_ok (server, G "operate-group-operations.json",
		 "{" CTX ",'groupOperationsList':[],'operationComplete':false}");

	assert_post (server, L "group-operation-logs.json", "{'groupId':1}",
		     LOGS (GROUP_OPERATION_LOG ("1", "pullout", "false", "'r'", "00") ","
			   GROUP_OPERATION_LOG ("2", "drain", "false", "'r'", "00") ","
			   GROUP_OPERATION_LOG ("3", "PULLOUT", "true", "'r'", "01") ","
			   GROUP_OPERATION_LOG ("4", "drain", "true", "'r'", "02")));
	assert_post (server, L "group-operation-logs.json", "{'complete':true,'operation':'pullout'}",
		     LOGS (GROUP_OPERATION_LOG ("3", "PULLOUT", "true", "'r'", "01")));
}

#define OPERATE_ONE(complete)                                                                                 \
	"{'appId':'100001','extensions':'{}','name':'blue','operation':'pullout','operationComplete':" complete \
	",'operatorId':'ops1','regionId':'SHA','serviceId':'demo.hello','status':'active','token':'t',"           \
	"'zoneId':'SHA-Z1'}"

/* operate-group-operation: the group by name, created when missing (protocol §3.8, Appendix B.5). */
static void
test_operate_group_operation (ArtemisTestServer *server, gconstpointer data)
{
	register_instances (server, I_BLUE "," I_GREEN);
	post_ok (server, G "operate-group-operation.json", OPERATE_ONE ("false"));
	assert_post (server, G "get-all-groups.json", "{}", GROUPS (BLUE));
	assert_post (server, G "get-group-operations.json", "{'groupId':1}",
		     "{'groupOperations':{'groupId':1,'operations':['pullout']},'responseStatus':" OK "}");
	assert_lookup (server, SERVICE (I_GREEN, "", ""));
	/* The management view still shows it, down. */
	later (server, 1);
	post_ok (server, G "operate-group-operation.json", OPERATE_ONE ("true"));
	assert_lookup (server, SERVICE (I_BOTH, "", ""));
	assert_post (server, L "group-operation-logs.json", "{}",
		     LOGS (GROUP_OPERATION_LOG ("1", "pullout", "false", "null", "00") ","
			   GROUP_OPERATION_LOG ("2", "pullout", "true", "null", "01")));
	assert_post (server, L "group-logs.json", "{}",
		     LOGS (GROUP_LOG ("1", "blue", "SHA", "SHA-Z1", "100001", "active", "pullout", "null", "00")));
}

/* ---- group instances (protocol §9.6) --------------------------------------- */

#define MEMBER_LOG(id, instance, second)                                                                   \
	"{'createTime':" AT (second) ",'groupId':1,'id':" id ",'instanceId':'" instance "','operation':'op',"  \
	"'operatorId':'ops1','reason':'r','token':'t','updateTime':" AT (second) "}"

static void
test_group_instances (ArtemisTestServer *server, gconstpointer data)
{
	post_ok (server, G "insert-groups.json", INSERT_GROUPS);
	post_ok (server, G "insert-group-instances.json",
		 "{" CTX ",'groupInstances':[{'groupId':1,'instanceId':'i-9'},{'groupId':1,'instanceId':'i-10'}]}");
	assert_post (server, G "get-group-instances.json", "{'groupId':1}",
		     "{'groupInstances':[{'groupId':1,'id':1,'instanceId':'i-9'},{'groupId':1,'id':2,"
		     "'instanceId':'i-10'}],'responseStatus':" OK "}");
	assert_post (server, G "get-group-instances.json", "{'instanceId':'I-9','id':2}",
		     "{'groupInstances':[{'groupId':1,'id':1,'instanceId':'i-9'}],'responseStatus':" OK "}");
	/* Present already: nothing added, logged all the same. */
	later (server, 1);
	post_ok (server, G "insert-group-instances.json",
		 "{" CTX ",'groupInstances':[{'groupId':1,'instanceId':'i-9'}]}");
	later (server, 2);
	post_ok (server, G "delete-group-instances.json", "{" CTX ",'groupInstanceIds':[1]}");
	assert_post (server, G "get-group-instances.json", "{}",
		     "{'groupInstances':[{'groupId':1,'id':2,'instanceId':'i-10'}],'responseStatus':" OK "}");
	assert_post (server, L "group-instance-logs.json", "{'groupId':1,'instanceId':'i-9'}",
		     LOGS (MEMBER_LOG ("1", "i-9", "00") "," MEMBER_LOG ("3", "i-9", "01") ","
			   MEMBER_LOG ("4", "i-9", "02")));
}

/* ---- logical instances (protocol §9.7) ------------------------------------- */

#define LOGIC_IN                                                                                             \
	"{'description':'F5 VIP','groupId':'blue','healthCheckUrl':'http://10.0.0.8/hc','instanceId':'lb-1',"  \
	"'ip':'10.0.0.8','machineName':'lb','metadata':{'k':'v'},'port':80,'protocol':'http','regionId':'SHA'," \
	"'serviceId':'demo.hello','url':'http://10.0.0.8/hello','zoneId':'SHA-Z1'}"
#define LOGIC_OUT                                                                                            \
	"{'description':'F5 VIP','groupId':'blue','healthCheckUrl':'http://10.0.0.8/hc','id':1,"                \
	"'instanceId':'lb-1','ip':'10.0.0.8','machineName':'lb','metadata':{'k':'v'},'port':80,'protocol':'http'," \
	"'regionId':'SHA','serviceId':'demo.hello','url':'http://10.0.0.8/hello','zoneId':'SHA-Z1'}"
#define LOGIC_SERVED                                                                                        \
	"{'groupId':'blue','healthCheckUrl':'http://10.0.0.8/hc','instanceId':'lb-1','ip':'10.0.0.8',"        \
	"'machineName':'lb','metadata':{'k':'v'},'port':80,'protocol':'http','regionId':'SHA',"                \
	"'serviceId':'demo.hello','status':'up','url':'http://10.0.0.8/hello','zoneId':'SHA-Z1'}"
#define LOGIC_LOG(id, second)                                                                              \
	"{'createTime':" AT (second) ",'groupId':'blue','healthCheckUrl':'http://10.0.0.8/hc','id':" id ","  \
	"'instanceId':'lb-1','ip':'10.0.0.8','machineName':'lb','metadata':'{\\'k\\':\\'v\\'}',"         \
	"'operation':'op','operatorId':'ops1','port':80,'protocol':'http','regionId':'SHA',"                  \
	"'serviceId':'demo.hello','token':'t','updateTime':" AT (second) ",'url':'http://10.0.0.8/hello',"     \
	"'zoneId':'SHA-Z1'}"
#define PULL_LB(complete)                                                                                  \
	"{'instanceKey':{'instanceId':'lb-1','regionId':'SHA','serviceId':'demo.hello'},'operation':'pullout'," \
	"'operationComplete':" complete ",'operatorId':'ops1','token':'t'}"

static void
test_service_instances (ArtemisTestServer *server, gconstpointer data)
{
	/* Spec Appendix B.5. */
	post_ok (server, G "insert-service-instances.json", "{" CTX ",'serviceInstances':[" LOGIC_IN "]}");
	assert_post (server, G "get-service-instances.json", "{'serviceId':'demo.hello'}",
		     "{'responseStatus':" OK ",'serviceInstances':[" LOGIC_OUT "]}");
	assert_post (server, G "get-service-instances.json", "{'instanceId':'LB-1','serviceId':''}",
		     "{'responseStatus':" OK ",'serviceInstances':[" LOGIC_OUT "]}");
	assert_post (server, G "get-service-instances.json", "{'instanceId':'lb-2'}",
		     "{'responseStatus':" OK ",'serviceInstances':[]}");
	/* Discovered as `up` logical instances (protocol §7.2), pulled out like any other (§7.3). */
	assert_lookup (server, SERVICE ("", LOGIC_SERVED, ""));
	post_ok (server, "/api/management/operate-instance.json", PULL_LB ("false"));
	assert_lookup (server, SERVICE ("", "", ""));
	post_ok (server, "/api/management/operate-instance.json", PULL_LB ("true"));
	assert_lookup (server, SERVICE ("", LOGIC_SERVED, ""));

	/* Spec Appendix B.4; the filters are not swapped as in Java (§14.2 #12). */
	assert_post (server, L "service-instance-logs.json", "{'serviceId':'demo.hello'}", LOGS (LOGIC_LOG ("1", "00")));
	assert_post (server, L "service-instance-logs.json", "{'operation':'op','operatorId':'ops1','instanceId':'lb-1'}",
		     LOGS (LOGIC_LOG ("1", "00")));
	assert_post (server, L "service-instance-logs.json", "{'operation':'ops1'}", LOGS (""));

	later (server, 1);
	post_ok (server, G "delete-service-instances.json", "{" CTX ",'serviceInstanceIds':[1]}");
	assert_post (server, G "get-service-instances.json", "{}", "{'responseStatus':" OK ",'serviceInstances':[]}");
	assert_lookup (server, SERVICE ("", "", ""));
	assert_post (server, L "service-instance-logs.json", "{}",
		     LOGS (LOGIC_LOG ("1", "00") "," LOGIC_LOG ("2", "01")));
}

/* ---- canary (protocol §3.10, §8.4) ----------------------------------------- */

#define CANARY(ips) "{'appId':'100001'," CTX ",'canaryIps':" ips ",'serviceId':'demo.hello'}"
#define I_CANARY INSTANCE ("10.0.0.9", "null")
#define CANARY_SERVED(ids, instances)                                                                           \
	"{'groups':[" SERVED_GROUP ("demo.hello/sha/canary/100001", ids, "[" instances "]", "null", "5") "],"  \
	"'routeId':'canary-route-rule','strategy':'weighted-round-robin'}"

static void
test_canary (ArtemisTestServer *server, gconstpointer data)
{
	register_instances (server, I_CANARY "," I_BLUE);
	/* Spec Appendix B.6. */
	post_ok (server, "/api/management/canary/update-canary-ips.json", CANARY ("['10.0.0.9','10.0.0.10']"));
	assert_post (server, G "get-all-route-rules.json", "{}",
		     RULES (RULE_OUT ("1", "canary-route-rule", "null", "active", "weighted-round-robin")));
	assert_post (server, G "get-all-groups.json", "{}",
		     GROUPS ("{'appId':'100001','description':null,'groupId':1,'groupKey':"
			     "'demo.hello/sha/canary/100001','metadata':null,'name':'100001','regionId':'SHA',"
			     "'serviceId':'demo.hello','status':'active','zoneId':'canary'}"));
	assert_post (server, G "get-all-route-rule-groups.json", "{}", RRGS (RRG_OUT ("1", "1", "1", "5", "null")));
	/* The canary group's instances are materialised (protocol §7.2 step 3). */
	assert_lookup (server, SERVICE (I_BLUE "," I_CANARY, "",
					CANARY_SERVED ("['10.0.0.9','10.0.0.10']", I_CANARY)));

	/* A set: 10.0.0.9 leaves, 10.0.0.11 comes. */
	later (server, 1);
	post_ok (server, "/api/management/canary/update-canary-ips.json", CANARY ("['10.0.0.10','10.0.0.11']"));
	assert_lookup (server, SERVICE (I_BLUE "," I_CANARY, "", CANARY_SERVED ("['10.0.0.10','10.0.0.11']", "")));
	/* Clearing it leaves a rule with a group without members. */
	later (server, 2);
	post_ok (server, "/api/management/canary/update-canary-ips.json", CANARY ("[]"));
	assert_lookup (server, SERVICE (I_BLUE "," I_CANARY, "", CANARY_SERVED ("null", "")));
	assert_post (server, G "get-all-route-rule-groups.json", "{}", RRGS (RRG_OUT ("1", "1", "1", "5", "null")));
	assert_post (server, L "group-instance-logs.json", "{'operation':'op'}",
		     LOGS (MEMBER_LOG ("1", "10.0.0.9", "00") "," MEMBER_LOG ("2", "10.0.0.10", "00") ","
			   MEMBER_LOG ("3", "10.0.0.11", "01") "," MEMBER_LOG ("4", "10.0.0.9", "01") ","
			   MEMBER_LOG ("5", "10.0.0.10", "02") "," MEMBER_LOG ("6", "10.0.0.11", "02")));
}

/* ---- what discovery serves (protocol §8.1) --------------------------------- */

static void
test_discovery (ArtemisTestServer *server, gconstpointer data)
{
	register_instances (server, I_BLUE "," I_GREEN);
	post_ok (server, G "create-route-rule.json", CREATE_RULE ("active", "80", "20"));
	post_ok (server, G "release-route-rule-groups.json", RELEASE_BOTH);
	post_ok (server, G "insert-group-tags.json", "{'groupTagsList':[{'groupId':1,'tags':{'owner':'team-a'}}]}");
	post_ok (server, G "insert-group-instances.json",
		 "{" CTX ",'groupInstances':[{'groupId':2,'instanceId':'i-1'}]}");
	assert_lookup (server,
		       SERVICE (I_BOTH, "",
				SERVED_RULE ("ab-rule",
					     SERVED_GROUP ("demo.hello/sha/sha-z1/blue", "null", "null",
							   "{'owner':'team-a'}", "80") ","
					     SERVED_GROUP ("demo.hello/sha/sha-z1/green", "['i-1']", "null", "null",
							   "20"))));
	/* An inactive group is left out; a rule left without groups too. */
	post_ok (server, G "update-groups.json",
		 "{" CTX ",'groups':[{'appId':'100001','name':'green','regionId':'SHA','serviceId':'demo.hello',"
		 "'status':'inactive','zoneId':'SHA-Z1'}]}");
	assert_lookup (server, SERVICE (I_BOTH, "",
					SERVED_RULE ("ab-rule", SERVED_GROUP ("demo.hello/sha/sha-z1/blue", "null",
									      "null", "{'owner':'team-a'}", "80"))));
	post_ok (server, G "delete-groups.json", "{" CTX ",'groupIds':[1]}");
	assert_lookup (server, SERVICE (I_BOTH, "", ""));
	/* The management view lists the groups not deleted, whatever their status. */
	assert_post (server, "/api/management/service.json", "{'serviceId':'demo.hello'}",
		     "{'groups':[" SERVED_GROUP ("demo.hello/sha/sha-z1/green", "['i-1']", "null", "null", "null")
		     "],'responseStatus':" OK ",'service':{'instances':["
		     "{'groupId':'blue','healthCheckUrl':null,'instanceId':'i-1','ip':'10.0.0.5','machineName':'app',"
		     "'metadata':{'creationTime':'1700000000000','renewalTime':'1700000000000','ttl':'20000'},"
		     "'port':8080,'protocol':'http','regionId':'SHA','serviceId':'demo.hello','status':'up',"
		     "'url':'http://10.0.0.5:8080/i-1','zoneId':'SHA-Z1'},"
		     "{'groupId':'green','healthCheckUrl':null,'instanceId':'i-2','ip':'10.0.0.5','machineName':'app',"
		     "'metadata':{'creationTime':'1700000000000','renewalTime':'1700000000000','ttl':'20000'},"
		     "'port':8080,'protocol':'http','regionId':'SHA','serviceId':'demo.hello','status':'up',"
		     "'url':'http://10.0.0.5:8080/i-2','zoneId':'SHA-Z1'}],'logicInstances':[],'metadata':null,"
		     "'routeRules':[],'serviceId':'demo.hello'}}");
	/* An inactive rule is left out. */
	post_ok (server, G "update-groups.json", INSERT_GROUPS);
	post_ok (server, G "update-route-rules.json", "{" CTX ",'routeRules':[" RULE_IN ("ab-rule", "inactive") "]}");
	assert_lookup (server, SERVICE (I_BOTH, "", ""));
}

/* Requests sent at once, answered in any order. */
typedef struct {
	guint pending;
	guint failed;
} Burst;

static void
on_burst_answer (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Burst *burst = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
	g_autofree char *expected = artemis_test_json (DONE);

	if (body == NULL || g_bytes_get_size (body) != strlen (expected) ||
	    memcmp (g_bytes_get_data (body, NULL), expected, strlen (expected)) != 0) {
		g_test_message ("unexpected answer (%s): %.*s", error != NULL ? error->message : "", body != NULL ? (int) g_bytes_get_size (body) : 0,
				body != NULL ? (const char *) g_bytes_get_data (body, NULL) : "");
		burst->failed++;
	}
	burst->pending--;
}

static void
burst_post (SoupSession *session, Burst *burst, guint port, const char *path, const char *body)
{
	g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
	g_autofree char *json = artemis_test_json (body);
	g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
	g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));

	soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
	burst->pending++;
	soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_burst_answer, burst);
}

/*
 * Writes sent at once take their turn one by one, each checked and
 * numbered against every write before it: the same group inserted by
 * many requests is one group, new groups get distinct ids, nothing fails.
 */
static void
test_concurrent_writes (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (SoupSession) session = soup_session_new_with_options ("max-conns", 8, "max-conns-per-host", 8,
									 NULL);
	g_autoptr (ArtemisTestResponse) all = NULL;
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autoptr (GHashTable) ids = g_hash_table_new (NULL, NULL);
	Burst burst = { 0 };
	JsonArray *groups;

	for (guint i = 0; i < 12; i++) {
		g_autofree char *other = g_strdup_printf ("{" CTX ",'groups':[" GROUP_IN ("blue") ",{'appId':'1',"
							  "'name':'g%u','regionId':'SHA','serviceId':'demo.hello',"
							  "'status':'active','zoneId':'SHA-Z1'}]}",
							  i);

		burst_post (session, &burst, server->port, G "insert-groups.json", INSERT_GROUPS);
		burst_post (session, &burst, server->port, G "insert-groups.json", other);
		burst_post (session, &burst, server->port, G "insert-route-rules.json", INSERT_RULE);
	}
	while (burst.pending > 0)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpuint (burst.failed, ==, 0);

	all = artemis_test_post (server->port, G "get-all-groups.json", "{}");
	g_assert_true (json_parser_load_from_data (parser, all->text, -1, NULL));
	groups = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "groups");
	/* blue, green and g0…g11 */
	g_assert_cmpuint (json_array_get_length (groups), ==, 14);
	for (guint i = 0; i < json_array_get_length (groups); i++) {
		gint64 id = json_object_get_int_member (json_array_get_object_element (groups, i), "groupId");

		g_assert_cmpint (id, >=, 1);
		g_assert_cmpint (id, <=, 14);
		g_assert_true (g_hash_table_add (ids, GINT_TO_POINTER (id)));
	}
	artemis_test_assert_post (server->port, G "get-all-route-rules.json", "{}", SOUP_STATUS_OK, RULES (AB_RULE));
}

/* Only POST (protocol §3.8). */
static void
test_methods (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) get = artemis_test_get (server->port, G "get-all-groups.json");
	g_autoptr (ArtemisTestResponse) canary =
		artemis_test_get (server->port, "/api/management/canary/update-canary-ips.json");
	g_autoptr (ArtemisTestResponse) log = artemis_test_get (server->port, L "group-logs.json");

	g_assert_cmpuint (get->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
	g_assert_cmpuint (canary->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
	g_assert_cmpuint (log->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

#define ADD(path, func)                                                                                  \
	g_test_add ("/artemis/groups-api/" path, ArtemisTestServer, default_config, artemis_test_server_setup, \
		    func, artemis_test_server_teardown)
	ADD ("groups", test_groups);
	ADD ("route-rules", test_route_rules);
	ADD ("route-rule-groups", test_route_rule_groups);
	ADD ("create-route-rule", test_create_route_rule);
	ADD ("group-tags", test_group_tags);
	ADD ("group-operations", test_group_operations);
	ADD ("operate-group-operation", test_operate_group_operation);
	ADD ("group-instances", test_group_instances);
	ADD ("service-instances", test_service_instances);
	ADD ("canary", test_canary);
	ADD ("discovery", test_discovery);
	ADD ("methods", test_methods);
	ADD ("concurrent-writes", test_concurrent_writes);
#undef ADD

	return g_test_run ();
}
