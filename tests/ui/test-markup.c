/* test-markup.c: message text is plain text; only web and mail addresses become links
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "confab-markup.h"

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
  g_assert_true (g_str_has_prefix (values[0], "http://") || g_str_has_prefix (values[0], "https://") ||
                 g_str_has_prefix (values[0], "mailto:"));
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

/* A link whose href is its text. */
#define A(url) "<a href=\"" url "\">" url "</a>"

static void
test_markup_links (void)
{
  const struct { const char *text; const char *markup; } cases[] = {
    /* quotes of several scripts around a link are not part of it */
    { "https://example.com/orders/12345\u201d", A ("https://example.com/orders/12345") "\u201d" },
    { "\u201chttps://example.com/a\u201d", "\u201c" A ("https://example.com/a") "\u201d" },
    { "\u201ehttps://example.de/b\u201c", "\u201e" A ("https://example.de/b") "\u201c" },
    { "\u00abhttps://example.fr/c\u00bb", "\u00ab" A ("https://example.fr/c") "\u00bb" },
    { "\u00bb https://example.fr/d \u00ab", "\u00bb " A ("https://example.fr/d") " \u00ab" },
    { "\u300chttps://example.jp/e\u300d", "\u300c" A ("https://example.jp/e") "\u300d" },
    { "\u300ehttps://example.jp/f\u300f", "\u300e" A ("https://example.jp/f") "\u300f" },
    { "\u2018https://example.com/g\u2019", "\u2018" A ("https://example.com/g") "\u2019" },
    { "'https://example.com/h'", "&apos;" A ("https://example.com/h") "&apos;" },
    { "\"https://example.com/i\"", "&quot;" A ("https://example.com/i") "&quot;" },
    { "\u2039https://example.ch/j\u203a", "\u2039" A ("https://example.ch/j") "\u203a" },
    /* an apostrophe inside an address stays */
    { "https://en.wikipedia.org/wiki/Ender's_Game", A ("https://en.wikipedia.org/wiki/Ender&apos;s_Game") },
    /* brackets: balanced inside the address stay, the ones around it go */
    { "https://en.wikipedia.org/wiki/Python_(programming_language)",
      A ("https://en.wikipedia.org/wiki/Python_(programming_language)") },
    { "(https://en.wikipedia.org/wiki/Python_(programming_language))",
      "(" A ("https://en.wikipedia.org/wiki/Python_(programming_language)") ")" },
    { "see https://en.wikipedia.org/wiki/Mercury_(planet).",
      "see " A ("https://en.wikipedia.org/wiki/Mercury_(planet)") "." },
    { "[https://example.com/k]", "[" A ("https://example.com/k") "]" },
    { "https://example.com/list[1]", A ("https://example.com/list[1]") },
    { "{https://example.com/l}", "{" A ("https://example.com/l") "}" },
    { "\uff08https://example.cn/m\uff09", "\uff08" A ("https://example.cn/m") "\uff09" },
    /* what ends a sentence ends the link */
    { "Go to https://example.com.", "Go to " A ("https://example.com") "." },
    { "https://example.com/n, then", A ("https://example.com/n") ", then" },
    { "https://example.com/o: the form", A ("https://example.com/o") ": the form" },
    { "https://example.com/p; or", A ("https://example.com/p") "; or" },
    { "https://example.com/q!", A ("https://example.com/q") "!" },
    { "Is it https://example.com/r?", "Is it " A ("https://example.com/r") "?" },
    { "https://example.com/s?!\u2026", A ("https://example.com/s") "?!\u2026" },
    { "https://example.com/t).", A ("https://example.com/t") ")." },
    { "\u8a73\u3057\u304f\u306fhttps://example.jp/u\u3002", "\u8a73\u3057\u304f\u306f" A ("https://example.jp/u") "\u3002" },
    /* but a query, a port and a fragment are part of it */
    { "https://example.com:8443/v?w=1&x=2#y", A ("https://example.com:8443/v?w=1&amp;x=2#y") },
    { "https://example.com/search?q=a.b", A ("https://example.com/search?q=a.b") },
    /* international domain names */
    { "https://b\u00fccher.example/", A ("https://b\u00fccher.example/") },
    { "\u201ehttps://b\u00fccher.example/\u201c.", "\u201e" A ("https://b\u00fccher.example/") "\u201c." },
    { "https://\u4f8b\u3048.jp/\u30c6\u30b9\u30c8", A ("https://\u4f8b\u3048.jp/\u30c6\u30b9\u30c8") },
    { "https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", A ("https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444") },
    /* mail */
    { "mailto:anna@example.com", A ("mailto:anna@example.com") },
    { "Write to mailto:help@example.org.", "Write to " A ("mailto:help@example.org") "." },
    { "mailto:", "mailto:" },
    { "mailto:nobody", "mailto:nobody" },
    /* start, middle and end of the text, and several links */
    { "https://a.example/ first", A ("https://a.example/") " first" },
    { "in the middle https://b.example/ of it", "in the middle " A ("https://b.example/") " of it" },
    { "at the end https://c.example/", "at the end " A ("https://c.example/") },
    { "https://d.example/ and http://e.example/",
      A ("https://d.example/") " and " A ("http://e.example/") },
    { "two\nhttps://f.example/\nlines", "two\n" A ("https://f.example/") "\nlines" },
    { "www.example.org/g.", "<a href=\"https://www.example.org/g\">www.example.org/g</a>." },
    { "HTTPS://EXAMPLE.COM/H", "<a href=\"https://EXAMPLE.COM/H\">HTTPS://EXAMPLE.COM/H</a>" },
    { "WWW.EXAMPLE.COM", "<a href=\"https://www.EXAMPLE.COM\">WWW.EXAMPLE.COM</a>" },
    /* adjacent text: a link starts a word, and other text ends it */
    { "xhttps://example.com", "xhttps://example.com" },
    { "see:https://example.com/i", "see:" A ("https://example.com/i") },
    { "https://example.com/j<br>", A ("https://example.com/j") "&lt;br&gt;" },
    { "https://example.com/k\u200bnext", A ("https://example.com/k") "\u200bnext" },
    { "https://example.com/l\tnext", A ("https://example.com/l") "\tnext" },
    /* not addresses */
    { "https://", "https://" },
    { "http://.", "http://." },
    { "www.", "www." },
    { "ftp://example.com", "ftp://example.com" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = confab_text_to_markup (cases[i].text);
      g_autofree char *plain = NULL;

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_cmpstr (markup, ==, cases[i].markup);
      /* the text itself is shown unchanged, links or not */
      plain = parse_markup (markup);
      g_assert_cmpstr (plain, ==, cases[i].text);
    }
}

static void
test_markup_find_link (void)
{
  const char *text = "a https://x.example/, b mailto:c@d.example!";
  gsize start = 0, end = 0;

  g_assert_true (confab_find_link (text, 0, &start, &end));
  g_assert_cmpuint (start, ==, 2);
  g_assert_cmpuint (end, ==, 2 + strlen ("https://x.example/"));
  g_assert_true (confab_find_link (text, end, &start, &end));
  g_assert_cmpuint (start, ==, 24);
  g_assert_cmpuint (end, ==, strlen (text) - 1);
  g_assert_false (confab_find_link (text, end, &start, &end));
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

/* The markup without its zero-width spaces. */
static char *
strip_zwsp (const char *markup)
{
  GString *out = g_string_new (NULL);

  for (const char *p = markup; *p != '\0'; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) != 0x200B)
      g_string_append_unichar (out, g_utf8_get_char (p));
  return g_string_free (out, FALSE);
}

static guint
count_zwsp (const char *markup)
{
  guint n = 0;

  for (const char *p = markup; *p != '\0'; p = g_utf8_next_char (p))
    n += g_utf8_get_char (p) == 0x200B;
  return n;
}

/* A long run with no break (base64, a pasted log line) gets break opportunities; the text
 * itself is unchanged, and ordinary words and addresses get none. */
static void
test_markup_long_runs (void)
{
  g_autoptr(GString) blob = g_string_new (NULL);
  g_autofree char *markup = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *escaped = NULL;
  const char *longest_gap;
  guint gap = 0, worst = 0;

  for (guint i = 0; i < 4096; i++)
    g_string_append_c (blob, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/<&"[i % 66]);
  markup = confab_text_to_markup (blob->str);
  assert_valid_markup (markup);
  g_assert_cmpuint (count_zwsp (markup), >=, 4096 / 16 - 16);
  stripped = strip_zwsp (markup);
  escaped = g_markup_escape_text (blob->str, -1);
  g_assert_cmpstr (stripped, ==, escaped);

  /* no stretch of the markup is longer than the run limit without a break */
  for (longest_gap = markup; *longest_gap != '\0'; longest_gap = g_utf8_next_char (longest_gap))
    {
      gap = g_utf8_get_char (longest_gap) == 0x200B ? 0 : gap + 1;
      worst = MAX (worst, gap);
    }
  g_assert_cmpuint (worst, <=, 128 + 16 + 8 * 5);  /* entities are longer than one character */

  plain = confab_text_to_markup ("Dear agent, https://example.com/orders/12345 is my order.");
  g_assert_cmpuint (count_zwsp (plain), ==, 0);
}

static void
test_markup_cut (void)
{
  g_autoptr(GString) words = g_string_new (NULL);
  g_autoptr(GString) one_link = g_string_new ("see https://example.com/");
  g_autofree char *markup = NULL;
  g_autofree char *link_markup = NULL;
  g_autofree char *whole_href = NULL;
  g_autofree char *short_text = NULL;
  gboolean cut = FALSE;

  for (guint i = 0; i < 1000; i++)
    g_string_append (words, "word ");

  /* at most the limit, after a space, with an ellipsis */
  markup = confab_text_to_display_markup (words->str, 2000, &cut);
  g_assert_true (cut);
  g_assert_true (g_str_has_suffix (markup, "…"));
  g_assert_cmpuint (g_utf8_strlen (markup, -1), <=, 2001);
  g_assert_true (g_str_has_suffix (markup, "word…") || g_str_has_suffix (markup, " …"));

  /* short text is not cut */
  short_text = confab_text_to_display_markup ("Hello.", 2000, &cut);
  g_assert_false (cut);
  g_assert_cmpstr (short_text, ==, "Hello.");

  /* a link cut short still leads to its whole address */
  for (guint i = 0; i < 3000; i++)
    g_string_append_c (one_link, 'a' + i % 26);
  link_markup = confab_text_to_display_markup (one_link->str, 100, &cut);
  assert_valid_markup (link_markup);
  g_assert_true (cut);
  whole_href = g_strdup_printf ("<a href=\"%s\">", one_link->str + strlen ("see "));
  g_assert_nonnull (strstr (link_markup, whole_href));
  g_assert_true (g_str_has_suffix (link_markup, "</a>…"));

  /* a megabyte gives a bounded label */
  {
    g_autofree char *huge = g_strnfill (1024 * 1024, 'x');
    g_autofree char *huge_markup = confab_text_to_display_markup (huge, 2000, &cut);

    g_assert_true (cut);
    g_assert_cmpuint (strlen (huge_markup), <, 2000 * 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/markup/plain", test_markup_plain);
  g_test_add_func ("/ui/markup/links", test_markup_links);
  g_test_add_func ("/ui/markup/find-link", test_markup_find_link);
  g_test_add_func ("/ui/markup/hostile", test_markup_hostile);
  g_test_add_func ("/ui/markup/long-runs", test_markup_long_runs);
  g_test_add_func ("/ui/markup/cut", test_markup_cut);

  return g_test_run ();
}
