#!/usr/bin/env bash
# JMH benchmarks of the hot kernels (bench/src/main/java/io/albert4j/model/KernelBenchmarks.java),
# built by the bench/ project against the installed library (mvn install) and its test jar.
# Usage: scripts/jmh.sh [JMH options, e.g. -p batch=1 -p seq=16 or a benchmark regex]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-build.sh
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
exec java -cp "$BENCH_CP" org.openjdk.jmh.Main "${@:-KernelBenchmarks}"
