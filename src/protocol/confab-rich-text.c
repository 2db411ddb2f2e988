/* confab-rich-text.c: structured content and quick replies as plain text, and compared
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of confab-rich.h (see confab-rich-private.h).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-rich-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Text                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static gboolean
is_set (const char *str)
{
  return str != NULL && *str != '\0';
}

static void
append_line (GString    *out,
             const char *line)
{
  if (!is_set (line))
    return;
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append (out, line);
}

static void
append_text (GString                 *out,
             const ConfabRichElement *element)
{
  g_autofree char *line = NULL;

  switch (element->type)
    {
    case CONFAB_RICH_TEXT:
      append_line (out, element->text);
      return;

    case CONFAB_RICH_BUTTON:
      /* Translators: how a button of a rich message is read out and copied */
      line = g_strdup_printf (_("Button: %s"), element->title);
      break;

    case CONFAB_RICH_IMAGE:
      {
        const char *label = is_set (element->caption) ? element->caption
                            : is_set (element->alt) ? element->alt : element->tooltip;

        if (is_set (label))
          /* Translators: an image of a rich message; %s is its caption */
          line = g_strdup_printf (_("Image: %s"), label);
        else
          line = g_strdup (_("Image"));
      }
      break;

    case CONFAB_RICH_MAP:
      {
        const char *label = is_set (element->tooltip) ? element->tooltip : element->alt;
        g_autofree char *position = NULL;

        if (!is_set (label))
          {
            char la[G_ASCII_DTOSTR_BUF_SIZE];
            char lo[G_ASCII_DTOSTR_BUF_SIZE];

            g_ascii_formatd (la, sizeof la, "%.5f", element->latitude);
            g_ascii_formatd (lo, sizeof lo, "%.5f", element->longitude);
            label = position = g_strdup_printf ("%s, %s", la, lo);
          }
        /* Translators: a map of a rich message; %s is its label or its latitude and longitude */
        line = g_strdup_printf (_("Map: %s"), label);
      }
      break;

    case CONFAB_RICH_UNKNOWN:
      if (is_set (element->alt))
        {
          append_line (out, element->alt);
          return;
        }
      if (element->elements == NULL || element->elements->len == 0)
        {
          append_line (out, _("Unsupported content"));
          return;
        }
      G_GNUC_FALLTHROUGH;
    case CONFAB_RICH_VERTICAL:
    case CONFAB_RICH_HORIZONTAL:
    case CONFAB_RICH_CAROUSEL:
    case CONFAB_RICH_LIST:
    default:
      for (guint i = 0; element->elements != NULL && i < element->elements->len; i++)
        append_text (out, g_ptr_array_index (element->elements, i));
      return;
    }

  append_line (out, line);
}

/**
 * confab_rich_element_dup_text:
 * @element: an element
 *
 * A plain-text rendering for screen readers and copying: one line per element, a text
 * element as its text, a button as "Button: <title>", an image as "Image: <caption>" (or
 * its alt or tooltip), a map as "Map: <tooltip>" (or its position), an unknown element as
 * its fallback. Containers give their children's lines in order.
 *
 * Returns: (transfer full): the text, possibly empty
 */
char *
confab_rich_element_dup_text (const ConfabRichElement *element)
{
  GString *out;

  g_return_val_if_fail (element != NULL, NULL);

  out = g_string_new (NULL);
  append_text (out, element);
  return g_string_free (out, FALSE);
}

/**
 * confab_rich_content_dup_text:
 * @content: a content
 *
 * confab_rich_element_dup_text() of the root; when that is empty, the root's alt text.
 *
 * Returns: (transfer full): the text, possibly empty
 */
char *
confab_rich_content_dup_text (const ConfabRichContent *content)
{
  char *text;

  g_return_val_if_fail (content != NULL, NULL);

  text = confab_rich_element_dup_text (content->root);
  if (*text == '\0' && content->root->alt != NULL)
    {
      g_free (text);
      text = g_strdup (content->root->alt);
    }
  return text;
}

/**
 * confab_quick_replies_dup_text:
 * @quick_replies: quick replies
 *
 * Returns: (transfer full): one line per chip, "Quick reply: <title>"
 */
