/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libsoup/soup.h>

#include "artemis-daemon.h"

G_BEGIN_DECLS

/* The start of the injected clock of an in-process server (2023-11-14 22:13:20 UTC). */
#define ARTEMIS_TEST_EPOCH_MS G_GINT64_CONSTANT (1700000000000)

/**
 * ArtemisTestResponse:
 * @status: the HTTP status (100 for an interim `100 Continue`).
 * @headers: the response headers.
 * @body: the body as received: still compressed when Content-Encoding says
 *   so, already de-chunked.
 * @text: @body as a NUL-terminated string.
 * @chunked: whether the body came with `Transfer-Encoding: chunked`
 *   (raw connections only).
 *
 * One HTTP response, from libsoup or from a raw socket.
 */
typedef struct {
	guint status;
	SoupMessageHeaders *headers;
	GBytes *body;
	char *text;
	gboolean chunked;
} ArtemisTestResponse;

void artemis_test_response_free (ArtemisTestResponse *response);
const char *artemis_test_response_get_header (ArtemisTestResponse *response, const char *name);

/*
 * g_test_init() with isolated directories, plus what every HTTP test needs:
 * no proxy lookup (it would want GSettings schemas the isolated XDG dirs
 * lack) and UTC as local time (lease times are printed in local time).
 */
void artemis_test_init (int *argc, char ***argv);

/*
 * A TCP port on 127.0.0.1 free right now, for servers that must know each
 * other's port before they start (a cluster). Another process may take it
 * meanwhile: tests retry or fail clearly.
 */
guint artemis_test_find_free_port (void);

/* Iterates the default main context for @ms milliseconds. */
void artemis_test_wait_ms (guint ms);
/* Removes @path, a file or a whole directory tree. */
void artemis_test_remove_path (const char *path);

/**
 * ArtemisTestServer:
 * @dir: a private directory (data dir) removed with the test.
 * @daemon: the node, listening on 127.0.0.1.
 * @port: its port.
 * @now_ms: the registry's clock; tests move it.
 *
 * An in-process artemisd on the default main context, usable as a
 * g_test_add() fixture. The HTTP helpers below iterate that context while
 * they wait, so the server answers on the test's own thread.
 */
typedef struct {
	char *dir;
	ArtemisDaemon *daemon;
	guint port;
	gint64 now_ms;
} ArtemisTestServer;

/* @config_overrides: key-file text applied over the test defaults, or NULL. */
void artemis_test_server_setup (ArtemisTestServer *server, gconstpointer config_overrides);
void artemis_test_server_teardown (ArtemisTestServer *server, gconstpointer unused);

/*
 * An HTTP exchange through libsoup (no transparent decoding: Accept-Encoding
 * is only sent when @headers has it). @path includes the query. @headers is
 * NULL or a NULL-terminated list of name, value, name, value…
 */
ArtemisTestResponse *artemis_test_http (guint port, const char *method, const char *path,
					const char *content_type, GBytes *body,
					const char *const *headers);
/* POST @json as `application/json`. */
ArtemisTestResponse *artemis_test_post_json (guint port, const char *path, const char *json);
ArtemisTestResponse *artemis_test_get (guint port, const char *path);

/* POSTs @body written as test JSON (see artemis_test_json()). */
ArtemisTestResponse *artemis_test_post (guint port, const char *path, const char *body);
/*
 * POSTs test JSON @body and asserts the exact answer: HTTP @status, the
 * protocol's Content-Type and the body @expected (test JSON).
 */
void artemis_test_assert_post (guint port, const char *path, const char *body, guint status, const char *expected);

/*
 * A raw TCP connection to 127.0.0.1:@port for exchanges libsoup would not
 * produce. Writes are immediate; reads run in a worker thread while the
 * default main context is iterated.
 */
typedef struct _ArtemisTestConnection ArtemisTestConnection;

ArtemisTestConnection *artemis_test_connection_new (guint port);
void artemis_test_connection_free (ArtemisTestConnection *connection);
/* FALSE when the peer has gone (e.g. it closed after an early answer). */
gboolean artemis_test_connection_send (ArtemisTestConnection *connection, GBytes *data);
/* Reads one response (an interim 1xx has no body); NULL when the peer closed first. */
ArtemisTestResponse *artemis_test_connection_read_response (ArtemisTestConnection *connection);
/* Whether the peer closes the connection without sending anything more. */
gboolean artemis_test_connection_read_eof (ArtemisTestConnection *connection);

