/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib.h>

#include "artemis-instance.h"
#include "artemis-service.h"

G_BEGIN_DECLS

/* The special names of protocol §2.4. */
#define ARTEMIS_ROUTE_RULE_DEFAULT "default-route-rule"
#define ARTEMIS_ROUTE_RULE_CANARY "canary-route-rule"
#define ARTEMIS_GROUP_KEY_DEFAULT "default-group-key"
#define ARTEMIS_STRATEGY_WEIGHTED_ROUND_ROBIN "weighted-round-robin"
#define ARTEMIS_STRATEGY_CLOSE_BY_VISIT "close-by-visit"

#define ARTEMIS_GROUP_WEIGHT_DEFAULT 5
#define ARTEMIS_GROUP_WEIGHT_MAX 10000

/* Java's fixWeight (protocol §2.4): no weight or < 0 gives 5, > 10000 gives 10000. */
ARTEMIS_EXPORT
gint artemis_service_group_get_fixed_weight (const ArtemisServiceGroup *group);

/*
 * The group key of @instance (protocol §2.1): lower-case
 * `serviceId/regionId/zoneId/groupId/instanceId`, the group `default` when
 * groupId is blank, blank parts skipped.
 */
ARTEMIS_EXPORT
char *artemis_instance_get_group_key (const ArtemisInstance *instance);

/*
 * The key of a service group (protocol §2.4, §9.3): lower-case
 * `serviceId/regionId/zoneId/name`, joined as artemis_instance_get_group_key()
 * joins (parts trimmed, blank ones skipped).
 */
ARTEMIS_EXPORT
char *artemis_group_key_build (const char *service_id, const char *region_id, const char *zone_id,
			       const char *name);

/*
 * The members of @group among @service's instances (protocol §8.2 steps 2–3
 * (a) and (b)): the instances and logical instances named in its
 * instanceIds (real ones win), then the real instances whose group key lies
 * under its key; each instanceId once. A new array of references.
 */
/**
 * artemis_service_group_get_members:
 * 
 * Returns: (transfer full) (element-type ArtemisInstance): the instances of @service in @group.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_service_group_get_members (const ArtemisService *service, const ArtemisServiceGroup *group);

/*
 * Java's ServiceGroups.isLocalZone (protocol §8.3): whether a group is in the
 * caller's region and zone — parts 2 and 3 of @group_key, compared
 * case-insensitively. Keys of fewer than three parts count as local.
 */
ARTEMIS_EXPORT
gboolean artemis_group_key_is_local (const char *group_key, const char *region_id, const char *zone_id);

/*
 * The route rules a Java client computes from a discovered @service (spec
 * §8.2, RouteRules.newRouteRules): valid rules only, each group with its
 * member instances (by instanceIds and by group-key prefix, plus the
 * server-provided instances of the canary rule) and a fixed weight, groups
 * without members dropped; then, unless a rule is named
 * `default-route-rule`, the default rule — one group `default-group-key` of
 * weight 5 holding every instance — with strategy @default_strategy (the
 * client's is `weighted-round-robin`). A new array of #ArtemisRouteRule.
 */
/**
 * artemis_route_rules_compute:
 * 
 * Returns: (transfer full) (element-type ArtemisRouteRule): the rules a Java client computes.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_route_rules_compute (const ArtemisService *service, const char *default_strategy);

/* The rule of @rules named @route_id (case-insensitive), or NULL. */
/**
 * artemis_route_rules_find:
 * @rules: (element-type ArtemisRouteRule): the rules to search.
 * 
 * Returns: (transfer none) (nullable): the rule.
 */
ARTEMIS_EXPORT
ArtemisRouteRule *artemis_route_rules_find (GPtrArray *rules, const char *route_id);

G_END_DECLS
