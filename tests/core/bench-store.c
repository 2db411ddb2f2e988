/* bench-store.c: the newest page of a history of 1,000, 100,000 and 1,000,000 messages
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-store [N ...]      (default: 1000 100000 1000000)
 *
 * For each size, a history is written through ConfabStore as the app writes it (three
 * short earlier conversations, then one long one; own messages and answers in runs, every
 * answer acknowledged and read), then opened again and again as at a start: the time to
 * open it and the time from asking for the newest page to having it; then, on a store left
 * open (the check of the whole file done), the newest page and a page from the middle, many
 * times. The file is in the page cache; the sizes side by side, with ratios to the smallest,
 * which is the anchor. A page that costs the same at any length has ratios near 1.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "confab-test-util.h"
#include "confab-store.h"

#define ACCOUNT "bench-account"
#define CONSUMER "bench-consumer"
#define BATCH 10000
#define RUNS 9
#define SETTLED_RUNS 31

static const char *const words[] = {
  "the", "order", "arrived", "thanks", "please", "check", "my", "account", "when", "will",
  "it", "ship", "sorry", "for", "the", "wait", "tracking", "number", "is", "here",
};

static ConfabMessage *
make_message (const char *conversation,
              gint64      sequence,
              gint64      time_ms,
              gboolean    own,
              GRand      *rand)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_words = g_rand_int_range (rand, 3, 25);
  ConfabMessageFields fields = { 0 };

  for (guint i = 0; i < n_words; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "", words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
  fields.dialog_id = conversation;
  fields.conversation_id = conversation;
  fields.originator_id = own ? CONSUMER : "bench-agent";
  fields.content_type = "text/plain";
  fields.text = text->str;
  fields.sequence = sequence;
  fields.server_time = time_ms;
  fields.own = own;
  fields.role = own ? CONFAB_ROLE_CONSUMER : CONFAB_ROLE_ASSIGNED_AGENT;
  fields.delivery_state = own ? CONFAB_DELIVERY_READ : CONFAB_DELIVERY_QUEUED;
  fields.accept_sent = !own;
  fields.read_sent = !own;
  return confab_message_new (&fields);
}

static void
error_cb (ConfabStore  *store,
          const GError *error,
          gpointer      user_data)
{
  g_error ("bench-store: %s", error->message);
}

static void
write_history (const char *path,
               guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = confab_store_new (path, &error);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);
  gint64 time_ms = g_get_real_time () / 1000 - (gint64) n * 30 * 1000;
  guint written = 0;
  gboolean own = FALSE;

  if (store == NULL)
    g_error ("bench-store: %s", error->message);
  g_signal_connect (store, "error", G_CALLBACK (error_cb), NULL);

  for (guint c = 0; c < 4; c++)
    {
      g_autofree char *conversation = g_strdup_printf ("%08x-conversation-%u", g_rand_int (rand), c);
      /* three of 50, then the rest */
      guint count = c < 3 ? MIN (50, n / 8) : n - written;

      for (guint i = 0; i < count; i++)
        {
          if (g_rand_double (rand) < 0.35)
            own = !own;
          time_ms += g_rand_int_range (rand, 5, 600) * 1000;
          g_ptr_array_add (batch, make_message (conversation, i, time_ms, own, rand));
          if (batch->len == BATCH)
            {
              confab_store_save_messages (store, ACCOUNT, CONSUMER, batch);
              g_ptr_array_set_size (batch, 0);
              confab_store_flush (store);
            }
        }
      written += count;
      confab_store_save_messages (store, ACCOUNT, CONSUMER, batch);
      g_ptr_array_set_size (batch, 0);
      if (c == 3)
        confab_store_save_conversation (store, ACCOUNT, CONSUMER, conversation);
    }
  confab_store_flush (store);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ConfabStoreSnapshot **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = confab_store_load_finish (CONFAB_STORE (object), result, &error);
  if (*out == NULL)
    g_error ("bench-store: %s", error->message);
}

static void
older_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ConfabStorePage **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = confab_store_load_older_finish (CONFAB_STORE (object), result, &error);
  if (*out == NULL)
    g_error ("bench-store: %s", error->message);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), (int (*) (const void *, const void *)) compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

typedef struct
{
  guint n;
  double open_ms;          /* median, fresh opens */
  double first_page_ms;    /* median, the newest page right after opening */
  double page_ms;          /* best, the newest page once the store is settled */
  double page_median_ms;
  double older_ms;         /* best, a page from the middle */
  guint64 file_bytes;
} Result;

static ConfabStoreSnapshot *
load_newest (ConfabStore *store,
             Result      *result,
             double      *ms)
{
  ConfabStoreSnapshot *snapshot = NULL;
  gint64 t0 = g_get_monotonic_time ();

  confab_store_load_async (store, ACCOUNT, CONSUMER, NULL, loaded_cb, &snapshot);
  while (snapshot == NULL)
    g_main_context_iteration (NULL, TRUE);
  *ms = (g_get_monotonic_time () - t0) / 1000.0;
  if (snapshot->messages->len != MIN (result->n, CONFAB_STORE_PAGE_SIZE))
    g_error ("bench-store: the newest page has %u messages", snapshot->messages->len);
  return snapshot;
}

