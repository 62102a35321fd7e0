/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "artemis-test-postgresql.h"
#include "artemis-test-utils.h"

/* The account a test running as root runs the server as. */
#define UNPRIVILEGED_USER "nobody"
#define START_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 10000

struct _ArtemisTestPostgresql {
	char *bindir;
	char *dir;
	char *data_dir;
	char *log_path;
	guint port;
	GSubprocess *server;
	gboolean exited;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* The bin directory holding initdb and postgres: $ARTEMIS_TEST_PG_BINDIR, else the newest Debian one. */
static char *
find_bindir (void)
{
	const char *env = g_getenv ("ARTEMIS_TEST_PG_BINDIR");
	g_autoptr (GDir) versions = NULL;
	char *best = NULL;
	guint64 best_version = 0;
	const char *name;

	if (env != NULL)
		return g_strdup (env);
	versions = g_dir_open ("/usr/lib/postgresql", 0, NULL);
	while (versions != NULL && (name = g_dir_read_name (versions)) != NULL) {
		g_autofree char *bindir = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
		g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
		g_autofree char *postgres = g_build_filename (bindir, "postgres", NULL);
		guint64 version = g_ascii_strtoull (name, NULL, 10);

		if (version > best_version && g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE) &&
		    g_file_test (postgres, G_FILE_TEST_IS_EXECUTABLE)) {
			g_free (best);
			best = g_steal_pointer (&bindir);
			best_version = version;
		}
	}
	return best;
}

/* A TCP port nothing listens on now. */
static guint
find_free_port (void)
{
	g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
	g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
	g_autoptr (GSocketAddress) bound = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (socket);
	g_assert_true (g_socket_bind (socket, any, FALSE, &error));
	g_assert_no_error (error);
	bound = g_socket_get_local_address (socket, &error);
	g_assert_no_error (error);
	return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
die_with_parent (gpointer user_data)
{
	prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/*
 * A launcher writing to the log. As root, @argv gets a setpriv prefix
 * running it as an unprivileged user, which also sets the parent-death
 * signal after the change of user (the kernel clears one set before):
 * SIGQUIT, PostgreSQL's immediate shutdown.
 */
static GSubprocess *
spawn (ArtemisTestPostgresql *pg, GPtrArray *argv)
{
	g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autoptr (GError) error = NULL;
	GSubprocess *process;

	if (geteuid () == 0) {
		struct passwd *user = getpwnam (UNPRIVILEGED_USER);
		g_autofree char *uid = NULL;
		g_autofree char *gid = NULL;

		g_assert_nonnull (user);
		uid = g_strdup_printf ("--reuid=%u", (guint) user->pw_uid);
		gid = g_strdup_printf ("--regid=%u", (guint) user->pw_gid);
		g_ptr_array_insert (argv, 0, g_strdup ("--"));
		g_ptr_array_insert (argv, 0, g_strdup ("--pdeathsig=SIGQUIT"));
		g_ptr_array_insert (argv, 0, g_strdup ("--clear-groups"));
		g_ptr_array_insert (argv, 0, g_steal_pointer (&gid));
		g_ptr_array_insert (argv, 0, g_steal_pointer (&uid));
		g_ptr_array_insert (argv, 0, g_strdup ("setpriv"));
	} else {
		g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
	}
	g_ptr_array_add (argv, NULL);
	/* The server must not take the test's locale or libpq settings. */
	g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
	g_subprocess_launcher_unsetenv (launcher, "PGPASSFILE");
	g_subprocess_launcher_set_stdout_file_path (launcher, pg->log_path);
	process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
	g_assert_no_error (error);
	return process;
}

static char *
program (ArtemisTestPostgresql *pg, const char *name)
{
	return g_build_filename (pg->bindir, name, NULL);
}

static void
fail_with_log (ArtemisTestPostgresql *pg, const char *what)
{
	g_autofree char *log = NULL;

	g_file_get_contents (pg->log_path, &log, NULL, NULL);
	g_error ("%s; the PostgreSQL log:\n%s", what, log != NULL ? log : "(none)");
}

static void
run_initdb (ArtemisTestPostgresql *pg)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GSubprocess) initdb = NULL;
	g_autoptr (GError) error = NULL;

	g_ptr_array_add (argv, program (pg, "initdb"));
	g_ptr_array_add (argv, g_strdup_printf ("--pgdata=%s", pg->data_dir));
	g_ptr_array_add (argv, g_strdup ("--username=postgres"));
	g_ptr_array_add (argv, g_strdup ("--auth-local=trust"));
	g_ptr_array_add (argv, g_strdup ("--auth-host=scram-sha-256"));
	g_ptr_array_add (argv, g_strdup ("--encoding=UTF8"));
	g_ptr_array_add (argv, g_strdup ("--locale=C.UTF-8"));
	g_ptr_array_add (argv, g_strdup ("--no-sync"));
	initdb = spawn (pg, argv);
	g_subprocess_wait (initdb, NULL, &error);
	g_assert_no_error (error);
	if (!g_subprocess_get_if_exited (initdb) || g_subprocess_get_exit_status (initdb) != 0)
		fail_with_log (pg, "initdb failed");
}

