/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-groups.h"
#include "artemis-store.h"

G_BEGIN_DECLS

/**
 * ArtemisWritePrepareFunc:
 * @data: what the submitter handed over.
 * @error: where a refusal goes (ARTEMIS_ERROR_BAD_REQUEST naming the member, …).
 *
 * Turns a decoded request into the writes of one transaction
 * (ArtemisStorageWrite), checked against the state every earlier write
 * left. Runs on the main loop when the request's turn comes; must not
 * change any state. Returns a new array (possibly empty: nothing to do),
 * or NULL with @error set.
 */
typedef GPtrArray *(*ArtemisWritePrepareFunc) (gpointer data, GError **error);

/* Applies committed @writes to the in-memory state (main loop). */
typedef void (*ArtemisWriteApplyFunc) (GPtrArray *writes, gpointer user_data);

/* Where a submitted write failed. */
typedef enum {
	ARTEMIS_WRITE_STAGE_PREPARE, /* refused: the request is wrong for the state */
	ARTEMIS_WRITE_STAGE_COMMIT,  /* the store failed: nothing written */
} ArtemisWriteStage;

#define ARTEMIS_TYPE_WRITE_QUEUE (artemis_write_queue_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisWriteQueue, artemis_write_queue, ARTEMIS, WRITE_QUEUE, GObject)

/*
 * The one path of every management write: a FIFO that takes one request at
 * a time through prepare → commit (through the store) → apply, and only
 * then starts the next. So every request is checked, and its new rows
 * numbered, against a state that includes every write before it. Other
 * work that changes the same state (a reload of rows other nodes wrote)
 * takes its turn in the same queue (artemis_write_queue_take_turn()).
 *
 * New rows are numbered by @groups (artemis_groups_allocate_id()). When
 * the store is shared with other nodes, the ids come from the store: in a
 * write's turn, before its prepare, the queue reserves what the groups'
 * pools lack for the write's new rows, so that prepare stays synchronous.
 */
ArtemisWriteQueue *artemis_write_queue_new (ArtemisWriteApplyFunc apply, gpointer apply_data,
					    ArtemisGroups *groups);
/*
 * Where writes commit (not referenced: its owner keeps it, and the store
 * keeps the state this queue feeds); until set, or once gone, submitted
 * writes fail at commit. A shared store (artemis_store_is_shared())
 * switches the groups to reserved ids.
 */
void artemis_write_queue_set_store (ArtemisWriteQueue *queue, ArtemisStore *store);

/*
 * Queues a write: when its turn comes, @prepare(@data), then commit and
 * apply; @callback runs after the apply (or the failure). @destroy frees
 * @data once the write is done.
 */
void artemis_write_queue_submit_async (ArtemisWriteQueue *queue, ArtemisWritePrepareFunc prepare, gpointer data,
				       GDestroyNotify destroy, GAsyncReadyCallback callback, gpointer user_data);
/*
 * The same for a write that numbers new rows: at most @new_rows[kind] of
 * each group state kind (an array of ARTEMIS_STORAGE_N_KINDS, copied;
 * artemis_group_writes_count_new_rows()). With a shared store, a failed
 * reservation fails the write at the commit stage, before its prepare.
 */
void artemis_write_queue_submit_numbered_async (ArtemisWriteQueue *queue, const guint *new_rows,
						ArtemisWritePrepareFunc prepare, gpointer data, GDestroyNotify destroy,
						GAsyncReadyCallback callback, gpointer user_data);
/* TRUE once applied; FALSE with @error and, when @stage is not NULL, where it failed. */
gboolean artemis_write_queue_submit_finish (ArtemisWriteQueue *queue, GAsyncResult *result,
					    ArtemisWriteStage *stage, GError **error);

/* Work that takes a turn and keeps it until it calls artemis_write_queue_end_turn(). */
typedef void (*ArtemisWriteTurnFunc) (ArtemisWriteQueue *queue, gpointer data);

/*
 * Calls @func(@queue, @data) when its turn comes, between two writes, and
 * starts no write until @func's work calls artemis_write_queue_end_turn()
 * (at once, or later from a callback): for work that must read and apply
 * with no write committing in between — a reload reads the store and
 * replaces the state with what it read. @destroy frees @data after.
 */
void artemis_write_queue_take_turn (ArtemisWriteQueue *queue, ArtemisWriteTurnFunc func, gpointer data,
				    GDestroyNotify destroy);
/* Ends the turn taken by artemis_write_queue_take_turn(): the next item goes. */
void artemis_write_queue_end_turn (ArtemisWriteQueue *queue);

/* Requests queued or in progress. */
guint artemis_write_queue_get_length (ArtemisWriteQueue *queue);

G_END_DECLS
