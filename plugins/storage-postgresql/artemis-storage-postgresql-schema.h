/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* The schema version this build creates and migrates to. */
#define ARTEMIS_STORAGE_POSTGRESQL_SCHEMA_VERSION 1

/* The channel a commit NOTIFYs, and nodes LISTEN on. */
#define ARTEMIS_STORAGE_POSTGRESQL_CHANNEL "artemis_changes"

/*
 * Fails with "@what: <the server's message>" (ARTEMIS_ERROR_UNAVAILABLE when
 * the connection is gone, else ARTEMIS_ERROR_INTERNAL); returns FALSE.
 * @result may be NULL.
 */
gboolean artemis_storage_postgresql_set_error (PGconn *conn, const PGresult *result, GError **error,
					       const char *what);
/*
 * Runs @sql with @n_values text parameters (NULL for SQL NULL); the result
 * when its status is @expected, else NULL with "@what: …".
 */
PGresult *artemis_storage_postgresql_exec (PGconn *conn, const char *sql, int n_values, const char *const *values,
					   ExecStatusType expected, const char *what, GError **error);
/*
 * Brings the database to ARTEMIS_STORAGE_POSTGRESQL_SCHEMA_VERSION, one
 * migration after the other in a single transaction, holding a lock so
 * that nodes starting together migrate once; refuses a database of a newer
 * version, and one with tables of its own but no schema version.
 */
gboolean artemis_storage_postgresql_migrate (PGconn *conn, GError **error);

G_END_DECLS
