/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-core.h"

/*
 * Cluster membership in core (protocol §10): the node-list parser, finding
 * this node, the node lists and their order (§3.4), the targets of
 * replication and bootstrap, the cluster codec, and the start-up rule.
 */

/* ---- the node list ----------------------------------------------------- */

static char *
describe_nodes (GPtrArray *nodes)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < nodes->len; i++) {
		ArtemisClusterNode *node = g_ptr_array_index (nodes, i);

		g_string_append_printf (out, "%s%s=%s", i > 0 ? " " : "", node->zone_id, node->url);
	}
	return g_string_free (out, FALSE);
}

static void
test_parse_nodes (void)
{
	static const struct {
		const char *text;
		const char *expected;
	} cases[] = {
		{ "", "" },
		{ " ; ;", "" },
		{ "z1:http://a:8080/", "z1=http://a:8080/" },
		/* The first colon ends the zone; pieces trimmed, blanks skipped, repeats once. */
		{ " z1 : http://a:8080/ctx/ , ,http://b:8080/ctx/;z2:http://c/;; z1:http://A:8080/ctx/",
		  "z1=http://a:8080/ctx/ z1=http://b:8080/ctx/ z2=http://c/" },
		{ "sha-z1:https://x.example/artemis-service", "sha-z1=https://x.example/artemis-service" },
		/* A zone without URLs adds nothing. */
		{ "z1:", "" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) nodes = artemis_cluster_parse_nodes (cases[i].text, &error);
		g_autofree char *described = NULL;

		g_assert_no_error (error);
		described = describe_nodes (nodes);
		g_assert_cmpstr (described, ==, cases[i].expected);
	}
}

static void
test_parse_nodes_errors (void)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "http//a/", "[cluster] nodes: “http//a/” has no zone (write zone:url)" },
		{ " :http://a/", "[cluster] nodes: “:http://a/” has no zone (write zone:url)" },
		{ "z1:a:8080", "[cluster] nodes: “a:8080” is not an http:// or https:// URL" },
		{ "z1:http://a/,ftp://b/", "[cluster] nodes: “ftp://b/” is not an http:// or https:// URL" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;

		g_assert_null (artemis_cluster_parse_nodes (cases[i].text, &error));
		g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG);
		g_assert_cmpstr (error->message, ==, cases[i].message);
	}
}

/* ---- membership -------------------------------------------------------- */

typedef struct {
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisCluster *cluster;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	fixture->config = artemis_config_new ();
	artemis_config_load_data (fixture->config,
				  "[deployment]\nregion-id=SHA\nzone-id=z1\n[cluster]\nforce-up=false\n", &error);
	g_assert_no_error (error);
	fixture->node = artemis_node_new (fixture->config, "http://10.0.0.2:8080/");
	fixture->cluster = artemis_cluster_new (fixture->node);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
	g_clear_object (&fixture->cluster);
	g_clear_object (&fixture->node);
	artemis_config_free (fixture->config);
}

/* Other zones listed first, this node second in its zone, with a context path. */
#define NODES                                                                                                \
	"z2:http://10.1.0.1:8080/ctx/;z1:http://10.0.0.1:8080/ctx/,http://10.0.0.2:8080/ctx/,"             \
	"http://10.0.0.3:8080/ctx/;z3:http://10.2.0.1:8080/ctx"

static void
configure (Fixture *fixture)
{
	g_autoptr (GError) error = NULL;

	g_assert_true (artemis_cluster_configure (fixture->cluster, NODES, &error));
	g_assert_no_error (error);
}

static void
set_status (Fixture *fixture, const char *url, ArtemisNodeState state, ArtemisTristate registry,
	    ArtemisTristate allow_other_zones)
{
	ArtemisNodeStatus status = { state, registry, registry, allow_other_zones, allow_other_zones };

	artemis_cluster_set_peer_status (fixture->cluster, url, &status);
}

