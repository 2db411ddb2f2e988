#!/usr/bin/python3
# dino-profile.py: a Dino 0.4.2 profile with one 1:1 conversation of N messages
#
# Copyright 2026 The Confab developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   dino-profile.py [--seed S] N OUTDIR
#
# The comparison column of the start-up benchmark: Dino 0.4.2 is Debian 12's dino-im. Writes
# OUTDIR/data/dino/dino.db (run Dino with XDG_DATA_HOME=OUTDIR/data) holding one account,
# me@localhost, and one conversation with alice@localhost of N messages, shaped like the Confab
# history of confab-history-gen: the same mix of lengths, the same gaps, and the same newest
# message ("This is the newest of N messages.", received a minute ago).
#
# The schema is the one Dino 0.4.2 creates on its first start (database version 26); the values
# follow its entities: message.direction 1 sent, 0 received; message.type 1 chat; times in unix
# seconds; message.marked 2 read (sent ones), 0 none (received ones); content_item.content_type
# 1 message; conversation.type 0 chat. Dino's own triggers fill its full-text index, as in a
# profile it wrote itself. Its window is set to Confab's default size, 800×640, so both paint
# the same area. The account's server is localhost: nothing listens on 5222, so Dino shows
# the history it holds and keeps trying to connect, as Confab does offline.

import argparse
import os
import random
import sqlite3
import time
import uuid

DINO_DB_VERSION = 26

