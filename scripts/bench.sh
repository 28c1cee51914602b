#!/usr/bin/env bash
# Benchmarks albert4j against a plain-PyTorch ALBERT (scripts/torch_albert_baseline.py, Debian's
# PyTorch 1.13) on the same safetensors file, in the same run, and writes its section of BENCHMARKS.md
# (results + scripts/bench_notes.md, between the bench-sh markers; the other sections stay). The
# side-by-side comparison with ONNX Runtime and PyTorch 2.13 is scripts/bench-engines.sh.
#
# Usage: scripts/bench.sh [--quick] [--skip-text] [--text-lines N] [--out FILE]
#   --quick       fewer iterations (a smoke run; not for the record)
#   --skip-text   leave out the end-to-end real-text mode (it takes ~5 min for albert4j and
#                 ~15 min for the PyTorch pipeline on 2 cores)
# Environment: MODEL (albert-base-random dir), TINY (fill-mask model for cold start),
#   CORPUS (text file), THREADS (2), JAVA_FLAGS, PYTHON (/usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=0; SKIP_TEXT=0; TEXT_LINES=2000; OUT=BENCHMARKS.md
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --skip-text) SKIP_TEXT=1 ;;
    --text-lines) TEXT_LINES="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

MODEL=${MODEL:-$ROOT/../shared/fixtures/models/albert-base-random}
TINY=${TINY:-$ROOT/../shared/fixtures/models/albert-tiny-maskedlm}
GOLDEN=${GOLDEN:-$ROOT/../shared/fixtures/golden/albert-base-random.json}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/wikitext-2_valid.txt}
THREADS=${THREADS:-2}
PYTHON=${PYTHON:-/usr/bin/python3}
JAVA_FLAGS=${JAVA_FLAGS:-"-Xmx256m -Dorg.bytedeco.javacpp.maxbytes=1G -Dorg.bytedeco.javacpp.maxphysicalbytes=2G"}
TEXT_JAVA_FLAGS=${TEXT_JAVA_FLAGS:-"-Xmx512m -Dorg.bytedeco.javacpp.maxbytes=3G -Dorg.bytedeco.javacpp.maxphysicalbytes=4G"}
export OMP_NUM_THREADS=$THREADS
RES=target/bench
rm -rf "$RES"; mkdir -p "$RES"

[ -f target/albert.jar ] || mvn -B -q package -DskipTests
JAR=target/albert.jar

TORCH=0
if [ -x "$PYTHON" ] && ! "$PYTHON" -c 'import torch' 2>/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y -q python3-torch >/dev/null 2>&1 || true
fi
# Debian's torch links the generic libblas.so.3, which is the single-threaded reference BLAS unless
# OpenBLAS provides it: install OpenBLAS so that the baseline is PyTorch as its users run it.
if [ "$(id -u)" = 0 ] && ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  apt-get install -y -q libopenblas0-pthread >/dev/null 2>&1 || true
fi
if [ -x "$PYTHON" ] && "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then TORCH=1; fi

# run NAME CMD...: stdout JSON -> $RES/NAME.json, /usr/bin/time -v -> $RES/NAME.time
run() {
  local name=$1; shift
  echo "== $name: $*" >&2
  echo "$*" > "$RES/$name.cmd"
  /usr/bin/time -v -o "$RES/$name.time" "$@" > "$RES/$name.json" 2> "$RES/$name.err" || {
    echo "$name failed:" >&2; tail -5 "$RES/$name.err" >&2; return 1; }
  cat "$RES/$name.json" >&2
}

if [ "$TORCH" = 1 ]; then
  run torch_golden "$PYTHON" scripts/torch_albert_baseline.py --model "$MODEL" --golden "$GOLDEN" \
    --threads "$THREADS" --batch 1 --seq-len 8 --warmup 0 --iterations 1
fi

