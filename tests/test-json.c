/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "artemis-json-scanner.h"
#include "artemis-json-writer.h"

/* Writer */

static void
assert_writer (ArtemisJsonWriter *writer, const char *expected, gsize expected_len)
{
	gsize len = 0;
	const char *text = artemis_json_writer_peek (writer, &len);

	g_assert_cmpmem (text, len, expected, expected_len);
	g_assert_cmpint (text[len], ==, '\0');
}

#define assert_writer_str(writer, expected) assert_writer ((writer), (expected), strlen (expected))

static void
test_writer_empty (void)
{
	g_autoptr (ArtemisJsonWriter) object = artemis_json_writer_new (0);
	g_autoptr (ArtemisJsonWriter) array = artemis_json_writer_new (16);
	g_autoptr (ArtemisJsonWriter) nothing = artemis_json_writer_new (16);

	artemis_json_writer_begin_object (object);
	artemis_json_writer_end_object (object);
	assert_writer_str (object, "{}");

	artemis_json_writer_begin_array (array);
	artemis_json_writer_end_array (array);
	assert_writer_str (array, "[]");

	assert_writer_str (nothing, "");
}

static void
test_writer_object (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (64);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_string (writer, "serviceId", "svc");
	artemis_json_writer_member_int (writer, "port", 8080);
	artemis_json_writer_member_bool (writer, "healthy", TRUE);
	artemis_json_writer_member_bool (writer, "down", FALSE);
	artemis_json_writer_member_null (writer, "group");
	artemis_json_writer_member_string (writer, "missing", NULL);
	artemis_json_writer_member (writer, "url");
	artemis_json_writer_string (writer, "http://h/p");
	artemis_json_writer_end_object (writer);

	assert_writer_str (writer,
			   "{\"serviceId\":\"svc\",\"port\":8080,\"healthy\":true,\"down\":false,"
			   "\"group\":null,\"missing\":null,\"url\":\"http://h/p\"}");
}

static void
test_writer_nested (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (0);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "a");
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "b");
	artemis_json_writer_begin_array (writer);
	artemis_json_writer_int (writer, 1);
	artemis_json_writer_int (writer, 2);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "c");
	artemis_json_writer_begin_array (writer);
	artemis_json_writer_end_array (writer);
	artemis_json_writer_end_object (writer);
	artemis_json_writer_begin_array (writer);
	artemis_json_writer_end_array (writer);
	artemis_json_writer_string (writer, "s");
	artemis_json_writer_end_array (writer);
	artemis_json_writer_member (writer, "d");
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_end_object (writer);
	artemis_json_writer_end_object (writer);
	artemis_json_writer_member (writer, "e");
	artemis_json_writer_begin_array (writer);
	artemis_json_writer_begin_array (writer);
	artemis_json_writer_null (writer);
	artemis_json_writer_end_array (writer);
	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_int (writer, "x", -1);
	artemis_json_writer_member_int (writer, "y", 0);
	artemis_json_writer_end_object (writer);
	artemis_json_writer_end_array (writer);
	artemis_json_writer_member_bool (writer, "f", FALSE);
	artemis_json_writer_end_object (writer);

	assert_writer_str (writer, "{\"a\":{\"b\":[1,2,{\"c\":[]},[],\"s\"],\"d\":{}},"
				   "\"e\":[[null],{\"x\":-1,\"y\":0}],\"f\":false}");
}

static void
test_writer_top_level_scalars (void)
{
	g_autoptr (ArtemisJsonWriter) string = artemis_json_writer_new (0);
	g_autoptr (ArtemisJsonWriter) null_string = artemis_json_writer_new (0);
	g_autoptr (ArtemisJsonWriter) number = artemis_json_writer_new (0);
	g_autoptr (ArtemisJsonWriter) boolean = artemis_json_writer_new (0);
	g_autoptr (ArtemisJsonWriter) null = artemis_json_writer_new (0);

	artemis_json_writer_string (string, "x");
	assert_writer_str (string, "\"x\"");
	artemis_json_writer_string (null_string, NULL);
	assert_writer_str (null_string, "null");
	artemis_json_writer_int (number, 42);
	assert_writer_str (number, "42");
	artemis_json_writer_bool (boolean, FALSE);
	assert_writer_str (boolean, "false");
	artemis_json_writer_null (null);
	assert_writer_str (null, "null");
}

static void
test_writer_escaping (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (0);

	artemis_json_writer_begin_array (writer);
	artemis_json_writer_string (writer, "q\"b\\s/");
	artemis_json_writer_string (writer, "\n\t\r\b\f");
	artemis_json_writer_string (writer, "\x01\x02\x0b\x0e\x1a\x1f");
	artemis_json_writer_string (writer, "\x7f~ ");
	artemis_json_writer_string (writer, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	artemis_json_writer_string (writer, "");
	artemis_json_writer_end_array (writer);

	assert_writer_str (writer, "[\"q\\\"b\\\\s/\","
				   "\"\\n\\t\\r\\b\\f\","
				   "\"\\u0001\\u0002\\u000B\\u000E\\u001A\\u001F\","
				   "\"\x7f~ \","
				   "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
				   "\"\"]");
}

static void
test_writer_string_len (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (0);

	artemis_json_writer_begin_array (writer);
	artemis_json_writer_string_len (writer, "a\0b", 3);
	artemis_json_writer_string_len (writer, "abcdef", 2);
	artemis_json_writer_string_len (writer, NULL, 5);
	artemis_json_writer_string_len (writer, "", 0);
	artemis_json_writer_end_array (writer);

	assert_writer_str (writer, "[\"a\\u0000b\",\"ab\",null,\"\"]");
}

static void
test_writer_member_names (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (0);

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member_int (writer, "a\"b", 1);
	artemis_json_writer_member_int (writer, "", 2);
	artemis_json_writer_member_int (writer, "line\nbreak", 3);
	artemis_json_writer_end_object (writer);

	assert_writer_str (writer, "{\"a\\\"b\":1,\"\":2,\"line\\nbreak\":3}");
}

static void
test_writer_raw (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (0);
	const char *cached = "{\"id\":\"i-1\",\"port\":80}";

	artemis_json_writer_begin_object (writer);
	artemis_json_writer_member (writer, "instances");
	artemis_json_writer_begin_array (writer);
	artemis_json_writer_raw (writer, cached, strlen (cached));
	artemis_json_writer_raw (writer, cached, strlen (cached));
	artemis_json_writer_raw (writer, "[1,2]xyz", 5);
	artemis_json_writer_end_array (writer);
	artemis_json_writer_member (writer, "n");
	artemis_json_writer_raw (writer, "7", 1);
	artemis_json_writer_member_int (writer, "m", 8);
	artemis_json_writer_end_object (writer);

	assert_writer_str (
		writer,
		"{\"instances\":[{\"id\":\"i-1\",\"port\":80},{\"id\":\"i-1\",\"port\":80},[1,2]],"
		"\"n\":7,\"m\":8}");
}

static void
test_writer_int_limits (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (0);

	artemis_json_writer_begin_array (writer);
	artemis_json_writer_int (writer, G_MININT64);
	artemis_json_writer_int (writer, G_MAXINT64);
	artemis_json_writer_int (writer, 0);
	artemis_json_writer_int (writer, -1);
	artemis_json_writer_int (writer, 10);
	artemis_json_writer_int (writer, -9);
	artemis_json_writer_int (writer, G_MAXINT32 + (gint64) 1);
	artemis_json_writer_end_array (writer);

	assert_writer_str (writer,
			   "[-9223372036854775808,9223372036854775807,0,-1,10,-9,2147483648]");
}

static void
test_writer_free_to (void)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (4);
	g_autoptr (GBytes) bytes = NULL;
	g_autofree char *text = NULL;

	artemis_json_writer_begin_array (writer);
	artemis_json_writer_int (writer, 1);
	artemis_json_writer_end_array (writer);
	bytes = artemis_json_writer_free_to_bytes (writer);
	g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "[1]", 3);

	writer = artemis_json_writer_new (4);
	artemis_json_writer_string (writer, "x");
	text = artemis_json_writer_free_to_string (writer);
	g_assert_cmpstr (text, ==, "\"x\"");

	artemis_json_writer_free (NULL);
}

