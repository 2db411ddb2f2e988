/* confab-a11y.c: names for the parts of GTK's and libadwaita's widgets that have none
 *
 * GTK 4.8 gives an unnamed widget its type name ("GtkButton", "GtkListBox") on the
 * accessibility bus, and GTK and libadwaita 1.2 leave several of their inner parts unnamed:
 * icon buttons that say what they do only in a tooltip, the lists inside an expander row,
 * the text views of the about window, and every scrolled window, which GTK makes focusable.
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "confab-a11y.h"

/* The first words shown inside WIDGET, or NULL. */
static const char *
find_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text;

      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        return gtk_label_get_text (GTK_LABEL (child));
      if ((text = find_text (child)) != NULL)
        return text;
    }
  return NULL;
}

static gboolean
is_named (GtkWidget *widget)
{
  /* GTK 4.8 has no getter for an accessible's properties; these are public API. */
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  /* A button is named by its own label, not by a label or an image put inside it. */
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget)) != NULL;
  /* A group labels its list by its title, which may be empty. */
  if (GTK_IS_LIST_BOX (widget))
    {
      GtkWidget *group = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_GROUP);
      const char *title = group != NULL ? adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)) : NULL;

      if (group != NULL && (title == NULL || *title == '\0'))
        return FALSE;
    }
  return gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static void
set_name (GtkWidget  *widget,
          const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* "A_dvanced" as it is said: "__" is a "_", "_d" is "d". */
static char *
strip_mnemonic (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_' && *++p == '\0')
        break;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
has_focusable_descendant (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if ((!GTK_IS_SCROLLBAR (child) && gtk_widget_get_focusable (child)) || has_focusable_descendant (child))
      return TRUE;
  return FALSE;
}

static const char *
find_window_title (GtkWidget *widget)
{
  if (ADW_IS_WINDOW_TITLE (widget) && gtk_widget_get_visible (widget) &&
      adw_window_title_get_title (ADW_WINDOW_TITLE (widget)) != NULL &&
      *adw_window_title_get_title (ADW_WINDOW_TITLE (widget)) != '\0')
    return adw_window_title_get_title (ADW_WINDOW_TITLE (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *title = find_window_title (child);

      if (title != NULL)
        return title;
    }
  return NULL;
}

/* What the part is about: the expander row, group or status page it is in, else the title
 * of the page (a header bar's title near it), else its window's title. */
static char *
dup_context_title (GtkWidget *widget)
{
  GtkRoot *root;

  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    {
      if (ADW_IS_EXPANDER_ROW (w))
        return strip_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)));
      if (ADW_IS_PREFERENCES_GROUP (w) && *adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (w)) != '\0')
        return strip_mnemonic (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (w)));
      if (ADW_IS_STATUS_PAGE (w) && adw_status_page_get_title (ADW_STATUS_PAGE (w)) != NULL)
        return g_strdup (adw_status_page_get_title (ADW_STATUS_PAGE (w)));
    }
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL && !GTK_IS_ROOT (w); w = gtk_widget_get_parent (w))
    {
      const char *title = find_window_title (w);

      if (title != NULL)
        return g_strdup (title);
    }
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root) && gtk_window_get_title (GTK_WINDOW (root)) != NULL)
    return g_strdup (gtk_window_get_title (GTK_WINDOW (root)));
  return NULL;
}

static void
tooltip_changed_cb (GtkWidget  *button,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  const char *tooltip = gtk_widget_get_tooltip_text (button);

  if (tooltip == NULL)
    return;
  set_name (button, tooltip);
  /* GTK made the tooltip the description as well: it would be read out twice. */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* An icon button: what its tooltip says (which may change with what it does next), else
 * what its icon means. */
static gboolean
name_icon_button (GtkWidget *button)
{
  static const struct { const char *icon; const char *name; } icons[] = {
    { "go-previous-symbolic", N_("Back") },
    { "edit-find-symbolic", N_("Search") },
    { "window-close-symbolic", N_("Close") },
  };
  const char *icon = GTK_IS_BUTTON (button) ? gtk_button_get_icon_name (GTK_BUTTON (button))
                     : GTK_IS_MENU_BUTTON (button) ? gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (button))
                     : NULL;

  if (gtk_widget_get_tooltip_text (button) != NULL)
    {
      tooltip_changed_cb (button, NULL, NULL);
      g_signal_connect (button, "notify::tooltip-text", G_CALLBACK (tooltip_changed_cb), NULL);
      return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (button); icon == NULL && child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_IMAGE (child))
      icon = gtk_image_get_icon_name (GTK_IMAGE (child));
  for (guint i = 0; icon != NULL && i < G_N_ELEMENTS (icons); i++)
    if (g_str_equal (icon, icons[i].icon))
      {
        set_name (button, _(icons[i].name));
        return TRUE;
      }
  return FALSE;
}

