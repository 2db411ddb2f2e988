/* confab-window-private.h: what the files of ConfabWindow share, and what the tests look at
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ConfabWindow is one class in several files, all sharing this instance struct. Each part
 * keeps its own helpers static; what one part calls in another is declared here and named
 * _confab_window_*. Outside src/ui/confab-window*.c only the tests include this header,
 * for the _confab_window_get_*() accessors: confab-window.h is the API.
 *
 *   confab-window.c         GObject, template, actions, the composer, keyboard focus,
 *                           the shortcuts window, the size kept
 *   confab-window-list.c    the message list: row factory, kept at the bottom, "jump to
 *                           latest" and its unread count, the "New Messages" divider, older
 *                           pages asked for near the top, notifications, the read tracker
 *   confab-window-files.c   photos sent (chosen, dropped, pasted) with their progress bar,
 *                           files of messages opened
 *   confab-window-status.c  the subtitle and status bar, the closed conversation's bar and
 *                           its survey, errors, and the history's problems in a toast
 */
#pragma once

#include "confab-window.h"
#include "confab-message.h"
#include "confab-read-tracker.h"

G_BEGIN_DECLS

struct _ConfabWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  ConfabSession *session;
  ConfabReadTracker *read_tracker;
  GtkNoSelection *selection;
  gboolean stick_to_bottom;
  double last_upper;
  double last_page;
  ConfabMessage *first_unread;   /* where the "New Messages" divider stands, or NULL */
  GHashTable *notified;          /* ConfabMessage → notification id, while unread */
  GtkWidget *survey;             /* the survey dialog while it is open (weak), or NULL */
  gboolean offline_shown;        /* the bar says Confab waits to try again: it stays through the try */
  gboolean status_settled;       /* the first try to connect has ended */
  guint status_duration;         /* the status bar's own transition, 0 until that try ended */
  GCancellable *upload_cancellable; /* while a photo is being sent */
  GtkWidget *upload_revealer;
  GtkWidget *upload_label;
  GtkWidget *upload_progress;
  GtkWidget *upload_cancel;

  /* template children */
  GtkWidget *header_bar;
  AdwWindowTitle *window_title;
  GtkWidget *menu_button;
  GtkStack *content_stack;
  GtkWidget *empty_state;
  GtkWidget *scroller;
  GtkWidget *message_list;
  GtkWidget *composer;
  GtkWidget *composer_placeholder;
  GtkWidget *focused_chip;      /* the quick reply with the focus, or NULL */
  GtkWidget *left_chip;         /* the one that had it, checked when idle */
  GtkWidget *focus_after_chip;  /* where the focus went from it (compared only) */
  guint chip_check_source;
  GtkWidget *send_button;
  GtkWidget *demo_revealer;
  GtkWidget *demo_banner;
  GtkWidget *demo_label;
  GtkWidget *use_account_button;
  GtkWidget *status_revealer;
  GtkWidget *status_label;
  GtkWidget *status_icon;
  GtkWidget *retry_now_button;
  GtkWidget *preferences_button;
  GtkWidget *jump_revealer;
  GtkWidget *older_revealer;
  GtkWidget *older_spinner;
  GtkWidget *jump_button;
  GtkWidget *jump_label;
  GtkWidget *closed_revealer;
  GtkWidget *new_conversation_button;
  GtkWidget *skip_survey_button;
  guint scroll_source;
  guint older_source;
  GtkWidget *closed_label;
  AdwToastOverlay *toast_overlay;
  char *problem_shown;           /* the text of the problem toast not dismissed yet, or NULL */
};

/* For the tests (confab-window.c) */

