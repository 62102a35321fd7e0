/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artemis-test-utils.h"
#include "plugin-fixtures.h"

/*
 * Plugins through the real artemisd: the filter order of artemisd.conf on
 * the wire, --list-plugins, a daemon that starts and serves beside bad
 * plugins, and a strategy built out of tree against an installed copy of
 * the SDK (meson install --destdir) and loaded by the installed daemon.
 */

#define DEPLOYMENT "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"

/* ---- environment of the daemons a test starts -------------------------- */

typedef struct {
	char *name;
	char *value; /* NULL: was unset */
} SavedVariable;

static GArray *saved_environment;

/* Sets (or with NULL unsets) @name for the processes started next; restore_environment() undoes it. */
static void
set_environment (const char *name, const char *value)
{
	SavedVariable saved = { g_strdup (name), g_strdup (g_getenv (name)) };

	if (saved_environment == NULL)
		saved_environment = g_array_new (FALSE, FALSE, sizeof (SavedVariable));
	g_array_append_val (saved_environment, saved);
	if (value != NULL)
		g_setenv (name, value, TRUE);
	else
		g_unsetenv (name);
}

static void
restore_environment (void)
{
	for (guint i = saved_environment != NULL ? saved_environment->len : 0; i > 0; i--) {
		SavedVariable *saved = &g_array_index (saved_environment, SavedVariable, i - 1);

		if (saved->value != NULL)
			g_setenv (saved->name, saved->value, TRUE);
		else
			g_unsetenv (saved->name);
		g_free (saved->name);
		g_free (saved->value);
	}
	if (saved_environment != NULL)
		g_array_set_size (saved_environment, 0);
}

/* ---- helpers ----------------------------------------------------------- */

