/* test-server-files.c: hosted files: temporary URLs, the storage's PUT and GET, publishing
 * a file, images
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "server-test-util.h"

#include <string.h>

#include <glib/gstdio.h>

#include "confab-protocol.h"

/* The smallest PNG: one transparent pixel. */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
  0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
  0x42, 0x60, 0x82,
};

typedef ServerFixture Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  server_fixture_connect (fixture, test_server_new ());
  server_fixture_open (fixture);
}

static GBytes *
tiny_png_bytes (void)
{
  return g_bytes_new_static (tiny_png, sizeof tiny_png);
}

/* The answer of a GenerateURL request, read by the client's parser. */
static ConfabFileUrl *
request_url (TestClient *client,
             const char *type,
             JsonNode   *body,
             gint64     *code)
{
  g_autofree char *id = test_client_send (client, type, body);
  JsonObject *response = test_client_wait_response (client, id);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), response);
  g_autofree char *text = confab_json_to_string (node);
  g_autoptr(ConfabFrame) frame = confab_frame_parse (text, -1, NULL);

  g_assert_cmpstr (json_object_get_string_member (response, "type"), ==, CONFAB_RESP_GENERATE_URL);
  *code = test_response_code (response);
  return confab_parse_file_url (frame, NULL);
}

static ConfabFileUrl *
upload_url (Fixture        *fixture,
            gint64          size,
            ConfabFileType  type)
{
  gint64 code = 0;
  ConfabFileUrl *url = request_url (fixture->client, CONFAB_REQ_GENERATE_UPLOAD_URL,
                                    confab_upload_url_body (size, type), &code);

  g_assert_cmpint (code, ==, 200);
  g_assert_nonnull (url);
  return url;
}

static char *
full_url (ConfabServer *server,
          const char   *path,
          const char   *signature,
          const char   *expires)
{
  g_autofree char *base_url = confab_server_dup_base_url (server);
  g_autofree char *sig = g_uri_escape_string (signature, NULL, FALSE);

  return g_strdup_printf ("%s%s?temp_url_sig=%s&temp_url_expires=%s", base_url, path, sig, expires);
}

static guint
put (ConfabServer  *server,
     ConfabFileUrl *url,
     GBytes        *data)
{
  g_autofree char *address = full_url (server, url->relative_path, url->signature, url->expires);
  g_autoptr(GBytes) answer = NULL;
  guint status = 0;

  answer = test_http_bytes (address, "PUT", data, &status);
  return status;
}

static GBytes *
get (ConfabServer  *server,
     ConfabFileUrl *url,
     guint         *status)
{
  g_autofree char *address = full_url (server, url->relative_path, url->signature, url->expires);

  return test_http_bytes (address, "GET", NULL, status);
}

/* Upload URL, PUT, download URL, GET: the bytes come back as they went. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) png = tiny_png_bytes ();
  g_autoptr(ConfabFileUrl) up = upload_url (fixture, sizeof tiny_png, CONFAB_FILE_TYPE_PNG);
  g_autoptr(ConfabFileUrl) down = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) stored = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expires = g_ascii_strtoll (up->expires, NULL, 10);
  guint status = 0;
  gint64 code = 0;

  g_assert_true (g_str_has_prefix (up->relative_path, "/v1/AUTH_async-images/confab-local/"));
  g_assert_true (g_str_has_suffix (up->relative_path, ".PNG"));
  g_assert_cmpuint (strlen (up->signature), ==, 64);
  g_assert_cmpint (expires, >=, now + CONFAB_SERVER_FILE_URL_LIFETIME - 2);
  g_assert_cmpint (expires, <=, now + CONFAB_SERVER_FILE_URL_LIFETIME + 2);

  /* nothing there yet */
  g_assert_null (confab_server_dup_file (fixture->server, up->relative_path));

  g_assert_cmpuint (put (fixture->server, up, png), ==, 201);
  stored = confab_server_dup_file (fixture->server, up->relative_path);
  g_assert_true (g_bytes_equal (stored, png));

  down = request_url (fixture->client, CONFAB_REQ_GENERATE_DOWNLOAD_URL,
                      confab_download_url_body (up->relative_path), &code);
  g_assert_cmpint (code, ==, 200);
  g_assert_cmpstr (down->relative_path, ==, up->relative_path);
  g_assert_cmpstr (down->signature, !=, up->signature);

  got = get (fixture->server, down, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_bytes_equal (got, png));

  /* the tutorials send the size as a number, the schema as a string: both do */
  {
    g_autoptr(ConfabFileUrl) url = NULL;

    url = request_url (fixture->client, CONFAB_REQ_GENERATE_UPLOAD_URL,
                       test_json ("{\"fileSize\":1000,\"fileType\":\"JPEG\"}"), &code);
    g_assert_cmpint (code, ==, 200);
    g_assert_true (g_str_has_suffix (url->relative_path, ".JPEG"));
  }
}

