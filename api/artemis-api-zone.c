/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api-deferred.h"
#include "artemis-api-management.h"

/* What the handlers of this area use of the node. */
typedef struct {
	ArtemisManagement *management;
	ArtemisStorage *storage;
} ZoneApi;

/* /api/management/zone/ (protocol §3.9): a service's zone taken out of traffic and back. */

#define PREFIX "/api/management/zone/"
#define OPERATE_FAILED "operate zone-operations failed."

/* Java checks the list but not who writes; we do both (every write is audited). */
static gboolean
check_zone_operations (const ArtemisManagementRequest *decoded, guint max_items, GError **error)
{
	GPtrArray *list = decoded->zone_operations_list;

	if (list == NULL || list->len == 0) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "zoneOperationsList is null or empty");
		return FALSE;
	}
	if (!artemis_check_batch_size (list->len, max_items, error))
		return FALSE;
	for (guint i = 0; i < list->len; i++) {
		const ArtemisOperations *operations = g_ptr_array_index (list, i);
		const char *missing = operations == NULL	  ? "zoneOperations"
				      : operations->key == NULL ? "zoneKey"
								: NULL;

		if (missing != NULL) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s is null", missing);
			return FALSE;
		}
		if (!artemis_operations_check (operations, error))
			return FALSE;
	}
	return artemis_operation_check_operator (decoded->operator_id, decoded->token, error);
}

static void
on_operate_zone_operations (ArtemisRequest *request, gpointer user_data)
{
	ZoneApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (GError) error = NULL;

	if (decoded == NULL)
		return;
	if (!artemis_management_check_writable (api->management, &error)) {
		artemis_api_management_reply_error (request, error, NULL, NULL);
		return;
	}
	if (!check_zone_operations (decoded, artemis_management_get_max_batch_size (api->management), &error)) {
		g_prefix_error (&error, OPERATE_FAILED);
		artemis_api_management_reply_error (request, error, NULL, NULL);
		return;
	}
	artemis_api_management_write (request, api->management, decoded->zone_operations_list, decoded->operation_complete,
				      decoded->operator_id, decoded->token, OPERATE_FAILED, TRUE);
}

/* The regionId of the request is ignored (protocol §14.2 #13). */
static void
on_get_all_zone_operations (ArtemisRequest *request, gpointer user_data)
{
	ZoneApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (GPtrArray) list = NULL;
	ArtemisJsonWriter *writer;

	if (decoded == NULL)
		return;
	list = artemis_management_list (api->management, ARTEMIS_OPERATION_TARGET_ZONE, NULL);
	writer = artemis_json_writer_new (1024);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "allZoneOperations");
	artemis_management_codec_write_operations_list (writer, list);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static GError *
null_zone_key (void)
{
	return g_error_new_literal (ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request.zoneKey is null");
}

static void
on_get_zone_operations (ArtemisRequest *request, gpointer user_data)
{
	ZoneApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);

	if (decoded == NULL)
		return;
	if (decoded->zone_key == NULL) {
		g_autoptr (GError) error = null_zone_key ();

		artemis_api_management_reply_error (request, error, "operations", NULL);
		return;
	}
	artemis_api_management_reply_operations (request,
						 artemis_management_lookup (api->management, decoded->zone_key));
}

static void
on_is_zone_down (ArtemisRequest *request, gpointer user_data)
{
	ZoneApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);

	if (decoded == NULL)
		return;
	if (decoded->zone_key == NULL) {
		g_autoptr (GError) error = null_zone_key ();

		artemis_api_management_reply_down (request, FALSE, error);
		return;
	}
	artemis_api_management_reply_down (request, artemis_management_is_down (api->management, decoded->zone_key),
					   NULL);
}

/* ---- get-zone-operations-list: from the store, as Java reads its database */

