/* SPDX-License-Identifier: Apache-2.0 */

/*
 * The schema and its migrations, the way fwupd's history database does it:
 * a `schema_version` table holding one number, and for every version a
 * migration from the one before. A shipped migration is never edited; a
 * change of schema is a new entry at the end.
 *
 * One table per state kind and per log kind (ArtemisStorageKindInfo),
 * named as Java Artemis names them (protocol §16), with the same facts:
 * ids compared case-insensitively (COLLATE NOCASE, as MySQL's utf8 default
 * collation did), the unique keys of the state tables, times in epoch ms.
 */

#include <artemis.h>

#include "artemis-storage-sqlite-plugin.h"
#include "artemis-storage-sqlite-schema.h"

#define ID_COLUMN(name) name " TEXT NOT NULL COLLATE NOCASE"
#define STATE_COLUMNS                              \
	ID_COLUMN ("operation") ",\n"              \
	ID_COLUMN ("operator_id") ",\n"            \
	"token TEXT NOT NULL,\n"                   \
	"create_time INTEGER NOT NULL,\n"          \
	"update_time INTEGER NOT NULL"
#define LOG_COLUMNS                                \
	ID_COLUMN ("operation") ",\n"              \
	ID_COLUMN ("operator_id") ",\n"            \
	"token TEXT NOT NULL,\n"                   \
	"complete INTEGER NOT NULL,\n"             \
	"create_time INTEGER NOT NULL,\n"          \
	"update_time INTEGER NOT NULL"

#define TIME_COLUMNS                               \
	"create_time INTEGER NOT NULL,\n"          \
	"update_time INTEGER NOT NULL"
/* The operation context of the group audit logs (protocol §3.8); a reason is optional. */
#define CONTEXT_COLUMNS                            \
	ID_COLUMN ("operation") ",\n"              \
	ID_COLUMN ("operator_id") ",\n"            \
	"token TEXT NOT NULL,\n"                   \
	"extensions TEXT NOT NULL DEFAULT '{}',\n" \
	"reason TEXT"
#define LOGICAL_INSTANCE_COLUMNS                                              \
	ID_COLUMN ("service_id") ",\n" ID_COLUMN ("instance_id") ",\n"       \
	ID_COLUMN ("ip") ",\n" ID_COLUMN ("machine_name") ",\n"              \
	"metadata TEXT NOT NULL,\n"                                           \
	"port INTEGER NOT NULL DEFAULT 80,\n" ID_COLUMN ("protocol") ",\n"   \
	ID_COLUMN ("region_id") ",\n" ID_COLUMN ("zone_id") ",\n"            \
	ID_COLUMN ("group_id") ",\n"                                          \
	"healthy_check_url TEXT NOT NULL,\n"                                  \
	"url TEXT NOT NULL"

