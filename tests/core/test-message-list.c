/* test-message-list.c: ConfabMessage and ConfabMessageList
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "confab-test-util.h"
#include "confab-message-list.h"

#define CONSUMER "consumer-1"
#define AGENT "agent-7"
#define DAY_MS (24 * 3600 * (gint64) 1000)

static ConfabMessage *
make_message (const char *dialog,
              gint64      sequence,
              const char *originator,
              gint64      time_ms,
              const char *text)
{
  ConfabMessagingChange change = { 0 };

  change.sequence = sequence;
  change.server_timestamp = time_ms;
  change.originator_id = (char *) originator;
  change.dialog_id = (char *) dialog;
  change.conversation_id = (char *) dialog;
  change.type = CONFAB_EVENT_CONTENT;
  change.content_type = (char *) "text/plain";
  change.text = (char *) text;
  change.role = g_strcmp0 (originator, CONSUMER) == 0 ? CONFAB_ROLE_CONSUMER : CONFAB_ROLE_ASSIGNED_AGENT;
  return confab_message_new_from_change (&change, CONSUMER);
}

typedef struct
{
  guint signals;
  guint last_position, last_removed, last_added;
} Counter;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Counter    *c)
{
  c->signals++;
  c->last_position = position;
  c->last_removed = removed;
  c->last_added = added;
}

static gint64
seq_at (ConfabMessageList *list,
        guint              i)
{
  g_autoptr(ConfabMessage) m = g_list_model_get_item (G_LIST_MODEL (list), i);

  return confab_message_get_sequence (m);
}

static void
add_batch (ConfabMessageList *list,
           GPtrArray         *batch)
{
  /* what was new is not looked at here */
  g_ptr_array_unref (confab_message_list_add (list, batch));
  g_ptr_array_set_size (batch, 0);
}

