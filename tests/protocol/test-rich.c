/* test-rich.c: structured content and quick replies
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

/* JSON written with single quotes, for legibility: every ' becomes ". */
static JsonNode *
json (const char *text)
{
  g_autofree char *doubled = g_strdup (text);
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_strdelimit (doubled, "'", '"');
  node = confab_json_parse (doubled, strlen (doubled), &error);
  g_assert_no_error (error);
  return node;
}

static ConfabRichContent *
parse_rich_ok (const char *text)
{
  g_autoptr(JsonNode) node = json (text);
  g_autoptr(GError) error = NULL;
  ConfabRichContent *content = confab_rich_content_parse (node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (content);
  g_assert_nonnull (content->root);
  return content;
}

static char *
to_text (JsonNode *node)
{
  char *text = confab_json_to_string (node);

  json_node_unref (node);
  return text;
}

static ConfabRichElement *
child (const ConfabRichElement *element,
       guint                    index)
{
  g_assert_nonnull (element->elements);
  g_assert_cmpuint (index, <, element->elements->len);
  return g_ptr_array_index (element->elements, index);
}

static ConfabRichAction *
action (const ConfabRichElement *element,
        guint                    index)
{
  g_assert_nonnull (element->click);
  g_assert_cmpuint (index, <, element->click->actions->len);
  return g_ptr_array_index (element->click->actions, index);
}

/* Encoded, written, read again: the same tree; and encoding that gives the same text. */
static void
assert_round_trip (const ConfabRichContent *content)
{
  g_autofree char *text = to_text (confab_rich_content_to_json (content));
  g_autoptr(JsonNode) node = confab_json_parse (text, strlen (text), NULL);
  g_autoptr(ConfabRichContent) again = confab_rich_content_parse (node, NULL);
  g_autofree char *text_again = NULL;

  g_assert_nonnull (again);
  g_assert_true (confab_rich_content_equal (content, again));
  text_again = to_text (confab_rich_content_to_json (again));
  g_assert_cmpstr (text, ==, text_again);
}

static void
test_documented (void)
{
  /* the structured-content page's card, as a notification carries it */
  g_autoptr(ConfabRichContent) content = parse_rich_ok (
    "{'type':'vertical','elements':["
    " {'type':'image','url':'https://cdn.example.com/p.jpg','tooltip':'img',"
    "  'click':{'actions':[{'type':'navigate','name':'Store','lo':-73.99,'la':40.75}]}},"
    " {'type':'text','text':'Product Name','style':{'bold':true,'size':'large'}},"
    " {'type':'button','title':'Buy','tooltip':'Buy','click':{"
    "  'metadata':[{'type':'ExternalId','id':'buy-1'}],"
    "  'actions':[{'type':'publishText','text':'Buy'}]}}]}");
  ConfabRichElement *root = content->root;
  ConfabRichElement *image, *text, *button;
  ConfabRichAction *navigate, *publish;
  g_autofree char *metadata = NULL;
  g_autofree char *rendered = NULL;

  g_assert_cmpint (content->issues, ==, CONFAB_RICH_ISSUE_NONE);
  g_assert_cmpuint (content->n_elements, ==, 4);
  g_assert_cmpint (root->type, ==, CONFAB_RICH_VERTICAL);
  g_assert_cmpstr (root->type_name, ==, "vertical");
  g_assert_cmpuint (root->elements->len, ==, 3);

  image = child (root, 0);
  g_assert_cmpint (image->type, ==, CONFAB_RICH_IMAGE);
  g_assert_cmpstr (image->url, ==, "https://cdn.example.com/p.jpg");
  g_assert_cmpint (image->url_status, ==, CONFAB_RICH_URL_OK);
  g_assert_cmpstr (image->tooltip, ==, "img");
  g_assert_null (image->caption);
  g_assert_null (image->click->metadata);
  g_assert_cmpuint (image->click->actions->len, ==, 1);
  navigate = action (image, 0);
  g_assert_cmpint (navigate->type, ==, CONFAB_RICH_ACTION_NAVIGATE);
  g_assert_cmpfloat (navigate->latitude, ==, 40.75);
  g_assert_cmpfloat (navigate->longitude, ==, -73.99);
  g_assert_cmpstr (navigate->name, ==, "Store");

  text = child (root, 1);
  g_assert_cmpint (text->type, ==, CONFAB_RICH_TEXT);
  g_assert_cmpstr (text->text, ==, "Product Name");
  g_assert_true (text->style.bold);
  g_assert_false (text->style.italic);
  g_assert_cmpint (text->style.size, ==, CONFAB_RICH_SIZE_LARGE);
  g_assert_cmpint (text->style.border_radius, ==, -1);
  g_assert_null (text->click);

  button = child (root, 2);
  g_assert_cmpint (button->type, ==, CONFAB_RICH_BUTTON);
  g_assert_cmpstr (button->title, ==, "Buy");
  g_assert_cmpstr (button->tooltip, ==, "Buy");
  publish = action (button, 0);
  g_assert_cmpint (publish->type, ==, CONFAB_RICH_ACTION_PUBLISH_TEXT);
  g_assert_cmpstr (publish->text, ==, "Buy");
  metadata = confab_json_to_string (button->click->metadata);
  g_assert_cmpstr (metadata, ==, "[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]");

  rendered = confab_rich_content_dup_text (content);
  g_assert_cmpstr (rendered, ==, "Image: img\nProduct Name\nButton: Buy");

  assert_round_trip (content);
}

/* The History API sends the template as a JSON string; it reads the same. */
static void
test_string_payload (void)
{
  const char *object = "{\"type\":\"vertical\",\"elements\":[{\"type\":\"button\",\"title\":\"Track my order\","
                       "\"click\":{\"actions\":[{\"type\":\"link\",\"uri\":\"https://example.com/t?a=1&b=2\"}]}}]}";
  g_autoptr(JsonNode) as_object = confab_json_parse (object, strlen (object), NULL);
  g_autoptr(JsonNode) as_string = json_node_init_string (json_node_alloc (), object);
  g_autoptr(ConfabRichContent) from_object = confab_rich_content_parse (as_object, NULL);
  g_autoptr(ConfabRichContent) from_string = confab_rich_content_parse (as_string, NULL);
  g_autofree char *text = NULL;

  g_assert_nonnull (from_object);
  g_assert_nonnull (from_string);
  g_assert_true (confab_rich_content_equal (from_object, from_string));
  g_assert_cmpstr (action (child (from_string->root, 0), 0)->uri, ==, "https://example.com/t?a=1&b=2");
  g_assert_cmpint (action (child (from_string->root, 0), 0)->uri_status, ==, CONFAB_RICH_URL_OK);

  text = confab_rich_content_dup_text (from_string);
  g_assert_cmpstr (text, ==, "Button: Track my order");
}

static void
test_payload_errors (void)
{
  g_autofree char *huge = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);
  const char *strings[] = {
    "not JSON", "", "[1,2]", "\"a string\"", "42", "{\"type\":'single quotes'}", "{} {}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), strings[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabRichContent) content = confab_rich_content_parse (node, &error);

      g_assert_null (content);
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      g_assert_true (g_str_has_prefix (error->message, "Invalid rich content: "));
    }

  /* not objects, and nothing at all */
  {
    const char *nodes[] = { "[]", "1", "true", "null" };

    for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
      {
        g_autoptr(JsonNode) node = json (nodes[i]);
        g_autoptr(GError) error = NULL;

        g_assert_null (confab_rich_content_parse (node, &error));
        g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
      }
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (confab_rich_content_parse (NULL, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
    }
  }

  /* a string over the payload limit, and one nested deeper than its depth limit */
  huge = g_strdup_printf ("{\"type\":\"text\",\"text\":\"%*s\"}", CONFAB_RICH_PAYLOAD_MAX_SIZE, "");
  for (guint i = 0; i < CONFAB_RICH_PAYLOAD_MAX_DEPTH + 1; i++)
    g_string_append (deep, "[");
  for (guint i = 0; i < CONFAB_RICH_PAYLOAD_MAX_DEPTH + 1; i++)
    g_string_append (deep, "]");
  {
    const char *too_large[] = { huge, deep->str };

    for (guint i = 0; i < G_N_ELEMENTS (too_large); i++)
      {
        g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), too_large[i]);
        g_autoptr(GError) error = NULL;

        g_assert_null (confab_rich_content_parse (node, &error));
        g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_TOO_LARGE);
      }
  }
}

