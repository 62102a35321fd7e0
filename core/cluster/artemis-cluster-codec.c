/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-cluster-codec.h"
#include "artemis-codec-private.h"
#include "artemis-codec.h"
#include "artemis-error.h"
#include "artemis-replication-context.h"

/* ---- encoders ---------------------------------------------------------- */

void
artemis_cluster_codec_write_node (ArtemisJsonWriter *writer, const char *url, const char *region_id,
				  const char *zone_id)
{
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "url", url);
	artemis_json_writer_member (writer, "zone");
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_null (writer, "metadata");
	artemis_json_writer_member_string (writer, "regionId", region_id);
	artemis_json_writer_member_string (writer, "zoneId", zone_id);
	artemis_json_writer_end_object (writer);
	artemis_json_writer_end_object (writer);
}

static void
write_tristate (ArtemisJsonWriter *writer, const char *name, ArtemisTristate value)
{
	if (value == ARTEMIS_TRISTATE_NULL)
		artemis_json_writer_member_null (writer, name);
	else
		artemis_json_writer_member_bool (writer, name, value == ARTEMIS_TRISTATE_TRUE);
}

void
artemis_cluster_codec_write_node_status (ArtemisJsonWriter *writer, const char *url, const char *region_id,
					 const char *zone_id, const ArtemisNodeStatus *status)
{
	artemis_json_writer_begin_object (writer);
	write_tristate (writer, "allowDiscoveryFromOtherZone", status->allow_discovery_from_other_zone);
	write_tristate (writer, "allowRegistryFromOtherZone", status->allow_registry_from_other_zone);
	write_tristate (writer, "canServiceDiscovery", status->can_serve_discovery);
	write_tristate (writer, "canServiceRegistry", status->can_serve_registry);
	artemis_json_writer_member (writer, "node");
	artemis_cluster_codec_write_node (writer, url, region_id, zone_id);
	artemis_json_writer_member_string (writer, "status", artemis_node_state_to_string (status->state));
	artemis_json_writer_end_object (writer);
}

GBytes *
artemis_cluster_codec_encode_instances (GPtrArray *instances)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (512 * (instances->len + 1));

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "instances");
	artemis_codec_write_instances (writer, instances);
	artemis_json_writer_end_object (writer);
	return artemis_json_writer_free_to_bytes (writer);
}

/* ---- decoders ---------------------------------------------------------- */

/* A responseStatus: only its errorCode matters to a peer (protocol §11.4). */
static gboolean
read_error_code (ArtemisJsonScanner *scanner, char **error_code, GError **error)
{
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	while (!is_null && artemis_codec_next_member (scanner, &failed, error)) {
		gboolean ok;

		if (artemis_json_scanner_name_is (scanner, "errorCode"))
			ok = artemis_codec_read_named_text (scanner, error_code, "errorCode", error);
		else
			ok = artemis_json_scanner_skip_value (scanner, error);
		if (!ok)
			return FALSE;
	}
	return is_null || !failed;
}

/* Reads one member of an answer into @target. */
typedef gboolean (*ReadMember) (ArtemisJsonScanner *scanner, gpointer target, GError **error);

/*
 * A peer's answer `{"<name>":…,"responseStatus":…}` (members in any order,
 * others skipped): @read reads member @name into @target, *@error_code gets
 * the responseStatus' errorCode (NULL when there is none).
 */
static gboolean
decode_answer (const char *data, gsize len, const char *name, ReadMember read, gpointer target, char **error_code,
	       GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_codec_begin_request (data, len, error);
	gboolean failed;

	if (scanner == NULL)
		return FALSE;
	while (artemis_codec_next_member (scanner, &failed, error)) {
		gboolean ok;

		if (artemis_json_scanner_name_is (scanner, name))
			ok = artemis_codec_name_field (read (scanner, target, error), error, name);
		else if (artemis_json_scanner_name_is (scanner, "responseStatus"))
			ok = artemis_codec_name_field (read_error_code (scanner, error_code, error), error,
						       "responseStatus");
		else
			ok = artemis_json_scanner_skip_value (scanner, error);
		if (!ok)
			return FALSE;
	}
	return !failed && artemis_json_scanner_finish (scanner, error);
}

static gboolean
require_success (const char *error_code, GError **error)
{
	if (g_strcmp0 (error_code, ARTEMIS_ERROR_CODE_SUCCESS) == 0)
		return TRUE;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "the peer answered %s",
		     error_code != NULL ? error_code : "without a responseStatus");
	return FALSE;
}

