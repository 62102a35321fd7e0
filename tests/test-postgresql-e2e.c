/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "artemis-test-postgresql.h"
#include "artemis-test-utils.h"

/*
 * Two built artemisd sharing one PostgreSQL database (a server this
 * program starts): a pull-out answered by one takes the instance out of
 * the other's discovery — at once through NOTIFY, or within the poll
 * interval without it; groups created on both get distinct ids and both
 * serve them all; a node killed and started again has everything; a
 * database it cannot reach stops artemisd with the reason.
 * JSON is written with ' for ".
 */

static ArtemisTestPostgresql *server;

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define I1                                                                                                 \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'i-1','ip':'10.0.0.5','machineName':'app',"     \
	"'metadata':null,'port':8080,'protocol':'http','regionId':'SHA','serviceId':'demo.hello',"           \
	"'status':'up','url':'http://10.0.0.5:8080/','zoneId':'SHA-Z1'}"
#define LOOKUP "{'discoveryConfigs':[{'serviceId':'demo.hello'}],'regionId':'SHA','zoneId':'SHA-Z1'}"
#define SERVED(instances)                                                                                  \
	"{'responseStatus':" OK ",'services':[{'instances':[" instances "],'logicInstances':[],"            \
	"'metadata':null,'routeRules':[],'serviceId':'demo.hello'}]}"
#define PULL_OUT                                                                                           \
	"{'instanceKey':{'instanceId':'i-1','regionId':'SHA','serviceId':'demo.hello'},"                     \
	"'operation':'pullout','operationComplete':false,'operatorId':'ops1','token':'t'}"
#define INSERT_GROUP(name)                                                                                 \
	"{'operation':'create','operatorId':'ops1','token':'t','extensions':'{}','groups':[{'appId':'1',"    \
	"'name':'" name "','regionId':'SHA','serviceId':'demo.hello','status':'active','zoneId':'SHA-Z1'}]}"

/* A node on @conninfo; @extra: more configuration. */
static ArtemisTestDaemon *
node_new (const char *conninfo, const char *extra)
{
	g_autofree char *config = g_strdup_printf ("[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"
						   "[storage]\nbackend=postgresql\n%s"
						   "[plugin storage-postgresql]\nconninfo=%s\n",
						   extra, conninfo);
	ArtemisTestDaemon *daemon = artemis_test_daemon_new (config);

	g_assert_true (artemis_test_daemon_start (daemon));
	return daemon;
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

static void
assert_post (ArtemisTestDaemon *daemon, const char *path, const char *body, const char *expected)
{
	g_autofree char *answer = post (daemon, path, body);
	g_autofree char *converted = artemis_test_json (expected);

	g_assert_cmpstr (answer, ==, converted);
}

/* Asks @daemon's discovery until it answers @expected, 10 s at most; how long that took, in ms. */
static double
wait_for_lookup (ArtemisTestDaemon *daemon, const char *expected)
{
	g_autofree char *want = artemis_test_json (expected);
	gint64 start = g_get_monotonic_time ();

	while (TRUE) {
		g_autofree char *answer = post (daemon, "/api/discovery/lookup.json", LOOKUP);

		if (g_str_equal (answer, want))
			return (g_get_monotonic_time () - start) / 1000.0;
		if (g_get_monotonic_time () - start > 10 * G_TIME_SPAN_SECOND)
			g_error ("After 10 s, discovery still answers %s", answer);
		artemis_test_wait_ms (5);
	}
}

/* "id:name " of every group @daemon serves, by id. */
static char *
list_groups (ArtemisTestDaemon *daemon)
{
	g_autofree char *answer = post (daemon, "/api/management/group/get-all-groups.json", "{}");
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autoptr (GError) error = NULL;
	JsonArray *groups;
	GString *out = g_string_new (NULL);

	g_assert_true (json_parser_load_from_data (parser, answer, -1, &error));
	g_assert_no_error (error);
	groups = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "groups");
	for (guint i = 0; i < json_array_get_length (groups); i++) {
		JsonObject *group = json_array_get_object_element (groups, i);

		g_string_append_printf (out, "%" G_GINT64_FORMAT ":%s ", json_object_get_int_member (group, "groupId"),
					json_object_get_string_member (group, "name"));
	}
	return g_string_free (out, FALSE);
}

/* Waits until @b serves the groups @a serves, 10 s at most; the list. */
static char *
wait_for_same_groups (ArtemisTestDaemon *a, ArtemisTestDaemon *b)
{
	gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

	while (TRUE) {
		g_autofree char *on_a = list_groups (a);
		g_autofree char *on_b = list_groups (b);

		if (g_str_equal (on_a, on_b))
			return g_steal_pointer (&on_a);
		if (g_get_monotonic_time () > deadline)
			g_error ("After 10 s, node A serves groups %s, node B %s", on_a, on_b);
		artemis_test_wait_ms (10);
	}
}

/* How the nodes hear of each other's writes: a database of their own, and configuration. */
typedef struct {
	const char *database;
	const char *config;
} Hearing;

