/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-server.h"
#include "artemis-storage.h"
#include "artemis-ws-hub.h"

G_BEGIN_DECLS

/*
 * The graceful stop of a node (SIGTERM). From now on every new request
 * and WebSocket upgrade is refused (503, see artemis_server_set_draining()),
 * every WebSocket is closed with 1001 (Going Away), the management writes
 * already in @writes commit, then the store closes (@storage may be NULL),
 * and the answers waiting on those writes go out. @callback runs once nothing
 * is left in flight, or after @timeout_ms at the latest.
 */
void artemis_drain_async (ArtemisServer *server, ArtemisWsHub *hub, ArtemisWriteQueue *writes,
			  ArtemisStorage *storage, guint timeout_ms, GAsyncReadyCallback callback, gpointer user_data);
/* FALSE when the timeout cut the drain short (something was still in flight). */
gboolean artemis_drain_finish (GAsyncResult *result);

G_END_DECLS
