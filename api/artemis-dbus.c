/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>

#include "artemis-dbus.h"
#include "artemis-resources.h"

/* Properties nothing signals (WebSocket sessions, safe checkers, node status) are compared this often. */
#define PROPERTY_POLL_INTERVAL_S 1

#define INTERFACE_RESOURCE "/org/artemis/artemisd/org.artemis.Registry1.xml"

/* One line of InstancesChanged. */
typedef struct {
	const char *type; /* static */
	char *service_id;
	char *instance_id;
} PendingChange;

struct _ArtemisDbus {
	GObject parent_instance;

	ArtemisRegistry *registry;
	ArtemisManagement *management;
	ArtemisWsHub *hub;
	ArtemisNode *node;
	ArtemisChangeLog *change_log;
	guint listener_id;

	GDBusNodeInfo *introspection;
	GDBusConnection *connection; /* once exported */
	guint registration_id;
	guint owner_id;
	const char *bus_name; /* "system" or "session", for messages */

	/* InstancesChanged: entries in arrival order, indexed by lower-case "service\ninstance". */
	GPtrArray *pending;
	GHashTable *pending_index;
	guint flush_id;
	gint64 last_emit_us;

	/* Property values as last announced, by name. */
	GHashTable *announced;
	guint poll_id;
};

G_DEFINE_TYPE (ArtemisDbus, artemis_dbus, G_TYPE_OBJECT)

static void
pending_change_free (PendingChange *change)
{
	g_free (change->service_id);
	g_free (change->instance_id);
	g_free (change);
}

/* ---- properties -------------------------------------------------------- */

static const char *const property_names[] = {
	"Version",
	"NodeStatus",
	"NodeUrl",
	"RegionId",
	"ZoneId",
	"ServiceCount",
	"InstanceCount",
	"WebSocketSessions",
	"LeasesSafe",
	"LegacyLeasesSafe",
};

static gboolean
is_pool_safe (ArtemisDbus *self, ArtemisLeasePool pool)
{
	return artemis_safe_checker_is_safe (artemis_registry_get_safe_checker (self->registry, pool));
}

static guint
count_sessions (ArtemisDbus *self)
{
	guint n = 0;

	for (ArtemisWsEndpoint endpoint = 0; endpoint < ARTEMIS_WS_N_ENDPOINTS; endpoint++)
		n += artemis_ws_hub_get_n_sessions (self->hub, endpoint);
	return n;
}

/* The current value of property @name (floating), or NULL for no such property. */
static GVariant *
get_property_value (ArtemisDbus *self, const char *name)
{
	if (g_str_equal (name, "Version"))
		return g_variant_new_string (PACKAGE_VERSION);
	if (g_str_equal (name, "NodeStatus"))
		return g_variant_new_string (artemis_node_state_to_string (artemis_node_get_state (self->node)));
	if (g_str_equal (name, "NodeUrl"))
		return g_variant_new_string (artemis_node_get_url (self->node));
	if (g_str_equal (name, "RegionId"))
		return g_variant_new_string (artemis_node_get_region_id (self->node));
	if (g_str_equal (name, "ZoneId"))
		return g_variant_new_string (artemis_node_get_zone_id (self->node));
	if (g_str_equal (name, "ServiceCount"))
		return g_variant_new_uint32 (artemis_registry_get_n_services (self->registry));
	if (g_str_equal (name, "InstanceCount"))
		return g_variant_new_uint32 (artemis_registry_get_n_instances (self->registry));
	if (g_str_equal (name, "WebSocketSessions"))
		return g_variant_new_uint32 (count_sessions (self));
	if (g_str_equal (name, "LeasesSafe"))
		return g_variant_new_boolean (is_pool_safe (self, ARTEMIS_LEASE_POOL_NORMAL));
	if (g_str_equal (name, "LegacyLeasesSafe"))
		return g_variant_new_boolean (is_pool_safe (self, ARTEMIS_LEASE_POOL_LEGACY));
	return NULL;
}

