/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-groups.h"
#include "artemis-instance.h"
#include "artemis-operation.h"
#include "artemis-registry.h"
#include "artemis-storage-record.h"
#include "artemis-write-queue.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_MANAGEMENT (artemis_management_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisManagement, artemis_management, ARTEMIS, MANAGEMENT, GObject)

/*
 * The management state of a node (protocol §9): which instances, servers and
 * service zones operators took out of traffic. It lives on the main loop,
 * mirrors what the store holds (the storage layer loads it at start-up and
 * applies every committed write), answers the down predicate of protocol §7.3
 * for the management filter, and turns each change into pushes on the
 * registry's change log: `delete` when a registered instance goes down,
 * `new` when it comes back, `reload` for a service whose zone changed.
 * Every change emits `changed` (discovery drops its cached answers).
 *
 * Groups, route rules and logical instances are the state of its
 * ArtemisGroups (artemis_management_get_groups()), fed the same way; group
 * operations join the down predicate (§7.3 rule 4).
 */
ArtemisManagement *artemis_management_new (ArtemisRegistry *registry);
ArtemisRegistry *artemis_management_get_registry (ArtemisManagement *management);
/* The group and route-rule state (protocol §9.3–§9.9); owned by @management. */
ArtemisGroups *artemis_management_get_groups (ArtemisManagement *management);
/*
 * The one path of every write to this state: submit a prepare function;
 * the queue commits through the store set on it and applies here
 * (artemis_management_apply()), one request at a time.
 */
ArtemisWriteQueue *artemis_management_get_write_queue (ArtemisManagement *management);
/*
 * [management] max-batch-size: the rows, ids, tags, operations or IPs one
 * request may carry (G_MAXUINT until set); past it a request is refused.
 */
void artemis_management_set_max_batch_size (ArtemisManagement *management, guint max_batch_size);
guint artemis_management_get_max_batch_size (ArtemisManagement *management);

/* ---- reads ------------------------------------------------------------- */

/* The operations in force on @key (case-insensitive), or NULL; owned by @management. */
const ArtemisOperations *artemis_management_lookup (ArtemisManagement *management, const ArtemisOperationKey *key);
/*
 * Every ArtemisOperations of @target (borrowed, in a new array) sorted by
 * key; with @region_id only those whose region equals it exactly (spec
 * §3.6: case-sensitive), all when it is NULL or blank.
 */
GPtrArray *artemis_management_list (ArtemisManagement *management, ArtemisOperationTarget target,
				    const char *region_id);
/* Whether an operation is in force on @key. */
gboolean artemis_management_is_down (ArtemisManagement *management, const ArtemisOperationKey *key);
/*
 * The down predicate of protocol §7.3: an operation on the instance's
 * InstanceKey, on its ServerKey (region, ip) or on its ZoneKey (region,
 * service, zone), all case-insensitive, or on its group (rule 4, see
 * artemis_groups_is_instance_down()). Cheap when nothing is pulled out.
 * The push path uses it to drop a `new` for an instance that is down (§4.5).
 */
gboolean artemis_management_is_instance_down (ArtemisManagement *management, const ArtemisInstance *instance);

/* ---- writes ------------------------------------------------------------ */

/*
 * Management writes need the node `up` (protocol §10.3): fails with
 * ARTEMIS_ERROR_UNAVAILABLE "Serivce is not in up state. Current status: …".
 */
gboolean artemis_management_check_writable (ArtemisManagement *management, GError **error);
/*
 * What pulling out (@complete FALSE) or completing (@complete TRUE) every
 * operation of @operations (ArtemisOperations, checked by the caller)
 * writes, in one transaction: per operation the state row (put or delete)
 * and its audit log row, with @operator_id and @token. Values are trimmed.
 * Returns ArtemisStorageWrite: prepare them in the write queue's turn.
 */
GPtrArray *artemis_management_prepare_writes (ArtemisManagement *management, GPtrArray *operations,
					      gboolean complete, const char *operator_id, const char *token);
/* Applies committed ArtemisStorageWrite (log rows are ignored), groups' too: state, pushes, `changed`. */
void artemis_management_apply (ArtemisManagement *management, GPtrArray *writes);
/*
 * Replaces the whole state of @kind by @records (ArtemisStorageRecord, as
 * loaded from the store), pushing what changed: the start-up load and
 * changes made by other nodes of a shared store.
 */
void artemis_management_replace (ArtemisManagement *management, ArtemisStorageKind kind, GPtrArray *records);

/* The state kind holding operations of @target, and the log kind recording them. */
ArtemisStorageKind artemis_management_get_state_kind (ArtemisOperationTarget target);
ArtemisStorageKind artemis_management_get_log_kind (ArtemisOperationTarget target);
/* The ArtemisStorageField holding @target's id (instanceId, serverId, zoneId). */
ArtemisStorageField artemis_management_get_id_field (ArtemisOperationTarget target);

G_END_DECLS
