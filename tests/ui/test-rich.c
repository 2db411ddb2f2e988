/* test-rich.c: cards, carousels and quick replies in the window, pressed through the widgets
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The local service plays the agent; images come from a small HTTP server of the test's own
 * on 127.0.0.1, as from a brand's web server.
 * With CONFAB_TEST_SCREENSHOTS set to a folder, the window is saved there as PNG files.
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "session-test-util.h"
#include "ui-test-util.h"
#include "confab-agent-bot.h"
#include "confab-agent-content.h"
#include "confab-event-row.h"
#include "confab-image-loader.h"
#include "confab-message-row.h"
#include "confab-rich-view.h"
#include "confab-server.h"
#include "confab-survey-dialog.h"
#include "confab-window.h"
#include "confab-window-private.h"

static GtkApplication *the_app;

typedef struct
{
  ConfabServer *server;
  ConfabAccount *account;
  ConfabSession *session;
  ConfabWindow *window;
  SoupServer *images;
  char *images_base;
  guint image_requests;
  GPtrArray *opened;        /* uris the window opened */
} Fixture;

static GBytes *
png_bytes (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 180);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static void
image_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *f = user_data;

  f->image_requests++;
  if (g_str_equal (path, "/product.png") || g_str_has_prefix (path, "/n/"))
    {
      g_autoptr(GBytes) png = png_bytes ();

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (png, NULL), g_bytes_get_size (png));
    }
  else if (g_str_equal (path, "/huge.png"))
    {
      /* a PNG's first bytes, then more than Confab takes */
      gsize size = CONFAB_IMAGE_MAX_SIZE + 1024;
      char *data = g_malloc0 (size);

      memcpy (data, "\x89PNG\r\n\x1a\n", 8);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_TAKE, data, size);
    }
  else if (g_str_equal (path, "/page.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC, "<html></html>", 13);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
open_hook (const char *uri,
           gpointer    user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->opened, g_strdup (uri));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  f->server = session_test_server_new ();
  f->account = session_test_account_new (f->server);
  f->session = session_test_session_new (f->account, NULL);

  f->images = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->images, NULL, image_handler, f, NULL);
  g_assert_true (soup_server_listen_local (f->images, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->images);
  f->images_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  f->opened = g_ptr_array_new_with_free_func (g_free);
  _confab_rich_set_open_hook (open_hook, f);

  f->window = confab_test_window_new (the_app, f->session, 700);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  _confab_rich_set_open_hook (NULL, NULL);
  gtk_window_destroy (GTK_WINDOW (f->window));
  session_test_close (&f->server, &f->account, &f->session);
  soup_server_disconnect (f->images);
  g_clear_object (&f->images);
  g_free (f->images_base);
  g_ptr_array_unref (f->opened);
  session_test_drain ();
}

/* The shared helpers, under the names the tests here use: the messages of the list, not
 * the rows for events of the conversation (test-senders.c looks at those); the agent's
 * structured content or text with quick replies, as the local service's agent sends them. */
#define n_rows(f)                               session_test_n_messages ((f)->session)
#define newest(f)                               session_test_newest ((f)->session)
#define row_for(f, message)                     confab_test_message_row_for ((f)->window, message)
#define agent_sends_rich(f, content, metadata)  session_test_agent_sends_rich ((f)->server, (f)->session, content, metadata)
#define agent_sends_text(f, text, chips)        session_test_agent_sends_text ((f)->server, (f)->session, text, chips)

static gboolean
stands_for (GtkWidget     *widget,
            gconstpointer  what)
{
  const ConfabRichElement *element = confab_rich_view_widget_get_element (widget);

  return element != NULL && (g_strcmp0 (element->title, what) == 0 || g_strcmp0 (element->url, what) == 0 ||
                             g_strcmp0 (element->tooltip, what) == 0);
}

/* The first widget under root, in order, that stands for an element whose title (or, for
 * an image, url) is what; visible ones only. */
static GtkWidget *
find_element_widget (GtkWidget  *root,
                     const char *what)
{
  return confab_test_find_widget (root, TRUE, stands_for, what);
}

static gboolean
is_visible_of_type (GtkWidget     *widget,
                    gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *) type) && gtk_widget_get_visible (widget);
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  return confab_test_find_widget (root, FALSE, is_visible_of_type, &type);
}

static gboolean
is_visible_label (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  return confab_test_find_widget (root, FALSE, is_visible_label, text);
}

static void
start_conversation (Fixture *f)
{
  guint before = n_rows (f);
  ConfabMessage *first;

  confab_test_type_and_send (f->window, "I need a new lamp");
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == before + 1, 5000);
  first = newest (f);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (first) >= CONFAB_DELIVERY_SENT, 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_OPEN, 10000);
}

static JsonNode *
metadata_new (const char *id)
{
  g_autofree char *json = g_strdup_printf ("[{\"type\":\"ExternalId\",\"id\":\"%s\"}]", id);

  return json_from_string (json, NULL);
}

static ConfabRichElement *
button_new (const char *title,
            const char *text,
            const char *metadata_id)
{
  ConfabRichElement *button = confab_rich_element_new_button (title);

  confab_rich_element_add_action (button, confab_rich_action_new_publish_text (text));
  if (metadata_id != NULL)
    button->click->metadata = metadata_new (metadata_id);
  return button;
}

