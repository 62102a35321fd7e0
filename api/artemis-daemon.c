/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <ifaddrs.h>
#include <string.h>
#include <sys/file.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include "artemis-access.h"
#include "artemis-daemon.h"
#include "artemis-drain.h"
#include "artemis-peer-poller.h"
#include "artemis-reload.h"

struct _ArtemisDaemon {
	GObject parent_instance;

	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisChangeLog *change_log;
	ArtemisRegistry *registry;
	ArtemisDiscovery *discovery;
	ArtemisVersionedCache *versioned_cache;
	/* What operators pulled out, and the store it persists in (from start). */
	ArtemisManagement *management;
	ArtemisStorage *storage;
	/* The plugins ([plugins] in the configuration) and what routes with them. */
	ArtemisPluginLoader *plugins;
	ArtemisRouter *router;
	ArtemisServer *server;
	/* The WebSocket sessions and the push of registry changes to them. */
	ArtemisWsHub *ws_hub;
	/* Why the configured plugins cannot run, found while loading them; start() reports it. */
	GError *plugin_error;
	/* What /metrics exposes: counted from start, per request and per commit. */
	ArtemisMetrics *metrics;
	/* Who may write, and how often some may call (from start). */
	ArtemisAccess *access;
	ArtemisRateLimits *rate_limits;
	/* The open, flock()ed artemisd.lock of the data directory, or -1. */
	int lock_fd;
	/* The other nodes: who they are, how they are, and what this node sends them. */
	ArtemisCluster *cluster;
	ArtemisReplicationContext *replication_context;
	ArtemisPeerPoller *peer_poller;
	ArtemisNodeStartup *startup;
};

G_DEFINE_FINAL_TYPE (ArtemisDaemon, artemis_daemon, G_TYPE_OBJECT)

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
 * into the router. Bad plugin files are logged and left out, but a filter or
 * default strategy the configuration names and cannot have stops the node:
 * serving without it would serve something else than what was asked for.
 */
static gboolean
load_plugins (ArtemisDaemon *self, GError **error)
{
	const ArtemisConfig *config = self->config;
	g_autoptr (GPtrArray) filters = NULL;
	g_autoptr (GPtrArray) strategies = NULL;

	self->plugins = artemis_plugin_loader_new_for_config (config);
	artemis_plugin_loader_set_replication_context (self->plugins, self->replication_context);
	artemis_plugin_loader_scan (self->plugins);
	artemis_plugin_loader_setup (self->plugins, config->plugin_settings);

	filters = artemis_plugin_loader_get_filter_chain (self->plugins,
							 (const char *const *) config->plugins_filters, error);
	if (filters == NULL)
		return FALSE;
	for (guint i = 0; i < filters->len; i++)
		artemis_discovery_add_filter (self->discovery, g_ptr_array_index (filters, i));
	strategies = artemis_plugin_loader_get_plugins_of_kind (self->plugins, ARTEMIS_PLUGIN_KIND_ROUTE_STRATEGY);
	for (guint i = 0; i < strategies->len; i++)
		artemis_router_add_strategy (self->router, g_ptr_array_index (strategies, i));
	if (artemis_router_find_strategy (self->router, config->default_route_strategy) == NULL) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
			     /* TRANSLATORS: the strategy named by [discovery] default-route-strategy */
			     _("[discovery] default-route-strategy: no loaded strategy plugin serves “%s”"),
			     config->default_route_strategy);
		return FALSE;
	}
	return TRUE;
}

/* Protocol §4.5 step 2: a `new` or `change` of an instance down by management is not pushed. */
static gboolean
is_pushed (ArtemisChange *change, gpointer user_data)
{
	if (change->type != ARTEMIS_CHANGE_NEW && change->type != ARTEMIS_CHANGE_CHANGE)
		return TRUE;
	return !artemis_management_is_instance_down (user_data, change->instance);
}

ArtemisDaemon *
artemis_daemon_new (ArtemisConfig *config)
{
	ArtemisDaemon *self = g_object_new (ARTEMIS_TYPE_DAEMON, NULL);
	g_autofree char *url = derive_node_url (config, config->port);

	self->config = config;
	self->change_log = artemis_change_log_new (config->change_buffer_size);
	self->node = artemis_node_new (config, url);
	self->cluster = artemis_cluster_new (self->node);
	self->replication_context = artemis_cluster_replication_context_new (self->cluster);
	self->registry = artemis_registry_new (config, self->node, self->change_log);
	self->discovery = artemis_discovery_new (self->registry);
	self->versioned_cache = artemis_versioned_cache_new (self->discovery, config);
	self->router = artemis_router_new (self->discovery, config->default_route_strategy);
	self->management = artemis_management_new (self->registry);
	artemis_management_set_max_batch_size (self->management, config->max_batch_size);
	artemis_discovery_set_management (self->discovery, self->management);
	load_plugins (self, &self->plugin_error);
	self->server = artemis_server_new (config);
	artemis_server_set_cors_origins (self->server, (const char *const *) config->security_cors_origins);
	self->metrics = artemis_metrics_new ();
	artemis_server_set_request_observer (self->server, artemis_metrics_observe_request, self->metrics);
	self->ws_hub = artemis_ws_hub_new (config, self->registry);
	artemis_ws_hub_set_change_filter (self->ws_hub, is_pushed, g_object_ref (self->management), g_object_unref);
	return self;
}

