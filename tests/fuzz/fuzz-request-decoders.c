/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: every decoder of untrusted request bodies, and the
 * encoders on whatever they decode (a decoded value must always encode).
 */
#include "artemis-core.h"

static void
encode_instances (GPtrArray *instances)
{
	ArtemisJsonWriter *writer = artemis_json_writer_new (256);

	artemis_codec_write_instances (writer, instances);
	g_free (artemis_json_writer_free_to_string (writer));
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
	const char *text = (const char *) data;
	GPtrArray *instances = NULL;
	ArtemisLookupRequest *lookup;
	ArtemisSimpleRequest *simple;

	if (artemis_codec_decode_instances_request (text, size, G_MAXUINT, &instances, NULL)) {
		if (instances != NULL) {
			encode_instances (instances);
			g_ptr_array_unref (instances);
		}
	}
	lookup = artemis_codec_decode_lookup_request (text, size, NULL);
	artemis_lookup_request_free (lookup);
	simple = artemis_codec_decode_simple_request (text, size, NULL);
	artemis_simple_request_free (simple);
	return 0;
}