SCHEMA = """
CREATE TABLE _meta ( name TEXT PRIMARY KEY, int_val INTEGER, text_val TEXT);
CREATE TABLE account ( id INTEGER PRIMARY KEY AUTOINCREMENT, bare_jid TEXT NOT NULL UNIQUE, resourcepart TEXT, password TEXT, alias TEXT, enabled INTEGER, roster_version TEXT, mam_earliest_synced INTEGER);
CREATE TABLE jid ( id INTEGER PRIMARY KEY AUTOINCREMENT, bare_jid TEXT NOT NULL UNIQUE);
CREATE TABLE entity ( id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER, jid_id INTEGER, resource TEXT, caps_hash TEXT, last_seen INTEGER, UNIQUE (account_id, jid_id, resource) ON CONFLICT IGNORE);
CREATE TABLE content_item ( id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL, time INTEGER NOT NULL, local_time INTEGER NOT NULL, content_type INTEGER NOT NULL, foreign_id INTEGER NOT NULL, hide INTEGER NOT NULL DEFAULT 0, UNIQUE (content_type, foreign_id) ON CONFLICT IGNORE);
CREATE TABLE message ( id INTEGER PRIMARY KEY AUTOINCREMENT, stanza_id TEXT, server_id TEXT, account_id INTEGER NOT NULL, counterpart_id INTEGER NOT NULL, our_resource TEXT, counterpart_resource TEXT, direction INTEGER NOT NULL, type INTEGER, time INTEGER, local_time INTEGER, body TEXT, encryption INTEGER, marked INTEGER);
CREATE VIRTUAL TABLE _fts_message USING fts4(tokenize=unicode61, content="message", body TEXT);
CREATE TABLE body_meta ( id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER, from_char INTEGER, to_char INTEGER, info_type TEXT, info TEXT);
CREATE TABLE message_correction ( id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER UNIQUE, to_stanza_id TEXT);
CREATE TABLE reply ( id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL UNIQUE, quoted_message_id INTEGER, quoted_message_stanza_id TEXT, quoted_message_from TEXT);
CREATE TABLE real_jid ( message_id INTEGER PRIMARY KEY, real_jid TEXT);
CREATE TABLE occupant_id ( id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, last_nick TEXT, jid_id INTEGER, occupant_id TEXT, UNIQUE (account_id, jid_id, occupant_id) ON CONFLICT REPLACE);
CREATE TABLE file_transfer ( id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, counterpart_id INTEGER NOT NULL, counterpart_resource TEXT, our_resource TEXT, direction INTEGER NOT NULL, time INTEGER, local_time INTEGER, encryption INTEGER, file_name TEXT, path TEXT, mime_type TEXT, size INTEGER, state INTEGER, provider INTEGER, info TEXT);
CREATE TABLE call ( id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, counterpart_id INTEGER NOT NULL, counterpart_resource TEXT, our_resource TEXT, direction INTEGER NOT NULL, time INTEGER NOT NULL, local_time INTEGER NOT NULL, end_time INTEGER, encryption INTEGER, state INTEGER);
CREATE TABLE call_counterpart ( call_id INTEGER NOT NULL, jid_id INTEGER NOT NULL, resource TEXT);
CREATE TABLE conversation ( id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, jid_id INTEGER NOT NULL, resource TEXT, active INTEGER, active_last_changed INTEGER NOT NULL DEFAULT 0, last_active INTEGER, type INTEGER, encryption INTEGER, read_up_to INTEGER, read_up_to_item INTEGER NOT NULL DEFAULT -1, notification INTEGER, send_typing INTEGER, send_marker INTEGER, pinned INTEGER DEFAULT 0);
CREATE TABLE contact_avatar ( jid_id INTEGER, account_id INTEGER, hash TEXT, type INTEGER, UNIQUE (jid_id, account_id, type) ON CONFLICT REPLACE);
CREATE TABLE entity_identity ( entity TEXT, category TEXT, name TEXT, type TEXT, UNIQUE (entity, category, type) ON CONFLICT IGNORE);
CREATE TABLE entity_feature ( entity TEXT, feature TEXT, UNIQUE (entity, feature) ON CONFLICT IGNORE);
CREATE TABLE roster ( account_id INTEGER, jid TEXT, name TEXT, subscription TEXT, UNIQUE (account_id, jid) ON CONFLICT IGNORE);
CREATE TABLE mam_catchup ( id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, server_jid TEXT NOT NULL, from_end INTEGER NOT NULL, from_id TEXT NOT NULL, from_time INTEGER NOT NULL, to_id TEXT NOT NULL, to_time INTEGER NOT NULL);
CREATE TABLE reaction ( id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, occupant_id INTEGER, content_item_id INTEGER NOT NULL, time INTEGER NOT NULL, jid_id INTEGER, emojis TEXT, UNIQUE (account_id, content_item_id, jid_id) ON CONFLICT REPLACE, UNIQUE (account_id, content_item_id, occupant_id) ON CONFLICT REPLACE);
CREATE TABLE settings ( id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT);
CREATE TABLE conversation_settings ( id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT);
CREATE INDEX contentitem_conversation_hide_time_idx ON content_item (conversation_id, hide, time);
CREATE INDEX message_account_counterpart_time_idx ON message (account_id, counterpart_id, time);
CREATE INDEX message_account_counterpart_stanzaid_idx ON message (account_id, counterpart_id, stanza_id);
CREATE INDEX message_account_counterpart_serverid_idx ON message (account_id, counterpart_id, server_id);
CREATE INDEX message_account_marked_idx ON message (account_id, marked);
CREATE TRIGGER _fts_bu_message BEFORE UPDATE ON message BEGIN DELETE FROM _fts_message WHERE docid=old.rowid; END;
CREATE TRIGGER _fts_bd_message BEFORE DELETE ON message BEGIN DELETE FROM _fts_message WHERE docid=old.rowid; END;
CREATE TRIGGER _fts_au_message AFTER UPDATE ON message BEGIN INSERT INTO _fts_message(docid, body) VALUES(new.rowid, new.body); END;
CREATE TRIGGER _fts_ai_message AFTER INSERT ON message BEGIN INSERT INTO _fts_message(docid, body) VALUES(new.rowid, new.body); END;
CREATE INDEX message_correction_to_stanza_id_idx ON message_correction (to_stanza_id);
CREATE INDEX reply_quoted_message_stanza_id ON reply (quoted_message_stanza_id);
CREATE INDEX call_counterpart_call_jid_idx ON call_counterpart (call_id);
CREATE INDEX entity_identity_idx ON entity_identity (entity);
CREATE INDEX entity_feature_idx ON entity_feature (entity);
CREATE UNIQUE INDEX settings_conversationid_key ON conversation_settings (conversation_id, key);
"""

# The same words and shapes as confab-history-gen, so both apps lay out alike text.
WORDS = """the a to and of it is in that for you on with this be have not but we can will my your
was just so if there what when do no yes about from at our order account invoice delivery parcel
refund address card payment number tracking please thanks thank sorry okay sure check moment minute
today tomorrow yesterday week email password reset login app update phone screen error again still
works working broken new old price plan subscription cancel change help question answer team store
return label box size colour arrived late early soon great perfect problem issue ticket case details
confirm send sent received looks good fine wait waiting see know need want""".split()
ENDINGS = [".", "", "!", "?", " :)", "…"]
GAPS_S = [5, 20, 45, 90, 300, 1800, 3600]

