# Sourced by the benchmark scripts: installs the library (jar + test jar, no tests run) into the local
# Maven repository, builds bench/ against it and sets BENCH_CP, the benchmarks' classpath.
# BENCH_SKIP_BUILD=1 reuses an existing bench/target.
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true >&2
  mvn -B -q -f bench/pom.xml package >&2
fi
BENCH_CP="bench/target/classes:$(cat bench/target/classpath.txt)"
