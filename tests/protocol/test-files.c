/* test-files.c: hosted files, the GenerateURL requests and their temporary URLs
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "confab-protocol.h"
#include "confab-test-util.h"

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = confab_json_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  return node;
}

static char *
to_text (JsonNode *node)
{
  char *text = confab_json_to_string (node);

  json_node_unref (node);
  return text;
}

static void
test_documented (void)
{
  /* the file-sharing tutorial's publish */
  g_autoptr(JsonNode) message = json ("{\"caption\":\"LivePerson logo\",\"relativePath\":\"/v1/AUTH_async-images/1234/8a66c819.PNG\","
                                      "\"fileType\":\"PNG\",\"preview\":\"data:image/png;base64,iVBORw0KGgo=\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHostedFile) file = confab_hosted_file_parse (message, &error);
  g_autoptr(GBytes) preview = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) again_node = NULL;
  g_autoptr(ConfabHostedFile) again = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (file);
  g_assert_cmpstr (file->caption, ==, "LivePerson logo");
  g_assert_cmpstr (file->relative_path, ==, "/v1/AUTH_async-images/1234/8a66c819.PNG");
  g_assert_cmpint (file->file_type, ==, CONFAB_FILE_TYPE_PNG);
  g_assert_cmpstr (file->file_type_name, ==, "PNG");
  g_assert_cmpstr (file->preview, ==, "data:image/png;base64,iVBORw0KGgo=");
  g_assert_false (file->preview_refused);

  preview = confab_hosted_file_dup_preview_bytes (file);
  g_assert_nonnull (preview);
  g_assert_cmpmem (g_bytes_get_data (preview, NULL), g_bytes_get_size (preview), "\x89PNG\r\n\x1a\n", 8);

  text = to_text (confab_hosted_file_to_json (file));
  g_assert_cmpstr (text, ==, "{\"caption\":\"LivePerson logo\",\"relativePath\":\"/v1/AUTH_async-images/1234/8a66c819.PNG\","
                             "\"fileType\":\"PNG\",\"preview\":\"data:image/png;base64,iVBORw0KGgo=\"}");
  again_node = json (text);
  again = confab_hosted_file_parse (again_node, NULL);
  g_assert_true (confab_hosted_file_equal (file, again));
  g_assert_false (confab_hosted_file_equal (file, NULL));
}

