/* SPDX-License-Identifier: Apache-2.0 */

/*
 * Replication to the peers over their HTTP endpoints (protocol §11): one
 * bounded, coalescing queue per peer (artemis-peer-queue.c), sent in order
 * as gzip batches of one action, one request in flight per peer, retried
 * with exponential backoff when the failure is worth retrying; and the
 * bootstrap copy of an up peer's registry (§11.6).
 */

#include <libsoup/soup.h>

#include "artemis-peer-queue.h"
#include "artemis-replication-peer-plugin.h"

/* [plugin replication-peer] settings (README.md). */
typedef struct {
	gint64 max_queue;
	gint64 batch_size;
	gint64 batch_delay_ms;
	gint64 heartbeat_delay_ms;
	gint64 request_timeout_ms;
	gint64 bootstrap_timeout_ms;
	gint64 retry_min_ms;
	gint64 retry_max_ms;
	gint64 task_ttl_ms;
} Settings;

struct _ArtemisReplicationPeerPlugin {
	ArtemisReplicator parent_instance;

	Settings settings;
	SoupSession *session;
	char *token; /* sent to peers, or NULL */
	GHashTable *peers; /* base URL → Peer */
	gboolean shut_down;
};

G_DEFINE_FINAL_TYPE (ArtemisReplicationPeerPlugin, artemis_replication_peer_plugin, ARTEMIS_TYPE_REPLICATOR)

/* One peer: its queue and the state of sending to it. */
typedef struct {
	char *url;
	ArtemisPeerQueue *queue;
	guint timer;
	gint64 timer_due_us;
	gboolean sending;
	guint failures;      /* consecutive failed sends */
	gint64 not_before_us; /* backoff: no send before */
	guint64 logged_losses;
	gint64 logged_us;
} Peer;

static void
peer_free (Peer *peer)
{
	g_clear_handle_id (&peer->timer, g_source_remove);
	artemis_peer_queue_free (peer->queue);
	g_free (peer->url);
	g_free (peer);
}

/* ---- HTTP with a timeout ----------------------------------------------- */

typedef struct {
	SoupMessage *msg;
	GCancellable *cancellable;
	guint timeout;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
	g_clear_handle_id (&exchange->timeout, g_source_remove);
	g_clear_object (&exchange->msg);
	g_clear_object (&exchange->cancellable);
	g_free (exchange);
}

