#!/usr/bin/env bash
# Side-by-side benchmark: albert4j vs ONNX Runtime Java (fp32 and int8 dynamic quantization) vs
# PyTorch + transformers, on albert-base-random (the albert-base-v2 shape), the same ids, 2 threads
# each, interleaved rounds in one run (bench/engines/bench_engines.py), and writes its section of
# BENCHMARKS.md (between the bench-engines markers; the other sections stay).
#
# albert4j runs twice in the same run: with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (what a
# user's machine has; OpenBLAS picks its kernels for the CPU) and, when this shell sets them, with
# them as set. The other engines run with them unset (they do not use ND4J's OpenBLAS).
#
# Usage: scripts/bench-engines.sh [--quick] [--no-build] [--export] [--report-only] [--out FILE]
#   --quick        few rounds, no cold-start repeats (a smoke run; not for the record)
#   --no-build     reuse bench/target and the Python environment as they are
#   --export       export and quantize the ONNX graphs again (otherwise reused from target/bench-engines)
#   --report-only  write the section from the last run's target/bench-engines (also a run cut short)
# Environment: MODEL, GOLDEN, THREADS (2), PYTHON_ENV (target/benchvenv), JAVA_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=0; BUILD=1; EXPORT=0; REPORT_ONLY=0; OUT=BENCHMARKS.md
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    --export) EXPORT=1 ;;
    --report-only) REPORT_ONLY=1 ;;
    --out) OUT="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

MODEL=${MODEL:-$ROOT/../shared/fixtures/models/albert-base-random}
GOLDEN=${GOLDEN:-$ROOT/../shared/fixtures/golden/albert-base-random.json}
THREADS=${THREADS:-2}
PYTHON_ENV=${PYTHON_ENV:-$ROOT/target/benchvenv}
JAVA_FLAGS=${JAVA_FLAGS:-"-Xmx512m -Dorg.bytedeco.javacpp.maxbytes=2G -Dorg.bytedeco.javacpp.maxphysicalbytes=3G"}
RES=target/bench-engines
mkdir -p "$RES"
AS_SET_CORETYPE=${OPENBLAS_CORETYPE:-}
AS_SET_L2=${OPENBLAS_L2_SIZE:-}

