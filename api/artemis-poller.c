/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "artemis-poller.h"

/* Descriptors handled per main loop iteration; the rest wait for the next one. */
#define MAX_EVENTS 256

struct _ArtemisPollerWatch {
	int fd;
	guint32 events;
	ArtemisPollerFunc func;
	gpointer user_data;
	gboolean removed;
};

typedef struct {
	GSource source;
	ArtemisPoller *poller;
} PollerSource;

struct _ArtemisPoller {
	int epoll_fd;
	GSource *source;
	gboolean dispatching;
	/* Removed during a dispatch: events for them may still be in its batch. */
	GPtrArray *removed;
};

static gboolean
poller_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
	ArtemisPoller *self = ((PollerSource *) source)->poller;
	struct epoll_event events[MAX_EVENTS];
	int n = epoll_wait (self->epoll_fd, events, MAX_EVENTS, 0);

	self->dispatching = TRUE;
	for (int i = 0; i < n; i++) {
		ArtemisPollerWatch *watch = events[i].data.ptr;

		if (!watch->removed)
			watch->func (events[i].events, watch->user_data);
	}
	self->dispatching = FALSE;
	g_ptr_array_set_size (self->removed, 0);
	return G_SOURCE_CONTINUE;
}

/* No prepare or check: GLib dispatches when the epoll descriptor is readable. */
static GSourceFuncs poller_source_funcs = {
	NULL,
	NULL,
	poller_dispatch,
	NULL,
	NULL,
	NULL,
};

ArtemisPoller *
artemis_poller_new (GError **error)
{
	ArtemisPoller *self;
	int epoll_fd = epoll_create1 (EPOLL_CLOEXEC);

	if (epoll_fd < 0) {
		int saved_errno = errno;

		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "epoll_create1: %s",
			     g_strerror (saved_errno));
		return NULL;
	}
	self = g_new0 (ArtemisPoller, 1);
	self->epoll_fd = epoll_fd;
	self->removed = g_ptr_array_new_with_free_func (g_free);
	self->source = g_source_new (&poller_source_funcs, sizeof (PollerSource));
	((PollerSource *) self->source)->poller = self;
	g_source_set_static_name (self->source, "ArtemisPoller");
	g_source_add_unix_fd (self->source, self->epoll_fd, G_IO_IN);
	g_source_attach (self->source, g_main_context_get_thread_default ());
	return self;
}

void
artemis_poller_free (ArtemisPoller *self)
{
	if (self == NULL)
		return;
	g_source_destroy (self->source);
	g_source_unref (self->source);
	g_ptr_array_unref (self->removed);
	close (self->epoll_fd);
	g_free (self);
}

static void
control (ArtemisPoller *self, int op, ArtemisPollerWatch *watch)
{
	struct epoll_event event = { .events = watch->events, .data.ptr = watch };

	if (epoll_ctl (self->epoll_fd, op, watch->fd, &event) != 0)
		g_warning ("epoll_ctl (%d, fd %d): %s", op, watch->fd, g_strerror (errno));
}

ArtemisPollerWatch *
artemis_poller_add (ArtemisPoller *self, int fd, guint32 events, ArtemisPollerFunc func, gpointer user_data)
{
	ArtemisPollerWatch *watch = g_new0 (ArtemisPollerWatch, 1);

	watch->fd = fd;
	watch->events = events;
	watch->func = func;
	watch->user_data = user_data;
	control (self, EPOLL_CTL_ADD, watch);
	return watch;
}

void
artemis_poller_modify (ArtemisPoller *self, ArtemisPollerWatch *watch, guint32 events)
{
	if (watch->events == events)
		return;
	watch->events = events;
	control (self, EPOLL_CTL_MOD, watch);
}

/* Call before closing the descriptor. */
void
artemis_poller_remove (ArtemisPoller *self, ArtemisPollerWatch *watch)
{
	control (self, EPOLL_CTL_DEL, watch);
	watch->removed = TRUE;
	if (self->dispatching)
		g_ptr_array_add (self->removed, watch);
	else
		g_free (watch);
}
