/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-codec.h"
#include "artemis-group-codec.h"
#include "artemis-group-snapshot-private.h"
#include "artemis-route-rules.h"

#define TABLE(tables, kind) ((tables)[(kind) - ARTEMIS_GROUP_FIRST_KIND])

/* What one service gets from the group tables. */
typedef struct {
	char *service_id;           /* as the first row naming it spells it */
	GPtrArray *rules;           /* ArtemisRouteRule */
	GPtrArray *logic_instances; /* ArtemisInstance */
	GPtrArray *groups;          /* ArtemisServiceGroup, for the management view */
	GPtrArray *down_keys;       /* keys of its groups held down, in id order */
	char *signature;
} ServiceView;

static void
service_view_free (ServiceView *view)
{
	g_free (view->service_id);
	g_ptr_array_unref (view->rules);
	g_ptr_array_unref (view->logic_instances);
	g_ptr_array_unref (view->groups);
	g_ptr_array_unref (view->down_keys);
	g_free (view->signature);
	g_free (view);
}

struct _ArtemisGroupSnapshot {
	GHashTable *services;  /* lower-case service id → ServiceView */
	GHashTable *down_keys; /* group keys held down by an operation */
};

/* Per group id: its tags (key, value…) and members, as the service group carries them. */
typedef struct {
	GHashTable *tags;    /* gint64 * → GPtrArray of strings */
	GHashTable *members; /* gint64 * → GPtrArray of strings */
	GHashTable *rule_groups; /* route rule id → GPtrArray of its route-rule group rows, by id */
	GHashTable *operated;    /* group ids with an operation */
} Children;

static void
children_clear (Children *children)
{
	g_clear_pointer (&children->tags, g_hash_table_unref);
	g_clear_pointer (&children->members, g_hash_table_unref);
	g_clear_pointer (&children->rule_groups, g_hash_table_unref);
	g_clear_pointer (&children->operated, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Children, children_clear)

static GHashTable *
id_table_new (GDestroyNotify free_value)
{
	return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, free_value);
}

/* The array stored under @id in @table, created when missing. */
static GPtrArray *
array_for (GHashTable *table, gint64 id, GDestroyNotify free_element)
{
	GPtrArray *array = g_hash_table_lookup (table, &id);

	if (array == NULL) {
		array = g_ptr_array_new_with_free_func (free_element);
		g_hash_table_insert (table, g_memdup2 (&id, sizeof id), array);
	}
	return array;
}

static gint64
group_of (const ArtemisStorageRecord *row)
{
	return artemis_storage_record_get_int (row, ARTEMIS_STORAGE_FIELD_GROUP_ID);
}

static GPtrArray *
list_rows (ArtemisRecordTable *const *tables, ArtemisStorageKind kind)
{
	return artemis_record_table_list (TABLE (tables, kind));
}

static const char *
text_of (const ArtemisStorageRecord *row, ArtemisStorageField field)
{
	return artemis_storage_record_get_string (row, field);
}

static void
collect_children (Children *children, ArtemisRecordTable *const *tables)
{
	g_autoptr (GPtrArray) tags = list_rows (tables, ARTEMIS_STORAGE_GROUP_TAG);
	g_autoptr (GPtrArray) members = list_rows (tables, ARTEMIS_STORAGE_GROUP_INSTANCE);
	g_autoptr (GPtrArray) rule_groups = list_rows (tables, ARTEMIS_STORAGE_ROUTE_RULE_GROUP);
	g_autoptr (GPtrArray) operations = list_rows (tables, ARTEMIS_STORAGE_GROUP_OPERATION);

	children->tags = id_table_new ((GDestroyNotify) g_ptr_array_unref);
	children->members = id_table_new ((GDestroyNotify) g_ptr_array_unref);
	children->rule_groups = id_table_new ((GDestroyNotify) g_ptr_array_unref);
	children->operated = id_table_new (NULL);
	for (guint i = 0; i < tags->len; i++) {
		const ArtemisStorageRecord *row = g_ptr_array_index (tags, i);
		GPtrArray *pairs = array_for (children->tags, group_of (row), g_free);

		g_ptr_array_add (pairs, g_strdup (text_of (row, ARTEMIS_STORAGE_FIELD_TAG)));
		g_ptr_array_add (pairs, g_strdup (text_of (row, ARTEMIS_STORAGE_FIELD_VALUE)));
	}
	for (guint i = 0; i < members->len; i++) {
		const ArtemisStorageRecord *row = g_ptr_array_index (members, i);

		g_ptr_array_add (array_for (children->members, group_of (row), g_free),
				 g_strdup (artemis_storage_record_get_string (row, ARTEMIS_STORAGE_FIELD_INSTANCE_ID)));
	}
	for (guint i = 0; i < rule_groups->len; i++) {
		const ArtemisStorageRecord *row = g_ptr_array_index (rule_groups, i);
		gint64 rule_id = artemis_storage_record_get_int (row, ARTEMIS_STORAGE_FIELD_ROUTE_RULE_ID);

		g_ptr_array_add (array_for (children->rule_groups, rule_id, NULL), (gpointer) row);
	}
	for (guint i = 0; i < operations->len; i++) {
		gint64 id = group_of (g_ptr_array_index (operations, i));

		g_hash_table_add (children->operated, g_memdup2 (&id, sizeof id));
	}
}

