/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ArtemisBody:
 *
 * An encoded answer that many requests get (a cached lookup, the
 * services.json of a snapshot): its bytes and their gzip, made once on
 * demand, are shared by every connection that sends them, so that a
 * hundred clients reading a large answer — or never reading it — cost its
 * size once, not a hundred times. Reference-counted, immutable once made.
 */
typedef struct _ArtemisBody ArtemisBody;

/* Takes a reference to @json. */
ArtemisBody *artemis_body_new (GBytes *json);
ArtemisBody *artemis_body_ref (ArtemisBody *body);
void artemis_body_unref (ArtemisBody *body);
/* The JSON (borrowed). */
GBytes *artemis_body_get_json (ArtemisBody *body);
/* Its gzip, compressed on the first call (borrowed). */
GBytes *artemis_body_get_gzip (ArtemisBody *body);

/* @data compressed with gzip, quickly (level 1): what answers are sent with. */
GBytes *artemis_gzip_bytes (GBytes *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArtemisBody, artemis_body_unref)

G_END_DECLS
