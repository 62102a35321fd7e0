/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-http-framing.h"

G_BEGIN_DECLS

/* The complete HTTP answer (status line to body) refusing a request with @status and @message. */
typedef GBytes *(*ArtemisHttpRefusalFunc) (guint status, const char *message);

#define ARTEMIS_TYPE_HTTP_INPUT_STREAM (artemis_http_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisHttpInputStream, artemis_http_input_stream, ARTEMIS, HTTP_INPUT_STREAM, GInputStream)

/*
 * What libsoup reads of one HTTP connection: the socket's input, passed
 * through unchanged while its framing is followed (ArtemisHttpFraming).
 * Bytes that break the framing are never handed on: the request is
 * answered with @refusal's bytes written straight to @socket, and libsoup
 * reads the end of the stream, so it closes without acting on them. Once
 * an upgrade request is answered, a read means libsoup wants another
 * request, which the upgrade forbids: it reads the end too. Pollable.
 */
ArtemisHttpInputStream *artemis_http_input_stream_new (GInputStream *base, GSocket *socket, gsize max_head_size,
						       ArtemisHttpRefusalFunc refusal);
/* Where the current request stands, and since when (monotonic µs). */
ArtemisHttpPhase artemis_http_input_stream_get_phase (ArtemisHttpInputStream *stream, gint64 *since);
/* The connection now speaks another protocol: pass everything through. */
void artemis_http_input_stream_set_upgraded (ArtemisHttpInputStream *stream);

G_END_DECLS
