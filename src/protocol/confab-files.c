/* confab-files.c: hosted files (photos and documents) and their temporary URLs
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-files.h"

static const struct {
  ConfabFileType type;
  const char *name;
  gboolean image;
} file_types[] = {
  { CONFAB_FILE_TYPE_IMG, "IMG", TRUE },
  { CONFAB_FILE_TYPE_JPG, "JPG", TRUE },
  { CONFAB_FILE_TYPE_JPEG, "JPEG", TRUE },
  { CONFAB_FILE_TYPE_PNG, "PNG", TRUE },
  { CONFAB_FILE_TYPE_GIF, "GIF", TRUE },
  { CONFAB_FILE_TYPE_TXT, "TXT", FALSE },
  { CONFAB_FILE_TYPE_PDF, "PDF", FALSE },
};

/* Wire name, or NULL for CONFAB_FILE_TYPE_UNKNOWN. */
const char *
confab_file_type_to_string (ConfabFileType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_types); i++)
    if (file_types[i].type == type)
      return file_types[i].name;
  return NULL;
}

/* Without regard to case: "png" is PNG. */
ConfabFileType
confab_file_type_from_string (const char *str)
{
  if (str == NULL)
    return CONFAB_FILE_TYPE_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (file_types); i++)
    if (g_ascii_strcasecmp (str, file_types[i].name) == 0)
      return file_types[i].type;
  return CONFAB_FILE_TYPE_UNKNOWN;
}

gboolean
confab_file_type_is_image (ConfabFileType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_types); i++)
    if (file_types[i].type == type)
      return file_types[i].image;
  return FALSE;
}

/* RFC 3986 pchar without the percent sign, plus the slash */
static gboolean
is_path_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("-._~!$&'()*+,;=:@/", c) != NULL;
}

/**
 * confab_file_path_is_valid:
 * @path: (nullable): a relativePath
 *
 * Whether @path can be appended to the storage host as is: it starts with a slash, is at
 * most %CONFAB_FILE_PATH_MAX_SIZE bytes, holds only the characters of an URI path (with
 * well-formed percent escapes), and has no empty, "." or ".." segment. So it can neither
 * leave the storage host nor climb out of its directory, nor carry a query.
 *
 * Returns: %TRUE when it can be used
 */
gboolean
confab_file_path_is_valid (const char *path)
{
  gsize len;
  const char *segment;

  if (path == NULL || path[0] != '/')
    return FALSE;
  len = strlen (path);
  if (len > CONFAB_FILE_PATH_MAX_SIZE || len < 2)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (path[i] == '%')
        {
          if (i + 2 >= len || !g_ascii_isxdigit (path[i + 1]) || !g_ascii_isxdigit (path[i + 2]))
            return FALSE;
          i += 2;
        }
      else if (!is_path_char (path[i]))
        return FALSE;
    }

  segment = path + 1;
  for (;;)
    {
      const char *slash = strchr (segment, '/');
      gsize seg_len = slash != NULL ? (gsize) (slash - segment) : strlen (segment);

      if (seg_len == 0 ||
          (seg_len == 1 && segment[0] == '.') ||
          (seg_len == 2 && segment[0] == '.' && segment[1] == '.'))
        return FALSE;
      if (slash == NULL)
        return TRUE;
      segment = slash + 1;
    }
}

static gboolean
is_base64 (const char *data)
{
  gsize len = strlen (data);
  gsize padding = 0;

  if (len == 0 || len % 4 != 0)
    return FALSE;
  if (data[len - 1] == '=')
    padding = data[len - 2] == '=' ? 2 : 1;
  for (gsize i = 0; i < len - padding; i++)
    if (!g_ascii_isalnum (data[i]) && data[i] != '+' && data[i] != '/')
      return FALSE;
  return TRUE;
}

/* The data part of a preview data URL, or NULL */
static const char *
preview_data (const char *preview)
{
  static const char *const prefixes[] = {
    "data:image/png;base64,",
    "data:image/jpeg;base64,",
    "data:image/jpg;base64,",
    "data:image/gif;base64,",
  };

  if (preview == NULL || strlen (preview) > CONFAB_FILE_PREVIEW_MAX_SIZE)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize len = strlen (prefixes[i]);

      if (g_ascii_strncasecmp (preview, prefixes[i], len) == 0)
        return is_base64 (preview + len) ? preview + len : NULL;
    }
  return NULL;
}

/**
 * confab_file_preview_is_valid:
 * @preview: (nullable): a preview
 *
 * Returns: whether @preview is a base64 data URL of a PNG, JPEG or GIF image of at most
 *   %CONFAB_FILE_PREVIEW_MAX_SIZE bytes (SVG and other types are refused)
 */
