/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "artemis-storage-record.h"

G_BEGIN_DECLS

/*
 * The rows of one state kind in memory (private to libartemis): by id and
 * by the kind's unique key, which ignores case as the store's does. A
 * mirror of a store table, so a put whose key exists replaces that row and
 * keeps its id and creation time, as the store's upsert does.
 */
typedef struct _ArtemisRecordTable ArtemisRecordTable;

ArtemisRecordTable *artemis_record_table_new (ArtemisStorageKind kind);
void artemis_record_table_free (ArtemisRecordTable *table);

/* The lower-case key fields of @record joined (integers in decimal). */
char *artemis_record_table_identity (const ArtemisStorageRecord *record);

const ArtemisStorageRecord *artemis_record_table_get (ArtemisRecordTable *table, gint64 id);
const ArtemisStorageRecord *artemis_record_table_find (ArtemisRecordTable *table, const ArtemisStorageRecord *key);
const ArtemisStorageRecord *artemis_record_table_find_identity (ArtemisRecordTable *table, const char *identity);
/* Stores a copy of @record; whether anything changed. */
gboolean artemis_record_table_put (ArtemisRecordTable *table, const ArtemisStorageRecord *record);
/* Removes the row with @key's key; whether there was one. */
gboolean artemis_record_table_remove (ArtemisRecordTable *table, const ArtemisStorageRecord *key);
/* Every row (borrowed), by id, in a new array. */
GPtrArray *artemis_record_table_list (ArtemisRecordTable *table);
guint artemis_record_table_size (ArtemisRecordTable *table);
/* The highest id the table holds, 0 when empty. */
gint64 artemis_record_table_get_max_id (ArtemisRecordTable *table);

/* Whether both tables hold the same rows (ids and fields). */
gboolean artemis_record_tables_equal (ArtemisRecordTable *a, ArtemisRecordTable *b);

/* Whether @a and @b hold the same values in every field of their kind (not the times). */
gboolean artemis_storage_record_equal (const ArtemisStorageRecord *a, const ArtemisStorageRecord *b);
/* Whether @record's fields equal every field set in @filter, ignoring case where the store does. */
gboolean artemis_storage_record_matches (const ArtemisStorageRecord *record, const ArtemisStorageRecord *filter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisRecordTable, artemis_record_table_free)

G_END_DECLS
