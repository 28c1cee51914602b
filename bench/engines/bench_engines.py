#!/usr/bin/env python3
"""Side-by-side benchmark of albert4j, ONNX Runtime Java (fp32, int8) and PyTorch + transformers on
albert-base-random, driven by scripts/bench-engines.sh. Standard library only.

  bench_engines.py run --config CONFIG.json --out RESULTS.json
  bench_engines.py report RESULTS.json          (Markdown on stdout)
  bench_engines.py merge FIRST.json SECOND.json OUT.json   (two sittings of the same engines: the
                                                 shapes of both, the second's cold-start figures)

CONFIG names the engines (each a command line of a worker speaking the line protocol of
io.albert4j.bench.EngineWorker / torch_worker.py, with extra environment variables), the shapes with
their warm-up and round counts, and the reference engine for the output check.

Method:
- forward passes (first; results saved after every shape): every engine's worker is started and loaded first; then, shape by shape, each
  engine warms up, and the timed rounds follow, one forward pass per engine per round, in an order
  that rotates from round to round (interleaved, so that the machine's load hits every engine
  alike). Reported: per engine the median and the range of its rounds, and per pair the median of
  the per-round ratios. Each worker's peak RSS (VmHWM) over the whole run is read from /proc.
- time to first result: a fresh worker per engine (engines interleaved, rounds repeated): wall time
  from process start to the reply of its first 1 x 16 forward pass.
- peak RSS: a fresh worker per engine under /usr/bin/time -v: load, then ten 8 x 128 passes.
- output check: eight values of the last hidden state per shape, compared with the reference engine.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Worker:
    """One engine process; speaks the line protocol."""

    def __init__(self, engine, wrap=None):
        env = dict(os.environ)
        for k, v in engine.get("env", {}).items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        command = (wrap or []) + engine["command"]
        self.stderr = open(engine["stderr_log"], "a") if engine.get("stderr_log") else subprocess.DEVNULL
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.stderr, env=env, text=True, bufsize=1)
        self.name = engine["name"]
        line = self.read_line()
        if not line.startswith("ready"):
            raise RuntimeError("%s: expected ready, got %r" % (self.name, line))
        self.load_ms = float(line.split()[1])

    def read_line(self):
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("%s: worker exited (rc %s)" % (self.name, self.process.poll()))
            line = line.strip()
            if line.startswith(("ready", "ok", "error")):
                return line

    def run(self, batch, seq, n):
        """n forward passes; returns (ms per pass, eight output values)."""
        self.process.stdin.write("run %d %d %d\n" % (batch, seq, n))
        self.process.stdin.flush()
        line = self.read_line()
        if not line.startswith("ok"):
            raise RuntimeError("%s: %s" % (self.name, line))
        times, sample = line[2:].split("|")
        return [float(t) for t in times.split()], [float(v) for v in sample.split()]

    def peak_rss_mb(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        return None

    def quit(self):
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass
        rc = self.process.wait(timeout=120)
        if self.stderr is not subprocess.DEVNULL:
            self.stderr.close()
        return rc


def forward_passes(config, log, save):
    engines = config["engines"]
    workers = []
    for e in engines:
        w = Worker(e)
        log("%s loaded in %.0f ms" % (e["name"], w.load_ms))
        workers.append(w)
    results = {"shapes": [], "load_ms": {w.name: w.load_ms for w in workers}}
    try:
        for shape in config["shapes"]:
            batch, seq = shape["batch"], shape["seq"]
            entry = {"batch": batch, "seq": seq, "rounds": shape["rounds"], "warmup": shape["warmup"],
                     "load_before": loadavg(), "ms": {w.name: [] for w in workers}, "sample": {}}
            for w in workers:
                if shape["warmup"]:
                    w.run(batch, seq, shape["warmup"])
            for r in range(shape["rounds"]):
                order = workers[r % len(workers):] + workers[:r % len(workers)]
                for w in order:
                    times, sample = w.run(batch, seq, 1)
                    entry["ms"][w.name].append(times[0])
                    entry["sample"][w.name] = sample
            entry["load_after"] = loadavg()
            log("%d x %d: %s (load %s)" % (batch, seq, ", ".join(
                "%s %.1f ms" % (n, statistics.median(t)) for n, t in entry["ms"].items()), entry["load_after"]))
            results["shapes"].append(entry)
            results["peak_rss_mb"] = {w.name: w.peak_rss_mb() for w in workers}
            save(results)
    finally:
        for w in workers:
            w.quit()
    return results


def time_to_first_result(config, log):
    out = {e["name"]: [] for e in config["engines"]}
    for r in range(config["cold_rounds"]):
        for e in config["engines"]:
            w = Worker(e)
            w.run(1, 16, 1)
            out[e["name"]].append((time.perf_counter() - w.started) * 1e3)
            w.quit()
        log("time to first result, round %d: %s" % (r + 1, ", ".join("%s %.0f ms" % (n, t[-1]) for n, t in out.items())))
    return out


def peak_rss(config, log):
    out = {}
    for e in config["engines"]:
        with tempfile.NamedTemporaryFile("r", suffix=".time") as f:
            w = Worker(e, wrap=["/usr/bin/time", "-v", "-o", f.name])
            w.run(8, 128, config.get("rss_passes", 10))
            w.quit()
            text = f.read()
        kb = [int(l.split(":")[1]) for l in text.splitlines() if "Maximum resident set size" in l]
        out[e["name"]] = kb[0] / 1024.0 if kb else None
        log("peak RSS, load + %d x 8 x 128: %s %.0f MB" % (config.get("rss_passes", 10), e["name"], out[e["name"]] or -1))
    return out


def run(config_path, out_path):
    """Forward passes first (saved after every shape, so that a run cut short still reports), then
    time to first result and peak RSS."""
    config = json.load(open(config_path))
    log = lambda m: print("[%s] %s" % (time.strftime("%H:%M:%S"), m), file=sys.stderr, flush=True)
    results = {"config": config, "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_start": loadavg()}

    def save(forward=None):
        if forward is not None:
            results["forward"] = forward
        results["load_end"] = loadavg()
        results["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        json.dump(results, open(out_path, "w"), indent=1)

    forward_passes(config, log, save)
    if config.get("cold_rounds"):
        results["first_result_ms"] = time_to_first_result(config, log)
        save()
    if config.get("rss_passes"):
        results["rss_mb"] = peak_rss(config, log)
        save()
    log("wrote %s" % out_path)


def report(path):
    res = json.load(open(path))
    cfg = res["config"]
    names = [e["name"] for e in cfg["engines"]]
    base, ref = cfg["baseline"], cfg["reference"]
    fwd = res["forward"]
    w = print
    w("Engines, each in its own process with %s threads: %s." % (cfg["threads"], "; ".join(
        "**%s**: %s" % (e["name"], e["description"]) for e in cfg["engines"])))
    w("")
    w("Per shape every engine warms up, then the timed rounds interleave the engines (one forward pass each per"
      " round, the order rotating); ms per forward pass, median and range over the rounds. *×* columns: the"
      " median over rounds of (that engine's time / %s's time) in the same round, so > 1 means %s is faster."
      % (base, base))
    w("")
    others = [n for n in names if n != base]
    w("| batch × seq | rounds | " + " | ".join("%s ms" % n for n in names) + " | " + " | ".join("%s ×" % n for n in others) + " | load avg before → after |")
    w("| --- | --- |" + " --- |" * (len(names) + len(others)) + " --- |")
    for s in fwd["shapes"]:
        ms = s["ms"]
        cells = ["%.1f (%.1f–%.1f)" % (statistics.median(ms[n]), min(ms[n]), max(ms[n])) for n in names]
        ratios = ["%.2f" % statistics.median(o / b for o, b in zip(ms[n], ms[base])) for n in others]
        w("| %d × %d | %d | %s | %s | %s → %s |" % (s["batch"], s["seq"], s["rounds"], " | ".join(cells), " | ".join(ratios),
                                                  s["load_before"], s["load_after"]))
    w("")
    w("Output check: max |difference| of eight last-hidden-state values per shape against %s (the same ids for every engine):" % ref)
    w("")
    w("| engine | " + " | ".join("%d × %d" % (s["batch"], s["seq"]) for s in fwd["shapes"]) + " |")
    w("| --- |" + " --- |" * len(fwd["shapes"]))
    for n in names:
        if n == ref:
            continue
        w("| %s | %s |" % (n, " | ".join("%.1e" % max(abs(a - b) for a, b in zip(s["sample"][n], s["sample"][ref]))
                                          for s in fwd["shapes"])))
    w("")
    w("| engine | process start to model ready, ms | time to first result ms, median (runs) | peak RSS MB, load + %d × 8 × 128 | peak RSS MB, whole forward-pass run |"
      % cfg.get("rss_passes", 10))
    w("| --- | --- | --- | --- | --- |")
    first = res.get("first_result_ms", {})
    rss = res.get("rss_mb", {})
    for n in names:
        f = first.get(n) or []
        w("| %s | %.0f | %s | %s | %s |" % (
            n, fwd["load_ms"][n], ("%.0f (%s)" % (statistics.median(f), ", ".join("%.0f" % x for x in f))) if f else "n/a",
            ("%.0f" % rss[n]) if rss.get(n) else "n/a",
            ("%.0f" % fwd["peak_rss_mb"][n]) if fwd.get("peak_rss_mb", {}).get(n) else "n/a"))
    w("")
    if len(fwd["shapes"]) < len(cfg["shapes"]):
        w("The run was cut short after %d of its %d shapes." % (len(fwd["shapes"]), len(cfg["shapes"])))
        w("")
    if res.get("sittings"):
        w("Two sittings of the same engines and configuration (the first cut short to fit the time left): %s."
          % "; ".join("%s to %s" % tuple(s) for s in res["sittings"]))
    w("Run %s to %s; load average (1, 5, 15 min) %s at the start, %s at the end."
      % (res["started"], res["finished"], res["load_start"], res["load_end"]))


def merge(first_path, second_path, out_path):
    first, second = json.load(open(first_path)), json.load(open(second_path))
    if [e["name"] for e in first["config"]["engines"]] != [e["name"] for e in second["config"]["engines"]]:
        sys.exit("merge: the two runs have different engines")
    merged = dict(second, started=first["started"], load_start=first["load_start"])
    done = len(first["forward"]["shapes"])  # the shapes the first sitting finished
    merged["config"] = dict(second["config"], shapes=first["config"]["shapes"][:done] + second["config"]["shapes"])
    fwd = dict(second["forward"], shapes=first["forward"]["shapes"] + second["forward"]["shapes"])
    fwd["load_ms"] = first["forward"]["load_ms"]
    fwd["peak_rss_mb"] = {n: max(v for v in (first["forward"]["peak_rss_mb"].get(n), m) if v is not None)
                          for n, m in second["forward"]["peak_rss_mb"].items()}
    merged["forward"] = fwd
    merged["sittings"] = [[first["started"], first["finished"]], [second["started"], second["finished"]]]
    for key in ("first_result_ms", "rss_mb"):
        if key not in merged and key in first:
            merged[key] = first[key]
    json.dump(merged, open(out_path, "w"), indent=1)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "run" and sys.argv[2] == "--config" and sys.argv[4] == "--out":
        run(sys.argv[3], sys.argv[5])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "merge":
        merge(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
