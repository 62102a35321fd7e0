/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "artemis-codec.h"
#include "artemis-error.h"
#include "artemis-codec-private.h"
#include "artemis-management-codec.h"

/* ---- encoders ---------------------------------------------------------- */

void
artemis_management_codec_write_key (ArtemisJsonWriter *writer, const ArtemisOperationKey *key)
{
	artemis_json_writer_begin_object (writer);
	switch (key->target) {
	case ARTEMIS_OPERATION_TARGET_INSTANCE:
		artemis_json_writer_member_string (writer, "instanceId", key->id);
		artemis_json_writer_member_string (writer, "regionId", key->region_id);
		artemis_json_writer_member_string (writer, "serviceId", key->service_id);
		break;
	case ARTEMIS_OPERATION_TARGET_SERVER:
		artemis_json_writer_member_string (writer, "regionId", key->region_id);
		artemis_json_writer_member_string (writer, "serverId", key->id);
		break;
	case ARTEMIS_OPERATION_TARGET_ZONE:
		artemis_json_writer_member_string (writer, "regionId", key->region_id);
		artemis_json_writer_member_string (writer, "serviceId", key->service_id);
		artemis_json_writer_member_string (writer, "zoneId", key->id);
		break;
	default:
		g_assert_not_reached ();
	}
	artemis_json_writer_end_object (writer);
}

static void
write_names (ArtemisJsonWriter *writer, GPtrArray *names)
{
	artemis_json_writer_member (writer, "operations");
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < names->len; i++)
		artemis_json_writer_string (writer, g_ptr_array_index (names, i));
	artemis_json_writer_end_array (writer);
}

void
artemis_management_codec_write_operations (ArtemisJsonWriter *writer, const ArtemisOperations *operations)
{
	if (operations == NULL) {
		artemis_json_writer_null (writer);
		return;
	}
	artemis_json_writer_begin_object (writer);
	/* `instanceKey` < `operations` < `serverKey`, `zoneKey`. */
	if (operations->key->target == ARTEMIS_OPERATION_TARGET_INSTANCE) {
		artemis_json_writer_member (writer, "instanceKey");
		artemis_management_codec_write_key (writer, operations->key);
		write_names (writer, operations->operations);
	} else {
		write_names (writer, operations->operations);
		artemis_json_writer_member (writer, operations->key->target == ARTEMIS_OPERATION_TARGET_SERVER
							    ? "serverKey"
							    : "zoneKey");
		artemis_management_codec_write_key (writer, operations->key);
	}
	artemis_json_writer_end_object (writer);
}

void
artemis_management_codec_write_operations_list (ArtemisJsonWriter *writer, GPtrArray *list)
{
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < list->len; i++)
		artemis_management_codec_write_operations (writer, g_ptr_array_index (list, i));
	artemis_json_writer_end_array (writer);
}

/* A member of a log record: a field of its kind, or one of the row's own columns. */
typedef struct {
	const char *name;
	gint field; /* ArtemisStorageField, or one of the below */
} LogMember;

enum {
	MEMBER_CREATE_TIME = -1,
	MEMBER_ID = -2,
	MEMBER_UPDATE_TIME = -3,
	MEMBER_FALSE = -4,
};

static gint
compare_members (gconstpointer a, gconstpointer b)
{
	return strcmp (((const LogMember *) a)->name, ((const LogMember *) b)->name);
}

static void
write_log_member (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record, const LogMember *member)
{
	switch (member->field) {
	case MEMBER_CREATE_TIME:
		artemis_json_writer_member_int (writer, member->name, record->create_time_ms);
		break;
	case MEMBER_ID:
		artemis_json_writer_member_int (writer, member->name, record->id);
		break;
	case MEMBER_UPDATE_TIME:
		artemis_json_writer_member_int (writer, member->name, record->update_time_ms);
		break;
	case MEMBER_FALSE:
		artemis_json_writer_member_bool (writer, member->name, FALSE);
		break;
	default:
		/* An integer column that is NULL reads as 0, as Java's row mappers do (protocol §3.7). */
		if (artemis_storage_field_is_integer (member->field))
			artemis_json_writer_member_int (writer, member->name,
							artemis_storage_record_get_int (record, member->field));
		else if (artemis_storage_field_is_boolean (member->field))
			artemis_json_writer_member_bool (writer, member->name,
							 artemis_storage_record_get_boolean (record, member->field));
		else
			artemis_json_writer_member_string (writer, member->name,
							   artemis_storage_record_get_string (record, member->field));
	}
}

void
artemis_management_codec_write_log (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);
	LogMember members[ARTEMIS_STORAGE_MAX_KIND_FIELDS + 4];
	guint n = 0;

	members[n++] = (LogMember) { "createTime", MEMBER_CREATE_TIME };
	members[n++] = (LogMember) { "id", MEMBER_ID };
	members[n++] = (LogMember) { "updateTime", MEMBER_UPDATE_TIME };
	/* RouteRuleLog has a `complete` without a column: always false (protocol §3.7). */
	if (record->kind == ARTEMIS_STORAGE_ROUTE_RULE_LOG)
		members[n++] = (LogMember) { "complete", MEMBER_FALSE };
	for (guint i = 0; i < info->n_fields; i++)
		members[n++] = (LogMember) { artemis_storage_field_get_json_name (info->fields[i]), info->fields[i] };
	qsort (members, n, sizeof (LogMember), compare_members);

	artemis_json_writer_begin_object (writer);
	for (guint i = 0; i < n; i++)
		write_log_member (writer, record, &members[i]);
	artemis_json_writer_end_object (writer);
}

