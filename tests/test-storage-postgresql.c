/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "artemis-storage.h"
#include "artemis-storage-postgresql-plugin.h"
#include "artemis-test-node.h"
#include "artemis-test-postgresql.h"
#include "artemis-test-utils.h"

/*
 * The PostgreSQL backend against a real server this program starts
 * (artemis-test-postgresql.c), a new database per test: the schema and
 * its version, every kind in and out with keys and filters ignoring case,
 * atomic commits, reserved ids, change versions and notifications, a lost
 * connection, refusing what it cannot use. Then two nodes (storage and
 * management, in process) sharing one database: distinct ids for groups
 * both create, another node's pull-out seen through NOTIFY and through
 * polling alone, and a restart.
 */

static ArtemisTestPostgresql *server;

typedef struct {
	char *dbname;
	char *conninfo;
	char *dir; /* the data directory storage opens with (unused by PostgreSQL) */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
	static guint count;
	g_autoptr (GError) error = NULL;

	fixture->dbname = g_strdup_printf ("artemis_%u", ++count);
	fixture->conninfo = artemis_test_postgresql_create_database (server, fixture->dbname);
	fixture->dir = g_dir_make_tmp ("artemis-pg-node-XXXXXX", &error);
	g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
	artemis_test_postgresql_drop_database (server, fixture->dbname);
	artemis_test_remove_path (fixture->dir);
	g_free (fixture->dbname);
	g_free (fixture->conninfo);
	g_free (fixture->dir);
}

static char *
sql (Fixture *fixture, const char *statement)
{
	return artemis_test_postgresql_sql (server, fixture->dbname, statement);
}

static void
assert_sql (Fixture *fixture, const char *statement, const char *expected)
{
	g_autofree char *got = sql (fixture, statement);

	g_assert_cmpstr (got, ==, expected);
}

/* ---- the backend -------------------------------------------------------- */

/* The plugin as the daemon gets it: through the loader, with @settings as `[plugin storage-postgresql]`. */
static ArtemisStorageBackend *
new_backend (const char *settings)
{
	g_autoptr (ArtemisPluginLoader) loader = artemis_plugin_loader_new ();
	g_autoptr (GKeyFile) key_file = g_key_file_new ();
	g_autofree char *text = g_strconcat ("[plugin storage-postgresql]\n", settings, NULL);
	g_autoptr (GPtrArray) backends = NULL;

	g_assert_true (g_key_file_load_from_data (key_file, text, -1, G_KEY_FILE_NONE, NULL));
	artemis_plugin_loader_add_builtin (loader, "storage-postgresql", ARTEMIS_TYPE_STORAGE_POSTGRESQL_PLUGIN);
	artemis_plugin_loader_scan (loader);
	artemis_plugin_loader_setup (loader, key_file);
	backends = artemis_plugin_loader_get_plugins_of_kind (loader, ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND);
	return backends->len > 0 ? g_object_ref (g_ptr_array_index (backends, 0)) : NULL;
}

/* The plugin for the fixture's database, with @extra settings (or NULL). */
static ArtemisStorageBackend *
new_fixture_backend (Fixture *fixture, const char *extra)
{
	g_autofree char *settings = g_strdup_printf ("conninfo=%s\n%s", fixture->conninfo, extra != NULL ? extra : "");

	return new_backend (settings);
}

static ArtemisStorageBackend *
open_backend (Fixture *fixture, const char *extra)
{
	ArtemisStorageBackend *backend = new_fixture_backend (fixture, extra);
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (backend);
	g_assert_true (artemis_storage_backend_open (backend, fixture->dir, &error));
	g_assert_no_error (error);
	return backend;
}

/* Opening with @settings fails with @code and a message matching @pattern. */
static void
assert_open_fails (Fixture *fixture, const char *settings, gint code, const char *pattern)
{
	g_autoptr (ArtemisStorageBackend) backend = new_backend (settings);
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (backend);
	g_assert_false (artemis_storage_backend_open (backend, fixture->dir, &error));
	g_assert_error (error, ARTEMIS_ERROR, code);
	if (!g_pattern_match_simple (pattern, error->message))
		g_error ("“%s” does not match “%s”", error->message, pattern);
}

/* A row of @kind with every field set: text "<column>-@tag", integers @number, booleans @number odd. */
static ArtemisStorageRecord *
full_row (ArtemisStorageKind kind, gint64 id, const char *tag, gint64 number)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
	ArtemisStorageRecord *record = artemis_storage_record_new (kind);

	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];
		g_autofree char *text = g_strdup_printf ("%s-%s", artemis_storage_field_get_name (field), tag);

		if (artemis_storage_field_is_integer (field))
			artemis_storage_record_set_int (record, field, number);
		else if (artemis_storage_field_is_boolean (field))
			artemis_storage_record_set_boolean (record, field, number % 2 == 1);
		else
			artemis_storage_record_set_string (record, field, text);
	}
	record->id = id;
	record->create_time_ms = 1000 + number;
	record->update_time_ms = 2000 + number;
	return record;
}

