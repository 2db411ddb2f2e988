/* confab-rich-view.c: structured content and quick replies as native widgets
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each element of a ConfabRichContent becomes a GTK widget: containers are boxes (a
 * carousel a horizontal scroller of cards), text a label, buttons and maps buttons, images
 * pictures fetched by ConfabImageLoader. Everything that can be pressed takes the keyboard
 * focus and is named the way confab_rich_element_dup_text() reads it ("Button: Track my
 * order"); a card is one group named by its whole text, so a screen reader can read it at
 * once or walk into it. What Confab does not know shows its alt text.
 *
 * Colours a brand sets are used only when the text stays readable: a contrast of 4.5:1 (WCAG
 * AA) against what it is drawn on, else both colours are left out and the theme's are used.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "confab-image-loader.h"
#include "confab-rich-view.h"

/* Width of a card in a carousel, in pixels */
#define CARD_WIDTH 240
/* Room the arrow buttons over a carousel's edges take (their width and margins) */
#define ARROW_ROOM 46
/* Height of an image in a card */
#define IMAGE_HEIGHT 140
/* WCAG AA for normal text */
#define MIN_CONTRAST 4.5

struct _ConfabRichView
{
  GtkWidget parent_instance;

  ConfabRichContent *content;
  ConfabQuickReplies *quick_replies;
  ConfabHostedFile *file;
  GCancellable *cancellable;   /* image loads */
};

enum {
  SIGNAL_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static ConfabRichOpenHook open_hook;
static gpointer open_hook_data;

G_DEFINE_FINAL_TYPE (ConfabRichView, confab_rich_view, GTK_TYPE_WIDGET)

#define ELEMENT_KEY "confab-rich-element"

const ConfabRichElement *
confab_rich_view_widget_get_element (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  return g_object_get_data (G_OBJECT (widget), ELEMENT_KEY);
}

/* Opening */

char *
confab_rich_map_dup_uri (double latitude,
                         double longitude)
{
  char la[G_ASCII_DTOSTR_BUF_SIZE];
  char lo[G_ASCII_DTOSTR_BUF_SIZE];

  if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180))
    return NULL;
  g_ascii_formatd (la, sizeof la, "%.6f", latitude);
  g_ascii_formatd (lo, sizeof lo, "%.6f", longitude);
  /* A web map works everywhere; geo: needs an app for it, which many desktops lack. */
  return g_strdup_printf ("https://www.openstreetmap.org/?mlat=%s&mlon=%s#map=16/%s/%s", la, lo, la, lo);
}

char *
confab_rich_action_dup_uri (const ConfabRichAction *action)
{
  g_return_val_if_fail (action != NULL, NULL);

  switch (action->type)
    {
    case CONFAB_RICH_ACTION_LINK:
      /* The protocol keeps only https, http, mailto and tel as OK. */
      return action->uri_status == CONFAB_RICH_URL_OK ? g_strdup (action->uri) : NULL;
    case CONFAB_RICH_ACTION_NAVIGATE:
      return confab_rich_map_dup_uri (action->latitude, action->longitude);
    case CONFAB_RICH_ACTION_PUBLISH_TEXT:
    case CONFAB_RICH_ACTION_UNKNOWN:
    default:
      return NULL;
    }
}

