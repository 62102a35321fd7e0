/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_DUMMY_PLUGIN (artemis_dummy_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisDummyPlugin, artemis_dummy_plugin, ARTEMIS, DUMMY_PLUGIN, ArtemisDiscoveryFilter)

G_END_DECLS
