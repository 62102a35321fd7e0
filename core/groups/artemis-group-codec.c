/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-error.h"
#include "artemis-codec-private.h"
#include "artemis-group-codec.h"
#include "artemis-route-rules.h"

typedef enum {
	MEMBER_FIELD,
	MEMBER_ID,        /* the row's id */
	MEMBER_GROUP_KEY, /* computed, written only */
	MEMBER_NULL,      /* always null, ignored on input */
	MEMBER_METADATA,  /* an object, stored as JSON text */
} MemberSource;

typedef struct {
	const char *name;
	MemberSource source;
	ArtemisStorageField field;
} Member;

#define FIELD(name, field) { name, MEMBER_FIELD, ARTEMIS_STORAGE_FIELD_##field }
#define OTHER(name, source) { name, source, 0 }

/* Spec Appendix A.4, in Java's order. */
static const Member group_members[] = {
	FIELD ("appId", APP_ID),       FIELD ("description", DESCRIPTION), OTHER ("groupId", MEMBER_ID),
	OTHER ("groupKey", MEMBER_GROUP_KEY), OTHER ("metadata", MEMBER_NULL), FIELD ("name", NAME),
	FIELD ("regionId", REGION_ID), FIELD ("serviceId", SERVICE_ID),    FIELD ("status", STATUS),
	FIELD ("zoneId", ZONE_ID),
};
static const Member route_rule_members[] = {
	FIELD ("description", DESCRIPTION), FIELD ("name", NAME),     OTHER ("routeRuleId", MEMBER_ID),
	FIELD ("serviceId", SERVICE_ID),    FIELD ("status", STATUS), FIELD ("strategy", STRATEGY),
};
static const Member route_rule_group_members[] = {
	FIELD ("groupId", GROUP_ID), OTHER ("routeRuleGroupId", MEMBER_ID), FIELD ("routeRuleId", ROUTE_RULE_ID),
	FIELD ("unreleasedWeight", UNRELEASED_WEIGHT), FIELD ("weight", WEIGHT),
};
static const Member group_instance_members[] = {
	FIELD ("groupId", GROUP_ID),
	OTHER ("id", MEMBER_ID),
	FIELD ("instanceId", INSTANCE_ID),
};
static const Member service_instance_members[] = {
	FIELD ("description", DESCRIPTION), FIELD ("groupId", GROUP_NAME), FIELD ("healthCheckUrl", HEALTH_CHECK_URL),
	OTHER ("id", MEMBER_ID),            FIELD ("instanceId", INSTANCE_ID), FIELD ("ip", IP),
	FIELD ("machineName", MACHINE_NAME), OTHER ("metadata", MEMBER_METADATA), FIELD ("port", PORT),
	FIELD ("protocol", PROTOCOL),       FIELD ("regionId", REGION_ID), FIELD ("serviceId", SERVICE_ID),
	FIELD ("url", URL),                 FIELD ("zoneId", ZONE_ID),
};

#undef FIELD
#undef OTHER

/* The members of @kind's wire type, or NULL for a kind written field by field. */
static const Member *
type_members (ArtemisStorageKind kind, gsize *n)
{
#define TYPE(members) (*n = G_N_ELEMENTS (members), members)
	switch (kind) {
	case ARTEMIS_STORAGE_SERVICE_GROUP:
		return TYPE (group_members);
	case ARTEMIS_STORAGE_ROUTE_RULE:
		return TYPE (route_rule_members);
	case ARTEMIS_STORAGE_ROUTE_RULE_GROUP:
		return TYPE (route_rule_group_members);
	case ARTEMIS_STORAGE_GROUP_INSTANCE:
		return TYPE (group_instance_members);
	case ARTEMIS_STORAGE_SERVICE_INSTANCE:
		return TYPE (service_instance_members);
	default:
		*n = 0;
		return NULL;
	}
#undef TYPE
}

/* ---- metadata ---------------------------------------------------------- */

/* The stored metadata text as key, value… pairs; NULL when it is not a JSON object of strings. */
GPtrArray *
artemis_group_codec_parse_metadata (const char *text)
{
	g_autoptr (ArtemisJsonScanner) scanner = NULL;
	g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
	gboolean is_null, more;

	if (text == NULL)
		return NULL;
	scanner = artemis_json_scanner_new (text, strlen (text));
	if (!artemis_json_scanner_begin_object (scanner, &is_null, NULL) || is_null)
		return NULL;
	while (artemis_json_scanner_next_member (scanner, &more, NULL)) {
		char *value = NULL;

		if (!more)
			return artemis_json_scanner_finish (scanner, NULL) ? g_steal_pointer (&pairs) : NULL;
		if (!artemis_json_scanner_read_string (scanner, &value, NULL))
			return NULL;
		g_ptr_array_add (pairs, g_strdup (artemis_json_scanner_get_name (scanner)));
		g_ptr_array_add (pairs, value);
	}
	return NULL;
}

