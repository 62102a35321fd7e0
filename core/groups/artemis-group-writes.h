/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-group-request.h"
#include "artemis-groups.h"

G_BEGIN_DECLS

/*
 * The business rules of the group writes (protocol §3.8, §3.10, §9.3–§9.11):
 * each checks what @request carries — failing with
 * ARTEMIS_ERROR_BAD_REQUEST naming the member, e.g.
 * "groups[0].appId is null or empty" — and returns the writes of one
 * transaction (ArtemisStorageWrite): the state rows and their audit rows,
 * logged with the request's operation context. The caller checks the
 * context (artemis_operation_context_check()) where Java does, commits
 * the writes, and on success hands them to the management state.
 *
 * Rows referred to by id (a rule's groups, a group's tags, operations and
 * members) must exist, deleted or not; ids of a delete that name no row
 * are skipped, so that a repeated delete succeeds.
 */
typedef GPtrArray *(*ArtemisGroupWriteFunc) (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					     GError **error);

/* insert-groups, update-groups: upsert by (service, region, zone, name), un-deleting. */
GPtrArray *artemis_group_writes_upsert_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					       GError **error);
/* delete-groups: deleted softly. */
GPtrArray *artemis_group_writes_delete_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					       GError **error);
/* insert-group-tags, update-group-tags: upsert by (group, tag); blank tags or values skipped; no log. */
GPtrArray *artemis_group_writes_upsert_tags (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					     GError **error);
/* delete-group-tags: the tags matching the set members of groupId, tag, value; no log. */
GPtrArray *artemis_group_writes_delete_tags (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					     GError **error);
/* operate-group-operations: each (group, operation) added, or removed when operationComplete. */
GPtrArray *artemis_group_writes_operate_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request,
						GError **error);
/* operate-group-operation: the context's operation on the group named, created when missing. */
GPtrArray *artemis_group_writes_operate_group (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					       GError **error);
/* insert-group-instances: explicit members, added unless present. */
GPtrArray *artemis_group_writes_insert_members (ArtemisGroups *groups, const ArtemisGroupRequest *request,
						GError **error);
/* delete-group-instances. */
GPtrArray *artemis_group_writes_delete_members (ArtemisGroups *groups, const ArtemisGroupRequest *request,
						GError **error);
/* insert-service-instances: logical instances, upsert by (service, instance). */
GPtrArray *artemis_group_writes_upsert_logic_instances (ArtemisGroups *groups, const ArtemisGroupRequest *request,
							GError **error);
/* delete-service-instances. */
GPtrArray *artemis_group_writes_delete_logic_instances (ArtemisGroups *groups, const ArtemisGroupRequest *request,
							GError **error);

/* insert-route-rules, update-route-rules: upsert by (service, name), un-deleting. */
GPtrArray *artemis_group_writes_upsert_rules (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					      GError **error);
/* delete-route-rules: deleted softly. */
GPtrArray *artemis_group_writes_delete_rules (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					      GError **error);
/* insert-route-rule-groups, update-route-rule-groups: the unreleased weight, upsert by (rule, group). */
GPtrArray *artemis_group_writes_upsert_rule_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request,
						    GError **error);
/* release-route-rule-groups: each named (rule, group)'s unreleased weight becomes the released one. */
GPtrArray *artemis_group_writes_release_rule_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request,
						     GError **error);
/* delete-route-rule-groups. */
GPtrArray *artemis_group_writes_delete_rule_groups (ArtemisGroups *groups, const ArtemisGroupRequest *request,
						    GError **error);
/*
 * create-route-rule: the rule and its groups created when missing (an
 * existing one only un-deleted), each group's weight as its unreleased
 * weight. Nothing is released.
 */
GPtrArray *artemis_group_writes_create_rule (ArtemisGroups *groups, const ArtemisGroupRequest *request,
					     GError **error);
/*
 * update-canary-ips (protocol §3.10, §8.4): the rule `canary-route-rule` of
 * the service and its group `service/<node region>/canary/<appId>`, both
 * created when missing, the group in the rule (unreleased weight 5), and
 * the group's members set to exactly `canaryIps`.
 */
GPtrArray *artemis_group_writes_update_canary_ips (ArtemisGroups *groups, const ArtemisGroupRequest *request,
						   GError **error);

/*
 * How many new rows (each numbered anew: artemis_groups_allocate_id()) any
 * write function above can create from @request, at most, per kind:
 * fills @new_rows, an array of ARTEMIS_STORAGE_N_KINDS (0 for kinds it
 * never creates). The node reserves that many ids before the write's turn
 * when it shares its store, so that the write itself stays synchronous.
 */
void artemis_group_writes_count_new_rows (const ArtemisGroupRequest *request, guint *new_rows);

G_END_DECLS
