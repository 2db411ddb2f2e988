#!/usr/bin/python3
# End-to-end accessibility check: start Confab in demo mode, find it on the
# AT-SPI bus, check the main window's widgets have the roles and names a
# screen reader needs, then send a message through the accessibility
# interfaces only and wait for it (and the scripted agent's reply) to show up
# in the message list. It asks the agent for its menu (a card with buttons and
# quick replies), finds them named as they are read and chooses a quick reply
# through AT-SPI, which is sent and takes the chips away. Then walk the whole
# tree of the application, with the windows its menu opens (Preferences,
# Keyboard Shortcuts, About), and fail on every object that can take the
# keyboard focus but has no name.
#
# Usage: check-atspi.py PATH-TO-CONFAB
# Exit status: 0 pass, 1 fail, 77 skip (no display, no session bus, no pyatspi).

import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atspi_common import SKIP, log, skip, safe, role, name, children, walk, describe  # noqa: E402


APP_DEADLINE = 60        # seconds the app may live, whatever happens
FIND_TIMEOUT = 15        # seconds to wait for the window on the bus
OWN_TIMEOUT = 10         # seconds to wait for our message in the list
REPLY_TIMEOUT = 10       # seconds to wait for the agent's reply
WINDOW_TIMEOUT = 10      # seconds to wait for a window the menu opens
TEXT = "hello from at-spi"

BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"


class Failure(Exception):
    pass


def main():
    if len(sys.argv) != 2:
        log("usage: check-atspi.py PATH-TO-CONFAB")
        return 1
    confab = sys.argv[1]

    if not os.environ.get("DISPLAY"):
        skip("DISPLAY is not set (run under xvfb-run; the clicks and "
             "keystrokes this check may need are X11 only)")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        skip("DBUS_SESSION_BUS_ADDRESS is not set (run under dbus-run-session)")
    if not os.access(BUS_LAUNCHER, os.X_OK):
        skip(BUS_LAUNCHER + " is missing (install at-spi2-core)")
    import importlib.util
    if (importlib.util.find_spec("gi") is None
            or importlib.util.find_spec("pyatspi") is None):
        skip("pyatspi cannot be imported by %s (install python3-pyatspi, "
             "run with /usr/bin/python3)" % sys.executable)
    if not os.access(confab, os.X_OK):
        log("FAIL: %s is not an executable" % confab)
        return 1

    # G_DEBUG=fatal-warnings (from the test environment) is meant for the
    # app; keep it away from this process's own GLib, which reads it when gi
    # is imported, so a libatspi warning here reports a failure, not a core.
    app_g_debug = os.environ.pop("G_DEBUG", None)

    procs = []
    logs = []
    try:
        # Each child gets its own session (process group, id = its PID) and
        # its own log file: whatever it starts (the accessibility bus's
        # dbus-daemon, the registry daemon it activates) is stopped with it
        # and cannot keep the test runner's output pipe open.
        def spawn(label, argv, env=None):
            out = tempfile.TemporaryFile(prefix="confab-a11y-")
            logs.append((label, out))
            p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
            procs.append((label, p))
            return p

        spawn("at-spi-bus-launcher", [BUS_LAUNCHER, "--launch-immediately"])

        # pyatspi connects to the accessibility bus when first used, so
        # import it only once the launcher runs.
        try:
            import gi
            gi.require_version("Atspi", "2.0")
            import pyatspi
        except (ImportError, ValueError) as e:
            skip("pyatspi cannot be imported: %s" % e)

        env = dict(os.environ)
        env["GSETTINGS_BACKEND"] = "memory"
        env["GTK_A11Y"] = "atspi"
        env.pop("NO_AT_BRIDGE", None)
        if app_g_debug is not None:
            env["G_DEBUG"] = app_g_debug
        app = spawn("confab", [confab, "--demo"], env=env)
        app_deadline = time.monotonic() + APP_DEADLINE

        def check_app():
            if app.poll() is not None:
                raise Failure("confab exited early with status %d" % app.returncode)
            if time.monotonic() > app_deadline:
                raise Failure("confab ran past its %d s deadline" % APP_DEADLINE)

        run_checks(pyatspi, app.pid, check_app)
        log("PASS")
        return 0
    except Failure as e:
        log("FAIL: %s" % e)
        return 1
    except Exception:
        traceback.print_exc()
        log("FAIL: unexpected error (see above)")
        return 1
    finally:
        for label, p in reversed(procs):
            stop(label, p)
        for label, out in logs:
            out.seek(0)
            text = out.read().decode("utf-8", "replace").strip()
            if text:
                sys.stderr.write("--- output of %s ---\n%s\n" % (label, text))
            out.close()
        sys.stderr.flush()


