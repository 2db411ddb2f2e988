/* test-session-rich.c: rich messages, quick replies and clicks, against the local service
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "session-test-util.h"

typedef SessionFixture Fixture;

/* The shared fixture's helpers, under the names the tests here use. */
#define new_session(f)                          session_fixture_new_session (f)
#define n_messages(session)                     session_test_n_messages (session)
#define message_at(session, i)                  session_test_message_at (session, i)
#define newest(session)                         session_test_newest (session)
#define start_conversation(f)                   ((void) session_test_start_conversation ((f)->session))
#define agent_sends_rich(f, content, metadata)  session_test_agent_sends_rich ((f)->server, (f)->session, content, metadata)
#define agent_sends_text(f, text, chips)        session_test_agent_sends_text ((f)->server, (f)->session, text, chips)

static JsonNode *
metadata_new (const char *type,
              const char *id)
{
  g_autofree char *json = g_strdup_printf ("[{\"type\":\"%s\",\"id\":\"%s\"}]", type, id);

  return json_from_string (json, NULL);
}

/* A card: an image, a title and two buttons, "Buy" (publishText, with metadata) and
 * "Details" (a link, with metadata) */
static ConfabRichContent *
card_new (void)
{
  ConfabRichElement *root = confab_rich_element_new (CONFAB_RICH_VERTICAL);
  ConfabRichElement *buy = confab_rich_element_new_button ("Buy");
  ConfabRichElement *details = confab_rich_element_new_button ("Details");

  confab_rich_element_add (root, confab_rich_element_new_image ("https://example.com/p.jpg"));
  confab_rich_element_add (root, confab_rich_element_new_text ("Product Name"));
  confab_rich_element_add_action (buy, confab_rich_action_new_publish_text ("I want to buy it"));
  buy->click->metadata = metadata_new ("ExternalId", "buy-1");
  confab_rich_element_add (root, buy);
  confab_rich_element_add_action (details, confab_rich_action_new_link ("https://example.com/details"));
  details->click->metadata = metadata_new ("ExternalId", "details-1");
  confab_rich_element_add (root, details);
  return confab_rich_content_new (root);
}

static ConfabQuickReplies *
chips_new (void)
{
  ConfabQuickReplies *replies = confab_quick_replies_new (2);
  ConfabRichElement *yes = confab_rich_element_new_button ("Yes");
  ConfabRichElement *site = confab_rich_element_new_button ("Our site");

  confab_rich_element_add_action (yes, confab_rich_action_new_publish_text ("yep"));
  yes->click->metadata = metadata_new ("ExternalId", "Yes-1234");
  confab_quick_replies_add (replies, yes);
  confab_rich_element_add_action (site, confab_rich_action_new_link ("https://example.com/"));
  confab_quick_replies_add (replies, site);
  return replies;
}

static ConfabRichElement *
child (ConfabRichContent *content,
       guint              i)
{
  return g_ptr_array_index (content->root->elements, i);
}

/* The ms.PublishEvent frames the consumer sent, oldest first (transfer full). */
static GPtrArray *
publish_frames (Fixture *f)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_PUBLISH_EVENT, NULL);
  JsonArray *entries = json_node_get_array (log);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      g_ptr_array_add (frames, json_node_copy (json_object_get_member (entry, "frame")));
    }
  return frames;
}

static JsonObject *
frame_event (JsonNode *frame)
{
  return json_object_get_object_member (json_object_get_object_member (json_node_get_object (frame), "body"), "event");
}

static gboolean
is_action (JsonNode *frame)
{
  JsonObject *event = frame_event (frame);

  return g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), "AcceptStatusEvent") == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (event, "status", ""), "ACTION") == 0;
}

static gboolean
is_text (JsonNode   *frame,
         const char *text)
{
  JsonObject *event = frame_event (frame);

  return g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), "ContentEvent") == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (event, "message", ""), text) == 0;
}

static guint
count_actions (Fixture *f)
{
  g_autoptr(GPtrArray) frames = publish_frames (f);
  guint n = 0;

  for (guint i = 0; i < frames->len; i++)
    n += is_action (g_ptr_array_index (frames, i));
  return n;
}

