/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "artemis-metrics.h"

/* Upper bounds of the latency buckets, in µs: 100 µs (a cached lookup) to 10 s. */
static const gint64 bucket_bounds_us[] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000,
	10000000,
};
#define N_BUCKETS G_N_ELEMENTS (bucket_bounds_us)

typedef struct {
	guint64 buckets[N_BUCKETS]; /* not cumulative: summed when rendered */
	guint64 count;
	gint64 sum_us;
} Histogram;

typedef struct {
	guint status;
	guint64 count;
} StatusCount;

typedef struct {
	char *endpoint;
	GArray *statuses; /* StatusCount, a handful at most: searched in order */
	Histogram latency;
} Endpoint;

typedef struct {
	ArtemisMetricsCollector func;
	gpointer user_data;
	GDestroyNotify destroy;
} Collector;

struct _ArtemisMetrics {
	GObject parent_instance;

	/* Route paths are the server's own strings, stable for its life: keyed by pointer. */
	GHashTable *endpoints; /* route → Endpoint */
	Endpoint *unmatched;
	Histogram commit_latency;
	guint64 commit_failures;
	GArray *collectors; /* Collector */
};

G_DEFINE_FINAL_TYPE (ArtemisMetrics, artemis_metrics, G_TYPE_OBJECT)

static Endpoint *
endpoint_new (const char *name)
{
	Endpoint *endpoint = g_new0 (Endpoint, 1);

	endpoint->endpoint = g_strdup (name);
	endpoint->statuses = g_array_sized_new (FALSE, FALSE, sizeof (StatusCount), 2);
	return endpoint;
}

static void
endpoint_free (Endpoint *endpoint)
{
	g_array_unref (endpoint->statuses);
	g_free (endpoint->endpoint);
	g_free (endpoint);
}

static void
artemis_metrics_finalize (GObject *object)
{
	ArtemisMetrics *self = ARTEMIS_METRICS (object);

	for (guint i = 0; i < self->collectors->len; i++) {
		Collector *collector = &g_array_index (self->collectors, Collector, i);

		if (collector->destroy != NULL)
			collector->destroy (collector->user_data);
	}
	g_array_unref (self->collectors);
	g_hash_table_unref (self->endpoints);
	endpoint_free (self->unmatched);
	G_OBJECT_CLASS (artemis_metrics_parent_class)->finalize (object);
}

static void
artemis_metrics_class_init (ArtemisMetricsClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_metrics_finalize;
}

static void
artemis_metrics_init (ArtemisMetrics *self)
{
	self->endpoints = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) endpoint_free);
	self->unmatched = endpoint_new ("unmatched");
	self->collectors = g_array_new (FALSE, FALSE, sizeof (Collector));
}

ArtemisMetrics *
artemis_metrics_new (void)
{
	return g_object_new (ARTEMIS_TYPE_METRICS, NULL);
}

static void
histogram_observe (Histogram *histogram, gint64 value_us)
{
	guint i = 0;

	while (i < N_BUCKETS && value_us > bucket_bounds_us[i])
		i++;
	if (i < N_BUCKETS)
		histogram->buckets[i]++;
	histogram->count++;
	histogram->sum_us += value_us;
}

void
artemis_metrics_observe_request (const char *route, guint status, gint64 duration_us, gpointer user_data)
{
	ArtemisMetrics *self = user_data;
	Endpoint *endpoint = self->unmatched;
	guint i;

	if (route != NULL) {
		endpoint = g_hash_table_lookup (self->endpoints, route);
		if (endpoint == NULL) {
			endpoint = endpoint_new (route);
			g_hash_table_insert (self->endpoints, (gpointer) route, endpoint);
		}
	}
	for (i = 0; i < endpoint->statuses->len; i++) {
		StatusCount *count = &g_array_index (endpoint->statuses, StatusCount, i);

		if (count->status == status) {
			count->count++;
			break;
		}
	}
	if (i == endpoint->statuses->len) {
		StatusCount count = { status, 1 };

		g_array_append_val (endpoint->statuses, count);
	}
	histogram_observe (&endpoint->latency, duration_us);
}

void
artemis_metrics_observe_commit (gint64 duration_us, gboolean committed, gpointer user_data)
{
	ArtemisMetrics *self = user_data;

	histogram_observe (&self->commit_latency, duration_us);
	if (!committed)
		self->commit_failures++;
}

void
artemis_metrics_add_collector (ArtemisMetrics *self, ArtemisMetricsCollector func, gpointer user_data,
			       GDestroyNotify destroy)
{
	Collector collector = { func, user_data, destroy };

	g_array_append_val (self->collectors, collector);
}

void
artemis_metrics_write_family (GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
append_label_value (GString *out, const char *value)
{
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			g_string_append_c (out, '\\');
		if (*p == '\n')
			g_string_append (out, "\\n");
		else
			g_string_append_c (out, *p);
	}
}

