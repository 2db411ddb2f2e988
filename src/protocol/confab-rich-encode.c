/* confab-rich-encode.c: structured content and quick replies built and written
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of confab-rich.h (see confab-rich-private.h).
 */
#include "config.h"

#include "confab-rich-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Building                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static ConfabRichElement *
element_alloc (ConfabRichElementType type)
{
  ConfabRichElement *element = g_new0 (ConfabRichElement, 1);

  element->type = type;
  element->type_name = g_strdup (confab_rich_element_type_to_string (type));
  element->style.border_radius = -1;
  element->padding = -1;
  if (_confab_rich_is_container (type))
    element->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_rich_element_free);
  return element;
}

/**
 * confab_rich_element_new:
 * @type: any type; an UNKNOWN element is written without a type
 *
 * Returns: (transfer full): an empty element; containers have an empty elements array
 */
ConfabRichElement *
confab_rich_element_new (ConfabRichElementType type)
{
  ConfabRichElement *element = element_alloc (type);

  if (type == CONFAB_RICH_TEXT)
    element->text = g_strdup ("");
  else if (type == CONFAB_RICH_BUTTON)
    element->title = g_strdup ("");
  else if (type == CONFAB_RICH_IMAGE)
    element->url_status = CONFAB_RICH_URL_INVALID;
  return element;
}

ConfabRichElement *
confab_rich_element_new_text (const char *text)
{
  ConfabRichElement *element;

  g_return_val_if_fail (text != NULL, NULL);

  element = element_alloc (CONFAB_RICH_TEXT);
  element->text = g_strdup (text);
  return element;
}

ConfabRichElement *
confab_rich_element_new_button (const char *title)
{
  ConfabRichElement *element;

  g_return_val_if_fail (title != NULL, NULL);

  element = element_alloc (CONFAB_RICH_BUTTON);
  element->title = g_strdup (title);
  return element;
}

/**
 * confab_rich_element_new_image:
 * @url: the image's address
 *
 * The URL is checked as the parser checks it, so the element's url_status is what a
 * receiver will see.
 *
 * Returns: (transfer full): an image element
 */
ConfabRichElement *
confab_rich_element_new_image (const char *url)
{
  ConfabRichElement *element;

  g_return_val_if_fail (url != NULL, NULL);

  element = element_alloc (CONFAB_RICH_IMAGE);
  element->url_status = _confab_rich_check_url (url, FALSE, &element->url);
  return element;
}

ConfabRichElement *
confab_rich_element_new_map (double latitude,
                             double longitude)
{
  ConfabRichElement *element;

  g_return_val_if_fail (latitude >= -90.0 && latitude <= 90.0, NULL);
  g_return_val_if_fail (longitude >= -180.0 && longitude <= 180.0, NULL);

  element = element_alloc (CONFAB_RICH_MAP);
  element->latitude = latitude;
  element->longitude = longitude;
  return element;
}

void
confab_rich_element_add (ConfabRichElement *container,
                         ConfabRichElement *child)
{
  g_return_if_fail (container != NULL);
  g_return_if_fail (child != NULL);

  if (container->elements == NULL)
    container->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_rich_element_free);
  g_ptr_array_add (container->elements, child);
}

void
confab_rich_element_add_action (ConfabRichElement *element,
                                ConfabRichAction  *action)
{
  g_return_if_fail (element != NULL);
  g_return_if_fail (action != NULL);

  if (element->click == NULL)
    element->click = confab_rich_click_new ();
  g_ptr_array_add (element->click->actions, action);
}

static ConfabRichAction *
action_alloc (ConfabRichActionType type)
{
  ConfabRichAction *action = g_new0 (ConfabRichAction, 1);

  action->type = type;
  action->type_name = g_strdup (confab_rich_action_type_to_string (type));
  return action;
}

/**
 * confab_rich_action_new_link:
 * @uri: where the link goes, checked as the parser checks it
 *
 * Returns: (transfer full) (nullable): the action, or %NULL when @uri is not usable at all
 */
