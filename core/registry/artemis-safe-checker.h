/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-config.h"

G_BEGIN_DECLS

/**
 * ArtemisSafeChecker:
 *
 * The lease-update safe checker of one lease pool (spec §5.4): it counts
 * renewals over a sliding window of one-second buckets and declares the pool
 * unsafe when the count falls below a percentage of the highest count seen,
 * which suspends expiry (self-preservation against registry-side outages).
 */
typedef struct _ArtemisSafeChecker ArtemisSafeChecker;

ArtemisSafeChecker *artemis_safe_checker_new (const ArtemisLeaseConfig *config);
void artemis_safe_checker_free (ArtemisSafeChecker *checker);

void artemis_safe_checker_count_renewal (ArtemisSafeChecker *checker, gint64 now_ms);
/* One periodic run of the check (spec §5.4 steps 1–4). */
void artemis_safe_checker_check (ArtemisSafeChecker *checker, gint64 now_ms);

/* `isSafe || !enabled`, what the clean task obeys. */
gboolean artemis_safe_checker_is_safe (const ArtemisSafeChecker *checker);
gboolean artemis_safe_checker_is_enabled (const ArtemisSafeChecker *checker);
gint64 artemis_safe_checker_get_count (const ArtemisSafeChecker *checker, gint64 now_ms);
gint64 artemis_safe_checker_get_max_count (const ArtemisSafeChecker *checker);
gint64 artemis_safe_checker_get_max_count_update_time (const ArtemisSafeChecker *checker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisSafeChecker, artemis_safe_checker_free)

G_END_DECLS
