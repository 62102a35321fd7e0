/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "artemis-cluster.h"
#include "artemis-error.h"

struct _ArtemisCluster {
	GObject parent_instance;

	ArtemisNode *node;
	/* ArtemisClusterNode: this zone's nodes, then the other zones' (protocol §10.2 allNodes). */
	GPtrArray *nodes;
};

G_DEFINE_FINAL_TYPE (ArtemisCluster, artemis_cluster, G_TYPE_OBJECT)

void
artemis_cluster_node_free (ArtemisClusterNode *node)
{
	if (node == NULL)
		return;
	g_free (node->url);
	g_free (node->zone_id);
	g_free (node);
}

static ArtemisClusterNode *
cluster_node_new (const char *zone_id, const char *url)
{
	ArtemisClusterNode *node = g_new0 (ArtemisClusterNode, 1);

	node->zone_id = g_strdup (zone_id);
	node->url = g_strdup (url);
	node->status = ARTEMIS_NODE_STATUS_UNKNOWN;
	return node;
}

/* ---- the node list ----------------------------------------------------- */

static gboolean
is_http_url (const char *url)
{
	g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

	if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
		return FALSE;
	return g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 ||
	       g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0;
}

/* A node's identity is its lower-case zone/url (protocol §2.8; the region is everybody's). */
static gboolean
same_node (const ArtemisClusterNode *a, const char *zone_id, const char *url)
{
	return g_ascii_strcasecmp (a->zone_id, zone_id) == 0 && g_ascii_strcasecmp (a->url, url) == 0;
}

static void
add_node (GPtrArray *nodes, const char *zone_id, const char *url)
{
	for (guint i = 0; i < nodes->len; i++) {
		if (same_node (g_ptr_array_index (nodes, i), zone_id, url))
			return;
	}
	g_ptr_array_add (nodes, cluster_node_new (zone_id, url));
}

/* One `zone:url[,url…]` entry. */
static gboolean
parse_zone_entry (const char *entry, GPtrArray *nodes, GError **error)
{
	const char *colon = strchr (entry, ':');
	g_autofree char *zone_id = NULL;
	g_auto (GStrv) urls = NULL;

	if (colon == NULL) {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
			     /* TRANSLATORS: an entry of [cluster] nodes, written zone:url */
			     _("[cluster] nodes: “%s” has no zone (write zone:url)"), entry);
		return FALSE;
	}
	zone_id = g_strstrip (g_strndup (entry, colon - entry));
	if (*zone_id == '\0') {
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
			     _("[cluster] nodes: “%s” has no zone (write zone:url)"), entry);
		return FALSE;
	}
	urls = g_strsplit (colon + 1, ",", -1);
	for (guint i = 0; urls[i] != NULL; i++) {
		const char *url = g_strstrip (urls[i]);

		if (*url == '\0')
			continue;
		if (!is_http_url (url)) {
			g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_CONFIG,
				     _("[cluster] nodes: “%s” is not an http:// or https:// URL"), url);
			return FALSE;
		}
		add_node (nodes, zone_id, url);
	}
	return TRUE;
}

GPtrArray *
artemis_cluster_parse_nodes (const char *text, GError **error)
{
	g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_cluster_node_free);
	g_auto (GStrv) entries = g_strsplit (text != NULL ? text : "", ";", -1);

	for (guint i = 0; entries[i] != NULL; i++) {
		const char *entry = g_strstrip (entries[i]);

		if (*entry != '\0' && !parse_zone_entry (entry, nodes, error))
			return NULL;
	}
	return g_steal_pointer (&nodes);
}

/* ---- the object -------------------------------------------------------- */

static void
artemis_cluster_finalize (GObject *object)
{
	ArtemisCluster *self = ARTEMIS_CLUSTER (object);

	g_ptr_array_unref (self->nodes);
	g_clear_object (&self->node);
	G_OBJECT_CLASS (artemis_cluster_parent_class)->finalize (object);
}

static void
artemis_cluster_class_init (ArtemisClusterClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_cluster_finalize;
}

static void
artemis_cluster_init (ArtemisCluster *self)
{
	self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_cluster_node_free);
}

/* The cluster of one: this node only. */
static GPtrArray *
nodes_of_one (ArtemisNode *node)
{
	GPtrArray *nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_cluster_node_free);
	ArtemisClusterNode *self_node = cluster_node_new (artemis_node_get_zone_id (node), artemis_node_get_url (node));

	self_node->is_local = TRUE;
	g_ptr_array_add (nodes, self_node);
	return nodes;
}

