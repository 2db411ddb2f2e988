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

/* A link that starts in text[from, limit); text is text_len bytes long. A row shows the
 * first few thousand characters of a message of up to a megabyte: looking for links only where
 * they would show keeps its work bounded. */
static gboolean
find_link_before (const char *text,
                  gsize       text_len,
                  gsize       from,
                  gsize       limit,
                  gsize      *start,
                  gsize      *end)
{
  limit = MIN (limit, text_len);
  for (gsize i = from; i < limit; i++)
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

gboolean
confab_find_link (const char *text,
                  gsize       from,
                  gsize      *start,
                  gsize      *end)
{
  gsize text_len;

  g_return_val_if_fail (text != NULL, FALSE);

  text_len = strlen (text);
  return find_link_before (text, text_len, from, text_len, start, end);
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

/* Pango wraps a run with no break opportunity in time that grows with the square of its
 * length (4 KiB of base64 took 3 s in one label). A zero-width space every BREAK_RUN
 * characters of a run longer than LONG_RUN gives it break opportunities and makes the
 * wrapping linear; it draws as nothing. Ordinary words and addresses are shorter and stay
 * as they are.
 * BREAK_RUN is short because Pango wraps at the last opportunity that fits: with one every
 * 48 characters, a line of 85 held one stretch of 48 and the window showed base64 as a
 * column half its width, in twice the lines. Breaking a stretch that is wider than the line
 * (a narrow window, or GTK measuring the label's minimum width at 20 characters) goes
 * character by character, and is the costliest part of a layout. Measured on 2,000
 * characters of base64 with Pango 1.50, the four layouts GTK makes of a label: 7.0 ms with
 * 48, 3.4 ms with 16, and lines as long as the width allows. */
#define LONG_RUN  128
#define BREAK_RUN 16

/* Appends text[0, len) escaped for markup, with the zero-width spaces above. run carries the
 * length of the unbroken run across calls. */
static void
append_breakable (GString    *out,
                  const char *text,
                  gsize       len,
                  guint      *run)
{
  g_autofree char *escaped = g_markup_escape_text (text, (gssize) len);

  for (const char *p = escaped; *p != '\0';)
    {
      /* an entity counts as one character */
      const char *next = *p == '&' ? strchr (p, ';') + 1 : g_utf8_next_char (p);
      gunichar c = *p == '&' ? 'x' : g_utf8_get_char (p);

      g_string_append_len (out, p, next - p);
      if (g_unichar_isspace (c) || c == 0x200B)
        *run = 0;
      else if (++*run >= LONG_RUN + BREAK_RUN)
        {
          g_string_append (out, "\u200B");
          *run = LONG_RUN;
        }
      p = next;
    }
}

/* Where to cut text to at most max_chars characters: after a space near the limit when
 * there is one, so a word is not split. */
static gsize
cut_point (const char *text,
           gsize       length,
           gsize       max_chars)
{
  const char *limit = text;
  const char *p;

  for (gsize n = 0; n < max_chars && *limit != '\0'; n++)
    limit = g_utf8_next_char (limit);
  if (*limit == '\0')
    return length;
  for (p = limit; p > text && limit - p < 40; p = g_utf8_prev_char (p))
    if (g_unichar_isspace (g_utf8_get_char (p)))
      return (gsize) (p - text);
  return (gsize) (limit - text);
}

char *
confab_text_to_display_markup (const char *text,
                               gsize       max_chars,
                               gboolean   *cut)
{
  g_autofree char *valid = NULL;
  GString *out;
  gsize last = 0, start = 0, end = 0, length, stop;
  guint run = 0;

  if (cut != NULL)
    *cut = FALSE;
  if (text == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  length = strlen (text);
  stop = max_chars > 0 ? cut_point (text, length, max_chars) : length;
  out = g_string_sized_new (MIN (stop, length) + 64);
  while (last < stop && find_link_before (text, length, last, stop, &start, &end))
    {
      g_autofree char *link = g_strndup (text + start, end - start);
      g_autofree char *href = dup_href (link);
      g_autofree char *escaped_href = g_markup_escape_text (href, -1);

      append_breakable (out, text + last, start - last, &run);
      /* a link cut short still leads to the whole address */
      g_string_append_printf (out, "<a href=\"%s\">", escaped_href);
      append_breakable (out, text + start, MIN (end, stop) - start, &run);
      g_string_append (out, "</a>");
      last = MIN (end, stop);
    }
  if (last < stop)
    append_breakable (out, text + last, stop - last, &run);
  if (stop < length)
    {
      g_string_append (out, "…");
      if (cut != NULL)
        *cut = TRUE;
    }

  return g_string_free (out, FALSE);
}

/* Paragraphs longer than this are split for the text view, which lays out a paragraph at a
 * time: one megabyte in one paragraph would be laid out in one go. */
#define VIEWER_PARAGRAPH 4096

char *
confab_text_for_viewer (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;
  guint run = 0;
  gsize paragraph = 0;

  if (text == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  out = g_string_sized_new (strlen (text) + strlen (text) / 32);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, c);
      paragraph = c == '\n' ? 0 : paragraph + 1;
      if (g_unichar_isspace (c) || c == 0x200B)
        run = 0;
      else if (++run >= LONG_RUN + BREAK_RUN)
        {
          g_string_append_unichar (out, 0x200B);
          run = LONG_RUN;
        }
      if (paragraph >= VIEWER_PARAGRAPH && (g_unichar_isspace (c) || run == LONG_RUN))
        {
          g_string_append_unichar (out, 0x2029);  /* PARAGRAPH SEPARATOR */
          paragraph = 0;
        }
    }
  return g_string_free (out, FALSE);
}

char *
confab_text_to_markup (const char *text)
{
  return confab_text_to_display_markup (text, 0, NULL);
}
