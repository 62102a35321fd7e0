/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-error.h"

G_BEGIN_DECLS

/**
 * ArtemisJsonScanner:
 *
 * A pull decoder for untrusted JSON request bodies (RFC 8259), used on the
 * hot routes instead of building a #JsonNode tree. It reads straight from the
 * caller's buffer, which must outlive the scanner.
 *
 * Strict about syntax: invalid UTF-8 (including overlong forms, surrogates
 * encoded in UTF-8, and unpaired `\uD800` escapes), control characters inside
 * strings, leading zeros, trailing commas, bare words, nesting deeper than
 * %ARTEMIS_JSON_MAX_DEPTH and anything but whitespace after the top-level value
 * are errors (%ARTEMIS_ERROR_BAD_REQUEST).
 *
 * Lenient about types, the way Jackson is as Java Artemis configures it:
 * the typed readers accept `null` (as the default) and coerce scalars, see each
 * reader. Member names are compared case-insensitively by the caller through
 * artemis_json_scanner_name_is().
 *
 * Typical decode of an object:
 * |[
 *   if (!artemis_json_scanner_begin_object (s, &is_null, error)) return FALSE;
 *   while (!is_null && artemis_json_scanner_next_member (s, &more, error) && more) {
 *     if (artemis_json_scanner_name_is (s, "serviceId"))
 *       ok = artemis_json_scanner_read_string (s, &service_id, error);
 *     else
 *       ok = artemis_json_scanner_skip_value (s, error);
 *     if (!ok) return FALSE;
 *   }
 * ]|
 */

#define ARTEMIS_JSON_MAX_DEPTH 64

/*
 * What a failed read met. Every failure is reported as ARTEMIS_ERROR_BAD_REQUEST
 * ("Invalid JSON at byte …" or, for a wrongly typed value, "Invalid value at
 * byte …"); artemis_json_scanner_get_failure() tells which kind it was.
 */
typedef enum {
	ARTEMIS_JSON_FAILURE_NONE,
	ARTEMIS_JSON_FAILURE_SYNTAX,   /* malformed JSON text */
	ARTEMIS_JSON_FAILURE_ENCODING, /* invalid UTF-8 or escape */
	ARTEMIS_JSON_FAILURE_DEPTH,    /* nested too deep */
	ARTEMIS_JSON_FAILURE_TYPE,     /* valid JSON of the wrong type for the field: the value stays unread */
} ArtemisJsonFailure;

typedef enum {
	ARTEMIS_JSON_TOKEN_EOF,
	ARTEMIS_JSON_TOKEN_BEGIN_OBJECT,
	ARTEMIS_JSON_TOKEN_END_OBJECT,
	ARTEMIS_JSON_TOKEN_BEGIN_ARRAY,
	ARTEMIS_JSON_TOKEN_END_ARRAY,
	ARTEMIS_JSON_TOKEN_STRING,
	ARTEMIS_JSON_TOKEN_NUMBER,
	ARTEMIS_JSON_TOKEN_TRUE,
	ARTEMIS_JSON_TOKEN_FALSE,
	ARTEMIS_JSON_TOKEN_NULL,
} ArtemisJsonToken;

typedef struct _ArtemisJsonScanner ArtemisJsonScanner;

ArtemisJsonScanner *artemis_json_scanner_new (const char *data, gsize len);
void artemis_json_scanner_free (ArtemisJsonScanner *scanner);

/* The type of the next value without consuming it (whitespace skipped). */
gboolean artemis_json_scanner_peek (ArtemisJsonScanner *scanner, ArtemisJsonToken *token, GError **error);

/*
 * Consumes `{` and sets *@is_null FALSE, or consumes `null` and sets it TRUE.
 * Anything else is an %ARTEMIS_JSON_FAILURE_TYPE error.
 */
gboolean artemis_json_scanner_begin_object (ArtemisJsonScanner *scanner, gboolean *is_null, GError **error);
/*
 * Inside an object: consumes the separator and the next member name plus its
 * `:` and sets *@more TRUE (the value is next), or consumes the closing `}` and
 * sets *@more FALSE. The name is then available through name_is()/get_name().
 */
gboolean artemis_json_scanner_next_member (ArtemisJsonScanner *scanner, gboolean *more, GError **error);
/* Whether the current member name equals @name, ignoring ASCII case. */
gboolean artemis_json_scanner_name_is (ArtemisJsonScanner *scanner, const char *name);
/* The current member name, unescaped (owned by the scanner, valid until next call). */
const char *artemis_json_scanner_get_name (ArtemisJsonScanner *scanner);
/*
 * The current member name as *@len bytes, without copying: not
 * NUL-terminated, valid until the next call. For fast dispatch on names.
 */
const char *artemis_json_scanner_peek_name (ArtemisJsonScanner *scanner, gsize *len);

/* Like begin_object for `[`; then next_element() before each element. */
gboolean artemis_json_scanner_begin_array (ArtemisJsonScanner *scanner, gboolean *is_null, GError **error);
gboolean artemis_json_scanner_next_element (ArtemisJsonScanner *scanner, gboolean *more, GError **error);

/*
 * Reads a string value into a new string (*@value), unescaped and valid UTF-8.
 * `null` gives NULL; numbers and booleans are coerced to their JSON text
 * (Jackson's scalar coercion); objects and arrays are a TYPE error.
 * May contain NUL characters from `\u0000`: *@len, when given, is the length.
 */
gboolean artemis_json_scanner_read_string (ArtemisJsonScanner *scanner, char **value, GError **error);
gboolean artemis_json_scanner_read_string_len (ArtemisJsonScanner *scanner, char **value, gsize *len, GError **error);
/*
 * Reads an integer into *@value: `null` gives 0; a fraction is truncated
 * toward zero; a string holding an integer is parsed; out of the gint64 range,
 * a non-numeric string, a boolean, an object or an array is a TYPE error.
 */
gboolean artemis_json_scanner_read_int64 (ArtemisJsonScanner *scanner, gint64 *value, GError **error);
/* Like read_int64, and a TYPE error outside [@min, @max]. */
gboolean artemis_json_scanner_read_int (ArtemisJsonScanner *scanner, gint64 min, gint64 max, gint *value, GError **error);
/* `true`/`false`; `null` gives FALSE; strings "true"/"false" (any case) accepted. */
gboolean artemis_json_scanner_read_bool (ArtemisJsonScanner *scanner, gboolean *value, GError **error);
/* Skips one complete value of any type (still validating it). */
gboolean artemis_json_scanner_skip_value (ArtemisJsonScanner *scanner, GError **error);
/* After the top-level value: only whitespace may remain. */
gboolean artemis_json_scanner_finish (ArtemisJsonScanner *scanner, GError **error);

/* Byte offset of the scanner, for error messages. */
gsize artemis_json_scanner_get_offset (ArtemisJsonScanner *scanner);
/* The kind of the last failed read, %ARTEMIS_JSON_FAILURE_NONE before any. */
ArtemisJsonFailure artemis_json_scanner_get_failure (ArtemisJsonScanner *scanner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisJsonScanner, artemis_json_scanner_free)

G_END_DECLS