/* Zone rows grouped by ZoneKey, in the order of their first row. */
static GPtrArray *
group_by_zone (GPtrArray *records)
{
	g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_operations_free);

	for (guint i = 0; i < records->len; i++) {
		const ArtemisStorageRecord *record = g_ptr_array_index (records, i);
		g_autoptr (ArtemisOperationKey) key = artemis_operation_key_new (
			ARTEMIS_OPERATION_TARGET_ZONE,
			artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_REGION_ID),
			artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_SERVICE_ID),
			artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_ZONE_ID));
		char *identity = artemis_operation_key_get_identity (key);
		ArtemisOperations *operations = g_hash_table_lookup (index, identity);

		if (operations == NULL) {
			operations = artemis_operations_new (g_steal_pointer (&key));
			g_ptr_array_add (list, operations);
			g_hash_table_insert (index, identity, operations);
		} else {
			g_free (identity);
		}
		artemis_operations_add (operations,
					artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_OPERATION));
	}
	return list;
}

static void
on_zone_rows (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisDeferredReply *reply = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) records = artemis_storage_query_finish (ARTEMIS_STORAGE (source), result, &error);
	g_autoptr (GPtrArray) list = NULL;
	ArtemisJsonWriter *writer = artemis_json_writer_new (1024);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	if (records == NULL) {
		g_autofree char *message = g_strconcat ("get zone-operations-list failed.", error->message, NULL);

		artemis_codec_write_response_status (writer, "internal-service-error", message);
		artemis_json_writer_member_null (writer, "zoneOperationsList");
	} else {
		list = group_by_zone (records);
		artemis_codec_write_success_status (writer);
		artemis_json_writer_member (writer, "zoneOperationsList");
		artemis_management_codec_write_operations_list (writer, list);
	}
	artemis_json_writer_end_object (writer);
	artemis_deferred_reply_send (reply, writer);
}

static void
set_filter (ArtemisStorageRecord *filter, ArtemisStorageField field, const char *value)
{
	/* Blank filters are dropped (protocol §3.9). */
	if (!artemis_str_is_blank (value))
		artemis_storage_record_set_string (filter, field, value);
}

static void
on_get_zone_operations_list (ArtemisRequest *request, gpointer user_data)
{
	ZoneApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (ArtemisStorageRecord) filter = NULL;

	if (decoded == NULL)
		return;
	filter = artemis_storage_record_new (ARTEMIS_STORAGE_ZONE_OPERATION);
	set_filter (filter, ARTEMIS_STORAGE_FIELD_REGION_ID, decoded->region_id);
	set_filter (filter, ARTEMIS_STORAGE_FIELD_SERVICE_ID, decoded->service_id);
	set_filter (filter, ARTEMIS_STORAGE_FIELD_ZONE_ID, decoded->zone_id);
	artemis_storage_query_async (api->storage, filter, NULL, on_zone_rows, artemis_request_defer (request));
}

void
artemis_api_zone_add_routes (ArtemisServer *server, ArtemisManagement *management, ArtemisStorage *storage)
{
	ZoneApi *api = g_new0 (ZoneApi, 1);

	api->management = management;
	api->storage = storage;
	artemis_api_own (server, api, g_free);
	artemis_server_add_route (server, PREFIX "get-all-zone-operations.json", ARTEMIS_METHOD_POST,
				  on_get_all_zone_operations, api);
	artemis_server_add_route (server, PREFIX "get-zone-operations.json", ARTEMIS_METHOD_POST,
				  on_get_zone_operations, api);
	artemis_server_add_route (server, PREFIX "get-zone-operations-list.json", ARTEMIS_METHOD_POST,
				  on_get_zone_operations_list, api);
	artemis_server_add_route (server, PREFIX "is-zone-down.json", ARTEMIS_METHOD_POST, on_is_zone_down, api);
	artemis_server_add_write_route (server, PREFIX "operate-zone-operations.json", ARTEMIS_METHOD_POST,
					on_operate_zone_operations, api);
}
