/* confab-markup.c: message text to label markup, with its links
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "confab-markup.h"

static const struct {
  const char *prefix;
  const char *href_prefix;   /* put in front of the href, for a bare "www." */
} schemes[] = {
  { "https://", "" },
  { "http://", "" },
  { "mailto:", "" },
  { "www.", "https://" },
};

/* Characters that never belong to a link as people write them: spaces, and the quotes and
 * brackets of every script that people put around an address ("…", „…“, «…», 「…」, (…)). */
static gboolean
ends_link (gunichar c)
{
  switch (c)
    {
    case '<': case '>': case '"': case '`':
    case 0x2018: case 0x2019: case 0x201A: case 0x201B:   /* ‘ ’ ‚ ‛ */
    case 0x201C: case 0x201D: case 0x201E: case 0x201F:   /* “ ” „ ‟ */
    case 0x00AB: case 0x00BB: case 0x2039: case 0x203A:   /* « » ‹ › */
    case 0x2026:                                          /* … */
    case 0x3001: case 0x3002:                             /* 、 。 */
    case 0x3008: case 0x3009: case 0x300A: case 0x300B:   /* 〈 〉 《 》 */
    case 0x300C: case 0x300D: case 0x300E: case 0x300F:   /* 「 」 『 』 */
    case 0x3010: case 0x3011:                             /* 【 】 */
    case 0xFF01: case 0xFF02: case 0xFF07: case 0xFF08:   /* ！ ＂ ＇ （ */
    case 0xFF09: case 0xFF0C: case 0xFF1A: case 0xFF1B:   /* ） ， ： ； */
    case 0xFF1F:                                          /* ？ */
      return TRUE;
    default:
      break;
    }

  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:          /* zero-width spaces and joiners */
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    default:
      return g_unichar_isspace (c);
    }
}

static guint
count_byte (const char *s,
            gsize       len,
            char        c)
{
  guint n = 0;

  for (gsize i = 0; i < len; i++)
    n += s[i] == c;
  return n;
}

/* Drops what ends a sentence or closes a bracket opened before the link: "(see x.test/a)."
 * A closing bracket stays when the link opened it, as in .../Bracket_(disambiguation). */
static gsize
trim_end (const char *link,
          gsize       len)
{
  while (len > 0)
    {
      char c = link[len - 1];
      char open;

      switch (c)
        {
        case '.': case ',': case ':': case ';': case '!': case '?': case '\'': case '*':
          len--;
          continue;
        case ')': open = '('; break;
        case ']': open = '['; break;
        case '}': open = '{'; break;
        default:
          return len;
        }
      if (count_byte (link, len, open) >= count_byte (link, len, c))
        return len;
      len--;
    }
  return 0;
}

/* Enough after the prefix to be an address: a host for the web, user@host for mail. */
static gboolean
is_address (const char *link,
            gsize       len,
            gsize       prefix_len,
            gboolean    mail)
{
  const char *rest = link + prefix_len;
  gsize rest_len = len - prefix_len;
  const char *at;

  if (rest_len == 0)
    return FALSE;
  if (!mail)
    /* "http://" alone, or followed only by slashes or dots, is no address. */
    return g_unichar_isalnum (g_utf8_get_char (rest));

  at = memchr (rest, '@', rest_len);
  return at != NULL && at > rest && (gsize) (at - rest) + 1 < rest_len;
}

gboolean
confab_find_link (const char *text,
                  gsize       from,
                  gsize      *start,
                  gsize      *end)
{
  gsize text_len;

  g_return_val_if_fail (text != NULL, FALSE);

  text_len = strlen (text);
  for (gsize i = from; i < text_len; i++)
    {
      /* A link starts a word: "xhttp://" is not one, but "see:https://" and "見てhttps://" are. */
      if (i > 0 && (g_ascii_isalnum (text[i - 1]) || text[i - 1] == '@' || text[i - 1] == '/' ||
                    text[i - 1] == '.' || text[i - 1] == '-'))
        continue;

      for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
        {
          gsize prefix_len = strlen (schemes[s].prefix);
          const char *p;
          gsize len;

          if (g_ascii_strncasecmp (text + i, schemes[s].prefix, prefix_len) != 0)
            continue;

          p = text + i + prefix_len;
          while (*p != '\0' && !ends_link (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          len = trim_end (text + i, (gsize) (p - (text + i)));
          if (len <= prefix_len ||
              !is_address (text + i, len, prefix_len, g_str_equal (schemes[s].prefix, "mailto:")))
            break;

          *start = i;
          *end = i + len;
          return TRUE;
        }
    }

  return FALSE;
}

/* Where a link leads: the scheme in lower case, and https:// in front of a bare "www.". */
static char *
dup_href (const char *link)
{
  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      gsize prefix_len = strlen (schemes[s].prefix);

      if (g_ascii_strncasecmp (link, schemes[s].prefix, prefix_len) == 0)
        return g_strconcat (schemes[s].href_prefix, schemes[s].prefix, link + prefix_len, NULL);
    }
  g_assert_not_reached ();
}

char *
confab_text_to_markup (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;
  gsize last = 0, start = 0, end = 0;

  if (text == NULL)
    return g_strdup ("");

  /* The walk below reads characters; broken UTF-8 shows as replacement characters. */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  out = g_string_new (NULL);
  while (confab_find_link (text, last, &start, &end))
    {
      g_autofree char *before = g_markup_escape_text (text + last, (gssize) (start - last));
      g_autofree char *link = g_strndup (text + start, end - start);
      g_autofree char *href = dup_href (link);
      g_autofree char *escaped_link = g_markup_escape_text (link, -1);
      g_autofree char *escaped_href = g_markup_escape_text (href, -1);

      g_string_append (out, before);
      g_string_append_printf (out, "<a href=\"%s\">%s</a>", escaped_href, escaped_link);
      last = end;
    }
  {
    g_autofree char *rest = g_markup_escape_text (text + last, -1);

    g_string_append (out, rest);
  }

  return g_string_free (out, FALSE);
}
