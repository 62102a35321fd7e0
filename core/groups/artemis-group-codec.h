/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-json-scanner.h"
#include "artemis-json-writer.h"
#include "artemis-storage-record.h"

G_BEGIN_DECLS

/*
 * The wire format of the group types (spec Appendix A.4), in the manner of
 * artemis-codec.h: one table of members per type, alphabetical as Java
 * writes them, drives both the encoder and the decoder.
 *
 * Rows of ARTEMIS_STORAGE_SERVICE_GROUP are written as Group,
 * _ROUTE_RULE as ServiceRouteRule, _ROUTE_RULE_GROUP as RouteRuleGroup,
 * _GROUP_INSTANCE as GroupInstance, _SERVICE_INSTANCE as ServiceInstance
 * (its metadata, stored as JSON text, as an object).
 */

/* One row as its type; @record may be NULL (written as null). */
void artemis_group_codec_write_record (ArtemisJsonWriter *writer, const ArtemisStorageRecord *record);
/* An array of rows. */
void artemis_group_codec_write_records (ArtemisJsonWriter *writer, GPtrArray *records);
/*
 * GroupTags (`{"groupId","tags":{…}}`) or GroupOperations
 * (`{"groupId","operations":[…]}`) of the tag or operation @rows of one
 * group, by id; NULL or empty @rows is written as null.
 */
void artemis_group_codec_write_group_items (ArtemisJsonWriter *writer, GPtrArray *rows);
/* An array of GroupTags or GroupOperations: the tag or operation @rows, grouped by group id. */
void artemis_group_codec_write_group_items_list (ArtemisJsonWriter *writer, GPtrArray *rows);

/*
 * Reads one object as a row of @kind into *@record (NULL for JSON null):
 * the members of the kind's type (ids as the row's id where the type names
 * it so, metadata objects as JSON text), or for other kinds (logs, tags,
 * operations) every field by its JSON name. Unknown members are skipped.
 * With @weight, a ServiceGroup's `weight` (GroupWeight) goes there,
 * G_MININT64 when absent or null. Fails with a message naming the member.
 */
gboolean artemis_group_codec_read_record (ArtemisJsonScanner *scanner, ArtemisStorageKind kind, gint64 *weight,
					  ArtemisStorageRecord **record, GError **error);
/* Reads the members of @kind of an object already begun, into @record (the top level of a request). */
gboolean artemis_group_codec_read_member (ArtemisJsonScanner *scanner, ArtemisStorageRecord *record,
					  gboolean *known, GError **error);
/* Stored metadata text as key, value… pairs; NULL when it is not a JSON object of strings. */
GPtrArray *artemis_group_codec_parse_metadata (const char *text);
/* A metadata object of string values as its JSON text (`{}` for an empty one, NULL for null). */
gboolean artemis_group_codec_read_metadata_text (ArtemisJsonScanner *scanner, char **text, GError **error);

G_END_DECLS
