# atspi_common.py: helpers the AT-SPI checks share: logging, skipping, walking the tree
#
# Copyright 2026 The Confab developers
# SPDX-License-Identifier: GPL-3.0-or-later

import sys

SKIP = 77  # meson: skipped

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