ConfabRichAction *
confab_rich_action_new_link (const char *uri)
{
  g_autoptr(ConfabRichAction) action = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  action = action_alloc (CONFAB_RICH_ACTION_LINK);
  action->uri_status = _confab_rich_check_url (uri, TRUE, &action->uri);
  if (action->uri_status == CONFAB_RICH_URL_INVALID)
    return NULL;
  return g_steal_pointer (&action);
}

ConfabRichAction *
confab_rich_action_new_navigate (double      latitude,
                                 double      longitude,
                                 const char *name)
{
  ConfabRichAction *action;

  g_return_val_if_fail (latitude >= -90.0 && latitude <= 90.0, NULL);
  g_return_val_if_fail (longitude >= -180.0 && longitude <= 180.0, NULL);

  action = action_alloc (CONFAB_RICH_ACTION_NAVIGATE);
  action->latitude = latitude;
  action->longitude = longitude;
  action->name = g_strdup (name);
  return action;
}

ConfabRichAction *
confab_rich_action_new_publish_text (const char *text)
{
  ConfabRichAction *action;

  g_return_val_if_fail (text != NULL && *text != '\0', NULL);

  action = action_alloc (CONFAB_RICH_ACTION_PUBLISH_TEXT);
  action->text = g_strdup (text);
  return action;
}

void
confab_quick_replies_add (ConfabQuickReplies *quick_replies,
                          ConfabRichElement  *chip)
{
  g_return_if_fail (quick_replies != NULL);
  g_return_if_fail (chip != NULL && chip->type == CONFAB_RICH_BUTTON);

  if (chip->click == NULL)
    chip->click = confab_rich_click_new ();
  g_ptr_array_add (quick_replies->replies, chip);
}

