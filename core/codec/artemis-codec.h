/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-change-log.h"
#include "artemis-instance.h"
#include "artemis-json-scanner.h"
#include "artemis-json-writer.h"
#include "artemis-registry.h"
#include "artemis-service.h"

G_BEGIN_DECLS

/*
 * The wire format of the Java Artemis protocol: one encoder and one decoder
 * per type, shared by the API, storage and replication. Encoders write
 * members in Java's alphabetical order with nulls; decoders accept what
 * Jackson accepts (case-insensitive names, unknown members ignored, scalar
 * coercion) and fail with ARTEMIS_ERROR_BAD_REQUEST naming the field.
 */

#define ARTEMIS_ERROR_CODE_SUCCESS "success"
#define ARTEMIS_ERROR_CODE_PARTIAL_FAIL "partial_fail"

/* `{"errorCode":…,"message":…,"status":…}`; status follows from @error_code. */
void artemis_codec_write_response_status (ArtemisJsonWriter *writer, const char *error_code, const char *message);
void artemis_codec_write_success_status (ArtemisJsonWriter *writer);
void artemis_codec_write_instance (ArtemisJsonWriter *writer, const ArtemisInstance *instance);
/* @instances may be NULL (written as null). */
void artemis_codec_write_instances (ArtemisJsonWriter *writer, GPtrArray *instances);
void artemis_codec_write_service (ArtemisJsonWriter *writer, const ArtemisService *service);
/* An array of ArtemisServiceGroup (ServiceGroup, protocol §2.4). */
void artemis_codec_write_service_groups (ArtemisJsonWriter *writer, GPtrArray *groups);
void artemis_codec_write_change (ArtemisJsonWriter *writer, const ArtemisChange *change);
/*
 * ArtemisFailedInstance array; empty or NULL is written as null (spec
 * §1.5). Elements that would take the writer past @max_size bytes are left
 * out (0: no limit); returns how many.
 */
guint artemis_codec_write_failed_instances (ArtemisJsonWriter *writer, GPtrArray *failed, gsize max_size);
/* A string map stored as key, value, key, value…; NULL is written as null. */
void artemis_codec_write_string_pairs (ArtemisJsonWriter *writer, GPtrArray *pairs);

/* Reads one instance or null (*@instance NULL) with @builder as scratch. */
gboolean artemis_codec_read_instance (ArtemisJsonScanner *scanner, ArtemisInstanceBuilder *builder,
				      ArtemisInstance **instance, GError **error);
gboolean artemis_codec_read_discovery_config (ArtemisJsonScanner *scanner, ArtemisDiscoveryConfig **config,
					      GError **error);

/*
 * `{"instances":[…]}` of register, heartbeat and unregister; *@instances
 * NULL when absent or null. Decoding stops at @max_instances + 1 (the rest
 * of the body is not read), enough for the registry to refuse too many
 * without building, or even scanning, them all.
 */
gboolean artemis_codec_decode_instances_request (const char *data, gsize len, guint max_instances,
						 GPtrArray **instances,
						 GError **error);

/* `{"discoveryConfigs":[…],"regionId","zoneId"}`; *@configs NULL when absent, may hold NULLs. */
typedef struct {
	GPtrArray *configs;
	char *region_id;
	char *zone_id;
} ArtemisLookupRequest;

void artemis_lookup_request_free (ArtemisLookupRequest *request);
ArtemisLookupRequest *artemis_codec_decode_lookup_request (const char *data, gsize len, GError **error);

/* `{"discoveryConfig","regionId","zoneId"}` and the other small requests. */
typedef struct {
	ArtemisDiscoveryConfig *discovery_config;
	char *region_id;
	char *zone_id;
	gint64 version;
	GPtrArray *service_ids; /* `serviceIds` of the lease requests, or NULL */
} ArtemisSimpleRequest;

void artemis_simple_request_free (ArtemisSimpleRequest *request);
/* Decodes any of the small request objects; members not present stay NULL/0. */
ArtemisSimpleRequest *artemis_codec_decode_simple_request (const char *data, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisLookupRequest, artemis_lookup_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisSimpleRequest, artemis_simple_request_free)

G_END_DECLS
