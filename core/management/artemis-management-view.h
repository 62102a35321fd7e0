/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-discovery.h"
#include "artemis-management.h"
#include "artemis-service.h"

G_BEGIN_DECLS

/*
 * The management view of protocol §7.4, behind /api/management/services.json
 * and service.json: every lease of a service (expired ones not yet swept
 * included) as an instance whose `status` says `up` or `down` by the §7.3
 * predicate and whose metadata gains `creationTime`, `renewalTime` and `ttl`
 * (epoch ms as strings); then the discovery filters run, except those that
 * remove pulled-out instances, which thus stay visible as `down`.
 *
 * With @service_id NULL: every service with a lease, by id. Otherwise that
 * one service; when it has no lease, the filtered empty service with
 * `instances` null (protocol §7.5). Returns ArtemisService.
 */
GPtrArray *artemis_management_view_get_services (ArtemisManagement *management, ArtemisDiscovery *discovery,
						 const char *service_id);

G_END_DECLS
