/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artemis-discovery-filter.h"
#include "artemis-error.h"
#include "artemis-plugin-loader.h"
#include "artemis-replicator.h"
#include "artemis-route-strategy.h"
#include "artemis-storage-backend.h"

#define MODULE_SUFFIX ".so"

/* ---- kinds and statuses ------------------------------------------------ */

ArtemisPluginKind
artemis_plugin_kind_for_type (GType type)
{
	if (g_type_is_a (type, ARTEMIS_TYPE_DISCOVERY_FILTER))
		return ARTEMIS_PLUGIN_KIND_DISCOVERY_FILTER;
	if (g_type_is_a (type, ARTEMIS_TYPE_ROUTE_STRATEGY))
		return ARTEMIS_PLUGIN_KIND_ROUTE_STRATEGY;
	if (g_type_is_a (type, ARTEMIS_TYPE_STORAGE_BACKEND))
		return ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND;
	if (g_type_is_a (type, ARTEMIS_TYPE_REPLICATOR))
		return ARTEMIS_PLUGIN_KIND_REPLICATOR;
	return ARTEMIS_PLUGIN_KIND_NONE;
}

const char *
artemis_plugin_kind_to_string (ArtemisPluginKind kind)
{
	switch (kind) {
	case ARTEMIS_PLUGIN_KIND_DISCOVERY_FILTER:
		return "discovery-filter";
	case ARTEMIS_PLUGIN_KIND_ROUTE_STRATEGY:
		return "route-strategy";
	case ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND:
		return "storage-backend";
	case ARTEMIS_PLUGIN_KIND_REPLICATOR:
		return "replicator";
	case ARTEMIS_PLUGIN_KIND_NONE:
	default:
		return "-";
	}
}

const char *
artemis_plugin_status_to_string (ArtemisPluginStatus status)
{
	switch (status) {
	case ARTEMIS_PLUGIN_STATUS_LOADED:
		return "loaded";
	case ARTEMIS_PLUGIN_STATUS_DISABLED:
		return "disabled";
	case ARTEMIS_PLUGIN_STATUS_SKIPPED:
	default:
		return "skipped";
	}
}

static void
plugin_info_free (ArtemisPluginInfo *info)
{
	g_free (info->name);
	g_free (info->path);
	g_free (info->reason);
	g_free (info);
}

/* A plugin before it is considered: a module file, or a type built into the program. */
typedef struct {
	char *name;
	char *path;
	guint rank; /* builtins 0, then the directories in search order */
	GType type;
} Candidate;

static Candidate *
candidate_new (const char *name, const char *path, guint rank, GType type)
{
	Candidate *candidate = g_new0 (Candidate, 1);

	candidate->name = g_strdup (name);
	candidate->path = g_strdup (path);
	candidate->rank = rank;
	candidate->type = type;
	return candidate;
}

static void
candidate_free (Candidate *candidate)
{
	g_free (candidate->name);
	g_free (candidate->path);
	g_free (candidate);
}

static gint
compare_candidates (gconstpointer a, gconstpointer b)
{
	const Candidate *x = *(const Candidate *const *) a;
	const Candidate *y = *(const Candidate *const *) b;
	gint by_name = strcmp (x->name, y->name);

	if (by_name != 0)
		return by_name;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return g_strcmp0 (x->path, y->path);
}

/* ---- the loader -------------------------------------------------------- */

struct _ArtemisPluginLoader {
	GObject parent_instance;

	GPtrArray *directories; /* char * */
	GStrv enabled;          /* NULL: every plugin */
	GPtrArray *builtins;    /* Candidate */
	GPtrArray *infos;       /* ArtemisPluginInfo, by name */
	GHashTable *refused_directories; /* path → why none of its modules is loaded */
	GPtrArray *plugins;     /* ArtemisPlugin set up */
	GKeyFile *settings;
	ArtemisReplicationContext *replication_context; /* given to replicators before setup */
};

G_DEFINE_TYPE (ArtemisPluginLoader, artemis_plugin_loader, G_TYPE_OBJECT)

static void
artemis_plugin_loader_dispose (GObject *object)
{
	artemis_plugin_loader_shutdown (ARTEMIS_PLUGIN_LOADER (object));
	G_OBJECT_CLASS (artemis_plugin_loader_parent_class)->dispose (object);
}

