/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-error.h"
#include "artemis-instance.h"
#include "artemis-operation.h"

ArtemisOperationKey *
artemis_operation_key_new (ArtemisOperationTarget target, const char *region_id, const char *service_id,
			   const char *id)
{
	ArtemisOperationKey *key;

	g_return_val_if_fail (target < ARTEMIS_N_OPERATION_TARGETS, NULL);
	key = g_new0 (ArtemisOperationKey, 1);
	key->target = target;
	key->region_id = g_strdup (region_id);
	key->service_id = target != ARTEMIS_OPERATION_TARGET_SERVER ? g_strdup (service_id) : NULL;
	key->id = g_strdup (id);
	return key;
}

ArtemisOperationKey *
artemis_operation_key_copy (const ArtemisOperationKey *key)
{
	return artemis_operation_key_new (key->target, key->region_id, key->service_id, key->id);
}

void
artemis_operation_key_free (ArtemisOperationKey *key)
{
	if (key == NULL)
		return;
	g_free (key->region_id);
	g_free (key->service_id);
	g_free (key->id);
	g_free (key);
}

static void
append_part (GString *identity, const char *part)
{
	g_autofree char *lower = artemis_id_to_key (part);

	/* A separator before each part keeps ("a.b", "c") apart from ("a", "b.c"), unlike Java's dots. */
	g_string_append_c (identity, '\n');
	g_string_append (identity, lower != NULL ? lower : "");
}

char *
artemis_operation_identity (ArtemisOperationTarget target, const char *region_id, const char *service_id,
			    const char *id)
{
	GString *identity = g_string_sized_new (64);

	append_part (identity, region_id);
	if (target != ARTEMIS_OPERATION_TARGET_SERVER)
		append_part (identity, service_id);
	append_part (identity, id);
	return g_string_free (identity, FALSE);
}

char *
artemis_operation_key_get_identity (const ArtemisOperationKey *key)
{
	return artemis_operation_identity (key->target, key->region_id, key->service_id, key->id);
}

static const char *
id_name (ArtemisOperationTarget target)
{
	switch (target) {
	case ARTEMIS_OPERATION_TARGET_INSTANCE:
		return "instanceId";
	case ARTEMIS_OPERATION_TARGET_SERVER:
		return "serverId";
	case ARTEMIS_OPERATION_TARGET_ZONE:
		return "zoneId";
	default:
		g_return_val_if_reached ("id");
	}
}

static gboolean
check_part (const char *value, const char *name, GError **error)
{
	if (!artemis_str_is_blank (value))
		return TRUE;
	g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "%s is null or empty", name);
	return FALSE;
}

/* In the order Java checks them (protocol §3.6). */
gboolean
artemis_operation_key_check (const ArtemisOperationKey *key, GError **error)
{
	if (!check_part (key->region_id, "regionId", error))
		return FALSE;
	if (key->target != ARTEMIS_OPERATION_TARGET_SERVER && !check_part (key->service_id, "serviceId", error))
		return FALSE;
	return check_part (key->id, id_name (key->target), error);
}

ArtemisOperations *
artemis_operations_new (ArtemisOperationKey *key)
{
	ArtemisOperations *operations = g_new0 (ArtemisOperations, 1);

	operations->key = key;
	operations->operations = g_ptr_array_new_with_free_func (g_free);
	return operations;
}

void
artemis_operations_free (ArtemisOperations *operations)
{
	if (operations == NULL)
		return;
	artemis_operation_key_free (operations->key);
	g_ptr_array_unref (operations->operations);
	g_free (operations);
}

static gboolean
find_operation (const ArtemisOperations *operations, const char *operation, guint *index)
{
	for (guint i = 0; i < operations->operations->len; i++) {
		if (g_ascii_strcasecmp (g_ptr_array_index (operations->operations, i), operation) == 0) {
			*index = i;
			return TRUE;
		}
	}
	return FALSE;
}

gboolean
artemis_operations_add (ArtemisOperations *operations, const char *operation)
{
	guint index;

	if (find_operation (operations, operation, &index))
		return FALSE;
	g_ptr_array_add (operations->operations, g_strdup (operation));
	return TRUE;
}

gboolean
artemis_operations_contains (const ArtemisOperations *operations, const char *operation)
{
	guint index;

	return find_operation (operations, operation, &index);
}

gboolean
artemis_operations_remove (ArtemisOperations *operations, const char *operation)
{
	guint index;

	if (!find_operation (operations, operation, &index))
		return FALSE;
	g_ptr_array_remove_index (operations->operations, index);
	return TRUE;
}

gboolean
artemis_operations_check (const ArtemisOperations *operations, GError **error)
{
	g_return_val_if_fail (operations->key != NULL, FALSE);
	if (!artemis_operation_key_check (operations->key, error))
		return FALSE;
	if (operations->operations == NULL || operations->operations->len == 0)
		return check_part (NULL, "operations", error);
	for (guint i = 0; i < operations->operations->len; i++) {
		if (!check_part (g_ptr_array_index (operations->operations, i), "operation", error))
			return FALSE;
	}
	return TRUE;
}

gboolean
artemis_operation_check_operator (const char *operator_id, const char *token, GError **error)
{
	if (!check_part (operator_id, "operatorId", error))
		return FALSE;
	if (token != NULL)
		return TRUE;
	g_set_error_literal (error, ARTEMIS_ERROR, ARTEMIS_ERROR_BAD_REQUEST, "token is null");
	return FALSE;
}