static void
artemis_daemon_dispose (GObject *object)
{
	ArtemisDaemon *self = ARTEMIS_DAEMON (object);

	if (self->peer_poller != NULL)
		artemis_peer_poller_stop (self->peer_poller);
	g_clear_object (&self->peer_poller);
	g_clear_object (&self->startup);
	/* Sessions first: their handlers point into the server's routes. */
	g_clear_object (&self->ws_hub);
	g_clear_object (&self->server);
	g_clear_object (&self->access);
	g_clear_object (&self->rate_limits);
	/* Finishes queued writes and closes the store, even while a reply holds it, before its plugin shuts down. */
	if (self->storage != NULL) {
		artemis_write_queue_set_store (artemis_management_get_write_queue (self->management), NULL);
		artemis_storage_close (self->storage);
	}
	g_clear_object (&self->storage);
	g_clear_object (&self->router);
	g_clear_object (&self->plugins);
	g_clear_object (&self->versioned_cache);
	g_clear_object (&self->discovery);
	g_clear_object (&self->management);
	g_clear_object (&self->registry);
	g_clear_object (&self->replication_context);
	g_clear_object (&self->cluster);
	g_clear_object (&self->node);
	g_clear_object (&self->change_log);
	/* After the store: closing it finishes commits, which the metrics observe. */
	g_clear_object (&self->metrics);
	G_OBJECT_CLASS (artemis_daemon_parent_class)->dispose (object);
}

static void
artemis_daemon_finalize (GObject *object)
{
	ArtemisDaemon *self = ARTEMIS_DAEMON (object);

	/* Last: the lock stays until the store is closed. */
	if (self->lock_fd >= 0)
		close (self->lock_fd);
	g_clear_error (&self->plugin_error);
	artemis_config_free (self->config);
	G_OBJECT_CLASS (artemis_daemon_parent_class)->finalize (object);
}

static void
artemis_daemon_class_init (ArtemisDaemonClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_daemon_dispose;
	object_class->finalize = artemis_daemon_finalize;
}

static void
artemis_daemon_init (ArtemisDaemon *self)
{
	self->lock_fd = -1;
}

/*
 * One node per data directory: two would each believe their own view of the
 * store. The lock is an flock() on `artemisd.lock`, which holds the pid of
 * its owner; the kernel drops it when the process dies, however it dies.
 */
static gboolean
lock_data_dir (ArtemisDaemon *self, GError **error)
{
	g_autofree char *path = g_build_filename (self->config->data_dir, "artemisd.lock", NULL);
	g_autofree char *pid = NULL;
	int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	int saved_errno;

	if (fd < 0) {
		saved_errno = errno;
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), _("Cannot open %s: %s"), path,
			     g_strerror (saved_errno));
		return FALSE;
	}
	if (flock (fd, LOCK_EX | LOCK_NB) != 0) {
		char holder[32] = "";
		gssize len;

		saved_errno = errno;
		len = pread (fd, holder, sizeof holder - 1, 0);
		close (fd);
		if (saved_errno != EWOULDBLOCK) {
			g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), _("Cannot lock %s: %s"),
				     path, g_strerror (saved_errno));
			return FALSE;
		}
		holder[MAX (len, 0)] = '\0';
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
			     /* TRANSLATORS: the data directory, and the process id of the artemisd using it */
			     _("Data directory %s is in use by another artemisd (pid %s)"), self->config->data_dir,
			     *g_strstrip (holder) != '\0' ? holder : "unknown");
		return FALSE;
	}
	pid = g_strdup_printf ("%d\n", (int) getpid ());
	if (ftruncate (fd, 0) != 0 || pwrite (fd, pid, strlen (pid), 0) != (gssize) strlen (pid)) {
		saved_errno = errno;
		close (fd);
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), _("Cannot write %s: %s"), path,
			     g_strerror (saved_errno));
		return FALSE;
	}
	self->lock_fd = fd;
	return TRUE;
}

