/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-core.h"
#include "artemis-server.h"
#include "artemis-storage.h"
#include "artemis-ws-hub.h"

G_BEGIN_DECLS

/**
 * ArtemisApp:
 *
 * Everything one artemisd node runs: the core objects and the HTTP server
 * with every API area's routes. The daemon's main() and the in-process API
 * tests both build one. Handlers reach the core through it.
 */
typedef struct {
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisChangeLog *change_log;
	ArtemisRegistry *registry;
	ArtemisDiscovery *discovery;
	ArtemisVersionedCache *versioned_cache;
	/* What operators pulled out, and the store it persists in (from artemis_app_start()). */
	ArtemisManagement *management;
	ArtemisStorage *storage;
	/* The plugins ([plugins] in the configuration) and what routes with them. */
	ArtemisPluginLoader *plugins;
	ArtemisRouter *router;
	ArtemisServer *server;
	/* The WebSocket sessions and the push of registry changes to them. */
	ArtemisWsHub *ws_hub;
} ArtemisApp;

/* Takes ownership of @config. Nothing listens or ticks until artemis_app_start(). */
ArtemisApp *artemis_app_new (ArtemisConfig *config);
void artemis_app_free (ArtemisApp *app);
/*
 * Opens the management store and loads it (failing when it cannot be used:
 * the node never serves without it), then listens on the configured address
 * and port and starts the periodic tasks.
 */
gboolean artemis_app_start (ArtemisApp *app, GError **error);
/* The base URL clients use (http://host:port/context/). */
char *artemis_app_get_base_url (ArtemisApp *app);

/* Each API area adds its routes (artemis-api-AREA.c). */
void artemis_api_registry_add_routes (ArtemisApp *app);
void artemis_api_discovery_add_routes (ArtemisApp *app);
void artemis_api_status_add_routes (ArtemisApp *app);
void artemis_api_route_add_routes (ArtemisApp *app);
void artemis_api_management_add_routes (ArtemisApp *app);
void artemis_api_zone_add_routes (ArtemisApp *app);
void artemis_api_log_add_routes (ArtemisApp *app);
void artemis_api_group_add_routes (ArtemisApp *app);
void artemis_api_canary_add_routes (ArtemisApp *app);
void artemis_api_websocket_add_routes (ArtemisApp *app);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisApp, artemis_app_free)

G_END_DECLS
