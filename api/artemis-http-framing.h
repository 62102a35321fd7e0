/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ArtemisHttpPhase:
 * @ARTEMIS_HTTP_PHASE_IDLE: no byte of the next request yet.
 * @ARTEMIS_HTTP_PHASE_HEAD: the request line and headers are arriving.
 * @ARTEMIS_HTTP_PHASE_BODY: the body (or its chunks and trailers) is arriving.
 * @ARTEMIS_HTTP_PHASE_ANSWERING: the request is complete; the server answers it.
 * @ARTEMIS_HTTP_PHASE_UPGRADING: a `GET` with `Upgrade` is complete: what
 *   follows is another protocol, or nothing (its answer closes the connection).
 *
 * Where a connection stands in its current request.
 */
typedef enum {
	ARTEMIS_HTTP_PHASE_IDLE,
	ARTEMIS_HTTP_PHASE_HEAD,
	ARTEMIS_HTTP_PHASE_BODY,
	ARTEMIS_HTTP_PHASE_ANSWERING,
	ARTEMIS_HTTP_PHASE_UPGRADING,
} ArtemisHttpPhase;

typedef struct _ArtemisHttpFraming ArtemisHttpFraming;

/*
 * The framing of the requests of one connection, checked byte by byte as
 * they arrive, before libsoup acts on them (RFC 9112): libsoup 3.2 lets the
 * last of two Content-Length values win, answers a request with both
 * Content-Length and Transfer-Encoding and keeps the connection, ignores
 * `Transfer-Encoding :` and reads `0x` as a chunk size — disagreements with
 * a proxy in front that smuggle requests. A line is only complete with its
 * last byte, so refusing the bytes that complete a bad line means libsoup
 * never acts on it. Heads are bounded by @max_head_size.
 */
ArtemisHttpFraming *artemis_http_framing_new (gsize max_head_size);
void artemis_http_framing_free (ArtemisHttpFraming *framing);

/*
 * Follows @len more bytes of the connection. FALSE when they break the
 * framing: @error says why and *@status is the HTTP status to answer (400,
 * 431 for a head too large, 501 for a transfer coding other than chunked);
 * the connection must then close.
 */
gboolean artemis_http_framing_scan (ArtemisHttpFraming *framing, const guint8 *data, gsize len, guint *status,
				    GError **error);
ArtemisHttpPhase artemis_http_framing_get_phase (const ArtemisHttpFraming *framing);
/* The answer is written and the server waits for the next request. */
void artemis_http_framing_set_idle (ArtemisHttpFraming *framing);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisHttpFraming, artemis_http_framing_free)

G_END_DECLS
