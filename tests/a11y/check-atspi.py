#!/usr/bin/python3
# End-to-end accessibility check: start Confab in demo mode, find it on the
# AT-SPI bus, check the main window's widgets have the roles and names a
# screen reader needs, then send a message through the accessibility
# interfaces only and wait for it (and the scripted agent's reply) to show up
# in the message list. It asks the agent for its menu (a card with buttons and
# quick replies), finds them named as they are read, the card as one group with
# its image and buttons in it, and chooses a quick reply
# through AT-SPI, which is sent and takes the chips away. Then walk the whole
# tree of the application, with the windows its menu opens (Preferences,
# Keyboard Shortcuts, About), and fail on every object that can take the
# keyboard focus but has no name.
#
# Usage: check-atspi.py PATH-TO-CONFAB
# Exit status: 0 pass, 1 fail, 77 skip (no display, no session bus, no pyatspi).

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atspi_common import (  # noqa: E402
    BUS_LAUNCHER, Children, Failure, app_env, app_watch, check_names, children, composer_text,
    describe, find_all, find_confab, find_one, focus_composer, import_pyatspi, log, name,
    outcome, put_text, role, safe, skip_unless_runnable, wait_for, walk)


APP_DEADLINE = 60        # seconds the app may live, whatever happens
OWN_TIMEOUT = 10         # seconds to wait for our message in the list
REPLY_TIMEOUT = 10       # seconds to wait for the agent's reply
WINDOW_TIMEOUT = 10      # seconds to wait for a window the menu opens
TEXT = "hello from at-spi"


def main():
    if len(sys.argv) != 2:
        log("usage: check-atspi.py PATH-TO-CONFAB")
        return 1
    confab = sys.argv[1]

    skip_unless_runnable("run under xvfb-run; the clicks and keystrokes this "
                         "check may need are X11 only")
    if not os.access(confab, os.X_OK):
        log("FAIL: %s is not an executable" % confab)
        return 1

    # G_DEBUG=fatal-warnings (from the test environment) is meant for the
    # app; keep it away from this process's own GLib, which reads it when gi
    # is imported, so a libatspi warning here reports a failure, not a core.
    app_g_debug = os.environ.pop("G_DEBUG", None)

    kids = Children()

    def check():
        kids.spawn("at-spi-bus-launcher", [BUS_LAUNCHER, "--launch-immediately"])
        pyatspi = import_pyatspi()
        env = app_env(dict(os.environ), app_g_debug)
        app = kids.spawn("confab", [confab, "--demo"], env=env)
        run_checks(pyatspi, app.pid, app_watch(app, APP_DEADLINE))

    try:
        return outcome(check)
    finally:
        kids.stop_all()


# --- tree helpers ----------------------------------------------------------


def is_stand_in(acc):
    """A name GTK made up from the type ("GtkPicture", "ConfabRichView")."""
    n = name(acc).strip()
    return n.isalnum() and n[:3] in ("Gtk", "Adw", "Con") and any(c.isupper() for c in n[1:])


def check_card(msgs, card_buttons):
    """The card reads as one group named by its whole text, holding every
    button of it and its image ("Image: …"); nothing in it or around it up to
    its row is read by a made-up name."""
    groups = find_all(msgs, lambda a: role(a) == "panel" and name(a).startswith("Image: ")
                      and "\nButton: " in name(a))
    if len(groups) != 1:
        raise Failure("no single card group named 'Image: …\\nButton: …' in 'Messages' "
                      "(found %r)" % [describe(g) for g in groups])
    card = groups[0]
    inside = [a for a, _ in walk(card)]
    for b in card_buttons:
        if b not in inside:
            raise Failure("%s is not in the card's group" % describe(b))
    images = [a for a in inside if role(a) == "image" and name(a).startswith("Image: ")]
    if not images:
        raise Failure("no image named 'Image: …' in the card")
    made_up = [a for a in inside if is_stand_in(a)]
    a = safe(lambda: card.parent)
    while a is not None and role(a) != "list item":
        if is_stand_in(a):
            made_up.append(a)
        a = safe(lambda: a.parent)
    if made_up:
        raise Failure("read by a made-up name in or around the card: %s"
                      % ", ".join(describe(m) for m in made_up))
    log("    the card is one group: %s, %d buttons in it" % (describe(images[0]), len(card_buttons)))


