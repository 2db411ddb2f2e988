/* confab-history-gen.c: a history.db with one long conversation, for the start-up benchmark
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   confab-history-gen [--account ID] [--consumer ID] [--seed S] N DB_PATH > lp.env
 *
 * Writes N messages of one conversation for the identity (account, consumer) through
 * ConfabStore, the same code that writes them in the app: agent answers and own messages in
 * bursts, chat-like lengths, spread over many days, the newest a minute ago and from the agent
 * ("This is the newest of N messages."), so a screenshot shows whether the list opened at
 * the bottom. Every message is as a finished history has it: own ones read by the agent,
 * agent ones with their receipts sent.
 *
 * stdout gets the identity as lp.env lines: LP_ACCOUNT and an unsigned LP_JWT whose "sub" is
 * the consumer. Confab reads the consumer from that claim before any network, so the history
 * shows even when the service is unreachable; a service that checks signatures needs a token
 * of its own for the same consumer (confab-server: POST /control/token).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confab-store.h"

/* Written in batches: each is one transaction, and flushing after it keeps memory flat. */
#define BATCH 10000

#define AGENT_ID "confab-bench.agent-7"

static const char * const words[] = {
  "the", "a", "to", "and", "of", "it", "is", "in", "that", "for", "you", "on", "with", "this",
  "be", "have", "not", "but", "we", "can", "will", "my", "your", "was", "just", "so", "if",
  "there", "what", "when", "do", "no", "yes", "about", "from", "at", "our", "order", "account",
  "invoice", "delivery", "parcel", "refund", "address", "card", "payment", "number", "tracking",
  "please", "thanks", "thank", "sorry", "okay", "sure", "check", "moment", "minute", "today",
  "tomorrow", "yesterday", "week", "email", "password", "reset", "login", "app", "update",
  "phone", "screen", "error", "again", "still", "works", "working", "broken", "new", "old",
  "price", "plan", "subscription", "cancel", "change", "help", "question", "answer", "team",
  "store", "return", "label", "box", "size", "colour", "arrived", "late", "early", "soon",
  "great", "perfect", "problem", "issue", "ticket", "case", "details", "confirm", "send", "sent",
  "received", "looks", "good", "fine", "wait", "waiting", "see", "know", "need", "want",
};

/* Many short lines, some medium, a few long paragraphs, as people write in a chat. */
static char *
make_text (GRand *rand)
{
  GString *text = g_string_new (NULL);
  static const char * const endings[] = { ".", "", "!", "?", " :)", "…" };
  double r = g_rand_double (rand);
  int n;

  if (r < 0.45)
    n = g_rand_int_range (rand, 1, 7);
  else if (r < 0.80)
    n = g_rand_int_range (rand, 7, 21);
  else if (r < 0.97)
    n = g_rand_int_range (rand, 21, 61);
  else
    n = g_rand_int_range (rand, 61, 161);

  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
  text->str[0] = g_ascii_toupper (text->str[0]);
  g_string_append (text, endings[g_rand_int_range (rand, 0, G_N_ELEMENTS (endings))]);
  return g_string_free (text, FALSE);
}

/* The one place that builds a message; the rest does not care how. */
static ConfabMessage *
make_message (const char *conversation_id,
              const char *consumer_id,
              gint64      sequence,
              gint64      time_ms,
              gboolean    own,
              const char *text)
{
  ConfabMessagingChange change = { 0 };
  ConfabMessage *message;

  change.sequence = sequence;
  change.server_timestamp = time_ms;
  change.originator_id = (char *) (own ? consumer_id : AGENT_ID);
  change.role = own ? CONFAB_ROLE_CONSUMER : CONFAB_ROLE_ASSIGNED_AGENT;
  change.conversation_id = (char *) conversation_id;
  change.dialog_id = (char *) conversation_id;
  change.type = CONFAB_EVENT_CONTENT;
  change.content_type = (char *) "text/plain";
  change.text = (char *) text;

  message = confab_message_new_from_change (&change, consumer_id);
  if (own)
    confab_message_advance_delivery (message, CONFAB_DELIVERY_READ);
  else
    {
      confab_message_set_accept_sent (message, TRUE);
      confab_message_set_read_sent (message, TRUE);
      confab_message_set_seen (message, TRUE);
    }
  return message;
}

static char *
base64url (const char *text)
{
  char *out = g_base64_encode ((const guchar *) text, strlen (text));

  g_strdelimit (out, "+", '-');
  g_strdelimit (out, "/", '_');
  for (char *p = out; *p != '\0'; p++)
    if (*p == '=')
      {
        *p = '\0';
        break;
      }
  return out;
}

/* Well-formed but unsigned ("alg":"none"): enough for Confab to know the consumer. */
static char *
make_jwt (const char *account_id,
          const char *consumer_id)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *header = base64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *claims = g_strdup_printf ("{\"sub\":\"%s\",\"aud\":\"acc:%s\",\"iss\":\"confab-history-gen\","
                                             "\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                                             consumer_id, account_id, now, now + 365 * 24 * 3600);
  g_autofree char *payload = base64url (claims);

  return g_strconcat (header, ".", payload, ".", NULL);
}

