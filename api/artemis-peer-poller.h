/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-core.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_PEER_POLLER (artemis_peer_poller_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisPeerPoller, artemis_peer_poller, ARTEMIS, PEER_POLLER, GObject)

/*
 * Polls every other node of @cluster for its status (protocol §10.4): `POST
 * <node>/api/status/node.json` at once and then every @interval_ms — every
 * @fast_interval_ms while the node is not `up`, so that a node coming up
 * gets writes soon — each
 * request given @timeout_ms to answer and tried up to @attempts times (a
 * refused connection only once), and reports each outcome to the cluster —
 * a node that does not answer in time, answers an error or something that
 * is not a node status counts as `unknown`. Asynchronous
 * (libsoup), on the main loop; a poll still running when the next is due is
 * not started again.
 */
ArtemisPeerPoller *artemis_peer_poller_new (ArtemisCluster *cluster, gint64 interval_ms, gint64 fast_interval_ms,
					    gint64 timeout_ms, guint attempts);
void artemis_peer_poller_start (ArtemisPeerPoller *poller);
/* Cancels the polls in flight and stops polling. */
void artemis_peer_poller_stop (ArtemisPeerPoller *poller);

G_END_DECLS
