/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "artemis-core.h"
#include "artemis-dummy-plugin.h"
#include "artemis-strategy-close-by-visit-plugin.h"
#include "artemis-strategy-weighted-round-robin-plugin.h"
#include "plugin-fixtures.h"

#define SEED 20231114
#define PICKS 10000

/* ---- helpers ----------------------------------------------------------- */

static ArtemisInstance *
new_instance (const char *service_id, const char *region_id, const char *zone_id, const char *group_id,
	      const char *instance_id)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autofree char *url = g_strdup_printf ("http://%s/", instance_id);

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, service_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, region_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, zone_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_GROUP_ID, group_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, instance_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, url);
	return artemis_instance_builder_end (builder);
}

/* Adds a group of weight @weight with @n_instances members `KEY#i` to @rule. */
static ArtemisServiceGroup *
add_group (ArtemisRouteRule *rule, const char *group_key, gint weight, guint n_instances)
{
	ArtemisServiceGroup *group = artemis_service_group_new (group_key);

	group->has_weight = TRUE;
	group->weight = weight;
	group->instances = artemis_instance_array_new (n_instances);
	for (guint i = 0; i < n_instances; i++) {
		g_autofree char *id = g_strdup_printf ("%s#%u", group_key, i);

		g_ptr_array_add (group->instances, new_instance ("svc", "r", "z", NULL, id));
	}
	g_ptr_array_add (rule->groups, group);
	return group;
}

/* The index of the group of @rule holding @instance. */
static guint
group_of (const ArtemisRouteRule *rule, ArtemisInstance *instance)
{
	for (guint i = 0; i < rule->groups->len; i++) {
		const ArtemisServiceGroup *group = g_ptr_array_index (rule->groups, i);

		if (g_ptr_array_find (group->instances, instance, NULL))
			return i;
	}
	g_assert_not_reached ();
}

static ArtemisRouteStrategy *
new_strategy (GType type, const char *name)
{
	return g_object_new (type, "name", name, NULL);
}

static ArtemisRouteStrategy *
new_weighted_round_robin (void)
{
	return new_strategy (ARTEMIS_TYPE_WEIGHTED_ROUND_ROBIN_PLUGIN, "strategy-weighted-round-robin");
}

/*
 * Runs PICKS picks with a fixed seed: the share of each group, in @shares,
 * and checks that each group's own picks go round its instances in order.
 */
static void
count_picks (ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule, const ArtemisRouteCaller *caller,
	     double *shares)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
	gpointer state = artemis_route_strategy_new_state (strategy, rule, rand);
	g_autofree guint *counts = g_new0 (guint, rule->groups->len);
	g_autofree gint *last = g_new (gint, rule->groups->len);

	for (guint i = 0; i < rule->groups->len; i++)
		last[i] = -1;
	for (guint n = 0; n < PICKS; n++) {
		ArtemisInstance *instance = artemis_route_strategy_choose (strategy, rule, caller, state, rand);
		guint g, index;
		const ArtemisServiceGroup *group;

		g_assert_nonnull (instance);
		g = group_of (rule, instance);
		group = g_ptr_array_index (rule->groups, g);
		g_assert_true (g_ptr_array_find (group->instances, instance, &index));
		/* Round robin inside the group: the next instance after the last one. */
		if (last[g] >= 0)
			g_assert_cmpuint (index, ==, (last[g] + 1) % group->instances->len);
		last[g] = index;
		counts[g]++;
	}
	artemis_route_strategy_free_state (strategy, state);
	for (guint i = 0; i < rule->groups->len; i++)
		shares[i] = (double) counts[i] / PICKS;
}

static const ArtemisRouteCaller any_caller = { "r", "z", NULL };

/* ---- weighted round robin ---------------------------------------------- */

static void
test_wrr_weights (void)
{
	const struct {
		gint weights[3];
		double shares[3];
	} cases[] = {
		{ { 80, 20, -1 }, { 0.8, 0.2 } },
		{ { 1, 2, 7 }, { 0.1, 0.2, 0.7 } },
		{ { 3, 0, 3 }, { 0.5, 0.0, 0.5 } },
		{ { 10000, 9999, 1 }, { 0.5, 0.49995, 0.00005 } },
	};
	g_autoptr (ArtemisRouteStrategy) strategy = new_weighted_round_robin ();

	for (gsize c = 0; c < G_N_ELEMENTS (cases); c++) {
		g_autoptr (ArtemisRouteRule) rule = artemis_route_rule_new ("r", "weighted-round-robin");
		double shares[3];

		for (guint g = 0; g < 3 && cases[c].weights[g] >= 0; g++) {
			g_autofree char *key = g_strdup_printf ("svc/r/z/g%u", g);

			add_group (rule, key, cases[c].weights[g], g + 1);
		}
		count_picks (strategy, rule, &any_caller, shares);
		for (guint g = 0; g < rule->groups->len; g++)
			g_assert_cmpfloat_with_epsilon (shares[g], cases[c].shares[g], 0.02);
	}
}