static void
test_order_and_duplicates (void)
{
  g_autoptr(ConfabMessageList) list = confab_message_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = NULL;
  Counter c = { 0 };
  gint64 t = 1700000000000;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);

  g_ptr_array_add (batch, make_message ("d1", 4, AGENT, t + 4, "four"));
  g_ptr_array_add (batch, make_message ("d1", 0, AGENT, t, "zero"));
  g_ptr_array_add (batch, make_message ("d1", 2, CONSUMER, t + 2, "two"));
  g_ptr_array_add (batch, make_message ("d1", 2, CONSUMER, t + 2, "two again"));
  added = confab_message_list_add (list, batch);
  g_ptr_array_set_size (batch, 0);

  g_assert_cmpuint (added->len, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpuint (c.signals, ==, 1);
  g_assert_cmpint (seq_at (list, 0), ==, 0);
  g_assert_cmpint (seq_at (list, 1), ==, 2);
  g_assert_cmpint (seq_at (list, 2), ==, 4);
  g_assert_cmpint (confab_message_list_get_last_sequence (list, "d1"), ==, 4);
  g_assert_cmpint (confab_message_list_get_last_sequence (list, "other"), ==, -1);

  /* a replay overlapping what is held adds only what is new, in its place */
  g_ptr_array_add (batch, make_message ("d1", 2, CONSUMER, t + 2, "two"));
  g_ptr_array_add (batch, make_message ("d1", 3, AGENT, t + 3, "three"));
  g_ptr_array_add (batch, make_message ("d1", 4, AGENT, t + 4, "four"));
  add_batch (list, batch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_cmpuint (c.signals, ==, 2);
  g_assert_cmpuint (c.last_position, ==, 2);
  g_assert_cmpuint (c.last_removed, ==, 0);
  g_assert_cmpuint (c.last_added, ==, 1);
  g_assert_cmpint (seq_at (list, 2), ==, 3);

  /* nothing new: no signal */
  g_ptr_array_add (batch, make_message ("d1", 0, AGENT, t, "zero"));
  add_batch (list, batch);
  g_assert_cmpuint (c.signals, ==, 2);

  /* a later conversation comes after, whatever its sequences */
  g_ptr_array_add (batch, make_message ("d2", 0, AGENT, t + 10, "new conversation"));
  add_batch (list, batch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  g_assert_cmpint (seq_at (list, 4), ==, 0);
}

static const char *
text_at (ConfabMessageList *list,
         guint              i)
{
  g_autoptr(ConfabMessage) m = g_list_model_get_item (G_LIST_MODEL (list), i);

  return confab_message_get_text (m);
}

static void
has_older_cb (ConfabMessageList *list,
              GParamSpec        *pspec,
              guint             *notified)
{
  (*notified)++;
}

/* Pages of the history come newest first: each older one goes on top in one signal, the
 * dialogs seen there first before the known ones, what is held already not twice; the
 * rows below do not move and the live rows still come at the end. */
static void
test_older_pages_on_top (void)
{
  g_autoptr(ConfabMessageList) list = confab_message_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(ConfabMessage) was_first = NULL;
  g_autoptr(ConfabMessage) pending = confab_message_new_outgoing ("not sent yet", 1700000000500);
  Counter c = { 0 };
  guint notified = 0;
  gint64 t = 1700000000000;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);
  g_signal_connect (list, "notify::has-older", G_CALLBACK (has_older_cb), &notified);
  g_assert_false (confab_message_list_get_has_older (list));

  /* the newest page: the end of conversation c1 and all of c2 */
  g_ptr_array_add (batch, make_message ("c1", 8, AGENT, t + 8, "c1/8"));
  g_ptr_array_add (batch, make_message ("c1", 9, CONSUMER, t + 9, "c1/9"));
  g_ptr_array_add (batch, make_message ("c2", 0, AGENT, t + 20, "c2/0"));
  g_ptr_array_add (batch, make_message ("c2", 1, AGENT, t + 21, "c2/1"));
  added = confab_message_list_add_older (list, batch, TRUE, 3);
  g_ptr_array_set_size (batch, 0);
  g_assert_cmpuint (added->len, ==, 4);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_assert_cmpuint (c.signals, ==, 1);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (confab_message_list_get_has_older (list));
  g_assert_cmpuint (confab_message_list_get_n_unread_before (list), ==, 3);
  g_assert_cmpstr (text_at (list, 0), ==, "c1/8");
  g_assert_cmpstr (text_at (list, 3), ==, "c2/1");
  g_assert_cmpint (confab_message_list_get_last_sequence (list, "c1"), ==, 9);
  g_assert_cmpint (confab_message_list_get_last_sequence (list, "c2"), ==, 1);
  confab_message_list_append_outgoing (list, pending);

  /* a live message of c2 goes at its end, before the one waiting */
  g_ptr_array_add (batch, make_message ("c2", 2, AGENT, t + 22, "c2/2"));
  add_batch (list, batch);
  g_assert_cmpstr (text_at (list, 4), ==, "c2/2");
  g_assert_cmpstr (text_at (list, 5), ==, "not sent yet");
  was_first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  c.signals = 0;

  /* an older page: c0, seen only now, then c1 up to what is held, which comes again */
  g_ptr_array_add (batch, make_message ("c0", 4, AGENT, t - 10, "c0/4"));
  g_ptr_array_add (batch, make_message ("c0", 5, CONSUMER, t - 9, "c0/5"));
  g_ptr_array_add (batch, make_message ("c1", 6, AGENT, t + 6, "c1/6"));
  g_ptr_array_add (batch, make_message ("c1", 7, CONSUMER, t + 7, "c1/7"));
  g_ptr_array_add (batch, make_message ("c1", 8, AGENT, t + 8, "c1/8 again"));
  added = confab_message_list_add_older (list, batch, TRUE, 0);
  g_ptr_array_set_size (batch, 0);
  g_assert_cmpuint (added->len, ==, 4);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_assert_cmpuint (c.signals, ==, 1);
  g_assert_cmpuint (c.last_position, ==, 0);
  g_assert_cmpuint (c.last_removed, ==, 0);
  g_assert_cmpuint (c.last_added, ==, 4);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (confab_message_list_get_n_unread_before (list), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10);
  {
    static const char *const expected[] = {
      "c0/4", "c0/5", "c1/6", "c1/7", "c1/8", "c1/9", "c2/0", "c2/1", "c2/2", "not sent yet",
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_cmpstr (text_at (list, i), ==, expected[i]);
  }
  {
    g_autoptr(ConfabMessage) fifth = g_list_model_get_item (G_LIST_MODEL (list), 4);

    g_assert_true (fifth == was_first);
  }
  /* the older page's first message starts a day and a group; the old first one now
   * follows its neighbour */
  {
    g_autoptr(ConfabMessage) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_true (confab_message_get_group_start (first));
  }

  /* the oldest page: two dialogs seen only there, before c0, in their order; nothing older */
  g_ptr_array_add (batch, make_message ("a", 0, AGENT, t - 40, "a/0"));
  g_ptr_array_add (batch, make_message ("b", 0, AGENT, t - 30, "b/0"));
  g_ptr_array_add (batch, make_message ("c0", 3, AGENT, t - 11, "c0/3"));
  added = confab_message_list_add_older (list, batch, FALSE, 5);
  g_ptr_array_set_size (batch, 0);
  g_assert_cmpuint (added->len, ==, 3);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_false (confab_message_list_get_has_older (list));
  g_assert_cmpuint (confab_message_list_get_n_unread_before (list), ==, 0);
  g_assert_cmpstr (text_at (list, 0), ==, "a/0");
  g_assert_cmpstr (text_at (list, 1), ==, "b/0");
  g_assert_cmpstr (text_at (list, 2), ==, "c0/3");
  g_assert_cmpstr (text_at (list, 3), ==, "c0/4");

  /* nothing new in a page: no signal */
  c.signals = 0;
  g_ptr_array_add (batch, make_message ("a", 0, AGENT, t - 40, "a/0"));
  g_clear_pointer (&added, g_ptr_array_unref);
  added = confab_message_list_add_older (list, batch, FALSE, 0);
  g_assert_cmpuint (added->len, ==, 0);
  g_assert_cmpuint (c.signals, ==, 0);
}

static void
test_replay_signals (void)
{
  g_autoptr(ConfabMessageList) list = confab_message_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  Counter c = { 0 };

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);

  /* 10,000 events arriving as the service sends them: 50 notifications of 200 */
  for (guint n = 0; n < 10000; n++)
    {
      g_ptr_array_add (batch, make_message ("d1", n, n % 2 ? AGENT : CONSUMER, 1700000000000 + n, "x"));
      if (batch->len == 200)
        add_batch (list, batch);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10000);
  g_assert_cmpuint (c.signals, ==, 50);
  g_assert_cmpuint (confab_message_list_get_n_items_changed (list), ==, 50);
  for (guint i = 0; i < 10000; i += 997)
    g_assert_cmpint (seq_at (list, i), ==, i);
}

static void
test_outgoing_then_answer_then_echo (void)
{
  g_autoptr(ConfabMessageList) list = confab_message_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabMessage) mine = confab_message_new_outgoing ("hello", 1700000000000);

  g_ptr_array_add (batch, make_message ("d1", 0, AGENT, 1700000000000, "hi"));
  add_batch (list, batch);

  confab_message_list_append_outgoing (list, mine);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpint (confab_message_get_delivery_state (mine), ==, CONFAB_DELIVERY_QUEUED);
  g_assert_true (confab_message_advance_delivery (mine, CONFAB_DELIVERY_SENDING));

  g_assert_true (confab_message_list_set_sequence (list, mine, "d1", 1));
  confab_message_advance_delivery (mine, CONFAB_DELIVERY_SENT);
  g_assert_cmpint (confab_message_get_sequence (mine), ==, 1);

  /* the echo of the same event: no second row */
  g_ptr_array_add (batch, make_message ("d1", 1, CONSUMER, 1700000000100, "hello"));
  add_batch (list, batch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_true (confab_message_list_lookup (list, "d1", 1) == mine);
}

static void
test_outgoing_echo_before_answer (void)
{
  g_autoptr(ConfabMessageList) list = confab_message_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabMessage) first = confab_message_new_outgoing ("same words", 1700000000000);
  g_autoptr(ConfabMessage) second = confab_message_new_outgoing ("same words", 1700000000001);
  g_autoptr(ConfabMessage) row = NULL;

  confab_message_list_append_outgoing (list, first);
  confab_message_list_append_outgoing (list, second);
  confab_message_advance_delivery (first, CONFAB_DELIVERY_SENDING);
  confab_message_advance_delivery (second, CONFAB_DELIVERY_SENDING);

  /* the echo of the first arrives before its publish answer */
  g_ptr_array_add (batch, make_message ("d1", 5, CONSUMER, 1700000000050, "same words"));
  add_batch (list, batch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpint (confab_message_get_sequence (first), ==, 5);
  g_assert_cmpint (confab_message_get_sequence (second), ==, -1);
  g_assert_cmpint (confab_message_get_delivery_state (first), ==, CONFAB_DELIVERY_SENT);

  /* then the answer for the first changes nothing */
  g_assert_true (confab_message_list_set_sequence (list, first, "d1", 5));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  /* and the second keeps its place at the end */
  row = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_true (row == second);
}

static void
test_day_breaks_and_groups (void)
{
  g_autoptr(ConfabMessageList) list = confab_message_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  /* noon, local time, so a day break is a day break in any time zone */
  g_autoptr(GDateTime) noon = g_date_time_new_local (2026, 11, 20, 12, 0, 0);
  gint64 t = g_date_time_to_unix (noon) * 1000;
  gboolean expect_day[] = { TRUE, FALSE, FALSE, FALSE, FALSE, TRUE };
  gboolean expect_group[] = { TRUE, FALSE, TRUE, TRUE, FALSE, TRUE };

  g_ptr_array_add (batch, make_message ("d1", 0, AGENT, t, "a"));
  g_ptr_array_add (batch, make_message ("d1", 1, AGENT, t + 60000, "b"));
  g_ptr_array_add (batch, make_message ("d1", 2, CONSUMER, t + 61000, "c"));
  g_ptr_array_add (batch, make_message ("d1", 4, CONSUMER, t + 61000 + CONFAB_MESSAGE_GROUP_GAP_MS + 1, "d"));
  g_ptr_array_add (batch, make_message ("d1", 5, CONSUMER, t + 62000 + CONFAB_MESSAGE_GROUP_GAP_MS + 1, "e"));
  g_ptr_array_add (batch, make_message ("d1", 7, CONSUMER, t + DAY_MS, "f"));
  add_batch (list, batch);

  for (guint i = 0; i < G_N_ELEMENTS (expect_day); i++)
    {
      g_autoptr(ConfabMessage) m = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (confab_message_get_day_break (m), ==, expect_day[i]);
      g_assert_cmpint (confab_message_get_group_start (m), ==, expect_group[i]);
    }

  /* a message that lands inside a group splits it where it belongs */
  g_ptr_array_add (batch, make_message ("d1", 3, AGENT, t + 61500, "agent in between"));
  add_batch (list, batch);
  {
    g_autoptr(ConfabMessage) m3 = g_list_model_get_item (G_LIST_MODEL (list), 3);
    g_autoptr(ConfabMessage) m4 = g_list_model_get_item (G_LIST_MODEL (list), 4);

    g_assert_cmpint (confab_message_get_sequence (m3), ==, 3);
    g_assert_true (confab_message_get_group_start (m3));
    g_assert_true (confab_message_get_group_start (m4));
  }
}

static ConfabMessage *
message_at (ConfabMessageList *list,
            guint              i)
{
  ConfabMessage *m = g_list_model_get_item (G_LIST_MODEL (list), i);

  g_object_unref (m);  /* the list keeps it alive */
  return m;
}

/* Events of the conversation stand after the message they follow, after the events there
 * before them; a dialog seen first through an event takes its place like any other; the
 * messages around them are still found by sequence, and a name shows again after them. */
static void
test_events_in_order (void)
{
  g_autoptr(ConfabMessageList) list = confab_message_list_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ConfabMessage) mine = confab_message_new_outgoing ("written after the close", 1700000009000);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = NULL;
  ConfabMessage *joined, *closed, *fresh;
  gint64 t = 1700000000000;

  for (gint64 i = 0; i < 4; i++)
    g_ptr_array_add (batch, make_message ("d1", i, AGENT, t + i * 1000, "agent"));
  add_batch (list, batch);

  joined = confab_message_new_event (CONFAB_MESSAGE_EVENT_AGENT_JOINED, "d1", 1, t + 1500, "agent-9",
                                     CONFAB_CLOSE_REASON_NONE);
  g_ptr_array_add (batch, joined);
  added = confab_message_list_add (list, batch);
  g_assert_cmpuint (added->len, ==, 1);
  g_ptr_array_set_size (batch, 0);
  g_assert_true (message_at (list, 2) == joined);
  g_assert_true (confab_message_is_event (joined));
  g_assert_cmpint (confab_message_get_sequence (joined), ==, -1);
  g_assert_cmpint (confab_message_get_after_sequence (joined), ==, 1);
  g_assert_cmpint (confab_message_get_local_id (joined), ==, 0);
  /* the agent's next message starts a group of its own */
  g_assert_true (confab_message_get_group_start (joined));
  g_assert_true (confab_message_get_group_start (message_at (list, 3)));
  g_assert_false (confab_message_get_group_start (message_at (list, 1)));
  g_assert_true (confab_message_list_lookup (list, "d1", 2) == message_at (list, 3));

  /* a second event at the same place goes after the first; the end of the dialog closes it */
  closed = confab_message_new_event (CONFAB_MESSAGE_EVENT_CLOSED, "d1", 3, t + 5000, NULL, CONFAB_CLOSE_REASON_AGENT);
  g_ptr_array_add (batch, confab_message_new_event (CONFAB_MESSAGE_EVENT_AGENT_JOINED, "d1", 1, t + 1600, AGENT,
                                                    CONFAB_CLOSE_REASON_NONE));
  g_ptr_array_add (batch, closed);
  add_batch (list, batch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 7);
  g_assert_true (message_at (list, 2) == joined);
  g_assert_cmpstr (confab_message_get_originator_id (message_at (list, 3)), ==, AGENT);
  g_assert_true (message_at (list, 6) == closed);
  g_assert_cmpint (confab_message_get_close_reason (closed), ==, CONFAB_CLOSE_REASON_AGENT);

  /* written after the close, then a new conversation: it begins above what the person wrote,
   * and the dialog's own messages follow it */
  confab_message_list_append_outgoing (list, mine);
  fresh = confab_message_new_event (CONFAB_MESSAGE_EVENT_NEW_CONVERSATION, "d2", -1, t + 9500, NULL,
                                    CONFAB_CLOSE_REASON_NONE);
  g_ptr_array_add (batch, fresh);
  add_batch (list, batch);
  g_assert_true (message_at (list, 7) == fresh);
  g_assert_true (message_at (list, 8) == mine);
  g_assert_true (confab_message_list_set_sequence (list, mine, "d2", 0));
  g_assert_true (message_at (list, 7) == fresh);
  g_assert_true (message_at (list, 8) == mine);
  g_assert_cmpint (confab_message_list_get_last_sequence (list, "d2"), ==, 0);

  /* an older page brings the events among its messages */
  g_ptr_array_add (page, confab_message_new_event (CONFAB_MESSAGE_EVENT_NEW_CONVERSATION, "d0", -1, t - 5000, NULL,
                                                   CONFAB_CLOSE_REASON_NONE));
  g_ptr_array_add (page, make_message ("d0", 0, AGENT, t - 4000, "older"));
  g_ptr_array_add (page, confab_message_new_event (CONFAB_MESSAGE_EVENT_CLOSED, "d0", 0, t - 3000, NULL,
                                                   CONFAB_CLOSE_REASON_TIMEOUT));
  g_clear_pointer (&added, g_ptr_array_unref);
  added = confab_message_list_add_older (list, page, FALSE, 0);
  g_assert_cmpuint (added->len, ==, 3);
  g_assert_cmpint (confab_message_get_event (message_at (list, 0)), ==, CONFAB_MESSAGE_EVENT_NEW_CONVERSATION);
  g_assert_cmpint (confab_message_get_sequence (message_at (list, 1)), ==, 0);
  g_assert_cmpint (confab_message_get_event (message_at (list, 2)), ==, CONFAB_MESSAGE_EVENT_CLOSED);
  g_assert_cmpstr (confab_message_get_dialog_id (message_at (list, 3)), ==, "d1");
}

