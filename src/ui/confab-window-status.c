/* confab-window-status.c: what the window says about the connection and the conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabWindow (see confab-window-private.h): the subtitle and the status bar
 * (connecting, offline, signed out), the bar of a closed conversation, errors, and the
 * problems of the history in a toast.
 *
 * After a conversation, one of two surveys: where the account runs a post-conversation
 * survey, its questions are rows of the list (answered with their chips, like any quick
 * reply) and the closed bar offers to skip it; elsewhere the legacy satisfaction dialog
 * comes up once, for the conversation the session says is due (confab-session-survey.c:
 * over for good, no post-conversation survey, not answered, closed less than a day ago,
 * also after a restart).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-window-private.h"
#include "confab-survey-dialog.h"

/* Why the session signed out, in words for where the account came from: a token saved in
 * Preferences is mended there, not through the LP_JWT the session's words name for an
 * lp.env or environment account. *in_preferences: Preferences can put it right. */
static char *
dup_signed_out_text (ConfabWindow *self,
                     gboolean     *in_preferences)
{
  ConfabAccount *account = confab_session_get_account (self->session);
  const char *reason = confab_session_get_signed_out_reason (self->session);

  *in_preferences = account != NULL &&
                    confab_account_get_source (account) == CONFAB_ACCOUNT_SOURCE_SETTINGS;
  if (*in_preferences && confab_session_get_token_refused (self->session))
    return g_strdup (_("The service did not accept the token. Set a new token in Preferences, "
                       "then start Confab again."));
  return g_strdup (reason != NULL ? reason : _("Signed out."));
}

/* What the window says about the agent, in the title, the typing line and the bar of a
 * closed conversation: from the session's agent-display-name and agent-present alone, so
 * the three never disagree. Each out may be NULL. */
static void
describe_agent (ConfabWindow  *self,
                char         **title,
                char         **typing,
                char         **closed)
{
  const char *name = confab_session_get_agent_display_name (self->session);
  gboolean present = confab_session_get_agent_present (self->session);
  ConfabConversationStatus status = confab_session_get_conversation_status (self->session);

  if (title != NULL)
    {
      if (name != NULL)
        *title = g_strdup (name);
      else if (status == CONFAB_CONVERSATION_OPEN || status == CONFAB_CONVERSATION_REQUESTED)
        *title = g_strdup (present ? _("With an agent") : _("Waiting for an agent"));
      else
        *title = NULL;
    }
  if (typing != NULL)
    /* Translators: %s is the agent's name */
    *typing = name != NULL ? g_strdup_printf (_("%s is typing…"), name) : g_strdup (_("The agent is typing…"));
  if (closed != NULL)
    switch (confab_session_get_close_reason (self->session))
      {
      case CONFAB_CLOSE_REASON_AGENT:
        /* Translators: %s is the agent's name */
        *closed = name != NULL ? g_strdup_printf (_("%s closed the conversation."), name)
                               : g_strdup (_("The agent closed the conversation."));
        break;
      case CONFAB_CLOSE_REASON_CONSUMER: *closed = g_strdup (_("You closed the conversation.")); break;
      case CONFAB_CLOSE_REASON_TIMEOUT:
        *closed = g_strdup (_("The conversation was closed after a time without messages."));
        break;
      case CONFAB_CLOSE_REASON_SYSTEM:
      case CONFAB_CLOSE_REASON_NONE:
      case CONFAB_CLOSE_REASON_UNKNOWN:
      default: *closed = g_strdup (_("The conversation was closed.")); break;
      }
}

