/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "artemis-core.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_STORAGE (artemis_storage_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisStorage, artemis_storage, ARTEMIS, STORAGE, GObject)

/*
 * The persistence layer: management state and its audit log in a storage
 * backend plugin, which it drives from one worker thread of its own, so
 * that no disk or network wait ever blocks the main loop. Calls are queued
 * and run in order, one at a time; results come back on the main loop.
 *
 * It is the #ArtemisStore the management write queue commits through (and,
 * for a store shared by several nodes, reserves ids through), and keeps
 * @management a mirror of the store: loaded whole at start-up, and for a
 * shared store the changes others made, polled and reloaded in turn with
 * the writes.
 */
ArtemisStorage *artemis_storage_new (ArtemisStorageBackend *backend, ArtemisManagement *management,
				     GError **error);
ArtemisStorageBackend *artemis_storage_get_backend (ArtemisStorage *storage);

/*
 * Start-up, before the node serves: opens (creates, checks, migrates) the
 * store and loads every state kind into the management state, waiting for
 * the worker. Fails when the store cannot be used: the node must not serve
 * without it.
 */
gboolean artemis_storage_open (ArtemisStorage *storage, const char *data_dir, GError **error);

/* The rows matching @filter (see ArtemisStorageBackendClass.query), as ArtemisStorageRecord. */
void artemis_storage_query_async (ArtemisStorage *storage, const ArtemisStorageRecord *filter,
				  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *artemis_storage_query_finish (ArtemisStorage *storage, GAsyncResult *result, GError **error);

/*
 * For a store shared by several nodes: every @interval_ms, and at once
 * when the backend emits #ArtemisStorageBackend::changed, asks the backend
 * what changed and reloads those kinds into the management state. Nothing
 * for a store of this node alone.
 */
void artemis_storage_start_polling (ArtemisStorage *storage, guint interval_ms);
/* Runs one poll now and waits for it (tests). */
gboolean artemis_storage_poll (ArtemisStorage *storage, GError **error);

/* Finishes the queued work and closes the store; later calls fail. Also done on dispose. */
void artemis_storage_close (ArtemisStorage *storage);

G_END_DECLS
