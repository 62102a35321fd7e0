/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-api-common.h"
#include "artemis-api-group.h"
#include "artemis-api-management.h"

/*
 * /api/management/group/ (spec §3.8): the 32 endpoints of groups, route
 * rules and their groups, tags, group operations, members and logical
 * instances, as one table. Writes answer once durable, without Java's
 * 2-second wait; reads come from the node's state, which mirrors the store
 * (docs/compatibility.md).
 */

#define PREFIX "/api/management/group/"
#define F(name) ARTEMIS_STORAGE_FIELD_##name
#define MAX_FILTERS 6

typedef enum {
	SHAPE_ROWS,           /* the rows matching the filters */
	SHAPE_ITEMS,          /* every GroupTags or GroupOperations */
	SHAPE_ITEMS_OF_GROUP, /* the GroupTags or GroupOperations of `groupId`, or null */
} ReadShape;

typedef struct {
	const char *name;
	ArtemisStorageKind kind; /* of the top-level members, and of the rows a read returns */
	/* A write: */
	ArtemisGroupWriteFunc write;
	gboolean checks_context;
	const char *failure; /* Java's message, kept verbatim (spec §14.2 #20) */
	/* A read: */
	const char *payload;
	ReadShape shape;
	gboolean id_filter; /* whether the request's row id filters (`routeRuleId`…) */
	ArtemisStorageField filters[MAX_FILTERS];
	gsize n_filters;
} GroupEndpoint;

#define WRITE(path, row_kind, func, context, message)                                                       \
	{ .name = path, .kind = ARTEMIS_STORAGE_##row_kind, .write = artemis_group_writes_##func,           \
	  .checks_context = context, .failure = message }
