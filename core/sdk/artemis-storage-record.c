/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-error.h"
#include "artemis-storage-record.h"

typedef enum {
	TYPE_STRING,
	TYPE_BOOLEAN,
	TYPE_INTEGER,
} FieldType;

typedef struct {
	const char *name;
	const char *json_name;
	FieldType type;
	gboolean is_nocase;
} FieldInfo;

/*
 * Tokens, extensions, reasons, descriptions, metadata and URLs are opaque
 * text; the other strings are ids and names compared as Java's MySQL did.
 */
static const FieldInfo field_infos[ARTEMIS_STORAGE_N_FIELDS] = {
	[ARTEMIS_STORAGE_FIELD_REGION_ID] = { "region_id", "regionId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_SERVICE_ID] = { "service_id", "serviceId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_INSTANCE_ID] = { "instance_id", "instanceId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_SERVER_ID] = { "server_id", "serverId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_ZONE_ID] = { "zone_id", "zoneId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_OPERATION] = { "operation", "operation", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_OPERATOR_ID] = { "operator_id", "operatorId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_TOKEN] = { "token", "token", TYPE_STRING, FALSE },
	[ARTEMIS_STORAGE_FIELD_EXTENSIONS] = { "extensions", "extensions", TYPE_STRING, FALSE },
	[ARTEMIS_STORAGE_FIELD_COMPLETE] = { "complete", "complete", TYPE_BOOLEAN, FALSE },
	[ARTEMIS_STORAGE_FIELD_GROUP_ID] = { "group_id", "groupId", TYPE_INTEGER, FALSE },
	[ARTEMIS_STORAGE_FIELD_ROUTE_RULE_ID] = { "route_rule_id", "routeRuleId", TYPE_INTEGER, FALSE },
	[ARTEMIS_STORAGE_FIELD_NAME] = { "name", "name", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_APP_ID] = { "app_id", "appId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_DESCRIPTION] = { "description", "description", TYPE_STRING, FALSE },
	[ARTEMIS_STORAGE_FIELD_STATUS] = { "status", "status", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_STRATEGY] = { "strategy", "strategy", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_DELETED] = { "deleted", "deleted", TYPE_BOOLEAN, FALSE },
	[ARTEMIS_STORAGE_FIELD_WEIGHT] = { "weight", "weight", TYPE_INTEGER, FALSE },
	[ARTEMIS_STORAGE_FIELD_UNRELEASED_WEIGHT] = { "unreleased_weight", "unreleasedWeight", TYPE_INTEGER, FALSE },
	[ARTEMIS_STORAGE_FIELD_TAG] = { "tag", "tag", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_VALUE] = { "value", "value", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_REASON] = { "reason", "reason", TYPE_STRING, FALSE },
	[ARTEMIS_STORAGE_FIELD_IP] = { "ip", "ip", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_MACHINE_NAME] = { "machine_name", "machineName", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_METADATA] = { "metadata", "metadata", TYPE_STRING, FALSE },
	[ARTEMIS_STORAGE_FIELD_PORT] = { "port", "port", TYPE_INTEGER, FALSE },
	[ARTEMIS_STORAGE_FIELD_PROTOCOL] = { "protocol", "protocol", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_GROUP_NAME] = { "group_id", "groupId", TYPE_STRING, TRUE },
	[ARTEMIS_STORAGE_FIELD_HEALTH_CHECK_URL] = { "healthy_check_url", "healthCheckUrl", TYPE_STRING, FALSE },
	[ARTEMIS_STORAGE_FIELD_URL] = { "url", "url", TYPE_STRING, FALSE },
};

G_STATIC_ASSERT (ARTEMIS_STORAGE_N_FIELDS <= 64);

#define REGION ARTEMIS_STORAGE_FIELD_REGION_ID
#define SERVICE ARTEMIS_STORAGE_FIELD_SERVICE_ID
#define INSTANCE ARTEMIS_STORAGE_FIELD_INSTANCE_ID
#define SERVER ARTEMIS_STORAGE_FIELD_SERVER_ID
#define ZONE ARTEMIS_STORAGE_FIELD_ZONE_ID
#define OPERATION ARTEMIS_STORAGE_FIELD_OPERATION
#define OPERATOR ARTEMIS_STORAGE_FIELD_OPERATOR_ID
#define TOKEN ARTEMIS_STORAGE_FIELD_TOKEN
#define EXTENSIONS ARTEMIS_STORAGE_FIELD_EXTENSIONS
#define COMPLETE ARTEMIS_STORAGE_FIELD_COMPLETE
#define GROUP ARTEMIS_STORAGE_FIELD_GROUP_ID
#define RULE ARTEMIS_STORAGE_FIELD_ROUTE_RULE_ID
#define NAME ARTEMIS_STORAGE_FIELD_NAME
#define APP ARTEMIS_STORAGE_FIELD_APP_ID
#define DESCRIPTION ARTEMIS_STORAGE_FIELD_DESCRIPTION
#define STATUS ARTEMIS_STORAGE_FIELD_STATUS
#define STRATEGY ARTEMIS_STORAGE_FIELD_STRATEGY
#define DELETED ARTEMIS_STORAGE_FIELD_DELETED
#define WEIGHT ARTEMIS_STORAGE_FIELD_WEIGHT
#define UNRELEASED ARTEMIS_STORAGE_FIELD_UNRELEASED_WEIGHT
#define TAG ARTEMIS_STORAGE_FIELD_TAG
#define VALUE ARTEMIS_STORAGE_FIELD_VALUE
#define REASON ARTEMIS_STORAGE_FIELD_REASON
#define LOGICAL_INSTANCE                                                                                 \
	SERVICE, INSTANCE, ARTEMIS_STORAGE_FIELD_IP, ARTEMIS_STORAGE_FIELD_MACHINE_NAME,                 \
		ARTEMIS_STORAGE_FIELD_METADATA, ARTEMIS_STORAGE_FIELD_PORT, ARTEMIS_STORAGE_FIELD_PROTOCOL, \
		REGION, ZONE, ARTEMIS_STORAGE_FIELD_GROUP_NAME, ARTEMIS_STORAGE_FIELD_HEALTH_CHECK_URL,     \
		ARTEMIS_STORAGE_FIELD_URL

/* The facts of protocol §16; state rows also keep who wrote them last. */
static const ArtemisStorageKindInfo kind_infos[ARTEMIS_STORAGE_N_KINDS] = {
	[ARTEMIS_STORAGE_INSTANCE_OPERATION] = { "instance", FALSE,
						 { REGION, SERVICE, INSTANCE, OPERATION, OPERATOR, TOKEN }, 6, 4 },
	[ARTEMIS_STORAGE_SERVER_OPERATION] = { "server", FALSE, { REGION, SERVER, OPERATION, OPERATOR, TOKEN }, 5, 3 },
	[ARTEMIS_STORAGE_ZONE_OPERATION] = { "service_zone", FALSE,
					     { REGION, SERVICE, ZONE, OPERATION, OPERATOR, TOKEN }, 6, 4 },
	[ARTEMIS_STORAGE_INSTANCE_LOG] = { "instance_log", TRUE,
					   { REGION, SERVICE, INSTANCE, OPERATION, OPERATOR, TOKEN, COMPLETE,
					     EXTENSIONS },
					   8, 0 },
	[ARTEMIS_STORAGE_SERVER_LOG] = { "server_log", TRUE,
					 { REGION, SERVER, OPERATION, OPERATOR, TOKEN, COMPLETE, EXTENSIONS }, 7, 0 },
	[ARTEMIS_STORAGE_ZONE_LOG] = { "service_zone_log", TRUE,
				       { REGION, SERVICE, ZONE, OPERATION, OPERATOR, TOKEN, COMPLETE }, 7, 0 },
	[ARTEMIS_STORAGE_SERVICE_GROUP] = { "service_group", FALSE,
					    { SERVICE, REGION, ZONE, NAME, APP, DESCRIPTION, STATUS, DELETED }, 8, 4 },
	[ARTEMIS_STORAGE_ROUTE_RULE] = { "service_route_rule", FALSE,
					 { SERVICE, NAME, DESCRIPTION, STATUS, STRATEGY, DELETED }, 6, 2 },
	[ARTEMIS_STORAGE_ROUTE_RULE_GROUP] = { "service_route_rule_group", FALSE, { RULE, GROUP, WEIGHT, UNRELEASED },
					       4, 2 },
	[ARTEMIS_STORAGE_GROUP_TAG] = { "service_group_tag", FALSE, { GROUP, TAG, VALUE }, 3, 2 },
	[ARTEMIS_STORAGE_GROUP_OPERATION] = { "service_group_operation", FALSE, { GROUP, OPERATION }, 2, 2 },
	[ARTEMIS_STORAGE_GROUP_INSTANCE] = { "service_group_instance", FALSE, { GROUP, INSTANCE }, 2, 2 },
	[ARTEMIS_STORAGE_SERVICE_INSTANCE] = { "service_instance", FALSE, { LOGICAL_INSTANCE, DESCRIPTION }, 13, 2 },
	[ARTEMIS_STORAGE_GROUP_LOG] = { "service_group_log", TRUE,
					{ SERVICE, REGION, ZONE, NAME, APP, STATUS, OPERATION, OPERATOR, TOKEN,
					  EXTENSIONS, REASON },
					11, 0 },
	[ARTEMIS_STORAGE_ROUTE_RULE_LOG] = { "service_route_rule_log", TRUE,
					     { SERVICE, NAME, STATUS, OPERATION, OPERATOR, TOKEN, EXTENSIONS, REASON },
					     8, 0 },
	[ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG] = { "service_route_rule_group_log", TRUE,
						   { RULE, GROUP, WEIGHT, OPERATION, OPERATOR, TOKEN, EXTENSIONS,
						     REASON },
						   8, 0 },
	[ARTEMIS_STORAGE_GROUP_OPERATION_LOG] = { "service_group_operation_log", TRUE,
						  { GROUP, OPERATION, OPERATOR, TOKEN, COMPLETE, EXTENSIONS, REASON },
						  7, 0 },
	[ARTEMIS_STORAGE_GROUP_INSTANCE_LOG] = { "service_group_instance_log", TRUE,
						 { GROUP, INSTANCE, OPERATION, OPERATOR, TOKEN, REASON }, 6, 0 },
	[ARTEMIS_STORAGE_SERVICE_INSTANCE_LOG] = { "service_instance_log", TRUE,
						   { LOGICAL_INSTANCE, OPERATION, OPERATOR, TOKEN }, 15, 0 },
};

const ArtemisStorageKindInfo *
artemis_storage_kind_get_info (ArtemisStorageKind kind)
{
	g_return_val_if_fail (kind < ARTEMIS_STORAGE_N_KINDS, NULL);
	return &kind_infos[kind];
}

gboolean
artemis_storage_kind_has_field (ArtemisStorageKind kind, ArtemisStorageField field)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (kind);

	for (guint i = 0; info != NULL && i < info->n_fields; i++) {
		if (info->fields[i] == field)
			return TRUE;
	}
	return FALSE;
}

