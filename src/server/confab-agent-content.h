/* confab-agent-content.h: the rich messages the agents send: the menu card, quick replies,
 * a photo
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scripted agent sends them when asked ("menu", "photo"), and a person at the console
 * with "/menu", "/photo" and "/quick a|b|c". Every button and chip carries an ExternalId
 * in its click metadata, so that the agent can tell what was chosen whatever text comes
 * with it.
 */
#pragma once

#include "confab-server.h"

G_BEGIN_DECLS

/* The ExternalIds of the card (the change's metadata) and of what can be clicked in it. */
#define CONFAB_AGENT_MENU_ID                 "confab-menu"
#define CONFAB_AGENT_MENU_TRACK_ID           "menu-track-order"
#define CONFAB_AGENT_MENU_HOURS_ID           "menu-opening-hours"
#define CONFAB_AGENT_MENU_WEBSITE_ID         "menu-website"
#define CONFAB_AGENT_MENU_STORE_ID           "menu-find-store"
#define CONFAB_AGENT_QUICK_ORDER_ID          "quick-order-status"
#define CONFAB_AGENT_QUICK_PERSON_ID         "quick-talk-to-person"
#define CONFAB_AGENT_QUICK_ELSE_ID           "quick-something-else"

/* The product picture's name among the service's images. */
#define CONFAB_AGENT_PRODUCT_IMAGE           "confab-mug.png"
#define CONFAB_AGENT_WEBSITE_URL             "https://example.com/shop"
#define CONFAB_AGENT_STORE_NAME              "Confab Store, Alexanderplatz"
#define CONFAB_AGENT_STORE_LATITUDE          52.5219
#define CONFAB_AGENT_STORE_LONGITUDE         13.4132

/* Adds the pictures the content below uses to server's images (once is enough). */
void                confab_agent_content_add_images   (ConfabServer *server);

/* A vertical card: the product picture, a bold title, a line of text, and the buttons
 * "Track my order" and "Opening hours" (publishText), "Visit our website" (link) and "Find
 * a store" (navigate). */
ConfabRichContent  *confab_agent_content_new_menu     (ConfabServer *server);
/* "Order status", "Talk to a person", "Something else". */
ConfabQuickReplies *confab_agent_content_new_menu_replies (void);
/* One chip for each title (at most CONFAB_QUICK_REPLIES_MAX), publishing the title, with
 * the ExternalId "choice-N" (N from 1). */
ConfabQuickReplies *confab_agent_content_new_choices  (const char * const *titles);

/* A survey question's chips: one for each title, publishing it, with the Answer metadata
 * of answer_ids[i] (both NULL-terminated, of the same length). */
ConfabQuickReplies *confab_agent_content_new_answers  (const char         *question_id,
                                                       const char * const *answer_ids,
                                                       const char * const *titles);

/* Each sends its message as the agent and returns its sequence, or -1 and error. */
gint64              confab_agent_content_send_menu    (ConfabServer  *server,
                                                       const char    *conversation_id,
                                                       GError       **error);
/* A hosted/file PNG in the service's own storage, with its preview. */
gint64              confab_agent_content_send_photo   (ConfabServer  *server,
                                                       const char    *conversation_id,
                                                       GError       **error);
/* text with a chip for each title */
gint64              confab_agent_content_send_choices (ConfabServer       *server,
                                                       const char         *conversation_id,
                                                       const char         *text,
                                                       const char * const *titles,
                                                       GError            **error);

/* The text a button or chip of the menu publishes, by its ExternalId; NULL for another id
 * and for those that publish nothing (the link and the map). */
const char         *confab_agent_content_text_for_id  (const char *external_id);

G_END_DECLS
