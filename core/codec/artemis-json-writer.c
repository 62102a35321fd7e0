/* SPDX-License-Identifier: Apache-2.0 */

#include "artemis-json-writer.h"

#include <string.h>

struct _ArtemisJsonWriter {
	GString *out;
	/* Open containers, only for the g_return_if_fail() checks. */
	guint depth;
	/* Something was written at this level: the next member or value needs a comma. */
	gboolean need_comma;
	/* member() wrote a name: a value must follow. */
	gboolean want_value;
};

/*
 * For each byte, 0 to copy it as is, or the character after the backslash of
 * its escape ('u' for the `\u00XX` form). Jackson escapes nothing but these.
 */
/* clang-format off */
static const char escape_table[256] = {
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
	/* 0x60 to 0xFF: all zero */
};
/* clang-format on */

ArtemisJsonWriter *
artemis_json_writer_new (gsize reserve)
{
	ArtemisJsonWriter *writer = g_new0 (ArtemisJsonWriter, 1);

	writer->out = g_string_sized_new (reserve);
	return writer;
}

void
artemis_json_writer_free (ArtemisJsonWriter *writer)
{
	if (writer == NULL)
		return;

	g_string_free (writer->out, TRUE);
	g_free (writer);
}

GBytes *
artemis_json_writer_free_to_bytes (ArtemisJsonWriter *writer)
{
	GString *out;

	g_return_val_if_fail (writer != NULL, NULL);

	out = writer->out;
	g_free (writer);
	return g_string_free_to_bytes (out);
}

char *
artemis_json_writer_free_to_string (ArtemisJsonWriter *writer)
{
	GString *out;

	g_return_val_if_fail (writer != NULL, NULL);

	out = writer->out;
	g_free (writer);
	return g_string_free (out, FALSE);
}

const char *
artemis_json_writer_peek (ArtemisJsonWriter *writer, gsize *len)
{
	g_return_val_if_fail (writer != NULL, NULL);

	if (len != NULL)
		*len = writer->out->len;
	return writer->out->str;
}

static void
append_escape (GString *out, guchar c)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[6] = { '\\', escape_table[c], '0', '0', 0, 0 };

	if (buf[1] != 'u') {
		g_string_append_len (out, buf, 2);
		return;
	}

	buf[4] = hex[c >> 4];
	buf[5] = hex[c & 0xF];
	g_string_append_len (out, buf, 6);
}

/* Escapes the non-empty text [@p, @end), copying each run of plain bytes in one go. */
static void
append_escaped_text (GString *out, const guchar *p, const guchar *end)
{
	while (p < end) {
		const guchar *run = p;

		while (p < end && escape_table[*p] == 0)
			p++;
		g_string_append_len (out, (const char *) run, p - run);

		if (p < end)
			append_escape (out, *p++);
	}
}

void
artemis_json_append_escaped (GString *out, const char *value, gsize len)
{
	g_return_if_fail (out != NULL);
	g_return_if_fail (value != NULL || len == 0);

	g_string_append_c (out, '"');
	/* Only non-empty text is walked: NULL + 0 is undefined behaviour. */
	if (len > 0)
		append_escaped_text (out, (const guchar *) value, (const guchar *) value + len);
	g_string_append_c (out, '"');
}

/* Writes the comma before a value or member, when one is due. */
static void
writer_separate (ArtemisJsonWriter *writer)
{
	if (writer->need_comma)
		g_string_append_c (writer->out, ',');
}

/* Called before every value: inserts the comma unless it follows a member name. */
static void
writer_begin_value (ArtemisJsonWriter *writer)
{
	if (writer->want_value)
		writer->want_value = FALSE;
	else
		writer_separate (writer);
}

static void
writer_open (ArtemisJsonWriter *writer, char bracket)
{
	writer_begin_value (writer);
	g_string_append_c (writer->out, bracket);
	writer->depth++;
	writer->need_comma = FALSE;
}

