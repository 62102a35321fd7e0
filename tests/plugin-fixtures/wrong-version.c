/* SPDX-License-Identifier: Apache-2.0 */

/* A module built for another plugin API: the loader must not even ask for its type. */

#include <artemis.h>

G_MODULE_EXPORT GType artemis_plugin_query_type (void);
G_MODULE_EXPORT guint artemis_plugin_query_api_version (void);

G_MODULE_EXPORT GType
artemis_plugin_query_type (void)
{
	g_error ("the loader asked a module of the wrong API version for its type");
	return G_TYPE_INVALID;
}

G_MODULE_EXPORT guint
artemis_plugin_query_api_version (void)
{
	return ARTEMIS_PLUGIN_API_VERSION + 1;
}
