/* SPDX-License-Identifier: Apache-2.0 */

#include "artemis-error.h"
#include "artemis-json-scanner.h"

#include <string.h>

/*
 * Error model: SYNTAX, ENCODING and DEPTH errors stop the scanner (every later
 * call fails with the same code), since the position inside the broken text
 * means nothing. TYPE errors consume nothing: the scanner stays on the
 * offending value, so the caller may still skip_value() it.
 */

/* clang-format off */
/* clang-format on */

/* Bits of one frame of the container stack. */
enum {
	FRAME_ARRAY = 1 << 0,	/* else an object */
	FRAME_STARTED = 1 << 1, /* a member or element was seen: a comma is due */
};

struct _ArtemisJsonScanner {
	const guchar *data;
	gsize len;
	gsize pos;

	guint8 frames[ARTEMIS_JSON_MAX_DEPTH];
	guint depth;
	/* A value comes next: at the start, or after next_member()/next_element(). */
	gboolean want_value;

	gboolean failed;
	ArtemisJsonFailure failed_code; /* what stopped the scanner */
	ArtemisJsonFailure last_failure;

	/* The current member name: points into data, or into name_buf once unescaped. */
	const char *name;
	gsize name_len;
	gboolean name_in_buf;
	GString *name_buf;
	/* For unescaping values and NUL-terminating numbers. */
	GString *scratch;
};

/* Byte classes inside a string literal. */
enum {
	BYTE_PLAIN,
	BYTE_QUOTE,
	BYTE_BACKSLASH,
	BYTE_CONTROL,
	BYTE_HIGH, /* >= 0x80: a UTF-8 sequence to validate */
};

/* clang-format off */
static const guint8 string_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 0x00 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, /* 0x50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x70 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0x80 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0x90 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0xA0 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0xB0 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0xC0 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0xD0 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0xE0 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0xF0 */
};
/* clang-format on */

typedef enum {
	INT_OK,
	INT_MALFORMED,
	INT_OUT_OF_RANGE,
} IntParse;

ArtemisJsonScanner *
artemis_json_scanner_new (const char *data, gsize len)
{
	ArtemisJsonScanner *scanner;

	g_return_val_if_fail (data != NULL || len == 0, NULL);

	scanner = g_new0 (ArtemisJsonScanner, 1);
	scanner->data = (const guchar *) data;
	scanner->len = len;
	scanner->want_value = TRUE;
	scanner->name_buf = g_string_sized_new (64);
	scanner->scratch = g_string_sized_new (64);

	return scanner;
}

void
artemis_json_scanner_free (ArtemisJsonScanner *scanner)
{
	if (scanner == NULL)
		return;

	g_string_free (scanner->name_buf, TRUE);
	g_string_free (scanner->scratch, TRUE);
	g_free (scanner);
}

static gboolean scanner_fail (ArtemisJsonScanner *scanner, GError **error, ArtemisJsonFailure code,
			      gsize offset, const char *format, ...) G_GNUC_PRINTF (5, 6);

/* Reports an error at byte @offset; all but TYPE errors stop the scanner there. */
static gboolean
scanner_fail (ArtemisJsonScanner *scanner, GError **error, ArtemisJsonFailure code, gsize offset,
	      const char *format, ...)
{
	g_autofree char *what = NULL;
	va_list args;

	va_start (args, format);
	what = g_strdup_vprintf (format, args);
	va_end (args);

	scanner->last_failure = code;
	if (code == ARTEMIS_JSON_FAILURE_TYPE) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
			     "Invalid value at byte %" G_GSIZE_FORMAT ": %s", offset, what);
		return FALSE;
	}

	scanner->failed = TRUE;
	scanner->failed_code = code;
	scanner->pos = MIN (offset, scanner->len);
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
		     "Invalid JSON at byte %" G_GSIZE_FORMAT ": %s", offset, what);
	return FALSE;
}

static gboolean
scanner_check_usable (ArtemisJsonScanner *scanner, GError **error)
{
	if (G_LIKELY (!scanner->failed))
		return TRUE;

	scanner->last_failure = scanner->failed_code;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST,
		     "Invalid JSON at byte %" G_GSIZE_FORMAT ": stopped at an earlier error",
		     scanner->pos);
	return FALSE;
}

static gboolean
scanner_fail_unexpected (ArtemisJsonScanner *scanner, GError **error, gsize offset)
{
	guchar c = scanner->data[offset];

	if (c >= 0x20 && c < 0x7F)
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, offset,
				     "unexpected character '%c'", c);

	return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, offset,
			     "unexpected byte 0x%02X", c);
}

static gboolean
scanner_fail_eof (ArtemisJsonScanner *scanner, GError **error, const char *what)
{
	return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->len,
			     "unexpected end of input, %s", what);
}

static inline void
scanner_skip_whitespace (ArtemisJsonScanner *scanner)
{
	while (scanner->pos < scanner->len) {
		guchar c = scanner->data[scanner->pos];

		if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
			break;
		scanner->pos++;
	}
}

