/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "artemis-config.h"
#include "artemis-error.h"

typedef enum {
	KEY_INT,
	KEY_BOOL,
	KEY_STRING,
	KEY_STRV,
} KeyType;

typedef struct {
	const char *group;
	const char *name;
	KeyType type;
	gsize offset;
	gint64 default_int; /* also the boolean default */
	const char *default_string;
	gint64 min;
	gint64 max;
	const char *java_property;
	const char *description;
} ConfigKey;

#define OFS(field) G_STRUCT_OFFSET (ArtemisConfig, field)
#define INT_KEY(group, name, field, def, min, max, java, desc) \
	{ group, name, KEY_INT, OFS (field), def, NULL, min, max, java, desc }
#define BOOL_KEY(group, name, field, def, java, desc) \
	{ group, name, KEY_BOOL, OFS (field), def, NULL, 0, 1, java, desc }
#define STRING_KEY(group, name, field, def, java, desc) \
	{ group, name, KEY_STRING, OFS (field), 0, def, 0, 0, java, desc }

#define JAVA_POOL(pool, suffix) "artemis.service.registry." pool ".lease-manager." suffix
#define LEASE_KEYS(group, field, pool, ttl, init_delay, interval, window)                                    \
	INT_KEY (group, "ttl", field.ttl_ms, ttl, 1000, 604800000, JAVA_POOL (pool, "lease.ttl"),            \
		 "Lease time-to-live in ms; a lease not renewed for this long expires."),                    \
	INT_KEY (group, "clean-init-delay", field.clean_init_delay_ms, init_delay, 0, 10000,                 \
		 JAVA_POOL (pool, "clean-task.init-delay"), "Delay before the first expiry sweep, in ms."),  \
	INT_KEY (group, "clean-interval", field.clean_interval_ms, interval, 100, 5000,                     \
		 JAVA_POOL (pool, "clean-task.run-interval"), "Period of the expiry sweep, in ms."),         \
	BOOL_KEY (group, "safe-check-enabled", field.safe_check_enabled, TRUE,                              \
		  JAVA_POOL (pool, "lease-update-safe-checker.enabled"),                                      \
		  "Suspend expiry when the renewal rate collapses (self-preservation)."),                     \
	INT_KEY (group, "safe-check-time-window", field.safe_check_time_window_ms, window, 10000, 300000,   \
		 JAVA_POOL (pool, "lease-update-safe-checker.time-window"),                                  \
		 "Window in which the leases renewed are counted, each once, in ms (whole seconds); longer "    \
		 "than the heartbeat interval."),                                                             \
	INT_KEY (group, "safe-check-percentage-threshold", field.safe_check_percentage_threshold, 85, 50,   \
		 100, JAVA_POOL (pool, "lease-update-safe-checker.percentage-threshold"),                     \
		 "Unsafe when the leases renewed fall below this percentage of the maximum seen."),           \
	INT_KEY (group, "safe-check-max-count-threshold", field.safe_check_max_count_threshold, 50, 0,      \
		 1000000, JAVA_POOL (pool, "lease-update-safe-checker.max-count-threshold"),                  \
		 "Leases renewed per window needed before the checker judges at all."),                       \
	INT_KEY (group, "safe-check-max-count-reset-interval",                                               \
		 field.safe_check_max_count_reset_interval_ms, 600000, 60000, 86400000,                       \
		 JAVA_POOL (pool, "lease-update-safe-checker.max-count-reset-interval"),                      \
		 "Age after which the maximum is re-baselined downwards, in ms."),                            \
	INT_KEY (group, "safe-check-interval", field.safe_check_interval_ms, 1000, 100, 60000,              \
		 JAVA_POOL (pool, "lease-update-safe-checker.dynamic-scheduled-thread.run-interval"),         \
		 "Period of the safe check, in ms.")

/* The IP black list of one WebSocket endpoint (Java endpoint id @id). */
#define WS_BLACK_LIST_KEYS(prefix, field, id, path)                                                          \
	BOOL_KEY ("websocket", prefix "-black-list-enabled", field##_enabled, TRUE,                           \
		  "artemis.service." id ".ws-ip.black-list.enabled", "Apply " prefix "-black-list."),          \
	{ "websocket", prefix "-black-list", KEY_STRV, OFS (field), 0, "", 0, 0,                               \
	  "artemis.service." id ".ws-ip.black-list",                                                          \
	  "Client IP addresses refused (HTTP 403) on " path ", separated by ';' or ','." }

