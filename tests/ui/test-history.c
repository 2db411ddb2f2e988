/* test-history.c: a long history on disk in the window: at its end from the first frame,
 * older pages on top without moving what is on screen
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No service: the account's port is closed, so what shows is the history on disk alone,
 * as when Confab starts offline.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "confab-test-util.h"
#include "ui-test-util.h"
#include "confab-message-row.h"
#include "confab-window.h"
#include "confab-window-private.h"

#define ACCOUNT "acc"
#define CONSUMER "history-consumer"
/* The first page (as the app reads it, a screenful) and two older pages */
#define FIRST_PAGE CONFAB_STORE_SCREENFUL
#define N_HISTORY (FIRST_PAGE + 2 * CONFAB_STORE_PAGE_SIZE)

static GtkApplication *the_app;

/* The history a test starts with */
typedef struct
{
  guint n_history;
  guint unread_from;       /* the agent's messages from this one on have no READ */
  gboolean behind;         /* the window is on screen but another one is active */
} Shape;

/* What a painted frame showed */
typedef struct
{
  char *page;              /* the content stack's page */
  guint n_items;
  gboolean at_bottom;
  gboolean newest_visible; /* the newest message's row, whole, inside the view */
  gboolean jump_shown;
} Frame;

typedef struct
{
  char *dir;
  char *path;
  ConfabStore *store;
  ConfabAccount *account;
  ConfabSession *session;
  ConfabWindow *window;
  GtkWidget *blocker;      /* the active window, when Confab's is behind */
  GArray *frames;          /* of Frame */
  gboolean revealed_while_loading;
  gboolean spinning_while_loading;
  guint loads;
} Fixture;

static void
frame_clear (gpointer data)
{
  g_free (((Frame *) data)->page);
}

static char *
base64url (const char *text)
{
  char *out = g_base64_encode ((const guchar *) text, strlen (text));

  g_strdelimit (out, "+", '-');
  g_strdelimit (out, "/", '_');
  for (char *p = out; *p != '\0'; p++)
    if (*p == '=')
      *p = '\0';
  return out;
}

/* Unsigned, but enough for Confab to know whose history to show. */
static char *
make_token (void)
{
  g_autofree char *header = base64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *claims = base64url ("{\"sub\":\"" CONSUMER "\",\"exp\":4102444800}");

  return g_strconcat (header, ".", claims, ".", NULL);
}

static GtkWidget *
scroller (Fixture *f)
{
  return gtk_widget_get_ancestor (_confab_window_get_message_list (f->window), GTK_TYPE_SCROLLED_WINDOW);
}

static GtkAdjustment *
vadjustment (Fixture *f)
{
  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller (f)));
}

/* The row's top in the view, or NAN when it has none (not laid out, or recycled) */
static double
row_top (Fixture       *f,
         ConfabMessage *message)
{
  GtkWidget *row = GTK_WIDGET (confab_test_message_row_for (f->window, message));
  graphene_rect_t bounds;

  if (row == NULL || !gtk_widget_get_mapped (row) || !gtk_widget_compute_bounds (row, scroller (f), &bounds))
    return NAN;
  return bounds.origin.y;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Fixture       *f)
{
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (f->session));
  GtkAdjustment *adj = vadjustment (f);
  Frame frame = { 0 };

  frame.page = g_strdup (gtk_stack_get_visible_child_name (_confab_window_get_content_stack (f->window)));
  frame.n_items = g_list_model_get_n_items (model);
  frame.at_bottom = gtk_adjustment_get_value (adj) >=
                    gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
  if (frame.n_items > 0)
    {
      g_autoptr(ConfabMessage) newest = g_list_model_get_item (model, frame.n_items - 1);
      GtkWidget *row = GTK_WIDGET (confab_test_message_row_for (f->window, newest));
      graphene_rect_t bounds;

      frame.newest_visible = row != NULL && gtk_widget_get_mapped (row) &&
                             gtk_widget_compute_bounds (row, scroller (f), &bounds) &&
                             bounds.origin.y >= 0 &&
                             bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scroller (f)) + 1;
    }
  frame.jump_shown = gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (
                       _confab_window_get_jump_button (f->window), GTK_TYPE_REVEALER)));
  g_array_append_val (f->frames, frame);
}

static void
realize_cb (GtkWidget *window,
            Fixture   *f)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), f);
}

/* the spinner in the row that says a page is coming */
static GtkSpinner *
older_spinner (Fixture *f)
{
  GtkWidget *row = gtk_revealer_get_child (GTK_REVEALER (_confab_window_get_older_indicator (f->window)));

  return GTK_SPINNER (gtk_widget_get_first_child (row));
}