static ConfabRichElement *
card_new (Fixture    *f,
          const char *name,
          const char *image,
          const char *price)
{
  ConfabRichElement *card = confab_rich_element_new (CONFAB_RICH_VERTICAL);
  ConfabRichElement *title = confab_rich_element_new_text (name);
  ConfabRichElement *details = confab_rich_element_new_button ("Details");
  g_autofree char *url = g_strdup_printf ("%s/%s", f->images_base, image);
  g_autofree char *buy_text = g_strdup_printf ("Buy the %s", name);
  ConfabRichElement *picture = confab_rich_element_new_image (url);

  picture->caption = g_strdup ("Brass, 40 cm");
  confab_rich_element_add (card, picture);
  title->style.bold = TRUE;
  title->style.size = CONFAB_RICH_SIZE_LARGE;
  confab_rich_element_add (card, title);
  confab_rich_element_add (card, confab_rich_element_new_text (price));
  confab_rich_element_add (card, button_new ("Buy", buy_text, "buy-1"));
  confab_rich_element_add_action (details, confab_rich_action_new_link ("https://example.com/lamps/1"));
  confab_rich_element_add (card, details);
  return card;
}

static ConfabQuickReplies *
chips_new (void)
{
  ConfabQuickReplies *chips = confab_quick_replies_new (4);
  ConfabRichElement *site = confab_rich_element_new_button ("Our website");

  confab_quick_replies_add (chips, button_new ("Yes", "yep", "Yes-1234"));
  confab_quick_replies_add (chips, button_new ("No, thanks", "No, thanks", "No-4321"));
  confab_quick_replies_add (chips, button_new ("Talk to someone about it at length, please",
                                               "Talk to someone", NULL));
  confab_rich_element_add_action (site, confab_rich_action_new_link ("https://example.com/"));
  confab_quick_replies_add (chips, site);
  return chips;
}

/* The frames the consumer published, oldest first, as text. */
static char *
published (Fixture *f)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_PUBLISH_EVENT, NULL);

  return json_to_string (log, FALSE);
}

/* The ACTION for sequence with the metadata, and after it the text with the same. */
static void
assert_action_then_text (Fixture    *f,
                         gint64      sequence,
                         const char *metadata_id,
                         const char *text)
{
  g_autofree char *log = published (f);
  g_autofree char *action = g_strdup_printf ("\"status\":\"ACTION\",\"sequenceList\":[%" G_GINT64_FORMAT "]}},"
                                             "\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"%s\"}]",
                                             sequence, metadata_id);
  g_autofree char *reply = g_strdup_printf ("\"message\":\"%s\"}},\"metadata\":[{\"type\":\"ExternalId\",\"id\":\"%s\"}]",
                                            text, metadata_id);
  const char *a = strstr (log, action);
  const char *r = strstr (log, reply);

  g_assert_nonnull (a);
  g_assert_nonnull (r);
  g_assert_true (a < r);
  g_assert_null (strstr (a + 1, action));
}

static void
save_window_screenshot (GtkWidget  *window,
                        const char *name)
{
  const char *dir = g_getenv ("CONFAB_TEST_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  /* the page's cross-fade and the images' arrival are over */
  confab_test_spin (800);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
save_screenshot (Fixture    *f,
                 const char *name)
{
  save_window_screenshot (GTK_WIDGET (f->window), name);
}

/* A card: named as one group, its parts named as they are read; the image comes from the
 * network and is kept on disk; Buy sends ACTION and then its text, the row of the answer
 * shows up; Details opens its link (and tells nothing: no metadata). */
static void
test_card (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ConfabRichContent) content = NULL;
  g_autofree char *image_url = g_strdup_printf ("%s/product.png", f->images_base);
  g_autofree char *cache_dir = NULL;
  ConfabMessage *message;
  ConfabMessageRow *row;
  GtkWidget *view, *buy, *image, *group;
  gint64 sequence;

  start_conversation (f);
  content = confab_rich_content_new (card_new (f, "Desk Lamp", "product.png", "€ 49"));
  sequence = agent_sends_rich (f, content, NULL);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  message = newest (f);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, message)) != NULL, 5000);

  view = find_type (GTK_WIDGET (row), CONFAB_TYPE_RICH_VIEW);
  g_assert_nonnull (view);
  group = gtk_widget_get_first_child (view);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (group), GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (group), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Image: Brass, 40 cm\nDesk Lamp\n€ 49\nButton: Buy\nButton: Details");
  /* the row's name is the same text */
  {
    g_autofree char *label = confab_message_row_dup_label (row);

    g_assert_nonnull (strstr (label, "Button: Buy"));
  }

  buy = find_element_widget (view, "Buy");
  g_assert_true (GTK_IS_BUTTON (buy));
  g_assert_true (gtk_widget_get_focusable (buy));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (buy), GTK_ACCESSIBLE_PROPERTY_LABEL, "Button: Buy");
  image = find_element_widget (view, image_url);
  g_assert_nonnull (image);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "Image: Brass, 40 cm");
  {
    GtkWidget *stack = find_type (image, GTK_TYPE_STACK);

    CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "picture") == 0, 10000);
  }
  cache_dir = confab_image_loader_dup_cache_dir ();
  g_assert_true (g_file_test (cache_dir, G_FILE_TEST_IS_DIR));
  save_screenshot (f, "card.png");

  g_assert_true (gtk_widget_activate (buy));
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 3, 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (newest (f)) >= CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpstr (confab_message_get_text (newest (f)), ==, "Buy the Desk Lamp");
  assert_action_then_text (f, sequence, "buy-1", "Buy the Desk Lamp");

  /* rows are bound again as the list grows: the card's row anew */
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, message)) != NULL, 5000);
  view = find_type (GTK_WIDGET (row), CONFAB_TYPE_RICH_VIEW);
  g_assert_true (gtk_widget_activate (find_element_widget (view, "Details")));
  /* a button activated by keyboard shows itself pressed for a moment first */
  CONFAB_TEST_WAIT_UNTIL (f->opened->len == 1, 5000);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==, "https://example.com/lamps/1");
  g_assert_cmpuint (n_rows (f), ==, 3);
}

