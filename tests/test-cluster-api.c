/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"
#include "artemis-test-ws.h"

/*
 * The cluster and replication endpoints of one in-process node, wire-exact
 * (protocol §3.3, §3.4, §3.5), and what it replicates to a fake peer: client
 * writes that succeeded, over HTTP and WebSocket, never what a peer sent.
 */

#define OK "{'errorCode':'success','message':'','status':'success'}"
#define REGISTRY_OK "{'failedInstances':null,'responseStatus':" OK "}"
#define NO_NODES                                                                                             \
	"{'nodes':null,'responseStatus':{'errorCode':'data-not-found','message':'No available service nodes.',"  \
	"'status':'fail'}}"
#define NODE(url, zone) "{'url':'" url "','zone':{'metadata':null,'regionId':'SHA','zoneId':'" zone "'}}"
#define NODES_OK(nodes) "{'nodes':[" nodes "],'responseStatus':" OK "}"
#define SHA "[deployment]\nregion-id=SHA\nzone-id=z1\n"

#define INSTANCE(id, zone)                                                                                   \
	"{'groupId':null,'healthCheckUrl':null,'instanceId':'" id "','ip':'10.0.0.5','machineName':null,"      \
	"'metadata':null,'port':8080,'protocol':'http','regionId':'SHA','serviceId':'demo.hello',"             \
	"'status':'up','url':'http://10.0.0.5:8080/','zoneId':'" zone "'}"
#define INSTANCES(list) "{'instances':[" list "]}"

/* The URL of an in-process server, which listens on 127.0.0.1. */
static char *
server_url (ArtemisTestServer *server)
{
	return g_strdup_printf ("http://127.0.0.1:%u/", server->port);
}

static void
assert_get (ArtemisTestServer *server, const char *path, guint status, const char *expected)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_get (server->port, path);
	g_autofree char *json = artemis_test_json (expected);

	g_assert_cmpstr (response->text, ==, json);
	g_assert_cmpuint (response->status, ==, status);
}

/* ---- one node ---------------------------------------------------------- */

static void
test_up_nodes_alone (ArtemisTestServer *server, gconstpointer data)
{
	g_autofree char *url = server_url (server);
	g_autofree char *expected = g_strdup_printf (NODES_OK (NODE ("%s", "z1")), url);
	const char *const paths[] = { "/api/cluster/up-registry-nodes.json", "/api/cluster/up-discovery-nodes.json" };

	for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
		g_autofree char *get = g_strconcat (paths[i], "?regionId=SHA&zoneId=z1", NULL);

		artemis_test_assert_post (server->port, paths[i], "{'regionId':'SHA','zoneId':'z1'}",
					  SOUP_STATUS_OK, expected);
		assert_get (server, get, SOUP_STATUS_OK, expected);
		/* Other zones and regions do not qualify, compared with case (protocol §3.4). */
		artemis_test_assert_post (server->port, paths[i], "{'regionId':'SHA','zoneId':'Z1'}",
					  SOUP_STATUS_OK, NO_NODES);
		artemis_test_assert_post (server->port, paths[i], "{'regionId':'sha','zoneId':'z1'}",
					  SOUP_STATUS_OK, NO_NODES);
		artemis_test_assert_post (server->port, paths[i], "{}", SOUP_STATUS_OK, NO_NODES);
		assert_get (server, paths[i], SOUP_STATUS_OK, NO_NODES);
	}
}

