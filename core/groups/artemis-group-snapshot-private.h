/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-instance.h"
#include "artemis-group-rows.h"
#include "artemis-record-table.h"
#include "artemis-service.h"

G_BEGIN_DECLS

/*
 * What the group tables mean for discovery, computed once per change
 * (private to libartemis): per service its route rules (protocol §8.1), its
 * logical instances (§7.2), its groups (management view), the keys of its
 * groups that operations hold down (§7.3 rule 4), and a signature of all
 * but the groups, which tells whether a subscriber must reload (§9.10).
 */
typedef struct _ArtemisGroupSnapshot ArtemisGroupSnapshot;

/* @tables: the group tables, indexed by kind - ARTEMIS_GROUP_FIRST_KIND. */
ArtemisGroupSnapshot *artemis_group_snapshot_new (ArtemisRecordTable *const *tables);
void artemis_group_snapshot_free (ArtemisGroupSnapshot *snapshot);

/* The service's rules, logical instances or groups (borrowed), or NULL when it has none. */
GPtrArray *artemis_group_snapshot_get_rules (ArtemisGroupSnapshot *snapshot, const char *service_id);
GPtrArray *artemis_group_snapshot_get_logic_instances (ArtemisGroupSnapshot *snapshot, const char *service_id);
GPtrArray *artemis_group_snapshot_get_groups (ArtemisGroupSnapshot *snapshot, const char *service_id);
gboolean artemis_group_snapshot_is_down (ArtemisGroupSnapshot *snapshot, const ArtemisInstance *instance);
/*
 * Calls @func with every service whose signature differs between @old and
 * @new (either may lack it), with the service id as @new (else @old) spells it.
 */
void artemis_group_snapshot_foreach_changed (ArtemisGroupSnapshot *old, ArtemisGroupSnapshot *new,
					     GFunc func, gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisGroupSnapshot, artemis_group_snapshot_free)

G_END_DECLS
