/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-change-log.h"
#include "artemis-config.h"
#include "artemis-discovery.h"

G_BEGIN_DECLS

/* The changes of one service between two snapshot versions. */
typedef struct {
	char *service_id;
	GPtrArray *changes; /* ArtemisChange, `new` or `delete` */
} ArtemisServiceDelta;

void artemis_service_delta_free (ArtemisServiceDelta *delta);

#define ARTEMIS_TYPE_VERSIONED_CACHE (artemis_versioned_cache_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisVersionedCache, artemis_versioned_cache, ARTEMIS, VERSIONED_CACHE, GObject)

/*
 * Versioned snapshots of all services for services.json and
 * services-delta.json (protocol §6): refreshed periodically, the last
 * `cache-count` kept, each older one with its delta to the newest.
 */
ArtemisVersionedCache *artemis_versioned_cache_new (ArtemisDiscovery *discovery, const ArtemisConfig *config);
/* Schedules the refreshes on the thread-default main context. */
void artemis_versioned_cache_start (ArtemisVersionedCache *cache);
/* Takes a new snapshot now. */
void artemis_versioned_cache_refresh (ArtemisVersionedCache *cache);

/*
 * The newest snapshot's services (ArtemisService, each with ≥1 instance
 * after filtering, sorted by id), valid until the next refresh. Before the
 * first refresh they are computed on the spot and *@version is 0.
 */
GPtrArray *artemis_versioned_cache_get_services (ArtemisVersionedCache *cache, gint64 *version);
/*
 * The whole services.json answer of the newest snapshot (or, before the
 * first, of the state now), `{"responseStatus":…success…,"services":[…],
 * "version":…}`, made once and shared by every request until the next
 * snapshot (or state change).
 */
ArtemisBody *artemis_versioned_cache_get_services_body (ArtemisVersionedCache *cache);
/*
 * The delta (ArtemisServiceDelta) from @version to the newest snapshot, whose
 * version goes to *@new_version; NULL when @version is not a retained older
 * snapshot (unknown, evicted, 0 or the newest).
 */
GPtrArray *artemis_versioned_cache_get_delta (ArtemisVersionedCache *cache, gint64 version, gint64 *new_version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisServiceDelta, artemis_service_delta_free)

G_END_DECLS