/* A carousel scrolls by keyboard: each card takes the focus, Right and Left move between
 * them, and a focused card is scrolled into view. */
static void
test_carousel (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ConfabRichContent) content = NULL;
  ConfabRichElement *carousel = confab_rich_element_new (CONFAB_RICH_CAROUSEL);
  const char *names[] = { "Desk Lamp", "Floor Lamp", "Night Light", "Reading Lamp" };
  GtkWidget *view, *first, *second, *scroller;
  GtkEventController *keys = NULL;
  ConfabMessageRow *row;
  gboolean handled = FALSE;

  start_conversation (f);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    confab_rich_element_add (carousel, card_new (f, names[i], i == 3 ? "huge.png" : "product.png", "€ 49"));
  content = confab_rich_content_new (carousel);
  agent_sends_rich (f, content, NULL);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, newest (f))) != NULL, 5000);
  view = find_type (GTK_WIDGET (row), CONFAB_TYPE_RICH_VIEW);
  scroller = find_type (view, GTK_TYPE_SCROLLED_WINDOW);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (scroller), GTK_ACCESSIBLE_PROPERTY_LABEL, "4 cards");

  {
    GtkWidget *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
    GtkWidget *cards = gtk_viewport_get_child (GTK_VIEWPORT (viewport));

    first = gtk_widget_get_first_child (cards);
  }
  g_assert_nonnull (first);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (first), GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (first), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Image: Brass, 40 cm\nDesk Lamp\n€ 49\nButton: Buy\nButton: Details");
  second = gtk_widget_get_next_sibling (first);
  g_assert_true (gtk_widget_get_focusable (first));
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 10000);
  g_assert_true (gtk_widget_grab_focus (first));

  /* Right: the next card */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (first);

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && keys == NULL; i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          keys = GTK_EVENT_CONTROLLER (controller);
      }
  }
  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_true (gtk_widget_has_focus (second));
  save_screenshot (f, "carousel.png");
  /* The fourth card's image is too big to fetch: its caption stands in for it. */
  {
    g_autofree char *url = g_strdup_printf ("%s/huge.png", f->images_base);
    GtkWidget *image = find_element_widget (view, url);
    GtkWidget *stack = find_type (image, GTK_TYPE_STACK);

    CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "failed") == 0, 10000);
  }
}

/* Tab goes through a carousel's cards in order, into each card's buttons; each card the
 * focus enters is scrolled whole into view, clear of the arrows over the edges. */
static void
test_carousel_tab (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ConfabRichContent) content = NULL;
  ConfabRichElement *carousel = confab_rich_element_new (CONFAB_RICH_CAROUSEL);
  const char *names[] = { "Desk Lamp", "Floor Lamp", "Night Light", "Reading Lamp", "Wall Lamp" };
  GtkWidget *view, *scroller, *cards;
  ConfabMessageRow *row;
  int last_card = 0;
  guint buttons = 0;

  start_conversation (f);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    confab_rich_element_add (carousel, card_new (f, names[i], "product.png", "€ 49"));
  content = confab_rich_content_new (carousel);
  agent_sends_rich (f, content, NULL);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, newest (f))) != NULL, 5000);
  view = find_type (GTK_WIDGET (row), CONFAB_TYPE_RICH_VIEW);
  scroller = find_type (view, GTK_TYPE_SCROLLED_WINDOW);
  cards = gtk_viewport_get_child (GTK_VIEWPORT (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller))));
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 10000);
  /* wider than the row: it scrolls */
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_width (scroller) > 0 &&
                          gtk_widget_get_width (cards) > gtk_widget_get_width (scroller), 5000);
  g_assert_true (gtk_widget_grab_focus (gtk_widget_get_first_child (cards)));

  for (;;)
    {
      GtkWidget *focus, *card;
      graphene_rect_t bounds;
      int index = 0;

      gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD);
      focus = gtk_window_get_focus (GTK_WINDOW (f->window));
      for (card = focus; card != NULL && gtk_widget_get_parent (card) != cards; card = gtk_widget_get_parent (card))
        ;
      if (card == NULL)
        break;
      for (GtkWidget *c = gtk_widget_get_first_child (cards); c != card; c = gtk_widget_get_next_sibling (c))
        index++;
      g_assert_cmpint (index, >=, last_card);
      g_assert_cmpint (index, <=, last_card + 1);
      last_card = index;
      g_assert_true (GTK_IS_BUTTON (focus));
      {
        const ConfabRichElement *element = confab_rich_view_widget_get_element (focus);
        g_autofree char *name = g_strdup_printf ("Button: %s", element->title);

        gtk_test_accessible_assert_property (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
      }
      buttons++;
      confab_test_spin (50);
      g_assert_true (gtk_widget_compute_bounds (card, scroller, &bounds));
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (scroller));
    }
  g_assert_cmpint (last_card, ==, G_N_ELEMENTS (names) - 1);
  g_assert_cmpuint (buttons, ==, 2 * G_N_ELEMENTS (names));
}

/* Quick replies: chips under the newest message, named and reachable; one pressed sends the
 * two frames, the chips go and the focus goes to the composer. */
