/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-ws-hub.h"

struct _ArtemisWsSession {
	ArtemisWsHub *hub;
	ArtemisWsConnection *connection;
	ArtemisWsEndpoint endpoint;
	gint64 opened_ms; /* on the registry clock */
	GList link; /* in hub->sessions */
	/* Subscribed services: key → service id as the client first sent it; or NULL. */
	GHashTable *services;
	/* Fell behind: changes are dropped until its reloads are written. */
	gboolean reloading;
	ArtemisWsMessageFunc func;
	gpointer user_data;
};

struct _ArtemisWsHub {
	GObject parent_instance;

	ArtemisRegistry *registry;
	ArtemisChangeLog *log;
	guint listener_id;
	guint sweep_id;
	ArtemisPoller *poller; /* every session's socket */

	guint max_sockets;
	gsize max_message_size;
	guint max_subscriptions;
	guint max_queued_frames;
	gsize max_queued_bytes;
	gint64 session_ttl_ms;
	guint check_interval_ms;

	GQueue sessions; /* ArtemisWsSession, oldest first: the TTL order */
	guint n_sessions[ARTEMIS_WS_N_ENDPOINTS];
	GHashTable *subscribers; /* service key → set of ArtemisWsSession */
	GHashTable *all_changes; /* set of ArtemisWsSession */

	ArtemisWsChangeFilter filter;
	gpointer filter_data;
	GDestroyNotify filter_destroy;

	ArtemisWsHubStats stats;
};

G_DEFINE_TYPE (ArtemisWsHub, artemis_ws_hub, G_TYPE_OBJECT)

/* ---- pushing ----------------------------------------------------------- */

static GBytes *
encode_change (ArtemisChange *change)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (512);
	const char *json;
	gsize len;

	artemis_codec_write_change (writer, change);
	json = artemis_json_writer_peek (writer, &len);
	return artemis_ws_text_frame_new (json, len);
}

static void
note_peak (ArtemisWsHub *self, ArtemisWsConnection *connection)
{
	self->stats.peak_queued_frames =
		MAX (self->stats.peak_queued_frames, artemis_ws_connection_get_queued_frames (connection));
	self->stats.peak_queued_bytes =
		MAX (self->stats.peak_queued_bytes, artemis_ws_connection_get_queued_bytes (connection));
}

/* A frame always fits an empty queue, so one large message cannot block a socket. */
static gboolean
would_overflow (ArtemisWsHub *self, ArtemisWsConnection *connection, gsize size)
{
	guint frames = artemis_ws_connection_get_queued_frames (connection);

	return frames >= self->max_queued_frames ||
	       (frames > 0 && artemis_ws_connection_get_queued_bytes (connection) + size > self->max_queued_bytes);
}

static void
send_reload (ArtemisWsSession *session, const char *service_id)
{
	ArtemisWsHub *self = session->hub;
	g_autoptr (ArtemisInstance) instance = artemis_instance_new_reload (service_id);
	g_autoptr (ArtemisChange) change =
		artemis_change_new (ARTEMIS_CHANGE_RELOAD, artemis_registry_now (self->registry), instance);
	g_autoptr (GBytes) frame = encode_change (change);

	artemis_ws_connection_send (session->connection, frame);
	self->stats.reloads++;
}

/*
 * A subscriber too slow for its queue: forget what is queued and tell it to
 * re-fetch each service instead. Changes from now until the reloads are
 * written are dropped: the client's re-fetch happens after it reads them.
 */
static void
overflow (ArtemisWsHub *self, ArtemisWsSession *session)
{
	GHashTableIter iter;
	gpointer service_id;

	self->stats.overflows++;
	self->stats.dropped += artemis_ws_connection_get_queued_frames (session->connection) + 1;
	if (session->endpoint != ARTEMIS_WS_ENDPOINT_INSTANCE_CHANGE) {
		artemis_ws_connection_close (session->connection, ARTEMIS_WS_CLOSE_TRY_AGAIN_LATER,
					     "Send queue full: the client reads too slowly");
		return;
	}
	g_debug ("WebSocket subscriber fell behind: sending reloads");
	artemis_ws_connection_drop_queued (session->connection);
	session->reloading = TRUE;
	g_hash_table_iter_init (&iter, session->services);
	while (g_hash_table_iter_next (&iter, NULL, &service_id))
		send_reload (session, service_id);
	note_peak (self, session->connection);
}