static inline gboolean
is_delimiter (guchar c)
{
	return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline gboolean
is_digit (guchar c)
{
	return c >= '0' && c <= '9';
}

/* Marks the current value as read; at depth 0 that completes the document. */
static inline void
scanner_value_done (ArtemisJsonScanner *scanner)
{
	scanner->want_value = FALSE;
}

/* Length of the valid UTF-8 sequence starting at @p (a byte >= 0x80), or 0 (RFC 3629 §4). */
static gsize
utf8_sequence_length (const guchar *p, const guchar *end)
{
	guchar lead = p[0];
	guchar low = 0x80;
	guchar high = 0xBF;
	gsize n;
	gsize i;

	if (lead >= 0xC2 && lead <= 0xDF) {
		n = 2;
	} else if (lead >= 0xE0 && lead <= 0xEF) {
		n = 3;
		/* Excludes overlong forms (E0) and UTF-16 surrogates (ED). */
		if (lead == 0xE0)
			low = 0xA0;
		else if (lead == 0xED)
			high = 0x9F;
	} else if (lead >= 0xF0 && lead <= 0xF4) {
		n = 4;
		/* Excludes overlong forms (F0) and code points above U+10FFFF (F4). */
		if (lead == 0xF0)
			low = 0x90;
		else if (lead == 0xF4)
			high = 0x8F;
	} else {
		return 0;
	}

	if ((gsize) (end - p) < n || p[1] < low || p[1] > high)
		return 0;
	for (i = 2; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	}

	return n;
}

static gint
hex_value (guchar c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the four hex digits of a `\u` escape at @p; FALSE if there are not four. */
static gboolean
read_hex4 (const guchar *p, const guchar *end, gunichar *code)
{
	gunichar value = 0;
	gsize i;

	if ((gsize) (end - p) < 4)
		return FALSE;

	for (i = 0; i < 4; i++) {
		gint digit = hex_value (p[i]);

		if (digit < 0)
			return FALSE;
		value = (value << 4) | (gunichar) digit;
	}

	*code = value;
	return TRUE;
}

static inline gboolean
is_high_surrogate (gunichar c)
{
	return c >= 0xD800 && c <= 0xDBFF;
}

static inline gboolean
is_low_surrogate (gunichar c)
{
	return c >= 0xDC00 && c <= 0xDFFF;
}

/* Validates the `\u` escape at @p, pairing surrogates; returns its length or 0. */
static gsize
unicode_escape_length (const guchar *p, const guchar *end)
{
	gunichar high;
	gunichar low;

	if (!read_hex4 (p + 2, end, &high) || is_low_surrogate (high))
		return 0;
	if (!is_high_surrogate (high))
		return 6;

	if ((gsize) (end - p) < 12 || p[6] != '\\' || p[7] != 'u' || !read_hex4 (p + 8, end, &low)
	    || !is_low_surrogate (low))
		return 0;

	return 12;
}

/* Validates the escape at *@p (a backslash) and moves past it. */
static gboolean
scanner_lex_escape (ArtemisJsonScanner *scanner, const guchar **p, const guchar *end,
		    GError **error)
{
	const guchar *at = *p;
	gsize offset = (gsize) (at - scanner->data);
	gsize n;

	if (end - at < 2)
		return scanner_fail_eof (scanner, error, "unterminated string");

	switch (at[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		*p = at + 2;
		return TRUE;
	case 'u':
		n = unicode_escape_length (at, end);
		if (n == 0)
			return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_ENCODING, offset,
					     "invalid \\u escape or unpaired surrogate");
		*p = at + n;
		return TRUE;
	default:
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_ENCODING, offset,
				     "invalid escape sequence");
	}
}

/* Whether any of the 8 bytes in @v is a quote, a backslash, a control character or >= 0x80. */
static inline gboolean
word_has_special (guint64 v)
{
	const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
	const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
	guint64 quote = v ^ (ones * '"');
	guint64 backslash = v ^ (ones * '\\');

	/* The classic "has zero byte" / "has byte less than n" tests: never a false negative. */
	guint64 found = ((v - ones * 0x20) & ~v) | ((quote - ones) & ~quote)
			| ((backslash - ones) & ~backslash) | v;

	/* Compare, not truncate: the flag bits may all be in the upper half. */
	return (found & highs) != 0;
}

/* Returns the first byte from @p on that is not plain ASCII string content. */
static inline const guchar *
skip_plain (const guchar *p, const guchar *end)
{
	guint64 word;

	while (end - p >= 8) {
		memcpy (&word, p, sizeof word);
		if (word_has_special (word))
			break;
		p += 8;
	}
	while (p < end && string_class[*p] == BYTE_PLAIN)
		p++;

	return p;
}

/*
 * Validates the string literal at the current position (its opening quote) and
 * moves past it. *@text and *@text_len give the raw bytes between the quotes and
 * *@escaped whether they need unescape().
 */
static gboolean
scanner_lex_string (ArtemisJsonScanner *scanner, const guchar **text, gsize *text_len,
		    gboolean *escaped, GError **error)
{
	const guchar *start = scanner->data + scanner->pos + 1;
	const guchar *end = scanner->data + scanner->len;
	const guchar *p = start;
	gsize n;

	*escaped = FALSE;

	for (;;) {
		/* The hot loop: plain ASCII needs no work at all. */
		p = skip_plain (p, end);

		if (p >= end)
			return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX,
					     scanner->pos, "unterminated string");

		switch (string_class[*p]) {
		case BYTE_QUOTE:
			*text = start;
			*text_len = (gsize) (p - start);
			scanner->pos = (gsize) (p + 1 - scanner->data);
			return TRUE;
		case BYTE_BACKSLASH:
			*escaped = TRUE;
			if (!scanner_lex_escape (scanner, &p, end, error))
				return FALSE;
			break;
		case BYTE_CONTROL:
			return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX,
					     (gsize) (p - scanner->data),
					     "control character 0x%02X in string", *p);
		default:
			n = utf8_sequence_length (p, end);
			if (n == 0)
				return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_ENCODING,
						     (gsize) (p - scanner->data), "invalid UTF-8");
			p += n;
			break;
		}
	}
}