static void
test_upload_url_hostile (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *too_big = g_strdup_printf ("{\"fileSize\":\"%d\",\"fileType\":\"PNG\"}", CONFAB_FILE_UPLOAD_MAX_SIZE + 1);
  const char *bad[] = {
    "{}",
    "{\"fileType\":\"PNG\"}",
    "{\"fileSize\":\"1000\"}",
    "{\"fileSize\":0,\"fileType\":\"PNG\"}",
    "{\"fileSize\":-5,\"fileType\":\"PNG\"}",
    "{\"fileSize\":\"lots\",\"fileType\":\"PNG\"}",
    "{\"fileSize\":1000,\"fileType\":\"PDF\"}",
    "{\"fileSize\":1000,\"fileType\":\"TXT\"}",
    "{\"fileSize\":1000,\"fileType\":\"EXE\"}",
    "{\"fileSize\":1000,\"fileType\":7}",
    too_big,
    "[]",
    "\"PNG\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      JsonObject *response = test_client_request_json (fixture->client, CONFAB_REQ_GENERATE_UPLOAD_URL, bad[i]);

      g_assert_cmpint (test_response_code (response), ==, 400);
      g_assert_cmpstr (json_object_get_string_member (response, "type"), ==, CONFAB_RESP_GENERATE_URL);
      g_assert_nonnull (test_frame_body_string (response));
    }

  /* exactly 3 MB is allowed */
  g_clear_pointer (&too_big, g_free);
  too_big = g_strdup_printf ("{\"fileSize\":\"%d\",\"fileType\":\"GIF\"}", CONFAB_FILE_UPLOAD_MAX_SIZE);
  g_assert_cmpint (test_response_code (test_client_request_json (fixture->client, CONFAB_REQ_GENERATE_UPLOAD_URL,
                                                                  too_big)), ==, 200);
}

static void
test_download_url_hostile (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GBytes) png = tiny_png_bytes ();
  g_autoptr(ConfabFileUrl) up = upload_url (fixture, sizeof tiny_png, CONFAB_FILE_TYPE_PNG);
  g_autofree char *other_account_path = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *other = NULL;

  g_assert_cmpuint (put (fixture->server, up, png), ==, 201);

  /* a file of another account, put there through the API */
  {
    g_autoptr(ConfabFileUrl) other_url = NULL;

    other_account_path = g_strdup ("/v1/AUTH_async-images/someone-else/f.PNG");
    other_url = confab_server_sign_file_url (fixture->server, "PUT", other_account_path, 60);
    g_assert_cmpuint (put (fixture->server, other_url, png), ==, 201);
  }

  missing = g_strconcat (up->relative_path, "x", NULL);
  other = g_strdup_printf ("{\"relativePath\":\"%s\"}", other_account_path);
  {
    g_autofree char *missing_body = g_strdup_printf ("{\"relativePath\":\"%s\"}", missing);
    const char *bad[] = {
      "{}",
      "{\"relativePath\":\"relative/path\"}",
      "{\"relativePath\":\"/v1/../etc/passwd\"}",
      "{\"relativePath\":\"/v1/a?b=c\"}",
      "{\"relativePath\":7}",
      missing_body,
      other,
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        JsonObject *response = test_client_request_json (fixture->client, CONFAB_REQ_GENERATE_DOWNLOAD_URL, bad[i]);

        g_assert_cmpint (test_response_code (response), ==, 400);
        g_assert_nonnull (test_frame_body_string (response));
      }
  }
}