static void
assert_same_fields (const ArtemisStorageRecord *got, const ArtemisStorageRecord *want)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (want->kind);

	g_assert_cmpint (got->kind, ==, want->kind);
	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];

		g_assert_cmpint (artemis_storage_record_is_set (got, field), ==, artemis_storage_record_is_set (want, field));
		g_assert_cmpint (artemis_storage_record_get_boolean (got, field), ==,
				 artemis_storage_record_get_boolean (want, field));
		g_assert_cmpint (artemis_storage_record_get_int (got, field), ==, artemis_storage_record_get_int (want, field));
		g_assert_cmpstr (artemis_storage_record_get_string (got, field), ==,
				 artemis_storage_record_get_string (want, field));
	}
}

static gboolean
commit (ArtemisStorageBackend *backend, ArtemisStorageAction action, ArtemisStorageRecord *record, GError **error)
{
	g_autoptr (GPtrArray) writes = artemis_storage_write_array_new ();

	g_ptr_array_add (writes, artemis_storage_write_new (action, record));
	return artemis_storage_backend_commit (backend, writes, error);
}

static void
commit_ok (ArtemisStorageBackend *backend, ArtemisStorageAction action, ArtemisStorageRecord *record)
{
	g_autoptr (GError) error = NULL;
	gboolean ok = commit (backend, action, record, &error);

	g_assert_no_error (error);
	g_assert_true (ok);
}

static GPtrArray *
query (ArtemisStorageBackend *backend, const ArtemisStorageRecord *filter)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *records = artemis_storage_backend_query (backend, filter, &error);

	g_assert_no_error (error);
	return records;
}

static GPtrArray *
query_all (ArtemisStorageBackend *backend, ArtemisStorageKind kind)
{
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (kind);

	return query (backend, filter);
}

/* A new database gets the schema; opening it again changes nothing. */
static void
test_fresh (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_backend (fixture, NULL);
	g_autoptr (ArtemisStorageBackend) again = NULL;
	g_autoptr (GArray) kinds = g_array_new (FALSE, FALSE, sizeof (ArtemisStorageKind));
	g_autoptr (GError) error = NULL;
	gint64 cursor = 0;

	assert_sql (fixture, "SELECT version FROM schema_version", "1\n");
	/* A table per kind (Java's but service_group_tag_log, never written), the version, ids, changes. */
	assert_sql (fixture, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "22\n");
	assert_sql (fixture, "SELECT tableowner FROM pg_tables WHERE tablename = 'service_group'", "artemis\n");
	g_assert_true (artemis_storage_backend_is_shared (backend));
	g_assert_true (artemis_storage_backend_poll_changes (backend, &cursor, kinds, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (kinds->len, ==, 0);
	artemis_storage_backend_close (backend);
	again = open_backend (fixture, NULL);
	assert_sql (fixture, "SELECT version FROM schema_version", "1\n");
	assert_sql (fixture, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "22\n");
}

/* @record with every key field that ignores case in upper case. */
static ArtemisStorageRecord *
upper_keys (const ArtemisStorageRecord *record)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);
	ArtemisStorageRecord *copy = artemis_storage_record_copy (record);

	for (guint i = 0; i < info->n_key_fields; i++) {
		const char *value = artemis_storage_record_get_string (record, info->fields[i]);
		g_autofree char *upper = value != NULL ? g_ascii_strup (value, -1) : NULL;

		if (artemis_storage_field_is_nocase (info->fields[i]))
			artemis_storage_record_set_string (copy, info->fields[i], upper);
	}
	return copy;
}

