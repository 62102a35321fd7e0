/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-replicator.h"
#include "artemis-service.h"

G_DEFINE_ABSTRACT_TYPE (ArtemisReplicator, artemis_replicator, ARTEMIS_TYPE_PLUGIN)

static void
artemis_replicator_class_init (ArtemisReplicatorClass *klass)
{
}

static void
artemis_replicator_init (ArtemisReplicator *self)
{
}

void
artemis_replicator_replicate (ArtemisReplicator *self, GPtrArray *changes)
{
	ArtemisReplicatorClass *klass;

	g_return_if_fail (ARTEMIS_IS_REPLICATOR (self));
	klass = ARTEMIS_REPLICATOR_GET_CLASS (self);
	g_return_if_fail (klass->replicate != NULL);
	klass->replicate (self, changes);
}

void
artemis_replicator_replicate_heartbeats (ArtemisReplicator *self, GPtrArray *instances)
{
	ArtemisReplicatorClass *klass;

	g_return_if_fail (ARTEMIS_IS_REPLICATOR (self));
	klass = ARTEMIS_REPLICATOR_GET_CLASS (self);
	if (klass->replicate_heartbeats != NULL)
		klass->replicate_heartbeats (self, instances);
}

void
artemis_replicator_bootstrap_async (ArtemisReplicator *self, GCancellable *cancellable,
				    GAsyncReadyCallback callback, gpointer user_data)
{
	ArtemisReplicatorClass *klass;
	g_autoptr (GTask) task = NULL;

	g_return_if_fail (ARTEMIS_IS_REPLICATOR (self));
	klass = ARTEMIS_REPLICATOR_GET_CLASS (self);
	if (klass->bootstrap_async != NULL) {
		klass->bootstrap_async (self, cancellable, callback, user_data);
		return;
	}
	task = g_task_new (self, cancellable, callback, user_data);
	g_task_set_source_tag (task, artemis_replicator_bootstrap_async);
	g_task_return_pointer (task, artemis_instance_array_new (0), (GDestroyNotify) g_ptr_array_unref);
}

GPtrArray *
artemis_replicator_bootstrap_finish (ArtemisReplicator *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATOR (self), NULL);
	if (g_async_result_is_tagged (result, artemis_replicator_bootstrap_async))
		return g_task_propagate_pointer (G_TASK (result), error);
	return ARTEMIS_REPLICATOR_GET_CLASS (self)->bootstrap_finish (self, result, error);
}
