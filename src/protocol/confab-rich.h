/* confab-rich.h: structured content (rich messages) and quick replies
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A RichContentEvent carries a tree of elements: containers (vertical, horizontal, carousel,
 * list) holding text, images, buttons and maps, the last three with click actions. Quick
 * replies are a row of buttons ("chips") attached to a text or rich message. Both are read
 * here into plain C structures, checked against LivePerson's limits, and written back.
 *
 * What the parser does with input outside the limits (each case is also recorded in the
 * content's ConfabRichIssues, so a caller can say that something was left out):
 *
 * - Text that is too long is cut to its limit, at a character boundary (TRUNCATED): text
 *   5000 characters, button title 128, tooltip 256, image caption 128, alt 2000, tag 64,
 *   navigate name 256, publishText text 5000.
 * - URLs are never cut (a cut URL points elsewhere). An image URL that is not https, or a
 *   link with a scheme other than https, http, mailto or tel, is kept with url_status
 *   REFUSED: shown, never loaded or opened (REFUSED). A URL longer than 2048 characters,
 *   not an absolute URI, or holding spaces or control characters is INVALID and dropped
 *   (the image stays, without a URL; the link action is dropped) (DROPPED). Characters
 *   outside ASCII are percent-encoded.
 * - A click keeps at most its first 4 actions (DROPPED). An action of an unknown type is kept
 *   as CONFAB_RICH_ACTION_UNKNOWN (UNKNOWN); a known action missing what it needs (link
 *   without a usable uri, navigate without a valid position, publishText without text) is
 *   dropped (DROPPED). Only buttons, images and maps keep a click.
 * - A carousel keeps at most 10 cards; children that are not vertical cards are dropped
 *   (DROPPED). A carousel with one card is kept; with none it degrades (below).
 * - Colours must look like CSS colours (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(…), rgba(…) or
 *   a name of letters), else they are dropped (DROPPED), so they can be put into CSS as is.
 * - Bounds for hostile input (TOO_LARGE): containers nest at most CONFAB_RICH_MAX_DEPTH
 *   levels and a content holds at most CONFAB_RICH_MAX_ELEMENTS elements; deeper containers
 *   degrade and further elements are dropped. A content sent as a JSON string is read with
 *   at most CONFAB_RICH_PAYLOAD_MAX_SIZE bytes and CONFAB_RICH_PAYLOAD_MAX_DEPTH levels.
 * - An element that cannot be shown as its type (an unknown type, or a known one missing
 *   what it needs: text without text, button without title, map without a valid position, a
 *   container without elements) degrades to CONFAB_RICH_UNKNOWN (UNKNOWN). Its alt
 *   holds a readable fallback: the element's alt, else its text, title, caption or tooltip
 *   as sent. Children of an unknown type's "elements" are still read. As everywhere in the
 *   protocol, a list of one (elements, actions, replies) may come as its bare element.
 *
 * Nothing in here warns or fails on a peer's input: the worst case is an UNKNOWN element.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "confab-json.h"

G_BEGIN_DECLS

/* Limits, in characters (Unicode code points), from LivePerson's structured-content and
 * quick-reply documentation. When Confab writes content itself, the smaller limits of
 * LivePerson's web renderer are safer: link uri 1024, publishText text 256. */
#define CONFAB_RICH_TEXT_MAX_CHARS          5000
#define CONFAB_RICH_TITLE_MAX_CHARS         128
#define CONFAB_RICH_TOOLTIP_MAX_CHARS       256
#define CONFAB_RICH_CAPTION_MAX_CHARS       128
#define CONFAB_RICH_ALT_MAX_CHARS           2000
#define CONFAB_RICH_TAG_MAX_CHARS           64
#define CONFAB_RICH_NAME_MAX_CHARS          256
#define CONFAB_RICH_URL_MAX_CHARS           2048
#define CONFAB_RICH_LINK_URI_MAX_CHARS      2048
#define CONFAB_RICH_PUBLISH_TEXT_MAX_CHARS  5000
#define CONFAB_RICH_MAX_ACTIONS             4
#define CONFAB_RICH_CAROUSEL_MIN_CARDS      2
#define CONFAB_RICH_CAROUSEL_MAX_CARDS      10
#define CONFAB_RICH_CAROUSEL_MAX_PADDING    10

/* Quick replies: at most 24 chips, at most 8 a row. A chip's title should fit in 25
 * characters; longer titles are kept whole (up to the button limit) for the UI to ellipsize. */
#define CONFAB_QUICK_REPLIES_MAX            24
#define CONFAB_QUICK_REPLIES_MAX_PER_ROW    8
#define CONFAB_QUICK_REPLY_TITLE_MAX_CHARS  25