static void
artemis_plugin_loader_finalize (GObject *object)
{
	ArtemisPluginLoader *self = ARTEMIS_PLUGIN_LOADER (object);

	g_ptr_array_unref (self->directories);
	g_strfreev (self->enabled);
	g_clear_object (&self->replication_context);
	g_ptr_array_unref (self->builtins);
	g_ptr_array_unref (self->infos);
	g_ptr_array_unref (self->plugins);
	g_hash_table_unref (self->refused_directories);
	g_clear_pointer (&self->settings, g_key_file_unref);
	G_OBJECT_CLASS (artemis_plugin_loader_parent_class)->finalize (object);
}

static void
artemis_plugin_loader_class_init (ArtemisPluginLoaderClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_plugin_loader_dispose;
	object_class->finalize = artemis_plugin_loader_finalize;
}

static void
artemis_plugin_loader_init (ArtemisPluginLoader *self)
{
	self->directories = g_ptr_array_new_with_free_func (g_free);
	self->builtins = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
	self->infos = g_ptr_array_new_with_free_func ((GDestroyNotify) plugin_info_free);
	self->plugins = g_ptr_array_new_with_free_func (g_object_unref);
	self->refused_directories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

ArtemisPluginLoader *
artemis_plugin_loader_new (void)
{
	return g_object_new (ARTEMIS_TYPE_PLUGIN_LOADER, NULL);
}

ArtemisPluginLoader *
artemis_plugin_loader_new_for_config (const ArtemisConfig *config)
{
	ArtemisPluginLoader *self = artemis_plugin_loader_new ();

	artemis_plugin_loader_add_default_directories (self, (const char *const *) config->plugin_dirs);
	artemis_plugin_loader_set_enabled (self, (const char *const *) config->plugins_enabled);
	return self;
}

void
artemis_plugin_loader_add_directory (ArtemisPluginLoader *self, const char *path)
{
	for (guint i = 0; i < self->directories->len; i++) {
		if (g_str_equal (g_ptr_array_index (self->directories, i), path))
			return;
	}
	g_ptr_array_add (self->directories, g_strdup (path));
}

void
artemis_plugin_loader_add_default_directories (ArtemisPluginLoader *self, const char *const *extra_dirs)
{
	const char *from_env = g_getenv ("ARTEMIS_PLUGIN_DIR");
	g_auto (GStrv) env_dirs =
		g_strsplit (from_env != NULL ? from_env : "", G_SEARCHPATH_SEPARATOR_S, -1);

	for (guint i = 0; env_dirs[i] != NULL; i++) {
		if (*env_dirs[i] != '\0')
			artemis_plugin_loader_add_directory (self, env_dirs[i]);
	}
	for (guint i = 0; extra_dirs != NULL && extra_dirs[i] != NULL; i++)
		artemis_plugin_loader_add_directory (self, extra_dirs[i]);
	artemis_plugin_loader_add_directory (self, ARTEMIS_PLUGINDIR);
}

void
artemis_plugin_loader_set_enabled (ArtemisPluginLoader *self, const char *const *names)
{
	g_clear_pointer (&self->enabled, g_strfreev);
	if (names != NULL && names[0] != NULL)
		self->enabled = g_strdupv ((char **) names);
}

void
artemis_plugin_loader_add_builtin (ArtemisPluginLoader *self, const char *name, GType type)
{
	g_ptr_array_add (self->builtins, candidate_new (name, NULL, 0, type));
}

/* ---- finding and checking modules -------------------------------------- */

static gboolean
is_directory (const char *path)
{
	GStatBuf st;

	return g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

/* Who may have put @st's file there, or changed it since: only root or the user running artemisd. */
static gboolean
check_owner_and_mode (const struct stat *st, GError **error)
{
	if (st->st_uid != 0 && st->st_uid != geteuid ()) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED,
			     _("owned by uid %u, neither root nor the user running artemisd"), (guint) st->st_uid);
		return FALSE;
	}
	if ((st->st_mode & S_IWOTH) != 0) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, _("world-writable"));
		return FALSE;
	}
	if ((st->st_mode & S_IWGRP) != 0) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, _("group-writable"));
		return FALSE;
	}
	return TRUE;
}

