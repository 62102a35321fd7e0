/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api-deferred.h"
#include "artemis-api-group.h"
#include "artemis-api-management.h"

/*
 * /api/management/log/ (protocol §3.7), the audit logs of instance, server and
 * zone operations, and of groups, route rules and their groups, group
 * operations and members, and logical instances: every request member is
 * an optional equality filter, case-insensitive as Java's MySQL compared;
 * the rows come oldest first.
 */

#define PREFIX "/api/management/log/"

static const char *
request_value (const ArtemisManagementRequest *decoded, ArtemisStorageField field)
{
	switch (field) {
	case ARTEMIS_STORAGE_FIELD_REGION_ID:
		return decoded->region_id;
	case ARTEMIS_STORAGE_FIELD_SERVICE_ID:
		return decoded->service_id;
	case ARTEMIS_STORAGE_FIELD_INSTANCE_ID:
		return decoded->instance_id;
	case ARTEMIS_STORAGE_FIELD_SERVER_ID:
		return decoded->server_id;
	case ARTEMIS_STORAGE_FIELD_ZONE_ID:
		return decoded->zone_id;
	case ARTEMIS_STORAGE_FIELD_OPERATION:
		return decoded->operation;
	case ARTEMIS_STORAGE_FIELD_OPERATOR_ID:
		return decoded->operator_id;
	default:
		/* Tokens and extensions are not filters. */
		return NULL;
	}
}

/* The filter of @kind the request asks for; null and blank members are dropped. */
static ArtemisStorageRecord *
build_filter (const ArtemisManagementRequest *decoded, ArtemisStorageKind kind)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);
	ArtemisStorageRecord *filter = artemis_storage_record_new (kind);

	for (guint i = 0; i < info->n_fields; i++) {
		ArtemisStorageField field = info->fields[i];
		const char *value = request_value (decoded, field);

		if (field == ARTEMIS_STORAGE_FIELD_COMPLETE && decoded->complete != ARTEMIS_TRISTATE_NULL)
			artemis_storage_record_set_boolean (filter, field, decoded->complete == ARTEMIS_TRISTATE_TRUE);
		else if (!artemis_str_is_blank (value))
			artemis_storage_record_set_string (filter, field, value);
	}
	return filter;
}

static void
on_rows (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisDeferredReply *reply = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) records = artemis_storage_query_finish (ARTEMIS_STORAGE (source), result, &error);
	ArtemisJsonWriter *writer = artemis_json_writer_new (records != NULL ? 256 + 320 * records->len : 256);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "logs");
	if (records != NULL) {
		artemis_json_writer_begin_array (writer);
		for (guint i = 0; i < records->len; i++)
			artemis_management_codec_write_log (writer, g_ptr_array_index (records, i));
		artemis_json_writer_end_array (writer);
	} else {
		artemis_json_writer_null (writer);
	}
	artemis_json_writer_member (writer, "responseStatus");
	if (records != NULL)
		artemis_codec_write_success_status (writer);
	else
		artemis_codec_write_response_status (writer, "internal-service-error", error->message);
	artemis_json_writer_end_object (writer);
	artemis_deferred_reply_send (reply, writer);
}

static void
get_logs (ArtemisRequest *request, ArtemisStorage *storage, ArtemisStorageKind kind)
{
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (ArtemisStorageRecord) filter = NULL;

	if (decoded == NULL)
		return;
	filter = build_filter (decoded, kind);
	artemis_storage_query_async (storage, filter, NULL, on_rows, artemis_request_defer (request));
}

/* ---- the group logs ----------------------------------------------------- */

#define F(name) ARTEMIS_STORAGE_FIELD_##name

/* The filters of each group log request (spec Appendix A.5). */
typedef struct {
	ArtemisStorageKind kind;
	ArtemisStorageField filters[7];
	gsize n_filters;
} GroupLog;