/* Decodes the escape at @p (already validated) into @out; returns its length. */
static gsize
append_unescaped (GString *out, const guchar *p)
{
	gunichar code = 0;
	gunichar low = 0;

	switch (p[1]) {
	case 'b':
		g_string_append_c (out, '\b');
		return 2;
	case 'f':
		g_string_append_c (out, '\f');
		return 2;
	case 'n':
		g_string_append_c (out, '\n');
		return 2;
	case 'r':
		g_string_append_c (out, '\r');
		return 2;
	case 't':
		g_string_append_c (out, '\t');
		return 2;
	case 'u':
		read_hex4 (p + 2, p + 6, &code);
		if (!is_high_surrogate (code)) {
			g_string_append_unichar (out, code);
			return 6;
		}
		read_hex4 (p + 8, p + 12, &low);
		g_string_append_unichar (out, 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
		return 12;
	default: /* '"', '\\' and '/' stand for themselves */
		g_string_append_c (out, (char) p[1]);
		return 2;
	}
}

/* Decodes string text that scanner_lex_string() validated into @out. */
static void
unescape (GString *out, const guchar *text, gsize text_len)
{
	const guchar *p = text;
	const guchar *end = text + text_len;

	g_string_truncate (out, 0);
	while (p < end) {
		const guchar *backslash = memchr (p, '\\', (gsize) (end - p));

		if (backslash == NULL) {
			g_string_append_len (out, (const char *) p, end - p);
			break;
		}
		g_string_append_len (out, (const char *) p, backslash - p);
		p = backslash + append_unescaped (out, backslash);
	}
}

/*
 * Validates the number at the current position and moves past it; *@integer
 * tells whether it has neither fraction nor exponent.
 */
static gboolean
scanner_lex_number (ArtemisJsonScanner *scanner, const guchar **text, gsize *text_len,
		    gboolean *integer, GError **error)
{
	const guchar *start = scanner->data + scanner->pos;
	const guchar *end = scanner->data + scanner->len;
	const guchar *p = start;

	*integer = TRUE;

	if (*p == '-')
		p++;
	if (p >= end || !is_digit (*p))
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX,
				     (gsize) (p - scanner->data), "expected a digit after '-'");
	if (*p == '0') {
		p++;
		if (p < end && is_digit (*p))
			return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX,
					     (gsize) (p - 1 - scanner->data),
					     "leading zeros are not allowed");
	} else {
		while (p < end && is_digit (*p))
			p++;
	}

	if (p < end && *p == '.') {
		*integer = FALSE;
		p++;
		if (p >= end || !is_digit (*p))
			return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX,
					     (gsize) (p - scanner->data),
					     "expected a digit after '.'");
		while (p < end && is_digit (*p))
			p++;
	}

	if (p < end && (*p == 'e' || *p == 'E')) {
		*integer = FALSE;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit (*p))
			return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX,
					     (gsize) (p - scanner->data),
					     "expected a digit in the exponent");
		while (p < end && is_digit (*p))
			p++;
	}

	if (p < end && !is_delimiter (*p))
		return scanner_fail_unexpected (scanner, error, (gsize) (p - scanner->data));

	*text = start;
	*text_len = (gsize) (p - start);
	scanner->pos = (gsize) (p - scanner->data);
	return TRUE;
}

/* Checks that @word (true, false or null) is at the current position. */
static gboolean
scanner_check_literal (ArtemisJsonScanner *scanner, const char *word, gsize word_len,
		       GError **error)
{
	gsize rest = scanner->len - scanner->pos;
	const guchar *p = scanner->data + scanner->pos;

	if (rest < word_len || memcmp (p, word, word_len) != 0
	    || (rest > word_len && !is_delimiter (p[word_len])))
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "invalid literal, expected '%s'", word);

	return TRUE;
}

