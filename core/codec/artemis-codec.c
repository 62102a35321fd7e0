/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-codec.h"
#include "artemis-codec-private.h"
#include "artemis-error.h"

/* ---- encoders ---------------------------------------------------------- */

static const char *
status_for_error_code (const char *error_code)
{
	if (g_str_equal (error_code, ARTEMIS_ERROR_CODE_SUCCESS))
		return "success";
	if (g_str_equal (error_code, ARTEMIS_ERROR_CODE_PARTIAL_FAIL))
		return "partial_fail";
	return "fail";
}

void
artemis_codec_write_response_status (ArtemisJsonWriter *writer, const char *error_code, const char *message)
{
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "errorCode", error_code);
	artemis_json_writer_member_string (writer, "message", message);
	artemis_json_writer_member_string (writer, "status", status_for_error_code (error_code));
	artemis_json_writer_end_object (writer);
}

void
artemis_codec_write_success_status (ArtemisJsonWriter *writer)
{
	artemis_codec_write_response_status (writer, ARTEMIS_ERROR_CODE_SUCCESS, "");
}

static void
write_instance_metadata (ArtemisJsonWriter *writer, const ArtemisInstance *instance)
{
	if (!artemis_instance_has_metadata (instance)) {
		artemis_json_writer_null (writer);
		return;
	}
	artemis_json_writer_begin_object (writer);
	for (guint i = 0; i < artemis_instance_get_n_metadata (instance); i++) {
		artemis_json_writer_member (writer, artemis_instance_get_metadata_key (instance, i));
		artemis_json_writer_string (writer, artemis_instance_get_metadata_value (instance, i));
	}
	artemis_json_writer_end_object (writer);
}

static void
write_field (ArtemisJsonWriter *writer, const char *name, const ArtemisInstance *instance,
	     ArtemisInstanceField field)
{
	artemis_json_writer_member_string (writer, name, artemis_instance_get (instance, field));
}

void
artemis_codec_write_instance (ArtemisJsonWriter *writer, const ArtemisInstance *instance)
{
	artemis_json_writer_begin_object (writer);
	write_field (writer, "groupId", instance, ARTEMIS_INSTANCE_GROUP_ID);
	write_field (writer, "healthCheckUrl", instance, ARTEMIS_INSTANCE_HEALTH_CHECK_URL);
	write_field (writer, "instanceId", instance, ARTEMIS_INSTANCE_INSTANCE_ID);
	write_field (writer, "ip", instance, ARTEMIS_INSTANCE_IP);
	write_field (writer, "machineName", instance, ARTEMIS_INSTANCE_MACHINE_NAME);
	artemis_json_writer_member (writer, "metadata");
	write_instance_metadata (writer, instance);
	artemis_json_writer_member_int (writer, "port", artemis_instance_get_port (instance));
	write_field (writer, "protocol", instance, ARTEMIS_INSTANCE_PROTOCOL);
	write_field (writer, "regionId", instance, ARTEMIS_INSTANCE_REGION_ID);
	write_field (writer, "serviceId", instance, ARTEMIS_INSTANCE_SERVICE_ID);
	write_field (writer, "status", instance, ARTEMIS_INSTANCE_STATUS);
	write_field (writer, "url", instance, ARTEMIS_INSTANCE_URL);
	write_field (writer, "zoneId", instance, ARTEMIS_INSTANCE_ZONE_ID);
	artemis_json_writer_end_object (writer);
}

void
artemis_codec_write_instances (ArtemisJsonWriter *writer, GPtrArray *instances)
{
	if (instances == NULL) {
		artemis_json_writer_null (writer);
		return;
	}
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < instances->len; i++) {
		const ArtemisInstance *instance = g_ptr_array_index (instances, i);

		if (instance != NULL)
			artemis_codec_write_instance (writer, instance);
		else
			artemis_json_writer_null (writer);
	}
	artemis_json_writer_end_array (writer);
}

