#!/usr/bin/env python3
# Copyright 2026 The Confab authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest: it parses, names the app and its command, uses
a GNOME runtime that is in support today, asks for exactly the sandbox
permissions documented in flatpak/README.md (the token goes through the
Secret portal, so the Secret Service's bus name is not among them), and
builds the app (its last module) with meson from this source tree.

Usage: check-manifest.py MANIFEST
"""

import calendar
import datetime
import json
import os
import sys

APP_ID = 'io.github.confab.Confab'
COMMAND = 'confab'
RUNTIME = 'org.gnome.Platform'
SDK = 'org.gnome.Sdk'
# Raised when a runtime goes out of support; see runtime_support() for the
# date check that says when.
MIN_RUNTIME_VERSION = 50
ALLOWED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
}
# With them the app could read every secret of the user's keyring, not just
# its own, which is what the Secret portal gives it.
FORBIDDEN_FINISH_ARGS = {
    '--talk-name=org.freedesktop.secrets': 'the token goes through the Secret portal',
    '--socket=session-bus': 'it opens every bus name, the Secret Service among them',
}


def runtime_support(version):
    """(release date, estimated end of support) of GNOME runtime VERSION.

    GNOME releases every six months, 40 in March 2021, 41 in September 2021,
    and so on; Flathub supports a runtime until the second release after it
    is out (48 ended on 2026-03-24, a week after 50 came out), so about a
    year.  The end is taken as the last day of that later release's month.
    """
    def release(v):
        year = 2021 + (v - 40) // 2
        month = 3 if v % 2 == 0 else 9
        return year, month
    year, month = release(version)
    released = datetime.date(year, month, 1)
    year, month = release(version + 2)
    ends = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return released, ends


def check(manifest_path, today=None):
    errors = []
    if today is None:
        today = datetime.date.today()

    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        return ['cannot parse %s: %s' % (manifest_path, e)]
    if not isinstance(manifest, dict):
        return ['the manifest is not a JSON object']

    app_id = manifest.get('app-id', manifest.get('id'))
    if app_id != APP_ID:
        errors.append('app-id is %r, expected %r' % (app_id, APP_ID))
    if os.path.basename(manifest_path) != APP_ID + '.json':
        errors.append('the manifest file should be named %s.json' % APP_ID)
    if manifest.get('command') != COMMAND:
        errors.append('command is %r, expected %r' % (manifest.get('command'), COMMAND))
    if manifest.get('runtime') != RUNTIME:
        errors.append('runtime is %r, expected %r' % (manifest.get('runtime'), RUNTIME))
    if manifest.get('sdk') != SDK:
        errors.append('sdk is %r, expected %r' % (manifest.get('sdk'), SDK))
    version = manifest.get('runtime-version')
    if not isinstance(version, str):
        errors.append('runtime-version must be a string, got %r' % (version,))
    elif not version.isdigit():
        errors.append('runtime-version %r is not a stable GNOME runtime (such as "%d")'
                      % (version, MIN_RUNTIME_VERSION))
    else:
        number = int(version)
        released, ends = runtime_support(number)
        if number < MIN_RUNTIME_VERSION:
            errors.append('runtime-version %s is older than %d, the oldest this test knows '
                          'to be in support' % (version, MIN_RUNTIME_VERSION))
        elif today < released:
            errors.append('runtime-version %s is not out yet (due in %s)'
                          % (version, released.strftime('%B %Y')))
        elif today > ends:
            # A warning, not a failure: the build must not break on a date alone. Whoever
            # reads the test log moves the runtime on.
            print('warning: the GNOME %s runtime is out of support since about %s: move '
                  'runtime-version to a newer runtime, update flatpak/README.md '
                  'and MIN_RUNTIME_VERSION here' % (version, ends.isoformat()), file=sys.stderr)

    finish_args = manifest.get('finish-args')
    if not isinstance(finish_args, list) or not all(isinstance(a, str) for a in finish_args):
        errors.append('finish-args must be a list of strings')
    else:
        extra = sorted(set(finish_args) - ALLOWED_FINISH_ARGS - set(FORBIDDEN_FINISH_ARGS))
        missing = sorted(ALLOWED_FINISH_ARGS - set(finish_args))
        dups = sorted(set(a for a in finish_args if finish_args.count(a) > 1))
        if extra:
            errors.append('finish-args not allowed (see flatpak/README.md): '
                          + ', '.join(extra))
        if missing:
            errors.append('finish-args missing: ' + ', '.join(missing))
        if dups:
            errors.append('finish-args listed twice: ' + ', '.join(dups))
        for arg in finish_args:
            if arg in FORBIDDEN_FINISH_ARGS:
                errors.append('finish-args must not have %s: %s'
                              % (arg, FORBIDDEN_FINISH_ARGS[arg]))

    modules = manifest.get('modules')
    if not isinstance(modules, list) or not modules:
        errors.append('modules must be a non-empty list')
    else:
        last = modules[-1]
        if not isinstance(last, dict):
            errors.append('the last module must be inline, not a file reference: %r' % (last,))
        else:
            if last.get('name') != 'confab':
                errors.append('the last module is named %r, expected %r'
                              % (last.get('name'), 'confab'))
            if last.get('buildsystem') != 'meson':
                errors.append('the last module builds with %r, expected %r'
                              % (last.get('buildsystem'), 'meson'))
            sources = last.get('sources')
            if not isinstance(sources, list) or not sources:
                errors.append('the last module has no sources')
            else:
                manifest_dir = os.path.dirname(os.path.abspath(manifest_path))
                dirs = [s for s in sources
                        if isinstance(s, dict) and s.get('type') == 'dir']
                ok = False
                for s in dirs:
                    path = os.path.normpath(os.path.join(manifest_dir, s.get('path', '')))
                    if os.path.isfile(os.path.join(path, 'meson.build')):
                        ok = True
                if not ok:
                    errors.append('the last module has no "dir" source pointing at '
                                  'a tree with a meson.build')
    return errors


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: check-manifest.py MANIFEST\n')
        return 2
    errors = check(argv[1])
    if errors:
        print('%s:' % argv[1])
        for e in errors:
            print('  ' + e)
        return 1
    print('%s: ok' % argv[1])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
