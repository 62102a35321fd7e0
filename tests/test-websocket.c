/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"
#include "artemis-test-ws.h"

/*
 * The three WebSocket endpoints (protocol §4) against an in-process
 * server, byte for byte, plus their limits and backpressure; the memory
 * bound is also checked on the real daemon. JSON is written with ' for "
 * (see artemis_test_json()); the registry clock is injected, so every
 * changeTime is exact.
 */

#define BASE_CONFIG                                                        \
	"[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"                    \
	"[lease]\nclean-interval=5000\nsafe-check-interval=60000\n"        \
	"[legacy-lease]\nclean-interval=5000\nsafe-check-interval=60000\n" \
	"[discovery]\ncache-refresh-init-delay=300000\n"

static const char default_config[] = BASE_CONFIG;
static const char context_config[] = BASE_CONFIG "[server]\ncontext-path=/artemis-service\n";
static const char small_config[] = BASE_CONFIG "[websocket]\nmax-message-size=1024\nmax-sockets=3\n"
					       "max-subscriptions=2\n";
static const char black_list_config[] = BASE_CONFIG "[websocket]\nheartbeat-black-list=10.1.1.1, 127.0.0.1\n"
						    "discovery-black-list=127.0.0.1\n"
						    "discovery-black-list-enabled=false\n";
/* The test sweeps itself, on the pinned clock. */
static const char ttl_config[] = BASE_CONFIG "[websocket]\nsession-ttl=1000\nsession-check-interval=3600000\n";

/* ---- expected JSON ----------------------------------------------------- */

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define PARTIAL_FAIL "{'errorCode':'partial_fail','message':'','status':'partial_fail'}"
#define FAIL(code, message) "{'errorCode':'" code "','message':'" message "','status':'fail'}"

#define INSTANCE(id, service)                                                                    \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'" id "','ip':'10.0.0.5',"           \
	"'machineName':'app-5','metadata':null,'port':8080,'protocol':'http','regionId':'SHA'," \
	"'serviceId':'" service "','status':'up','url':'http://10.0.0.5:8080/hello','zoneId':'SHA-Z1'}"
#define I1 INSTANCE ("i-1", "demo.hello")
#define I2 INSTANCE ("i-2", "demo.hello")
#define I3 INSTANCE ("i-3", "other.svc")

#define INSTANCES(list) "{'instances':[" list "]}"
#define REGISTRY_OK "{'failedInstances':null,'responseStatus':" OK "}"
#define REGISTRY_ERROR(code, message) "{'failedInstances':null,'responseStatus':" FAIL (code, message) "}"
#define NOT_EXISTING(path, instance)                                                                   \
	"{'failedInstances':[{'errorCode':'data-not-found','errorMessage':'" path                      \
	": Instance is not exising! Need re-register.','instance':" instance "}],'responseStatus':" \
	PARTIAL_FAIL "}"
#define I2_NOT_EXISTING NOT_EXISTING ("sha/sha-z1/demo.hello/i-2", I2)

#define EPOCH "1700000000000"
#define CHANGE(time, type, instance) "{'changeTime':" time ",'changeType':'" type "','instance':" instance "}"
#define RELOAD(service)                                                                               \
	CHANGE (EPOCH, "reload",                                                                      \
		"{'groupId':null,'healthCheckUrl':null,'instanceId':'reload','ip':'0.0.0.0',"         \
		"'machineName':null,'metadata':null,'port':0,'protocol':null,'regionId':null,"       \
		"'serviceId':'" service "','status':null,'url':'http://serviceId/reload','zoneId':null}")
#define SUBSCRIBE(service) "{'discoveryData':null,'regionId':null,'serviceId':'" service "','zoneId':null}"

#define HEARTBEAT_PATH "/ws/registry/heartbeat"
#define DISCOVERY_PATH "/ws/discovery/instance-change"
#define ALL_CHANGES_PATH "/ws/discovery/all-instance-change"
#define REGISTER "/api/registry/register.json"
#define UNREGISTER "/api/registry/unregister.json"
#define CONNECTIONS "/api/status/message/connections.json"

/* ---- helpers ----------------------------------------------------------- */

static void
send_json (ArtemisTestWs *ws, const char *quoted)
{
	g_autofree char *json = artemis_test_json (quoted);

	artemis_test_ws_send_text (ws, json);
}

static void
assert_text (ArtemisTestWs *ws, const char *quoted)
{
	g_autofree char *expected = artemis_test_json (quoted);
	g_autofree char *text = artemis_test_ws_receive_text (ws);

	g_assert_cmpstr (text, ==, expected);
}

/* Frames are handled in order: once the pong is back, so is everything sent before the ping. */
static void
sync_ws (ArtemisTestWs *ws)
{
	g_autoptr (ArtemisTestWsFrame) frame = NULL;

	artemis_test_ws_send_ping (ws, "sync");
	frame = artemis_test_ws_next (ws, 15000);
	g_assert_nonnull (frame);
	g_assert_cmpuint (frame->opcode, ==, ARTEMIS_TEST_WS_PONG);
	g_assert_cmpstr (frame->payload, ==, "sync");
}