static void
on_server_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisTestPostgresql *pg = user_data;

	g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
	pg->exited = TRUE;
}

static char *
socket_conninfo (ArtemisTestPostgresql *pg, const char *dbname)
{
	return g_strdup_printf ("host=%s port=%u dbname=%s user=postgres", pg->dir, pg->port, dbname);
}

/* Durability is not what these tests are about: no fsync, so the shared machine's disk is spared. */
static void
start_server (ArtemisTestPostgresql *pg)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *conninfo = NULL;
	gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

	pg->port = find_free_port ();
	g_ptr_array_add (argv, program (pg, "postgres"));
	g_ptr_array_add (argv, g_strdup_printf ("-D%s", pg->data_dir));
	g_ptr_array_add (argv, g_strdup ("-clisten_addresses=127.0.0.1"));
	g_ptr_array_add (argv, g_strdup_printf ("-cport=%u", pg->port));
	g_ptr_array_add (argv, g_strdup_printf ("-cunix_socket_directories=%s", pg->dir));
	g_ptr_array_add (argv, g_strdup ("-cfsync=off"));
	g_ptr_array_add (argv, g_strdup ("-cfull_page_writes=off"));
	g_ptr_array_add (argv, g_strdup ("-cshared_buffers=16MB"));
	g_ptr_array_add (argv, g_strdup ("-cmax_connections=40"));
	pg->server = spawn (pg, argv);
	g_subprocess_wait_async (pg->server, NULL, on_server_exited, pg);
	conninfo = socket_conninfo (pg, "postgres");
	while (PQping (conninfo) != PQPING_OK) {
		if (pg->exited || g_get_monotonic_time () > deadline)
			fail_with_log (pg, "PostgreSQL did not start");
		artemis_test_wait_ms (50);
	}
}

ArtemisTestPostgresql *
artemis_test_postgresql_start (char **skip_reason)
{
	g_autofree char *bindir = find_bindir ();
	ArtemisTestPostgresql *pg;
	g_autoptr (GError) error = NULL;
	g_autofree char *setup = NULL;

	if (bindir == NULL) {
		*skip_reason = g_strdup ("the PostgreSQL server programs (initdb, postgres) are not installed in "
					 "/usr/lib/postgresql/*/bin (Debian: apt-get install postgresql), nor named by "
					 "ARTEMIS_TEST_PG_BINDIR");
		return NULL;
	}
	pg = g_new0 (ArtemisTestPostgresql, 1);
	pg->bindir = g_steal_pointer (&bindir);
	pg->dir = g_dir_make_tmp ("artemis-postgresql-XXXXXX", &error);
	g_assert_no_error (error);
	pg->data_dir = g_build_filename (pg->dir, "data", NULL);
	pg->log_path = g_build_filename (pg->dir, "postgresql.log", NULL);
	if (geteuid () == 0) {
		struct passwd *user = getpwnam (UNPRIVILEGED_USER);

		g_assert_nonnull (user);
		g_assert_cmpint (chown (pg->dir, user->pw_uid, user->pw_gid), ==, 0);
	}
	run_initdb (pg);
	start_server (pg);
	setup = artemis_test_postgresql_sql (
		pg, "postgres",
		"CREATE ROLE " ARTEMIS_TEST_POSTGRESQL_USER " LOGIN PASSWORD '" ARTEMIS_TEST_POSTGRESQL_PASSWORD "'");
	return pg;
}

