/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-api.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_DAEMON (artemis_daemon_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisDaemon, artemis_daemon, ARTEMIS, DAEMON, GObject)

/*
 * One artemisd node: it builds the core objects from the configuration,
 * loads the plugins, opens the management store, and gives each API area
 * only the parts it needs. The daemon's main() and the in-process tests
 * both build one.
 */

/* Takes ownership of @config. Nothing listens or ticks until artemis_daemon_start(). */
ArtemisDaemon *artemis_daemon_new (ArtemisConfig *config);
/*
 * Opens the management store and loads it (failing when it cannot be used:
 * the node never serves without it), adds every API area's routes, then
 * listens on the configured address and port and starts the periodic tasks.
 */
gboolean artemis_daemon_start (ArtemisDaemon *daemon, GError **error);

const ArtemisConfig *artemis_daemon_get_config (ArtemisDaemon *daemon);
/*
 * A configuration reload: applies what can change while the node runs
 * from @new_config (see artemis_reload_apply()); returns how many changes.
 */
guint artemis_daemon_reload (ArtemisDaemon *daemon, const ArtemisConfig *new_config);
/*
 * Stops taking new work and finishes what is in flight (see
 * artemis_drain_async()), at most @timeout_ms; then @callback.
 */
void artemis_daemon_drain_async (ArtemisDaemon *daemon, guint timeout_ms, GAsyncReadyCallback callback,
				 gpointer user_data);
/* TRUE when everything finished in time. */
gboolean artemis_daemon_drain_finish (ArtemisDaemon *daemon, GAsyncResult *result);
/* The base URL clients use (http://host:port/context/). */
const char *artemis_daemon_get_url (ArtemisDaemon *daemon);
/* The port listened on, once started. */
guint artemis_daemon_get_port (ArtemisDaemon *daemon);

/* The parts, for tests and exporters that read the node's state (borrowed). */
ArtemisNode *artemis_daemon_get_node (ArtemisDaemon *daemon);
ArtemisCluster *artemis_daemon_get_cluster (ArtemisDaemon *daemon);
ArtemisChangeLog *artemis_daemon_get_change_log (ArtemisDaemon *daemon);
ArtemisRegistry *artemis_daemon_get_registry (ArtemisDaemon *daemon);
ArtemisVersionedCache *artemis_daemon_get_versioned_cache (ArtemisDaemon *daemon);
ArtemisManagement *artemis_daemon_get_management (ArtemisDaemon *daemon);
ArtemisRouter *artemis_daemon_get_router (ArtemisDaemon *daemon);
ArtemisWsHub *artemis_daemon_get_ws_hub (ArtemisDaemon *daemon);
/* Where a subsystem adds its own figures (artemis_metrics_add_collector()). */
ArtemisMetrics *artemis_daemon_get_metrics (ArtemisDaemon *daemon);
/* NULL until started. */
ArtemisRateLimits *artemis_daemon_get_rate_limits (ArtemisDaemon *daemon);
/* NULL until started. */
ArtemisStorage *artemis_daemon_get_storage (ArtemisDaemon *daemon);

G_END_DECLS