static GPtrArray *
copy_strings (GPtrArray *strings)
{
	GPtrArray *copy;

	if (strings == NULL)
		return NULL;
	copy = g_ptr_array_new_full (strings->len, g_free);
	for (guint i = 0; i < strings->len; i++)
		g_ptr_array_add (copy, g_strdup (g_ptr_array_index (strings, i)));
	return copy;
}

static char *
group_key (const ArtemisStorageRecord *group)
{
	return artemis_group_key_build (artemis_storage_record_get_string (group, ARTEMIS_STORAGE_FIELD_SERVICE_ID),
					artemis_storage_record_get_string (group, ARTEMIS_STORAGE_FIELD_REGION_ID),
					artemis_storage_record_get_string (group, ARTEMIS_STORAGE_FIELD_ZONE_ID),
					artemis_storage_record_get_string (group, ARTEMIS_STORAGE_FIELD_NAME));
}

/* A group as the management view and route rules show it: key, tags, members (NULL when none). */
static ArtemisServiceGroup *
service_group_new (const ArtemisStorageRecord *group, const Children *children)
{
	g_autofree char *key = group_key (group);
	ArtemisServiceGroup *result = artemis_service_group_new (key);

	result->metadata = copy_strings (g_hash_table_lookup (children->tags, &group->id));
	result->instance_ids = copy_strings (g_hash_table_lookup (children->members, &group->id));
	return result;
}

static ServiceView *
view_for (GHashTable *services, const char *service_id)
{
	g_autofree char *key = artemis_id_to_key (service_id != NULL ? service_id : "");
	ServiceView *view = g_hash_table_lookup (services, key);

	if (view == NULL) {
		view = g_new0 (ServiceView, 1);
		view->service_id = g_strdup (service_id);
		view->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_route_rule_free);
		view->logic_instances = artemis_instance_array_new (0);
		view->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_service_group_free);
		view->down_keys = g_ptr_array_new_with_free_func (g_free);
		g_hash_table_insert (services, g_steal_pointer (&key), view);
	}
	return view;
}

/* Protocol §8.1: the rule's groups that exist and are active, released weight fixed. */
static ArtemisRouteRule *
route_rule_new (const ArtemisStorageRecord *rule, ArtemisRecordTable *const *tables, const Children *children)
{
	ArtemisRouteRule *result =
		artemis_route_rule_new (artemis_storage_record_get_string (rule, ARTEMIS_STORAGE_FIELD_NAME),
					artemis_storage_record_get_string (rule, ARTEMIS_STORAGE_FIELD_STRATEGY));
	GPtrArray *rows = g_hash_table_lookup (children->rule_groups, &rule->id);

	for (guint i = 0; rows != NULL && i < rows->len; i++) {
		const ArtemisStorageRecord *row = g_ptr_array_index (rows, i);
		const ArtemisStorageRecord *group =
			artemis_record_table_get (TABLE (tables, ARTEMIS_STORAGE_SERVICE_GROUP), group_of (row));
		ArtemisServiceGroup *served;

		if (group == NULL || !artemis_group_row_is_active (group))
			continue;
		served = service_group_new (group, children);
		served->has_weight = artemis_storage_record_is_set (row, ARTEMIS_STORAGE_FIELD_WEIGHT);
		served->weight = artemis_storage_record_get_int (row, ARTEMIS_STORAGE_FIELD_WEIGHT);
		served->weight = artemis_service_group_get_fixed_weight (served);
		served->has_weight = TRUE;
		g_ptr_array_add (result->groups, served);
	}
	return result;
}

static void
add_rules (GHashTable *services, ArtemisRecordTable *const *tables, const Children *children)
{
	g_autoptr (GPtrArray) rules = artemis_record_table_list (TABLE (tables, ARTEMIS_STORAGE_ROUTE_RULE));

	for (guint i = 0; i < rules->len; i++) {
		const ArtemisStorageRecord *rule = g_ptr_array_index (rules, i);
		g_autoptr (ArtemisRouteRule) served = NULL;

		if (!artemis_group_row_is_active (rule))
			continue;
		served = route_rule_new (rule, tables, children);
		/* Protocol §8.1: a rule left without groups is not served. */
		if (served->groups->len > 0)
			g_ptr_array_add (view_for (services, text_of (rule, ARTEMIS_STORAGE_FIELD_SERVICE_ID))->rules,
					 g_steal_pointer (&served));
	}
}