static void
test_wrr_weight_zero_never (void)
{
	g_autoptr (ArtemisRouteStrategy) strategy = new_weighted_round_robin ();
	g_autoptr (ArtemisRouteRule) rule = artemis_route_rule_new ("r", "weighted-round-robin");
	g_autoptr (ArtemisRouteRule) all_zero = artemis_route_rule_new ("r", "weighted-round-robin");
	g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
	double shares[2];
	gpointer state;

	add_group (rule, "svc/r/z/zero", 0, 3);
	add_group (rule, "svc/r/z/five", 5, 1);
	count_picks (strategy, rule, &any_caller, shares);
	g_assert_cmpfloat (shares[0], ==, 0.0);
	g_assert_cmpfloat (shares[1], ==, 1.0);

	/* Nothing to choose is no pick at all, not a crash. */
	add_group (all_zero, "svc/r/z/zero", 0, 2);
	state = artemis_route_strategy_new_state (strategy, all_zero, rand);
	g_assert_null (artemis_route_strategy_choose (strategy, all_zero, &any_caller, state, rand));
	artemis_route_strategy_free_state (strategy, state);
}

static void
test_wrr_skips_empty_groups (void)
{
	g_autoptr (ArtemisRouteStrategy) strategy = new_weighted_round_robin ();
	g_autoptr (ArtemisRouteRule) rule = artemis_route_rule_new ("r", "weighted-round-robin");
	g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
	ArtemisServiceGroup *big;
	double shares[3];
	gpointer state;

	big = add_group (rule, "svc/r/z/big", 80, 0);
	add_group (rule, "svc/r/z/one", 10, 2);
	add_group (rule, "svc/r/z/two", 10, 2);
	count_picks (strategy, rule, &any_caller, shares);
	g_assert_cmpfloat (shares[0], ==, 0.0);
	g_assert_cmpfloat_with_epsilon (shares[1], 0.5, 0.02);
	g_assert_cmpfloat_with_epsilon (shares[2], 0.5, 0.02);

	/* The state survives instances coming and going (same groups, same weights). */
	state = artemis_route_strategy_new_state (strategy, rule, rand);
	for (guint i = 0; i < rule->groups->len; i++)
		g_ptr_array_set_size (((ArtemisServiceGroup *) g_ptr_array_index (rule->groups, i))->instances, 0);
	g_assert_null (artemis_route_strategy_choose (strategy, rule, &any_caller, state, rand));
	g_ptr_array_add (big->instances, new_instance ("svc", "r", "z", NULL, "late"));
	for (guint i = 0; i < 10; i++) {
		ArtemisInstance *instance;

		instance = artemis_route_strategy_choose (strategy, rule, &any_caller, state, rand);
		g_assert_cmpstr (artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID), ==, "late");
	}
	artemis_route_strategy_free_state (strategy, state);
}

static void
test_wrr_reproducible (void)
{
	g_autoptr (ArtemisRouteStrategy) strategy = new_weighted_round_robin ();
	g_autoptr (ArtemisRouteRule) rule = artemis_route_rule_new ("r", "weighted-round-robin");
	g_autoptr (GPtrArray) first = g_ptr_array_new ();

	add_group (rule, "svc/r/z/a", 3, 2);
	add_group (rule, "svc/r/z/b", 2, 3);
	for (guint run = 0; run < 2; run++) {
		g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
		gpointer state = artemis_route_strategy_new_state (strategy, rule, rand);

		for (guint n = 0; n < 50; n++) {
			ArtemisInstance *instance =
				artemis_route_strategy_choose (strategy, rule, &any_caller, state, rand);

			if (run == 0)
				g_ptr_array_add (first, instance);
			else
				g_assert_true (g_ptr_array_index (first, n) == instance);
		}
		artemis_route_strategy_free_state (strategy, state);
	}
}

/* ---- close by visit ---------------------------------------------------- */

static ArtemisRouteRule *
new_zoned_rule (void)
{
	ArtemisRouteRule *rule = artemis_route_rule_new ("r", "close-by-visit");

	add_group (rule, "svc/sha/sha-z1/a", 1, 2);
	add_group (rule, "svc/sha/sha-z1/b", 3, 1);
	add_group (rule, "svc/sha/sha-z2/c", 50, 2);
	add_group (rule, "svc/other/sha-z1/d", 50, 1);
	return rule;
}

static void
test_close_by_visit_stays_local (void)
{
	g_autoptr (ArtemisRouteStrategy) strategy =
		new_strategy (ARTEMIS_TYPE_CLOSE_BY_VISIT_PLUGIN, "strategy-close-by-visit");
	g_autoptr (ArtemisRouteRule) rule = new_zoned_rule ();
	/* Case-insensitive, as Java's isLocalZone. */
	const ArtemisRouteCaller z1 = { "SHA", "SHA-Z1", NULL };
	const ArtemisRouteCaller z2 = { "sha", "sha-z2", NULL };
	double shares[4];

	g_assert_cmpstr (artemis_route_strategy_get_id (strategy), ==, "close-by-visit");
	count_picks (strategy, rule, &z1, shares);
	g_assert_cmpfloat_with_epsilon (shares[0], 0.25, 0.02);
	g_assert_cmpfloat_with_epsilon (shares[1], 0.75, 0.02);
	g_assert_cmpfloat (shares[2], ==, 0.0);
	g_assert_cmpfloat (shares[3], ==, 0.0);

	count_picks (strategy, rule, &z2, shares);
	g_assert_cmpfloat (shares[2], ==, 1.0);
}

