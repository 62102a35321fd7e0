/* SPDX-License-Identifier: Apache-2.0 */

/*
 * Walks arbitrary input with every scanner reader, re-encodes what it decodes
 * with the writer, and checks three oracles:
 *  - the walk, a plain skip_value() and a naive reference validator agree
 *    on validity, and the first two on the error;
 *  - every decoded string is valid UTF-8 and survives escape + rescan;
 *  - the re-encoded document is itself valid JSON.
 */

#include <string.h>

#include <glib.h>

#include "artemis-json-scanner.h"
#include "artemis-json-writer.h"

/* The scanner stops at ARTEMIS_JSON_MAX_DEPTH; this only guards the C stack. */
#define WALK_MAX_DEPTH (ARTEMIS_JSON_MAX_DEPTH + 2)

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

typedef struct {
	ArtemisJsonScanner *scanner;
	ArtemisJsonWriter *writer;
	guint turn; /* varies which reader handles each scalar */
} Walk;

static gboolean walk_value (Walk *walk, guint depth, GError **error);

/* UTF-8 validity of text that may hold NULs from `\u0000`. */
static void
assert_utf8 (const char *text, gsize len)
{
	const char *p = text;
	const char *end = text + len;

	while (p < end) {
		gsize piece = strnlen (p, (gsize) (end - p));

		g_assert_true (g_utf8_validate_len (p, piece, NULL));
		p += piece + 1;
	}
}

/* A decoded string must come back unchanged through the writer's escaping. */
static void
assert_round_trip (const char *value, gsize len)
{
	g_autoptr (GString) encoded = g_string_new (NULL);
	g_autoptr (ArtemisJsonScanner) scanner = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *decoded = NULL;
	gsize decoded_len = 0;

	assert_utf8 (value, len);
	g_assert_cmpint (value[len], ==, '\0');

	artemis_json_append_escaped (encoded, value, len);
	scanner = artemis_json_scanner_new (encoded->str, encoded->len);
	g_assert_true (
		artemis_json_scanner_read_string_len (scanner, &decoded, &decoded_len, &error));
	g_assert_no_error (error);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
	g_assert_cmpmem (decoded, decoded_len, value, len);
}

/* A TYPE error must leave the value unread for the fallback reader. */
static void
assert_type_error (Walk *walk, GError *error, gsize offset)
{
	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST);
	g_assert_cmpint (artemis_json_scanner_get_failure (walk->scanner), ==, ARTEMIS_JSON_FAILURE_TYPE);
	g_assert_cmpuint (artemis_json_scanner_get_offset (walk->scanner), ==, offset);
}

static gboolean
walk_as_string (Walk *walk, GError **error)
{
	g_autofree char *value = NULL;
	gsize len = 0;

	if (!artemis_json_scanner_read_string_len (walk->scanner, &value, &len, error))
		return FALSE;

	if (value == NULL) {
		g_assert_cmpuint (len, ==, 0);
		artemis_json_writer_null (walk->writer);
		return TRUE;
	}

	assert_round_trip (value, len);
	artemis_json_writer_string_len (walk->writer, value, len);
	return TRUE;
}

/* Falls back to read_string() when the value is not an integer. */
static gboolean
walk_as_int64 (Walk *walk, GError **error)
{
	gsize offset = artemis_json_scanner_get_offset (walk->scanner);
	g_autoptr (GError) local_error = NULL;
	gint64 value;

	if (artemis_json_scanner_read_int64 (walk->scanner, &value, &local_error)) {
		artemis_json_writer_int (walk->writer, value);
		return TRUE;
	}
	if (artemis_json_scanner_get_failure (walk->scanner) != ARTEMIS_JSON_FAILURE_TYPE) {
		g_propagate_error (error, g_steal_pointer (&local_error));
		return FALSE;
	}

	assert_type_error (walk, local_error, offset);
	return walk_as_string (walk, error);
}

