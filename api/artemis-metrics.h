/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_METRICS (artemis_metrics_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisMetrics, artemis_metrics, ARTEMIS, METRICS, GObject)

/*
 * The node's Prometheus metrics (`/metrics`, text format 0.0.4). What is
 * counted per event — requests by endpoint and status with their latency,
 * storage commits — is kept here, at the cost of a hash lookup and a few
 * additions; what is a state — instances, sockets, the safe checkers — is read
 * when scraped, by collectors. A subsystem with figures of its own (the lag
 * of replication, say) adds a collector and writes its families with
 * artemis_metrics_write_family() and artemis_metrics_write_sample().
 */
ArtemisMetrics *artemis_metrics_new (void);

/* An #ArtemisRequestObserver (artemis-server.h): @route is NULL when no route matched. */
void artemis_metrics_observe_request (const char *route, guint status, gint64 duration_us, gpointer metrics);
/* An #ArtemisStorageCommitObserver (artemis-storage.h). */
void artemis_metrics_observe_commit (gint64 duration_us, gboolean committed, gpointer metrics);

/* Appends whole metric families to @out at each scrape. */
typedef void (*ArtemisMetricsCollector) (GString *out, gpointer user_data);
void artemis_metrics_add_collector (ArtemisMetrics *metrics, ArtemisMetricsCollector collector, gpointer user_data,
				    GDestroyNotify destroy);

/* `# HELP` and `# TYPE` of a family (@type: counter, gauge, histogram). */
void artemis_metrics_write_family (GString *out, const char *name, const char *type, const char *help);
/* One sample; @labels is NULL or a NULL-terminated list of name, value, … (values are escaped). */
void artemis_metrics_write_sample (GString *out, const char *name, const char *const *labels, double value);

/* The whole exposition. */
GBytes *artemis_metrics_render (ArtemisMetrics *metrics);

G_END_DECLS