static GBytes *
gzip (GBytes *data)
{
	g_autoptr (GOutputStream) memory = g_memory_output_stream_new_resizable ();
	/* The fastest level: JSON compresses well at any, and a peer gets many batches. */
	g_autoptr (GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
	g_autoptr (GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
	gsize len;
	const char *bytes = g_bytes_get_data (data, &len);

	/* Into memory: cannot fail. */
	g_output_stream_write_all (stream, bytes, len, NULL, NULL, NULL);
	g_output_stream_close (stream, NULL, NULL);
	return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static gboolean
on_exchange_timeout (gpointer user_data)
{
	Exchange *exchange = user_data;

	exchange->timeout = 0;
	g_cancellable_cancel (exchange->cancellable);
	return G_SOURCE_REMOVE;
}

static void
on_exchanged (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	Exchange *exchange = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
	guint status = soup_message_get_status (exchange->msg);

	if (body == NULL) {
		g_task_return_error (task, g_steal_pointer (&error));
		return;
	}
	if (status >= 400) {
		g_task_return_new_error (task, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "HTTP %u", status);
		return;
	}
	g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

/* POSTs @json gzipped to @base_url + @path; completes with the body of a 2xx answer within @timeout_ms. */
static void
post_async (ArtemisReplicationPeerPlugin *self, const char *base_url, const char *path, GBytes *json,
	    gint64 timeout_ms, GAsyncReadyCallback callback, gpointer user_data)
{
	g_autofree char *uri = g_strconcat (base_url, path, NULL);
	g_autoptr (GBytes) body = gzip (json);
	GTask *task = g_task_new (self, NULL, callback, user_data);
	Exchange *exchange = g_new0 (Exchange, 1);
	SoupMessageHeaders *headers;

	exchange->msg = soup_message_new ("POST", uri);
	exchange->cancellable = g_cancellable_new ();
	g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);
	if (exchange->msg == NULL) {
		g_task_return_new_error (task, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "bad URL %s", uri);
		g_object_unref (task);
		return;
	}
	headers = soup_message_get_request_headers (exchange->msg);
	soup_message_set_request_body_from_bytes (exchange->msg, "application/json", body);
	soup_message_headers_replace (headers, "Content-Encoding", "gzip");
	soup_message_headers_replace (headers, "Accept", "application/json");
	/* The token peers ask for on /api/replication/ ([security] peer-tokens there). */
	if (self->token != NULL) {
		g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

		soup_message_headers_replace (headers, "Authorization", authorization);
	}
	exchange->timeout = g_timeout_add (timeout_ms, on_exchange_timeout, exchange);
	soup_session_send_and_read_async (self->session, exchange->msg, G_PRIORITY_DEFAULT, exchange->cancellable,
					  on_exchanged, task);
}

static GBytes *
post_finish (ArtemisReplicationPeerPlugin *self, GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- sending to one peer ----------------------------------------------- */

static void send_batch (ArtemisReplicationPeerPlugin *self, Peer *peer);

/* The timer of a peer's next batch; the peer is looked up again, it may be gone. */
typedef struct {
	ArtemisReplicationPeerPlugin *plugin;
	char *url;
} FlushTimer;

static void
flush_timer_free (FlushTimer *timer)
{
	g_free (timer->url);
	g_free (timer);
}

static gboolean
on_flush (gpointer user_data)
{
	FlushTimer *timer = user_data;
	Peer *peer = g_hash_table_lookup (timer->plugin->peers, timer->url);

	if (peer != NULL) {
		peer->timer = 0;
		send_batch (timer->plugin, peer);
	}
	return G_SOURCE_REMOVE;
}

/*
 * A batch is due when it is full, or when its oldest entry waited
 * batch-delay — heartbeat-delay while only heartbeats wait: a lease lasts
 * far longer, and each instance's heartbeats fold into one meanwhile — and
 * never during a backoff.
 */
static void
schedule (ArtemisReplicationPeerPlugin *self, Peer *peer)
{
	const Settings *settings = &self->settings;
	gint64 now = g_get_monotonic_time ();
	gint64 oldest = artemis_peer_queue_get_oldest_us (peer->queue);
	gint64 delay_ms;
	gint64 due;
	FlushTimer *timer;

	if (peer->sending || oldest < 0)
		return;
	delay_ms = artemis_peer_queue_has_writes (peer->queue) ? settings->batch_delay_ms : settings->heartbeat_delay_ms;
	if (artemis_peer_queue_get_length (peer->queue) >= (guint) settings->batch_size)
		due = now;
	else
		due = oldest + delay_ms * G_TIME_SPAN_MILLISECOND;
	due = MAX (due, peer->not_before_us);
	if (peer->timer != 0 && peer->timer_due_us <= due)
		return;
	g_clear_handle_id (&peer->timer, g_source_remove);
	timer = g_new0 (FlushTimer, 1);
	timer->plugin = self;
	timer->url = g_strdup (peer->url);
	peer->timer_due_us = due;
	peer->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, MAX (due - now, 0) / G_TIME_SPAN_MILLISECOND, on_flush,
					  timer, (GDestroyNotify) flush_timer_free);
}

/* Losses are counted always, logged at most every 10 s per peer. */
static void
report_losses (Peer *peer)
{
	guint64 losses = artemis_peer_queue_get_n_dropped (peer->queue) + artemis_peer_queue_get_n_expired (peer->queue);
	gint64 now = g_get_monotonic_time ();

	if (losses == peer->logged_losses || now - peer->logged_us < 10 * G_TIME_SPAN_SECOND)
		return;
	g_message ("Replication to %s: %" G_GUINT64_FORMAT " writes dropped (queue full) and %" G_GUINT64_FORMAT
		   " expired so far; the next heartbeats restore them",
		   peer->url, artemis_peer_queue_get_n_dropped (peer->queue),
		   artemis_peer_queue_get_n_expired (peer->queue));
	peer->logged_losses = losses;
	peer->logged_us = now;
}

/* One batch in flight. */
typedef struct {
	ArtemisReplicationPeerPlugin *plugin;
	char *url;
	ArtemisReplicationAction action;
	GPtrArray *instances;
	gint64 queued_us;
} Send;

static void
send_free (Send *send)
{
	g_object_unref (send->plugin);
	g_free (send->url);
	g_ptr_array_unref (send->instances);
	g_free (send);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Send, send_free)

/* The instances of @send that failed with a retryable code (protocol §11.4); a transport failure fails all. */
static GPtrArray *
find_retries (ArtemisReplicationPeerPlugin *self, Send *send, GBytes *body, const GError *error)
{
	ArtemisReplicationContext *context = artemis_replicator_get_context (ARTEMIS_REPLICATOR (self));
	g_autoptr (GPtrArray) failures = artemis_replication_failure_array_new ();
	g_autoptr (GError) decode_error = NULL;
	GPtrArray *retries = artemis_instance_array_new (0);

	if (body == NULL || !artemis_replication_context_decode_registry_response (context, body, send->instances,
										   failures, &decode_error)) {
		g_debug ("Replication to %s failed: %s", send->url,
			 error != NULL ? error->message : decode_error->message);
		for (guint i = 0; i < send->instances->len; i++)
			g_ptr_array_add (retries, artemis_instance_ref (g_ptr_array_index (send->instances, i)));
		return retries;
	}
	for (guint i = 0; i < failures->len; i++) {
		ArtemisReplicationFailure *failure = g_ptr_array_index (failures, i);

		if (artemis_peer_error_code_is_retryable (failure->error_code))
			g_ptr_array_add (retries, artemis_instance_ref (failure->instance));
		else
			g_debug ("Replication to %s: %s refused for good (%s)", send->url,
				 artemis_instance_get_key (failure->instance), failure->error_code);
	}
	return retries;
}

static void
on_batch_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (Send) send = user_data;
	ArtemisReplicationPeerPlugin *self = send->plugin;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = post_finish (self, result, &error);
	g_autoptr (GPtrArray) retries = NULL;
	Peer *peer;

	if (self->shut_down)
		return;
	peer = g_hash_table_lookup (self->peers, send->url);
	if (peer == NULL)
		return;
	peer->sending = FALSE;
	retries = find_retries (self, send, body, error);
	if (retries->len == 0) {
		peer->failures = 0;
		peer->not_before_us = 0;
	} else {
		artemis_peer_queue_requeue (peer->queue, send->action, retries, send->queued_us);
		peer->failures++;
		peer->not_before_us =
			g_get_monotonic_time () + artemis_peer_backoff_ms (peer->failures, self->settings.retry_min_ms,
									   self->settings.retry_max_ms) *
							  G_TIME_SPAN_MILLISECOND;
	}
	report_losses (peer);
	schedule (self, peer);
}

static void
send_batch (ArtemisReplicationPeerPlugin *self, Peer *peer)
{
	ArtemisReplicationContext *context = artemis_replicator_get_context (ARTEMIS_REPLICATOR (self));
	Send *send = g_new0 (Send, 1);
	g_autoptr (GBytes) json = NULL;
	g_autofree char *path = NULL;

	send->instances = artemis_peer_queue_take_batch (peer->queue, self->settings.batch_size, g_get_monotonic_time (),
							 self->settings.task_ttl_ms * G_TIME_SPAN_MILLISECOND,
							 &send->action, &send->queued_us);
	report_losses (peer);
	if (send->instances == NULL) {
		g_free (send);
		return;
	}
	send->plugin = g_object_ref (self);
	send->url = g_strdup (peer->url);
	peer->sending = TRUE;
	json = artemis_replication_context_encode_instances (context, send->instances);
	path = g_strdup_printf ("api/replication/registry/%s.json", artemis_replication_action_to_string (send->action));
	post_async (self, peer->url, path, json, self->settings.request_timeout_ms, on_batch_sent, send);
}

static Peer *
ensure_peer (ArtemisReplicationPeerPlugin *self, const char *url)
{
	Peer *peer = g_hash_table_lookup (self->peers, url);

	if (peer != NULL)
		return peer;
	peer = g_new0 (Peer, 1);
	peer->url = g_strdup (url);
	peer->queue = artemis_peer_queue_new (self->settings.max_queue);
	g_hash_table_insert (self->peers, peer->url, peer);
	return peer;
}

static void
artemis_replication_peer_plugin_replicate (ArtemisReplicator *replicator, ArtemisReplicationAction action,
					   GPtrArray *instances)
{
	ArtemisReplicationPeerPlugin *self = ARTEMIS_REPLICATION_PEER_PLUGIN (replicator);
	g_auto (GStrv) targets = artemis_replication_context_dup_targets (artemis_replicator_get_context (replicator));
	gint64 now = g_get_monotonic_time ();

	if (self->shut_down)
		return;
	for (guint i = 0; targets[i] != NULL; i++) {
		Peer *peer = ensure_peer (self, targets[i]);

		for (guint j = 0; j < instances->len; j++)
			artemis_peer_queue_push (peer->queue, action, g_ptr_array_index (instances, j), now);
		schedule (self, peer);
	}
}

/* ---- bootstrap ---------------------------------------------------------- */

typedef struct {
	GStrv peers;
	guint next;
	GBytes *request;
} Bootstrap;

static void
bootstrap_free (Bootstrap *bootstrap)
{
	g_strfreev (bootstrap->peers);
	g_bytes_unref (bootstrap->request);
	g_free (bootstrap);
}

/* A JSON string literal of @text. */
static void
append_json_string (GString *out, const char *text)
{
	g_string_append_c (out, '"');
	for (const char *p = text; p != NULL && *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf (out, "\\%c", *p);
		else if ((guchar) *p < 0x20)
			g_string_append_printf (out, "\\u%04x", (guchar) *p);
		else
			g_string_append_c (out, *p);
	}
	g_string_append_c (out, '"');
}

/* `{"regionId":…,"zoneId":…}` (protocol §11.6 step 2). */
static GBytes *
services_request (ArtemisReplicationContext *context)
{
	GString *out = g_string_new ("{\"regionId\":");

	append_json_string (out, artemis_replication_context_get_region_id (context));
	g_string_append (out, ",\"zoneId\":");
	append_json_string (out, artemis_replication_context_get_zone_id (context));
	g_string_append_c (out, '}');
	return g_string_free_to_bytes (out);
}

static void ask_next_peer (GTask *task);

static void
on_services (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	ArtemisReplicationPeerPlugin *self = ARTEMIS_REPLICATION_PEER_PLUGIN (source);
	Bootstrap *bootstrap = g_task_get_task_data (task);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = post_finish (self, result, &error);
	GPtrArray *instances = NULL;

	if (body != NULL)
		instances = artemis_replication_context_decode_services (
			artemis_replicator_get_context (ARTEMIS_REPLICATOR (self)), body, &error);
	if (instances != NULL) {
		g_message ("Bootstrap: %u instances from %s", instances->len, bootstrap->peers[bootstrap->next - 1]);
		g_task_return_pointer (task, instances, (GDestroyNotify) g_ptr_array_unref);
		return;
	}
	g_message ("Bootstrap: %s gave nothing: %s", bootstrap->peers[bootstrap->next - 1], error->message);
	ask_next_peer (g_steal_pointer (&task));
}

/* Takes @task. */
static void
ask_next_peer (GTask *task)
{
	ArtemisReplicationPeerPlugin *self = g_task_get_source_object (task);
	Bootstrap *bootstrap = g_task_get_task_data (task);
	const char *peer = bootstrap->peers[bootstrap->next];

	if (peer == NULL || self->shut_down) {
		g_task_return_new_error (task, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE, "no up peer gave its registry");
		g_object_unref (task);
		return;
	}
	bootstrap->next++;
	post_async (self, peer, "api/replication/registry/services.json", bootstrap->request,
		    self->settings.bootstrap_timeout_ms, on_services, task);
}

static void
artemis_replication_peer_plugin_bootstrap_async (ArtemisReplicator *replicator, GCancellable *cancellable,
						 GAsyncReadyCallback callback, gpointer user_data)
{
	ArtemisReplicationContext *context = artemis_replicator_get_context (replicator);
	GTask *task = g_task_new (replicator, cancellable, callback, user_data);
	Bootstrap *bootstrap = g_new0 (Bootstrap, 1);

	bootstrap->peers = artemis_replication_context_dup_bootstrap_peers (context);
	bootstrap->request = services_request (context);
	g_task_set_task_data (task, bootstrap, (GDestroyNotify) bootstrap_free);
	ask_next_peer (task);
}

static GPtrArray *
artemis_replication_peer_plugin_bootstrap_finish (ArtemisReplicator *replicator, GAsyncResult *result,
						  GError **error)
{
	return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- settings and life cycle ------------------------------------------- */

static gboolean
read_setting (ArtemisPlugin *plugin, const char *key, gint64 min, gint64 max, gint64 *value, GError **error)
{
	const char *text = artemis_plugin_get_setting (plugin, key);
	g_autoptr (GError) local_error = NULL;

	if (text == NULL || *text == '\0')
		return TRUE;
	if (!g_ascii_string_to_signed (text, 10, min, max, value, &local_error)) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG, "%s: %s", key, local_error->message);
		return FALSE;
	}
	return TRUE;
}

static gboolean
artemis_replication_peer_plugin_setup (ArtemisPlugin *plugin, GError **error)
{
	ArtemisReplicationPeerPlugin *self = ARTEMIS_REPLICATION_PEER_PLUGIN (plugin);
	Settings *settings = &self->settings;

	if (!read_setting (plugin, "max-queue", 1, 10000000, &settings->max_queue, error) ||
	    !read_setting (plugin, "batch-size", 1, 10000, &settings->batch_size, error) ||
	    !read_setting (plugin, "batch-delay", 0, 10000, &settings->batch_delay_ms, error) ||
	    !read_setting (plugin, "heartbeat-delay", 0, 10000, &settings->heartbeat_delay_ms, error) ||
	    !read_setting (plugin, "request-timeout", 10, 60000, &settings->request_timeout_ms, error) ||
	    !read_setting (plugin, "bootstrap-timeout", 10, 600000, &settings->bootstrap_timeout_ms, error) ||
	    !read_setting (plugin, "retry-min", 1, 60000, &settings->retry_min_ms, error) ||
	    !read_setting (plugin, "retry-max", 1, 600000, &settings->retry_max_ms, error) ||
	    !read_setting (plugin, "task-ttl", 100, 600000, &settings->task_ttl_ms, error))
		return FALSE;
	settings->retry_max_ms = MAX (settings->retry_max_ms, settings->retry_min_ms);
	self->token = g_strdup (artemis_plugin_get_setting (plugin, "token"));
	if (self->token != NULL && *g_strstrip (self->token) == '\0')
		g_clear_pointer (&self->token, g_free);
	self->session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 4, "user-agent",
						       "artemisd-replication", NULL);
	return TRUE;
}

