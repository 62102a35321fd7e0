/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-json-writer.h"
#include "artemis-node.h"
#include "artemis-operation.h"
#include "artemis-storage-record.h"

G_BEGIN_DECLS

/*
 * The wire format of the management endpoints (protocol §3.6, §3.7, §3.9,
 * Appendix A.3, A.5), in the manner of artemis-codec.h: encoders write
 * Java's alphabetical members with nulls; the decoder accepts what Jackson
 * accepts and fails with a message naming the field.
 */

/* InstanceKey, ServerKey or ZoneKey by the key's target. */
void artemis_management_codec_write_key (ArtemisJsonWriter *writer, const ArtemisOperationKey *key);
/* InstanceOperations, ServerOperations or ZoneOperations; NULL is written as null. */
void artemis_management_codec_write_operations (ArtemisJsonWriter *writer, const ArtemisOperations *operations);
/* An array of ArtemisOperations. */
void artemis_management_codec_write_operations_list (ArtemisJsonWriter *writer, GPtrArray *list);
/*
 * A log record (InstanceOperationLog, ServerOperationLog,
 * ZoneOperationLog, …): the fields of its kind plus `createTime`, `id` and
 * `updateTime`, in alphabetical order.
 */
void artemis_management_codec_write_log (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record);

/**
 * ArtemisManagementRequest:
 *
 * Any management request body, decoded: every member the management
 * endpoints read (spec Appendix A.3, A.5), each NULL (or unset) when absent
 * or null. Keys are not trimmed or checked here.
 */
typedef struct {
	ArtemisOperationKey *instance_key;
	ArtemisOperationKey *server_key;
	ArtemisOperationKey *zone_key;
	ArtemisInstance *instance;
	/* `zoneOperationsList`: ArtemisOperations (key NULL when `zoneKey` was), may hold NULL */
	GPtrArray *zone_operations_list;
	char *operation;
	gboolean operation_complete;
	char *operator_id;
	char *token;
	/* Filters of the log and list requests. */
	char *region_id;
	char *service_id;
	char *zone_id;
	char *server_id;
	char *instance_id;
	ArtemisTristate complete;
} ArtemisManagementRequest;

void artemis_management_request_free (ArtemisManagementRequest *request);
/* A literal null or malformed body fails (HTTP 400 in the API). */
ArtemisManagementRequest *artemis_management_codec_decode_request (const char *data, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisManagementRequest, artemis_management_request_free)

G_END_DECLS