static void
test_close_by_visit_falls_back (void)
{
	g_autoptr (ArtemisRouteStrategy) strategy =
		new_strategy (ARTEMIS_TYPE_CLOSE_BY_VISIT_PLUGIN, "strategy-close-by-visit");
	g_autoptr (ArtemisRouteRule) rule = new_zoned_rule ();
	g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
	const ArtemisRouteCaller z1 = { "sha", "sha-z1", NULL };
	double shares[4];
	ArtemisInstance *instance;
	gpointer state;

	/* No local group has an instance: the others, weighted among themselves. */
	for (guint g = 0; g < 2; g++)
		g_ptr_array_set_size (((ArtemisServiceGroup *) g_ptr_array_index (rule->groups, g))->instances, 0);
	count_picks (strategy, rule, &z1, shares);
	g_assert_cmpfloat (shares[0] + shares[1], ==, 0.0);
	g_assert_cmpfloat_with_epsilon (shares[2], 0.5, 0.02);
	g_assert_cmpfloat_with_epsilon (shares[3], 0.5, 0.02);

	/* A local instance appears again: back home at once, with the same state. */
	state = artemis_route_strategy_new_state (strategy, rule, rand);
	instance = artemis_route_strategy_choose (strategy, rule, &z1, state, rand);
	g_assert_cmpuint (group_of (rule, instance), >=, 2);
	g_ptr_array_add (((ArtemisServiceGroup *) g_ptr_array_index (rule->groups, 1))->instances,
			 new_instance ("svc", "sha", "sha-z1", "b", "back"));
	for (guint n = 0; n < 100; n++) {
		instance = artemis_route_strategy_choose (strategy, rule, &z1, state, rand);
		g_assert_cmpstr (artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID), ==, "back");
	}
	artemis_route_strategy_free_state (strategy, state);
}

static void
test_group_key_is_local (void)
{
	g_assert_true (artemis_group_key_is_local ("default-group-key", "sha", "z1"));
	g_assert_true (artemis_group_key_is_local ("svc/sha", NULL, NULL));
	g_assert_true (artemis_group_key_is_local ("svc/SHA/Z1/g", "sha", "z1"));
	g_assert_false (artemis_group_key_is_local ("svc/sha/z1/g", "sha", "z2"));
	g_assert_false (artemis_group_key_is_local ("svc/sha/z1/g", "other", "z1"));
	g_assert_false (artemis_group_key_is_local ("svc/sha/z1/g", NULL, "z1"));
}

/* ---- route rules (protocol §8.2) ------------------------------------------- */

static void
test_instance_group_key (void)
{
	g_autoptr (ArtemisInstance) plain = new_instance ("Demo.Hello", "SHA", "SHA-Z1", NULL, "10.0.0.5:80");
	g_autoptr (ArtemisInstance) grouped = new_instance (" svc ", "sha", "z1", "  Blue ", "/i1");
	g_autoptr (ArtemisInstance) blank = new_instance ("svc", "", "z1", " ", "i2");
	g_autofree char *plain_key = artemis_instance_get_group_key (plain);
	g_autofree char *grouped_key = artemis_instance_get_group_key (grouped);
	g_autofree char *blank_key = artemis_instance_get_group_key (blank);

	g_assert_cmpstr (plain_key, ==, "demo.hello/sha/sha-z1/default/10.0.0.5:80");
	g_assert_cmpstr (grouped_key, ==, "svc/sha/z1/blue/i1");
	g_assert_cmpstr (blank_key, ==, "svc/z1/default/i2");
}

static ArtemisServiceGroup *
new_rule_group (ArtemisRouteRule *rule, const char *key, gboolean has_weight, gint weight)
{
	ArtemisServiceGroup *group = artemis_service_group_new (key);

	group->has_weight = has_weight;
	group->weight = weight;
	g_ptr_array_add (rule->groups, group);
	return group;
}

static GPtrArray *
strings (const char *first, ...)
{
	GPtrArray *array = g_ptr_array_new_with_free_func (g_free);
	va_list args;

	va_start (args, first);
	for (const char *s = first; s != NULL; s = va_arg (args, const char *))
		g_ptr_array_add (array, g_strdup (s));
	va_end (args);
	return array;
}

static char *
member_ids (const ArtemisServiceGroup *group)
{
	g_autoptr (GString) ids = g_string_new (NULL);

	for (guint i = 0; i < group->instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (group->instances, i);

		g_string_append_printf (ids, "%s%s", i > 0 ? "," : "",
					artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID));
	}
	return g_strdup (ids->str);
}

static void
assert_group (const ArtemisRouteRule *rule, guint index, const char *key, gint weight, const char *members)
{
	const ArtemisServiceGroup *group = g_ptr_array_index (rule->groups, index);
	g_autofree char *ids = member_ids (group);

	g_assert_cmpstr (group->group_key, ==, key);
	g_assert_true (group->has_weight);
	g_assert_cmpint (group->weight, ==, weight);
	g_assert_cmpstr (ids, ==, members);
}