/* Announces with PropertiesChanged every property whose value differs from the last announced. */
static void
announce_properties (ArtemisDbus *self)
{
	g_auto (GVariantBuilder) changed = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
	gboolean any = FALSE;

	for (gsize i = 0; i < G_N_ELEMENTS (property_names); i++) {
		const char *name = property_names[i];
		g_autoptr (GVariant) value = g_variant_ref_sink (get_property_value (self, name));
		GVariant *announced = g_hash_table_lookup (self->announced, name);

		if (announced != NULL && g_variant_equal (announced, value))
			continue;
		g_hash_table_insert (self->announced, (gpointer) name, g_variant_ref (value));
		if (announced == NULL)
			continue; /* the first value is read, not announced */
		g_variant_builder_add (&changed, "{sv}", name, value);
		any = TRUE;
	}
	if (!any || self->connection == NULL)
		return;
	g_dbus_connection_emit_signal (self->connection, NULL, ARTEMIS_DBUS_PATH, "org.freedesktop.DBus.Properties",
				       "PropertiesChanged",
				       g_variant_new ("(sa{sv}as)", ARTEMIS_DBUS_INTERFACE, &changed, NULL), NULL);
}

static gboolean
on_poll (gpointer user_data)
{
	announce_properties (user_data);
	return G_SOURCE_CONTINUE;
}

/* ---- InstancesChanged -------------------------------------------------- */

static void
emit_instances_changed (ArtemisDbus *self)
{
	g_auto (GVariantBuilder) changes = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sss)"));

	for (guint i = 0; i < self->pending->len; i++) {
		PendingChange *change = g_ptr_array_index (self->pending, i);

		g_variant_builder_add (&changes, "(sss)", change->type, change->service_id, change->instance_id);
	}
	g_dbus_connection_emit_signal (self->connection, NULL, ARTEMIS_DBUS_PATH, ARTEMIS_DBUS_INTERFACE,
				       "InstancesChanged", g_variant_new ("(a(sss))", &changes), NULL);
	g_hash_table_remove_all (self->pending_index);
	g_ptr_array_set_size (self->pending, 0);
	self->last_emit_us = g_get_monotonic_time ();
}

static gboolean
on_flush (gpointer user_data)
{
	ArtemisDbus *self = user_data;

	self->flush_id = 0;
	if (self->pending->len > 0)
		emit_instances_changed (self);
	/* The counts follow the changes at once, not at the next poll. */
	announce_properties (self);
	return G_SOURCE_REMOVE;
}

/* The first change after a quiet spell goes out on the next iteration; later ones wait their turn. */
static void
schedule_flush (ArtemisDbus *self)
{
	gint64 next_us = self->last_emit_us + ARTEMIS_DBUS_SIGNAL_INTERVAL_MS * G_TIME_SPAN_MILLISECOND;
	gint64 now_us = g_get_monotonic_time ();
	guint delay_ms = next_us > now_us ? (next_us - now_us + 999) / 1000 : 0;

	if (self->flush_id == 0)
		self->flush_id = g_timeout_add (delay_ms, on_flush, self);
}

/* Records @type for (@service_id, @instance_id), replacing an earlier type of the same instance. */
static void
add_pending (ArtemisDbus *self, const char *type, const char *service_id, const char *instance_id)
{
	g_autofree char *service_key = artemis_id_to_key (service_id);
	g_autofree char *instance_key = artemis_id_to_key (instance_id);
	g_autofree char *key = g_strconcat (service_key, "\n", instance_key, NULL);
	PendingChange *change = g_hash_table_lookup (self->pending_index, key);

	if (change != NULL) {
		change->type = type;
		return;
	}
	change = g_new0 (PendingChange, 1);
	change->type = type;
	change->service_id = g_strdup (service_id);
	change->instance_id = g_strdup (instance_id);
	g_ptr_array_add (self->pending, change);
	g_hash_table_insert (self->pending_index, g_steal_pointer (&key), change);
}

static void
on_change (ArtemisChange *change, gpointer user_data)
{
	ArtemisDbus *self = user_data;
	const char *service_id = artemis_change_get_service_id (change);
	const char *instance_id = artemis_instance_get (change->instance, ARTEMIS_INSTANCE_INSTANCE_ID);

	if (self->connection == NULL || service_id == NULL)
		return;
	/* Past the batch limit, a service reload stands for all of that service's changes. */
	if (change->type == ARTEMIS_CHANGE_RELOAD || self->pending->len >= ARTEMIS_DBUS_MAX_BATCH)
		add_pending (self, "reload", service_id, "");
	else
		add_pending (self, artemis_change_type_to_string (change->type), service_id,
			     instance_id != NULL ? instance_id : "");
	schedule_flush (self);
}