static void
test_writer_append_escaped (void)
{
	g_autoptr (GString) out = g_string_new ("prefix:");

	artemis_json_append_escaped (out, "a\"\\\x1b/\xc3\xa9", 7);
	g_assert_cmpstr (out->str, ==, "prefix:\"a\\\"\\\\\\u001B/\xc3\xa9\"");

	g_string_truncate (out, 0);
	artemis_json_append_escaped (out, "", 0);
	artemis_json_append_escaped (out, NULL, 0);
	artemis_json_append_escaped (out, "xyz", 1);
	g_assert_cmpstr (out->str, ==, "\"\"\"\"\"x\"");
}

/* Every byte below 0x80 survives writing and scanning back. */
static void
test_writer_round_trip (void)
{
	g_autoptr (ArtemisJsonWriter) writer = artemis_json_writer_new (0);
	g_autoptr (ArtemisJsonScanner) scanner = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *value = NULL;
	char all[128];
	gsize text_len;
	const char *text;
	gsize len = 0;
	guint i;

	for (i = 0; i < sizeof all; i++)
		all[i] = (char) i;

	artemis_json_writer_string_len (writer, all, sizeof all);
	text = artemis_json_writer_peek (writer, &text_len);
	scanner = artemis_json_scanner_new (text, text_len);

	g_assert_true (artemis_json_scanner_read_string_len (scanner, &value, &len, &error));
	g_assert_no_error (error);
	g_assert_cmpmem (value, len, all, sizeof all);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

/* Scanner helpers */

/* Scans an exact-size heap copy, so AddressSanitizer sees any read past @len. */
static ArtemisJsonScanner *
scanner_new_exact (const char *json, gssize len)
{
	gsize size = len < 0 ? strlen (json) : (gsize) len;
	char *copy = g_memdup2 (json, size);

	g_test_queue_free (copy);
	return artemis_json_scanner_new (copy, size);
}

static void
assert_json_error (ArtemisJsonScanner *scanner, const GError *error, ArtemisJsonFailure code, gsize offset)
{
	g_autofree char *prefix = NULL;
	g_autofree char *head = NULL;

	g_assert_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST);
	g_assert_cmpint (artemis_json_scanner_get_failure (scanner), ==, code);
	prefix = g_strdup_printf (
		"%s at byte %" G_GSIZE_FORMAT ": ",
		code == ARTEMIS_JSON_FAILURE_TYPE ? "Invalid value" : "Invalid JSON", offset);
	head = g_strndup (error->message, strlen (prefix));
	g_assert_cmpstr (head, ==, prefix);
	g_assert_cmpuint (strlen (error->message), >, strlen (prefix));
}

/* Reads the whole document as one string value. */
static char *
scan_string (const char *json, gssize json_len, gsize *len)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, json_len);
	g_autoptr (GError) error = NULL;
	g_autofree char *value = NULL;

	g_assert_true (artemis_json_scanner_read_string_len (scanner, &value, len, &error));
	g_assert_no_error (error);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);

	return g_steal_pointer (&value);
}

static void
assert_scan_string (const char *json, const char *expected)
{
	g_autofree char *value = NULL;
	gsize len = 0;

	value = scan_string (json, -1, &len);
	g_assert_nonnull (value);
	g_assert_cmpmem (value, len, expected, strlen (expected));
	g_assert_cmpint (value[len], ==, '\0');
}

static void
assert_read_string_error (const char *json, ArtemisJsonFailure code, gsize offset)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	char *value = NULL;

	g_assert_false (artemis_json_scanner_read_string (scanner, &value, &error));
	g_assert_null (value);
	assert_json_error (scanner, error, code, offset);
}

static gint64
scan_int64 (const char *json)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	gint64 value = 12345;

	g_assert_true (artemis_json_scanner_read_int64 (scanner, &value, &error));
	g_assert_no_error (error);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);

	return value;
}

static gboolean
scan_bool (const char *json)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	gboolean value = 7;

	g_assert_true (artemis_json_scanner_read_bool (scanner, &value, &error));
	g_assert_no_error (error);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);

	return value;
}

/* Skips the whole document; it must be valid. */
static void
assert_skips (const char *json, gssize len)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, len);
	g_autoptr (GError) error = NULL;

	g_assert_true (artemis_json_scanner_skip_value (scanner, &error));
	g_assert_no_error (error);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (artemis_json_scanner_get_offset (scanner), ==,
			  len < 0 ? strlen (json) : (gsize) len);
}

/* Scanner: valid input */

static void
assert_peek (ArtemisJsonScanner *scanner, ArtemisJsonToken expected)
{
	g_autoptr (GError) error = NULL;
	ArtemisJsonToken token = (ArtemisJsonToken) -1;

	g_assert_true (artemis_json_scanner_peek (scanner, &token, &error));
	g_assert_no_error (error);
	g_assert_cmpint (token, ==, expected);
}

