/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "artemis-storage-sqlite-plugin.h"
#include "artemis-storage-sqlite-schema.h"
#include "artemis-test-utils.h"

/*
 * Routing through the built artemisd: the walk-through of docs/routing.md
 * step by step (two groups, a rule at 80/20, review, release, the split
 * over 10,000 routed calls, 50/50, canary IPs, a group pulled out); every
 * kind of group state surviving SIGKILL; a version-1 database with data
 * migrated in place. JSON is written with ' for ".
 */

#define CONFIG "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define DONE "{'responseStatus':" OK "}"
/* The operation context of every write of the walk-through. */
#define CTX "'extensions':'{}','operation':'ab-test','operatorId':'ops1','reason':'blue/green','token':'t'"
#define G "/api/management/group/"

#define INSTANCE(id, group)                                                                                \
	"{'groupId':'" group "','instanceId':'" id "','ip':'10.0.0.5','port':8080,'protocol':'http',"       \
	"'regionId':'SHA','serviceId':'demo.hello','status':'up','url':'http://10.0.0.5:8080/" id "',"      \
	"'zoneId':'SHA-Z1'}"
#define REGISTER_ALL                                                                                      \
	"{'instances':[" INSTANCE ("b-1", "blue") "," INSTANCE ("b-2", "blue") "," INSTANCE ("g-1", "green") \
	"," INSTANCE ("g-2", "green") "," INSTANCE ("10.0.0.9", "canary-build") "]}"
#define GROUP_IN(name)                                                                                      \
	"{'appId':'100001','name':'" name "','regionId':'SHA','serviceId':'demo.hello','status':'active',"   \
	"'zoneId':'SHA-Z1'}"
#define WEIGHTS(blue, green)                                                                                 \
	"{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1,'unreleasedWeight':" blue "},"              \
	"{'groupId':2,'routeRuleId':1,'unreleasedWeight':" green "}]}"
#define RELEASE "{" CTX ",'routeRuleGroups':[{'groupId':1,'routeRuleId':1},{'groupId':2,'routeRuleId':1}]}"
#define PULL_BLUE(complete)                                                                                  \
	"{" CTX ",'appId':'100001','name':'blue','regionId':'SHA','serviceId':'demo.hello','status':'active'," \
	"'zoneId':'SHA-Z1','operationComplete':" complete "}"

static gboolean
have_daemon (void)
{
	if (artemis_test_daemon_get_path () != NULL)
		return TRUE;
	g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
	return FALSE;
}

static char *
post (ArtemisTestDaemon *daemon, const char *path, const char *body)
{
	g_autoptr (ArtemisTestResponse) response =
		artemis_test_post (artemis_test_daemon_get_port (daemon), path, body);

	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	return g_strdup (response->text);
}

static void
assert_post (ArtemisTestDaemon *daemon, const char *path, const char *body, const char *expected)
{
	g_autofree char *answer = post (daemon, path, body);
	g_autofree char *json = artemis_test_json (expected);

	g_assert_cmpstr (answer, ==, json);
}

static void
post_ok (ArtemisTestDaemon *daemon, const char *path, const char *body)
{
	assert_post (daemon, path, body, DONE);
}

static void
register_all (ArtemisTestDaemon *daemon)
{
	assert_post (daemon, "/api/registry/register.json", REGISTER_ALL,
		     "{'failedInstances':null,'responseStatus':" OK "}");
}

/* How many of @calls route calls of @count picks each by rule @route_id land in @group. */
static guint
route_picks (ArtemisTestDaemon *daemon, const char *route_id, guint calls, guint count, const char *group)
{
	g_autofree char *body = g_strdup_printf ("{'count':%u,'discoveryConfig':{'serviceId':'demo.hello'},"
						 "'regionId':'SHA','routeId':'%s','zoneId':'SHA-Z1'}",
						 count, route_id);
	g_autofree char *needle = g_strdup_printf ("\"groupId\":\"%s\"", group);
	guint found = 0;

	for (guint i = 0; i < calls; i++) {
		g_autofree char *answer = post (daemon, "/api/discovery/route.json", body);

		for (const char *p = strstr (answer, needle); p != NULL; p = strstr (p + 1, needle))
			found++;
	}
	return found;
}

