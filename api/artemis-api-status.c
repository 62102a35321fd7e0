/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-api-common.h"
#include "artemis-api.h"

/* What the handlers of this area use of the node. */
typedef struct {
	const ArtemisConfig *config;
	ArtemisServer *server;
	ArtemisCluster *cluster;
	ArtemisNode *node;
	ArtemisRegistry *registry;
	ArtemisWsHub *ws_hub;
	ArtemisRateLimits *limits;
} StatusApi;

/*
 * A rate-limited answer in each endpoint's shape (protocol §3.5): numbers 0,
 * booleans false, objects and lists null.
 */
#define LIMITED ARTEMIS_RATE_LIMITED_STATUS
static const char cluster_limited[] = "{\"nodeCount\":0,\"nodesStatus\":null,\"responseStatus\":" LIMITED "}";
static const char leases_limited[] =
	"{\"isSafe\":false,\"isSafeCheckEnabled\":false,\"leaseCount\":0,\"leaseUpdateCountLastTimeWindow\":0,"
	"\"leaseUpdateMaxCount\":0,\"leaseUpdateMaxCountLastUpdateTime\":0,\"leases\":null,\"responseStatus\":" LIMITED "}";
static const char config_limited[] = "{\"properties\":null,\"responseStatus\":" LIMITED ",\"sources\":null}";
static const char deployment_limited[] =
	"{\"appId\":null,\"ip\":null,\"machineName\":null,\"path\":null,\"port\":0,\"properties\":null,"
	"\"protocol\":null,\"regionId\":null,\"responseStatus\":" LIMITED ",\"sources\":null,\"zoneId\":null}";

/* Counts the call of @identity; FALSE after answering @limited when it is over the limit. */
static gboolean
allow (ArtemisRequest *request, StatusApi *api, const char *identity, const char *limited)
{
	return artemis_api_allow (request, api->limits, ARTEMIS_RATE_LIMITER_STATUS, identity, limited);
}

/* ServiceNodeStatus (protocol §2.8) of one node of the cluster. */
static void
write_node_status (ArtemisJsonWriter *writer, ArtemisCluster *cluster, const ArtemisClusterNode *node)
{
	ArtemisNodeStatus status = artemis_cluster_get_node_status (cluster, node);

	artemis_cluster_codec_write_node_status (
		writer, node->url, artemis_node_get_region_id (artemis_cluster_get_local_node (cluster)),
		node->zone_id, &status);
}

/* This node, as it calls itself even when [cluster] nodes does not list it. */
static void
write_own_status (ArtemisJsonWriter *writer, ArtemisNode *node)
{
	ArtemisNodeStatus status = artemis_node_get_status (node);

	artemis_cluster_codec_write_node_status (writer, artemis_node_get_url (node), artemis_node_get_region_id (node),
						 artemis_node_get_zone_id (node), &status);
}

/* Status requests carry nothing we need, but a POST body must still be JSON. */
static gboolean
check_body (ArtemisRequest *request, ArtemisSimpleRequest **decoded)
{
	g_autoptr (GError) error = NULL;
	ArtemisSimpleRequest *result = NULL;

	if (request->method == ARTEMIS_METHOD_POST) {
		result = artemis_codec_decode_simple_request (request->body, request->body_len, &error);
		if (result == NULL) {
			artemis_api_reply_bad_body (request, error);
			return FALSE;
		}
	}
	if (decoded != NULL)
		*decoded = result;
	else
		artemis_simple_request_free (result);
	return TRUE;
}

static void
on_node (ArtemisRequest *request, gpointer user_data)
{
	StatusApi *api = user_data;
	ArtemisJsonWriter *writer;

	if (!check_body (request, NULL))
		return;
	writer = artemis_json_writer_new (512);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "nodeStatus");
	write_own_status (writer, api->node);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

