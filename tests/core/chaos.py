#!/usr/bin/python3
# chaos.py: the real client against the local service, with drops of every kind and SIGKILLs
#
# Copyright 2026 The Confab developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# For --seconds, at random: the person types a message (sometimes the client is killed a few
# milliseconds after the send returned), the agent writes, the service drops the socket
# (abrupt, 1000, 1001, 1011, 1012, 4000), or the client is killed with SIGKILL and started
# again on the same folder. Then one last client runs until everything is through, and the
# service's own state and frame log are checked:
#   - every message the client accepted (its send returned) is in the conversation exactly
#     once; nothing typed is there twice;
#   - every agent message is a row of the client exactly once, and was acknowledged (ACCEPT);
#   - the client's rows have no sequence twice.
# Exit status 0 when all holds; the figures are printed either way.
#
#   chaos.py --server confab-server --client chaos-client [--seconds 20] [--seed N]

import argparse
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

DROP_CODES = [None, 1000, 1001, 1011, 1012, 4000]


class Service:
    def __init__(self, path):
        self.proc = subprocess.Popen([path, "--port", "0", "--agent", "none"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise SystemExit("chaos: the service did not start: %r" % line)
        self.base = line[len("listening on "):]

    def call(self, what, body=None):
        req = urllib.request.Request(self.base + "/control/" + what, method="POST",
                                     data=json.dumps(body or {}).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as e:
            return {"error": e.code}

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Client:
    def __init__(self, path, base, token, folder):
        self.proc = subprocess.Popen([path, base, "confab-local", token, folder],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.lines = queue.Queue()
        self.rows = []
        self.done = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def pump(self, until=None, timeout=0.0):
        """Read what the client said; stop early when until(line) holds. Returns that line."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(left, 0.001)) if left > 0 else self.lines.get_nowait()
            except queue.Empty:
                return None
            if line is None:
                return None
            if line.startswith("ROW "):
                _, seq, who, text = line.split(" ", 3)
                self.rows.append((int(seq), who, text))
            elif line == "DONE":
                self.done = True
            if until is not None and until(line):
                return line

    def type(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self.pump(lambda l: l == "PUT " + text, timeout=10) is not None

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def finish(self):
        self.proc.stdin.close()


def content_events(state):
    for conv in state.get("conversations", []):
        for ev in conv.get("events", []):
            if ev.get("event", {}).get("type") == "ContentEvent":
                yield ev


def consumer_texts(state):
    return [ev["event"].get("message") for ev in content_events(state)
            if ev.get("originatorId") == "chaos-consumer"]


def agent_sequences(state):
    return {ev["event"].get("message"): ev.get("sequence") for ev in content_events(state)
            if ev.get("originatorId") != "chaos-consumer"}


def accepted_sequences(frames):
    acked = []
    for entry in frames if isinstance(frames, list) else []:
        event = entry.get("frame", {}).get("body", {}).get("event", {})
        if event.get("type") == "AcceptStatusEvent" and event.get("status") == "ACCEPT":
            acked.extend(event.get("sequenceList", []))
    return acked


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rnd = random.Random(seed)
    print("chaos: seed %d, %.0f s" % (seed, args.seconds), flush=True)

    folder = tempfile.mkdtemp(prefix="confab-chaos-")
    service = Service(args.server)
    token = service.call("token", {"consumerId": "chaos-consumer"})["jwt"]
    client = None
    counts = {"typed": 0, "accepted": 0, "agent": 0, "drops": 0, "kills": 0, "kills-after-send": 0}
    accepted, agent_texts, unsure = set(), set(), set()
    try:
        client = Client(args.client, service.base, token, folder)
        # the conversation exists once the first message is through
        first = "me-0"
        if not client.type(first):
            raise SystemExit("chaos: the client never accepted its first message")
        accepted.add(first)
        counts["typed"] += 1
        counts["accepted"] += 1
        client.pump(lambda l: l.startswith("ROW ") and l.endswith(" " + first), timeout=15)

        n = 1
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            r = rnd.random()
            if r < 0.35:
                text = "me-%d" % n
                n += 1
                counts["typed"] += 1
                if client.type(text):
                    accepted.add(text)
                    counts["accepted"] += 1
                else:
                    unsure.add(text)
                if rnd.random() < 0.2:
                    time.sleep(rnd.random() * 0.004)
                    client.kill()
                    counts["kills"] += 1
                    counts["kills-after-send"] += 1
                    client = Client(args.client, service.base, token, folder)
            elif r < 0.65:
                text = "agent-%d" % n
                n += 1
                answer = service.call("agent/message", {"text": text})
                if "sequence" in answer:
                    agent_texts.add(text)
                    counts["agent"] += 1
            elif r < 0.82:
                code = rnd.choice(DROP_CODES)
                service.call("drop", {"code": code} if code else {})
                counts["drops"] += 1
            elif r < 0.9:
                time.sleep(rnd.random() * 0.05)
                client.kill()
                counts["kills"] += 1
                client = Client(args.client, service.base, token, folder)
            client.pump(timeout=rnd.uniform(0.02, 0.25))

        # the last run: everything must come through
        client.kill()
        client = Client(args.client, service.base, token, folder)
        wanted_own, wanted_agent = set(accepted), set(agent_texts)
        settle = time.monotonic() + 60
        while time.monotonic() < settle:
            have_own = {t for _, w, t in client.rows if w == "own"}
            have_agent = {t for _, w, t in client.rows if w == "agent"}
            if wanted_own <= have_own and wanted_agent <= have_agent:
                break
            client.pump(timeout=0.2)
        # receipts go out once the replay has settled: give them the time a person would
        settle = time.monotonic() + 20
        while time.monotonic() < settle:
            state = service.call("state")
            frames = service.call("frames", {"type": "ms.PublishEvent"})
            if set(agent_sequences(state).values()) <= set(accepted_sequences(frames)):
                break
            client.pump(timeout=0.2)
        client.finish()
        client.pump(lambda l: l == "DONE", timeout=30)
        state = service.call("state")
        frames = service.call("frames", {"type": "ms.PublishEvent"})
    finally:
        if client is not None and client.proc.poll() is None:
            client.kill()
        service.stop()
        shutil.rmtree(folder, ignore_errors=True)

    failures = []
    stored = consumer_texts(state)
    agent_seqs = agent_sequences(state)
    for text in sorted(accepted):
        if stored.count(text) != 1:
            failures.append("accepted %s is in the conversation %d times" % (text, stored.count(text)))
    for text in set(stored):
        if stored.count(text) > 1:
            failures.append("%s was published %d times" % (text, stored.count(text)))
    rows = client.rows
    seqs = [s for s, _, _ in rows]
    if len(seqs) != len(set(seqs)):
        failures.append("the client shows a sequence twice")
    for text in sorted(agent_texts):
        c = sum(1 for _, w, t in rows if w == "agent" and t == text)
        if c != 1:
            failures.append("agent message %s is shown %d times" % (text, c))
    for text in sorted(accepted):
        c = sum(1 for _, w, t in rows if w == "own" and t == text)
        if c != 1:
            failures.append("own message %s is shown %d times" % (text, c))
    acked = accepted_sequences(frames)
    for text, seq in agent_seqs.items():
        if text in agent_texts and seq not in acked:
            failures.append("agent message %s (sequence %s) was never acknowledged" % (text, seq))

    print("chaos: typed %(typed)d, accepted %(accepted)d, agent %(agent)d, drops %(drops)d, "
          "kills %(kills)d (%(kills-after-send)d right after a send)" % counts)
    print("chaos: in the conversation %d typed messages (%d typed but killed before accepted); "
          "%d ACCEPT sequences published for %d agent messages (%d more than once)"
          % (len(stored), len(unsure), len(acked), len(agent_seqs),
             len(acked) - len(set(acked))))
    for f in failures:
        print("FAIL: " + f)
    if failures:
        print("chaos: seed %d to repeat" % seed)
        return 1
    print("chaos: every message went each way exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