static ArtemisTestWs *
subscribe (guint port, const char *service_id)
{
	ArtemisTestWs *ws = artemis_test_ws_connect (port, DISCOVERY_PATH);
	g_autofree char *config = g_strdup_printf (SUBSCRIBE ("%s"), service_id);

	send_json (ws, config);
	sync_ws (ws);
	return ws;
}

static void
assert_post (ArtemisTestServer *server, const char *path, const char *quoted_body, const char *quoted_expected)
{
	g_autofree char *body = artemis_test_json (quoted_body);
	g_autofree char *expected = artemis_test_json (quoted_expected);
	g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (server->port, path, body);

	g_assert_cmpuint (response->status, ==, 200);
	g_assert_cmpstr (response->text, ==, expected);
}

static void
assert_connections (ArtemisTestServer *server, guint registry, guint discovery)
{
	g_autofree char *expected =
		g_strdup_printf ("{\"registry\":\"%u\",\"discovery\":\"%u\"}", registry, discovery);
	gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

	/* A closed socket leaves the count on the server's next iterations. */
	for (;;) {
		g_autoptr (ArtemisTestResponse) response = artemis_test_get (server->port, CONNECTIONS);

		if (g_strcmp0 (response->text, expected) == 0 || g_get_monotonic_time () > deadline) {
			g_assert_cmpstr (response->text, ==, expected);
			return;
		}
		artemis_test_wait_ms (10);
	}
}

static guint
upgrade_status (guint port, const char *path)
{
	guint status = 0;
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect_full (port, path, 0, &status);

	return status;
}

/* @n instances i-0… of @service_id, decoded once and registered many times. */
static GPtrArray *
make_instances (guint n, const char *service_id)
{
	g_autoptr (GString) json = g_string_new ("{\"instances\":[");
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GError) error = NULL;

	for (guint i = 0; i < n; i++) {
		g_autofree char *id = g_strdup_printf ("i-%u", i);
		g_autofree char *instance = g_strdup_printf (INSTANCE ("%s", "%s"), id, service_id);
		g_autofree char *real = artemis_test_json (instance);

		g_string_append_printf (json, "%s%s", i > 0 ? "," : "", real);
	}
	g_string_append (json, "]}");
	g_assert_true (artemis_codec_decode_instances_request (json->str, json->len, G_MAXUINT, &instances, &error));
	g_assert_no_error (error);
	return g_steal_pointer (&instances);
}

/*
 * Takes every frame that arrives until @ws is quiet for @quiet_ms; returns
 * how many were texts and whether one of them contained @needle.
 */
static gboolean
drain (ArtemisTestWs *ws, guint quiet_ms, const char *needle, guint *n_texts)
{
	gboolean found = FALSE;

	*n_texts = 0;
	for (;;) {
		g_autoptr (ArtemisTestWsFrame) frame = artemis_test_ws_next (ws, quiet_ms);

		if (frame == NULL)
			return found;
		if (frame->opcode != ARTEMIS_TEST_WS_TEXT)
			continue;
		(*n_texts)++;
		found |= strstr (frame->payload, needle) != NULL;
	}
}

/* ---- /ws/registry/heartbeat -------------------------------------------- */

static void
test_heartbeat (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);

	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	/* Protocol §4.2's exchange: the unknown instance comes back as data-not-found. */
	send_json (ws, INSTANCES (I1 "," I2));
	assert_text (ws, I2_NOT_EXISTING);

	/* One reply per message, in order, whatever each one is. */
	send_json (ws, INSTANCES (I1));
	artemis_test_ws_send_text (ws, "{\"instances\":[");
	artemis_test_ws_send_text (ws, " null ");
	send_json (ws, "{'instances':[]}");
	send_json (ws, "{'instances':[null]}");
	assert_text (ws, REGISTRY_OK);
	/* Java's quirk (§14.2 #16): what does not parse gets a success. */
	assert_text (ws, REGISTRY_OK);
	assert_text (ws, REGISTRY_ERROR ("bad-request", "request is null"));
	assert_text (ws, REGISTRY_ERROR ("bad-request", "request.instances is null or empty."));
	assert_text (ws, REGISTRY_OK);
	g_assert_true (artemis_test_ws_is_quiet (ws, 50));
}

static void
test_heartbeat_renews (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);

	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	server->now_ms += 15000;
	send_json (ws, INSTANCES (I1));
	assert_text (ws, REGISTRY_OK);
	/* Renewed at +15 s, so alive at +30 s although registered at 0 with a 20 s TTL. */
	server->now_ms += 15000;
	g_assert_cmpuint (artemis_registry_clean (artemis_daemon_get_registry (server->daemon)), ==, 0);
	send_json (ws, INSTANCES (I1));
	assert_text (ws, REGISTRY_OK);
	server->now_ms += 20001;
	send_json (ws, INSTANCES (I1));
	assert_text (ws, NOT_EXISTING ("sha/sha-z1/demo.hello/i-1", I1));
}