static void
loading_older_cb (ConfabSession *session,
                  GParamSpec    *pspec,
                  Fixture       *f)
{
  if (!confab_session_get_loading_older (session))
    return;
  f->loads++;
  f->revealed_while_loading = gtk_revealer_get_reveal_child (GTK_REVEALER (_confab_window_get_older_indicator (f->window)));
  f->spinning_while_loading = gtk_spinner_get_spinning (older_spinner (f));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const Shape *shape = data;
  guint n_history = shape->n_history;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *token = make_token ();
  gint64 start = g_get_real_time () / 1000 - (gint64) n_history * 60 * 1000;

  f->dir = g_dir_make_tmp ("confab-history-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "history.db", NULL);
  f->store = confab_store_new (f->path, &error);
  g_assert_no_error (error);
  confab_store_set_first_page_size (f->store, FIRST_PAGE);

  /* a conversation read to its end, a minute between messages */
  for (guint i = 0; i < n_history; i++)
    {
      g_autofree char *text = g_strdup_printf ("Message %u of the history", i);
      gboolean own = i % 3 == 1;
      ConfabMessageFields fields = {
        .dialog_id = "c1", .conversation_id = "c1", .originator_id = own ? CONSUMER : "agent-1",
        .content_type = "text/plain", .text = text, .sequence = i, .server_time = start + i * 60 * 1000,
        .own = own, .role = own ? CONFAB_ROLE_CONSUMER : CONFAB_ROLE_ASSIGNED_AGENT,
        .delivery_state = own ? CONFAB_DELIVERY_READ : CONFAB_DELIVERY_QUEUED,
        .accept_sent = !own, .read_sent = !own && i < shape->unread_from,
      };

      g_ptr_array_add (history, confab_message_new (&fields));
    }
  if (n_history > 0)
    {
      confab_store_save_messages (f->store, ACCOUNT, CONSUMER, history);
      confab_store_save_conversation (f->store, ACCOUNT, CONSUMER, "c1");
    }
  confab_store_flush (f->store);

  f->account = confab_account_new (CONFAB_ACCOUNT_SOURCE_ENVIRONMENT, ACCOUNT);
  confab_account_set_jwt (f->account, token);
  /* nobody listens there: offline */
  confab_account_set_csds (f->account, "http://127.0.0.1:9");
  f->session = confab_session_new (f->account, NULL);
  confab_session_set_timings (f->session, 30, 60000, 60000, 200);
  confab_session_set_store (f->session, f->store);

  f->frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (f->frames, frame_clear);
  f->window = confab_window_new (the_app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 600, 500);
  g_signal_connect (f->window, "realize", G_CALLBACK (realize_cb), f);
  /* as the application does: the window first, then the session */
  gtk_window_present (GTK_WINDOW (f->window));
  if (shape->behind)
    {
      /* nothing is read in a window that is not active */
      CONFAB_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->window)), 5000);
      f->blocker = gtk_window_new ();
      gtk_window_set_default_size (GTK_WINDOW (f->blocker), 200, 100);
      gtk_window_present (GTK_WINDOW (f->blocker));
      CONFAB_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->blocker)) &&
                              !gtk_window_is_active (GTK_WINDOW (f->window)), 5000);
    }
  confab_window_set_session (f->window, f->session);
  /* after the window's own handler */
  g_signal_connect (f->session, "notify::loading-older", G_CALLBACK (loading_older_cb), f);
  /* The store is busy when Confab starts (a long write before the read, as a check of a long
   * history or a slow disk would make it): the window is on screen before the history. */
  if (n_history > 0)
    {
      g_autoptr(GPtrArray) busy = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < 20000; i++)
        {
          ConfabMessageFields fields = { .dialog_id = "other", .conversation_id = "other", .text = "busy",
                                         .sequence = i, .originator_id = "agent-1" };

          g_ptr_array_add (busy, confab_message_new (&fields));
        }
      confab_store_save_messages (f->store, ACCOUNT, "someone-else", busy);
    }
  confab_session_start (f->session);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (GTK_WIDGET (f->window)), f);
  gtk_window_destroy (GTK_WINDOW (f->window));
  if (f->blocker != NULL)
    gtk_window_destroy (GTK_WINDOW (f->blocker));
  confab_session_stop (f->session);
  g_clear_object (&f->session);
  g_clear_object (&f->account);
  g_clear_object (&f->store);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_array_unref (f->frames);
  for (guint i = 0; i < 3; i++)
    {
      static const char *const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static guint
n_items (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (confab_session_get_messages (f->session)));
}

