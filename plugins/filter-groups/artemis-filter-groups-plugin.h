/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_FILTER_GROUPS_PLUGIN (artemis_filter_groups_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisFilterGroupsPlugin, artemis_filter_groups_plugin, ARTEMIS, FILTER_GROUPS_PLUGIN,
		      ArtemisDiscoveryFilter)

G_END_DECLS