/* Over 10,000 picks (10 calls of 1000), @group's share is @percent within 2 %. */
static void
assert_share (ArtemisTestDaemon *daemon, const char *group, guint percent)
{
	guint picks = route_picks (daemon, "ab-rule", 10, 1000, group);

	g_test_message ("%s: %u of 10000 picks (want %u %%)", group, picks, percent);
	g_assert_cmpuint (picks, >=, (percent - 2) * 100);
	g_assert_cmpuint (picks, <=, (percent + 2) * 100);
}

/* ---- the walk-through of docs/routing.md -------------------------------- */

static void
test_walk_through (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	g_assert_true (artemis_test_daemon_start (daemon));
	register_all (daemon);

	/* 1. Two groups. */
	post_ok (daemon, G "insert-groups.json", "{" CTX ",'groups':[" GROUP_IN ("blue") "," GROUP_IN ("green") "]}");
	assert_post (daemon, G "get-groups.json", "{'serviceId':'demo.hello','name':'green'}",
		     "{'groups':[{'appId':'100001','description':null,'groupId':2,"
		     "'groupKey':'demo.hello/sha/sha-z1/green','metadata':null,'name':'green','regionId':'SHA',"
		     "'serviceId':'demo.hello','status':'active','zoneId':'SHA-Z1'}],'responseStatus':" OK "}");

	/* 2. A rule, its groups at 80/20. */
	post_ok (daemon, G "insert-route-rules.json",
		 "{" CTX ",'routeRules':[{'description':'blue/green','name':'ab-rule','serviceId':'demo.hello',"
		 "'status':'active','strategy':'weighted-round-robin'}]}");
	post_ok (daemon, G "insert-route-rule-groups.json", WEIGHTS ("80", "20"));

	/* 3. Review: proposed, not yet served. */
	assert_post (daemon, G "get-route-rule-groups.json", "{'routeRuleId':1}",
		     "{'responseStatus':" OK ",'routeRuleGroups':[{'groupId':1,'routeRuleGroupId':1,'routeRuleId':1,"
		     "'unreleasedWeight':80,'weight':null},{'groupId':2,'routeRuleGroupId':2,'routeRuleId':1,"
		     "'unreleasedWeight':20,'weight':null}]}");
	assert_share (daemon, "blue", 50);

	/* 4. Release; 5. the split. */
	post_ok (daemon, G "release-route-rule-groups.json", RELEASE);
	assert_share (daemon, "blue", 80);
	assert_share (daemon, "green", 20);

	/* 6. Shift to 50/50. */
	post_ok (daemon, G "update-route-rule-groups.json", WEIGHTS ("50", "50"));
	assert_share (daemon, "blue", 80);
	post_ok (daemon, G "release-route-rule-groups.json", RELEASE);
	assert_share (daemon, "blue", 50);
	assert_share (daemon, "green", 50);

	/* 7. Canary IPs: the canary rule's group holds the instance 10.0.0.9. */
	post_ok (daemon, "/api/management/canary/update-canary-ips.json",
		 "{'appId':'100001'," CTX ",'canaryIps':['10.0.0.9'],'serviceId':'demo.hello'}");
	g_assert_cmpuint (route_picks (daemon, "canary-route-rule", 1, 100, "canary-build"), ==, 100);

	/* 8. Pull blue out, and back in. */
	post_ok (daemon, G "operate-group-operation.json", PULL_BLUE ("false"));
	g_assert_cmpuint (route_picks (daemon, "ab-rule", 1, 1000, "blue"), ==, 0);
	g_assert_cmpuint (route_picks (daemon, "ab-rule", 1, 1000, "green"), ==, 1000);
	post_ok (daemon, G "operate-group-operation.json", PULL_BLUE ("true"));
	assert_share (daemon, "blue", 50);
}

