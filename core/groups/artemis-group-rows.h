/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-storage-record.h"

G_BEGIN_DECLS

/* The rules every row of group state follows, shared by the tables, the snapshot and the writes. */

/* The state kinds of groups, in ArtemisStorageKind order. */
#define ARTEMIS_GROUP_FIRST_KIND ARTEMIS_STORAGE_SERVICE_GROUP
#define ARTEMIS_GROUP_N_KINDS (ARTEMIS_STORAGE_SERVICE_INSTANCE - ARTEMIS_STORAGE_SERVICE_GROUP + 1)

/* Whether @kind is one of the group state kinds. */
gboolean artemis_group_kind_is_state (ArtemisStorageKind kind);
/* Whether rows of @kind are deleted softly (groups and route rules). */
gboolean artemis_group_kind_is_soft_deleted (ArtemisStorageKind kind);
/* The lower-case key fields of @record joined: equal for rows the store counts as one. */
char *artemis_group_row_get_identity (const ArtemisStorageRecord *record);
/* A group or rule that takes part in routing: not deleted, status `active` (any case). */
gboolean artemis_group_row_is_active (const ArtemisStorageRecord *record);

G_END_DECLS
