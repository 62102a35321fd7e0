/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_CLOSE_BY_VISIT_PLUGIN (artemis_close_by_visit_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisCloseByVisitPlugin, artemis_close_by_visit_plugin, ARTEMIS,
		      CLOSE_BY_VISIT_PLUGIN, ArtemisRouteStrategy)

G_END_DECLS
