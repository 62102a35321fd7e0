/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-plugin.h"

G_BEGIN_DECLS

/**
 * ArtemisStorageRecord:
 * @kind: what the record is, e.g. `instance-operation`, `route-rule`, or for
 *   the audit log `instance-operation-log`.
 * @key: its identity within @kind (state records); NULL for log records.
 * @json: the record as a JSON document; NULL deletes the state record @key.
 * @time_ms: when it was written (epoch ms).
 *
 * One piece of management state or one audit log entry, as the node hands
 * it to a storage backend: the backend stores documents, it does not need to
 * understand them.
 */
typedef struct {
	char *kind;
	char *key;
	char *json;
	gint64 time_ms;
} ArtemisStorageRecord;

ArtemisStorageRecord *artemis_storage_record_new (const char *kind, const char *key, const char *json,
						  gint64 time_ms);
void artemis_storage_record_free (ArtemisStorageRecord *record);

#define ARTEMIS_TYPE_STORAGE_BACKEND (artemis_storage_backend_get_type ())
G_DECLARE_DERIVABLE_TYPE (ArtemisStorageBackend, artemis_storage_backend, ARTEMIS, STORAGE_BACKEND,
			  ArtemisPlugin)

/**
 * ArtemisStorageBackendClass:
 * @open: opens the store (creating it when needed, under @data_dir for a
 *   local one) and migrates its schema to the current version. Called once
 *   before any other storage call. Must not be NULL.
 * @load: returns every live state record (#ArtemisStorageRecord, new
 *   array, the caller owns it), read at start-up before the node serves.
 *   Must not be NULL.
 * @write: applies @records (state records, oldest first; a NULL @json
 *   deletes) atomically: all or none. The node answers a management write
 *   only after this returned TRUE. @records is borrowed. Must not be NULL.
 * @append_log: appends audit log @records (borrowed) in order. May be NULL:
 *   the backend keeps no audit log.
 * @poll_changes: for a store shared by several nodes (a database server):
 *   returns the state records other nodes wrote after *@cursor (opaque to
 *   the node, 0 at first) and advances *@cursor. Called periodically; the
 *   node applies the records and drops stale discovery answers. May be NULL:
 *   the store belongs to this node alone.
 * @close: flushes and closes the store. Called once, after the last other
 *   call and before #ArtemisPluginClass.shutdown. May be NULL.
 *
 * Where management state and the audit log persist (SQLite is the
 * embedded default), a plugin kind. Every vfunc above runs on the storage
 * worker thread — one thread, calls never overlap, never the main loop — so
 * they may block on disk or network. They fail with @error set (use
 * ARTEMIS_ERROR); the node logs failures and retries writes.
 */
struct _ArtemisStorageBackendClass {
	ArtemisPluginClass parent_class;

	gboolean (*open) (ArtemisStorageBackend *self, const char *data_dir, GError **error);
	GPtrArray *(*load) (ArtemisStorageBackend *self, GError **error);
	gboolean (*write) (ArtemisStorageBackend *self, GPtrArray *records, GError **error);
	gboolean (*append_log) (ArtemisStorageBackend *self, GPtrArray *records, GError **error);
	GPtrArray *(*poll_changes) (ArtemisStorageBackend *self, gint64 *cursor, GError **error);
	void (*close) (ArtemisStorageBackend *self);

	/*< private >*/
	gpointer padding[8];
};

gboolean artemis_storage_backend_open (ArtemisStorageBackend *self, const char *data_dir, GError **error);
GPtrArray *artemis_storage_backend_load (ArtemisStorageBackend *self, GError **error);
gboolean artemis_storage_backend_write (ArtemisStorageBackend *self, GPtrArray *records, GError **error);
/* TRUE without doing anything when the backend keeps no log. */
gboolean artemis_storage_backend_append_log (ArtemisStorageBackend *self, GPtrArray *records, GError **error);
/* Whether other nodes share the store (poll_changes is implemented). */
gboolean artemis_storage_backend_is_shared (ArtemisStorageBackend *self);
/* An empty array when the store is not shared. */
GPtrArray *artemis_storage_backend_poll_changes (ArtemisStorageBackend *self, gint64 *cursor, GError **error);
void artemis_storage_backend_close (ArtemisStorageBackend *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisStorageRecord, artemis_storage_record_free)

G_END_DECLS