/* Every kind, every field, in and out; state keys, updates and filters ignoring case, as SQLite and MySQL. */
static void
test_round_trip (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_backend (fixture, NULL);

	for (guint kind = 0; kind < ARTEMIS_STORAGE_N_KINDS; kind++) {
		const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
		/* Groups and rules come numbered by the node; operations are numbered by the store. */
		gint64 id = !info->is_log && kind >= ARTEMIS_STORAGE_SERVICE_GROUP ? 40 + kind : 0;
		g_autoptr (ArtemisStorageRecord) row = full_row (kind, id, "a", 7);
		g_autoptr (ArtemisStorageRecord) other = full_row (kind, 0, "b", 8);
		g_autoptr (ArtemisStorageRecord) update = NULL;
		g_autoptr (ArtemisStorageRecord) filter = NULL;
		g_autoptr (GPtrArray) records = NULL;
		g_autoptr (GPtrArray) filtered = NULL;
		const ArtemisStorageRecord *got;
		gint64 stored_id;

		commit_ok (backend, info->is_log ? ARTEMIS_STORAGE_APPEND : ARTEMIS_STORAGE_PUT,
			   artemis_storage_record_copy (row));
		records = query_all (backend, kind);
		g_assert_cmpuint (records->len, ==, 1);
		got = g_ptr_array_index (records, 0);
		assert_same_fields (got, row);
		g_assert_cmpint (got->id, ==, (id != 0 ? id : 1));
		g_assert_cmpint (got->create_time_ms, ==, 1007);
		g_assert_cmpint (got->update_time_ms, ==, 2007);
		stored_id = got->id;
		g_clear_pointer (&records, g_ptr_array_unref);
		if (info->is_log) {
			/* Appended, numbered by the store in order. */
			commit_ok (backend, ARTEMIS_STORAGE_APPEND, artemis_storage_record_copy (other));
			records = query_all (backend, kind);
			g_assert_cmpuint (records->len, ==, 2);
			g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (records, 1))->id, ==, 2);
			continue;
		}
		/* The same key in another case updates the row: its id, spelling and creation time stay. */
		update = upper_keys (row);
		if (info->n_fields > info->n_key_fields)
			artemis_storage_record_copy_field (update, other, info->fields[info->n_fields - 1]);
		update->id = stored_id;
		update->create_time_ms = 5;
		update->update_time_ms = 6;
		commit_ok (backend, ARTEMIS_STORAGE_PUT, artemis_storage_record_copy (update));
		records = query_all (backend, kind);
		g_assert_cmpuint (records->len, ==, 1);
		got = g_ptr_array_index (records, 0);
		g_assert_cmpint (got->id, ==, (id != 0 ? id : 1));
		g_assert_cmpint (got->create_time_ms, ==, 1007);
		g_assert_cmpint (got->update_time_ms, ==, 6);
		for (guint i = 0; i < info->n_key_fields; i++)
			artemis_storage_record_copy_field (update, row, info->fields[i]);
		assert_same_fields (got, update);
		/* Filters ignore case too. */
		filter = upper_keys (row);
		for (guint i = info->n_key_fields; i < info->n_fields; i++)
			artemis_storage_record_unset (filter, info->fields[i]);
		filtered = query (backend, filter);
		g_assert_cmpuint (filtered->len, ==, 1);
		/* And so does a delete by key. */
		commit_ok (backend, ARTEMIS_STORAGE_DELETE, upper_keys (row));
		g_clear_pointer (&records, g_ptr_array_unref);
		records = query_all (backend, kind);
		g_assert_cmpuint (records->len, ==, 0);
	}
}

/* Filters on several fields, nullable ones left out; log rows oldest first. */
static void
test_filters (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_backend (fixture, NULL);
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG);
	g_autoptr (GPtrArray) records = NULL;

	for (gint64 i = 0; i < 4; i++) {
		ArtemisStorageRecord *log = full_row (ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG, 0, "x", i % 2);

		if (i == 3)
			artemis_storage_record_unset (log, ARTEMIS_STORAGE_FIELD_WEIGHT);
		commit_ok (backend, ARTEMIS_STORAGE_APPEND, log);
	}
	artemis_storage_record_set_int (filter, ARTEMIS_STORAGE_FIELD_GROUP_ID, 1);
	artemis_storage_record_set_string (filter, ARTEMIS_STORAGE_FIELD_OPERATION, "OPERATION-X");
	records = query (backend, filter);
	g_assert_cmpuint (records->len, ==, 2);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (records, 0))->id, ==, 2);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (records, 1))->id, ==, 4);
	g_assert_false (artemis_storage_record_is_set (g_ptr_array_index (records, 1), ARTEMIS_STORAGE_FIELD_WEIGHT));
}

/* All or nothing: a write the server refuses undoes the ones before it, and says why. */
static void
test_atomic (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_backend (fixture, NULL);
	g_autoptr (GPtrArray) writes = artemis_storage_write_array_new ();
	g_autoptr (GPtrArray) records = NULL;
	g_autoptr (GError) error = NULL;
	ArtemisStorageRecord *bad = full_row (ARTEMIS_STORAGE_SERVER_OPERATION, 0, "b", 1);

	artemis_storage_record_set_string (bad, ARTEMIS_STORAGE_FIELD_OPERATOR_ID, NULL);
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_PUT,
							    full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "a", 1)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    full_row (ARTEMIS_STORAGE_INSTANCE_LOG, 0, "a", 1)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_PUT, bad));
	g_assert_false (artemis_storage_backend_commit (backend, writes, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL);
	g_assert_cmpstr (error->message, ==,
			 "Cannot write to server: null value in column \"operator_id\" of relation \"server\" violates "
			 "not-null constraint");
	records = query_all (backend, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	g_assert_cmpuint (records->len, ==, 0);
	g_clear_pointer (&records, g_ptr_array_unref);
	records = query_all (backend, ARTEMIS_STORAGE_INSTANCE_LOG);
	g_assert_cmpuint (records->len, ==, 0);
	/* The connection is usable after the rollback. */
	commit_ok (backend, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "a", 1));
}

/* ---- ids --------------------------------------------------------------- */

typedef struct {
	ArtemisStorageBackend *backend;
	GArray *firsts; /* gint64 */
} Reserver;

#define RESERVATIONS 40
#define RESERVED 3