def stop(label, p):
    """Stop P's process group (its id is P's PID), then reap P."""
    if p.poll() is not None:
        # Normal for the bus launcher when the session already has an
        # accessibility bus (another GTK program started one): it exits.
        log("(%s had already exited with status %d)" % (label, p.returncode))
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        log("%s (pid %d) ignored SIGTERM, killing it" % (label, p.pid))
    # Anything left in the group (e.g. a daemon that ignored SIGTERM) goes now.
    time.sleep(0.1)
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if p.poll() is None:
        p.wait(timeout=5)


# --- tree helpers ----------------------------------------------------------


def find_all(root, pred):
    return [a for a, _ in walk(root) if safe(lambda: pred(a), False)]


def find_one(root, what, pred):
    found = find_all(root, pred)
    if not found:
        raise Failure("no %s in the accessibility tree" % what)
    return found[0]


def find_confab(pyatspi, pid, check_app):
    deadline = time.monotonic() + FIND_TIMEOUT
    seen = []
    while time.monotonic() < deadline:
        check_app()
        desktop = pyatspi.Registry.getDesktop(0)
        seen = []
        for app in children(desktop):
            app_pid = safe(app.get_process_id)
            seen.append("%s (pid %s)" % (name(app), app_pid))
            # Ours, not some other Confab that happens to share the bus.
            if app_pid != pid:
                continue
            frames = [c for c in children(app) if role(c) == "frame"]
            if frames:
                return app, frames[0]
        time.sleep(0.25)
    raise Failure("no Confab frame on the accessibility bus after %d s "
                  "(applications: %r)" % (FIND_TIMEOUT, seen))


def is_unnamed(acc):
    """No name a screen reader could say: empty, or GTK's stand-in, the
    widget's type name ("GtkButton", "AdwGizmo")."""
    n = name(acc).strip()
    return n == "" or (n[:3] in ("Gtk", "Adw") and n.isalnum())


def path_of(acc, root):
    """Where ACC is, as the roles and names from ROOT down, for the report."""
    parts = []
    a = acc
    while a is not None and len(parts) < 40:
        parts.append(describe(a))
        if a == root:
            break
        a = safe(lambda: a.parent)
    return " > ".join(reversed(parts[:4]))


CONTROLS = ("push button", "toggle button", "check box", "radio button",
            "menu item", "switch", "page tab")


def badly_named(acc):
    """A control whose name is read twice ("Send Read Receipts Send Read
    Receipts") or keeps a mnemonic's underline ("_Copy Text")."""
    if role(acc) not in CONTROLS:
        return False
    words = name(acc).split()
    half = len(words) // 2
    doubled = len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]
    underline = any(w.startswith("_") and len(w) > 1 and w[1].isalpha() for w in words)
    return doubled or underline


def unnamed_focusable(pyatspi, root):
    """Every object under ROOT that can take the focus and has no name."""
    found = []
    for a, _ in walk(root):
        states = safe(a.getState)
        if states is None or not states.contains(pyatspi.STATE_FOCUSABLE):
            continue
        if is_unnamed(a):
            found.append(a)
    return found


