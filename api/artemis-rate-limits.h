/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-core.h"

G_BEGIN_DECLS

/* The limiters of protocol §12 (replication, peers' traffic, is not limited). */
typedef enum {
	ARTEMIS_RATE_LIMITER_REGISTRY,	       /* register, heartbeat, unregister (HTTP and WebSocket) */
	ARTEMIS_RATE_LIMITER_CLUSTER,	       /* up-registry-nodes, up-discovery-nodes */
	ARTEMIS_RATE_LIMITER_STATUS,	       /* get-cluster, get-leases, get-legacy-leases, get-config, get-deployment */
	ARTEMIS_RATE_LIMITER_MANAGEMENT_GROUP, /* get.route-rules, get.route-rule-groups, get.groups */
	ARTEMIS_N_RATE_LIMITERS,
} ArtemisRateLimiter;

/* `{"errorCode":"rate-limited","message":"Request is rate limited.","status":"fail"}` */
#define ARTEMIS_RATE_LIMITED_STATUS                                                                       \
	"{\"errorCode\":\"rate-limited\",\"message\":\"Request is rate limited.\",\"status\":\"fail\"}"

#define ARTEMIS_TYPE_RATE_LIMITS (artemis_rate_limits_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisRateLimits, artemis_rate_limits, ARTEMIS, RATE_LIMITS, GObject)

/*
 * The node's rate limits (protocol §12, Java's DefaultRateLimiter): for
 * each limiter and identity, the calls of the last 10 s in 1 s buckets,
 * for the whole node. A call counts one; when that takes the window past
 * the limit it is taken back and the call refused. @clock gives the time.
 * Fails when a `[rate-limit] *-limits` map does not parse or is out of range.
 */
ArtemisRateLimits *artemis_rate_limits_new (const ArtemisConfig *config, ArtemisClockFunc clock,
					    gpointer clock_data, GError **error);
/* Counts a call of @identity; FALSE when it is over the limit (then not counted). */
gboolean artemis_rate_limits_allow (ArtemisRateLimits *limits, ArtemisRateLimiter limiter, const char *identity);
/* An #ArtemisMetricsCollector: `artemis_rate_limited_total{limiter,identity}`. */
void artemis_rate_limits_collect (GString *out, gpointer limits);
/* A #GError of %ARTEMIS_ERROR_RATE_LIMITED with Java's message. */
void artemis_rate_limits_set_error (GError **error);

G_END_DECLS
