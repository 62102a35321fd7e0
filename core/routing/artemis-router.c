/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-codec.h"
#include "artemis-error.h"
#include "artemis-route-rules.h"
#include "artemis-router.h"

/* Strategy states kept before they are all dropped (services come and go). */
#define MAX_STATES 4096

/* ---- the request ------------------------------------------------------- */

void
artemis_route_request_free (ArtemisRouteRequest *request)
{
	if (request == NULL)
		return;
	artemis_discovery_config_free (request->discovery_config);
	g_free (request->route_id);
	g_free (request->region_id);
	g_free (request->zone_id);
	g_free (request);
}

static gboolean
read_string_member (ArtemisJsonScanner *scanner, char **value, GError **error)
{
	g_clear_pointer (value, g_free);
	return artemis_json_scanner_read_string (scanner, value, error);
}

static gboolean
read_member (ArtemisJsonScanner *scanner, ArtemisRouteRequest *request, GError **error)
{
	if (artemis_json_scanner_name_is (scanner, "discoveryConfig")) {
		g_clear_pointer (&request->discovery_config, artemis_discovery_config_free);
		return artemis_codec_read_discovery_config (scanner, &request->discovery_config, error);
	}
	if (artemis_json_scanner_name_is (scanner, "routeId"))
		return read_string_member (scanner, &request->route_id, error);
	if (artemis_json_scanner_name_is (scanner, "regionId"))
		return read_string_member (scanner, &request->region_id, error);
	if (artemis_json_scanner_name_is (scanner, "zoneId"))
		return read_string_member (scanner, &request->zone_id, error);
	if (artemis_json_scanner_name_is (scanner, "count"))
		return artemis_json_scanner_read_int64 (scanner, &request->count, error);
	return artemis_json_scanner_skip_value (scanner, error);
}

ArtemisRouteRequest *
artemis_route_request_decode (const char *data, gsize len, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner = artemis_json_scanner_new (data, len);
	g_autoptr (ArtemisRouteRequest) request = g_new0 (ArtemisRouteRequest, 1);
	gboolean is_null, more;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return NULL;
	if (is_null) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "request is null");
		return NULL;
	}
	for (;;) {
		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return NULL;
		if (!more)
			break;
		if (!read_member (scanner, request, error)) {
			g_prefix_error (error, "%s: ", artemis_json_scanner_get_name (scanner));
			return NULL;
		}
	}
	if (!artemis_json_scanner_finish (scanner, error))
		return NULL;
	return g_steal_pointer (&request);
}

void
artemis_route_result_free (ArtemisRouteResult *result)
{
	if (result == NULL)
		return;
	g_free (result->route_id);
	g_free (result->strategy);
	g_clear_pointer (&result->instances, g_ptr_array_unref);
	g_free (result);
}

/* ---- the router -------------------------------------------------------- */

/* A strategy's memory of one (service, route rule), valid while the rule's shape holds. */
typedef struct {
	ArtemisRouteStrategy *strategy;
	char *shape;
	gpointer state;
} RouteState;

static void
route_state_free (RouteState *state)
{
	artemis_route_strategy_free_state (state->strategy, state->state);
	g_object_unref (state->strategy);
	g_free (state->shape);
	g_free (state);
}

struct _ArtemisRouter {
	GObject parent_instance;

	ArtemisDiscovery *discovery;
	char *default_strategy;
	GPtrArray *strategies;
	GHashTable *states; /* lower-case "service\nrouteId" → RouteState */
	GRand *rand;
};

G_DEFINE_TYPE (ArtemisRouter, artemis_router, G_TYPE_OBJECT)

static void
artemis_router_dispose (GObject *object)
{
	ArtemisRouter *self = ARTEMIS_ROUTER (object);

	/* States go first: freeing one calls into its strategy. */
	g_hash_table_remove_all (self->states);
	g_ptr_array_set_size (self->strategies, 0);
	g_clear_object (&self->discovery);
	G_OBJECT_CLASS (artemis_router_parent_class)->dispose (object);
}

static void
artemis_router_finalize (GObject *object)
{
	ArtemisRouter *self = ARTEMIS_ROUTER (object);

	g_hash_table_unref (self->states);
	g_ptr_array_unref (self->strategies);
	g_rand_free (self->rand);
	g_free (self->default_strategy);
	G_OBJECT_CLASS (artemis_router_parent_class)->finalize (object);
}

static void
artemis_router_class_init (ArtemisRouterClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_router_dispose;
	object_class->finalize = artemis_router_finalize;
}

static void
artemis_router_init (ArtemisRouter *self)
{
	self->strategies = g_ptr_array_new_with_free_func (g_object_unref);
	self->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
					      (GDestroyNotify) route_state_free);
	self->rand = g_rand_new ();
}

ArtemisRouter *
artemis_router_new (ArtemisDiscovery *discovery, const char *default_strategy)
{
	ArtemisRouter *self = g_object_new (ARTEMIS_TYPE_ROUTER, NULL);

	self->discovery = g_object_ref (discovery);
	self->default_strategy = g_strdup (default_strategy);
	return self;
}

void
artemis_router_add_strategy (ArtemisRouter *self, ArtemisRouteStrategy *strategy)
{
	const char *id = artemis_route_strategy_get_id (strategy);

	if (artemis_router_find_strategy (self, id) != NULL) {
		g_warning ("Ignoring strategy plugin %s: strategy %s is served already",
			   artemis_plugin_get_name (ARTEMIS_PLUGIN (strategy)), id);
		return;
	}
	g_ptr_array_add (self->strategies, g_object_ref (strategy));
}