/* ---- the Java client's flow (protocol §15.2, §15.5), through libsoup's client ---- */

typedef struct {
	SoupWebsocketConnection *connection;
	GError *error;
	GQueue messages; /* char * */
} SoupClient;

static void
on_soup_message (SoupWebsocketConnection *connection, gint type, GBytes *message, gpointer user_data)
{
	SoupClient *client = user_data;
	gsize len;
	const char *data = g_bytes_get_data (message, &len);

	g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
	g_queue_push_tail (&client->messages, g_strndup (data, len));
}

static void
on_soup_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
	SoupClient *client = user_data;

	client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &client->error);
	if (client->connection != NULL)
		g_signal_connect (client->connection, "message", G_CALLBACK (on_soup_message), client);
}

static void
soup_client_connect (SoupClient *client, SoupSession *session, guint port, const char *path)
{
	g_autofree char *uri = g_strdup_printf ("ws://127.0.0.1:%u%s", port, path);
	g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
	gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

	g_queue_init (&client->messages);
	soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, on_soup_connected,
					      client);
	while (client->connection == NULL && client->error == NULL && g_get_monotonic_time () < deadline)
		g_main_context_iteration (NULL, TRUE);
	g_assert_no_error (client->error);
	g_assert_nonnull (client->connection);
}

static char *
soup_client_receive (SoupClient *client)
{
	gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

	while (g_queue_is_empty (&client->messages) && g_get_monotonic_time () < deadline)
		g_main_context_iteration (NULL, TRUE);
	g_assert_false (g_queue_is_empty (&client->messages));
	return g_queue_pop_head (&client->messages);
}

static void
soup_client_close (SoupClient *client)
{
	soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
	while (soup_websocket_connection_get_state (client->connection) != SOUP_WEBSOCKET_STATE_CLOSED)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpuint (soup_websocket_connection_get_close_code (client->connection), ==,
			  SOUP_WEBSOCKET_CLOSE_NORMAL);
	g_clear_object (&client->connection);
	g_queue_clear_full (&client->messages, g_free);
}

static void
assert_soup_text (SoupClient *client, const char *quoted)
{
	g_autofree char *expected = artemis_test_json (quoted);
	g_autofree char *text = soup_client_receive (client);

	g_assert_cmpstr (text, ==, expected);
}

static void
test_java_client_flow (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (SoupSession) session = soup_session_new ();
	SoupClient heartbeat = { 0 };
	SoupClient discovery = { 0 };
	g_autofree char *hello = artemis_test_json (INSTANCES (I1));
	g_autofree char *subscription = artemis_test_json (SUBSCRIBE ("demo.hello"));

	/* libsoup's client offers permessage-deflate; the server declines it. */
	soup_client_connect (&discovery, session, server->port, DISCOVERY_PATH);
	g_assert_null (soup_websocket_connection_get_extensions (discovery.connection));
	soup_websocket_connection_send_text (discovery.connection, subscription);
	soup_client_connect (&heartbeat, session, server->port, HEARTBEAT_PATH);

	/* register() only remembers the instance; the heartbeat finds it unknown… */
	soup_websocket_connection_send_text (heartbeat.connection, hello);
	assert_soup_text (&heartbeat, NOT_EXISTING ("sha/sha-z1/demo.hello/i-1", I1));
	/* …so the client registers it over HTTP, and the subscriber hears of it… */
	server->now_ms += 5;
	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_soup_text (&discovery, CHANGE ("1700000000005", "new", I1));
	/* …and the next heartbeat succeeds. */
	soup_websocket_connection_send_text (heartbeat.connection, hello);
	assert_soup_text (&heartbeat, REGISTRY_OK);

	assert_connections (server, 1, 1);
	soup_client_close (&heartbeat);
	soup_client_close (&discovery);
	assert_connections (server, 0, 0);
}

/* ---- /ws/discovery/instance-change ------------------------------------- */

