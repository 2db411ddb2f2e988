#!/usr/bin/env python3
# Copyright 2026 The Confab authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest: it parses, names the app and its command, asks
for exactly the sandbox permissions documented in flatpak/README.md, and
builds the app (its last module) with meson from this source tree.

Usage: check-manifest.py MANIFEST
"""

import json
import os
import sys

APP_ID = 'io.github.confab.Confab'
COMMAND = 'confab'
RUNTIME = 'org.gnome.Platform'
SDK = 'org.gnome.Sdk'
MIN_RUNTIME_VERSION = 43  # GTK 4.8 and libadwaita 1.2 or newer
ALLOWED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--talk-name=org.freedesktop.secrets',
}


def check(manifest_path):
    errors = []

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
    elif version != 'master':
        try:
            if int(version.split('.')[0]) < MIN_RUNTIME_VERSION:
                errors.append('runtime-version %s is older than %d'
                              % (version, MIN_RUNTIME_VERSION))
        except ValueError:
            errors.append('runtime-version %r is not a GNOME version' % version)

    finish_args = manifest.get('finish-args')
    if not isinstance(finish_args, list) or not all(isinstance(a, str) for a in finish_args):
        errors.append('finish-args must be a list of strings')
    else:
        extra = sorted(set(finish_args) - ALLOWED_FINISH_ARGS)
        missing = sorted(ALLOWED_FINISH_ARGS - set(finish_args))
        dups = sorted(set(a for a in finish_args if finish_args.count(a) > 1))
        if extra:
            errors.append('finish-args not allowed (see flatpak/README.md): '
                          + ', '.join(extra))
        if missing:
            errors.append('finish-args missing: ' + ', '.join(missing))
        if dups:
            errors.append('finish-args listed twice: ' + ', '.join(dups))

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
