/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api.h"

/*
 * For load balancers, orchestrators and Prometheus, outside the Java
 * protocol: `/healthz` (the process answers), `/readyz` (the node should be
 * given traffic: 503 with the reason when not) and `/metrics`.
 */

typedef struct {
	ArtemisNode *node;
	ArtemisRegistry *registry;
	ArtemisStorage *storage;
	ArtemisWsHub *ws_hub;
	ArtemisMetrics *metrics;
} HealthApi;

static const char *const pool_names[ARTEMIS_N_LEASE_POOLS] = { "normal", "legacy" };
static const char *const ws_endpoint_names[ARTEMIS_WS_N_ENDPOINTS] = {
	"/ws/registry/heartbeat",
	"/ws/discovery/instance-change",
	"/ws/discovery/all-instance-change",
};

/*
 * Why the node should not be given traffic, or NULL. A condition of a
 * later subsystem (the cluster view, once it exists) goes here as one
 * more test.
 */
static char *
not_ready_reason (HealthApi *api)
{
	ArtemisNodeState state = artemis_node_get_state (api->node);

	if (state != ARTEMIS_NODE_UP)
		return g_strdup_printf ("node status is %s", artemis_node_state_to_string (state));
	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++) {
		const ArtemisSafeChecker *checker = artemis_registry_get_safe_checker (api->registry, i);

		if (artemis_safe_checker_is_enabled (checker) && !artemis_safe_checker_is_safe (checker))
			return g_strdup_printf ("the %s lease pool is not safe: renewals collapsed, expiry is suspended",
						pool_names[i]);
	}
	if (api->storage == NULL || !artemis_storage_is_usable (api->storage))
		return g_strdup ("the management store is not usable");
	return NULL;
}

static void
reply (ArtemisRequest *request, guint status, const char *content_type, GBytes *body)
{
	SoupServerMessage *msg = request->msg;

	soup_server_message_set_status (msg, status, NULL);
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Type", content_type);
	/* Never cached: each probe wants the state of now. */
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
	soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

static void
reply_writer (ArtemisRequest *request, guint status, ArtemisJsonWriter *writer)
{
	g_autoptr (GBytes) body = artemis_json_writer_free_to_bytes (writer);

	reply (request, status, "application/json;charset=UTF-8", body);
}

static void
on_healthz (ArtemisRequest *request, gpointer user_data)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (32);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "status", "alive");
	artemis_json_writer_end_object (writer);
	reply_writer (request, SOUP_STATUS_OK, writer);
}

static void
on_readyz (ArtemisRequest *request, gpointer user_data)
{
	g_autofree char *reason = not_ready_reason (user_data);
	ArtemisJsonWriter *writer = artemis_json_writer_new (128);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_bool (writer, "ready", reason == NULL);
	if (reason != NULL)
		artemis_json_writer_member_string (writer, "reason", reason);
	artemis_json_writer_end_object (writer);
	reply_writer (request, reason == NULL ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, writer);
}

static void
write_gauge (GString *out, const char *name, const char *help, double value)
{
	artemis_metrics_write_family (out, name, "gauge", help);
	artemis_metrics_write_sample (out, name, NULL, value);
}

/* The state of the node, read at each scrape. */
static void
collect_node (GString *out, gpointer user_data)
{
	HealthApi *api = user_data;
	g_autofree char *reason = not_ready_reason (api);
	ArtemisWsHubStats stats;

	write_gauge (out, "artemis_node_up", "1 when this node's status is up.",
		     artemis_node_get_state (api->node) == ARTEMIS_NODE_UP);
	write_gauge (out, "artemis_ready", "1 when /readyz answers 200.", reason == NULL);
	write_gauge (out, "artemis_instances", "Registered instances (leases).",
		     artemis_registry_get_n_instances (api->registry));
	write_gauge (out, "artemis_services", "Services with at least one registered instance.",
		     artemis_registry_get_n_services (api->registry));
	artemis_metrics_write_family (out, "artemis_leases_expired_total", "counter",
				      "Leases removed because they were not renewed in time.");
	artemis_metrics_write_sample (out, "artemis_leases_expired_total", NULL,
				      artemis_registry_get_n_expired (api->registry));

	artemis_metrics_write_family (out, "artemis_safe_checker_safe", "gauge",
				      "1 while the lease pool's safe checker lets leases expire (protocol §5.4).");
	for (guint i = 0; i < ARTEMIS_N_LEASE_POOLS; i++) {
		const char *labels[] = { "pool", pool_names[i], NULL };

		artemis_metrics_write_sample (
			out, "artemis_safe_checker_safe", labels,
			artemis_safe_checker_is_safe (artemis_registry_get_safe_checker (api->registry, i)));
	}

	artemis_metrics_write_family (out, "artemis_websocket_sockets", "gauge", "Open WebSocket sessions, by endpoint.");
	for (guint i = 0; i < ARTEMIS_WS_N_ENDPOINTS; i++) {
		const char *labels[] = { "endpoint", ws_endpoint_names[i], NULL };

		artemis_metrics_write_sample (out, "artemis_websocket_sockets", labels,
					      artemis_ws_hub_get_n_sessions (api->ws_hub, i));
	}
	artemis_ws_hub_get_stats (api->ws_hub, &stats);
	artemis_metrics_write_family (out, "artemis_websocket_pushed_total", "counter",
				      "Frames handed to WebSocket sockets.");
	artemis_metrics_write_sample (out, "artemis_websocket_pushed_total", NULL, stats.pushed);
	artemis_metrics_write_family (out, "artemis_websocket_queue_drops_total", "counter",
				      "Frames dropped because a socket's send queue was full.");
	artemis_metrics_write_sample (out, "artemis_websocket_queue_drops_total", NULL, stats.dropped);
	artemis_metrics_write_family (out, "artemis_websocket_queue_overflows_total", "counter",
				      "Times a socket's send queue was full.");
	artemis_metrics_write_sample (out, "artemis_websocket_queue_overflows_total", NULL, stats.overflows);
}

static void
on_metrics (ArtemisRequest *request, gpointer user_data)
{
	HealthApi *api = user_data;
	g_autoptr (GBytes) body = artemis_metrics_render (api->metrics);

	reply (request, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", body);
}

void
artemis_api_health_add_routes (ArtemisServer *server, ArtemisNode *node, ArtemisRegistry *registry,
			       ArtemisStorage *storage, ArtemisWsHub *ws_hub, ArtemisMetrics *metrics)
{
	HealthApi *api = g_new0 (HealthApi, 1);

	api->node = node;
	api->registry = registry;
	api->storage = storage;
	api->ws_hub = ws_hub;
	api->metrics = metrics;
	artemis_api_own (server, api, g_free);
	artemis_metrics_add_collector (metrics, collect_node, api, NULL);
	artemis_server_add_route (server, "/healthz", ARTEMIS_METHOD_GET, on_healthz, api);
	artemis_server_add_route (server, "/readyz", ARTEMIS_METHOD_GET, on_readyz, api);
	artemis_server_add_route (server, "/metrics", ARTEMIS_METHOD_GET, on_metrics, api);
}
