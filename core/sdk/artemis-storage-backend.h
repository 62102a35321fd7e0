/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib-object.h>

#include "artemis-plugin.h"
#include "artemis-storage-record.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_STORAGE_BACKEND (artemis_storage_backend_get_type ())
ARTEMIS_EXPORT
G_DECLARE_DERIVABLE_TYPE (ArtemisStorageBackend, artemis_storage_backend, ARTEMIS, STORAGE_BACKEND,
			  ArtemisPlugin)

/**
 * ArtemisStorageBackendClass:
 * @open: opens the store (creating it when needed, under @data_dir for a
 *   local one), checks it and migrates its schema to the current version.
 *   Called once, before any other storage call. A store that is corrupt,
 *   cannot be written, or has a schema newer than the backend knows must
 *   fail here, with a message saying so: the node then refuses to start.
 *   Must not be NULL.
 * @query: returns the rows of `filter->kind` whose fields equal every field
 *   set in @filter (strings compared as artemis_storage_field_is_nocase()
 *   says; no field set returns every row), oldest first, as a new array of
 *   #ArtemisStorageRecord with every field, the id and the times filled in.
 *   At start-up the node loads each state kind this way. Must not be NULL.
 * @commit: applies @writes (#ArtemisStorageWrite, borrowed) in order, in
 *   one transaction: all or none. It must be durable when it returns TRUE:
 *   the node answers a management write only then. Must not be NULL.
 * @poll_changes: for a store shared by several nodes (a database server):
 *   adds to @kinds (a GArray of #ArtemisStorageKind) every state kind whose
 *   rows changed after *@cursor, which it then advances (opaque to the node,
 *   0 at first). The node calls it periodically (`[storage] poll-interval`),
 *   and at once when the backend emits #ArtemisStorageBackend::changed;
 *   it reloads those kinds with @query, pushes the differences to clients
 *   and drops stale discovery answers. Reporting this node's own writes too
 *   is harmless. May be NULL: the store belongs to this node alone.
 * @close: closes the store. Called once, after every other call, before
 *   #ArtemisPluginClass.shutdown. May be NULL.
 * @reserve_ids: reserves @count (at least 1) consecutive ids of the state
 *   kind @kind, *@first to *@first + @count - 1, that no node sharing the
 *   store ever gets again, and that no row the store numbers itself takes.
 *   New rows of groups and rules carry ids the node gives them (other rows
 *   refer to them within one write), so on a shared store the node takes
 *   those ids from reservations instead of counting on from the highest it
 *   has seen, which two nodes would do alike. Required when @poll_changes
 *   is implemented (open fails without it); may be NULL otherwise.
 *
 * Where management state and its audit log persist (SQLite is the embedded
 * default), a plugin kind. Rows are #ArtemisStorageRecord: each kind lists
 * its fields, which a backend maps to columns (the SQLite backend keeps one
 * table per kind, named as in Java Artemis).
 *
 * Every vfunc runs on the storage worker thread — one thread, calls never
 * overlap, never the main loop — so it may block on disk or network. They
 * fail with @error set (use ARTEMIS_ERROR).
 *
 * A shared store that learns of other nodes' commits as they happen (say,
 * PostgreSQL's LISTEN/NOTIFY, on a thread of the backend's own) calls
 * artemis_storage_backend_emit_changed(): the node then polls at once
 * rather than at the next interval. Polling stays the safety net: a
 * notification lost with a connection costs at most one interval.
 */
struct _ArtemisStorageBackendClass {
	ArtemisPluginClass parent_class;

	gboolean (*open) (ArtemisStorageBackend *self, const char *data_dir, GError **error);
	GPtrArray *(*query) (ArtemisStorageBackend *self, const ArtemisStorageRecord *filter, GError **error);
	gboolean (*commit) (ArtemisStorageBackend *self, GPtrArray *writes, GError **error);
	gboolean (*poll_changes) (ArtemisStorageBackend *self, gint64 *cursor, GArray *kinds, GError **error);
	void (*close) (ArtemisStorageBackend *self);
	gboolean (*reserve_ids) (ArtemisStorageBackend *self, ArtemisStorageKind kind, guint count, gint64 *first,
				 GError **error);

	/*< private >*/
	gpointer padding[7];
};

ARTEMIS_EXPORT
gboolean artemis_storage_backend_open (ArtemisStorageBackend *self, const char *data_dir, GError **error);
/**
 * artemis_storage_backend_query:
 * 
 * Returns: (transfer full) (nullable) (element-type ArtemisStorageRecord): the rows.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_storage_backend_query (ArtemisStorageBackend *self, const ArtemisStorageRecord *filter,
					  GError **error);
/**
 * artemis_storage_backend_commit:
 * @writes: (element-type ArtemisStorageWrite): the writes of one transaction.
 */
ARTEMIS_EXPORT
gboolean artemis_storage_backend_commit (ArtemisStorageBackend *self, GPtrArray *writes, GError **error);
/* Whether other nodes share the store (poll_changes is implemented). */
ARTEMIS_EXPORT
gboolean artemis_storage_backend_is_shared (ArtemisStorageBackend *self);
/* TRUE and nothing added when the store is not shared. */
/**
 * artemis_storage_backend_poll_changes:
 * @cursor: (inout): where the last poll stopped.
 * @kinds: (element-type ArtemisStorageKind): where the changed kinds go.
 */
ARTEMIS_EXPORT
gboolean artemis_storage_backend_poll_changes (ArtemisStorageBackend *self, gint64 *cursor, GArray *kinds,
					       GError **error);
ARTEMIS_EXPORT
void artemis_storage_backend_close (ArtemisStorageBackend *self);
/* Fails when the backend does not implement reserve_ids, or for a log kind (the store numbers log rows). */
ARTEMIS_EXPORT
gboolean artemis_storage_backend_reserve_ids (ArtemisStorageBackend *self, ArtemisStorageKind kind, guint count,
					      gint64 *first, GError **error);
/*
 * Emits #ArtemisStorageBackend::changed: other nodes changed the shared
 * store. Callable from any thread; handlers run in the caller's thread.
 */
ARTEMIS_EXPORT
void artemis_storage_backend_emit_changed (ArtemisStorageBackend *self);

G_END_DECLS
