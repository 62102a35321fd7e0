/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The role the test databases belong to, and its password. */
#define ARTEMIS_TEST_POSTGRESQL_USER "artemis"
#define ARTEMIS_TEST_POSTGRESQL_PASSWORD "s3cret"

/**
 * ArtemisTestPostgresql:
 *
 * A PostgreSQL server of the test's own: `initdb` into a temporary
 * directory, then `postgres` on 127.0.0.1 and a free port, its socket in
 * that directory, TCP logins by password (scram-sha-256), the superuser
 * through the socket only. PostgreSQL refuses to run as root: a test
 * running as root runs it as `nobody` (setpriv). The server dies with the
 * test process if the test crashes (a parent-death signal), so none
 * outlives the suite; artemis_test_postgresql_stop() stops it otherwise.
 */
typedef struct _ArtemisTestPostgresql ArtemisTestPostgresql;

/*
 * Starts a server, or returns NULL with *@skip_reason set when the
 * PostgreSQL server programs are not installed (the test should then exit
 * 77). Any other failure fails the test, with the server's log.
 */
ArtemisTestPostgresql *artemis_test_postgresql_start (char **skip_reason);
/*
 * Stops the server (a fast shutdown, SIGKILL after 10 s), prints its log
 * when @failed (say, g_test_run() did not return 0), removes its files and
 * frees @pg.
 */
void artemis_test_postgresql_stop (ArtemisTestPostgresql *pg, gboolean failed);
guint artemis_test_postgresql_get_port (ArtemisTestPostgresql *pg);
/* Its directory (the data directory and the socket are inside), removed by stop. */
const char *artemis_test_postgresql_get_dir (ArtemisTestPostgresql *pg);

/*
 * A new, empty database @name owned by ARTEMIS_TEST_POSTGRESQL_USER; its
 * libpq connection string, over TCP with the password.
 */
char *artemis_test_postgresql_create_database (ArtemisTestPostgresql *pg, const char *name);
/* Drops database @name, closing the connections still on it. */
void artemis_test_postgresql_drop_database (ArtemisTestPostgresql *pg, const char *name);
/*
 * Runs @sql (any number of statements) as the superuser on database
 * @dbname; the rows of the last one as text, columns separated by |, one
 * line each. Fails the test when the server refuses it.
 */
char *artemis_test_postgresql_sql (ArtemisTestPostgresql *pg, const char *dbname, const char *sql);

G_END_DECLS
