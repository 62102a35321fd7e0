/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artemis-ctl-table.h"
#include "artemis-error.h"

/*
 * artemisctl: the operator's client of a running artemisd. It speaks the
 * node's HTTP API (docs/rest-api.md), prints tables for people and, with
 * --json, the node's own JSON for scripts.
 */

#define DEFAULT_URL "http://127.0.0.1:8080"
#define EXIT_USAGE 2

typedef struct {
	/* Options. */
	char *url;
	gboolean json;
	char *region;
	char *operator_id;
	char *operation;
	char *token;
	char *service;
	gboolean version;
	char *url_help; /* --url's description, which the option context points to */

	SoupSession *session;
} Ctl;

static void
ctl_clear (Ctl *ctl)
{
	g_free (ctl->url);
	g_free (ctl->region);
	g_free (ctl->operator_id);
	g_free (ctl->operation);
	g_free (ctl->token);
	g_free (ctl->service);
	g_free (ctl->url_help);
	g_clear_object (&ctl->session);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ctl, ctl_clear)

/* ---- talking to artemisd ----------------------------------------------- */

static char *
endpoint_url (Ctl *ctl, const char *path)
{
	g_autofree char *base = g_strdup (ctl->url);
	gsize len = strlen (base);

	while (len > 0 && base[len - 1] == '/')
		base[--len] = '\0';
	return g_strconcat (base, path, NULL);
}

/* The protocol's verdict: success, or the errorCode and message of a failure. */
static gboolean
check_response_status (JsonNode *root, GError **error)
{
	JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
	JsonObject *status = object != NULL && json_object_has_member (object, "responseStatus")
				     ? json_object_get_object_member (object, "responseStatus")
				     : NULL;
	const char *code;

	if (status == NULL)
		return TRUE;
	code = json_object_get_string_member_with_default (status, "errorCode", "");
	if (g_str_equal (code, "success"))
		return TRUE;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_FAILED, "%s: %s", code,
		     json_object_get_string_member_with_default (status, "message", ""));
	return FALSE;
}

static JsonNode *
parse_answer (GBytes *body, GError **error)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	gsize len = 0;
	const char *data = g_bytes_get_data (body, &len);

	if (!json_parser_load_from_data (parser, data != NULL ? data : "", len, error)) {
		/* TRANSLATORS: the answer of artemisd could not be read as JSON */
		g_prefix_error (error, _("Unreadable answer: "));
		return NULL;
	}
	return json_node_ref (json_parser_get_root (parser));
}

/*
 * POSTs @body (JSON text), or GETs when it is NULL: the answer's body and
 * *@status, or NULL when the node cannot be reached.
 */
static GBytes *
send_request (Ctl *ctl, const char *path, const char *body, guint *status, char **reason, GError **error)
{
	g_autofree char *url = endpoint_url (ctl, path);
	g_autoptr (SoupMessage) msg = soup_message_new (body != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET, url);
	g_autoptr (GError) local_error = NULL;
	GBytes *answer;

	if (msg == NULL) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, _("“%s” is not a valid URL"), ctl->url);
		return NULL;
	}
	if (body != NULL) {
		g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

		soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
	}
	answer = soup_session_send_and_read (ctl->session, msg, NULL, &local_error);
	if (answer == NULL) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE, _("Cannot reach artemisd at %s: %s"),
			     ctl->url, local_error->message);
		return NULL;
	}
	*status = soup_message_get_status (msg);
	*reason = g_strdup (soup_message_get_reason_phrase (msg));
	return answer;
}

static void
set_http_error (GError **error, const char *path, guint status, const char *reason)
{
	/* TRANSLATORS: an HTTP request failed: the path, the HTTP status code and its reason */
	g_set_error (error, ARTEMIS_ERROR, status == SOUP_STATUS_NOT_FOUND ? ARTEMIS_ERROR_NOT_FOUND : ARTEMIS_ERROR_FAILED,
		     _("%s answered HTTP %u %s"), path, status, reason);
}

/*
 * send_request(), and the answer parsed. *@text, when given, gets the
 * answer as received. An HTTP error and a failed responseStatus are errors.
 */
