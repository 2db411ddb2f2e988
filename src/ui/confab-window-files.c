/* confab-window-files.c: photos sent (chosen, dropped or pasted) and files opened
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabWindow (see confab-window-private.h). A photo comes from the file chooser
 * (the portal's, in a sandbox), from a drop on the window or from the clipboard; it is
 * checked here first (JPG, PNG or GIF by its first bytes, at most 3 MB), given a small
 * preview, and sent by the session while a bar above the composer shows how far it got and
 * offers Cancel. A file in a message opens in the person's app for it once fetched; it is
 * kept in $XDG_CACHE_HOME/confab/files.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "confab-window-private.h"
#include "confab-rich-view.h"
#include "confab-ui.h"

/* The preview a photo carries: at most this many pixels a side, under LivePerson's 30 KB. */
#define PREVIEW_SIDE 160

static void
show_toast (ConfabWindow *self,
            const char   *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The type of an image by its first bytes: what LivePerson takes, or UNKNOWN. */
static ConfabFileType
sniff_type (GBytes *data)
{
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);

  if (length >= 8 && memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
    return CONFAB_FILE_TYPE_PNG;
  if (length >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
    return CONFAB_FILE_TYPE_JPG;
  if (length >= 6 && (memcmp (bytes, "GIF87a", 6) == 0 || memcmp (bytes, "GIF89a", 6) == 0))
    return CONFAB_FILE_TYPE_GIF;
  return CONFAB_FILE_TYPE_UNKNOWN;
}

/* On a worker thread: a JPEG thumbnail as a data: URL, or NULL (the photo goes without). */
static void
preview_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GBytes *data = task_data;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GdkPixbuf) flat = NULL;
  GdkPixbuf *pixbuf;
  int width, height, side;

  if (!gdk_pixbuf_loader_write_bytes (loader, data, NULL) || !gdk_pixbuf_loader_close (loader, NULL) ||
      (pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)) == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  side = MAX (width, height);
  scaled = gdk_pixbuf_scale_simple (pixbuf, MAX (1, width * PREVIEW_SIDE / MAX (side, PREVIEW_SIDE)),
                                    MAX (1, height * PREVIEW_SIDE / MAX (side, PREVIEW_SIDE)),
                                    GDK_INTERP_BILINEAR);
  /* JPEG has no transparency: on white, as the photo would look on a page. */
  flat = gdk_pixbuf_composite_color_simple (scaled, gdk_pixbuf_get_width (scaled), gdk_pixbuf_get_height (scaled),
                                            GDK_INTERP_NEAREST, 255, 8, 0xffffffff, 0xffffffff);
  for (int quality = 80; quality >= 30; quality -= 25)
    {
      g_autofree char *jpeg = NULL;
      g_autofree char *quality_text = g_strdup_printf ("%d", quality);
      gsize size = 0;

      if (!gdk_pixbuf_save_to_buffer (flat, &jpeg, &size, "jpeg", NULL, "quality", quality_text, NULL))
        break;
      /* base64 takes 4 bytes for 3 */
      if ((size + 2) / 3 * 4 + 32 < CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE)
        {
          g_autofree char *encoded = g_base64_encode ((const guchar *) jpeg, size);

          g_task_return_pointer (task, g_strconcat ("data:image/jpeg;base64,", encoded, NULL), g_free);
          return;
        }
    }
  g_task_return_pointer (task, NULL, NULL);
}

typedef struct
{
  ConfabWindow *self;
  GBytes *data;
  ConfabFileType type;
  char *caption;
} Upload;

static void
upload_free (Upload *upload)
{
  g_object_unref (upload->self);
  g_bytes_unref (upload->data);
  g_free (upload->caption);
  g_free (upload);
}

static void
upload_done (ConfabWindow *self)
{
  g_clear_object (&self->upload_cancellable);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->upload_revealer), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send-photo", TRUE);
  if (gtk_widget_has_focus (self->upload_cancel))
    gtk_widget_grab_focus (self->composer);
}