static void
test_scanner_tokens (void)
{
	const char *json
		= " {\"o\":{},\"a\":[],\"s\":\"x\",\"n\":-1.5,\"t\":true,\"f\":false,\"z\":null} ";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	gboolean is_null = TRUE;
	gboolean more = FALSE;
	const ArtemisJsonToken expected[] = {
		ARTEMIS_JSON_TOKEN_BEGIN_OBJECT, ARTEMIS_JSON_TOKEN_BEGIN_ARRAY,
		ARTEMIS_JSON_TOKEN_STRING,	 ARTEMIS_JSON_TOKEN_NUMBER,
		ARTEMIS_JSON_TOKEN_TRUE,	 ARTEMIS_JSON_TOKEN_FALSE,
		ARTEMIS_JSON_TOKEN_NULL,
	};
	const char *names[] = { "o", "a", "s", "n", "t", "f", "z" };
	guint i;

	assert_peek (scanner, ARTEMIS_JSON_TOKEN_BEGIN_OBJECT);
	/* Peeking twice consumes nothing. */
	assert_peek (scanner, ARTEMIS_JSON_TOKEN_BEGIN_OBJECT);
	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	g_assert_no_error (error);
	g_assert_false (is_null);

	for (i = 0; i < G_N_ELEMENTS (expected); i++) {
		g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
		g_assert_no_error (error);
		g_assert_true (more);
		g_assert_cmpstr (artemis_json_scanner_get_name (scanner), ==, names[i]);
		assert_peek (scanner, expected[i]);
		g_assert_true (artemis_json_scanner_skip_value (scanner, &error));
		g_assert_no_error (error);
	}

	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_no_error (error);
	g_assert_false (more);
	assert_peek (scanner, ARTEMIS_JSON_TOKEN_EOF);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

static void
test_scanner_peek_closing (void)
{
	g_autoptr (ArtemisJsonScanner) object = scanner_new_exact ("{\"a\": }", -1);
	g_autoptr (ArtemisJsonScanner) array = scanner_new_exact ("{\"a\":]", -1);
	g_autoptr (ArtemisJsonScanner) empty = scanner_new_exact ("", 0);
	g_autoptr (ArtemisJsonScanner) blank = scanner_new_exact (" \t\r\n", -1);
	g_autoptr (GError) error = NULL;
	char *value = NULL;
	gboolean is_null;
	gboolean more;

	g_assert_true (artemis_json_scanner_begin_object (object, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (object, &more, &error));
	g_assert_no_error (error);
	assert_peek (object, ARTEMIS_JSON_TOKEN_END_OBJECT);
	g_assert_false (artemis_json_scanner_skip_value (object, &error));
	assert_json_error (object, error, ARTEMIS_JSON_FAILURE_SYNTAX, 6);
	g_clear_error (&error);

	g_assert_true (artemis_json_scanner_begin_object (array, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (array, &more, &error));
	g_assert_no_error (error);
	assert_peek (array, ARTEMIS_JSON_TOKEN_END_ARRAY);

	assert_peek (empty, ARTEMIS_JSON_TOKEN_EOF);
	assert_peek (blank, ARTEMIS_JSON_TOKEN_EOF);
	g_assert_false (artemis_json_scanner_read_string (blank, &value, &error));
	assert_json_error (blank, error, ARTEMIS_JSON_FAILURE_SYNTAX, 4);
	g_assert_null (value);
}

typedef struct {
	char *instance_id;
	char *service_id;
	char *url;
	gint port;
	GHashTable *metadata;
} Instance;

static void
instance_clear (Instance *instance)
{
	g_clear_pointer (&instance->instance_id, g_free);
	g_clear_pointer (&instance->service_id, g_free);
	g_clear_pointer (&instance->url, g_free);
	g_clear_pointer (&instance->metadata, g_hash_table_unref);
}

static gboolean
decode_metadata (ArtemisJsonScanner *scanner, GHashTable **metadata, GError **error)
{
	gboolean is_null;
	gboolean more;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null)
		return TRUE;

	*metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (;;) {
		char *value = NULL;

		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return FALSE;
		if (!more)
			return TRUE;
		if (!artemis_json_scanner_read_string (scanner, &value, error))
			return FALSE;
		g_hash_table_insert (*metadata, g_strdup (artemis_json_scanner_get_name (scanner)),
				     value);
	}
}

static gboolean
decode_instance_member (ArtemisJsonScanner *scanner, Instance *instance, GError **error)
{
	if (artemis_json_scanner_name_is (scanner, "instanceId"))
		return artemis_json_scanner_read_string (scanner, &instance->instance_id, error);
	if (artemis_json_scanner_name_is (scanner, "serviceId"))
		return artemis_json_scanner_read_string (scanner, &instance->service_id, error);
	if (artemis_json_scanner_name_is (scanner, "url"))
		return artemis_json_scanner_read_string (scanner, &instance->url, error);
	if (artemis_json_scanner_name_is (scanner, "port"))
		return artemis_json_scanner_read_int (scanner, 0, 65535, &instance->port, error);
	if (artemis_json_scanner_name_is (scanner, "metadata"))
		return decode_metadata (scanner, &instance->metadata, error);
	return artemis_json_scanner_skip_value (scanner, error);
}

static gboolean
decode_instance (ArtemisJsonScanner *scanner, Instance *instance, GError **error)
{
	gboolean is_null;
	gboolean more;

	if (!artemis_json_scanner_begin_object (scanner, &is_null, error))
		return FALSE;
	if (is_null)
		return TRUE;

	for (;;) {
		if (!artemis_json_scanner_next_member (scanner, &more, error))
			return FALSE;
		if (!more)
			return TRUE;
		if (!decode_instance_member (scanner, instance, error))
			return FALSE;
	}
}

static void
test_scanner_register_request (void)
{
	const char *json
		= "{\"instances\":[{\"instanceId\":\"i-1\",\"serviceId\":\"s\","
		  "\"url\":\"http://x\",\"port\":8080,\"metadata\":{\"k\":\"v\",\"k2\":\"\"}},"
		  "{\"INSTANCEID\":\"i-2\",\"serviceid\":\"s\",\"url\":null,\"port\":\"9090\","
		  "\"metadata\":null,\"extra\":[1,{\"x\":[true,{}]},\"y\"]},null],\"token\":\"t\"}";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	Instance instances[3] = { { 0 } };
	gboolean is_null;
	gboolean more;
	guint n = 0;

	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (more);
	g_assert_true (artemis_json_scanner_name_is (scanner, "instances"));
	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_false (is_null);
	while (artemis_json_scanner_next_element (scanner, &more, &error) && more) {
		g_assert_cmpuint (n, <, G_N_ELEMENTS (instances));
		g_assert_true (decode_instance (scanner, &instances[n++], &error));
		g_assert_no_error (error);
	}
	g_assert_no_error (error);
	g_assert_cmpuint (n, ==, 3);

	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (more);
	g_assert_true (artemis_json_scanner_name_is (scanner, "TOKEN"));
	g_assert_true (artemis_json_scanner_skip_value (scanner, &error));
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);

	g_assert_cmpstr (instances[0].instance_id, ==, "i-1");
	g_assert_cmpstr (instances[0].service_id, ==, "s");
	g_assert_cmpstr (instances[0].url, ==, "http://x");
	g_assert_cmpint (instances[0].port, ==, 8080);
	g_assert_cmpuint (g_hash_table_size (instances[0].metadata), ==, 2);
	g_assert_cmpstr (g_hash_table_lookup (instances[0].metadata, "k"), ==, "v");
	g_assert_cmpstr (g_hash_table_lookup (instances[0].metadata, "k2"), ==, "");

	g_assert_cmpstr (instances[1].instance_id, ==, "i-2");
	g_assert_cmpstr (instances[1].service_id, ==, "s");
	g_assert_null (instances[1].url);
	g_assert_cmpint (instances[1].port, ==, 9090);
	g_assert_null (instances[1].metadata);

	g_assert_null (instances[2].instance_id);
	g_assert_cmpint (instances[2].port, ==, 0);

	for (n = 0; n < G_N_ELEMENTS (instances); n++)
		instance_clear (&instances[n]);
}

static void
test_scanner_names (void)
{
	const char *json
		= "{\"SERVICEID\":1,\"service\\u0049d\":2,\"a\\u0000\":3,\"\":4,\"caf\xc3\xa9\":5}";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	gboolean is_null;
	gboolean more;
	gint64 value;

	g_assert_null (artemis_json_scanner_get_name (scanner));
	g_assert_false (artemis_json_scanner_name_is (scanner, ""));

	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_name_is (scanner, "serviceId"));
	g_assert_true (artemis_json_scanner_name_is (scanner, "SERVICEID"));
	g_assert_false (artemis_json_scanner_name_is (scanner, "service"));
	g_assert_false (artemis_json_scanner_name_is (scanner, "serviceIdx"));
	g_assert_cmpstr (artemis_json_scanner_get_name (scanner), ==, "SERVICEID");
	/* Still matches after get_name() copied it out. */
	g_assert_true (artemis_json_scanner_name_is (scanner, "serviceid"));
	g_assert_true (artemis_json_scanner_read_int64 (scanner, &value, &error));
	g_assert_cmpint (value, ==, 1);

	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_name_is (scanner, "serviceid"));
	g_assert_cmpstr (artemis_json_scanner_get_name (scanner), ==, "serviceId");
	g_assert_true (artemis_json_scanner_read_int64 (scanner, &value, &error));
	g_assert_cmpint (value, ==, 2);

	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_false (artemis_json_scanner_name_is (scanner, "a"));
	g_assert_cmpstr (artemis_json_scanner_get_name (scanner), ==, "a");
	g_assert_true (artemis_json_scanner_skip_value (scanner, &error));

	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_name_is (scanner, ""));
	g_assert_cmpstr (artemis_json_scanner_get_name (scanner), ==, "");
	g_assert_true (artemis_json_scanner_skip_value (scanner, &error));

	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_name_is (scanner, "caf\xc3\xa9"));
	/* Only ASCII letters fold. */
	g_assert_false (artemis_json_scanner_name_is (scanner, "CAF\xc3\x89"));
	g_assert_true (artemis_json_scanner_skip_value (scanner, &error));

	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

