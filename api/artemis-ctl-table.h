/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A plain-text table for artemisctl: a header line and rows, each column
 * as wide as its widest cell (counted in terminal columns, so translated
 * headers in wide scripts line up), two spaces between columns.
 */
typedef struct _ArtemisCtlTable ArtemisCtlTable;

/* The column headers, NULL-terminated. */
ArtemisCtlTable *artemis_ctl_table_new (const char *first_header, ...) G_GNUC_NULL_TERMINATED;
void artemis_ctl_table_free (ArtemisCtlTable *table);
/* One row of as many cells as there are columns; NULL cells print as "-". */
void artemis_ctl_table_add_row (ArtemisCtlTable *table, ...);
guint artemis_ctl_table_get_n_rows (ArtemisCtlTable *table);
char *artemis_ctl_table_to_string (ArtemisCtlTable *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisCtlTable, artemis_ctl_table_free)

G_END_DECLS
