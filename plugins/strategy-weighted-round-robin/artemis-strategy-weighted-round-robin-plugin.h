/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_WEIGHTED_ROUND_ROBIN_PLUGIN (artemis_weighted_round_robin_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisWeightedRoundRobinPlugin, artemis_weighted_round_robin_plugin, ARTEMIS,
		      WEIGHTED_ROUND_ROBIN_PLUGIN, ArtemisRouteStrategy)

G_END_DECLS
