/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-store.h"

G_DEFINE_INTERFACE (ArtemisStore, artemis_store, G_TYPE_OBJECT)

static void
artemis_store_default_init (ArtemisStoreInterface *iface)
{
}

void
artemis_store_commit_async (ArtemisStore *self, GPtrArray *writes, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (ARTEMIS_IS_STORE (self));
	ARTEMIS_STORE_GET_IFACE (self)->commit_async (self, writes, cancellable, callback, user_data);
}

gboolean
artemis_store_commit_finish (ArtemisStore *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (ARTEMIS_IS_STORE (self), FALSE);
	return ARTEMIS_STORE_GET_IFACE (self)->commit_finish (self, result, error);
}

gboolean
artemis_store_is_shared (ArtemisStore *self)
{
	ArtemisStoreInterface *iface;

	g_return_val_if_fail (ARTEMIS_IS_STORE (self), FALSE);
	iface = ARTEMIS_STORE_GET_IFACE (self);
	return iface->is_shared != NULL && iface->is_shared (self);
}

void
artemis_store_reserve_ids_async (ArtemisStore *self, ArtemisStorageKind kind, guint count,
				 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (ARTEMIS_IS_STORE (self));
	g_return_if_fail (ARTEMIS_STORE_GET_IFACE (self)->reserve_ids_async != NULL);
	ARTEMIS_STORE_GET_IFACE (self)->reserve_ids_async (self, kind, count, cancellable, callback, user_data);
}

gboolean
artemis_store_reserve_ids_finish (ArtemisStore *self, GAsyncResult *result, gint64 *first, GError **error)
{
	g_return_val_if_fail (ARTEMIS_IS_STORE (self), FALSE);
	return ARTEMIS_STORE_GET_IFACE (self)->reserve_ids_finish (self, result, first, error);
}