/* The person's first message keeps its place: what the service stored after it never goes
 * above it, whichever way the echo and the greeting come (one notification, or the echo
 * first); only a message the service stored before it does. */
static void
test_first_message_stays_first (void)
{
  for (guint order = 0; order < 3; order++)
    {
      g_autoptr(ConfabMessageList) list = confab_message_list_new ();
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(ConfabMessage) first = confab_message_new_outgoing ("Hello, I need help", 1700000000000);
      Counter c = { 0 };

      confab_message_list_append_outgoing (list, first);
      confab_message_advance_delivery (first, CONFAB_DELIVERY_SENDING);
      g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);

      switch (order)
        {
        case 0: /* echo and greeting in one notification */
          g_ptr_array_add (batch, make_message ("d1", 0, CONSUMER, 1700000000100, "Hello, I need help"));
          g_ptr_array_add (batch, make_message ("d1", 2, AGENT, 1700000000900, "Hi, I'm Dana"));
          add_batch (list, batch);
          break;
        case 1: /* the same, greeting first in the notification */
          g_ptr_array_add (batch, make_message ("d1", 2, AGENT, 1700000000900, "Hi, I'm Dana"));
          g_ptr_array_add (batch, make_message ("d1", 0, CONSUMER, 1700000000100, "Hello, I need help"));
          add_batch (list, batch);
          break;
        default: /* the echo, the answer, then the greeting */
          g_ptr_array_add (batch, make_message ("d1", 0, CONSUMER, 1700000000100, "Hello, I need help"));
          add_batch (list, batch);
          g_assert_true (confab_message_list_set_sequence (list, first, "d1", 0));
          g_ptr_array_add (batch, make_message ("d1", 2, AGENT, 1700000000900, "Hi, I'm Dana"));
          add_batch (list, batch);
          break;
        }

      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
      g_assert_true (message_at (list, 0) == first);
      /* nothing above it changed: the row never moved */
      g_assert_cmpuint (c.last_position, >=, 1);
      g_assert_cmpuint (c.last_removed, ==, 0);
    }

  /* A greeting the service stored before the person's message (it got there first) is
   * above it: the conversation's order, the same on every device and after a restart. */
  {
    g_autoptr(ConfabMessageList) list = confab_message_list_new ();
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(ConfabMessage) first = confab_message_new_outgoing ("Hello, I need help", 1700000000000);

    confab_message_list_append_outgoing (list, first);
    g_ptr_array_add (batch, make_message ("d1", 0, AGENT, 1700000000050, "Hi, I'm Dana"));
    add_batch (list, batch);
    confab_message_advance_delivery (first, CONFAB_DELIVERY_SENDING);
    g_assert_true (confab_message_list_set_sequence (list, first, "d1", 1));
    g_assert_true (message_at (list, 1) == first);
  }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_delivery_forward_only (void)
{
  g_autoptr(ConfabMessage) m = confab_message_new_outgoing ("hi", 0);
  guint notifies = 0;

  g_signal_connect (m, "notify::delivery-state", G_CALLBACK (count_notify), &notifies);

  g_assert_true (confab_message_advance_delivery (m, CONFAB_DELIVERY_SENDING));
  g_assert_true (confab_message_advance_delivery (m, CONFAB_DELIVERY_SENT));
  g_assert_true (confab_message_advance_delivery (m, CONFAB_DELIVERY_READ));
  /* READ never goes back to delivered; the same state twice notifies once */
  g_assert_false (confab_message_advance_delivery (m, CONFAB_DELIVERY_DELIVERED));
  g_assert_false (confab_message_advance_delivery (m, CONFAB_DELIVERY_READ));
  confab_message_fail (m);
  g_assert_cmpint (confab_message_get_delivery_state (m), ==, CONFAB_DELIVERY_READ);
  g_assert_cmpuint (notifies, ==, 3);
}

