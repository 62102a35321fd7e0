/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-filter-context.h"

G_DEFINE_TYPE (ArtemisFilterContext, artemis_filter_context, G_TYPE_OBJECT)

static void
artemis_filter_context_class_init (ArtemisFilterContextClass *klass)
{
}

static void
artemis_filter_context_init (ArtemisFilterContext *self)
{
}

ArtemisFilterContext *
artemis_filter_context_new (void)
{
	return g_object_new (ARTEMIS_TYPE_FILTER_CONTEXT, NULL);
}

gboolean
artemis_filter_context_is_instance_down (ArtemisFilterContext *self, const ArtemisInstance *instance)
{
	ArtemisFilterContextClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_FILTER_CONTEXT (self), FALSE);
	g_return_val_if_fail (instance != NULL, FALSE);
	klass = ARTEMIS_FILTER_CONTEXT_GET_CLASS (self);
	return klass->is_instance_down != NULL && klass->is_instance_down (self, instance);
}

GPtrArray *
artemis_filter_context_dup_route_rules (ArtemisFilterContext *self, const char *service_id)
{
	ArtemisFilterContextClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_FILTER_CONTEXT (self), NULL);
	g_return_val_if_fail (service_id != NULL, NULL);
	klass = ARTEMIS_FILTER_CONTEXT_GET_CLASS (self);
	return klass->dup_route_rules != NULL ? klass->dup_route_rules (self, service_id) : NULL;
}

GPtrArray *
artemis_filter_context_dup_logic_instances (ArtemisFilterContext *self, const char *service_id)
{
	ArtemisFilterContextClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_FILTER_CONTEXT (self), NULL);
	g_return_val_if_fail (service_id != NULL, NULL);
	klass = ARTEMIS_FILTER_CONTEXT_GET_CLASS (self);
	return klass->dup_logic_instances != NULL ? klass->dup_logic_instances (self, service_id) : NULL;
}
