/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ArtemisStorageKind:
 * @ARTEMIS_STORAGE_INSTANCE_OPERATION: an instance pulled out (protocol §9.1).
 * @ARTEMIS_STORAGE_SERVER_OPERATION: a server (IP) pulled out (§9.1).
 * @ARTEMIS_STORAGE_ZONE_OPERATION: a service's zone pulled out (§9.2).
 * @ARTEMIS_STORAGE_INSTANCE_LOG: the audit log of instance operations.
 * @ARTEMIS_STORAGE_SERVER_LOG: the audit log of server operations.
 * @ARTEMIS_STORAGE_ZONE_LOG: the audit log of zone operations.
 * @ARTEMIS_STORAGE_SERVICE_GROUP: a service group (§9.3), soft-deleted.
 * @ARTEMIS_STORAGE_ROUTE_RULE: a route rule (§9.8), soft-deleted.
 * @ARTEMIS_STORAGE_ROUTE_RULE_GROUP: a group of a route rule with its
 *   released and unreleased weight (§9.9).
 * @ARTEMIS_STORAGE_GROUP_TAG: a tag of a group (§9.4).
 * @ARTEMIS_STORAGE_GROUP_OPERATION: an operation taking a group out (§9.5).
 * @ARTEMIS_STORAGE_GROUP_INSTANCE: an explicit member of a group (§9.6).
 * @ARTEMIS_STORAGE_SERVICE_INSTANCE: a logical instance (§9.7).
 * @ARTEMIS_STORAGE_GROUP_LOG: the audit log of groups.
 * @ARTEMIS_STORAGE_ROUTE_RULE_LOG: the audit log of route rules.
 * @ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG: the audit log of route-rule groups.
 * @ARTEMIS_STORAGE_GROUP_OPERATION_LOG: the audit log of group operations.
 * @ARTEMIS_STORAGE_GROUP_INSTANCE_LOG: the audit log of group members.
 * @ARTEMIS_STORAGE_SERVICE_INSTANCE_LOG: the audit log of logical instances.
 *
 * What a record is: one kind of management state (a row that is put and
 * deleted) or one audit log (rows that are only appended). Each kind has a
 * fixed set of fields (see artemis_storage_kind_get_info()); new kinds are
 * added at the end as management grows.
 */
typedef enum {
	ARTEMIS_STORAGE_INSTANCE_OPERATION,
	ARTEMIS_STORAGE_SERVER_OPERATION,
	ARTEMIS_STORAGE_ZONE_OPERATION,
	ARTEMIS_STORAGE_INSTANCE_LOG,
	ARTEMIS_STORAGE_SERVER_LOG,
	ARTEMIS_STORAGE_ZONE_LOG,
	ARTEMIS_STORAGE_SERVICE_GROUP,
	ARTEMIS_STORAGE_ROUTE_RULE,
	ARTEMIS_STORAGE_ROUTE_RULE_GROUP,
	ARTEMIS_STORAGE_GROUP_TAG,
	ARTEMIS_STORAGE_GROUP_OPERATION,
	ARTEMIS_STORAGE_GROUP_INSTANCE,
	ARTEMIS_STORAGE_SERVICE_INSTANCE,
	ARTEMIS_STORAGE_GROUP_LOG,
	ARTEMIS_STORAGE_ROUTE_RULE_LOG,
	ARTEMIS_STORAGE_ROUTE_RULE_GROUP_LOG,
	ARTEMIS_STORAGE_GROUP_OPERATION_LOG,
	ARTEMIS_STORAGE_GROUP_INSTANCE_LOG,
	ARTEMIS_STORAGE_SERVICE_INSTANCE_LOG,
	ARTEMIS_STORAGE_N_KINDS,
} ArtemisStorageKind;

/**
 * ArtemisStorageField:
 *
 * The fields records are made of. The SQL column of a field is its
 * artemis_storage_field_get_name() (the column name Java Artemis uses, in
 * lower case), its JSON member artemis_storage_field_get_json_name().
 * A field is a string, a boolean (%ARTEMIS_STORAGE_FIELD_COMPLETE,
 * %ARTEMIS_STORAGE_FIELD_DELETED) or an integer (ids, weights, the port):
 * see artemis_storage_field_is_boolean() and _is_integer().
 * %ARTEMIS_STORAGE_FIELD_GROUP_NAME is the string `group_id` column of
 * logical instances (a group name), %ARTEMIS_STORAGE_FIELD_GROUP_ID the
 * integer one of the other group tables (a group's id).
 */