void
confab_rich_open_uri (GtkWidget  *widget,
                      const char *uri)
{
  GtkRoot *root;

  g_return_if_fail (uri != NULL);

  if (open_hook != NULL)
    {
      open_hook (uri, open_hook_data);
      return;
    }
  root = widget != NULL ? gtk_widget_get_root (widget) : NULL;
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

void
_confab_rich_set_open_hook (ConfabRichOpenHook hook,
                            gpointer           user_data)
{
  open_hook = hook;
  open_hook_data = user_data;
}

/* Colours */

static double
channel_luminance (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * channel_luminance (c->red) + 0.7152 * channel_luminance (c->green) +
         0.0722 * channel_luminance (c->blue);
}

static double
contrast (const GdkRGBA *a,
          const GdkRGBA *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/* c drawn over an opaque under */
static GdkRGBA
blend (const GdkRGBA *c,
       const GdkRGBA *under)
{
  GdkRGBA out = {
    c->red * c->alpha + under->red * (1 - c->alpha),
    c->green * c->alpha + under->green * (1 - c->alpha),
    c->blue * c->alpha + under->blue * (1 - c->alpha),
    1.0,
  };

  return out;
}

/* What a message bubble looks like under the text, and the theme's text, near enough for a
 * contrast check (Adwaita's window background with the bubble's tint). */
static void
theme_colours (GdkRGBA *bubble,
               GdkRGBA *text)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  gdk_rgba_parse (bubble, dark ? "#303030" : "#e8e8e8");
  gdk_rgba_parse (text, dark ? "#ffffff" : "#303030");
}

/* The colours of style that keep the text readable, as Pango attributes added to attrs;
 * none when the pair (or the one given, against the theme) is under MIN_CONTRAST. */
static void
add_colour_attributes (PangoAttrList         *attrs,
                       const ConfabRichStyle *style)
{
  GdkRGBA bubble, text, fg, bg;
  gboolean has_fg, has_bg;

  has_fg = style->color != NULL && gdk_rgba_parse (&fg, style->color);
  has_bg = style->background_color != NULL && gdk_rgba_parse (&bg, style->background_color);
  if (!has_fg && !has_bg)
    return;

  theme_colours (&bubble, &text);
  bg = has_bg ? blend (&bg, &bubble) : bubble;
  fg = has_fg ? blend (&fg, &bg) : text;
  if (contrast (&fg, &bg) < MIN_CONTRAST)
    return;

  if (has_fg)
    pango_attr_list_insert (attrs, pango_attr_foreground_new (fg.red * 65535, fg.green * 65535, fg.blue * 65535));
  if (has_bg)
    pango_attr_list_insert (attrs, pango_attr_background_new (bg.red * 65535, bg.green * 65535, bg.blue * 65535));
}

static void
apply_style (GtkLabel              *label,
             const ConfabRichStyle *style,
             gboolean               colours)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  if (style->bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (style->italic)
    pango_attr_list_insert (attrs, pango_attr_style_new (PANGO_STYLE_ITALIC));
  switch (style->size)
    {
    case CONFAB_RICH_SIZE_SMALL:
      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      break;
    case CONFAB_RICH_SIZE_LARGE:
      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_LARGE));
      break;
    case CONFAB_RICH_SIZE_MEDIUM:
    case CONFAB_RICH_SIZE_UNSET:
    default:
      break;
    }
  if (colours)
    add_colour_attributes (attrs, style);
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

/* Building */

static GtkWidget *build_element (ConfabRichView    *self,
                                 ConfabRichElement *element,
                                 gboolean           is_card);

static void
set_name (GtkWidget  *widget,
          const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
name_by_text (GtkWidget               *widget,
              const ConfabRichElement *element)
{
  g_autofree char *text = confab_rich_element_dup_text (element);

  set_name (widget, text);
}

static void
clicked_cb (GtkButton      *button,
            ConfabRichView *self)
{
  const ConfabRichElement *element = confab_rich_view_widget_get_element (GTK_WIDGET (button));

  if (element != NULL)
    g_signal_emit (self, signals[SIGNAL_CLICKED], 0, element);
}

static GtkWidget *
new_action_button (ConfabRichView    *self,
                   ConfabRichElement *element)
{
  GtkWidget *button = gtk_button_new ();

  g_object_set_data (G_OBJECT (button), ELEMENT_KEY, element);
  g_signal_connect_object (button, "clicked", G_CALLBACK (clicked_cb), self, 0);
  if (element->tooltip != NULL && *element->tooltip != '\0')
    gtk_widget_set_tooltip_text (button, element->tooltip);
  name_by_text (button, element);
  return button;
}

static GtkWidget *
new_wrapping_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  return label;
}

/* A text element's label keeps its element: its colours are checked again when the theme
 * goes dark or light. */
#define STYLED_KEY "confab-rich-styled"

static GtkWidget *
build_text (ConfabRichElement *element)
{
  GtkWidget *label = new_wrapping_label (element->text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  apply_style (GTK_LABEL (label), &element->style, TRUE);
  g_object_set_data (G_OBJECT (label), STYLED_KEY, element);
  return label;
}

static void
restyle (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ConfabRichElement *element = g_object_get_data (G_OBJECT (child), STYLED_KEY);

      if (element != NULL && GTK_IS_LABEL (child))
        apply_style (GTK_LABEL (child), &element->style, TRUE);
      else
        restyle (child);
    }
}

