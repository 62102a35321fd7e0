/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-storage-record.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_STORE (artemis_store_get_type ())
G_DECLARE_INTERFACE (ArtemisStore, artemis_store, ARTEMIS, STORE, GObject)

/**
 * ArtemisStoreInterface:
 * @commit_async: makes @writes (ArtemisStorageWrite, in order, one
 *   transaction: all or none) durable, without blocking the main loop.
 * @commit_finish: TRUE once durable; FALSE with @error when nothing was
 *   written.
 * @is_shared: whether other nodes write to the store too. New rows then
 *   take ids the store reserves (@reserve_ids_async) rather than ids
 *   counted on by this node, which another would count alike. May be NULL:
 *   not shared.
 * @reserve_ids_async: reserves @count consecutive ids of the state kind
 *   @kind that no other node gets, without blocking the main loop.
 *   Required when @is_shared can say TRUE.
 * @reserve_ids_finish: TRUE with *@first the first id reserved; FALSE with
 *   @error when none was.
 *
 * Where the management write queue commits: the persistence layer
 * (storage/) implements it; core never sees how.
 */
struct _ArtemisStoreInterface {
	GTypeInterface g_iface;

	void (*commit_async) (ArtemisStore *self, GPtrArray *writes, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data);
	gboolean (*commit_finish) (ArtemisStore *self, GAsyncResult *result, GError **error);
	gboolean (*is_shared) (ArtemisStore *self);
	void (*reserve_ids_async) (ArtemisStore *self, ArtemisStorageKind kind, guint count,
				   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
	gboolean (*reserve_ids_finish) (ArtemisStore *self, GAsyncResult *result, gint64 *first, GError **error);
};

void artemis_store_commit_async (ArtemisStore *self, GPtrArray *writes, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer user_data);
gboolean artemis_store_commit_finish (ArtemisStore *self, GAsyncResult *result, GError **error);
gboolean artemis_store_is_shared (ArtemisStore *self);
void artemis_store_reserve_ids_async (ArtemisStore *self, ArtemisStorageKind kind, guint count,
				      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean artemis_store_reserve_ids_finish (ArtemisStore *self, GAsyncResult *result, gint64 *first,
					   GError **error);

G_END_DECLS
