/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/*
 * Plugin files for loader tests, made from the modules built in this folder
 * (plugin-fixture-NAME.so in G_TEST_BUILDDIR).
 */

/* Copies fixture module @fixture into @dir as NAME.so with @mode. */
void plugin_fixtures_add (const char *dir, const char *fixture, const char *name, mode_t mode);

/*
 * A new temporary directory with good.so (a strategy, "good") and one file
 * per way to be refused: abstract, group-writable, link (a symlink),
 * no-symbol, text (not a module), world-writable, wrong-type, wrong-version,
 * and other-owner when running as root.
 */
char *plugin_fixtures_make_dir (void);

/* Removes @dir and everything below it. */
void plugin_fixtures_remove_dir (const char *dir);

G_END_DECLS
