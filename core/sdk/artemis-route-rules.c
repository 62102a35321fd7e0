/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-route-rules.h"

gint
artemis_service_group_get_fixed_weight (const ArtemisServiceGroup *group)
{
	if (!group->has_weight || group->weight < 0)
		return ARTEMIS_GROUP_WEIGHT_DEFAULT;
	return MIN (group->weight, ARTEMIS_GROUP_WEIGHT_MAX);
}

/* caravan's path join: parts trimmed, blank ones skipped, one `/` between. */
static void
append_path_part (GString *path, const char *part)
{
	g_autofree char *trimmed = g_strstrip (g_strdup (part != NULL ? part : ""));
	const char *start = trimmed;

	if (path->len > 0) {
		while (*start == '/')
			start++;
	}
	if (*start == '\0')
		return;
	if (path->len > 0 && path->str[path->len - 1] != '/')
		g_string_append_c (path, '/');
	g_string_append (path, start);
}

char *
artemis_instance_get_group_key (const ArtemisInstance *instance)
{
	const char *group_id = artemis_instance_get (instance, ARTEMIS_INSTANCE_GROUP_ID);
	g_autoptr (GString) path = g_string_new (NULL);

	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_SERVICE_ID));
	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_REGION_ID));
	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_ZONE_ID));
	append_path_part (path, artemis_str_is_blank (group_id) ? "default" : group_id);
	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID));
	return artemis_id_to_key (path->str);
}

char *
artemis_group_key_build (const char *service_id, const char *region_id, const char *zone_id, const char *name)
{
	g_autoptr (GString) path = g_string_new (NULL);

	append_path_part (path, service_id);
	append_path_part (path, region_id);
	append_path_part (path, zone_id);
	append_path_part (path, name);
	return artemis_id_to_key (path->str);
}

static gboolean
same_ignoring_case (const char *a, const char *b)
{
	g_autofree char *key_a = artemis_id_to_key (a);
	g_autofree char *key_b = artemis_id_to_key (b);

	return key_a != NULL && key_b != NULL && g_str_equal (key_a, key_b);
}

gboolean
artemis_group_key_is_local (const char *group_key, const char *region_id, const char *zone_id)
{
	g_auto (GStrv) parts = g_strsplit (group_key != NULL ? group_key : "", "/", 4);

	if (g_strv_length (parts) < 3)
		return TRUE;
	return same_ignoring_case (parts[1], region_id) && same_ignoring_case (parts[2], zone_id);
}

/* What group membership is computed from (protocol §8.2 step 2). */
typedef struct {
	GPtrArray *instances;   /* the service's real instances */
	GPtrArray *group_keys;  /* group key of each, NULL for a blank instanceId */
	GHashTable *by_id;      /* instanceId (exact) → instance; real ones win */
} MemberIndex;

static const char *
instance_id (const ArtemisInstance *instance)
{
	return instance != NULL ? artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID) : NULL;
}

static void
member_index_init (MemberIndex *index, const ArtemisService *service)
{
	GPtrArray *instances = service->instances;
	GPtrArray *logic = service->logic_instances;

	index->instances = instances;
	index->group_keys = g_ptr_array_new_with_free_func (g_free);
	index->by_id = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; logic != NULL && i < logic->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (logic, i);
		const char *id = instance_id (instance);

		if (!artemis_str_is_blank (id))
			g_hash_table_insert (index->by_id, (gpointer) id, instance);
	}
	for (guint i = 0; instances != NULL && i < instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (instances, i);
		const char *id = instance_id (instance);

		if (artemis_str_is_blank (id)) {
			g_ptr_array_add (index->group_keys, NULL);
			continue;
		}
		g_hash_table_insert (index->by_id, (gpointer) id, instance);
		g_ptr_array_add (index->group_keys, artemis_instance_get_group_key (instance));
	}
}

static void
member_index_clear (MemberIndex *index)
{
	g_ptr_array_unref (index->group_keys);
	g_hash_table_unref (index->by_id);
}

/* Adds @instance unless one with its instanceId is there already (the union of step 3). */
static void
add_member (GPtrArray *members, GHashTable *seen, ArtemisInstance *instance)
{
	const char *id = instance_id (instance);

	if (artemis_str_is_blank (id) || !g_hash_table_add (seen, (gpointer) id))
		return;
	g_ptr_array_add (members, artemis_instance_ref (instance));
}