ArtemisRouteStrategy *
artemis_router_find_strategy (ArtemisRouter *self, const char *strategy_id)
{
	for (guint i = 0; strategy_id != NULL && i < self->strategies->len; i++) {
		ArtemisRouteStrategy *strategy = g_ptr_array_index (self->strategies, i);

		if (g_ascii_strcasecmp (artemis_route_strategy_get_id (strategy), strategy_id) == 0)
			return strategy;
	}
	return NULL;
}

void
artemis_router_set_seed (ArtemisRouter *self, guint32 seed)
{
	g_rand_set_seed (self->rand, seed);
	g_hash_table_remove_all (self->states);
}

/* What a strategy state may rely on: the groups, in order, and their weights. */
static char *
rule_shape (const ArtemisRouteRule *rule)
{
	GString *shape = g_string_new (NULL);

	for (guint i = 0; i < rule->groups->len; i++) {
		const ArtemisServiceGroup *group = g_ptr_array_index (rule->groups, i);

		g_string_append_printf (shape, "%s=%d\n", group->group_key, group->weight);
	}
	return g_string_free (shape, FALSE);
}

static gpointer
lookup_state (ArtemisRouter *self, const char *service_id, const ArtemisRouteRule *rule,
	      ArtemisRouteStrategy *strategy)
{
	g_autofree char *id = g_strconcat (service_id, "\n", rule->route_id, NULL);
	g_autofree char *key = artemis_id_to_key (id);
	g_autofree char *shape = rule_shape (rule);
	RouteState *state = g_hash_table_lookup (self->states, key);

	if (state != NULL && state->strategy == strategy && g_str_equal (state->shape, shape))
		return state->state;
	if (state == NULL && g_hash_table_size (self->states) >= MAX_STATES)
		g_hash_table_remove_all (self->states);
	state = g_new0 (RouteState, 1);
	state->strategy = g_object_ref (strategy);
	state->shape = g_steal_pointer (&shape);
	state->state = artemis_route_strategy_new_state (strategy, rule, self->rand);
	g_hash_table_replace (self->states, g_steal_pointer (&key), state);
	return state->state;
}

static gboolean
check_request (ArtemisRouter *self, const ArtemisRouteRequest *request, GError **error)
{
	const ArtemisDiscoveryConfig *config = request->discovery_config;

	/* The checks and messages of discovery/service.json (protocol §3.2), then the count. */
	if (config == NULL || artemis_str_is_blank (config->service_id)) {
		g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
				     "Request is null or request.discoveryConfig is null.");
		return FALSE;
	}
	if (request->count < 0 || request->count > ARTEMIS_ROUTE_MAX_COUNT) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
			     "count must be between 1 and %d.", ARTEMIS_ROUTE_MAX_COUNT);
		return FALSE;
	}
	return artemis_discovery_check_caller (self->discovery, request->region_id, request->zone_id, error);
}

/* A rule without a strategy uses the column default of Java's database (protocol §8.1). */
static const char *
rule_strategy_id (const ArtemisRouteRule *rule)
{
	return artemis_str_is_blank (rule->strategy) ? ARTEMIS_STRATEGY_WEIGHTED_ROUND_ROBIN : rule->strategy;
}

static GPtrArray *
pick (ArtemisRouter *self, ArtemisRouteStrategy *strategy, const ArtemisRouteRule *rule, gpointer state,
      const ArtemisRouteRequest *request)
{
	ArtemisRouteCaller caller = { request->region_id, request->zone_id, request->discovery_config };
	guint count = request->count > 0 ? request->count : 1;
	GPtrArray *picks = artemis_instance_array_new (count);

	for (guint i = 0; i < count; i++) {
		ArtemisInstance *instance;

		instance = artemis_route_strategy_choose (strategy, rule, &caller, state, self->rand);
		if (instance == NULL)
			break;
		g_ptr_array_add (picks, artemis_instance_ref (instance));
	}
	return picks;
}

ArtemisRouteResult *
artemis_router_route (ArtemisRouter *self, const ArtemisRouteRequest *request, GError **error)
{
	g_autoptr (ArtemisService) service = NULL;
	g_autoptr (GPtrArray) rules = NULL;
	ArtemisRouteResult *result;
	ArtemisRouteStrategy *strategy;
	ArtemisRouteRule *rule;
	const char *route_id = request->route_id;
	gpointer state;

	if (!check_request (self, request, error))
		return NULL;
	if (artemis_str_is_blank (route_id))
		route_id = ARTEMIS_ROUTE_RULE_DEFAULT;
	service = artemis_discovery_get_service (self->discovery, request->discovery_config, TRUE);
	rules = artemis_route_rules_compute (service, self->default_strategy);
	rule = artemis_route_rules_find (rules, route_id);
	if (rule == NULL) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_NOT_FOUND, "Route rule %s is not found.",
			     route_id);
		return NULL;
	}
	strategy = artemis_router_find_strategy (self, rule_strategy_id (rule));
	if (strategy == NULL) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_UNAVAILABLE,
			     "No routing strategy plugin serves %s.", rule_strategy_id (rule));
		return NULL;
	}
	state = lookup_state (self, service->service_id, rule, strategy);
	result = g_new0 (ArtemisRouteResult, 1);
	result->route_id = g_strdup (rule->route_id);
	result->strategy = g_strdup (rule_strategy_id (rule));
	result->instances = pick (self, strategy, rule, state, request);
	return result;
}
