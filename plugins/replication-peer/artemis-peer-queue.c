/* SPDX-License-Identifier: Apache-2.0 */
#include "artemis-peer-queue.h"

typedef struct {
	ArtemisReplicationAction action;
	ArtemisInstance *instance;
	gint64 queued_us;
} Entry;

struct _ArtemisPeerQueue {
	GQueue entries;    /* Entry, oldest first */
	/* ArtemisInstance (by InstanceKey, the latest entry's own) → the GList link of that entry */
	GHashTable *latest;
	guint max_length;
	guint n_writes; /* entries other than heartbeats */
	guint64 n_dropped;
	guint64 n_expired;
};

static void
entry_free (Entry *entry)
{
	artemis_instance_unref (entry->instance);
	g_free (entry);
}

/* Ids equal ignoring case, as artemis_id_to_key() lowers them; no allocation for ASCII ids. */
static gboolean
same_id (const char *a, const char *b)
{
	g_autofree char *key_a = NULL;
	g_autofree char *key_b = NULL;

	if (a == NULL || b == NULL)
		return a == b;
	if (g_ascii_strcasecmp (a, b) == 0)
		return TRUE;
	if (g_str_is_ascii (a) && g_str_is_ascii (b))
		return FALSE;
	key_a = artemis_id_to_key (a);
	key_b = artemis_id_to_key (b);
	return g_str_equal (key_a, key_b);
}

/* InstanceKey (protocol §1.6): region, service and instance id, ignoring case; hashed on the instance id. */
static guint
instance_key_hash (gconstpointer instance)
{
	return g_str_hash (artemis_instance_get_key (instance));
}

static gboolean
instance_key_equal (gconstpointer a, gconstpointer b)
{
	return g_str_equal (artemis_instance_get_key (a), artemis_instance_get_key (b)) &&
	       same_id (artemis_instance_get (a, ARTEMIS_INSTANCE_SERVICE_ID),
			artemis_instance_get (b, ARTEMIS_INSTANCE_SERVICE_ID)) &&
	       same_id (artemis_instance_get (a, ARTEMIS_INSTANCE_REGION_ID),
			artemis_instance_get (b, ARTEMIS_INSTANCE_REGION_ID));
}

ArtemisPeerQueue *
artemis_peer_queue_new (guint max_length)
{
	ArtemisPeerQueue *queue = g_new0 (ArtemisPeerQueue, 1);

	g_queue_init (&queue->entries);
	queue->latest = g_hash_table_new (instance_key_hash, instance_key_equal);
	queue->max_length = MAX (max_length, 1);
	return queue;
}

void
artemis_peer_queue_free (ArtemisPeerQueue *queue)
{
	if (queue == NULL)
		return;
	g_hash_table_unref (queue->latest);
	g_queue_clear_full (&queue->entries, (GDestroyNotify) entry_free);
	g_free (queue);
}

/* Unlinks and frees @link, forgetting it as its key's latest entry. */
static void
remove_link (ArtemisPeerQueue *queue, GList *link)
{
	Entry *entry = link->data;

	if (g_hash_table_lookup (queue->latest, entry->instance) == link)
		g_hash_table_remove (queue->latest, entry->instance);
	if (entry->action != ARTEMIS_REPLICATION_HEARTBEAT)
		queue->n_writes--;
	g_queue_delete_link (&queue->entries, link);
	entry_free (entry);
}

static void
drop_oldest (ArtemisPeerQueue *queue)
{
	remove_link (queue, queue->entries.head);
	queue->n_dropped++;
}

static Entry *
entry_new (ArtemisReplicationAction action, ArtemisInstance *instance, gint64 queued_us)
{
	Entry *entry = g_new0 (Entry, 1);

	entry->action = action;
	entry->instance = artemis_instance_ref (instance);
	entry->queued_us = queued_us;
	return entry;
}

/* Makes @link its instance's latest entry; the table's key is the entry's own instance. */
static void
index_latest (ArtemisPeerQueue *queue, GList *link)
{
	g_hash_table_replace (queue->latest, ((Entry *) link->data)->instance, link);
}

static void
count_added (ArtemisPeerQueue *queue, ArtemisReplicationAction action)
{
	if (action != ARTEMIS_REPLICATION_HEARTBEAT)
		queue->n_writes++;
}

