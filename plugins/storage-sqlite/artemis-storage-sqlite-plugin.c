/* SPDX-License-Identifier: Apache-2.0 */

/*
 * The embedded storage backend: one SQLite file in the data directory.
 *
 * WAL journal with synchronous=FULL: every commit is written to the WAL and
 * fsync()ed before it returns, so an answered management write survives
 * not only SIGKILL (NORMAL would do for that: the WAL is in the page cache)
 * but a power cut too. Management writes are rare; one fsync each is cheap.
 * Readers never block the writer in WAL mode, and a busy timeout rides out
 * a backup or an operator's sqlite3 shell holding a lock.
 *
 * The node calls every vfunc on its storage thread, one at a time, so the
 * connection is opened without SQLite's own mutexes.
 */

#include <artemis.h>

#include "artemis-storage-sqlite-plugin.h"
#include "artemis-storage-sqlite-schema.h"

#define DEFAULT_FILE "artemis.db"
#define DEFAULT_BUSY_TIMEOUT_MS 5000

struct _ArtemisStorageSqlitePlugin {
	ArtemisStorageBackend parent_instance;

	char *file;
	gint busy_timeout_ms;
	char *path;
	sqlite3 *db;
	gboolean gone; /* the file was deleted or replaced under us: writes are refused */
};

G_DEFINE_FINAL_TYPE (ArtemisStorageSqlitePlugin, artemis_storage_sqlite_plugin, ARTEMIS_TYPE_STORAGE_BACKEND)

/* ---- settings ---------------------------------------------------------- */

static gboolean
artemis_storage_sqlite_plugin_setup (ArtemisPlugin *plugin, GError **error)
{
	ArtemisStorageSqlitePlugin *self = ARTEMIS_STORAGE_SQLITE_PLUGIN (plugin);
	const char *file = artemis_plugin_get_setting (plugin, "file");
	const char *timeout = artemis_plugin_get_setting (plugin, "busy-timeout");
	guint64 value = DEFAULT_BUSY_TIMEOUT_MS;

	if (timeout != NULL && !g_ascii_string_to_unsigned (timeout, 10, 0, G_MAXINT, &value, error)) {
		g_prefix_error (error, "busy-timeout: ");
		return FALSE;
	}
	self->busy_timeout_ms = value;
	g_free (self->file);
	self->file = g_strdup (!artemis_str_is_blank (file) ? file : DEFAULT_FILE);
	return TRUE;
}

/* ---- open -------------------------------------------------------------- */

static gboolean
fail (ArtemisStorageSqlitePlugin *self, GError **error, const char *what)
{
	g_autofree char *message = g_strdup_printf ("%s %s", what, self->path);

	return artemis_storage_sqlite_set_error (self->db, error, message);
}

/* A file that is not SQLite, or damaged, fails here rather than at the first write. */
static gboolean
check_integrity (ArtemisStorageSqlitePlugin *self, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;
	g_autoptr (GString) problems = g_string_new (NULL);
	int rc;

	if (sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(5)", -1, &stmt, NULL) != SQLITE_OK)
		return fail (self, error, "Cannot read the database (corrupt, or not an SQLite database?)");
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
		const char *row = (const char *) sqlite3_column_text (stmt, 0);

		if (g_strcmp0 (row, "ok") != 0)
			g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "", row);
	}
	if (rc != SQLITE_DONE)
		return fail (self, error, "The database is corrupt:");
	if (problems->len > 0) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL, "The database %s is corrupt: %s", self->path,
			     problems->str);
		return FALSE;
	}
	return TRUE;
}

static gboolean
set_journal (ArtemisStorageSqlitePlugin *self, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;

	if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step (stmt) != SQLITE_ROW)
		return fail (self, error, "Cannot use a write-ahead log for");
	if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL,
			     "Cannot use a write-ahead log for %s: journal mode is %s", self->path,
			     sqlite3_column_text (stmt, 0));
		return FALSE;
	}
	return artemis_storage_sqlite_exec (self->db, "PRAGMA synchronous = FULL", error);
}

static gboolean
open_database (ArtemisStorageSqlitePlugin *self, GError **error)
{
	int rc = sqlite3_open_v2 (self->path, &self->db,
				  SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK)
		return fail (self, error, "Cannot open the database");
	sqlite3_extended_result_codes (self->db, 1);
	/* SQLite silently falls back to reading a file it cannot write. */
	if (sqlite3_db_readonly (self->db, "main") == 1) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL, "The database %s is not writable",
			     self->path);
		return FALSE;
	}
	sqlite3_busy_timeout (self->db, self->busy_timeout_ms);
	return TRUE;
}

