#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Artemis benchmark driver (python3 standard library only).

Normally started through tests/bench/run.sh, which installs the tools and
compiles baseline-server first.  See docs/benchmarks.md.

  run.py --baseline PATH [--artemisd PATH] [--reps N] [--duration S] ...
  run.py --table results/latest.json     # print the markdown table again

Scenarios (all with wrk, one thread, a few connections, POST + JSON):
  discovery-10    lookup.json of a service with 10 instances
  baseline-10     baseline-server answering the same bytes (libsoup ceiling)
  discovery-1000  lookup.json of a service with 1,000 instances
  register-1/100  register.json with 1 / 100 instances per request
  heartbeat-1/100 heartbeat.json with 1 / 100 instances per request
and, on a second, fresh artemisd, the RSS after registering 100,000
instances with 5 metadata entries each.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LUA = os.path.join(HERE, "post.lua")
RESULTS = os.path.join(HERE, "results")

REGION = "SHA"
ZONE = "SHA-Z1"
ID_SPACE = 10000            # distinct instances cycled by register/heartbeat
RSS_INSTANCES = 100000
RSS_BATCH = 500
RSS_SERVICES = 100
MB = 1000 * 1000

LOOKUP = "/api/discovery/lookup.json"
REGISTER = "/api/registry/register.json"
HEARTBEAT = "/api/registry/heartbeat.json"

# scenario -> (target as printed, threshold: items/s, or the ratio to baseline-10 for discovery-10)
TARGETS = {
    "discovery-10": ("≥ 0.8 × baseline req/s", 0.8),
    "discovery-1000": ("≥ 1,000 answers/s", 1000),
    "register-1": ("≥ 8,000 instances/s", 8000),
    "register-100": ("≥ 40,000 instances/s", 40000),
    "heartbeat-1": ("≥ 10,000 renewals/s", 10000),
    "heartbeat-100": ("≥ 100,000 renewals/s", 100000),
}
RSS_TARGET = 100 * MB

CHILDREN = []