/* Runs @argv to completion; fails the test with its output unless it exits 0. Returns its stdout. */
static char *
run (GSubprocessLauncher *launcher, const char *const *argv, char **err)
{
	g_autoptr (GSubprocess) process = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *errors = NULL;
	g_autofree char *command = g_strjoinv (" ", (char **) argv);

	g_subprocess_launcher_set_flags (launcher,
					 G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	process = g_subprocess_launcher_spawnv (launcher, argv, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &errors, &error);
	g_assert_no_error (error);
	if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
		g_error ("%s failed:\n%s%s", command, out, errors);
	if (err != NULL)
		*err = g_steal_pointer (&errors);
	return g_strchomp (g_steal_pointer (&out));
}

static void
register_instances (guint port, const char *const *ids)
{
	g_autoptr (GString) body = g_string_new ("{\"instances\":[");
	g_autoptr (ArtemisTestResponse) response = NULL;

	for (guint i = 0; ids[i] != NULL; i++)
		g_string_append_printf (body,
					"%s{\"instanceId\":\"%s\",\"regionId\":\"SHA\",\"zoneId\":\"SHA-Z1\","
					"\"serviceId\":\"demo.hello\",\"url\":\"http://10.0.0.5:8080/%s\"}",
					i > 0 ? "," : "", ids[i], ids[i]);
	g_string_append (body, "]}");
	response = artemis_test_post_json (port, "/api/registry/register.json", body->str);
	g_assert_cmpuint (response->status, ==, 200);
	g_assert_nonnull (strstr (response->text, "\"failedInstances\":null"));
}

/* POSTs @json and returns the answer's text. */
static char *
post (guint port, const char *path, const char *json)
{
	g_autofree char *request = artemis_test_json (json);
	g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (port, path, request);

	g_assert_cmpuint (response->status, ==, 200);
	return g_strdup (response->text);
}

static ArtemisTestDaemon *
start_daemon (const char *config)
{
	g_autoptr (ArtemisTestDaemon) daemon = artemis_test_daemon_new (config);

	g_assert_true (artemis_test_daemon_start (daemon));
	return g_steal_pointer (&daemon);
}

/* ---- the filter order ---------------------------------------------------- */

#define DUMMY_RULE(label)                                                                             \
	"{'groups':[{'groupKey':'dummy/" label "','instanceIds':['i-1'],'instances':null,"            \
	"'metadata':null,'weight':5}],'routeId':'dummy-" label "','strategy':'weighted-round-robin'}"
#define LOOKUP "{'discoveryConfigs':[{'serviceId':'demo.hello'}],'regionId':'SHA','zoneId':'SHA-Z1'}"

static char *
route_rules_with_filters (const char *filters)
{
	g_autofree char *config = g_strdup_printf (DEPLOYMENT "[plugins]\nfilters=%s\n"
						   "[plugin dummy:first]\nlabel=first\n"
						   "[plugin dummy:second]\nlabel=second\n",
						   filters);
	g_autoptr (ArtemisTestDaemon) daemon = start_daemon (config);
	const char *ids[] = { "i-1", NULL };
	g_autofree char *answer = NULL;
	const char *rules;

	register_instances (artemis_test_daemon_get_port (daemon), ids);
	answer = post (artemis_test_daemon_get_port (daemon), "/api/discovery/lookup.json", LOOKUP);
	rules = strstr (answer, "\"routeRules\":");
	g_assert_nonnull (rules);
	return g_strndup (rules, strstr (rules, ",\"serviceId\"") - rules);
}

static void
test_filter_order (void)
{
	g_autofree char *second_first = route_rules_with_filters ("dummy:second;dummy:first");
	g_autofree char *first_second = route_rules_with_filters ("dummy:first;dummy:second");
	g_autofree char *expected_second_first =
		artemis_test_json ("'routeRules':[" DUMMY_RULE ("second") "," DUMMY_RULE ("first") "]");
	g_autofree char *expected_first_second =
		artemis_test_json ("'routeRules':[" DUMMY_RULE ("first") "," DUMMY_RULE ("second") "]");

	g_assert_cmpstr (second_first, ==, expected_second_first);
	g_assert_cmpstr (first_second, ==, expected_first_second);
}

/* ---- bad plugins ------------------------------------------------------- */

static guint
count_occurrences (const char *text, const char *needle)
{
	guint n = 0;

	for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
		n++;
	return n;
}

static void
assert_line (const char *text, const char *pattern)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_pattern_match_simple (pattern, lines[i]))
			return;
	}
	g_error ("no line matches “%s” in:\n%s", pattern, text);
}

static void
test_list_plugins (void)
{
	g_autofree char *dir = plugin_fixtures_make_dir ();
	g_autofree char *config_path = g_build_filename (dir, "artemisd.conf", NULL);
	g_autofree char *config = g_strdup_printf ("[server]\nplugin-dirs=%s\n[plugins]\nenabled=dummy;good;"
						   "text;no-symbol;wrong-type;wrong-version;world-writable;"
						   "group-writable;abstract;link;other-owner\n",
						   dir);
	g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	const char *argv[] = {
		artemis_test_daemon_get_path (), "--list-plugins", "--config", config_path, NULL,
	};
	g_autofree char *dir_line = g_strdup_printf ("  %s", dir);
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;

	g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
	/* Skipping a bad plugin is a warning: not fatal here. */
	g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
	out = run (launcher, argv, &err);

	assert_line (out, "Plugin directories:");
	assert_line (out, "  */plugins");
	assert_line (out, dir_line);
	assert_line (out, "  loaded    dummy                            discovery-filter  "
			  "*/plugins/dummy/dummy.so");
	assert_line (out, "  loaded    good                             route-strategy    */good.so");
	assert_line (out, "  disabled  strategy-weighted-round-robin    -                 */"
			  "strategy-weighted-round-robin.so: not in [plugins] enabled");
	assert_line (out, "  skipped   text                             -                 */text.so: "
			  "not a loadable module: *");
	assert_line (out, "  skipped   no-symbol * does not export artemis_plugin_query_type()");
	assert_line (out, "  skipped   wrong-type * GObject is not a discovery filter, route strategy, "
			  "storage backend or replicator");
	assert_line (out, "  skipped   wrong-version * built for plugin API version *");
	assert_line (out, "  skipped   world-writable * world-writable");
	assert_line (out, "  skipped   group-writable * group-writable");
	assert_line (out, "  skipped   link * not a regular file");
	/* One warning per bad plugin, naming the file. */
	assert_line (err, "*WARNING*Skipping plugin */text.so: not a loadable module: *");
	assert_line (err, "*WARNING*Skipping plugin */world-writable.so: world-writable");
	g_assert_cmpuint (count_occurrences (err, "Skipping plugin"), ==, geteuid () == 0 ? 9 : 8);
	plugin_fixtures_remove_dir (dir);
}

