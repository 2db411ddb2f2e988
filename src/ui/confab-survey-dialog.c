/* confab-survey-dialog.c: how was the conversation? Asked once it has closed
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LivePerson's legacy satisfaction survey: five stars, each a toggle button of its own
 * ("Rate 4 of 5 stars") so that a keyboard or a screen reader reaches each, a switch for
 * whether the issue was resolved, and Send or Skip. Skipping is always possible: closing
 * the window skips too. Whatever the person does is sent once (the session keeps to that).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-survey-dialog.h"
#include "confab-ui.h"

#define N_STARS 5

struct _ConfabSurveyDialog
{
  AdwWindow parent_instance;

  ConfabSession *session;
  char *conversation_id;
  int rating;              /* 0: none chosen yet */
  gboolean answered;

  GtkWidget *stars[N_STARS];
  GtkWidget *resolved;
  GtkWidget *send_button;
  GtkWidget *skip_button;
};

G_DEFINE_FINAL_TYPE (ConfabSurveyDialog, confab_survey_dialog, ADW_TYPE_WINDOW)

static void
answer (ConfabSurveyDialog *self,
        gboolean            skipped)
{
  if (self->answered)
    return;
  self->answered = TRUE;
  confab_session_send_survey (self->session, self->conversation_id, skipped ? 0 : self->rating,
                              !skipped && gtk_switch_get_active (GTK_SWITCH (self->resolved)), skipped);
}

static void
star_toggled_cb (GtkToggleButton    *star,
                 ConfabSurveyDialog *self)
{
  if (!gtk_toggle_button_get_active (star))
    return;

  for (int i = 0; i < N_STARS; i++)
    if (self->stars[i] == GTK_WIDGET (star))
      self->rating = i + 1;
  /* The stars up to the one chosen are filled, as ratings look everywhere. */
  for (int i = 0; i < N_STARS; i++)
    gtk_button_set_icon_name (GTK_BUTTON (self->stars[i]),
                              i < self->rating ? "starred-symbolic" : "non-starred-symbolic");
  gtk_widget_set_sensitive (self->send_button, TRUE);
}

