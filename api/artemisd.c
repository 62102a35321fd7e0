/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>

#include "artemis-daemon.h"
#include "artemis-dbus.h"
#include "artemis-systemd.h"

#define DEFAULT_CONFIG_FILE ARTEMIS_SYSCONFDIR "/artemis/artemisd.conf"
/* How long a stop waits for WebSocket close handshakes and answers in flight. */
#define DRAIN_TIMEOUT_MS 5000

typedef struct {
	char *config_file;
	int port;
	char *bind_address;
	char *data_dir;
	char **plugin_dirs;
	gboolean version;
	gboolean list_plugins;
	gboolean session_bus;
	gboolean no_dbus;
} Options;

static void
options_clear (Options *options)
{
	g_free (options->config_file);
	g_free (options->bind_address);
	g_free (options->data_dir);
	g_strfreev (options->plugin_dirs);
}

static gboolean
parse_options (int *argc, char ***argv, Options *options, GError **error)
{
	/* TRANSLATORS: --config; %s is the file read without it */
	g_autofree char *config_help = g_strdup_printf (_("Configuration file (default %s)"), DEFAULT_CONFIG_FILE);
	const GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &options->config_file, config_help, N_("FILE") },
		{ "port", 'p', 0, G_OPTION_ARG_INT, &options->port, N_("TCP port to listen on (0: any free port)"),
		  N_("PORT") },
		{ "bind", 'b', 0, G_OPTION_ARG_STRING, &options->bind_address, N_("Address to listen on"),
		  N_("ADDRESS") },
		{ "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &options->data_dir, N_("Directory for persistent state"),
		  N_("DIR") },
		{ "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->plugin_dirs,
		  N_("Extra plugin directory (repeatable)"), N_("DIR") },
		{ "session-bus", 0, 0, G_OPTION_ARG_NONE, &options->session_bus,
		  N_("Export the D-Bus interface on the session bus instead of the system bus"), NULL },
		{ "no-dbus", 0, 0, G_OPTION_ARG_NONE, &options->no_dbus,
		  N_("Do not use D-Bus (overrides [dbus] enabled)"), NULL },
		{ "list-plugins", 0, 0, G_OPTION_ARG_NONE, &options->list_plugins,
		  N_("List the plugins found, loaded, disabled and skipped (and why), and exit"), NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &options->version, N_("Print the version and exit"), NULL },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = g_option_context_new (NULL);

	g_option_context_set_summary (context, _("Artemis service registry daemon."));
	g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
	return g_option_context_parse (context, argc, argv, error);
}

static ArtemisConfig *
load_config (const Options *options, GError **error)
{
	g_autoptr (ArtemisConfig) config = artemis_config_new ();
	const char *path = options->config_file != NULL ? options->config_file : DEFAULT_CONFIG_FILE;

	if (options->config_file != NULL || g_file_test (path, G_FILE_TEST_EXISTS)) {
		if (!artemis_config_load_file (config, path, error))
			return NULL;
	} else {
		g_message ("No configuration file at %s, using defaults", path);
	}
	/* Command-line options override the file. */
	if (options->port >= 0) {
		config->port = options->port;
	}
	if (options->bind_address != NULL) {
		g_free (config->bind_address);
		config->bind_address = g_strdup (options->bind_address);
	}
	if (options->data_dir != NULL) {
		g_free (config->data_dir);
		config->data_dir = g_strdup (options->data_dir);
	}
	if (*config->data_dir == '\0') {
		g_free (config->data_dir);
		config->data_dir = g_strdup (ARTEMIS_LOCALSTATEDIR "/lib/artemis");
	}
	if (options->plugin_dirs != NULL) {
		g_strfreev (config->plugin_dirs);
		config->plugin_dirs = g_strdupv (options->plugin_dirs);
	}
	if (options->no_dbus)
		config->dbus_enabled = FALSE;
	return g_steal_pointer (&config);
}

static gboolean
ensure_data_dir (const char *path, GError **error)
{
	if (g_mkdir_with_parents (path, 0750) != 0) {
		int saved_errno = errno;

		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
			     _("Cannot create data directory %s: %s"), path, g_strerror (saved_errno));
		return FALSE;
	}
	if (g_access (path, W_OK) != 0) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, _("Data directory %s is not writable"),
			     path);
		return FALSE;
	}
	return TRUE;
}

/* What the signal handlers act on. */
typedef struct {
	const Options *options;
	ArtemisDaemon *daemon;
	GMainLoop *loop;
	gboolean stopping;
} Running;

