/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <gio/gio.h>

#include "artemis-error.h"

static const GDBusErrorEntry artemis_error_entries[] = {
	{ ARTEMIS_ERROR_FAILED, "org.artemis.Error.Failed" },
	{ ARTEMIS_ERROR_BAD_REQUEST, "org.artemis.Error.BadRequest" },
	{ ARTEMIS_ERROR_NOT_FOUND, "org.artemis.Error.NotFound" },
	{ ARTEMIS_ERROR_NO_PERMISSION, "org.artemis.Error.NoPermission" },
	{ ARTEMIS_ERROR_UNAVAILABLE, "org.artemis.Error.Unavailable" },
	{ ARTEMIS_ERROR_RATE_LIMITED, "org.artemis.Error.RateLimited" },
	{ ARTEMIS_ERROR_INTERNAL, "org.artemis.Error.Internal" },
	{ ARTEMIS_ERROR_CONFIG, "org.artemis.Error.Config" },
};

GQuark
artemis_error_quark (void)
{
	static gsize quark = 0;

	g_dbus_error_register_error_domain ("artemis-error-quark", &quark, artemis_error_entries,
					    G_N_ELEMENTS (artemis_error_entries));
	return (GQuark) quark;
}

const char *
artemis_error_to_error_code (ArtemisError code)
{
	switch (code) {
	case ARTEMIS_ERROR_BAD_REQUEST:
	case ARTEMIS_ERROR_CONFIG:
		return "bad-request";
	case ARTEMIS_ERROR_NOT_FOUND:
		return "data-not-found";
	case ARTEMIS_ERROR_NO_PERMISSION:
		return "no-permission";
	case ARTEMIS_ERROR_UNAVAILABLE:
		return "service-unavailable";
	case ARTEMIS_ERROR_RATE_LIMITED:
		return "rate-limited";
	case ARTEMIS_ERROR_FAILED:
	case ARTEMIS_ERROR_INTERNAL:
	default:
		return "internal-service-error";
	}
}
