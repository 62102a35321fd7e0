/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-api.h"

G_BEGIN_DECLS

/* What the management, zone and log endpoints share. */

/* The decoded body, or NULL after answering HTTP 400 naming the bad field. */
ArtemisManagementRequest *artemis_api_management_decode (ArtemisRequest *request);
/*
 * Pulls out (or, @complete, completes) every operation of @operations
 * (ArtemisOperations, checked; referenced) through the write queue, then
 * answers `{"responseStatus":…}`: success once durable and applied, or
 * internal-service-error @failure — followed by the store's message when
 * @with_reason — when the store failed (nothing changed then).
 */
void artemis_api_management_write (ArtemisRequest *request, ArtemisManagement *management, GPtrArray *operations,
				   gboolean complete, const char *operator_id, const char *token, const char *failure,
				   gboolean with_reason);

/**
 * ArtemisWriteAudit:
 * @operator_id: who (`operatorId`), or NULL.
 * @operation: what (`operation`), or NULL.
 * @target: on what (keys, a service), or NULL.
 *
 * What a committed write is logged with (journal fields ARTEMIS_OPERATOR,
 * ARTEMIS_OPERATION, ARTEMIS_TARGET, with ARTEMIS_ENDPOINT and ARTEMIS_CLIENT).
 */
typedef struct {
	const char *operator_id;
	const char *operation;
	const char *target;
} ArtemisWriteAudit;

/*
 * Submits a write to the management write queue: when its turn comes,
 * @prepare(@data) makes the writes of one transaction, numbering at most
 * @new_rows[kind] new rows of each kind (NULL: none; see
 * artemis_write_queue_submit_numbered_async()). Answers
 * `{"responseStatus":…}`: success once durable and applied; a refusal of
 * @prepare as its error, prefixed with "@failure "; a store failure as
 * artemis_api_management_write() does. @destroy frees @data.
 */
void artemis_api_management_submit (ArtemisRequest *request, ArtemisManagement *management,
				    const guint *new_rows, ArtemisWritePrepareFunc prepare, gpointer data,
				    GDestroyNotify destroy, const char *failure, gboolean with_reason,
				    const ArtemisWriteAudit *audit);
/*
 * Answers `{…"responseStatus":<error>…}`: @null_before written as null
 * before it, @null_after after it (each may be NULL), as the failure shape
 * of list and lookup answers (protocol §1.5).
 */
void artemis_api_management_reply_error (ArtemisRequest *request, const GError *error, const char *null_before,
					 const char *null_after);
/* Answers `{"down":…,"responseStatus":…}`: success, or @error (then down is false). */
void artemis_api_management_reply_down (ArtemisRequest *request, gboolean down, const GError *error);
/* Answers `{"operations":<@operations or null>,"responseStatus":OK}`. */
void artemis_api_management_reply_operations (ArtemisRequest *request, const ArtemisOperations *operations);

G_END_DECLS