/* SIGHUP: the file and command line again; what can change live does (docs/operations.md). */
static gboolean
on_reload_signal (gpointer user_data)
{
	Running *running = user_data;
	g_autoptr (ArtemisConfig) config = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *state =
		g_strdup_printf ("RELOADING=1\nMONOTONIC_USEC=%" G_GINT64_FORMAT, g_get_monotonic_time ());

	artemis_systemd_notify_or_warn (state);
	g_message ("Reloading the configuration");
	config = load_config (running->options, &error);
	if (config == NULL)
		g_warning ("Reload failed, the running configuration stays: %s", error->message);
	else
		artemis_daemon_reload (running->daemon, config);
	artemis_systemd_notify_or_warn ("READY=1");
	return G_SOURCE_CONTINUE;
}

static void
on_drained (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Running *running = user_data;

	if (artemis_daemon_drain_finish (running->daemon, result))
		g_message ("Stopped");
	else
		g_message ("Stopped after %u ms with work still in flight", DRAIN_TIMEOUT_MS);
	g_main_loop_quit (running->loop);
}

/* SIGTERM, SIGINT: drain, then exit 0; a second one while draining exits at once. */
static gboolean
on_stop_signal (gpointer user_data)
{
	Running *running = user_data;

	if (running->stopping) {
		g_message ("Stopping now");
		g_main_loop_quit (running->loop);
		return G_SOURCE_CONTINUE;
	}
	running->stopping = TRUE;
	g_message ("Stopping");
	artemis_systemd_notify_or_warn ("STOPPING=1");
	artemis_daemon_drain_async (running->daemon, DRAIN_TIMEOUT_MS, on_drained, running);
	return G_SOURCE_CONTINUE;
}

/* --list-plugins: what the loader makes of the configured directories, without setting anything up. */
static int
list_plugins (const ArtemisConfig *config)
{
	g_autoptr (ArtemisPluginLoader) loader = artemis_plugin_loader_new_for_config (config);
	g_autofree char *text = NULL;

	artemis_plugin_loader_scan (loader);
	text = artemis_plugin_loader_describe (loader);
	g_print ("%s", text);
	return EXIT_SUCCESS;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static int
run (int argc, char **argv)
{
	g_auto (Options) options = { .port = -1 };
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisDaemon) daemon = NULL;
	g_autoptr (ArtemisDbus) dbus = NULL;
	g_autoptr (GMainLoop) loop = NULL;
	g_autofree char *status = NULL;
	ArtemisConfig *config;
	Running running = { &options };

	if (!parse_options (&argc, &argv, &options, &error)) {
		g_printerr ("artemisd: %s\n", error->message);
		return EXIT_FAILURE;
	}
	if (options.version) {
		g_print ("artemisd %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	config = load_config (&options, &error);
	if (config != NULL && options.list_plugins) {
		int exit_status = list_plugins (config);

		artemis_config_free (config);
		return exit_status;
	}
	if (config == NULL || !ensure_data_dir (config->data_dir, &error)) {
		g_printerr ("artemisd: %s\n", error->message);
		artemis_config_free (config);
		return EXIT_FAILURE;
	}
	g_log_set_debug_enabled (config->log_debug);

	daemon = artemis_daemon_new (config);
	if (!artemis_daemon_start (daemon, &error)) {
		g_printerr ("artemisd: %s\n", error->message);
		return EXIT_FAILURE;
	}
	g_message ("Listening on port %u, node %s (region %s, zone %s), data in %s",
		   artemis_daemon_get_port (daemon), artemis_daemon_get_url (daemon), config->region_id,
		   config->zone_id, config->data_dir);

	if (config->dbus_enabled) {
		dbus = artemis_dbus_new (artemis_daemon_get_registry (daemon), artemis_daemon_get_management (daemon),
					 artemis_daemon_get_ws_hub (daemon));
		artemis_dbus_start (dbus, options.session_bus ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM);
	}

	loop = g_main_loop_new (NULL, FALSE);
	running.daemon = daemon;
	running.loop = loop;
	g_unix_signal_add (SIGTERM, on_stop_signal, &running);
	g_unix_signal_add (SIGINT, on_stop_signal, &running);
	g_unix_signal_add (SIGHUP, on_reload_signal, &running);
	status = g_strdup_printf ("READY=1\nSTATUS=Serving on port %u", artemis_daemon_get_port (daemon));
	artemis_systemd_notify_or_warn (status);
	g_main_loop_run (loop);
	return EXIT_SUCCESS;
}

int
main (int argc, char **argv)
{
	/* A build tree's translations (build/po), where the installed ones are not. */
	const char *localedir = g_getenv ("ARTEMIS_LOCALEDIR");

	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	return run (argc, argv);
}
