/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-plugin.h"

G_BEGIN_DECLS

/* The `[plugin NAME]` group of @settings (NAME: the plugin's name) becomes its settings. */
void artemis_plugin_set_settings (ArtemisPlugin *self, GKeyFile *settings);

G_END_DECLS