#define READ(path, row_kind, member, read_shape)                                                            \
	{ .name = path, .kind = ARTEMIS_STORAGE_##row_kind, .payload = member, .shape = read_shape }
#define FILTERED(path, row_kind, member, by_id, n, ...)                                                     \
	{ .name = path, .kind = ARTEMIS_STORAGE_##row_kind, .payload = member, .shape = SHAPE_ROWS,          \
	  .id_filter = by_id, .filters = { __VA_ARGS__ }, .n_filters = n }

static const GroupEndpoint endpoints[] = {
	WRITE ("insert-route-rules.json", ROUTE_RULE, upsert_rules, TRUE, "insert route-rules failed."),
	WRITE ("update-route-rules.json", ROUTE_RULE, upsert_rules, TRUE, "update route-rules failed."),
	WRITE ("delete-route-rules.json", ROUTE_RULE, delete_rules, TRUE, "delete route-rules failed."),
	/* The `regionId` of the get-all reads is ignored (spec §14.2 #13). */
	READ ("get-all-route-rules.json", ROUTE_RULE, "routeRules", SHAPE_ROWS),
	FILTERED ("get-route-rules.json", ROUTE_RULE, "routeRules", TRUE, 3, F (SERVICE_ID), F (NAME), F (STATUS)),
	WRITE ("insert-route-rule-groups.json", ROUTE_RULE_GROUP, upsert_rule_groups, TRUE,
	       "insert route-rule-groups failed."),
	WRITE ("update-route-rule-groups.json", ROUTE_RULE_GROUP, upsert_rule_groups, TRUE,
	       "update route-rule-groups failed."),
	/* Java's copy-paste message. */
	WRITE ("release-route-rule-groups.json", ROUTE_RULE_GROUP, release_rule_groups, TRUE,
	       "get route-rule-groups failed."),
	WRITE ("delete-route-rule-groups.json", ROUTE_RULE_GROUP, delete_rule_groups, TRUE,
	       "delete route-rule-groups failed."),
	READ ("get-all-route-rule-groups.json", ROUTE_RULE_GROUP, "routeRuleGroups", SHAPE_ROWS),
	FILTERED ("get-route-rule-groups.json", ROUTE_RULE_GROUP, "routeRuleGroups", TRUE, 2, F (ROUTE_RULE_ID),
		  F (GROUP_ID)),
	WRITE ("insert-groups.json", SERVICE_GROUP, upsert_groups, TRUE, "insert groups failed."),
	WRITE ("update-groups.json", SERVICE_GROUP, upsert_groups, TRUE, "update groups failed."),
	WRITE ("delete-groups.json", SERVICE_GROUP, delete_groups, TRUE, "delete group failed."),
	READ ("get-all-groups.json", SERVICE_GROUP, "groups", SHAPE_ROWS),
	/* `groupId` is ignored, as in Java (spec §14.2 #13). */
	FILTERED ("get-groups.json", SERVICE_GROUP, "groups", FALSE, 6, F (SERVICE_ID), F (REGION_ID), F (ZONE_ID),
		  F (NAME), F (APP_ID), F (STATUS)),
	/* Tags are written without an operation context or a log (spec §3.8). */
	WRITE ("insert-group-tags.json", GROUP_TAG, upsert_tags, FALSE, "insert group tag failed."),
	WRITE ("update-group-tags.json", GROUP_TAG, upsert_tags, FALSE, "update group tag failed."),
	WRITE ("delete-group-tags.json", GROUP_TAG, delete_tags, FALSE, "delete group-tags failed."),
	READ ("get-all-group-tags.json", GROUP_TAG, "allGroupTags", SHAPE_ITEMS),
	READ ("get-group-tags.json", GROUP_TAG, "groupTags", SHAPE_ITEMS_OF_GROUP),
	WRITE ("operate-group-operations.json", GROUP_OPERATION, operate_groups, TRUE,
	       "operate group operation failed."),
	READ ("get-all-group-operations.json", GROUP_OPERATION, "allGroupOperations", SHAPE_ITEMS),
	READ ("get-group-operations.json", GROUP_OPERATION, "groupOperations", SHAPE_ITEMS_OF_GROUP),
	WRITE ("operate-group-operation.json", SERVICE_GROUP, operate_group, TRUE, "operate group operation failed."),
	WRITE ("create-route-rule.json", ROUTE_RULE, create_rule, TRUE, "create route-rule failed."),
	WRITE ("insert-group-instances.json", GROUP_INSTANCE, insert_members, TRUE, "insert group instances failed."),
	WRITE ("delete-group-instances.json", GROUP_INSTANCE, delete_members, TRUE, "delete group instances failed."),
	FILTERED ("get-group-instances.json", GROUP_INSTANCE, "groupInstances", FALSE, 2, F (GROUP_ID),
		  F (INSTANCE_ID)),
	WRITE ("insert-service-instances.json", SERVICE_INSTANCE, upsert_logic_instances, TRUE,
	       "insert service instances failed."),
	WRITE ("delete-service-instances.json", SERVICE_INSTANCE, delete_logic_instances, TRUE,
	       "delete service instances failed."),
	FILTERED ("get-service-instances.json", SERVICE_INSTANCE, "serviceInstances", FALSE, 2, F (SERVICE_ID),
		  F (INSTANCE_ID)),
};

G_STATIC_ASSERT (G_N_ELEMENTS (endpoints) == 32);

#undef WRITE
#undef READ
#undef FILTERED

/* ---- writes ------------------------------------------------------------ */

static void
reply_error (ArtemisRequest *request, GError *error, const char *failure)
{
	if (failure != NULL)
		g_prefix_error (&error, "%s ", failure);
	artemis_api_management_reply_error (request, error, NULL, NULL);
	g_error_free (error);
}

void
artemis_api_group_write (ArtemisRequest *request, ArtemisApp *app, ArtemisStorageKind kind,
			 ArtemisGroupWriteFunc prepare, gboolean checks_context, const char *failure)
{
	ArtemisGroups *groups = artemis_management_get_groups (app->management);
	g_autoptr (ArtemisGroupRequest) decoded = NULL;
	g_autoptr (GPtrArray) writes = NULL;
	GError *error = NULL;

	decoded = artemis_group_request_decode (request->body, request->body_len, kind, &error);
	if (decoded == NULL) {
		artemis_api_reply_bad_body (request, error);
		g_error_free (error);
		return;
	}
	if (!artemis_group_request_check_size (decoded, app->config->max_batch_size, &error)) {
		reply_error (request, error, failure);
		return;
	}
	/* The node first, as Java checks it. */
	if (!artemis_management_check_writable (app->management, &error)) {
		reply_error (request, error, NULL);
		return;
	}
	if (checks_context && !artemis_operation_context_check (&decoded->context, &error)) {
		reply_error (request, error, failure);
		return;
	}
	writes = prepare (groups, decoded, &error);
	if (writes == NULL) {
		reply_error (request, error, failure);
		return;
	}
	if (writes->len == 0) {
		artemis_api_reply_status_only (request, ARTEMIS_ERROR_CODE_SUCCESS, "");
		return;
	}
	artemis_api_management_commit (request, app, writes, failure, FALSE);
}

/* ---- reads ------------------------------------------------------------- */

ArtemisStorageRecord *
artemis_api_group_filter (const ArtemisStorageRecord *decoded, const ArtemisStorageField *fields, gsize n_fields)
{
	ArtemisStorageRecord *filter = artemis_storage_record_new (decoded->kind);

	for (gsize i = 0; i < n_fields; i++) {
		ArtemisStorageField field = fields[i];
		gboolean is_text = !artemis_storage_field_is_integer (field) &&
				   !artemis_storage_field_is_boolean (field);

		if (!is_text || !artemis_str_is_blank (artemis_storage_record_get_string (decoded, field)))
			artemis_storage_record_copy_field (filter, decoded, field);
	}
	return filter;
}

static void
write_payload (ArtemisJsonWriter *writer, ArtemisGroups *groups, const GroupEndpoint *endpoint,
	       const ArtemisStorageRecord *decoded)
{
	g_autoptr (ArtemisStorageRecord) filter = artemis_api_group_filter (decoded, endpoint->filters,
									    endpoint->n_filters);
	g_autoptr (GPtrArray) rows = NULL;

	if (endpoint->id_filter)
		filter->id = decoded->id;
	if (endpoint->shape == SHAPE_ITEMS_OF_GROUP) {
		/* No group asked for: none found, as Java's cache answers a null key. */
		if (!artemis_storage_record_is_set (decoded, F (GROUP_ID))) {
			artemis_json_writer_null (writer);
			return;
		}
		artemis_storage_record_copy_field (filter, decoded, F (GROUP_ID));
	}
	rows = artemis_groups_list (groups, filter);
	if (endpoint->shape == SHAPE_ROWS)
		artemis_group_codec_write_records (writer, rows);
	else if (endpoint->shape == SHAPE_ITEMS)
		artemis_group_codec_write_group_items_list (writer, rows);
	else
		artemis_group_codec_write_group_items (writer, rows);
}

static void
read_rows (ArtemisRequest *request, ArtemisApp *app, const GroupEndpoint *endpoint)
{
	g_autoptr (ArtemisGroupRequest) decoded = NULL;
	g_autoptr (GError) error = NULL;
	gboolean payload_first = strcmp (endpoint->payload, "responseStatus") < 0;
	ArtemisJsonWriter *writer;

	decoded = artemis_group_request_decode (request->body, request->body_len, endpoint->kind, &error);
	if (decoded == NULL) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	writer = artemis_json_writer_new (4096);
	artemis_json_writer_begin_object (writer);
	if (!payload_first) {
		artemis_json_writer_member (writer, "responseStatus");
		artemis_codec_write_success_status (writer);
	}
	artemis_json_writer_member (writer, endpoint->payload);
	write_payload (writer, artemis_management_get_groups (app->management), endpoint, decoded->filter);
	if (payload_first) {
		artemis_json_writer_member (writer, "responseStatus");
		artemis_codec_write_success_status (writer);
	}
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

/* ---- routes ------------------------------------------------------------ */

typedef struct {
	ArtemisApp *app;
	const GroupEndpoint *endpoint;
} Binding;

static void
on_group_request (ArtemisRequest *request, gpointer user_data)
{
	const Binding *binding = user_data;
	const GroupEndpoint *endpoint = binding->endpoint;

	if (endpoint->write != NULL)
		artemis_api_group_write (request, binding->app, endpoint->kind, endpoint->write,
					 endpoint->checks_context, endpoint->failure);
	else
		read_rows (request, binding->app, endpoint);
}

void
artemis_api_group_add_routes (ArtemisApp *app)
{
	GArray *bindings = g_array_sized_new (FALSE, FALSE, sizeof (Binding), G_N_ELEMENTS (endpoints));

	g_array_set_size (bindings, G_N_ELEMENTS (endpoints));
	for (gsize i = 0; i < G_N_ELEMENTS (endpoints); i++) {
		Binding *binding = &g_array_index (bindings, Binding, i);
		g_autofree char *path = g_strconcat (PREFIX, endpoints[i].name, NULL);

		binding->app = app;
		binding->endpoint = &endpoints[i];
		artemis_server_add_route (app->server, path, ARTEMIS_METHOD_POST, on_group_request, binding);
	}
	/* The handlers' data lives as long as the server that calls them. */
	g_object_set_data_full (G_OBJECT (app->server), "artemis-group-bindings", bindings,
				(GDestroyNotify) g_array_unref);
}
