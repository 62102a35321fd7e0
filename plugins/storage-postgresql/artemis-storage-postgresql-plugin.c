/* SPDX-License-Identifier: Apache-2.0 */

/*
 * A store several nodes share, as Java's nodes shared MySQL: management
 * state and its audit log in a PostgreSQL database, through libpq.
 *
 * - One transaction per commit, durable when COMMIT returns (the session
 *   turns `synchronous_commit` back on if the server has it off).
 * - New rows of groups and rules carry ids the nodes reserved
 *   (reserve_ids); a put whose key another node's row holds under another
 *   id fails the commit instead of leaving rows that refer to an id the
 *   store does not have.
 * - Every commit that changes state bumps the change versions of its
 *   tables and NOTIFYs; poll_changes reads the versions, and a listening
 *   thread turns notifications into #ArtemisStorageBackend::changed.
 * - A lost connection is made again on the next call; a statement that
 *   may run twice (a read, a reservation, BEGIN) is retried once on the
 *   new connection, and a commit that may or may not have happened says
 *   so.
 *
 * The node calls every vfunc on its storage thread, one at a time: the
 * connection is that thread's. The listener has one of its own.
 */

#include <artemis.h>
#include <libpq-fe.h>

#include "artemis-storage-postgresql-listener.h"
#include "artemis-storage-postgresql-plugin.h"
#include "artemis-storage-postgresql-schema.h"

#define DEFAULT_CONNECT_TIMEOUT_S 10
#define MAX_CONNECT_TIMEOUT_S 3600
/* The oldest server with what the schema uses (identity columns). */
#define MIN_SERVER_VERSION 100000

struct _ArtemisStoragePostgresqlPlugin {
	ArtemisStorageBackend parent_instance;

	char *conninfo;
	char *passfile;
	guint connect_timeout_s;
	gboolean listen;
	GStrv keywords; /* the connection's libpq parameters */
	GStrv values;
	PGconn *conn;
	gint backend_pid; /* @conn's server process, atomic: the listener ignores this node's own commits */
	gint64 open_version; /* the change version when opened: where a cursor of 0 starts */
	ArtemisPostgresqlListener *listener;
};

G_DEFINE_FINAL_TYPE (ArtemisStoragePostgresqlPlugin, artemis_storage_postgresql_plugin,
		     ARTEMIS_TYPE_STORAGE_BACKEND)

/* ---- settings ---------------------------------------------------------- */

static gboolean
parse_boolean (const char *text, gboolean *value, GError **error)
{
	if (g_ascii_strcasecmp (text, "true") == 0) {
		*value = TRUE;
		return TRUE;
	}
	if (g_ascii_strcasecmp (text, "false") == 0) {
		*value = FALSE;
		return TRUE;
	}
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG, "“%s” is neither true nor false", text);
	return FALSE;
}

/* A connection string libpq cannot read is refused here, before any connection. */
static gboolean
check_conninfo (const char *conninfo, GError **error)
{
	char *message = NULL;
	PQconninfoOption *options = PQconninfoParse (conninfo, &message);
	g_autofree char *tidy = NULL;

	if (options != NULL) {
		PQconninfoFree (options);
		return TRUE;
	}
	tidy = g_strstrip (g_strdup (message != NULL ? message : "out of memory"));
	PQfreemem (message);
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG, "%s", tidy);
	return FALSE;
}

/*
 * libpq's parameters, in the order libpq applies them: our defaults, then
 * the connection string (which may override them), then what must hold
 * whatever it says.
 */
static void
set_parameters (ArtemisStoragePostgresqlPlugin *self)
{
	g_autoptr (GStrvBuilder) keywords = g_strv_builder_new ();
	g_autoptr (GStrvBuilder) values = g_strv_builder_new ();
	g_autofree char *timeout = g_strdup_printf ("%u", self->connect_timeout_s);

#define ADD(keyword, value)                                   \
	G_STMT_START                                          \
	{                                                     \
		g_strv_builder_add (keywords, keyword);       \
		g_strv_builder_add (values, value);           \
	}                                                     \
	G_STMT_END
	ADD ("application_name", "artemisd");
	ADD ("connect_timeout", timeout);
	/* A server that vanished without closing is noticed within a minute, not hours. */
	ADD ("keepalives_idle", "30");
	ADD ("keepalives_interval", "10");
	ADD ("keepalives_count", "3");
	ADD ("tcp_user_timeout", "60000");
	ADD ("dbname", self->conninfo);
	ADD ("client_encoding", "UTF8");
	if (self->passfile != NULL)
		ADD ("passfile", self->passfile);
#undef ADD
	g_strfreev (self->keywords);
	g_strfreev (self->values);
	self->keywords = g_strv_builder_end (keywords);
	self->values = g_strv_builder_end (values);
}