static void
test_instance_change (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = subscribe (server->port, "demo.hello");
	g_autoptr (ArtemisTestWs) other = subscribe (server->port, "other.svc");

	/* Subscribing has no answer. */
	g_assert_true (artemis_test_ws_is_quiet (ws, 20));
	assert_post (server, REGISTER, INSTANCES (I1 "," I3), REGISTRY_OK);
	assert_text (ws, CHANGE (EPOCH, "new", I1));
	assert_text (other, CHANGE (EPOCH, "new", I3));
	/* Every register is a `new`, even of a known instance (protocol §4.5). */
	server->now_ms += 1000;
	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_text (ws, CHANGE ("1700000001000", "new", I1));

	server->now_ms += 1000;
	assert_post (server, UNREGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_text (ws, CHANGE ("1700000002000", "delete", I1));

	/* Lease expiry: the sweep records the delete. */
	server->now_ms += 20001;
	g_assert_cmpuint (artemis_registry_clean (artemis_daemon_get_registry (server->daemon)), ==, 1);
	assert_text (other, CHANGE ("1700000022001", "delete", I3));

	g_assert_true (artemis_test_ws_is_quiet (ws, 20));
	g_assert_true (artemis_test_ws_is_quiet (other, 0));
}

static void
test_instance_change_subscriptions (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, DISCOVERY_PATH);

	/* Broken or empty subscriptions are ignored and leave the socket open. */
	artemis_test_ws_send_text (ws, "{\"serviceId\":");
	artemis_test_ws_send_text (ws, "null");
	artemis_test_ws_send_text (ws, "[\"demo.hello\"]");
	send_json (ws, SUBSCRIBE (""));
	/* Matching ignores case (§14.2 #5); a repeated subscription adds nothing. */
	send_json (ws, SUBSCRIBE ("DEMO.Hello"));
	send_json (ws, "{'SERVICEID':'demo.hello','unknown':[1]}");
	sync_ws (ws);

	assert_post (server, REGISTER, INSTANCES (I1 "," I3), REGISTRY_OK);
	assert_text (ws, CHANGE (EPOCH, "new", I1));
	g_assert_true (artemis_test_ws_is_quiet (ws, 20));
}

static void
test_all_instance_change (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) all = artemis_test_ws_connect (server->port, ALL_CHANGES_PATH);
	g_autoptr (ArtemisTestWs) ws = subscribe (server->port, "demo.hello");

	/* What the client says is ignored, subscriptions included. */
	send_json (all, SUBSCRIBE ("demo.hello"));
	artemis_test_ws_send_text (all, "not json");
	sync_ws (all);
	assert_post (server, REGISTER, INSTANCES (I1 "," I3), REGISTRY_OK);
	assert_text (all, CHANGE (EPOCH, "new", I1));
	assert_text (all, CHANGE (EPOCH, "new", I3));
	/* The same bytes go to every socket. */
	assert_text (ws, CHANGE (EPOCH, "new", I1));
	assert_post (server, UNREGISTER, INSTANCES (I3), REGISTRY_OK);
	assert_text (all, CHANGE (EPOCH, "delete", I3));
	g_assert_true (artemis_test_ws_is_quiet (ws, 20));
	assert_connections (server, 0, 1);
}

/* The hook management uses to hold back `new` of instances it pulled out (§4.5). */
static gboolean
drop_new (ArtemisChange *change, gpointer user_data)
{
	guint *calls = user_data;

	(*calls)++;
	return change->type != ARTEMIS_CHANGE_NEW;
}

static void
test_change_filter (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = subscribe (server->port, "demo.hello");
	g_autoptr (ArtemisTestWs) all = artemis_test_ws_connect (server->port, ALL_CHANGES_PATH);
	guint calls = 0;

	artemis_ws_hub_set_change_filter (artemis_daemon_get_ws_hub (server->daemon), drop_new, &calls, NULL);
	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_post (server, UNREGISTER, INSTANCES (I1), REGISTRY_OK);
	assert_text (ws, CHANGE (EPOCH, "delete", I1));
	assert_text (all, CHANGE (EPOCH, "delete", I1));
	/* Asked once per change, not once per socket. */
	g_assert_cmpuint (calls, ==, 2);
	/* Nobody listening: not even asked. */
	assert_post (server, REGISTER, INSTANCES (I3), REGISTRY_OK);
	g_assert_cmpuint (calls, ==, 3);
	g_assert_true (artemis_test_ws_is_quiet (ws, 20));
}

/* ---- frames, sizes and ping -------------------------------------------- */

static void
test_binary_frame (ArtemisTestServer *server, gconstpointer data)
{
	static const char *const paths[] = { HEARTBEAT_PATH, DISCOVERY_PATH, ALL_CHANGES_PATH };

	for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
		g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, paths[i]);
		g_autofree char *reason = NULL;

		artemis_test_ws_send_frame (ws, 0x80 | ARTEMIS_TEST_WS_BINARY, "\x01\x02", 2);
		reason = artemis_test_ws_expect_close (ws, 1003);
		g_assert_cmpstr (reason, ==, "Binary messages not supported");
		g_assert_true (artemis_test_ws_wait_eof (ws));
	}
	assert_connections (server, 0, 0);
}

