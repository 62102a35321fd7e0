/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "artemis-storage.h"
#include "artemis-test-node.h"
#include "artemis-storage-sqlite-plugin.h"
#include "artemis-storage-sqlite-schema.h"

/*
 * The persistence layer: the SQLite backend (schema, migrations, upserts,
 * case-insensitive keys and filters, atomic commits, refusing a database it
 * cannot use) and ArtemisStorage (the worker thread, the start-up load,
 * writes applied once committed, polling a shared store).
 */

/* ---- a private directory per test -------------------------------------- */

typedef struct {
	char *dir;
	char *path; /* dir/artemis.db */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	fixture->dir = g_dir_make_tmp ("artemis-storage-XXXXXX", &error);
	g_assert_no_error (error);
	fixture->path = g_build_filename (fixture->dir, "artemis.db", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

		g_chmod (path, 0644);
		g_assert_cmpint (g_unlink (path), ==, 0);
	}
	g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
	g_free (fixture->dir);
	g_free (fixture->path);
}

/* ---- the SQLite backend ------------------------------------------------- */

/* The plugin as the daemon gets it: through the loader, with `[plugin storage-sqlite]` of @settings. */
static ArtemisStorageBackend *
new_sqlite (const char *settings)
{
	g_autoptr (ArtemisPluginLoader) loader = artemis_plugin_loader_new ();
	g_autoptr (GKeyFile) key_file = g_key_file_new ();
	g_autoptr (GPtrArray) backends = NULL;

	if (settings != NULL)
		g_assert_true (g_key_file_load_from_data (key_file, settings, -1, G_KEY_FILE_NONE, NULL));
	artemis_plugin_loader_add_builtin (loader, "storage-sqlite", ARTEMIS_TYPE_STORAGE_SQLITE_PLUGIN);
	artemis_plugin_loader_scan (loader);
	artemis_plugin_loader_setup (loader, key_file);
	backends = artemis_plugin_loader_get_plugins_of_kind (loader, ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND);
	return backends->len > 0 ? g_object_ref (g_ptr_array_index (backends, 0)) : NULL;
}

static ArtemisStorageBackend *
open_sqlite (const char *dir)
{
	ArtemisStorageBackend *backend = new_sqlite (NULL);
	g_autoptr (GError) error = NULL;

	g_assert_true (artemis_storage_backend_open (backend, dir, &error));
	g_assert_no_error (error);
	return backend;
}

/* Opening fails with a message matching @pattern. */
static void
assert_open_fails (Fixture *fixture, const char *pattern)
{
	g_autoptr (ArtemisStorageBackend) backend = new_sqlite (NULL);
	g_autoptr (GError) error = NULL;

	g_assert_false (artemis_storage_backend_open (backend, fixture->dir, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL);
	if (!g_pattern_match_simple (pattern, error->message))
		g_error ("“%s” does not match “%s”", error->message, pattern);
}

/* Runs @sql on the database file directly, as an operator's sqlite3 shell would. */
static char *
sql (Fixture *fixture, const char *statement)
{
	sqlite3 *db = NULL;
	GString *out = g_string_new (NULL);
	sqlite3_stmt *stmt = NULL;

	g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db, statement, -1, &stmt, NULL), ==, SQLITE_OK);
	while (sqlite3_step (stmt) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count (stmt); i++)
			g_string_append_printf (out, "%s%s", i > 0 ? "|" : "",
						(const char *) sqlite3_column_text (stmt, i));
		g_string_append_c (out, '\n');
	}
	sqlite3_finalize (stmt);
	sqlite3_close (db);
	return g_string_free (out, FALSE);
}

static void
assert_sql (Fixture *fixture, const char *statement, const char *expected)
{
	g_autofree char *got = sql (fixture, statement);

	g_assert_cmpstr (got, ==, expected);
}

static ArtemisStorageRecord *
new_row (ArtemisStorageKind kind, const char *id, const char *operation, const char *operator_id, gint64 time)
{
	ArtemisStorageRecord *record = artemis_storage_record_new (kind);
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);

	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];

		switch (field) {
		case ARTEMIS_STORAGE_FIELD_OPERATION:
			artemis_storage_record_set_string (record, field, operation);
			break;
		case ARTEMIS_STORAGE_FIELD_OPERATOR_ID:
			artemis_storage_record_set_string (record, field, operator_id);
			break;
		case ARTEMIS_STORAGE_FIELD_INSTANCE_ID:
		case ARTEMIS_STORAGE_FIELD_SERVER_ID:
		case ARTEMIS_STORAGE_FIELD_ZONE_ID:
			artemis_storage_record_set_string (record, field, id);
			break;
		case ARTEMIS_STORAGE_FIELD_COMPLETE:
			artemis_storage_record_set_boolean (record, field, g_str_equal (operation, "done"));
			break;
		case ARTEMIS_STORAGE_FIELD_EXTENSIONS:
			artemis_storage_record_set_string (record, field, "{}");
			break;
		case ARTEMIS_STORAGE_FIELD_REGION_ID:
			artemis_storage_record_set_string (record, field, "SHA");
			break;
		default:
			if (artemis_storage_field_is_integer (field))
				artemis_storage_record_set_int (record, field, 7);
			else if (artemis_storage_field_is_boolean (field))
				artemis_storage_record_set_boolean (record, field, TRUE);
			else
				artemis_storage_record_set_string (record, field, "demo.hello");
		}
	}
	record->create_time_ms = time;
	record->update_time_ms = time;
	return record;
}

static GPtrArray *
writes_of (ArtemisStorageAction action, ArtemisStorageRecord *record)
{
	GPtrArray *writes = artemis_storage_write_array_new ();

	g_ptr_array_add (writes, artemis_storage_write_new (action, record));
	return writes;
}

static gboolean
commit_one (ArtemisStorageBackend *backend, ArtemisStorageAction action, ArtemisStorageRecord *record,
	    GError **error)
{
	g_autoptr (GPtrArray) writes = writes_of (action, record);

	return artemis_storage_backend_commit (backend, writes, error);
}