/* One rate limiter of protocol §12, Java limiter id @java. */
#define RATE_LIMIT_KEYS(prefix, field, java, def, min, max, map)                                             \
	BOOL_KEY ("rate-limit", prefix "-enabled", field.enabled, TRUE, java ".rate-limiter.enabled",        \
		  "Limit the calls counted by this limiter."),                                                \
	INT_KEY ("rate-limit", prefix "-default-limit", field.default_limit, def, min, max,                 \
		 java ".rate-limiter.default-rate-limit", "Calls allowed per 10 s for each identity, node-wide."), \
	STRING_KEY ("rate-limit", prefix "-limits", field.limits, map, java ".rate-limiter.rate-limit-map",  \
		    "Per-identity limits as identity:limit,identity:limit (within the range of the default).")

static const ConfigKey config_keys[] = {
	STRING_KEY ("server", "bind", bind_address, "127.0.0.1", NULL,
		    "Address to listen on (an IP address; 0.0.0.0 or :: for every address). The default "
		    "only takes local connections: see docs/security.md before opening it."),
	INT_KEY ("server", "port", port, 8080, 0, 65535, "app.port", "TCP port of the HTTP and WebSocket API."),
	STRING_KEY ("server", "context-path", context_path, "", "(servlet context path)",
		    "Path prefix of every endpoint, e.g. /artemis-service."),
	STRING_KEY ("server", "data-dir", data_dir, "", "(data-source.properties)",
		    "Directory holding the database and other state; empty means $localstatedir/lib/artemis."),
	{ "server", "plugin-dirs", KEY_STRV, OFS (plugin_dirs), 0, "", 0, 0, NULL,
	  "Extra directories searched for plugins, separated by ';'." },
	INT_KEY ("server", "max-body-size", max_body_size, 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024, NULL,
		 "Largest request body accepted, in bytes (after decompression)."),
	INT_KEY ("server", "max-head-size", max_head_size, 65536, 1024, 1048576, "(Tomcat maxHttpHeaderSize)",
		 "Largest request line and headers accepted, in bytes; larger get HTTP 431."),
	INT_KEY ("server", "listen-backlog", listen_backlog, 4096, 16, 65535, "(Tomcat acceptCount)",
		 "Connections the kernel queues until they are accepted (capped by net.core.somaxconn)."),
	INT_KEY ("server", "max-connections", max_connections, 10000, 1, 1000000, "(Tomcat maxConnections)",
		 "HTTP connections served at once; more wait in the listen backlog. WebSocket sessions count "
		 "against [websocket] max-sockets instead."),
	INT_KEY ("server", "idle-timeout", idle_timeout_ms, 60000, 100, 3600000,
		 "(Tomcat keepAliveTimeout)",
		 "How long a connection may wait for its next request, or for its client to read more of an "
		 "answer, in ms; then it is closed."),
	INT_KEY ("server", "request-head-timeout", request_head_timeout_ms, 10000, 100, 3600000,
		 "(Tomcat connectionTimeout)",
		 "How long the request line and headers may take to arrive from their first byte, in ms."),
	INT_KEY ("server", "request-body-timeout", request_body_timeout_ms, 30000, 100, 3600000, NULL,
		 "How long a request body may take to arrive once the headers are in, in ms."),

	INT_KEY ("registry", "max-instances-per-request", max_instances_per_request, 5000, 1, 1000000, NULL,
		 "Instances one register, heartbeat or unregister request may carry (HTTP or WebSocket); more "
		 "get bad-request."),
	INT_KEY ("registry", "max-instance-size", max_instance_size, 65536, 1024, 67108864, NULL,
		 "Largest instance accepted, in bytes of its strings, metadata included; a request with a larger "
		 "one gets bad-request."),
	INT_KEY ("registry", "max-answer-size", max_answer_size, 4194304, 65536, 1073741824, NULL,
		 "Largest failedInstances list of a registry answer, in bytes; failures past it are counted in "
		 "the message, not listed."),

	STRING_KEY ("deployment", "region-id", region_id, "default", "region.id", "Region this node serves."),
	STRING_KEY ("deployment", "zone-id", zone_id, "default", "zone.id", "Zone this node serves."),
	STRING_KEY ("deployment", "app-id", app_id, "artemis", "app.id", "Application id of this node."),
	STRING_KEY ("deployment", "node-url", node_url, "", "artemis.service.cluster.nodes (own entry)",
		    "URL peers and clients use for this node; empty derives it from the host and port."),

	STRING_KEY ("cluster", "nodes", cluster_nodes, "", "artemis.service.cluster.nodes",
		    "Cluster nodes as zone:url[,url][;zone:url...]."),
	BOOL_KEY ("cluster", "force-up", force_up, TRUE, "artemis.service.cluster.node.status.force-up",
		  "Start in the up state; false starts `starting` and copies the registry of an up peer first "
		  "(docs/cluster.md)."),
	BOOL_KEY ("cluster", "allow-registry-from-other-zone", allow_registry_from_other_zone, FALSE,
		  "artemis.service.registry.allow-from-other-zone", "Accept instances of other zones."),
	BOOL_KEY ("cluster", "allow-discovery-from-other-zone", allow_discovery_from_other_zone, FALSE,
		  "artemis.service.discovery.allow-from-other-zone", "Serve discovery to callers of other zones."),
	INT_KEY ("cluster", "status-interval", status_interval_ms, 5000, 100, 600000,
		 "artemis.service.cluster.nodes.status-update.interval",
		 "How often every other node is asked for its status (/api/status/node.json), in ms."),
	INT_KEY ("cluster", "status-timeout", status_timeout_ms, 500, 50, 10000,
		 "artemis.service.registry.status.client.socket-timeout",
		 "Time a node has to answer one attempt of a status poll, in ms."),
	INT_KEY ("cluster", "status-attempts", status_attempts, 3, 1, 10,
		 "artemis.service.cluster.nodes.status-update.fail-retry-times",
		 "Attempts of a status poll, 10 ms apart, before the node counts as unknown (a refused "
		 "connection counts at once)."),
	INT_KEY ("cluster", "init-interval", init_interval_ms, 1000, 50, 600000,
		 "artemis.service.cluster.node.init.sync-interval",
		 "While starting (force-up=false): how often the node tries to copy a peer's registry; also how "
		 "often a node that is not up is polled, in ms."),
	INT_KEY ("cluster", "start-timeout", start_timeout_ms, 30000, 0, 3600000, NULL,
		 "While starting (force-up=false): the longest wait for a peer to copy from before the node "
		 "goes up anyway, in ms."),

	LEASE_KEYS ("lease", lease, "instance", 20000, 50, 100, 12000),
	LEASE_KEYS ("legacy-lease", legacy_lease, "legacy-instance", 90000, 50, 1000, 60000),

	INT_KEY ("discovery", "cache-count", cache_count, 3, 0, 10,
		 "artemis.service.discovery.versioned-cache.cache-count",
		 "Snapshot versions retained for services-delta."),
	INT_KEY ("discovery", "cache-refresh-init-delay", cache_refresh_init_delay_ms, 60000, 0, 300000,
		 "artemis.service.discovery.versioned-cache.cache-refresh.init-delay",
		 "Delay before the first versioned snapshot, in ms."),
	INT_KEY ("discovery", "cache-refresh-interval", cache_refresh_interval_ms, 30000, 1000, 300000,
		 "artemis.service.discovery.versioned-cache.cache-refresh.interval",
		 "Pause between versioned snapshots, in ms."),
	STRING_KEY ("discovery", "default-route-strategy", default_route_strategy, "weighted-round-robin",
		    "(client side: the strategy of RouteRules' default-route-rule)",
		    "Strategy of the default route rule, used by /api/discovery/route.json."),
	INT_KEY ("discovery", "max-lookup-services", max_lookup_services, 5000, 1, 1000000, NULL,
		 "Services one lookup.json may ask for; more get bad-request."),
	INT_KEY ("discovery", "max-lookup-answer-size", max_lookup_answer_size, 16777216, 65536, 1073741824, NULL,
		 "Largest answer of a lookup.json of several services, in bytes; a larger one gets bad-request "
		 "(a one-service answer is cached, shared and not limited)."),

	INT_KEY ("changes", "max-buffer-size", change_buffer_size, 10000, 1000, 1000000,
		 "artemis.service.registry.data.instance-change.max-buffer-size",
		 "Registry changes kept in memory for subscribers."),

	INT_KEY ("websocket", "max-sockets", ws_max_sockets, 10000, 1, 1000000, NULL,
		 "Open WebSocket sessions this node accepts, all endpoints together; more get HTTP 503."),
	INT_KEY ("websocket", "max-subscriptions", ws_max_subscriptions, 1000, 1, 1000000, NULL,
		 "Services one instance-change socket may subscribe to; one more closes it (1008)."),
	INT_KEY ("websocket", "max-message-size", ws_max_message_size, 131072, 1024, 67108864,
		 "(Tomcat WebSocket text buffer, 8192)",
		 "Largest client message in bytes, fragments joined; a larger one closes the socket (1009)."),
	INT_KEY ("websocket", "max-queued-messages", ws_max_queued_messages, 1024, 1, 1000000, NULL,
		 "Messages one socket may have waiting to be sent before it counts as too slow."),
	INT_KEY ("websocket", "max-queued-bytes", ws_max_queued_bytes, 1048576, 4096, 1073741824, NULL,
		 "Bytes one socket may have waiting to be sent before it counts as too slow."),
	INT_KEY ("websocket", "session-ttl", ws_session_ttl_ms, 360000, 1000, 18000000,
		 "artemis.service.websocket.session.ttl",
		 "Time after which a WebSocket session is closed whatever its traffic, in ms."),
	INT_KEY ("websocket", "session-check-interval", ws_session_check_interval_ms, 60000, 10, 3600000,
		 "artemis.service.websocket.session.health-checker.dynamic-scheduled-thread.run-interval",
		 "Period of the session TTL sweep, in ms."),
	WS_BLACK_LIST_KEYS ("heartbeat", ws_heartbeat_black_list, "service-heartbeat",
			    "/ws/registry/heartbeat"),
	WS_BLACK_LIST_KEYS ("discovery", ws_discovery_black_list, "service-discovery",
			    "/ws/discovery/instance-change"),
	WS_BLACK_LIST_KEYS ("all-changes", ws_all_changes_black_list, "service-discoveries",
			    "/ws/discovery/all-instance-change"),

	INT_KEY ("management", "max-batch-size", max_batch_size, 20000, 1, 1000000, NULL,
		 "Rows, ids, tags, operations and IPs one management request may carry together; more get "
		 "bad-request."),

	STRING_KEY ("storage", "backend", storage_backend, "sqlite",
		    "data-source.properties (driverClassName, url)",
		    "Where management state and its audit log persist: the storage plugin storage-NAME. "
		    "artemisd does not start without it."),
	INT_KEY ("storage", "poll-interval", storage_poll_interval_ms, 1000, 200, 60000,
		 "artemis.management.*.cache-refresher.dynamic-scheduled-thread.run-interval",
		 "How often a node asks a store shared with other nodes what they changed, in ms "
		 "(not used by sqlite)."),

	{ "security", "tokens", KEY_STRV, OFS (security_tokens), 0, "", 0, 0, NULL,
	  "Tokens that allow management, group, zone and canary writes (Authorization: Bearer TOKEN), "
	  "';'-separated. With no token here nor in token-file, anyone who reaches the port may write." },
	STRING_KEY ("security", "token-file", security_token_file, "", NULL,
		    "File holding more such tokens, one a line ('#' starts a comment); a file that cannot "
		    "be read stops artemisd."),
	{ "security", "peer-tokens", KEY_STRV, OFS (security_peer_tokens), 0, "", 0, 0, NULL,
	  "Tokens the cluster's peers send on /api/replication/, ';'-separated; empty leaves "
	  "replication as open as registration." },
	{ "security", "cors-origins", KEY_STRV, OFS (security_cors_origins), 0, "", 0, 0, NULL,
	  "Origins browsers may call the API from (e.g. https://ops.example.com), ';'-separated; "
	  "empty sends no CORS headers." },

	RATE_LIMIT_KEYS ("registry", rate_limit_registry, "artemis.service.registry", 100000, 1000, 1000000, ""),
	RATE_LIMIT_KEYS ("cluster", rate_limit_cluster, "artemis.service.cluster", 10000, 100, 100000, ""),
	RATE_LIMIT_KEYS ("status", rate_limit_status, "artemis.service.status", 30, 1, 10000, "get-leases:10"),
	RATE_LIMIT_KEYS ("management-group", rate_limit_management_group, "artemis.service.management.group", 30, 1,
			 1000, ""),

	{ "plugins", "enabled", KEY_STRV, OFS (plugins_enabled), 0, "", 0, 0, NULL,
	  "Plugins to load by name (file name without .so), ';'-separated; empty loads all. "
	  "Settings: [plugin NAME]." },
	{ "plugins", "filters", KEY_STRV, OFS (plugins_filters), 0, "filter-groups;filter-management", 0, 0, NULL,
	  "Discovery filters in running order, ';'-separated; NAME:LABEL is one more instance of NAME. "
	  "Without filter-groups, discovery has no route rules or logical instances; without "
	  "filter-management, pulled-out instances stay in discovery." },
	STRING_KEY ("plugins", "replicator", plugins_replicator, "replication-peer",
		    "artemis.service.registry.replication.*",
		    "The replicator plugin that copies client writes to the other nodes; used only when "
		    "[cluster] nodes lists other nodes. Settings: [plugin NAME]."),

	BOOL_KEY ("dbus", "enabled", dbus_enabled, TRUE, NULL,
		  "Own org.artemis.Registry1 on the system bus and export the node's state there "
		  "(read-only). artemisd runs on without it when the bus is unavailable."),

	BOOL_KEY ("log", "debug", log_debug, FALSE, NULL,
		  "Log debug messages too, as G_MESSAGES_DEBUG=all does. Changes on SIGHUP."),
};

