/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "artemis-error.h"
#include "artemis-group-codec.h"
#include "artemis-codec-private.h"
#include "artemis-group-request.h"
#include "artemis-instance.h"

gboolean
artemis_operation_context_check (const ArtemisOperationContext *context, GError **error)
{
	const struct {
		const char *name;
		const char *value;
	} members[] = {
		{ "operation", context->operation },
		{ "extensions", context->extensions },
		{ "operatorId", context->operator_id },
		{ "token", context->token },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (members); i++) {
		if (artemis_str_is_blank (members[i].value)) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s is null or empty",
				     members[i].name);
			return FALSE;
		}
	}
	return TRUE;
}

static void
group_items_free (ArtemisGroupItems *items)
{
	if (items == NULL)
		return;
	g_clear_pointer (&items->values, g_ptr_array_unref);
	g_free (items);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisGroupItems, group_items_free)

void
artemis_group_request_free (ArtemisGroupRequest *request)
{
	if (request == NULL)
		return;
	g_free (request->context.operation);
	g_free (request->context.operator_id);
	g_free (request->context.token);
	g_free (request->context.extensions);
	g_free (request->context.reason);
	artemis_storage_record_free (request->filter);
	artemis_storage_record_free (request->route_rule);
	for (guint i = 0; i < ARTEMIS_STORAGE_N_KINDS; i++) {
		g_clear_pointer (&request->lists[i], g_ptr_array_unref);
		g_clear_pointer (&request->ids[i], g_array_unref);
	}
	g_clear_pointer (&request->weights, g_array_unref);
	g_clear_pointer (&request->group_tags, g_ptr_array_unref);
	g_clear_pointer (&request->group_operations, g_ptr_array_unref);
	g_clear_pointer (&request->canary_ips, g_ptr_array_unref);
	g_free (request);
}

static guint
count_items (GPtrArray *list, gboolean pairs)
{
	guint count = list != NULL ? list->len : 0;

	for (guint i = 0; list != NULL && i < list->len; i++) {
		const ArtemisGroupItems *items = g_ptr_array_index (list, i);

		if (items != NULL && items->values != NULL)
			count += pairs ? items->values->len / 2 : items->values->len;
	}
	return count;
}

gboolean
artemis_group_request_check_size (const ArtemisGroupRequest *request, guint max_items, GError **error)
{
	guint count = count_items (request->group_tags, TRUE) + count_items (request->group_operations, FALSE);

	for (guint i = 0; i < ARTEMIS_STORAGE_N_KINDS; i++) {
		count += request->lists[i] != NULL ? request->lists[i]->len : 0;
		count += request->ids[i] != NULL ? request->ids[i]->len : 0;
	}
	count += request->canary_ips != NULL ? request->canary_ips->len : 0;
	return artemis_check_batch_size (count, max_items, error);
}

gboolean
artemis_check_batch_size (guint n_items, guint max_items, GError **error)
{
	if (n_items <= max_items)
		return TRUE;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
		     _("The request carries %u items, more than the %u one request may carry ([management] "
		       "max-batch-size)."),
		     n_items, max_items);
	return FALSE;
}

/* ---- values ------------------------------------------------------------ */

static gboolean
peek_null (ArtemisJsonScanner *scanner, gboolean *is_null, GError **error)
{
	ArtemisJsonToken token;

	if (!artemis_json_scanner_peek (scanner, &token, error))
		return FALSE;
	*is_null = token == ARTEMIS_JSON_TOKEN_NULL;
	return TRUE;
}

/* Calls @read_element for each element of an array; *@is_null for a null array. */
typedef gboolean (*ReadElement) (ArtemisJsonScanner *scanner, gpointer target, GError **error);

static gboolean
read_array (ArtemisJsonScanner *scanner, ReadElement read_element, gpointer target, gboolean *is_null,
	    GError **error)
{
	gboolean more;

	if (!artemis_json_scanner_begin_array (scanner, is_null, error))
		return FALSE;
	if (*is_null)
		return TRUE;
	for (;;) {
		if (!artemis_json_scanner_next_element (scanner, &more, error))
			return FALSE;
		if (!more)
			return TRUE;
		if (!read_element (scanner, target, error))
			return FALSE;
	}
}

