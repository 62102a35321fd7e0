/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api.h"

/*
 * What peers send (protocol §3.3): handled as coming from a peer, so neither
 * the node status nor the zone is checked, a heartbeat of an unknown
 * instance registers it, and nothing is replicated further.
 */
static void
on_register (ArtemisRequest *request, gpointer user_data)
{
	artemis_api_handle_registry (request, user_data, ARTEMIS_REGISTRY_REGISTER, ARTEMIS_REGISTRY_FROM_PEER, NULL,
				     NULL);
}

static void
on_heartbeat (ArtemisRequest *request, gpointer user_data)
{
	artemis_api_handle_registry (request, user_data, ARTEMIS_REGISTRY_HEARTBEAT, ARTEMIS_REGISTRY_FROM_PEER, NULL,
				     NULL);
}

static void
on_unregister (ArtemisRequest *request, gpointer user_data)
{
	artemis_api_handle_registry (request, user_data, ARTEMIS_REGISTRY_UNREGISTER, ARTEMIS_REGISTRY_FROM_PEER, NULL,
				     NULL);
}

/* `{"responseStatus","services"}`: no `version`, unlike the discovery answer. */
static void
reply_services (ArtemisRequest *request, ArtemisRegistry *registry)
{
	g_autoptr (GPtrArray) services = artemis_registry_dup_contents (registry);
	ArtemisJsonWriter *writer = artemis_json_writer_new (512 * (artemis_registry_get_n_instances (registry) + 1));

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "services");
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < services->len; i++)
		artemis_codec_write_service (writer, g_ptr_array_index (services, i));
	artemis_json_writer_end_array (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
reply_wrong_region (ArtemisRequest *request, ArtemisNode *node, const char *region_id)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);
	g_autofree char *message =
		g_strdup_printf ("regionId is not the same as the registry node. regionId: %s, "
				 "registry node.regionId: %s",
				 region_id != NULL ? region_id : "null", artemis_node_get_region_id (node));

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_response_status (writer, "no-permission", message);
	artemis_json_writer_member_null (writer, "services");
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
on_services (ArtemisRequest *request, gpointer user_data)
{
	ArtemisRegistry *registry = user_data;
	ArtemisNode *node = artemis_registry_get_node (registry);
	g_autoptr (ArtemisSimpleRequest) decoded = NULL;
	g_autoptr (GError) error = NULL;
	const char *region_id;

	if (request->method == ARTEMIS_METHOD_POST) {
		decoded = artemis_codec_decode_simple_request (request->body, request->body_len, &error);
		if (decoded == NULL) {
			artemis_api_reply_bad_body (request, error);
			return;
		}
		region_id = decoded->region_id;
	} else {
		region_id = artemis_request_get_query (request, "regionId");
		if (region_id == NULL) {
			artemis_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request",
						     "Required parameter 'regionId' is not present.");
			return;
		}
	}
	if (!artemis_node_is_own_region (node, region_id)) {
		reply_wrong_region (request, node, region_id);
		return;
	}
	reply_services (request, registry);
}

void
artemis_api_replication_add_routes (ArtemisServer *server, ArtemisRegistry *registry)
{
	/* Writes: a peer token is needed when [security] peer-tokens lists any (docs/security.md). */
	artemis_server_add_write_route (server, "/api/replication/registry/register.json", ARTEMIS_METHOD_POST,
				  on_register, registry);
	artemis_server_add_write_route (server, "/api/replication/registry/heartbeat.json", ARTEMIS_METHOD_POST,
				  on_heartbeat, registry);
	artemis_server_add_write_route (server, "/api/replication/registry/unregister.json", ARTEMIS_METHOD_POST,
				  on_unregister, registry);
	artemis_server_add_route (server, "/api/replication/registry/services.json",
				  ARTEMIS_METHOD_GET | ARTEMIS_METHOD_POST, on_services, registry);
}