static GPtrArray *
query_all (ArtemisStorageBackend *backend, ArtemisStorageKind kind)
{
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (kind);
	g_autoptr (GError) error = NULL;
	GPtrArray *records = artemis_storage_backend_query (backend, filter, &error);

	g_assert_no_error (error);
	return records;
}

static const char *
field (GPtrArray *records, guint index, ArtemisStorageField field)
{
	return artemis_storage_record_get_string (g_ptr_array_index (records, index), field);
}

static void
test_sqlite_fresh (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = NULL;

	/* A zero-length file is a new database too (sqlite3 leaves one behind). */
	if (data != NULL)
		g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));
	backend = open_sqlite (fixture->dir);
	artemis_storage_backend_close (backend);
	assert_sql (fixture, "SELECT version FROM schema_version", "2\n");
	assert_sql (fixture,
		    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
		    "instance\ninstance_log\nschema_version\nserver\nserver_log\nservice_group\n"
		    "service_group_instance\nservice_group_instance_log\nservice_group_log\nservice_group_operation\n"
		    "service_group_operation_log\nservice_group_tag\nservice_instance\nservice_instance_log\n"
		    "service_route_rule\nservice_route_rule_group\nservice_route_rule_group_log\n"
		    "service_route_rule_log\nservice_zone\nservice_zone_log\n");
	assert_sql (fixture, "PRAGMA journal_mode", "wal\n");
}

/* Every kind goes in and comes out whole, log ids counting from 1. */
static void
test_sqlite_round_trip (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_sqlite (fixture->dir);

	for (ArtemisStorageKind kind = 0; kind < ARTEMIS_STORAGE_N_KINDS; kind++) {
		const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
		ArtemisStorageAction action = info->is_log ? ARTEMIS_STORAGE_APPEND : ARTEMIS_STORAGE_PUT;
		g_autoptr (ArtemisStorageRecord) expected = new_row (kind, "x-1", "done", "ops1", 42);
		g_autoptr (GPtrArray) records = NULL;
		g_autoptr (GError) error = NULL;
		const ArtemisStorageRecord *got;

		g_assert_true (commit_one (backend, action, artemis_storage_record_copy (expected), &error));
		g_assert_no_error (error);
		records = query_all (backend, kind);
		g_assert_cmpuint (records->len, ==, 1);
		got = g_ptr_array_index (records, 0);
		g_assert_cmpint (got->kind, ==, kind);
		g_assert_cmpint (got->id, ==, 1);
		g_assert_cmpint (got->create_time_ms, ==, 42);
		g_assert_cmpint (got->update_time_ms, ==, 42);
		for (guint i = 0; i < info->n_fields; i++) {
			g_assert_cmpstr (artemis_storage_record_get_string (got, info->fields[i]), ==,
					 artemis_storage_record_get_string (expected, info->fields[i]));
			g_assert_cmpint (artemis_storage_record_get_boolean (got, info->fields[i]), ==,
					 artemis_storage_record_get_boolean (expected, info->fields[i]));
			g_assert_cmpint (artemis_storage_record_get_int (got, info->fields[i]), ==,
					 artemis_storage_record_get_int (expected, info->fields[i]));
		}
	}
}

/* Keys ignore case (protocol §9): a put updates in place, keeping the first spelling. */
static void
test_sqlite_upsert (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_sqlite (fixture->dir);
	g_autoptr (ArtemisStorageRecord) upper =
		new_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, "I-1", "PULLOUT", "ops2", 2);
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_INSTANCE_OPERATION);
	g_autoptr (GPtrArray) records = NULL;
	g_autoptr (GPtrArray) found = NULL;

	artemis_storage_record_set_string (upper, ARTEMIS_STORAGE_FIELD_REGION_ID, "sha");
	g_assert_true (commit_one (backend, ARTEMIS_STORAGE_PUT,
				   new_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, "i-1", "pullout", "ops1", 1), NULL));
	g_assert_true (commit_one (backend, ARTEMIS_STORAGE_PUT, artemis_storage_record_copy (upper), NULL));
	records = query_all (backend, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	g_assert_cmpuint (records->len, ==, 1);
	g_assert_cmpstr (field (records, 0, ARTEMIS_STORAGE_FIELD_INSTANCE_ID), ==, "i-1");
	g_assert_cmpstr (field (records, 0, ARTEMIS_STORAGE_FIELD_OPERATION), ==, "pullout");
	g_assert_cmpstr (field (records, 0, ARTEMIS_STORAGE_FIELD_OPERATOR_ID), ==, "ops2");
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (records, 0))->create_time_ms, ==, 1);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (records, 0))->update_time_ms, ==, 2);
	artemis_storage_record_set_string (filter, ARTEMIS_STORAGE_FIELD_SERVICE_ID, "DEMO.HELLO");
	found = artemis_storage_backend_query (backend, filter, NULL);
	g_assert_cmpuint (found->len, ==, 1);
	g_assert_true (commit_one (backend, ARTEMIS_STORAGE_DELETE, artemis_storage_record_copy (upper), NULL));
	g_clear_pointer (&records, g_ptr_array_unref);
	records = query_all (backend, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	g_assert_cmpuint (records->len, ==, 0);
}