/* Falls back to skip_value() when the value is out of range or not an integer. */
static gboolean
walk_as_int (Walk *walk, GError **error)
{
	gsize offset = artemis_json_scanner_get_offset (walk->scanner);
	g_autoptr (GError) local_error = NULL;
	gint value;

	if (artemis_json_scanner_read_int (walk->scanner, -1000, 1000, &value, &local_error)) {
		g_assert_cmpint (value, >=, -1000);
		g_assert_cmpint (value, <=, 1000);
		artemis_json_writer_int (walk->writer, value);
		return TRUE;
	}
	if (artemis_json_scanner_get_failure (walk->scanner) != ARTEMIS_JSON_FAILURE_TYPE) {
		g_propagate_error (error, g_steal_pointer (&local_error));
		return FALSE;
	}

	assert_type_error (walk, local_error, offset);
	artemis_json_writer_null (walk->writer);
	return artemis_json_scanner_skip_value (walk->scanner, error);
}

/* Falls back to read_string() when the value is not a boolean. */
static gboolean
walk_as_bool (Walk *walk, GError **error)
{
	gsize offset = artemis_json_scanner_get_offset (walk->scanner);
	g_autoptr (GError) local_error = NULL;
	gboolean value;

	if (artemis_json_scanner_read_bool (walk->scanner, &value, &local_error)) {
		artemis_json_writer_bool (walk->writer, value);
		return TRUE;
	}
	if (artemis_json_scanner_get_failure (walk->scanner) != ARTEMIS_JSON_FAILURE_TYPE) {
		g_propagate_error (error, g_steal_pointer (&local_error));
		return FALSE;
	}

	assert_type_error (walk, local_error, offset);
	return walk_as_string (walk, error);
}

static gboolean
walk_scalar (Walk *walk, GError **error)
{
	guint turn = (guint) artemis_json_scanner_get_offset (walk->scanner) + walk->turn++;

	switch (turn % 4) {
	case 0:
		return walk_as_string (walk, error);
	case 1:
		return walk_as_int64 (walk, error);
	case 2:
		return walk_as_int (walk, error);
	default:
		return walk_as_bool (walk, error);
	}
}

static void
check_member_name (ArtemisJsonScanner *scanner)
{
	const char *name = artemis_json_scanner_get_name (scanner);

	g_assert_nonnull (name);
	g_assert_true (g_utf8_validate (name, -1, NULL));
	/* Exercise the matcher; a name holding `\u0000` does not match its C prefix. */
	artemis_json_scanner_name_is (scanner, name);
	artemis_json_scanner_name_is (scanner, "instanceId");
}

static gboolean
walk_object (Walk *walk, guint depth, GError **error)
{
	gboolean is_null = TRUE;
	gboolean more;

	if (!artemis_json_scanner_begin_object (walk->scanner, &is_null, error))
		return FALSE;
	g_assert_false (is_null);
	artemis_json_writer_begin_object (walk->writer);

	for (;;) {
		if (!artemis_json_scanner_next_member (walk->scanner, &more, error))
			return FALSE;
		if (!more)
			break;
		check_member_name (walk->scanner);
		artemis_json_writer_member (walk->writer,
					    artemis_json_scanner_get_name (walk->scanner));
		if (!walk_value (walk, depth + 1, error))
			return FALSE;
	}

	artemis_json_writer_end_object (walk->writer);
	return TRUE;
}

static gboolean
walk_array (Walk *walk, guint depth, GError **error)
{
	gboolean is_null = TRUE;
	gboolean more;

	if (!artemis_json_scanner_begin_array (walk->scanner, &is_null, error))
		return FALSE;
	g_assert_false (is_null);
	artemis_json_writer_begin_array (walk->writer);

	for (;;) {
		if (!artemis_json_scanner_next_element (walk->scanner, &more, error))
			return FALSE;
		if (!more)
			break;
		if (!walk_value (walk, depth + 1, error))
			return FALSE;
	}

	artemis_json_writer_end_array (walk->writer);
	return TRUE;
}

/* Asking for the wrong container must be a TYPE error that consumes nothing. */
static void
check_wrong_container (Walk *walk, ArtemisJsonToken token)
{
	gsize offset = artemis_json_scanner_get_offset (walk->scanner);
	g_autoptr (GError) error = NULL;
	gboolean is_null;
	gboolean ok;

	if (token == ARTEMIS_JSON_TOKEN_BEGIN_OBJECT)
		ok = artemis_json_scanner_begin_array (walk->scanner, &is_null, &error);
	else
		ok = artemis_json_scanner_begin_object (walk->scanner, &is_null, &error);

	g_assert_false (ok);
	assert_type_error (walk, error, offset);
}