/* A colour readable on a light bubble may not be on a dark one, and the other way round. */
static void
dark_changed_cb (ConfabRichView *self)
{
  restyle (GTK_WIDGET (self));
}

static GtkWidget *
build_button (ConfabRichView    *self,
              ConfabRichElement *element)
{
  GtkWidget *button = new_action_button (self, element);
  GtkWidget *label = new_wrapping_label (element->title);

  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  /* Colours would fight the theme's pressed and focused looks: only the type's style. */
  apply_style (GTK_LABEL (label), &element->style, FALSE);
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "rich-button");
  return button;
}

static GtkWidget *
build_map (ConfabRichView    *self,
           ConfabRichElement *element)
{
  GtkWidget *button = new_action_button (self, element);
  GtkWidget *content = adw_button_content_new ();

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "mark-location-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("Open Map"));
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_add_css_class (button, "rich-button");
  /* AdwButtonContent names the button by its label; the element's text says which place. */
  name_by_text (button, element);
  return button;
}

/* Images */

typedef struct
{
  GtkStack *stack;
  GtkPicture *picture;
} ImageLoad;

static void
image_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ImageLoad *load = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = confab_image_loader_load_finish (result, &error);
  if (texture != NULL)
    {
      gtk_picture_set_paintable (load->picture, GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (load->stack, "picture");
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Image not shown: %s", error->message);
      gtk_stack_set_visible_child_name (load->stack, "failed");
    }
  g_object_unref (load->stack);
  g_object_unref (load->picture);
  g_free (load);
}

static GtkWidget *
image_status (const char *icon_name,
              const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *image = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_image_set_pixel_size (GTK_IMAGE (image), 32);
  gtk_widget_add_css_class (image, "dim-label");
  gtk_box_append (GTK_BOX (box), image);
  if (text != NULL && *text != '\0')
    {
      GtkWidget *label = new_wrapping_label (text);

      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }
  return box;
}

static GtkWidget *
build_image (ConfabRichView    *self,
             ConfabRichElement *element)
{
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  const char *alt = element->caption != NULL ? element->caption
                    : element->alt != NULL ? element->alt : element->tooltip;
  gboolean may_fetch = element->url != NULL && confab_image_loader_may_fetch (element->url);
  GtkWidget *outer;

  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_stack_add_named (GTK_STACK (stack), image_status ("image-x-generic-symbolic", NULL), "loading");
  gtk_stack_add_named (GTK_STACK (stack), picture, "picture");
  /* Refused (not https) or failed: what the image is of, in words (a caption is under it
   * already). */
  gtk_stack_add_named (GTK_STACK (stack),
                       image_status ("image-missing-symbolic", alt != element->caption ? alt : NULL), "failed");
  gtk_stack_set_visible_child_name (GTK_STACK (stack), may_fetch ? "loading" : "failed");
  gtk_widget_set_size_request (stack, -1, IMAGE_HEIGHT);
  gtk_widget_add_css_class (stack, "rich-image");
  gtk_widget_set_overflow (stack, GTK_OVERFLOW_HIDDEN);
  /* The element is the image, named as it is read; what shows it inside is not another one
   * (GTK would read its pictures and icons by their type names). */
  gtk_accessible_update_state (GTK_ACCESSIBLE (stack), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);

  if (may_fetch)
    {
      ImageLoad *load = g_new0 (ImageLoad, 1);

      load->stack = g_object_ref (GTK_STACK (stack));
      load->picture = g_object_ref (GTK_PICTURE (picture));
      confab_image_loader_load_async (element->url, self->cancellable, image_loaded_cb, load);
    }

  gtk_box_append (GTK_BOX (box), stack);
  if (element->caption != NULL && *element->caption != '\0')
    {
      GtkWidget *caption = new_wrapping_label (element->caption);

      gtk_label_set_xalign (GTK_LABEL (caption), 0.0);
      gtk_widget_add_css_class (caption, "caption");
      gtk_box_append (GTK_BOX (box), caption);
    }

  if (element->click != NULL)
    {
      outer = new_action_button (self, element);
      gtk_button_set_child (GTK_BUTTON (outer), box);
      gtk_widget_add_css_class (outer, "flat");
      gtk_widget_add_css_class (outer, "rich-image-button");
    }
  else
    {
      outer = g_object_new (GTK_TYPE_BOX, "accessible-role", GTK_ACCESSIBLE_ROLE_IMG, NULL);
      gtk_box_append (GTK_BOX (outer), box);
      gtk_widget_set_hexpand (box, TRUE);
      g_object_set_data (G_OBJECT (outer), ELEMENT_KEY, element);
      name_by_text (outer, element);
    }
  if (element->tooltip != NULL && *element->tooltip != '\0')
    gtk_widget_set_tooltip_text (outer, element->tooltip);
  return outer;
}

