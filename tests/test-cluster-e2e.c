/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "artemis-test-utils.h"
#include "artemis-test-ws.h"

/*
 * Three real artemisd nodes on 127.0.0.1, each configured with the others
 * (force-up=false: they start `starting` and go up by the cluster rule):
 * writes on one node are seen on the others and pushed to their WebSocket
 * subscribers; a node killed with SIGKILL leaves the node lists within the
 * status interval, the others keep serving, and it catches up when it
 * comes back, by bootstrap and by replicated heartbeats; a partition
 * between two nodes (a TCP proxy in between that drops everything) heals.
 * Every write acknowledged is found on every node. Waits are bounded polls.
 */

#define N_NODES 3
#define STATUS_INTERVAL_MS 200
/* What a loaded machine (or ASan) may add to any step. */
#define SLACK_MS 5000
#define SERVICE "demo.cluster"

typedef struct {
	guint port;
	ArtemisTestDaemon *daemon;
	/* How its configuration names each node: their ports, or a proxy's. */
	guint listed_ports[N_NODES];
} Node;

/* A TCP proxy that forwards to @target_port until told to drop everything. */
typedef struct {
	GSocketService *service;
	guint port;
	guint target_port;
	gboolean dropping;
	GCancellable *splices; /* cancels the connections in flight */
} Proxy;

typedef struct {
	Node nodes[N_NODES];
	Proxy proxy;
} Fixture;

/* ---- the proxy --------------------------------------------------------- */

static void
on_spliced (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_io_stream_splice_finish (result, NULL);
}

static gboolean
on_proxy_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
	Proxy *proxy = user_data;
	g_autoptr (GSocketClient) client = NULL;
	g_autoptr (GSocketConnection) upstream = NULL;

	if (proxy->dropping) {
		g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
		return TRUE;
	}
	client = g_socket_client_new ();
	/* Loopback: connecting does not block for long. */
	upstream = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->target_port, NULL, NULL);
	if (upstream == NULL) {
		g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
		return TRUE;
	}
	g_io_stream_splice_async (G_IO_STREAM (connection), G_IO_STREAM (upstream),
				  G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2, G_PRIORITY_DEFAULT,
				  proxy->splices, on_spliced, NULL);
	return TRUE;
}

static void
proxy_start (Proxy *proxy, guint target_port)
{
	g_autoptr (GError) error = NULL;

	proxy->target_port = target_port;
	proxy->splices = g_cancellable_new ();
	proxy->service = g_socket_service_new ();
	proxy->port = artemis_test_find_free_port ();
	g_socket_listener_add_inet_port (G_SOCKET_LISTENER (proxy->service), proxy->port, NULL, &error);
	g_assert_no_error (error);
	g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_proxy_incoming), proxy);
	g_socket_service_start (proxy->service);
}

/* Drops every connection, open and to come, or forwards again. */
static void
proxy_set_dropping (Proxy *proxy, gboolean dropping)
{
	proxy->dropping = dropping;
	if (dropping) {
		g_cancellable_cancel (proxy->splices);
		g_clear_object (&proxy->splices);
		proxy->splices = g_cancellable_new ();
	}
}

static void
proxy_stop (Proxy *proxy)
{
	if (proxy->service == NULL)
		return;
	g_cancellable_cancel (proxy->splices);
	g_socket_service_stop (proxy->service);
	g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
	g_clear_object (&proxy->service);
	g_clear_object (&proxy->splices);
}

/* ---- nodes ------------------------------------------------------------- */

static char *
node_url (guint port)
{
	return g_strdup_printf ("http://127.0.0.1:%u/", port);
}

/* The configuration of node @i; @peer_ports says how it reaches each node (a proxy, say). */
static char *
node_config (const guint *peer_ports, gboolean force_up)
{
	g_autoptr (GString) nodes = g_string_new ("default:");

	for (guint i = 0; i < N_NODES; i++) {
		g_autofree char *url = node_url (peer_ports[i]);

		g_string_append_printf (nodes, "%s%s", i > 0 ? "," : "", url);
	}
	return g_strdup_printf ("[cluster]\nnodes=%s\nforce-up=%s\nstatus-interval=%u\ninit-interval=100\n"
				"[plugin replication-peer]\nbatch-delay=10\nheartbeat-delay=200\n",
				nodes->str, force_up ? "true" : "false", STATUS_INTERVAL_MS);
}

