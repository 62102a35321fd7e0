#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""artemisd under hostile load (python3 standard library only).

  python3 tests/bench/hostile.py [--artemisd build/api/artemisd] [--reps 5]

Measures, on a fresh artemisd per scenario (127.0.0.1, free port, temporary
data directory), what docs/benchmarks.md "Under hostile load" reports:

  group-batch    insert-groups of 20,000 groups, then delete-groups of their
                 20,000 ids; each request's time and the slowest status.json
                 answered meanwhile
  amplification  register.json with 2,964 gzip bytes of a million `{}`, four
                 at once, and with 5,000 failing instances of 780 bytes each:
                 the largest answer, and the slowest status.json meanwhile
  non-readers    20 plain and 20 gzip clients asking a ~57 MB services.json
                 and never reading it: the daemon's RSS growth
  descriptors    artemisd at `ulimit -n 1024` with 1,100 half-open requests,
                 then closed: how soon status.json answers again
  backlog        2,000 simultaneous connects: time to established, p50/p99

Medians over --reps runs. Results: tests/bench/results/hostile-latest.json.
"""

import argparse
import gzip
import http.client
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(HERE, "results")
MIB = 1024 * 1024
CONTEXT = {"operatorId": "bench", "token": "t", "operation": "o", "extensions": "{}"}

DAEMONS = []


def log(*args):
    print("[hostile %s]" % time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# The daemon


class Daemon:
    def __init__(self, binary, config="", fd_limit=None):
        self.dir = tempfile.mkdtemp(prefix="artemis-hostile-")
        config_path = os.path.join(self.dir, "artemisd.conf")
        with open(config_path, "w") as f:
            f.write(config)
        self.log_path = os.path.join(self.dir, "artemisd.log")
        env = dict(os.environ, ARTEMIS_PLUGIN_DIR=os.path.join(os.path.dirname(os.path.dirname(binary)), "plugins"))

        def limit():
            if fd_limit is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

        with open(self.log_path, "w") as out:
            self.proc = subprocess.Popen([binary, "--port", "0", "--bind", "127.0.0.1", "--config", config_path,
                                          "--data-dir", os.path.join(self.dir, "data")],
                                         stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=limit)
        DAEMONS.append(self)
        self.port = self.wait_for(r"Listening on port (\d+)")

    def wait_for(self, pattern, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.log())
            if found:
                return int(found.group(1)) if found.groups() else True
            if self.proc.poll() is not None:
                raise RuntimeError("artemisd exited:\n" + self.log())
            time.sleep(0.02)
        raise RuntimeError("no %r in the log after %d s:\n%s" % (pattern, timeout, self.log()))

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def rss(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) * 1024

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self in DAEMONS:
            DAEMONS.remove(self)


def stop_all(*_):
    for daemon in list(DAEMONS):
        daemon.stop()
    if _:
        sys.exit(1)


def post(port, path, body, headers=None, timeout=120):
    """POST @body (bytes or a JSON-able object); (status, answer bytes, seconds)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.monotonic()
    conn.request("POST", path, body=data, headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    response = conn.getresponse()
    answer = response.read()
    conn.close()
    return response.status, answer, time.monotonic() - start


def status_ok(port, timeout=2):
    return post(port, "/api/status/node.json", {}, timeout=timeout)[0] == 200


class StatusProbe:
    """Asks status.json again and again in a thread; the slowest answer, in ms."""

    def __init__(self, port):
        self.port, self.slowest, self.running = port, 0.0, True
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while self.running:
            start = time.monotonic()
            status_ok(self.port, timeout=120)
            self.slowest = max(self.slowest, time.monotonic() - start)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.slowest * 1000


def while_probing(port, work):
    probe = StatusProbe(port)
    try:
        result = work()
    finally:
        slowest = probe.stop()
    return result, slowest


def median(values):
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------
# Scenarios


def group_batch(binary, reps):
    groups = [{"serviceId": "svc-%d" % (i % 50), "regionId": "default", "zoneId": "default", "name": "g-%d" % i,
               "appId": "app", "status": "active"} for i in range(20000)]
    insert = dict(CONTEXT, groups=groups)
    daemon = Daemon(binary)
    runs = []
    try:
        for rep in range(reps):
            (status, answer, insert_s), insert_probe = while_probing(
                daemon.port, lambda: post(daemon.port, "/api/management/group/insert-groups.json", insert))
            assert status == 200 and b'"success"' in answer, answer[:200]
            ids = json.loads(post(daemon.port, "/api/management/group/get-all-groups.json", {})[1])["groups"]
            delete = dict(CONTEXT, groupIds=[group["groupId"] for group in ids])
            assert len(delete["groupIds"]) == 20000
            (status, answer, delete_s), delete_probe = while_probing(
                daemon.port, lambda: post(daemon.port, "/api/management/group/delete-groups.json", delete))
            assert status == 200 and b'"success"' in answer, answer[:200]
            runs.append({"insert_s": insert_s, "delete_s": delete_s, "insert_slowest_status_ms": insert_probe,
                         "delete_slowest_status_ms": delete_probe})
            log("group-batch %d: insert %.3f s, delete %.3f s" % (rep + 1, insert_s, delete_s))
    finally:
        daemon.stop()
    return runs


def failing_instances(n, size):
    filler = "m" * (size - 200)
    return {"instances": [{"regionId": "elsewhere", "zoneId": "default", "serviceId": "demo", "instanceId": "i-%d" % i,
                           "url": "http://10.0.0.1/", "metadata": {"m": filler}} for i in range(n)]}


def amplification(binary, reps):
    million = gzip.compress(b'{"instances":[' + b",".join([b"{}"] * 1000000) + b"]}", 9)
    fat = failing_instances(5000, 780)
    daemon = Daemon(binary)
    runs = []
    try:
        for rep in range(reps):
            answers = []

            def four():
                threads = [threading.Thread(target=lambda: answers.append(
                    post(daemon.port, "/api/registry/register.json", million, {"Content-Encoding": "gzip"})))
                    for _ in range(4)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()

            _, slowest = while_probing(daemon.port, four)
            status, echoed, seconds = post(daemon.port, "/api/registry/register.json", fat)
            assert status == 200
            runs.append({"gzip_body_bytes": len(million), "million_answer_bytes": max(len(a[1]) for a in answers),
                         "million_s": max(a[2] for a in answers), "slowest_status_ms": slowest,
                         "fat_body_bytes": len(json.dumps(fat)), "fat_answer_bytes": len(echoed), "fat_s": seconds})
            log("amplification %d: answers %d and %d bytes" % (rep + 1, runs[-1]["million_answer_bytes"],
                                                               len(echoed)))
    finally:
        daemon.stop()
    return runs


def register_big_registry(port):
    """47,000 instances with 1 KB of metadata: a services.json of about 57 MB."""
    filler = "m" * 1000
    for batch in range(47000 // 2000):
        body = {"instances": [{"regionId": "default", "zoneId": "default", "serviceId": "svc-%d" % (i % 100),
                               "instanceId": "i-%d" % (batch * 2000 + i), "ip": "10.0.0.1", "port": 8080,
                               "url": "http://10.0.0.1:8080/", "metadata": {"m": filler}} for i in range(2000)]}
        status, answer, _ = post(port, "/api/registry/register.json", body)
        assert status == 200 and b'"failedInstances":null' in answer, answer[:200]


def services_size(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/api/discovery/services.json")
    size = len(conn.getresponse().read())
    conn.request("GET", "/api/discovery/services.json", headers={"Accept-Encoding": "gzip"})
    conn.getresponse().read()
    conn.close()
    return size


def non_readers(binary, reps):
    daemon = Daemon(binary)
    runs = []
    try:
        register_big_registry(daemon.port)
        size = services_size(daemon.port)
        for rep in range(reps):
            before = daemon.rss()
            clients = []
            for encoding in ("", "Accept-Encoding: gzip\r\n") * 20:
                client = socket.create_connection(("127.0.0.1", daemon.port))
                client.sendall(("GET /api/discovery/services.json HTTP/1.1\r\nHost: x\r\n%s\r\n" % encoding).encode())
                clients.append(client)
            assert status_ok(daemon.port, timeout=30)
            time.sleep(2)
            after = daemon.rss()
            for client in clients:
                client.close()
            time.sleep(1)
            runs.append({"answer_bytes": size, "rss_before": before, "rss_with_40_non_readers": after,
                         "growth": after - before})
            log("non-readers %d: answer %.1f MB, RSS %.0f -> %.0f MiB" % (rep + 1, size / 1e6, before / MIB,
                                                                          after / MIB))
    finally:
        daemon.stop()
    return runs


def descriptors(binary, reps):
    runs = []
    for rep in range(reps):
        daemon = Daemon(binary, fd_limit=1024)
        try:
            clients = []
            for _ in range(1100):
                client = socket.socket()
                client.setblocking(False)
                try:
                    client.connect(("127.0.0.1", daemon.port))
                except BlockingIOError:
                    pass
                clients.append(client)
            time.sleep(0.5)
            for client in clients:
                try:
                    client.send(b"POST /api/status/node.json HTTP/1.1\r\nHost: x\r\n")
                except OSError:
                    pass
            daemon.wait_for(r"Cannot accept connections", timeout=10)
            for client in clients:
                client.close()
            start = time.monotonic()
            while not status_ok(daemon.port):
                assert time.monotonic() - start < 10, "the listener did not come back"
                time.sleep(0.01)
            runs.append({"recovered_ms": (time.monotonic() - start) * 1000,
                         "logged": "Accepting connections again" in daemon.log()})
            log("descriptors %d: status answers again after %.0f ms" % (rep + 1, runs[-1]["recovered_ms"]))
        finally:
            daemon.stop()
    return runs


def backlog(binary, reps):
    daemon = Daemon(binary)
    runs = []
    try:
        for rep in range(reps):
            selector = selectors.DefaultSelector()
            started = {}
            waits = []
            for _ in range(2000):
                client = socket.socket()
                client.setblocking(False)
                started[client] = time.monotonic()
                try:
                    client.connect(("127.0.0.1", daemon.port))
                except BlockingIOError:
                    pass
                selector.register(client, selectors.EVENT_WRITE)
            deadline = time.monotonic() + 30
            while started and time.monotonic() < deadline:
                for key, _ in selector.select(timeout=1):
                    waits.append(time.monotonic() - started.pop(key.fileobj))
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
            for client in started:
                client.close()
            waits.sort()
            runs.append({"connected": len(waits), "p50_ms": waits[len(waits) // 2] * 1000,
                         "p99_ms": waits[int(len(waits) * 0.99)] * 1000})
            log("backlog %d: %d connected, p50 %.1f ms" % (rep + 1, len(waits), runs[-1]["p50_ms"]))
            time.sleep(1)
    finally:
        daemon.stop()
    return runs


# --------------------------------------------------------------------------


def table(results):
    def med(scenario, key):
        return median([run[key] for run in results[scenario]])

    rows = [
        ("insert-groups, 20,000 groups", "%.2f s" % med("group-batch", "insert_s"),
         "slowest status meanwhile %.0f ms" % med("group-batch", "insert_slowest_status_ms")),
        ("delete-groups, 20,000 ids", "%.2f s" % med("group-batch", "delete_s"),
         "slowest status meanwhile %.0f ms" % med("group-batch", "delete_slowest_status_ms")),
        ("register, 1M `{}` in %d gzip bytes, 4 at once" % results["amplification"][0]["gzip_body_bytes"],
         "%d bytes answered" % med("amplification", "million_answer_bytes"),
         "slowest status meanwhile %.0f ms" % med("amplification", "slowest_status_ms")),
        ("register, 5,000 failing instances (%.1f MB)" % (results["amplification"][0]["fat_body_bytes"] / 1e6),
         "%.2f MiB answered" % (med("amplification", "fat_answer_bytes") / MIB), "limit 4 MiB"),
        ("40 clients never reading a %.0f MB services.json" % (results["non-readers"][0]["answer_bytes"] / 1e6),
         "RSS +%.0f MiB" % (med("non-readers", "growth") / MIB),
         "from %.0f MiB" % (med("non-readers", "rss_before") / MIB)),
        ("`ulimit -n 1024`, 1,100 half-open requests closed", "status after %.0f ms" % med("descriptors",
                                                                                          "recovered_ms"),
         "listener alive: %s" % all(run["logged"] for run in results["descriptors"])),
        ("2,000 simultaneous connects", "p50 %.1f ms" % med("backlog", "p50_ms"),
         "p99 %.1f ms" % med("backlog", "p99_ms")),
    ]
    lines = ["| Scenario | Median | |", "|---|---|---|"]
    lines += ["| %s | %s | %s |" % row for row in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artemisd", default=os.path.join(ROOT, "build", "api", "artemisd"))
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)
    # 2,000 client sockets at once, and the 1,100 of the descriptor scenario.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    binary = os.path.abspath(args.artemisd)
    results = {}
    load_before = os.getloadavg()[0]
    try:
        for name, scenario in (("group-batch", group_batch), ("amplification", amplification),
                               ("non-readers", non_readers), ("descriptors", descriptors), ("backlog", backlog)):
            log("%s…" % name)
            results[name] = scenario(binary, args.reps)
    finally:
        stop_all()
    os.makedirs(RESULTS, exist_ok=True)
    # The machine is shared: the load average says how quiet it was.
    load = (load_before, os.getloadavg()[0])
    with open(os.path.join(RESULTS, "hostile-latest.json"), "w") as f:
        json.dump({"time": time.strftime("%Y-%m-%d %H:%M:%S"), "reps": args.reps, "load_average": load,
                   "results": results}, f, indent=1)
    print(table(results))
    print("\n%d runs each; load average %.1f before, %.1f after (%d CPUs)" % (args.reps, load[0], load[1],
                                                                             os.cpu_count()))


if __name__ == "__main__":
    main()
