/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib.h>

#include "artemis-instance.h"
#include "artemis-service.h"

G_BEGIN_DECLS

/**
 * ArtemisGroupCycle:
 *
 * The weighted round robin of protocol §8.3 (caravan-ribbon's
 * weighted-round-robin rule), for strategies to build on: the weights of
 * the chosen groups reduced by their GCD; a list in which each group appears
 * weight/GCD times, shuffled once; a walk over that list, from a random
 * start, that skips groups without an instance; round robin inside the
 * group. A group of weight 0 is never chosen. Over one turn of the list
 * every group with instances gets exactly its share.
 *
 * It remembers groups by their index in the array it was built from, so
 * artemis_group_cycle_next() must get groups in the same order (what a
 * strategy state guarantees, see #ArtemisRouteStrategyClass).
 */
typedef struct _ArtemisGroupCycle ArtemisGroupCycle;

/* Whether @group takes part; NULL takes every group. */
typedef gboolean (*ArtemisGroupPredicate) (const ArtemisServiceGroup *group, gpointer user_data);

/* Builds the cycle over the groups of @groups (ArtemisServiceGroup) that @include accepts. */
/**
 * artemis_group_cycle_new:
 * @groups: (element-type ArtemisServiceGroup): the rule's groups.
 * @include: (scope call) (nullable): which groups take part; NULL takes every group.
 * @user_data: (closure include): data for @include.
 * @rand: the randomness to use.
 * 
 * Returns: (transfer full) (skip): the cycle; free with artemis_group_cycle_free().
 */
ARTEMIS_EXPORT
ArtemisGroupCycle *artemis_group_cycle_new (GPtrArray *groups, ArtemisGroupPredicate include,
					    gpointer user_data, GRand *rand);
ARTEMIS_EXPORT
void artemis_group_cycle_free (ArtemisGroupCycle *cycle);
/* The next instance (owned by its group in @groups), or NULL when no chosen group has one. */
/**
 * artemis_group_cycle_next:
 * @groups: (element-type ArtemisServiceGroup): the groups the cycle was built over.
 * 
 * Returns: (transfer none) (nullable): the next instance, owned by its group.
 */
ARTEMIS_EXPORT
ArtemisInstance *artemis_group_cycle_next (ArtemisGroupCycle *cycle, GPtrArray *groups);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisGroupCycle, artemis_group_cycle_free)

G_END_DECLS
