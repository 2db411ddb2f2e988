#!/usr/bin/python3
# The German translation, end to end: build a de_DE.UTF-8 locale into a
# temporary directory (CI machines often have no generated locales), start
# Confab in demo mode under LANGUAGE=de with its catalogue from the build
# tree (CONFAB_LOCALEDIR), and check over AT-SPI that the window speaks
# German: the composer, the Send button, the menu button and the message
# list have German names, no English name is left among them, and a message
# sent through the accessibility interfaces shows up as a German row
# ("Ich, 14:03: … Zugestellt.") under the German day heading.
#
# Usage: check-atspi-de.py PATH-TO-CONFAB LOCALEDIR
#   LOCALEDIR holds de/LC_MESSAGES/confab.mo (the build's po directory).
# Exit status: 0 pass, 1 fail, 77 skip (no display, no session bus, no
# pyatspi, no localedef or German locale sources: install "locales").

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atspi_common import (  # noqa: E402
    BUS_LAUNCHER, Children, Failure, app_env, app_watch, describe, find_confab, import_pyatspi,
    log, name, outcome, role, safe, skip, skip_unless_runnable, walk)


APP_DEADLINE = 60        # seconds the app may live, whatever happens
ROW_TIMEOUT = 10         # seconds to wait for a row in the message list
TEXT = "hallo aus at-spi"
LOCALE = "de_DE.UTF-8"

# What the window must be called in German, and what it must not be called
# any more: the English names of the same widgets and states.
GERMAN = {
    "send": ("push button", "Senden"),
    "menu": ("push button", "Hauptmenü"),
    "composer": ("text", "Nachricht"),
    "list": ("list", "Nachrichten"),
}
STATES = ("In Warteschlange", "Wird gesendet", "Gesendet", "Zugestellt", "Gelesen")
ENGLISH = {"Send", "Main Menu", "Message", "Messages", "Today", "Queued",
           "Sending", "Sent", "Delivered", "Read", "Write a message…",
           "No conversation yet", "Jump to the latest message"}