/*
 * A plugin directory that others may write lets them put a module of their
 * own there, or swap one in between its checks and its loading, and have
 * it run as the daemon's user: none of its modules is loaded.
 */
static void
test_untrusted_directory (gconstpointer data)
{
	mode_t mode = GPOINTER_TO_UINT (data);
	g_autofree char *dir = plugin_fixtures_make_dir ();
	g_autofree char *config_dir = g_dir_make_tmp ("artemis-config-XXXXXX", NULL);
	g_autofree char *config_path = g_build_filename (config_dir, "artemisd.conf", NULL);
	g_autofree char *config = g_strdup_printf ("[server]\nplugin-dirs=%s\n", dir);
	g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	const char *argv[] = {
		artemis_test_daemon_get_path (), "--list-plugins", "--config", config_path, NULL,
	};
	const char *reason = (mode & S_IWOTH) != 0 ? "world-writable" : "group-writable";
	g_autofree char *dir_line = g_strdup_printf ("  %s (ignored: %s)", dir, reason);
	g_autofree char *warning = g_strdup_printf ("*WARNING*Ignoring plugin directory %s: %s", dir, reason);
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;

	g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
	g_assert_cmpint (g_chmod (dir, mode), ==, 0);
	g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
	out = run (launcher, argv, &err);

	assert_line (out, dir_line);
	assert_line (out, "  loaded    dummy * */plugins/dummy/dummy.so");
	g_assert_null (strstr (out, "good.so"));
	assert_line (err, warning);
	g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
	plugin_fixtures_remove_dir (dir);
	g_unlink (config_path);
	g_rmdir (config_dir);
}

static void
test_bad_plugins_still_serve (void)
{
	g_autofree char *dir = plugin_fixtures_make_dir ();
	g_autofree char *config = g_strdup_printf (DEPLOYMENT "[server]\nplugin-dirs=%s\n"
						   "[discovery]\ndefault-route-strategy=good\n",
						   dir);
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	const char *ids[] = { "i-1", NULL };
	g_autofree char *answer = NULL;
	g_autofree char *log = NULL;

	set_environment ("G_DEBUG", NULL);
	daemon = start_daemon (config);
	restore_environment ();
	register_instances (artemis_test_daemon_get_port (daemon), ids);
	answer = post (artemis_test_daemon_get_port (daemon), "/api/discovery/route.json",
		       "{'discoveryConfig':{'serviceId':'demo.hello'},'regionId':'SHA','zoneId':'SHA-Z1'}");
	/* The good plugin of the same directory routes. */
	g_assert_nonnull (strstr (answer, "\"instanceId\":\"i-1\""));
	g_assert_nonnull (strstr (answer, "\"strategy\":\"good\""));
	log = artemis_test_daemon_get_log (daemon);
	assert_line (log, "*WARNING*Skipping plugin */wrong-version.so: built for plugin API version *");
	assert_line (log, "*WARNING*Skipping plugin */no-symbol.so: "
			  "does not export artemis_plugin_query_type()");
	plugin_fixtures_remove_dir (dir);
}

/* ---- out of tree ------------------------------------------------------- */

typedef struct {
	char *destdir;
	char *libdir;  /* the installed library directory, inside destdir */
	char *sbindir; /* likewise */
} Install;