static void
test_alone (Fixture *fixture, gconstpointer data)
{
	GPtrArray *nodes;
	g_autoptr (GError) error = NULL;
	g_auto (GStrv) peers = NULL;

	g_assert_true (artemis_cluster_configure (fixture->cluster, "  ", &error));
	nodes = artemis_cluster_get_nodes (fixture->cluster);
	g_assert_cmpuint (nodes->len, ==, 1);
	g_assert_true (((ArtemisClusterNode *) g_ptr_array_index (nodes, 0))->is_local);
	g_assert_cmpstr (((ArtemisClusterNode *) g_ptr_array_index (nodes, 0))->url, ==, "http://10.0.0.2:8080/");
	g_assert_false (artemis_cluster_has_peers (fixture->cluster));
	peers = artemis_cluster_dup_peer_urls (fixture->cluster);
	g_assert_cmpuint (g_strv_length (peers), ==, 0);
}

static void
test_local_node (Fixture *fixture, gconstpointer data)
{
	GPtrArray *nodes;
	g_autofree char *described = NULL;
	g_autoptr (GError) error = NULL;

	configure (fixture);
	nodes = artemis_cluster_get_nodes (fixture->cluster);
	described = describe_nodes (nodes);
	/* This zone first, then the others, each in configuration order (protocol §10.2). */
	g_assert_cmpstr (described, ==,
			 "z1=http://10.0.0.1:8080/ctx/ z1=http://10.0.0.2:8080/ctx/ z1=http://10.0.0.3:8080/ctx/ "
			 "z2=http://10.1.0.1:8080/ctx/ z3=http://10.2.0.1:8080/ctx");
	for (guint i = 0; i < nodes->len; i++)
		g_assert_cmpint (((ArtemisClusterNode *) g_ptr_array_index (nodes, i))->is_local, ==, i == 1);
	/* The configured URL, with its context path, becomes the node's. */
	g_assert_cmpstr (artemis_node_get_url (fixture->node), ==, "http://10.0.0.2:8080/ctx/");
	g_assert_true (artemis_cluster_has_peers (fixture->cluster));

	/* A port that merely starts the same is not this node; a bad list changes nothing. */
	artemis_node_set_url (fixture->node, "http://10.0.0.2:808/");
	g_assert_true (artemis_cluster_configure (fixture->cluster, "z1:http://10.0.0.2:8080/", &error));
	g_assert_false (((ArtemisClusterNode *) g_ptr_array_index (artemis_cluster_get_nodes (fixture->cluster), 0))
				->is_local);
	g_assert_false (artemis_cluster_configure (fixture->cluster, "nozone", &error));
	g_assert_cmpuint (artemis_cluster_get_nodes (fixture->cluster)->len, ==, 1);
}

/* A node known by name ([deployment] node-url), behind the default port of its scheme. */
static void
test_local_node_by_name (Fixture *fixture, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *nodes;

	artemis_node_set_url (fixture->node, "https://Artemis-B.example/");
	g_assert_true (artemis_cluster_configure (
		fixture->cluster, "z1:https://artemis-a.example:443/ctx/,https://artemis-b.example/ctx/", &error));
	nodes = artemis_cluster_get_nodes (fixture->cluster);
	g_assert_false (((ArtemisClusterNode *) g_ptr_array_index (nodes, 0))->is_local);
	g_assert_true (((ArtemisClusterNode *) g_ptr_array_index (nodes, 1))->is_local);
	g_assert_cmpstr (artemis_node_get_url (fixture->node), ==, "https://artemis-b.example/ctx/");
}

static char *
select_urls (Fixture *fixture, ArtemisClusterCapability capability, const char *region_id, const char *zone_id)
{
	g_autoptr (GPtrArray) selected =
		artemis_cluster_select_nodes (fixture->cluster, capability, region_id, zone_id);

	return describe_nodes (selected);
}

static char *
join (GStrv urls)
{
	return g_strjoinv (" ", urls);
}