static void
test_string_limits (void)
{
  struct {
    const char *template;   /* @ is the long string */
    guint limit;
  } cases[] = {
    { "{'type':'text','text':'@'}", CONFAB_RICH_TEXT_MAX_CHARS },
    { "{'type':'button','title':'@','click':{'actions':[]}}", CONFAB_RICH_TITLE_MAX_CHARS },
    { "{'type':'text','text':'t','tooltip':'@'}", CONFAB_RICH_TOOLTIP_MAX_CHARS },
    { "{'type':'image','url':'https://a.example/i.png','caption':'@'}", CONFAB_RICH_CAPTION_MAX_CHARS },
    { "{'type':'vertical','elements':[],'alt':'@'}", CONFAB_RICH_ALT_MAX_CHARS },
    { "{'type':'vertical','elements':[],'tag':'@'}", CONFAB_RICH_TAG_MAX_CHARS },
    { "{'type':'button','title':'b','click':{'actions':[{'type':'publishText','text':'@'}]}}", CONFAB_RICH_PUBLISH_TEXT_MAX_CHARS },
    { "{'type':'button','title':'b','click':{'actions':[{'type':'navigate','la':1,'lo':2,'name':'@'}]}}", CONFAB_RICH_NAME_MAX_CHARS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint extra = 0; extra < 2; extra++)
      {
        /* "é😀" repeated: cuts must land between characters, never inside one */
        g_autoptr(GString) value = g_string_new (NULL);
        g_autofree char *text = NULL;
        g_autoptr(ConfabRichContent) content = NULL;
        const ConfabRichElement *root;
        const char *kept;

        for (guint n = 0; n < cases[i].limit + extra; n++)
          g_string_append (value, n % 2 ? "\xf0\x9f\x98\x80" : "\xc3\xa9");
        {
          g_auto(GStrv) parts = g_strsplit (cases[i].template, "@", -1);

          text = g_strjoinv (value->str, parts);
        }
        content = parse_rich_ok (text);
        root = content->root;

        switch (i)
          {
          case 0: kept = root->text; break;
          case 1: kept = root->title; break;
          case 2: kept = root->tooltip; break;
          case 3: kept = root->caption; break;
          case 4: kept = root->alt; break;
          case 5: kept = root->tag; break;
          case 6: kept = action (root, 0)->text; break;
          default: kept = action (root, 0)->name; break;
          }

        g_assert_nonnull (kept);
        g_assert_true (g_utf8_validate (kept, -1, NULL));
        g_assert_cmpint (g_utf8_strlen (kept, -1), ==, cases[i].limit);
        g_assert_true (g_str_has_prefix (value->str, kept));
        if (extra)
          g_assert_cmpint (content->issues, ==, CONFAB_RICH_ISSUE_TRUNCATED);
        else
          g_assert_cmpint (content->issues, ==, CONFAB_RICH_ISSUE_NONE);
      }
}

static void
test_image_urls (void)
{
  g_autofree char *x_run = g_strnfill (CONFAB_RICH_URL_MAX_CHARS, 'x');
  g_autofree char *long_url = g_strconcat ("https://a.example/", x_run, NULL);
  g_autofree char *max_url = g_strndup (long_url, CONFAB_RICH_URL_MAX_CHARS);
  const struct {
    const char *url;
    ConfabRichUrlStatus status;
    const char *kept;
    ConfabRichIssues issues;
  } cases[] = {
    { "https://cdn.example.com/p.jpg", CONFAB_RICH_URL_OK, "https://cdn.example.com/p.jpg", 0 },
    { "HTTPS://cdn.example.com/p.jpg", CONFAB_RICH_URL_OK, "HTTPS://cdn.example.com/p.jpg", 0 },
    { max_url, CONFAB_RICH_URL_OK, max_url, 0 },
    /* not https: kept, never loaded */
    { "http://cdn.example.com/p.jpg", CONFAB_RICH_URL_REFUSED, "http://cdn.example.com/p.jpg", CONFAB_RICH_ISSUE_REFUSED },
    { "file:///etc/passwd", CONFAB_RICH_URL_REFUSED, "file:///etc/passwd", CONFAB_RICH_ISSUE_REFUSED },
    { "javascript:alert(1)", CONFAB_RICH_URL_REFUSED, "javascript:alert(1)", CONFAB_RICH_ISSUE_REFUSED },
    { "data:image/png;base64,AAAA", CONFAB_RICH_URL_REFUSED, "data:image/png;base64,AAAA", CONFAB_RICH_ISSUE_REFUSED },
    /* outside ASCII: percent-encoded */
    { "https://a.example/caf\xc3\xa9.png", CONFAB_RICH_URL_OK, "https://a.example/caf%C3%A9.png", 0 },
    /* unusable */
    { long_url, CONFAB_RICH_URL_INVALID, NULL, CONFAB_RICH_ISSUE_DROPPED },
    { "https://a.example/a b.png", CONFAB_RICH_URL_INVALID, NULL, CONFAB_RICH_ISSUE_DROPPED },
    { "https://a.example/\n.png", CONFAB_RICH_URL_INVALID, NULL, CONFAB_RICH_ISSUE_DROPPED },
    { "/relative.png", CONFAB_RICH_URL_INVALID, NULL, CONFAB_RICH_ISSUE_DROPPED },
    { "not a url", CONFAB_RICH_URL_INVALID, NULL, CONFAB_RICH_ISSUE_DROPPED },
    { "https://a.example/%zz", CONFAB_RICH_URL_INVALID, NULL, CONFAB_RICH_ISSUE_DROPPED },
    { "", CONFAB_RICH_URL_INVALID, NULL, CONFAB_RICH_ISSUE_DROPPED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(ConfabRichContent) content = NULL;
      g_autofree char *rendered = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "image");
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, cases[i].url);
      json_builder_set_member_name (builder, "caption");
      json_builder_add_string_value (builder, "Our store");
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);

      content = confab_rich_content_parse (node, NULL);
      g_assert_nonnull (content);
      /* an image stays an image whatever its URL, so its caption is still shown */
      g_assert_cmpint (content->root->type, ==, CONFAB_RICH_IMAGE);
      g_assert_cmpint (content->root->url_status, ==, cases[i].status);
      g_assert_cmpstr (content->root->url, ==, cases[i].kept);
      g_assert_cmpint (content->issues, ==, cases[i].issues);
      rendered = confab_rich_content_dup_text (content);
      g_assert_cmpstr (rendered, ==, "Image: Our store");
      assert_round_trip (content);
    }

  /* no url member at all */
  {
    g_autoptr(ConfabRichContent) content = parse_rich_ok ("{'type':'image','alt':'A shop'}");
    g_autofree char *rendered = confab_rich_content_dup_text (content);

    g_assert_cmpint (content->root->type, ==, CONFAB_RICH_IMAGE);
    g_assert_cmpint (content->root->url_status, ==, CONFAB_RICH_URL_INVALID);
    g_assert_null (content->root->url);
    g_assert_cmpstr (rendered, ==, "Image: A shop");
  }
}

