/* confab-rich.c: structured content (rich messages) and quick replies
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-rich.h"
#include "confab-protocol-private.h"

/* Longest type name kept from a peer: enough for any real one */
#define TYPE_NAME_MAX_CHARS 64
/* Longest colour kept; "rgba(255, 255, 255, 0.5)" is 24 */
#define COLOR_MAX_CHARS 64
#define BORDER_RADIUS_MAX 1000

typedef struct {
  ConfabRichIssues issues;
  guint n_elements;
} ParseContext;

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

static gboolean
is_container (ConfabRichElementType type)
{
  return type == CONFAB_RICH_VERTICAL || type == CONFAB_RICH_HORIZONTAL ||
         type == CONFAB_RICH_CAROUSEL || type == CONFAB_RICH_LIST;
}

static gboolean
takes_click (ConfabRichElementType type)
{
  return type == CONFAB_RICH_BUTTON || type == CONFAB_RICH_IMAGE || type == CONFAB_RICH_MAP;
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

static ConfabRichElement *
element_alloc (ConfabRichElementType type)
{
  ConfabRichElement *element = g_new0 (ConfabRichElement, 1);

  element->type = type;
  element->type_name = g_strdup (confab_rich_element_type_to_string (type));
  element->style.border_radius = -1;
  element->padding = -1;
  if (is_container (type))
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

static ConfabRichUrlStatus check_url (const char *raw, gboolean link, char **out);

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
  element->url_status = check_url (url, FALSE, &element->url);
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
  action->uri_status = check_url (uri, TRUE, &action->uri);
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

/* ------------------------------------------------------------------------------------------ */
/* Checks                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* A copy of str cut to max_chars characters; TRUNCATED when it was cut. */
static char *
limit_string (char         *str,
              guint         max_chars,
              ParseContext *ctx)
{
  char *cut;

  /* a string of at most max_chars bytes has at most max_chars characters */
  if (str == NULL || strlen (str) <= max_chars || g_utf8_strlen (str, -1) <= (glong) max_chars)
    return str;

  cut = g_utf8_substring (str, 0, max_chars);
  g_free (str);
  ctx->issues |= CONFAB_RICH_ISSUE_TRUNCATED;
  return cut;
}

static char *
dup_limited (JsonObject   *object,
             const char   *name,
             guint         max_chars,
             ParseContext *ctx)
{
  return limit_string (confab_json_dup_string (object, name), max_chars, ctx);
}

/* A finite number, from a JSON number or a decimal string. */
static gboolean
lookup_double (JsonObject *object,
               const char *name,
               double     *value)
{
  JsonNode *node = confab_json_get_node (object, name);
  GType type;
  double d;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    d = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    d = json_node_get_double (node);
  else if (type == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);
      char *end = NULL;

      if (str == NULL || *str == '\0')
        return FALSE;
      d = g_ascii_strtod (str, &end);
      if (end == NULL || *end != '\0')
        return FALSE;
    }
  else
    return FALSE;

  if (!isfinite (d))
    return FALSE;
  *value = d;
  return TRUE;
}

static gboolean
lookup_position (JsonObject *object,
                 double     *latitude,
                 double     *longitude)
{
  return lookup_double (object, "la", latitude) && lookup_double (object, "lo", longitude) &&
         *latitude >= -90.0 && *latitude <= 90.0 && *longitude >= -180.0 && *longitude <= 180.0;
}

/* Sorts a URL: INVALID (out NULL) when it is too long, holds spaces or control characters
 * or is not an absolute URI; REFUSED when its scheme is not allowed (images: https only;
 * links: https, http, mailto, tel); else OK. Characters outside ASCII are percent-encoded,
 * and the limit applies to the result, so that writing the URL again gives the same. */
static ConfabRichUrlStatus
check_url (const char *raw,
           gboolean    link,
           char      **out)
{
  static const char *const link_schemes[] = { "https", "http", "mailto", "tel" };
  g_autoptr(GString) url = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  guint max = link ? CONFAB_RICH_LINK_URI_MAX_CHARS : CONFAB_RICH_URL_MAX_CHARS;

  *out = NULL;
  if (raw == NULL || *raw == '\0' || strlen (raw) > (gsize) max * 4)
    return CONFAB_RICH_URL_INVALID;

  url = g_string_sized_new (strlen (raw));
  for (const guchar *p = (const guchar *) raw; *p != '\0'; p++)
    {
      if (*p <= 0x20 || *p == 0x7f)
        return CONFAB_RICH_URL_INVALID;
      if (*p >= 0x80)
        g_string_append_printf (url, "%%%02X", (guint) *p);
      else
        g_string_append_c (url, (char) *p);
    }
  if (url->len > max)
    return CONFAB_RICH_URL_INVALID;

  uri = g_uri_parse (url->str, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return CONFAB_RICH_URL_INVALID;
  scheme = g_uri_get_scheme (uri);

  *out = g_string_free (g_steal_pointer (&url), FALSE);

  if (!link)
    {
      const char *host = g_uri_get_host (uri);

      if (g_ascii_strcasecmp (scheme, "https") == 0 && host != NULL && *host != '\0')
        return CONFAB_RICH_URL_OK;
      return CONFAB_RICH_URL_REFUSED;
    }

  for (guint i = 0; i < G_N_ELEMENTS (link_schemes); i++)
    if (g_ascii_strcasecmp (scheme, link_schemes[i]) == 0)
      return CONFAB_RICH_URL_OK;
  return CONFAB_RICH_URL_REFUSED;
}

static gboolean
is_hex_color (const char *str)
{
  gsize len = strlen (str);

  if (str[0] != '#' || (len != 4 && len != 5 && len != 7 && len != 9))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (str[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_function_color (const char *str)
{
  const char *p;

  if (g_str_has_prefix (str, "rgba("))
    p = str + 5;
  else if (g_str_has_prefix (str, "rgb("))
    p = str + 4;
  else
    return FALSE;

  for (; *p != '\0' && *p != ')'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.' && *p != ',' && *p != ' ' && *p != '%')
      return FALSE;
  return p[0] == ')' && p[1] == '\0';
}

static gboolean
is_named_color (const char *str)
{
  if (*str == '\0')
    return FALSE;
  for (const char *p = str; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;
  return TRUE;
}

/* A colour that can go into CSS as is, or NULL (DROPPED when one was sent). */
static char *
dup_color (JsonObject   *style,
           const char   *name,
           ParseContext *ctx)
{
  const char *str = confab_json_get_string (style, name);

  if (str == NULL)
    return NULL;
  if (strlen (str) <= COLOR_MAX_CHARS && (is_hex_color (str) || is_function_color (str) || is_named_color (str)))
    return g_strdup (str);
  ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
parse_style (ConfabRichStyle *style,
             JsonObject      *object,
             ParseContext    *ctx)
{
  gboolean flag;
  gint64 radius;
  const char *size;

  if (object == NULL)
    return;

  if (confab_json_lookup_boolean (object, "bold", &flag))
    style->bold = flag;
  if (confab_json_lookup_boolean (object, "italic", &flag))
    style->italic = flag;
  style->color = dup_color (object, "color", ctx);
  style->background_color = dup_color (object, "background-color", ctx);
  style->border_color = dup_color (object, "border-color", ctx);

  if (confab_json_lookup_int_lenient (object, "border-radius", &radius))
    {
      if (radius >= 0 && radius <= BORDER_RADIUS_MAX)
        style->border_radius = (int) radius;
      else
        ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
    }

  size = confab_json_get_string (object, "size");
  for (guint i = 1; size != NULL && i < G_N_ELEMENTS (sizes); i++)
    if (g_ascii_strcasecmp (size, sizes[i]) == 0)
      style->size = (ConfabRichSize) i;
}

/* link: web.uri when it is usable, else uri; the better of the two when both are. */
static gboolean
parse_link (ConfabRichAction *action,
            JsonObject       *object)
{
  const char *candidates[] = {
    confab_json_get_string (confab_json_get_object (object, "web"), "uri"),
    confab_json_get_string (object, "uri"),
  };
  char *refused = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      char *url = NULL;
      ConfabRichUrlStatus status = check_url (candidates[i], TRUE, &url);

      if (status == CONFAB_RICH_URL_OK)
        {
          g_free (refused);
          action->uri = url;
          action->uri_status = CONFAB_RICH_URL_OK;
          return TRUE;
        }
      if (status == CONFAB_RICH_URL_REFUSED && refused == NULL)
        refused = url;
      else
        g_free (url);
    }

  if (refused == NULL)
    return FALSE;
  action->uri = refused;
  action->uri_status = CONFAB_RICH_URL_REFUSED;
  return TRUE;
}

/* NULL when the action is dropped */
static ConfabRichAction *
parse_action (JsonNode     *node,
              ParseContext *ctx)
{
  g_autoptr(ConfabRichAction) action = NULL;
  JsonObject *object;
  gboolean usable = TRUE;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
      return NULL;
    }
  object = json_node_get_object (node);

  action = g_new0 (ConfabRichAction, 1);
  action->type_name = dup_limited (object, "type", TYPE_NAME_MAX_CHARS, ctx);
  action->type = confab_rich_action_type_from_string (action->type_name);

  switch (action->type)
    {
    case CONFAB_RICH_ACTION_LINK:
      usable = parse_link (action, object);
      if (usable && action->uri_status == CONFAB_RICH_URL_REFUSED)
        ctx->issues |= CONFAB_RICH_ISSUE_REFUSED;
      action->name = dup_limited (object, "name", CONFAB_RICH_NAME_MAX_CHARS, ctx);
      break;
    case CONFAB_RICH_ACTION_NAVIGATE:
      usable = lookup_position (object, &action->latitude, &action->longitude);
      action->name = dup_limited (object, "name", CONFAB_RICH_NAME_MAX_CHARS, ctx);
      break;
    case CONFAB_RICH_ACTION_PUBLISH_TEXT:
      action->text = dup_limited (object, "text", CONFAB_RICH_PUBLISH_TEXT_MAX_CHARS, ctx);
      usable = action->text != NULL && *action->text != '\0';
      break;
    case CONFAB_RICH_ACTION_UNKNOWN:
    default:
      ctx->issues |= CONFAB_RICH_ISSUE_UNKNOWN;
      break;
    }

  if (!usable)
    {
      ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
      return NULL;
    }
  return g_steal_pointer (&action);
}

static ConfabRichClick *
parse_click (JsonObject   *object,
             ParseContext *ctx)
{
  ConfabRichClick *click = confab_rich_click_new ();
  ConfabJsonList list;
  guint len = confab_json_list_init (&list, object, "actions");

  if (len > CONFAB_RICH_MAX_ACTIONS)
    {
      ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
      len = CONFAB_RICH_MAX_ACTIONS;
    }
  for (guint i = 0; i < len; i++)
    {
      ConfabRichAction *action = parse_action (confab_json_list_get (&list, i), ctx);

      if (action != NULL)
        g_ptr_array_add (click->actions, action);
    }

  click->metadata = _confab_json_dup_array (object, "metadata");
  return click;
}

/* The readable fallback of an element that cannot be shown as its type. */
static char *
fallback_text (JsonObject   *object,
               ParseContext *ctx)
{
  static const char *const members[] = { "alt", "text", "title", "caption", "tooltip" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *str = confab_json_get_string (object, members[i]);

      if (str != NULL && *str != '\0')
        return dup_limited (object, members[i], CONFAB_RICH_ALT_MAX_CHARS, ctx);
    }
  return NULL;
}

static ConfabRichElement *parse_element (JsonObject *object, guint depth, ParseContext *ctx);

/* Reads the elements (an array, or a bare element) into element->elements. Recursion is bounded: only containers
 * up to CONFAB_RICH_MAX_DEPTH read their children. */
static void
parse_children (ConfabRichElement    *element,
                const ConfabJsonList *list,
                guint                 depth,
                ParseContext         *ctx)
{
  guint cards = 0;

  if (element->elements == NULL)
    element->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_rich_element_free);

  for (guint i = 0; i < list->length; i++)
    {
      JsonNode *node = confab_json_list_get (list, i);
      JsonObject *child;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
          continue;
        }
      child = json_node_get_object (node);

      if (element->type == CONFAB_RICH_CAROUSEL)
        {
          if (g_strcmp0 (confab_json_get_string (child, "type"), "vertical") != 0 ||
              cards >= CONFAB_RICH_CAROUSEL_MAX_CARDS)
            {
              ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
              continue;
            }
          cards++;
        }

      if (ctx->n_elements >= CONFAB_RICH_MAX_ELEMENTS)
        {
          ctx->issues |= CONFAB_RICH_ISSUE_TOO_LARGE | CONFAB_RICH_ISSUE_DROPPED;
          return;
        }
      g_ptr_array_add (element->elements, parse_element (child, depth + 1, ctx));
    }
}

/* Turns element into an UNKNOWN that keeps its type name, tag, tooltip and metadata. */
static void
degrade (ConfabRichElement *element,
         JsonObject        *object,
         ParseContext      *ctx)
{
  element->type = CONFAB_RICH_UNKNOWN;
  g_clear_pointer (&element->alt, g_free);
  element->alt = fallback_text (object, ctx);
  g_clear_pointer (&element->text, g_free);
  g_clear_pointer (&element->title, g_free);
  g_clear_pointer (&element->url, g_free);
  element->url_status = CONFAB_RICH_URL_OK;
  g_clear_pointer (&element->caption, g_free);
  element->latitude = element->longitude = 0.0;
  g_clear_pointer (&element->click, confab_rich_click_free);
  g_clear_pointer (&element->elements, g_ptr_array_unref);
  element->padding = -1;
  ctx->issues |= CONFAB_RICH_ISSUE_UNKNOWN;
}

static ConfabRichElement *
parse_element (JsonObject   *object,
               guint         depth,
               ParseContext *ctx)
{
  g_autoptr(ConfabRichElement) element = g_new0 (ConfabRichElement, 1);
  ConfabJsonList list;
  gboolean children = confab_json_list_init (&list, object, "elements") > 0 ||
                      confab_json_get_array (object, "elements") != NULL;
  JsonNode *metadata;
  gboolean usable = TRUE;
  gint64 padding;

  ctx->n_elements++;

  element->type_name = dup_limited (object, "type", TYPE_NAME_MAX_CHARS, ctx);
  element->type = confab_rich_element_type_from_string (element->type_name);
  element->alt = dup_limited (object, "alt", CONFAB_RICH_ALT_MAX_CHARS, ctx);
  element->tag = dup_limited (object, "tag", CONFAB_RICH_TAG_MAX_CHARS, ctx);
  element->tooltip = dup_limited (object, "tooltip", CONFAB_RICH_TOOLTIP_MAX_CHARS, ctx);
  element->style.border_radius = -1;
  element->padding = -1;
  parse_style (&element->style, confab_json_get_object (object, "style"), ctx);

  metadata = confab_json_get_node (object, "metadata");
  if (metadata != NULL && (JSON_NODE_HOLDS_OBJECT (metadata) || JSON_NODE_HOLDS_ARRAY (metadata)))
    element->metadata = json_node_copy (metadata);

  switch (element->type)
    {
    case CONFAB_RICH_TEXT:
      element->text = dup_limited (object, "text", CONFAB_RICH_TEXT_MAX_CHARS, ctx);
      usable = element->text != NULL;
      break;
    case CONFAB_RICH_BUTTON:
      element->title = dup_limited (object, "title", CONFAB_RICH_TITLE_MAX_CHARS, ctx);
      usable = element->title != NULL;
      break;
    case CONFAB_RICH_IMAGE:
      element->url_status = check_url (confab_json_get_string (object, "url"), FALSE, &element->url);
      if (element->url_status == CONFAB_RICH_URL_REFUSED)
        ctx->issues |= CONFAB_RICH_ISSUE_REFUSED;
      else if (element->url_status == CONFAB_RICH_URL_INVALID)
        ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
      element->caption = dup_limited (object, "caption", CONFAB_RICH_CAPTION_MAX_CHARS, ctx);
      break;
    case CONFAB_RICH_MAP:
      usable = lookup_position (object, &element->latitude, &element->longitude);
      break;
    case CONFAB_RICH_CAROUSEL:
      if (confab_json_lookup_int_lenient (object, "padding", &padding))
        {
          if (padding >= 0 && padding <= CONFAB_RICH_CAROUSEL_MAX_PADDING)
            element->padding = (int) padding;
          else
            ctx->issues |= CONFAB_RICH_ISSUE_DROPPED;
        }
      G_GNUC_FALLTHROUGH;
    case CONFAB_RICH_VERTICAL:
    case CONFAB_RICH_HORIZONTAL:
    case CONFAB_RICH_LIST:
      if (!children)
        usable = FALSE;
      else if (depth > CONFAB_RICH_MAX_DEPTH)
        {
          ctx->issues |= CONFAB_RICH_ISSUE_TOO_LARGE;
          usable = FALSE;
        }
      else
        {
          parse_children (element, &list, depth, ctx);
          /* a carousel without a single card has nothing to show */
          usable = element->type != CONFAB_RICH_CAROUSEL || element->elements->len > 0;
        }
      break;
    case CONFAB_RICH_UNKNOWN:
    default:
      usable = FALSE;
      break;
    }

  if (usable && takes_click (element->type))
    {
      JsonObject *click = confab_json_get_object (object, "click");

      if (click != NULL)
        element->click = parse_click (click, ctx);
    }

  if (!usable)
    {
      degrade (element, object, ctx);
      /* an unknown container's children are still worth reading */
      if (children && depth <= CONFAB_RICH_MAX_DEPTH &&
          confab_rich_element_type_from_string (element->type_name) == CONFAB_RICH_UNKNOWN)
        parse_children (element, &list, depth, ctx);
      else if (children && depth > CONFAB_RICH_MAX_DEPTH)
        ctx->issues |= CONFAB_RICH_ISSUE_TOO_LARGE;
    }

  return g_steal_pointer (&element);
}

/**
 * confab_rich_content_parse:
 * @payload: (nullable): the `content` (or `message`) member of a RichContentEvent: the
 *   template object, or a JSON string holding it
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * Reads a structured-content template under the rules at the top of confab-rich.h. Only a
 * payload that is missing, not an object, or a string that is not a JSON object (or is over
 * %CONFAB_RICH_PAYLOAD_MAX_SIZE bytes or %CONFAB_RICH_PAYLOAD_MAX_DEPTH levels) is an
 * error; anything else gives a content, in the worst case an UNKNOWN root.
 *
 * Returns: (transfer full) (nullable): the content
 */
ConfabRichContent *
confab_rich_content_parse (JsonNode *payload,
                           GError  **error)
{
  g_autoptr(JsonNode) parsed = NULL;
  ParseContext ctx = { 0 };
  ConfabRichElement *root;
  ConfabRichContent *content;

  if (payload != NULL && JSON_NODE_HOLDS_VALUE (payload) && json_node_get_value_type (payload) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (payload);

      parsed = confab_json_parse_full (text, strlen (text), CONFAB_RICH_PAYLOAD_MAX_SIZE,
                                       CONFAB_RICH_PAYLOAD_MAX_DEPTH, error);
      if (parsed == NULL)
        {
          g_prefix_error (error, _("Invalid rich content: "));
          return NULL;
        }
      payload = parsed;
    }

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Invalid rich content: not a JSON object"));
      return NULL;
    }

  root = parse_element (json_node_get_object (payload), 1, &ctx);
  content = confab_rich_content_new (root);
  content->issues = ctx.issues;
  return content;
}

/**
 * confab_quick_replies_parse:
 * @node: (nullable): the `quickReplies` member of an event
 *
 * The object's type must be "quickReplies". itemsPerRow over 8 is read as 8, and 0, a
 * negative or a missing value as 0 (not given). Only the first 24 replies are read; each
 * must be a button with a title and a click, others are left out.
 *
 * Returns: (transfer full) (nullable): the quick replies, or %NULL when there are none
 */
ConfabQuickReplies *
confab_quick_replies_parse (JsonNode *node)
{
  g_autoptr(ConfabQuickReplies) quick_replies = NULL;
  ParseContext ctx = { 0 };
  JsonObject *object;
  ConfabJsonList list;
  gint64 per_row;
  guint len;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (g_strcmp0 (confab_json_get_string (object, "type"), "quickReplies") != 0)
    return NULL;

  quick_replies = confab_quick_replies_new (0);
  if (confab_json_lookup_int_lenient (object, "itemsPerRow", &per_row) && per_row > 0)
    quick_replies->items_per_row = (int) MIN (per_row, CONFAB_QUICK_REPLIES_MAX_PER_ROW);

  len = confab_json_list_init (&list, object, "replies");
  if (len > CONFAB_QUICK_REPLIES_MAX)
    {
      ctx.issues |= CONFAB_RICH_ISSUE_DROPPED;
      len = CONFAB_QUICK_REPLIES_MAX;
    }
  for (guint i = 0; i < len; i++)
    {
      JsonNode *reply = confab_json_list_get (&list, i);
      ConfabRichElement *chip;

      if (!JSON_NODE_HOLDS_OBJECT (reply))
        {
          ctx.issues |= CONFAB_RICH_ISSUE_DROPPED;
          continue;
        }
      chip = parse_element (json_node_get_object (reply), 1, &ctx);
      if (chip->type != CONFAB_RICH_BUTTON || chip->click == NULL)
        {
          confab_rich_element_free (chip);
          ctx.issues |= CONFAB_RICH_ISSUE_DROPPED;
          continue;
        }
      g_ptr_array_add (quick_replies->replies, chip);
    }

  if (quick_replies->replies->len == 0)
    return NULL;
  quick_replies->issues = ctx.issues;
  return g_steal_pointer (&quick_replies);
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
  if (style->size > CONFAB_RICH_SIZE_UNSET && (guint) style->size < G_N_ELEMENTS (sizes))
    add_string (builder, "size", sizes[style->size]);
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
  if (element->click != NULL && takes_click (element->type))
    {
      json_builder_set_member_name (builder, "click");
      write_click (builder, element->click);
    }
  if (is_container (element->type) || (element->type == CONFAB_RICH_UNKNOWN && element->elements != NULL))
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

  if (takes_click (a->type) && !click_equal (a->click, b->click))
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
