/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-core.h"
#include "artemis-rate-limits.h"
#include "artemis-server.h"

G_BEGIN_DECLS

/* Writes the responseStatus for a core @error (its code mapped to the protocol's errorCode). */
void artemis_api_write_error_status (ArtemisJsonWriter *writer, const GError *error);
/*
 * Writes `{"failedInstances":…,"responseStatus":…}` of register, heartbeat
 * and unregister (protocol §3.1): @error when the whole request failed, else
 * partial_fail when @failed is not empty. Failures past @max_size bytes
 * are counted in the message instead of listed.
 */
void artemis_api_write_registry_response (ArtemisJsonWriter *writer, GPtrArray *failed, const GError *error,
					  gsize max_size);
/*
 * Decodes a register, heartbeat or unregister body, hands it to the
 * registry as coming from @source and answers as protocol §3.1 says;
 * when @limits is not NULL, the call counts against the registry limiter's
 * @identity first and is refused `rate-limited` past it (protocol §12).
 */
void artemis_api_handle_registry (ArtemisRequest *request, ArtemisRegistry *registry, ArtemisRegistryAction action,
				  ArtemisRegistrySource source, ArtemisRateLimits *limits, const char *identity);
/*
 * Counts the call of @identity on @limiter; past the limit, answers
 * @limited_answer (the endpoint's JSON shape with a rate-limited status,
 * protocol §12) and returns FALSE.
 */
gboolean artemis_api_allow (ArtemisRequest *request, ArtemisRateLimits *limits, ArtemisRateLimiter limiter,
			    const char *identity, const char *limited_answer);
/* Answers a body that could not be decoded: HTTP 400 with the decoder's message. */
void artemis_api_reply_bad_body (ArtemisRequest *request, const GError *error);
/* Answers `{"responseStatus":OK}` plus nothing else. */
void artemis_api_reply_status_only (ArtemisRequest *request, const char *error_code, const char *message);

/* Keeps @data (handler data shared by an area's routes) until @server is finalized, then @destroy frees it. */
void artemis_api_own (ArtemisServer *server, gpointer data, GDestroyNotify destroy);

G_END_DECLS