/* ---- decoder ----------------------------------------------------------- */

void
artemis_management_request_free (ArtemisManagementRequest *request)
{
	if (request == NULL)
		return;
	artemis_operation_key_free (request->instance_key);
	artemis_operation_key_free (request->server_key);
	artemis_operation_key_free (request->zone_key);
	g_clear_pointer (&request->instance, artemis_instance_unref);
	g_clear_pointer (&request->zone_operations_list, g_ptr_array_unref);
	g_free (request->operation);
	g_free (request->operator_id);
	g_free (request->token);
	g_free (request->region_id);
	g_free (request->service_id);
	g_free (request->zone_id);
	g_free (request->server_id);
	g_free (request->instance_id);
	g_free (request);
}

static const char *
key_id_name (ArtemisOperationTarget target)
{
	switch (target) {
	case ARTEMIS_OPERATION_TARGET_INSTANCE:
		return "instanceId";
	case ARTEMIS_OPERATION_TARGET_SERVER:
		return "serverId";
	default:
		return "zoneId";
	}
}

static gboolean
read_key_member (ArtemisJsonScanner *scanner, ArtemisOperationKey *key, GError **error)
{
	if (artemis_json_scanner_name_is (scanner, "regionId"))
		return artemis_codec_read_named_text (scanner, &key->region_id, "regionId", error);
	if (key->target != ARTEMIS_OPERATION_TARGET_SERVER && artemis_json_scanner_name_is (scanner, "serviceId"))
		return artemis_codec_read_named_text (scanner, &key->service_id, "serviceId", error);
	if (artemis_json_scanner_name_is (scanner, key_id_name (key->target)))
		return artemis_codec_read_named_text (scanner, &key->id, key_id_name (key->target), error);
	return artemis_json_scanner_skip_value (scanner, error);
}

/* An InstanceKey, ServerKey or ZoneKey; null gives NULL. */
static gboolean
read_key (ArtemisJsonScanner *scanner, ArtemisOperationTarget target, ArtemisOperationKey **key, GError **error)
{
	g_autoptr (ArtemisOperationKey) result = NULL;
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	artemis_operation_key_free (*key);
	*key = NULL;
	if (is_null)
		return TRUE;
	result = artemis_operation_key_new (target, NULL, NULL, NULL);
	while (artemis_codec_next_member (scanner, &failed, error)) {
		if (!read_key_member (scanner, result, error))
			return FALSE;
	}
	if (failed)
		return FALSE;
	*key = g_steal_pointer (&result);
	return TRUE;
}

/* `operations`: an array of names; null gives an empty list. */
static gboolean
read_names (ArtemisJsonScanner *scanner, GPtrArray *names, GError **error)
{
	gboolean is_null, failed;

	g_ptr_array_set_size (names, 0);
	if (!artemis_json_scanner_begin_array (scanner, &is_null, error))
		return FALSE;
	if (is_null)
		return TRUE;
	while (artemis_codec_next_element (scanner, &failed, error)) {
		char *name = NULL;

		if (!artemis_codec_read_named_text (scanner, &name, "operations", error))
			return FALSE;
		g_ptr_array_add (names, name);
	}
	return !failed;
}

static gboolean
read_zone_operations (ArtemisJsonScanner *scanner, ArtemisOperations **operations, GError **error)
{
	g_autoptr (ArtemisOperations) result = NULL;
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null) {
		*operations = NULL;
		return TRUE;
	}
	result = artemis_operations_new (NULL);
	while (artemis_codec_next_member (scanner, &failed, error)) {
		gboolean ok;

		if (artemis_json_scanner_name_is (scanner, "zoneKey"))
			ok = artemis_codec_name_field (read_key (scanner, ARTEMIS_OPERATION_TARGET_ZONE, &result->key, error), error,
				    "zoneKey");
		else if (artemis_json_scanner_name_is (scanner, "operations"))
			ok = read_names (scanner, result->operations, error);
		else
			ok = artemis_json_scanner_skip_value (scanner, error);
		if (!ok)
			return FALSE;
	}
	if (failed)
		return FALSE;
	*operations = g_steal_pointer (&result);
	return TRUE;
}

static gboolean
read_zone_operations_list (ArtemisJsonScanner *scanner, GPtrArray **list, GError **error)
{
	g_autoptr (GPtrArray) result = NULL;
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_array (scanner, &is_null, error))
		return FALSE;
	g_clear_pointer (list, g_ptr_array_unref);
	if (is_null)
		return TRUE;
	result = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_operations_free);
	while (artemis_codec_next_element (scanner, &failed, error)) {
		ArtemisOperations *operations = NULL;

		if (!read_zone_operations (scanner, &operations, error))
			return FALSE;
		g_ptr_array_add (result, operations);
	}
	if (failed)
		return FALSE;
	*list = g_steal_pointer (&result);
	return TRUE;
}

