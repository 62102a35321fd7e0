/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-cluster-codec.h"
#include "artemis-cluster-replication-context.h"

struct _ArtemisClusterReplicationContext {
	ArtemisReplicationContext parent_instance;

	ArtemisCluster *cluster;
};

G_DEFINE_FINAL_TYPE (ArtemisClusterReplicationContext, artemis_cluster_replication_context,
		     ARTEMIS_TYPE_REPLICATION_CONTEXT)

#define CLUSTER(self) (ARTEMIS_CLUSTER_REPLICATION_CONTEXT (self)->cluster)

static GStrv
dup_targets (ArtemisReplicationContext *self)
{
	return artemis_cluster_dup_targets (CLUSTER (self));
}

static GStrv
dup_bootstrap_peers (ArtemisReplicationContext *self)
{
	return artemis_cluster_dup_bootstrap_peers (CLUSTER (self));
}

static const char *
get_region_id (ArtemisReplicationContext *self)
{
	return artemis_node_get_region_id (artemis_cluster_get_local_node (CLUSTER (self)));
}

static const char *
get_zone_id (ArtemisReplicationContext *self)
{
	return artemis_node_get_zone_id (artemis_cluster_get_local_node (CLUSTER (self)));
}

static GBytes *
encode_instances (ArtemisReplicationContext *self, GPtrArray *instances)
{
	return artemis_cluster_codec_encode_instances (instances);
}

static gboolean
decode_registry_response (ArtemisReplicationContext *self, GBytes *body, GPtrArray *sent, GPtrArray *failures,
			  GError **error)
{
	gsize len;
	const char *data = g_bytes_get_data (body, &len);

	return artemis_cluster_codec_decode_registry_response (data, len, sent, failures, error);
}

static GPtrArray *
decode_services (ArtemisReplicationContext *self, GBytes *body, GError **error)
{
	gsize len;
	const char *data = g_bytes_get_data (body, &len);

	return artemis_cluster_codec_decode_services (data, len, error);
}

static void
artemis_cluster_replication_context_dispose (GObject *object)
{
	g_clear_object (&ARTEMIS_CLUSTER_REPLICATION_CONTEXT (object)->cluster);
	G_OBJECT_CLASS (artemis_cluster_replication_context_parent_class)->dispose (object);
}

static void
artemis_cluster_replication_context_class_init (ArtemisClusterReplicationContextClass *klass)
{
	ArtemisReplicationContextClass *context_class = ARTEMIS_REPLICATION_CONTEXT_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = artemis_cluster_replication_context_dispose;
	context_class->dup_targets = dup_targets;
	context_class->dup_bootstrap_peers = dup_bootstrap_peers;
	context_class->get_region_id = get_region_id;
	context_class->get_zone_id = get_zone_id;
	context_class->encode_instances = encode_instances;
	context_class->decode_registry_response = decode_registry_response;
	context_class->decode_services = decode_services;
}

static void
artemis_cluster_replication_context_init (ArtemisClusterReplicationContext *self)
{
}

ArtemisReplicationContext *
artemis_cluster_replication_context_new (ArtemisCluster *cluster)
{
	ArtemisClusterReplicationContext *self = g_object_new (ARTEMIS_TYPE_CLUSTER_REPLICATION_CONTEXT, NULL);

	self->cluster = g_object_ref (cluster);
	return ARTEMIS_REPLICATION_CONTEXT (self);
}
