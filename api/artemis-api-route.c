/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api.h"

/*
 * POST /api/discovery/route.json — an Artemis extension (docs/rest-api.md):
 * the instances a route rule's strategy picks for the caller, so that
 * consumers without a Java client get routing too.
 */
static void
on_route (ArtemisRequest *request, gpointer user_data)
{
	ArtemisRouter *router = user_data;
	g_autoptr (ArtemisRouteRequest) decoded = NULL;
	g_autoptr (ArtemisRouteResult) result = NULL;
	g_autoptr (GError) error = NULL;
	ArtemisJsonWriter *writer;

	decoded = artemis_route_request_decode (request->body, request->body_len, &error);
	if (decoded == NULL) {
		artemis_api_reply_bad_body (request, error);
		return;
	}
	result = artemis_router_route (router, decoded, &error);

	writer = artemis_json_writer_new (1024);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "instances");
	artemis_codec_write_instances (writer, result != NULL ? result->instances : NULL);
	artemis_json_writer_member (writer, "responseStatus");
	if (result != NULL)
		artemis_codec_write_success_status (writer);
	else
		artemis_api_write_error_status (writer, error);
	artemis_json_writer_member_string (writer, "routeId", result != NULL ? result->route_id : NULL);
	artemis_json_writer_member_string (writer, "strategy", result != NULL ? result->strategy : NULL);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

void
artemis_api_route_add_routes (ArtemisServer *server, ArtemisRouter *router)
{
	artemis_server_add_route (server, "/api/discovery/route.json", ARTEMIS_METHOD_POST, on_route,
				  router);
}