/* ---- methods ----------------------------------------------------------- */

static GVariant *
list_services (ArtemisDbus *self)
{
	g_autoptr (GPtrArray) ids = artemis_registry_list_services (self->registry);
	g_auto (GVariantBuilder) services = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(su)"));

	for (guint i = 0; i < ids->len; i++) {
		const char *id = g_ptr_array_index (ids, i);
		g_autoptr (GPtrArray) instances = artemis_registry_get_instances (self->registry, id, NULL);

		g_variant_builder_add (&services, "(su)", id, instances != NULL ? instances->len : 0);
	}
	return g_variant_new ("(a(su))", &services);
}

static const struct {
	ArtemisInstanceField field;
	const char *name;
} instance_members[] = {
	{ ARTEMIS_INSTANCE_GROUP_ID, "groupId" },
	{ ARTEMIS_INSTANCE_HEALTH_CHECK_URL, "healthCheckUrl" },
	{ ARTEMIS_INSTANCE_INSTANCE_ID, "instanceId" },
	{ ARTEMIS_INSTANCE_IP, "ip" },
	{ ARTEMIS_INSTANCE_MACHINE_NAME, "machineName" },
	{ ARTEMIS_INSTANCE_PROTOCOL, "protocol" },
	{ ARTEMIS_INSTANCE_REGION_ID, "regionId" },
	{ ARTEMIS_INSTANCE_SERVICE_ID, "serviceId" },
	{ ARTEMIS_INSTANCE_STATUS, "status" },
	{ ARTEMIS_INSTANCE_URL, "url" },
	{ ARTEMIS_INSTANCE_ZONE_ID, "zoneId" },
};

static GVariant *
instance_to_variant (ArtemisDbus *self, const ArtemisInstance *instance)
{
	g_auto (GVariantBuilder) dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
	g_auto (GVariantBuilder) metadata = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));

	for (gsize i = 0; i < G_N_ELEMENTS (instance_members); i++) {
		const char *value = artemis_instance_get (instance, instance_members[i].field);

		if (value != NULL)
			g_variant_builder_add (&dict, "{sv}", instance_members[i].name, g_variant_new_string (value));
	}
	g_variant_builder_add (&dict, "{sv}", "port", g_variant_new_int32 (artemis_instance_get_port (instance)));
	/* D-Bus strings cannot be null: a metadata key whose value is null is left out. */
	for (guint i = 0; i < artemis_instance_get_n_metadata (instance); i++) {
		const char *value = artemis_instance_get_metadata_value (instance, i);

		if (value != NULL)
			g_variant_builder_add (&metadata, "{ss}", artemis_instance_get_metadata_key (instance, i), value);
	}
	g_variant_builder_add (&dict, "{sv}", "metadata", g_variant_builder_end (&metadata));
	g_variant_builder_add (&dict, "{sv}", "down",
			       g_variant_new_boolean (artemis_management_is_instance_down (self->management, instance)));
	return g_variant_builder_end (&dict);
}

static gint
compare_instance_ids (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (artemis_instance_get_key (*(ArtemisInstance *const *) a),
			  artemis_instance_get_key (*(ArtemisInstance *const *) b));
}

static GVariant *
get_instances (ArtemisDbus *self, GVariant *parameters, GError **error)
{
	const char *service_id = NULL;
	g_autoptr (GPtrArray) instances = NULL;
	g_auto (GVariantBuilder) list = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));

	g_variant_get (parameters, "(&s)", &service_id);
	instances = artemis_registry_get_instances (self->registry, service_id, NULL);
	if (instances != NULL)
		g_ptr_array_sort (instances, compare_instance_ids);
	if (instances == NULL) {
		/* TRANSLATORS: a D-Bus error: the service id asked for has no registered instance */
		g_set_error (error, ARTEMIS_ERROR, ARTEMIS_ERROR_NOT_FOUND, _("No service “%s” is registered"),
			     service_id);
		return NULL;
	}
	for (guint i = 0; i < instances->len; i++)
		g_variant_builder_add_value (&list, instance_to_variant (self, g_ptr_array_index (instances, i)));
	return g_variant_new ("(aa{sv})", &list);
}

static const char *const target_names[ARTEMIS_N_OPERATION_TARGETS] = { "instance", "server", "zone" };

