/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "artemis-core.h"
#include "artemis-peer-queue.h"
#include "artemis-replication-peer-plugin.h"

/*
 * The replication-peer plugin: its queue (order, coalescing, bounds,
 * expiry, requeue), the backoff and the retry rule as pure functions, then
 * the plugin against a fake peer (an in-process SoupServer) with short
 * configured delays, driven by the main loop.
 */

static ArtemisInstance *
make_instance (const char *instance_id, const char *url)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, "default");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, "default");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, "demo");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, instance_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, url);
	return artemis_instance_builder_end (builder);
}

static void
push (ArtemisPeerQueue *queue, ArtemisReplicationAction action, const char *instance_id, const char *url,
      gint64 now_us)
{
	g_autoptr (ArtemisInstance) instance = make_instance (instance_id, url);

	artemis_peer_queue_push (queue, action, instance, now_us);
}

/* "action:id@url …" of one batch taken at @now_us with @ttl_us. */
static char *
take (ArtemisPeerQueue *queue, guint max, gint64 now_us, gint64 ttl_us)
{
	ArtemisReplicationAction action;
	gint64 queued_us;
	g_autoptr (GPtrArray) batch = artemis_peer_queue_take_batch (queue, max, now_us, ttl_us, &action, &queued_us);
	GString *out;

	if (batch == NULL)
		return g_strdup ("");
	out = g_string_new (artemis_replication_action_to_string (action));
	for (guint i = 0; i < batch->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (batch, i);

		g_string_append_printf (out, " %s@%s", artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID),
					artemis_instance_get (instance, ARTEMIS_INSTANCE_URL));
	}
	return g_string_free (out, FALSE);
}

#define TTL (G_GINT64_CONSTANT (1000000))

static void
assert_take (ArtemisPeerQueue *queue, guint max, const char *expected)
{
	g_autofree char *batch = take (queue, max, 0, TTL);

	g_assert_cmpstr (batch, ==, expected);
}

static void
test_queue_order_and_batches (void)
{
	g_autoptr (ArtemisPeerQueue) queue = artemis_peer_queue_new (100);

	push (queue, ARTEMIS_REPLICATION_REGISTER, "a", "u1", 0);
	push (queue, ARTEMIS_REPLICATION_REGISTER, "b", "u1", 0);
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "c", "u1", 0);
	push (queue, ARTEMIS_REPLICATION_UNREGISTER, "d", "u1", 0);
	g_assert_cmpuint (artemis_peer_queue_get_length (queue), ==, 4);
	/* A batch is one action, in order, cut at the size. */
	assert_take (queue, 1, "register a@u1");
	assert_take (queue, 10, "register b@u1");
	assert_take (queue, 10, "heartbeat c@u1");
	/* Heartbeats alone wait longer; an unregister still waits. */
	g_assert_true (artemis_peer_queue_has_writes (queue));
	assert_take (queue, 10, "unregister d@u1");
	g_assert_false (artemis_peer_queue_has_writes (queue));
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "e", "u1", 0);
	g_assert_false (artemis_peer_queue_has_writes (queue));
	assert_take (queue, 10, "heartbeat e@u1");
	assert_take (queue, 10, "");
	g_assert_cmpint (artemis_peer_queue_get_oldest_us (queue), ==, -1);
}

static void
test_queue_coalescing (void)
{
	g_autoptr (ArtemisPeerQueue) queue = artemis_peer_queue_new (100);

	/* A newer heartbeat replaces the waiting one and keeps its place; keys ignore case. */
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "a", "u1", 0);
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "b", "u1", 0);
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "A", "u2", 5);
	g_assert_cmpuint (artemis_peer_queue_get_length (queue), ==, 2);
	assert_take (queue, 10, "heartbeat A@u2 b@u1");

	/* A heartbeat behind a waiting register adds nothing; an unregister behind it keeps both, in order. */
	push (queue, ARTEMIS_REPLICATION_REGISTER, "a", "u1", 0);
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "a", "u2", 0);
	push (queue, ARTEMIS_REPLICATION_UNREGISTER, "a", "u3", 0);
	/* Not folded into the first register: that would put it before the unregister. */
	push (queue, ARTEMIS_REPLICATION_REGISTER, "a", "u4", 0);
	assert_take (queue, 10, "register a@u1");
	assert_take (queue, 10, "unregister a@u3");
	assert_take (queue, 10, "register a@u4");
}