/* Carousels */

static GtkWidget *
carousel_scroller (GtkWidget *carousel)
{
  return g_object_get_data (G_OBJECT (carousel), "confab-scroller");
}

static void
update_arrows (GtkAdjustment *adj,
               GtkWidget     *carousel)
{
  GtkWidget *prev = g_object_get_data (G_OBJECT (carousel), "confab-prev");
  GtkWidget *next = g_object_get_data (G_OBJECT (carousel), "confab-next");
  double value = gtk_adjustment_get_value (adj);
  double end = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  gtk_widget_set_visible (prev, value > 1);
  gtk_widget_set_visible (next, value < end - 1);
}

/* One card further (direction 1) or back (-1). */
static void
carousel_step (GtkWidget *carousel,
               int        direction)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (carousel_scroller (carousel)));

  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + direction * (CARD_WIDTH + 12));
}

static void
prev_clicked_cb (GtkButton *button,
                 GtkWidget *carousel)
{
  carousel_step (carousel, gtk_widget_get_direction (carousel) == GTK_TEXT_DIR_RTL ? 1 : -1);
}

static void
next_clicked_cb (GtkButton *button,
                 GtkWidget *carousel)
{
  carousel_step (carousel, gtk_widget_get_direction (carousel) == GTK_TEXT_DIR_RTL ? -1 : 1);
}

/* The whole card the focus went into is shown, clear of the arrows over the carousel's edges
 * (GtkViewport would scroll only as far as the focused button, under the arrow). */