/* Log filters: set fields only, strings ignoring case, booleans exactly, oldest first. */
static void
test_sqlite_log_filters (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_sqlite (fixture->dir);
	g_autoptr (GPtrArray) writes = artemis_storage_write_array_new ();
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_SERVER_LOG);
	g_autoptr (GPtrArray) by_operator = NULL;
	g_autoptr (GPtrArray) completed = NULL;

	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    new_row (ARTEMIS_STORAGE_SERVER_LOG, "10.0.0.5", "pullout",
								     "ops1", 1)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    new_row (ARTEMIS_STORAGE_SERVER_LOG, "10.0.0.6", "pullout",
								     "OPS2", 2)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    new_row (ARTEMIS_STORAGE_SERVER_LOG, "10.0.0.5", "done",
								     "ops2", 3)));
	g_assert_true (artemis_storage_backend_commit (backend, writes, NULL));
	artemis_storage_record_set_string (filter, ARTEMIS_STORAGE_FIELD_OPERATOR_ID, "Ops2");
	by_operator = artemis_storage_backend_query (backend, filter, NULL);
	g_assert_cmpuint (by_operator->len, ==, 2);
	g_assert_cmpstr (field (by_operator, 0, ARTEMIS_STORAGE_FIELD_SERVER_ID), ==, "10.0.0.6");
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (by_operator, 1))->id, ==, 3);
	artemis_storage_record_set_boolean (filter, ARTEMIS_STORAGE_FIELD_COMPLETE, FALSE);
	completed = artemis_storage_backend_query (backend, filter, NULL);
	g_assert_cmpuint (completed->len, ==, 1);
	g_assert_cmpstr (field (completed, 0, ARTEMIS_STORAGE_FIELD_SERVER_ID), ==, "10.0.0.6");
}

/* All or nothing: a failing statement undoes the ones before it. */
static void
test_sqlite_atomic (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_sqlite (fixture->dir);
	g_autoptr (GPtrArray) writes = artemis_storage_write_array_new ();
	g_autoptr (GPtrArray) state = NULL;
	g_autoptr (GPtrArray) log = NULL;
	g_autoptr (GError) error = NULL;
	ArtemisStorageRecord *broken = new_row (ARTEMIS_STORAGE_INSTANCE_LOG, "i-1", "pullout", "ops1", 1);

	artemis_storage_record_unset (broken, ARTEMIS_STORAGE_FIELD_OPERATION);
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_PUT,
							    new_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, "i-1",
								     "pullout", "ops1", 1)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND, broken));
	g_assert_false (artemis_storage_backend_commit (backend, writes, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL);
	g_assert_true (g_str_has_suffix (error->message, "NOT NULL constraint failed: instance_log.operation"));
	state = query_all (backend, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	log = query_all (backend, ARTEMIS_STORAGE_INSTANCE_LOG);
	g_assert_cmpuint (state->len, ==, 0);
	g_assert_cmpuint (log->len, ==, 0);
	g_clear_error (&error);
	/* Logs are appended, state is put. */
	g_assert_false (commit_one (backend, ARTEMIS_STORAGE_APPEND,
				    new_row (ARTEMIS_STORAGE_ZONE_OPERATION, "z", "a", "o", 1), &error));
	g_assert_cmpstr (error->message, ==, "Cannot append a row of service_zone");
	g_clear_error (&error);
	g_assert_false (commit_one (backend, ARTEMIS_STORAGE_PUT, new_row (ARTEMIS_STORAGE_ZONE_LOG, "z", "a", "o", 1),
				    &error));
	g_assert_cmpstr (error->message, ==, "Cannot put or delete a row of service_zone_log");
}

#define SCHEMA "SELECT type, name, sql FROM sqlite_master ORDER BY name"

/* An up-to-date database opens as it is. */
static void
test_sqlite_reopen (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) first = open_sqlite (fixture->dir);
	g_autoptr (ArtemisStorageBackend) second = NULL;
	g_autoptr (GPtrArray) records = NULL;
	g_autofree char *schema = NULL;
	g_autofree char *rows = NULL;

	g_assert_true (commit_one (first, ARTEMIS_STORAGE_PUT,
				   new_row (ARTEMIS_STORAGE_SERVER_OPERATION, "10.0.0.5", "pullout", "ops1", 1), NULL));
	artemis_storage_backend_close (first);
	schema = sql (fixture, SCHEMA);
	rows = sql (fixture, "SELECT * FROM server");
	second = open_sqlite (fixture->dir);
	records = query_all (second, ARTEMIS_STORAGE_SERVER_OPERATION);
	g_assert_cmpuint (records->len, ==, 1);
	artemis_storage_backend_close (second);
	assert_sql (fixture, SCHEMA, schema);
	assert_sql (fixture, "SELECT * FROM server", rows);
	assert_sql (fixture, "SELECT version FROM schema_version", "2\n");
}

/* Rows the node numbers keep their id; an integer left unset is SQL NULL and comes back unset. */
static void
test_sqlite_node_ids (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_sqlite (fixture->dir);
	ArtemisStorageRecord *row = new_row (ARTEMIS_STORAGE_ROUTE_RULE_GROUP, NULL, NULL, NULL, 5);
	g_autoptr (ArtemisStorageRecord) again = NULL;
	g_autoptr (GPtrArray) records = NULL;
	const ArtemisStorageRecord *got;

	row->id = 42;
	artemis_storage_record_unset (row, ARTEMIS_STORAGE_FIELD_WEIGHT);
	again = artemis_storage_record_copy (row);
	g_assert_true (commit_one (backend, ARTEMIS_STORAGE_PUT, row, NULL));
	artemis_storage_record_set_int (again, ARTEMIS_STORAGE_FIELD_WEIGHT, 80);
	again->update_time_ms = 6;
	records = query_all (backend, ARTEMIS_STORAGE_ROUTE_RULE_GROUP);
	got = g_ptr_array_index (records, 0);
	g_assert_cmpint (got->id, ==, 42);
	g_assert_false (artemis_storage_record_is_set (got, ARTEMIS_STORAGE_FIELD_WEIGHT));
	g_assert_cmpint (artemis_storage_record_get_int (got, ARTEMIS_STORAGE_FIELD_UNRELEASED_WEIGHT), ==, 7);
	g_assert_true (commit_one (backend, ARTEMIS_STORAGE_PUT, artemis_storage_record_copy (again), NULL));
	assert_sql (fixture, "SELECT id, weight, create_time, update_time FROM service_route_rule_group",
		    "42|80|5|6\n");
	/* Another id for the same key: the key wins, the row keeps its id. */
	again->id = 43;
	g_assert_true (commit_one (backend, ARTEMIS_STORAGE_PUT, artemis_storage_record_copy (again), NULL));
	assert_sql (fixture, "SELECT id FROM service_route_rule_group", "42\n");
}