static void
test_failed_and_retry (void)
{
  g_autoptr(ConfabMessage) m = confab_message_new_outgoing ("hi", 0);
  guint notifies = 0;

  g_signal_connect (m, "notify", G_CALLBACK (count_notify), &notifies);
  confab_message_advance_delivery (m, CONFAB_DELIVERY_SENDING);
  confab_message_fail (m);
  g_assert_cmpint (confab_message_get_delivery_state (m), ==, CONFAB_DELIVERY_FAILED);
  g_assert_true (confab_message_requeue (m));
  g_assert_cmpint (confab_message_get_delivery_state (m), ==, CONFAB_DELIVERY_QUEUED);
  g_assert_false (confab_message_requeue (m));
  /* setters notify only on a real change */
  confab_message_set_read_sent (m, FALSE);
  confab_message_set_sequence (m, -1);
  g_assert_cmpuint (notifies, ==, 3);
}

/* A message keeps the name of whoever sent it; own messages have none. */
static void
test_sender_name (void)
{
  g_autoptr(ConfabMessage) agent = make_message ("d1", 0, AGENT, 1, "hi");
  g_autoptr(ConfabMessage) own = make_message ("d1", 1, CONSUMER, 1, "hello");
  ConfabMessageFields fields = { .dialog_id = "d1", .sequence = 2, .originator_id = AGENT, .sender_name = "Dana" };
  g_autoptr(ConfabMessage) stored = confab_message_new (&fields);
  guint notifies = 0;

  g_assert_null (confab_message_get_sender_name (agent));
  g_assert_cmpstr (confab_message_get_sender_name (stored), ==, "Dana");
  g_signal_connect (agent, "notify::sender-name", G_CALLBACK (count_notify), &notifies);
  confab_message_set_sender_name (agent, "Alex");
  confab_message_set_sender_name (agent, "Alex");
  g_assert_cmpstr (confab_message_get_sender_name (agent), ==, "Alex");
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_null (confab_message_get_sender_name (own));
}

