/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-error.h"
#include "artemis-storage-backend.h"

G_DEFINE_ABSTRACT_TYPE (ArtemisStorageBackend, artemis_storage_backend, ARTEMIS_TYPE_PLUGIN)

enum {
	SIGNAL_CHANGED,
	N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void
artemis_storage_backend_class_init (ArtemisStorageBackendClass *klass)
{
	/**
	 * ArtemisStorageBackend::changed:
	 *
	 * Other nodes committed changes to the shared store: poll now. Emitted
	 * in whatever thread the backend learns it, so handlers must be
	 * thread-safe (the node's only wakes its main loop).
	 */
	signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
						NULL, NULL, G_TYPE_NONE, 0);
}

static void
artemis_storage_backend_init (ArtemisStorageBackend *self)
{
}

/* A required vfunc a plugin left out is the plugin's bug: an error, not a crash. */
static gboolean
check_implemented (ArtemisStorageBackend *self, gconstpointer vfunc, const char *what, GError **error)
{
	if (vfunc != NULL)
		return TRUE;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "Storage backend %s does not implement %s",
		     artemis_plugin_get_name (ARTEMIS_PLUGIN (self)), what);
	return FALSE;
}

gboolean
artemis_storage_backend_open (ArtemisStorageBackend *self, const char *data_dir, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (!check_implemented (self, klass->open, "open", error))
		return FALSE;
	/* Nodes sharing a store must not number new rows alike. */
	if (klass->poll_changes != NULL &&
	    !check_implemented (self, klass->reserve_ids, "reserve_ids (required of a shared store)", error))
		return FALSE;
	return klass->open (self, data_dir, error);
}

GPtrArray *
artemis_storage_backend_query (ArtemisStorageBackend *self, const ArtemisStorageRecord *filter, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), NULL);
	g_return_val_if_fail (filter != NULL, NULL);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (!check_implemented (self, klass->query, "query", error))
		return NULL;
	return klass->query (self, filter, error);
}

gboolean
artemis_storage_backend_commit (ArtemisStorageBackend *self, GPtrArray *writes, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	g_return_val_if_fail (writes != NULL, FALSE);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (!check_implemented (self, klass->commit, "commit", error))
		return FALSE;
	return klass->commit (self, writes, error);
}

gboolean
artemis_storage_backend_is_shared (ArtemisStorageBackend *self)
{
	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	return ARTEMIS_STORAGE_BACKEND_GET_CLASS (self)->poll_changes != NULL;
}

gboolean
artemis_storage_backend_poll_changes (ArtemisStorageBackend *self, gint64 *cursor, GArray *kinds, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	g_return_val_if_fail (cursor != NULL && kinds != NULL, FALSE);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	return klass->poll_changes == NULL || klass->poll_changes (self, cursor, kinds, error);
}

void
artemis_storage_backend_close (ArtemisStorageBackend *self)
{
	ArtemisStorageBackendClass *klass;

	g_return_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self));
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (klass->close != NULL)
		klass->close (self);
}

gboolean
artemis_storage_backend_reserve_ids (ArtemisStorageBackend *self, ArtemisStorageKind kind, guint count,
				     gint64 *first, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	g_return_val_if_fail (kind < ARTEMIS_STORAGE_N_KINDS && count > 0 && first != NULL, FALSE);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (!check_implemented (self, klass->reserve_ids, "reserve_ids", error))
		return FALSE;
	if (artemis_storage_kind_get_info (kind)->is_log) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "The store numbers the rows of %s itself",
			     artemis_storage_kind_get_info (kind)->table);
		return FALSE;
	}
	return klass->reserve_ids (self, kind, count, first, error);
}

void
artemis_storage_backend_emit_changed (ArtemisStorageBackend *self)
{
	g_return_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self));
	g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}