static gboolean
walk_container (Walk *walk, ArtemisJsonToken token, guint depth, GError **error)
{
	check_wrong_container (walk, token);

	/* Sometimes skip instead, so skip_value() also runs inside other values. */
	if (walk->turn++ % 5 == 0) {
		artemis_json_writer_null (walk->writer);
		return artemis_json_scanner_skip_value (walk->scanner, error);
	}

	if (token == ARTEMIS_JSON_TOKEN_BEGIN_OBJECT)
		return walk_object (walk, depth, error);
	return walk_array (walk, depth, error);
}

static gboolean
walk_value (Walk *walk, guint depth, GError **error)
{
	ArtemisJsonToken token;

	if (depth > WALK_MAX_DEPTH)
		return artemis_json_scanner_skip_value (walk->scanner, error);

	if (!artemis_json_scanner_peek (walk->scanner, &token, error))
		return FALSE;

	switch (token) {
	case ARTEMIS_JSON_TOKEN_BEGIN_OBJECT:
	case ARTEMIS_JSON_TOKEN_BEGIN_ARRAY:
		return walk_container (walk, token, depth, error);
	case ARTEMIS_JSON_TOKEN_EOF:
	case ARTEMIS_JSON_TOKEN_END_OBJECT:
	case ARTEMIS_JSON_TOKEN_END_ARRAY:
		/* No value here: any reader must report the syntax error. */
		g_assert_false (walk_as_string (walk, error));
		return FALSE;
	default:
		return walk_scalar (walk, error);
	}
}

/*
 * Reference validator: a plain recursive descent over RFC 8259 plus the
 * scanner's depth limit, sharing no code with it (UTF-8 is GLib's).
 */
typedef struct {
	const guchar *p;
	const guchar *end;
} Ref;

static gboolean ref_value (Ref *ref, guint depth);

static void
ref_whitespace (Ref *ref)
{
	while (ref->p < ref->end && *ref->p != '\0' && strchr (" \t\r\n", *ref->p) != NULL)
		ref->p++;
}

static gboolean
ref_eat (Ref *ref, guchar c)
{
	if (ref->p >= ref->end || *ref->p != c)
		return FALSE;
	ref->p++;
	return TRUE;
}

static gboolean
ref_digits (Ref *ref)
{
	const guchar *start = ref->p;

	while (ref->p < ref->end && g_ascii_isdigit (*ref->p))
		ref->p++;
	return ref->p > start;
}

static gboolean
ref_number (Ref *ref)
{
	ref_eat (ref, '-');
	if (ref_eat (ref, '0')) {
		if (ref->p < ref->end && g_ascii_isdigit (*ref->p))
			return FALSE;
	} else if (!ref_digits (ref)) {
		return FALSE;
	}
	if (ref_eat (ref, '.') && !ref_digits (ref))
		return FALSE;
	if (ref_eat (ref, 'e') || ref_eat (ref, 'E')) {
		if (!ref_eat (ref, '+'))
			ref_eat (ref, '-');
		if (!ref_digits (ref))
			return FALSE;
	}
	return TRUE;
}

static gboolean
ref_hex4 (Ref *ref, guint *code)
{
	guint i;

	*code = 0;
	for (i = 0; i < 4; i++) {
		if (ref->p >= ref->end || !g_ascii_isxdigit (*ref->p))
			return FALSE;
		*code = *code * 16 + (guint) g_ascii_xdigit_value (*ref->p++);
	}
	return TRUE;
}

static gboolean
ref_escape (Ref *ref)
{
	guint code;
	guint low;

	if (ref->p >= ref->end)
		return FALSE;
	if (*ref->p != '\0' && strchr ("\"\\/bfnrt", *ref->p) != NULL) {
		ref->p++;
		return TRUE;
	}
	if (!ref_eat (ref, 'u') || !ref_hex4 (ref, &code))
		return FALSE;
	if (code >= 0xDC00 && code <= 0xDFFF)
		return FALSE;
	if (code < 0xD800 || code > 0xDBFF)
		return TRUE;
	return ref_eat (ref, '\\') && ref_eat (ref, 'u') && ref_hex4 (ref, &low) && low >= 0xDC00
	       && low <= 0xDFFF;
}

