#!/usr/bin/env python3
# Copyright 2026 The Confab authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that every translation in po/ is complete and well formed.

Usage: check-po.py SOURCE_ROOT [MERGED-FILE ...]

Fails (exit status 1), listing each problem, when
  - po/LINGUAS is not sorted, names a language twice or one with no po file,
    or a po/*.po file is not named in it,
  - a po file does not pass `msgfmt --check --check-accelerators=_`
    (format specifiers, plural forms, header, one mnemonic where the
    original has one), or has fuzzy or untranslated messages,
  - a po file lacks a translation for a message of the current sources: the
    template is extracted afresh from po/POTFILES.in with xgettext, as
    `meson compile -C _build confab-pot` does, and compared with msgcmp,
  - a MERGED-FILE (the built desktop file or metainfo) lacks a language of
    po/LINGUAS on one of its translatable keys or elements.

Running this needs gettext (msgfmt, msgcmp, xgettext).
"""

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# The 'glib' preset of meson's i18n.gettext(), as po/meson.build uses it.
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format', '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format', '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format', '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

DESKTOP_KEYS = ('Name', 'GenericName', 'Comment', 'Keywords')
METAINFO_TAGS = ('name', 'summary', 'p', 'li', 'caption', 'developer_name', 'keyword')
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


def run(argv, cwd=None):
    p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


def read_linguas(path):
    langs = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0]
            langs.extend(line.split())
    return langs


def check_linguas(root, langs):
    errors = []
    if langs != sorted(langs):
        errors.append('po/LINGUAS is not sorted: %s' % ' '.join(langs))
    dups = sorted(set(l for l in langs if langs.count(l) > 1))
    if dups:
        errors.append('po/LINGUAS names twice: %s' % ' '.join(dups))
    for lang in langs:
        if not os.path.isfile(os.path.join(root, 'po', lang + '.po')):
            errors.append('po/LINGUAS names %s, but there is no po/%s.po' % (lang, lang))
    for name in sorted(os.listdir(os.path.join(root, 'po'))):
        if name.endswith('.po') and name[:-3] not in langs:
            errors.append('po/%s is not in po/LINGUAS, so it is never built' % name)
    return errors


def check_po(po, template):
    """Problems of one po file, as a list of lines."""
    errors = []
    rel = os.path.join('po', os.path.basename(po))
    status, _, err = run(['msgfmt', '--check', '--check-accelerators=_',
                          '--statistics', '-o', os.devnull, po])
    if status != 0:
        errors.append('%s does not pass msgfmt --check:\n%s' % (rel, err.rstrip()))
    # "12 translated messages, 1 fuzzy translation, 2 untranslated messages."
    counts = dict((kind, int(n)) for n, kind in
                  re.findall(r'(\d+) (translated|fuzzy|untranslated)', err))
    if counts.get('fuzzy') or counts.get('untranslated'):
        errors.append('%s: %s' % (rel, err.strip().splitlines()[-1]))
    lang = os.path.basename(po)[:-3]
    with open(po, encoding='utf-8') as f:
        header = f.read(4000)
    if not re.search(r'"Language: %s\\n"' % re.escape(lang), header):
        errors.append('%s: its header does not say "Language: %s"' % (rel, lang))

    # msgcmp counts fuzzy and untranslated entries as missing; it names
    # each by its line in the template.
    status, _, err = run(['msgcmp', po, template])
    if status != 0:
        with open(template, encoding='utf-8') as f:
            lines = f.read().splitlines()
        missing = []
        for number in re.findall(r'^%s:(\d+): ' % re.escape(template), err, re.MULTILINE):
            start = int(number) - 1
            while start > 0 and lines[start - 1].strip():
                start -= 1
            text = [l for l in lines[start:int(number)]
                    if l.startswith(('msgctxt', 'msgid', '"'))]
            missing.append('  ' + ' '.join(text))
        errors.append('%s does not translate every message of the current sources '
                      '(README, "Adding a language", tells how to update it):\n%s'
                      % (rel, '\n'.join(missing) or err.rstrip()))
    return errors


def check_desktop(path, langs):
    errors = []
    keys = set()
    with open(path, encoding='utf-8') as f:
        for line in f:
            key = line.split('=', 1)[0].strip()
            if '=' in line and not line.startswith('#'):
                keys.add(key)
    for key in DESKTOP_KEYS:
        if key not in keys:
            continue
        for lang in langs:
            if '%s[%s]' % (key, lang) not in keys:
                errors.append('%s has no %s[%s]' % (os.path.basename(path), key, lang))
    return errors


def check_metainfo(path, langs):
    errors = []
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        return ['cannot parse %s: %s' % (path, e)]
    # msgfmt puts the translations of an element right after it, so each
    # untranslated element owns the translated ones up to the next one.
    for parent in root.iter():
        current = None
        for child in list(parent) + [None]:
            if child is None or (child.tag in METAINFO_TAGS and XML_LANG not in child.attrib):
                if current is not None:
                    element, seen = current
                    for lang in langs:
                        if lang not in seen:
                            errors.append('%s: <%s> "%s" has no xml:lang="%s"'
                                          % (os.path.basename(path), element.tag,
                                             ' '.join((element.text or '').split())[:50], lang))
                current = (child, set()) if child is not None else None
            elif current is not None and child.tag == current[0].tag:
                current[1].add(child.attrib.get(XML_LANG))
    return errors


def main(argv):
    if len(argv) < 2:
        sys.stderr.write('usage: check-po.py SOURCE_ROOT [MERGED-FILE ...]\n')
        return 2
    root = os.path.abspath(argv[1])
    langs = read_linguas(os.path.join(root, 'po', 'LINGUAS'))
    errors = check_linguas(root, langs)

    with tempfile.TemporaryDirectory(prefix='confab-check-po-') as tmp:
        template = os.path.join(tmp, 'confab.pot')
        status, _, err = run(['xgettext'] + XGETTEXT_ARGS +
                             ['--package-name=confab', '--directory=' + root,
                              '--files-from=' + os.path.join(root, 'po', 'POTFILES.in'),
                              '--output=' + template])
        if status != 0 or not os.path.isfile(template):
            print('xgettext could not extract the template:\n' + err)
            return 1
        for lang in langs:
            po = os.path.join(root, 'po', lang + '.po')
            if os.path.isfile(po):
                errors.extend(check_po(po, template))

    for path in argv[2:]:
        if path.endswith('.desktop'):
            errors.extend(check_desktop(path, langs))
        elif path.endswith('.xml'):
            errors.extend(check_metainfo(path, langs))
        else:
            errors.append('do not know how to check %s' % path)

    if errors:
        for e in errors:
            print(e)
        return 1
    print('po: %d language(s) complete: %s' % (len(langs), ' '.join(langs) or '(none)'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