/* Groups `[plugin NAME]` hold one plugin's settings, which only the plugin knows. */
#define PLUGIN_GROUP_PREFIX "plugin "

static gpointer
key_field (const ArtemisConfig *config, const ConfigKey *key)
{
	return G_STRUCT_MEMBER_P ((gpointer) config, key->offset);
}

static char **parse_strv (const char *text);

static void
set_default (ArtemisConfig *config, const ConfigKey *key)
{
	gpointer field = key_field (config, key);

	switch (key->type) {
	case KEY_INT:
		*(gint64 *) field = key->default_int;
		break;
	case KEY_BOOL:
		*(gboolean *) field = key->default_int != 0;
		break;
	case KEY_STRING:
		g_free (*(char **) field);
		*(char **) field = g_strdup (key->default_string);
		break;
	case KEY_STRV:
		g_strfreev (*(char ***) field);
		*(char ***) field = parse_strv (key->default_string);
		break;
	default:
		g_assert_not_reached ();
	}
}

ArtemisConfig *
artemis_config_new (void)
{
	ArtemisConfig *config = g_new0 (ArtemisConfig, 1);

	for (gsize i = 0; i < G_N_ELEMENTS (config_keys); i++)
		set_default (config, &config_keys[i]);
	config->plugin_settings = g_key_file_new ();
	return config;
}

