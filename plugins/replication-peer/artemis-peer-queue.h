/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

/**
 * ArtemisPeerQueue:
 *
 * What waits to be sent to one peer, in the order clients did it, bounded.
 * No I/O and no clock of its own (times are passed in), so that it can be
 * tested without sleeping.
 *
 * - Coalescing: a write of an instance replaces the pending write of the
 *   same instance (InstanceKey, ignoring case) and the same action when
 *   that is the instance's latest pending write — a newer heartbeat
 *   replaces a waiting one and keeps its place. A heartbeat behind a
 *   waiting register is dropped: the register renews the lease anyway.
 * - Bounded: past @max_length entries the oldest is dropped and counted;
 *   the peer recovers it from the instance's next heartbeat or a bootstrap.
 * - Expiry: entries older than the TTL given to take_batch() are dropped
 *   and counted (protocol §11.2 task-ttl).
 */
typedef struct _ArtemisPeerQueue ArtemisPeerQueue;

ArtemisPeerQueue *artemis_peer_queue_new (guint max_length);
void artemis_peer_queue_free (ArtemisPeerQueue *queue);

/* Queues @instance (referenced) for @action, submitted at @now_us. */
void artemis_peer_queue_push (ArtemisPeerQueue *queue, ArtemisReplicationAction action, ArtemisInstance *instance,
			      gint64 now_us);

/**
 * artemis_peer_queue_take_batch:
 * @max: the largest batch.
 * @now_us, @ttl_us: entries submitted before @now_us - @ttl_us are dropped.
 * @action: (out): the batch's action.
 * @queued_us: (out): the first submit time of its oldest entry.
 *
 * Takes the entries at the head that share the head's action, at most @max:
 * one request's worth, in order.
 *
 * Returns: (transfer full) (nullable): the instances, or NULL when nothing waits.
 */
GPtrArray *artemis_peer_queue_take_batch (ArtemisPeerQueue *queue, guint max, gint64 now_us, gint64 ttl_us,
					  ArtemisReplicationAction *action, gint64 *queued_us);

/*
 * Puts @instances of a failed batch back at the head, in their order, as
 * submitted at @queued_us (so they still expire), except an instance with a
 * newer write pending: that one is sent instead.
 */
void artemis_peer_queue_requeue (ArtemisPeerQueue *queue, ArtemisReplicationAction action, GPtrArray *instances,
				 gint64 queued_us);

guint artemis_peer_queue_get_length (ArtemisPeerQueue *queue);
/* Whether a register or an unregister waits (they go sooner than heartbeats). */
gboolean artemis_peer_queue_has_writes (ArtemisPeerQueue *queue);
/* The first submit time of the head entry, or -1 when empty. */
gint64 artemis_peer_queue_get_oldest_us (ArtemisPeerQueue *queue);
/* Entries dropped because the queue was full, and because they expired. */
guint64 artemis_peer_queue_get_n_dropped (ArtemisPeerQueue *queue);
guint64 artemis_peer_queue_get_n_expired (ArtemisPeerQueue *queue);

/* Whether a peer's failure with @error_code is worth sending again (protocol §11.4). */
gboolean artemis_peer_error_code_is_retryable (const char *error_code);
/* The pause after @failures consecutive failed sends: @min_ms doubled each time, at most @max_ms. */
gint64 artemis_peer_backoff_ms (guint failures, gint64 min_ms, gint64 max_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisPeerQueue, artemis_peer_queue_free)

G_END_DECLS