def build_locale(where):
    """Compile LOCALE into WHERE (for LOCPATH); returns None or why not."""
    localedef = shutil.which("localedef")
    if localedef is None:
        return "localedef is missing (part of libc-bin)"
    if not os.path.exists("/usr/share/i18n/locales/de_DE"):
        return "the German locale sources are missing (install locales)"
    out = os.path.join(where, LOCALE)
    # Status 1 means warnings, with the locale written all the same.
    p = subprocess.run([localedef, "-i", "de_DE", "-f", "UTF-8", out],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    if p.returncode not in (0, 1) or not os.path.isfile(os.path.join(out, "LC_CTYPE")):
        raise Failure("localedef exited with status %d: %s"
                      % (p.returncode, p.stdout.decode("utf-8", "replace").strip()))
    return None


def locale_env(locpath):
    env = dict(os.environ)
    env["LOCPATH"] = locpath
    env["LANG"] = LOCALE
    env["LC_ALL"] = LOCALE          # the test environment sets C.UTF-8
    env["LANGUAGE"] = "de"
    return env


def check_locale(env):
    """The C library really switches to LOCALE with ENV, or Failure."""
    p = subprocess.run(["locale", "charmap"], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
    charmap = p.stdout.decode().strip()
    if p.returncode != 0 or p.stderr or charmap != "UTF-8":
        raise Failure("%s from LOCPATH=%s is not usable: charmap %r, %s"
                      % (LOCALE, env["LOCPATH"], charmap,
                         p.stderr.decode("utf-8", "replace").strip()))


def main():
    if len(sys.argv) != 3:
        log("usage: check-atspi-de.py PATH-TO-CONFAB LOCALEDIR")
        return 1
    confab, localedir = sys.argv[1], sys.argv[2]

    skip_unless_runnable()
    if not os.access(confab, os.X_OK):
        log("FAIL: %s is not an executable" % confab)
        return 1
    catalogue = os.path.join(localedir, "de", "LC_MESSAGES", "confab.mo")
    if not os.path.isfile(catalogue):
        log("FAIL: %s is missing (is de in po/LINGUAS?)" % catalogue)
        return 1

    # G_DEBUG=fatal-warnings is meant for the app, not for this process's gi.
    app_g_debug = os.environ.pop("G_DEBUG", None)

    kids = Children()

    def check(locpath):
        t0 = time.monotonic()
        why = build_locale(locpath)
        if why is not None:
            skip(why)
        env = locale_env(locpath)
        check_locale(env)
        log("built %s in %.1f s" % (LOCALE, time.monotonic() - t0))

        kids.spawn("at-spi-bus-launcher", [BUS_LAUNCHER, "--launch-immediately"])
        pyatspi = import_pyatspi()
        env["CONFAB_LOCALEDIR"] = localedir
        app = kids.spawn("confab", [confab, "--demo"], app_env(env, app_g_debug))
        run_checks(pyatspi, app.pid, app_watch(app, APP_DEADLINE))

    with tempfile.TemporaryDirectory(prefix="confab-a11y-de-") as locpath:
        try:
            return outcome(lambda: check(locpath))
        finally:
            kids.stop_all()


# --- tree helpers ----------------------------------------------------------


def wait_for(what, pred, timeout, check_app):
    """Poll PRED until it returns something true; Failure after TIMEOUT."""
    deadline = time.monotonic() + timeout
    while True:
        check_app()
        found = safe(pred)
        if found:
            return found
        if time.monotonic() > deadline:
            raise Failure("no %s after %d s" % (what, timeout))
        time.sleep(0.2)


def find_widgets(frame):
    """The widgets of GERMAN by key, once all of them are there."""
    found = {}
    for acc, _ in walk(frame):
        for key, (want_role, want_name) in GERMAN.items():
            if key not in found and role(acc) == want_role and name(acc) == want_name:
                found[key] = acc
    return found if len(found) == len(GERMAN) else None


def run_checks(pyatspi, pid, check_app):
    _, frame = find_confab(pyatspi, pid, check_app)
    log("found %s" % describe(frame))

    try:
        w = wait_for("German widgets", lambda: find_widgets(frame), 5, check_app)
    except Failure:
        names = sorted(set(describe(a) for a, _ in walk(frame) if name(a)))
        raise Failure("the window has not all of %s; named nodes: %r"
                      % (sorted(GERMAN.values()), names))
    for key in GERMAN:
        log("    %s" % describe(w[key]))

    english = sorted(set(describe(a) for a, _ in walk(frame) if name(a) in ENGLISH))
    if english:
        raise Failure("English names left in the German window: %r" % english)

    # A message through the accessibility interfaces; its row is German.
    w["composer"].queryEditableText().setTextContents(TEXT)
    wait_for("text in the composer",
             lambda: w["composer"].queryText().getText(0, -1) == TEXT, 3, check_app)
    if not w["send"].queryAction().doAction(0):
        raise Failure("the first action of „Senden“ failed")

    def own_row():
        for a, d in walk(w["list"]):
            n = name(a)
            if d > 0 and n.startswith("Ich, ") and TEXT in n and \
                    any(n.endswith(" %s." % s) for s in STATES):
                return a
        return None

    try:
        row = wait_for("row „Ich, …%s… <Zustand>.“" % TEXT, own_row, ROW_TIMEOUT, check_app)
    except Failure as e:
        rows = [describe(a) for a, d in walk(w["list"]) if d > 0 and name(a)]
        raise Failure("%s; the list holds %r" % (e, rows))
    log("    %s" % describe(row))
    day = wait_for("day heading „Heute“",
                   lambda: [a for a, _ in walk(w["list"]) if name(a) == "Heute"],
                   2, check_app)
    log("    %s" % describe(day[0]))

    english = sorted(set(describe(a) for a, _ in walk(frame) if name(a) in ENGLISH))
    if english:
        raise Failure("English names in the German window after sending: %r" % english)


if __name__ == "__main__":
    sys.exit(main())