/* The first frame that shows the conversation shows its end; nothing before it said there
 * was none, and no frame after it shows anything else or offers to jump. */
static void
test_first_frame_at_end (Fixture       *f,
                         gconstpointer  data)
{
  guint first_chat = G_MAXUINT;

  CONFAB_TEST_WAIT_UNTIL (n_items (f) > 0, 10000);
  confab_test_spin (600);
  g_assert_cmpuint (n_items (f), ==, FIRST_PAGE);
  g_assert_true (confab_message_list_get_has_older (confab_session_get_messages (f->session)));
  g_assert_cmpuint (f->frames->len, >, 0);

  for (guint i = 0; i < f->frames->len; i++)
    {
      Frame *frame = &g_array_index (f->frames, Frame, i);

      g_test_message ("frame %u: %s, %u rows, at bottom %d, newest visible %d", i, frame->page, frame->n_items,
                      frame->at_bottom, frame->newest_visible);
      g_assert_cmpstr (frame->page, !=, "empty");
      g_assert_false (frame->jump_shown);
      if (g_str_equal (frame->page, "chat"))
        {
          first_chat = MIN (first_chat, i);
          g_assert_true (frame->at_bottom);
          g_assert_true (frame->newest_visible);
        }
      else
        /* and not the conversation before it */
        g_assert_cmpuint (first_chat, ==, G_MAXUINT);
    }
  g_assert_cmpuint (first_chat, <, f->frames->len);
  /* Whether a blank frame came first depends on which is quicker, the store's worker or the
   * first paint: under load either wins, and both are right. */
  /* no older page was asked for: the person is at the end */
  g_assert_cmpuint (f->loads, ==, 0);
  g_assert_false (gtk_spinner_get_spinning (older_spinner (f)));
}

/* Scrolled near the top, the page before comes on top; what was on screen stays where it
 * was, and a row at the top says a page is coming. Again near the top: the next one, until
 * there is none. */
static void
test_older_pages_keep_view_still (Fixture       *f,
                                  gconstpointer  data)
{
  GtkAdjustment *adj = vadjustment (f);
  g_autoptr(GPtrArray) watched = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) tops = g_array_new (FALSE, FALSE, sizeof (double));
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (f->session));
  double above, near;
  guint checked = 0;

  CONFAB_TEST_WAIT_UNTIL (n_items (f) > 0, 10000);
  confab_test_spin (300);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, 3 * gtk_adjustment_get_page_size (adj));

  /* Just above the place where the page before is asked for: nothing is asked. */
  above = gtk_adjustment_get_page_size (adj) + 40;
  gtk_adjustment_set_value (adj, above);
  confab_test_spin (300);
  g_assert_cmpuint (f->loads, ==, 0);
  g_assert_cmpuint (n_items (f), ==, FIRST_PAGE);
  /* where the rows in view are now */
  for (guint i = 0; i < n_items (f); i++)
    {
      g_autoptr(ConfabMessage) message = g_list_model_get_item (model, i);
      double top = row_top (f, message);

      if (!isnan (top) && top >= 0 && top < gtk_widget_get_height (scroller (f)))
        {
          g_ptr_array_add (watched, g_object_ref (message));
          g_array_append_val (tops, top);
        }
    }
  g_assert_cmpuint (watched->len, >=, 3);

  /* A little further up, into it: the page before comes, on top. */
  near = gtk_adjustment_get_page_size (adj) - 20;
  gtk_adjustment_set_value (adj, near);
  CONFAB_TEST_WAIT_UNTIL (n_items (f) == FIRST_PAGE + CONFAB_STORE_PAGE_SIZE, 10000);
  CONFAB_TEST_WAIT_UNTIL (!confab_session_get_loading_older (f->session), 10000);
  confab_test_spin (300);
  g_assert_cmpuint (f->loads, ==, 1);
  g_assert_true (f->revealed_while_loading);
  g_assert_true (f->spinning_while_loading);
  /* and it stops with the page: out of sight, it would still lay its row out in every frame */
  g_assert_false (gtk_spinner_get_spinning (older_spinner (f)));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (_confab_window_get_older_indicator (f->window))));

  /* the rows that were in view are where they were, scrolled by what the person scrolled */
  for (guint i = 0; i < watched->len; i++)
    {
      double before = g_array_index (tops, double, i) + (above - near);
      double after = row_top (f, g_ptr_array_index (watched, i));

      g_test_message ("%s: %.1f, then %.1f (view %d high)", confab_message_get_text (g_ptr_array_index (watched, i)),
                      before, after, gtk_widget_get_height (scroller (f)));
      /* those still in view, not only their top pixels */
      if (before + 20 < gtk_widget_get_height (scroller (f)))
        {
          g_assert_cmpfloat (fabs (after - before), <=, 1);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 3);
  /* the view is far from the top now: no second page by itself */
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, gtk_adjustment_get_page_size (adj));

  /* To the very top, twice: the rest, and no more pages asked for than there are. */
  gtk_adjustment_set_value (adj, 0);
  CONFAB_TEST_WAIT_UNTIL (n_items (f) == N_HISTORY, 10000);
  CONFAB_TEST_WAIT_UNTIL (!confab_session_get_loading_older (f->session), 10000);
  confab_test_spin (300);
  g_assert_false (confab_message_list_get_has_older (confab_session_get_messages (f->session)));
  gtk_adjustment_set_value (adj, 0);
  confab_test_spin (300);
  g_assert_cmpuint (f->loads, ==, 2);
  {
    g_autoptr(ConfabMessage) first = g_list_model_get_item (model, 0);

    g_assert_cmpstr (confab_message_get_text (first), ==, "Message 0 of the history");
  }

  /* the row that says a page is coming has a name */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_revealer_get_child (GTK_REVEALER (
                                         _confab_window_get_older_indicator (f->window)))),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Loading earlier messages");
}