static void
test_actions (void)
{
  g_autoptr(ConfabRichContent) content = parse_rich_ok (
    "{'type':'horizontal','elements':["
    /* five actions: the fifth is over the limit */
    " {'type':'button','title':'Many','click':{'actions':["
    "  {'type':'link','uri':'https://example.com/a','name':'A'},"
    "  {'type':'link','uri':'http://example.com/b','web':{'uri':'https://example.com/web'}},"
    "  {'type':'publishText','text':'yes'},"
    "  {'type':'addToCart','productId':'p1'},"
    "  {'type':'publishText','text':'fifth'}]}},"
    /* unusable ones are dropped, a refused link is kept */
    " {'type':'map','la':1.5,'lo':-2,'click':{'metadata':{'type':'ExternalId','id':'m'},'actions':["
    "  {'type':'link','uri':'javascript:alert(1)'},"
    "  {'type':'link','uri':'no uri'},"
    "  {'type':'navigate','la':91,'lo':0},"
    "  {'type':'publishText','text':''}]}},"
    " {'type':'image','url':'https://a.example/i.png','click':{'actions':["
    "  {'type':'navigate','la':'48.85','lo':2.35},"
    "  {'type':'navigate','la':true,'lo':2.35},"
    "  {'type':'link'},"
    "  'not an object']}},"
    /* only buttons, images and maps take a click */
    " {'type':'text','text':'t','click':{'actions':[{'type':'publishText','text':'x'}]}},"
    " {'type':'button','title':'bare','click':{'actions':{'type':'publishText','text':'single'}}}]}");
  ConfabRichElement *many = child (content->root, 0);
  ConfabRichElement *map = child (content->root, 1);
  ConfabRichElement *image = child (content->root, 2);
  g_autofree char *map_metadata = NULL;

  g_assert_cmpuint (many->click->actions->len, ==, 4);
  g_assert_cmpint (action (many, 0)->type, ==, CONFAB_RICH_ACTION_LINK);
  g_assert_cmpstr (action (many, 0)->uri, ==, "https://example.com/a");
  g_assert_cmpstr (action (many, 0)->name, ==, "A");
  g_assert_cmpint (action (many, 0)->uri_status, ==, CONFAB_RICH_URL_OK);
  /* the web address wins on a desktop */
  g_assert_cmpstr (action (many, 1)->uri, ==, "https://example.com/web");
  g_assert_cmpint (action (many, 2)->type, ==, CONFAB_RICH_ACTION_PUBLISH_TEXT);
  g_assert_cmpint (action (many, 3)->type, ==, CONFAB_RICH_ACTION_UNKNOWN);
  g_assert_cmpstr (action (many, 3)->type_name, ==, "addToCart");

  g_assert_cmpint (map->type, ==, CONFAB_RICH_MAP);
  g_assert_cmpfloat (map->latitude, ==, 1.5);
  g_assert_cmpfloat (map->longitude, ==, -2.0);
  g_assert_cmpuint (map->click->actions->len, ==, 1);
  g_assert_cmpint (action (map, 0)->uri_status, ==, CONFAB_RICH_URL_REFUSED);
  g_assert_cmpstr (action (map, 0)->uri, ==, "javascript:alert(1)");
  /* a bare metadata object is the one-element array */
  map_metadata = confab_json_to_string (map->click->metadata);
  g_assert_cmpstr (map_metadata, ==, "[{\"type\":\"ExternalId\",\"id\":\"m\"}]");

  /* a decimal string is a number; a boolean is not */
  g_assert_cmpuint (image->click->actions->len, ==, 1);
  g_assert_cmpfloat (action (image, 0)->latitude, ==, 48.85);
  g_assert_null (action (image, 0)->name);

  g_assert_null (child (content->root, 3)->click);
  g_assert_cmpuint (child (content->root, 4)->click->actions->len, ==, 1);
  g_assert_cmpstr (action (child (content->root, 4), 0)->text, ==, "single");

  g_assert_cmpint (content->issues, ==,
                   CONFAB_RICH_ISSUE_DROPPED | CONFAB_RICH_ISSUE_REFUSED | CONFAB_RICH_ISSUE_UNKNOWN);
  assert_round_trip (content);
}