static ArtemisService *
new_routed_service (void)
{
	ArtemisService *service = artemis_service_new ("svc");
	ArtemisRouteRule *rule;
	ArtemisServiceGroup *group;

	service->instances = artemis_instance_array_new (3);
	g_ptr_array_add (service->instances, new_instance ("svc", "reg", "z1", "g1", "a"));
	g_ptr_array_add (service->instances, new_instance ("svc", "reg", "z1", NULL, "b"));
	g_ptr_array_add (service->instances, new_instance ("svc", "reg", "z2", "g1", "c"));
	service->logic_instances = artemis_instance_array_new (2);
	g_ptr_array_add (service->logic_instances, new_instance ("svc", "reg", "z9", NULL, "L"));
	/* A logical instance with a real one's id: the real one wins. */
	g_ptr_array_add (service->logic_instances, new_instance ("svc", "reg", "z9", NULL, "c"));
	service->route_rules = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_route_rule_free);

	rule = artemis_route_rule_new ("r1", "close-by-visit");
	new_rule_group (rule, "SVC/REG/Z1/G1", FALSE, 0);
	group = new_rule_group (rule, "svc/reg/z1/default", TRUE, 20000);
	group->instance_ids = strings ("L", "missing", "a", NULL);
	new_rule_group (rule, "svc/reg/z8/nobody", TRUE, 3);
	group = new_rule_group (rule, "svc/reg/z2", TRUE, -1);
	group->instance_ids = strings ("c", NULL);
	new_rule_group (rule, "svc/reg/z1/g1", TRUE, 0);
	new_rule_group (rule, " ", TRUE, 1);
	g_ptr_array_add (service->route_rules, rule);

	g_ptr_array_add (service->route_rules, artemis_route_rule_new (" ", "weighted-round-robin"));
	g_ptr_array_add (service->route_rules, artemis_route_rule_new ("no-groups", "weighted-round-robin"));
	rule = artemis_route_rule_new ("no-members", "weighted-round-robin");
	new_rule_group (rule, "svc/reg/z8", TRUE, 1);
	g_ptr_array_add (service->route_rules, rule);

	rule = artemis_route_rule_new ("Canary-Route-Rule", "weighted-round-robin");
	group = new_rule_group (rule, "svc/reg/canary/app", TRUE, 5);
	group->instances = artemis_instance_array_new (1);
	g_ptr_array_add (group->instances, new_instance ("svc", "reg", "z1", NULL, "x"));
	g_ptr_array_add (service->route_rules, rule);
	return service;
}

static void
test_route_rules_compute (void)
{
	g_autoptr (ArtemisService) service = new_routed_service ();
	g_autoptr (GPtrArray) rules = artemis_route_rules_compute (service, "my-default");
	ArtemisRouteRule *rule;
	const ArtemisServiceGroup *group;

	g_assert_cmpuint (rules->len, ==, 4);
	rule = g_ptr_array_index (rules, 0);
	g_assert_cmpstr (rule->route_id, ==, "r1");
	g_assert_cmpstr (rule->strategy, ==, "close-by-visit");
	g_assert_cmpuint (rule->groups->len, ==, 4);
	assert_group (rule, 0, "SVC/REG/Z1/G1", 5, "a");
	/* instanceIds first (logical instances too), then the group-key prefix; weight capped. */
	assert_group (rule, 1, "svc/reg/z1/default", 10000, "L,a,b");
	g_assert_cmpuint (((ArtemisServiceGroup *) g_ptr_array_index (rule->groups, 1))->instance_ids->len, ==, 3);
	/* Found by id and by prefix: once; the real instance, not the logical one. */
	assert_group (rule, 2, "svc/reg/z2", 5, "c");
	group = g_ptr_array_index (rule->groups, 2);
	g_assert_true (g_ptr_array_index (group->instances, 0) == g_ptr_array_index (service->instances, 2));
	/* Weight 0 is a weight. */
	assert_group (rule, 3, "svc/reg/z1/g1", 0, "a");

	/* Kept with no groups left (step 4). */
	rule = g_ptr_array_index (rules, 1);
	g_assert_cmpstr (rule->route_id, ==, "no-members");
	g_assert_cmpuint (rule->groups->len, ==, 0);

	/* The canary rule's server-provided instances join its groups. */
	rule = g_ptr_array_index (rules, 2);
	g_assert_cmpstr (rule->route_id, ==, "Canary-Route-Rule");
	assert_group (rule, 0, "svc/reg/canary/app", 5, "x");

	rule = g_ptr_array_index (rules, 3);
	g_assert_cmpstr (rule->route_id, ==, "default-route-rule");
	g_assert_cmpstr (rule->strategy, ==, "my-default");
	g_assert_cmpuint (rule->groups->len, ==, 1);
	/* Real instances only. */
	assert_group (rule, 0, "default-group-key", 5, "a,b,c");
	g_assert_true (artemis_route_rules_find (rules, "DEFAULT-route-rule") == rule);
	g_assert_null (artemis_route_rules_find (rules, "nope"));

	/* The input is not touched. */
	group = g_ptr_array_index (((ArtemisRouteRule *) g_ptr_array_index (service->route_rules, 0))->groups, 1);
	g_assert_null (group->instances);
	g_assert_cmpint (group->weight, ==, 20000);
}

static void
test_route_rules_own_default (void)
{
	g_autoptr (ArtemisService) service = new_routed_service ();
	g_autoptr (ArtemisService) empty = artemis_service_new ("svc");
	g_autoptr (GPtrArray) rules = NULL;
	g_autoptr (GPtrArray) empty_rules = NULL;
	ArtemisRouteRule *rule = artemis_route_rule_new ("Default-Route-Rule", "close-by-visit");
	const ArtemisServiceGroup *group;

	new_rule_group (rule, "svc/reg/z2", FALSE, 0);
	g_ptr_array_add (service->route_rules, rule);
	rules = artemis_route_rules_compute (service, "weighted-round-robin");
	g_assert_cmpuint (rules->len, ==, 4);
	rule = g_ptr_array_index (rules, 3);
	g_assert_cmpstr (rule->route_id, ==, "Default-Route-Rule");
	assert_group (rule, 0, "svc/reg/z2", 5, "c");

	/* An unknown service still has the default rule, with an empty group. */
	empty_rules = artemis_route_rules_compute (empty, "weighted-round-robin");
	g_assert_cmpuint (empty_rules->len, ==, 1);
	group = g_ptr_array_index (((ArtemisRouteRule *) g_ptr_array_index (empty_rules, 0))->groups, 0);
	g_assert_cmpuint (group->instances->len, ==, 0);
}