const char *
artemis_storage_field_get_name (ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, NULL);
	return field_infos[field].name;
}

const char *
artemis_storage_field_get_json_name (ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, NULL);
	return field_infos[field].json_name;
}

gboolean
artemis_storage_field_is_boolean (ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	return field_infos[field].type == TYPE_BOOLEAN;
}

gboolean
artemis_storage_field_is_integer (ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	return field_infos[field].type == TYPE_INTEGER;
}

gboolean
artemis_storage_field_is_nocase (ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	return field_infos[field].is_nocase;
}

ArtemisStorageRecord *
artemis_storage_record_new (ArtemisStorageKind kind)
{
	ArtemisStorageRecord *record;

	g_return_val_if_fail (kind < ARTEMIS_STORAGE_N_KINDS, NULL);
	record = g_new0 (ArtemisStorageRecord, 1);
	record->kind = kind;
	record->strings = g_new0 (char *, ARTEMIS_STORAGE_N_FIELDS);
	record->integers = g_new0 (gint64, ARTEMIS_STORAGE_N_FIELDS);
	return record;
}

ArtemisStorageRecord *
artemis_storage_record_copy (const ArtemisStorageRecord *record)
{
	ArtemisStorageRecord *copy = artemis_storage_record_new (record->kind);

	copy->id = record->id;
	copy->create_time_ms = record->create_time_ms;
	copy->update_time_ms = record->update_time_ms;
	copy->set = record->set;
	copy->booleans = record->booleans;
	for (guint i = 0; i < ARTEMIS_STORAGE_N_FIELDS; i++)
		copy->strings[i] = g_strdup (record->strings[i]);
	memcpy (copy->integers, record->integers, ARTEMIS_STORAGE_N_FIELDS * sizeof (gint64));
	return copy;
}