void
artemis_peer_queue_push (ArtemisPeerQueue *queue, ArtemisReplicationAction action, ArtemisInstance *instance,
			 gint64 now_us)
{
	GList *latest = g_hash_table_lookup (queue->latest, instance);

	if (latest != NULL) {
		Entry *pending = latest->data;
		ArtemisInstance *replaced = pending->instance;

		if (pending->action == action) {
			pending->instance = artemis_instance_ref (instance);
			index_latest (queue, latest);
			artemis_instance_unref (replaced);
			return;
		}
		if (pending->action == ARTEMIS_REPLICATION_REGISTER && action == ARTEMIS_REPLICATION_HEARTBEAT)
			return;
	}
	if (queue->entries.length >= queue->max_length)
		drop_oldest (queue);
	g_queue_push_tail (&queue->entries, entry_new (action, instance, now_us));
	index_latest (queue, queue->entries.tail);
	count_added (queue, action);
}

static void
drop_expired (ArtemisPeerQueue *queue, gint64 now_us, gint64 ttl_us)
{
	while (queue->entries.head != NULL && ((Entry *) queue->entries.head->data)->queued_us < now_us - ttl_us) {
		remove_link (queue, queue->entries.head);
		queue->n_expired++;
	}
}

GPtrArray *
artemis_peer_queue_take_batch (ArtemisPeerQueue *queue, guint max, gint64 now_us, gint64 ttl_us,
			       ArtemisReplicationAction *action, gint64 *queued_us)
{
	GPtrArray *instances;
	Entry *head;

	drop_expired (queue, now_us, ttl_us);
	if (queue->entries.head == NULL)
		return NULL;
	head = queue->entries.head->data;
	*action = head->action;
	*queued_us = head->queued_us;
	instances = artemis_instance_array_new (MIN (max, queue->entries.length));
	while (queue->entries.head != NULL && instances->len < max) {
		Entry *entry = queue->entries.head->data;

		if (entry->action != *action)
			break;
		*queued_us = MIN (*queued_us, entry->queued_us);
		g_ptr_array_add (instances, artemis_instance_ref (entry->instance));
		remove_link (queue, queue->entries.head);
	}
	return instances;
}

void
artemis_peer_queue_requeue (ArtemisPeerQueue *queue, ArtemisReplicationAction action, GPtrArray *instances,
			    gint64 queued_us)
{
	/* Backwards, each to the head: they end up in their original order. */
	for (guint i = instances->len; i > 0; i--) {
		ArtemisInstance *instance = g_ptr_array_index (instances, i - 1);

		if (g_hash_table_contains (queue->latest, instance))
			continue;
		if (queue->entries.length >= queue->max_length) {
			queue->n_dropped++;
			continue;
		}
		g_queue_push_head (&queue->entries, entry_new (action, instance, queued_us));
		index_latest (queue, queue->entries.head);
		count_added (queue, action);
	}
}

guint
artemis_peer_queue_get_length (ArtemisPeerQueue *queue)
{
	return queue->entries.length;
}

gboolean
artemis_peer_queue_has_writes (ArtemisPeerQueue *queue)
{
	return queue->n_writes > 0;
}

gint64
artemis_peer_queue_get_oldest_us (ArtemisPeerQueue *queue)
{
	return queue->entries.head != NULL ? ((Entry *) queue->entries.head->data)->queued_us : -1;
}

guint64
artemis_peer_queue_get_n_dropped (ArtemisPeerQueue *queue)
{
	return queue->n_dropped;
}

guint64
artemis_peer_queue_get_n_expired (ArtemisPeerQueue *queue)
{
	return queue->n_expired;
}

gboolean
artemis_peer_error_code_is_retryable (const char *error_code)
{
	static const char *const permanent[] = {
		"bad-request",
		"no-permission",
		"internal-service-error",
		"service-unavailable",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (permanent); i++) {
		if (g_strcmp0 (error_code, permanent[i]) == 0)
			return FALSE;
	}
	return TRUE;
}

gint64
artemis_peer_backoff_ms (guint failures, gint64 min_ms, gint64 max_ms)
{
	gint64 delay = min_ms;

	if (failures == 0)
		return 0;
	for (guint i = 1; i < failures && delay < max_ms; i++)
		delay *= 2;
	return MIN (delay, max_ms);
}