static GPtrArray *
group_members (const ArtemisServiceGroup *group, gboolean is_canary, const MemberIndex *index)
{
	GPtrArray *members = artemis_instance_array_new (0);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	g_autofree char *key = artemis_id_to_key (group->group_key);
	g_autofree char *prefix = g_strconcat (key, "/", NULL);

	for (guint i = 0; group->instance_ids != NULL && i < group->instance_ids->len; i++) {
		const char *id = g_ptr_array_index (group->instance_ids, i);
		ArtemisInstance *instance = id != NULL ? g_hash_table_lookup (index->by_id, id) : NULL;

		if (instance != NULL)
			add_member (members, seen, instance);
	}
	for (guint i = 0; i < index->group_keys->len; i++) {
		const char *instance_key = g_ptr_array_index (index->group_keys, i);

		if (instance_key != NULL && g_str_has_prefix (instance_key, prefix))
			add_member (members, seen, g_ptr_array_index (index->instances, i));
	}
	for (guint i = 0; is_canary && group->instances != NULL && i < group->instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (group->instances, i);

		if (instance != NULL)
			add_member (members, seen, instance);
	}
	return members;
}

GPtrArray *
artemis_service_group_get_members (const ArtemisService *service, const ArtemisServiceGroup *group)
{
	MemberIndex index;
	GPtrArray *members;

	member_index_init (&index, service);
	members = group_members (group, FALSE, &index);
	member_index_clear (&index);
	return members;
}

static gpointer
copy_string (gconstpointer string, gpointer unused)
{
	return g_strdup (string);
}

static GPtrArray *
copy_strings (GPtrArray *strings)
{
	return strings != NULL ? g_ptr_array_copy (strings, copy_string, NULL) : NULL;
}

static ArtemisServiceGroup *
copy_group_with_members (const ArtemisServiceGroup *group, GPtrArray *members)
{
	ArtemisServiceGroup *copy = artemis_service_group_new (group->group_key);

	copy->instance_ids = copy_strings (group->instance_ids);
	copy->metadata = copy_strings (group->metadata);
	copy->instances = g_ptr_array_ref (members);
	copy->has_weight = TRUE;
	copy->weight = artemis_service_group_get_fixed_weight (group);
	return copy;
}

static ArtemisRouteRule *
compute_rule (const ArtemisRouteRule *rule, const MemberIndex *index)
{
	ArtemisRouteRule *result = artemis_route_rule_new (rule->route_id, rule->strategy);
	gboolean is_canary = g_ascii_strcasecmp (rule->route_id, ARTEMIS_ROUTE_RULE_CANARY) == 0;

	for (guint i = 0; i < rule->groups->len; i++) {
		const ArtemisServiceGroup *group = g_ptr_array_index (rule->groups, i);
		g_autoptr (GPtrArray) members = NULL;

		if (group == NULL || artemis_str_is_blank (group->group_key))
			continue;
		members = group_members (group, is_canary, index);
		if (members->len > 0)
			g_ptr_array_add (result->groups, copy_group_with_members (group, members));
	}
	return result;
}

static ArtemisRouteRule *
new_default_rule (GPtrArray *instances, const char *strategy)
{
	ArtemisRouteRule *rule = artemis_route_rule_new (ARTEMIS_ROUTE_RULE_DEFAULT, strategy);
	ArtemisServiceGroup *group = artemis_service_group_new (ARTEMIS_GROUP_KEY_DEFAULT);

	group->has_weight = TRUE;
	group->weight = ARTEMIS_GROUP_WEIGHT_DEFAULT;
	group->instances = artemis_instance_array_new (instances != NULL ? instances->len : 0);
	for (guint i = 0; instances != NULL && i < instances->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (instances, i);

		if (instance != NULL)
			g_ptr_array_add (group->instances, artemis_instance_ref (instance));
	}
	g_ptr_array_add (rule->groups, group);
	return rule;
}

GPtrArray *
artemis_route_rules_compute (const ArtemisService *service, const char *default_strategy)
{
	GPtrArray *rules = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_route_rule_free);
	GPtrArray *given = service->route_rules;
	MemberIndex index;

	member_index_init (&index, service);
	for (guint i = 0; given != NULL && i < given->len; i++) {
		const ArtemisRouteRule *rule = g_ptr_array_index (given, i);

		/* Step 1: a rule needs a name and groups; step 4 keeps it even when no group has members. */
		if (rule == NULL || artemis_str_is_blank (rule->route_id) || rule->groups == NULL ||
		    rule->groups->len == 0)
			continue;
		g_ptr_array_add (rules, compute_rule (rule, &index));
	}
	member_index_clear (&index);
	if (artemis_route_rules_find (rules, ARTEMIS_ROUTE_RULE_DEFAULT) == NULL)
		g_ptr_array_add (rules, new_default_rule (service->instances, default_strategy));
	return rules;
}

ArtemisRouteRule *
artemis_route_rules_find (GPtrArray *rules, const char *route_id)
{
	for (guint i = 0; route_id != NULL && i < rules->len; i++) {
		ArtemisRouteRule *rule = g_ptr_array_index (rules, i);

		if (rule->route_id != NULL && g_ascii_strcasecmp (rule->route_id, route_id) == 0)
			return rule;
	}
	return NULL;
}