static GVariant *
list_operations (ArtemisDbus *self)
{
	g_auto (GVariantBuilder) list = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(ssssas)"));

	for (ArtemisOperationTarget target = 0; target < ARTEMIS_N_OPERATION_TARGETS; target++) {
		g_autoptr (GPtrArray) all = artemis_management_list (self->management, target, NULL);

		for (guint i = 0; i < all->len; i++) {
			const ArtemisOperations *operations = g_ptr_array_index (all, i);
			const ArtemisOperationKey *key = operations->key;
			g_auto (GVariantBuilder) names = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_STRING_ARRAY);

			for (guint j = 0; j < operations->operations->len; j++)
				g_variant_builder_add (&names, "s", g_ptr_array_index (operations->operations, j));
			g_variant_builder_add (&list, "(ssssas)", target_names[target], key->region_id,
					       key->service_id != NULL ? key->service_id : "", key->id, &names);
		}
	}
	return g_variant_new ("(a(ssssas))", &list);
}

static GVariant *
route_group_to_variant (const ArtemisServiceGroup *group)
{
	g_auto (GVariantBuilder) members = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_STRING_ARRAY);

	for (guint i = 0; group->instance_ids != NULL && i < group->instance_ids->len; i++)
		g_variant_builder_add (&members, "s", g_ptr_array_index (group->instance_ids, i));
	return g_variant_new ("(sias)", group->group_key, artemis_service_group_get_fixed_weight (group), &members);
}

static GVariant *
get_route_rules (ArtemisDbus *self, GVariant *parameters)
{
	ArtemisGroups *groups = artemis_management_get_groups (self->management);
	const char *service_id = NULL;
	g_autoptr (GPtrArray) rules = NULL;
	g_auto (GVariantBuilder) list = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(ssa(sias))"));

	g_variant_get (parameters, "(&s)", &service_id);
	rules = artemis_groups_get_route_rules (groups, service_id);
	for (guint i = 0; i < rules->len; i++) {
		const ArtemisRouteRule *rule = g_ptr_array_index (rules, i);
		g_auto (GVariantBuilder) rule_groups = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sias)"));

		for (guint j = 0; rule->groups != NULL && j < rule->groups->len; j++)
			g_variant_builder_add_value (&rule_groups, route_group_to_variant (g_ptr_array_index (rule->groups, j)));
		g_variant_builder_add (&list, "(ssa(sias))", rule->route_id, rule->strategy != NULL ? rule->strategy : "",
				       &rule_groups);
	}
	return g_variant_new ("(a(ssa(sias)))", &list);
}

static void
on_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
		const char *interface_name, const char *method_name, GVariant *parameters,
		GDBusMethodInvocation *invocation, gpointer user_data)
{
	ArtemisDbus *self = user_data;
	g_autoptr (GError) error = NULL;
	GVariant *result = NULL;

	if (g_str_equal (method_name, "ListServices"))
		result = list_services (self);
	else if (g_str_equal (method_name, "GetInstances"))
		result = get_instances (self, parameters, &error);
	else if (g_str_equal (method_name, "ListOperations"))
		result = list_operations (self);
	else if (g_str_equal (method_name, "GetRouteRules"))
		result = get_route_rules (self, parameters);
	else
		g_set_error (&error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD, "No method %s", method_name);

	if (result == NULL)
		g_dbus_method_invocation_return_gerror (invocation, error);
	else
		g_dbus_method_invocation_return_value (invocation, result);
}

static GVariant *
on_get_property (GDBusConnection *connection, const char *sender, const char *object_path,
		 const char *interface_name, const char *property_name, GError **error, gpointer user_data)
{
	GVariant *value = get_property_value (user_data, property_name);

	if (value == NULL)
		g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
	return value;
}

static const GDBusInterfaceVTable interface_vtable = { on_method_call, on_get_property, NULL };

/* ---- exporting --------------------------------------------------------- */

gboolean
artemis_dbus_export (ArtemisDbus *self, GDBusConnection *connection, GError **error)
{
	g_return_val_if_fail (self->connection == NULL, FALSE);

	self->registration_id = g_dbus_connection_register_object (
		connection, ARTEMIS_DBUS_PATH, self->introspection->interfaces[0], &interface_vtable, self, NULL, error);
	if (self->registration_id == 0)
		return FALSE;
	self->connection = g_object_ref (connection);
	announce_properties (self);
	self->poll_id = g_timeout_add_seconds (PROPERTY_POLL_INTERVAL_S, on_poll, self);
	return TRUE;
}

