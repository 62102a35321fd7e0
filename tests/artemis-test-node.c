/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "artemis-test-node.h"

static void
on_change (ArtemisChange *change, gpointer user_data)
{
	g_string_append_printf (user_data, "%s %s ", artemis_change_type_to_string (change->type),
				artemis_instance_get (change->instance, ARTEMIS_INSTANCE_INSTANCE_ID));
}

void
artemis_test_node_set_up (ArtemisTestNode *node, gconstpointer unused)
{
	g_autoptr (ArtemisInstanceBuilder) builder = artemis_instance_builder_new ();
	g_autoptr (GError) error = NULL;

	node->dir = g_dir_make_tmp ("artemis-node-XXXXXX", &error);
	g_assert_no_error (error);
	node->config = artemis_config_new ();
	g_assert_true (artemis_config_load_data (node->config, "[deployment]\nregion-id=SHA\nzone-id=Z1\n", NULL));
	node->node = artemis_node_new (node->config, "http://127.0.0.1:8080/");
	node->log = artemis_change_log_new (100);
	node->registry = artemis_registry_new (node->config, node->node, node->log);
	node->management = artemis_management_new (node->registry);
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_REGION_ID, "SHA");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_ZONE_ID, "Z1");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_SERVICE_ID, "demo.hello");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_INSTANCE_ID, "x-1");
	artemis_instance_builder_set (builder, ARTEMIS_INSTANCE_URL, "http://x/");
	node->i1 = artemis_instance_builder_end (builder);
	artemis_registry_register (node->registry, node->i1);
	node->changes = g_string_new (NULL);
	artemis_change_log_add_listener (node->log, on_change, node->changes, NULL);
}

static void
remove_dir (const char *path)
{
	g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *child = g_build_filename (path, name, NULL);

		g_assert_cmpint (g_remove (child), ==, 0);
	}
	g_assert_cmpint (g_rmdir (path), ==, 0);
}

void
artemis_test_node_tear_down (ArtemisTestNode *node, gconstpointer unused)
{
	/* The queue holds the store, which holds the management state, which holds the queue. */
	artemis_write_queue_set_store (artemis_management_get_write_queue (node->management), NULL);
	if (node->storage != NULL)
		artemis_storage_close (node->storage);
	g_clear_object (&node->storage);
	g_string_free (node->changes, TRUE);
	artemis_instance_unref (node->i1);
	g_clear_object (&node->management);
	g_clear_object (&node->registry);
	g_clear_object (&node->log);
	g_clear_object (&node->node);
	artemis_config_free (node->config);
	remove_dir (node->dir);
	g_free (node->dir);
}

void
artemis_test_node_open (ArtemisTestNode *node, ArtemisStorageBackend *backend)
{
	g_autoptr (GError) error = NULL;

	node->storage = artemis_storage_new (backend, node->management, &error);
	g_assert_no_error (error);
	g_assert_true (artemis_storage_open (node->storage, node->dir, &error));
	g_assert_no_error (error);
	artemis_write_queue_set_store (artemis_management_get_write_queue (node->management),
				       ARTEMIS_STORE (node->storage));
}

gboolean
artemis_test_node_is_down (ArtemisTestNode *node)
{
	return artemis_management_is_instance_down (node->management, node->i1);
}

/* ---- writes ------------------------------------------------------------ */

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArtemisTestWrite *written = user_data;

	written->ok = artemis_write_queue_submit_finish (ARTEMIS_WRITE_QUEUE (source), result, NULL, &written->error);
	written->done = TRUE;
}

static GPtrArray *
prepare_given (gpointer writes, GError **error)
{
	return g_ptr_array_ref (writes);
}

void
artemis_test_node_submit (ArtemisTestNode *node, GPtrArray *writes, ArtemisTestWrite *written)
{
	artemis_write_queue_submit_async (artemis_management_get_write_queue (node->management), prepare_given,
					  g_ptr_array_ref (writes), (GDestroyNotify) g_ptr_array_unref, on_written,
					  written);
}

