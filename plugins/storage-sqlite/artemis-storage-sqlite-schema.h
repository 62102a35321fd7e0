/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Fails with ARTEMIS_ERROR_INTERNAL "@what: <SQLite's message>"; returns FALSE. */
gboolean artemis_storage_sqlite_set_error (sqlite3 *db, GError **error, const char *what);
/* Runs @sql (any number of statements, no parameters). */
gboolean artemis_storage_sqlite_exec (sqlite3 *db, const char *sql, GError **error);
/*
 * The schema version recorded in @db: 0 for a new, empty database. A
 * database with tables but no version is not ours: an error.
 */
gboolean artemis_storage_sqlite_get_schema_version (sqlite3 *db, gint *version, GError **error);
/*
 * Brings @db to ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION, one migration after
 * the other in a single transaction; refuses a database of a newer version.
 */
gboolean artemis_storage_sqlite_migrate (sqlite3 *db, GError **error);
/* Brings @db to schema version @target (at most the current one); tests build old databases with it. */
gboolean artemis_storage_sqlite_migrate_to (sqlite3 *db, gint target, GError **error);

G_END_DECLS
