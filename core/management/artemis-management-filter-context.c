/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-management-filter-context.h"

struct _ArtemisManagementFilterContext {
	ArtemisFilterContext parent_instance;
	ArtemisManagement *management;
};

G_DEFINE_FINAL_TYPE (ArtemisManagementFilterContext, artemis_management_filter_context,
		     ARTEMIS_TYPE_FILTER_CONTEXT)

static ArtemisManagement *
get_management (ArtemisFilterContext *context)
{
	return ARTEMIS_MANAGEMENT_FILTER_CONTEXT (context)->management;
}

static gboolean
is_instance_down (ArtemisFilterContext *context, const ArtemisInstance *instance)
{
	return artemis_management_is_instance_down (get_management (context), instance);
}

static GPtrArray *
dup_route_rules (ArtemisFilterContext *context, const char *service_id)
{
	return artemis_groups_get_route_rules (artemis_management_get_groups (get_management (context)),
					       service_id);
}

static GPtrArray *
dup_logic_instances (ArtemisFilterContext *context, const char *service_id)
{
	return artemis_groups_get_logic_instances (artemis_management_get_groups (get_management (context)),
						   service_id);
}

static void
artemis_management_filter_context_dispose (GObject *object)
{
	g_clear_object (&ARTEMIS_MANAGEMENT_FILTER_CONTEXT (object)->management);
	G_OBJECT_CLASS (artemis_management_filter_context_parent_class)->dispose (object);
}

static void
artemis_management_filter_context_class_init (ArtemisManagementFilterContextClass *klass)
{
	ArtemisFilterContextClass *context_class = ARTEMIS_FILTER_CONTEXT_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = artemis_management_filter_context_dispose;
	context_class->is_instance_down = is_instance_down;
	context_class->dup_route_rules = dup_route_rules;
	context_class->dup_logic_instances = dup_logic_instances;
}

static void
artemis_management_filter_context_init (ArtemisManagementFilterContext *self)
{
}

ArtemisFilterContext *
artemis_management_filter_context_new (ArtemisManagement *management)
{
	ArtemisManagementFilterContext *self = g_object_new (ARTEMIS_TYPE_MANAGEMENT_FILTER_CONTEXT, NULL);

	self->management = g_object_ref (management);
	return ARTEMIS_FILTER_CONTEXT (self);
}
