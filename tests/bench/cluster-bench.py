#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Cluster benchmark of artemisd (python3 standard library and wrk).

  tests/bench/cluster-bench.py [--artemisd build/api/artemisd] [--reps 5] [--duration 5]

Measures, in one run (docs/benchmarks.md, "Cluster"):
  heartbeats/s   wrk posting heartbeat.json (100 instances a request) to one
                 node alone, then to node A of a 3-node cluster that
                 replicates every heartbeat to B and C; medians of --reps runs
  convergence    for --samples fresh registrations on A: the time from A's
                 answer until a lookup on B, and on C, lists the instance
                 (p50, p99)
  cost per peer  node A's RSS and CPU per million heartbeats, alone and with
                 two peers, the difference halved
Every node listens on 127.0.0.1 with a temporary config and data directory;
every process started is stopped at the end, on error and on Ctrl-C.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LUA = os.path.join(HERE, "post.lua")
SERVICE = "bench.cluster"
INSTANCES = 1000
PER_REQUEST = 100
CHILDREN = []


def log(text):
    print("[cluster-bench] " + text, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance(i):
    return {"regionId": "default", "zoneId": "default", "serviceId": SERVICE, "instanceId": "i-%d" % i,
            "ip": "10.0.%d.%d" % (i // 250, i % 250), "port": 8080, "protocol": "http",
            "url": "http://10.0.0.1:8080/", "status": "up"}


def body(first, count):
    return json.dumps({"instances": [instance(i) for i in range(first, first + count)]})


class Node:
    def __init__(self, binary, work, name, port, config):
        self.name, self.port = name, port
        base = os.path.join(work, name)
        os.makedirs(base)
        path = os.path.join(base, "artemisd.conf")
        with open(path, "w") as f:
            f.write(config)
        self.log = os.path.join(base, "artemisd.log")
        env = dict(os.environ, ARTEMIS_PLUGIN_DIR=os.path.join(os.path.dirname(os.path.dirname(binary)), "plugins"))
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen([binary, "--config", path, "--data-dir", os.path.join(base, "data"),
                                          "--bind", "127.0.0.1", "--port", str(port)],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env)
        CHILDREN.append(self.proc)
        self.conn = None
        deadline = time.monotonic() + 15
        while "Listening on port" not in open(self.log).read():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("%s did not start:\n%s" % (name, open(self.log).read()))
            time.sleep(0.02)

    def post(self, path, text):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                self.conn.request("POST", path, text, {"Content-Type": "application/json"})
                return json.loads(self.conn.getresponse().read())
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def has(self, instance_id):
        answer = self.post("/api/discovery/lookup.json", json.dumps(
            {"discoveryConfigs": [{"serviceId": SERVICE}], "regionId": "default", "zoneId": "default"}))
        return any(i["instanceId"] == instance_id for i in answer["services"][0]["instances"] or [])

    def up_nodes(self):
        answer = self.post("/api/cluster/up-registry-nodes.json", '{"regionId":"default","zoneId":"default"}')
        return len(answer.get("nodes") or [])

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_bytes(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def stop(self):
        if self.conn is not None:
            self.conn.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def register_all(node):
    for first in range(0, INSTANCES, PER_REQUEST):
        answer = node.post("/api/registry/register.json", body(first, PER_REQUEST))
        assert answer["responseStatus"]["status"] == "success", answer


def wrk_heartbeats(args, node, bodies, peers):
    """One wrk run of heartbeats on @node: instances/s, and the CPU seconds of @node and @peers."""
    cpu0 = [n.cpu_seconds() for n in [node] + peers]
    t0 = time.monotonic()
    out = subprocess.run([args.wrk, "-t1", "-c%d" % args.connections, "-d%ds" % args.duration, "--latency",
                          "--timeout", "10s", "-s", LUA, "http://127.0.0.1:%d/api/registry/heartbeat.json" % node.port,
                          "--", bodies], env=dict(os.environ, BENCH_CHECK="1"), capture_output=True, text=True,
                         timeout=args.duration + 60, stdin=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    cpu1 = [n.cpu_seconds() for n in [node] + peers]
    line = [l for l in out.stdout.splitlines() if l.startswith("BENCH {")]
    if out.returncode != 0 or not line:
        raise RuntimeError("wrk failed: %s %s" % (out.stdout, out.stderr))
    figures = json.loads(line[0][6:])
    if figures["bad"] or sum(figures["errors"].values()):
        raise RuntimeError("bad answers: %s" % line[0])
    heartbeats = figures["requests"] * PER_REQUEST
    return {"heartbeats_per_s": heartbeats / (figures["duration_us"] / 1e6), "heartbeats": heartbeats,
            "p99_ms": figures["latency_us"]["p99"] / 1000, "wall_s": wall,
            "cpu_s": [b - a for a, b in zip(cpu0, cpu1)]}


def heartbeat_bodies(work):
    path = os.path.join(work, "heartbeats.txt")
    with open(path, "w") as f:
        for first in range(0, INSTANCES, PER_REQUEST):
            f.write(body(first, PER_REQUEST) + "\n")
    return path


def throughput(args, alone, nodes, work):
    """Runs on the lone node and on A alternate, so that both meet the same neighbours on a shared machine."""
    bodies = heartbeat_bodies(work)
    runs = {"alone": [], "cluster": []}
    wrk_heartbeats(args, alone, bodies, [])  # warm-ups, not recorded
    wrk_heartbeats(args, nodes[0], bodies, nodes[1:])
    for _ in range(args.reps):
        for label, node, peers in (("alone", alone, []), ("cluster", nodes[0], nodes[1:])):
            r = wrk_heartbeats(args, node, bodies, peers)
            runs[label].append(r)
            log("%s: %.0f heartbeats/s, p99 %.1f ms, CPU s %s" % (label, r["heartbeats_per_s"], r["p99_ms"],
                                                                ["%.2f" % c for c in r["cpu_s"]]))
    return runs


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def convergence(args, nodes):
    """Per registration on A: ms from A's answer until B, and C, list it."""
    a, others = nodes[0], nodes[1:]
    times = {n.name: [] for n in others}
    for k in range(args.samples):
        instance_id = "c-%d" % k
        one = json.dumps({"instances": [dict(instance(0), instanceId=instance_id)]})
        answer = a.post("/api/registry/register.json", one)
        t0 = time.monotonic()
        assert answer["responseStatus"]["status"] == "success", answer
        pending = list(others)
        while pending:
            for n in list(pending):
                if n.has(instance_id):
                    times[n.name].append((time.monotonic() - t0) * 1000)
                    pending.remove(n)
            if time.monotonic() - t0 > 10:
                raise RuntimeError("%s never showed %s" % ([n.name for n in pending], instance_id))
    return times


def wait_cluster_up(nodes):
    deadline = time.monotonic() + 30
    while not all(n.up_nodes() == len(nodes) for n in nodes):
        if time.monotonic() > deadline:
            raise RuntimeError("the cluster did not come up")
        time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artemisd", default=os.environ.get("ARTEMISD", os.path.join(ROOT, "build/api/artemisd")))
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--extra-config", default="", help="appended to the cluster nodes' configuration (\\n for newlines)")
    args = parser.parse_args()
    if shutil.which(args.wrk) is None:
        sys.exit("wrk is needed (apt-get install wrk)")
    binary = os.path.abspath(args.artemisd)
    work = tempfile.mkdtemp(prefix="artemis-cluster-bench-")
    results = {"instances": INSTANCES, "per_request": PER_REQUEST, "reps": args.reps, "duration_s": args.duration,
               "connections": args.connections, "samples": args.samples, "nproc": os.cpu_count()}
    try:
        alone = Node(binary, work, "alone", free_port(), "")
        ports = [free_port() for _ in range(3)]
        nodes_line = "default:" + ",".join("http://127.0.0.1:%d/" % p for p in ports)
        config = "[cluster]\nnodes=%s\nforce-up=false\n%s" % (nodes_line, args.extra_config.replace("\\n", "\n"))
        nodes = [Node(binary, work, name, port, config) for name, port in zip("ABC", ports)]
        wait_cluster_up(nodes)
        register_all(alone)
        register_all(nodes[0])
        runs = throughput(args, alone, nodes, work)
        results.update(runs)
        results["alone_rss"] = alone.rss_bytes()
        results["cluster_rss"] = [n.rss_bytes() for n in nodes]
        alone.stop()
        for n in nodes[1:]:
            missing = [i for i in range(0, INSTANCES, 97) if not n.has("i-%d" % i)]
            if missing:
                raise RuntimeError("%s lacks %s after the run" % (n.name, missing))
        results["convergence_ms"] = convergence(args, nodes)
        for n in nodes:
            n.stop()
    finally:
        for proc in CHILDREN:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)

    alone_rate = statistics.median(r["heartbeats_per_s"] for r in results["alone"])
    cluster_rate = statistics.median(r["heartbeats_per_s"] for r in results["cluster"])
    alone_cpu = statistics.median(r["cpu_s"][0] / r["heartbeats"] * 1e6 for r in results["alone"])
    cluster_cpu = statistics.median(r["cpu_s"][0] / r["heartbeats"] * 1e6 for r in results["cluster"])
    peer_cpu = statistics.median(max(r["cpu_s"][1:]) / r["heartbeats"] * 1e6 for r in results["cluster"])
    print("| Figure | Median |")
    print("|---|---|")
    print("| heartbeats/s, one node alone | %.0f |" % alone_rate)
    print("| heartbeats/s on A, 3-node cluster (each replicated to B and C) | %.0f (%.0f %%) |" %
          (cluster_rate, 100 * cluster_rate / alone_rate))
    for name, values in results["convergence_ms"].items():
        print("| write on A visible on %s: p50 / p99 | %.1f / %.1f ms |" %
              (name, percentile(values, 50), percentile(values, 99)))
    print("| A's CPU per million heartbeats: alone / with 2 peers | %.2f / %.2f s |" % (alone_cpu, cluster_cpu))
    print("| extra CPU per peer, per million heartbeats on A | %.2f s |" % ((cluster_cpu - alone_cpu) / 2))
    print("| a peer's CPU per million heartbeats replicated to it | %.2f s |" % peer_cpu)
    print("| A's RSS: alone / with 2 peers (%d instances) | %.1f / %.1f MB |" %
          (INSTANCES, results["alone_rss"] / 1e6, results["cluster_rss"][0] / 1e6))
    print("| extra RSS per peer | %.2f MB |" % ((results["cluster_rss"][0] - results["alone_rss"]) / 2e6))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
