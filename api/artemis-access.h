/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-server.h"

G_BEGIN_DECLS

#define ARTEMIS_TYPE_ACCESS (artemis_access_get_type ())
G_DECLARE_FINAL_TYPE (ArtemisAccess, artemis_access, ARTEMIS, ACCESS, GObject)

/*
 * Who may change the node's state (docs/security.md). Java clients only
 * register, heartbeat and discover, which stay open; operators' writes —
 * management, groups, zones, canary — need one of the `[security] tokens`
 * (or of the token file) when any is configured, and peers' replication one
 * of the `peer-tokens`. A token comes as `Authorization: Bearer TOKEN`.
 */

/* Reads the tokens of @config (and its token file, which must be readable). */
ArtemisAccess *artemis_access_new (const ArtemisConfig *config, GError **error);

/*
 * Whether @request to @path (a route path, the context path stripped) may
 * write. When not, it has been answered — 401 without a token, 403 with a
 * wrong one, `no-permission` in the protocol's JSON shape — and the refusal
 * logged. Usable as an #ArtemisRouteGuard.
 */
gboolean artemis_access_check (ArtemisRequest *request, const char *path, gpointer access);

/* One line saying who may write, for the start-up log; @where is "address:port". */
char *artemis_access_describe (ArtemisAccess *access, const char *where);

G_END_DECLS