static gpointer
reserve_many (gpointer data)
{
	Reserver *reserver = data;

	for (guint i = 0; i < RESERVATIONS; i++) {
		g_autoptr (GError) error = NULL;
		gint64 first = 0;

		g_assert_true (artemis_storage_backend_reserve_ids (reserver->backend, ARTEMIS_STORAGE_SERVICE_GROUP,
								    RESERVED, &first, &error));
		g_assert_no_error (error);
		g_array_append_val (reserver->firsts, first);
	}
	return NULL;
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *) a;
	gint64 y = *(const gint64 *) b;

	return x < y ? -1 : x > y;
}

/* Two nodes reserving at once never get the same id; rows the store numbers take none of them. */
static void
test_reserve_ids (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) a = open_backend (fixture, "listen=false\n");
	g_autoptr (ArtemisStorageBackend) b = open_backend (fixture, "listen=false\n");
	g_autoptr (GArray) firsts = g_array_new (FALSE, FALSE, sizeof (gint64));
	Reserver reservers[] = { { a, g_array_new (FALSE, FALSE, sizeof (gint64)) },
				 { b, g_array_new (FALSE, FALSE, sizeof (gint64)) } };
	GThread *threads[G_N_ELEMENTS (reservers)];
	g_autoptr (GPtrArray) records = NULL;
	g_autoptr (GError) error = NULL;
	gint64 first = 0;

	for (guint i = 0; i < G_N_ELEMENTS (reservers); i++)
		threads[i] = g_thread_new ("reserve", reserve_many, &reservers[i]);
	for (guint i = 0; i < G_N_ELEMENTS (reservers); i++) {
		g_thread_join (threads[i]);
		g_array_append_vals (firsts, reservers[i].firsts->data, reservers[i].firsts->len);
		g_array_unref (reservers[i].firsts);
	}
	/* Consecutive blocks of RESERVED, together exactly 1 to the last: no overlap, no gap. */
	g_array_sort (firsts, compare_ids);
	g_assert_cmpuint (firsts->len, ==, 2 * RESERVATIONS);
	for (guint i = 0; i < firsts->len; i++)
		g_assert_cmpint (g_array_index (firsts, gint64, i), ==, 1 + RESERVED * i);
	/* The store numbers an operation after the ids reserved of its kind. */
	g_assert_true (artemis_storage_backend_reserve_ids (a, ARTEMIS_STORAGE_INSTANCE_OPERATION, 5, &first, &error));
	g_assert_cmpint (first, ==, 1);
	commit_ok (b, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "a", 1));
	records = query_all (a, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (records, 0))->id, ==, 6);
	/* Log rows are the store's to number. */
	g_assert_false (artemis_storage_backend_reserve_ids (a, ARTEMIS_STORAGE_GROUP_LOG, 1, &first, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED);
}

/* A row another node created under another id meanwhile: the put fails, whole, rather than refer to a wrong id. */
static void
test_conflict (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) a = open_backend (fixture, "listen=false\n");
	g_autoptr (ArtemisStorageBackend) b = open_backend (fixture, "listen=false\n");
	g_autoptr (GPtrArray) writes = artemis_storage_write_array_new ();
	g_autoptr (GPtrArray) records = NULL;
	g_autoptr (GError) error = NULL;

	commit_ok (a, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_SERVICE_GROUP, 100, "k", 1));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    full_row (ARTEMIS_STORAGE_GROUP_LOG, 0, "k", 1)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_PUT,
							    full_row (ARTEMIS_STORAGE_SERVICE_GROUP, 200, "K", 2)));
	g_assert_false (artemis_storage_backend_commit (b, writes, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
	g_assert_cmpstr (error->message, ==,
			 "Another node wrote the same row of service_group at the same time (as id 100, this one as "
			 "200): nothing was written; try again");
	records = query_all (a, ARTEMIS_STORAGE_SERVICE_GROUP);
	g_assert_cmpuint (records->len, ==, 1);
	g_assert_cmpint (((ArtemisStorageRecord *) g_ptr_array_index (records, 0))->id, ==, 100);
	g_clear_pointer (&records, g_ptr_array_unref);
	records = query_all (a, ARTEMIS_STORAGE_GROUP_LOG);
	g_assert_cmpuint (records->len, ==, 0);
}

/* ---- changes ----------------------------------------------------------- */

static GArray *
poll_kinds (ArtemisStorageBackend *backend, gint64 *cursor)
{
	GArray *kinds = g_array_new (FALSE, FALSE, sizeof (ArtemisStorageKind));
	g_autoptr (GError) error = NULL;

	g_assert_true (artemis_storage_backend_poll_changes (backend, cursor, kinds, &error));
	g_assert_no_error (error);
	return kinds;
}

/* Another node's commit shows as the kinds it changed, once; an audit row alone changes no state. */
static void
test_poll_changes (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) a = open_backend (fixture, "listen=false\n");
	g_autoptr (ArtemisStorageBackend) b = open_backend (fixture, "listen=false\n");
	g_autoptr (GPtrArray) writes = artemis_storage_write_array_new ();
	g_autoptr (GArray) kinds = NULL;
	g_autoptr (GError) error = NULL;
	gint64 cursor = 0;

	commit_ok (a, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "a", 1));
	kinds = poll_kinds (b, &cursor);
	g_assert_cmpuint (kinds->len, ==, 1);
	g_assert_cmpint (g_array_index (kinds, ArtemisStorageKind, 0), ==, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	g_assert_cmpint (cursor, ==, 1);
	g_clear_pointer (&kinds, g_array_unref);
	kinds = poll_kinds (b, &cursor);
	g_assert_cmpuint (kinds->len, ==, 0);
	g_clear_pointer (&kinds, g_array_unref);
	/* One commit of two kinds: one version, both kinds. */
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_PUT,
							    full_row (ARTEMIS_STORAGE_SERVICE_GROUP, 5, "g", 1)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_DELETE,
							    full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "a", 1)));
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    full_row (ARTEMIS_STORAGE_GROUP_LOG, 0, "g", 1)));
	g_assert_true (artemis_storage_backend_commit (a, writes, &error));
	g_assert_no_error (error);
	commit_ok (a, ARTEMIS_STORAGE_APPEND, full_row (ARTEMIS_STORAGE_INSTANCE_LOG, 0, "a", 1));
	kinds = poll_kinds (b, &cursor);
	g_assert_cmpuint (kinds->len, ==, 2);
	g_assert_cmpint (cursor, ==, 2);
	assert_sql (fixture, "SELECT table_name, version FROM change_version WHERE version > 0 ORDER BY table_name",
		    "instance|2\nservice_group|2\n");
	g_clear_pointer (&kinds, g_array_unref);
	/* A node opened later starts from what it loaded: nothing to reload yet. */
	{
		g_autoptr (ArtemisStorageBackend) c = open_backend (fixture, "listen=false\n");
		gint64 fresh = 0;

		kinds = poll_kinds (c, &fresh);
		g_assert_cmpuint (kinds->len, ==, 0);
		g_assert_cmpint (fresh, ==, 2);
	}
}