gboolean
confab_file_preview_is_valid (const char *preview)
{
  return preview_data (preview) != NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Hosted files                                                                               */
/* ------------------------------------------------------------------------------------------ */

static void
hosted_file_clear (ConfabHostedFile *file)
{
  g_free (file->caption);
  g_free (file->relative_path);
  g_free (file->file_type_name);
  g_free (file->preview);
}

ConfabHostedFile *
confab_hosted_file_ref (ConfabHostedFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  return g_atomic_rc_box_acquire (file);
}

void
confab_hosted_file_unref (ConfabHostedFile *file)
{
  if (file != NULL)
    g_atomic_rc_box_release_full (file, (GDestroyNotify) hosted_file_clear);
}

G_DEFINE_BOXED_TYPE (ConfabHostedFile, confab_hosted_file, confab_hosted_file_ref, confab_hosted_file_unref)

static gboolean
is_word (const char *str)
{
  if (str == NULL || *str == '\0' || strlen (str) > CONFAB_FILE_TYPE_NAME_MAX_CHARS)
    return FALSE;
  for (const char *p = str; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/**
 * confab_hosted_file_parse:
 * @message: (nullable): the `message` of a hosted/file ContentEvent
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * Reads a hosted file under the rules at the top of confab-files.h.
 *
 * Returns: (transfer full) (nullable): the file, or %NULL when @message is not an object
 *   or has no valid relativePath
 */
ConfabHostedFile *
confab_hosted_file_parse (JsonNode *message,
                          GError  **error)
{
  ConfabHostedFile *file;
  JsonObject *object;
  const char *path;
  const char *type;
  JsonNode *preview;

  if (message == NULL || !JSON_NODE_HOLDS_OBJECT (message))
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Invalid file message: not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (message);

  path = confab_json_get_string (object, "relativePath");
  if (!confab_file_path_is_valid (path))
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Invalid file message: no valid relative path"));
      return NULL;
    }

  file = g_atomic_rc_box_new0 (ConfabHostedFile);
  file->relative_path = g_strdup (path);

  file->caption = confab_json_dup_string (object, "caption");
  if (file->caption != NULL && g_utf8_strlen (file->caption, -1) > CONFAB_FILE_CAPTION_MAX_CHARS)
    {
      char *cut = g_utf8_substring (file->caption, 0, CONFAB_FILE_CAPTION_MAX_CHARS);

      g_free (file->caption);
      file->caption = cut;
    }

  type = confab_json_get_string (object, "fileType");
  if (is_word (type))
    {
      file->file_type = confab_file_type_from_string (type);
      file->file_type_name = g_strdup (type);
    }

  preview = confab_json_get_node (object, "preview");
  if (preview != NULL)
    {
      const char *str = confab_json_node_get_string (preview);

      if (confab_file_preview_is_valid (str))
        file->preview = g_strdup (str);
      else
        file->preview_refused = TRUE;
    }

  return file;
}

/**
 * confab_hosted_file_new:
 * @caption: the caption, possibly empty
 * @relative_path: where the upload went, a valid path
 * @file_type: a known type
 * @preview: (nullable): a valid preview, or %NULL
 *
 * Returns: (transfer full): a file to publish
 */
ConfabHostedFile *
confab_hosted_file_new (const char     *caption,
                        const char     *relative_path,
                        ConfabFileType  file_type,
                        const char     *preview)
{
  ConfabHostedFile *file;

  g_return_val_if_fail (caption != NULL, NULL);
  g_return_val_if_fail (confab_file_path_is_valid (relative_path), NULL);
  g_return_val_if_fail (confab_file_type_to_string (file_type) != NULL, NULL);
  g_return_val_if_fail (preview == NULL || confab_file_preview_is_valid (preview), NULL);

  file = g_atomic_rc_box_new0 (ConfabHostedFile);
  file->caption = g_strdup (caption);
  file->relative_path = g_strdup (relative_path);
  file->file_type = file_type;
  file->file_type_name = g_strdup (confab_file_type_to_string (file_type));
  file->preview = g_strdup (preview);
  return file;
}

/**
 * confab_hosted_file_to_json:
 * @file: a file
 *
 * Returns: (transfer full): `{"caption":…,"relativePath":…,"fileType":…,"preview":…}`; the
 *   type as it arrived, caption and preview only when set
 */
JsonNode *
confab_hosted_file_to_json (const ConfabHostedFile *file)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *type;

  g_return_val_if_fail (file != NULL, NULL);

  type = file->file_type_name != NULL ? file->file_type_name : confab_file_type_to_string (file->file_type);

  json_builder_begin_object (builder);
  if (file->caption != NULL)
    {
      json_builder_set_member_name (builder, "caption");
      json_builder_add_string_value (builder, file->caption);
    }
  json_builder_set_member_name (builder, "relativePath");
  json_builder_add_string_value (builder, file->relative_path);
  if (type != NULL)
    {
      json_builder_set_member_name (builder, "fileType");
      json_builder_add_string_value (builder, type);
    }
  if (file->preview != NULL)
    {
      json_builder_set_member_name (builder, "preview");
      json_builder_add_string_value (builder, file->preview);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
confab_hosted_file_equal (const ConfabHostedFile *a,
                          const ConfabHostedFile *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->caption, b->caption) == 0 &&
         g_strcmp0 (a->relative_path, b->relative_path) == 0 &&
         a->file_type == b->file_type &&
         g_strcmp0 (a->file_type_name, b->file_type_name) == 0 &&
         g_strcmp0 (a->preview, b->preview) == 0;
}

GBytes *
confab_hosted_file_dup_preview_bytes (const ConfabHostedFile *file)
{
  const char *data;
  guchar *bytes;
  gsize len = 0;

  g_return_val_if_fail (file != NULL, NULL);

  data = preview_data (file->preview);
  if (data == NULL)
    return NULL;
  bytes = g_base64_decode (data, &len);
  return g_bytes_new_take (bytes, len);
}

/* ------------------------------------------------------------------------------------------ */
/* GenerateURL requests, as the service reads them                                            */
/* ------------------------------------------------------------------------------------------ */

/**
 * confab_parse_upload_url_request:
 * @body: (nullable): the body of an ms.GenerateURLForUploadFile request
 * @file_size: (out): the size in bytes, at least 1
 * @file_type: (out): a known type
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * Returns: whether the body names a size and a type Confab knows
 */
gboolean
confab_parse_upload_url_request (JsonNode       *body,
                                 gint64         *file_size,
                                 ConfabFileType *file_type,
                                 GError        **error)
{
  JsonObject *object = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  ConfabFileType type = confab_file_type_from_string (confab_json_get_string (object, "fileType"));
  gint64 size;

  if (!confab_json_lookup_int_lenient (object, "fileSize", &size) || size < 1)
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Upload request without a valid file size"));
      return FALSE;
    }
  if (type == CONFAB_FILE_TYPE_UNKNOWN)
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Upload request without a known file type"));
      return FALSE;
    }

  *file_size = size;
  *file_type = type;
  return TRUE;
}