static gboolean
read_string_element (ArtemisJsonScanner *scanner, gpointer strings, GError **error)
{
	char *value = NULL;

	if (!artemis_codec_read_text (scanner, &value, error))
		return FALSE;
	g_ptr_array_add (strings, value);
	return TRUE;
}

/* An array of strings over *@strings; NULL for null. */
static gboolean
read_strings (ArtemisJsonScanner *scanner, GPtrArray **strings, GError **error)
{
	g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
	gboolean is_null;

	if (!read_array (scanner, read_string_element, result, &is_null, error))
		return FALSE;
	g_clear_pointer (strings, g_ptr_array_unref);
	*strings = is_null ? NULL : g_steal_pointer (&result);
	return TRUE;
}

static gboolean
read_id_element (ArtemisJsonScanner *scanner, gpointer ids, GError **error)
{
	gboolean is_null;
	gint64 id = ARTEMIS_GROUP_REQUEST_NULL_ID;

	if (!peek_null (scanner, &is_null, error))
		return FALSE;
	if (is_null && !artemis_json_scanner_skip_value (scanner, error))
		return FALSE;
	if (!is_null && !artemis_json_scanner_read_int64 (scanner, &id, error))
		return FALSE;
	g_array_append_val ((GArray *) ids, id);
	return TRUE;
}

static gboolean
read_ids (ArtemisJsonScanner *scanner, GArray **ids, GError **error)
{
	g_autoptr (GArray) result = g_array_new (FALSE, FALSE, sizeof (gint64));
	gboolean is_null;

	if (!read_array (scanner, read_id_element, result, &is_null, error))
		return FALSE;
	g_clear_pointer (ids, g_array_unref);
	*ids = is_null ? NULL : g_steal_pointer (&result);
	return TRUE;
}

/* ---- lists of rows ----------------------------------------------------- */

typedef struct {
	ArtemisStorageKind kind;
	GPtrArray *records;
	GArray *weights; /* for `groups` only */
} RecordList;

static gboolean
read_record_element (ArtemisJsonScanner *scanner, gpointer target, GError **error)
{
	RecordList *list = target;
	ArtemisStorageRecord *record = NULL;
	gint64 weight;

	if (!artemis_group_codec_read_record (scanner, list->kind, list->weights != NULL ? &weight : NULL, &record,
					      error))
		return FALSE;
	g_ptr_array_add (list->records, record);
	if (list->weights != NULL)
		g_array_append_val (list->weights, weight);
	return TRUE;
}

static gboolean
read_records (ArtemisJsonScanner *scanner, ArtemisGroupRequest *request, ArtemisStorageKind kind, GError **error)
{
	g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_storage_record_free);
	g_autoptr (GArray) weights = NULL;
	RecordList list = { kind, records, NULL };
	gboolean is_null;

	if (kind == ARTEMIS_STORAGE_SERVICE_GROUP)
		list.weights = weights = g_array_new (FALSE, FALSE, sizeof (gint64));
	if (!read_array (scanner, read_record_element, &list, &is_null, error))
		return FALSE;
	g_clear_pointer (&request->lists[kind], g_ptr_array_unref);
	request->lists[kind] = is_null ? NULL : g_steal_pointer (&records);
	if (kind == ARTEMIS_STORAGE_SERVICE_GROUP) {
		g_clear_pointer (&request->weights, g_array_unref);
		request->weights = is_null ? NULL : g_steal_pointer (&weights);
	}
	return TRUE;
}

/* ---- GroupTags and GroupOperations ------------------------------------- */

static gboolean
read_tags (ArtemisJsonScanner *scanner, GPtrArray **values, GError **error)
{
	g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
	gboolean is_null, more;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	g_clear_pointer (values, g_ptr_array_unref);
	if (is_null)
		return TRUE;
	for (;;) {
		char *value = NULL;

		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return FALSE;
		if (!more)
			break;
		if (!artemis_codec_read_text (scanner, &value, error))
			return FALSE;
		g_ptr_array_add (pairs, g_strdup (artemis_json_scanner_get_name (scanner)));
		g_ptr_array_add (pairs, value);
	}
	*values = g_steal_pointer (&pairs);
	return TRUE;
}