/* A version-1 database holding pull-outs and logs is migrated in place, its rows kept. */
static void
test_sqlite_migrate_v1 (Fixture *fixture, gconstpointer data)
{
	sqlite3 *db = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisStorageBackend) backend = NULL;
	g_autoptr (GPtrArray) operations = NULL;
	g_autoptr (GPtrArray) logs = NULL;
	g_autoptr (GPtrArray) groups = NULL;

	g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
	g_assert_true (artemis_storage_sqlite_migrate_to (db, 1, &error));
	g_assert_no_error (error);
	g_assert_cmpint (sqlite3_exec (db,
				       "INSERT INTO instance (region_id, service_id, instance_id, operation, operator_id, "
				       "token, create_time, update_time) VALUES ('SHA', 'demo.hello', 'i-1', 'pullout', "
				       "'ops1', 't', 1, 1);"
				       "INSERT INTO instance_log (region_id, service_id, instance_id, operation, "
				       "operator_id, token, complete, extensions, create_time, update_time) VALUES "
				       "('SHA', 'demo.hello', 'i-1', 'pullout', 'ops1', 't', 0, '{}', 1, 1);",
				       NULL, NULL, NULL),
			 ==, SQLITE_OK);
	sqlite3_close (db);
	assert_sql (fixture, "SELECT version FROM schema_version", "1\n");

	backend = open_sqlite (fixture->dir);
	assert_sql (fixture, "SELECT version FROM schema_version", "2\n");
	operations = query_all (backend, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	logs = query_all (backend, ARTEMIS_STORAGE_INSTANCE_LOG);
	g_assert_cmpuint (operations->len, ==, 1);
	g_assert_cmpstr (field (operations, 0, ARTEMIS_STORAGE_FIELD_INSTANCE_ID), ==, "i-1");
	g_assert_cmpuint (logs->len, ==, 1);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (logs, 0))->id, ==, 1);
	/* The new tables work. */
	g_assert_true (commit_one (backend, ARTEMIS_STORAGE_PUT,
				   new_row (ARTEMIS_STORAGE_SERVICE_GROUP, "SHA-Z1", NULL, NULL, 2), NULL));
	groups = query_all (backend, ARTEMIS_STORAGE_SERVICE_GROUP);
	g_assert_cmpuint (groups->len, ==, 1);
}

/* A database from a newer artemisd is refused, untouched. */
static void
test_sqlite_newer (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_sqlite (fixture->dir);

	artemis_storage_backend_close (backend);
	g_free (sql (fixture, "UPDATE schema_version SET version = 3"));
	assert_open_fails (fixture, "The database */artemis.db cannot be used: schema version 3 is newer than this "
				    "artemisd knows (2): it was written by a newer artemisd");
	assert_sql (fixture, "SELECT version FROM schema_version", "3\n");
}

static void
test_sqlite_foreign (Fixture *fixture, gconstpointer data)
{
	g_free (sql (fixture, "CREATE TABLE accounts (id INTEGER)"));
	assert_open_fails (fixture, "The database */artemis.db cannot be used: not an Artemis database *");
}

static void
test_sqlite_corrupt (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GByteArray) junk = g_byte_array_new ();
	g_autoptr (ArtemisStorageBackend) backend = open_sqlite (fixture->dir);

	artemis_storage_backend_close (backend);
	if (data == NULL) {
		/* Not a database at all. */
		for (guint i = 0; i < 8192; i++)
			g_byte_array_append (junk, (const guint8 *) "\xAB\x17", 1 + i % 2);
		g_assert_true (g_file_set_contents (fixture->path, (const char *) junk->data, junk->len, NULL));
		assert_open_fails (fixture, "Cannot read the database (corrupt, or not an SQLite database?) "
					    "*/artemis.db: file is not a database");
		return;
	}
	/* A valid header over damaged pages. */
	{
		g_autofree char *contents = NULL;
		gsize len = 0;

		g_assert_true (g_file_get_contents (fixture->path, &contents, &len, NULL));
		g_assert_cmpuint (len, >, 8192);
		memset (contents + 4096, 0x5A, len - 4096);
		g_assert_true (g_file_set_contents (fixture->path, contents, len, NULL));
		/* Which check notices depends on which pages hold the schema. */
		assert_open_fails (fixture, "*corrupt*/artemis.db*");
	}
}

/* A database that cannot be written is refused at start, not at the first write. */
static void
test_sqlite_unwritable (Fixture *fixture, gconstpointer data)
{
	/* /dev/full takes nothing, even from root. */
	g_assert_cmpint (symlink ("/dev/full", fixture->path), ==, 0);
	assert_open_fails (fixture, "The database */artemis.db cannot be used: *database or disk is full");
	g_assert_cmpint (g_unlink (fixture->path), ==, 0);
	if (geteuid () == 0) {
		g_test_message ("A read-only file is writable for root: not tried");
		return;
	}
	g_object_unref (open_sqlite (fixture->dir));
	g_assert_cmpint (g_chmod (fixture->path, 0444), ==, 0);
	assert_open_fails (fixture, "The database */artemis.db is not writable");
}

static void
test_sqlite_settings (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) other = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *other_path = g_build_filename (fixture->dir, "other.db", NULL);

	g_test_expect_message ("Artemis", G_LOG_LEVEL_WARNING,
			       "Skipping plugin storage-sqlite: setup failed: busy-timeout: *");
	g_assert_null (new_sqlite ("[plugin storage-sqlite]\nbusy-timeout=soon\n"));
	g_test_assert_expected_messages ();
	other = new_sqlite ("[plugin storage-sqlite]\nbusy-timeout=250\nfile=other.db\n");
	g_assert_true (artemis_storage_backend_open (other, fixture->dir, &error));
	g_assert_no_error (error);
	g_assert_true (g_file_test (other_path, G_FILE_TEST_IS_REGULAR));
	g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

/* ---- a store shared with other nodes, in memory ------------------------ */

#define TEST_TYPE_STORE (test_store_get_type ())
G_DECLARE_FINAL_TYPE (TestStore, test_store, TEST, STORE, ArtemisStorageBackend)