static gboolean
read_tristate (ArtemisJsonScanner *scanner, ArtemisTristate *value, GError **error)
{
	ArtemisJsonToken token;
	gboolean flag = FALSE;

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

static ArtemisNodeState
node_state_from_string (const char *text)
{
	static const ArtemisNodeState states[] = { ARTEMIS_NODE_STARTING, ARTEMIS_NODE_UP, ARTEMIS_NODE_DOWN };

	for (gsize i = 0; i < G_N_ELEMENTS (states); i++) {
		if (g_strcmp0 (text, artemis_node_state_to_string (states[i])) == 0)
			return states[i];
	}
	return ARTEMIS_NODE_UNKNOWN;
}

static gboolean
read_node_status_member (ArtemisJsonScanner *scanner, ArtemisNodeStatus *status, GError **error)
{
	if (artemis_json_scanner_name_is (scanner, "allowDiscoveryFromOtherZone"))
		return read_tristate (scanner, &status->allow_discovery_from_other_zone, error);
	if (artemis_json_scanner_name_is (scanner, "allowRegistryFromOtherZone"))
		return read_tristate (scanner, &status->allow_registry_from_other_zone, error);
	if (artemis_json_scanner_name_is (scanner, "canServiceDiscovery"))
		return read_tristate (scanner, &status->can_serve_discovery, error);
	if (artemis_json_scanner_name_is (scanner, "canServiceRegistry"))
		return read_tristate (scanner, &status->can_serve_registry, error);
	if (artemis_json_scanner_name_is (scanner, "status")) {
		g_autofree char *state = NULL;

		if (!artemis_codec_read_named_text (scanner, &state, "status", error))
			return FALSE;
		status->state = node_state_from_string (state);
		return TRUE;
	}
	return artemis_json_scanner_skip_value (scanner, error);
}

/* A nullable ServiceNodeStatus; @target is a NodeStatusAnswer. */
typedef struct {
	ArtemisNodeStatus status;
	gboolean present;
} NodeStatusAnswer;

static gboolean
read_node_status (ArtemisJsonScanner *scanner, gpointer target, GError **error)
{
	NodeStatusAnswer *answer = target;
	gboolean is_null, failed;

	answer->status = ARTEMIS_NODE_STATUS_UNKNOWN;
	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	answer->present = !is_null;
	while (!is_null && artemis_codec_next_member (scanner, &failed, error)) {
		if (!read_node_status_member (scanner, &answer->status, error))
			return FALSE;
	}
	return is_null || !failed;
}

gboolean
artemis_cluster_codec_decode_node_status (const char *data, gsize len, ArtemisNodeStatus *status, GError **error)
{
	NodeStatusAnswer answer = { ARTEMIS_NODE_STATUS_UNKNOWN, FALSE };
	g_autofree char *error_code = NULL;

	if (!decode_answer (data, len, "nodeStatus", read_node_status, &answer, &error_code, error) ||
	    !require_success (error_code, error))
		return FALSE;
	if (!answer.present) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "nodeStatus is null");
		return FALSE;
	}
	*status = answer.status;
	return TRUE;
}

/* One failed instance of a peer's answer: its errorCode and the instance it names. */
typedef struct {
	char *error_code;
	ArtemisInstance *instance;
} PeerFailure;

static void
peer_failure_free (PeerFailure *failure)
{
	g_free (failure->error_code);
	g_clear_pointer (&failure->instance, artemis_instance_unref);
	g_free (failure);
}

static gboolean
read_peer_failure (ArtemisJsonScanner *scanner, ArtemisInstanceBuilder *builder, GPtrArray *failures,
		   GError **error)
{
	PeerFailure *failure;
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null)
		return TRUE;
	failure = g_new0 (PeerFailure, 1);
	g_ptr_array_add (failures, failure);
	while (artemis_codec_next_member (scanner, &failed, error)) {
		gboolean ok;

		if (artemis_json_scanner_name_is (scanner, "errorCode"))
			ok = artemis_codec_read_named_text (scanner, &failure->error_code, "errorCode", error);
		else if (artemis_json_scanner_name_is (scanner, "instance")) {
			g_clear_pointer (&failure->instance, artemis_instance_unref);
			ok = artemis_codec_read_instance (scanner, builder, &failure->instance, error);
		} else
			ok = artemis_json_scanner_skip_value (scanner, error);
		if (!ok)
			return FALSE;
	}
	return !failed;
}

static gboolean
read_peer_failures (ArtemisJsonScanner *scanner, gpointer failures, GError **error)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_array (scanner, &is_null, error))
		return FALSE;
	while (!is_null && artemis_codec_next_element (scanner, &failed, error)) {
		if (!read_peer_failure (scanner, builder, failures, error))
			return FALSE;
	}
	return is_null || !failed;
}

static gboolean
same_key_part (const ArtemisInstance *a, const ArtemisInstance *b, ArtemisInstanceField field)
{
	g_autofree char *key_a = artemis_id_to_key (artemis_instance_get (a, field));
	g_autofree char *key_b = artemis_id_to_key (artemis_instance_get (b, field));

	return g_strcmp0 (key_a, key_b) == 0;
}