static JsonNode *
request (Ctl *ctl, const char *path, const char *body, char **text, GError **error)
{
	g_autofree char *reason = NULL;
	g_autoptr (GBytes) answer = NULL;
	g_autoptr (JsonNode) root = NULL;
	guint status = 0;

	answer = send_request (ctl, path, body, &status, &reason, error);
	if (answer == NULL)
		return NULL;
	if (status != SOUP_STATUS_OK) {
		set_http_error (error, path, status, reason);
		return NULL;
	}
	root = parse_answer (answer, error);
	if (root == NULL || !check_response_status (root, error))
		return NULL;
	if (text != NULL)
		*text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
	return g_steal_pointer (&root);
}

/* request(), printing the answer as is with --json. */
static JsonNode *
request_or_print (Ctl *ctl, const char *path, const char *body, gboolean *printed, GError **error)
{
	g_autofree char *text = NULL;
	JsonNode *root = request (ctl, path, body, ctl->json ? &text : NULL, error);

	*printed = root != NULL && ctl->json;
	if (*printed)
		g_print ("%s\n", text);
	return root;
}

static char *
builder_to_string (JsonBuilder *builder)
{
	g_autoptr (JsonNode) root = json_builder_get_root (builder);

	return json_to_string (root, FALSE);
}

/* ---- reading answers --------------------------------------------------- */

static const char *
get_string (JsonObject *object, const char *member)
{
	JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

	return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
		       ? json_node_get_string (node)
		       : NULL;
}

