#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `meson install --destdir` of this build, then what a package check would
# do with it: systemd-analyze verify of the installed unit, its exposure
# (systemd-analyze security, at most 2.0), the sysusers.d user and the
# D-Bus files, the bash completion of artemisctl and the man pages (when
# built: MANDIR not empty). Prints TAP; exits 77 (skipped) only when
# systemd-analyze is missing.
#   check-install.sh BUILD_ROOT UNIT_DIR SYSUSERS_DIR DATADIR COMPLETIONS_DIR MANDIR
set -u

build_root=$1
unit=$2/artemisd.service
sysusers=$3/artemis.conf
datadir=$4
completions=$5
mandir=$6

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "1..0 # SKIP systemd-analyze is missing (Debian package systemd)"
    exit 77
fi

destdir=$(mktemp -d "${TMPDIR:-/tmp}/artemis-install-XXXXXX")
trap 'rm -rf "$destdir"' EXIT
log="$destdir.log"
trap 'rm -rf "$destdir" "$log"' EXIT

number=0
failed=0
# check NAME COMMAND…: one TAP line; the command's output only when it fails.
check() {
    name=$1
    shift
    number=$((number + 1))
    if "$@" >"$log" 2>&1; then
        echo "ok $number - $name"
    else
        echo "not ok $number - $name"
        sed 's/^/# /' "$log"
        failed=1
    fi
}

echo "1..8"
check "meson install --destdir" meson install -C "$build_root" --no-rebuild --destdir "$destdir" --quiet
# The unit runs /bin/kill besides artemisd; the staged tree holds Artemis alone.
mkdir -p "$destdir/bin" && cp /bin/kill "$destdir/bin/kill"
check "systemd-analyze verify $unit" \
    systemd-analyze verify --man=no --recursive-errors=no --root="$destdir" "$unit"
check "systemd-analyze security: exposure at most 2.0" \
    systemd-analyze security --offline=yes --threshold=20 --root="$destdir" "$unit"
systemd-analyze security --offline=yes --root="$destdir" "$unit" 2>/dev/null |
    sed -n 's/^→ \(Overall exposure level.*\)/# \1/p'
check "systemd-sysusers creates the artemis user" sh -c \
    "systemd-sysusers --root='$destdir' --dry-run '$destdir$sysusers' 2>&1 | grep -q \"Creating user 'artemis'\""
check "D-Bus policy and interface are well-formed XML" python3 -c '
import sys, xml.dom.minidom
for path in sys.argv[1:]:
    xml.dom.minidom.parse(path)
' "$destdir$datadir/dbus-1/system.d/org.artemis.Registry1.conf" \
  "$destdir$datadir/dbus-1/interfaces/org.artemis.Registry1.xml"
check "D-Bus activation starts artemisd.service" \
    grep -qx "SystemdService=artemisd.service" "$destdir$datadir/dbus-1/system-services/org.artemis.Registry1.service"
check "bash completion of artemisctl" bash -n "$destdir$completions/artemisctl"
if [ -n "$mandir" ]; then
    check "man pages artemisd(8), artemisd.conf(5), artemisctl(1)" test -s "$destdir$mandir/man8/artemisd.8" \
        -a -s "$destdir$mandir/man5/artemisd.conf.5" -a -s "$destdir$mandir/man1/artemisctl.1"
else
    echo "ok 8 # SKIP man pages not built (-Dman=false)"
fi
exit $failed