void
artemis_codec_write_string_pairs (ArtemisJsonWriter *writer, GPtrArray *pairs)
{
	if (pairs == NULL) {
		artemis_json_writer_null (writer);
		return;
	}
	artemis_json_writer_begin_object (writer);
	for (guint i = 0; i + 1 < pairs->len; i += 2) {
		artemis_json_writer_member (writer, g_ptr_array_index (pairs, i));
		artemis_json_writer_string (writer, g_ptr_array_index (pairs, i + 1));
	}
	artemis_json_writer_end_object (writer);
}

static void
write_strings (ArtemisJsonWriter *writer, GPtrArray *strings)
{
	if (strings == NULL) {
		artemis_json_writer_null (writer);
		return;
	}
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < strings->len; i++)
		artemis_json_writer_string (writer, g_ptr_array_index (strings, i));
	artemis_json_writer_end_array (writer);
}

static void
write_service_group (ArtemisJsonWriter *writer, const ArtemisServiceGroup *group)
{
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "groupKey", group->group_key);
	artemis_json_writer_member (writer, "instanceIds");
	write_strings (writer, group->instance_ids);
	artemis_json_writer_member (writer, "instances");
	artemis_codec_write_instances (writer, group->instances);
	artemis_json_writer_member (writer, "metadata");
	artemis_codec_write_string_pairs (writer, group->metadata);
	if (group->has_weight)
		artemis_json_writer_member_int (writer, "weight", group->weight);
	else
		artemis_json_writer_member_null (writer, "weight");
	artemis_json_writer_end_object (writer);
}

void
artemis_codec_write_service_groups (ArtemisJsonWriter *writer, GPtrArray *groups)
{
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < groups->len; i++)
		write_service_group (writer, g_ptr_array_index (groups, i));
	artemis_json_writer_end_array (writer);
}

static void
write_route_rules (ArtemisJsonWriter *writer, GPtrArray *rules)
{
	if (rules == NULL) {
		artemis_json_writer_null (writer);
		return;
	}
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < rules->len; i++) {
		const ArtemisRouteRule *rule = g_ptr_array_index (rules, i);

		artemis_json_writer_begin_object (writer);
		artemis_json_writer_member (writer, "groups");
		artemis_codec_write_service_groups (writer, rule->groups);
		artemis_json_writer_member_string (writer, "routeId", rule->route_id);
		artemis_json_writer_member_string (writer, "strategy", rule->strategy);
		artemis_json_writer_end_object (writer);
	}
	artemis_json_writer_end_array (writer);
}

void
artemis_codec_write_service (ArtemisJsonWriter *writer, const ArtemisService *service)
{
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "instances");
	artemis_codec_write_instances (writer, service->instances);
	artemis_json_writer_member (writer, "logicInstances");
	artemis_codec_write_instances (writer, service->logic_instances);
	artemis_json_writer_member_null (writer, "metadata");
	artemis_json_writer_member (writer, "routeRules");
	write_route_rules (writer, service->route_rules);
	artemis_json_writer_member_string (writer, "serviceId", service->service_id);
	artemis_json_writer_end_object (writer);
}

void
artemis_codec_write_change (ArtemisJsonWriter *writer, const ArtemisChange *change)
{
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_int (writer, "changeTime", change->time_ms);
	artemis_json_writer_member_string (writer, "changeType", artemis_change_type_to_string (change->type));
	artemis_json_writer_member (writer, "instance");
	artemis_codec_write_instance (writer, change->instance);
	artemis_json_writer_end_object (writer);
}

static GBytes *
encode_failed_instance (const ArtemisFailedInstance *failure)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (512);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "errorCode", failure->error_code);
	artemis_json_writer_member_string (writer, "errorMessage", failure->message);
	artemis_json_writer_member (writer, "instance");
	artemis_codec_write_instance (writer, failure->instance);
	artemis_json_writer_end_object (writer);
	return artemis_json_writer_free_to_bytes (g_steal_pointer (&writer));
}

