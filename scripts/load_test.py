#!/usr/bin/env python3
"""Load figure for the server: N concurrent clients sending real requests while slow-loris clients
hold connections open by dribbling header bytes, one every few seconds (never finishing a request).

    java -jar target/albert.jar serve --model models/albert-demo --port 8089 &
    python3 scripts/load_test.py --port 8089 --pid $! --clients 400 --requests 5 --slow 8

Prints p50/p99 latency of the real requests, their errors (must be 0), and the server's resident
memory (from /proc/PID/status) before and after. Standard library only."""
import argparse
import http.client
import json
import socket
import statistics
import threading
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def slow_loris(port, stop, held):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
    held.append(s)
    i = 0
    while not stop.is_set():
        try:
            s.sendall(b"X-a%d: b\r\n" % i)  # a header line every 2 s: never idle, never complete
        except OSError:
            return
        i += 1
        stop.wait(2)


def client(port, requests, body, latencies, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(requests):
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                errors.append(f"{r.status} {data[:100]!r}")
            else:
                latencies.append(time.perf_counter() - t0)
        except Exception as e:  # a refused or reset connection is an error for a real client
            errors.append(repr(e))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8089)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--clients", type=int, default=400)
    p.add_argument("--requests", type=int, default=5)
    p.add_argument("--slow", type=int, default=8)
    p.add_argument("--text", default="Paris is the [MASK] of France.")
    a = p.parse_args()
    body = json.dumps({"inputs": a.text}).encode()
    before = rss_mb(a.pid)
    stop = threading.Event()
    held = []
    loris = [threading.Thread(target=slow_loris, args=(a.port, stop, held), daemon=True) for _ in range(a.slow)]
    for t in loris:
        t.start()
    time.sleep(1)
    latencies, errors = [], []
    threads = [threading.Thread(target=client, args=(a.port, a.requests, body, latencies, errors))
               for _ in range(a.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    stop.set()
    after = rss_mb(a.pid)
    latencies.sort()
    q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000 if latencies else float("nan")
    print(json.dumps({
        "clients": a.clients, "requests_each": a.requests, "slow_loris": a.slow,
        "ok": len(latencies), "errors": len(errors), "error_samples": errors[:3],
        "p50_ms": round(q(0.50), 1), "p99_ms": round(q(0.99), 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "throughput_rps": round(len(latencies) / wall, 1), "wall_s": round(wall, 1),
        "rss_before_mb": round(before), "rss_after_mb": round(after),
    }, indent=1))


if __name__ == "__main__":
    main()