static void
test_carousel (void)
{
  g_autoptr(GString) cards = g_string_new ("{'type':'carousel','padding':10,'elements':[");
  g_autoptr(ConfabRichContent) content = NULL;
  g_autofree char *rendered = NULL;

  for (guint i = 0; i < 12; i++)
    g_string_append_printf (cards, "%s{'type':'vertical','elements':[{'type':'text','text':'card %u'}]}", i ? "," : "", i);
  g_string_append (cards, ",{'type':'text','text':'not a card'}]}");

  content = parse_rich_ok (cards->str);
  g_assert_cmpint (content->root->type, ==, CONFAB_RICH_CAROUSEL);
  g_assert_cmpint (content->root->padding, ==, 10);
  g_assert_cmpuint (content->root->elements->len, ==, CONFAB_RICH_CAROUSEL_MAX_CARDS);
  g_assert_cmpstr (child (child (content->root, 9), 0)->text, ==, "card 9");
  g_assert_cmpint (content->issues, ==, CONFAB_RICH_ISSUE_DROPPED);
  rendered = confab_rich_content_dup_text (content);
  g_assert_true (g_str_has_prefix (rendered, "card 0\ncard 1\n"));
  g_assert_true (g_str_has_suffix (rendered, "\ncard 9"));
  assert_round_trip (content);

  /* one card is still shown; none is nothing to show */
  {
    g_autoptr(ConfabRichContent) one = parse_rich_ok ("{'type':'carousel','elements':[{'type':'vertical','elements':[]},{'type':'button','title':'x'}]}");
    g_autoptr(ConfabRichContent) none = parse_rich_ok ("{'type':'carousel','alt':'Three offers','padding':11,'elements':[{'type':'text','text':'x'}]}");
    g_autofree char *none_text = confab_rich_content_dup_text (none);

    g_assert_cmpint (one->root->type, ==, CONFAB_RICH_CAROUSEL);
    g_assert_cmpuint (one->root->elements->len, ==, 1);
    g_assert_cmpint (one->root->padding, ==, -1);

    g_assert_cmpint (none->root->type, ==, CONFAB_RICH_UNKNOWN);
    g_assert_cmpstr (none->root->type_name, ==, "carousel");
    g_assert_null (none->root->elements);
    g_assert_cmpstr (none_text, ==, "Three offers");
    g_assert_cmpint (none->issues, ==, CONFAB_RICH_ISSUE_DROPPED | CONFAB_RICH_ISSUE_UNKNOWN);
    assert_round_trip (one);
    assert_round_trip (none);
  }
}

static void
test_unknown_elements (void)
{
  g_autoptr(ConfabRichContent) content = parse_rich_ok (
    "{'type':'vertical','elements':["
    " {'type':'checklist','alt':'Choose your toppings'},"
    " {'type':'submitButton','title':'Send'},"
    " {'type':'sectionList','elements':[{'type':'text','text':'inside'}]},"
    " {'type':'datePicker'},"
    " {'text':'no type at all'},"
    " {'type':'text','title':'text without text'},"
    " {'type':'button','tooltip':'button without title','click':{'actions':[]}},"
    " {'type':'map','la':100,'lo':0,'alt':'Somewhere'},"
    " {'type':'vertical','alt':'no elements array'},"
    " {'type':'horizontal','elements':null},"
    " {'type':'Text','text':'names are exact'}]}");
  const char *expected[] = {
    "Choose your toppings", "Send", NULL, NULL, "no type at all", "text without text",
    "button without title", "Somewhere", "no elements array", NULL, "names are exact",
  };
  g_autofree char *rendered = confab_rich_content_dup_text (content);

  g_assert_cmpint (content->root->type, ==, CONFAB_RICH_VERTICAL);
  g_assert_cmpuint (content->root->elements->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      ConfabRichElement *element = child (content->root, i);

      g_assert_cmpint (element->type, ==, CONFAB_RICH_UNKNOWN);
      g_assert_cmpstr (element->alt, ==, expected[i]);
      g_assert_null (element->click);
    }
  g_assert_null (child (content->root, 4)->type_name);
  g_assert_cmpstr (child (content->root, 7)->type_name, ==, "map");
  /* an unknown container's children are read */
  g_assert_cmpstr (child (child (content->root, 2), 0)->text, ==, "inside");
  g_assert_null (child (content->root, 3)->elements);

  g_assert_cmpstr (rendered, ==,
                   "Choose your toppings\nSend\ninside\nUnsupported content\nno type at all\n"
                   "text without text\nbutton without title\nSomewhere\nno elements array\n"
                   "Unsupported content\nnames are exact");
  g_assert_cmpint (content->issues, ==, CONFAB_RICH_ISSUE_UNKNOWN);
  assert_round_trip (content);
}

