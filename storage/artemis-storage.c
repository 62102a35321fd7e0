/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "artemis-storage.h"

struct _ArtemisStorage {
	GObject parent_instance;

	ArtemisStorageBackend *backend;
	ArtemisManagement *management;
	GThreadPool *worker; /* one exclusive thread: backend calls never overlap */
	gboolean opened;
	gboolean closed;
	/* Polling a shared store (worker side: cursor; main loop side: the rest). */
	gint64 cursor;
	guint poll_source;
	gboolean poll_in_flight;
	gboolean poll_again; /* the backend said "changed" while a poll ran */
	gboolean poll_failing; /* said once, not at every interval */
	GSource *wake_source; /* set ready from the backend's thread: poll now */
	gulong changed_handler;
};

static void artemis_storage_store_init (ArtemisStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ArtemisStorage, artemis_storage, G_TYPE_OBJECT,
			       G_IMPLEMENT_INTERFACE (ARTEMIS_TYPE_STORE, artemis_storage_store_init))

/* Runs on the worker thread and returns @task. */
typedef void (*JobFunc) (ArtemisStorage *self, GTask *task);

typedef struct {
	JobFunc func;
	GTask *task;
} Job;

static void
run_job (gpointer data, gpointer user_data)
{
	Job *job = data;

	job->func (user_data, job->task);
	g_clear_object (&job->task);
	g_free (job);
}

/* Queues @func with @task (a new reference is taken) on the worker. */
static void
queue_job (ArtemisStorage *self, JobFunc func, GTask *task)
{
	Job *job = g_new0 (Job, 1);
	g_autoptr (GError) error = NULL;

	job->func = func;
	job->task = task != NULL ? g_object_ref (task) : NULL;
	/* The exclusive thread already runs, so this does not fail in practice; if it does, the caller hears. */
	if (!g_thread_pool_push (self->worker, job, &error)) {
		g_warning ("Cannot queue storage work: %s", error->message);
		if (task != NULL)
			g_task_return_error (task, g_steal_pointer (&error));
		g_clear_object (&job->task);
		g_free (job);
	}
}

static void
artemis_storage_dispose (GObject *object)
{
	ArtemisStorage *self = ARTEMIS_STORAGE (object);

	artemis_storage_close (self);
	g_clear_object (&self->management);
	G_OBJECT_CLASS (artemis_storage_parent_class)->dispose (object);
}

static void
artemis_storage_finalize (GObject *object)
{
	ArtemisStorage *self = ARTEMIS_STORAGE (object);

	g_clear_object (&self->backend);
	G_OBJECT_CLASS (artemis_storage_parent_class)->finalize (object);
}

static void
artemis_storage_class_init (ArtemisStorageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_storage_dispose;
	object_class->finalize = artemis_storage_finalize;
}

static void
artemis_storage_init (ArtemisStorage *self)
{
}

ArtemisStorage *
artemis_storage_new (ArtemisStorageBackend *backend, ArtemisManagement *management, GError **error)
{
	g_autoptr (ArtemisStorage) self = g_object_new (ARTEMIS_TYPE_STORAGE, NULL);

	self->backend = g_object_ref (backend);
	self->management = g_object_ref (management);
	self->worker = g_thread_pool_new (run_job, self, 1, TRUE, error);
	if (self->worker == NULL) {
		g_prefix_error (error, _("Cannot start the storage thread: "));
		return NULL;
	}
	return g_steal_pointer (&self);
}

ArtemisStorageBackend *
artemis_storage_get_backend (ArtemisStorage *self)
{
	return self->backend;
}

static gboolean
check_usable (ArtemisStorage *self, GError **error)
{
	if (self->opened && !self->closed)
		return TRUE;
	g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
			     self->closed ? _("The management store is closed")
					  : _("The management store is not open"));
	return FALSE;
}

/* ---- state kinds, loaded ----------------------------------------------- */

static void
records_free (gpointer records)
{
	if (records != NULL)
		g_ptr_array_unref (records);
}

/* Rows of some state kinds: an array of ArtemisStorageRecord arrays, NULL for kinds not loaded. */
static GPtrArray *
loaded_new (void)
{
	GPtrArray *loaded = g_ptr_array_new_full (ARTEMIS_STORAGE_N_KINDS, records_free);

	g_ptr_array_set_size (loaded, ARTEMIS_STORAGE_N_KINDS);
	return loaded;
}

