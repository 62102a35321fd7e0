/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-change-log.h"
#include "artemis-plugin.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_REPLICATOR (artemis_replicator_get_type ())
G_DECLARE_DERIVABLE_TYPE (ArtemisReplicator, artemis_replicator, ARTEMIS, REPLICATOR, ArtemisPlugin)

/**
 * ArtemisReplicatorClass:
 * @replicate: forwards @changes (#ArtemisChange, oldest first) that happened
 *   on this node — never those received from peers — to the peers. Called on
 *   the main loop in batches soon after the changes were appended to the
 *   change log. @changes is borrowed: reference what you keep. Must not
 *   block: queue, then send with an asynchronous #SoupSession; retrying and
 *   logging failures is the replicator's job. Must not be NULL.
 * @replicate_heartbeats: forwards the leases renewed on this node since the
 *   last call (@instances, #ArtemisInstance, borrowed), so that peers keep
 *   them alive. Called on the main loop, batched; must not block. May be
 *   NULL: peers then only learn of registrations and unregistrations.
 * @bootstrap_async: fetches the registry content from a peer when the node
 *   starts (spec §3.3 `services.json`). Called once on the main loop, after
 *   setup and before the node goes up; @callback runs on the main loop.
 *   May be NULL: the node starts empty.
 * @bootstrap_finish: the instances fetched (#ArtemisInstance, new array the
 *   caller owns), which the node registers before it serves; NULL with
 *   @error set when no peer answered. Must be set when @bootstrap_async is.
 *
 * Replication of the registry between the nodes of a cluster (spec §11), a
 * plugin kind. Which peers exist is the replicator's business (its
 * `[plugin NAME]` settings or the `[cluster]` configuration).
 */
struct _ArtemisReplicatorClass {
	ArtemisPluginClass parent_class;

	void (*replicate) (ArtemisReplicator *self, GPtrArray *changes);
	void (*replicate_heartbeats) (ArtemisReplicator *self, GPtrArray *instances);
	void (*bootstrap_async) (ArtemisReplicator *self, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer user_data);
	GPtrArray *(*bootstrap_finish) (ArtemisReplicator *self, GAsyncResult *result, GError **error);

	/*< private >*/
	gpointer padding[8];
};

void artemis_replicator_replicate (ArtemisReplicator *self, GPtrArray *changes);
/* Does nothing when the replicator does not forward heartbeats. */
void artemis_replicator_replicate_heartbeats (ArtemisReplicator *self, GPtrArray *instances);
/* Without bootstrap_async, completes at once with an empty array. */
void artemis_replicator_bootstrap_async (ArtemisReplicator *self, GCancellable *cancellable,
					 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *artemis_replicator_bootstrap_finish (ArtemisReplicator *self, GAsyncResult *result,
						GError **error);

G_END_DECLS
