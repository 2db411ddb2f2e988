/* test-names.c: the names on the wire
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

static void
test_frame_kinds (void)
{
  const struct {
    ConfabFrameKind kind;
    const char *name;
  } kinds[] = {
    { CONFAB_FRAME_KIND_REQUEST, "req" },
    { CONFAB_FRAME_KIND_RESPONSE, "resp" },
    { CONFAB_FRAME_KIND_NOTIFICATION, "notification" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_assert_cmpstr (confab_frame_kind_to_string (kinds[i].kind), ==, kinds[i].name);
      g_assert_cmpint (confab_frame_kind_from_string (kinds[i].name), ==, kinds[i].kind);
    }

  g_assert_null (confab_frame_kind_to_string (CONFAB_FRAME_KIND_UNKNOWN));
  g_assert_null (confab_frame_kind_to_string ((ConfabFrameKind) 99));
  g_assert_cmpint (confab_frame_kind_from_string (NULL), ==, CONFAB_FRAME_KIND_UNKNOWN);
  g_assert_cmpint (confab_frame_kind_from_string (""), ==, CONFAB_FRAME_KIND_UNKNOWN);
  /* exact, as the frame parser has always read them */
  g_assert_cmpint (confab_frame_kind_from_string ("REQ"), ==, CONFAB_FRAME_KIND_UNKNOWN);
  g_assert_cmpint (confab_frame_kind_from_string ("request"), ==, CONFAB_FRAME_KIND_UNKNOWN);
}

/* The frames built and parsed carry the same kind names as the table. */
static void
test_frame_kinds_on_the_wire (void)
{
  g_autoptr(JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());
  g_autofree char *request = confab_frame_build_request ("1", CONFAB_REQ_GET_CLOCK, NULL);
  g_autofree char *response = confab_frame_build_response ("1", 200, CONFAB_RESP_GET_CLOCK, body);
  g_autofree char *notification = confab_frame_build_notification (CONFAB_NOTIFY_MESSAGING, body);
  const char *texts[] = { request, response, notification };
  const ConfabFrameKind kinds[] = {
    CONFAB_FRAME_KIND_REQUEST, CONFAB_FRAME_KIND_RESPONSE, CONFAB_FRAME_KIND_NOTIFICATION,
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabFrame) frame = confab_frame_parse (texts[i], -1, &error);
      g_autofree char *kind_member = g_strdup_printf ("{\"kind\":\"%s\",",
                                                      confab_frame_kind_to_string (kinds[i]));

      g_assert_no_error (error);
      g_assert_cmpint (frame->kind, ==, kinds[i]);
      g_assert_true (g_str_has_prefix (texts[i], kind_member));
    }
}

