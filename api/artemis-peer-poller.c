/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <libsoup/soup.h>

#include "artemis-peer-poller.h"

struct _ArtemisPeerPoller {
	GObject parent_instance;

	ArtemisCluster *cluster;
	SoupSession *session;
	gint64 interval_ms;
	gint64 fast_interval_ms;
	gint64 timeout_ms;
	guint attempts;
	guint timer;
	gboolean stopped;
	/* Base URL → its Poll in flight. */
	GHashTable *polling;
	/* Base URL → when to poll it next (monotonic µs); absent: now. */
	GHashTable *next_poll;
};

G_DEFINE_FINAL_TYPE (ArtemisPeerPoller, artemis_peer_poller, G_TYPE_OBJECT)

/* One poll of one peer. */
typedef struct {
	ArtemisPeerPoller *poller;
	char *url;
	SoupMessage *msg;
	GCancellable *cancellable;
	guint timeout; /* of the request in flight, or until the next attempt */
	guint attempts_left;
} Poll;

static void
poll_free (Poll *poll)
{
	g_clear_handle_id (&poll->timeout, g_source_remove);
	g_hash_table_remove (poll->poller->polling, poll->url);
	g_object_unref (poll->poller);
	g_free (poll->url);
	g_clear_object (&poll->msg);
	g_clear_object (&poll->cancellable);
	g_free (poll);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Poll, poll_free)

void
artemis_peer_poller_stop (ArtemisPeerPoller *self)
{
	GHashTableIter iter;
	gpointer value;

	g_return_if_fail (ARTEMIS_IS_PEER_POLLER (self));
	self->stopped = TRUE;
	g_clear_handle_id (&self->timer, g_source_remove);
	g_hash_table_iter_init (&iter, self->polling);
	while (g_hash_table_iter_next (&iter, NULL, &value))
		g_cancellable_cancel (((Poll *) value)->cancellable);
	/* Polls waiting for their next attempt end when it comes. */
}

static void
artemis_peer_poller_dispose (GObject *object)
{
	ArtemisPeerPoller *self = ARTEMIS_PEER_POLLER (object);

	artemis_peer_poller_stop (self);
	g_clear_object (&self->session);
	g_clear_object (&self->cluster);
	G_OBJECT_CLASS (artemis_peer_poller_parent_class)->dispose (object);
}

static void
artemis_peer_poller_finalize (GObject *object)
{
	ArtemisPeerPoller *self = ARTEMIS_PEER_POLLER (object);

	g_hash_table_unref (self->polling);
	g_hash_table_unref (self->next_poll);
	G_OBJECT_CLASS (artemis_peer_poller_parent_class)->finalize (object);
}

static void
artemis_peer_poller_class_init (ArtemisPeerPollerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_peer_poller_dispose;
	object_class->finalize = artemis_peer_poller_finalize;
}

static void
artemis_peer_poller_init (ArtemisPeerPoller *self)
{
	self->polling = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	self->next_poll = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

ArtemisPeerPoller *
artemis_peer_poller_new (ArtemisCluster *cluster, gint64 interval_ms, gint64 fast_interval_ms, gint64 timeout_ms,
			 guint attempts)
{
	ArtemisPeerPoller *self = g_object_new (ARTEMIS_TYPE_PEER_POLLER, NULL);

	self->cluster = g_object_ref (cluster);
	self->interval_ms = interval_ms;
	self->fast_interval_ms = MIN (fast_interval_ms, interval_ms);
	self->timeout_ms = timeout_ms;
	self->attempts = MAX (attempts, 1);
	/* The whole-second timeout only backs up our own, finer one. */
	self->session = soup_session_new_with_options ("timeout", (guint) (timeout_ms / 1000 + 1), "max-conns-per-host",
						       2, "user-agent", "artemisd/" PACKAGE_VERSION, NULL);
	return self;
}

static gboolean
on_poll_timeout (gpointer user_data)
{
	Poll *poll = user_data;

	poll->timeout = 0;
	g_cancellable_cancel (poll->cancellable);
	return G_SOURCE_REMOVE;
}

/* The node's status from an answer, or why it counts as unknown. */
static gboolean
read_answer (Poll *poll, GBytes *body, ArtemisNodeStatus *status, GError **error)
{
	gsize len = 0;
	const char *data;

	if (body == NULL)
		return FALSE;
	if (soup_message_get_status (poll->msg) != SOUP_STATUS_OK) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "HTTP %u", soup_message_get_status (poll->msg));
		return FALSE;
	}
	data = g_bytes_get_data (body, &len);
	return artemis_cluster_codec_decode_node_status (data, len, status, error);
}

