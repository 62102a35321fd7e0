/* SPDX-License-Identifier: Apache-2.0 */
#include "artemis-peer-queue.h"

typedef struct {
	ArtemisReplicationAction action;
	ArtemisInstance *instance;
	char *key;
	gint64 queued_us;
} Entry;

struct _ArtemisPeerQueue {
	GQueue entries;    /* Entry, oldest first */
	GHashTable *latest; /* instance key → the GList link of its latest pending entry */
	guint max_length;
	guint64 n_dropped;
	guint64 n_expired;
};

static void
entry_free (Entry *entry)
{
	artemis_instance_unref (entry->instance);
	g_free (entry->key);
	g_free (entry);
}

/* InstanceKey (spec §1.6): region, service and instance id, ignoring case. */
static char *
instance_key (ArtemisInstance *instance)
{
	g_autofree char *region = artemis_id_to_key (artemis_instance_get (instance, ARTEMIS_INSTANCE_REGION_ID));
	g_autofree char *service = artemis_id_to_key (artemis_instance_get (instance, ARTEMIS_INSTANCE_SERVICE_ID));

	/* NUL cannot occur in ids, so the key is unambiguous even when ids hold dots. */
	return g_strdup_printf ("%s%c%s%c%s", region != NULL ? region : "", 1, service != NULL ? service : "", 1,
				artemis_instance_get_key (instance));
}

ArtemisPeerQueue *
artemis_peer_queue_new (guint max_length)
{
	ArtemisPeerQueue *queue = g_new0 (ArtemisPeerQueue, 1);

	g_queue_init (&queue->entries);
	queue->latest = g_hash_table_new (g_str_hash, g_str_equal);
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

	if (g_hash_table_lookup (queue->latest, entry->key) == link)
		g_hash_table_remove (queue->latest, entry->key);
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
entry_new (ArtemisReplicationAction action, ArtemisInstance *instance, char *key, gint64 queued_us)
{
	Entry *entry = g_new0 (Entry, 1);

	entry->action = action;
	entry->instance = artemis_instance_ref (instance);
	entry->key = key;
	entry->queued_us = queued_us;
	return entry;
}

void
artemis_peer_queue_push (ArtemisPeerQueue *queue, ArtemisReplicationAction action, ArtemisInstance *instance,
			 gint64 now_us)
{
	g_autofree char *key = instance_key (instance);
	GList *latest = g_hash_table_lookup (queue->latest, key);

	if (latest != NULL) {
		Entry *pending = latest->data;

		if (pending->action == action) {
			artemis_instance_ref (instance);
			artemis_instance_unref (pending->instance);
			pending->instance = instance;
			return;
		}
		if (pending->action == ARTEMIS_REPLICATION_REGISTER && action == ARTEMIS_REPLICATION_HEARTBEAT)
			return;
	}
	if (queue->entries.length >= queue->max_length)
		drop_oldest (queue);
	g_queue_push_tail (&queue->entries, entry_new (action, instance, g_strdup (key), now_us));
	/* Replace, not insert: the table's key must be the latest entry's own string. */
	g_hash_table_replace (queue->latest, ((Entry *) queue->entries.tail->data)->key, queue->entries.tail);
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
		g_autofree char *key = instance_key (instance);

		if (g_hash_table_contains (queue->latest, key))
			continue;
		if (queue->entries.length >= queue->max_length) {
			queue->n_dropped++;
			continue;
		}
		g_queue_push_head (&queue->entries, entry_new (action, instance, g_steal_pointer (&key), queued_us));
		g_hash_table_replace (queue->latest, ((Entry *) queue->entries.head->data)->key, queue->entries.head);
	}
}

guint
artemis_peer_queue_get_length (ArtemisPeerQueue *queue)
{
	return queue->entries.length;
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