/* A signature for one method, path and time only. */
static void
test_signatures (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) png = tiny_png_bytes ();
  g_autoptr(ConfabFileUrl) up = upload_url (fixture, sizeof tiny_png, CONFAB_FILE_TYPE_PNG);
  g_autoptr(ConfabFileUrl) other = upload_url (fixture, sizeof tiny_png, CONFAB_FILE_TYPE_PNG);
  g_autoptr(ConfabFileUrl) expired = confab_server_sign_file_url (fixture->server, "PUT", up->relative_path, -1);
  g_autoptr(ConfabFileUrl) for_get = confab_server_sign_file_url (fixture->server, "GET", up->relative_path, 60);
  g_autofree char *flipped = g_strdup (up->signature);
  g_autofree char *later = g_strdup_printf ("%" G_GINT64_FORMAT, g_ascii_strtoll (up->expires, NULL, 10) + 1);
  g_autofree char *base_url = confab_server_dup_base_url (fixture->server);
  struct {
    const char *path;
    const char *signature;
    const char *expires;
  } bad[] = {
    { up->relative_path, flipped, up->expires },            /* a wrong signature */
    { up->relative_path, up->signature, later },            /* another expiry */
    { up->relative_path, expired->signature, expired->expires },  /* expired */
    { up->relative_path, for_get->signature, for_get->expires },  /* signed for GET */
    { other->relative_path, up->signature, up->expires },   /* another file's */
    { up->relative_path, "", up->expires },
    { up->relative_path, up->signature, "soon" },
    { up->relative_path, up->signature, "-1" },
    { up->relative_path, up->signature, "99999999999999999999999" },
  };

  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *address = full_url (fixture->server, bad[i].path, bad[i].signature, bad[i].expires);
      g_autoptr(GBytes) answer = NULL;
      guint status = 0;

      answer = test_http_bytes (address, "PUT", png, &status);
      g_assert_cmpuint (status, ==, 401);
    }

  /* no signature at all */
  {
    g_autofree char *address = g_strconcat (base_url, up->relative_path, NULL);
    g_autoptr(GBytes) answer = NULL;
    guint status = 0;

    answer = test_http_bytes (address, "PUT", png, &status);
    g_assert_cmpuint (status, ==, 401);
    g_clear_pointer (&answer, g_bytes_unref);
    answer = test_http_bytes (address, "GET", NULL, &status);
    g_assert_cmpuint (status, ==, 401);
  }

  /* nothing was stored by any of them; the good one works, and cannot read */
  g_assert_null (confab_server_dup_file (fixture->server, up->relative_path));
  g_assert_cmpuint (put (fixture->server, up, png), ==, 201);
  {
    g_autoptr(GBytes) answer = NULL;
    guint status = 0;

    answer = get (fixture->server, up, &status);
    g_assert_cmpuint (status, ==, 401);
    g_clear_pointer (&answer, g_bytes_unref);
    answer = get (fixture->server, for_get, &status);
    g_assert_cmpuint (status, ==, 200);
  }

  /* a signed GET of a path with nothing there, and another method */
  {
    g_autoptr(ConfabFileUrl) nothing = confab_server_sign_file_url (fixture->server, "GET", other->relative_path, 60);
    g_autofree char *address = full_url (fixture->server, up->relative_path, for_get->signature, for_get->expires);
    g_autoptr(GBytes) answer = NULL;
    guint status = 0;

    answer = get (fixture->server, nothing, &status);
    g_assert_cmpuint (status, ==, 404);
    g_clear_pointer (&answer, g_bytes_unref);
    answer = test_http_bytes (address, "DELETE", NULL, &status);
    g_assert_cmpuint (status, ==, 405);
  }
}

typedef struct {
  GBytes *bytes;
  GError *error;
  gboolean done;
} SendData;

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendData *data = user_data;

  data->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &data->error);
  data->done = TRUE;
}