static void
send_clicked_cb (ConfabSurveyDialog *self)
{
  if (self->rating == 0)
    return;
  answer (self, FALSE);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
skip_clicked_cb (ConfabSurveyDialog *self)
{
  answer (self, TRUE);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
confab_survey_dialog_close_request (GtkWindow *window)
{
  answer (CONFAB_SURVEY_DIALOG (window), TRUE);
  return GTK_WINDOW_CLASS (confab_survey_dialog_parent_class)->close_request (window);
}

static void
confab_survey_dialog_dispose (GObject *object)
{
  ConfabSurveyDialog *self = CONFAB_SURVEY_DIALOG (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (confab_survey_dialog_parent_class)->dispose (object);
}

static void
confab_survey_dialog_finalize (GObject *object)
{
  ConfabSurveyDialog *self = CONFAB_SURVEY_DIALOG (object);

  g_free (self->conversation_id);

  G_OBJECT_CLASS (confab_survey_dialog_parent_class)->finalize (object);
}

static void
confab_survey_dialog_class_init (ConfabSurveyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_survey_dialog_dispose;
  object_class->finalize = confab_survey_dialog_finalize;
  window_class->close_request = confab_survey_dialog_close_request;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
confab_survey_dialog_init (ConfabSurveyDialog *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *heading = gtk_label_new (_("How was your conversation?"));
  GtkWidget *stars = g_object_new (GTK_TYPE_BOX, "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP,
                                   "spacing", 6, "halign", GTK_ALIGN_CENTER, NULL);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_window_set_title (GTK_WINDOW (self), _("Rate the Conversation"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 380, -1);
  gtk_window_set_resizable (GTK_WINDOW (self), FALSE);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("Rate the Conversation"), NULL));
  gtk_box_append (GTK_BOX (content), header);

  gtk_widget_set_margin_top (body, 12);
  gtk_widget_set_margin_bottom (body, 18);
  gtk_widget_set_margin_start (body, 18);
  gtk_widget_set_margin_end (body, 18);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "title-3");
  gtk_box_append (GTK_BOX (body), heading);

  gtk_accessible_update_property (GTK_ACCESSIBLE (stars), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Rating"), -1);
  for (int i = 0; i < N_STARS; i++)
    {
      /* Translators: one of five star buttons of the survey; %d is 1 to 5 */
      g_autofree char *name = g_strdup_printf (_("Rate %d of 5 stars"), i + 1);

      self->stars[i] = gtk_toggle_button_new ();
      gtk_button_set_icon_name (GTK_BUTTON (self->stars[i]), "non-starred-symbolic");
      gtk_widget_add_css_class (self->stars[i], "flat");
      gtk_widget_add_css_class (self->stars[i], "circular");
      gtk_widget_add_css_class (self->stars[i], "survey-star");
      gtk_widget_set_tooltip_text (self->stars[i], name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->stars[i]), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->stars[i]), GTK_TOGGLE_BUTTON (self->stars[0]));
      g_signal_connect (self->stars[i], "toggled", G_CALLBACK (star_toggled_cb), self);
      gtk_box_append (GTK_BOX (stars), self->stars[i]);
    }
  gtk_box_append (GTK_BOX (body), stars);

  self->resolved = gtk_switch_new ();
  gtk_widget_set_valign (self->resolved, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Was your issue resolved?"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->resolved);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->resolved);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->resolved), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Was your issue resolved?"), -1);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Was your issue resolved?"), -1);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_box_append (GTK_BOX (body), list);

  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  self->skip_button = gtk_button_new_with_mnemonic (_("_Skip"));
  self->send_button = gtk_button_new_with_mnemonic (_("S_end"));
  confab_ui_name_mnemonic_button (self->skip_button, _("Skip"));
  confab_ui_name_mnemonic_button (self->send_button, _("Send"));
  gtk_widget_add_css_class (self->send_button, "suggested-action");
  gtk_widget_set_sensitive (self->send_button, FALSE);
  gtk_widget_set_tooltip_text (self->send_button, _("Choose a rating first"));
  g_signal_connect_swapped (self->skip_button, "clicked", G_CALLBACK (skip_clicked_cb), self);
  g_signal_connect_swapped (self->send_button, "clicked", G_CALLBACK (send_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), self->skip_button);
  gtk_box_append (GTK_BOX (buttons), self->send_button);
  gtk_box_append (GTK_BOX (body), buttons);

  gtk_box_append (GTK_BOX (content), body);
  adw_window_set_content (ADW_WINDOW (self), content);
  /* The first star: a keyboard starts at the rating, and Tab goes on from there. */
  gtk_window_set_focus (GTK_WINDOW (self), self->stars[0]);
}

ConfabSurveyDialog *
confab_survey_dialog_new (GtkWindow     *parent,
                          ConfabSession *session,
                          const char    *conversation_id)
{
  ConfabSurveyDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONFAB_IS_SESSION (session), NULL);
  g_return_val_if_fail (conversation_id != NULL, NULL);

  self = g_object_new (CONFAB_TYPE_SURVEY_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->conversation_id = g_strdup (conversation_id);
  return self;
}

const char *
confab_survey_dialog_get_conversation_id (ConfabSurveyDialog *self)
{
  g_return_val_if_fail (CONFAB_IS_SURVEY_DIALOG (self), NULL);
  return self->conversation_id;
}

GtkWidget *
_confab_survey_dialog_get_star (ConfabSurveyDialog *self,
                                int                 stars)
{
  g_return_val_if_fail (stars >= 1 && stars <= N_STARS, NULL);
  return self->stars[stars - 1];
}

GtkWidget *
_confab_survey_dialog_get_resolved (ConfabSurveyDialog *self)
{
  return self->resolved;
}

GtkWidget *
_confab_survey_dialog_get_send (ConfabSurveyDialog *self)
{
  return self->send_button;
}

GtkWidget *
_confab_survey_dialog_get_skip (ConfabSurveyDialog *self)
{
  return self->skip_button;
}
