/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-group.h"

/*
 * /api/management/canary/ (protocol §3.10): the canary IPs of a service, kept
 * as the members of its canary group in the rule `canary-route-rule`.
 */

#define PREFIX "/api/management/canary/"

static void
on_update_canary_ips (ArtemisRequest *request, gpointer user_data)
{
	/* The region of the canary group is the node's; serviceId and appId are top-level members. */
	artemis_api_group_write (request, user_data, ARTEMIS_STORAGE_SERVICE_GROUP,
				 artemis_group_writes_update_canary_ips, TRUE, "update canary ips");
}

void
artemis_api_canary_add_routes (ArtemisServer *server, ArtemisManagement *management)
{
	artemis_server_add_write_route (server, PREFIX "update-canary-ips.json", ARTEMIS_METHOD_POST,
					on_update_canary_ips, management);
}