typedef struct {
	gint count;
} Heard;

static void
on_changed (ArtemisStorageBackend *backend, gpointer user_data)
{
	Heard *heard = user_data;

	g_atomic_int_inc (&heard->count);
}

/* Waits up to 5 s for @heard to count at least one; the time it took in µs, or -1. */
static gint64
wait_heard (Heard *heard)
{
	gint64 start = g_get_monotonic_time ();

	while (g_atomic_int_get (&heard->count) == 0) {
		if (g_get_monotonic_time () - start > 5 * G_TIME_SPAN_SECOND)
			return -1;
		g_usleep (1000);
	}
	return g_get_monotonic_time () - start;
}

static void
terminate_connections (Fixture *fixture)
{
	g_autofree char *statement = g_strdup_printf (
		"SELECT count(pg_terminate_backend (pid)) > 0 FROM pg_stat_activity WHERE datname = '%s' "
		"AND usename = '" ARTEMIS_TEST_POSTGRESQL_USER "'",
		fixture->dbname);

	assert_sql (fixture, statement, "t\n");
}

/* Waits until @count connections listen on the fixture's database. */
static void
wait_listening (Fixture *fixture, guint count)
{
	g_autofree char *statement = g_strdup_printf (
		"SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' AND query LIKE 'LISTEN %%'", fixture->dbname);
	g_autofree char *expected = g_strdup_printf ("%u\n", count);
	gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

	while (TRUE) {
		g_autofree char *listening = sql (fixture, statement);

		if (g_str_equal (listening, expected))
			return;
		g_assert_cmpint (g_get_monotonic_time (), <, deadline);
		g_usleep (10 * 1000);
	}
}

/* Another node's commit reaches a listening node at once; a node's own commits do not wake it. */
static void
test_notify (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) a = open_backend (fixture, NULL);
	g_autoptr (ArtemisStorageBackend) b = open_backend (fixture, NULL);
	Heard heard_a = { 0 }, heard_b = { 0 };
	gint64 took;

	g_signal_connect (a, "changed", G_CALLBACK (on_changed), &heard_a);
	g_signal_connect (b, "changed", G_CALLBACK (on_changed), &heard_b);
	wait_listening (fixture, 2);
	/* Each says so once it listens (what was notified before is unknown to it): not counted here. */
	g_usleep (100 * 1000);
	g_atomic_int_set (&heard_a.count, 0);
	g_atomic_int_set (&heard_b.count, 0);
	commit_ok (a, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "a", 1));
	took = wait_heard (&heard_b);
	g_assert_cmpint (took, >=, 0);
	g_test_message ("A commit on one node notified the other after %.1f ms", took / 1000.0);
	g_usleep (300 * 1000);
	g_assert_cmpint (g_atomic_int_get (&heard_a.count), ==, 0);
	g_assert_cmpint (g_atomic_int_get (&heard_b.count), ==, 1);
	/* A listening connection lost is made again, and says so (what was notified meanwhile is lost). */
	terminate_connections (fixture);
	wait_listening (fixture, 2);
	g_assert_cmpint (wait_heard (&heard_b), >=, 0);
	g_usleep (100 * 1000);
	g_atomic_int_set (&heard_b.count, 0);
	commit_ok (a, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "c", 1));
	g_assert_cmpint (wait_heard (&heard_b), >=, 0);
	/* Closed, it emits nothing more. */
	artemis_storage_backend_close (b);
	commit_ok (a, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "b", 1));
	g_usleep (200 * 1000);
	g_assert_cmpint (g_atomic_int_get (&heard_b.count), ==, 1);
	g_signal_handlers_disconnect_by_data (a, &heard_a);
	g_signal_handlers_disconnect_by_data (b, &heard_b);
}