/* Classifies the token at the current position (after whitespace) without consuming it. */
static gboolean
scanner_classify (ArtemisJsonScanner *scanner, ArtemisJsonToken *token, GError **error)
{
	scanner_skip_whitespace (scanner);
	if (scanner->pos >= scanner->len) {
		*token = ARTEMIS_JSON_TOKEN_EOF;
		return TRUE;
	}

	switch (scanner->data[scanner->pos]) {
	case '{':
		*token = ARTEMIS_JSON_TOKEN_BEGIN_OBJECT;
		return TRUE;
	case '}':
		*token = ARTEMIS_JSON_TOKEN_END_OBJECT;
		return TRUE;
	case '[':
		*token = ARTEMIS_JSON_TOKEN_BEGIN_ARRAY;
		return TRUE;
	case ']':
		*token = ARTEMIS_JSON_TOKEN_END_ARRAY;
		return TRUE;
	case '"':
		*token = ARTEMIS_JSON_TOKEN_STRING;
		return TRUE;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		*token = ARTEMIS_JSON_TOKEN_NUMBER;
		return TRUE;
	case 't':
		*token = ARTEMIS_JSON_TOKEN_TRUE;
		return scanner_check_literal (scanner, "true", 4, error);
	case 'f':
		*token = ARTEMIS_JSON_TOKEN_FALSE;
		return scanner_check_literal (scanner, "false", 5, error);
	case 'n':
		*token = ARTEMIS_JSON_TOKEN_NULL;
		return scanner_check_literal (scanner, "null", 4, error);
	default:
		return scanner_fail_unexpected (scanner, error, scanner->pos);
	}
}

/* Finds the start of the value due next: a value token, never EOF or a closing bracket. */
static gboolean
scanner_value_start (ArtemisJsonScanner *scanner, ArtemisJsonToken *token, GError **error)
{
	if (!scanner_classify (scanner, token, error))
		return FALSE;

	switch (*token) {
	case ARTEMIS_JSON_TOKEN_EOF:
		return scanner_fail_eof (scanner, error, "expected a value");
	case ARTEMIS_JSON_TOKEN_END_OBJECT:
	case ARTEMIS_JSON_TOKEN_END_ARRAY:
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "expected a value");
	default:
		return TRUE;
	}
}

static const char *
token_description (ArtemisJsonToken token)
{
	switch (token) {
	case ARTEMIS_JSON_TOKEN_BEGIN_OBJECT:
		return "an object";
	case ARTEMIS_JSON_TOKEN_BEGIN_ARRAY:
		return "an array";
	case ARTEMIS_JSON_TOKEN_STRING:
		return "a string";
	case ARTEMIS_JSON_TOKEN_NUMBER:
		return "a number";
	case ARTEMIS_JSON_TOKEN_TRUE:
	case ARTEMIS_JSON_TOKEN_FALSE:
		return "a boolean";
	case ARTEMIS_JSON_TOKEN_NULL:
		return "null";
	default:
		return "the end of a container";
	}
}

static gboolean
scanner_fail_type (ArtemisJsonScanner *scanner, GError **error, const char *expected,
		   ArtemisJsonToken found)
{
	return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, scanner->pos,
			     "expected %s, found %s", expected, token_description (found));
}

/* Common entry of the value readers: caller checks, then the value's first token. */
static gboolean
scanner_begin_read (ArtemisJsonScanner *scanner, ArtemisJsonToken *token, GError **error)
{
	if (!scanner_check_usable (scanner, error))
		return FALSE;

	g_return_val_if_fail (scanner->want_value, FALSE);

	return scanner_value_start (scanner, token, error);
}

gboolean
artemis_json_scanner_peek (ArtemisJsonScanner *scanner, ArtemisJsonToken *token, GError **error)
{
	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (token != NULL, FALSE);

	if (!scanner_check_usable (scanner, error))
		return FALSE;

	/* Between members or elements the next byte is a separator, not a value. */
	g_return_val_if_fail (scanner->want_value || scanner->depth == 0, FALSE);

	if (!scanner->want_value) {
		scanner_skip_whitespace (scanner);
		if (scanner->pos < scanner->len)
			return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX,
					     scanner->pos,
					     "unexpected data after the top-level value");
		*token = ARTEMIS_JSON_TOKEN_EOF;
		return TRUE;
	}

	return scanner_classify (scanner, token, error);
}

static gboolean
scanner_push (ArtemisJsonScanner *scanner, guint8 kind, GError **error)
{
	if (scanner->depth >= ARTEMIS_JSON_MAX_DEPTH)
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_DEPTH, scanner->pos,
				     "nesting deeper than %d levels", ARTEMIS_JSON_MAX_DEPTH);

	scanner->frames[scanner->depth++] = kind;
	scanner->pos++;
	/* Inside the container a separator or the end comes next. */
	scanner->want_value = FALSE;
	return TRUE;
}

static void
scanner_pop (ArtemisJsonScanner *scanner)
{
	scanner->depth--;
	scanner->pos++;
	scanner_value_done (scanner);
}

/* begin_object() and begin_array(): opens @open or consumes `null`. */
static gboolean
scanner_begin_container (ArtemisJsonScanner *scanner, ArtemisJsonToken open, gboolean *is_null,
			 GError **error)
{
	ArtemisJsonToken token;

	if (!scanner_begin_read (scanner, &token, error))
		return FALSE;

	if (token == ARTEMIS_JSON_TOKEN_NULL) {
		scanner->pos += 4;
		scanner_value_done (scanner);
		*is_null = TRUE;
		return TRUE;
	}

	if (token != open)
		return scanner_fail_type (scanner, error, token_description (open), token);

	*is_null = FALSE;
	return scanner_push (scanner, open == ARTEMIS_JSON_TOKEN_BEGIN_ARRAY ? FRAME_ARRAY : 0,
			     error);
}