static void
card_focus_enter_cb (GtkEventControllerFocus *controller,
                     GtkWidget               *card)
{
  GtkWidget *cards = gtk_widget_get_parent (card);
  GtkWidget *scroller = gtk_widget_get_ancestor (card, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj;
  graphene_rect_t bounds;
  double margin = ARROW_ROOM;

  if (scroller == NULL || !gtk_widget_compute_bounds (card, cards, &bounds))
    return;
  adj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  /* too narrow for the card and both margins: the card alone */
  if (bounds.size.width + 2 * margin > gtk_adjustment_get_page_size (adj))
    margin = 0;
  gtk_adjustment_clamp_page (adj, bounds.origin.x - margin, bounds.origin.x + bounds.size.width + margin);
}

/* Left and Right move between the cards of a carousel, from a card or anything in it. */
static gboolean
card_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkWidget             *card)
{
  gboolean rtl = gtk_widget_get_direction (card) == GTK_TEXT_DIR_RTL;
  GtkWidget *target;

  if ((state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    target = rtl ? gtk_widget_get_next_sibling (card) : gtk_widget_get_prev_sibling (card);
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    target = rtl ? gtk_widget_get_prev_sibling (card) : gtk_widget_get_next_sibling (card);
  else
    return GDK_EVENT_PROPAGATE;

  if (target != NULL)
    gtk_widget_grab_focus (target);
  return GDK_EVENT_STOP;
}

static GtkWidget *
arrow_button (const char *icon_name,
              const char *name,
              GtkAlign    halign)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_halign (button, halign);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (button, 6);
  gtk_widget_set_margin_end (button, 6);
  /* The cards take the focus themselves (Tab, Left, Right); these are for the pointer. */
  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_tooltip_text (button, name);
  set_name (button, name);
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_add_css_class (button, "osd");
  return button;
}

static GtkWidget *
build_carousel (ConfabRichView    *self,
                ConfabRichElement *element)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *viewport = gtk_viewport_new (NULL, NULL);
  GtkWidget *cards = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *prev, *next;
  GtkAdjustment *adj;
  g_autofree char *count = NULL;

  for (guint i = 0; i < element->elements->len; i++)
    {
      ConfabRichElement *card_element = g_ptr_array_index (element->elements, i);
      GtkWidget *card = build_element (self, card_element, TRUE);
      GtkEventController *keys = gtk_event_controller_key_new ();
      GtkEventController *focus = gtk_event_controller_focus_new ();

      gtk_widget_set_size_request (card, CARD_WIDTH, -1);
      gtk_widget_set_focusable (card, TRUE);
      g_signal_connect (keys, "key-pressed", G_CALLBACK (card_key_pressed_cb), card);
      gtk_widget_add_controller (card, keys);
      g_signal_connect (focus, "enter", G_CALLBACK (card_focus_enter_cb), card);
      gtk_widget_add_controller (card, focus);
      gtk_box_append (GTK_BOX (cards), card);
    }

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  /* As wide as the cards, as far as the row lets it; scrolled past that. */
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scroller), TRUE);
  /* the cards scroll into view themselves (above), whole */
  gtk_viewport_set_scroll_to_focus (GTK_VIEWPORT (viewport), FALSE);
  gtk_viewport_set_child (GTK_VIEWPORT (viewport), cards);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), viewport);
  /* The cards take the focus, not the scroller around them. */
  gtk_widget_set_focusable (scroller, FALSE);
  /* Translators: a carousel of cards in a message; %u is how many */
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u card", "%u cards", element->elements->len),
                           element->elements->len);
  set_name (scroller, count);
  gtk_widget_add_css_class (scroller, "rich-carousel");

  gtk_overlay_set_child (GTK_OVERLAY (overlay), scroller);
  prev = arrow_button ("go-previous-symbolic", _("Previous Card"), GTK_ALIGN_START);
  next = arrow_button ("go-next-symbolic", _("Next Card"), GTK_ALIGN_END);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), prev);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), next);
  g_object_set_data (G_OBJECT (overlay), "confab-scroller", scroller);
  g_object_set_data (G_OBJECT (overlay), "confab-prev", prev);
  g_object_set_data (G_OBJECT (overlay), "confab-next", next);
  g_signal_connect (prev, "clicked", G_CALLBACK (prev_clicked_cb), overlay);
  g_signal_connect (next, "clicked", G_CALLBACK (next_clicked_cb), overlay);

  adj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_signal_connect_object (adj, "changed", G_CALLBACK (update_arrows), overlay, 0);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (update_arrows), overlay, 0);
  gtk_widget_set_visible (prev, FALSE);
  gtk_widget_set_visible (next, element->elements->len > 1);
  return overlay;
}

static GtkWidget *
build_container (ConfabRichView    *self,
                 ConfabRichElement *element,
                 gboolean           is_card)
{
  gboolean horizontal = element->type == CONFAB_RICH_HORIZONTAL;
  GtkWidget *box = g_object_new (GTK_TYPE_BOX,
                                 "orientation", horizontal ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL,
                                 "spacing", element->type == CONFAB_RICH_LIST ? 0 : 6,
                                 "accessible-role", is_card ? GTK_ACCESSIBLE_ROLE_GROUP : GTK_ACCESSIBLE_ROLE_GENERIC,
                                 NULL);

  gtk_box_set_homogeneous (GTK_BOX (box), horizontal);
  for (guint i = 0; element->elements != NULL && i < element->elements->len; i++)
    {
      GtkWidget *child = build_element (self, g_ptr_array_index (element->elements, i), FALSE);

      if (element->type == CONFAB_RICH_LIST && i > 0)
        gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
      if (element->type == CONFAB_RICH_LIST)
        {
          gtk_widget_set_margin_top (child, 6);
          gtk_widget_set_margin_bottom (child, 6);
        }
      gtk_widget_set_hexpand (child, horizontal);
      gtk_box_append (GTK_BOX (box), child);
    }
  if (element->type == CONFAB_RICH_LIST)
    gtk_widget_add_css_class (box, "rich-list");
  if (is_card)
    {
      gtk_widget_add_css_class (box, "rich-card");
      name_by_text (box, element);
    }
  return box;
}