static void
test_select_nodes (Fixture *fixture, gconstpointer data)
{
	g_autofree char *none = NULL;
	g_autofree char *all_up = NULL;
	g_autofree char *other_zone = NULL;
	g_autofree char *wrong_case = NULL;
	g_autofree char *discovery = NULL;
	g_autofree char *starting = NULL;

	configure (fixture);
	/* Nobody polled, this node starting: nobody serves. */
	none = select_urls (fixture, ARTEMIS_CLUSTER_REGISTRY, "SHA", "z1");
	g_assert_cmpstr (none, ==, "");

	artemis_node_set_state (fixture->node, ARTEMIS_NODE_UP);
	set_status (fixture, "http://10.0.0.1:8080/ctx/", ARTEMIS_NODE_UP, ARTEMIS_TRISTATE_TRUE,
		    ARTEMIS_TRISTATE_FALSE);
	set_status (fixture, "http://10.0.0.3:8080/ctx/", ARTEMIS_NODE_DOWN, ARTEMIS_TRISTATE_TRUE,
		    ARTEMIS_TRISTATE_TRUE);
	set_status (fixture, "http://10.1.0.1:8080/ctx/", ARTEMIS_NODE_UP, ARTEMIS_TRISTATE_TRUE,
		    ARTEMIS_TRISTATE_FALSE);
	/* Polled with the trailing slash the poller adds. */
	set_status (fixture, "http://10.2.0.1:8080/ctx/", ARTEMIS_NODE_UP, ARTEMIS_TRISTATE_TRUE,
		    ARTEMIS_TRISTATE_TRUE);

	/* The caller's zone: its up nodes, then other zones' nodes that allow callers from elsewhere. */
	all_up = select_urls (fixture, ARTEMIS_CLUSTER_REGISTRY, "SHA", "z1");
	g_assert_cmpstr (all_up, ==, "z1=http://10.0.0.1:8080/ctx/ z1=http://10.0.0.2:8080/ctx/ z3=http://10.2.0.1:8080/ctx");
	other_zone = select_urls (fixture, ARTEMIS_CLUSTER_REGISTRY, "SHA", "z2");
	g_assert_cmpstr (other_zone, ==, "z2=http://10.1.0.1:8080/ctx/ z3=http://10.2.0.1:8080/ctx");
	/* Zone and region compare with case, as Java's do. */
	wrong_case = select_urls (fixture, ARTEMIS_CLUSTER_REGISTRY, "sha", "z1");
	g_assert_cmpstr (wrong_case, ==, "z3=http://10.2.0.1:8080/ctx");

	/* A starting node serves discovery only by its flag. */
	set_status (fixture, "http://10.0.0.1:8080/ctx/", ARTEMIS_NODE_STARTING, ARTEMIS_TRISTATE_NULL,
		    ARTEMIS_TRISTATE_FALSE);
	discovery = select_urls (fixture, ARTEMIS_CLUSTER_DISCOVERY, "SHA", "z1");
	g_assert_cmpstr (discovery, ==, "z1=http://10.0.0.2:8080/ctx/ z3=http://10.2.0.1:8080/ctx");
	set_status (fixture, "http://10.0.0.1:8080/ctx/", ARTEMIS_NODE_STARTING, ARTEMIS_TRISTATE_TRUE,
		    ARTEMIS_TRISTATE_FALSE);
	starting = select_urls (fixture, ARTEMIS_CLUSTER_REGISTRY, "SHA", "z1");
	g_assert_cmpstr (starting, ==, "z1=http://10.0.0.1:8080/ctx/ z1=http://10.0.0.2:8080/ctx/ z3=http://10.2.0.1:8080/ctx");
}

