/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-group-rows.h"
#include "artemis-record-table.h"

gboolean
artemis_group_kind_is_state (ArtemisStorageKind kind)
{
	return kind >= ARTEMIS_GROUP_FIRST_KIND && kind < ARTEMIS_GROUP_FIRST_KIND + ARTEMIS_GROUP_N_KINDS;
}

gboolean
artemis_group_kind_is_soft_deleted (ArtemisStorageKind kind)
{
	return kind == ARTEMIS_STORAGE_SERVICE_GROUP || kind == ARTEMIS_STORAGE_ROUTE_RULE;
}

char *
artemis_group_row_get_identity (const ArtemisStorageRecord *record)
{
	return artemis_record_table_identity (record);
}

gboolean
artemis_group_row_is_active (const ArtemisStorageRecord *record)
{
	const char *status = artemis_storage_record_get_string (record, ARTEMIS_STORAGE_FIELD_STATUS);

	return !artemis_storage_record_get_boolean (record, ARTEMIS_STORAGE_FIELD_DELETED) && status != NULL &&
	       g_ascii_strcasecmp (status, "active") == 0;
}
