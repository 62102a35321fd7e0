/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <gio/gio.h>

#include "artemis-body.h"

struct _ArtemisBody {
	gint ref_count;
	GBytes *json;
	GBytes *gzip; /* made on first use */
};

ArtemisBody *
artemis_body_new (GBytes *json)
{
	ArtemisBody *body = g_new0 (ArtemisBody, 1);

	g_return_val_if_fail (json != NULL, NULL);
	body->ref_count = 1;
	body->json = g_bytes_ref (json);
	return body;
}

ArtemisBody *
artemis_body_ref (ArtemisBody *body)
{
	g_return_val_if_fail (body != NULL, NULL);
	g_atomic_int_inc (&body->ref_count);
	return body;
}

void
artemis_body_unref (ArtemisBody *body)
{
	if (body == NULL || !g_atomic_int_dec_and_test (&body->ref_count))
		return;
	g_bytes_unref (body->json);
	g_clear_pointer (&body->gzip, g_bytes_unref);
	g_free (body);
}

GBytes *
artemis_body_get_json (ArtemisBody *body)
{
	g_return_val_if_fail (body != NULL, NULL);
	return body->json;
}

GBytes *
artemis_body_get_gzip (ArtemisBody *body)
{
	g_return_val_if_fail (body != NULL, NULL);
	if (body->gzip == NULL)
		body->gzip = artemis_gzip_bytes (body->json);
	return body->gzip;
}

GBytes *
artemis_gzip_bytes (GBytes *data)
{
	g_autoptr (GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
	gsize len = g_bytes_get_size (data);
	g_autoptr (GByteArray) out = g_byte_array_sized_new (len / 2 + 64);
	const guint8 *in = g_bytes_get_data (data, NULL);
	gsize in_pos = 0;
	guint8 buffer[16384];

	for (;;) {
		gsize read = 0, written = 0;
		GConverterResult result = g_converter_convert (G_CONVERTER (compressor), in + in_pos, len - in_pos,
							       buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END, &read,
							       &written, NULL);

		g_return_val_if_fail (result != G_CONVERTER_ERROR, g_bytes_ref (data));
		in_pos += read;
		g_byte_array_append (out, buffer, written);
		if (result == G_CONVERTER_FINISHED)
			break;
	}
	return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