static void
test_queue_bounded (void)
{
	g_autoptr (ArtemisPeerQueue) queue = artemis_peer_queue_new (3);

	for (int i = 0; i < 5; i++) {
		g_autofree char *id = g_strdup_printf ("i%d", i);

		push (queue, ARTEMIS_REPLICATION_REGISTER, id, "u", i);
	}
	/* The oldest are dropped and counted. */
	g_assert_cmpuint (artemis_peer_queue_get_length (queue), ==, 3);
	g_assert_cmpuint (artemis_peer_queue_get_n_dropped (queue), ==, 2);
	assert_take (queue, 10, "register i2@u i3@u i4@u");
}

static void
test_queue_expiry (void)
{
	g_autoptr (ArtemisPeerQueue) queue = artemis_peer_queue_new (10);
	g_autofree char *batch = NULL;

	push (queue, ARTEMIS_REPLICATION_REGISTER, "old", "u", 0);
	push (queue, ARTEMIS_REPLICATION_REGISTER, "new", "u", 600000);
	g_assert_cmpint (artemis_peer_queue_get_oldest_us (queue), ==, 0);
	batch = take (queue, 10, 1500000, TTL);
	g_assert_cmpstr (batch, ==, "register new@u");
	g_assert_cmpuint (artemis_peer_queue_get_n_expired (queue), ==, 1);
}

static void
test_queue_requeue (void)
{
	g_autoptr (ArtemisPeerQueue) queue = artemis_peer_queue_new (3);
	g_autoptr (GPtrArray) failed = artemis_instance_array_new (3);

	g_ptr_array_add (failed, make_instance ("a", "old"));
	g_ptr_array_add (failed, make_instance ("b", "old"));
	g_ptr_array_add (failed, make_instance ("c", "old"));
	/* Meanwhile a newer write of b and another instance arrived. */
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "b", "new", 10);
	push (queue, ARTEMIS_REPLICATION_HEARTBEAT, "d", "new", 10);
	artemis_peer_queue_requeue (queue, ARTEMIS_REPLICATION_REGISTER, failed, 3);
	/* Back at the head in their order, b left to its newer write, the oldest (a) dropped by the bound. */
	g_assert_cmpuint (artemis_peer_queue_get_n_dropped (queue), ==, 1);
	g_assert_cmpint (artemis_peer_queue_get_oldest_us (queue), ==, 3);
	assert_take (queue, 10, "register c@old");
	assert_take (queue, 10, "heartbeat b@new d@new");
}

static void
test_backoff_and_retry_rule (void)
{
	g_assert_cmpint (artemis_peer_backoff_ms (0, 100, 5000), ==, 0);
	g_assert_cmpint (artemis_peer_backoff_ms (1, 100, 5000), ==, 100);
	g_assert_cmpint (artemis_peer_backoff_ms (2, 100, 5000), ==, 200);
	g_assert_cmpint (artemis_peer_backoff_ms (6, 100, 5000), ==, 3200);
	g_assert_cmpint (artemis_peer_backoff_ms (7, 100, 5000), ==, 5000);
	g_assert_cmpint (artemis_peer_backoff_ms (1000, 100, 5000), ==, 5000);

	/* Protocol §11.4. */
	for (const char *const *code = (const char *const[]){ "bad-request", "no-permission", "internal-service-error",
							       "service-unavailable", NULL };
	     *code != NULL; code++)
		g_assert_false (artemis_peer_error_code_is_retryable (*code));
	for (const char *const *code = (const char *const[]){ "rate-limited", "unknown", "data-not-found", NULL };
	     *code != NULL; code++)
		g_assert_true (artemis_peer_error_code_is_retryable (*code));
}

