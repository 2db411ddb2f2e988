/* test-conversation.c: cqm.ExConversationChangeNotification
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

static GPtrArray *
parse_body (const char *body_text)
{
  return confab_test_parse_notification (CONFAB_NOTIFY_EX_CONVERSATION, body_text,
                                         confab_parse_conversation_notification);
}

static ConfabConversationChange *
only_change (GPtrArray *changes)
{
  g_assert_cmpuint (changes->len, ==, 1);
  return g_ptr_array_index (changes, 0);
}

static const ConfabParticipant *
participant (const ConfabConversationChange *change,
             guint                           i)
{
  g_assert_cmpuint (i, <, change->participants->len);
  return g_ptr_array_index (change->participants, i);
}

static const ConfabDialog *
dialog (const ConfabConversationChange *change,
        guint                           i)
{
  g_assert_cmpuint (i, <, change->dialogs->len);
  return g_ptr_array_index (change->dialogs, i);
}

static void
test_documented (void)
{
  /* docs/protocol-notes.md, "Notifications" */
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"subscriptionId\":\"s1\",\"changes\":[{\"type\":\"UPSERT\",\"result\":{\"convId\":\"conv-1\",\"effectiveTTR\":-1,"
    "\"conversationDetails\":{\"skillId\":\"-1\",\"participants\":["
    "{\"id\":\"consumer-1\",\"role\":\"CONSUMER\"},{\"id\":\"agent-7\",\"role\":\"ASSIGNED_AGENT\"}],"
    "\"dialogs\":[{\"dialogId\":\"conv-1\",\"participantsDetails\":[{\"id\":\"consumer-1\",\"role\":\"CONSUMER\",\"state\":\"ACTIVE\"}],"
    "\"dialogType\":\"MAIN\",\"channelType\":\"MESSAGING\",\"state\":\"OPEN\",\"creationTs\":1,\"metaDataLastUpdateTs\":2}],"
    "\"brandId\":\"123\",\"state\":\"OPEN\",\"stage\":\"OPEN\",\"startTs\":1538492183000,"
    "\"metaDataLastUpdateTs\":1538492184000,\"ttr\":{\"ttrType\":\"NORMAL\",\"value\":3600},"
    "\"delay\":{\"delayType\":\"NIGHT\",\"tillWhen\":0}}}}]}");
  ConfabConversationChange *change = only_change (changes);

  g_assert_cmpint (change->type, ==, CONFAB_CHANGE_UPSERT);
  g_assert_cmpstr (change->conversation_id, ==, "conv-1");
  g_assert_cmpint (change->state, ==, CONFAB_CONVERSATION_STATE_OPEN);
  g_assert_cmpint (change->stage, ==, CONFAB_CONVERSATION_STATE_OPEN);
  g_assert_cmpint (change->close_reason, ==, CONFAB_CLOSE_REASON_NONE);
  g_assert_cmpint (change->last_updated_ts, ==, 1538492184000);
  g_assert_false (confab_conversation_change_is_closed (change));

  g_assert_cmpuint (change->participants->len, ==, 2);
  g_assert_cmpstr (participant (change, 0)->id, ==, "consumer-1");
  g_assert_cmpint (participant (change, 0)->role, ==, CONFAB_ROLE_CONSUMER);
  g_assert_cmpstr (participant (change, 1)->id, ==, "agent-7");
  g_assert_cmpint (participant (change, 1)->role, ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_cmpstr (participant (change, 1)->role_name, ==, "ASSIGNED_AGENT");
  g_assert_cmpstr (confab_conversation_change_get_agent_id (change), ==, "agent-7");

  g_assert_cmpuint (change->dialogs->len, ==, 1);
  g_assert_cmpstr (dialog (change, 0)->dialog_id, ==, "conv-1");
  g_assert_cmpstr (dialog (change, 0)->dialog_type, ==, "MAIN");
  g_assert_cmpint (dialog (change, 0)->state, ==, CONFAB_CONVERSATION_STATE_OPEN);
  g_assert_false (confab_conversation_change_main_closed (change));
  g_assert_null (confab_conversation_change_get_survey (change));
}