static JsonArray *
get_array (JsonObject *object, const char *member)
{
	JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

	return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
get_object (JsonObject *object, const char *member)
{
	JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

	return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static char *
get_number_text (JsonObject *object, const char *member)
{
	JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

	if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
		return NULL;
	return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
}

static guint
array_length (JsonArray *array)
{
	return array != NULL ? json_array_get_length (array) : 0;
}

static void
print_table (ArtemisCtlTable *table)
{
	g_autofree char *text = artemis_ctl_table_to_string (table);

	g_print ("%s", text);
}

/* ---- the node ---------------------------------------------------------- */

/* nodeStatus of /api/status/node.json (in @root, which the caller frees). */
static JsonObject *
get_node_status (Ctl *ctl, JsonNode **root, GError **error)
{
	*root = request (ctl, "/api/status/node.json", "{}", NULL, error);
	if (*root == NULL)
		return NULL;
	return get_object (json_node_get_object (*root), "nodeStatus");
}

/* --region, or the node's own region. */
static char *
get_region (Ctl *ctl, GError **error)
{
	g_autoptr (JsonNode) root = NULL;
	JsonObject *status;

	if (ctl->region != NULL)
		return g_strdup (ctl->region);
	status = get_node_status (ctl, &root, error);
	if (status == NULL)
		return NULL;
	return g_strdup (get_string (get_object (get_object (status, "node"), "zone"), "regionId"));
}

/* Counts the management view's instances: all, and those down. */
static void
count_instances (JsonArray *services, guint *n_instances, guint *n_down)
{
	*n_instances = 0;
	*n_down = 0;
	for (guint i = 0; i < array_length (services); i++) {
		JsonArray *instances = get_array (json_array_get_object_element (services, i), "instances");

		for (guint j = 0; j < array_length (instances); j++) {
			(*n_instances)++;
			if (g_strcmp0 (get_string (json_array_get_object_element (instances, j), "status"), "down") == 0)
				(*n_down)++;
		}
	}
}

static gboolean
cmd_status (Ctl *ctl, char **args, GError **error)
{
	g_autoptr (JsonNode) node_root = NULL;
	g_autoptr (JsonNode) connections_root = NULL;
	g_autoptr (JsonNode) services_root = NULL;
	JsonObject *status = get_node_status (ctl, &node_root, error);
	JsonObject *zone, *connections;
	JsonArray *services;
	guint n_instances, n_down;

	if (status == NULL)
		return FALSE;
	connections_root = request (ctl, "/api/status/message/connections.json", NULL, NULL, error);
	services_root = connections_root != NULL ? request (ctl, "/api/management/services.json", "{}", NULL, error)
						 : NULL;
	if (services_root == NULL)
		return FALSE;
	zone = get_object (get_object (status, "node"), "zone");
	connections = json_node_get_object (connections_root);
	services = get_array (json_node_get_object (services_root), "services");
	count_instances (services, &n_instances, &n_down);
	if (ctl->json) {
		g_autoptr (JsonBuilder) builder = json_builder_new ();
		g_autofree char *text = NULL;

		json_builder_begin_object (builder);
		json_builder_set_member_name (builder, "status");
		json_builder_add_string_value (builder, get_string (status, "status"));
		json_builder_set_member_name (builder, "url");
		json_builder_add_string_value (builder, get_string (get_object (status, "node"), "url"));
		json_builder_set_member_name (builder, "regionId");
		json_builder_add_string_value (builder, get_string (zone, "regionId"));
		json_builder_set_member_name (builder, "zoneId");
		json_builder_add_string_value (builder, get_string (zone, "zoneId"));
		json_builder_set_member_name (builder, "services");
		json_builder_add_int_value (builder, array_length (services));
		json_builder_set_member_name (builder, "instances");
		json_builder_add_int_value (builder, n_instances);
		json_builder_set_member_name (builder, "instancesDown");
		json_builder_add_int_value (builder, n_down);
		json_builder_set_member_name (builder, "connections");
		json_builder_add_value (builder, json_node_copy (connections_root));
		json_builder_end_object (builder);
		text = builder_to_string (builder);
		g_print ("%s\n", text);
		return TRUE;
	}
	/* TRANSLATORS: artemisctl status; the labels are aligned in the original, keep them aligned */
	g_print (_("Status:      %s\n"), get_string (status, "status"));
	g_print (_("URL:         %s\n"), get_string (get_object (status, "node"), "url"));
	g_print (_("Region:      %s\n"), get_string (zone, "regionId"));
	g_print (_("Zone:        %s\n"), get_string (zone, "zoneId"));
	g_print (_("Services:    %u\n"), array_length (services));
	/* TRANSLATORS: instances registered, and how many of them are out of traffic */
	g_print (_("Instances:   %u (%u pulled out)\n"), n_instances, n_down);
	/* TRANSLATORS: open WebSocket sessions of the heartbeat and of the discovery endpoint */
	g_print (_("WebSockets:  %s heartbeat, %s discovery\n"), get_string (connections, "registry"),
		 get_string (connections, "discovery"));
	return TRUE;
}

/* ---- services ---------------------------------------------------------- */

static gboolean
cmd_services (Ctl *ctl, char **args, GError **error)
{
	gboolean printed;
	g_autoptr (JsonNode) root = request_or_print (ctl, "/api/management/services.json", "{}", &printed, error);
	g_autoptr (ArtemisCtlTable) table = NULL;
	JsonArray *services;

	if (root == NULL || printed)
		return root != NULL;
	services = get_array (json_node_get_object (root), "services");
	/* TRANSLATORS: column headers of artemisctl services */
	table = artemis_ctl_table_new (_("SERVICE"), _("INSTANCES"), _("UP"), _("PULLED OUT"), NULL);
	for (guint i = 0; i < array_length (services); i++) {
		JsonObject *service = json_array_get_object_element (services, i);
		g_autoptr (JsonArray) one = json_array_new ();
		g_autofree char *total = NULL, *up = NULL, *down = NULL;
		guint n_instances, n_down;

		json_array_add_object_element (one, json_object_ref (service));
		count_instances (one, &n_instances, &n_down);
		total = g_strdup_printf ("%u", n_instances);
		up = g_strdup_printf ("%u", n_instances - n_down);
		down = g_strdup_printf ("%u", n_down);
		artemis_ctl_table_add_row (table, get_string (service, "serviceId"), total, up, down);
	}
	if (artemis_ctl_table_get_n_rows (table) == 0) {
		g_print (_("No service is registered.\n"));
		return TRUE;
	}
	print_table (table);
	return TRUE;
}

static char *
service_request (const char *service_id)
{
	g_autoptr (JsonBuilder) builder = json_builder_new ();

	json_builder_begin_object (builder);
	json_builder_set_member_name (builder, "serviceId");
	json_builder_add_string_value (builder, service_id);
	json_builder_end_object (builder);
	return builder_to_string (builder);
}

static gboolean
cmd_service (Ctl *ctl, char **args, GError **error)
{
	g_autofree char *body = service_request (args[0]);
	gboolean printed;
	g_autoptr (JsonNode) root = request_or_print (ctl, "/api/management/service.json", body, &printed, error);
	g_autoptr (ArtemisCtlTable) table = NULL;
	JsonArray *instances;

	if (root == NULL || printed)
		return root != NULL;
	instances = get_array (get_object (json_node_get_object (root), "service"), "instances");
	if (array_length (instances) == 0) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_NOT_FOUND, _("No instance of %s is registered"), args[0]);
		return FALSE;
	}
	/* TRANSLATORS: column headers of artemisctl service ID */
	table = artemis_ctl_table_new (_("INSTANCE"), _("IP"), _("PORT"), _("STATUS"), _("REGION"), _("ZONE"), _("URL"),
				       NULL);
	for (guint i = 0; i < array_length (instances); i++) {
		JsonObject *instance = json_array_get_object_element (instances, i);
		g_autofree char *port = get_number_text (instance, "port");

		artemis_ctl_table_add_row (table, get_string (instance, "instanceId"), get_string (instance, "ip"), port,
					   get_string (instance, "status"), get_string (instance, "regionId"),
					   get_string (instance, "zoneId"), get_string (instance, "url"));
	}
	print_table (table);
	return TRUE;
}