static void
test_replication_endpoints (ArtemisTestServer *server, gconstpointer data)
{
	const char *services = "/api/replication/registry/services.json";

	/* A peer's register skips the zone check, a heartbeat of an unknown instance registers it. */
	artemis_test_assert_post (server->port, "/api/replication/registry/register.json",
				  INSTANCES (INSTANCE ("a", "z9")), SOUP_STATUS_OK, REGISTRY_OK);
	artemis_test_assert_post (server->port, "/api/replication/registry/heartbeat.json",
				  INSTANCES (INSTANCE ("b", "z1")), SOUP_STATUS_OK, REGISTRY_OK);
	artemis_test_assert_post (
		server->port, "/api/replication/registry/register.json",
		INSTANCES ("{'instanceId':'c','regionId':'NRT','serviceId':'demo.hello','url':'u'}"), SOUP_STATUS_OK,
		"{'failedInstances':[{'errorCode':'no-permission','errorMessage':'nrt/null/demo.hello/c: regionId is "
		"not the same as the registry node. regionId: NRT, registry node.regionId: SHA','instance':"
		"{'groupId':null,'healthCheckUrl':null,'instanceId':'c','ip':null,'machineName':null,'metadata':null,"
		"'port':0,'protocol':null,'regionId':'NRT','serviceId':'demo.hello','status':null,'url':'u',"
		"'zoneId':null}}],'responseStatus':{'errorCode':'partial_fail','message':'','status':'partial_fail'}}");
	artemis_test_assert_post (server->port, "/api/replication/registry/register.json", "{'instances':[]}",
				  SOUP_STATUS_OK,
				  "{'failedInstances':null,'responseStatus':{'errorCode':'bad-request','message':"
				  "'request.instances is null or empty.','status':'fail'}}");

	/* The registry as stored, no version, other lists null (protocol §3.3). */
	artemis_test_assert_post (server->port, services, "{'regionId':'sha','zoneId':'whatever'}", SOUP_STATUS_OK,
				  "{'responseStatus':" OK ",'services':[{'instances':[" INSTANCE ("a", "z9") ","
				  INSTANCE ("b", "z1") "],'logicInstances':null,'metadata':null,'routeRules':null,"
				  "'serviceId':'demo.hello'}]}");
	artemis_test_assert_post (server->port, "/api/replication/registry/unregister.json",
				  INSTANCES (INSTANCE ("a", "z9") "," INSTANCE ("b", "z1")), SOUP_STATUS_OK,
				  REGISTRY_OK);
	assert_get (server, "/api/replication/registry/services.json?regionId=SHA", SOUP_STATUS_OK,
		    "{'responseStatus':" OK ",'services':[]}");
	artemis_test_assert_post (server->port, services, "{'regionId':'NRT'}", SOUP_STATUS_OK,
				  "{'responseStatus':{'errorCode':'no-permission','message':'regionId is not the same "
				  "as the registry node. regionId: NRT, registry node.regionId: SHA','status':'fail'},"
				  "'services':null}");
	assert_get (server, "/api/replication/registry/services.json", SOUP_STATUS_BAD_REQUEST,
		    "{'responseStatus':{'errorCode':'bad-request','message':'Required parameter `regionId` is not "
		    "present.','status':'fail'}}");
}

/* A starting node refuses clients but takes what peers send (protocol §3.3: no status check). */
static void
test_replication_while_starting (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) refused = NULL;
	ArtemisNode *node = artemis_daemon_get_node (server->daemon);

	artemis_node_set_state (node, ARTEMIS_NODE_STARTING);
	artemis_node_set_capabilities (node, ARTEMIS_TRISTATE_NULL, ARTEMIS_TRISTATE_NULL);
	refused = artemis_test_post (server->port, "/api/registry/register.json", INSTANCES (INSTANCE ("a", "z1")));
	g_assert_nonnull (strstr (refused->text, "\"service-unavailable\""));
	artemis_test_assert_post (server->port, "/api/replication/registry/register.json",
				  INSTANCES (INSTANCE ("a", "z1")), SOUP_STATUS_OK, REGISTRY_OK);
	artemis_test_assert_post (server->port, "/api/cluster/up-registry-nodes.json",
				  "{'regionId':'SHA','zoneId':'z1'}", SOUP_STATUS_OK, NO_NODES);
}

static void
test_config_shows_cluster_keys (ArtemisTestServer *server, gconstpointer data)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_post (server->port, "/api/status/config.json", "{}");

	g_assert_nonnull (strstr (response->text, "\"cluster.status-interval\":\"{ key: cluster.status-interval, "
						  "value: 5000, typedValue: 5000 }\""));
	g_assert_nonnull (strstr (response->text, "\"cluster.nodes\":"));
	g_assert_nonnull (strstr (response->text, "\"plugins.replicator\":\"{ key: plugins.replicator, value: "
						  "replication-peer, typedValue: replication-peer }\""));
}

/* ---- a node with a fake peer ------------------------------------------- */

/*
 * A peer that answers its status as up (or nothing, once @silent) and
 * records every replication request as "action id,id…".
 */
typedef struct {
	SoupServer *soup;
	guint port;
	GPtrArray *received;
	gboolean silent;
	ArtemisTestServer server;
} PeerFixture;

#define PEER_UP                                                                                              \
	"{\"nodeStatus\":{\"allowDiscoveryFromOtherZone\":false,\"allowRegistryFromOtherZone\":true,"          \
	"\"canServiceDiscovery\":true,\"canServiceRegistry\":true,\"node\":{\"url\":\"x\",\"zone\":"           \
	"{\"metadata\":null,\"regionId\":\"SHA\",\"zoneId\":\"z2\"}},\"status\":\"up\"},\"responseStatus\":"    \
	"{\"errorCode\":\"success\",\"message\":\"\",\"status\":\"success\"}}"

