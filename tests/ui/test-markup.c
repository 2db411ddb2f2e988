/* test-markup.c: message text is plain text; only web addresses become links
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-message-row.h"

static void
collect_text (GMarkupParseContext *context,
              const char          *text,
              gsize                len,
              gpointer             user_data,
              GError             **error)
{
  g_string_append_len (user_data, text, (gssize) len);
}

static void
check_element (GMarkupParseContext *context,
               const char          *element,
               const char         **names,
               const char         **values,
               gpointer             user_data,
               GError             **error)
{
  /* Only the wrapper and links: nothing of the sender's text becomes markup. */
  if (g_str_equal (element, "markup"))
    return;
  g_assert_cmpstr (element, ==, "a");
  g_assert_cmpstr (names[0], ==, "href");
  g_assert_null (names[1]);
  g_assert_true (g_str_has_prefix (values[0], "http://") || g_str_has_prefix (values[0], "https://"));
}

/* Well-formed (as GtkLabel parses it) and the text it shows; a GTK label's <a> is not Pango's. */
static char *
parse_markup (const char *markup)
{
  static const GMarkupParser parser = { check_element, NULL, collect_text, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  GString *text = g_string_new (NULL);

  context = g_markup_parse_context_new (&parser, 0, text, NULL);
  g_assert_true (g_markup_parse_context_parse (context, wrapped, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  return g_string_free (text, FALSE);
}

static void
assert_valid_markup (const char *markup)
{
  /* parse_markup() fails the test on markup GLib cannot parse */
  g_free (parse_markup (markup));
}

static void
test_markup_plain (void)
{
  const struct { const char *text; const char *markup; } cases[] = {
    { "hello", "hello" },
    { "<b>not bold</b> & \"quotes\" 'too'", "&lt;b&gt;not bold&lt;/b&gt; &amp; &quot;quotes&quot; &apos;too&apos;" },
    { "see https://example.com/a?b=1&c=2.", "see <a href=\"https://example.com/a?b=1&amp;c=2\">https://example.com/a?b=1&amp;c=2</a>." },
    { "www.example.org, then", "<a href=\"https://www.example.org\">www.example.org</a>, then" },
    { "(http://x.test/path)", "(<a href=\"http://x.test/path\">http://x.test/path</a>)" },
    { "javascript:alert(1)", "javascript:alert(1)" },
    { "a\nb", "a\nb" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = confab_text_to_markup (cases[i].text);

      g_assert_cmpstr (markup, ==, cases[i].markup);
      assert_valid_markup (markup);
    }
}

static void
test_markup_hostile (void)
{
  /* whatever arrives, the result is valid markup with the text intact */
  const char *texts[] = {
    "<span foreground=\"red\">x</span>", "&amp;", "https://a.b/\"><b>x</b>", "\xe2\x80\x8b<i>",
    "http://", "https://x.y/<script>", "]]>", "&#1;",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *markup = confab_text_to_markup (texts[i]);
      g_autofree char *plain = NULL;

      plain = parse_markup (markup);
      g_assert_cmpstr (plain, ==, texts[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/markup/plain", test_markup_plain);
  g_test_add_func ("/markup/hostile", test_markup_hostile);

  return g_test_run ();
}