void
artemis_storage_record_free (ArtemisStorageRecord *record)
{
	if (record == NULL)
		return;
	for (guint i = 0; i < ARTEMIS_STORAGE_N_FIELDS; i++)
		g_free (record->strings[i]);
	g_free (record->strings);
	g_free (record->integers);
	g_free (record);
}

GPtrArray *
artemis_storage_record_array_new (void)
{
	return g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_storage_record_free);
}

static gboolean
check_field (const ArtemisStorageRecord *record, ArtemisStorageField field, FieldType type)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	g_return_val_if_fail (artemis_storage_kind_has_field (record->kind, field), FALSE);
	g_return_val_if_fail (field_infos[field].type == type, FALSE);
	return TRUE;
}

void
artemis_storage_record_set_string (ArtemisStorageRecord *record, ArtemisStorageField field, const char *value)
{
	if (!check_field (record, field, TYPE_STRING))
		return;
	g_free (record->strings[field]);
	record->strings[field] = g_strdup (value);
	if (value != NULL)
		record->set |= G_GUINT64_CONSTANT (1) << field;
	else
		record->set &= ~(G_GUINT64_CONSTANT (1) << field);
}

const char *
artemis_storage_record_get_string (const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, NULL);
	return record->strings[field];
}

void
artemis_storage_record_set_boolean (ArtemisStorageRecord *record, ArtemisStorageField field, gboolean value)
{
	guint64 bit = G_GUINT64_CONSTANT (1) << field;

	if (!check_field (record, field, TYPE_BOOLEAN))
		return;
	record->set |= bit;
	if (value)
		record->booleans |= bit;
	else
		record->booleans &= ~bit;
}