/* ---- pulling out and in ------------------------------------------------ */

typedef enum {
	TARGET_INSTANCE,
	TARGET_SERVER,
	TARGET_ZONE,
} Target;

/* The members every operate request shares: operation, operationComplete, operatorId, token. */
static void
add_operation_members (Ctl *ctl, JsonBuilder *builder, gboolean pull_in)
{
	json_builder_set_member_name (builder, "operationComplete");
	json_builder_add_boolean_value (builder, pull_in);
	json_builder_set_member_name (builder, "operatorId");
	json_builder_add_string_value (builder, ctl->operator_id != NULL ? ctl->operator_id : g_get_user_name ());
	json_builder_set_member_name (builder, "token");
	json_builder_add_string_value (builder, ctl->token != NULL ? ctl->token : "");
}

static void
add_key_member (JsonBuilder *builder, const char *name, const char *value)
{
	json_builder_set_member_name (builder, name);
	json_builder_add_string_value (builder, value);
}

/* The request body and path that pull @target out (or in) for @args. */
static char *
operate_request (Ctl *ctl, Target target, const char *region, char **args, gboolean pull_in, const char **path)
{
	g_autoptr (JsonBuilder) builder = json_builder_new ();
	const char *operation = ctl->operation != NULL ? ctl->operation : "pullout";

	json_builder_begin_object (builder);
	switch (target) {
	case TARGET_INSTANCE:
		*path = "/api/management/operate-instance.json";
		json_builder_set_member_name (builder, "instanceKey");
		json_builder_begin_object (builder);
		add_key_member (builder, "regionId", region);
		add_key_member (builder, "serviceId", args[0]);
		add_key_member (builder, "instanceId", args[1]);
		json_builder_end_object (builder);
		add_key_member (builder, "operation", operation);
		break;
	case TARGET_SERVER:
		*path = "/api/management/operate-server.json";
		json_builder_set_member_name (builder, "serverKey");
		json_builder_begin_object (builder);
		add_key_member (builder, "regionId", region);
		add_key_member (builder, "serverId", args[0]);
		json_builder_end_object (builder);
		add_key_member (builder, "operation", operation);
		break;
	case TARGET_ZONE:
	default:
		*path = "/api/management/zone/operate-zone-operations.json";
		json_builder_set_member_name (builder, "zoneOperationsList");
		json_builder_begin_array (builder);
		json_builder_begin_object (builder);
		json_builder_set_member_name (builder, "zoneKey");
		json_builder_begin_object (builder);
		add_key_member (builder, "regionId", region);
		add_key_member (builder, "serviceId", args[0]);
		add_key_member (builder, "zoneId", args[1]);
		json_builder_end_object (builder);
		json_builder_set_member_name (builder, "operations");
		json_builder_begin_array (builder);
		json_builder_add_string_value (builder, operation);
		json_builder_end_array (builder);
		json_builder_end_object (builder);
		json_builder_end_array (builder);
		break;
	}
	add_operation_members (ctl, builder, pull_in);
	json_builder_end_object (builder);
	return builder_to_string (builder);
}

static gboolean
parse_target (const char *word, Target *target, guint n_args, GError **error)
{
	static const struct {
		const char *word;
		guint n_args;
	} targets[] = { { "instance", 3 }, { "server", 2 }, { "zone", 3 } };

	for (guint i = 0; i < G_N_ELEMENTS (targets); i++) {
		if (g_strcmp0 (word, targets[i].word) != 0)
			continue;
		if (n_args != targets[i].n_args)
			break;
		*target = i;
		return TRUE;
	}
	g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
			     /* TRANSLATORS: the words instance, server, zone and the arguments are literal */
			     _("Expected instance SERVICE INSTANCE-ID, server IP or zone SERVICE ZONE"));
	return FALSE;
}

