/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-filter-context.h"
#include "artemis-management.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_MANAGEMENT_FILTER_CONTEXT (artemis_management_filter_context_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisManagementFilterContext, artemis_management_filter_context, ARTEMIS,
		      MANAGEMENT_FILTER_CONTEXT, ArtemisFilterContext)

/* What discovery filters read of @management: the down predicate, the served rules, the logical instances. */
ArtemisFilterContext *artemis_management_filter_context_new (ArtemisManagement *management);

G_END_DECLS
