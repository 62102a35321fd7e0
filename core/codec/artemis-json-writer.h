/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ArtemisJsonWriter:
 *
 * Appends compact JSON to a #GString, writing exactly what Java Artemis
 * (Jackson 2.9) writes: no whitespace, members in the order the caller
 * gives them, %NULL strings as `null`, and Jackson's escaping — `"` and `\`
 * and control characters below U+0020 escaped (`\n`, `\t`, `\r`, `\b`, `\f`
 * short forms, `\u00XX` otherwise), everything else (including `/` and
 * non-ASCII) copied as UTF-8.
 *
 * Commas are inserted automatically. The writer trusts its caller for
 * structure (it does not validate nesting beyond g_return_if_fail() checks)
 * because it only ever encodes the daemon's own data.
 */
typedef struct _ArtemisJsonWriter ArtemisJsonWriter;

ArtemisJsonWriter *artemis_json_writer_new (gsize reserve);
void artemis_json_writer_free (ArtemisJsonWriter *writer);
/* Takes the text written so far and frees @writer. */
GBytes *artemis_json_writer_free_to_bytes (ArtemisJsonWriter *writer);
char *artemis_json_writer_free_to_string (ArtemisJsonWriter *writer);
/* The text written so far (owned by @writer). */
const char *artemis_json_writer_peek (ArtemisJsonWriter *writer, gsize *len);

void artemis_json_writer_begin_object (ArtemisJsonWriter *writer);
void artemis_json_writer_end_object (ArtemisJsonWriter *writer);
void artemis_json_writer_begin_array (ArtemisJsonWriter *writer);
void artemis_json_writer_end_array (ArtemisJsonWriter *writer);
/* Writes `"name":` (with a leading comma when needed); a value call follows. */
void artemis_json_writer_member (ArtemisJsonWriter *writer, const char *name);

void artemis_json_writer_string (ArtemisJsonWriter *writer, const char *value);
void artemis_json_writer_string_len (ArtemisJsonWriter *writer, const char *value, gsize len);
void artemis_json_writer_int (ArtemisJsonWriter *writer, gint64 value);
void artemis_json_writer_bool (ArtemisJsonWriter *writer, gboolean value);
void artemis_json_writer_null (ArtemisJsonWriter *writer);
/* Inserts already-encoded JSON @json as one value (e.g. a cached encoding). */
void artemis_json_writer_raw (ArtemisJsonWriter *writer, const char *json, gsize len);

/* Shorthands: member + value. */
void artemis_json_writer_member_string (ArtemisJsonWriter *writer, const char *name, const char *value);
void artemis_json_writer_member_int (ArtemisJsonWriter *writer, const char *name, gint64 value);
void artemis_json_writer_member_bool (ArtemisJsonWriter *writer, const char *name, gboolean value);
void artemis_json_writer_member_null (ArtemisJsonWriter *writer, const char *name);

/* Appends @value to @out as a JSON string literal (quotes included). */
void artemis_json_append_escaped (GString *out, const char *value, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisJsonWriter, artemis_json_writer_free)

G_END_DECLS
