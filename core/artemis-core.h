/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Everything the daemon builds a node from: the SDK and every core subsystem (not installed). */

#include "artemis.h"

#include "artemis-body.h"
#include "artemis-change-log.h"
#include "artemis-clock.h"
#include "artemis-codec.h"
#include "artemis-config.h"
#include "artemis-discovery.h"
#include "artemis-group-codec.h"
#include "artemis-group-request.h"
#include "artemis-group-writes.h"
#include "artemis-groups.h"
#include "artemis-json-scanner.h"
#include "artemis-json-writer.h"
#include "artemis-management-codec.h"
#include "artemis-management-view.h"
#include "artemis-management.h"
#include "artemis-node.h"
#include "artemis-operation.h"
#include "artemis-plugin-loader.h"
#include "artemis-registry.h"
#include "artemis-router.h"
#include "artemis-safe-checker.h"
#include "artemis-versioned-cache.h"
