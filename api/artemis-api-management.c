/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-common.h"
#include "artemis-api-deferred.h"
#include "artemis-api-management.h"

/* What the handlers of this area use of the node. */
typedef struct {
	ArtemisManagement *management;
	ArtemisDiscovery *discovery;
} ManagementApi;

/*
 * /api/management/ (protocol §3.6): instance and server operations, the down
 * checks, and the management view. Writes answer once durable, without
 * Java's 2-second wait (docs/compatibility.md).
 */

#define PREFIX "/api/management/"

/* ---- shared with the zone and log endpoints ---------------------------- */

ArtemisManagementRequest *
artemis_api_management_decode (ArtemisRequest *request)
{
	g_autoptr (GError) error = NULL;
	ArtemisManagementRequest *decoded =
		artemis_management_codec_decode_request (request->body, request->body_len, &error);

	if (decoded == NULL)
		artemis_api_reply_bad_body (request, error);
	return decoded;
}

void
artemis_api_management_reply_error (ArtemisRequest *request, const GError *error, const char *null_before,
				    const char *null_after)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);

	artemis_json_writer_begin_object (writer);
	if (null_before != NULL)
		artemis_json_writer_member_null (writer, null_before);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_api_write_error_status (writer, error);
	if (null_after != NULL)
		artemis_json_writer_member_null (writer, null_after);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

typedef struct {
	ArtemisDeferredReply *reply;
	char *failure;
	gboolean with_reason;
	/* For the log of the committed write. */
	char *operator_id;
	char *operation;
	char *target;
	char *endpoint;
	char *client;
} PendingWrite;

static void
pending_write_free (PendingWrite *pending)
{
	g_free (pending->failure);
	g_free (pending->operator_id);
	g_free (pending->operation);
	g_free (pending->target);
	g_free (pending->endpoint);
	g_free (pending->client);
	g_free (pending);
}

/* Who changed what, as a journal record with fields an operator can filter on. */
static void
log_written (const PendingWrite *pending)
{
	const char *operator_id = pending->operator_id != NULL ? pending->operator_id : "";
	const char *operation = pending->operation != NULL ? pending->operation : "";
	const char *target = pending->target != NULL ? pending->target : "";

	g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "%s by %s from %s: %s %s", pending->endpoint,
			  operator_id, pending->client, operation, target, "ARTEMIS_OPERATOR", operator_id,
			  "ARTEMIS_OPERATION", operation, "ARTEMIS_TARGET", target, "ARTEMIS_ENDPOINT",
			  pending->endpoint, "ARTEMIS_CLIENT", pending->client, "ARTEMIS_RESULT", "written");
}

/* A refused write answers as a refused request; a failed store as internal-service-error. */
static void
write_failure_status (ArtemisJsonWriter *writer, const PendingWrite *pending, ArtemisWriteStage stage,
		      GError *error)
{
	g_autofree char *message = NULL;

	if (stage == ARTEMIS_WRITE_STAGE_PREPARE) {
		if (pending->failure != NULL)
			g_prefix_error (&error, "%s ", pending->failure);
		artemis_api_write_error_status (writer, error);
		return;
	}
	message = g_strconcat (pending->failure, pending->with_reason ? error->message : NULL, NULL);
	g_warning ("Management write failed: %s", error->message);
	artemis_codec_write_response_status (writer, "internal-service-error", message);
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
	PendingWrite *pending = user_data;
	ArtemisJsonWriter *writer = artemis_json_writer_new (128);
	ArtemisWriteStage stage = ARTEMIS_WRITE_STAGE_COMMIT;
	g_autoptr (GError) error = NULL;

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	if (artemis_write_queue_submit_finish (ARTEMIS_WRITE_QUEUE (source), result, &stage, &error)) {
		artemis_codec_write_success_status (writer);
		log_written (pending);
	} else {
		write_failure_status (writer, pending, stage, error);
	}
	artemis_json_writer_end_object (writer);
	artemis_deferred_reply_send (pending->reply, writer);
	pending_write_free (pending);
}