static gboolean
artemis_storage_postgresql_plugin_setup (ArtemisPlugin *plugin, GError **error)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (plugin);
	const char *conninfo = artemis_plugin_get_setting (plugin, "conninfo");
	const char *passfile = artemis_plugin_get_setting (plugin, "passfile");
	const char *timeout = artemis_plugin_get_setting (plugin, "connect-timeout");
	const char *listen = artemis_plugin_get_setting (plugin, "listen");
	guint64 value = DEFAULT_CONNECT_TIMEOUT_S;

	if (!artemis_str_is_blank (timeout) &&
	    !g_ascii_string_to_unsigned (timeout, 10, 1, MAX_CONNECT_TIMEOUT_S, &value, error)) {
		g_prefix_error (error, "connect-timeout: ");
		return FALSE;
	}
	self->connect_timeout_s = value;
	if (!artemis_str_is_blank (listen) && !parse_boolean (listen, &self->listen, error)) {
		g_prefix_error (error, "listen: ");
		return FALSE;
	}
	/* Without a conninfo the plugin loads (another backend may be in use); open says what is missing. */
	if (!artemis_str_is_blank (conninfo) && !check_conninfo (conninfo, error)) {
		g_prefix_error (error, "conninfo: ");
		return FALSE;
	}
	g_free (self->conninfo);
	g_free (self->passfile);
	self->conninfo = !artemis_str_is_blank (conninfo) ? g_strdup (conninfo) : NULL;
	self->passfile = !artemis_str_is_blank (passfile) ? g_strdup (passfile) : NULL;
	if (self->conninfo != NULL)
		set_parameters (self);
	return TRUE;
}

/* ---- the connection ---------------------------------------------------- */

/* “database "artemis" on 127.0.0.1:5432”, for messages (never the password). */
static char *
describe (PGconn *conn)
{
	const char *host = PQhost (conn);

	if (host != NULL && host[0] == '/')
		return g_strdup_printf ("database \"%s\" on socket %s", PQdb (conn), host);
	return g_strdup_printf ("database \"%s\" on %s:%s", PQdb (conn), host != NULL ? host : "localhost",
				PQport (conn));
}

/* What every new connection needs: a server new enough, durable commits, its process id known. */
static gboolean
set_up_session (ArtemisStoragePostgresqlPlugin *self, GError **error)
{
	g_autoptr (PGresult) sync = NULL;
	int version = PQserverVersion (self->conn);

	if (version < MIN_SERVER_VERSION) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL,
			     "PostgreSQL %d.%d is too old: version 10 or newer is needed", version / 10000,
			     version % 10000 / 100);
		return FALSE;
	}
	sync = artemis_storage_postgresql_exec (self->conn, "SHOW synchronous_commit", 0, NULL, PGRES_TUPLES_OK,
						"Cannot read synchronous_commit", error);
	if (sync == NULL)
		return FALSE;
	/* An answered write must survive a crash of the server too. */
	if (g_str_equal (PQgetvalue (sync, 0, 0), "off")) {
		g_autoptr (PGresult) set = artemis_storage_postgresql_exec (
			self->conn, "SET synchronous_commit = on", 0, NULL, PGRES_COMMAND_OK,
			"Cannot turn synchronous_commit on", error);

		if (set == NULL)
			return FALSE;
	}
	g_atomic_int_set (&self->backend_pid, PQbackendPID (self->conn));
	return TRUE;
}