static void
test_oversized_message (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autoptr (ArtemisTestWs) fragmented = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autofree char *big = g_strnfill (1025, ' ');
	g_autofree char *reason = NULL;
	g_autofree char *fragment_reason = NULL;

	/* At the limit is fine (and does not parse: the quirk reply). */
	artemis_test_ws_send_frame (ws, 0x81, big, 1024);
	assert_text (ws, REGISTRY_OK);
	artemis_test_ws_send_text (ws, big);
	reason = artemis_test_ws_expect_close (ws, 1009);
	g_assert_cmpstr (reason, ==, "Message exceeds the limit of 1024 bytes");
	g_assert_true (artemis_test_ws_wait_eof (ws));

	/* Fragments count together, and the socket closes before the message ends. */
	artemis_test_ws_send_frame (fragmented, 0x01, big, 600);
	artemis_test_ws_send_frame (fragmented, 0x00, big, 600);
	fragment_reason = artemis_test_ws_expect_close (fragmented, 1009);
	g_assert_cmpstr (fragment_reason, ==, "Message exceeds the limit of 1024 bytes");
	g_assert_true (artemis_test_ws_wait_eof (fragmented));
}

static void
test_fragments_and_ping (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autofree char *json = artemis_test_json (INSTANCES (I1));
	gsize len = strlen (json);
	g_autoptr (ArtemisTestWsFrame) pong = NULL;

	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	/* A ping between the fragments is answered at once; the message after it is joined. */
	artemis_test_ws_send_frame (ws, 0x01, json, 10);
	artemis_test_ws_send_frame (ws, 0x00, json + 10, 20);
	artemis_test_ws_send_ping (ws, "between");
	pong = artemis_test_ws_next (ws, 15000);
	g_assert_nonnull (pong);
	g_assert_cmpuint (pong->opcode, ==, ARTEMIS_TEST_WS_PONG);
	g_assert_cmpstr (pong->payload, ==, "between");
	artemis_test_ws_send_frame (ws, 0x80, json + 30, len - 30);
	assert_text (ws, REGISTRY_OK);
}

static void
test_protocol_errors (ArtemisTestServer *server, gconstpointer data)
{
	static const struct {
		const char *name;
		guint8 first_byte;
		const char *payload;
		gsize len;
		gushort code;
	} cases[] = {
		{ "continuation first", 0x80, "x", 1, 1002 },
		{ "reserved bit", 0xc1, "x", 1, 1002 },
		{ "unknown opcode", 0x83, "x", 1, 1002 },
		{ "fragmented ping", 0x09, "x", 1, 1002 },
		{ "invalid UTF-8", 0x81, "\xc3\x28", 2, 1007 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, DISCOVERY_PATH);
		g_autofree char *reason = NULL;

		g_test_message ("%s", cases[i].name);
		artemis_test_ws_send_frame (ws, cases[i].first_byte, cases[i].payload, cases[i].len);
		reason = artemis_test_ws_expect_close (ws, cases[i].code);
		g_assert_cmpstr (reason, !=, "");
		g_assert_true (artemis_test_ws_wait_eof (ws));
	}
	/* Text with a NUL is valid UTF-8 (RFC 3629), just not valid JSON: ignored. */
	{
		g_autoptr (ArtemisTestWs) ws = subscribe (server->port, "demo.hello");

		artemis_test_ws_send_frame (ws, 0x81, "a\0b", 3);
		sync_ws (ws);
	}
}

static void
test_client_close (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autofree char *reason = NULL;

	assert_connections (server, 1, 0);
	/* The server echoes the code and closes the TCP stream. */
	artemis_test_ws_send_close (ws, 4000, "bye");
	reason = artemis_test_ws_expect_close (ws, 4000);
	g_assert_cmpstr (reason, ==, "");
	g_assert_true (artemis_test_ws_wait_eof (ws));
	assert_connections (server, 0, 0);
}

/* Pings of a Java client must come back within 1 s (protocol §15.4), also under load. */
typedef struct {
	ArtemisTestServer *server;
	GPtrArray *instances;
	guint next;
	guint produced;
} Flood;

static gboolean
on_flood (gpointer user_data)
{
	Flood *flood = user_data;

	for (guint i = 0; i < 50; i++) {
		artemis_registry_register (artemis_daemon_get_registry (flood->server->daemon),
					   g_ptr_array_index (flood->instances, flood->next));
		flood->next = (flood->next + 1) % flood->instances->len;
		flood->produced++;
	}
	return G_SOURCE_CONTINUE;
}