void
artemis_api_management_submit (ArtemisRequest *request, ArtemisManagement *management, const guint *new_rows,
			       ArtemisWritePrepareFunc prepare, gpointer data, GDestroyNotify destroy,
			       const char *failure, gboolean with_reason, const ArtemisWriteAudit *audit)
{
	PendingWrite *pending = g_new0 (PendingWrite, 1);
	const char *client = soup_server_message_get_remote_host (request->msg);

	pending->failure = g_strdup (failure);
	pending->with_reason = with_reason;
	pending->operator_id = g_strdup (audit->operator_id);
	pending->operation = g_strdup (audit->operation);
	pending->target = g_strdup (audit->target);
	pending->endpoint = g_strdup (g_uri_get_path (soup_server_message_get_uri (request->msg)));
	pending->client = g_strdup (client != NULL ? client : "?");
	pending->reply = artemis_request_defer (request);
	artemis_write_queue_submit_numbered_async (artemis_management_get_write_queue (management), new_rows,
						   prepare, data, destroy, on_written, pending);
}

/* An operation write waiting for its turn. */
typedef struct {
	ArtemisManagement *management;
	GPtrArray *operations;
	gboolean complete;
	char *operator_id;
	char *token;
} OperationWrite;

static void
operation_write_free (OperationWrite *write)
{
	g_object_unref (write->management);
	g_ptr_array_unref (write->operations);
	g_free (write->operator_id);
	g_free (write->token);
	g_free (write);
}

static GPtrArray *
prepare_operation_write (gpointer data, GError **error)
{
	OperationWrite *write = data;

	return artemis_management_prepare_writes (write->management, write->operations, write->complete,
						  write->operator_id, write->token);
}

void
artemis_api_management_write (ArtemisRequest *request, ArtemisManagement *management, GPtrArray *operations,
			      gboolean complete, const char *operator_id, const char *token, const char *failure,
			      gboolean with_reason)
{
	OperationWrite *write = g_new0 (OperationWrite, 1);
	g_autoptr (GPtrArray) names = g_ptr_array_new ();
	g_autoptr (GString) target = g_string_new (NULL);
	g_autofree char *operation = NULL;
	g_autofree char *joined = NULL;
	ArtemisWriteAudit audit = { operator_id, NULL, NULL };

	/* "pullout,drain" on "key,key": what the items of the request name. */
	for (guint i = 0; i < operations->len; i++) {
		const ArtemisOperations *item = g_ptr_array_index (operations, i);
		const ArtemisOperationKey *key = item->key;

		/* region/service/instance, region/server or region/service/zone, as sent. */
		g_string_append_printf (target, "%s%s/%s%s%s", i > 0 ? "," : "", key->region_id,
					key->target != ARTEMIS_OPERATION_TARGET_SERVER ? key->service_id : "",
					key->target != ARTEMIS_OPERATION_TARGET_SERVER ? "/" : "", key->id);
		for (guint j = 0; j < item->operations->len; j++) {
			gpointer name = g_ptr_array_index (item->operations, j);

			if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
				g_ptr_array_add (names, name);
		}
	}
	g_ptr_array_add (names, NULL);
	joined = g_strjoinv (",", (char **) names->pdata);
	operation = g_strconcat (joined, complete ? " (complete)" : "", NULL);
	audit.operation = operation;
	audit.target = target->str;
	write->management = g_object_ref (management);
	write->operations = g_ptr_array_ref (operations);
	write->complete = complete;
	write->operator_id = g_strdup (operator_id);
	write->token = g_strdup (token);
	artemis_api_management_submit (request, management, NULL, prepare_operation_write, write,
				       (GDestroyNotify) operation_write_free, failure, with_reason, &audit);
}

/* ---- operate-instance, operate-server ---------------------------------- */

static gboolean
check_operate (const ArtemisManagementRequest *decoded, const ArtemisOperationKey *key, const char *key_name,
	       GError **error)
{
	if (key == NULL) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s is null", key_name);
		return FALSE;
	}
	if (!artemis_operation_key_check (key, error))
		return FALSE;
	if (artemis_str_is_blank (decoded->operation)) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "operation is null or empty");
		return FALSE;
	}
	return artemis_operation_check_operator (decoded->operator_id, decoded->token, error);
}