static void
install_clear (Install *install)
{
	if (install->destdir != NULL)
		plugin_fixtures_remove_dir (install->destdir);
	g_free (install->destdir);
	g_free (install->libdir);
	g_free (install->sbindir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Install, install_clear)

/* `meson install --destdir`: the package as a stranger gets it. */
static gboolean
install_build (Install *install)
{
	const char *build_root = g_getenv ("ARTEMIS_BUILD_ROOT");
	g_autofree char *meson = g_find_program_in_path ("meson");
	g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	g_autoptr (GError) error = NULL;

	if (meson == NULL || build_root == NULL) {
		g_test_skip ("needs meson and ARTEMIS_BUILD_ROOT (run through meson test)");
		return FALSE;
	}
	install->destdir = g_dir_make_tmp ("artemis-destdir-XXXXXX", &error);
	g_assert_no_error (error);
	install->libdir = g_build_filename (install->destdir, g_getenv ("ARTEMIS_INSTALLED_LIBDIR"), NULL);
	install->sbindir = g_build_filename (install->destdir, g_getenv ("ARTEMIS_INSTALLED_SBINDIR"), NULL);
	{
		const char *argv[] = { meson, "install", "-C", build_root, "--no-rebuild",
				       "--destdir", install->destdir, NULL };

		g_free (run (launcher, argv, NULL));
	}
	return TRUE;
}

static char *
pkg_config (GSubprocessLauncher *launcher, const char *pkg_config_path, const char *what)
{
	g_auto (GStrv) args = g_strsplit (what, " ", -1);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();

	g_ptr_array_add (argv, (gpointer) pkg_config_path);
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add (argv, args[i]);
	g_ptr_array_add (argv, (gpointer) "artemis-1");
	g_ptr_array_add (argv, NULL);
	return run (launcher, (const char *const *) argv->pdata, NULL);
}

/* Compiles tests/out-of-tree-plugin with only what pkg-config says; returns the plugin directory. */
static char *
build_out_of_tree_plugin (const Install *install, const char *cc, const char *pkg_config_path)
{
	g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	g_autofree char *pc_dir = g_build_filename (install->libdir, "pkgconfig", NULL);
	g_autofree char *source =
		g_test_build_filename (G_TEST_DIST, "out-of-tree-plugin", "strategy-lowest-id.c", NULL);
	g_autofree char *raw_prefix = NULL;
	g_autofree char *prefix = NULL;
	g_autofree char *raw_plugindir = NULL;
	g_autofree char *plugindir = NULL;
	g_autofree char *flags = NULL;
	g_autofree char *module = NULL;
	g_auto (GStrv) flag_argv = NULL;
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();

	/* The installed .pc alone: nothing of the build tree or the system's own Artemis. */
	g_subprocess_launcher_setenv (launcher, "PKG_CONFIG_PATH", pc_dir, TRUE);
	g_subprocess_launcher_unsetenv (launcher, "PKG_CONFIG_SYSROOT_DIR");
	raw_prefix = pkg_config (launcher, pkg_config_path, "--variable=prefix");
	prefix = g_canonicalize_filename (raw_prefix, NULL);
	if (!g_str_has_prefix (prefix, install->destdir)) {
		g_test_skip ("artemis-1.pc is not relocatable: this build directory predates "
			     "pkgconfig.relocatable=true (meson configure -Dpkgconfig.relocatable=true)");
		return NULL;
	}
	raw_plugindir = pkg_config (launcher, pkg_config_path, "--variable=plugindir");
	plugindir = g_canonicalize_filename (raw_plugindir, NULL);
	flags = pkg_config (launcher, pkg_config_path, "--cflags --libs");
	g_assert_null (strstr (flags, g_getenv ("ARTEMIS_BUILD_ROOT")));
	g_assert_true (g_shell_parse_argv (flags, NULL, &flag_argv, NULL));
	g_assert_cmpint (g_mkdir_with_parents (plugindir, 0755), ==, 0);
	module = g_build_filename (plugindir, "strategy-lowest-id.so", NULL);

	g_ptr_array_add (argv, (gpointer) cc);
	g_ptr_array_add (argv, (gpointer) "-shared");
	g_ptr_array_add (argv, (gpointer) "-fPIC");
	g_ptr_array_add (argv, (gpointer) "-o");
	g_ptr_array_add (argv, module);
	g_ptr_array_add (argv, source);
	for (guint i = 0; flag_argv[i] != NULL; i++)
		g_ptr_array_add (argv, flag_argv[i]);
	g_ptr_array_add (argv, NULL);
	g_free (run (launcher, (const char *const *) argv->pdata, NULL));
	/* Whatever the umask: the loader refuses group-writable files. */
	g_assert_cmpint (g_chmod (module, 0644), ==, 0);
	return g_steal_pointer (&plugindir);
}

static void
test_out_of_tree (void)
{
	g_auto (Install) install = { NULL };
	g_autofree char *cc = g_find_program_in_path ("cc");
	g_autofree char *pkg_config_path = g_find_program_in_path ("pkg-config");
	g_autofree char *plugindir = NULL;
	g_autofree char *artemisd = NULL;
	g_autofree char *config = NULL;
	g_autofree char *answer = NULL;
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	const char *ids[] = { "i-b", "i-c", "i-a", "i-d", NULL };

	if (cc == NULL || pkg_config_path == NULL) {
		g_test_skip ("needs cc and pkg-config");
		return;
	}
	if (!install_build (&install))
		return;
	plugindir = build_out_of_tree_plugin (&install, cc, pkg_config_path);
	if (plugindir == NULL)
		return;

	/* The installed daemon, its library and its plugins; none of the build tree's. */
	artemisd = g_build_filename (install.sbindir, "artemisd", NULL);
	set_environment ("ARTEMISD", artemisd);
	set_environment ("LD_LIBRARY_PATH", install.libdir);
	set_environment ("ARTEMIS_PLUGIN_DIR", NULL);
	config = g_strdup_printf (DEPLOYMENT "[server]\nplugin-dirs=%s\n"
				  "[discovery]\ndefault-route-strategy=lowest-id\n",
				  plugindir);
	daemon = start_daemon (config);
	restore_environment ();

	register_instances (artemis_test_daemon_get_port (daemon), ids);
	answer = post (artemis_test_daemon_get_port (daemon), "/api/discovery/route.json",
		       "{'count':3,'discoveryConfig':{'serviceId':'demo.hello'},"
		       "'regionId':'SHA','zoneId':'SHA-Z1'}");
	g_assert_nonnull (strstr (answer, "\"routeId\":\"default-route-rule\",\"strategy\":\"lowest-id\"}"));
	g_assert_cmpuint (count_occurrences (answer, "\"instanceId\":\"i-a\""), ==, 3);
	g_assert_null (strstr (answer, "\"instanceId\":\"i-b\""));
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	if (artemis_test_daemon_get_path () == NULL) {
		g_printerr ("artemisd not found: set ARTEMISD (meson test does)\n");
		return 77;
	}
	g_test_add_func ("/artemis/plugins-e2e/filter-order", test_filter_order);
	g_test_add_func ("/artemis/plugins-e2e/list-plugins", test_list_plugins);
	g_test_add_func ("/artemis/plugins-e2e/bad-plugins-still-serve", test_bad_plugins_still_serve);
	g_test_add_data_func ("/artemis/plugins-e2e/world-writable-directory", GUINT_TO_POINTER (0777),
			      test_untrusted_directory);
	g_test_add_data_func ("/artemis/plugins-e2e/group-writable-directory", GUINT_TO_POINTER (0770),
			      test_untrusted_directory);
	g_test_add_func ("/artemis/plugins-e2e/out-of-tree", test_out_of_tree);

	return g_test_run ();
}