/* ---- the loader -------------------------------------------------------- */

static const ArtemisPluginInfo *
find_info (ArtemisPluginLoader *loader, const char *name, guint nth)
{
	GPtrArray *infos = artemis_plugin_loader_get_infos (loader);

	for (guint i = 0; i < infos->len; i++) {
		const ArtemisPluginInfo *info = g_ptr_array_index (infos, i);

		if (g_str_equal (info->name, name) && nth-- == 0)
			return info;
	}
	g_assert_not_reached ();
}

static void
assert_skipped (ArtemisPluginLoader *loader, const char *name, const char *reason_pattern)
{
	const ArtemisPluginInfo *info = find_info (loader, name, 0);

	g_assert_cmpint (info->status, ==, ARTEMIS_PLUGIN_STATUS_SKIPPED);
	g_assert_cmpuint (info->type, ==, G_TYPE_INVALID);
	if (!g_pattern_match_simple (reason_pattern, info->reason))
		g_error ("%s skipped because “%s”, expected “%s”", name, info->reason, reason_pattern);
}

static void
expect_skip (const char *name, const char *reason_pattern)
{
	g_autofree char *pattern = g_strdup_printf ("Skipping plugin */%s.so: %s", name, reason_pattern);

	g_test_expect_message ("Artemis", G_LOG_LEVEL_WARNING, pattern);
}

/*
 * Every way a plugin file can be bad, next to a good plugin, in one scan:
 * modules are loaded once per process, so this runs once.
 */
static void
test_loader_checks (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = plugin_fixtures_make_dir ();
	g_autofree char *second = g_dir_make_tmp ("artemis-plugins-XXXXXX", &error);
	g_autofree char *good = g_build_filename (dir, "good.so", NULL);
	g_autofree char *listing = NULL;
	g_autoptr (ArtemisPluginLoader) loader = artemis_plugin_loader_new ();
	g_autoptr (GPtrArray) strategies = NULL;
	g_autofree char *wrong_version =
		g_strdup_printf ("built for plugin API version %u, this artemisd has version %u",
				 ARTEMIS_PLUGIN_API_VERSION + 1, ARTEMIS_PLUGIN_API_VERSION);
	gboolean as_root = geteuid () == 0;
	const ArtemisPluginInfo *info;

	g_assert_no_error (error);
	plugin_fixtures_add (second, "good", "good", 0755);

	artemis_plugin_loader_add_directory (loader, dir);
	artemis_plugin_loader_add_directory (loader, second);
	/* One warning per bad plugin, in name order. */
	expect_skip ("abstract", "ArtemisRouteStrategy is abstract");
	expect_skip ("group-writable", "group-writable");
	expect_skip ("link", "not a regular file");
	expect_skip ("no-symbol", "does not export artemis_plugin_query_type()");
	if (as_root)
		expect_skip ("other-owner", "owned by uid 65534, neither root nor the user running artemisd");
	expect_skip ("text", "not a loadable module: *");
	expect_skip ("world-writable", "world-writable");
	expect_skip ("wrong-type",
		     "GObject is not a discovery filter, route strategy, storage backend or replicator");
	expect_skip ("wrong-version", wrong_version);
	artemis_plugin_loader_scan (loader);
	g_test_assert_expected_messages ();

	info = find_info (loader, "good", 0);
	g_assert_cmpint (info->status, ==, ARTEMIS_PLUGIN_STATUS_LOADED);
	g_assert_cmpstr (info->path, ==, good);
	g_assert_null (info->reason);
	g_assert_cmpint (info->kind, ==, ARTEMIS_PLUGIN_KIND_ROUTE_STRATEGY);
	g_assert_cmpstr (g_type_name (info->type), ==, "TestGoodStrategy");
	/* The same name later in the search path is not even opened. */
	info = find_info (loader, "good", 1);
	g_assert_cmpint (info->status, ==, ARTEMIS_PLUGIN_STATUS_SKIPPED);
	g_assert_true (g_str_has_prefix (info->reason, "shadowed by "));
	g_assert_true (g_str_has_suffix (info->reason, good));

	assert_skipped (loader, "abstract", "ArtemisRouteStrategy is abstract");
	assert_skipped (loader, "group-writable", "group-writable");
	assert_skipped (loader, "link", "not a regular file");
	assert_skipped (loader, "no-symbol", "does not export artemis_plugin_query_type()");
	assert_skipped (loader, "text", "not a loadable module: *text.so*");
	assert_skipped (loader, "world-writable", "world-writable");
	assert_skipped (loader, "wrong-type",
			"GObject is not a discovery filter, route strategy, storage backend or replicator");
	assert_skipped (loader, "wrong-version", wrong_version);
	g_assert_cmpuint (artemis_plugin_loader_get_infos (loader)->len, ==, as_root ? 11 : 10);

	listing = artemis_plugin_loader_describe (loader);
	g_assert_nonnull (strstr (listing, "  loaded    good                             route-strategy    "));
	g_assert_nonnull (strstr (listing, "  skipped   world-writable                   -                 "));
	g_assert_nonnull (strstr (listing, "world-writable.so: world-writable\n"));

	/* The good one is set up and usable. */
	artemis_plugin_loader_setup (loader, NULL);
	strategies = artemis_plugin_loader_get_plugins_of_kind (loader, ARTEMIS_PLUGIN_KIND_ROUTE_STRATEGY);
	g_assert_cmpuint (strategies->len, ==, 1);
	g_assert_cmpstr (artemis_plugin_get_name (g_ptr_array_index (strategies, 0)), ==, "good");
	g_assert_cmpstr (artemis_plugin_get_description (g_ptr_array_index (strategies, 0)), ==,
			 "Test fixture: the first instance");

	plugin_fixtures_remove_dir (dir);
	plugin_fixtures_remove_dir (second);
}