/* migrations[i] brings the schema from version i to i + 1. */
static const char *const migrations[] = {
	/* 1: instance, server and zone operations and their audit logs. Log ids are never reused. */
	"CREATE TABLE instance (\n"
	"id INTEGER PRIMARY KEY,\n"
	ID_COLUMN ("region_id") ",\n" ID_COLUMN ("service_id") ",\n" ID_COLUMN ("instance_id") ",\n"
	STATE_COLUMNS ",\n"
	"UNIQUE (region_id, service_id, instance_id, operation));\n"
	"CREATE TABLE server (\n"
	"id INTEGER PRIMARY KEY,\n"
	ID_COLUMN ("region_id") ",\n" ID_COLUMN ("server_id") ",\n"
	STATE_COLUMNS ",\n"
	"UNIQUE (region_id, server_id, operation));\n"
	"CREATE TABLE service_zone (\n"
	"id INTEGER PRIMARY KEY,\n"
	ID_COLUMN ("region_id") ",\n" ID_COLUMN ("service_id") ",\n" ID_COLUMN ("zone_id") ",\n"
	STATE_COLUMNS ",\n"
	"UNIQUE (region_id, service_id, zone_id, operation));\n"
	"CREATE TABLE instance_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	ID_COLUMN ("region_id") ",\n" ID_COLUMN ("service_id") ",\n" ID_COLUMN ("instance_id") ",\n"
	LOG_COLUMNS ",\n"
	"extensions TEXT NOT NULL DEFAULT '{}');\n"
	"CREATE INDEX instance_log_key ON instance_log (instance_id, service_id, region_id, operation);\n"
	"CREATE TABLE server_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	ID_COLUMN ("region_id") ",\n" ID_COLUMN ("server_id") ",\n"
	LOG_COLUMNS ",\n"
	"extensions TEXT NOT NULL DEFAULT '{}');\n"
	"CREATE INDEX server_log_key ON server_log (server_id, region_id, operation);\n"
	"CREATE TABLE service_zone_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	ID_COLUMN ("region_id") ",\n" ID_COLUMN ("service_id") ",\n" ID_COLUMN ("zone_id") ",\n"
	LOG_COLUMNS ");\n"
	"CREATE INDEX service_zone_log_key ON service_zone_log (service_id, region_id, zone_id, operation);\n",
	/*
	 * 2: groups, route rules and their groups, tags, group operations and
	 * members, logical instances, and their audit logs (protocol §9.3–§9.9).
	 * The node numbers groups and rules itself (other rows refer to them);
	 * groups and rules are deleted softly, as Java does.
	 */
	"CREATE TABLE service_group (\n"
	"id INTEGER PRIMARY KEY,\n"
	ID_COLUMN ("service_id") ",\n" ID_COLUMN ("region_id") ",\n" ID_COLUMN ("zone_id") ",\n"
	ID_COLUMN ("name") ",\n" ID_COLUMN ("app_id") ",\n"
	"description TEXT,\n" ID_COLUMN ("status") ",\n"
	"deleted INTEGER NOT NULL DEFAULT 0,\n" TIME_COLUMNS ",\n"
	"UNIQUE (service_id, region_id, zone_id, name));\n"
	"CREATE TABLE service_route_rule (\n"
	"id INTEGER PRIMARY KEY,\n"
	ID_COLUMN ("service_id") ",\n" ID_COLUMN ("name") ",\n"
	"description TEXT,\n" ID_COLUMN ("status") ",\n"
	"strategy TEXT NOT NULL COLLATE NOCASE DEFAULT 'weighted-round-robin',\n"
	"deleted INTEGER NOT NULL DEFAULT 0,\n" TIME_COLUMNS ",\n"
	"UNIQUE (service_id, name));\n"
	"CREATE TABLE service_route_rule_group (\n"
	"id INTEGER PRIMARY KEY,\n"
	"route_rule_id INTEGER NOT NULL,\n"
	"group_id INTEGER NOT NULL,\n"
	"weight INTEGER,\n"
	"unreleased_weight INTEGER,\n" TIME_COLUMNS ",\n"
	"UNIQUE (route_rule_id, group_id));\n"
	"CREATE TABLE service_group_tag (\n"
	"id INTEGER PRIMARY KEY,\n"
	"group_id INTEGER NOT NULL,\n" ID_COLUMN ("tag") ",\n" ID_COLUMN ("value") ",\n" TIME_COLUMNS ",\n"
	"UNIQUE (group_id, tag));\n"
	"CREATE TABLE service_group_operation (\n"
	"id INTEGER PRIMARY KEY,\n"
	"group_id INTEGER NOT NULL,\n" ID_COLUMN ("operation") ",\n" TIME_COLUMNS ",\n"
	"UNIQUE (group_id, operation));\n"
	"CREATE TABLE service_group_instance (\n"
	"id INTEGER PRIMARY KEY,\n"
	"group_id INTEGER NOT NULL,\n" ID_COLUMN ("instance_id") ",\n" TIME_COLUMNS ",\n"
	"UNIQUE (group_id, instance_id));\n"
	"CREATE TABLE service_instance (\n"
	"id INTEGER PRIMARY KEY,\n"
	LOGICAL_INSTANCE_COLUMNS ",\n"
	"description TEXT,\n" TIME_COLUMNS ",\n"
	"UNIQUE (service_id, instance_id));\n"
	"CREATE TABLE service_group_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	ID_COLUMN ("service_id") ",\n" ID_COLUMN ("region_id") ",\n" ID_COLUMN ("zone_id") ",\n"
	ID_COLUMN ("name") ",\n" ID_COLUMN ("app_id") ",\n" ID_COLUMN ("status") ",\n"
	CONTEXT_COLUMNS ",\n" TIME_COLUMNS ");\n"
	"CREATE INDEX service_group_log_key ON service_group_log (service_id, name);\n"
	"CREATE TABLE service_route_rule_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	ID_COLUMN ("service_id") ",\n" ID_COLUMN ("name") ",\n" ID_COLUMN ("status") ",\n"
	CONTEXT_COLUMNS ",\n" TIME_COLUMNS ");\n"
	"CREATE INDEX service_route_rule_log_key ON service_route_rule_log (name, service_id);\n"
	"CREATE TABLE service_route_rule_group_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"route_rule_id INTEGER NOT NULL,\n"
	"group_id INTEGER NOT NULL,\n"
	"weight INTEGER,\n" CONTEXT_COLUMNS ",\n" TIME_COLUMNS ");\n"
	"CREATE INDEX service_route_rule_group_log_key ON service_route_rule_group_log (route_rule_id, group_id);\n"
	"CREATE TABLE service_group_operation_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"group_id INTEGER NOT NULL,\n"
	"complete INTEGER NOT NULL,\n" CONTEXT_COLUMNS ",\n" TIME_COLUMNS ");\n"
	"CREATE INDEX service_group_operation_log_key ON service_group_operation_log (group_id, operation);\n"
	"CREATE TABLE service_group_instance_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"group_id INTEGER NOT NULL,\n" ID_COLUMN ("instance_id") ",\n"
	ID_COLUMN ("operation") ",\n" ID_COLUMN ("operator_id") ",\n"
	"token TEXT NOT NULL,\n"
	"reason TEXT,\n" TIME_COLUMNS ");\n"
	"CREATE INDEX service_group_instance_log_key ON service_group_instance_log (group_id, instance_id);\n"
	"CREATE TABLE service_instance_log (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	LOGICAL_INSTANCE_COLUMNS ",\n"
	ID_COLUMN ("operation") ",\n" ID_COLUMN ("operator_id") ",\n"
	"token TEXT NOT NULL,\n" TIME_COLUMNS ");\n"
	"CREATE INDEX service_instance_log_key ON service_instance_log (service_id, instance_id);\n",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION);