/* A connection lost since the last call (a server restart, a network cut) is made again first. */
static gboolean
ensure_connected (ArtemisStoragePostgresqlPlugin *self, GError **error)
{
	g_autofree char *where = NULL;

	if (PQstatus (self->conn) == CONNECTION_OK)
		return TRUE;
	PQreset (self->conn);
	if (PQstatus (self->conn) != CONNECTION_OK)
		return artemis_storage_postgresql_set_error (self->conn, NULL, error, "Cannot reach PostgreSQL again");
	if (!set_up_session (self, error))
		return FALSE;
	where = describe (self->conn);
	g_message ("Connected to the management %s again", where);
	return TRUE;
}

/*
 * Runs a statement that may run twice (a read, a reservation, BEGIN):
 * when the connection turns out to be lost, once more on a new one.
 */
static PGresult *
exec_retrying (ArtemisStoragePostgresqlPlugin *self, const char *sql, GPtrArray *values, ExecStatusType expected,
	       const char *what, GError **error)
{
	int n_values = values != NULL ? values->len : 0;
	const char *const *params = values != NULL ? (const char *const *) values->pdata : NULL;
	GError *local = NULL;
	PGresult *result;

	if (!ensure_connected (self, error))
		return NULL;
	result = artemis_storage_postgresql_exec (self->conn, sql, n_values, params, expected, what, &local);
	if (result != NULL || PQstatus (self->conn) != CONNECTION_BAD) {
		if (result == NULL)
			g_propagate_error (error, local);
		return result;
	}
	/* Why it cannot connect again says more than the statement's failure. */
	g_clear_error (&local);
	if (!ensure_connected (self, error))
		return NULL;
	return artemis_storage_postgresql_exec (self->conn, sql, n_values, params, expected, what, error);
}

/* ---- open -------------------------------------------------------------- */

static gboolean
read_change_version (ArtemisStoragePostgresqlPlugin *self, gint64 *version, GError **error)
{
	g_autoptr (PGresult) result = exec_retrying (self, "SELECT max(version) FROM change_version", NULL,
						     PGRES_TUPLES_OK, "Cannot read the change versions", error);

	if (result == NULL)
		return FALSE;
	*version = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
	return TRUE;
}

static void
on_heard (gpointer user_data)
{
	artemis_storage_backend_emit_changed (ARTEMIS_STORAGE_BACKEND (user_data));
}

static gboolean
artemis_storage_postgresql_plugin_open (ArtemisStorageBackend *backend, const char *data_dir, GError **error)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (backend);
	g_autofree char *where = NULL;

	g_return_val_if_fail (self->conn == NULL, FALSE);
	if (self->conninfo == NULL) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
				     "[plugin storage-postgresql] conninfo is not set: it names the database, e.g. "
				     "conninfo=host=db.example.com dbname=artemis user=artemis");
		return FALSE;
	}
	/* libpq would quietly go on without it, and fail later for want of a password. */
	if (self->passfile != NULL && !g_file_test (self->passfile, G_FILE_TEST_IS_REGULAR)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
			     "[plugin storage-postgresql] passfile %s is not a file", self->passfile);
		return FALSE;
	}
	self->conn = PQconnectdbParams ((const char *const *) self->keywords, (const char *const *) self->values, 1);
	if (PQstatus (self->conn) != CONNECTION_OK)
		return artemis_storage_postgresql_set_error (self->conn, NULL, error, "Cannot connect to PostgreSQL");
	where = describe (self->conn);
	if (!set_up_session (self, error) || !artemis_storage_postgresql_migrate (self->conn, error) ||
	    !read_change_version (self, &self->open_version, error)) {
		g_prefix_error (error, "The management %s cannot be used: ", where);
		return FALSE;
	}
	if (self->listen)
		self->listener = artemis_postgresql_listener_start (
			(const char *const *) self->keywords, (const char *const *) self->values,
			self->connect_timeout_s, ARTEMIS_STORAGE_POSTGRESQL_CHANNEL, &self->backend_pid, on_heard, self);
	g_message ("Management state in the PostgreSQL %s", where);
	return TRUE;
}

/* ---- statements -------------------------------------------------------- */

/* A parameter in text, cast to its column's type (libpq sends them untyped). */
static const char *
cast_of (ArtemisStorageField field)
{
	if (artemis_storage_field_is_boolean (field))
		return "::boolean";
	if (artemis_storage_field_is_integer (field))
		return "::bigint";
	return "::text";
}