static gboolean
read_group_id (ArtemisJsonScanner *scanner, ArtemisGroupItems *items, GError **error)
{
	gboolean is_null;

	if (!peek_null (scanner, &is_null, error))
		return FALSE;
	items->has_group_id = !is_null;
	if (is_null)
		return artemis_json_scanner_skip_value (scanner, error);
	return artemis_json_scanner_read_int64 (scanner, &items->group_id, error);
}

static gboolean
read_items_member (ArtemisJsonScanner *scanner, ArtemisGroupItems *items, const char *values_name, GError **error)
{
	if (artemis_json_scanner_name_is (scanner, "groupId"))
		return artemis_codec_name_field (read_group_id (scanner, items, error), error, "groupId");
	if (!artemis_json_scanner_name_is (scanner, values_name))
		return artemis_json_scanner_skip_value (scanner, error);
	if (g_str_equal (values_name, "tags"))
		return artemis_codec_name_field (read_tags (scanner, &items->values, error), error, values_name);
	return artemis_codec_name_field (read_strings (scanner, &items->values, error), error, values_name);
}

typedef struct {
	const char *values_name; /* `tags` or `operations` */
	GPtrArray *items;
} ItemsList;

static gboolean
read_items_element (ArtemisJsonScanner *scanner, gpointer target, GError **error)
{
	ItemsList *list = target;
	g_autoptr (ArtemisGroupItems) items = g_new0 (ArtemisGroupItems, 1);
	gboolean is_null, more;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null) {
		g_ptr_array_add (list->items, NULL);
		return TRUE;
	}
	for (;;) {
		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return FALSE;
		if (!more)
			break;
		if (!read_items_member (scanner, items, list->values_name, error))
			return FALSE;
	}
	g_ptr_array_add (list->items, g_steal_pointer (&items));
	return TRUE;
}

static gboolean
read_items_list (ArtemisJsonScanner *scanner, const char *values_name, GPtrArray **items, GError **error)
{
	g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) group_items_free);
	ItemsList list = { values_name, result };
	gboolean is_null;

	if (!read_array (scanner, read_items_element, &list, &is_null, error))
		return FALSE;
	g_clear_pointer (items, g_ptr_array_unref);
	*items = is_null ? NULL : g_steal_pointer (&result);
	return TRUE;
}

/* ---- the request ------------------------------------------------------- */

typedef enum {
	MEMBER_TEXT,
	MEMBER_RECORDS,
	MEMBER_IDS,
} MemberType;

/* The list and id members, and the row kind each carries. */
static const struct {
	const char *name;
	MemberType type;
	ArtemisStorageKind kind;
} list_members[] = {
	{ "routeRules", MEMBER_RECORDS, ARTEMIS_STORAGE_ROUTE_RULE },
	{ "routeRuleGroups", MEMBER_RECORDS, ARTEMIS_STORAGE_ROUTE_RULE_GROUP },
	{ "groups", MEMBER_RECORDS, ARTEMIS_STORAGE_SERVICE_GROUP },
	{ "groupInstances", MEMBER_RECORDS, ARTEMIS_STORAGE_GROUP_INSTANCE },
	{ "serviceInstances", MEMBER_RECORDS, ARTEMIS_STORAGE_SERVICE_INSTANCE },
	{ "routeRuleIds", MEMBER_IDS, ARTEMIS_STORAGE_ROUTE_RULE },
	{ "routeRuleGroupIds", MEMBER_IDS, ARTEMIS_STORAGE_ROUTE_RULE_GROUP },
	{ "groupIds", MEMBER_IDS, ARTEMIS_STORAGE_SERVICE_GROUP },
	{ "groupInstanceIds", MEMBER_IDS, ARTEMIS_STORAGE_GROUP_INSTANCE },
	{ "serviceInstanceIds", MEMBER_IDS, ARTEMIS_STORAGE_SERVICE_INSTANCE },
};

/* The context member named like the scanner's current member, or NULL. */
static char **
find_context_member (ArtemisJsonScanner *scanner, ArtemisOperationContext *context)
{
	const struct {
		const char *name;
		char **value;
	} members[] = {
		{ "operation", &context->operation },   { "operatorId", &context->operator_id },
		{ "token", &context->token },           { "extensions", &context->extensions },
		{ "reason", &context->reason },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (members); i++) {
		if (artemis_json_scanner_name_is (scanner, members[i].name))
			return members[i].value;
	}
	return NULL;
}

