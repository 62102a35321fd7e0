/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api.h"

/* `{"failedInstances":…,"responseStatus":…}` (spec §3.1). */
static void
reply_registry (ArtemisRequest *request, GPtrArray *failed, const GError *error)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (128);

	artemis_api_write_registry_response (writer, failed, error);
	artemis_request_reply_writer (request, writer);
}

/* What the handlers of this area use of the node. */
typedef struct {
	ArtemisRegistry *registry;
	ArtemisRateLimits *limits;
} RegistryApi;

static void
handle_registry (ArtemisRequest *request, RegistryApi *api, ArtemisRegistryAction action, const char *identity)
{
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;

	if (!artemis_codec_decode_instances_request (request->body, request->body_len, &instances, &error)) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	if (artemis_rate_limits_allow (api->limits, ARTEMIS_RATE_LIMITER_REGISTRY, identity))
		failed = artemis_registry_handle (api->registry, action, ARTEMIS_REGISTRY_FROM_CLIENT, instances,
						  &error);
	else
		artemis_rate_limits_set_error (&error);
	reply_registry (request, failed, error);
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