/*
 * Whether the modules of @dir can be trusted: in a directory others may
 * write, they could put a module of their own, or swap one in between
 * its checks and its loading. A missing directory holds nothing to load.
 */
static gboolean
check_directory (const char *dir, GError **error)
{
	struct stat st;

	if (stat (dir, &st) != 0)
		return TRUE;
	return check_owner_and_mode (&st, error);
}

/* Adds the `*.so` files of @dir, and with @descend those of its subdirectories; @refused notes untrusted ones. */
static void
find_candidates (const char *dir, guint rank, gboolean descend, GPtrArray *candidates, GHashTable *refused)
{
	g_autoptr (GDir) listing = NULL;
	g_autoptr (GError) error = NULL;
	const char *entry;

	if (!check_directory (dir, &error)) {
		g_warning ("Ignoring plugin directory %s: %s", dir, error->message);
		g_hash_table_replace (refused, g_strdup (dir), g_strdup (error->message));
		return;
	}
	listing = g_dir_open (dir, 0, NULL);
	if (listing == NULL)
		return;
	while ((entry = g_dir_read_name (listing)) != NULL) {
		g_autofree char *path = g_build_filename (dir, entry, NULL);
		g_autofree char *name = NULL;

		if (descend && is_directory (path)) {
			find_candidates (path, rank, FALSE, candidates, refused);
			continue;
		}
		if (!g_str_has_suffix (entry, MODULE_SUFFIX) || strlen (entry) == strlen (MODULE_SUFFIX))
			continue;
		name = g_strndup (entry, strlen (entry) - strlen (MODULE_SUFFIX));
		g_ptr_array_add (candidates, candidate_new (name, path, rank, G_TYPE_INVALID));
	}
}

/*
 * Opens @path for loading; the checks are made on the open descriptor, so
 * that the file checked is the file loaded (never a symbolic link, nor a
 * file swapped in after a check by path). -1 with @error when refused.
 */
static int
open_module_file (const char *path, GError **error)
{
	int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		int saved_errno = errno;

		if (saved_errno == ELOOP)
			g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, _("not a regular file"));
		else
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, _("cannot read it: %s"),
				     g_strerror (saved_errno));
		return -1;
	}
	if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, _("not a regular file"));
		close (fd);
		return -1;
	}
	if (!check_owner_and_mode (&st, error)) {
		close (fd);
		return -1;
	}
	return fd;
}

static gboolean
check_type (GType type, GError **error)
{
	if (type == G_TYPE_INVALID) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED,
				     _("artemis_plugin_query_type() returned no type"));
		return FALSE;
	}
	if (artemis_plugin_kind_for_type (type) == ARTEMIS_PLUGIN_KIND_NONE) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED,
			     _("%s is not a discovery filter, route strategy, storage backend or replicator"),
			     g_type_name (type));
		return FALSE;
	}
	if (G_TYPE_IS_ABSTRACT (type)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, _("%s is abstract"),
			     g_type_name (type));
		return FALSE;
	}
	return TRUE;
}

typedef GType (*QueryTypeFunc) (void);
typedef guint (*QueryApiVersionFunc) (void);

/* The module's API version, checked before any of its code registers a type. */
static gboolean
check_api_version (GModule *module, GError **error)
{
	QueryApiVersionFunc query_api_version = NULL;
	guint version;

	if (!g_module_symbol (module, "artemis_plugin_query_api_version",
			      (gpointer *) &query_api_version)) {
		g_set_error_literal (
			error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED,
			_("does not export artemis_plugin_query_api_version() (use ARTEMIS_PLUGIN_DEFINE)"));
		return FALSE;
	}
	version = query_api_version ();
	if (version != ARTEMIS_PLUGIN_API_VERSION) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED,
			     _("built for plugin API version %u, this artemisd has version %u"), version,
			     (guint) ARTEMIS_PLUGIN_API_VERSION);
		return FALSE;
	}
	return TRUE;
}

