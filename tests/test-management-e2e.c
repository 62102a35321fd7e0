/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "artemis-test-utils.h"

/*
 * Management through the built artemisd: every answered operation survives
 * SIGKILL and a restart on the same data directory, in discovery and in the
 * audit log; a database that cannot be used stops the daemon with a clear
 * message instead of letting it serve without persistence.
 * JSON is written with ' for ".
 */

#define CONFIG "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define INSTANCE_OF(id, ip, service)                                                                     \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'" id "','ip':'" ip "','machineName':'app',"  \
	"'metadata':null,'port':8080,'protocol':'http','regionId':'SHA','serviceId':'" service "',"         \
	"'status':'up','url':'http://" ip ":8080/','zoneId':'SHA-Z1'}"
#define I1 INSTANCE_OF ("i-1", "10.0.0.5", "demo.hello")
#define I3 INSTANCE_OF ("i-3", "10.0.0.6", "other.svc")
#define I4 INSTANCE_OF ("i-4", "10.0.0.7", "third.svc")
#define WHO "'operatorId':'ops1','token':'t'"
#define PULL_I1(operation, complete)                                                                           \
	"{'instanceKey':{'instanceId':'i-1','regionId':'SHA','serviceId':'demo.hello'},'operation':'" operation \
	"','operationComplete':" complete "," WHO "}"
#define PULL_SERVER(complete)                                                  \
	"{'operation':'pullout','operationComplete':" complete "," WHO ","     \
	"'serverKey':{'regionId':'SHA','serverId':'10.0.0.6'}}"
#define PULL_ZONE(complete)                                                                                    \
	"{'operationComplete':" complete "," WHO ",'zoneOperationsList':[{'operations':['pullout'],"            \
	"'zoneKey':{'regionId':'SHA','serviceId':'third.svc','zoneId':'SHA-Z1'}}]}"
#define SERVICE(id, instances) \
	"{'instances':[" instances "],'logicInstances':[],'metadata':null,'routeRules':[],'serviceId':'" id "'}"

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
	g_autofree char *converted = artemis_test_json (body);
	g_autoptr (ArtemisTestResponse) response =
		artemis_test_post_json (artemis_test_daemon_get_port (daemon), path, converted);

	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	return g_strdup (response->text);
}

/* Log rows carry the wall clock: their times become T. */
static char *
without_times (const char *text)
{
	g_autoptr (GRegex) times = g_regex_new ("\"(createTime|updateTime)\":[0-9]+", 0, 0, NULL);

	return g_regex_replace (times, text, -1, 0, "\"\\1\":T", 0, NULL);
}

static void
assert_post (ArtemisTestDaemon *daemon, const char *path, const char *body, const char *expected)
{
	g_autofree char *answer = post (daemon, path, body);
	g_autofree char *got = without_times (answer);
	g_autofree char *converted = artemis_test_json (expected);

	g_assert_cmpstr (got, ==, converted);
}

static void
register_all (ArtemisTestDaemon *daemon)
{
	assert_post (daemon, "/api/registry/register.json", "{'instances':[" I1 "," I3 "," I4 "]}",
		     "{'failedInstances':null,'responseStatus':" OK "}");
}

static void
assert_lookup (ArtemisTestDaemon *daemon, const char *hello, const char *other, const char *third)
{
	g_autofree char *expected = g_strdup_printf ("{'responseStatus':" OK ",'services':[%s,%s,%s]}", hello,
						     other, third);

	assert_post (daemon, "/api/discovery/lookup.json",
		     "{'discoveryConfigs':[{'serviceId':'demo.hello'},{'serviceId':'other.svc'},"
		     "{'serviceId':'third.svc'}],'regionId':'SHA','zoneId':'SHA-Z1'}",
		     expected);
}

/* SIGKILL: no chance to flush or close anything. */
static void
kill_and_restart (ArtemisTestDaemon *daemon)
{
	int status;

	g_assert_true (artemis_test_daemon_send_signal (daemon, SIGKILL));
	g_assert_true (artemis_test_daemon_wait (daemon, 5000));
	g_assert_false (artemis_test_daemon_get_exit_status (daemon, &status));
	g_assert_true (artemis_test_daemon_start (daemon));
}