gboolean
artemis_json_scanner_begin_object (ArtemisJsonScanner *scanner, gboolean *is_null, GError **error)
{
	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (is_null != NULL, FALSE);

	return scanner_begin_container (scanner, ARTEMIS_JSON_TOKEN_BEGIN_OBJECT, is_null, error);
}

gboolean
artemis_json_scanner_begin_array (ArtemisJsonScanner *scanner, gboolean *is_null, GError **error)
{
	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (is_null != NULL, FALSE);

	return scanner_begin_container (scanner, ARTEMIS_JSON_TOKEN_BEGIN_ARRAY, is_null, error);
}

/*
 * Consumes the `,` before a member or element, or the closing @close.
 * Sets *@closed when the container ended.
 */
static gboolean
scanner_separator (ArtemisJsonScanner *scanner, guchar close, gboolean *closed, GError **error)
{
	guint8 *frame = &scanner->frames[scanner->depth - 1];
	const char *what = close == '}' ? "object" : "array";

	scanner_skip_whitespace (scanner);
	if (scanner->pos >= scanner->len)
		return scanner_fail_eof (scanner, error,
					 close == '}' ? "unterminated object"
						      : "unterminated array");

	if (scanner->data[scanner->pos] == close) {
		scanner_pop (scanner);
		*closed = TRUE;
		return TRUE;
	}

	*closed = FALSE;
	if (!(*frame & FRAME_STARTED)) {
		*frame |= FRAME_STARTED;
		return TRUE;
	}

	if (scanner->data[scanner->pos] != ',')
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "expected ',' or '%c' in %s", close, what);

	scanner->pos++;
	scanner_skip_whitespace (scanner);
	if (scanner->pos < scanner->len && scanner->data[scanner->pos] == close)
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "trailing comma in %s", what);

	return TRUE;
}

static void
scanner_set_name (ArtemisJsonScanner *scanner, const guchar *text, gsize text_len, gboolean escaped)
{
	if (!escaped) {
		scanner->name = (const char *) text;
		scanner->name_len = text_len;
		scanner->name_in_buf = FALSE;
		return;
	}

	unescape (scanner->name_buf, text, text_len);
	scanner->name = scanner->name_buf->str;
	scanner->name_len = scanner->name_buf->len;
	scanner->name_in_buf = TRUE;
}

/* Reads `"name":`; @keep_name is FALSE when skipping, which needs no name. */
static gboolean
scanner_member_name (ArtemisJsonScanner *scanner, gboolean keep_name, GError **error)
{
	const guchar *text;
	gsize text_len;
	gboolean escaped;

	if (scanner->pos >= scanner->len)
		return scanner_fail_eof (scanner, error, "unterminated object");
	if (scanner->data[scanner->pos] != '"')
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "expected a member name");

	if (!scanner_lex_string (scanner, &text, &text_len, &escaped, error))
		return FALSE;
	if (keep_name)
		scanner_set_name (scanner, text, text_len, escaped);

	scanner_skip_whitespace (scanner);
	if (scanner->pos >= scanner->len || scanner->data[scanner->pos] != ':')
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "expected ':' after member name");
	scanner->pos++;

	return TRUE;
}

static gboolean
scanner_next_member (ArtemisJsonScanner *scanner, gboolean keep_name, gboolean *more,
		     GError **error)
{
	gboolean closed;

	if (!scanner_separator (scanner, '}', &closed, error))
		return FALSE;

	if (closed) {
		*more = FALSE;
		return TRUE;
	}

	if (!scanner_member_name (scanner, keep_name, error))
		return FALSE;

	scanner->want_value = TRUE;
	*more = TRUE;
	return TRUE;
}

static gboolean
scanner_next_element (ArtemisJsonScanner *scanner, gboolean *more, GError **error)
{
	gboolean closed;

	if (!scanner_separator (scanner, ']', &closed, error))
		return FALSE;

	scanner->want_value = !closed;
	*more = !closed;
	return TRUE;
}

static inline gboolean
scanner_in (ArtemisJsonScanner *scanner, guint8 kind)
{
	return scanner->depth > 0 && (scanner->frames[scanner->depth - 1] & FRAME_ARRAY) == kind;
}

gboolean
artemis_json_scanner_next_member (ArtemisJsonScanner *scanner, gboolean *more, GError **error)
{
	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (more != NULL, FALSE);

	if (!scanner_check_usable (scanner, error))
		return FALSE;

	g_return_val_if_fail (scanner_in (scanner, 0), FALSE);
	g_return_val_if_fail (!scanner->want_value, FALSE);

	return scanner_next_member (scanner, TRUE, more, error);
}

gboolean
artemis_json_scanner_next_element (ArtemisJsonScanner *scanner, gboolean *more, GError **error)
{
	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (more != NULL, FALSE);

	if (!scanner_check_usable (scanner, error))
		return FALSE;

	g_return_val_if_fail (scanner_in (scanner, FRAME_ARRAY), FALSE);
	g_return_val_if_fail (!scanner->want_value, FALSE);

	return scanner_next_element (scanner, more, error);
}

