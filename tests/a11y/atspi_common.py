# atspi_common.py: helpers the AT-SPI checks share: logging, skipping, the
# processes a check starts, walking the tree, finding Confab and its parts,
# the composer, and the names every focusable object must have
#
# Copyright 2026 The Confab developers
# SPDX-License-Identifier: GPL-3.0-or-later

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

SKIP = 77  # meson: skipped

BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
FIND_TIMEOUT = 15        # seconds to wait for the window on the bus


class Failure(Exception):
    pass

def log(*args):
    print(*args, flush=True)


def skip(why):
    log("SKIP: " + why)
    sys.exit(SKIP)


def safe(fn, default=None):
    try:
        return fn()
    except Exception:
        return default


def role(acc):
    return safe(acc.getRoleName, "?")


def name(acc):
    return safe(lambda: acc.name, "") or ""


def children(acc):
    n = safe(lambda: acc.childCount, 0) or 0
    out = []
    for i in range(min(n, 500)):
        c = safe(lambda: acc.getChildAtIndex(i))
        if c is not None:
            out.append(c)
    return out


def walk(acc, depth=0, max_depth=40):
    yield acc, depth
    if depth >= max_depth:
        return
    for c in children(acc):
        yield from walk(c, depth + 1, max_depth)


def describe(acc):
    return "%s %r" % (role(acc), name(acc))


# --- running a check -------------------------------------------------------


def skip_unless_runnable(display_why="run under xvfb-run"):
    """Skip (77) without a display, a session bus, the accessibility bus
    launcher or pyatspi."""
    if not os.environ.get("DISPLAY"):
        skip("DISPLAY is not set (%s)" % display_why)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        skip("DBUS_SESSION_BUS_ADDRESS is not set (run under dbus-run-session)")
    if not os.access(BUS_LAUNCHER, os.X_OK):
        skip(BUS_LAUNCHER + " is missing (install at-spi2-core)")
    if (importlib.util.find_spec("gi") is None
            or importlib.util.find_spec("pyatspi") is None):
        skip("pyatspi cannot be imported by %s (install python3-pyatspi, "
             "run with /usr/bin/python3)" % sys.executable)


def import_pyatspi():
    """pyatspi, or skip. It connects to the accessibility bus when first
    used, so import it only once the launcher runs."""
    try:
        import gi
        gi.require_version("Atspi", "2.0")
        import pyatspi
    except (ImportError, ValueError) as e:
        skip("pyatspi cannot be imported: %s" % e)
    return pyatspi


class Children:
    """The processes a check starts. Each child gets its own session
    (process group, id = its PID) and its own log file: whatever it starts
    (the accessibility bus's dbus-daemon, the registry daemon it activates)
    is stopped with it and cannot keep the test runner's output pipe open."""

    def __init__(self):
        self.procs = []
        self.logs = []

    def spawn(self, label, argv, env=None):
        out = tempfile.TemporaryFile(prefix="confab-a11y-")
        self.logs.append((label, out))
        p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
        self.procs.append((label, p))
        return p

    def stop_all(self):
        """Stop every child, the last started first, then show their output."""
        for label, p in reversed(self.procs):
            stop(label, p)
        for label, out in self.logs:
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


def app_env(env, app_g_debug):
    """ENV made ready for Confab on the accessibility bus: settings in
    memory, GTK's AT-SPI bridge on, and G_DEBUG as the test environment set
    it (APP_G_DEBUG; it was kept away from this process's own GLib)."""
    env["GSETTINGS_BACKEND"] = "memory"
    env["GTK_A11Y"] = "atspi"
    env.pop("NO_AT_BRIDGE", None)
    if app_g_debug is not None:
        env["G_DEBUG"] = app_g_debug
    return env


def app_watch(app, deadline, others=()):
    """A check_app for run_checks(): Failure once APP or one of OTHERS
    ((label, process) pairs) has exited, or APP ran past DEADLINE seconds
    from now."""
    until = time.monotonic() + deadline

    def check_app():
        if app.poll() is not None:
            raise Failure("confab exited early with status %d" % app.returncode)
        for label, p in others:
            if p.poll() is not None:
                raise Failure("%s exited early with status %d" % (label, p.returncode))
        if time.monotonic() > until:
            raise Failure("confab ran past its %d s deadline" % deadline)

    return check_app


def outcome(body):
    """Run BODY; what came of it as the exit status: 0 pass, 1 fail (a
    Failure, or anything unexpected with its traceback)."""
    try:
        body()
        log("PASS")
        return 0
    except Failure as e:
        log("FAIL: %s" % e)
        return 1
    except Exception:
        traceback.print_exc()
        log("FAIL: unexpected error (see above)")
        return 1


# --- finding things --------------------------------------------------------


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


# --- the composer ----------------------------------------------------------


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


def put_text(pyatspi, entry, check_app, text):
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
