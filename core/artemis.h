/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The whole public API of libartemis-1, for plugins and the daemon. */

#include "artemis-change-log.h"
#include "artemis-clock.h"
#include "artemis-codec.h"
#include "artemis-config.h"
#include "artemis-discovery-filter.h"
#include "artemis-discovery.h"
#include "artemis-error.h"
#include "artemis-group-cycle.h"
#include "artemis-instance.h"
#include "artemis-json-scanner.h"
#include "artemis-json-writer.h"
#include "artemis-node.h"
#include "artemis-plugin-loader.h"
#include "artemis-plugin.h"
#include "artemis-registry.h"
#include "artemis-replicator.h"
#include "artemis-route-rules.h"
#include "artemis-route-strategy.h"
#include "artemis-router.h"
#include "artemis-safe-checker.h"
#include "artemis-service.h"
#include "artemis-storage-backend.h"
#include "artemis-versioned-cache.h"
#include "artemis-version.h"