static void
test_ping_under_load (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) reader = subscribe (server->port, "demo.hello");
	g_autoptr (ArtemisTestWs) stalled = subscribe (server->port, "demo.hello");
	g_autoptr (GPtrArray) instances = make_instances (100, "demo.hello");
	Flood flood = { server, instances, 0, 0 };
	gint64 worst_us = 0;
	guint flood_id;

	artemis_test_ws_set_reading (stalled, FALSE);
	/* As urgent as the sockets: the flood goes on between every read and write. */
	flood_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_flood, &flood, NULL);
	for (guint i = 0; i < 20; i++) {
		g_autofree char *payload = g_strdup_printf ("ping-%u", i);
		guint target = flood.produced + 1000;
		gint64 sent_us;

		while (flood.produced < target)
			g_main_context_iteration (NULL, TRUE);
		sent_us = g_get_monotonic_time ();
		artemis_test_ws_send_ping (reader, payload);
		for (;;) {
			g_autoptr (ArtemisTestWsFrame) frame = artemis_test_ws_next (reader, 15000);

			g_assert_nonnull (frame);
			if (frame->opcode != ARTEMIS_TEST_WS_PONG)
				continue;
			g_assert_cmpstr (frame->payload, ==, payload);
			worst_us = MAX (worst_us, frame->received_us - sent_us);
			break;
		}
	}
	g_source_remove (flood_id);
	g_test_message ("slowest of 20 pongs: %.1f ms, %u changes pushed meanwhile", worst_us / 1000.0,
			flood.produced);
	g_assert_cmpuint (flood.produced, >, 0);
	/*
	 * The one real-time bound here: a Java client drops a session whose
	 * pong takes longer than its ping timeout, 1 s (protocol §15.4). No
	 * server clock is involved, so it can only be checked on the wall clock.
	 */
	g_assert_cmpint (worst_us, <, 1000 * G_TIME_SPAN_MILLISECOND);
}

/* ---- limits ------------------------------------------------------------ */

static void
test_black_list (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) discovery = NULL;

	g_assert_cmpuint (upgrade_status (server->port, HEARTBEAT_PATH), ==, 403);
	/* A list that is not enabled refuses nothing; an endpoint without a list neither. */
	discovery = subscribe (server->port, "demo.hello");
	g_assert_cmpuint (upgrade_status (server->port, ALL_CHANGES_PATH), ==, 101);
	assert_connections (server, 0, 1);
}

static void
test_max_sockets (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) first = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autoptr (ArtemisTestWs) second = artemis_test_ws_connect (server->port, DISCOVERY_PATH);
	g_autoptr (ArtemisTestWs) third = artemis_test_ws_connect (server->port, ALL_CHANGES_PATH);

	g_assert_cmpuint (upgrade_status (server->port, HEARTBEAT_PATH), ==, 503);
	g_assert_cmpuint (upgrade_status (server->port, DISCOVERY_PATH), ==, 503);
	/* A socket that closes makes room. */
	g_clear_pointer (&first, artemis_test_ws_free);
	assert_connections (server, 0, 1);
	first = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	assert_connections (server, 1, 1);
}

static void
test_max_subscriptions (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, DISCOVERY_PATH);
	g_autofree char *reason = NULL;

	send_json (ws, SUBSCRIBE ("demo.hello"));
	send_json (ws, SUBSCRIBE ("other.svc"));
	send_json (ws, SUBSCRIBE ("Demo.Hello"));
	sync_ws (ws);
	send_json (ws, SUBSCRIBE ("third.svc"));
	reason = artemis_test_ws_expect_close (ws, 1008);
	g_assert_cmpstr (reason, ==, "Too many subscriptions: the limit is 2 per socket");
}

static void
test_session_ttl (ArtemisTestServer *server, gconstpointer data)
{
	ArtemisWsHub *hub = artemis_daemon_get_ws_hub (server->daemon);
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autoptr (ArtemisTestWs) young = NULL;
	g_autofree char *reason = NULL;

	server->now_ms += 500;
	young = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	/* Traffic does not extend the lifetime. */
	send_json (ws, INSTANCES (I1));
	assert_text (ws, NOT_EXISTING ("sha/sha-z1/demo.hello/i-1", I1));
	server->now_ms += 499;
	g_assert_cmpuint (artemis_ws_hub_expire_sessions (hub), ==, 0);
	server->now_ms += 1;
	g_assert_cmpuint (artemis_ws_hub_expire_sessions (hub), ==, 1);
	reason = artemis_test_ws_expect_close (ws, 1000);
	g_assert_cmpstr (reason, ==, "Session TTL expired");
	/* The other one is half a second younger. */
	g_assert_cmpuint (artemis_test_ws_get_n_pending (young), ==, 0);
	artemis_test_ws_send_close (ws, 1000, "");
	g_assert_true (artemis_test_ws_wait_eof (ws));
	server->now_ms += 500;
	g_assert_cmpuint (artemis_ws_hub_expire_sessions (hub), ==, 1);
	g_free (artemis_test_ws_expect_close (young, 1000));
}

static void
test_context_path (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = artemis_test_ws_connect (server->port, "/artemis-service" HEARTBEAT_PATH);

	send_json (ws, INSTANCES (I1));
	assert_text (ws, NOT_EXISTING ("sha/sha-z1/demo.hello/i-1", I1));
	g_assert_cmpuint (upgrade_status (server->port, HEARTBEAT_PATH), ==, 404);
	g_assert_cmpuint (upgrade_status (server->port, "/artemis-service" HEARTBEAT_PATH "/more"), ==, 404);
}