/* Parameter $@index compared to @field's column: ignoring case where the field says so. */
static void
append_condition (GString *sql, ArtemisStorageField field, guint index)
{
	const char *name = artemis_storage_field_get_name (field);

	if (artemis_storage_field_is_nocase (field))
		g_string_append_printf (sql, "lower(%s) = lower($%u::text)", name, index);
	else
		g_string_append_printf (sql, "%s = $%u%s", name, index, cast_of (field));
}

/* The unique key of a state kind, as its index has it. */
static void
append_key (GString *sql, const ArtemisStorageKindInfo *info)
{
	for (guint i = 0; i < info->n_key_fields; i++) {
		const char *name = artemis_storage_field_get_name (info->fields[i]);

		g_string_append_printf (sql, artemis_storage_field_is_nocase (info->fields[i]) ? "%slower(%s)" : "%s%s",
					i > 0 ? ", " : "", name);
	}
}

/*
 * INSERT of every field and both times; for state, of the id too (the
 * record's, or the next the store gives out when it is 0), updating the
 * row with the same key instead, and returning the id the row has.
 */
static char *
put_sql (const ArtemisStorageKindInfo *info, gboolean with_id)
{
	GString *sql = g_string_new (NULL);
	guint n_values = info->n_fields + 2;

	if (!info->is_log && !with_id)
		g_string_append_printf (sql,
					"WITH given AS (UPDATE next_id SET next_id = next_id + 1 "
					"WHERE table_name = '%s' RETURNING next_id - 1 AS id) ",
					info->table);
	g_string_append_printf (sql, "INSERT INTO %s (", info->table);
	for (guint i = 0; i < info->n_fields; i++)
		g_string_append_printf (sql, "%s, ", artemis_storage_field_get_name (info->fields[i]));
	g_string_append (sql, info->is_log ? "create_time, update_time) SELECT "
					   : "create_time, update_time, id) SELECT ");
	for (guint i = 0; i < info->n_fields; i++)
		g_string_append_printf (sql, "$%u%s, ", i + 1, cast_of (info->fields[i]));
	g_string_append_printf (sql, "$%u::bigint, $%u::bigint", n_values - 1, n_values);
	if (info->is_log)
		return g_string_free (sql, FALSE);
	if (with_id)
		g_string_append_printf (sql, ", $%u::bigint", n_values + 1);
	else
		g_string_append (sql, ", given.id FROM given");
	g_string_append (sql, " ON CONFLICT (");
	append_key (sql, info);
	g_string_append (sql, ") DO UPDATE SET ");
	for (guint i = info->n_key_fields; i < info->n_fields; i++) {
		const char *name = artemis_storage_field_get_name (info->fields[i]);

		g_string_append_printf (sql, "%s = excluded.%s, ", name, name);
	}
	g_string_append (sql, "update_time = excluded.update_time RETURNING id");
	return g_string_free (sql, FALSE);
}

static char *
delete_sql (const ArtemisStorageKindInfo *info)
{
	GString *sql = g_string_new (NULL);

	g_string_append_printf (sql, "DELETE FROM %s WHERE ", info->table);
	for (guint i = 0; i < info->n_key_fields; i++) {
		if (i > 0)
			g_string_append (sql, " AND ");
		append_condition (sql, info->fields[i], i + 1);
	}
	return g_string_free (sql, FALSE);
}

/* Parameters: strings that free themselves, NULL for SQL NULL. */
static GPtrArray *
values_new (void)
{
	return g_ptr_array_new_with_free_func (g_free);
}

static void
add_int (GPtrArray *values, gint64 value)
{
	g_ptr_array_add (values, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static void
add_field (GPtrArray *values, const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	if (artemis_storage_field_is_boolean (field))
		g_ptr_array_add (values, g_strdup (artemis_storage_record_get_boolean (record, field) ? "t" : "f"));
	else if (!artemis_storage_field_is_integer (field))
		g_ptr_array_add (values, g_strdup (artemis_storage_record_get_string (record, field)));
	else if (artemis_storage_record_is_set (record, field))
		add_int (values, artemis_storage_record_get_int (record, field));
	else
		g_ptr_array_add (values, NULL);
}

/* The row a node numbered went in under its id; else another node's row holds the key. */
static gboolean
check_put_id (const ArtemisStorageRecord *record, PGresult *result, GError **error)
{
	gint64 stored = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);

	if (record->id == 0 || stored == record->id)
		return TRUE;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
		     "Another node wrote the same row of %s at the same time (as id %" G_GINT64_FORMAT
		     ", this one as %" G_GINT64_FORMAT "): nothing was written; try again",
		     artemis_storage_kind_get_info (record->kind)->table, stored, record->id);
	return FALSE;
}

