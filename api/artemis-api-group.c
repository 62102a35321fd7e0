/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-api-common.h"
#include "artemis-api-group.h"
#include "artemis-api-management.h"

/*
 * /api/management/group/ (protocol §3.8): the 32 endpoints of groups, route
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
	const char *failure; /* Java's message, kept verbatim (protocol §14.2 #20) */
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
	/* The `regionId` of the get-all reads is ignored (protocol §14.2 #13). */
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
	/* `groupId` is ignored, as in Java (protocol §14.2 #13). */
	FILTERED ("get-groups.json", SERVICE_GROUP, "groups", FALSE, 6, F (SERVICE_ID), F (REGION_ID), F (ZONE_ID),
		  F (NAME), F (APP_ID), F (STATUS)),
	/* Tags are written without an operation context or a log (protocol §3.8). */
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

/* A group write waiting for its turn. */
typedef struct {
	ArtemisGroups *groups;
	ArtemisGroupRequest *request;
	ArtemisGroupWriteFunc prepare;
} GroupWrite;

static void
group_write_free (GroupWrite *write)
{
	g_object_unref (write->groups);
	artemis_group_request_free (write->request);
	g_free (write);
}

static GPtrArray *
prepare_group_write (gpointer data, GError **error)
{
	GroupWrite *write = data;

	return write->prepare (write->groups, write->request, error);
}

void
artemis_api_group_write (ArtemisRequest *request, ArtemisManagement *management, ArtemisStorageKind kind,
			 ArtemisGroupWriteFunc prepare, gboolean checks_context, const char *failure)
{
	ArtemisGroups *groups = artemis_management_get_groups (management);
	g_autoptr (ArtemisGroupRequest) decoded = NULL;
	guint new_rows[ARTEMIS_STORAGE_N_KINDS];
	ArtemisWriteAudit audit = { NULL };
	GroupWrite *write;
	GError *error = NULL;

	decoded = artemis_group_request_decode (request->body, request->body_len, kind, &error);
	if (decoded == NULL) {
		artemis_api_reply_bad_body (request, error);
		g_error_free (error);
		return;
	}
	if (!artemis_group_request_check_size (decoded, artemis_management_get_max_batch_size (management), &error)) {
		reply_error (request, error, failure);
		return;
	}
	/* The node first, as Java checks it. */
	if (!artemis_management_check_writable (management, &error)) {
		reply_error (request, error, NULL);
		return;
	}
	if (checks_context && !artemis_operation_context_check (&decoded->context, &error)) {
		reply_error (request, error, failure);
		return;
	}
	artemis_group_writes_count_new_rows (decoded, new_rows);
	audit.operator_id = decoded->context.operator_id;
	audit.operation = decoded->context.operation;
	write = g_new0 (GroupWrite, 1);
	write->groups = g_object_ref (groups);
	write->request = g_steal_pointer (&decoded);
	write->prepare = prepare;
	artemis_api_management_submit (request, management, new_rows, prepare_group_write, write,
				       (GDestroyNotify) group_write_free, failure, FALSE, &audit);
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
write_status (ArtemisJsonWriter *writer, gboolean limited)
{
	artemis_json_writer_member (writer, "responseStatus");
	if (limited)
		artemis_json_writer_raw (writer, ARTEMIS_RATE_LIMITED_STATUS, strlen (ARTEMIS_RATE_LIMITED_STATUS));
	else
		artemis_codec_write_success_status (writer);
}

/* A read; over its rate limit (@rate_identity not NULL) the payload is null. */
static void
read_rows (ArtemisRequest *request, ArtemisManagement *management, const GroupEndpoint *endpoint,
	   ArtemisRateLimits *limits, const char *rate_identity)
{
	g_autoptr (ArtemisGroupRequest) decoded = NULL;
	g_autoptr (GError) error = NULL;
	gboolean payload_first = strcmp (endpoint->payload, "responseStatus") < 0;
	gboolean limited;
	ArtemisJsonWriter *writer;

	decoded = artemis_group_request_decode (request->body, request->body_len, endpoint->kind, &error);
	if (decoded == NULL) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	limited = rate_identity != NULL &&
		  !artemis_rate_limits_allow (limits, ARTEMIS_RATE_LIMITER_MANAGEMENT_GROUP, rate_identity);
	writer = artemis_json_writer_new (4096);
	artemis_json_writer_begin_object (writer);
	if (!payload_first)
		write_status (writer, limited);
	if (limited)
		artemis_json_writer_member_null (writer, endpoint->payload);
	else {
		artemis_json_writer_member (writer, endpoint->payload);
		write_payload (writer, artemis_management_get_groups (management), endpoint, decoded->filter);
	}
	if (payload_first)
		write_status (writer, limited);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

/* ---- routes ------------------------------------------------------------ */

typedef struct {
	ArtemisManagement *management;
	const GroupEndpoint *endpoint;
	ArtemisRateLimits *limits;
	const char *rate_identity; /* of artemis.service.management.group (protocol §3.8), or NULL */
} Binding;

/* The three reads Java limits, and their limiter identities. */
static const char *
rate_identity_of (const GroupEndpoint *endpoint)
{
	static const char *const limited[][2] = {
		{ "get-route-rules.json", "get.route-rules" },
		{ "get-route-rule-groups.json", "get.route-rule-groups" },
		{ "get-groups.json", "get.groups" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (limited); i++) {
		if (g_str_equal (endpoint->name, limited[i][0]))
			return limited[i][1];
	}
	return NULL;
}

static void
on_group_request (ArtemisRequest *request, gpointer user_data)
{
	const Binding *binding = user_data;
	const GroupEndpoint *endpoint = binding->endpoint;

	if (endpoint->write != NULL)
		artemis_api_group_write (request, binding->management, endpoint->kind, endpoint->write,
					 endpoint->checks_context, endpoint->failure);
	else
		read_rows (request, binding->management, endpoint, binding->limits, binding->rate_identity);
}

void
artemis_api_group_add_routes (ArtemisServer *server, ArtemisManagement *management, ArtemisRateLimits *limits)
{
	GArray *bindings = g_array_sized_new (FALSE, FALSE, sizeof (Binding), G_N_ELEMENTS (endpoints));

	g_array_set_size (bindings, G_N_ELEMENTS (endpoints));
	for (gsize i = 0; i < G_N_ELEMENTS (endpoints); i++) {
		Binding *binding = &g_array_index (bindings, Binding, i);
		g_autofree char *path = g_strconcat (PREFIX, endpoints[i].name, NULL);

		binding->management = management;
		binding->endpoint = &endpoints[i];
		binding->limits = limits;
		binding->rate_identity = rate_identity_of (&endpoints[i]);
		if (endpoints[i].write != NULL)
			artemis_server_add_write_route (server, path, ARTEMIS_METHOD_POST, on_group_request, binding);
		else
			artemis_server_add_route (server, path, ARTEMIS_METHOD_POST, on_group_request, binding);
	}
	/* The handlers' data lives as long as the server that calls them. */
	artemis_api_own (server, bindings, (GDestroyNotify) g_array_unref);
}