static const GroupLog group_operation_logs = {
	ARTEMIS_STORAGE_GROUP_OPERATION_LOG, { F (COMPLETE), F (GROUP_ID), F (OPERATION), F (OPERATOR_ID) }, 4
};
static const GroupLog group_logs = {
	ARTEMIS_STORAGE_GROUP_LOG,
	{ F (APP_ID), F (NAME), F (OPERATION), F (OPERATOR_ID), F (REGION_ID), F (SERVICE_ID), F (ZONE_ID) },
	7
};
static const GroupLog route_rule_logs = {
	ARTEMIS_STORAGE_ROUTE_RULE_LOG, { F (NAME), F (OPERATION), F (OPERATOR_ID), F (SERVICE_ID) }, 4
};
static const GroupLog route_rule_group_logs = {
	ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG, { F (GROUP_ID), F (OPERATION), F (OPERATOR_ID), F (ROUTE_RULE_ID) }, 4
};
static const GroupLog group_instance_logs = {
	ARTEMIS_STORAGE_GROUP_INSTANCE_LOG, { F (GROUP_ID), F (INSTANCE_ID), F (OPERATION), F (OPERATOR_ID) }, 4
};
/* Java matches `operation` against the operator and `operatorId` against the operation (§14.2 #12): fixed. */
static const GroupLog service_instance_logs = {
	ARTEMIS_STORAGE_SERVICE_INSTANCE_LOG, { F (INSTANCE_ID), F (OPERATION), F (OPERATOR_ID), F (SERVICE_ID) }, 4
};

static void
get_group_logs (ArtemisRequest *request, ArtemisStorage *storage, const GroupLog *log)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisStorageRecord) decoded =
		artemis_group_request_decode_record (request->body, request->body_len, log->kind, &error);
	g_autoptr (ArtemisStorageRecord) filter = NULL;

	if (decoded == NULL) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	filter = artemis_api_group_filter (decoded, log->filters, log->n_filters);
	artemis_storage_query_async (storage, filter, NULL, on_rows, artemis_request_defer (request));
}

#define GROUP_LOG_HANDLER(name)                                              \
	static void on_##name (ArtemisRequest *request, gpointer user_data) \
	{                                                                    \
		get_group_logs (request, user_data, &name);                  \
	}

GROUP_LOG_HANDLER (group_operation_logs)
GROUP_LOG_HANDLER (group_logs)
GROUP_LOG_HANDLER (route_rule_logs)
GROUP_LOG_HANDLER (route_rule_group_logs)
GROUP_LOG_HANDLER (group_instance_logs)
GROUP_LOG_HANDLER (service_instance_logs)

/* ---- routes ------------------------------------------------------------- */

static void
on_instance_operation_logs (ArtemisRequest *request, gpointer user_data)
{
	get_logs (request, user_data, ARTEMIS_STORAGE_INSTANCE_LOG);
}

static void
on_server_operation_logs (ArtemisRequest *request, gpointer user_data)
{
	get_logs (request, user_data, ARTEMIS_STORAGE_SERVER_LOG);
}

static void
on_zone_operation_logs (ArtemisRequest *request, gpointer user_data)
{
	get_logs (request, user_data, ARTEMIS_STORAGE_ZONE_LOG);
}

void
artemis_api_log_add_routes (ArtemisServer *server, ArtemisStorage *storage)
{
	artemis_server_add_route (server, PREFIX "instance-operation-logs.json", ARTEMIS_METHOD_POST,
				  on_instance_operation_logs, storage);
	artemis_server_add_route (server, PREFIX "server-operation-logs.json", ARTEMIS_METHOD_POST,
				  on_server_operation_logs, storage);
	artemis_server_add_route (server, PREFIX "zone-operation-logs.json", ARTEMIS_METHOD_POST,
				  on_zone_operation_logs, storage);
	artemis_server_add_route (server, PREFIX "group-operation-logs.json", ARTEMIS_METHOD_POST,
				  on_group_operation_logs, storage);
	artemis_server_add_route (server, PREFIX "group-logs.json", ARTEMIS_METHOD_POST, on_group_logs, storage);
	artemis_server_add_route (server, PREFIX "route-rule-logs.json", ARTEMIS_METHOD_POST, on_route_rule_logs,
				  storage);
	artemis_server_add_route (server, PREFIX "route-rule-group-logs.json", ARTEMIS_METHOD_POST,
				  on_route_rule_group_logs, storage);
	artemis_server_add_route (server, PREFIX "group-instance-logs.json", ARTEMIS_METHOD_POST,
				  on_group_instance_logs, storage);
	artemis_server_add_route (server, PREFIX "service-instance-logs.json", ARTEMIS_METHOD_POST,
				  on_service_instance_logs, storage);
}
