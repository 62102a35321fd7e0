/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "artemis-error.h"
#include "artemis-write-queue.h"

/*
 * Ids are reserved at least this many at a time: one round trip to the
 * store per so many new rows. Ids a node leaves unused are skipped for
 * good, as MySQL's AUTO_INCREMENT skips those of rolled-back inserts.
 */
#define ID_BATCH 32

/* One turn in the queue: a write (prepare set) or other work (turn set). */
typedef struct {
	ArtemisWritePrepareFunc prepare;
	ArtemisWriteTurnFunc turn;
	gpointer data;
	GDestroyNotify destroy;
	GTask *task; /* writes only; owns this item as its task data */
	guint *new_rows; /* ARTEMIS_STORAGE_N_KINDS, or NULL: numbers no new row */
	ArtemisStorageKind reserving; /* while ids are being reserved for it */
	guint reserving_count;
	GPtrArray *writes;
	ArtemisWriteStage stage;
} Item;

struct _ArtemisWriteQueue {
	GObject parent_instance;

	ArtemisWriteApplyFunc apply;
	gpointer apply_data;
	ArtemisGroups *groups;
	ArtemisStore *store; /* weak: see artemis_write_queue_set_store() */
	GQueue items; /* Item, oldest first */
	Item *current; /* the write waiting for its ids or its commit, the turn taken, or NULL */
};

G_DEFINE_FINAL_TYPE (ArtemisWriteQueue, artemis_write_queue, G_TYPE_OBJECT)

static void
item_free (Item *item)
{
	if (item->destroy != NULL)
		item->destroy (item->data);
	g_clear_pointer (&item->writes, g_ptr_array_unref);
	g_free (item->new_rows);
	g_free (item);
}

static void
artemis_write_queue_dispose (GObject *object)
{
	ArtemisWriteQueue *self = ARTEMIS_WRITE_QUEUE (object);
	Item *item;

	/* Nothing queued is started any more; each waiting write hears so. */
	while ((item = g_queue_pop_head (&self->items)) != NULL) {
		if (item->task == NULL) {
			item_free (item);
			continue;
		}
		item->stage = ARTEMIS_WRITE_STAGE_COMMIT;
		g_task_return_new_error (item->task, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE, "%s",
					 _("The node is stopping"));
		g_object_unref (item->task);
	}
	g_clear_weak_pointer (&self->store);
	g_clear_object (&self->groups);
	G_OBJECT_CLASS (artemis_write_queue_parent_class)->dispose (object);
}

static void
artemis_write_queue_class_init (ArtemisWriteQueueClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = artemis_write_queue_dispose;
}

static void
artemis_write_queue_init (ArtemisWriteQueue *self)
{
	g_queue_init (&self->items);
}

ArtemisWriteQueue *
artemis_write_queue_new (ArtemisWriteApplyFunc apply, gpointer apply_data, ArtemisGroups *groups)
{
	ArtemisWriteQueue *self = g_object_new (ARTEMIS_TYPE_WRITE_QUEUE, NULL);

	self->apply = apply;
	self->apply_data = apply_data;
	self->groups = g_object_ref (groups);
	return self;
}

void
artemis_write_queue_set_store (ArtemisWriteQueue *self, ArtemisStore *store)
{
	g_return_if_fail (ARTEMIS_IS_WRITE_QUEUE (self));
	g_set_weak_pointer (&self->store, store);
	artemis_groups_set_reserved_ids (self->groups, store != NULL && artemis_store_is_shared (store));
}

/* Ends the write @item (its task's reference is dropped): applied when @error is NULL. */
static void
finish_write (Item *item, ArtemisWriteStage stage, GError *error)
{
	GTask *task = item->task;

	item->stage = stage;
	if (error != NULL)
		g_task_return_error (task, error);
	else
		g_task_return_boolean (task, TRUE);
	g_object_unref (task);
}

static void process (ArtemisWriteQueue *self);

static void
on_committed (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisWriteQueue *self = user_data;
	Item *item = self->current;
	GError *error = NULL;

	self->current = NULL;
	if (!artemis_store_commit_finish (ARTEMIS_STORE (source), result, &error)) {
		finish_write (item, ARTEMIS_WRITE_STAGE_COMMIT, error);
	} else {
		self->apply (item->writes, self->apply_data);
		finish_write (item, ARTEMIS_WRITE_STAGE_COMMIT, NULL);
	}
	process (self);
	g_object_unref (self);
}

static void
on_reserved (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisWriteQueue *self = user_data;
	Item *item = self->current;
	GError *error = NULL;
	gint64 first = 0;

	self->current = NULL;
	if (artemis_store_reserve_ids_finish (ARTEMIS_STORE (source), result, &first, &error)) {
		artemis_groups_add_reserved_ids (self->groups, item->reserving, first, item->reserving_count);
		/* Its turn goes on: other kinds may lack ids too. */
		g_queue_push_head (&self->items, item);
	} else {
		g_prefix_error (&error, _("Cannot reserve ids for new rows: "));
		finish_write (item, ARTEMIS_WRITE_STAGE_COMMIT, error);
	}
	process (self);
	g_object_unref (self);
}