for shape in "1 16" "1 128" "8 128"; do
  set -- $shape
  b=$1; s=$2
  if [ "$QUICK" = 1 ]; then w=1; n=3; elif [ "$b$s" = 116 ]; then w=10; n=40; elif [ "$b$s" = 1128 ]; then w=5; n=20; else w=3; n=12; fi
  for rep in 1; do
    # shellcheck disable=SC2086
    run "java_${b}x${s}" java $JAVA_FLAGS -jar "$JAR" bench --model "$MODEL" --batch "$b" --seq-len "$s" \
      --threads "$THREADS" --warmup "$w" --iterations "$n"
    if [ "$TORCH" = 1 ]; then
      run "torch_${b}x${s}" "$PYTHON" scripts/torch_albert_baseline.py --model "$MODEL" --batch "$b" --seq-len "$s" \
        --threads "$THREADS" --warmup "$w" --iterations "$n"
    fi
  done
done

# Per-stage profile of one layer (bench/: scripts/profile.sh), at 8 x 128 and 1 x 16.
reps=10; [ "$QUICK" = 1 ] && reps=2
source scripts/bench-build.sh
for shape in "8 128" "1 16"; do
  set -- $shape
  BENCH_SKIP_BUILD=1 scripts/profile.sh "$1" "$2" "$([ "$1" = 1 ] && echo $((reps * 20)) || echo $reps)" 2>/dev/null \
    | grep -E '^stages' > "$RES/stages_${1}x${2}.txt" || true
done

# Cold start: JVM start to JSON, fill-mask with a tiny model; default flags, then with an AppCDS
# archive (created by one training run) and C1 only, as a short-lived CLI would run.
if [ -d "$TINY" ]; then
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -a -o "$RES/cold_plain.txt" java -jar "$JAR" fill-mask --model "$TINY" \
      "The capital of France is [MASK]." > "$RES/cold_out.json" 2>/dev/null
  done
  java -XX:ArchiveClassesAtExit="$RES/albert.jsa" -jar "$JAR" fill-mask --model "$TINY" \
    "The capital of France is [MASK]." > /dev/null 2>&1 || true
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -a -o "$RES/cold_cds.txt" java -XX:SharedArchiveFile="$RES/albert.jsa" \
      -XX:TieredStopAtLevel=1 -jar "$JAR" fill-mask --model "$TINY" "The capital of France is [MASK]." \
      > /dev/null 2>/dev/null
  done
fi

if [ "$SKIP_TEXT" = 0 ] && [ -f "$CORPUS" ]; then
  tw=1; [ "$QUICK" = 1 ] && TEXT_LINES=$(( TEXT_LINES < 200 ? TEXT_LINES : 200 ))
  # shellcheck disable=SC2086
  run java_text java $TEXT_JAVA_FLAGS -jar "$JAR" bench --model "$MODEL" --text-file "$CORPUS" \
    --lines "$TEXT_LINES" --batch-size 32 --threads "$THREADS" --warmup "$tw" --iterations 1 \
    --dump-ids "$RES/text_ids.txt"
  if [ "$TORCH" = 1 ]; then
    run torch_text "$PYTHON" scripts/torch_albert_baseline.py --model "$MODEL" --ids-file "$RES/text_ids.txt" \
      --batch-size 32 --threads "$THREADS" --warmup "$tw" --iterations 1
  fi
fi

{
  echo "lscpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cpus=$(nproc)"
  echo "flags=$(grep -o -w -E 'avx2|fma|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "mem=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "torch=$("$PYTHON" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo none)"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java_flags=$JAVA_FLAGS"
  echo "text_java_flags=$TEXT_JAVA_FLAGS"
  echo "threads=$THREADS"
} > "$RES/machine.txt"

"$PYTHON" scripts/bench_report.py "$RES" scripts/bench_notes.md \
  | "$PYTHON" scripts/splice_section.py "$OUT" bench-sh scripts/bench.sh
echo "wrote its section of $OUT" >&2