static void
node_create (Fixture *fixture, guint i, const guint *peer_ports, gboolean force_up)
{
	g_autofree char *config = node_config (peer_ports, force_up);

	g_clear_pointer (&fixture->nodes[i].daemon, artemis_test_daemon_free);
	memcpy (fixture->nodes[i].listed_ports, peer_ports, sizeof fixture->nodes[i].listed_ports);
	fixture->nodes[i].daemon = artemis_test_daemon_new (config);
	artemis_test_daemon_set_port (fixture->nodes[i].daemon, fixture->nodes[i].port);
	g_assert_true (artemis_test_daemon_start (fixture->nodes[i].daemon));
}

static void
own_ports (Fixture *fixture, guint *ports)
{
	for (guint i = 0; i < N_NODES; i++)
		ports[i] = fixture->nodes[i].port;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
	guint ports[N_NODES];

	if (artemis_test_daemon_get_path () == NULL)
		return;
	for (guint i = 0; i < N_NODES; i++)
		fixture->nodes[i].port = artemis_test_find_free_port ();
	own_ports (fixture, ports);
	for (guint i = 0; i < N_NODES; i++)
		node_create (fixture, i, ports, FALSE);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
	for (guint i = 0; i < N_NODES; i++)
		g_clear_pointer (&fixture->nodes[i].daemon, artemis_test_daemon_free);
	proxy_stop (&fixture->proxy);
}

static gboolean
have_daemon (void)
{
	if (artemis_test_daemon_get_path () != NULL)
		return TRUE;
	g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
	return FALSE;
}

/* ---- what a client sees ------------------------------------------------ */

static char *
instance_json (const char *instance_id)
{
	return g_strdup_printf ("{\"regionId\":\"default\",\"zoneId\":\"default\",\"serviceId\":\"" SERVICE "\","
				"\"instanceId\":\"%s\",\"ip\":\"10.0.0.5\",\"port\":8080,\"url\":\"http://10.0.0.5/\","
				"\"status\":\"up\"}",
				instance_id);
}

static void
write_instance (Node *node, const char *action, const char *instance_id)
{
	g_autofree char *path = g_strdup_printf ("/api/registry/%s.json", action);
	g_autofree char *instance = instance_json (instance_id);
	g_autofree char *body = g_strdup_printf ("{\"instances\":[%s]}", instance);
	g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (node->port, path, body);

	/* Acknowledged: from here on it must not be lost. */
	g_assert_cmpstr (response->text, ==,
			 "{\"failedInstances\":null,\"responseStatus\":{\"errorCode\":\"success\",\"message\":\"\","
			 "\"status\":\"success\"}}");
}

/* Whether discovery on @node lists @instance_id. */
static gboolean
node_has (Node *node, const char *instance_id)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (
		node->port, "/api/discovery/lookup.json",
		"{\"discoveryConfigs\":[{\"serviceId\":\"" SERVICE "\"}],\"regionId\":\"default\",\"zoneId\":\"default\"}");
	g_autofree char *needle = g_strdup_printf ("\"instanceId\":\"%s\"", instance_id);

	return strstr (response->text, needle) != NULL;
}

/* The URLs up-registry-nodes.json on @node lists, space-separated ("" for none). */
static char *
up_nodes (Node *node)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_post_json (
		node->port, "/api/cluster/up-registry-nodes.json", "{\"regionId\":\"default\",\"zoneId\":\"default\"}");
	g_autoptr (GString) urls = g_string_new (NULL);

	for (const char *p = strstr (response->text, "\"url\":\""); p != NULL; p = strstr (p, "\"url\":\"")) {
		const char *start = p + strlen ("\"url\":\"");
		const char *end = strchr (start, '"');

		g_string_append_printf (urls, "%s%.*s", urls->len > 0 ? " " : "", (int) (end - start), start);
		p = end;
	}
	return g_string_free (g_steal_pointer (&urls), FALSE);
}

/* What @node should list: every node as its configuration names them, but @missing (-1: none). */
static char *
expected_nodes (Fixture *fixture, int node, int missing)
{
	g_autoptr (GString) urls = g_string_new (NULL);

	for (int i = 0; i < N_NODES; i++) {
		g_autofree char *url = node_url (fixture->nodes[node].listed_ports[i]);

		if (i != missing)
			g_string_append_printf (urls, "%s%s", urls->len > 0 ? " " : "", url);
	}
	return g_string_free (g_steal_pointer (&urls), FALSE);
}

typedef gboolean (*Condition) (Fixture *fixture, gconstpointer data);

