/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>

#include "artemis-api-common.h"
#include "artemis-api.h"

/* What the handlers of this area use of the node. */
typedef struct {
	const ArtemisConfig *config;
	ArtemisDiscovery *discovery;
	ArtemisVersionedCache *versioned_cache;
} DiscoveryApi;

/* `{"instances":null,…,"serviceId":…}`: the shape of a service that cannot be served. */
static void
write_null_service (ArtemisJsonWriter *writer, const char *service_id)
{
	g_autoptr (ArtemisService) service = artemis_service_new (service_id);

	artemis_codec_write_service (writer, service);
}

static void
write_lookup_entry (ArtemisJsonWriter *writer, ArtemisDiscovery *discovery, const ArtemisDiscoveryConfig *config)
{
	g_autoptr (GBytes) json = NULL;
	g_autoptr (ArtemisService) service = NULL;
	gsize len;
	const char *data;

	if (artemis_str_is_blank (config->service_id)) {
		write_null_service (writer, config->service_id);
		return;
	}
	json = artemis_discovery_get_service_json (discovery, config);
	if (json != NULL) {
		data = g_bytes_get_data (json, &len);
		artemis_json_writer_raw (writer, data, len);
		return;
	}
	/* Unknown to the registry: lookup still filters an empty service (protocol §3.2). */
	service = artemis_discovery_get_service (discovery, config, TRUE);
	artemis_codec_write_service (writer, service);
}

static gboolean
has_null_config (GPtrArray *configs)
{
	for (guint i = 0; i < configs->len; i++) {
		if (g_ptr_array_index (configs, i) == NULL)
			return TRUE;
	}
	return FALSE;
}

/* The common case, one known service, answers a cached body as it is. */
static gboolean
reply_cached_lookup (ArtemisRequest *request, ArtemisDiscovery *discovery, GPtrArray *configs)
{
	ArtemisDiscoveryConfig *config;
	g_autoptr (ArtemisBody) body = NULL;

	if (configs->len != 1)
		return FALSE;
	config = g_ptr_array_index (configs, 0);
	if (artemis_str_is_blank (config->service_id))
		return FALSE;
	body = artemis_discovery_get_lookup_body (discovery, config);
	if (body == NULL)
		return FALSE;
	artemis_request_reply_body (request, body);
	return TRUE;
}

/* `{"responseStatus":…,"services":null}`: Java's failure shape (protocol §1.5). */
static void
reply_lookup_failure (ArtemisRequest *request, const char *error_code, const char *message)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (128);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_response_status (writer, error_code, message);
	artemis_json_writer_member_null (writer, "services");
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

/*
 * A lookup's answer is built for its request: bounded in services and in
 * bytes, or a few bytes asking for one service many times draw gigabytes.
 */
static gboolean
check_lookup_size (ArtemisRequest *request, const ArtemisConfig *config, guint n_services, gsize answer_size)
{
	g_autofree char *message = NULL;
	g_autofree char *limit = NULL;

	if (n_services > (guint64) config->max_lookup_services) {
		limit = g_strdup_printf ("%" G_GINT64_FORMAT, config->max_lookup_services);
		/* TRANSLATORS: the [discovery] max-lookup-services limit */
		message = g_strdup_printf (_("discoveryConfigs holds more than %s services ([discovery] "
					     "max-lookup-services)."),
					   limit);
	} else if (answer_size > (guint64) config->max_lookup_answer_size) {
		limit = g_strdup_printf ("%" G_GINT64_FORMAT, config->max_lookup_answer_size);
		/* TRANSLATORS: the [discovery] max-lookup-answer-size limit, in bytes */
		message = g_strdup_printf (_("The answer would take more than %s bytes ([discovery] "
					     "max-lookup-answer-size): ask for fewer services."),
					   limit);
	}
	if (message == NULL)
		return TRUE;
	reply_lookup_failure (request, "bad-request", message);
	return FALSE;
}