static void
test_quick_replies (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  ConfabMessage *message;
  ConfabMessageRow *row;
  GtkWidget *yes, *long_chip;
  gint64 sequence;

  start_conversation (f);
  sequence = agent_sends_text (f, "Shall I reserve one for you?", chips);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  message = newest (f);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, message)) != NULL, 5000);

  yes = find_element_widget (GTK_WIDGET (row), "Yes");
  g_assert_true (GTK_IS_BUTTON (yes));
  g_assert_true (gtk_widget_get_mapped (yes));
  g_assert_true (gtk_widget_get_focusable (yes));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (gtk_widget_get_parent (yes)), GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (yes)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Quick Replies");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (yes), GTK_ACCESSIBLE_PROPERTY_LABEL, "Quick reply: Yes");
  long_chip = find_element_widget (GTK_WIDGET (row), "Talk to someone about it at length, please");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (long_chip), ==, "Talk to someone about it at length, please");
  save_screenshot (f, "chips.png");
  g_assert_true (gtk_widget_activate (yes));
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 3, 5000);
  g_assert_false (confab_message_get_replies_active (message));
  row = row_for (f, message);
  g_assert_null (find_element_widget (GTK_WIDGET (row), "Yes"));
  g_assert_true (gtk_widget_has_focus (_confab_window_get_composer (f->window)));
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (newest (f)) >= CONFAB_DELIVERY_SENT, 10000);
  assert_action_then_text (f, sequence, "Yes-1234", "yep");
}

/* The chips go while the person writes and come back when the composer is emptied with
 * nothing sent; the focus stays where it was. A chip that has the focus when a newer message
 * takes the chips away leaves the focus with the composer, not nowhere. */
static void
test_chips_while_writing (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *composer = _confab_window_get_composer (f->window);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (composer));
  ConfabMessage *message;
  ConfabMessageRow *row;
  GtkWidget *yes;

  start_conversation (f);
  agent_sends_text (f, "Shall I reserve one for you?", chips);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  message = newest (f);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, message)) != NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->window)), 10000);
  g_assert_nonnull (find_element_widget (GTK_WIDGET (row), "Yes"));

  g_assert_true (gtk_widget_grab_focus (composer));
  gtk_text_buffer_insert_at_cursor (buffer, "M", -1);
  g_assert_null (find_element_widget (GTK_WIDGET (row), "Yes"));
  g_assert_true (gtk_widget_has_focus (composer));
  gtk_text_buffer_insert_at_cursor (buffer, "aybe", -1);
  gtk_text_buffer_set_text (buffer, "", -1);
  g_assert_nonnull (yes = find_element_widget (GTK_WIDGET (row), "Yes"));
  g_assert_true (gtk_widget_has_focus (composer));

  /* on a chip when the agent writes again */
  g_assert_true (gtk_widget_grab_focus (yes));
  g_assert_true (gtk_widget_has_focus (yes));
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "Still there?", &error), >=, 0);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 3, 5000);
  CONFAB_TEST_WAIT_UNTIL (find_element_widget (GTK_WIDGET (row_for (f, message)), "Yes") == NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_has_focus (composer), 5000);
  g_assert_false (confab_message_get_replies_chosen (message));
}

/* Labels under root showing text, on screen */
static guint
count_shown_labels (GtkWidget  *root,
                    const char *text)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        n++;
      n += count_shown_labels (child, text);
    }
  return n;
}

/* An image that cannot be shown says what it is of once: its caption under the placeholder,
 * or, without one, its tooltip in it. */
static void
test_image_failed (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ConfabRichContent) content = NULL;
  ConfabRichElement *root = confab_rich_element_new (CONFAB_RICH_VERTICAL);
  ConfabRichElement *captioned = confab_rich_element_new_image ("http://example.com/lamp.png");
  ConfabRichElement *tooltipped = confab_rich_element_new_image ("http://example.com/mug.png");
  ConfabMessageRow *row;

  start_conversation (f);
  captioned->caption = g_strdup ("A brass lamp");
  confab_rich_element_add (root, captioned);
  tooltipped->tooltip = g_strdup ("A green mug");
  confab_rich_element_add (root, tooltipped);
  content = confab_rich_content_new (root);
  agent_sends_rich (f, content, NULL);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, newest (f))) != NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (row)), 5000);
  g_assert_cmpuint (count_shown_labels (GTK_WIDGET (row), "A brass lamp"), ==, 1);
  g_assert_cmpuint (count_shown_labels (GTK_WIDGET (row), "A green mug"), ==, 1);
}

/* What Confab does not know shows its alt text; a map is a button that opens the place. */
static void
test_unknown_and_map (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ConfabRichContent) content = NULL;
  ConfabRichElement *root = confab_rich_element_new (CONFAB_RICH_VERTICAL);
  ConfabRichElement *unknown = confab_rich_element_new (CONFAB_RICH_UNKNOWN);
  ConfabRichElement *map = confab_rich_element_new_map (52.52, 13.405);
  ConfabMessageRow *row;
  GtkWidget *button;

  start_conversation (f);
  unknown->type_name = g_strdup ("checklist");
  unknown->alt = g_strdup ("Pick the colours you like");
  confab_rich_element_add (root, unknown);
  map->tooltip = g_strdup ("Our store");
  confab_rich_element_add (root, map);
  content = confab_rich_content_new (root);
  agent_sends_rich (f, content, NULL);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, newest (f))) != NULL, 5000);

  g_assert_nonnull (find_label (GTK_WIDGET (row), "Pick the colours you like"));
  button = find_element_widget (GTK_WIDGET (row), "Our store");
  g_assert_true (GTK_IS_BUTTON (button));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Map: Our store");
  g_assert_true (gtk_widget_activate (button));
  CONFAB_TEST_WAIT_UNTIL (f->opened->len == 1, 5000);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==,
                   "https://www.openstreetmap.org/?mlat=52.520000&mlon=13.405000#map=16/52.520000/13.405000");
}