/* Every group not deleted, into its service's view; the keys of those with an operation into @down. */
static void
add_groups (GHashTable *services, GHashTable *down, ArtemisRecordTable *const *tables, const Children *children)
{
	g_autoptr (GPtrArray) groups = artemis_record_table_list (TABLE (tables, ARTEMIS_STORAGE_SERVICE_GROUP));

	for (guint i = 0; i < groups->len; i++) {
		const ArtemisStorageRecord *group = g_ptr_array_index (groups, i);
		ServiceView *view;

		if (artemis_storage_record_get_boolean (group, ARTEMIS_STORAGE_FIELD_DELETED))
			continue;
		view = view_for (services, artemis_storage_record_get_string (group, ARTEMIS_STORAGE_FIELD_SERVICE_ID));
		g_ptr_array_add (view->groups, service_group_new (group, children));
		if (g_hash_table_contains (children->operated, &group->id)) {
			g_ptr_array_add (view->down_keys, group_key (group));
			g_hash_table_add (down, group_key (group));
		}
	}
}

static const struct {
	ArtemisStorageField field;
	ArtemisInstanceField instance_field;
} logic_fields[] = {
	{ ARTEMIS_STORAGE_FIELD_GROUP_NAME, ARTEMIS_INSTANCE_GROUP_ID },
	{ ARTEMIS_STORAGE_FIELD_HEALTH_CHECK_URL, ARTEMIS_INSTANCE_HEALTH_CHECK_URL },
	{ ARTEMIS_STORAGE_FIELD_INSTANCE_ID, ARTEMIS_INSTANCE_INSTANCE_ID },
	{ ARTEMIS_STORAGE_FIELD_IP, ARTEMIS_INSTANCE_IP },
	{ ARTEMIS_STORAGE_FIELD_MACHINE_NAME, ARTEMIS_INSTANCE_MACHINE_NAME },
	{ ARTEMIS_STORAGE_FIELD_PROTOCOL, ARTEMIS_INSTANCE_PROTOCOL },
	{ ARTEMIS_STORAGE_FIELD_REGION_ID, ARTEMIS_INSTANCE_REGION_ID },
	{ ARTEMIS_STORAGE_FIELD_SERVICE_ID, ARTEMIS_INSTANCE_SERVICE_ID },
	{ ARTEMIS_STORAGE_FIELD_URL, ARTEMIS_INSTANCE_URL },
	{ ARTEMIS_STORAGE_FIELD_ZONE_ID, ARTEMIS_INSTANCE_ZONE_ID },
};

/* A logical instance as discovery serves it (protocol §7.2 step 1): status `up`, unparsable metadata `{}`. */
static ArtemisInstance *
logic_instance_new (ArtemisInstanceBuilder *builder, const ArtemisStorageRecord *row)
{
	g_autoptr (GPtrArray) metadata =
		artemis_group_codec_parse_metadata (
		artemis_storage_record_get_string (row, ARTEMIS_STORAGE_FIELD_METADATA));

	for (gsize i = 0; i < G_N_ELEMENTS (logic_fields); i++)
		artemis_instance_builder_set (builder, logic_fields[i].instance_field,
					      artemis_storage_record_get_string (row, logic_fields[i].field));
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_STATUS, "up");
	artemis_instance_builder_set_port (builder, artemis_storage_record_get_int (row, ARTEMIS_STORAGE_FIELD_PORT));
	artemis_instance_builder_begin_metadata (builder);
	for (guint i = 0; metadata != NULL && i + 1 < metadata->len; i += 2)
		artemis_instance_builder_set_metadata (builder, g_ptr_array_index (metadata, i),
						       g_ptr_array_index (metadata, i + 1));
	return artemis_instance_builder_end (builder);
}

static void
add_logic_instances (GHashTable *services, ArtemisRecordTable *const *tables)
{
	g_autoptr (GPtrArray) rows = artemis_record_table_list (TABLE (tables, ARTEMIS_STORAGE_SERVICE_INSTANCE));
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	for (guint i = 0; i < rows->len; i++) {
		const ArtemisStorageRecord *row = g_ptr_array_index (rows, i);
		ServiceView *view =
			view_for (services, artemis_storage_record_get_string (row, ARTEMIS_STORAGE_FIELD_SERVICE_ID));

		g_ptr_array_add (view->logic_instances, logic_instance_new (builder, row));
	}
}

/*
 * What a subscriber would see change (protocol §9.10): the served rules (with
 * tags, which Java leaves out, §14.2 #18), the logical instances and the
 * groups held down.
 */