struct _TestStore {
	ArtemisStorageBackend parent_instance;

	GMutex lock;
	GPtrArray *rows[ARTEMIS_STORAGE_N_KINDS];
	gint64 generation; /* bumped by another node's write */
	gint64 next_ids[ARTEMIS_STORAGE_N_KINDS];
	guint reservations;
	ArtemisStorageKind changed_kind; /* what poll_changes says another node changed */
	GCond gate; /* a poll waits while gate_closed, counted in polls_waiting */
	gboolean gate_closed;
	guint polls_waiting;
	gboolean fail_commits;
	gboolean fail_reservations;
	GThread *thread; /* where the vfuncs ran */
	gboolean other_thread;
};

G_DEFINE_FINAL_TYPE (TestStore, test_store, ARTEMIS_TYPE_STORAGE_BACKEND)

/* Every call on the same thread, never the test's (main) one. */
static void
note_thread (TestStore *self)
{
	if (self->thread == NULL)
		self->thread = g_thread_self ();
	if (self->thread != g_thread_self () || g_main_context_is_owner (g_main_context_default ()))
		self->other_thread = TRUE;
}

static gboolean
test_store_open (ArtemisStorageBackend *backend, const char *data_dir, GError **error)
{
	note_thread (TEST_STORE (backend));
	return TRUE;
}

static gboolean
same_key (const ArtemisStorageRecord *a, const ArtemisStorageRecord *b)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (a->kind);

	for (guint i = 0; i < info->n_key_fields; i++) {
		if (g_ascii_strcasecmp (artemis_storage_record_get_string (a, info->fields[i]),
					artemis_storage_record_get_string (b, info->fields[i])) != 0)
			return FALSE;
	}
	return TRUE;
}

static void
store_apply (TestStore *self, const ArtemisStorageWrite *write)
{
	GPtrArray *rows = self->rows[write->record->kind];

	for (guint i = rows->len; write->action != ARTEMIS_STORAGE_APPEND && i > 0; i--) {
		if (same_key (g_ptr_array_index (rows, i - 1), write->record))
			g_ptr_array_remove_index (rows, i - 1);
	}
	if (write->action != ARTEMIS_STORAGE_DELETE)
		g_ptr_array_add (rows, artemis_storage_record_copy (write->record));
}

static gboolean
test_store_commit (ArtemisStorageBackend *backend, GPtrArray *writes, GError **error)
{
	TestStore *self = TEST_STORE (backend);
	g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

	note_thread (self);
	if (self->fail_commits) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL, "disk on fire");
		return FALSE;
	}
	for (guint i = 0; i < writes->len; i++)
		store_apply (self, g_ptr_array_index (writes, i));
	return TRUE;
}

/* Only the kind is filtered on: enough for these tests. */
static GPtrArray *
test_store_query (ArtemisStorageBackend *backend, const ArtemisStorageRecord *filter, GError **error)
{
	TestStore *self = TEST_STORE (backend);
	g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
	GPtrArray *result = artemis_storage_record_array_new ();

	note_thread (self);
	for (guint i = 0; i < self->rows[filter->kind]->len; i++)
		g_ptr_array_add (result, artemis_storage_record_copy (g_ptr_array_index (self->rows[filter->kind], i)));
	return result;
}

static gboolean
test_store_poll_changes (ArtemisStorageBackend *backend, gint64 *cursor, GArray *kinds, GError **error)
{
	TestStore *self = TEST_STORE (backend);
	g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

	note_thread (self);
	self->polls_waiting++;
	while (self->gate_closed)
		g_cond_wait (&self->gate, &self->lock);
	self->polls_waiting--;
	if (self->generation > *cursor)
		g_array_append_val (kinds, self->changed_kind);
	*cursor = self->generation;
	return TRUE;
}

static gboolean
test_store_reserve_ids (ArtemisStorageBackend *backend, ArtemisStorageKind kind, guint count, gint64 *first,
			GError **error)
{
	TestStore *self = TEST_STORE (backend);
	g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

	note_thread (self);
	if (self->fail_reservations) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE, "the database is away");
		return FALSE;
	}
	self->reservations++;
	*first = self->next_ids[kind];
	self->next_ids[kind] += count;
	return TRUE;
}

/* What another node sharing the store does. */
static void
test_store_write_elsewhere (TestStore *self, ArtemisStorageAction action, ArtemisStorageRecord *record)
{
	g_autoptr (ArtemisStorageWrite) write = artemis_storage_write_new (action, record);
	g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

	store_apply (self, write);
	self->generation++;
}

static void
test_store_finalize (GObject *object)
{
	TestStore *self = TEST_STORE (object);

	for (guint i = 0; i < ARTEMIS_STORAGE_N_KINDS; i++)
		g_ptr_array_unref (self->rows[i]);
	g_mutex_clear (&self->lock);
	g_cond_clear (&self->gate);
	G_OBJECT_CLASS (test_store_parent_class)->finalize (object);
}

static void
test_store_class_init (TestStoreClass *klass)
{
	ArtemisStorageBackendClass *backend_class = ARTEMIS_STORAGE_BACKEND_CLASS (klass);

	G_OBJECT_CLASS (klass)->finalize = test_store_finalize;
	backend_class->open = test_store_open;
	backend_class->query = test_store_query;
	backend_class->commit = test_store_commit;
	backend_class->poll_changes = test_store_poll_changes;
	backend_class->reserve_ids = test_store_reserve_ids;
}

static void
test_store_init (TestStore *self)
{
	g_mutex_init (&self->lock);
	g_cond_init (&self->gate);
	self->changed_kind = ARTEMIS_STORAGE_INSTANCE_OPERATION;
	for (guint i = 0; i < ARTEMIS_STORAGE_N_KINDS; i++) {
		self->rows[i] = artemis_storage_record_array_new ();
		self->next_ids[i] = 1000;
	}
}

