#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""po/POTFILES.in must list, sorted, every source file with a translatable
string, and nothing else: a file missing from it is silently left out of
the translation template. And no marked string may be joined to a macro,
which xgettext cannot follow. Prints TAP."""

import os
import re
import sys

# _("…"), N_("…"), C_("ctx", "…"), NC_(…), Q_(…) and the plural forms.
MARKED = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|Q_|g_dngettext|ngettext)\s*\(\s*(?:"|[A-Za-z_]+\s*,)')
# A marked literal joined to a macro: xgettext extracts the literal alone,
# so the string looked up at run time is never in the catalogue.
SPLIT = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|Q_)\s*\(\s*"(?:[^"\\]|\\.)*"\s+[A-Z_][A-Z0-9_]*')
# Files never shipped to users: tests, benchmarks, fuzzers, build trees.
SKIPPED_DIRS = {"tests", ".git", ".ci"}


def marked_files(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        relative_dir = os.path.relpath(dirpath, root)
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in SKIPPED_DIRS and not d.startswith("build") and
            not os.path.exists(os.path.join(dirpath, d, "meson-private"))
        )
        for name in filenames:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.normpath(os.path.join(relative_dir, name))
            with open(os.path.join(root, path), encoding="utf-8") as source:
                if MARKED.search(source.read()):
                    found.append(path)
    return sorted(found)


def split_strings(root, paths):
    found = []
    for path in paths:
        with open(os.path.join(root, path), encoding="utf-8") as source:
            for match in SPLIT.finditer(source.read()):
                found.append("%s: %s" % (path, match.group(0)))
    return found


def listed_files(root):
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as potfiles:
        return [line.strip() for line in potfiles if line.strip() and not line.startswith("#")]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    listed = listed_files(root)
    marked = marked_files(root)
    checks = [
        ("POTFILES.in is sorted", listed == sorted(listed), listed),
        ("every listed file exists",
         all(os.path.isfile(os.path.join(root, p)) for p in listed),
         [p for p in listed if not os.path.isfile(os.path.join(root, p))]),
        ("every file with marked strings is listed", set(marked) <= set(listed),
         sorted(set(marked) - set(listed))),
        ("every listed file has marked strings", set(listed) <= set(marked),
         sorted(set(listed) - set(marked))),
    ]
    split = split_strings(root, marked)
    checks.append(("no marked string is joined to a macro", not split, split))
    print("1..%d" % len(checks))
    failed = 0
    for number, (name, ok, detail) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
        if not ok:
            failed += 1
            print("# " + " ".join(detail))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