typedef enum {
	ARTEMIS_STORAGE_FIELD_REGION_ID,
	ARTEMIS_STORAGE_FIELD_SERVICE_ID,
	ARTEMIS_STORAGE_FIELD_INSTANCE_ID,
	ARTEMIS_STORAGE_FIELD_SERVER_ID,
	ARTEMIS_STORAGE_FIELD_ZONE_ID,
	ARTEMIS_STORAGE_FIELD_OPERATION,
	ARTEMIS_STORAGE_FIELD_OPERATOR_ID,
	ARTEMIS_STORAGE_FIELD_TOKEN,
	ARTEMIS_STORAGE_FIELD_EXTENSIONS,
	ARTEMIS_STORAGE_FIELD_COMPLETE,
	ARTEMIS_STORAGE_FIELD_GROUP_ID,
	ARTEMIS_STORAGE_FIELD_ROUTE_RULE_ID,
	ARTEMIS_STORAGE_FIELD_NAME,
	ARTEMIS_STORAGE_FIELD_APP_ID,
	ARTEMIS_STORAGE_FIELD_DESCRIPTION,
	ARTEMIS_STORAGE_FIELD_STATUS,
	ARTEMIS_STORAGE_FIELD_STRATEGY,
	ARTEMIS_STORAGE_FIELD_DELETED,
	ARTEMIS_STORAGE_FIELD_WEIGHT,
	ARTEMIS_STORAGE_FIELD_UNRELEASED_WEIGHT,
	ARTEMIS_STORAGE_FIELD_TAG,
	ARTEMIS_STORAGE_FIELD_VALUE,
	ARTEMIS_STORAGE_FIELD_REASON,
	ARTEMIS_STORAGE_FIELD_IP,
	ARTEMIS_STORAGE_FIELD_MACHINE_NAME,
	ARTEMIS_STORAGE_FIELD_METADATA,
	ARTEMIS_STORAGE_FIELD_PORT,
	ARTEMIS_STORAGE_FIELD_PROTOCOL,
	ARTEMIS_STORAGE_FIELD_GROUP_NAME,
	ARTEMIS_STORAGE_FIELD_HEALTH_CHECK_URL,
	ARTEMIS_STORAGE_FIELD_URL,
	ARTEMIS_STORAGE_N_FIELDS,
} ArtemisStorageField;

/* Room for the widest kind to come (Java's service_instance_log has 17 fields). */
#define ARTEMIS_STORAGE_MAX_KIND_FIELDS 24

/**
 * ArtemisStorageKindInfo:
 * @table: the table holding the kind (Java Artemis's table name).
 * @is_log: whether rows are only appended (an audit log) rather than put and
 *   deleted (state).
 * @fields: the fields of the kind, in column order.
 * @n_fields: how many.
 * @n_key_fields: state kinds: the first @n_key_fields fields identify a
 *   row (a unique key, compared case-insensitively); putting a row whose key
 *   exists updates its other fields. 0 for logs.
 *
 * Besides its fields every row has an integer `id` (logs: assigned by the
 * store, increasing, never reused; state: assigned by the store when the
 * record's id is 0, else the record's — the node numbers the rows other
 * rows refer to, groups and rules), and `create_time` and `update_time` in
 * epoch milliseconds.
 */
typedef struct {
	const char *table;
	gboolean is_log;
	ArtemisStorageField fields[ARTEMIS_STORAGE_MAX_KIND_FIELDS];
	guint n_fields;
	guint n_key_fields;
} ArtemisStorageKindInfo;

ARTEMIS_EXPORT
const ArtemisStorageKindInfo *artemis_storage_kind_get_info (ArtemisStorageKind kind);
ARTEMIS_EXPORT
gboolean artemis_storage_kind_has_field (ArtemisStorageKind kind, ArtemisStorageField field);
/* The SQL column, e.g. "region_id". */
ARTEMIS_EXPORT
const char *artemis_storage_field_get_name (ArtemisStorageField field);
/* The JSON member, e.g. "regionId". */
ARTEMIS_EXPORT
const char *artemis_storage_field_get_json_name (ArtemisStorageField field);
ARTEMIS_EXPORT
gboolean artemis_storage_field_is_boolean (ArtemisStorageField field);
ARTEMIS_EXPORT
gboolean artemis_storage_field_is_integer (ArtemisStorageField field);
/* Whether equality on the field ignores case (protocol §9: MySQL's utf8_general_ci). */
ARTEMIS_EXPORT
gboolean artemis_storage_field_is_nocase (ArtemisStorageField field);

