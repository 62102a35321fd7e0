/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "artemis-api-common.h"
#include "artemis-api.h"

/* RFC 7231 §6.5.15 (not among libsoup's status codes). */
#define HTTP_UPGRADE_REQUIRED 426

/* What the handlers of this area use of the node. */
typedef struct {
	const ArtemisConfig *config;
	ArtemisServer *server;
	ArtemisRegistry *registry;
	ArtemisWsHub *ws_hub;
	ArtemisRateLimits *limits;
} WebSocketApi;

/* What Java answers a heartbeat text it cannot parse (protocol §4.2, §14.2 #16). */
static const char unparsable_heartbeat_reply[] =
	"{\"failedInstances\":null,\"responseStatus\":{\"errorCode\":\"success\",\"message\":\"\","
	"\"status\":\"success\"}}";

/* One WebSocket endpoint (protocol §4), the user data of its SoupServer handler. */
typedef struct {
	WebSocketApi *api;
	ArtemisWsEndpoint id;
	char *path; /* with the context path */
	GPtrArray *black_list; /* IP addresses, or NULL when not applied */
	ArtemisWsMessageFunc on_message;
} Endpoint;

static void
endpoint_free (Endpoint *endpoint)
{
	g_free (endpoint->path);
	g_clear_pointer (&endpoint->black_list, g_ptr_array_unref);
	g_free (endpoint);
}

/* ---- the three protocols ----------------------------------------------- */

static gboolean
is_json_null (const char *data, gsize len)
{
	while (len > 0 && g_ascii_isspace (*data)) {
		data++;
		len--;
	}
	while (len > 0 && g_ascii_isspace (data[len - 1]))
		len--;
	return len == 4 && memcmp (data, "null", 4) == 0;
}

/* Each text is a HeartbeatRequest, handled as POST heartbeat.json is (protocol §4.2). */
static void
on_heartbeat_message (ArtemisWsSession *session, GBytes *message, gpointer user_data)
{
	Endpoint *endpoint = user_data;
	gsize len;
	const char *data = g_bytes_get_data (message, &len);
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisJsonWriter) writer = NULL;
	const char *json;
	gsize json_len;

	if (is_json_null (data, len)) {
		g_set_error_literal (&error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request is null");
	} else if (!artemis_codec_decode_instances_request (
			   data, len, artemis_registry_get_max_instances_per_request (endpoint->api->registry),
			   &instances, NULL)) {
		artemis_ws_session_send (session, unparsable_heartbeat_reply, strlen (unparsable_heartbeat_reply));
		return;
	} else if (!artemis_rate_limits_allow (endpoint->api->limits, ARTEMIS_RATE_LIMITER_REGISTRY, "heartbeat")) {
		artemis_rate_limits_set_error (&error);
	} else {
		failed = artemis_registry_handle (endpoint->api->registry, ARTEMIS_REGISTRY_HEARTBEAT,
						  ARTEMIS_REGISTRY_FROM_CLIENT, instances, &error);
	}
	writer = artemis_json_writer_new (128);
	artemis_api_write_registry_response (writer, failed, error,
					     artemis_registry_get_max_answer_size (endpoint->api->registry));
	json = artemis_json_writer_peek (writer, &json_len);
	artemis_ws_session_send (session, json, json_len);
}

/* Each text is a DiscoveryConfig to subscribe to; no answer, bad ones ignored (protocol §4.3). */
static void
on_discovery_message (ArtemisWsSession *session, GBytes *message, gpointer user_data)
{
	gsize len;
	const char *data = g_bytes_get_data (message, &len);
	g_autoptr (ArtemisJsonScanner) scanner = artemis_json_scanner_new (data, len);
	g_autoptr (ArtemisDiscoveryConfig) config = NULL;

	if (!artemis_codec_read_discovery_config (scanner, &config, NULL) ||
	    !artemis_json_scanner_finish (scanner, NULL) || config == NULL)
		return;
	artemis_ws_session_subscribe (session, config->service_id);
}

/* The all-instance-change socket only listens (protocol §4.4). */
static void
on_ignored_message (ArtemisWsSession *session, GBytes *message, gpointer user_data)
{
}

/* ---- the handshake ----------------------------------------------------- */

/* Protocol §4.1: the TCP peer address (no proxy headers), compared ignoring case. */
static gboolean
is_black_listed (Endpoint *endpoint, const char *address)
{
	if (endpoint->black_list == NULL || address == NULL)
		return FALSE;
	for (guint i = 0; i < endpoint->black_list->len; i++) {
		if (g_ascii_strcasecmp (g_ptr_array_index (endpoint->black_list, i), address) == 0)
			return TRUE;
	}
	return FALSE;
}

/* Sent the 101: from here on the socket speaks WebSocket, through the hub. */
static void
on_wrote_informational (SoupServerMessage *msg, gpointer user_data)
{
	Endpoint *endpoint = user_data;
	g_autoptr (GSocket) socket = NULL;
	g_autoptr (GIOStream) stream = NULL;

	if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
		return;
	stream = artemis_server_steal_connection (endpoint->api->server, msg, &socket);
	/*
	 * Every push is one whole frame: Nagle would only hold it back until the
	 * client acknowledges the previous one, which a delayed ACK makes 40 ms.
	 */
	g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
	artemis_ws_hub_accept (endpoint->api->ws_hub, endpoint->id, stream, socket, endpoint->on_message, endpoint);
}