static void
store_error_cb (ConfabStore  *store,
                const GError *error,
                gpointer      user_data)
{
  g_printerr ("confab-history-gen: %s\n", error->message);
  exit (1);
}

/* The store reports write failures on this thread's main context: let them in. */
static void
flush (ConfabStore *store)
{
  confab_store_flush (store);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabStore) store = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *consumer_id = NULL;
  g_autofree char *conversation_id = NULL;
  g_autofree char *jwt = NULL;
  g_autofree gint64 *gaps = NULL;
  static const gint64 gap_choices[] = { 5, 20, 45, 90, 300, 1800, 3600 };
  gint64 n, seed = 42, t_ms, own_count = 0;
  gsize text_bytes = 0;
  gboolean own = FALSE;
  GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account_id, "Account id (default confab-bench)", "ID" },
    { "consumer", 0, 0, G_OPTION_ARG_STRING, &consumer_id, "Consumer id (default bench-consumer)", "ID" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the text and times (default 42)", "S" },
    { NULL }
  };

  context = g_option_context_new ("N DB_PATH");
  g_option_context_set_summary (context, "Writes a Confab history of N messages for the start-up benchmark; "
                                         "prints the identity as lp.env lines.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 3)
    {
      g_printerr ("confab-history-gen: %s\n", error != NULL ? error->message : "expected N and DB_PATH");
      return 2;
    }
  n = g_ascii_strtoll (argv[1], NULL, 10);
  if (n < 1 || n > 100000000)
    {
      g_printerr ("confab-history-gen: N must be 1 to 100000000\n");
      return 2;
    }
  if (account_id == NULL)
    account_id = g_strdup ("confab-bench");
  if (consumer_id == NULL)
    consumer_id = g_strdup ("bench-consumer");

  /* A fresh file: a leftover would mix two histories. */
  for (guint i = 0; i < 3; i++)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *path = g_strconcat (argv[2], suffixes[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS) && remove (path) != 0)
        {
          g_printerr ("confab-history-gen: cannot remove %s\n", path);
          return 1;
        }
    }

  store = confab_store_new (argv[2], &error);
  if (store == NULL)
    {
      g_printerr ("confab-history-gen: %s\n", error->message);
      return 1;
    }
  g_signal_connect (store, "error", G_CALLBACK (store_error_cb), NULL);

  rand = g_rand_new_with_seed ((guint32) seed);
  conversation_id = g_strdup_printf ("%08x-%04x-4%03x-8%03x-%08x%04x",
                                     g_rand_int (rand), g_rand_int (rand) & 0xffff,
                                     g_rand_int (rand) & 0xfff, g_rand_int (rand) & 0xfff,
                                     g_rand_int (rand), g_rand_int (rand) & 0xffff);

  /* Conversational bursts with pauses of up to an hour; the newest is a minute old. */
  gaps = g_new (gint64, n);
  t_ms = g_get_real_time () / 1000 - 60 * 1000;
  for (gint64 i = 0; i < n; i++)
    {
      gaps[i] = gap_choices[g_rand_int_range (rand, 0, G_N_ELEMENTS (gap_choices))] * 1000;
      if (i > 0)
        t_ms -= gaps[i];
    }

  confab_store_save_conversation (store, account_id, consumer_id, conversation_id);
  batch = g_ptr_array_new_with_free_func (g_object_unref);
  for (gint64 i = 0; i < n; i++)
    {
      g_autofree char *text = NULL;

      if (i > 0)
        t_ms += gaps[i];
      /* Runs of one side, then the other. */
      if (g_rand_double (rand) < 0.7)
        own = (i % 2) == 1;
      if (i == n - 1)
        {
          own = FALSE;
          text = g_strdup_printf ("This is the newest of %" G_GINT64_FORMAT " messages.", n);
        }
      else
        text = make_text (rand);

      own_count += own;
      text_bytes += strlen (text);
      g_ptr_array_add (batch, make_message (conversation_id, consumer_id, i, t_ms, own, text));
      if (batch->len == BATCH || i == n - 1)
        {
          confab_store_save_messages (store, account_id, consumer_id, batch);
          g_ptr_array_set_size (batch, 0);
          flush (store);
        }
    }
  flush (store);
  g_clear_object (&store);

  jwt = make_jwt (account_id, consumer_id);
  g_print ("# %" G_GINT64_FORMAT " messages for this identity in %s\n", n, argv[2]);
  g_print ("LP_ACCOUNT=%s\nLP_JWT=%s\n", account_id, jwt);
  g_printerr ("confab-history-gen: %" G_GINT64_FORMAT " messages (%" G_GINT64_FORMAT " own), "
              "%" G_GSIZE_FORMAT " bytes of text, conversation %s\n",
              n, own_count, text_bytes, conversation_id);
  return 0;
}
