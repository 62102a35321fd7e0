/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-clock.h"

gint64
artemis_clock_real_ms (gpointer user_data)
{
	return g_get_real_time () / 1000;
}