static void
name_part (GtkWidget *widget)
{
  g_autofree char *title = NULL;

  /* GTK 4.8 names a button with a mnemonic both by its label and by the label it is
   * labelled by ("_Copy Text Copy Text"): one name, without the underline. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_autofree char *name = strip_mnemonic (gtk_button_get_label (GTK_BUTTON (widget)));

      gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      set_name (widget, name);
      return;
    }
  /* GTK 4.8 says both a name and the labels a widget is labelled by: the name is enough. */
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    {
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      return;
    }
  /* A menu button's inner button is labelled by the menu button: that one needs the name. */
  if (GTK_IS_BUTTON (widget) && GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    widget = gtk_widget_get_parent (widget);
  /* Labelled by the labels inside it, each layout's own ("General General", a view
   * switcher's page): its words, once. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL &&
      !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY) &&
      find_text (widget) != NULL)
    {
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      set_name (widget, find_text (widget));
      return;
    }
  if (is_named (widget))
    return;

  if (GTK_IS_SCROLLED_WINDOW (widget) && has_focusable_descendant (widget))
    {
      /* What it holds takes the focus; it never needs it itself. */
      gtk_widget_set_focusable (widget, FALSE);
      return;
    }
  if (GTK_IS_SCROLLED_WINDOW (widget) && ADW_IS_STATUS_PAGE (gtk_widget_get_parent (widget)))
    {
      /* Its text may need scrolling in a small window, so it keeps the focus: it is read
       * out as the page. */
      AdwStatusPage *page = ADW_STATUS_PAGE (gtk_widget_get_parent (widget));

      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, adw_status_page_get_title (page),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, adw_status_page_get_description (page),
                                      -1);
      return;
    }
  if (ADW_IS_PREFERENCES_ROW (widget))
    {
      /* an expander row: its title, as its header says it */
      g_autofree char *name = strip_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));

      if (*name != '\0')
        set_name (widget, name);
      return;
    }
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      set_name (widget, _("Search"));
      return;
    }
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget))
    {
      const char *text = find_text (widget);

      /* the words it shows, as the version button of the about window */
      if (text != NULL)
        {
          set_name (widget, text);
          return;
        }
      if (name_icon_button (widget))
        return;
    }
  else if (!GTK_IS_SCROLLED_WINDOW (widget) && !GTK_IS_LIST_BOX (widget) && !GTK_IS_TEXT_VIEW (widget))
    return;

  title = dup_context_title (widget);
  if (title != NULL)
    set_name (widget, title);
}

void
confab_a11y_name_parts (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_get_focusable (child) || GTK_IS_SCROLLED_WINDOW (child) || GTK_IS_SEARCH_ENTRY (child))
        name_part (child);
      confab_a11y_name_parts (child);
    }
}

static void
window_map_cb (GtkWidget *window,
               gpointer   user_data)
{
  /* Not before the window is on screen: with GTK 4.8, a scrolled window made unfocusable
   * any earlier keeps its whole window off the accessibility bus. */
  confab_a11y_name_parts (window);
}

static void
toplevels_changed_cb (GListModel *toplevels,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_object_get_data (G_OBJECT (window), "confab-a11y-watched") != NULL)
        continue;
      g_object_set_data (G_OBJECT (window), "confab-a11y-watched", GINT_TO_POINTER (TRUE));
      g_signal_connect (window, "map", G_CALLBACK (window_map_cb), NULL);
      if (gtk_widget_get_mapped (window))
        confab_a11y_name_parts (window);
    }
}

void
confab_a11y_watch_windows (void)
{
  static gsize watching = 0;

  if (g_once_init_enter (&watching))
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      g_signal_connect (toplevels, "items-changed", G_CALLBACK (toplevels_changed_cb), NULL);
      toplevels_changed_cb (toplevels, 0, 0, g_list_model_get_n_items (toplevels), NULL);
      g_once_init_leave (&watching, 1);
    }
}