static const char *
text_of (ConfabMessage *message)
{
  return message != NULL ? confab_message_get_text (message) : "(none)";
}

/* Unread answers beyond the newest page, Confab's window behind another: the divider
 * stands at the top of the page, the jump button counts the unread ones not loaded too,
 * and when the page before comes the divider moves up to the first unread one there. */
static void
test_unread_beyond_the_page (Fixture       *f,
                             gconstpointer  data)
{
  const Shape *shape = data;
  GtkAdjustment *adj = vadjustment (f);
  GtkWidget *jump = _confab_window_get_jump_button (f->window);
  GListModel *model = G_LIST_MODEL (confab_session_get_messages (f->session));
  g_autofree char *expected = NULL;
  guint in_page = 0, before_page = 0;

  CONFAB_TEST_WAIT_UNTIL (n_items (f) > 0, 10000);
  confab_test_spin (300);
  g_assert_false (gtk_window_is_active (GTK_WINDOW (f->window)));
  for (guint i = 0; i < shape->n_history; i++)
    if (i % 3 != 1 && i >= shape->unread_from)
      {
        if (i >= shape->n_history - FIRST_PAGE)
          in_page++;
        else
          before_page++;
      }
  g_assert_cmpuint (confab_message_list_get_n_unread_before (confab_session_get_messages (f->session)), ==,
                    before_page);
  {
    g_autoptr(ConfabMessage) top = g_list_model_get_item (model, 0);

    g_assert_cmpstr (text_of (_confab_window_get_first_unread (f->window)), ==, text_of (top));
  }

  /* away from the end: the count covers what is not loaded */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) / 2);
  CONFAB_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (jump, GTK_TYPE_REVEALER))),
                          5000);
  expected = g_strdup_printf ("%u unread messages", in_page + before_page);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (jump), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);

  /* at the top: the page before, and the divider on its first unread answer */
  gtk_adjustment_set_value (adj, 0);
  CONFAB_TEST_WAIT_UNTIL (n_items (f) == FIRST_PAGE + CONFAB_STORE_PAGE_SIZE, 10000);
  confab_test_spin (300);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Message %u of the history", shape->unread_from);
  g_assert_cmpstr (text_of (_confab_window_get_first_unread (f->window)), ==, expected);
  /* the same unread ones, now partly loaded */
  g_free (expected);
  expected = g_strdup_printf ("%u unread messages", in_page + before_page);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (jump), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);
}

typedef struct
{
  GtkWidget *bar;
  GArray *heights;         /* of the bar, after each frame */
} BarFrames;

static void
bar_height_cb (GdkFrameClock *clock,
               BarFrames     *frames)
{
  int height = gtk_widget_get_height (frames->bar);

  g_array_append_val (frames->heights, height);
}

/* Offline from the start: the bar that says so is there at once, with the conversation, not
 * sliding in over it; a later change of the bar slides. */