static GtkWidget *
build_unknown (ConfabRichView    *self,
               ConfabRichElement *element)
{
  GtkWidget *box;
  GtkWidget *label;

  /* What the brand wrote for clients that cannot show it, else the children it has. */
  if (element->alt != NULL && *element->alt != '\0')
    {
      label = new_wrapping_label (element->alt);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_widget_add_css_class (label, "rich-alt");
      return label;
    }
  if (element->elements != NULL && element->elements->len > 0)
    return build_container (self, element, FALSE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  label = new_wrapping_label (_("Unsupported content"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "rich-alt");
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

static GtkWidget *
build_element (ConfabRichView    *self,
               ConfabRichElement *element,
               gboolean           is_card)
{
  switch (element->type)
    {
    case CONFAB_RICH_VERTICAL:
    case CONFAB_RICH_HORIZONTAL:
    case CONFAB_RICH_LIST:
      return build_container (self, element, is_card);
    case CONFAB_RICH_CAROUSEL:
      return build_carousel (self, element);
    case CONFAB_RICH_TEXT:
      return build_text (element);
    case CONFAB_RICH_IMAGE:
      return build_image (self, element);
    case CONFAB_RICH_BUTTON:
      return build_button (self, element);
    case CONFAB_RICH_MAP:
      return build_map (self, element);
    case CONFAB_RICH_UNKNOWN:
    default:
      return build_unknown (self, element);
    }
}

/* Chips wrap like words: as many on a line as fit, at most per_line, each as wide as its
 * title (a GtkFlowBox would line them up in columns). GTK 4.8 has no such layout. */

#define CONFAB_TYPE_WRAP_LAYOUT (confab_wrap_layout_get_type ())
G_DECLARE_FINAL_TYPE (ConfabWrapLayout, confab_wrap_layout, CONFAB, WRAP_LAYOUT, GtkLayoutManager)

struct _ConfabWrapLayout
{
  GtkLayoutManager parent_instance;
  int spacing;
  guint per_line;
};

G_DEFINE_FINAL_TYPE (ConfabWrapLayout, confab_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

/* Lays the children out in width (or only measures, when allocate is FALSE); the height. */
static int
wrap_lines (ConfabWrapLayout *self,
            GtkWidget        *widget,
            int               width,
            gboolean          allocate)
{
  int x = 0, y = 0, line_height = 0;
  guint on_line = 0;
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min_w, nat_w, child_w, child_h, nat_h;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
      child_w = MIN (nat_w, MAX (width, min_w));
      if (on_line > 0 && (x + child_w > width || on_line >= self->per_line))
        {
          x = 0;
          y += line_height + self->spacing;
          line_height = 0;
          on_line = 0;
        }
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_w, &child_h, &nat_h, NULL, NULL);
      child_h = MAX (child_h, nat_h);
      if (allocate)
        gtk_widget_size_allocate (child,
                                  &(GtkAllocation) { rtl ? width - x - child_w : x, y, child_w, child_h }, -1);
      x += child_w + self->spacing;
      line_height = MAX (line_height, child_h);
      on_line++;
    }
  return y + line_height;
}

static GtkSizeRequestMode
confab_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                     GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
confab_wrap_layout_measure (GtkLayoutManager *manager,
                            GtkWidget        *widget,
                            GtkOrientation    orientation,
                            int               for_size,
                            int              *minimum,
                            int              *natural,
                            int              *minimum_baseline,
                            int              *natural_baseline)
{
  ConfabWrapLayout *self = CONFAB_WRAP_LAYOUT (manager);
  int min = 0, nat = 0;
  guint on_line = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* at least the widest chip; at most per_line of them side by side */
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_min, child_nat;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, &child_nat, NULL, NULL);
          min = MAX (min, child_min);
          if (on_line < self->per_line)
            nat += (on_line > 0 ? self->spacing : 0) + child_nat;
          on_line++;
        }
      nat = MAX (nat, min);
    }
  else
    {
      int width = for_size;

      if (width < 0)
        confab_wrap_layout_measure (manager, widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
      min = nat = wrap_lines (self, widget, width, FALSE);
    }

  if (minimum != NULL)
    *minimum = min;
  if (natural != NULL)
    *natural = nat;
}

