/* confab-rich.c: structured content (rich messages) and quick replies: names and types
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One unit in several files (confab-rich-private.h lists them); this one holds the names of
 * the types and the types themselves: freed, reference-counted, boxed.
 */
#include "config.h"

#include "confab-rich-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Names                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static const struct {
  ConfabRichElementType type;
  const char *name;
} element_types[] = {
  { CONFAB_RICH_VERTICAL, "vertical" },
  { CONFAB_RICH_HORIZONTAL, "horizontal" },
  { CONFAB_RICH_CAROUSEL, "carousel" },
  { CONFAB_RICH_LIST, "list" },
  { CONFAB_RICH_TEXT, "text" },
  { CONFAB_RICH_IMAGE, "image" },
  { CONFAB_RICH_BUTTON, "button" },
  { CONFAB_RICH_MAP, "map" },
};

static const struct {
  ConfabRichActionType type;
  const char *name;
} action_types[] = {
  { CONFAB_RICH_ACTION_LINK, "link" },
  { CONFAB_RICH_ACTION_NAVIGATE, "navigate" },
  { CONFAB_RICH_ACTION_PUBLISH_TEXT, "publishText" },
};

static const char *const sizes[] = { NULL, "small", "medium", "large" };

const char *
confab_rich_element_type_to_string (ConfabRichElementType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (element_types); i++)
    if (element_types[i].type == type)
      return element_types[i].name;
  return NULL;
}

/* Exact names, as LivePerson writes them. */
ConfabRichElementType
confab_rich_element_type_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_RICH_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (element_types); i++)
    if (g_str_equal (str, element_types[i].name))
      return element_types[i].type;
  return CONFAB_RICH_UNKNOWN;
}

const char *
confab_rich_action_type_to_string (ConfabRichActionType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_types); i++)
    if (action_types[i].type == type)
      return action_types[i].name;
  return NULL;
}

ConfabRichActionType
confab_rich_action_type_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_RICH_ACTION_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (action_types); i++)
    if (g_str_equal (str, action_types[i].name))
      return action_types[i].type;
  return CONFAB_RICH_ACTION_UNKNOWN;
}

gboolean
_confab_rich_is_container (ConfabRichElementType type)
{
  return type == CONFAB_RICH_VERTICAL || type == CONFAB_RICH_HORIZONTAL ||
         type == CONFAB_RICH_CAROUSEL || type == CONFAB_RICH_LIST;
}

gboolean
_confab_rich_takes_click (ConfabRichElementType type)
{
  return type == CONFAB_RICH_BUTTON || type == CONFAB_RICH_IMAGE || type == CONFAB_RICH_MAP;
}

const char *
_confab_rich_size_to_string (ConfabRichSize size)
{
  if (size > CONFAB_RICH_SIZE_UNSET && (guint) size < G_N_ELEMENTS (sizes))
    return sizes[size];
  return NULL;
}

/* In any case; UNSET for NULL or a name not known. */
ConfabRichSize
_confab_rich_size_from_string (const char *str)
{
  for (guint i = 1; str != NULL && i < G_N_ELEMENTS (sizes); i++)
    if (g_ascii_strcasecmp (str, sizes[i]) == 0)
      return (ConfabRichSize) i;
  return CONFAB_RICH_SIZE_UNSET;
}

/* ------------------------------------------------------------------------------------------ */
/* Construction and destruction                                                               */
/* ------------------------------------------------------------------------------------------ */

void
confab_rich_action_free (ConfabRichAction *action)
{
  if (action == NULL)
    return;

  g_free (action->type_name);
  g_free (action->uri);
  g_free (action->text);
  g_free (action->name);
  g_free (action);
}

ConfabRichClick *
confab_rich_click_new (void)
{
  ConfabRichClick *click = g_new0 (ConfabRichClick, 1);

  click->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_rich_action_free);
  return click;
}

void
confab_rich_click_free (ConfabRichClick *click)
{
  if (click == NULL)
    return;

  g_clear_pointer (&click->actions, g_ptr_array_unref);
  g_clear_pointer (&click->metadata, json_node_unref);
  g_free (click);
}

static void
style_clear (ConfabRichStyle *style)
{
  g_clear_pointer (&style->color, g_free);
  g_clear_pointer (&style->background_color, g_free);
  g_clear_pointer (&style->border_color, g_free);
}

void
confab_rich_element_free (ConfabRichElement *element)
{
  if (element == NULL)
    return;

  g_free (element->type_name);
  g_free (element->alt);
  g_free (element->tag);
  g_free (element->tooltip);
  g_clear_pointer (&element->metadata, json_node_unref);
  style_clear (&element->style);
  g_free (element->text);
  g_free (element->title);
  g_free (element->url);
  g_free (element->caption);
  confab_rich_click_free (element->click);
  g_clear_pointer (&element->elements, g_ptr_array_unref);
  g_free (element);
}
static void
rich_content_clear (ConfabRichContent *content)
{
  confab_rich_element_free (content->root);
}

static guint
count_elements (const ConfabRichElement *element)
{
  guint n = 1;

  for (guint i = 0; element->elements != NULL && i < element->elements->len; i++)
    n += count_elements (g_ptr_array_index (element->elements, i));
  return n;
}

/**
 * confab_rich_content_new:
 * @root: (transfer full): the top element
 *
 * Returns: (transfer full): a content holding @root
 */
ConfabRichContent *
confab_rich_content_new (ConfabRichElement *root)
{
  ConfabRichContent *content;

  g_return_val_if_fail (root != NULL, NULL);

  content = g_atomic_rc_box_new0 (ConfabRichContent);
  content->root = root;
  content->n_elements = count_elements (root);
  return content;
}

ConfabRichContent *
confab_rich_content_ref (ConfabRichContent *content)
{
  g_return_val_if_fail (content != NULL, NULL);

  return g_atomic_rc_box_acquire (content);
}

void
confab_rich_content_unref (ConfabRichContent *content)
{
  if (content != NULL)
    g_atomic_rc_box_release_full (content, (GDestroyNotify) rich_content_clear);
}

G_DEFINE_BOXED_TYPE (ConfabRichContent, confab_rich_content, confab_rich_content_ref, confab_rich_content_unref)

/**
 * confab_quick_replies_new:
 * @items_per_row: 1–8, or 0 to leave it to the client
 *
 * Returns: (transfer full): quick replies without chips yet
 */
ConfabQuickReplies *
confab_quick_replies_new (int items_per_row)
{
  ConfabQuickReplies *quick_replies;

  g_return_val_if_fail (items_per_row >= 0 && items_per_row <= CONFAB_QUICK_REPLIES_MAX_PER_ROW, NULL);

  quick_replies = g_atomic_rc_box_new0 (ConfabQuickReplies);
  quick_replies->items_per_row = items_per_row;
  quick_replies->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_rich_element_free);
  return quick_replies;
}
static void
quick_replies_clear (ConfabQuickReplies *quick_replies)
{
  g_clear_pointer (&quick_replies->replies, g_ptr_array_unref);
}

ConfabQuickReplies *
confab_quick_replies_ref (ConfabQuickReplies *quick_replies)
{
  g_return_val_if_fail (quick_replies != NULL, NULL);

  return g_atomic_rc_box_acquire (quick_replies);
}

void
confab_quick_replies_unref (ConfabQuickReplies *quick_replies)
{
  if (quick_replies != NULL)
    g_atomic_rc_box_release_full (quick_replies, (GDestroyNotify) quick_replies_clear);
}

G_DEFINE_BOXED_TYPE (ConfabQuickReplies, confab_quick_replies, confab_quick_replies_ref, confab_quick_replies_unref)
