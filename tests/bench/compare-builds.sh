#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Compares two artemisd builds on the same machine in one session:
#   tests/bench/compare-builds.sh OLD_ARTEMISD NEW_ARTEMISD [ROUNDS]
# Runs run.sh on each binary in turn (old, new, old, new, …) for the
# per-request scenarios, so that both see the same background load, and
# prints the medians over all rounds: items/s and server CPU µs per
# request (the figure least moved by other load). Results stay in
# tests/bench/results/compare-*.json.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
old=${1:?usage: compare-builds.sh OLD_ARTEMISD NEW_ARTEMISD [ROUNDS]}
new=${2:?usage: compare-builds.sh OLD_ARTEMISD NEW_ARTEMISD [ROUNDS]}
rounds=${3:-2}
results=$here/results
mkdir -p "$results"

for round in $(seq "$rounds"); do
	for which in old new; do
		binary=$old
		[[ $which == new ]] && binary=$new
		ARTEMISD=$binary "$here/run.sh" --only discovery-10,register-1,heartbeat-1,register-100 \
			--reps 3 --no-rss >/dev/null
		cp "$results/latest.json" "$results/compare-$which-$round.json"
	done
done

python3 - "$results" <<'PY'
import glob, json, statistics, sys
results = sys.argv[1]
print("| Scenario | old items/s | new items/s | old CPU µs/req | new CPU µs/req | new/old CPU |")
print("|---|---:|---:|---:|---:|---:|")
for scenario in ["discovery-10", "baseline-10", "register-1", "heartbeat-1", "register-100"]:
    figures = {}
    for which in ["old", "new"]:
        items, cpu = [], []
        for path in sorted(glob.glob(f"{results}/compare-{which}-*.json")):
            for run in json.load(open(path))["scenarios"].get(scenario, {}).get("runs", []):
                items.append(run["items_per_s"])
                cpu.append(run["server_cpu_us_per_req"])
        figures[which] = (statistics.median(items), statistics.median(cpu))
    (old_items, old_cpu), (new_items, new_cpu) = figures["old"], figures["new"]
    print(f"| {scenario} | {old_items:,.0f} | {new_items:,.0f} | {old_cpu:.1f} | {new_cpu:.1f} | {new_cpu / old_cpu:.2f} |")
PY
