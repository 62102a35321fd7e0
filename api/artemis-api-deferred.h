/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-server.h"

G_BEGIN_DECLS

/*
 * An answer that comes later: for handlers that wait on the storage thread
 * (management writes are answered only once durable). The handler defers
 * its request and returns; the main loop goes on serving others meanwhile.
 */
typedef struct _ArtemisDeferredReply ArtemisDeferredReply;

/* Holds @request's message until artemis_deferred_reply_send(). */
ArtemisDeferredReply *artemis_request_defer (ArtemisRequest *request);
/* Sends @writer's JSON (as artemis_request_reply_writer()), releases the message and frees @reply. */
void artemis_deferred_reply_send (ArtemisDeferredReply *reply, ArtemisJsonWriter *writer);
/*
 * Deferred requests whose answer is not completely sent yet (nor their
 * connection gone): what a stopping daemon waits for.
 */
guint artemis_deferred_reply_get_n_pending (void);

G_END_DECLS
