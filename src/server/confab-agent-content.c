/* confab-agent-content.c: the rich messages the agents send: the menu card, quick replies,
 * a photo
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with src/protocol's builders and sent through ConfabServer's agent API, which
 * writes them with the protocol's encoders.
 */
#include "config.h"

#include "confab-agent-content.h"

#include "confab-agent-pictures.h"

/* The card's picture, the photo and its preview, in pixels. */
#define PRODUCT_WIDTH   360
#define PRODUCT_HEIGHT  240
#define PHOTO_WIDTH     480
#define PHOTO_HEIGHT    320
#define PREVIEW_WIDTH   60
#define PREVIEW_HEIGHT  40

static const struct {
  const char *id;
  const char *title;
  const char *text;      /* what it publishes; NULL for a link or a map */
} clickables[] = {
  { CONFAB_AGENT_MENU_TRACK_ID, "Track my order", "Track my order" },
  { CONFAB_AGENT_MENU_HOURS_ID, "Opening hours", "Opening hours" },
  { CONFAB_AGENT_MENU_WEBSITE_ID, "Visit our website", NULL },
  { CONFAB_AGENT_MENU_STORE_ID, "Find a store", NULL },
  { CONFAB_AGENT_QUICK_ORDER_ID, "Order status", "Order status" },
  { CONFAB_AGENT_QUICK_PERSON_ID, "Talk to a person", "Talk to a person" },
  { CONFAB_AGENT_QUICK_ELSE_ID, "Something else", "Something else" },
};

const char *
confab_agent_content_text_for_id (const char *external_id)
{
  for (guint i = 0; external_id != NULL && i < G_N_ELEMENTS (clickables); i++)
    if (g_str_equal (clickables[i].id, external_id))
      return clickables[i].text;
  return NULL;
}

void
confab_agent_content_add_images (ConfabServer *server)
{
  g_autoptr(GBytes) product = confab_agent_picture_png (CONFAB_AGENT_PICTURE_PRODUCT, PRODUCT_WIDTH, PRODUCT_HEIGHT);

  confab_server_add_image (server, CONFAB_AGENT_PRODUCT_IMAGE, product);
}

/* A button (or chip) that publishes text, or does action, with its ExternalId. */
static ConfabRichElement *
new_button (const char       *title,
            ConfabRichAction *action,
            const char       *external_id)
{
  ConfabRichElement *button = confab_rich_element_new_button (title);

  button->tooltip = g_strdup (title);
  confab_rich_element_add_action (button, action);
  button->click->metadata = confab_metadata_new_external_id (external_id);
  return button;
}

static ConfabRichElement *
new_publishing_button (guint index)
{
  return new_button (clickables[index].title, confab_rich_action_new_publish_text (clickables[index].text),
                     clickables[index].id);
}

ConfabRichContent *
confab_agent_content_new_menu (ConfabServer *server)
{
  g_autofree char *image_url = confab_server_dup_image_url (server, CONFAB_AGENT_PRODUCT_IMAGE);
  ConfabRichElement *card = confab_rich_element_new (CONFAB_RICH_VERTICAL);
  ConfabRichElement *image = confab_rich_element_new_image (image_url);
  ConfabRichElement *title = confab_rich_element_new_text ("The Confab mug");
  ConfabRichElement *text = confab_rich_element_new_text ("Holds a whole conversation's worth of tea. "
                                                          "What can I help you with?");

  image->tooltip = g_strdup ("A teal mug on a shelf");
  image->caption = g_strdup ("The Confab mug");
  title->style.bold = TRUE;
  title->style.size = CONFAB_RICH_SIZE_LARGE;

  confab_rich_element_add (card, image);
  confab_rich_element_add (card, title);
  confab_rich_element_add (card, text);
  confab_rich_element_add (card, new_publishing_button (0));
  confab_rich_element_add (card, new_publishing_button (1));
  confab_rich_element_add (card, new_button (clickables[2].title, confab_rich_action_new_link (CONFAB_AGENT_WEBSITE_URL),
                                             clickables[2].id));
  confab_rich_element_add (card, new_button (clickables[3].title,
                                             confab_rich_action_new_navigate (CONFAB_AGENT_STORE_LATITUDE,
                                                                              CONFAB_AGENT_STORE_LONGITUDE,
                                                                              CONFAB_AGENT_STORE_NAME),
                                             clickables[3].id));

  return confab_rich_content_new (card);
}

