/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

#include "artemis-instance.h"

G_BEGIN_DECLS

/* The change types of protocol §2.5, with their wire names. */
typedef enum {
	ARTEMIS_CHANGE_NEW,
	ARTEMIS_CHANGE_DELETE,
	ARTEMIS_CHANGE_CHANGE,
	ARTEMIS_CHANGE_RELOAD,
} ArtemisChangeType;

const char *artemis_change_type_to_string (ArtemisChangeType type);

/**
 * ArtemisChange:
 * @seq: position in the log, strictly increasing from 1.
 * @time_ms: when the change happened (epoch ms).
 * @type: what happened.
 * @instance: the instance as it was (a reload carries the pseudo instance).
 *
 * One registry change. Immutable and reference-counted.
 */
typedef struct {
	guint64 seq;
	gint64 time_ms;
	ArtemisChangeType type;
	ArtemisInstance *instance;
	/*< private >*/
	gint ref_count;
} ArtemisChange;

/* A change outside any log (seq 0), e.g. for a computed delta. */
ArtemisChange *artemis_change_new (ArtemisChangeType type, gint64 time_ms, ArtemisInstance *instance);
ArtemisChange *artemis_change_ref (ArtemisChange *change);
void artemis_change_unref (ArtemisChange *change);
/* The service id of the change (from its instance). */
const char *artemis_change_get_service_id (const ArtemisChange *change);

/* Called on the main loop, synchronously, for every appended change. */
typedef void (*ArtemisChangeListener) (ArtemisChange *change, gpointer user_data);

#define ARTEMIS_TYPE_CHANGE_LOG (artemis_change_log_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisChangeLog, artemis_change_log, ARTEMIS, CHANGE_LOG, GObject)

/*
 * The ordered log every registry mutation is appended to. It keeps the last
 * @capacity changes for subscribers that catch up (older ones are dropped)
 * and hands each new change to its listeners: push hubs, replication,
 * storage, caches (see DESIGN.md, data flow).
 */
ArtemisChangeLog *artemis_change_log_new (guint capacity);
/* Appends a change, tells the listeners, and returns it (a new reference). */
ArtemisChange *artemis_change_log_append (ArtemisChangeLog *log, ArtemisChangeType type, gint64 time_ms,
					  ArtemisInstance *instance);
guint64 artemis_change_log_get_last_seq (ArtemisChangeLog *log);
guint artemis_change_log_get_length (ArtemisChangeLog *log);
/*
 * Calls @func for every retained change with seq > @after_seq, oldest first.
 * Returns FALSE (and calls nothing) when changes after @after_seq were already
 * dropped: the caller must reload instead.
 */
gboolean artemis_change_log_foreach_since (ArtemisChangeLog *log, guint64 after_seq, ArtemisChangeListener func,
					   gpointer user_data);

guint artemis_change_log_add_listener (ArtemisChangeLog *log, ArtemisChangeListener func, gpointer user_data,
				       GDestroyNotify destroy);
void artemis_change_log_remove_listener (ArtemisChangeLog *log, guint listener_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisChange, artemis_change_unref)

G_END_DECLS