/* A shared store that cannot reserve ids: a plugin's bug, refused at open. */
#define TEST_TYPE_BARE_STORE (test_bare_store_get_type ())
G_DECLARE_FINAL_TYPE (TestBareStore, test_bare_store, TEST, BARE_STORE, ArtemisStorageBackend)

struct _TestBareStore {
	ArtemisStorageBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (TestBareStore, test_bare_store, ARTEMIS_TYPE_STORAGE_BACKEND)

static gboolean
test_bare_store_open (ArtemisStorageBackend *backend, const char *data_dir, GError **error)
{
	g_assert_not_reached ();
}

static gboolean
test_bare_store_poll_changes (ArtemisStorageBackend *backend, gint64 *cursor, GArray *kinds, GError **error)
{
	return TRUE;
}

static void
test_bare_store_class_init (TestBareStoreClass *klass)
{
	ArtemisStorageBackendClass *backend_class = ARTEMIS_STORAGE_BACKEND_CLASS (klass);

	backend_class->open = test_bare_store_open;
	backend_class->poll_changes = test_bare_store_poll_changes;
}

static void
test_bare_store_init (TestBareStore *self)
{
}

/* ---- ArtemisStorage: the worker, the load, writes, polling -------------- */

/* A node's management and storage (artemis-test-node.c), x-1 of demo.hello registered. */
typedef ArtemisTestNode Node;

/* The state the store holds is in force before the node serves. */
static void
test_worker_load (Node *node, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) seeded = open_sqlite (node->dir);
	g_autoptr (ArtemisStorageBackend) backend = new_sqlite (NULL);

	g_assert_true (commit_one (seeded, ARTEMIS_STORAGE_PUT,
				   new_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, "X-1", "pullout", "ops1", 1), NULL));
	artemis_storage_backend_close (seeded);
	artemis_test_node_open (node, backend);
	g_assert_true (artemis_test_node_is_down (node));
	g_assert_cmpstr (node->changes->str, ==, "delete x-1 ");
}

static void
test_worker_open_fails (Node *node, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = new_sqlite (NULL);
	g_autofree char *path = g_build_filename (node->dir, "artemis.db", NULL);
	g_autoptr (GError) error = NULL;

	g_assert_true (g_file_set_contents (path, "not a database, not at all; long enough to be read"
							       " as a header by SQLite, surely, yes, it is: 100 bytes",
					    -1, NULL));
	node->storage = artemis_storage_new (backend, node->management, NULL);
	g_assert_false (artemis_storage_open (node->storage, node->dir, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL);
	g_assert_nonnull (strstr (error->message, "file is not a database"));
}

typedef struct {
	gboolean done;
	GError *error;
	GPtrArray *records;
} Queried;

static void
on_queried (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Queried *out = user_data;

	out->records = artemis_storage_query_finish (ARTEMIS_STORAGE (source), result, &out->error);
	out->done = TRUE;
}

/* The answer comes back on the main loop, after the commit, with the state applied. */
static void
test_worker_write (Node *node, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = new_sqlite (NULL);
	g_autoptr (GPtrArray) writes = NULL;
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_INSTANCE_LOG);
	g_autofree char *path = g_build_filename (node->dir, "artemis.db", NULL);
	Fixture files = { node->dir, path };
	ArtemisTestWrite written = { FALSE };
	Queried logs = { FALSE };

	artemis_test_node_open (node, backend);
	writes = artemis_test_node_pull_out (node, FALSE);
	artemis_test_node_submit (node, writes, &written);
	g_assert_false (written.done);
	g_assert_false (artemis_test_node_is_down (node));
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_no_error (written.error);
	g_assert_true (written.ok);
	g_assert_true (artemis_test_node_is_down (node));
	g_assert_cmpstr (node->changes->str, ==, "delete x-1 ");
	artemis_storage_query_async (node->storage, filter, NULL, on_queried, &logs);
	while (!logs.done)
		g_main_context_iteration (NULL, TRUE);
	g_assert_no_error (logs.error);
	g_assert_cmpuint (logs.records->len, ==, 1);
	g_ptr_array_unref (logs.records);
	assert_sql (&files, "SELECT instance_id, operation, operator_id, token FROM instance",
		    "x-1|pullout|ops1|t\n");
}

/* A failed commit changes nothing and says why. */
static void
test_worker_failure (Node *node, gconstpointer data)
{
	g_autoptr (TestStore) store = g_object_new (TEST_TYPE_STORE, NULL);
	g_autoptr (GPtrArray) writes = NULL;
	ArtemisTestWrite written = { FALSE };

	artemis_test_node_open (node, ARTEMIS_STORAGE_BACKEND (store));
	store->fail_commits = TRUE;
	writes = artemis_test_node_pull_out (node, FALSE);
	artemis_test_node_submit (node, writes, &written);
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_false (written.ok);
	g_assert_error (written.error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL);
	g_assert_cmpstr (written.error->message, ==, "disk on fire");
	g_clear_error (&written.error);
	g_assert_false (artemis_test_node_is_down (node));
	g_assert_cmpstr (node->changes->str, ==, "");
	/* Every backend call ran on one thread of its own. */
	g_assert_nonnull (store->thread);
	g_assert_false (store->other_thread);
	g_assert_true (store->thread != g_thread_self ());
	/* Once closed, nothing more reaches the backend. */
	artemis_storage_close (node->storage);
	written.done = FALSE;
	artemis_test_node_submit (node, writes, &written);
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_error (written.error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
	g_assert_cmpstr (written.error->message, ==, "The management store is closed");
	g_clear_error (&written.error);
}

static gboolean
on_timeout (gpointer user_data)
{
	*(gboolean *) user_data = TRUE;
	return G_SOURCE_REMOVE;
}

/* Iterates the main loop until x-1 is @down, for 5 s at most. */
static void
wait_until_down (Node *node, gboolean down)
{
	gboolean timed_out = FALSE;
	guint timeout = g_timeout_add (5000, on_timeout, &timed_out);

	while (artemis_test_node_is_down (node) != down && !timed_out)
		g_main_context_iteration (NULL, TRUE);
	g_assert_false (timed_out);
	g_source_remove (timeout);
}

/* Other nodes' changes reach this one: polled, applied, pushed. */
static void
test_shared_poll (Node *node, gconstpointer data)
{
	g_autoptr (TestStore) store = g_object_new (TEST_TYPE_STORE, NULL);
	g_autoptr (GError) error = NULL;

	artemis_test_node_open (node, ARTEMIS_STORAGE_BACKEND (store));
	g_assert_true (artemis_storage_backend_is_shared (ARTEMIS_STORAGE_BACKEND (store)));
	test_store_write_elsewhere (store, ARTEMIS_STORAGE_PUT,
				    new_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, "x-1", "pullout", "ops9", 1));
	g_assert_false (artemis_test_node_is_down (node));
	g_assert_true (artemis_storage_poll (node->storage, &error));
	g_assert_no_error (error);
	g_assert_true (artemis_test_node_is_down (node));
	g_assert_cmpstr (node->changes->str, ==, "delete x-1 ");
	/* The same again on the timer. */
	artemis_storage_start_polling (node->storage, 10);
	test_store_write_elsewhere (store, ARTEMIS_STORAGE_DELETE,
				    new_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, "X-1", "PULLOUT", "ops9", 1));
	wait_until_down (node, FALSE);
	g_assert_cmpstr (node->changes->str, ==, "delete x-1 new x-1 ");
	g_assert_false (store->other_thread);
}