/* ---- connections ------------------------------------------------------- */

/* A connection lost between calls is made again; a commit that cannot reach the server fails, saying why. */
static void
test_reconnect (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisStorageBackend) backend = open_backend (fixture, "listen=false\n");
	g_autoptr (GPtrArray) records = NULL;
	g_autoptr (GError) error = NULL;

	commit_ok (backend, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "a", 1));
	terminate_connections (fixture);
	g_test_expect_message ("Artemis-PostgreSQL", G_LOG_LEVEL_MESSAGE, "Connected to the management database*again");
	records = query_all (backend, ARTEMIS_STORAGE_INSTANCE_OPERATION);
	g_test_assert_expected_messages ();
	g_assert_cmpuint (records->len, ==, 1);
	terminate_connections (fixture);
	g_test_expect_message ("Artemis-PostgreSQL", G_LOG_LEVEL_MESSAGE, "Connected to the management database*again");
	commit_ok (backend, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "b", 1));
	g_test_assert_expected_messages ();
	/* The server turns the node away: the commit fails and nothing is written. */
	g_free (sql (fixture, "ALTER ROLE " ARTEMIS_TEST_POSTGRESQL_USER " NOLOGIN"));
	terminate_connections (fixture);
	g_assert_false (commit (backend, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "c", 1),
				&error));
	g_free (sql (fixture, "ALTER ROLE " ARTEMIS_TEST_POSTGRESQL_USER " LOGIN"));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
	if (!g_pattern_match_simple ("Cannot reach PostgreSQL again: connection to server at \"127.0.0.1\", port * "
				     "failed: FATAL: role \"artemis\" is not permitted to log in",
				     error->message))
		g_error ("unexpected: %s", error->message);
	g_test_expect_message ("Artemis-PostgreSQL", G_LOG_LEVEL_MESSAGE, "Connected to the management database*again");
	commit_ok (backend, ARTEMIS_STORAGE_PUT, full_row (ARTEMIS_STORAGE_INSTANCE_OPERATION, 0, "d", 1));
	g_test_assert_expected_messages ();
	assert_sql (fixture, "SELECT operation FROM instance ORDER BY id", "operation-a\noperation-b\noperation-d\n");
}

/* What the node cannot use stops it at start, with the reason. */
static void
test_refuses (Fixture *fixture, gconstpointer data)
{
	guint port = artemis_test_postgresql_get_port (server);
	g_autofree char *unreachable = g_strdup_printf ("conninfo=host=127.0.0.1 port=1 dbname=%s user=artemis\n",
							fixture->dbname);
	g_autofree char *wrong_password = g_strdup_printf (
		"conninfo=host=127.0.0.1 port=%u dbname=%s user=artemis password=wrong\n", port, fixture->dbname);
	g_autofree char *passfile = g_build_filename (fixture->dir, "pgpass", NULL);
	g_autofree char *passfile_line = g_strdup_printf ("127.0.0.1:%u:%s:artemis:" ARTEMIS_TEST_POSTGRESQL_PASSWORD
							  "\n", port, fixture->dbname);
	g_autofree char *with_passfile = g_strdup_printf (
		"conninfo=host=127.0.0.1 port=%u dbname=%s user=artemis\npassfile=%s\n", port, fixture->dbname, passfile);
	g_autofree char *with_libpq_passfile = g_strdup_printf (
		"conninfo=host=127.0.0.1 port=%u dbname=%s user=artemis passfile=%s\n", port, fixture->dbname, passfile);
	g_autofree char *missing_passfile = g_strdup_printf ("conninfo=%s\npassfile=/nonexistent/pgpass\n",
							      fixture->conninfo);
	g_autoptr (ArtemisStorageBackend) backend = NULL;
	g_autoptr (GError) error = NULL;

	assert_open_fails (fixture, unreachable, ARTEMIS_ERROR_UNAVAILABLE,
			   "Cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port 1 failed: "
			   "Connection refused Is the server running on that host and accepting TCP/IP connections?");
	assert_open_fails (fixture, wrong_password, ARTEMIS_ERROR_UNAVAILABLE,
			   "Cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port * failed: "
			   "FATAL: password authentication failed for user \"artemis\"");
	assert_open_fails (fixture, "", ARTEMIS_ERROR_CONFIG,
			   "[plugin storage-postgresql] conninfo is not set: it names the database, e.g. *");
	assert_open_fails (fixture, missing_passfile, ARTEMIS_ERROR_CONFIG,
			   "[plugin storage-postgresql] passfile /nonexistent/pgpass is not a file");
	/* A connection string libpq cannot read: the plugin is not even set up. */
	g_test_expect_message ("Artemis", G_LOG_LEVEL_WARNING,
			       "Skipping plugin storage-postgresql: setup failed: conninfo: missing \"=\" after "
			       "\"nonsense\" in connection info string");
	g_assert_null (new_backend ("conninfo=nonsense\n"));
	g_test_assert_expected_messages ();
	g_test_expect_message ("Artemis", G_LOG_LEVEL_WARNING,
			       "Skipping plugin storage-postgresql: setup failed: listen: “maybe” is neither true nor false");
	g_assert_null (new_backend ("listen=maybe\n"));
	g_test_assert_expected_messages ();
	/* The password from a file, as libpq reads it: named by the setting or by the connection string. */
	g_assert_true (g_file_set_contents (passfile, passfile_line, -1, NULL));
	g_assert_cmpint (g_chmod (passfile, 0600), ==, 0);
	backend = new_backend (with_passfile);
	g_assert_true (artemis_storage_backend_open (backend, fixture->dir, &error));
	g_assert_no_error (error);
	g_clear_object (&backend);
	backend = new_backend (with_libpq_passfile);
	g_assert_true (artemis_storage_backend_open (backend, fixture->dir, &error));
	g_assert_no_error (error);
	g_clear_object (&backend);
	/* A schema from a newer artemisd. */
	g_free (sql (fixture, "UPDATE schema_version SET version = 99"));
	assert_open_fails (fixture, with_passfile, ARTEMIS_ERROR_INTERNAL,
			   "The management database \"artemis_*\" on 127.0.0.1:* cannot be used: schema version 99 is "
			   "newer than this artemisd knows (1): it was written by a newer artemisd");
	assert_sql (fixture, "SELECT version FROM schema_version", "99\n");
}