static void
test_closed (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":["
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"a\",\"conversationDetails\":{\"state\":\"CLOSE\",\"stage\":\"CLOSE\",\"closeReason\":\"AGENT\"}}},"
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"b\",\"conversationDetails\":{\"state\":\"CLOSE\",\"closeReason\":\"TIMEOUT\"}}},"
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"c\",\"conversationDetails\":{\"state\":\"CLOSE\",\"stage\":\"OPEN\"}}},"
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"d\",\"conversationDetails\":{\"state\":\"OPEN\",\"stage\":\"CLOSE\",\"closeReason\":\"SYSTEM\"}}},"
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"e\",\"conversationDetails\":{\"state\":\"PENDING\",\"closeReason\":\"SOMETHING_NEW\"}}},"
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"f\",\"conversationDetails\":{\"stage\":\"CLOSE\",\"closeReason\":\"CONSUMER\"}}}"
    "]}");
  ConfabConversationChange *c;

  g_assert_cmpuint (changes->len, ==, 6);

  c = g_ptr_array_index (changes, 0);
  g_assert_true (confab_conversation_change_is_closed (c));
  g_assert_cmpint (c->close_reason, ==, CONFAB_CLOSE_REASON_AGENT);

  c = g_ptr_array_index (changes, 1);
  g_assert_cmpint (c->stage, ==, CONFAB_CONVERSATION_STATE_UNKNOWN);
  g_assert_true (confab_conversation_change_is_closed (c));
  g_assert_cmpint (c->close_reason, ==, CONFAB_CLOSE_REASON_TIMEOUT);

  /* the stage, when sent, is about the whole conversation */
  c = g_ptr_array_index (changes, 2);
  g_assert_false (confab_conversation_change_is_closed (c));
  c = g_ptr_array_index (changes, 3);
  g_assert_true (confab_conversation_change_is_closed (c));
  g_assert_cmpint (c->close_reason, ==, CONFAB_CLOSE_REASON_SYSTEM);

  c = g_ptr_array_index (changes, 4);
  g_assert_cmpint (c->state, ==, CONFAB_CONVERSATION_STATE_UNKNOWN);
  g_assert_false (confab_conversation_change_is_closed (c));
  g_assert_cmpint (c->close_reason, ==, CONFAB_CLOSE_REASON_UNKNOWN);

  c = g_ptr_array_index (changes, 5);
  g_assert_true (confab_conversation_change_is_closed (c));
  g_assert_cmpint (c->close_reason, ==, CONFAB_CLOSE_REASON_CONSUMER);
  g_assert_null (confab_conversation_change_get_agent_id (c));
}

static void
test_participants_pid (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"type\":\"UPSERT\",\"result\":{\"convId\":\"x\",\"conversationDetails\":{"
    "\"participantsPId\":{\"CONSUMER\":[\"consumer-1\"],\"ASSIGNED_AGENT\":[\"agent-2\"],\"MANAGER\":\"mgr-3\","
    "\"READER\":[\"r-1\",5,null,\"r-2\"],\"AGENT\":[]},\"state\":\"OPEN\"}}}]}");
  ConfabConversationChange *change = only_change (changes);

  g_assert_cmpuint (change->participants->len, ==, 5);
  g_assert_cmpstr (participant (change, 0)->id, ==, "consumer-1");
  g_assert_cmpint (participant (change, 0)->role, ==, CONFAB_ROLE_CONSUMER);
  g_assert_cmpstr (participant (change, 1)->id, ==, "agent-2");
  g_assert_cmpint (participant (change, 1)->role, ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_cmpstr (participant (change, 2)->id, ==, "mgr-3");
  g_assert_cmpint (participant (change, 2)->role, ==, CONFAB_ROLE_MANAGER);
  g_assert_cmpstr (participant (change, 3)->id, ==, "r-1");
  g_assert_cmpint (participant (change, 3)->role, ==, CONFAB_ROLE_UNKNOWN);
  g_assert_cmpstr (participant (change, 3)->role_name, ==, "READER");
  g_assert_cmpstr (participant (change, 4)->id, ==, "r-2");
  g_assert_cmpstr (confab_conversation_change_get_agent_id (change), ==, "agent-2");
}

