/* SPDX-License-Identifier: Apache-2.0 */

/* A shared object that is no plugin: it exports nothing the loader asks for. */

#include <gmodule.h>

G_MODULE_EXPORT int test_fixture_answer (void);

G_MODULE_EXPORT int
test_fixture_answer (void)
{
	return 42;
}
