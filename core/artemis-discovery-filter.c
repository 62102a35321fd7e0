/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-discovery-filter.h"

G_DEFINE_ABSTRACT_TYPE (ArtemisDiscoveryFilter, artemis_discovery_filter, ARTEMIS_TYPE_PLUGIN)

static void
artemis_discovery_filter_class_init (ArtemisDiscoveryFilterClass *klass)
{
}

static void
artemis_discovery_filter_init (ArtemisDiscoveryFilter *self)
{
}

gboolean
artemis_discovery_filter_filter (ArtemisDiscoveryFilter *self, ArtemisService *service,
				 const ArtemisDiscoveryConfig *config, GError **error)
{
	ArtemisDiscoveryFilterClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_DISCOVERY_FILTER (self), FALSE);
	klass = ARTEMIS_DISCOVERY_FILTER_GET_CLASS (self);
	g_return_val_if_fail (klass->filter != NULL, FALSE);
	return klass->filter (self, service, config, error);
}

gboolean
artemis_discovery_filter_depends_on_caller (ArtemisDiscoveryFilter *self)
{
	ArtemisDiscoveryFilterClass *klass;

	g_return_val_if_fail (ARTEMIS_IS_DISCOVERY_FILTER (self), FALSE);
	klass = ARTEMIS_DISCOVERY_FILTER_GET_CLASS (self);
	return klass->depends_on_caller != NULL && klass->depends_on_caller (self);
}