static void
test_paths (void)
{
  const char *good[] = {
    "/v1/AUTH_async-images/ACCT/8a66c819.PNG",
    "/a",
    "/a/b.c/d~e_f-g",
    "/a%20b/%C3%A9",
    "/x:y@z!$&'()*+,;=",
  };
  g_autofree char *a_run = g_strnfill (CONFAB_FILE_PATH_MAX_SIZE, 'a');
  g_autofree char *too_long = g_strconcat ("/", a_run, NULL);
  g_autofree char *longest = g_strndup (too_long, CONFAB_FILE_PATH_MAX_SIZE);
  const char *bad[] = {
    NULL, "", "/", "relative/path", "//evil.example/x", "/a//b", "/a/", "/a/../b", "/..", "/a/./b",
    "/a?temp_url_sig=x", "/a#frag", "/a b", "/a\nb", "/a\\b", "/%zz", "/%4", "/caf\xc3\xa9",
    "https://evil.example/x", too_long,
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (confab_file_path_is_valid (good[i]));
  g_assert_true (confab_file_path_is_valid (longest));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (confab_file_path_is_valid (bad[i]));
}

static void
test_hostile (void)
{
  const char *unusable[] = {
    "[]", "\"a string\"", "{}", "{\"relativePath\":42}", "{\"relativePath\":\"/a/../../etc/passwd\"}",
    "{\"caption\":\"x\",\"relativePath\":\"//evil.example/x\",\"fileType\":\"PNG\"}",
  };
  g_autofree char *long_caption = g_strnfill (CONFAB_FILE_CAPTION_MAX_CHARS + 10, 'c');
  g_autofree char *a_run = g_strnfill (CONFAB_FILE_PREVIEW_MAX_SIZE, 'A');
  g_autofree char *huge_preview = g_strconcat ("data:image/png;base64,", a_run, NULL);
  const struct {
    const char *type;
    const char *preview;
    ConfabFileType file_type;
    const char *type_name;
    gboolean refused;
  } cases[] = {
    { "\"png\"", "\"data:image/jpeg;base64,/9j/4AAQ\"", CONFAB_FILE_TYPE_PNG, "png", FALSE },
    { "\"DOCX\"", "\"data:image/gif;base64,R0lGODlh\"", CONFAB_FILE_TYPE_UNKNOWN, "DOCX", FALSE },
    { "\"pdf; rm -rf\"", "\"data:image/svg+xml;base64,PHN2Zz4=\"", CONFAB_FILE_TYPE_UNKNOWN, NULL, TRUE },
    { "\"THISISAVERYLONGTYPENAME\"", "\"data:text/html;base64,PGI+\"", CONFAB_FILE_TYPE_UNKNOWN, NULL, TRUE },
    { "7", "\"data:image/png;base64,not base64!\"", CONFAB_FILE_TYPE_UNKNOWN, NULL, TRUE },
    { "\"JPEG\"", "\"data:image/png;base64,AAA\"", CONFAB_FILE_TYPE_JPEG, "JPEG", TRUE },
    { "\"GIF\"", "\"data:image/png;base64,\"", CONFAB_FILE_TYPE_GIF, "GIF", TRUE },
    { "\"TXT\"", "{\"url\":\"x\"}", CONFAB_FILE_TYPE_TXT, "TXT", TRUE },
    { "\"IMG\"", "\"https://a.example/p.png\"", CONFAB_FILE_TYPE_IMG, "IMG", TRUE },
    { "\"JPG\"", NULL, CONFAB_FILE_TYPE_JPG, "JPG", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (unusable); i++)
    {
      g_autoptr(JsonNode) node = json (unusable[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (confab_hosted_file_parse (node, &error));
      g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"relativePath\":\"/a/b\",\"fileType\":%s%s%s}", cases[i].type,
                                               cases[i].preview ? ",\"preview\":" : "", cases[i].preview ? cases[i].preview : "");
      g_autoptr(JsonNode) node = json (text);
      g_autoptr(ConfabHostedFile) file = confab_hosted_file_parse (node, NULL);
      g_autofree char *written = NULL;
      g_autoptr(JsonNode) again_node = NULL;
      g_autoptr(ConfabHostedFile) again = NULL;

      g_assert_nonnull (file);
      g_assert_null (file->caption);
      g_assert_cmpint (file->file_type, ==, cases[i].file_type);
      g_assert_cmpstr (file->file_type_name, ==, cases[i].type_name);
      g_assert_true (file->preview_refused == cases[i].refused);
      g_assert_true ((file->preview == NULL) == (cases[i].refused || cases[i].preview == NULL));

      written = to_text (confab_hosted_file_to_json (file));
      again_node = json (written);
      again = confab_hosted_file_parse (again_node, NULL);
      g_assert_true (confab_hosted_file_equal (file, again));
    }

  /* a long caption is cut; a preview over the size limit is refused */
  {
    g_autofree char *text = g_strdup_printf ("{\"caption\":\"%s\",\"relativePath\":\"/a\",\"preview\":\"%s\"}", long_caption, huge_preview);
    g_autoptr(JsonNode) node = json (text);
    g_autoptr(ConfabHostedFile) file = confab_hosted_file_parse (node, NULL);

    g_assert_cmpuint (strlen (file->caption), ==, CONFAB_FILE_CAPTION_MAX_CHARS);
    g_assert_null (file->preview);
    g_assert_true (file->preview_refused);
    g_assert_null (confab_hosted_file_dup_preview_bytes (file));
  }
}

static void
test_new (void)
{
  g_autoptr(ConfabHostedFile) file = confab_hosted_file_new ("", "/v1/x/y.JPG", CONFAB_FILE_TYPE_JPEG, NULL);
  g_autofree char *text = to_text (confab_hosted_file_event_to_json (file));
  ConfabHostedFile *copy = g_boxed_copy (CONFAB_TYPE_HOSTED_FILE, file);

  g_assert_cmpstr (text, ==,
                   "{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\","
                   "\"message\":{\"caption\":\"\",\"relativePath\":\"/v1/x/y.JPG\",\"fileType\":\"JPEG\"}}");
  g_assert_true (copy == file);
  g_boxed_free (CONFAB_TYPE_HOSTED_FILE, copy);

  for (ConfabFileType type = CONFAB_FILE_TYPE_IMG; type <= CONFAB_FILE_TYPE_PDF; type++)
    g_assert_cmpint (confab_file_type_from_string (confab_file_type_to_string (type)), ==, type);
  g_assert_null (confab_file_type_to_string (CONFAB_FILE_TYPE_UNKNOWN));
  g_assert_true (confab_file_type_is_image (CONFAB_FILE_TYPE_GIF));
  g_assert_false (confab_file_type_is_image (CONFAB_FILE_TYPE_PDF));
  g_assert_false (confab_file_type_is_image (CONFAB_FILE_TYPE_UNKNOWN));
}

/* The request bodies as the local service reads them: fileSize as the schema's string or
 * the tutorials' number. */
static void
test_upload_request (void)
{
  const struct {
    const char *body;
    gboolean ok;
    gint64 size;
    ConfabFileType type;
  } cases[] = {
    { "{\"fileSize\":\"1000\",\"fileType\":\"PNG\"}", TRUE, 1000, CONFAB_FILE_TYPE_PNG },
    { "{\"fileSize\":3145728,\"fileType\":\"jpeg\"}", TRUE, 3145728, CONFAB_FILE_TYPE_JPEG },
    { "{\"fileSize\":12.0,\"fileType\":\"GIF\"}", TRUE, 12, CONFAB_FILE_TYPE_GIF },
    { "{\"fileSize\":\"0\",\"fileType\":\"PNG\"}", FALSE, 0, 0 },
    { "{\"fileSize\":\"-5\",\"fileType\":\"PNG\"}", FALSE, 0, 0 },
    { "{\"fileSize\":\"big\",\"fileType\":\"PNG\"}", FALSE, 0, 0 },
    { "{\"fileSize\":\"10\",\"fileType\":\"EXE\"}", FALSE, 0, 0 },
    { "{\"fileSize\":\"10\"}", FALSE, 0, 0 },
    { "\"body\"", FALSE, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) body = json (cases[i].body);
      g_autoptr(GError) error = NULL;
      gint64 size = -1;
      ConfabFileType type = CONFAB_FILE_TYPE_UNKNOWN;

      g_assert_true (confab_parse_upload_url_request (body, &size, &type, &error) == cases[i].ok);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpint (size, ==, cases[i].size);
          g_assert_cmpint (type, ==, cases[i].type);
        }
      else
        {
          g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
          g_assert_cmpint (size, ==, -1);
        }
    }

  /* what the client sends reads back */
  {
    g_autoptr(JsonNode) body = confab_upload_url_body (2048, CONFAB_FILE_TYPE_JPG);
    gint64 size = 0;
    ConfabFileType type = CONFAB_FILE_TYPE_UNKNOWN;

    g_assert_true (confab_parse_upload_url_request (body, &size, &type, NULL));
    g_assert_cmpint (size, ==, 2048);
    g_assert_cmpint (type, ==, CONFAB_FILE_TYPE_JPG);
  }
}

static void
test_download_request (void)
{
  g_autoptr(JsonNode) good = confab_download_url_body ("/v1/a/b.png");
  g_autoptr(JsonNode) bad = json ("{\"relativePath\":\"/v1/../secret\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = confab_parse_download_url_request (good, NULL);

  g_assert_cmpstr (path, ==, "/v1/a/b.png");
  g_assert_null (confab_parse_download_url_request (bad, &error));
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (confab_parse_download_url_request (NULL, &error));
  g_assert_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED);
}

static void
test_file_url (void)
{
  g_autoptr(ConfabFileUrl) url = confab_file_url_new ("/v1/AUTH_async-images/1234/8a66.PNG", "6f52+a7/=&x", "1474973420");
  g_autofree char *body = to_text (confab_file_url_to_json (url));
  g_autofree char *built = confab_file_url_build (url, "swift.example.net");
  g_autofree char *with_port = confab_file_url_build (url, "127.0.0.1:8443");
  const char *bad_hosts[] = { NULL, "", "evil.example/x", "a@b", "host:0", "host:99999", ":443", "h st", "evil.example#" };

  g_assert_cmpstr (body, ==,
                   "{\"relativePath\":\"/v1/AUTH_async-images/1234/8a66.PNG\","
                   "\"queryParams\":{\"temp_url_sig\":\"6f52+a7/=&x\",\"temp_url_expires\":\"1474973420\"}}");
  g_assert_cmpstr (built, ==,
                   "https://swift.example.net/v1/AUTH_async-images/1234/8a66.PNG"
                   "?temp_url_sig=6f52%2Ba7%2F%3D%26x&temp_url_expires=1474973420");
  g_assert_cmpstr (with_port, ==,
                   "https://127.0.0.1:8443/v1/AUTH_async-images/1234/8a66.PNG"
                   "?temp_url_sig=6f52%2Ba7%2F%3D%26x&temp_url_expires=1474973420");
  for (guint i = 0; i < G_N_ELEMENTS (bad_hosts); i++)
    g_assert_null (confab_file_url_build (url, bad_hosts[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/files/documented", test_documented);
  g_test_add_func ("/protocol/files/paths", test_paths);
  g_test_add_func ("/protocol/files/hostile", test_hostile);
  g_test_add_func ("/protocol/files/new", test_new);
  g_test_add_func ("/protocol/files/upload-request", test_upload_request);
  g_test_add_func ("/protocol/files/download-request", test_download_request);
  g_test_add_func ("/protocol/files/file-url", test_file_url);

  return g_test_run ();
}