/* A PUT whose body is a stream of unknown length: sent in chunks. */
static guint
put_chunked (ConfabServer  *server,
             ConfabFileUrl *url,
             gsize          size,
             gboolean       expect_continue)
{
  g_autofree char *address = full_url (server, url->relative_path, url->signature, url->expires);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", address);
  g_autofree guint8 *data = g_malloc0 (size);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_steal_pointer (&data), size, g_free);
  SendData result = { NULL, NULL, FALSE };

  if (expect_continue)
    {
      /* the length said up front: refused before the body is sent */
      soup_message_set_request_body (msg, "image/png", stream, (gssize) size);
      soup_message_headers_set_expectations (soup_message_get_request_headers (msg), SOUP_EXPECTATION_CONTINUE);
    }
  else
    {
      soup_message_set_request_body (msg, "image/png", stream, -1);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &result);
  CONFAB_TEST_WAIT_UNTIL (result.done, 20000);
  g_clear_error (&result.error);
  g_clear_pointer (&result.bytes, g_bytes_unref);

  return soup_message_get_status (msg);
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConfabFileUrl) url = upload_url (fixture, CONFAB_FILE_UPLOAD_MAX_SIZE, CONFAB_FILE_TYPE_PNG);

  g_assert_cmpuint (put_chunked (fixture->server, url, CONFAB_FILE_UPLOAD_MAX_SIZE + 1, FALSE), ==, 413);
  g_assert_cmpuint (put_chunked (fixture->server, url, CONFAB_FILE_UPLOAD_MAX_SIZE + 1, TRUE), ==, 413);
  {
    g_autofree guint8 *big = g_malloc0 (CONFAB_FILE_UPLOAD_MAX_SIZE + 1);
    g_autoptr(GBytes) big_bytes = g_bytes_new (big, CONFAB_FILE_UPLOAD_MAX_SIZE + 1);

    /* with its length, but sent at once */
    g_assert_cmpuint (put (fixture->server, url, big_bytes), ==, 413);
  }
  g_assert_null (confab_server_dup_file (fixture->server, url->relative_path));

  /* exactly the limit, in chunks or not */
  g_assert_cmpuint (put_chunked (fixture->server, url, CONFAB_FILE_UPLOAD_MAX_SIZE, FALSE), ==, 201);
  g_assert_cmpuint (put_chunked (fixture->server, url, CONFAB_FILE_UPLOAD_MAX_SIZE, TRUE), ==, 201);
  {
    g_autoptr(GBytes) stored = confab_server_dup_file (fixture->server, url->relative_path);

    g_assert_cmpuint (g_bytes_get_size (stored), ==, CONFAB_FILE_UPLOAD_MAX_SIZE);
  }
}

static JsonObject *
publish_file (Fixture    *fixture,
              const char *message_json)
{
  g_autofree char *body = g_strdup_printf ("{\"dialogId\":\"%s\",\"conversationId\":\"%s\",\"event\":"
                                           "{\"type\":\"ContentEvent\",\"contentType\":\"hosted/file\",\"message\":%s}}",
                                           fixture->conversation_id, fixture->conversation_id, message_json);

  return test_client_request_json (fixture->client, CONFAB_REQ_PUBLISH_EVENT, body);
}

/* After the upload, the hosted/file message: checked by the protocol's parser, and kept as
 * its encoder writes it. */
