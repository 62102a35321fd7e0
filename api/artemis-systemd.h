/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Tells the service manager about the daemon's state, as sd_notify(3)
 * does, without libsystemd: one datagram of newline-separated
 * `VARIABLE=value` assignments (READY=1, RELOADING=1, STOPPING=1,
 * STATUS=…) to the socket in $NOTIFY_SOCKET. Does nothing, successfully,
 * when the daemon does not run under systemd (no $NOTIFY_SOCKET).
 */
gboolean artemis_systemd_notify (const char *state, GError **error);

/* artemis_systemd_notify(), logging a failure instead of returning it. */
void artemis_systemd_notify_or_warn (const char *state);

G_END_DECLS