/* The storage backend plugin `storage-NAME` the configuration names, or NULL saying why not. */
static ArtemisStorageBackend *
find_storage_backend (ArtemisDaemon *self, GError **error)
{
	g_autofree char *name = g_strconcat ("storage-", self->config->storage_backend, NULL);
	const char *reason;
	ArtemisPlugin *plugin = artemis_plugin_loader_find (self->plugins, ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND, name,
							    _("no such plugin in the plugin directories"), &reason);

	if (plugin != NULL)
		return ARTEMIS_STORAGE_BACKEND (plugin);
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
		     /* TRANSLATORS: [storage] backend=NAME, its plugin, and why it cannot be used */
		     _("Storage backend “%s” ([storage] backend) is not available: plugin %s: %s"),
		     self->config->storage_backend, name, reason);
	return NULL;
}

/* Management state is loaded before anything is served, from a store that must work. */
static gboolean
start_storage (ArtemisDaemon *self, GError **error)
{
	ArtemisStorageBackend *backend = find_storage_backend (self, error);

	if (backend == NULL)
		return FALSE;
	self->storage = artemis_storage_new (backend, self->management, error);
	if (self->storage == NULL)
		return FALSE;
	if (!artemis_storage_open (self->storage, self->config->data_dir, error)) {
		g_prefix_error (error, _("Cannot use the management database: "));
		return FALSE;
	}
	artemis_write_queue_set_store (artemis_management_get_write_queue (self->management),
				       ARTEMIS_STORE (self->storage));
	artemis_storage_set_commit_observer (self->storage, artemis_metrics_observe_commit, self->metrics);
	artemis_storage_start_polling (self->storage, self->config->storage_poll_interval_ms);
	return TRUE;
}

static gint64
registry_now (gpointer registry)
{
	return artemis_registry_now (registry);
}

/* The replicator plugin `[plugins] replicator` names, or NULL saying why not. */
static ArtemisReplicator *
find_replicator (ArtemisDaemon *self, GError **error)
{
	const char *reason;
	ArtemisPlugin *plugin =
		artemis_plugin_loader_find (self->plugins, ARTEMIS_PLUGIN_KIND_REPLICATOR, self->config->plugins_replicator,
					    _("no such replicator plugin in the plugin directories"), &reason);

	if (plugin != NULL)
		return ARTEMIS_REPLICATOR (plugin);
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
		     /* TRANSLATORS: [plugins] replicator=NAME, and why it cannot be used */
		     _("Replicator “%s” ([plugins] replicator), needed because [cluster] nodes lists other nodes, "
		       "is not available: %s"),
		     self->config->plugins_replicator, reason);
	return NULL;
}

/*
 * Membership once the node's URL is known (protocol §10.2); with other nodes,
 * their polling, the replication of client writes, and the start-up that
 * copies an up peer's registry when the node starts `starting`.
 */
static gboolean
start_cluster (ArtemisDaemon *self, GError **error)
{
	const ArtemisConfig *config = self->config;
	ArtemisReplicator *replicator = NULL;

	if (!artemis_cluster_configure (self->cluster, config->cluster_nodes, error))
		return FALSE;
	if (artemis_cluster_has_peers (self->cluster)) {
		replicator = find_replicator (self, error);
		if (replicator == NULL)
			return FALSE;
		artemis_registry_set_replicator (self->registry, replicator);
		self->peer_poller = artemis_peer_poller_new (self->cluster, config->status_interval_ms,
							     config->init_interval_ms, config->status_timeout_ms,
							     config->status_attempts);
		artemis_peer_poller_start (self->peer_poller);
	}
	self->startup = artemis_node_startup_new (self->cluster, self->registry, replicator, config->init_interval_ms,
						  config->start_timeout_ms);
	artemis_node_startup_start (self->startup);
	return TRUE;
}

/* Each API area gets the parts of the node it uses. */
static void
add_routes (ArtemisDaemon *self)
{
	ArtemisServer *server = self->server;

	artemis_api_registry_add_routes (server, self->registry, self->rate_limits);
	artemis_api_replication_add_routes (server, self->registry);
	artemis_api_cluster_add_routes (server, self->cluster, self->rate_limits);
	artemis_api_discovery_add_routes (server, self->config, self->discovery, self->versioned_cache);
	artemis_api_status_add_routes (server, self->config, self->cluster, self->registry, self->ws_hub,
				       self->rate_limits);
	artemis_api_route_add_routes (server, self->router);
	artemis_api_management_add_routes (server, self->management, self->discovery);
	artemis_api_zone_add_routes (server, self->management, self->storage);
	artemis_api_log_add_routes (server, self->storage);
	artemis_api_group_add_routes (server, self->management, self->rate_limits);
	artemis_api_canary_add_routes (server, self->management);
	artemis_api_websocket_add_routes (server, self->config, self->registry, self->ws_hub, self->rate_limits);
	artemis_api_health_add_routes (server, self->node, self->registry, self->storage, self->ws_hub, self->metrics);
}