static void
progress_cb (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  ConfabWindow *self = user_data;

  if (total > 0)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->upload_progress), (double) sent / (double) total);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Upload *upload = user_data;
  ConfabWindow *self = upload->self;
  g_autoptr(ConfabMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  message = confab_session_send_file_finish (CONFAB_SESSION (object), result, &error);
  upload_done (self);
  if (message == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s says why, e.g. "Confab is not connected to the service" */
      g_autofree char *text = g_strdup_printf (_("The photo was not sent: %s"), error->message);

      show_toast (self, text);
    }
  else if (message != NULL)
    {
      self->stick_to_bottom = TRUE;
      _confab_window_scroll_to_bottom (self);
    }
  upload_free (upload);
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Upload *upload = user_data;
  ConfabWindow *self = upload->self;
  g_autofree char *preview = g_task_propagate_pointer (G_TASK (result), NULL);

  if (self->session == NULL || g_cancellable_is_cancelled (self->upload_cancellable))
    {
      upload_done (self);
      upload_free (upload);
      return;
    }
  confab_session_send_file_async (self->session, upload->data, upload->type, upload->caption, preview,
                                  progress_cb, self, self->upload_cancellable, sent_cb, upload);
}

void
_confab_window_send_photo (ConfabWindow *self,
                           GBytes       *data,
                           const char   *name)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  ConfabFileType type = sniff_type (data);
  Upload *upload;

  if (self->session == NULL)
    return;
  if (self->upload_cancellable != NULL)
    {
      show_toast (self, _("One photo at a time: wait until this one is sent"));
      return;
    }
  if (type == CONFAB_FILE_TYPE_UNKNOWN)
    {
      show_toast (self, _("Only JPG, PNG and GIF images can be sent"));
      return;
    }
  if (g_bytes_get_size (data) > CONFAB_FILE_UPLOAD_MAX_SIZE)
    {
      show_toast (self, _("A photo can be at most 3 MB"));
      return;
    }

  upload = g_new0 (Upload, 1);
  upload->self = g_object_ref (self);
  upload->data = g_bytes_ref (data);
  upload->type = type;
  upload->caption = g_strdup (name != NULL && *name != '\0' ? name : _("Photo"));

  self->upload_cancellable = g_cancellable_new ();
  /* Translators: %s is the photo's file name */
  label = g_strdup_printf (_("Sending “%s”…"), upload->caption);
  gtk_label_set_text (GTK_LABEL (self->upload_label), label);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->upload_progress), 0.0);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->upload_revealer), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send-photo", FALSE);

  task = g_task_new (NULL, NULL, preview_cb, upload);
  g_task_set_task_data (task, g_bytes_ref (data), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, preview_thread);
}

static void
upload_cancel_cb (ConfabWindow *self)
{
  if (self->upload_cancellable != NULL)
    g_cancellable_cancel (self->upload_cancellable);
}

/* Choosing, dropping, pasting */

static void
file_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ConfabWindow) self = user_data;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (object));

  data = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  if (data == NULL)
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("The photo could not be read: %s"), error->message);

      show_toast (self, text);
      return;
    }
  _confab_window_send_photo (self, data, name);
}

static void
send_file (ConfabWindow *self,
           GFile        *file)
{
  GFileInfo *info = NULL;

  /* Known to be too big before reading it, when the file says. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL && g_file_info_get_size (info) > CONFAB_FILE_UPLOAD_MAX_SIZE)
    {
      g_object_unref (info);
      show_toast (self, _("A photo can be at most 3 MB"));
      return;
    }
  g_clear_object (&info);
  g_file_load_bytes_async (file, NULL, file_loaded_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     ConfabWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        send_file (self, file);
    }
  g_object_unref (chooser);
}

static void
send_photo_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Photos (JPG, PNG, GIF)"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/gif");
  chooser = gtk_file_chooser_native_new (_("Send a Photo"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Send"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         ConfabWindow  *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      if (files == NULL)
        return FALSE;
      if (files->next != NULL)
        show_toast (self, _("One photo at a time: only the first is sent"));
      send_file (self, files->data);
      g_slist_free (files);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    {
      g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (g_value_get_object (value));

      _confab_window_send_photo (self, png, _("Dropped image"));
      return TRUE;
    }
  return FALSE;
}

static void
clipboard_texture_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ConfabWindow) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, NULL);
  if (texture == NULL)
    return;
  png = gdk_texture_save_to_png_bytes (texture);
  _confab_window_send_photo (self, png, _("Pasted image"));
}

/* An image pasted into the composer is sent as a photo; text (also text that comes with an
 * image, as from a web page) is pasted as usual. */
static void
paste_clipboard_cb (GtkTextView  *composer,
                    ConfabWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (composer));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (!gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) ||
      gdk_content_formats_contain_gtype (formats, G_TYPE_STRING) ||
      gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8") ||
      gdk_content_formats_contain_mime_type (formats, "text/plain"))
    return;
  g_signal_stop_emission_by_name (composer, "paste-clipboard");
  gdk_clipboard_read_texture_async (clipboard, NULL, clipboard_texture_cb, g_object_ref (self));
}

/* Opening a file of a message */