static void
unexport (ArtemisDbus *self)
{
	g_clear_handle_id (&self->poll_id, g_source_remove);
	g_clear_handle_id (&self->flush_id, g_source_remove);
	if (self->registration_id != 0)
		g_dbus_connection_unregister_object (self->connection, self->registration_id);
	self->registration_id = 0;
	g_clear_object (&self->connection);
}

static void
on_bus_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
	ArtemisDbus *self = user_data;
	g_autoptr (GError) error = NULL;

	if (!artemis_dbus_export (self, connection, &error))
		g_warning ("Cannot export %s on the %s bus: %s", ARTEMIS_DBUS_PATH, self->bus_name, error->message);
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
	ArtemisDbus *self = user_data;

	g_message ("D-Bus: %s on the %s bus", name, self->bus_name);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
	ArtemisDbus *self = user_data;

	if (connection == NULL)
		g_warning ("Cannot reach the %s bus: serving without D-Bus", self->bus_name);
	else
		g_warning ("Cannot own %s on the %s bus (its D-Bus policy, or another artemisd): serving without D-Bus",
			   name, self->bus_name);
	unexport (self);
}

void
artemis_dbus_start (ArtemisDbus *self, GBusType bus_type)
{
	g_return_if_fail (self->owner_id == 0);

	self->bus_name = bus_type == G_BUS_TYPE_SESSION ? "session" : "system";
	self->owner_id = g_bus_own_name (bus_type, ARTEMIS_DBUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE, on_bus_acquired,
					 on_name_acquired, on_name_lost, self, NULL);
}

/* ---- object ------------------------------------------------------------ */

static void
artemis_dbus_dispose (GObject *object)
{
	ArtemisDbus *self = ARTEMIS_DBUS (object);

	g_clear_handle_id (&self->owner_id, g_bus_unown_name);
	unexport (self);
	if (self->listener_id != 0)
		artemis_change_log_remove_listener (self->change_log, self->listener_id);
	self->listener_id = 0;
	g_clear_object (&self->registry);
	g_clear_object (&self->management);
	g_clear_object (&self->hub);
	g_clear_object (&self->node);
	g_clear_object (&self->change_log);
	G_OBJECT_CLASS (artemis_dbus_parent_class)->dispose (object);
}

static void
artemis_dbus_finalize (GObject *object)
{
	ArtemisDbus *self = ARTEMIS_DBUS (object);

	g_dbus_node_info_unref (self->introspection);
	g_hash_table_unref (self->pending_index);
	g_ptr_array_unref (self->pending);
	g_hash_table_unref (self->announced);
	G_OBJECT_CLASS (artemis_dbus_parent_class)->finalize (object);
}

static void
artemis_dbus_class_init (ArtemisDbusClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_dbus_dispose;
	object_class->finalize = artemis_dbus_finalize;
}

static void
artemis_dbus_init (ArtemisDbus *self)
{
	g_autoptr (GBytes) xml =
		g_resource_lookup_data (artemis_get_resource (), INTERFACE_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
	g_autoptr (GError) error = NULL;

	/*
	 * Built in (and referring to artemis_get_resource() keeps its object in
	 * the link): failing to read it is a build error, not a runtime condition.
	 */
	g_assert (xml != NULL);
	self->introspection = g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), &error);
	g_assert_no_error (error);
	self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_change_free);
	self->pending_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	self->announced = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_variant_unref);
}

ArtemisDbus *
artemis_dbus_new (ArtemisRegistry *registry, ArtemisManagement *management, ArtemisWsHub *hub)
{
	ArtemisDbus *self = g_object_new (ARTEMIS_TYPE_DBUS, NULL);

	self->registry = g_object_ref (registry);
	self->management = g_object_ref (management);
	self->hub = g_object_ref (hub);
	self->node = g_object_ref (artemis_registry_get_node (registry));
	self->change_log = g_object_ref (artemis_registry_get_change_log (registry));
	self->listener_id = artemis_change_log_add_listener (self->change_log, on_change, self, NULL);
	return self;
}