/* ---- SIGKILL keeps everything answered --------------------------------- */

/* Everything the group endpoints can read back, and discovery, in one text. */
static char *
snapshot (ArtemisTestDaemon *daemon)
{
	const char *const paths[] = {
		G "get-all-groups.json",	    G "get-all-route-rules.json",
		G "get-all-route-rule-groups.json", G "get-all-group-tags.json",
		G "get-all-group-operations.json",  G "get-group-instances.json",
		G "get-service-instances.json",	    "/api/management/log/group-logs.json",
		"/api/management/log/route-rule-logs.json",
		"/api/management/log/route-rule-group-logs.json",
		"/api/management/log/group-operation-logs.json",
		"/api/management/log/group-instance-logs.json",
		"/api/management/log/service-instance-logs.json",
	};
	GString *text = g_string_new (NULL);

	for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
		g_autofree char *answer = post (daemon, paths[i], "{}");

		g_string_append_printf (text, "%s\n", answer);
	}
	return g_string_free (text, FALSE);
}

static char *
lookup (ArtemisTestDaemon *daemon)
{
	return post (daemon, "/api/discovery/lookup.json",
		     "{'discoveryConfigs':[{'serviceId':'demo.hello'}],'regionId':'SHA','zoneId':'SHA-Z1'}");
}

static void
kill_and_restart (ArtemisTestDaemon *daemon)
{
	int status;

	g_assert_true (artemis_test_daemon_send_signal (daemon, SIGKILL));
	g_assert_true (artemis_test_daemon_wait (daemon, 5000));
	g_assert_false (artemis_test_daemon_get_exit_status (daemon, &status));
	g_assert_true (artemis_test_daemon_start (daemon));
}

/* Every kind of group state, the released and the unreleased weights apart. */
static void
write_everything (ArtemisTestDaemon *daemon)
{
	post_ok (daemon, G "insert-groups.json",
		 "{" CTX ",'groups':[" GROUP_IN ("blue") "," GROUP_IN ("green") "," GROUP_IN ("gone") "]}");
	post_ok (daemon, G "delete-groups.json", "{" CTX ",'groupIds':[3]}");
	post_ok (daemon, G "insert-route-rules.json",
		 "{" CTX ",'routeRules':[{'name':'ab-rule','serviceId':'demo.hello','status':'active',"
		 "'strategy':'weighted-round-robin'}]}");
	post_ok (daemon, G "insert-route-rule-groups.json", WEIGHTS ("80", "20"));
	post_ok (daemon, G "release-route-rule-groups.json", RELEASE);
	post_ok (daemon, G "update-route-rule-groups.json", WEIGHTS ("50", "50"));
	post_ok (daemon, G "insert-group-tags.json", "{'groupTagsList':[{'groupId':1,'tags':{'owner':'team-a'}}]}");
	post_ok (daemon, G "insert-group-instances.json", "{" CTX ",'groupInstances':[{'groupId':2,'instanceId':'b-1'}]}");
	post_ok (daemon, G "operate-group-operations.json",
		 "{" CTX ",'groupOperationsList':[{'groupId':2,'operations':['pullout']}],'operationComplete':false}");
	post_ok (daemon, G "insert-service-instances.json",
		 "{" CTX ",'serviceInstances':[{'groupId':'blue','healthCheckUrl':'http://10.0.0.8/hc',"
		 "'instanceId':'lb-1','ip':'10.0.0.8','machineName':'lb','metadata':{'k':'v'},'port':80,"
		 "'protocol':'http','regionId':'SHA','serviceId':'demo.hello','url':'http://10.0.0.8/',"
		 "'zoneId':'SHA-Z1'}]}");
	post_ok (daemon, "/api/management/canary/update-canary-ips.json",
		 "{'appId':'100001'," CTX ",'canaryIps':['10.0.0.9'],'serviceId':'demo.hello'}");
}