static void
test_bare_elements (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":{\"type\":\"UPSERT\",\"result\":{\"convId\":\"x\",\"conversationDetails\":{"
    "\"participants\":{\"id\":\"agent-9\",\"role\":\"ASSIGNED_AGENT\"},"
    "\"dialogs\":{\"dialogId\":\"x\",\"dialogType\":\"POST_SURVEY\",\"state\":\"CLOSE\"}}}}}");
  ConfabConversationChange *change = only_change (changes);

  g_assert_cmpuint (change->participants->len, ==, 1);
  g_assert_cmpstr (confab_conversation_change_get_agent_id (change), ==, "agent-9");
  g_assert_cmpuint (change->dialogs->len, ==, 1);
  g_assert_cmpstr (dialog (change, 0)->dialog_type, ==, "POST_SURVEY");
  g_assert_cmpint (dialog (change, 0)->state, ==, CONFAB_CONVERSATION_STATE_CLOSE);
}

static void
test_delete (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[{\"type\":\"DELETE\",\"result\":{\"convId\":\"gone\"}},"
    "{\"type\":\"REPLACE\",\"result\":{\"convId\":\"odd\"}}]}");
  ConfabConversationChange *c;

  g_assert_cmpuint (changes->len, ==, 2);
  c = g_ptr_array_index (changes, 0);
  g_assert_cmpint (c->type, ==, CONFAB_CHANGE_DELETE);
  g_assert_cmpstr (c->conversation_id, ==, "gone");
  g_assert_nonnull (c->participants);
  g_assert_nonnull (c->dialogs);
  g_assert_cmpuint (c->participants->len, ==, 0);
  g_assert_cmpint (c->state, ==, CONFAB_CONVERSATION_STATE_UNKNOWN);
  g_assert_cmpint (c->last_updated_ts, ==, 0);
  c = g_ptr_array_index (changes, 1);
  g_assert_cmpint (c->type, ==, CONFAB_CHANGE_UNKNOWN);
}

static void
test_wrong_types (void)
{
  g_autoptr(GPtrArray) changes = parse_body (
    "{\"changes\":[1,\"a\",null,[],{},{\"type\":\"UPSERT\"},{\"type\":\"UPSERT\",\"result\":\"x\"},"
    "{\"type\":\"UPSERT\",\"result\":{}},{\"type\":\"UPSERT\",\"result\":{\"convId\":7}},"
    "{\"type\":5,\"result\":{\"convId\":\"w\",\"conversationDetails\":{"
    "\"participants\":[5,\"p\",{\"id\":3,\"role\":\"AGENT\"},{\"role\":\"AGENT\"},{\"id\":\"ok\",\"role\":[]}],"
    "\"dialogs\":[5,{},{\"dialogId\":[]},{\"dialogId\":\"d\",\"dialogType\":3,\"state\":{}}],"
    "\"state\":7,\"stage\":[],\"closeReason\":{},\"metaDataLastUpdateTs\":\"yesterday\"}}},"
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"v\",\"conversationDetails\":\"text\"}},"
    "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"u\",\"conversationDetails\":{\"participantsPId\":[\"x\"],"
    "\"metaDataLastUpdateTs\":1.5e12,\"dialogs\":\"MAIN\"}}},"
    "{\"type\":\"UPSERT\",\"result\":{\"conversationDetails\":{\"convId\":\"t\",\"metaDataLastUpdateTs\":-1}}}"
    "]}");
  ConfabConversationChange *c;

  g_assert_cmpuint (changes->len, ==, 4);

  c = g_ptr_array_index (changes, 0);
  g_assert_cmpstr (c->conversation_id, ==, "w");
  g_assert_cmpint (c->type, ==, CONFAB_CHANGE_UNKNOWN);
  g_assert_cmpuint (c->participants->len, ==, 1);
  g_assert_cmpstr (participant (c, 0)->id, ==, "ok");
  g_assert_cmpint (participant (c, 0)->role, ==, CONFAB_ROLE_UNKNOWN);
  g_assert_null (participant (c, 0)->role_name);
  g_assert_cmpuint (c->dialogs->len, ==, 1);
  g_assert_null (dialog (c, 0)->dialog_type);
  g_assert_cmpint (dialog (c, 0)->state, ==, CONFAB_CONVERSATION_STATE_UNKNOWN);
  g_assert_cmpint (c->state, ==, CONFAB_CONVERSATION_STATE_UNKNOWN);
  g_assert_cmpint (c->stage, ==, CONFAB_CONVERSATION_STATE_UNKNOWN);
  g_assert_cmpint (c->close_reason, ==, CONFAB_CLOSE_REASON_NONE);
  g_assert_cmpint (c->last_updated_ts, ==, 0);

  c = g_ptr_array_index (changes, 1);
  g_assert_cmpstr (c->conversation_id, ==, "v");
  g_assert_cmpuint (c->participants->len, ==, 0);

  c = g_ptr_array_index (changes, 2);
  g_assert_cmpstr (c->conversation_id, ==, "u");
  g_assert_cmpuint (c->participants->len, ==, 0);
  g_assert_cmpuint (c->dialogs->len, ==, 0);
  g_assert_cmpint (c->last_updated_ts, ==, 1500000000000);

  c = g_ptr_array_index (changes, 3);
  g_assert_cmpstr (c->conversation_id, ==, "t");
  g_assert_cmpint (c->last_updated_ts, ==, 0);
}

static void
test_bodies (void)
{
  const char *empty_bodies[] = { "{}", "{\"changes\":[]}", "{\"changes\":false}", "{\"subscriptionId\":\"s\"}", NULL };

  confab_test_assert_no_changes (CONFAB_NOTIFY_EX_CONVERSATION, confab_parse_conversation_notification,
                                 "\"oops\"", empty_bodies);
}

static void
test_huge (void)
{
  GString *body = g_string_new ("{\"changes\":[");
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (body, "%s{\"type\":\"UPSERT\",\"result\":{\"convId\":\"c%u\","
                            "\"conversationDetails\":{}}}",
                            i ? "," : "", i);
  g_string_append (body, "]}");
  text = g_string_free (body, FALSE);

  changes = parse_body (text);
  g_assert_cmpuint (changes->len, ==, 100000);
  g_assert_cmpstr (((ConfabConversationChange *) g_ptr_array_index (changes, 99999))->conversation_id, ==, "c99999");
}

static void
test_close_reason_strings (void)
{
  g_assert_cmpstr (confab_close_reason_to_string (CONFAB_CLOSE_REASON_AGENT), ==, "AGENT");
  g_assert_cmpstr (confab_close_reason_to_string (CONFAB_CLOSE_REASON_CONSUMER), ==, "CONSUMER");
  g_assert_cmpstr (confab_close_reason_to_string (CONFAB_CLOSE_REASON_SYSTEM), ==, "SYSTEM");
  g_assert_cmpstr (confab_close_reason_to_string (CONFAB_CLOSE_REASON_TIMEOUT), ==, "TIMEOUT");
  g_assert_null (confab_close_reason_to_string (CONFAB_CLOSE_REASON_NONE));
  g_assert_null (confab_close_reason_to_string (CONFAB_CLOSE_REASON_UNKNOWN));
}

/* Round trips: what the service encodes, the client reads back. */

static GPtrArray *
round_trip (GPtrArray *changes)
{
  return confab_test_round_trip (CONFAB_NOTIFY_EX_CONVERSATION, "sub", changes, confab_parse_conversation_notification);
}

static void
assert_round_trip (ConfabChangeType              type,
                   const ConfabConversationInfo *info)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(JsonNode) details = confab_conversation_details_to_json (info);
  JsonObject *details_object = json_node_get_object (details);
  ConfabConversationState state = info->closed ? CONFAB_CONVERSATION_STATE_CLOSE : CONFAB_CONVERSATION_STATE_OPEN;
  gboolean reason_sent = info->closed && confab_close_reason_to_string (info->close_reason) != NULL;
  const ConfabConversationChange *change;
  const ConfabDialog *main_dialog;
  gint64 ts;

  g_ptr_array_add (changes, confab_conversation_change_to_json (type, info));
  parsed = round_trip (changes);
  change = only_change (parsed);

  g_assert_cmpint (change->type, ==, type);
  g_assert_cmpstr (change->conversation_id, ==, info->conversation_id);
  g_assert_cmpint (change->state, ==, state);
  g_assert_cmpint (change->stage, ==, state);
  g_assert_true (confab_conversation_change_is_closed (change) == info->closed);
  g_assert_cmpint (change->close_reason, ==, reason_sent ? info->close_reason : CONFAB_CLOSE_REASON_NONE);
  g_assert_cmpint (change->last_updated_ts, ==, info->last_updated_ts);

  g_assert_cmpuint (change->participants->len, ==, info->agent_id != NULL ? 2 : 1);
  g_assert_cmpstr (participant (change, 0)->id, ==, info->consumer_id);
  g_assert_cmpint (participant (change, 0)->role, ==, CONFAB_ROLE_CONSUMER);
  g_assert_cmpstr (participant (change, 0)->role_name, ==, "CONSUMER");
  if (info->agent_id != NULL)
    {
      g_assert_cmpstr (participant (change, 1)->id, ==, info->agent_id);
      g_assert_cmpint (participant (change, 1)->role, ==, CONFAB_ROLE_ASSIGNED_AGENT);
    }
  g_assert_cmpstr (confab_conversation_change_get_agent_id (change), ==, info->agent_id);

  g_assert_cmpuint (change->dialogs->len, ==, 1);
  main_dialog = dialog (change, 0);
  g_assert_cmpstr (main_dialog->dialog_id, ==, info->conversation_id);
  g_assert_cmpstr (main_dialog->dialog_type, ==, "MAIN");
  g_assert_cmpint (main_dialog->state, ==, state);

  /* what the client does not keep is there all the same */
  g_assert_cmpstr (confab_json_get_string (details_object, "brandId"), ==, info->brand_id);
  g_assert_true (confab_json_lookup_int (details_object, "startTs", &ts) && ts == info->start_ts);
  g_assert_true (confab_json_lookup_int (details_object, "endTs", &ts) == info->closed);
  if (info->closed)
    g_assert_cmpint (ts, ==, info->end_ts);
}

