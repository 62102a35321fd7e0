/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-plugin.h"

typedef struct {
	char *name;
	GHashTable *settings; /* key → value, from `[plugin NAME]` */
	GKeyFile *configuration; /* until constructed, when the name is known */
} ArtemisPluginPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ArtemisPlugin, artemis_plugin, G_TYPE_OBJECT)

enum {
	PROP_0,
	PROP_NAME,
	PROP_SETTINGS,
	N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
artemis_plugin_finalize (GObject *object)
{
	ArtemisPluginPrivate *priv = artemis_plugin_get_instance_private (ARTEMIS_PLUGIN (object));

	g_free (priv->name);
	g_hash_table_unref (priv->settings);
	g_clear_pointer (&priv->configuration, g_key_file_unref);
	G_OBJECT_CLASS (artemis_plugin_parent_class)->finalize (object);
}

/* The `[plugin NAME]` group of @settings (NAME: the plugin's name) becomes its settings. */
static void
set_settings (ArtemisPlugin *self, GKeyFile *settings)
{
	ArtemisPluginPrivate *priv = artemis_plugin_get_instance_private (self);
	g_autofree char *group = g_strdup_printf ("plugin %s", artemis_plugin_get_name (self));
	g_auto (GStrv) keys = NULL;

	g_hash_table_remove_all (priv->settings);
	if (settings == NULL || !g_key_file_has_group (settings, group))
		return;
	keys = g_key_file_get_keys (settings, group, NULL, NULL);
	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		char *value = g_key_file_get_string (settings, group, keys[i], NULL);

		if (value != NULL)
			g_hash_table_insert (priv->settings, g_strdup (keys[i]), value);
	}
}

static void
artemis_plugin_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	ArtemisPlugin *self = ARTEMIS_PLUGIN (object);

	switch (prop_id) {
	case PROP_NAME:
		g_value_set_string (value, artemis_plugin_get_name (self));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
	}
}

static void
artemis_plugin_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
	ArtemisPluginPrivate *priv = artemis_plugin_get_instance_private (ARTEMIS_PLUGIN (object));

	switch (prop_id) {
	case PROP_NAME:
		g_free (priv->name);
		priv->name = g_value_dup_string (value);
		break;
	case PROP_SETTINGS:
		g_clear_pointer (&priv->configuration, g_key_file_unref);
		priv->configuration = g_value_dup_boxed (value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
	}
}

static void
artemis_plugin_constructed (GObject *object)
{
	ArtemisPluginPrivate *priv = artemis_plugin_get_instance_private (ARTEMIS_PLUGIN (object));

	G_OBJECT_CLASS (artemis_plugin_parent_class)->constructed (object);
	set_settings (ARTEMIS_PLUGIN (object), priv->configuration);
	g_clear_pointer (&priv->configuration, g_key_file_unref);
}

static void
artemis_plugin_class_init (ArtemisPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->constructed = artemis_plugin_constructed;
	object_class->finalize = artemis_plugin_finalize;
	object_class->get_property = artemis_plugin_get_property;
	object_class->set_property = artemis_plugin_set_property;

	/* The name the configuration uses: the module's file name, or NAME:LABEL for another instance. */
	properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
						     G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
							     G_PARAM_STATIC_STRINGS);
	/* The whole configuration; the plugin keeps the keys of its `[plugin NAME]` group. */
	properties[PROP_SETTINGS] = g_param_spec_boxed ("settings", NULL, NULL, G_TYPE_KEY_FILE,
							G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
								G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
artemis_plugin_init (ArtemisPlugin *self)
{
	ArtemisPluginPrivate *priv = artemis_plugin_get_instance_private (self);

	priv->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

const char *
artemis_plugin_get_name (ArtemisPlugin *self)
{
	ArtemisPluginPrivate *priv;

	g_return_val_if_fail (ARTEMIS_IS_PLUGIN (self), NULL);
	priv = artemis_plugin_get_instance_private (self);
	return priv->name != NULL ? priv->name : G_OBJECT_TYPE_NAME (self);
}

const char *
artemis_plugin_get_description (ArtemisPlugin *self)
{
	g_return_val_if_fail (ARTEMIS_IS_PLUGIN (self), NULL);
	return ARTEMIS_PLUGIN_GET_CLASS (self)->description;
}

const char *
artemis_plugin_get_setting (ArtemisPlugin *self, const char *key)
{
	ArtemisPluginPrivate *priv;

	g_return_val_if_fail (ARTEMIS_IS_PLUGIN (self), NULL);
	g_return_val_if_fail (key != NULL, NULL);
	priv = artemis_plugin_get_instance_private (self);
	return g_hash_table_lookup (priv->settings, key);
}


gboolean
artemis_plugin_setup (ArtemisPlugin *self, GError **error)
{
	ArtemisPluginClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_PLUGIN (self), FALSE);
	klass = ARTEMIS_PLUGIN_GET_CLASS (self);
	return klass->setup == NULL || klass->setup (self, error);
}

void
artemis_plugin_shutdown (ArtemisPlugin *self)
{
	ArtemisPluginClass *klass;

	g_return_if_fail (ARTEMIS_IS_PLUGIN (self));
	klass = ARTEMIS_PLUGIN_GET_CLASS (self);
	if (klass->shutdown != NULL)
		klass->shutdown (self);
}