static void
test_loader_enabled (void)
{
	g_autoptr (ArtemisPluginLoader) loader = artemis_plugin_loader_new ();
	const char *enabled[] = { "strategy-close-by-visit", "missing", NULL };
	const ArtemisPluginInfo *info;

	artemis_plugin_loader_add_builtin (loader, "strategy-weighted-round-robin",
					   ARTEMIS_TYPE_WEIGHTED_ROUND_ROBIN_PLUGIN);
	artemis_plugin_loader_add_builtin (loader, "strategy-close-by-visit", ARTEMIS_TYPE_CLOSE_BY_VISIT_PLUGIN);
	artemis_plugin_loader_set_enabled (loader, enabled);
	g_test_expect_message ("Artemis", G_LOG_LEVEL_WARNING,
			       "Plugin missing is in [plugins] enabled but was not found");
	artemis_plugin_loader_scan (loader);
	g_test_assert_expected_messages ();

	info = find_info (loader, "strategy-close-by-visit", 0);
	g_assert_cmpint (info->status, ==, ARTEMIS_PLUGIN_STATUS_LOADED);
	g_assert_null (info->path);
	info = find_info (loader, "strategy-weighted-round-robin", 0);
	g_assert_cmpint (info->status, ==, ARTEMIS_PLUGIN_STATUS_DISABLED);
	g_assert_cmpstr (info->reason, ==, "not in [plugins] enabled");
	g_assert_cmpuint (info->type, ==, G_TYPE_INVALID);
}

static void
test_loader_setup_failure (void)
{
	g_autoptr (ArtemisPluginLoader) loader = artemis_plugin_loader_new ();
	g_autoptr (GKeyFile) settings = g_key_file_new ();
	const ArtemisPluginInfo *info;

	g_assert_true (g_key_file_load_from_data (settings, "[plugin dummy]\nfail-setup=true\n", -1, 0, NULL));
	artemis_plugin_loader_add_builtin (loader, "dummy", ARTEMIS_TYPE_DUMMY_PLUGIN);
	artemis_plugin_loader_scan (loader);
	g_test_expect_message ("Artemis", G_LOG_LEVEL_WARNING,
			       "Skipping plugin dummy: setup failed: told to fail by fail-setup=true");
	artemis_plugin_loader_setup (loader, settings);
	g_test_assert_expected_messages ();
	info = find_info (loader, "dummy", 0);
	g_assert_cmpint (info->status, ==, ARTEMIS_PLUGIN_STATUS_SKIPPED);
	g_assert_cmpuint (artemis_plugin_loader_get_plugins (loader)->len, ==, 0);
}

/* ---- the filter chain -------------------------------------------------- */

typedef struct {
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisChangeLog *log;
	ArtemisRegistry *registry;
	ArtemisDiscovery *discovery;
	ArtemisPluginLoader *loader;
} ChainFixture;

static void
chain_set_up (ChainFixture *fixture, gconstpointer data)
{
	g_autoptr (GPtrArray) instances = artemis_instance_array_new (2);
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;

	fixture->config = artemis_config_new ();
	g_assert_true (artemis_config_load_data (fixture->config,
						 "[deployment]\nregion-id=sha\nzone-id=z1\n"
						 "[plugin dummy]\nlabel=zero\n"
						 "[plugin dummy:a]\nlabel=a\n"
						 "[plugin dummy:b]\nlabel=b\n",
						 &error));
	g_assert_no_error (error);
	fixture->node = artemis_node_new (fixture->config, "http://127.0.0.1:8080/");
	fixture->log = artemis_change_log_new (100);
	fixture->registry = artemis_registry_new (fixture->config, fixture->node, fixture->log);
	fixture->discovery = artemis_discovery_new (fixture->registry);
	g_ptr_array_add (instances, new_instance ("svc", "sha", "z1", NULL, "i1"));
	failed = artemis_registry_handle (fixture->registry, ARTEMIS_REGISTRY_REGISTER,
					  ARTEMIS_REGISTRY_FROM_CLIENT, instances, &error);
	g_assert_no_error (error);
	g_assert_true (failed == NULL || failed->len == 0);

	fixture->loader = artemis_plugin_loader_new ();
	artemis_plugin_loader_add_builtin (fixture->loader, "dummy", ARTEMIS_TYPE_DUMMY_PLUGIN);
	artemis_plugin_loader_add_builtin (fixture->loader, "strategy-weighted-round-robin",
					   ARTEMIS_TYPE_WEIGHTED_ROUND_ROBIN_PLUGIN);
	artemis_plugin_loader_scan (fixture->loader);
	artemis_plugin_loader_setup (fixture->loader, fixture->config->plugin_settings);
}

static void
chain_tear_down (ChainFixture *fixture, gconstpointer data)
{
	g_clear_object (&fixture->loader);
	g_clear_object (&fixture->discovery);
	g_clear_object (&fixture->registry);
	g_clear_object (&fixture->log);
	g_clear_object (&fixture->node);
	artemis_config_free (fixture->config);
}