/* The ACTION receipt for sequence with metadata, and right after it the text with the same
 * metadata: the two frames of LivePerson's clients. */
static void
assert_action_then_text (Fixture    *f,
                         gint64      sequence,
                         const char *metadata_id,
                         const char *text)
{
  g_autoptr(GPtrArray) frames = publish_frames (f);
  g_autofree char *expected = g_strdup_printf ("[{\"type\":\"ExternalId\",\"id\":\"%s\"}]", metadata_id);
  JsonNode *action = NULL, *reply = NULL;
  guint action_at = 0, reply_at = 0;

  for (guint i = 0; i < frames->len; i++)
    {
      JsonNode *frame = g_ptr_array_index (frames, i);

      if (is_action (frame))
        {
          g_assert_null (action);
          action = frame;
          action_at = i;
        }
      else if (is_text (frame, text))
        {
          g_assert_null (reply);
          reply = frame;
          reply_at = i;
        }
    }
  g_assert_nonnull (action);
  g_assert_nonnull (reply);
  g_assert_cmpuint (action_at, <, reply_at);

  {
    JsonObject *event = frame_event (action);
    JsonArray *list = json_object_get_array_member (event, "sequenceList");
    g_autofree char *action_metadata = json_to_string (json_object_get_member (json_node_get_object (action), "metadata"), FALSE);
    g_autofree char *reply_metadata = json_to_string (json_object_get_member (json_node_get_object (reply), "metadata"), FALSE);
    JsonObject *body = json_object_get_object_member (json_node_get_object (action), "body");

    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    g_assert_cmpint (json_array_get_int_element (list, 0), ==, sequence);
    g_assert_cmpstr (json_object_get_string_member (body, "dialogId"), ==,
                     confab_session_get_conversation_id (f->session));
    g_assert_cmpstr (action_metadata, ==, expected);
    g_assert_cmpstr (reply_metadata, ==, expected);
  }
}

/* A card arrives: the message keeps the tree, its text is what a screen reader says. A
 * button with publishText sends ACTION and then the text, both with the button's metadata;
 * the text is an own message, sent like any other. */
static void
test_card_button (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ConfabRichContent) card = card_new ();
  ConfabRichContent *held;
  ConfabRichElement *buy;
  ConfabMessage *message;
  ConfabMessage *reply;
  gint64 sequence;

  start_conversation (f);
  sequence = agent_sends_rich (f, card, metadata_new ("ExternalId", "MY_CARD_ID"));
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);

  message = newest (f->session);
  held = confab_message_get_rich (message);
  g_assert_nonnull (held);
  g_assert_true (confab_rich_content_equal (held, card));
  g_assert_true (confab_message_get_is_placeholder (message));
  g_assert_nonnull (strstr (confab_message_get_text (message), "Product Name"));
  g_assert_nonnull (confab_message_get_metadata (message));
  g_assert_null (confab_message_get_quick_replies (message));
  g_assert_false (confab_message_get_replies_active (message));

  buy = child (held, 2);
  reply = confab_session_activate_click (f->session, message, buy->click);
  g_assert_nonnull (reply);
  g_assert_true (confab_message_get_own (reply));
  g_assert_cmpstr (confab_message_get_text (reply), ==, "I want to buy it");
  g_assert_true (newest (f->session) == reply);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (reply) >= CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpuint (n_messages (f->session), ==, 3);
  assert_action_then_text (f, sequence, "buy-1", "I want to buy it");
}

/* A link with metadata: only the ACTION (the interface opens the link), nothing written. A
 * link without metadata tells the service nothing. */
static void
test_card_link (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ConfabRichContent) card = card_new ();
  ConfabRichElement *details;
  ConfabMessage *message;
  guint frames_before;

  start_conversation (f);
  agent_sends_rich (f, card, NULL);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);
  message = newest (f->session);
  details = child (confab_message_get_rich (message), 3);

  g_assert_null (confab_session_activate_click (f->session, message, details->click));
  CONFAB_TEST_WAIT_UNTIL (count_actions (f) == 1, 5000);
  g_assert_cmpuint (n_messages (f->session), ==, 2);

  g_clear_pointer (&details->click->metadata, json_node_unref);
  {
    g_autoptr(GPtrArray) frames = publish_frames (f);

    frames_before = frames->len;
  }
  g_assert_null (confab_session_activate_click (f->session, message, details->click));
  confab_test_spin (300);
  {
    g_autoptr(GPtrArray) frames = publish_frames (f);

    /* Only the ACCEPT for the card may have gone meanwhile. */
    for (guint i = frames_before; i < frames->len; i++)
      g_assert_false (is_action (g_ptr_array_index (frames, i)));
  }
  g_assert_cmpuint (count_actions (f), ==, 1);
}

