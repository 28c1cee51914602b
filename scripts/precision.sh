#!/usr/bin/env bash
# Reduced precision (Precision.INT8/BF16) against FP32 (bench/src/main/java/io/albert4j/model/PrecisionReport.java):
# accuracy on every golden checkpoint and on corpus sentences (masked-LM argmax, seeded-head sequence
# classification), and speed at 8×128 with the three precisions interleaved. Prints the markdown
# tables of docs/precision.md.
#
# Usage: scripts/precision.sh [SENTENCES (default 400; 0: speed only)] [REPS (default 15; 0: accuracy only)]
# Environment: FIXTURES (../shared/fixtures), CORPUS (wikitext-2 validation), THREADS (2),
#   BENCH_SKIP_BUILD=1 to reuse bench/target.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/bench-build.sh
FIXTURES=${FIXTURES:-$ROOT/../shared/fixtures}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/wikitext-2_valid.txt}
export OMP_NUM_THREADS=${THREADS:-2}
exec java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=6G \
  -cp "$BENCH_CP" io.albert4j.model.PrecisionReport "$FIXTURES" "$CORPUS" "${1:-400}" "${2:-15}"
