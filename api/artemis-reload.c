/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-reload.h"

/*
 * What a running node can take without a restart: values read afresh at
 * each use or copied by objects that can take a new one. Addresses, ports,
 * paths, plugins, storage, leases and timers are set up once at start.
 */
static const char *const live_keys[] = {
	"log.debug",
	"server.max-body-size",
	"websocket.max-message-size",
	"websocket.max-queued-bytes",
	"websocket.max-queued-messages",
	"websocket.max-sockets",
	"websocket.max-subscriptions",
	"websocket.session-ttl",
};

gboolean
artemis_reload_is_live (const char *name)
{
	return g_strv_contains (live_keys, name);
}

typedef struct {
	GPtrArray *names;
	GHashTable *values; /* name → value */
} Values;

static void
collect_value (const char *name, const char *value, gpointer user_data)
{
	Values *values = user_data;

	g_ptr_array_add (values->names, g_strdup (name));
	g_hash_table_insert (values->values, g_strdup (name), g_strdup (value));
}

static void
values_collect (Values *values, const ArtemisConfig *config)
{
	values->names = g_ptr_array_new_with_free_func (g_free);
	values->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	artemis_config_foreach (config, collect_value, values);
}

static void
values_clear (Values *values)
{
	g_clear_pointer (&values->names, g_ptr_array_unref);
	g_clear_pointer (&values->values, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Values, values_clear)

/* `group.key` as the file shows it: `[group] key`. */
static char *
format_key (const char *name)
{
	const char *dot = strchr (name, '.');

	return g_strdup_printf ("[%.*s] %s", (int) (dot - name), name, dot + 1);
}

static gboolean
plugin_settings_equal (const ArtemisConfig *a, const ArtemisConfig *b)
{
	g_autofree char *text_a = g_key_file_to_data (a->plugin_settings, NULL, NULL);
	g_autofree char *text_b = g_key_file_to_data (b->plugin_settings, NULL, NULL);

	return g_strcmp0 (text_a, text_b) == 0;
}

guint
artemis_reload_apply (ArtemisConfig *config, const ArtemisConfig *new_config, ArtemisServer *server,
		      ArtemisWsHub *hub)
{
	g_auto (Values) running = { NULL };
	g_auto (Values) wanted = { NULL };
	guint applied = 0;

	values_collect (&running, config);
	values_collect (&wanted, new_config);
	for (guint i = 0; i < running.names->len; i++) {
		const char *name = g_ptr_array_index (running.names, i);
		const char *old_value = g_hash_table_lookup (running.values, name);
		const char *new_value = g_hash_table_lookup (wanted.values, name);
		g_autofree char *key = NULL;

		if (g_strcmp0 (old_value, new_value) == 0)
			continue;
		key = format_key (name);
		if (!artemis_reload_is_live (name)) {
			g_warning ("Reload: %s = %s needs a restart; still %s", key, new_value, old_value);
			continue;
		}
		artemis_config_copy_value (config, new_config, name);
		g_message ("Reload: %s = %s (was %s)", key, new_value, old_value);
		applied++;
	}
	if (!plugin_settings_equal (config, new_config))
		g_warning ("Reload: the [plugin NAME] settings changed; plugins take them at a restart");

	g_log_set_debug_enabled (config->log_debug);
	artemis_server_set_max_body_size (server, config->max_body_size);
	artemis_ws_hub_set_limits (hub, config);
	return applied;
}
