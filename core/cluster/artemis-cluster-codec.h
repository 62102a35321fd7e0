/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-json-writer.h"
#include "artemis-node.h"

G_BEGIN_DECLS

/*
 * The wire format of the cluster and replication endpoints (protocol §2.8,
 * §3.3–§3.5), both directions: what this node answers and what it reads
 * from its peers' answers.
 */

/* ServiceNode `{"url","zone":{"metadata":null,"regionId","zoneId"}}`. */
void artemis_cluster_codec_write_node (ArtemisJsonWriter *writer, const char *url, const char *region_id,
				       const char *zone_id);
/* ServiceNodeStatus, with the node as above. */
void artemis_cluster_codec_write_node_status (ArtemisJsonWriter *writer, const char *url, const char *region_id,
					      const char *zone_id, const ArtemisNodeStatus *status);
/* `{"instances":[…]}`. */
GBytes *artemis_cluster_codec_encode_instances (GPtrArray *instances);

/* The `nodeStatus` of a successful `/api/status/node.json` answer; FALSE with @error otherwise. */
gboolean artemis_cluster_codec_decode_node_status (const char *data, gsize len, ArtemisNodeStatus *status,
						   GError **error);
/*
 * A replication register, heartbeat or unregister answer (protocol §11.4):
 * adds to @failures (#ArtemisReplicationFailure) the instances of @sent
 * that failed — all of them with the response's errorCode for `fail`, those
 * listed in `failedInstances` (matched by InstanceKey) for `partial_fail`.
 */
gboolean artemis_cluster_codec_decode_registry_response (const char *data, gsize len, GPtrArray *sent,
							 GPtrArray *failures, GError **error);
/* Every instance of a successful replication `services.json` answer (protocol §3.3); NULL with @error otherwise. */
GPtrArray *artemis_cluster_codec_decode_services (const char *data, gsize len, GError **error);

G_END_DECLS