void
artemis_test_postgresql_stop (ArtemisTestPostgresql *pg, gboolean failed)
{
	gint64 deadline;

	if (pg == NULL)
		return;
	/* A fast shutdown: open connections are closed, not waited for. */
	g_subprocess_send_signal (pg->server, SIGINT);
	deadline = g_get_monotonic_time () + STOP_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
	while (!pg->exited && g_get_monotonic_time () < deadline)
		artemis_test_wait_ms (20);
	if (!pg->exited) {
		g_subprocess_force_exit (pg->server);
		while (!pg->exited)
			g_main_context_iteration (NULL, TRUE);
	}
	if (failed) {
		g_autofree char *log = NULL;

		g_file_get_contents (pg->log_path, &log, NULL, NULL);
		g_printerr ("\n=== PostgreSQL log ===\n%s=== end of PostgreSQL log ===\n", log != NULL ? log : "");
	}
	artemis_test_remove_path (pg->dir);
	g_object_unref (pg->server);
	g_free (pg->bindir);
	g_free (pg->dir);
	g_free (pg->data_dir);
	g_free (pg->log_path);
	g_free (pg);
}

guint
artemis_test_postgresql_get_port (ArtemisTestPostgresql *pg)
{
	return pg->port;
}

const char *
artemis_test_postgresql_get_dir (ArtemisTestPostgresql *pg)
{
	return pg->dir;
}

char *
artemis_test_postgresql_sql (ArtemisTestPostgresql *pg, const char *dbname, const char *sql)
{
	g_autofree char *conninfo = socket_conninfo (pg, dbname);
	g_autoptr (PGconn) conn = PQconnectdb (conninfo);
	g_autoptr (PGresult) result = NULL;
	GString *out = g_string_new (NULL);

	if (PQstatus (conn) != CONNECTION_OK)
		g_error ("Cannot connect to the test PostgreSQL: %s", PQerrorMessage (conn));
	result = PQexec (conn, sql);
	if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
		g_error ("%s: %s", sql, PQerrorMessage (conn));
	for (int row = 0; row < PQntuples (result); row++) {
		for (int column = 0; column < PQnfields (result); column++)
			g_string_append_printf (out, "%s%s", column > 0 ? "|" : "", PQgetvalue (result, row, column));
		g_string_append_c (out, '\n');
	}
	return g_string_free (out, FALSE);
}

char *
artemis_test_postgresql_create_database (ArtemisTestPostgresql *pg, const char *name)
{
	g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s OWNER " ARTEMIS_TEST_POSTGRESQL_USER, name);
	g_autofree char *done = artemis_test_postgresql_sql (pg, "postgres", sql);

	return g_strdup_printf ("host=127.0.0.1 port=%u dbname=%s user=" ARTEMIS_TEST_POSTGRESQL_USER
				" password=" ARTEMIS_TEST_POSTGRESQL_PASSWORD,
				pg->port, name);
}

void
artemis_test_postgresql_drop_database (ArtemisTestPostgresql *pg, const char *name)
{
	g_autofree char *sql = g_strdup_printf ("DROP DATABASE %s WITH (FORCE)", name);
	g_autofree char *done = artemis_test_postgresql_sql (pg, "postgres", sql);
}