static gboolean
run_write (ArtemisStoragePostgresqlPlugin *self, const ArtemisStorageWrite *write, GError **error)
{
	const ArtemisStorageRecord *record = write->record;
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);
	gboolean removing = write->action == ARTEMIS_STORAGE_DELETE;
	g_autofree char *sql = removing ? delete_sql (info) : put_sql (info, record->id > 0);
	g_autoptr (GPtrArray) values = values_new ();
	g_autoptr (PGresult) result = NULL;
	g_autofree char *what = g_strdup_printf ("Cannot write to %s", info->table);

	for (guint i = 0; i < (removing ? info->n_key_fields : info->n_fields); i++)
		add_field (values, record, info->fields[i]);
	if (!removing) {
		add_int (values, record->create_time_ms);
		add_int (values, record->update_time_ms);
	}
	if (!removing && !info->is_log && record->id > 0)
		add_int (values, record->id);
	result = artemis_storage_postgresql_exec (self->conn, sql, values->len, (const char *const *) values->pdata,
						  removing || info->is_log ? PGRES_COMMAND_OK : PGRES_TUPLES_OK, what,
						  error);
	if (result == NULL)
		return FALSE;
	return removing || info->is_log || check_put_id (record, result, error);
}

/*
 * The last statements of a commit that changed state: the versions of the
 * tables it changed become the highest plus one — under a lock held to
 * the end, so versions grow in commit order — and a notification goes to
 * the listening nodes when it commits.
 */
static gboolean
bump_versions (ArtemisStoragePostgresqlPlugin *self, const gboolean *changed, GError **error)
{
	g_autoptr (GString) sql = g_string_new ("LOCK TABLE change_version IN EXCLUSIVE MODE; "
						"UPDATE change_version SET version = "
						"(SELECT max(version) FROM change_version) + 1 WHERE table_name IN (");
	g_autoptr (PGresult) result = NULL;
	gboolean first = TRUE;

	for (guint kind = 0; kind < ARTEMIS_STORAGE_N_KINDS; kind++) {
		if (!changed[kind])
			continue;
		g_string_append_printf (sql, "%s'%s'", first ? "" : ", ", artemis_storage_kind_get_info (kind)->table);
		first = FALSE;
	}
	if (first)
		return TRUE;
	g_string_append (sql, "); NOTIFY " ARTEMIS_STORAGE_POSTGRESQL_CHANNEL);
	result = PQexec (self->conn, sql->str);
	if (PQresultStatus (result) != PGRES_COMMAND_OK)
		return artemis_storage_postgresql_set_error (self->conn, result, error, "Cannot record the change");
	return TRUE;
}

static void
roll_back (ArtemisStoragePostgresqlPlugin *self)
{
	if (PQstatus (self->conn) == CONNECTION_OK)
		PQclear (PQexec (self->conn, "ROLLBACK"));
}

