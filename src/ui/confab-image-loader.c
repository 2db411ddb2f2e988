/* confab-image-loader.c: images of rich messages, fetched once and kept on disk
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An image a brand sends is fetched over https (http only from this machine), at most
 * CONFAB_IMAGE_MAX_SIZE bytes of it, checked to be a PNG, JPEG or GIF by its first bytes,
 * decoded on a worker thread with gdk-pixbuf (never by a loader chosen from what the peer
 * says it is) and scaled down to CONFAB_IMAGE_MAX_SIDE. What was fetched is kept in
 * $XDG_CACHE_HOME/confab/images under a hash of its address, and the textures of this run
 * in memory, so a row scrolled back into view does not fetch again.
 *
 * The folder is kept under CONFAB_IMAGE_CACHE_MAX_SIZE: after each image written, the least
 * recently used go until it fits. A file's modification time says when it was last used: it
 * is set when the image is written and again whenever it is read back (the access time is
 * not kept on many systems, mounted noatime or relatime).
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <utime.h>

#include "confab-image-loader.h"
#include "confab-proxy-resolver.h"

/* Textures kept in memory; past this the oldest half goes. */
#define MEMORY_MAX 64
/* An image whose header claims more pixels than this is not decoded at all. */
#define MAX_PIXELS (32 * 1024 * 1024)
#define READ_CHUNK (64 * 1024)

G_DEFINE_QUARK (confab-image-error-quark, confab_image_error)

/* Only the names Confab gives: a SHA-256 in hex (not the temporary files of a write under way) */
#define CACHE_NAME_LENGTH 64

static SoupSession *http_session;
static guint64 cache_max_size = CONFAB_IMAGE_CACHE_MAX_SIZE;
static GMutex trim_lock;
static GHashTable *memory;      /* uri → GdkTexture */
static GQueue memory_order = G_QUEUE_INIT;  /* of uri (owned), oldest first */

gboolean
confab_image_loader_may_fetch (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *scheme, *host;

  if (uri == NULL || (parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL)) == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") != 0)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

char *
confab_image_loader_dup_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "confab", "images", NULL);
}

static char *
cache_path (const char *uri)
{
  g_autofree char *dir = confab_image_loader_dup_cache_dir ();
  g_autofree char *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);

  return g_build_filename (dir, name, NULL);
}