/* With reserved ids, the first kind whose pool lacks ids for @item's new rows; FALSE when none does. */
static gboolean
find_missing_ids (ArtemisWriteQueue *self, const Item *item, ArtemisStorageKind *kind, guint *missing)
{
	if (item->new_rows == NULL || self->store == NULL || !artemis_groups_get_reserved_ids (self->groups))
		return FALSE;
	for (guint i = 0; i < ARTEMIS_STORAGE_N_KINDS; i++) {
		guint64 left;

		if (item->new_rows[i] == 0 || !artemis_group_kind_is_state (i))
			continue;
		left = artemis_groups_count_reserved_ids (self->groups, i);
		if (left < item->new_rows[i]) {
			*kind = i;
			*missing = item->new_rows[i] - left;
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Prepares the write @item and starts its commit, after reserving the ids
 * its new rows may need; FALSE when it ended without waiting for either.
 */
static gboolean
start_write (ArtemisWriteQueue *self, Item *item)
{
	GError *error = NULL;
	ArtemisStorageKind kind;
	guint missing;

	if (find_missing_ids (self, item, &kind, &missing)) {
		self->current = item;
		item->reserving = kind;
		item->reserving_count = MAX (missing, ID_BATCH);
		artemis_store_reserve_ids_async (self->store, kind, item->reserving_count, NULL, on_reserved,
						 g_object_ref (self));
		return TRUE;
	}

	item->writes = item->prepare (item->data, &error);
	if (item->writes == NULL) {
		finish_write (item, ARTEMIS_WRITE_STAGE_PREPARE, error);
		return FALSE;
	}
	if (item->writes->len == 0) {
		finish_write (item, ARTEMIS_WRITE_STAGE_COMMIT, NULL);
		return FALSE;
	}
	if (self->store == NULL) {
		finish_write (item, ARTEMIS_WRITE_STAGE_COMMIT,
			      g_error_new_literal (ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
						   _("The management store is not open")));
		return FALSE;
	}
	self->current = item;
	artemis_store_commit_async (self->store, item->writes, NULL, on_committed, g_object_ref (self));
	return TRUE;
}

/* Takes the queued items in order until one waits for its commit. */
static void
process (ArtemisWriteQueue *self)
{
	Item *item;

	while (self->current == NULL && (item = g_queue_pop_head (&self->items)) != NULL) {
		if (item->turn != NULL) {
			self->current = item;
			item->turn (self, item->data);
		} else {
			start_write (self, item);
		}
	}
}

static void
enqueue (ArtemisWriteQueue *self, Item *item)
{
	g_queue_push_tail (&self->items, item);
	process (self);
}

void
artemis_write_queue_submit_async (ArtemisWriteQueue *self, ArtemisWritePrepareFunc prepare, gpointer data,
				  GDestroyNotify destroy, GAsyncReadyCallback callback, gpointer user_data)
{
	artemis_write_queue_submit_numbered_async (self, NULL, prepare, data, destroy, callback, user_data);
}

void
artemis_write_queue_submit_numbered_async (ArtemisWriteQueue *self, const guint *new_rows,
					   ArtemisWritePrepareFunc prepare, gpointer data, GDestroyNotify destroy,
					   GAsyncReadyCallback callback, gpointer user_data)
{
	Item *item = g_new0 (Item, 1);

	g_return_if_fail (ARTEMIS_IS_WRITE_QUEUE (self));
	g_return_if_fail (prepare != NULL);
	if (new_rows != NULL)
		item->new_rows = g_memdup2 (new_rows, ARTEMIS_STORAGE_N_KINDS * sizeof (guint));
	item->prepare = prepare;
	item->data = data;
	item->destroy = destroy;
	item->task = g_task_new (self, NULL, callback, user_data);
	g_task_set_source_tag (item->task, artemis_write_queue_submit_async);
	g_task_set_task_data (item->task, item, (GDestroyNotify) item_free);
	enqueue (self, item);
}

gboolean
artemis_write_queue_submit_finish (ArtemisWriteQueue *self, GAsyncResult *result, ArtemisWriteStage *stage,
				   GError **error)
{
	Item *item;

	g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
	item = g_task_get_task_data (G_TASK (result));
	if (stage != NULL)
		*stage = item->stage;
	return g_task_propagate_boolean (G_TASK (result), error);
}

void
artemis_write_queue_take_turn (ArtemisWriteQueue *self, ArtemisWriteTurnFunc func, gpointer data,
			       GDestroyNotify destroy)
{
	Item *item = g_new0 (Item, 1);

	g_return_if_fail (ARTEMIS_IS_WRITE_QUEUE (self));
	g_return_if_fail (func != NULL);
	item->turn = func;
	item->data = data;
	item->destroy = destroy;
	enqueue (self, item);
}

void
artemis_write_queue_end_turn (ArtemisWriteQueue *self)
{
	Item *item;

	g_return_if_fail (ARTEMIS_IS_WRITE_QUEUE (self));
	g_return_if_fail (self->current != NULL && self->current->turn != NULL);
	item = g_steal_pointer (&self->current);
	item_free (item);
	process (self);
}

guint
artemis_write_queue_get_length (ArtemisWriteQueue *self)
{
	g_return_val_if_fail (ARTEMIS_IS_WRITE_QUEUE (self), 0);
	return g_queue_get_length (&self->items) + (self->current != NULL ? 1 : 0);
}
