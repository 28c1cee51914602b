#!/usr/bin/env bash
# Reduced precision (Precision.INT8/BF16) against FP32: accuracy on every golden checkpoint and on
# corpus sentences (masked-LM argmax, seeded-head sequence classification), and speed at 8×128 with the
# three precisions interleaved. Prints the markdown tables of docs/precision.md.
#
# Usage: scripts/precision.sh [SENTENCES (default 400; 0: speed only)] [REPS (default 15)]
# Environment: FIXTURES (../shared/fixtures), CORPUS (wikitext-2 validation), THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FIXTURES=${FIXTURES:-$ROOT/../shared/fixtures}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/wikitext-2_valid.txt}
export OMP_NUM_THREADS=${THREADS:-2}
mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/precision.classpath -Dmdep.includeScope=test
java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=6G \
  -cp "target/classes:target/test-classes:$(cat target/precision.classpath)" \
  io.albert4j.model.PrecisionReport "$FIXTURES" "$CORPUS" "${1:-400}" "${2:-15}"
