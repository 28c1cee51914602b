#!/usr/bin/env bash
# JMH benchmarks of the hot kernels (src/test/java/io/albert4j/model/KernelBenchmarks.java).
# Usage: scripts/jmh.sh [JMH options, e.g. -p batch=1 -p seq=16 or a benchmark regex]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main \
  "${@:-KernelBenchmarks}"