static void
test_peers (Fixture *fixture, gconstpointer data)
{
	g_auto (GStrv) peers = NULL;
	g_auto (GStrv) targets = NULL;
	g_auto (GStrv) bootstrap = NULL;
	g_autofree char *peers_text = NULL;
	g_autofree char *targets_text = NULL;
	g_autofree char *bootstrap_text = NULL;

	configure (fixture);
	g_assert_false (artemis_cluster_all_peers_polled (fixture->cluster));
	/* Starting, flags null: it takes replication all the same. */
	set_status (fixture, "http://10.0.0.1:8080/ctx/", ARTEMIS_NODE_STARTING, ARTEMIS_TRISTATE_NULL,
		    ARTEMIS_TRISTATE_FALSE);
	set_status (fixture, "http://10.0.0.3:8080/ctx/", ARTEMIS_NODE_UNKNOWN, ARTEMIS_TRISTATE_NULL,
		    ARTEMIS_TRISTATE_NULL);
	set_status (fixture, "http://10.1.0.1:8080/ctx/", ARTEMIS_NODE_UP, ARTEMIS_TRISTATE_NULL,
		    ARTEMIS_TRISTATE_FALSE);
	g_assert_false (artemis_cluster_all_peers_polled (fixture->cluster));
	set_status (fixture, "http://10.2.0.1:8080/ctx", ARTEMIS_NODE_UP, ARTEMIS_TRISTATE_TRUE,
		    ARTEMIS_TRISTATE_FALSE);
	g_assert_true (artemis_cluster_all_peers_polled (fixture->cluster));

	peers = artemis_cluster_dup_peer_urls (fixture->cluster);
	peers_text = join (peers);
	g_assert_cmpstr (peers_text, ==,
			 "http://10.0.0.1:8080/ctx/ http://10.0.0.3:8080/ctx/ http://10.1.0.1:8080/ctx/ "
			 "http://10.2.0.1:8080/ctx/");
	/* Replication goes where registry is served or a node starts (protocol §11.2), bootstrap only to up nodes (§11.6). */
	targets = artemis_cluster_dup_targets (fixture->cluster);
	targets_text = join (targets);
	g_assert_cmpstr (targets_text, ==,
			 "http://10.0.0.1:8080/ctx/ http://10.1.0.1:8080/ctx/ http://10.2.0.1:8080/ctx/");
	bootstrap = artemis_cluster_dup_bootstrap_peers (fixture->cluster);
	bootstrap_text = join (bootstrap);
	g_assert_cmpstr (bootstrap_text, ==, "http://10.1.0.1:8080/ctx/ http://10.2.0.1:8080/ctx/");
}

static void
test_join_url (void)
{
	static const char *const cases[][3] = {
		{ "http://h:8080/ctx/", "/api/x.json", "http://h:8080/ctx/api/x.json" },
		{ "http://h:8080/ctx", "api/x.json", "http://h:8080/ctx/api/x.json" },
		{ "http://h:8080/", "//api/x.json", "http://h:8080/api/x.json" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *url = artemis_cluster_join_url (cases[i][0], cases[i][1]);

		g_assert_cmpstr (url, ==, cases[i][2]);
	}
}

/* ---- codec ------------------------------------------------------------- */

static void
test_codec_node_status (void)
{
	static const char answer[] =
		"{\"nodeStatus\":{\"allowDiscoveryFromOtherZone\":true,\"allowRegistryFromOtherZone\":false,"
		"\"canServiceDiscovery\":null,\"canServiceRegistry\":true,\"node\":{\"url\":\"http://a/\","
		"\"zone\":{\"metadata\":null,\"regionId\":\"SHA\",\"zoneId\":\"z1\"}},\"status\":\"starting\"},"
		"\"responseStatus\":{\"errorCode\":\"success\",\"message\":\"\",\"status\":\"success\"}}";
	ArtemisNodeStatus status = ARTEMIS_NODE_STATUS_UNKNOWN;
	ArtemisJsonWriter *writer = artemis_json_writer_new (64);
	g_autofree char *written = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_true (artemis_cluster_codec_decode_node_status (answer, strlen (answer), &status, &error));
	g_assert_no_error (error);
	g_assert_cmpint (status.state, ==, ARTEMIS_NODE_STARTING);
	g_assert_cmpint (status.can_serve_registry, ==, ARTEMIS_TRISTATE_TRUE);
	g_assert_cmpint (status.can_serve_discovery, ==, ARTEMIS_TRISTATE_NULL);
	g_assert_cmpint (status.allow_registry_from_other_zone, ==, ARTEMIS_TRISTATE_FALSE);
	g_assert_cmpint (status.allow_discovery_from_other_zone, ==, ARTEMIS_TRISTATE_TRUE);

	/* Written back exactly. */
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "nodeStatus");
	artemis_cluster_codec_write_node_status (writer, "http://a/", "SHA", "z1", &status);
	artemis_json_writer_member (writer, "responseStatus");
	artemis_codec_write_success_status (writer);
	artemis_json_writer_end_object (writer);
	written = artemis_json_writer_free_to_string (writer);
	g_assert_cmpstr (written, ==, answer);
}