static void poll_send (Poll *poll);

/* An up node is asked every interval; one that is not is asked sooner, to notice when it comes up. */
static void
schedule_next (ArtemisPeerPoller *self, const char *url, const ArtemisNodeStatus *status)
{
	gint64 interval_ms = status->state == ARTEMIS_NODE_UP ? self->interval_ms : self->fast_interval_ms;
	gint64 *due = g_new (gint64, 1);

	*due = g_get_monotonic_time () + interval_ms * G_TIME_SPAN_MILLISECOND;
	g_hash_table_replace (self->next_poll, g_strdup (url), due);
}

static gboolean
on_next_attempt (gpointer user_data)
{
	Poll *poll = user_data;

	poll->timeout = 0;
	if (poll->poller->stopped)
		poll_free (poll);
	else
		poll_send (poll);
	return G_SOURCE_REMOVE;
}

/*
 * Java tries a poll up to fail-retry-times, 10 ms apart, but not after a
 * refused connection: a node that is not running is unknown at once.
 */
static gboolean
try_again (Poll *poll, const GError *error)
{
	if (poll->attempts_left == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
		return FALSE;
	poll->timeout = g_timeout_add (10, on_next_attempt, poll);
	return TRUE;
}

static void
on_polled (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (Poll) poll = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
	ArtemisNodeStatus status = ARTEMIS_NODE_STATUS_UNKNOWN;

	g_clear_handle_id (&poll->timeout, g_source_remove);
	/* Stopped: the cluster is going away with the node. */
	if (poll->poller->stopped)
		return;
	if (!read_answer (poll, body, &status, &error)) {
		g_debug ("Node %s did not give its status: %s", poll->url,
			 error != NULL ? error->message : "no answer");
		if (try_again (poll, error)) {
			g_steal_pointer (&poll);
			return;
		}
		status = ARTEMIS_NODE_STATUS_UNKNOWN;
	}
	artemis_cluster_set_peer_status (poll->poller->cluster, poll->url, &status);
	schedule_next (poll->poller, poll->url, &status);
}

/* One attempt. */
static void
poll_send (Poll *poll)
{
	g_autofree char *uri = artemis_cluster_join_url (poll->url, "api/status/node.json");
	g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
	ArtemisPeerPoller *self = poll->poller;

	poll->attempts_left--;
	g_clear_object (&poll->msg);
	g_clear_object (&poll->cancellable);
	poll->msg = soup_message_new ("POST", uri);
	poll->cancellable = g_cancellable_new ();
	soup_message_set_request_body_from_bytes (poll->msg, "application/json", body);
	soup_message_headers_replace (soup_message_get_request_headers (poll->msg), "Accept", "application/json");
	poll->timeout = g_timeout_add (self->timeout_ms, on_poll_timeout, poll);
	soup_session_send_and_read_async (self->session, poll->msg, G_PRIORITY_DEFAULT, poll->cancellable, on_polled,
					  poll);
}

static void
poll_peer (ArtemisPeerPoller *self, const char *url)
{
	Poll *poll;

	if (g_hash_table_contains (self->polling, url))
		return;
	poll = g_new0 (Poll, 1);
	poll->poller = g_object_ref (self);
	poll->url = g_strdup (url);
	poll->attempts_left = self->attempts;
	g_hash_table_insert (self->polling, g_strdup (url), poll);
	poll_send (poll);
}

static gboolean
on_poll_round (gpointer user_data)
{
	ArtemisPeerPoller *self = user_data;
	g_auto (GStrv) peers = artemis_cluster_dup_peer_urls (self->cluster);

	gint64 now = g_get_monotonic_time ();

	for (guint i = 0; peers[i] != NULL; i++) {
		gint64 *due = g_hash_table_lookup (self->next_poll, peers[i]);

		if (due == NULL || *due <= now)
			poll_peer (self, peers[i]);
	}
	return G_SOURCE_CONTINUE;
}

void
artemis_peer_poller_start (ArtemisPeerPoller *self)
{
	g_return_if_fail (ARTEMIS_IS_PEER_POLLER (self));
	g_return_if_fail (self->timer == 0);
	if (!artemis_cluster_has_peers (self->cluster))
		return;
	on_poll_round (self);
	self->timer = g_timeout_add (self->fast_interval_ms, on_poll_round, self);
}