/* Colours only when readable: dark blue on the light theme's bubble is kept, a pale grey
 * is dropped, a pair that fails together is dropped together; the check is made again when
 * the theme goes dark. */
static void
test_colours (void)
{
  struct { const char *fg; const char *bg; gboolean kept; } cases[] = {
    { "#1a237e", NULL, TRUE },
    { "#eeeeee", NULL, FALSE },
    { "#ffffff", "#1a237e", TRUE },
    { "#777777", "#888888", FALSE },
    { NULL, "#111111", FALSE },  /* the theme's dark text on black */
  };

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabRichElement *text = confab_rich_element_new_text ("Sale");
      g_autoptr(ConfabRichContent) content = NULL;
      GtkWidget *view;
      GtkWidget *label;
      PangoAttrList *attrs;
      g_autofree char *attrs_text = NULL;

      text->style.color = g_strdup (cases[i].fg);
      text->style.background_color = g_strdup (cases[i].bg);
      text->style.italic = TRUE;
      content = confab_rich_content_new (text);
      view = g_object_ref_sink (confab_rich_view_new (content));
      label = find_label (view, "Sale");
      g_assert_nonnull (label);
      attrs = gtk_label_get_attributes (GTK_LABEL (label));
      attrs_text = pango_attr_list_to_string (attrs);
      g_assert_nonnull (strstr (attrs_text, "style italic"));
      g_assert_true ((strstr (attrs_text, "foreground") != NULL || strstr (attrs_text, "background") != NULL)
                     == cases[i].kept);
      g_object_unref (view);
    }

  /* dark blue, readable on the light bubble, is dropped when the theme goes dark */
  {
    ConfabRichElement *text = confab_rich_element_new_text ("Sale");
    g_autoptr(ConfabRichContent) content = NULL;
    g_autofree char *light = NULL, *dark = NULL;
    GtkWidget *view;
    GtkWidget *label;

    text->style.color = g_strdup ("#1a237e");
    content = confab_rich_content_new (text);
    view = g_object_ref_sink (confab_rich_view_new (content));
    label = find_label (view, "Sale");
    light = pango_attr_list_to_string (gtk_label_get_attributes (GTK_LABEL (label)));
    g_assert_nonnull (strstr (light, "foreground"));
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
    g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
    dark = pango_attr_list_to_string (gtk_label_get_attributes (GTK_LABEL (label)));
    g_assert_null (strstr (dark, "foreground"));
    g_object_unref (view);
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

/* The CSATRate fields the consumer sent, as text, oldest first */
static GPtrArray *
survey_fields (Fixture *f)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_UPDATE_CONVERSATION, NULL);
  JsonArray *entries = json_node_get_array (log);
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *frame = json_object_get_object_member (json_array_get_object_element (entries, i), "frame");
      JsonObject *body = json_object_get_object_member (frame, "body");
      JsonNode *field = json_array_get_element (json_object_get_array_member (body, "conversationField"), 0);
      g_autofree char *text = json_to_string (field, FALSE);

      if (strstr (text, "\"CSATRate\"") != NULL)
        g_ptr_array_add (fields, g_steal_pointer (&text));
    }
  return fields;
}

/* The agent closes: the survey comes up, five named stars and a switch; four stars, resolved,
 * Send: sent once, and the dialog goes. */
static void
test_survey (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  GtkWidget *send;

  start_conversation (f);
  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  CONFAB_TEST_WAIT_UNTIL ((dialog = _confab_window_get_survey (f->window)) != NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (dialog), 5000);
  g_assert_cmpstr (confab_survey_dialog_get_conversation_id (CONFAB_SURVEY_DIALOG (dialog)), ==,
                   confab_session_get_conversation_id (f->session));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f->window));
  for (int i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Rate %d of 5 stars", i);
      GtkWidget *star = _confab_survey_dialog_get_star (CONFAB_SURVEY_DIALOG (dialog), i);

      g_assert_true (gtk_widget_get_focusable (star));
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (star), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
    }
  send = _confab_survey_dialog_get_send (CONFAB_SURVEY_DIALOG (dialog));
  g_assert_false (gtk_widget_get_sensitive (send));

  g_assert_true (gtk_widget_activate (_confab_survey_dialog_get_star (CONFAB_SURVEY_DIALOG (dialog), 4)));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_sensitive (send), 5000);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (_confab_survey_dialog_get_star (CONFAB_SURVEY_DIALOG (dialog), 4))));
  gtk_switch_set_active (GTK_SWITCH (_confab_survey_dialog_get_resolved (CONFAB_SURVEY_DIALOG (dialog))), TRUE);
  save_window_screenshot (dialog, "survey.png");
  g_assert_true (gtk_widget_activate (send));
  CONFAB_TEST_WAIT_UNTIL (_confab_window_get_survey (f->window) == NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL ((fields = survey_fields (f))->len == 1 || (g_ptr_array_unref (fields), FALSE), 5000);
  g_assert_cmpstr (g_ptr_array_index (fields, 0), ==,
                   "{\"field\":\"CSATRate\",\"csatRate\":4,\"csatResolutionConfirmation\":true,\"status\":\"FILLED\"}");

  /* a new conversation, closed by the person: the survey again; closing it skips */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-conversation", NULL));
  start_conversation (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.close-conversation", NULL));
  CONFAB_TEST_WAIT_UNTIL ((dialog = _confab_window_get_survey (f->window)) != NULL, 5000);
  gtk_window_close (GTK_WINDOW (dialog));
  CONFAB_TEST_WAIT_UNTIL (_confab_window_get_survey (f->window) == NULL, 5000);
  g_clear_pointer (&fields, g_ptr_array_unref);
  CONFAB_TEST_WAIT_UNTIL ((fields = survey_fields (f))->len == 2 || (g_ptr_array_unref (fields), FALSE), 5000);
  g_assert_nonnull (strstr (g_ptr_array_index (fields, 1), "\"status\":\"SKIPPED\""));
  confab_test_spin (300);
  g_clear_pointer (&fields, g_ptr_array_unref);
  fields = survey_fields (f);
  g_assert_cmpuint (fields->len, ==, 2);
}

/* What the service heard in a survey's dialog, as "TYPE/STATUS-or-message metadata" lines. */
static void
survey_event_cb (ConfabServer *server,
                 const char   *conversation_id,
                 gint64        sequence,
                 JsonNode     *event,
                 JsonNode     *metadata,
                 GString      *heard)
{
  JsonObject *object = json_node_get_object (event);
  g_autofree char *metadata_json = metadata != NULL ? json_to_string (metadata, FALSE) : g_strdup ("null");
  const char *what = json_object_get_string_member_with_default (object, "status",
                                                                  json_object_get_string_member_with_default (object, "message", ""));

  g_string_append_printf (heard, "%s/%s %s\n", json_object_get_string_member_with_default (object, "type", ""),
                          what, metadata_json);
}

/* The event row whose text is text, realised in the list, or NULL. */
static GtkWidget *
event_row_with (Fixture    *f,
                const char *text)
{
  GtkWidget *list = _confab_window_get_message_list (f->window);

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL; item = gtk_widget_get_next_sibling (item))
    for (GtkWidget *child = gtk_widget_get_first_child (item); child != NULL; child = gtk_widget_get_next_sibling (child))
      if (CONFAB_IS_EVENT_ROW (child) && gtk_widget_get_mapped (child))
        {
          g_autofree char *row_text = confab_event_row_dup_text (CONFAB_EVENT_ROW (child));

          if (g_str_has_prefix (row_text, text))
            return child;
        }
  return NULL;
}

