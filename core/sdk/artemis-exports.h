/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * libartemis-1 is built with hidden symbols: only what its installed
 * headers mark ARTEMIS_EXPORT is visible to plugins.
 */
#if defined(ARTEMIS_SDK_COMPILATION)
#define ARTEMIS_EXPORT __attribute__ ((visibility ("default"))) extern
#else
#define ARTEMIS_EXPORT extern
#endif
