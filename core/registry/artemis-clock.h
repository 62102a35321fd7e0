/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Wall-clock time in epoch milliseconds; injectable so tests control time. */
typedef gint64 (*ArtemisClockFunc) (gpointer user_data);

gint64 artemis_clock_real_ms (gpointer user_data);

G_END_DECLS