static void
measure (const char *path,
         Result     *result)
{
  double open_ms[RUNS], first_ms[RUNS], page_ms[SETTLED_RUNS], older_ms[SETTLED_RUNS];
  g_autoptr(GError) error = NULL;
  ConfabStore *store;
  GStatBuf st;

  /* as at a start: open, then the newest page */
  for (guint r = 0; r < RUNS; r++)
    {
      g_autoptr(ConfabStoreSnapshot) snapshot = NULL;
      gint64 t0 = g_get_monotonic_time ();

      store = confab_store_new (path, &error);
      if (store == NULL)
        g_error ("bench-store: %s", error->message);
      open_ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
      snapshot = load_newest (store, result, &first_ms[r]);
      g_object_unref (store);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  /* the store alone: the check of the file done (it takes about a second for 1 GB) */
  store = confab_store_new (path, &error);
  if (store == NULL)
    g_error ("bench-store: %s", error->message);
  g_usleep (MAX (G_USEC_PER_SEC / 2, result->n * 2));
  for (guint r = 0; r < SETTLED_RUNS; r++)
    {
      g_autoptr(ConfabStoreSnapshot) snapshot = load_newest (store, result, &page_ms[r]);
      g_autoptr(ConfabStorePage) page = NULL;
      g_autofree char *dialog = g_strdup (confab_message_get_dialog_id (g_ptr_array_index (snapshot->messages, 0)));
      gint64 t0 = g_get_monotonic_time ();

      /* a page from the middle of the long conversation */
      confab_store_load_older_async (store, ACCOUNT, CONSUMER, dialog, result->n / 2, CONFAB_STORE_PAGE_SIZE,
                                     NULL, older_cb, &page);
      while (page == NULL)
        g_main_context_iteration (NULL, TRUE);
      older_ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
      if (result->n >= 4 * CONFAB_STORE_PAGE_SIZE && page->messages->len != CONFAB_STORE_PAGE_SIZE)
        g_error ("bench-store: an older page has %u messages", page->messages->len);
    }
  g_object_unref (store);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  result->open_ms = median (open_ms, RUNS);
  result->first_page_ms = median (first_ms, RUNS);
  result->page_median_ms = median (page_ms, SETTLED_RUNS);
  result->page_ms = page_ms[0];       /* sorted by median() */
  median (older_ms, SETTLED_RUNS);
  result->older_ms = older_ms[0];
  result->file_bytes = g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static void
remove_history (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const guint default_sizes[] = { 1000, 100000, 1000000 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-bench-store-XXXXXX", &error);
  g_autoptr(GArray) results = g_array_new (FALSE, TRUE, sizeof (Result));
  Result *anchor;

  if (dir == NULL)
    g_error ("bench-store: %s", error->message);
  for (int i = 1; i < argc; i++)
    g_array_append_val (results, ((Result) { .n = (guint) g_ascii_strtoull (argv[i], NULL, 10) }));
  if (results->len == 0)
    for (guint i = 0; i < G_N_ELEMENTS (default_sizes); i++)
      g_array_append_val (results, ((Result) { .n = default_sizes[i] }));

  for (guint i = 0; i < results->len; i++)
    {
      Result *result = &g_array_index (results, Result, i);
      g_autofree char *name = g_strdup_printf ("history-%u.db", result->n);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gint64 t0 = g_get_monotonic_time ();

      write_history (path, result->n);
      g_print ("wrote %u messages in %.1f s\n", result->n, (g_get_monotonic_time () - t0) / 1e6);
      measure (path, result);
      remove_history (path);
    }
  g_rmdir (dir);

  anchor = &g_array_index (results, Result, 0);
  g_print ("\nthe newest page (%u messages) of a history on disk, the file in the page cache; ratios to the\n"
           "first size, the anchor. At a start: median of %u fresh opens. Settled: best of %u reads of a\n"
           "store left open, the check of the whole file done (median in brackets).\n\n",
           CONFAB_STORE_PAGE_SIZE, RUNS, SETTLED_RUNS);
  g_print ("%10s %9s | %8s %6s | %11s %6s | %19s %6s | %11s %6s\n", "messages", "file MiB", "open ms", "ratio",
           "at start ms", "ratio", "newest page ms", "ratio", "older ms", "ratio");
  for (guint i = 0; i < results->len; i++)
    {
      Result *r = &g_array_index (results, Result, i);

      g_print ("%10u %9.1f | %8.2f %6.2f | %11.2f %6.2f | %8.3f (%8.3f) %6.2f | %11.3f %6.2f\n", r->n,
               r->file_bytes / 1048576.0, r->open_ms, r->open_ms / anchor->open_ms,
               r->first_page_ms, r->first_page_ms / anchor->first_page_ms,
               r->page_ms, r->page_median_ms, r->page_ms / anchor->page_ms,
               r->older_ms, r->older_ms / anchor->older_ms);
    }
  if (results->len >= 3)
    {
      Result *a = &g_array_index (results, Result, results->len - 2);
      Result *b = &g_array_index (results, Result, results->len - 1);

      g_print ("\nnewest page, %u against %u messages: %+.0f %% settled, %+.0f %% at a start "
               "(goal: within 10 %%)\n", b->n, a->n, (b->page_ms / a->page_ms - 1) * 100,
               (b->first_page_ms / a->first_page_ms - 1) * 100);
    }
  return 0;
}