static GType
load_module (const char *path, GError **error)
{
	GModule *module;
	QueryTypeFunc query_type = NULL;
	int fd = open_module_file (path, error);
	g_autofree char *fd_path = NULL;

	if (fd < 0)
		return G_TYPE_INVALID;
	/* The very file checked, through its descriptor. */
	fd_path = g_strdup_printf ("/proc/self/fd/%d", fd);
	module = g_module_open (fd_path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
	if (module == NULL) {
		g_autoptr (GString) reason = g_string_new (g_module_error ());

		/* The loader's message names the descriptor; the operator knows the file. */
		g_string_replace (reason, fd_path, path, 0);
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, _("not a loadable module: %s"), reason->str);
		close (fd);
		return G_TYPE_INVALID;
	}
	if (!g_module_symbol (module, "artemis_plugin_query_type", (gpointer *) &query_type)) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED,
				     _("does not export artemis_plugin_query_type()"));
		g_module_close (module);
		close (fd);
		return G_TYPE_INVALID;
	}
	if (!check_api_version (module, error)) {
		g_module_close (module);
		close (fd);
		return G_TYPE_INVALID;
	}
	/*
	 * Its types are about to be registered: the module must never be
	 * unloaded now. Its descriptor stays open with it: GModule knows
	 * modules by file name, and a reused /proc/self/fd/N would name it.
	 */
	g_module_make_resident (module);
	return query_type ();
}

static gboolean
is_enabled (ArtemisPluginLoader *self, const char *name)
{
	return self->enabled == NULL || g_strv_contains ((const char *const *) self->enabled, name);
}

/* Names end up in `;` lists and `NAME:LABEL` instances. */
static gboolean
is_valid_name (const char *name)
{
	return *name != '\0' && strpbrk (name, ":;") == NULL;
}

/* The plugin type of @candidate, or G_TYPE_INVALID with @error set when it cannot be used. */
static GType
load_candidate (const Candidate *candidate, GError **error)
{
	GType type = candidate->type;

	if (!is_valid_name (candidate->name)) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED,
				     _("a plugin name has no “:” or “;”"));
		return G_TYPE_INVALID;
	}
	if (candidate->path != NULL) {
		g_autoptr (GError) local_error = NULL;

		type = load_module (candidate->path, &local_error);
		if (local_error != NULL) {
			g_propagate_error (error, g_steal_pointer (&local_error));
			return G_TYPE_INVALID;
		}
	}
	return check_type (type, error) ? type : G_TYPE_INVALID;
}

static ArtemisPluginInfo *
consider (ArtemisPluginLoader *self, const Candidate *candidate, GHashTable *seen)
{
	ArtemisPluginInfo *info = g_new0 (ArtemisPluginInfo, 1);
	ArtemisPluginInfo *winner = g_hash_table_lookup (seen, candidate->name);
	g_autoptr (GError) error = NULL;

	info->name = g_strdup (candidate->name);
	info->path = g_strdup (candidate->path);
	info->status = ARTEMIS_PLUGIN_STATUS_SKIPPED;
	if (winner != NULL) {
		info->reason = g_strdup_printf (_("shadowed by %s"),
						winner->path != NULL ? winner->path : _("a built-in plugin"));
		return info;
	}
	g_hash_table_insert (seen, info->name, info);
	if (!is_enabled (self, info->name)) {
		info->status = ARTEMIS_PLUGIN_STATUS_DISABLED;
		info->reason = g_strdup (_("not in [plugins] enabled"));
		return info;
	}
	info->type = load_candidate (candidate, &error);
	if (info->type == G_TYPE_INVALID) {
		info->reason = g_strdup (error->message);
		g_warning ("Skipping plugin %s: %s", candidate->path != NULL ? candidate->path : candidate->name,
			   info->reason);
		return info;
	}
	info->status = ARTEMIS_PLUGIN_STATUS_LOADED;
	info->kind = artemis_plugin_kind_for_type (info->type);
	return info;
}

static void
warn_enabled_but_missing (ArtemisPluginLoader *self, GHashTable *seen)
{
	for (guint i = 0; self->enabled != NULL && self->enabled[i] != NULL; i++) {
		if (!g_hash_table_contains (seen, self->enabled[i]))
			g_warning ("Plugin %s is in [plugins] enabled but was not found", self->enabled[i]);
	}
}

