/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-config.h"
#include "artemis-plugin.h"
#include "artemis-replicator.h"

G_BEGIN_DECLS

/* The four plugin kinds (DESIGN.md, "Plugins"). */
typedef enum {
	ARTEMIS_PLUGIN_KIND_NONE,
	ARTEMIS_PLUGIN_KIND_DISCOVERY_FILTER,
	ARTEMIS_PLUGIN_KIND_ROUTE_STRATEGY,
	ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND,
	ARTEMIS_PLUGIN_KIND_REPLICATOR,
} ArtemisPluginKind;

/* The kind @type derives from, or NONE. */
ArtemisPluginKind artemis_plugin_kind_for_type (GType type);
/* "discovery-filter", "route-strategy", "storage-backend", "replicator" or "-". */
const char *artemis_plugin_kind_to_string (ArtemisPluginKind kind);

typedef enum {
	ARTEMIS_PLUGIN_STATUS_LOADED,
	ARTEMIS_PLUGIN_STATUS_DISABLED,
	ARTEMIS_PLUGIN_STATUS_SKIPPED,
} ArtemisPluginStatus;

const char *artemis_plugin_status_to_string (ArtemisPluginStatus status);

/**
 * ArtemisPluginInfo:
 * @name: the plugin's name (its file name without `.so`).
 * @path: the module, or NULL for a plugin built into the program.
 * @status: what became of it.
 * @reason: why it was disabled or skipped; NULL when loaded.
 * @type: its GType when loaded, else 0.
 * @kind: its kind when loaded, else NONE.
 *
 * One plugin file the loader found. Owned by the loader.
 */
typedef struct {
	char *name;
	char *path;
	ArtemisPluginStatus status;
	char *reason;
	GType type;
	ArtemisPluginKind kind;
} ArtemisPluginInfo;

#define ARTEMIS_TYPE_PLUGIN_LOADER (artemis_plugin_loader_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisPluginLoader, artemis_plugin_loader, ARTEMIS, PLUGIN_LOADER, GObject)

/*
 * Finds, checks and loads plugin modules, then creates and sets up the
 * plugins. Use it in this order, on the main loop:
 *
 *   loader = artemis_plugin_loader_new_for_config (config);  // or _new() and set up by hand
 *   artemis_plugin_loader_scan (loader);       // modules: found, loaded, skipped
 *   artemis_plugin_loader_setup (loader, config->plugin_settings);  // objects
 *   chain = artemis_plugin_loader_get_filter_chain (loader, config->plugins_filters);
 *
 * A directory is searched with its immediate subdirectories (a build tree
 * keeps each plugin in plugins/NAME/). Every `*.so` is a candidate, named by
 * its file name; candidates are taken in name order, and of two with the
 * same name the one in the earlier directory wins. Each is checked before
 * it is opened — a regular file (not a symlink), owned by root or by the
 * user running the daemon, writable by neither its group nor others — then
 * opened with local binding, asked for its plugin API version and its type
 * (see ARTEMIS_PLUGIN_DEFINE()), and kept resident. A plugin failing any
 * step is skipped with one warning that names the file and the reason.
 */
ArtemisPluginLoader *artemis_plugin_loader_new (void);
/* A loader with the default directories plus `[server] plugin-dirs`, and `[plugins] enabled`. */
ArtemisPluginLoader *artemis_plugin_loader_new_for_config (const ArtemisConfig *config);
void artemis_plugin_loader_add_directory (ArtemisPluginLoader *loader, const char *path);
/*
 * The directories of ARTEMIS_PLUGIN_DIR (colon-separated), then
 * @extra_dirs (NULL-terminated, may be NULL), then the installed
 * $libdir/artemis/plugins-N.
 */
void artemis_plugin_loader_add_default_directories (ArtemisPluginLoader *loader,
						    const char *const *extra_dirs);
/* Only plugins named in @names are loaded; NULL or empty loads all. */
void artemis_plugin_loader_set_enabled (ArtemisPluginLoader *loader, const char *const *names);
/* A plugin compiled into the program, loaded like a module found as @name. */
void artemis_plugin_loader_add_builtin (ArtemisPluginLoader *loader, const char *name, GType type);

void artemis_plugin_loader_scan (ArtemisPluginLoader *loader);
/* What scan() found (ArtemisPluginInfo), sorted by name. */
GPtrArray *artemis_plugin_loader_get_infos (ArtemisPluginLoader *loader);

/*
 * Creates one object per loaded plugin, hands it its `[plugin NAME]` group
 * of @settings (may be NULL) and sets it up; a plugin whose setup fails is
 * dropped with a warning (and listed as skipped).
 */
void artemis_plugin_loader_setup (ArtemisPluginLoader *loader, GKeyFile *settings);
/* The context every replicator plugin gets before its setup (NULL: none). */
void artemis_plugin_loader_set_replication_context (ArtemisPluginLoader *loader,
						    ArtemisReplicationContext *context);
/* The plugins set up (ArtemisPlugin), in name order. */
GPtrArray *artemis_plugin_loader_get_plugins (ArtemisPluginLoader *loader);
/* Every plugin set up of @kind, in name order (new array of references). */
GPtrArray *artemis_plugin_loader_get_plugins_of_kind (ArtemisPluginLoader *loader, ArtemisPluginKind kind);
/*
 * The plugin set up of @kind named @name (borrowed), or NULL with *@reason
 * saying why not: the reason it was skipped, or @missing when no plugin
 * file has that name.
 */
ArtemisPlugin *artemis_plugin_loader_find (ArtemisPluginLoader *loader, ArtemisPluginKind kind, const char *name,
					   const char *missing, const char **reason);
/*
 * The discovery filter chain (new array of references) in the order of
 * @order — names of filter plugins, where `NAME:LABEL` makes one more
 * instance of plugin NAME with the settings of `[plugin NAME:LABEL]` — or,
 * when @order is NULL or empty, every filter in name order. A name that is
 * not a loaded filter, or one listed twice, is an error (the chain would not
 * be the one configured).
 */
GPtrArray *artemis_plugin_loader_get_filter_chain (ArtemisPluginLoader *loader, const char *const *order,
						   GError **error);
/* Shuts every plugin down (also done when the loader is disposed). */
void artemis_plugin_loader_shutdown (ArtemisPluginLoader *loader);

/* What `artemisd --list-plugins` prints: the directories, then one line per plugin found. */
char *artemis_plugin_loader_describe (ArtemisPluginLoader *loader);

G_END_DECLS
