/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-exports.h"
#include "artemis-instance.h"

G_BEGIN_DECLS

/**
 * ArtemisReplicationFailure:
 * @instance: the instance a peer did not take (borrowed from the request).
 * @error_code: the protocol `errorCode` the peer gave it (`unknown` when
 *   the request as a whole failed).
 *
 * One instance of a replication request that did not succeed on a peer.
 */
typedef struct {
	ArtemisInstance *instance;
	char *error_code;
} ArtemisReplicationFailure;

#define ARTEMIS_TYPE_REPLICATION_CONTEXT (artemis_replication_context_get_type ())
ARTEMIS_EXPORT
G_DECLARE_DERIVABLE_TYPE (ArtemisReplicationContext, artemis_replication_context, ARTEMIS, REPLICATION_CONTEXT,
			  GObject)

/**
 * ArtemisReplicationContextClass:
 * @dup_targets: the base URLs (ending in `/`) of the other nodes that can
 *   take registry writes now (protocol §11.2: their last polled status can
 *   serve registry). Must not be NULL.
 * @dup_bootstrap_peers: the base URLs of the other nodes whose status is
 *   `up`, nodes of this node's zone first (protocol §11.6). Must not be NULL.
 * @get_region_id: this node's region. Must not be NULL.
 * @get_zone_id: this node's zone. Must not be NULL.
 * @encode_instances: the body of a replication request,
 *   `{"instances":[…]}`, in the wire format. Must not be NULL.
 * @decode_registry_response: reads a register, heartbeat or unregister
 *   response of a peer and fills @failures (#ArtemisReplicationFailure) with
 *   the instances of @sent that failed (protocol §11.4). FALSE with @error
 *   set when the body is not such a response. Must not be NULL.
 * @decode_services: reads a `services.json` bootstrap response: every
 *   instance of every service (new array), or NULL with @error set when the
 *   body is not a successful answer. Must not be NULL.
 *
 * What a replicator may ask of its node: which peers to send to, and the
 * wire format of the replication endpoints. The node provides it; every
 * call happens on the main loop.
 */
struct _ArtemisReplicationContextClass {
	GObjectClass parent_class;

	GStrv (*dup_targets) (ArtemisReplicationContext *self);
	GStrv (*dup_bootstrap_peers) (ArtemisReplicationContext *self);
	const char *(*get_region_id) (ArtemisReplicationContext *self);
	const char *(*get_zone_id) (ArtemisReplicationContext *self);
	GBytes *(*encode_instances) (ArtemisReplicationContext *self, GPtrArray *instances);
	gboolean (*decode_registry_response) (ArtemisReplicationContext *self, GBytes *body, GPtrArray *sent,
					      GPtrArray *failures, GError **error);
	GPtrArray *(*decode_services) (ArtemisReplicationContext *self, GBytes *body, GError **error);

	/*< private >*/
	gpointer padding[8];
};

/**
 * artemis_replication_context_dup_targets:
 *
 * Returns: (transfer full): base URLs, possibly none.
 */
ARTEMIS_EXPORT
GStrv artemis_replication_context_dup_targets (ArtemisReplicationContext *self);
/**
 * artemis_replication_context_dup_bootstrap_peers:
 *
 * Returns: (transfer full): base URLs, possibly none.
 */
ARTEMIS_EXPORT
GStrv artemis_replication_context_dup_bootstrap_peers (ArtemisReplicationContext *self);
ARTEMIS_EXPORT
const char *artemis_replication_context_get_region_id (ArtemisReplicationContext *self);
ARTEMIS_EXPORT
const char *artemis_replication_context_get_zone_id (ArtemisReplicationContext *self);
/**
 * artemis_replication_context_encode_instances:
 * @instances: (element-type ArtemisInstance): what to send.
 *
 * Returns: (transfer full): the JSON body `{"instances":[…]}`.
 */
ARTEMIS_EXPORT
GBytes *artemis_replication_context_encode_instances (ArtemisReplicationContext *self, GPtrArray *instances);
/**
 * artemis_replication_context_decode_registry_response:
 * @sent: (element-type ArtemisInstance): the instances of the request.
 * @failures: (element-type ArtemisReplicationFailure): where the failed ones go;
 *   create it with artemis_replication_failure_array_new().
 */
ARTEMIS_EXPORT
gboolean artemis_replication_context_decode_registry_response (ArtemisReplicationContext *self, GBytes *body,
							       GPtrArray *sent, GPtrArray *failures,
							       GError **error);
/**
 * artemis_replication_context_decode_services:
 *
 * Returns: (transfer full) (nullable) (element-type ArtemisInstance): the instances.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_replication_context_decode_services (ArtemisReplicationContext *self, GBytes *body,
							GError **error);

/**
 * artemis_replication_failure_array_new:
 *
 * Returns: (transfer full) (element-type ArtemisReplicationFailure): an
 *   empty array that frees its failures.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_replication_failure_array_new (void);
/* Adds a failure of @instance (referenced) with @error_code (copied). */
/**
 * artemis_replication_failure_array_add:
 * @failures: (element-type ArtemisReplicationFailure): from artemis_replication_failure_array_new().
 */
ARTEMIS_EXPORT
void artemis_replication_failure_array_add (GPtrArray *failures, ArtemisInstance *instance,
					    const char *error_code);

G_END_DECLS