gboolean
artemis_storage_sqlite_set_error (sqlite3 *db, GError **error, const char *what)
{
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL, "%s: %s", what, sqlite3_errmsg (db));
	return FALSE;
}

gboolean
artemis_storage_sqlite_exec (sqlite3 *db, const char *sql, GError **error)
{
	if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return artemis_storage_sqlite_set_error (db, error, "SQL failed");
	return TRUE;
}

static gboolean
count_tables (sqlite3 *db, gint *count, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;

	if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1, &stmt, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step (stmt) != SQLITE_ROW)
		return artemis_storage_sqlite_set_error (db, error, "Cannot read the database");
	*count = sqlite3_column_int (stmt, 0);
	return TRUE;
}

gboolean
artemis_storage_sqlite_get_schema_version (sqlite3 *db, gint *version, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;
	gint tables = 0;

	if (!count_tables (db, &tables, error))
		return FALSE;
	if (tables == 0) {
		*version = 0;
		return TRUE;
	}
	if (sqlite3_prepare_v2 (db, "SELECT version FROM schema_version", -1, &stmt, NULL) != SQLITE_OK) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL,
			     "not an Artemis database (it has tables but no schema version: %s)", sqlite3_errmsg (db));
		return FALSE;
	}
	if (sqlite3_step (stmt) != SQLITE_ROW)
		return artemis_storage_sqlite_set_error (db, error, "Cannot read the schema version");
	*version = sqlite3_column_int (stmt, 0);
	return TRUE;
}

static gboolean
set_version (sqlite3 *db, gint from, gint to, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;
	const char *sql = from == 0 ? "INSERT INTO schema_version (version) VALUES (?1)"
				    : "UPDATE schema_version SET version = ?1";

	if (from == 0 && !artemis_storage_sqlite_exec (db, "CREATE TABLE schema_version (version INTEGER NOT NULL)",
						       error))
		return FALSE;
	if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_bind_int (stmt, 1, to) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_DONE)
		return artemis_storage_sqlite_set_error (db, error, "Cannot record the schema version");
	return TRUE;
}

static gboolean
run_migrations (sqlite3 *db, gint from, gint to, GError **error)
{
	for (gint version = from; version < to; version++) {
		if (!artemis_storage_sqlite_exec (db, migrations[version], error)) {
			g_prefix_error (error, "Migration to schema version %d: ", version + 1);
			return FALSE;
		}
	}
	return set_version (db, from, to, error);
}

gboolean
artemis_storage_sqlite_migrate_to (sqlite3 *db, gint target, GError **error)
{
	gint version = 0;

	g_return_val_if_fail (target > 0 && target <= ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION, FALSE);
	if (!artemis_storage_sqlite_get_schema_version (db, &version, error))
		return FALSE;
	if (version > ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL,
			     "schema version %d is newer than this artemisd knows (%d): it was written by a newer "
			     "artemisd",
			     version, ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION);
		return FALSE;
	}
	if (version >= target)
		return TRUE;
	if (version > 0)
		g_message ("Migrating the management database from schema version %d to %d", version, target);
	/* All migrations or none: a failed one leaves the database as it was. */
	if (!artemis_storage_sqlite_exec (db, "BEGIN IMMEDIATE", error))
		return FALSE;
	if (!run_migrations (db, version, target, error)) {
		sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	return artemis_storage_sqlite_exec (db, "COMMIT", error);
}

gboolean
artemis_storage_sqlite_migrate (sqlite3 *db, GError **error)
{
	return artemis_storage_sqlite_migrate_to (db, ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION, error);
}