static gboolean
is_cache_name (const char *name)
{
  if (strlen (name) != CACHE_NAME_LENGTH)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static int
compare_last_used (gconstpointer a,
                   gconstpointer b)
{
  GFileInfo *info_a = *(GFileInfo * const *) a;
  GFileInfo *info_b = *(GFileInfo * const *) b;
  g_autoptr(GDateTime) used_a = g_file_info_get_modification_date_time (info_a);
  g_autoptr(GDateTime) used_b = g_file_info_get_modification_date_time (info_b);

  if (used_a == NULL || used_b == NULL)
    return (used_a != NULL) - (used_b != NULL);
  return g_date_time_compare (used_a, used_b);
}

/* On a worker thread, holding trim_lock: the least recently used images of the folder go
 * until what is left takes at most cache_max_size. */
static void
trim_cache_locked (const char *dir_path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint64 max = cache_max_size;
  guint64 total = 0;
  GFileInfo *info;

  children = g_file_enumerate_children (dir,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  if (children == NULL)
    {
      g_debug ("Could not look through the image cache: %s", error->message);
      return;
    }
  while ((info = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !is_cache_name (g_file_info_get_name (info)))
        {
          g_object_unref (info);
          continue;
        }
      total += (guint64) g_file_info_get_size (info);
      g_ptr_array_add (files, info);
    }
  if (total <= max)
    return;

  g_ptr_array_sort (files, compare_last_used);
  for (guint i = 0; i < files->len && total > max; i++)
    {
      GFileInfo *oldest = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir_path, g_file_info_get_name (oldest), NULL);

      /* gone already (another Confab): it takes no room either */
      if (g_unlink (path) == 0 || errno == ENOENT)
        total -= (guint64) g_file_info_get_size (oldest);
    }
  g_debug ("Image cache trimmed to %" G_GUINT64_FORMAT " bytes", total);
}

/* One trim at a time: two would count the same files and remove more than needed. */
static void
trim_cache (const char *dir_path)
{
  g_mutex_lock (&trim_lock);
  trim_cache_locked (dir_path);
  g_mutex_unlock (&trim_lock);
}

void
_confab_image_loader_reset_for_tests (guint64 cache_max)
{
  g_mutex_lock (&trim_lock);
  cache_max_size = cache_max > 0 ? cache_max : CONFAB_IMAGE_CACHE_MAX_SIZE;
  g_mutex_unlock (&trim_lock);
  g_clear_pointer (&memory, g_hash_table_unref);
  g_queue_clear_full (&memory_order, g_free);
}

static void
remember (const char *uri,
          GdkTexture *texture)
{
  if (memory == NULL)
    memory = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  if (g_hash_table_contains (memory, uri))
    return;

  if (g_hash_table_size (memory) >= MEMORY_MAX)
    while (g_hash_table_size (memory) > MEMORY_MAX / 2)
      {
        char *oldest = g_queue_pop_head (&memory_order);

        g_hash_table_remove (memory, oldest);
        g_free (oldest);
      }
  {
    char *key = g_strdup (uri);

    g_queue_push_tail (&memory_order, key);
    g_hash_table_insert (memory, key, g_object_ref (texture));
  }
}

/* Decoding, on a worker thread */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* The image's type by its first bytes, and its size where the header says it plainly;
 * NULL for anything else. */
static const char *
sniff (const guint8 *data,
       gsize         length,
       guint64      *pixels)
{
  *pixels = 0;
  if (length >= 24 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      *pixels = (guint64) read_be32 (data + 16) * read_be32 (data + 20);
      return "image/png";
    }
  if (length >= 10 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    {
      *pixels = (guint64) (data[6] | data[7] << 8) * (guint64) (data[8] | data[9] << 8);
      return "image/gif";
    }
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "image/jpeg";
  return NULL;
}

/* A JPEG says its size only once read this far; gdk-pixbuf scales it while decoding. */
static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  int side = MAX (width, height);

  if (side > CONFAB_IMAGE_MAX_SIDE)
    gdk_pixbuf_loader_set_size (loader,
                                MAX (1, (int) ((gint64) width * CONFAB_IMAGE_MAX_SIDE / side)),
                                MAX (1, (int) ((gint64) height * CONFAB_IMAGE_MAX_SIDE / side)));
}

static GdkTexture *
decode (GBytes  *bytes,
        GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  GdkPixbuf *pixbuf;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  const char *mime;
  guint64 pixels;
  int width, height, side;

  if (length > CONFAB_IMAGE_MAX_SIZE)
    {
      g_set_error (error, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_TOO_LARGE, "the image is over %d bytes",
                   CONFAB_IMAGE_MAX_SIZE);
      return NULL;
    }
  mime = sniff (data, length, &pixels);
  if (mime == NULL || pixels > MAX_PIXELS)
    {
      g_set_error (error, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_FORMAT,
                   mime == NULL ? "not a PNG, JPEG or GIF image" : "the image has too many pixels");
      return NULL;
    }

  loader = gdk_pixbuf_loader_new_with_mime_type (mime, error);
  if (loader == NULL)
    return NULL;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), NULL);
  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_FORMAT, "the image could not be decoded");
      return NULL;
    }

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  side = MAX (width, height);
  if (side > CONFAB_IMAGE_MAX_SIDE)
    {
      scaled = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) ((gint64) width * CONFAB_IMAGE_MAX_SIDE / side)),
                                        MAX (1, (int) ((gint64) height * CONFAB_IMAGE_MAX_SIDE / side)),
                                        GDK_INTERP_BILINEAR);
      pixbuf = scaled;
    }
  return gdk_texture_new_for_pixbuf (pixbuf);
}

static void
decode_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = decode (task_data, &error);

  if (texture != NULL)
    g_task_return_pointer (task, texture, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
confab_image_loader_decode_async (GBytes              *bytes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (bytes != NULL);

  g_task_set_source_tag (task, confab_image_loader_decode_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

GdkTexture *
confab_image_loader_decode_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Loading */

typedef struct
{
  char *uri;
  char *cache_path;
  SoupMessage *msg;
  GInputStream *stream;
  GByteArray *buffer;
  GBytes *fetched;     /* kept on disk once it decoded */
} Load;

static void
load_free (Load *load)
{
  g_free (load->uri);
  g_free (load->cache_path);
  g_clear_object (&load->msg);
  g_clear_object (&load->stream);
  g_clear_pointer (&load->buffer, g_byte_array_unref);
  g_clear_pointer (&load->fetched, g_bytes_unref);
  g_free (load);
}

/* On a worker thread: the copy on disk, if there is a good one (else NULL, no error). */
static void
cache_read_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  GStatBuf st;
  GdkTexture *texture;

  if (g_stat (load->cache_path, &st) != 0 || st.st_size > CONFAB_IMAGE_MAX_SIZE ||
      !g_file_get_contents (load->cache_path, &contents, &length, NULL))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  bytes = g_bytes_new_take (contents, length);
  texture = decode (bytes, &error);
  if (texture == NULL)
    {
      /* Not what was kept (cut short by a crash, or changed): fetched again. */
      g_debug ("Dropping a cached image: %s", error->message);
      g_unlink (load->cache_path);
    }
  /* used now: the last to go when the folder is trimmed */
  else if (g_utime (load->cache_path, NULL) != 0)
    g_debug ("Could not note the use of a cached image: %s", g_strerror (errno));
  g_task_return_pointer (task, texture, texture != NULL ? g_object_unref : NULL);
}

/* On a worker thread: decodes what was fetched and, when it is an image, keeps it. */
static void
fetched_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GError) write_error = NULL;
  g_autofree char *dir = g_path_get_dirname (load->cache_path);
  GError *error = NULL;
  GdkTexture *texture = decode (load->fetched, &error);

  if (texture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (load->cache_path, g_bytes_get_data (load->fetched, NULL),
                                 (gssize) g_bytes_get_size (load->fetched),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error))
    g_debug ("Could not keep an image on disk: %s",
             write_error != NULL ? write_error->message : g_strerror (errno));
  else
    trim_cache (dir);
  g_task_return_pointer (task, texture, g_object_unref);
}