static inline guchar
ascii_fold (guchar c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/*
 * Compares @text (@len bytes, maybe holding NULs) with the C string @name,
 * ignoring ASCII case. Called for every candidate field, so no strlen().
 */
static gboolean
ascii_equal_fold (const char *text, gsize len, const char *name)
{
	const guchar *a = (const guchar *) text;
	const guchar *b = (const guchar *) name;
	gsize i;

	for (i = 0; i < len; i++) {
		/* A NUL in @name ends it early; a NUL in @text never equals a non-NUL. */
		if (b[i] == '\0' || (a[i] != b[i] && ascii_fold (a[i]) != ascii_fold (b[i])))
			return FALSE;
	}

	return b[len] == '\0';
}

gboolean
artemis_json_scanner_name_is (ArtemisJsonScanner *scanner, const char *name)
{
	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (name != NULL, FALSE);

	return scanner->name != NULL && ascii_equal_fold (scanner->name, scanner->name_len, name);
}

const char *
artemis_json_scanner_peek_name (ArtemisJsonScanner *scanner, gsize *len)
{
	g_return_val_if_fail (scanner != NULL, NULL);

	*len = scanner->name != NULL ? scanner->name_len : 0;
	return scanner->name;
}

const char *
artemis_json_scanner_get_name (ArtemisJsonScanner *scanner)
{
	g_return_val_if_fail (scanner != NULL, NULL);

	if (scanner->name == NULL)
		return NULL;

	/* Plain names point into the unterminated input: copy them out on demand. */
	if (!scanner->name_in_buf) {
		g_string_truncate (scanner->name_buf, 0);
		g_string_append_len (scanner->name_buf, scanner->name, scanner->name_len);
		scanner->name = scanner->name_buf->str;
		scanner->name_in_buf = TRUE;
	}

	return scanner->name_buf->str;
}

/* A NUL-terminated copy of @len bytes of input that hold no NUL. */
static char *
copy_text (const guchar *text, gsize len)
{
	char *copy = g_malloc (len + 1);

	memcpy (copy, text, len);
	copy[len] = '\0';
	return copy;
}

/* Reads the string token at the current position into a new string. */
static gboolean
scanner_string_value (ArtemisJsonScanner *scanner, char **value, gsize *len, GError **error)
{
	const guchar *text;
	gsize text_len;
	gboolean escaped;

	if (!scanner_lex_string (scanner, &text, &text_len, &escaped, error))
		return FALSE;

	if (!escaped) {
		*value = copy_text (text, text_len);
		*len = text_len;
		return TRUE;
	}

	unescape (scanner->scratch, text, text_len);
	/* Not g_strndup(): the text may hold NULs from `\u0000`. */
	*value = g_memdup2 (scanner->scratch->str, scanner->scratch->len + 1);
	*len = scanner->scratch->len;
	return TRUE;
}

/* Coerces the scalar token at the current position to its JSON text. */
static gboolean
scanner_scalar_text (ArtemisJsonScanner *scanner, ArtemisJsonToken token, char **value, gsize *len,
		     GError **error)
{
	const guchar *text;
	gsize text_len;
	gboolean integer;

	switch (token) {
	case ARTEMIS_JSON_TOKEN_STRING:
		return scanner_string_value (scanner, value, len, error);
	case ARTEMIS_JSON_TOKEN_NUMBER:
		if (!scanner_lex_number (scanner, &text, &text_len, &integer, error))
			return FALSE;
		*value = copy_text (text, text_len);
		*len = text_len;
		return TRUE;
	case ARTEMIS_JSON_TOKEN_TRUE:
		scanner->pos += 4;
		*value = g_strdup ("true");
		*len = 4;
		return TRUE;
	case ARTEMIS_JSON_TOKEN_FALSE:
		scanner->pos += 5;
		*value = g_strdup ("false");
		*len = 5;
		return TRUE;
	case ARTEMIS_JSON_TOKEN_NULL:
		scanner->pos += 4;
		*value = NULL;
		*len = 0;
		return TRUE;
	default:
		return scanner_fail_type (scanner, error, "a string", token);
	}
}

gboolean
artemis_json_scanner_read_string_len (ArtemisJsonScanner *scanner, char **value, gsize *len,
				      GError **error)
{
	ArtemisJsonToken token;
	gsize value_len = 0;

	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (value != NULL, FALSE);

	if (!scanner_begin_read (scanner, &token, error)
	    || !scanner_scalar_text (scanner, token, value, &value_len, error))
		return FALSE;

	if (len != NULL)
		*len = value_len;
	scanner_value_done (scanner);
	return TRUE;
}

gboolean
artemis_json_scanner_read_string (ArtemisJsonScanner *scanner, char **value, GError **error)
{
	return artemis_json_scanner_read_string_len (scanner, value, NULL, error);
}

/* Parses an optional '-' followed by one or more decimal digits, nothing else. */
static IntParse
parse_int64 (const char *text, gsize text_len, gint64 *value)
{
	const char *p = text;
	const char *end = text + text_len;
	gboolean negative = FALSE;
	guint64 limit;
	guint64 acc = 0;

	if (p < end && *p == '-') {
		negative = TRUE;
		p++;
	}
	if (p >= end)
		return INT_MALFORMED;

	limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
	for (; p < end; p++) {
		guint digit;

		if (!is_digit (*p))
			return INT_MALFORMED;
		digit = (guint) (*p - '0');
		if (acc > (limit - digit) / 10)
			return INT_OUT_OF_RANGE;
		acc = acc * 10 + digit;
	}

	/* Negating in unsigned arithmetic keeps G_MININT64 free of overflow. */
	*value = negative ? (gint64) (0 - acc) : (gint64) acc;
	return INT_OK;
}

/* A number with fraction or exponent: truncated toward zero when in range. */
static IntParse
parse_fraction_int64 (GString *scratch, const guchar *text, gsize text_len, gint64 *value)
{
	gdouble number;

	/* g_ascii_strtod() needs a NUL-terminated copy of the unterminated input. */
	g_string_truncate (scratch, 0);
	g_string_append_len (scratch, (const char *) text, text_len);
	number = g_ascii_strtod (scratch->str, NULL);

	if (!(number >= -9223372036854775808.0 && number < 9223372036854775808.0))
		return INT_OUT_OF_RANGE;

	*value = (gint64) number;
	return INT_OK;
}

static gboolean
scanner_fail_int (ArtemisJsonScanner *scanner, GError **error, gsize start, IntParse result,
		  ArtemisJsonToken token)
{
	/* TYPE errors leave the value unread. */
	scanner->pos = start;

	if (result == INT_OUT_OF_RANGE)
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, start,
				     "integer out of range");

	return scanner_fail_type (scanner, error, "an integer", token);
}