static void
writer_close (ArtemisJsonWriter *writer, char bracket)
{
	g_return_if_fail (writer->depth > 0);
	g_return_if_fail (!writer->want_value);

	g_string_append_c (writer->out, bracket);
	writer->depth--;
	writer->need_comma = TRUE;
}

void
artemis_json_writer_begin_object (ArtemisJsonWriter *writer)
{
	g_return_if_fail (writer != NULL);

	writer_open (writer, '{');
}

void
artemis_json_writer_end_object (ArtemisJsonWriter *writer)
{
	g_return_if_fail (writer != NULL);

	writer_close (writer, '}');
}

void
artemis_json_writer_begin_array (ArtemisJsonWriter *writer)
{
	g_return_if_fail (writer != NULL);

	writer_open (writer, '[');
}

void
artemis_json_writer_end_array (ArtemisJsonWriter *writer)
{
	g_return_if_fail (writer != NULL);

	writer_close (writer, ']');
}

void
artemis_json_writer_member (ArtemisJsonWriter *writer, const char *name)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (name != NULL);
	g_return_if_fail (writer->depth > 0);
	g_return_if_fail (!writer->want_value);

	writer_separate (writer);
	artemis_json_append_escaped (writer->out, name, strlen (name));
	g_string_append_c (writer->out, ':');
	writer->want_value = TRUE;
}

/* Appends an already-encoded value. */
static void
writer_value (ArtemisJsonWriter *writer, const char *json, gsize len)
{
	writer_begin_value (writer);
	g_string_append_len (writer->out, json, len);
	writer->need_comma = TRUE;
}

void
artemis_json_writer_string_len (ArtemisJsonWriter *writer, const char *value, gsize len)
{
	g_return_if_fail (writer != NULL);

	if (value == NULL) {
		writer_value (writer, "null", 4);
		return;
	}

	writer_begin_value (writer);
	artemis_json_append_escaped (writer->out, value, len);
	writer->need_comma = TRUE;
}

void
artemis_json_writer_string (ArtemisJsonWriter *writer, const char *value)
{
	artemis_json_writer_string_len (writer, value, value != NULL ? strlen (value) : 0);
}

void
artemis_json_writer_int (ArtemisJsonWriter *writer, gint64 value)
{
	char buf[24];
	char *p = buf + sizeof buf;
	/* Negate unsigned, so G_MININT64 does not overflow. */
	guint64 magnitude = value < 0 ? 0 - (guint64) value : (guint64) value;

	g_return_if_fail (writer != NULL);

	do {
		*--p = (char) ('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude != 0);
	if (value < 0)
		*--p = '-';

	writer_value (writer, p, (gsize) (buf + sizeof buf - p));
}

void
artemis_json_writer_bool (ArtemisJsonWriter *writer, gboolean value)
{
	g_return_if_fail (writer != NULL);

	if (value)
		writer_value (writer, "true", 4);
	else
		writer_value (writer, "false", 5);
}

void
artemis_json_writer_null (ArtemisJsonWriter *writer)
{
	g_return_if_fail (writer != NULL);

	writer_value (writer, "null", 4);
}

void
artemis_json_writer_raw (ArtemisJsonWriter *writer, const char *json, gsize len)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (json != NULL && len > 0);

	writer_value (writer, json, len);
}

void
artemis_json_writer_member_string (ArtemisJsonWriter *writer, const char *name, const char *value)
{
	artemis_json_writer_member (writer, name);
	artemis_json_writer_string (writer, value);
}

void
artemis_json_writer_member_int (ArtemisJsonWriter *writer, const char *name, gint64 value)
{
	artemis_json_writer_member (writer, name);
	artemis_json_writer_int (writer, value);
}

void
artemis_json_writer_member_bool (ArtemisJsonWriter *writer, const char *name, gboolean value)
{
	artemis_json_writer_member (writer, name);
	artemis_json_writer_bool (writer, value);
}

void
artemis_json_writer_member_null (ArtemisJsonWriter *writer, const char *name)
{
	artemis_json_writer_member (writer, name);
	artemis_json_writer_null (writer);
}