/* ---- the plugin against a fake peer ------------------------------------ */

/* A peer that records each request and answers from a script. */
typedef struct {
	SoupServer *server;
	GPtrArray *requests;    /* "path instanceId,instanceId…" */
	GPtrArray *answers;     /* responseStatus errorCodes to answer, in turn; then success */
	guint answered;
	ArtemisReplicator *plugin;
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisCluster *cluster;
} Fixture;

static char *
describe_request (SoupServerMessage *msg)
{
	SoupMessageBody *body = soup_server_message_get_request_body (msg);
	g_autoptr (GBytes) compressed = g_bytes_new (body->data, body->length);
	g_autoptr (GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_bytes (compressed);
	g_autoptr (GInputStream) stream = g_converter_input_stream_new (raw, G_CONVERTER (decompressor));
	g_autoptr (GBytes) json = g_input_stream_read_bytes (stream, 1 << 20, NULL, NULL);
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GError) error = NULL;
	GString *out = g_string_new (g_uri_get_path (soup_server_message_get_uri (msg)));

	g_assert_cmpstr (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
						       "Content-Encoding"),
			 ==, "gzip");
	/* The peers' [security] peer-tokens ask for it. */
	g_assert_cmpstr (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
						       "Authorization"),
			 ==, "Bearer peer-one");
	g_assert_true (artemis_codec_decode_instances_request (g_bytes_get_data (json, NULL), g_bytes_get_size (json), G_MAXUINT,
							       &instances, &error));
	g_assert_no_error (error);
	for (guint i = 0; i < instances->len; i++)
		g_string_append_printf (out, "%c%s", i == 0 ? ' ' : ',',
					artemis_instance_get (g_ptr_array_index (instances, i),
							      ARTEMIS_INSTANCE_INSTANCE_ID));
	return g_string_free (out, FALSE);
}