/* Quick replies are on offer under the newest message; a chip chosen sends the two frames
 * and takes them away. */
static void
test_quick_reply_chosen (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  ConfabRichElement *yes;
  ConfabMessage *message;
  ConfabMessage *reply;
  gint64 sequence;

  start_conversation (f);
  sequence = agent_sends_text (f, "Do you want it?", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);
  message = newest (f->session);
  g_assert_cmpstr (confab_message_get_text (message), ==, "Do you want it?");
  g_assert_false (confab_message_get_is_placeholder (message));
  g_assert_true (confab_quick_replies_equal (confab_message_get_quick_replies (message), chips));
  g_assert_true (confab_message_get_replies_active (message));

  yes = g_ptr_array_index (confab_message_get_quick_replies (message)->replies, 0);
  reply = confab_session_activate_click (f->session, message, yes->click);
  g_assert_nonnull (reply);
  g_assert_false (confab_message_get_replies_active (message));
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (reply) >= CONFAB_DELIVERY_SENT, 10000);
  assert_action_then_text (f, sequence, "Yes-1234", "yep");
  g_assert_false (confab_message_get_replies_active (message));
}

/* A chip that opens a link takes the chips away too; a newer message, or one the person
 * writes, takes them away as well. */
static void
test_quick_replies_go (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  g_autoptr(GError) error = NULL;
  ConfabRichElement *site;
  ConfabMessage *message;

  start_conversation (f);
  agent_sends_text (f, "Choose one", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);
  message = newest (f->session);
  g_assert_true (confab_message_get_replies_active (message));
  site = g_ptr_array_index (confab_message_get_quick_replies (message)->replies, 1);
  g_assert_null (confab_session_activate_click (f->session, message, site->click));
  g_assert_false (confab_message_get_replies_active (message));
  /* no metadata on that chip: nothing told */
  confab_test_spin (200);
  g_assert_cmpuint (count_actions (f), ==, 0);

  /* newer from the agent */
  agent_sends_text (f, "Or these?", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 3, 5000);
  g_assert_false (confab_message_get_replies_active (message));
  message = newest (f->session);
  g_assert_true (confab_message_get_replies_active (message));
  /* a plain message after it */
  g_assert_cmpint (confab_server_agent_send_text (f->server, NULL, "plain", &error), >=, 0);
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 4, 5000);
  g_assert_false (confab_message_get_replies_active (message));

  agent_sends_text (f, "Last chance", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 5, 5000);
  message = newest (f->session);
  g_assert_true (confab_message_get_replies_active (message));

  /* the person writes */
  confab_session_send_text (f->session, "Neither, thanks");
  g_assert_false (confab_message_get_replies_active (message));
}

/* While the composer holds words the chips are held back, and offered again when it is
 * emptied with nothing sent; a newer message while writing offers its own only after. */
static void
test_quick_replies_held_while_writing (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  ConfabMessage *message;

  start_conversation (f);
  agent_sends_text (f, "Choose one", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);
  message = newest (f->session);
  g_assert_true (confab_message_get_replies_active (message));

  confab_session_set_drafting (f->session, TRUE);
  g_assert_false (confab_message_get_replies_active (message));
  confab_session_set_drafting (f->session, FALSE);
  g_assert_true (confab_message_get_replies_active (message));

  confab_session_set_drafting (f->session, TRUE);
  agent_sends_text (f, "Or these?", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 3, 5000);
  g_assert_false (confab_message_get_replies_active (newest (f->session)));
  confab_session_set_drafting (f->session, FALSE);
  g_assert_true (confab_message_get_replies_active (newest (f->session)));
  g_assert_false (confab_message_get_replies_active (message));
  g_assert_false (confab_message_get_replies_chosen (message));
}

