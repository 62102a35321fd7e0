/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "artemis-api-common.h"

void
artemis_api_write_error_status (ArtemisJsonWriter *writer, const GError *error)
{
	const char *error_code = error->domain == ARTEMIS_ERROR ? artemis_error_to_error_code (error->code)
								: "internal-service-error";

	artemis_codec_write_response_status (writer, error_code, error->message);
}

void
artemis_api_write_registry_response (ArtemisJsonWriter *writer, GPtrArray *failed, const GError *error,
				     gsize max_size)
{
	g_autofree char *message = NULL;
	guint omitted;

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "failedInstances");
	omitted = artemis_codec_write_failed_instances (writer, failed, max_size);
	artemis_json_writer_member (writer, "responseStatus");
	/* Java's partial_fail message is always empty; a list cut short says so. */
	if (omitted > 0)
		message = g_strdup_printf (_("%u more failed instances are not listed ([registry] max-answer-size)."),
					   omitted);
	if (error != NULL)
		artemis_api_write_error_status (writer, error);
	else if (failed->len > 0)
		artemis_codec_write_response_status (writer, ARTEMIS_ERROR_CODE_PARTIAL_FAIL,
						     message != NULL ? message : "");
	else
		artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
}

void
artemis_api_reply_bad_body (ArtemisRequest *request, const GError *error)
{
	g_autofree char *message = g_strdup_printf ("Malformed request body: %s", error->message);

	artemis_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request", message);
}

void
artemis_api_reply_status_only (ArtemisRequest *request, const char *error_code, const char *message)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (96);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_response_status (writer, error_code, message);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

void
artemis_api_own (ArtemisServer *server, gpointer data, GDestroyNotify destroy)
{
	g_autofree char *key = g_strdup_printf ("artemis-owned-%p", data);

	g_object_set_data_full (G_OBJECT (server), key, data, destroy);
}

void
artemis_api_handle_registry (ArtemisRequest *request, ArtemisRegistry *registry, ArtemisRegistryAction action,
			     ArtemisRegistrySource source, ArtemisRateLimits *limits, const char *identity)
{
	g_autoptr (GPtrArray) instances = NULL;
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GError) error = NULL;
	ArtemisJsonWriter *writer;

	if (!artemis_codec_decode_instances_request (request->body, request->body_len,
						     artemis_registry_get_max_instances_per_request (registry), &instances,
						     &error)) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	if (limits == NULL || artemis_rate_limits_allow (limits, ARTEMIS_RATE_LIMITER_REGISTRY, identity))
		failed = artemis_registry_handle (registry, action, source, instances, &error);
	else
		artemis_rate_limits_set_error (&error);
	writer = artemis_json_writer_new (128);
	artemis_api_write_registry_response (writer, failed, error, artemis_registry_get_max_answer_size (registry));
	artemis_request_reply_writer (request, writer);
}

gboolean
artemis_api_allow (ArtemisRequest *request, ArtemisRateLimits *limits, ArtemisRateLimiter limiter,
		   const char *identity, const char *limited_answer)
{
	g_autoptr (GBytes) answer = NULL;

	if (artemis_rate_limits_allow (limits, limiter, identity))
		return TRUE;
	answer = g_bytes_new_static (limited_answer, strlen (limited_answer));
	artemis_request_reply_json (request, answer);
	return FALSE;
}
