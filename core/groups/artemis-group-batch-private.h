/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-group-request.h"
#include "artemis-groups.h"

G_BEGIN_DECLS

/*
 * The writes of one group request in the making (private to libartemis):
 * lookups see the state as the writes so far leave it, so that one
 * request may create a rule and refer to it; rows keep their id and
 * creation time; log rows get the operation context. Also the checks the
 * write functions share, failing with ARTEMIS_ERROR_BAD_REQUEST messages
 * that name the member, e.g. "groups[1].appId is null or empty".
 */
typedef struct {
	ArtemisGroups *groups;
	const ArtemisOperationContext *context;
	gint64 now;
	GPtrArray *writes; /* ArtemisStorageWrite */
	gboolean out_of_ids; /* a new row found its kind's pool of reserved ids empty */
	ArtemisStorageKind dry_kind;
	/* Per state kind, the last write of each row, so that a lookup costs the same however long the batch. */
	GHashTable *by_identity[ARTEMIS_GROUP_N_KINDS]; /* identity → ArtemisStorageWrite (borrowed) */
	GHashTable *by_id[ARTEMIS_GROUP_N_KINDS];       /* the record's id → ArtemisStorageWrite (borrowed) */
} ArtemisGroupBatch;

void artemis_group_batch_init (ArtemisGroupBatch *batch, ArtemisGroups *groups,
			       const ArtemisOperationContext *context);
void artemis_group_batch_clear (ArtemisGroupBatch *batch);
/*
 * The writes made (the caller owns them), or NULL with
 * ARTEMIS_ERROR_UNAVAILABLE when a new row found no reserved id left.
 */
GPtrArray *artemis_group_batch_steal (ArtemisGroupBatch *batch, GError **error);

/* The row with @key's key as the batch leaves it, or NULL (absent, or deleted by the batch). */
const ArtemisStorageRecord *artemis_group_batch_find (ArtemisGroupBatch *batch, const ArtemisStorageRecord *key);
/* The row of @kind with @id as the batch leaves it, or NULL. */
const ArtemisStorageRecord *artemis_group_batch_get (ArtemisGroupBatch *batch, ArtemisStorageKind kind, gint64 id);
/*
 * Puts @record (taken): the id and creation time of the row with its key,
 * else a new id (0 when none is left: artemis_group_batch_steal() then
 * fails); updated now. Returns the row as written (borrowed).
 */
const ArtemisStorageRecord *artemis_group_batch_put (ArtemisGroupBatch *batch, ArtemisStorageRecord *record);
void artemis_group_batch_delete (ArtemisGroupBatch *batch, const ArtemisStorageRecord *row);
/*
 * Appends a row of the log kind @kind with the fields it shares with @row
 * (may be NULL), then the context members the row leaves unset.
 */
ArtemisStorageRecord *artemis_group_batch_log (ArtemisGroupBatch *batch, ArtemisStorageKind kind,
					       const ArtemisStorageRecord *row);

/* Sets the `weight` of a route-rule-group @log to @field of @from (unset when that is NULL). */
void artemis_group_log_set_weight (ArtemisStorageRecord *log, const ArtemisStorageRecord *from,
				   ArtemisStorageField field);

/* A new row of @kind holding @key's key fields and nothing else. */
ArtemisStorageRecord *artemis_group_batch_key_of (ArtemisStorageKind kind, const ArtemisStorageRecord *key);
/* Trims every id and name of @record (they compare as MySQL did, ignoring trailing spaces). */
void artemis_group_batch_trim (ArtemisStorageRecord *record);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ArtemisGroupBatch, artemis_group_batch_clear)

/* ---- checks ------------------------------------------------------------ */

/* Not an element: artemis_group_check_present() then names "@list.@member". */
#define ARTEMIS_GROUP_NO_INDEX G_MAXUINT

/* "@list[@index].@member" (or "@member" when @list is NULL) is null or empty. */
gboolean artemis_group_check_present (const ArtemisStorageRecord *record, ArtemisStorageField field,
				      const char *list, guint index, GError **error);
/* Each of the @n_fields @fields of @record present (a list element when @list is set). */
gboolean artemis_group_check_fields (const ArtemisStorageRecord *record, const ArtemisStorageField *fields,
				     gsize n_fields, const char *list, guint index, GError **error);
/* @list (named @name) not NULL and not empty. */
gboolean artemis_group_check_list (gconstpointer list, guint len, const char *name, GError **error);
/* Element @index of @name is not null. */
gboolean artemis_group_check_element (gconstpointer element, const char *name, guint index, GError **error);
/*
 * A trimmed copy of element @index of the list of @kind (named @name),
 * checked present; its row id is dropped: the batch numbers rows.
 */
ArtemisStorageRecord *artemis_group_copy_element (const ArtemisGroupRequest *request, ArtemisStorageKind kind,
						  const char *name, guint index, GError **error);
/* Fails with "@what[@index].@member @id does not exist" unless the row exists (deleted or not). */
gboolean artemis_group_check_exists (ArtemisGroupBatch *batch, ArtemisStorageKind kind, gint64 id,
				     const char *what, guint index, const char *member, GError **error);
/* The row ids of a delete, checked (a list, no null element); unknown ids are skipped by the caller. */
GArray *artemis_group_check_ids (const ArtemisGroupRequest *request, ArtemisStorageKind kind, const char *name,
				 GError **error);

G_END_DECLS