ME, PEER = "me@localhost", "alice@localhost"
ACCOUNT_ID, ME_JID_ID, PEER_JID_ID, CONVERSATION_ID = 1, 1, 2, 1
SENT, RECEIVED = 1, 0
TYPE_CHAT = 1
MARKED_NONE, MARKED_READ = 0, 2
CONTENT_TYPE_MESSAGE = 1


def make_text(rng):
    """Many short lines, some medium, a few long paragraphs."""
    r = rng.random()
    if r < 0.45:
        n = rng.randint(1, 6)
    elif r < 0.80:
        n = rng.randint(7, 20)
    elif r < 0.97:
        n = rng.randint(21, 60)
    else:
        n = rng.randint(61, 160)
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return text[0].upper() + text[1:] + rng.choice(ENDINGS)


def messages(n, rng):
    """(id, stanza_id, direction, time, body) oldest first; the newest a minute ago."""
    gaps = [rng.choice(GAPS_S) for _ in range(n)]
    t = int(time.time()) - 60 - sum(gaps[1:])
    sent = False
    for i in range(n):
        if i > 0:
            t += gaps[i]
        # Runs of one side, then the other.
        if rng.random() < 0.7:
            sent = i % 2 == 1
        if i == n - 1:
            sent, body = False, "This is the newest of %d messages." % n
        else:
            body = make_text(rng)
        yield (i + 1, str(uuid.UUID(int=rng.getrandbits(128))), SENT if sent else RECEIVED, t, body)


def main():
    parser = argparse.ArgumentParser(description="Writes a Dino 0.4.2 profile with one conversation of N messages.")
    parser.add_argument("n", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.n < 1:
        parser.error("N must be at least 1")

    data_dir = os.path.join(args.outdir, "data", "dino")
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, "dino.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)

    rng = random.Random(args.seed)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.execute("INSERT INTO _meta (name, int_val) VALUES ('version', ?)", (DINO_DB_VERSION,))
    db.executemany("INSERT INTO settings (key, value) VALUES (?, ?)",
                   [("check_spelling", "true"), ("window_width", "800"), ("window_height", "640")])
    db.execute("INSERT INTO account (id, bare_jid, resourcepart, password, enabled) VALUES (?, ?, 'bench', 'bench', 1)",
               (ACCOUNT_ID, ME))
    db.executemany("INSERT INTO jid (id, bare_jid) VALUES (?, ?)", [(ME_JID_ID, ME), (PEER_JID_ID, PEER)])
    db.execute("INSERT INTO roster (account_id, jid, name, subscription) VALUES (?, ?, 'Alice', 'both')",
               (ACCOUNT_ID, PEER))

    n_sent = 0
    last = None
    batch_messages, batch_items = [], []

    def write():
        db.executemany("INSERT INTO message (id, stanza_id, account_id, counterpart_id, our_resource,"
                       " counterpart_resource, direction, type, time, local_time, body, encryption, marked)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)", batch_messages)
        db.executemany("INSERT INTO content_item (id, conversation_id, time, local_time, content_type, foreign_id)"
                       " VALUES (?, ?, ?, ?, ?, ?)", batch_items)
        batch_messages.clear()
        batch_items.clear()

    for mid, stanza_id, direction, t, body in messages(args.n, rng):
        sent = direction == SENT
        n_sent += sent
        batch_messages.append((mid, stanza_id, ACCOUNT_ID, PEER_JID_ID, "bench" if sent else None,
                               None if sent else "phone", direction, TYPE_CHAT, t, t, body,
                               MARKED_READ if sent else MARKED_NONE))
        batch_items.append((mid, CONVERSATION_ID, t, t, CONTENT_TYPE_MESSAGE, mid))
        last = (mid, t)
        if len(batch_messages) >= 10000:
            write()
    write()

    # Open and read up to the newest message, as after a session that ended in this chat.
    db.execute("INSERT INTO conversation (id, account_id, jid_id, active, active_last_changed, last_active, type,"
               " encryption, read_up_to, read_up_to_item, notification, send_typing, send_marker, pinned)"
               " VALUES (?, ?, ?, 1, ?, ?, 0, 0, ?, ?, 0, 0, 0, 0)",
               (CONVERSATION_ID, ACCOUNT_ID, PEER_JID_ID, last[1], last[1], last[0], last[0]))
    db.commit()
    db.execute("PRAGMA journal_mode = WAL")
    db.close()

    print("dino-profile: %d messages (%d sent) in %s, %.1f MB" % (args.n, n_sent, path, os.path.getsize(path) / 1e6))


if __name__ == "__main__":
    main()