static void
print_operated (Ctl *ctl, Target target, const char *region, char **args, gboolean pull_in)
{
	const char *operation = ctl->operation != NULL ? ctl->operation : "pullout";

	switch (target) {
	case TARGET_INSTANCE:
		g_print (pull_in ? _("Instance %s of %s (region %s) is back in traffic (operation “%s” completed).\n")
				 : _("Instance %s of %s (region %s) is out of traffic (operation “%s”).\n"),
			 args[1], args[0], region, operation);
		break;
	case TARGET_SERVER:
		g_print (pull_in ? _("Server %s (region %s) is back in traffic (operation “%s” completed).\n")
				 : _("Server %s (region %s) is out of traffic (operation “%s”).\n"),
			 args[0], region, operation);
		break;
	case TARGET_ZONE:
	default:
		g_print (pull_in ? _("Zone %s of %s (region %s) is back in traffic (operation “%s” completed).\n")
				 : _("Zone %s of %s (region %s) is out of traffic (operation “%s”).\n"),
			 args[1], args[0], region, operation);
		break;
	}
}

static gboolean
operate (Ctl *ctl, char **args, gboolean pull_in, GError **error)
{
	g_autofree char *region = NULL;
	g_autofree char *body = NULL;
	g_autoptr (JsonNode) root = NULL;
	const char *path = NULL;
	gboolean printed;
	Target target;

	if (!parse_target (args[0], &target, g_strv_length (args), error))
		return FALSE;
	region = get_region (ctl, error);
	if (region == NULL)
		return FALSE;
	body = operate_request (ctl, target, region, args + 1, pull_in, &path);
	root = request_or_print (ctl, path, body, &printed, error);
	if (root == NULL)
		return FALSE;
	if (!printed)
		print_operated (ctl, target, region, args + 1, pull_in);
	return TRUE;
}

static gboolean
cmd_pull_out (Ctl *ctl, char **args, GError **error)
{
	return operate (ctl, args, FALSE, error);
}

static gboolean
cmd_pull_in (Ctl *ctl, char **args, GError **error)
{
	return operate (ctl, args, TRUE, error);
}

/* ---- the audit log ----------------------------------------------------- */

static const struct {
	const char *kind;
	const char *path;
	const char *member; /* in --json output */
} log_kinds[] = {
	{ "instance", "/api/management/log/instance-operation-logs.json", "instanceLogs" },
	{ "server", "/api/management/log/server-operation-logs.json", "serverLogs" },
	{ "zone", "/api/management/log/zone-operation-logs.json", "zoneLogs" },
};

static char *
log_filter (Ctl *ctl, const char *kind)
{
	g_autoptr (JsonBuilder) builder = json_builder_new ();

	json_builder_begin_object (builder);
	if (ctl->operator_id != NULL)
		add_key_member (builder, "operatorId", ctl->operator_id);
	if (ctl->region != NULL)
		add_key_member (builder, "regionId", ctl->region);
	/* Server operations have no service. */
	if (ctl->service != NULL && !g_str_equal (kind, "server"))
		add_key_member (builder, "serviceId", ctl->service);
	json_builder_end_object (builder);
	return builder_to_string (builder);
}

typedef struct {
	gint64 time_ms;
	guint64 id;
	const char *kind;
	JsonObject *row;
} LogLine;

