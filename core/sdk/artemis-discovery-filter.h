/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib-object.h>

#include "artemis-filter-context.h"
#include "artemis-plugin.h"
#include "artemis-service.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_DISCOVERY_FILTER (artemis_discovery_filter_get_type ())
ARTEMIS_EXPORT
G_DECLARE_DERIVABLE_TYPE (ArtemisDiscoveryFilter, artemis_discovery_filter, ARTEMIS, DISCOVERY_FILTER,
			  ArtemisPlugin)

/**
 * ArtemisDiscoveryFilterClass:
 * @filter: rewrites @service in place for @config (drop pulled-out
 *   instances, add route rules, …). Called on the main loop for every
 *   discovery that misses the cache, also for a service the registry does
 *   not know (then @service has empty lists). @service and its lists belong
 *   to the caller; replace a list by unreffing the old one; instances are
 *   immutable, so share them by reference. Return FALSE with @error set on
 *   failure: the chain logs it and runs the next filter on @service as it
 *   is. Must not be NULL.
 * @depends_on_caller: whether the output depends on more than the service
 *   (e.g. on the caller's zone). When any filter says yes, answers are not
 *   cached. Called on the main loop whenever the chain decides whether to
 *   cache. May be NULL (no).
 *
 * One step of the discovery filter chain (protocol §7), a plugin kind. The
 * chain runs the filters in the order of `[plugins] filters` (see
 * docs/plugins.md); a failing filter is logged and skipped. Answers are
 * cached per service until the registry changes it, so a filter whose own
 * state changes must have artemis_discovery_invalidate() called.
 */
struct _ArtemisDiscoveryFilterClass {
	ArtemisPluginClass parent_class;

	gboolean (*filter) (ArtemisDiscoveryFilter *self, ArtemisService *service,
			    const ArtemisDiscoveryConfig *config, GError **error);
	gboolean (*depends_on_caller) (ArtemisDiscoveryFilter *self);

	/*< private >*/
	gpointer padding[8];
};

ARTEMIS_EXPORT
gboolean artemis_discovery_filter_filter (ArtemisDiscoveryFilter *self, ArtemisService *service,
					  const ArtemisDiscoveryConfig *config, GError **error);
ARTEMIS_EXPORT
gboolean artemis_discovery_filter_depends_on_caller (ArtemisDiscoveryFilter *self);

/**
 * artemis_discovery_filter_get_context:
 *
 * What the filter may read of its node (pull-outs, route rules, logical
 * instances): set by the node when the filter joins its discovery chain.
 *
 * Returns: (transfer none): the context; one where nothing is managed
 *   before the filter joins a chain.
 */
ARTEMIS_EXPORT
ArtemisFilterContext *artemis_discovery_filter_get_context (ArtemisDiscoveryFilter *self);
/* Called by the node when the filter joins its chain. */
ARTEMIS_EXPORT
void artemis_discovery_filter_set_context (ArtemisDiscoveryFilter *self, ArtemisFilterContext *context);
/*
 * Whether the filter removes pulled-out instances. The management view
 * (protocol §7.4), which shows them as down, skips such filters. A filter
 * says so once, in its instance init.
 */
ARTEMIS_EXPORT
gboolean artemis_discovery_filter_get_applies_pull_outs (ArtemisDiscoveryFilter *self);
ARTEMIS_EXPORT
void artemis_discovery_filter_set_applies_pull_outs (ArtemisDiscoveryFilter *self, gboolean applies_pull_outs);

G_END_DECLS