guint
artemis_codec_write_failed_instances (ArtemisJsonWriter *writer, GPtrArray *failed, gsize max_size)
{
	guint omitted = 0;

	if (failed == NULL || failed->len == 0) {
		artemis_json_writer_null (writer);
		return 0;
	}
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < failed->len; i++) {
		g_autoptr (GBytes) element = encode_failed_instance (g_ptr_array_index (failed, i));
		gsize written = 0;

		artemis_json_writer_peek (writer, &written);
		if (max_size > 0 && written + g_bytes_get_size (element) > max_size) {
			omitted++;
			continue;
		}
		artemis_json_writer_raw (writer, g_bytes_get_data (element, NULL), g_bytes_get_size (element));
	}
	artemis_json_writer_end_array (writer);
	return omitted;
}

/* ---- decoders ---------------------------------------------------------- */

gboolean
artemis_codec_next_member (ArtemisJsonScanner *scanner, gboolean *failed, GError **error)
{
	gboolean more = FALSE;

	*failed = !artemis_json_scanner_next_member (scanner, &more, error);
	return !*failed && more;
}

gboolean
artemis_codec_next_element (ArtemisJsonScanner *scanner, gboolean *failed, GError **error)
{
	gboolean more = FALSE;

	*failed = !artemis_json_scanner_next_element (scanner, &more, error);
	return !*failed && more;
}

gboolean
artemis_codec_read_text (ArtemisJsonScanner *scanner, char **value, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;

	if (!artemis_json_scanner_read_string_len (scanner, &text, &len, error))
		return FALSE;
	if (text != NULL && strlen (text) != len) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "strings must not contain NUL characters");
		return FALSE;
	}
	g_free (*value);
	*value = g_steal_pointer (&text);
	return TRUE;
}

static gboolean
read_string_pairs (ArtemisJsonScanner *scanner, GPtrArray **pairs, GError **error)
{
	g_autoptr (GPtrArray) result = NULL;
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null) {
		*pairs = NULL;
		return TRUE;
	}
	result = g_ptr_array_new_with_free_func (g_free);
	while (artemis_codec_next_member (scanner, &failed, error)) {
		g_autofree char *value = NULL;

		if (!artemis_codec_read_text (scanner, &value, error))
			return FALSE;
		g_ptr_array_add (result, g_strdup (artemis_json_scanner_get_name (scanner)));
		g_ptr_array_add (result, g_steal_pointer (&value));
	}
	if (failed)
		return FALSE;
	*pairs = g_steal_pointer (&result);
	return TRUE;
}

static gboolean
read_instance_metadata (ArtemisJsonScanner *scanner, ArtemisInstanceBuilder *builder, GError **error)
{
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null)
		return TRUE;
	artemis_instance_builder_begin_metadata (builder);
	while (artemis_codec_next_member (scanner, &failed, error)) {
		char *value = NULL;

		if (!artemis_codec_read_text (scanner, &value, error))
			return FALSE;
		artemis_instance_builder_take_metadata (builder, g_strdup (artemis_json_scanner_get_name (scanner)),
							value);
	}
	return !failed;
}

/* Member names of an instance; the others are `port` and `metadata`. */
#define FIELD(name, field) { name, sizeof (name) - 1, field }
static const struct {
	const char *name;
	gsize len;
	ArtemisInstanceField field;
} instance_fields[] = {
	FIELD ("groupId", ARTEMIS_INSTANCE_GROUP_ID),
	FIELD ("healthCheckUrl", ARTEMIS_INSTANCE_HEALTH_CHECK_URL),
	FIELD ("instanceId", ARTEMIS_INSTANCE_INSTANCE_ID),
	FIELD ("ip", ARTEMIS_INSTANCE_IP),
	FIELD ("machineName", ARTEMIS_INSTANCE_MACHINE_NAME),
	FIELD ("protocol", ARTEMIS_INSTANCE_PROTOCOL),
	FIELD ("regionId", ARTEMIS_INSTANCE_REGION_ID),
	FIELD ("serviceId", ARTEMIS_INSTANCE_SERVICE_ID),
	FIELD ("status", ARTEMIS_INSTANCE_STATUS),
	FIELD ("url", ARTEMIS_INSTANCE_URL),
	FIELD ("zoneId", ARTEMIS_INSTANCE_ZONE_ID),
};
#undef FIELD