static gboolean
artemis_storage_postgresql_plugin_commit (ArtemisStorageBackend *backend, GPtrArray *writes, GError **error)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (backend);
	gboolean changed[ARTEMIS_STORAGE_N_KINDS] = { FALSE };
	g_autoptr (PGresult) begun = NULL;
	g_autoptr (PGresult) committed = NULL;

	for (guint i = 0; i < writes->len; i++) {
		const ArtemisStorageWrite *write = g_ptr_array_index (writes, i);

		if (!artemis_storage_write_check (write, error))
			return FALSE;
		changed[write->record->kind] |= write->action != ARTEMIS_STORAGE_APPEND;
	}
	/* Nothing is written before BEGIN succeeds: a lost connection is made again and BEGIN retried. */
	begun = exec_retrying (self, "BEGIN", NULL, PGRES_COMMAND_OK, "Cannot start a transaction", error);
	if (begun == NULL)
		return FALSE;
	for (guint i = 0; i < writes->len; i++) {
		if (!run_write (self, g_ptr_array_index (writes, i), error)) {
			roll_back (self);
			return FALSE;
		}
	}
	if (!bump_versions (self, changed, error)) {
		roll_back (self);
		return FALSE;
	}
	committed = PQexec (self->conn, "COMMIT");
	if (PQresultStatus (committed) == PGRES_COMMAND_OK)
		return TRUE;
	/* The server may have committed before the connection went: say so rather than guess. */
	if (PQstatus (self->conn) == CONNECTION_BAD)
		return artemis_storage_postgresql_set_error (
			self->conn, committed, error,
			"Lost the connection to PostgreSQL while committing; the write may or may not be stored");
	artemis_storage_postgresql_set_error (self->conn, committed, error, "Cannot commit");
	roll_back (self);
	return FALSE;
}

/* ---- queries ----------------------------------------------------------- */

/* SELECT of every column, WHERE each field set in @filter, whose values go to @values. */
static char *
select_sql (const ArtemisStorageKindInfo *info, const ArtemisStorageRecord *filter, GPtrArray *values)
{
	GString *sql = g_string_new ("SELECT id, create_time, update_time");

	for (guint i = 0; i < info->n_fields; i++)
		g_string_append_printf (sql, ", %s", artemis_storage_field_get_name (info->fields[i]));
	g_string_append_printf (sql, " FROM %s", info->table);
	for (guint i = 0; i < info->n_fields; i++) {
		if (!artemis_storage_record_is_set (filter, info->fields[i]))
			continue;
		add_field (values, filter, info->fields[i]);
		g_string_append (sql, values->len == 1 ? " WHERE " : " AND ");
		append_condition (sql, info->fields[i], values->len);
	}
	g_string_append (sql, " ORDER BY id");
	return g_string_free (sql, FALSE);
}

static ArtemisStorageRecord *
read_row (PGresult *result, int row, ArtemisStorageKind kind)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
	ArtemisStorageRecord *record = artemis_storage_record_new (kind);

	record->id = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
	record->create_time_ms = g_ascii_strtoll (PQgetvalue (result, row, 1), NULL, 10);
	record->update_time_ms = g_ascii_strtoll (PQgetvalue (result, row, 2), NULL, 10);
	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];
		const char *value = PQgetvalue (result, row, i + 3);

		if (PQgetisnull (result, row, i + 3))
			continue;
		if (artemis_storage_field_is_boolean (field))
			artemis_storage_record_set_boolean (record, field, g_str_equal (value, "t"));
		else if (artemis_storage_field_is_integer (field))
			artemis_storage_record_set_int (record, field, g_ascii_strtoll (value, NULL, 10));
		else
			artemis_storage_record_set_string (record, field, value);
	}
	return record;
}

static GPtrArray *
artemis_storage_postgresql_plugin_query (ArtemisStorageBackend *backend, const ArtemisStorageRecord *filter,
					 GError **error)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (backend);
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (filter->kind);
	g_autoptr (GPtrArray) values = values_new ();
	g_autofree char *sql = select_sql (info, filter, values);
	g_autofree char *what = g_strdup_printf ("Cannot query %s", info->table);
	g_autoptr (PGresult) result = exec_retrying (self, sql, values, PGRES_TUPLES_OK, what, error);
	GPtrArray *records;

	if (result == NULL)
		return NULL;
	records = artemis_storage_record_array_new ();
	for (int row = 0; row < PQntuples (result); row++)
		g_ptr_array_add (records, read_row (result, row, filter->kind));
	return records;
}

/* ---- what other nodes changed ------------------------------------------ */

static gboolean
kind_of_table (const char *table, ArtemisStorageKind *kind)
{
	for (guint i = 0; i < ARTEMIS_STORAGE_N_KINDS; i++) {
		if (g_str_equal (artemis_storage_kind_get_info (i)->table, table)) {
			*kind = i;
			return TRUE;
		}
	}
	return FALSE;
}