static void
operate (ArtemisRequest *request, ManagementApi *api, ArtemisOperationTarget target)
{
	gboolean instance = target == ARTEMIS_OPERATION_TARGET_INSTANCE;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (GPtrArray) operations = NULL;
	g_autoptr (GError) error = NULL;
	const ArtemisOperationKey *key;
	ArtemisOperations *pulled;

	if (decoded == NULL)
		return;
	key = instance ? decoded->instance_key : decoded->server_key;
	if (!artemis_management_check_writable (api->management, &error) ||
	    !check_operate (decoded, key, instance ? "instanceKey" : "serverKey", &error)) {
		artemis_api_management_reply_error (request, error, NULL, NULL);
		return;
	}
	operations = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_operations_free);
	pulled = artemis_operations_new (artemis_operation_key_copy (key));
	artemis_operations_add (pulled, decoded->operation);
	g_ptr_array_add (operations, pulled);
	artemis_api_management_write (request, api->management, operations, decoded->operation_complete, decoded->operator_id,
				      decoded->token, instance ? "Update instance failed." : "Update server failed.",
				      FALSE);
}

static void
on_operate_instance (ArtemisRequest *request, gpointer user_data)
{
	operate (request, user_data, ARTEMIS_OPERATION_TARGET_INSTANCE);
}

static void
on_operate_server (ArtemisRequest *request, gpointer user_data)
{
	operate (request, user_data, ARTEMIS_OPERATION_TARGET_SERVER);
}

/* ---- instance-operations, server-operations ---------------------------- */

void
artemis_api_management_reply_operations (ArtemisRequest *request, const ArtemisOperations *operations)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "operations");
	artemis_management_codec_write_operations (writer, operations);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
get_operations (ArtemisRequest *request, ManagementApi *api, ArtemisOperationTarget target)
{
	gboolean instance = target == ARTEMIS_OPERATION_TARGET_INSTANCE;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	const ArtemisOperationKey *key;

	if (decoded == NULL)
		return;
	key = instance ? decoded->instance_key : decoded->server_key;
	if (key == NULL) {
		g_autoptr (GError) error = g_error_new (ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request.%s is null",
							instance ? "instanceKey" : "serverKey");

		artemis_api_management_reply_error (request, error, "operations", NULL);
		return;
	}
	artemis_api_management_reply_operations (request, artemis_management_lookup (api->management, key));
}

static void
on_instance_operations (ArtemisRequest *request, gpointer user_data)
{
	get_operations (request, user_data, ARTEMIS_OPERATION_TARGET_INSTANCE);
}

static void
on_server_operations (ArtemisRequest *request, gpointer user_data)
{
	get_operations (request, user_data, ARTEMIS_OPERATION_TARGET_SERVER);
}

/* ---- all-instance-operations, all-server-operations -------------------- */

static void
get_all_operations (ArtemisRequest *request, ManagementApi *api, ArtemisOperationTarget target)
{
	g_autoptr (ArtemisManagementRequest) decoded = NULL;
	g_autoptr (GPtrArray) list = NULL;
	const char *region_id;
	ArtemisJsonWriter *writer;

	if (request->method == ARTEMIS_METHOD_POST) {
		decoded = artemis_api_management_decode (request);
		if (decoded == NULL)
			return;
		region_id = decoded->region_id;
	} else {
		region_id = artemis_request_get_query (request, "regionId");
	}
	list = artemis_management_list (api->management, target, region_id);
	writer = artemis_json_writer_new (1024);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, target == ARTEMIS_OPERATION_TARGET_INSTANCE ? "allInstanceOperations"
											: "allServerOperations");
	artemis_management_codec_write_operations_list (writer, list);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
on_all_instance_operations (ArtemisRequest *request, gpointer user_data)
{
	get_all_operations (request, user_data, ARTEMIS_OPERATION_TARGET_INSTANCE);
}

static void
on_all_server_operations (ArtemisRequest *request, gpointer user_data)
{
	get_all_operations (request, user_data, ARTEMIS_OPERATION_TARGET_SERVER);
}

/* ---- instance-down, server-down ---------------------------------------- */

void
artemis_api_management_reply_down (ArtemisRequest *request, gboolean down, const GError *error)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (128);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_bool (writer, "down", down);
	artemis_json_writer_member (writer, "responseStatus");
	if (error != NULL)
		artemis_api_write_error_status (writer, error);
	else
		artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
