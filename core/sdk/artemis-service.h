/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib-object.h>

#include "artemis-instance.h"

G_BEGIN_DECLS

/**
 * ArtemisServiceGroup:
 *
 * One group of a route rule (protocol §2.4): a weighted slice of a service's
 * instances. @instance_ids and @instances and @metadata may be NULL (written
 * as JSON null); @metadata holds key, value, key, value… strings.
 */
typedef struct {
	char *group_key;
	GPtrArray *instance_ids;
	GPtrArray *instances;
	GPtrArray *metadata;
	gboolean has_weight;
	gint weight;
} ArtemisServiceGroup;

ARTEMIS_EXPORT
ArtemisServiceGroup *artemis_service_group_new (const char *group_key);
/* A deep copy; instances are shared by reference. */
ARTEMIS_EXPORT
ArtemisServiceGroup *artemis_service_group_copy (const ArtemisServiceGroup *group);
ARTEMIS_EXPORT
void artemis_service_group_free (ArtemisServiceGroup *group);

/* A route rule: @groups of ArtemisServiceGroup, chosen by @strategy. */
typedef struct {
	char *route_id;
	char *strategy;
	GPtrArray *groups;
} ArtemisRouteRule;

ARTEMIS_EXPORT
ArtemisRouteRule *artemis_route_rule_new (const char *route_id, const char *strategy);
/* A deep copy; instances are shared by reference. */
ARTEMIS_EXPORT
ArtemisRouteRule *artemis_route_rule_copy (const ArtemisRouteRule *rule);
ARTEMIS_EXPORT
void artemis_route_rule_free (ArtemisRouteRule *rule);

/**
 * ArtemisService:
 *
 * A service as discovery returns it (protocol §2.3): its instances after
 * filtering, logical instances and route rules. A NULL list is written as
 * JSON null, which some producers require (protocol §7.5). `metadata` is always
 * null on the wire, so it is not stored.
 */
typedef struct {
	char *service_id;
	GPtrArray *instances;       /* ArtemisInstance, or NULL */
	GPtrArray *logic_instances; /* ArtemisInstance, or NULL */
	GPtrArray *route_rules;     /* ArtemisRouteRule, or NULL */
} ArtemisService;

/* A service with all three lists NULL. */
ARTEMIS_EXPORT
ArtemisService *artemis_service_new (const char *service_id);
/* A service with @instances (referenced) and empty logic instances and route rules. */
/**
 * artemis_service_new_with_instances:
 * @instances: (element-type ArtemisInstance): the instances, referenced.
 * 
 * Returns: (transfer full) (skip): a service with empty logic instances and route rules.
 */
ARTEMIS_EXPORT
ArtemisService *artemis_service_new_with_instances (const char *service_id, GPtrArray *instances);
ARTEMIS_EXPORT
void artemis_service_free (ArtemisService *service);
/**
 * artemis_instance_array_new:
 * 
 * Returns: (transfer full) (element-type ArtemisInstance): an empty array that unrefs its instances.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_instance_array_new (guint reserve);

/**
 * ArtemisDiscoveryConfig:
 *
 * What a consumer asks for (protocol §2.6). Only @service_id is used by the
 * server; @discovery_data holds key, value, key, value… or is NULL.
 */
typedef struct {
	char *service_id;
	char *region_id;
	char *zone_id;
	GPtrArray *discovery_data;
} ArtemisDiscoveryConfig;

ARTEMIS_EXPORT
ArtemisDiscoveryConfig *artemis_discovery_config_new (const char *service_id);
ARTEMIS_EXPORT
void artemis_discovery_config_free (ArtemisDiscoveryConfig *config);

#define ARTEMIS_TYPE_SERVICE_GROUP (artemis_service_group_get_type ())
#define ARTEMIS_TYPE_ROUTE_RULE (artemis_route_rule_get_type ())
/* The value types as boxed types (copied deeply, instances shared). */
ARTEMIS_EXPORT
GType artemis_service_group_get_type (void) G_GNUC_CONST;
ARTEMIS_EXPORT
GType artemis_route_rule_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisServiceGroup, artemis_service_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisRouteRule, artemis_route_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisService, artemis_service_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisDiscoveryConfig, artemis_discovery_config_free)

G_END_DECLS