/* A database with tables of its own is not taken over. */
static void
test_foreign (Fixture *fixture, gconstpointer data)
{
	g_autofree char *settings = g_strdup_printf ("conninfo=%s\n", fixture->conninfo);

	g_free (sql (fixture, "CREATE TABLE accounts (id INTEGER)"));
	assert_open_fails (fixture, settings, ARTEMIS_ERROR_INTERNAL,
			   "The management database \"artemis_*\" on 127.0.0.1:* cannot be used: not an Artemis "
			   "database (it has tables but no schema_version)");
	assert_sql (fixture, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "1\n");
}

/* ---- two nodes on one database ----------------------------------------- */

/* A node (storage and management state, no HTTP) on the fixture's database; @extra: plugin settings. */
static ArtemisTestNode *
node_new (Fixture *fixture, const char *extra)
{
	ArtemisTestNode *node = g_new0 (ArtemisTestNode, 1);
	g_autoptr (ArtemisStorageBackend) backend = new_fixture_backend (fixture, extra);

	artemis_test_node_set_up (node, NULL);
	artemis_test_node_open (node, backend);
	return node;
}

static void
node_free (ArtemisTestNode *node)
{
	artemis_test_node_tear_down (node, NULL);
	g_free (node);
}

typedef ArtemisTestNode Node;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

/* Pulls x-1 out through the node's write queue, as operate-instance does. */
static void
pull_out (Node *node, ArtemisTestWrite *written)
{
	g_autoptr (GPtrArray) writes = artemis_test_node_pull_out (node, FALSE);

	artemis_test_node_submit (node, writes, written);
}

static void
poll_now (Node *node)
{
	g_autoptr (GError) error = NULL;

	g_assert_true (artemis_storage_poll (node->storage, &error));
	g_assert_no_error (error);
}

static void
assert_written (ArtemisTestWrite *written)
{
	g_assert_true (artemis_test_write_wait (written));
	g_assert_no_error (written->error);
	g_assert_true (written->ok);
}

/*
 * Both nodes create groups at once: every new group gets an id no other
 * got, and both nodes end up with the same rows. The same group created
 * on both at once is written once; a losing write fails and says why.
 */
static void
test_nodes_groups (Fixture *fixture, gconstpointer data)
{
	g_autoptr (Node) a = node_new (fixture, NULL);
	g_autoptr (Node) b = node_new (fixture, NULL);
	ArtemisTestWrite a1 = { FALSE }, b1 = { FALSE }, a2 = { FALSE }, b2 = { FALSE };
	g_autofree char *on_a = NULL;
	g_autofree char *on_b = NULL;
	g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_auto (GStrv) entries = NULL;

	g_assert_true (artemis_groups_get_reserved_ids (artemis_management_get_groups (a->management)));
	artemis_test_node_insert_groups (a, "a;b", &a1);
	artemis_test_node_insert_groups (b, "c;d", &b1);
	artemis_test_node_insert_groups (a, "x", &a2);
	artemis_test_node_insert_groups (b, "x", &b2);
	assert_written (&a1);
	assert_written (&b1);
	g_assert_true (artemis_test_write_wait (&a2) && artemis_test_write_wait (&b2));
	g_assert_true (a2.ok || b2.ok);
	if (!a2.ok || !b2.ok) {
		GError *lost = a2.ok ? b2.error : a2.error;

		g_assert_error (lost, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE);
		g_assert_true (g_str_has_prefix (lost->message, "Another node wrote the same row of service_group"));
	}
	g_clear_error (&a2.error);
	g_clear_error (&b2.error);
	poll_now (a);
	poll_now (b);
	on_a = artemis_test_node_list_groups (a);
	on_b = artemis_test_node_list_groups (b);
	g_test_message ("node A: %s; node B: %s", on_a, on_b);
	g_assert_cmpstr (on_a, ==, on_b);
	entries = g_strsplit (g_strstrip (on_a), " ", -1);
	g_assert_cmpuint (g_strv_length (entries), ==, 5);
	for (guint i = 0; entries[i] != NULL; i++)
		g_assert_true (g_hash_table_add (ids, g_strndup (entries[i], strchr (entries[i], ':') - entries[i])));
	assert_sql (fixture, "SELECT count(*), count(DISTINCT id), count(DISTINCT lower(name)) FROM service_group",
		    "5|5|5\n");
}

