/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api-deferred.h"
#include "artemis-api-management.h"

/*
 * /api/management/log/ (spec §3.7), the audit logs of instance, server and
 * zone operations: every request member is an optional equality filter,
 * case-insensitive as Java's MySQL compared; the rows come oldest first.
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
get_logs (ArtemisRequest *request, ArtemisApp *app, ArtemisStorageKind kind)
{
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (ArtemisStorageRecord) filter = NULL;

	if (decoded == NULL)
		return;
	filter = build_filter (decoded, kind);
	artemis_storage_query_async (app->storage, filter, NULL, on_rows, artemis_request_defer (request));
}

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
artemis_api_log_add_routes (ArtemisApp *app)
{
	ArtemisServer *server = app->server;

	artemis_server_add_route (server, PREFIX "instance-operation-logs.json", ARTEMIS_METHOD_POST,
				  on_instance_operation_logs, app);
	artemis_server_add_route (server, PREFIX "server-operation-logs.json", ARTEMIS_METHOD_POST,
				  on_server_operation_logs, app);
	artemis_server_add_route (server, PREFIX "zone-operation-logs.json", ARTEMIS_METHOD_POST,
				  on_zone_operation_logs, app);
}
