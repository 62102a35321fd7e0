/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The plugin SDK of libartemis-1: the plugin kinds, the read-only model
 * they work on, the contexts through which they read their node, the
 * routing helpers a strategy needs, errors and versions. Plugins include
 * this header only (docs/plugins.md).
 */

#include "artemis-discovery-filter.h"
#include "artemis-error.h"
#include "artemis-exports.h"
#include "artemis-filter-context.h"
#include "artemis-group-cycle.h"
#include "artemis-instance.h"
#include "artemis-plugin.h"
#include "artemis-replication-context.h"
#include "artemis-replicator.h"
#include "artemis-route-rules.h"
#include "artemis-route-strategy.h"
#include "artemis-service.h"
#include "artemis-storage-backend.h"
#include "artemis-storage-record.h"
#include "artemis-version.h"
