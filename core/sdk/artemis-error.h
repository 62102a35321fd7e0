/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-exports.h"

#include <glib.h>

G_BEGIN_DECLS

#define ARTEMIS_ERROR (artemis_error_quark ())
ARTEMIS_EXPORT
GQuark artemis_error_quark (void);

/**
 * ArtemisError:
 * @ARTEMIS_ERROR_FAILED: generic failure.
 * @ARTEMIS_ERROR_BAD_REQUEST: the request is malformed or incomplete.
 * @ARTEMIS_ERROR_NOT_FOUND: the named object does not exist.
 * @ARTEMIS_ERROR_NO_PERMISSION: the region or zone is not served by this node.
 * @ARTEMIS_ERROR_UNAVAILABLE: the node cannot serve this request now.
 * @ARTEMIS_ERROR_RATE_LIMITED: too many requests.
 * @ARTEMIS_ERROR_INTERNAL: an unexpected internal failure.
 * @ARTEMIS_ERROR_CONFIG: invalid configuration.
 *
 * The project's single error domain. Each code is also a D-Bus error
 * `org.artemis.Error.<Name>` and maps to one protocol `errorCode`.
 */
typedef enum {
	ARTEMIS_ERROR_FAILED,
	ARTEMIS_ERROR_BAD_REQUEST,
	ARTEMIS_ERROR_NOT_FOUND,
	ARTEMIS_ERROR_NO_PERMISSION,
	ARTEMIS_ERROR_UNAVAILABLE,
	ARTEMIS_ERROR_RATE_LIMITED,
	ARTEMIS_ERROR_INTERNAL,
	ARTEMIS_ERROR_CONFIG,
} ArtemisError;

/* The protocol errorCode string for @code (e.g. "bad-request"). */
ARTEMIS_EXPORT
const char *artemis_error_to_error_code (ArtemisError code);

G_END_DECLS