static void
test_codec_node_status_errors (void)
{
	static const char *const answers[] = {
		"",
		"null",
		"{\"nodeStatus\":null,\"responseStatus\":{\"errorCode\":\"success\"}}",
		"{\"nodeStatus\":{\"status\":\"up\"}}",
		"{\"nodeStatus\":{\"status\":\"up\"},\"responseStatus\":{\"errorCode\":\"rate-limited\"}}",
		"{\"nodeStatus\":[],\"responseStatus\":{\"errorCode\":\"success\"}}",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (answers); i++) {
		ArtemisNodeStatus status = ARTEMIS_NODE_STATUS_UNKNOWN;
		g_autoptr (GError) error = NULL;

		g_assert_false (artemis_cluster_codec_decode_node_status (answers[i], strlen (answers[i]), &status,
									  &error));
		g_assert_nonnull (error);
		g_assert_cmpint (status.state, ==, ARTEMIS_NODE_UNKNOWN);
	}
}

static ArtemisInstance *
make_instance (const char *service_id, const char *instance_id)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, "SHA");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, "z1");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, service_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, instance_id);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, "http://10.0.0.5:8080/");
	return artemis_instance_builder_end (builder);
}

static char *
describe_failures (GPtrArray *failures)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < failures->len; i++) {
		ArtemisReplicationFailure *failure = g_ptr_array_index (failures, i);

		g_string_append_printf (out, "%s%s=%s", i > 0 ? " " : "",
					artemis_instance_get (failure->instance, ARTEMIS_INSTANCE_INSTANCE_ID),
					failure->error_code);
	}
	return g_string_free (out, FALSE);
}

static void
test_codec_registry_response (void)
{
	static const struct {
		const char *answer;
		const char *failures;
	} cases[] = {
		{ "{\"failedInstances\":null,\"responseStatus\":{\"errorCode\":\"success\",\"message\":\"\",\"status\":\"success\"}}",
		  "" },
		{ "{\"failedInstances\":null,\"responseStatus\":{\"errorCode\":\"rate-limited\",\"message\":\"x\",\"status\":\"fail\"}}",
		  "a=rate-limited B=rate-limited" },
		/* Matched by InstanceKey, ignoring case; the instance sent is what fails. */
		{ "{\"failedInstances\":[{\"errorCode\":\"no-permission\",\"errorMessage\":\"m\",\"instance\":"
		  "{\"instanceId\":\"b\",\"regionId\":\"sha\",\"serviceId\":\"S\"}},{\"errorCode\":\"x\",\"instance\":"
		  "{\"instanceId\":\"other\",\"regionId\":\"sha\",\"serviceId\":\"s\"}}],"
		  "\"responseStatus\":{\"errorCode\":\"partial_fail\",\"message\":\"\",\"status\":\"partial_fail\"}}",
		  "B=no-permission" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GPtrArray) sent = artemis_instance_array_new (2);
		g_autoptr (GPtrArray) failures = artemis_replication_failure_array_new ();
		g_autoptr (GError) error = NULL;
		g_autofree char *described = NULL;

		g_ptr_array_add (sent, make_instance ("s", "a"));
		g_ptr_array_add (sent, make_instance ("s", "B"));
		g_assert_true (artemis_cluster_codec_decode_registry_response (
			cases[i].answer, strlen (cases[i].answer), sent, failures, &error));
		g_assert_no_error (error);
		described = describe_failures (failures);
		g_assert_cmpstr (described, ==, cases[i].failures);
	}
}