/* The index in instance_fields of the member named @name (any case), or -1. */
static int
find_instance_field (const char *name, gsize len)
{
	for (gsize i = 0; i < G_N_ELEMENTS (instance_fields); i++) {
		if (instance_fields[i].len == len && g_ascii_strncasecmp (name, instance_fields[i].name, len) == 0)
			return i;
	}
	return -1;
}

gboolean
artemis_codec_name_field (gboolean ok, GError **error, const char *field)
{
	if (!ok)
		g_prefix_error (error, "%s: ", field);
	return ok;
}

static gboolean
read_instance_member (ArtemisJsonScanner *scanner, ArtemisInstanceBuilder *builder, GError **error)
{
	gsize len;
	const char *name = artemis_json_scanner_peek_name (scanner, &len);
	int index = find_instance_field (name, len);

	if (index >= 0) {
		char *value = NULL;

		if (!artemis_codec_read_named_text (scanner, &value, instance_fields[index].name, error))
			return FALSE;
		artemis_instance_builder_take (builder, instance_fields[index].field, value);
		return TRUE;
	}
	if (artemis_json_scanner_name_is (scanner, "port")) {
		gint port;

		if (!artemis_codec_name_field (artemis_json_scanner_read_int (scanner, G_MININT32, G_MAXINT32, &port, error), error,
				 "port"))
			return FALSE;
		artemis_instance_builder_set_port (builder, port);
		return TRUE;
	}
	if (artemis_json_scanner_name_is (scanner, "metadata"))
		return artemis_codec_name_field (read_instance_metadata (scanner, builder, error), error, "metadata");
	return artemis_json_scanner_skip_value (scanner, error);
}

gboolean
artemis_codec_read_instance (ArtemisJsonScanner *scanner, ArtemisInstanceBuilder *builder,
			     ArtemisInstance **instance, GError **error)
{
	gboolean is_null, failed;

	artemis_instance_builder_reset (builder);
	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null) {
		*instance = NULL;
		return TRUE;
	}
	while (artemis_codec_next_member (scanner, &failed, error)) {
		if (!read_instance_member (scanner, builder, error))
			return FALSE;
	}
	if (failed)
		return FALSE;
	*instance = artemis_instance_builder_end (builder);
	return TRUE;
}

/* Reads one array element into *@element (NULL for a JSON null where allowed). */
typedef gboolean (*ReadElement) (ArtemisJsonScanner *scanner, gpointer context, gpointer *element,
				 GError **error);

/* An array whose elements @read_element reads, or NULL for `null`. */
static gboolean
read_array (ArtemisJsonScanner *scanner, ReadElement read_element, gpointer context, GDestroyNotify free_element,
	    guint max_elements, GPtrArray **array, GError **error)
{
	g_autoptr (GPtrArray) result = NULL;
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_array (scanner, &is_null, error))
		return FALSE;
	if (is_null) {
		*array = NULL;
		return TRUE;
	}
	result = g_ptr_array_new_with_free_func (free_element);
	while (artemis_codec_next_element (scanner, &failed, error)) {
		gpointer element = NULL;

		if (!read_element (scanner, context, &element, error))
			return FALSE;
		g_ptr_array_add (result, element);
		/* Past @max_elements the caller refuses the request: the rest is not even read. */
		if (result->len > max_elements)
			break;
	}
	if (failed)
		return FALSE;
	*array = g_steal_pointer (&result);
	return TRUE;
}

static gboolean
read_text_element (ArtemisJsonScanner *scanner, gpointer context, gpointer *element, GError **error)
{
	return artemis_codec_read_text (scanner, (char **) element, error);
}

/* NULL elements are kept: the registry skips them (protocol §5.2). */
static gboolean
read_instance_element (ArtemisJsonScanner *scanner, gpointer builder, gpointer *element, GError **error)
{
	return artemis_codec_read_instance (scanner, builder, (ArtemisInstance **) element, error);
}