/* The person closes and the account runs a post-conversation survey: no satisfaction
 * dialog; the bar offers to skip instead of a new conversation; the question's chips are
 * reachable with the keyboard and answer in the survey's dialog (ACTION and text with the
 * Answer metadata); when the survey completes, a row says so and a new conversation can
 * begin. A second survey is skipped with the bar's button. */
static void
test_post_survey (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const answer_ids[] = { "a-5", "a-1", NULL };
  static const char * const titles[] = { "Very good", "Poor", NULL };
  g_autoptr(ConfabQuickReplies) chips = confab_agent_content_new_answers ("q-1", answer_ids, titles);
  g_autoptr(GString) heard = g_string_new ("");
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation = NULL;
  GtkWidget *skip = _confab_window_get_skip_survey_button (f->window);
  ConfabMessage *question;
  ConfabMessageRow *row;
  GtkWidget *chip;

  confab_server_set_post_survey (f->server, TRUE);
  g_signal_connect (f->server, "survey-event", G_CALLBACK (survey_event_cb), heard);
  start_conversation (f);
  agent_sends_text (f, "Here is your lamp.", NULL);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.close-conversation", NULL));
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_survey_open (f->session), 5000);
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (skip), 5000);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (skip)), ==, "_Skip Survey");
  g_assert_true (gtk_widget_get_focusable (skip));
  g_assert_false (gtk_widget_get_visible (f->window->new_conversation_button));
  /* no new conversation while the survey runs */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-conversation", NULL);
  g_assert_cmpstr (confab_session_get_conversation_id (f->session), ==, conversation);

  g_assert_cmpint (confab_server_agent_send_survey (f->server, conversation, "How was our help today?", chips,
                                                    NULL, &error), >=, 0);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (confab_message_get_text (newest (f)), "How was our help today?") == 0, 5000);
  question = newest (f);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, question)) != NULL &&
                          find_element_widget (GTK_WIDGET (row), "Very good") != NULL, 5000);
  /* the legacy dialog stays away */
  confab_test_spin (300);
  g_assert_null (_confab_window_get_survey (f->window));
  save_screenshot (f, "post-survey.png");

  chip = find_element_widget (GTK_WIDGET (row), "Very good");
  g_assert_true (gtk_widget_get_focusable (chip));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chip), GTK_ACCESSIBLE_PROPERTY_LABEL, "Quick reply: Very good");
  g_assert_true (gtk_widget_grab_focus (chip));
  g_assert_true (gtk_widget_activate (chip));
  CONFAB_TEST_WAIT_UNTIL (strstr (heard->str, "ContentEvent/Very good") != NULL, 5000);
  g_assert_nonnull (strstr (heard->str, "AcceptStatusEvent/ACTION [{\"type\":\"Answer\",\"questionId\":\"q-1\",\"id\":\"a-5\""));
  g_assert_nonnull (strstr (heard->str, "ContentEvent/Very good [{\"type\":\"Answer\",\"questionId\":\"q-1\",\"id\":\"a-5\""));
  g_assert_false (confab_message_get_replies_active (question));

  g_assert_true (confab_server_agent_complete_survey (f->server, conversation, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (!confab_session_get_survey_open (f->session), 5000);
  CONFAB_TEST_WAIT_UNTIL (event_row_with (f, "Survey completed") != NULL, 5000);
  g_assert_false (gtk_widget_get_visible (skip));
  g_assert_true (gtk_widget_get_visible (f->window->new_conversation_button));
  confab_test_spin (300);
  g_assert_null (_confab_window_get_survey (f->window));

  /* a new conversation, and its survey skipped */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-conversation", NULL));
  start_conversation (f);
  g_assert_cmpstr (confab_session_get_conversation_id (f->session), !=, conversation);
  agent_sends_text (f, "Anything else?", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.close-conversation", NULL));
  CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (skip), 5000);
  gtk_widget_grab_focus (skip);
  g_assert_true (gtk_widget_activate (skip));
  CONFAB_TEST_WAIT_UNTIL (event_row_with (f, "Survey skipped") != NULL, 5000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_stage (f->session) == CONFAB_CONVERSATION_STATE_CLOSE, 5000);
  g_assert_false (gtk_widget_get_visible (skip));
  g_assert_true (gtk_widget_has_focus (_confab_window_get_composer (f->window)));
  confab_test_spin (300);
  g_assert_null (_confab_window_get_survey (f->window));
  g_signal_handlers_disconnect_by_data (f->server, heard);
}

/* A photo from the agent: its preview in a button named for it; nothing fetched before it
 * is pressed; pressed, it opens from a file with the photo's bytes. */
static void
test_file_received (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) png = png_bytes ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) opened = NULL;
  g_autoptr(GBytes) opened_bytes = NULL;
  g_autofree char *encoded = g_base64_encode (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_autofree char *preview = g_strconcat ("data:image/png;base64,", encoded, NULL);
  ConfabMessageRow *row;
  GtkWidget *view, *button, *stack;

  start_conversation (f);
  g_assert_cmpint (confab_server_agent_send_file (f->server, NULL, png, CONFAB_FILE_TYPE_PNG, "The lamp in our shop",
                                                  preview, NULL, &error), >, 0);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 5000);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, newest (f))) != NULL, 5000);
  g_assert_nonnull (confab_message_get_file (newest (f)));

  view = find_type (GTK_WIDGET (row), CONFAB_TYPE_RICH_VIEW);
  g_assert_nonnull (view);
  button = find_type (view, GTK_TYPE_BUTTON);
  g_assert_true (gtk_widget_get_focusable (button));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Photo: The lamp in our shop");
  g_assert_nonnull (find_label (GTK_WIDGET (row), "The lamp in our shop"));
  stack = find_type (button, GTK_TYPE_STACK);
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "picture") == 0, 5000);
  {
    g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_GENERATE_DOWNLOAD_URL, NULL);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (log)), ==, 0);
  }
  save_screenshot (f, "photo.png");

  g_assert_true (gtk_widget_activate (button));
  CONFAB_TEST_WAIT_UNTIL (f->opened->len == 1, 10000);
  opened = g_file_new_for_uri (g_ptr_array_index (f->opened, 0));
  opened_bytes = g_file_load_bytes (opened, NULL, NULL, NULL);
  g_assert_true (opened_bytes != NULL && g_bytes_equal (opened_bytes, png));
}

