#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The shipped translations: every language of po/LINGUAS compiles with
format checks and is complete, and the built artemisd and artemisctl speak
it (LANGUAGE=zh_CN, LANGUAGE=de) from the build tree's catalogues, in their
--help and in a startup error. Prints TAP.
    check-translations.py ARTEMISD ARTEMISCTL LOCALEDIR PO_DIR"""

import os
import subprocess
import sys
import tempfile


def run(program, args, language, localedir):
    env = dict(os.environ, LC_ALL="C.UTF-8", ARTEMIS_LOCALEDIR=localedir)
    env.pop("LANGUAGE", None)
    if language is not None:
        env["LANGUAGE"] = language
    return subprocess.run([program] + args, capture_output=True, text=True, env=env)


def main():
    artemisd, artemisctl, localedir, po_dir = sys.argv[1:5]
    with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as linguas:
        languages = linguas.read().split()
    scratch = tempfile.mkdtemp(prefix="artemis-i18n-")
    not_a_dir = os.path.join(scratch, "file")
    open(not_a_dir, "w").close()
    empty_conf = os.path.join(scratch, "artemisd.conf")
    open(empty_conf, "w").close()

    checks = []
    for language in languages:
        po = os.path.join(po_dir, language + ".po")
        stats = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                               capture_output=True, text=True)
        checks.append(("%s.po compiles with format checks" % language, stats.returncode == 0, stats.stderr))
        checks.append(("%s.po is complete" % language,
                       "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr, stats.stderr))

    def contains(name, result, stream, text):
        got = getattr(result, stream)
        checks.append((name, text in got, "expected %r in %s:\n%s" % (text, stream, got)))

    contains("zh_CN: artemisd --help", run(artemisd, ["--help"], "zh_CN", localedir), "stdout",
             "Artemis 服务注册中心守护进程。")
    contains("zh_CN: artemisd startup error",
             run(artemisd, ["--no-dbus", "--config", empty_conf, "--data-dir", os.path.join(not_a_dir, "data")],
                 "zh_CN", localedir),
             "stderr", "artemisd: 无法创建数据目录 %s/data：" % not_a_dir)
    contains("zh_CN: artemisctl error", run(artemisctl, ["--url", "http://127.0.0.1:1", "status"], "zh_CN",
                                            localedir), "stderr",
             "artemisctl: 无法连接 http://127.0.0.1:1 上的 artemisd：")
    contains("de: artemisctl --help", run(artemisctl, ["--help"], "de", localedir), "stdout",
             "Einen laufenden artemisd untersuchen und bedienen.")
    contains("de: artemisctl unknown command", run(artemisctl, ["frobnicate"], "de", localedir), "stderr",
             "artemisctl: unbekannter Befehl „frobnicate“")
    contains("de: artemisd --help", run(artemisd, ["--help"], "de", localedir), "stdout",
             "Artemis-Dienstregistrierungsdienst.")
    contains("no LANGUAGE: English", run(artemisd, ["--help"], None, localedir), "stdout",
             "Artemis service registry daemon.")

    os.unlink(not_a_dir)
    os.unlink(empty_conf)
    os.rmdir(scratch)
    print("1..%d" % len(checks))
    failed = 0
    for number, (name, ok, detail) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
        if not ok:
            failed = 1
            for line in detail.splitlines():
                print("# " + line)
    return failed


if __name__ == "__main__":
    sys.exit(main())
