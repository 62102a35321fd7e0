/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api.h"

/* What the handlers of this area use of the node. */
typedef struct {
	ArtemisRegistry *registry;
	ArtemisRateLimits *limits;
} RegistryApi;

static void
handle_registry (ArtemisRequest *request, RegistryApi *api, ArtemisRegistryAction action, const char *identity)
{
	artemis_api_handle_registry (request, api->registry, action, ARTEMIS_REGISTRY_FROM_CLIENT, api->limits,
				     identity);
}

static void
on_register (ArtemisRequest *request, gpointer user_data)
{
	handle_registry (request, user_data, ARTEMIS_REGISTRY_REGISTER, "register");
}

static void
on_heartbeat (ArtemisRequest *request, gpointer user_data)
{
	handle_registry (request, user_data, ARTEMIS_REGISTRY_HEARTBEAT, "heartbeat");
}

static void
on_unregister (ArtemisRequest *request, gpointer user_data)
{
	handle_registry (request, user_data, ARTEMIS_REGISTRY_UNREGISTER, "unregister");
}

void
artemis_api_registry_add_routes (ArtemisServer *server, ArtemisRegistry *registry, ArtemisRateLimits *limits)
{
	RegistryApi *api = g_new0 (RegistryApi, 1);

	api->registry = registry;
	api->limits = limits;
	artemis_api_own (server, api, g_free);
	artemis_server_add_route (server, "/api/registry/register.json", ARTEMIS_METHOD_POST, on_register, api);
	artemis_server_add_route (server, "/api/registry/heartbeat.json", ARTEMIS_METHOD_POST, on_heartbeat, api);
	artemis_server_add_route (server, "/api/registry/unregister.json", ARTEMIS_METHOD_POST, on_unregister, api);
}
