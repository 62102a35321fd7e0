/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-storage-record.h"

G_BEGIN_DECLS

/**
 * ArtemisOperationContext:
 * @operation: what the operator does (free text).
 * @operator_id: who.
 * @token: the operator's token (stored, not checked).
 * @extensions: free JSON text; `{}` when the request has none.
 * @reason: why; may be NULL.
 *
 * OperationContext (protocol §2.9, §3.8): who writes, logged with each change.
 */
typedef struct {
	char *operation;
	char *operator_id;
	char *token;
	char *extensions;
	char *reason;
} ArtemisOperationContext;

/*
 * The checks of Java's business layer (protocol §3.8): `operation`,
 * `extensions`, `operatorId` and `token` non-blank, in that order; fails
 * with ARTEMIS_ERROR_BAD_REQUEST "<member> is null or empty".
 */
gboolean artemis_operation_context_check (const ArtemisOperationContext *context, GError **error);

/* An element of `groupTagsList` or `groupOperationsList`: GroupTags or GroupOperations. */
typedef struct {
	gboolean has_group_id;
	gint64 group_id;
	GPtrArray *values; /* tags: key, value…; operations: names (may hold NULL); NULL for null */
} ArtemisGroupItems;

/* A null element of an id list. */
#define ARTEMIS_GROUP_REQUEST_NULL_ID G_MININT64

/**
 * ArtemisGroupRequest:
 * @context: the operation context members.
 * @operation_complete: `operationComplete`.
 * @filter: the top-level members of the endpoint's row kind (the filters
 *   of a read, the group of operate-group-operation, serviceId and appId
 *   of update-canary-ips); never NULL.
 * @route_rule: `routeRule` of create-route-rule, or NULL.
 * @lists: per row kind, the list of rows a write carries (`routeRules`,
 *   `routeRuleGroups`, `groups`, `groupInstances`, `serviceInstances`):
 *   ArtemisStorageRecord, NULL for JSON null elements; NULL when absent.
 * @weights: the `weight` of each element of `groups` (GroupWeight), as
 *   gint64, G_MININT64 when absent or null.
 * @ids: per row kind, the `…Ids` list of a delete (`routeRuleIds`,
 *   `routeRuleGroupIds`, `groupIds`, `groupInstanceIds`,
 *   `serviceInstanceIds`): a GArray of gint64, %ARTEMIS_GROUP_REQUEST_NULL_ID
 *   for null elements; NULL when absent.
 * @group_tags: `groupTagsList`: ArtemisGroupItems or NULL elements.
 * @group_operations: `groupOperationsList`: ArtemisGroupItems or NULL elements.
 * @canary_ips: `canaryIps`: strings, NULL for null elements.
 *
 * Any request of the group and canary endpoints (spec Appendix A.4,
 * A.3), decoded leniently as Jackson does: case-insensitive member names,
 * unknown ones ignored, values not trimmed or checked.
 */
typedef struct {
	ArtemisOperationContext context;
	gboolean operation_complete;
	ArtemisStorageRecord *filter;
	ArtemisStorageRecord *route_rule;
	GPtrArray *lists[ARTEMIS_STORAGE_N_KINDS];
	GArray *weights;
	GArray *ids[ARTEMIS_STORAGE_N_KINDS];
	GPtrArray *group_tags;
	GPtrArray *group_operations;
	GPtrArray *canary_ips;
} ArtemisGroupRequest;

void artemis_group_request_free (ArtemisGroupRequest *request);
/*
 * Fails with ARTEMIS_ERROR_BAD_REQUEST when a management request carries
 * @n_items, more than @max_items ([management] max-batch-size): the writes
 * of one request are prepared on the main loop, so their number is bounded.
 */
gboolean artemis_check_batch_size (guint n_items, guint max_items, GError **error);
/* artemis_check_batch_size() of @request's rows, ids, tags, operations and IPs together. */
gboolean artemis_group_request_check_size (const ArtemisGroupRequest *request, guint max_items, GError **error);
/*
 * Decodes a request whose top-level members other than the known lists and
 * the operation context are fields of @filter_kind. A literal null or
 * malformed body fails (HTTP 400), naming the member.
 */
ArtemisGroupRequest *artemis_group_request_decode (const char *data, gsize len, ArtemisStorageKind filter_kind,
						   GError **error);
/* Decodes a body whose members are all fields of @kind (the log filters of protocol §3.7). */
ArtemisStorageRecord *artemis_group_request_decode_record (const char *data, gsize len, ArtemisStorageKind kind,
							   GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisGroupRequest, artemis_group_request_free)

G_END_DECLS