static gboolean
scanner_number_int64 (ArtemisJsonScanner *scanner, gint64 *value, GError **error)
{
	gsize start = scanner->pos;
	const guchar *text;
	gsize text_len;
	gboolean integer;
	IntParse result;

	if (!scanner_lex_number (scanner, &text, &text_len, &integer, error))
		return FALSE;

	if (integer)
		result = parse_int64 ((const char *) text, text_len, value);
	else
		result = parse_fraction_int64 (scanner->scratch, text, text_len, value);

	if (result != INT_OK)
		return scanner_fail_int (scanner, error, start, result, ARTEMIS_JSON_TOKEN_NUMBER);

	return TRUE;
}

static gboolean
scanner_string_int64 (ArtemisJsonScanner *scanner, gint64 *value, GError **error)
{
	gsize start = scanner->pos;
	const guchar *text;
	gsize text_len;
	gboolean escaped;
	IntParse result;

	if (!scanner_lex_string (scanner, &text, &text_len, &escaped, error))
		return FALSE;

	if (escaped) {
		unescape (scanner->scratch, text, text_len);
		result = parse_int64 (scanner->scratch->str, scanner->scratch->len, value);
	} else {
		result = parse_int64 ((const char *) text, text_len, value);
	}

	if (result != INT_OK)
		return scanner_fail_int (scanner, error, start, result, ARTEMIS_JSON_TOKEN_STRING);

	return TRUE;
}

/* Reads the value at the current position as an integer; TYPE errors leave it unread. */
static gboolean
scanner_int64_value (ArtemisJsonScanner *scanner, ArtemisJsonToken token, gint64 *value,
		     GError **error)
{
	switch (token) {
	case ARTEMIS_JSON_TOKEN_NUMBER:
		return scanner_number_int64 (scanner, value, error);
	case ARTEMIS_JSON_TOKEN_STRING:
		return scanner_string_int64 (scanner, value, error);
	case ARTEMIS_JSON_TOKEN_NULL:
		scanner->pos += 4;
		*value = 0;
		return TRUE;
	default:
		return scanner_fail_type (scanner, error, "an integer", token);
	}
}

gboolean
artemis_json_scanner_read_int64 (ArtemisJsonScanner *scanner, gint64 *value, GError **error)
{
	ArtemisJsonToken token;
	gint64 number = 0;

	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (value != NULL, FALSE);

	if (!scanner_begin_read (scanner, &token, error)
	    || !scanner_int64_value (scanner, token, &number, error))
		return FALSE;

	*value = number;
	scanner_value_done (scanner);
	return TRUE;
}

gboolean
artemis_json_scanner_read_int (ArtemisJsonScanner *scanner, gint64 min, gint64 max, gint *value,
			       GError **error)
{
	ArtemisJsonToken token;
	gint64 number = 0;
	gsize start;

	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (value != NULL, FALSE);
	g_return_val_if_fail (min <= max, FALSE);

	if (!scanner_begin_read (scanner, &token, error))
		return FALSE;

	start = scanner->pos;
	if (!scanner_int64_value (scanner, token, &number, error))
		return FALSE;

	/* The result must also fit the gint it is stored in. */
	if (number < MAX (min, G_MININT) || number > MIN (max, G_MAXINT)) {
		scanner->pos = start;
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_TYPE, start,
				     "integer %" G_GINT64_FORMAT " outside [%" G_GINT64_FORMAT
				     ", %" G_GINT64_FORMAT "]",
				     number, MAX (min, G_MININT), MIN (max, G_MAXINT));
	}

	*value = (gint) number;
	scanner_value_done (scanner);
	return TRUE;
}