/* What cannot be sent is said at once and goes nowhere: not an image, over 3 MB. */
static void
test_photo_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) text = g_bytes_new_static ("%PDF-1.4", 8);
  gsize big_size = CONFAB_FILE_UPLOAD_MAX_SIZE + 1;
  guint8 *big_data = g_malloc0 (big_size);
  g_autoptr(GBytes) big = NULL;
  GtkWidget *bar = _confab_window_get_upload_bar (f->window);

  memcpy (big_data, "\x89PNG\r\n\x1a\n", 8);
  big = g_bytes_new_take (big_data, big_size);
  start_conversation (f);
  _confab_window_send_photo (f->window, text, "a.pdf");
  _confab_window_send_photo (f->window, big, "big.png");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));
  confab_test_spin (200);
  {
    g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_GENERATE_UPLOAD_URL, NULL);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (log)), ==, 0);
  }
}

/* A photo sent: the bar shows while it goes, the row shows it with its preview, the service
 * holds it; pressed, it is fetched and opened from a file with the same bytes. */
static void
test_photo_sent_and_opened (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) png = png_bytes ();
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GFile) opened = NULL;
  g_autoptr(GBytes) opened_bytes = NULL;
  GtkWidget *bar = _confab_window_get_upload_bar (f->window);
  ConfabHostedFile *file;
  ConfabMessage *message;
  ConfabMessageRow *row;
  GtkWidget *button, *stack;

  start_conversation (f);
  _confab_window_send_photo (f->window, png, "lamp.png");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) == 2, 10000);
  CONFAB_TEST_WAIT_UNTIL (!gtk_revealer_get_reveal_child (GTK_REVEALER (bar)), 10000);
  message = newest (f);
  g_assert_true (confab_message_get_own (message));
  file = confab_message_get_file (message);
  g_assert_nonnull (file);
  g_assert_cmpstr (file->caption, ==, "lamp.png");
  g_assert_nonnull (file->preview);
  g_assert_cmpuint (strlen (file->preview), <, CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (message) >= CONFAB_DELIVERY_SENT, 10000);
  stored = confab_server_dup_file (f->server, file->relative_path);
  g_assert_true (stored != NULL && g_bytes_equal (stored, png));

  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, message)) != NULL, 5000);
  button = find_type (find_type (GTK_WIDGET (row), CONFAB_TYPE_RICH_VIEW), GTK_TYPE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Photo: lamp.png");
  stack = find_type (button, GTK_TYPE_STACK);
  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "picture") == 0, 5000);
  save_screenshot (f, "photo-sent.png");

  g_assert_true (gtk_widget_activate (button));
  CONFAB_TEST_WAIT_UNTIL (f->opened->len == 1, 10000);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->opened, 0), "file://"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (f->opened, 0), ".png"));
  opened = g_file_new_for_uri (g_ptr_array_index (f->opened, 0));
  opened_bytes = g_file_load_bytes (opened, NULL, NULL, NULL);
  g_assert_true (opened_bytes != NULL && g_bytes_equal (opened_bytes, png));
}