static gboolean
artemis_storage_sqlite_plugin_open (ArtemisStorageBackend *backend, const char *data_dir, GError **error)
{
	ArtemisStorageSqlitePlugin *self = ARTEMIS_STORAGE_SQLITE_PLUGIN (backend);

	g_return_val_if_fail (self->db == NULL, FALSE);
	if (self->file == NULL)
		self->file = g_strdup (DEFAULT_FILE);
	self->path = g_build_filename (data_dir, self->file, NULL);
	if (!open_database (self, error) || !check_integrity (self, error) || !set_journal (self, error))
		return FALSE;
	if (!artemis_storage_sqlite_migrate (self->db, error)) {
		g_prefix_error (error, "The database %s cannot be used: ", self->path);
		return FALSE;
	}
	return TRUE;
}

/* ---- statements -------------------------------------------------------- */

static void
append_columns (GString *sql, const ArtemisStorageKindInfo *info, guint first, guint last, const char *format,
		const char *separator)
{
	for (guint i = first; i < last; i++) {
		const char *name = artemis_storage_field_get_name (info->fields[i]);

		if (i > first)
			g_string_append (sql, separator);
		g_string_append_printf (sql, format, name, name);
	}
}

/*
 * INSERT of every field (a log row, or a state row updated in place when its
 * key exists), and of the id when the node numbered the row (@with_id).
 */
static char *
insert_sql (const ArtemisStorageKindInfo *info, gboolean with_id)
{
	GString *sql = g_string_new (NULL);
	guint n_values = info->n_fields + (with_id ? 3 : 2);

	g_string_append_printf (sql, "INSERT INTO %s (", info->table);
	append_columns (sql, info, 0, info->n_fields, "%s", ", ");
	g_string_append (sql, with_id ? ", create_time, update_time, id) VALUES ("
				      : ", create_time, update_time) VALUES (");
	for (guint i = 0; i < n_values; i++)
		g_string_append (sql, i > 0 ? ", ?" : "?");
	g_string_append (sql, ")");
	if (info->is_log)
		return g_string_free (sql, FALSE);
	g_string_append (sql, " ON CONFLICT (");
	append_columns (sql, info, 0, info->n_key_fields, "%s", ", ");
	g_string_append (sql, ") DO UPDATE SET ");
	append_columns (sql, info, info->n_key_fields, info->n_fields, "%s = excluded.%s, ", "");
	g_string_append (sql, "update_time = excluded.update_time");
	return g_string_free (sql, FALSE);
}

static char *
delete_sql (const ArtemisStorageKindInfo *info)
{
	GString *sql = g_string_new (NULL);

	g_string_append_printf (sql, "DELETE FROM %s WHERE ", info->table);
	append_columns (sql, info, 0, info->n_key_fields, "%s = ?", " AND ");
	return g_string_free (sql, FALSE);
}

static gboolean
bind_field (sqlite3_stmt *stmt, int index, const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	const char *text;

	if (artemis_storage_field_is_boolean (field))
		return sqlite3_bind_int (stmt, index, artemis_storage_record_get_boolean (record, field)) == SQLITE_OK;
	if (artemis_storage_field_is_integer (field) && artemis_storage_record_is_set (record, field))
		return sqlite3_bind_int64 (stmt, index, artemis_storage_record_get_int (record, field)) == SQLITE_OK;
	if (artemis_storage_field_is_integer (field))
		return sqlite3_bind_null (stmt, index) == SQLITE_OK;
	text = artemis_storage_record_get_string (record, field);
	/* A NULL meets the NOT NULL constraint: the transaction fails, nothing is written. */
	if (text == NULL)
		return sqlite3_bind_null (stmt, index) == SQLITE_OK;
	return sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT) == SQLITE_OK;
}

static gboolean
bind_fields (sqlite3_stmt *stmt, const ArtemisStorageRecord *record, guint n_fields)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);

	for (guint i = 0; i < n_fields; i++) {
		if (!bind_field (stmt, i + 1, record, info->fields[i]))
			return FALSE;
	}
	return TRUE;
}

/* The three statements a write may need per kind, prepared once per transaction. */
typedef enum {
	STATEMENT_DELETE,
	STATEMENT_INSERT,
	STATEMENT_INSERT_WITH_ID,
	N_STATEMENTS,
} StatementVariant;

typedef struct {
	sqlite3_stmt *statements[ARTEMIS_STORAGE_N_KINDS][N_STATEMENTS];
} StatementCache;

static void
statement_cache_clear (StatementCache *cache)
{
	for (guint kind = 0; kind < ARTEMIS_STORAGE_N_KINDS; kind++) {
		for (guint variant = 0; variant < N_STATEMENTS; variant++)
			g_clear_pointer (&cache->statements[kind][variant], sqlite3_finalize);
	}
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StatementCache, statement_cache_clear)

