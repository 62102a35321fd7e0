/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called with the epoll events (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP…) of a watched descriptor. */
typedef void (*ArtemisPollerFunc) (guint32 events, gpointer user_data);

typedef struct _ArtemisPoller ArtemisPoller;
typedef struct _ArtemisPollerWatch ArtemisPollerWatch;

/*
 * Many file descriptors behind one epoll set and one GSource on the
 * thread-default main context. A GLib main loop polls every source's
 * descriptors on every iteration; with a source per WebSocket, 10,000 idle
 * sockets made each iteration (and so every HTTP request) pay for all of
 * them. Through the poller an iteration costs the same with 10 or 10,000,
 * and only ready descriptors are looked at. Level-triggered: a callback may
 * leave data unread and is called again on the next iteration.
 */
/* NULL with @error set when the kernel refuses an epoll set (e.g. out of descriptors). */
ArtemisPoller *artemis_poller_new (GError **error);
void artemis_poller_free (ArtemisPoller *poller);

/* Watches @fd for @events; @func may remove any watch, its own included. */
ArtemisPollerWatch *artemis_poller_add (ArtemisPoller *poller, int fd, guint32 events, ArtemisPollerFunc func,
					gpointer user_data);
void artemis_poller_modify (ArtemisPoller *poller, ArtemisPollerWatch *watch, guint32 events);
void artemis_poller_remove (ArtemisPoller *poller, ArtemisPollerWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisPoller, artemis_poller_free)

G_END_DECLS