/* Polls @condition every 20 ms for up to @timeout_ms; the time it took, or -1. */
static gint64
wait_for (Fixture *fixture, Condition condition, gconstpointer data, guint timeout_ms)
{
	gint64 start = g_get_monotonic_time ();

	while (!condition (fixture, data)) {
		if (g_get_monotonic_time () - start > timeout_ms * G_TIME_SPAN_MILLISECOND)
			return -1;
		artemis_test_wait_ms (20);
	}
	return (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
}

typedef struct {
	int node;
	int missing; /* -1: all */
} NodesQuery;

static gboolean
lists_nodes (Fixture *fixture, gconstpointer data)
{
	const NodesQuery *query = data;
	g_autofree char *listed = up_nodes (&fixture->nodes[query->node]);
	g_autofree char *expected = expected_nodes (fixture, query->node, query->missing);

	return g_str_equal (listed, expected);
}

static void
assert_lists_nodes (Fixture *fixture, int node, int missing, guint timeout_ms)
{
	NodesQuery query = { node, missing };
	g_autofree char *listed = NULL;
	g_autofree char *expected = NULL;

	if (wait_for (fixture, lists_nodes, &query, timeout_ms) >= 0)
		return;
	listed = up_nodes (&fixture->nodes[node]);
	expected = expected_nodes (fixture, node, missing);
	g_assert_cmpstr (listed, ==, expected);
}

static void
wait_all_up (Fixture *fixture)
{
	for (int i = 0; i < N_NODES; i++)
		assert_lists_nodes (fixture, i, -1, SLACK_MS);
}

typedef struct {
	int node;
	const char *instance_id;
	gboolean present;
} Presence;

static gboolean
has_presence (Fixture *fixture, gconstpointer data)
{
	const Presence *presence = data;

	return node_has (&fixture->nodes[presence->node], presence->instance_id) == presence->present;
}

/* Waits until @node shows @instance_id (or no longer does); the time it took. */
static gint64
assert_presence (Fixture *fixture, int node, const char *instance_id, gboolean present, guint timeout_ms)
{
	Presence presence = { node, instance_id, present };
	gint64 took = wait_for (fixture, has_presence, &presence, timeout_ms);

	if (took < 0)
		g_error ("Node %d %s %s after %u ms", node, present ? "still lacks" : "still has", instance_id,
			 timeout_ms);
	return took;
}

/* ---- cases ------------------------------------------------------------- */

static void
test_writes_reach_every_node (Fixture *fixture, gconstpointer data)
{
	ArtemisTestWs *subscriber;
	g_autofree char *push = NULL;

	if (!have_daemon ())
		return;
	/* Started together, none up to copy from: all go up by the cluster rule. */
	wait_all_up (fixture);

	subscriber = artemis_test_ws_connect (fixture->nodes[2].port, "/ws/discovery/instance-change");
	artemis_test_ws_send_text (subscriber, "{\"serviceId\":\"" SERVICE "\"}");
	/* Let C take the subscription before the write. */
	artemis_test_wait_ms (100);
	write_instance (&fixture->nodes[0], "register", "pushed");
	push = artemis_test_ws_receive_text (subscriber);
	g_assert_nonnull (strstr (push, "\"changeType\":\"new\""));
	g_assert_nonnull (strstr (push, "\"instanceId\":\"pushed\""));
	artemis_test_ws_free (subscriber);

	/* Writes on every node, each acknowledged one found everywhere. */
	for (int i = 0; i < 12; i++) {
		g_autofree char *id = g_strdup_printf ("i-%d", i);

		write_instance (&fixture->nodes[i % N_NODES], "register", id);
	}
	for (int node = 0; node < N_NODES; node++) {
		for (int i = 0; i < 12; i++) {
			g_autofree char *id = g_strdup_printf ("i-%d", i);

			assert_presence (fixture, node, id, TRUE, SLACK_MS);
		}
		assert_presence (fixture, node, "pushed", TRUE, SLACK_MS);
	}
	/* An unregister too. */
	write_instance (&fixture->nodes[1], "unregister", "i-0");
	for (int node = 0; node < N_NODES; node++)
		assert_presence (fixture, node, "i-0", FALSE, SLACK_MS);
}

static void
test_node_killed_and_back (Fixture *fixture, gconstpointer data)
{
	guint ports[N_NODES];
	gint64 killed_us;
	gint64 took_ms;

	if (!have_daemon ())
		return;
	wait_all_up (fixture);
	write_instance (&fixture->nodes[0], "register", "before");
	assert_presence (fixture, 1, "before", TRUE, SLACK_MS);

	/* B dies: A and C keep serving, and drop it from the lists within the status interval. */
	g_assert_true (artemis_test_daemon_send_signal (fixture->nodes[1].daemon, SIGKILL));
	g_assert_true (artemis_test_daemon_wait (fixture->nodes[1].daemon, SLACK_MS));
	killed_us = g_get_monotonic_time ();
	assert_lists_nodes (fixture, 0, 1, SLACK_MS);
	assert_lists_nodes (fixture, 2, 1, SLACK_MS);
	took_ms = (g_get_monotonic_time () - killed_us) / G_TIME_SPAN_MILLISECOND;
	g_test_message ("a killed node left the lists after %" G_GINT64_FORMAT " ms", took_ms);
	write_instance (&fixture->nodes[0], "register", "while-b-dead");
	write_instance (&fixture->nodes[2], "register", "while-b-dead-c");
	assert_presence (fixture, 2, "while-b-dead", TRUE, SLACK_MS);
	assert_presence (fixture, 0, "while-b-dead-c", TRUE, SLACK_MS);

	/* B back (force-up=false): it copies an up peer's registry before it serves. */
	g_assert_true (artemis_test_daemon_start (fixture->nodes[1].daemon));
	assert_lists_nodes (fixture, 1, -1, SLACK_MS);
	g_assert_true (node_has (&fixture->nodes[1], "before"));
	g_assert_true (node_has (&fixture->nodes[1], "while-b-dead"));
	g_assert_true (node_has (&fixture->nodes[1], "while-b-dead-c"));

	/* B back empty (force-up=true, no copy): replicated heartbeats fill it in. */
	g_assert_true (artemis_test_daemon_send_signal (fixture->nodes[1].daemon, SIGKILL));
	g_assert_true (artemis_test_daemon_wait (fixture->nodes[1].daemon, SLACK_MS));
	own_ports (fixture, ports);
	node_create (fixture, 1, ports, TRUE);
	g_assert_false (node_has (&fixture->nodes[1], "before"));
	assert_lists_nodes (fixture, 0, -1, SLACK_MS);
	write_instance (&fixture->nodes[0], "heartbeat", "before");
	assert_presence (fixture, 1, "before", TRUE, SLACK_MS);
}

/* A client heartbeating @instance_id on @node every 200 ms until @present on @target. */
static gint64
heartbeat_until_present (Fixture *fixture, int node, const char *instance_id, int target, guint timeout_ms)
{
	gint64 start = g_get_monotonic_time ();

	while (!node_has (&fixture->nodes[target], instance_id)) {
		if (g_get_monotonic_time () - start > timeout_ms * G_TIME_SPAN_MILLISECOND)
			g_error ("Node %d still lacks %s after %u ms", target, instance_id, timeout_ms);
		write_instance (&fixture->nodes[node], "heartbeat", instance_id);
		artemis_test_wait_ms (200);
	}
	return (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
}

static void
test_partition_heals (Fixture *fixture, gconstpointer data)
{
	guint ports[N_NODES];
	gint64 took_ms;

	if (!have_daemon ())
		return;
	/* A reaches B only through the proxy. */
	proxy_start (&fixture->proxy, fixture->nodes[1].port);
	own_ports (fixture, ports);
	ports[1] = fixture->proxy.port;
	g_assert_true (artemis_test_daemon_send_signal (fixture->nodes[0].daemon, SIGKILL));
	g_assert_true (artemis_test_daemon_wait (fixture->nodes[0].daemon, SLACK_MS));
	node_create (fixture, 0, ports, FALSE);
	wait_all_up (fixture);

	/* Cut: A sees B unknown, and what is written on A meanwhile misses B. */
	proxy_set_dropping (&fixture->proxy, TRUE);
	assert_lists_nodes (fixture, 0, 1, SLACK_MS);
	write_instance (&fixture->nodes[0], "register", "partitioned");
	assert_presence (fixture, 2, "partitioned", TRUE, SLACK_MS);
	artemis_test_wait_ms (3 * STATUS_INTERVAL_MS);
	g_assert_false (node_has (&fixture->nodes[1], "partitioned"));

	/* Healed: the client's next heartbeats on A reach B, well within a lease (20 s) + 1 s. */
	proxy_set_dropping (&fixture->proxy, FALSE);
	took_ms = heartbeat_until_present (fixture, 0, "partitioned", 1, 21000);
	g_test_message ("converged %" G_GINT64_FORMAT " ms after the partition healed", took_ms);
	assert_presence (fixture, 2, "partitioned", TRUE, SLACK_MS);
}

static void
add_test (const char *name, void (*test) (Fixture *, gconstpointer))
{
	g_autofree char *path = g_strconcat ("/artemis/cluster-e2e/", name, NULL);

	g_test_add (path, Fixture, NULL, fixture_setup, test, fixture_teardown);
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	add_test ("writes-reach-every-node", test_writes_reach_every_node);
	add_test ("node-killed-and-back", test_node_killed_and_back);
	add_test ("partition-heals", test_partition_heals);
	return g_test_run ();
}