static void
test_scanner_escapes (void)
{
	g_autofree char *nul = NULL;
	gsize len = 0;

	assert_scan_string ("\"\"", "");
	assert_scan_string ("\"plain text\"", "plain text");
	assert_scan_string ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
	assert_scan_string ("\"\\u0041\\u00e9\\u00E9\\u20ac\"", "A\xc3\xa9\xc3\xa9\xe2\x82\xac");
	assert_scan_string ("\"\\ud83d\\ude00|\\uD83D\\uDE00\"",
			    "\xf0\x9f\x98\x80|\xf0\x9f\x98\x80");
	assert_scan_string ("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf");
	assert_scan_string ("\"\\uD800\\uDC00\"", "\xf0\x90\x80\x80");
	assert_scan_string ("\"a\\u007Fb\"", "a\177b");
	assert_scan_string ("\"x\x7fy\"", "x\x7fy");
	assert_scan_string (
		"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf\"",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf");
	assert_scan_string ("\"pre \\n mid \\t post\"", "pre \n mid \t post");

	nul = scan_string ("\"a\\u0000b\"", -1, &len);
	g_assert_cmpmem (nul, len, "a\0b", 3);
	g_assert_cmpint (nul[3], ==, '\0');
}

/* Puts each kind of special byte at every position around the 8-byte word boundaries. */
static void
test_scanner_string_positions (void)
{
	guint len;
	guint at;

	for (len = 1; len <= 40; len++) {
		for (at = 0; at < len; at++) {
			g_autofree char *plain = g_strnfill (len, 'a');
			g_autofree char *quoted = NULL;
			g_autofree char *escaped = NULL;
			g_autofree char *expected = NULL;
			g_autofree char *accented = NULL;
			g_autofree char *bad = NULL;
			g_autofree char *control = NULL;

			quoted = g_strdup_printf ("\"%s\"", plain);
			assert_scan_string (quoted, plain);

			/* A quote after @at bytes ends the string there. */
			quoted[1 + at] = '"';
			quoted[at + 2] = '\0';
			expected = g_strndup (plain, at);
			assert_scan_string (quoted, expected);

			escaped = g_strdup_printf ("\"%.*s\\n%s\"", at, plain, plain + at);
			g_free (expected);
			expected = g_strdup_printf ("%.*s\n%s", at, plain, plain + at);
			assert_scan_string (escaped, expected);

			accented = g_strdup_printf ("\"%.*s\xc3\xa9%s\"", at, plain, plain + at);
			g_free (expected);
			expected = g_strdup_printf ("%.*s\xc3\xa9%s", at, plain, plain + at);
			assert_scan_string (accented, expected);

			bad = g_strdup_printf ("\"%s\"", plain);
			bad[1 + at] = (char) 0xff;
			assert_read_string_error (bad, ARTEMIS_JSON_FAILURE_ENCODING, 1 + at);

			control = g_strdup_printf ("\"%s\"", plain);
			control[1 + at] = '\x1f';
			assert_read_string_error (control, ARTEMIS_JSON_FAILURE_SYNTAX, 1 + at);
		}
	}
}

static void
test_scanner_coercion (void)
{
	g_autofree char *null_value = NULL;
	gsize len = 99;

	assert_scan_string ("8080", "8080");
	assert_scan_string ("0", "0");
	assert_scan_string ("-0", "-0");
	assert_scan_string ("1.5e3", "1.5e3");
	assert_scan_string ("-1.50E+03", "-1.50E+03");
	assert_scan_string ("-0.0e-00", "-0.0e-00");
	assert_scan_string ("123456789012345678901234567890", "123456789012345678901234567890");
	assert_scan_string ("true", "true");
	assert_scan_string ("false", "false");
	assert_scan_string (" \"x\" ", "x");

	null_value = scan_string ("null", -1, &len);
	g_assert_null (null_value);
	g_assert_cmpuint (len, ==, 0);
}

static void
test_scanner_string_in_containers (void)
{
	const char *json = "[1,true,\"s\",{\"k\":2.5}]";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;
	g_autofree char *c = NULL;
	g_autofree char *d = NULL;
	gboolean is_null;
	gboolean more;

	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_read_string (scanner, &a, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_read_string (scanner, &b, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_read_string (scanner, &c, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (more);
	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_read_string (scanner, &d, &error));
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);

	g_assert_cmpstr (a, ==, "1");
	g_assert_cmpstr (b, ==, "true");
	g_assert_cmpstr (c, ==, "s");
	g_assert_cmpstr (d, ==, "2.5");
}

static void
test_scanner_int64 (void)
{
	g_assert_cmpint (scan_int64 ("0"), ==, 0);
	g_assert_cmpint (scan_int64 ("-0"), ==, 0);
	g_assert_cmpint (scan_int64 ("42"), ==, 42);
	g_assert_cmpint (scan_int64 ("-42"), ==, -42);
	g_assert_cmpint (scan_int64 ("9223372036854775807"), ==, G_MAXINT64);
	g_assert_cmpint (scan_int64 ("-9223372036854775808"), ==, G_MININT64);
	g_assert_cmpint (scan_int64 ("null"), ==, 0);
	g_assert_cmpint (scan_int64 (" 7 "), ==, 7);
}

static void
test_scanner_int64_fraction (void)
{
	g_assert_cmpint (scan_int64 ("1.9"), ==, 1);
	g_assert_cmpint (scan_int64 ("-1.9"), ==, -1);
	g_assert_cmpint (scan_int64 ("-0.5"), ==, 0);
	g_assert_cmpint (scan_int64 ("1.5e3"), ==, 1500);
	g_assert_cmpint (scan_int64 ("1E2"), ==, 100);
	g_assert_cmpint (scan_int64 ("25e-1"), ==, 2);
	g_assert_cmpint (scan_int64 ("1e-400"), ==, 0);
	g_assert_cmpint (scan_int64 ("8080.0"), ==, 8080);
	g_assert_cmpint (scan_int64 ("-9.2e18"), ==, -9200000000000000000);
}

static void
test_scanner_int64_string (void)
{
	g_assert_cmpint (scan_int64 ("\"42\""), ==, 42);
	g_assert_cmpint (scan_int64 ("\"-7\""), ==, -7);
	g_assert_cmpint (scan_int64 ("\"007\""), ==, 7);
	g_assert_cmpint (scan_int64 ("\"9223372036854775807\""), ==, G_MAXINT64);
	g_assert_cmpint (scan_int64 ("\"-9223372036854775808\""), ==, G_MININT64);
	g_assert_cmpint (scan_int64 ("\"4\\u0032\""), ==, 42);
}

static void
test_scanner_int (void)
{
	const char *json = "[8080,\"80\",1,65535,null,-5]";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	const gint expected[] = { 8080, 80, 1, 65535, 0, -5 };
	gboolean is_null;
	gboolean more;
	guint i;

	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	for (i = 0; i < G_N_ELEMENTS (expected); i++) {
		gint value = -99;

		g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
		g_assert_true (artemis_json_scanner_read_int (scanner, G_MININT64, G_MAXINT64,
							      &value, &error));
		g_assert_no_error (error);
		g_assert_cmpint (value, ==, expected[i]);
	}
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

/* Reads @json with read_int (@min, @max) and expects a TYPE error at @offset. */
static void
assert_int_range_error (const char *json, gint64 min, gint64 max, gsize offset)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	gint value = -99;

	g_assert_false (artemis_json_scanner_read_int (scanner, min, max, &value, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, offset);
	g_assert_cmpint (value, ==, -99);
	g_assert_cmpuint (artemis_json_scanner_get_offset (scanner), ==, offset);
}

static void
test_scanner_int_range (void)
{
	assert_int_range_error ("0", 1, 65535, 0);
	assert_int_range_error (" 65536", 1, 65535, 1);
	assert_int_range_error ("\"70000\"", 1, 65535, 0);
	assert_int_range_error ("null", 1, 65535, 0);
	assert_int_range_error ("-1", 0, 10, 0);
	assert_int_range_error ("2147483648", G_MININT64, G_MAXINT64, 0);
	assert_int_range_error ("-2147483649", G_MININT64, G_MAXINT64, 0);
	assert_int_range_error ("1e10", G_MININT64, G_MAXINT64, 0);
}

static void
test_scanner_bool (void)
{
	g_assert_true (scan_bool ("true"));
	g_assert_false (scan_bool ("false"));
	g_assert_false (scan_bool ("null"));
	g_assert_true (scan_bool ("\"true\""));
	g_assert_true (scan_bool ("\"TRUE\""));
	g_assert_true (scan_bool ("\"tRuE\""));
	g_assert_false (scan_bool ("\"false\""));
	g_assert_false (scan_bool ("\"False\""));
	g_assert_true (scan_bool ("\"tru\\u0065\""));
}

static void
test_scanner_null_containers (void)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact ("[null,null,{},[]]", -1);
	g_autoptr (GError) error = NULL;
	gboolean is_null = FALSE;
	gboolean more = FALSE;

	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_false (is_null);
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	g_assert_true (is_null);
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_true (is_null);
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	g_assert_false (is_null);
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (more);
	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_false (is_null);
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

static void
test_scanner_whitespace (void)
{
	const char *json = " \t\r\n{ \"a\" :\n[ 1 ,\t2 ] ,\r\n\"b\" : \"x\" } \n";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	g_autofree char *b = NULL;
	gboolean is_null;
	gboolean more;
	gint64 one = 0;
	gint64 two = 0;

	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_name_is (scanner, "a"));
	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_read_int64 (scanner, &one, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_read_int64 (scanner, &two, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_name_is (scanner, "b"));
	g_assert_true (artemis_json_scanner_read_string (scanner, &b, &error));
	g_assert_true (artemis_json_scanner_next_member (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);

	g_assert_cmpint (one, ==, 1);
	g_assert_cmpint (two, ==, 2);
	g_assert_cmpstr (b, ==, "x");
	g_assert_cmpuint (artemis_json_scanner_get_offset (scanner), ==, strlen (json));
}

static char *
nested_arrays (guint depth)
{
	GString *json = g_string_new (NULL);
	guint i;

	for (i = 0; i < depth; i++)
		g_string_append_c (json, '[');
	for (i = 0; i < depth; i++)
		g_string_append_c (json, ']');

	return g_string_free (json, FALSE);
}

/* `{"a":[{"a":[...` with @depth containers in all. */
static char *
nested_mixed (guint depth)
{
	GString *json = g_string_new (NULL);
	guint i;

	for (i = 0; i < depth; i++)
		g_string_append (json, i % 2 == 0 ? "{\"a\":1,\"b\":" : "[true,\"s\",");
	g_string_append (json, "null");
	for (i = depth; i > 0; i--)
		g_string_append (json, (i - 1) % 2 == 0 ? ",\"c\":2}" : ",false]");

	return g_string_free (json, FALSE);
}

static void
test_scanner_skip (void)
{
	g_autofree char *arrays = nested_arrays (ARTEMIS_JSON_MAX_DEPTH);
	g_autofree char *mixed = nested_mixed (ARTEMIS_JSON_MAX_DEPTH);

	assert_skips ("1", -1);
	assert_skips ("-1.5e-3", -1);
	assert_skips ("\"a\\u00e9\\ud83d\\ude00\"", -1);
	assert_skips ("true", -1);
	assert_skips ("false", -1);
	assert_skips ("null", -1);
	assert_skips ("{}", -1);
	assert_skips ("[]", -1);
	assert_skips (" [ 1 , { \"a\" : [ ] } , \"x\" ] ", -1);
	assert_skips ("{\"a\":{\"b\":{\"c\":[1,2,[3,[4,{}]]]}},\"d\":null}", -1);
	assert_skips (arrays, -1);
	assert_skips (mixed, -1);
}

static void
test_scanner_skip_in_object (void)
{
	const char *json = "{\"skip\":{\"x\":[1,{\"y\":\"z\"}],\"w\":null},\"keep\":\"k\",\"tail\":"
			   "[[],[[]]]}";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	g_autofree char *keep = NULL;
	gboolean is_null;
	gboolean more;
	guint members = 0;

	g_assert_true (artemis_json_scanner_begin_object (scanner, &is_null, &error));
	while (artemis_json_scanner_next_member (scanner, &more, &error) && more) {
		members++;
		if (artemis_json_scanner_name_is (scanner, "keep"))
			g_assert_true (artemis_json_scanner_read_string (scanner, &keep, &error));
		else
			g_assert_true (artemis_json_scanner_skip_value (scanner, &error));
	}
	g_assert_no_error (error);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);

	g_assert_cmpuint (members, ==, 3);
	g_assert_cmpstr (keep, ==, "k");
}

static void
test_scanner_max_depth (void)
{
	g_autofree char *json = nested_arrays (ARTEMIS_JSON_MAX_DEPTH);
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	gboolean is_null;
	gboolean more;
	guint i;

	for (i = 0; i < ARTEMIS_JSON_MAX_DEPTH; i++) {
		if (i > 0) {
			g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
			g_assert_true (more);
		}
		g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
		g_assert_no_error (error);
	}
	for (i = 0; i < ARTEMIS_JSON_MAX_DEPTH; i++) {
		g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
		g_assert_false (more);
	}
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

static void
test_scanner_too_deep (void)
{
	g_autofree char *json = nested_arrays (ARTEMIS_JSON_MAX_DEPTH + 1);
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	gboolean is_null;
	gboolean more;
	guint i;

	for (i = 0; i < ARTEMIS_JSON_MAX_DEPTH; i++) {
		if (i > 0)
			g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
		g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	}
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (more);
	g_assert_false (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_DEPTH, ARTEMIS_JSON_MAX_DEPTH);
}

/* A TYPE error consumes nothing: the value can still be read another way. */
static void
test_scanner_type_error_recovery (void)
{
	const char *json = "[\"abc\",{\"k\":1},99999999999999999999,true]";
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;
	g_autofree char *abc = NULL;
	g_autofree char *big = NULL;
	gboolean is_null;
	gboolean more;
	gboolean flag = FALSE;
	gint64 value = -1;

	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (artemis_json_scanner_read_int64 (scanner, &value, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, 1);
	g_clear_error (&error);
	g_assert_cmpint (value, ==, -1);
	g_assert_cmpuint (artemis_json_scanner_get_offset (scanner), ==, 1);
	g_assert_false (artemis_json_scanner_read_bool (scanner, &flag, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, 1);
	g_clear_error (&error);
	g_assert_true (artemis_json_scanner_read_string (scanner, &abc, &error));
	g_assert_cmpstr (abc, ==, "abc");

	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (artemis_json_scanner_read_string (scanner, &big, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, 7);
	g_clear_error (&error);
	g_assert_null (big);
	g_assert_false (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, 7);
	g_clear_error (&error);
	g_assert_true (artemis_json_scanner_skip_value (scanner, &error));

	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (artemis_json_scanner_read_int64 (scanner, &value, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, 15);
	g_clear_error (&error);
	g_assert_true (artemis_json_scanner_read_string (scanner, &big, &error));
	g_assert_cmpstr (big, ==, "99999999999999999999");

	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (artemis_json_scanner_read_int64 (scanner, &value, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, 36);
	g_clear_error (&error);
	g_assert_true (artemis_json_scanner_read_bool (scanner, &flag, &error));
	g_assert_true (flag);

	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_false (more);
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

/* After a syntax error every call fails the same way. */
static void
test_scanner_error_is_final (void)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact ("[1,,2]", -1);
	g_autoptr (GError) error = NULL;
	ArtemisJsonToken token;
	gboolean is_null;
	gboolean more;
	gint64 value;

	g_assert_true (artemis_json_scanner_begin_array (scanner, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (artemis_json_scanner_read_int64 (scanner, &value, &error));
	g_assert_true (artemis_json_scanner_next_element (scanner, &more, &error));
	g_assert_true (more);
	g_assert_false (artemis_json_scanner_read_int64 (scanner, &value, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, 3);
	g_clear_error (&error);
	g_assert_cmpuint (artemis_json_scanner_get_offset (scanner), ==, 3);

	g_assert_false (artemis_json_scanner_peek (scanner, &token, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, 3);
	g_clear_error (&error);
	g_assert_false (artemis_json_scanner_skip_value (scanner, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, 3);
	g_clear_error (&error);
	g_assert_false (artemis_json_scanner_next_element (scanner, &more, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, 3);
	g_clear_error (&error);
	g_assert_false (artemis_json_scanner_finish (scanner, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, 3);
}

/* Scanner: typed readers on the wrong kind of value */

typedef enum {
	READ_STRING,
	READ_INT64,
	READ_BOOL,
	READ_OBJECT,
	READ_ARRAY,
} ReadKind;

typedef struct {
	const char *name;
	ReadKind kind;
	const char *json;
	gsize offset;
} TypeCase;

static const TypeCase type_cases[] = {
	{ "string/object", READ_STRING, "{}", 0 },
	{ "string/array", READ_STRING, " [1]", 1 },
	{ "int64/string", READ_INT64, "\"abc\"", 0 },
	{ "int64/empty-string", READ_INT64, "\"\"", 0 },
	{ "int64/minus-string", READ_INT64, "\"-\"", 0 },
	{ "int64/plus-string", READ_INT64, "\"+1\"", 0 },
	{ "int64/space-string", READ_INT64, "\" 1\"", 0 },
	{ "int64/trailing-space-string", READ_INT64, "\"1 \"", 0 },
	{ "int64/fraction-string", READ_INT64, "\"1.5\"", 0 },
	{ "int64/nul-string", READ_INT64, "\"1\\u00002\"", 0 },
	{ "int64/string-overflow", READ_INT64, "\"9223372036854775808\"", 0 },
	{ "int64/overflow", READ_INT64, "9223372036854775808", 0 },
	{ "int64/underflow", READ_INT64, "-9223372036854775809", 0 },
	{ "int64/huge", READ_INT64, "123456789012345678901234567890", 0 },
	{ "int64/float-overflow", READ_INT64, "9.3e18", 0 },
	{ "int64/float-underflow", READ_INT64, "-9.3e18", 0 },
	{ "int64/float-infinite", READ_INT64, "1e400", 0 },
	{ "int64/true", READ_INT64, "true", 0 },
	{ "int64/false", READ_INT64, "false", 0 },
	{ "int64/object", READ_INT64, "{\"a\":1}", 0 },
	{ "int64/array", READ_INT64, "[1]", 0 },
	{ "bool/number", READ_BOOL, "1", 0 },
	{ "bool/zero", READ_BOOL, "0", 0 },
	{ "bool/yes", READ_BOOL, "\"yes\"", 0 },
	{ "bool/empty", READ_BOOL, "\"\"", 0 },
	{ "bool/truex", READ_BOOL, "\"truex\"", 0 },
	{ "bool/object", READ_BOOL, "{}", 0 },
	{ "bool/array", READ_BOOL, "[]", 0 },
	{ "object/array", READ_OBJECT, "[]", 0 },
	{ "object/string", READ_OBJECT, "\"{}\"", 0 },
	{ "object/number", READ_OBJECT, "\t1", 1 },
	{ "object/true", READ_OBJECT, "true", 0 },
	{ "array/object", READ_ARRAY, "{}", 0 },
	{ "array/string", READ_ARRAY, "\"[]\"", 0 },
	{ "array/false", READ_ARRAY, "false", 0 },
};

static gboolean
read_as (ArtemisJsonScanner *scanner, ReadKind kind, GError **error)
{
	g_autofree char *string = NULL;
	gint64 number;
	gboolean flag;

	switch (kind) {
	case READ_STRING:
		return artemis_json_scanner_read_string (scanner, &string, error);
	case READ_INT64:
		return artemis_json_scanner_read_int64 (scanner, &number, error);
	case READ_BOOL:
		return artemis_json_scanner_read_bool (scanner, &flag, error);
	case READ_OBJECT:
		return artemis_json_scanner_begin_object (scanner, &flag, error);
	default:
		return artemis_json_scanner_begin_array (scanner, &flag, error);
	}
}

static void
test_scanner_type_error (gconstpointer data)
{
	const TypeCase *type_case = data;
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (type_case->json, -1);
	g_autoptr (GError) error = NULL;

	g_assert_false (read_as (scanner, type_case->kind, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, type_case->offset);
	g_clear_error (&error);

	/* Nothing was consumed: the value still skips, and the document is valid. */
	g_assert_cmpuint (artemis_json_scanner_get_offset (scanner), ==, type_case->offset);
	g_assert_true (artemis_json_scanner_skip_value (scanner, &error));
	g_assert_true (artemis_json_scanner_finish (scanner, &error));
	g_assert_no_error (error);
}

/* Scanner: malformed input, found by skip_value() + finish() */

typedef struct {
	const char *name;
	const char *json;
	gssize len; /* -1 for strlen() */
	ArtemisJsonFailure code;
	gsize offset;
} ErrorCase;

#define SYNTAX ARTEMIS_JSON_FAILURE_SYNTAX
#define ENCODING ARTEMIS_JSON_FAILURE_ENCODING

static const ErrorCase error_cases[] = {
	/* UTF-8 */
	{ "utf8/overlong-2", "\"\xc0\x80\"", -1, ENCODING, 1 },
	{ "utf8/overlong-2-c1", "\"\xc1\xbf\"", -1, ENCODING, 1 },
	{ "utf8/overlong-3", "\"\xe0\x80\x80\"", -1, ENCODING, 1 },
	{ "utf8/overlong-3-high", "\"\xe0\x9f\xbf\"", -1, ENCODING, 1 },
	{ "utf8/overlong-4", "\"\xf0\x80\x80\x80\"", -1, ENCODING, 1 },
	{ "utf8/overlong-4-high", "\"\xf0\x8f\xbf\xbf\"", -1, ENCODING, 1 },
	{ "utf8/surrogate-high", "\"\xed\xa0\x80\"", -1, ENCODING, 1 },
	{ "utf8/surrogate-low", "\"ab\xed\xbf\xbf\"", -1, ENCODING, 3 },
	{ "utf8/above-max", "\"\xf4\x90\x80\x80\"", -1, ENCODING, 1 },
	{ "utf8/f5", "\"\xf5\x80\x80\x80\"", -1, ENCODING, 1 },
	{ "utf8/f8", "\"\xf8\x88\x80\x80\x80\"", -1, ENCODING, 1 },
	{ "utf8/ff", "\"\xff\"", -1, ENCODING, 1 },
	{ "utf8/fe", "\"a\xfe\"", -1, ENCODING, 2 },
	{ "utf8/lone-continuation", "\"\x80\"", -1, ENCODING, 1 },
	{ "utf8/truncated-2", "\"\xc3\"", -1, ENCODING, 1 },
	{ "utf8/truncated-3", "\"\xe2\x82\"", -1, ENCODING, 1 },
	{ "utf8/truncated-4", "\"x\xf0\x9f\x98\"", -1, ENCODING, 2 },
	{ "utf8/truncated-at-end", "\"\xe2\x82", -1, ENCODING, 1 },
	{ "utf8/bad-continuation", "\"\xe2\x28\xa1\"", -1, ENCODING, 1 },
	{ "utf8/in-name", "{\"\xc0\xaf\":1}", -1, ENCODING, 2 },
	{ "utf8/outside-string", "[\xc3\xa9]", -1, SYNTAX, 1 },
	/* Escapes */
	{ "escape/unpaired-high", "\"\\uD800\"", -1, ENCODING, 1 },
	{ "escape/unpaired-high-end", "\"ab\\udbff\"", -1, ENCODING, 3 },
	{ "escape/lone-low", "\"\\uDC00\"", -1, ENCODING, 1 },
	{ "escape/high-then-text", "\"\\uD800x\"", -1, ENCODING, 1 },
	{ "escape/high-then-bmp", "\"\\uD800\\u0041\"", -1, ENCODING, 1 },
	{ "escape/high-then-high", "\"\\uD800\\uDBFF\"", -1, ENCODING, 1 },
	{ "escape/high-then-short", "\"\\uD800\\uDC0\"", -1, ENCODING, 1 },
	{ "escape/unknown", "\"\\x41\"", -1, ENCODING, 1 },
	{ "escape/uppercase-u", "\"\\U0041\"", -1, ENCODING, 1 },
	{ "escape/short-hex", "\"\\u12\"", -1, ENCODING, 1 },
	{ "escape/bad-hex", "\"a\\u12G4\"", -1, ENCODING, 2 },
	{ "escape/in-name", "{\"\\q\":1}", -1, ENCODING, 2 },
	{ "escape/unterminated", "\"\\", -1, SYNTAX, 2 },
	/* Strings */
	{ "string/control", "\"a\001b\"", -1, SYNTAX, 2 },
	{ "string/newline", "\"a\nb\"", -1, SYNTAX, 2 },
	{ "string/tab", "[\"\t\"]", -1, SYNTAX, 2 },
	{ "string/nul", "\"a\0b\"", 5, SYNTAX, 2 },
	{ "string/unterminated", "\"abc", -1, SYNTAX, 0 },
	{ "string/unterminated-value", "{\"a\":\"b", -1, SYNTAX, 5 },
	{ "string/unterminated-escaped-quote", "\"abc\\\"", -1, SYNTAX, 0 },
	{ "string/single-quotes", "'a'", -1, SYNTAX, 0 },
	/* Numbers */
	{ "number/leading-zero", "01", -1, SYNTAX, 0 },
	{ "number/leading-zeros", "[00]", -1, SYNTAX, 1 },
	{ "number/negative-leading-zero", "-01", -1, SYNTAX, 1 },
	{ "number/minus", "-", -1, SYNTAX, 1 },
	{ "number/minus-in-array", "[-]", -1, SYNTAX, 2 },
	{ "number/minus-letter", "-a", -1, SYNTAX, 1 },
	{ "number/dot-end", "1.", -1, SYNTAX, 2 },
	{ "number/dot-exponent", "1.e5", -1, SYNTAX, 2 },
	{ "number/leading-dot", ".5", -1, SYNTAX, 0 },
	{ "number/plus", "+1", -1, SYNTAX, 0 },
	{ "number/exponent-end", "1e", -1, SYNTAX, 2 },
	{ "number/exponent-sign-end", "1e+", -1, SYNTAX, 3 },
	{ "number/exponent-twice", "-1.5e3e", -1, SYNTAX, 6 },
	{ "number/letter", "[1x]", -1, SYNTAX, 2 },
	{ "number/hex", "0x10", -1, SYNTAX, 1 },
	{ "number/nan", "NaN", -1, SYNTAX, 0 },
	{ "number/infinity", "-Infinity", -1, SYNTAX, 1 },
	/* Literals and bare words */
	{ "word/bare", "foo", -1, SYNTAX, 0 },
	{ "word/in-object", "{\"a\":yes}", -1, SYNTAX, 5 },
	{ "word/short-null", "nul", -1, SYNTAX, 0 },
	{ "word/short-true", "[tru]", -1, SYNTAX, 1 },
	{ "word/capital", "True", -1, SYNTAX, 0 },
	{ "word/longer", "truex", -1, SYNTAX, 0 },
	{ "word/null-suffix", "[nullx]", -1, SYNTAX, 1 },
	{ "word/unquoted-name", "{a:1}", -1, SYNTAX, 1 },
	/* Arrays */
	{ "array/trailing-comma", "[1,]", -1, SYNTAX, 3 },
	{ "array/trailing-comma-space", "[1, ]", -1, SYNTAX, 4 },
	{ "array/leading-comma", "[,1]", -1, SYNTAX, 1 },
	{ "array/double-comma", "[1,,2]", -1, SYNTAX, 3 },
	{ "array/missing-comma", "[1 2]", -1, SYNTAX, 3 },
	{ "array/colon", "[\"a\":1]", -1, SYNTAX, 4 },
	{ "array/wrong-close", "[1}", -1, SYNTAX, 2 },
	{ "array/unterminated", "[1,2", -1, SYNTAX, 4 },
	{ "array/unterminated-empty", "[", -1, SYNTAX, 1 },
	{ "array/unterminated-comma", "[1,", -1, SYNTAX, 3 },
	/* Objects */
	{ "object/trailing-comma", "{\"a\":1,}", -1, SYNTAX, 7 },
	{ "object/trailing-comma-space", "{\"a\":1 , }", -1, SYNTAX, 9 },
	{ "object/leading-comma", "{,\"a\":1}", -1, SYNTAX, 1 },
	{ "object/double-comma", "{\"a\":1,,\"b\":2}", -1, SYNTAX, 7 },
	{ "object/missing-colon", "{\"a\" 1}", -1, SYNTAX, 5 },
	{ "object/missing-colon-close", "{\"a\"}", -1, SYNTAX, 4 },
	{ "object/missing-value", "{\"a\":}", -1, SYNTAX, 5 },
	{ "object/missing-comma", "{\"a\":1 \"b\":2}", -1, SYNTAX, 7 },
	{ "object/number-name", "{1:2}", -1, SYNTAX, 1 },
	{ "object/wrong-close", "{\"a\":1]", -1, SYNTAX, 6 },
	{ "object/unterminated", "{\"a\":1", -1, SYNTAX, 6 },
	{ "object/unterminated-empty", "{", -1, SYNTAX, 1 },
	{ "object/unterminated-name", "{\"a\"", -1, SYNTAX, 4 },
	{ "object/unterminated-colon", "{\"a\":", -1, SYNTAX, 5 },
	{ "object/unterminated-comma", "{\"a\":1,", -1, SYNTAX, 7 },
	/* Documents */
	{ "document/empty", "", 0, SYNTAX, 0 },
	{ "document/blank", " \n ", -1, SYNTAX, 3 },
	{ "document/garbage", "{} x", -1, SYNTAX, 3 },
	{ "document/two-values", "1 2", -1, SYNTAX, 2 },
	{ "document/extra-close", "{}}", -1, SYNTAX, 2 },
	{ "document/extra-array-close", "[1]]", -1, SYNTAX, 3 },
	{ "document/two-strings", "\"a\"\"b\"", -1, SYNTAX, 3 },
	{ "document/nul-after", "{}\0", 3, SYNTAX, 2 },
	{ "document/close-only", "]", -1, SYNTAX, 0 },
	{ "document/comment", "{}//", -1, SYNTAX, 2 },
	{ "document/bom", "\xef\xbb\xbf{}", -1, SYNTAX, 0 },
};

static void
test_scanner_error (gconstpointer data)
{
	const ErrorCase *error_case = data;
	g_autoptr (ArtemisJsonScanner) scanner
		= scanner_new_exact (error_case->json, error_case->len);
	g_autoptr (GError) error = NULL;

	g_assert_false (artemis_json_scanner_skip_value (scanner, &error)
			&& artemis_json_scanner_finish (scanner, &error));
	assert_json_error (scanner, error, error_case->code, error_case->offset);
}

static void
assert_too_deep (const char *json, gsize offset)
{
	g_autoptr (ArtemisJsonScanner) scanner = scanner_new_exact (json, -1);
	g_autoptr (GError) error = NULL;

	g_assert_false (artemis_json_scanner_skip_value (scanner, &error));
	assert_json_error (scanner, error, ARTEMIS_JSON_FAILURE_DEPTH, offset);
}

static void
test_scanner_depth_skip (void)
{
	g_autofree char *arrays = nested_arrays (ARTEMIS_JSON_MAX_DEPTH + 1);
	g_autofree char *mixed = nested_mixed (ARTEMIS_JSON_MAX_DEPTH + 1);
	g_autofree char *huge = nested_arrays (100000);
	g_autoptr (GString) objects = g_string_new (NULL);
	guint i;

	for (i = 0; i <= ARTEMIS_JSON_MAX_DEPTH; i++)
		g_string_append (objects, "{\"a\":");
	g_string_append (objects, "1");
	for (i = 0; i <= ARTEMIS_JSON_MAX_DEPTH; i++)
		g_string_append_c (objects, '}');

	assert_too_deep (arrays, ARTEMIS_JSON_MAX_DEPTH);
	assert_too_deep (objects->str, 5 * ARTEMIS_JSON_MAX_DEPTH);
	/* Each level of nested_mixed() alternates prefixes of 11 and 10 bytes. */
	assert_too_deep (mixed, 32 * 11 + 32 * 10);
	assert_too_deep (huge, ARTEMIS_JSON_MAX_DEPTH);
}

/* The typed readers find the same errors as skip_value(). */
static void
test_scanner_typed_errors (void)
{
	g_autoptr (ArtemisJsonScanner) trailing = scanner_new_exact ("{\"a\":1,}", -1);
	g_autoptr (ArtemisJsonScanner) utf8 = scanner_new_exact ("[\"ok\",\"\xed\xa0\x80\"]", -1);
	g_autoptr (ArtemisJsonScanner) number = scanner_new_exact ("{\"port\":01}", -1);
	g_autoptr (GError) error = NULL;
	g_autofree char *ok = NULL;
	char *bad = NULL;
	gboolean is_null;
	gboolean more;
	gint64 value;

	g_assert_true (artemis_json_scanner_begin_object (trailing, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (trailing, &more, &error));
	g_assert_true (artemis_json_scanner_read_int64 (trailing, &value, &error));
	g_assert_false (artemis_json_scanner_next_member (trailing, &more, &error));
	assert_json_error (trailing, error, ARTEMIS_JSON_FAILURE_SYNTAX, 7);
	g_clear_error (&error);

	g_assert_true (artemis_json_scanner_begin_array (utf8, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_element (utf8, &more, &error));
	g_assert_true (artemis_json_scanner_read_string (utf8, &ok, &error));
	g_assert_true (artemis_json_scanner_next_element (utf8, &more, &error));
	g_assert_false (artemis_json_scanner_read_string (utf8, &bad, &error));
	g_assert_null (bad);
	assert_json_error (utf8, error, ARTEMIS_JSON_FAILURE_ENCODING, 7);
	g_clear_error (&error);

	g_assert_true (artemis_json_scanner_begin_object (number, &is_null, &error));
	g_assert_true (artemis_json_scanner_next_member (number, &more, &error));
	g_assert_false (artemis_json_scanner_read_int64 (number, &value, &error));
	assert_json_error (number, error, ARTEMIS_JSON_FAILURE_SYNTAX, 8);
}

static void
add_table_tests (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (type_cases); i++) {
		g_autofree char *path = g_strdup_printf ("/artemis/json/scanner/type-error/%s",
							 type_cases[i].name);

		g_test_add_data_func (path, &type_cases[i], test_scanner_type_error);
	}

	for (i = 0; i < G_N_ELEMENTS (error_cases); i++) {
		g_autofree char *path
			= g_strdup_printf ("/artemis/json/scanner/error/%s", error_cases[i].name);

		g_test_add_data_func (path, &error_cases[i], test_scanner_error);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	g_test_add_func ("/artemis/json/writer/empty", test_writer_empty);
	g_test_add_func ("/artemis/json/writer/object", test_writer_object);
	g_test_add_func ("/artemis/json/writer/nested", test_writer_nested);
	g_test_add_func ("/artemis/json/writer/top-level-scalars", test_writer_top_level_scalars);
	g_test_add_func ("/artemis/json/writer/escaping", test_writer_escaping);
	g_test_add_func ("/artemis/json/writer/string-len", test_writer_string_len);
	g_test_add_func ("/artemis/json/writer/member-names", test_writer_member_names);
	g_test_add_func ("/artemis/json/writer/raw", test_writer_raw);
	g_test_add_func ("/artemis/json/writer/int-limits", test_writer_int_limits);
	g_test_add_func ("/artemis/json/writer/free-to", test_writer_free_to);
	g_test_add_func ("/artemis/json/writer/append-escaped", test_writer_append_escaped);
	g_test_add_func ("/artemis/json/writer/round-trip", test_writer_round_trip);

	g_test_add_func ("/artemis/json/scanner/tokens", test_scanner_tokens);
	g_test_add_func ("/artemis/json/scanner/peek-closing", test_scanner_peek_closing);
	g_test_add_func ("/artemis/json/scanner/register-request", test_scanner_register_request);
	g_test_add_func ("/artemis/json/scanner/names", test_scanner_names);
	g_test_add_func ("/artemis/json/scanner/escapes", test_scanner_escapes);
	g_test_add_func ("/artemis/json/scanner/string-positions", test_scanner_string_positions);
	g_test_add_func ("/artemis/json/scanner/coercion", test_scanner_coercion);
	g_test_add_func ("/artemis/json/scanner/string-in-containers",
			 test_scanner_string_in_containers);
	g_test_add_func ("/artemis/json/scanner/int64", test_scanner_int64);
	g_test_add_func ("/artemis/json/scanner/int64-fraction", test_scanner_int64_fraction);
	g_test_add_func ("/artemis/json/scanner/int64-string", test_scanner_int64_string);
	g_test_add_func ("/artemis/json/scanner/int", test_scanner_int);
	g_test_add_func ("/artemis/json/scanner/int-range", test_scanner_int_range);
	g_test_add_func ("/artemis/json/scanner/bool", test_scanner_bool);
	g_test_add_func ("/artemis/json/scanner/null-containers", test_scanner_null_containers);
	g_test_add_func ("/artemis/json/scanner/whitespace", test_scanner_whitespace);
	g_test_add_func ("/artemis/json/scanner/skip", test_scanner_skip);
	g_test_add_func ("/artemis/json/scanner/skip-in-object", test_scanner_skip_in_object);
	g_test_add_func ("/artemis/json/scanner/max-depth", test_scanner_max_depth);
	g_test_add_func ("/artemis/json/scanner/too-deep", test_scanner_too_deep);
	g_test_add_func ("/artemis/json/scanner/depth-skip", test_scanner_depth_skip);
	g_test_add_func ("/artemis/json/scanner/type-error-recovery",
			 test_scanner_type_error_recovery);
	g_test_add_func ("/artemis/json/scanner/error-is-final", test_scanner_error_is_final);
	g_test_add_func ("/artemis/json/scanner/typed-errors", test_scanner_typed_errors);
	add_table_tests ();

	return g_test_run ();
}