/* How long until @node has x-1 @down, in ms; fails after 10 s. */
static double
wait_until_down (Node *node, gboolean down)
{
	gint64 start = g_get_monotonic_time ();

	while (artemis_management_is_instance_down (node->management, node->i1) != down) {
		if (g_get_monotonic_time () - start > 10 * G_TIME_SPAN_SECOND)
			g_error ("The other node did not see the change within 10 s");
		if (!g_main_context_iteration (NULL, FALSE))
			g_usleep (200);
	}
	return (g_get_monotonic_time () - start) / 1000.0;
}

/* A pull-out on A takes x-1 out on B at once, through NOTIFY (B's timer would wait a minute). */
static void
test_nodes_notify (Fixture *fixture, gconstpointer data)
{
	g_autoptr (Node) a = node_new (fixture, NULL);
	g_autoptr (Node) b = node_new (fixture, NULL);
	ArtemisTestWrite written = { FALSE };
	double took;

	artemis_storage_start_polling (a->storage, 60000);
	artemis_storage_start_polling (b->storage, 60000);
	/* B listens by now, or soon: its first notice leads to a poll that finds the pull-out as well. */
	pull_out (a, &written);
	assert_written (&written);
	g_assert_true (artemis_management_is_instance_down (a->management, a->i1));
	took = wait_until_down (b, TRUE);
	g_test_message ("NOTIFY: the pull-out on A took x-1 out on B %.1f ms after A answered", took);
	g_assert_cmpfloat (took, <, 2000);
}

/* Without LISTEN, polling alone brings it within the interval. */
static void
test_nodes_poll (Fixture *fixture, gconstpointer data)
{
	g_autoptr (Node) a = node_new (fixture, "listen=false\n");
	g_autoptr (Node) b = node_new (fixture, "listen=false\n");
	ArtemisTestWrite written = { FALSE };
	double took;

	artemis_storage_start_polling (b->storage, 200);
	pull_out (a, &written);
	assert_written (&written);
	took = wait_until_down (b, TRUE);
	g_test_message ("Polling every 200 ms: the pull-out on A took x-1 out on B %.1f ms after A answered", took);
	g_assert_cmpfloat (took, <, 3000);
}

/* A node started on the database later has everything the others wrote. */
static void
test_nodes_restart (Fixture *fixture, gconstpointer data)
{
	Node *a = node_new (fixture, NULL);
	Node *b = node_new (fixture, NULL);
	ArtemisTestWrite pulled = { FALSE }, grouped = { FALSE };
	g_autoptr (Node) c = NULL;
	g_autofree char *before = NULL;
	g_autofree char *after = NULL;

	pull_out (a, &pulled);
	artemis_test_node_insert_groups (b, "g1;g2", &grouped);
	assert_written (&pulled);
	assert_written (&grouped);
	before = artemis_test_node_list_groups (b);
	node_free (a);
	node_free (b);
	c = node_new (fixture, NULL);
	after = artemis_test_node_list_groups (c);
	g_assert_cmpstr (after, ==, before);
	g_assert_true (artemis_management_is_instance_down (c->management, c->i1));
}

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
#define ADD(path, func) g_test_add ("/artemis/postgresql/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
	ADD ("backend/fresh", test_fresh);
	ADD ("backend/round-trip", test_round_trip);
	ADD ("backend/filters", test_filters);
	ADD ("backend/atomic", test_atomic);
	ADD ("backend/reserve-ids", test_reserve_ids);
	ADD ("backend/conflict", test_conflict);
	ADD ("backend/poll-changes", test_poll_changes);
	ADD ("backend/notify", test_notify);
	ADD ("backend/reconnect", test_reconnect);
	ADD ("backend/refuses", test_refuses);
	ADD ("backend/foreign", test_foreign);
	ADD ("nodes/groups", test_nodes_groups);
	ADD ("nodes/notify", test_nodes_notify);
	ADD ("nodes/poll", test_nodes_poll);
	ADD ("nodes/restart", test_nodes_restart);
#undef ADD
	status = g_test_run ();
	artemis_test_postgresql_stop (server, status != 0);
	return status;
}
