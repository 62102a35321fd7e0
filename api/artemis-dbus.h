/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-core.h"
#include "artemis-ws-hub.h"

G_BEGIN_DECLS

#define ARTEMIS_DBUS_NAME "org.artemis.Registry1"
#define ARTEMIS_DBUS_PATH "/org/artemis/Registry1"
#define ARTEMIS_DBUS_INTERFACE "org.artemis.Registry1"

/* InstancesChanged is emitted at most this often. */
#define ARTEMIS_DBUS_SIGNAL_INTERVAL_MS 250
/* Instance entries one InstancesChanged carries before the rest become service reloads. */
#define ARTEMIS_DBUS_MAX_BATCH 1000

#define ARTEMIS_TYPE_DBUS (artemis_dbus_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisDbus, artemis_dbus, ARTEMIS, DBUS, GObject)

/*
 * The node on D-Bus: the read-only interface org.artemis.Registry1
 * (data/org.artemis.Registry1.xml) over the registry, its node and change
 * log, the management state and the WebSocket hub. Properties follow the
 * node with PropertiesChanged; registry changes are coalesced into
 * InstancesChanged, at most every ARTEMIS_DBUS_SIGNAL_INTERVAL_MS.
 */
ArtemisDbus *artemis_dbus_new (ArtemisRegistry *registry, ArtemisManagement *management, ArtemisWsHub *hub);

/*
 * Owns ARTEMIS_DBUS_NAME on @bus_type and exports the interface there. A
 * bus that cannot be reached, or a name that cannot be owned (the D-Bus
 * policy, another artemisd), is logged as a warning: the node serves on
 * without D-Bus.
 */
void artemis_dbus_start (ArtemisDbus *dbus, GBusType bus_type);

/* Exports the interface at ARTEMIS_DBUS_PATH on @connection, without owning a name. */
gboolean artemis_dbus_export (ArtemisDbus *dbus, GDBusConnection *connection, GError **error);

G_END_DECLS