static void
test_publish_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) png = tiny_png_bytes ();
  g_autoptr(ConfabFileUrl) up = upload_url (fixture, sizeof tiny_png, CONFAB_FILE_TYPE_PNG);
  g_autoptr(ConfabFileUrl) never_put = upload_url (fixture, sizeof tiny_png, CONFAB_FILE_TYPE_PNG);
  g_autofree char *preview = NULL;
  g_autofree char *big_preview = NULL;
  g_autofree char *good = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHostedFile) echoed = NULL;
  JsonObject *response;
  JsonObject *event;

  {
    g_autofree char *base64 = g_base64_encode (tiny_png, sizeof tiny_png);
    g_autofree char *padding = g_strnfill (CONFAB_FILE_UPLOAD_PREVIEW_MAX_SIZE, 'A');

    preview = g_strconcat ("data:image/png;base64,", base64, NULL);
    big_preview = g_strconcat ("data:image/png;base64,", padding, NULL);
  }

  g_assert_cmpuint (put (fixture->server, up, png), ==, 201);

  {
    g_autofree char *not_put = g_strdup_printf ("{\"caption\":\"x\",\"relativePath\":\"%s\",\"fileType\":\"PNG\"}",
                                                never_put->relative_path);
    g_autofree char *svg = g_strdup_printf ("{\"relativePath\":\"%s\",\"fileType\":\"PNG\","
                                            "\"preview\":\"data:image/svg+xml;base64,PHN2Zz4=\"}", up->relative_path);
    g_autofree char *too_big = g_strdup_printf ("{\"relativePath\":\"%s\",\"fileType\":\"PNG\",\"preview\":\"%s\"}",
                                                up->relative_path, big_preview);
    g_autofree char *exe = g_strdup_printf ("{\"relativePath\":\"%s\",\"fileType\":\"EXE\"}", up->relative_path);
    g_autofree char *no_type = g_strdup_printf ("{\"relativePath\":\"%s\"}", up->relative_path);
    const char *bad[] = {
      not_put, svg, too_big, exe, no_type,
      "{\"caption\":\"x\",\"fileType\":\"PNG\"}",
      "{\"relativePath\":\"/v1/../x.PNG\",\"fileType\":\"PNG\"}",
      "\"a string\"",
      "[]",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        response = publish_file (fixture, bad[i]);
        g_assert_cmpint (test_response_code (response), ==, 400);
      }
  }

  good = g_strdup_printf ("{\"caption\":\"Our logo\",\"relativePath\":\"%s\",\"fileType\":\"PNG\","
                          "\"preview\":\"%s\",\"extra\":\"dropped\"}", up->relative_path, preview);
  response = publish_file (fixture, good);
  g_assert_cmpint (test_response_code (response), ==, 200);

  changes = test_client_wait_changes (fixture->client, "ContentEvent", 1);
  event = json_object_get_object_member (g_ptr_array_index (changes, 0), "event");
  g_assert_false (json_object_has_member (json_object_get_object_member (event, "message"), "extra"));
  echoed = confab_hosted_file_parse (json_object_get_member (event, "message"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (echoed->caption, ==, "Our logo");
  g_assert_cmpstr (echoed->relative_path, ==, up->relative_path);
  g_assert_cmpint (echoed->file_type, ==, CONFAB_FILE_TYPE_PNG);
  g_assert_cmpstr (echoed->preview, ==, preview);
}

/* The agent sends a file: kept in the storage, named by a hosted/file message the consumer
 * can fetch. */
static void
test_agent_file (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) png = tiny_png_bytes ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(ConfabHostedFile) file = NULL;
  g_autoptr(ConfabFileUrl) down = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autofree char *path = NULL;
  guint status = 0;
  gint64 code = 0;
  gint64 sequence;

  sequence = confab_server_agent_send_file (fixture->server, fixture->conversation_id, png, CONFAB_FILE_TYPE_PNG,
                                            "A photo", NULL, &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sequence, >=, 0);

  changes = test_client_wait_changes (fixture->client, "ContentEvent", 1);
  file = confab_hosted_file_parse (json_object_get_member (json_object_get_object_member (g_ptr_array_index (changes, 0),
                                                                                          "event"), "message"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->relative_path, ==, path);

  down = request_url (fixture->client, CONFAB_REQ_GENERATE_DOWNLOAD_URL, confab_download_url_body (path), &code);
  g_assert_cmpint (code, ==, 200);
  got = get (fixture->server, down, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_bytes_equal (got, png));

  /* what a file cannot be */
  g_assert_cmpint (confab_server_agent_send_file (fixture->server, fixture->conversation_id, png, CONFAB_FILE_TYPE_PDF,
                                                  NULL, NULL, NULL, &error), ==, -1);
  g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (confab_server_agent_send_file (fixture->server, fixture->conversation_id, png, CONFAB_FILE_TYPE_PNG,
                                                  NULL, "data:image/svg+xml;base64,PHN2Zz4=", NULL, &error), ==, -1);
  g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autofree guint8 *big = g_malloc0 (CONFAB_FILE_UPLOAD_MAX_SIZE + 1);
    g_autoptr(GBytes) big_bytes = g_bytes_new (big, CONFAB_FILE_UPLOAD_MAX_SIZE + 1);

    g_assert_cmpint (confab_server_agent_send_file (fixture->server, fixture->conversation_id, big_bytes,
                                                    CONFAB_FILE_TYPE_PNG, NULL, NULL, NULL, &error), ==, -1);
    g_assert_error (error, CONFAB_SERVER_ERROR, CONFAB_SERVER_ERROR_INVALID);
  }
}

