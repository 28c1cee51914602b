#!/usr/bin/env bash
# Cold start of the CLI: wall time from launching `fill-mask` to its JSON on stdout, with the
# default model albert.jar carries; the variants interleaved run by run, medians.
#   plain      java -jar target/albert.jar fill-mask TEXT
#   launcher   bin/albert fill-mask TEXT (AppCDS archive of this jar and JDK, created by its first run,
#              which is timed separately)
#   launcher+C1  the same with ALBERT_JAVA_OPTS=-XX:TieredStopAtLevel=1 (C1 only: shorter warm-up,
#              slower steady state; an option for one-shot commands only)
#   before     java -jar $BEFORE_JAR fill-mask TEXT, when BEFORE_JAR names an older albert.jar
# Writes its section of BENCHMARKS.md (between the cold-start markers).
# Usage: scripts/cold-start.sh [RUNS | --report-only]    (default 5 runs; RSS from /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
OUT=${OUT:-BENCHMARKS.md}
if [ "$RUNS" != --report-only ]; then
JAR=${JAR:-target/albert.jar}
TEXT="Paris is the [MASK] of France."
CDS=target/cold-start-cds
rm -rf "$CDS"; mkdir -p "$CDS"
export ALBERT_JAR=$JAR ALBERT_CDS_DIR=$CDS

timed() { # NAME CMD...: one run, appends "seconds rss_mb" to target/cold-start/NAME
  /usr/bin/time -f "%e %M" -o target/cold-start/.t "$@" > target/cold-start/.out 2>/dev/null
  grep -q '"token_str"' target/cold-start/.out || { echo "$1: no fill-mask JSON" >&2; exit 1; }
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' target/cold-start/.t >> "target/cold-start/$name"
}
rm -rf target/cold-start; mkdir -p target/cold-start
echo "$(date -u '+%Y-%m-%d %H:%M UTC') $(cut -d' ' -f1-3 /proc/loadavg)" > target/cold-start/.before
name=launcher-first; timed bin/albert fill-mask "$TEXT"
ls "$CDS"/*.jsa >/dev/null || { echo "no archive created in $CDS" >&2; exit 1; }
for i in $(seq "$RUNS"); do
  name=plain; timed java -jar "$JAR" fill-mask "$TEXT"
  name=launcher; timed bin/albert fill-mask "$TEXT"
  name=launcher+C1; ALBERT_JAVA_OPTS=-XX:TieredStopAtLevel=1 timed bin/albert fill-mask "$TEXT"
  if [ -n "${BEFORE_JAR:-}" ]; then name=before; timed java -jar "$BEFORE_JAR" fill-mask "$TEXT"; fi
done
echo "$(date -u '+%Y-%m-%d %H:%M UTC') $(cut -d' ' -f1-3 /proc/loadavg)" > target/cold-start/.after
fi

JAVA_VERSION=$(java -version 2>&1 | head -1) CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) logical CPUs" \
python3 - <<'PY' | python3 scripts/splice_section.py "$OUT" cold-start scripts/cold-start.sh
import os, statistics
d = "target/cold-start"
rows = {}
for name in ("plain", "before", "launcher", "launcher+C1", "launcher-first"):
    try:
        lines = [l.split() for l in open(os.path.join(d, name)) if l.strip()]
    except OSError:
        continue
    rows[name] = ([float(r[0]) for r in lines], [int(r[1]) for r in lines])
what = {"before": "`java -jar` on the jar before the change ($BEFORE_JAR)",
        "plain": "`java -jar target/albert.jar fill-mask …`",
        "launcher": "`bin/albert fill-mask …` (AppCDS archive, later runs)",
        "launcher+C1": "`ALBERT_JAVA_OPTS=-XX:TieredStopAtLevel=1 bin/albert fill-mask …`",
        "launcher-first": "`bin/albert fill-mask …`, its first run (creates the archive)"}
before, after = open(os.path.join(d, ".before")).read().split(" ", 3), open(os.path.join(d, ".after")).read().split(" ", 3)
base = statistics.median(rows["plain"][0])
out = ["## Cold start of the CLI (scripts/cold-start.sh)", "",
       "Wall time from launching `fill-mask \"Paris is the [MASK] of France.\"` with the demo model `albert.jar`"
       " carries to its JSON on stdout (`/usr/bin/time`), the variants interleaved run by run; medians, and the"
       " ratio to plain `java -jar` from the same sitting. %s; %s. Run %s %s UTC, load average %s before, %s after:"
       " the machine was shared with other engineers' builds, which inflates every time several-fold (the"
       " issue's ≤ 1.5 s is for a quiet machine); read the ratios." % (os.environ["CPU"], os.environ["JAVA_VERSION"],
       before[0], before[1], before[3].strip(), after[3].strip()), "",
       "| variant | median s | / plain | runs s | peak RSS MB (median) |", "| --- | --- | --- | --- | --- |"]
for name, (s, m) in rows.items():
    out.append("| %s | %.2f | %.2f | %s | %d |" % (what[name], statistics.median(s), statistics.median(s) / base,
                                                  " ".join("%.2f" % x for x in s), statistics.median(m)))
print("\n".join(out))
PY
echo "wrote its section of $OUT" >&2