static gboolean
ref_string (Ref *ref)
{
	const guchar *run = ref->p;

	/* Validates UTF-8 run by run between escapes. */
	for (;;) {
		if (ref->p >= ref->end || *ref->p < 0x20)
			return FALSE;
		if (*ref->p == '"' || *ref->p == '\\') {
			if (!g_utf8_validate_len ((const char *) run, (gsize) (ref->p - run), NULL))
				return FALSE;
			if (*ref->p++ == '"')
				return TRUE;
			if (!ref_escape (ref))
				return FALSE;
			run = ref->p;
			continue;
		}
		ref->p++;
	}
}

static gboolean
ref_literal (Ref *ref, const char *word)
{
	gsize len = strlen (word);

	if ((gsize) (ref->end - ref->p) < len || memcmp (ref->p, word, len) != 0)
		return FALSE;
	ref->p += len;
	return TRUE;
}

static gboolean
ref_array (Ref *ref, guint depth)
{
	ref_whitespace (ref);
	if (ref_eat (ref, ']'))
		return TRUE;
	for (;;) {
		if (!ref_value (ref, depth))
			return FALSE;
		ref_whitespace (ref);
		if (ref_eat (ref, ']'))
			return TRUE;
		if (!ref_eat (ref, ','))
			return FALSE;
	}
}

static gboolean
ref_object (Ref *ref, guint depth)
{
	ref_whitespace (ref);
	if (ref_eat (ref, '}'))
		return TRUE;
	for (;;) {
		ref_whitespace (ref);
		if (!ref_eat (ref, '"') || !ref_string (ref))
			return FALSE;
		ref_whitespace (ref);
		if (!ref_eat (ref, ':') || !ref_value (ref, depth))
			return FALSE;
		ref_whitespace (ref);
		if (ref_eat (ref, '}'))
			return TRUE;
		if (!ref_eat (ref, ','))
			return FALSE;
	}
}

static gboolean
ref_value (Ref *ref, guint depth)
{
	ref_whitespace (ref);
	if (ref->p >= ref->end)
		return FALSE;

	switch (*ref->p) {
	case '{':
		ref->p++;
		return depth < ARTEMIS_JSON_MAX_DEPTH && ref_object (ref, depth + 1);
	case '[':
		ref->p++;
		return depth < ARTEMIS_JSON_MAX_DEPTH && ref_array (ref, depth + 1);
	case '"':
		ref->p++;
		return ref_string (ref);
	case 't':
		return ref_literal (ref, "true");
	case 'f':
		return ref_literal (ref, "false");
	case 'n':
		return ref_literal (ref, "null");
	default:
		return ref_number (ref);
	}
}

static gboolean
ref_document (const guint8 *data, size_t size)
{
	Ref ref = { data, data + size };

	if (!ref_value (&ref, 0))
		return FALSE;
	ref_whitespace (&ref);
	return ref.p == ref.end;
}

static gboolean
skip_document (const guint8 *data, size_t size, GError **error)
{
	g_autoptr (ArtemisJsonScanner) scanner
		= artemis_json_scanner_new ((const char *) data, size);

	return artemis_json_scanner_skip_value (scanner, error)
	       && artemis_json_scanner_finish (scanner, error);
}

/* What the walk wrote must be valid JSON. */
static void
assert_valid_output (ArtemisJsonWriter *writer)
{
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const char *text = artemis_json_writer_peek (writer, &len);

	g_assert_true (skip_document ((const guint8 *) text, len, &error));
	g_assert_no_error (error);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
	g_autoptr (ArtemisJsonScanner) scanner
		= artemis_json_scanner_new ((const char *) data, size);
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (size);
	g_autoptr (GError) walk_error = NULL;
	g_autoptr (GError) skip_error = NULL;
	Walk walk = { scanner, writer, 0 };
	gboolean walked;
	gboolean skipped;

	walked = walk_value (&walk, 0, &walk_error)
		 && artemis_json_scanner_finish (scanner, &walk_error);
	skipped = skip_document (data, size, &skip_error);

	g_assert_cmpint (walked, ==, skipped);
	g_assert_cmpint (skipped, ==, ref_document (data, size));
	if (!walked) {
		g_assert_nonnull (walk_error);
		g_assert_nonnull (skip_error);
		g_assert_error (walk_error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST);
		g_assert_cmpint (walk_error->code, ==, skip_error->code);
		g_assert_cmpstr (walk_error->message, ==, skip_error->message);
		return 0;
	}

	assert_valid_output (writer);
	return 0;
}