static gboolean
scanner_string_bool (ArtemisJsonScanner *scanner, gboolean *value, GError **error)
{
	gsize start = scanner->pos;
	const guchar *text;
	gsize text_len;
	gboolean escaped;

	if (!scanner_lex_string (scanner, &text, &text_len, &escaped, error))
		return FALSE;

	if (escaped) {
		unescape (scanner->scratch, text, text_len);
		text = (const guchar *) scanner->scratch->str;
		text_len = scanner->scratch->len;
	}

	if (text_len == 4 && g_ascii_strncasecmp ((const char *) text, "true", 4) == 0) {
		*value = TRUE;
		return TRUE;
	}
	if (text_len == 5 && g_ascii_strncasecmp ((const char *) text, "false", 5) == 0) {
		*value = FALSE;
		return TRUE;
	}

	scanner->pos = start;
	return scanner_fail_type (scanner, error, "a boolean", ARTEMIS_JSON_TOKEN_STRING);
}

static gboolean
scanner_bool_value (ArtemisJsonScanner *scanner, ArtemisJsonToken token, gboolean *value,
		    GError **error)
{
	switch (token) {
	case ARTEMIS_JSON_TOKEN_TRUE:
		scanner->pos += 4;
		*value = TRUE;
		return TRUE;
	case ARTEMIS_JSON_TOKEN_FALSE:
		scanner->pos += 5;
		*value = FALSE;
		return TRUE;
	case ARTEMIS_JSON_TOKEN_NULL:
		scanner->pos += 4;
		*value = FALSE;
		return TRUE;
	case ARTEMIS_JSON_TOKEN_STRING:
		return scanner_string_bool (scanner, value, error);
	default:
		return scanner_fail_type (scanner, error, "a boolean", token);
	}
}

gboolean
artemis_json_scanner_read_bool (ArtemisJsonScanner *scanner, gboolean *value, GError **error)
{
	ArtemisJsonToken token;
	gboolean result = FALSE;

	g_return_val_if_fail (scanner != NULL, FALSE);
	g_return_val_if_fail (value != NULL, FALSE);

	if (!scanner_begin_read (scanner, &token, error)
	    || !scanner_bool_value (scanner, token, &result, error))
		return FALSE;

	*value = result;
	scanner_value_done (scanner);
	return TRUE;
}

/* Consumes one scalar, or opens a container, at a value position. */
static gboolean
scanner_skip_token (ArtemisJsonScanner *scanner, GError **error)
{
	ArtemisJsonToken token;
	const guchar *text;
	gsize text_len;
	gboolean flag;

	if (!scanner_value_start (scanner, &token, error))
		return FALSE;

	switch (token) {
	case ARTEMIS_JSON_TOKEN_BEGIN_OBJECT:
		return scanner_push (scanner, 0, error);
	case ARTEMIS_JSON_TOKEN_BEGIN_ARRAY:
		return scanner_push (scanner, FRAME_ARRAY, error);
	case ARTEMIS_JSON_TOKEN_STRING:
		if (!scanner_lex_string (scanner, &text, &text_len, &flag, error))
			return FALSE;
		break;
	case ARTEMIS_JSON_TOKEN_NUMBER:
		if (!scanner_lex_number (scanner, &text, &text_len, &flag, error))
			return FALSE;
		break;
	case ARTEMIS_JSON_TOKEN_FALSE:
		scanner->pos += 5;
		break;
	default: /* true, null */
		scanner->pos += 4;
		break;
	}

	scanner_value_done (scanner);
	return TRUE;
}

gboolean
artemis_json_scanner_skip_value (ArtemisJsonScanner *scanner, GError **error)
{
	guint base;
	gboolean more;

	g_return_val_if_fail (scanner != NULL, FALSE);

	if (!scanner_check_usable (scanner, error))
		return FALSE;

	g_return_val_if_fail (scanner->want_value, FALSE);

	/* Iterative, on the scanner's own stack, so hostile nesting cannot blow the C stack. */
	base = scanner->depth;
	if (!scanner_skip_token (scanner, error))
		return FALSE;

	while (scanner->depth > base) {
		if (scanner_in (scanner, FRAME_ARRAY)) {
			if (!scanner_next_element (scanner, &more, error))
				return FALSE;
		} else if (!scanner_next_member (scanner, FALSE, &more, error)) {
			return FALSE;
		}

		if (more && !scanner_skip_token (scanner, error))
			return FALSE;
	}

	return TRUE;
}

gboolean
artemis_json_scanner_finish (ArtemisJsonScanner *scanner, GError **error)
{
	g_return_val_if_fail (scanner != NULL, FALSE);

	if (!scanner_check_usable (scanner, error))
		return FALSE;

	g_return_val_if_fail (scanner->depth == 0, FALSE);

	scanner_skip_whitespace (scanner);
	if (scanner->want_value)
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "expected a value");
	if (scanner->pos < scanner->len)
		return scanner_fail (scanner, error, ARTEMIS_JSON_FAILURE_SYNTAX, scanner->pos,
				     "unexpected data after the top-level value");

	return TRUE;
}

gsize
artemis_json_scanner_get_offset (ArtemisJsonScanner *scanner)
{
	g_return_val_if_fail (scanner != NULL, 0);

	return scanner->pos;
}

ArtemisJsonFailure
artemis_json_scanner_get_failure (ArtemisJsonScanner *scanner)
{
	return scanner->last_failure;
}