static void
test_own_and_placeholder (void)
{
  ConfabMessagingChange change = { 0 };
  g_autoptr(ConfabMessage) agent = make_message ("d1", 0, AGENT, 1, "hi");
  g_autoptr(ConfabMessage) own = make_message ("d1", 1, CONSUMER, 1, "hello");
  g_autoptr(ConfabMessage) file = NULL;

  g_assert_false (confab_message_get_own (agent));
  g_assert_cmpint (confab_message_get_role (agent), ==, CONFAB_ROLE_ASSIGNED_AGENT);
  g_assert_true (confab_message_get_own (own));
  g_assert_cmpint (confab_message_get_delivery_state (own), ==, CONFAB_DELIVERY_SENT);

  change.sequence = 3;
  change.originator_id = (char *) AGENT;
  change.type = CONFAB_EVENT_CONTENT;
  change.content_type = (char *) "hosted/file";
  change.text = (char *) "A file was shared";
  change.is_placeholder = TRUE;
  file = confab_message_new_from_change (&change, CONSUMER);
  g_assert_true (confab_message_get_is_placeholder (file));
  g_assert_cmpstr (confab_message_get_text (file), ==, "A file was shared");
  g_assert_cmpstr (confab_message_get_content_type (file), ==, "hosted/file");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/message-list/order-and-duplicates", test_order_and_duplicates);
  g_test_add_func ("/core/message-list/replay-signals", test_replay_signals);
  g_test_add_func ("/core/message-list/older-pages-on-top", test_older_pages_on_top);
  g_test_add_func ("/core/message-list/outgoing-answer-then-echo", test_outgoing_then_answer_then_echo);
  g_test_add_func ("/core/message-list/outgoing-echo-before-answer", test_outgoing_echo_before_answer);
  g_test_add_func ("/core/message-list/day-breaks-and-groups", test_day_breaks_and_groups);
  g_test_add_func ("/core/message-list/events-in-order", test_events_in_order);
  g_test_add_func ("/core/message-list/first-message-stays-first", test_first_message_stays_first);
  g_test_add_func ("/core/message/delivery-forward-only", test_delivery_forward_only);
  g_test_add_func ("/core/message/failed-and-retry", test_failed_and_retry);
  g_test_add_func ("/core/message/own-and-placeholder", test_own_and_placeholder);
  g_test_add_func ("/core/message/sender-name", test_sender_name);

  return g_test_run ();
}