static void
test_responses (void)
{
  const struct {
    const char *request;
    const char *response;
    const char *wire_request;
    const char *wire_response;
  } pairs[] = {
    { CONFAB_REQ_REQUEST_CONVERSATION, CONFAB_RESP_REQUEST_CONVERSATION,
      "cm.ConsumerRequestConversation", "cm.RequestConversationResponse" },
    { CONFAB_REQ_UPDATE_CONVERSATION, CONFAB_RESP_UPDATE_CONVERSATION,
      "cm.UpdateConversationField", "cm.UpdateConversationFieldResponse" },
    { CONFAB_REQ_SUBSCRIBE_EX, CONFAB_RESP_SUBSCRIBE_EX,
      "cqm.SubscribeExConversations", "cqm.SubscribeExConversationsResponse" },
    { CONFAB_REQ_UNSUBSCRIBE_EX, CONFAB_RESP_UNSUBSCRIBE_EX,
      "cqm.UnsubscribeExConversations", "cqm.UnsubscribeExConversationsResponse" },
    { CONFAB_REQ_SUBSCRIBE_MESSAGING, CONFAB_RESP_SUBSCRIBE_MESSAGING,
      "ms.SubscribeMessagingEvents", "GenericSubscribeResponse" },
    { CONFAB_REQ_UNSUBSCRIBE_MESSAGING, CONFAB_RESP_GENERIC,
      "ms.UnsubscribeMessagingEvents", "GenericResponse" },
    { CONFAB_REQ_PUBLISH_EVENT, CONFAB_RESP_PUBLISH_EVENT,
      "ms.PublishEvent", "ms.PublishEventResponse" },
    { CONFAB_REQ_GET_CLOCK, CONFAB_RESP_GET_CLOCK,
      "GetClock", "GetClockResponse" },
    { CONFAB_REQ_GENERATE_UPLOAD_URL, CONFAB_RESP_GENERATE_URL,
      "ms.GenerateURLForUploadFile", "ms.GenerateURLResponse" },
    { CONFAB_REQ_GENERATE_DOWNLOAD_URL, CONFAB_RESP_GENERATE_URL,
      "ms.GenerateURLForDownloadFile", "ms.GenerateURLResponse" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_assert_cmpstr (pairs[i].request, ==, pairs[i].wire_request);
      g_assert_cmpstr (pairs[i].response, ==, pairs[i].wire_response);
      g_assert_true (confab_request_type_is_known (pairs[i].request));
      g_assert_cmpstr (confab_response_type_for_request (pairs[i].request), ==, pairs[i].response);
    }

  g_assert_false (confab_request_type_is_known (NULL));
  g_assert_false (confab_request_type_is_known (""));
  g_assert_false (confab_request_type_is_known ("getclock"));
  g_assert_false (confab_request_type_is_known (CONFAB_RESP_GET_CLOCK));
  g_assert_false (confab_request_type_is_known (CONFAB_NOTIFY_MESSAGING));
  g_assert_cmpstr (confab_response_type_for_request (NULL), ==, CONFAB_RESP_GENERIC);
  g_assert_cmpstr (confab_response_type_for_request ("cm.Nonsense"), ==, "GenericResponse");
}

static void
test_notifications (void)
{
  g_assert_cmpstr (CONFAB_NOTIFY_MESSAGING, ==, "ms.MessagingEventNotification");
  g_assert_cmpstr (CONFAB_NOTIFY_EX_CONVERSATION, ==, "cqm.ExConversationChangeNotification");
  g_assert_false (confab_request_type_is_known (CONFAB_NOTIFY_EX_CONVERSATION));
}

static void
test_content_types_and_features (void)
{
  g_assert_cmpstr (CONFAB_RESP_GENERATE_URL_BASE, ==, "ms.BaseGenerateURLResponse");
  g_assert_false (confab_request_type_is_known (CONFAB_RESP_GENERATE_URL_BASE));
  g_assert_cmpstr (CONFAB_CONTENT_TYPE_TEXT, ==, "text/plain");
  g_assert_cmpstr (CONFAB_CONTENT_TYPE_HOSTED_FILE, ==, "hosted/file");
  g_assert_cmpstr (CONFAB_FEATURE_RICH_CONTENT, ==, "RICH_CONTENT");
  g_assert_cmpstr (CONFAB_FEATURE_QUICK_REPLIES, ==, "QUICK_REPLIES");
  g_assert_cmpstr (CONFAB_FEATURE_PHOTO_SHARING, ==, "PHOTO_SHARING");
  g_assert_cmpstr (CONFAB_FEATURE_FILE_SHARING, ==, "FILE_SHARING");
  g_assert_cmpstr (CONFAB_FEATURE_MULTI_DIALOG, ==, "MULTI_DIALOG");
  g_assert_cmpstr (CONFAB_FEATURE_AUTO_MESSAGES, ==, "AUTO_MESSAGES");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/names/frame-kinds", test_frame_kinds);
  g_test_add_func ("/protocol/names/frame-kinds-on-the-wire", test_frame_kinds_on_the_wire);
  g_test_add_func ("/protocol/names/responses", test_responses);
  g_test_add_func ("/protocol/names/notifications", test_notifications);
  g_test_add_func ("/protocol/names/content-types-and-features", test_content_types_and_features);

  return g_test_run ();
}