static void
test_offline_bar_at_once (Fixture       *f,
                          gconstpointer  data)
{
  GtkRevealer *bar = GTK_REVEALER (gtk_widget_get_ancestor (_confab_window_get_status_label (f->window),
                                                            GTK_TYPE_REVEALER));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  g_autoptr(GArray) heights = g_array_new (FALSE, FALSE, sizeof (int));
  BarFrames frames = { GTK_WIDGET (bar), heights };
  gulong handler;

  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (bar)));
  g_assert_true (gtk_revealer_get_reveal_child (bar));
  /* whole, in the same turn of the main loop as the state that asked for it */
  g_assert_true (gtk_revealer_get_child_revealed (bar));
  /* and in every frame from then on: no slide begun before the session started (offline
   * then too) goes on under it */
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (bar_height_cb), &frames);
  gtk_widget_queue_draw (GTK_WIDGET (f->window));
  confab_test_spin (400);
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (heights->len, >, 0);
  for (guint i = 0; i < heights->len; i++)
    g_assert_cmpint (g_array_index (heights, int, i), ==, g_array_index (heights, int, heights->len - 1));
  g_assert_cmpint (g_array_index (heights, int, 0), >, 0);
  /* and it slides again from now on */
  g_assert_cmpint (gtk_revealer_get_transition_type (bar), ==, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  g_assert_cmpuint (gtk_revealer_get_transition_duration (bar), >, 0);
}

typedef struct
{
  GtkRevealer *bar;
  guint tries;             /* new tries seen after the first "offline" */
  guint hidden;            /* of them, those that hid the bar */
} Tries;

static void
state_cb (ConfabSession *session,
          GParamSpec    *pspec,
          Tries         *tries)
{
  if (confab_session_get_state (session) != CONFAB_SESSION_CONNECTING)
    return;
  tries->tries++;
  if (!gtk_revealer_get_reveal_child (tries->bar))
    tries->hidden++;
}

/* Offline, each new try of the back-off keeps the bar (saying it tries now): going and coming
 * back would move the conversation twice a try. */
static void
test_offline_bar_stays_through_tries (Fixture       *f,
                                      gconstpointer  data)
{
  Tries tries = { GTK_REVEALER (gtk_widget_get_ancestor (_confab_window_get_status_label (f->window),
                                                         GTK_TYPE_REVEALER)), 0, 0 };
  gulong handler;

  CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
  /* the window's handler runs first: it was connected before this one */
  handler = g_signal_connect_after (f->session, "notify::state", G_CALLBACK (state_cb), &tries);
  for (guint i = 0; i < 2; i++)
    {
      confab_session_retry_now (f->session);
      CONFAB_TEST_WAIT_UNTIL (confab_session_get_state (f->session) == CONFAB_SESSION_WAITING, 10000);
    }
  g_signal_handler_disconnect (f->session, handler);
  g_assert_cmpuint (tries.tries, >=, 2);
  g_assert_cmpuint (tries.hidden, ==, 0);
  g_assert_true (gtk_revealer_get_reveal_child (tries.bar));
}

/* A history with nothing in it: "No conversation yet" once that is known, not before. */
static void
test_empty_once_known (Fixture       *f,
                       gconstpointer  data)
{
  GtkStack *stack = _confab_window_get_content_stack (f->window);

  CONFAB_TEST_WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "empty") == 0, 10000);
  g_assert_false (confab_session_get_loading_history (f->session));
  confab_test_spin (200);
  for (guint i = 0; i < f->frames->len; i++)
    if (g_str_equal (g_array_index (f->frames, Frame, i).page, "chat"))
      g_error ("frame %u showed a conversation", i);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  the_app = confab_test_display_app ("history");
  if (the_app == NULL)
    return 77;

  static const Shape read = { N_HISTORY, N_HISTORY, FALSE };
  /* unread from the middle of the page before the first */
  static const Shape unread = { N_HISTORY, N_HISTORY - FIRST_PAGE - 30, TRUE };
  static const Shape none = { 0, 0, FALSE };

  g_test_add ("/ui/history/first-frame-at-end", Fixture, &read, fixture_setup, test_first_frame_at_end,
              fixture_teardown);
  g_test_add ("/ui/history/older-pages-keep-view-still", Fixture, &read, fixture_setup,
              test_older_pages_keep_view_still, fixture_teardown);
  g_test_add ("/ui/history/unread-beyond-the-page", Fixture, &unread, fixture_setup, test_unread_beyond_the_page,
              fixture_teardown);
  g_test_add ("/ui/history/offline-bar-at-once", Fixture, &read, fixture_setup, test_offline_bar_at_once,
              fixture_teardown);
  g_test_add ("/ui/history/offline-bar-stays-through-tries", Fixture, &read, fixture_setup,
              test_offline_bar_stays_through_tries, fixture_teardown);
  g_test_add ("/ui/history/empty-once-known", Fixture, &none, fixture_setup, test_empty_once_known,
              fixture_teardown);

  return g_test_run ();
}