/* A closed conversation takes no answers: its last chips go with the close. */
static void
test_quick_replies_go_on_close (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  g_autoptr(GError) error = NULL;
  ConfabMessage *message;

  start_conversation (f);
  agent_sends_text (f, "Choose one", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);
  message = newest (f->session);
  g_assert_true (confab_message_get_replies_active (message));

  g_assert_true (confab_server_agent_close (f->server, NULL, CONFAB_CLOSE_REASON_AGENT, &error));
  g_assert_no_error (error);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 5000);
  g_assert_false (confab_message_get_replies_active (message));
}

/* What arrived is on disk: after a restart the rows are rich again, the newest one's chips
 * on offer, and choosing one sends the two frames as before. */
static void
test_kept_across_restart (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ConfabRichContent) card = card_new ();
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  ConfabRichElement *yes;
  ConfabMessage *message;
  ConfabMessage *reply;
  gint64 sequence;

  start_conversation (f);
  agent_sends_rich (f, card, metadata_new ("ExternalId", "MY_CARD_ID"));
  sequence = agent_sends_text (f, "Do you want it?", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 3, 5000);
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  confab_store_flush (f->store);

  f->session = new_session (f);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 3, 5000);
  g_assert_true (confab_rich_content_equal (confab_message_get_rich (message_at (f->session, 1)), card));
  message = newest (f->session);
  g_assert_true (confab_quick_replies_equal (confab_message_get_quick_replies (message), chips));
  g_assert_true (confab_message_get_replies_active (message));
  g_assert_false (confab_message_get_replies_active (message_at (f->session, 1)));

  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
  yes = g_ptr_array_index (confab_message_get_quick_replies (message)->replies, 0);
  reply = confab_session_activate_click (f->session, message, yes->click);
  g_assert_nonnull (reply);
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (reply) >= CONFAB_DELIVERY_SENT, 10000);
  assert_action_then_text (f, sequence, "Yes-1234", "yep");
}

/* A chip chosen stays chosen across a restart, even one that wrote nothing (a link): its
 * chips do not come back; a newer message offers its own as usual. */
static void
test_chosen_across_restart (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ConfabQuickReplies) chips = chips_new ();
  ConfabRichElement *site;
  ConfabMessage *message;

  start_conversation (f);
  agent_sends_text (f, "Choose one", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);
  message = newest (f->session);
  g_assert_true (confab_message_get_replies_active (message));
  site = g_ptr_array_index (confab_message_get_quick_replies (message)->replies, 1);
  g_assert_null (confab_session_activate_click (f->session, message, site->click));
  g_assert_true (confab_message_get_replies_chosen (message));
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  confab_store_flush (f->store);

  f->session = new_session (f);
  confab_session_start (f->session);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 2, 5000);
  message = newest (f->session);
  g_assert_true (confab_quick_replies_equal (confab_message_get_quick_replies (message), chips));
  g_assert_true (confab_message_get_replies_chosen (message));
  g_assert_false (confab_message_get_replies_active (message));

  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
  agent_sends_text (f, "Or these?", chips);
  CONFAB_TEST_WAIT_UNTIL (n_messages (f->session) == 3, 5000);
  g_assert_false (confab_message_get_replies_chosen (newest (f->session)));
  g_assert_true (confab_message_get_replies_active (newest (f->session)));
  g_assert_false (confab_message_get_replies_active (message));
}

/* The cm.UpdateConversationField frames with CSATRate the consumer sent (transfer full). */
static GPtrArray *
survey_frames (Fixture *f)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, CONFAB_REQ_UPDATE_CONVERSATION, NULL);
  JsonArray *entries = json_node_get_array (log);
  GPtrArray *fields = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *frame = json_object_get_object_member (json_array_get_object_element (entries, i), "frame");
      JsonObject *body = json_object_get_object_member (frame, "body");
      JsonArray *list = json_object_get_array_member (body, "conversationField");
      JsonObject *field = json_array_get_object_element (list, 0);

      if (g_strcmp0 (json_object_get_string_member (field, "field"), "CSATRate") == 0)
        {
          json_object_set_string_member (field, "conversationId",
                                         json_object_get_string_member (body, "conversationId"));
          g_ptr_array_add (fields, json_node_init_object (json_node_alloc (), field));
        }
    }
  return fields;
}