static void
on_lookup (ArtemisRequest *request, gpointer user_data)
{
	DiscoveryApi *api = user_data;
	g_autoptr (ArtemisLookupRequest) lookup = NULL;
	g_autoptr (GError) error = NULL;
	ArtemisJsonWriter *writer;
	gboolean can_serve;

	lookup = artemis_codec_decode_lookup_request (request->body, request->body_len, &error);
	if (lookup == NULL) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	/* Java throws on a null list or element before anything else (protocol §3.2). */
	if (lookup->configs == NULL || has_null_config (lookup->configs)) {
		reply_lookup_failure (request, "internal-service-error", NULL);
		return;
	}
	if (!check_lookup_size (request, api->config, lookup->configs->len, 0))
		return;
	/* Not ready or wrong zone: still success, with all-null entries (protocol §14.2 #3). */
	can_serve = artemis_discovery_check_caller (api->discovery, lookup->region_id, lookup->zone_id, NULL);
	if (can_serve && reply_cached_lookup (request, api->discovery, lookup->configs))
		return;

	writer = artemis_json_writer_new (4096);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "services");
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < lookup->configs->len; i++) {
		ArtemisDiscoveryConfig *config = g_ptr_array_index (lookup->configs, i);

		gsize written = 0;

		if (can_serve)
			write_lookup_entry (writer, api->discovery, config);
		else
			write_null_service (writer, config->service_id);
		artemis_json_writer_peek (writer, &written);
		if (!check_lookup_size (request, api->config, 0, written)) {
			artemis_json_writer_free (writer);
			return;
		}
	}
	artemis_json_writer_end_array (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
reply_service (ArtemisRequest *request, DiscoveryApi *api, const ArtemisDiscoveryConfig *config,
	       const char *region_id, const char *zone_id)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (4096);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) json = NULL;

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	if (config == NULL || artemis_str_is_blank (config->service_id)) {
		artemis_codec_write_response_status (writer, "bad-request",
						     "Request is null or request.discoveryConfig is null.");
		artemis_json_writer_member_null (writer, "service");
	} else if (!artemis_discovery_check_caller (api->discovery, region_id, zone_id, &error)) {
		artemis_api_write_error_status (writer, error);
		artemis_json_writer_member_null (writer, "service");
	} else {
		artemis_codec_write_success_status (writer);
		artemis_json_writer_member (writer, "service");
		json = artemis_discovery_get_service_json (api->discovery, config);
		if (json != NULL)
			artemis_json_writer_raw (writer, g_bytes_get_data (json, NULL), g_bytes_get_size (json));
		else
			write_null_service (writer, config->service_id);
	}
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
on_service (ArtemisRequest *request, gpointer user_data)
{
	g_autoptr (ArtemisSimpleRequest) decoded = NULL;
	g_autoptr (ArtemisDiscoveryConfig) config = NULL;
	g_autoptr (GError) error = NULL;
	const char *service_id;

	if (request->method == ARTEMIS_METHOD_POST) {
		decoded = artemis_codec_decode_simple_request (request->body, request->body_len, &error);
		if (decoded == NULL) {
			artemis_api_reply_bad_body (request, error);
			return;
		}
		reply_service (request, user_data, decoded->discovery_config, decoded->region_id, decoded->zone_id);
		return;
	}
	service_id = artemis_request_get_query (request, "serviceId");
	if (service_id == NULL) {
		artemis_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request",
					     "Required parameter 'serviceId' is not present.");
		return;
	}
	config = artemis_discovery_config_new (service_id);
	reply_service (request, user_data, config, artemis_request_get_query (request, "regionId"),
		       artemis_request_get_query (request, "zoneId"));
}

/*
 * The region and zone of services.json are ignored (protocol §3.2), so GET and
 * POST are alike, and every caller gets the same shared answer.
 */
static void
on_services (ArtemisRequest *request, gpointer user_data)
{
	DiscoveryApi *api = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisBody) body = NULL;
	ArtemisJsonWriter *writer;

	if (request->method == ARTEMIS_METHOD_POST) {
		g_autoptr (ArtemisSimpleRequest) decoded =
			artemis_codec_decode_simple_request (request->body, request->body_len, &error);

		if (decoded == NULL) {
			artemis_api_reply_bad_body (request, error);
			return;
		}
	}
	if (artemis_discovery_check_ready (api->discovery, &error)) {
		body = artemis_versioned_cache_get_services_body (api->versioned_cache);
		artemis_request_reply_body (request, body);
		return;
	}
	writer = artemis_json_writer_new (256);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_api_write_error_status (writer, error);
	artemis_json_writer_member_null (writer, "services");
	artemis_json_writer_member_int (writer, "version", 0);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
write_delta (ArtemisJsonWriter *writer, GPtrArray *delta)
{
	artemis_json_writer_begin_object (writer);
	for (guint i = 0; i < delta->len; i++) {
		ArtemisServiceDelta *service_delta = g_ptr_array_index (delta, i);

		artemis_json_writer_member (writer, service_delta->service_id);
		artemis_json_writer_begin_array (writer);
		for (guint j = 0; j < service_delta->changes->len; j++)
			artemis_codec_write_change (writer, g_ptr_array_index (service_delta->changes, j));
		artemis_json_writer_end_array (writer);
	}
	artemis_json_writer_end_object (writer);
}

static void
on_services_delta (ArtemisRequest *request, gpointer user_data)
{
	DiscoveryApi *api = user_data;
	g_autoptr (ArtemisSimpleRequest) decoded = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) delta = NULL;
	ArtemisJsonWriter *writer;
	gint64 new_version = 0;

	decoded = artemis_codec_decode_simple_request (request->body, request->body_len, &error);
	if (decoded == NULL) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	if (artemis_discovery_check_ready (api->discovery, &error))
		delta = artemis_versioned_cache_get_delta (api->versioned_cache, decoded->version, &new_version);

	writer = artemis_json_writer_new (4096);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "delta");
	if (delta != NULL)
		write_delta (writer, delta);
	else
		artemis_json_writer_null (writer);
	artemis_json_writer_member (writer, "responseStatus");
	if (error != NULL)
		artemis_api_write_error_status (writer, error);
	else if (delta == NULL)
		artemis_codec_write_response_status (writer, "data-not-found", "Delta is not found.");
	else
		artemis_codec_write_success_status (writer);
	artemis_json_writer_member_int (writer, "version", delta != NULL ? new_version : 0);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

void
artemis_api_discovery_add_routes (ArtemisServer *server, const ArtemisConfig *config, ArtemisDiscovery *discovery,
				  ArtemisVersionedCache *versioned_cache)
{
	DiscoveryApi *api = g_new0 (DiscoveryApi, 1);

	api->config = config;
	api->discovery = discovery;
	api->versioned_cache = versioned_cache;
	artemis_api_own (server, api, g_free);
	artemis_server_add_route (server, "/api/discovery/lookup.json", ARTEMIS_METHOD_POST, on_lookup, api);
	artemis_server_add_route (server, "/api/discovery/service.json", ARTEMIS_METHOD_POST | ARTEMIS_METHOD_GET,
				  on_service, api);
	artemis_server_add_route (server, "/api/discovery/services.json", ARTEMIS_METHOD_POST | ARTEMIS_METHOD_GET,
				  on_services, api);
	artemis_server_add_route (server, "/api/discovery/services-delta.json", ARTEMIS_METHOD_POST,
				  on_services_delta, api);
}