void
artemis_plugin_loader_scan (ArtemisPluginLoader *self)
{
	g_autoptr (GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

	for (guint i = 0; i < self->builtins->len; i++) {
		const Candidate *builtin = g_ptr_array_index (self->builtins, i);

		g_ptr_array_add (candidates, candidate_new (builtin->name, NULL, 0, builtin->type));
	}
	g_hash_table_remove_all (self->refused_directories);
	for (guint i = 0; i < self->directories->len; i++)
		find_candidates (g_ptr_array_index (self->directories, i), i + 1, TRUE, candidates,
				 self->refused_directories);
	g_ptr_array_sort (candidates, compare_candidates);

	g_ptr_array_set_size (self->infos, 0);
	for (guint i = 0; i < candidates->len; i++)
		g_ptr_array_add (self->infos, consider (self, g_ptr_array_index (candidates, i), seen));
	warn_enabled_but_missing (self, seen);
}

GPtrArray *
artemis_plugin_loader_get_infos (ArtemisPluginLoader *self)
{
	return self->infos;
}

/* ---- plugins ----------------------------------------------------------- */

void
artemis_plugin_loader_set_replication_context (ArtemisPluginLoader *self, ArtemisReplicationContext *context)
{
	g_return_if_fail (ARTEMIS_IS_PLUGIN_LOADER (self));
	g_set_object (&self->replication_context, context);
}

static ArtemisPlugin *
create_plugin (ArtemisPluginLoader *self, GType type, const char *name, GError **error)
{
	g_autoptr (ArtemisPlugin) plugin = g_object_new (type, "name", name, "settings", self->settings, NULL);

	if (ARTEMIS_IS_REPLICATOR (plugin) && self->replication_context != NULL)
		artemis_replicator_set_context (ARTEMIS_REPLICATOR (plugin), self->replication_context);
	if (!artemis_plugin_setup (plugin, error))
		return NULL;
	return g_steal_pointer (&plugin);
}

void
artemis_plugin_loader_setup (ArtemisPluginLoader *self, GKeyFile *settings)
{
	g_clear_pointer (&self->settings, g_key_file_unref);
	if (settings != NULL)
		self->settings = g_key_file_ref (settings);
	for (guint i = 0; i < self->infos->len; i++) {
		ArtemisPluginInfo *info = g_ptr_array_index (self->infos, i);
		g_autoptr (GError) error = NULL;
		ArtemisPlugin *plugin;

		if (info->status != ARTEMIS_PLUGIN_STATUS_LOADED)
			continue;
		plugin = create_plugin (self, info->type, info->name, &error);
		if (plugin == NULL) {
			info->status = ARTEMIS_PLUGIN_STATUS_SKIPPED;
			info->reason = g_strdup_printf (_("setup failed: %s"), error->message);
			g_warning ("Skipping plugin %s: %s", info->name, info->reason);
			continue;
		}
		g_ptr_array_add (self->plugins, plugin);
	}
}

GPtrArray *
artemis_plugin_loader_get_plugins (ArtemisPluginLoader *self)
{
	return self->plugins;
}

GPtrArray *
artemis_plugin_loader_get_plugins_of_kind (ArtemisPluginLoader *self, ArtemisPluginKind kind)
{
	GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

	for (guint i = 0; i < self->plugins->len; i++) {
		ArtemisPlugin *plugin = g_ptr_array_index (self->plugins, i);

		if (artemis_plugin_kind_for_type (G_OBJECT_TYPE (plugin)) == kind)
			g_ptr_array_add (result, g_object_ref (plugin));
	}
	return result;
}

ArtemisPlugin *
artemis_plugin_loader_find (ArtemisPluginLoader *self, ArtemisPluginKind kind, const char *name,
			    const char *missing, const char **reason)
{
	*reason = missing;
	for (guint i = 0; i < self->plugins->len; i++) {
		ArtemisPlugin *plugin = g_ptr_array_index (self->plugins, i);

		if (artemis_plugin_kind_for_type (G_OBJECT_TYPE (plugin)) == kind &&
		    g_str_equal (artemis_plugin_get_name (plugin), name))
			return plugin;
	}
	for (guint i = 0; i < self->infos->len; i++) {
		const ArtemisPluginInfo *info = g_ptr_array_index (self->infos, i);

		if (g_str_equal (info->name, name) && info->reason != NULL)
			*reason = info->reason;
	}
	return NULL;
}

static ArtemisPlugin *
find_plugin (ArtemisPluginLoader *self, const char *name)
{
	for (guint i = 0; i < self->plugins->len; i++) {
		ArtemisPlugin *plugin = g_ptr_array_index (self->plugins, i);

		if (g_str_equal (artemis_plugin_get_name (plugin), name))
			return plugin;
	}
	return NULL;
}

static const ArtemisPluginInfo *
find_loaded (ArtemisPluginLoader *self, const char *name)
{
	for (guint i = 0; i < self->infos->len; i++) {
		const ArtemisPluginInfo *info = g_ptr_array_index (self->infos, i);

		if (info->status == ARTEMIS_PLUGIN_STATUS_LOADED && g_str_equal (info->name, name))
			return info;
	}
	return NULL;
}

/* `NAME:LABEL`: one more instance of the loaded filter NAME, with its own settings. */
static ArtemisPlugin *
add_instance (ArtemisPluginLoader *self, const char *instance_name)
{
	g_autofree char *base = g_strndup (instance_name, strcspn (instance_name, ":"));
	const ArtemisPluginInfo *info = find_loaded (self, base);
	g_autoptr (GError) error = NULL;
	ArtemisPlugin *plugin;

	if (info == NULL || info->kind != ARTEMIS_PLUGIN_KIND_DISCOVERY_FILTER ||
	    instance_name[strlen (base)] != ':')
		return NULL;
	plugin = create_plugin (self, info->type, instance_name, &error);
	if (plugin == NULL) {
		g_warning ("Skipping plugin %s: %s", instance_name, error->message);
		return NULL;
	}
	g_ptr_array_add (self->plugins, plugin);
	return plugin;
}

GPtrArray *
artemis_plugin_loader_get_filter_chain (ArtemisPluginLoader *self, const char *const *order, GError **error)
{
	g_autoptr (GPtrArray) chain = NULL;

	if (order == NULL || order[0] == NULL)
		return artemis_plugin_loader_get_plugins_of_kind (self, ARTEMIS_PLUGIN_KIND_DISCOVERY_FILTER);
	chain = g_ptr_array_new_with_free_func (g_object_unref);
	for (guint i = 0; order[i] != NULL; i++) {
		ArtemisPlugin *plugin = find_plugin (self, order[i]);

		if (plugin == NULL)
			plugin = add_instance (self, order[i]);
		if (plugin == NULL || !ARTEMIS_IS_DISCOVERY_FILTER (plugin)) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
				     _("[plugins] filters: %s is not a loaded discovery filter"), order[i]);
			return NULL;
		}
		if (g_ptr_array_find (chain, plugin, NULL)) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
				     _("[plugins] filters: %s is listed twice"), order[i]);
			return NULL;
		}
		g_ptr_array_add (chain, g_object_ref (plugin));
	}
	return g_steal_pointer (&chain);
}