void
_confab_window_update_status (ConfabWindow *self)
{
  gboolean in_preferences = FALSE;
  ConfabSessionState state = confab_session_get_state (self->session);
  g_autofree char *subtitle = NULL;
  g_autofree char *status = NULL;
  const char *icon = "network-offline-symbolic";

  switch (state)
    {
    case CONFAB_SESSION_CONNECTING:
      subtitle = g_strdup (_("Connecting…"));
      /* Once offline, a new try keeps the bar: going and coming back at every try of the
       * back-off would move the whole conversation twice each time. */
      if (self->offline_shown)
        status = g_strdup (_("Offline. Messages you write are kept and sent when Confab is back online. Trying again now."));
      break;
    case CONFAB_SESSION_ONLINE:
      if (confab_session_get_agent_typing (self->session))
        describe_agent (self, NULL, &subtitle, NULL);
      else
        describe_agent (self, &subtitle, NULL, NULL);
      if (subtitle == NULL)
        subtitle = g_strdup (_("Online"));
      break;
    case CONFAB_SESSION_WAITING:
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (confab_session_get_next_retry (self->session) / G_USEC_PER_SEC);
        g_autofree char *time = when != NULL ? g_date_time_format (when, "%H:%M:%S") : g_strdup ("");

        subtitle = g_strdup (_("Offline"));
        if (confab_session_get_next_retry (self->session) <= g_get_real_time ())
          status = g_strdup (_("Offline. Messages you write are kept and sent when Confab is back online. Trying again now."));
        else
          /* Translators: %s is a time of day */
          status = g_strdup_printf (_("Offline. Messages you write are kept and sent when Confab is back online. Next try at %s."), time);
      }
      break;
    case CONFAB_SESSION_SIGNED_OUT:
      subtitle = g_strdup (_("Signed out"));
      icon = "dialog-password-symbolic";
      status = dup_signed_out_text (self, &in_preferences);
      break;
    case CONFAB_SESSION_OFFLINE:
    default:
      subtitle = g_strdup (_("Offline"));
      status = g_strdup (_("Offline."));
      break;
    }

  /* waiting for the next try of the back-off, not merely not started yet */
  self->offline_shown = state == CONFAB_SESSION_WAITING || (state == CONFAB_SESSION_CONNECTING && self->offline_shown);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* A bar or button that goes must not take the keyboard focus with it (Retry Now cannot be
   * pressed while a try runs). */
  if (((status == NULL || state == CONFAB_SESSION_CONNECTING) && gtk_widget_has_focus (self->retry_now_button)) ||
      (!in_preferences && gtk_widget_has_focus (self->preferences_button)))
    gtk_widget_grab_focus (self->composer);
  gtk_widget_set_visible (self->preferences_button, in_preferences);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->status_revealer), status != NULL);
  if (status != NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status_label), status);
      gtk_image_set_from_icon_name (GTK_IMAGE (self->status_icon), icon);
    }
  _confab_window_update_actions (self);
}

void
_confab_window_update_closed (ConfabWindow *self)
{
  gboolean closed = confab_session_get_conversation_status (self->session) == CONFAB_CONVERSATION_CLOSED;
  gboolean survey = confab_session_get_survey_open (self->session);
  g_autofree char *text = NULL;

  if (survey)
    text = g_strdup (_("Please answer a few questions about this conversation, or skip them."));
  else
    describe_agent (self, NULL, NULL, &text);
  gtk_label_set_text (GTK_LABEL (self->closed_label), text);
  /* A button that goes must not take the keyboard focus with it. */
  if (!survey && gtk_widget_has_focus (self->skip_survey_button))
    gtk_widget_grab_focus (self->composer);
  gtk_widget_set_visible (self->skip_survey_button, survey);
  gtk_widget_set_visible (self->new_conversation_button, !survey);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.skip-survey", survey);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->closed_revealer), closed || survey);
  _confab_window_update_actions (self);
}

static void
skip_survey_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  if (self->session != NULL)
    confab_session_skip_survey (self->session);
}

void
_confab_window_class_init_status (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, skip_survey_button);
  gtk_widget_class_install_action (widget_class, "win.skip-survey", NULL, skip_survey_action);
}

GtkWidget *
_confab_window_get_skip_survey_button (ConfabWindow *self)
{
  return self->skip_survey_button;
}

void
confab_window_show_error (ConfabWindow *self,
                          const char   *message)
{
  g_return_if_fail (CONFAB_IS_WINDOW (self));

  adw_window_title_set_subtitle (self->window_title, _("Not connected"));
  gtk_label_set_text (GTK_LABEL (self->status_label), message);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->status_icon), "dialog-warning-symbolic");
  gtk_widget_set_visible (self->retry_now_button, FALSE);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->status_revealer), TRUE);
  /* no session, no history to wait for */
  if (self->session == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

static void
problem_dismissed_cb (ConfabWindow *self,
                      AdwToast     *toast)
{
  g_clear_pointer (&self->problem_shown, g_free);
}

void
confab_window_show_problem (ConfabWindow *self,
                            const char   *message)
{
  GtkWidget *label;
  AdwToast *toast;

  g_return_if_fail (CONFAB_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* A disk that stays full fails every save the same way: once is enough. */
  if (g_strcmp0 (self->problem_shown, message) == 0)
    return;

  /* Said in full (it names where the old history went), as plain text, and it stays until
   * the person closes it. */
  label = gtk_label_new (message);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  toast = g_object_new (ADW_TYPE_TOAST,
                        "custom-title", label,
                        "timeout", 0,
                        "priority", ADW_TOAST_PRIORITY_HIGH,
                        NULL);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (problem_dismissed_cb), self, G_CONNECT_SWAPPED);
  g_free (self->problem_shown);
  self->problem_shown = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_confab_window_offer_survey (ConfabWindow *self)
{
  const char *due = confab_session_get_survey_due (self->session);

  /* the session decides which conversation is asked, and that it is asked once */
  if (due == NULL || self->survey != NULL)
    return;
  self->survey = GTK_WIDGET (confab_survey_dialog_new (GTK_WINDOW (self), self->session, due));
  g_object_add_weak_pointer (G_OBJECT (self->survey), (gpointer *) &self->survey);
  gtk_window_present (GTK_WINDOW (self->survey));
}
