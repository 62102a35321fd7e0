/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "artemis-core.h"
#include "artemis-http-framing.h"

/* A chunk-size line with its extensions; real ones are a few bytes. */
#define MAX_CHUNK_LINE 4096
/* 15 hexadecimal digits: any larger chunk could not fit a body limit anyway. */
#define MAX_CHUNK_DIGITS 15

typedef enum {
	STATE_IDLE,
	STATE_REQUEST_LINE,
	STATE_HEADER_LINE,
	STATE_BODY,
	STATE_CHUNK_SIZE,
	STATE_CHUNK_DATA,
	STATE_CHUNK_END, /* the line end after chunk data */
	STATE_TRAILER_LINE,
	STATE_ANSWERING,
	STATE_UPGRADING,
} State;

struct _ArtemisHttpFraming {
	State state;
	gsize max_head_size;
	gsize head_size;
	GString *line;	   /* the line being read, without its end */
	guint64 remaining; /* bytes of the body or chunk still to come */
	/* What the head of the current request says. */
	gboolean is_get;
	gboolean upgrade;
	gboolean has_length;
	guint64 length;
	guint n_transfer_encodings;
	gboolean chunked;
};

ArtemisHttpFraming *
artemis_http_framing_new (gsize max_head_size)
{
	ArtemisHttpFraming *framing = g_new0 (ArtemisHttpFraming, 1);

	framing->max_head_size = max_head_size;
	framing->line = g_string_new (NULL);
	return framing;
}

void
artemis_http_framing_free (ArtemisHttpFraming *framing)
{
	if (framing == NULL)
		return;
	g_string_free (framing->line, TRUE);
	g_free (framing);
}

ArtemisHttpPhase
artemis_http_framing_get_phase (const ArtemisHttpFraming *framing)
{
	switch (framing->state) {
	case STATE_IDLE:
		return ARTEMIS_HTTP_PHASE_IDLE;
	case STATE_REQUEST_LINE:
	case STATE_HEADER_LINE:
		return ARTEMIS_HTTP_PHASE_HEAD;
	case STATE_ANSWERING:
		return ARTEMIS_HTTP_PHASE_ANSWERING;
	case STATE_UPGRADING:
		return ARTEMIS_HTTP_PHASE_UPGRADING;
	default:
		return ARTEMIS_HTTP_PHASE_BODY;
	}
}

void
artemis_http_framing_set_idle (ArtemisHttpFraming *framing)
{
	if (framing->state == STATE_ANSWERING)
		framing->state = STATE_IDLE;
}

static gboolean
refuse (guint *status, guint code, GError **error, const char *message)
{
	*status = code;
	g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, message);
	return FALSE;
}

static void
begin_request (ArtemisHttpFraming *framing)
{
	framing->state = STATE_REQUEST_LINE;
	framing->head_size = 0;
	framing->is_get = FALSE;
	framing->upgrade = FALSE;
	framing->has_length = FALSE;
	framing->length = 0;
	framing->n_transfer_encodings = 0;
	framing->chunked = FALSE;
}

/* RFC 9110 §5.6.2 token characters. */
static gboolean
is_tchar (char c)
{
	return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_token (const char *text, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if (!is_tchar (text[i]))
			return FALSE;
	}
	return len > 0;
}

/* 1*DIGIT, nothing else: a list or a sign is as ambiguous as two values. */
static gboolean
parse_length (const char *value, guint64 *length)
{
	guint64 result = 0;

	if (*value == '\0' || strlen (value) > 18)
		return FALSE;
	for (const char *p = value; *p != '\0'; p++) {
		if (!g_ascii_isdigit (*p))
			return FALSE;
		result = result * 10 + (*p - '0');
	}
	*length = result;
	return TRUE;
}

/* A field line `name: value` of the head or the trailers; the value is trimmed in place. */
static gboolean
split_field (char *line, char **value, guint *status, GError **error)
{
	char *colon = strchr (line, ':');

	if (*line == ' ' || *line == '\t')
		return refuse (status, 400, error, _("Obsolete line folding in a header is not accepted."));
	/* A space before the colon (`Transfer-Encoding :`) makes the name invalid, as it must (RFC 9112 §5.1). */
	if (colon == NULL || !is_token (line, colon - line))
		return refuse (status, 400, error, _("Malformed header line."));
	*colon = '\0';
	*value = g_strstrip (colon + 1);
	return TRUE;
}

static gboolean
header_line (ArtemisHttpFraming *framing, char *line, guint *status, GError **error)
{
	char *value;
	guint64 length;

	if (!split_field (line, &value, status, error))
		return FALSE;
	if (g_ascii_strcasecmp (line, "Content-Length") == 0) {
		if (!parse_length (value, &length))
			return refuse (status, 400, error, _("Malformed Content-Length."));
		if (framing->has_length && length != framing->length)
			return refuse (status, 400, error, _("Two different Content-Length values."));
		framing->has_length = TRUE;
		framing->length = length;
	} else if (g_ascii_strcasecmp (line, "Transfer-Encoding") == 0) {
		if (*value == '\0')
			return refuse (status, 400, error, _("Empty Transfer-Encoding."));
		framing->n_transfer_encodings++;
		framing->chunked = g_ascii_strcasecmp (value, "chunked") == 0;
	} else if (g_ascii_strcasecmp (line, "Upgrade") == 0) {
		framing->upgrade = TRUE;
	}
	return TRUE;
}

static void
end_request (ArtemisHttpFraming *framing)
{
	framing->state = framing->is_get && framing->upgrade ? STATE_UPGRADING : STATE_ANSWERING;
}