#define OUT_HELLO SERVICE ("demo.hello", "")
#define OUT_OTHER SERVICE ("other.svc", "")
#define OUT_THIRD SERVICE ("third.svc", "")
#define IN_HELLO SERVICE ("demo.hello", I1)
#define IN_OTHER SERVICE ("other.svc", I3)
#define IN_THIRD SERVICE ("third.svc", I4)
#define INSTANCE_LOG(id, operation, complete)                                                             \
	"{'complete':" complete ",'createTime':T,'extensions':'{}','id':" id ",'instanceId':'i-1',"        \
	"'operation':'" operation "','operatorId':'ops1','regionId':'SHA','serviceId':'demo.hello',"         \
	"'token':'t','updateTime':T}"
#define SERVER_LOG(id, complete)                                                                          \
	"{'complete':" complete ",'createTime':T,'extensions':'{}','id':" id ",'operation':'pullout',"     \
	"'operatorId':'ops1','regionId':'SHA','serverId':'10.0.0.6','token':'t','updateTime':T}"
#define ZONE_LOG(id, complete)                                                                            \
	"{'complete':" complete ",'createTime':T,'id':" id ",'operation':'pullout','operatorId':'ops1',"    \
	"'regionId':'SHA','serviceId':'third.svc','token':'t','updateTime':T,'zoneId':'SHA-Z1'}"
#define LOGS(list) "{'logs':[" list "],'responseStatus':" OK "}"

static void
assert_schema_version (ArtemisTestDaemon *daemon, int expected)
{
	g_autofree char *path = g_build_filename (artemis_test_daemon_get_data_dir (daemon), "artemis.db", NULL);
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT version FROM schema_version", -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, expected);
	sqlite3_finalize (stmt);
	sqlite3_close (db);
}

static void
test_durability (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	/* An empty data directory: the database is created at the current schema. */
	g_assert_true (artemis_test_daemon_start (daemon));
	assert_schema_version (daemon, 2);
	register_all (daemon);
	assert_post (daemon, "/api/management/operate-instance.json", PULL_I1 ("pullout", "false"),
		     "{'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/operate-instance.json", PULL_I1 ("extra", "false"),
		     "{'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/operate-instance.json", PULL_I1 ("extra", "true"),
		     "{'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/operate-server.json", PULL_SERVER ("false"), "{'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/zone/operate-zone-operations.json", PULL_ZONE ("false"),
		     "{'responseStatus':" OK "}");
	kill_and_restart (daemon);

	/* Registrations are not kept: clients register again; the pull-outs are in force. */
	assert_lookup (daemon, OUT_HELLO, OUT_OTHER, OUT_THIRD);
	register_all (daemon);
	assert_lookup (daemon, OUT_HELLO, OUT_OTHER, OUT_THIRD);
	assert_post (daemon, "/api/management/all-instance-operations.json", "{}",
		     "{'allInstanceOperations':[{'instanceKey':{'instanceId':'i-1','regionId':'SHA',"
		     "'serviceId':'demo.hello'},'operations':['pullout']}],'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/server-down.json",
		     "{'serverKey':{'regionId':'SHA','serverId':'10.0.0.6'}}", "{'down':true,'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/zone/is-zone-down.json",
		     "{'zoneKey':{'regionId':'SHA','serviceId':'third.svc','zoneId':'SHA-Z1'}}",
		     "{'down':true,'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/log/instance-operation-logs.json", "{}",
		     LOGS (INSTANCE_LOG ("1", "pullout", "false") "," INSTANCE_LOG ("2", "extra", "false") ","
			   INSTANCE_LOG ("3", "extra", "true")));
	assert_post (daemon, "/api/management/log/server-operation-logs.json", "{}", LOGS (SERVER_LOG ("1", "false")));
	assert_post (daemon, "/api/management/log/zone-operation-logs.json", "{}", LOGS (ZONE_LOG ("1", "false")));

	/* Pulling back in is just as durable. */
	assert_post (daemon, "/api/management/operate-instance.json", PULL_I1 ("pullout", "true"),
		     "{'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/operate-server.json", PULL_SERVER ("true"), "{'responseStatus':" OK "}");
	assert_post (daemon, "/api/management/zone/operate-zone-operations.json", PULL_ZONE ("true"),
		     "{'responseStatus':" OK "}");
	assert_lookup (daemon, IN_HELLO, IN_OTHER, IN_THIRD);
	kill_and_restart (daemon);
	register_all (daemon);
	assert_lookup (daemon, IN_HELLO, IN_OTHER, IN_THIRD);
	assert_post (daemon, "/api/management/log/zone-operation-logs.json", "{'complete':true}",
		     LOGS (ZONE_LOG ("2", "true")));
	assert_schema_version (daemon, 2);
}