gboolean
artemis_storage_record_get_boolean (const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	return (record->booleans & (G_GUINT64_CONSTANT (1) << field)) != 0;
}

void
artemis_storage_record_set_int (ArtemisStorageRecord *record, ArtemisStorageField field, gint64 value)
{
	if (!check_field (record, field, TYPE_INTEGER))
		return;
	record->set |= G_GUINT64_CONSTANT (1) << field;
	record->integers[field] = value;
}

gint64
artemis_storage_record_get_int (const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, 0);
	return record->integers[field];
}

gboolean
artemis_storage_record_is_set (const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	return (record->set & (G_GUINT64_CONSTANT (1) << field)) != 0;
}

void
artemis_storage_record_copy_field (ArtemisStorageRecord *record, const ArtemisStorageRecord *from,
				   ArtemisStorageField field)
{
	g_return_if_fail (field < ARTEMIS_STORAGE_N_FIELDS);
	if (!artemis_storage_record_is_set (from, field))
		artemis_storage_record_unset (record, field);
	else if (field_infos[field].type == TYPE_INTEGER)
		artemis_storage_record_set_int (record, field, from->integers[field]);
	else if (field_infos[field].type == TYPE_BOOLEAN)
		artemis_storage_record_set_boolean (record, field, artemis_storage_record_get_boolean (from, field));
	else
		artemis_storage_record_set_string (record, field, from->strings[field]);
}

void
artemis_storage_record_unset (ArtemisStorageRecord *record, ArtemisStorageField field)
{
	guint64 bit = G_GUINT64_CONSTANT (1) << field;

	g_return_if_fail (field < ARTEMIS_STORAGE_N_FIELDS);
	g_clear_pointer (&record->strings[field], g_free);
	record->integers[field] = 0;
	record->set &= ~bit;
	record->booleans &= ~bit;
}

ArtemisStorageWrite *
artemis_storage_write_new (ArtemisStorageAction action, ArtemisStorageRecord *record)
{
	ArtemisStorageWrite *write = g_new0 (ArtemisStorageWrite, 1);

	write->action = action;
	write->record = record;
	return write;
}

void
artemis_storage_write_free (ArtemisStorageWrite *write)
{
	if (write == NULL)
		return;
	artemis_storage_record_free (write->record);
	g_free (write);
}

GPtrArray *
artemis_storage_write_array_new (void)
{
	return g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_storage_write_free);
}

G_DEFINE_BOXED_TYPE (ArtemisStorageRecord, artemis_storage_record, artemis_storage_record_copy,
		     artemis_storage_record_free)
gboolean
artemis_storage_write_check (const ArtemisStorageWrite *write, GError **error)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (write->record->kind);

	if (info->is_log == (write->action == ARTEMIS_STORAGE_APPEND))
		return TRUE;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "Cannot %s a row of %s",
		     write->action == ARTEMIS_STORAGE_APPEND ? "append" : "put or delete", info->table);
	return FALSE;
}