static void
test_connections (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) h1 = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autoptr (ArtemisTestWs) h2 = artemis_test_ws_connect (server->port, HEARTBEAT_PATH);
	g_autoptr (ArtemisTestWs) d1 = artemis_test_ws_connect (server->port, DISCOVERY_PATH);
	g_autoptr (ArtemisTestWs) all = artemis_test_ws_connect (server->port, ALL_CHANGES_PATH);

	/* all-instance-change is not counted (protocol §3.5). */
	assert_connections (server, 2, 1);
	g_clear_pointer (&h1, artemis_test_ws_free);
	assert_connections (server, 1, 1);
	g_clear_pointer (&d1, artemis_test_ws_free);
	assert_connections (server, 1, 0);
}

/* ---- backpressure ------------------------------------------------------ */

#define SLOW_CHANGES 100000
#define QUEUE_FRAMES 1024
#define QUEUE_BYTES (1024 * 1024)

/* Takes exactly @n frames from @ws, checking they are `new` pushes. */
static void
take_news (ArtemisTestWs *ws, guint n)
{
	for (guint i = 0; i < n; i++) {
		g_autoptr (ArtemisTestWsFrame) frame = artemis_test_ws_next (ws, 15000);

		g_assert_nonnull (frame);
		g_assert_cmpuint (frame->opcode, ==, ARTEMIS_TEST_WS_TEXT);
		g_assert_nonnull (strstr (frame->payload, "\"changeType\":\"new\""));
	}
}

/*
 * One subscriber stops reading while 100,000 changes are pushed: its queue
 * stays within the configured bound, it is told to reload, and a subscriber
 * that keeps reading gets every change.
 */
static void
test_slow_subscriber (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) fast = subscribe (server->port, "demo.hello");
	guint status = 0;
	g_autoptr (ArtemisTestWs) slow = artemis_test_ws_connect_full (server->port, DISCOVERY_PATH, 4096, &status);
	g_autoptr (GPtrArray) instances = make_instances (100, "demo.hello");
	g_autofree char *reload = artemis_test_json (RELOAD ("Demo.Hello"));
	g_autofree char *resumed = NULL;
	ArtemisWsHubStats stats;
	guint n_texts;

	send_json (slow, SUBSCRIBE ("Demo.Hello"));
	sync_ws (slow);
	artemis_test_ws_set_reading (slow, FALSE);

	for (guint i = 0; i < SLOW_CHANGES; i++) {
		artemis_registry_register (artemis_daemon_get_registry (server->daemon), g_ptr_array_index (instances, i % 100));
		if (i % 500 == 499)
			take_news (fast, 500);
	}
	artemis_ws_hub_get_stats (artemis_daemon_get_ws_hub (server->daemon), &stats);
	g_test_message ("pushed %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT ", overflows %" G_GUINT64_FORMAT
			", peak queue %u frames / %" G_GSIZE_FORMAT " bytes",
			stats.pushed, stats.dropped, stats.overflows, stats.peak_queued_frames,
			stats.peak_queued_bytes);
	g_assert_cmpuint (stats.peak_queued_frames, <=, QUEUE_FRAMES);
	g_assert_cmpuint (stats.peak_queued_bytes, <=, QUEUE_BYTES);
	g_assert_cmpuint (stats.overflows, >=, 1);
	g_assert_cmpuint (stats.reloads, ==, stats.overflows);
	/* The fast one took every change (take_news) and nothing else. */
	g_assert_true (artemis_test_ws_is_quiet (fast, 0));

	/* Reading again, the slow one finds what was queued, and the reload (exact JSON). */
	artemis_test_ws_set_reading (slow, TRUE);
	g_assert_true (drain (slow, 200, reload, &n_texts));
	g_test_message ("the stalled subscriber got %u of %u changes", n_texts, SLOW_CHANGES);
	g_assert_cmpuint (n_texts, <, SLOW_CHANGES / 2);

	/* Caught up: pushes resume. */
	server->now_ms += 1;
	artemis_registry_register (artemis_daemon_get_registry (server->daemon), g_ptr_array_index (instances, 0));
	resumed = artemis_test_ws_receive_text (slow);
	g_assert_true (g_str_has_prefix (resumed, "{\"changeTime\":1700000000001,\"changeType\":\"new\""));
	take_news (fast, 1);
}

