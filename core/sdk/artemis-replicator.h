/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-exports.h"
#include "artemis-plugin.h"
#include "artemis-replication-context.h"

G_BEGIN_DECLS

/**
 * ArtemisReplicationAction:
 * @ARTEMIS_REPLICATION_REGISTER: instances registered (`register.json`).
 * @ARTEMIS_REPLICATION_HEARTBEAT: leases renewed (`heartbeat.json`).
 * @ARTEMIS_REPLICATION_UNREGISTER: instances unregistered (`unregister.json`).
 *
 * What a client did on this node, forwarded to the peers' endpoint of the
 * same name under `/api/replication/registry/` (protocol §11.1).
 */
typedef enum {
	ARTEMIS_REPLICATION_REGISTER,
	ARTEMIS_REPLICATION_HEARTBEAT,
	ARTEMIS_REPLICATION_UNREGISTER,
} ArtemisReplicationAction;

/* "register", "heartbeat" or "unregister": the endpoint's name. */
ARTEMIS_EXPORT
const char *artemis_replication_action_to_string (ArtemisReplicationAction action);

#define ARTEMIS_TYPE_REPLICATOR (artemis_replicator_get_type ())
ARTEMIS_EXPORT
G_DECLARE_DERIVABLE_TYPE (ArtemisReplicator, artemis_replicator, ARTEMIS, REPLICATOR, ArtemisPlugin)

/**
 * ArtemisReplicatorClass:
 * @replicate: forwards what a client did on this node — never what a peer
 *   replicated to it — to the other nodes (protocol §11): @instances
 *   (#ArtemisInstance, borrowed: reference what you keep) succeeded in one
 *   client request of kind @action. Called on the main loop right after the
 *   registry took them. Must not block: queue, then send asynchronously;
 *   batching, retrying and bounding what waits are the replicator's job.
 *   Which peers to send to, and the wire format, come from the context
 *   (artemis_replicator_get_context()). Must not be NULL.
 * @bootstrap_async: fetches the registry content of a peer when the node
 *   starts (protocol §11.6). Called on the main loop, again every second
 *   until it succeeds, until the node is up; @callback runs on the main
 *   loop. May be NULL: the node then starts empty.
 * @bootstrap_finish: the instances fetched (#ArtemisInstance, a new array
 *   the caller owns: the node registers them without replicating them),
 *   or NULL with @error set when no peer gave any. Must be set when
 *   @bootstrap_async is.
 *
 * Replication of the registry between the nodes of a cluster, a plugin
 * kind. The node sets the context before it calls #ArtemisPluginClass.setup.
 */
struct _ArtemisReplicatorClass {
	ArtemisPluginClass parent_class;

	void (*replicate) (ArtemisReplicator *self, ArtemisReplicationAction action, GPtrArray *instances);
	void (*bootstrap_async) (ArtemisReplicator *self, GCancellable *cancellable, GAsyncReadyCallback callback,
				 gpointer user_data);
	GPtrArray *(*bootstrap_finish) (ArtemisReplicator *self, GAsyncResult *result, GError **error);

	/*< private >*/
	gpointer padding[8];
};

/**
 * artemis_replicator_replicate:
 * @instances: (element-type ArtemisInstance): what succeeded.
 */
ARTEMIS_EXPORT
void artemis_replicator_replicate (ArtemisReplicator *self, ArtemisReplicationAction action,
				   GPtrArray *instances);
/* Without bootstrap_async, completes at once with an empty array. */
ARTEMIS_EXPORT
void artemis_replicator_bootstrap_async (ArtemisReplicator *self, GCancellable *cancellable,
					 GAsyncReadyCallback callback, gpointer user_data);
/**
 * artemis_replicator_bootstrap_finish:
 *
 * Returns: (transfer full) (nullable) (element-type ArtemisInstance): the instances.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_replicator_bootstrap_finish (ArtemisReplicator *self, GAsyncResult *result,
						GError **error);
/**
 * artemis_replicator_get_context:
 *
 * Returns: (transfer none) (nullable): the node's context, NULL until the node set it.
 */
ARTEMIS_EXPORT
ArtemisReplicationContext *artemis_replicator_get_context (ArtemisReplicator *self);
/* Called by the node before setup. */
ARTEMIS_EXPORT
void artemis_replicator_set_context (ArtemisReplicator *self, ArtemisReplicationContext *context);

G_END_DECLS
