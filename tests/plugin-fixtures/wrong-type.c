/* SPDX-License-Identifier: Apache-2.0 */

/* A module whose query returns a type of no plugin kind. */

#include <artemis.h>

ARTEMIS_PLUGIN_DEFINE (G_TYPE_OBJECT)
