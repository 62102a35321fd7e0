/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "artemis-test-utils.h"
#include "artemis-test-ws.h"

/*
 * The built artemisd under a service manager's eyes: the sd_notify states
 * it sends through $NOTIFY_SOCKET (READY, RELOADING, STOPPING), what a
 * SIGHUP changes in a running node and what it leaves for a restart, and
 * the drain of a SIGTERM (503 to new requests, WebSockets closed with
 * 1001, exit 0).
 */

#define BASE_CONFIG "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"

typedef struct {
	ArtemisTestDaemon *daemon;
	char *dir;
	GSocket *notify; /* what the daemon notifies, or NULL */
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer config)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocketAddress) address = NULL;
	g_autofree char *path = NULL;

	fixture->daemon = artemis_test_daemon_new (BASE_CONFIG);
	fixture->dir = g_dir_make_tmp ("artemis-notify-XXXXXX", &error);
	g_assert_no_error (error);
	path = g_build_filename (fixture->dir, "notify", NULL);
	fixture->notify = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT,
					&error);
	g_assert_no_error (error);
	address = g_unix_socket_address_new (path);
	g_socket_bind (fixture->notify, address, FALSE, &error);
	g_assert_no_error (error);
	artemis_test_daemon_setenv (fixture->daemon, "NOTIFY_SOCKET", path);
	/* A reload warns about what needs a restart: expected here, not fatal. */
	artemis_test_daemon_setenv (fixture->daemon, "G_DEBUG", "fatal-criticals");
}

static void
fixture_teardown (Fixture *fixture, gconstpointer config)
{
	g_clear_pointer (&fixture->daemon, artemis_test_daemon_free);
	g_clear_object (&fixture->notify);
	if (fixture->dir != NULL) {
		g_autofree char *path = g_build_filename (fixture->dir, "notify", NULL);

		g_unlink (path);
		g_rmdir (fixture->dir);
	}
	g_free (fixture->dir);
}