static char *
signature (const ServiceView *view)
{
	ArtemisService service = { NULL, NULL, view->logic_instances, view->rules };
	ArtemisJsonWriter *writer;

	/* Nothing served is the same as no view: a group alone pushes nothing. */
	if (view->rules->len == 0 && view->logic_instances->len == 0 && view->down_keys->len == 0)
		return NULL;
	writer = artemis_json_writer_new (1024);
	artemis_json_writer_begin_array (writer);
	artemis_codec_write_service (writer, &service);
	for (guint i = 0; i < view->down_keys->len; i++)
		artemis_json_writer_string (writer, g_ptr_array_index (view->down_keys, i));
	artemis_json_writer_end_array (writer);
	return artemis_json_writer_free_to_string (writer);
}

ArtemisGroupSnapshot *
artemis_group_snapshot_new (ArtemisRecordTable *const *tables)
{
	ArtemisGroupSnapshot *snapshot = g_new0 (ArtemisGroupSnapshot, 1);
	g_auto (Children) children = { NULL };
	GHashTableIter iter;
	gpointer view;

	snapshot->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						    (GDestroyNotify) service_view_free);
	snapshot->down_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	collect_children (&children, tables);
	add_rules (snapshot->services, tables, &children);
	add_groups (snapshot->services, snapshot->down_keys, tables, &children);
	add_logic_instances (snapshot->services, tables);
	g_hash_table_iter_init (&iter, snapshot->services);
	while (g_hash_table_iter_next (&iter, NULL, &view))
		((ServiceView *) view)->signature = signature (view);
	return snapshot;
}

void
artemis_group_snapshot_free (ArtemisGroupSnapshot *snapshot)
{
	if (snapshot == NULL)
		return;
	g_hash_table_unref (snapshot->services);
	g_hash_table_unref (snapshot->down_keys);
	g_free (snapshot);
}

static ServiceView *
lookup_view (ArtemisGroupSnapshot *snapshot, const char *service_id)
{
	g_autofree char *key = artemis_id_to_key (service_id);

	return key != NULL ? g_hash_table_lookup (snapshot->services, key) : NULL;
}

GPtrArray *
artemis_group_snapshot_get_rules (ArtemisGroupSnapshot *snapshot, const char *service_id)
{
	ServiceView *view = lookup_view (snapshot, service_id);

	return view != NULL ? view->rules : NULL;
}

GPtrArray *
artemis_group_snapshot_get_logic_instances (ArtemisGroupSnapshot *snapshot, const char *service_id)
{
	ServiceView *view = lookup_view (snapshot, service_id);

	return view != NULL ? view->logic_instances : NULL;
}

GPtrArray *
artemis_group_snapshot_get_groups (ArtemisGroupSnapshot *snapshot, const char *service_id)
{
	ServiceView *view = lookup_view (snapshot, service_id);

	return view != NULL ? view->groups : NULL;
}

/*
 * Java walks a tree of the held-down group keys along the instance's group
 * key (protocol §7.3 rule 4): down when one of its `/`-prefixes is such a key.
 */
gboolean
artemis_group_snapshot_is_down (ArtemisGroupSnapshot *snapshot, const ArtemisInstance *instance)
{
	g_autofree char *path = NULL;

	if (g_hash_table_size (snapshot->down_keys) == 0)
		return FALSE;
	path = artemis_instance_get_group_key (instance);
	for (char *end = strchr (path, '/'); end != NULL; end = strchr (end + 1, '/')) {
		gboolean found;

		*end = '\0';
		found = g_hash_table_contains (snapshot->down_keys, path);
		*end = '/';
		if (found)
			return TRUE;
	}
	return g_hash_table_contains (snapshot->down_keys, path);
}

static const char *
signature_of (ArtemisGroupSnapshot *snapshot, const char *key)
{
	ServiceView *view = snapshot != NULL ? g_hash_table_lookup (snapshot->services, key) : NULL;

	return view != NULL ? view->signature : NULL;
}

/* Reports every service of @snapshot whose signature in @other differs, each once. */
static void
report_changed (ArtemisGroupSnapshot *snapshot, ArtemisGroupSnapshot *other, GHashTable *seen, GFunc func,
		gpointer user_data)
{
	GHashTableIter iter;
	gpointer key, value;

	if (snapshot == NULL)
		return;
	g_hash_table_iter_init (&iter, snapshot->services);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		ServiceView *view = value;

		if (g_strcmp0 (view->signature, signature_of (other, key)) != 0 && g_hash_table_add (seen, key))
			func (view->service_id, user_data);
	}
}

void
artemis_group_snapshot_foreach_changed (ArtemisGroupSnapshot *old, ArtemisGroupSnapshot *new, GFunc func,
					gpointer user_data)
{
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

	report_changed (new, old, seen, func, user_data);
	report_changed (old, new, seen, func, user_data);
}
