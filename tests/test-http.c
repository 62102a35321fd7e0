/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-core.h"
#include "artemis-http-framing.h"

/*
 * The request framing checks of api/artemis-http-framing.c: what passes,
 * what is refused and with which status, and the phases a connection goes
 * through, whether bytes come all at once or one by one.
 */

#define HEAD "POST /api/status/node.json HTTP/1.1\r\nHost: x\r\n"

/* Feeds @text in pieces of @step bytes (0: at once); the status of the refusal, or 0. */
static guint
scan (ArtemisHttpFraming *framing, const char *text, gsize step)
{
	gsize len = strlen (text);

	step = step == 0 ? len : step;
	for (gsize pos = 0; pos < len; pos += step) {
		g_autoptr (GError) error = NULL;
		guint status = 0;

		if (!artemis_http_framing_scan (framing, (const guint8 *) text + pos, MIN (step, len - pos), &status,
						&error)) {
			g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST);
			return status;
		}
	}
	return 0;
}

static const char *const good_requests[] = {
	HEAD "\r\n",
	HEAD "Content-Length: 2\r\n\r\n{}",
	HEAD "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
	HEAD "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
	HEAD "Transfer-Encoding: Chunked\r\n\r\n2;ext=1\r\n{}\r\n1 \r\n \r\n0\r\nTrailer: x\r\n\r\n",
	"\r\n" HEAD "Content-Length: 0\r\n\r\n",
	"POST / HTTP/1.1\nHost: x\nContent-Length: 2\n\n{}",
};

static void
test_good (void)
{
	for (gsize step = 0; step <= 3; step++) {
		for (gsize i = 0; i < G_N_ELEMENTS (good_requests); i++) {
			g_autoptr (ArtemisHttpFraming) framing = artemis_http_framing_new (65536);

			g_assert_cmpuint (scan (framing, good_requests[i], step), ==, 0);
			g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_ANSWERING);
		}
	}
}

static const struct {
	const char *request;
	guint status;
} bad_requests[] = {
	{ HEAD "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}", 400 },
	{ HEAD "Content-Length: 2, 2\r\n\r\n{}", 400 },
	{ HEAD "Content-Length: -1\r\n\r\n", 400 },
	{ HEAD "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding : chunked\r\n\r\n", 400 },
	{ HEAD " Folded: x\r\n\r\n", 400 },
	{ HEAD "No colon\r\n\r\n", 400 },
	{ HEAD ": no name\r\n\r\n", 400 },
	{ HEAD "Bare: cr\rhere\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding:\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding: chunked\r\n\r\n0x\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding: chunked\r\n\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding: chunked\r\n\r\n+2\r\n{}\r\n0\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding: chunked\r\n\r\n2\r\n{}x\r\n0\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", 400 },
	{ HEAD "Transfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", 400 },
	{ HEAD "Transfer-Encoding: gzip\r\n\r\n", 501 },
	{ HEAD "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501 },
};

static void
test_bad (void)
{
	for (gsize step = 0; step <= 3; step++) {
		for (gsize i = 0; i < G_N_ELEMENTS (bad_requests); i++) {
			g_autoptr (ArtemisHttpFraming) framing = artemis_http_framing_new (65536);

			g_test_message ("request %" G_GSIZE_FORMAT ", step %" G_GSIZE_FORMAT, i, step);
			g_assert_cmpuint (scan (framing, bad_requests[i].request, step), ==, bad_requests[i].status);
		}
	}
}

/* A bad line is refused in the piece that completes it: libsoup never gets its end. */
static void
test_refused_with_last_byte (void)
{
	g_autoptr (ArtemisHttpFraming) framing = artemis_http_framing_new (65536);
	const char *first = HEAD "Content-Length: 2\r\nContent-Length: 5";

	g_assert_cmpuint (scan (framing, first, 0), ==, 0);
	g_assert_cmpuint (scan (framing, "\r", 0), ==, 0);
	g_assert_cmpuint (scan (framing, "\n", 0), ==, 400);
}

static void
test_head_size (void)
{
	g_autoptr (ArtemisHttpFraming) framing = artemis_http_framing_new (1024);
	g_autofree char *big = g_strnfill (1100, 'a');
	g_autofree char *request = g_strconcat (HEAD "X-Big: ", big, "\r\n\r\n", NULL);

	g_assert_cmpuint (scan (framing, request, 0), ==, 431);
}

static void
test_phases (void)
{
	g_autoptr (ArtemisHttpFraming) framing = artemis_http_framing_new (65536);

	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_IDLE);
	g_assert_cmpuint (scan (framing, "POST / HT", 0), ==, 0);
	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_HEAD);
	g_assert_cmpuint (scan (framing, "TP/1.1\r\nContent-Length: 4\r\n\r\n{}", 0), ==, 0);
	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_BODY);
	g_assert_cmpuint (scan (framing, "{}", 0), ==, 0);
	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_ANSWERING);
	artemis_http_framing_set_idle (framing);
	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_IDLE);
	/* A pipelined request starts while the last one is answered. */
	g_assert_cmpuint (scan (framing, "GET / HTTP/1.1\r\n\r\nGET /", 0), ==, 0);
	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_HEAD);
}

/* After a GET with Upgrade, the bytes belong to another protocol. */
static void
test_upgrade (void)
{
	g_autoptr (ArtemisHttpFraming) framing = artemis_http_framing_new (65536);

	g_assert_cmpuint (scan (framing, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", 0), ==, 0);
	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_UPGRADING);
	g_assert_cmpuint (scan (framing, "\x81\x85\r\n : not HTTP", 0), ==, 0);
	artemis_http_framing_set_idle (framing);
	g_assert_cmpint (artemis_http_framing_get_phase (framing), ==, ARTEMIS_HTTP_PHASE_UPGRADING);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	g_test_add_func ("/artemis/http/framing/good", test_good);
	g_test_add_func ("/artemis/http/framing/bad", test_bad);
	g_test_add_func ("/artemis/http/framing/refused-with-last-byte", test_refused_with_last_byte);
	g_test_add_func ("/artemis/http/framing/head-size", test_head_size);
	g_test_add_func ("/artemis/http/framing/phases", test_phases);
	g_test_add_func ("/artemis/http/framing/upgrade", test_upgrade);
	return g_test_run ();
}