/* Stored text that is not a JSON object reads as `{}`, as discovery serves it (protocol §7.2). */
static void
write_metadata (ArtemisJsonWriter *writer, const char *text)
{
	g_autoptr (GPtrArray) pairs = artemis_group_codec_parse_metadata (text);

	artemis_json_writer_begin_object (writer);
	for (guint i = 0; pairs != NULL && i + 1 < pairs->len; i += 2) {
		artemis_json_writer_member (writer, g_ptr_array_index (pairs, i));
		artemis_json_writer_string (writer, g_ptr_array_index (pairs, i + 1));
	}
	artemis_json_writer_end_object (writer);
}

/* ---- encoders ---------------------------------------------------------- */

static void
write_field (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record, const char *name,
	     ArtemisStorageField field)
{
	if (artemis_storage_field_is_integer (field)) {
		if (artemis_storage_record_is_set (record, field))
			artemis_json_writer_member_int (writer, name, artemis_storage_record_get_int (record, field));
		else
			artemis_json_writer_member_null (writer, name);
	} else if (artemis_storage_field_is_boolean (field)) {
		artemis_json_writer_member_bool (writer, name, artemis_storage_record_get_boolean (record, field));
	} else {
		artemis_json_writer_member_string (writer, name, artemis_storage_record_get_string (record, field));
	}
}

static void
write_group_key (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record, const char *name)
{
	g_autofree char *key = artemis_group_key_build (
		artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_SERVICE_ID),
		artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_REGION_ID),
		artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_ZONE_ID),
		artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_NAME));

	artemis_json_writer_member_string (writer, name, key);
}

static void
write_member (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record, const Member *member)
{
	switch (member->source) {
	case MEMBER_FIELD:
		write_field (writer, record, member->name, member->field);
		break;
	case MEMBER_ID:
		artemis_json_writer_member_int (writer, member->name, record->id);
		break;
	case MEMBER_GROUP_KEY:
		write_group_key (writer, record, member->name);
		break;
	case MEMBER_NULL:
		artemis_json_writer_member_null (writer, member->name);
		break;
	case MEMBER_METADATA:
		artemis_json_writer_member (writer, member->name);
		write_metadata (writer, artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_METADATA));
		break;
	default:
		g_assert_not_reached ();
	}
}

void
artemis_group_codec_write_record (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record)
{
	const Member *members;
	gsize n = 0;

	if (record == NULL) {
		artemis_json_writer_null (writer);
		return;
	}
	members = type_members (record->kind, &n);
	g_return_if_fail (members != NULL);
	artemis_json_writer_begin_object (writer);
	for (gsize i = 0; i < n; i++)
		write_member (writer, record, &members[i]);
	artemis_json_writer_end_object (writer);
}

void
artemis_group_codec_write_records (ArtemisJsonWriter *writer, GPtrArray *records)
{
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < records->len; i++)
		artemis_group_codec_write_record (writer, g_ptr_array_index (records, i));
	artemis_json_writer_end_array (writer);
}

static const char *
text_of (const ArtemisStorageRecord *row, ArtemisStorageField field)
{
	return artemis_storage_record_get_string (row, field);
}

/* Writes @rows[start, end), all of one group. */
static void
write_items (ArtemisJsonWriter *writer, GPtrArray *rows, guint start, guint end)
{
	const ArtemisStorageRecord *first = g_ptr_array_index (rows, start);
	gboolean tags = first->kind == ARTEMIS_STORAGE_GROUP_TAG;

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_int (writer, "groupId",
					artemis_storage_record_get_int (first, ARTEMIS_STORAGE_FIELD_GROUP_ID));
	artemis_json_writer_member (writer, tags ? "tags" : "operations");
	if (tags)
		artemis_json_writer_begin_object (writer);
	else
		artemis_json_writer_begin_array (writer);
	for (guint i = start; i < end; i++) {
		const ArtemisStorageRecord *row = g_ptr_array_index (rows, i);

		if (tags)
			artemis_json_writer_member (writer, text_of (row, ARTEMIS_STORAGE_FIELD_TAG));
		artemis_json_writer_string (writer, text_of (row, tags ? ARTEMIS_STORAGE_FIELD_VALUE
								       : ARTEMIS_STORAGE_FIELD_OPERATION));
	}
	if (tags)
		artemis_json_writer_end_object (writer);
	else
		artemis_json_writer_end_array (writer);
	artemis_json_writer_end_object (writer);
}