static void
test_round_trip (void)
{
  const ConfabCloseReason reasons[] = {
    CONFAB_CLOSE_REASON_NONE, CONFAB_CLOSE_REASON_AGENT, CONFAB_CLOSE_REASON_CONSUMER,
    CONFAB_CLOSE_REASON_SYSTEM, CONFAB_CLOSE_REASON_TIMEOUT, CONFAB_CLOSE_REASON_UNKNOWN,
  };
  const ConfabConversationInfo infos[] = {
    /* just requested: no agent yet */
    { "conv-1", "brand", "consumer-1", NULL, FALSE, CONFAB_CLOSE_REASON_NONE, 1538492183000, 0, 1538492183000 },
    /* accepted */
    { "conv-1", "brand", "consumer-1", "agent-7", FALSE, CONFAB_CLOSE_REASON_NONE, 1, 0, 2 },
    /* unicode and quoting everywhere, the largest timestamps */
    { "\xe4\xb8\xad \"c\"\\", "br\xc3\xa4nd", "c\xf0\x9f\x98\x80", "\xd7\x90gent\n", FALSE,
      CONFAB_CLOSE_REASON_NONE, G_MAXINT64, 0, G_MAXINT64 },
    /* empty ids are still ids */
    { "", "", "", "", FALSE, CONFAB_CLOSE_REASON_NONE, 0, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (infos); i++)
    {
      assert_round_trip (CONFAB_CHANGE_UPSERT, &infos[i]);
      assert_round_trip (CONFAB_CHANGE_DELETE, &infos[i]);

      for (guint r = 0; r < G_N_ELEMENTS (reasons); r++)
        {
          ConfabConversationInfo closed = infos[i];

          closed.closed = TRUE;
          closed.close_reason = reasons[r];
          closed.end_ts = closed.start_ts == G_MAXINT64 ? G_MAXINT64 : closed.start_ts + 1;
          assert_round_trip (CONFAB_CHANGE_UPSERT, &closed);
          assert_round_trip (CONFAB_CHANGE_DELETE, &closed);
        }
    }
}

/* Many conversations in one notification keep their order. */
static void
test_round_trip_many (void)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) parsed = NULL;

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *id = g_strdup_printf ("conv-%u", i);
      ConfabConversationInfo info = { id, "brand", "consumer", NULL, i % 2 == 1, CONFAB_CLOSE_REASON_AGENT, i, i, i };

      g_ptr_array_add (changes, confab_conversation_change_to_json (CONFAB_CHANGE_UPSERT, &info));
    }

  parsed = round_trip (changes);
  for (guint i = 0; i < parsed->len; i++)
    {
      const ConfabConversationChange *change = g_ptr_array_index (parsed, i);
      g_autofree char *id = g_strdup_printf ("conv-%u", i);

      g_assert_cmpstr (change->conversation_id, ==, id);
      g_assert_true (confab_conversation_change_is_closed (change) == (i % 2 == 1));
      g_assert_cmpint (change->last_updated_ts, ==, i);
    }
}

