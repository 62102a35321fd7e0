/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ArtemisOperationTarget:
 * @ARTEMIS_OPERATION_TARGET_INSTANCE: one instance (InstanceKey: region, service, instanceId).
 * @ARTEMIS_OPERATION_TARGET_SERVER: every instance of a server (ServerKey: region, serverId = ip).
 * @ARTEMIS_OPERATION_TARGET_ZONE: every instance of a service in a zone (ZoneKey: region, service, zoneId).
 *
 * What a management operation takes out of traffic (protocol §9.1, §9.2).
 */
typedef enum {
	ARTEMIS_OPERATION_TARGET_INSTANCE,
	ARTEMIS_OPERATION_TARGET_SERVER,
	ARTEMIS_OPERATION_TARGET_ZONE,
	ARTEMIS_N_OPERATION_TARGETS,
} ArtemisOperationTarget;

/**
 * ArtemisOperationKey:
 * @target: what the key names.
 * @region_id: the region.
 * @service_id: the service; NULL for a server.
 * @id: the instanceId, the serverId (an IP) or the zoneId.
 *
 * An InstanceKey, ServerKey or ZoneKey (protocol §2.2). Keys are equal when
 * their parts are, ignoring case (artemis_operation_key_get_identity()).
 */
typedef struct {
	ArtemisOperationTarget target;
	char *region_id;
	char *service_id;
	char *id;
} ArtemisOperationKey;

ArtemisOperationKey *artemis_operation_key_new (ArtemisOperationTarget target, const char *region_id,
						const char *service_id, const char *id);
ArtemisOperationKey *artemis_operation_key_copy (const ArtemisOperationKey *key);
void artemis_operation_key_free (ArtemisOperationKey *key);
/* The lower-case parts joined: equal for keys that are equal. */
char *artemis_operation_key_get_identity (const ArtemisOperationKey *key);
/* The identity of the key with these parts (@service_id is ignored for a server). */
char *artemis_operation_identity (ArtemisOperationTarget target, const char *region_id, const char *service_id,
				  const char *id);
/*
 * Fails with ARTEMIS_ERROR_BAD_REQUEST `<part> is null or empty` (Java's
 * messages, e.g. "serviceId is null or empty") naming the first blank part.
 */
gboolean artemis_operation_key_check (const ArtemisOperationKey *key, GError **error);

/**
 * ArtemisOperations:
 * @key: what the operations apply to.
 * @operations: the operation names (char *), each once, ignoring case.
 *
 * InstanceOperations, ServerOperations or ZoneOperations: every operation
 * in force on one key. Any operation takes the target out of traffic; the
 * names only tell operators apart.
 */
typedef struct {
	ArtemisOperationKey *key;
	GPtrArray *operations;
} ArtemisOperations;

/* Takes @key; no operations yet. */
ArtemisOperations *artemis_operations_new (ArtemisOperationKey *key);
void artemis_operations_free (ArtemisOperations *operations);
/* Adds @operation unless present (ignoring ASCII case, as the store does); whether it was added. */
gboolean artemis_operations_add (ArtemisOperations *operations, const char *operation);
/* Whether @operation is in force (ignoring ASCII case). */
gboolean artemis_operations_contains (const ArtemisOperations *operations, const char *operation);
/* Removes @operation (ignoring ASCII case); whether it was there. */
gboolean artemis_operations_remove (ArtemisOperations *operations, const char *operation);
/*
 * The key (artemis_operation_key_check()) and every operation name
 * non-blank ("operation is null or empty"); at least one operation
 * ("operations is null or empty").
 */
gboolean artemis_operations_check (const ArtemisOperations *operations, GError **error);

/*
 * Who writes: @operator_id non-blank ("operatorId is null or empty") and a
 * @token, possibly empty ("token is null"); both go to the audit log.
 */
gboolean artemis_operation_check_operator (const char *operator_id, const char *token, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisOperationKey, artemis_operation_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisOperations, artemis_operations_free)

G_END_DECLS
