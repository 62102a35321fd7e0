/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-storage-record.h"

typedef struct {
	const char *name;
	const char *json_name;
	gboolean is_boolean;
	gboolean is_nocase;
} FieldInfo;

/* Tokens and extensions are opaque; everything else is an id compared as Java's MySQL did. */
static const FieldInfo field_infos[ARTEMIS_STORAGE_N_FIELDS] = {
	[ARTEMIS_STORAGE_FIELD_REGION_ID] = { "region_id", "regionId", FALSE, TRUE },
	[ARTEMIS_STORAGE_FIELD_SERVICE_ID] = { "service_id", "serviceId", FALSE, TRUE },
	[ARTEMIS_STORAGE_FIELD_INSTANCE_ID] = { "instance_id", "instanceId", FALSE, TRUE },
	[ARTEMIS_STORAGE_FIELD_SERVER_ID] = { "server_id", "serverId", FALSE, TRUE },
	[ARTEMIS_STORAGE_FIELD_ZONE_ID] = { "zone_id", "zoneId", FALSE, TRUE },
	[ARTEMIS_STORAGE_FIELD_OPERATION] = { "operation", "operation", FALSE, TRUE },
	[ARTEMIS_STORAGE_FIELD_OPERATOR_ID] = { "operator_id", "operatorId", FALSE, TRUE },
	[ARTEMIS_STORAGE_FIELD_TOKEN] = { "token", "token", FALSE, FALSE },
	[ARTEMIS_STORAGE_FIELD_EXTENSIONS] = { "extensions", "extensions", FALSE, FALSE },
	[ARTEMIS_STORAGE_FIELD_COMPLETE] = { "complete", "complete", TRUE, FALSE },
};

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

/* The facts of spec SCHEMA.md; state rows also keep who wrote them last. */
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
	return field_infos[field].is_boolean;
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
	g_free (record);
}

GPtrArray *
artemis_storage_record_array_new (void)
{
	return g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_storage_record_free);
}

static gboolean
check_field (const ArtemisStorageRecord *record, ArtemisStorageField field, gboolean is_boolean)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	g_return_val_if_fail (artemis_storage_kind_has_field (record->kind, field), FALSE);
	g_return_val_if_fail (field_infos[field].is_boolean == is_boolean, FALSE);
	return TRUE;
}

void
artemis_storage_record_set_string (ArtemisStorageRecord *record, ArtemisStorageField field, const char *value)
{
	if (!check_field (record, field, FALSE))
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

	if (!check_field (record, field, TRUE))
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

gboolean
artemis_storage_record_is_set (const ArtemisStorageRecord *record, ArtemisStorageField field)
{
	g_return_val_if_fail (field < ARTEMIS_STORAGE_N_FIELDS, FALSE);
	return (record->set & (G_GUINT64_CONSTANT (1) << field)) != 0;
}

void
artemis_storage_record_unset (ArtemisStorageRecord *record, ArtemisStorageField field)
{
	guint64 bit = G_GUINT64_CONSTANT (1) << field;

	g_return_if_fail (field < ARTEMIS_STORAGE_N_FIELDS);
	g_clear_pointer (&record->strings[field], g_free);
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