/* The encoder writes LivePerson's wire form exactly, member for member and in order. */
static void
test_encoder (void)
{
  const ConfabConversationInfo open = { "c1", "b", "u", NULL, FALSE, CONFAB_CLOSE_REASON_NONE, 10, 0, 11 };
  const ConfabConversationInfo closed = { "c1", "b", "u", "a", TRUE, CONFAB_CLOSE_REASON_AGENT, 10, 12, 13 };
  g_autoptr(JsonNode) open_change = confab_conversation_change_to_json (CONFAB_CHANGE_UPSERT, &open);
  g_autoptr(JsonNode) closed_details = confab_conversation_details_to_json (&closed);
  g_autofree char *open_json = confab_json_to_string (open_change);
  g_autofree char *closed_json = confab_json_to_string (closed_details);

  g_assert_cmpstr (open_json, ==,
                   "{\"type\":\"UPSERT\",\"result\":{\"convId\":\"c1\",\"effectiveTTR\":-1,\"conversationDetails\":"
                   "{\"skillId\":\"-1\",\"participants\":[{\"id\":\"u\",\"role\":\"CONSUMER\"}],"
                   "\"dialogs\":[{\"dialogId\":\"c1\",\"participantsDetails\":[{\"id\":\"u\",\"role\":\"CONSUMER\",\"state\":\"ACTIVE\"}],"
                   "\"dialogType\":\"MAIN\",\"channelType\":\"MESSAGING\",\"state\":\"OPEN\",\"creationTs\":10,"
                   "\"metaDataLastUpdateTs\":11}],"
                   "\"brandId\":\"b\",\"state\":\"OPEN\",\"stage\":\"OPEN\",\"startTs\":10,\"metaDataLastUpdateTs\":11}}}");
  g_assert_cmpstr (closed_json, ==,
                   "{\"skillId\":\"-1\",\"participants\":[{\"id\":\"u\",\"role\":\"CONSUMER\"},{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\"}],"
                   "\"dialogs\":[{\"dialogId\":\"c1\",\"participantsDetails\":[{\"id\":\"u\",\"role\":\"CONSUMER\",\"state\":\"ACTIVE\"},"
                   "{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\",\"state\":\"ACTIVE\"}],"
                   "\"dialogType\":\"MAIN\",\"channelType\":\"MESSAGING\",\"state\":\"CLOSE\",\"creationTs\":10,"
                   "\"endTs\":12,\"closedBy\":\"AGENT\",\"metaDataLastUpdateTs\":13}],"
                   "\"brandId\":\"b\",\"state\":\"CLOSE\",\"stage\":\"CLOSE\",\"closeReason\":\"AGENT\","
                   "\"startTs\":10,\"endTs\":12,\"metaDataLastUpdateTs\":13}");
}