static void
artemis_replication_peer_plugin_shutdown (ArtemisPlugin *plugin)
{
	ArtemisReplicationPeerPlugin *self = ARTEMIS_REPLICATION_PEER_PLUGIN (plugin);

	self->shut_down = TRUE;
	g_hash_table_remove_all (self->peers);
	if (self->session != NULL)
		soup_session_abort (self->session);
}

static void
artemis_replication_peer_plugin_finalize (GObject *object)
{
	ArtemisReplicationPeerPlugin *self = ARTEMIS_REPLICATION_PEER_PLUGIN (object);

	g_hash_table_unref (self->peers);
	g_clear_object (&self->session);
	g_free (self->token);
	G_OBJECT_CLASS (artemis_replication_peer_plugin_parent_class)->finalize (object);
}

static void
artemis_replication_peer_plugin_class_init (ArtemisReplicationPeerPluginClass *klass)
{
	ArtemisPluginClass *plugin_class = ARTEMIS_PLUGIN_CLASS (klass);
	ArtemisReplicatorClass *replicator_class = ARTEMIS_REPLICATOR_CLASS (klass);

	G_OBJECT_CLASS (klass)->finalize = artemis_replication_peer_plugin_finalize;
	plugin_class->description = "Replicates client writes to the other nodes over HTTP, queued per peer";
	plugin_class->setup = artemis_replication_peer_plugin_setup;
	plugin_class->shutdown = artemis_replication_peer_plugin_shutdown;
	replicator_class->replicate = artemis_replication_peer_plugin_replicate;
	replicator_class->bootstrap_async = artemis_replication_peer_plugin_bootstrap_async;
	replicator_class->bootstrap_finish = artemis_replication_peer_plugin_bootstrap_finish;
}

static void
artemis_replication_peer_plugin_init (ArtemisReplicationPeerPlugin *self)
{
	self->settings = (Settings){
		.max_queue = 10000,
		.batch_size = 250,
		.batch_delay_ms = 10,
		.heartbeat_delay_ms = 1000,
		.request_timeout_ms = 500,
		.bootstrap_timeout_ms = 2000,
		.retry_min_ms = 100,
		.retry_max_ms = 5000,
		.task_ttl_ms = 5000,
	};
	self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) peer_free);
}

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_REPLICATION_PEER_PLUGIN)
