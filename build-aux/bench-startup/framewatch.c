/* framewatch.c: every change of the X screen with its time, and when the picture was complete
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   framewatch [-i MS] [-r WxH+X+Y] [-s SETTLE_S] [-t MAX_S] [-v PCT] [-o FINAL.png] [-p PIDFILE]
 *
 * Polls the screen (or a region of it) through MIT-SHM every -i ms (default 15) and prints
 *   F <ns> <hash>        for the first picture and every one that differs from the one before;
 * <ns> is CLOCK_REALTIME, the clock of `date +%s%N`, so a script can subtract its exec time.
 * It stops once the picture has not changed for -s seconds after a first change (default 4),
 * after -t seconds (default 120), or on SIGTERM/SIGINT, and then prints
 *   D <ns> <percent>     for each frame: its share of pixels that differ from the final one
 *   R status=settled|timeout|stopped|exited frames=N first_change_ns=… visually_complete_ns=…
 *     stable_ns=… last_change_ns=…
 * visually complete: the first frame after the initial one within -v percent (default 1) of
 * the final picture, which absorbs a caret, a scroll bar fading out, a clock in a label;
 * stable: the first frame from which every later one stays within that share ("NA" if none).
 * -o writes the final picture as a PNG.
 *
 * -p: the app's process id is (or will be) in PIDFILE. Then a still picture counts as settled
 * only if the app was idle too (under a tenth of a core) for those -s seconds: an app that
 * shows an empty window while it reads a long history is not done. If the app exits, the
 * status is "exited".
 *
 * Frames are kept as runs of changed pixels against the frame before, so a long run with a
 * small animation costs little memory.
 *
 * Build: cc -O2 -o framewatch framewatch.c -lX11 -lXext -lz
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define RGB_MASK 0x00ffffffu
/* Changed pixels closer than this are stored as one run: fewer run headers. */
#define RUN_GAP 8

/* How often the app's CPU time is looked at, and what counts as busy. */
#define CPU_SAMPLE_NS 250000000
#define BUSY_SHARE 0.10

typedef struct
{
  int64_t time_ns;
  uint32_t *runs;   /* (skip, count, count pixels)…; NULL for the first frame */
  size_t n_words;
} Frame;

static volatile sig_atomic_t stop_requested;

static void
on_signal (int signum)
{
  stop_requested = 1;
}

static int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *
xmalloc (size_t size)
{
  void *p = malloc (size);

  if (p == NULL)
    {
      fprintf (stderr, "framewatch: out of memory\n");
      exit (1);
    }
  return p;
}

static uint64_t
hash_pixels (const uint32_t *pixels,
             size_t          n)
{
  uint64_t h = 1469598103934665603ull;

  for (size_t i = 0; i < n; i++)
    {
      h ^= pixels[i] & RGB_MASK;
      h *= 1099511628211ull;
    }
  return h;
}

/* The pixels of cur that differ from prev, as runs. */
static uint32_t *
encode_runs (const uint32_t *prev,
             const uint32_t *cur,
             size_t          n,
             size_t         *n_words)
{
  size_t cap = 1024, len = 0, i = 0, last_end = 0;
  uint32_t *out = xmalloc (cap * sizeof *out);

  while (i < n)
    {
      size_t start, end, gap;

      if (((prev[i] ^ cur[i]) & RGB_MASK) == 0)
        {
          i++;
          continue;
        }
      start = i;
      end = i + 1;
      for (gap = 0; end + gap < n && gap < RUN_GAP;)
        {
          if (((prev[end + gap] ^ cur[end + gap]) & RGB_MASK) != 0)
            {
              end += gap + 1;
              gap = 0;
            }
          else
            gap++;
        }
      while (len + 2 + (end - start) > cap)
        {
          cap *= 2;
          out = realloc (out, cap * sizeof *out);
          if (out == NULL)
            {
              fprintf (stderr, "framewatch: out of memory\n");
              exit (1);
            }
        }
      out[len++] = (uint32_t) (start - last_end);
      out[len++] = (uint32_t) (end - start);
      memcpy (out + len, cur + start, (end - start) * sizeof *out);
      len += end - start;
      last_end = end;
      i = end;
    }
  *n_words = len;
  return out;
}

