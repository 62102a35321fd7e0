/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-api.h"

G_BEGIN_DECLS

/* What the group, canary and log endpoints share. */

/*
 * A group write (protocol §3.8): decodes the body (HTTP 400 naming the bad
 * member), needs the node `up` (service-unavailable), checks the operation
 * context when @checks_context, lets @prepare check the rest and make the
 * writes — a bad request is answered bad-request "<@failure> <what is
 * wrong>", nothing written — and answers once they are durable (a failing
 * store: internal-service-error @failure). @kind is the row kind of the
 * request's top-level members.
 */
void artemis_api_group_write (ArtemisRequest *request, ArtemisManagement *management, ArtemisStorageKind kind,
			      ArtemisGroupWriteFunc prepare, gboolean checks_context, const char *failure);

/*
 * A filter of @decoded's kind holding the @n_fields @fields that @decoded
 * sets, strings only when not blank (protocol §3.7: null and blank filters are
 * dropped).
 */
ArtemisStorageRecord *artemis_api_group_filter (const ArtemisStorageRecord *decoded,
						const ArtemisStorageField *fields, gsize n_fields);

G_END_DECLS