/* The same on the real daemon, measured as its resident memory. */
static void
test_slow_subscriber_memory (void)
{
	g_autoptr (ArtemisTestDaemon) daemon = NULL;
	g_autoptr (ArtemisTestWs) slow = NULL;
	g_autoptr (GString) body = g_string_new ("{\"instances\":[");
	guint status = 0;
	gsize before, after;
	guint n_texts;
	guint port;

	if (artemis_test_daemon_get_path () == NULL) {
		g_test_skip ("ARTEMISD does not name an executable artemisd");
		return;
	}
#ifdef __SANITIZE_ADDRESS__
	g_test_skip ("AddressSanitizer's quarantine keeps freed memory: RSS says nothing here");
	return;
#endif
	daemon = artemis_test_daemon_new ("[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n");
	g_assert_true (artemis_test_daemon_start (daemon));
	port = artemis_test_daemon_get_port (daemon);
	for (guint i = 0; i < 100; i++) {
		g_autofree char *instance = g_strdup_printf (INSTANCE ("i-%u", "demo.hello"), i);
		g_autofree char *json = artemis_test_json (instance);

		g_string_append_printf (body, "%s%s", i > 0 ? "," : "", json);
	}
	g_string_append (body, "]}");

	slow = artemis_test_ws_connect_full (port, DISCOVERY_PATH, 4096, &status);
	send_json (slow, SUBSCRIBE ("demo.hello"));
	sync_ws (slow);
	artemis_test_ws_set_reading (slow, FALSE);

	/* Warm up: fill the change log, the socket buffers and the queue to their bounds. */
	for (guint i = 0; i < 200; i++) {
		g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (port, REGISTER, body->str);

		g_assert_cmpuint (response->status, ==, 200);
	}
	before = artemis_test_daemon_get_rss (daemon);
	for (guint i = 0; i < SLOW_CHANGES / 100; i++) {
		g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (port, REGISTER, body->str);

		g_assert_cmpuint (response->status, ==, 200);
	}
	after = artemis_test_daemon_get_rss (daemon);
	g_test_message ("artemisd RSS %.1f MB before and %.1f MB after %u more changes", before / 1e6, after / 1e6,
			SLOW_CHANGES);
	/* Kept, those pushes would be over 40 MB of frames alone. */
	g_assert_cmpuint (after, <, before + 8 * 1024 * 1024);

	artemis_test_ws_set_reading (slow, TRUE);
	g_assert_true (drain (slow, 300, "\"changeType\":\"reload\",\"instance\":{\"groupId\":null,"
				 "\"healthCheckUrl\":null,\"instanceId\":\"reload\"", &n_texts));
	g_assert_cmpuint (n_texts, <, SLOW_CHANGES / 2);
}

/* 1,000 subscribers on one service all get the one change. */
static void
test_thousand_subscribers (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_test_ws_free);
	g_autofree char *subscription = artemis_test_json (SUBSCRIBE ("demo.hello"));

	/* Both ends of each socket are in this process. */
	if (!artemis_test_raise_fd_limit (2 * 1000 + 256)) {
		g_test_skip ("RLIMIT_NOFILE cannot be raised to 2256 descriptors");
		return;
	}
	for (guint i = 0; i < 1000; i++) {
		ArtemisTestWs *ws = artemis_test_ws_connect (server->port, DISCOVERY_PATH);

		artemis_test_ws_send_text (ws, subscription);
		g_ptr_array_add (sockets, ws);
	}
	for (guint i = 0; i < sockets->len; i++)
		sync_ws (g_ptr_array_index (sockets, i));
	assert_connections (server, 0, 1000);

	assert_post (server, REGISTER, INSTANCES (I1), REGISTRY_OK);
	for (guint i = 0; i < sockets->len; i++)
		assert_text (g_ptr_array_index (sockets, i), CHANGE (EPOCH, "new", I1));
}

static void
add_test (const char *name, const char *config, void (*func) (ArtemisTestServer *, gconstpointer))
{
	g_autofree char *path = g_strdup_printf ("/artemis/websocket/%s", name);

	g_test_add (path, ArtemisTestServer, config, artemis_test_server_setup, func,
		    artemis_test_server_teardown);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	add_test ("heartbeat/replies", default_config, test_heartbeat);
	add_test ("heartbeat/renews", default_config, test_heartbeat_renews);
	add_test ("java-client-flow", default_config, test_java_client_flow);
	add_test ("instance-change/push", default_config, test_instance_change);
	add_test ("instance-change/subscriptions", default_config, test_instance_change_subscriptions);
	add_test ("all-instance-change", default_config, test_all_instance_change);
	add_test ("change-filter", default_config, test_change_filter);
	add_test ("frames/binary", default_config, test_binary_frame);
	add_test ("frames/oversized", small_config, test_oversized_message);
	add_test ("frames/fragments-and-ping", default_config, test_fragments_and_ping);
	add_test ("frames/protocol-errors", default_config, test_protocol_errors);
	add_test ("frames/client-close", default_config, test_client_close);
	add_test ("ping-under-load", default_config, test_ping_under_load);
	add_test ("limits/black-list", black_list_config, test_black_list);
	add_test ("limits/max-sockets", small_config, test_max_sockets);
	add_test ("limits/max-subscriptions", small_config, test_max_subscriptions);
	add_test ("limits/session-ttl", ttl_config, test_session_ttl);
	add_test ("context-path", context_config, test_context_path);
	add_test ("connections", default_config, test_connections);
	add_test ("backpressure/slow-subscriber", default_config, test_slow_subscriber);
	g_test_add_func ("/artemis/websocket/backpressure/daemon-memory", test_slow_subscriber_memory);
	add_test ("thousand-subscribers", default_config, test_thousand_subscribers);

	return g_test_run ();
}
