/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-safe-checker.h"

typedef struct {
	gint64 second;
	gint64 count;
} Bucket;

struct _ArtemisSafeChecker {
	gboolean enabled;
	gint64 percentage_threshold;
	gint64 max_count_threshold;
	gint64 max_count_reset_interval_ms;

	guint n_buckets; /* window length in seconds */
	Bucket *buckets;

	gint64 max_count;
	gint64 max_count_update_time;
	gboolean is_safe;
};

/* Java corrects the window to 10 s … 300 s in whole seconds. */
static guint
window_seconds (gint64 window_ms)
{
	return CLAMP (window_ms, 10000, 300000) / 1000;
}

ArtemisSafeChecker *
artemis_safe_checker_new (const ArtemisLeaseConfig *config)
{
	ArtemisSafeChecker *checker = g_new0 (ArtemisSafeChecker, 1);

	checker->enabled = config->safe_check_enabled;
	checker->percentage_threshold = config->safe_check_percentage_threshold;
	checker->max_count_threshold = config->safe_check_max_count_threshold;
	checker->max_count_reset_interval_ms = config->safe_check_max_count_reset_interval_ms;
	checker->n_buckets = window_seconds (config->safe_check_time_window_ms);
	checker->buckets = g_new0 (Bucket, checker->n_buckets);
	for (guint i = 0; i < checker->n_buckets; i++)
		checker->buckets[i].second = G_MININT64;
	checker->is_safe = TRUE;
	return checker;
}

void
artemis_safe_checker_free (ArtemisSafeChecker *checker)
{
	if (checker == NULL)
		return;
	g_free (checker->buckets);
	g_free (checker);
}

static Bucket *
bucket_of (ArtemisSafeChecker *checker, gint64 second)
{
	return &checker->buckets[second % checker->n_buckets];
}

void
artemis_safe_checker_count_renewal (ArtemisSafeChecker *checker, gint64 previous_ms, gint64 now_ms)
{
	gint64 second = now_ms / 1000;
	Bucket *bucket = bucket_of (checker, second);

	/* The lease's earlier renewal, while still in the window, no longer counts. */
	if (previous_ms != ARTEMIS_SAFE_CHECKER_NEVER) {
		Bucket *previous = bucket_of (checker, previous_ms / 1000);

		if (previous->second == previous_ms / 1000 && previous->count > 0)
			previous->count--;
	}
	if (bucket->second != second) {
		bucket->second = second;
		bucket->count = 0;
	}
	bucket->count++;
}

gint64
artemis_safe_checker_get_count (const ArtemisSafeChecker *checker, gint64 now_ms)
{
	gint64 second = now_ms / 1000;
	gint64 count = 0;

	for (guint i = 0; i < checker->n_buckets; i++) {
		const Bucket *bucket = &checker->buckets[i];

		if (bucket->second > second - checker->n_buckets && bucket->second <= second)
			count += bucket->count;
	}
	return count;
}

void
artemis_safe_checker_check (ArtemisSafeChecker *checker, gint64 now_ms)
{
	gint64 count = artemis_safe_checker_get_count (checker, now_ms);
	gint64 percentage;

	if (count > checker->max_count) {
		checker->max_count = count;
		checker->max_count_update_time = now_ms;
		return;
	}
	if (checker->max_count < checker->max_count_threshold || checker->max_count <= 0)
		return;

	percentage = count * 100 / checker->max_count;
	if (percentage < checker->percentage_threshold) {
		checker->is_safe = FALSE;
		return;
	}
	checker->is_safe = TRUE;
	if (now_ms - checker->max_count_update_time > checker->max_count_reset_interval_ms)
		checker->max_count = count;
}

gboolean
artemis_safe_checker_is_safe (const ArtemisSafeChecker *checker)
{
	return checker->is_safe || !checker->enabled;
}

gboolean
artemis_safe_checker_is_enabled (const ArtemisSafeChecker *checker)
{
	return checker->enabled;
}

gint64
artemis_safe_checker_get_max_count (const ArtemisSafeChecker *checker)
{
	return checker->max_count;
}

gint64
artemis_safe_checker_get_max_count_update_time (const ArtemisSafeChecker *checker)
{
	return checker->max_count_update_time;
}
