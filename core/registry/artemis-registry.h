/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-change-log.h"
#include "artemis-clock.h"
#include "artemis-config.h"
#include "artemis-instance.h"
#include "artemis-node.h"
#include "artemis-replicator.h"
#include "artemis-safe-checker.h"
#include "artemis-service.h"

G_BEGIN_DECLS

typedef enum {
	ARTEMIS_LEASE_POOL_NORMAL,
	ARTEMIS_LEASE_POOL_LEGACY, /* instances with metadata.java_registry */
	ARTEMIS_N_LEASE_POOLS,
} ArtemisLeasePool;

typedef enum {
	ARTEMIS_REGISTRY_REGISTER,
	ARTEMIS_REGISTRY_HEARTBEAT,
	ARTEMIS_REGISTRY_UNREGISTER,
} ArtemisRegistryAction;

/* Where a registry request comes from: peers skip the status and zone checks. */
typedef enum {
	ARTEMIS_REGISTRY_FROM_CLIENT,
	ARTEMIS_REGISTRY_FROM_PEER,
} ArtemisRegistrySource;

/**
 * ArtemisFailedInstance:
 * @instance: the instance as received.
 * @error_code: the protocol errorCode (static string).
 * @message: `"<instance path>: <reason>"`.
 */
typedef struct {
	ArtemisInstance *instance;
	const char *error_code;
	char *message;
} ArtemisFailedInstance;

void artemis_failed_instance_free (ArtemisFailedInstance *failed);

/* A read-only view of one lease, for status reports. */
typedef struct {
	ArtemisInstance *instance;
	gint64 creation_ms;
	gint64 renewal_ms;
	gint64 eviction_ms;
	gint64 ttl_ms;
} ArtemisLeaseInfo;

typedef void (*ArtemisLeaseFunc) (const char *service_id, const ArtemisLeaseInfo *lease, gpointer user_data);

#define ARTEMIS_TYPE_REGISTRY (artemis_registry_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisRegistry, artemis_registry, ARTEMIS, REGISTRY, GObject)

/*
 * The live registry: services → instances under TTL leases (protocol §5).
 * Services and instances are keyed case-insensitively; payloads keep the
 * case they were registered with. Every mutation is appended to @log.
 * Owned by the main loop; not thread-safe.
 */
ArtemisRegistry *artemis_registry_new (const ArtemisConfig *config, ArtemisNode *node, ArtemisChangeLog *log);
void artemis_registry_set_clock (ArtemisRegistry *registry, ArtemisClockFunc clock, gpointer user_data);
gint64 artemis_registry_now (ArtemisRegistry *registry);
/* Starts the periodic expiry sweeps and safe checks on the thread-default main context. */
void artemis_registry_start (ArtemisRegistry *registry);
ArtemisChangeLog *artemis_registry_get_change_log (ArtemisRegistry *registry);
ArtemisNode *artemis_registry_get_node (ArtemisRegistry *registry);

/* [registry] max-instances-per-request: more get bad-request from artemis_registry_handle(). */
guint artemis_registry_get_max_instances_per_request (ArtemisRegistry *registry);
/* [registry] max-answer-size: the bytes a registry answer may take, echoed failures included. */
gsize artemis_registry_get_max_answer_size (ArtemisRegistry *registry);
/*
 * Processes a register, heartbeat or unregister request (protocol §5.2).
 * Whole-request failures (empty list, more instances than
 * [registry] max-instances-per-request or one larger than
 * max-instance-size: bad-request; node not serving: unavailable) return
 * NULL and set @error, having changed nothing. Otherwise returns the
 * failed instances (an empty array when all succeeded); NULL elements are
 * skipped.
 */
GPtrArray *artemis_registry_handle (ArtemisRegistry *registry, ArtemisRegistryAction action,
				    ArtemisRegistrySource source, GPtrArray *instances, GError **error);

/*
 * From now on every register, heartbeat and unregister a client makes
 * (FROM_CLIENT) hands the instances that succeeded to @replicator (NULL:
 * none); what peers send (FROM_PEER) never is (protocol §11.5).
 */
void artemis_registry_set_replicator (ArtemisRegistry *registry, ArtemisReplicator *replicator);

/* The building blocks, without validation. */
void artemis_registry_register (ArtemisRegistry *registry, ArtemisInstance *instance);
gboolean artemis_registry_renew (ArtemisRegistry *registry, ArtemisInstance *instance);
void artemis_registry_unregister (ArtemisRegistry *registry, ArtemisInstance *instance);

/* Runs the expiry sweep of every pool now; returns the number of leases removed. */
guint artemis_registry_clean (ArtemisRegistry *registry);
/* Runs the safe check of every pool now. */
void artemis_registry_check_safety (ArtemisRegistry *registry);

/*
 * The instances of a service (new array of references, NULL when the service
 * is unknown); *@stored_service_id gets the id as first registered.
 */
GPtrArray *artemis_registry_get_instances (ArtemisRegistry *registry, const char *service_id,
					   const char **stored_service_id);
/* The ids (as stored) of every service with at least one lease, sorted. */
GPtrArray *artemis_registry_list_services (ArtemisRegistry *registry);
/*
 * The registry as stored, for a peer's bootstrap (protocol §3.3): every
 * service with a lease, by id, its instances by id as registered (expired leases
 * not yet swept included), other lists NULL. A new array of ArtemisService.
 */
GPtrArray *artemis_registry_dup_contents (ArtemisRegistry *registry);
/*
 * A number that changes whenever the instances of @service_id change
 * (never reused, even across services); 0 for an unknown service.
 */
guint64 artemis_registry_get_service_version (ArtemisRegistry *registry, const char *service_id);
/* The number of services artemis_registry_list_services() lists, without listing them. */
guint artemis_registry_get_n_services (ArtemisRegistry *registry);
/* Changes with every membership or payload change of any service. */
guint64 artemis_registry_get_version (ArtemisRegistry *registry);
guint artemis_registry_get_n_instances (ArtemisRegistry *registry);
/* Services with at least one lease. */
guint artemis_registry_get_n_services (ArtemisRegistry *registry);
/* Leases removed because they expired, since start. */
guint64 artemis_registry_get_n_expired (ArtemisRegistry *registry);

void artemis_registry_foreach_lease (ArtemisRegistry *registry, ArtemisLeasePool pool, ArtemisLeaseFunc func,
				     gpointer user_data);
const ArtemisSafeChecker *artemis_registry_get_safe_checker (ArtemisRegistry *registry, ArtemisLeasePool pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisFailedInstance, artemis_failed_instance_free)

G_END_DECLS
