/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_FILTER_MANAGEMENT_PLUGIN (artemis_filter_management_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisFilterManagementPlugin, artemis_filter_management_plugin, ARTEMIS,
		      FILTER_MANAGEMENT_PLUGIN, ArtemisDiscoveryFilter)

G_END_DECLS
