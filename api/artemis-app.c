/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>

#include "artemis-app.h"

/* The first non-loopback IPv4 address of this host, or 127.0.0.1. */
static char *
guess_host_address (void)
{
	struct ifaddrs *addrs = NULL;
	char *result = NULL;

	if (getifaddrs (&addrs) != 0)
		return g_strdup ("127.0.0.1");
	for (struct ifaddrs *a = addrs; a != NULL && result == NULL; a = a->ifa_next) {
		g_autoptr (GSocketAddress) address = NULL;

		if (a->ifa_addr == NULL || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		address = g_socket_address_new_from_native (a->ifa_addr, sizeof (struct sockaddr_in));
		if (address != NULL)
			result = g_inet_address_to_string (
				g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
	}
	freeifaddrs (addrs);
	return result != NULL ? result : g_strdup ("127.0.0.1");
}

static char *
derive_node_url (const ArtemisConfig *config, guint port)
{
	g_autofree char *host = NULL;
	g_autofree char *context = g_strstrip (g_strdup (config->context_path));

	if (config->node_url != NULL && *config->node_url != '\0')
		return g_strdup (config->node_url);
	host = (config->bind_address != NULL && *config->bind_address != '\0' &&
		g_strcmp0 (config->bind_address, "0.0.0.0") != 0 && g_strcmp0 (config->bind_address, "::") != 0)
		       ? g_strdup (config->bind_address)
		       : guess_host_address ();
	while (*context == '/')
		memmove (context, context + 1, strlen (context));
	if (*context == '\0')
		return g_strdup_printf ("http://%s:%u/", host, port);
	return g_strdup_printf ("http://%s:%u/%s%s", host, port, context,
				g_str_has_suffix (context, "/") ? "" : "/");
}

/*
 * Loads the plugins the configuration enables and puts them to work: the
 * filters into the discovery chain in the configured order, the strategies
 * into the router. Bad plugins are logged and left out.
 */
static void
load_plugins (ArtemisApp *app)
{
	const ArtemisConfig *config = app->config;
	g_autoptr (GPtrArray) filters = NULL;
	g_autoptr (GPtrArray) strategies = NULL;

	app->plugins = artemis_plugin_loader_new_for_config (config);
	artemis_plugin_loader_scan (app->plugins);
	artemis_plugin_loader_setup (app->plugins, config->plugin_settings);

	filters = artemis_plugin_loader_get_filter_chain (app->plugins,
							 (const char *const *) config->plugins_filters);
	for (guint i = 0; i < filters->len; i++)
		artemis_discovery_add_filter (app->discovery, g_ptr_array_index (filters, i));
	strategies = artemis_plugin_loader_get_plugins_of_kind (app->plugins, ARTEMIS_PLUGIN_KIND_ROUTE_STRATEGY);
	for (guint i = 0; i < strategies->len; i++)
		artemis_router_add_strategy (app->router, g_ptr_array_index (strategies, i));
}

/* Spec §4.5 step 2: a `new` or `change` of an instance down by management is not pushed. */
static gboolean
is_pushed (ArtemisChange *change, gpointer user_data)
{
	if (change->type != ARTEMIS_CHANGE_NEW && change->type != ARTEMIS_CHANGE_CHANGE)
		return TRUE;
	return !artemis_management_is_instance_down (user_data, change->instance);
}

ArtemisApp *
artemis_app_new (ArtemisConfig *config)
{
	ArtemisApp *app = g_new0 (ArtemisApp, 1);
	g_autofree char *url = derive_node_url (config, config->port);

	app->config = config;
	app->change_log = artemis_change_log_new (config->change_buffer_size);
	app->node = artemis_node_new (config, url);
	app->registry = artemis_registry_new (config, app->node, app->change_log);
	app->discovery = artemis_discovery_new (app->registry);
	app->versioned_cache = artemis_versioned_cache_new (app->discovery, config);
	app->router = artemis_router_new (app->discovery, config->default_route_strategy);
	app->management = artemis_management_new (app->registry);
	artemis_discovery_set_management (app->discovery, app->management);
	load_plugins (app);
	app->server = artemis_server_new (config);
	app->ws_hub = artemis_ws_hub_new (config, app->registry);
	artemis_ws_hub_set_change_filter (app->ws_hub, is_pushed, g_object_ref (app->management), g_object_unref);
	artemis_api_registry_add_routes (app);
	artemis_api_discovery_add_routes (app);
	artemis_api_status_add_routes (app);
	artemis_api_route_add_routes (app);
	artemis_api_management_add_routes (app);
	artemis_api_zone_add_routes (app);
	artemis_api_log_add_routes (app);
	artemis_api_group_add_routes (app);
	artemis_api_canary_add_routes (app);
	artemis_api_websocket_add_routes (app);
	return app;
}

void
artemis_app_free (ArtemisApp *app)
{
	if (app == NULL)
		return;
	/* Sessions first: their handlers point into the server's routes. */
	g_clear_object (&app->ws_hub);
	g_clear_object (&app->server);
	/* Finishes queued writes and closes the store, even while a reply holds it, before its plugin shuts down. */
	if (app->storage != NULL)
		artemis_storage_close (app->storage);
	g_clear_object (&app->storage);
	g_clear_object (&app->router);
	g_clear_object (&app->plugins);
	g_clear_object (&app->versioned_cache);
	g_clear_object (&app->discovery);
	g_clear_object (&app->management);
	g_clear_object (&app->registry);
	g_clear_object (&app->node);
	g_clear_object (&app->change_log);
	artemis_config_free (app->config);
	g_free (app);
}

/* The storage backend plugin `storage-NAME` the configuration names, or NULL saying why not. */
static ArtemisStorageBackend *
find_storage_backend (ArtemisApp *app, GError **error)
{
	g_autofree char *name = g_strconcat ("storage-", app->config->storage_backend, NULL);
	g_autoptr (GPtrArray) backends =
		artemis_plugin_loader_get_plugins_of_kind (app->plugins, ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND);
	GPtrArray *infos = artemis_plugin_loader_get_infos (app->plugins);
	const char *reason = _("no such plugin in the plugin directories");

	for (guint i = 0; i < backends->len; i++) {
		ArtemisPlugin *plugin = g_ptr_array_index (backends, i);

		if (g_str_equal (artemis_plugin_get_name (plugin), name))
			return ARTEMIS_STORAGE_BACKEND (plugin);
	}
	for (guint i = 0; i < infos->len; i++) {
		const ArtemisPluginInfo *info = g_ptr_array_index (infos, i);

		if (g_str_equal (info->name, name) && info->reason != NULL)
			reason = info->reason;
	}
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
		     /* TRANSLATORS: [storage] backend=NAME, its plugin, and why it cannot be used */
		     _("Storage backend “%s” ([storage] backend) is not available: plugin %s: %s"),
		     app->config->storage_backend, name, reason);
	return NULL;
}

/* Management state is loaded before anything is served, from a store that must work. */
static gboolean
start_storage (ArtemisApp *app, GError **error)
{
	ArtemisStorageBackend *backend = find_storage_backend (app, error);

	if (backend == NULL)
		return FALSE;
	app->storage = artemis_storage_new (backend, app->management);
	if (!artemis_storage_open (app->storage, app->config->data_dir, error)) {
		g_prefix_error (error, _("Cannot use the management database: "));
		return FALSE;
	}
	artemis_storage_start_polling (app->storage, app->config->storage_poll_interval_ms);
	return TRUE;
}

gboolean
artemis_app_start (ArtemisApp *app, GError **error)
{
	guint port;

	if (!start_storage (app, error))
		return FALSE;
	if (!artemis_server_listen (app->server, app->config->bind_address, app->config->port, error)) {
		g_prefix_error (error, _("Cannot listen: "));
		return FALSE;
	}
	/* With port 0 the node URL is only known now. */
	port = artemis_server_get_port (app->server);
	if (port != app->config->port) {
		g_autofree char *url = derive_node_url (app->config, port);

		artemis_node_set_url (app->node, url);
	}
	artemis_registry_start (app->registry);
	artemis_versioned_cache_start (app->versioned_cache);
	artemis_ws_hub_start (app->ws_hub);
	return TRUE;
}

char *
artemis_app_get_base_url (ArtemisApp *app)
{
	return g_strdup (artemis_node_get_url (app->node));
}
