/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-error.h"
#include "artemis-storage-backend.h"

G_DEFINE_ABSTRACT_TYPE (ArtemisStorageBackend, artemis_storage_backend, ARTEMIS_TYPE_PLUGIN)

static void
artemis_storage_backend_class_init (ArtemisStorageBackendClass *klass)
{
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