static void
test_codec_services (void)
{
	static const char answer[] =
		"{\"responseStatus\":{\"errorCode\":\"success\",\"message\":\"\",\"status\":\"success\"},\"services\":["
		"{\"instances\":[{\"instanceId\":\"a\",\"serviceId\":\"s1\"},null],\"logicInstances\":null,"
		"\"metadata\":null,\"routeRules\":null,\"serviceId\":\"s1\"},"
		"{\"instances\":null,\"serviceId\":\"s2\"},{\"instances\":[{\"instanceId\":\"b\",\"serviceId\":\"s3\"}]}]}";
	static const char *const failures[] = {
		"{\"responseStatus\":{\"errorCode\":\"success\"},\"services\":null}",
		"{\"responseStatus\":{\"errorCode\":\"no-permission\"},\"services\":null}",
		"{\"services\":[]}",
		"{\"responseStatus\":{\"errorCode\":\"success\"},\"services\":[{\"instances\":{}}]}",
	};
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) instances = artemis_cluster_codec_decode_services (answer, strlen (answer), &error);

	g_assert_no_error (error);
	g_assert_cmpuint (instances->len, ==, 2);
	g_assert_cmpstr (artemis_instance_get (g_ptr_array_index (instances, 0), ARTEMIS_INSTANCE_INSTANCE_ID), ==, "a");
	g_assert_cmpstr (artemis_instance_get (g_ptr_array_index (instances, 1), ARTEMIS_INSTANCE_SERVICE_ID), ==, "s3");
	for (gsize i = 0; i < G_N_ELEMENTS (failures); i++) {
		g_autoptr (GError) failure = NULL;

		g_assert_null (artemis_cluster_codec_decode_services (failures[i], strlen (failures[i]), &failure));
		g_assert_nonnull (failure);
	}
}

/* ---- start-up ---------------------------------------------------------- */

static void
test_startup_rule (void)
{
	/* has peers, an up peer, all polled, timed out → step */
	static const struct {
		gboolean has_peers, has_up_peer, all_polled, timed_out;
		ArtemisStartupStep step;
	} cases[] = {
		/* Alone: only force-up makes it up, as in Java. */
		{ FALSE, FALSE, TRUE, TRUE, ARTEMIS_STARTUP_WAIT },
		{ TRUE, FALSE, FALSE, FALSE, ARTEMIS_STARTUP_WAIT },
		{ TRUE, TRUE, FALSE, FALSE, ARTEMIS_STARTUP_BOOTSTRAP },
		{ TRUE, TRUE, TRUE, TRUE, ARTEMIS_STARTUP_BOOTSTRAP },
		/* Everybody answered (or could not be reached) and nobody is up: a cluster starting at once. */
		{ TRUE, FALSE, TRUE, FALSE, ARTEMIS_STARTUP_GO_UP },
		{ TRUE, FALSE, FALSE, TRUE, ARTEMIS_STARTUP_GO_UP },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpint (artemis_node_startup_next_step (cases[i].has_peers, cases[i].has_up_peer,
								 cases[i].all_polled, cases[i].timed_out),
				 ==, cases[i].step);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	g_test_add_func ("/artemis/cluster/parse-nodes", test_parse_nodes);
	g_test_add_func ("/artemis/cluster/parse-nodes-errors", test_parse_nodes_errors);
	g_test_add ("/artemis/cluster/alone", Fixture, NULL, fixture_setup, test_alone, fixture_teardown);
	g_test_add ("/artemis/cluster/local-node", Fixture, NULL, fixture_setup, test_local_node, fixture_teardown);
	g_test_add ("/artemis/cluster/local-node-by-name", Fixture, NULL, fixture_setup, test_local_node_by_name,
		    fixture_teardown);
	g_test_add ("/artemis/cluster/select-nodes", Fixture, NULL, fixture_setup, test_select_nodes,
		    fixture_teardown);
	g_test_add ("/artemis/cluster/peers", Fixture, NULL, fixture_setup, test_peers, fixture_teardown);
	g_test_add_func ("/artemis/cluster/join-url", test_join_url);
	g_test_add_func ("/artemis/cluster/codec/node-status", test_codec_node_status);
	g_test_add_func ("/artemis/cluster/codec/node-status-errors", test_codec_node_status_errors);
	g_test_add_func ("/artemis/cluster/codec/registry-response", test_codec_registry_response);
	g_test_add_func ("/artemis/cluster/codec/services", test_codec_services);
	g_test_add_func ("/artemis/cluster/startup-rule", test_startup_rule);
	return g_test_run ();
}
