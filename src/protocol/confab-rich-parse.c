/* confab-rich-parse.c: structured content and quick replies read from a peer, checked
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of confab-rich.h (see confab-rich-private.h).
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-rich-private.h"
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
ConfabRichUrlStatus
_confab_rich_check_url (const char  *raw,
                        gboolean     link,
                        char       **out)
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
  ConfabRichSize size;

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

  size = _confab_rich_size_from_string (confab_json_get_string (object, "size"));
  if (size != CONFAB_RICH_SIZE_UNSET)
    style->size = size;
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
      ConfabRichUrlStatus status = _confab_rich_check_url (candidates[i], TRUE, &url);

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

/* What every element has, whatever its type. */
static void
parse_common_members (ConfabRichElement *element,
                      JsonObject        *object,
                      ParseContext      *ctx)
{
  JsonNode *metadata;

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
}

/* The members of the element's type; FALSE when it cannot be shown as that type. Containers
 * read their children (list, from "elements"; children: there was such a member). */
static gboolean
parse_type_members (ConfabRichElement    *element,
                    JsonObject           *object,
                    const ConfabJsonList *list,
                    gboolean              children,
                    guint                 depth,
                    ParseContext         *ctx)
{
  gboolean usable = TRUE;
  gint64 padding;

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
      element->url_status = _confab_rich_check_url (confab_json_get_string (object, "url"), FALSE, &element->url);
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
          parse_children (element, list, depth, ctx);
          /* a carousel without a single card has nothing to show */
          usable = element->type != CONFAB_RICH_CAROUSEL || element->elements->len > 0;
        }
      break;
    case CONFAB_RICH_UNKNOWN:
    default:
      usable = FALSE;
      break;
    }

  return usable;
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
  gboolean usable;

  ctx->n_elements++;

  parse_common_members (element, object, ctx);
  usable = parse_type_members (element, object, &list, children, depth, ctx);

  if (usable && _confab_rich_takes_click (element->type))
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