char *
confab_quick_replies_dup_text (const ConfabQuickReplies *quick_replies)
{
  GString *out;

  g_return_val_if_fail (quick_replies != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < quick_replies->replies->len; i++)
    {
      const ConfabRichElement *chip = g_ptr_array_index (quick_replies->replies, i);
      /* Translators: one of the answers offered under a message; %s is its title */
      g_autofree char *line = g_strdup_printf (_("Quick reply: %s"), chip->title);

      append_line (out, line);
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Comparison                                                                                 */
/* ------------------------------------------------------------------------------------------ */

static gboolean
json_equal (JsonNode *a,
            JsonNode *b)
{
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  text_a = confab_json_to_string (a);
  text_b = confab_json_to_string (b);
  return g_str_equal (text_a, text_b);
}

static gboolean
style_equal (const ConfabRichStyle *a,
             const ConfabRichStyle *b)
{
  return !a->bold == !b->bold && !a->italic == !b->italic &&
         g_strcmp0 (a->color, b->color) == 0 &&
         g_strcmp0 (a->background_color, b->background_color) == 0 &&
         g_strcmp0 (a->border_color, b->border_color) == 0 &&
         a->border_radius == b->border_radius && a->size == b->size;
}

static gboolean
action_equal (const ConfabRichAction *a,
              const ConfabRichAction *b)
{
  if (a->type != b->type)
    return FALSE;

  switch (a->type)
    {
    case CONFAB_RICH_ACTION_LINK:
      return g_strcmp0 (a->uri, b->uri) == 0 && a->uri_status == b->uri_status &&
             g_strcmp0 (a->name, b->name) == 0;
    case CONFAB_RICH_ACTION_NAVIGATE:
      return a->latitude == b->latitude && a->longitude == b->longitude &&
             g_strcmp0 (a->name, b->name) == 0;
    case CONFAB_RICH_ACTION_PUBLISH_TEXT:
      return g_strcmp0 (a->text, b->text) == 0;
    case CONFAB_RICH_ACTION_UNKNOWN:
    default:
      return g_strcmp0 (a->type_name, b->type_name) == 0;
    }
}

static gboolean
click_equal (const ConfabRichClick *a,
             const ConfabRichClick *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->actions->len != b->actions->len || !json_equal (a->metadata, b->metadata))
    return FALSE;
  for (guint i = 0; i < a->actions->len; i++)
    if (!action_equal (g_ptr_array_index (a->actions, i), g_ptr_array_index (b->actions, i)))
      return FALSE;
  return TRUE;
}

gboolean
confab_rich_element_equal (const ConfabRichElement *a,
                           const ConfabRichElement *b)
{
  guint len_a, len_b;

  if (a == NULL || b == NULL)
    return a == b;

  if (a->type != b->type ||
      (a->type == CONFAB_RICH_UNKNOWN && g_strcmp0 (a->type_name, b->type_name) != 0) ||
      g_strcmp0 (a->alt, b->alt) != 0 || g_strcmp0 (a->tag, b->tag) != 0 ||
      g_strcmp0 (a->tooltip, b->tooltip) != 0 || !json_equal (a->metadata, b->metadata) ||
      !style_equal (&a->style, &b->style))
    return FALSE;

  switch (a->type)
    {
    case CONFAB_RICH_TEXT:
      if (g_strcmp0 (a->text, b->text) != 0)
        return FALSE;
      break;
    case CONFAB_RICH_BUTTON:
      if (g_strcmp0 (a->title, b->title) != 0)
        return FALSE;
      break;
    case CONFAB_RICH_IMAGE:
      if (g_strcmp0 (a->url, b->url) != 0 || a->url_status != b->url_status ||
          g_strcmp0 (a->caption, b->caption) != 0)
        return FALSE;
      break;
    case CONFAB_RICH_MAP:
      if (a->latitude != b->latitude || a->longitude != b->longitude)
        return FALSE;
      break;
    case CONFAB_RICH_CAROUSEL:
      if (a->padding != b->padding)
        return FALSE;
      break;
    case CONFAB_RICH_VERTICAL:
    case CONFAB_RICH_HORIZONTAL:
    case CONFAB_RICH_LIST:
    case CONFAB_RICH_UNKNOWN:
    default:
      break;
    }

  if (_confab_rich_takes_click (a->type) && !click_equal (a->click, b->click))
    return FALSE;

  len_a = a->elements != NULL ? a->elements->len : 0;
  len_b = b->elements != NULL ? b->elements->len : 0;
  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    if (!confab_rich_element_equal (g_ptr_array_index (a->elements, i), g_ptr_array_index (b->elements, i)))
      return FALSE;
  return TRUE;
}

gboolean
confab_rich_content_equal (const ConfabRichContent *a,
                           const ConfabRichContent *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return confab_rich_element_equal (a->root, b->root);
}

gboolean
confab_quick_replies_equal (const ConfabQuickReplies *a,
                            const ConfabQuickReplies *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->items_per_row != b->items_per_row || a->replies->len != b->replies->len)
    return FALSE;
  for (guint i = 0; i < a->replies->len; i++)
    if (!confab_rich_element_equal (g_ptr_array_index (a->replies, i), g_ptr_array_index (b->replies, i)))
      return FALSE;
  return TRUE;
}