static gint
compare_log_lines (gconstpointer a, gconstpointer b)
{
	const LogLine *x = a, *y = b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* What a log row took out of traffic: service/instance, the server, or service/zone. */
static char *
log_target (const char *kind, JsonObject *row)
{
	if (g_str_equal (kind, "instance"))
		return g_strdup_printf ("%s/%s", get_string (row, "serviceId"), get_string (row, "instanceId"));
	if (g_str_equal (kind, "server"))
		return g_strdup (get_string (row, "serverId"));
	return g_strdup_printf ("%s/%s", get_string (row, "serviceId"), get_string (row, "zoneId"));
}

static void
print_log_lines (GArray *lines)
{
	/* TRANSLATORS: column headers of artemisctl logs */
	g_autoptr (ArtemisCtlTable) table = artemis_ctl_table_new (_("TIME"), _("KIND"), _("TARGET"), _("REGION"),
								   _("OPERATION"), _("ACTION"), _("OPERATOR"), NULL);

	g_array_sort (lines, compare_log_lines);
	for (guint i = 0; i < lines->len; i++) {
		LogLine *line = &g_array_index (lines, LogLine, i);
		g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (line->time_ms / 1000);
		g_autofree char *when = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
		g_autofree char *target = log_target (line->kind, line->row);
		gboolean complete = json_object_get_boolean_member_with_default (line->row, "complete", FALSE);

		artemis_ctl_table_add_row (table, when, line->kind, target, get_string (line->row, "regionId"),
					   get_string (line->row, "operation"),
					   /* TRANSLATORS: what a logged operation did: pulled out or back in */
					   complete ? _("pull-in") : _("pull-out"), get_string (line->row, "operatorId"));
	}
	if (lines->len == 0)
		g_print (_("No operation is logged.\n"));
	else
		print_table (table);
}

static gboolean
cmd_logs (Ctl *ctl, char **args, GError **error)
{
	g_autoptr (GPtrArray) roots = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
	g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (LogLine));
	g_autoptr (JsonBuilder) builder = json_builder_new ();
	gboolean any = FALSE;

	json_builder_begin_object (builder);
	for (guint i = 0; i < G_N_ELEMENTS (log_kinds); i++) {
		g_autofree char *filter = NULL;
		JsonArray *rows;
		JsonNode *root;

		if (args[0] != NULL && !g_str_equal (args[0], log_kinds[i].kind))
			continue;
		any = TRUE;
		filter = log_filter (ctl, log_kinds[i].kind);
		root = request (ctl, log_kinds[i].path, filter, NULL, error);
		if (root == NULL)
			return FALSE;
		g_ptr_array_add (roots, root);
		rows = get_array (json_node_get_object (root), "logs");
		json_builder_set_member_name (builder, log_kinds[i].member);
		json_builder_add_value (builder, json_node_copy (json_object_get_member (json_node_get_object (root), "logs")));
		for (guint j = 0; j < array_length (rows); j++) {
			JsonObject *row = json_array_get_object_element (rows, j);
			LogLine line = { json_object_get_int_member_with_default (row, "createTime", 0),
					 json_object_get_int_member_with_default (row, "id", 0), log_kinds[i].kind, row };

			g_array_append_val (lines, line);
		}
	}
	json_builder_end_object (builder);
	if (!any) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     _("Expected instance, server or zone"));
		return FALSE;
	}
	if (ctl->json) {
		g_autofree char *text = builder_to_string (builder);

		g_print ("%s\n", text);
		return TRUE;
	}
	print_log_lines (lines);
	return TRUE;
}

/* ---- routing ----------------------------------------------------------- */

static char *
lookup_request (const char *service_id, JsonObject *zone)
{
	g_autoptr (JsonBuilder) builder = json_builder_new ();

	json_builder_begin_object (builder);
	json_builder_set_member_name (builder, "discoveryConfigs");
	json_builder_begin_array (builder);
	json_builder_begin_object (builder);
	add_key_member (builder, "serviceId", service_id);
	json_builder_end_object (builder);
	json_builder_end_array (builder);
	add_key_member (builder, "regionId", get_string (zone, "regionId"));
	add_key_member (builder, "zoneId", get_string (zone, "zoneId"));
	json_builder_end_object (builder);
	return builder_to_string (builder);
}

static void
add_rule_rows (ArtemisCtlTable *table, JsonObject *rule)
{
	JsonArray *groups = get_array (rule, "groups");

	for (guint i = 0; i < array_length (groups); i++) {
		JsonObject *group = json_array_get_object_element (groups, i);
		JsonArray *members = get_array (group, "instanceIds");
		g_autoptr (GPtrArray) ids = g_ptr_array_new ();
		g_autofree char *weight = get_number_text (group, "weight");
		g_autofree char *joined = NULL;

		for (guint j = 0; j < array_length (members); j++)
			g_ptr_array_add (ids, (gpointer) json_array_get_string_element (members, j));
		g_ptr_array_add (ids, NULL);
		joined = g_strjoinv (",", (char **) ids->pdata);
		artemis_ctl_table_add_row (table, get_string (rule, "routeId"), get_string (rule, "strategy"),
					   get_string (group, "groupKey"), weight, joined);
	}
}

