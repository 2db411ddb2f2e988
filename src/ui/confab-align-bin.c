/* confab-align-bin.c: a child at its natural width on one side, measured without searching
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 aligns a widget whose halign is not FILL by asking it for the width that fits the
 * height it was given (gtk_widget_adjust_size_allocation()); a GtkBox does the same for every
 * child along a horizontal box. A wrapping GtkLabel answers that with a binary search over
 * widths, a Pango layout at each step: five to eight layouts per message bubble, most of the
 * first frame's text layout. A bubble's width never depends on its height, so this bin
 * measures its child for widths with no height (-1, which GTK caches) and places it itself;
 * the child keeps halign FILL, and GTK has nothing left to search.
 */
#include "config.h"

#include "confab-align-bin.h"

struct _ConfabAlignBin
{
  GtkWidget parent_instance;

  GtkAlign align;
};

G_DEFINE_FINAL_TYPE (ConfabAlignBin, confab_align_bin, GTK_TYPE_WIDGET)

/* The child's width in @width: all of it for FILL, else its natural width, never less
 * than its minimum. */
static int
child_width (ConfabAlignBin *self,
             GtkWidget      *child,
             int             width)
{
  int minimum, natural;

  if (self->align == GTK_ALIGN_FILL || width < 0)
    return width;
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  return MAX (minimum, MIN (natural, width));
}

static void
confab_align_bin_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  ConfabAlignBin *self = CONFAB_ALIGN_BIN (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    gtk_widget_measure (child, orientation, -1, minimum, natural, NULL, NULL);
  else
    gtk_widget_measure (child, orientation, child_width (self, child, for_size),
                        minimum, natural, minimum_baseline, natural_baseline);
}

static GtkSizeRequestMode
confab_align_bin_get_request_mode (GtkWidget *widget)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  return child != NULL ? gtk_widget_get_request_mode (child) : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
confab_align_bin_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  ConfabAlignBin *self = CONFAB_ALIGN_BIN (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);
  GtkAlign align = self->align;
  int child_w, x;

  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  child_w = child_width (self, child, width);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    align = align == GTK_ALIGN_START ? GTK_ALIGN_END : align == GTK_ALIGN_END ? GTK_ALIGN_START : align;
  switch (align)
    {
    case GTK_ALIGN_END:
      x = width - child_w;
      break;
    case GTK_ALIGN_CENTER:
      x = (width - child_w) / 2;
      break;
    case GTK_ALIGN_FILL:
    case GTK_ALIGN_START:
    case GTK_ALIGN_BASELINE:
    default:
      x = 0;
      break;
    }
  gtk_widget_size_allocate (child, &(GtkAllocation) { x, 0, child_w, height }, baseline);
}

static void
confab_align_bin_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (confab_align_bin_parent_class)->dispose (object);
}

static void
confab_align_bin_class_init (ConfabAlignBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_align_bin_dispose;
  widget_class->measure = confab_align_bin_measure;
  widget_class->get_request_mode = confab_align_bin_get_request_mode;
  widget_class->size_allocate = confab_align_bin_size_allocate;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
confab_align_bin_init (ConfabAlignBin *self)
{
  self->align = GTK_ALIGN_FILL;
}

void
confab_align_bin_set_align (ConfabAlignBin *self,
                            GtkAlign        align)
{
  g_return_if_fail (CONFAB_IS_ALIGN_BIN (self));

  if (self->align == align)
    return;
  self->align = align;
  /* the child's width, and with it its height, may change */
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

GtkAlign
confab_align_bin_get_align (ConfabAlignBin *self)
{
  g_return_val_if_fail (CONFAB_IS_ALIGN_BIN (self), GTK_ALIGN_FILL);
  return self->align;
}
