/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ArtemisInstanceField:
 *
 * The string properties of an instance, in the order Java Artemis writes them
 * (alphabetical, with `metadata` and `port` in between, see the codec).
 */
typedef enum {
	ARTEMIS_INSTANCE_GROUP_ID,
	ARTEMIS_INSTANCE_HEALTH_CHECK_URL,
	ARTEMIS_INSTANCE_INSTANCE_ID,
	ARTEMIS_INSTANCE_IP,
	ARTEMIS_INSTANCE_MACHINE_NAME,
	ARTEMIS_INSTANCE_PROTOCOL,
	ARTEMIS_INSTANCE_REGION_ID,
	ARTEMIS_INSTANCE_SERVICE_ID,
	ARTEMIS_INSTANCE_STATUS,
	ARTEMIS_INSTANCE_URL,
	ARTEMIS_INSTANCE_ZONE_ID,
	ARTEMIS_INSTANCE_N_FIELDS,
} ArtemisInstanceField;

/**
 * ArtemisInstance:
 *
 * One registered service instance: an immutable, reference-counted value
 * packed into a single allocation (all strings and metadata inline), because
 * a registry holds hundreds of thousands of them. Build one with
 * #ArtemisInstanceBuilder. Safe to share between threads once built.
 */
typedef struct _ArtemisInstance ArtemisInstance;

ARTEMIS_EXPORT
ArtemisInstance *artemis_instance_ref (ArtemisInstance *instance);
ARTEMIS_EXPORT
void artemis_instance_unref (ArtemisInstance *instance);

/* A string property, or NULL when it was null/absent. */
ARTEMIS_EXPORT
const char *artemis_instance_get (const ArtemisInstance *instance, ArtemisInstanceField field);
ARTEMIS_EXPORT
gint artemis_instance_get_port (const ArtemisInstance *instance);
/* Whether `metadata` is an object (possibly empty) rather than null. */
ARTEMIS_EXPORT
gboolean artemis_instance_has_metadata (const ArtemisInstance *instance);
ARTEMIS_EXPORT
guint artemis_instance_get_n_metadata (const ArtemisInstance *instance);
ARTEMIS_EXPORT
const char *artemis_instance_get_metadata_key (const ArtemisInstance *instance, guint index);
/* May be NULL: Java maps can hold null values. */
ARTEMIS_EXPORT
const char *artemis_instance_get_metadata_value (const ArtemisInstance *instance, guint index);
ARTEMIS_EXPORT
const char *artemis_instance_lookup_metadata (const ArtemisInstance *instance, const char *key);
/* Bytes used by this instance, for memory accounting. */
ARTEMIS_EXPORT
gsize artemis_instance_get_size (const ArtemisInstance *instance);

/* The lower-case instanceId, the registry's key within a service. */
ARTEMIS_EXPORT
const char *artemis_instance_get_key (const ArtemisInstance *instance);
/* Whether `metadata.java_registry` is non-blank (the legacy lease pool). */
ARTEMIS_EXPORT
gboolean artemis_instance_is_legacy (const ArtemisInstance *instance);
/*
 * Java's Instance.toString(): lower-case `region/zone/service[/group]/instance`,
 * nulls printed as "null", used in error messages and lease status.
 */
ARTEMIS_EXPORT
char *artemis_instance_to_path (const ArtemisInstance *instance);
/* The `reload` pseudo instance of a service (protocol §2.5). */
ARTEMIS_EXPORT
ArtemisInstance *artemis_instance_new_reload (const char *service_id);

/*
 * The case-insensitive key of an id (lower case, as Java's toLowerCase):
 * registry maps, caches and comparisons use it. NULL gives NULL.
 */
ARTEMIS_EXPORT
char *artemis_id_to_key (const char *id);

/* TRUE when @s is NULL or only white space (Java's isBlank). */
ARTEMIS_EXPORT
gboolean artemis_str_is_blank (const char *s);

/**
 * ArtemisInstanceBuilder:
 *
 * Mutable staging area filled by decoders, then packed by
 * artemis_instance_builder_end(). Metadata keeps insertion order; setting an
 * existing key replaces its value in place (as a Java LinkedHashMap does).
 */
typedef struct _ArtemisInstanceBuilder ArtemisInstanceBuilder;

ARTEMIS_EXPORT
ArtemisInstanceBuilder *artemis_instance_builder_new (void);
ARTEMIS_EXPORT
void artemis_instance_builder_free (ArtemisInstanceBuilder *builder);
ARTEMIS_EXPORT
void artemis_instance_builder_reset (ArtemisInstanceBuilder *builder);
/* Takes ownership of @value (may be NULL). */
ARTEMIS_EXPORT
void artemis_instance_builder_take (ArtemisInstanceBuilder *builder, ArtemisInstanceField field, char *value);
ARTEMIS_EXPORT
void artemis_instance_builder_set (ArtemisInstanceBuilder *builder, ArtemisInstanceField field, const char *value);
ARTEMIS_EXPORT
void artemis_instance_builder_set_port (ArtemisInstanceBuilder *builder, gint port);
/* Marks metadata as an (empty) object rather than null. */
ARTEMIS_EXPORT
void artemis_instance_builder_begin_metadata (ArtemisInstanceBuilder *builder);
/* Takes ownership of @key and @value (@value may be NULL). */
ARTEMIS_EXPORT
void artemis_instance_builder_take_metadata (ArtemisInstanceBuilder *builder, char *key, char *value);
ARTEMIS_EXPORT
void artemis_instance_builder_set_metadata (ArtemisInstanceBuilder *builder, const char *key, const char *value);
/* Copies every property of @instance into the builder. */
ARTEMIS_EXPORT
void artemis_instance_builder_copy (ArtemisInstanceBuilder *builder, const ArtemisInstance *instance);
/* Packs the staged values into a new instance and resets the builder. */
ARTEMIS_EXPORT
ArtemisInstance *artemis_instance_builder_end (ArtemisInstanceBuilder *builder);

#define ARTEMIS_TYPE_INSTANCE (artemis_instance_get_type ())
/* ArtemisInstance as a boxed type (reference counted). */
ARTEMIS_EXPORT
GType artemis_instance_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisInstance, artemis_instance_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisInstanceBuilder, artemis_instance_builder_free)

G_END_DECLS