static void
confab_wrap_layout_allocate (GtkLayoutManager *manager,
                             GtkWidget        *widget,
                             int               width,
                             int               height,
                             int               baseline)
{
  wrap_lines (CONFAB_WRAP_LAYOUT (manager), widget, width, TRUE);
}

static void
confab_wrap_layout_class_init (ConfabWrapLayoutClass *klass)
{
  GtkLayoutManagerClass *manager_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  manager_class->get_request_mode = confab_wrap_layout_get_request_mode;
  manager_class->measure = confab_wrap_layout_measure;
  manager_class->allocate = confab_wrap_layout_allocate;
}

static void
confab_wrap_layout_init (ConfabWrapLayout *self)
{
  self->spacing = 6;
  self->per_line = CONFAB_QUICK_REPLIES_MAX_PER_ROW;
}

/* Quick replies */

static GtkWidget *
build_chip (ConfabRichView    *self,
            ConfabRichElement *chip)
{
  GtkWidget *button = new_action_button (self, chip);
  GtkWidget *label = gtk_label_new (chip->title);
  /* Translators: one of the answers offered under a message; %s is its title */
  g_autofree char *name = g_strdup_printf (_("Quick reply: %s"), chip->title);

  /* Long titles are cut on screen (the tooltip and the name keep them whole). */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), CONFAB_QUICK_REPLY_TITLE_MAX_CHARS);
  apply_style (GTK_LABEL (label), &chip->style, FALSE);
  gtk_button_set_child (GTK_BUTTON (button), label);
  if (chip->tooltip == NULL && g_utf8_strlen (chip->title, -1) > CONFAB_QUICK_REPLY_TITLE_MAX_CHARS)
    gtk_widget_set_tooltip_text (button, chip->title);
  set_name (button, name);
  gtk_widget_add_css_class (button, "rich-chip");
  return button;
}

/* The widget */

ConfabHostedFile *
confab_rich_view_get_file (ConfabRichView *self)
{
  g_return_val_if_fail (CONFAB_IS_RICH_VIEW (self), NULL);
  return self->file;
}

ConfabRichContent *
confab_rich_view_get_content (ConfabRichView *self)
{
  g_return_val_if_fail (CONFAB_IS_RICH_VIEW (self), NULL);
  return self->content;
}

ConfabQuickReplies *
confab_rich_view_get_quick_replies (ConfabRichView *self)
{
  g_return_val_if_fail (CONFAB_IS_RICH_VIEW (self), NULL);
  return self->quick_replies;
}

static void
confab_rich_view_dispose (GObject *object)
{
  ConfabRichView *self = CONFAB_RICH_VIEW (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (confab_rich_view_parent_class)->dispose (object);
}

static void
confab_rich_view_finalize (GObject *object)
{
  ConfabRichView *self = CONFAB_RICH_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->content, confab_rich_content_unref);
  g_clear_pointer (&self->quick_replies, confab_quick_replies_unref);
  g_clear_pointer (&self->file, confab_hosted_file_unref);

  G_OBJECT_CLASS (confab_rich_view_parent_class)->finalize (object);
}