/* The next notification the daemon sent, within 10 s. */
static char *
next_notification (Fixture *fixture)
{
	g_autoptr (GError) error = NULL;
	char buffer[4096];
	gssize len;

	g_assert_true (g_socket_condition_timed_wait (fixture->notify, G_IO_IN, 10 * G_USEC_PER_SEC, NULL, &error));
	g_assert_no_error (error);
	len = g_socket_receive (fixture->notify, buffer, sizeof buffer - 1, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (len, >, 0);
	return g_strndup (buffer, len);
}

/* Waits up to 10 s for @text to appear in the daemon's log. */
static void
wait_for_log (Fixture *fixture, const char *text)
{
	gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

	while (g_get_monotonic_time () < deadline) {
		g_autofree char *log = artemis_test_daemon_get_log (fixture->daemon);

		if (strstr (log, text) != NULL)
			return;
		artemis_test_wait_ms (10);
	}
	g_error ("“%s” did not appear in the log", text);
}

/* Starts the daemon, takes its READY=1 and returns its port. */
static guint
start_daemon (Fixture *fixture)
{
	g_autofree char *ready = NULL;

	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	ready = next_notification (fixture);
	g_assert_true (g_str_has_prefix (ready, "READY=1\n"));
	return artemis_test_daemon_get_port (fixture->daemon);
}

static void
assert_exits_cleanly (Fixture *fixture)
{
	int status = -1;

	g_assert_true (artemis_test_daemon_wait (fixture->daemon, 10000));
	g_assert_true (artemis_test_daemon_get_exit_status (fixture->daemon, &status));
	g_assert_cmpint (status, ==, 0);
}

static void
test_notify (Fixture *fixture, gconstpointer data)
{
	g_autofree char *ready = NULL;
	g_autofree char *reloading = NULL;
	g_autofree char *ready_again = NULL;
	g_autofree char *stopping = NULL;
	g_autofree char *expected = NULL;

	if (!artemis_test_daemon_is_available ())
		return;
	g_assert_true (artemis_test_daemon_start (fixture->daemon));
	ready = next_notification (fixture);
	expected = g_strdup_printf ("READY=1\nSTATUS=Serving on port %u",
				    artemis_test_daemon_get_port (fixture->daemon));
	g_assert_cmpstr (ready, ==, expected);

	g_assert_true (artemis_test_daemon_send_signal (fixture->daemon, SIGHUP));
	reloading = next_notification (fixture);
	g_assert_true (g_str_has_prefix (reloading, "RELOADING=1\nMONOTONIC_USEC="));
	ready_again = next_notification (fixture);
	g_assert_cmpstr (ready_again, ==, "READY=1");

	g_assert_true (artemis_test_daemon_send_signal (fixture->daemon, SIGTERM));
	stopping = next_notification (fixture);
	g_assert_cmpstr (stopping, ==, "STOPPING=1");
	assert_exits_cleanly (fixture);
}

/* Body of @size bytes, valid JSON for the register endpoint. */
static char *
padded_register_body (gsize size)
{
	GString *body = g_string_new ("{\"instances\":[],\"pad\":\"");

	while (body->len < size - 2)
		g_string_append_c (body, 'x');
	g_string_append (body, "\"}");
	return g_string_free (body, FALSE);
}

/* The running value of @name, from config.json's `{ key: …, value: …, typedValue: … }`. */
static char *
get_config_value (guint port, const char *name)
{
	g_autoptr (ArtemisTestResponse) response = artemis_test_get (port, "/api/status/config.json");
	g_autofree char *needle = g_strdup_printf ("{ key: %s, value: ", name);
	const char *start;

	g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
	start = strstr (response->text, needle);
	g_assert_nonnull (start);
	start += strlen (needle);
	return g_strndup (start, strchr (start, ',') - start);
}

static void
test_reload (Fixture *fixture, gconstpointer data)
{
	g_autofree char *body = padded_register_body (2048);
	g_autofree char *max_body = NULL;
	g_autofree char *region = NULL;
	g_autofree char *ready = NULL;
	g_autoptr (ArtemisTestResponse) before = NULL;
	g_autoptr (ArtemisTestResponse) after = NULL;
	guint port;

	if (!artemis_test_daemon_is_available ())
		return;
	port = start_daemon (fixture);
	before = artemis_test_post_json (port, "/api/registry/register.json", body);
	g_assert_cmpuint (before->status, ==, SOUP_STATUS_OK);

	/* One limit that applies at once, one key that needs a restart, and a broken-out plugin setting. */
	artemis_test_daemon_write_config (fixture->daemon, "[deployment]\nregion-id=OTHER\nzone-id=SHA-Z1\n"
							   "[server]\nmax-body-size=1024\n"
							   "[plugin filter-groups]\nsomething=1\n");
	g_assert_true (artemis_test_daemon_send_signal (fixture->daemon, SIGHUP));
	g_free (next_notification (fixture));
	ready = next_notification (fixture);
	g_assert_cmpstr (ready, ==, "READY=1");
	wait_for_log (fixture, "Reload: [server] max-body-size = 1024 (was 4194304)");
	wait_for_log (fixture, "Reload: [deployment] region-id = OTHER needs a restart; still SHA");
	wait_for_log (fixture, "Reload: the [plugin NAME] settings changed");

	after = artemis_test_post_json (port, "/api/registry/register.json", body);
	g_assert_cmpuint (after->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
	max_body = get_config_value (port, "server.max-body-size");
	g_assert_cmpstr (max_body, ==, "1024");
	region = get_config_value (port, "deployment.region-id");
	g_assert_cmpstr (region, ==, "SHA");

	/* A file that does not parse leaves the running configuration alone. */
	artemis_test_daemon_write_config (fixture->daemon, "[server]\nmax-body-size=lots\n");
	g_assert_true (artemis_test_daemon_send_signal (fixture->daemon, SIGHUP));
	wait_for_log (fixture, "Reload failed, the running configuration stays: ");
	g_clear_pointer (&max_body, g_free);
	max_body = get_config_value (port, "server.max-body-size");
	g_assert_cmpstr (max_body, ==, "1024");
}

static void
test_drain (Fixture *fixture, gconstpointer data)
{
	g_autoptr (ArtemisTestWs) ws = NULL;
	g_autoptr (ArtemisTestResponse) refused = NULL;
	g_autofree char *reason = NULL;
	g_autofree char *log = NULL;
	guint port;

	if (!artemis_test_daemon_is_available ())
		return;
	port = start_daemon (fixture);
	ws = artemis_test_ws_connect (port, "/ws/discovery/instance-change");

	g_assert_true (artemis_test_daemon_send_signal (fixture->daemon, SIGTERM));
	reason = artemis_test_ws_expect_close (ws, 1001);
	g_assert_cmpstr (reason, ==, "Server shutting down");
	/* The socket has not answered the close yet: the daemon still drains, and refuses newcomers. */
	refused = artemis_test_get (port, "/api/status/node.json");
	g_assert_cmpuint (refused->status, ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
	g_assert_cmpstr (artemis_test_response_get_header (refused, "Connection"), ==, "close");
	g_assert_nonnull (strstr (refused->text, "\"errorCode\":\"service-unavailable\""));

	artemis_test_ws_send_close (ws, 1001, "");
	assert_exits_cleanly (fixture);
	log = artemis_test_daemon_get_log (fixture->daemon);
	g_assert_nonnull (strstr (log, "Draining: new requests refused, 1 WebSocket sessions closing"));
	g_assert_nonnull (strstr (log, "Stopped\n"));
}

int
main (int argc, char **argv)
{
	artemis_test_init (&argc, &argv);
	g_test_add ("/artemis/systemd/notify", Fixture, NULL, fixture_setup, test_notify, fixture_teardown);
	g_test_add ("/artemis/systemd/reload", Fixture, NULL, fixture_setup, test_reload, fixture_teardown);
	g_test_add ("/artemis/systemd/drain", Fixture, NULL, fixture_setup, test_drain, fixture_teardown);
	return g_test_run ();
}
