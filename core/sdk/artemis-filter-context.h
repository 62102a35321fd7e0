/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-exports.h"
#include "artemis-instance.h"
#include "artemis-service.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_FILTER_CONTEXT (artemis_filter_context_get_type ())
ARTEMIS_EXPORT
G_DECLARE_DERIVABLE_TYPE (ArtemisFilterContext, artemis_filter_context, ARTEMIS, FILTER_CONTEXT, GObject)

/**
 * ArtemisFilterContextClass:
 * @is_instance_down: whether an operator's operation (on the instance, its
 *   server, its service zone or its group) holds @instance out of traffic
 *   (protocol §7.3). May be NULL (nothing is down).
 * @dup_route_rules: the route rules discovery serves for @service_id
 *   (protocol §8.1), a new array of #ArtemisRouteRule (empty when it has
 *   none), or NULL when the node keeps no group state. May be NULL.
 * @dup_logic_instances: the logical instances of @service_id (protocol
 *   §7.2), a new array of #ArtemisInstance, or NULL when the node keeps no
 *   group state. May be NULL.
 *
 * What a discovery filter may read of the node beyond the service it
 * rewrites: the operators' management state, read-only. The node provides
 * the implementation; a plain #ArtemisFilterContext is a node where
 * nothing is managed. All calls happen on the main loop.
 */
struct _ArtemisFilterContextClass {
	GObjectClass parent_class;

	gboolean (*is_instance_down) (ArtemisFilterContext *self, const ArtemisInstance *instance);
	GPtrArray *(*dup_route_rules) (ArtemisFilterContext *self, const char *service_id);
	GPtrArray *(*dup_logic_instances) (ArtemisFilterContext *self, const char *service_id);

	/*< private >*/
	gpointer padding[8];
};

/**
 * artemis_filter_context_new:
 *
 * Returns: (transfer full): a context where nothing is managed.
 */
ARTEMIS_EXPORT
ArtemisFilterContext *artemis_filter_context_new (void);
ARTEMIS_EXPORT
gboolean artemis_filter_context_is_instance_down (ArtemisFilterContext *self, const ArtemisInstance *instance);
/**
 * artemis_filter_context_dup_route_rules:
 *
 * Returns: (transfer full) (nullable) (element-type ArtemisRouteRule): the rules, or NULL.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_filter_context_dup_route_rules (ArtemisFilterContext *self, const char *service_id);
/**
 * artemis_filter_context_dup_logic_instances:
 *
 * Returns: (transfer full) (nullable) (element-type ArtemisInstance): the instances, or NULL.
 */
ARTEMIS_EXPORT
GPtrArray *artemis_filter_context_dup_logic_instances (ArtemisFilterContext *self, const char *service_id);

G_END_DECLS
