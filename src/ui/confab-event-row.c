/* confab-event-row.c: a row for what happened to the conversation
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where an agent took the conversation over, where it closed and where a new one began: a
 * short dim caption across the middle of the list, not a bubble, so that it reads as part
 * of the conversation's story rather than something someone wrote. Its accessible label says
 * the same in words, and the list item around it takes that label, so a screen reader going
 * down the list hears it in its place.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-event-row.h"
#include "confab-ui.h"

struct _ConfabEventRow
{
  GtkWidget parent_instance;

  ConfabMessage *message;

  GtkWidget *day_label;
  GtkWidget *text_label;
};

G_DEFINE_FINAL_TYPE (ConfabEventRow, confab_event_row, GTK_TYPE_WIDGET)

/* What happened, without when. */
static char *
dup_what (ConfabMessage *message)
{
  const char *name = confab_message_get_sender_name (message);

  switch (confab_message_get_event (message))
    {
    case CONFAB_MESSAGE_EVENT_AGENT_JOINED:
      /* Translators: %s is the agent's name */
      return name != NULL ? g_strdup_printf (_("%s joined the conversation"), name)
                          : g_strdup (_("An agent joined the conversation"));
    case CONFAB_MESSAGE_EVENT_CLOSED:
      switch (confab_message_get_close_reason (message))
        {
        case CONFAB_CLOSE_REASON_AGENT: return g_strdup (_("Conversation closed by the agent"));
        case CONFAB_CLOSE_REASON_CONSUMER: return g_strdup (_("Conversation closed by you"));
        case CONFAB_CLOSE_REASON_SYSTEM: return g_strdup (_("Conversation closed by the system"));
        case CONFAB_CLOSE_REASON_TIMEOUT: return g_strdup (_("Conversation timed out"));
        case CONFAB_CLOSE_REASON_NONE:
        case CONFAB_CLOSE_REASON_UNKNOWN:
        default: return g_strdup (_("Conversation closed"));
        }
    case CONFAB_MESSAGE_EVENT_NEW_CONVERSATION:
      return g_strdup (_("New conversation"));
    case CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED:
      return g_strdup (_("Survey completed"));
    case CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED:
      return g_strdup (_("Survey skipped"));
    case CONFAB_MESSAGE_EVENT_NONE:
    default:
      return g_strdup ("");
    }
}

/* A close (and a survey's end) says when; joining and beginning stand between the messages
 * that say when. */
static gboolean
shows_time (ConfabMessage *message)
{
  switch (confab_message_get_event (message))
    {
    case CONFAB_MESSAGE_EVENT_CLOSED:
    case CONFAB_MESSAGE_EVENT_SURVEY_COMPLETED:
    case CONFAB_MESSAGE_EVENT_SURVEY_SKIPPED:
      return TRUE;
    case CONFAB_MESSAGE_EVENT_NONE:
    case CONFAB_MESSAGE_EVENT_AGENT_JOINED:
    case CONFAB_MESSAGE_EVENT_NEW_CONVERSATION:
    default:
      return FALSE;
    }
}

char *
confab_event_row_dup_text (ConfabEventRow *self)
{
  g_autofree char *what = NULL;
  g_autofree char *time = NULL;

  g_return_val_if_fail (CONFAB_IS_EVENT_ROW (self), NULL);

  if (self->message == NULL)
    return g_strdup ("");
  what = dup_what (self->message);
  if (!shows_time (self->message))
    return g_steal_pointer (&what);
  time = confab_ui_format_time (confab_message_get_server_time (self->message));
  /* Translators: what happened to the conversation, and its time of day, as a row of the
   * list shows it: "Conversation closed by the agent · 14:05" */
  return g_strdup_printf (_("%s · %s"), what, time);
}

char *
confab_event_row_dup_label (ConfabEventRow *self)
{
  g_autofree char *what = NULL;
  g_autofree char *time = NULL;

  g_return_val_if_fail (CONFAB_IS_EVENT_ROW (self), NULL);

  if (self->message == NULL)
    return g_strdup ("");
  what = dup_what (self->message);
  if (!shows_time (self->message))
    return g_steal_pointer (&what);
  time = confab_ui_format_time (confab_message_get_server_time (self->message));
  /* Translators: what happened to the conversation, and its time of day, as a screen reader
   * says it: "Conversation closed by the agent at 14:05" */
  return g_strdup_printf (_("%s at %s"), what, time);
}

static void
update (ConfabEventRow *self)
{
  g_autofree char *text = confab_event_row_dup_text (self);
  g_autofree char *label = confab_event_row_dup_label (self);
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));
  gboolean day_break = self->message != NULL && confab_message_get_day_break (self->message);

  gtk_label_set_text (GTK_LABEL (self->text_label), text);
  gtk_widget_set_visible (self->day_label, day_break);
  if (day_break)
    {
      g_autofree char *day = confab_ui_format_day (confab_message_get_server_time (self->message));

      gtk_label_set_text (GTK_LABEL (self->day_label), day);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* The list item around the row is what takes the focus: a screen reader reads its name. */
  if (item != NULL)
    {
      /* it may have held a message row, which names it by a relation */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
}

static void
message_notify_cb (ConfabEventRow *self,
                   GParamSpec     *pspec,
                   ConfabMessage  *message)
{
  update (self);
}

ConfabMessage *
confab_event_row_get_message (ConfabEventRow *self)
{
  g_return_val_if_fail (CONFAB_IS_EVENT_ROW (self), NULL);
  return self->message;
}

void
confab_event_row_set_message (ConfabEventRow *self,
                              ConfabMessage  *message)
{
  g_return_if_fail (CONFAB_IS_EVENT_ROW (self));
  g_return_if_fail (message == NULL || CONFAB_IS_MESSAGE (message));

  if (self->message == message)
    return;
  if (self->message != NULL)
    g_signal_handlers_disconnect_by_data (self->message, self);
  g_set_object (&self->message, message);
  if (message != NULL)
    g_signal_connect_object (message, "notify", G_CALLBACK (message_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
confab_event_row_dispose (GObject *object)
{
  ConfabEventRow *self = CONFAB_EVENT_ROW (object);
  GtkWidget *child;

  if (self->message != NULL)
    g_signal_handlers_disconnect_by_data (self->message, self);
  g_clear_object (&self->message);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (confab_event_row_parent_class)->dispose (object);
}

static void
confab_event_row_class_init (ConfabEventRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_event_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "eventrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
confab_event_row_init (ConfabEventRow *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  /* the day above the first row of a day, as above a message */
  self->day_label = gtk_label_new (NULL);
  gtk_widget_set_visible (self->day_label, FALSE);
  gtk_widget_set_margin_top (self->day_label, 12);
  gtk_widget_set_margin_bottom (self->day_label, 6);
  gtk_widget_add_css_class (self->day_label, "dim-label");
  gtk_widget_add_css_class (self->day_label, "caption-heading");
  gtk_widget_set_parent (self->day_label, GTK_WIDGET (self));

  self->text_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (GTK_LABEL (self->text_label), GTK_JUSTIFY_CENTER);
  gtk_widget_set_halign (self->text_label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->text_label, "dim-label");
  gtk_widget_add_css_class (self->text_label, "caption");
  gtk_widget_set_parent (self->text_label, GTK_WIDGET (self));
}

GtkWidget *
confab_event_row_new (void)
{
  return g_object_new (CONFAB_TYPE_EVENT_ROW, NULL);
}
