/* confab-session-files.c: photos sent and files fetched, through LivePerson's storage
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of ConfabSession (see confab-session-private.h). A photo goes in three steps: the
 * service gives a temporary URL for it (ms.GenerateURLForUploadFile), the bytes go there
 * with an HTTP PUT to the storage (the domain lookup's "swift"), and a hosted/file message
 * names it. That message is queued in the outbox like text, so it keeps its place and
 * survives a restart once the upload is done; the upload itself does not (the bytes are not
 * kept). Fetching is the other way round: ms.GenerateURLForDownloadFile, then a GET.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-session-private.h"

/* A file fetched is at most this big: far over what an upload may be. */
#define FETCH_MAX_SIZE (32 * 1024 * 1024)
#define READ_CHUNK     (64 * 1024)

G_DEFINE_QUARK (confab-session-error-quark, confab_session_error)

typedef struct
{
  gboolean upload;
  GBytes *data;                     /* upload */
  ConfabFileType file_type;
  char *caption;
  char *preview;
  ConfabSessionProgress progress;
  gpointer progress_data;
  char *relative_path;              /* download: asked for; upload: given */
  char *storage;
  SoupMessage *msg;
  GInputStream *stream;             /* download */
  GByteArray *buffer;
  goffset sent;
} FileOp;

static void
file_op_free (FileOp *op)
{
  g_clear_pointer (&op->data, g_bytes_unref);
  g_free (op->caption);
  g_free (op->preview);
  g_free (op->relative_path);
  g_free (op->storage);
  g_clear_object (&op->msg);
  g_clear_object (&op->stream);
  g_clear_pointer (&op->buffer, g_byte_array_unref);
  g_free (op);
}

static gboolean
return_if_offline (ConfabSession *self,
                   GTask         *task)
{
  if (_confab_session_is_online (self))
    return FALSE;
  g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_OFFLINE,
                           _("Confab is not connected to the service"));
  return TRUE;
}

static char *
storage_url (const char          *storage,
             const ConfabFileUrl *url,
             GError             **error)
{
  g_autofree char *sig = g_uri_escape_string (url->signature, NULL, FALSE);
  g_autofree char *expires = g_uri_escape_string (url->expires, NULL, FALSE);
  g_autofree char *path = NULL;

  if (!confab_file_path_is_valid (url->relative_path))
    {
      g_set_error (error, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_STORAGE,
                   _("The service gave an unusable file address"));
      return NULL;
    }
  path = g_strdup_printf ("%s?temp_url_sig=%s&temp_url_expires=%s", url->relative_path, sig, expires);
  return confab_account_build_url (storage, FALSE, path, error);
}

/* The service's answer to GenerateURLFor…: the signed address of the storage, made into
 * op->msg of that method (an upload also learns its path there). TRUE when the operation
 * can go on, else the task has its answer. */
static gboolean
storage_message_ready (GTask        *task,
                       GObject      *connection,
                       GAsyncResult *result,
                       const char   *method)
{
  FileOp *op = g_task_get_task_data (task);
  g_autoptr(ConfabFrame) frame = NULL;
  g_autoptr(ConfabFileUrl) url = NULL;
  g_autofree char *address = NULL;
  GError *error = NULL;

  frame = confab_connection_send_request_finish (CONFAB_CONNECTION (connection), result, &error);
  if (frame == NULL || (url = confab_parse_file_url (frame, &error)) == NULL ||
      (address = storage_url (op->storage, url, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return FALSE;
    }
  if (g_task_return_error_if_cancelled (task))
    return FALSE;

  if (op->relative_path == NULL)
    op->relative_path = g_strdup (url->relative_path);
  op->msg = soup_message_new (method, address);
  if (op->msg == NULL)
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_STORAGE,
                               _("The service gave an unusable file address"));
      return FALSE;
    }
  return TRUE;
}

/* Upload */

static const char *
mime_type (ConfabFileType type)
{
  switch (type)
    {
    case CONFAB_FILE_TYPE_PNG: return "image/png";
    case CONFAB_FILE_TYPE_GIF: return "image/gif";
    case CONFAB_FILE_TYPE_JPG:
    case CONFAB_FILE_TYPE_JPEG:
    default: return "image/jpeg";
    }
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    GTask       *task)
{
  FileOp *op = g_task_get_task_data (task);

  op->sent += chunk_size;
  if (op->progress != NULL)
    op->progress ((guint64) op->sent, g_bytes_get_size (op->data), op->progress_data);
}

static void
put_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabSession *self = g_task_get_source_object (task);
  FileOp *op = g_task_get_task_data (task);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(ConfabHostedFile) file = NULL;
  g_autoptr(ConfabMessage) message = NULL;
  GError *error = NULL;
  guint status;

  g_signal_handlers_disconnect_by_data (op->msg, task);
  answer = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  status = soup_message_get_status (op->msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_STORAGE,
                               _("The storage refused the photo (HTTP %u)"), status);
      return;
    }

  file = confab_hosted_file_new (op->caption, op->relative_path, op->file_type, op->preview);
  message = confab_message_new_outgoing_file (file, g_get_real_time () / 1000);
  if (!_confab_session_queue_outgoing (self, message))
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_STORAGE,
                               _("The photo could not be saved to be sent"));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&message), g_object_unref);
}

static void
upload_url_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabSession *self = g_task_get_source_object (task);
  FileOp *op = g_task_get_task_data (task);

  if (!storage_message_ready (task, object, result, SOUP_METHOD_PUT))
    return;
  soup_message_set_request_body_from_bytes (op->msg, mime_type (op->file_type), op->data);
  g_signal_connect (op->msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), task);
  soup_session_send_and_read_async (self->http, op->msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    put_cb, g_object_ref (task));
}