/* InstanceKey equality: region, service and instance id, ignoring case (protocol §1.6). */
static gboolean
same_instance_key (const ArtemisInstance *a, const ArtemisInstance *b)
{
	return same_key_part (a, b, ARTEMIS_INSTANCE_INSTANCE_ID) && same_key_part (a, b, ARTEMIS_INSTANCE_SERVICE_ID) &&
	       same_key_part (a, b, ARTEMIS_INSTANCE_REGION_ID);
}

/* The instance of @sent a peer's failure is about: what was sent, so the retry resends it. */
static ArtemisInstance *
find_sent (GPtrArray *sent, const ArtemisInstance *named)
{
	for (guint i = 0; named != NULL && i < sent->len; i++) {
		ArtemisInstance *instance = g_ptr_array_index (sent, i);

		if (instance != NULL && same_instance_key (instance, named))
			return instance;
	}
	return NULL;
}

static void
add_failures (const char *error_code, GPtrArray *peer_failures, GPtrArray *sent, GPtrArray *failures)
{
	if (g_strcmp0 (error_code, ARTEMIS_ERROR_CODE_PARTIAL_FAIL) != 0) {
		/* `fail`: the whole request failed, every instance with its code. */
		for (guint i = 0; i < sent->len; i++)
			artemis_replication_failure_array_add (failures, g_ptr_array_index (sent, i), error_code);
		return;
	}
	for (guint i = 0; i < peer_failures->len; i++) {
		PeerFailure *failure = g_ptr_array_index (peer_failures, i);
		ArtemisInstance *instance = find_sent (sent, failure->instance);

		if (instance != NULL)
			artemis_replication_failure_array_add (
				failures, instance, failure->error_code != NULL ? failure->error_code : "unknown");
	}
}

gboolean
artemis_cluster_codec_decode_registry_response (const char *data, gsize len, GPtrArray *sent, GPtrArray *failures,
						GError **error)
{
	g_autoptr (GPtrArray) peer_failures = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_failure_free);
	g_autofree char *error_code = NULL;

	if (!decode_answer (data, len, "failedInstances", read_peer_failures, peer_failures, &error_code, error))
		return FALSE;
	if (error_code == NULL) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "no responseStatus");
		return FALSE;
	}
	if (!g_str_equal (error_code, ARTEMIS_ERROR_CODE_SUCCESS))
		add_failures (error_code, peer_failures, sent, failures);
	return TRUE;
}

/* One Service: only its instances matter. */
static gboolean
read_service_instances (ArtemisJsonScanner *scanner, ArtemisInstanceBuilder *builder, GPtrArray *instances,
			GError **error)
{
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	while (!is_null && artemis_codec_next_member (scanner, &failed, error)) {
		gboolean list_null, list_failed;

		if (!artemis_json_scanner_name_is (scanner, "instances")) {
			if (!artemis_json_scanner_skip_value (scanner, error))
				return FALSE;
			continue;
		}
		if (!artemis_json_scanner_begin_array (scanner, &list_null, error))
			return FALSE;
		while (!list_null && artemis_codec_next_element (scanner, &list_failed, error)) {
			ArtemisInstance *instance = NULL;

			if (!artemis_codec_read_instance (scanner, builder, &instance, error))
				return FALSE;
			if (instance != NULL)
				g_ptr_array_add (instances, instance);
		}
		if (!list_null && list_failed)
			return FALSE;
	}
	return is_null || !failed;
}

/* `services`: *(GPtrArray **) @target gets every instance, or NULL for a null list. */
static gboolean
read_services (ArtemisJsonScanner *scanner, gpointer target, GError **error)
{
	GPtrArray **instances = target;
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autoptr (GPtrArray) result = artemis_instance_array_new (0);
	gboolean is_null, failed;

	if (!artemis_json_scanner_begin_array (scanner, &is_null, error))
		return FALSE;
	while (!is_null && artemis_codec_next_element (scanner, &failed, error)) {
		if (!read_service_instances (scanner, builder, result, error))
			return FALSE;
	}
	if (!is_null && failed)
		return FALSE;
	g_clear_pointer (instances, g_ptr_array_unref);
	if (!is_null)
		*instances = g_steal_pointer (&result);
	return TRUE;
}

GPtrArray *
artemis_cluster_codec_decode_services (const char *data, gsize len, GError **error)
{
	g_autoptr (GPtrArray) instances = NULL;
	g_autofree char *error_code = NULL;

	if (!decode_answer (data, len, "services", read_services, &instances, &error_code, error) ||
	    !require_success (error_code, error))
		return NULL;
	/* Protocol §11.6 step 3: a null list is no answer. */
	if (instances == NULL) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "services is null");
		return NULL;
	}
	return g_steal_pointer (&instances);
}