void
artemis_group_codec_write_group_items (ArtemisJsonWriter *writer, GPtrArray *rows)
{
	if (rows == NULL || rows->len == 0)
		artemis_json_writer_null (writer);
	else
		write_items (writer, rows, 0, rows->len);
}

static gint
compare_group_then_id (gconstpointer a, gconstpointer b)
{
	const ArtemisStorageRecord *row_a = *(const ArtemisStorageRecord *const *) a;
	const ArtemisStorageRecord *row_b = *(const ArtemisStorageRecord *const *) b;
	gint64 group_a = artemis_storage_record_get_int (row_a, ARTEMIS_STORAGE_FIELD_GROUP_ID);
	gint64 group_b = artemis_storage_record_get_int (row_b, ARTEMIS_STORAGE_FIELD_GROUP_ID);

	if (group_a != group_b)
		return group_a < group_b ? -1 : 1;
	return row_a->id < row_b->id ? -1 : row_a->id > row_b->id;
}

static gint64
group_of (GPtrArray *rows, guint index)
{
	return artemis_storage_record_get_int (g_ptr_array_index (rows, index), ARTEMIS_STORAGE_FIELD_GROUP_ID);
}

void
artemis_group_codec_write_group_items_list (ArtemisJsonWriter *writer, GPtrArray *rows)
{
	g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (rows->len);
	guint start = 0;

	for (guint i = 0; i < rows->len; i++)
		g_ptr_array_add (sorted, g_ptr_array_index (rows, i));
	g_ptr_array_sort (sorted, compare_group_then_id);
	artemis_json_writer_begin_array (writer);
	for (guint i = 1; i <= sorted->len; i++) {
		if (i < sorted->len && group_of (sorted, i) == group_of (sorted, start))
			continue;
		write_items (writer, sorted, start, i);
		start = i;
	}
	artemis_json_writer_end_array (writer);
}

/* ---- decoders ---------------------------------------------------------- */

/* Whether the next value is null, which is then consumed. */
static gboolean
take_null (ArtemisJsonScanner *scanner, gboolean *is_null, GError **error)
{
	ArtemisJsonToken token;

	if (!artemis_json_scanner_peek (scanner, &token, error))
		return FALSE;
	*is_null = token == ARTEMIS_JSON_TOKEN_NULL;
	return !*is_null || artemis_json_scanner_skip_value (scanner, error);
}

/* Weights and ports are Java ints, ids longs. */
static gboolean
read_number (ArtemisJsonScanner *scanner, ArtemisStorageField field, gint64 *value, GError **error)
{
	gint small;

	if (field != ARTEMIS_STORAGE_FIELD_WEIGHT && field != ARTEMIS_STORAGE_FIELD_UNRELEASED_WEIGHT &&
	    field != ARTEMIS_STORAGE_FIELD_PORT)
		return artemis_json_scanner_read_int64 (scanner, value, error);
	if (!artemis_json_scanner_read_int (scanner, G_MININT32, G_MAXINT32, &small, error))
		return FALSE;
	*value = small;
	return TRUE;
}

static gboolean
read_field (ArtemisJsonScanner *scanner, ArtemisStorageRecord *record, ArtemisStorageField field, GError **error)
{
	g_autofree char *text = NULL;
	gboolean is_null = FALSE;
	gboolean flag;
	gint64 number;

	if (!artemis_storage_field_is_integer (field) && !artemis_storage_field_is_boolean (field)) {
		if (!artemis_codec_read_text (scanner, &text, error))
			return FALSE;
		artemis_storage_record_set_string (record, field, text);
		return TRUE;
	}
	if (!take_null (scanner, &is_null, error))
		return FALSE;
	if (is_null) {
		artemis_storage_record_unset (record, field);
		return TRUE;
	}
	if (artemis_storage_field_is_boolean (field)) {
		if (!artemis_json_scanner_read_bool (scanner, &flag, error))
			return FALSE;
		artemis_storage_record_set_boolean (record, field, flag);
		return TRUE;
	}
	if (!read_number (scanner, field, &number, error))
		return FALSE;
	artemis_storage_record_set_int (record, field, number);
	return TRUE;
}