GtkWidget *_confab_window_get_empty_state (ConfabWindow *self);
ConfabMessage *_confab_window_get_first_unread (ConfabWindow *self);
GtkWidget *_confab_window_get_message_list (ConfabWindow *self);
GtkWidget *_confab_window_get_composer (ConfabWindow *self);
GtkWidget *_confab_window_get_send_button (ConfabWindow *self);
GtkWidget *_confab_window_get_header_bar (ConfabWindow *self);
GtkWidget *_confab_window_get_menu_button (ConfabWindow *self);
GtkWidget *_confab_window_get_status_label (ConfabWindow *self);
/* the words of the bar under a closed conversation */
GtkWidget *_confab_window_get_closed_label (ConfabWindow *self);
GtkWidget *_confab_window_get_preferences_button (ConfabWindow *self);
GtkWidget *_confab_window_get_jump_button (ConfabWindow *self);
/* the row at the top while an older page is read (a GtkRevealer) */
GtkWidget *_confab_window_get_older_indicator (ConfabWindow *self);
/* its pages: "loading" (blank), "empty", "chat" */
GtkStack *_confab_window_get_content_stack (ConfabWindow *self);
GtkWidget *_confab_window_get_demo_banner (ConfabWindow *self);
GtkWidget *_confab_window_get_use_account_button (ConfabWindow *self);
/* The survey dialog while it is open, or NULL */
GtkWidget *_confab_window_get_survey (ConfabWindow *self);
/* The button that skips a running post-conversation survey */
GtkWidget *_confab_window_get_skip_survey_button (ConfabWindow *self);

/* confab-window.c */

/* Which of the window's actions can run now. */
void           _confab_window_update_actions      (ConfabWindow  *self);

/* confab-window-list.c */

/* The list's part of the window's init: the scrolling followed, the read tracker. */
void           _confab_window_init_list           (ConfabWindow  *self);
/* The session's messages into the list, through a row each. */
void           _confab_window_set_list_model      (ConfabWindow  *self,
                                                   GListModel    *messages);
/* At the end of this frame's layout, or in an idle before drawing. */
void           _confab_window_scroll_to_bottom    (ConfabWindow  *self);
/* Shown while the person is away from the end, with the count of unread messages. */
void           _confab_window_update_jump_button  (ConfabWindow  *self);
/* Where the "New Messages" divider stands (NULL: nowhere). */
void           _confab_window_set_first_unread    (ConfabWindow  *self,
                                                   ConfabMessage *message);
/* Into the list: back to the message that had the focus, or the newest one. */
void           _confab_window_focus_list          (ConfabWindow  *self);
/* The content stack's page: "chat", "empty", or "loading" (blank). */
void           _confab_window_update_page         (ConfabWindow  *self);
/* The row at the top while an older page is read. */
void           _confab_window_update_older        (ConfabWindow  *self);

/* confab-window-files.c */

/* The attach button, the upload bar, the drop target, pasting images. */
void           _confab_window_init_files          (ConfabWindow   *self);
void           _confab_window_class_init_files    (GtkWidgetClass *widget_class);
/* confab-window-status.c: the survey's action and widgets */
void           _confab_window_class_init_status   (GtkWidgetClass *widget_class);
/* A photo (name: its caption) checked, given a preview and sent, the bar showing how far. */
void           _confab_window_send_photo          (ConfabWindow  *self,
                                                   GBytes        *data,
                                                   const char    *name);
/* The message's file fetched and opened in the person's app for it. */
void           _confab_window_open_file           (ConfabWindow  *self,
                                                   ConfabMessage *message);
/* For tests: the upload bar (a GtkRevealer) and its Cancel button */
GtkWidget     *_confab_window_get_upload_bar      (ConfabWindow  *self);

/* confab-window-status.c */

/* The subtitle and the status bar, from the session's state. */
void           _confab_window_update_status       (ConfabWindow  *self);
/* The bar of a closed conversation, with why it closed. */
void           _confab_window_update_closed       (ConfabWindow  *self);
/* A conversation that was open has just closed: the survey, once. */
void           _confab_window_offer_survey        (ConfabWindow  *self);

G_END_DECLS