/* The statement of @variant for @info's kind, reset and unbound; NULL when it cannot be prepared. */
static sqlite3_stmt *
statement_for (StatementCache *cache, sqlite3 *db, ArtemisStorageKind kind, StatementVariant variant)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
	sqlite3_stmt **stmt = &cache->statements[kind][variant];
	g_autofree char *sql = NULL;

	if (*stmt != NULL) {
		sqlite3_reset (*stmt);
		sqlite3_clear_bindings (*stmt);
		return *stmt;
	}
	sql = variant == STATEMENT_DELETE ? delete_sql (info) : insert_sql (info, variant == STATEMENT_INSERT_WITH_ID);
	if (sqlite3_prepare_v2 (db, sql, -1, stmt, NULL) != SQLITE_OK)
		return NULL;
	return *stmt;
}

static gboolean
run_write (ArtemisStorageSqlitePlugin *self, StatementCache *cache, const ArtemisStorageWrite *write,
	   GError **error)
{
	const ArtemisStorageRecord *record = write->record;
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);
	gboolean removing = write->action == ARTEMIS_STORAGE_DELETE;
	gboolean with_id = !info->is_log && record->id > 0;
	sqlite3_stmt *stmt;
	gboolean bound;

	if (!artemis_storage_write_check (write, error))
		return FALSE;
	stmt = statement_for (cache, self->db, record->kind,
			      removing ? STATEMENT_DELETE : with_id ? STATEMENT_INSERT_WITH_ID : STATEMENT_INSERT);
	if (stmt == NULL)
		return fail (self, error, "Cannot prepare a write to");
	bound = bind_fields (stmt, record, removing ? info->n_key_fields : info->n_fields);
	if (bound && !removing)
		bound = sqlite3_bind_int64 (stmt, info->n_fields + 1, record->create_time_ms) == SQLITE_OK &&
			sqlite3_bind_int64 (stmt, info->n_fields + 2, record->update_time_ms) == SQLITE_OK;
	if (bound && !removing && with_id)
		bound = sqlite3_bind_int64 (stmt, info->n_fields + 3, record->id) == SQLITE_OK;
	if (!bound || sqlite3_step (stmt) != SQLITE_DONE)
		return fail (self, error, "Cannot write to");
	return TRUE;
}

/*
 * A database file deleted (or replaced) while the node runs takes every
 * later commit with it: they would succeed into an unlinked file and be
 * gone at the next start. Such writes are refused instead, said once in
 * the log and in every answer.
 */
static gboolean
check_still_there (ArtemisStorageSqlitePlugin *self, GError **error)
{
	int moved = 0;

	if (!self->gone && sqlite3_file_control (self->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK &&
	    moved) {
		self->gone = TRUE;
		g_warning ("The database %s was deleted or replaced while artemisd runs: management writes are "
			   "refused until artemisd is restarted (it then starts from what the file holds)",
			   self->path);
	}
	if (self->gone)
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
			     "The database %s was deleted or replaced while artemisd runs; restart artemisd",
			     self->path);
	return !self->gone;
}

static gboolean
artemis_storage_sqlite_plugin_commit (ArtemisStorageBackend *backend, GPtrArray *writes, GError **error)
{
	ArtemisStorageSqlitePlugin *self = ARTEMIS_STORAGE_SQLITE_PLUGIN (backend);
	g_auto (StatementCache) cache = { { { NULL } } };

	if (!check_still_there (self, error))
		return FALSE;
	if (!artemis_storage_sqlite_exec (self->db, "BEGIN IMMEDIATE", error))
		return FALSE;
	for (guint i = 0; i < writes->len; i++) {
		if (!run_write (self, &cache, g_ptr_array_index (writes, i), error)) {
			statement_cache_clear (&cache);
			sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
			return FALSE;
		}
	}
	statement_cache_clear (&cache);
	if (!artemis_storage_sqlite_exec (self->db, "COMMIT", error)) {
		sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	return TRUE;
}

/* ---- queries ----------------------------------------------------------- */

/* SELECT of every column, WHERE each field set in @filter; bound in the same order. */
static char *
select_sql (const ArtemisStorageKindInfo *info, const ArtemisStorageRecord *filter)
{
	GString *sql = g_string_new ("SELECT id, create_time, update_time");
	gboolean first = TRUE;

	for (guint i = 0; i < info->n_fields; i++)
		g_string_append_printf (sql, ", %s", artemis_storage_field_get_name (info->fields[i]));
	g_string_append_printf (sql, " FROM %s", info->table);
	for (guint i = 0; i < info->n_fields; i++) {
		if (!artemis_storage_record_is_set (filter, info->fields[i]))
			continue;
		g_string_append_printf (sql, " %s %s = ?", first ? "WHERE" : "AND",
					artemis_storage_field_get_name (info->fields[i]));
		first = FALSE;
	}
	g_string_append (sql, " ORDER BY id");
	return g_string_free (sql, FALSE);
}

static gboolean
bind_filter (sqlite3_stmt *stmt, const ArtemisStorageRecord *filter)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (filter->kind);
	int index = 1;

	for (guint i = 0; i < info->n_fields; i++) {
		if (artemis_storage_record_is_set (filter, info->fields[i]) &&
		    !bind_field (stmt, index++, filter, info->fields[i]))
			return FALSE;
	}
	return TRUE;
}