/* ------------------------------------------------------------------------------------------ */
/* Encoding                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static gboolean
style_is_set (const ConfabRichStyle *style)
{
  return style->bold || style->italic || style->color != NULL || style->background_color != NULL ||
         style->border_color != NULL || style->border_radius >= 0 || style->size != CONFAB_RICH_SIZE_UNSET;
}

static void
write_style (JsonBuilder           *builder,
             const ConfabRichStyle *style)
{
  json_builder_begin_object (builder);
  if (style->bold)
    {
      json_builder_set_member_name (builder, "bold");
      json_builder_add_boolean_value (builder, TRUE);
    }
  if (style->italic)
    {
      json_builder_set_member_name (builder, "italic");
      json_builder_add_boolean_value (builder, TRUE);
    }
  add_string (builder, "color", style->color);
  add_string (builder, "background-color", style->background_color);
  add_string (builder, "border-color", style->border_color);
  if (style->border_radius >= 0)
    {
      json_builder_set_member_name (builder, "border-radius");
      json_builder_add_int_value (builder, style->border_radius);
    }
  add_string (builder, "size", _confab_rich_size_to_string (style->size));
  json_builder_end_object (builder);
}

static void
write_action (JsonBuilder            *builder,
              const ConfabRichAction *action)
{
  json_builder_begin_object (builder);
  add_string (builder, "type", action->type == CONFAB_RICH_ACTION_UNKNOWN
                               ? action->type_name : confab_rich_action_type_to_string (action->type));
  switch (action->type)
    {
    case CONFAB_RICH_ACTION_LINK:
      add_string (builder, "name", action->name);
      add_string (builder, "uri", action->uri);
      break;
    case CONFAB_RICH_ACTION_NAVIGATE:
      add_string (builder, "name", action->name);
      add_double (builder, "lo", action->longitude);
      add_double (builder, "la", action->latitude);
      break;
    case CONFAB_RICH_ACTION_PUBLISH_TEXT:
      add_string (builder, "text", action->text);
      break;
    case CONFAB_RICH_ACTION_UNKNOWN:
    default:
      break;
    }
  json_builder_end_object (builder);
}

static void
write_click (JsonBuilder           *builder,
             const ConfabRichClick *click)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < click->actions->len; i++)
    write_action (builder, g_ptr_array_index (click->actions, i));
  json_builder_end_array (builder);
  if (click->metadata != NULL)
    {
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_value (builder, json_node_copy (click->metadata));
    }
  json_builder_end_object (builder);
}

static void
write_element (JsonBuilder             *builder,
               const ConfabRichElement *element)
{
  json_builder_begin_object (builder);
  add_string (builder, "type", element->type == CONFAB_RICH_UNKNOWN
                               ? element->type_name : confab_rich_element_type_to_string (element->type));

  switch (element->type)
    {
    case CONFAB_RICH_TEXT:
      add_string (builder, "text", element->text != NULL ? element->text : "");
      break;
    case CONFAB_RICH_BUTTON:
      add_string (builder, "title", element->title != NULL ? element->title : "");
      break;
    case CONFAB_RICH_IMAGE:
      add_string (builder, "url", element->url);
      add_string (builder, "caption", element->caption);
      break;
    case CONFAB_RICH_MAP:
      add_double (builder, "la", element->latitude);
      add_double (builder, "lo", element->longitude);
      break;
    case CONFAB_RICH_CAROUSEL:
      if (element->padding >= 0)
        {
          json_builder_set_member_name (builder, "padding");
          json_builder_add_int_value (builder, element->padding);
        }
      break;
    case CONFAB_RICH_VERTICAL:
    case CONFAB_RICH_HORIZONTAL:
    case CONFAB_RICH_LIST:
    case CONFAB_RICH_UNKNOWN:
    default:
      break;
    }

  add_string (builder, "tooltip", element->tooltip);
  add_string (builder, "alt", element->alt);
  add_string (builder, "tag", element->tag);
  if (style_is_set (&element->style))
    {
      json_builder_set_member_name (builder, "style");
      write_style (builder, &element->style);
    }
  if (element->click != NULL && _confab_rich_takes_click (element->type))
    {
      json_builder_set_member_name (builder, "click");
      write_click (builder, element->click);
    }
  if (_confab_rich_is_container (element->type) || (element->type == CONFAB_RICH_UNKNOWN && element->elements != NULL))
    {
      json_builder_set_member_name (builder, "elements");
      json_builder_begin_array (builder);
      for (guint i = 0; element->elements != NULL && i < element->elements->len; i++)
        write_element (builder, g_ptr_array_index (element->elements, i));
      json_builder_end_array (builder);
    }
  if (element->metadata != NULL)
    {
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_value (builder, json_node_copy (element->metadata));
    }
  json_builder_end_object (builder);
}

/**
 * confab_rich_element_to_json:
 * @element: an element
 *
 * Writes what the parser reads: the type first, then the element's own members, tooltip,
 * alt, tag, style, click, elements and metadata, each only when set. An UNKNOWN element is
 * written with the type name it arrived with and its fallback as alt.
 *
 * Returns: (transfer full): the element object
 */
JsonNode *
confab_rich_element_to_json (const ConfabRichElement *element)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (element != NULL, NULL);

  write_element (builder, element);
  return json_builder_get_root (builder);
}

/**
 * confab_rich_content_to_json:
 * @content: a content
 *
 * Returns: (transfer full): the template object, for the `content` member of a
 *   RichContentEvent
 */
JsonNode *
confab_rich_content_to_json (const ConfabRichContent *content)
{
  g_return_val_if_fail (content != NULL, NULL);

  return confab_rich_element_to_json (content->root);
}

/**
 * confab_quick_replies_to_json:
 * @quick_replies: quick replies
 *
 * Returns: (transfer full): `{"type":"quickReplies","itemsPerRow":n,"replies":[…]}`,
 *   itemsPerRow only when set
 */
JsonNode *
confab_quick_replies_to_json (const ConfabQuickReplies *quick_replies)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (quick_replies != NULL, NULL);

  json_builder_begin_object (builder);
  add_string (builder, "type", "quickReplies");
  if (quick_replies->items_per_row > 0)
    {
      json_builder_set_member_name (builder, "itemsPerRow");
      json_builder_add_int_value (builder, quick_replies->items_per_row);
    }
  json_builder_set_member_name (builder, "replies");
  json_builder_begin_array (builder);
  for (guint i = 0; i < quick_replies->replies->len; i++)
    write_element (builder, g_ptr_array_index (quick_replies->replies, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
