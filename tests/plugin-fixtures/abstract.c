/* SPDX-License-Identifier: Apache-2.0 */

/* A module whose query returns a kind itself, which cannot be instantiated. */

#include <artemis.h>

ARTEMIS_PLUGIN_DEFINE (ARTEMIS_TYPE_ROUTE_STRATEGY)