static void
push (ArtemisWsHub *self, ArtemisWsSession *session, GBytes *frame)
{
	ArtemisWsConnection *connection = session->connection;

	if (!artemis_ws_connection_is_open (connection))
		return;
	if (session->reloading) {
		if (artemis_ws_connection_get_queued_frames (connection) > 0) {
			self->stats.dropped++;
			return;
		}
		session->reloading = FALSE;
	}
	if (would_overflow (self, connection, g_bytes_get_size (frame))) {
		overflow (self, session);
		return;
	}
	artemis_ws_connection_send (connection, frame);
	self->stats.pushed++;
	note_peak (self, connection);
}

/* Sending never removes a session (::closed comes later), so the set is stable here. */
static void
push_to_set (ArtemisWsHub *self, GHashTable *sessions, GBytes *frame)
{
	GHashTableIter iter;
	gpointer session;

	g_hash_table_iter_init (&iter, sessions);
	while (g_hash_table_iter_next (&iter, &session, NULL))
		push (self, session, frame);
}

static GHashTable *
lookup_subscribers (ArtemisWsHub *self, const char *service_id)
{
	g_autofree char *key = artemis_id_to_key (service_id);

	return key != NULL ? g_hash_table_lookup (self->subscribers, key) : NULL;
}

/* The change-log listener: encode once, queue the same bytes everywhere. */
static void
on_change (ArtemisChange *change, gpointer user_data)
{
	ArtemisWsHub *self = user_data;
	GHashTable *subscribers = lookup_subscribers (self, artemis_change_get_service_id (change));
	g_autoptr (GBytes) frame = NULL;

	if (subscribers == NULL && g_hash_table_size (self->all_changes) == 0)
		return;
	if (self->filter != NULL && !self->filter (change, self->filter_data))
		return;
	frame = encode_change (change);
	if (subscribers != NULL)
		push_to_set (self, subscribers, frame);
	push_to_set (self, self->all_changes, frame);
}

/* ---- sessions ---------------------------------------------------------- */

static void
unsubscribe_all (ArtemisWsHub *self, ArtemisWsSession *session)
{
	GHashTableIter iter;
	gpointer key;

	if (session->services == NULL)
		return;
	g_hash_table_iter_init (&iter, session->services);
	while (g_hash_table_iter_next (&iter, &key, NULL)) {
		GHashTable *set = g_hash_table_lookup (self->subscribers, key);

		g_hash_table_remove (set, session);
		if (g_hash_table_size (set) == 0)
			g_hash_table_remove (self->subscribers, key);
	}
	g_clear_pointer (&session->services, g_hash_table_unref);
}

static void
session_free (ArtemisWsSession *session)
{
	g_signal_handlers_disconnect_by_data (session->connection, session);
	g_object_unref (session->connection);
	g_free (session);
}

static void
remove_session (ArtemisWsHub *self, ArtemisWsSession *session)
{
	unsubscribe_all (self, session);
	g_hash_table_remove (self->all_changes, session);
	g_queue_unlink (&self->sessions, &session->link);
	self->n_sessions[session->endpoint]--;
	session_free (session);
}

static void
on_session_message (ArtemisWsConnection *connection, GBytes *message, gpointer user_data)
{
	ArtemisWsSession *session = user_data;

	session->func (session, message, session->user_data);
}

static void
on_session_closed (ArtemisWsConnection *connection, gpointer user_data)
{
	ArtemisWsSession *session = user_data;

	g_debug ("WebSocket session closed (%u)", artemis_ws_connection_get_close_code (connection));
	remove_session (session->hub, session);
}

