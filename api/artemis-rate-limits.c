/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "artemis-metrics.h"
#include "artemis-rate-limits.h"

#define N_BUCKETS 10 /* of one second: a 10 s window */

/* The last 10 s of one identity's calls. */
typedef struct {
	gint64 limit;
	gint64 seconds[N_BUCKETS]; /* which second each bucket counts */
	gint64 counts[N_BUCKETS];
	guint64 refused; /* since start, for /metrics */
} Window;

typedef struct {
	gboolean enabled;
	gint64 default_limit;
	GHashTable *limits;  /* identity → GINT64 limit, from the map */
	GHashTable *windows; /* identity → Window, created on first call */
} Limiter;

struct _ArtemisRateLimits {
	GObject parent_instance;

	Limiter limiters[ARTEMIS_N_RATE_LIMITERS];
	ArtemisClockFunc clock;
	gpointer clock_data;
};

G_DEFINE_FINAL_TYPE (ArtemisRateLimits, artemis_rate_limits, G_TYPE_OBJECT)

/* The `[rate-limit]` key prefix and the Java id of each limiter, in ArtemisRateLimiter order. */
static const char *const limiter_keys[ARTEMIS_N_RATE_LIMITERS] = {
	"registry",
	"cluster",
	"status",
	"management-group",
};
static const char *const limiter_ids[ARTEMIS_N_RATE_LIMITERS] = {
	"artemis.service.registry",
	"artemis.service.cluster",
	"artemis.service.status",
	"artemis.service.management.group",
};

static void
artemis_rate_limits_finalize (GObject *object)
{
	ArtemisRateLimits *self = ARTEMIS_RATE_LIMITS (object);

	for (guint i = 0; i < ARTEMIS_N_RATE_LIMITERS; i++) {
		g_hash_table_unref (self->limiters[i].limits);
		g_hash_table_unref (self->limiters[i].windows);
	}
	G_OBJECT_CLASS (artemis_rate_limits_parent_class)->finalize (object);
}

static void
artemis_rate_limits_class_init (ArtemisRateLimitsClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_rate_limits_finalize;
}

static void
artemis_rate_limits_init (ArtemisRateLimits *self)
{
	for (guint i = 0; i < ARTEMIS_N_RATE_LIMITERS; i++) {
		self->limiters[i].limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
		self->limiters[i].windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	}
}

/* `identity:limit,identity:limit` (Java's rate-limit-map); each limit within the default's range. */
static gboolean
parse_limits (Limiter *limiter, const char *key, const char *text, GError **error)
{
	g_auto (GStrv) entries = g_strsplit (text, ",", -1);
	g_autofree char *default_key = g_strconcat (key, "-default-limit", NULL);
	gint64 min = 0, max = 0;

	if (!artemis_config_get_range ("rate-limit", default_key, &min, &max))
		g_assert_not_reached ();
	for (guint i = 0; entries[i] != NULL; i++) {
		char *entry = g_strstrip (entries[i]);
		char *colon = strchr (entry, ':');
		g_autoptr (GError) local_error = NULL;
		gint64 limit;

		if (*entry == '\0')
			continue;
		if (colon == NULL) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
				     /* TRANSLATORS: [rate-limit] KEY-limits: the entry without a colon */
				     _("[rate-limit] %s-limits: “%s” is not identity:limit"), key, entry);
			return FALSE;
		}
		*colon = '\0';
		g_strstrip (entry);
		if (!g_ascii_string_to_signed (g_strstrip (colon + 1), 10, min, max, &limit, &local_error)) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG, _("[rate-limit] %s-limits: %s: %s"), key,
				     entry, local_error->message);
			return FALSE;
		}
		g_hash_table_replace (limiter->limits, g_strdup (entry), GSIZE_TO_POINTER ((gsize) limit));
	}
	return TRUE;
}

ArtemisRateLimits *
artemis_rate_limits_new (const ArtemisConfig *config, ArtemisClockFunc clock, gpointer clock_data, GError **error)
{
	g_autoptr (ArtemisRateLimits) self = g_object_new (ARTEMIS_TYPE_RATE_LIMITS, NULL);
	const ArtemisRateLimitConfig *configs[ARTEMIS_N_RATE_LIMITERS] = {
		&config->rate_limit_registry,
		&config->rate_limit_cluster,
		&config->rate_limit_status,
		&config->rate_limit_management_group,
	};

	self->clock = clock;
	self->clock_data = clock_data;
	for (guint i = 0; i < ARTEMIS_N_RATE_LIMITERS; i++) {
		self->limiters[i].enabled = configs[i]->enabled;
		self->limiters[i].default_limit = configs[i]->default_limit;
		if (!parse_limits (&self->limiters[i], limiter_keys[i], configs[i]->limits, error))
			return NULL;
	}
	return g_steal_pointer (&self);
}

static Window *
window_for (Limiter *limiter, const char *identity)
{
	Window *window = g_hash_table_lookup (limiter->windows, identity);
	gpointer limit;

	if (window != NULL)
		return window;
	window = g_new0 (Window, 1);
	window->limit = g_hash_table_lookup_extended (limiter->limits, identity, NULL, &limit)
				? (gint64) GPOINTER_TO_SIZE (limit)
				: limiter->default_limit;
	for (guint i = 0; i < N_BUCKETS; i++)
		window->seconds[i] = G_MININT64;
	g_hash_table_insert (limiter->windows, g_strdup (identity), window);
	return window;
}

gboolean
artemis_rate_limits_allow (ArtemisRateLimits *self, ArtemisRateLimiter id, const char *identity)
{
	Limiter *limiter = &self->limiters[id];
	Window *window;
	gint64 second;
	guint bucket;
	gint64 total = 0;

	if (!limiter->enabled)
		return TRUE;
	window = window_for (limiter, identity);
	second = self->clock (self->clock_data) / 1000;
	bucket = (guint) (((second % N_BUCKETS) + N_BUCKETS) % N_BUCKETS);
	if (window->seconds[bucket] != second) {
		window->seconds[bucket] = second;
		window->counts[bucket] = 0;
	}
	for (guint i = 0; i < N_BUCKETS; i++) {
		if (window->seconds[i] > second - N_BUCKETS)
			total += window->counts[i];
	}
	if (total + 1 > window->limit) {
		window->refused++;
		return FALSE;
	}
	window->counts[bucket]++;
	return TRUE;
}

void
artemis_rate_limits_set_error (GError **error)
{
	g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_RATE_LIMITED, "Request is rate limited.");
}

void
artemis_rate_limits_collect (GString *out, gpointer user_data)
{
	ArtemisRateLimits *self = user_data;

	artemis_metrics_write_family (out, "artemis_rate_limited_total", "counter",
				      "Calls refused as rate-limited, by limiter and identity (those called so far).");
	for (guint i = 0; i < ARTEMIS_N_RATE_LIMITERS; i++) {
		GHashTableIter iter;
		gpointer identity, window;

		g_hash_table_iter_init (&iter, self->limiters[i].windows);
		while (g_hash_table_iter_next (&iter, &identity, &window)) {
			const char *labels[] = { "limiter", limiter_ids[i], "identity", identity, NULL };

			artemis_metrics_write_sample (out, "artemis_rate_limited_total", labels,
						      ((Window *) window)->refused);
		}
	}
}