static gpointer
emit_changed (gpointer backend)
{
	artemis_storage_backend_emit_changed (backend);
	return NULL;
}

/* The backend says other nodes changed the store: the node polls at once, not at the next interval. */
static void
test_shared_notified (Node *node, gconstpointer data)
{
	g_autoptr (TestStore) store = g_object_new (TEST_TYPE_STORE, NULL);
	g_autoptr (GThread) thread = NULL;

	artemis_test_node_open (node, ARTEMIS_STORAGE_BACKEND (store));
	artemis_storage_start_polling (node->storage, 60000);
	test_store_write_elsewhere (store, ARTEMIS_STORAGE_PUT,
				    new_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, "x-1", "pullout", "ops9", 1));
	/* As a backend's listening thread does. */
	thread = g_thread_new ("notify", emit_changed, store);
	g_thread_join (g_steal_pointer (&thread));
	wait_until_down (node, TRUE);
	g_assert_cmpstr (node->changes->str, ==, "delete x-1 ");
	/* Closed, the node hears nothing more: the handler is gone with the backend's threads. */
	artemis_storage_close (node->storage);
	artemis_storage_backend_emit_changed (ARTEMIS_STORAGE_BACKEND (store));
	g_assert_cmpuint (g_signal_handlers_disconnect_matched (store, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
							     node->storage),
			  ==, 0);
}

/* New rows of a shared store take ids it reserved, in its worker's turn, before the write is prepared. */
static void
test_shared_reserved_ids (Node *node, gconstpointer data)
{
	g_autoptr (TestStore) store = g_object_new (TEST_TYPE_STORE, NULL);
	ArtemisTestWrite first = { FALSE }, second = { FALSE };

	artemis_test_node_open (node, ARTEMIS_STORAGE_BACKEND (store));
	g_assert_true (artemis_groups_get_reserved_ids (artemis_management_get_groups (node->management)));
	artemis_test_node_insert_groups (node, "a;b", &first);
	artemis_test_node_insert_groups (node, "c;a", &second);
	g_assert_true (artemis_test_write_wait (&first));
	g_assert_true (artemis_test_write_wait (&second));
	g_assert_no_error (first.error);
	g_assert_no_error (second.error);
	g_assert_cmpint (artemis_test_node_get_group_id (node, "a"), ==, 1000);
	g_assert_cmpint (artemis_test_node_get_group_id (node, "b"), ==, 1001);
	g_assert_cmpint (artemis_test_node_get_group_id (node, "c"), ==, 1002);
	/*
	 * One batch per kind the bound of insert-groups names (groups, and the
	 * single rule, rule group and operation any group write may create)
	 * served both writes.
	 */
	g_assert_cmpuint (store->reservations, ==, 4);
	g_assert_cmpint (store->next_ids[ARTEMIS_STORAGE_SERVICE_GROUP], ==, 1032);
	g_assert_cmpuint (store->rows[ARTEMIS_STORAGE_SERVICE_GROUP]->len, ==, 3);
	g_assert_false (store->other_thread);
}

static guint
count_polls_waiting (TestStore *store)
{
	g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);

	return store->polls_waiting;
}

static void
open_gate (TestStore *store)
{
	g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);

	store->gate_closed = FALSE;
	g_cond_broadcast (&store->gate);
}

/*
 * A poll reads the store and replaces the state with what it read: no
 * write of this node may commit in between, or the reload would take
 * back the write (until some later poll). A write submitted while a poll
 * reads waits for the poll's turn to end.
 */