def check_names(pyatspi, root, what):
    found = unnamed_focusable(pyatspi, root)
    n = sum(1 for a, _ in walk(root)
            if safe(lambda: a.getState().contains(pyatspi.STATE_FOCUSABLE), False))
    if found:
        raise Failure("%d focusable object(s) without a name in %s:\n      %s"
                      % (len(found), what,
                         "\n      ".join(path_of(a, root) for a in found)))
    twice = [a for a, _ in walk(root) if safe(lambda: badly_named(a), False)]
    if twice:
        raise Failure("%d control(s) in %s named twice or with a mnemonic's underline:\n      %s"
                      % (len(twice), what,
                         "\n      ".join(path_of(a, root) for a in twice)))
    log("    %s: all %d focusable objects have names" % (what, n))


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


def composer_text(entry):
    return entry.queryText().getText(0, -1)


def is_focused(pyatspi, acc):
    states = safe(acc.getState)
    return bool(states and states.contains(pyatspi.STATE_FOCUSED))


def wait_for(pred, timeout, check_app):
    deadline = time.monotonic() + timeout
    while True:
        check_app()
        if safe(pred, False):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def focus_composer(pyatspi, entry, check_app):
    """Give the composer keyboard focus: Component.GrabFocus, or a click."""
    # Confab puts the focus in the composer itself; the state shows once the
    # window is active, which under Xvfb can take a second or more.
    if wait_for(lambda: is_focused(pyatspi, entry), 8, check_app):
        log("    composer focused by Confab")
        return
    how = None
    try:
        if entry.queryComponent().grabFocus():
            how = "Component.grabFocus"
    except Exception as e:            # GTK 4.8 answers NotSupported
        log("    (grabFocus not supported: %s)" % str(e).strip())
    if how is None or not wait_for(lambda: is_focused(pyatspi, entry), 2, check_app):
        # Click into the middle of the composer, as a person would.  GTK 4
        # knows no screen coordinates (it warns when asked, and warnings are
        # fatal in tests); with no window manager on Xvfb the window sits at
        # the origin, so window coordinates are screen coordinates.
        ext = entry.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        x, y = ext.x + ext.width // 2, ext.y + ext.height // 2
        log("    composer at %d,%d %dx%d: clicking %d,%d"
            % (ext.x, ext.y, ext.width, ext.height, x, y))
        pyatspi.Registry.generateMouseEvent(x, y, pyatspi.MOUSE_ABS)
        time.sleep(0.1)
        pyatspi.Registry.generateMouseEvent(x, y, pyatspi.MOUSE_B1C)
        how = "a click"
    if not wait_for(lambda: is_focused(pyatspi, entry), 3, check_app):
        raise Failure("the composer did not take focus after %s; its states: %s"
                      % (how, safe(lambda: entry.getState().getStates())))
    log("    composer focused by %s" % how)


def put_text(pyatspi, entry, check_app, text=TEXT):
    """Put text into the composer: EditableText if offered, else keystrokes."""
    try:
        editable = entry.queryEditableText()
    except NotImplementedError:
        editable = None
    if editable is not None:
        try:
            editable.setTextContents(text)
        except Exception as e:
            log("    (EditableText.setTextContents failed: %s)" % e)
        if wait_for(lambda: composer_text(entry) == text, 2, check_app):
            log("    text set with EditableText")
            return
    else:
        log("    (the composer has no EditableText interface; typing)")
    pyatspi.Registry.generateKeyboardEvent(0, text, pyatspi.KEY_STRING)
    if not wait_for(lambda: composer_text(entry) == text, 5, check_app):
        raise Failure("the composer holds %r after typing %r"
                      % (composer_text(entry), text))
    log("    text typed with generateKeyboardEvent")


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
    put_text(pyatspi, entry, check_app)
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
    # By what stays of each name: the own row's ends in its delivery state, which the agent's
    # receipts change while the list is walked.
    reply_name = name(reply)

    def which(n):
        if n.startswith("You, ") and TEXT in n:
            return "own"
        if n == "Dana joined the conversation":
            return "joined"
        if n == reply_name:
            return "reply"
        return None

    order = []
    for a, d in walk(msgs):
        # the list item, the row in it and its caption say the same: once
        w = which(name(a)) if d > 0 else None
        if w is not None and w not in order:
            order.append(w)
    if order[:3] != ["own", "joined", "reply"]:
        raise Failure("the rows are not read in order: %r" % order)
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