ArtemisCluster *
artemis_cluster_new (ArtemisNode *node)
{
	ArtemisCluster *self = g_object_new (ARTEMIS_TYPE_CLUSTER, NULL);

	self->node = g_object_ref (node);
	g_ptr_array_unref (self->nodes);
	self->nodes = nodes_of_one (node);
	return self;
}

static gint
uri_port (GUri *uri)
{
	gint port = g_uri_get_port (uri);

	if (port > 0)
		return port;
	return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/* Same host and port: Java's "the URL contains <ip>:<port>", without its substring accidents. */
static gboolean
is_own_url (const char *url, const char *own_url)
{
	g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
	g_autoptr (GUri) own = g_uri_parse (own_url, G_URI_FLAGS_NONE, NULL);

	if (uri == NULL || own == NULL)
		return FALSE;
	return g_ascii_strcasecmp (g_uri_get_host (uri), g_uri_get_host (own)) == 0 &&
	       uri_port (uri) == uri_port (own);
}

/* Protocol §10.2: this zone's nodes first, then the others, each in configuration order. */
static GPtrArray *
order_by_zone (GPtrArray *parsed, const char *own_zone)
{
	GPtrArray *nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) artemis_cluster_node_free);

	for (int pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < parsed->len; i++) {
			ArtemisClusterNode *node = g_ptr_array_index (parsed, i);
			gboolean own_zone_node = g_strcmp0 (node->zone_id, own_zone) == 0;

			if (own_zone_node == (pass == 0))
				g_ptr_array_add (nodes, cluster_node_new (node->zone_id, node->url));
		}
	}
	return nodes;
}

static ArtemisClusterNode *
find_local (GPtrArray *nodes, ArtemisNode *node)
{
	for (guint i = 0; i < nodes->len; i++) {
		ArtemisClusterNode *candidate = g_ptr_array_index (nodes, i);

		if (g_strcmp0 (candidate->zone_id, artemis_node_get_zone_id (node)) == 0 &&
		    is_own_url (candidate->url, artemis_node_get_url (node)))
			return candidate;
	}
	return NULL;
}

gboolean
artemis_cluster_configure (ArtemisCluster *self, const char *nodes_text, GError **error)
{
	g_autoptr (GPtrArray) parsed = NULL;
	ArtemisClusterNode *local;

	g_return_val_if_fail (ARTEMIS_IS_CLUSTER (self), FALSE);
	parsed = artemis_cluster_parse_nodes (nodes_text, error);
	if (parsed == NULL)
		return FALSE;
	g_ptr_array_unref (self->nodes);
	if (parsed->len == 0) {
		self->nodes = nodes_of_one (self->node);
		return TRUE;
	}
	self->nodes = order_by_zone (parsed, artemis_node_get_zone_id (self->node));
	local = find_local (self->nodes, self->node);
	if (local == NULL) {
		g_message ("This node (%s, zone %s) is not in [cluster] nodes: every node listed is a peer",
			   artemis_node_get_url (self->node), artemis_node_get_zone_id (self->node));
		return TRUE;
	}
	local->is_local = TRUE;
	artemis_node_set_url (self->node, local->url);
	return TRUE;
}

ArtemisNode *
artemis_cluster_get_local_node (ArtemisCluster *self)
{
	return self->node;
}

GPtrArray *
artemis_cluster_get_nodes (ArtemisCluster *self)
{
	return self->nodes;
}

ArtemisNodeStatus
artemis_cluster_get_node_status (ArtemisCluster *self, const ArtemisClusterNode *node)
{
	if (node->is_local)
		return artemis_node_get_status (self->node);
	return node->status;
}

gboolean
artemis_cluster_has_peers (ArtemisCluster *self)
{
	for (guint i = 0; i < self->nodes->len; i++) {
		if (!((ArtemisClusterNode *) g_ptr_array_index (self->nodes, i))->is_local)
			return TRUE;
	}
	return FALSE;
}

/* The base URL of @node ending in `/`, as peers are handed out. */
static char *
base_url (const ArtemisClusterNode *node)
{
	return g_str_has_suffix (node->url, "/") ? g_strdup (node->url) : g_strconcat (node->url, "/", NULL);
}

