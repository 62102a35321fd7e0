/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-group-cycle.h"
#include "artemis-route-rules.h"

struct _ArtemisGroupCycle {
	GArray *slots;   /* guint group indexes, each weight/GCD times, shuffled */
	guint position;  /* next slot */
	guint n_groups;  /* size of the group array built from */
	guint *counters; /* per group: the next instance, modulo its size */
};

static guint
gcd (guint a, guint b)
{
	while (b != 0) {
		guint r = a % b;

		a = b;
		b = r;
	}
	return a;
}

static gboolean
takes_part (const ArtemisServiceGroup *group, ArtemisGroupPredicate include, gpointer user_data)
{
	return group != NULL && artemis_service_group_get_fixed_weight (group) > 0 &&
	       (include == NULL || include (group, user_data));
}

/* Fisher–Yates, with the caller's generator so that a seed reproduces it. */
static void
shuffle (GArray *slots, GRand *rand)
{
	for (guint i = slots->len; i > 1; i--) {
		guint j = g_rand_int_range (rand, 0, i);
		guint tmp = g_array_index (slots, guint, i - 1);

		g_array_index (slots, guint, i - 1) = g_array_index (slots, guint, j);
		g_array_index (slots, guint, j) = tmp;
	}
}

ArtemisGroupCycle *
artemis_group_cycle_new (GPtrArray *groups, ArtemisGroupPredicate include, gpointer user_data, GRand *rand)
{
	ArtemisGroupCycle *cycle = g_new0 (ArtemisGroupCycle, 1);
	guint divisor = 0;

	cycle->n_groups = groups->len;
	cycle->counters = g_new0 (guint, MAX (groups->len, 1));
	cycle->slots = g_array_new (FALSE, FALSE, sizeof (guint));
	for (guint i = 0; i < groups->len; i++) {
		const ArtemisServiceGroup *group = g_ptr_array_index (groups, i);

		if (takes_part (group, include, user_data))
			divisor = gcd (artemis_service_group_get_fixed_weight (group), divisor);
	}
	for (guint i = 0; i < groups->len; i++) {
		const ArtemisServiceGroup *group = g_ptr_array_index (groups, i);

		if (!takes_part (group, include, user_data))
			continue;
		for (guint n = artemis_service_group_get_fixed_weight (group) / divisor; n > 0; n--)
			g_array_append_val (cycle->slots, i);
		/* Start each group's round robin somewhere else, as independent clients would. */
		cycle->counters[i] = g_rand_int_range (rand, 0, G_MAXINT32);
	}
	shuffle (cycle->slots, rand);
	if (cycle->slots->len > 0)
		cycle->position = g_rand_int_range (rand, 0, cycle->slots->len);
	return cycle;
}

void
artemis_group_cycle_free (ArtemisGroupCycle *cycle)
{
	if (cycle == NULL)
		return;
	g_array_unref (cycle->slots);
	g_free (cycle->counters);
	g_free (cycle);
}

ArtemisInstance *
artemis_group_cycle_next (ArtemisGroupCycle *cycle, GPtrArray *groups)
{
	g_return_val_if_fail (groups->len == cycle->n_groups, NULL);

	/* One turn at most: every chosen group gets a chance to have an instance. */
	for (guint tries = 0; tries < cycle->slots->len; tries++) {
		guint index = g_array_index (cycle->slots, guint, cycle->position);
		const ArtemisServiceGroup *group = g_ptr_array_index (groups, index);
		GPtrArray *instances = group->instances;

		cycle->position = (cycle->position + 1) % cycle->slots->len;
		if (instances == NULL || instances->len == 0)
			continue;
		return g_ptr_array_index (instances, cycle->counters[index]++ % instances->len);
	}
	return NULL;
}