/*
 * `METHOD path HTTP/1.1` with Host, then @extra_headers (complete
 * "Name: value\r\n" lines, or NULL), then Content-Length or
 * `Transfer-Encoding: chunked` (in @chunk_size pieces; 0 means a
 * Content-Length body) and @body. Without @body no length header is added.
 */
GBytes *artemis_test_build_request (const char *method, const char *path, const char *extra_headers,
				    GBytes *body, gsize chunk_size);
/* Connects, sends @request and reads one response. */
ArtemisTestResponse *artemis_test_raw_request (guint port, GBytes *request);
/*
 * The same with blocking I/O and no main context: usable from any thread
 * while another one talks to an out-of-process daemon. NULL with @error
 * set when the exchange fails.
 */
ArtemisTestResponse *artemis_test_exchange (guint port, GBytes *request, GError **error);

/* Compresses or inflates @data in @format (GZIP, ZLIB for `deflate`). */
GBytes *artemis_test_compress (GZlibCompressorFormat format, GBytes *data);
GBytes *artemis_test_decompress (GZlibCompressorFormat format, GBytes *data);
GBytes *artemis_test_bytes (const char *text);
/*
 * Test JSON is written with ' for " (and ` for a literal '), so expected
 * bodies read like the spec; this turns it into real JSON.
 */
char *artemis_test_json (const char *text);

/**
 * ArtemisTestDaemon:
 *
 * The real artemisd (path from the ARTEMISD environment variable) run with
 * `--port 0 --bind 127.0.0.1 --no-dbus` (or a port given) and a private data directory and
 * configuration file. Its output goes to a log file that is printed when
 * the test fails (also when an assertion aborts it).
 */
typedef struct _ArtemisTestDaemon ArtemisTestDaemon;

/* The artemisd to test, or NULL (then tests should skip). */
const char *artemis_test_daemon_get_path (void);
/* Whether there is an artemisd to test; if not, marks the test skipped, saying why. */
gboolean artemis_test_daemon_is_available (void);
ArtemisTestDaemon *artemis_test_daemon_new (const char *config_text);
/* Listens on @port instead of any free port, from the next start on. */
void artemis_test_daemon_set_port (ArtemisTestDaemon *daemon, guint port);
/* Replaces its configuration file (read at the next start, or on SIGHUP). */
void artemis_test_daemon_write_config (ArtemisTestDaemon *daemon, const char *config_text);
/*
 * Exports its D-Bus interface on the session bus of its environment (a
 * GTestDBus) from the next start on; by default it runs with --no-dbus.
 */
void artemis_test_daemon_use_session_bus (ArtemisTestDaemon *daemon);
/* Sets @name to @value in its environment from the next start on. */
void artemis_test_daemon_setenv (ArtemisTestDaemon *daemon, const char *name, const char *value);
/*
 * Starts it and waits until it listens; FALSE when it exited first. Once it
 * exited, starts it again on the same data directory (the log starts over).
 */
gboolean artemis_test_daemon_start (ArtemisTestDaemon *daemon);
/* Arguments added after the usual ones at the next start (a repeated option overrides). */
void artemis_test_daemon_set_extra_args (ArtemisTestDaemon *daemon, const char *const *args);
/* Starts it with at most @limit open files (soft and hard), as `ulimit -n` would. */
void artemis_test_daemon_set_fd_limit (ArtemisTestDaemon *daemon, guint limit);
guint artemis_test_daemon_get_port (ArtemisTestDaemon *daemon);
/* Its --data-dir (created by artemisd when missing). */
const char *artemis_test_daemon_get_data_dir (ArtemisTestDaemon *daemon);
gboolean artemis_test_daemon_send_signal (ArtemisTestDaemon *daemon, int signum);
/* Waits up to @timeout_ms for the daemon to exit; TRUE when it did. */
gboolean artemis_test_daemon_wait (ArtemisTestDaemon *daemon, guint timeout_ms);
/* After it exited: whether it exited normally, with *@status its exit status. */
gboolean artemis_test_daemon_get_exit_status (ArtemisTestDaemon *daemon, int *status);
char *artemis_test_daemon_get_log (ArtemisTestDaemon *daemon);
/* Its resident set size in bytes (VmRSS), while it runs. */
gsize artemis_test_daemon_get_rss (ArtemisTestDaemon *daemon);
/* Kills it if still running; prints its log when the test failed. */
void artemis_test_daemon_free (ArtemisTestDaemon *daemon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisTestResponse, artemis_test_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisTestConnection, artemis_test_connection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisTestDaemon, artemis_test_daemon_free)

G_END_DECLS
