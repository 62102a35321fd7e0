#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Artemis benchmark: tests/bench/run.sh [run.py options]
#
# Installs what is missing (wrk, python3, curl, gcc, pkg-config, libsoup 3
# headers) with apt-get, compiles baseline-server into a temporary directory
# (or uses BASELINE_SERVER=…) and runs run.py against build/api/artemisd
# (override with ARTEMISD=…).
# Results: tests/bench/results/latest.{json,md}.  See docs/benchmarks.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
artemisd=${ARTEMISD:-$root/build/api/artemisd}

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! pkg-config --exists libsoup-3.0 2>/dev/null; then
	missing+=(libsoup-3.0-dev)
fi
if ((${#missing[@]} > 0)); then
	echo "run.sh: installing ${missing[*]}" >&2
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		sudo=(sudo)
	fi
	"${sudo[@]}" apt-get update
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [[ ! -x $artemisd ]]; then
	echo "run.sh: $artemisd not found; build it first (meson setup build && ninja -C build)" >&2
	exit 1
fi

work=$(mktemp -d -t artemis-bench-bin.XXXXXX)
baseline=${BASELINE_SERVER:-$work/baseline-server}
pid=
# shellcheck disable=SC2317 # called through the trap
cleanup() {
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

if [[ -z ${BASELINE_SERVER:-} ]]; then
	# shellcheck disable=SC2046 # pkg-config output is meant to be split
	gcc -O2 -g -Wall -Wextra -Werror -o "$baseline" "$here/baseline-server.c" \
		$(pkg-config --cflags --libs libsoup-3.0)
fi

# run.py stops every server it starts; forward INT/TERM/HUP so it can.
python3 "$here/run.py" --artemisd "$artemisd" --baseline "$baseline" "$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM HUP
status=0
wait "$pid" || status=$?
# A trapped signal interrupts wait: wait again until run.py has cleaned up.
while kill -0 "$pid" 2>/dev/null; do
	wait "$pid" || status=$?
done
pid=
exit "$status"