static void
test_shared_poll_turn (Node *node, gconstpointer data)
{
	g_autoptr (TestStore) store = g_object_new (TEST_TYPE_STORE, NULL);
	g_autoptr (GThread) thread = NULL;
	ArtemisTestWrite written = { FALSE };
	g_autoptr (ArtemisStorageRecord) other = artemis_storage_record_new (ARTEMIS_STORAGE_SERVICE_GROUP);
	g_autofree char *groups = NULL;

	artemis_test_node_open (node, ARTEMIS_STORAGE_BACKEND (store));
	artemis_test_node_insert_groups (node, "a", &written);
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_no_error (written.error);
	/* Another node creates group z, and says so; this node's poll waits in the store. */
	artemis_storage_record_set_string (other, ARTEMIS_STORAGE_FIELD_SERVICE_ID, "demo.hello");
	artemis_storage_record_set_string (other, ARTEMIS_STORAGE_FIELD_REGION_ID, "SHA");
	artemis_storage_record_set_string (other, ARTEMIS_STORAGE_FIELD_ZONE_ID, "Z1");
	artemis_storage_record_set_string (other, ARTEMIS_STORAGE_FIELD_NAME, "z");
	artemis_storage_record_set_string (other, ARTEMIS_STORAGE_FIELD_APP_ID, "b");
	artemis_storage_record_set_string (other, ARTEMIS_STORAGE_FIELD_STATUS, "active");
	other->id = 5000;
	store->changed_kind = ARTEMIS_STORAGE_SERVICE_GROUP;
	store->gate_closed = TRUE;
	test_store_write_elsewhere (store, ARTEMIS_STORAGE_PUT, g_steal_pointer (&other));
	artemis_storage_start_polling (node->storage, 60000);
	thread = g_thread_new ("notify", emit_changed, store);
	g_thread_join (g_steal_pointer (&thread));
	while (count_polls_waiting (store) == 0)
		g_main_context_iteration (NULL, FALSE);
	/* Meanwhile this node creates group b. */
	written.done = FALSE;
	artemis_test_node_insert_groups (node, "b", &written);
	g_main_context_iteration (NULL, FALSE);
	open_gate (store);
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_no_error (written.error);
	groups = artemis_test_node_list_groups (node);
	g_assert_cmpstr (groups, ==, "1000:a 1001:b 5000:z ");
}

/* A reservation that fails fails the write before it is prepared, saying why; nothing changes. */
static void
test_shared_reservation_fails (Node *node, gconstpointer data)
{
	g_autoptr (TestStore) store = g_object_new (TEST_TYPE_STORE, NULL);
	ArtemisTestWrite written = { FALSE };

	artemis_test_node_open (node, ARTEMIS_STORAGE_BACKEND (store));
	store->fail_reservations = TRUE;
	artemis_test_node_insert_groups (node, "a", &written);
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_false (written.ok);
	g_assert_error (written.error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
	g_assert_cmpstr (written.error->message, ==, "Cannot reserve ids for new rows: the database is away");
	g_clear_error (&written.error);
	g_assert_cmpuint (node->prepared, ==, 0);
	g_assert_cmpint (artemis_test_node_get_group_id (node, "a"), ==, 0);
	g_assert_cmpuint (store->rows[ARTEMIS_STORAGE_SERVICE_GROUP]->len, ==, 0);
	/* The next write, once the store is back, goes through. */
	store->fail_reservations = FALSE;
	written.done = FALSE;
	artemis_test_node_insert_groups (node, "a", &written);
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_no_error (written.error);
	g_assert_cmpint (artemis_test_node_get_group_id (node, "a"), ==, 1000);
}

/* A backend sharing its store must reserve ids: the node refuses to start on one that cannot. */
static void
test_shared_needs_reserve_ids (Node *node, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = g_object_new (TEST_TYPE_BARE_STORE, NULL);
	g_autoptr (GError) error = NULL;

	node->storage = artemis_storage_new (backend, node->management, NULL);
	g_assert_false (artemis_storage_open (node->storage, node->dir, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED);
	g_assert_cmpstr (error->message, ==,
			 "Storage backend TestBareStore does not implement reserve_ids (required of a shared store)");
}

/* A store of this node alone is never polled, and the node numbers new rows itself. */
static void
test_private_no_poll (Node *node, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = new_sqlite (NULL);
	g_autoptr (GError) error = NULL;
	ArtemisTestWrite written = { FALSE };

	artemis_test_node_open (node, backend);
	g_assert_false (artemis_storage_backend_is_shared (backend));
	artemis_storage_start_polling (node->storage, 10);
	g_assert_true (artemis_storage_poll (node->storage, &error));
	g_assert_no_error (error);
	g_assert_false (artemis_groups_get_reserved_ids (artemis_management_get_groups (node->management)));
	artemis_test_node_insert_groups (node, "a;b", &written);
	g_assert_true (artemis_test_write_wait (&written));
	g_assert_no_error (written.error);
	g_assert_cmpint (artemis_test_node_get_group_id (node, "b"), ==, 2);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
	g_test_add ("/artemis/storage/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
	ADD ("sqlite/fresh", test_sqlite_fresh, NULL);
	ADD ("sqlite/empty-file", test_sqlite_fresh, "empty");
	ADD ("sqlite/round-trip", test_sqlite_round_trip, NULL);
	ADD ("sqlite/upsert", test_sqlite_upsert, NULL);
	ADD ("sqlite/log-filters", test_sqlite_log_filters, NULL);
	ADD ("sqlite/atomic", test_sqlite_atomic, NULL);
	ADD ("sqlite/reopen", test_sqlite_reopen, NULL);
	ADD ("sqlite/newer-version", test_sqlite_newer, NULL);
	ADD ("sqlite/node-ids", test_sqlite_node_ids, NULL);
	ADD ("sqlite/migrate-v1", test_sqlite_migrate_v1, NULL);
	ADD ("sqlite/foreign", test_sqlite_foreign, NULL);
	ADD ("sqlite/corrupt", test_sqlite_corrupt, NULL);
	ADD ("sqlite/damaged", test_sqlite_corrupt, "damaged");
	ADD ("sqlite/unwritable", test_sqlite_unwritable, NULL);
	ADD ("sqlite/settings", test_sqlite_settings, NULL);
#undef ADD
#define ADD(path, func)                                                                               \
	g_test_add ("/artemis/storage/" path, Node, NULL, artemis_test_node_set_up, func, artemis_test_node_tear_down)
	ADD ("worker/load", test_worker_load);
	ADD ("worker/open-fails", test_worker_open_fails);
	ADD ("worker/write", test_worker_write);
	ADD ("worker/failure", test_worker_failure);
	ADD ("shared/poll", test_shared_poll);
	ADD ("shared/notified", test_shared_notified);
	ADD ("shared/poll-turn", test_shared_poll_turn);
	ADD ("shared/reserved-ids", test_shared_reserved_ids);
	ADD ("shared/reservation-fails", test_shared_reservation_fails);
	ADD ("shared/needs-reserve-ids", test_shared_needs_reserve_ids);
	ADD ("shared/private", test_private_no_poll);
#undef ADD

	return g_test_run ();
}
