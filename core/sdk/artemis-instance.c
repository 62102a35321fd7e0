/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-instance.h"

#define NO_STRING G_MAXUINT32
#define INSTANCE_HAS_METADATA 0x1
/* The lower-case instanceId is stored after the wire fields. */
#define KEY_SLOT ARTEMIS_INSTANCE_N_FIELDS
#define N_FIXED_SLOTS (ARTEMIS_INSTANCE_N_FIELDS + 1)

/*
 * Layout: this header, then `slots` (string offsets into the character area:
 * the fixed fields, then a key and value offset per metadata entry), then the
 * NUL-terminated strings.
 */
struct _ArtemisInstance {
	gint ref_count;
	gint port;
	guint32 size;
	guint16 n_metadata;
	guint16 flags;
	guint32 slots[];
};

struct _ArtemisInstanceBuilder {
	char *fields[ARTEMIS_INSTANCE_N_FIELDS];
	gint port;
	gboolean has_metadata;
	GPtrArray *metadata; /* key, value, key, value… (owned) */
};

static inline const char *
instance_chars (const ArtemisInstance *instance)
{
	return (const char *) &instance->slots[N_FIXED_SLOTS + 2 * instance->n_metadata];
}

static inline const char *
instance_slot (const ArtemisInstance *instance, guint slot)
{
	guint32 offset = instance->slots[slot];

	return offset == NO_STRING ? NULL : instance_chars (instance) + offset;
}

ArtemisInstance *
artemis_instance_ref (ArtemisInstance *instance)
{
	g_return_val_if_fail (instance != NULL, NULL);
	g_atomic_int_inc (&instance->ref_count);
	return instance;
}

/* NULL is accepted: request arrays hold NULL for `null` elements. */
void
artemis_instance_unref (ArtemisInstance *instance)
{
	if (instance != NULL && g_atomic_int_dec_and_test (&instance->ref_count))
		g_free (instance);
}

const char *
artemis_instance_get (const ArtemisInstance *instance, ArtemisInstanceField field)
{
	g_return_val_if_fail (field < ARTEMIS_INSTANCE_N_FIELDS, NULL);
	return instance_slot (instance, field);
}

gint
artemis_instance_get_port (const ArtemisInstance *instance)
{
	return instance->port;
}

gboolean
artemis_instance_has_metadata (const ArtemisInstance *instance)
{
	return (instance->flags & INSTANCE_HAS_METADATA) != 0;
}

guint
artemis_instance_get_n_metadata (const ArtemisInstance *instance)
{
	return instance->n_metadata;
}

const char *
artemis_instance_get_metadata_key (const ArtemisInstance *instance, guint index)
{
	g_return_val_if_fail (index < instance->n_metadata, NULL);
	return instance_slot (instance, N_FIXED_SLOTS + 2 * index);
}

const char *
artemis_instance_get_metadata_value (const ArtemisInstance *instance, guint index)
{
	g_return_val_if_fail (index < instance->n_metadata, NULL);
	return instance_slot (instance, N_FIXED_SLOTS + 2 * index + 1);
}

const char *
artemis_instance_lookup_metadata (const ArtemisInstance *instance, const char *key)
{
	for (guint i = 0; i < instance->n_metadata; i++) {
		if (g_strcmp0 (artemis_instance_get_metadata_key (instance, i), key) == 0)
			return artemis_instance_get_metadata_value (instance, i);
	}
	return NULL;
}

gsize
artemis_instance_get_size (const ArtemisInstance *instance)
{
	return instance->size;
}

const char *
artemis_instance_get_key (const ArtemisInstance *instance)
{
	return instance_slot (instance, KEY_SLOT);
}

char *
artemis_id_to_key (const char *id)
{
	const char *p;

	if (id == NULL)
		return NULL;
	/* Ids are nearly always ASCII, where the cheap lowering is exact. */
	for (p = id; *p != '\0'; p++) {
		if ((guchar) *p >= 0x80)
			return g_utf8_strdown (id, -1);
	}
	return g_ascii_strdown (id, p - id);
}

gboolean
artemis_str_is_blank (const char *s)
{
	if (s == NULL)
		return TRUE;
	for (; *s != '\0'; s++) {
		if (!g_ascii_isspace (*s))
			return FALSE;
	}
	return TRUE;
}

gboolean
artemis_instance_is_legacy (const ArtemisInstance *instance)
{
	return !artemis_str_is_blank (artemis_instance_lookup_metadata (instance, "java_registry"));
}

static void
append_path_part (GString *path, const char *part)
{
	g_autofree char *lower = part != NULL ? g_utf8_strdown (part, -1) : NULL;

	g_string_append (path, lower != NULL ? lower : "null");
}

char *
artemis_instance_to_path (const ArtemisInstance *instance)
{
	GString *path = g_string_new (NULL);
	const char *group_id = artemis_instance_get (instance, ARTEMIS_INSTANCE_GROUP_ID);

	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_REGION_ID));
	g_string_append_c (path, '/');
	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_ZONE_ID));
	g_string_append_c (path, '/');
	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_SERVICE_ID));
	if (!artemis_str_is_blank (group_id)) {
		g_string_append_c (path, '/');
		append_path_part (path, group_id);
	}
	g_string_append_c (path, '/');
	append_path_part (path, artemis_instance_get (instance, ARTEMIS_INSTANCE_INSTANCE_ID));
	return g_string_free (path, FALSE);
}

ArtemisInstance *
artemis_instance_new_reload (const char *service_id)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();

	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, "reload");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_IP, "0.0.0.0");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, "http://serviceId/reload");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, service_id);
	return artemis_instance_builder_end (builder);
}

