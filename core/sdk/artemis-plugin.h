/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <gmodule.h>
#include <glib-object.h>

#include "artemis-version.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_PLUGIN (artemis_plugin_get_type ())
ARTEMIS_EXPORT
G_DECLARE_DERIVABLE_TYPE (ArtemisPlugin, artemis_plugin, ARTEMIS, PLUGIN, GObject)

/**
 * ArtemisPluginClass:
 * @description: one line saying what the plugin does, shown by
 *   `artemisd --list-plugins`. A static string set in class_init; may be NULL.
 * @setup: prepares the plugin once its settings are known (read them with
 *   artemis_plugin_get_setting()). Called once, on the main loop, after the
 *   loader created the plugin and before the node serves anything. Return
 *   FALSE with @error set to have the plugin dropped (logged; the daemon
 *   goes on without it). May be NULL.
 * @shutdown: releases what @setup acquired. Called once, on the main loop,
 *   when the node stops, only if @setup succeeded; the object is unreffed
 *   right after. May be NULL.
 *
 * The base class of every plugin. A plugin derives from one of the four
 * kinds — #ArtemisDiscoveryFilter, #ArtemisRouteStrategy,
 * #ArtemisStorageBackend, #ArtemisReplicator — never from this class
 * directly, and its module exports the type with ARTEMIS_PLUGIN_DEFINE().
 *
 * A plugin's name is the file name of its module without `.so`
 * (`strategy-weighted-round-robin.so` is `strategy-weighted-round-robin`);
 * the configuration refers to plugins by that name and hands each one the
 * keys of its `[plugin NAME]` group. The object is owned by the loader.
 */
struct _ArtemisPluginClass {
	GObjectClass parent_class;

	const char *description;
	gboolean (*setup) (ArtemisPlugin *self, GError **error);
	void (*shutdown) (ArtemisPlugin *self);

	/*< private >*/
	gpointer padding[8];
};

/* The name given at construction ("name" property), or the type name when none was. */
ARTEMIS_EXPORT
const char *artemis_plugin_get_name (ArtemisPlugin *self);
ARTEMIS_EXPORT
const char *artemis_plugin_get_description (ArtemisPlugin *self);
/*
 * The value of @key in this plugin's `[plugin NAME]` configuration group,
 * or NULL when not set. The string belongs to the plugin.
 */
ARTEMIS_EXPORT
const char *artemis_plugin_get_setting (ArtemisPlugin *self, const char *key);

ARTEMIS_EXPORT
gboolean artemis_plugin_setup (ArtemisPlugin *self, GError **error);
ARTEMIS_EXPORT
void artemis_plugin_shutdown (ArtemisPlugin *self);

/*
 * ARTEMIS_PLUGIN_DEFINE:
 * @type: an expression giving the plugin's GType, e.g. MY_TYPE_STRATEGY.
 *
 * Put once in a plugin's source. It defines the two functions the loader
 * looks up in the module:
 *
 *   GType artemis_plugin_query_type (void);          — returns @type
 *   guint artemis_plugin_query_api_version (void);   — returns the
 *        ARTEMIS_PLUGIN_API_VERSION the plugin was compiled against
 *
 * The loader calls the second first and refuses the module unless it equals
 * its own version, before any type of the module is registered.
 *
 * When ARTEMIS_PLUGIN_BUILTIN is defined the macro expands to nothing, so the
 * same source also builds a static library that links into a program (unit
 * tests create the plugin by its GType).
 */
#ifdef ARTEMIS_PLUGIN_BUILTIN
#define ARTEMIS_PLUGIN_DEFINE(type)
#else
#define ARTEMIS_PLUGIN_DEFINE(type)                                              \
	G_MODULE_EXPORT GType artemis_plugin_query_type (void);                  \
	G_MODULE_EXPORT guint artemis_plugin_query_api_version (void);           \
	G_MODULE_EXPORT GType artemis_plugin_query_type (void)                   \
	{                                                                        \
		return (type);                                                   \
	}                                                                        \
	G_MODULE_EXPORT guint artemis_plugin_query_api_version (void)            \
	{                                                                        \
		return ARTEMIS_PLUGIN_API_VERSION;                               \
	}
#endif

G_END_DECLS
