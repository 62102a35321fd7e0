/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-server.h"
#include "artemis-ws-hub.h"

G_BEGIN_DECLS

/*
 * A configuration reload (SIGHUP): of what differs between the running
 * @config and @new_config (read again from the same file and command
 * line), applies what a node can change while it runs — [log] debug,
 * [server] max-body-size, the [websocket] limits and session-ttl — to
 * @config and to the objects that copied it, and logs each difference:
 * applied, or kept at its running value until a restart. @config stays
 * what the node runs with (/api/status/config.json shows it). Returns the
 * number of changes applied.
 */
guint artemis_reload_apply (ArtemisConfig *config, const ArtemisConfig *new_config, ArtemisServer *server,
			    ArtemisWsHub *hub);

/* Whether the key `group.key` changes on a reload (TRUE) or needs a restart. */
gboolean artemis_reload_is_live (const char *name);

G_END_DECLS