void
artemis_cluster_set_peer_status (ArtemisCluster *self, const char *url, const ArtemisNodeStatus *status)
{
	for (guint i = 0; i < self->nodes->len; i++) {
		ArtemisClusterNode *node = g_ptr_array_index (self->nodes, i);
		g_autofree char *base = base_url (node);

		if (node->is_local || (g_strcmp0 (node->url, url) != 0 && g_strcmp0 (base, url) != 0))
			continue;
		if (node->status.state != status->state)
			g_message ("Node %s is now %s", url, artemis_node_state_to_string (status->state));
		node->status = *status;
		node->polled = TRUE;
	}
}

static gboolean
serves (const ArtemisNodeStatus *status, ArtemisClusterCapability capability)
{
	if (capability == ARTEMIS_CLUSTER_REGISTRY)
		return artemis_node_status_can_serve_registry (status);
	return artemis_node_status_can_serve_discovery (status);
}

static gboolean
allows_other_zones (const ArtemisNodeStatus *status, ArtemisClusterCapability capability)
{
	if (capability == ARTEMIS_CLUSTER_REGISTRY)
		return status->allow_registry_from_other_zone == ARTEMIS_TRISTATE_TRUE;
	return status->allow_discovery_from_other_zone == ARTEMIS_TRISTATE_TRUE;
}

GPtrArray *
artemis_cluster_select_nodes (ArtemisCluster *self, ArtemisClusterCapability capability, const char *region_id,
			      const char *zone_id)
{
	GPtrArray *selected = g_ptr_array_new ();
	const char *own_region = artemis_node_get_region_id (self->node);

	for (guint i = 0; i < self->nodes->len; i++) {
		ArtemisClusterNode *node = g_ptr_array_index (self->nodes, i);
		ArtemisNodeStatus status = artemis_cluster_get_node_status (self, node);
		/* Java compares these with case (protocol §3.4). */
		gboolean same_place = g_strcmp0 (node->zone_id, zone_id) == 0 && g_strcmp0 (own_region, region_id) == 0;

		if (serves (&status, capability) && (allows_other_zones (&status, capability) || same_place))
			g_ptr_array_add (selected, node);
	}
	return selected;
}

typedef gboolean (*PeerPredicate) (const ArtemisClusterNode *node);

static GStrv
dup_peer_urls_where (ArtemisCluster *self, PeerPredicate predicate)
{
	g_autoptr (GStrvBuilder) urls = g_strv_builder_new ();

	for (guint i = 0; i < self->nodes->len; i++) {
		ArtemisClusterNode *node = g_ptr_array_index (self->nodes, i);

		g_autofree char *url = NULL;

		if (node->is_local || (predicate != NULL && !predicate (node)))
			continue;
		url = base_url (node);
		g_strv_builder_add (urls, url);
	}
	return g_strv_builder_end (urls);
}

/*
 * Java sends only to nodes that serve registry. A starting node takes
 * replication too (the status check is skipped there, §3.3): sending to it
 * spares it the writes made while it copies its peers.
 */
static gboolean
can_take_writes (const ArtemisClusterNode *node)
{
	return artemis_node_status_can_serve_registry (&node->status) || node->status.state == ARTEMIS_NODE_STARTING;
}

static gboolean
is_up (const ArtemisClusterNode *node)
{
	return node->status.state == ARTEMIS_NODE_UP;
}

GStrv
artemis_cluster_dup_peer_urls (ArtemisCluster *self)
{
	return dup_peer_urls_where (self, NULL);
}

GStrv
artemis_cluster_dup_targets (ArtemisCluster *self)
{
	return dup_peer_urls_where (self, can_take_writes);
}

GStrv
artemis_cluster_dup_bootstrap_peers (ArtemisCluster *self)
{
	return dup_peer_urls_where (self, is_up);
}

gboolean
artemis_cluster_all_peers_polled (ArtemisCluster *self)
{
	for (guint i = 0; i < self->nodes->len; i++) {
		ArtemisClusterNode *node = g_ptr_array_index (self->nodes, i);

		if (!node->is_local && !node->polled)
			return FALSE;
	}
	return TRUE;
}

char *
artemis_cluster_join_url (const char *base, const char *path)
{
	while (*path == '/')
		path++;
	if (g_str_has_suffix (base, "/"))
		return g_strconcat (base, path, NULL);
	return g_strconcat (base, "/", path, NULL);
}
