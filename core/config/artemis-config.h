/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Settings of one lease pool (the normal and the legacy `java_registry` pool). */
typedef struct {
	gint64 ttl_ms;
	gint64 clean_init_delay_ms;
	gint64 clean_interval_ms;
	gboolean safe_check_enabled;
	gint64 safe_check_time_window_ms;
	gint64 safe_check_percentage_threshold;
	gint64 safe_check_max_count_threshold;
	gint64 safe_check_max_count_reset_interval_ms;
	gint64 safe_check_interval_ms;
} ArtemisLeaseConfig;

/* One rate limiter of protocol §12. */
typedef struct {
	gboolean enabled;
	gint64 default_limit;
	char *limits; /* identity:limit,… */
} ArtemisRateLimitConfig;

/**
 * ArtemisConfig:
 *
 * The daemon's configuration: one GKeyFile (`artemisd.conf`), every key
 * described by a table in artemis-config.c that gives its group, default,
 * range and the Java Artemis property it replaces. Values that do not parse
 * and integers out of range are errors (Java clamps the latter).
 */
typedef struct {
	/* [server] */
	char *bind_address;
	gint64 port;
	char *context_path;
	char *data_dir;
	char **plugin_dirs;
	gint64 max_body_size;
	gint64 max_head_size;
	gint64 listen_backlog;
	gint64 max_connections;
	gint64 idle_timeout_ms;
	gint64 request_head_timeout_ms;
	gint64 request_body_timeout_ms;
	/* [registry] */
	gint64 max_instances_per_request;
	gint64 max_instance_size;
	gint64 max_answer_size;
	/* [deployment] */
	char *region_id;
	char *zone_id;
	char *app_id;
	char *node_url;
	/* [cluster] */
	char *cluster_nodes;
	gboolean force_up;
	gboolean allow_registry_from_other_zone;
	gboolean allow_discovery_from_other_zone;
	gint64 status_interval_ms;
	gint64 status_timeout_ms;
	gint64 status_attempts;
	gint64 init_interval_ms;
	gint64 start_timeout_ms;
	/* [lease], [legacy-lease] */
	ArtemisLeaseConfig lease;
	ArtemisLeaseConfig legacy_lease;
	/* [discovery] */
	gint64 cache_count;
	gint64 cache_refresh_init_delay_ms;
	gint64 cache_refresh_interval_ms;
	char *default_route_strategy;
	gint64 max_lookup_services;
	gint64 max_lookup_answer_size;
	/* [changes] */
	gint64 change_buffer_size;
	/* [websocket] */
	gint64 ws_max_sockets;
	gint64 ws_max_subscriptions;
	gint64 ws_max_message_size;
	gint64 ws_max_queued_messages;
	gint64 ws_max_queued_bytes;
	gint64 ws_session_ttl_ms;
	gint64 ws_session_check_interval_ms;
	gboolean ws_heartbeat_black_list_enabled;
	char **ws_heartbeat_black_list;
	gboolean ws_discovery_black_list_enabled;
	char **ws_discovery_black_list;
	gboolean ws_all_changes_black_list_enabled;
	char **ws_all_changes_black_list;
	/* [management] */
	gint64 max_batch_size;
	/* [storage] */
	char *storage_backend;
	gint64 storage_poll_interval_ms;
	/* [security] */
	char **security_tokens;
	char *security_token_file;
	char **security_peer_tokens;
	char **security_cors_origins;
	/* [rate-limit] */
	ArtemisRateLimitConfig rate_limit_registry;
	ArtemisRateLimitConfig rate_limit_cluster;
	ArtemisRateLimitConfig rate_limit_status;
	ArtemisRateLimitConfig rate_limit_management_group;
	/* [plugins] */
	char **plugins_enabled;
	char **plugins_filters;
	char *plugins_replicator;
	/*
	 * The `[plugin NAME]` groups, kept as read: each plugin's own settings,
	 * which the table of keys does not describe (see docs/plugins.md).
	 */
	GKeyFile *plugin_settings;
	/* [dbus] */
	gboolean dbus_enabled;
	/* [log] */
	gboolean log_debug;

	/* Where values came from, for /api/status/config.json. */
	char *loaded_file;
} ArtemisConfig;

ArtemisConfig *artemis_config_new (void);
void artemis_config_free (ArtemisConfig *config);

/* Reads @path over the current values. A missing file is an error. */
gboolean artemis_config_load_file (ArtemisConfig *config, const char *path, GError **error);
gboolean artemis_config_load_key_file (ArtemisConfig *config, GKeyFile *key_file, GError **error);
/* Parses @data (key-file text); for tests and embedded defaults. */
gboolean artemis_config_load_data (ArtemisConfig *config, const char *data, GError **error);

/* Called for every key with its `group.key` name and current value as text. */
typedef void (*ArtemisConfigForeachFunc) (const char *name, const char *value, gpointer user_data);
void artemis_config_foreach (const ArtemisConfig *config, ArtemisConfigForeachFunc func, gpointer user_data);

/*
 * Sets the key @name (`group.key`, as artemis_config_foreach() names it)
 * of @config to its value in @from. FALSE for a name no key has.
 */
gboolean artemis_config_copy_value (ArtemisConfig *config, const ArtemisConfig *from, const char *name);
/* The range of the integer key [@group] @name; FALSE when there is no such key. */
gboolean artemis_config_get_range (const char *group, const char *name, gint64 *min, gint64 *max);

/* Writes the commented default configuration (the shipped artemisd.conf). */
char *artemis_config_dump_defaults (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisConfig, artemis_config_free)

G_END_DECLS