/**
 * confab_parse_download_url_request:
 * @body: (nullable): the body of an ms.GenerateURLForDownloadFile request
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * Returns: (transfer full) (nullable): the relative path, checked by
 *   confab_file_path_is_valid()
 */
char *
confab_parse_download_url_request (JsonNode *body,
                                   GError  **error)
{
  JsonObject *object = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  const char *path = confab_json_get_string (object, "relativePath");

  if (!confab_file_path_is_valid (path))
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Download request without a valid relative path"));
      return NULL;
    }
  return g_strdup (path);
}

/* ------------------------------------------------------------------------------------------ */
/* Temporary URLs                                                                             */
/* ------------------------------------------------------------------------------------------ */

ConfabFileUrl *
confab_file_url_new (const char *relative_path,
                     const char *signature,
                     const char *expires)
{
  ConfabFileUrl *url;

  g_return_val_if_fail (confab_file_path_is_valid (relative_path), NULL);
  g_return_val_if_fail (signature != NULL, NULL);
  g_return_val_if_fail (expires != NULL, NULL);

  url = g_new0 (ConfabFileUrl, 1);
  url->relative_path = g_strdup (relative_path);
  url->signature = g_strdup (signature);
  url->expires = g_strdup (expires);
  return url;
}

void
confab_file_url_free (ConfabFileUrl *url)
{
  if (url == NULL)
    return;

  g_free (url->relative_path);
  g_free (url->signature);
  g_free (url->expires);
  g_free (url);
}

JsonNode *
confab_file_url_to_json (const ConfabFileUrl *url)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (url != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "relativePath");
  json_builder_add_string_value (builder, url->relative_path);
  json_builder_set_member_name (builder, "queryParams");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "temp_url_sig");
  json_builder_add_string_value (builder, url->signature);
  json_builder_set_member_name (builder, "temp_url_expires");
  json_builder_add_string_value (builder, url->expires);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* A DNS name or IPv4 address, with an optional port */
static gboolean
is_host (const char *host)
{
  const char *colon;

  if (host == NULL || *host == '\0' || strlen (host) > 255)
    return FALSE;

  colon = strchr (host, ':');
  for (const char *p = host; *p != '\0' && p != colon; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  if (colon == host)
    return FALSE;
  if (colon != NULL)
    {
      guint64 port;

      if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
        return FALSE;
    }
  return TRUE;
}

/**
 * confab_file_url_build:
 * @url: a temporary URL
 * @storage_host: the storage service's host, as the domain lookup gives it
 *
 * The signature and expiry are percent-encoded.
 *
 * Returns: (transfer full) (nullable): the address to PUT or GET, or %NULL when
 *   @storage_host is not a host name
 */
char *
confab_file_url_build (const ConfabFileUrl *url,
                       const char          *storage_host)
{
  g_autofree char *signature = NULL;
  g_autofree char *expires = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  if (!is_host (storage_host) || !confab_file_path_is_valid (url->relative_path))
    return NULL;

  signature = g_uri_escape_string (url->signature, NULL, FALSE);
  expires = g_uri_escape_string (url->expires, NULL, FALSE);
  return g_strdup_printf ("https://%s%s?temp_url_sig=%s&temp_url_expires=%s",
                          storage_host, url->relative_path, signature, expires);
}