static gboolean
read_config_element (ArtemisJsonScanner *scanner, gpointer context, gpointer *element, GError **error)
{
	return artemis_codec_read_discovery_config (scanner, (ArtemisDiscoveryConfig **) element, error);
}

static gboolean
read_instance_array (ArtemisJsonScanner *scanner, guint max_instances, GPtrArray **instances, GError **error)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	return read_array (scanner, read_instance_element, builder, (GDestroyNotify) artemis_instance_unref,
			   max_instances, instances, error);
}

static gboolean
read_config_array (ArtemisJsonScanner *scanner, GPtrArray **configs, GError **error)
{
	return read_array (scanner, read_config_element, NULL, (GDestroyNotify) artemis_discovery_config_free,
			   G_MAXUINT, configs, error);
}

static gboolean
read_text_array (ArtemisJsonScanner *scanner, GPtrArray **strings, GError **error)
{
	return read_array (scanner, read_text_element, NULL, g_free, G_MAXUINT, strings, error);
}

gboolean
artemis_codec_read_named_text (ArtemisJsonScanner *scanner, char **value, const char *field, GError **error)
{
	return artemis_codec_name_field (artemis_codec_read_text (scanner, value, error), error, field);
}

ArtemisJsonScanner *
artemis_codec_begin_request (const char *data, gsize len, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_json_scanner_new (data, len);
	gboolean is_null;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return NULL;
	if (is_null) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request is null");
		return NULL;
	}
	return g_steal_pointer (&scanner);
}


gboolean
artemis_codec_decode_instances_request (const char *data, gsize len, guint max_instances, GPtrArray **instances,
					GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_codec_begin_request (data, len, error);
	g_autoptr (GPtrArray) result = NULL;
	gboolean failed;

	if (scanner == NULL)
		return FALSE;
	while (artemis_codec_next_member (scanner, &failed, error)) {
		gboolean ok;

		if (artemis_json_scanner_name_is (scanner, "instances")) {
			g_clear_pointer (&result, g_ptr_array_unref);
			ok = artemis_codec_name_field (read_instance_array (scanner, max_instances, &result, error), error,
						       "instances");
			/* Too many: the registry refuses the request whole, the rest is not read. */
			if (ok && result != NULL && result->len > max_instances) {
				*instances = g_steal_pointer (&result);
				return TRUE;
			}
		} else {
			ok = artemis_json_scanner_skip_value (scanner, error);
		}
		if (!ok)
			return FALSE;
	}
	if (failed)
		return FALSE;
	if (!artemis_json_scanner_finish (scanner, error))
		return FALSE;
	*instances = g_steal_pointer (&result);
	return TRUE;
}

gboolean
artemis_codec_read_discovery_config (ArtemisJsonScanner *scanner, ArtemisDiscoveryConfig **config,
				     GError **error)
{
	g_autoptr (ArtemisDiscoveryConfig) result = NULL;
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null) {
		*config = NULL;
		return TRUE;
	}
	result = artemis_discovery_config_new (NULL);
	while (artemis_codec_next_member (scanner, &failed, error)) {
		gboolean ok;

		if (artemis_json_scanner_name_is (scanner, "serviceId"))
			ok = artemis_codec_read_named_text (scanner, &result->service_id, "serviceId", error);
		else if (artemis_json_scanner_name_is (scanner, "regionId"))
			ok = artemis_codec_read_named_text (scanner, &result->region_id, "regionId", error);
		else if (artemis_json_scanner_name_is (scanner, "zoneId"))
			ok = artemis_codec_read_named_text (scanner, &result->zone_id, "zoneId", error);
		else if (artemis_json_scanner_name_is (scanner, "discoveryData")) {
			g_clear_pointer (&result->discovery_data, g_ptr_array_unref);
			ok = artemis_codec_name_field (read_string_pairs (scanner, &result->discovery_data, error), error,
					 "discoveryData");
		} else
			ok = artemis_json_scanner_skip_value (scanner, error);
		if (!ok)
			return FALSE;
	}
	if (failed)
		return FALSE;
	*config = g_steal_pointer (&result);
	return TRUE;
}

