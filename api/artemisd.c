/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "artemis-daemon.h"

#define DEFAULT_CONFIG_FILE ARTEMIS_SYSCONFDIR "/artemis/artemisd.conf"

typedef struct {
	char *config_file;
	char *port;
	char *bind_address;
	char *data_dir;
	char **plugin_dirs;
	gboolean version;
	gboolean list_plugins;
} Options;

static void
options_clear (Options *options)
{
	g_free (options->config_file);
	g_free (options->port);
	g_free (options->bind_address);
	g_free (options->data_dir);
	g_strfreev (options->plugin_dirs);
}

static gboolean
parse_options (int *argc, char ***argv, Options *options, GError **error)
{
	const GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &options->config_file,
		  /* TRANSLATORS: --config */
		  N_("Configuration file (default " DEFAULT_CONFIG_FILE ")"), N_("FILE") },
		{ "port", 'p', 0, G_OPTION_ARG_STRING, &options->port, N_("TCP port to listen on (0: any free port)"),
		  N_("PORT") },
		{ "bind", 'b', 0, G_OPTION_ARG_STRING, &options->bind_address, N_("Address to listen on"),
		  N_("ADDRESS") },
		{ "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &options->data_dir, N_("Directory for persistent state"),
		  N_("DIR") },
		{ "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->plugin_dirs,
		  N_("Extra plugin directory (repeatable)"), N_("DIR") },
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
	if (options->port != NULL) {
		guint64 port;
		g_autoptr (GError) local_error = NULL;

		/* GOption's integers would take 99999 (and listen on 99999 mod 65536) or -1 (the default). */
		if (!g_ascii_string_to_unsigned (options->port, 10, 0, 65535, &port, &local_error)) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
				     /* TRANSLATORS: --port VALUE: reason */
				     _("--port %s: %s"), options->port, local_error->message);
			return NULL;
		}
		config->port = port;
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

/*
 * The one line a failed start leaves: on stderr, or, when stderr is the
 * journal (systemd), as an error-priority record with its fields. Not through
 * g_critical(): G_DEBUG=fatal-criticals would turn it into a crash.
 */
static void
report_startup_error (const GError *error)
{
	g_autofree char *message = g_strdup_printf ("artemisd: %s", error->message);
	const GLogField fields[] = {
		{ "MESSAGE", message, -1 },
		{ "PRIORITY", "3", -1 },
		{ "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
		{ "ARTEMIS_OPERATION", "start", -1 },
	};

	if (g_log_writer_is_journald (fileno (stderr)) &&
	    g_log_writer_journald (G_LOG_LEVEL_CRITICAL, fields, G_N_ELEMENTS (fields), NULL) == G_LOG_WRITER_HANDLED)
		return;
	g_printerr ("%s\n", message);
}

static gboolean
on_quit_signal (gpointer user_data)
{
	g_message ("Stopping");
	g_main_loop_quit (user_data);
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

static int
run (int argc, char **argv)
{
	Options options = { NULL };
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisDaemon) daemon = NULL;
	g_autoptr (GMainLoop) loop = NULL;
	ArtemisConfig *config;

	if (!parse_options (&argc, &argv, &options, &error)) {
		report_startup_error (error);
		options_clear (&options);
		return EXIT_FAILURE;
	}
	if (options.version) {
		g_print ("artemisd %s\n", PACKAGE_VERSION);
		options_clear (&options);
		return EXIT_SUCCESS;
	}
	config = load_config (&options, &error);
	options_clear (&options);
	if (config != NULL && options.list_plugins) {
		int status = list_plugins (config);

		artemis_config_free (config);
		return status;
	}
	if (config == NULL || !ensure_data_dir (config->data_dir, &error)) {
		report_startup_error (error);
		artemis_config_free (config);
		return EXIT_FAILURE;
	}

	daemon = artemis_daemon_new (config);
	if (!artemis_daemon_start (daemon, &error)) {
		report_startup_error (error);
		return EXIT_FAILURE;
	}
	g_message ("Listening on port %u, node %s (region %s, zone %s), data in %s",
		   artemis_daemon_get_port (daemon), artemis_daemon_get_url (daemon), config->region_id,
		   config->zone_id, config->data_dir);

	loop = g_main_loop_new (NULL, FALSE);
	g_unix_signal_add (SIGTERM, on_quit_signal, loop);
	g_unix_signal_add (SIGINT, on_quit_signal, loop);
	g_main_loop_run (loop);
	return EXIT_SUCCESS;
}

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	return run (argc, argv);
}