def click(acc, what):
    """Do ACC's first action (a button's or menu item's "click")."""
    action = safe(acc.queryAction)
    if action is None or safe(lambda: action.nActions, 0) == 0:
        raise Failure("%s (%s) has no action" % (what, describe(acc)))
    if not action.doAction(0):
        raise Failure("%s: doAction(0) returned false" % what)


def open_from_menu(frame, app, item, title, check_app):
    """Open the main menu and choose ITEM; return the window titled TITLE."""
    # The menu button's own object has no action; the toggle inside it does.
    menu = find_one(frame, "a 'Main Menu' button that can be pressed",
                    lambda a: name(a) == "Main Menu" and safe(lambda: a.queryAction().nActions, 0) > 0)
    click(menu, "Main Menu")
    entry = []
    if not wait_for(lambda: entry.extend(find_all(frame, lambda a: role(a) == "menu item" and name(a) == item))
                    or bool(entry), WINDOW_TIMEOUT, check_app):
        raise Failure("no menu item %r after opening the main menu" % item)
    click(entry[0], item)
    return wait_window(app, title, check_app)


def close_window(window, app, title, check_app):
    """Close WINDOW through the window.close action GTK offers on it."""
    action = safe(window.queryAction)
    names = [action.getName(i) for i in range(action.nActions)] if action else []
    if "window.close" not in names:
        raise Failure("%r offers no window.close action (it has %r)" % (title, names))
    action.doAction(names.index("window.close"))
    if not wait_for(lambda: not any(name(c) == title for c in children(app)),
                    WINDOW_TIMEOUT, check_app):
        raise Failure("%r did not close" % title)


def wait_window(app, title, check_app):
    found = []

    def look():
        found[:] = [c for c in children(app)
                    if role(c) in ("frame", "dialog", "window") and name(c) == title]
        return bool(found)

    if not wait_for(look, WINDOW_TIMEOUT, check_app):
        raise Failure("no %r window; the application has: %r"
                      % (title, [describe(c) for c in children(app)]))
    return found[0]