static void
test_hostile_deep (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(ConfabRichContent) content = NULL;
  const ConfabRichElement *element;
  guint depth = 0;
  g_autofree char *rendered = NULL;

  /* 30 nested containers, within the frame's JSON depth but far over the element depth */
  for (guint i = 0; i < 30; i++)
    g_string_append_printf (text, "{'type':'vertical','alt':'level %u','elements':[", i + 1);
  g_string_append (text, "{'type':'text','text':'bottom'}");
  for (guint i = 0; i < 30; i++)
    g_string_append (text, "]}");

  content = parse_rich_ok (text->str);
  for (element = content->root; element->type == CONFAB_RICH_VERTICAL; element = child (element, 0))
    depth++;
  g_assert_cmpuint (depth, ==, CONFAB_RICH_MAX_DEPTH);
  /* the first container too deep stands for the rest, by its alt */
  g_assert_cmpint (element->type, ==, CONFAB_RICH_UNKNOWN);
  g_assert_cmpstr (element->alt, ==, "level 9");
  g_assert_null (element->elements);
  g_assert_cmpuint (content->n_elements, ==, CONFAB_RICH_MAX_DEPTH + 1);
  g_assert_true (content->issues & CONFAB_RICH_ISSUE_TOO_LARGE);
  rendered = confab_rich_content_dup_text (content);
  g_assert_cmpstr (rendered, ==, "level 9");
  assert_round_trip (content);
}

static void
test_hostile_many (void)
{
  g_autoptr(GString) text = g_string_new ("{'type':'vertical','elements':[");
  g_autoptr(ConfabRichContent) content = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (text, "%s{'type':'horizontal','elements':[{'type':'text','text':'a'},{'type':'text','text':'b'},"
                                  "{'type':'button','title':'c','click':{'actions':[]}}]}", i ? "," : "");
  g_string_append (text, "]}");

  content = parse_rich_ok (text->str);
  g_assert_cmpuint (content->n_elements, ==, CONFAB_RICH_MAX_ELEMENTS);
  g_assert_cmpint (content->issues, ==, CONFAB_RICH_ISSUE_TOO_LARGE | CONFAB_RICH_ISSUE_DROPPED);
  assert_round_trip (content);
}

static void
test_hostile_types (void)
{
  g_autoptr(ConfabRichContent) content = parse_rich_ok (
    "{'type':7,'alt':['x'],'tag':{},'tooltip':true,'metadata':'m','elements':["
    " 1, 'two', null, [],"
    " {'type':'text','text':42},"
    " {'type':'button','title':'b','click':'click',"
    "  'style':{'bold':'yes','italic':1,'color':'red; background: url(x)','size':'huge','border-radius':-3}},"
    " {'type':'image','url':['https://a.example/i.png']},"
    " {'type':'map','la':'north','lo':null},"
    " {'type':'carousel','padding':'wide','elements':[{'type':'vertical','elements':'none'}]},"
    /* a list of one may come bare */
    " {'type':'horizontal','elements':{'type':'text','text':'bare'}}]}");
  ConfabRichElement *root = content->root;
  ConfabRichElement *button;

  /* the root has no usable type: it degrades, but its children are read */
  g_assert_cmpint (root->type, ==, CONFAB_RICH_UNKNOWN);
  g_assert_null (root->type_name);
  g_assert_null (root->alt);
  g_assert_null (root->tag);
  g_assert_null (root->tooltip);
  g_assert_null (root->metadata);
  g_assert_cmpuint (root->elements->len, ==, 6);

  g_assert_cmpint (child (root, 0)->type, ==, CONFAB_RICH_UNKNOWN);
  button = child (root, 1);
  g_assert_cmpint (button->type, ==, CONFAB_RICH_BUTTON);
  g_assert_null (button->click);
  g_assert_false (button->style.bold);
  g_assert_false (button->style.italic);
  g_assert_null (button->style.color);
  g_assert_cmpint (button->style.size, ==, CONFAB_RICH_SIZE_UNSET);
  g_assert_cmpint (button->style.border_radius, ==, -1);
  g_assert_cmpint (child (root, 2)->url_status, ==, CONFAB_RICH_URL_INVALID);
  g_assert_cmpint (child (root, 3)->type, ==, CONFAB_RICH_UNKNOWN);
  /* elements that are a bare string: a list of one that is not an element */
  g_assert_cmpint (child (root, 4)->type, ==, CONFAB_RICH_CAROUSEL);
  g_assert_cmpint (child (child (root, 4), 0)->type, ==, CONFAB_RICH_VERTICAL);
  g_assert_cmpuint (child (child (root, 4), 0)->elements->len, ==, 0);
  g_assert_cmpint (child (root, 4)->padding, ==, -1);
  g_assert_cmpint (child (root, 5)->type, ==, CONFAB_RICH_HORIZONTAL);
  g_assert_cmpstr (child (child (root, 5), 0)->text, ==, "bare");
  assert_round_trip (content);
}

static void
test_style (void)
{
  g_autoptr(ConfabRichContent) content = parse_rich_ok (
    "{'type':'vertical','elements':["
    " {'type':'text','text':'a','style':{'bold':true,'italic':true,'color':'#fff','background-color':'#00112233',"
    "  'border-color':'rgba(0, 10, 255, 0.5)','border-radius':25.7,'size':'SMALL'}},"
    " {'type':'text','text':'b','style':{'color':'DarkSlateGray','background-color':'#12345','size':'medium'}},"
    " {'type':'text','text':'c','style':{'color':'url(https://x)','background-color':'rgb(1,2,3);x','border-color':'#abcd'}},"
    " {'type':'text','text':'d','style':{'color':'var(--x)','border-radius':1001}}]}");
  const ConfabRichStyle *a = &child (content->root, 0)->style;
  const ConfabRichStyle *b = &child (content->root, 1)->style;
  const ConfabRichStyle *c = &child (content->root, 2)->style;
  const ConfabRichStyle *d = &child (content->root, 3)->style;

  g_assert_true (a->bold && a->italic);
  g_assert_cmpstr (a->color, ==, "#fff");
  g_assert_cmpstr (a->background_color, ==, "#00112233");
  g_assert_cmpstr (a->border_color, ==, "rgba(0, 10, 255, 0.5)");
  g_assert_cmpint (a->border_radius, ==, 25);
  g_assert_cmpint (a->size, ==, CONFAB_RICH_SIZE_SMALL);

  g_assert_cmpstr (b->color, ==, "DarkSlateGray");
  g_assert_null (b->background_color);
  g_assert_cmpint (b->size, ==, CONFAB_RICH_SIZE_MEDIUM);

  g_assert_null (c->color);
  g_assert_null (c->background_color);
  g_assert_cmpstr (c->border_color, ==, "#abcd");

  g_assert_null (d->color);
  g_assert_cmpint (d->border_radius, ==, -1);

  g_assert_cmpint (content->issues, ==, CONFAB_RICH_ISSUE_DROPPED);
  assert_round_trip (content);
}