static void
on_peer_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
		 gpointer user_data)
{
	Fixture *fixture = user_data;
	const char *code = fixture->answered < fixture->answers->len
				   ? g_ptr_array_index (fixture->answers, fixture->answered)
				   : "success";
	g_autofree char *body = g_strdup_printf (
		"{\"failedInstances\":null,\"responseStatus\":{\"errorCode\":\"%s\",\"message\":\"\",\"status\":\"%s\"}}",
		code, g_str_equal (code, "success") ? "success" : "fail");

	fixture->answered++;
	g_ptr_array_add (fixture->requests, describe_request (msg));
	/* A peer in trouble: not even a JSON answer. */
	if (g_str_equal (code, "http-503")) {
		soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
		return;
	}
	soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* A cluster of this node (whose URL nobody calls) and the fake peer, up. */
static ArtemisCluster *
make_cluster (Fixture *fixture, GUri *peer)
{
	g_autofree char *peer_url = g_uri_to_string (peer);
	g_autofree char *nodes = g_strdup_printf ("default:http://127.0.0.1:1/,%s", peer_url);
	ArtemisNodeStatus up = { ARTEMIS_NODE_UP, ARTEMIS_TRISTATE_TRUE, ARTEMIS_TRISTATE_TRUE, ARTEMIS_TRISTATE_FALSE,
				 ARTEMIS_TRISTATE_FALSE };
	ArtemisCluster *cluster;
	g_autoptr (GError) error = NULL;

	fixture->config = artemis_config_new ();
	fixture->node = artemis_node_new (fixture->config, "http://127.0.0.1:1/");
	cluster = artemis_cluster_new (fixture->node);
	g_assert_true (artemis_cluster_configure (cluster, nodes, &error));
	g_assert_no_error (error);
	artemis_cluster_set_peer_status (cluster, peer_url, &up);
	return cluster;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GKeyFile) settings = g_key_file_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GSList) uris = NULL;
	g_autoptr (ArtemisReplicationContext) context = NULL;

	fixture->requests = g_ptr_array_new_with_free_func (g_free);
	fixture->answers = g_ptr_array_new ();
	fixture->server = soup_server_new (NULL, NULL);
	soup_server_add_handler (fixture->server, NULL, on_peer_request, fixture, NULL);
	soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
	g_assert_no_error (error);
	uris = soup_server_get_uris (fixture->server);
	fixture->cluster = make_cluster (fixture, uris->data);
	g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

	/* Short delays so that the main loop runs the timers at once. */
	g_key_file_set_string (settings, "plugin replication-peer", "batch-size", "3");
	g_key_file_set_string (settings, "plugin replication-peer", "batch-delay", "20");
	g_key_file_set_string (settings, "plugin replication-peer", "heartbeat-delay", "40");
	g_key_file_set_string (settings, "plugin replication-peer", "max-queue", data != NULL ? data : "100");
	g_key_file_set_string (settings, "plugin replication-peer", "retry-min", "10");
	g_key_file_set_string (settings, "plugin replication-peer", "retry-max", "40");
	g_key_file_set_string (settings, "plugin replication-peer", "token", " peer-one ");
	fixture->plugin = g_object_new (ARTEMIS_TYPE_REPLICATION_PEER_PLUGIN, "name", "replication-peer", "settings",
					settings, NULL);
	context = artemis_cluster_replication_context_new (fixture->cluster);
	artemis_replicator_set_context (fixture->plugin, context);
	g_assert_true (artemis_plugin_setup (ARTEMIS_PLUGIN (fixture->plugin), &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
	artemis_plugin_shutdown (ARTEMIS_PLUGIN (fixture->plugin));
	while (g_main_context_iteration (NULL, FALSE))
		;
	g_clear_object (&fixture->plugin);
	g_clear_object (&fixture->cluster);
	g_clear_object (&fixture->node);
	artemis_config_free (fixture->config);
	soup_server_disconnect (fixture->server);
	g_clear_object (&fixture->server);
	g_ptr_array_unref (fixture->requests);
	g_ptr_array_unref (fixture->answers);
}

static void
replicate (Fixture *fixture, ArtemisReplicationAction action, const char *const *ids)
{
	g_autoptr (GPtrArray) instances = artemis_instance_array_new (4);

	for (guint i = 0; ids[i] != NULL; i++)
		g_ptr_array_add (instances, make_instance (ids[i], "http://x/"));
	artemis_replicator_replicate (fixture->plugin, action, instances);
}

static gboolean
on_give_up (gpointer user_data)
{
	g_error ("Timed out waiting for the fake peer");
	return G_SOURCE_REMOVE;
}

static void
wait_requests (Fixture *fixture, guint n)
{
	guint guard = g_timeout_add_seconds (10, on_give_up, NULL);

	while (fixture->requests->len < n)
		g_main_context_iteration (NULL, TRUE);
	g_source_remove (guard);
}

static char *
joined_requests (Fixture *fixture)
{
	g_ptr_array_add (fixture->requests, NULL);
	g_ptr_array_remove_index (fixture->requests, fixture->requests->len - 1);
	return g_strjoinv ("|", (char **) fixture->requests->pdata);
}

static void
test_plugin_batches_in_order (Fixture *fixture, gconstpointer data)
{
	g_autofree char *requests = NULL;

	replicate (fixture, ARTEMIS_REPLICATION_REGISTER, (const char *[]){ "a", "b", "c", "d", NULL });
	replicate (fixture, ARTEMIS_REPLICATION_HEARTBEAT, (const char *[]){ "e", NULL });
	replicate (fixture, ARTEMIS_REPLICATION_HEARTBEAT, (const char *[]){ "e", "f", NULL });
	replicate (fixture, ARTEMIS_REPLICATION_UNREGISTER, (const char *[]){ "a", NULL });
	wait_requests (fixture, 4);
	/* Full batches at once, the rest after the delay; one action per request, in order. */
	requests = joined_requests (fixture);
	g_assert_cmpstr (requests, ==,
			 "/api/replication/registry/register.json a,b,c|/api/replication/registry/register.json d|"
			 "/api/replication/registry/heartbeat.json e,f|/api/replication/registry/unregister.json a");
}

static void
test_plugin_retries (Fixture *fixture, gconstpointer data)
{
	g_autofree char *requests = NULL;

	/* Retryable twice (backoff 10 then 20 ms), then success; a permanent failure is dropped. */
	g_ptr_array_add (fixture->answers, "rate-limited");
	g_ptr_array_add (fixture->answers, "unknown");
	g_ptr_array_add (fixture->answers, "success");
	g_ptr_array_add (fixture->answers, "no-permission");
	replicate (fixture, ARTEMIS_REPLICATION_REGISTER, (const char *[]){ "a", NULL });
	wait_requests (fixture, 3);
	replicate (fixture, ARTEMIS_REPLICATION_REGISTER, (const char *[]){ "b", NULL });
	wait_requests (fixture, 4);
	replicate (fixture, ARTEMIS_REPLICATION_REGISTER, (const char *[]){ "c", NULL });
	wait_requests (fixture, 5);
	requests = joined_requests (fixture);
	g_assert_cmpstr (requests, ==,
			 "/api/replication/registry/register.json a|/api/replication/registry/register.json a|"
			 "/api/replication/registry/register.json a|/api/replication/registry/register.json b|"
			 "/api/replication/registry/register.json c");
}

/*
 * A peer that fails costs at most max-queue (here 3) waiting writes: the
 * oldest are dropped, the newest retried until the peer answers.
 */
static void
test_plugin_bounded (Fixture *fixture, gconstpointer data)
{
	g_autofree char *requests = NULL;

	g_ptr_array_add (fixture->answers, "http-503");
	g_ptr_array_add (fixture->answers, "http-503");
	replicate (fixture, ARTEMIS_REPLICATION_REGISTER,
		   (const char *[]){ "a", "b", "c", "d", "e", "f", "g", "h", NULL });
	replicate (fixture, ARTEMIS_REPLICATION_REGISTER, (const char *[]){ "i", NULL });
	wait_requests (fixture, 3);
	requests = joined_requests (fixture);
	g_assert_cmpstr (requests, ==,
			 "/api/replication/registry/register.json g,h,i|/api/replication/registry/register.json g,h,i|"
			 "/api/replication/registry/register.json g,h,i");
}

int
main (int argc, char **argv)
{
	g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	g_test_add_func ("/artemis/replication-peer/queue/order-and-batches", test_queue_order_and_batches);
	g_test_add_func ("/artemis/replication-peer/queue/coalescing", test_queue_coalescing);
	g_test_add_func ("/artemis/replication-peer/queue/bounded", test_queue_bounded);
	g_test_add_func ("/artemis/replication-peer/queue/expiry", test_queue_expiry);
	g_test_add_func ("/artemis/replication-peer/queue/requeue", test_queue_requeue);
	g_test_add_func ("/artemis/replication-peer/backoff-and-retry-rule", test_backoff_and_retry_rule);
	g_test_add ("/artemis/replication-peer/plugin/batches-in-order", Fixture, NULL, fixture_setup,
		    test_plugin_batches_in_order, fixture_teardown);
	g_test_add ("/artemis/replication-peer/plugin/retries", Fixture, NULL, fixture_setup, test_plugin_retries,
		    fixture_teardown);
	g_test_add ("/artemis/replication-peer/plugin/bounded", Fixture, "3", fixture_setup, test_plugin_bounded,
		    fixture_teardown);
	return g_test_run ();
}