/* The storage's address, looked up for an upload or a download: TRUE when the operation can
 * go on, else the task has its answer. */
static gboolean
storage_found (GTask        *task,
               GObject      *account,
               GAsyncResult *result)
{
  ConfabSession *self = g_task_get_source_object (task);
  FileOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->storage = confab_account_lookup_storage_finish (CONFAB_ACCOUNT (account), result, &error);
  if (op->storage == NULL)
    {
      g_task_return_error (task, error);
      return FALSE;
    }
  return !g_task_return_error_if_cancelled (task) && !return_if_offline (self, task);
}

static void
upload_storage_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabSession *self = g_task_get_source_object (task);
  FileOp *op = g_task_get_task_data (task);

  if (!storage_found (task, object, result))
    return;
  confab_connection_send_request (self->conn, CONFAB_REQ_GENERATE_UPLOAD_URL,
                                  confab_upload_url_body ((gint64) g_bytes_get_size (op->data), op->file_type),
                                  g_task_get_cancellable (task), upload_url_cb, g_object_ref (task));
}

void
confab_session_send_file_async (ConfabSession         *self,
                                GBytes                *data,
                                ConfabFileType         file_type,
                                const char            *caption,
                                const char            *preview,
                                ConfabSessionProgress  progress,
                                gpointer               progress_data,
                                GCancellable          *cancellable,
                                GAsyncReadyCallback    callback,
                                gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  FileOp *op;

  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (caption != NULL && *caption != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_session_send_file_async);
  op = g_new0 (FileOp, 1);
  op->upload = TRUE;
  op->data = g_bytes_ref (data);
  op->file_type = file_type;
  op->caption = g_strdup (caption);
  op->preview = preview != NULL && confab_file_preview_is_valid (preview) ? g_strdup (preview) : NULL;
  op->progress = progress;
  op->progress_data = progress_data;
  g_task_set_task_data (task, op, (GDestroyNotify) file_op_free);

  /* What LivePerson takes: checked here too, so that nothing is sent only to be refused. */
  if (file_type != CONFAB_FILE_TYPE_JPG && file_type != CONFAB_FILE_TYPE_JPEG &&
      file_type != CONFAB_FILE_TYPE_PNG && file_type != CONFAB_FILE_TYPE_GIF)
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_FILE_TYPE,
                               _("Only JPG, PNG and GIF images can be sent"));
      return;
    }
  if (g_bytes_get_size (data) == 0 || g_bytes_get_size (data) > CONFAB_FILE_UPLOAD_MAX_SIZE)
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_TOO_LARGE,
                               _("A photo can be at most 3 MB"));
      return;
    }
  if (return_if_offline (self, task))
    return;

  confab_account_lookup_storage_async (self->account, self->http, cancellable, upload_storage_cb,
                                       g_steal_pointer (&task));
}

ConfabMessage *
confab_session_send_file_finish (ConfabSession  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Download */

static void fetch_read_next (GTask *task);

static void
fetch_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FileOp *op = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&op->buffer)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  g_byte_array_append (op->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (op->buffer->len > FETCH_MAX_SIZE)
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_TOO_LARGE,
                               _("The file is too large"));
      return;
    }
  fetch_read_next (g_steal_pointer (&task));
}

static void
fetch_read_next (GTask *task)
{
  FileOp *op = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (op->stream, READ_CHUNK, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   fetch_read_cb, task);
}

static void
get_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FileOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  op->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (op->stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  status = soup_message_get_status (op->msg);
  if (status != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_STORAGE,
                               _("The storage did not give the file (HTTP %u)"), status);
      return;
    }
  if (soup_message_headers_get_content_length (soup_message_get_response_headers (op->msg)) > FETCH_MAX_SIZE)
    {
      g_task_return_new_error (task, CONFAB_SESSION_ERROR, CONFAB_SESSION_ERROR_TOO_LARGE,
                               _("The file is too large"));
      return;
    }
  op->buffer = g_byte_array_new ();
  fetch_read_next (g_steal_pointer (&task));
}

static void
download_url_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabSession *self = g_task_get_source_object (task);
  FileOp *op = g_task_get_task_data (task);

  if (!storage_message_ready (task, object, result, SOUP_METHOD_GET))
    return;
  soup_session_send_async (self->http, op->msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                           get_cb, g_object_ref (task));
}

static void
download_storage_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabSession *self = g_task_get_source_object (task);
  FileOp *op = g_task_get_task_data (task);

  if (!storage_found (task, object, result))
    return;
  confab_connection_send_request (self->conn, CONFAB_REQ_GENERATE_DOWNLOAD_URL,
                                  confab_download_url_body (op->relative_path),
                                  g_task_get_cancellable (task), download_url_cb, g_object_ref (task));
}

void
confab_session_fetch_file_async (ConfabSession       *self,
                                 ConfabHostedFile    *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileOp *op;

  g_return_if_fail (CONFAB_IS_SESSION (self));
  g_return_if_fail (file != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_session_fetch_file_async);
  op = g_new0 (FileOp, 1);
  op->relative_path = g_strdup (file->relative_path);
  g_task_set_task_data (task, op, (GDestroyNotify) file_op_free);
  if (return_if_offline (self, task))
    return;

  confab_account_lookup_storage_async (self->account, self->http, cancellable, download_storage_cb,
                                       g_steal_pointer (&task));
}

GBytes *
confab_session_fetch_file_finish (ConfabSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
