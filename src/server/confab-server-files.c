/* confab-server-files.c: ConfabServer's own storage of hosted files, and its images
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LivePerson keeps the photos consumers and agents send in an OpenStack Swift store, which a
 * client reaches through temporary URLs (docs/protocol-notes.md, "Hosted files"). The local
 * service does the same on its own port: files live in memory (and in the state file),
 * under /v1/AUTH_async-images/{account}/{name}.{TYPE}, and are written with PUT and read
 * with GET only with a signature that expires, as Swift's temporary URLs:
 *
 *   temp_url_expires  epoch seconds, CONFAB_SERVER_FILE_URL_LIFETIME after it was issued
 *   temp_url_sig      hex HMAC-SHA256, with the service's signing key, of
 *                     "{METHOD}\n{temp_url_expires}\n{path}"
 *
 * so a URL for a PUT cannot be used to read, nor one for one file to reach another. An
 * upload is at most CONFAB_FILE_UPLOAD_MAX_SIZE bytes, refused as soon as it says it is
 * larger (or grows larger, sent in chunks); the files together are at most
 * CONFAB_SERVER_FILES_MAX_SIZE.
 *
 * Images for rich content (a card's picture) are public, as on a brand's web server: GET
 * /images/{name}, without a signature; they are not part of the state.
 */
#include "config.h"

#include <string.h>

#include "confab-server-private.h"

#define FILES_ROOT   "/v1/AUTH_async-images/"
#define IMAGES_ROOT  "/images/"

/* What a PUT has brought so far: kept here rather than by libsoup, so that a body that
 * grows over the limit is dropped as it comes. */
typedef struct {
  GByteArray *data;          /* NULL once it went over the limit */
} UploadBody;

static void
upload_body_free (UploadBody *body)
{
  g_clear_pointer (&body->data, g_byte_array_unref);
  g_free (body);
}

static const char *
mime_type_for (ConfabFileType type)
{
  switch (type)
    {
    case CONFAB_FILE_TYPE_PNG:
      return "image/png";
    case CONFAB_FILE_TYPE_JPG:
    case CONFAB_FILE_TYPE_JPEG:
      return "image/jpeg";
    case CONFAB_FILE_TYPE_GIF:
      return "image/gif";
    case CONFAB_FILE_TYPE_UNKNOWN:
    case CONFAB_FILE_TYPE_IMG:
    case CONFAB_FILE_TYPE_TXT:
    case CONFAB_FILE_TYPE_PDF:
    default:
      return "application/octet-stream";
    }
}

gboolean
confab_server_file_type_is_uploadable (ConfabFileType type)
{
  return type == CONFAB_FILE_TYPE_JPG || type == CONFAB_FILE_TYPE_JPEG ||
         type == CONFAB_FILE_TYPE_PNG || type == CONFAB_FILE_TYPE_GIF;
}

/* An account id as one path segment: what is not plain is percent-encoded, which
 * confab_file_path_is_valid() accepts. */
char *
confab_server_files_new_path (ConfabServer   *self,
                              const char     *account_id,
                              ConfabFileType  file_type)
{
  g_autofree char *account = g_uri_escape_string (account_id, NULL, FALSE);
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf (FILES_ROOT "%s/%s.%s", account, uuid, confab_file_type_to_string (file_type));
}

static char *
compute_signature (ConfabServer *self,
                   const char   *method,
                   const char   *relative_path,
                   gint64        expires)
{
  g_autofree char *message = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%s", method, expires, relative_path);
  gsize key_len = 0;
  const guchar *key = g_bytes_get_data (self->state->key, &key_len);

  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, key, key_len, message, -1);
}

ConfabFileUrl *
confab_server_sign_file_url (ConfabServer *self,
                             const char   *method,
                             const char   *relative_path,
                             gint64        lifetime_s)
{
  gint64 expires = g_get_real_time () / G_USEC_PER_SEC + lifetime_s;
  g_autofree char *signature = NULL;
  g_autofree char *expires_text = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);
  g_return_val_if_fail (g_strcmp0 (method, SOUP_METHOD_GET) == 0 || g_strcmp0 (method, SOUP_METHOD_PUT) == 0, NULL);
  g_return_val_if_fail (confab_file_path_is_valid (relative_path), NULL);

  signature = compute_signature (self, method, relative_path, expires);
  expires_text = g_strdup_printf ("%" G_GINT64_FORMAT, expires);

  return confab_file_url_new (relative_path, signature, expires_text);
}