GPtrArray *
artemis_test_node_pull_out (ArtemisTestNode *node, gboolean complete)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_operations_free);
	ArtemisOperations *operations = artemis_operations_new (
		artemis_operation_key_new (ARTEMIS_OPERATION_TARGET_INSTANCE, "SHA", "demo.hello", "x-1"));

	artemis_operations_add (operations, "pullout");
	g_ptr_array_add (list, operations);
	return artemis_management_prepare_writes (node->management, list, complete, "ops1", "t");
}

typedef struct {
	ArtemisTestNode *node;
	ArtemisGroupRequest *request;
} GroupWrite;

static void
group_write_free (GroupWrite *write)
{
	artemis_group_request_free (write->request);
	g_free (write);
}

static GPtrArray *
prepare_groups (gpointer data, GError **error)
{
	GroupWrite *write = data;

	write->node->prepared++;
	return artemis_group_writes_upsert_groups (artemis_management_get_groups (write->node->management),
						   write->request, error);
}

void
artemis_test_node_insert_groups (ArtemisTestNode *node, const char *names, ArtemisTestWrite *written)
{
	g_auto (GStrv) list = g_strsplit (names, ";", -1);
	g_autoptr (GString) body = g_string_new ("{\"operation\":\"op\",\"operatorId\":\"o\",\"token\":\"t\",\"groups\":[");
	g_autoptr (GError) error = NULL;
	GroupWrite *write = g_new0 (GroupWrite, 1);
	guint new_rows[ARTEMIS_STORAGE_N_KINDS];

	for (guint i = 0; list[i] != NULL; i++)
		g_string_append_printf (body,
					"%s{\"appId\":\"a\",\"name\":\"%s\",\"regionId\":\"SHA\",\"serviceId\":\"demo.hello\","
					"\"status\":\"active\",\"zoneId\":\"Z1\"}",
					i > 0 ? "," : "", list[i]);
	g_string_append (body, "]}");
	write->node = node;
	write->request = artemis_group_request_decode (body->str, body->len, ARTEMIS_STORAGE_SERVICE_GROUP, &error);
	g_assert_no_error (error);
	artemis_group_writes_count_new_rows (write->request, new_rows);
	artemis_write_queue_submit_numbered_async (artemis_management_get_write_queue (node->management), new_rows,
						   prepare_groups, write, (GDestroyNotify) group_write_free, on_written,
						   written);
}

gint64
artemis_test_node_get_group_id (ArtemisTestNode *node, const char *name)
{
	g_autoptr (ArtemisStorageRecord) key = artemis_storage_record_new (ARTEMIS_STORAGE_SERVICE_GROUP);
	const ArtemisStorageRecord *row;

	artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_SERVICE_ID, "demo.hello");
	artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_REGION_ID, "SHA");
	artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_ZONE_ID, "Z1");
	artemis_storage_record_set_string (key, ARTEMIS_STORAGE_FIELD_NAME, name);
	row = artemis_groups_find (artemis_management_get_groups (node->management), key);
	return row != NULL ? row->id : 0;
}

char *
artemis_test_node_list_groups (ArtemisTestNode *node)
{
	g_autoptr (ArtemisStorageRecord) filter = artemis_storage_record_new (ARTEMIS_STORAGE_SERVICE_GROUP);
	g_autoptr (GPtrArray) rows = artemis_groups_list (artemis_management_get_groups (node->management), filter);
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < rows->len; i++) {
		const ArtemisStorageRecord *row = g_ptr_array_index (rows, i);

		g_string_append_printf (out, "%" G_GINT64_FORMAT ":%s ", row->id,
					artemis_storage_record_get_string (row, ARTEMIS_STORAGE_FIELD_NAME));
	}
	return g_string_free (out, FALSE);
}

gboolean
artemis_test_write_wait (ArtemisTestWrite *written)
{
	gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

	while (!written->done && g_get_monotonic_time () < deadline) {
		if (!g_main_context_iteration (NULL, FALSE))
			g_usleep (500);
	}
	return written->done;
}