static void
confab_rich_view_class_init (ConfabRichViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_rich_view_dispose;
  object_class->finalize = confab_rich_view_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "richview");
  /* Only a holder: a screen reader reads the card or the chips in it, not GTK's stand-in
   * name for an unnamed widget (its type name) */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);

  /* ConfabRichView::clicked: (element) a button, image, map or chip was pressed; the
   * element is the view's content's (or quick replies') own */
  signals[SIGNAL_CLICKED] =
    g_signal_new ("clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
confab_rich_view_init (ConfabRichView *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
confab_rich_view_new (ConfabRichContent *content)
{
  ConfabRichView *self;
  GtkWidget *root;
  gboolean is_card;

  g_return_val_if_fail (content != NULL, NULL);

  self = g_object_new (CONFAB_TYPE_RICH_VIEW, NULL);
  self->content = confab_rich_content_ref (content);
  /* The whole content is one card, read as one group. */
  is_card = content->root->type == CONFAB_RICH_VERTICAL || content->root->type == CONFAB_RICH_HORIZONTAL ||
            content->root->type == CONFAB_RICH_LIST;
  root = build_element (self, content->root, is_card);
  if (is_card)
    {
      g_autofree char *text = confab_rich_content_dup_text (content);

      set_name (root, text);
    }
  gtk_widget_set_parent (root, GTK_WIDGET (self));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (dark_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

GtkWidget *
confab_rich_view_new_quick_replies (ConfabQuickReplies *quick_replies)
{
  ConfabRichView *self;
  ConfabWrapLayout *layout;

  g_return_val_if_fail (quick_replies != NULL, NULL);

  self = g_object_new (CONFAB_TYPE_RICH_VIEW, "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP, NULL);
  self->quick_replies = confab_quick_replies_ref (quick_replies);
  layout = g_object_new (CONFAB_TYPE_WRAP_LAYOUT, NULL);
  if (quick_replies->items_per_row > 0)
    layout->per_line = quick_replies->items_per_row;
  gtk_widget_set_layout_manager (GTK_WIDGET (self), GTK_LAYOUT_MANAGER (layout));
  for (guint i = 0; i < quick_replies->replies->len; i++)
    gtk_widget_set_parent (build_chip (self, g_ptr_array_index (quick_replies->replies, i)), GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "rich-chips");
  set_name (GTK_WIDGET (self), _("Quick Replies"));
  return GTK_WIDGET (self);
}

/* Hosted files */

static void
preview_decoded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ImageLoad *load = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = confab_image_loader_decode_finish (result, &error);
  if (texture != NULL)
    {
      gtk_picture_set_paintable (load->picture, GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (load->stack, "picture");
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Preview not shown: %s", error->message);
  g_object_unref (load->stack);
  g_object_unref (load->picture);
  g_free (load);
}

static void
file_clicked_cb (GtkButton      *button,
                 ConfabRichView *self)
{
  g_signal_emit (self, signals[SIGNAL_CLICKED], 0, NULL);
}

GtkWidget *
confab_rich_view_new_file (ConfabHostedFile *file)
{
  ConfabRichView *self;
  GtkWidget *button = gtk_button_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *picture = gtk_picture_new ();
  g_autoptr(GBytes) preview = NULL;
  g_autofree char *name = NULL;
  gboolean image;
  const char *caption;

  g_return_val_if_fail (file != NULL, NULL);

  self = g_object_new (CONFAB_TYPE_RICH_VIEW, NULL);
  self->file = confab_hosted_file_ref (file);
  image = confab_file_type_is_image (file->file_type);
  caption = file->caption != NULL && *file->caption != '\0' ? file->caption : NULL;

  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_stack_add_named (GTK_STACK (stack),
                       image_status (image ? "image-x-generic-symbolic" : "text-x-generic-symbolic",
                                     file->file_type_name), "icon");
  gtk_stack_add_named (GTK_STACK (stack), picture, "picture");
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "icon");
  gtk_widget_set_size_request (stack, 200, IMAGE_HEIGHT);
  gtk_widget_add_css_class (stack, "rich-image");
  gtk_widget_set_overflow (stack, GTK_OVERFLOW_HIDDEN);

  /* The thumbnail the message carries; the file itself only when asked for. */
  preview = confab_hosted_file_dup_preview_bytes (file);
  if (preview != NULL)
    {
      ImageLoad *load = g_new0 (ImageLoad, 1);

      load->stack = g_object_ref (GTK_STACK (stack));
      load->picture = g_object_ref (GTK_PICTURE (picture));
      confab_image_loader_decode_async (preview, self->cancellable, preview_decoded_cb, load);
    }

  gtk_button_set_child (GTK_BUTTON (button), stack);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "rich-image-button");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  if (image)
    /* Translators: a photo in a message, read out; %s is its caption */
    name = caption != NULL ? g_strdup_printf (_("Photo: %s"), caption) : g_strdup (_("Photo"));
  else
    /* Translators: a file in a message, read out; %s is its caption */
    name = caption != NULL ? g_strdup_printf (_("File: %s"), caption) : g_strdup (_("File"));
  set_name (button, name);
  gtk_widget_set_tooltip_text (button, image ? _("Open the photo") : _("Open the file"));
  g_signal_connect_object (button, "clicked", G_CALLBACK (file_clicked_cb), self, 0);
  gtk_widget_set_parent (button, GTK_WIDGET (self));
  return GTK_WIDGET (self);
}
