/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-replicator.h"
#include "artemis-service.h"

typedef struct {
	ArtemisReplicationContext *context;
} ArtemisReplicatorPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ArtemisReplicator, artemis_replicator, ARTEMIS_TYPE_PLUGIN)

const char *
artemis_replication_action_to_string (ArtemisReplicationAction action)
{
	switch (action) {
	case ARTEMIS_REPLICATION_REGISTER:
		return "register";
	case ARTEMIS_REPLICATION_HEARTBEAT:
		return "heartbeat";
	case ARTEMIS_REPLICATION_UNREGISTER:
		return "unregister";
	default:
		g_return_val_if_reached (NULL);
	}
}

static void
artemis_replicator_dispose (GObject *object)
{
	ArtemisReplicatorPrivate *priv = artemis_replicator_get_instance_private (ARTEMIS_REPLICATOR (object));

	g_clear_object (&priv->context);
	G_OBJECT_CLASS (artemis_replicator_parent_class)->dispose (object);
}

static void
artemis_replicator_class_init (ArtemisReplicatorClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = artemis_replicator_dispose;
}

static void
artemis_replicator_init (ArtemisReplicator *self)
{
}

void
artemis_replicator_replicate (ArtemisReplicator *self, ArtemisReplicationAction action, GPtrArray *instances)
{
	ArtemisReplicatorClass *klass;

	g_return_if_fail (ARTEMIS_IS_REPLICATOR (self));
	g_return_if_fail (instances != NULL);
	klass = ARTEMIS_REPLICATOR_GET_CLASS (self);
	g_return_if_fail (klass->replicate != NULL);
	klass->replicate (self, action, instances);
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

ArtemisReplicationContext *
artemis_replicator_get_context (ArtemisReplicator *self)
{
	ArtemisReplicatorPrivate *priv;

	g_return_val_if_fail (ARTEMIS_IS_REPLICATOR (self), NULL);
	priv = artemis_replicator_get_instance_private (self);
	return priv->context;
}

void
artemis_replicator_set_context (ArtemisReplicator *self, ArtemisReplicationContext *context)
{
	ArtemisReplicatorPrivate *priv;

	g_return_if_fail (ARTEMIS_IS_REPLICATOR (self));
	g_return_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (context));
	priv = artemis_replicator_get_instance_private (self);
	g_set_object (&priv->context, context);
}
