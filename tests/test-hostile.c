/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-test-utils.h"

/*
 * The built artemisd under the load an attacker without credentials can
 * send: huge batches, oversized and amplifying bodies, slow and never
 * reading clients, descriptor exhaustion, smuggling-prone framing. Each
 * case asserts the exact answer and that the node keeps serving.
 */

#define STATUS "/api/status/node.json"
#define GROUP_PATH "/api/management/group/"
#define CONTEXT "\"operatorId\":\"op\",\"token\":\"t\",\"operation\":\"o\",\"extensions\":\"{}\","

/*
 * The slowest answer to a status request allowed while a hostile request
 * is served. Java clients give up after 100 ms (spec §1.2); the bound is
 * looser because the machine is shared and sanitizers slow everything
 * several times, but far below the stalls this guards against (14 s to
 * 68 s for a group batch, 11 s for an amplified registration).
 */
#if defined(__SANITIZE_ADDRESS__)
#define STALL_BOUND_MS 2500
#else
#define STALL_BOUND_MS 500
#endif

typedef struct {
	ArtemisTestDaemon *daemon;
	guint port;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer config)
{
	if (artemis_test_daemon_get_path () == NULL) {
		g_test_skip ("ARTEMISD does not name an executable artemisd (run through meson test)");
		return;
	}
	fixture->daemon = artemis_test_daemon_new (config != NULL ? config : "");
	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	fixture->port = artemis_test_daemon_get_port (fixture->daemon);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer config)
{
	g_clear_pointer (&fixture->daemon, artemis_test_daemon_free);
}

static GBytes *
post_request (const char *path, const char *json)
{
	g_autoptr (GBytes) body = artemis_test_bytes (json);

	return artemis_test_build_request ("POST", path, "Content-Type: application/json\r\n", body, 0);
}

static ArtemisTestResponse *
post (guint port, const char *path, const char *json)
{
	g_autoptr (GBytes) request = post_request (path, json);

	return artemis_test_raw_request (port, request);
}

static void
assert_answer (ArtemisTestResponse *response, guint status, const char *expected)
{
	g_autofree char *json = artemis_test_json (expected);

	g_assert_nonnull (response);
	g_assert_cmpstr (response->text, ==, json);
	g_assert_cmpuint (response->status, ==, status);
}

/* ---- stalls ------------------------------------------------------------ */

typedef struct {
	guint port;
	GBytes *request;
	ArtemisTestResponse *response;
	gint done; /* atomic */
} Hostile;

static gpointer
run_hostile (gpointer user_data)
{
	Hostile *hostile = user_data;
	g_autoptr (GError) error = NULL;

	hostile->response = artemis_test_exchange (hostile->port, hostile->request, &error);
	g_assert_no_error (error);
	g_atomic_int_set (&hostile->done, 1);
	return NULL;
}

static gint64
time_status (guint port)
{
	g_autoptr (GBytes) request = post_request (STATUS, "{}");
	g_autoptr (GError) error = NULL;
	g_autoptr (ArtemisTestResponse) response = NULL;
	gint64 start = g_get_monotonic_time ();

	response = artemis_test_exchange (port, request, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	return (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
}

/*
 * Sends @request from another thread and meanwhile asks for the node's
 * status again and again; returns the hostile request's answer and puts
 * the slowest status answer, in ms, in *@slowest_ms.
 */
static ArtemisTestResponse *
exchange_while_probing (guint port, GBytes *request, gint64 *slowest_ms)
{
	Hostile hostile = { port, request, NULL, 0 };
	GThread *thread = g_thread_new ("hostile", run_hostile, &hostile);

	*slowest_ms = 0;
	while (!g_atomic_int_get (&hostile.done))
		*slowest_ms = MAX (*slowest_ms, time_status (port));
	g_thread_join (thread);
	g_test_message ("slowest status answer: %" G_GINT64_FORMAT " ms", *slowest_ms);
	return hostile.response;
}

/* ---- group batches ----------------------------------------------------- */

static char *
insert_groups_json (guint n)
{
	GString *json = g_string_new ("{" CONTEXT "\"groups\":[");

	for (guint i = 0; i < n; i++)
		g_string_append_printf (json,
					"%s{\"serviceId\":\"svc-%u\",\"regionId\":\"default\",\"zoneId\":\"default\","
					"\"name\":\"group-%u\",\"appId\":\"app\",\"status\":\"active\"}",
					i > 0 ? "," : "", i % 50, i);
	g_string_append (json, "]}");
	return g_string_free (json, FALSE);
}

static char *
delete_groups_json (guint n)
{
	GString *json = g_string_new ("{" CONTEXT "\"groupIds\":[");

	for (guint i = 1; i <= n; i++)
		g_string_append_printf (json, "%s%u", i > 1 ? "," : "", i);
	g_string_append (json, "]}");
	return g_string_free (json, FALSE);
}

#define OK_MEMBER "'responseStatus':{'errorCode':'success','message':'','status':'success'}"
#define OK_STATUS "{" OK_MEMBER "}"

static void
assert_batch_without_stall (guint port, const char *path, const char *json)
{
	g_autoptr (GBytes) request = post_request (path, json);
	g_autoptr (ArtemisTestResponse) response = NULL;
	gint64 slowest_ms;

	response = exchange_while_probing (port, request, &slowest_ms);
	assert_answer (response, SOUP_STATUS_OK, OK_STATUS);
	g_assert_cmpint (slowest_ms, <, STALL_BOUND_MS);
}

/* The batches of the report: 8,000 groups (1.1 MB), then 20,000 ids (130 KB). */
static void
test_group_batch (Fixture *fixture, gconstpointer config)
{
	g_autofree char *insert = insert_groups_json (8000);
	g_autofree char *remove = delete_groups_json (20000);
	g_autoptr (ArtemisTestResponse) listed = NULL;

	if (fixture->daemon == NULL)
		return;
	assert_batch_without_stall (fixture->port, GROUP_PATH "insert-groups.json", insert);
	assert_batch_without_stall (fixture->port, GROUP_PATH "delete-groups.json", remove);
	listed = post (fixture->port, GROUP_PATH "get-all-groups.json", "{}");
	assert_answer (listed, SOUP_STATUS_OK, "{'groups':[]," OK_MEMBER "}");
}

/* One item past [management] max-batch-size: refused whole, nothing written. */
static void
test_group_batch_cap (Fixture *fixture, gconstpointer config)
{
	g_autofree char *insert = insert_groups_json (11);
	g_autoptr (ArtemisTestResponse) refused = NULL;
	g_autoptr (ArtemisTestResponse) listed = NULL;

	if (fixture->daemon == NULL)
		return;
	refused = post (fixture->port, GROUP_PATH "insert-groups.json", insert);
	assert_answer (refused, SOUP_STATUS_OK,
		       "{'responseStatus':{'errorCode':'bad-request','message':'insert groups failed. The request "
		       "carries 11 items, more than the 10 one request may carry ([management] max-batch-size).',"
		       "'status':'fail'}}");
	listed = post (fixture->port, GROUP_PATH "get-all-groups.json", "{}");
	assert_answer (listed, SOUP_STATUS_OK, "{'groups':[]," OK_MEMBER "}");
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);

	g_test_add ("/artemis/hostile/group-batch", Fixture, NULL, fixture_setup, test_group_batch,
		    fixture_teardown);
	g_test_add ("/artemis/hostile/group-batch-cap", Fixture, "[management]\nmax-batch-size=10\n", fixture_setup,
		    test_group_batch_cap, fixture_teardown);
	return g_test_run ();
}