ArtemisInstanceBuilder *
artemis_instance_builder_new (void)
{
	ArtemisInstanceBuilder *builder = g_new0 (ArtemisInstanceBuilder, 1);

	builder->metadata = g_ptr_array_new_with_free_func (g_free);
	return builder;
}

void
artemis_instance_builder_reset (ArtemisInstanceBuilder *builder)
{
	for (guint i = 0; i < ARTEMIS_INSTANCE_N_FIELDS; i++)
		g_clear_pointer (&builder->fields[i], g_free);
	builder->port = 0;
	builder->has_metadata = FALSE;
	g_ptr_array_set_size (builder->metadata, 0);
}

void
artemis_instance_builder_free (ArtemisInstanceBuilder *builder)
{
	if (builder == NULL)
		return;
	artemis_instance_builder_reset (builder);
	g_ptr_array_unref (builder->metadata);
	g_free (builder);
}

void
artemis_instance_builder_take (ArtemisInstanceBuilder *builder, ArtemisInstanceField field, char *value)
{
	g_return_if_fail (field < ARTEMIS_INSTANCE_N_FIELDS);
	g_free (builder->fields[field]);
	builder->fields[field] = value;
}

void
artemis_instance_builder_set (ArtemisInstanceBuilder *builder, ArtemisInstanceField field, const char *value)
{
	artemis_instance_builder_take (builder, field, g_strdup (value));
}

void
artemis_instance_builder_set_port (ArtemisInstanceBuilder *builder, gint port)
{
	builder->port = port;
}

void
artemis_instance_builder_begin_metadata (ArtemisInstanceBuilder *builder)
{
	builder->has_metadata = TRUE;
}

void
artemis_instance_builder_take_metadata (ArtemisInstanceBuilder *builder, char *key, char *value)
{
	builder->has_metadata = TRUE;
	for (guint i = 0; i < builder->metadata->len; i += 2) {
		if (strcmp (g_ptr_array_index (builder->metadata, i), key) == 0) {
			g_free (key);
			g_free (g_ptr_array_index (builder->metadata, i + 1));
			g_ptr_array_index (builder->metadata, i + 1) = value;
			return;
		}
	}
	g_ptr_array_add (builder->metadata, key);
	g_ptr_array_add (builder->metadata, value);
}

void
artemis_instance_builder_set_metadata (ArtemisInstanceBuilder *builder, const char *key, const char *value)
{
	artemis_instance_builder_take_metadata (builder, g_strdup (key), g_strdup (value));
}

void
artemis_instance_builder_copy (ArtemisInstanceBuilder *builder, const ArtemisInstance *instance)
{
	artemis_instance_builder_reset (builder);
	for (guint i = 0; i < ARTEMIS_INSTANCE_N_FIELDS; i++)
		artemis_instance_builder_set (builder, i, artemis_instance_get (instance, i));
	builder->port = instance->port;
	builder->has_metadata = artemis_instance_has_metadata (instance);
	for (guint i = 0; i < instance->n_metadata; i++) {
		artemis_instance_builder_set_metadata (builder, artemis_instance_get_metadata_key (instance, i),
						       artemis_instance_get_metadata_value (instance, i));
	}
}

typedef struct {
	ArtemisInstance *instance;
	char *chars;
	guint32 used;
} Packer;

static void
pack_string (Packer *packer, guint slot, const char *value)
{
	gsize len;

	if (value == NULL) {
		packer->instance->slots[slot] = NO_STRING;
		return;
	}
	len = strlen (value);
	packer->instance->slots[slot] = packer->used;
	memcpy (packer->chars + packer->used, value, len + 1);
	packer->used += len + 1;
}

static gsize
string_size (const char *value)
{
	return value != NULL ? strlen (value) + 1 : 0;
}

ArtemisInstance *
artemis_instance_builder_end (ArtemisInstanceBuilder *builder)
{
	guint n_metadata = builder->metadata->len / 2;
	guint n_slots = N_FIXED_SLOTS + 2 * n_metadata;
	const char *instance_id = builder->fields[ARTEMIS_INSTANCE_INSTANCE_ID];
	g_autofree char *key = artemis_id_to_key (instance_id);
	gsize chars_size = string_size (key);
	gsize total;
	Packer packer;

	g_return_val_if_fail (n_metadata <= G_MAXUINT16, NULL);

	for (guint i = 0; i < ARTEMIS_INSTANCE_N_FIELDS; i++)
		chars_size += string_size (builder->fields[i]);
	for (guint i = 0; i < builder->metadata->len; i++)
		chars_size += string_size (g_ptr_array_index (builder->metadata, i));
	g_return_val_if_fail (chars_size < NO_STRING, NULL);

	total = sizeof (ArtemisInstance) + n_slots * sizeof (guint32) + chars_size;
	packer.instance = g_malloc (total);
	packer.instance->ref_count = 1;
	packer.instance->port = builder->port;
	packer.instance->size = total;
	packer.instance->n_metadata = n_metadata;
	packer.instance->flags = builder->has_metadata ? INSTANCE_HAS_METADATA : 0;
	packer.chars = (char *) &packer.instance->slots[n_slots];
	packer.used = 0;

	for (guint i = 0; i < ARTEMIS_INSTANCE_N_FIELDS; i++)
		pack_string (&packer, i, builder->fields[i]);
	pack_string (&packer, KEY_SLOT, key);
	for (guint i = 0; i < builder->metadata->len; i++)
		pack_string (&packer, N_FIXED_SLOTS + i, g_ptr_array_index (builder->metadata, i));

	artemis_instance_builder_reset (builder);
	return packer.instance;
}

G_DEFINE_BOXED_TYPE (ArtemisInstance, artemis_instance, artemis_instance_ref, artemis_instance_unref)