void
artemis_lookup_request_free (ArtemisLookupRequest *request)
{
	if (request == NULL)
		return;
	g_clear_pointer (&request->configs, g_ptr_array_unref);
	g_free (request->region_id);
	g_free (request->zone_id);
	g_free (request);
}

ArtemisLookupRequest *
artemis_codec_decode_lookup_request (const char *data, gsize len, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_codec_begin_request (data, len, error);
	g_autoptr (ArtemisLookupRequest) request = g_new0 (ArtemisLookupRequest, 1);
	gboolean failed;

	if (scanner == NULL)
		return NULL;
	while (artemis_codec_next_member (scanner, &failed, error)) {
		gboolean ok;

		if (artemis_json_scanner_name_is (scanner, "discoveryConfigs")) {
			g_clear_pointer (&request->configs, g_ptr_array_unref);
			ok = artemis_codec_name_field (read_config_array (scanner, &request->configs, error), error,
					 "discoveryConfigs");
		} else if (artemis_json_scanner_name_is (scanner, "regionId"))
			ok = artemis_codec_read_named_text (scanner, &request->region_id, "regionId", error);
		else if (artemis_json_scanner_name_is (scanner, "zoneId"))
			ok = artemis_codec_read_named_text (scanner, &request->zone_id, "zoneId", error);
		else
			ok = artemis_json_scanner_skip_value (scanner, error);
		if (!ok)
			return NULL;
	}
	if (failed)
		return NULL;
	if (!artemis_json_scanner_finish (scanner, error))
		return NULL;
	return g_steal_pointer (&request);
}

void
artemis_simple_request_free (ArtemisSimpleRequest *request)
{
	if (request == NULL)
		return;
	artemis_discovery_config_free (request->discovery_config);
	g_free (request->region_id);
	g_free (request->zone_id);
	g_clear_pointer (&request->service_ids, g_ptr_array_unref);
	g_free (request);
}

static gboolean
read_simple_member (ArtemisJsonScanner *scanner, ArtemisSimpleRequest *request, GError **error)
{
	if (artemis_json_scanner_name_is (scanner, "regionId"))
		return artemis_codec_read_named_text (scanner, &request->region_id, "regionId", error);
	if (artemis_json_scanner_name_is (scanner, "zoneId"))
		return artemis_codec_read_named_text (scanner, &request->zone_id, "zoneId", error);
	if (artemis_json_scanner_name_is (scanner, "version"))
		return artemis_codec_name_field (artemis_json_scanner_read_int64 (scanner, &request->version, error), error,
				   "version");
	if (artemis_json_scanner_name_is (scanner, "discoveryConfig")) {
		g_clear_pointer (&request->discovery_config, artemis_discovery_config_free);
		return artemis_codec_name_field (artemis_codec_read_discovery_config (scanner, &request->discovery_config, error),
				   error, "discoveryConfig");
	}
	if (artemis_json_scanner_name_is (scanner, "serviceIds")) {
		g_clear_pointer (&request->service_ids, g_ptr_array_unref);
		return artemis_codec_name_field (read_text_array (scanner, &request->service_ids, error), error, "serviceIds");
	}
	return artemis_json_scanner_skip_value (scanner, error);
}

ArtemisSimpleRequest *
artemis_codec_decode_simple_request (const char *data, gsize len, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_codec_begin_request (data, len, error);
	g_autoptr (ArtemisSimpleRequest) request = g_new0 (ArtemisSimpleRequest, 1);
	gboolean failed;

	if (scanner == NULL)
		return NULL;
	while (artemis_codec_next_member (scanner, &failed, error)) {
		if (!read_simple_member (scanner, request, error))
			return NULL;
	}
	if (failed)
		return NULL;
	if (!artemis_json_scanner_finish (scanner, error))
		return NULL;
	return g_steal_pointer (&request);
}