static gboolean
cmd_route (Ctl *ctl, char **args, GError **error)
{
	g_autoptr (JsonNode) node_root = NULL;
	g_autoptr (JsonNode) root = NULL;
	g_autoptr (ArtemisCtlTable) table = NULL;
	g_autofree char *body = NULL;
	JsonObject *status = get_node_status (ctl, &node_root, error);
	JsonArray *services, *rules;
	gboolean printed;

	if (status == NULL)
		return FALSE;
	/* Discovery as a client of this node's own zone sees it. */
	body = lookup_request (args[0], get_object (get_object (status, "node"), "zone"));
	root = request_or_print (ctl, "/api/discovery/lookup.json", body, &printed, error);
	if (root == NULL || printed)
		return root != NULL;
	services = get_array (json_node_get_object (root), "services");
	rules = array_length (services) > 0 ? get_array (json_array_get_object_element (services, 0), "routeRules") : NULL;
	if (array_length (rules) == 0) {
		g_print (_("%s has no route rule: discovery serves all its instances under the default rule.\n"), args[0]);
		return TRUE;
	}
	/* TRANSLATORS: column headers of artemisctl route */
	table = artemis_ctl_table_new (_("ROUTE RULE"), _("STRATEGY"), _("GROUP"), _("WEIGHT"), _("MEMBERS"), NULL);
	for (guint i = 0; i < array_length (rules); i++)
		add_rule_rows (table, json_array_get_object_element (rules, i));
	print_table (table);
	return TRUE;
}

static gboolean
cmd_groups (Ctl *ctl, char **args, GError **error)
{
	g_autofree char *body = args[0] != NULL ? service_request (args[0]) : g_strdup ("{}");
	gboolean printed;
	g_autoptr (JsonNode) root =
		request_or_print (ctl, "/api/management/group/get-groups.json", body, &printed, error);
	g_autoptr (ArtemisCtlTable) table = NULL;
	JsonArray *groups;

	if (root == NULL || printed)
		return root != NULL;
	groups = get_array (json_node_get_object (root), "groups");
	/* TRANSLATORS: column headers of artemisctl groups */
	table = artemis_ctl_table_new (_("ID"), _("SERVICE"), _("REGION"), _("ZONE"), _("NAME"), _("APP"), _("STATUS"),
				       NULL);
	for (guint i = 0; i < array_length (groups); i++) {
		JsonObject *group = json_array_get_object_element (groups, i);
		g_autofree char *id = get_number_text (group, "groupId");

		artemis_ctl_table_add_row (table, id, get_string (group, "serviceId"), get_string (group, "regionId"),
					   get_string (group, "zoneId"), get_string (group, "name"),
					   get_string (group, "appId"), get_string (group, "status"));
	}
	if (artemis_ctl_table_get_n_rows (table) == 0)
		g_print (_("No group.\n"));
	else
		print_table (table);
	return TRUE;
}

static gboolean
cmd_metrics (Ctl *ctl, char **args, GError **error)
{
	g_autofree char *reason = NULL;
	g_autoptr (GBytes) answer = NULL;
	guint status = 0;

	answer = send_request (ctl, "/metrics", NULL, &status, &reason, error);
	if (answer == NULL)
		return FALSE;
	if (status == SOUP_STATUS_NOT_FOUND) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_NOT_FOUND,
			     _("This artemisd serves no metrics (GET /metrics answered 404): it was built without them"));
		return FALSE;
	}
	if (status != SOUP_STATUS_OK) {
		set_http_error (error, "/metrics", status, reason);
		return FALSE;
	}
	fwrite (g_bytes_get_data (answer, NULL), 1, g_bytes_get_size (answer), stdout);
	return TRUE;
}

/* ---- commands ---------------------------------------------------------- */

typedef gboolean (*CommandFunc) (Ctl *ctl, char **args, GError **error);

typedef struct {
	const char *name;
	const char *arguments; /* translatable */
	const char *description; /* translatable */
	guint min_args;
	guint max_args;
	CommandFunc func;
} Command;

static const Command commands[] = {
	/* TRANSLATORS: in the command list of artemisctl --help */
	{ "status", "", N_("The node: status, region, zone, counts"), 0, 0, cmd_status },
	{ "services", "", N_("Every registered service, with its instance counts"), 0, 0, cmd_services },
	{ "service", N_("SERVICE"), N_("The instances of one service"), 1, 1, cmd_service },
	{ "pull-out", N_("instance SERVICE INSTANCE-ID | server IP | zone SERVICE ZONE"),
	  N_("Take an instance, a server or a service's zone out of traffic"), 2, 3, cmd_pull_out },
	{ "pull-in", N_("instance SERVICE INSTANCE-ID | server IP | zone SERVICE ZONE"),
	  N_("Put it back (complete the operation)"), 2, 3, cmd_pull_in },
	{ "logs", N_("[instance|server|zone]"), N_("The audit log of pull-outs and pull-ins"), 0, 1, cmd_logs },
	{ "route", N_("SERVICE"), N_("The route rules discovery serves for a service"), 1, 1, cmd_route },
	{ "groups", N_("[SERVICE]"), N_("The service groups"), 0, 1, cmd_groups },
	{ "metrics", "", N_("The node's metrics (GET /metrics)"), 0, 0, cmd_metrics },
};

