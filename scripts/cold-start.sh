#!/usr/bin/env bash
# Cold start of the CLI: wall time from launching `fill-mask` to its JSON on stdout, with the
# default model albert.jar carries; the variants interleaved run by run, medians.
#   plain      java -jar target/albert.jar fill-mask TEXT
#   launcher   bin/albert fill-mask TEXT (AppCDS archive of this jar and JDK, created by its first run,
#              which is timed separately)
#   launcher+C1  the same with ALBERT_JAVA_OPTS=-XX:TieredStopAtLevel=1 (C1 only: shorter warm-up,
#              slower steady state; an option for one-shot commands only)
#   before     java -jar $BEFORE_JAR fill-mask TEXT, when BEFORE_JAR names an older albert.jar
# Usage: scripts/cold-start.sh [RUNS]     (default 5; RSS in MB from /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
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
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
name=launcher-first; timed bin/albert fill-mask "$TEXT"
ls "$CDS"/*.jsa >/dev/null || { echo "no archive created in $CDS" >&2; exit 1; }
for i in $(seq "$RUNS"); do
  name=plain; timed java -jar "$JAR" fill-mask "$TEXT"
  name=launcher; timed bin/albert fill-mask "$TEXT"
  name=launcher+C1; ALBERT_JAVA_OPTS=-XX:TieredStopAtLevel=1 timed bin/albert fill-mask "$TEXT"
  if [ -n "${BEFORE_JAR:-}" ]; then name=before; timed java -jar "$BEFORE_JAR" fill-mask "$TEXT"; fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in target/cold-start/*; do
  python3 - "$f" <<'PY'
import statistics, sys, os
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
s = [float(r[0]) for r in rows]; m = [int(r[1]) for r in rows]
print("%-14s median %.2f s  runs %s  peak RSS median %d MB" % (os.path.basename(sys.argv[1]), statistics.median(s), " ".join("%.2f" % x for x in s), statistics.median(m)))
PY
done
