/* confab-files.h: hosted files (photos and documents) and their temporary URLs
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file is sent in three steps: ms.GenerateURLForUploadFile gives a relative path and a
 * temporary signature, the bytes go to LivePerson's storage with an HTTP PUT, and a
 * ContentEvent of type hosted/file names the path. Receiving takes
 * ms.GenerateURLForDownloadFile and a GET. This file reads and writes the JSON of those
 * steps; the HTTP is done elsewhere.
 *
 * Checks on a received hosted file:
 * - relativePath must be an absolute path (see confab_file_path_is_valid()); a message
 *   without one is not a usable file.
 * - fileType is read without regard to case; a value Confab does not know is kept in
 *   file_type_name (letters and digits only, at most 16) with type UNKNOWN.
 * - preview is kept only as a base64 data URL of a PNG, JPEG or GIF image of at most
 *   CONFAB_FILE_PREVIEW_MAX_SIZE bytes; any other preview is refused (preview NULL,
 *   preview_refused set).
 * - caption is cut to CONFAB_FILE_CAPTION_MAX_CHARS characters.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "confab-json.h"

G_BEGIN_DECLS

/* Documented upload limits: 3 MB a file, preview under 30 KB. */
#define CONFAB_FILE_UPLOAD_MAX_SIZE          (3 * 1024 * 1024)
#define CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE  (30 * 1000)

/* Confab's limits on what it receives. */
#define CONFAB_FILE_PREVIEW_MAX_SIZE         (64 * 1024)
#define CONFAB_FILE_PATH_MAX_SIZE            1024
#define CONFAB_FILE_CAPTION_MAX_CHARS        5000
#define CONFAB_FILE_TYPE_NAME_MAX_CHARS      16
#define CONFAB_FILE_URL_PARAM_MAX_SIZE       1024

typedef enum {
  CONFAB_FILE_TYPE_UNKNOWN,
  CONFAB_FILE_TYPE_IMG,
  CONFAB_FILE_TYPE_JPG,
  CONFAB_FILE_TYPE_JPEG,
  CONFAB_FILE_TYPE_PNG,
  CONFAB_FILE_TYPE_GIF,
  CONFAB_FILE_TYPE_TXT,
  CONFAB_FILE_TYPE_PDF,
} ConfabFileType;

/* The message of a hosted/file ContentEvent. Reference counted; not changed once parsed. */
typedef struct {
  char *caption;            /* may be NULL */
  char *relative_path;      /* never NULL, a valid path */
  ConfabFileType file_type;
  char *file_type_name;     /* as sent, NULL when missing or not a plain word */
  char *preview;            /* data:image/…;base64,… or NULL */
  gboolean preview_refused; /* a preview was sent but is not kept */
} ConfabHostedFile;

/* The answer to either GenerateURL request: where the file is, and the temporary
 * signature that lets one PUT or GET it. */
typedef struct {
  char *relative_path;
  char *signature;          /* queryParams.temp_url_sig */
  char *expires;            /* queryParams.temp_url_expires, as sent (epoch seconds) */
} ConfabFileUrl;

const char     *confab_file_type_to_string   (ConfabFileType type);
ConfabFileType  confab_file_type_from_string (const char *str);
gboolean        confab_file_type_is_image    (ConfabFileType type);

gboolean confab_file_path_is_valid    (const char *path);
gboolean confab_file_preview_is_valid (const char *preview);

/* Hosted files */

ConfabHostedFile *confab_hosted_file_parse   (JsonNode *message,
                                              GError  **error);
/* caption may be empty; preview NULL or valid */
ConfabHostedFile *confab_hosted_file_new     (const char     *caption,
                                              const char     *relative_path,
                                              ConfabFileType  file_type,
                                              const char     *preview);
ConfabHostedFile *confab_hosted_file_ref     (ConfabHostedFile *file);
void              confab_hosted_file_unref   (ConfabHostedFile *file);
/* {"caption":…,"relativePath":…,"fileType":…,"preview":…}, members only when set */
JsonNode         *confab_hosted_file_to_json (const ConfabHostedFile *file);
gboolean          confab_hosted_file_equal   (const ConfabHostedFile *a,
                                              const ConfabHostedFile *b);
/* The preview's image bytes, or NULL */
GBytes           *confab_hosted_file_dup_preview_bytes (const ConfabHostedFile *file);

GType confab_hosted_file_get_type (void) G_GNUC_CONST;
#define CONFAB_TYPE_HOSTED_FILE (confab_hosted_file_get_type ())

/* The bodies of the GenerateURL requests, as the local service reads them. fileSize may be
 * a string (the schema) or a number (the tutorials). */
gboolean confab_parse_upload_url_request   (JsonNode       *body,
                                            gint64         *file_size,
                                            ConfabFileType *file_type,
                                            GError        **error);
char    *confab_parse_download_url_request (JsonNode       *body,
                                            GError        **error);

/* Temporary URLs */

ConfabFileUrl *confab_file_url_new     (const char *relative_path,
                                        const char *signature,
                                        const char *expires);
void           confab_file_url_free    (ConfabFileUrl *url);
/* The answer's body: {"relativePath":…,"queryParams":{"temp_url_sig":…,"temp_url_expires":…}} */
JsonNode      *confab_file_url_to_json (const ConfabFileUrl *url);
/* https://{storage_host}{relativePath}?temp_url_sig=…&temp_url_expires=…, or NULL when
 * storage_host is not a host name (with an optional port) */
char          *confab_file_url_build   (const ConfabFileUrl *url,
                                        const char          *storage_host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabHostedFile, confab_hosted_file_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabFileUrl, confab_file_url_free)

G_END_DECLS