/* The route rules of "svc" after the chain built from @order. */
static char *
run_chain (ChainFixture *fixture, const char *const *order)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) chain = artemis_plugin_loader_get_filter_chain (fixture->loader, order, &error);
	g_autoptr (ArtemisDiscoveryConfig) config = artemis_discovery_config_new ("svc");
	g_autoptr (GBytes) json = NULL;
	const char *text;

	g_assert_no_error (error);
	for (guint i = 0; i < chain->len; i++)
		artemis_discovery_add_filter (fixture->discovery, g_ptr_array_index (chain, i));
	json = artemis_discovery_get_service_json (fixture->discovery, config);
	text = strstr (g_bytes_get_data (json, NULL), "\"routeRules\":");
	g_assert_nonnull (text);
	return g_strndup (text, strstr (text, ",\"serviceId\"") - text);
}

#define DUMMY_RULE(label)                                                                                     \
	"{\"groups\":[{\"groupKey\":\"dummy/" label "\",\"instanceIds\":[\"i1\"],\"instances\":null,"         \
	"\"metadata\":null,\"weight\":5}],\"routeId\":\"dummy-" label "\",\"strategy\":\"weighted-round-robin\"}"

static void
test_chain_configured_order (ChainFixture *fixture, gconstpointer data)
{
	const char *b_then_a[] = { "dummy:b", "dummy:a", NULL };
	g_autofree char *rules = run_chain (fixture, b_then_a);

	g_assert_cmpstr (rules, ==, "\"routeRules\":[" DUMMY_RULE ("b") "," DUMMY_RULE ("a") "]");
}

/* A chain other than the one configured is refused, not served. */
static void
test_chain_bad_names (ChainFixture *fixture, gconstpointer data)
{
	static const struct {
		const char *order[4];
		const char *message;
	} cases[] = {
		{ { "dummy:b", "strategy-weighted-round-robin", NULL },
		  "[plugins] filters: strategy-weighted-round-robin is not a loaded discovery filter" },
		{ { "nope", NULL }, "[plugins] filters: nope is not a loaded discovery filter" },
		{ { "dummy:b", "dummy:a", "dummy:b", NULL }, "[plugins] filters: dummy:b is listed twice" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) chain =
			artemis_plugin_loader_get_filter_chain (fixture->loader, cases[i].order, &error);

		g_assert_null (chain);
		g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG);
		g_assert_cmpstr (error->message, ==, cases[i].message);
	}
}

static void
test_chain_reverse_order (ChainFixture *fixture, gconstpointer data)
{
	const char *a_then_b[] = { "dummy:a", "dummy:b", NULL };
	g_autofree char *rules = run_chain (fixture, a_then_b);

	g_assert_cmpstr (rules, ==, "\"routeRules\":[" DUMMY_RULE ("a") "," DUMMY_RULE ("b") "]");
}

static void
test_chain_default_order (ChainFixture *fixture, gconstpointer data)
{
	g_autofree char *rules = run_chain (fixture, NULL);

	/* Every loaded filter by name: the dummy itself, with its own settings. */
	g_assert_cmpstr (rules, ==, "\"routeRules\":[" DUMMY_RULE ("zero") "]");
}

/* ---- the kinds without plugins yet ------------------------------------- */

#define TEST_TYPE_STORAGE (test_storage_get_type ())
G_DECLARE_FINAL_TYPE (TestStorage, test_storage, TEST, STORAGE, ArtemisStorageBackend)

struct _TestStorage {
	ArtemisStorageBackend parent_instance;
	char *opened;
};

G_DEFINE_FINAL_TYPE (TestStorage, test_storage, ARTEMIS_TYPE_STORAGE_BACKEND)

static gboolean
test_storage_open (ArtemisStorageBackend *backend, const char *data_dir, GError **error)
{
	TEST_STORAGE (backend)->opened = g_strdup (data_dir);
	return TRUE;
}

static void
test_storage_finalize (GObject *object)
{
	g_free (TEST_STORAGE (object)->opened);
	G_OBJECT_CLASS (test_storage_parent_class)->finalize (object);
}

static void
test_storage_class_init (TestStorageClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = test_storage_finalize;
	ARTEMIS_STORAGE_BACKEND_CLASS (klass)->open = test_storage_open;
}

static void
test_storage_init (TestStorage *self)
{
}

/* Optional vfuncs have defaults, required ones left out are errors, not crashes. */
static void
test_storage_backend_defaults (void)
{
	g_autoptr (TestStorage) storage = g_object_new (TEST_TYPE_STORAGE, "name", "test-storage", NULL);
	ArtemisStorageBackend *backend = ARTEMIS_STORAGE_BACKEND (storage);
	g_autoptr (GPtrArray) writes = artemis_storage_write_array_new ();
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_INSTANCE_LOG);
	g_autoptr (GArray) kinds = g_array_new (FALSE, FALSE, sizeof (ArtemisStorageKind));
	g_autoptr (GError) error = NULL;
	gint64 cursor = 0;

	g_assert_cmpint (artemis_plugin_kind_for_type (TEST_TYPE_STORAGE), ==,
			 ARTEMIS_PLUGIN_KIND_STORAGE_BACKEND);
	g_assert_true (artemis_storage_backend_open (backend, "/data", &error));
	g_assert_cmpstr (storage->opened, ==, "/data");
	g_ptr_array_add (writes, artemis_storage_write_new (ARTEMIS_STORAGE_APPEND,
							    artemis_storage_record_new (ARTEMIS_STORAGE_INSTANCE_LOG)));
	g_assert_false (artemis_storage_backend_commit (backend, writes, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED);
	g_assert_cmpstr (error->message, ==, "Storage backend test-storage does not implement commit");
	g_clear_error (&error);
	g_assert_null (artemis_storage_backend_query (backend, filter, &error));
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED);
	g_assert_false (artemis_storage_backend_is_shared (backend));
	g_assert_true (artemis_storage_backend_poll_changes (backend, &cursor, kinds, NULL));
	g_assert_cmpuint (kinds->len, ==, 0);
	artemis_storage_backend_close (backend);
}