ConfabQuickReplies *
confab_agent_content_new_menu_replies (void)
{
  ConfabQuickReplies *replies = confab_quick_replies_new (3);

  for (guint i = 4; i < G_N_ELEMENTS (clickables); i++)
    confab_quick_replies_add (replies, new_publishing_button (i));

  return replies;
}

ConfabQuickReplies *
confab_agent_content_new_choices (const char * const *titles)
{
  ConfabQuickReplies *replies;
  guint n = 0;

  g_return_val_if_fail (titles != NULL && titles[0] != NULL, NULL);

  replies = confab_quick_replies_new (0);
  for (; titles[n] != NULL && n < CONFAB_QUICK_REPLIES_MAX; n++)
    {
      g_autofree char *id = g_strdup_printf ("choice-%u", n + 1);

      confab_quick_replies_add (replies, new_button (titles[n], confab_rich_action_new_publish_text (titles[n]), id));
    }
  replies->items_per_row = MIN (n, CONFAB_QUICK_REPLIES_MAX_PER_ROW);

  return replies;
}

ConfabQuickReplies *
confab_agent_content_new_answers (const char         *question_id,
                                  const char * const *answer_ids,
                                  const char * const *titles)
{
  ConfabQuickReplies *replies = confab_quick_replies_new (0);
  guint n = 0;

  for (; titles[n] != NULL && answer_ids[n] != NULL && n < CONFAB_QUICK_REPLIES_MAX; n++)
    {
      ConfabRichElement *chip = confab_rich_element_new_button (titles[n]);

      confab_rich_element_add_action (chip, confab_rich_action_new_publish_text (titles[n]));
      chip->click->metadata = confab_metadata_new_survey_answer (question_id, answer_ids[n]);
      confab_quick_replies_add (replies, chip);
    }
  replies->items_per_row = MIN (n, CONFAB_QUICK_REPLIES_MAX_PER_ROW);

  return replies;
}

gint64
confab_agent_content_send_menu (ConfabServer  *server,
                                const char    *conversation_id,
                                GError       **error)
{
  g_autoptr(ConfabRichContent) menu = confab_agent_content_new_menu (server);
  g_autoptr(ConfabQuickReplies) replies = confab_agent_content_new_menu_replies ();
  g_autoptr(JsonNode) metadata = confab_metadata_new_external_id (CONFAB_AGENT_MENU_ID);

  return confab_server_agent_send_rich (server, conversation_id, menu, replies, metadata, error);
}

gint64
confab_agent_content_send_photo (ConfabServer  *server,
                                 const char    *conversation_id,
                                 GError       **error)
{
  g_autoptr(GBytes) photo = confab_agent_picture_png (CONFAB_AGENT_PICTURE_PHOTO, PHOTO_WIDTH, PHOTO_HEIGHT);
  g_autofree char *preview = confab_agent_picture_data_url (CONFAB_AGENT_PICTURE_PHOTO, PREVIEW_WIDTH, PREVIEW_HEIGHT);

  return confab_server_agent_send_file (server, conversation_id, photo, CONFAB_FILE_TYPE_PNG,
                                        "The view from our office", preview, NULL, error);
}

gint64
confab_agent_content_send_choices (ConfabServer       *server,
                                   const char         *conversation_id,
                                   const char         *text,
                                   const char * const *titles,
                                   GError            **error)
{
  g_autoptr(ConfabQuickReplies) replies = confab_agent_content_new_choices (titles);

  return confab_server_agent_send_text_full (server, conversation_id, text, replies, NULL, error);
}