static void
test_two_nodes (gconstpointer data)
{
	const Hearing *hearing = data;
	g_autofree char *conninfo = NULL;
	g_autoptr (ArtemisTestDaemon) a = NULL;
	g_autoptr (ArtemisTestDaemon) b = NULL;
	g_autofree char *groups = NULL;
	g_autofree char *restarted = NULL;
	double took;
	int status;

	if (artemis_test_daemon_get_path () == NULL) {
		g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
		return;
	}
	conninfo = artemis_test_postgresql_create_database (server, hearing->database);
	a = node_new (conninfo, hearing->config);
	b = node_new (conninfo, hearing->config);
	/* Registrations are each node's own (replication is not part of this). */
	for (ArtemisTestDaemon *node = a; node != NULL; node = node == a ? b : NULL) {
		assert_post (node, "/api/registry/register.json", "{'instances':[" I1 "]}",
			     "{'failedInstances':null,'responseStatus':" OK "}");
		wait_for_lookup (node, SERVED (I1));
	}
	/* Answered by A: in force on B. */
	assert_post (a, "/api/management/operate-instance.json", PULL_OUT, "{'responseStatus':" OK "}");
	wait_for_lookup (a, SERVED (""));
	took = wait_for_lookup (b, SERVED (""));
	g_test_message ("%s: the pull-out answered by A left B's discovery after %.1f ms", hearing->database, took);
	g_assert_cmpfloat (took, <, 5000);
	/* Groups made on either node: distinct ids, served by both. */
	assert_post (a, "/api/management/group/insert-groups.json", INSERT_GROUP ("blue"), "{'responseStatus':" OK "}");
	assert_post (b, "/api/management/group/insert-groups.json", INSERT_GROUP ("green"), "{'responseStatus':" OK "}");
	groups = wait_for_same_groups (a, b);
	g_test_message ("groups on both nodes: %s", groups);
	g_assert_true (g_regex_match_simple ("^([0-9]+):blue ([0-9]+):green $|^([0-9]+):green ([0-9]+):blue $", groups,
					     0, 0));
	/* Killed and started again, A has it all from the database. */
	g_assert_true (artemis_test_daemon_send_signal (a, SIGKILL));
	g_assert_true (artemis_test_daemon_wait (a, 5000));
	g_assert_false (artemis_test_daemon_get_exit_status (a, &status));
	g_assert_true (artemis_test_daemon_start (a));
	assert_post (a, "/api/registry/register.json", "{'instances':[" I1 "]}",
		     "{'failedInstances':null,'responseStatus':" OK "}");
	wait_for_lookup (a, SERVED (""));
	restarted = list_groups (a);
	g_assert_cmpstr (restarted, ==, groups);
	g_clear_pointer (&a, artemis_test_daemon_free);
	g_clear_pointer (&b, artemis_test_daemon_free);
	artemis_test_postgresql_drop_database (server, hearing->database);
}

/* artemisd exits with status 1, saying why on a line matching @pattern. */
static void
assert_refuses (const char *conninfo, const char *pattern)
{
	g_autofree char *config = g_strdup_printf ("[storage]\nbackend=postgresql\n[plugin storage-postgresql]\n"
						   "conninfo=%s\n",
						   conninfo);
	g_autoptr (ArtemisTestDaemon) daemon = artemis_test_daemon_new (config);
	g_autofree char *log = NULL;
	g_auto (GStrv) lines = NULL;
	int status = 0;

	g_assert_false (artemis_test_daemon_start (daemon));
	g_assert_true (artemis_test_daemon_get_exit_status (daemon, &status));
	g_assert_cmpint (status, ==, 1);
	log = artemis_test_daemon_get_log (daemon);
	lines = g_strsplit (log, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_pattern_match_simple (pattern, lines[i]))
			return;
	}
	g_error ("no line matches “%s” in:\n%s", pattern, log);
}

static void
test_refuses (void)
{
	g_autofree char *wrong_password = NULL;

	if (artemis_test_daemon_get_path () == NULL) {
		g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
		return;
	}
	assert_refuses ("host=127.0.0.1 port=1 dbname=artemis user=artemis",
			"artemisd: Cannot use the management database: Cannot connect to PostgreSQL: connection to "
			"server at \"127.0.0.1\", port 1 failed: Connection refused *");
	wrong_password = g_strdup_printf ("host=127.0.0.1 port=%u dbname=postgres user=artemis password=nope",
					  artemis_test_postgresql_get_port (server));
	assert_refuses (wrong_password, "artemisd: Cannot use the management database: Cannot connect to PostgreSQL: "
					"* failed: FATAL: password authentication failed for user \"artemis\"");
}

/* A minute between polls: only NOTIFY can be that fast. */
static const Hearing notified = { "e2e_notify", "[storage]\npoll-interval=60000\n" };
static const Hearing polled = { "e2e_poll",
				"[storage]\npoll-interval=200\n[plugin storage-postgresql]\nlisten=false\n" };

int
main (int argc, char **argv)
{
	g_autofree char *skip_reason = NULL;
	int status;

	artemis_test_init (&argc, &argv);
	server = artemis_test_postgresql_start (&skip_reason);
	if (server == NULL) {
		g_print ("1..0 # SKIP %s\n", skip_reason);
		return 77;
	}
	g_test_add_data_func ("/artemis/postgresql-e2e/two-nodes/notify", &notified, test_two_nodes);
	g_test_add_data_func ("/artemis/postgresql-e2e/two-nodes/poll", &polled, test_two_nodes);
	g_test_add_func ("/artemis/postgresql-e2e/refuses", test_refuses);
	status = g_test_run ();
	artemis_test_postgresql_stop (server, status != 0);
	return status;
}
