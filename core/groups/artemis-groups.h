/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-instance.h"
#include "artemis-registry.h"
#include "artemis-service.h"
#include "artemis-group-rows.h"
#include "artemis-storage-record.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_GROUPS (artemis_groups_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisGroups, artemis_groups, ARTEMIS, GROUPS, GObject)

/*
 * The routing half of a node's management state (protocol §9.3–§9.9): service
 * groups, route rules and their groups with both weights, group tags,
 * group operations and members, and logical instances. Each is a table of
 * ArtemisStorageRecord rows of one storage kind, a mirror of what the store
 * holds (ArtemisManagement feeds it the start-up load and every committed
 * write), keyed by the kind's unique key ignoring case.
 *
 * From the rows it derives what discovery serves (protocol §7.2, §8.1) and
 * which instances group operations take down (§7.3 rule 4). After each
 * change it compares every service's served state with what it was and
 * appends a `reload` for each service that differs to the change log
 * (§9.10): subscribers hear of it at once.
 */
ArtemisGroups *artemis_groups_new (ArtemisRegistry *registry);
/* The registry whose clock, node and change log the groups use. */
ArtemisRegistry *artemis_groups_get_registry (ArtemisGroups *groups);

/* ---- rows -------------------------------------------------------------- */

/* The row of @kind with @id, or NULL; owned by @groups. */
const ArtemisStorageRecord *artemis_groups_get (ArtemisGroups *groups, ArtemisStorageKind kind, gint64 id);
/* The row with the key of @key (its kind's key fields), or NULL; owned by @groups. */
const ArtemisStorageRecord *artemis_groups_find (ArtemisGroups *groups, const ArtemisStorageRecord *key);
/* The row of @kind whose identity (artemis_group_row_get_identity()) is @identity, or NULL. */
const ArtemisStorageRecord *artemis_groups_find_identity (ArtemisGroups *groups, ArtemisStorageKind kind,
							  const char *identity);
/*
 * The rows of @filter's kind whose fields equal every field set in @filter
 * (ids and names ignoring case, as the store compares) and, when
 * @filter->id is not 0, with that id; soft-deleted rows only when @filter
 * sets `deleted`. Borrowed, in a new array, by id.
 */
GPtrArray *artemis_groups_list (ArtemisGroups *groups, const ArtemisStorageRecord *filter);
/*
 * A new id for a row of @kind. By default higher than every id the table
 * holds or held since start-up: right for a store this node alone writes.
 * With reserved ids, the next one of @kind's pool, or 0 when the pool is
 * empty (the write must then fail).
 */
gint64 artemis_groups_allocate_id (ArtemisGroups *groups, ArtemisStorageKind kind);

/* ---- ids reserved by a shared store ------------------------------------ */

/*
 * Whether new rows take ids the store reserved for this node (a store
 * shared with other nodes, which would count on from the same highest id)
 * rather than ids counted here. Ids left in the pools stay valid.
 */
void artemis_groups_set_reserved_ids (ArtemisGroups *groups, gboolean reserved);
gboolean artemis_groups_get_reserved_ids (ArtemisGroups *groups);
/* How many reserved ids of @kind are left. */
guint64 artemis_groups_count_reserved_ids (ArtemisGroups *groups, ArtemisStorageKind kind);
/* Adds the @count ids from @first, which the store reserved for this node, to @kind's pool. */
void artemis_groups_add_reserved_ids (ArtemisGroups *groups, ArtemisStorageKind kind, gint64 first, guint count);

/* ---- what discovery serves --------------------------------------------- */

/*
 * The route rules of @service_id (protocol §8.1): its active rules by id, each
 * with its active groups — group key, released weight fixed (NULL gives 5),
 * tags as metadata, members as instanceIds (each NULL when none),
 * instances NULL — and without the rules left with no group. A new array
 * of ArtemisRouteRule the caller owns.
 */
GPtrArray *artemis_groups_get_route_rules (ArtemisGroups *groups, const char *service_id);
/*
 * The logical instances of @service_id as instances (protocol §7.2 step 1):
 * status `up`, metadata parsed from the stored JSON text. A new array.
 */
GPtrArray *artemis_groups_get_logic_instances (ArtemisGroups *groups, const char *service_id);
/*
 * Every group of @service_id not deleted, by id, as `service.json` lists
 * them (protocol §3.6): key, tags, members, no weight, no instances. A new
 * array of ArtemisServiceGroup.
 */
GPtrArray *artemis_groups_get_service_groups (ArtemisGroups *groups, const char *service_id);
/*
 * Protocol §7.3 rule 4: whether @instance lies in a group (not deleted) with
 * an operation in force. Cheap when no group has one.
 */
gboolean artemis_groups_is_instance_down (ArtemisGroups *groups, const ArtemisInstance *instance);

/* ---- changes ----------------------------------------------------------- */

/*
 * Applies the committed ArtemisStorageWrite of @writes that are group
 * state (others are ignored), then pushes the reloads. Whether the state
 * changed.
 */
gboolean artemis_groups_apply (ArtemisGroups *groups, GPtrArray *writes);
/* Replaces every row of @kind by @records (as loaded from the store), then pushes the reloads. */
gboolean artemis_groups_replace (ArtemisGroups *groups, ArtemisStorageKind kind, GPtrArray *records);

G_END_DECLS
