/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-replication-context.h"

G_DEFINE_ABSTRACT_TYPE (ArtemisReplicationContext, artemis_replication_context, G_TYPE_OBJECT)

static void
artemis_replication_context_class_init (ArtemisReplicationContextClass *klass)
{
}

static void
artemis_replication_context_init (ArtemisReplicationContext *self)
{
}

#define CONTEXT_CLASS(self) ARTEMIS_REPLICATION_CONTEXT_GET_CLASS (self)

GStrv
artemis_replication_context_dup_targets (ArtemisReplicationContext *self)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (self), NULL);
	return CONTEXT_CLASS (self)->dup_targets (self);
}

GStrv
artemis_replication_context_dup_bootstrap_peers (ArtemisReplicationContext *self)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (self), NULL);
	return CONTEXT_CLASS (self)->dup_bootstrap_peers (self);
}

const char *
artemis_replication_context_get_region_id (ArtemisReplicationContext *self)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (self), NULL);
	return CONTEXT_CLASS (self)->get_region_id (self);
}

const char *
artemis_replication_context_get_zone_id (ArtemisReplicationContext *self)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (self), NULL);
	return CONTEXT_CLASS (self)->get_zone_id (self);
}

GBytes *
artemis_replication_context_encode_instances (ArtemisReplicationContext *self, GPtrArray *instances)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (self), NULL);
	g_return_val_if_fail (instances != NULL, NULL);
	return CONTEXT_CLASS (self)->encode_instances (self, instances);
}

gboolean
artemis_replication_context_decode_registry_response (ArtemisReplicationContext *self, GBytes *body,
						      GPtrArray *sent, GPtrArray *failures, GError **error)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (self), FALSE);
	g_return_val_if_fail (body != NULL && sent != NULL && failures != NULL, FALSE);
	return CONTEXT_CLASS (self)->decode_registry_response (self, body, sent, failures, error);
}

GPtrArray *
artemis_replication_context_decode_services (ArtemisReplicationContext *self, GBytes *body, GError **error)
{
	g_return_val_if_fail (ARTEMIS_IS_REPLICATION_CONTEXT (self), NULL);
	g_return_val_if_fail (body != NULL, NULL);
	return CONTEXT_CLASS (self)->decode_services (self, body, error);
}

static void
failure_free (ArtemisReplicationFailure *failure)
{
	artemis_instance_unref (failure->instance);
	g_free (failure->error_code);
	g_free (failure);
}

GPtrArray *
artemis_replication_failure_array_new (void)
{
	return g_ptr_array_new_with_free_func ((GDestroyNotify) failure_free);
}

void
artemis_replication_failure_array_add (GPtrArray *failures, ArtemisInstance *instance, const char *error_code)
{
	ArtemisReplicationFailure *failure = g_new0 (ArtemisReplicationFailure, 1);

	failure->instance = artemis_instance_ref (instance);
	failure->error_code = g_strdup (error_code);
	g_ptr_array_add (failures, failure);
}