/* Equal strings, compared in a time that does not depend on where they differ. */
static gboolean
signatures_equal (const char *a,
                  const char *b)
{
  gsize len = strlen (a);
  guint8 diff = 0;

  if (len != strlen (b))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}

/* NULL when the request carries a signature for this method and path that has not
 * expired, else what is wrong. */
static const char *
check_signature (ConfabServer *self,
                 const char   *method,
                 const char   *path,
                 GHashTable   *query)
{
  const char *signature = query != NULL ? g_hash_table_lookup (query, "temp_url_sig") : NULL;
  const char *expires_text = query != NULL ? g_hash_table_lookup (query, "temp_url_expires") : NULL;
  g_autofree char *expected = NULL;
  guint64 expires = 0;

  if (signature == NULL || expires_text == NULL ||
      !g_ascii_string_to_unsigned (expires_text, 10, 0, G_MAXINT64, &expires, NULL))
    return "401 Unauthorized: Temp URL invalid";
  if ((gint64) expires < g_get_real_time () / G_USEC_PER_SEC)
    return "401 Unauthorized: Temp URL expired";

  expected = compute_signature (self, method, path, (gint64) expires);
  if (!signatures_equal (signature, expected))
    return "401 Unauthorized: Temp URL invalid";

  return NULL;
}

static void
reply_text (SoupServerMessage *msg,
            guint              status,
            const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

/* The account and the type a path under FILES_ROOT names: {account}/{name}.{TYPE}. */
static gboolean
parse_file_path (const char      *path,
                 char           **account_id,
                 ConfabFileType  *file_type)
{
  g_auto(GStrv) parts = NULL;
  const char *dot;

  if (!g_str_has_prefix (path, FILES_ROOT) || !confab_file_path_is_valid (path))
    return FALSE;

  parts = g_strsplit (path + strlen (FILES_ROOT), "/", 3);
  if (g_strv_length (parts) != 2 || (dot = strrchr (parts[1], '.')) == NULL)
    return FALSE;

  *file_type = confab_file_type_from_string (dot + 1);
  *account_id = g_uri_unescape_string (parts[0], NULL);
  return *account_id != NULL && confab_server_file_type_is_uploadable (*file_type);
}

gboolean
confab_server_files_put (ConfabServer    *self,
                         const char      *relative_path,
                         const char      *account_id,
                         ConfabFileType   file_type,
                         GBytes          *data,
                         GError         **error)
{
  ConfabStoredFile *old = confab_server_state_lookup_file (self->state, relative_path);
  gsize others = self->state->files_size - (old != NULL ? g_bytes_get_size (old->data) : 0);

  if (g_bytes_get_size (data) > CONFAB_FILE_UPLOAD_MAX_SIZE)
    {
      g_set_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID,
                   "A file is at most %d bytes", CONFAB_FILE_UPLOAD_MAX_SIZE);
      return FALSE;
    }
  if (others + g_bytes_get_size (data) > CONFAB_SERVER_FILES_MAX_SIZE)
    {
      g_set_error_literal (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NO_SPACE,
                           "The service's storage is full");
      return FALSE;
    }

  confab_server_state_put_file (self->state, relative_path, account_id, file_type, data,
                                confab_server_now_ms ());
  confab_server_schedule_save (self);
  return TRUE;
}

static void
handle_put (ConfabServer      *self,
            SoupServerMessage *msg,
            const char        *path)
{
  UploadBody *upload = g_object_get_data (G_OBJECT (msg), "confab-upload");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account_id = NULL;
  ConfabFileType file_type = CONFAB_FILE_TYPE_UNKNOWN;

  if (upload != NULL && upload->data == NULL)
    {
      reply_text (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "413 Request Entity Too Large");
      return;
    }

  if (upload != NULL)
    data = g_byte_array_free_to_bytes (g_steal_pointer (&upload->data));
  else
    data = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  if (!parse_file_path (path, &account_id, &file_type))
    {
      reply_text (msg, SOUP_STATUS_BAD_REQUEST, "400 Bad Request: not a file of this storage");
      return;
    }

  if (!confab_server_files_put (self, path, account_id, file_type, data, &error))
    {
      gboolean full = g_error_matches (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_NO_SPACE);

      reply_text (msg, full ? SOUP_STATUS_INSUFFICIENT_STORAGE : SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                  full ? "507 Insufficient Storage" : "413 Request Entity Too Large");
      return;
    }

  g_debug ("files: stored %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (data));
  reply_text (msg, SOUP_STATUS_CREATED, "");
}

static void
handle_get (ConfabServer      *self,
            SoupServerMessage *msg,
            const char        *path)
{
  ConfabStoredFile *file = confab_server_state_lookup_file (self->state, path);

  if (file == NULL)
    {
      reply_text (msg, SOUP_STATUS_NOT_FOUND, "404 Not Found");
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         mime_type_for (file->file_type), NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), file->data);
}