/* The survey after the agent closed: sent once, with the rating and the answer; a second
 * answer for the same conversation is refused. */
static void
test_survey_once (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation = NULL;
  JsonObject *field;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  g_assert_true (confab_server_agent_close (f->server, conversation, CONFAB_CLOSE_REASON_AGENT, &error));
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 5000);

  g_assert_false (confab_session_get_survey_answered (f->session, conversation));
  g_assert_true (confab_session_send_survey (f->session, conversation, 4, TRUE, FALSE));
  g_assert_true (confab_session_get_survey_answered (f->session, conversation));
  g_assert_false (confab_session_send_survey (f->session, conversation, 1, FALSE, FALSE));
  g_assert_false (confab_session_send_survey (f->session, conversation, 0, FALSE, TRUE));
  CONFAB_TEST_WAIT_UNTIL ((fields = survey_frames (f))->len == 1 || (g_ptr_array_unref (fields), FALSE), 5000);
  confab_test_spin (200);
  g_clear_pointer (&fields, g_ptr_array_unref);
  fields = survey_frames (f);
  g_assert_cmpuint (fields->len, ==, 1);
  field = json_node_get_object (g_ptr_array_index (fields, 0));
  g_assert_cmpstr (json_object_get_string_member (field, "conversationId"), ==, conversation);
  g_assert_cmpint (json_object_get_int_member (field, "csatRate"), ==, 4);
  g_assert_true (json_object_get_boolean_member (field, "csatResolutionConfirmation"));
  g_assert_cmpstr (json_object_get_string_member (field, "status"), ==, "FILLED");
}

/* Skipped after the person closed, while the socket was going: it goes once, after
 * reconnecting if it has to. */
static void
test_survey_skipped (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = NULL;
  g_autofree char *conversation = NULL;
  JsonObject *field;

  start_conversation (f);
  conversation = g_strdup (confab_session_get_conversation_id (f->session));
  confab_session_close_conversation (f->session);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_conversation_status (f->session) == CONFAB_CONVERSATION_CLOSED, 5000);
  g_assert_cmpuint (confab_server_drop_consumers (f->server, NULL, 0, NULL), ==, 1);
  g_assert_true (confab_session_send_survey (f->session, conversation, 0, FALSE, TRUE));
  CONFAB_TEST_WAIT_UNTIL ((fields = survey_frames (f))->len == 1 || (g_ptr_array_unref (fields), FALSE), 10000);
  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_ONLINE, 10000);
  confab_test_spin (300);
  g_clear_pointer (&fields, g_ptr_array_unref);
  fields = survey_frames (f);
  g_assert_cmpuint (fields->len, ==, 1);
  field = json_node_get_object (g_ptr_array_index (fields, 0));
  g_assert_cmpstr (json_object_get_string_member (field, "status"), ==, "SKIPPED");
  g_assert_false (json_object_get_boolean_member (field, "csatResolutionConfirmation"));
}

static guint
count_frames_of (Fixture    *f,
                 const char *type)
{
  g_autoptr(JsonNode) log = confab_server_dup_frame_log (f->server, type, NULL);

  return json_array_get_length (json_node_get_array (log));
}

/* The smallest PNG: one transparent pixel. */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
  0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
  0x42, 0x60, 0x82,
};

static void
progress_cb (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  guint64 *last = user_data;

  g_assert_cmpuint (sent, <=, total);
  g_assert_cmpuint (sent, >=, *last);
  *last = sent;
}

/* A photo: upload URL, PUT to the storage (the service's, found through the domain lookup),
 * then the hosted/file message in the outbox; the service holds the bytes, the row is the
 * echo's. Fetching it gives the same bytes back. */
