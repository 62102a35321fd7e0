/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-error.h"
#include "artemis-storage-backend.h"

G_DEFINE_ABSTRACT_TYPE (ArtemisStorageBackend, artemis_storage_backend, ARTEMIS_TYPE_PLUGIN)

ArtemisStorageRecord *
artemis_storage_record_new (const char *kind, const char *key, const char *json, gint64 time_ms)
{
	ArtemisStorageRecord *record = g_new0 (ArtemisStorageRecord, 1);

	record->kind = g_strdup (kind);
	record->key = g_strdup (key);
	record->json = g_strdup (json);
	record->time_ms = time_ms;
	return record;
}

void
artemis_storage_record_free (ArtemisStorageRecord *record)
{
	if (record == NULL)
		return;
	g_free (record->kind);
	g_free (record->key);
	g_free (record->json);
	g_free (record);
}

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
artemis_storage_backend_load (ArtemisStorageBackend *self, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), NULL);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (!check_implemented (self, klass->load, "load", error))
		return NULL;
	return klass->load (self, error);
}

gboolean
artemis_storage_backend_write (ArtemisStorageBackend *self, GPtrArray *records, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (!check_implemented (self, klass->write, "write", error))
		return FALSE;
	return klass->write (self, records, error);
}

gboolean
artemis_storage_backend_append_log (ArtemisStorageBackend *self, GPtrArray *records, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	return klass->append_log == NULL || klass->append_log (self, records, error);
}

gboolean
artemis_storage_backend_is_shared (ArtemisStorageBackend *self)
{
	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), FALSE);
	return ARTEMIS_STORAGE_BACKEND_GET_CLASS (self)->poll_changes != NULL;
}

GPtrArray *
artemis_storage_backend_poll_changes (ArtemisStorageBackend *self, gint64 *cursor, GError **error)
{
	ArtemisStorageBackendClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE_BACKEND (self), NULL);
	klass = ARTEMIS_STORAGE_BACKEND_GET_CLASS (self);
	if (klass->poll_changes == NULL)
		return g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_storage_record_free);
	return klass->poll_changes (self, cursor, error);
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
