/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_STORAGE_POSTGRESQL_PLUGIN (artemis_storage_postgresql_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisStoragePostgresqlPlugin, artemis_storage_postgresql_plugin, ARTEMIS,
		      STORAGE_POSTGRESQL_PLUGIN, ArtemisStorageBackend)

G_END_DECLS
