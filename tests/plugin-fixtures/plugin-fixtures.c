/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin-fixtures.h"

static void
copy_file (const char *from, const char *to, mode_t mode)
{
	g_autofree char *contents = NULL;
	g_autoptr (GError) error = NULL;
	gsize len;

	g_file_get_contents (from, &contents, &len, &error);
	g_assert_no_error (error);
	g_file_set_contents (to, contents, len, &error);
	g_assert_no_error (error);
	/* Explicitly: the test's umask could make it group-writable. */
	g_assert_cmpint (g_chmod (to, mode), ==, 0);
}

void
plugin_fixtures_add (const char *dir, const char *fixture, const char *name, mode_t mode)
{
	g_autofree char *module = g_strdup_printf ("plugin-fixture-%s.so", fixture);
	g_autofree char *from = g_test_build_filename (G_TEST_BUILT, module, NULL);
	g_autofree char *file = g_strconcat (name, ".so", NULL);
	g_autofree char *to = g_build_filename (dir, file, NULL);

	copy_file (from, to, mode);
}

char *
plugin_fixtures_make_dir (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("artemis-plugins-XXXXXX", &error);
	g_autofree char *good = NULL;
	g_autofree char *text = NULL;
	g_autofree char *link = NULL;
	g_autofree char *other = NULL;

	g_assert_no_error (error);
	good = g_build_filename (dir, "good.so", NULL);
	text = g_build_filename (dir, "text.so", NULL);
	link = g_build_filename (dir, "link.so", NULL);
	other = g_build_filename (dir, "other-owner.so", NULL);
	plugin_fixtures_add (dir, "good", "good", 0755);
	plugin_fixtures_add (dir, "no-symbol", "no-symbol", 0755);
	plugin_fixtures_add (dir, "wrong-type", "wrong-type", 0755);
	plugin_fixtures_add (dir, "abstract", "abstract", 0755);
	plugin_fixtures_add (dir, "wrong-version", "wrong-version", 0755);
	plugin_fixtures_add (dir, "good", "world-writable", 0757);
	plugin_fixtures_add (dir, "good", "group-writable", 0775);
	g_file_set_contents (text, "not a module\n", -1, &error);
	g_assert_no_error (error);
	g_assert_cmpint (g_chmod (text, 0644), ==, 0);
	g_assert_cmpint (symlink (good, link), ==, 0);
	if (geteuid () == 0) {
		plugin_fixtures_add (dir, "good", "other-owner", 0755);
		g_assert_cmpint (chown (other, 65534, 65534), ==, 0);
	}
	return g_steal_pointer (&dir);
}

void
plugin_fixtures_remove_dir (const char *dir)
{
	g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
	const char *entry;

	while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL) {
		g_autofree char *path = g_build_filename (dir, entry, NULL);
		GStatBuf st;

		if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
			plugin_fixtures_remove_dir (path);
		else
			g_assert_cmpint (g_remove (path), ==, 0);
	}
	g_assert_cmpint (g_rmdir (dir), ==, 0);
}
