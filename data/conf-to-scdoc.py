#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes artemisd.conf(5) in scdoc: the hand-written TEMPLATE with @KEYS@
replaced by every group and key of CONF (data/artemisd.conf, the source of
truth, generated from the daemon's table of keys), so the manual documents
every key with its default, range and Java property.
    conf-to-scdoc.py TEMPLATE CONF OUTPUT"""

import re
import sys


def escape(text):
    # scdoc formats *bold* and _underline_; keep them literal.
    return re.sub(r"([*_\\])", r"\\\1", text)


def keys_section(conf_path):
    out = []
    comments = []
    with open(conf_path, encoding="utf-8") as conf:
        lines = conf.read().splitlines()
    # The two lines of the file's header are the template's business.
    for line in lines[2:]:
        if line.startswith("[") and line.endswith("]"):
            out.append("## %s\n" % escape(line))
            comments = []
        elif line.startswith("#") and "=" in line and not line.startswith("# "):
            name, _, default = line[1:].partition("=")
            out.append("*%s*=%s" % (escape(name), escape(default) if default else "(empty)"))
            # The description, the range and the Java property, as one paragraph.
            out.append("\t" + escape(" ".join(comments)))
            out.append("")
            comments = []
        elif line.startswith("# "):
            comments.append(line[2:])
    return "\n".join(out)


def main():
    template, conf, output = sys.argv[1:4]
    with open(template, encoding="utf-8") as f:
        text = f.read()
    with open(output, "w", encoding="utf-8") as f:
        f.write(text.replace("@KEYS@", keys_section(conf)))


if __name__ == "__main__":
    main()