/* Confab's bounds for hostile input, well above anything LivePerson's templates need. */
#define CONFAB_RICH_MAX_DEPTH               8
#define CONFAB_RICH_MAX_ELEMENTS            256
#define CONFAB_RICH_PAYLOAD_MAX_SIZE        (1024 * 1024)
#define CONFAB_RICH_PAYLOAD_MAX_DEPTH       32

typedef enum {
  CONFAB_RICH_UNKNOWN,     /* an element Confab cannot show as such; alt is its fallback */
  CONFAB_RICH_VERTICAL,
  CONFAB_RICH_HORIZONTAL,
  CONFAB_RICH_CAROUSEL,    /* of vertical cards */
  CONFAB_RICH_LIST,
  CONFAB_RICH_TEXT,
  CONFAB_RICH_IMAGE,
  CONFAB_RICH_BUTTON,
  CONFAB_RICH_MAP,
} ConfabRichElementType;

typedef enum {
  CONFAB_RICH_ACTION_UNKNOWN,
  CONFAB_RICH_ACTION_LINK,          /* open uri */
  CONFAB_RICH_ACTION_NAVIGATE,      /* show a place: latitude, longitude, name */
  CONFAB_RICH_ACTION_PUBLISH_TEXT,  /* send text as the consumer */
} ConfabRichActionType;

typedef enum {
  CONFAB_RICH_URL_OK,        /* may be loaded (images) or opened (links) */
  CONFAB_RICH_URL_REFUSED,   /* kept for display, must not be loaded or opened */
  CONFAB_RICH_URL_INVALID,   /* missing, too long or not a URI; the url is NULL */
} ConfabRichUrlStatus;

typedef enum {
  CONFAB_RICH_SIZE_UNSET,
  CONFAB_RICH_SIZE_SMALL,
  CONFAB_RICH_SIZE_MEDIUM,
  CONFAB_RICH_SIZE_LARGE,
} ConfabRichSize;

/* What parsing left out or changed; see the top of this file. */
typedef enum {
  CONFAB_RICH_ISSUE_NONE      = 0,
  CONFAB_RICH_ISSUE_TRUNCATED = 1 << 0,  /* a string was cut to its limit */
  CONFAB_RICH_ISSUE_DROPPED   = 1 << 1,  /* an element, card, action, chip or style value was left out */
  CONFAB_RICH_ISSUE_REFUSED   = 1 << 2,  /* a URL is kept but must not be used */
  CONFAB_RICH_ISSUE_UNKNOWN   = 1 << 3,  /* an element or action became UNKNOWN */
  CONFAB_RICH_ISSUE_TOO_LARGE = 1 << 4,  /* the depth or element bound was reached */
} ConfabRichIssues;

typedef struct {
  gboolean bold;
  gboolean italic;
  char *color;              /* a checked CSS colour, or NULL */
  char *background_color;
  char *border_color;       /* quick-reply chips */
  int border_radius;        /* 0–1000 pixels, -1 when unset */
  ConfabRichSize size;
} ConfabRichStyle;

typedef struct {
  ConfabRichActionType type;
  char *type_name;          /* "type" as sent (at most 64 characters), NULL when missing */
  char *uri;                /* LINK: web.uri when usable, else uri */
  ConfabRichUrlStatus uri_status;  /* LINK: OK or REFUSED (INVALID links are dropped) */
  char *text;               /* PUBLISH_TEXT, never NULL or empty there */
  char *name;               /* NAVIGATE and LINK, optional */
  double latitude;          /* NAVIGATE: -90–90 */
  double longitude;         /* NAVIGATE: -180–180 */
} ConfabRichAction;

typedef struct {
  GPtrArray *actions;       /* of ConfabRichAction, at most 4, never NULL */
  JsonNode *metadata;       /* click.metadata as sent, always an array, or NULL: copied
                             * verbatim into an ACTION receipt and a publishText reply */
} ConfabRichClick;

typedef struct _ConfabRichElement ConfabRichElement;

struct _ConfabRichElement {
  ConfabRichElementType type;
  char *type_name;          /* "type" as sent (at most 64 characters), NULL when missing */
  char *alt;                /* alt text; for UNKNOWN the readable fallback; may be NULL */
  char *tag;                /* may be NULL */
  char *tooltip;            /* may be NULL */
  JsonNode *metadata;       /* the element's "metadata" as sent (object or array), or NULL */
  ConfabRichStyle style;

  char *text;               /* TEXT, never NULL there */
  char *title;              /* BUTTON, never NULL there */
  char *url;                /* IMAGE, NULL when url_status is INVALID */
  ConfabRichUrlStatus url_status;
  char *caption;            /* IMAGE, may be NULL */
  double latitude;          /* MAP */
  double longitude;         /* MAP */
  ConfabRichClick *click;   /* BUTTON, IMAGE, MAP; NULL when none */

  GPtrArray *elements;      /* of ConfabRichElement: containers (never NULL there) and
                             * UNKNOWN elements that had an elements array; else NULL */
  int padding;              /* CAROUSEL: 0–10, -1 when unset */
};

