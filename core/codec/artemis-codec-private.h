/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-json-scanner.h"

G_BEGIN_DECLS

/*
 * Decoding steps shared by the codecs of core/ (registry, management,
 * groups); not installed.
 */

/* Moves to the next member: FALSE at the closing brace, or on error with *@failed set. */
gboolean artemis_codec_next_member (ArtemisJsonScanner *scanner, gboolean *failed, GError **error);
/* The same for array elements. */
gboolean artemis_codec_next_element (ArtemisJsonScanner *scanner, gboolean *failed, GError **error);
/* Prefixes a decode error with the field it is about; returns @ok. */
gboolean artemis_codec_name_field (gboolean ok, GError **error, const char *field);
/*
 * Reads a string over a possibly set *@value (a repeated member), refusing
 * an embedded NUL (from \u0000), which C strings would silently cut.
 */
gboolean artemis_codec_read_text (ArtemisJsonScanner *scanner, char **value, GError **error);
/* artemis_codec_read_text() with errors prefixed by @field. */
gboolean artemis_codec_read_named_text (ArtemisJsonScanner *scanner, char **value, const char *field,
					GError **error);
/* Begins a request body's top-level object; a literal null is a bad request. */
ArtemisJsonScanner *artemis_codec_begin_request (const char *data, gsize len, GError **error);

G_END_DECLS