static void
test_csds_swift (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *base_url = confab_server_dup_base_url (fixture->server);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = test_http (fixture->server, "GET", "/api/account/confab-local/service/swift/baseURI.json?version=1.0",
                      NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "service"), ==, "swift");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "baseURI"), ==, base_url);
}

static void
test_images (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GBytes) png = tiny_png_bytes ();
  g_autofree char *url = NULL;
  g_autofree char *base_url = confab_server_dup_base_url (fixture->server);
  g_autofree char *missing = g_strconcat (base_url, "/images/nothing.png", NULL);
  g_autoptr(GBytes) got = NULL;
  guint status = 0;

  confab_server_add_image (fixture->server, "dot.png", png);
  url = confab_server_dup_image_url (fixture->server, "dot.png");
  {
    g_autofree char *expected = g_strconcat (base_url, "/images/dot.png", NULL);

    g_assert_cmpstr (url, ==, expected);
  }

  got = test_http_bytes (url, "GET", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_bytes_equal (got, png));
  g_clear_pointer (&got, g_bytes_unref);

  got = test_http_bytes (missing, "GET", NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&got, g_bytes_unref);
  got = test_http_bytes (url, "PUT", png, &status);
  g_assert_cmpuint (status, ==, 405);
}

/* Files are in the state file, and come back after a restart; /control/state lists them
 * without their bytes. */
static void
test_files_saved (void)
{
  g_autofree char *dir = g_dir_make_tmp ("confab-files-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autoptr(GBytes) png = tiny_png_bytes ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(ConfabFileUrl) url = NULL;
  g_autofree char *file_path = g_strdup ("/v1/AUTH_async-images/confab-local/kept.GIF");
  ConfabServer *server = confab_server_new ();
  JsonObject *listed;

  g_assert_true (confab_server_load_state (server, path, &error));
  g_assert_true (confab_server_listen (server, 0, &error));
  url = confab_server_sign_file_url (server, "PUT", file_path, 60);
  g_assert_cmpuint (put (server, url, png), ==, 201);

  state = confab_server_dup_state (server);
  listed = json_array_get_object_element (json_object_get_array_member (json_node_get_object (state), "files"), 0);
  g_assert_cmpstr (json_object_get_string_member (listed, "relativePath"), ==, file_path);
  g_assert_cmpstr (json_object_get_string_member (listed, "fileType"), ==, "GIF");
  g_assert_cmpint (json_object_get_int_member (listed, "size"), ==, sizeof tiny_png);
  g_assert_false (json_object_has_member (listed, "data"));
  test_server_free (server);

  server = confab_server_new ();
  g_assert_true (confab_server_load_state (server, path, &error));
  g_assert_no_error (error);
  stored = confab_server_dup_file (server, file_path);
  g_assert_nonnull (stored);
  g_assert_true (g_bytes_equal (stored, png));
  test_server_free (server);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/files/round-trip", Fixture, NULL, fixture_setup, test_round_trip, server_fixture_teardown);
  g_test_add ("/server/files/upload-url-hostile", Fixture, NULL, fixture_setup, test_upload_url_hostile, server_fixture_teardown);
  g_test_add ("/server/files/download-url-hostile", Fixture, NULL, fixture_setup, test_download_url_hostile, server_fixture_teardown);
  g_test_add ("/server/files/signatures", Fixture, NULL, fixture_setup, test_signatures, server_fixture_teardown);
  g_test_add ("/server/files/too-large", Fixture, NULL, fixture_setup, test_too_large, server_fixture_teardown);
  g_test_add ("/server/files/publish", Fixture, NULL, fixture_setup, test_publish_file, server_fixture_teardown);
  g_test_add ("/server/files/agent-file", Fixture, NULL, fixture_setup, test_agent_file, server_fixture_teardown);
  g_test_add ("/server/files/csds-swift", Fixture, NULL, fixture_setup, test_csds_swift, server_fixture_teardown);
  g_test_add ("/server/files/images", Fixture, NULL, fixture_setup, test_images, server_fixture_teardown);
  g_test_add_func ("/server/files/saved", test_files_saved);

  return g_test_run ();
}
