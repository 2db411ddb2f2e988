/* confab-survey-dialog.h: how was the conversation? Asked once it has closed
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "confab-session.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_SURVEY_DIALOG (confab_survey_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ConfabSurveyDialog, confab_survey_dialog, CONFAB, SURVEY_DIALOG, AdwWindow)

/* A rating of 1 to 5 stars and whether the issue was resolved, for the conversation that
 * has closed; Send sends them, Skip (or closing the window) says it was skipped. Either is
 * sent once, through session. */
ConfabSurveyDialog *confab_survey_dialog_new (GtkWindow     *parent,
                                              ConfabSession *session,
                                              const char    *conversation_id);

const char *confab_survey_dialog_get_conversation_id (ConfabSurveyDialog *self);

/* For tests */
GtkWidget *_confab_survey_dialog_get_star     (ConfabSurveyDialog *self,
                                               int                 stars);
GtkWidget *_confab_survey_dialog_get_resolved (ConfabSurveyDialog *self);
GtkWidget *_confab_survey_dialog_get_send     (ConfabSurveyDialog *self);
GtkWidget *_confab_survey_dialog_get_skip     (ConfabSurveyDialog *self);

G_END_DECLS
