/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <artemis.h>

G_BEGIN_DECLS

#define ARTEMIS_TYPE_REPLICATION_PEER_PLUGIN (artemis_replication_peer_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisReplicationPeerPlugin, artemis_replication_peer_plugin, ARTEMIS,
		      REPLICATION_PEER_PLUGIN, ArtemisReplicator)

G_END_DECLS