ArtemisWsSession *
artemis_ws_hub_accept (ArtemisWsHub *self, ArtemisWsEndpoint endpoint, GIOStream *stream, GSocket *socket,
		       ArtemisWsMessageFunc func, gpointer user_data)
{
	ArtemisWsSession *session;
	ArtemisWsConnection *connection;

	g_return_val_if_fail (endpoint < ARTEMIS_WS_N_ENDPOINTS, NULL);

	connection = artemis_ws_connection_new (stream, socket, self->poller, self->max_message_size);
	session = g_new0 (ArtemisWsSession, 1);
	session->hub = self;
	session->connection = connection;
	session->endpoint = endpoint;
	session->opened_ms = artemis_registry_now (self->registry);
	session->link.data = session;
	session->func = func;
	session->user_data = user_data;
	g_queue_push_tail_link (&self->sessions, &session->link);
	self->n_sessions[endpoint]++;
	if (endpoint == ARTEMIS_WS_ENDPOINT_ALL_CHANGES)
		g_hash_table_add (self->all_changes, session);
	g_signal_connect (connection, "message", G_CALLBACK (on_session_message), session);
	g_signal_connect (connection, "closed", G_CALLBACK (on_session_closed), session);
	return session;
}

void
artemis_ws_session_send (ArtemisWsSession *session, const char *json, gsize len)
{
	g_autoptr (GBytes) frame = artemis_ws_text_frame_new (json, len);

	push (session->hub, session, frame);
}

void
artemis_ws_session_subscribe (ArtemisWsSession *session, const char *service_id)
{
	ArtemisWsHub *self = session->hub;
	g_autofree char *key = NULL;
	GHashTable *set;

	/* Java's subscription map cannot hold a null id: such a message does nothing. */
	if (artemis_str_is_blank (service_id) || !artemis_ws_connection_is_open (session->connection))
		return;
	key = artemis_id_to_key (service_id);
	if (session->services == NULL)
		session->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	if (g_hash_table_contains (session->services, key))
		return;
	if (g_hash_table_size (session->services) >= self->max_subscriptions) {
		g_autofree char *reason =
			g_strdup_printf ("Too many subscriptions: the limit is %u per socket", self->max_subscriptions);

		artemis_ws_connection_close (session->connection, ARTEMIS_WS_CLOSE_POLICY_VIOLATION, reason);
		return;
	}
	g_hash_table_insert (session->services, g_strdup (key), g_strdup (service_id));
	set = g_hash_table_lookup (self->subscribers, key);
	if (set == NULL) {
		set = g_hash_table_new (NULL, NULL);
		g_hash_table_insert (self->subscribers, g_steal_pointer (&key), set);
	}
	g_hash_table_add (set, session);
	/* Behind already: the dropped changes of this service need a reload too. */
	if (session->reloading)
		send_reload (session, service_id);
}

ArtemisWsEndpoint
artemis_ws_session_get_endpoint (ArtemisWsSession *session)
{
	return session->endpoint;
}

gboolean
artemis_ws_hub_is_full (ArtemisWsHub *self)
{
	return self->sessions.length >= self->max_sockets;
}

guint
artemis_ws_hub_get_n_sessions (ArtemisWsHub *self, ArtemisWsEndpoint endpoint)
{
	g_return_val_if_fail (endpoint < ARTEMIS_WS_N_ENDPOINTS, 0);

	return self->n_sessions[endpoint];
}

guint
artemis_ws_hub_get_n_open (ArtemisWsHub *self)
{
	return self->sessions.length;
}

void
artemis_ws_hub_get_stats (ArtemisWsHub *self, ArtemisWsHubStats *stats)
{
	*stats = self->stats;
}

/* ---- session lifetime -------------------------------------------------- */

guint
artemis_ws_hub_expire_sessions (ArtemisWsHub *self)
{
	gint64 now = artemis_registry_now (self->registry);
	guint n = 0;

	for (GList *l = self->sessions.head; l != NULL; l = l->next) {
		ArtemisWsSession *session = l->data;

		if (now - session->opened_ms < self->session_ttl_ms)
			break;
		if (!artemis_ws_connection_is_open (session->connection))
			continue;
		artemis_ws_connection_close (session->connection, ARTEMIS_WS_CLOSE_NORMAL, "Session TTL expired");
		n++;
	}
	return n;
}

