/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "artemis-api-deferred.h"

struct _ArtemisDeferredReply {
	SoupServerMessage *msg;
};

ArtemisDeferredReply *
artemis_request_defer (ArtemisRequest *request)
{
	ArtemisDeferredReply *reply = g_new0 (ArtemisDeferredReply, 1);

	reply->msg = g_object_ref (request->msg);
	soup_server_message_pause (reply->msg);
	return reply;
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
