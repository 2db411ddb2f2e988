/* confab-message-list.h: the messages of a conversation, as a GListModel
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-message.h"

G_BEGIN_DECLS

/* Messages of one sender within this many ms form a group (one name shown). */
#define CONFAB_MESSAGE_GROUP_GAP_MS (5 * 60 * 1000)

#define CONFAB_TYPE_MESSAGE_LIST (confab_message_list_get_type ())
G_DECLARE_FINAL_TYPE (ConfabMessageList, confab_message_list, CONFAB, MESSAGE_LIST, GObject)

ConfabMessageList *confab_message_list_new               (void);

/* Adds messages that arrived (ConfabMessage, any order). Duplicates by (dialog, sequence)
 * are dropped; an own message's echo is matched to the outgoing message it is the echo of.
 * Events of the conversation (confab_message_is_event()) go after the sequence they follow
 * and after the events there already. One items-changed for the whole batch. Returns the
 * messages really added. */
GPtrArray         *confab_message_list_add               (ConfabMessageList *self,
                                                          GPtrArray         *messages);
/* A page of the history (ConfabMessage with a sequence, and events, in list order), older than every
 * message held: before them, the dialogs first seen here before every dialog known (the
 * list's order is that of the history: dialogs in the order they were first seen).
 * Duplicates are dropped. One items-changed. has_older and n_unread_before: what the store
 * says lies before the page (ConfabStorePage). Returns the messages really added. */
GPtrArray         *confab_message_list_add_older         (ConfabMessageList *self,
                                                          GPtrArray         *messages,
                                                          gboolean           has_older,
                                                          guint              n_unread_before);
/* TRUE during the items-changed of confab_message_list_add_older(): the rows are history,
 * not news. */
gboolean           confab_message_list_get_adding_older  (ConfabMessageList *self);
/* The history holds messages before the first row (property has-older). */
gboolean           confab_message_list_get_has_older     (ConfabMessageList *self);
/* Agent messages with no READ published, just before the first row, that are not loaded:
 * 0 when nothing older is held. */
guint              confab_message_list_get_n_unread_before (ConfabMessageList *self);
/* An own message just written: at the end, with no sequence yet. */
void               confab_message_list_append_outgoing   (ConfabMessageList *self,
                                                          ConfabMessage     *message);
/* Own messages restored from disk: before every other message still waiting (they were
 * written earlier), in the order given. One items-changed. */
void               confab_message_list_prepend_outgoing  (ConfabMessageList *self,
                                                          GPtrArray         *messages);
/* The publish answer gave the outgoing message its sequence. Returns FALSE when the echo
 * already took that place (then message was merged into it and is gone from the list). */
gboolean           confab_message_list_set_sequence      (ConfabMessageList *self,
                                                          ConfabMessage     *message,
                                                          const char        *dialog_id,
                                                          gint64             sequence);
/* An event added with no dialog (a conversation about to begin: after every dialog, before
 * the own messages not sent yet) takes its place in dialog_id. */
void               confab_message_list_place_event       (ConfabMessageList *self,
                                                          ConfabMessage     *event,
                                                          const char        *dialog_id);
ConfabMessage     *confab_message_list_lookup            (ConfabMessageList *self,
                                                          const char        *dialog_id,
                                                          gint64             sequence);
/* Highest sequence held for the dialog, -1 when none. Receipts count too (see note_sequence). */
gint64             confab_message_list_get_last_sequence (ConfabMessageList *self,
                                                          const char        *dialog_id);
/* Events that are not rows (receipts) still move the resume point. */
void               confab_message_list_note_sequence     (ConfabMessageList *self,
                                                          const char        *dialog_id,
                                                          gint64             sequence);
guint              confab_message_list_get_n_items_changed (ConfabMessageList *self);

G_END_DECLS