static void
test_text (void)
{
  g_autoptr(ConfabRichContent) content = parse_rich_ok (
    "{'type':'vertical','elements':["
    " {'type':'image','url':'https://a.example/i.png'},"
    " {'type':'image','url':'https://a.example/i.png','tooltip':'tip','alt':'alt'},"
    " {'type':'map','la':40.75,'lo':-73.99},"
    " {'type':'map','la':0,'lo':0,'tooltip':'Our store'},"
    " {'type':'horizontal','elements':[]},"
    " {'type':'text','text':''},"
    " {'type':'list','elements':[{'type':'text','text':'in a list'}]}]}");
  g_autofree char *rendered = confab_rich_content_dup_text (content);
  g_autoptr(ConfabRichContent) empty = parse_rich_ok ("{'type':'vertical','alt':'An empty card','elements':[]}");
  g_autoptr(ConfabRichContent) bare = parse_rich_ok ("{'type':'vertical','elements':[]}");
  g_autofree char *empty_text = confab_rich_content_dup_text (empty);
  g_autofree char *bare_text = confab_rich_content_dup_text (bare);

  g_assert_cmpstr (rendered, ==, "Image\nImage: alt\nMap: 40.75000, -73.99000\nMap: Our store\nin a list");
  g_assert_cmpstr (empty_text, ==, "An empty card");
  g_assert_cmpstr (bare_text, ==, "");
}

static void
test_quick_replies (void)
{
  /* the quick-replies page's example */
  g_autoptr(JsonNode) node = json (
    "{'type':'quickReplies','itemsPerRow':8,'replies':["
    " {'type':'button','title':'Yes','tooltip':'yes i do',"
    "  'click':{'actions':[{'type':'publishText','text':'yep'}],'metadata':[{'type':'ExternalId','id':'Yes-1234'}]},"
    "  'style':{'color':'#fff','background-color':'#333','border-color':'#444','border-radius':25,'bold':true}},"
    " {'type':'button','title':'No!','click':{'actions':[{'type':'publishText','text':'No!'}],'metadata':[{'type':'ExternalId','id':'No-4321'}]}}]}");
  g_autoptr(ConfabQuickReplies) quick_replies = confab_quick_replies_parse (node);
  const ConfabRichElement *yes, *no;
  g_autofree char *metadata = NULL;
  g_autofree char *rendered = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) again_node = NULL;
  g_autoptr(ConfabQuickReplies) again = NULL;

  g_assert_nonnull (quick_replies);
  g_assert_cmpint (quick_replies->items_per_row, ==, 8);
  g_assert_cmpuint (quick_replies->replies->len, ==, 2);
  g_assert_cmpint (quick_replies->issues, ==, CONFAB_RICH_ISSUE_NONE);

  yes = g_ptr_array_index (quick_replies->replies, 0);
  g_assert_cmpint (yes->type, ==, CONFAB_RICH_BUTTON);
  g_assert_cmpstr (yes->title, ==, "Yes");
  g_assert_cmpstr (yes->tooltip, ==, "yes i do");
  g_assert_cmpstr (action (yes, 0)->text, ==, "yep");
  g_assert_cmpstr (yes->style.border_color, ==, "#444");
  g_assert_cmpint (yes->style.border_radius, ==, 25);
  g_assert_true (yes->style.bold);
  metadata = confab_json_to_string (yes->click->metadata);
  g_assert_cmpstr (metadata, ==, "[{\"type\":\"ExternalId\",\"id\":\"Yes-1234\"}]");
  no = g_ptr_array_index (quick_replies->replies, 1);
  g_assert_cmpstr (no->title, ==, "No!");

  rendered = confab_quick_replies_dup_text (quick_replies);
  g_assert_cmpstr (rendered, ==, "Quick reply: Yes\nQuick reply: No!");

  text = to_text (confab_quick_replies_to_json (quick_replies));
  again_node = confab_json_parse (text, strlen (text), NULL);
  again = confab_quick_replies_parse (again_node);
  g_assert_true (confab_quick_replies_equal (quick_replies, again));
}

static void
test_quick_replies_limits (void)
{
  g_autoptr(GString) many = g_string_new ("{'type':'quickReplies','itemsPerRow':9,'replies':[");
  g_autoptr(JsonNode) many_node = NULL;
  g_autoptr(ConfabQuickReplies) capped = NULL;
  const char *none[] = {
    "{'type':'quickreplies','replies':[{'type':'button','title':'a','click':{}}]}",
    "{'replies':[{'type':'button','title':'a','click':{}}]}",
    "{'type':'quickReplies','replies':[]}",
    "{'type':'quickReplies'}",
    ("{'type':'quickReplies','replies':[{'type':'button','title':'no click'},{'type':'text','text':'t','click':{}},"
     " {'type':'button','click':{}},'x',7]}"),
    "[]",
    "'quickReplies'",
  };

  for (guint i = 0; i < 30; i++)
    g_string_append_printf (many, "%s{'type':'button','title':'%s %u','click':{'actions':[{'type':'publishText','text':'%u'}]}}",
                            i ? "," : "", i == 0 ? "A title of more than twenty-five characters" : "chip", i, i);
  g_string_append (many, "]}");
  many_node = json (many->str);
  capped = confab_quick_replies_parse (many_node);
  g_assert_nonnull (capped);
  g_assert_cmpint (capped->items_per_row, ==, CONFAB_QUICK_REPLIES_MAX_PER_ROW);
  g_assert_cmpuint (capped->replies->len, ==, CONFAB_QUICK_REPLIES_MAX);
  g_assert_cmpint (capped->issues, ==, CONFAB_RICH_ISSUE_DROPPED);
  /* a long title is kept whole, for the UI to ellipsize */
  g_assert_cmpstr (((ConfabRichElement *) g_ptr_array_index (capped->replies, 0))->title, ==,
                   "A title of more than twenty-five characters 0");

  for (guint i = 0; i < G_N_ELEMENTS (none); i++)
    {
      g_autoptr(JsonNode) node = json (none[i]);

      g_assert_null (confab_quick_replies_parse (node));
    }
  g_assert_null (confab_quick_replies_parse (NULL));

  /* a single reply may come bare; itemsPerRow 0 or less is not given */
  {
    g_autoptr(JsonNode) node = json ("{'type':'quickReplies','itemsPerRow':-2,'replies':{'type':'button','title':'only','click':{}}}");
    g_autoptr(ConfabQuickReplies) single = confab_quick_replies_parse (node);

    g_assert_nonnull (single);
    g_assert_cmpint (single->items_per_row, ==, 0);
    g_assert_cmpuint (single->replies->len, ==, 1);
    g_assert_cmpuint (((ConfabRichElement *) g_ptr_array_index (single->replies, 0))->click->actions->len, ==, 0);
  }
}