gboolean
artemis_daemon_start (ArtemisDaemon *self, GError **error)
{
	g_autofree char *where = NULL;
	g_autofree char *description = NULL;
	guint port;

	g_return_val_if_fail (ARTEMIS_IS_DAEMON (self), FALSE);
	if (self->plugin_error != NULL) {
		g_propagate_error (error, g_steal_pointer (&self->plugin_error));
		return FALSE;
	}
	self->access = artemis_access_new (self->config, error);
	if (self->access == NULL)
		return FALSE;
	/* The registry's clock, so that tests that move it move the windows too. */
	self->rate_limits = artemis_rate_limits_new (self->config, registry_now, self->registry, error);
	if (self->rate_limits == NULL || !lock_data_dir (self, error) || !start_storage (self, error))
		return FALSE;
	artemis_metrics_add_collector (self->metrics, artemis_rate_limits_collect, g_object_ref (self->rate_limits),
				       g_object_unref);
	artemis_server_set_write_guard (self->server, artemis_access_check, g_object_ref (self->access),
					g_object_unref);
	add_routes (self);
	if (!artemis_ws_hub_start (self->ws_hub, error))
		return FALSE;
	if (!artemis_server_listen (self->server, self->config->bind_address, self->config->port, error)) {
		g_prefix_error (error, _("Cannot listen: "));
		return FALSE;
	}
	/* With port 0 the node URL is only known now. */
	port = artemis_server_get_port (self->server);
	if (port != self->config->port) {
		g_autofree char *url = derive_node_url (self->config, port);

		artemis_node_set_url (self->node, url);
	}
	where = g_strdup_printf (strchr (self->config->bind_address, ':') != NULL ? "[%s]:%u" : "%s:%u",
				 self->config->bind_address, port);
	description = artemis_access_describe (self->access, where);
	g_message ("%s", description);
	if (!start_cluster (self, error))
		return FALSE;
	artemis_registry_start (self->registry);
	artemis_versioned_cache_start (self->versioned_cache);
	return TRUE;
}

const ArtemisConfig *
artemis_daemon_get_config (ArtemisDaemon *self)
{
	return self->config;
}

guint
artemis_daemon_reload (ArtemisDaemon *self, const ArtemisConfig *new_config)
{
	g_return_val_if_fail (ARTEMIS_IS_DAEMON (self), 0);
	return artemis_reload_apply (self->config, new_config, self->server, self->ws_hub);
}

void
artemis_daemon_drain_async (ArtemisDaemon *self, guint timeout_ms, GAsyncReadyCallback callback,
			    gpointer user_data)
{
	g_return_if_fail (ARTEMIS_IS_DAEMON (self));
	artemis_drain_async (self->server, self->ws_hub, artemis_management_get_write_queue (self->management),
			     self->storage, timeout_ms, callback, user_data);
}

gboolean
artemis_daemon_drain_finish (ArtemisDaemon *self, GAsyncResult *result)
{
	return artemis_drain_finish (result);
}

const char *
artemis_daemon_get_url (ArtemisDaemon *self)
{
	return artemis_node_get_url (self->node);
}

guint
artemis_daemon_get_port (ArtemisDaemon *self)
{
	return artemis_server_get_port (self->server);
}

ArtemisNode *
artemis_daemon_get_node (ArtemisDaemon *self)
{
	return self->node;
}

ArtemisCluster *
artemis_daemon_get_cluster (ArtemisDaemon *self)
{
	return self->cluster;
}

ArtemisChangeLog *
artemis_daemon_get_change_log (ArtemisDaemon *self)
{
	return self->change_log;
}

ArtemisRegistry *
artemis_daemon_get_registry (ArtemisDaemon *self)
{
	return self->registry;
}

ArtemisVersionedCache *
artemis_daemon_get_versioned_cache (ArtemisDaemon *self)
{
	return self->versioned_cache;
}

ArtemisManagement *
artemis_daemon_get_management (ArtemisDaemon *self)
{
	return self->management;
}

ArtemisRouter *
artemis_daemon_get_router (ArtemisDaemon *self)
{
	return self->router;
}

ArtemisWsHub *
artemis_daemon_get_ws_hub (ArtemisDaemon *self)
{
	return self->ws_hub;
}

ArtemisRateLimits *
artemis_daemon_get_rate_limits (ArtemisDaemon *self)
{
	return self->rate_limits;
}

ArtemisMetrics *
artemis_daemon_get_metrics (ArtemisDaemon *self)
{
	return self->metrics;
}

ArtemisStorage *
artemis_daemon_get_storage (ArtemisDaemon *self)
{
	return self->storage;
}