guint
artemis_ws_hub_close_all (ArtemisWsHub *self, gushort code, const char *reason)
{
	guint n = 0;

	for (GList *l = self->sessions.head; l != NULL; l = l->next) {
		ArtemisWsSession *session = l->data;

		if (!artemis_ws_connection_is_open (session->connection))
			continue;
		artemis_ws_connection_close (session->connection, code, reason);
		n++;
	}
	return n;
}

static gboolean
on_sweep (gpointer user_data)
{
	artemis_ws_hub_expire_sessions (user_data);
	return G_SOURCE_CONTINUE;
}

gboolean
artemis_ws_hub_start (ArtemisWsHub *self, GError **error)
{
	g_return_val_if_fail (self->sweep_id == 0, FALSE);

	self->poller = artemis_poller_new (error);
	if (self->poller == NULL)
		return FALSE;
	self->sweep_id = g_timeout_add (self->check_interval_ms, on_sweep, self);
	return TRUE;
}

void
artemis_ws_hub_set_change_filter (ArtemisWsHub *self, ArtemisWsChangeFilter filter, gpointer user_data,
				  GDestroyNotify destroy)
{
	if (self->filter_destroy != NULL)
		self->filter_destroy (self->filter_data);
	self->filter = filter;
	self->filter_data = user_data;
	self->filter_destroy = destroy;
}

/* ---- object ------------------------------------------------------------ */

static void
artemis_ws_hub_dispose (GObject *object)
{
	ArtemisWsHub *self = ARTEMIS_WS_HUB (object);
	ArtemisWsSession *session;

	if (self->listener_id != 0) {
		artemis_change_log_remove_listener (self->log, self->listener_id);
		self->listener_id = 0;
	}
	g_clear_handle_id (&self->sweep_id, g_source_remove);
	/* Shutting down: say so, then let the sockets go. */
	while ((session = g_queue_peek_head (&self->sessions)) != NULL) {
		artemis_ws_connection_close (session->connection, ARTEMIS_WS_CLOSE_GOING_AWAY, "Server shutting down");
		remove_session (self, session);
	}
	artemis_ws_hub_set_change_filter (self, NULL, NULL, NULL);
	g_clear_pointer (&self->poller, artemis_poller_free);
	g_clear_object (&self->log);
	g_clear_object (&self->registry);
	G_OBJECT_CLASS (artemis_ws_hub_parent_class)->dispose (object);
}

static void
artemis_ws_hub_finalize (GObject *object)
{
	ArtemisWsHub *self = ARTEMIS_WS_HUB (object);

	g_hash_table_unref (self->subscribers);
	g_hash_table_unref (self->all_changes);
	G_OBJECT_CLASS (artemis_ws_hub_parent_class)->finalize (object);
}

static void
artemis_ws_hub_class_init (ArtemisWsHubClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_ws_hub_dispose;
	object_class->finalize = artemis_ws_hub_finalize;
}

static void
artemis_ws_hub_init (ArtemisWsHub *self)
{
	g_queue_init (&self->sessions);
	self->subscribers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						   (GDestroyNotify) g_hash_table_unref);
	self->all_changes = g_hash_table_new (NULL, NULL);
}

void
artemis_ws_hub_set_limits (ArtemisWsHub *self, const ArtemisConfig *config)
{
	self->max_sockets = config->ws_max_sockets;
	self->max_message_size = config->ws_max_message_size;
	self->max_subscriptions = config->ws_max_subscriptions;
	self->max_queued_frames = config->ws_max_queued_messages;
	self->max_queued_bytes = config->ws_max_queued_bytes;
	self->session_ttl_ms = config->ws_session_ttl_ms;
}

ArtemisWsHub *
artemis_ws_hub_new (const ArtemisConfig *config, ArtemisRegistry *registry)
{
	ArtemisWsHub *self = g_object_new (ARTEMIS_TYPE_WS_HUB, NULL);

	self->registry = g_object_ref (registry);
	self->log = g_object_ref (artemis_registry_get_change_log (registry));
	artemis_ws_hub_set_limits (self, config);
	self->check_interval_ms = config->ws_session_check_interval_ms;
	self->listener_id = artemis_change_log_add_listener (self->log, on_change, self, NULL);
	return self;
}