/* A card built as the local service would, written exactly as LivePerson's examples. */
static void
test_encoders (void)
{
  ConfabRichElement *card = confab_rich_element_new (CONFAB_RICH_VERTICAL);
  ConfabRichElement *image = confab_rich_element_new_image ("https://cdn.example.com/p.jpg");
  ConfabRichElement *title = confab_rich_element_new_text ("Product Name");
  ConfabRichElement *buy = confab_rich_element_new_button ("Buy");
  ConfabRichElement *map = confab_rich_element_new_map (40.75, -73.99);
  g_autoptr(ConfabRichContent) content = NULL;
  g_autoptr(ConfabQuickReplies) quick_replies = confab_quick_replies_new (4);
  ConfabRichElement *chip = confab_rich_element_new_button ("Yes");
  g_autofree char *content_text = NULL;
  g_autofree char *replies_text = NULL;
  g_autofree char *event_text = NULL;

  image->tooltip = g_strdup ("img");
  confab_rich_element_add_action (image, confab_rich_action_new_navigate (40.75, -73.99, "Store"));
  title->style.bold = TRUE;
  title->style.size = CONFAB_RICH_SIZE_LARGE;
  confab_rich_element_add_action (buy, confab_rich_action_new_publish_text ("Buy"));
  confab_rich_element_add_action (buy, confab_rich_action_new_link ("https://example.com/buy"));
  buy->click->metadata = json ("[{'type':'ExternalId','id':'buy-1'}]");
  confab_rich_element_add (card, image);
  confab_rich_element_add (card, title);
  confab_rich_element_add (card, buy);
  confab_rich_element_add (card, map);
  card->alt = g_strdup ("A product");
  content = confab_rich_content_new (card);
  g_assert_cmpuint (content->n_elements, ==, 5);

  content_text = to_text (confab_rich_content_to_json (content));
  g_assert_cmpstr (content_text, ==,
                   "{\"type\":\"vertical\",\"alt\":\"A product\",\"elements\":["
                   "{\"type\":\"image\",\"url\":\"https://cdn.example.com/p.jpg\",\"tooltip\":\"img\","
                   "\"click\":{\"actions\":[{\"type\":\"navigate\",\"name\":\"Store\",\"lo\":-73.99,\"la\":40.75}]}},"
                   "{\"type\":\"text\",\"text\":\"Product Name\",\"style\":{\"bold\":true,\"size\":\"large\"}},"
                   "{\"type\":\"button\",\"title\":\"Buy\",\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"Buy\"},"
                   "{\"type\":\"link\",\"uri\":\"https://example.com/buy\"}],\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"buy-1\"}]}},"
                   "{\"type\":\"map\",\"la\":40.75,\"lo\":-73.99}]}");

  chip->style.border_radius = 25;
  chip->style.color = g_strdup ("#fff");
  confab_rich_element_add_action (chip, confab_rich_action_new_publish_text ("yep"));
  confab_quick_replies_add (quick_replies, chip);
  replies_text = to_text (confab_quick_replies_to_json (quick_replies));
  g_assert_cmpstr (replies_text, ==,
                   "{\"type\":\"quickReplies\",\"itemsPerRow\":4,\"replies\":[{\"type\":\"button\",\"title\":\"Yes\","
                   "\"style\":{\"color\":\"#fff\",\"border-radius\":25},"
                   "\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"yep\"}]}}]}");

  event_text = to_text (confab_rich_content_event_to_json (content, quick_replies));
  g_assert_true (g_str_has_prefix (event_text, "{\"type\":\"RichContentEvent\",\"content\":{\"type\":\"vertical\","));
  g_assert_true (g_str_has_suffix (event_text, ",\"quickReplies\":{\"type\":\"quickReplies\",\"itemsPerRow\":4,\"replies\":[{\"type\":\"button\",\"title\":\"Yes\","
                                               "\"style\":{\"color\":\"#fff\",\"border-radius\":25},"
                                               "\"click\":{\"actions\":[{\"type\":\"publishText\",\"text\":\"yep\"}]}}]}}"));

  /* names */
  for (ConfabRichElementType type = CONFAB_RICH_VERTICAL; type <= CONFAB_RICH_MAP; type++)
    g_assert_cmpint (confab_rich_element_type_from_string (confab_rich_element_type_to_string (type)), ==, type);
  for (ConfabRichActionType type = CONFAB_RICH_ACTION_LINK; type <= CONFAB_RICH_ACTION_PUBLISH_TEXT; type++)
    g_assert_cmpint (confab_rich_action_type_from_string (confab_rich_action_type_to_string (type)), ==, type);
  g_assert_null (confab_rich_element_type_to_string (CONFAB_RICH_UNKNOWN));
  g_assert_null (confab_rich_action_type_to_string (CONFAB_RICH_ACTION_UNKNOWN));
  g_assert_cmpint (confab_rich_action_type_from_string ("publishtext"), ==, CONFAB_RICH_ACTION_UNKNOWN);
  /* a link that is not a URI cannot be built */
  g_assert_null (confab_rich_action_new_link ("not a uri"));
}

