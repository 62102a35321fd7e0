/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-config.h"

G_BEGIN_DECLS

/**
 * ArtemisSafeChecker:
 *
 * The lease-update safe checker of one lease pool (protocol §5.4): it counts
 * renewals over a sliding window of one-second buckets and declares the pool
 * unsafe when the count falls below a percentage of the highest count seen,
 * which suspends expiry (self-preservation against registry-side outages).
 *
 * Unlike Java it counts each lease once per window, at its last renewal:
 * the count is the number of leases renewed within the window. Clients that
 * heartbeat in step (every 5 s, all at once) put 2 or 3 of their rounds in
 * a 12 s window, so Java's count of renewals swings by a third and a
 * healthy fleet looks unsafe every few seconds; the number of leases
 * renewed does not swing while the heartbeat interval is shorter than the
 * window (docs/compatibility.md).
 */
typedef struct _ArtemisSafeChecker ArtemisSafeChecker;

ArtemisSafeChecker *artemis_safe_checker_new (const ArtemisLeaseConfig *config);
void artemis_safe_checker_free (ArtemisSafeChecker *checker);

/* The @previous_ms of a lease never counted before. */
#define ARTEMIS_SAFE_CHECKER_NEVER G_MININT64

/*
 * Counts the renewal of one lease at @now_ms; @previous_ms is when that
 * lease was last counted (or ARTEMIS_SAFE_CHECKER_NEVER), whose count moves
 * to now.
 */
void artemis_safe_checker_count_renewal (ArtemisSafeChecker *checker, gint64 previous_ms, gint64 now_ms);
/* One periodic run of the check (protocol §5.4 steps 1–4). */
void artemis_safe_checker_check (ArtemisSafeChecker *checker, gint64 now_ms);

/* `isSafe || !enabled`, what the clean task obeys. */
gboolean artemis_safe_checker_is_safe (const ArtemisSafeChecker *checker);
gboolean artemis_safe_checker_is_enabled (const ArtemisSafeChecker *checker);
/* The leases renewed within the window that ends at @now_ms. */
gint64 artemis_safe_checker_get_count (const ArtemisSafeChecker *checker, gint64 now_ms);
gint64 artemis_safe_checker_get_max_count (const ArtemisSafeChecker *checker);
gint64 artemis_safe_checker_get_max_count_update_time (const ArtemisSafeChecker *checker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisSafeChecker, artemis_safe_checker_free)

G_END_DECLS