static gboolean
read_list_member (ArtemisJsonScanner *scanner, ArtemisGroupRequest *request, gboolean *known, GError **error)
{
	*known = TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (list_members); i++) {
		ArtemisStorageKind kind = list_members[i].kind;

		if (!artemis_json_scanner_name_is (scanner, list_members[i].name))
			continue;
		if (list_members[i].type == MEMBER_RECORDS)
			return artemis_codec_name_field (read_records (scanner, request, kind, error), error, list_members[i].name);
		return artemis_codec_name_field (read_ids (scanner, &request->ids[kind], error), error, list_members[i].name);
	}
	*known = FALSE;
	return TRUE;
}

static gboolean
read_route_rule (ArtemisJsonScanner *scanner, ArtemisGroupRequest *request, GError **error)
{
	g_clear_pointer (&request->route_rule, artemis_storage_record_free);
	return artemis_group_codec_read_record (scanner, ARTEMIS_STORAGE_ROUTE_RULE, NULL, &request->route_rule,
						error);
}

static gboolean
read_request_member (ArtemisJsonScanner *scanner, ArtemisGroupRequest *request, GError **error)
{
	char **text = find_context_member (scanner, &request->context);
	gboolean known;

	if (text != NULL)
		return artemis_codec_read_named_text (scanner, text, artemis_json_scanner_get_name (scanner), error);
	if (!read_list_member (scanner, request, &known, error))
		return FALSE;
	if (known)
		return TRUE;
	if (artemis_json_scanner_name_is (scanner, "operationComplete"))
		return artemis_codec_name_field (artemis_json_scanner_read_bool (scanner, &request->operation_complete, error), error,
			      "operationComplete");
	if (artemis_json_scanner_name_is (scanner, "routeRule"))
		return artemis_codec_name_field (read_route_rule (scanner, request, error), error, "routeRule");
	if (artemis_json_scanner_name_is (scanner, "groupTagsList"))
		return artemis_codec_name_field (read_items_list (scanner, "tags", &request->group_tags, error), error, "groupTagsList");
	if (artemis_json_scanner_name_is (scanner, "groupOperationsList"))
		return artemis_codec_name_field (read_items_list (scanner, "operations", &request->group_operations, error), error,
			      "groupOperationsList");
	if (artemis_json_scanner_name_is (scanner, "canaryIps"))
		return artemis_codec_name_field (read_strings (scanner, &request->canary_ips, error), error, "canaryIps");
	if (!artemis_group_codec_read_member (scanner, request->filter, &known, error))
		return FALSE;
	return known || artemis_json_scanner_skip_value (scanner, error);
}

ArtemisGroupRequest *
artemis_group_request_decode (const char *data, gsize len, ArtemisStorageKind filter_kind, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_codec_begin_request (data, len, error);
	g_autoptr (ArtemisGroupRequest) request = g_new0 (ArtemisGroupRequest, 1);
	gboolean more;

	if (scanner == NULL)
		return NULL;
	/* Java's OperationContext initialises it so: absent is `{}`, an explicit null is null. */
	request->context.extensions = g_strdup ("{}");
	request->filter = artemis_storage_record_new (filter_kind);
	for (;;) {
		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return NULL;
		if (!more)
			break;
		if (!read_request_member (scanner, request, error))
			return NULL;
	}
	if (!artemis_json_scanner_finish (scanner, error))
		return NULL;
	return g_steal_pointer (&request);
}

ArtemisStorageRecord *
artemis_group_request_decode_record (const char *data, gsize len, ArtemisStorageKind kind, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_codec_begin_request (data, len, error);
	g_autoptr (ArtemisStorageRecord) record = artemis_storage_record_new (kind);
	gboolean more, known;

	if (scanner == NULL)
		return NULL;
	for (;;) {
		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return NULL;
		if (!more)
			break;
		if (!artemis_group_codec_read_member (scanner, record, &known, error))
			return NULL;
		if (!known && !artemis_json_scanner_skip_value (scanner, error))
			return NULL;
	}
	if (!artemis_json_scanner_finish (scanner, error))
		return NULL;
	return g_steal_pointer (&record);
}