void
artemis_plugin_loader_shutdown (ArtemisPluginLoader *self)
{
	/* In reverse: a plugin may rely on one set up before it. */
	for (guint i = self->plugins->len; i > 0; i--)
		artemis_plugin_shutdown (g_ptr_array_index (self->plugins, i - 1));
	g_ptr_array_set_size (self->plugins, 0);
}

char *
artemis_plugin_loader_describe (ArtemisPluginLoader *self)
{
	GString *out = g_string_new (_("Plugin directories:\n"));

	for (guint i = 0; i < self->directories->len; i++) {
		const char *dir = g_ptr_array_index (self->directories, i);
		const char *refused = g_hash_table_lookup (self->refused_directories, dir);

		if (refused != NULL)
			g_string_append_printf (out, _("  %s (ignored: %s)\n"), dir, refused);
		else
			g_string_append_printf (out, "  %s%s\n", dir,
						g_file_test (dir, G_FILE_TEST_IS_DIR) ? "" : _(" (missing)"));
	}
	g_string_append (out, _("Plugins:\n"));
	if (self->infos->len == 0)
		g_string_append (out, _("  none found\n"));
	for (guint i = 0; i < self->infos->len; i++) {
		const ArtemisPluginInfo *info = g_ptr_array_index (self->infos, i);

		g_string_append_printf (out, "  %-9s %-32s %-17s %s",
					artemis_plugin_status_to_string (info->status), info->name,
					artemis_plugin_kind_to_string (info->kind),
					info->path != NULL ? info->path : _("(built in)"));
		if (info->reason != NULL)
			g_string_append_printf (out, ": %s", info->reason);
		g_string_append_c (out, '\n');
	}
	return g_string_free (out, FALSE);
}