static void
test_durability (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autofree char *before = NULL;
	g_autofree char *served = NULL;
	g_autofree char *after = NULL;
	g_autofree char *served_after = NULL;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	g_assert_true (artemis_test_daemon_start (daemon));
	register_all (daemon);
	write_everything (daemon);
	before = snapshot (daemon);
	served = lookup (daemon);
	g_assert_nonnull (strstr (before, "\"unreleasedWeight\":50,\"weight\":80"));

	kill_and_restart (daemon);
	register_all (daemon);
	after = snapshot (daemon);
	served_after = lookup (daemon);
	g_assert_cmpstr (after, ==, before);
	g_assert_cmpstr (served_after, ==, served);
	/* Ids go on from where they were. */
	post_ok (daemon, G "insert-groups.json", "{" CTX ",'groups':[" GROUP_IN ("new") "]}");
	assert_post (daemon, G "get-groups.json", "{'name':'new'}",
		     "{'groups':[{'appId':'100001','description':null,'groupId':5,"
		     "'groupKey':'demo.hello/sha/sha-z1/new','metadata':null,'name':'new','regionId':'SHA',"
		     "'serviceId':'demo.hello','status':'active','zoneId':'SHA-Z1'}],'responseStatus':" OK "}");
}

/* ---- a version-1 database ----------------------------------------------- */

static int
schema_version (const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int version;

	g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT version FROM schema_version", -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	version = sqlite3_column_int (stmt, 0);
	sqlite3_finalize (stmt);
	sqlite3_close (db);
	return version;
}

static void
test_migration (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autofree char *path = NULL;
	g_autoptr (GError) error = NULL;
	sqlite3 *db = NULL;
	const char *pulled_out = "{'allInstanceOperations':[{'instanceKey':{'instanceId':'b-1','regionId':'SHA',"
				 "'serviceId':'demo.hello'},'operations':['pullout']}],'responseStatus':" OK "}";

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	g_assert_cmpint (g_mkdir_with_parents (artemis_test_daemon_get_data_dir (daemon), 0750), ==, 0);
	path = g_build_filename (artemis_test_daemon_get_data_dir (daemon), "artemis.db", NULL);
	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	g_assert_true (artemis_storage_sqlite_migrate_to (db, 1, &error));
	g_assert_no_error (error);
	g_assert_cmpint (sqlite3_exec (db,
				       "INSERT INTO instance (region_id, service_id, instance_id, operation, operator_id, "
				       "token, create_time, update_time) VALUES ('SHA', 'demo.hello', 'b-1', 'pullout', "
				       "'ops1', 't', 1, 1)",
				       NULL, NULL, NULL),
			 ==, SQLITE_OK);
	sqlite3_close (db);

	g_assert_true (artemis_test_daemon_start (daemon));
	assert_post (daemon, "/api/management/all-instance-operations.json", "{}", pulled_out);
	post_ok (daemon, G "insert-groups.json", "{" CTX ",'groups':[" GROUP_IN ("blue") "]}");
	kill_and_restart (daemon);
	assert_post (daemon, "/api/management/all-instance-operations.json", "{}", pulled_out);
	assert_post (daemon, G "get-all-groups.json", "{}",
		     "{'groups':[{'appId':'100001','description':null,'groupId':1,"
		     "'groupKey':'demo.hello/sha/sha-z1/blue','metadata':null,'name':'blue','regionId':'SHA',"
		     "'serviceId':'demo.hello','status':'active','zoneId':'SHA-Z1'}],'responseStatus':" OK "}");
	g_assert_cmpint (schema_version (path), ==, ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	g_test_add_func ("/artemis/routing-e2e/walk-through", test_walk_through);
	g_test_add_func ("/artemis/routing-e2e/durability", test_durability);
	g_test_add_func ("/artemis/routing-e2e/migration", test_migration);

	return g_test_run ();
}
