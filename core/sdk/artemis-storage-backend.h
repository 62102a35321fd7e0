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
 *   reloads those kinds with @query, pushes the differences to clients and
 *   drops stale discovery answers. Reporting this node's own writes too is
 *   harmless. May be NULL: the store belongs to this node alone.
 * @close: closes the store. Called once, after every other call, before
 *   #ArtemisPluginClass.shutdown. May be NULL.
 *
 * Where management state and its audit log persist (SQLite is the embedded
 * default), a plugin kind. Rows are #ArtemisStorageRecord: each kind lists
 * its fields, which a backend maps to columns (the SQLite backend keeps one
 * table per kind, named as in Java Artemis).
 *
 * Every vfunc runs on the storage worker thread — one thread, calls never
 * overlap, never the main loop — so it may block on disk or network. They
 * fail with @error set (use ARTEMIS_ERROR).
 */
struct _ArtemisStorageBackendClass {
	ArtemisPluginClass parent_class;

	gboolean (*open) (ArtemisStorageBackend *self, const char *data_dir, GError **error);
	GPtrArray *(*query) (ArtemisStorageBackend *self, const ArtemisStorageRecord *filter, GError **error);
	gboolean (*commit) (ArtemisStorageBackend *self, GPtrArray *writes, GError **error);
	gboolean (*poll_changes) (ArtemisStorageBackend *self, gint64 *cursor, GArray *kinds, GError **error);
	void (*close) (ArtemisStorageBackend *self);

	/*< private >*/
	gpointer padding[8];
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

G_END_DECLS