static gboolean
end_head (ArtemisHttpFraming *framing, guint *status, GError **error)
{
	if (framing->n_transfer_encodings > 0 && framing->has_length)
		return refuse (status, 400, error, _("Both Content-Length and Transfer-Encoding."));
	if (framing->n_transfer_encodings > 1 || (framing->n_transfer_encodings == 1 && !framing->chunked))
		return refuse (status, 501, error, _("Transfer-Encoding other than chunked is not supported."));
	if (framing->chunked)
		framing->state = STATE_CHUNK_SIZE;
	else if (framing->length == 0)
		end_request (framing);
	else
		framing->state = STATE_BODY;
	framing->remaining = framing->length;
	return TRUE;
}

/* 1*HEXDIG, then nothing or extensions after `;` (RFC 9112 §7.1). */
static gboolean
chunk_size_line (ArtemisHttpFraming *framing, const char *line, guint *status, GError **error)
{
	guint64 size = 0;
	gsize digits = 0;
	const char *rest;

	while (g_ascii_isxdigit (line[digits])) {
		size = size * 16 + g_ascii_xdigit_value (line[digits]);
		if (++digits > MAX_CHUNK_DIGITS)
			return refuse (status, 400, error, _("Chunk size too large."));
	}
	rest = line + digits;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (digits == 0 || (*rest != '\0' && *rest != ';'))
		return refuse (status, 400, error, _("Malformed chunk size."));
	framing->state = size > 0 ? STATE_CHUNK_DATA : STATE_TRAILER_LINE;
	framing->remaining = size;
	return TRUE;
}

static gboolean
trailer_line (ArtemisHttpFraming *framing, char *line, guint *status, GError **error)
{
	char *value;

	if (*line == '\0') {
		end_request (framing);
		return TRUE;
	}
	return split_field (line, &value, status, error);
}

static gboolean
complete_line (ArtemisHttpFraming *framing, guint *status, GError **error)
{
	char *line = framing->line->str;

	if (framing->line->len > 0 && line[framing->line->len - 1] == '\r')
		g_string_truncate (framing->line, framing->line->len - 1);
	if (strchr (line, '\r') != NULL || strlen (line) != framing->line->len)
		return refuse (status, 400, error, _("Stray CR or NUL in a request line."));
	switch (framing->state) {
	case STATE_REQUEST_LINE:
		/* Empty lines before a request line are ignored (RFC 9112 §2.2). */
		if (*line != '\0') {
			framing->is_get = g_str_has_prefix (line, "GET ");
			framing->state = STATE_HEADER_LINE;
		}
		return TRUE;
	case STATE_HEADER_LINE:
		return *line == '\0' ? end_head (framing, status, error) : header_line (framing, line, status, error);
	case STATE_CHUNK_SIZE:
		return chunk_size_line (framing, line, status, error);
	case STATE_TRAILER_LINE:
		return trailer_line (framing, line, status, error);
	default:
		g_assert_not_reached ();
	}
}

/* Appends line bytes from @data, *@used of them; FALSE with @error when the line is bad. */
static gboolean
scan_line (ArtemisHttpFraming *framing, const guint8 *data, gsize len, gsize *used, guint *status, GError **error)
{
	const guint8 *end = memchr (data, '\n', len);
	gboolean in_head = framing->state != STATE_CHUNK_SIZE;

	*used = end != NULL ? (gsize) (end - data) + 1 : len;
	framing->head_size += *used;
	if (in_head && framing->head_size > framing->max_head_size)
		return refuse (status, 431, error, _("Request header fields too large."));
	if (!in_head && framing->line->len + *used > MAX_CHUNK_LINE)
		return refuse (status, 400, error, _("Malformed chunk size."));
	g_string_append_len (framing->line, (const char *) data, end != NULL ? *used - 1 : *used);
	if (end == NULL)
		return TRUE;
	if (!complete_line (framing, status, error))
		return FALSE;
	g_string_truncate (framing->line, 0);
	return TRUE;
}

/* The line end after chunk data: CRLF, or a bare LF as libsoup accepts. */
static gboolean
scan_chunk_end (ArtemisHttpFraming *framing, guint8 byte, guint *status, GError **error)
{
	if (byte == '\r' && framing->line->len == 0) {
		g_string_append_c (framing->line, '\r');
		return TRUE;
	}
	if (byte != '\n')
		return refuse (status, 400, error, _("Chunk data longer than its size."));
	g_string_truncate (framing->line, 0);
	framing->state = STATE_CHUNK_SIZE;
	return TRUE;
}

static gsize
skip_content (ArtemisHttpFraming *framing, gsize len)
{
	gsize used = MIN (len, framing->remaining);

	framing->remaining -= used;
	if (framing->remaining > 0)
		return used;
	if (framing->state == STATE_CHUNK_DATA)
		framing->state = STATE_CHUNK_END;
	else
		end_request (framing);
	return used;
}

gboolean
artemis_http_framing_scan (ArtemisHttpFraming *framing, const guint8 *data, gsize len, guint *status, GError **error)
{
	gsize pos = 0;

	while (pos < len) {
		gsize used = 1;

		switch (framing->state) {
		case STATE_UPGRADING:
			/* Another protocol from here on, or nothing: not HTTP to check. */
			return TRUE;
		case STATE_IDLE:
		case STATE_ANSWERING:
			begin_request (framing);
			continue;
		case STATE_BODY:
		case STATE_CHUNK_DATA:
			used = skip_content (framing, len - pos);
			break;
		case STATE_CHUNK_END:
			if (!scan_chunk_end (framing, data[pos], status, error))
				return FALSE;
			break;
		default:
			if (!scan_line (framing, data + pos, len - pos, &used, status, error))
				return FALSE;
			break;
		}
		pos += used;
	}
	return TRUE;
}
