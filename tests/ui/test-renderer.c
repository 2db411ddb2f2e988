/* test-renderer.c: GTK's cairo renderer where GL could only be drawn in software
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "confab-ui.h"

static void
touch (const char *dir,
       const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
}

static void
test_render_nodes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-dri-XXXXXX", &error);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *node = g_build_filename (dir, "renderD128", NULL);
  g_autofree char *card = g_build_filename (dir, "card0", NULL);

  g_assert_no_error (error);
  g_unsetenv ("LIBGL_ALWAYS_SOFTWARE");

  /* No folder, an empty one, a display card with no render node: software. */
  g_assert_true (confab_ui_gl_is_software (missing));
  g_assert_true (confab_ui_gl_is_software (dir));
  touch (dir, "card0");
  g_assert_true (confab_ui_gl_is_software (dir));

  /* A render node it may open: a GPU. */
  touch (dir, "renderD128");
  g_assert_false (confab_ui_gl_is_software (dir));
  if (geteuid () != 0)
    {
      /* one it may not open is no GPU for this process (root opens anything) */
      g_assert_cmpint (g_chmod (node, 0), ==, 0);
      g_assert_true (confab_ui_gl_is_software (dir));
      g_assert_cmpint (g_chmod (node, 0600), ==, 0);
    }

  /* Mesa told to draw in software draws in software, whatever the GPU. */
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", TRUE);
  g_assert_true (confab_ui_gl_is_software (dir));
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "0", TRUE);
  g_assert_false (confab_ui_gl_is_software (dir));
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "false", TRUE);
  g_assert_false (confab_ui_gl_is_software (dir));
  g_unsetenv ("LIBGL_ALWAYS_SOFTWARE");

  g_assert_cmpint (g_unlink (node), ==, 0);
  g_assert_cmpint (g_unlink (card), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A renderer the person chose is kept; without one, the choice follows the machine. */
static void
test_choice (void)
{
  const char *chosen;

  g_setenv ("GSK_RENDERER", "ngl", TRUE);
  g_assert_null (confab_ui_choose_renderer ());
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "ngl");

  g_unsetenv ("GSK_RENDERER");
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", TRUE);
  g_assert_cmpstr (confab_ui_choose_renderer (), ==, "cairo");
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");

  g_unsetenv ("GSK_RENDERER");
  g_unsetenv ("LIBGL_ALWAYS_SOFTWARE");
  chosen = confab_ui_choose_renderer ();
  g_assert_cmpstr (chosen, ==, confab_ui_gl_is_software (NULL) ? "cairo" : NULL);
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, chosen);
  g_unsetenv ("GSK_RENDERER");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/renderer/render-nodes", test_render_nodes);
  g_test_add_func ("/ui/renderer/choice", test_choice);

  return g_test_run ();
}