static ArtemisStorageRecord *
read_row (sqlite3_stmt *stmt, ArtemisStorageKind kind)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
	ArtemisStorageRecord *record = artemis_storage_record_new (kind);

	record->id = sqlite3_column_int64 (stmt, 0);
	record->create_time_ms = sqlite3_column_int64 (stmt, 1);
	record->update_time_ms = sqlite3_column_int64 (stmt, 2);
	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];

		if (artemis_storage_field_is_boolean (field))
			artemis_storage_record_set_boolean (record, field, sqlite3_column_int (stmt, i + 3) != 0);
		else if (artemis_storage_field_is_integer (field) && sqlite3_column_type (stmt, i + 3) != SQLITE_NULL)
			artemis_storage_record_set_int (record, field, sqlite3_column_int64 (stmt, i + 3));
		else if (!artemis_storage_field_is_integer (field))
			artemis_storage_record_set_string (record, field,
							   (const char *) sqlite3_column_text (stmt, i + 3));
	}
	return record;
}

static GPtrArray *
artemis_storage_sqlite_plugin_query (ArtemisStorageBackend *backend, const ArtemisStorageRecord *filter,
				     GError **error)
{
	ArtemisStorageSqlitePlugin *self = ARTEMIS_STORAGE_SQLITE_PLUGIN (backend);
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (filter->kind);
	g_autofree char *sql = select_sql (info, filter);
	g_autoptr (sqlite3_stmt) stmt = NULL;
	g_autoptr (GPtrArray) records = artemis_storage_record_array_new ();
	int rc;

	if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK || !bind_filter (stmt, filter)) {
		fail (self, error, "Cannot query");
		return NULL;
	}
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
		g_ptr_array_add (records, read_row (stmt, filter->kind));
	if (rc != SQLITE_DONE) {
		fail (self, error, "Cannot query");
		return NULL;
	}
	return g_steal_pointer (&records);
}

/* ---- the object -------------------------------------------------------- */

static void
artemis_storage_sqlite_plugin_close (ArtemisStorageBackend *backend)
{
	ArtemisStorageSqlitePlugin *self = ARTEMIS_STORAGE_SQLITE_PLUGIN (backend);

	/* Every statement is finalized by now, so this closes for good (and checkpoints the WAL). */
	if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
		g_warning ("Cannot close %s: %s", self->path, sqlite3_errmsg (self->db));
	self->db = NULL;
}

static void
artemis_storage_sqlite_plugin_finalize (GObject *object)
{
	ArtemisStorageSqlitePlugin *self = ARTEMIS_STORAGE_SQLITE_PLUGIN (object);

	artemis_storage_sqlite_plugin_close (ARTEMIS_STORAGE_BACKEND (self));
	g_free (self->file);
	g_free (self->path);
	G_OBJECT_CLASS (artemis_storage_sqlite_plugin_parent_class)->finalize (object);
}

static void
artemis_storage_sqlite_plugin_class_init (ArtemisStorageSqlitePluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisStorageBackendClass *backend_class = ARTEMIS_STORAGE_BACKEND_CLASS (klass);

	object_class->finalize = artemis_storage_sqlite_plugin_finalize;
	plugin_class->description = "Management state and audit log in an SQLite file of the data directory";
	plugin_class->setup = artemis_storage_sqlite_plugin_setup;
	backend_class->open = artemis_storage_sqlite_plugin_open;
	backend_class->query = artemis_storage_sqlite_plugin_query;
	backend_class->commit = artemis_storage_sqlite_plugin_commit;
	backend_class->close = artemis_storage_sqlite_plugin_close;
}

static void
artemis_storage_sqlite_plugin_init (ArtemisStorageSqlitePlugin *self)
{
	self->busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_STORAGE_SQLITE_PLUGIN)