#define TEST_TYPE_REPLICATOR (test_replicator_get_type ())
G_DECLARE_FINAL_TYPE (TestReplicator, test_replicator, TEST, REPLICATOR, ArtemisReplicator)

struct _TestReplicator {
	ArtemisReplicator parent_instance;
	guint forwarded;
};

G_DEFINE_FINAL_TYPE (TestReplicator, test_replicator, ARTEMIS_TYPE_REPLICATOR)

static void
test_replicator_replicate (ArtemisReplicator *replicator, ArtemisReplicationAction action, GPtrArray *instances)
{
	if (action == ARTEMIS_REPLICATION_HEARTBEAT)
		TEST_REPLICATOR (replicator)->forwarded += instances->len;
}

static void
test_replicator_class_init (TestReplicatorClass *klass)
{
	ARTEMIS_REPLICATOR_CLASS (klass)->replicate = test_replicator_replicate;
}

static void
test_replicator_init (TestReplicator *self)
{
}

static void
on_bootstrapped (GObject *source, GAsyncResult *result, gpointer user_data)
{
	GPtrArray **instances = user_data;

	*instances = artemis_replicator_bootstrap_finish (ARTEMIS_REPLICATOR (source), result, NULL);
}

static void
test_replicator_defaults (void)
{
	g_autoptr (TestReplicator) replicator = g_object_new (TEST_TYPE_REPLICATOR, NULL);
	g_autoptr (GPtrArray) renewed = artemis_instance_array_new (1);
	g_autoptr (GPtrArray) instances = NULL;

	g_ptr_array_add (renewed, new_instance ("svc", "r", "z", NULL, "i"));
	artemis_replicator_replicate (ARTEMIS_REPLICATOR (replicator), ARTEMIS_REPLICATION_HEARTBEAT, renewed);
	g_assert_cmpuint (replicator->forwarded, ==, 1);
	g_assert_cmpstr (artemis_replication_action_to_string (ARTEMIS_REPLICATION_UNREGISTER), ==, "unregister");
	g_assert_null (artemis_replicator_get_context (ARTEMIS_REPLICATOR (replicator)));
	/* Without a bootstrap, the node starts empty. */
	artemis_replicator_bootstrap_async (ARTEMIS_REPLICATOR (replicator), NULL, on_bootstrapped, &instances);
	while (instances == NULL)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpuint (instances->len, ==, 0);
	/* No name given: the type name stands in. */
	g_assert_cmpstr (artemis_plugin_get_name (ARTEMIS_PLUGIN (replicator)), ==, "TestReplicator");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	g_test_add_func ("/artemis/plugins/weighted-round-robin/weights", test_wrr_weights);
	g_test_add_func ("/artemis/plugins/weighted-round-robin/weight-zero", test_wrr_weight_zero_never);
	g_test_add_func ("/artemis/plugins/weighted-round-robin/empty-groups", test_wrr_skips_empty_groups);
	g_test_add_func ("/artemis/plugins/weighted-round-robin/reproducible", test_wrr_reproducible);
	g_test_add_func ("/artemis/plugins/close-by-visit/stays-local", test_close_by_visit_stays_local);
	g_test_add_func ("/artemis/plugins/close-by-visit/falls-back", test_close_by_visit_falls_back);
	g_test_add_func ("/artemis/plugins/route-rules/group-key-is-local", test_group_key_is_local);
	g_test_add_func ("/artemis/plugins/route-rules/instance-group-key", test_instance_group_key);
	g_test_add_func ("/artemis/plugins/route-rules/compute", test_route_rules_compute);
	g_test_add_func ("/artemis/plugins/route-rules/own-default", test_route_rules_own_default);
	g_test_add_func ("/artemis/plugins/loader/checks", test_loader_checks);
	g_test_add_func ("/artemis/plugins/loader/enabled", test_loader_enabled);
	g_test_add_func ("/artemis/plugins/loader/setup-failure", test_loader_setup_failure);
	g_test_add ("/artemis/plugins/chain/configured-order", ChainFixture, NULL, chain_set_up,
		    test_chain_configured_order, chain_tear_down);
	g_test_add ("/artemis/plugins/chain/bad-names", ChainFixture, NULL, chain_set_up, test_chain_bad_names,
		    chain_tear_down);
	g_test_add ("/artemis/plugins/chain/reverse-order", ChainFixture, NULL, chain_set_up,
		    test_chain_reverse_order, chain_tear_down);
	g_test_add ("/artemis/plugins/chain/default-order", ChainFixture, NULL, chain_set_up,
		    test_chain_default_order, chain_tear_down);
	g_test_add_func ("/artemis/plugins/kinds/storage-backend", test_storage_backend_defaults);
	g_test_add_func ("/artemis/plugins/kinds/replicator", test_replicator_defaults);

	return g_test_run ();
}