/* The local service's own agent: its menu is a card with a picture, buttons, a link and a
 * map, and quick replies under it; every part is named, and a button answers. */
static void
test_bot_menu (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ConfabAgentBot) bot = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (_confab_window_get_composer (f->window)));
  ConfabMessage *card = NULL;
  ConfabMessageRow *row;
  GtkWidget *view;
  guint before;

  confab_server_set_accept_delay (f->server, 10);
  confab_server_set_typing_delay (f->server, 10);
  bot = confab_agent_bot_new (f->server);
  start_conversation (f);
  before = n_rows (f);
  gtk_text_buffer_set_text (buffer, "menu", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.send", NULL));
  CONFAB_TEST_WAIT_UNTIL (n_rows (f) > before + 1 && confab_message_get_rich (card = newest (f)) != NULL, 10000);
  CONFAB_TEST_WAIT_UNTIL ((row = row_for (f, card)) != NULL, 5000);
  g_assert_true (confab_message_get_replies_active (card));
  view = find_type (GTK_WIDGET (row), CONFAB_TYPE_RICH_VIEW);
  g_assert_nonnull (view);
  /* its picture, from the service's public images */
  {
    GtkWidget *stack = find_type (view, GTK_TYPE_STACK);

    g_assert_nonnull (stack);
    CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "loading") != 0, 10000);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "picture");
  }
  save_screenshot (f, "bot-menu.png");
}

/* The image at uri through the loader, waited for. */
static void
load_image (const char *uri)
{
  ConfabTestAsync async = { 0 };
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  confab_image_loader_load_async (uri, NULL, confab_test_async_cb, &async);
  CONFAB_TEST_WAIT_UNTIL (async.result != NULL, 10000);
  texture = confab_image_loader_load_finish (async.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (texture);
  confab_test_async_clear (&async);
}

static char *
cached_path (const char *uri)
{
  g_autofree char *dir = confab_image_loader_dup_cache_dir ();
  g_autofree char *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);

  return g_build_filename (dir, name, NULL);
}

/* What the folder's images take, in bytes */
static guint64
cache_size (void)
{
  g_autofree char *dir_path = confab_image_loader_dup_cache_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        total += st.st_size;
    }
  return total;
}

/* The images kept on disk take at most the cap: past it the least recently used go (one
 * read back from the disk counts as used), never one just fetched. */
static void
test_image_cache_cap (void)
{
  g_autoptr(GBytes) png = png_bytes ();
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  Fixture f = { 0 };
  guint64 size = g_bytes_get_size (png);
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  g_autofree char *path_a = NULL, *path_b = NULL, *path_c = NULL, *path_d = NULL;
  SoupServer *server = soup_server_new (NULL, NULL);
  int port;

  soup_server_add_handler (server, NULL, image_handler, &f, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  a = g_strdup_printf ("http://127.0.0.1:%d/n/a.png", port);
  b = g_strdup_printf ("http://127.0.0.1:%d/n/b.png", port);
  c = g_strdup_printf ("http://127.0.0.1:%d/n/c.png", port);
  d = g_strdup_printf ("http://127.0.0.1:%d/n/d.png", port);
  path_a = cached_path (a);
  path_b = cached_path (b);
  path_c = cached_path (c);
  path_d = cached_path (d);

  /* room for two and a half */
  _confab_image_loader_reset_for_tests (size * 5 / 2);
  load_image (a);
  load_image (b);
  g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path_b, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (f.image_requests, ==, 2);

  /* a read back from the disk (not fetched): used after b */
  _confab_image_loader_reset_for_tests (size * 5 / 2);
  load_image (a);
  g_assert_cmpuint (f.image_requests, ==, 2);

  load_image (c);
  g_assert_cmpuint (f.image_requests, ==, 3);
  g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path_b, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path_c, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (cache_size (), <=, size * 5 / 2);

  load_image (d);
  g_assert_false (g_file_test (path_a, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path_c, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path_d, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (cache_size (), <=, size * 5 / 2);

  _confab_image_loader_reset_for_tests (0);
  soup_server_disconnect (server);
  g_object_unref (server);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* images are kept in a folder of the test's own (each test's image server has a port of
   * its own, so nothing is found there from an earlier test) */
  cache = g_dir_make_tmp ("confab-rich-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  the_app = confab_test_display_app ("rich");
  if (the_app == NULL)
    return 77;

#define ADD(path, func) g_test_add ("/ui/rich/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("card", test_card);
  ADD ("carousel", test_carousel);
  ADD ("carousel-tab", test_carousel_tab);
  ADD ("quick-replies", test_quick_replies);
  ADD ("chips-while-writing", test_chips_while_writing);
  ADD ("unknown-and-map", test_unknown_and_map);
  ADD ("image-failed", test_image_failed);
  ADD ("survey", test_survey);
  ADD ("post-survey", test_post_survey);
  ADD ("file-received", test_file_received);
  ADD ("photo-refused", test_photo_refused);
  ADD ("photo-sent-and-opened", test_photo_sent_and_opened);
  ADD ("bot-menu", test_bot_menu);
#undef ADD
  g_test_add_func ("/ui/rich/colours", test_colours);
  g_test_add_func ("/ui/rich/image-cache-cap", test_image_cache_cap);

  ret = g_test_run ();
  g_clear_object (&the_app);
  remove_tree (cache);
  return ret;
}