def run_checks(pyatspi, pid, check_app):
    t0 = time.monotonic()
    app, frame = find_confab(pyatspi, pid, check_app)
    log("found after %.1f s:" % (time.monotonic() - t0))
    log("  application %r (pid %d)" % (name(app), pid))
    log("    %s" % describe(frame))

    def is_button(a):
        return role(a) in ("push button", "toggle button", "menu button")

    # Widgets may appear a little after the frame; retry briefly.
    deadline = time.monotonic() + 5
    while True:
        try:
            send = find_one(frame, "push button 'Send'",
                            lambda a: role(a) == "push button" and name(a) == "Send")
            menu = find_one(frame, "button 'Main Menu'",
                            lambda a: is_button(a) and name(a) == "Main Menu")
            entry = find_one(frame, "text/entry 'Message'",
                             lambda a: role(a) in ("text", "entry") and name(a) == "Message")
            msgs = find_one(frame, "list 'Messages'",
                            lambda a: role(a) == "list" and name(a) == "Messages")
            break
        except Failure:
            check_app()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)
    for a in (menu, entry, send, msgs):
        log("    %s" % describe(a))

    # The demo says it is one, with the way to a real account next to it.
    demo = find_one(frame, "label saying this is a demo",
                    lambda a: role(a) == "label" and name(a).startswith("This is a demo"))
    account = find_one(frame, "button 'Use a LivePerson Account…'",
                       lambda a: role(a) == "push button" and name(a) == "Use a LivePerson Account\u2026")
    for a in (demo, account):
        log("    %s" % describe(a))

    # Type like a person: focus the composer, put the text in, press Send.
    focus_composer(pyatspi, entry, check_app)
    put_text(pyatspi, entry, check_app, TEXT)
    log("    composer now holds %r" % composer_text(entry))

    action = send.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    if not names:
        raise Failure("the Send button has no actions")
    if not action.doAction(0):
        raise Failure("doAction(0) (%s) on Send returned false" % names[0])
    log("    did %r on Send" % names[0])

    def wait_row(what, pred, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check_app()
            rows = find_all(msgs, lambda a: pred(name(a)))
            if rows:
                return rows[0]
            time.sleep(0.25)
        names = [describe(a) for a, d in walk(msgs) if d > 0 and name(a)]
        raise Failure("no %s in 'Messages' after %d s; list holds: %r"
                      % (what, timeout, names))

    t1 = time.monotonic()
    own = wait_row("row 'You, …%s…'" % TEXT,
                   lambda n: n.startswith("You, ") and TEXT in n, OWN_TIMEOUT)
    log("    own message after %.1f s: %s" % (time.monotonic() - t1, describe(own)))
    reply = wait_row("row 'Dana, …'",
                     lambda n: n.startswith("Dana, "), REPLY_TIMEOUT)
    log("    reply after %.1f s: %s" % (time.monotonic() - t1, describe(reply)))

    # The agent taking the conversation is a row of its own, read in its place: after the
    # person's message, before the agent's first answer.
    joined = wait_row("row 'Dana joined the conversation'",
                      lambda n: n == "Dana joined the conversation", REPLY_TIMEOUT)
    # By what each row says, not its whole name: the own row's receipt ("Delivered.",
    # "Read.") may change while the tree is walked.
    reply_name = name(reply)
    kinds = (("own", lambda n: n.startswith("You, ") and TEXT in n),
             ("joined", lambda n: n == "Dana joined the conversation"),
             ("reply", lambda n: n == reply_name))
    order = []
    names = []
    for a, d in walk(msgs):
        n = name(a)
        for kind, pred in kinds:
            # the list item, the row in it and its caption say the same: once
            if d > 0 and pred(n) and kind not in order:
                order.append(kind)
                names.append(n)
    if order[:3] != ["own", "joined", "reply"]:
        raise Failure("the rows are not read in order: %r" % names)
    log("    in order: %s" % describe(joined))

    if not wait_for(lambda: composer_text(entry) == "", 2, check_app):
        raise Failure("the composer still holds %r after sending"
                      % composer_text(entry))

    # Rich content: the bot's menu is a card with buttons and quick replies,
    # each a button named as it is read ("Button: …", "Quick reply: …").
    put_text(pyatspi, entry, check_app, "menu")
    if not send.queryAction().doAction(0):
        raise Failure("doAction(0) on Send returned false for 'menu'")

    def wait_button(what, prefix, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check_app()
            found = find_all(msgs, lambda a: role(a) == "push button" and name(a).startswith(prefix))
            if found:
                return found
            time.sleep(0.25)
        raise Failure("no %s in 'Messages' after %d s" % (what, timeout))

    card_buttons = wait_button("card button 'Button: …'", "Button: ", REPLY_TIMEOUT)
    chips = wait_button("quick reply 'Quick reply: …'", "Quick reply: ", REPLY_TIMEOUT)
    log("    card buttons: %s" % ", ".join(describe(a) for a in card_buttons))
    log("    quick replies: %s" % ", ".join(describe(a) for a in chips))
    check_card(msgs, card_buttons)
    # A quick reply pressed through AT-SPI: its words become an own message,
    # and the chips go.
    chip_title = name(chips[0])[len("Quick reply: "):]
    if not chips[0].queryAction().doAction(0):
        raise Failure("doAction(0) on %s returned false" % describe(chips[0]))
    wait_row("row 'You, …%s…'" % chip_title,
             lambda n: n.startswith("You, ") and chip_title in n, OWN_TIMEOUT)
    if not wait_for(lambda: not find_all(msgs, lambda a: role(a) == "push button"
                                         and name(a).startswith("Quick reply: ")),
                    5, check_app):
        raise Failure("the quick replies are still shown after one was chosen")
    log("    chose %r: it was sent and the chips went" % chip_title)

    log("message list:")
    for a, d in walk(msgs):
        if d > 0 and name(a):
            log("    %s%s" % ("  " * (d - 1), describe(a)))

    # Everything that can take the focus has a name: the main window with
    # messages in it and its menu open, then each window the menu opens.
    log("names:")
    check_names(pyatspi, frame, "the main window")
    for item, title in (("Preferences", "Preferences"),
                        ("Keyboard Shortcuts", "Keyboard Shortcuts"),
                        ("About Confab", "About")):
        window = open_from_menu(frame, app, item, title, check_app)
        if item == "Preferences":
            # the menu is still in the tree, closed; check it once, with its items
            check_names(pyatspi, frame, "the main window with its menu")
        check_names(pyatspi, window, "the %r window" % title)
        close_window(window, app, title, check_app)


if __name__ == "__main__":
    sys.exit(main())
