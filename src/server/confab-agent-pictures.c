/* confab-agent-pictures.c: the pictures the agents send, drawn and written as PNG
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo needs a product picture for its card and a photo to send, hosted by the service
 * itself. They are drawn here, at any size, from a few shapes, so that no image file has to
 * be installed and the preview is the same picture, smaller. The PNG writer is the least
 * the format asks for: one IHDR, one IDAT compressed with zlib (GIO's), one IEND.
 */
#include "config.h"

#include "confab-agent-pictures.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

typedef struct {
  guint8 r, g, b;
} Rgb;

static Rgb
mix (Rgb    a,
     Rgb    b,
     double t)
{
  t = CLAMP (t, 0.0, 1.0);
  return (Rgb) { (guint8) (a.r + (b.r - a.r) * t), (guint8) (a.g + (b.g - a.g) * t), (guint8) (a.b + (b.b - a.b) * t) };
}

static gboolean
in_circle (double x,
           double y,
           double cx,
           double cy,
           double radius)
{
  return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
}

/* x runs from 0 to aspect (width / height), y from 0 at the top to 1: circles stay round. */
static Rgb
shade_product (double x,
               double y,
               double aspect)
{
  static const Rgb wall_top = { 0xf4, 0xe9, 0xdc }, wall_bottom = { 0xe0, 0xcd, 0xb5 };
  static const Rgb shelf = { 0x8b, 0x5a, 0x2b }, mug = { 0x2a, 0x9d, 0x8f };
  static const Rgb stripe = { 0xf1, 0xfa, 0xee }, shadow = { 0x1f, 0x72, 0x68 };
  double mid = aspect / 2;

  if (y >= 0.80 && y < 0.86)
    return shelf;
  if (y >= 0.86)
    return mix (shelf, wall_bottom, (y - 0.86) * 4);

  if (y >= 0.34 && y < 0.80 && x >= mid - 0.18 && x < mid + 0.14)
    {
      if (y >= 0.50 && y < 0.55)
        return stripe;
      return x >= mid + 0.08 ? shadow : mug;
    }

  /* the handle: a ring beside the mug */
  if (x >= mid + 0.14 && in_circle (x, y, mid + 0.14, 0.56, 0.11) && !in_circle (x, y, mid + 0.14, 0.56, 0.06))
    return shadow;

  return mix (wall_top, wall_bottom, y);
}

static Rgb
shade_photo (double x,
             double y,
             double aspect)
{
  static const Rgb sky_top = { 0x5a, 0xa9, 0xe6 }, sky_low = { 0xcf, 0xe8, 0xf7 };
  static const Rgb sun = { 0xff, 0xd1, 0x66 }, far_hill = { 0x7c, 0xb5, 0x8f }, near_hill = { 0x4c, 0x95, 0x6c };
  static const Rgb lake_top = { 0x3d, 0x85, 0xa8 }, lake_bottom = { 0x2c, 0x6e, 0x91 };
  double u = x / aspect;

  if (y >= 0.78)
    return mix (lake_top, lake_bottom, (y - 0.78) * 4.5);
  if (y >= 0.62 + 0.07 * sin (u * G_PI * 3.0 + 1.0))
    return near_hill;
  if (y >= 0.52 + 0.06 * sin (u * G_PI * 2.0))
    return far_hill;
  if (in_circle (x, y, aspect * 0.78, 0.22, 0.09))
    return sun;
  return mix (sky_top, sky_low, y / 0.6);
}

static guint8 *
draw (ConfabAgentPicture picture,
      guint              width,
      guint              height)
{
  guint8 *rgb = g_malloc ((gsize) width * height * 3);
  double aspect = (double) width / height;

  for (guint row = 0; row < height; row++)
    for (guint column = 0; column < width; column++)
      {
        /* the centre of the pixel */
        double y = (row + 0.5) / height;
        double x = (column + 0.5) / height;
        Rgb colour = picture == CONFAB_AGENT_PICTURE_PRODUCT ? shade_product (x, y, aspect)
                                                             : shade_photo (x, y, aspect);
        guint8 *pixel = rgb + ((gsize) row * width + column) * 3;

        pixel[0] = colour.r;
        pixel[1] = colour.g;
        pixel[2] = colour.b;
      }

  return rgb;
}

GBytes *
confab_agent_picture_png (ConfabAgentPicture picture,
                          guint              width,
                          guint              height)
{
  g_autofree guint8 *rgb = NULL;

  g_return_val_if_fail (width > 0 && width <= 4096 && height > 0 && height <= 4096, NULL);

  rgb = draw (picture, width, height);
  return confab_png_encode_rgb (rgb, width, height);
}

char *
confab_agent_picture_data_url (ConfabAgentPicture picture,
                               guint              width,
                               guint              height)
{
  g_autoptr(GBytes) png = confab_agent_picture_png (picture, width, height);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (png, &len);
  g_autofree char *base64 = g_base64_encode (data, len);

  return g_strconcat ("data:image/png;base64,", base64, NULL);
}

/* PNG */

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         len)
{
  static guint32 table[256];
  static gsize table_ready = 0;

  if (g_once_init_enter (&table_ready))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (guint k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&table_ready, 1);
    }

  crc ^= 0xffffffffu;
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (out, bytes, 4);
}

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              gsize         len)
{
  guint start;

  append_be32 (out, (guint32) len);
  start = out->len;
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (out, data, (guint) len);
  /* the CRC covers the type and the data */
  append_be32 (out, crc32_update (0, out->data + start, len + 4));
}

static GBytes *
zlib_compress (const guint8 *data,
               gsize         len)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  /* In memory: nothing here can fail but for lack of memory, which aborts anyway. */
  if (!g_output_stream_write_all (stream, data, len, NULL, NULL, &error) ||
      !g_output_stream_close (stream, NULL, &error))
    g_error ("cannot compress a picture: %s", error->message);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

GBytes *
confab_png_encode_rgb (const guint8 *rgb,
                       guint         width,
                       guint         height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize row_len = (gsize) width * 3;
  g_autofree guint8 *raw = g_malloc ((row_len + 1) * height);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GBytes) compressed = NULL;
  guint8 header[13];

  g_return_val_if_fail (rgb != NULL && width > 0 && height > 0, NULL);

  /* each row after its filter type, 0: none */
  for (guint row = 0; row < height; row++)
    {
      raw[row * (row_len + 1)] = 0;
      memcpy (raw + row * (row_len + 1) + 1, rgb + row * row_len, row_len);
    }
  compressed = zlib_compress (raw, (row_len + 1) * height);

  /* width, height, 8 bits a channel, colour type 2 (RGB), deflate, no filter, no interlace */
  header[0] = width >> 24; header[1] = (width >> 16) & 0xff; header[2] = (width >> 8) & 0xff; header[3] = width & 0xff;
  header[4] = height >> 24; header[5] = (height >> 16) & 0xff; header[6] = (height >> 8) & 0xff; header[7] = height & 0xff;
  header[8] = 8;
  header[9] = 2;
  header[10] = header[11] = header[12] = 0;

  g_byte_array_append (out, signature, sizeof signature);
  append_chunk (out, "IHDR", header, sizeof header);
  append_chunk (out, "IDAT", g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed));
  append_chunk (out, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