/* Every configured node with its last status; this node's is live (protocol §3.5). */
static void
on_cluster (ArtemisRequest *request, gpointer user_data)
{
	StatusApi *api = user_data;
	GPtrArray *nodes = artemis_cluster_get_nodes (api->cluster);
	ArtemisJsonWriter *writer;

	if (!check_body (request, NULL) || !allow (request, api, "get-cluster", cluster_limited))
		return;
	writer = artemis_json_writer_new (512 * nodes->len);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_int (writer, "nodeCount", nodes->len);
	artemis_json_writer_member (writer, "nodesStatus");
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < nodes->len; i++)
		write_node_status (writer, api->cluster, g_ptr_array_index (nodes, i));
	artemis_json_writer_end_array (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

/* Java's `yyyy-MM-dd HH:mm:ss.SSS` in the server's local time zone. */
static char *
format_time (gint64 time_ms)
{
	g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (time_ms / 1000);
	g_autofree char *seconds = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");

	return g_strdup_printf ("%s.%03d", seconds, (int) (time_ms % 1000));
}

typedef struct {
	ArtemisJsonWriter *writer;
	GPtrArray *filter; /* exact service ids, or NULL for all */
	const char *current_service;
	guint count;
} LeaseListing;

static gboolean
listing_wants (LeaseListing *listing, const char *service_id)
{
	if (listing->filter == NULL || listing->filter->len == 0)
		return TRUE;
	for (guint i = 0; i < listing->filter->len; i++) {
		if (g_strcmp0 (g_ptr_array_index (listing->filter, i), service_id) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
write_lease (const char *service_id, const ArtemisLeaseInfo *lease, gpointer user_data)
{
	LeaseListing *listing = user_data;
	ArtemisJsonWriter *writer = listing->writer;
	g_autofree char *creation = format_time (lease->creation_ms);
	g_autofree char *eviction = format_time (lease->eviction_ms);
	g_autofree char *renewal = format_time (lease->renewal_ms);
	g_autofree char *path = artemis_instance_to_path (lease->instance);

	if (!listing_wants (listing, service_id))
		return;
	/* Leases arrive grouped by service: open a new array at each new service. */
	if (listing->current_service != service_id) {
		if (listing->current_service != NULL)
			artemis_json_writer_end_array (writer);
		artemis_json_writer_member (writer, service_id);
		artemis_json_writer_begin_array (writer);
		listing->current_service = service_id;
	}
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "creationTime", creation);
	artemis_json_writer_member_string (writer, "evitionTime", eviction);
	artemis_json_writer_member_string (writer, "instance", path);
	artemis_json_writer_member_string (writer, "renewalTime", renewal);
	artemis_json_writer_member_int (writer, "ttl", lease->ttl_ms);
	artemis_json_writer_end_object (writer);
	listing->count++;
}

/* `appIds=a,b` or `appIds=a&appIds=b` (protocol §3.5). */
static GPtrArray *
parse_app_ids (ArtemisRequest *request)
{
	GUri *uri = soup_server_message_get_uri (request->msg);
	const char *query = g_uri_get_query (uri);
	g_auto (GStrv) pairs = NULL;
	GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

	if (query == NULL)
		return ids;
	pairs = g_strsplit (query, "&", -1);
	for (guint i = 0; pairs[i] != NULL; i++) {
		g_autofree char *value = NULL;
		g_auto (GStrv) parts = NULL;

		if (!g_str_has_prefix (pairs[i], "appIds="))
			continue;
		value = g_uri_unescape_string (pairs[i] + strlen ("appIds="), NULL);
		if (value == NULL)
			continue;
		parts = g_strsplit (value, ",", -1);
		for (guint j = 0; parts[j] != NULL; j++) {
			char *id = g_strstrip (parts[j]);

			if (*id != '\0')
				g_ptr_array_add (ids, g_strdup (id));
		}
	}
	return ids;
}

static void
reply_leases (ArtemisRequest *request, StatusApi *api, ArtemisLeasePool pool, GPtrArray *filter)
{
	const ArtemisSafeChecker *checker = artemis_registry_get_safe_checker (api->registry, pool);
	ArtemisJsonWriter *writer = artemis_json_writer_new (4096);
	g_autoptr (ArtemisJsonWriter) leases = artemis_json_writer_new (4096);
	LeaseListing listing = { leases, filter, NULL, 0 };
	gint64 now = artemis_registry_now (api->registry);
	gsize len;
	const char *text;

	artemis_json_writer_begin_object (leases);
	artemis_registry_foreach_lease (api->registry, pool, write_lease, &listing);
	if (listing.current_service != NULL)
		artemis_json_writer_end_array (leases);
	artemis_json_writer_end_object (leases);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_bool (writer, "isSafe", artemis_safe_checker_is_safe (checker));
	artemis_json_writer_member_bool (writer, "isSafeCheckEnabled", artemis_safe_checker_is_enabled (checker));
	artemis_json_writer_member_int (writer, "leaseCount", listing.count);
	artemis_json_writer_member_int (writer, "leaseUpdateCountLastTimeWindow",
					artemis_safe_checker_get_count (checker, now));
	artemis_json_writer_member_int (writer, "leaseUpdateMaxCount", artemis_safe_checker_get_max_count (checker));
	artemis_json_writer_member_int (writer, "leaseUpdateMaxCountLastUpdateTime",
					artemis_safe_checker_get_max_count_update_time (checker));
	artemis_json_writer_member (writer, "leases");
	text = artemis_json_writer_peek (leases, &len);
	artemis_json_writer_raw (writer, text, len);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
handle_leases (ArtemisRequest *request, StatusApi *api, ArtemisLeasePool pool)
{
	g_autoptr (ArtemisSimpleRequest) decoded = NULL;
	g_autoptr (GPtrArray) app_ids = NULL;

	if (!check_body (request, &decoded) ||
	    !allow (request, api, pool == ARTEMIS_LEASE_POOL_NORMAL ? "get-leases" : "get-legacy-leases",
		    leases_limited))
		return;
	if (decoded != NULL) {
		reply_leases (request, api, pool, decoded->service_ids);
		return;
	}
	app_ids = parse_app_ids (request);
	reply_leases (request, api, pool, app_ids);
}

static void
on_leases (ArtemisRequest *request, gpointer user_data)
{
	handle_leases (request, user_data, ARTEMIS_LEASE_POOL_NORMAL);
}

static void
on_legacy_leases (ArtemisRequest *request, gpointer user_data)
{
	handle_leases (request, user_data, ARTEMIS_LEASE_POOL_LEGACY);
}

typedef struct {
	GPtrArray *names; /* with the text of each name in values */
	GHashTable *values;
	const char *prefix; /* only keys starting with it, or NULL */
} PropertyListing;

static void
collect_property (const char *name, const char *value, gpointer user_data)
{
	PropertyListing *listing = user_data;
	char *key;

	if (listing->prefix != NULL && !g_str_has_prefix (name, listing->prefix))
		return;
	key = g_strdup (name);
	g_ptr_array_add (listing->names, key);
	g_hash_table_insert (listing->values, key,
			     g_strdup_printf ("{ key: %s, value: %s, typedValue: %s }", name, value, value));
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Sorted by key, as Java lists them (protocol §3.5). */
static void
write_properties (ArtemisJsonWriter *writer, StatusApi *api, const char *prefix)
{
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
	PropertyListing listing = { names, values, prefix };

	artemis_config_foreach (api->config, collect_property, &listing);
	g_ptr_array_sort (names, compare_names);
	artemis_json_writer_begin_object (writer);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index (names, i);

		artemis_json_writer_member_string (writer, name, g_hash_table_lookup (values, name));
	}
	artemis_json_writer_end_object (writer);
}

static void
write_sources (ArtemisJsonWriter *writer, StatusApi *api)
{
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_int (writer, "defaults", 0);
	if (api->config->loaded_file != NULL)
		artemis_json_writer_member_int (writer, api->config->loaded_file, 1);
	artemis_json_writer_end_object (writer);
}

static void
on_config (ArtemisRequest *request, gpointer user_data)
{
	StatusApi *api = user_data;
	ArtemisJsonWriter *writer;

	if (!check_body (request, NULL) || !allow (request, api, "get-config", config_limited))
		return;
	writer = artemis_json_writer_new (4096);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "properties");
	write_properties (writer, api, NULL);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "sources");
	write_sources (writer, api);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

/* The host part of the node URL. */
static char *
node_host (StatusApi *api)
{
	g_autoptr (GUri) uri = g_uri_parse (artemis_node_get_url (api->node), G_URI_FLAGS_NONE, NULL);

	return g_strdup (uri != NULL ? g_uri_get_host (uri) : NULL);
}

static void
on_deployment (ArtemisRequest *request, gpointer user_data)
{
	StatusApi *api = user_data;
	ArtemisJsonWriter *writer;
	g_autofree char *ip = NULL;
	const char *path = api->config->context_path;

	if (!check_body (request, NULL) || !allow (request, api, "get-deployment", deployment_limited))
		return;
	ip = node_host (api);
	writer = artemis_json_writer_new (1024);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "appId", api->config->app_id);
	artemis_json_writer_member_string (writer, "ip", ip);
	artemis_json_writer_member_string (writer, "machineName", g_get_host_name ());
	artemis_json_writer_member_string (writer, "path", path != NULL && *path != '\0' ? path : NULL);
	artemis_json_writer_member_int (writer, "port", artemis_server_get_port (api->server));
	artemis_json_writer_member (writer, "properties");
	write_properties (writer, api, "deployment.");
	artemis_json_writer_member_string (writer, "protocol", "http");
	artemis_json_writer_member_string (writer, "regionId", artemis_node_get_region_id (api->node));
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "sources");
	write_sources (writer, api);
	artemis_json_writer_member_string (writer, "zoneId", artemis_node_get_zone_id (api->node));
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

/* A bare map of decimal strings, without responseStatus (protocol §3.5). */
static void
on_connections (ArtemisRequest *request, gpointer user_data)
{
	StatusApi *api = user_data;
	ArtemisJsonWriter *writer = artemis_json_writer_new (64);
	g_autofree char *registry =
		g_strdup_printf ("%u", artemis_ws_hub_get_n_sessions (api->ws_hub, ARTEMIS_WS_ENDPOINT_HEARTBEAT));
	g_autofree char *discovery = g_strdup_printf (
		"%u", artemis_ws_hub_get_n_sessions (api->ws_hub, ARTEMIS_WS_ENDPOINT_INSTANCE_CHANGE));

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "registry", registry);
	artemis_json_writer_member_string (writer, "discovery", discovery);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

void
artemis_api_status_add_routes (ArtemisServer *server, const ArtemisConfig *config, ArtemisCluster *cluster,
			       ArtemisRegistry *registry, ArtemisWsHub *ws_hub, ArtemisRateLimits *limits)
{
	static const struct {
		const char *path;
		ArtemisRouteHandler handler;
	} routes[] = {
		{ "/api/status/node.json", on_node },
		{ "/api/status/cluster.json", on_cluster },
		{ "/api/status/leases.json", on_leases },
		{ "/api/status/legacy-leases.json", on_legacy_leases },
		{ "/api/status/config.json", on_config },
		{ "/api/status/deployment.json", on_deployment },
		{ "/api/status/message/connections.json", on_connections },
	};
	StatusApi *api = g_new0 (StatusApi, 1);

	api->config = config;
	api->server = server;
	api->cluster = cluster;
	api->node = artemis_cluster_get_local_node (cluster);
	api->registry = registry;
	api->ws_hub = ws_hub;
	api->limits = limits;
	artemis_api_own (server, api, g_free);

	for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
		artemis_server_add_route (server, routes[i].path, ARTEMIS_METHOD_GET | ARTEMIS_METHOD_POST,
					  routes[i].handler, api);
}