/* Worker side: reads the rows of @kind into @loaded. */
static gboolean
load_kind (ArtemisStorage *self, ArtemisStorageKind kind, GPtrArray *loaded, GError **error)
{
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (kind);
	GPtrArray *records = artemis_storage_backend_query (self->backend, filter, error);

	if (records == NULL)
		return FALSE;
	g_ptr_array_index (loaded, kind) = records;
	return TRUE;
}

/* Main loop side: every loaded kind replaces the management state of that kind. */
static void
apply_loaded (ArtemisStorage *self, GPtrArray *loaded)
{
	for (guint kind = 0; kind < loaded->len; kind++) {
		GPtrArray *records = g_ptr_array_index (loaded, kind);

		if (records != NULL)
			artemis_management_replace (self->management, kind, records);
	}
}

/* ---- waiting for the worker (start-up, tests) -------------------------- */

typedef struct {
	gboolean done;
	GAsyncResult *result;
} SyncWait;

static void
on_sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
	SyncWait *wait = user_data;

	wait->result = g_object_ref (result);
	wait->done = TRUE;
}

/* Runs @func with @data on the worker and waits; returns its pointer result. */
static gpointer
run_sync (ArtemisStorage *self, JobFunc func, gpointer data, GDestroyNotify destroy, GError **error)
{
	g_autoptr (GMainContext) context = g_main_context_new ();
	g_autoptr (GTask) task = NULL;
	SyncWait wait = { FALSE, NULL };
	gpointer result;

	g_main_context_push_thread_default (context);
	task = g_task_new (self, NULL, on_sync_done, &wait);
	g_task_set_task_data (task, data, destroy);
	queue_job (self, func, task);
	while (!wait.done)
		g_main_context_iteration (context, TRUE);
	g_main_context_pop_thread_default (context);
	result = g_task_propagate_pointer (G_TASK (wait.result), error);
	g_object_unref (wait.result);
	return result;
}

/* ---- open -------------------------------------------------------------- */

static void
job_open (ArtemisStorage *self, GTask *task)
{
	const char *data_dir = g_task_get_task_data (task);
	g_autoptr (GPtrArray) loaded = loaded_new ();
	GError *error = NULL;

	if (!artemis_storage_backend_open (self->backend, data_dir, &error)) {
		g_task_return_error (task, error);
		return;
	}
	for (guint kind = 0; kind < ARTEMIS_STORAGE_N_KINDS; kind++) {
		if (artemis_storage_kind_get_info (kind)->is_log)
			continue;
		if (!load_kind (self, kind, loaded, &error)) {
			g_prefix_error (&error, _("Cannot load the management state: "));
			g_task_return_error (task, error);
			return;
		}
	}
	g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) g_ptr_array_unref);
}

gboolean
artemis_storage_open (ArtemisStorage *self, const char *data_dir, GError **error)
{
	g_autoptr (GPtrArray) loaded = NULL;

	g_return_val_if_fail (ARTEMIS_IS_STORAGE (self), FALSE);
	g_return_val_if_fail (!self->opened && !self->closed, FALSE);
	loaded = run_sync (self, job_open, g_strdup (data_dir), g_free, error);
	if (loaded == NULL)
		return FALSE;
	self->opened = TRUE;
	apply_loaded (self, loaded);
	return TRUE;
}

/* ---- writes ------------------------------------------------------------ */

/* Ids to reserve on the worker. */
typedef struct {
	ArtemisStorageKind kind;
	guint count;
} Reservation;

static void
job_commit (ArtemisStorage *self, GTask *task)
{
	GError *error = NULL;

	if (!artemis_storage_backend_commit (self->backend, g_task_get_task_data (task), &error))
		g_task_return_error (task, error);
	else
		g_task_return_boolean (task, TRUE);
}

static void
artemis_storage_commit_async (ArtemisStore *store, GPtrArray *writes, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data)
{
	ArtemisStorage *self = ARTEMIS_STORAGE (store);
	g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
	GError *error = NULL;

	g_task_set_source_tag (task, artemis_storage_commit_async);
	if (!check_usable (self, &error)) {
		g_task_return_error (task, error);
		return;
	}
	g_task_set_task_data (task, g_ptr_array_ref (writes), (GDestroyNotify) g_ptr_array_unref);
	queue_job (self, job_commit, task);
}

