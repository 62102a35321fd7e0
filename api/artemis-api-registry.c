/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api.h"

static void
on_register (ArtemisRequest *request, gpointer user_data)
{
	artemis_api_handle_registry (request, user_data, ARTEMIS_REGISTRY_REGISTER, ARTEMIS_REGISTRY_FROM_CLIENT);
}

static void
on_heartbeat (ArtemisRequest *request, gpointer user_data)
{
	artemis_api_handle_registry (request, user_data, ARTEMIS_REGISTRY_HEARTBEAT, ARTEMIS_REGISTRY_FROM_CLIENT);
}

static void
on_unregister (ArtemisRequest *request, gpointer user_data)
{
	artemis_api_handle_registry (request, user_data, ARTEMIS_REGISTRY_UNREGISTER, ARTEMIS_REGISTRY_FROM_CLIENT);
}

void
artemis_api_registry_add_routes (ArtemisServer *server, ArtemisRegistry *registry)
{
	artemis_server_add_route (server, "/api/registry/register.json", ARTEMIS_METHOD_POST, on_register, registry);
	artemis_server_add_route (server, "/api/registry/heartbeat.json", ARTEMIS_METHOD_POST, on_heartbeat,
				  registry);
	artemis_server_add_route (server, "/api/registry/unregister.json", ARTEMIS_METHOD_POST, on_unregister,
				  registry);
}