/* Every element, action and style member, built, through JSON text and back. */
static void
test_round_trip (void)
{
  ConfabRichElement *carousel = confab_rich_element_new (CONFAB_RICH_CAROUSEL);
  g_autoptr(ConfabRichContent) content = NULL;
  g_autoptr(ConfabQuickReplies) quick_replies = confab_quick_replies_new (0);

  carousel->padding = 4;
  carousel->tag = g_strdup ("generic");
  carousel->metadata = json ("{'fallback':{'type':'text','text':'x'}}");
  for (guint i = 0; i < CONFAB_RICH_CAROUSEL_MAX_CARDS; i++)
    {
      ConfabRichElement *card = confab_rich_element_new (CONFAB_RICH_VERTICAL);
      ConfabRichElement *row = confab_rich_element_new (CONFAB_RICH_HORIZONTAL);
      ConfabRichElement *list = confab_rich_element_new (CONFAB_RICH_LIST);
      ConfabRichElement *image = confab_rich_element_new_image (i % 2 ? "https://a.example/é.png" : "http://a.example/i.png");
      ConfabRichElement *button = confab_rich_element_new_button ("Go \xf0\x9f\x98\x80 \"quoted\"");
      ConfabRichElement *map = confab_rich_element_new_map (-90.0, 180.0);
      ConfabRichElement *unknown = confab_rich_element_new (CONFAB_RICH_UNKNOWN);
      ConfabRichElement *text = confab_rich_element_new_text ("line\nbreak");

      image->caption = g_strdup ("cap");
      image->alt = g_strdup ("alt");
      confab_rich_element_add_action (image, confab_rich_action_new_link ("mailto:a@example.com"));
      confab_rich_element_add_action (button, confab_rich_action_new_link ("javascript:void(0)"));
      confab_rich_element_add_action (button, confab_rich_action_new_navigate (0.1, 0.2, NULL));
      confab_rich_element_add_action (button, confab_rich_action_new_publish_text ("text"));
      button->click->metadata = json ("[{'type':'Answer','questionId':'q','id':'a','provider':'AC'}]");
      button->style.italic = TRUE;
      button->style.background_color = g_strdup ("rgb(1, 2, 3)");
      button->style.size = CONFAB_RICH_SIZE_MEDIUM;
      map->tooltip = g_strdup ("Pole");
      confab_rich_element_add_action (map, confab_rich_action_new_navigate (1, 2, "Here"));
      unknown->type_name = g_strdup ("checklist");
      unknown->alt = g_strdup ("fallback");
      text->style.color = g_strdup ("blue");
      confab_rich_element_add (row, image);
      confab_rich_element_add (row, map);
      confab_rich_element_add (list, text);
      confab_rich_element_add (list, unknown);
      confab_rich_element_add (card, row);
      confab_rich_element_add (card, button);
      confab_rich_element_add (card, list);
      confab_rich_element_add (carousel, card);
    }
  content = confab_rich_content_new (carousel);
  g_assert_cmpuint (content->n_elements, ==, 1 + CONFAB_RICH_CAROUSEL_MAX_CARDS * 8);
  assert_round_trip (content);

  for (guint i = 0; i < CONFAB_QUICK_REPLIES_MAX; i++)
    {
      g_autofree char *title = g_strdup_printf ("Reply %u", i);
      ConfabRichElement *chip = confab_rich_element_new_button (title);

      chip->tooltip = g_strdup ("tip");
      chip->style.border_color = g_strdup ("#444");
      confab_rich_element_add_action (chip, confab_rich_action_new_publish_text (title));
      confab_quick_replies_add (quick_replies, chip);
    }
  {
    g_autofree char *text = to_text (confab_quick_replies_to_json (quick_replies));
    g_autoptr(JsonNode) node = confab_json_parse (text, strlen (text), NULL);
    g_autoptr(ConfabQuickReplies) again = confab_quick_replies_parse (node);

    g_assert_true (confab_quick_replies_equal (quick_replies, again));
    g_assert_cmpint (again->issues, ==, CONFAB_RICH_ISSUE_NONE);
  }

  /* equality is not trivially true */
  {
    g_autoptr(ConfabRichContent) other = parse_rich_ok ("{'type':'carousel','padding':4,'elements':[]}");

    g_assert_false (confab_rich_content_equal (content, other));
    g_assert_true (confab_rich_content_equal (content, content));
  }
}

static void
test_boxed (void)
{
  g_autoptr(ConfabRichContent) content = parse_rich_ok ("{'type':'text','text':'x'}");
  ConfabRichContent *copy = g_boxed_copy (CONFAB_TYPE_RICH_CONTENT, content);

  g_assert_true (copy == content);
  g_boxed_free (CONFAB_TYPE_RICH_CONTENT, copy);
  g_assert_cmpstr (content->root->text, ==, "x");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/rich/documented", test_documented);
  g_test_add_func ("/protocol/rich/string-payload", test_string_payload);
  g_test_add_func ("/protocol/rich/payload-errors", test_payload_errors);
  g_test_add_func ("/protocol/rich/string-limits", test_string_limits);
  g_test_add_func ("/protocol/rich/image-urls", test_image_urls);
  g_test_add_func ("/protocol/rich/actions", test_actions);
  g_test_add_func ("/protocol/rich/carousel", test_carousel);
  g_test_add_func ("/protocol/rich/unknown-elements", test_unknown_elements);
  g_test_add_func ("/protocol/rich/hostile-deep", test_hostile_deep);
  g_test_add_func ("/protocol/rich/hostile-many", test_hostile_many);
  g_test_add_func ("/protocol/rich/hostile-types", test_hostile_types);
  g_test_add_func ("/protocol/rich/style", test_style);
  g_test_add_func ("/protocol/rich/text", test_text);
  g_test_add_func ("/protocol/rich/quick-replies", test_quick_replies);
  g_test_add_func ("/protocol/rich/quick-replies-limits", test_quick_replies_limits);
  g_test_add_func ("/protocol/rich/encoders", test_encoders);
  g_test_add_func ("/protocol/rich/round-trip", test_round_trip);
  g_test_add_func ("/protocol/rich/boxed", test_boxed);

  return g_test_run ();
}