/* A parsed RichContentEvent payload. Reference counted; not changed once parsed. */
typedef struct {
  ConfabRichElement *root;  /* never NULL */
  ConfabRichIssues issues;
  guint n_elements;         /* in the whole tree */
} ConfabRichContent;

/* A quickReplies object. Reference counted; not changed once parsed. */
typedef struct {
  int items_per_row;        /* 1–8, 0 when not given */
  GPtrArray *replies;       /* of ConfabRichElement, each a BUTTON with a click; 1–24 */
  ConfabRichIssues issues;
} ConfabQuickReplies;

/* Parsing */

ConfabRichContent  *confab_rich_content_parse  (JsonNode *payload,
                                                GError  **error);
ConfabQuickReplies *confab_quick_replies_parse (JsonNode *node);

/* Encoding: each returns a new node (transfer full), the counterpart of the parser. */

JsonNode *confab_rich_content_to_json  (const ConfabRichContent  *content);
JsonNode *confab_rich_element_to_json  (const ConfabRichElement  *element);
JsonNode *confab_quick_replies_to_json (const ConfabQuickReplies *quick_replies);

/* Text for screen readers, copying and notifications: one line per element, such as
 * "Button: Track my order" or "Image: Our store"; never NULL. */
char *confab_rich_element_dup_text  (const ConfabRichElement  *element);
char *confab_rich_content_dup_text  (const ConfabRichContent  *content);
char *confab_quick_replies_dup_text (const ConfabQuickReplies *quick_replies);

/* Deep comparison of everything the encoders write. */
gboolean confab_rich_element_equal       (const ConfabRichElement  *a,
                                          const ConfabRichElement  *b);
gboolean confab_rich_content_equal       (const ConfabRichContent  *a,
                                          const ConfabRichContent  *b);
gboolean confab_quick_replies_equal      (const ConfabQuickReplies *a,
                                          const ConfabQuickReplies *b);

/* Building, for the local service and tests. Strings are copied; the new element has no
 * style, no click and, for containers, no children yet. */
ConfabRichElement *confab_rich_element_new        (ConfabRichElementType type);
ConfabRichElement *confab_rich_element_new_text   (const char *text);
ConfabRichElement *confab_rich_element_new_button (const char *title);
ConfabRichElement *confab_rich_element_new_image  (const char *url);
ConfabRichElement *confab_rich_element_new_map    (double latitude,
                                                   double longitude);
/* container takes child */
void               confab_rich_element_add        (ConfabRichElement *container,
                                                   ConfabRichElement *child);
/* element takes action; the click is created when needed */
void               confab_rich_element_add_action (ConfabRichElement *element,
                                                   ConfabRichAction  *action);
void               confab_rich_element_free       (ConfabRichElement *element);

ConfabRichAction  *confab_rich_action_new_link         (const char *uri);
ConfabRichAction  *confab_rich_action_new_navigate     (double      latitude,
                                                        double      longitude,
                                                        const char *name);
ConfabRichAction  *confab_rich_action_new_publish_text (const char *text);
void               confab_rich_action_free             (ConfabRichAction *action);

ConfabRichClick   *confab_rich_click_new  (void);
void               confab_rich_click_free (ConfabRichClick *click);

/* content takes root */
ConfabRichContent  *confab_rich_content_new    (ConfabRichElement *root);
ConfabRichContent  *confab_rich_content_ref    (ConfabRichContent *content);
void                confab_rich_content_unref  (ConfabRichContent *content);

ConfabQuickReplies *confab_quick_replies_new   (int items_per_row);
/* quick_replies takes chip, a BUTTON */
void                confab_quick_replies_add   (ConfabQuickReplies *quick_replies,
                                                ConfabRichElement  *chip);
ConfabQuickReplies *confab_quick_replies_ref   (ConfabQuickReplies *quick_replies);
void                confab_quick_replies_unref (ConfabQuickReplies *quick_replies);

GType confab_rich_content_get_type   (void) G_GNUC_CONST;
GType confab_quick_replies_get_type  (void) G_GNUC_CONST;
#define CONFAB_TYPE_RICH_CONTENT  (confab_rich_content_get_type ())
#define CONFAB_TYPE_QUICK_REPLIES (confab_quick_replies_get_type ())

/* Names on the wire; NULL for the UNKNOWN values. */
const char           *confab_rich_element_type_to_string   (ConfabRichElementType type);
ConfabRichElementType confab_rich_element_type_from_string (const char *str);
const char           *confab_rich_action_type_to_string    (ConfabRichActionType type);
ConfabRichActionType  confab_rich_action_type_from_string  (const char *str);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabRichElement, confab_rich_element_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabRichAction, confab_rich_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabRichClick, confab_rich_click_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabRichContent, confab_rich_content_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabQuickReplies, confab_quick_replies_unref)

G_END_DECLS