/* A refused handshake in the API's JSON shape, in place of what libsoup may have put there. */
static void
refuse_handshake (SoupServerMessage *msg, guint status, const char *message)
{
	ArtemisRequest request = { msg, 0, NULL, 0, NULL };

	soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Content-Type");
	soup_message_body_truncate (soup_server_message_get_response_body (msg));
	artemis_request_reply_error (&request, status, "bad-request", message);
}

/*
 * RFC 6455 §4.4: a version the server does not speak gets 426 and the
 * versions it does (libsoup would answer 400 with an HTML page).
 */
static gboolean
check_version (SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
	const char *version = soup_message_headers_get_one (headers, "Sec-WebSocket-Version");
	g_autofree char *message = NULL;

	if (g_strcmp0 (version, "13") == 0 || !soup_message_headers_header_equals (headers, "Upgrade", "websocket"))
		return TRUE;
	message = version != NULL ? g_strdup_printf ("WebSocket version %s is not supported: this server speaks 13 "
						     "(RFC 6455).", version)
				  : g_strdup ("Sec-WebSocket-Version is missing: this server speaks 13 (RFC 6455).");
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Sec-WebSocket-Version", "13");
	refuse_handshake (msg, HTTP_UPGRADE_REQUIRED, message);
	/* libsoup 3.2 has no phrase for 426. */
	soup_server_message_set_status (msg, HTTP_UPGRADE_REQUIRED, "Upgrade Required");
	return FALSE;
}

static void
on_handshake (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
	      gpointer user_data)
{
	Endpoint *endpoint = user_data;

	/* libsoup also routes sub-paths here; Java knows only the exact path. */
	if (strcmp (path, endpoint->path) != 0) {
		soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
		return;
	}
	if (is_black_listed (endpoint, soup_server_message_get_remote_host (msg))) {
		soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
		return;
	}
	if (artemis_ws_hub_is_full (endpoint->api->ws_hub)) {
		soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
		return;
	}
	if (!check_version (msg))
		return;
	/* Any origin, no sub-protocol, no extension (frames are shared between sockets as they are). */
	if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL)) {
		refuse_handshake (msg, soup_server_message_get_status (msg), "Not a valid WebSocket handshake.");
		return;
	}
	g_signal_connect (msg, "wrote-informational", G_CALLBACK (on_wrote_informational), endpoint);
}

/* The configured list: entries separated by ';' (the key file) or ',' (as Java has it). */
static GPtrArray *
parse_black_list (gboolean enabled, char **entries)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

	if (!enabled)
		return NULL;
	for (guint i = 0; entries[i] != NULL; i++) {
		g_auto (GStrv) parts = g_strsplit (entries[i], ",", -1);

		for (guint j = 0; parts[j] != NULL; j++) {
			char *address = g_strstrip (parts[j]);

			if (*address != '\0')
				g_ptr_array_add (list, g_strdup (address));
		}
	}
	return list->len > 0 ? g_steal_pointer (&list) : NULL;
}

static void
add_endpoint (WebSocketApi *api, ArtemisWsEndpoint id, const char *path, ArtemisWsMessageFunc on_message,
	      gboolean black_list_enabled, char **black_list)
{
	Endpoint *endpoint = g_new0 (Endpoint, 1);

	endpoint->api = api;
	endpoint->id = id;
	endpoint->path = g_strconcat (artemis_server_get_context_path (api->server), path, NULL);
	endpoint->black_list = parse_black_list (black_list_enabled, black_list);
	endpoint->on_message = on_message;
	soup_server_add_handler (artemis_server_get_soup_server (api->server), endpoint->path, on_handshake,
				 endpoint, (GDestroyNotify) endpoint_free);
}

void
artemis_api_websocket_add_routes (ArtemisServer *server, const ArtemisConfig *config, ArtemisRegistry *registry,
				  ArtemisWsHub *ws_hub, ArtemisRateLimits *limits)
{
	WebSocketApi *api = g_new0 (WebSocketApi, 1);

	api->config = config;
	api->server = server;
	api->registry = registry;
	api->ws_hub = ws_hub;
	api->limits = limits;
	artemis_api_own (server, api, g_free);
	add_endpoint (api, ARTEMIS_WS_ENDPOINT_HEARTBEAT, "/ws/registry/heartbeat", on_heartbeat_message,
		      config->ws_heartbeat_black_list_enabled, config->ws_heartbeat_black_list);
	add_endpoint (api, ARTEMIS_WS_ENDPOINT_INSTANCE_CHANGE, "/ws/discovery/instance-change",
		      on_discovery_message, config->ws_discovery_black_list_enabled,
		      config->ws_discovery_black_list);
	add_endpoint (api, ARTEMIS_WS_ENDPOINT_ALL_CHANGES, "/ws/discovery/all-instance-change",
		      on_ignored_message, config->ws_all_changes_black_list_enabled,
		      config->ws_all_changes_black_list);
}
