#!/usr/bin/env bash
# Per-stage timing of one albert-base layer (bench/src/main/java/io/albert4j/model/StageProfile.java),
# and the GEMM variants of GemmProbe.
# Usage: scripts/profile.sh [BATCH SEQ REPS]          (default 8 128 10)
#        scripts/profile.sh gemm ROWS OUT REPS        (GemmProbe, e.g. gemm 1024 3072 20)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-build.sh
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
FLAGS=(-Xmx1g -Dorg.bytedeco.javacpp.maxbytes=2G)
if [ "${1:-}" = gemm ]; then
  shift
  exec java "${FLAGS[@]}" -cp "$BENCH_CP" io.albert4j.model.GemmProbe "$@"
fi
exec java "${FLAGS[@]}" -cp "$BENCH_CP" io.albert4j.model.StageProfile "${1:-8}" "${2:-128}" "${3:-10}"
