/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-change-log.h"

typedef struct {
	guint id;
	ArtemisChangeListener func;
	gpointer user_data;
	GDestroyNotify destroy;
} Listener;

struct _ArtemisChangeLog {
	GObject parent_instance;

	guint capacity;
	GQueue retained; /* ArtemisChange, oldest at the head */
	guint64 last_seq;
	GArray *listeners; /* Listener */
	guint next_listener_id;
};

G_DEFINE_TYPE (ArtemisChangeLog, artemis_change_log, G_TYPE_OBJECT)

const char *
artemis_change_type_to_string (ArtemisChangeType type)
{
	switch (type) {
	case ARTEMIS_CHANGE_NEW:
		return "new";
	case ARTEMIS_CHANGE_DELETE:
		return "delete";
	case ARTEMIS_CHANGE_CHANGE:
		return "change";
	case ARTEMIS_CHANGE_RELOAD:
		return "reload";
	default:
		g_return_val_if_reached ("change");
	}
}

ArtemisChange *
artemis_change_new (ArtemisChangeType type, gint64 time_ms, ArtemisInstance *instance)
{
	ArtemisChange *change = g_new0 (ArtemisChange, 1);

	change->ref_count = 1;
	change->time_ms = time_ms;
	change->type = type;
	change->instance = artemis_instance_ref (instance);
	return change;
}

ArtemisChange *
artemis_change_ref (ArtemisChange *change)
{
	g_atomic_int_inc (&change->ref_count);
	return change;
}

void
artemis_change_unref (ArtemisChange *change)
{
	if (g_atomic_int_dec_and_test (&change->ref_count)) {
		artemis_instance_unref (change->instance);
		g_free (change);
	}
}

const char *
artemis_change_get_service_id (const ArtemisChange *change)
{
	return artemis_instance_get (change->instance, ARTEMIS_INSTANCE_SERVICE_ID);
}

static void
clear_listener (gpointer data)
{
	Listener *listener = data;

	if (listener->destroy != NULL)
		listener->destroy (listener->user_data);
}

static void
artemis_change_log_finalize (GObject *object)
{
	ArtemisChangeLog *self = ARTEMIS_CHANGE_LOG (object);

	g_queue_clear_full (&self->retained, (GDestroyNotify) artemis_change_unref);
	g_array_unref (self->listeners);
	G_OBJECT_CLASS (artemis_change_log_parent_class)->finalize (object);
}

static void
artemis_change_log_class_init (ArtemisChangeLogClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_change_log_finalize;
}

static void
artemis_change_log_init (ArtemisChangeLog *self)
{
	g_queue_init (&self->retained);
	self->listeners = g_array_new (FALSE, FALSE, sizeof (Listener));
	g_array_set_clear_func (self->listeners, clear_listener);
	self->next_listener_id = 1;
}

ArtemisChangeLog *
artemis_change_log_new (guint capacity)
{
	ArtemisChangeLog *self = g_object_new (ARTEMIS_TYPE_CHANGE_LOG, NULL);

	self->capacity = MAX (capacity, 1);
	return self;
}

static void
notify_listeners (ArtemisChangeLog *self, ArtemisChange *change)
{
	/* Index loop: a listener may add listeners (appended, so not yet called). */
	for (guint i = 0; i < self->listeners->len; i++) {
		Listener *listener = &g_array_index (self->listeners, Listener, i);

		listener->func (change, listener->user_data);
	}
}

ArtemisChange *
artemis_change_log_append (ArtemisChangeLog *self, ArtemisChangeType type, gint64 time_ms,
			   ArtemisInstance *instance)
{
	ArtemisChange *change;

	g_return_val_if_fail (ARTEMIS_IS_CHANGE_LOG (self), NULL);
	g_return_val_if_fail (instance != NULL, NULL);

	change = artemis_change_new (type, time_ms, instance);
	change->seq = ++self->last_seq;

	g_queue_push_tail (&self->retained, change);
	while (self->retained.length > self->capacity)
		artemis_change_unref (g_queue_pop_head (&self->retained));

	notify_listeners (self, change);
	return artemis_change_ref (change);
}

guint64
artemis_change_log_get_last_seq (ArtemisChangeLog *self)
{
	return self->last_seq;
}

guint
artemis_change_log_get_length (ArtemisChangeLog *self)
{
	return self->retained.length;
}

gboolean
artemis_change_log_foreach_since (ArtemisChangeLog *self, guint64 after_seq, ArtemisChangeListener func,
				  gpointer user_data)
{
	ArtemisChange *oldest = g_queue_peek_head (&self->retained);
	GList *link;

	if (after_seq >= self->last_seq)
		return TRUE;
	if (oldest == NULL || oldest->seq > after_seq + 1)
		return FALSE;
	/* Retained seqs are contiguous, so the start is found by offset. */
	link = g_queue_peek_nth_link (&self->retained, after_seq + 1 - oldest->seq);
	for (; link != NULL; link = link->next)
		func (link->data, user_data);
	return TRUE;
}

guint
artemis_change_log_add_listener (ArtemisChangeLog *self, ArtemisChangeListener func, gpointer user_data,
				 GDestroyNotify destroy)
{
	Listener listener = { self->next_listener_id++, func, user_data, destroy };

	g_array_append_val (self->listeners, listener);
	return listener.id;
}

void
artemis_change_log_remove_listener (ArtemisChangeLog *self, guint listener_id)
{
	for (guint i = 0; i < self->listeners->len; i++) {
		if (g_array_index (self->listeners, Listener, i).id == listener_id) {
			g_array_remove_index (self->listeners, i);
			return;
		}
	}
	g_warning ("No change listener with id %u", listener_id);
}