def log(*args):
    print("[bench %s]" % time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Request bodies shaped like a Java client's (13 properties, sorted keys)


def ip_of(space, i):
    return "10.%d.%d.%d" % (space + (i >> 16), (i >> 8) & 255, i & 255)


def instance(space, i, service, app):
    ip = ip_of(space, i)
    return {
        "groupId": None,
        "healthCheckUrl": "http://%s:8080/health" % ip,
        "instanceId": "%s:8080" % ip,
        "ip": ip,
        "machineName": "svr%02d-%05d.bench.local" % (space, i),
        "metadata": {
            "appId": "10%04d" % app,
            "env": "prod",
            "idc": "SHA-OY",
            "startTime": str(1700000000000 + i),
            "version": "2.3.%d" % (app % 10),
        },
        "port": 8080,
        "protocol": "http",
        "regionId": REGION,
        "serviceId": service,
        "status": "up",
        "url": "http://%s:8080/%s" % (ip, service.replace(".", "/")),
        "zoneId": ZONE,
    }


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


def instances_body(instances):
    return dumps({"instances": instances})


def lookup_body(service):
    return dumps({
        "discoveryConfigs": [{"discoveryData": None, "regionId": None, "serviceId": service, "zoneId": None}],
        "regionId": REGION,
        "zoneId": ZONE,
    })


def write_lines(path, lines):
    with open(path, "w") as f:
        for line in lines:
            f.write(line)
            f.write("\n")
    return path


def generate_bodies(work):
    """Write the wrk body files; returns a dict of paths and pre-registration bodies."""
    files = {}

    def space_instances(space, prefix):
        return [instance(space, i, "%s.s%03d" % (prefix, i // 100), space * 100 + i // 100) for i in range(ID_SPACE)]

    reg1 = space_instances(1, "bench.register1")
    files["register-1"] = write_lines(os.path.join(work, "register-1.txt"), (instances_body([x]) for x in reg1))
    reg100 = space_instances(2, "bench.register100")
    files["register-100"] = write_lines(os.path.join(work, "register-100.txt"),
                                        (instances_body(reg100[k:k + 100]) for k in range(0, ID_SPACE, 100)))
    hb = space_instances(3, "bench.heartbeat")
    files["heartbeat-1"] = write_lines(os.path.join(work, "heartbeat-1.txt"), (instances_body([x]) for x in hb))
    hb100 = [instances_body(hb[k:k + 100]) for k in range(0, ID_SPACE, 100)]
    files["heartbeat-100"] = write_lines(os.path.join(work, "heartbeat-100.txt"), hb100)
    files["heartbeat-register"] = hb100

    files["discovery-10-register"] = instances_body(
        [instance(4, i, "bench.discovery.n10", 400) for i in range(10)])
    files["discovery-1000-register"] = instances_body(
        [instance(5, i, "bench.discovery.n1000", 500) for i in range(1000)])
    files["discovery-10"] = write_lines(os.path.join(work, "discovery-10.txt"), [lookup_body("bench.discovery.n10")])
    files["discovery-1000"] = write_lines(os.path.join(work, "discovery-1000.txt"),
                                          [lookup_body("bench.discovery.n1000")])
    files["baseline-10"] = files["discovery-10"]
    return files


# --------------------------------------------------------------------------
# Processes


def stop(proc, name):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log("%s (pid %d) ignored SIGTERM, killing it" % (name, proc.pid))
        proc.kill()
        proc.wait(timeout=10)


def stop_all():
    while CHILDREN:
        proc, name = CHILDREN.pop()
        stop(proc, name)


def on_signal(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def wait_for_port(path, pattern, proc, name, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with open(path, errors="replace") as f:
            m = re.search(pattern, f.read())
        if m:
            return int(m.group(1))
        time.sleep(0.05)
    with open(path, errors="replace") as f:
        output = f.read()
    raise RuntimeError("%s did not start (exit status %s):\n%s" % (name, proc.poll(), output[-2000:]))


def plugin_env(binary):
    """The plugins of the build tree artemisd comes from (build/api/artemisd -> build/plugins):
    artemisd does not start without its storage backend, storage-sqlite."""
    env = dict(os.environ)
    plugins = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(binary))), "plugins")
    if "ARTEMIS_PLUGIN_DIR" not in env and os.path.isdir(plugins):
        env["ARTEMIS_PLUGIN_DIR"] = plugins
    return env


def dbus_options(binary):
    """--no-dbus for builds that have D-Bus (older ones, compared by compare-builds.sh, refuse the option)."""
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    return ["--no-dbus"] if "--no-dbus" in help_text else []


def start_artemisd(binary, work, name, extra_config=""):
    base = os.path.join(work, name)
    os.makedirs(base)
    config = os.path.join(base, "artemisd.conf")
    with open(config, "w") as f:
        f.write("# Written by tests/bench/run.py\n[deployment]\nregion-id=%s\nzone-id=%s\n%s" %
                (REGION, ZONE, extra_config))
    logfile = os.path.join(base, "artemisd.log")
    with open(logfile, "w") as out:
        proc = subprocess.Popen([binary, "--config", config, "--data-dir", os.path.join(base, "data"),
                                 "--bind", "127.0.0.1", "--port", "0"] + dbus_options(binary),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=plugin_env(binary))
    proc.logfile = logfile
    CHILDREN.append((proc, name))
    port = wait_for_port(logfile, r"Listening on port (\d+)", proc, name)
    log("%s: pid %d, port %d" % (name, proc.pid, port))
    return proc, port


def start_baseline(binary, work, body_file):
    logfile = os.path.join(work, "baseline-server.log")
    with open(logfile, "w") as out:
        proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", "0", body_file],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    CHILDREN.append((proc, "baseline-server"))
    port = wait_for_port(logfile, r"port (\d+)", proc, "baseline-server")
    log("baseline-server: pid %d, port %d" % (proc.pid, port))
    return proc, port


# --------------------------------------------------------------------------
# HTTP helpers


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path, body):
        data = body.encode() if isinstance(body, str) else body
        self.conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        return resp.status, resp.read()

    def close(self):
        self.conn.close()


def expect_success(status, data, what):
    if status != 200:
        raise RuntimeError("%s: HTTP %d: %s" % (what, status, data[:300]))
    reply = json.loads(data)
    rs = reply.get("responseStatus") or {}
    if rs.get("status") != "success" or reply.get("failedInstances"):
        raise RuntimeError("%s did not succeed: %s" % (what, data[:400]))
    return reply


def vm_status(pid):
    values = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                values[key] = int(rest.split()[0])
    if "VmRSS" not in values:
        raise RuntimeError("process %d has exited" % pid)
    return {"rss_bytes": values["VmRSS"] * 1024, "hwm_bytes": values["VmHWM"] * 1024, "threads": values["Threads"]}


def busy_cpu_seconds():
    """CPU time spent by the whole machine (all cores, not idle/iowait) since boot."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / os.sysconf("SC_CLK_TCK")


def log_tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------
# Scenario preparation (run before every measured run)


class Bench:
    def __init__(self, args, work, files):
        self.args = args
        self.work = work
        self.files = files
        self.artemisd = None
        self.port = None
        self.baseline_port = None
        self.baseline = None
        self.checks = {}
        self.crashes = []
        self.restarts = 0

    def ensure_artemisd(self, context):
        """Record a crash of artemisd and start a new one (fresh registry) so the other scenarios still run."""
        if self.artemisd is not None and self.artemisd.poll() is None:
            return False
        if self.artemisd is not None:
            tail = log_tail(self.artemisd.logfile)
            log("artemisd DIED (exit status %s) during %s; log tail:\n%s" % (self.artemisd.returncode, context, tail))
            self.crashes.append({"during": context, "exit_status": self.artemisd.returncode, "log_tail": tail})
            CHILDREN.remove((self.artemisd, self.artemisd_name))
        self.restarts += 1
        self.artemisd_name = "artemisd" if self.restarts == 1 else "artemisd-%d" % self.restarts
        self.artemisd, self.port = start_artemisd(self.args.artemisd, self.work, self.artemisd_name)
        return True

    def register(self, body, what):
        client = Client(self.port)
        try:
            expect_success(*client.post(REGISTER, body), what)
        finally:
            client.close()

    def lookup(self, service_file, port=None):
        with open(service_file) as f:
            body = f.read().strip()
        client = Client(port or self.port)
        try:
            return client.post(LOOKUP, body)
        finally:
            client.close()

    def prepare_discovery(self, name, expected):
        # Leases live 20 s: register the instances again before every run.
        self.register(self.files[name + "-register"], name + " registration")
        status, data = self.lookup(self.files[name])
        reply = expect_success(status, data, name + " lookup")
        got = len(reply["services"][0]["instances"] or [])
        if got != expected:
            raise RuntimeError("%s: lookup returned %d instances, expected %d" % (name, got, expected))
        self.checks.setdefault(name, {"instances": got, "response_bytes": len(data)})

    def prepare_heartbeat(self, name):
        client = Client(self.port)
        try:
            for i, body in enumerate(self.files["heartbeat-register"]):
                expect_success(*client.post(REGISTER, body), "heartbeat pre-registration %d" % i)
            with open(self.files[name]) as f:
                first = f.readline().strip()
            reply = expect_success(*client.post(HEARTBEAT, first), name + " heartbeat check")
        finally:
            client.close()
        self.checks.setdefault(name, {"pre_registered": ID_SPACE, "check_reply": reply["responseStatus"]})

    def prepare(self, name):
        if name == "discovery-10":
            self.prepare_discovery(name, 10)
        elif name == "discovery-1000":
            self.prepare_discovery(name, 1000)
        elif name.startswith("heartbeat-"):
            self.prepare_heartbeat(name)

    def scenario(self, name):
        """(port, pid, path, body file, check responses, items per request)"""
        if name == "baseline-10":
            return self.baseline_port, self.baseline.pid, LOOKUP, self.files[name], False, 1
        items = 100 if name.endswith("-100") else 1
        path = {"discovery": LOOKUP, "register": REGISTER, "heartbeat": HEARTBEAT}[name.split("-")[0]]
        check = not name.startswith("discovery")
        return self.port, self.artemisd.pid, path, self.files[name], check, items

    def run_wrk(self, name, duration, context):
        """One wrk run; a dict with "error" instead of figures when the scenario could not run."""
        self.ensure_artemisd(context + " (before)")
        try:
            self.prepare(name)
            run = self.measure(name, duration)
        except (RuntimeError, OSError, ValueError, KeyError, http.client.HTTPException,
                subprocess.SubprocessError) as e:
            run = {"error": str(e)[:1000]}
            log("ERROR %s: %s" % (context, run["error"]))
        if self.ensure_artemisd(context):
            run = {"error": "artemisd crashed", "crashed": True, **run}
        return run

    def measure(self, name, duration):
        port, pid, path, bodies, check, items = self.scenario(name)
        cmd = [self.args.wrk, "-t1", "-c%d" % self.args.connections, "-d%ds" % duration, "--latency",
               "--timeout", "10s", "-s", LUA, "http://127.0.0.1:%d%s" % (port, path), "--", bodies]
        env = dict(os.environ, BENCH_CHECK="1" if check else "0")
        server_cpu0 = cpu_seconds(pid)
        busy0 = busy_cpu_seconds()
        child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=duration + 60)
        wall = time.monotonic() - t0
        child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_cpu1 = cpu_seconds(pid)
        busy1 = busy_cpu_seconds()
        m = re.search(r"^BENCH (\{.*\})$", proc.stdout, re.M)
        if proc.returncode != 0 or not m:
            raise RuntimeError("wrk failed for %s (%d):\n%s\n%s" % (name, proc.returncode, proc.stdout, proc.stderr))
        stats = json.loads(m.group(1))
        bad = re.search(r"^BENCH_BAD (.*)$", proc.stdout, re.M)
        seconds = stats["duration_us"] / 1e6
        rps = stats["requests"] / seconds
        errors = sum(stats["errors"].values())
        server_cpu = server_cpu1 - server_cpu0
        wrk_cpu = (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime)
        run = {
            "requests": stats["requests"],
            "seconds": round(seconds, 3),
            "rps": round(rps, 1),
            "items_per_s": round(rps * items, 1),
            "p50_ms": stats["latency_us"]["p50"] / 1000,
            "p90_ms": stats["latency_us"]["p90"] / 1000,
            "p99_ms": stats["latency_us"]["p99"] / 1000,
            "max_ms": stats["latency_us"]["max"] / 1000,
            "errors": stats["errors"],
            "checked": stats["checked"],
            "bad": stats["bad"],
            "server_cpu_pct": round(100 * server_cpu / wall, 1),
            "server_cpu_us_per_req": round(1e6 * server_cpu / max(stats["requests"], 1), 1),
            "wrk_cpu_pct": round(100 * wrk_cpu / wall, 1),
            # Everything else the machine ran meanwhile, in cores (other users' builds, fuzzers...).
            "other_load_cores": round(max(0.0, (busy1 - busy0) - server_cpu - wrk_cpu) / wall, 2),
            "response_bytes": stats["bytes"] // max(stats["requests"], 1),
        }
        run["wrk_output"] = "\n".join(l for l in proc.stdout.splitlines() if not l.startswith("BENCH"))
        if bad:
            run["first_bad"] = bad.group(1)[:400]
        if check and (stats["bad"] or stats["checked"] == 0):
            run["error"] = "%d of %d checked responses were not success" % (stats["bad"], stats["checked"])
        if errors or stats["bad"] or (check and stats["checked"] == 0):
            log("WARNING %s: %d socket/status errors, %d of %d checked responses not success%s" %
                (name, errors, stats["bad"], stats["checked"], (": " + run.get("first_bad", "")) if bad else ""))
        return run


# --------------------------------------------------------------------------
# RSS


def rss_test(args, work):
    proc, port = start_artemisd(args.artemisd, work, "artemisd-rss")
    client = Client(port)
    try:
        # One answered request first, so the connection machinery is counted in "before".
        expect_success(*client.post(LOOKUP, lookup_body("bench.rss.s000")), "RSS warm-up lookup")
        time.sleep(0.5)
        before = vm_status(proc.pid)
        bodies = []
        for start in range(0, RSS_INSTANCES, RSS_BATCH):
            batch = [instance(20, i, "bench.rss.s%03d" % (i % RSS_SERVICES), 2000 + i % RSS_SERVICES)
                     for i in range(start, start + RSS_BATCH)]
            bodies.append(instances_body(batch))
        t0 = time.monotonic()
        for i, body in enumerate(bodies):
            expect_success(*client.post(REGISTER, body), "RSS registration batch %d" % i)
        elapsed = time.monotonic() - t0
        del bodies
        time.sleep(1.0)
        after = vm_status(proc.pid)
        status, data = client.post(LOOKUP, lookup_body("bench.rss.s042"))
        got = len(expect_success(status, data, "RSS lookup")["services"][0]["instances"])
        expected = RSS_INSTANCES // RSS_SERVICES
        if got != expected:
            raise RuntimeError("RSS test: service has %d instances, expected %d" % (got, expected))
    finally:
        client.close()
        CHILDREN.remove((proc, "artemisd-rss"))
        stop(proc, "artemisd-rss")
    result = {
        "instances": RSS_INSTANCES,
        "batch": RSS_BATCH,
        "services": RSS_SERVICES,
        "metadata_entries": 5,
        "register_seconds": round(elapsed, 3),
        "register_instances_per_s": round(RSS_INSTANCES / elapsed, 1),
        "rss_before_bytes": before["rss_bytes"],
        "rss_after_bytes": after["rss_bytes"],
        "hwm_after_bytes": after["hwm_bytes"],
        "threads": after["threads"],
        "bytes_per_instance": round((after["rss_bytes"] - before["rss_bytes"]) / RSS_INSTANCES, 1),
    }
    log("RSS: before %.1f MB, after %.1f MB, %.0f B/instance (registered in %.2f s)" %
        (before["rss_bytes"] / MB, after["rss_bytes"] / MB, result["bytes_per_instance"], elapsed))
    return result


# --------------------------------------------------------------------------
# Summary and markdown


def summarize(all_runs):
    runs = [r for r in all_runs if "error" not in r]
    if not runs:
        return None

    def med(key):
        return statistics.median(r[key] for r in runs)

    return {
        "rps": round(med("rps"), 1),
        "items_per_s": round(med("items_per_s"), 1),
        "p50_ms": round(med("p50_ms"), 3),
        "p99_ms": round(med("p99_ms"), 3),
        "rps_min": min(r["rps"] for r in runs),
        "rps_max": max(r["rps"] for r in runs),
        "server_cpu_pct": round(med("server_cpu_pct"), 1),
        "server_cpu_us_per_req": round(med("server_cpu_us_per_req"), 1),
        "other_load_cores": round(med("other_load_cores"), 2),
        "wrk_cpu_pct": round(med("wrk_cpu_pct"), 1),
        "bad": sum(r["bad"] for r in runs),
        "checked": sum(r["checked"] for r in runs),
        "errors": sum(sum(r["errors"].values()) for r in runs),
        "valid_runs": len(runs),
        "failed_runs": len(all_runs) - len(runs),
    }


def evaluate(results):
    sc = results["scenarios"]
    targets = []

    def add(name, measured, target, text, unit):
        targets.append({
            "scenario": name, "target": text, "measured": measured, "threshold": target, "unit": unit,
            "met": measured is not None and measured >= target,
            "margin_pct": round(100 * (measured / target - 1), 1) if measured is not None else None,
        })

    if "discovery-10" in sc and "baseline-10" in sc:
        ratio = None
        if sc["discovery-10"]["median"] and sc["baseline-10"]["median"]:
            ratio = round(sc["discovery-10"]["median"]["rps"] / sc["baseline-10"]["median"]["rps"], 3)
            paired = [a["rps"] / b["rps"] for a, b in zip(sc["discovery-10"]["runs"], sc["baseline-10"]["runs"])
                      if "error" not in a and "error" not in b]
            results["discovery_10_vs_baseline"] = ratio
            if paired:
                results["discovery_10_vs_baseline_paired_median"] = round(statistics.median(paired), 3)
        add("discovery-10", ratio, 0.8, TARGETS["discovery-10"][0], "× baseline")
    for name in ("discovery-1000", "register-1", "register-100", "heartbeat-1", "heartbeat-100"):
        if name in sc:
            median = sc[name]["median"]
            add(name, median["items_per_s"] if median else None, TARGETS[name][1], TARGETS[name][0], "/s")
    if results.get("rss"):
        rss = results["rss"]["rss_after_bytes"]
        targets.append({
            "scenario": "rss-100k", "target": "≤ 100 MB RSS", "measured": rss, "threshold": RSS_TARGET,
            "unit": "bytes", "met": rss <= RSS_TARGET, "margin_pct": round(100 * (1 - rss / RSS_TARGET), 1),
        })
    results["targets"] = targets


DESCRIPTIONS = {
    "discovery-10": "lookup.json, service with 10 instances",
    "baseline-10": "baseline-server, same bytes as discovery-10",
    "discovery-1000": "lookup.json, service with 1,000 instances",
    "register-1": "register.json, 1 instance/request",
    "register-100": "register.json, 100 instances/request",
    "heartbeat-1": "heartbeat.json, 1 instance/request",
    "heartbeat-100": "heartbeat.json, 100 instances/request",
}
ORDER = ["discovery-10", "baseline-10", "discovery-1000", "register-1", "register-100", "heartbeat-1", "heartbeat-100"]


def fmt_int(x):
    return "{:,.0f}".format(x)


def markdown(results):
    meta = results["meta"]
    lines = []
    built = meta.get("artemisd_binary", {}).get("mtime")
    lines.append("Artemis benchmark, %s — %s, %d cores, Linux %s, Debian %s, %s; artemisd %s (%s%s); "
                 "wrk -t1 -c%d, %d × %d s per scenario, medians." % (
                     meta["date"], meta["cpu_model"], meta["nproc"], meta["kernel"], meta["debian"],
                     meta["wrk"], meta["artemisd_version"], meta["buildtype"], ", built " + built if built else "",
                     results["config"]["connections"], results["config"]["reps"], results["config"]["duration"]))
    lines.append("")
    lines.append("| Scenario | What | req/s | items/s | p50 ms | p99 ms | req/s range | server CPU | CPU µs/req "
                 "| wrk CPU | other load | Target | Met? |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    targets = {t["scenario"]: t for t in results["targets"]}
    for name in ORDER:
        if name not in results["scenarios"]:
            continue
        s = results["scenarios"][name]["median"]
        t = targets.get(name)
        if s is None:
            errors = sorted({r.get("error", "")[:60] for r in results["scenarios"][name]["runs"]})
            lines.append("| %s | %s | failed: %s | | | | | | | | | %s | **no** (not measured) |" % (
                name, DESCRIPTIONS[name], "; ".join(errors), t["target"] if t else "(ceiling)"))
            continue
        label = name
        if s.get("failed_runs"):
            label = "%s (%d of %d runs failed)" % (name, s["failed_runs"], s["failed_runs"] + s["valid_runs"])
        if t is None:
            target, met = "(ceiling)", ""
        elif name == "discovery-10":
            target = t["target"]
            met = "%s (%.3f×, %+.1f%%)" % ("yes" if t["met"] else "**no**", t["measured"], t["margin_pct"])
        else:
            target = t["target"]
            met = "%s (%+.0f%%)" % ("yes" if t["met"] else "**no**", t["margin_pct"])
        lines.append("| %s | %s | %s | %s | %.2f | %.2f | %s–%s | %.0f%% | %.0f | %.0f%% | %.1f | %s | %s |" % (
            label, DESCRIPTIONS[name], fmt_int(s["rps"]), fmt_int(s["items_per_s"]), s["p50_ms"], s["p99_ms"],
            fmt_int(s["rps_min"]), fmt_int(s["rps_max"]), s["server_cpu_pct"], s["server_cpu_us_per_req"],
            s["wrk_cpu_pct"], s["other_load_cores"], target, met))
    if "discovery_10_vs_baseline" in results:
        lines.append("")
        lines.append("discovery-10 / baseline-10 = **%.3f** (ratio of medians; median of the per-repetition "
                     "ratios %.3f)." % (results["discovery_10_vs_baseline"],
                                        results.get("discovery_10_vs_baseline_paired_median", float("nan"))))
        a = results["scenarios"]["discovery-10"]["median"]["server_cpu_us_per_req"]
        b = results["scenarios"]["baseline-10"]["median"]["server_cpu_us_per_req"]
        lines.append("Server CPU per request: artemisd %.0f µs, baseline %.0f µs (baseline/artemisd = %.2f; "
                     "less sensitive to the machine's other load than req/s)." % (a, b, b / a))
    if results.get("crashes"):
        lines.append("")
        last_lines = ["%s: %s" % (c["during"], (c["log_tail"].strip().splitlines() or ["?"])[-1])
                      for c in results["crashes"]]
        lines.append("**artemisd crashed %d time(s)** (restarted with an empty registry each time): %s." % (
            len(results["crashes"]), "; ".join(last_lines)))
    if results.get("rss_error"):
        lines.append("")
        lines.append("RSS test failed: %s" % results["rss_error"])
    rss = results.get("rss")
    if rss:
        t = targets["rss-100k"]
        lines.append("")
        lines.append("| RSS test | RSS before | RSS after | after − before | bytes/instance | Target | Met? |")
        lines.append("|---|---:|---:|---:|---:|---|---|")
        lines.append("| %s instances × %d metadata, %d/request, %d services | %.1f MB | %.1f MB | %.1f MB "
                     "| %s | %s | %s (%+.0f%% headroom) |" % (
            fmt_int(rss["instances"]), rss["metadata_entries"], rss["batch"], rss["services"],
            rss["rss_before_bytes"] / MB, rss["rss_after_bytes"] / MB,
            (rss["rss_after_bytes"] - rss["rss_before_bytes"]) / MB, fmt_int(rss["bytes_per_instance"]),
            t["target"], "yes" if t["met"] else "**no**", t["margin_pct"]))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Machine description


def command_output(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def file_identity(path):
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    mtime = datetime.datetime.fromtimestamp(os.path.getmtime(path)).astimezone().isoformat(timespec="seconds")
    return {"path": os.path.realpath(path), "sha256": digest, "mtime": mtime}


def project_libraries(binary):
    """Identity of the libraries artemisd loads from outside the system directories (libartemis)."""
    libs = []
    try:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return libs
    for m in re.finditer(r"=>\s+(/\S+)", out):
        path = m.group(1)
        if not path.startswith(("/lib/", "/usr/lib/", "/lib64/", "/usr/lib64/")):
            libs.append(file_identity(path))
    return libs


def machine(args):
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    try:
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    except OSError:
        debian = "unknown"
    buildtype = "unknown"
    intro = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.artemisd))),
                         "meson-info", "intro-buildoptions.json")
    try:
        with open(intro) as f:
            for opt in json.load(f):
                if opt["name"] == "buildtype":
                    buildtype = opt["value"]
    except (OSError, ValueError, KeyError):
        pass
    wrk = command_output([args.wrk, "-v"])
    m = re.match(r"wrk (\S+)", wrk)
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "kernel": platform.release(),
        "debian": debian,
        "wrk": "wrk " + (m.group(1) if m else wrk),
        "libsoup": command_output(["pkg-config", "--modversion", "libsoup-3.0"]),
        "artemisd": os.path.abspath(args.artemisd),
        "artemisd_version": command_output([args.artemisd, "--version"]).replace("artemisd ", ""),
        "artemisd_binary": file_identity(args.artemisd),
        "artemisd_libraries": project_libraries(args.artemisd),
        "buildtype": buildtype,
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
    }


# --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artemisd", default=os.path.join(ROOT, "build", "api", "artemisd"))
    parser.add_argument("--baseline", help="baseline-server binary (run.sh compiles one)")
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--reps", type=int, default=5, help="measured runs per scenario (default 5)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded seconds per scenario first (default 1)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--only", help="comma-separated scenarios to run (default all)")
    parser.add_argument("--no-rss", action="store_true", help="skip the 100,000-instance RSS test")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--table", metavar="JSON", help="print the markdown table of a results file and exit")
    args = parser.parse_args()

    if args.table:
        with open(args.table) as f:
            sys.stdout.write(markdown(json.load(f)))
        return 0
    if not args.baseline:
        parser.error("--baseline is required (use tests/bench/run.sh)")
    for path in (args.artemisd, args.baseline):
        if not os.access(path, os.X_OK):
            parser.error("%s is not an executable (build it first: ninja -C build)" % path)
    names = ORDER if not args.only else [n for n in ORDER if n in args.only.split(",")]
    if "discovery-10" in names and "baseline-10" not in names:
        names.insert(names.index("discovery-10") + 1, "baseline-10")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="artemis-bench-")
    results = {
        "meta": machine(args),
        "config": {"reps": args.reps, "duration": args.duration, "warmup": args.warmup,
                   "connections": args.connections, "wrk_threads": 1, "id_space": ID_SPACE,
                   "region": REGION, "zone": ZONE},
        "scenarios": {},
    }
    try:
        log("generating request bodies in %s" % work)
        files = generate_bodies(work)
        bench = Bench(args, work, files)
        bench.ensure_artemisd("start-up")

        # The baseline serves exactly what artemisd answers for the 10-instance lookup (fetched with curl).
        bench.prepare("discovery-10")
        snapshot = os.path.join(work, "discovery-10.response.json")
        subprocess.run(["curl", "-sS", "--fail", "-o", snapshot, "-X", "POST", "-H", "Content-Type: application/json",
                        "--data-binary", "@" + files["discovery-10"],
                        "http://127.0.0.1:%d%s" % (bench.port, LOOKUP)], check=True, timeout=30)
        bench.baseline, bench.baseline_port = start_baseline(args.baseline, work, snapshot)
        with open(snapshot, "rb") as f:
            expected = f.read()
        status, data = bench.lookup(files["discovery-10"], port=bench.baseline_port)
        if status != 200 or data != expected:
            raise RuntimeError("baseline-server does not answer the snapshot bytes")
        results["baseline_body_bytes"] = len(expected)

        if args.warmup > 0:
            for name in names:
                log("warm-up %s (%d s)" % (name, args.warmup))
                bench.run_wrk(name, args.warmup, "warm-up " + name)
        runs = {name: [] for name in names}
        for rep in range(args.reps):
            order = list(names)
            # Alternate which of discovery-10 and baseline-10 goes first (ABBA), so drift hits both.
            if rep % 2 == 1 and "baseline-10" in order:
                i, j = order.index("discovery-10"), order.index("baseline-10")
                order[i], order[j] = order[j], order[i]
            for name in order:
                run = bench.run_wrk(name, args.duration, "rep %d %s" % (rep + 1, name))
                runs[name].append(run)
                if "error" in run:
                    log("rep %d/%d %-15s FAILED: %s" % (rep + 1, args.reps, name, run["error"][:200]))
                    continue
                log("rep %d/%d %-14s %7s req/s %8s items/s p50 %5.2f ms p99 %6.2f ms server %3.0f%% %4.0f us/req"
                    " wrk %3.0f%% other %.1f cores" % (
                        rep + 1, args.reps, name, fmt_int(run["rps"]), fmt_int(run["items_per_s"]), run["p50_ms"],
                        run["p99_ms"], run["server_cpu_pct"], run["server_cpu_us_per_req"], run["wrk_cpu_pct"],
                        run["other_load_cores"]))
        for name in names:
            results["scenarios"][name] = {"description": DESCRIPTIONS[name], "runs": runs[name],
                                          "median": summarize(runs[name])}
        results["checks"] = bench.checks
        results["crashes"] = bench.crashes
        if bench.artemisd.poll() is None:
            results["artemisd_after_benchmarks"] = vm_status(bench.artemisd.pid)
        stop_all()

        if not args.no_rss:
            try:
                results["rss"] = rss_test(args, work)
            except (RuntimeError, OSError, ValueError, KeyError, http.client.HTTPException) as e:
                results["rss_error"] = str(e)[:1000]
                log("ERROR RSS test: %s" % results["rss_error"])
        results["meta"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        results["meta"]["total_seconds"] = round(time.monotonic() - started, 1)
        evaluate(results)
    finally:
        stop_all()
        if args.keep:
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    os.makedirs(RESULTS, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    table = markdown(results)
    for base in ("bench-" + stamp, "latest"):
        with open(os.path.join(RESULTS, base + ".json"), "w") as f:
            json.dump(results, f, indent=2, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(RESULTS, base + ".md"), "w") as f:
            f.write(table)
    log("results in %s (bench-%s.json/.md, latest.json/.md), %.0f s in total" %
        (os.path.relpath(RESULTS), stamp, results["meta"]["total_seconds"]))
    sys.stdout.write("\n" + table)
    missed = [t["scenario"] for t in results["targets"] if not t["met"]]
    if missed:
        log("targets missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as e:
        log("interrupted (%s), stopping" % e)
        stop_all()
        sys.exit(130)