/* The SoupServer handler of /v1: PUT and GET with a temporary signature. */
void
confab_server_files_handle (SoupServer        *server,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query,
                            gpointer           user_data)
{
  ConfabServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *problem;

  if (!g_str_equal (method, SOUP_METHOD_PUT) && !g_str_equal (method, SOUP_METHOD_GET))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, PUT");
      reply_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "405 Method Not Allowed");
      return;
    }

  problem = check_signature (self, method, path, query);
  if (problem != NULL)
    {
      g_debug ("files: %s refused (%s)", method, problem);
      reply_text (msg, SOUP_STATUS_UNAUTHORIZED, problem);
      return;
    }

  if (g_str_equal (method, SOUP_METHOD_PUT))
    handle_put (self, msg, path);
  else
    handle_get (self, msg, path);
}

static void
upload_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     UploadBody        *body)
{
  if (body->data == NULL)
    return;

  if (body->data->len + g_bytes_get_size (chunk) > CONFAB_FILE_UPLOAD_MAX_SIZE)
    {
      /* Read on and dropped, so that the answer can still be sent. */
      g_clear_pointer (&body->data, g_byte_array_unref);
      return;
    }

  g_byte_array_append (body->data, g_bytes_get_data (chunk, NULL), (guint) g_bytes_get_size (chunk));
}

/* The early handler of /v1: an upload that says it is too large is refused before its body
 * is read; one that does not say is kept chunk by chunk, never beyond the limit. */
void
confab_server_files_early (SoupServer        *server,
                           SoupServerMessage *msg,
                           const char        *path,
                           GHashTable        *query,
                           gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  UploadBody *body;

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_PUT))
    return;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > CONFAB_FILE_UPLOAD_MAX_SIZE)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      reply_text (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "413 Request Entity Too Large");
      return;
    }

  body = g_new0 (UploadBody, 1);
  body->data = g_byte_array_new ();
  g_object_set_data_full (G_OBJECT (msg), "confab-upload", body, (GDestroyNotify) upload_body_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_got_chunk_cb), body);
}

GBytes *
confab_server_dup_file (ConfabServer *self,
                        const char   *relative_path)
{
  ConfabStoredFile *file;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);

  file = confab_server_state_lookup_file (self->state, relative_path);
  return file != NULL ? g_bytes_ref (file->data) : NULL;
}

/* Images */

static gboolean
image_name_is_valid (const char *name)
{
  if (name == NULL || *name == '\0' || *name == '.' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

void
confab_server_add_image (ConfabServer *self,
                         const char   *name,
                         GBytes       *png)
{
  g_return_if_fail (CONFAB_IS_SERVER (self));
  g_return_if_fail (image_name_is_valid (name));
  g_return_if_fail (png != NULL);

  g_hash_table_replace (self->images, g_strdup (name), g_bytes_ref (png));
}

char *
confab_server_dup_image_url (ConfabServer *self,
                             const char   *name)
{
  g_autofree char *base_url = NULL;

  g_return_val_if_fail (CONFAB_IS_SERVER (self), NULL);
  g_return_val_if_fail (image_name_is_valid (name), NULL);

  base_url = confab_server_dup_base_url (self);
  return g_strconcat (base_url, IMAGES_ROOT, name, NULL);
}

/* The SoupServer handler of /images: GET, no signature. */
void
confab_server_images_handle (SoupServer        *server,
                             SoupServerMessage *msg,
                             const char        *path,
                             GHashTable        *query,
                             gpointer           user_data)
{
  ConfabServer *self = user_data;
  GBytes *png = NULL;

  if (g_str_has_prefix (path, IMAGES_ROOT))
    png = g_hash_table_lookup (self->images, path + strlen (IMAGES_ROOT));

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_GET))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
      reply_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "405 Method Not Allowed");
    }
  else if (png == NULL)
    {
      reply_text (msg, SOUP_STATUS_NOT_FOUND, "404 Not Found");
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "image/png", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), png);
    }
}
