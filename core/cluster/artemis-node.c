/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-node.h"

struct _ArtemisNode {
	GObject parent_instance;

	char *region_id;
	char *zone_id;
	char *url;
	ArtemisNodeState state;
	ArtemisTristate can_serve_registry;
	ArtemisTristate can_serve_discovery;
	gboolean allow_registry_from_other_zone;
	gboolean allow_discovery_from_other_zone;
};

G_DEFINE_TYPE (ArtemisNode, artemis_node, G_TYPE_OBJECT)

const char *
artemis_node_state_to_string (ArtemisNodeState state)
{
	switch (state) {
	case ARTEMIS_NODE_STARTING:
		return "starting";
	case ARTEMIS_NODE_UP:
		return "up";
	case ARTEMIS_NODE_DOWN:
		return "down";
	case ARTEMIS_NODE_UNKNOWN:
	default:
		return "unknown";
	}
}

static void
artemis_node_finalize (GObject *object)
{
	ArtemisNode *self = ARTEMIS_NODE (object);

	g_free (self->region_id);
	g_free (self->zone_id);
	g_free (self->url);
	G_OBJECT_CLASS (artemis_node_parent_class)->finalize (object);
}

static void
artemis_node_class_init (ArtemisNodeClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_node_finalize;
}

static void
artemis_node_init (ArtemisNode *self)
{
	self->state = ARTEMIS_NODE_STARTING;
	self->can_serve_registry = ARTEMIS_TRISTATE_NULL;
	self->can_serve_discovery = ARTEMIS_TRISTATE_NULL;
}

ArtemisNode *
artemis_node_new (const ArtemisConfig *config, const char *url)
{
	ArtemisNode *self = g_object_new (ARTEMIS_TYPE_NODE, NULL);

	self->region_id = g_strdup (config->region_id);
	self->zone_id = g_strdup (config->zone_id);
	self->url = g_strdup (url);
	self->allow_registry_from_other_zone = config->allow_registry_from_other_zone;
	self->allow_discovery_from_other_zone = config->allow_discovery_from_other_zone;
	if (config->force_up) {
		self->state = ARTEMIS_NODE_UP;
		self->can_serve_registry = ARTEMIS_TRISTATE_TRUE;
		self->can_serve_discovery = ARTEMIS_TRISTATE_TRUE;
	}
	return self;
}

const char *
artemis_node_get_region_id (ArtemisNode *self)
{
	return self->region_id;
}

const char *
artemis_node_get_zone_id (ArtemisNode *self)
{
	return self->zone_id;
}

const char *
artemis_node_get_url (ArtemisNode *self)
{
	return self->url;
}

ArtemisNodeState
artemis_node_get_state (ArtemisNode *self)
{
	return self->state;
}

ArtemisTristate
artemis_node_get_can_serve_registry_flag (ArtemisNode *self)
{
	return self->can_serve_registry;
}

ArtemisTristate
artemis_node_get_can_serve_discovery_flag (ArtemisNode *self)
{
	return self->can_serve_discovery;
}

gboolean
artemis_node_get_allow_registry_from_other_zone (ArtemisNode *self)
{
	return self->allow_registry_from_other_zone;
}

gboolean
artemis_node_get_allow_discovery_from_other_zone (ArtemisNode *self)
{
	return self->allow_discovery_from_other_zone;
}

void
artemis_node_set_url (ArtemisNode *self, const char *url)
{
	g_free (self->url);
	self->url = g_strdup (url);
}

void
artemis_node_set_state (ArtemisNode *self, ArtemisNodeState state)
{
	self->state = state;
}

void
artemis_node_set_capabilities (ArtemisNode *self, ArtemisTristate registry, ArtemisTristate discovery)
{
	self->can_serve_registry = registry;
	self->can_serve_discovery = discovery;
}

static gboolean
can_serve (ArtemisNodeState state, ArtemisTristate flag)
{
	if (state == ARTEMIS_NODE_UP)
		return TRUE;
	if (state == ARTEMIS_NODE_DOWN)
		return FALSE;
	return flag == ARTEMIS_TRISTATE_TRUE;
}

gboolean
artemis_node_status_can_serve_registry (const ArtemisNodeStatus *status)
{
	return can_serve (status->state, status->can_serve_registry);
}

gboolean
artemis_node_status_can_serve_discovery (const ArtemisNodeStatus *status)
{
	return can_serve (status->state, status->can_serve_discovery);
}

static ArtemisTristate
tristate_from_boolean (gboolean value)
{
	return value ? ARTEMIS_TRISTATE_TRUE : ARTEMIS_TRISTATE_FALSE;
}

ArtemisNodeStatus
artemis_node_get_status (ArtemisNode *self)
{
	return (ArtemisNodeStatus){
		.state = self->state,
		.can_serve_registry = self->can_serve_registry,
		.can_serve_discovery = self->can_serve_discovery,
		.allow_registry_from_other_zone = tristate_from_boolean (self->allow_registry_from_other_zone),
		.allow_discovery_from_other_zone = tristate_from_boolean (self->allow_discovery_from_other_zone),
	};
}

gboolean
artemis_node_can_serve_registry (ArtemisNode *self)
{
	return can_serve (self->state, self->can_serve_registry);
}

gboolean
artemis_node_can_serve_discovery (ArtemisNode *self)
{
	return can_serve (self->state, self->can_serve_discovery);
}

/* Blank never matches (protocol §5.2: "blank counts as different"). */
static gboolean
same_ignoring_case (const char *a, const char *b)
{
	if (a == NULL || b == NULL || *a == '\0')
		return FALSE;
	return g_ascii_strcasecmp (a, b) == 0;
}

gboolean
artemis_node_is_own_region (ArtemisNode *self, const char *region_id)
{
	return same_ignoring_case (region_id, self->region_id);
}

gboolean
artemis_node_is_own_zone (ArtemisNode *self, const char *zone_id)
{
	return same_ignoring_case (zone_id, self->zone_id);
}

static const char *
tristate_to_string (ArtemisTristate value)
{
	if (value == ARTEMIS_TRISTATE_NULL)
		return "null";
	return value == ARTEMIS_TRISTATE_TRUE ? "true" : "false";
}

char *
artemis_node_describe_status (ArtemisNode *self)
{
	g_autofree char *node = g_strdup_printf ("%s/%s/%s", self->region_id, self->zone_id, self->url);
	g_autofree char *lower = g_utf8_strdown (node, -1);

	return g_strdup_printf ("{ node: %s, status: %s, canServiceRegistry: %s, canServiceDiscovery: %s }", lower,
				artemis_node_state_to_string (self->state),
				tristate_to_string (self->can_serve_registry),
				tristate_to_string (self->can_serve_discovery));
}
