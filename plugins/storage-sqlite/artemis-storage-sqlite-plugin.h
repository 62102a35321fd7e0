/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_STORAGE_SQLITE_PLUGIN (artemis_storage_sqlite_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisStorageSqlitePlugin, artemis_storage_sqlite_plugin, ARTEMIS, STORAGE_SQLITE_PLUGIN,
		      ArtemisStorageBackend)

/* The schema version this build creates and migrates to. */
#define ARTEMIS_STORAGE_SQLITE_SCHEMA_VERSION 2

G_END_DECLS
