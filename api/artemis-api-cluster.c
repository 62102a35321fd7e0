/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api.h"

/* What the handlers of this area use of the node. */
typedef struct {
	ArtemisCluster *cluster;
	ArtemisRateLimits *limits;
} ClusterApi;

/* The rate-limited answer in the endpoints' shape (protocol §12). */
static const char nodes_limited[] = "{\"nodes\":null,\"responseStatus\":" ARTEMIS_RATE_LIMITED_STATUS "}";

/* `{"nodes":[ServiceNode…],"responseStatus":…}`, or data-not-found with `nodes:null` (protocol §3.4). */
static void
reply_nodes (ArtemisRequest *request, ArtemisCluster *cluster, GPtrArray *nodes)
{
	ArtemisNode *local = artemis_cluster_get_local_node (cluster);
	ArtemisJsonWriter *writer = artemis_json_writer_new (256 * (nodes->len + 1));

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "nodes");
	if (nodes->len == 0) {
		artemis_json_writer_null (writer);
	} else {
		artemis_json_writer_begin_array (writer);
		for (guint i = 0; i < nodes->len; i++) {
			const ArtemisClusterNode *node = g_ptr_array_index (nodes, i);

			artemis_cluster_codec_write_node (writer, node->url, artemis_node_get_region_id (local),
							  node->zone_id);
		}
		artemis_json_writer_end_array (writer);
	}
	artemis_json_writer_member (writer, "responseStatus");
	if (nodes->len == 0)
		artemis_codec_write_response_status (writer, "data-not-found", "No available service nodes.");
	else
		artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
handle_nodes (ArtemisRequest *request, ClusterApi *api, ArtemisClusterCapability capability, const char *identity)
{
	g_autoptr (ArtemisSimpleRequest) decoded = NULL;
	g_autoptr (GPtrArray) nodes = NULL;
	g_autoptr (GError) error = NULL;
	const char *region_id;
	const char *zone_id;

	if (!artemis_api_allow (request, api->limits, ARTEMIS_RATE_LIMITER_CLUSTER, identity, nodes_limited))
		return;
	if (request->method == ARTEMIS_METHOD_POST) {
		decoded = artemis_codec_decode_simple_request (request->body, request->body_len, &error);
		if (decoded == NULL) {
			artemis_api_reply_bad_body (request, error);
			return;
		}
		region_id = decoded->region_id;
		zone_id = decoded->zone_id;
	} else {
		region_id = artemis_request_get_query (request, "regionId");
		zone_id = artemis_request_get_query (request, "zoneId");
	}
	nodes = artemis_cluster_select_nodes (api->cluster, capability, region_id, zone_id);
	reply_nodes (request, api->cluster, nodes);
}

static void
on_up_registry_nodes (ArtemisRequest *request, gpointer user_data)
{
	handle_nodes (request, user_data, ARTEMIS_CLUSTER_REGISTRY, "up-registry-nodes");
}

static void
on_up_discovery_nodes (ArtemisRequest *request, gpointer user_data)
{
	handle_nodes (request, user_data, ARTEMIS_CLUSTER_DISCOVERY, "up-discovery-nodes");
}

void
artemis_api_cluster_add_routes (ArtemisServer *server, ArtemisCluster *cluster, ArtemisRateLimits *limits)
{
	ClusterApi *api = g_new0 (ClusterApi, 1);

	api->cluster = cluster;
	api->limits = limits;
	artemis_api_own (server, api, g_free);
	artemis_server_add_route (server, "/api/cluster/up-registry-nodes.json",
				  ARTEMIS_METHOD_GET | ARTEMIS_METHOD_POST, on_up_registry_nodes, api);
	artemis_server_add_route (server, "/api/cluster/up-discovery-nodes.json",
				  ARTEMIS_METHOD_GET | ARTEMIS_METHOD_POST, on_up_discovery_nodes, api);
}