static void
test_send_and_fetch_file (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) png = g_bytes_new_static (tiny_png, sizeof tiny_png);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) fetched = NULL;
  g_autoptr(ConfabMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ConfabTestAsync async = { 0 };
  ConfabHostedFile *file;
  guint64 sent = 0;

  start_conversation (f);
  confab_session_send_file_async (f->session, png, CONFAB_FILE_TYPE_PNG, "A dot", NULL, progress_cb, &sent,
                                  NULL, confab_test_async_cb, &async);
  CONFAB_TEST_WAIT_UNTIL (async.result != NULL, 10000);
  message = confab_session_send_file_finish (f->session, async.result, &error);
  confab_test_async_clear (&async);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  g_assert_cmpuint (sent, ==, sizeof tiny_png);
  file = confab_message_get_file (message);
  g_assert_nonnull (file);
  g_assert_cmpstr (file->caption, ==, "A dot");
  g_assert_cmpstr (confab_message_get_text (message), ==, "A dot");
  CONFAB_TEST_WAIT_UNTIL (confab_message_get_delivery_state (message) >= CONFAB_DELIVERY_SENT, 10000);
  g_assert_cmpuint (n_messages (f->session), ==, 2);
  stored = confab_server_dup_file (f->server, file->relative_path);
  g_assert_nonnull (stored);
  g_assert_true (g_bytes_equal (stored, png));

  confab_session_fetch_file_async (f->session, file, NULL, confab_test_async_cb, &async);
  CONFAB_TEST_WAIT_UNTIL (async.result != NULL, 10000);
  fetched = confab_session_fetch_file_finish (f->session, async.result, &error);
  confab_test_async_clear (&async);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (fetched, png));
}

/* What LivePerson would refuse is not sent: not an image type it takes, over 3 MB. */
static void
test_file_refused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (CONFAB_FILE_UPLOAD_MAX_SIZE + 1), CONFAB_FILE_UPLOAD_MAX_SIZE + 1);
  g_autoptr(GBytes) png = g_bytes_new_static (tiny_png, sizeof tiny_png);
  ConfabTestAsync async = { 0 };
  GError *error = NULL;

  start_conversation (f);
  confab_session_send_file_async (f->session, big, CONFAB_FILE_TYPE_PNG, "big", NULL, NULL, NULL, NULL,
                                  confab_test_async_cb, &async);
  CONFAB_TEST_WAIT_UNTIL (async.result != NULL, 5000);
  g_assert_null (confab_session_send_file_finish (f->session, async.result, &error));
  g_assert_error (error, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_TOO_LARGE);
  g_clear_error (&error);
  confab_test_async_clear (&async);

  confab_session_send_file_async (f->session, png, CONFAB_FILE_TYPE_PDF, "doc", NULL, NULL, NULL, NULL,
                                  confab_test_async_cb, &async);
  CONFAB_TEST_WAIT_UNTIL (async.result != NULL, 5000);
  g_assert_null (confab_session_send_file_finish (f->session, async.result, &error));
  g_assert_error (error, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_FILE_TYPE);
  g_clear_error (&error);
  confab_test_async_clear (&async);
  g_assert_cmpuint (count_frames_of (f, CONFAB_REQ_GENERATE_UPLOAD_URL), ==, 0);
  g_assert_cmpuint (n_messages (f->session), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, store) \
  g_test_add ("/core/session-rich/" path, Fixture, store, session_fixture_setup, func, session_fixture_teardown)
  ADD ("card-button", test_card_button, NULL);
  ADD ("card-link", test_card_link, NULL);
  ADD ("quick-reply-chosen", test_quick_reply_chosen, NULL);
  ADD ("quick-replies-go", test_quick_replies_go, NULL);
  ADD ("quick-replies-go-on-close", test_quick_replies_go_on_close, NULL);
  ADD ("quick-replies-held-while-writing", test_quick_replies_held_while_writing, NULL);
  ADD ("kept-across-restart", test_kept_across_restart, "store");
  ADD ("chosen-across-restart", test_chosen_across_restart, "store");
  ADD ("survey-once", test_survey_once, NULL);
  ADD ("survey-skipped", test_survey_skipped, NULL);
  ADD ("send-and-fetch-file", test_send_and_fetch_file, NULL);
  ADD ("file-refused", test_file_refused, NULL);

  return g_test_run ();
}
