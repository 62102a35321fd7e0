#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The man pages document every option artemisd and artemisctl accept (as
their --help lists them), every artemisctl command, and every key of
data/artemisd.conf. Prints TAP.
    check-man-pages.py ARTEMISD ARTEMISCTL artemisd.8.scd artemisctl.1.scd artemisd.conf.5.scd artemisd.conf"""

import re
import subprocess
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def long_options(program):
    help_text = subprocess.run([program, "--help"], capture_output=True, text=True,
                               env={"LC_ALL": "C.UTF-8"}, check=True).stdout
    return sorted(set(re.findall(r"^\s+(?:-\w, )?--([a-z][a-z-]*)", help_text, re.M)))


def missing_options(program, page):
    return ["--" + option for option in long_options(program) if "*--%s*" % option not in page]


def missing_commands(program, page):
    help_text = subprocess.run([program, "--help"], capture_output=True, text=True,
                               env={"LC_ALL": "C.UTF-8"}, check=True).stdout
    commands = re.findall(r"^  ([a-z][a-z-]+)(?: |$)", help_text.split("Commands:")[1], re.M)
    return [command for command in commands if "*%s" % command not in page]


def missing_keys(conf, page):
    missing = []
    group = None
    for line in conf.splitlines():
        if line.startswith("["):
            group = line
            if "## %s" % group.replace("[", "\\[").replace("]", "\\]") not in page and \
                    "## %s" % group not in page:
                missing.append(group)
        match = re.match(r"^#([a-z][a-z-]*)=", line)
        if match and "*%s*=" % match.group(1) not in page:
            missing.append("%s %s" % (group, match.group(1)))
    return missing


def main():
    artemisd, artemisctl, daemon_page, ctl_page, conf_page, conf = sys.argv[1:7]
    checks = [
        ("artemisd(8) documents every option", missing_options(artemisd, read(daemon_page))),
        ("artemisctl(1) documents every option", missing_options(artemisctl, read(ctl_page))),
        ("artemisctl(1) documents every command", missing_commands(artemisctl, read(ctl_page))),
        ("artemisd.conf(5) documents every key", missing_keys(read(conf), read(conf_page))),
    ]
    print("1..%d" % len(checks))
    failed = 0
    for number, (name, missing) in enumerate(checks, 1):
        print("%s %d - %s" % ("not ok" if missing else "ok", number, name))
        if missing:
            failed = 1
            print("# missing: " + ", ".join(missing))
    return failed


if __name__ == "__main__":
    sys.exit(main())