static gboolean
artemis_storage_commit_finish (ArtemisStore *store, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
	return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
artemis_storage_is_shared (ArtemisStore *store)
{
	return artemis_storage_backend_is_shared (ARTEMIS_STORAGE (store)->backend);
}

static void
job_reserve_ids (ArtemisStorage *self, GTask *task)
{
	const Reservation *reservation = g_task_get_task_data (task);
	g_autofree gint64 *first = g_new0 (gint64, 1);
	GError *error = NULL;

	if (!artemis_storage_backend_reserve_ids (self->backend, reservation->kind, reservation->count, first,
						  &error))
		g_task_return_error (task, error);
	else
		g_task_return_pointer (task, g_steal_pointer (&first), g_free);
}

static void
artemis_storage_reserve_ids_async (ArtemisStore *store, ArtemisStorageKind kind, guint count,
				   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	ArtemisStorage *self = ARTEMIS_STORAGE (store);
	g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
	Reservation *reservation = g_new0 (Reservation, 1);
	GError *error = NULL;

	g_task_set_source_tag (task, artemis_storage_reserve_ids_async);
	reservation->kind = kind;
	reservation->count = count;
	g_task_set_task_data (task, reservation, g_free);
	if (!check_usable (self, &error)) {
		g_task_return_error (task, error);
		return;
	}
	queue_job (self, job_reserve_ids, task);
}

static gboolean
artemis_storage_reserve_ids_finish (ArtemisStore *store, GAsyncResult *result, gint64 *first, GError **error)
{
	g_autofree gint64 *reserved = NULL;

	g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
	reserved = g_task_propagate_pointer (G_TASK (result), error);
	if (reserved == NULL)
		return FALSE;
	*first = *reserved;
	return TRUE;
}

static void
artemis_storage_store_init (ArtemisStoreInterface *iface)
{
	iface->commit_async = artemis_storage_commit_async;
	iface->commit_finish = artemis_storage_commit_finish;
	iface->is_shared = artemis_storage_is_shared;
	iface->reserve_ids_async = artemis_storage_reserve_ids_async;
	iface->reserve_ids_finish = artemis_storage_reserve_ids_finish;
}

/* ---- queries ----------------------------------------------------------- */

static void
job_query (ArtemisStorage *self, GTask *task)
{
	GError *error = NULL;
	GPtrArray *records = artemis_storage_backend_query (self->backend, g_task_get_task_data (task), &error);

	if (records == NULL)
		g_task_return_error (task, error);
	else
		g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

void
artemis_storage_query_async (ArtemisStorage *self, const ArtemisStorageRecord *filter, GCancellable *cancellable,
			     GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
	GError *error = NULL;

	g_task_set_source_tag (task, artemis_storage_query_async);
	if (!check_usable (self, &error)) {
		g_task_return_error (task, error);
		return;
	}
	g_task_set_task_data (task, artemis_storage_record_copy (filter),
			      (GDestroyNotify) artemis_storage_record_free);
	queue_job (self, job_query, task);
}

GPtrArray *
artemis_storage_query_finish (ArtemisStorage *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, self), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- changes made by other nodes --------------------------------------- */

static void
job_poll (ArtemisStorage *self, GTask *task)
{
	g_autoptr (GArray) kinds = g_array_new (FALSE, FALSE, sizeof (ArtemisStorageKind));
	g_autoptr (GPtrArray) loaded = loaded_new ();
	GError *error = NULL;

	if (!artemis_storage_backend_poll_changes (self->backend, &self->cursor, kinds, &error)) {
		g_task_return_error (task, error);
		return;
	}
	for (guint i = 0; i < kinds->len; i++) {
		ArtemisStorageKind kind = g_array_index (kinds, ArtemisStorageKind, i);

		if (kind >= ARTEMIS_STORAGE_N_KINDS || artemis_storage_kind_get_info (kind)->is_log ||
		    g_ptr_array_index (loaded, kind) != NULL)
			continue;
		if (!load_kind (self, kind, loaded, &error)) {
			g_task_return_error (task, error);
			return;
		}
	}
	g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) g_ptr_array_unref);
}

gboolean
artemis_storage_poll (ArtemisStorage *self, GError **error)
{
	g_autoptr (GPtrArray) loaded = NULL;

	if (!check_usable (self, error))
		return FALSE;
	loaded = run_sync (self, job_poll, NULL, NULL, error);
	if (loaded == NULL)
		return FALSE;
	apply_loaded (self, loaded);
	return TRUE;
}

static void start_poll (ArtemisStorage *self);

/*
 * Back on the main loop, still in the poll's turn in the write queue: no
 * write of this node committed between the read and now, so what was read
 * is not older than the state it replaces.
 */