/* A Boolean that may be null (protocol §3.7: absent or null means both). */
static gboolean
read_tristate (ArtemisJsonScanner *scanner, ArtemisTristate *value, GError **error)
{
	ArtemisJsonToken token;
	gboolean flag;

	if (!artemis_json_scanner_peek (scanner, &token, error))
		return FALSE;
	if (token == ARTEMIS_JSON_TOKEN_NULL) {
		*value = ARTEMIS_TRISTATE_NULL;
		return artemis_json_scanner_skip_value (scanner, error);
	}
	if (!artemis_json_scanner_read_bool (scanner, &flag, error))
		return FALSE;
	*value = flag ? ARTEMIS_TRISTATE_TRUE : ARTEMIS_TRISTATE_FALSE;
	return TRUE;
}

static gboolean
read_instance (ArtemisJsonScanner *scanner, ArtemisInstance **instance, GError **error)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	g_clear_pointer (instance, artemis_instance_unref);
	return artemis_codec_read_instance (scanner, builder, instance, error);
}

/* The string members, by name. */
static char **
find_text_member (ArtemisJsonScanner *scanner, ArtemisManagementRequest *request, const char **name)
{
	const struct {
		const char *name;
		gsize offset;
	} members[] = {
		{ "operation", G_STRUCT_OFFSET (ArtemisManagementRequest, operation) },
		{ "operatorId", G_STRUCT_OFFSET (ArtemisManagementRequest, operator_id) },
		{ "token", G_STRUCT_OFFSET (ArtemisManagementRequest, token) },
		{ "regionId", G_STRUCT_OFFSET (ArtemisManagementRequest, region_id) },
		{ "serviceId", G_STRUCT_OFFSET (ArtemisManagementRequest, service_id) },
		{ "zoneId", G_STRUCT_OFFSET (ArtemisManagementRequest, zone_id) },
		{ "serverId", G_STRUCT_OFFSET (ArtemisManagementRequest, server_id) },
		{ "instanceId", G_STRUCT_OFFSET (ArtemisManagementRequest, instance_id) },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (members); i++) {
		if (artemis_json_scanner_name_is (scanner, members[i].name)) {
			*name = members[i].name;
			return G_STRUCT_MEMBER_P (request, members[i].offset);
		}
	}
	return NULL;
}

static gboolean
read_request_member (ArtemisJsonScanner *scanner, ArtemisManagementRequest *request, GError **error)
{
	const char *name = NULL;
	char **text = find_text_member (scanner, request, &name);

	if (text != NULL)
		return artemis_codec_read_named_text (scanner, text, name, error);
	if (artemis_json_scanner_name_is (scanner, "instanceKey"))
		return artemis_codec_name_field (read_key (scanner, ARTEMIS_OPERATION_TARGET_INSTANCE, &request->instance_key, error),
			      error, "instanceKey");
	if (artemis_json_scanner_name_is (scanner, "serverKey"))
		return artemis_codec_name_field (read_key (scanner, ARTEMIS_OPERATION_TARGET_SERVER, &request->server_key, error),
			      error, "serverKey");
	if (artemis_json_scanner_name_is (scanner, "zoneKey"))
		return artemis_codec_name_field (read_key (scanner, ARTEMIS_OPERATION_TARGET_ZONE, &request->zone_key, error), error,
			      "zoneKey");
	if (artemis_json_scanner_name_is (scanner, "instance"))
		return artemis_codec_name_field (read_instance (scanner, &request->instance, error), error, "instance");
	if (artemis_json_scanner_name_is (scanner, "zoneOperationsList"))
		return artemis_codec_name_field (read_zone_operations_list (scanner, &request->zone_operations_list, error), error,
			      "zoneOperationsList");
	if (artemis_json_scanner_name_is (scanner, "operationComplete"))
		return artemis_codec_name_field (artemis_json_scanner_read_bool (scanner, &request->operation_complete, error), error,
			      "operationComplete");
	if (artemis_json_scanner_name_is (scanner, "complete"))
		return artemis_codec_name_field (read_tristate (scanner, &request->complete, error), error, "complete");
	return artemis_json_scanner_skip_value (scanner, error);
}

ArtemisManagementRequest *
artemis_management_codec_decode_request (const char *data, gsize len, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_json_scanner_new (data, len);
	g_autoptr (ArtemisManagementRequest) request = g_new0 (ArtemisManagementRequest, 1);
	gboolean is_null, failed;

	request->complete = ARTEMIS_TRISTATE_NULL;
	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return NULL;
	if (is_null) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request is null");
		return NULL;
	}
	while (artemis_codec_next_member (scanner, &failed, error)) {
		if (!read_request_member (scanner, request, error))
			return NULL;
	}
	if (failed || !artemis_json_scanner_finish (scanner, error))
		return NULL;
	return g_steal_pointer (&request);
}