void
artemis_config_free (ArtemisConfig *config)
{
	if (config == NULL)
		return;
	for (gsize i = 0; i < G_N_ELEMENTS (config_keys); i++) {
		gpointer field = key_field (config, &config_keys[i]);

		if (config_keys[i].type == KEY_STRING)
			g_free (*(char **) field);
		else if (config_keys[i].type == KEY_STRV)
			g_strfreev (*(char ***) field);
	}
	g_key_file_unref (config->plugin_settings);
	g_free (config->loaded_file);
	g_free (config);
}

static const ConfigKey *
find_key (const char *group, const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS (config_keys); i++) {
		if (g_str_equal (config_keys[i].group, group) && g_str_equal (config_keys[i].name, name))
			return &config_keys[i];
	}
	return NULL;
}

gboolean
artemis_config_get_range (const char *group, const char *name, gint64 *min, gint64 *max)
{
	const ConfigKey *key = find_key (group, name);

	if (key == NULL || key->type != KEY_INT)
		return FALSE;
	*min = key->min;
	*max = key->max;
	return TRUE;
}

static gboolean
parse_int (const ConfigKey *key, const char *text, gint64 *value, GError **error)
{
	g_autoptr (GError) local_error = NULL;
	g_autofree char *trimmed = g_strstrip (g_strdup (text));

	if (!g_ascii_string_to_signed (trimmed, 10, G_MININT64, G_MAXINT64, value, &local_error)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
			     /* TRANSLATORS: [group] key: reason */
			     _("[%s] %s: %s"), key->group, key->name, local_error->message);
		return FALSE;
	}
	/* Java clamps; a value the operator did not mean is refused instead (docs/compatibility.md). */
	if (*value < key->min || *value > key->max) {
		/* Numbers as text: a format macro inside a translated string cannot be extracted. */
		g_autofree char *given = g_strdup_printf ("%" G_GINT64_FORMAT, *value);
		g_autofree char *min = g_strdup_printf ("%" G_GINT64_FORMAT, key->min);
		g_autofree char *max = g_strdup_printf ("%" G_GINT64_FORMAT, key->max);

		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
			     /* TRANSLATORS: [group] key: value is outside the range min–max */
			     _("[%s] %s: %s is outside the range %s–%s"), key->group, key->name, given, min, max);
		return FALSE;
	}
	return TRUE;
}