/* The cursor is the change version seen last; 0 starts at the version the store had when opened. */
static gboolean
artemis_storage_postgresql_plugin_poll_changes (ArtemisStorageBackend *backend, gint64 *cursor, GArray *kinds,
						GError **error)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (backend);
	gint64 seen = *cursor > 0 ? *cursor : self->open_version;
	g_autoptr (GPtrArray) values = values_new ();
	g_autoptr (PGresult) result = NULL;

	add_int (values, seen);
	result = exec_retrying (self, "SELECT table_name, version FROM change_version WHERE version > $1::bigint",
				values, PGRES_TUPLES_OK, "Cannot read the change versions", error);
	if (result == NULL)
		return FALSE;
	for (int row = 0; row < PQntuples (result); row++) {
		ArtemisStorageKind kind;

		if (kind_of_table (PQgetvalue (result, row, 0), &kind))
			g_array_append_val (kinds, kind);
		seen = MAX (seen, g_ascii_strtoll (PQgetvalue (result, row, 1), NULL, 10));
	}
	*cursor = seen;
	return TRUE;
}

/* ---- ids --------------------------------------------------------------- */

static gboolean
artemis_storage_postgresql_plugin_reserve_ids (ArtemisStorageBackend *backend, ArtemisStorageKind kind,
					       guint count, gint64 *first, GError **error)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (backend);
	const char *table = artemis_storage_kind_get_info (kind)->table;
	g_autoptr (GPtrArray) values = values_new ();
	g_autoptr (PGresult) result = NULL;

	g_ptr_array_add (values, g_strdup (table));
	add_int (values, count);
	/* One statement: the row lock makes concurrent reservations of other nodes wait, then follow on. */
	result = exec_retrying (self,
				"UPDATE next_id SET next_id = next_id + $2::bigint WHERE table_name = $1::text "
				"RETURNING next_id - $2::bigint",
				values, PGRES_TUPLES_OK, "Cannot take ids from next_id", error);
	if (result == NULL)
		return FALSE;
	if (PQntuples (result) != 1) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_INTERNAL, "next_id has no row for %s", table);
		return FALSE;
	}
	*first = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
	return TRUE;
}

/* ---- the object -------------------------------------------------------- */

static void
artemis_storage_postgresql_plugin_close (ArtemisStorageBackend *backend)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (backend);

	/* The listener first: once this returns, nothing emits `changed` any more. */
	g_clear_pointer (&self->listener, artemis_postgresql_listener_stop);
	g_clear_pointer (&self->conn, PQfinish);
}

static void
artemis_storage_postgresql_plugin_finalize (GObject *object)
{
	ArtemisStoragePostgresqlPlugin *self = ARTEMIS_STORAGE_POSTGRESQL_PLUGIN (object);

	artemis_storage_postgresql_plugin_close (ARTEMIS_STORAGE_BACKEND (self));
	g_free (self->conninfo);
	g_free (self->passfile);
	g_strfreev (self->keywords);
	g_strfreev (self->values);
	G_OBJECT_CLASS (artemis_storage_postgresql_plugin_parent_class)->finalize (object);
}

static void
artemis_storage_postgresql_plugin_class_init (ArtemisStoragePostgresqlPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisStorageBackendClass *backend_class = ARTEMIS_STORAGE_BACKEND_CLASS (klass);

	object_class->finalize = artemis_storage_postgresql_plugin_finalize;
	plugin_class->description = "Management state and audit log in a PostgreSQL database several nodes share";
	plugin_class->setup = artemis_storage_postgresql_plugin_setup;
	backend_class->open = artemis_storage_postgresql_plugin_open;
	backend_class->query = artemis_storage_postgresql_plugin_query;
	backend_class->commit = artemis_storage_postgresql_plugin_commit;
	backend_class->poll_changes = artemis_storage_postgresql_plugin_poll_changes;
	backend_class->close = artemis_storage_postgresql_plugin_close;
	backend_class->reserve_ids = artemis_storage_postgresql_plugin_reserve_ids;
}

static void
artemis_storage_postgresql_plugin_init (ArtemisStoragePostgresqlPlugin *self)
{
	self->connect_timeout_s = DEFAULT_CONNECT_TIMEOUT_S;
	self->listen = TRUE;
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_STORAGE_POSTGRESQL_PLUGIN)
