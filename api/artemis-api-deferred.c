/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-deferred.h"

struct _ArtemisDeferredReply {
	SoupServerMessage *msg;
};

/* Deferred messages not finished yet (main loop only). */
static guint n_pending;

static void
on_finished (SoupServerMessage *msg, gpointer user_data)
{
	n_pending--;
}

ArtemisDeferredReply *
artemis_request_defer (ArtemisRequest *request)
{
	ArtemisDeferredReply *reply = g_new0 (ArtemisDeferredReply, 1);

	reply->msg = g_object_ref (request->msg);
	n_pending++;
	g_signal_connect (reply->msg, "finished", G_CALLBACK (on_finished), NULL);
	soup_server_message_pause (reply->msg);
	return reply;
}

guint
artemis_deferred_reply_get_n_pending (void)
{
	return n_pending;
}

void
artemis_deferred_reply_send (ArtemisDeferredReply *reply, ArtemisJsonWriter *writer)
{
	ArtemisRequest request = { reply->msg, 0, NULL, 0, NULL };

	artemis_request_reply_writer (&request, writer);
	soup_server_message_unpause (reply->msg);
	g_object_unref (reply->msg);
	g_free (reply);
}