static gboolean
parse_bool (const ConfigKey *key, const char *text, gboolean *value, GError **error)
{
	g_autofree char *trimmed = g_strstrip (g_strdup (text));

	if (g_ascii_strcasecmp (trimmed, "true") == 0) {
		*value = TRUE;
		return TRUE;
	}
	if (g_ascii_strcasecmp (trimmed, "false") == 0) {
		*value = FALSE;
		return TRUE;
	}
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG, _("[%s] %s: expected true or false, got “%s”"),
		     key->group, key->name, trimmed);
	return FALSE;
}

static char **
parse_strv (const char *text)
{
	g_auto (GStrv) parts = g_strsplit (text, ";", -1);
	g_autoptr (GPtrArray) items = g_ptr_array_new ();

	for (guint i = 0; parts[i] != NULL; i++) {
		char *item = g_strstrip (parts[i]);

		if (*item != '\0')
			g_ptr_array_add (items, g_strdup (item));
	}
	g_ptr_array_add (items, NULL);
	return (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
}

/* A blank value means "not set": the default applies (protocol §13.1). */
static gboolean
apply_value (ArtemisConfig *config, const ConfigKey *key, const char *text, GError **error)
{
	gpointer field = key_field (config, key);
	g_autofree char *trimmed = g_strstrip (g_strdup (text));

	if (*trimmed == '\0') {
		set_default (config, key);
		return TRUE;
	}
	switch (key->type) {
	case KEY_INT:
		return parse_int (key, trimmed, field, error);
	case KEY_BOOL:
		return parse_bool (key, trimmed, field, error);
	case KEY_STRING:
		g_free (*(char **) field);
		*(char **) field = g_steal_pointer (&trimmed);
		return TRUE;
	case KEY_STRV:
		g_strfreev (*(char ***) field);
		*(char ***) field = parse_strv (trimmed);
		return TRUE;
	default:
		g_assert_not_reached ();
	}
}

/* Copies a plugin's group as is: later files add to and override earlier ones. */
static gboolean
load_plugin_group (ArtemisConfig *config, GKeyFile *key_file, const char *group, GError **error)
{
	g_auto (GStrv) names = g_key_file_get_keys (key_file, group, NULL, error);

	if (names == NULL)
		return FALSE;
	for (guint i = 0; names[i] != NULL; i++) {
		g_autofree char *text = g_key_file_get_value (key_file, group, names[i], error);

		if (text == NULL)
			return FALSE;
		g_key_file_set_value (config->plugin_settings, group, names[i], text);
	}
	return TRUE;
}

static gboolean
load_group (ArtemisConfig *config, GKeyFile *key_file, const char *group, GError **error)
{
	g_auto (GStrv) names = NULL;

	if (g_str_has_prefix (group, PLUGIN_GROUP_PREFIX))
		return load_plugin_group (config, key_file, group, error);
	names = g_key_file_get_keys (key_file, group, NULL, error);
	if (names == NULL)
		return FALSE;
	for (guint i = 0; names[i] != NULL; i++) {
		const ConfigKey *key = find_key (group, names[i]);
		g_autofree char *text = NULL;

		if (key == NULL) {
			g_warning ("Ignoring unknown configuration key [%s] %s", group, names[i]);
			continue;
		}
		text = g_key_file_get_value (key_file, group, names[i], error);
		if (text == NULL || !apply_value (config, key, text, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
artemis_config_load_key_file (ArtemisConfig *config, GKeyFile *key_file, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (key_file, NULL);

	for (guint i = 0; groups[i] != NULL; i++) {
		if (!load_group (config, key_file, groups[i], error))
			return FALSE;
	}
	return TRUE;
}

gboolean
artemis_config_load_data (ArtemisConfig *config, const char *data, GError **error)
{
	g_autoptr (GKeyFile) key_file = g_key_file_new ();
	g_autoptr (GError) local_error = NULL;

	if (!g_key_file_load_from_data (key_file, data, -1, G_KEY_FILE_NONE, &local_error)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG, "%s", local_error->message);
		return FALSE;
	}
	return artemis_config_load_key_file (config, key_file, error);
}

gboolean
artemis_config_load_file (ArtemisConfig *config, const char *path, GError **error)
{
	g_autoptr (GKeyFile) key_file = g_key_file_new ();
	g_autoptr (GError) local_error = NULL;

	if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error) ||
	    !artemis_config_load_key_file (config, key_file, &local_error)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG, _("Cannot load configuration %s: %s"), path,
			     local_error->message);
		return FALSE;
	}
	g_free (config->loaded_file);
	config->loaded_file = g_strdup (path);
	return TRUE;
}

static char *
value_to_string (const ArtemisConfig *config, const ConfigKey *key)
{
	gpointer field = key_field (config, key);

	switch (key->type) {
	case KEY_INT:
		return g_strdup_printf ("%" G_GINT64_FORMAT, *(gint64 *) field);
	case KEY_BOOL:
		return g_strdup (*(gboolean *) field ? "true" : "false");
	case KEY_STRING:
		return g_strdup (*(char **) field);
	case KEY_STRV:
		return g_strjoinv (";", *(char ***) field);
	default:
		g_assert_not_reached ();
	}
}

void
artemis_config_foreach (const ArtemisConfig *config, ArtemisConfigForeachFunc func, gpointer user_data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (config_keys); i++) {
		g_autofree char *name = g_strdup_printf ("%s.%s", config_keys[i].group, config_keys[i].name);
		g_autofree char *value = value_to_string (config, &config_keys[i]);

		func (name, value, user_data);
	}
}