void
artemis_metrics_write_sample (GString *out, const char *name, const char *const *labels, double value)
{
	char number[G_ASCII_DTOSTR_BUF_SIZE];

	g_string_append (out, name);
	if (labels != NULL && labels[0] != NULL) {
		g_string_append_c (out, '{');
		for (guint i = 0; labels[i] != NULL && labels[i + 1] != NULL; i += 2) {
			g_string_append_printf (out, "%s%s=\"", i > 0 ? "," : "", labels[i]);
			append_label_value (out, labels[i + 1]);
			g_string_append_c (out, '"');
		}
		g_string_append_c (out, '}');
	}
	/* Counts as integers; other values short, and locale-independent. */
	if (value == (gint64) value && ABS (value) < 1e15)
		g_string_append_printf (out, " %" G_GINT64_FORMAT "\n", (gint64) value);
	else
		g_string_append_printf (out, " %s\n", g_ascii_formatd (number, sizeof number, "%.9g", value));
}

/* The samples of @histogram as family @name, with @label_name=@label_value when not NULL. */
static void
write_histogram (GString *out, const char *name, const char *label_name, const char *label_value,
		 const Histogram *histogram)
{
	g_autofree char *bucket = g_strconcat (name, "_bucket", NULL);
	g_autofree char *sum = g_strconcat (name, "_sum", NULL);
	g_autofree char *count = g_strconcat (name, "_count", NULL);
	const char *labels[] = { label_name, label_value, NULL };
	const char *bucket_labels[5] = { NULL };
	guint le = 0;
	guint64 cumulative = 0;
	char bound[G_ASCII_DTOSTR_BUF_SIZE];

	if (label_name != NULL) {
		bucket_labels[le++] = label_name;
		bucket_labels[le++] = label_value;
	}
	bucket_labels[le++] = "le";
	for (guint i = 0; i <= N_BUCKETS; i++) {
		if (i < N_BUCKETS) {
			cumulative += histogram->buckets[i];
			bucket_labels[le] = g_ascii_formatd (bound, sizeof bound, "%g", bucket_bounds_us[i] / 1e6);
		} else {
			cumulative = histogram->count;
			bucket_labels[le] = "+Inf";
		}
		artemis_metrics_write_sample (out, bucket, bucket_labels, cumulative);
	}
	artemis_metrics_write_sample (out, sum, labels, histogram->sum_us / 1e6);
	artemis_metrics_write_sample (out, count, labels, histogram->count);
}

static int
compare_endpoints (gconstpointer a, gconstpointer b)
{
	const Endpoint *const *x = a;
	const Endpoint *const *y = b;

	return strcmp ((*x)->endpoint, (*y)->endpoint);
}

/* Endpoints that were called, sorted by name, "unmatched" among them when it was. */
static GPtrArray *
sorted_endpoints (ArtemisMetrics *self)
{
	GPtrArray *endpoints = g_ptr_array_new ();
	GHashTableIter iter;
	gpointer endpoint;

	g_hash_table_iter_init (&iter, self->endpoints);
	while (g_hash_table_iter_next (&iter, NULL, &endpoint))
		g_ptr_array_add (endpoints, endpoint);

	if (self->unmatched->latency.count > 0)
		g_ptr_array_add (endpoints, self->unmatched);
	g_ptr_array_sort (endpoints, compare_endpoints);
	return endpoints;
}

static void
write_requests (ArtemisMetrics *self, GString *out)
{
	g_autoptr (GPtrArray) endpoints = sorted_endpoints (self);

	artemis_metrics_write_family (out, "artemis_http_requests_total", "counter",
				      "HTTP requests answered, by endpoint (route path) and status.");
	for (guint i = 0; i < endpoints->len; i++) {
		Endpoint *endpoint = g_ptr_array_index (endpoints, i);

		for (guint j = 0; j < endpoint->statuses->len; j++) {
			StatusCount *count = &g_array_index (endpoint->statuses, StatusCount, j);
			char code[16];
			const char *labels[] = { "endpoint", endpoint->endpoint, "code", code, NULL };

			g_snprintf (code, sizeof code, "%u", count->status);
			artemis_metrics_write_sample (out, "artemis_http_requests_total", labels, count->count);
		}
	}
	artemis_metrics_write_family (out, "artemis_http_request_duration_seconds", "histogram",
				      "Time from dispatch to the end of the answer, by endpoint.");
	for (guint i = 0; i < endpoints->len; i++) {
		Endpoint *endpoint = g_ptr_array_index (endpoints, i);

		write_histogram (out, "artemis_http_request_duration_seconds", "endpoint", endpoint->endpoint,
				 &endpoint->latency);
	}
}

GBytes *
artemis_metrics_render (ArtemisMetrics *self)
{
	GString *out = g_string_sized_new (8192);

	write_requests (self, out);
	artemis_metrics_write_family (out, "artemis_storage_commit_duration_seconds", "histogram",
				      "Time a management write took to commit to the store, queueing included.");
	write_histogram (out, "artemis_storage_commit_duration_seconds", NULL, NULL, &self->commit_latency);
	artemis_metrics_write_family (out, "artemis_storage_commit_failures_total", "counter",
				      "Management writes the store failed to commit.");
	artemis_metrics_write_sample (out, "artemis_storage_commit_failures_total", NULL, self->commit_failures);
	for (guint i = 0; i < self->collectors->len; i++) {
		Collector *collector = &g_array_index (self->collectors, Collector, i);

		collector->func (out, collector->user_data);
	}
	return g_string_free_to_bytes (out);
}