gboolean
artemis_group_codec_read_metadata_text (ArtemisJsonScanner *scanner, char **text, GError **error)
{
	g_autoptr (ArtemisJsonWriter) writer = NULL;
	gboolean is_null, more;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	g_clear_pointer (text, g_free);
	if (is_null)
		return TRUE;
	writer = artemis_json_writer_new (128);
	artemis_json_writer_begin_object (writer);
	for (;;) {
		g_autofree char *value = NULL;

		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return FALSE;
		if (!more)
			break;
		if (!artemis_codec_read_text (scanner, &value, error))
			return FALSE;
		artemis_json_writer_member (writer, artemis_json_scanner_get_name (scanner));
		artemis_json_writer_string (writer, value);
	}
	artemis_json_writer_end_object (writer);
	*text = artemis_json_writer_free_to_string (g_steal_pointer (&writer));
	return TRUE;
}

static gboolean
read_id (ArtemisJsonScanner *scanner, gint64 *id, GError **error)
{
	gboolean is_null = FALSE;

	if (!take_null (scanner, &is_null, error))
		return FALSE;
	*id = 0;
	return is_null || artemis_json_scanner_read_int64 (scanner, id, error);
}

static gboolean
read_type_member (ArtemisJsonScanner *scanner, ArtemisStorageRecord *record, const Member *member, GError **error)
{
	g_autofree char *text = NULL;

	switch (member->source) {
	case MEMBER_FIELD:
		return read_field (scanner, record, member->field, error);
	case MEMBER_ID:
		return read_id (scanner, &record->id, error);
	case MEMBER_METADATA:
		if (!artemis_group_codec_read_metadata_text (scanner, &text, error))
			return FALSE;
		artemis_storage_record_set_string (record, ARTEMIS_STORAGE_FIELD_METADATA, text);
		return TRUE;
	default:
		/* Computed or always-null members are output only. */
		return artemis_json_scanner_skip_value (scanner, error);
	}
}

gboolean
artemis_group_codec_read_member (ArtemisJsonScanner *scanner, ArtemisStorageRecord *record, gboolean *known,
				 GError **error)
{
	const ArtemisStorageKindInfo *info = artemis_storage_kind_get_info (record->kind);
	gsize n = 0;
	const Member *members = type_members (record->kind, &n);

	*known = TRUE;
	for (gsize i = 0; i < n; i++) {
		if (artemis_json_scanner_name_is (scanner, members[i].name))
			return artemis_codec_name_field (read_type_member (scanner, record, &members[i], error), error, members[i].name);
	}
	for (guint i = 0; members == NULL && i < info->n_fields; i++) {
		const char *name = artemis_storage_field_get_json_name (info->fields[i]);

		if (artemis_json_scanner_name_is (scanner, name))
			return artemis_codec_name_field (read_field (scanner, record, info->fields[i], error), error, name);
	}
	*known = FALSE;
	return TRUE;
}

static gboolean
read_weight (ArtemisJsonScanner *scanner, gint64 *weight, GError **error)
{
	gboolean is_null = FALSE;
	gint value;

	if (!take_null (scanner, &is_null, error))
		return FALSE;
	*weight = G_MININT64;
	if (is_null)
		return TRUE;
	if (!artemis_json_scanner_read_int (scanner, G_MININT32, G_MAXINT32, &value, error))
		return FALSE;
	*weight = value;
	return TRUE;
}

gboolean
artemis_group_codec_read_record (ArtemisJsonScanner *scanner, ArtemisStorageKind kind, gint64 *weight,
				 ArtemisStorageRecord **record, GError **error)
{
	g_autoptr (ArtemisStorageRecord) result = NULL;
	gboolean is_null, more, known;

	if (weight != NULL)
		*weight = G_MININT64;
	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	*record = NULL;
	if (is_null)
		return TRUE;
	result = artemis_storage_record_new (kind);
	while (artemis_json_scanner_next_member (scanner, &more, error)) {
		if (!more) {
			*record = g_steal_pointer (&result);
			return TRUE;
		}
		if (!artemis_group_codec_read_member (scanner, result, &known, error))
			return FALSE;
		if (known)
			continue;
		if (weight != NULL && artemis_json_scanner_name_is (scanner, "weight")) {
			if (!artemis_codec_name_field (read_weight (scanner, weight, error), error, "weight"))
				return FALSE;
		} else if (!artemis_json_scanner_skip_value (scanner, error)) {
			return FALSE;
		}
	}
	return FALSE;
}