run_benchmark() {
# The Python side: torch 2.13 (CPU), transformers 5.17, onnx, onnxruntime 1.30, from the local index
# where the machine has one.
PIP_INDEX=(--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple)
[ -d /opt/pypi/simple ] || PIP_INDEX=()
PY=$PYTHON_ENV/bin/python
if [ "$BUILD" = 1 ] && ! "$PY" -c 'import torch, transformers, onnx, onnxruntime, onnxscript' 2>/dev/null; then
  python3 -m venv "$PYTHON_ENV"
  "$PYTHON_ENV/bin/pip" install -q "${PIP_INDEX[@]}" torch==2.13.0+cpu transformers==5.17.0 onnx \
    onnxruntime==1.30.0 onnxscript safetensors numpy
fi
if [ "$BUILD" = 1 ]; then
  source scripts/bench-build.sh
else
  BENCH_SKIP_BUILD=1 source scripts/bench-build.sh
fi

# The ONNX graphs, checked against the goldens (export_onnx.py fails above 1e-4 for fp32 and PyTorch).
if [ "$EXPORT" = 1 ] || [ ! -f "$RES/albert-base-random-int8.onnx" ] || [ ! -f "$RES/export.json" ]; then
  OMP_NUM_THREADS=$THREADS "$PY" bench/engines/export_onnx.py --model "$MODEL" --golden "$GOLDEN" \
    --out-dir "$RES" 2> "$RES/export.err" || { tail -20 "$RES/export.err" >&2; exit 1; }
fi
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["max_abs_diff_vs_golden"]; print("golden check (max abs diff):", d)' "$RES/export.json"

# Which OpenBLAS kernel ND4J's OpenBLAS picks, unset and as set.
openblas_core() {
  printf 'quit\n' | env "$@" OPENBLAS_VERBOSE=2 OMP_NUM_THREADS=$THREADS java $JAVA_FLAGS -cp "$BENCH_CP" \
    io.albert4j.bench.EngineWorker albert4j "$THREADS" "$MODEL" 2>&1 | grep -m1 -i '^Core:' || echo "Core: (not reported)"
}
CORE_UNSET=$(openblas_core -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
CORE_SET=""
[ -n "$AS_SET_CORETYPE$AS_SET_L2" ] && CORE_SET=$(openblas_core)
printf 'CORE_UNSET=%q\nCORE_SET=%q\nAS_SET_CORETYPE=%q\nAS_SET_L2=%q\nQUICK=%q\n' "$CORE_UNSET" "$CORE_SET" \
  "$AS_SET_CORETYPE" "$AS_SET_L2" "$QUICK" > "$RES/run.env"
echo "OpenBLAS unset: $CORE_UNSET; as set (${AS_SET_CORETYPE:-} ${AS_SET_L2:-}): ${CORE_SET:-n/a}"

# [batch, seq, warm-up passes, rounds] per shape; fresh processes for the time to first result;
# 8 x 128 passes after loading for the peak RSS. BENCH_SHAPES, BENCH_COLD, BENCH_RSS override them.
if [ "$QUICK" = 1 ]; then
  SHAPES='[[1,16,1,3],[1,128,1,2],[8,128,1,2],[32,128,0,1],[1,512,1,2],[8,512,0,1]]'; COLD=1; RSS=2
else
  SHAPES='[[1,16,3,15],[1,128,2,9],[8,128,1,5],[32,128,1,3],[1,512,1,5],[8,512,1,3]]'; COLD=3; RSS=3
fi
SHAPES=${BENCH_SHAPES:-$SHAPES}; COLD=${BENCH_COLD:-$COLD}; RSS=${BENCH_RSS:-$RSS}

# The run's configuration: engines (worker command lines and environment) and the counts above.
SHAPES="$SHAPES" COLD="$COLD" RSS="$RSS" CP="$BENCH_CP" PY="$PY" MODEL="$MODEL" RES="$RES" THREADS="$THREADS" \
JAVA_FLAGS="$JAVA_FLAGS" AS_SET_CORETYPE="$AS_SET_CORETYPE" AS_SET_L2="$AS_SET_L2" python3 - <<'PY' > "$RES/config.json"
import json, os
e = os.environ
java = ["java"] + e["JAVA_FLAGS"].split() + ["-cp", e["CP"], "io.albert4j.bench.EngineWorker"]
unset = {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None, "OMP_NUM_THREADS": e["THREADS"]}
res = e["RES"]
engines = [
    {"name": "albert4j", "description": "albert4j `AlbertModel` (no head) on the safetensors checkpoint, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset",
     "command": java + ["albert4j", e["THREADS"], e["MODEL"]], "env": unset},
]
if e["AS_SET_CORETYPE"] or e["AS_SET_L2"]:
    as_set = dict(unset, OPENBLAS_CORETYPE=e["AS_SET_CORETYPE"] or None, OPENBLAS_L2_SIZE=e["AS_SET_L2"] or None)
    engines.append({"name": "albert4j-set", "description": "the same with OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s as this machine sets them"
                    % (e["AS_SET_CORETYPE"] or "(unset)", e["AS_SET_L2"] or "(unset)"),
                    "command": java + ["albert4j", e["THREADS"], e["MODEL"]], "env": as_set})
engines += [
    {"name": "ort-fp32", "description": "ONNX Runtime Java on the exported fp32 graph (all graph optimizations, intra-op threads 2, inter-op 1, sequential)",
     "command": java + ["ort", e["THREADS"], res + "/albert-base-random.onnx"], "env": unset},
    {"name": "ort-int8", "description": "the same on the int8 graph of `quantize_dynamic` (QInt8 weights, per-tensor)",
     "command": java + ["ort", e["THREADS"], res + "/albert-base-random-int8.onnx"], "env": unset},
    {"name": "torch", "description": "PyTorch 2.13 + transformers 5.17 `AlbertModel` (no pooler), float32, inference_mode, default attention",
     "command": [e["PY"], "bench/engines/torch_worker.py", e["THREADS"], e["MODEL"]], "env": unset},
]
for x in engines:
    x["stderr_log"] = "%s/%s.err" % (res, x["name"])
shapes = [{"batch": b, "seq": s, "warmup": w, "rounds": r} for b, s, w, r in json.loads(e["SHAPES"])]
print(json.dumps({"threads": e["THREADS"], "baseline": "albert4j", "reference": "torch", "engines": engines,
                  "shapes": shapes, "cold_rounds": int(e["COLD"]), "rss_passes": int(e["RSS"])}, indent=1))
PY
rm -f "$RES"/*.err
python3 bench/engines/bench_engines.py run --config "$RES/config.json" --out "$RES/results.json"
}

if [ "$REPORT_ONLY" = 0 ]; then
  run_benchmark
fi
source "$RES/run.env"

# The section of BENCHMARKS.md.
{
  echo "## Side by side: albert4j, ONNX Runtime Java, PyTorch 2.13 (scripts/bench-engines.sh)"
  echo
  echo "Generated by \`scripts/bench-engines.sh\`$([ "$QUICK" = 1 ] && echo ' --quick (a smoke run, not for the record)'); do not edit by hand. albert-base-random (the"
  echo "exact albert-base-v2 shape, random weights), random-looking ids of the same formula for every engine"
  echo "([CLS] … [SEP], full attention mask, type ids 0), last hidden state. The machine was shared with other"
  echo "engineers' builds while it ran (load averages below), so absolute times are inflated and noisy: read the"
  echo "ratios, which come from interleaved rounds under the same load."
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) logical CPUs"
  echo "($(grep -o -w -E 'avx2|avx512f|avx512_vnni|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ' | sed 's/ $//')),"
  echo "$(free -g | awk '/^Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); JVM flags \`$JAVA_FLAGS\`;"
  echo "ND4J 1.0.0-M2.1 with its OpenBLAS 0.3.19; ONNX Runtime Java $(sed -n 's:.*<onnxruntime.version>\(.*\)</onnxruntime.version>.*:\1:p' bench/pom.xml);"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("Python side: torch %s, transformers %s, onnxruntime %s; graph by %s, int8 by %s (%.0f MB fp32, %.0f MB int8)." % (d["torch"], d["transformers"], d["onnxruntime"], d["exporter"], d["quantization"], d["bytes"]["fp32"]/1e6, d["bytes"]["int8"]/1e6))' "$RES/export.json"
  echo "OpenBLAS kernel (\`OPENBLAS_VERBOSE=2\`): unset → \`$CORE_UNSET\`; as set (OPENBLAS_CORETYPE=${AS_SET_CORETYPE:-unset}, OPENBLAS_L2_SIZE=${AS_SET_L2:-unset}) → \`${CORE_SET:-n/a}\`."
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["max_abs_diff_vs_golden"]; print("Golden check before timing (golden/albert-base-random.json, transformers 4.39 / PyTorch 1.13, last_hidden_state): max abs diff PyTorch 2.13 %.1e, ORT fp32 %.1e (both required ≤ 1e-4), ORT int8 %.1e (reported only)." % (d["pytorch"], d["ort_fp32"], d["ort_int8"]))' "$RES/export.json"
  echo
  python3 bench/engines/bench_engines.py report "$RES/results.json"
  echo
  echo "Reproduce: \`scripts/bench-engines.sh\` (builds bench/, the Python environment target/benchvenv, the ONNX graphs;"
  echo "\`--quick\` for a smoke run). Worker command lines and environments: \`target/bench-engines/config.json\`."
} | python3 scripts/splice_section.py "$OUT" bench-engines scripts/bench-engines.sh
echo "wrote its section of $OUT" >&2
