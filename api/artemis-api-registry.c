/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-app.h"

/* `{"failedInstances":…,"responseStatus":…}` (spec §3.1). */
static void
reply_registry (ArtemisRequest *request, GPtrArray *failed, const GError *error)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (128);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "failedInstances");
	artemis_codec_write_failed_instances (writer, failed);
	artemis_json_writer_member (writer, "responseStatus");
	if (error != NULL)
		artemis_api_write_error_status (writer, error);
	else if (failed->len > 0)
		artemis_codec_write_response_status (writer, ARTEMIS_ERROR_CODE_PARTIAL_FAIL, "");
	else
		artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
handle_registry (ArtemisRequest *request, ArtemisApp *app, ArtemisRegistryAction action,
		 ArtemisRegistrySource source)
{
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;

	if (!artemis_codec_decode_instances_request (request->body, request->body_len, &instances, &error)) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	failed = artemis_registry_handle (app->registry, action, source, instances, &error);
	reply_registry (request, failed, error);
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