static void
inner_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (texture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  remember (load->uri, texture);
  g_task_return_pointer (task, texture, g_object_unref);
}

static void read_next (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  GTask *inner;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (load->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      if (load->buffer->len > CONFAB_IMAGE_MAX_SIZE)
        {
          g_task_return_new_error (task, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_TOO_LARGE,
                                   "the image is over %d bytes", CONFAB_IMAGE_MAX_SIZE);
          return;
        }
      read_next (g_steal_pointer (&task));
      return;
    }

  load->fetched = g_byte_array_free_to_bytes (g_steal_pointer (&load->buffer));
  inner = g_task_new (NULL, g_task_get_cancellable (task), inner_done_cb, g_object_ref (task));
  g_task_set_task_data (inner, load, NULL);
  g_task_run_in_thread (inner, fetched_thread);
  g_object_unref (inner);
}

static void
read_next (GTask *task)
{
  Load *load = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (load->stream, READ_CHUNK, G_PRIORITY_LOW, g_task_get_cancellable (task),
                                   read_cb, task);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;
  goffset announced;

  load->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (load->stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (soup_message_get_status (load->msg) != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_HTTP, "answered %u",
                               soup_message_get_status (load->msg));
      return;
    }
  announced = soup_message_headers_get_content_length (soup_message_get_response_headers (load->msg));
  if (announced > CONFAB_IMAGE_MAX_SIZE)
    {
      g_task_return_new_error (task, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_TOO_LARGE,
                               "the image is over %d bytes", CONFAB_IMAGE_MAX_SIZE);
      return;
    }
  load->buffer = g_byte_array_new ();
  read_next (g_steal_pointer (&task));
}

static void
cache_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), NULL);

  if (texture != NULL)
    {
      remember (load->uri, texture);
      g_task_return_pointer (task, texture, g_object_unref);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  if (http_session == NULL)
    {
      /* Fetched without cookies or credentials: an image address says nothing of the person
       * beyond that the message was shown. */
      g_autoptr(GProxyResolver) proxies = confab_proxy_resolver_new (NULL);

      http_session = soup_session_new_with_options ("max-conns-per-host", 4, "timeout", 30,
                                                    "proxy-resolver", proxies, NULL);
    }
  load->msg = soup_message_new (SOUP_METHOD_GET, load->uri);
  if (load->msg == NULL)
    {
      g_task_return_new_error (task, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_REFUSED, "not a usable address");
      return;
    }
  soup_session_send_async (http_session, load->msg, G_PRIORITY_LOW, g_task_get_cancellable (task),
                           sent_cb, g_object_ref (task));
}

void
confab_image_loader_load_async (const char          *uri,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GTask *inner;
  GdkTexture *held;
  Load *load;

  g_return_if_fail (uri != NULL);

  g_task_set_source_tag (task, confab_image_loader_load_async);
  if (!confab_image_loader_may_fetch (uri))
    {
      g_task_return_new_error (task, CONFAB_IMAGE_ERROR, CONFAB_IMAGE_ERROR_REFUSED,
                               "images are fetched over https only");
      return;
    }
  if (memory != NULL && (held = g_hash_table_lookup (memory, uri)) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (held), g_object_unref);
      return;
    }

  load = g_new0 (Load, 1);
  load->uri = g_strdup (uri);
  load->cache_path = cache_path (uri);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);

  inner = g_task_new (NULL, cancellable, cache_read_cb, g_object_ref (task));
  g_task_set_task_data (inner, load, NULL);
  g_task_run_in_thread (inner, cache_read_thread);
  g_object_unref (inner);
}

GdkTexture *
confab_image_loader_load_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