static char *
describe_replication (SoupServerMessage *msg)
{
	SoupMessageBody *body = soup_server_message_get_request_body (msg);
	g_autoptr (GBytes) compressed = g_bytes_new (body->data, body->length);
	g_autoptr (GBytes) json = artemis_test_decompress (G_ZLIB_COMPRESSOR_FORMAT_GZIP, compressed);
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *action = g_path_get_basename (g_uri_get_path (soup_server_message_get_uri (msg)));
	GString *out = g_string_new (NULL);

	g_assert_true (artemis_codec_decode_instances_request (g_bytes_get_data (json, NULL), g_bytes_get_size (json), G_MAXUINT,
							       &instances, &error));
	g_assert_no_error (error);
	g_string_append_len (out, action, strlen (action) - strlen (".json"));
	for (guint i = 0; i < instances->len; i++)
		g_string_append_printf (out, "%c%s", i == 0 ? ' ' : ',',
					artemis_instance_get (g_ptr_array_index (instances, i),
							      ARTEMIS_INSTANCE_INSTANCE_ID));
	return g_string_free (out, FALSE);
}

static void
on_peer_request (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
	PeerFixture *fixture = user_data;
	const char *answer = REGISTRY_OK;
	g_autofree char *json = NULL;

	if (fixture->silent) {
		soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
		return;
	}
	if (g_str_equal (path, "/api/status/node.json"))
		answer = PEER_UP;
	else
		g_ptr_array_add (fixture->received, describe_replication (msg));
	json = artemis_test_json (answer);
	soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static gboolean
peer_is_target (PeerFixture *fixture)
{
	g_auto (GStrv) targets = artemis_cluster_dup_targets (artemis_daemon_get_cluster (fixture->server.daemon));

	return targets[0] != NULL;
}

/* Waits until the peer is (or is no longer) where writes replicate, as its polled status says. */
static void
wait_target (PeerFixture *fixture, gboolean is_target)
{
	gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

	while (peer_is_target (fixture) != is_target && g_get_monotonic_time () < deadline)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpint (peer_is_target (fixture), ==, is_target);
}

static void
peer_fixture_setup (PeerFixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSList) uris = NULL;
	guint own_port = artemis_test_find_free_port ();
	g_autofree char *config = NULL;

	fixture->received = g_ptr_array_new_with_free_func (g_free);
	fixture->soup = soup_server_new (NULL, NULL);
	soup_server_add_handler (fixture->soup, NULL, on_peer_request, fixture, NULL);
	soup_server_listen_local (fixture->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
	g_assert_no_error (error);
	uris = soup_server_get_uris (fixture->soup);
	fixture->port = g_uri_get_port (uris->data);
	g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

	config = g_strdup_printf (SHA "[server]\nport=%u\n[cluster]\nstatus-interval=100\n"
				      "nodes=z1:http://127.0.0.1:%u/;z2:http://127.0.0.1:%u/\n"
				      "[plugin replication-peer]\nbatch-delay=0\n",
				  own_port, own_port, fixture->port);
	artemis_test_server_setup (&fixture->server, config);
	wait_target (fixture, TRUE);
}

static void
peer_fixture_teardown (PeerFixture *fixture, gconstpointer data)
{
	artemis_test_server_teardown (&fixture->server, NULL);
	soup_server_disconnect (fixture->soup);
	g_clear_object (&fixture->soup);
	g_ptr_array_unref (fixture->received);
}

static void
wait_received (PeerFixture *fixture, guint n)
{
	gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

	while (fixture->received->len < n && g_get_monotonic_time () < deadline)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpuint (fixture->received->len, >=, n);
}

static void
assert_received (PeerFixture *fixture, const char *expected)
{
	g_autoptr (GString) received = g_string_new (NULL);

	for (guint i = 0; i < fixture->received->len; i++)
		g_string_append_printf (received, "%s%s", i > 0 ? "|" : "",
					(const char *) g_ptr_array_index (fixture->received, i));
	g_assert_cmpstr (received->str, ==, expected);
}

static void
test_replicates_client_writes (PeerFixture *fixture, gconstpointer data)
{
	guint port = fixture->server.port;
	g_autoptr (ArtemisTestResponse) unknown = NULL;
	g_autoptr (ArtemisTestResponse) registered = NULL;
	g_autoptr (ArtemisTestResponse) unregistered = NULL;
	ArtemisTestWs *ws;
	g_autofree char *heartbeat = artemis_test_json (INSTANCES (INSTANCE ("a", "z1")));
	g_autofree char *reply = NULL;

	/* What clients did and what succeeded only: b of another zone is refused (protocol §11.1). */
	unknown = artemis_test_post (port, "/api/registry/heartbeat.json", INSTANCES (INSTANCE ("x", "z1")));
	g_assert_nonnull (strstr (unknown->text, "data-not-found"));
	registered = artemis_test_post (port, "/api/registry/register.json",
					INSTANCES (INSTANCE ("a", "z1") "," INSTANCE ("b", "z2")));
	g_assert_nonnull (strstr (registered->text, "\"partial_fail\""));
	wait_received (fixture, 1);

	/* Over WebSocket too. */
	ws = artemis_test_ws_connect (port, "/ws/registry/heartbeat");
	artemis_test_ws_send_text (ws, heartbeat);
	reply = artemis_test_ws_receive_text (ws);
	g_assert_nonnull (strstr (reply, "\"success\""));
	artemis_test_ws_free (ws);
	wait_received (fixture, 2);

	/* What a peer sent is never sent on (protocol §11.5). */
	artemis_test_assert_post (port, "/api/replication/registry/register.json", INSTANCES (INSTANCE ("p", "z1")),
				  SOUP_STATUS_OK, REGISTRY_OK);
	artemis_test_assert_post (port, "/api/replication/registry/heartbeat.json", INSTANCES (INSTANCE ("p", "z1")),
				  SOUP_STATUS_OK, REGISTRY_OK);
	unregistered = artemis_test_post (port, "/api/registry/unregister.json", INSTANCES (INSTANCE ("a", "z1")));
	g_assert_nonnull (strstr (unregistered->text, "\"success\""));
	wait_received (fixture, 3);
	assert_received (fixture, "register a|heartbeat a|unregister a");
}

/* The peer in the lists, with its last status; then not answering: unknown, and gone from the lists. */
static void
test_cluster_status (PeerFixture *fixture, gconstpointer data)
{
	guint port = fixture->server.port;
	g_autofree char *own = g_strdup_printf ("http://127.0.0.1:%u/", port);
	g_autofree char *peer = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);
	g_autofree char *both = g_strdup_printf (NODES_OK (NODE ("%s", "z1") "," NODE ("%s", "z2")), own, peer);
	g_autofree char *own_only = g_strdup_printf (NODES_OK (NODE ("%s", "z1")), own);
	g_autofree char *cluster = g_strdup_printf (
		"{'nodeCount':2,'nodesStatus':[{'allowDiscoveryFromOtherZone':false,'allowRegistryFromOtherZone':"
		"false,'canServiceDiscovery':true,'canServiceRegistry':true,'node':" NODE ("%s", "z1") ",'status':'up'},"
		"{'allowDiscoveryFromOtherZone':null,'allowRegistryFromOtherZone':null,'canServiceDiscovery':null,"
		"'canServiceRegistry':null,'node':" NODE ("%s", "z2") ",'status':'unknown'}],'responseStatus':" OK "}",
		own, peer);

	/* The peer lets other zones register, not discover. */
	artemis_test_assert_post (port, "/api/cluster/up-registry-nodes.json", "{'regionId':'SHA','zoneId':'z1'}",
				  SOUP_STATUS_OK, both);
	artemis_test_assert_post (port, "/api/cluster/up-discovery-nodes.json", "{'regionId':'SHA','zoneId':'z1'}",
				  SOUP_STATUS_OK, own_only);

	fixture->silent = TRUE;
	wait_target (fixture, FALSE);
	artemis_test_assert_post (port, "/api/cluster/up-registry-nodes.json", "{'regionId':'SHA','zoneId':'z1'}",
				  SOUP_STATUS_OK, own_only);
	artemis_test_assert_post (port, "/api/status/cluster.json", "{}", SOUP_STATUS_OK, cluster);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	g_test_add ("/artemis/cluster-api/up-nodes-alone", ArtemisTestServer, SHA, artemis_test_server_setup,
		    test_up_nodes_alone, artemis_test_server_teardown);
	g_test_add ("/artemis/cluster-api/replication-endpoints", ArtemisTestServer, SHA, artemis_test_server_setup,
		    test_replication_endpoints, artemis_test_server_teardown);
	g_test_add ("/artemis/cluster-api/replication-while-starting", ArtemisTestServer, SHA,
		    artemis_test_server_setup, test_replication_while_starting, artemis_test_server_teardown);
	g_test_add ("/artemis/cluster-api/config-shows-cluster-keys", ArtemisTestServer, SHA,
		    artemis_test_server_setup, test_config_shows_cluster_keys, artemis_test_server_teardown);
	g_test_add ("/artemis/cluster-api/replicates-client-writes", PeerFixture, NULL, peer_fixture_setup,
		    test_replicates_client_writes, peer_fixture_teardown);
	g_test_add ("/artemis/cluster-api/cluster-status", PeerFixture, NULL, peer_fixture_setup,
		    test_cluster_status, peer_fixture_teardown);
	return g_test_run ();
}
