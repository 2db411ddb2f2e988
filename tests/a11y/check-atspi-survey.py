#!/usr/bin/python3
# End-to-end accessibility of the post-conversation survey: start the local
# service with post-conversation surveys and its scripted agent, point Confab
# at it, and through AT-SPI only: write to the agent, say "bye", find the
# survey's question with its answers as named buttons and the bar's "Skip
# Survey" button, choose an answer (it is sent, the next question comes),
# then skip the rest (a row says so and "New Conversation" is back). Every
# focusable object of the window has a name while the survey runs.
#
# Usage: check-atspi-survey.py PATH-TO-CONFAB PATH-TO-CONFAB-SERVER
# Exit status: 0 pass, 1 fail, 77 skip (no display, no session bus, no pyatspi).

import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atspi_common import (  # noqa: E402
    BUS_LAUNCHER, Children, Failure, app_env, app_watch, check_names, describe, find_all,
    find_confab, find_one, focus_composer, import_pyatspi, log, name, outcome, put_text, role,
    skip_unless_runnable, wait_for, walk)

APP_DEADLINE = 60
STEP_TIMEOUT = 15


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if len(sys.argv) != 3:
        log("usage: check-atspi-survey.py PATH-TO-CONFAB PATH-TO-CONFAB-SERVER")
        return 1
    confab, server = sys.argv[1], sys.argv[2]

    skip_unless_runnable()

    app_g_debug = os.environ.pop("G_DEBUG", None)
    home = tempfile.mkdtemp(prefix="confab-a11y-survey-")
    kids = Children()

    def check():
        kids.spawn("at-spi-bus-launcher", [BUS_LAUNCHER, "--launch-immediately"])
        pyatspi = import_pyatspi()

        port = free_port()
        service = kids.spawn("confab-server", [server, "--port", str(port), "--agent", "bot", "--post-survey"])

        env = app_env(dict(os.environ), app_g_debug)
        env["LP_ACCOUNT"] = "confab-local"
        env["LP_CSDS"] = "http://127.0.0.1:%d" % port
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            env[var] = os.path.join(home, var.lower())
        # the service listens before the app looks for it
        time.sleep(0.5)
        app = kids.spawn("confab", [confab], env=env)
        run_checks(pyatspi, app.pid, app_watch(app, APP_DEADLINE, [("confab-server", service)]))

    try:
        return outcome(check)
    finally:
        kids.stop_all()
        shutil.rmtree(home, ignore_errors=True)


def run_checks(pyatspi, pid, check_app):
    app, frame = find_confab(pyatspi, pid, check_app)
    log("found %s" % describe(frame))

    deadline = time.monotonic() + 5
    while True:
        try:
            send = find_one(frame, "push button 'Send'",
                            lambda a: role(a) == "push button" and name(a) == "Send")
            entry = find_one(frame, "text 'Message'",
                             lambda a: role(a) in ("text", "entry") and name(a) == "Message")
            msgs = find_one(frame, "list 'Messages'",
                            lambda a: role(a) == "list" and name(a) == "Messages")
            break
        except Failure:
            check_app()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)

    def say(text):
        put_text(pyatspi, entry, check_app, text)
        if not send.queryAction().doAction(0):
            raise Failure("doAction(0) on Send returned false for %r" % text)

    def wait_named(what, pred, root=None):
        found = []

        def look():
            found[:] = find_all(root or msgs, pred)
            return bool(found)

        if not wait_for(look, STEP_TIMEOUT, check_app):
            held = [describe(a) for a, d in walk(msgs) if d > 0 and name(a)]
            raise Failure("no %s after %d s; the list holds: %r" % (what, STEP_TIMEOUT, held))
        return found[0]

    # GTK 4.8 exports a hidden widget not at all, or without the visible state.
    def offered(a, title):
        return role(a) == "push button" and name(a) == title and a.getState().contains(pyatspi.STATE_VISIBLE)

    def buttons(prefix):
        return lambda a: role(a) == "push button" and name(a).startswith(prefix)

    focus_composer(pyatspi, entry, check_app)
    say("Hello")
    wait_named("row 'Dana, …'", lambda a: name(a).startswith("Dana, "))
    say("bye")

    chip = wait_named("quick reply 'Quick reply: Very satisfied'", buttons("Quick reply: Very satisfied"))
    skip_button = wait_named("push button 'Skip Survey'",
                             lambda a: role(a) == "push button" and name(a) == "Skip Survey", frame)
    bar = wait_named("the bar asking for answers",
                     lambda a: role(a) == "label" and name(a).startswith("Please answer a few questions"), frame)
    log("    %s" % describe(chip))
    log("    %s" % describe(skip_button))
    log("    %s" % describe(bar))
    if find_all(frame, lambda a: offered(a, "New Conversation")):
        raise Failure("'New Conversation' is offered while the survey runs")
    check_names(pyatspi, frame, "the main window during the survey")

    # An answer through AT-SPI: sent as an own message, then the next question.
    if not chip.queryAction().doAction(0):
        raise Failure("doAction(0) on %s returned false" % describe(chip))
    wait_named("row 'You, …Very satisfied…'",
               lambda a: name(a).startswith("You, ") and "Very satisfied" in name(a))
    nxt = wait_named("quick reply 'Quick reply: Yes'", buttons("Quick reply: Yes"))
    log("    answered; next: %s" % describe(nxt))

    # Skipped through AT-SPI: a row says so, New Conversation is back.
    skip_button = wait_named("push button 'Skip Survey'",
                             lambda a: role(a) == "push button" and name(a) == "Skip Survey", frame)
    if not skip_button.queryAction().doAction(0):
        raise Failure("doAction(0) on 'Skip Survey' returned false")
    row = wait_named("row 'Survey skipped …'", lambda a: name(a).startswith("Survey skipped"))
    log("    %s" % describe(row))
    wait_named("push button 'New Conversation'", lambda a: offered(a, "New Conversation"), frame)
    if find_all(frame, lambda a: offered(a, "Skip Survey")):
        raise Failure("'Skip Survey' is still offered after skipping")
    if find_all(msgs, buttons("Quick reply: ")):
        raise Failure("the skipped survey's answers are still offered")
    log("    skipped: the row is there, New Conversation is back")


if __name__ == "__main__":
    sys.exit(main())