/* ---- databases that cannot be used -------------------------------------- */

/* artemisd exits with status 1 and says @pattern (a line of its output). */
static void
assert_refuses (ArtemisTestDaemon *daemon, const char *pattern)
{
	g_autofree char *log = NULL;
	g_auto (GStrv) lines = NULL;
	int status = 0;

	g_assert_false (artemis_test_daemon_start (daemon));
	g_assert_true (artemis_test_daemon_get_exit_status (daemon, &status));
	g_assert_cmpint (status, ==, 1);
	log = artemis_test_daemon_get_log (daemon);
	g_assert_null (strstr (log, "Listening on port"));
	lines = g_strsplit (log, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_pattern_match_simple (pattern, lines[i]))
			return;
	}
	g_error ("no line matches “%s” in:\n%s", pattern, log);
}

static char *
prepare_database (ArtemisTestDaemon *daemon)
{
	g_assert_cmpint (g_mkdir_with_parents (artemis_test_daemon_get_data_dir (daemon), 0750), ==, 0);
	return g_build_filename (artemis_test_daemon_get_data_dir (daemon), "artemis.db", NULL);
}

static void
test_corrupt (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autofree char *path = NULL;
	g_autofree char *junk = NULL;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	path = prepare_database (daemon);
	junk = g_strnfill (4096, 'x');
	g_assert_true (g_file_set_contents (path, junk, -1, NULL));
	assert_refuses (daemon, "artemisd: Cannot use the management database: Cannot read the database (corrupt, "
				"or not an SQLite database?) */data/artemis.db: file is not a database");
}

static void
test_unwritable (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autofree char *path = NULL;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	path = prepare_database (daemon);
	g_assert_cmpint (symlink ("/dev/full", path), ==, 0);
	assert_refuses (daemon, "artemisd: Cannot use the management database: The database */data/artemis.db "
				"cannot be used: *database or disk is full");
}

static void
test_newer_schema (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autofree char *path = NULL;
	sqlite3 *db = NULL;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (CONFIG);
	path = prepare_database (daemon);
	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE schema_version (version INTEGER NOT NULL);"
					   "INSERT INTO schema_version VALUES (99)",
				       NULL, NULL, NULL),
			 ==, SQLITE_OK);
	sqlite3_close (db);
	assert_refuses (daemon, "artemisd: Cannot use the management database: The database */artemis.db cannot be "
				"used: schema version 99 is newer than this artemisd knows (2)*");
}

static void
test_no_backend (gconstpointer data)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	const char *const *args = data;

	if (!have_daemon ())
		return;
	daemon = artemis_test_daemon_new (args[0]);
	assert_refuses (daemon, args[1]);
}

static const char *const unknown_backend[] = {
	CONFIG "[storage]\nbackend=nope\n",
	"artemisd: Storage backend “nope” ([storage] backend) is not available: plugin storage-nope: no such "
	"plugin in the plugin directories",
};
static const char *const disabled_backend[] = {
	CONFIG "[plugins]\nenabled=filter-groups;filter-management;strategy-weighted-round-robin\n",
	"artemisd: Storage backend “sqlite” ([storage] backend) is not available: plugin storage-sqlite: not in "
	"[plugins] enabled",
};

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	g_test_add_func ("/artemis/management-e2e/durability", test_durability);
	g_test_add_func ("/artemis/management-e2e/refuses/corrupt", test_corrupt);
	g_test_add_func ("/artemis/management-e2e/refuses/unwritable", test_unwritable);
	g_test_add_func ("/artemis/management-e2e/refuses/newer-schema", test_newer_schema);
	g_test_add_data_func ("/artemis/management-e2e/refuses/unknown-backend", unknown_backend, test_no_backend);
	g_test_add_data_func ("/artemis/management-e2e/refuses/disabled-backend", disabled_backend, test_no_backend);

	return g_test_run ();
}
