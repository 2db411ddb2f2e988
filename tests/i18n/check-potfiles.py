#!/usr/bin/env python3
# Copyright 2026 The Confab authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in lists every file with translatable strings.

Usage: check-potfiles.py [--write] SOURCE_ROOT

Fails (exit status 1), listing each problem, when
  - a file under src/ with a translatable marker (_(" N_(" C_(" NC_(" Q_("
    ngettext ( g_dngettext g_dpgettext translatable="yes" ...) is not listed,
  - a data/*.in or data/*.gschema.xml file is not listed,
  - a listed file does not exist, or is listed twice,
  - the list is not sorted (plain byte order, as `LC_ALL=C sort`).

With --write, po/POTFILES.in is rewritten instead: its leading comment block
is kept, missing and stale entries are fixed and the list is sorted.
"""

import os
import re
import sys

SCANNED_DIRS = ('src',)
SCANNED_SUFFIXES = ('.c', '.h', '.ui', '.in', '.xml', '.blp')

# A marker anywhere in a file means it has strings for xgettext.
C_MARKERS = re.compile(
    r'(?<![A-Za-z0-9_])(?:'
    r'(?:_|N_|C_|NC_|Q_)\s*\(\s*"'
    r'|(?:ngettext|g_dngettext|g_dpgettext2?|g_dgettext|g_dcgettext)\s*\('
    r')'
)
UI_MARKERS = re.compile(r'''translatable\s*=\s*["'](?:yes|true|1)["']''',
                        re.IGNORECASE)


def has_marker(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError as e:
        sys.stderr.write('check-potfiles: cannot read %s: %s\n' % (path, e))
        return False
    return bool(C_MARKERS.search(text) or UI_MARKERS.search(text))


def wanted_files(root):
    """Relative paths (with /) of every file that must be in POTFILES.in."""
    wanted = set()
    for top in SCANNED_DIRS:
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for name in filenames:
                if name.startswith('.') or not name.endswith(SCANNED_SUFFIXES):
                    continue
                path = os.path.join(dirpath, name)
                if has_marker(path):
                    wanted.add(os.path.relpath(path, root).replace(os.sep, '/'))
    data = os.path.join(root, 'data')
    if os.path.isdir(data):
        for name in os.listdir(data):
            if name.endswith('.in') or name.endswith('.gschema.xml'):
                if os.path.isfile(os.path.join(data, name)):
                    wanted.add('data/' + name)
    return wanted


def read_potfiles(path):
    """Returns (header lines, [(line number, entry)])."""
    header = []
    entries = []
    in_header = True
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            stripped = line.strip()
            if not stripped or stripped.startswith('#') or stripped.startswith('['):
                if in_header:
                    header.append(line.rstrip('\n'))
                continue
            in_header = False
            entries.append((number, stripped))
    return header, entries


def main(argv):
    args = [a for a in argv[1:] if a != '--write']
    write = len(args) != len(argv) - 1
    if len(args) != 1:
        sys.stderr.write('usage: check-potfiles.py [--write] SOURCE_ROOT\n')
        return 2
    root = os.path.abspath(args[0])
    potfiles = os.path.join(root, 'po', 'POTFILES.in')
    if not os.path.isfile(potfiles):
        sys.stderr.write('check-potfiles: %s does not exist\n' % potfiles)
        return 1

    header, entries = read_potfiles(potfiles)
    listed = [entry for _, entry in entries]
    wanted = wanted_files(root)

    missing = sorted(wanted - set(listed))
    absent = [(n, e) for n, e in entries
              if not os.path.isfile(os.path.join(root, e))]
    seen = set()
    duplicates = []
    for n, e in entries:
        if e in seen:
            duplicates.append((n, e))
        seen.add(e)
    unsorted = [(n, prev, e) for (_, prev), (n, e) in zip(entries, entries[1:])
                if e < prev]
    unmarked = [e for e in listed
                if e not in wanted and os.path.isfile(os.path.join(root, e))]

    if write:
        keep = set(e for e in listed if os.path.isfile(os.path.join(root, e)))
        body = sorted(keep | wanted)
        with open(potfiles, 'w', encoding='utf-8') as f:
            for line in header:
                f.write(line + '\n')
            for e in body:
                f.write(e + '\n')
        print('check-potfiles: wrote %s (%d files)' % (potfiles, len(body)))
        return 0

    failed = False
    if missing:
        failed = True
        print('Files with translatable strings missing from po/POTFILES.in:')
        for e in missing:
            print('  ' + e)
    if absent:
        failed = True
        print('Files listed in po/POTFILES.in that do not exist:')
        for n, e in absent:
            print('  line %d: %s' % (n, e))
    if duplicates:
        failed = True
        print('Files listed more than once in po/POTFILES.in:')
        for n, e in duplicates:
            print('  line %d: %s' % (n, e))
    if unsorted:
        failed = True
        print('po/POTFILES.in is not sorted (byte order, as LC_ALL=C sort):')
        for n, prev, e in unsorted:
            print('  line %d: %s comes after %s' % (n, e, prev))
    if unmarked:
        # Harmless for xgettext, so only a note.
        print('Note: listed files with no translatable marker found:')
        for e in unmarked:
            print('  ' + e)

    if failed:
        print()
        print('The list should read:')
        keep = set(e for e in listed if os.path.isfile(os.path.join(root, e)))
        for e in sorted(keep | wanted):
            print('  ' + e)
        print('(run "python3 tests/i18n/check-potfiles.py --write ." to fix)')
        return 1

    print('po/POTFILES.in lists all %d files with translatable strings, sorted.'
          % len(wanted))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
