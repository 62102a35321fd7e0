/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "artemis-error.h"
#include "artemis-write-queue.h"

/* One turn in the queue: a write (prepare set) or other work (run set). */
typedef struct {
	ArtemisWritePrepareFunc prepare;
	GFunc run;
	gpointer data;
	GDestroyNotify destroy;
	GTask *task; /* writes only; owns this item as its task data */
	GPtrArray *writes;
	ArtemisWriteStage stage;
} Item;

struct _ArtemisWriteQueue {
	GObject parent_instance;

	ArtemisWriteApplyFunc apply;
	gpointer apply_data;
	ArtemisStore *store; /* weak: the store's owner keeps it, and the store may keep the state this queue feeds */
	GQueue items; /* Item, oldest first */
	Item *current; /* the write waiting for its commit, or NULL */
};

G_DEFINE_FINAL_TYPE (ArtemisWriteQueue, artemis_write_queue, G_TYPE_OBJECT)

static void
item_free (Item *item)
{
	if (item->destroy != NULL)
		item->destroy (item->data);
	g_clear_pointer (&item->writes, g_ptr_array_unref);
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
artemis_write_queue_new (ArtemisWriteApplyFunc apply, gpointer apply_data)
{
	ArtemisWriteQueue *self = g_object_new (ARTEMIS_TYPE_WRITE_QUEUE, NULL);

	self->apply = apply;
	self->apply_data = apply_data;
	return self;
}

void
artemis_write_queue_set_store (ArtemisWriteQueue *self, ArtemisStore *store)
{
	g_return_if_fail (ARTEMIS_IS_WRITE_QUEUE (self));
	g_set_weak_pointer (&self->store, store);
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

/* Prepares the write @item and starts its commit; FALSE when it ended without one. */
static gboolean
start_write (ArtemisWriteQueue *self, Item *item)
{
	GError *error = NULL;

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
		if (item->run != NULL) {
			item->run (item->data, NULL);
			item_free (item);
			continue;
		}
		start_write (self, item);
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
	Item *item = g_new0 (Item, 1);

	g_return_if_fail (ARTEMIS_IS_WRITE_QUEUE (self));
	g_return_if_fail (prepare != NULL);
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
artemis_write_queue_run (ArtemisWriteQueue *self, GFunc func, gpointer data, GDestroyNotify destroy)
{
	Item *item = g_new0 (Item, 1);

	g_return_if_fail (ARTEMIS_IS_WRITE_QUEUE (self));
	g_return_if_fail (func != NULL);
	item->run = func;
	item->data = data;
	item->destroy = destroy;
	enqueue (self, item);
}

guint
artemis_write_queue_get_length (ArtemisWriteQueue *self)
{
	g_return_val_if_fail (ARTEMIS_IS_WRITE_QUEUE (self), 0);
	return g_queue_get_length (&self->items) + (self->current != NULL ? 1 : 0);
}
