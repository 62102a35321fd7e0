/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdarg.h>

#include "artemis-ctl-table.h"

struct _ArtemisCtlTable {
	guint n_columns;
	GPtrArray *cells; /* char *, row after row, the headers first */
};

ArtemisCtlTable *
artemis_ctl_table_new (const char *first_header, ...)
{
	ArtemisCtlTable *table = g_new0 (ArtemisCtlTable, 1);
	va_list args;

	table->cells = g_ptr_array_new_with_free_func (g_free);
	va_start (args, first_header);
	for (const char *header = first_header; header != NULL; header = va_arg (args, const char *)) {
		g_ptr_array_add (table->cells, g_strdup (header));
		table->n_columns++;
	}
	va_end (args);
	return table;
}

void
artemis_ctl_table_free (ArtemisCtlTable *table)
{
	if (table == NULL)
		return;
	g_ptr_array_unref (table->cells);
	g_free (table);
}

void
artemis_ctl_table_add_row (ArtemisCtlTable *table, ...)
{
	va_list args;

	va_start (args, table);
	for (guint i = 0; i < table->n_columns; i++) {
		const char *cell = va_arg (args, const char *);

		g_ptr_array_add (table->cells, g_strdup (cell != NULL && *cell != '\0' ? cell : "-"));
	}
	va_end (args);
}

guint
artemis_ctl_table_get_n_rows (ArtemisCtlTable *table)
{
	return table->cells->len / table->n_columns - 1;
}

/* Terminal columns @text takes: East Asian wide characters take two. */
static gsize
display_width (const char *text)
{
	gsize width = 0;

	for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);

		if (g_unichar_iszerowidth (c))
			continue;
		width += g_unichar_iswide (c) ? 2 : 1;
	}
	return width;
}

char *
artemis_ctl_table_to_string (ArtemisCtlTable *table)
{
	g_autofree gsize *widths = g_new0 (gsize, table->n_columns);
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < table->cells->len; i++) {
		gsize *width = &widths[i % table->n_columns];

		*width = MAX (*width, display_width (g_ptr_array_index (table->cells, i)));
	}
	for (guint i = 0; i < table->cells->len; i++) {
		const char *cell = g_ptr_array_index (table->cells, i);
		guint column = i % table->n_columns;

		g_string_append (out, cell);
		if (column + 1 == table->n_columns) {
			g_string_append_c (out, '\n');
			continue;
		}
		for (gsize pad = display_width (cell); pad < widths[column] + 2; pad++)
			g_string_append_c (out, ' ');
	}
	return g_string_free (out, FALSE);
}