static void
apply_runs (uint32_t    *pixels,
            const Frame *frame)
{
  size_t pos = 0;

  for (size_t w = 0; w < frame->n_words;)
    {
      uint32_t count;

      pos += frame->runs[w++];
      count = frame->runs[w++];
      memcpy (pixels + pos, frame->runs + w, count * sizeof *pixels);
      pos += count;
      w += count;
    }
}

static double
percent_different (const uint32_t *a,
                   const uint32_t *b,
                   size_t          n)
{
  size_t d = 0;

  for (size_t i = 0; i < n; i++)
    d += ((a[i] ^ b[i]) & RGB_MASK) != 0;
  return 100.0 * (double) d / (double) n;
}

static void
put_be32 (unsigned char *p,
          uint32_t       v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static int
write_chunk (FILE                *f,
             const char          *type,
             const unsigned char *data,
             uint32_t             len)
{
  unsigned char head[8], tail[4];
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  /* zlib's crc32() given no buffer returns its start value, not crc: skip it for IEND */
  if (len > 0)
    crc = crc32 (crc, data, len);
  put_be32 (head, len);
  memcpy (head + 4, type, 4);
  put_be32 (tail, (uint32_t) crc);
  return fwrite (head, 1, 8, f) == 8 && (len == 0 || fwrite (data, 1, len, f) == len) &&
         fwrite (tail, 1, 4, f) == 4;
}

/* An 8-bit RGB PNG; pixels are 0x00RRGGBB, stride words a row. */
static int
write_png (const char     *path,
           const uint32_t *pixels,
           int             width,
           int             height,
           size_t          stride)
{
  static const unsigned char signature[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
  size_t raw_len = (size_t) height * (1 + 3 * (size_t) width);
  unsigned char *raw = xmalloc (raw_len), *p = raw, ihdr[13];
  uLongf packed_len = compressBound (raw_len);
  unsigned char *packed = xmalloc (packed_len);
  FILE *f;
  int ok;

  for (int y = 0; y < height; y++)
    {
      *p++ = 0;  /* filter: none */
      for (int x = 0; x < width; x++)
        {
          uint32_t px = pixels[(size_t) y * stride + x];

          *p++ = px >> 16;
          *p++ = px >> 8;
          *p++ = px;
        }
    }
  ok = compress2 (packed, &packed_len, raw, raw_len, 6) == Z_OK;
  free (raw);

  put_be32 (ihdr, (uint32_t) width);
  put_be32 (ihdr + 4, (uint32_t) height);
  ihdr[8] = 8;   /* bits per sample */
  ihdr[9] = 2;   /* RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;

  f = ok ? fopen (path, "wb") : NULL;
  ok = f != NULL &&
       fwrite (signature, 1, sizeof signature, f) == sizeof signature &&
       write_chunk (f, "IHDR", ihdr, sizeof ihdr) &&
       write_chunk (f, "IDAT", packed, (uint32_t) packed_len) &&
       write_chunk (f, "IEND", NULL, 0);
  if (f != NULL && fclose (f) != 0)
    ok = 0;
  free (packed);
  return ok;
}

/* The pid in path, or 0 while the file is missing or empty. */
static pid_t
read_pid (const char *path)
{
  FILE *f = fopen (path, "r");
  long pid = 0;

  if (f == NULL)
    return 0;
  if (fscanf (f, "%ld", &pid) != 1)
    pid = 0;
  fclose (f);
  return (pid_t) pid;
}

/* utime + stime of pid in clock ticks, or -1 when it is gone. */
static long long
cpu_ticks (pid_t pid)
{
  char path[64], buf[1024], *p;
  unsigned long long utime, stime;
  FILE *f;
  size_t len;

  snprintf (path, sizeof path, "/proc/%ld/stat", (long) pid);
  f = fopen (path, "r");
  if (f == NULL)
    return -1;
  len = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[len] = '\0';
  /* The name in field 2 may hold spaces and parentheses: fields are counted after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
    return -1;
  /* A zombie is gone for our purpose. */
  if (p[2] == 'Z' || p[2] == 'X')
    return -1;
  return (long long) (utime + stime);
}

/* " name=value", or " name=NA" for a time that never came */
static void
print_ns (const char *name,
          int64_t     value)
{
  if (value >= 0)
    printf (" %s=%lld", name, (long long) value);
  else
    printf (" %s=NA", name);
}

static void
usage (void)
{
  fprintf (stderr, "usage: framewatch [-i MS] [-r WxH+X+Y] [-s SETTLE_S] [-t MAX_S] [-v PCT] [-o FINAL.png] [-p PIDFILE]\n");
  exit (2);
}

int
main (int   argc,
      char *argv[])
{
  const char *final_png = NULL, *pid_file = NULL;
  pid_t app = 0;
  long long app_ticks = 0;
  int64_t cpu_sampled = 0, last_busy = 0;
  double tick_ns = 1e9 / (double) sysconf (_SC_CLK_TCK);
  double settle_s = 4, max_s = 120, threshold = 1;
  int interval_ms = 15, rw = 0, rh = 0, rx = 0, ry = 0, opt, screen;
  Display *dpy;
  Window root;
  XShmSegmentInfo shm;
  XImage *image;
  Frame *frames = NULL;
  size_t n_frames = 0, cap_frames = 0, n_pixels, stride;
  uint32_t *first, *prev, *replay;
  uint64_t last_hash = 0;
  int64_t start, deadline, last_change = 0;
  const char *status = "stopped";
  struct sigaction sa;

  while ((opt = getopt (argc, argv, "i:r:s:t:v:o:p:")) != -1)
    {
      switch (opt)
        {
        case 'i': interval_ms = atoi (optarg); break;
        case 'r':
          if (sscanf (optarg, "%dx%d+%d+%d", &rw, &rh, &rx, &ry) != 4 || rw <= 0 || rh <= 0)
            usage ();
          break;
        case 's': settle_s = atof (optarg); break;
        case 't': max_s = atof (optarg); break;
        case 'v': threshold = atof (optarg); break;
        case 'o': final_png = optarg; break;
        case 'p': pid_file = optarg; break;
        default: usage ();
        }
    }
  if (optind != argc || interval_ms < 1)
    usage ();

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);

  dpy = XOpenDisplay (NULL);
  if (dpy == NULL)
    {
      fprintf (stderr, "framewatch: cannot open the display\n");
      return 1;
    }
  screen = DefaultScreen (dpy);
  root = RootWindow (dpy, screen);
  if (rw == 0)
    {
      rw = DisplayWidth (dpy, screen);
      rh = DisplayHeight (dpy, screen);
    }
  if (!XShmQueryExtension (dpy))
    {
      fprintf (stderr, "framewatch: the X server has no MIT-SHM\n");
      return 1;
    }
  image = XShmCreateImage (dpy, DefaultVisual (dpy, screen), DefaultDepth (dpy, screen), ZPixmap,
                           NULL, &shm, rw, rh);
  if (image == NULL || image->bits_per_pixel != 32)
    {
      fprintf (stderr, "framewatch: only 32-bit pixels are supported\n");
      return 1;
    }
  shm.shmid = shmget (IPC_PRIVATE, (size_t) image->bytes_per_line * image->height, IPC_CREAT | 0600);
  if (shm.shmid < 0)
    {
      fprintf (stderr, "framewatch: shmget: %s\n", strerror (errno));
      return 1;
    }
  shm.shmaddr = image->data = shmat (shm.shmid, NULL, 0);
  shm.readOnly = False;
  if (shm.shmaddr == (void *) -1 || !XShmAttach (dpy, &shm))
    {
      fprintf (stderr, "framewatch: cannot share memory with the X server\n");
      shmctl (shm.shmid, IPC_RMID, NULL);
      return 1;
    }
  XSync (dpy, False);
  /* Gone with the last detach, even if this process is killed. */
  shmctl (shm.shmid, IPC_RMID, NULL);

  stride = (size_t) image->bytes_per_line / 4;
  n_pixels = stride * (size_t) image->height;
  first = xmalloc (n_pixels * 4);
  prev = xmalloc (n_pixels * 4);

  start = now_ns ();
  deadline = start + (int64_t) (max_s * 1e9);
  while (!stop_requested)
    {
      int64_t t = now_ns ();
      const uint32_t *cur = (const uint32_t *) image->data;
      uint64_t h;

      if (t >= deadline)
        {
          status = "timeout";
          break;
        }
      if (!XShmGetImage (dpy, root, image, rx, ry, AllPlanes))
        {
          fprintf (stderr, "framewatch: XShmGetImage failed\n");
          break;
        }

      h = hash_pixels (cur, n_pixels);
      if (n_frames == 0 || h != last_hash)
        {
          if (n_frames == cap_frames)
            {
              cap_frames = cap_frames ? cap_frames * 2 : 64;
              frames = realloc (frames, cap_frames * sizeof *frames);
              if (frames == NULL)
                {
                  fprintf (stderr, "framewatch: out of memory\n");
                  return 1;
                }
            }
          frames[n_frames].time_ns = t;
          if (n_frames == 0)
            {
              memcpy (first, cur, n_pixels * 4);
              frames[n_frames].runs = NULL;
              frames[n_frames].n_words = 0;
            }
          else
            {
              frames[n_frames].runs = encode_runs (prev, cur, n_pixels, &frames[n_frames].n_words);
              last_change = t;
            }
          memcpy (prev, cur, n_pixels * 4);
          n_frames++;
          last_hash = h;
          printf ("F %lld %016llx\n", (long long) t, (unsigned long long) h);
          fflush (stdout);
        }
      else if (n_frames > 1 && t - last_change >= (int64_t) (settle_s * 1e9) &&
               (pid_file == NULL || (app > 0 && t - last_busy >= (int64_t) (settle_s * 1e9))))
        {
          status = "settled";
          break;
        }

      if (pid_file != NULL && t - cpu_sampled >= CPU_SAMPLE_NS)
        {
          if (app == 0 && (app = read_pid (pid_file)) > 0)
            {
              app_ticks = cpu_ticks (app);
              last_busy = t;
            }
          else if (app > 0)
            {
              long long ticks = cpu_ticks (app);

              if (ticks < 0)
                {
                  status = "exited";
                  break;
                }
              if ((double) (ticks - app_ticks) * tick_ns > BUSY_SHARE * (double) (t - cpu_sampled))
                last_busy = t;
              app_ticks = ticks;
            }
          cpu_sampled = t;
        }
      usleep ((useconds_t) interval_ms * 1000);
    }

  /* prev is the final picture; replay the frames against it. */
  {
    double *pct = xmalloc ((n_frames ? n_frames : 1) * sizeof *pct);
    int64_t vc = -1, stable = -1;

    replay = xmalloc (n_pixels * 4);
    memcpy (replay, first, n_pixels * 4);
    for (size_t k = 0; k < n_frames; k++)
      {
        if (k > 0)
          apply_runs (replay, &frames[k]);
        pct[k] = percent_different (replay, prev, n_pixels);
        printf ("D %lld %.4f\n", (long long) frames[k].time_ns, pct[k]);
        if (k > 0 && vc < 0 && pct[k] <= threshold)
          vc = frames[k].time_ns;
      }
    for (size_t k = n_frames; k > 1; k--)
      {
        if (pct[k - 1] > threshold)
          break;
        stable = frames[k - 1].time_ns;
      }

    printf ("R status=%s frames=%zu", status, n_frames);
    print_ns ("first_change_ns", n_frames > 1 ? frames[1].time_ns : -1);
    print_ns ("visually_complete_ns", vc);
    print_ns ("stable_ns", stable);
    print_ns ("last_change_ns", n_frames > 1 ? last_change : -1);
    putchar ('\n');
    fflush (stdout);
    free (pct);
  }

  if (final_png != NULL && !write_png (final_png, prev, rw, rh, stride))
    fprintf (stderr, "framewatch: cannot write %s\n", final_png);

  for (size_t k = 0; k < n_frames; k++)
    free (frames[k].runs);
  free (frames);
  free (first);
  free (prev);
  free (replay);
  XShmDetach (dpy, &shm);
  shmdt (shm.shmaddr);
  /* The pixels were the MIT-SHM segment, not Xlib's to free. */
  image->data = NULL;
  XDestroyImage (image);
  XCloseDisplay (dpy);
  return 0;
}
