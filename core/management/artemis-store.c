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
