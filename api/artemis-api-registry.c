/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-app.h"

/* `{"failedInstances":…,"responseStatus":…}` (spec §3.1). */
static void
reply_registry (ArtemisRequest *request, ArtemisApp *app, GPtrArray *failed, const GError *error)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (128);

	artemis_api_write_registry_response (writer, failed, error, app->config->max_answer_size);
	artemis_request_reply_writer (request, writer);
}

static void
handle_registry (ArtemisRequest *request, ArtemisApp *app, ArtemisRegistryAction action,
		 ArtemisRegistrySource source)
{
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;

	if (!artemis_codec_decode_instances_request (request->body, request->body_len,
						     artemis_registry_get_max_instances_per_request (app->registry),
						     &instances, &error)) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	failed = artemis_registry_handle (app->registry, action, source, instances, &error);
	reply_registry (request, app, failed, error);
}

static void
on_register (ArtemisRequest *request, gpointer user_data)
{
	handle_registry (request, user_data, ARTEMIS_REGISTRY_REGISTER, ARTEMIS_REGISTRY_FROM_CLIENT);
}

static void
on_heartbeat (ArtemisRequest *request, gpointer user_data)
{
	handle_registry (request, user_data, ARTEMIS_REGISTRY_HEARTBEAT, ARTEMIS_REGISTRY_FROM_CLIENT);
}

static void
on_unregister (ArtemisRequest *request, gpointer user_data)
{
	handle_registry (request, user_data, ARTEMIS_REGISTRY_UNREGISTER, ARTEMIS_REGISTRY_FROM_CLIENT);
}

void
artemis_api_registry_add_routes (ArtemisApp *app)
{
	artemis_server_add_route (app->server, "/api/registry/register.json", ARTEMIS_METHOD_POST, on_register, app);
	artemis_server_add_route (app->server, "/api/registry/heartbeat.json", ARTEMIS_METHOD_POST, on_heartbeat,
				  app);
	artemis_server_add_route (app->server, "/api/registry/unregister.json", ARTEMIS_METHOD_POST, on_unregister,
				  app);
}