on_instance_down (ArtemisRequest *request, gpointer user_data)
{
	ManagementApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (GError) error = NULL;

	if (decoded == NULL)
		return;
	if (decoded->instance == NULL) {
		error = g_error_new_literal (ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request.instance is null");
		artemis_api_management_reply_down (request, FALSE, error);
		return;
	}
	artemis_api_management_reply_down (
		request, artemis_management_is_instance_down (api->management, decoded->instance), NULL);
}

static void
on_server_down (ArtemisRequest *request, gpointer user_data)
{
	ManagementApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (GError) error = NULL;

	if (decoded == NULL)
		return;
	if (decoded->server_key == NULL) {
		/* The missing "is" is Java's (protocol §14.2 #20). */
		error = g_error_new_literal (ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request.serverKey null");
		artemis_api_management_reply_down (request, FALSE, error);
		return;
	}
	artemis_api_management_reply_down (request, artemis_management_is_down (api->management, decoded->server_key),
					   NULL);
}

/* ---- the management view: services.json, service.json ------------------ */

static void
write_services (ArtemisJsonWriter *writer, GPtrArray *services)
{
	artemis_json_writer_begin_array (writer);
	for (guint i = 0; i < services->len; i++)
		artemis_codec_write_service (writer, g_ptr_array_index (services, i));
	artemis_json_writer_end_array (writer);
}

/* The region and zone are ignored (protocol §3.6), so GET and POST are alike. */
static void
on_services (ArtemisRequest *request, gpointer user_data)
{
	ManagementApi *api = user_data;
	g_autoptr (GPtrArray) services = NULL;
	ArtemisJsonWriter *writer;

	if (request->method == ARTEMIS_METHOD_POST) {
		g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);

		if (decoded == NULL)
			return;
	}
	services = artemis_management_view_get_services (api->management, api->discovery, NULL);
	writer = artemis_json_writer_new (16384);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "services");
	write_services (writer, services);
	artemis_json_writer_member_int (writer, "version", artemis_registry_now (artemis_management_get_registry (api->management)));
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

static void
on_service (ArtemisRequest *request, gpointer user_data)
{
	ManagementApi *api = user_data;
	g_autoptr (ArtemisManagementRequest) decoded = artemis_api_management_decode (request);
	g_autoptr (GPtrArray) services = NULL;
	g_autoptr (GPtrArray) groups = NULL;
	ArtemisJsonWriter *writer;

	if (decoded == NULL)
		return;
	if (artemis_str_is_blank (decoded->service_id)) {
		/* The typo is Java's (protocol §14.2 #20). */
		g_autoptr (GError) error = g_error_new_literal (ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
								"Request is null or request.servcieId is null.");

		artemis_api_management_reply_error (request, error, "groups", "service");
		return;
	}
	services = artemis_management_view_get_services (api->management, api->discovery, decoded->service_id);
	groups = artemis_groups_get_service_groups (artemis_management_get_groups (api->management),
						    decoded->service_id);
	writer = artemis_json_writer_new (4096);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "groups");
	artemis_codec_write_service_groups (writer, groups);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_member (writer, "service");
	artemis_codec_write_service (writer, g_ptr_array_index (services, 0));
	artemis_json_writer_end_object (writer);
	artemis_request_reply_writer (request, writer);
}

void
artemis_api_management_add_routes (ArtemisServer *server, ArtemisManagement *management,
				   ArtemisDiscovery *discovery)
{
	const ArtemisMethods both = ARTEMIS_METHOD_POST | ARTEMIS_METHOD_GET;
	ManagementApi *api = g_new0 (ManagementApi, 1);

	api->management = management;
	api->discovery = discovery;
	artemis_api_own (server, api, g_free);
	artemis_server_add_write_route (server, PREFIX "operate-instance.json", ARTEMIS_METHOD_POST,
					on_operate_instance, api);
	artemis_server_add_write_route (server, PREFIX "operate-server.json", ARTEMIS_METHOD_POST, on_operate_server,
					api);
	artemis_server_add_route (server, PREFIX "instance-operations.json", ARTEMIS_METHOD_POST,
				  on_instance_operations, api);
	artemis_server_add_route (server, PREFIX "server-operations.json", ARTEMIS_METHOD_POST, on_server_operations,
				  api);
	artemis_server_add_route (server, PREFIX "all-instance-operations.json", both, on_all_instance_operations,
				  api);
	artemis_server_add_route (server, PREFIX "all-server-operations.json", both, on_all_server_operations, api);
	artemis_server_add_route (server, PREFIX "instance-down.json", ARTEMIS_METHOD_POST, on_instance_down, api);
	artemis_server_add_route (server, PREFIX "server-down.json", ARTEMIS_METHOD_POST, on_server_down, api);
	artemis_server_add_route (server, PREFIX "services.json", both, on_services, api);
	artemis_server_add_route (server, PREFIX "service.json", ARTEMIS_METHOD_POST, on_service, api);
}