static char *
describe_commands (void)
{
	GString *text = g_string_new (_("Commands:"));

	for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
		const Command *command = &commands[i];

		g_string_append_printf (text, "\n  %s", command->name);
		if (*command->arguments != '\0')
			g_string_append_printf (text, " %s", _(command->arguments));
		g_string_append_printf (text, "\n      %s", _(command->description));
	}
	return g_string_free (text, FALSE);
}

static GOptionContext *
option_context_new (Ctl *ctl)
{
	GOptionEntry entries[] = {
		/* The description, with the default URL, is set below. */
		{ "url", 'u', 0, G_OPTION_ARG_STRING, &ctl->url, NULL, N_("URL") },
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &ctl->json, N_("Print JSON for scripts instead of tables"), NULL },
		{ "region", 'r', 0, G_OPTION_ARG_STRING, &ctl->region,
		  N_("Region of the target or log filter (default: the node's)"), N_("REGION") },
		{ "operator", 'o', 0, G_OPTION_ARG_STRING, &ctl->operator_id,
		  N_("Who operates, for the audit log (default: the user name); also a log filter"), N_("NAME") },
		{ "operation", 0, 0, G_OPTION_ARG_STRING, &ctl->operation,
		  N_("Name of the operation to start or complete (default pullout)"), N_("NAME") },
		{ "token", 0, 0, G_OPTION_ARG_STRING, &ctl->token, N_("Token recorded with the operation"),
		  N_("TOKEN") },
		{ "service", 's', 0, G_OPTION_ARG_STRING, &ctl->service, N_("Log filter: only this service"),
		  N_("SERVICE") },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &ctl->version, N_("Print the version and exit"), NULL },
		{ NULL }
	};
	/* TRANSLATORS: the arguments of artemisctl in its usage line */
	GOptionContext *context = g_option_context_new (_("COMMAND [ARGUMENTS…]"));
	g_autofree char *description = describe_commands ();

	/* TRANSLATORS: --url; %s is the URL used without it */
	ctl->url_help = g_strdup_printf (_("Base URL of artemisd, with its context path if any (default %s)"), DEFAULT_URL);
	entries[0].description = ctl->url_help;
	g_option_context_set_summary (context, _("Inspect and operate a running artemisd."));
	g_option_context_set_description (context, description);
	g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
	return context;
}

static const Command *
find_command (const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
		if (g_str_equal (commands[i].name, name))
			return &commands[i];
	}
	return NULL;
}

static int
run (int argc, char **argv)
{
	g_auto (Ctl) ctl = { NULL };
	g_autoptr (GOptionContext) context = option_context_new (&ctl);
	g_autoptr (GError) error = NULL;
	const Command *command;
	guint n_args;

	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		g_printerr ("artemisctl: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (ctl.version) {
		g_print ("artemisctl %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	command = argc > 1 ? find_command (argv[1]) : NULL;
	n_args = argc > 1 ? argc - 2 : 0;
	if (command == NULL || n_args < command->min_args || n_args > command->max_args) {
		g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

		if (argc > 1 && command == NULL)
			g_printerr (_("artemisctl: unknown command “%s”\n"), argv[1]);
		g_printerr ("%s", help);
		return EXIT_USAGE;
	}
	if (ctl.url == NULL)
		ctl.url = g_strdup (DEFAULT_URL);
	ctl.session = soup_session_new_with_options ("timeout", 30, "user-agent", "artemisctl/" PACKAGE_VERSION, NULL);
	if (!command->func (&ctl, argv + 2, &error)) {
		g_printerr ("artemisctl: %s\n", error->message);
		return g_error_matches (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST) ? EXIT_USAGE : EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

int
main (int argc, char **argv)
{
	const char *localedir = g_getenv ("ARTEMIS_LOCALEDIR");

	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	return run (argc, argv);
}