static void
on_polled (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisStorage *self = ARTEMIS_STORAGE (source);
	g_autoptr (ArtemisWriteQueue) queue = user_data;
	g_autoptr (GPtrArray) loaded = NULL;
	g_autoptr (GError) error = NULL;

	self->poll_in_flight = FALSE;
	loaded = g_task_propagate_pointer (G_TASK (result), &error);
	/* As Java's refreshers do, a failed poll keeps the state as it was. */
	if (loaded == NULL && !self->poll_failing)
		g_warning ("Cannot poll the shared management store (retrying quietly): %s", error->message);
	else if (loaded != NULL && self->poll_failing)
		g_message ("Polling the shared management store works again");
	self->poll_failing = loaded == NULL;
	if (loaded != NULL && !self->closed)
		apply_loaded (self, loaded);
	artemis_write_queue_end_turn (queue);
	/* A change notified during the poll may have committed after it read. */
	if (self->poll_again) {
		self->poll_again = FALSE;
		start_poll (self);
	}
}

/* The poll's turn in the write queue: read on the worker, apply in on_polled(), then the next write. */
static void
poll_turn (ArtemisWriteQueue *queue, gpointer data)
{
	ArtemisStorage *self = data;
	g_autoptr (GTask) task = NULL;

	if (self->closed) {
		self->poll_in_flight = FALSE;
		artemis_write_queue_end_turn (queue);
		return;
	}
	task = g_task_new (self, NULL, on_polled, g_object_ref (queue));
	queue_job (self, job_poll, task);
}

static void
start_poll (ArtemisStorage *self)
{
	if (self->closed)
		return;
	if (self->poll_in_flight) {
		self->poll_again = TRUE;
		return;
	}
	self->poll_in_flight = TRUE;
	artemis_write_queue_take_turn (artemis_management_get_write_queue (self->management), poll_turn,
				       g_object_ref (self), g_object_unref);
}

static gboolean
on_poll_timeout (gpointer user_data)
{
	ArtemisStorage *self = user_data;

	/* The timer only makes sure: a poll already running or due will do. */
	if (!self->poll_in_flight)
		start_poll (self);
	return G_SOURCE_CONTINUE;
}

/* A source that runs its callback once each time it is set ready, from any thread. */
static gboolean
wake_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
	g_source_set_ready_time (source, -1);
	return callback (user_data);
}

static GSourceFuncs wake_funcs = { NULL, NULL, wake_dispatch, NULL, NULL, NULL };

static gboolean
on_wake (gpointer user_data)
{
	start_poll (user_data);
	return G_SOURCE_CONTINUE;
}

/* The backend's thread: only wakes the main loop (the source outlives the backend's threads). */
static void
on_backend_changed (ArtemisStorageBackend *backend, gpointer user_data)
{
	ArtemisStorage *self = user_data;

	g_source_set_ready_time (self->wake_source, 0);
}

void
artemis_storage_start_polling (ArtemisStorage *self, guint interval_ms)
{
	g_return_if_fail (ARTEMIS_IS_STORAGE (self));
	g_return_if_fail (self->poll_source == 0);
	if (!artemis_storage_backend_is_shared (self->backend) || !self->opened)
		return;
	self->poll_source = g_timeout_add (interval_ms, on_poll_timeout, self);
	self->wake_source = g_source_new (&wake_funcs, sizeof (GSource));
	g_source_set_callback (self->wake_source, on_wake, self, NULL);
	g_source_set_name (self->wake_source, "ArtemisStorage changes notified");
	g_source_attach (self->wake_source, NULL);
	self->changed_handler =
		g_signal_connect (self->backend, "changed", G_CALLBACK (on_backend_changed), self);
}

/* ---- close ------------------------------------------------------------- */

static void
job_close (ArtemisStorage *self, GTask *task)
{
	artemis_storage_backend_close (self->backend);
}

void
artemis_storage_close (ArtemisStorage *self)
{
	g_return_if_fail (ARTEMIS_IS_STORAGE (self));
	if (self->worker == NULL)
		return;
	g_clear_handle_id (&self->poll_source, g_source_remove);
	if (self->opened)
		queue_job (self, job_close, NULL);
	self->closed = TRUE;
	/* Runs what is queued (close last), then joins the thread. */
	g_thread_pool_free (g_steal_pointer (&self->worker), FALSE, TRUE);
	/* The backend is closed: none of its threads emits any more. */
	g_clear_signal_handler (&self->changed_handler, self->backend);
	if (self->wake_source != NULL)
		g_source_destroy (self->wake_source);
	g_clear_pointer (&self->wake_source, g_source_unref);
}