typedef struct
{
  ConfabWindow *self;
  ConfabHostedFile *file;
} Fetch;

static const char *
extension_for (ConfabFileType type)
{
  switch (type)
    {
    case CONFAB_FILE_TYPE_PNG: return "png";
    case CONFAB_FILE_TYPE_GIF: return "gif";
    case CONFAB_FILE_TYPE_JPG:
    case CONFAB_FILE_TYPE_JPEG:
    case CONFAB_FILE_TYPE_IMG: return "jpg";
    case CONFAB_FILE_TYPE_PDF: return "pdf";
    case CONFAB_FILE_TYPE_TXT: return "txt";
    case CONFAB_FILE_TYPE_UNKNOWN:
    default: return NULL;
    }
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(ConfabWindow) self = fetch->self;
  g_autoptr(ConfabHostedFile) file = fetch->file;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "confab", "files", NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, file->relative_path, -1);
  g_autofree char *name = g_strdup_printf ("%.16s.%s", hash, extension_for (file->file_type));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *uri = NULL;

  g_free (fetch);
  data = confab_session_fetch_file_finish (CONFAB_SESSION (object), result, &error);
  if (data != NULL && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error_literal (&error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
    }
  if (error != NULL ||
      !g_file_set_contents_full (path, g_bytes_get_data (data, NULL), (gssize) g_bytes_get_size (data),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("The file could not be opened: %s"), error->message);

      show_toast (self, text);
      return;
    }
  uri = g_filename_to_uri (path, NULL, NULL);
  if (uri != NULL)
    confab_rich_open_uri (GTK_WIDGET (self), uri);
}

void
_confab_window_open_file (ConfabWindow  *self,
                          ConfabMessage *message)
{
  ConfabHostedFile *file = confab_message_get_file (message);
  Fetch *fetch;

  if (file == NULL || self->session == NULL)
    return;
  /* Only kinds of file the person's apps are known for; nothing that could run. */
  if (extension_for (file->file_type) == NULL)
    {
      show_toast (self, _("Confab cannot open this kind of file"));
      return;
    }
  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->file = confab_hosted_file_ref (file);
  confab_session_fetch_file_async (self->session, file, NULL, fetched_cb, fetch);
}

/* The attach button beside Send and the bar above the composer, put in around the
 * template's composer. */
void
_confab_window_init_files (ConfabWindow *self)
{
  GtkWidget *composer_box = gtk_widget_get_parent (self->send_button);
  GtkWidget *clamp = gtk_widget_get_ancestor (composer_box, ADW_TYPE_CLAMP);
  GtkWidget *column = gtk_widget_get_parent (clamp);
  GtkWidget *attach = gtk_button_new_from_icon_name ("mail-attachment-symbolic");
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, GDK_TYPE_TEXTURE };

  gtk_widget_set_valign (attach, GTK_ALIGN_END);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (attach), "win.send-photo");
  gtk_widget_set_tooltip_text (attach, _("Send a Photo"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (attach), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Send a Photo"), -1);
  gtk_widget_add_css_class (attach, "flat");
  gtk_widget_add_css_class (attach, "circular");
  gtk_box_prepend (GTK_BOX (composer_box), attach);

  self->upload_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->upload_label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (self->upload_label), PANGO_ELLIPSIZE_MIDDLE);
  self->upload_progress = gtk_progress_bar_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->upload_progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Photo sent so far"), -1);
  gtk_box_append (GTK_BOX (texts), self->upload_label);
  gtk_box_append (GTK_BOX (texts), self->upload_progress);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  self->upload_cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  confab_ui_name_mnemonic_button (self->upload_cancel, _("Cancel"));
  gtk_widget_set_tooltip_text (self->upload_cancel, _("Stop sending the photo"));
  g_signal_connect_swapped (self->upload_cancel, "clicked", G_CALLBACK (upload_cancel_cb), self);
  gtk_box_append (GTK_BOX (bar), texts);
  gtk_box_append (GTK_BOX (bar), self->upload_cancel);
  gtk_widget_add_css_class (bar, "upload-bar");
  self->upload_revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->upload_revealer), bar);
  gtk_box_insert_child_after (GTK_BOX (column), self->upload_revealer, gtk_widget_get_prev_sibling (clamp));

  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (self->composer, "paste-clipboard", G_CALLBACK (paste_clipboard_cb), self);
}

void
_confab_window_class_init_files (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.send-photo", NULL, send_photo_action);
}

GtkWidget *
_confab_window_get_upload_bar (ConfabWindow *self)
{
  return self->upload_revealer;
}