gboolean
artemis_config_copy_value (ArtemisConfig *config, const ArtemisConfig *from, const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS (config_keys); i++) {
		const ConfigKey *key = &config_keys[i];
		g_autofree char *key_name = g_strdup_printf ("%s.%s", key->group, key->name);
		g_autofree char *value = NULL;

		if (!g_str_equal (key_name, name))
			continue;
		/* The text form parses back to the same value. */
		value = value_to_string (from, key);
		return apply_value (config, key, value, NULL);
	}
	return FALSE;
}

/*
 * Plugin settings belong to their plugins (docs/plugins.md), not to the
 * table above; the shipped file shows the ones several nodes sharing a
 * store need.
 */
static const char plugin_settings[] =
	"\n# Each plugin's settings: [plugin NAME]. The database several nodes share with\n"
	"# [storage] backend=postgresql (plugins/storage-postgresql/README.md):\n"
	"\n#[plugin storage-postgresql]\n"
	"\n# libpq connection string or URI of the database; required with that backend.\n"
	"#conninfo=host=db.example.com port=5432 dbname=artemis user=artemis\n"
	"\n# libpq password file (host:port:dbname:user:password, mode 0600); empty means libpq's ~/.pgpass.\n"
	"#passfile=\n"
	"\n# Seconds to wait for a connection.\n"
	"# Range 1 to 3600.\n"
	"#connect-timeout=10\n"
	"\n# Hear other nodes' writes at once (LISTEN/NOTIFY); false relies on [storage] poll-interval.\n"
	"#listen=true\n";

char *
artemis_config_dump_defaults (void)
{
	g_autoptr (ArtemisConfig) defaults = artemis_config_new ();
	GString *out = g_string_new ("# artemisd configuration. Every key is shown commented at its default.\n"
				     "# A blank value means the default. See docs/configuration.md.\n");
	const char *group = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS (config_keys); i++) {
		const ConfigKey *key = &config_keys[i];
		g_autofree char *value = value_to_string (defaults, key);

		if (g_strcmp0 (group, key->group) != 0) {
			group = key->group;
			g_string_append_printf (out, "\n[%s]\n", group);
		}
		g_string_append_printf (out, "\n# %s\n", key->description);
		if (key->type == KEY_INT)
			g_string_append_printf (out, "# Range %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ".\n", key->min,
						key->max);
		if (key->java_property != NULL)
			g_string_append_printf (out, "# Java: %s\n", key->java_property);
		g_string_append_printf (out, "#%s=%s\n", key->name, value);
	}
	g_string_append (out, plugin_settings);
	return g_string_free (out, FALSE);
}
