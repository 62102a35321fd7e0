/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-discovery-filter.h"

typedef struct {
	ArtemisFilterContext *context;
	gboolean applies_pull_outs;
} ArtemisDiscoveryFilterPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ArtemisDiscoveryFilter, artemis_discovery_filter, ARTEMIS_TYPE_PLUGIN)

static void
artemis_discovery_filter_dispose (GObject *object)
{
	ArtemisDiscoveryFilterPrivate *priv =
		artemis_discovery_filter_get_instance_private (ARTEMIS_DISCOVERY_FILTER (object));

	g_clear_object (&priv->context);
	G_OBJECT_CLASS (artemis_discovery_filter_parent_class)->dispose (object);
}

static void
artemis_discovery_filter_class_init (ArtemisDiscoveryFilterClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = artemis_discovery_filter_dispose;
}

static void
artemis_discovery_filter_init (ArtemisDiscoveryFilter *self)
{
	ArtemisDiscoveryFilterPrivate *priv = artemis_discovery_filter_get_instance_private (self);

	priv->context = artemis_filter_context_new ();
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

ArtemisFilterContext *
artemis_discovery_filter_get_context (ArtemisDiscoveryFilter *self)
{
	ArtemisDiscoveryFilterPrivate *priv;

	g_return_val_if_fail (ARTEMIS_IS_DISCOVERY_FILTER (self), NULL);
	priv = artemis_discovery_filter_get_instance_private (self);
	return priv->context;
}

void
artemis_discovery_filter_set_context (ArtemisDiscoveryFilter *self, ArtemisFilterContext *context)
{
	ArtemisDiscoveryFilterPrivate *priv;

	g_return_if_fail (ARTEMIS_IS_DISCOVERY_FILTER (self));
	g_return_if_fail (ARTEMIS_IS_FILTER_CONTEXT (context));
	priv = artemis_discovery_filter_get_instance_private (self);
	g_set_object (&priv->context, context);
}

gboolean
artemis_discovery_filter_get_applies_pull_outs (ArtemisDiscoveryFilter *self)
{
	ArtemisDiscoveryFilterPrivate *priv;

	g_return_val_if_fail (ARTEMIS_IS_DISCOVERY_FILTER (self), FALSE);
	priv = artemis_discovery_filter_get_instance_private (self);
	return priv->applies_pull_outs;
}

void
artemis_discovery_filter_set_applies_pull_outs (ArtemisDiscoveryFilter *self, gboolean applies_pull_outs)
{
	ArtemisDiscoveryFilterPrivate *priv;

	g_return_if_fail (ARTEMIS_IS_DISCOVERY_FILTER (self));
	priv = artemis_discovery_filter_get_instance_private (self);
	priv->applies_pull_outs = applies_pull_outs;
}