/* A post-conversation survey: the main dialog closes, the conversation stays open with a
 * POST_SURVEY dialog, and closes when the survey does; the rating is echoed as "csat". */
static void
test_encoder_survey (void)
{
  static const char csat_text[] = "{\"field\":\"CSATRate\",\"csatRate\":5}";
  g_autoptr(JsonNode) csat = confab_json_parse (csat_text, strlen (csat_text), NULL);
  ConfabConversationInfo running = { "c1", "b", "u", "a", FALSE, CONFAB_CLOSE_REASON_AGENT, 10, 12, 13,
                                     NULL, "s1", FALSE, CONFAB_CLOSE_REASON_NONE, 12, 0 };
  ConfabConversationInfo done = running;
  g_autoptr(JsonNode) running_details = confab_conversation_details_to_json (&running);
  g_autofree char *running_json = confab_json_to_string (running_details);
  g_autoptr(JsonNode) done_details = NULL;
  g_autofree char *done_json = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) parsed = NULL;
  const ConfabConversationChange *change;

  g_assert_cmpstr (running_json, ==,
                   "{\"skillId\":\"-1\",\"participants\":[{\"id\":\"u\",\"role\":\"CONSUMER\"},{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\"}],"
                   "\"dialogs\":[{\"dialogId\":\"c1\",\"participantsDetails\":[{\"id\":\"u\",\"role\":\"CONSUMER\",\"state\":\"ACTIVE\"},"
                   "{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\",\"state\":\"ACTIVE\"}],"
                   "\"dialogType\":\"MAIN\",\"channelType\":\"MESSAGING\",\"state\":\"CLOSE\",\"creationTs\":10,"
                   "\"endTs\":12,\"closedBy\":\"AGENT\",\"metaDataLastUpdateTs\":13},"
                   "{\"dialogId\":\"s1\",\"participantsDetails\":[{\"id\":\"u\",\"role\":\"CONSUMER\",\"state\":\"ACTIVE\"},"
                   "{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\",\"state\":\"ACTIVE\"}],"
                   "\"dialogType\":\"POST_SURVEY\",\"channelType\":\"MESSAGING\",\"state\":\"OPEN\",\"creationTs\":12,"
                   "\"metaDataLastUpdateTs\":13}],"
                   "\"brandId\":\"b\",\"state\":\"CLOSE\",\"stage\":\"OPEN\",\"closeReason\":\"AGENT\","
                   "\"startTs\":10,\"metaDataLastUpdateTs\":13}");

  done.closed = TRUE;
  done.survey_closed = TRUE;
  done.survey_close_reason = CONFAB_CLOSE_REASON_AGENT;
  done.survey_end_ts = 20;
  done.last_updated_ts = 21;
  done.csat = csat;
  done_details = confab_conversation_details_to_json (&done);
  done_json = confab_json_to_string (done_details);
  g_assert_nonnull (strstr (done_json, "\"dialogType\":\"POST_SURVEY\",\"channelType\":\"MESSAGING\",\"state\":\"CLOSE\","
                                       "\"creationTs\":12,\"endTs\":20,\"closedBy\":\"AGENT\",\"closedCause\":\"Completed\""));
  g_assert_nonnull (strstr (done_json, "\"state\":\"CLOSE\",\"stage\":\"CLOSE\",\"closeReason\":\"AGENT\","
                                       "\"startTs\":10,\"endTs\":20,\"metaDataLastUpdateTs\":21,"
                                       "\"csat\":{\"field\":\"CSATRate\",\"csatRate\":5}}"));

  /* skipped by the consumer */
  done.survey_close_reason = CONFAB_CLOSE_REASON_CONSUMER;
  g_clear_pointer (&done_details, json_node_unref);
  g_clear_pointer (&done_json, g_free);
  done_details = confab_conversation_details_to_json (&done);
  done_json = confab_json_to_string (done_details);
  g_assert_nonnull (strstr (done_json, "\"closedBy\":\"CONSUMER\",\"closedCause\":\"Closed by consumer\""));

  /* what a client reads of it: open while the survey runs, two dialogs */
  g_ptr_array_add (changes, confab_conversation_change_to_json (CONFAB_CHANGE_UPSERT, &running));
  g_ptr_array_add (changes, confab_conversation_change_to_json (CONFAB_CHANGE_UPSERT, &done));
  parsed = round_trip (changes);
  change = g_ptr_array_index (parsed, 0);
  g_assert_cmpint (change->state, ==, CONFAB_CONVERSATION_STATE_CLOSE);
  g_assert_cmpint (change->stage, ==, CONFAB_CONVERSATION_STATE_OPEN);
  g_assert_false (confab_conversation_change_is_closed (change));
  g_assert_cmpuint (change->dialogs->len, ==, 2);
  g_assert_cmpstr (dialog (change, 0)->dialog_type, ==, "MAIN");
  g_assert_cmpint (dialog (change, 0)->state, ==, CONFAB_CONVERSATION_STATE_CLOSE);
  g_assert_cmpstr (dialog (change, 1)->dialog_id, ==, "s1");
  g_assert_cmpstr (dialog (change, 1)->dialog_type, ==, "POST_SURVEY");
  g_assert_cmpint (dialog (change, 1)->state, ==, CONFAB_CONVERSATION_STATE_OPEN);
  g_assert_null (dialog (change, 1)->closed_cause);
  /* the survey's signal: main dialog closed, survey open */
  g_assert_true (confab_conversation_change_main_closed (change));
  g_assert_true (confab_conversation_change_get_survey (change) == dialog (change, 1));
  g_assert_false (change->has_csat);
  change = g_ptr_array_index (parsed, 1);
  /* the rating echoed: the service holds an answer */
  g_assert_true (change->has_csat);
  g_assert_true (confab_conversation_change_is_closed (change));
  g_assert_true (confab_conversation_change_main_closed (change));
  g_assert_cmpint (dialog (change, 1)->state, ==, CONFAB_CONVERSATION_STATE_CLOSE);
  g_assert_cmpstr (dialog (change, 1)->closed_cause, ==, "Closed by consumer");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/conversation/documented", test_documented);
  g_test_add_func ("/protocol/conversation/closed", test_closed);
  g_test_add_func ("/protocol/conversation/participants-pid", test_participants_pid);
  g_test_add_func ("/protocol/conversation/bare-elements", test_bare_elements);
  g_test_add_func ("/protocol/conversation/delete", test_delete);
  g_test_add_func ("/protocol/conversation/wrong-types", test_wrong_types);
  g_test_add_func ("/protocol/conversation/bodies", test_bodies);
  g_test_add_func ("/protocol/conversation/huge", test_huge);
  g_test_add_func ("/protocol/conversation/close-reason-strings", test_close_reason_strings);
  g_test_add_func ("/protocol/conversation/encoder", test_encoder);
  g_test_add_func ("/protocol/conversation/encoder-survey", test_encoder_survey);
  g_test_add_func ("/protocol/conversation/round-trip", test_round_trip);
  g_test_add_func ("/protocol/conversation/round-trip-many", test_round_trip_many);

  return g_test_run ();
}