/**
 * ArtemisStorageRecord:
 * @kind: what the record is.
 * @id: the row id; for a log row assigned when appended (0 before).
 * @create_time_ms: when the row was first written (epoch ms).
 * @update_time_ms: when it was last written (epoch ms).
 *
 * One row of management state or of an audit log, as the node and a
 * storage backend exchange it. Field values are set and read with the
 * accessors below; an unset field is NULL (a string), FALSE (a boolean) or
 * SQL NULL (an integer: artemis_storage_record_is_set() says). As a query
 * filter, only the fields that are set constrain the result.
 */
typedef struct {
	ArtemisStorageKind kind;
	gint64 id;
	gint64 create_time_ms;
	gint64 update_time_ms;
	/*< private >*/
	char **strings; /* ARTEMIS_STORAGE_N_FIELDS, so that new fields keep the ABI */
	guint64 set;
	guint64 booleans;
	gint64 *integers; /* ARTEMIS_STORAGE_N_FIELDS */
} ArtemisStorageRecord;

ARTEMIS_EXPORT
ArtemisStorageRecord *artemis_storage_record_new (ArtemisStorageKind kind);
ARTEMIS_EXPORT
ArtemisStorageRecord *artemis_storage_record_copy (const ArtemisStorageRecord *record);
ARTEMIS_EXPORT
void artemis_storage_record_free (ArtemisStorageRecord *record);
/* A new array that frees its records. */
/**
 * artemis_storage_record_array_new:
 * 
 * Returns: (transfer full) (element-type ArtemisStorageRecord): an empty array that frees its records.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_storage_record_array_new (void);

/* @field must belong to the record's kind. A NULL @value unsets the field. */
ARTEMIS_EXPORT
void artemis_storage_record_set_string (ArtemisStorageRecord *record, ArtemisStorageField field, const char *value);
ARTEMIS_EXPORT
const char *artemis_storage_record_get_string (const ArtemisStorageRecord *record, ArtemisStorageField field);
ARTEMIS_EXPORT
void artemis_storage_record_set_boolean (ArtemisStorageRecord *record, ArtemisStorageField field, gboolean value);
ARTEMIS_EXPORT
gboolean artemis_storage_record_get_boolean (const ArtemisStorageRecord *record, ArtemisStorageField field);
ARTEMIS_EXPORT
void artemis_storage_record_set_int (ArtemisStorageRecord *record, ArtemisStorageField field, gint64 value);
/* The value of an integer field; 0 when it is unset (NULL). */
ARTEMIS_EXPORT
gint64 artemis_storage_record_get_int (const ArtemisStorageRecord *record, ArtemisStorageField field);
ARTEMIS_EXPORT
gboolean artemis_storage_record_is_set (const ArtemisStorageRecord *record, ArtemisStorageField field);
/* Sets @field of @record as @from has it, set or not (both kinds must have the field). */
ARTEMIS_EXPORT
void artemis_storage_record_copy_field (ArtemisStorageRecord *record, const ArtemisStorageRecord *from,
					ArtemisStorageField field);
ARTEMIS_EXPORT
void artemis_storage_record_unset (ArtemisStorageRecord *record, ArtemisStorageField field);

/**
 * ArtemisStorageAction:
 * @ARTEMIS_STORAGE_PUT: insert a state row, or update the one with its key.
 * @ARTEMIS_STORAGE_DELETE: delete the state row with the record's key (if any).
 * @ARTEMIS_STORAGE_APPEND: append a log row.
 */
typedef enum {
	ARTEMIS_STORAGE_PUT,
	ARTEMIS_STORAGE_DELETE,
	ARTEMIS_STORAGE_APPEND,
} ArtemisStorageAction;

/* One statement of a transaction: @action applied to @record. */
typedef struct {
	ArtemisStorageAction action;
	ArtemisStorageRecord *record;
} ArtemisStorageWrite;

/* Takes @record. */
ARTEMIS_EXPORT
ArtemisStorageWrite *artemis_storage_write_new (ArtemisStorageAction action, ArtemisStorageRecord *record);
ARTEMIS_EXPORT
void artemis_storage_write_free (ArtemisStorageWrite *write);
/* A new array that frees its writes. */
/**
 * artemis_storage_write_array_new:
 * 
 * Returns: (transfer full) (element-type ArtemisStorageWrite): an empty array that frees its writes.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_storage_write_array_new (void);
/* Whether @write's action suits its kind (append to a log, put or delete state); fails saying so. */
ARTEMIS_EXPORT
gboolean artemis_storage_write_check (const ArtemisStorageWrite *write, GError **error);

#define ARTEMIS_TYPE_STORAGE_RECORD (artemis_storage_record_get_type ())
/* ArtemisStorageRecord as a boxed type. */
ARTEMIS_EXPORT
GType artemis_storage_record_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisStorageRecord, artemis_storage_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisStorageWrite, artemis_storage_write_free)

G_END_DECLS
