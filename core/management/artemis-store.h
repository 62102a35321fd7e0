/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_STORE (artemis_store_get_type ())
G_DECLARE_INTERFACE (ArtemisStore, artemis_store, ARTEMIS, STORE, GObject)

/**
 * ArtemisStoreInterface:
 * @commit_async: makes @writes (ArtemisStorageWrite, in order, one
 *   transaction: all or none) durable, without blocking the main loop.
 * @commit_finish: TRUE once durable; FALSE with @error when nothing was
 *   written.
 *
 * Where the management write queue commits: the persistence layer
 * (storage/) implements it; core never sees how.
 */
struct _ArtemisStoreInterface {
	GTypeInterface g_iface;

	void (*commit_async) (ArtemisStore *self, GPtrArray *writes, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data);
	gboolean (*commit_finish) (ArtemisStore *self, GAsyncResult *result, GError **error);
};

void artemis_store_commit_async (ArtemisStore *self, GPtrArray *writes, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer user_data);
gboolean artemis_store_commit_finish (ArtemisStore *self, GAsyncResult *result, GError **error);

G_END_DECLS
